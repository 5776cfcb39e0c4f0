//! What `manifest`, `pack` and `audit` say once they are done, in the
//! user's language: the file written, or why nothing was.

use std::path::Path;

use crate::descriptor::{Audit, AuditResult};
use crate::i18n::Lang;
use crate::pack::UploadTicket;
use crate::report::Verdict;

/// `manifest`: where it went, how many files, the verdict.
pub fn manifest_written(output: &Path, files: usize, verdict: Verdict, lang: Lang) -> String {
    let verdict = match verdict {
        Verdict::Pass => lang.pick("pass", "通过"),
        Verdict::Fail => lang.pick("fail", "不通过"),
    };
    match lang {
        Lang::En => format!(
            "manifest written: {} ({files} files, verdict {verdict})",
            output.display()
        ),
        Lang::Zh => format!(
            "清单已写入：{}（{files} 个文件，结论 {verdict}）",
            output.display()
        ),
    }
}

/// `pack`: the bag and its ticket.
pub fn packed(archive: &Path, ticket: &Path, upload: &UploadTicket, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "bag: {} ({} bytes, sha256 {})\nupload ticket: {} ({} chunk(s) of {} bytes)\n",
            archive.display(),
            upload.size,
            upload.sha256,
            ticket.display(),
            upload.chunks.len(),
            upload.chunk_size
        ),
        Lang::Zh => format!(
            "BagIt 包：{}（{} 字节，sha256 {}）\n上传凭据：{}（{} 个分块，每块 {} 字节）\n",
            archive.display(),
            upload.size,
            upload.sha256,
            ticket.display(),
            upload.chunks.len(),
            upload.chunk_size
        ),
    }
}

/// `pack`: names that were not UTF-8 and are renamed in the bag.
pub fn renamed_in_bag(renamed: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "warning: {renamed} file name(s) are not UTF-8; the bag holds them under their decoded or %XX-escaped names (TP044, TP045)"
        ),
        Lang::Zh => format!(
            "警告：{renamed} 个文件名不是 UTF-8；BagIt 包中使用其解码后或 %XX 转义后的名称（TP044、TP045）"
        ),
    }
}

/// Which command refused to act on a failing package.
#[derive(Clone, Copy, Debug)]
pub enum Refusal {
    Pack,
    Approve,
}

pub fn refused(what: Refusal, lang: Lang) -> &'static str {
    match what {
        Refusal::Pack => lang.pick(
            "the package fails the policy: nothing was packed (fix it, or use --force)",
            "包未通过检查：未打包（请先修正，或使用 --force 强制打包）",
        ),
        Refusal::Approve => lang.pick(
            "the package fails the policy: the approval was not recorded (fix it, or use --force)",
            "包未通过检查：未记录审核通过（请先修正，或使用 --force）",
        ),
    }
}

/// `audit`: the review recorded, and where.
pub fn audit_recorded(descriptor: &Path, audit: &Audit, lang: Lang) -> String {
    let files = audit.files.len();
    let d = descriptor.display();
    let (who, role, date, sha) = (
        &audit.reviewer,
        &audit.role,
        &audit.date,
        &audit.content_sha256,
    );
    match lang {
        Lang::En => {
            let result = match audit.result {
                AuditResult::Approved => "approved",
                AuditResult::Rejected => "rejected",
            };
            format!(
                "audit recorded in {d}: {result} by {who} ({role}) on {date}; {files} file(s), content sha256 {sha}\n"
            )
        }
        Lang::Zh => {
            let result = match audit.result {
                AuditResult::Approved => "审核通过",
                AuditResult::Rejected => "审核不通过",
            };
            format!(
                "审核已记录于 {d}：{who}（{role}）于 {date} {result}；{files} 个文件，内容 sha256 {sha}\n"
            )
        }
    }
}
