//! The Windows build: `trainpack.exe` cross-built for x86_64-pc-windows-gnu
//! and run under wine gives the same verdicts and the same JSON as the
//! Linux binary, on the folder samples and on a zip with GBK names.
//!
//! Needs the rust target (`rustup target add x86_64-pc-windows-gnu`), mingw
//! (`gcc-mingw-w64-x86-64`) and wine (`wine64`). Skipped with a message
//! when one is missing, unless `TRAINPACK_REQUIRE_WINE` is set (CI).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::time::Instant;

use common::*;
use serde_json::Value;

const TARGET: &str = "x86_64-pc-windows-gnu";
const WINE: &str = "/usr/lib/wine/wine64";
const WINESERVER: &str = "/usr/lib/wine/wineserver";
const MINGW_GCC: &str = "x86_64-w64-mingw32-gcc";

/// What is missing to run this test, if anything.
fn missing_tools() -> Vec<String> {
    let mut missing = Vec::new();
    if !Path::new(WINE).is_file() {
        missing.push(format!("wine ({WINE}: apt install wine64)"));
    }
    if on_path(MINGW_GCC).is_none() {
        missing.push(format!("{MINGW_GCC} (apt install gcc-mingw-w64-x86-64)"));
    }
    let sysroot = StdCommand::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let has_target = sysroot.is_some_and(|s| s.join("lib/rustlib").join(TARGET).is_dir());
    if !has_target {
        missing.push(format!(
            "the rust target {TARGET} (rustup target add {TARGET})"
        ));
    }
    missing
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Cross-build the binary only, in a target folder of its own so that it
/// does not wait for the lock of the `cargo test` running this test.
/// Dependencies unoptimised and no debug info, unlike the dev profile's:
/// a cold build then takes 1m57s of CPU instead of 11m41s, and the samples
/// are small.
fn build_exe() -> PathBuf {
    let target_dir = manifest_dir().join("target").join("windows");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let out = StdCommand::new(cargo)
        .current_dir(manifest_dir())
        .args(["build", "--quiet", "--bin", "trainpack", "--target", TARGET])
        .args(["--config", "profile.dev.package.\"*\".opt-level=0"])
        .args(["--config", "profile.dev.debug=0"])
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo build --target {TARGET} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("cross build: {:.1} s", started.elapsed().as_secs_f64());
    target_dir.join(TARGET).join("debug").join("trainpack.exe")
}

/// The test-only `bcryptprimitives.dll` (see tests/windows/), built into `dir`.
fn build_stub(dir: &Path) {
    let source = manifest_dir().join("tests/windows/bcryptprimitives.c");
    let out = StdCommand::new(MINGW_GCC)
        .arg("-shared")
        .arg("-o")
        .arg(dir.join("bcryptprimitives.dll"))
        .arg(&source)
        .arg("-lbcrypt")
        .output()
        .expect("mingw gcc runs");
    assert!(
        out.status.success(),
        "building the bcryptprimitives stub failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `trainpack.exe` under wine, with a private prefix and the same clean
/// environment as [`trainpack_std`].
struct Wine {
    exe: PathBuf,
    prefix: PathBuf,
}

impl Wine {
    fn command(&self) -> StdCommand {
        let mut cmd = StdCommand::new(WINE);
        cmd.arg(&self.exe)
            .current_dir(manifest_dir())
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            // No Mono or Gecko installer at the prefix's creation.
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            // Wine maps Linux file names to Windows ones through this
            // locale's character set: under C it lists no Chinese name.
            .env("LC_CTYPE", "C.UTF-8")
            .env_remove("TRAINPACK_FFPROBE")
            .env_remove("TRAINPACK_FFMPEG")
            .env("NO_COLOR", "1");
        cmd
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        // Stop this prefix's wineserver, so nothing outlives the test.
        let _ = StdCommand::new(WINESERVER)
            .arg("-k")
            .env("WINEPREFIX", &self.prefix)
            .status();
    }
}

/// `check <package> --json -q --probe builtin`, run from the repository root
/// with a relative path (the same argument for both binaries): the exit
/// code, the report as printed, and stderr. Output goes through files, not
/// pipes: wine's background services inherit the handles and would keep a
/// pipe open after trainpack.exe has exited.
fn check(mut cmd: StdCommand, package: &str, scratch: &Path) -> (i32, String, String) {
    let (out_path, err_path) = (scratch.join("stdout"), scratch.join("stderr"));
    let status = cmd
        .args(["check", package, "--json", "-q", "--probe", "builtin"])
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .status()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&std::fs::read(&err_path).unwrap()).into_owned();
    let stdout = String::from_utf8(std::fs::read(&out_path).unwrap()).expect("stdout is UTF-8");
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("{package}: stdout is not a JSON report ({e})\nstdout:\n{stdout}\nstderr:\n{stderr}")
    });
    assert!(
        !report["files"].as_array().is_none_or(Vec::is_empty),
        "{package}: the report lists no files:\n{stdout}"
    );
    (status.code().expect("exited"), stdout, stderr)
}

#[test]
fn windows_exe_under_wine_matches_linux() {
    let missing = missing_tools();
    if !missing.is_empty() {
        assert!(
            std::env::var_os("TRAINPACK_REQUIRE_WINE").is_none(),
            "TRAINPACK_REQUIRE_WINE is set but this test cannot run; missing: {}",
            missing.join(", ")
        );
        eprintln!(
            "skipped: the Windows build test needs {}",
            missing.join(", ")
        );
        return;
    }
    let built = build_exe();
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("trainpack.exe");
    std::fs::copy(&built, &exe).expect("copy trainpack.exe");
    build_stub(dir.path());
    let wine = Wine {
        exe,
        prefix: dir.path().join("prefix"),
    };
    // A wineserver that stays up between runs (stopped on drop): otherwise
    // each run starts one again, seconds each.
    for folder in [
        &wine.prefix,
        &dir.path().join("windows"),
        &dir.path().join("linux"),
    ] {
        std::fs::create_dir(folder).unwrap();
    }
    let _ = StdCommand::new(WINESERVER)
        .arg("-p")
        .env("WINEPREFIX", &wine.prefix)
        .status();

    let cases = [
        ("samples/pass", 0),
        ("samples/fail", 1),
        ("samples/gbk-names.zip", 0),
    ];
    for (i, (package, expected_code)) in cases.into_iter().enumerate() {
        let started = Instant::now();
        let (code, report, stderr) = check(wine.command(), package, &dir.path().join("windows"));
        eprintln!(
            "wine run {} ({package}): {:.1} s",
            i + 1,
            started.elapsed().as_secs_f64()
        );
        let mut linux = trainpack_std();
        linux.current_dir(manifest_dir());
        let (linux_code, linux_report, _) = check(linux, package, &dir.path().join("linux"));
        assert_eq!(
            linux_code, expected_code,
            "{package}: the Linux binary's verdict changed"
        );
        assert_eq!(
            code, expected_code,
            "{package}: trainpack.exe exit code under wine; stderr:\n{stderr}"
        );
        // Byte for byte: no field names the run (no time, no duration), so
        // nothing is normalised; resource paths use `/` on both systems.
        assert_eq!(
            report, linux_report,
            "{package}: the JSON report of trainpack.exe under wine differs from Linux's"
        );
    }
}
