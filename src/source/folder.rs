//! A package given as a folder: walked with walkdir, links never followed,
//! special files never opened.

use std::path::Path;

use walkdir::WalkDir;

use super::names::to_nfc;
use super::{Entry, Locator, SourceNote, check_name};
use crate::policy::Limits;

pub(super) fn list(root: &Path, limits: &Limits) -> (Vec<Entry>, Vec<SourceNote>) {
    let mut entries = Vec::new();
    let mut notes = Vec::new();
    let mut seen: u64 = 0;
    // Sorted so listings (and so reports and manifests) are stable.
    let mut walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter();
    while let Some(item) = walker.next() {
        let item = match item {
            Ok(item) => item,
            Err(err) => {
                let path = err
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                notes.push(SourceNote::Unlistable {
                    path,
                    message: err.to_string(),
                });
                continue;
            }
        };
        let Ok(rel) = item.path().strip_prefix(root) else {
            continue;
        };
        let file_type = item.file_type();
        if !file_type.is_dir() {
            seen += 1;
            if seen > limits.max_entries {
                // Over the limit nothing is read, as for a zip: a partial
                // check would look like a complete one.
                entries.clear();
                notes.push(SourceNote::TooManyEntries {
                    count: None,
                    limit: limits.max_entries,
                });
                return (entries, notes);
            }
        }
        let rel_text = match rel.to_str() {
            Some(s) => s.replace(std::path::MAIN_SEPARATOR, "/"),
            None => {
                // Shown lossily; the file is still opened by its real name
                // (`Locator::File` keeps the OS path), so nothing is lost.
                let lossy = rel
                    .to_string_lossy()
                    .replace(std::path::MAIN_SEPARATOR, "/");
                notes.push(SourceNote::NonUtf8Name {
                    path: lossy.clone(),
                });
                lossy
            }
        };
        if file_type.is_symlink() {
            notes.push(SourceNote::Symlink { path: rel_text });
            continue;
        }
        if file_type.is_dir() {
            if item.depth() as u64 >= limits.max_depth
                || rel_text.len() as u64 > limits.max_path_bytes
            {
                // Nothing below can be within the limits: say so once, for the folder.
                check_name(&format!("{rel_text}/…"), limits, &mut notes);
                walker.skip_current_dir();
            }
            continue;
        }
        if !file_type.is_file() {
            notes.push(SourceNote::SpecialFile { path: rel_text });
            continue;
        }
        let (path, original) = to_nfc(&rel_text);
        if !check_name(&path, limits, &mut notes) {
            continue;
        }
        let declared_size = item.metadata().map(|m| m.len()).unwrap_or(0);
        entries.push(Entry {
            path,
            original,
            declared_size,
            locator: Locator::File(item.path().to_owned()),
        });
    }
    super::note_duplicates(&mut entries, &mut notes);
    (entries, notes)
}
