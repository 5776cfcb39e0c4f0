//! The report a person reads: verdict first, then where video is missing,
//! then each finding with its fix. Colour only on a terminal.

use std::fmt::Write;

use console::Style;

use super::{Report, Verdict};
use crate::check::percent;
use crate::i18n::Lang;
use crate::policy::Basis;
use crate::rules::Severity;

pub fn render(report: &Report, lang: Lang, colour: bool) -> String {
    let style = |s: Style| s.force_styling(colour);
    let bold = style(Style::new().bold());
    let red = style(Style::new().red().bold());
    let green = style(Style::new().green().bold());
    let yellow = style(Style::new().yellow());
    let dim = style(Style::new().dim());
    let t = |en: &'static str, zh: &'static str| lang.pick(en, zh);
    let s = &report.summary;
    let mut out = String::new();

    let source = match report.package.source {
        crate::source::SourceKind::Folder => t("folder", "文件夹"),
        crate::source::SourceKind::Zip => t("zip", "压缩包"),
    };
    let _ = writeln!(
        out,
        "{} {} ({source})",
        bold.apply_to(t("trainpack check:", "trainpack 检查：")),
        report.package.path
    );
    let verdict = match report.verdict {
        Verdict::Pass => green.apply_to(t("PASS", "通过")),
        Verdict::Fail => red.apply_to(t("FAIL", "不通过")),
    };
    let basis = match report.policy.basis {
        Basis::Count => t("by count", "按数量计"),
        Basis::Bytes => t("by bytes", "按字节计"),
    };
    let _ = writeln!(
        out,
        "{} {verdict}   {} {} ({}/{}, {} ≥ {}%, {basis})",
        t("Verdict:", "结论："),
        t("video share", "视频占比"),
        bold.apply_to(percent(&s.video_ratio)),
        s.videos,
        s.course_resources,
        t("required", "要求"),
        report.policy.threshold_percent,
    );
    let _ = writeln!(
        out,
        "{}",
        dim.apply_to(format!(
            "{} {} · {} {} · {} {}",
            s.files,
            t("files read", "个文件已读取"),
            human_bytes(s.total_bytes),
            t("in all", "总计"),
            percent(&s.video_bytes_ratio),
            t("of course bytes are video", "的课程资源字节为视频"),
        ))
    );

    if !report.modules.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            bold.apply_to(t("Modules (top-level folders):", "各模块（顶层文件夹）："))
        );
        for m in &report.modules {
            let name = if m.name.is_empty() {
                t("(package root)", "（包根目录）")
            } else {
                m.name.as_str()
            };
            let mark = if m.meets_threshold {
                green.apply_to("✓")
            } else {
                red.apply_to("✗")
            };
            let _ = writeln!(
                out,
                "  {mark} {name}  {}/{} {}",
                m.videos,
                m.course_resources,
                percent(&m.video_ratio)
            );
        }
    }

    let _ = writeln!(out);
    if report.findings.is_empty() {
        let _ = writeln!(out, "{}", t("No findings.", "未发现问题。"));
        return out;
    }
    let _ = writeln!(
        out,
        "{} {} {}, {} {}, {} {}",
        bold.apply_to(t("Findings:", "发现的问题：")),
        s.errors,
        t("error(s)", "个错误"),
        s.warnings,
        t("warning(s)", "个警告"),
        s.infos,
        t("note(s)", "个提示"),
    );
    for f in &report.findings {
        let label = match f.severity {
            Severity::Error => red.apply_to(f.severity.label(lang)),
            Severity::Warning => yellow.apply_to(f.severity.label(lang)),
            Severity::Info => dim.apply_to(f.severity.label(lang)),
        };
        let path = f.path.as_deref().unwrap_or("");
        let sep = if path.is_empty() { "" } else { ": " };
        let _ = writeln!(
            out,
            "  {label} [{}] {path}{sep}{}",
            f.code,
            f.message.get(lang)
        );
        let _ = writeln!(
            out,
            "      {} {}",
            dim.apply_to(t("fix:", "修改建议：")),
            f.hint.get(lang)
        );
    }
    out
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
