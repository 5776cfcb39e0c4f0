//! One fixture per finding code: the smallest real input that triggers it,
//! checked under the default policy, and the code must come out at the
//! severity `trainpack rules --json` documents. A code documented as off by
//! default must not come out, and must once a policy file turns it on.
//!
//! `every_code_has_a_fixture` reads the code list from the binary, so a new
//! code without a fixture here fails CI.
//!
//! Fixtures may pass a policy file or a flag that moves a *threshold*
//! (`max_bytes`, `limits.*`, `--probe-timeout`), never one that sets a level:
//! policy files merge key by key, so the level stays the default's.

mod common;
mod hostile_corpus;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::OnceLock;

use common::{cached_media, check_json, check_json_with, findings, run, trainpack};
use hostile_corpus::{RawEntry, raw_zip};
use serde_json::Value;

/// What `trainpack rules --json` says of a code.
struct Documented {
    severity: String,
    on_by_default: bool,
}

/// The rule table, as the binary documents it.
fn documented() -> &'static BTreeMap<String, Documented> {
    static TABLE: OnceLock<BTreeMap<String, Documented>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let out = run(trainpack().args(["rules", "--json"]));
        assert_eq!(out.code, 0, "trainpack rules --json: {}", out.stderr);
        let rules: Value = serde_json::from_str(&out.stdout).expect("rules --json is JSON");
        rules
            .as_array()
            .expect("rules --json is a list")
            .iter()
            .map(|r| {
                let code = r["code"].as_str().expect("code").to_owned();
                let doc = Documented {
                    severity: r["severity"].as_str().expect("severity").to_owned(),
                    on_by_default: r["on_by_default"].as_bool().expect("on_by_default"),
                };
                (code, doc)
            })
            .collect()
    })
}

/// A fixture: builds its input in the folder given, runs the command that
/// reports the code with the extra arguments given, and returns the JSON
/// report; None when a tool it needs is missing and the test may skip.
type Build = fn(&Path, &[&str]) -> Option<Value>;

fn codes_with_severity(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings[] is an array")
        .iter()
        .map(|f| {
            let field = |k: &str| f[k].as_str().unwrap_or("?").to_owned();
            format!("{} {}", field("code"), field("severity"))
        })
        .collect()
}

/// Build the fixture for `code` and hold the binary to what `rules` says:
/// on by default, the code comes out, every time at its documented severity;
/// off by default, it does not, until the policy `enable` turns it on.
/// Every other finding in the report must also have its documented
/// severity and be on by default: the report is made under the default levels.
fn assert_fixture(code: &str, build: Build, enable: Option<&str>) {
    let doc = documented()
        .get(code)
        .unwrap_or_else(|| panic!("{code} has a fixture but `trainpack rules` does not list it"));
    let dir = tempfile::tempdir().unwrap();
    let Some(report) = build(&dir.path().join("default"), &[]) else {
        return;
    };
    for f in report["findings"].as_array().unwrap() {
        let other = f["code"].as_str().unwrap();
        let other_doc = &documented()[other];
        assert!(
            other_doc.on_by_default,
            "{code} fixture: {other} came out under the default policy, but `trainpack rules` documents it as off by default"
        );
        assert_eq!(
            f["severity"],
            other_doc.severity,
            "{code} fixture: {other} is documented as {} but came out as {} under the default policy: {f}",
            other_doc.severity,
            f["severity"].as_str().unwrap_or("?")
        );
    }
    let found = findings(&report, code);
    if doc.on_by_default {
        assert!(
            !found.is_empty(),
            "{code}: the fixture did not trigger it; findings: {:?}",
            codes_with_severity(&report)
        );
        return;
    }
    assert!(
        found.is_empty(),
        "{code} is documented as off by default but came out: {found:?}"
    );
    let enable = enable.unwrap_or_else(|| {
        panic!("{code} is off by default: its fixture needs a policy that turns it on")
    });
    let policy = dir.path().join("enable.toml");
    std::fs::write(&policy, enable).unwrap();
    let report = build(
        &dir.path().join("enabled"),
        &["--policy", policy.to_str().unwrap()],
    )
    .expect("it built once");
    assert!(
        !findings(&report, code).is_empty(),
        "{code}: not reported even with the policy {enable:?}; findings: {:?}",
        codes_with_severity(&report)
    );
}

/// One `#[test]` per code (so a failure names it), and the list of codes
/// that have a fixture, for the meta-test.
macro_rules! fixtures {
    ($( $code:literal $test:ident => $build:expr $(, enable: $enable:expr)? ; )*) => {
        $(
            #[test]
            fn $test() {
                #[allow(unused_mut, unused_assignments)]
                let mut enable: Option<&str> = None;
                $( enable = Some($enable); )?
                assert_fixture($code, $build, enable);
            }
        )*
        const FIXTURES: &[&str] = &[$($code),*];
    };
}

fixtures! {
    "TP001" tp001_video_ratio => |d, a| check_files(d, &[("讲义.txt", NOTE)], a);
    "TP002" tp002_module_ratio => |d, a| {
        // Two modules: a package of one folder is that folder's content.
        check_files(d, &[("模块1/讲义.txt", NOTE), ("模块2/课件.pdf", PDF)], a)
    };
    "TP003" tp003_no_course_resources => |d, a| check_files(d, &[], a);
    "TP004" tp004_audit_missing => |d, a| check_files(d, &[("讲义.txt", NOTE)], a);
    "TP005" tp005_audit_stale => audit_stale;
    "TP006" tp006_audit_rejected => audit_rejected;
    "TP010" tp010_extension_mismatch => |d, a| check_files(d, &[("讲义.pdf", PNG)], a);
    "TP011" tp011_not_a_video => |d, a| check_files(d, &[("讲座录像.mp4", PDF)], a);
    "TP012" tp012_audio_only => |d, a| check_video(d, AUDIO_ONLY, "讲解.mp4", a);
    "TP013" tp013_video_unreadable => truncated_video;
    "TP014" tp014_video_unconfirmed => unprobed_without_ffprobe;
    "TP015" tp015_probe_timeout => hanging_probe;
    "TP016" tp016_ffprobe_missing => unprobed_without_ffprobe;
    "TP020" tp020_junk_file => |d, a| check_files(d, &[(".DS_Store", b"\0\0\0\x01Bud1"), ("讲义.txt", NOTE)], a);
    "TP021" tp021_empty_file => |d, a| check_files(d, &[("新建文本文档.txt", b""), ("讲义.txt", NOTE)], a);
    "TP022" tp022_executable => |d, a| check_files(d, &[("setup.exe", &exe())], a);
    "TP023" tp023_obsolete_format => |d, a| check_files(d, &[("动画演示.swf", &swf())], a);
    "TP024" tp024_archive_in_package => |d, a| {
        let inner = raw_zip(&[RawEntry::stored("第1课.mp4", b"not really")], None);
        check_files(d, &[("模块2/课程视频.zip", &inner), ("讲义.txt", NOTE)], a)
    };
    "TP025" tp025_encrypted_document => encrypted_docx;
    "TP030" tp030_unsafe_zip_path => |d, a| check_zip(d, vec![note(), RawEntry::stored("../evil.txt", b"owned")], a);
    "TP031" tp031_legacy_encoded_name => |d, a| {
        // 课件.txt in GBK, without the UTF-8 flag: what old Windows tools write.
        let gbk = RawEntry { name: b"\xbf\xce\xbc\xfe.txt".to_vec(), flags: 0, ..RawEntry::stored("x", NOTE) };
        check_zip(d, vec![gbk], a)
    };
    "TP032" tp032_symlink => |d, a| {
        let pkg = files(d, &[("讲义.txt", NOTE)]);
        std::os::unix::fs::symlink("/etc/hostname", pkg.join("video.mp4")).unwrap();
        Some(check_json(&pkg, a).1)
    };
    "TP033" tp033_unreadable_file => |d, a| {
        let bad_crc = RawEntry { crc: 0xdead_beef, ..RawEntry::stored("课件.pdf", PDF) };
        check_zip(d, vec![note(), bad_crc], a)
    };
    "TP034" tp034_special_file => |d, a| {
        let pkg = files(d, &[("讲义.txt", NOTE)]);
        let made = StdCommand::new("mkfifo").arg(pkg.join("pipe.mp4")).status().unwrap();
        assert!(made.success(), "mkfifo failed");
        Some(check_json(&pkg, a).1)
    };
    "TP035" tp035_non_utf8_name => |d, a| {
        let pkg = files(d, &[("讲义.txt", NOTE)]);
        // Latin-1 "café.txt": neither UTF-8 nor GBK.
        std::fs::write(pkg.join(OsStr::from_bytes(b"caf\xe9.txt")), NOTE).unwrap();
        Some(check_json(&pkg, a).1)
    };
    "TP036" tp036_duplicate_path => |d, a| check_zip(d, vec![
        RawEntry::stored("课件.pdf", PDF),
        RawEntry::stored("课件.pdf", b"%PDF-1.4 another"),
    ], a);
    "TP037" tp037_encrypted_entry => |d, a| {
        let encrypted = RawEntry { flags: 0x0801, ..RawEntry::stored("secret.pdf", b"\x00\x01ciphertext") };
        check_zip(d, vec![note(), encrypted], a)
    };
    "TP038" tp038_unlistable_folder => unlistable_folder;
    "TP039" tp039_backslash_name => |d, a| check_zip(d, vec![RawEntry::stored("模块1\\讲义.txt", NOTE)], a);
    "TP040" tp040_deadline_soon => |d, a| deadline(d, "2024-07-27", a);
    "TP041" tp041_deadline_missed => |d, a| deadline(d, "2024-08-02", a);
    "TP042" tp042_descriptor_invalid => |d, a| check_files(d, &[
        ("training-package.json", br#"{"id": "p1", "end_date": "30/06/2024"}"#),
        ("讲义.txt", NOTE),
    ], a);
    "TP043" tp043_descriptor_missing => |d, a| check_files(d, &[("讲义.txt", NOTE)], a);
    "TP044" tp044_gbk_folder_name => |d, a| {
        let pkg = files(d, &[]);
        // 课件.txt in GBK bytes, as unzip leaves a Chinese Windows zip on Linux.
        std::fs::write(pkg.join(OsStr::from_bytes(b"\xbf\xce\xbc\xfe.txt")), NOTE).unwrap();
        Some(check_json(&pkg, a).1)
    };
    "TP045" tp045_names_decode_alike => |d, a| {
        let pkg = files(d, &[("课件.txt", NOTE)]);
        std::fs::write(pkg.join(OsStr::from_bytes(b"\xbf\xce\xbc\xfe.txt")), b"another").unwrap();
        Some(check_json(&pkg, a).1)
    };
    "TP060" tp060_container_not_mp4 => |d, a| check_video(d, MKV, "专家访谈.mkv", a);
    "TP061" tp061_codec_not_h264 => |d, a| check_video(d, MPEG4, "第1课.mp4", a);
    "TP062" tp062_audio_not_aac => |d, a| check_video(d, MP2_AUDIO, "第1课.mp4", a);
    "TP063" tp063_no_audio => |d, a| check_video(d, SILENT, "第1课.mp4", a);
    "TP064" tp064_not_faststart => |d, a| check_video(d, MOOV_LAST, "第1课.mp4", a);
    "TP065" tp065_low_resolution => |d, a| check_video(d, SMALL, "第1课.mp4", a);
    "TP066" tp066_aspect_not_16_9 => |d, a| check_video(d, FOUR_THREE, "第1课.mp4", a),
        enable: "[video]\naspect_16_9 = \"warning\"\n";
    "TP067" tp067_low_frame_rate => |d, a| check_video(d, TEN_FPS, "第1课.mp4", a);
    "TP068" tp068_file_too_large => video_over_max_bytes;
    "TP069" tp069_low_sample_rate => |d, a| check_video(d, LOW_RATE, "第1课.mp4", a),
        enable: "[video]\nmin_sample_rate = { level = \"warning\" }\n";
    "TP070" tp070_odd_dimensions => |d, a| check_video(d, ODD_SIZE, "第1课.mp4", a);
    "TP080" tp080_too_many_entries => |d, a| with_policy(d, "[limits]\nmax_entries = 2\n", a, |d, a| {
        check_files(d, &[("1.txt", NOTE), ("2.txt", NOTE), ("3.txt", NOTE)], a)
    });
    "TP081" tp081_total_size_limit => |d, a| with_policy(d, "[limits]\nmax_total_bytes = 1000\n", a, |d, a| {
        check_files(d, &[("1.txt", &[b'a'; 800]), ("2.txt", &[b'b'; 800])], a)
    });
    "TP082" tp082_compression_ratio => |d, a| {
        // Deflate tops out near 1032:1, under the default 2000:1; the
        // fixture lowers the limit (a threshold) rather than ship a bomb.
        let toml = "[limits]\nmax_ratio = 50\nratio_min_bytes = 4096\n";
        with_policy(d, toml, a, |d, a| {
            check_zip(d, vec![note(), RawEntry::deflated("blank.txt", &[0u8; 256 << 10])], a)
        })
    };
    "TP083" tp083_path_too_long => |d, a| {
        let long = format!("{}/x.txt", "长".repeat(400));
        check_zip(d, vec![note(), RawEntry::stored(&long, b"x")], a)
    };
    "TP084" tp084_path_too_deep => |d, a| {
        let deep = format!("{}x.txt", "d/".repeat(70));
        check_zip(d, vec![note(), RawEntry::stored(&deep, b"x")], a)
    };
    "TP085" tp085_overlapping_entries => |d, a| {
        let kernel = RawEntry::deflated("0.txt", &[0u8; 4096]);
        let twin = RawEntry { name: b"1.txt".to_vec(), same_data_as: Some(1), ..kernel.clone() };
        check_zip(d, vec![note(), kernel, twin], a)
    };
    "TP086" tp086_larger_than_declared => |d, a| {
        let liar = RawEntry { size: 100, ..RawEntry::deflated("big.txt", &[b'a'; 64 << 10]) };
        check_zip(d, vec![note(), liar], a)
    };
    "TP087" tp087_zip_contains_itself => zip_quine;
    "TP088" tp088_header_mismatch => |d, a| {
        let smuggled = RawEntry { local_name: Some(b"setup.exe".to_vec()), ..RawEntry::stored("课件.pdf", PDF) };
        check_zip(d, vec![note(), smuggled], a)
    };
    "TP089" tp089_case_collision => |d, a| check_zip(d, vec![
        RawEntry::stored("Lesson1.pdf", PDF),
        RawEntry::stored("lesson1.pdf", b"%PDF-1.4 another"),
    ], a);
    "TP090" tp090_control_characters => |d, a| check_zip(d, vec![note(), RawEntry::stored("第1课\n.txt", b"x")], a);
    "TP091" tp091_unsupported_compression => |d, a| {
        let ppmd = RawEntry { method: 98, ..RawEntry::stored("课件.pdf", b"\x07\x00ppmd-ish bytes") };
        check_zip(d, vec![note(), ppmd], a)
    };
    "TP092" tp092_changed_during_check => file_growing_during_check;
    "TP093" tp093_zip_prefix_data => |d, a| {
        // A self-extractor: a program, then a zip whose offsets count from
        // its own start (what `cat stub.exe course.zip` makes).
        let mut sfx = exe();
        sfx.extend(raw_zip(&[note()], None));
        check_zip_bytes(d, &sfx, a)
    };
    "TP094" tp094_entry_not_in_directory => hidden_local_entry;
    "TP095" tp095_directory_with_data => |d, a| check_zip(d, vec![note(), RawEntry::stored("模块1/", &b"hidden".repeat(500))], a);
    "TP096" tp096_smaller_than_declared => |d, a| {
        let short = RawEntry { size: 5600, ..RawEntry::stored("b.txt", b"swapped") };
        check_zip(d, vec![note(), short], a)
    };
    "TP097" tp097_directory_too_large => |d, a| {
        // An end record declaring a 9 MiB directory: refused before loading.
        let mut zip = raw_zip(&[note()], None);
        let at = zip.len() - 22 + 12;
        zip[at..at + 4].copy_from_slice(&(9u32 << 20).to_le_bytes());
        check_zip_bytes(d, &zip, a)
    };
}

/// Every code `trainpack rules` lists has a fixture above, and every
/// fixture is for a listed code.
#[test]
fn every_code_has_a_fixture() {
    let documented: Vec<&str> = documented().keys().map(String::as_str).collect();
    let missing: Vec<&str> = documented
        .iter()
        .copied()
        .filter(|c| !FIXTURES.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "finding codes without a fixture in tests/rule_fixtures.rs: {}",
        missing.join(", ")
    );
    let unknown: Vec<&str> = FIXTURES
        .iter()
        .copied()
        .filter(|c| !documented.contains(c))
        .collect();
    assert!(
        unknown.is_empty(),
        "fixtures for codes `trainpack rules` does not list: {}",
        unknown.join(", ")
    );
}

// ------------------------------------------------------------------ inputs

const NOTE: &[u8] = "第1课 导论\n本课介绍安全生产的基本概念。\n".as_bytes();
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00";

/// The start of a Windows program (a DOS "MZ" header), padded.
fn exe() -> Vec<u8> {
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    bytes.resize(512, 0);
    bytes
}

/// An uncompressed Flash movie header (FWS, version 10), padded.
fn swf() -> Vec<u8> {
    let mut bytes = b"FWS\x0a".to_vec();
    bytes.extend(128u32.to_le_bytes());
    bytes.resize(128, 0);
    bytes
}

fn note() -> RawEntry {
    RawEntry::stored("讲义.txt", NOTE)
}

/// The folder `dir` (created) holding `files` (relative paths, created
/// with their folders).
fn files(dir: &Path, files: &[(&str, &[u8])]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir.to_owned()
}

fn check_files(dir: &Path, list: &[(&str, &[u8])], args: &[&str]) -> Option<Value> {
    Some(check_json(&files(dir, list), args).1)
}

fn check_zip(dir: &Path, entries: Vec<RawEntry>, args: &[&str]) -> Option<Value> {
    check_zip_bytes(dir, &raw_zip(&entries, None), args)
}

fn check_zip_bytes(dir: &Path, bytes: &[u8], args: &[&str]) -> Option<Value> {
    std::fs::create_dir_all(dir).unwrap();
    let zip = dir.join("课程包.zip");
    std::fs::write(&zip, bytes).unwrap();
    Some(check_json(&zip, args).1)
}

/// Run `build` with a policy file `toml` that moves thresholds only.
/// (Under an `--policy` already given, the fixture is being turned on; none
/// of the fixtures using this is off by default.)
fn with_policy(dir: &Path, toml: &str, args: &[&str], build: Build) -> Option<Value> {
    assert!(args.is_empty(), "a threshold fixture takes no other policy");
    std::fs::create_dir_all(dir).unwrap();
    let policy = dir.join("thresholds.toml");
    std::fs::write(&policy, toml).unwrap();
    build(&dir.join("pkg"), &["--policy", policy.to_str().unwrap()])
}

// ------------------------------------------------------------------- media

/// ffmpeg's synthetic sources: a 0.4 s test card and a tone.
const CARD_720P: &[&str] = &[
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=1280x720:rate=25:duration=0.4",
];
const TONE_48K: &[&str] = &[
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:sample_rate=48000:duration=0.4",
];
const H264: &[&str] = &[
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
];
const AAC: &[&str] = &["-c:a", "aac", "-shortest"];
const FASTSTART: &[&str] = &["-movflags", "+faststart"];

/// One clip: a file name (its extension picks the container) and the
/// ffmpeg arguments that make it. The reference clip (720p, 25 fps, H.264,
/// AAC at 48 kHz, fast start, 16:9) triggers no video rule; each other clip
/// differs from it in one way.
struct Clip {
    name: &'static str,
    args: &'static [&'static [&'static str]],
}

const GOOD: Clip = Clip {
    name: "good.mp4",
    args: &[CARD_720P, TONE_48K, H264, AAC, FASTSTART],
};
const AUDIO_ONLY: Clip = Clip {
    name: "audio-only.mp4",
    args: &[TONE_48K, AAC, FASTSTART],
};
const MKV: Clip = Clip {
    name: "good.mkv",
    args: &[CARD_720P, TONE_48K, H264, AAC],
};
const MPEG4: Clip = Clip {
    name: "mpeg4.mp4",
    args: &[CARD_720P, TONE_48K, &["-c:v", "mpeg4"], AAC, FASTSTART],
};
const MP2_AUDIO: Clip = Clip {
    name: "mp2.mp4",
    args: &[
        CARD_720P,
        TONE_48K,
        H264,
        &["-c:a", "mp2", "-shortest"],
        FASTSTART,
    ],
};
const SILENT: Clip = Clip {
    name: "silent.mp4",
    args: &[CARD_720P, H264, &["-an"], FASTSTART],
};
const MOOV_LAST: Clip = Clip {
    name: "moov-last.mp4",
    args: &[CARD_720P, TONE_48K, H264, AAC],
};
const SMALL: Clip = Clip {
    name: "360p.mp4",
    args: &[
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=640x360:rate=25:duration=0.4",
        ],
        TONE_48K,
        H264,
        AAC,
        FASTSTART,
    ],
};
const FOUR_THREE: Clip = Clip {
    name: "960x720.mp4",
    args: &[
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=960x720:rate=25:duration=0.4",
        ],
        TONE_48K,
        H264,
        AAC,
        FASTSTART,
    ],
};
const TEN_FPS: Clip = Clip {
    name: "10fps.mp4",
    args: &[
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=1280x720:rate=10:duration=0.4",
        ],
        TONE_48K,
        H264,
        AAC,
        FASTSTART,
    ],
};
const LOW_RATE: Clip = Clip {
    name: "22khz.mp4",
    args: &[
        CARD_720P,
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=22050:duration=0.4",
        ],
        H264,
        AAC,
        FASTSTART,
    ],
};
/// 1281×721: H.264 allows odd sizes in 4:4:4, not in the 4:2:0 that
/// players and the platforms' transcoders use.
const ODD_SIZE: Clip = Clip {
    name: "1281x721.mp4",
    args: &[
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=1281x721:rate=25:duration=0.4",
        ],
        TONE_48K,
        &[
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv444p",
        ],
        AAC,
        FASTSTART,
    ],
};
const MPEG_TS: Clip = Clip {
    name: "good.ts",
    args: &[CARD_720P, TONE_48K, H264, AAC],
};

/// The clip's bytes, made once (see `common::cached_media`).
fn clip(clip: &Clip) -> Option<Vec<u8>> {
    let args: Vec<&str> = clip.args.iter().flat_map(|a| a.iter().copied()).collect();
    cached_media(clip.name, &args).map(|p| std::fs::read(p).unwrap())
}

/// A package holding the clip as `name`, checked.
fn check_video(dir: &Path, which: Clip, name: &str, args: &[&str]) -> Option<Value> {
    let video = clip(&which)?;
    check_files(dir, &[(name, &video)], args)
}

fn truncated_video(dir: &Path, args: &[&str]) -> Option<Value> {
    let video = clip(&GOOD)?;
    check_files(dir, &[("第1课.mp4", &video[..video.len() / 2])], args)
}

/// An MPEG-TS (which the built-in probe does not read) on a machine without
/// ffprobe: counted unconfirmed (TP014), with one TP016 for the run.
fn unprobed_without_ffprobe(dir: &Path, args: &[&str]) -> Option<Value> {
    let video = clip(&MPEG_TS)?;
    let pkg = files(dir, &[("第1课.ts", &video)]);
    let empty = tempfile::tempdir().unwrap();
    Some(check_json_with(trainpack().env("PATH", empty.path()), &pkg, args).1)
}

/// An ffprobe that never answers, with the probe time limit (a threshold)
/// at 1 s.
fn hanging_probe(dir: &Path, args: &[&str]) -> Option<Value> {
    use std::os::unix::fs::PermissionsExt;
    let video = clip(&GOOD)?;
    let pkg = files(&dir.join("pkg"), &[("第1课.mp4", &video)]);
    let hang = dir.join("ffprobe-hang");
    std::fs::write(&hang, "#!/bin/sh\nexec sleep 60\n").unwrap();
    std::fs::set_permissions(&hang, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut args = args.to_vec();
    args.extend(["--probe", "ffprobe", "--probe-timeout", "1"]);
    Some(check_json_with(trainpack().env("TRAINPACK_FFPROBE", &hang), &pkg, &args).1)
}

fn video_over_max_bytes(dir: &Path, args: &[&str]) -> Option<Value> {
    // The default limit is 2 GiB; the fixture lowers it (a threshold).
    with_policy(
        dir,
        "[video]\nmax_bytes = { value = 1000 }\n",
        args,
        |d, a| check_video(d, GOOD, "第1课.mp4", a),
    )
}

// ------------------------------------------------------- other commands

/// `trainpack audit PACKAGE --result RESULT`, which must succeed.
fn audit(pkg: &Path, result: &str) {
    let out = run(trainpack()
        .arg("audit")
        .arg(pkg)
        .args([
            "--reviewer",
            "张三",
            "--role",
            "项目负责人",
            "--result",
            result,
        ])
        .args(["--date", "2024-07-01", "--force", "-q"]));
    assert_eq!(out.code, 0, "trainpack audit failed: {}", out.stderr);
}

fn audit_stale(dir: &Path, args: &[&str]) -> Option<Value> {
    let pkg = files(dir, &[("讲义.txt", NOTE)]);
    audit(&pkg, "approved");
    std::fs::write(pkg.join("讲义.txt"), "changed after the review").unwrap();
    Some(check_json(&pkg, args).1)
}

fn audit_rejected(dir: &Path, args: &[&str]) -> Option<Value> {
    let pkg = files(dir, &[("讲义.txt", NOTE)]);
    audit(&pkg, "rejected");
    Some(check_json(&pkg, args).1)
}

/// End date 2024-06-30, so the upload deadline is 2024-07-30; checked on `today`.
fn deadline(dir: &Path, today: &str, args: &[&str]) -> Option<Value> {
    let descriptor =
        r#"{"id": "p1", "provider": "某安全培训中心", "end_date": "2024-06-30"}"#.as_bytes();
    let pkg = files(
        dir,
        &[("training-package.json", descriptor), ("讲义.txt", NOTE)],
    );
    Some(check_json_with(trainpack().env("TRAINPACK_TODAY", today), &pkg, args).1)
}

fn encrypted_docx(dir: &Path, args: &[&str]) -> Option<Value> {
    if common::on_path("msoffcrypto-tool").is_none() {
        let required = std::env::var_os("CI").is_some()
            || std::env::var_os("TRAINPACK_REQUIRE_FFMPEG").is_some();
        assert!(
            !required,
            "msoffcrypto-tool is required by this test: pip install msoffcrypto-tool"
        );
        eprintln!("skipped: msoffcrypto-tool not installed");
        return None;
    }
    std::fs::create_dir_all(dir).unwrap();
    let plain = dir.join("plain.docx");
    common::zip_entries(
        &plain,
        &[
            ("[Content_Types].xml", br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#),
            ("word/document.xml", r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>第1课</w:t></w:r></w:p></w:body></w:document>"#.as_bytes()),
        ],
        zip::CompressionMethod::Deflated,
    );
    let pkg = files(&dir.join("pkg"), &[]);
    let out = StdCommand::new("msoffcrypto-tool")
        .args(["-e", "-p", "secret"])
        .arg(&plain)
        .arg(pkg.join("讲义.docx"))
        .output()
        .expect("cannot run msoffcrypto-tool");
    assert!(
        out.status.success(),
        "msoffcrypto-tool failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(check_json(&pkg, args).1)
}

/// A folder the check cannot list. Root lists anything, so as root the
/// check runs as `nobody` (setpriv, from util-linux).
fn unlistable_folder(dir: &Path, args: &[&str]) -> Option<Value> {
    use std::os::unix::fs::PermissionsExt;
    let pkg = files(dir, &[("讲义.txt", NOTE), ("模块2/课件.pdf", PDF)]);
    let locked = pkg.join("模块2");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root = std::fs::read_dir(&locked).is_ok();
    let report = if root {
        // The folders above the package, up to the system's temporary
        // folder (never that one itself), open to `nobody`.
        let tmp = std::env::temp_dir();
        let mut open = dir.to_owned();
        while open.pop() && open.starts_with(&tmp) && open != tmp {
            std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        for path in [&pkg, &pkg.join("讲义.txt")] {
            let mode = if path.is_dir() { 0o755 } else { 0o644 };
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let mut cmd = StdCommand::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(common::bin_path())
            .env("NO_COLOR", "1")
            .current_dir("/");
        check_json_with(&mut assert_cmd::Command::from_std(cmd), &pkg, args).1
    } else {
        check_json(&pkg, args).1
    };
    // Let the temporary folder be removed.
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    Some(report)
}

/// A recording still being written while the check reads it.
fn file_growing_during_check(dir: &Path, args: &[&str]) -> Option<Value> {
    use std::io::Write;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let pkg = files(dir, &[]);
    let growing = pkg.join("recording.bin");
    std::fs::write(&growing, vec![1u8; 64 << 20]).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&growing)
                .unwrap();
            while !stop.load(Ordering::Relaxed) {
                f.write_all(&[2u8; 512]).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        })
    };
    let report = check_json(&pkg, args).1;
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    Some(report)
}

/// A zip whose last local entry (an executable) its central directory
/// leaves out: a streaming unzipper extracts it, a directory reader not.
fn hidden_local_entry(dir: &Path, args: &[&str]) -> Option<Value> {
    let listed = raw_zip(&[note()], None);
    let hidden = raw_zip(&[RawEntry::stored("setup.exe", &exe())], None);
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let end = listed.len() - 22;
    let directory_at = u32_at(&listed, end + 16) as usize;
    let hidden_local = &hidden[..u32_at(&hidden, hidden.len() - 22 + 16) as usize];
    let mut zip = listed[..directory_at].to_vec();
    zip.extend_from_slice(hidden_local);
    zip.extend_from_slice(&listed[directory_at..]);
    let end = zip.len() - 22;
    let moved = (directory_at + hidden_local.len()) as u32;
    zip[end + 16..end + 20].copy_from_slice(&moved.to_le_bytes());
    check_zip_bytes(dir, &zip, args)
}

/// A real zip quine (its one entry, inflated, is the archive byte for
/// byte), written by tests/zip_quine.py, which checks it with zlib and
/// Python's zipfile.
fn zip_quine(dir: &Path, args: &[&str]) -> Option<Value> {
    std::fs::create_dir_all(dir).unwrap();
    let zip = dir.join("r.zip");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/zip_quine.py");
    let out = StdCommand::new("python3")
        .arg(&script)
        .arg(&zip)
        .output()
        .expect("cannot run python3");
    assert!(
        out.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(check_json(&zip, args).1)
}
