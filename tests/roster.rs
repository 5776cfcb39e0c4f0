//! `batch --roster`: the office's roster against a real inbox of zip
//! packages, read from a GBK CSV and a UTF-8 CSV with BOM; every status
//! (on time, late, missing, fail, matched twice, unmatched) in summary.json
//! and summary.csv; a bad row named by its line.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use serde_json::{Value, json};
use zip::CompressionMethod;

/// Today for every run: missing entries count their days from it.
const TODAY: &str = "2024-08-04";

const HEADER_ZH: &str = "类别,项目,子项目,承训单位,包编号,项目结束日期";

/// (line 2..) rows of the roster, Chinese headers, dates as Excel writes
/// some of them.
const ROWS: [&str; 5] = [
    // on time: deadline 2024-07-30, received 2024-07-20
    "示范类,项目一,子项目甲,学院甲,pkg-ontime,2024/6/30",
    // late, matched by provider: deadline 2024-02-29 (31 January + one
    // month, clamped), received 2024-03-02
    "示范类,项目一,子项目乙,学院乙,,2024-01-31",
    // missing: deadline 2024-07-30, today 2024-08-04
    "骨干类,项目二,子项目丙,学院丙,pkg-missing,2024-06-30",
    // two packages with its id: the later one (pass) counts
    "骨干类,项目二,子项目丁,学院丁,pkg-twice,2024-06-30",
    // fails the policy
    "骨干类,项目三,子项目戊,\"学院戊, 分校\",pkg-fail,2024-06-30",
];

/// Noon UTC of a day: the same calendar day in Beijing.
fn noon(day: &str) -> SystemTime {
    let d = time::Date::parse(
        day,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap();
    let secs = d.midnight().assume_utc().unix_timestamp() + 12 * 3600;
    UNIX_EPOCH + Duration::from_secs(secs as u64)
}

/// A zip package from a sample with this descriptor, received on `day`.
fn package(
    inbox: &Path,
    staging: &Path,
    name: &str,
    sample_name: &str,
    descriptor: Value,
    day: &str,
) {
    let dir = staging.join(name);
    copy_dir(&sample(sample_name), &dir);
    fs::write(dir.join("training-package.json"), descriptor.to_string()).unwrap();
    let zip = inbox.join(format!("{name}.zip"));
    zip_dir(&dir, &zip, CompressionMethod::Deflated);
    fs::File::options()
        .write(true)
        .open(&zip)
        .unwrap()
        .set_modified(noon(day))
        .unwrap();
}

/// The inbox: one package for each roster status, and a stray one.
fn inbox(root: &Path) -> PathBuf {
    let inbox = root.join("inbox");
    let staging = root.join("staging");
    fs::create_dir_all(&inbox).unwrap();
    let p = |name, sample_name, descriptor, day| {
        package(&inbox, &staging, name, sample_name, descriptor, day)
    };
    p(
        "ontime",
        "pass",
        json!({"id": "pkg-ontime", "provider": "学院甲"}),
        "2024-07-20",
    );
    p(
        "late",
        "pass",
        json!({"id": "whatever", "provider": "学院 乙"}),
        "2024-03-02",
    );
    p(
        "twice-1",
        "fail",
        json!({"id": "pkg-twice", "provider": "学院丁"}),
        "2024-07-01",
    );
    p(
        "twice-2",
        "pass",
        json!({"id": "pkg-twice", "provider": "学院丁"}),
        "2024-07-10",
    );
    p(
        "failing",
        "fail",
        json!({"id": "pkg-fail", "provider": "学院戊, 分校"}),
        "2024-07-10",
    );
    p(
        "stray",
        "pass",
        json!({"id": "stray", "provider": "外来单位"}),
        "2024-07-10",
    );
    inbox
}

fn roster_text() -> String {
    let mut text = String::from(HEADER_ZH);
    for row in ROWS {
        text.push_str("\r\n");
        text.push_str(row);
    }
    text.push_str("\r\n");
    text
}

fn batch(inbox: &Path, out: &Path, roster: &Path, extra: &[&str]) -> Run {
    run(trainpack()
        .env("TRAINPACK_TODAY", TODAY)
        .arg("batch")
        .arg(inbox)
        .arg("--out")
        .arg(out)
        .arg("--roster")
        .arg(roster)
        .args(["--quiet", "--lang", "en"])
        .args(extra))
}

/// summary.csv rows as maps of header → field.
fn summary_csv(out: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = fs::read(out.join("summary.csv")).unwrap();
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn entry(summary: &Value, line: u64) -> &Value {
    summary["roster"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["line"] == line)
        .unwrap_or_else(|| panic!("no roster entry of line {line}"))
}

#[test]
fn every_status_in_summary_json_and_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = inbox(tmp.path());
    let roster = tmp.path().join("roster.csv");
    fs::write(&roster, format!("\u{feff}{}", roster_text())).unwrap();
    let out = tmp.path().join("reports");
    let result = batch(&inbox, &out, &roster, &[]);
    assert_eq!(result.code, 1, "two packages fail: {}", result.stderr);

    let summary = load_json(&out.join("summary.json"));
    assert_matches_schema(
        "summary.schema.json",
        &summary,
        "summary.json with a roster",
    );
    let roster_json = &summary["roster"];
    assert_eq!(roster_json["file"], "roster.csv");
    assert_eq!(roster_json["today"], TODAY);

    let ontime = entry(&summary, 2);
    assert_eq!(ontime["status"], "pass");
    assert_eq!(ontime["matched_by"], "id");
    assert_eq!(ontime["upload_deadline"], "2024-07-30");
    assert_eq!(ontime["received"], "2024-07-20");
    assert_eq!(ontime["days_left"], 10);
    assert_eq!(ontime["days_late"], Value::Null);
    assert_eq!(ontime["audit"], "none");

    let late = entry(&summary, 3);
    assert_eq!(late["status"], "late");
    assert_eq!(late["matched_by"], "provider");
    assert_eq!(late["upload_deadline"], "2024-02-29");
    assert_eq!(late["days_late"], 2);
    assert_eq!(late["packages"][0]["package"], "late.zip");

    let missing = entry(&summary, 4);
    assert_eq!(missing["status"], "missing");
    assert_eq!(missing["packages"], json!([]));
    assert_eq!(missing["days_late"], 5, "2024-07-30 to today {TODAY}");

    let twice = entry(&summary, 5);
    assert_eq!(twice["matched_twice"], true);
    assert_eq!(twice["status"], "pass", "the later package counts");
    let names: Vec<&str> = twice["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["package"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["twice-1.zip", "twice-2.zip"]);
    assert!(twice["note_zh"].as_str().unwrap().contains("匹配到 2 个包"));

    let failing = entry(&summary, 6);
    assert_eq!(failing["status"], "fail");
    assert_eq!(failing["provider"], "学院戊, 分校");
    assert_eq!(failing["verdict"], "fail");

    assert_eq!(roster_json["matched_twice"], json!([5]));
    let unmatched: Vec<&str> = roster_json["unmatched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["package"].as_str().unwrap())
        .collect();
    assert_eq!(unmatched, ["stray.zip"]);
    let totals = &roster_json["totals"];
    assert_eq!(
        (
            totals["entries"].as_u64(),
            totals["missing"].as_u64(),
            totals["late"].as_u64()
        ),
        (Some(5), Some(1), Some(1))
    );
    assert_eq!(
        (totals["fail"].as_u64(), totals["pass"].as_u64()),
        (Some(1), Some(2))
    );

    // summary.csv: the same, one row per entry and package, then the stray.
    let rows = summary_csv(&out);
    let status: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["roster_line"].clone(),
                r["package"].clone(),
                r["roster_status"].clone(),
            )
        })
        .collect();
    let expected = [
        ("2", "ontime.zip", "pass"),
        ("3", "late.zip", "late"),
        ("4", "", "missing"),
        ("5", "twice-1.zip", "pass"),
        ("5", "twice-2.zip", "pass"),
        ("6", "failing.zip", "fail"),
        ("", "stray.zip", "unmatched"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(status, expected);
    assert_eq!(rows[1]["days_late"], "2");
    assert_eq!(rows[1]["upload_deadline"], "2024-02-29");
    assert_eq!(rows[2]["days_late"], "5");
    assert_eq!(rows[2]["verdict"], "");
    assert_eq!(rows[3]["matched_twice"], "yes");
    assert_eq!(rows[3]["verdict"], "fail");
    assert!(rows[3]["roster_note"].contains("matched 2 packages"));
    assert_eq!(rows[5]["roster_provider"], "学院戊, 分校");
    assert_eq!(
        rows[6]["roster_note"],
        "on no roster row: neither its id nor its provider is on the roster"
    );

    // --received-at: every package counts as received that day.
    let result = batch(&inbox, &out, &roster, &["--received-at", "2024-02-20"]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    let summary = load_json(&out.join("summary.json"));
    assert_eq!(entry(&summary, 3)["status"], "pass");
    assert_eq!(entry(&summary, 3)["days_left"], 9);
    assert_eq!(summary["roster"]["received_at"], "2024-02-20");
}

/// The roster part of summary.json, without the file name.
fn roster_section(out: &Path) -> Value {
    let mut summary = load_json(&out.join("summary.json"));
    let mut section = summary["roster"].take();
    section["file"] = Value::Null;
    section
}

#[test]
fn gbk_and_utf8_bom_rosters_give_the_same_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = inbox(tmp.path());
    let text = roster_text();
    let utf8 = tmp.path().join("roster-utf8.csv");
    fs::write(&utf8, format!("\u{feff}{text}")).unwrap();
    let gbk = tmp.path().join("roster-gbk.csv");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "really GBK, not UTF-8"
    );
    fs::write(&gbk, &bytes).unwrap();

    let (out_utf8, out_gbk) = (tmp.path().join("utf8"), tmp.path().join("gbk"));
    assert_eq!(batch(&inbox, &out_utf8, &utf8, &[]).code, 1);
    assert_eq!(batch(&inbox, &out_gbk, &gbk, &[]).code, 1);
    let section = roster_section(&out_gbk);
    assert_eq!(section["entries"].as_array().unwrap().len(), ROWS.len());
    assert_eq!(section["entries"][4]["provider"], "学院戊, 分校");
    assert_eq!(roster_section(&out_utf8), section);
    let csv_rows = |out: &Path| {
        summary_csv(out)
            .into_iter()
            .map(|mut r| {
                r.remove("report");
                r
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(csv_rows(&out_utf8), csv_rows(&out_gbk));
}

#[test]
fn a_bad_row_names_its_line_and_nothing_is_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = inbox(tmp.path());
    let mut text = roster_text();
    text.push_str("骨干类,项目三,子项目己,学院己,,30.06.2024\r\n");
    let roster = tmp.path().join("roster.csv");
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    fs::write(&roster, &bytes).unwrap();
    let out = tmp.path().join("reports");

    let result = batch(&inbox, &out, &roster, &[]);
    assert_eq!(result.code, 2, "{}", result.stderr);
    assert!(
        result
            .stderr
            .contains("roster.csv: line 7: end date \"30.06.2024\" is not a date"),
        "{}",
        result.stderr
    );
    assert!(
        !out.join("summary.json").exists(),
        "nothing checked before the roster is read"
    );

    let result = run(trainpack()
        .arg("batch")
        .arg(&inbox)
        .arg("--out")
        .arg(&out)
        .arg("--roster")
        .arg(&roster)
        .args(["--quiet", "--lang", "zh"]));
    assert_eq!(result.code, 2);
    assert!(
        result
            .stderr
            .contains("第 7 行：项目结束日期“30.06.2024”不是有效日期"),
        "{}",
        result.stderr
    );

    // A missing column is named too.
    fs::write(
        &roster,
        "类别,项目,子项目,包编号,项目结束日期\n示范类,项目一,子项目甲,p,2024-06-30\n",
    )
    .unwrap();
    let result = batch(&inbox, &out, &roster, &[]);
    assert_eq!(result.code, 2);
    assert!(
        result
            .stderr
            .contains("line 1: the header has no column `provider` (承训单位)"),
        "{}",
        result.stderr
    );
}

/// Whether Chromium can be used; panics when it is required (CI), as
/// tests/dashboard.rs does.
fn chromium() -> Option<PathBuf> {
    let found = on_path("chromium");
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

/// The DOM of a local page (with a fragment) after Chromium loaded it and
/// ran its scripts.
fn dump_dom(chromium: &Path, url: &str) -> String {
    use wait_timeout::ChildExt;
    let profile = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
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

/// (roster line, status, shown) of every provider cell of the grid.
fn grid_cells(dom: &str) -> Vec<(String, String, bool)> {
    let attr = |tag: &str, name: &str| {
        tag.split(&format!(" {name}=\""))
            .nth(1)
            .map(|v| v.split('"').next().unwrap().to_owned())
    };
    dom.split('<')
        .filter_map(|element| {
            let tag = element.split('>').next().unwrap();
            let line = attr(tag, "data-line")?;
            let status = attr(tag, "data-status").unwrap();
            Some((line, status, !tag.contains(" hidden")))
        })
        .collect()
}

#[test]
fn chromium_shows_the_grid_and_filters_it() {
    let Some(chromium) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let inbox = inbox(tmp.path());
    let roster = tmp.path().join("roster.csv");
    // A hostile provider name stays text.
    let hostile = "骨干类,项目三,子项目己,\"<img src=x onerror=\"\"document.title='pwned'\"\">\",,2024-06-30\r\n";
    fs::write(&roster, roster_text() + hostile).unwrap();
    let out = tmp.path().join("reports");
    let result = run(trainpack()
        .env("TRAINPACK_TODAY", TODAY)
        .arg("batch")
        .arg(&inbox)
        .arg("--out")
        .arg(&out)
        .arg("--roster")
        .arg(&roster)
        .args(["--quiet", "--lang", "zh"]));
    assert_eq!(result.code, 1, "{}", result.stderr);
    let page = out.join("summary.html");
    let html = fs::read_to_string(&page).unwrap();
    // Offline: the one script is inline and allowed by its hash only.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(
        !html.contains("<script src") && !html.contains("http://") && !html.contains("https://")
    );
    assert!(html.contains("script-src 'sha256-"));
    assert!(html.contains("名单：各承训单位提交情况"));

    let url = format!("file://{}", page.display());
    let dom = dump_dom(&chromium, &url);
    assert!(!dom.contains("<img") && !dom.contains("pwned</title>"));
    assert!(dom.contains("&lt;img src=x onerror="));
    let all = grid_cells(&dom);
    let expected: Vec<(String, String, bool)> = [
        ("2", "pass"),
        ("3", "late"),
        ("4", "missing"),
        ("5", "pass"),
        ("6", "fail"),
        ("7", "missing"),
    ]
    .iter()
    .map(|(l, s)| (l.to_string(), s.to_string(), true))
    .collect();
    assert_eq!(
        all, expected,
        "one cell per roster row, each with its status"
    );

    // The filter ran (the script's hash matched the policy): a provider...
    let shown = |url: &str| -> Vec<String> {
        grid_cells(&dump_dom(&chromium, url))
            .into_iter()
            .filter(|(_, _, shown)| *shown)
            .map(|(line, _, _)| line)
            .collect()
    };
    assert_eq!(
        shown(&format!("{url}#filter=%E5%AD%A6%E9%99%A2%E4%B9%99")),
        ["3"],
        "学院乙"
    );
    // ...a category heading, or a status word.
    assert_eq!(
        shown(&format!("{url}#filter=%E9%AA%A8%E5%B9%B2%E7%B1%BB")),
        ["4", "5", "6", "7"],
        "骨干类"
    );
    assert_eq!(shown(&format!("{url}#filter=missing")), ["4", "7"]);
}

/// samples/roster: the roster has the notice's shape, and the inbox its
/// script builds gives every status but `audited`.
#[test]
fn the_sample_roster_and_inbox() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let made = std::process::Command::new("bash")
        .arg(sample("roster/make-inbox.sh"))
        .arg(&inbox)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let out = tmp.path().join("reports");
    let result = run(trainpack()
        .env("TRAINPACK_TODAY", "2024-08-05")
        .arg("batch")
        .arg(&inbox)
        .arg("--out")
        .arg(&out)
        .arg("--roster")
        .arg(sample("roster/roster.csv"))
        .args(["--lang", "en"]));
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert!(
        result.stderr.contains("43 roster entries (roster.csv): 38 missing, 1 fail, 1 late, 3 pass, 0 audited; 1 package(s) on no roster row, 1 entr(ies) matched twice."),
        "{}",
        result.stderr
    );
    let summary = load_json(&out.join("summary.json"));
    let roster = &summary["roster"];
    let entries = roster["entries"].as_array().unwrap();
    let distinct = |key: &str| -> usize {
        entries
            .iter()
            .map(|e| {
                ["category", "project", "sub_project"]
                    .iter()
                    .take_while(|k| **k != key)
                    .chain([&key])
                    .map(|k| e[*k].as_str().unwrap())
                    .collect::<Vec<_>>()
            })
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    assert_eq!(
        (
            distinct("category"),
            distinct("project"),
            distinct("sub_project"),
            entries.len()
        ),
        (3, 8, 24, 43)
    );
    assert_eq!(
        roster["totals"],
        json!({"entries": 43, "missing": 38, "fail": 1, "late": 1, "pass": 3, "audited": 0, "unmatched": 1, "matched_twice": 1})
    );
}

/// Whether Python's openpyxl can write the XLSX roster; panics when it is
/// required (CI installs it: `python3 -m pip install openpyxl`).
fn openpyxl() -> bool {
    let found = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let required = std::env::var_os("CI").is_some()
            || std::env::var_os("TRAINPACK_REQUIRE_FFMPEG").is_some();
        assert!(
            !required,
            "Python's openpyxl is required by this test (CI or TRAINPACK_REQUIRE_FFMPEG is set): python3 -m pip install openpyxl"
        );
        eprintln!("skipped: openpyxl not installed");
    }
    found
}

/// The roster as Excel would save it: a sheet whose end dates are real
/// date cells (a date number format), but for one typed as text (and
/// any that is not a date).
fn write_xlsx(path: &Path, rows: &[Vec<String>]) {
    let script = r#"
import datetime, json, sys
from openpyxl import Workbook
rows = json.loads(sys.argv[2])
wb = Workbook()
ws = wb.active
ws.title = "名单"
ws.append(rows[0])
for i, row in enumerate(rows[1:]):
    end = row[-1].replace("/", "-").split("-")
    try:
        if i != 2:
            row[-1] = datetime.date(int(end[0]), int(end[1]), int(end[2]))
    except ValueError:
        pass
    ws.append(row)
    if not isinstance(row[-1], str):
        ws.cell(row=ws.max_row, column=len(row)).number_format = "yyyy/m/d"
wb.save(sys.argv[1])
"#;
    let output = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .arg(serde_json::to_string(rows).unwrap())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn an_xlsx_roster_gives_the_same_rows_as_a_gbk_csv() {
    if !openpyxl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inbox = inbox(tmp.path());
    let text = roster_text();
    let gbk = tmp.path().join("roster-gbk.csv");
    fs::write(&gbk, encoding_rs::GBK.encode(&text).0).unwrap();
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes())
        .into_records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let mut table = vec![HEADER_ZH.split(',').map(str::to_owned).collect::<Vec<_>>()];
    table.extend(rows);
    let xlsx = tmp.path().join("名单.xlsx");
    write_xlsx(&xlsx, &table);

    let (out_gbk, out_xlsx) = (tmp.path().join("gbk"), tmp.path().join("xlsx"));
    assert_eq!(batch(&inbox, &out_gbk, &gbk, &[]).code, 1);
    let result = batch(&inbox, &out_xlsx, &xlsx, &[]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    let section = roster_section(&out_xlsx);
    assert_eq!(section["entries"][0]["end_date"], "2024-06-30");
    assert_eq!(section, roster_section(&out_gbk));

    // A bad cell is named by its sheet row.
    table.push(
        ["骨干类", "项目三", "子项目己", "学院己", "", "2024-02-30"]
            .map(str::to_owned)
            .to_vec(),
    );
    let bad = tmp.path().join("bad.xlsx");
    write_xlsx(&bad, &table);
    let result = batch(&inbox, &tmp.path().join("bad"), &bad, &[]);
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("row 7: end date"),
        "{}",
        result.stderr
    );
}

/// Shards merged with the roster answer as one unsharded run: the file
/// times come through the shards' catalogs.
#[test]
fn merge_with_the_roster_matches_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = inbox(tmp.path());
    let roster = tmp.path().join("roster.csv");
    fs::write(&roster, roster_text()).unwrap();
    let whole = tmp.path().join("whole");
    assert_eq!(batch(&inbox, &whole, &roster, &[]).code, 1);
    let mut shards = Vec::new();
    for k in 1..=2 {
        let shard = tmp.path().join(format!("shard-{k}"));
        let result = run(trainpack()
            .arg("batch")
            .arg(&inbox)
            .arg("--out")
            .arg(&shard)
            .args(["--quiet", "--shard", &format!("{k}/2")]));
        assert!(result.code <= 1, "{}", result.stderr);
        shards.push(shard);
    }
    let merged = tmp.path().join("merged");
    let result = run(trainpack()
        .env("TRAINPACK_TODAY", TODAY)
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .arg("--roster")
        .arg(&roster)
        .args(["--lang", "en"]));
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert!(
        result
            .stderr
            .contains("5 roster entries (roster.csv): 1 missing, 1 fail, 1 late, 2 pass"),
        "{}",
        result.stderr
    );
    assert_eq!(roster_section(&merged), roster_section(&whole));
}

/// A package reviewed with `trainpack audit` is `audited` on the roster;
/// once a file changes after the approval it is only `pass` again.
#[test]
fn an_audited_package_is_audited_on_the_roster_until_it_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let pkg = inbox.join("ontime");
    copy_dir(&sample("pass"), &pkg);
    fs::write(
        pkg.join("training-package.json"),
        json!({"id": "pkg-ontime", "provider": "学院甲"}).to_string(),
    )
    .unwrap();
    let audited = run(trainpack()
        .env("TRAINPACK_TODAY", TODAY)
        .arg("audit")
        .arg(&pkg)
        .args([
            "--reviewer",
            "王老师",
            "--role",
            "教务处",
            "--result",
            "approved",
        ])
        .args(["--date", "2024-07-19", "--lang", "en"]));
    assert_eq!(audited.code, 0, "{}{}", audited.stdout, audited.stderr);
    let roster = tmp.path().join("roster.csv");
    fs::write(&roster, format!("{HEADER_ZH}\r\n{}\r\n", ROWS[0])).unwrap();
    let received = ["--received-at", "2024-07-20"];

    let out = tmp.path().join("out");
    let r = batch(&inbox, &out, &roster, &received);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let e = entry(&load_json(&out.join("summary.json")), 2).clone();
    assert_eq!(e["status"], "audited", "{e}");
    assert_eq!(e["audit"], "approved", "{e}");
    // The same in the other two summaries.
    let rows = summary_csv(&out);
    assert!(
        rows.iter().any(|r| r.values().any(|v| v == "audited")),
        "summary.csv: {rows:?}"
    );
    let html = fs::read_to_string(out.join("summary.html")).unwrap();
    let cells = grid_cells(&html);
    assert_eq!(cells, vec![("2".to_owned(), "audited".to_owned(), true)]);

    // Changed after the approval: the review no longer covers it.
    fs::write(
        pkg.join("模块1_基础知识/第1课_导论.srt"),
        "1\n00:00:00,000 --> 00:00:01,000\n改\n",
    )
    .unwrap();
    let out = tmp.path().join("out2");
    let r = batch(&inbox, &out, &roster, &received);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let e = entry(&load_json(&out.join("summary.json")), 2).clone();
    assert_eq!(e["status"], "pass", "{e}");
    assert_eq!(e["audit"], "none", "{e}");
}
