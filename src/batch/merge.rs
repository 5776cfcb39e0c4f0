//! `trainpack merge REPORTS... --out DIR`: combine the outputs of shards (or
//! of batches on several machines) into one folder: the per-package files
//! are copied, the catalogs joined, and the summaries, dashboard and
//! duplicates regenerated from the joined catalog. A package found in more
//! than one input keeps its most recent check.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Stems;
use super::catalog::{self, Catalog, PackageRow, ResourceRow, Status};
use super::summary::{self, SummaryData};
use crate::atomic;
use crate::i18n::Lang;

pub struct MergeOptions {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub lang: Lang,
    /// The roster the merged summaries answer to, as for `batch --roster`.
    pub roster: Option<super::roll_call::RosterInput>,
}

struct Found {
    dir: PathBuf,
    row: PackageRow,
    resources: Vec<ResourceRow>,
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Merge; returns the summary of the merged folder.
pub fn merge(opts: &MergeOptions) -> Result<SummaryData, String> {
    let mut chosen: BTreeMap<String, Found> = BTreeMap::new();
    for dir in &opts.inputs {
        if !dir.join(catalog::FILE_NAME).is_file() {
            return Err(match opts.lang {
                Lang::En => format!(
                    "{}: no {} here; give folders written by `trainpack batch --out`",
                    dir.display(),
                    catalog::FILE_NAME
                ),
                Lang::Zh => format!(
                    "{}：这里没有 {}；请给出 `trainpack batch --out` 写出的文件夹",
                    dir.display(),
                    catalog::FILE_NAME
                ),
            });
        }
        let input = Catalog::open(dir)?;
        for row in input.packages()? {
            let newer = chosen
                .get(&row.name)
                .is_none_or(|f| row.checked_at >= f.row.checked_at);
            if newer {
                let resources = input.resources(&row.name)?;
                chosen.insert(
                    row.name.clone(),
                    Found {
                        dir: dir.clone(),
                        row,
                        resources,
                    },
                );
            }
        }
    }

    std::fs::create_dir_all(&opts.out).map_err(|e| {
        crate::error::Error::Unwritable {
            path: opts.out.clone(),
            source: e,
        }
        .message(opts.lang)
    })?;
    let mut merged = Catalog::open(&opts.out)?;
    let existing = merged.packages()?;
    let stems = Stems::new(existing.iter().filter(|r| !chosen.contains_key(&r.name)));

    for (_, found) in chosen {
        let Found {
            dir,
            mut row,
            resources,
        } = found;
        if row.report_file.is_some() {
            let stem = stems.allocate(&row.id, &row.name);
            let new_names = super::output_names(&stem);
            let old_names = [
                row.report_file.clone(),
                row.manifest_file.clone(),
                row.html_file.clone(),
            ];
            let copied = old_names
                .iter()
                .zip(&new_names)
                .try_for_each(|(old, new)| copy_output(&dir, old.as_deref(), &opts.out, new));
            match copied {
                Ok(()) => {
                    row.stem = stem;
                    let [r, m, h] = new_names;
                    row.report_file = Some(r);
                    row.manifest_file = Some(m);
                    row.html_file = Some(h);
                }
                Err(e) => {
                    // The row stays, as a package that could not be merged.
                    row.status = Status::Error;
                    row.error_text = Some(e);
                    row.report_file = None;
                    row.manifest_file = None;
                    row.html_file = None;
                }
            }
        }
        // Recorded after its files are in place, as in a batch.
        merged.record(&row, &resources)?;
    }
    super::settle_stems(&opts.out, &mut merged)?;
    summary::write_all(&opts.out, &merged, opts.lang, opts.roster.as_ref())
}

/// Copy `dir/old` to `out/new` atomically (nothing to do when it is the same file).
/// `old` comes from the shard's catalog, which anyone could have edited: it
/// must name a regular file directly inside the shard folder. A path (`/etc/passwd`,
/// `../x`) or a symbolic link is refused, never read.
fn copy_output(dir: &Path, old: Option<&str>, out: &Path, new: &str) -> Result<(), String> {
    let old = old.ok_or_else(|| "incomplete catalog row".to_owned())?;
    if !is_plain_file_name(old) {
        return Err(format!(
            "{}: the catalog names the output file {old:?}, which is not a file name inside this shard folder; refused, nothing read",
            dir.display()
        ));
    }
    let src = dir.join(old);
    let dst = out.join(new);
    if old == new && same_dir(dir, out) {
        return Ok(());
    }
    // Not followed if it is a link (O_NOFOLLOW), not blocked on if a FIFO.
    let (mut file, meta) = crate::source::open_regular_with_metadata(&src).map_err(|e| {
        format!(
            "{}: cannot read {old:?} from this shard folder: {e}",
            dir.display()
        )
    })?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::io::Read::read_to_end(&mut file, &mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    atomic::write(&dst, &bytes).map_err(|e| format!("cannot write {}: {e}", dst.display()))
}

/// One normal path component: no separator (either kind), not `.` or `..`,
/// not absolute, no drive letter.
fn is_plain_file_name(name: &str) -> bool {
    use std::path::Component;
    !name.contains(['/', '\\', '\0'])
        && !name.contains(':')
        && matches!(
            Path::new(name).components().collect::<Vec<_>>()[..],
            [Component::Normal(_)]
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_file_names_are_read_from_a_shard() {
        assert!(is_plain_file_name("2022-GP-00.report.json"));
        assert!(is_plain_file_name("报告-1a2b3c4d.html"));
        for bad in [
            "/etc/passwd",
            "../secret.txt",
            "a/b.html",
            "a\\b.html",
            "..",
            ".",
            "",
            "C:x.html",
        ] {
            assert!(!is_plain_file_name(bad), "{bad}");
        }
    }
}
