//! The built-in video probe: per-file cost on the sample MP4s opened as
//! files (what `--probe builtin` costs on a seekable file), and the
//! in-scan path: `Capture` fed 1 MiB chunks of an in-memory MP4, then the
//! probe run on what it kept. Compare with ffprobe (~0.1 s a file, mostly
//! process start-up; see BENCHMARKS.md).

use std::fs::File;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use trainpack::formats::Family;
use trainpack::probe::ProbeOutcome;
use trainpack::probe::builtin;
use trainpack::probe::capture::Capture;

const CHUNK: usize = 1 << 20;

fn sample_mp4s() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/pass");
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "mp4"))
        .map(|e| e.into_path())
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no samples/pass/**/*.mp4");
    v
}

fn is_video(o: &Option<ProbeOutcome>) -> bool {
    matches!(o, Some(ProbeOutcome::Video(_)))
}

/// A sample MP4 followed by a large top-level `free` box: the capture must
/// skip `size` bytes of payload without keeping them, as it does an `mdat`.
fn padded_mp4(sample: &[u8], pad: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(sample.len() + pad);
    v.extend_from_slice(sample);
    v.extend_from_slice(&(pad as u32).to_be_bytes());
    v.extend_from_slice(b"free");
    v.resize(sample.len() + pad, 0x5a);
    v
}

fn capture_and_probe(data: &[u8]) -> (Option<ProbeOutcome>, bool) {
    let mut cap = Capture::new();
    for chunk in data.chunks(CHUNK) {
        cap.update(black_box(chunk));
    }
    let captured = cap.finish().expect("an MP4 is captured");
    let mut r = captured.reader();
    let out = builtin::probe(&mut r, captured.len, Some(captured.family));
    (out, !r.missed())
}

fn probe(c: &mut Criterion) {
    let files = sample_mp4s();
    let mut g = c.benchmark_group("probe");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));

    // Sanity: every sample is a real video to the built-in probe.
    for p in &files {
        let mut f = File::open(p).unwrap();
        let len = f.metadata().unwrap().len();
        assert!(
            is_video(&builtin::probe(&mut f, len, Some(Family::IsoBmff))),
            "{}",
            p.display()
        );
    }
    g.throughput(Throughput::Elements(files.len() as u64));
    g.bench_function(
        format!("builtin_open_and_probe_{}_files", files.len()),
        |b| {
            b.iter(|| {
                for p in &files {
                    let mut f = File::open(p).unwrap();
                    let len = f.metadata().unwrap().len();
                    black_box(builtin::probe(&mut f, len, Some(Family::IsoBmff)));
                }
            })
        },
    );

    let sample = std::fs::read(&files[0]).unwrap();
    g.throughput(Throughput::Elements(1));
    g.bench_function("capture_probe_in_memory_sample", |b| {
        b.iter(|| {
            let (out, complete) = capture_and_probe(&sample);
            assert!(complete && is_video(&out));
            out
        })
    });

    let big = padded_mp4(&sample, 64 << 20);
    let (out, complete) = capture_and_probe(&big);
    assert!(complete && is_video(&out), "padded MP4 probes as video");
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("capture_probe_in_memory_64MiB", |b| {
        b.iter(|| capture_and_probe(&big))
    });
    g.finish();
}

criterion_group!(benches, probe);
criterion_main!(benches);
