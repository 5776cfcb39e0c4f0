//! `trainpack verify PACKAGE --manifest FILE`: the changes since the
//! manifest, as JSON or as lines in the user's language.

use std::io::{self, Write};
use std::path::Path;

use crate::i18n::Lang;
use crate::source::names::escape_controls;
use crate::verify::Change;

/// The result as JSON, streamed: a manifest of 100,000 files can list as
/// many changes, and they are not copied into one JSON value first.
pub fn write_json(
    out: &mut impl Write,
    package: &Path,
    manifest: &Path,
    fast: bool,
    changes: &[Change],
) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Verified<'a> {
        path: String,
        manifest: String,
        fast: bool,
        unchanged: bool,
        changes: &'a [Change],
    }
    let verified = Verified {
        path: package.display().to_string(),
        manifest: manifest.display().to_string(),
        fast,
        unchanged: changes.is_empty(),
        changes,
    };
    serde_json::to_writer_pretty(&mut *out, &verified).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// One line per change, then the outcome.
pub fn write_text(out: &mut impl Write, changes: &[Change], lang: Lang) -> io::Result<()> {
    // Paths come from the package: control characters are shown escaped,
    // so a name cannot rewrite the terminal or fake a line.
    let esc = |p: &str| escape_controls(p).into_owned();
    let bytes = lang.pick("bytes", "字节");
    for c in changes {
        match c {
            Change::Missing { path } => {
                writeln!(out, "{} {}", lang.pick("missing ", "缺失  "), esc(path))
            }
            Change::Extra { path } => {
                writeln!(out, "{} {}", lang.pick("extra   ", "多出  "), esc(path))
            }
            Change::Changed {
                path,
                old_size,
                new_size,
                ..
            } => writeln!(
                out,
                "{} {} ({old_size} → {new_size} {bytes})",
                lang.pick("changed ", "已修改"),
                esc(path),
            ),
            Change::Renamed { from, to } => writeln!(
                out,
                "{} {} → {}",
                lang.pick("renamed ", "已改名"),
                esc(from),
                esc(to)
            ),
            Change::Unreadable {
                path,
                reason,
                reason_zh,
            } => writeln!(
                out,
                "{} {} ({})",
                lang.pick("unreadable", "无法读取"),
                esc(path),
                esc(lang.pick(reason, reason_zh))
            ),
            Change::Archive {
                path,
                old_size,
                new_size,
                ..
            } => writeln!(
                out,
                "{} {} ({old_size} → {new_size} {bytes})",
                lang.pick("archive changed", "压缩包已变化"),
                esc(path),
            ),
            Change::Hazard {
                path,
                code,
                message_en,
                message_zh,
            } => writeln!(
                out,
                "{} [{code}] {}: {}",
                lang.pick("hazard  ", "安全隐患"),
                esc(path),
                esc(lang.pick(message_en, message_zh))
            ),
        }?;
    }
    if changes.is_empty() {
        writeln!(
            out,
            "{}",
            lang.pick(
                "unchanged: the package matches its manifest",
                "未变化：包与清单一致",
            )
        )
    } else {
        match lang {
            Lang::En => writeln!(
                out,
                "{} change(s) since the manifest was made",
                changes.len()
            ),
            Lang::Zh => writeln!(out, "自清单生成以来有 {} 处变化", changes.len()),
        }
    }
}
