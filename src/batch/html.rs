//! `summary.html`: the batch at a glance, one self-contained page that reads
//! offline (no scripts, fonts or network): inline SVG charts of every
//! package's video share against the threshold, the verdict counts and the
//! resource kinds; the package table links to each `<id>.html`; resources
//! shared between providers are listed at the end. Everything shown was
//! decided in `summary`; this only draws it, escaping all package text.

use std::fmt::Write;

use super::catalog::Status;
use super::row_ratio;
use super::summary::SummaryData;
use crate::i18n::Lang;
use crate::kinds::ResourceKind;
use crate::report::html::{escape, href, page_end, page_start, page_start_with_csp};
use crate::report::human_bytes;

fn verdict_label(status: Status, lang: Lang) -> &'static str {
    match status {
        Status::Pass => lang.pick("pass", "通过"),
        Status::Fail => lang.pick("fail", "不通过"),
        Status::Error => lang.pick("could not be processed", "无法处理"),
        Status::Unsupported => lang.pick("not a package (unsupported)", "非培训包（不支持）"),
    }
}

/// A verdict as the dashboard words it.
pub fn verdict_text(status: Status, lang: Lang) -> &'static str {
    verdict_label(status, lang)
}

/// The short label, where space is tight (charts).
fn verdict_short(status: Status, lang: Lang) -> &'static str {
    match status {
        Status::Error => lang.pick("not processed", "无法处理"),
        Status::Unsupported => lang.pick("unsupported", "不支持"),
        s => verdict_label(s, lang),
    }
}

fn kind_label(kind: &str, lang: Lang) -> String {
    match (ResourceKind::parse(kind), lang) {
        (Some(k), Lang::Zh) => k.name_zh().to_owned(),
        _ => kind.to_owned(),
    }
}

fn colour(status: Status) -> &'static str {
    match status {
        Status::Pass => "#2da44e",
        Status::Fail => "#cf222e",
        Status::Error => "#9a6700",
        Status::Unsupported => "#8250df",
    }
}

/// Video share of every package: one `rect.ratio-bar` per package.
fn ratio_chart(out: &mut String, data: &SummaryData, lang: Lang) {
    let label_w = 260.0;
    let bar_w = 520.0;
    let row_h = 22.0;
    let top = 24.0;
    let height = top + row_h * data.rows.len() as f64 + 8.0;
    let width = label_w + bar_w + 110.0;
    let threshold = f64::from(data.threshold_percent) / 100.0;
    let _ = writeln!(
        out,
        "<svg id=\"ratio-chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">",
        escape(lang.pick(
            "video share of each package against the threshold",
            "各包视频占比与达标线"
        ))
    );
    for (i, r) in data.rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let ratio = row_ratio(r.video_ratio.as_deref()).fraction();
        let value = match (&r.video_ratio, r.status) {
            (Some(v), s) if s.processed() => row_ratio(Some(v)).to_string(),
            (_, Status::Unsupported) => verdict_short(Status::Unsupported, lang).to_owned(),
            _ => verdict_short(Status::Error, lang).to_owned(),
        };
        let name = escape(&r.id);
        let _ = writeln!(
            out,
            "<g class=\"package-row\"><text x=\"{lx}\" y=\"{ty:.1}\" text-anchor=\"end\">{short}</text>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{bar_w}\" height=\"16\" fill=\"#eaeef2\"/>\
             <rect class=\"ratio-bar {class}\" data-package=\"{name}\" data-name=\"{file}\" data-verdict=\"{class}\" data-ratio=\"{ratio_attr}\" \
             x=\"{label_w}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"16\" fill=\"{fill}\"><title>{name}: {value}</title></rect>\
             <text x=\"{vx:.1}\" y=\"{ty:.1}\">{value}</text></g>",
            lx = label_w - 8.0,
            ty = y + 12.5,
            short = escape(&shorten(&r.id, 34)),
            class = r.status.as_str(),
            file = escape(&r.name),
            ratio_attr = escape(r.video_ratio.as_deref().unwrap_or("")),
            bw = ratio * bar_w,
            fill = colour(r.status),
            vx = label_w + bar_w + 6.0,
        );
    }
    let x_t = label_w + threshold * bar_w;
    let _ = writeln!(
        out,
        "<line class=\"threshold\" x1=\"{x_t:.1}\" x2=\"{x_t:.1}\" y1=\"14\" y2=\"{y2:.1}\" stroke=\"#1f2328\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\
         <text x=\"{x_t:.1}\" y=\"11\" text-anchor=\"middle\">{}%</text>\n</svg>",
        data.threshold_percent,
        y2 = height - 4.0,
    );
}

/// Verdict counts as three vertical bars.
fn verdict_chart(out: &mut String, data: &SummaryData, lang: Lang) {
    let counts = [
        (Status::Pass, data.pass),
        (Status::Fail, data.fail),
        (Status::Error, data.error),
        (Status::Unsupported, data.unsupported),
    ];
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let (w, h, plot_h) = (400.0, 200.0, 140.0);
    let _ = writeln!(
        out,
        "<svg id=\"verdict-chart\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">",
        escape(lang.pick("verdict counts", "结论统计"))
    );
    for (i, (status, n)) in counts.iter().enumerate() {
        let x = 20.0 + i as f64 * 95.0;
        let bh = *n as f64 / max * plot_h;
        let y = 20.0 + plot_h - bh;
        let _ = writeln!(
            out,
            "<rect class=\"verdict-bar\" data-verdict=\"{s}\" data-count=\"{n}\" x=\"{x}\" y=\"{y:.1}\" width=\"70\" height=\"{bh:.1}\" fill=\"{fill}\"/>\
             <text x=\"{cx}\" y=\"{ny:.1}\" text-anchor=\"middle\">{n}</text>\
             <text x=\"{cx}\" y=\"{ly}\" text-anchor=\"middle\">{label}</text>",
            s = status.as_str(),
            fill = colour(*status),
            cx = x + 35.0,
            ny = y - 4.0,
            ly = 20.0 + plot_h + 18.0,
            label = escape(verdict_short(*status, lang)),
        );
    }
    out.push_str("</svg>\n");
}

/// Files of each kind over all packages, as horizontal bars.
fn kinds_chart(out: &mut String, data: &SummaryData, lang: Lang) {
    let mut kinds: Vec<(&String, &u64)> = data.kinds.iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let max = kinds.first().map_or(1, |(_, n)| **n).max(1) as f64;
    let (label_w, bar_w, row_h) = (150.0, 300.0, 22.0);
    let height = 10.0 + row_h * kinds.len() as f64;
    let width = label_w + bar_w + 70.0;
    let _ = writeln!(
        out,
        "<svg id=\"kinds-chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">",
        escape(lang.pick("files of each kind", "各类型文件数"))
    );
    for (i, (kind, n)) in kinds.iter().enumerate() {
        let y = 5.0 + row_h * i as f64;
        let bw = **n as f64 / max * bar_w;
        let fill = if kind.as_str() == "video" {
            "#0969da"
        } else {
            "#8c959f"
        };
        let _ = writeln!(
            out,
            "<text x=\"{lx}\" y=\"{ty:.1}\" text-anchor=\"end\">{label}</text>\
             <rect class=\"kind-bar\" data-kind=\"{k}\" x=\"{label_w}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"16\" fill=\"{fill}\"/>\
             <text x=\"{vx:.1}\" y=\"{ty:.1}\">{n}</text>",
            lx = label_w - 8.0,
            ty = y + 12.5,
            label = escape(&kind_label(kind, lang)),
            k = escape(kind),
            vx = label_w + bw + 6.0,
        );
    }
    out.push_str("</svg>\n");
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// A package's id, linked to its report when it has one. `class` marks
/// the links of the packages table (the tests count them).
fn package_link(html_file: Option<&str>, id: &str, class: &str) -> String {
    match html_file {
        Some(file) => format!(
            "<a{class} href=\"{}\">{}</a>",
            escape(&href(file)),
            escape(id)
        ),
        None => escape(id),
    }
}

fn packages_table(out: &mut String, data: &SummaryData, lang: Lang) {
    let t = |en: &'static str, zh: &'static str| lang.pick(en, zh);
    let _ = writeln!(
        out,
        "<table id=\"packages\"><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th></tr>",
        t("Package", "包"),
        t("Provider", "承训单位"),
        t("Verdict", "结论"),
        t("Videos / course resources", "视频/课程资源"),
        t("Video share", "视频占比"),
        t("Size", "大小"),
        t("Errors", "错误"),
        t("Warnings", "警告"),
        t("Upload deadline", "上传截止日期"),
        t("File in the inbox", "收件箱中的文件"),
    );
    for r in &data.rows {
        let processed = r.status.processed();
        let class = r.status.as_str();
        let verdict = match (super::summary::error_text(r, lang), processed) {
            (Some(e), false) => format!(
                "{}<br><span class=\"muted\">{}</span>",
                escape(verdict_label(r.status, lang)),
                escape(&e)
            ),
            _ => escape(verdict_label(r.status, lang)),
        };
        let verdict = match data.same_id.get(&r.name) {
            Some(others) => format!(
                "{verdict}<br><span class=\"duplicate-id\">{}</span>",
                escape(&super::summary::same_id_text(others, lang))
            ),
            None => verdict,
        };
        let (counts, ratio, errors, warnings) = if processed {
            (
                format!("{}/{}", r.videos, r.course_resources),
                r.video_ratio
                    .as_deref()
                    .map(|v| row_ratio(Some(v)).to_string())
                    .unwrap_or_default(),
                r.errors.to_string(),
                r.warnings.to_string(),
            )
        } else {
            Default::default()
        };
        let _ = writeln!(
            out,
            "<tr class=\"package row-{class}\" data-package=\"{}\"><td>{}</td><td>{}</td><td class=\"{class}\">{verdict}</td><td class=\"num\">{counts}</td><td class=\"num\">{ratio}</td><td class=\"num\">{}</td><td class=\"num\">{errors}</td><td class=\"num\">{warnings}</td><td>{}</td><td class=\"mono\">{}</td></tr>",
            escape(&r.id),
            package_link(r.html_file.as_deref(), &r.id, " class=\"package-link\""),
            escape(r.provider.as_deref().unwrap_or("")),
            escape(&human_bytes(r.size)),
            escape(r.deadline.as_deref().unwrap_or("")),
            escape(&r.name),
        );
    }
    out.push_str("</table>\n");
}

fn duplicates_section(out: &mut String, data: &SummaryData, lang: Lang) {
    let t = |en: &'static str, zh: &'static str| lang.pick(en, zh);
    let _ = writeln!(
        out,
        "<h2 id=\"duplicates-heading\">{} ({})</h2>",
        t(
            "Resources shared between providers",
            "不同承训单位之间相同的资源"
        ),
        data.duplicates.len()
    );
    let _ = writeln!(
        out,
        "<p class=\"muted\">{}</p>",
        t(
            "The same file (same SHA-256) in packages of different providers. Subtitles, metadata, junk and files under 1 KiB are left out.",
            "不同承训单位的包中出现内容完全相同（SHA-256 相同）的文件。字幕、元数据、垃圾文件和小于 1 KiB 的文件不列出。"
        )
    );
    if data.duplicates.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", t("None found.", "未发现。"));
        return;
    }
    let _ = writeln!(
        out,
        "<table id=\"duplicates\"><tr><th>SHA-256</th><th>{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th></tr>",
        t("Kind", "类型"),
        t("Size", "大小"),
        t("Providers", "承训单位"),
        t("Where", "位置"),
    );
    for d in &data.duplicates {
        let places: Vec<String> = d
            .places
            .iter()
            .map(|p| {
                let pkg = package_link(p.html_file.as_deref(), &p.id, "");
                format!("{pkg}: <span class=\"mono\">{}</span>", escape(&p.path))
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr class=\"duplicate\" data-sha256=\"{}\"><td class=\"mono\" title=\"{}\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&d.sha256),
            escape(&d.sha256),
            escape(d.sha256.get(..16).unwrap_or(&d.sha256)),
            escape(&kind_label(d.kind.as_str(), lang)),
            escape(&human_bytes(d.size)),
            escape(&d.providers().join("; ")),
            places.join("<br>"),
        );
    }
    out.push_str("</table>\n");
}

pub fn dashboard(data: &SummaryData, lang: Lang) -> String {
    let t = |en: &'static str, zh: &'static str| lang.pick(en, zh);
    let mut out = String::new();
    let title = t(
        "Training packages: batch summary",
        "数字化培训包批量检查汇总",
    );
    match &data.roll_call {
        // Only a page with a roster has a script (its filter).
        Some(_) => page_start_with_csp(&mut out, lang, title, &super::roster_html::csp()),
        None => page_start(&mut out, lang, title),
    }
    let _ = writeln!(
        out,
        "<h1>{}</h1>",
        t(
            "Training packages: batch summary",
            "数字化培训包批量检查汇总"
        )
    );
    let total: u64 = data.rows.iter().map(|r| r.size).sum();
    let line = match lang {
        Lang::En => format!(
            "{} package(s), {} in all: {} pass, {} fail, {} could not be processed, {} not a package. Generated {}.",
            data.rows.len(),
            human_bytes(total),
            data.pass,
            data.fail,
            data.error,
            data.unsupported,
            data.generated
        ),
        Lang::Zh => format!(
            "共 {} 个包，{}：通过 {} 个，不通过 {} 个，无法处理 {} 个，非培训包文件 {} 个。生成时间 {}。",
            data.rows.len(),
            human_bytes(total),
            data.pass,
            data.fail,
            data.error,
            data.unsupported,
            data.generated
        ),
    };
    let _ = writeln!(out, "<p id=\"totals\">{}</p>", escape(&line));
    if let Some(call) = &data.roll_call {
        super::roster_html::section(&mut out, call, data, lang);
    }

    let _ = writeln!(
        out,
        "<h2>{}</h2>",
        match lang {
            Lang::En => format!(
                "Video share of course resources (required ≥ {}%)",
                data.threshold_percent
            ),
            Lang::Zh => format!("视频占课程资源比例（要求 ≥ {}%）", data.threshold_percent),
        }
    );
    ratio_chart(&mut out, data, lang);

    let _ = writeln!(
        out,
        "<div style=\"display:flex;flex-wrap:wrap;gap:3em\"><div><h2>{}</h2>",
        t("Verdicts", "结论")
    );
    verdict_chart(&mut out, data, lang);
    let _ = writeln!(
        out,
        "</div><div><h2>{}</h2>",
        t("Resource kinds (files)", "资源类型（文件数）")
    );
    kinds_chart(&mut out, data, lang);
    out.push_str("</div></div>\n");

    let _ = writeln!(out, "<h2>{}</h2>", t("Packages", "各包结果"));
    packages_table(&mut out, data, lang);
    duplicates_section(&mut out, data, lang);
    page_end(&mut out);
    out
}
