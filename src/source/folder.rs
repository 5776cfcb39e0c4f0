//! A package given as a folder: walked with walkdir, links never followed.

use std::path::Path;

use walkdir::WalkDir;

use super::names::to_nfc;
use super::{Entry, Locator, SourceNote};

pub(super) fn list(root: &Path) -> (Vec<Entry>, Vec<SourceNote>) {
    let mut entries = Vec::new();
    let mut notes = Vec::new();
    // Sorted so listings (and so reports and manifests) are stable.
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1);
    for item in walker {
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
        let rel_text = match rel.to_str() {
            Some(s) => s.replace(std::path::MAIN_SEPARATOR, "/"),
            None => {
                let lossy = rel
                    .to_string_lossy()
                    .replace(std::path::MAIN_SEPARATOR, "/");
                notes.push(SourceNote::NonUtf8Name {
                    path: lossy.clone(),
                });
                lossy
            }
        };
        let file_type = item.file_type();
        if file_type.is_symlink() {
            notes.push(SourceNote::Symlink { path: rel_text });
            continue;
        }
        if file_type.is_dir() {
            continue;
        }
        if !file_type.is_file() {
            notes.push(SourceNote::SpecialFile { path: rel_text });
            continue;
        }
        let declared_size = item.metadata().map(|m| m.len()).unwrap_or(0);
        let (path, original) = to_nfc(&rel_text);
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
