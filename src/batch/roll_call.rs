//! The roster against the inbox: for each expected package, whether it
//! came, which package(s) it is, its verdict and audit, and how it stands
//! against its upload deadline. Decided here; the summaries only show it.
//!
//! Matching: an entry with a package id takes the packages with that id
//! (the descriptor's `id`); an entry left without one takes the packages
//! of its provider (the descriptor's `provider`) that no entry claimed by
//! id. Packages claimed by no entry are listed apart, and so are entries
//! with more than one package.

use std::path::Path;

use serde_json::Value;
use time::{Date, OffsetDateTime, UtcOffset};

use super::catalog::{PackageRow, Status};
use super::roster::{Roster, RosterEntry};
use crate::descriptor::add_one_month;
use crate::i18n::Lang;

/// What `batch --roster` was given.
#[derive(Clone, Debug)]
pub struct RosterInput {
    pub roster: Roster,
    /// `--received-at`: the day every package counts as received.
    pub received_at: Option<Date>,
}

/// Where an entry stands, worst first (the dashboard's cell colour).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// Nothing received.
    Missing,
    /// The (latest) package fails, or could not be processed, or is not a
    /// package; whether late or not.
    Fail,
    /// It passes but arrived after the upload deadline.
    Late,
    /// It passes, on time, without an approved audit.
    Pass,
    /// It passes, on time, and its audit approved it.
    Audited,
}

pub const STANDINGS: [Standing; 5] = [
    Standing::Missing,
    Standing::Fail,
    Standing::Late,
    Standing::Pass,
    Standing::Audited,
];

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Missing => "missing",
            Standing::Fail => "fail",
            Standing::Late => "late",
            Standing::Pass => "pass",
            Standing::Audited => "audited",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Standing::Missing => lang.pick("missing", "未提交"),
            Standing::Fail => lang.pick("fail", "不通过"),
            Standing::Late => lang.pick("late", "逾期"),
            Standing::Pass => lang.pick("pass", "通过"),
            Standing::Audited => lang.pick("audited", "已审核"),
        }
    }
}

/// The audit a package's descriptor records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audit {
    Approved,
    Rejected,
    None,
}

impl Audit {
    pub fn as_str(self) -> &'static str {
        match self {
            Audit::Approved => "approved",
            Audit::Rejected => "rejected",
            Audit::None => "none",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Audit::Approved => lang.pick("approved", "审核通过"),
            Audit::Rejected => lang.pick("rejected", "审核未通过"),
            Audit::None => lang.pick("none", "未审核"),
        }
    }
}

/// The review status a package's JSON report gives (`package.audit_status`,
/// written by `check`): an approval counts only while the package still
/// holds the content approved; a stale one counts as no review.
pub fn audit_of_report(report: &Value) -> Audit {
    match report
        .pointer("/package/audit_status")
        .and_then(Value::as_str)
    {
        Some("approved") => Audit::Approved,
        Some("rejected") => Audit::Rejected,
        _ => Audit::None,
    }
}

fn audit_of_row(row: &PackageRow, out: &Path) -> Audit {
    let Some(file) = &row.report_file else {
        return Audit::None;
    };
    std::fs::read(out.join(file))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .map_or(Audit::None, |v| audit_of_report(&v))
}

/// The office's time zone (China Standard Time): a file time becomes the
/// calendar day it was in Beijing, whatever the server's zone.
const RECEIPT_OFFSET_HOURS: i8 = 8;

/// The day a package counts as received: `--received-at`, else its file
/// time in the inbox.
pub fn received_on(row: &PackageRow, received_at: Option<Date>) -> Date {
    if let Some(day) = received_at {
        return day;
    }
    let offset = UtcOffset::from_hms(RECEIPT_OFFSET_HOURS, 0, 0).unwrap_or(UtcOffset::UTC);
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(row.mtime_ns))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
        .date()
}

/// Days from `day` to `deadline`: (days left, days late), one of them None.
pub fn days(deadline: Date, day: Date) -> (Option<i64>, Option<i64>) {
    let left = (deadline - day).whole_days();
    if left >= 0 {
        (Some(left), None)
    } else {
        (None, Some(-left))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedBy {
    Id,
    Provider,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Id => "id",
            MatchedBy::Provider => "provider",
        }
    }
}

/// One package matched to an entry.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// Index into the summary's rows.
    pub row: usize,
    pub received: Date,
    pub days_left: Option<i64>,
    pub days_late: Option<i64>,
    pub audit: Audit,
}

#[derive(Clone, Debug)]
pub struct EntryStatus {
    pub entry: RosterEntry,
    pub deadline: Date,
    pub matched_by: Option<MatchedBy>,
    /// Oldest received first; the last one decides the standing.
    pub deliveries: Vec<Delivery>,
    pub standing: Standing,
    /// Against the deadline: of the latest delivery on its receipt day,
    /// or, when missing, today.
    pub days_left: Option<i64>,
    pub days_late: Option<i64>,
    /// Lines of other entries that matched one of the same packages.
    pub shares_with: Vec<usize>,
}

impl EntryStatus {
    pub fn latest(&self) -> Option<&Delivery> {
        self.deliveries.last()
    }

    pub fn matched_twice(&self) -> bool {
        self.deliveries.len() > 1
    }
}

pub struct RollCall {
    /// The roster's file name, as given.
    pub file: String,
    pub today: Date,
    pub received_at: Option<Date>,
    pub entries: Vec<EntryStatus>,
    /// Indices of the summary rows no entry matched.
    pub unmatched: Vec<usize>,
}

/// Why an entry has a note: matched more than once, or sharing a package.
pub fn entry_note(status: &EntryStatus, rows: &[PackageRow], lang: Lang) -> Option<String> {
    let mut notes = Vec::new();
    if status.matched_twice() {
        let names: Vec<&str> = status
            .deliveries
            .iter()
            .map(|d| rows[d.row].name.as_str())
            .collect();
        let names = names.join("; ");
        notes.push(match lang {
            Lang::En => format!(
                "matched {} packages: {names}; the latest received counts, remove the others",
                status.deliveries.len()
            ),
            Lang::Zh => format!(
                "匹配到 {} 个包：{names}；以最后收到的为准，请删除其余的",
                status.deliveries.len()
            ),
        });
    }
    if !status.shares_with.is_empty() {
        let lines: Vec<String> = status.shares_with.iter().map(|l| l.to_string()).collect();
        let lines = lines.join(", ");
        notes.push(match lang {
            Lang::En => format!(
                "the same package also matches roster line {lines}; give each row its package id"
            ),
            Lang::Zh => format!("同一个包也匹配名单第 {lines} 行；请为各行填写包编号"),
        });
    }
    (!notes.is_empty()).then(|| notes.join(lang.pick("; ", "；")))
}

/// Provider names compared as the office types them: spaces ignored.
fn same_name(a: &str, b: &str) -> bool {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    squeeze(a) == squeeze(b)
}

impl RollCall {
    pub fn new(
        roster: &Roster,
        rows: &[PackageRow],
        out: &Path,
        received_at: Option<Date>,
        today: Date,
    ) -> RollCall {
        let n = roster.entries.len();
        let mut matched: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut by: Vec<Option<MatchedBy>> = vec![None; n];
        let mut claimed = vec![false; rows.len()];
        for (e, entry) in roster.entries.iter().enumerate() {
            let Some(id) = &entry.package_id else {
                continue;
            };
            for (r, row) in rows.iter().enumerate() {
                if row.id.trim() == id {
                    matched[e].push(r);
                    claimed[r] = true;
                    by[e] = Some(MatchedBy::Id);
                }
            }
        }
        let claimed_by_id = claimed.clone();
        for (e, entry) in roster.entries.iter().enumerate() {
            if !matched[e].is_empty() {
                continue;
            }
            for (r, row) in rows.iter().enumerate() {
                let provider = row.provider.as_deref().unwrap_or("");
                if !claimed_by_id[r] && !provider.is_empty() && same_name(provider, &entry.provider)
                {
                    matched[e].push(r);
                    claimed[r] = true;
                    by[e] = Some(MatchedBy::Provider);
                }
            }
        }
        let audits: Vec<Option<Audit>> = claimed
            .iter()
            .zip(rows)
            .map(|(c, row)| c.then(|| audit_of_row(row, out)))
            .collect();
        let mut entries = Vec::with_capacity(n);
        for (e, entry) in roster.entries.iter().enumerate() {
            let deadline = add_one_month(entry.end_date);
            let mut deliveries: Vec<Delivery> = matched[e]
                .iter()
                .map(|&r| {
                    let received = received_on(&rows[r], received_at);
                    let (days_left, days_late) = days(deadline, received);
                    Delivery {
                        row: r,
                        received,
                        days_left,
                        days_late,
                        audit: audits[r].unwrap_or(Audit::None),
                    }
                })
                .collect();
            deliveries.sort_by(|a, b| {
                (a.received, rows[a.row].mtime_ns, &rows[a.row].name).cmp(&(
                    b.received,
                    rows[b.row].mtime_ns,
                    &rows[b.row].name,
                ))
            });
            let (standing, (days_left, days_late)) = match deliveries.last() {
                None => (Standing::Missing, days(deadline, today)),
                Some(d) => {
                    let standing = if rows[d.row].status != Status::Pass {
                        Standing::Fail
                    } else if d.days_late.is_some() {
                        Standing::Late
                    } else if d.audit == Audit::Approved {
                        Standing::Audited
                    } else {
                        Standing::Pass
                    };
                    (standing, (d.days_left, d.days_late))
                }
            };
            let shares_with = roster
                .entries
                .iter()
                .enumerate()
                .filter(|(o, _)| *o != e && matched[*o].iter().any(|r| matched[e].contains(r)))
                .map(|(_, other)| other.line)
                .collect();
            entries.push(EntryStatus {
                entry: entry.clone(),
                deadline,
                matched_by: by[e],
                deliveries,
                standing,
                days_left,
                days_late,
                shares_with,
            });
        }
        let file = roster.path.file_name().map_or_else(
            || roster.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        RollCall {
            file,
            today,
            received_at,
            entries,
            unmatched: (0..rows.len()).filter(|r| !claimed[*r]).collect(),
        }
    }

    pub fn count(&self, standing: Standing) -> usize {
        self.entries
            .iter()
            .filter(|e| e.standing == standing)
            .count()
    }

    pub fn matched_twice(&self) -> impl Iterator<Item = &EntryStatus> {
        self.entries.iter().filter(|e| e.matched_twice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    #[test]
    fn audit_status_comes_from_the_report() {
        let status = |s: &str| json!({"package": {"audit_status": s}});
        assert_eq!(audit_of_report(&status("approved")), Audit::Approved);
        assert_eq!(audit_of_report(&status("rejected")), Audit::Rejected);
        // Approved, then changed: no longer the content reviewed.
        assert_eq!(audit_of_report(&status("stale")), Audit::None);
        assert_eq!(audit_of_report(&status("missing")), Audit::None);
        assert_eq!(audit_of_report(&json!([])), Audit::None);
    }

    #[test]
    fn days_around_the_deadline() {
        let deadline = date!(2024 - 07 - 30);
        assert_eq!(days(deadline, date!(2024 - 07 - 30)), (Some(0), None));
        assert_eq!(days(deadline, date!(2024 - 08 - 02)), (None, Some(3)));
        assert_eq!(days(deadline, date!(2024 - 07 - 20)), (Some(10), None));
    }
}
