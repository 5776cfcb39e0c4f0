//! A package as a list of entries that can be opened for reading, whether it
//! is a folder or a zip. The rest of the program never asks which.

mod folder;
pub mod names;
mod zip;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};

pub use self::zip::PositionedFile;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Folder,
    Zip,
}

/// One file of the package.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Package-relative path with `/`, in Unicode NFC.
    pub path: String,
    /// The name as the source spelled it, when that differs from `path`
    /// (decomposed Unicode, or a legacy-encoded zip name).
    pub original: Option<String>,
    /// Size the source declares; the scan counts the bytes it actually reads.
    pub declared_size: u64,
    pub(crate) locator: Locator,
}

#[derive(Clone, Debug)]
pub(crate) enum Locator {
    File(PathBuf),
    Zip { index: usize, stored: bool },
}

/// Something the source noticed while listing, turned into a finding later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceNote {
    /// A symbolic link: never followed, never read.
    Symlink { path: String },
    /// A FIFO, socket or device: never opened.
    SpecialFile { path: String },
    /// A folder name that is not valid UTF-8 (shown lossily).
    NonUtf8Name { path: String },
    /// A zip name decoded from GBK/GB18030 because it was not UTF-8.
    LegacyEncodedName { path: String },
    /// A zip name that would escape the package or is otherwise unsafe.
    UnsafeName {
        name: String,
        reason: names::UnsafeReason,
    },
    /// Two entries with the same NFC path.
    DuplicatePath { path: String },
    /// An encrypted zip entry: cannot be checked.
    Encrypted { path: String },
    /// A folder entry that could not be listed.
    Unlistable { path: String, message: String },
}

/// An opened package.
pub struct Package {
    pub root: PathBuf,
    pub kind: SourceKind,
    pub entries: Vec<Entry>,
    pub notes: Vec<SourceNote>,
    zip: Option<::zip::ZipArchive<PositionedFile>>,
}

impl Package {
    /// Open a folder or a zip file. Fails (exit 2) only when the path itself
    /// cannot be used; problems with single entries become notes.
    pub fn open(path: &Path) -> Result<Package> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::NotFound {
                path: path.to_owned(),
            },
            _ => Error::Unreadable {
                path: path.to_owned(),
                source: e,
            },
        })?;
        if meta.is_dir() {
            let (entries, notes) = folder::list(path);
            Ok(Package {
                root: path.to_owned(),
                kind: SourceKind::Folder,
                entries,
                notes,
                zip: None,
            })
        } else if meta.is_file() {
            let file = File::open(path).map_err(|e| Error::Unreadable {
                path: path.to_owned(),
                source: e,
            })?;
            let (archive, entries, notes) = zip::list(path, Arc::new(file))?;
            Ok(Package {
                root: path.to_owned(),
                kind: SourceKind::Zip,
                entries,
                notes,
                zip: Some(archive),
            })
        } else {
            Err(Error::NotAPackage {
                path: path.to_owned(),
            })
        }
    }

    /// A reader for one worker thread. Cheap: a zip's central directory is
    /// shared, and reads use positioned I/O on one file descriptor.
    pub fn reader(&self) -> EntryReader {
        EntryReader {
            zip: self.zip.clone(),
        }
    }

    /// Where an external program (ffprobe) can read an entry without a copy:
    /// the file itself, or the byte span of a stored zip entry.
    pub fn direct_location(&self, entry: &Entry) -> Option<DirectLocation> {
        match &entry.locator {
            Locator::File(p) => Some(DirectLocation::File(p.clone())),
            Locator::Zip { index, stored } => {
                if !*stored {
                    return None;
                }
                let archive = self.zip.as_ref()?;
                let (start, len) = zip::stored_span(archive, *index).ok()?;
                Some(DirectLocation::Span {
                    archive: self.root.clone(),
                    start,
                    end: start + len,
                })
            }
        }
    }
}

/// An entry an external program can read in place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DirectLocation {
    File(PathBuf),
    /// Bytes `start..end` of `archive` (a stored zip entry).
    Span {
        archive: PathBuf,
        start: u64,
        end: u64,
    },
}

/// Opens entries for reading; one per worker thread.
pub struct EntryReader {
    zip: Option<::zip::ZipArchive<PositionedFile>>,
}

/// A reader that can also seek: what the built-in probe needs.
pub trait ReadSeek: Read + io::Seek {}
impl<T: Read + io::Seek> ReadSeek for T {}

impl EntryReader {
    /// Open an entry for seeking, when the source allows it without a copy:
    /// a file, or a stored zip entry. None for a compressed zip entry.
    pub fn open_seekable(&mut self, entry: &Entry) -> io::Result<Option<Box<dyn ReadSeek + '_>>> {
        match (&entry.locator, &mut self.zip) {
            (Locator::File(p), _) => Ok(Some(Box::new(File::open(p)?))),
            (
                Locator::Zip {
                    index,
                    stored: true,
                },
                Some(archive),
            ) => {
                let file = archive.by_index_seek(*index).map_err(io::Error::other)?;
                Ok(Some(Box::new(file)))
            }
            _ => Ok(None),
        }
    }

    pub fn open(&mut self, entry: &Entry) -> io::Result<Box<dyn Read + '_>> {
        match (&entry.locator, &mut self.zip) {
            (Locator::File(p), _) => Ok(Box::new(File::open(p)?)),
            (Locator::Zip { index, .. }, Some(archive)) => {
                let file = archive.by_index(*index).map_err(io::Error::other)?;
                Ok(Box::new(file))
            }
            (Locator::Zip { .. }, None) => Err(io::Error::other("zip entry without an archive")),
        }
    }
}

/// Keep the first of several entries with the same NFC path; note the rest.
fn note_duplicates(entries: &mut Vec<Entry>, notes: &mut Vec<SourceNote>) {
    let mut seen = std::collections::HashSet::new();
    entries.retain(|e| {
        if seen.insert(e.path.clone()) {
            true
        } else {
            notes.push(SourceNote::DuplicatePath {
                path: e.path.clone(),
            });
            false
        }
    });
}
