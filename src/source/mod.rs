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
use crate::policy::Limits;

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
    /// The real path, as the OS spells it (never the lossy display form).
    File(PathBuf),
    Zip {
        index: usize,
        stored: bool,
        /// Compressed size from the central directory: the most bytes ever
        /// read from the archive for this entry.
        compressed: u64,
    },
}

impl Entry {
    /// The file itself, for a folder entry.
    pub fn fs_path(&self) -> Option<&Path> {
        match &self.locator {
            Locator::File(p) => Some(p),
            Locator::Zip { .. } => None,
        }
    }

    /// Compressed size, for a zip entry.
    pub fn compressed_size(&self) -> Option<u64> {
        match &self.locator {
            Locator::File(_) => None,
            Locator::Zip { compressed, .. } => Some(*compressed),
        }
    }
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
    /// Two entries whose names differ only in Unicode normalisation (NFC and
    /// NFD spellings of the same text); the second is not read.
    NormalisationDuplicate { path: String },
    /// Two entries whose names differ only in letter case: they collide when
    /// extracted on Windows or macOS. Both are read.
    CaseCollision { path: String, other: String },
    /// A name with control characters (CR, LF, tab, ESC...); `path` shows
    /// them escaped. The entry is read.
    ControlCharacters { path: String },
    /// More entries than `limits.max_entries`: no entry is read. `count` is
    /// the archive's declared count, None for a folder (listing stopped).
    TooManyEntries { count: Option<u64>, limit: u64 },
    /// A path longer than `limits.max_path_bytes`: not read.
    PathTooLong {
        path: String,
        bytes: u64,
        limit: u64,
    },
    /// A path deeper than `limits.max_depth`: not read.
    PathTooDeep {
        path: String,
        depth: u64,
        limit: u64,
    },
    /// Zip entries whose compressed data overlap (a non-recursive zip bomb):
    /// none of them is read.
    OverlappingEntries { count: u64, example: String },
    /// An entry whose local header disagrees with the central directory.
    HeaderMismatch { path: String, message: String },
    /// An entry compressed with a method trainpack cannot decode: not read.
    UnsupportedMethod { path: String, method: String },
    /// An encrypted zip entry: cannot be checked.
    Encrypted { path: String },
    /// A folder entry that could not be listed.
    Unlistable { path: String, message: String },
}

impl SourceNote {
    /// The entry the note is about, if it is about one entry.
    pub fn subject(&self) -> Option<&String> {
        match self {
            SourceNote::Symlink { path }
            | SourceNote::SpecialFile { path }
            | SourceNote::NonUtf8Name { path }
            | SourceNote::LegacyEncodedName { path }
            | SourceNote::DuplicatePath { path }
            | SourceNote::NormalisationDuplicate { path }
            | SourceNote::CaseCollision { path, .. }
            | SourceNote::ControlCharacters { path }
            | SourceNote::PathTooLong { path, .. }
            | SourceNote::PathTooDeep { path, .. }
            | SourceNote::HeaderMismatch { path, .. }
            | SourceNote::UnsupportedMethod { path, .. }
            | SourceNote::Encrypted { path }
            | SourceNote::Unlistable { path, .. } => Some(path),
            SourceNote::UnsafeName { name, .. } => Some(name),
            SourceNote::TooManyEntries { .. } | SourceNote::OverlappingEntries { .. } => None,
        }
    }
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
    /// Open a folder or a zip file with the default limits.
    pub fn open(path: &Path) -> Result<Package> {
        Package::open_with(path, &Limits::default())
    }

    /// Open a folder or a zip file. Fails (exit 2) only when the path itself
    /// cannot be used; problems with single entries, and limits hit, become
    /// notes.
    pub fn open_with(path: &Path, limits: &Limits) -> Result<Package> {
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
            let (entries, notes) = folder::list(path, limits);
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
            let (archive, entries, notes) = zip::list(path, Arc::new(file), limits)?;
            Ok(Package {
                root: path.to_owned(),
                kind: SourceKind::Zip,
                entries,
                notes,
                zip: archive,
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
            Locator::Zip { index, stored, .. } => {
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
            (Locator::File(p), _) => Ok(Some(Box::new(open_regular(p)?))),
            (
                Locator::Zip {
                    index,
                    stored: true,
                    ..
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
            (Locator::File(p), _) => Ok(Box::new(open_regular(p)?)),
            (Locator::Zip { index, .. }, Some(archive)) => {
                let file = archive.by_index(*index).map_err(io::Error::other)?;
                Ok(Box::new(file))
            }
            (Locator::Zip { .. }, None) => Err(io::Error::other("zip entry without an archive")),
        }
    }
}

/// Open a folder entry for reading, refusing anything that stopped being the
/// regular file listed: a FIFO or device swapped in (opened without blocking,
/// never read) or a symbolic link swapped in (its target would be read).
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a FIFO must not wait for a writer.
        options.custom_flags(0o4000);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(
            "no longer a regular file (replaced while being checked); not read",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let link = std::fs::symlink_metadata(path)?;
        if link.ino() != meta.ino() || link.dev() != meta.dev() {
            return Err(io::Error::other(
                "replaced by a symbolic link while being checked; not followed",
            ));
        }
    }
    Ok(file)
}

/// Keep the first of several entries with the same NFC path; note the rest,
/// saying whether the names were the same bytes or only the same text in
/// another Unicode normalisation. Then note names that differ only in case.
fn note_duplicates(entries: &mut Vec<Entry>, notes: &mut Vec<SourceNote>) {
    let mut seen: std::collections::HashMap<String, Option<String>> = Default::default();
    entries.retain(|e| match seen.get(&e.path) {
        None => {
            seen.insert(e.path.clone(), e.original.clone());
            true
        }
        Some(first) => {
            let spelled = |o: &Option<String>| o.clone().unwrap_or_else(|| e.path.clone());
            notes.push(if spelled(first) == spelled(&e.original) {
                SourceNote::DuplicatePath {
                    path: e.path.clone(),
                }
            } else {
                SourceNote::NormalisationDuplicate {
                    path: e.path.clone(),
                }
            });
            false
        }
    });
    let mut by_case: std::collections::HashMap<String, &str> = Default::default();
    for e in entries.iter() {
        match by_case.get(&names::case_key(&e.path)) {
            Some(other) => notes.push(SourceNote::CaseCollision {
                path: e.path.clone(),
                other: (*other).to_owned(),
            }),
            None => {
                by_case.insert(names::case_key(&e.path), &e.path);
            }
        }
    }
}

/// Notes for a path that is too long or too deep, or has control characters.
/// Returns false when the entry must not be read.
fn check_name(path: &str, limits: &Limits, notes: &mut Vec<SourceNote>) -> bool {
    let bytes = path.len() as u64;
    if bytes > limits.max_path_bytes {
        notes.push(SourceNote::PathTooLong {
            path: names::shorten(&names::escape_controls(path), 120),
            bytes,
            limit: limits.max_path_bytes,
        });
        return false;
    }
    let depth = names::depth(path);
    if depth > limits.max_depth {
        notes.push(SourceNote::PathTooDeep {
            path: names::shorten(&names::escape_controls(path), 120),
            depth,
            limit: limits.max_depth,
        });
        return false;
    }
    if names::has_control_chars(path) {
        notes.push(SourceNote::ControlCharacters {
            path: names::escape_controls(path),
        });
    }
    true
}
