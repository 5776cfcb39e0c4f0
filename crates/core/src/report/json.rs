//! The machine report (`--json`), described by `schemas/report.schema.json`.
//!
//! Serialised straight from the report through a borrowed view, never via a
//! `serde_json::Value` tree: with 100,000 files that tree alone took more
//! memory than the whole check.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::finding_schema::ReportFinding;

use super::{ModuleSummary, PackageInfo, PolicyInfo, Report, Resource, Summary, ToolInfo, Verdict};
use crate::i18n::Lang;
use crate::rules::{Finding, Severity};

pub const SCHEMA_VERSION: u32 = 1;

/// The machine report printed by `trainpack check PACKAGE --json`: whether
/// a digital training package (a folder or a .zip of course resources) meets
/// the policy that at least 60% (by default) of its course resources are
/// videos, with every file and every finding. The exit code agrees with
/// `verdict`: 0 for pass, 1 for fail (2 means no report was produced).
#[derive(Serialize, JsonSchema)]
#[schemars(
    title = "trainpack check report",
    extend(
        "if" = {"properties": {"summary": {"properties": {"errors": {"const": 0}}}}},
        "then" = {"properties": {"verdict": {"const": "pass"}}},
        "else" = {"properties": {"verdict": {"const": "fail"}}}
    )
)]
pub(crate) struct View<'a> {
    /// The program that wrote the report.
    tool: &'a ToolInfo,
    /// The package that was checked.
    package: &'a PackageInfo,
    /// The policy in force for this check, after command-line overrides
    /// (`--threshold`, `--basis`).
    policy: &'a PolicyInfo,
    /// `pass` when there is no finding of severity `error` (`summary.errors`
    /// is 0), `fail` otherwise.
    verdict: Verdict,
    /// Totals over the whole package.
    summary: &'a Summary,
    /// The ratio per top-level folder, sorted by name, so a provider sees
    /// where video is missing. Only folders holding at least one course
    /// resource are listed.
    modules: &'a [ModuleSummary],
    /// Every file of the package that could be read, sorted by path. Entries
    /// that were skipped (symlinks, unsafe or encrypted zip entries,
    /// unreadable files) appear only as findings.
    files: &'a [Resource],
    /// Every problem found, sorted by severity (errors first), then path,
    /// then code. `trainpack rules` documents each code.
    #[schemars(with = "Vec<ReportFinding>")]
    findings: Vec<FindingView<'a>>,
    /// Version of this report format; bumped on incompatible changes.
    #[schemars(extend("const" = 1))]
    schema_version: u32,
}

/// A finding with its message and fix in the chosen language, both
/// languages kept beside them.
#[derive(Serialize)]
struct FindingView<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    path: &'a Option<String>,
    message: String,
    hint: &'static str,
    message_zh: String,
    message_en: String,
    hint_zh: &'static str,
    hint_en: &'static str,
}

fn view(report: &Report, lang: Lang) -> View<'_> {
    View {
        tool: &report.tool,
        package: &report.package,
        policy: &report.policy,
        verdict: report.verdict,
        summary: &report.summary,
        modules: &report.modules,
        files: &report.files,
        findings: report
            .findings
            .iter()
            .map(|f: &Finding| {
                // Rendered here, from the violation's arguments.
                let message = f.message();
                FindingView {
                    code: f.code(),
                    name: f.name(),
                    severity: f.severity,
                    path: &f.path,
                    message: message.get(lang).to_owned(),
                    hint: f.rule.fix(lang),
                    message_zh: message.zh,
                    message_en: message.en,
                    hint_zh: f.rule.fix_zh,
                    hint_en: f.rule.fix_en,
                }
            })
            .collect(),
        schema_version: SCHEMA_VERSION,
    }
}

/// Write the report as pretty JSON, streaming.
pub fn write(report: &Report, lang: Lang, out: impl Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &view(report, lang)).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The report as a JSON string (for files written atomically).
pub fn render(report: &Report, lang: Lang) -> String {
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(report, lang, &mut bytes);
    String::from_utf8(bytes).unwrap_or_default()
}
