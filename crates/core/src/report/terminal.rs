//! The report a person reads: verdict first, then where video is missing,
//! then each finding with its fix. Colour only on a terminal.

use std::fmt::Write;

use console::Style;

use super::{Report, Verdict, human_bytes};
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
    let (path, ratio) = (shown(&report.package.path), s.video_ratio);
    // The parts on the policy's basis: counts, or sizes when counting bytes.
    let (videos, total, pct) = match report.policy.basis {
        Basis::Count => (
            s.videos.to_string(),
            s.course_resources.to_string(),
            report.policy.threshold_percent,
        ),
        Basis::Bytes => (
            human_bytes(s.video_bytes),
            human_bytes(s.course_bytes),
            report.policy.threshold_percent,
        ),
    };
    let bytes_ratio = s.video_bytes_ratio;
    let (files, size) = (s.files, human_bytes(s.total_bytes));
    let head = bold.apply_to(t("trainpack check:", "trainpack 检查："));
    let label = t("Verdict:", "结论：");
    let ratio = bold.apply_to(ratio);
    let verdict = match report.verdict {
        Verdict::Pass => green.apply_to(t("PASS", "通过")),
        Verdict::Fail => red.apply_to(t("FAIL", "不通过")),
    };
    let basis = match report.policy.basis {
        Basis::Count => t("by count", "按数量计"),
        Basis::Bytes => t("by bytes", "按字节计"),
    };
    match lang {
        Lang::En => {
            let _ = writeln!(out, "{head} {path} ({source})");
            let _ = writeln!(
                out,
                "{label} {verdict}   video share {ratio} ({videos}/{total}, required ≥ {pct}%, {basis})"
            );
            let _ = writeln!(
                out,
                "{}",
                dim.apply_to(format!(
                    "{files} files read, {size} in all; by bytes, video is {bytes_ratio} of course resources"
                ))
            );
        }
        Lang::Zh => {
            let _ = writeln!(out, "{head}{path}（{source}）");
            let _ = writeln!(
                out,
                "{label}{verdict}   视频占比 {ratio}（{videos}/{total}，要求 ≥ {pct}%，{basis}）"
            );
            let _ = writeln!(
                out,
                "{}",
                dim.apply_to(format!(
                    "已读取 {files} 个文件，共 {size}；按字节计，视频占课程资源的 {bytes_ratio}"
                ))
            );
        }
    }

    // Who reviewed it and when; names come from the package, so control
    // characters are shown escaped.
    let audit = crate::audit::summary(
        report.package.audit_status,
        report
            .package
            .descriptor
            .as_ref()
            .and_then(|d| d.audit.as_ref()),
    );
    let _ = writeln!(
        out,
        "{}{}",
        t("Audit: ", "审核："),
        crate::source::names::escape_controls(audit.get(lang))
    );

    if !report.modules.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            bold.apply_to(t("Modules (top-level folders):", "各模块（顶层文件夹）："))
        );
        for m in &report.modules {
            let module = shown(&m.name);
            let name = if m.name.is_empty() {
                t("(package root)", "（包根目录）")
            } else {
                &module
            };
            let mark = if m.meets_threshold {
                green.apply_to("✓")
            } else {
                red.apply_to("✗")
            };
            let _ = writeln!(
                out,
                "  {mark} {name}  {}/{} {}",
                m.videos, m.course_resources, m.video_ratio
            );
        }
    }

    let _ = writeln!(out);
    if report.findings.is_empty() {
        let _ = writeln!(out, "{}", t("No findings.", "未发现问题。"));
        return out;
    }
    let (e, w, i) = (s.errors, s.warnings, s.infos);
    let counts = match lang {
        Lang::En => format!("{e} error(s), {w} warning(s), {i} note(s)"),
        Lang::Zh => format!("{e} 个错误，{w} 个警告，{i} 个提示"),
    };
    let _ = writeln!(
        out,
        "{}{}{counts}",
        bold.apply_to(t("Findings:", "发现的问题：")),
        t(" ", "")
    );
    // The fix is the same for every finding of a code: say it once.
    let mut explained = std::collections::HashSet::new();
    for f in &report.findings {
        let label = match f.severity {
            Severity::Error => red.apply_to(f.severity.label(lang)),
            Severity::Warning => yellow.apply_to(f.severity.label(lang)),
            Severity::Info => dim.apply_to(f.severity.label(lang)),
        };
        let path = shown(f.path.as_deref().unwrap_or(""));
        let sep = match (path.is_empty(), lang) {
            (true, _) => "",
            (false, Lang::En) => ": ",
            (false, Lang::Zh) => "：",
        };
        let _ = writeln!(
            out,
            "  {label} [{}] {path}{sep}{}",
            f.code(),
            shown(f.message().get(lang))
        );
        if explained.insert(f.code()) {
            let _ = writeln!(
                out,
                "      {}{}{}",
                dim.apply_to(t("fix:", "修改建议：")),
                t(" ", ""),
                f.rule.fix(lang)
            );
        }
    }
    out
}

/// Names come from the package, which may be hostile: control characters
/// (escape sequences that would repaint the terminal, CR that would hide
/// text) are shown escaped, never sent to the terminal.
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    crate::source::names::escape_controls(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(shown("a\x1b[2Jb\rc"), "a\\u{1b}[2Jb\\rc");
        assert_eq!(shown("模块1/第1课.mp4"), "模块1/第1课.mp4");
    }
}
