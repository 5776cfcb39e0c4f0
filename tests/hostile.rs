//! The hostile corpus: every case is made here, run through the binary, and
//! must end with exit 1 or 2, a finding or message naming the problem, no
//! panic, nothing written outside the output folder, within a minute and
//! (for the bomb cases) under 128 MiB of memory. SECURITY.md lists the cases.

mod common;
mod hostile_corpus;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use hostile_corpus::{Outcome, RawEntry, raw_zip, run_measured, tree};
use serde_json::Value;

const MINUTE: Duration = Duration::from_secs(60);
const MEMORY_LIMIT_KIB: u64 = 128 * 1024;

/// `trainpack check PATH --json -q ARGS`, run from an empty folder that must
/// stay empty (nothing written outside an output folder).
fn check(path: &Path, args: &[&str]) -> Outcome {
    check_env(path, args, &[])
}

fn check_env(path: &Path, args: &[&str], env: &[(&str, &Path)]) -> Outcome {
    let cwd = tempfile::tempdir().unwrap();
    let parent = path.parent().unwrap();
    let before = tree(parent);
    let mut cmd = common::trainpack_std();
    cmd.current_dir(cwd.path())
        .arg("check")
        .arg(path)
        .args(["--json", "-q"])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run_measured(cmd, MINUTE);
    assert!(
        !out.stderr.contains("panicked"),
        "{}: trainpack panicked:\n{}",
        path.display(),
        out.stderr
    );
    assert!(
        tree(cwd.path()).is_empty(),
        "{}: check wrote into its working folder: {:?}",
        path.display(),
        tree(cwd.path())
    );
    assert_eq!(
        before,
        tree(parent),
        "{}: check changed the package's folder",
        path.display()
    );
    out
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn finding<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code} finding; findings: {:#}", report["findings"]))
}

/// Exit 1 with a finding `code` whose English message contains `words`.
fn expect_finding(out: &Outcome, code: &str, words: &str) -> Value {
    let report = out.report();
    assert_eq!(
        out.code,
        Some(1),
        "expected exit 1 ({code}); findings {:?}\nstderr: {}",
        codes(&report),
        out.stderr
    );
    let f = finding(&report, code);
    let message = f["message"].to_string();
    assert!(
        message.contains(words),
        "{code}: message {message} lacks {words:?}"
    );
    report
}

/// Exit 2, no report, and a message on stderr containing `words`.
fn expect_refusal(out: &Outcome, words: &str) {
    assert_eq!(
        out.code,
        Some(2),
        "expected exit 2; stderr:\n{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "no report on exit 2");
    assert!(
        out.stderr.contains(words),
        "stderr lacks {words:?}:\n{}",
        out.stderr
    );
}

fn assert_bounded(out: &Outcome, what: &str) {
    assert!(
        out.peak_kib < MEMORY_LIMIT_KIB,
        "{what}: peak memory {} KiB is over 128 MiB",
        out.peak_kib
    );
    assert!(out.elapsed < MINUTE, "{what}: took {:?}", out.elapsed);
    eprintln!(
        "{what}: peak {} KiB, {:.2} s",
        out.peak_kib,
        out.elapsed.as_secs_f64()
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn policy(dir: &Path, toml: &str) -> String {
    let path = dir.join("policy.toml");
    std::fs::write(&path, toml).unwrap();
    path.display().to_string()
}

/// A lecture note, so packages have something ordinary besides the hazard.
fn note() -> RawEntry {
    RawEntry::stored("讲义.txt", "第1课 导论\n".repeat(20).as_bytes())
}

// ---------------------------------------------------------------- zip names

#[test]
fn zip_slip_and_absolute_names_are_never_read_or_written() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let zip = write(
        &pkg,
        "slip.zip",
        &raw_zip(
            &[
                note(),
                RawEntry::stored("../evil.txt", b"owned"),
                RawEntry::stored("/tmp/trainpack-evil.txt", b"owned"),
                RawEntry::stored("C:/evil.txt", b"owned"),
                RawEntry::stored("..\\evil.txt", b"owned"),
            ],
            None,
        ),
    );
    let out = check(&zip, &[]);
    let report = expect_finding(&out, "TP030", "unsafe entry name");
    assert_eq!(codes(&report).iter().filter(|c| *c == "TP030").count(), 4);
    assert!(!dir.path().join("evil.txt").exists());
    assert!(!Path::new("/tmp/trainpack-evil.txt").exists());

    // pack --force writes only into its output folder.
    let outdir = dir.path().join("out");
    let before = tree(dir.path());
    let run = run_measured(
        {
            let mut c = common::trainpack_std();
            c.current_dir(dir.path())
                .args(["pack", "--force", "-o"])
                .arg(&outdir)
                .arg(&zip);
            c
        },
        MINUTE,
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let after: Vec<String> = tree(dir.path())
        .into_iter()
        .filter(|p| !p.starts_with("out"))
        .collect();
    let before: Vec<String> = before
        .into_iter()
        .filter(|p| !p.starts_with("out"))
        .collect();
    assert_eq!(before, after, "pack wrote outside its output folder");
    assert!(!dir.path().join("evil.txt").exists());
}

#[test]
fn symlink_and_encrypted_zip_entries() {
    let dir = tempfile::tempdir().unwrap();
    let link = RawEntry {
        unix_mode: Some(0o120777),
        ..RawEntry::stored("link.mp4", b"/etc/passwd")
    };
    let encrypted = RawEntry {
        flags: 0x0801,
        ..RawEntry::stored("secret.pdf", b"\x00\x01garbage-ciphertext")
    };
    let zip = write(
        dir.path(),
        "z.zip",
        &raw_zip(&[note(), link, encrypted], None),
    );
    let out = check(&zip, &[]);
    let report = expect_finding(&out, "TP037", "encrypted");
    finding(&report, "TP032");
    assert!(
        common::file(&report, "link.mp4").is_none(),
        "a link is never read"
    );
}

#[test]
fn duplicate_names_exact_normalised_and_by_case() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write(
        dir.path(),
        "dup.zip",
        &raw_zip(
            &[
                RawEntry::stored("课件.pdf", b"%PDF-1.4 first"),
                RawEntry::stored("课件.pdf", b"%PDF-1.4 second, different"),
            ],
            None,
        ),
    );
    let out = check(&zip, &[]);
    expect_finding(&out, "TP036", "same path");

    let nfc = "caf\u{e9}.pdf";
    let nfd = "cafe\u{301}.pdf";
    let zip = write(
        dir.path(),
        "nfd.zip",
        &raw_zip(
            &[
                RawEntry::stored(nfc, b"%PDF-1.4 a"),
                RawEntry::stored(nfd, b"%PDF-1.4 b"),
            ],
            None,
        ),
    );
    expect_finding(&check(&zip, &[]), "TP036", "Unicode normalisation");

    let zip = write(
        dir.path(),
        "case.zip",
        &raw_zip(
            &[
                RawEntry::stored("Lesson.pdf", b"%PDF-1.4 a"),
                RawEntry::stored("lesson.pdf", b"%PDF-1.4 b"),
            ],
            None,
        ),
    );
    let out = check(&zip, &[]);
    let report = out.report();
    let f = finding(&report, "TP089");
    assert_eq!(f["severity"], "warning");
    assert!(f["message"].to_string().contains("letter case"));
}

#[test]
fn control_characters_in_names() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write(
        dir.path(),
        "ctl.zip",
        &raw_zip(
            &[
                note(),
                RawEntry::stored("a\nb.txt", b"x"),
                RawEntry::stored("c\r.txt", b"y"),
                RawEntry::stored("\u{1b}[31mred.txt", b"z"),
            ],
            None,
        ),
    );
    let out = check(&zip, &[]);
    let report = expect_finding(&out, "TP090", "control characters");
    let paths: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "TP090")
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    assert!(paths.contains(&"a\\nb.txt".to_owned()), "{paths:?}");
    assert!(paths.iter().all(|p| !p.chars().any(char::is_control)));
}

// ------------------------------------------------------------ zip structure

#[test]
fn truncated_missing_directory_and_garbage_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = raw_zip(&[note(), RawEntry::stored("b.txt", b"hello")], None);
    let cut = write(dir.path(), "cut.zip", &good[..good.len() - 30]);
    expect_refusal(&check(&cut, &[]), "not a readable zip: a truncated zip");
    let cd_start = good.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    let no_cd = write(dir.path(), "nocd.zip", &good[..cd_start]);
    expect_refusal(&check(&no_cd, &[]), "not a readable zip: a truncated zip");
    let garbage = write(dir.path(), "garbage.zip", &[0x42; 5000]);
    expect_refusal(&check(&garbage, &[]), "not a readable zip");
    let empty = write(dir.path(), "empty.zip", b"");
    expect_refusal(&check(&empty, &[]), "not a readable zip");
}

#[test]
fn split_archives_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = b"PK\x07\x08".to_vec();
    first.extend(raw_zip(&[note()], None).iter().take(60));
    let part = write(dir.path(), "course.z01", &first);
    expect_refusal(&check(&part, &[]), "split");
    let last = write(dir.path(), "course.zip", &raw_zip(&[note()], None));
    expect_refusal(&check(&last, &[]), "split");
    // A last part whose end record names disk 2.
    let mut disk = raw_zip(&[note()], None);
    let eocd = disk.len() - 22;
    disk[eocd + 4] = 1;
    disk[eocd + 6] = 1;
    let other = write(dir.path(), "other.zip", &disk);
    expect_refusal(&check(&other, &[]), "split");
}

#[test]
fn header_mismatch_bad_crc_and_unsupported_method() {
    let dir = tempfile::tempdir().unwrap();
    let smuggled = RawEntry {
        local_name: Some(b"setup.exe".to_vec()),
        ..RawEntry::stored("lesson.pdf", b"%PDF-1.4 innocent")
    };
    let zip = write(
        dir.path(),
        "mismatch.zip",
        &raw_zip(&[note(), smuggled], None),
    );
    expect_finding(&check(&zip, &[]), "TP088", "local header disagrees");

    let bad_crc = RawEntry {
        crc: 0xdead_beef,
        ..RawEntry::stored("lesson.pdf", b"%PDF-1.4 some text")
    };
    let zip = write(dir.path(), "crc.zip", &raw_zip(&[note(), bad_crc], None));
    expect_finding(&check(&zip, &[]), "TP033", "CRC-32");

    let ppmd = RawEntry {
        method: 98,
        ..RawEntry::stored("lesson.pdf", b"\x07\x00ppmd-ish bytes")
    };
    let xz = RawEntry {
        method: 95,
        ..RawEntry::stored("slides.pptx", b"\xfd7zXZ\x00")
    };
    let zip = write(
        dir.path(),
        "method.zip",
        &raw_zip(&[note(), ppmd, xz], None),
    );
    let report = expect_finding(&check(&zip, &[]), "TP091", "method 9");
    let msgs = report["findings"].to_string();
    assert!(msgs.contains("PPMd (method 98)") && msgs.contains("XZ (method 95)"));
}

#[test]
fn entry_larger_than_declared_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let data = vec![b'a'; 4 << 20];
    let liar = RawEntry {
        size: 1000,
        ..RawEntry::deflated("big.txt", &data)
    };
    let zip = write(dir.path(), "liar.zip", &raw_zip(&[note(), liar], None));
    let out = check(&zip, &[]);
    expect_finding(&out, "TP086", "past the size its header declares");
    assert_bounded(&out, "larger than declared");
}

/// Run a Python script in `dir` with `smuggle(entries)` defined: a zip from
/// raw headers where an entry can be left out of the central directory
/// (`hidden`), declare another size (`usize`) or carry a folder name.
fn python_zip(dir: &Path, script: &str) {
    const SMUGGLE: &str = r#"
import struct, zlib
def smuggle(entries, gap=b''):
    out = bytearray(); cds = bytearray()
    for e in entries:
        data = e['data']; crc = zlib.crc32(e.get('plain', data)); off = len(out)
        size = e.get('usize', len(e.get('plain', data))); m = e.get('method', 0)
        out += b'PK\x03\x04' + struct.pack('<HHHHHIIIHH', 20, 0x800, m, 0, 0x21, crc,
            len(data), size, len(e['name']), 0) + e['name'] + data + gap
        if e.get('hidden'): continue
        cds += b'PK\x01\x02' + struct.pack('<HHHHHHIIIHHHHHII', 20, 20, 0x800, m, 0, 0x21,
            crc, len(data), size, len(e['name']), 0, 0, 0, 0, 0, off) + e['name']
    cd = len(out); out += cds
    n = len([e for e in entries if not e.get('hidden')])
    out += b'PK\x05\x06' + struct.pack('<HHHHIIH', 0, 0, n, n, len(cds), cd, 0)
    return bytes(out)
def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15); return c.compress(data) + c.flush()
NOTE = dict(name='讲义.txt'.encode(), data=('第1课 导论\n' * 20).encode())
"#;
    let out = Command::new("python3")
        .current_dir(dir)
        .arg("-c")
        .arg(format!("{SMUGGLE}\n{script}"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn local_entries_missing_from_the_directory_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    python_zip(
        dir.path(),
        r#"
EXE = dict(name=b'setup.exe', data=b'MZ' + b'evil' * 100, hidden=True)
B = dict(name=b'b.txt', data=b'hello ' * 40)
open('middle.zip', 'wb').write(smuggle([NOTE, EXE, B]))
open('first.zip', 'wb').write(smuggle([EXE, NOTE, B]))
open('last.zip', 'wb').write(smuggle([NOTE, B, EXE]))
open('padded.zip', 'wb').write(smuggle([NOTE, EXE, B], gap=b'\0' * 300))
# Padding alone is not an entry: read with no finding.
open('padding.zip', 'wb').write(smuggle([NOTE, B], gap=b'\0' * 300))
"#,
    );
    for name in ["middle.zip", "first.zip", "last.zip", "padded.zip"] {
        let out = check(&dir.path().join(name), &[]);
        let report = expect_finding(&out, "TP094", "not in the central directory");
        let f = finding(&report, "TP094");
        assert!(
            f["message_en"].to_string().contains("setup.exe"),
            "{name}: {f}"
        );
        assert!(
            f["message_zh"].to_string().contains("不在中央目录中"),
            "{name}: {f}"
        );
        assert_eq!(common::file_paths(&report), ["b.txt", "讲义.txt"], "{name}");
    }
    let out = check(&dir.path().join("padding.zip"), &[]);
    assert!(!codes(&out.report()).contains(&"TP094".to_owned()));
}

#[test]
fn folder_entries_carrying_data_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    python_zip(
        dir.path(),
        r#"
open('dir.zip', 'wb').write(smuggle([NOTE, dict(name='模块1/'.encode(), data=b'hidden' * 500)]))
"#,
    );
    let out = check(&dir.path().join("dir.zip"), &[]);
    let report = expect_finding(&out, "TP095", "folder entry that carries 3000 bytes");
    assert_eq!(finding(&report, "TP095")["path"], "模块1/");
}

#[test]
fn entry_smaller_than_declared_is_reported_by_check_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    python_zip(
        dir.path(),
        r#"
real = b'lecture notes ' * 400
open('honest.zip', 'wb').write(smuggle([NOTE, dict(name=b'b.txt', data=real)]))
# Same declared size, shorter data (CRC of the short data): stored and deflated.
short = b'swapped'
open('stored.zip', 'wb').write(smuggle([NOTE, dict(name=b'b.txt', data=short, usize=len(real))]))
open('deflated.zip', 'wb').write(smuggle([NOTE, dict(name=b'b.txt', data=deflate(short),
    plain=short, usize=len(real), method=8)]))
# Each swap padded (archive comment) to the honest archive's size.
h = open('honest.zip', 'rb').read()
for name in ['stored', 'deflated']:
    t = open(name + '.zip', 'rb').read()
    pad = len(h) - len(t)
    open(name + '_same_size.zip', 'wb').write(t[:-2] + struct.pack('<H', pad) + b' ' * pad)
"#,
    );
    // Stored: its data is its size, seen from the listing. Deflated: seen
    // when the entry is read.
    for (name, words) in [
        ("stored.zip", "holds 7 bytes but its headers declare 5600"),
        ("deflated.zip", "fewer than the 5600 its headers declare"),
    ] {
        let out = check(&dir.path().join(name), &[]);
        let report = expect_finding(&out, "TP096", words);
        assert!(common::file(&report, "b.txt").is_none(), "not counted");
    }
    // verify sees both swaps even when the archive keeps its size: the
    // stored one from the listing (so --fast too), the deflated one when
    // it reads the entry (and --fast by its directory record, below).
    let manifest = dir.path().join("m.json");
    let honest = dir.path().join("honest.zip");
    let out = common::run(
        common::trainpack()
            .arg("manifest")
            .arg(&honest)
            .arg("-o")
            .arg(&manifest),
    );
    assert!(manifest.exists(), "{}", out.stderr);
    let verify = |swap: &str, fast: bool| {
        std::fs::copy(dir.path().join(swap), &honest).unwrap();
        let mut cmd = common::trainpack();
        cmd.arg("verify")
            .arg(&honest)
            .arg("--manifest")
            .arg(&manifest);
        if fast {
            cmd.arg("--fast");
        }
        let out = common::run(&mut cmd);
        assert_eq!(out.code, 1, "{swap}: {}\n{}", out.stdout, out.stderr);
        out.stdout
    };
    for fast in [false, true] {
        let said = verify("stored_same_size.zip", fast);
        assert!(said.contains("[TP096] b.txt"), "fast={fast}: {said}");
    }
    let said = verify("deflated_same_size.zip", false);
    assert!(
        said.contains("unreadable b.txt") && said.contains("fewer than the 5600"),
        "{said}"
    );
    // --fast reads no entry data, but the directory's CRC-32 and compressed
    // size are no longer the ones the manifest recorded.
    let said = verify("deflated_same_size.zip", true);
    assert!(said.contains("changed  b.txt"), "{said}");
}

/// Issue 13: a deflated entry whose data was swapped for a few bytes under
/// the same declared size, in a zip Python's `zipfile` wrote, edited in
/// place (so the archive keeps its size and its directory its offsets):
/// deflate cannot expand a 3-byte stream to 2 MB, so the listing alone
/// tells, and `verify --fast`, which reads no entry data, says so too.
#[test]
fn deflated_entry_too_small_for_its_declared_size_is_seen_by_verify_fast() {
    let dir = tempfile::tempdir().unwrap();
    python_zip(
        dir.path(),
        r#"
import zipfile
real = ''.join(f'第{i}课 讲义 {i * 7919 % 100003}\n' for i in range(100000)).encode()
with zipfile.ZipFile('honest.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('a.txt', real)
    z.writestr('b.txt', b'notes ' * 100)
d = bytearray(open('honest.zip', 'rb').read())
# a.txt is the first entry: its local header at 0, its central one first.
name_len, extra_len = struct.unpack('<HH', d[26:30])
start = 30 + name_len + extra_len
short = deflate(b'x')
d[start:start + len(short)] = short
crc = zlib.crc32(b'x')
cd = struct.unpack('<I', d[-6:-2])[0]
assert d[cd:cd + 4] == b'PK\x01\x02' and d[cd + 46:cd + 51] == b'a.txt'
for at in (14, cd + 16):  # local and central: CRC, then compressed size
    struct.pack_into('<II', d, at, crc, len(short))
assert struct.unpack('<I', d[cd + 24:cd + 28])[0] == len(real)
open('swapped.zip', 'wb').write(d)
"#,
    );
    let honest = dir.path().join("honest.zip");
    let swapped = dir.path().join("swapped.zip");
    let manifest = dir.path().join("m.json");
    let made = common::run(
        common::trainpack()
            .arg("manifest")
            .arg(&honest)
            .arg("-o")
            .arg(&manifest),
    );
    assert!(manifest.exists(), "{}", made.stderr);
    assert_eq!(
        std::fs::metadata(&honest).unwrap().len(),
        std::fs::metadata(&swapped).unwrap().len()
    );
    std::fs::copy(&swapped, &honest).unwrap();
    let out = common::run(
        common::trainpack()
            .arg("verify")
            .arg(&honest)
            .arg("--manifest")
            .arg(&manifest)
            .arg("--fast"),
    );
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("[TP096] a.txt"), "{}", out.stdout);
    let out = check(&swapped, &[]);
    let report = expect_finding(&out, "TP096", "cannot decompress to the");
    assert!(common::file(&report, "a.txt").is_none(), "not counted");
}

#[test]
fn nested_archives_are_listed_not_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let inner = raw_zip(&[RawEntry::stored("inner.mp4", b"not really")], None);
    let outer = write(
        dir.path(),
        "outer.zip",
        &raw_zip(&[note(), RawEntry::stored("courseware.zip", &inner)], None),
    );
    let out = check(&outer, &[]);
    let report = out.report();
    let paths = common::file_paths(&report);
    assert_eq!(paths, vec!["courseware.zip", "讲义.txt"]);
    assert!(!report.to_string().contains("inner.mp4"));
}

// ------------------------------------------------------------------- bombs

#[test]
fn overlapping_entries_bomb_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let kernel = RawEntry::deflated("0", &vec![0u8; 16 << 20]);
    let mut entries = vec![kernel];
    for i in 1..300 {
        entries.push(RawEntry {
            name: i.to_string().into_bytes(),
            same_data_as: Some(0),
            ..entries[0].clone()
        });
    }
    let zip = write(dir.path(), "overlap.zip", &raw_zip(&entries, None));
    let out = check(&zip, &[]);
    expect_finding(&out, "TP085", "share compressed data");
    assert_bounded(&out, "overlapping bomb");
}

#[test]
fn compression_ratio_bomb_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = vec![0u8; 64 << 20];
    let bomb = RawEntry {
        method: 12,
        data: hostile_corpus::compress(&zeros, zip::CompressionMethod::Bzip2),
        ..RawEntry::stored("lecture.mp4", &zeros)
    };
    let zip = write(dir.path(), "bomb.zip", &raw_zip(&[note(), bomb], None));
    let out = check(&zip, &[]);
    expect_finding(&out, "TP082", "past the limit of 2000:1");
    assert_bounded(&out, "ratio bomb");
}

#[test]
fn a_declared_million_entries_is_refused_before_loading() {
    let dir = tempfile::tempdir().unwrap();
    // 0xFFFF is the ZIP64 marker; this archive claims 65,000 and lists 2.
    let zip = write(
        dir.path(),
        "many.zip",
        &raw_zip(&[note(), RawEntry::stored("b.txt", b"b")], Some(65_000)),
    );
    let p = policy(dir.path(), "[limits]\nmax_entries = 1000\n");
    let out = check(&zip, &["--policy", &p]);
    let report = expect_finding(&out, "TP080", "65000 entries");
    assert!(common::file_paths(&report).is_empty(), "nothing is read");
    assert_eq!(report["policy"]["limits"]["max_entries"], 1000);
    assert_bounded(&out, "too many entries");
}

/// Issue 13 #8: a central directory stuffed with 64 KiB comments (197 MB)
/// or 1 KiB names (60,000 entries) was loaded whole (770 MB, 157 MB).
#[test]
fn a_stuffed_central_directory_is_refused_before_loading() {
    let dir = tempfile::tempdir().unwrap();
    python_zip(
        dir.path(),
        r#"
def stuffed(path, n, name_of, comment):
    with open(path, 'wb') as f:
        offsets = []; at = 0
        for i in range(n):
            name = name_of(i)
            h = b'PK\x03\x04' + struct.pack('<HHHHHIIIHH', 20, 0x800, 0, 0, 0x21,
                zlib.crc32(b'x'), 1, 1, len(name), 0) + name + b'x'
            f.write(h); offsets.append(at); at += len(h)
        size = 0
        for i in range(n):
            name = name_of(i)
            r = b'PK\x01\x02' + struct.pack('<HHHHHHIIIHHHHHII', 20, 20, 0x800, 0, 0, 0x21,
                zlib.crc32(b'x'), 1, 1, len(name), 0, len(comment), 0, 0, 0, offsets[i])
            f.write(r + name + comment); size += len(r) + len(name) + len(comment)
        f.write(b'PK\x05\x06' + struct.pack('<HHHHIIH', 0, 0, n, n, size, at, 0))
stuffed('comments.zip', 3000, lambda i: f'{i}.txt'.encode(), b'c' * 65535)
stuffed('names.zip', 60000, lambda i: (f'{i:06d}/' + 'n' * 1020).encode()[:1020], b'')
"#,
    );
    for name in ["comments.zip", "names.zip"] {
        let out = check(&dir.path().join(name), &["--lang", "zh"]);
        let report = expect_finding(&out, "TP097", "中央目录至少有");
        let f = finding(&report, "TP097");
        assert!(
            f["message_en"]
                .to_string()
                .contains("more than the limit of 8388608: nothing was read"),
            "{f}"
        );
        assert!(common::file_paths(&report).is_empty(), "nothing is read");
        assert_bounded(&out, name);
    }
}

/// The largest directory accepted, in the costliest layout (100,000 entries
/// at the entry limit, each in its own top-level folder), stays bounded.
#[test]
fn the_largest_accepted_directory_stays_under_128_mib() {
    let dir = tempfile::tempdir().unwrap();
    python_zip(
        dir.path(),
        r#"
import zipfile
with zipfile.ZipFile('wide.zip', 'w') as z:
    for i in range(100000):
        z.writestr(f'{i:06d}/' + 'n' * 29, 'x')
"#,
    );
    let out = check(&dir.path().join("wide.zip"), &[]);
    let report = out.report();
    assert_eq!(report["summary"]["files"], 100000);
    assert!(!codes(&report).contains(&"TP097".to_owned()));
    assert_bounded(&out, "100,000 entries, 7.8 MiB directory");
}

#[test]
fn limits_on_entries_bytes_paths_and_depth() {
    let dir = tempfile::tempdir().unwrap();
    let many: Vec<RawEntry> = (0..12)
        .map(|i| RawEntry::stored(&format!("f{i}.txt"), b"x"))
        .collect();
    let zip = write(dir.path(), "many.zip", &raw_zip(&many, None));
    let p = policy(dir.path(), "[limits]\nmax_entries = 10\n");
    expect_finding(
        &check(&zip, &["--policy", &p]),
        "TP080",
        "more than the limit of 10",
    );

    let mb = vec![7u8; 1 << 20];
    let zip = write(
        dir.path(),
        "bytes.zip",
        &raw_zip(
            &[
                RawEntry::stored("a.bin", &mb),
                RawEntry::stored("b.bin", &mb),
                RawEntry::stored("c.bin", &mb),
            ],
            None,
        ),
    );
    let p = policy(dir.path(), "[limits]\nmax_total_bytes = 1500000\n");
    expect_finding(
        &check(&zip, &["--policy", &p]),
        "TP081",
        "more than 1500000 bytes",
    );

    let long = format!("{}/x.txt", "长".repeat(400));
    let deep = format!("{}x.txt", "d/".repeat(70));
    let zip = write(
        dir.path(),
        "paths.zip",
        &raw_zip(
            &[
                note(),
                RawEntry::stored(&long, b"x"),
                RawEntry::stored(&deep, b"y"),
            ],
            None,
        ),
    );
    let out = check(&zip, &[]);
    expect_finding(&out, "TP083", "1206 bytes long");
    expect_finding(&out, "TP084", "71 levels deep");
}

// ----------------------------------------------------------------- folders

#[test]
fn folder_links_fifos_and_deep_trees() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("讲义.txt"), "第1课").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", pkg.join("passwd.txt")).unwrap();
    std::os::unix::fs::symlink("..", pkg.join("up")).unwrap();
    let fifo = pkg.join("pipe.mp4");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    let mut deep = pkg.clone();
    for _ in 0..70 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("x.txt"), "deep").unwrap();

    let out = check(&pkg, &[]);
    let report = out.report();
    assert_eq!(out.code, Some(1));
    finding(&report, "TP032");
    finding(&report, "TP034");
    finding(&report, "TP084");
    let paths = common::file_paths(&report);
    assert_eq!(
        paths,
        vec!["讲义.txt"],
        "links, FIFOs and deep files are not read"
    );
    assert!(out.elapsed < Duration::from_secs(20), "a FIFO was opened");
}

#[test]
fn folder_over_the_entry_limit_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    for i in 0..6 {
        std::fs::write(pkg.join(format!("{i}.txt")), "x").unwrap();
    }
    let p = policy(dir.path(), "[limits]\nmax_entries = 5\n");
    let out = check(&pkg, &["--policy", &p]);
    let report = expect_finding(&out, "TP080", "more than 5 entries");
    assert!(common::file_paths(&report).is_empty());
}

#[test]
fn non_utf8_names_are_read_without_loss() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    // GBK bytes of 课件 plus .txt: not UTF-8.
    let name = std::ffi::OsStr::from_bytes(b"\xbf\xce\xbc\xfe.txt");
    let content = b"content of a file with a GBK name";
    std::fs::write(pkg.join(name), content).unwrap();
    // Latin-1 "café.txt": neither UTF-8 nor GBK.
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(pkg.join(latin1), b"latin-1").unwrap();
    let out = check(&pkg, &[]);
    let report = out.report();
    finding(&report, "TP044");
    assert_eq!(common::findings_at(&report, "TP035", "caf%E9.txt").len(), 1);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    let gbk = common::file(&report, "课件.txt").expect("shown decoded from GBK");
    assert_eq!(gbk["size"], content.len());
    assert_eq!(gbk["sha256"], common::sha256_hex(content));
    assert_eq!(gbk["path_bytes"], "bfcebcfe2e747874");
}

#[test]
fn unreadable_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("讲义.txt"), "x").unwrap();
    let locked = pkg.join("locked.pdf");
    std::fs::write(&locked, "%PDF-1.4").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_err() {
        expect_finding(&check(&pkg, &[]), "TP033", "cannot read this file");
        return;
    }
    // Root reads anything: run the check as `nobody` instead (setpriv, from
    // util-linux), with the folders opened up so only the file is locked.
    for d in [dir.path(), pkg.as_path()] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(pkg.join("讲义.txt"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(common::bin_path())
        .arg("check")
        .arg(&pkg)
        .args(["--json", "-q"])
        .env("NO_COLOR", "1")
        .current_dir(dir.path());
    let out = run_measured(cmd, MINUTE);
    expect_finding(&out, "TP033", "cannot read this file");
}

#[test]
fn a_file_growing_during_the_check_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let growing = pkg.join("recording.bin");
    std::fs::write(&growing, vec![1u8; 96 << 20]).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let growing = growing.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&growing)
                .unwrap();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                f.write_all(&[2u8; 512]).unwrap();
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    let mut cmd = common::trainpack_std();
    cmd.arg("check").arg(&pkg).args(["--json", "-q"]);
    let out = run_measured(cmd, MINUTE);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    expect_finding(&out, "TP092", "changed while it was being read");
}

// ------------------------------------------------------------------- media

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn truncated_and_corrupt_videos() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let full = dir.path().join("full.mp4");
    if !hostile_corpus::make_video(&full) {
        return;
    }
    let bytes = std::fs::read(&full).unwrap();
    std::fs::write(pkg.join("truncated.mp4"), &bytes[..bytes.len() / 2]).unwrap();
    let mut corrupt = bytes.clone();
    for b in corrupt.iter_mut().skip(32) {
        *b ^= 0x5a;
    }
    std::fs::write(pkg.join("corrupt.mp4"), &corrupt).unwrap();
    for engine in ["builtin", "ffprobe", "auto"] {
        let out = check(&pkg, &["--probe", engine]);
        let report = out.report();
        assert_eq!(out.code, Some(1), "{engine}");
        let bad: Vec<&Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "TP013" || f["code"] == "TP011")
            .collect();
        assert_eq!(bad.len(), 2, "{engine}: {:#}", report["findings"]);
    }
}

#[test]
fn a_hanging_probe_is_ended_by_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    if !hostile_corpus::make_video(&pkg.join("lecture.mp4")) {
        return;
    }
    let hang = script(dir.path(), "ffprobe-hang", "exec sleep 60");
    let out = check_env(
        &pkg,
        &["--probe", "ffprobe", "--probe-timeout", "1"],
        &[("TRAINPACK_FFPROBE", &hang)],
    );
    expect_finding(&out, "TP015", "did not finish within 1 s");
    assert!(out.elapsed < Duration::from_secs(15), "{:?}", out.elapsed);
}

#[test]
fn a_crashing_probe_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    if !hostile_corpus::make_video(&pkg.join("lecture.mp4")) {
        return;
    }
    let crash = script(dir.path(), "ffprobe-crash", "kill -SEGV $$");
    let out = check_env(
        &pkg,
        &["--probe", "ffprobe"],
        &[("TRAINPACK_FFPROBE", &crash)],
    );
    expect_finding(&out, "TP013", "signal");
}

// --------------------------------------------------------- atomic outputs

/// Incompressible bytes (xorshift), so packing cannot shrink them.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A package of a few large files, so `pack` runs long enough to be killed.
fn big_package(dir: &Path) -> PathBuf {
    let pkg = dir.join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    for i in 0..4 {
        std::fs::write(pkg.join(format!("{i}.bin")), noise(12 << 20, i + 1)).unwrap();
    }
    std::fs::write(pkg.join("讲义.txt"), "第1课").unwrap();
    pkg
}

#[test]
fn sigkill_during_pack_leaves_no_final_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = big_package(dir.path());
    // A whole run first, to know how long one takes.
    let started = std::time::Instant::now();
    let full = dir.path().join("full");
    let status = common::trainpack_std()
        .args(["pack", "--force", "-q", "-o"])
        .arg(&full)
        .arg(&pkg)
        .output()
        .unwrap();
    assert!(status.status.code().is_some_and(|c| c == 0 || c == 1));
    let whole = started.elapsed();
    assert!(full.join("pkg.zip").exists() && full.join("pkg.upload.json").exists());
    for (round, share) in [0.02f64, 0.2, 0.4, 0.6, 0.8, 0.9, 0.97]
        .into_iter()
        .enumerate()
    {
        let delay = whole.mul_f64(share);
        let out = dir.path().join(format!("out{round}"));
        let mut child = common::trainpack_std()
            .args(["pack", "--force", "-q", "-o"])
            .arg(&out)
            .arg(&pkg)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let zip = out.join("pkg.zip");
        let ticket = out.join("pkg.upload.json");
        if zip.exists() {
            // Renamed into place only when complete: it must open and read whole.
            common::read_zip(&zip);
        }
        if ticket.exists() {
            assert!(zip.exists(), "a ticket without its archive");
            let t: Value = common::load_json(&ticket);
            assert_eq!(t["sha256"], common::sha256_file(&zip));
        }
        eprintln!(
            "killed after {delay:?} of {whole:?}: archive {}, ticket {}, left {:?}",
            zip.exists(),
            ticket.exists(),
            tree(&out)
        );
    }
}

#[test]
fn a_full_disk_is_a_clear_error_with_no_final_file() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("a.bin"), noise(3 << 20, 1)).unwrap();
    std::fs::write(pkg.join("讲义.txt"), "第1课").unwrap();
    let mnt = dir.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1M", "tmpfs"])
        .arg(&mnt)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipped: cannot mount a 1 MiB tmpfs here (needs root)");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());

    let mut cmd = common::trainpack_std();
    cmd.args(["pack", "--force", "-q", "-o"])
        .arg(&mnt)
        .arg(&pkg);
    let out = run_measured(cmd, MINUTE);
    assert_eq!(out.code, Some(2), "pack on a full disk: {}", out.stderr);
    assert!(
        out.stderr.contains("No space left on device"),
        "stderr: {}",
        out.stderr
    );
    assert!(tree(&mnt).is_empty(), "left behind: {:?}", tree(&mnt));

    // Fill the disk, then a small manifest cannot be written either.
    let filler = mnt.join("filler");
    let _ = std::fs::write(&filler, vec![0u8; 2 << 20]);
    let target = mnt.join("m.json");
    let mut cmd = common::trainpack_std();
    cmd.arg("manifest").arg(&pkg).arg("-o").arg(&target);
    let out = run_measured(cmd, MINUTE);
    assert_eq!(out.code, Some(2), "manifest on a full disk: {}", out.stderr);
    assert!(
        out.stderr.contains("No space left on device"),
        "{}",
        out.stderr
    );
    assert_eq!(tree(&mnt), vec!["filler"], "only the filler remains");
}

/// Issue 13: `verify --fast` reads no entry data, so it compares what the
/// zip's central directory says of each entry with what the manifest
/// recorded from it: CRC-32, compressed size and method, besides the size.
/// Python's `zipfile` writes the zip; the tamper then rewrites one entry's
/// text (same length, digits zeroed) as a shorter deflate stream, pads it
/// with zeros to the old compressed size and sets both headers' CRC-32 to
/// the new text's, so sizes, offsets and headers all agree. A second
/// tamper, on a zip streamed with data descriptors (so the local header
/// states no CRC to disagree with), changes only the directory's CRC-32.
/// A manifest without the records (as older trainpack wrote) is compared
/// by size only, and the output says so.
#[test]
fn verify_fast_compares_the_crc_and_compressed_size_of_zip_entries() {
    let dir = tempfile::tempdir().unwrap();
    python_zip(
        dir.path(),
        r#"
import io, re, zipfile
real = ''.join(f'第{i}课 讲义 {i * 7919 % 100003}\n' for i in range(20000)).encode()
def write(z):
    z.writestr('a.txt', real)
    z.writestr('b.txt', b'notes ' * 100)
with zipfile.ZipFile('honest.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    write(z)
d = bytearray(open('honest.zip', 'rb').read())
# a.txt is the first entry: its local header at 0, its central one first.
name_len, extra_len = struct.unpack('<HH', d[26:30])
start = 30 + name_len + extra_len
old = struct.unpack('<I', d[18:22])[0]
edited = re.sub(rb'[0-9]', b'0', real)
assert len(edited) == len(real)
short = deflate(edited)
assert len(short) < old
d[start:start + old] = short + bytes(old - len(short))
cd = struct.unpack('<I', d[-6:-2])[0]
assert d[cd:cd + 4] == b'PK\x01\x02' and d[cd + 46:cd + 51] == b'a.txt'
for at in (14, cd + 16):
    struct.pack_into('<I', d, at, zlib.crc32(edited))
open('padded.zip', 'wb').write(d)

class Pipe(io.RawIOBase):
    def __init__(self, f): self.f = f
    def writable(self): return True
    def write(self, b): return self.f.write(b)
with open('streamed.zip', 'wb') as f, zipfile.ZipFile(Pipe(f), 'w', zipfile.ZIP_DEFLATED) as z:
    write(z)
d = bytearray(open('streamed.zip', 'rb').read())
assert struct.unpack('<HI', d[6:8] + d[14:18]) == (0x08, 0), 'CRC deferred to a descriptor'
cd = struct.unpack('<I', d[-6:-2])[0]
assert d[cd + 46:cd + 51] == b'a.txt'
crc = struct.unpack('<I', d[cd + 16:cd + 20])[0]
struct.pack_into('<I', d, cd + 16, crc ^ 1)
open('streamed_crc.zip', 'wb').write(d)
"#,
    );
    let at = |name: &str| dir.path().join(name);
    let verify = |zip: &Path, manifest: &Path, fast: bool| {
        let mut cmd = common::trainpack();
        cmd.arg("verify").arg(zip).arg("--manifest").arg(manifest);
        if fast {
            cmd.arg("--fast");
        }
        common::run(&mut cmd)
    };
    for (original, tampered, says) in [
        ("honest.zip", "padded.zip", "(CRC-32 "),
        ("streamed.zip", "streamed_crc.zip", "(CRC-32 "),
    ] {
        let (original, tampered) = (at(original), at(tampered));
        let manifest = original.with_extension("json");
        let made = common::run(
            common::trainpack()
                .arg("manifest")
                .arg(&original)
                .arg("-o")
                .arg(&manifest),
        );
        // Text only, no video: the verdict fails (exit 1); the manifest is written.
        assert_eq!(made.code, 1, "{}", made.stderr);
        let recorded = common::load_json(&manifest);
        let a = common::file(&recorded, "a.txt").unwrap();
        assert_eq!(a["zip"]["method"], 8, "{a:#}");
        assert_eq!(
            std::fs::metadata(&original).unwrap().len(),
            std::fs::metadata(&tampered).unwrap().len(),
            "the tamper keeps the archive's size"
        );
        assert_eq!(verify(&original, &manifest, true).code, 0);
        // What a listing shows (no data read): the same before and after.
        let listed = |p: &Path| {
            let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
            (0..z.len())
                .map(|i| {
                    let e = z.by_index_raw(i).unwrap();
                    (
                        e.name().unwrap().into_owned(),
                        e.size(),
                        e.compressed_size(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(listed(&original), listed(&tampered), "same names and sizes");

        for fast in [true, false] {
            let out = verify(&tampered, &manifest, fast);
            assert_eq!(out.code, 1, "fast={fast}: {}\n{}", out.stdout, out.stderr);
            assert!(
                out.stdout.contains("a.txt") && !out.stdout.contains("b.txt"),
                "fast={fast}: {}",
                out.stdout
            );
        }
        let out = verify(&tampered, &manifest, true);
        assert!(
            out.stdout.contains("changed  a.txt") && out.stdout.contains(says),
            "{}",
            out.stdout
        );
        let json = common::run(
            common::trainpack()
                .args(["verify", "--json", "--fast", "-m"])
                .arg(&manifest)
                .arg(&tampered),
        );
        let v: Value = serde_json::from_str(&json.stdout).unwrap();
        let change = &v["changes"][0];
        assert_eq!(change["change"], "changed", "{v:#}");
        assert_eq!(change["old_zip"], a["zip"], "{v:#}");
        assert_ne!(change["new_zip"]["crc32"], a["zip"]["crc32"], "{v:#}");
        assert_eq!(v["sizes_only"], 0, "{v:#}");

        // The same manifest without the records, as older trainpack wrote
        // it: --fast compares sizes only, cannot see the tamper, says so.
        let mut old = recorded.clone();
        for f in old["files"].as_array_mut().unwrap() {
            f.as_object_mut().unwrap().remove("zip");
        }
        let old_manifest = original.with_extension("old.json");
        std::fs::write(&old_manifest, old.to_string()).unwrap();
        let out = verify(&tampered, &old_manifest, true);
        assert_eq!(out.code, 0, "{}", out.stdout);
        assert!(
            out.stdout
                .contains("no CRC-32 for 2 zip entries (written by an older trainpack)"),
            "{}",
            out.stdout
        );
        assert_eq!(verify(&tampered, &old_manifest, false).code, 1);
    }
}
