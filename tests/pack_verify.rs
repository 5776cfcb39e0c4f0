//! `trainpack manifest`, `verify`, `pack` and `init`, and the upload
//! deadline, on real files only: the committed samples, copies of them in
//! temporary folders, and zips made from them. Bags are cross-checked with
//! bagit.py (the reference BagIt tool) and digests with coreutils' sha256sum.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::{Value, json};
use tempfile::TempDir;

const PASS_DESCRIPTOR_ID: &str = "demo-01";
const PROVIDER: &str = "某职业技术学院";
/// A text file of samples/pass: flipping a byte in it does not change how it
/// is classified.
const SRT: &str = "模块1_基础知识/第1课_导论.srt";
const PDF: &str = "模块2_法律法规/法律法规讲义.pdf";
const PPTX: &str = "模块1_基础知识/模块1_课件.pptx";
const MP4: &str = "模块3_案例分析/第5课_事故案例.mp4";

fn tempdir() -> TempDir {
    tempfile::Builder::new()
        .prefix("trainpack-pack-verify-")
        .tempdir()
        .unwrap()
}

/// Run `trainpack ARGS` with the deterministic test environment.
fn tp(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Run {
    let mut cmd = trainpack();
    for a in args {
        cmd.arg(a);
    }
    run(&mut cmd)
}

/// `trainpack manifest PACKAGE -o OUT -q`, which must exit 0; the manifest.
fn make_manifest(package: &Path, out: &Path) -> Value {
    let r = tp(&[&"manifest", &package, &"-o", &out, &"-q"]);
    assert_eq!(
        r.code,
        0,
        "trainpack manifest {}: stderr:\n{}",
        package.display(),
        r.stderr
    );
    load_json(out)
}

/// `trainpack verify PACKAGE --manifest M --json [extra]`: exit code and JSON.
fn verify_json(package: &Path, manifest: &Path, extra: &[&str]) -> (i32, Value) {
    let mut cmd = trainpack();
    cmd.arg("verify")
        .arg(package)
        .arg("--manifest")
        .arg(manifest)
        .arg("--json")
        .args(extra);
    let r = run(&mut cmd);
    let value: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "verify --json printed no JSON ({e}); exit {}\nstdout:\n{}\nstderr:\n{}",
            r.code, r.stdout, r.stderr
        )
    });
    (r.code, value)
}

/// The `changes` of a verify result.
fn changes(result: &Value) -> Vec<Value> {
    result["changes"]
        .as_array()
        .expect("changes[] is an array")
        .clone()
}

/// The manifest of samples/pass, made once per test in `dir`.
fn pass_manifest(dir: &Path) -> PathBuf {
    let path = dir.join("pass.manifest.json");
    make_manifest(&sample("pass"), &path);
    path
}

/// Flip every bit of one byte in the middle of a file, keeping its size.
fn flip_byte(path: &Path) {
    let mut bytes = fs::read(path).unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 0xff;
    fs::write(path, bytes).unwrap();
}

/// `trainpack pack PACKAGE -o OUT -q [extra]`.
fn pack(package: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut cmd = trainpack();
    cmd.arg("pack")
        .arg(package)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .args(extra);
    run(&mut cmd)
}

/// Pack, requiring exit 0.
fn pack_ok(package: &Path, out: &Path, extra: &[&str]) {
    let r = pack(package, out, extra);
    assert_eq!(
        r.code,
        0,
        "trainpack pack {}: stdout:\n{}\nstderr:\n{}",
        package.display(),
        r.stdout,
        r.stderr
    );
}

/// File names directly in a folder, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Payload file paths (below `<root>/data/`) of a bag zip.
fn payload_of(items: &[ZipItem], root: &str) -> Vec<String> {
    let prefix = format!("{root}/data/");
    items
        .iter()
        .filter(|i| !i.is_dir)
        .filter_map(|i| i.name.strip_prefix(&prefix).map(str::to_owned))
        .collect()
}

/// The one zip entry with this name.
fn entry<'a>(items: &'a [ZipItem], name: &str) -> &'a ZipItem {
    items
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("{name} is not in the zip"))
}

/// `bagit.py --validate BAG` exits 0.
fn assert_bagit_py_valid(bag: &Path) {
    if let Err(stderr) = bagit_py_validate(bag, &[]) {
        panic!("bagit.py --validate {} failed:\n{stderr}", bag.display());
    }
}

/// `trainpack verify BAG` (bag mode) exits 0.
fn assert_trainpack_bag_valid(bag: &Path) {
    let r = tp(&[&"verify", &bag, &"--json"]);
    assert_eq!(
        r.code,
        0,
        "trainpack verify {}:\n{}\n{}",
        bag.display(),
        r.stdout,
        r.stderr
    );
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["valid"], true, "{v:#}");
}

/// Write training-package.json into a package folder.
fn write_descriptor(folder: &Path, descriptor: &Value) {
    fs::write(
        folder.join("training-package.json"),
        serde_json::to_string_pretty(descriptor).unwrap(),
    )
    .unwrap();
}

// ---------------------------------------------------------------- schemas

#[test]
fn the_schemas_reject_what_the_program_never_writes() {
    let dir = tempdir();
    let m = make_manifest(&sample("pass"), &dir.path().join("m.json"));
    let reject = |name: &str, bad: Value, why: &str| {
        assert!(
            !schema_validator(name).is_valid(&bad),
            "schemas/{name} accepts {why}"
        );
    };
    let mut bad = m.clone();
    bad["files"][0]["sha256"] = json!("ABC");
    reject("manifest.schema.json", bad, "a bad digest");
    let mut bad = m.clone();
    bad["package"]["descriptor"] = json!({"provder": "typo"});
    reject("manifest.schema.json", bad, "a descriptor with a typo");
    let mut bad = m.clone();
    bad["package"]["source"] = json!("zip");
    reject(
        "manifest.schema.json",
        bad,
        "a zip source without archive_sha256",
    );
    let mut bad = m.clone();
    bad["manifest_version"] = json!(2);
    reject("manifest.schema.json", bad, "manifest_version 2");
    let mut bad = m;
    bad["surprise"] = json!(1);
    reject("manifest.schema.json", bad, "an unknown field");

    let out = dir.path().join("out");
    pack_ok(&sample("pass"), &out, &[]);
    let t = load_json(&out.join("pass.upload.json"));
    let mut bad = t.clone();
    bad["archive"] = json!("../x.zip");
    reject("upload-ticket.schema.json", bad, "an archive path");
    let mut bad = t.clone();
    bad["chunk_size"] = json!(0);
    reject("upload-ticket.schema.json", bad, "chunk_size 0");
    let mut bad = t;
    bad["chunks"][0]["extra"] = json!(true);
    reject("upload-ticket.schema.json", bad, "an unknown chunk field");
}

// ---------------------------------------------------------------- manifest

#[test]
fn manifest_of_a_folder_lists_every_file_with_its_sha256() {
    let dir = tempdir();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let m = make_manifest(&sample("pass"), &out.join("m.json"));
    assert_matches_schema("manifest.schema.json", &m, "manifest of samples/pass");
    assert_eq!(m["package"]["id"], "pass");
    assert_eq!(m["package"]["source"], "folder");
    assert!(m["package"].get("archive_sha256").is_none());

    let on_disk = list_files(&sample("pass"));
    let files = m["files"].as_array().unwrap();
    let listed: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let expected: Vec<&str> = on_disk.iter().map(|(rel, _)| rel.as_str()).collect();
    assert_eq!(listed, expected, "every file, sorted by path");
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
    for (f, (rel, path)) in files.iter().zip(&on_disk) {
        assert_eq!(f["sha256"], sha256sum(path), "{rel}: sha256");
        assert_eq!(
            f["size"],
            json!(fs::metadata(path).unwrap().len()),
            "{rel}: size"
        );
    }
    let s = &m["summary"];
    assert_eq!(s["files"], json!(on_disk.len()));
    assert_eq!(s["verdict"], "pass");
    assert_eq!(s["videos"], 5);
    assert_eq!(s["course_resources"], 7);
    assert_eq!(s["video_ratio"], "0.7142");
    assert_eq!(
        names_in(&out),
        ["m.json"],
        "no .partial temp file may remain"
    );
}

#[test]
fn manifest_twice_differs_only_in_created() {
    let dir = tempdir();
    let mut a = make_manifest(&sample("pass"), &dir.path().join("a.json"));
    let mut b = make_manifest(&sample("pass"), &dir.path().join("b.json"));
    for m in [&mut a, &mut b] {
        assert!(m["created"].is_string());
        m.as_object_mut().unwrap().remove("created");
    }
    assert_eq!(a, b);
    assert_eq!(names_in(dir.path()), ["a.json", "b.json"]);
}

#[test]
fn manifest_of_a_zip_records_the_zip_digest() {
    let dir = tempdir();
    let zip = dir.path().join("pass.zip");
    zip_dir(&sample("pass"), &zip, zip::CompressionMethod::Deflated);
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let m = make_manifest(&zip, &out.join("m.json"));
    assert_matches_schema("manifest.schema.json", &m, "manifest of pass.zip");
    assert_eq!(m["package"]["source"], "zip");
    assert_eq!(m["package"]["id"], "pass");
    assert_eq!(m["package"]["archive_sha256"], sha256sum(&zip));
    assert_eq!(
        m["package"]["archive_size"],
        json!(fs::metadata(&zip).unwrap().len())
    );
    // The files inside are the same bytes as the folder's; each also has
    // its zip directory record (for `verify --fast`), which a folder has not.
    let folder = make_manifest(&sample("pass"), &dir.path().join("folder.json"));
    let mut files = m["files"].clone();
    for f in files.as_array_mut().unwrap() {
        let zip = f
            .as_object_mut()
            .unwrap()
            .remove("zip")
            .expect("zip record");
        assert_eq!(zip["method"], 8, "{zip}");
    }
    assert_eq!(files, folder["files"]);
    assert_eq!(names_in(&out), ["m.json"]);
}

// ---------------------------------------------------------------- verify --manifest

#[test]
fn verify_an_unchanged_package() {
    let dir = tempdir();
    let manifest = pass_manifest(dir.path());
    for package in [
        sample("pass"),
        copy_sample("pass", &dir.path().join("copy")),
    ] {
        let (code, v) = verify_json(&package, &manifest, &[]);
        assert_eq!(code, 0, "{v:#}");
        assert_eq!(v["unchanged"], true);
        assert_eq!(changes(&v), Vec::<Value>::new());
        let (code, v) = verify_json(&package, &manifest, &["--fast"]);
        assert_eq!(code, 0, "--fast: {v:#}");
    }
    // The plain-text output says so too.
    let r = tp(&[&"verify", &sample("pass"), &"--manifest", &manifest]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("unchanged"), "{}", r.stdout);
}

#[test]
fn verify_reports_a_same_size_byte_flip_as_changed() {
    let dir = tempdir();
    let manifest = pass_manifest(dir.path());
    let copy = copy_sample("pass", &dir.path().join("copy"));
    let before = fs::metadata(copy.join(PDF)).unwrap().len();
    flip_byte(&copy.join(PDF));
    assert_eq!(fs::metadata(copy.join(PDF)).unwrap().len(), before);
    let (code, v) = verify_json(&copy, &manifest, &[]);
    assert_eq!(code, 1);
    assert_eq!(v["unchanged"], false);
    let c = changes(&v);
    assert_eq!(c.len(), 1, "{v:#}");
    assert_eq!(c[0]["change"], "changed");
    assert_eq!(c[0]["path"], PDF);
    assert_eq!(c[0]["old_size"], json!(before));
    assert_eq!(c[0]["new_size"], json!(before));
    assert_eq!(c[0]["new_sha256"], sha256sum(&copy.join(PDF)));
    assert_eq!(c[0]["old_sha256"], sha256sum(&sample("pass").join(PDF)));
}

#[test]
fn verify_reports_a_removed_file_as_missing() {
    let dir = tempdir();
    let manifest = pass_manifest(dir.path());
    let copy = copy_sample("pass", &dir.path().join("copy"));
    fs::remove_file(copy.join(MP4)).unwrap();
    let (code, v) = verify_json(&copy, &manifest, &[]);
    assert_eq!(code, 1);
    assert_eq!(changes(&v), [json!({"change": "missing", "path": MP4})]);
}

#[test]
fn verify_reports_an_added_file_as_extra() {
    let dir = tempdir();
    let manifest = pass_manifest(dir.path());
    let copy = copy_sample("pass", &dir.path().join("copy"));
    let added = "模块3_案例分析/补充说明.txt";
    fs::write(copy.join(added), "补充说明：新增的文件。\n").unwrap();
    let (code, v) = verify_json(&copy, &manifest, &[]);
    assert_eq!(code, 1);
    assert_eq!(changes(&v), [json!({"change": "extra", "path": added})]);
}

#[test]
fn verify_reports_a_renamed_file_as_renamed() {
    let dir = tempdir();
    let manifest = pass_manifest(dir.path());
    let copy = copy_sample("pass", &dir.path().join("copy"));
    let to = "模块3_案例分析/第5课_事故案例（修订）.mp4";
    fs::rename(copy.join(MP4), copy.join(to)).unwrap();
    let (code, v) = verify_json(&copy, &manifest, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        changes(&v),
        [json!({"change": "renamed", "from": MP4, "to": to})]
    );
}

#[test]
fn verify_reports_every_kind_of_change_in_one_run() {
    let dir = tempdir();
    let manifest = pass_manifest(dir.path());
    let copy = copy_sample("pass", &dir.path().join("copy"));
    flip_byte(&copy.join(PDF));
    fs::remove_file(copy.join(PPTX)).unwrap();
    let added = "新增.txt";
    fs::write(copy.join(added), "新增的文件\n").unwrap();
    let to = "模块3_案例分析/事故案例.mp4";
    fs::rename(copy.join(MP4), copy.join(to)).unwrap();

    let (code, v) = verify_json(&copy, &manifest, &[]);
    assert_eq!(code, 1);
    let c = changes(&v);
    assert_eq!(c.len(), 4, "{v:#}");
    let find = |kind: &str| -> Vec<&Value> { c.iter().filter(|x| x["change"] == kind).collect() };
    let changed = find("changed");
    assert_eq!(changed.len(), 1, "{v:#}");
    assert_eq!(changed[0]["path"], PDF);
    assert_eq!(
        find("missing"),
        [&json!({"change": "missing", "path": PPTX})]
    );
    assert_eq!(find("extra"), [&json!({"change": "extra", "path": added})]);
    assert_eq!(
        find("renamed"),
        [&json!({"change": "renamed", "from": MP4, "to": to})]
    );

    // The text output lists all four as well.
    let r = tp(&[&"verify", &copy, &"--manifest", &manifest]);
    assert_eq!(r.code, 1);
    for needle in [PDF, PPTX, added, to] {
        assert!(r.stdout.contains(needle), "{needle} in:\n{}", r.stdout);
    }
    assert!(r.stdout.contains("4 change(s)"), "{}", r.stdout);
}

#[test]
fn verify_fast_sees_sizes_and_presence_but_not_same_size_edits() {
    let dir = tempdir();
    let manifest = pass_manifest(dir.path());
    let copy = copy_sample("pass", &dir.path().join("copy"));
    // Same size, different bytes: --fast cannot see it (documented).
    flip_byte(&copy.join(PDF));
    // Removed.
    fs::remove_file(copy.join(PPTX)).unwrap();
    // One byte longer.
    let mut srt = fs::read(copy.join(SRT)).unwrap();
    let old_size = srt.len();
    srt.push(b'\n');
    fs::write(copy.join(SRT), &srt).unwrap();

    let (code, v) = verify_json(&copy, &manifest, &["--fast"]);
    assert_eq!(code, 1);
    assert_eq!(v["fast"], true);
    let c = changes(&v);
    assert_eq!(c.len(), 2, "{v:#}");
    assert!(
        c.contains(&json!({"change": "missing", "path": PPTX})),
        "{v:#}"
    );
    assert!(
        c.contains(&json!({"change": "changed", "path": SRT, "old_size": old_size, "new_size": old_size + 1})),
        "{v:#}"
    );
    assert!(
        !c.iter().any(|x| x["path"] == PDF),
        "--fast compares sizes only, so a same-size edit goes unseen: {v:#}"
    );

    // The full verify sees all three.
    let (_, v) = verify_json(&copy, &manifest, &[]);
    assert_eq!(changes(&v).len(), 3, "{v:#}");
}

#[test]
fn verify_with_a_manifest_that_does_not_exist_exits_2() {
    let dir = tempdir();
    let missing = dir.path().join("no-such.manifest.json");
    let r = tp(&[&"verify", &sample("pass"), &"--manifest", &missing]);
    assert_eq!(r.code, 2, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("no-such.manifest.json"),
        "the message names the manifest: {}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

// ---------------------------------------------------------------- pack

#[test]
fn pack_writes_a_bag_zip_and_an_upload_ticket() {
    let dir = tempdir();
    let out = dir.path().join("out");
    pack_ok(&sample("pass"), &out, &[]);
    assert_eq!(names_in(&out), ["pass.upload.json", "pass.zip"]);

    let zip = out.join("pass.zip");
    let items = read_zip(&zip);
    // Exactly one top-level folder, `pass/`.
    let tops: std::collections::BTreeSet<&str> = items
        .iter()
        .map(|i| i.name.split('/').next().unwrap())
        .collect();
    assert_eq!(tops.into_iter().collect::<Vec<_>>(), ["pass"]);
    assert!(items.iter().all(|i| i.name.starts_with("pass/")));
    for tag in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
        "trainpack-manifest.json",
    ] {
        entry(&items, &format!("pass/{tag}"));
    }
    // A fixed order that does not depend on the file system: bagit.txt,
    // the payload sorted by name, then the tag files that need the verdict.
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    let data: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with("pass/data/"))
        .collect();
    let mut sorted = data.clone();
    sorted.sort();
    assert_eq!(data, sorted);
    let mut expected_order = vec!["pass/bagit.txt"];
    expected_order.extend(&data);
    expected_order.extend([
        "pass/bag-info.txt",
        "pass/manifest-sha256.txt",
        "pass/trainpack-manifest.json",
        "pass/tagmanifest-sha256.txt",
    ]);
    assert_eq!(names, expected_order);

    // The payload is the package, byte for byte.
    let on_disk = list_files(&sample("pass"));
    let expected: Vec<&str> = on_disk.iter().map(|(rel, _)| rel.as_str()).collect();
    assert_eq!(payload_of(&items, "pass"), expected);
    for (rel, path) in &on_disk {
        assert_eq!(
            entry(&items, &format!("pass/data/{rel}")).bytes,
            fs::read(path).unwrap(),
            "{rel}"
        );
    }

    // Videos and other media deflate cannot shrink (PDF, Office files) are
    // stored; subtitles and tag files deflated. Every timestamp 1980-01-01 00:00:00.
    for item in &items {
        let stored = [".mp4", ".pdf", ".pptx"];
        let want = if stored.iter().any(|ext| item.name.ends_with(ext)) {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        assert_eq!(item.method, want, "{}", item.name);
        assert_eq!(
            item.modified,
            Some((1980, 1, 1, 0, 0, 0)),
            "{}: timestamp",
            item.name
        );
    }

    // The embedded manifest matches the schema and the ticket's digest.
    let manifest = &entry(&items, "pass/trainpack-manifest.json").bytes;
    let manifest_json: Value = serde_json::from_slice(manifest).unwrap();
    assert_matches_schema(
        "manifest.schema.json",
        &manifest_json,
        "pass/trainpack-manifest.json",
    );
    let ticket = load_json(&out.join("pass.upload.json"));
    assert_matches_schema("upload-ticket.schema.json", &ticket, "pass.upload.json");
    assert_eq!(ticket["package_id"], "pass");
    assert_eq!(ticket["archive"], "pass.zip");
    assert_eq!(ticket["verdict"], "pass");
    assert_eq!(ticket["upload_deadline"], Value::Null);
    assert_eq!(ticket["size"], json!(fs::metadata(&zip).unwrap().len()));
    assert_eq!(ticket["sha256"], sha256sum(&zip));
    assert_eq!(ticket["manifest_sha256"], sha256_hex(manifest));
}

#[test]
fn pack_is_reproducible() {
    let dir = tempdir();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    pack_ok(&sample("pass"), &a, &[]);
    pack_ok(&sample("pass"), &b, &[]);
    assert_eq!(
        sha256sum(&a.join("pass.zip")),
        sha256sum(&b.join("pass.zip"))
    );
    assert_eq!(
        fs::read(a.join("pass.upload.json")).unwrap(),
        fs::read(b.join("pass.upload.json")).unwrap()
    );
    // A zip of the same files packs to the same bag bytes, apart from the
    // manifest's source fields, so only check it is reproducible in itself.
    let zip = dir.path().join("pass.zip");
    zip_dir(&sample("pass"), &zip, zip::CompressionMethod::Deflated);
    let (c, d) = (dir.path().join("c"), dir.path().join("d"));
    pack_ok(&zip, &c, &[]);
    pack_ok(&zip, &d, &[]);
    assert_eq!(
        sha256sum(&c.join("pass.zip")),
        sha256sum(&d.join("pass.zip"))
    );
}

#[test]
fn the_packed_bag_is_valid_for_bagit_py_and_for_trainpack() {
    let dir = tempdir();
    let out = dir.path().join("out");
    pack_ok(&sample("pass"), &out, &[]);
    let zip = out.join("pass.zip");
    assert_trainpack_bag_valid(&zip);
    let r = tp(&[&"verify", &zip, &"--fast"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    let unzipped = dir.path().join("unzipped");
    unzip(&zip, &unzipped);
    let bag = unzipped.join("pass");
    assert!(bag.join("bagit.txt").is_file());
    assert_trainpack_bag_valid(&bag);
    let r = tp(&[&"verify", &bag, &"--json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["payload_files"], 12);
    assert_eq!(v["algorithms"], json!(["sha256"]));

    if bagit_py_available() {
        assert_bagit_py_valid(&bag);
    }
}

/// A payload name with `%` (common: "完成率100%") gives a bag that
/// bagit.py validates: the manifest leaves a `%` that bagit.py would not
/// decode as it is (it used to write `%25`, which bagit.py reads
/// literally). So do names holding `%25` or a lower-case `%0a`; only an
/// upper-case `%0A`/`%0D` is escaped, and trainpack reads all of them back.
#[test]
fn a_percent_sign_in_a_name_packs_to_a_bag_bagit_py_accepts() {
    let dir = tempdir();
    let package = dir.path().join("pct");
    copy_sample("pass", &package);
    let lesson = package.join("模块1_基础知识");
    // Pack (--force: the added text files lower the video share below
    // 60%), unzip, check the bag with trainpack and bagit.py; the manifest.
    let pack_and_validate = |tag: &str| {
        let out = dir.path().join(format!("out-{tag}"));
        let r = pack(&package, &out, &["--force"]);
        assert!(r.code <= 1, "{}{}", r.stdout, r.stderr);
        let unzipped = dir.path().join(format!("unzipped-{tag}"));
        unzip(&out.join("pct.zip"), &unzipped);
        let bag = unzipped.join("pct");
        assert_trainpack_bag_valid(&bag);
        if bagit_py_available() {
            assert_bagit_py_valid(&bag);
        }
        fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap()
    };

    fs::write(lesson.join("完成率100%.txt"), "97%\n").unwrap();
    let manifest = pack_and_validate("plain");
    assert!(
        manifest.contains("  data/模块1_基础知识/完成率100%.txt\n"),
        "{manifest}"
    );

    // Names an RFC reader would decode, but bagit.py reads literally.
    for name in ["a%25b.txt", "c%0ad.txt"] {
        fs::write(lesson.join(name), "x\n").unwrap();
    }
    let manifest = pack_and_validate("escapes");
    assert!(
        manifest.contains("/a%25b.txt\n") && manifest.contains("/c%0ad.txt\n"),
        "{manifest}"
    );

    // An upper-case %0A would read as a line break in bagit.py: escaped,
    // and read back by trainpack (bagit.py cannot read it either way).
    fs::write(lesson.join("e%0Af.txt"), "x\n").unwrap();
    let out = dir.path().join("out-upper");
    let r = pack(&package, &out, &["--force"]);
    assert!(r.code <= 1, "{}{}", r.stdout, r.stderr);
    assert_trainpack_bag_valid(&out.join("pct.zip"));
}

/// pack deflates an uncompressed WAV; 16 MiB of silence deflates at about
/// 1030:1, which the old ratio limit (1000:1) took for a bomb when the bag
/// was verified: `verify` rejected a bag `pack` had just written.
#[test]
fn a_bag_with_silence_deflated_past_1000_to_1_verifies() {
    let dir = tempdir();
    let package = dir.path().join("quiet");
    copy_sample("pass", &package);
    let samples = 16u32 << 20;
    let mut wav = b"RIFF".to_vec();
    wav.extend_from_slice(&(36 + samples).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    for field in [
        16u32.to_le_bytes(),
        [1, 0, 1, 0],
        44100u32.to_le_bytes(),
        88200u32.to_le_bytes(),
        [2, 0, 16, 0],
    ] {
        wav.extend_from_slice(&field);
    }
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&samples.to_le_bytes());
    wav.resize(wav.len() + samples as usize, 0);
    fs::write(package.join("模块1_基础知识/静音.wav"), &wav).unwrap();
    let out = dir.path().join("out");
    let r = pack(&package, &out, &["--force"]);
    assert!(r.code <= 1, "{}{}", r.stdout, r.stderr);
    assert_trainpack_bag_valid(&out.join("quiet.zip"));
}

#[test]
fn trainpack_accepts_a_bag_made_by_bagit_py() {
    if !bagit_py_available() {
        return;
    }
    let dir = tempdir();
    let bag = copy_sample("pass", &dir.path().join("bag"));
    make_bag_with_bagit_py(&bag, &["--sha256"], PROVIDER);
    assert!(bag.join("manifest-sha256.txt").is_file());
    assert_trainpack_bag_valid(&bag);
    let r = tp(&[&"verify", &bag, &"--fast"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    // And zipped under one top-level folder, as people send bags.
    let zip = dir.path().join("bag.zip");
    let mut entries: Vec<(String, Vec<u8>)> = list_files(&bag)
        .into_iter()
        .map(|(rel, path)| (format!("bag/{rel}"), fs::read(path).unwrap()))
        .collect();
    entries.sort();
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip_entries(&zip, &refs, zip::CompressionMethod::Deflated);
    assert_trainpack_bag_valid(&zip);

    // A damaged payload file makes it invalid for both tools.
    flip_byte(&bag.join("data").join(PDF));
    let r = tp(&[&"verify", &bag]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(bagit_py_validate(&bag, &[]).is_err());
}

#[test]
fn pack_leaves_junk_out_of_the_payload() {
    let dir = tempdir();
    let copy = copy_sample("junk", &dir.path().join("junk"));
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();

    // junk fails the policy: without --force nothing is written.
    let r = pack(&copy, &out, &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        names_in(&out).is_empty(),
        "refused pack wrote {:?}",
        names_in(&out)
    );

    // With --force the bag is written (the verdict, fail, is still the exit code).
    let r = pack(&copy, &out, &["--force"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(names_in(&out), ["junk.upload.json", "junk.zip"]);
    let items = read_zip(&out.join("junk.zip"));
    let payload = payload_of(&items, "junk");
    for junk in [".DS_Store", "__MACOSX/._第1课.mp4"] {
        assert!(!payload.iter().any(|p| p == junk), "{junk} in {payload:?}");
    }
    assert!(!payload.iter().any(|p| p.contains("__MACOSX")));
    assert!(!payload.iter().any(|p| p.ends_with(".DS_Store")));

    // The payload is exactly the files the check did not call junk.
    let (_, report) = check_json(&copy, &[]);
    let kept: Vec<String> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] != "junk")
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(payload, kept);
    for p in ["模块1_基础知识/讲座录像.mp4", "模块2_法律法规/音频讲解.mp4"] {
        assert!(payload.iter().any(|x| x == p), "{p} is not junk");
    }
    let ticket = load_json(&out.join("junk.upload.json"));
    assert_matches_schema("upload-ticket.schema.json", &ticket, "junk.upload.json");
    assert_eq!(ticket["verdict"], "fail");
    assert_trainpack_bag_valid(&out.join("junk.zip"));
    if bagit_py_available() {
        let unzipped = dir.path().join("unzipped");
        unzip(&out.join("junk.zip"), &unzipped);
        assert_bagit_py_valid(&unzipped.join("junk"));
    }
}

#[test]
fn the_upload_ticket_chunks_are_slices_of_the_zip() {
    let dir = tempdir();
    let out = dir.path().join("out");
    pack_ok(&sample("pass"), &out, &["--chunk-size", "10000"]);
    let zip = out.join("pass.zip");
    let bytes = fs::read(&zip).unwrap();
    let ticket = load_json(&out.join("pass.upload.json"));
    assert_matches_schema("upload-ticket.schema.json", &ticket, "pass.upload.json");
    assert_eq!(ticket["chunk_size"], 10000);
    assert_eq!(ticket["size"], json!(bytes.len()));
    assert_eq!(ticket["sha256"], sha256sum(&zip));

    let chunks = ticket["chunks"].as_array().unwrap();
    let expected: Vec<&[u8]> = bytes.chunks(10000).collect();
    assert!(expected.len() > 1, "the bag is larger than one chunk");
    assert_eq!(chunks.len(), expected.len());
    let mut offset = 0usize;
    for (i, (chunk, slice)) in chunks.iter().zip(&expected).enumerate() {
        assert_eq!(chunk["index"], json!(i));
        assert_eq!(chunk["offset"], json!(offset), "chunk {i}");
        assert_eq!(chunk["size"], json!(slice.len()), "chunk {i}");
        assert_eq!(chunk["sha256"], sha256_hex(slice), "chunk {i}");
        offset += slice.len();
    }
    let total: u64 = chunks.iter().map(|c| c["size"].as_u64().unwrap()).sum();
    assert_eq!(total, bytes.len() as u64);

    // The manifest digest is that of the tag file inside the zip.
    let items = read_zip(&zip);
    assert_eq!(
        ticket["manifest_sha256"],
        sha256_hex(&entry(&items, "pass/trainpack-manifest.json").bytes)
    );
}

#[test]
fn pack_with_a_descriptor_names_the_bag_and_fills_bag_info() {
    let dir = tempdir();
    let copy = copy_sample("pass", &dir.path().join("课程包"));
    write_descriptor(
        &copy,
        &json!({
            "id": PASS_DESCRIPTOR_ID,
            "title": "企业安全生产培训",
            "provider": PROVIDER,
            "end_date": "2024-06-30",
        }),
    );
    let out = dir.path().join("out");
    let mut cmd = trainpack();
    cmd.env("TRAINPACK_TODAY", "2024-07-01")
        .arg("pack")
        .arg(&copy)
        .arg("-o")
        .arg(&out)
        .arg("-q");
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(names_in(&out), ["demo-01.upload.json", "demo-01.zip"]);

    let zip = out.join("demo-01.zip");
    let items = read_zip(&zip);
    assert!(items.iter().all(|i| i.name.starts_with("demo-01/")));
    let info = String::from_utf8(entry(&items, "demo-01/bag-info.txt").bytes.clone()).unwrap();
    let lines: Vec<&str> = info.lines().collect();
    assert!(
        lines.contains(&"Source-Organization: 某职业技术学院"),
        "{info}"
    );
    assert!(lines.contains(&"External-Identifier: demo-01"), "{info}");
    assert!(
        lines.contains(&"Trainpack-Upload-Deadline: 2024-07-30"),
        "{info}"
    );
    let prefix = "demo-01/data/";
    let payload: Vec<&ZipItem> = items
        .iter()
        .filter(|i| !i.is_dir && i.name.starts_with(prefix))
        .collect();
    let bytes: usize = payload.iter().map(|i| i.bytes.len()).sum();
    let oxum = format!("Payload-Oxum: {bytes}.{}", payload.len());
    assert!(lines.contains(&oxum.as_str()), "want {oxum} in:\n{info}");

    let ticket = load_json(&out.join("demo-01.upload.json"));
    assert_matches_schema("upload-ticket.schema.json", &ticket, "demo-01.upload.json");
    assert_eq!(ticket["package_id"], PASS_DESCRIPTOR_ID);
    assert_eq!(ticket["archive"], "demo-01.zip");
    assert_eq!(ticket["upload_deadline"], "2024-07-30");

    let manifest: Value =
        serde_json::from_slice(&entry(&items, "demo-01/trainpack-manifest.json").bytes).unwrap();
    assert_matches_schema(
        "manifest.schema.json",
        &manifest,
        "demo-01/trainpack-manifest.json",
    );
    assert_eq!(manifest["package"]["descriptor"]["provider"], PROVIDER);
    assert_eq!(manifest["package"]["upload_deadline"], "2024-07-30");

    assert_trainpack_bag_valid(&zip);
    if bagit_py_available() {
        let unzipped = dir.path().join("unzipped");
        unzip(&zip, &unzipped);
        assert_bagit_py_valid(&unzipped.join("demo-01"));
    }
}

// ---------------------------------------------------------------- init

#[test]
fn init_writes_a_descriptor_once() {
    let dir = tempdir();
    let copy = copy_sample("pass", &dir.path().join("安全培训包"));
    let r = tp(&[&"init", &copy]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let target = copy.join("training-package.json");
    let written = fs::read(&target).unwrap();
    let d: Value = serde_json::from_slice(&written).unwrap();
    assert_eq!(d["id"], "安全培训包");

    let r = tp(&[&"init", &copy]);
    assert_eq!(r.code, 2, "a second init without --force");
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(fs::read(&target).unwrap(), written, "file left unchanged");

    fs::write(&target, "{}").unwrap();
    let r = tp(&[&"init", &copy, &"--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fs::read(&target).unwrap(), written);
    assert!(
        names_in(&copy).iter().all(|n| !n.ends_with(".partial")),
        "{:?}",
        names_in(&copy)
    );
}

#[test]
fn init_refuses_a_zip() {
    let dir = tempdir();
    let zip = dir.path().join("pass.zip");
    zip_dir(&sample("pass"), &zip, zip::CompressionMethod::Deflated);
    let before = sha256sum(&zip);
    let r = tp(&[&"init", &zip]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a folder"), "{}", r.stderr);
    assert_eq!(sha256sum(&zip), before);
    assert_eq!(names_in(dir.path()), ["pass.zip"]);
}

// ---------------------------------------------------------------- deadline

/// `trainpack check` of a copy of samples/pass with this end date, on this day.
fn check_on(dir: &Path, end_date: &str, today: &str) -> (i32, Value) {
    let copy = dir.join(format!("pass-{end_date}-{today}"));
    copy_sample("pass", &copy);
    write_descriptor(
        &copy,
        &json!({"id": "p1", "provider": PROVIDER, "end_date": end_date}),
    );
    let mut cmd = trainpack();
    cmd.env("TRAINPACK_TODAY", today);
    check_json_with(&mut cmd, &copy, &[])
}

#[test]
fn the_deadline_warns_three_days_before() {
    let dir = tempdir();
    // End 2024-06-30 → deadline 2024-07-30; today is 3 days before it.
    let (code, report) = check_on(dir.path(), "2024-06-30", "2024-07-27");
    assert_eq!(code, 0, "a warning does not fail: {report:#}");
    assert_eq!(report["package"]["upload_deadline"], "2024-07-30");
    let soon = findings(&report, "TP040");
    assert_eq!(soon.len(), 1, "{report:#}");
    assert_eq!(soon[0]["severity"], "warning");
    assert!(findings(&report, "TP041").is_empty());
}

#[test]
fn the_deadline_fails_one_day_after() {
    let dir = tempdir();
    let (code, report) = check_on(dir.path(), "2024-06-30", "2024-07-31");
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verdict"], "fail");
    let missed = findings(&report, "TP041");
    assert_eq!(missed.len(), 1, "{report:#}");
    assert_eq!(missed[0]["severity"], "error");
    assert!(findings(&report, "TP040").is_empty());
}

#[test]
fn the_deadline_is_one_calendar_month_later_clamped() {
    let dir = tempdir();
    let (code, report) = check_on(dir.path(), "2024-01-31", "2024-01-31");
    assert_eq!(report["package"]["upload_deadline"], "2024-02-29");
    assert_eq!(code, 0, "{report:#}");
    assert!(findings(&report, "TP040").is_empty());
    assert!(findings(&report, "TP041").is_empty());
}

#[test]
fn the_bag_date_is_the_newest_file_even_under_a_name_changed_to_nfc() {
    // The newest file is spelled decomposed (as macOS writes names): the
    // date must come from the file as the OS names it, not its NFC path.
    let dir = tempdir();
    let pkg = copy_sample("pass", &dir.path().join("pkg"));
    let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_577_836_800); // 2020-01-01
    for (_, path) in list_files(&pkg) {
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let newest = pkg.join("资料e\u{301}.txt"); // "é" as e + combining acute
    fs::write(&newest, b"notes").unwrap();
    let june = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_717_200_000); // 2024-06-01
    fs::File::options()
        .write(true)
        .open(&newest)
        .unwrap()
        .set_modified(june)
        .unwrap();

    let out = dir.path().join("out");
    let mut cmd = trainpack();
    cmd.env_remove("SOURCE_DATE_EPOCH")
        .args(["pack", "-q", "--force", "-o"])
        .arg(&out)
        .arg(&pkg);
    let r = run(&mut cmd);
    assert!(r.code <= 1, "{}{}", r.stdout, r.stderr);
    let items = read_zip(&out.join("pkg.zip"));
    let info = String::from_utf8(entry(&items, "pkg/bag-info.txt").bytes.clone()).unwrap();
    assert!(info.contains("Bagging-Date: 2024-06-01"), "{info}");
}

/// Entries `check` refuses (`../../evil.sh`, `C:/x.exe`) are never read, so
/// the listed files still match: verify must still see that the zip is not
/// the one the manifest recorded, and name the hazards.
#[test]
fn verify_reports_unsafe_entries_added_to_a_zip() {
    let dir = tempdir();
    let zip = dir.path().join("pass.zip");
    zip_dir(&sample("pass"), &zip, zip::CompressionMethod::Deflated);
    let manifest = dir.path().join("m.json");
    let m = make_manifest(&zip, &manifest);
    assert!(m["package"]["archive_sha256"].is_string(), "{m:#}");
    let (code, v) = verify_json(&zip, &manifest, &[]);
    assert_eq!(code, 0, "{v:#}");

    let appended = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, zipfile\n\
             with zipfile.ZipFile(sys.argv[1], 'a') as z:\n\
             \x20   z.writestr(zipfile.ZipInfo('../../evil.sh'), b'#!/bin/sh\\nrm -rf ~\\n')\n\
             \x20   z.writestr(zipfile.ZipInfo('C:/x.exe'), b'MZ')\n",
        )
        .arg(&zip)
        .status()
        .unwrap();
    assert!(appended.success());
    for extra in [&[][..], &["--fast"][..]] {
        let (code, v) = verify_json(&zip, &manifest, extra);
        assert_eq!(code, 1, "{extra:?}: {v:#}");
        assert_eq!(v["unchanged"], false);
        let all = changes(&v);
        let kinds: Vec<&str> = all.iter().map(|c| c["change"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"archive"), "{extra:?}: {v:#}");
        let hazards: Vec<(&str, &str)> = all
            .iter()
            .filter(|c| c["change"] == "hazard")
            .map(|c| (c["code"].as_str().unwrap(), c["path"].as_str().unwrap()))
            .collect();
        assert!(hazards.contains(&("TP030", "../../evil.sh")), "{v:#}");
        assert!(
            hazards
                .iter()
                .any(|(code, p)| *code == "TP030" && p.contains("x.exe")),
            "{v:#}"
        );
    }
}

/// A link, a FIFO and a file too deep for the limits are hazards `check`
/// reports; verify of a folder reports them as changes too.
#[cfg(unix)]
#[test]
fn verify_reports_links_fifos_and_deep_files_in_a_folder() {
    let dir = tempdir();
    let copy = copy_sample("pass", &dir.path().join("copy"));
    let manifest = dir.path().join("m.json");
    make_manifest(&copy, &manifest);
    std::os::unix::fs::symlink("/etc/passwd", copy.join("模块1_基础知识/link.pdf")).unwrap();
    let fifo = copy.join("模块1_基础知识/pipe.mp4");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut deep = copy.clone();
    for i in 0..71 {
        deep.push(format!("d{i}"));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("x.txt"), b"deep").unwrap();

    let (code, v) = verify_json(&copy, &manifest, &[]);
    assert_eq!(code, 1, "{v:#}");
    let all = changes(&v);
    let codes: Vec<&str> = all
        .iter()
        .filter(|c| c["change"] == "hazard")
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    for code in ["TP032", "TP034", "TP084"] {
        assert!(codes.contains(&code), "{code} missing: {v:#}");
    }
}

/// Every path verify prints has its control characters escaped.
#[test]
fn verify_escapes_control_characters_in_paths() {
    let dir = tempdir();
    let copy = copy_sample("pass", &dir.path().join("copy"));
    let manifest = dir.path().join("m.json");
    make_manifest(&copy, &manifest);
    fs::write(copy.join("fake\x1b[2Kunchanged\rline.txt"), b"x").unwrap();
    let r = tp(&[&"verify", &copy, &"--manifest", &manifest, &"--lang", &"en"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(!r.stdout.contains('\x1b'), "{:?}", r.stdout);
    assert!(!r.stdout.contains('\r'), "{:?}", r.stdout);
    assert!(r.stdout.contains("extra"), "{}", r.stdout);
}

/// A file edited in place while `pack` runs, its modification time put back
/// after every write (as `cp -p` or `rsync -t` would), must never give a
/// bag whose manifest disagrees with its payload. Either the change is
/// caught (TP092, no bag written, even with --force) or the bag holds the
/// very bytes it lists. The old pack copied files older than its check
/// without hashing them again, and shipped an invalid bag.
#[test]
fn a_file_edited_during_pack_never_gives_a_bag_that_disagrees_with_itself() {
    use std::io::{Seek, SeekFrom, Write};
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = tempdir();
    let package = copy_sample("pass", &dir.path().join("pkg"));
    // Big enough that the read takes a while: the edits land during it.
    let big = package.join("模块2_法律法规/附录数据.bin");
    let mut bytes = vec![0u8; 96 << 20];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    fs::write(&big, &bytes).unwrap();
    drop(bytes);
    let mtime = fs::metadata(&big).unwrap().modified().unwrap();

    let mut caught = 0;
    let mut packed = 0;
    for round in 0..3 {
        let out = dir.path().join(format!("out{round}"));
        let stop = AtomicBool::new(false);
        let r = std::thread::scope(|scope| {
            scope.spawn(|| {
                let mut flip = 0u8;
                while !stop.load(Ordering::Relaxed) {
                    let mut f = fs::OpenOptions::new().write(true).open(&big).unwrap();
                    f.seek(SeekFrom::Start(50 << 20)).unwrap();
                    f.write_all(&[flip; 4096]).unwrap();
                    f.set_modified(mtime).unwrap();
                    flip = flip.wrapping_add(1);
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
            });
            let r = pack(&package, &out, &["--force"]);
            stop.store(true, Ordering::Relaxed);
            r
        });
        let zip = out.join("pass.zip");
        match r.code {
            0 => {
                packed += 1;
                assert_trainpack_bag_valid(&zip);
                let unzipped = dir.path().join(format!("unzipped{round}"));
                unzip(&zip, &unzipped);
                if bagit_py_available() {
                    assert_bagit_py_valid(&unzipped.join("pass"));
                }
            }
            // --force packs a failing package, but never one that changed
            // under it: that is a job it could not do.
            2 => {
                caught += 1;
                assert!(
                    r.stderr.contains("TP092") && r.stderr.contains("附录数据.bin"),
                    "exit 2 must name TP092 and the file:\n{}{}",
                    r.stdout,
                    r.stderr
                );
                let left: Vec<String> = if out.exists() { names_in(&out) } else { vec![] };
                assert!(left.is_empty(), "a refused pack left {left:?}");
            }
            code => panic!("exit {code}:\n{}{}", r.stdout, r.stderr),
        }
    }
    eprintln!("edited during pack: {caught} caught, {packed} packed consistently");
}

/// `verify BAG --ticket` checks the bag and its upload ticket as a pair,
/// and a new pack of a changed package replaces both.
#[test]
fn verify_checks_a_bag_against_its_upload_ticket() {
    let dir = tempdir();
    let package = copy_sample("pass", &dir.path().join("pass"));
    let out = dir.path().join("out");
    pack_ok(&package, &out, &[]);
    let zip = out.join("pass.zip");
    let ticket = out.join("pass.upload.json");
    let r = tp(&[&"verify", &zip, &"--ticket", &ticket, &"--lang", &"en"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("matches the bag"), "{}", r.stdout);
    let old_ticket = dir.path().join("old.upload.json");
    fs::copy(&ticket, &old_ticket).unwrap();

    // Pack again after an edit: zip and ticket are replaced together.
    fs::write(
        package.join(SRT),
        "1\n00:00:00,000 --> 00:00:01,000\n改过的字幕\n",
    )
    .unwrap();
    pack_ok(&package, &out, &[]);
    let r = tp(&[&"verify", &zip, &"--ticket", &ticket, &"--json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["ticket"]["matches"], true, "{v}");

    // The previous run's ticket no longer describes this zip.
    let r = tp(&[&"verify", &zip, &"--ticket", &old_ticket, &"--json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["valid"], true, "the bag itself is fine: {v}");
    assert_eq!(v["ticket"]["matches"], false, "{v}");
    let problems = v["ticket"]["problems"].to_string();
    assert!(problems.contains("SHA-256"), "{problems}");
    let r = tp(&[&"verify", &zip, &"--ticket", &old_ticket, &"--lang", &"zh"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("与包不一致"), "{}", r.stdout);

    // Not a ticket at all: exit 2 naming the file.
    let r = tp(&[&"verify", &zip, &"--ticket", &package.join(SRT)]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("not an upload ticket"), "{}", r.stderr);
}

/// Hidden partial outputs in a folder, sorted.
fn partials_in(dir: &Path) -> Vec<String> {
    names_in(dir)
        .into_iter()
        .filter(|n| n.ends_with(".partial"))
        .collect()
}

/// SIGINT or SIGTERM during `pack` removes the partial bag it was writing:
/// nothing hidden of hundreds of megabytes stays behind.
#[test]
fn an_interrupted_pack_leaves_no_partial_file() {
    let dir = tempdir();
    let package = copy_sample("pass", &dir.path().join("pass"));
    // Slow to deflate, so the signal arrives while the bag is written.
    let text: Vec<u8> = "第1课 讲义 lecture notes 0123456789\n"
        .as_bytes()
        .iter()
        .copied()
        .cycle()
        .take(400 << 20)
        .collect();
    fs::write(package.join("模块2_法律法规/讲义全文.txt"), &text).unwrap();
    drop(text);
    for signal in ["INT", "TERM"] {
        let out = dir.path().join(format!("out-{signal}"));
        let mut child = trainpack_std()
            .args(["pack", "-q", "-o"])
            .arg(&out)
            .arg(&package)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while !out.is_dir() || partials_in(&out).is_empty() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(60),
                "no partial appeared"
            );
            if child.try_wait().unwrap().is_some() {
                panic!("pack ended before it could be interrupted");
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let killed = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "SIG{signal}: {status:?}");
        assert_eq!(
            names_in(&out),
            Vec::<String>::new(),
            "SIG{signal} left files"
        );
    }
}

/// A partial left by a run that was killed outright (SIGKILL, power loss)
/// is removed by the next run writing the same output; partials of other
/// outputs, and files that only look alike, are left alone.
#[test]
fn the_next_pack_removes_stale_partials_of_its_own_outputs_only() {
    let dir = tempdir();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let stale = [
        ".pass.zip.Ab12Cd.partial",
        ".pass.upload.json.x9Y8z7.partial",
    ];
    let kept = [
        ".other.zip.Ab12Cd.partial",
        ".pass.zip.partial",
        ".pass.zip.Ab12Cd.partial.bak",
        "pass.zip.Ab12Cd.partial",
    ];
    for name in stale.iter().chain(&kept) {
        fs::write(out.join(name), b"left by a killed run").unwrap();
    }
    pack_ok(&sample("pass"), &out, &[]);
    let mut expected: Vec<String> = kept.iter().map(|s| s.to_string()).collect();
    expected.extend(["pass.upload.json".to_owned(), "pass.zip".to_owned()]);
    expected.sort();
    assert_eq!(names_in(&out), expected);
}

/// A manifest far larger than any package could need is refused with a
/// clear error before it is parsed, instead of taking gigabytes of memory.
#[test]
fn a_manifest_past_the_size_limit_is_refused() {
    let dir = tempdir();
    let manifest = dir.path().join("huge.manifest.json");
    let file = fs::File::create(&manifest).unwrap();
    file.set_len(400 << 20).unwrap(); // sparse: costs no disk
    drop(file);
    let r = tp(&[&"verify", &"--manifest", &manifest, &sample("pass")]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("larger than 46 MiB"), "{}", r.stderr);
}
