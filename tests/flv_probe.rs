//! Issue 14's example of a format added in one unit (`src/formats/flv.rs`):
//! the built-in probe reads FLV. Real ffmpeg files, Sorenson Spark (`flv1`)
//! and H.264, with and without audio, written to a file and to a pipe (no
//! duration in the metadata: it comes from the last tag): whole, each is a
//! video the built-in probe confirms; cut short, damaged (TP013) and not
//! counted; audio only, not a video (TP012). The same from a folder, a
//! stored zip and a deflated zip, under `--probe builtin` and `auto`.

mod common;

use std::fs::File;
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

use common::*;

/// `ffmpeg ARGS OUT`, or to a pipe redirected to `out` when `piped`.
fn ffmpeg(args: &[&str], out: &Path, piped: bool) -> Vec<u8> {
    require_tool("ffmpeg");
    let mut cmd = StdCommand::new("ffmpeg");
    cmd.args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(["-threads", "1"])
        .args(args);
    if piped {
        cmd.arg("pipe:1")
            .stdout(Stdio::from(File::create(out).unwrap()));
    } else {
        cmd.arg(out);
    }
    let status = cmd.status().expect("cannot run ffmpeg");
    assert!(status.success(), "ffmpeg failed to make {}", out.display());
    std::fs::read(out).unwrap()
}

/// A file to make: its name, ffmpeg's arguments, whether ffmpeg writes to
/// a pipe, and the video and audio codecs the probe must name.
struct Case<'a> {
    name: &'a str,
    args: Vec<&'a str>,
    piped: bool,
    codec: &'a str,
    audio_codec: Option<&'a str>,
}

#[test]
fn flv_is_probed_built_in_whole_cut_and_audio_only() {
    if !have_tool("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let video = [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=duration=3:size=320x240:rate=25",
    ];
    let audio = ["-f", "lavfi", "-i", "sine=duration=3:sample_rate=44100"];
    let h264 = ["-c:v", "libx264", "-preset", "ultrafast"];
    let flv = ["-f", "flv"];
    let case = |name, args: Vec<&'static str>, piped, codec, audio_codec| Case {
        name,
        args,
        piped,
        codec,
        audio_codec,
    };
    let cases = [
        case(
            "flv1.flv",
            [&video[..], &["-c:v", "flv1", "-an"], &flv].concat(),
            false,
            "flv1",
            None,
        ),
        case(
            "flv1-mp3.flv",
            [
                &video[..],
                &audio,
                &["-c:v", "flv1", "-c:a", "libmp3lame"],
                &flv,
            ]
            .concat(),
            false,
            "flv1",
            Some("mp3"),
        ),
        case(
            "h264.flv",
            [&video[..], &h264, &["-an"], &flv].concat(),
            false,
            "h264",
            None,
        ),
        case(
            "h264-aac.flv",
            [&video[..], &audio, &h264, &["-c:a", "aac"], &flv].concat(),
            false,
            "h264",
            Some("aac"),
        ),
        case(
            "piped-h264-aac.flv",
            [&video[..], &audio, &h264, &["-c:a", "aac"], &flv].concat(),
            true,
            "h264",
            Some("aac"),
        ),
    ];
    let raw = dir.path().join("raw.flv");
    let mut cut_names = Vec::new();
    for Case {
        name, args, piped, ..
    } in &cases
    {
        let bytes = ffmpeg(args, &raw, *piped);
        std::fs::write(pkg.join(name), &bytes).unwrap();
        for (label, cut) in [("half", bytes.len() / 2), ("last-bytes", bytes.len() - 3)] {
            let cut_name = format!("{label}-{name}");
            std::fs::write(pkg.join(&cut_name), &bytes[..cut]).unwrap();
            cut_names.push(cut_name);
        }
    }
    let audio_only = [&audio[..], &["-vn", "-c:a", "aac"], &flv].concat();
    let bytes = ffmpeg(&audio_only, &raw, false);
    std::fs::write(pkg.join("audio-only.flv"), bytes).unwrap();

    for (what, report) in reports_from_every_source(dir.path(), &pkg) {
        for Case {
            name,
            codec,
            audio_codec,
            ..
        } in &cases
        {
            assert_confirmed_by_builtin(&report, name, &what);
            let v = &file(&report, name).unwrap()["video"];
            assert_eq!(v["codec"], *codec, "{what}: {name}: {v}");
            assert_eq!(
                v["audio_codec"].as_str(),
                *audio_codec,
                "{what}: {name}: {v}"
            );
            assert_eq!(
                (v["width"].as_u64(), v["height"].as_u64()),
                (Some(320), Some(240))
            );
            let duration = v["duration_s"].as_f64().unwrap();
            assert!((2.8..=3.1).contains(&duration), "{what}: {name}: {v}");
        }
        for name in &cut_names {
            assert_damaged(&report, name, Some("cut short"), &what);
        }
        let f = file(&report, "audio-only.flv").unwrap();
        assert_eq!(f["is_video"], false, "{what}: {f}");
        assert_eq!(
            findings_at(&report, "TP012", "audio-only.flv").len(),
            1,
            "{what}"
        );
        assert_eq!(report["summary"]["videos"], cases.len(), "{what}");
    }
}
