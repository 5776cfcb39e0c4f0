//! The provider's review of a package (审核): what content a review
//! covers, how it is recorded in `training-package.json`, and what changed
//! since. The notice asks each provider to review its package before upload;
//! the record holds the digest of the exact content reviewed, so a later
//! check can tell whether the package is still the one approved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::check::{CheckOptions, check_package, content_root};
use crate::descriptor::{self, Audit, AuditResult, Descriptor};
use crate::i18n::Text;
use crate::kinds::ResourceKind;
use crate::report::{Report, Resource};
use crate::rules::{self, Severity};
use crate::source::Package;

/// Where the package stands with its review (`package.audit_status` in the
/// report): missing (TP004), approved, rejected (TP006) or stale (TP005).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "audit_status", title = "Audit status")]
pub enum AuditStatus {
    /// No review recorded (or the descriptor cannot be read).
    Missing,
    /// Approved, and the content is the one approved.
    Approved,
    /// The review rejected the package.
    Rejected,
    /// Approved, but files were added, removed or changed since.
    Stale,
}

impl AuditStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditStatus::Missing => "missing",
            AuditStatus::Approved => "approved",
            AuditStatus::Rejected => "rejected",
            AuditStatus::Stale => "stale",
        }
    }
}

/// The rules about the review: their findings never stop the review itself
/// from being recorded (a strict profile makes a missing review an error).
pub fn is_audit_rule(code: &str) -> bool {
    [
        rules::AUDIT_MISSING.code,
        rules::AUDIT_STALE.code,
        rules::AUDIT_REJECTED.code,
    ]
    .contains(&code)
}

/// The content a review covers: every file but junk (`.DS_Store`,
/// `__MACOSX/`: operating systems add them when zipping, and `pack` leaves
/// them out of the bag) and the descriptor itself (writing the review changes
/// it). Paths are relative to the content root, so the review still holds
/// for a zip made of the folder (`zip -r pkg.zip pkg/`).
pub fn reviewed_content(files: &[Resource], root: &str) -> BTreeMap<String, String> {
    files
        .iter()
        .filter(|f| f.kind != ResourceKind::Junk)
        .map(|f| (f.path.strip_prefix(root).unwrap_or(&f.path), f))
        .filter(|(path, _)| *path != descriptor::FILE_NAME)
        .map(|(path, f)| (path.to_owned(), f.sha256.to_string()))
        .collect()
}

/// SHA-256 (hex) of the content as the compact JSON array of its
/// `[path, sha256]` pairs sorted by path (UTF-8 byte order), e.g.
/// `[["a.mp4","9f…"],["b.pdf","01…"]]`: unambiguous whatever the names hold.
pub fn content_digest(content: &BTreeMap<String, String>) -> String {
    let pairs: Vec<(&String, &String)> = content.iter().collect();
    let json = serde_json::to_vec(&pairs).unwrap_or_default();
    Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What differs between the reviewed content and the current one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl Changes {
    pub fn between(reviewed: &BTreeMap<String, String>, now: &BTreeMap<String, String>) -> Changes {
        let mut changes = Changes::default();
        for (path, sha) in now {
            match reviewed.get(path) {
                None => changes.added.push(path.clone()),
                Some(old) if old != sha => changes.changed.push(path.clone()),
                Some(_) => {}
            }
        }
        changes.removed = reviewed
            .keys()
            .filter(|p| !now.contains_key(*p))
            .cloned()
            .collect();
        changes
    }

    pub fn count(&self) -> usize {
        self.added.len() + self.removed.len() + self.changed.len()
    }

    /// The changes named, at most `cap` paths in all, then how many more.
    pub fn describe(&self, cap: usize) -> Text {
        let mut en = Vec::new();
        let mut zh = Vec::new();
        let mut left = cap;
        for (list, word_en, word_zh) in [
            (&self.changed, "changed", "已修改"),
            (&self.added, "added", "新增"),
            (&self.removed, "removed", "已删除"),
        ] {
            if list.is_empty() {
                continue;
            }
            let shown: Vec<String> = list
                .iter()
                .take(left)
                .map(|p| crate::source::names::escape_controls(p).into_owned())
                .collect();
            left -= shown.len();
            if shown.is_empty() {
                continue;
            }
            en.push(format!("{word_en}: {}", shown.join(", ")));
            zh.push(format!("{word_zh}：{}", shown.join("、")));
        }
        let more = self.count().saturating_sub(cap);
        let mut text = Text::new(en.join("; "), zh.join("；"));
        if more > 0 {
            text.en.push_str(&format!("; and {more} more"));
            text.zh.push_str(&format!("；另有 {more} 处"));
        }
        text
    }
}

/// One line saying who reviewed the package, when, and where that stands:
/// shown by the terminal and HTML reports.
pub fn summary(status: AuditStatus, audit: Option<&Audit>) -> Text {
    let Some(a) = audit else {
        return Text::new(
            "none recorded (trainpack audit)",
            "未记录（可用 `trainpack audit` 记录）",
        );
    };
    let (en, zh) = match (status, a.result) {
        (AuditStatus::Stale, _) => (
            "approved, but the content changed since",
            "审核通过，但此后内容有变化",
        ),
        (_, AuditResult::Approved) => ("approved", "审核通过"),
        (_, AuditResult::Rejected) => ("rejected", "审核不通过"),
    };
    let short = &a.content_sha256[..a.content_sha256.len().min(12)];
    Text::new(
        format!(
            "{en} by {} ({}) on {} (content sha256 {short}…)",
            a.reviewer, a.role, a.date
        ),
        format!(
            "{}（{}）于 {} {zh}（内容 sha256 {short}…）",
            a.reviewer, a.role, a.date
        ),
    )
}

/// What `trainpack audit` records.
pub struct AuditRequest {
    pub reviewer: String,
    pub role: String,
    pub result: AuditResult,
    pub notes: Option<String>,
    /// `(path, note)` pairs from `--note PATH=TEXT`.
    pub file_notes: Vec<(String, String)>,
    /// `YYYY-MM-DD`; None: today.
    pub date: Option<String>,
    /// Record an approval even when the package fails the policy.
    pub force: bool,
}

pub enum Recorded {
    /// Written into `descriptor`.
    Written {
        descriptor: PathBuf,
        audit: Box<Audit>,
        report: Box<Report>,
    },
    /// An approval of a failing package, without `--force`: nothing written.
    RefusedFailing(Box<Report>),
}

/// Check the package folder at `path`, then record the review in its
/// `training-package.json` (created when missing; its other fields are kept
/// as they are). Errors are given in both languages.
pub fn record(path: &Path, opts: &CheckOptions, request: AuditRequest) -> Result<Recorded, Text> {
    if path.is_file() {
        let p = path.display();
        return Err(Text::new(
            format!(
                "{p}: a zip package cannot be changed in place; unzip it, record the review on the folder with `trainpack audit FOLDER`, then zip the folder again (the review still holds for the zip)"
            ),
            format!(
                "{p}：无法直接修改压缩包；请先解压，对文件夹执行 `trainpack audit 文件夹` 记录审核，再重新压缩（审核对压缩包同样有效）"
            ),
        ));
    }
    if !path.is_dir() {
        let p = path.display();
        return Err(Text::new(
            format!("{p}: no such package folder"),
            format!("{p}：找不到该包文件夹"),
        ));
    }
    let date = match &request.date {
        Some(d) => {
            descriptor::parse_date(d).map_err(|e| {
                Text::new(
                    format!("--date {d:?}: {e}"),
                    format!("--date {d:?}：{}", crate::error::Localized::text(&e).zh),
                )
            })?;
            d.clone()
        }
        None => descriptor::format_date(opts.today.unwrap_or_else(descriptor::today)),
    };
    for (field, value) in [("--reviewer", &request.reviewer), ("--role", &request.role)] {
        if value.trim().is_empty() {
            return Err(Text::new(
                format!("{field} is empty: say who reviewed the package"),
                format!("{field} 为空：请填写审核人信息"),
            ));
        }
    }

    let package = Package::open_for_scan(path, &opts.policy.limits)
        .map_err(|e| Text::new(e.to_string(), e.to_string()))?;
    let report = check_package(&package, path, opts);

    // The review goes where `check` reads the descriptor; a new one goes at
    // the top, which makes the top the content root.
    let root = content_root(&package);
    let at_root = format!("{root}{}", descriptor::FILE_NAME);
    let (target, root) =
        if report.files.iter().any(|f| *f.path == *at_root) && path.join(&at_root).is_file() {
            (path.join(&at_root), root)
        } else {
            (path.join(descriptor::FILE_NAME), String::new())
        };
    // A broken descriptor is named first: fixing it is the way on either way.
    let mut value = read_descriptor_value(&target)?;
    let failing = report
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error && !is_audit_rule(f.code()));
    if failing && request.result == AuditResult::Approved && !request.force {
        return Ok(Recorded::RefusedFailing(Box::new(report)));
    }

    let content = reviewed_content(&report.files, &root);
    let mut file_notes = BTreeMap::new();
    for (file, note) in request.file_notes {
        // As `check` lists it (from the package folder) or from the root.
        let file = file.trim_start_matches("./");
        let file = file.strip_prefix(root.as_str()).unwrap_or(file).to_owned();
        if !content.contains_key(&file) {
            return Err(Text::new(
                format!(
                    "--note {file}=…: no such file in the package (give its path relative to the package root, as `trainpack check` lists it)"
                ),
                format!(
                    "--note {file}=…：包中没有该文件（请使用相对于包根目录的路径，与 `trainpack check` 列出的一致）"
                ),
            ));
        }
        file_notes.insert(file, note);
    }
    let audit = Audit {
        reviewer: request.reviewer.trim().to_owned(),
        role: request.role.trim().to_owned(),
        date,
        result: request.result,
        notes: request.notes.filter(|n| !n.trim().is_empty()),
        file_notes,
        content_sha256: content_digest(&content),
        files: content,
    };
    value["audit"] = serde_json::to_value(&audit).map_err(|e| same(e.to_string()))?;
    let mut text = serde_json::to_string_pretty(&value).map_err(|e| same(e.to_string()))?;
    text.push('\n');
    crate::atomic::write(&target, text.as_bytes()).map_err(|e| {
        let t = target.display();
        Text::new(
            format!("cannot write {t}: {e}"),
            format!("无法写入 {t}：{}", crate::error::io_reason(&e).zh),
        )
    })?;
    Ok(Recorded::Written {
        descriptor: target,
        audit: Box::new(audit),
        report: Box::new(report),
    })
}

fn same(message: String) -> Text {
    Text::new(message.clone(), message)
}

/// The descriptor as a JSON value, so fields are kept as written; `{}` when
/// there is none. A descriptor that does not parse is refused, not replaced.
fn read_descriptor_value(target: &Path) -> Result<serde_json::Value, Text> {
    let bytes = match std::fs::read(target) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(serde_json::json!({}));
        }
        Err(e) => {
            let t = target.display();
            return Err(Text::new(
                format!("cannot read {t}: {e}"),
                format!("无法读取 {t}：{}", crate::error::io_reason(&e).zh),
            ));
        }
    };
    let invalid = |reason: Text| {
        let t = target.display();
        Text::new(
            format!(
                "{t}: cannot read it ({}); correct it first (schemas/descriptor.schema.json)",
                reason.en
            ),
            format!(
                "{t}：无法解析（{}）；请先修正（见 schemas/descriptor.schema.json）",
                reason.zh
            ),
        )
    };
    Descriptor::parse(&bytes).map_err(invalid)?;
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes))
        .map_err(|_| invalid(Text::new("not UTF-8 text", "不是 UTF-8 文本")))?;
    serde_json::from_str(text).map_err(|e| invalid(Text::from(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn digest_is_of_the_sorted_pairs() {
        let content = map(&[("b.pdf", "02"), ("a.mp4", "01")]);
        let expected: String = Sha256::digest(br#"[["a.mp4","01"],["b.pdf","02"]]"#)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(content_digest(&content), expected);
    }

    #[test]
    fn changes_are_named_and_capped() {
        let before = map(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let after = map(&[("a", "1"), ("b", "9"), ("d", "4"), ("e", "5")]);
        let changes = Changes::between(&before, &after);
        assert_eq!(changes.changed, ["b"]);
        assert_eq!(changes.added, ["d", "e"]);
        assert_eq!(changes.removed, ["c"]);
        let text = changes.describe(2);
        assert_eq!(text.en, "changed: b; added: d; and 2 more");
        assert_eq!(text.zh, "已修改：b；新增：d；另有 2 处");
    }
}
