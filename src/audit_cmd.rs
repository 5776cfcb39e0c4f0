//! `trainpack audit`: check a package folder, then record the provider's
//! review in its `training-package.json` (what a review covers is in the
//! core's `audit` module).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::audit::{content_digest, is_audit_rule, reviewed_content};
use crate::check::{CheckOptions, check_package, content_root};
use crate::descriptor::{self, Audit, AuditResult, Descriptor};
use crate::i18n::Text;
use crate::report::Report;
use crate::rules::Severity;
use crate::source::Package;

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
                    format!("--date {d:?}：日期格式应为 YYYY-MM-DD"),
                )
            })?;
            d.clone()
        }
        None => descriptor::format_date(opts.today),
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
