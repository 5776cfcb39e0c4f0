//! Helpers shared by the integration tests (`mod common;`).
//!
//! Every test file uses a different subset, so unused helpers are expected.
#![allow(dead_code)]

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Absolute path of the built `trainpack` binary.
pub fn bin_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_trainpack"))
}

/// The `trainpack` binary with a deterministic environment: no locale
/// variables (so messages are English unless a test sets `LANG` or passes
/// `--lang`), no ffprobe override, no colour.
pub fn trainpack() -> Command {
    Command::from_std(trainpack_std())
}

/// [`trainpack`] as a plain `std::process::Command`, for tests that spawn
/// and measure the process themselves.
pub fn trainpack_std() -> StdCommand {
    let mut cmd = StdCommand::new(bin_path());
    cmd.env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("TRAINPACK_FFPROBE")
        .env_remove("TRAINPACK_FFMPEG")
        .env("NO_COLOR", "1");
    cmd
}

/// A committed sample: `samples/<name>`.
pub fn sample(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    assert!(path.exists(), "sample {} is missing", path.display());
    path
}

/// Everything one run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run a prepared command and capture its outcome. Fails the test if the
/// process was killed by a signal or panicked.
pub fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().expect("cannot run trainpack");
    let stdout = String::from_utf8(output.stdout).expect("stdout is not UTF-8");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "trainpack panicked:\n{stderr}"
    );
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("trainpack was killed by a signal; stderr:\n{stderr}"));
    Run {
        code,
        stdout,
        stderr,
    }
}

/// `trainpack check <path> --json -q <extra_args>`: the exit code and the
/// parsed report.
pub fn check_json(path: &Path, extra_args: &[&str]) -> (i32, Value) {
    check_json_with(&mut trainpack(), path, extra_args)
}

/// Like [`check_json`] but with a command the caller has prepared (env, cwd).
pub fn check_json_with(cmd: &mut Command, path: &Path, extra_args: &[&str]) -> (i32, Value) {
    cmd.arg("check")
        .arg(path)
        .args(["--json", "-q"])
        .args(extra_args);
    let out = run(cmd);
    let report: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not a JSON report ({e}); exit {}\nstdout:\n{}\nstderr:\n{}",
            out.code, out.stdout, out.stderr
        )
    });
    (out.code, report)
}

/// The `files[]` entry with this path, if any.
pub fn file<'a>(report: &'a Value, path: &str) -> Option<&'a Value> {
    report["files"]
        .as_array()
        .expect("files[] is an array")
        .iter()
        .find(|f| f["path"] == path)
}

/// The paths of `files[]`, in report order.
pub fn file_paths(report: &Value) -> Vec<String> {
    report["files"]
        .as_array()
        .expect("files[] is an array")
        .iter()
        .map(|f| f["path"].as_str().expect("path is a string").to_owned())
        .collect()
}

/// Findings with this code.
pub fn findings<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .expect("findings[] is an array")
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// Findings with this code about this path.
pub fn findings_at<'a>(report: &'a Value, code: &str, path: &str) -> Vec<&'a Value> {
    findings(report, code)
        .into_iter()
        .filter(|f| f["path"] == path)
        .collect()
}

/// The module summary with this name.
pub fn module<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["modules"]
        .as_array()
        .expect("modules[] is an array")
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no module {name} in {}", report["modules"]))
}

/// Copy a folder tree (regular files and folders only).
pub fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for entry in fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        let to = dst.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &to);
        } else if kind.is_file() {
            fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Every regular file under `root`, as (`/`-separated relative path, full
/// path), sorted by relative path.
pub fn list_files(root: &Path) -> Vec<(String, PathBuf)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            let path = entry.path();
            if kind.is_dir() {
                walk(root, &path, out);
            } else if kind.is_file() {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_str().expect("UTF-8 file name"))
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, path));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Zip a folder's files (no directory entries), sorted by path, with UTF-8
/// names and the given compression method.
pub fn zip_dir(src: &Path, dst_zip: &Path, method: zip::CompressionMethod) {
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    let mut writer = zip::ZipWriter::new(File::create(dst_zip).unwrap());
    for (rel, path) in list_files(src) {
        writer.start_file(rel.as_str(), options).unwrap();
        writer.write_all(&fs::read(&path).unwrap()).unwrap();
    }
    writer.finish().unwrap();
}

/// Write a zip from (name, bytes) pairs, in the given order, names as given.
pub fn zip_entries(dst_zip: &Path, entries: &[(&str, &[u8])], method: zip::CompressionMethod) {
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    let mut writer = zip::ZipWriter::new(File::create(dst_zip).unwrap());
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap();
}

/// Lowercase hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> String {
    let mut file = File::open(path).unwrap();
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `program` runs here. ffmpeg and ffprobe are asked for
/// `-version`; any other tool (Info-ZIP's `zip` refuses `-version` with
/// exit 16) only has to be on PATH.
fn tool_runs(program: &str) -> bool {
    match program {
        "ffmpeg" | "ffprobe" => StdCommand::new(program)
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success()),
        _ => on_path(program).is_some(),
    }
}

/// How to install `program`, for the messages below.
fn install_hint(program: &str) -> String {
    match program {
        "ffmpeg" | "ffprobe" => "`apt install ffmpeg`".into(),
        "7z" => "`apt install p7zip-full`".into(),
        "soffice" => "`apt install libreoffice-writer libreoffice-calc libreoffice-impress`".into(),
        "msoffcrypto-tool" | "bagit.py" => {
            format!("`pip install {}`", program.trim_end_matches(".py"))
        }
        other => format!("`apt install {other}`"),
    }
}

/// Whether a test that needs `program` (ffmpeg, zip, soffice...) can run. On a
/// machine without it the test is skipped with a message, so `cargo test`
/// works with only the Rust toolchain; in CI (`CI` or
/// `TRAINPACK_REQUIRE_FFMPEG` set) a missing tool fails the test instead.
pub fn have_tool(program: &str) -> bool {
    if tool_runs(program) {
        return true;
    }
    let required =
        std::env::var_os("CI").is_some() || std::env::var_os("TRAINPACK_REQUIRE_FFMPEG").is_some();
    assert!(
        !required,
        "`{program}` is required by this test (CI or TRAINPACK_REQUIRE_FFMPEG is set) but is not on PATH: {}",
        install_hint(program)
    );
    eprintln!("skipped: {program} not installed");
    false
}

/// Where `program` is on PATH, if it is.
pub fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Panic with a clear message unless `program` runs.
pub fn require_tool(program: &str) {
    assert!(
        tool_runs(program),
        "`{program}` is required by this test but is not installed or not on PATH: {}",
        install_hint(program)
    );
}

/// Turn `folder` into a bag in place with bagit.py, the reference tool:
/// `flags` choose the algorithms (`--sha256`, `--md5`...), `org` is the
/// Source-Organization. Panics with bagit.py's message if it fails.
pub fn make_bag_with_bagit_py(folder: &Path, flags: &[&str], org: &str) {
    let out = StdCommand::new("bagit.py")
        .args(flags)
        .arg("--source-organization")
        .arg(org)
        .arg(folder)
        .output()
        .expect("cannot run bagit.py");
    assert!(
        out.status.success(),
        "bagit.py failed on {}: {}",
        folder.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// bagit.py's verdict on a bag: `bagit.py --validate FLAGS BAG`, with
/// its error output when it says invalid.
pub fn bagit_py_validate(bag: &Path, flags: &[&str]) -> Result<(), String> {
    let out = StdCommand::new("bagit.py")
        .arg("--validate")
        .args(flags)
        .arg(bag)
        .output()
        .expect("cannot run bagit.py");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Whether bagit.py (the reference BagIt tool) can be run. Without it a test
/// should skip, unless `CI` (or `TRAINPACK_REQUIRE_FFMPEG`, which asks for
/// every external tool) is set: then this panics with a clear message.
pub fn bagit_py_available() -> bool {
    let found = StdCommand::new("bagit.py")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var_os("TRAINPACK_REQUIRE_FFMPEG").is_some()
            || std::env::var_os("CI").is_some()
        {
            panic!(
                "bagit.py is not on PATH but CI / TRAINPACK_REQUIRE_FFMPEG requires it: pip install bagit"
            );
        }
        eprintln!("skipped: bagit.py not installed");
    }
    found
}

/// Lowercase hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The digest `sha256sum FILE` prints (coreutils), for comparing with an
/// implementation that is not ours. Panics if `sha256sum` cannot be run.
pub fn sha256sum(path: &Path) -> String {
    let out = StdCommand::new("sha256sum")
        .arg(path)
        .output()
        .expect("`sha256sum` (coreutils) is required by this test");
    assert!(out.status.success(), "sha256sum {} failed", path.display());
    let text = String::from_utf8_lossy(&out.stdout);
    let digest = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(digest.len(), 64, "unexpected sha256sum output: {text}");
    digest
}

/// A fresh copy of `samples/<name>` at `dst` (which must not exist yet).
pub fn copy_sample(name: &str, dst: &Path) -> PathBuf {
    copy_dir(&sample(name), dst);
    dst.to_owned()
}

/// Parse a JSON file, with the file's name in any error.
pub fn load_json(path: &Path) -> Value {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// `schemas/<name>`, parsed.
pub fn schema(name: &str) -> Value {
    load_json(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schemas")
            .join(name),
    )
}

/// A draft 2020-12 validator for `schemas/<name>`.
pub fn schema_validator(name: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema(name))
        .unwrap_or_else(|e| panic!("schemas/{name} does not compile: {e}"))
}

/// Panic, listing every error, unless `instance` validates against `schemas/<name>`.
pub fn assert_matches_schema(name: &str, instance: &Value, what: &str) {
    let validator = schema_validator(name);
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match schemas/{name}:\n  {}",
        errors.join("\n  ")
    );
}

/// JSON pointers of properties (and `$defs`) lacking a title or a
/// description; a property that is only a `$ref` inherits them.
pub fn undocumented(schema: &Value) -> Vec<String> {
    fn walk(schema: &Value, at: &str, missing: &mut Vec<String>) {
        let Some(obj) = schema.as_object() else {
            return;
        };
        for key in ["properties", "$defs"] {
            if let Some(children) = obj.get(key).and_then(Value::as_object) {
                for (name, child) in children {
                    let here = format!("{at}/{key}/{name}");
                    let is_ref = child.get("$ref").is_some();
                    if !is_ref
                        && (child.get("title").is_none() || child.get("description").is_none())
                    {
                        missing.push(here.clone());
                    }
                    walk(child, &here, missing);
                }
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = obj.get(key) {
                walk(child, &format!("{at}/{key}"), missing);
            }
        }
    }
    let mut missing = Vec::new();
    walk(schema, "#", &mut missing);
    missing
}

/// Every entry of a zip as (name, compression method, last-modified time
/// as (year, month, day, hour, minute, second), bytes), in archive order.
pub fn read_zip(path: &Path) -> Vec<ZipItem> {
    let mut archive = zip::ZipArchive::new(File::open(path).unwrap())
        .unwrap_or_else(|e| panic!("{} is not a zip: {e}", path.display()));
    let mut items = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let method = entry.compression();
        let modified = entry.last_modified().map(|t| {
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
            )
        });
        let is_dir = entry.is_dir();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        items.push(ZipItem {
            name,
            method,
            modified,
            is_dir,
            bytes,
        });
    }
    items
}

/// One entry of a zip, as [`read_zip`] returns it.
pub struct ZipItem {
    pub name: String,
    pub method: zip::CompressionMethod,
    pub modified: Option<(u16, u8, u8, u8, u8, u8)>,
    pub is_dir: bool,
    pub bytes: Vec<u8>,
}

/// Extract a zip into `dst` (created if missing), refusing unsafe names.
pub fn unzip(zip_path: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    let mut archive = zip::ZipArchive::new(File::open(zip_path).unwrap()).unwrap();
    archive
        .extract(dst)
        .unwrap_or_else(|e| panic!("cannot extract {}: {e}", zip_path.display()));
}

/// A small media file made by ffmpeg (`ffmpeg ARGS OUTPUT`), made once and
/// kept under the test target folder, keyed by its arguments, so tests that
/// share a clip run ffmpeg once between them (and across runs). None when
/// ffmpeg is missing and the test may skip (see [`have_tool`]).
pub fn cached_media(name: &str, args: &[&str]) -> Option<PathBuf> {
    let key = sha256_hex(args.join("\u{1f}").as_bytes());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("media");
    let path = dir.join(format!("{}-{name}", &key[..16]));
    if path.is_file() {
        return Some(path);
    }
    if !have_tool("ffmpeg") {
        return None;
    }
    fs::create_dir_all(&dir).unwrap();
    // Made under a name of its own (same extension: ffmpeg picks the
    // format by it), then renamed: tests running side by side never see
    // a half-written file.
    static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let partial = dir.join(format!("partial-{}-{n}-{name}", std::process::id()));
    let out = StdCommand::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(args)
        .arg(&partial)
        .output()
        .expect("cannot run ffmpeg");
    assert!(
        out.status.success(),
        "ffmpeg {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::rename(&partial, &path).unwrap();
    Some(path)
}

/// The package `pkg` checked as a folder, a stored zip and a deflated zip
/// (made in `dir`), each under `--probe builtin` and `--probe auto`: the six
/// ways a truncation verdict must agree. Yields (what was run, report).
pub fn reports_from_every_source(dir: &Path, pkg: &Path) -> Vec<(String, Value)> {
    let stored = dir.join("stored.zip");
    zip_dir(pkg, &stored, zip::CompressionMethod::Stored);
    let deflated = dir.join("deflated.zip");
    zip_dir(pkg, &deflated, zip::CompressionMethod::Deflated);
    [pkg, stored.as_path(), deflated.as_path()]
        .into_iter()
        .flat_map(|s| [(s, "builtin"), (s, "auto")])
        .map(|(source, engine)| {
            let (_, report) = check_json(source, &["--probe", engine]);
            (format!("{} --probe {engine}", source.display()), report)
        })
        .collect()
}

/// `name` is a video the built-in probe confirmed, with no TP013.
pub fn assert_confirmed_by_builtin(report: &Value, name: &str, what: &str) {
    let f = file(report, name).unwrap_or_else(|| panic!("{what}: no {name}"));
    assert_eq!(f["is_video"], true, "{what}: {f}");
    assert_eq!(f["video"]["status"], "confirmed", "{what}: {f}");
    assert_eq!(f["video"]["engine"], "builtin", "{what}: {f}");
    assert!(findings_at(report, "TP013", name).is_empty(), "{what}");
}

/// `name` is not counted as video and has exactly one TP013, whose message
/// holds `says` when given ("cut short", "no duration"; a header cut short
/// reads differently under each engine).
pub fn assert_damaged(report: &Value, name: &str, says: Option<&str>, what: &str) {
    let f = file(report, name).unwrap_or_else(|| panic!("{what}: no {name}"));
    assert_eq!(f["is_video"], false, "{what}: {f}");
    assert_eq!(f["video"]["status"], "unreadable", "{what}: {f}");
    let tp013 = findings_at(report, "TP013", name);
    assert_eq!(tp013.len(), 1, "{what}: {name}: {report:#}");
    let message = tp013[0]["message"].as_str().unwrap();
    if let Some(says) = says {
        assert!(message.contains(says), "{what}: {message}");
    }
}
