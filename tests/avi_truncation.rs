//! Issue 12, for AVI: a lecture AVI cut short (an interrupted copy) is
//! damaged (TP013) and not counted, by the built-in probe and by `auto`, in
//! a folder, a stored zip and a deflated zip; the whole file is a video.

mod common;

use std::path::Path;
use std::process::Command as StdCommand;

use common::*;

fn ffmpeg(args: &[&str], out: &Path) {
    require_tool("ffmpeg");
    let status = StdCommand::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(args)
        .arg(out)
        .status()
        .expect("cannot run ffmpeg");
    assert!(status.success(), "ffmpeg failed to make {}", out.display());
}

/// Where a top-level chunk (`LIST hdrl`, `LIST movi`, `idx1`) of an AVI
/// made by ffmpeg starts, and where it ends.
fn chunk_span(avi: &[u8], tag: &[u8; 4]) -> (usize, usize) {
    let mut pos = 12;
    while pos + 12 <= avi.len() {
        let size = u32::from_le_bytes(avi[pos + 4..pos + 8].try_into().unwrap()) as usize;
        let kind = if &avi[pos..pos + 4] == b"LIST" {
            &avi[pos + 8..pos + 12]
        } else {
            &avi[pos..pos + 4]
        };
        if kind == tag {
            return (pos, pos + 8 + size);
        }
        pos += 8 + size + (size & 1);
    }
    panic!("no {} chunk", String::from_utf8_lossy(tag));
}

/// Each cut: after the header list, after the `movi` list header (no media
/// at all), in the middle of the media, in the last video chunk (just before
/// `idx1`). ffprobe calls most of them a video: the header and the stream
/// lengths survive.
#[test]
fn avi_cut_short_is_damaged_and_not_counted() {
    if !have_tool("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let mut cut_names = Vec::new();
    let mut whole_names = Vec::new();
    for (name, codec) in [
        ("mpeg4", &["-c:v", "mpeg4"][..]),
        ("mjpeg", &["-c:v", "mjpeg"][..]),
        (
            "h264",
            &["-c:v", "libx264", "-preset", "ultrafast", "-threads", "1"][..],
        ),
    ] {
        let whole = pkg.join(format!("{name}.avi"));
        let mut args = vec![
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=2:size=160x120",
            "-f",
            "lavfi",
            "-i",
            "sine",
            "-shortest",
            "-c:a",
            "mp3",
            "-f",
            "avi",
        ];
        args.extend(codec);
        ffmpeg(&args, &whole);
        let bytes = std::fs::read(&whole).unwrap();
        let (_, hdrl_end) = chunk_span(&bytes, b"hdrl");
        let (movi, movi_end) = chunk_span(&bytes, b"movi");
        let (idx1, _) = chunk_span(&bytes, b"idx1");
        assert_eq!(movi_end, idx1, "{name}: idx1 follows LIST movi");
        for (label, cut) in [
            ("after-hdrl", hdrl_end),
            ("after-movi-header", movi + 12),
            ("middle", (movi + movi_end) / 2),
            ("before-idx1", idx1 - 100),
        ] {
            let cut_name = format!("{name}-{label}.avi");
            let file = std::fs::OpenOptions::new()
                .create_new(true)
                .write(true)
                .open(pkg.join(&cut_name))
                .unwrap();
            std::io::Write::write_all(&mut &file, &bytes).unwrap();
            file.set_len(cut as u64).unwrap();
            cut_names.push(cut_name);
        }
        // Cut exactly where idx1 starts: every media chunk is there, only
        // the index is lost; ffmpeg plays it whole.
        let no_index = format!("{name}-no-index.avi");
        std::fs::write(pkg.join(&no_index), &bytes[..idx1]).unwrap();
        whole_names.push(format!("{name}.avi"));
        whole_names.push(no_index);
    }
    for (what, report) in reports_from_every_source(dir.path(), &pkg) {
        for name in &whole_names {
            assert_confirmed_by_builtin(&report, name, &what);
        }
        for name in &cut_names {
            assert_damaged(&report, name, None, &what);
        }
        assert_eq!(
            report["summary"]["videos"],
            whole_names.len(),
            "{what}: {report:#}"
        );
    }
}
