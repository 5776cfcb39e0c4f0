//! The provider's review of a package (审核): what content a review
//! covers, how it is recorded in `training-package.json`, and what changed
//! since. The notice asks each provider to review its package before upload;
//! the record holds the digest of the exact content reviewed, so a later
//! check can tell whether the package is still the one approved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::descriptor::{self, Audit, AuditResult};
use crate::i18n::Text;
use crate::kinds::ResourceKind;
use crate::report::Resource;
use crate::rules;

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
