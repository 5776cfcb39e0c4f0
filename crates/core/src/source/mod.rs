//! A package as a list of entries that can be opened for reading, whether it
//! is a folder or a zip. The rest of the program never asks which.

// The folder backend: the one place the core walks the file system.
#[cfg(feature = "fs")]
#[allow(clippy::disallowed_methods)]
mod folder;
pub mod names;
pub mod random_access;
mod zip;
mod zip_local;
pub use self::random_access::{ReadAt, SeekAdapter};
pub use self::zip_local::Mismatch;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::policy::Limits;

pub use self::zip::PositionedFile;

/// Whether the package is a folder or a zip file (read in place, never
/// extracted).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "source", title = "Source kind")]
pub enum SourceKind {
    Folder,
    Zip,
}

/// One file of the package.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Package-relative path with `/`, in Unicode NFC. Shared (not copied)
    /// with the report's record of the file: 100,000 paths are kept once.
    pub path: std::sync::Arc<str>,
    /// The name as the source spelled it, when that differs from `path`
    /// (decomposed Unicode, or a legacy-encoded zip name).
    pub original: Option<String>,
    /// Size the source declares; the scan counts the bytes it actually reads.
    /// None for a folder listed without sizes ([`Package::open_for_scan`]):
    /// the reader learns the size when it opens the file.
    pub declared_size: Option<u64>,
    pub(crate) locator: Locator,
}

#[derive(Clone, Debug)]
pub(crate) enum Locator {
    /// A file under the package root. The OS spelling of its path when that
    /// is not `root/<entry path>` (a name changed to NFC, or not UTF-8; never
    /// the lossy display form); None for the common case, so 100,000 entries
    /// do not each carry a second copy of their path.
    File(Option<PathBuf>),
    Zip {
        index: usize,
        stored: bool,
        /// Compressed size from the central directory: the most bytes ever
        /// read from the archive for this entry.
        compressed: u64,
    },
    /// One of the files the caller handed over ([`Package::from_items`]).
    Item(usize),
}

impl Entry {
    /// The file itself, for a folder entry under `root`.
    pub fn fs_path(&self, root: &Path) -> Option<PathBuf> {
        self.relative_file().map(|relative| root.join(relative))
    }

    /// A folder entry's path under the root, as the OS spells it.
    fn relative_file(&self) -> Option<&Path> {
        match &self.locator {
            Locator::File(os) => Some(os.as_deref().unwrap_or(Path::new(&*self.path))),
            Locator::Zip { .. } | Locator::Item(_) => None,
        }
    }

    /// The bytes of a folder entry's path under the root (with `/`), when
    /// they are not UTF-8: what tells it apart from a file whose name
    /// decodes alike, and finds it again (`path_bytes` in the manifest).
    pub fn os_name_bytes(&self) -> Option<&[u8]> {
        match &self.locator {
            Locator::File(Some(os)) if os.to_str().is_none() => {
                Some(os.as_os_str().as_encoded_bytes())
            }
            _ => None,
        }
    }

    /// Compressed size, for a zip entry.
    pub fn compressed_size(&self) -> Option<u64> {
        match &self.locator {
            Locator::File(_) | Locator::Item(_) => None,
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
    /// A folder name that is neither UTF-8 nor GBK (its other bytes shown
    /// as `%XX`).
    NonUtf8Name { path: String },
    /// A folder name in GBK, not UTF-8 (a Windows zip unzipped on Linux),
    /// shown decoded; `bytes` is the name with its GBK bytes as `%XX`.
    GbkName { path: String, bytes: String },
    /// A non-UTF-8 folder name that decodes to the same text as another
    /// file's name (`other`): shown by its bytes (`path`). Both are read.
    DecodesAlike { path: String, other: String },
    /// A zip name decoded from GBK/GB18030 because it was not UTF-8.
    LegacyEncodedName { path: String },
    /// A zip name written with `\` separators (Windows PowerShell 5.1
    /// `Compress-Archive`), read as folders: `path` is the converted package
    /// path, `name` the name as stored. The entry is read.
    BackslashName { path: String, name: String },
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
    /// A zip central directory larger than
    /// [`zip::MAX_DIRECTORY_BYTES`] (`bytes` counted so far): no entry is read.
    DirectoryTooLarge { bytes: u64, limit: u64 },
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
    HeaderMismatch {
        path: String,
        reason: zip_local::Mismatch,
    },
    /// An entry compressed with a method trainpack cannot decode: not read.
    UnsupportedMethod { path: String, method: String },
    /// An encrypted zip entry: cannot be checked.
    Encrypted { path: String },
    /// A stored (uncompressed) zip entry whose declared size is not the
    /// size of its data: not read.
    StoredSizeMismatch {
        path: String,
        declared: u64,
        stored: u64,
    },
    /// A deflated zip entry too small to decompress to the size its
    /// headers declare (deflate expands at most 1032 times): seen from the
    /// listing, so `verify --fast` sees it too. Not read.
    DeflatedSizeImpossible {
        path: String,
        declared: u64,
        compressed: u64,
    },
    /// Local entries in a zip that its central directory does not list: a
    /// streaming unzipper would extract them.
    HiddenEntries { count: u64, example: String },
    /// A zip directory entry (a folder) that carries data: a place to
    /// hide bytes that extractors drop or write as a file.
    DirectoryWithData { path: String, bytes: u64 },
    /// Bytes before a zip's first entry that its offsets do not count (a
    /// self-extracting archive): read, but 7-Zip refuses such a zip.
    PrefixData { bytes: u64 },
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
            | SourceNote::GbkName { path, .. }
            | SourceNote::DecodesAlike { path, .. }
            | SourceNote::LegacyEncodedName { path }
            | SourceNote::BackslashName { path, .. }
            | SourceNote::DuplicatePath { path }
            | SourceNote::NormalisationDuplicate { path }
            | SourceNote::CaseCollision { path, .. }
            | SourceNote::ControlCharacters { path }
            | SourceNote::PathTooLong { path, .. }
            | SourceNote::PathTooDeep { path, .. }
            | SourceNote::HeaderMismatch { path, .. }
            | SourceNote::UnsupportedMethod { path, .. }
            | SourceNote::Encrypted { path }
            | SourceNote::DirectoryWithData { path, .. }
            | SourceNote::StoredSizeMismatch { path, .. }
            | SourceNote::DeflatedSizeImpossible { path, .. }
            | SourceNote::Unlistable { path, .. } => Some(path),
            SourceNote::UnsafeName { name, .. } => Some(name),
            SourceNote::TooManyEntries { .. }
            | SourceNote::DirectoryTooLarge { .. }
            | SourceNote::OverlappingEntries { .. }
            | SourceNote::PrefixData { .. }
            | SourceNote::HiddenEntries { .. } => None,
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
    /// The zip file's bytes, for the zip-quine check.
    archive: Option<Arc<dyn ReadAt>>,
    /// The files of a package given as a list ([`Package::from_items`]).
    items: Arc<[Arc<dyn ReadAt>]>,
}

impl Package {
    /// A zip held by the caller (the browser's upload): `name` is the file
    /// name it came under, used in messages and as the package's path.
    pub fn from_zip(source: Arc<dyn ReadAt>, name: &str, limits: &Limits) -> Result<Package> {
        let root = PathBuf::from(name);
        let (archive, entries, notes) = zip::list(&root, Arc::clone(&source), limits)?;
        Ok(Package {
            root,
            kind: SourceKind::Zip,
            entries,
            notes,
            zip: archive,
            archive: Some(source),
            items: Arc::new([]),
        })
    }

    /// A folder given as its files (the browser's folder drop): each with
    /// its path under the folder (`/` or `\` between names) and its bytes.
    /// Names are checked and normalised as a folder's are.
    pub fn from_items(
        items: Vec<(String, Arc<dyn ReadAt>)>,
        name: &str,
        limits: &Limits,
    ) -> Package {
        let mut notes = Vec::new();
        let mut entries = Vec::with_capacity(items.len());
        let mut sources = Vec::with_capacity(items.len());
        for (path, source) in items {
            let spelled = path.replace('\\', "/");
            let (nfc, original) = names::to_nfc(spelled.trim_start_matches('/').to_owned());
            if !check_name(&nfc, limits, &mut notes) {
                continue;
            }
            entries.push(Entry {
                original,
                path: nfc.into(),
                declared_size: source.len().ok(),
                locator: Locator::Item(sources.len()),
            });
            sources.push(source);
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        distinguish_alike_names(&mut entries, &mut notes);
        note_duplicates(&mut entries, &mut notes);
        Package {
            root: PathBuf::from(name),
            kind: SourceKind::Folder,
            entries,
            notes,
            zip: None,
            archive: None,
            items: sources.into(),
        }
    }

    /// The zip file's length; None for a folder.
    pub fn archive_len(&self) -> Option<u64> {
        self.archive.as_ref()?.len().ok()
    }

    /// SHA-256 (hex) of the whole zip file; None for a folder or when it
    /// cannot be read.
    pub fn archive_sha256(&self) -> Option<String> {
        use sha2::{Digest, Sha256};
        let archive = self.archive.as_ref()?;
        let mut reader = PositionedFile::new(Arc::clone(archive)).ok()?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => hasher.update(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        Some(crate::scan::hex(&hasher.finalize()))
    }

    /// Open a folder or a zip file with the default limits.
    #[cfg(feature = "fs")]
    pub fn open(path: &Path) -> Result<Package> {
        Package::open_with(path, &Limits::default())
    }

    /// Open a folder or a zip file. Fails (exit 2) only when the path itself
    /// cannot be used; problems with single entries, and limits hit, become
    /// notes.
    #[cfg(feature = "fs")]
    pub fn open_with(path: &Path, limits: &Limits) -> Result<Package> {
        Package::open_listing(path, limits, true)
    }

    /// [`Package::open_with`] for a caller that reads every entry anyway: a
    /// folder is listed without a stat per file (`declared_size` is None),
    /// since opening the file tells its size.
    #[cfg(feature = "fs")]
    pub fn open_for_scan(path: &Path, limits: &Limits) -> Result<Package> {
        Package::open_listing(path, limits, false)
    }

    #[cfg(feature = "fs")]
    #[allow(clippy::disallowed_methods)] // the fs backend opens the path
    fn open_listing(path: &Path, limits: &Limits, sized: bool) -> Result<Package> {
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
            let (entries, notes) = folder::list(path, limits, sized);
            release_freed_memory();
            Ok(Package {
                root: path.to_owned(),
                kind: SourceKind::Folder,
                entries,
                notes,
                zip: None,
                archive: None,
                items: Arc::new([]),
            })
        } else if meta.is_file() {
            let file = File::open(path).map_err(|e| Error::Unreadable {
                path: path.to_owned(),
                source: e,
            })?;
            let file: Arc<dyn ReadAt> = Arc::new(file);
            let (archive, entries, notes) = zip::list(path, Arc::clone(&file), limits)?;
            Ok(Package {
                root: path.to_owned(),
                kind: SourceKind::Zip,
                entries,
                notes,
                zip: archive,
                archive: Some(file),
                items: Arc::new([]),
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
            root: self.root.clone(),
            zip: self.zip.clone(),
            items: Arc::clone(&self.items),
            #[cfg(target_os = "linux")]
            root_fd: None,
            #[cfg(target_os = "linux")]
            folder: None,
        }
    }

    /// Where an external program (ffprobe) can read an entry without a copy:
    /// the file itself, or the byte span of a stored zip entry.
    pub fn direct_location(&self, entry: &Entry) -> Option<DirectLocation> {
        match &entry.locator {
            Locator::File(_) => Some(DirectLocation::File(entry.fs_path(&self.root)?)),
            Locator::Item(_) => None,
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
    root: PathBuf,
    zip: Option<::zip::ZipArchive<PositionedFile>>,
    items: Arc<[Arc<dyn ReadAt>]>,
    /// The package root, opened once: folders are opened beneath it.
    #[cfg(target_os = "linux")]
    root_fd: Option<std::os::fd::OwnedFd>,
    /// The folder of the last file read whole (its path under the root),
    /// kept open: files are opened relative to it, so the kernel looks up
    /// one name instead of every component of the path (a tenth of the CPU
    /// on 100,000 small files, which come folder by folder). A folder
    /// replaced by a link since the listing, at any depth, is not followed.
    #[cfg(target_os = "linux")]
    folder: Option<(PathBuf, std::os::fd::OwnedFd)>,
}

/// An entry opened for one whole read.
pub enum Opened<'r> {
    /// A folder file, with the metadata read on its descriptor when opened.
    File(File, std::fs::Metadata),
    /// A zip entry, decompressed as it is read.
    Stream(Box<dyn Read + 'r>),
}

/// A reader that can also seek: what the built-in probe needs.
pub trait ReadSeek: Read + io::Seek {}
impl<T: Read + io::Seek> ReadSeek for T {}

impl EntryReader {
    /// Open an entry for seeking, when the source allows it without a copy:
    /// a file, or a stored zip entry. None for a compressed zip entry.
    pub fn open_seekable(&mut self, entry: &Entry) -> io::Result<Option<Box<dyn ReadSeek + '_>>> {
        if let Locator::File(_) = entry.locator {
            return Ok(Some(Box::new(self.open_entry_file(entry)?.0)));
        }
        if let Locator::Item(i) = entry.locator {
            return Ok(Some(Box::new(self.open_item(i)?)));
        }
        match (&entry.locator, &mut self.zip) {
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

    /// Open an entry to read it whole: a folder file together with its size
    /// and time (for the check that it did not change while read).
    pub fn open_to_read(&mut self, entry: &Entry) -> io::Result<Opened<'_>> {
        match &entry.locator {
            Locator::File(_) => {
                let (file, meta) = self.open_entry_file(entry)?;
                Ok(Opened::File(file, meta))
            }
            Locator::Zip { .. } | Locator::Item(_) => self.open(entry).map(Opened::Stream),
        }
    }

    /// A file the caller handed over, read from its start.
    fn open_item(&self, index: usize) -> io::Result<PositionedFile> {
        let source = self
            .items
            .get(index)
            .ok_or_else(|| io::Error::other("no such item"))?;
        PositionedFile::new(Arc::clone(source))
    }

    /// A folder entry's file, opened the one way every reader of it uses.
    fn open_entry_file(&mut self, entry: &Entry) -> io::Result<(File, std::fs::Metadata)> {
        let relative = entry
            .relative_file()
            .ok_or_else(|| io::Error::other("not a folder entry"))?;
        self.open_file(relative)
    }

    #[cfg(not(target_os = "linux"))]
    fn open_file(&mut self, relative: &Path) -> io::Result<(File, std::fs::Metadata)> {
        open_regular_with_metadata(&self.root.join(relative))
    }

    /// [`open_regular_with_metadata`] for `relative` (under the root),
    /// opened through its folder's descriptor.
    #[cfg(target_os = "linux")]
    fn open_file(&mut self, relative: &Path) -> io::Result<(File, std::fs::Metadata)> {
        use rustix::fs::{Mode, OFlags};
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        // Split at the last '/' by bytes: the listing's paths are already
        // clean, and `Path::parent` parses every component (measurable per file).
        let bytes = relative.as_os_str().as_bytes();
        let (folder, name) = match bytes.iter().rposition(|&b| b == b'/') {
            Some(slash) => (&bytes[..slash], &bytes[slash + 1..]),
            None => (&b""[..], bytes),
        };
        let (folder, name) = (
            Path::new(OsStr::from_bytes(folder)),
            OsStr::from_bytes(name),
        );
        if name.is_empty() {
            return Err(io::Error::other("not a file name"));
        }
        let cached = self
            .folder
            .as_ref()
            .is_some_and(|(path, _)| path.as_os_str() == folder.as_os_str());
        if !cached {
            self.folder = None;
            let fd = self.open_folder(folder)?;
            self.folder = Some((folder.to_owned(), fd));
        }
        let Some((_, dir)) = &self.folder else {
            unreachable!("opened above")
        };
        let fd = rustix::fs::openat(
            dir,
            name,
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| replaced_by_link(e.into()))?;
        regular_file(File::from(fd))
    }

    /// Open `folder` (under the root, "" for the root itself) as a
    /// directory. openat2's RESOLVE_NO_SYMLINKS refuses a link at any depth
    /// below the root (the listing never followed one, so one now means a
    /// swap); kernels before 5.6 fall back to O_NOFOLLOW, which only sees
    /// the last component.
    #[cfg(target_os = "linux")]
    fn open_folder(&mut self, folder: &Path) -> io::Result<std::os::fd::OwnedFd> {
        use rustix::fs::{Mode, OFlags, ResolveFlags};
        use rustix::io::Errno;
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        if self.root_fd.is_none() {
            // The root as the user named it: a link there is their choice.
            let fd = rustix::fs::open(&self.root, flags & !OFlags::NOFOLLOW, Mode::empty())?;
            self.root_fd = Some(fd);
        }
        let Some(root) = &self.root_fd else {
            unreachable!("opened above")
        };
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        let resolve = ResolveFlags::NO_SYMLINKS | ResolveFlags::BENEATH;
        let opened = match rustix::fs::openat2(root, folder, flags, Mode::empty(), resolve) {
            Err(Errno::NOSYS | Errno::PERM) => {
                rustix::fs::openat(root, folder, flags, Mode::empty())
            }
            other => other,
        };
        opened.map_err(|e| match e {
            Errno::LOOP | Errno::NOTDIR | Errno::XDEV => io::Error::other(
                "its folder was replaced (by a link or a file) while being checked; not followed",
            ),
            e => e.into(),
        })
    }

    pub fn open(&mut self, entry: &Entry) -> io::Result<Box<dyn Read + '_>> {
        let index = match entry.locator {
            Locator::File(_) => return Ok(Box::new(self.open_entry_file(entry)?.0)),
            Locator::Item(i) => return Ok(Box::new(self.open_item(i)?)),
            Locator::Zip { index, .. } => index,
        };
        let archive = self
            .zip
            .as_mut()
            .ok_or_else(|| io::Error::other("zip entry without an archive"))?;
        let declared = entry.declared_size.unwrap_or(0);
        let file = archive.by_index(index).map_err(io::Error::other)?;
        Ok(Box::new(DeclaredSize {
            inner: file,
            declared,
            read: 0,
        }))
    }
}

/// A zip entry whose data ended before the size its headers declare: what
/// tools that trust the header (and `verify --fast`) believe is not what is
/// there. The zip crate stops an entry that runs *past* its declared size
/// (TP086) but accepts one that falls short, if the CRC is of the short data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShorterThanDeclared {
    pub declared: u64,
    pub read: u64,
}

impl std::fmt::Display for ShorterThanDeclared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the entry decompresses to {} bytes, fewer than the {} its headers declare",
            self.read, self.declared
        )
    }
}

impl std::error::Error for ShorterThanDeclared {}

/// The error a zip entry's reader gives when its data fell short.
pub fn shorter_than_declared(e: &io::Error) -> Option<&ShorterThanDeclared> {
    e.get_ref()?.downcast_ref::<ShorterThanDeclared>()
}

/// A zip entry's reader that counts what it gives and fails at the end of
/// the data when that is less than declared.
struct DeclaredSize<R> {
    inner: R,
    declared: u64,
    read: u64,
}

impl<R: Read> Read for DeclaredSize<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if n == 0 && !buf.is_empty() && self.read < self.declared {
            return Err(io::Error::other(ShorterThanDeclared {
                declared: self.declared,
                read: self.read,
            }));
        }
        Ok(n)
    }
}

/// Size, modification time and (on Unix) status-change time: what tells
/// that a file changed between two looks at it (during a read, or between
/// the check and the end of `pack`). The change time matters because the
/// modification time can be put back (`touch -r`, `cp -p`, `rsync -t`)
/// after an edit in place; the change time cannot be set by a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
    pub changed: Option<(i64, i64)>,
}

pub fn stamp(meta: &std::fs::Metadata) -> Stamp {
    #[cfg(unix)]
    let changed = {
        use std::os::unix::fs::MetadataExt;
        Some((meta.ctime(), meta.ctime_nsec()))
    };
    #[cfg(not(unix))]
    let changed = None;
    Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
        changed,
    }
}

/// Open a file for reading by its full path, refusing anything that is not
/// the regular file listed: a FIFO or device swapped in (opened without
/// blocking, never read) or a symbolic link swapped in (its target would be
/// read). Gives the metadata read on the open descriptor, so a caller that
/// needs size and time does not ask again. Folder entries go through
/// [`EntryReader`], which opens beneath the root; this is for other files.
#[allow(clippy::disallowed_methods)] // the fs backend: a link swapped in
pub fn open_regular_with_metadata(path: &Path) -> io::Result<(File, std::fs::Metadata)> {
    let file = crate::platform::open_no_follow(path).map_err(replaced_by_link)?;
    let (file, meta) = regular_file(file)?;
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        // Without O_NOFOLLOW here, compare with the link itself.
        use std::os::unix::fs::MetadataExt;
        let link = std::fs::symlink_metadata(path)?;
        if link.ino() != meta.ino() || link.dev() != meta.dev() {
            return Err(io::Error::other(
                "replaced by a symbolic link while being checked; not followed",
            ));
        }
    }
    Ok((file, meta))
}

/// Hand back to the system the memory of the listing's tree, now freed.
/// It was allocated on the walk's worker threads, in glibc arenas that
/// the main thread's allocations do not reuse, so it stayed in the peak:
/// on 100,000 files, 55 -> 49 MiB (87 -> 78 MiB with 130-byte paths).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it takes no pointer
    // and is safe to call at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// An opening error, said plainly when O_NOFOLLOW refused a link.
fn replaced_by_link(e: io::Error) -> io::Error {
    #[cfg(target_os = "linux")]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return io::Error::other("replaced by a symbolic link while being checked; not followed");
    }
    e
}

/// The opened file and its metadata, if it is still a regular file.
fn regular_file(file: File) -> io::Result<(File, std::fs::Metadata)> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(
            "no longer a regular file (replaced while being checked); not read",
        ));
    }
    Ok((file, meta))
}

/// Folder entries whose non-UTF-8 names decode to the same text as another
/// entry's path (GBK `报告.mp4` next to UTF-8 `报告.mp4`) are different
/// files: each such name is shown by its bytes instead (`%B1%A8%B8%E6.mp4`),
/// so every file keeps a path of its own, is read, and says which bytes it
/// had. Deterministic: it depends only on the names, not on listing order.
fn distinguish_alike_names(entries: &mut [Entry], notes: &mut Vec<SourceNote>) {
    use std::collections::HashMap;
    if entries.iter().all(|e| e.os_name_bytes().is_none()) {
        return; // the common case: no copy of 100,000 paths
    }
    let mut count: HashMap<std::sync::Arc<str>, usize> = HashMap::new();
    for e in entries.iter() {
        *count.entry(e.path.clone()).or_default() += 1;
    }
    for e in entries.iter_mut() {
        if count.get(&e.path).is_none_or(|&n| n < 2) {
            continue;
        }
        let Some(bytes) = e.os_name_bytes() else {
            continue;
        };
        let shown: Vec<String> = bytes
            .split(|&b| b == b'/')
            .map(names::escape_name_bytes)
            .collect();
        let (path, original) = names::to_nfc(shown.join("/"));
        e.original = original;
        notes.push(SourceNote::DecodesAlike {
            path: path.clone(),
            other: e.path.to_string(),
        });
        e.path = path.into();
    }
}

/// Keep the first of several entries with the same NFC path; note the rest,
/// saying whether the names were the same bytes or only the same text in
/// another Unicode normalisation. Then note names that differ only in case.
fn note_duplicates(entries: &mut Vec<Entry>, notes: &mut Vec<SourceNote>) {
    use std::collections::HashMap;
    use std::collections::hash_map::Entry as Slot;
    // The first entry's spelling, keyed by its path (a shared Arc: no copy
    // of 100,000 names).
    let mut first_of: HashMap<std::sync::Arc<str>, Option<String>> =
        HashMap::with_capacity(entries.len());
    entries.retain(|e| match first_of.entry(e.path.clone()) {
        Slot::Vacant(slot) => {
            slot.insert(e.original.clone());
            true
        }
        Slot::Occupied(first) => {
            let path = e.path.to_string();
            // Same path (same NFC text): the same bytes, or another spelling?
            let spelled =
                |original: &Option<String>| original.clone().unwrap_or_else(|| path.clone());
            notes.push(if spelled(first.get()) == spelled(&e.original) {
                SourceNote::DuplicatePath { path }
            } else {
                SourceNote::NormalisationDuplicate { path }
            });
            false
        }
    });
    drop(first_of);
    let mut by_case: HashMap<std::borrow::Cow<str>, usize> = HashMap::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        match by_case.entry(names::case_key(&e.path)) {
            Slot::Occupied(other) => notes.push(SourceNote::CaseCollision {
                path: e.path.to_string(),
                other: entries[*other.get()].path.to_string(),
            }),
            Slot::Vacant(slot) => {
                slot.insert(i);
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
            path: names::escape_controls(path).into_owned(),
        });
    }
    true
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// What the scan meets when a listed file was swapped after the listing:
    /// the open itself refuses a link or a FIFO, without following or blocking.
    #[test]
    fn open_regular_refuses_what_is_no_longer_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.txt");
        std::fs::write(&target, b"data").unwrap();
        assert_eq!(open_regular_with_metadata(&target).unwrap().1.len(), 4);

        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = open_regular_with_metadata(&link).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");

        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if status.is_ok_and(|s| s.success()) {
            // Returns at once (O_NONBLOCK): no writer is waited for.
            let err = open_regular_with_metadata(&fifo).unwrap_err().to_string();
            assert!(err.contains("no longer a regular file"), "{err}");
        }
    }
}
