//! Folder names that are GBK bytes, not UTF-8 (a Windows zip unzipped on
//! Linux): every file is addressed by its real OS name, so names that read
//! alike are still different files, checked, listed, packed and verified.
//! The files are made with raw byte names by Python.

mod common;

use std::path::Path;
use std::process::Command as StdCommand;

use common::*;
use serde_json::Value;

/// Two-character words whose GBK bytes all read as the same four
/// replacement characters when decoded as UTF-8.
const WORDS: [(&str, &str); 6] = [
    ("报告", "mp4"),
    ("材料", "mp4"),
    ("测试", "mp4"),
    ("讲义", "mp4"),
    ("案例", "pdf"),
    ("备课", "pptx"),
];

fn python(script: &str, args: &[&Path]) {
    let out = StdCommand::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Sample files, one per word: four different videos, a PDF and a slide deck.
fn sources() -> Vec<std::path::PathBuf> {
    [
        "pass/模块1_基础知识/第1课_导论.mp4",
        "pass/模块1_基础知识/第2课_安全责任.mp4",
        "pass/模块2_法律法规/第3课_法规解读.mp4",
        "pass/模块2_法律法规/第4课_责任追究.mp4",
        "pass/模块2_法律法规/法律法规讲义.pdf",
        "pass/模块1_基础知识/模块1_课件.pptx",
    ]
    .iter()
    .map(|s| sample(s))
    .collect()
}

/// Write `src` to `dir/<name as GBK bytes>` (and `sub/` if given as GBK too).
fn write_gbk(dir: &Path, name: &str, src: &Path) {
    let script = r#"
import os, sys, shutil
dst, name, src = os.fsencode(sys.argv[1]), sys.argv[2], sys.argv[3]
raw = os.path.join(dst, *[p.encode('gbk') for p in name.split('/')])
os.makedirs(os.path.dirname(raw), exist_ok=True)
shutil.copyfile(src, raw)
"#;
    python(script, &[dir, Path::new(name), src]);
}

/// The folder of the six GBK-named files.
fn gbk_folder(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for ((word, ext), src) in WORDS.iter().zip(sources()) {
        write_gbk(dir, &format!("{word}.{ext}"), &src);
    }
}

/// Zip `dir` with its names' raw bytes and no UTF-8 flag, as an old Windows
/// zip tool on a Chinese system writes them.
fn raw_name_zip(dir: &Path, zip: &Path) {
    let script = r#"
import os, sys, zipfile
src, dst = os.fsencode(sys.argv[1]), sys.argv[2]
class Raw(zipfile.ZipInfo):
    def _encodeFilenameFlags(self):
        return self.raw, self.flag_bits & ~0x800
with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for f in sorted(files):
            full = os.path.join(root, f)
            rel = os.path.relpath(full, src)
            info = Raw(rel.decode('latin-1'), date_time=(2024, 1, 1, 0, 0, 0))
            info.raw = rel
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(full, 'rb') as fh:
                z.writestr(info, fh.read())
"#;
    python(script, &[dir, zip]);
}

fn summary_counts(report: &Value) -> (u64, u64, u64) {
    let s = &report["summary"];
    (
        s["files"].as_u64().unwrap(),
        s["course_resources"].as_u64().unwrap(),
        s["videos"].as_u64().unwrap(),
    )
}

fn sorted_paths(report: &Value) -> Vec<String> {
    let mut paths = file_paths(report);
    paths.sort();
    paths
}

/// The same six files, zipped with GBK names or as a folder with GBK
/// names: the same verdict, counts and paths, and no "duplicate".
#[test]
fn gbk_folder_and_gbk_zip_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("pkg");
    gbk_folder(&folder);
    let zip = tmp.path().join("pkg.zip");
    raw_name_zip(&folder, &zip);

    let (zip_code, zip_report) = check_json(&zip, &[]);
    let (folder_code, folder_report) = check_json(&folder, &[]);
    assert_eq!(summary_counts(&zip_report), (6, 6, 4), "{zip_report:#}");
    assert_eq!(zip_code, 0);
    assert_eq!(
        summary_counts(&folder_report),
        (6, 6, 4),
        "{folder_report:#}"
    );
    assert_eq!(folder_code, 0, "{folder_report:#}");
    assert_eq!(folder_report["verdict"], zip_report["verdict"]);
    let expected: Vec<String> = {
        let mut v: Vec<String> = WORDS.iter().map(|(w, e)| format!("{w}.{e}")).collect();
        v.sort();
        v
    };
    assert_eq!(sorted_paths(&folder_report), expected);
    assert_eq!(sorted_paths(&zip_report), expected);
    assert!(findings(&folder_report, "TP036").is_empty());
    // Said once for the package, with an example and its bytes.
    let gbk = findings(&folder_report, "TP044");
    assert_eq!(gbk.len(), 1, "{folder_report:#}");
    let message = gbk[0]["message"].as_str().unwrap();
    assert!(message.contains("6 "), "{message}");
    // Each file records the bytes of its name.
    let report_file = file(&folder_report, "报告.mp4").unwrap();
    assert_eq!(report_file["path_bytes"], "b1a8b8e62e6d7034");
}

/// A GBK name and a UTF-8 name that read the same are two files: both are
/// read, and the GBK one is shown by its bytes.
#[test]
fn names_that_read_alike_are_two_files() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("pkg");
    gbk_folder(&folder);
    // A UTF-8 报告.mp4 next to the GBK one, and a GBK folder next to a UTF-8 one.
    let src = sources();
    std::fs::copy(&src[0], folder.join("报告.mp4")).unwrap();
    std::fs::create_dir_all(folder.join("讲义")).unwrap();
    std::fs::copy(&src[1], folder.join("讲义/a.mp4")).unwrap();
    write_gbk(&folder, "讲义/a.mp4", &src[2]);

    let (code, report) = check_json(&folder, &[]);
    assert!(findings(&report, "TP036").is_empty(), "{report:#}");
    let paths = sorted_paths(&report);
    assert_eq!(paths.len(), 9, "{paths:?}");
    for p in [
        "报告.mp4",
        "%B1%A8%B8%E6.mp4",
        "讲义/a.mp4",
        "%BD%B2%D2%E5/a.mp4",
    ] {
        assert!(paths.contains(&p.to_owned()), "{p} missing from {paths:?}");
    }
    assert_eq!(summary_counts(&report), (9, 9, 7));
    assert_eq!(code, 0, "{report:#}");
    let alike = findings(&report, "TP045");
    assert_eq!(alike.len(), 2, "{report:#}");
    assert!(
        findings_at(&report, "TP045", "%B1%A8%B8%E6.mp4")[0]["message"]
            .as_str()
            .unwrap()
            .contains("报告.mp4")
    );
}

/// `manifest` lists every file with the bytes of its name, and `verify`
/// finds each file again by those bytes: unchanged, then a change.
#[test]
fn manifest_lists_all_and_verify_maps_back() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("pkg");
    gbk_folder(&folder);
    std::fs::copy(&sources()[0], folder.join("报告.mp4")).unwrap();
    let manifest = tmp.path().join("m.json");
    let out = run(trainpack()
        .arg("manifest")
        .arg(&folder)
        .arg("-o")
        .arg(&manifest));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let value = load_json(&manifest);
    assert_matches_schema("manifest.schema.json", &value, "manifest of a GBK folder");
    let files = value["files"].as_array().unwrap();
    assert_eq!(files.len(), 7, "{value:#}");
    let bytes: Vec<&str> = files
        .iter()
        .filter_map(|f| f["path_bytes"].as_str())
        .collect();
    assert_eq!(bytes.len(), 6);
    assert!(bytes.contains(&"b1a8b8e62e6d7034"));

    let verify = |manifest: &Path| {
        run(trainpack()
            .arg("verify")
            .arg(&folder)
            .arg("--manifest")
            .arg(manifest)
            .arg("--json"))
    };
    let out = verify(&manifest);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);

    // Edit the GBK 报告.mp4 (not the UTF-8 one): verify names that file.
    let script = r#"
import os, sys
p = os.path.join(os.fsencode(sys.argv[1]), '报告.mp4'.encode('gbk'))
with open(p, 'ab') as f: f.write(b'x')
"#;
    python(script, &[&folder]);
    let out = verify(&manifest);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("%B1%A8%B8%E6.mp4"), "{}", out.stdout);
    assert!(!out.stdout.contains("\"报告.mp4\""), "{}", out.stdout);
}

/// `pack` puts every file in the bag under a UTF-8 name, and bagit.py
/// validates the bag.
#[test]
fn pack_includes_every_file_under_utf8_names() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("pkg");
    gbk_folder(&folder);
    std::fs::copy(&sources()[0], folder.join("报告.mp4")).unwrap();
    let out_dir = tmp.path().join("out");
    let out = run(trainpack()
        .arg("pack")
        .arg(&folder)
        .arg("--out")
        .arg(&out_dir)
        .env("SOURCE_DATE_EPOCH", "1700000000"));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let bag_zip = out_dir.join("pkg.zip");
    let mut names: Vec<String> = read_zip(&bag_zip)
        .into_iter()
        .map(|item| item.name)
        .filter(|n| n.contains("/data/"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(names.contains(&"pkg/data/报告.mp4".to_owned()));
    assert!(names.contains(&"pkg/data/%B1%A8%B8%E6.mp4".to_owned()));
    assert!(names.contains(&"pkg/data/材料.mp4".to_owned()));
    if bagit_py_available() {
        let bag = tmp.path().join("bag");
        unzip(&bag_zip, &bag);
        bagit_py_validate(&bag.join("pkg"), &[]).unwrap();
    }
}
