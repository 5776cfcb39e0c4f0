//! The package descriptor, `training-package.json` at the package root
//! (`schemas/descriptor.schema.json`): who made the package, for which
//! project, and when the project ended — from which the upload deadline
//! follows (the notice: within one month after the project ends).

use std::io;
use std::path::Path;

use crate::rules::{self, Finding, Violation};
use crate::source::{Entry, Package};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::{Date, Month, format_description::BorrowedFormatItem, macros::format_description};

pub const FILE_NAME: &str = "training-package.json";

/// The most of a descriptor that is read: its review lists every file
/// (about 130 bytes each), so 100,000 files need some 13 MB.
pub const MAX_BYTES: u64 = 64 << 20;

const DATE: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Days before the deadline from which a check warns.
pub const WARN_DAYS: i64 = 7;

/// Optional file at the package root naming the package, its provider
/// (承训单位) and project, and its dates. The upload deadline is end_date plus
/// one calendar month (the 2022 notice: resources go to the platform within
/// one month after the project ends). Unknown fields are refused so typos are
/// caught. `trainpack init PATH` writes a skeleton; `trainpack audit PATH`
/// records the review (审核) in `audit`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    rename = "descriptor",
    title = "trainpack package descriptor (training-package.json)",
    example = Descriptor::example()
)]
pub struct Descriptor {
    /// Stable identifier; names the bag (<id>.zip) and the upload ticket.
    /// Defaults to the folder or zip name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Package id", with = "String", length(min = 1))]
    pub id: Option<String>,
    /// Title of the training (培训名称).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub title: Option<String>,
    /// The training provider (承训单位); written to bag-info.txt as
    /// Source-Organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub provider: Option<String>,
    /// The project (项目), e.g. 职教国培 示范项目.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub project: Option<String>,
    /// The sub-project (子项目).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Sub-project", with = "String")]
    pub sub_project: Option<String>,
    /// First day of training, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "crate::schema::Day")]
    pub start_date: Option<String>,
    /// Last day of the project, YYYY-MM-DD; the upload deadline is one
    /// calendar month later (31 January → end of February).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "crate::schema::Day")]
    pub end_date: Option<String>,
    /// Who to ask about the package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Contact")]
    pub contact: Option<Contact>,
    /// The provider's review of the package (审核), written by `trainpack
    /// audit FOLDER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Audit")]
    pub audit: Option<Audit>,
}

/// The provider's review of the package (审核), written by `trainpack audit
/// FOLDER`. It records the digest of the exact content reviewed, so
/// `trainpack check` can tell whether files were added, removed or changed
/// since (TP005). The content is every file but junk (.DS_Store, __MACOSX/,
/// Thumbs.db...) and training-package.json itself, with paths relative to
/// the package root (the folder holding training-package.json).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "audit", title = "Audit")]
pub struct Audit {
    /// Who reviewed the package (审核人).
    #[schemars(length(min = 1))]
    pub reviewer: String,
    /// The reviewer's role, e.g. 项目负责人.
    #[schemars(length(min = 1))]
    pub role: String,
    /// Day of the review, YYYY-MM-DD.
    #[schemars(with = "crate::schema::Day")]
    pub date: String,
    /// approved (审核通过) or rejected (审核不通过; TP006).
    pub result: AuditResult,
    /// Free-text notes on the whole package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub notes: Option<String>,
    /// Notes on single files, by path relative to the package root (`--note
    /// PATH=TEXT`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub file_notes: std::collections::BTreeMap<String, String>,
    /// SHA-256 (lowercase hex) of the compact JSON array of the reviewed
    /// files' [path, sha256] pairs, sorted by path in UTF-8 byte order, e.g.
    /// [["a.mp4","9f…"],["b.pdf","01…"]] (computed by
    /// `crate::audit::content_digest`).
    #[schemars(title = "Content digest", with = "crate::schema::Sha256Hex")]
    pub content_sha256: String,
    /// Every reviewed file: path → SHA-256 (lowercase hex), so a later check
    /// names what changed. Left out of reports and manifests, which carry
    /// the digest only.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    #[schemars(
        title = "Reviewed files",
        with = "std::collections::BTreeMap<String, crate::schema::Sha256Hex>"
    )]
    pub files: std::collections::BTreeMap<String, String>,
}

/// The review's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "audit_result", title = "Result")]
pub enum AuditResult {
    Approved,
    Rejected,
}

impl AuditResult {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditResult::Approved => "approved",
            AuditResult::Rejected => "rejected",
        }
    }
}

/// Who to ask about the package.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "contact", title = "Contact")]
pub struct Contact {
    /// Contact person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// Telephone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub phone: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub email: Option<String>,
}

impl Descriptor {
    /// A filled-in descriptor, shown in `schemas/descriptor.schema.json`.
    fn example() -> Descriptor {
        let text = |s: &str| Some(s.to_owned());
        Descriptor {
            id: text("2022-zjgp-sfxm-01"),
            title: text("企业安全生产培训"),
            provider: text("某职业技术学院"),
            project: text("职教国培示范项目"),
            sub_project: text("教师培训"),
            start_date: text("2022-07-01"),
            end_date: text("2022-07-15"),
            contact: Some(Contact {
                name: text("张老师"),
                phone: text("010-12345678"),
                email: text("train@example.edu.cn"),
            }),
            audit: None,
        }
    }

    /// The descriptor in `bytes`, or why not in both languages (serde's
    /// detail is English only: the Chinese says where, by line and column,
    /// and whether the text is not JSON or a field has the wrong type).
    pub fn parse(bytes: &[u8]) -> Result<Descriptor, crate::i18n::Text> {
        use crate::i18n::Text;
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes))
            .map_err(|_| Text::new("not UTF-8 text", "不是 UTF-8 文本"))?;
        let d: Descriptor = serde_json::from_str(text).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Data => "字段的类型或取值不对",
                serde_json::error::Category::Eof => "JSON 不完整（提前结束）",
                _ => "不是有效的 JSON",
            };
            Text::new(
                e.to_string(),
                format!("{what}（第 {} 行第 {} 列）", e.line(), e.column()),
            )
        })?;
        let bad_date = |field: &str, v: &str| {
            Text::new(
                format!("{field} {v:?}: expected a date as YYYY-MM-DD"),
                format!("{field} {v:?}：日期格式应为 YYYY-MM-DD"),
            )
        };
        for (field, value) in [("start_date", &d.start_date), ("end_date", &d.end_date)] {
            if let Some(v) = value {
                parse_date(v).map_err(|_| bad_date(field, v))?;
            }
        }
        if let Some(audit) = &d.audit {
            parse_date(&audit.date).map_err(|_| bad_date("audit.date", &audit.date))?;
            let hex64 = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex64(&audit.content_sha256) {
                return Err(Text::new(
                    format!(
                        "audit.content_sha256 {:?}: expected 64 hex digits",
                        audit.content_sha256
                    ),
                    format!(
                        "audit.content_sha256 {:?}：应为 64 位十六进制数字",
                        audit.content_sha256
                    ),
                ));
            }
        }
        Ok(d)
    }

    /// End date plus one calendar month, when the end date is known.
    pub fn upload_deadline(&self) -> Option<Date> {
        parse_date(self.end_date.as_deref()?)
            .ok()
            .map(add_one_month)
    }
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text, DATE).map_err(|_| "expected a date as YYYY-MM-DD".to_owned())
}

pub fn format_date(date: Date) -> String {
    date.format(DATE).unwrap_or_default()
}

/// One calendar month later; the day is clamped to the month's length
/// (31 January → 28 or 29 February).
pub fn add_one_month(date: Date) -> Date {
    let (year, month) = match date.month() {
        Month::December => (date.year() + 1, Month::January),
        m => (date.year(), m.next()),
    };
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// Where a package stands against its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineState {
    Open,
    /// Within `WARN_DAYS` days (days left, 0 = today is the deadline).
    Soon(i64),
    /// Past it by this many days.
    Missed(i64),
}

pub fn deadline_state(deadline: Date, today: Date) -> DeadlineState {
    let left = (deadline - today).whole_days();
    if left < 0 {
        DeadlineState::Missed(-left)
    } else if left <= WARN_DAYS {
        DeadlineState::Soon(left)
    } else {
        DeadlineState::Open
    }
}

/// The descriptor at the package root, if any, and the upload deadline it
/// implies, with findings for a broken descriptor or a near or missed deadline.
pub fn read(
    package: &Package,
    root: &str,
    today: time::Date,
    findings: &mut Vec<Finding>,
) -> (Option<Descriptor>, Option<time::Date>) {
    let Some((entry, parsed)) = load(package, root) else {
        findings.push(rules::DescriptorMissing {}.finding(None));
        return (None, None);
    };
    let descriptor = match parsed {
        Ok(d) => d,
        Err(reason) => {
            findings.push(rules::DescriptorInvalid { reason }.finding(Some(&entry.path)));
            return (None, None);
        }
    };
    let deadline = descriptor.upload_deadline();
    if let Some(deadline) = deadline {
        let day = format_date(deadline);
        match deadline_state(deadline, today) {
            DeadlineState::Open => {}
            DeadlineState::Soon(days_left) => findings.push(
                rules::DeadlineSoon {
                    deadline: day,
                    days_left,
                }
                .finding(None),
            ),
            DeadlineState::Missed(days_late) => findings.push(
                rules::DeadlineMissed {
                    deadline: day,
                    days_late,
                }
                .finding(None),
            ),
        }
    }
    (Some(descriptor), deadline)
}

/// The package's id before it is checked (`pack` names the bag by it):
/// the descriptor's id when it parses, else as [`package_id`] says.
/// `root` is the content root the descriptor sits in.
pub fn early_package_id(package: &Package, path: &Path, root: &str) -> String {
    let descriptor = load(package, root).and_then(|(_, d)| d.ok());
    package_id(path, descriptor.as_ref())
}

/// The descriptor entry at the content root, if any, and the descriptor
/// read from it. Small, and read a second time on purpose: keeping every
/// small file's bytes from the scan would cost more than this one re-read.
fn load<'p>(
    package: &'p Package,
    root: &str,
) -> Option<(&'p Entry, Result<Descriptor, crate::i18n::Text>)> {
    let entry = package
        .entries
        .iter()
        .find(|e| e.path.strip_prefix(root).unwrap_or(&e.path) == FILE_NAME)?;
    let mut bytes = Vec::new();
    let mut reader = package.reader();
    let read = reader
        .open(entry)
        .and_then(|r| io::Read::read_to_end(&mut io::Read::take(r, MAX_BYTES), &mut bytes));
    let parsed = read
        .map_err(|e| crate::error::io_reason(&e))
        .and_then(|_| Descriptor::parse(&bytes));
    Some((entry, parsed))
}

/// The descriptor's id, else the folder's name or the zip's stem.
pub fn package_id(path: &Path, descriptor: Option<&Descriptor>) -> String {
    if let Some(id) = descriptor
        .and_then(|d| d.id.as_deref())
        .filter(|s| !s.trim().is_empty())
    {
        return id.trim().to_owned();
    }
    // The folder's own name when it is given as `.`; a package in memory
    // is named, not found.
    #[cfg(feature = "fs")]
    #[allow(clippy::disallowed_methods)]
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    #[cfg(not(feature = "fs"))]
    let canonical = path.to_owned();
    let name = if canonical.is_dir() {
        canonical.file_name()
    } else {
        canonical.file_stem()
    };
    // A GBK name (a folder unzipped on Linux) reads as its text, not as
    // replacement characters that many names share.
    name.map(|n| {
        crate::source::names::display_os_name(n.as_encoded_bytes())
            .0
            .into_owned()
    })
    .unwrap_or_else(|| "package".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn one_calendar_month_later() {
        assert_eq!(add_one_month(date!(2024 - 06 - 30)), date!(2024 - 07 - 30));
        assert_eq!(add_one_month(date!(2024 - 01 - 31)), date!(2024 - 02 - 29));
        assert_eq!(add_one_month(date!(2023 - 01 - 31)), date!(2023 - 02 - 28));
        assert_eq!(add_one_month(date!(2024 - 12 - 15)), date!(2025 - 01 - 15));
    }

    #[test]
    fn deadline_states() {
        let deadline = date!(2024 - 07 - 30);
        assert_eq!(
            deadline_state(deadline, date!(2024 - 07 - 01)),
            DeadlineState::Open
        );
        assert_eq!(
            deadline_state(deadline, date!(2024 - 07 - 23)),
            DeadlineState::Soon(7)
        );
        assert_eq!(
            deadline_state(deadline, date!(2024 - 07 - 30)),
            DeadlineState::Soon(0)
        );
        assert_eq!(
            deadline_state(deadline, date!(2024 - 08 - 02)),
            DeadlineState::Missed(3)
        );
    }

    #[test]
    fn descriptor_parsing() {
        let d = Descriptor::parse(
            "\u{feff}{\"id\":\"p1\",\"provider\":\"某职业技术学院\",\"end_date\":\"2024-06-30\"}"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(d.provider.as_deref(), Some("某职业技术学院"));
        assert_eq!(d.upload_deadline(), Some(date!(2024 - 07 - 30)));
        assert!(Descriptor::parse(br#"{"end_date":"30/06/2024"}"#).is_err());
        assert!(Descriptor::parse(br#"{"provder":"typo"}"#).is_err());
    }
}
