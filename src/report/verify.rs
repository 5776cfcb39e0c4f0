//! `trainpack verify PACKAGE --manifest FILE`: the changes since the
//! manifest, as JSON or as lines in the user's language.

use std::io::{self, Write};
use std::path::Path;

use crate::i18n::Lang;
use crate::manifest::ZipRecord;
use crate::source::names::escape_controls;
use crate::verify::{Change, Verification};

/// The result as JSON, streamed: a manifest of 100,000 files can list as
/// many changes, and they are not copied into one JSON value first.
pub fn write_json(
    out: &mut impl Write,
    package: &Path,
    manifest: &Path,
    fast: bool,
    verification: &Verification,
) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Verified<'a> {
        path: String,
        manifest: String,
        fast: bool,
        /// With `fast`: zip entries compared by size only (an older
        /// manifest records no CRC-32 for them).
        #[serde(skip_serializing_if = "Option::is_none")]
        sizes_only: Option<u64>,
        unchanged: bool,
        changes: &'a [Change],
    }
    let changes = &verification.changes;
    let verified = Verified {
        path: package.display().to_string(),
        manifest: manifest.display().to_string(),
        fast,
        sizes_only: fast.then_some(verification.sizes_only),
        unchanged: changes.is_empty(),
        changes,
    };
    serde_json::to_writer_pretty(&mut *out, &verified).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// One line per change, then the outcome.
pub fn write_text(out: &mut impl Write, verification: &Verification, lang: Lang) -> io::Result<()> {
    let changes = &verification.changes;
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
                old_zip: Some(old),
                new_zip: Some(new),
                ..
            } if old_size == new_size => writeln!(
                out,
                "{} {} ({})",
                lang.pick("changed ", "已修改"),
                esc(path),
                zip_difference(old, new, lang)
            ),
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
    }?;
    if verification.sizes_only > 0 {
        let n = verification.sizes_only;
        match lang {
            Lang::En => writeln!(
                out,
                "note: the manifest records no CRC-32 for {n} zip entr{} (written by an older trainpack), so --fast compared only their sizes; verify without --fast, or write the manifest again",
                if n == 1 { "y" } else { "ies" }
            ),
            Lang::Zh => writeln!(
                out,
                "注意：清单没有记录 {n} 个压缩包条目的 CRC-32（由较早版本的 trainpack 生成），--fast 只比对了它们的大小；请去掉 --fast 重新验证，或重新生成清单"
            ),
        }?;
    }
    Ok(())
}

/// How a zip entry's directory record changed, the same size declared.
fn zip_difference(old: &ZipRecord, new: &ZipRecord, lang: Lang) -> String {
    if old.method != new.method {
        format!(
            "{} {} → {}",
            lang.pick("compression method", "压缩方式"),
            old.method,
            new.method
        )
    } else if old.compressed_size != new.compressed_size {
        format!(
            "{} {} → {} {}",
            lang.pick("compressed size", "压缩后大小"),
            old.compressed_size,
            new.compressed_size,
            lang.pick("bytes", "字节")
        )
    } else {
        format!("CRC-32 {:08x} → {:08x}", old.crc32, new.crc32)
    }
}
