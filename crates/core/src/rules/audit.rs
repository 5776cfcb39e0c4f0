//! The provider's review (审核) recorded by `trainpack audit`.

use crate::audit::{AuditStatus, Changes, content_digest, reviewed_content};
use crate::descriptor::{AuditResult, Descriptor};
use crate::i18n::Text;
use crate::policy::{AuditPolicy, Level};
use crate::report::Resource;
use crate::rules::{Finding, Violation};

rules! {
    AUDIT_MISSING = "TP004" "audit-missing" Warning {
        summary: "No review (审核) of the package is recorded" / "包未记录审核",
        why: "The notice (教师厅函〔2022〕7号) asks each provider to review its package (形成完整的数字化培训包并进行审核) before uploading it. The review is recorded in training-package.json by `trainpack audit`, with the digest of the content reviewed. A warning by default; an error under the notice-2022-strict profile or `[audit] missing = \"error\"`." / "通知（教师厅函〔2022〕7号）要求各单位形成完整的数字化培训包并进行审核后再上传。审核结果由 `trainpack audit` 记录在 training-package.json 中，并附有所审内容的摘要值。默认为警告；在 notice-2022-strict 配置或 `[audit] missing = \"error\"` 下为错误。",
        fix: "Have the package reviewed, then record it: `trainpack audit PACKAGE --reviewer NAME --role ROLE --result approved`." / "请审核该包，然后记录审核结果：`trainpack audit 包路径 --reviewer 姓名 --role 职务 --result approved`。",
        example: "a training-package.json without an audit section" / "training-package.json 中没有 audit 部分",
        message: AuditMissing {} => Text::new(
            "no review (审核) is recorded in training-package.json",
            "training-package.json 中没有审核记录",
        ),
    }
    AUDIT_STALE = "TP005" "audit-stale" Warning {
        summary: "Files were added, removed or changed since the review" / "审核之后有文件被新增、删除或修改",
        why: "A review approves exact content: its record holds the SHA-256 of every file reviewed. Content changed afterwards was not reviewed, so the package uploaded is not the one approved." / "审核批准的是确定的内容：审核记录保存了每个受审文件的 SHA-256。审核后改动的内容未经审核，上传的包也就不是获批的那个包。",
        fix: "Review the listed changes and record the review again with `trainpack audit`, or restore the reviewed files." / "请审核所列变化后用 `trainpack audit` 重新记录审核，或恢复为审核时的文件。",
        example: "模块1/第1课.mp4 re-exported after the review was recorded" / "记录审核后又重新导出了 模块1/第1课.mp4",
        message: AuditStale { reviewer: String, role: String, date: String, changes: Changes } => {
            let who = format!("{reviewer} ({role})");
            let who_zh = format!("{reviewer}（{role}）");
            let n = changes.count();
            if n == 0 {
                // The record's list agrees with the content but its digest
                // does not: the record was edited by hand.
                Text::new(
                    format!("the content differs from what {who} approved on {date} (its digest does not match the review record)"),
                    format!("内容与{who_zh}于 {date} 审核通过的内容不一致（摘要与审核记录不符）"),
                )
            } else {
                let list = changes.describe(10);
                Text::new(
                    format!("{n} file(s) differ from what {who} approved on {date}: {}", list.en),
                    format!("与{who_zh}于 {date} 审核通过的内容相比有 {n} 处变化：{}", list.zh),
                )
            }
        },
    }
    AUDIT_REJECTED = "TP006" "audit-rejected" Error {
        summary: "The recorded review rejected the package" / "审核结论为不通过",
        why: "The reviewer did not approve the package; it should not be uploaded until a new review approves it." / "审核人未批准该包；在新的审核批准之前不应上传。",
        fix: "Fix what the review notes ask for, then have the package reviewed again and record the new result with `trainpack audit`." / "请按审核意见修改，再重新审核并用 `trainpack audit` 记录新的结论。",
        example: "\"audit\": {\"result\": \"rejected\", \"notes\": \"模块3 缺少视频\"}" / "\"audit\": {\"result\": \"rejected\", \"notes\": \"模块3 缺少视频\"}",
        message: AuditRejected { reviewer: String, role: String, date: String, notes: String } => {
            let (en_notes, zh_notes) = if notes.is_empty() {
                (String::new(), String::new())
            } else {
                (format!(": {notes}"), format!("：{notes}"))
            };
            Text::new(
                format!("{reviewer} ({role}) rejected the package on {date}{en_notes}"),
                format!("{reviewer}（{role}）于 {date} 审核不通过{zh_notes}"),
            )
        },
    }
}

/// Findings about the provider's review (TP004–TP006) at the policy's
/// levels. The review's per-file list is dropped from the descriptor once
/// compared: reports carry the digest, not a second list of every file.
pub fn audit_findings(
    descriptor: Option<&mut Descriptor>,
    files: &[Resource],
    root: &str,
    levels: &AuditPolicy,
    findings: &mut Vec<Finding>,
) -> AuditStatus {
    // Built whatever the level (a few strings), kept only when it is on.
    let mut emit = |level: Level, finding: Finding| {
        if let Some(severity) = level.severity() {
            findings.push(finding.with_severity(severity));
        }
    };
    let Some(audit) = descriptor.and_then(|d| d.audit.as_mut()) else {
        emit(levels.missing, AuditMissing {}.finding(None));
        return AuditStatus::Missing;
    };
    let reviewed = std::mem::take(&mut audit.files);
    if audit.result == AuditResult::Rejected {
        let rejected = AuditRejected {
            reviewer: audit.reviewer.clone(),
            role: audit.role.clone(),
            date: audit.date.clone(),
            notes: audit.notes.clone().unwrap_or_default(),
        };
        emit(levels.rejected, rejected.finding(None));
        return AuditStatus::Rejected;
    }
    let now = reviewed_content(files, root);
    if content_digest(&now) == audit.content_sha256 {
        return AuditStatus::Approved;
    }
    let stale = AuditStale {
        reviewer: audit.reviewer.clone(),
        role: audit.role.clone(),
        date: audit.date.clone(),
        changes: Changes::between(&reviewed, &now),
    };
    emit(levels.stale, stale.finding(None));
    AuditStatus::Stale
}
