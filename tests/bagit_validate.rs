//! `trainpack::bagit::validate` against real bags made by bagit.py (the
//! reference tool), damaged in known ways; bagit.py's own `--validate` must
//! agree with us on validity. No mocks.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

mod common;
mod hostile_corpus;

use common::{bagit_py_available, zip_entries};
use trainpack::bagit::validate::{BagReport, ProblemKind, validate_bag};

/// A file with Chinese in its name and a space, inside a nested folder.
const LESSON: &str = "data/模块1/第1课 导论.txt";

/// A payload folder: Chinese names, a space, nested folders, a binary file.
fn write_payload(dir: &Path) {
    let files: [(&str, &[u8]); 5] = [
        ("课程介绍.txt", "数字化培训包：课程介绍\n".as_bytes()),
        (
            "模块1/第1课 导论.txt",
            "第一课：导论。\nLesson one.\n".as_bytes(),
        ),
        ("模块1/资料/讲义.md", "# 讲义\n\n- 要点一\n".as_bytes()),
        ("a file.txt", b"plain ascii with a space in the name\n"),
        ("media/clip.bin", &[0u8, 1, 2, 3, 255, 254, 253, 10, 13, 0]),
    ];
    for (name, bytes) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

/// A bag made by bagit.py in `tmp/<name>` with the given algorithm flags.
fn make_bag(tmp: &Path, name: &str, algorithms: &[&str]) -> PathBuf {
    let bag = tmp.join(name);
    fs::create_dir_all(&bag).unwrap();
    write_payload(&bag);
    common::make_bag_with_bagit_py(&bag, algorithms, "某职业培训中心");
    assert!(bag.join("bagit.txt").is_file());
    bag
}

/// bagit.py's verdict: `bagit.py --validate` exits 0 for a valid bag.
fn bagit_py_says_valid(bag: &Path) -> bool {
    common::bagit_py_validate(bag, &[]).is_ok()
}

/// Validate a folder bag and check that bagit.py agrees on validity.
fn validate_agreeing(bag: &Path) -> BagReport {
    let report = validate_bag(bag, false).expect("bag cannot be opened");
    assert_eq!(
        report.is_valid(),
        bagit_py_says_valid(bag),
        "bagit.py disagrees on validity; our problems: {:#?}",
        report.problems
    );
    report
}

/// Zip a folder under a single top-level folder `top/`, as people zip bags.
fn zip_bag(bag: &Path, zip_path: &Path, top: &str) {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut writer = zip::ZipWriter::new(File::create(zip_path).unwrap());
    writer.add_directory(format!("{top}/"), options).unwrap();
    for item in walkdir::WalkDir::new(bag).min_depth(1).sort_by_file_name() {
        let item = item.unwrap();
        let rel = item.path().strip_prefix(bag).unwrap().to_str().unwrap();
        let name = format!("{top}/{rel}");
        if item.file_type().is_dir() {
            writer.add_directory(format!("{name}/"), options).unwrap();
        } else {
            writer.start_file(name, options).unwrap();
            writer.write_all(&fs::read(item.path()).unwrap()).unwrap();
        }
    }
    writer.finish().unwrap();
}

/// Flip the first byte of a file, keeping its size (Payload-Oxum still matches).
fn flip_byte(path: &Path) {
    let mut bytes = fs::read(path).unwrap();
    bytes[0] ^= 0x20;
    fs::write(path, bytes).unwrap();
}

fn kinds(report: &BagReport) -> Vec<ProblemKind> {
    let mut kinds: Vec<ProblemKind> = report.problems.iter().map(|p| p.kind).collect();
    kinds.sort();
    kinds
}

fn paths_of(report: &BagReport, kind: ProblemKind) -> Vec<&str> {
    report
        .problems
        .iter()
        .filter(|p| p.kind == kind)
        .filter_map(|p| p.path.as_deref())
        .collect()
}

#[test]
fn bagit_py_bag_is_valid_as_folder_and_as_zip_with_top_folder() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = make_bag(tmp.path(), "培训包", &["--sha256"]);

    let report = validate_agreeing(&bag);
    assert!(report.is_valid(), "{:#?}", report.problems);
    assert!(report.problems.is_empty());
    assert_eq!(report.root, "");
    assert_eq!(report.version.as_deref(), Some("0.97"));
    assert_eq!(report.algorithms, ["sha256"]);
    assert_eq!(report.payload_files, 5);

    let zip_path = tmp.path().join("培训包.zip");
    zip_bag(&bag, &zip_path, "培训包");
    let zipped = validate_bag(&zip_path, false).unwrap();
    assert!(zipped.is_valid(), "{:#?}", zipped.problems);
    assert_eq!(zipped.root, "培训包");
    assert_eq!(zipped.payload_files, 5);
    assert_eq!(zipped.payload_bytes, report.payload_bytes);

    let package = trainpack::source::Package::open(&zip_path).unwrap();
    assert!(trainpack::bagit::validate::looks_like_bag(&package));
    let payload_only = trainpack::source::Package::open(&bag.join("data")).unwrap();
    assert!(!trainpack::bagit::validate::looks_like_bag(&payload_only));
}

#[test]
fn several_algorithms_are_all_checked_in_one_pass() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = make_bag(tmp.path(), "bag", &["--md5", "--sha512"]);
    let report = validate_agreeing(&bag);
    assert!(report.is_valid(), "{:#?}", report.problems);
    assert_eq!(report.algorithms, ["md5", "sha512"]);

    flip_byte(&bag.join(LESSON));
    let report = validate_agreeing(&bag);
    assert_eq!(kinds(&report), [ProblemKind::ChecksumMismatch]);
    let message = &report.problems[0].message;
    assert!(
        message.contains("manifest-md5.txt") && message.contains("manifest-sha512.txt"),
        "{message}"
    );
}

#[test]
fn flipped_byte_is_exactly_one_checksum_mismatch_in_folder_and_zip() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = make_bag(tmp.path(), "bag", &["--sha256"]);
    flip_byte(&bag.join(LESSON));

    let report = validate_agreeing(&bag);
    assert!(!report.is_valid());
    assert_eq!(kinds(&report), [ProblemKind::ChecksumMismatch]);
    assert_eq!(paths_of(&report, ProblemKind::ChecksumMismatch), [LESSON]);

    let zip_path = tmp.path().join("bag.zip");
    zip_bag(&bag, &zip_path, "bag");
    let zipped = validate_bag(&zip_path, false).unwrap();
    assert_eq!(kinds(&zipped), [ProblemKind::ChecksumMismatch]);
    assert_eq!(paths_of(&zipped, ProblemKind::ChecksumMismatch), [LESSON]);
}

#[test]
fn deleted_payload_file_is_missing_and_breaks_the_oxum() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = make_bag(tmp.path(), "bag", &["--sha256"]);
    fs::remove_file(bag.join(LESSON)).unwrap();

    let report = validate_agreeing(&bag);
    assert_eq!(
        kinds(&report),
        [ProblemKind::MissingFile, ProblemKind::OxumMismatch]
    );
    assert_eq!(paths_of(&report, ProblemKind::MissingFile), [LESSON]);
    assert_eq!(report.payload_files, 4);
}

#[test]
fn unlisted_file_in_data_is_reported_and_breaks_the_oxum() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = make_bag(tmp.path(), "bag", &["--sha256"]);
    fs::write(bag.join("data/模块1/补充 材料.txt"), "后来加的\n").unwrap();

    let report = validate_agreeing(&bag);
    assert_eq!(
        kinds(&report),
        [ProblemKind::UnlistedPayloadFile, ProblemKind::OxumMismatch]
    );
    assert_eq!(
        paths_of(&report, ProblemKind::UnlistedPayloadFile),
        ["data/模块1/补充 材料.txt"]
    );
}

#[test]
fn manifest_line_climbing_out_of_the_bag_is_path_outside_bag() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = make_bag(tmp.path(), "bag", &["--sha256"]);
    fs::write(tmp.path().join("evil"), "outside\n").unwrap();
    let manifest = bag.join("manifest-sha256.txt");
    let mut text = fs::read_to_string(&manifest).unwrap();
    text.push_str(&format!("{}  ../evil\n", "0".repeat(64)));
    fs::write(&manifest, text).unwrap();

    let report = validate_agreeing(&bag);
    assert!(!report.is_valid());
    assert_eq!(paths_of(&report, ProblemKind::PathOutsideBag), ["../evil"]);
    // The edited manifest no longer matches the tag manifest either.
    assert_eq!(
        paths_of(&report, ProblemKind::ChecksumMismatch),
        ["manifest-sha256.txt"]
    );
    assert!(!kinds(&report).contains(&ProblemKind::MissingFile));
}

#[test]
fn missing_bagit_txt_is_reported() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = make_bag(tmp.path(), "bag", &["--sha256"]);
    fs::remove_file(bag.join("bagit.txt")).unwrap();

    let report = validate_agreeing(&bag);
    assert_eq!(kinds(&report), [ProblemKind::MissingBagitTxt]);
    let package = trainpack::source::Package::open(&bag).unwrap();
    assert!(!trainpack::bagit::validate::looks_like_bag(&package));
}

#[test]
fn every_defect_of_a_bag_is_reported_in_one_run() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = make_bag(tmp.path(), "bag", &["--sha256"]);
    flip_byte(&bag.join("data/课程介绍.txt"));
    fs::remove_file(bag.join("data/a file.txt")).unwrap();

    let report = validate_agreeing(&bag);
    assert_eq!(
        kinds(&report),
        [
            ProblemKind::MissingFile,
            ProblemKind::ChecksumMismatch,
            ProblemKind::OxumMismatch
        ]
    );
    assert_eq!(
        paths_of(&report, ProblemKind::ChecksumMismatch),
        ["data/课程介绍.txt"]
    );
    assert_eq!(
        paths_of(&report, ProblemKind::MissingFile),
        ["data/a file.txt"]
    );
}

#[test]
fn fast_mode_catches_a_deleted_file_but_not_a_flipped_byte() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();

    let flipped = make_bag(tmp.path(), "flipped", &["--sha256"]);
    flip_byte(&flipped.join(LESSON));
    let fast = validate_bag(&flipped, true).unwrap();
    assert!(
        fast.is_valid(),
        "fast mode reads no checksums: {:#?}",
        fast.problems
    );
    assert!(!validate_bag(&flipped, false).unwrap().is_valid());

    let deleted = make_bag(tmp.path(), "deleted", &["--sha256"]);
    fs::remove_file(deleted.join(LESSON)).unwrap();
    let fast = validate_bag(&deleted, true).unwrap();
    assert!(!fast.is_valid());
    assert_eq!(
        kinds(&fast),
        [ProblemKind::MissingFile, ProblemKind::OxumMismatch]
    );
    // bagit.py --fast agrees on both.
    for (bag, valid) in [(&flipped, true), (&deleted, false)] {
        let ok = common::bagit_py_validate(bag, &["--fast"]).is_ok();
        assert_eq!(ok, valid, "bagit.py --fast on {}", bag.display());
    }
}

#[test]
fn zip_entries_outside_the_bag_folder_are_reported() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = make_bag(tmp.path(), "bag", &["--sha256"]);
    let zip_path = tmp.path().join("bag.zip");
    zip_bag(&bag, &zip_path, "bag");
    // Append a stray top-level entry, as macOS Finder does.
    let mut writer = zip::ZipWriter::new_append(
        fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&zip_path)
            .unwrap(),
    )
    .unwrap();
    writer
        .start_file("__MACOSX/._bag", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(b"resource fork").unwrap();
    writer.finish().unwrap();

    let package = trainpack::source::Package::open(&zip_path).unwrap();
    assert!(trainpack::bagit::validate::looks_like_bag(&package));
    let report = validate_bag(&zip_path, false).unwrap();
    assert_eq!(report.root, "bag");
    assert_eq!(kinds(&report), [ProblemKind::PathOutsideBag]);
    assert_eq!(
        paths_of(&report, ProblemKind::PathOutsideBag),
        ["__MACOSX/._bag"]
    );
}

#[test]
fn a_file_missing_from_one_of_two_payload_manifests_is_manifests_disagree() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = make_bag(tmp.path(), "bag", &["--md5", "--sha512"]);
    let manifest = bag.join("manifest-md5.txt");
    let text: String = fs::read_to_string(&manifest)
        .unwrap()
        .lines()
        .filter(|l| !l.ends_with("第1课 导论.txt"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&manifest, text).unwrap();

    let report = validate_agreeing(&bag);
    assert_eq!(paths_of(&report, ProblemKind::ManifestsDisagree), [LESSON]);
    // The edited manifest no longer matches the tag manifests either.
    assert_eq!(
        kinds(&report),
        [
            ProblemKind::ChecksumMismatch,
            ProblemKind::ManifestsDisagree
        ]
    );
}

#[test]
fn a_path_that_cannot_be_opened_is_an_error_not_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(validate_bag(&tmp.path().join("no such bag"), false).is_err());
}

/// A zipped bag is read through the scan's reader and its limits: a payload
/// entry that expands past the compression-ratio limit (here 32 MiB of
/// zeros in bzip2, far past 2000:1) is reported unreadable, naming the
/// limit, even with a correct manifest. It used to be expanded whole,
/// whatever its size.
#[test]
fn a_zip_bomb_inside_a_zipped_bag_stops_at_the_ratio_limit() {
    use sha2::{Digest, Sha256};
    let tmp = tempfile::tempdir().unwrap();
    let zeros = vec![0u8; 32 << 20];
    let small: &[u8] = b"lesson notes\n";
    let hex = |b: &[u8]| trainpack::scan::hex(&Sha256::digest(b));
    let manifest = format!(
        "{}  data/zeros.bin\n{}  data/notes.txt\n",
        hex(&zeros),
        hex(small)
    );
    let oxum = format!("Payload-Oxum: {}.2\n", zeros.len() + small.len());
    let zip_path = tmp.path().join("bag.zip");
    zip_entries(
        &zip_path,
        &[
            (
                "bag/bagit.txt",
                trainpack::bagit::write::BAGIT_TXT.as_bytes(),
            ),
            ("bag/bag-info.txt", oxum.as_bytes()),
            ("bag/manifest-sha256.txt", manifest.as_bytes()),
            ("bag/data/notes.txt", small),
            ("bag/data/zeros.bin", zeros.as_slice()),
        ],
        zip::CompressionMethod::Bzip2,
    );
    let report = validate_bag(&zip_path, false).unwrap();
    assert!(!report.is_valid());
    assert_eq!(
        paths_of(&report, ProblemKind::Unreadable),
        ["data/zeros.bin"],
        "{:#?}",
        report.problems
    );
    let problem = &report.problems[0];
    assert!(problem.message.contains("compression-ratio"), "{problem:?}");
    assert!(
        paths_of(&report, ProblemKind::ChecksumMismatch).is_empty(),
        "notes.txt still checks out: {:#?}",
        report.problems
    );
}

/// bagit.py writes '%' as it is: "x%" and "x%25" are two files whose
/// manifest lines an RFC reader would both decode to "x%". A manifest that
/// holds a bare '%' is read literally, so both check out (the second was
/// "listed more than once" and the file "in no payload manifest").
#[test]
fn names_that_decode_alike_in_a_bagit_py_bag_stay_two_files() {
    use sha2::{Digest, Sha256};
    let tmp = tempfile::tempdir().unwrap();
    // Written by hand as bagit.py writes it, so this runs without bagit.py.
    let by_hand = tmp.path().join("by-hand");
    fs::create_dir_all(by_hand.join("data")).unwrap();
    let mut manifest = String::new();
    for (name, text) in [("%%", "one\n"), ("%25%25", "two\n")] {
        fs::write(by_hand.join("data").join(name), text).unwrap();
        let digest = trainpack::scan::hex(&Sha256::digest(text));
        manifest.push_str(&format!("{digest}  data/{name}\n"));
    }
    fs::write(by_hand.join("manifest-sha256.txt"), manifest).unwrap();
    fs::write(
        by_hand.join("bagit.txt"),
        trainpack::bagit::write::BAGIT_TXT,
    )
    .unwrap();
    let report = validate_bag(&by_hand, false).unwrap();
    assert!(report.is_valid(), "{:#?}", report.problems);
    assert_eq!(report.payload_files, 2);

    if !bagit_py_available() {
        return;
    }
    let bag = tmp.path().join("bag");
    fs::create_dir(&bag).unwrap();
    fs::write(bag.join("%%"), "one\n").unwrap();
    fs::write(bag.join("%25%25"), "two\n").unwrap();
    fs::write(bag.join("完成率100%.txt"), "three\n").unwrap();
    common::make_bag_with_bagit_py(&bag, &["--sha256"], "test");
    let report = validate_agreeing(&bag);
    assert!(report.is_valid(), "{:#?}", report.problems);
    assert_eq!(report.payload_files, 3);
}

/// `trainpack verify BAG ARGS --json`: the exit code and the parsed result.
fn verify_bag_json(bag: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let out = common::run(
        common::trainpack()
            .arg("verify")
            .arg(bag)
            .arg("--json")
            .args(args),
    );
    let value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out.stdout, out.stderr));
    (out.code, value)
}

/// A fetch.txt naming a path outside the payload makes the bag invalid, as
/// bagit.py says, with a problem naming the line; nothing is fetched (the
/// URLs point nowhere reachable) and nothing outside the bag is read.
#[test]
fn fetch_txt_with_an_unsafe_path_is_invalid() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // bagit.py on Linux takes the last two for relative names (unsafe only
    // on Windows); they are not payload paths anyway, so invalid here.
    let cases = [
        ("../../../README.md", true),
        ("/etc/passwd", true),
        ("~/.bashrc", true),
        ("C:/Windows/x.exe", false),
        ("data\\..\\..\\evil.sh", false),
    ];
    for (i, (unsafe_path, bagit_py_refuses)) in cases.into_iter().enumerate() {
        let bag = make_bag(tmp.path(), &format!("bag{i}"), &["--sha256"]);
        fs::write(
            bag.join("fetch.txt"),
            format!(
                "https://example.invalid/a.txt 3 data/a file.txt\n\
                 https://example.invalid/evil 10 {unsafe_path}\n"
            ),
        )
        .unwrap();
        assert_eq!(
            bagit_py_says_valid(&bag),
            !bagit_py_refuses,
            "{unsafe_path}"
        );
        let report = validate_bag(&bag, false).unwrap();
        assert!(!report.is_valid());
        assert_eq!(
            kinds(&report),
            [ProblemKind::PathOutsideBag],
            "{unsafe_path}: {:#?}",
            report.problems
        );
        let message = &report.problems[0].message;
        assert!(
            message.contains("fetch.txt line 2"),
            "{unsafe_path}: {message}"
        );

        let (code, v) = verify_bag_json(&bag, &["--allow-holes"]);
        assert_eq!(code, 1, "{v:#}");
        assert_eq!(v["status"], "invalid", "{v:#}");
    }
}

/// Lines that are not `<url> <length> <path>` make the bag invalid.
#[test]
fn malformed_fetch_lines_are_invalid() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // bagit.py also refuses these two (a missing field, a URL without a host).
    for (i, line) in ["https://example.invalid/a.txt", "no-url-here 3 data/x.txt"]
        .into_iter()
        .enumerate()
    {
        let bag = make_bag(tmp.path(), &format!("py{i}"), &["--sha256"]);
        fs::write(bag.join("fetch.txt"), format!("{line}\n")).unwrap();
        let report = validate_agreeing(&bag);
        assert_eq!(
            kinds(&report),
            [ProblemKind::BadFetchTxt],
            "{line}: {:#?}",
            report.problems
        );
        assert!(report.problems[0].message.contains("fetch.txt line 1"));
    }
    // A length that is neither a number nor `-` (RFC 8493 §2.2.3); bagit.py
    // does not look at lengths, so this one is ours alone.
    let bag = make_bag(tmp.path(), "length", &["--sha256"]);
    fs::write(
        bag.join("fetch.txt"),
        "https://example.invalid/x ten data/x.txt\n",
    )
    .unwrap();
    let report = validate_bag(&bag, false).unwrap();
    assert_eq!(kinds(&report), [ProblemKind::BadFetchTxt]);
    // A file: URL and `-` for an unknown length are well formed.
    let bag = make_bag(tmp.path(), "fine", &["--sha256"]);
    fs::write(
        bag.join("fetch.txt"),
        "file:///srv/a%20file.txt - data/a file.txt\n\
         https://example.invalid/x  12   data/课程介绍.txt\n",
    )
    .unwrap();
    let report = validate_bag(&bag, false).unwrap();
    assert!(
        !kinds(&report).contains(&ProblemKind::BadFetchTxt),
        "{:#?}",
        report.problems
    );
}

/// A holey bag: a payload file listed in the manifest and in fetch.txt, but
/// not present. bagit.py calls it invalid; we call it incomplete, with the
/// count, exit 1, and exit 0 with `--allow-holes` (still `incomplete`). A
/// file missing that fetch.txt does not list stays invalid.
#[test]
fn a_holey_bag_is_incomplete_and_accepted_only_with_allow_holes() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = make_bag(tmp.path(), "holey", &["--sha256"]);
    let mut fetch = String::new();
    for name in ["data/a file.txt", LESSON] {
        let size = fs::metadata(bag.join(name)).unwrap().len();
        fs::remove_file(bag.join(name)).unwrap();
        fetch.push_str(&format!("https://example.invalid/{size} {size} {name}\n"));
    }
    fs::write(bag.join("fetch.txt"), &fetch).unwrap();

    // Payload-Oxum still counts the complete payload, as it should.
    let report = validate_agreeing(&bag);
    assert_eq!(
        kinds(&report),
        [
            ProblemKind::FetchedFileMissing,
            ProblemKind::FetchedFileMissing
        ],
        "{:#?}",
        report.problems
    );
    assert_eq!(report.holes, 2);
    assert_eq!(
        report.status(),
        trainpack::bagit::validate::BagStatus::Incomplete
    );

    let zip_path = tmp.path().join("holey.zip");
    zip_bag(&bag, &zip_path, "holey");
    for path in [bag.as_path(), zip_path.as_path()] {
        let (code, v) = verify_bag_json(path, &[]);
        assert_eq!(code, 1, "{v:#}");
        assert_eq!(v["status"], "incomplete");
        assert_eq!(v["valid"], false);
        assert_eq!(v["holes"], 2);
        let (code, v) = verify_bag_json(path, &["--allow-holes"]);
        assert_eq!(code, 0, "{v:#}");
        assert_eq!(v["status"], "incomplete");
        assert_eq!(v["holes"], 2);
    }
    for (lang, words) in [
        (
            "en",
            ["incomplete BagIt bag: 2 payload file(s)", "fetch.txt"],
        ),
        ("zh", ["不完整的 BagIt 包", "2 个载荷文件"]),
    ] {
        for (flags, code) in [(&[][..], 1), (&["--allow-holes"][..], 0)] {
            let out = common::run(
                common::trainpack()
                    .arg("verify")
                    .arg(&bag)
                    .args(["--lang", lang])
                    .args(flags),
            );
            assert_eq!(out.code, code, "{}", out.stdout);
            for word in words {
                assert!(out.stdout.contains(word), "{lang}: {}", out.stdout);
            }
        }
    }

    // A third file gone, not listed in fetch.txt: invalid, even with holes allowed.
    fs::remove_file(bag.join("data/课程介绍.txt")).unwrap();
    let report = validate_agreeing(&bag);
    assert_eq!(
        paths_of(&report, ProblemKind::MissingFile),
        ["data/课程介绍.txt"]
    );
    assert_eq!(
        report.status(),
        trainpack::bagit::validate::BagStatus::Invalid
    );
    let (code, v) = verify_bag_json(&bag, &["--allow-holes"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["status"], "invalid");
}

/// A bag of an old BagIt draft, written by hand as that draft lays it out
/// (bagit.py writes only 0.97): `bagit.txt`, the info file
/// (`package-info.txt` in 0.93–0.95, `bag-info.txt` in 0.96) with
/// Payload-Oxum, an md5 manifest (and a sha1 one from 0.95), and from 0.96
/// an md5 tag manifest. `extra_manifest_line` is appended to manifest-md5.txt.
fn write_old_bag(dir: &Path, version: &str, extra_manifest_line: &str) -> PathBuf {
    use trainpack::bagit::validate::{Algorithm, MultiHasher};
    let digest = |bytes: &[u8], alg: Algorithm| {
        let mut h = MultiHasher::new(&[alg]);
        h.update(bytes);
        h.finish().remove(&alg).unwrap()
    };
    fs::create_dir_all(dir.join("data")).unwrap();
    write_payload(&dir.join("data"));
    let (mut md5, mut sha1, mut bytes, mut count) = (String::new(), String::new(), 0, 0);
    for (rel, path) in common::list_files(&dir.join("data")) {
        let content = fs::read(&path).unwrap();
        md5.push_str(&format!(
            "{}  data/{rel}\n",
            digest(&content, Algorithm::Md5)
        ));
        sha1.push_str(&format!(
            "{} data/{rel}\n",
            digest(&content, Algorithm::Sha1)
        ));
        bytes += content.len();
        count += 1;
    }
    md5.push_str(extra_manifest_line);
    let info_file = if version == "0.96" {
        "bag-info.txt"
    } else {
        "package-info.txt"
    };
    let mut tag_files = vec![
        (
            "bagit.txt",
            format!("BagIt-Version: {version}\nTag-File-Character-Encoding: UTF-8\n"),
        ),
        (
            info_file,
            format!(
                "Source-Organization: 某职业培训中心\nPackaging-Date: 2009-03-01\n\
                 Payload-Oxum: {bytes}.{count}\n"
            ),
        ),
        ("manifest-md5.txt", md5),
    ];
    if version >= "0.95" {
        tag_files.push(("manifest-sha1.txt", sha1));
    }
    let mut tag_manifest = String::new();
    for (name, text) in &tag_files {
        fs::write(dir.join(name), text).unwrap();
        tag_manifest.push_str(&format!(
            "{} {name}\n",
            digest(text.as_bytes(), Algorithm::Md5)
        ));
    }
    if version == "0.96" {
        fs::write(dir.join("tagmanifest-md5.txt"), tag_manifest).unwrap();
    }
    dir.to_owned()
}

/// Zip `bag` with Python's zipfile under one top-level folder `top/`.
fn zip_with_python(bag: &Path, zip_path: &Path, top: &str) {
    let script = "import os, sys, zipfile\n\
        bag, out, top = sys.argv[1:4]\n\
        with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:\n\
        \x20   for root, dirs, files in os.walk(bag):\n\
        \x20       for name in sorted(files):\n\
        \x20           path = os.path.join(root, name)\n\
        \x20           z.write(path, top + '/' + os.path.relpath(path, bag))\n";
    let status = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(bag)
        .arg(zip_path)
        .arg(top)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Bags of BagIt 0.93–0.96 are validated as bagit.py validates them: as
/// folders, as zips made by Python's zipfile (one top folder) and by Info-ZIP
/// `zip` (bag at the root). The info file of 0.93–0.95 is package-info.txt:
/// a wrong Payload-Oxum there is found. A line repeated with the same
/// checksum is fine before 1.0 (bagit.py only warns), a flipped byte is not.
#[test]
fn bags_of_bagit_0_93_to_0_96_are_validated_like_bagit_py() {
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let have_zip = common::have_tool("zip");
    for version in ["0.93", "0.94", "0.95", "0.96"] {
        let dir = tmp.path().join(format!("v{version}"));
        let bag = write_old_bag(&dir.join("bag"), version, "");
        assert!(
            bagit_py_says_valid(&bag),
            "bagit.py refuses our {version} bag: {:?}",
            common::bagit_py_validate(&bag, &[])
        );
        let report = validate_agreeing(&bag);
        assert!(report.is_valid(), "{version}: {:#?}", report.problems);
        assert_eq!(report.version.as_deref(), Some(version));
        assert_eq!(report.payload_files, 5);
        let expected_algorithms: &[&str] = if version >= "0.95" {
            &["md5", "sha1"]
        } else {
            &["md5"]
        };
        assert_eq!(report.algorithms, expected_algorithms);

        let py_zip = dir.join("py.zip");
        zip_with_python(&bag, &py_zip, "bag");
        let zipped = validate_bag(&py_zip, false).unwrap();
        assert!(zipped.is_valid(), "{version} zip: {:#?}", zipped.problems);
        assert_eq!(zipped.root, "bag");
        if have_zip {
            let info_zip = dir.join("info-zip.zip");
            let status = std::process::Command::new("zip")
                .args(["-q", "-r", "-X"])
                .arg(&info_zip)
                .arg(".")
                .current_dir(&bag)
                .status()
                .unwrap();
            assert!(status.success());
            let zipped = validate_bag(&info_zip, false).unwrap();
            assert!(zipped.is_valid(), "{version} zip: {:#?}", zipped.problems);
            assert_eq!(zipped.root, "");
        }
        let (code, v) = verify_bag_json(&py_zip, &[]);
        assert_eq!((code, &v["status"]), (0, &"valid".into()), "{v:#}");

        // The same line twice, same checksum: still valid before 1.0.
        let line = fs::read_to_string(bag.join("manifest-md5.txt"))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned();
        let repeated = write_old_bag(&dir.join("repeated"), version, &format!("{line}\n"));
        if version == "0.96" {
            // The tag manifest was written after the line was added.
            assert!(bagit_py_says_valid(&repeated));
        }
        let report = validate_agreeing(&repeated);
        assert!(report.is_valid(), "{version}: {:#?}", report.problems);

        flip_byte(&bag.join(LESSON));
        let report = validate_agreeing(&bag);
        assert_eq!(kinds(&report), [ProblemKind::ChecksumMismatch]);
    }

    // package-info.txt is the info file of 0.93–0.95: its Payload-Oxum counts.
    let bag = write_old_bag(&tmp.path().join("oxum"), "0.95", "");
    let info = bag.join("package-info.txt");
    let text = fs::read_to_string(&info)
        .unwrap()
        .replace("Payload-Oxum: ", "Payload-Oxum: 1");
    fs::write(&info, text).unwrap();
    let report = validate_agreeing(&bag);
    assert_eq!(kinds(&report), [ProblemKind::OxumMismatch]);
    assert_eq!(
        paths_of(&report, ProblemKind::OxumMismatch),
        ["package-info.txt"]
    );

    // Versions no draft ever had are still refused.
    let bag = write_old_bag(&tmp.path().join("v0.92"), "0.92", "");
    let report = validate_agreeing(&bag);
    assert_eq!(kinds(&report), [ProblemKind::BadBagitTxt]);
}

/// An old bag may declare another tag-file encoding, which bagit.py honours:
/// a manifest in ISO-8859-1 naming `data/café.txt` checks out.
#[test]
fn an_old_bag_in_iso_8859_1_is_read_in_its_encoding() {
    use trainpack::bagit::validate::{Algorithm, MultiHasher};
    if !bagit_py_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bag = tmp.path().join("bag");
    fs::create_dir_all(bag.join("data")).unwrap();
    let content = b"menu du jour\n";
    fs::write(bag.join("data/café.txt"), content).unwrap();
    let mut h = MultiHasher::new(&[Algorithm::Md5]);
    h.update(content);
    let md5 = h.finish().remove(&Algorithm::Md5).unwrap();
    let latin1 = |text: &str| text.chars().map(|c| c as u8).collect::<Vec<u8>>();
    fs::write(
        bag.join("bagit.txt"),
        "BagIt-Version: 0.95\nTag-File-Character-Encoding: ISO-8859-1\n",
    )
    .unwrap();
    fs::write(
        bag.join("manifest-md5.txt"),
        latin1(&format!("{md5}  data/café.txt\n")),
    )
    .unwrap();
    fs::write(
        bag.join("package-info.txt"),
        latin1("Source-Organization: Société Générale de Formation\n"),
    )
    .unwrap();
    let report = validate_agreeing(&bag);
    assert!(report.is_valid(), "{:#?}", report.problems);

    // Declared UTF-16 cannot be read line by line: refused with a clear reason.
    fs::write(
        bag.join("bagit.txt"),
        "BagIt-Version: 0.95\nTag-File-Character-Encoding: UTF-16\n",
    )
    .unwrap();
    let report = validate_bag(&bag, false).unwrap();
    assert!(!report.is_valid());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::BadBagitTxt && p.message.contains("\"UTF-16\"")),
        "{:#?}",
        report.problems
    );
}

/// Manifests are read line by line (issue 13 #8): a zipped bag whose
/// manifest holds one 150 MB line and 30,000 lines naming absent files is
/// verified in under 128 MiB. The long line is one problem naming it; the
/// first 1,000 absent files are named, the rest counted. Reading the
/// manifest whole took over 300 MB here.
#[test]
fn huge_manifests_are_read_in_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("bag.zip");
    let notes = b"lesson notes\n";
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let mut writer = zip::ZipWriter::new(File::create(&zip_path).unwrap());
    for (name, bytes) in [
        (
            "bag/bagit.txt",
            trainpack::bagit::write::BAGIT_TXT.as_bytes(),
        ),
        ("bag/data/notes.txt", &notes[..]),
    ] {
        writer.start_file(name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer
        .start_file("bag/manifest-sha256.txt", options)
        .unwrap();
    writeln!(writer, "{}  data/notes.txt", common::sha256_hex(notes)).unwrap();
    let block = vec![b'f'; 1 << 20];
    for _ in 0..150 {
        writer.write_all(&block).unwrap();
    }
    writer.write_all(b"  data/long.txt\n").unwrap();
    let absent = 30_000;
    for i in 0..absent {
        writeln!(writer, "{:064x}  data/m{:02}/lesson-{i:07}.mp4", i, i % 97).unwrap();
    }
    writer.finish().unwrap();

    let mut cmd = common::trainpack_std();
    cmd.arg("verify").arg(&zip_path).arg("--json");
    let out = hostile_corpus::run_measured(cmd, std::time::Duration::from_secs(120));
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    eprintln!(
        "150 MB line + {absent} absent files: peak {} KiB, {:.2} s",
        out.peak_kib,
        out.elapsed.as_secs_f64()
    );
    assert!(
        out.peak_kib < 128 * 1024,
        "peak memory {} KiB is over 128 MiB",
        out.peak_kib
    );
    let problems = v["problems"].as_array().unwrap();
    let of_kind = |kind: &str| -> Vec<&serde_json::Value> {
        problems.iter().filter(|p| p["kind"] == kind).collect()
    };
    let bad_lines = of_kind("bad_manifest_line");
    assert_eq!(bad_lines.len(), 1, "{bad_lines:#?}");
    assert!(
        bad_lines[0]["message"]
            .as_str()
            .unwrap()
            .contains("manifest-sha256.txt line 2 is longer than 64 KiB"),
        "{bad_lines:#?}"
    );
    let missing = of_kind("missing_file");
    assert_eq!(missing.len(), 1001);
    assert_eq!(missing[0]["path"], "data/m00/lesson-0000000.mp4");
    let summary = missing[1000]["message"].as_str().unwrap();
    assert!(
        summary.starts_with(&format!("{} more manifest line(s)", absent - 1000)),
        "{summary}"
    );
    assert_eq!(v["status"], "invalid");
    assert!(
        of_kind("checksum_mismatch").is_empty(),
        "notes.txt checks out"
    );
}

/// fetch.txt is held up to 250,000 entries; a longer one is a problem (the
/// bag is not valid) and the rest of it is not read.
#[test]
fn a_fetch_txt_over_the_entry_limit_is_a_problem() {
    use trainpack::bagit::validate::MAX_FETCH_ENTRIES;
    let tmp = tempfile::tempdir().unwrap();
    let bag = tmp.path().join("bag");
    fs::create_dir_all(bag.join("data")).unwrap();
    let notes = b"lesson notes\n";
    fs::write(bag.join("data/notes.txt"), notes).unwrap();
    fs::write(bag.join("bagit.txt"), trainpack::bagit::write::BAGIT_TXT).unwrap();
    fs::write(
        bag.join("manifest-sha256.txt"),
        format!("{}  data/notes.txt\n", common::sha256_hex(notes)),
    )
    .unwrap();
    let mut fetch = std::io::BufWriter::new(File::create(bag.join("fetch.txt")).unwrap());
    for i in 0..=MAX_FETCH_ENTRIES {
        writeln!(fetch, "https://example.invalid/{i} 10 data/f{i}.mp4").unwrap();
    }
    fetch.flush().unwrap();
    drop(fetch);
    let report = validate_bag(&bag, false).unwrap();
    assert_eq!(kinds(&report), [ProblemKind::BadFetchTxt]);
    assert!(
        report.problems[0]
            .message
            .contains(&format!("more than {MAX_FETCH_ENTRIES} files")),
        "{:#?}",
        report.problems
    );
}
