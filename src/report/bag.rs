//! `trainpack verify BAG`: a BagIt bag's status, its problems and its
//! upload ticket, as JSON or as lines in the user's language.

use std::io::{self, Write};
use std::path::Path;

use crate::bagit::validate::{BagReport, BagStatus, ProblemKind};
use crate::i18n::Lang;
use crate::pack::TicketCheck;
use crate::source::names::escape_controls;

/// What `verify BAG` found, for the renderers.
pub struct BagOutcome<'a> {
    pub path: &'a Path,
    pub fast: bool,
    pub bag: &'a BagReport,
    pub status: BagStatus,
    /// `--allow-holes`: an incomplete bag is accepted.
    pub allow_holes: bool,
    pub ticket: Option<&'a TicketCheck>,
}

pub fn write_json(out: &mut impl Write, o: &BagOutcome) -> io::Result<()> {
    let bag = o.bag;
    let value = serde_json::json!({
        "ticket": o.ticket,
        "path": o.path.display().to_string(),
        "fast": o.fast,
        "status": o.status,
        "valid": bag.is_valid(),
        "bag_root": bag.root,
        "bagit_version": bag.version,
        "algorithms": bag.algorithms,
        "payload_files": bag.payload_files,
        "payload_bytes": bag.payload_bytes,
        "holes": bag.holes,
        "review": bag.review.iter().map(|(l, v)| serde_json::json!({
            "label": l, "value": v,
        })).collect::<Vec<_>>(),
        "problems": bag.problems.iter().map(|p| serde_json::json!({
            "kind": p.kind, "path": p.path, "message": p.message,
        })).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &value).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// One line per problem, the status, the review the bag records, the ticket.
pub fn write_text(out: &mut impl Write, o: &BagOutcome, lang: Lang) -> io::Result<()> {
    for p in &o.bag.problems {
        // Paths and messages quote the bag's manifests, which may be
        // hostile: control characters are shown escaped.
        let path = p
            .path
            .as_deref()
            .map(|x| format!("{}{}", escape_controls(x), lang.pick(": ", "：")))
            .unwrap_or_default();
        let message = lang.pick(&p.message, &p.message_zh);
        match lang {
            Lang::En => writeln!(
                out,
                "{}: {path}{}",
                kind_code(p.kind),
                escape_controls(message)
            )?,
            Lang::Zh => writeln!(
                out,
                "{}：{path}{}",
                kind_label_zh(p.kind),
                escape_controls(message)
            )?,
        }
    }
    out.write_all(summary(o, lang).as_bytes())?;
    for (label, value) in &o.bag.review {
        writeln!(
            out,
            "{} {}: {}",
            lang.pick("review", "审核"),
            escape_controls(label),
            escape_controls(value)
        )?;
    }
    if let Some(t) = o.ticket {
        out.write_all(ticket_lines(t, lang).as_bytes())?;
    }
    Ok(())
}

/// The kind as JSON spells it (`checksum_mismatch`).
fn kind_code(kind: ProblemKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn kind_label_zh(kind: ProblemKind) -> &'static str {
    match kind {
        ProblemKind::MissingBagitTxt => "缺少 bagit.txt",
        ProblemKind::BadBagitTxt => "bagit.txt 有误",
        ProblemKind::NoPayloadManifest => "没有载荷清单",
        ProblemKind::BadManifestLine => "清单行有误",
        ProblemKind::PathOutsideBag => "路径越出包外",
        ProblemKind::MissingFile => "文件缺失",
        ProblemKind::ChecksumMismatch => "校验和不符",
        ProblemKind::UnlistedPayloadFile => "文件未列入清单",
        ProblemKind::ManifestsDisagree => "各清单不一致",
        ProblemKind::OxumMismatch => "Payload-Oxum 不符",
        ProblemKind::BadBagInfo => "bag-info.txt 有误",
        ProblemKind::UnsupportedAlgorithm => "不支持的算法",
        ProblemKind::Unreadable => "无法读取",
        ProblemKind::BadFetchTxt => "fetch.txt 有误",
        ProblemKind::FetchedFileMissing => "待下载文件缺失",
    }
}

/// How the bag compares with its upload ticket, one line per problem.
fn ticket_lines(t: &TicketCheck, lang: Lang) -> String {
    let problems = match lang {
        Lang::En => &t.problems,
        Lang::Zh => &t.problems_zh,
    };
    let mut out = String::new();
    for p in problems {
        out.push_str(&format!("{}: {p}\n", lang.pick("ticket", "上传凭据")));
    }
    out.push_str(&match (t.matches, lang) {
        (true, Lang::En) => format!("the upload ticket {} matches the bag\n", t.ticket),
        (true, Lang::Zh) => format!("上传凭据 {} 与包一致\n", t.ticket),
        (false, Lang::En) => format!("the upload ticket {} does not match the bag\n", t.ticket),
        (false, Lang::Zh) => format!("上传凭据 {} 与包不一致\n", t.ticket),
    });
    out
}

/// The status line, in the user's language.
fn summary(o: &BagOutcome, lang: Lang) -> String {
    let bag = o.bag;
    match (o.status, lang) {
        (BagStatus::Valid, Lang::En) => format!(
            "valid BagIt bag: {} payload file(s), {} bytes ({})\n",
            bag.payload_files,
            bag.payload_bytes,
            bag.algorithms.join(", ")
        ),
        (BagStatus::Valid, Lang::Zh) => format!(
            "有效的 BagIt 包：{} 个载荷文件，{} 字节（{}）\n",
            bag.payload_files,
            bag.payload_bytes,
            bag.algorithms.join("、")
        ),
        (BagStatus::Incomplete, Lang::En) => format!(
            "incomplete BagIt bag: {} payload file(s) listed in fetch.txt are missing \
             (nothing is fetched); the {} file(s) present check out{}\n",
            bag.holes,
            bag.payload_files,
            if o.allow_holes {
                "; accepted (--allow-holes)"
            } else {
                "; add --allow-holes to accept it"
            }
        ),
        (BagStatus::Incomplete, Lang::Zh) => format!(
            "不完整的 BagIt 包：fetch.txt 列出的 {} 个载荷文件不在包中（不会下载）；\
             现有的 {} 个文件校验无误{}\n",
            bag.holes,
            bag.payload_files,
            if o.allow_holes {
                "；已接受（--allow-holes）"
            } else {
                "；如要接受，请加 --allow-holes"
            }
        ),
        (BagStatus::Invalid, Lang::En) => {
            format!("invalid BagIt bag: {} problem(s)\n", bag.problems.len())
        }
        (BagStatus::Invalid, Lang::Zh) => {
            format!("无效的 BagIt 包：{} 个问题\n", bag.problems.len())
        }
    }
}
