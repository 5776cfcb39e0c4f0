//! The content sniffer as `scan` drives it: 1 MiB chunks, the whole file.
//! `non_zip_64MiB` shows that `update()` costs next to nothing once the head
//! is full (compare its throughput with `hashing`); the sample heads show the
//! per-file cost of deciding a media type.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use trainpack::identify::Sniffer;

const CHUNK: usize = 1 << 20;

fn samples() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    // One file per extension: a spread of kinds (mp4, srt, pdf, pptx, zip, ...).
    let mut seen = std::collections::BTreeSet::new();
    files
        .into_iter()
        .filter(|p| {
            let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase());
            seen.insert(ext)
        })
        .map(|p| {
            let name = p.strip_prefix(&root).unwrap().display().to_string();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

fn sniff(data: &[u8]) -> trainpack::identify::Sniffed {
    let mut s = Sniffer::new();
    for chunk in data.chunks(CHUNK) {
        s.update(black_box(chunk));
    }
    s.finish()
}

fn identify(c: &mut Criterion) {
    let mut g = c.benchmark_group("identify");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    let samples = samples();
    for (name, data) in &samples {
        let ext = Path::new(name)
            .extension()
            .map_or("none".into(), |e| e.to_string_lossy().into_owned());
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(format!("sample_{ext}"), |b| b.iter(|| sniff(data)));
    }
    g.bench_function("all_samples_per_file_set", |b| {
        b.iter(|| {
            for (_, data) in &samples {
                black_box(sniff(data));
            }
        })
    });

    // 64 MiB that is not a zip (an MP4-like head, then noise): after the
    // 16 KiB head, update() only counts bytes.
    let mut big = vec![0u8; 64 << 20];
    big[..12].copy_from_slice(b"\0\0\0\x18ftypisom");
    let mut x = 1u64;
    for b in big[12..].iter_mut() {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *b = (x >> 56) as u8;
    }
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("non_zip_64MiB", |b| b.iter(|| sniff(&big)));
    g.finish();
}

criterion_group!(benches, identify);
criterion_main!(benches);
