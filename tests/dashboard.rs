//! The HTML outputs: `summary.html` opened in headless Chromium (Debian's
//! `chromium`) shows one ratio bar per package, links every package page,
//! and hostile names in packages stay text; `check --html` writes the
//! per-package page.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use common::*;
use serde_json::json;
use wait_timeout::ChildExt;
use zip::CompressionMethod;

const HOSTILE_ID: &str = "<script>document.title='pwned'</script>";
const HOSTILE_PROVIDER: &str = "<img src=x onerror=\"document.title='pwned'\">";
const HOSTILE_FILE: &str = "<img src=x onerror=alert(1)>.pdf";

/// A small batch: 4 zips (one with hostile names), a folder, a corrupt zip.
fn make_reports() -> (tempfile::TempDir, PathBuf, usize) {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let staging = tmp.path().join("staging");
    fs::create_dir_all(&inbox).unwrap();
    for (i, name) in ["pass", "fail", "exactly-60", "junk", "pass"]
        .iter()
        .enumerate()
    {
        let dir = staging.join(format!("p{i}"));
        copy_dir(&sample(name), &dir);
        let (id, provider) = if i == 4 {
            fs::write(
                dir.join("模块1_基础知识").join(HOSTILE_FILE),
                b"%PDF-1.4\n%%EOF\n",
            )
            .unwrap();
            (HOSTILE_ID.to_owned(), HOSTILE_PROVIDER.to_owned())
        } else {
            (format!("国培-{i}"), format!("承训单位 {i}"))
        };
        fs::write(
            dir.join("training-package.json"),
            json!({"id": id, "provider": provider, "title": "示范"}).to_string(),
        )
        .unwrap();
        if i == 2 {
            fs::rename(&dir, inbox.join("folder package")).unwrap();
        } else {
            zip_dir(
                &dir,
                &inbox.join(format!("{i} {name}.zip")),
                CompressionMethod::Deflated,
            );
        }
    }
    fs::write(inbox.join("corrupt.zip"), b"PK\x03\x04 not really").unwrap();
    let out = tmp.path().join("reports");
    let result = run(trainpack()
        .arg("batch")
        .arg(&inbox)
        .arg("--out")
        .arg(&out)
        .args(["--quiet", "--lang", "zh"]));
    assert_eq!(result.code, 2, "{}", result.stderr);
    (tmp, out, 6)
}

/// Percent-decode an href.
fn decode(href: &str) -> String {
    let bytes = href.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Every `href="…"` value in a page (as written, HTML-escaped).
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().replace("&amp;", "&"))
        .collect()
}

#[test]
fn summary_html_is_self_contained_and_escapes_package_text() {
    let (_tmp, out, packages) = make_reports();
    let html = fs::read_to_string(out.join("summary.html")).unwrap();
    assert_eq!(html.matches("class=\"ratio-bar ").count(), packages);
    // Offline: no scripts, no external resources of any kind.
    assert!(!html.contains("<script"), "a script element in the page");
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("src=\"") && !html.contains("url("));
    assert!(html.contains("Content-Security-Policy"));
    // Hostile text is shown as text.
    assert!(html.contains("&lt;script&gt;document.title="));
    assert!(html.contains("&lt;img src=x onerror="));
    // Chinese labels with --lang zh.
    assert!(html.contains("视频占课程资源比例"));
    assert_eq!(
        html.matches("class=\"package-link\"").count(),
        packages - 1,
        "one link per processed package (the corrupt zip has no page)"
    );
    // Every link (package table and shared resources) points at a page that exists.
    for link in hrefs(&html) {
        let file = decode(&link);
        assert!(out.join(&file).is_file(), "broken link {link} ({file})");
    }
    // The hostile package's own page escapes the file name.
    let page = fs::read_to_string(out.join("_script_document.title='pwned'__script_.html"))
        .expect("the hostile package's page, named by its file-safe id");
    assert!(!page.contains("<script") && !page.contains("<img"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;.pdf"));
}

/// Whether Chromium can be used; panics when it is required (CI).
fn chromium() -> Option<PathBuf> {
    let found = common::on_path("chromium");
    if found.is_none() {
        let required = std::env::var_os("CI").is_some()
            || std::env::var_os("TRAINPACK_REQUIRE_FFMPEG").is_some();
        assert!(
            !required,
            "`chromium` is required by this test (CI or TRAINPACK_REQUIRE_FFMPEG is set) but is not on PATH: install Debian's chromium (`apt-get install chromium`)"
        );
        eprintln!("skipped: chromium not installed");
    }
    found
}

/// The DOM of a local page after Chromium loaded it.
fn dump_dom(chromium: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.display());
    let mut child = StdCommand::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).unwrap();
        text
    });
    match child.wait_timeout(Duration::from_secs(90)).unwrap() {
        Some(status) => assert!(status.success(), "chromium failed: {status}"),
        None => {
            child.kill().unwrap();
            panic!("chromium did not finish within 90 s");
        }
    }
    reader.join().unwrap()
}

#[test]
fn chromium_shows_one_ratio_bar_per_package() {
    let Some(chromium) = chromium() else { return };
    let (_tmp, out, packages) = make_reports();
    let dom = dump_dom(&chromium, &out.join("summary.html"));
    assert!(dom.contains("<svg"), "no SVG in the DOM:\n{dom}");
    // One bar per package, each naming its package.
    let bars: Vec<&str> = dom
        .split("<rect")
        .skip(1)
        .filter(|r| r.split('>').next().unwrap().contains("class=\"ratio-bar"))
        .collect();
    assert_eq!(bars.len(), packages, "ratio bars in the DOM");
    assert!(bars.iter().all(|b| b.contains("data-package=")));
    assert_eq!(
        bars.iter()
            .filter(|b| b.contains("data-verdict=\"error\""))
            .count(),
        1
    );
    // Hostile names did not become elements, and no script ran.
    assert!(!dom.contains("<script"), "a script element in the DOM");
    assert!(!dom.contains("<img"), "an img element in the DOM");
    assert!(!dom.contains("pwned</title>"));
    assert!(dom.contains("&lt;script&gt;document.title="));
    // pass, fail, could not be processed, not a package
    assert_eq!(dom.matches("class=\"verdict-bar\"").count(), 4);
    assert!(dom.contains("class=\"kind-bar\""));
}

#[test]
fn check_writes_the_html_page() {
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("报告.html");
    let result = run(trainpack()
        .arg("check")
        .arg(sample("pass"))
        .arg("--html")
        .arg(&page)
        .args(["--lang", "en", "-q"]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stdout.contains("PASS"),
        "the terminal report still prints"
    );
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("data-verdict=\"pass\""));
    assert!(html.contains("71.42%"));
    assert!(html.contains("模块1_基础知识/第1课_导论.mp4"));
    assert!(!html.contains("<script"));
    // Written atomically: no temporary file left beside it.
    let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}
