//! The probe engines through `trainpack check`: the built-in probe run on
//! the bytes captured during the scan (no second read, even inside a
//! compressed zip) agrees with ffprobe; without ffprobe, MP4 samples are
//! still confirmed.

mod common;

use std::path::Path;
use std::process::Command as StdCommand;

use common::*;
use serde_json::Value;

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

/// A package of videos whose index sits where a streaming probe must find
/// it: `moov` after a large `mdat`, fragmented MP4, Matroska, WebM.
fn video_package(dir: &Path) {
    let src = [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=25:d=3,noise=alls=40:allf=t",
    ];
    let aud = ["-f", "lavfi", "-i", "sine=f=440:d=3"];
    let h264 = [
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-threads",
        "1",
        "-pix_fmt",
        "yuv420p",
    ];
    let mk = |name: &str, extra: &[&str]| {
        let mut args: Vec<&str> = src.to_vec();
        args.extend(aud);
        args.extend(extra);
        args.push("-shortest");
        ffmpeg(&args, &dir.join(name));
    };
    let mut moov_end = h264.to_vec();
    moov_end.extend(["-b:v", "4M", "-c:a", "aac"]);
    mk("moov-at-end.mp4", &moov_end);
    let mut frag = h264.to_vec();
    frag.extend(["-c:a", "aac", "-movflags", "frag_keyframe+empty_moov"]);
    mk("fragmented.mp4", &frag);
    let mut mkv = h264.to_vec();
    mkv.extend(["-c:a", "aac"]);
    mk("h264.mkv", &mkv);
    mk(
        "vp9.webm",
        &[
            "-c:v",
            "libvpx-vp9",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-threads",
            "1",
            "-c:a",
            "libopus",
        ],
    );
    std::fs::write(dir.join("notes.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
}

fn videos(report: &Value) -> Vec<(String, Value)> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["video"].is_object())
        .map(|f| (f["path"].as_str().unwrap().to_owned(), f["video"].clone()))
        .collect()
}

#[test]
fn builtin_probe_on_captured_bytes_agrees_with_ffprobe_in_every_source() {
    if !have_tool("ffmpeg") || !have_tool("ffprobe") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    video_package(&pkg);
    let deflated = dir.path().join("deflated.zip");
    let stored = dir.path().join("stored.zip");
    zip_dir(&pkg, &deflated, zip::CompressionMethod::Deflated);
    zip_dir(&pkg, &stored, zip::CompressionMethod::Stored);

    let (_, reference) = check_json(&pkg, &["--probe", "ffprobe"]);
    let reference = videos(&reference);
    assert_eq!(reference.len(), 4, "{reference:?}");
    for source in [&pkg, &stored, &deflated] {
        let (_, report) = check_json(source, &["--probe", "builtin"]);
        let got = videos(&report);
        assert_eq!(got.len(), reference.len(), "{}", source.display());
        for ((path, theirs), (_, ours)) in reference.iter().zip(&got) {
            let what = format!("{} in {}", path, source.display());
            assert_eq!(ours["status"], "confirmed", "{what}: {ours}");
            assert_eq!(ours["engine"], "builtin", "{what}");
            for key in ["codec", "width", "height", "audio_codec"] {
                assert_eq!(ours[key], theirs[key], "{what}: {key}");
            }
            let (a, b) = (
                ours["duration_s"].as_f64().unwrap(),
                theirs["duration_s"].as_f64().unwrap(),
            );
            assert!((a - b).abs() <= 0.1_f64.max(b * 0.01), "{what}: {a} vs {b}");
        }
        let moov_end = got.iter().find(|(p, _)| p == "moov-at-end.mp4").unwrap();
        assert_eq!(moov_end.1["faststart"], false, "{}", source.display());
    }
}

#[test]
fn without_ffprobe_mp4_samples_are_still_confirmed() {
    let empty = tempfile::tempdir().unwrap();
    for name in ["pass", "exactly-60", "junk", "gbk-names.zip"] {
        let (code, report) =
            check_json_with(trainpack().env("PATH", empty.path()), &sample(name), &[]);
        assert!(code == 0 || code == 1, "{name}: exit {code}");
        for (path, video) in videos(&report) {
            assert_ne!(video["status"], "unconfirmed", "{name}/{path}");
        }
        assert!(
            findings(&report, "TP016").is_empty(),
            "{name}: no ffprobe needed"
        );
    }
    let (code, report) =
        check_json_with(trainpack().env("PATH", empty.path()), &sample("pass"), &[]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["videos"], 5);
    let (code, report) =
        check_json_with(trainpack().env("PATH", empty.path()), &sample("junk"), &[]);
    assert_eq!(
        code, 1,
        "the audio-only mp4 is still told apart without ffprobe"
    );
    let audio = file(&report, "模块2_法律法规/音频讲解.mp4").unwrap();
    assert_eq!(audio["kind"], "audio");
}

/// A faststart MP4 cut short keeps a valid index, so ffprobe calls it a
/// video; `--deep` decodes every frame and finds it broken whatever the
/// engine.
#[test]
fn deep_decoding_catches_a_truncated_video_the_index_hides() {
    if !have_tool("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let whole = pkg.join("whole.mp4");
    ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=320x180:r=25:d=4,noise=alls=40:allf=t",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-threads",
            "1",
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
        ],
        &whole,
    );
    let bytes = std::fs::read(&whole).unwrap();
    std::fs::write(pkg.join("cut.mp4"), &bytes[..bytes.len() * 6 / 10]).unwrap();

    // ffprobe alone reads the surviving index and calls it a video (the
    // built-in probe's verdict is tested in
    // builtin_probe_refuses_videos_whose_data_lies_past_the_end).
    if on_path("ffprobe").is_some() {
        let (_, shallow) = check_json(&pkg, &["--probe", "ffprobe"]);
        assert_eq!(file(&shallow, "cut.mp4").unwrap()["is_video"], true);
    }

    // --deep decodes whatever engine confirmed the video (it once ran only
    // in `auto`).
    for engine in ["auto", "builtin", "ffprobe"] {
        let (code, deep) = check_json(&pkg, &["--deep", "--probe", engine]);
        assert_eq!(code, 1, "{engine}: a broken video is an error: {deep:#}");
        let cut = file(&deep, "cut.mp4").unwrap();
        assert_eq!(cut["is_video"], false, "{engine}: {cut}");
        assert_eq!(cut["video"]["status"], "unreadable", "{engine}: {cut}");
        assert_eq!(findings_at(&deep, "TP013", "cut.mp4").len(), 1, "{engine}");
        assert_eq!(
            file(&deep, "whole.mp4").unwrap()["is_video"],
            true,
            "{engine}"
        );
    }
}

/// `--deep` without ffmpeg is an error before any work (exit 2, naming
/// the fix), for `check` and `batch`: it used to turn every video into
/// "unreadable" (ffprobe present) or skip decoding silently (no ffprobe).
#[test]
fn deep_without_ffmpeg_is_an_error_that_says_how_to_fix_it() {
    let out = tempfile::tempdir().unwrap();
    let runs = [
        vec![
            "check".into(),
            "--deep".into(),
            sample("pass").into_os_string(),
        ],
        vec![
            "batch".into(),
            "--deep".into(),
            sample("pass").into_os_string(),
            "--out".into(),
            out.path().join("reports").into_os_string(),
        ],
    ];
    let empty_path = out.path().join("bin");
    std::fs::create_dir(&empty_path).unwrap();
    for args in runs {
        // Not on PATH: the message says how to install it.
        let r = run(trainpack().args(&args).env("PATH", &empty_path));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("--deep") && r.stderr.contains("apt install ffmpeg"),
            "{args:?}: {}",
            r.stderr
        );
        // TRAINPACK_FFMPEG naming no file: the message names it.
        let r = run(trainpack()
            .args(&args)
            .env("TRAINPACK_FFMPEG", out.path().join("no-such-ffmpeg")));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("TRAINPACK_FFMPEG=") && r.stderr.contains("no-such-ffmpeg"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            r.stdout.is_empty(),
            "{args:?}: nothing checked: {}",
            r.stdout
        );
    }
}

/// A TRAINPACK_FFPROBE whose name lacks "ffprobe" has no ffmpeg "beside"
/// it to guess: --deep takes ffmpeg from PATH. It used to take the
/// ffprobe program itself for ffmpeg, and every video failed to decode.
#[test]
fn deep_with_an_oddly_named_ffprobe_still_finds_ffmpeg() {
    if !have_tool("ffmpeg") || !have_tool("ffprobe") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let wrapper = dir.path().join("probe-wrapper");
    let ffprobe = on_path("ffprobe").unwrap();
    std::os::unix::fs::symlink(ffprobe, &wrapper).unwrap();
    let mut cmd = trainpack();
    cmd.env("TRAINPACK_FFPROBE", &wrapper);
    let (code, report) = check_json_with(&mut cmd, &sample("pass"), &["--deep"]);
    assert_eq!(code, 0, "{report:#}");
    assert!(findings(&report, "TP013").is_empty(), "{report:#}");
}

/// ffprobe reads a stored zip entry in place (subfile protocol): with no
/// usable temporary folder, stored entries are still confirmed, while a
/// deflated entry, which must be copied out first, cannot be.
#[test]
fn ffprobe_reads_stored_zip_entries_in_place_and_spools_only_compressed_ones() {
    if !have_tool("ffprobe") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let stored = dir.path().join("stored.zip");
    let deflated = dir.path().join("deflated.zip");
    zip_dir(&sample("pass"), &stored, zip::CompressionMethod::Stored);
    zip_dir(&sample("pass"), &deflated, zip::CompressionMethod::Deflated);
    let no_tmp = dir.path().join("no-such-tmp");

    let (code, report) = check_json_with(
        trainpack().env("TMPDIR", &no_tmp),
        &stored,
        &["--probe", "ffprobe"],
    );
    assert_eq!(code, 0, "{report:#}");
    for (path, video) in videos(&report) {
        assert_eq!(video["status"], "confirmed", "{path}");
        assert_eq!(video["engine"], "ffprobe", "{path}");
    }

    let (code, report) = check_json_with(
        trainpack().env("TMPDIR", &no_tmp),
        &deflated,
        &["--probe", "ffprobe"],
    );
    assert_eq!(
        code, 1,
        "deflated entries need a temporary copy: {report:#}"
    );
    for (path, video) in videos(&report) {
        assert_eq!(video["status"], "unreadable", "{path}");
    }
    // With a temporary folder, the copy works and the videos are confirmed.
    let (code, _) = check_json(&deflated, &["--probe", "ffprobe"]);
    assert_eq!(code, 0);
}

/// Issue 12: a faststart MP4 cut to half its size keeps its whole index, but
/// the samples the index points to are gone. The built-in probe checks the
/// video track's chunk offsets and sample sizes against the file's size
/// (from the index already captured, no extra read), and a Matroska
/// Segment's size likewise: the cut copies are unreadable (TP013) and not
/// counted, in a folder, a stored zip and a deflated zip, by the built-in
/// engine and by `auto` (which does not let ffprobe, reading the same
/// surviving index, overrule it); the intact ones are confirmed.
#[test]
fn builtin_probe_refuses_videos_whose_data_lies_past_the_end() {
    if !have_tool("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let whole = pkg.join("lecture.mp4");
    ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=2:size=160x120",
            "-f",
            "lavfi",
            "-i",
            "sine",
            "-shortest",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-threads",
            "1",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            // The index first, so that halving the file keeps it whole.
            "-movflags",
            "+faststart",
        ],
        &whole,
    );
    let bytes = std::fs::read(&whole).unwrap();
    std::fs::write(pkg.join("lecture-half.mp4"), &bytes[..bytes.len() / 2]).unwrap();
    // Matroska: the header survives, the Segment's size runs past the end.
    ffmpeg(
        &["-i", whole.to_str().unwrap(), "-c", "copy"],
        &pkg.join("lecture.mkv"),
    );
    let bytes = std::fs::read(pkg.join("lecture.mkv")).unwrap();
    std::fs::write(pkg.join("lecture-half.mkv"), &bytes[..bytes.len() / 2]).unwrap();
    for (what, report) in reports_from_every_source(dir.path(), &pkg) {
        for ext in ["mp4", "mkv"] {
            assert_confirmed_by_builtin(&report, &format!("lecture.{ext}"), &what);
            assert_damaged(
                &report,
                &format!("lecture-half.{ext}"),
                Some("cut short"),
                &what,
            );
        }
        assert_eq!(report["summary"]["videos"], 2, "{what}: {report:#}");
    }
}
