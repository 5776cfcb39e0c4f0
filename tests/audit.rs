//! `trainpack audit` (审核) and what `check`, `pack` and `verify` make of
//! the review, on real files: copies of the committed samples, changed on
//! disk; bags validated with bagit.py, the reference BagIt tool.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;
use tempfile::TempDir;

const SRT: &str = "模块1_基础知识/第1课_导论.srt";
const PDF: &str = "模块2_法律法规/法律法规讲义.pdf";
const DATE: &str = "2024-07-01";

fn tempdir() -> TempDir {
    tempfile::Builder::new()
        .prefix("trainpack-audit-")
        .tempdir()
        .unwrap()
}

/// A fresh copy of `samples/<name>` in `dir`.
fn package(dir: &TempDir, name: &str) -> PathBuf {
    copy_sample(name, &dir.path().join(name))
}

/// `trainpack audit PACKAGE --reviewer 张三 --role 项目负责人 --result RESULT --date DATE [extra]`.
fn audit(package: &Path, result: &str, extra: &[&str]) -> Run {
    let mut cmd = trainpack();
    cmd.arg("audit")
        .arg(package)
        .args([
            "--reviewer",
            "张三",
            "--role",
            "项目负责人",
            "--result",
            result,
        ])
        .args(["--date", DATE, "-q"])
        .args(extra);
    run(&mut cmd)
}

fn descriptor(package: &Path) -> Value {
    load_json(&package.join("training-package.json"))
}

fn only_finding<'a>(report: &'a Value, code: &str) -> &'a Value {
    let found = findings(report, code);
    assert_eq!(found.len(), 1, "one {code} expected: {report:#}");
    found[0]
}

#[test]
fn an_approval_records_the_digest_and_a_changed_file_makes_it_stale() {
    let dir = tempdir();
    let pkg = package(&dir, "pass");
    // The descriptor's other fields stay as written, in their order.
    fs::write(
        pkg.join("training-package.json"),
        "{\"id\": \"demo-01\", \"provider\": \"某职业技术学院\", \"end_date\": \"2099-06-30\"}\n",
    )
    .unwrap();
    let r = audit(
        &pkg,
        "approved",
        &[
            "--notes",
            "内容完整",
            "--note",
            &format!("{PDF}=请更新版本"),
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    let text = fs::read_to_string(pkg.join("training-package.json")).unwrap();
    let keys: Vec<String> = serde_json::from_str::<serde_json::Map<String, Value>>(&text)
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, ["id", "provider", "end_date", "audit"]);
    let d = descriptor(&pkg);
    let a = &d["audit"];
    assert_eq!(a["reviewer"], "张三");
    assert_eq!(a["result"], "approved");
    assert_eq!(a["date"], DATE);
    assert_eq!(a["file_notes"][PDF], "请更新版本");
    // The per-file list is every file of the package but the descriptor,
    // with the digests sha256sum gives.
    let files = a["files"].as_object().unwrap();
    let on_disk: Vec<String> = list_files(&pkg)
        .into_iter()
        .map(|(rel, _)| rel)
        .filter(|rel| rel != "training-package.json")
        .collect();
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), on_disk);
    assert_eq!(files[SRT], sha256sum(&pkg.join(SRT)).as_str());
    // The digest is of the sorted [path, sha256] pairs, as documented.
    let pairs: Vec<(&String, &Value)> = files.iter().collect();
    let expected = sha256_hex(&serde_json::to_vec(&pairs).unwrap());
    assert_eq!(a["content_sha256"], expected.as_str());

    assert_matches_schema("descriptor.schema.json", &d, "the audited descriptor");
    let (code, report) = check_json(&pkg, &[]);
    assert_eq!(code, 0);
    assert_eq!(report["package"]["audit_status"], "approved");
    assert_matches_schema("report.schema.json", &report, "a report with a review");
    assert!(findings(&report, "TP004").is_empty() && findings(&report, "TP005").is_empty());
    // The report carries the digest, not a second list of every file.
    assert!(
        report["package"]["descriptor"]["audit"]
            .get("files")
            .is_none()
    );
    assert_eq!(
        report["package"]["descriptor"]["provider"],
        "某职业技术学院"
    );

    // One byte of one file changes: the review no longer covers the content.
    let mut bytes = fs::read(pkg.join(SRT)).unwrap();
    bytes.extend_from_slice(b"\n");
    fs::write(pkg.join(SRT), bytes).unwrap();
    let (code, report) = check_json(&pkg, &[]);
    assert_eq!(code, 0, "a stale review is a warning by default");
    assert_eq!(report["package"]["audit_status"], "stale");
    assert_matches_schema(
        "report.schema.json",
        &report,
        "a report with a stale review",
    );
    let stale = only_finding(&report, "TP005");
    assert_eq!(stale["severity"], "warning");
    let en = stale["message_en"].as_str().unwrap();
    assert!(en.contains(&format!("changed: {SRT}")), "{en}");
    assert!(
        en.starts_with("1 file(s) differ from what 张三 (项目负责人) approved on 2024-07-01"),
        "{en}"
    );
    let zh = stale["message_zh"].as_str().unwrap();
    assert!(zh.contains(&format!("已修改：{SRT}")), "{zh}");

    // Added and removed files are named too.
    fs::write(pkg.join("模块3_案例分析/补充材料.txt"), "补充").unwrap();
    fs::remove_file(pkg.join(PDF)).unwrap();
    let (_, report) = check_json(&pkg, &[]);
    let en = only_finding(&report, "TP005")["message_en"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(en.starts_with("3 file(s) differ"), "{en}");
    assert!(en.contains("added: 模块3_案例分析/补充材料.txt"), "{en}");
    assert!(en.contains(&format!("removed: {PDF}")), "{en}");

    // The strict profile makes the stale review an error.
    let (code, report) = check_json(&pkg, &["--profile", "notice-2022-strict"]);
    assert_eq!(code, 1);
    assert_eq!(only_finding(&report, "TP005")["severity"], "error");

    // Reviewing again brings it up to date.
    assert_eq!(audit(&pkg, "approved", &[]).code, 0);
    let (code, report) = check_json(&pkg, &["--profile", "notice-2022-strict"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["package"]["audit_status"], "approved");
}

#[test]
fn many_changes_are_capped_with_a_count() {
    let dir = tempdir();
    let pkg = package(&dir, "pass");
    assert_eq!(audit(&pkg, "approved", &[]).code, 0);
    for i in 0..14 {
        fs::write(pkg.join(format!("模块1_基础知识/附件{i:02}.txt")), "x").unwrap();
    }
    let (_, report) = check_json(&pkg, &[]);
    let en = only_finding(&report, "TP005")["message_en"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(en.starts_with("14 file(s) differ"), "{en}");
    assert!(
        en.contains("附件09.txt") && !en.contains("附件10.txt"),
        "{en}"
    );
    assert!(en.ends_with("; and 4 more"), "{en}");
}

#[test]
fn the_review_holds_for_a_zip_made_of_the_audited_folder() {
    let dir = tempdir();
    let pkg = package(&dir, "pass");
    assert_eq!(audit(&pkg, "approved", &[]).code, 0);
    // `zip -r pass.zip pass/`: every entry under one top-level folder, plus
    // the junk a Mac adds; neither makes the review stale.
    let mut entries: Vec<(String, Vec<u8>)> = list_files(&pkg)
        .into_iter()
        .map(|(rel, path)| (format!("pass/{rel}"), fs::read(path).unwrap()))
        .collect();
    entries.push(("pass/.DS_Store".to_owned(), b"\0\0\0\x01Bud1".to_vec()));
    let borrowed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let zip = dir.path().join("pass.zip");
    zip_entries(&zip, &borrowed, zip::CompressionMethod::Deflated);
    let (code, report) = check_json(&zip, &["--profile", "notice-2022-strict"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["package"]["audit_status"], "approved");
}

#[test]
fn audit_then_pack_carries_the_review_into_the_bag_and_the_ticket() {
    let dir = tempdir();
    let pkg = package(&dir, "pass");
    assert_eq!(audit(&pkg, "approved", &[]).code, 0);
    let digest = descriptor(&pkg)["audit"]["content_sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = dir.path().join("out");
    let r = run(trainpack()
        .arg("pack")
        .arg(&pkg)
        .arg("-o")
        .arg(&out)
        .arg("-q"));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    let ticket = load_json(&out.join("pass.upload.json"));
    assert_matches_schema("upload-ticket.schema.json", &ticket, "pass.upload.json");
    assert_eq!(ticket["audit"]["reviewer"], "张三");
    assert_eq!(ticket["audit"]["status"], "approved");
    assert_eq!(ticket["audit"]["content_sha256"], digest.as_str());

    let bag = out.join("pass.zip");
    let items = read_zip(&bag);
    let info = items
        .iter()
        .find(|i| i.name == "pass/bag-info.txt")
        .expect("bag-info.txt in the bag");
    let info = String::from_utf8(info.bytes.clone()).unwrap();
    for line in [
        "Reviewed-By: 张三 (项目负责人)",
        "Review-Date: 2024-07-01",
        "Review-Result: approved",
        &format!("Review-Content-SHA256: {digest}"),
        "Trainpack-Audit-Status: approved",
        "Source-Organization: unknown (no provider in training-package.json)",
    ] {
        assert!(info.lines().any(|l| l == line), "{line:?} in:\n{info}");
    }
    if bagit_py_available() {
        let unpacked = dir.path().join("unpacked");
        unzip(&bag, &unpacked);
        bagit_py_validate(&unpacked.join("pass"), &[]).expect("bagit.py validates the bag");
    }

    // verify shows the review, in text and JSON.
    let r = run(trainpack().arg("verify").arg(&bag).args(["--lang", "zh"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("审核 Reviewed-By: 张三 (项目负责人)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("审核 Review-Result: approved"),
        "{}",
        r.stdout
    );
    let r = run(trainpack().arg("verify").arg(&bag).arg("--json"));
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        v["review"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["label"] == "Review-Date" && t["value"] == DATE),
        "{v:#}"
    );
}

#[test]
fn a_bag_of_a_package_changed_since_approval_says_stale() {
    let dir = tempdir();
    let pkg = package(&dir, "pass");
    assert_eq!(audit(&pkg, "approved", &[]).code, 0);
    fs::write(pkg.join(SRT), "1\n00:00:00,000 --> 00:00:01,000\n改\n").unwrap();
    let out = dir.path().join("out");
    let r = run(trainpack()
        .arg("pack")
        .arg(&pkg)
        .arg("-o")
        .arg(&out)
        .arg("-q"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        load_json(&out.join("pass.upload.json"))["audit"]["status"],
        "stale"
    );
}

#[test]
fn a_rejected_review_is_an_error_with_its_notes() {
    let dir = tempdir();
    let pkg = package(&dir, "pass");
    let r = audit(&pkg, "rejected", &["--notes", "模块3 缺少讲义"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (code, report) = check_json(&pkg, &[]);
    assert_eq!(code, 1, "a rejected package fails");
    assert_eq!(report["package"]["audit_status"], "rejected");
    assert_matches_schema("report.schema.json", &report, "a report with a rejection");
    let f = only_finding(&report, "TP006");
    assert_eq!(f["severity"], "error");
    assert_eq!(
        f["message_zh"],
        "张三（项目负责人）于 2024-07-01 审核不通过：模块3 缺少讲义"
    );
    let r = run(trainpack()
        .arg("check")
        .arg(&pkg)
        .args(["--lang", "en", "-q"]));
    assert!(
        r.stdout
            .contains("Audit: rejected by 张三 (项目负责人) on 2024-07-01"),
        "{}",
        r.stdout
    );
}

#[test]
fn approving_a_failing_package_is_refused_without_force() {
    let dir = tempdir();
    let pkg = package(&dir, "fail");
    let r = audit(&pkg, "approved", &["--lang", "en"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("the approval was not recorded"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("TP001"),
        "the report says why: {}",
        r.stdout
    );
    assert!(!pkg.join("training-package.json").exists());

    // Rejecting it needs no force.
    assert_eq!(audit(&pkg, "rejected", &[]).code, 0);
    assert_eq!(descriptor(&pkg)["audit"]["result"], "rejected");

    let r = audit(&pkg, "approved", &["--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(descriptor(&pkg)["audit"]["result"], "approved");
}

#[test]
fn a_zip_is_refused_with_what_to_do() {
    let dir = tempdir();
    let pkg = package(&dir, "pass");
    let zip = dir.path().join("pass.zip");
    zip_dir(&pkg, &zip, zip::CompressionMethod::Deflated);
    let before = fs::read(&zip).unwrap();
    let r = audit(&zip, "approved", &["--lang", "en"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("a zip package cannot be changed in place"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("trainpack audit FOLDER"), "{}", r.stderr);
    let r = audit(&zip, "approved", &["--lang", "zh"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("无法直接修改压缩包"), "{}", r.stderr);
    assert_eq!(fs::read(&zip).unwrap(), before);
}

#[test]
fn the_strict_profile_makes_a_missing_review_an_error() {
    let dir = tempdir();
    let pkg = package(&dir, "pass");
    let (code, report) = check_json(&pkg, &[]);
    assert_eq!(code, 0);
    assert_eq!(report["package"]["audit_status"], "missing");
    assert_eq!(only_finding(&report, "TP004")["severity"], "warning");

    let (code, report) = check_json(&pkg, &["--profile", "notice-2022-strict"]);
    assert_eq!(code, 1);
    assert_eq!(report["policy"]["profile"], "notice-2022-strict");
    assert_eq!(only_finding(&report, "TP004")["severity"], "error");

    // The missing review does not stop the review from being recorded.
    let r = audit(&pkg, "approved", &["--profile", "notice-2022-strict"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let (code, _) = check_json(&pkg, &["--profile", "notice-2022-strict"]);
    assert_eq!(code, 0);

    // A policy file can turn the rule off.
    let policy = dir.path().join("p.toml");
    fs::write(&policy, "[audit]\nmissing = \"off\"\n").unwrap();
    let other = package(&dir, "exactly-60");
    let (_, report) = check_json(&other, &["--policy", policy.to_str().unwrap()]);
    assert!(findings(&report, "TP004").is_empty());
}

#[test]
fn bad_requests_are_clear_errors() {
    let dir = tempdir();
    let pkg = package(&dir, "pass");
    let r = audit(&pkg, "approved", &["--note", "没有这个文件.pdf=x"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--note 没有这个文件.pdf"), "{}", r.stderr);
    let r = run(trainpack().arg("audit").arg(&pkg).args([
        "--reviewer",
        "张三",
        "--role",
        "x",
        "--result",
        "approved",
        "--date",
        "2024/07/01",
    ]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("YYYY-MM-DD"), "{}", r.stderr);
    // Without a terminal, every field must come from the flags.
    let r = run(trainpack()
        .arg("audit")
        .arg(&pkg)
        .args(["--role", "x", "--result", "approved", "--lang", "en"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--reviewer is required"), "{}", r.stderr);
    // A broken descriptor is refused, not replaced.
    fs::write(pkg.join("training-package.json"), "{\"provder\": 1}").unwrap();
    let r = audit(&pkg, "approved", &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("training-package.json"), "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(pkg.join("training-package.json")).unwrap(),
        "{\"provder\": 1}"
    );
}

#[test]
fn the_html_report_shows_who_approved() {
    let dir = tempdir();
    let pkg = package(&dir, "pass");
    assert_eq!(audit(&pkg, "approved", &[]).code, 0);
    let html = dir.path().join("r.html");
    let r = run(trainpack()
        .arg("check")
        .arg(&pkg)
        .arg("--html")
        .arg(&html)
        .args(["--lang", "zh", "-q"]));
    assert_eq!(r.code, 0);
    let page = fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<th>审核</th><td>张三（项目负责人）于 2024-07-01 审核通过"),
        "{page}"
    );
}

/// Runs `trainpack ARGS` on a pseudo-terminal (Python's `pty`), answering
/// each prompt (each ends with a full-width colon) with the next answer.
const PTY_DRIVER: &str = r#"
import os, pty, select, sys, time
args, answers = sys.argv[1:-1], sys.argv[-1].split("|")
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[0], args)
out, given, end = b"", 0, time.time() + 60
while time.time() < end:
    if select.select([fd], [], [], 0.5)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if given < len(answers) and out.decode("utf-8", "replace").count("\uff1a") > given:
            os.write(fd, (answers[given] + "\n").encode())
            given += 1
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;

#[test]
fn on_a_terminal_missing_fields_are_asked_for() {
    let dir = tempdir();
    let pkg = package(&dir, "pass");
    let out = std::process::Command::new("python3")
        .args(["-c", PTY_DRIVER])
        .arg(bin_path())
        .args(["audit"])
        .arg(&pkg)
        .args(["--lang", "zh", "--date", DATE, "-q"])
        .arg("李四|主任|approved")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("审核人：") && text.contains("职务："),
        "{text}"
    );
    let a = &descriptor(&pkg)["audit"];
    assert_eq!(
        (&a["reviewer"], &a["role"]),
        (&"李四".into(), &"主任".into())
    );
    assert_eq!(a["result"], "approved");
}

#[test]
fn a_descriptor_inside_the_single_course_folder_is_where_the_review_goes() {
    let dir = tempdir();
    let outer = dir.path().join("outer");
    fs::create_dir(&outer).unwrap();
    let course = copy_sample("pass", &outer.join("course"));
    fs::write(
        course.join("training-package.json"),
        "{\"id\": \"demo-02\"}\n",
    )
    .unwrap();
    let r = audit(
        &outer,
        "approved",
        &["--note", &format!("course/{PDF}=旧版")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!outer.join("training-package.json").exists());
    let a = &descriptor(&course)["audit"];
    assert_eq!(descriptor(&course)["id"], "demo-02");
    assert_eq!(
        a["file_notes"][PDF], "旧版",
        "paths are from the content root"
    );
    assert!(a["files"].get(SRT).is_some(), "{a:#}");
    let (_, report) = check_json(&outer, &[]);
    assert_eq!(report["package"]["audit_status"], "approved");
    fs::write(course.join(SRT), "changed").unwrap();
    let (_, report) = check_json(&outer, &[]);
    let en = only_finding(&report, "TP005")["message_en"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(en.contains(&format!("changed: {SRT}")), "{en}");
}
