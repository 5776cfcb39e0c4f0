//! End-to-end tests of `trainpack check` and `trainpack rules` on real files:
//! the committed samples, zips built here with the `zip` crate, and tiny
//! videos made with ffmpeg.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command as StdCommand;

use common::*;
use serde_json::Value;
use zip::CompressionMethod;

const PASS_VIDEOS: [&str; 5] = [
    "模块1_基础知识/第1课_导论.mp4",
    "模块1_基础知识/第2课_安全责任.mp4",
    "模块2_法律法规/第3课_法规解读.mp4",
    "模块2_法律法规/第4课_责任追究.mp4",
    "模块3_案例分析/第5课_事故案例.mp4",
];

fn assert_no_finding(report: &Value, code: &str) {
    let found = findings(report, code);
    assert!(found.is_empty(), "unexpected {code}: {found:?}");
}

// ---------------------------------------------------------------- verdicts

#[test]
fn pass_sample_passes_with_exit_0() {
    let (code, report) = check_json(&sample("pass"), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["summary"]["videos"], 5);
    assert_eq!(report["summary"]["course_resources"], 7);
    // 5/7 = 0.714285…: the report truncates to four decimals (see
    // schemas/report.schema.json), so a ratio never rounds up past a threshold.
    assert_eq!(report["summary"]["video_ratio"], "0.7142");
    assert_eq!(report["summary"]["errors"], 0);
    assert_no_finding(&report, "TP001");
    for path in PASS_VIDEOS {
        let f = file(&report, path).unwrap_or_else(|| panic!("{path} missing"));
        assert_eq!(f["kind"], "video", "{f}");
        assert_eq!(f["is_video"], true, "{f}");
        assert_eq!(f["video"]["status"], "confirmed", "{f}");
    }
    // Subtitles are listed but not counted.
    let srt = file(&report, "模块1_基础知识/第1课_导论.srt").unwrap();
    assert_eq!(srt["kind"], "subtitle");
    assert_eq!(srt["counted"], false);
}

#[test]
fn fail_sample_fails_with_tp001_naming_the_ratio() {
    let (code, report) = check_json(&sample("fail"), &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verdict"], "fail");
    assert_eq!(report["summary"]["video_ratio"], "0.3333");
    let tp001 = findings(&report, "TP001");
    assert_eq!(tp001.len(), 1, "{tp001:?}");
    assert_eq!(tp001[0]["severity"], "error");
    assert!(tp001[0]["path"].is_null());
    let en = tp001[0]["message_en"].as_str().unwrap();
    let zh = tp001[0]["message_zh"].as_str().unwrap();
    for msg in [en, zh] {
        assert!(msg.contains("33.33%"), "ratio missing: {msg}");
        assert!(msg.contains("60%"), "threshold missing: {msg}");
    }
    assert!(en.contains("2 of 6"), "{en}");
}

#[test]
fn fail_sample_module_without_video_is_below_threshold() {
    let (_, report) = check_json(&sample("fail"), &[]);
    let m2 = module(&report, "模块2_法律法规");
    assert_eq!(m2["videos"], 0, "{m2}");
    assert_eq!(m2["course_resources"], 3, "{m2}");
    assert_eq!(m2["meets_threshold"], false, "{m2}");
    assert_eq!(m2["video_ratio"], "0.0000", "{m2}");
    let m1 = module(&report, "模块1_基础知识");
    assert_eq!(
        (&m1["videos"], &m1["course_resources"]),
        (&2.into(), &3.into())
    );
    assert_eq!(m1["meets_threshold"], true, "{m1}");
    assert_eq!(findings_at(&report, "TP002", "模块2_法律法规").len(), 1);
    assert!(findings_at(&report, "TP002", "模块1_基础知识").is_empty());
}

#[test]
fn exactly_60_percent_passes() {
    let (code, report) = check_json(&sample("exactly-60"), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["summary"]["video_ratio"], "0.6000");
    assert_eq!(report["summary"]["meets_threshold"], true);
    assert_no_finding(&report, "TP001");
}

#[test]
fn one_video_fewer_than_60_percent_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("pkg");
    copy_dir(&sample("exactly-60"), &pkg);
    fs::remove_file(pkg.join("模块1_基础知识/第3课_个人防护.mp4")).unwrap();
    let (code, report) = check_json(&pkg, &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verdict"], "fail");
    assert_eq!(report["summary"]["video_ratio"], "0.5000");
    assert_eq!(report["summary"]["videos"], 2);
    assert_eq!(report["summary"]["course_resources"], 4);
    assert_eq!(findings(&report, "TP001").len(), 1);
    // The orphan subtitle is still listed and still not counted.
    let srt = file(&report, "模块1_基础知识/第3课_个人防护.srt").unwrap();
    assert_eq!(srt["counted"], false);
}

// ---------------------------------------------------------------- zips

/// (path, sha256, kind, counted) of every file, sorted by path.
fn file_table(report: &Value) -> Vec<(String, String, String, bool)> {
    let mut rows: Vec<_> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["sha256"].as_str().unwrap().to_owned(),
                f["kind"].as_str().unwrap().to_owned(),
                f["counted"].as_bool().unwrap(),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// What coreutils `sha256sum` prints for every file of a folder, by relative path.
fn coreutils_sha256(root: &Path) -> BTreeMap<String, String> {
    let rels: Vec<String> = list_files(root).into_iter().map(|(rel, _)| rel).collect();
    let out = StdCommand::new("sha256sum")
        .current_dir(root)
        .arg("--")
        .args(&rels)
        .output()
        .expect("cannot run coreutils sha256sum");
    assert!(out.status.success(), "sha256sum failed");
    let text = String::from_utf8(out.stdout).unwrap();
    let map: BTreeMap<String, String> = text
        .lines()
        .map(|line| {
            let (hash, name) = line.split_once("  ").expect("sha256sum line");
            (name.to_owned(), hash.to_owned())
        })
        .collect();
    assert_eq!(map.len(), rels.len(), "{text}");
    map
}

fn assert_zip_matches_folder(method: CompressionMethod) {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("pass.zip");
    zip_dir(&sample("pass"), &zip_path, method);

    let (folder_code, folder) = check_json(&sample("pass"), &[]);
    let (zip_code, zipped) = check_json(&zip_path, &[]);
    assert_eq!(folder_code, 0);
    assert_eq!(zip_code, 0, "{zipped:#}");
    assert_eq!(zipped["verdict"], folder["verdict"]);
    assert_eq!(zipped["package"]["source"], "zip");
    assert_eq!(folder["package"]["source"], "folder");
    assert_eq!(zipped["summary"]["video_ratio"], "0.7142");

    let table = file_table(&zipped);
    assert_eq!(table, file_table(&folder));
    assert_eq!(table.len(), 12);

    // Every video in the zip was really probed (stored: in place;
    // deflated: via a spooled copy).
    for path in PASS_VIDEOS {
        assert_eq!(file(&zipped, path).unwrap()["video"]["status"], "confirmed");
    }

    let expected = coreutils_sha256(&sample("pass"));
    let got: BTreeMap<String, String> = table
        .into_iter()
        .map(|(path, sha, _, _)| (path, sha))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn stored_zip_of_pass_matches_folder_and_sha256sum() {
    assert_zip_matches_folder(CompressionMethod::Stored);
}

#[test]
fn deflated_zip_of_pass_matches_folder_and_sha256sum() {
    assert_zip_matches_folder(CompressionMethod::Deflated);
}

#[test]
fn gbk_names_zip_decodes_paths_and_warns_tp031() {
    let (code, report) = check_json(&sample("gbk-names.zip"), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["summary"]["video_ratio"], "0.7500");

    let mut paths = file_paths(&report);
    paths.sort();
    let expected_text = fs::read_to_string(sample("gbk-names.expected.txt")).unwrap();
    let expected: Vec<String> = expected_text.lines().map(str::to_owned).collect();
    assert_eq!(paths, expected);

    let tp031 = findings(&report, "TP031");
    assert!(!tp031.is_empty(), "no TP031 warning");
    assert!(tp031.iter().all(|f| f["severity"] == "warning"));
}

/// Zip `samples/pass` with Python's `zipfile`, each name written with `sep`
/// as the folder separator (zipfile keeps backslashes on Linux, as Windows
/// PowerShell 5.1 `Compress-Archive` writes them), plus `extra` entries.
fn python_zip_of_pass(dst: &Path, sep: &str, extra: &[&str]) {
    let script = r#"
import os, sys, zipfile
src, dst, sep = sys.argv[1], sys.argv[2], sys.argv[3]
with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for f in sorted(files):
            full = os.path.join(root, f)
            rel = os.path.relpath(full, src).replace(os.sep, sep)
            with open(full, 'rb') as fh:
                z.writestr(zipfile.ZipInfo(rel), fh.read(), zipfile.ZIP_DEFLATED)
    for name in sys.argv[4:]:
        z.writestr(zipfile.ZipInfo(name), b'owned')
"#;
    let status = StdCommand::new("python3")
        .arg("-c")
        .arg(script)
        .arg(sample("pass"))
        .arg(dst)
        .arg(sep)
        .args(extra)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "python3 zipfile failed");
}

#[test]
fn backslash_zip_names_are_folders_with_tp039() {
    let tmp = tempfile::tempdir().unwrap();
    let slash_zip = tmp.path().join("slash.zip");
    let back_zip = tmp.path().join("backslash.zip");
    python_zip_of_pass(&slash_zip, "/", &[]);
    python_zip_of_pass(&back_zip, "\\", &[]);
    let raw = read_zip(&back_zip);
    assert!(
        raw.iter()
            .any(|e| e.name == "模块1_基础知识\\第1课_导论.mp4"),
        "the zip does not hold raw backslash names"
    );

    let (slash_code, slash) = check_json(&slash_zip, &[]);
    let (back_code, back) = check_json(&back_zip, &[]);
    assert_eq!(back_code, slash_code, "{back:#}");
    assert_eq!(back["verdict"], slash["verdict"]);
    assert_eq!(back["verdict"], "pass", "{back:#}");
    assert_eq!(
        back["summary"]["video_ratio"],
        slash["summary"]["video_ratio"]
    );
    assert_eq!(back["modules"], slash["modules"]);
    let m1 = module(&back, "模块1_基础知识");
    assert_eq!(
        m1["video_ratio"],
        module(&slash, "模块1_基础知识")["video_ratio"]
    );
    let mut back_paths = file_paths(&back);
    let mut slash_paths = file_paths(&slash);
    back_paths.sort();
    slash_paths.sort();
    assert_eq!(back_paths, slash_paths);
    assert!(back_paths.contains(&"模块1_基础知识/第1课_导论.mp4".to_owned()));
    assert_eq!(
        file(&back, "模块1_基础知识/第1课_导论.mp4").unwrap()["video"]["status"],
        "confirmed"
    );

    let tp039 = findings(&back, "TP039");
    assert_eq!(tp039.len(), 1, "one TP039 for the package: {tp039:?}");
    assert_eq!(tp039[0]["severity"], "warning");
    assert_no_finding(&back, "TP030");
    assert_no_finding(&slash, "TP039");

    // pack writes the converted names, with '/'.
    let out = tmp.path().join("out");
    let packed = run(trainpack()
        .arg("pack")
        .arg(&back_zip)
        .arg("-o")
        .arg(&out)
        .arg("-q"));
    assert_eq!(packed.code, 0, "{}", packed.stderr);
    let bag = read_zip(&out.join("backslash.zip"));
    assert!(
        bag.iter().all(|e| !e.name.contains('\\')),
        "a backslash name was packed"
    );
    assert!(
        bag.iter()
            .any(|e| e.name == "backslash/data/模块1_基础知识/第1课_导论.mp4"),
        "{:?}",
        bag.iter().map(|e| &e.name).collect::<Vec<_>>()
    );

    // Still unsafe after the conversion: never read, TP030.
    let evil_zip = tmp.path().join("evil.zip");
    python_zip_of_pass(
        &evil_zip,
        "\\",
        &["..\\evil.txt", "C:\\evil.txt", "\\evil.txt"],
    );
    let (_, evil) = check_json(&evil_zip, &[]);
    let tp030 = findings(&evil, "TP030");
    assert_eq!(tp030.len(), 3, "{tp030:?}");
    assert!(
        tp030.iter().any(|f| f["path"] == "..\\evil.txt"),
        "{tp030:?}"
    );
    assert_eq!(findings(&evil, "TP039").len(), 1);
    assert!(!tmp.path().join("evil.txt").exists());
}

// ---------------------------------------------------------------- junk/

#[test]
fn junk_pdf_named_mp4_is_a_document_with_tp011() {
    let (_, report) = check_json(&sample("junk"), &[]);
    let path = "模块1_基础知识/讲座录像.mp4";
    let f = file(&report, path).unwrap();
    assert_eq!(f["kind"], "document", "{f}");
    assert_eq!(f["media_type"], "application/pdf", "{f}");
    assert_eq!(f["counted"], true, "{f}");
    assert_eq!(f["is_video"], false, "{f}");
    assert_eq!(findings_at(&report, "TP011", path).len(), 1);
}

#[test]
fn junk_audio_only_mp4_is_audio_with_tp012() {
    let (_, report) = check_json(&sample("junk"), &[]);
    let path = "模块2_法律法规/音频讲解.mp4";
    let f = file(&report, path).unwrap();
    assert_eq!(f["kind"], "audio", "{f}");
    assert_eq!(f["is_video"], false, "{f}");
    assert_eq!(f["counted"], true, "{f}");
    assert_eq!(f["video"]["status"], "not_video", "{f}");
    assert_eq!(findings_at(&report, "TP012", path).len(), 1);
}

#[test]
fn junk_files_are_not_counted_and_reported() {
    let (code, report) = check_json(&sample("junk"), &[]);
    let junk = [
        (".DS_Store", "TP020"),
        ("__MACOSX/._第1课.mp4", "TP020"),
        ("模块1_基础知识/Thumbs.db", "TP020"),
        ("模块1_基础知识/~$课件.pptx", "TP020"),
        ("模块2_法律法规/新建文本文档.txt", "TP021"),
    ];
    for (path, code) in junk {
        let f = file(&report, path).unwrap_or_else(|| panic!("{path} missing"));
        assert_eq!(f["kind"], "junk", "{f}");
        assert_eq!(f["counted"], false, "{f}");
        assert_eq!(f["is_video"], false, "{f}");
        assert_eq!(
            findings_at(&report, code, path).len(),
            1,
            "{code} for {path}"
        );
    }
    let junk_count = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "junk")
        .count();
    assert_eq!(junk_count, 5);
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "fail");
    assert_eq!(report["summary"]["videos"], 4);
    assert_eq!(report["summary"]["course_resources"], 8);
    assert_eq!(report["summary"]["video_ratio"], "0.5000");
}

// ---------------------------------------------------------------- errors

#[test]
fn missing_path_exits_2_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("没有这个包.zip");
    let out = run(trainpack().arg("check").arg(&missing));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(missing.to_str().unwrap()),
        "stderr does not name the path: {}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn empty_folder_fails_with_tp003() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, report) = check_json(tmp.path(), &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verdict"], "fail");
    assert_eq!(findings(&report, "TP003").len(), 1);
    assert!(file_paths(&report).is_empty());
}

#[test]
fn empty_zip_file_exits_2_not_a_readable_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("empty.zip");
    fs::write(&zip_path, b"").unwrap();
    let out = run(trainpack().arg("check").arg(&zip_path).arg("--json"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("not a readable zip"),
        "stderr: {}",
        out.stderr
    );
    assert!(out.stderr.contains("empty.zip"), "stderr: {}", out.stderr);
}

/// A corrupt zip of samples/pass must end in exit 2, or exit 1 with an
/// error finding and only files that really are entries of samples/pass;
/// never a panic (checked by `run`) or a pass.
fn assert_corrupt_zip_handled(zip_path: &Path) {
    let out = run(trainpack()
        .arg("check")
        .arg(zip_path)
        .args(["--json", "-q"]));
    match out.code {
        2 => assert!(!out.stderr.trim().is_empty(), "exit 2 without a message"),
        1 => {
            let report: Value = serde_json::from_str(&out.stdout).unwrap();
            let errors = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["severity"] == "error")
                .count();
            assert!(errors > 0, "exit 1 without an error finding: {report:#}");
            let real: Vec<String> = list_files(&sample("pass"))
                .into_iter()
                .map(|(rel, _)| rel)
                .collect();
            for path in file_paths(&report) {
                assert!(
                    real.contains(&path),
                    "{}: reported {path:?}, which is not an entry of the package",
                    zip_path.display()
                );
            }
        }
        other => panic!(
            "corrupt zip {}: exit {other}\nstdout:\n{}\nstderr:\n{}",
            zip_path.display(),
            out.stdout,
            out.stderr
        ),
    }
}

#[test]
fn random_bytes_zip_exits_2_without_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("random.zip");
    // Deterministic pseudo-random bytes (xorshift), starting like a zip.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut bytes = b"PK\x03\x04".to_vec();
    for _ in 0..8192 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.push(state as u8);
    }
    fs::write(&zip_path, &bytes).unwrap();
    let out = run(trainpack().arg("check").arg(&zip_path));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a readable zip"), "{}", out.stderr);
}

/// Cut a zip of samples/pass at half its length and 10 bytes short of its end.
fn assert_truncated_zip_handled(method: CompressionMethod) {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole.zip");
    zip_dir(&sample("pass"), &whole, method);
    let bytes = fs::read(&whole).unwrap();
    for (name, len) in [
        ("half.zip", bytes.len() / 2),
        ("tail.zip", bytes.len() - 10),
    ] {
        let cut = tmp.path().join(name);
        fs::write(&cut, &bytes[..len]).unwrap();
        assert_corrupt_zip_handled(&cut);
    }
}

#[test]
fn truncated_deflated_zip_is_handled_without_panic() {
    assert_truncated_zip_handled(CompressionMethod::Deflated);
}

/// A stored zip cut in half still holds the stored `模块1_课件.pptx` whole,
/// and a .pptx is itself a zip with its own end-of-central-directory record.
#[test]

fn truncated_stored_zip_is_not_read_as_a_nested_zip() {
    assert_truncated_zip_handled(CompressionMethod::Stored);
}

#[test]
fn zip_with_damaged_entry_data_is_handled_without_panic() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, method) in [
        ("stored.zip", CompressionMethod::Stored),
        ("deflated.zip", CompressionMethod::Deflated),
    ] {
        let zip_path = tmp.path().join(name);
        zip_dir(&sample("pass"), &zip_path, method);
        let mut bytes = fs::read(&zip_path).unwrap();
        // Overwrite the middle of the first entry's data (a pptx of ~4 KB
        // starting right after a short local header).
        for b in &mut bytes[200..1200] {
            *b = 0x55;
        }
        fs::write(&zip_path, &bytes).unwrap();
        assert_corrupt_zip_handled(&zip_path);
    }
}

#[test]
fn zip_slip_entry_is_refused_with_tp030() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inbox");
    fs::create_dir(&dir).unwrap();
    let video_bytes = fs::read(sample("pass").join(PASS_VIDEOS[0])).unwrap();

    let zip_path = dir.join("evil.zip");
    zip_entries(
        &zip_path,
        &[
            ("../evil.txt", b"pwned\n"),
            ("模块1/第1课.mp4", &video_bytes),
        ],
        CompressionMethod::Stored,
    );
    let (code, report) = check_json_with(trainpack().current_dir(&dir), &zip_path, &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verdict"], "fail");
    let tp030 = findings(&report, "TP030");
    assert_eq!(tp030.len(), 1, "{tp030:?}");
    assert_eq!(tp030[0]["severity"], "error");

    let paths = file_paths(&report);
    assert!(
        paths.iter().all(|p| !p.contains("evil.txt")),
        "evil.txt listed: {paths:?}"
    );
    assert_eq!(paths, ["模块1/第1课.mp4"]);
    let v = file(&report, "模块1/第1课.mp4").unwrap();
    assert_eq!(v["video"]["status"], "confirmed", "{v}");
    assert_eq!(v["is_video"], true);

    // Nothing was extracted next to or above the zip.
    for place in [&dir, tmp.path()] {
        assert!(!place.join("evil.txt").exists(), "evil.txt in {place:?}");
    }
    let mut left: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["evil.zip"]);
    let mut above: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    above.sort();
    assert_eq!(above, ["inbox"]);
}

// ---------------------------------------------------------------- language

/// The terminal report of samples/pass, with `extra_args` after `check <path>`.
fn terminal_report(cmd: &mut assert_cmd::Command, extra_args: &[&str]) -> String {
    let out = run(cmd
        .arg("check")
        .arg(sample("pass"))
        .args(["-q", "--color", "never"])
        .args(extra_args));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn lang_flag_zh_prints_chinese() {
    let text = terminal_report(trainpack().env("LANG", "en_US.UTF-8"), &["--lang", "zh"]);
    assert!(text.contains("结论"), "{text}");
    assert!(!text.contains("Verdict"), "{text}");
}

#[test]
fn lang_flag_en_prints_english() {
    let text = terminal_report(trainpack().env("LANG", "zh_CN.UTF-8"), &["--lang", "en"]);
    assert!(text.contains("Verdict"), "{text}");
    assert!(!text.contains("结论"), "{text}");
}

#[test]
fn zh_locale_env_prints_chinese() {
    let text = terminal_report(trainpack().env("LANG", "zh_CN.UTF-8"), &[]);
    assert!(text.contains("结论"), "{text}");
    assert!(!text.contains("Verdict"), "{text}");
}

#[test]
fn en_locale_env_prints_english() {
    let text = terminal_report(trainpack().env("LANG", "en_US.UTF-8"), &[]);
    assert!(text.contains("Verdict"), "{text}");
    assert!(!text.contains("结论"), "{text}");
}

// ---------------------------------------------------------------- ffprobe

/// `--probe ffprobe` on a machine without ffprobe: the built-in probe is
/// not asked, so videos are counted unconfirmed, with one TP016 for the run.
/// (With the default engine they are confirmed: see tests/probe_engines.rs.)
#[test]
fn ffprobe_engine_without_ffprobe_counts_videos_unconfirmed_and_tp016_once() {
    let empty_path = tempfile::tempdir().unwrap();
    let bin = bin_path();
    assert!(bin.is_absolute());
    let (code, report) = check_json_with(
        trainpack().env("PATH", empty_path.path()),
        &sample("pass"),
        &["--probe", "ffprobe"],
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["summary"]["videos"], 5);
    for path in PASS_VIDEOS {
        let f = file(&report, path).unwrap();
        assert_eq!(f["video"]["status"], "unconfirmed", "{f}");
        assert_eq!(f["is_video"], true, "{f}");
    }
    assert_eq!(findings(&report, "TP016").len(), 1);
    assert_eq!(findings(&report, "TP014").len(), 5);
}

// ---------------------------------------------------------------- rules

#[test]
fn rules_lists_every_code() {
    let listed = run(trainpack().arg("rules"));
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let json = run(trainpack().args(["rules", "--json"]));
    assert_eq!(json.code, 0, "{}", json.stderr);
    let all: Value = serde_json::from_str(&json.stdout).unwrap();
    let codes: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    for needed in [
        "TP001", "TP003", "TP011", "TP012", "TP016", "TP020", "TP030",
    ] {
        assert!(codes.contains(&needed), "{needed} missing from {codes:?}");
    }
    for code in &codes {
        assert!(
            listed.stdout.lines().any(|l| l.starts_with(code)),
            "{code} not in `trainpack rules`"
        );
    }
}

#[test]
fn rules_single_code_json_is_one_rule() {
    let out = run(trainpack().args(["rules", "TP001", "--json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let value: Value = serde_json::from_str(&out.stdout).unwrap();
    // One rule: a bare object, or a list holding exactly one.
    let rule = match &value {
        Value::Array(list) => {
            assert_eq!(list.len(), 1, "{value:#}");
            &list[0]
        }
        other => other,
    };
    assert_eq!(rule["code"], "TP001");
    assert_eq!(rule["severity"], "error");
    assert!(rule["fix_zh"].as_str().is_some_and(|s| !s.is_empty()));
}

// ---------------------------------------------------------------- policy

#[test]
fn policy_threshold_80_fails_pass_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = tmp.path().join("policy.toml");
    fs::write(&policy, "threshold_percent = 80\n").unwrap();
    let (code, report) = check_json(&sample("pass"), &["--policy", policy.to_str().unwrap()]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verdict"], "fail");
    assert_eq!(report["policy"]["threshold_percent"], 80);
    assert_eq!(report["summary"]["threshold"], "0.8000");
    assert_eq!(report["summary"]["video_ratio"], "0.7142");
    assert_eq!(findings(&report, "TP001").len(), 1);
}

/// By bytes, junk's videos are over 60%, so the ratio no longer fails it.
/// (Its audio-only .mp4 is still an error under the default video policy;
/// a policy that sets `video.no_video_stream = "warning"` lets it pass.)
#[test]
fn basis_bytes_changes_ratio_and_junk_passes() {
    let (count_code, by_count) = check_json(&sample("junk"), &[]);
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.toml");
    std::fs::write(&policy, "[video]\nno_video_stream = \"warning\"\n").unwrap();
    let policy = policy.to_str().unwrap();
    let (bytes_code, by_bytes) =
        check_json(&sample("junk"), &["--basis", "bytes", "--policy", policy]);
    assert_eq!(count_code, 1);
    assert_eq!(by_bytes["policy"]["basis"], "bytes");
    let count_ratio = by_count["summary"]["video_ratio"].as_str().unwrap();
    let bytes_ratio = by_bytes["summary"]["video_ratio"].as_str().unwrap();
    assert_eq!(count_ratio, "0.5000");
    assert_ne!(bytes_ratio, count_ratio);
    // The byte share is reported either way and is the ratio on that basis.
    assert_eq!(by_bytes["summary"]["video_bytes_ratio"], bytes_ratio);
    let (v, c) = (
        by_bytes["summary"]["video_bytes"].as_u64().unwrap(),
        by_bytes["summary"]["course_bytes"].as_u64().unwrap(),
    );
    assert!(v * 100 >= c * 60, "video bytes {v} of {c} are under 60%");
    assert_eq!(bytes_code, 0, "{by_bytes:#}");
    assert_eq!(by_bytes["verdict"], "pass");
    assert_no_finding(&by_bytes, "TP001");
}

// ---------------------------------------------------------------- content wins

#[test]
fn mp4_named_pdf_counts_as_video_with_tp010() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("pkg");
    let module = pkg.join("模块1");
    fs::create_dir_all(&module).unwrap();
    let src = sample("pass").join("模块1_基础知识");
    fs::copy(src.join("第1课_导论.mp4"), module.join("x.pdf")).unwrap();
    fs::copy(src.join("模块1_课件.pptx"), module.join("课件.pptx")).unwrap();
    fs::copy(src.join("第1课_导论.srt"), module.join("x.srt")).unwrap();

    let (code, report) = check_json(&pkg, &[]);
    let f = file(&report, "模块1/x.pdf").unwrap();
    assert_eq!(f["kind"], "video", "{f}");
    assert_eq!(f["counted"], true, "{f}");
    assert_eq!(f["is_video"], true, "{f}");
    assert_eq!(f["video"]["status"], "confirmed", "{f}");
    assert_eq!(findings_at(&report, "TP010", "模块1/x.pdf").len(), 1);
    assert_no_finding(&report, "TP011");
    // 1 video of 2 course resources: 50% fails.
    assert_eq!(report["summary"]["videos"], 1);
    assert_eq!(report["summary"]["course_resources"], 2);
    assert_eq!(code, 1);
}

/// `video.no_video_stream` sets the level of TP012 (audio-only "video"):
/// an error by default, a warning, or no finding at all.
#[test]
fn the_policy_sets_the_level_of_an_audio_only_video() {
    let dir = tempfile::tempdir().unwrap();
    let mut levels = Vec::new();
    for level in ["error", "warning", "off"] {
        let policy = dir.path().join(format!("{level}.toml"));
        std::fs::write(&policy, format!("[video]\nno_video_stream = \"{level}\"\n")).unwrap();
        let (_, report) = check_json(&sample("junk"), &["--policy", policy.to_str().unwrap()]);
        let severities: Vec<String> = findings(&report, "TP012")
            .iter()
            .map(|f| f["severity"].as_str().unwrap().to_owned())
            .collect();
        levels.push(severities);
    }
    assert_eq!(levels[0], ["error"]);
    assert_eq!(levels[1], ["warning"]);
    assert!(levels[2].is_empty(), "{:?}", levels[2]);
}

/// TP001 gives two exact ways to pass; following either one passes, and one
/// video fewer does not. (Adding k new videos, where k is the number to
/// convert, is not enough: the total grows too.)
#[test]
fn following_either_piece_of_tp001_advice_passes() {
    let (code, report) = check_json(&sample("fail"), &["--lang", "en"]);
    assert_eq!(code, 1, "{report:#}");
    let message = findings(&report, "TP001")[0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    let number_before = |word: &str| -> usize {
        let at = message
            .find(word)
            .unwrap_or_else(|| panic!("{word:?} in {message}"));
        let digits: String = message[..at]
            .trim_end()
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.chars().rev().collect::<String>().parse().unwrap()
    };
    let convert = number_before(" existing non-video");
    let add = number_before(" new video");
    // samples/fail: 2 videos among 6 resources; 4/6 or 6/10 reach 60%.
    assert_eq!((convert, add), (2, 4), "{message}");

    let video = sample("pass").join("模块1_基础知识/第1课_导论.mp4");
    let outcome = |edit: &dyn Fn(&Path)| -> i32 {
        let dir = tempfile::tempdir().unwrap();
        let root = copy_sample("fail", dir.path());
        edit(&root);
        check_json(&root, &[]).0
    };
    let video = &video;
    let add_videos = |n: usize| {
        move |root: &Path| {
            for i in 0..n {
                fs::copy(video, root.join(format!("模块2_法律法规/新增{i}.mp4"))).unwrap();
            }
        }
    };
    assert_eq!(outcome(&add_videos(add)), 0, "adding {add} videos passes");
    assert_eq!(outcome(&add_videos(add - 1)), 1, "one fewer does not");
    assert_eq!(
        outcome(&add_videos(convert)),
        1,
        "adding only {convert} does not"
    );
    let non_videos = [
        "模块2_法律法规/法规解读音频.mp3",
        "模块2_法律法规/法律法规课件.pptx",
        "模块2_法律法规/法规体系图.png",
        "模块1_基础知识/基础知识讲义.pdf",
    ];
    let non_videos = &non_videos;
    let convert_some = |n: usize| {
        move |root: &Path| {
            for old in &non_videos[..n] {
                fs::remove_file(root.join(old)).unwrap();
                fs::copy(video, root.join(old).with_extension("mp4")).unwrap();
            }
        }
    };
    assert_eq!(
        outcome(&convert_some(convert)),
        0,
        "converting {convert} passes"
    );
    assert_eq!(outcome(&convert_some(convert - 1)), 1, "one fewer does not");
}

/// `--html` never lands on the package or inside it: `check x.zip --html
/// x.zip` would replace the package, and `cd pkg && check . --html r.html`
/// would add a file the next check counts. Both exit 2 and change nothing.
#[test]
fn html_report_over_or_inside_the_package_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = copy_sample("pass", &dir.path().join("pkg"));
    let zip = dir.path().join("pkg.zip");
    zip_dir(&pkg, &zip, CompressionMethod::Stored);
    let zip_digest = sha256_file(&zip);

    let over = run(trainpack()
        .arg("check")
        .arg(&zip)
        .arg("--html")
        .arg(&zip)
        .args(["--lang", "en"]));
    assert_eq!(over.code, 2, "{}", over.stderr);
    assert!(over.stderr.contains("over the package"), "{}", over.stderr);
    assert_eq!(sha256_file(&zip), zip_digest, "the zip is untouched");

    let before = list_files(&pkg).len();
    let inside = run(trainpack().current_dir(&pkg).args([
        "check",
        ".",
        "--html",
        "report.html",
        "--lang",
        "en",
    ]));
    assert_eq!(inside.code, 2, "{}", inside.stderr);
    assert!(
        inside.stderr.contains("inside the package"),
        "{}",
        inside.stderr
    );
    assert!(!pkg.join("report.html").exists());
    assert_eq!(list_files(&pkg).len(), before);

    // Next to the package is fine.
    let beside = run(trainpack()
        .arg("check")
        .arg(&pkg)
        .arg("--html")
        .arg(dir.path().join("report.html")));
    assert_eq!(beside.code, 0, "{}", beside.stderr);
    assert!(dir.path().join("report.html").is_file());
}
