//! `trainpack merge REPORTS... --out DIR`: combine the outputs of shards (or
//! of batches on several machines) into one folder: the per-package files
//! are copied, the catalogs joined, and the summaries, dashboard and
//! duplicates regenerated from the joined catalog. A package found in more
//! than one input keeps its most recent check.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::catalog::{self, Catalog, PackageRow, ResourceRow, Status};
use super::summary::{self, SummaryData};
use super::{BatchError, Stems};
use crate::atomic;
use crate::error::{Localized, io_reason};
use crate::i18n::{Lang, Text};

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
pub fn merge(opts: &MergeOptions) -> Result<SummaryData, BatchError> {
    let mut chosen: BTreeMap<String, Found> = BTreeMap::new();
    for dir in &opts.inputs {
        if !dir.join(catalog::FILE_NAME).is_file() {
            return Err(BatchError::NotABatchFolder(dir.clone()));
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

    std::fs::create_dir_all(&opts.out).map_err(|e| crate::error::Error::Unwritable {
        path: opts.out.clone(),
        source: e,
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
                    row.error_text = Some(e.text().get(opts.lang).to_owned());
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
fn copy_output(dir: &Path, old: Option<&str>, out: &Path, new: &str) -> Result<(), CopyError> {
    let old = old.ok_or(CopyError::IncompleteRow)?;
    if !is_plain_file_name(old) {
        return Err(CopyError::NotAFileName {
            dir: dir.to_owned(),
            old: old.to_owned(),
        });
    }
    let src = dir.join(old);
    let dst = out.join(new);
    if old == new && same_dir(dir, out) {
        return Ok(());
    }
    // Not followed if it is a link (O_NOFOLLOW), not blocked on if a FIFO.
    let (mut file, meta) =
        crate::source::open_regular_with_metadata(&src).map_err(|e| CopyError::Unopenable {
            dir: dir.to_owned(),
            old: old.to_owned(),
            source: e,
        })?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::io::Read::read_to_end(&mut file, &mut bytes)
        .map_err(|source| CopyError::Unreadable { path: src, source })?;
    atomic::write(&dst, &bytes).map_err(|source| CopyError::Unwritable { path: dst, source })
}

/// Why a package's files could not be copied from a shard: the package
/// stays, as a row that could not be merged, saying this.
#[derive(Debug, thiserror::Error)]
enum CopyError {
    #[error("incomplete catalog row")]
    IncompleteRow,
    #[error(
        "{}: the catalog names the output file {old:?}, which is not a file name inside this shard folder; refused, nothing read",
        .dir.display()
    )]
    NotAFileName { dir: PathBuf, old: String },
    #[error("{}: cannot read {old:?} from this shard folder: {source}", .dir.display())]
    Unopenable {
        dir: PathBuf,
        old: String,
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", .path.display())]
    Unwritable {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Localized for CopyError {
    fn text(&self) -> Text {
        let zh = match self {
            CopyError::IncompleteRow => "目录库中该行不完整".to_owned(),
            CopyError::NotAFileName { dir, old } => format!(
                "{}：目录库记录的输出文件 {old:?} 不是此分片文件夹内的文件名；已拒绝，未读取任何内容",
                dir.display()
            ),
            CopyError::Unopenable { dir, old, source } => format!(
                "{}：无法从此分片文件夹读取 {old:?}：{}",
                dir.display(),
                io_reason(source).zh
            ),
            CopyError::Unreadable { path, source } => {
                format!("无法读取 {}：{}", path.display(), io_reason(source).zh)
            }
            CopyError::Unwritable { path, source } => {
                format!("无法写入 {}：{}", path.display(), io_reason(source).zh)
            }
        };
        Text::new(self.to_string(), zh)
    }
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
