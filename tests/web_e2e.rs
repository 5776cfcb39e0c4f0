//! `trainpack.html` in headless Chromium gives the same JSON report as the
//! CLI's `check --json --probe builtin`, on folders and zips, and makes no
//! network request.
//!
//! The page is built by `web/build.sh` (into target/web, so it never waits
//! for the lock of the `cargo test` running this) and driven by
//! `web/e2e.mjs` (node + playwright-core from web/package-lock.json, with
//! Debian's `chromium`: no browser download). Skipped with a message when
//! node, npm or chromium is missing, unless `TRAINPACK_REQUIRE_BROWSER` is
//! set (CI).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use wait_timeout::ChildExt;

/// Fields of the report that name the tool's run rather than the package,
/// as JSON pointers, left out of the comparison. None: the report has no
/// time or host, and the CLI, given the input's bare name from its folder,
/// names the package (`/package/path`) as the page does (the folder's or the
/// zip's name). Seen equal on samples/pass, samples/fail (folder and zip)
/// and the GBK zip with the page of branch `web` at 19:37 UTC.
const RUN_FIELDS: &[&str] = &[];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn web_dir() -> PathBuf {
    manifest_dir().join("web")
}

/// Chromium, if this test can run at all; panics when the browser test is
/// required (`TRAINPACK_REQUIRE_BROWSER`, set by CI) and cannot run.
fn browser_tools() -> Option<PathBuf> {
    let chromium = on_path("chromium");
    let mut missing = Vec::new();
    if chromium.is_none() {
        missing.push("chromium (apt-get install chromium)");
    }
    if on_path("node").is_none() || on_path("npm").is_none() {
        missing.push("node and npm (apt-get install nodejs npm)");
    }
    if missing.is_empty() {
        return chromium;
    }
    assert!(
        std::env::var_os("TRAINPACK_REQUIRE_BROWSER").is_none(),
        "TRAINPACK_REQUIRE_BROWSER is set but the browser test cannot run; missing: {}",
        missing.join(", ")
    );
    eprintln!("skipped: the browser test needs {}", missing.join(", "));
    None
}

/// playwright-core at the version web/package-lock.json pins: `npm ci`
/// unless it is installed already (CI's .ci/run installs it).
fn ensure_node_modules() {
    if web_dir()
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        return;
    }
    let out = StdCommand::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(web_dir())
        .output()
        .expect("npm runs");
    assert!(
        out.status.success(),
        "`npm ci` in web/ failed (it installs playwright-core, web/package-lock.json):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `web/build.sh OUT`: trainpack.html, built in a target folder of its own.
/// None (skipped, even in CI) in a tree without the page's build script:
/// the harness lands before the page.
fn build_page(dir: &Path) -> Option<PathBuf> {
    let script = web_dir().join("build.sh");
    if !script.is_file() {
        eprintln!(
            "skipped: {} is not in this tree, no page to test",
            script.display()
        );
        return None;
    }
    let page = dir.join("trainpack.html");
    let started = Instant::now();
    let out = StdCommand::new("bash")
        .arg(&script)
        .arg(&page)
        .current_dir(manifest_dir())
        .env(
            "CARGO_TARGET_DIR",
            manifest_dir().join("target").join("web"),
        )
        // The release page is one LTO unit (profile `web`); the test checks
        // the same code built without LTO, which compiles faster in CI.
        .env("CARGO_PROFILE_WEB_LTO", "false")
        .env("CARGO_PROFILE_WEB_CODEGEN_UNITS", "16")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "web/build.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(page.is_file(), "web/build.sh wrote no {}", page.display());
    eprintln!("web build: {:.1} s", started.elapsed().as_secs_f64());
    Some(page)
}

/// One input for the page: a folder (chosen through its folder input) or a
/// zip (through its zip input).
enum Job<'a> {
    Folder(&'a Path),
    Zip(&'a Path),
}

impl Job<'_> {
    fn arg(&self) -> String {
        match self {
            Job::Folder(p) => format!("folder={}", p.display()),
            Job::Zip(p) => format!("zip={}", p.display()),
        }
    }

    fn path(&self) -> &Path {
        match self {
            Job::Folder(p) | Job::Zip(p) => p,
        }
    }
}

/// Run web/e2e.mjs on `page` (with a URL fragment) over `jobs`; its
/// summary.json (see web/e2e.mjs), whatever its exit code.
fn drive(chromium: &Path, page: &Path, fragment: &str, jobs: &[Job], out: &Path) -> Value {
    let mut child = StdCommand::new("node")
        .arg(web_dir().join("e2e.mjs"))
        .arg("--page")
        .arg(page)
        .arg("--out")
        .arg(out)
        .arg("--chromium")
        .arg(chromium)
        .args(["--fragment", fragment, "--timeout", "300"])
        .args(jobs.iter().map(Job::arg))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
        text
    });
    let status = match child.wait_timeout(Duration::from_secs(900)).unwrap() {
        Some(status) => status,
        None => {
            child.kill().unwrap();
            panic!("web/e2e.mjs did not finish within 900 s");
        }
    };
    let stderr = reader.join().unwrap();
    eprint!("{stderr}");
    let summary = out.join("summary.json");
    assert!(
        summary.is_file() && status.code() != Some(2),
        "web/e2e.mjs failed ({status}) and wrote no summary:\n{stderr}"
    );
    load_json(&summary)
}

/// The URLs the page tried to reach outside the machine.
fn offending(summary: &Value) -> Vec<String> {
    summary["offending"]
        .as_array()
        .expect("offending[] is an array")
        .iter()
        .map(|u| u.as_str().unwrap().to_owned())
        .collect()
}

/// The report the page let us download for job `index`, after it reached
/// data-state=done.
fn downloaded(summary: &Value, index: usize) -> Value {
    let job = &summary["jobs"][index];
    assert_eq!(
        job["state"], "done",
        "job {index} ({} {}): the page did not finish: {job:#}",
        job["kind"], job["path"]
    );
    load_json(Path::new(
        job["report"].as_str().expect("a downloaded report"),
    ))
}

/// JSON pointers where `a` and `b` differ (at most `limit`).
fn differences(a: &Value, b: &Value, at: &str, out: &mut Vec<String>, limit: usize) {
    if out.len() >= limit {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let here = format!("{at}/{key}");
                match (x.get(key), y.get(key)) {
                    (Some(u), Some(v)) => differences(u, v, &here, out, limit),
                    (u, v) => out.push(format!("{here}: {u:?} vs {v:?}")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                differences(u, v, &format!("{at}/{i}"), out, limit);
            }
        }
        _ if a != b => {
            let show = |v: &Value| {
                let text = v.to_string();
                text.chars().take(300).collect::<String>()
            };
            out.push(format!("{at}: page {} vs CLI {}", show(a), show(b)));
        }
        _ => {}
    }
}

/// `report` with the [`RUN_FIELDS`] taken out.
fn without_run_fields(mut report: Value) -> Value {
    for pointer in RUN_FIELDS {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        if let Some(Value::Object(obj)) = report.pointer_mut(parent) {
            obj.remove(key);
        }
    }
    report
}

/// The CLI's report on the same input, named as the page names it: run
/// from the input's folder with its bare name.
fn cli_report(input: &Path) -> Value {
    let mut cmd = trainpack();
    cmd.current_dir(input.parent().unwrap());
    let name = Path::new(input.file_name().unwrap());
    let (_, report) = check_json_with(&mut cmd, name, &["--probe", "builtin"]);
    report
}

/// The `small` bench corpus of ../shared/bench/make-corpus.sh (about 50
/// files, 50 MB: MP4, MKV, WebM, MOV, AVI, Office files, junk, plus its zips),
/// made once under the test target folder and kept, keyed by the script's
/// hash. None (skipped) when the script or ffmpeg is missing.
fn small_corpus() -> Option<PathBuf> {
    let script = manifest_dir().join("../shared/bench/make-corpus.sh");
    if !script.is_file() {
        // ../shared sits beside the project on the team's machines, not in
        // every clone; the samples and the GBK zip still run.
        eprintln!("skipped: no {} for the small corpus", script.display());
        return None;
    }
    if !have_tool("ffmpeg") || !have_tool("zip") {
        return None;
    }
    let key = &sha256_file(&script)[..16];
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("corpus-small-{key}"));
    if dir.join("done").is_file() {
        return Some(dir);
    }
    let partial = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("corpus-small-{key}.partial-{}", std::process::id()));
    let _ = fs::remove_dir_all(&partial);
    let started = Instant::now();
    let out = StdCommand::new("bash")
        .arg(&script)
        .arg(&partial)
        .arg("small")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "make-corpus.sh small failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::write(partial.join("done"), b"").unwrap();
    let _ = fs::remove_dir_all(&dir);
    fs::rename(&partial, &dir).unwrap();
    eprintln!("small corpus: {:.1} s", started.elapsed().as_secs_f64());
    Some(dir)
}

#[test]
fn page_reports_equal_the_cli_reports_and_nothing_leaves_the_machine() {
    let Some(chromium) = browser_tools() else {
        return;
    };
    ensure_node_modules();
    let tmp = tempfile::tempdir().unwrap();
    let Some(page) = build_page(tmp.path()) else {
        return;
    };

    let inputs = tmp.path().join("inputs");
    fs::create_dir(&inputs).unwrap();
    let mut folders = vec![
        copy_sample("pass", &inputs.join("pass")),
        copy_sample("fail", &inputs.join("fail")),
    ];
    let mut zips = vec![inputs.join("gbk-names.zip")];
    fs::copy(sample("gbk-names.zip"), &zips[0]).unwrap();
    for folder in folders.clone() {
        let zip = folder.with_extension("zip");
        zip_dir(&folder, &zip, zip::CompressionMethod::Deflated);
        zips.push(zip);
    }
    if let Some(corpus) = small_corpus() {
        folders.push(corpus.join("package"));
        zips.push(corpus.join("package-deflate.zip"));
        zips.push(corpus.join("package-gbk.zip"));
    }
    let jobs: Vec<Job> = folders
        .iter()
        .map(|f| Job::Folder(f))
        .chain(zips.iter().map(|z| Job::Zip(z)))
        .collect();

    let summary = drive(&chromium, &page, "", &jobs, &tmp.path().join("out"));
    assert_eq!(
        offending(&summary),
        Vec::<String>::new(),
        "the page made network requests"
    );
    assert!(
        summary["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u.as_str().unwrap().starts_with("file://")),
        "the request watch saw not even the page itself load: {summary:#}"
    );
    let mut failures = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let page_report = without_run_fields(downloaded(&summary, i));
        let cli = without_run_fields(cli_report(job.path()));
        let mut diff = Vec::new();
        differences(&page_report, &cli, "", &mut diff, 20);
        if !diff.is_empty() {
            failures.push(format!("{}:\n  {}", job.arg(), diff.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "the page's JSON report differs from the CLI's:\n{}",
        failures.join("\n")
    );
}

/// The harness itself, on a stand-in page (web/e2e-stub.html, same hooks):
/// the downloaded report is the one the page made, and a request from the
/// page or from its Web Worker is caught. Needs no wasm build.
#[test]
fn harness_captures_the_download_and_catches_requests_from_page_and_worker() {
    let Some(chromium) = browser_tools() else {
        return;
    };
    ensure_node_modules();
    let tmp = tempfile::tempdir().unwrap();
    let stub = web_dir().join("e2e-stub.html");
    let pass = sample("pass");
    let jobs = [Job::Folder(&pass)];

    let clean = drive(&chromium, &stub, "", &jobs, &tmp.path().join("clean"));
    assert_eq!(offending(&clean), Vec::<String>::new());
    // The stub's report lists each file with its SHA-256, computed in the
    // page: equal to ours, so the file saved is the page's download.
    let report = downloaded(&clean, 0);
    let listed: Vec<(String, String)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let rel = path.strip_prefix("pass/").expect("under the folder's name");
            (rel.to_owned(), f["sha256"].as_str().unwrap().to_owned())
        })
        .collect();
    let expected: Vec<(String, String)> = list_files(&pass)
        .into_iter()
        .map(|(rel, full)| (rel, sha256_file(&full)))
        .collect();
    assert_eq!(listed, expected);

    for (leak, from) in [("page", "the page"), ("worker", "a Web Worker")] {
        let summary = drive(
            &chromium,
            &stub,
            &format!("#leak={leak}"),
            &jobs,
            &tmp.path().join(leak),
        );
        let caught = offending(&summary);
        let url = format!("http://leak.invalid/{leak}");
        assert!(
            caught.contains(&url),
            "a request from {from} was not caught by the request events: {caught:?}"
        );
        assert!(
            caught
                .iter()
                .any(|c| c.starts_with("proxy: ") && c.contains(&url)),
            "a request from {from} was not caught by the trap proxy: {caught:?}"
        );
    }
}
