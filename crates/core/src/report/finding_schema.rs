//! The JSON shape of a finding in the report, written out by hand: the
//! `Finding` type is being restructured (a rule reference plus typed
//! arguments, serialised by hand to the same JSON), so its schema is kept
//! apart from it and describes the JSON, not the Rust fields.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::rules::Severity;

impl JsonSchema for Severity {
    fn schema_name() -> Cow<'static, str> {
        "severity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "title": "Severity",
            "description": "`error` makes the verdict `fail`; `warning` and `info` do not.",
            "enum": ["error", "warning", "info"]
        })
    }
}

/// A finding as `--json` writes it: its message and fix in the report's
/// language, both languages kept beside them.
pub struct ReportFinding;

impl JsonSchema for ReportFinding {
    fn schema_name() -> Cow<'static, str> {
        "finding".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let severity = generator.subschema_for::<Severity>();
        let text = |title: &str, description: &str| {
            json_schema!({
                "title": title,
                "description": description,
                "type": "string",
                "minLength": 1
            })
        };
        json_schema!({
            "title": "Finding",
            "description": "One problem found in the package.",
            "type": "object",
            "additionalProperties": false,
            "required": [
                "code", "name", "severity", "path", "message", "message_en",
                "message_zh", "hint", "hint_zh", "hint_en"
            ],
            "properties": {
                "code": {
                    "title": "Code",
                    "description": "Stable rule code, never reused (`TP001`); `trainpack rules CODE` explains it.",
                    "type": "string",
                    "pattern": "^TP[0-9]{3}$"
                },
                "name": {
                    "title": "Rule name",
                    "description": "Stable kebab-case rule name (`video-ratio-below-threshold`).",
                    "type": "string",
                    "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"
                },
                "severity": severity,
                "path": {
                    "title": "Path",
                    "description": "Package-relative path the finding concerns (a file, a module folder, or an unsafe zip entry name as stored); null when it concerns the whole package.",
                    "type": ["string", "null"]
                },
                "message": text("Message", "What is wrong, in the report's language (`--lang`)."),
                "message_en": text("Message (English)", "The message in English."),
                "message_zh": text("Message (Chinese)", "The message in Chinese."),
                "hint": text("Hint", "How to fix it, in the report's language."),
                "hint_zh": {
                    "title": "Fix (Chinese)",
                    "description": "How to fix it, in Chinese.",
                    "type": "string"
                },
                "hint_en": {
                    "title": "Fix (English)",
                    "description": "How to fix it, in English.",
                    "type": "string"
                }
            }
        })
    }
}
