//! `trainpack batch` and `trainpack merge` end to end, on an inbox of 23
//! generated packages: copies of the samples with descriptors naming five
//! providers, most as zips, one folder, one corrupt zip, one resource copied
//! between two providers' packages.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use common::*;
use serde_json::{Value, json};
use zip::CompressionMethod;

const PROVIDERS: [&str; 5] = [
    "华东师范大学",
    "北京师范大学",
    "天津职业技术师范大学",
    "同济大学",
    "浙江工业大学",
];

/// One generated package and what its check must conclude.
struct Planned {
    /// File or folder name in the inbox.
    name: String,
    id: String,
    verdict: &'static str,
}

struct Inbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    inbox: PathBuf,
    planned: Vec<Planned>,
    /// SHA-256 of the document copied from provider 0's package to provider 4's.
    copied_sha256: String,
    copied_ids: [String; 2],
}

fn make_inbox() -> Inbox {
    make_inbox_with(false)
}

fn write_zeros(path: &Path, len: usize) {
    use std::io::Write;
    let mut file = fs::File::create(path).unwrap();
    let block = vec![0u8; 1 << 20];
    for _ in 0..len / block.len() {
        file.write_all(&block).unwrap();
    }
}

/// A unique "handout" that is a real PDF as far as content sniffing goes
/// (4 KiB, so it is not ignored as tiny).
fn handout() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n% shared handout\n".to_vec();
    let mut i = 0u32;
    while bytes.len() < 4096 {
        bytes.extend_from_slice(format!("{i} 0 obj << /Length 0 >> endobj\n").as_bytes());
        i += 1;
    }
    bytes.extend_from_slice(b"%%EOF\n");
    bytes
}

/// Build the inbox: 22 good packages (20 zips, 1 folder; a hostile-looking
/// name among them) plus one corrupt zip, and some entries to ignore. With
/// `slow`, package 01 also holds 384 MiB of zeros (a 400 KiB zip entry that
/// takes a while to inflate and hash), so a batch can be killed during it.
fn make_inbox_with(slow: bool) -> Inbox {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_owned();
    let staging = root.join("staging");
    let inbox = root.join("inbox");
    fs::create_dir_all(&staging).unwrap();
    fs::create_dir_all(&inbox).unwrap();
    let shared = handout();
    let mut planned = Vec::new();
    let mut copied_ids = [String::new(), String::new()];
    for i in 0..22usize {
        // pass, fail, exactly-60, junk, and "exactly-60 minus one video".
        let (base, verdict, trim) = match i % 5 {
            0 => ("pass", "pass", false),
            1 => ("fail", "fail", false),
            2 => ("exactly-60", "pass", false),
            3 => ("junk", "fail", false),
            _ => ("exactly-60", "fail", true),
        };
        let id = format!("2022-GP-{i:02}");
        let name = match i {
            7 => format!("{i:02} 国培 <b>&amp; \"包\".zip"),
            9 => format!("{i:02}-{base}"),
            _ => format!("{i:02}-{base}.zip"),
        };
        let dir = staging.join(format!("p{i}"));
        copy_dir(&sample(base), &dir);
        if trim {
            fs::remove_file(dir.join("模块1_基础知识/第3课_个人防护.mp4")).unwrap();
        }
        let provider = PROVIDERS[i % PROVIDERS.len()];
        fs::write(
            dir.join("training-package.json"),
            serde_json::to_string_pretty(&json!({
                "id": id,
                "title": format!("示范项目 {i}"),
                "provider": provider,
                "project": "职教国培",
                "end_date": "2024-06-30",
            }))
            .unwrap(),
        )
        .unwrap();
        // Packages 0 (provider 0, pass: 5/8 with the handout) and 4 (provider 4,
        // exactly-60 minus a video: 2/5 with the handout, still fail) share a file.
        if i == 0 || i == 4 {
            let at = if i == 0 {
                "模块1_基础知识/共享讲义.pdf"
            } else {
                "模块1_基础知识/参考资料.pdf"
            };
            fs::write(dir.join(at), &shared).unwrap();
            copied_ids[usize::from(i == 4)] = id.clone();
        }
        if slow && i == 1 {
            // Still a fail: one more non-video resource.
            write_zeros(&dir.join("模块2_法律法规/录像备份.bin"), 384 << 20);
        }
        if i == 9 {
            fs::rename(&dir, inbox.join(&name)).unwrap();
        } else {
            let method = if i % 2 == 0 {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            };
            zip_dir(&dir, &inbox.join(&name), method);
        }
        planned.push(Planned { name, id, verdict });
    }
    // A corrupt zip: the first half of a real one (no central directory).
    let whole = fs::read(inbox.join("00-pass.zip")).unwrap();
    fs::write(inbox.join("99-corrupt.zip"), &whole[..whole.len() / 2]).unwrap();
    planned.push(Planned {
        name: "99-corrupt.zip".to_owned(),
        id: "99-corrupt".to_owned(),
        verdict: "error",
    });
    // Not packages: hidden entries and a stray file.
    fs::write(inbox.join(".DS_Store"), b"\0\0\0\x01Bud1").unwrap();
    fs::create_dir(inbox.join(".incoming")).unwrap();
    fs::write(inbox.join("说明.txt"), "not a package").unwrap();
    planned.sort_by(|a, b| a.name.cmp(&b.name));
    Inbox {
        _tmp: tmp,
        root,
        inbox,
        planned,
        copied_sha256: sha256_hex(&shared),
        copied_ids,
    }
}

fn batch_cmd(inbox: &Path, out: &Path, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = trainpack();
    cmd.env("TRAINPACK_TODAY", "2024-01-01")
        .arg("batch")
        .arg(inbox)
        .arg("--out")
        .arg(out)
        .args(["--lang", "en"])
        .args(extra);
    cmd
}

fn batch(inbox: &Path, out: &Path, extra: &[&str]) -> Run {
    run(&mut batch_cmd(inbox, out, extra))
}

/// Parse CSV (RFC 4180: quoted fields, doubled quotes, CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// A summary.csv header written under `--lang zh` as the English one: the
/// same columns in the same order, only their names translated.
fn english_header(header: Vec<String>) -> Vec<String> {
    use trainpack::batch::summary::{
        CSV_HEADER, CSV_HEADER_ZH, ROSTER_CSV_HEADER, ROSTER_CSV_HEADER_ZH,
    };
    if header.first().map(String::as_str) != Some(CSV_HEADER_ZH[0]) {
        return header;
    }
    let zh: Vec<&str> = CSV_HEADER_ZH
        .iter()
        .chain(&ROSTER_CSV_HEADER_ZH)
        .copied()
        .collect();
    let en: Vec<&str> = CSV_HEADER
        .iter()
        .chain(&ROSTER_CSV_HEADER)
        .copied()
        .collect();
    assert_eq!(
        header,
        zh[..header.len()],
        "the Chinese header, column for column"
    );
    en[..header.len()].iter().map(|s| (*s).to_owned()).collect()
}

/// summary.csv as (header, rows keyed by the `package` column).
fn read_summary_csv(out: &Path) -> (Vec<String>, BTreeMap<String, BTreeMap<String, String>>) {
    let bytes = fs::read(out.join("summary.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "summary.csv must start with the UTF-8 BOM"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).expect("summary.csv is UTF-8");
    let mut rows = parse_csv(&text).into_iter();
    let header = english_header(rows.next().expect("a header row"));
    let mut by_name = BTreeMap::new();
    for row in rows {
        assert_eq!(row.len(), header.len(), "ragged CSV row {row:?}");
        let map: BTreeMap<String, String> = header.iter().cloned().zip(row).collect();
        assert!(
            by_name
                .insert(map["package"].clone(), map.clone())
                .is_none(),
            "two rows for {}",
            map["package"]
        );
    }
    (header, by_name)
}

fn mtimes(out: &Path, suffix: &str) -> BTreeMap<String, SystemTime> {
    fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().ends_with(suffix))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

/// Names of the packages a run's stderr says were skipped as unchanged.
fn skipped_names(stderr: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_suffix(": unchanged, skipped"))
        .map(|l| l.split_once("] ").map_or(l, |(_, n)| n).to_owned())
        .collect()
}

fn catalog_names(out: &Path) -> BTreeSet<String> {
    try_catalog_names(out).unwrap()
}

/// The packages the catalog records as finished (pass or fail); an error
/// while the batch is still creating the catalog.
fn try_catalog_names(out: &Path) -> rusqlite::Result<BTreeSet<String>> {
    let conn = rusqlite::Connection::open_with_flags(
        out.join("catalog.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mut stmt = conn.prepare("SELECT name FROM packages WHERE status IN ('pass', 'fail')")?;
    stmt.query_map([], |r| r.get::<_, String>(0))?.collect()
}

/// duplicates.csv rows, without the header.
fn read_duplicates(out: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = fs::read(out.join("duplicates.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "duplicates.csv BOM");
    let rows = parse_csv(std::str::from_utf8(&bytes[3..]).unwrap());
    let header = rows[0].clone();
    assert_eq!(
        header,
        ["sha256", "size", "kind", "packages", "providers", "paths"]
    );
    rows[1..]
        .iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

#[test]
fn batch_reports_resumes_shards_and_merges() {
    let inbox = make_inbox();
    assert!(inbox.planned.len() >= 20);
    let all = inbox.root.join("reports");

    // ---- first run: one row per package, the right verdicts, exit 2.
    let began = Instant::now();
    let first = batch(&inbox.inbox, &all, &["--packages", "2"]);
    let first_took = began.elapsed();
    assert_eq!(
        first.code, 2,
        "a corrupt zip makes the batch exit 2\n{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .contains("99-corrupt.zip: could not be processed"),
        "{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .contains("说明.txt: unsupported: not a package"),
        "{}",
        first.stderr
    );
    let (header, rows) = read_summary_csv(&all);
    assert_eq!(
        &header[..5],
        ["package", "id", "provider", "title", "verdict"]
    );
    let names: BTreeSet<&str> = rows.keys().map(String::as_str).collect();
    let mut expected: BTreeSet<&str> = inbox.planned.iter().map(|p| p.name.as_str()).collect();
    expected.insert("说明.txt");
    assert_eq!(
        names, expected,
        "one row per package and per file that is not one, hidden entries skipped"
    );
    assert_eq!(rows["说明.txt"]["verdict"], "unsupported");
    assert!(rows["说明.txt"]["error"].contains("not a package"));
    for p in &inbox.planned {
        let row = &rows[&p.name];
        assert_eq!(row["verdict"], p.verdict, "{}: {row:?}", p.name);
        assert_eq!(row["id"], p.id, "{row:?}");
        if p.verdict == "error" {
            assert!(row["error"].contains("not a readable zip"), "{row:?}");
            assert_eq!(row["report"], "");
            continue;
        }
        assert!(PROVIDERS.contains(&row["provider"].as_str()), "{row:?}");
        assert_eq!(row["deadline"], "2024-07-30");
        assert_eq!(row["error"], "");
        // The per-package files: the report is what `check --json` prints.
        let report = load_json(&all.join(&row["report"]));
        assert_eq!(report["verdict"], p.verdict);
        assert_eq!(report["package"]["id"], p.id.as_str());
        assert_eq!(
            report["summary"]["video_ratio"].as_str().unwrap(),
            row["video_ratio"]
        );
        assert_eq!(
            report["summary"]["course_resources"].to_string(),
            row["course_resources"]
        );
        let manifest = load_json(&all.join(format!("{}.manifest.json", p.id)));
        assert_eq!(manifest["summary"]["verdict"], p.verdict);
        let html = fs::read_to_string(all.join(format!("{}.html", p.id))).unwrap();
        assert!(html.contains(&p.id));
        if p.name.ends_with(".zip") {
            assert_eq!(
                manifest["package"]["archive_sha256"],
                sha256_file(&inbox.inbox.join(&p.name)).as_str()
            );
        }
    }
    // The folder package and the hostile-looking zip name went through.
    assert_eq!(rows["09-exactly-60"]["source"], "folder");
    assert_eq!(rows["07 国培 <b>&amp; \"包\".zip"]["source"], "zip");
    // summary.json follows its schema and agrees with the CSV.
    let summary = load_json(&all.join("summary.json"));
    assert_matches_schema("summary.schema.json", &summary, "summary.json");
    assert_eq!(summary["totals"]["packages"], 24);
    assert_eq!(summary["totals"]["error"], 1);
    assert_eq!(summary["totals"]["unsupported"], 1);
    let passing = inbox.planned.iter().filter(|p| p.verdict == "pass").count();
    assert_eq!(summary["totals"]["pass"], passing);
    // The same report `check --json` gives for one of the zips.
    let zip0 = inbox.inbox.join("00-pass.zip");
    let (code, direct) = check_json_with(
        trainpack().env("TRAINPACK_TODAY", "2024-01-01"),
        &zip0,
        &["--lang", "en"],
    );
    assert_eq!(code, 0);
    let batch_report = load_json(&all.join("2022-GP-00.report.json"));
    assert_eq!(batch_report["summary"], direct["summary"]);
    assert_eq!(batch_report["findings"], direct["findings"]);

    // ---- the copied resource is a duplicate between the two providers.
    let dups = read_duplicates(&all);
    let copied = dups
        .iter()
        .find(|d| d["sha256"] == inbox.copied_sha256)
        .unwrap_or_else(|| panic!("the copied handout is not in duplicates.csv: {dups:?}"));
    assert_eq!(
        copied["packages"],
        format!("{}; {}", inbox.copied_ids[0], inbox.copied_ids[1])
    );
    assert_eq!(
        copied["providers"],
        format!("{}; {}", PROVIDERS[0], PROVIDERS[4])
    );
    assert!(copied["paths"].contains("00-pass.zip:模块1_基础知识/共享讲义.pdf"));
    assert!(copied["paths"].contains("04-exactly-60.zip:模块1_基础知识/参考资料.pdf"));
    assert_eq!(copied["kind"], "document");
    // Subtitles and tiny files never count as duplicates.
    assert!(
        dups.iter()
            .all(|d| d["kind"] != "subtitle" && d["size"].parse::<u64>().unwrap() >= 1024)
    );

    // ---- a re-run is a no-op: everything skipped, no report rewritten.
    let before = mtimes(&all, ".report.json");
    let before_html = mtimes(&all, ".html");
    let began = Instant::now();
    let again = batch(&inbox.inbox, &all, &[]);
    let again_took = began.elapsed();
    assert_eq!(again.code, 2, "{}", again.stderr);
    let skipped = skipped_names(&again.stderr);
    let good: BTreeSet<String> = inbox
        .planned
        .iter()
        .filter(|p| p.verdict != "error")
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(skipped, good, "{}", again.stderr);
    assert!(
        again.stderr.contains("22 unchanged and skipped"),
        "{}",
        again.stderr
    );
    assert_eq!(mtimes(&all, ".report.json"), before);
    let after_html = mtimes(&all, ".html");
    for (name, t) in &before_html {
        if name != "summary.html" {
            assert_eq!(after_html[name], *t, "{name} was rewritten");
        }
    }
    assert_eq!(
        read_summary_csv(&all).1,
        rows,
        "same summary after a no-op run"
    );

    // ---- --rescan checks everything again.
    let rescan = batch(&inbox.inbox, &all, &["--rescan", "--quiet"]);
    assert_eq!(rescan.code, 2);
    assert!(rescan.stderr.is_empty(), "--quiet: {}", rescan.stderr);

    // ---- shards 1/2 and 2/2, merged, give the same summary rows.
    let s1 = inbox.root.join("shard-1");
    let s2 = inbox.root.join("shard-2");
    let r1 = batch(&inbox.inbox, &s1, &["--shard", "1/2", "--quiet"]);
    let r2 = batch(&inbox.inbox, &s2, &["--shard", "2/2", "--quiet"]);
    let (_, rows1) = read_summary_csv(&s1);
    let (_, rows2) = read_summary_csv(&s2);
    assert!(
        !rows1.is_empty() && !rows2.is_empty(),
        "both shards get work"
    );
    let k1: BTreeSet<&String> = rows1.keys().collect();
    let k2: BTreeSet<&String> = rows2.keys().collect();
    assert!(k1.is_disjoint(&k2), "a package in two shards");
    let corrupt_in_1 = rows1.contains_key("99-corrupt.zip");
    let stray_in_1 = rows1.contains_key("说明.txt");
    assert_eq!(r1.code == 2, corrupt_in_1 || stray_in_1);
    assert_eq!(r2.code == 2, !corrupt_in_1 || !stray_in_1);
    // Shards are stable: the same again.
    let again1 = batch(&inbox.inbox, &s1, &["--shard", "1/2"]);
    assert_eq!(
        skipped_names(&again1.stderr).len(),
        rows1.len() - usize::from(corrupt_in_1) - usize::from(stray_in_1)
    );
    let merged = inbox.root.join("merged");
    let m = run(trainpack()
        .arg("merge")
        .arg(&s1)
        .arg(&s2)
        .arg("--out")
        .arg(&merged)
        .args(["--lang", "en"]));
    assert_eq!(m.code, 2, "{}", m.stderr);
    let (merged_header, merged_rows) = read_summary_csv(&merged);
    assert_eq!(merged_header, header);
    assert_eq!(merged_rows, rows, "merged shards = one unsharded run");
    let merged_summary = load_json(&merged.join("summary.json"));
    assert_matches_schema(
        "summary.schema.json",
        &merged_summary,
        "merged summary.json",
    );
    assert_eq!(merged_summary["totals"], summary["totals"]);
    assert_eq!(merged_summary["duplicates"], summary["duplicates"]);
    assert!(
        read_duplicates(&merged)
            .iter()
            .any(|d| d["sha256"] == inbox.copied_sha256)
    );
    // Per-package files were copied, and the merged catalog knows every package.
    for p in inbox.planned.iter().filter(|p| p.verdict != "error") {
        for suffix in [".report.json", ".manifest.json", ".html"] {
            assert!(merged.join(format!("{}{suffix}", p.id)).is_file());
        }
    }
    assert_eq!(catalog_names(&merged), good);
    assert!(merged.join("summary.html").is_file());

    eprintln!(
        "timings: first run (23 packages, --jobs 2) {first_took:?}, no-op re-run {again_took:?}"
    );
}

#[test]
fn a_killed_batch_resumes_without_redoing_finished_packages() {
    let inbox = make_inbox_with(true);
    let out = inbox.root.join("reports");
    let mut child = trainpack_std()
        .env("TRAINPACK_TODAY", "2024-01-01")
        .arg("batch")
        .arg(&inbox.inbox)
        .arg("--out")
        .arg(&out)
        .args(["--lang", "en", "--packages", "1", "--quiet"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the catalog records a first finished package, then SIGKILL.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = out.join("catalog.sqlite").is_file()
            && try_catalog_names(&out).is_ok_and(|names| !names.is_empty());
        if ready {
            break;
        }
        assert!(Instant::now() < deadline, "no package finished within 60 s");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the batch ended before any package was recorded"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no cleanup runs.
    child.wait().unwrap();

    let finished = catalog_names(&out);
    let total_good = inbox
        .planned
        .iter()
        .filter(|p| p.verdict != "error")
        .count();
    assert!(
        !finished.is_empty() && finished.len() < total_good,
        "the kill must land part-way ({} of {total_good} done)",
        finished.len()
    );
    // No file under a final name is partial: every report and manifest parses.
    for entry in fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".report.json") || name.ends_with(".manifest.json") {
            let text = fs::read_to_string(&path).unwrap();
            let value: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{name} is partial or broken: {e}"));
            assert!(value.is_object());
        }
        if name.ends_with(".html") {
            let text = fs::read_to_string(&path).unwrap();
            assert!(text.trim_end().ends_with("</html>"), "{name} is partial");
        }
    }
    let reports_before = mtimes(&out, ".report.json");

    // Re-run: the finished packages are skipped, the rest are checked.
    let resumed = batch(&inbox.inbox, &out, &[]);
    assert_eq!(resumed.code, 2, "{}", resumed.stderr);
    let skipped = skipped_names(&resumed.stderr);
    assert_eq!(
        skipped, finished,
        "exactly the finished packages are skipped\n{}",
        resumed.stderr
    );
    let reports_after = mtimes(&out, ".report.json");
    let ids: BTreeMap<&str, &str> = inbox
        .planned
        .iter()
        .map(|p| (p.name.as_str(), p.id.as_str()))
        .collect();
    for name in &finished {
        let file = format!("{}.report.json", ids[name.as_str()]);
        assert_eq!(
            reports_after[&file], reports_before[&file],
            "{file} was redone"
        );
    }
    // The summary covers every package, including those of the killed run.
    let (_, rows) = read_summary_csv(&out);
    assert_eq!(rows.len(), inbox.planned.len() + 1, "and 说明.txt");
    for p in &inbox.planned {
        assert_eq!(rows[&p.name]["verdict"], p.verdict, "{}", p.name);
    }
    assert_eq!(catalog_names(&out).len(), total_good);
}

#[test]
fn shard_and_merge_arguments_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = run(trainpack()
        .arg("batch")
        .arg(tmp.path())
        .args(["--out", "x", "--shard", "3/2"]));
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("1 ≤ K ≤ N"), "{}", bad.stderr);
    let merge = run(trainpack()
        .arg("merge")
        .arg(tmp.path())
        .arg("--out")
        .arg(tmp.path().join("m")));
    assert_eq!(merge.code, 2);
    assert!(merge.stderr.contains("catalog.sqlite"), "{}", merge.stderr);
    // An empty inbox is fine: nothing to do, exit 0, empty summaries.
    let inbox = tmp.path().join("empty");
    fs::create_dir(&inbox).unwrap();
    let out = tmp.path().join("out");
    let empty = batch(&inbox, &out, &[]);
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    let (_, rows) = read_summary_csv(&out);
    assert!(rows.is_empty());
}

#[test]
fn summary_schema_is_valid_and_documented() {
    let s = schema("summary.schema.json");
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(
        s["$id"],
        "https://trainpack.invalid/schemas/summary.schema.json"
    );
    assert_eq!(s["additionalProperties"], false);
    jsonschema::meta::validate(&s).expect("a valid JSON Schema");
    let missing = undocumented(&s);
    assert!(missing.is_empty(), "undocumented: {missing:?}");
}

#[test]
fn batch_takes_the_same_policy_flags_as_check() {
    // One definition (cli::PolicyFlags) serves both: a flag check knows and
    // batch does not would be a policy silently left at its default.
    for cmd in ["check", "batch"] {
        let out = trainpack()
            .args([cmd, "--probe-timeout", "0", "--threshold", "60", "x"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {stderr}");
        assert!(
            stderr.contains("invalid value '0' for '--probe-timeout"),
            "{cmd}: {stderr}"
        );
    }
}

/// Create `inbox/<name as GBK bytes>` as a copy of sample folder `base`,
/// with a `Thumbs.db` of `junk` zero bytes when not 0.
fn gbk_folder_package(inbox: &Path, name: &str, base: &str, junk: usize) {
    let script = r#"
import os, sys, shutil
inbox, name, src, junk = os.fsencode(sys.argv[1]), sys.argv[2], os.fsencode(sys.argv[3]), int(sys.argv[4])
dst = os.path.join(inbox, name.encode('gbk'))
shutil.copytree(src, dst)
if junk:
    with open(os.path.join(dst, b'Thumbs.db'), 'wb') as f: f.write(bytes(junk))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(inbox)
        .arg(name)
        .arg(sample(base))
        .arg(junk.to_string())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// (package, report file, verdict) of every row of summary.csv.
fn rows_and_reports(out: &Path) -> Vec<(String, String, String)> {
    read_summary_csv(out)
        .1
        .into_iter()
        .map(|(name, row)| (name, row["report"].clone(), row["verdict"].clone()))
        .collect()
}

/// Folders whose GBK names all decode (as UTF-8) to the same replacement
/// text, and a UTF-8 folder whose name reads the same as one of them, are
/// three packages: keyed by their real name bytes, each with its own report.
/// Output names are given in name order, not by which check finished first,
/// and a sharded run, merged, names every file as one unsharded run does.
#[test]
fn packages_are_keyed_by_real_name_bytes_and_named_deterministically() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    fs::create_dir(&inbox).unwrap();
    // The first by name is the largest (20 MiB of junk, read but not
    // counted): with two jobs it finishes last.
    gbk_folder_package(&inbox, "报告", "pass", 20 << 20);
    gbk_folder_package(&inbox, "材料", "pass", 0);
    copy_dir(&sample("fail"), &inbox.join("报告"));
    let gbk = |name: &str| {
        let (bytes, _, _) = encoding_rs::GBK.encode(name);
        bytes
            .iter()
            .map(|b| format!("%{b:02X}"))
            .collect::<String>()
    };
    let (report_key, material_key) = (gbk("报告"), gbk("材料"));

    let all = tmp.path().join("all");
    let first = batch(&inbox, &all, &["--packages", "2"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let (_, rows) = read_summary_csv(&all);
    let names: Vec<&String> = rows.keys().collect();
    assert_eq!(names, [&report_key, &material_key, &"报告".to_owned()]);
    assert_eq!(rows[&report_key]["id"], "报告");
    assert_eq!(rows[&material_key]["id"], "材料");
    assert_eq!(rows["报告"]["id"], "报告");
    assert_eq!(rows[&report_key]["verdict"], "pass");
    assert_eq!(rows[&material_key]["verdict"], "pass");
    assert_eq!(rows["报告"]["verdict"], "fail");
    // Two packages with id 报告: the first by name has the plain name.
    assert_eq!(rows[&report_key]["report"], "报告.report.json");
    let other = &rows["报告"]["report"];
    assert!(
        other.starts_with("报告-") && other.ends_with(".report.json"),
        "{other}"
    );
    for (_, report, verdict) in rows_and_reports(&all) {
        assert_eq!(load_json(&all.join(&report))["verdict"], verdict.as_str());
    }
    assert_eq!(catalog_names(&all).len(), 3);

    // Sharded (each shard, then merged): the same rows and the same names.
    let shards: Vec<PathBuf> = (1..=3).map(|k| tmp.path().join(format!("s{k}"))).collect();
    for (k, dir) in shards.iter().enumerate() {
        batch(
            &inbox,
            dir,
            &["--shard", &format!("{}/3", k + 1), "--quiet"],
        );
    }
    let merged = tmp.path().join("merged");
    let m = run(trainpack()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .args(["--lang", "en"]));
    assert_eq!(m.code, 1, "{}", m.stderr);
    assert_eq!(rows_and_reports(&merged), rows_and_reports(&all));
    for (_, report, verdict) in rows_and_reports(&merged) {
        assert_eq!(
            load_json(&merged.join(&report))["verdict"],
            verdict.as_str()
        );
    }
}

/// A zip of sample `base` with a descriptor of id `id`.
fn zip_with_id(staging: &Path, base: &str, id: &str, dst: &Path) {
    let dir = staging.join(dst.file_name().unwrap());
    copy_dir(&sample(base), &dir);
    fs::write(
        dir.join("training-package.json"),
        serde_json::to_string_pretty(&json!({
            "id": id, "title": "示范项目", "provider": PROVIDERS[0],
            "project": "职教国培", "end_date": "2024-06-30",
        }))
        .unwrap(),
    )
    .unwrap();
    zip_dir(&dir, dst, CompressionMethod::Deflated);
}

/// Two packages with the same descriptor id (one submitted twice) are
/// flagged in summary.csv, summary.json and summary.html, in English and
/// Chinese, each with output files of its own, named in inbox-name order.
#[test]
fn duplicate_package_ids_are_flagged_in_the_summaries() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let staging = tmp.path().join("staging");
    fs::create_dir_all(&inbox).unwrap();
    // The later name is the larger package: with two jobs it finishes last.
    zip_with_id(&staging, "fail", "2024-X", &inbox.join("a-first.zip"));
    zip_with_id(&staging, "pass", "2024-X", &inbox.join("b-again.zip"));
    zip_with_id(&staging, "pass", "2024-Y", &inbox.join("c-other.zip"));

    let out = tmp.path().join("en");
    let run_en = batch(&inbox, &out, &["--packages", "2"]);
    assert_eq!(run_en.code, 1, "{}", run_en.stderr);
    let (header, rows) = read_summary_csv(&out);
    assert!(header.contains(&"duplicate_id".to_owned()), "{header:?}");
    let flag = |name: &str| rows[name]["duplicate_id"].clone();
    assert!(flag("a-first.zip").contains("b-again.zip"), "{rows:?}");
    assert!(flag("a-first.zip").contains("duplicate package id"));
    assert!(flag("b-again.zip").contains("a-first.zip"));
    assert_eq!(flag("c-other.zip"), "");
    assert_eq!(rows["a-first.zip"]["report"], "2024-X.report.json");
    let second = &rows["b-again.zip"]["report"];
    assert!(second.starts_with("2024-X-"), "{second}");
    assert_eq!(
        load_json(&out.join("2024-X.report.json"))["verdict"],
        "fail"
    );
    assert_eq!(load_json(&out.join(second))["verdict"], "pass");

    let summary = load_json(&out.join("summary.json"));
    assert_matches_schema("summary.schema.json", &summary, "summary.json");
    assert_eq!(summary["totals"]["duplicate_ids"], 1);
    let packages = summary["packages"].as_array().unwrap();
    let by_name = |name: &str| packages.iter().find(|p| p["package"] == name).unwrap();
    assert_eq!(
        by_name("a-first.zip")["duplicate_id"]["others"],
        json!(["b-again.zip"])
    );
    assert!(
        by_name("a-first.zip")["duplicate_id"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("包编号重复")
    );
    assert!(by_name("c-other.zip")["duplicate_id"].is_null());
    let html = fs::read_to_string(out.join("summary.html")).unwrap();
    assert_eq!(html.matches("class=\"duplicate-id\"").count(), 2);

    let zh = tmp.path().join("zh");
    let run_zh = run(trainpack()
        .env("TRAINPACK_TODAY", "2024-01-01")
        .arg("batch")
        .arg(&inbox)
        .arg("--out")
        .arg(&zh)
        .args(["--lang", "zh", "--quiet"]));
    assert_eq!(run_zh.code, 1, "{}", run_zh.stderr);
    let (_, rows_zh) = read_summary_csv(&zh);
    assert!(rows_zh["b-again.zip"]["duplicate_id"].contains("包编号重复"));
    let html = fs::read_to_string(zh.join("summary.html")).unwrap();
    assert!(html.contains("包编号重复"));
    assert!(!html.contains("duplicate package id"));
    // The same names in another run.
    assert_eq!(rows_zh["b-again.zip"]["report"], *second);
}

/// RAR and 7z archives (made by the real tools), a lone PDF and a zip
/// without its .zip name are rows of summary.csv, .json and .html with
/// status `unsupported`, saying what each is and what to do (en and zh),
/// and the batch exits 2. A catalog of the previous version is migrated.
#[test]
fn files_that_are_not_packages_are_unsupported_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let staging = tmp.path().join("staging");
    fs::create_dir_all(&inbox).unwrap();
    zip_with_id(&staging, "pass", "2024-P", &inbox.join("good.zip"));
    let course = sample("pass");
    let Some(seven_zip) = on_path("7z") else {
        assert!(
            std::env::var_os("CI").is_none()
                && std::env::var_os("TRAINPACK_REQUIRE_FFMPEG").is_none(),
            "7z is required by this test: apt install p7zip-full"
        );
        eprintln!("skipped: 7z not installed");
        return;
    };
    let seven = std::process::Command::new(seven_zip)
        .args(["a", "-bd", "-t7z"])
        .arg(inbox.join("课程.7z"))
        .arg(&course)
        .output()
        .unwrap();
    assert!(
        seven.status.success(),
        "{}",
        String::from_utf8_lossy(&seven.stderr)
    );
    // A RAR 5 archive's signature and main header (no rar writer is free).
    fs::write(
        inbox.join("课程.rar"),
        b"Rar!\x1a\x07\x01\x00\x33\x92\xb5\xe5\x0a\x01\x05\x06\x00\x05\x01\x01\x80\x80\x00",
    )
    .unwrap();
    fs::copy(
        course.join("模块2_法律法规/法律法规讲义.pdf"),
        inbox.join("讲义.pdf"),
    )
    .unwrap();
    fs::copy(inbox.join("good.zip"), inbox.join("good.zip.bak")).unwrap();

    let out = tmp.path().join("out");
    let first = batch(&inbox, &out, &[]);
    assert_eq!(first.code, 2, "{}", first.stderr);
    assert!(
        first
            .stderr
            .contains("课程.rar: unsupported: a RAR archive"),
        "{}",
        first.stderr
    );
    let (_, rows) = read_summary_csv(&out);
    assert_eq!(rows.len(), 5, "{rows:?}");
    assert_eq!(rows["good.zip"]["verdict"], "pass");
    for (name, what, says) in [
        ("课程.rar", "rar", "RAR archive"),
        ("课程.7z", "7z", "7-Zip (.7z) archive"),
        ("讲义.pdf", "document", "a single document file"),
        ("good.zip.bak", "zip", "rename it to end in .zip"),
    ] {
        let row = &rows[name];
        assert_eq!(row["verdict"], "unsupported", "{name}");
        assert_eq!(row["source"], what, "{name}");
        assert!(row["error"].contains(says), "{name}: {row:?}");
        assert_eq!(row["report"], "", "{name}");
    }
    let summary = load_json(&out.join("summary.json"));
    assert_matches_schema("summary.schema.json", &summary, "summary.json");
    assert_eq!(summary["totals"]["unsupported"], 4);
    let rar = summary["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["package"] == "课程.rar")
        .unwrap();
    assert_eq!(rar["verdict"], "unsupported");
    assert_eq!(rar["unsupported"]["what"], "rar");
    assert!(
        rar["unsupported"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("RAR 压缩包")
    );
    let html = fs::read_to_string(out.join("summary.html")).unwrap();
    assert_eq!(html.matches("row-unsupported").count(), 4);
    assert!(html.contains("a RAR archive"));

    // In Chinese, in all three summaries.
    let zh = tmp.path().join("zh");
    let run_zh = run(trainpack()
        .env("TRAINPACK_TODAY", "2024-01-01")
        .arg("batch")
        .arg(&inbox)
        .arg("--out")
        .arg(&zh)
        .args(["--lang", "zh"]));
    assert_eq!(run_zh.code, 2, "{}", run_zh.stderr);
    let (_, rows_zh) = read_summary_csv(&zh);
    assert!(rows_zh["课程.7z"]["error"].contains("7-Zip (.7z) 压缩包"));
    let html = fs::read_to_string(zh.join("summary.html")).unwrap();
    assert!(html.contains("RAR 压缩包") && !html.contains("a RAR archive"));

    // A catalog written by the previous version (status could only be
    // pass/fail/error) is migrated, keeping its rows and resources.
    let old = tmp.path().join("old");
    fs::create_dir(&old).unwrap();
    fs::remove_file(inbox.join("课程.rar")).unwrap();
    fs::remove_file(inbox.join("课程.7z")).unwrap();
    fs::remove_file(inbox.join("讲义.pdf")).unwrap();
    fs::remove_file(inbox.join("good.zip.bak")).unwrap();
    batch(&inbox, &old, &["--quiet"]);
    {
        let conn = rusqlite::Connection::open(old.join("catalog.sqlite")).unwrap();
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'packages'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        // Rewrite it as version 1 had it.
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = OFF; BEGIN;
             {};
             INSERT INTO packages_v1 SELECT * FROM packages; DROP TABLE packages;
             ALTER TABLE packages_v1 RENAME TO packages;
             UPDATE meta SET value = '1' WHERE key = 'schema_version'; COMMIT;",
            sql.replace("CREATE TABLE packages", "CREATE TABLE packages_v1")
                .replace(", 'unsupported'", "")
        ))
        .unwrap();
    }
    fs::write(inbox.join("x.rar"), b"Rar!\x1a\x07\x00rest").unwrap();
    let migrated = batch(&inbox, &old, &[]);
    assert_eq!(migrated.code, 2, "{}", migrated.stderr);
    assert!(
        migrated.stderr.contains("1 unchanged and skipped"),
        "{}",
        migrated.stderr
    );
    let (_, rows) = read_summary_csv(&old);
    assert_eq!(rows["x.rar"]["verdict"], "unsupported");
    assert_eq!(rows["good.zip"]["verdict"], "pass");
    let conn = rusqlite::Connection::open(old.join("catalog.sqlite")).unwrap();
    let resources: i64 = conn
        .query_row("SELECT COUNT(*) FROM resources", [], |r| r.get(0))
        .unwrap();
    assert!(resources > 0);
}

/// `merge` reads only files inside each shard folder: a catalog edited to
/// name `/etc/passwd`, `../secret.txt` or a link to a file outside makes
/// that row an error naming the shard, and nothing outside is copied.
#[test]
fn merge_reads_only_files_inside_the_shard_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let staging = tmp.path().join("staging");
    fs::create_dir_all(&inbox).unwrap();
    for (name, id) in [
        ("a.zip", "2024-A"),
        ("b.zip", "2024-B"),
        ("c.zip", "2024-C"),
        ("d.zip", "2024-D"),
    ] {
        zip_with_id(&staging, "pass", id, &inbox.join(name));
    }
    let shard = tmp.path().join("shard");
    assert_eq!(batch(&inbox, &shard, &["--quiet"]).code, 0);
    let secret = tmp.path().join("secret.txt");
    fs::write(&secret, "SECRET-OUTSIDE-THE-SHARD").unwrap();
    std::os::unix::fs::symlink(&secret, shard.join("link.html")).unwrap();
    {
        let conn = rusqlite::Connection::open(shard.join("catalog.sqlite")).unwrap();
        for (column, value, name) in [
            ("report_file", "/etc/passwd", "a.zip"),
            ("html_file", "../secret.txt", "b.zip"),
            ("html_file", "link.html", "c.zip"),
        ] {
            conn.execute(
                &format!("UPDATE packages SET {column} = ?1 WHERE name = ?2"),
                rusqlite::params![value, name],
            )
            .unwrap();
        }
    }
    let merged = tmp.path().join("merged");
    let m = run(trainpack()
        .arg("merge")
        .arg(&shard)
        .arg("--out")
        .arg(&merged)
        .args(["--lang", "en"]));
    assert_eq!(m.code, 2, "{}", m.stderr);
    let (_, rows) = read_summary_csv(&merged);
    for name in ["a.zip", "b.zip", "c.zip"] {
        assert_eq!(rows[name]["verdict"], "error", "{name}: {:?}", rows[name]);
        assert!(
            rows[name]["error"].contains(&shard.display().to_string()),
            "{name}: the error names the shard: {:?}",
            rows[name]
        );
    }
    assert_eq!(rows["d.zip"]["verdict"], "pass");
    for entry in fs::read_dir(&merged).unwrap() {
        let path = entry.unwrap().path();
        let bytes = fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("root:x:0:0"),
            "{} holds /etc/passwd",
            path.display()
        );
        assert!(
            !text.contains("SECRET-OUTSIDE-THE-SHARD"),
            "{} holds the file outside the shard",
            path.display()
        );
    }
}

/// `batch --out` inside a package of the inbox (or the inbox itself) is
/// refused before anything is written: the reports would otherwise be
/// counted in that package on the next run, and change its verdict.
#[test]
fn batch_output_inside_an_inbox_package_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    common::copy_dir(&common::sample("pass"), &inbox.join("pass"));
    let before = common::list_files(&inbox.join("pass"));
    for out in [inbox.join("pass/reports"), inbox.clone()] {
        let r = batch(&inbox, &out, &[]);
        assert_eq!(r.code, 2, "{}: {}{}", out.display(), r.stdout, r.stderr);
        assert!(
            r.stderr.contains("--out"),
            "the error says which flag to change: {}",
            r.stderr
        );
    }
    assert!(!inbox.join("pass/reports").exists());
    assert_eq!(common::list_files(&inbox.join("pass")), before);
    // A folder directly in the inbox is fine: batch skips it.
    let r = batch(&inbox, &inbox.join("reports"), &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}
