//! The programme office's roster (`batch --roster FILE`): one row per
//! expected package. Read from CSV, as UTF-8 (with or without a BOM) or
//! as GBK (what Excel on a Chinese Windows saves as "CSV"), or from an
//! XLSX workbook's first sheet.
//!
//! Accepted headers (one set, English or Chinese, any order, case and
//! `-`/space/`_` ignored; other columns are ignored):
//!
//! | field | English | Chinese |
//! |---|---|---|
//! | category | `category` | `类别` |
//! | project | `project` | `项目` |
//! | sub-project | `sub_project` | `子项目` |
//! | provider | `provider` | `承训单位` |
//! | package id (optional) | `package_id` | `包编号` |
//! | project end date | `end_date` | `项目结束日期` |
//!
//! End dates are `YYYY-MM-DD`, or `YYYY/M/D` as Excel writes them.

use std::path::{Path, PathBuf};

use time::Date;

use crate::error::{Localized, io_reason};
use crate::i18n::{Lang, Text};

/// Why a roster cannot be used, naming the file (and the line or row).
#[derive(Debug, thiserror::Error)]
#[error("{}: {}", .path.display(), .problem.text().en)]
pub struct RosterError {
    pub path: PathBuf,
    pub problem: RosterProblem,
}

impl Localized for RosterError {
    fn text(&self) -> Text {
        Text::new(
            self.to_string(),
            format!("{}: {}", self.path.display(), self.problem.text().zh),
        )
    }
}

/// What is wrong with a roster; the line (CSV) or row (sheet) is 1-based.
#[derive(Debug)]
pub enum RosterProblem {
    TooLarge,
    Unreadable(std::io::Error),
    NotText,
    /// `detail` is the CSV reader's own (English) wording.
    NotCsv {
        line: usize,
        detail: String,
    },
    /// `detail` is the workbook reader's own (English) wording.
    NotAWorkbook {
        detail: Option<String>,
    },
    Empty,
    MissingColumn {
        at: Place,
        field: Field,
    },
    EmptyField {
        at: Place,
        field: Field,
    },
    NotADate {
        at: Place,
        text: String,
    },
    Repeated {
        at: Place,
        first: usize,
    },
}

/// A line of a CSV file or a row of a sheet.
#[derive(Clone, Copy, Debug)]
pub struct Place {
    pub line: usize,
    pub sheet: bool,
}

impl Place {
    fn en(self) -> String {
        format!("{} {}", self.unit(), self.line)
    }

    fn unit(self) -> &'static str {
        if self.sheet { "row" } else { "line" }
    }
}

impl RosterProblem {
    pub fn text(&self) -> Text {
        match self {
            RosterProblem::TooLarge => Text::new(
                "larger than 16 MiB: not a roster (one row per expected package)",
                "大于 16 MiB，不像名单（每个应交培训包一行）",
            ),
            RosterProblem::Unreadable(e) => {
                let reason = io_reason(e);
                Text::new(
                    format!("cannot read the roster: {}", reason.en),
                    format!("无法读取名单：{}", reason.zh),
                )
            }
            RosterProblem::NotText => Text::new(
                "the roster is neither UTF-8 nor GBK text; save it from Excel as \"CSV UTF-8\" or as .xlsx",
                "名单既不是 UTF-8 也不是 GBK 文本；请在 Excel 中另存为“CSV UTF-8”或 .xlsx 格式",
            ),
            RosterProblem::NotCsv { line, detail } => Text::new(
                format!("line {line}: not valid CSV ({detail})"),
                format!("第 {line} 行：不是有效的 CSV 格式（{detail}）"),
            ),
            RosterProblem::NotAWorkbook { detail } => {
                let (en, zh) = match detail {
                    Some(d) => (d.clone(), d.clone()),
                    None => ("no sheet".to_owned(), "没有工作表".to_owned()),
                };
                Text::new(
                    format!(
                        "cannot read the workbook: {en}; save the roster as CSV UTF-8 or .xlsx"
                    ),
                    format!("无法读取该工作簿：{zh}；请另存为“CSV UTF-8”或 .xlsx 格式"),
                )
            }
            RosterProblem::Empty => Text::new(
                "the roster is empty: it needs a header row and one row per expected package",
                "名单为空：需要一行表头，以及每个应交培训包一行",
            ),
            RosterProblem::MissingColumn { at, field } => {
                let accepted = COLUMNS
                    .iter()
                    .map(|(_, en, zh, _)| format!("{en}/{zh}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Text::new(
                    format!(
                        "{}: the header has no column {}; accepted headers: {accepted}",
                        at.en(),
                        header_names(*field, Lang::En)
                    ),
                    format!(
                        "第 {} 行：表头缺少 {} 列；可用的表头：{accepted}",
                        at.line,
                        header_names(*field, Lang::Zh)
                    ),
                )
            }
            RosterProblem::EmptyField { at, field } => Text::new(
                format!(
                    "{}: {} is empty; every row needs a category, project, sub-project, provider and end date",
                    at.en(),
                    header_names(*field, Lang::En)
                ),
                format!(
                    "第 {} 行：{} 为空；每行都须填写类别、项目、子项目、承训单位和项目结束日期",
                    at.line,
                    header_names(*field, Lang::Zh)
                ),
            ),
            RosterProblem::NotADate { at, text } => Text::new(
                format!(
                    "{}: end date {text:?} is not a date; write it as YYYY-MM-DD (for example 2024-06-30)",
                    at.en()
                ),
                format!(
                    "第 {} 行：项目结束日期“{text}”不是有效日期；请写成 YYYY-MM-DD（例如 2024-06-30）",
                    at.line
                ),
            ),
            RosterProblem::Repeated { at, first } => Text::new(
                format!(
                    "{}: repeats {} {first} (same provider and sub-project, or same package id); keep one",
                    at.en(),
                    at.unit()
                ),
                format!(
                    "第 {} 行：与第 {first} 行重复（承训单位和子项目相同，或包编号相同）；请只保留一行",
                    at.line
                ),
            ),
        }
    }
}

/// One expected package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterEntry {
    /// Line of the CSV file (row of the sheet) it was read from, 1-based.
    pub line: usize,
    pub category: String,
    pub project: String,
    pub sub_project: String,
    pub provider: String,
    pub package_id: Option<String>,
    pub end_date: Date,
}

#[derive(Clone, Debug)]
pub struct Roster {
    pub path: PathBuf,
    pub entries: Vec<RosterEntry>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Category,
    Project,
    SubProject,
    Provider,
    PackageId,
    EndDate,
}

/// (field, English header, Chinese header, required)
const COLUMNS: [(Field, &str, &str, bool); 6] = [
    (Field::Category, "category", "类别", true),
    (Field::Project, "project", "项目", true),
    (Field::SubProject, "sub_project", "子项目", true),
    (Field::Provider, "provider", "承训单位", true),
    (Field::PackageId, "package_id", "包编号", false),
    (Field::EndDate, "end_date", "项目结束日期", true),
];

fn field_of(header: &str) -> Option<Field> {
    let key: String = header
        .trim()
        .chars()
        .map(|c| if c == '-' || c == ' ' { '_' } else { c })
        .collect::<String>()
        .to_lowercase();
    COLUMNS
        .iter()
        .find(|(_, en, zh, _)| key == *en || key == *zh)
        .map(|(f, ..)| *f)
}

fn header_names(field: Field, lang: Lang) -> String {
    let (_, en, zh, _) = COLUMNS
        .iter()
        .find(|(f, ..)| *f == field)
        .copied()
        .unwrap_or(COLUMNS[0]);
    match lang {
        Lang::En => format!("`{en}` ({zh})"),
        Lang::Zh => format!("“{zh}”（{en}）"),
    }
}

/// A roster of 43 rows is a few KiB; a workbook is read whole into memory.
const MAX_ROSTER_BYTES: u64 = 16 << 20;

/// An Excel workbook by its content: XLSX (a zip) or XLS (OLE2).
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Read a roster: an Excel workbook (XLSX, or XLS) by its content, its
/// first sheet; anything else as CSV.
pub fn read(path: &Path) -> Result<Roster, RosterError> {
    let fail = |problem| RosterError {
        path: path.to_owned(),
        problem,
    };
    let too_big = std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_ROSTER_BYTES);
    if too_big {
        return Err(fail(RosterProblem::TooLarge));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(RosterProblem::Unreadable(e)))?;
    let sheet = is_workbook(&bytes);
    let rows = if sheet {
        sheet_rows(bytes)
    } else {
        csv_rows(&bytes)
    };
    let entries = rows.and_then(|rows| entries(rows, sheet)).map_err(fail)?;
    Ok(Roster {
        path: path.to_owned(),
        entries,
    })
}

/// The text of a CSV file: UTF-8 when it is valid UTF-8 (a BOM is
/// dropped), else GBK. Strict UTF-8 first: GBK bytes are almost never valid
/// UTF-8, while UTF-8 Chinese read as GBK would decode to nonsense
/// without an error.
pub fn decode_text(bytes: &[u8]) -> Result<String, RosterProblem> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(RosterProblem::NotText);
    }
    Ok(text.into_owned())
}

/// (line, fields) of every record of a CSV file, the header first.
fn csv_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, RosterProblem> {
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = line_at(&text, e.position().map_or(0, |p| p.byte()));
            RosterProblem::NotCsv {
                line,
                detail: e.to_string(),
            }
        })?;
        // Counted here: csv's own line count lags behind on CRLF files.
        let line = line_at(&text, record.position().map_or(0, |p| p.byte()));
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    Ok(rows)
}

/// (row, cells as text) of the first sheet of a workbook, the header
/// first. Dates become `YYYY-MM-DD`, whole numbers lose their `.0`.
fn sheet_rows(bytes: Vec<u8>) -> Result<Vec<(usize, Vec<String>)>, RosterProblem> {
    use calamine::{Data, Reader};
    let unreadable = |e: &dyn std::fmt::Display| RosterProblem::NotAWorkbook {
        detail: Some(e.to_string()),
    };
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| unreadable(&e))?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(e)) => return Err(unreadable(&e)),
        None => return Err(RosterProblem::NotAWorkbook { detail: None }),
    };
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let text = |cell: &Data| -> String {
        match cell {
            Data::Empty => String::new(),
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(d) if d.is_datetime() => {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                format!("{y:04}-{m:02}-{day:02}")
            }
            Data::DateTime(d) => d.as_f64().to_string(),
            Data::Error(e) => format!("#{e}"),
        }
    };
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i + 1, cells.iter().map(text).collect()))
        .collect())
}

/// The 1-based line of a byte offset.
fn line_at(text: &str, byte: u64) -> usize {
    let bytes = text.as_bytes();
    let mut end = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    // csv places a record after the previous record's fields, before the
    // line break that ends them.
    while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
        end += 1;
    }
    1 + bytes[..end].iter().filter(|b| **b == b'\n').count()
}

/// Parse `YYYY-MM-DD`, or `YYYY/M/D` as Excel writes dates in CSV.
pub fn parse_end_date(text: &str) -> Option<Date> {
    let parts: Vec<&str> = text.trim().split(['-', '/']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let ok = |s: &str, max_len: usize| {
        !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())
    };
    if y.len() != 4 || !ok(y, 4) || !ok(m, 2) || !ok(d, 2) {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// Roster entries from (line, fields) rows, the header first. Blank rows
/// (Excel leaves `,,,,,` behind) are skipped.
/// `sheet`: the rows are a sheet's (messages say `row`, not `line`).
fn entries(
    rows: Vec<(usize, Vec<String>)>,
    sheet: bool,
) -> Result<Vec<RosterEntry>, RosterProblem> {
    let at = |line| Place { line, sheet };
    let mut rows = rows
        .into_iter()
        .filter(|(_, fields)| fields.iter().any(|f| !f.trim().is_empty()));
    let Some((header_line, header)) = rows.next() else {
        return Err(RosterProblem::Empty);
    };
    let columns: Vec<Option<Field>> = header.iter().map(|h| field_of(h)).collect();
    for (field, _, _, required) in COLUMNS {
        if required && !columns.contains(&Some(field)) {
            return Err(RosterProblem::MissingColumn {
                at: at(header_line),
                field,
            });
        }
    }
    let mut entries: Vec<RosterEntry> = Vec::new();
    for (line, fields) in rows {
        let value = |field: Field| -> String {
            columns
                .iter()
                .position(|c| *c == Some(field))
                .and_then(|i| fields.get(i))
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        for (field, _, _, required) in COLUMNS {
            if required && value(field).is_empty() {
                return Err(RosterProblem::EmptyField {
                    at: at(line),
                    field,
                });
            }
        }
        let date_text = value(Field::EndDate);
        let Some(end_date) = parse_end_date(&date_text) else {
            return Err(RosterProblem::NotADate {
                at: at(line),
                text: date_text,
            });
        };
        let package_id = Some(value(Field::PackageId)).filter(|v| !v.is_empty());
        let entry = RosterEntry {
            line,
            category: value(Field::Category),
            project: value(Field::Project),
            sub_project: value(Field::SubProject),
            provider: value(Field::Provider),
            package_id,
            end_date,
        };
        if let Some(first) = entries.iter().find(|e| same_slot(e, &entry)) {
            return Err(RosterProblem::Repeated {
                at: at(line),
                first: first.line,
            });
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// Two rows expecting the same package: the same package id, or the same
/// provider in the same sub-project.
fn same_slot(a: &RosterEntry, b: &RosterEntry) -> bool {
    (a.package_id.is_some() && a.package_id == b.package_id)
        || (a.provider == b.provider
            && a.sub_project == b.sub_project
            && a.project == b.project
            && a.category == b.category)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn parse(text: &[u8]) -> Result<Vec<RosterEntry>, String> {
        csv_rows(text)
            .and_then(|rows| entries(rows, false))
            .map_err(|e| e.text().en)
    }

    #[test]
    fn dates_as_excel_writes_them() {
        assert_eq!(parse_end_date("2024-06-30"), Some(date!(2024 - 06 - 30)));
        assert_eq!(parse_end_date("2024/6/3"), Some(date!(2024 - 06 - 03)));
        assert_eq!(parse_end_date("2024/02/30"), None);
        assert_eq!(parse_end_date("30/06/2024"), None);
        assert_eq!(parse_end_date("2024-06"), None);
        assert_eq!(parse_end_date("2024-+6-01"), None);
    }

    #[test]
    fn chinese_headers_in_gbk_with_extra_columns_and_blank_rows() {
        let text = "备注,类别,项目,子项目,承训单位,项目结束日期\r\nx,示范类,项目一,子项目甲,某学院,2024/6/30\r\n,,,,,\r\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let rows = parse(&gbk).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].provider, "某学院");
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].package_id, None);
        assert_eq!(rows[0].end_date, date!(2024 - 06 - 30));
    }

    #[test]
    fn bad_rows_name_their_line() {
        let head = "category,project,sub_project,provider,package_id,end_date\n";
        let bad_date = format!("{head}a,b,c,d,,2024-06-30\na,b,c2,d,,30.06.2024\n");
        let e = parse(bad_date.as_bytes()).unwrap_err();
        assert!(e.starts_with("line 3:") && e.contains("30.06.2024"), "{e}");
        let empty = format!("{head}a,b,c,,,2024-06-30\n");
        assert!(
            parse(empty.as_bytes())
                .unwrap_err()
                .starts_with("line 2: `provider`")
        );
        let twice = format!("{head}a,b,c,d,p1,2024-06-30\na,b,c2,e,p1,2024-06-30\n");
        assert!(
            parse(twice.as_bytes())
                .unwrap_err()
                .contains("repeats line 2")
        );
        let no_provider = "category,project,sub_project,end_date\n";
        assert!(
            parse(no_provider.as_bytes())
                .unwrap_err()
                .contains("no column `provider`")
        );
    }
}
