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
    let mut cmd = Command::new(bin_path());
    cmd.env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("TRAINPACK_FFPROBE")
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

/// Panic with a clear message unless `program` runs (`program -version`).
pub fn require_tool(program: &str) {
    let ok = StdCommand::new(program)
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "`{program}` is required by this test but is not installed or not on PATH \
         (install ffmpeg: `apt install ffmpeg`)"
    );
}

/// Make a tiny real video (MPEG-4 Part 2 in MP4, 64×36, 0.4 s, no audio)
/// with ffmpeg. Panics if ffmpeg is missing or fails.
pub fn make_video(dst: &Path) {
    require_tool("ffmpeg");
    let out = StdCommand::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args([
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x36:rate=10:duration=0.4",
        ])
        .args(["-c:v", "mpeg4", "-pix_fmt", "yuv420p", "-f", "mp4"])
        .arg(dst)
        .output()
        .expect("cannot run ffmpeg");
    assert!(
        out.status.success(),
        "ffmpeg failed to make {}: {}",
        dst.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}
