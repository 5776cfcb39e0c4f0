//! The report as one self-contained HTML page (`check --html`, and
//! `<id>.html` beside each package's report in a batch): no scripts, no
//! fonts, no network; the only chart is inline SVG. Every text that comes
//! from a package (file names, descriptor fields, messages quoting them) is
//! escaped, and a Content-Security-Policy forbids scripts outright.

use std::fmt::Write;

use super::{Report, Verdict, human_bytes};
use crate::i18n::Lang;
use crate::policy::Basis;
use crate::rules::Severity;

/// Forbids scripts, external fetches and frames: the page is inert even if
/// a hostile name slipped past escaping.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/// Shared page style (kept small: readable on screen and on paper).
pub const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1f2328;line-height:1.45}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f6f8fa}table.facts th{width:14em}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#1a7f37}.fail{color:#cf222e}.error{color:#9a6700}.muted{color:#656d76}
.badge{display:inline-block;padding:.1em .6em;border-radius:1em;font-weight:600;color:#fff}
.badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}.badge.error{background:#9a6700}
.sev-error{color:#cf222e;font-weight:600}.sev-warning{color:#9a6700;font-weight:600}.sev-info{color:#656d76}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;word-break:break-all}
svg text{font-family:inherit;font-size:12px}
@media print{a{color:inherit;text-decoration:none}}";

/// Escape text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters have no business in a page; show them as U+FFFD.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encode a relative file name for an `href` (then HTML-escape it):
/// `#`, `?`, `%` and spaces in a package id must not change the link.
pub fn href(file_name: &str) -> String {
    let mut out = String::with_capacity(file_name.len());
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The `<head>` and opening `<body>` of a page.
pub fn page_start(out: &mut String, lang: Lang, title: &str) {
    page_start_with_csp(out, lang, title, CSP);
}

/// [`page_start`] with another policy (the batch dashboard's roster filter
/// allows its one inline script by hash).
pub fn page_start_with_csp(out: &mut String, lang: Lang, title: &str, csp: &str) {
    let html_lang = lang.pick("en", "zh-CN");
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"trainpack {}\">\n\
         <title>{}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        escape(title)
    );
}

pub fn page_end(out: &mut String) {
    out.push_str("</body>\n</html>\n");
}

/// One horizontal bar: the video share against the threshold line.
fn ratio_svg(ratio: f64, threshold: f64, pass: bool, label: &str) -> String {
    let (w, h, bar_h) = (480.0, 34.0, 18.0);
    let x_t = threshold * w;
    let class = if pass { "pass" } else { "fail" };
    let fill = if pass { "#2da44e" } else { "#cf222e" };
    format!(
        "<svg class=\"ratio-chart\" width=\"{w_total}\" height=\"{h}\" viewBox=\"0 0 {w_total} {h}\" role=\"img\" aria-label=\"{label}\">\
         <rect x=\"0\" y=\"4\" width=\"{w}\" height=\"{bar_h}\" fill=\"#eaeef2\"/>\
         <rect class=\"ratio {class}\" x=\"0\" y=\"4\" width=\"{bw:.1}\" height=\"{bar_h}\" fill=\"{fill}\"/>\
         <line x1=\"{x_t:.1}\" x2=\"{x_t:.1}\" y1=\"0\" y2=\"{h}\" stroke=\"#1f2328\" stroke-dasharray=\"4 2\"/>\
         <text x=\"{tx:.1}\" y=\"32\">{tp:.0}%</text></svg>",
        w_total = w + 40.0,
        label = escape(label),
        bw = ratio * w,
        tx = x_t + 3.0,
        tp = threshold * 100.0,
    )
}

/// The per-package page.
pub fn render(report: &Report, lang: Lang) -> String {
    let t = |en: &'static str, zh: &'static str| lang.pick(en, zh);
    let s = &report.summary;
    let p = &report.package;
    let mut out = String::new();
    page_start(
        &mut out,
        lang,
        &format!("{} — {}", p.id, t("trainpack report", "trainpack 检查报告")),
    );

    let (verdict_class, verdict_text) = match report.verdict {
        Verdict::Pass => ("pass", t("PASS", "通过")),
        Verdict::Fail => ("fail", t("FAIL", "不通过")),
    };
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p><span class=\"badge {verdict_class}\" id=\"verdict\" data-verdict=\"{verdict_class}\">{verdict_text}</span> <span class=\"mono\">{}</span></p>",
        escape(&p.id),
        escape(&p.path)
    );

    let basis = match report.policy.basis {
        Basis::Count => t("by count", "按数量计"),
        Basis::Bytes => t("by bytes", "按字节计"),
    };
    let ratio_label = format!(
        "{} {} ({}/{}, {} ≥ {}%, {basis})",
        t("video share", "视频占比"),
        s.video_ratio,
        s.videos,
        s.course_resources,
        t("required", "要求"),
        report.policy.threshold_percent
    );
    let _ = writeln!(out, "<p>{}</p>", escape(&ratio_label));
    out.push_str(&ratio_svg(
        s.video_ratio.fraction(),
        f64::from(report.policy.threshold_percent) / 100.0,
        s.meets_threshold,
        &ratio_label,
    ));
    out.push('\n');

    // Facts about the package.
    let _ = writeln!(
        out,
        "<h2>{}</h2>\n<table class=\"facts\">",
        t("Package", "包信息")
    );
    let d = p.descriptor.as_ref();
    let source = match p.source {
        crate::source::SourceKind::Folder => t("folder", "文件夹"),
        crate::source::SourceKind::Zip => t("zip", "压缩包"),
    };
    let facts: Vec<(&str, String)> = vec![
        (
            t("Provider", "承训单位"),
            d.and_then(|d| d.provider.clone()).unwrap_or_default(),
        ),
        (
            t("Title", "名称"),
            d.and_then(|d| d.title.clone()).unwrap_or_default(),
        ),
        (
            t("Project", "项目"),
            d.and_then(|d| d.project.clone()).unwrap_or_default(),
        ),
        (
            t("Sub-project", "子项目"),
            d.and_then(|d| d.sub_project.clone()).unwrap_or_default(),
        ),
        (
            t("Upload deadline", "上传截止日期"),
            p.upload_deadline.clone().unwrap_or_default(),
        ),
        (
            t("Audit", "审核"),
            crate::audit::summary(p.audit_status, d.and_then(|d| d.audit.as_ref()))
                .get(lang)
                .to_owned(),
        ),
        (t("Source", "来源"), source.to_owned()),
        (t("Files read", "读取文件数"), s.files.to_string()),
        (t("Size", "大小"), human_bytes(s.total_bytes)),
        (
            t("Course resources", "课程资源数"),
            s.course_resources.to_string(),
        ),
        (t("Videos", "视频数"), s.videos.to_string()),
        (
            t("Video share by bytes", "按字节计视频占比"),
            s.video_bytes_ratio.to_string(),
        ),
        (
            t("Findings", "问题"),
            match lang {
                Lang::En => format!(
                    "{} error(s), {} warning(s), {} note(s)",
                    s.errors, s.warnings, s.infos
                ),
                Lang::Zh => format!(
                    "{} 个错误，{} 个警告，{} 个提示",
                    s.errors, s.warnings, s.infos
                ),
            },
        ),
        (
            t("Policy", "规则"),
            format!("{} v{}", report.policy.profile, report.policy.version),
        ),
        (
            t("Checked by", "检查工具"),
            format!("{} {}", report.tool.name, report.tool.version),
        ),
    ];
    for (label, value) in facts {
        if value.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(label),
            escape(&value)
        );
    }
    out.push_str("</table>\n");

    if !report.modules.is_empty() {
        let _ = writeln!(
            out,
            "<h2>{}</h2>\n<table class=\"modules\"><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th></th></tr>",
            t("Modules (top-level folders)", "各模块（顶层文件夹）"),
            t("Module", "模块"),
            t("Videos", "视频"),
            t("Course resources", "课程资源"),
            t("Share", "占比"),
        );
        for m in &report.modules {
            let name = if m.name.is_empty() {
                t("(package root)", "（包根目录）").to_owned()
            } else {
                m.name.clone()
            };
            let (class, mark) = if m.meets_threshold {
                ("pass", "✓")
            } else {
                ("fail", "✗")
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"{class}\">{mark}</td></tr>",
                escape(&name),
                m.videos,
                m.course_resources,
                m.video_ratio
            );
        }
        out.push_str("</table>\n");
    }

    let _ = writeln!(out, "<h2>{}</h2>", t("Findings", "发现的问题"));
    if report.findings.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", t("No findings.", "未发现问题。"));
    } else {
        let _ = writeln!(
            out,
            "<table class=\"findings\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            t("Severity", "级别"),
            t("Code", "代码"),
            t("Path", "路径"),
            t("Message", "说明"),
            t("Fix", "修改建议"),
        );
        for f in &report.findings {
            let class = match f.severity {
                Severity::Error => "sev-error",
                Severity::Warning => "sev-warning",
                Severity::Info => "sev-info",
            };
            let _ = writeln!(
                out,
                "<tr class=\"finding\"><td class=\"{class}\">{}</td><td><code>{}</code></td><td class=\"mono\">{}</td><td>{}</td><td>{}</td></tr>",
                escape(f.severity.label(lang)),
                escape(f.code()),
                escape(f.path.as_deref().unwrap_or("")),
                escape(f.message().get(lang)),
                escape(f.hint().get(lang)),
            );
        }
        out.push_str("</table>\n");
    }

    let _ = writeln!(
        out,
        "<h2>{}</h2>\n<table class=\"files\"><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th><th>SHA-256</th></tr>",
        t("Files", "文件"),
        t("Path", "路径"),
        t("Kind", "类型"),
        t("Size", "大小"),
        t("Counted", "计入"),
        t("Video", "视频"),
    );
    for f in &report.files {
        let kind = match lang {
            Lang::En => f.kind.as_str(),
            Lang::Zh => f.kind.name_zh(),
        };
        let counted = if f.is_video {
            t("as video", "计为视频")
        } else if f.counted {
            t("yes", "是")
        } else {
            t("no", "否")
        };
        let video = f.video.as_ref().map_or(String::new(), |v| {
            let mut text = v.status.label(lang).to_owned();
            if let (Some(w), Some(h)) = (v.width, v.height) {
                let _ = write!(text, " {w}×{h}");
            }
            if let Some(codec) = &v.codec {
                let _ = write!(text, " {codec}");
            }
            if let Some(d) = v.duration_s {
                let _ = write!(text, " {d:.1} s");
            }
            text
        });
        // Hex digits need no escaping.
        let sha256 = f.sha256.to_string();
        let _ = writeln!(
            out,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"mono muted\" title=\"{}\">{}</td></tr>",
            escape(&f.path),
            escape(kind),
            escape(&human_bytes(f.size)),
            escape(counted),
            escape(&video),
            sha256,
            &sha256[..12],
        );
    }
    out.push_str("</table>\n");
    page_end(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert(\"x\")</script>&'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"
        );
    }

    #[test]
    fn hrefs_are_percent_encoded() {
        assert_eq!(href("a b#?.html"), "a%20b%23%3F.html");
        assert_eq!(href("国培.html"), "%E5%9B%BD%E5%9F%B9.html");
    }
}
