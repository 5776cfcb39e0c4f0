//! A package given as a zip: entries are streamed in place, never extracted.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

use zip::ZipArchive;

use super::names::{NameEncoding, decode_zip_name, safe_relative_path, to_nfc};
use super::{Entry, Locator, SourceNote};
use crate::error::{Error, Result};

/// A shared file read with positioned I/O (`pread`), so each worker thread
/// has its own cursor over one descriptor and clones cost nothing.
#[derive(Clone, Debug)]
pub struct PositionedFile {
    file: Arc<File>,
    pos: u64,
    len: u64,
}

impl PositionedFile {
    pub fn new(file: Arc<File>) -> io::Result<PositionedFile> {
        let len = file.metadata()?.len();
        Ok(PositionedFile { file, pos: 0, len })
    }
}

impl Read for PositionedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for PositionedFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let next = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = next.ok_or_else(|| io::Error::other("seek before the start of the file"))?;
        Ok(self.pos)
    }
}

type Listing = (ZipArchive<PositionedFile>, Vec<Entry>, Vec<SourceNote>);

pub(super) fn list(path: &Path, file: Arc<File>) -> Result<Listing> {
    let reader = PositionedFile::new(file).map_err(|e| Error::Unreadable {
        path: path.to_owned(),
        source: e,
    })?;
    let archive = ZipArchive::new(reader).map_err(|e| Error::NotAZip {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    // The zip crate accepts data before the archive (self-extractors). In a
    // package that only happens when the real end record is gone (a truncated
    // download) and the reader found the end record of a zip stored *inside*
    // it, such as a .pptx: refuse rather than report the inner file's parts.
    if archive.offset() != 0 {
        return Err(Error::NotAZip {
            path: path.to_owned(),
            reason: format!(
                "its end record is missing or damaged (the archive seems truncated; the directory found starts at byte {} and belongs to a file stored inside it)",
                archive.offset()
            ),
        });
    }
    let mut entries = Vec::with_capacity(archive.len());
    let mut notes = Vec::new();
    for index in 0..archive.len() {
        let Ok(data) = archive.by_index_data(index) else {
            continue;
        };
        let (name, encoding) = decode_zip_name(data.name_raw());
        let rel = match safe_relative_path(&name) {
            Ok(rel) => rel,
            Err(reason) => {
                notes.push(SourceNote::UnsafeName { name, reason });
                continue;
            }
        };
        if data.is_dir() {
            continue;
        }
        let (nfc, original) = to_nfc(&rel);
        if encoding == NameEncoding::Gb18030 {
            notes.push(SourceNote::LegacyEncodedName { path: nfc.clone() });
        }
        if data.is_symlink() {
            notes.push(SourceNote::Symlink { path: nfc });
            continue;
        }
        if data.encrypted() {
            notes.push(SourceNote::Encrypted { path: nfc });
            continue;
        }
        let stored = data.compression() == zip::CompressionMethod::Stored;
        entries.push(Entry {
            path: nfc,
            original: original.or_else(|| (name != rel).then(|| name.clone())),
            declared_size: data.size(),
            locator: Locator::Zip { index, stored },
        });
    }
    // Zip order is the writer's; sort so reports are stable whatever tool zipped it.
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    super::note_duplicates(&mut entries, &mut notes);
    Ok((archive, entries, notes))
}

/// Offset and length of a stored entry's bytes inside the archive, read from
/// its local header (the central directory does not say where data starts).
pub(super) fn stored_span(
    archive: &ZipArchive<PositionedFile>,
    index: usize,
) -> io::Result<(u64, u64)> {
    let data = archive.by_index_data(index).map_err(io::Error::other)?;
    let header_start = data.header_start();
    let len = data.compressed_size();
    let mut header = [0u8; 30];
    let mut reader = archive.clone().into_inner();
    reader.seek(SeekFrom::Start(header_start))?;
    reader.read_exact(&mut header)?;
    if header[0..4] != *b"PK\x03\x04" {
        return Err(io::Error::other("bad local header signature"));
    }
    let name_len = u16::from_le_bytes([header[26], header[27]]) as u64;
    let extra_len = u16::from_le_bytes([header[28], header[29]]) as u64;
    Ok((header_start + 30 + name_len + extra_len, len))
}
