//! The JSON schemas in `schemas/`, generated from the Rust types that are
//! serialised (schemars), so a schema cannot drift from what the program
//! writes. `cargo test --test schemas` fails when a committed schema differs
//! from the generated one; `TRAINPACK_BLESS=1 cargo test --test schemas
//! schemas_are_generated` rewrites them.
//!
//! Descriptions come from the types' doc comments; a property without an
//! explicit `#[schemars(title = …)]` is titled after its name.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

pub use schemas_helpers::{Day, MediaType, PolicyTable, Ratio, Sha256Hex};

/// Where the schemas say they live (`$id`), followed by the file name.
pub const ID_BASE: &str = "https://trainpack.invalid/schemas/";

/// Every schema of a core type: its file name under `schemas/` and its text
/// (pretty JSON with a final newline, as committed).
pub fn generated() -> Vec<(&'static str, String)> {
    [
        (
            "report.schema.json",
            written::<crate::report::json::View<'static>>(),
        ),
        (
            "descriptor.schema.json",
            read::<crate::descriptor::Descriptor>(),
        ),
        (
            "manifest.schema.json",
            written::<crate::manifest::Manifest>(),
        ),
        ("policy.schema.json", read::<crate::policy::Policy>()),
    ]
    .into_iter()
    .map(|(name, schema)| (name, render(name, schema)))
    .collect()
}

/// The schema of a document the binary writes (the upload ticket), rendered
/// as [`generated`] renders the core's.
pub fn written_document<T: schemars::JsonSchema + ?Sized>(
    name: &'static str,
) -> (&'static str, String) {
    (name, render(name, written::<T>()))
}

/// The schema of a document trainpack writes: a field serialised as null
/// is required and may be null; one skipped when empty is optional.
fn written<T: schemars::JsonSchema + ?Sized>() -> schemars::Schema {
    SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// The schema of a document trainpack reads: a field with a default may be
/// left out.
fn read<T: schemars::JsonSchema + ?Sized>() -> schemars::Schema {
    SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// The schema with its `$id`, tidied, as pretty JSON.
fn render(name: &str, schema: schemars::Schema) -> String {
    let mut root = schema.to_value();
    if let Value::Object(obj) = &mut root {
        obj.insert("$id".into(), Value::String(format!("{ID_BASE}{name}")));
    }
    tidy(&mut root);
    let mut text = serde_json::to_string_pretty(&root).unwrap_or_default();
    text.push('\n');
    text
}

/// Close every object schema, title every property and definition, put
/// title and description first, and unwrap the line breaks of doc comments.
/// Conditions (`if`/`then`/`else`) are left as written: closing them would
/// change what they mean.
fn tidy(schema: &mut Value) {
    let Value::Object(obj) = schema else {
        return;
    };
    if let Some(Value::String(d)) = obj.get_mut("description") {
        *d = unwrap_lines(d);
    }
    // JSON Schema validators need not check `format`; say the bound itself.
    if obj.get("format") == Some(&Value::from("uint32")) && !obj.contains_key("maximum") {
        obj.insert("maximum".into(), Value::from(u32::MAX));
    }
    if obj.contains_key("properties") && !obj.contains_key("additionalProperties") {
        obj.insert("additionalProperties".into(), Value::Bool(false));
    }
    for key in ["properties", "$defs"] {
        if let Some(Value::Object(children)) = obj.get_mut(key) {
            for (name, child) in children.iter_mut() {
                if let Some(c) = child.as_object_mut()
                    && !c.contains_key("title")
                    && !c.contains_key("$ref")
                {
                    c.insert("title".into(), Value::String(humanise(name)));
                }
                tidy(child);
            }
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = obj.get_mut(key) {
            tidy(child);
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(branches)) = obj.get_mut(key) {
            branches.iter_mut().for_each(tidy);
        }
    }
    let mut ordered = Map::new();
    for key in ["$schema", "$id", "title", "description"] {
        if let Some(v) = obj.remove(key) {
            ordered.insert(key.into(), v);
        }
    }
    ordered.append(obj);
    *obj = ordered;
}

/// Doc comments wrap lines; descriptions are one paragraph each.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|para| {
            para.split('\n')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `course_resources` → `Course resources`.
fn humanise(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Shapes that the types carry as plain strings (or serialise by hand),
/// described once here so every schema says the same.
mod schemas_helpers {
    use super::*;
    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    macro_rules! string_shape {
        ($(#[$doc:meta])* $name:ident, $def:literal, inline = $inline:literal, $schema:tt) => {
            $(#[$doc])*
            pub struct $name;
            impl JsonSchema for $name {
                fn inline_schema() -> bool {
                    $inline
                }
                fn schema_name() -> Cow<'static, str> {
                    $def.into()
                }
                fn json_schema(_: &mut SchemaGenerator) -> Schema {
                    json_schema!($schema)
                }
            }
        };
    }

    string_shape!(
        /// A SHA-256 digest as lowercase hex.
        Sha256Hex, "sha256", inline = true,
        {"type": "string", "pattern": "^[0-9a-f]{64}$"}
    );
    string_shape!(
        /// A calendar day, `YYYY-MM-DD`.
        Day, "day", inline = true,
        {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    );
    string_shape!(
        /// A media type found from the content (`video/mp4`).
        MediaType, "media_type", inline = true,
        {
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$"
        }
    );
    string_shape!(
        /// A ratio as a decimal string with exactly four places.
        Ratio, "ratio", inline = false,
        {
            "title": "Ratio",
            "description": "A ratio between 0 and 1 as a decimal string with exactly four places, truncated (not rounded) and computed in integers, so it compares exactly: `\"0.6000\"`, `\"1.0000\"`.",
            "type": "string",
            "pattern": "^[0-9]\\.[0-9]{4}$"
        }
    );
    string_shape!(
        /// A table of the policy, described in full by `policy.schema.json`.
        PolicyTable, "policy_table", inline = true,
        {"type": "object"}
    );
}
