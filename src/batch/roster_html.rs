//! The dashboard's roster section (`batch --roster`): a grid of category →
//! project → sub-project, one cell per provider coloured by its status
//! (missing, fail, late, pass, audited), a text filter, the packages no
//! roster row matched and the entries matched twice. Still one offline
//! file: the filter is one inline script, allowed by its hash in the
//! page's Content-Security-Policy and nothing else; all roster and package
//! text is escaped.

use std::fmt::Write;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::roll_call::{EntryStatus, RollCall, STANDINGS, Standing};
use super::summary::SummaryData;
use crate::descriptor::format_date;
use crate::i18n::Lang;
use crate::report::html::{CSP, escape, href};

/// Shows only the cells whose text, or whose row's headings, contain the
/// filter; `#filter=TEXT` in the address pre-fills it (bookmarks, tests).
const FILTER_SCRIPT: &str = r#"(function(){
var input=document.getElementById('roster-filter');
function apply(){
var q=input.value.trim().toLowerCase();
var rows=document.querySelectorAll('#roster-grid tr.roster-row');
for(var i=0;i<rows.length;i++){
var row=rows[i];
var rowHit=q===''||row.getAttribute('data-search').indexOf(q)>=0;
var cells=row.querySelectorAll('.roster-cell');
var any=false;
for(var j=0;j<cells.length;j++){
var hit=rowHit||cells[j].getAttribute('data-search').indexOf(q)>=0;
cells[j].hidden=!hit;
if(hit){any=true;}
}
row.hidden=!any;
}
}
input.addEventListener('input',apply);
var m=/^#filter=(.*)$/.exec(location.hash);
if(m){input.value=decodeURIComponent(m[1]);}
apply();
})();"#;

const ROSTER_STYLE: &str = "[hidden]{display:none!important}\
.roster-cell{display:inline-block;margin:.15em;padding:.2em .5em;border-radius:.4em;border:1px solid #d0d7de;text-decoration:none;color:#1f2328}\
.roster-cell small{display:block;font-size:.8em}\
.status-missing{background:#eaeef2;border-color:#8c959f}\
.status-fail{background:#ffebe9;border-color:#cf222e}\
.status-late{background:#fff1e5;border-color:#bc4c00}\
.status-pass{background:#dafbe1;border-color:#2da44e}\
.status-audited{background:#ddf4ff;border-color:#0969da}\
#roster-filter{font-size:1em;padding:.3em .5em;width:24em;max-width:100%}";

/// The page's policy: the default one, plus the filter script by hash.
pub fn csp() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(FILTER_SCRIPT));
    format!("{CSP}; script-src 'sha256-{hash}'")
}

/// "late · 2 days" and the like: the status with its days.
fn cell_detail(e: &EntryStatus, lang: Lang) -> String {
    let label = e.standing.label(lang);
    match (e.standing, e.days_left, e.days_late) {
        (Standing::Missing, _, Some(late)) => match lang {
            Lang::En => format!("{label}, {late} day(s) overdue"),
            Lang::Zh => format!("{label}，已逾期 {late} 天"),
        },
        (Standing::Missing, Some(left), _) => match lang {
            Lang::En => format!("{label}, {left} day(s) left"),
            Lang::Zh => format!("{label}，还剩 {left} 天"),
        },
        (_, _, Some(late)) => match lang {
            Lang::En => format!("{label} by {late} day(s)"),
            Lang::Zh => format!("{label} {late} 天"),
        },
        _ => label.to_owned(),
    }
}

/// The tooltip of a cell: deadline, packages with verdict and audit.
fn cell_title(e: &EntryStatus, data: &SummaryData, lang: Lang) -> String {
    let mut lines = vec![match lang {
        Lang::En => format!(
            "roster line {}; upload deadline {}",
            e.entry.line,
            format_date(e.deadline)
        ),
        Lang::Zh => format!(
            "名单第 {} 行；上传截止日期 {}",
            e.entry.line,
            format_date(e.deadline)
        ),
    }];
    for d in &e.deliveries {
        let r = &data.rows[d.row];
        lines.push(match lang {
            Lang::En => format!(
                "{}: {}, received {}, audit {}",
                r.name,
                r.status.as_str(),
                format_date(d.received),
                d.audit.label(lang)
            ),
            Lang::Zh => format!(
                "{}：{}，收到日期 {}，{}",
                r.name,
                super::html::verdict_text(r.status, lang),
                format_date(d.received),
                d.audit.label(lang)
            ),
        });
    }
    if let Some(note) = super::roll_call::entry_note(e, &data.rows, lang) {
        lines.push(note);
    }
    lines.join("\n")
}

fn cell(out: &mut String, e: &EntryStatus, data: &SummaryData, lang: Lang) {
    let status = e.standing.as_str();
    let detail = cell_detail(e, lang);
    let names: Vec<&str> = e
        .deliveries
        .iter()
        .map(|d| data.rows[d.row].name.as_str())
        .collect();
    let search = format!(
        "{} {} {} {} {}",
        e.entry.provider,
        e.entry.package_id.as_deref().unwrap_or(""),
        status,
        detail,
        names.join(" ")
    )
    .to_lowercase();
    let twice = if e.matched_twice() { " twice" } else { "" };
    let mark = if e.matched_twice() { " ×2" } else { "" };
    let link = e
        .latest()
        .and_then(|d| data.rows[d.row].html_file.as_deref());
    let (open, close) = match link {
        Some(file) => (format!("a href=\"{}\"", escape(&href(file))), "a"),
        None => ("span".to_owned(), "span"),
    };
    let _ = write!(
        out,
        "<{open} class=\"roster-cell status-{status}{twice}\" data-status=\"{status}\" data-line=\"{}\" data-search=\"{}\" title=\"{}\">{}{mark}<small>{}</small></{close}>",
        e.entry.line,
        escape(&search),
        escape(&cell_title(e, data, lang)),
        escape(&e.entry.provider),
        escape(&detail),
    );
}

/// The roster's totals in a sentence (dashboard and terminal).
pub(super) fn totals_line(call: &RollCall, lang: Lang) -> String {
    let counts: Vec<String> = STANDINGS
        .iter()
        .map(|s| match lang {
            Lang::En => format!("{} {}", call.count(*s), s.label(lang)),
            Lang::Zh => format!("{}{} 个", s.label(lang), call.count(*s)),
        })
        .collect();
    match lang {
        Lang::En => format!(
            "{} roster entries ({}): {}; {} package(s) on no roster row, {} entr(ies) matched twice.",
            call.entries.len(),
            call.file,
            counts.join(", "),
            call.unmatched.len(),
            call.matched_twice().count()
        ),
        Lang::Zh => format!(
            "名单（{}）共 {} 项：{}；不在名单中的包 {} 个，匹配到多个包的名单项 {} 个。",
            call.file,
            call.entries.len(),
            counts.join("，"),
            call.unmatched.len(),
            call.matched_twice().count()
        ),
    }
}

/// The whole roster section.
pub fn section(out: &mut String, call: &RollCall, data: &SummaryData, lang: Lang) {
    let t = |en: &'static str, zh: &'static str| lang.pick(en, zh);
    let _ = writeln!(out, "<style>{ROSTER_STYLE}</style>");
    let _ = writeln!(
        out,
        "<h2 id=\"roster-heading\">{}</h2>",
        t("Roster: who has delivered", "名单：各承训单位提交情况")
    );
    let _ = writeln!(
        out,
        "<p id=\"roster-totals\">{}</p>",
        escape(&totals_line(call, lang))
    );
    let legend: Vec<String> = STANDINGS
        .iter()
        .map(|s| {
            format!(
                "<span class=\"roster-cell status-{}\">{}</span>",
                s.as_str(),
                escape(s.label(lang))
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "<p><label>{} <input id=\"roster-filter\" type=\"search\" placeholder=\"{}\"></label> {}</p>",
        t("Filter", "筛选"),
        escape(t("provider, project, status…", "承训单位、项目、状态……")),
        legend.join(" ")
    );
    let _ = writeln!(
        out,
        "<table id=\"roster-grid\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t("Category", "类别"),
        t("Project", "项目"),
        t("Sub-project", "子项目"),
        t("Providers", "承训单位"),
    );
    // Groups in the roster's order of first appearance.
    let mut groups: Vec<(&str, &str, &str, Vec<&EntryStatus>)> = Vec::new();
    for e in &call.entries {
        let key = (
            e.entry.category.as_str(),
            e.entry.project.as_str(),
            e.entry.sub_project.as_str(),
        );
        match groups.iter_mut().find(|(c, p, s, _)| (*c, *p, *s) == key) {
            Some(group) => group.3.push(e),
            None => groups.push((key.0, key.1, key.2, vec![e])),
        }
    }
    for (category, project, sub_project, entries) in groups {
        let search = format!("{category} {project} {sub_project}").to_lowercase();
        let _ = write!(
            out,
            "<tr class=\"roster-row\" data-search=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>",
            escape(&search),
            escape(category),
            escape(project),
            escape(sub_project),
        );
        for e in entries {
            cell(out, e, data, lang);
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</table>\n");

    let _ = writeln!(
        out,
        "<h3 id=\"roster-unmatched-heading\">{} ({})</h3>",
        t("Packages on no roster row", "不在名单中的包"),
        call.unmatched.len()
    );
    if call.unmatched.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", t("None.", "无。"));
    } else {
        let _ = writeln!(
            out,
            "<table id=\"roster-unmatched\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            t("File in the inbox", "收件箱中的文件"),
            t("Package id", "包编号"),
            t("Provider", "承训单位"),
            t("Verdict", "结论"),
        );
        for &r in &call.unmatched {
            let row = &data.rows[r];
            let _ = writeln!(
                out,
                "<tr class=\"roster-unmatched\"><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&row.name),
                escape(&row.id),
                escape(row.provider.as_deref().unwrap_or("")),
                escape(super::html::verdict_text(row.status, lang)),
            );
        }
        out.push_str("</table>\n");
    }
    let twice: Vec<&EntryStatus> = call.matched_twice().collect();
    let _ = writeln!(
        out,
        "<h3 id=\"roster-twice-heading\">{} ({})</h3>",
        t("Roster entries matched twice", "匹配到多个包的名单项"),
        twice.len()
    );
    if twice.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", t("None.", "无。"));
    } else {
        out.push_str("<ul id=\"roster-twice\">\n");
        for e in twice {
            let _ = writeln!(
                out,
                "<li class=\"roster-twice\">{} {} / {} / {} / {}: {}</li>",
                escape(&match lang {
                    Lang::En => format!("line {}", e.entry.line),
                    Lang::Zh => format!("第 {} 行", e.entry.line),
                }),
                escape(&e.entry.category),
                escape(&e.entry.project),
                escape(&e.entry.sub_project),
                escape(&e.entry.provider),
                escape(&super::roll_call::entry_note(e, &data.rows, lang).unwrap_or_default()),
            );
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(out, "<script>{FILTER_SCRIPT}</script>");
}
