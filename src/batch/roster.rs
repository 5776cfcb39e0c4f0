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

use crate::i18n::Lang;

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
enum Field {
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
pub fn read(path: &Path, lang: Lang) -> Result<Roster, String> {
    let too_big = std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_ROSTER_BYTES);
    if too_big {
        return Err(format!(
            "{}: {}",
            path.display(),
            lang.pick(
                "larger than 16 MiB: not a roster (one row per expected package)",
                "大于 16 MiB，不像名单（每个应交培训包一行）"
            )
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        format!(
            "{}: {} {e}",
            path.display(),
            lang.pick("cannot read the roster:", "无法读取名单：")
        )
    })?;
    let (rows, unit) = if is_workbook(&bytes) {
        (sheet_rows(bytes, lang), "row")
    } else {
        (csv_rows(&bytes, lang), "line")
    };
    let rows = rows.map_err(|e| format!("{}: {e}", path.display()))?;
    let entries = entries(rows, unit, lang).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Roster {
        path: path.to_owned(),
        entries,
    })
}

/// The text of a CSV file: UTF-8 when it is valid UTF-8 (a BOM is
/// dropped), else GBK. Strict UTF-8 first: GBK bytes are almost never valid
/// UTF-8, while UTF-8 Chinese read as GBK would decode to nonsense
/// without an error.
pub fn decode_text(bytes: &[u8], lang: Lang) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(lang
            .pick(
                "the roster is neither UTF-8 nor GBK text; save it from Excel as \"CSV UTF-8\" or as .xlsx",
                "名单既不是 UTF-8 也不是 GBK 文本；请在 Excel 中另存为“CSV UTF-8”或 .xlsx 格式",
            )
            .to_owned());
    }
    Ok(text.into_owned())
}

/// (line, fields) of every record of a CSV file, the header first.
fn csv_rows(bytes: &[u8], lang: Lang) -> Result<Vec<(usize, Vec<String>)>, String> {
    let text = decode_text(bytes, lang)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = line_at(&text, e.position().map_or(0, |p| p.byte()));
            match lang {
                Lang::En => format!("line {line}: not valid CSV ({e})"),
                Lang::Zh => format!("第 {line} 行：不是有效的 CSV 格式（{e}）"),
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
fn sheet_rows(bytes: Vec<u8>, lang: Lang) -> Result<Vec<(usize, Vec<String>)>, String> {
    use calamine::{Data, Reader};
    let unreadable = |e: &dyn std::fmt::Display| match lang {
        Lang::En => format!("cannot read the workbook: {e}; save the roster as CSV UTF-8 or .xlsx"),
        Lang::Zh => format!("无法读取该工作簿：{e}；请另存为“CSV UTF-8”或 .xlsx 格式"),
    };
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| unreadable(&e))?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(e)) => return Err(unreadable(&e)),
        None => return Err(unreadable(&lang.pick("no sheet", "没有工作表"))),
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
/// `unit` names a line in English messages: `line` (CSV) or `row` (sheet).
fn entries(
    rows: Vec<(usize, Vec<String>)>,
    unit: &str,
    lang: Lang,
) -> Result<Vec<RosterEntry>, String> {
    let mut rows = rows
        .into_iter()
        .filter(|(_, fields)| fields.iter().any(|f| !f.trim().is_empty()));
    let Some((header_line, header)) = rows.next() else {
        return Err(lang
            .pick(
                "the roster is empty: it needs a header row and one row per expected package",
                "名单为空：需要一行表头，以及每个应交培训包一行",
            )
            .to_owned());
    };
    let columns: Vec<Option<Field>> = header.iter().map(|h| field_of(h)).collect();
    for (field, _, _, required) in COLUMNS {
        if required && !columns.contains(&Some(field)) {
            let accepted = COLUMNS
                .iter()
                .map(|(_, en, zh, _)| format!("{en}/{zh}"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(match lang {
                Lang::En => format!(
                    "{unit} {header_line}: the header has no column {}; accepted headers: {accepted}",
                    header_names(field, lang)
                ),
                Lang::Zh => format!(
                    "第 {header_line} 行：表头缺少 {} 列；可用的表头：{accepted}",
                    header_names(field, lang)
                ),
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
                return Err(match lang {
                    Lang::En => format!(
                        "{unit} {line}: {} is empty; every row needs a category, project, sub-project, provider and end date",
                        header_names(field, lang)
                    ),
                    Lang::Zh => format!(
                        "第 {line} 行：{} 为空；每行都须填写类别、项目、子项目、承训单位和项目结束日期",
                        header_names(field, lang)
                    ),
                });
            }
        }
        let date_text = value(Field::EndDate);
        let Some(end_date) = parse_end_date(&date_text) else {
            return Err(match lang {
                Lang::En => format!(
                    "{unit} {line}: end date {date_text:?} is not a date; write it as YYYY-MM-DD (for example 2024-06-30)"
                ),
                Lang::Zh => format!(
                    "第 {line} 行：项目结束日期“{date_text}”不是有效日期；请写成 YYYY-MM-DD（例如 2024-06-30）"
                ),
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
            return Err(match lang {
                Lang::En => format!(
                    "{unit} {line}: repeats {unit} {} (same provider and sub-project, or same package id); keep one",
                    first.line
                ),
                Lang::Zh => format!(
                    "第 {line} 行：与第 {} 行重复（承训单位和子项目相同，或包编号相同）；请只保留一行",
                    first.line
                ),
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
        entries(csv_rows(text, Lang::En)?, "line", Lang::En)
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
