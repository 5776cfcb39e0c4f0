//! The batch summaries, regenerated from the catalog at the end of every run
//! (so a resumed run's summary includes the packages of earlier runs):
//! `summary.csv` (UTF-8 with BOM, for Excel), `summary.json`
//! (`schemas/summary.schema.json`), `duplicates.csv` and `summary.html`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Value, json};

use super::catalog::{Catalog, PackageRow, ResourceRow, RowSource, Status};
use super::roll_call::{self, EntryStatus, RollCall, RosterInput};
use crate::atomic;
use crate::i18n::Lang;

pub const SUMMARY_VERSION: u32 = 1;
pub const CSV_FILE: &str = "summary.csv";
pub const JSON_FILE: &str = "summary.json";
pub const HTML_FILE: &str = "summary.html";
pub const DUPLICATES_FILE: &str = "duplicates.csv";

/// Files smaller than this are too common to mean anything when shared.
pub const DUPLICATE_MIN_SIZE: u64 = 1024;
/// Kinds never reported as duplicates (not course material).
pub const DUPLICATE_IGNORED_KINDS: [&str; 3] = ["junk", "subtitle", "metadata"];

const UTF8_BOM: &str = "\u{FEFF}";

/// A resource found, byte for byte, in packages of different providers.
#[derive(Clone, Debug)]
pub struct Duplicate {
    pub sha256: String,
    pub size: u64,
    pub kind: crate::kinds::ResourceKind,
    /// Where it occurs, sorted.
    pub places: Vec<Place>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub id: String,
    /// The package's file or folder name in the inbox (unique, unlike ids).
    pub name: String,
    pub provider: String,
    pub path: String,
    pub stem: String,
    pub html_file: Option<String>,
}

impl Duplicate {
    pub fn ids(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.places.iter().map(|p| p.id.as_str()).collect();
        set.into_iter().collect()
    }
    pub fn providers(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.places.iter().map(|p| p.provider.as_str()).collect();
        set.into_iter().collect()
    }
}

/// Everything the summaries show, decided here (the renderers decide nothing).
pub struct SummaryData {
    pub generated: String,
    pub rows: Vec<PackageRow>,
    pub duplicates: Vec<Duplicate>,
    /// Files of each kind over all processed packages.
    pub kinds: BTreeMap<String, u64>,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    /// Inbox files that are not packages (status `unsupported`).
    pub unsupported: usize,
    /// The threshold most packages were checked against (percent).
    pub threshold_percent: u32,
    /// Packages whose id another package has too (a package submitted
    /// twice, or two sharing a descriptor id): inbox name → the others'
    /// names, sorted.
    pub same_id: BTreeMap<String, Vec<String>>,
    /// The roster against these packages (`batch --roster`).
    pub roll_call: Option<RollCall>,
}

impl SummaryData {
    /// Ids held by more than one package.
    pub fn duplicate_ids(&self) -> usize {
        let ids: BTreeSet<&str> = self
            .rows
            .iter()
            .filter(|r| self.same_id.contains_key(&r.name))
            .map(|r| r.id.as_str())
            .collect();
        ids.len()
    }
}

/// What a summary says of a package whose id others share.
pub fn same_id_text(others: &[String], lang: Lang) -> String {
    let others = others.join("; ");
    match lang {
        Lang::En => {
            format!("duplicate package id: {others} has the same id (submitted twice?); keep one")
        }
        Lang::Zh => {
            format!("包编号重复：{others} 的编号与本包相同（是否重复提交？）；请只保留一个")
        }
    }
}

/// Inbox name → the names of the other packages with the same id.
fn same_ids(rows: &[PackageRow]) -> BTreeMap<String, Vec<String>> {
    let mut by_id: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    // A file that is not a package has its file name for an id: not a
    // package id to compare.
    for row in rows.iter().filter(|r| r.status != Status::Unsupported) {
        by_id.entry(row.id.as_str()).or_default().push(&row.name);
    }
    let mut same = BTreeMap::new();
    for names in by_id.values().filter(|n| n.len() > 1) {
        for name in names {
            let mut others: Vec<String> = names
                .iter()
                .filter(|n| *n != name)
                .map(|n| (*n).to_owned())
                .collect();
            others.sort();
            same.insert((*name).to_owned(), others);
        }
    }
    same
}

impl SummaryData {
    pub fn from_catalog(catalog: &Catalog, generated: String) -> Result<SummaryData, String> {
        let rows = catalog.packages()?;
        let shared = catalog.shared_resources(&DUPLICATE_IGNORED_KINDS, DUPLICATE_MIN_SIZE)?;
        Ok(SummaryData::new(rows, shared, generated))
    }

    pub fn new(
        rows: Vec<PackageRow>,
        shared: Vec<(String, ResourceRow)>,
        generated: String,
    ) -> SummaryData {
        let by_name: BTreeMap<&str, &PackageRow> =
            rows.iter().map(|r| (r.name.as_str(), r)).collect();
        let mut groups: BTreeMap<&str, Vec<(&PackageRow, &ResourceRow)>> = BTreeMap::new();
        for (package, resource) in &shared {
            if let Some(row) = by_name.get(package.as_str()) {
                groups
                    .entry(resource.sha256.as_str())
                    .or_default()
                    .push((row, resource));
            }
        }
        let mut duplicates: Vec<Duplicate> = groups
            .into_iter()
            .filter(|(_, places)| {
                let providers: BTreeSet<&str> =
                    places.iter().map(|(row, _)| row.provider_key()).collect();
                providers.len() > 1
            })
            .map(|(sha, places)| {
                let (_, first) = places[0];
                let mut places: Vec<Place> = places
                    .iter()
                    .map(|(row, r)| Place {
                        id: row.id.clone(),
                        name: row.name.clone(),
                        provider: row.provider_key().to_owned(),
                        path: r.path.clone(),
                        stem: row.stem.clone(),
                        html_file: row.html_file.clone(),
                    })
                    .collect();
                places.sort();
                Duplicate {
                    sha256: sha.to_owned(),
                    size: first.size,
                    kind: first.kind,
                    places,
                }
            })
            .collect();
        duplicates.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.sha256.cmp(&b.sha256)));

        let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
        for row in &rows {
            for (kind, n) in &row.by_kind {
                *kinds.entry(kind.clone()).or_default() += n;
            }
        }
        let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
        let mut thresholds: BTreeMap<u32, usize> = BTreeMap::new();
        for row in rows.iter().filter(|r| r.status.processed()) {
            *thresholds.entry(row.threshold_percent).or_default() += 1;
        }
        let threshold_percent = thresholds
            .iter()
            .max_by_key(|(t, n)| (**n, **t))
            .map_or(60, |(t, _)| *t);
        SummaryData {
            same_id: same_ids(&rows),
            generated,
            pass: count(Status::Pass),
            fail: count(Status::Fail),
            error: count(Status::Error),
            unsupported: count(Status::Unsupported),
            rows,
            duplicates,
            kinds,
            threshold_percent,
            roll_call: None,
        }
    }
}

/// Quote a CSV field when it needs it (RFC 4180). A field starting with a
/// formula character gets a leading apostrophe, so Excel shows a hostile
/// name instead of evaluating it.
pub fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn csv_line(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

pub const CSV_HEADER: [&str; 18] = [
    "package",
    "id",
    "provider",
    "title",
    "verdict",
    "course_resources",
    "videos",
    "video_ratio",
    "video_bytes_ratio",
    "bytes",
    "files",
    "errors",
    "warnings",
    "deadline",
    "source",
    "report",
    "error",
    "duplicate_id",
];

/// [`CSV_HEADER`] under `--lang zh`, column for column. The English
/// header stays the default (`--lang en`) for scripts; summary.json keeps
/// the machine names in both languages.
pub const CSV_HEADER_ZH: [&str; 18] = [
    "包",
    "包编号",
    "承训单位",
    "标题",
    "结论",
    "课程资源数",
    "视频数",
    "视频占比",
    "视频字节占比",
    "字节数",
    "文件数",
    "错误数",
    "警告数",
    "包上传截止日期",
    "来源",
    "报告",
    "无法处理的原因",
    "包编号重复",
];

/// [`ROSTER_CSV_HEADER`] under `--lang zh`.
pub const ROSTER_CSV_HEADER_ZH: [&str; 16] = [
    "名单行号",
    "类别",
    "项目",
    "子项目",
    "名单承训单位",
    "名单包编号",
    "项目结束日期",
    "名单上传截止日期",
    "提交情况",
    "匹配方式",
    "接收日期",
    "剩余天数",
    "逾期天数",
    "审核",
    "重复提交",
    "名单说明",
];

/// The header of duplicates.csv, in English and in Chinese.
pub const DUPLICATES_CSV_HEADER: [&str; 6] =
    ["sha256", "size", "kind", "packages", "providers", "paths"];
pub const DUPLICATES_CSV_HEADER_ZH: [&str; 6] =
    ["sha256", "字节数", "类型", "包编号", "承训单位", "路径"];

/// A header row in `lang`.
fn header_row(en: &[&str], zh: &[&str], lang: Lang) -> Vec<String> {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

/// A package's status as a cell: the machine word in English, the word
/// the office reads in Chinese.
fn status_cell(status: Status, lang: Lang) -> String {
    match lang {
        Lang::En => status.as_str(),
        Lang::Zh => match status {
            Status::Pass => "通过",
            Status::Fail => "不通过",
            Status::Error => "无法处理",
            Status::Unsupported => "不支持",
        },
    }
    .to_owned()
}

/// Where a package came from (a folder, a zip, or the kind of file that
/// is not a package) as a cell.
fn source_cell(source: super::catalog::RowSource, lang: Lang) -> String {
    use super::catalog::RowSource;
    use super::unsupported::NotAPackage as N;
    use crate::source::SourceKind;
    match (lang, source) {
        (Lang::En, s) => s.as_str(),
        (Lang::Zh, RowSource::Package(SourceKind::Folder)) => "文件夹",
        (Lang::Zh, RowSource::Package(SourceKind::Zip)) => "zip 文件",
        (Lang::Zh, RowSource::NotAPackage(what)) => match what {
            N::Rar => "RAR 压缩包",
            N::SevenZip => "7z 压缩包",
            N::Gzip => "gzip 压缩包",
            N::Bzip2 => "bzip2 压缩包",
            N::Xz => "xz 压缩包",
            N::Tar => "tar 归档",
            N::Zstd => "zstd 压缩包",
            N::MisnamedZip => "未以 .zip 命名的 zip",
            N::Document => "文档",
            N::Video => "视频",
            N::Audio => "音频",
            N::Image => "图片",
            N::Other => "其他文件",
            N::Special => "特殊文件",
        },
    }
    .to_owned()
}

/// Columns appended to summary.csv with `--roster`: its rows are then the
/// roster's entries (one per matched package; one empty of package data
/// when missing), then the packages no entry matched.
pub const ROSTER_CSV_HEADER: [&str; 16] = [
    "roster_line",
    "category",
    "project",
    "sub_project",
    "roster_provider",
    "roster_package_id",
    "end_date",
    "upload_deadline",
    "roster_status",
    "matched_by",
    "received",
    "days_left",
    "days_late",
    "audit",
    "matched_twice",
    "roster_note",
];

/// The roster columns of one summary.csv row: an entry with one of its
/// packages (or none), or a package no entry matched (`entry` None).
fn roster_fields(
    entry: Option<&EntryStatus>,
    delivery: Option<&roll_call::Delivery>,
    data: &SummaryData,
    lang: Lang,
) -> Vec<String> {
    let opt = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let Some(e) = entry else {
        let mut fields = vec![String::new(); ROSTER_CSV_HEADER.len()];
        fields[8] = lang.pick("unmatched", "不在名单中").to_owned();
        fields[15] = unmatched_text(lang).to_owned();
        return fields;
    };
    let (received, days_left, days_late, audit) = match delivery {
        Some(d) => (
            crate::descriptor::format_date(d.received),
            d.days_left,
            d.days_late,
            match lang {
                Lang::En => d.audit.as_str(),
                Lang::Zh => d.audit.label(lang),
            }
            .to_owned(),
        ),
        None => (String::new(), e.days_left, e.days_late, String::new()),
    };
    vec![
        e.entry.line.to_string(),
        e.entry.category.clone(),
        e.entry.project.clone(),
        e.entry.sub_project.clone(),
        e.entry.provider.clone(),
        e.entry.package_id.clone().unwrap_or_default(),
        crate::descriptor::format_date(e.entry.end_date),
        crate::descriptor::format_date(e.deadline),
        match lang {
            Lang::En => e.standing.as_str(),
            Lang::Zh => e.standing.label(lang),
        }
        .to_owned(),
        e.matched_by
            .map(|m| match (lang, m) {
                (Lang::En, m) => m.as_str(),
                (Lang::Zh, roll_call::MatchedBy::Id) => "包编号",
                (Lang::Zh, roll_call::MatchedBy::Provider) => "承训单位",
            })
            .unwrap_or_default()
            .to_owned(),
        received,
        opt(days_left),
        opt(days_late),
        audit,
        if e.matched_twice() {
            lang.pick("yes", "是")
        } else {
            ""
        }
        .to_owned(),
        roll_call::entry_note(e, &data.rows, lang).unwrap_or_default(),
    ]
}

/// What the summaries say of a package no roster entry matched.
pub fn unmatched_text(lang: Lang) -> &'static str {
    lang.pick(
        "on no roster row: neither its id nor its provider is on the roster",
        "不在名单中：包编号和承训单位都与名单不符",
    )
}

pub fn csv(data: &SummaryData, lang: Lang) -> String {
    let mut out = String::from(UTF8_BOM);
    let mut header = header_row(&CSV_HEADER, &CSV_HEADER_ZH, lang);
    let Some(call) = &data.roll_call else {
        csv_line(&mut out, &header);
        for r in &data.rows {
            csv_line(&mut out, &package_fields(r, data, lang));
        }
        return out;
    };
    header.extend(header_row(&ROSTER_CSV_HEADER, &ROSTER_CSV_HEADER_ZH, lang));
    csv_line(&mut out, &header);
    for e in &call.entries {
        if e.deliveries.is_empty() {
            let mut fields = vec![String::new(); CSV_HEADER.len()];
            fields.extend(roster_fields(Some(e), None, data, lang));
            csv_line(&mut out, &fields);
        }
        for d in &e.deliveries {
            let mut fields = package_fields(&data.rows[d.row], data, lang);
            fields.extend(roster_fields(Some(e), Some(d), data, lang));
            csv_line(&mut out, &fields);
        }
    }
    for &r in &call.unmatched {
        let mut fields = package_fields(&data.rows[r], data, lang);
        fields.extend(roster_fields(None, None, data, lang));
        csv_line(&mut out, &fields);
    }
    out
}

/// The package columns of a summary.csv row ([`CSV_HEADER`]).
fn package_fields(r: &PackageRow, data: &SummaryData, lang: Lang) -> Vec<String> {
    let processed = r.status.processed();
    let num = |n: u64| {
        if processed {
            n.to_string()
        } else {
            String::new()
        }
    };
    vec![
        r.name.clone(),
        r.id.clone(),
        r.provider.clone().unwrap_or_default(),
        r.title.clone().unwrap_or_default(),
        status_cell(r.status, lang),
        num(r.course_resources),
        num(r.videos),
        r.video_ratio.clone().unwrap_or_default(),
        r.video_bytes_ratio.clone().unwrap_or_default(),
        r.size.to_string(),
        num(r.files),
        num(r.errors),
        num(r.warnings),
        r.deadline.clone().unwrap_or_default(),
        source_cell(r.source, lang),
        r.report_file.clone().unwrap_or_default(),
        error_text(r, lang).unwrap_or_default(),
        data.same_id
            .get(&r.name)
            .map(|others| same_id_text(others, lang))
            .unwrap_or_default(),
    ]
}

pub fn duplicates_csv(data: &SummaryData, lang: Lang) -> String {
    let mut out = String::from(UTF8_BOM);
    csv_line(
        &mut out,
        &header_row(&DUPLICATES_CSV_HEADER, &DUPLICATES_CSV_HEADER_ZH, lang),
    );
    for d in &data.duplicates {
        let paths: Vec<String> = d
            .places
            .iter()
            .map(|p| format!("{}:{}", p.name, p.path))
            .collect();
        csv_line(
            &mut out,
            &[
                d.sha256.clone(),
                d.size.to_string(),
                match lang {
                    Lang::En => d.kind.as_str(),
                    Lang::Zh => d.kind.name_zh(),
                }
                .to_owned(),
                d.ids().join("; "),
                d.providers().join("; "),
                paths.join("; "),
            ],
        );
    }
    out
}

/// Why a row was not checked, in `lang`: a file that is not a package is
/// described from its kind; other errors are as recorded.
pub fn error_text(r: &PackageRow, lang: Lang) -> Option<String> {
    match r.status {
        Status::Unsupported => match r.source {
            RowSource::NotAPackage(what) => Some(what.message(lang)),
            RowSource::Package(_) => r.error_text.clone(),
        },
        _ => r.error_text.clone(),
    }
}

fn row_json(r: &PackageRow, data: &SummaryData) -> Value {
    let unsupported = match (r.status, r.source) {
        (Status::Unsupported, RowSource::NotAPackage(what)) => Some(json!({
            "what": what.as_str(),
            "message_en": what.message(Lang::En),
            "message_zh": what.message(Lang::Zh),
        })),
        _ => None,
    };
    let duplicate_id = data.same_id.get(&r.name).map(|others| {
        json!({
            "others": others,
            "message_en": same_id_text(others, Lang::En),
            "message_zh": same_id_text(others, Lang::Zh),
        })
    });
    json!({
        "package": r.name,
        "id": r.id,
        "provider": r.provider,
        "title": r.title,
        "verdict": r.status.as_str(),
        "source": r.source.as_str(),
        "bytes": r.size,
        "files": r.files,
        "course_resources": r.course_resources,
        "videos": r.videos,
        "video_ratio": r.video_ratio,
        "video_bytes_ratio": r.video_bytes_ratio,
        "threshold_percent": r.threshold_percent,
        "errors": r.errors,
        "warnings": r.warnings,
        "deadline": r.deadline,
        "by_kind": r.by_kind,
        "archive_sha256": r.archive_sha256,
        "report": r.report_file,
        "manifest": r.manifest_file,
        "html": r.html_file,
        "checked_at": r.checked_at,
        "error": r.error_text,
        "duplicate_id": duplicate_id,
        "unsupported": unsupported,
    })
}

pub fn json(data: &SummaryData) -> String {
    let mut value = json!({
        "summary_version": SUMMARY_VERSION,
        "tool": {"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")},
        "generated": data.generated,
        "totals": {
            "packages": data.rows.len(),
            "pass": data.pass,
            "fail": data.fail,
            "error": data.error,
            "unsupported": data.unsupported,
            "bytes": data.rows.iter().map(|r| r.size).sum::<u64>(),
            "duplicates": data.duplicates.len(),
            "duplicate_ids": data.duplicate_ids(),
        },
        "threshold_percent": data.threshold_percent,
        "kinds": data.kinds,
        "packages": data.rows.iter().map(|r| row_json(r, data)).collect::<Vec<_>>(),
        "duplicates": data.duplicates.iter().map(|d| json!({
            "sha256": d.sha256,
            "size": d.size,
            "kind": d.kind,
            "packages": d.ids(),
            "providers": d.providers(),
            "places": d.places.iter().map(|p| json!({
                "package": p.id, "name": p.name, "provider": p.provider, "path": p.path,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    if let Some(call) = &data.roll_call {
        value["roster"] = roster_json(call, data);
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn roster_json(call: &RollCall, data: &SummaryData) -> Value {
    let day = |d: time::Date| crate::descriptor::format_date(d);
    let entries: Vec<Value> = call
        .entries
        .iter()
        .map(|e| {
            let latest = e.latest();
            let note = |lang| roll_call::entry_note(e, &data.rows, lang);
            json!({
                "line": e.entry.line,
                "category": e.entry.category,
                "project": e.entry.project,
                "sub_project": e.entry.sub_project,
                "provider": e.entry.provider,
                "package_id": e.entry.package_id,
                "end_date": day(e.entry.end_date),
                "upload_deadline": day(e.deadline),
                "status": e.standing.as_str(),
                "matched_by": e.matched_by.map(|m| m.as_str()),
                "verdict": latest.map(|d| data.rows[d.row].status.as_str()),
                "audit": latest.map_or("none", |d| d.audit.as_str()),
                "received": latest.map(|d| day(d.received)),
                "days_left": e.days_left,
                "days_late": e.days_late,
                "matched_twice": e.matched_twice(),
                "shares_package_with": e.shares_with,
                "note_en": note(Lang::En),
                "note_zh": note(Lang::Zh),
                "packages": e.deliveries.iter().map(|d| {
                    let r = &data.rows[d.row];
                    json!({
                        "package": r.name,
                        "id": r.id,
                        "provider": r.provider,
                        "verdict": r.status.as_str(),
                        "received": day(d.received),
                        "days_left": d.days_left,
                        "days_late": d.days_late,
                        "audit": d.audit.as_str(),
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut totals = serde_json::Map::new();
    totals.insert("entries".into(), json!(call.entries.len()));
    for s in roll_call::STANDINGS {
        totals.insert(s.as_str().into(), json!(call.count(s)));
    }
    totals.insert("unmatched".into(), json!(call.unmatched.len()));
    totals.insert("matched_twice".into(), json!(call.matched_twice().count()));
    json!({
        "file": call.file,
        "today": day(call.today),
        "received_at": call.received_at.map(day),
        "totals": totals,
        "entries": entries,
        "unmatched": call.unmatched.iter().map(|&r| {
            let row = &data.rows[r];
            json!({
                "package": row.name,
                "id": row.id,
                "provider": row.provider,
                "verdict": row.status.as_str(),
                "received": day(roll_call::received_on(row, call.received_at)),
            })
        }).collect::<Vec<_>>(),
        "matched_twice": call.matched_twice().map(|e| e.entry.line).collect::<Vec<_>>(),
    })
}

/// Regenerate every summary file in `out` from the catalog, each atomically.
pub fn write_all(
    out: &Path,
    catalog: &Catalog,
    lang: Lang,
    roster: Option<&RosterInput>,
) -> Result<SummaryData, String> {
    let mut data = SummaryData::from_catalog(catalog, crate::env::now_rfc3339())?;
    data.roll_call = roster.map(|r| {
        RollCall::new(
            &r.roster,
            &data.rows,
            out,
            r.received_at,
            crate::env::get().today(),
        )
    });
    let files: [(&str, String); 4] = [
        (CSV_FILE, csv(&data, lang)),
        (JSON_FILE, json(&data)),
        (DUPLICATES_FILE, duplicates_csv(&data, lang)),
        (HTML_FILE, super::html::dashboard(&data, lang)),
    ];
    for (name, text) in files {
        let path = out.join(name);
        atomic::write(&path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses() {
        assert_eq!(csv_field("plain 名称"), "plain 名称");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
    }
}
