//! Zips as other tools write them: Python's zipfile (with raw headers
//! rewritten by struct where a tool's quirk is needed), Info-ZIP `zip` and
//! 7-Zip. Valid archives must be read with no false error; files that are
//! not zips must be named for what they are.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{check_json, findings, run, trainpack};
use serde_json::Value;

/// Helpers every script gets: `build(entries)` writes a zip from raw local
/// and central headers (each field as given), `up(utf8, raw)` an Info-ZIP
/// Unicode Path extra field (0x7075) for a raw name.
const RAWZIP: &str = r#"
import struct, zlib, zipfile, sys, os
def up(name_utf8, raw):
    body = b'\x01' + struct.pack('<I', zlib.crc32(raw)) + name_utf8
    return struct.pack('<HH', 0x7075, len(body)) + body
def build(entries, gap=b''):
    out = bytearray(); cds = bytearray()
    for e in entries:
        data = e['data']; crc = zlib.crc32(data); off = len(out)
        dd = e.get('lflags', 0) & 8
        lcrc, lsz = (0, 0) if dd and e.get('zero_local', True) else (crc, len(data))
        lname = e.get('lname', e.get('name')); cname = e.get('cname', e.get('name'))
        out += b'PK\x03\x04' + struct.pack('<HHHHHIIIHH', 20, e.get('lflags', 0), 0, 0, 0x21,
            lcrc, lsz, lsz, len(lname), len(e.get('lextra', b'')))
        out += lname + e.get('lextra', b'') + data
        if dd: out += b'PK\x07\x08' + struct.pack('<III', crc, len(data), len(data))
        out += gap
        if e.get('hidden'): continue
        cds += b'PK\x01\x02' + struct.pack('<HHHHHHIIIHHHHHII', 20, 20, e.get('cflags', 0), 0, 0,
            0x21, crc, len(data), e.get('csize', len(data)), len(cname), len(e.get('cextra', b'')),
            0, 0, 0, e.get('attrs', 0), off)
        cds += cname + e.get('cextra', b'')
    cd = len(out); out += cds
    n = len([e for e in entries if not e.get('hidden')])
    out += b'PK\x05\x06' + struct.pack('<HHHHIIH', 0, 0, n, n, len(cds), cd, 0)
    return bytes(out)
NOTE = ('第1课 导论\n' * 20).encode()
"#;

/// Run a Python script (after [`RAWZIP`]) in `dir`.
fn python(dir: &Path, script: &str) {
    let out = Command::new("python3")
        .current_dir(dir)
        .arg("-c")
        .arg(format!("{RAWZIP}\n{script}"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Codes of the findings, without the ratio, descriptor and review (TP004)
/// ones every small package gets.
fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .filter(|c| !["TP001", "TP002", "TP004", "TP043"].contains(&c.as_str()))
        .collect()
}

/// `check --json`: the report of a zip that must be read, every file listed.
fn read_ok(zip: &Path, files: &[&str]) -> Value {
    let (code, report) = check_json(zip, &[]);
    assert!(code == 0 || code == 1, "{}: exit {code}", zip.display());
    assert_eq!(
        common::file_paths(&report),
        files,
        "{}: {:#}",
        zip.display(),
        report["findings"]
    );
    report
}

/// Exit 2 with `words` in the English message and `zh` in the Chinese one.
fn refused(path: &Path, words: &str, zh: &str) {
    for (lang, expect) in [("en", words), ("zh", zh)] {
        let out = run(trainpack()
            .arg("check")
            .arg(path)
            .args(["-q", "--lang", lang]));
        assert_eq!(out.code, 2, "{}: {}", path.display(), out.stderr);
        assert!(out.stdout.is_empty());
        assert!(
            out.stderr.contains(expect),
            "{} ({lang}): stderr lacks {expect:?}:\n{}",
            path.display(),
            out.stderr
        );
    }
}

fn tmp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    (dir, path)
}

// ------------------------------------------------ valid archives, read whole

#[test]
fn self_extractor_prefix_and_padding_between_entries_are_read() {
    if !common::have_tool("python3") {
        return;
    }
    let (_keep, dir) = tmp();
    python(
        &dir,
        r#"
with zipfile.ZipFile('plain.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('讲义.txt', NOTE)
    z.writestr('模块1/b.txt', b'hello world ' * 50)
plain = open('plain.zip', 'rb').read()
# A self-extractor: a program with the zip appended, offsets not adjusted
# (`cat stub.exe a.zip`), as unzip and Python read it.
open('sfx.zip', 'wb').write(b'MZ' + b'\x90' * 5000 + plain)
open('sfx_sh.zip', 'wb').write(b'#!/bin/sh\necho extracting\nexit 0\n' + plain)
# The same with zip64 end records and a locator.
p = plain.find(b'PK\x01\x02'); eo = plain.rfind(b'PK\x05\x06')
cd = plain[p:eo]; n = 2
z = bytearray(plain[:p]); z += cd; z64 = len(z)
z += b'PK\x06\x06' + struct.pack('<QHHIIQQQQ', 44, 45, 45, 0, 0, n, n, len(cd), p)
z += b'PK\x06\x07' + struct.pack('<IQI', 0, z64, 1)
z += b'PK\x05\x06' + struct.pack('<HHHHIIH', 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
open('z64.zip', 'wb').write(z)
open('z64_sfx.zip', 'wb').write(b'MZ' + b'\x90' * 3000 + bytes(z))
# Padding between entries and before the central directory.
open('gaps.zip', 'wb').write(build([dict(name='讲义.txt'.encode(), data=NOTE, cflags=0x800, lflags=0x800),
    dict(name=b'b.txt', data=b'hello world ' * 50)], gap=b'\0' * 100))
# A self-extractor whose offsets count from the file's start (what
# `zip -A` makes, and Python's append mode): 7-Zip reads it too.
open('sfx_adjusted.zip', 'wb').write(b'MZ' + b'\x90' * 5000)
with zipfile.ZipFile('sfx_adjusted.zip', 'a', zipfile.ZIP_DEFLATED) as z:
    z.writestr('讲义.txt', NOTE)
    z.writestr('模块1/b.txt', b'hello world ' * 50)
for f in ['sfx.zip', 'sfx_sh.zip', 'z64.zip', 'z64_sfx.zip', 'gaps.zip', 'sfx_adjusted.zip']:
    assert zipfile.ZipFile(f).testzip() is None, f
"#,
    );
    for name in ["sfx.zip", "sfx_sh.zip", "z64_sfx.zip"] {
        let report = read_ok(&dir.join(name), &["模块1/b.txt", "讲义.txt"]);
        assert_eq!(codes(&report), ["TP093"], "{name}: only the 7-Zip warning");
        assert_eq!(findings(&report, "TP093")[0]["severity"], "warning");
    }
    for name in ["z64.zip", "sfx_adjusted.zip"] {
        let report = read_ok(&dir.join(name), &["模块1/b.txt", "讲义.txt"]);
        assert!(codes(&report).is_empty(), "{name}: {:?}", codes(&report));
    }
    let report = read_ok(&dir.join("z64.zip"), &["模块1/b.txt", "讲义.txt"]);
    assert!(codes(&report).is_empty(), "{:?}", codes(&report));
    let report = read_ok(&dir.join("gaps.zip"), &["b.txt", "讲义.txt"]);
    assert!(codes(&report).is_empty(), "{:?}", codes(&report));
}

#[test]
fn zip64_archives_from_python_and_info_zip_are_read() {
    if !common::have_tool("python3") || !common::have_tool("zip") {
        return;
    }
    let (_keep, dir) = tmp();
    python(
        &dir,
        r#"
with zipfile.ZipFile('forced.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    for name, data in [('讲义.txt', NOTE), ('模块1/b.txt', b'hello ' * 300)]:
        with z.open(name, 'w', force_zip64=True) as f:
            f.write(data)
# More than 65,535 entries: zip64 end record and locator, 0xFFFF in the end record.
with zipfile.ZipFile('many.zip', 'w') as z:
    for i in range(66000):
        z.writestr(f'd/{i}.txt', 'x')
os.makedirs('src', exist_ok=True)
open('src/讲义.txt', 'wb').write(NOTE)
"#,
    );
    read_ok(&dir.join("forced.zip"), &["模块1/b.txt", "讲义.txt"]);
    let (_, report) = check_json(&dir.join("many.zip"), &[]);
    assert_eq!(report["summary"]["files"], 66000, "{:#}", report["summary"]);
    assert!(codes(&report).is_empty(), "{:?}", codes(&report));
    let status = Command::new("zip")
        .current_dir(dir.join("src"))
        .args(["-q", "-fz", "../fz.zip", "讲义.txt"])
        .status()
        .unwrap();
    assert!(status.success());
    let report = read_ok(&dir.join("fz.zip"), &["讲义.txt"]);
    assert!(codes(&report).is_empty(), "{:?}", codes(&report));
}

// ---------------------------------------------------------- not a zip at all

#[test]
fn rar_7z_pdf_and_truncated_uploads_are_named() {
    if !common::have_tool("python3") || !common::have_tool("7z") {
        return;
    }
    let (_keep, dir) = tmp();
    // rar cannot be installed: the RAR4 and RAR5 signatures, then junk.
    std::fs::write(
        dir.join("a.rar"),
        [&b"Rar!\x1a\x07\x00"[..], &[0x55; 400]].concat(),
    )
    .unwrap();
    std::fs::write(
        dir.join("b.rar"),
        [&b"Rar!\x1a\x07\x01\x00"[..], &[0x55; 400]].concat(),
    )
    .unwrap();
    // Misnamed as .zip too: the content decides, not the name.
    std::fs::copy(dir.join("b.rar"), dir.join("course.zip")).unwrap();
    std::fs::write(dir.join("note.txt"), "第1课 导论\n".repeat(50)).unwrap();
    let status = Command::new("7z")
        .current_dir(&dir)
        .args(["a", "-bd", "-bso0", "s.7z", "note.txt"])
        .status()
        .unwrap();
    assert!(status.success());
    python(
        &dir,
        r#"
pdf = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
open('lesson.pdf', 'wb').write(pdf)
open('lesson.zip', 'wb').write(pdf)
with zipfile.ZipFile('whole.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('讲义.txt', NOTE * 50)
    z.writestr('b.bin', os.urandom(20000))
w = open('whole.zip', 'rb').read()
open('cut.zip', 'wb').write(w[:len(w) // 2])
open('cut_end.zip', 'wb').write(w[:-10])
# A package holding a .pptx (itself a zip), cut inside the .pptx after its
# own end record: the last end record found is the inner file's.
import io
inner = io.BytesIO()
with zipfile.ZipFile(inner, 'w') as z:
    z.writestr('ppt/slide1.xml', b'<p/>' * 100)
with zipfile.ZipFile('outer.zip', 'w') as z:
    z.writestr('讲义.txt', NOTE)
    z.writestr('slides.pptx', inner.getvalue() + b'\0' * 3000)
o = open('outer.zip', 'rb').read()
i = o.find(inner.getvalue())
open('cut_inner.zip', 'wb').write(o[:i + len(inner.getvalue()) + 100])
"#,
    );
    for rar in ["a.rar", "b.rar", "course.zip"] {
        refused(
            &dir.join(rar),
            "it is a RAR archive; repack it as zip",
            "这是 RAR 压缩包；请重新打包为 zip",
        );
    }
    refused(
        &dir.join("s.7z"),
        "it is a 7z archive; repack it as zip",
        "这是 7z 压缩包；请重新打包为 zip",
    );
    for pdf in ["lesson.pdf", "lesson.zip"] {
        refused(
            &dir.join(pdf),
            "not an archive at all (it is a PDF document)",
            "根本不是压缩包（它是 PDF 文档）",
        );
    }
    for cut in ["cut.zip", "cut_end.zip", "cut_inner.zip"] {
        refused(&dir.join(cut), "a truncated zip", "压缩包不完整");
        refused(
            &dir.join(cut),
            "the upload or copy was interrupted; copy it again",
            "上传或复制被中断；请重新复制",
        );
    }
}

// ------------------------------------------- local and central headers agree

#[test]
fn unicode_path_field_and_descriptor_flag_are_not_header_mismatches() {
    if !common::have_tool("python3") {
        return;
    }
    let (_keep, dir) = tmp();
    python(
        &dir,
        r#"
u = '模块1/讲义.txt'.encode(); g = '模块1/讲义.txt'.encode('gbk'); d = NOTE
other = dict(name=b'b.txt', data=b'x' * 30)
cases = {
    # Info-ZIP on Windows: GBK raw names, the UTF-8 name in 0x7075.
    'up_both': dict(name=g, lextra=up(u, g), cextra=up(u, g)),
    'up_central_only': dict(name=g, cextra=up(u, g)),
    'up_local_only': dict(name=g, lextra=up(u, g)),
    # Local name already UTF-8 (flagged), central GBK with 0x7075.
    'up_local_utf8': dict(lname=u, lflags=0x800, cname=g, cextra=up(u, g)),
    # Data descriptor bit in one header only; sizes and CRC agree.
    'dd_local_zeros': dict(name=b'a.txt', lflags=8),
    'dd_local_sizes': dict(name=b'a.txt', lflags=8, zero_local=False),
    'dd_central': dict(name=b'a.txt', cflags=8),
}
for k, v in cases.items():
    open(k + '.zip', 'wb').write(build([dict(dict(data=d), **v), other]))
# Python writing to a pipe sets bit 3 in both headers; clear it in the directory.
import io
class Pipe(io.RawIOBase):
    def __init__(s): s.b = bytearray()
    def writable(s): return True
    def write(s, x): s.b += x; return len(x)
p = Pipe()
with zipfile.ZipFile(p, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('a.txt', d)
    z.writestr('b.txt', b'x' * 30)
b = bytearray(p.b); c = b.find(b'PK\x01\x02')
assert b[c + 8] & 8
b[c + 8] &= ~8
open('dd_python.zip', 'wb').write(b)
# Smuggling stays a mismatch: a 0x7075 naming another file than the
# directory does (its CRC matches the local raw name).
open('up_smuggled.zip', 'wb').write(build([dict(data=d, name=b'lesson.pdf',
    lextra=up(b'setup.exe', b'lesson.pdf')), other]))
# Python's zipfile compares raw names, so it refuses up_local_utf8 (as 7-Zip
# does; unzip reads it with a warning): the decoded names are the same.
for f in [c for c in cases if c != 'up_local_utf8'] + ['dd_python']:
    assert zipfile.ZipFile(f + '.zip').testzip() is None, f
"#,
    );
    for name in [
        "up_both",
        "up_central_only",
        "up_local_only",
        "up_local_utf8",
    ] {
        let report = read_ok(
            &dir.join(format!("{name}.zip")),
            &["b.txt", "模块1/讲义.txt"],
        );
        let codes = codes(&report);
        assert!(!codes.contains(&"TP088".to_owned()), "{name}: {codes:?}");
        assert!(!codes.contains(&"TP033".to_owned()), "{name}: {codes:?}");
    }
    for name in [
        "dd_local_zeros",
        "dd_local_sizes",
        "dd_central",
        "dd_python",
    ] {
        let report = read_ok(&dir.join(format!("{name}.zip")), &["a.txt", "b.txt"]);
        assert!(codes(&report).is_empty(), "{name}: {:?}", codes(&report));
    }
    let (code, report) = check_json(&dir.join("up_smuggled.zip"), &["--lang", "zh"]);
    assert_eq!(code, 1);
    let f = findings(&report, "TP088");
    assert_eq!(f.len(), 1, "{:#}", report["findings"]);
    assert!(
        f[0]["message_en"]
            .as_str()
            .unwrap()
            .contains("names it setup.exe")
    );
    assert!(
        f[0]["message_zh"]
            .as_str()
            .unwrap()
            .contains("本地文件头中的名称为 setup.exe")
    );
}

// ------------------------------------------------------------- passwords

#[test]
fn a_password_protected_zip_is_one_clear_refusal() {
    if !common::have_tool("zip") || !common::have_tool("7z") {
        return;
    }
    let (_keep, dir) = tmp();
    let src = dir.join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("讲义.txt"), "第1课 导论\n".repeat(50)).unwrap();
    std::fs::write(src.join("b.txt"), "hello ".repeat(50)).unwrap();
    let make = |program: &str, args: &[&str]| {
        let out = Command::new(program)
            .current_dir(&src)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{program} {args:?}: {out:?}");
    };
    make(
        "zip",
        &[
            "-q",
            "-P",
            "secret",
            "../zipcrypto.zip",
            "讲义.txt",
            "b.txt",
        ],
    );
    for (name, method) in [
        ("7z_zipcrypto.zip", "-mem=ZipCrypto"),
        ("7z_aes.zip", "-mem=AES256"),
    ] {
        let out = format!("../{name}");
        make(
            "7z",
            &[
                "a",
                "-bso0",
                "-tzip",
                "-psecret",
                method,
                &out,
                "讲义.txt",
                "b.txt",
            ],
        );
    }
    for name in ["zipcrypto.zip", "7z_zipcrypto.zip", "7z_aes.zip"] {
        refused(
            &dir.join(name),
            "password-protected zip: all 2 entries are encrypted",
            "压缩包设有密码：全部 2 个条目均已加密",
        );
    }
    // Only some entries encrypted: the others are read, one TP037 each.
    make("zip", &["-q", "../some.zip", "b.txt"]);
    make("zip", &["-q", "-P", "secret", "../some.zip", "讲义.txt"]);
    let report = read_ok(&dir.join("some.zip"), &["b.txt"]);
    assert_eq!(codes(&report), ["TP037"]);
    assert_eq!(findings(&report, "TP037")[0]["path"], "讲义.txt");
}

#[test]
fn manifest_verify_and_pack_say_what_the_file_is_in_both_languages() {
    let (_keep, dir) = tmp();
    let rar = dir.join("course.rar");
    std::fs::write(&rar, [&b"Rar!\x1a\x07\x01\x00"[..], &[0x55; 400]].concat()).unwrap();
    let out_dir = dir.join("out");
    let manifest = dir.join("m.json");
    let commands: [Vec<&std::ffi::OsStr>; 3] = [
        vec![
            "manifest".as_ref(),
            rar.as_os_str(),
            "-o".as_ref(),
            manifest.as_os_str(),
        ],
        vec!["verify".as_ref(), rar.as_os_str()],
        vec![
            "pack".as_ref(),
            rar.as_os_str(),
            "-o".as_ref(),
            out_dir.as_os_str(),
        ],
    ];
    for args in &commands {
        for (lang, expect) in [("en", "it is a RAR archive"), ("zh", "这是 RAR 压缩包")] {
            let out = run(trainpack().args(args).args(["--lang", lang]));
            assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
            assert!(
                out.stderr.contains(expect),
                "{args:?} {lang}: {}",
                out.stderr
            );
        }
    }
}
