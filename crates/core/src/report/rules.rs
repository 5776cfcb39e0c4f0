//! `trainpack rules`: every finding code with its severity, rationale and
//! fix, as JSON or as text in the user's language.

use std::io::{self, Write};

use crate::i18n::Lang;
use crate::rules::Rule;

pub fn write_json(out: &mut impl Write, rules: &[&Rule]) -> io::Result<()> {
    let list: Vec<_> = rules
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.code, "name": r.name, "severity": r.severity,
                "on_by_default": r.on_by_default(),
                "summary_en": r.summary_en, "summary_zh": r.summary_zh,
                "rationale": r.rationale, "rationale_zh": r.rationale_zh,
                "fix_en": r.fix_en, "fix_zh": r.fix_zh,
                "example": r.example, "example_zh": r.example_zh,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &list).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

pub fn write_text(out: &mut impl Write, rules: &[&Rule], lang: Lang) -> io::Result<()> {
    for r in rules {
        writeln!(
            out,
            "{} {} ({}{})\n  {}\n  {}: {}\n  {}: {}\n  {}: {}\n",
            r.code,
            r.name,
            r.severity.label(lang),
            if r.on_by_default() {
                ""
            } else {
                lang.pick(", off by default", "，默认不启用")
            },
            r.summary(lang),
            lang.pick("why", "原因"),
            r.rationale(lang),
            lang.pick("fix", "修改建议"),
            r.fix(lang),
            lang.pick("example", "示例"),
            r.example(lang),
        )?;
    }
    Ok(())
}
