//! Issue 12, for Matroska/WebM whose Segment size is unknown (recorded
//! live, to a pipe, or in a browser by MediaRecorder): cut short, such a
//! file is damaged (TP013) and not counted, by the built-in probe and by
//! `auto`, in a folder, a stored zip and a deflated zip; the whole file is
//! a video.
//!
//! ffmpeg writing to a pipe leaves the Segment size unknown and writes no
//! Duration; web apps add one to MediaRecorder's output after recording
//! (fix-webm-duration, ts-ebml) and so does `add_duration` here, the same
//! way. MediaRecorder also leaves each Cluster's size unknown
//! (`unknown_cluster_sizes`).

mod common;

use std::fs::File;
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

use common::*;

/// ffmpeg writing to a pipe (its stdout, redirected to `out`): the muxer
/// cannot seek back, so the Segment size stays unknown.
fn ffmpeg_to_pipe(args: &[&str], out: &Path) -> Vec<u8> {
    require_tool("ffmpeg");
    let status = StdCommand::new("ffmpeg")
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-threads",
            "1",
        ])
        .args(args)
        .arg("pipe:1")
        .stdout(Stdio::from(File::create(out).unwrap()))
        .status()
        .expect("cannot run ffmpeg");
    assert!(status.success(), "ffmpeg failed to make {}", out.display());
    std::fs::read(out).unwrap()
}

/// An EBML element at `at`: (ID, where its body starts, body size; None
/// for "unknown").
fn element(d: &[u8], at: usize) -> (u32, usize, Option<u64>) {
    let id_len = d[at].leading_zeros() as usize + 1;
    let id = d[at..at + id_len]
        .iter()
        .fold(0u32, |a, &b| (a << 8) | u32::from(b));
    let s = at + id_len;
    let size_len = d[s].leading_zeros() as usize + 1;
    let mut size = u64::from(d[s]) & (0xFF >> size_len);
    for &b in &d[s + 1..s + size_len] {
        size = (size << 8) | u64::from(b);
    }
    let unknown = size == (1u64 << (7 * size_len)) - 1;
    (id, s + size_len, (!unknown).then_some(size))
}

const SEGMENT: u32 = 0x1853_8067;
const SEEK_HEAD: u32 = 0x114D_9B74;
const VOID: u32 = 0xEC;
const INFO: u32 = 0x1549_A966;
const CLUSTER: u32 = 0x1F43_B675;
const CRC32: u32 = 0xBF;

/// The Segment's children up to the first Cluster: (ID, start, body, size).
fn segment_children(d: &[u8]) -> (usize, Vec<(u32, usize, usize, u64)>) {
    let (_, body, size) = element(d, 0);
    let at = body + size.unwrap() as usize;
    let (id, segment, size) = element(d, at);
    assert_eq!((id, size), (SEGMENT, None), "a Segment of unknown size");
    let mut children = Vec::new();
    let mut pos = segment;
    loop {
        let (id, body, size) = element(d, pos);
        if id == CLUSTER {
            return (segment, children);
        }
        children.push((id, pos, body, size.unwrap()));
        pos = body + size.unwrap() as usize;
    }
}

/// Add `Duration` (milliseconds) to Info, as web apps do after recording:
/// the Void ffmpeg reserves before Info gives up the 11 bytes, so nothing
/// after Info moves; the SeekHead's Info position and Info's CRC-32 follow.
fn add_duration(d: &mut Vec<u8>, ms: f64) {
    let (segment, children) = segment_children(d);
    let &(_, void_at, void_body, void_size) = children.iter().find(|c| c.0 == VOID).unwrap();
    let &(_, info_at, info_body, info_size) = children.iter().find(|c| c.0 == INFO).unwrap();
    assert_eq!(void_body + void_size as usize, info_at, "Void before Info");
    assert_eq!(void_body - void_at, 9, "an 8-byte Void size");
    assert_eq!(info_body - info_at, 5, "a 1-byte Info size");
    let mut body = d[info_body..info_body + info_size as usize].to_vec();
    body.extend([0x44, 0x89, 0x88]);
    body.extend(ms.to_be_bytes());
    if element(&body, 0).0 == CRC32 {
        let crc = crc32fast::hash(&body[6..]);
        body[2..6].copy_from_slice(&crc.to_le_bytes());
    }
    assert!(body.len() < 127);
    let mut new = vec![0xEC, 0x01];
    new.extend(&(void_size - 11).to_be_bytes()[1..]);
    new.resize(9 + void_size as usize - 11, 0);
    new.extend(&INFO.to_be_bytes());
    new.push(0x80 | body.len() as u8);
    new.extend(body);
    let end = info_body + info_size as usize;
    assert_eq!(new.len(), end - void_at);
    d.splice(void_at..end, new);
    // The SeekHead entry for Info: SeekID 15 49 A9 66, then SeekPosition.
    let &(_, _, seek_body, seek_size) = children.iter().find(|c| c.0 == SEEK_HEAD).unwrap();
    let seek_head = &mut d[seek_body..seek_body + seek_size as usize];
    let id = [0x53, 0xAB, 0x84, 0x15, 0x49, 0xA9, 0x66, 0x53, 0xAC];
    let p = seek_head.windows(9).position(|w| w == id).unwrap() + 9;
    let n = (seek_head[p] & 0x7F) as usize;
    let old = seek_head[p + 1..p + 1 + n]
        .iter()
        .fold(0u64, |a, &b| (a << 8) | u64::from(b));
    assert_eq!(old as usize, info_at - segment);
    let new = (old - 11).to_be_bytes();
    seek_head[p + 1..p + 1 + n].copy_from_slice(&new[8 - n..]);
}

/// Make every Cluster's size "unknown" (all ones, same length), as
/// MediaRecorder writes them.
fn unknown_cluster_sizes(d: &mut [u8]) {
    let (segment, _) = segment_children(d);
    let mut pos = segment;
    let mut clusters = 0;
    while pos < d.len() {
        let (id, body, size) = element(d, pos);
        if id == CLUSTER {
            let size_at = pos + 4;
            let len = body - size_at;
            d[size_at] = 0xFF >> (len - 1);
            d[size_at + 1..body].fill(0xFF);
            clusters += 1;
            pos = body;
        } else {
            pos = body + size.unwrap() as usize;
        }
    }
    assert!(clusters > 1);
}

const VP8_OPUS: &[&str] = &[
    "-c:v",
    "libvpx",
    "-deadline",
    "realtime",
    "-cpu-used",
    "8",
    "-c:a",
    "libopus",
    "-f",
    "webm",
];
const H264_AAC: &[&str] = &[
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-c:a",
    "aac",
    "-f",
    "matroska",
];

#[test]
fn live_matroska_cut_short_is_damaged_and_not_counted() {
    if !have_tool("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let raw = dir.path().join("raw");
    let input = |secs: u32, size: &str| {
        vec![
            "-f".to_owned(),
            "lavfi".to_owned(),
            "-i".to_owned(),
            format!("testsrc2=duration={secs}:size={size}:rate=25"),
            "-f".to_owned(),
            "lavfi".to_owned(),
            "-i".to_owned(),
            format!("sine=duration={secs}"),
        ]
    };
    // (name, seconds, size, output args, MediaRecorder's unknown Clusters)
    let mut big_h264 = H264_AAC.to_vec();
    big_h264.extend(["-qp", "0"]); // lossless: past the 4 MiB the scan keeps of a head
    let cases: Vec<(&str, u32, &str, Vec<&str>, bool)> = vec![
        ("piped.webm", 4, "160x120", VP8_OPUS.to_vec(), false),
        ("piped.mkv", 4, "160x120", H264_AAC.to_vec(), false),
        (
            "mediarecorder.webm",
            4,
            "160x120",
            [VP8_OPUS, &["-live", "1", "-cluster_time_limit", "500"]].concat(),
            true,
        ),
        ("large-piped.mkv", 5, "1280x720", big_h264, false),
    ];
    let mut whole_names = Vec::new();
    let mut cut_names = Vec::new();
    let mut no_duration = Vec::new();
    for (name, secs, size, out, unknown_clusters) in cases {
        let mut args = input(secs, size);
        args.extend(out.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let bytes = ffmpeg_to_pipe(&args, &raw);
        // As ffmpeg wrote it: no Duration, so not a video, whole or cut.
        std::fs::write(pkg.join(format!("no-duration-{name}")), &bytes).unwrap();
        no_duration.push(format!("no-duration-{name}"));
        let half = format!("no-duration-half-{name}");
        std::fs::write(pkg.join(&half), &bytes[..bytes.len() / 2]).unwrap();
        cut_names.push(half);
        let mut bytes = bytes;
        add_duration(&mut bytes, f64::from(secs) * 1000.0);
        if unknown_clusters {
            unknown_cluster_sizes(&mut bytes);
        }
        if name.starts_with("large") {
            assert!(bytes.len() > 6 << 20, "{name}: {} bytes", bytes.len());
        }
        std::fs::write(pkg.join(name), &bytes).unwrap();
        whole_names.push(name.to_owned());
        for (label, cut) in [("half", bytes.len() / 2), ("last-bytes", bytes.len() - 3)] {
            let cut_name = format!("{label}-{name}");
            std::fs::write(pkg.join(&cut_name), &bytes[..cut]).unwrap();
            cut_names.push(cut_name);
        }
    }
    for (what, report) in reports_from_every_source(dir.path(), &pkg) {
        for name in &whole_names {
            assert_confirmed_by_builtin(&report, name, &what);
        }
        for name in &no_duration {
            assert_damaged(&report, name, Some("no duration"), &what);
        }
        for name in &cut_names {
            assert_damaged(&report, name, Some("cut short"), &what);
        }
        assert_eq!(
            report["summary"]["videos"],
            whole_names.len(),
            "{what}: {report:#}"
        );
    }
}

/// Issue 12, the high-bitrate gap: Clusters longer than the 1 MiB tail the
/// scan keeps, with blocks of 70–250 KB (30–60 Mbit/s), so the tail holds
/// too few blocks to find its way in; and intra-only streams (MJPEG, FFV1),
/// each frame a large keyframe. The capture walks every element as the file
/// streams by, so a cut is seen whatever the sizes, and a whole file is
/// still a video. Before that walk, the cut `x264-crf0*` and `vp8.webm`
/// files were confirmed.
#[test]
fn high_bitrate_live_matroska_cut_short_is_damaged_and_not_counted() {
    if !have_tool("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let raw = dir.path().join("raw");
    // Noise defeats compression: every frame is as large as its codec makes
    // it. Two seconds at 25 fps.
    let input = |size: &str, audio: bool| {
        let mut args = vec![
            "-f".to_owned(),
            "lavfi".to_owned(),
            "-i".to_owned(),
            format!("testsrc2=duration=2:size={size}:rate=25,noise=alls=60:allf=t"),
        ];
        if audio {
            args.extend(["-f", "lavfi", "-i", "sine=duration=2"].map(str::to_owned));
        }
        args
    };
    // One Cluster for the whole file, as a muxer with a long cluster limit
    // writes it; or one a second, several MB each, as MediaRecorder does.
    let one_cluster = [
        "-cluster_size_limit",
        "100000000",
        "-cluster_time_limit",
        "100000",
    ];
    let per_second = [
        "-cluster_size_limit",
        "100000000",
        "-cluster_time_limit",
        "1000",
    ];
    let x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "0"];
    let vp8 = [
        "-c:v",
        "libvpx",
        "-b:v",
        "40M",
        "-minrate",
        "40M",
        "-maxrate",
        "40M",
        "-deadline",
        "realtime",
        "-cpu-used",
        "8",
    ];
    let matroska = ["-f", "matroska"];
    let webm = ["-f", "webm"];
    // (name, size, audio, output args, MediaRecorder's unknown Clusters)
    let cases: Vec<(&str, &str, bool, Vec<&str>, bool)> = vec![
        (
            "x264-crf0.mkv",
            "320x240",
            false,
            [&x264[..], &one_cluster, &matroska].concat(),
            false,
        ),
        (
            "x264-crf0-mediarecorder.mkv",
            "320x240",
            false,
            [&x264[..], &per_second, &matroska].concat(),
            true,
        ),
        (
            "x264-crf0-aac.mkv",
            "480x270",
            true,
            [&x264[..], &["-c:a", "aac"], &one_cluster, &matroska].concat(),
            false,
        ),
        (
            "vp8.webm",
            "320x240",
            false,
            [&vp8[..], &one_cluster, &webm].concat(),
            false,
        ),
        (
            "vp8-opus.webm",
            "320x240",
            true,
            [&vp8[..], &["-c:a", "libopus"], &per_second, &webm].concat(),
            true,
        ),
        (
            "mjpeg.mkv",
            "320x240",
            false,
            [&["-c:v", "mjpeg", "-q:v", "1"][..], &matroska].concat(),
            false,
        ),
        (
            "ffv1-aac.mkv",
            "320x240",
            true,
            [&["-c:v", "ffv1", "-c:a", "aac"][..], &matroska].concat(),
            false,
        ),
    ];
    let mut whole_names = Vec::new();
    let mut cut_names = Vec::new();
    for (name, size, audio, out, unknown_clusters) in cases {
        let mut args = input(size, audio);
        args.extend(out.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut bytes = ffmpeg_to_pipe(&args, &raw);
        add_duration(&mut bytes, 2000.0);
        if unknown_clusters {
            unknown_cluster_sizes(&mut bytes);
        }
        assert!(bytes.len() > 3 << 20, "{name}: {} bytes", bytes.len());
        std::fs::write(pkg.join(name), &bytes).unwrap();
        whole_names.push(name.to_owned());
        for (label, cut) in [("half", bytes.len() / 2), ("last-bytes", bytes.len() - 3)] {
            let cut_name = format!("{label}-{name}");
            std::fs::write(pkg.join(&cut_name), &bytes[..cut]).unwrap();
            cut_names.push(cut_name);
        }
    }
    for (what, report) in reports_from_every_source(dir.path(), &pkg) {
        for name in &whole_names {
            assert_confirmed_by_builtin(&report, name, &what);
        }
        for name in &cut_names {
            assert_damaged(&report, name, Some("cut short"), &what);
        }
        assert_eq!(
            report["summary"]["videos"],
            whole_names.len(),
            "{what}: {report:#}"
        );
    }
}
