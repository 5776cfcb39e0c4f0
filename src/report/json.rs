//! The machine report (`--json`), described by `schemas/report.schema.json`.

use serde_json::{Value, json};

use super::Report;
use crate::i18n::Lang;

/// The report as JSON; each finding's `message` and `hint` are in `lang`,
/// with both languages kept under `message_zh` / `message_en`.
pub fn to_value(report: &Report, lang: Lang) -> Value {
    let mut value = serde_json::to_value(report).unwrap_or(Value::Null);
    value["schema_version"] = json!(1);
    if let Some(findings) = value["findings"].as_array_mut() {
        for (out, finding) in findings.iter_mut().zip(&report.findings) {
            out["message"] = json!(finding.message.get(lang));
            out["message_zh"] = json!(finding.message.zh);
            out["message_en"] = json!(finding.message.en);
            out["hint"] = json!(finding.hint.get(lang));
            out["hint_zh"] = json!(finding.hint.zh);
            out["hint_en"] = json!(finding.hint.en);
        }
    }
    value
}

pub fn render(report: &Report, lang: Lang) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(report, lang)).unwrap_or_default();
    text.push('\n');
    text
}
