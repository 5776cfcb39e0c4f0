//! A package given as a zip: entries are streamed in place, never extracted.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use std::collections::{HashMap, HashSet};

use zip::{CompressionMethod, ZipArchive};

use super::ReadAt;
use super::names::{NameEncoding, decode_zip_name, escape_controls, to_nfc, zip_relative_path};
use super::zip_local::{self, Central, LocalHeader, Mismatch};
use super::{Entry, Locator, SourceNote};
use crate::error::{ArchiveProblem, Error, Result};
use crate::policy::Limits;

/// A shared source read at offsets (`pread` for a file), so each worker
/// thread has its own cursor over one descriptor and clones cost nothing.
#[derive(Clone)]
pub struct PositionedFile {
    file: Arc<dyn ReadAt>,
    pos: u64,
    len: u64,
}

impl std::fmt::Debug for PositionedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PositionedFile {{ pos: {}, len: {} }}",
            self.pos, self.len
        )
    }
}

impl PositionedFile {
    pub fn new(file: Arc<dyn ReadAt>) -> io::Result<PositionedFile> {
        let len = file.len()?;
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

type Listing = (
    Option<ZipArchive<PositionedFile>>,
    Vec<Entry>,
    Vec<SourceNote>,
);

/// What the end of central directory record says (ZIP64 when present).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndRecord {
    /// Number of this disk (part of a split archive); 0 for a whole archive.
    pub disk: u32,
    /// Disk where the central directory starts.
    pub cd_disk: u32,
    /// Total number of entries the archive declares.
    pub entries: u64,
    /// Size and offset of the central directory, as declared.
    pub directory_size: u64,
    pub directory_offset: u64,
    /// Where the directory ends, if the declared size is true: the end
    /// record (or ZIP64 end record) follows it directly. With the declared
    /// size it tells where the directory starts when a prefix shifts it.
    pub directory_end: u64,
}

/// Find and read the end record in the last 64 KiB of the file, without
/// trusting it for more than a count: read before the central directory is
/// loaded, so an archive declaring millions of entries is refused cheaply.
pub fn end_record<R: Read + Seek>(reader: &mut R) -> io::Result<Option<EndRecord>> {
    let len = reader.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 65_535);
    reader.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    reader.read_exact(&mut tail)?;
    let Some(at) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..i + 4] == *b"PK\x05\x06")
    else {
        return Ok(None);
    };
    let u16_at = |i: usize| u16::from_le_bytes([tail[at + i], tail[at + i + 1]]);
    let u32_tail = |i: usize| u32::from(u16_at(i)) | (u32::from(u16_at(i + 2)) << 16);
    let eocd_pos = len - tail_len + at as u64;
    let mut end = EndRecord {
        disk: u32::from(u16_at(4)),
        cd_disk: u32::from(u16_at(6)),
        entries: u64::from(u16_at(10)),
        directory_size: u64::from(u32_tail(12)),
        directory_offset: u64::from(u32_tail(16)),
        directory_end: eocd_pos,
    };
    // ZIP64: a locator just before the record points to the ZIP64 end record.
    if eocd_pos >= 20 {
        let mut locator = [0u8; 20];
        reader.seek(SeekFrom::Start(eocd_pos - 20))?;
        reader.read_exact(&mut locator)?;
        if locator[0..4] == *b"PK\x06\x07" {
            let mut off = [0u8; 8];
            off.copy_from_slice(&locator[8..16]);
            let mut rec = [0u8; 56];
            let mut read_record = |at: u64| {
                at.checked_add(56).is_some_and(|e| e <= len)
                    && reader.seek(SeekFrom::Start(at)).is_ok()
                    && reader.read_exact(&mut rec).is_ok()
                    && rec[0..4] == *b"PK\x06\x06"
            };
            // Where the locator says, or (a self-extractor's prefix shifts
            // every offset) right before the locator, where writers put it.
            let found = [Some(u64::from_le_bytes(off)), eocd_pos.checked_sub(20 + 56)]
                .into_iter()
                .flatten()
                .find(|&at| read_record(at));
            if let Some(offset) = found {
                let u32_at =
                    |i: usize| u32::from_le_bytes([rec[i], rec[i + 1], rec[i + 2], rec[i + 3]]);
                let u64_at = |i: usize| {
                    let mut n = [0u8; 8];
                    n.copy_from_slice(&rec[i..i + 8]);
                    u64::from_le_bytes(n)
                };
                end = EndRecord {
                    disk: u32_at(16).max(end.disk),
                    cd_disk: u32_at(20).max(end.cd_disk),
                    entries: u64_at(32).max(end.entries),
                    directory_size: u64_at(40),
                    directory_offset: u64_at(48),
                    directory_end: offset,
                };
            }
        }
    }
    Ok(Some(end))
}

/// The most central-directory bytes (records, names, extra fields and
/// comments) read into memory. The zip reader keeps every name twice and
/// every comment, so a directory stuffed with 64 KiB comments or 1 KiB
/// names would take hundreds of MB. 8 MiB holds 100,000 entries (the
/// entry limit) with 36-byte names, or 10,000 with 800-byte names: far
/// beyond any real course package, and with the worst layout (every entry
/// in its own top-level folder) the check stays under 128 MiB.
pub const MAX_DIRECTORY_BYTES: u64 = 8 << 20;

/// How many central-directory bytes the archive holds, counted by walking
/// its records without keeping them (the declared size is not trusted: the
/// zip reader reads by entry count). Stops as soon as `limit` is passed and
/// returns what it counted then; None when no directory is found where the
/// end record says (the zip reader then reports the archive unreadable).
fn directory_bytes(file: &PositionedFile, end: &EndRecord, limit: u64) -> Option<u64> {
    // 0xFFFFFFFF is the ZIP64 marker: the real size is in a ZIP64 record
    // that was not found (a self-extractor shifts it); walk instead.
    if end.directory_size > limit && end.directory_size != u64::from(u32::MAX) {
        return Some(end.directory_size);
    }
    let shifted = end.directory_end.checked_sub(end.directory_size);
    let start = [Some(end.directory_offset), shifted]
        .into_iter()
        .flatten()
        .find(|&at| {
            let mut sig = [0u8; 4];
            file.file.read_exact_at(&mut sig, at).is_ok() && sig == *b"PK\x01\x02"
        })?;
    // Buffered: one read per 64 KiB of directory, not one per record.
    let mut reader = io::BufReader::with_capacity(1 << 16, file.clone());
    reader.seek(SeekFrom::Start(start)).ok()?;
    let mut total = 0u64;
    for _ in 0..end.entries {
        let mut record = [0u8; 46];
        if reader.read_exact(&mut record).is_err() || record[0..4] != *b"PK\x01\x02" {
            break;
        }
        let u16_at = |i: usize| u16::from_le_bytes([record[i], record[i + 1]]);
        let variable = u64::from(u16_at(28)) + u64::from(u16_at(30)) + u64::from(u16_at(32));
        total += 46 + variable;
        if total > limit || reader.seek_relative(variable as i64).is_err() {
            break;
        }
    }
    Some(total)
}

/// Whether this file is (a part of) a split, multi-volume archive.
fn split_reason(
    path: &Path,
    reader: &mut PositionedFile,
    end: Option<&EndRecord>,
) -> Option<String> {
    let mut head = [0u8; 4];
    let starts_split = reader.seek(SeekFrom::Start(0)).is_ok()
        && reader.read_exact(&mut head).is_ok()
        && head == *b"PK\x07\x08";
    let sibling = path.with_extension("z01");
    let has_sibling = sibling != path && sibling.exists();
    let multi_disk = end.is_some_and(|e| e.disk != 0 || e.cd_disk != 0);
    let ext_part = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        e.len() == 3 && e.starts_with(['z', 'Z']) && e[1..].bytes().all(|b| b.is_ascii_digit())
    });
    if multi_disk || has_sibling || ext_part || (starts_split && end.is_none()) {
        let which = if multi_disk {
            format!(
                "its end record says it is disk {} of a split archive",
                end.map_or(0, |e| e.disk) + 1
            )
        } else if has_sibling {
            format!("{} lies next to it", sibling.display())
        } else {
            "it starts with the split-archive signature".to_owned()
        };
        return Some(format!(
            "it is one part of a split (multi-volume) archive ({which}); join the parts first, for example `zip -s 0 PACKAGE.zip --out joined.zip`, then check joined.zip"
        ));
    }
    None
}

/// The methods this build decodes; anything else is reported, not read.
fn supported(method: CompressionMethod) -> bool {
    matches!(
        method,
        CompressionMethod::Stored
            | CompressionMethod::Deflated
            | CompressionMethod::Deflate64
            | CompressionMethod::Bzip2
            | CompressionMethod::Lzma
    ) || zstd(method)
}

/// zstd is C code (zstd-sys): a build without the `zstd` feature (the
/// browser's) reports such an entry as an unsupported method.
fn zstd(method: CompressionMethod) -> bool {
    #[cfg(feature = "zstd")]
    return method == CompressionMethod::Zstd;
    #[cfg(not(feature = "zstd"))]
    return {
        let _ = method;
        false
    };
}

fn method_name(method: CompressionMethod) -> String {
    #[allow(deprecated)] // the number itself is what a reader can look up
    let code = method.to_u16();
    let name = match code {
        1 => "Shrink",
        2..=5 => "Reduce",
        6 => "Implode",
        10 => "PKWARE DCL Implode",
        18 => "IBM TERSE",
        19 => "IBM LZ77",
        20 => "Zstandard (old id)",
        94 => "MP3",
        95 => "XZ",
        96 => "JPEG",
        97 => "WavPack",
        98 => "PPMd",
        99 => "AES",
        _ => "unknown",
    };
    format!("{name} (method {code})")
}

/// What a file that is not a zip is, from its first bytes, when that tells
/// the user what to do: another archive format, or not an archive at all.
/// None for a zip signature or unknown bytes.
fn foreign_format(head: &[u8]) -> Option<ArchiveProblem> {
    if head.starts_with(b"PK") {
        return None;
    }
    let kind = infer::get(head)?;
    Some(match (kind.extension(), kind.matcher_type()) {
        ("rar", _) => ArchiveProblem::Rar,
        ("7z", _) => ArchiveProblem::SevenZip,
        ("pdf", _) => ArchiveProblem::NotAnArchive {
            what_en: "a PDF document".to_owned(),
            what_zh: " PDF 文档".to_owned(),
        },
        (ext, infer::MatcherType::Archive) => ArchiveProblem::OtherArchive(ext),
        (ext, _) => ArchiveProblem::NotAnArchive {
            what_en: format!("a .{ext} file, {}", kind.mime_type()),
            what_zh: format!(" .{ext} 文件，{}", kind.mime_type()),
        },
    })
}

/// Whether bytes before a zip's first entry are a self-extractor's program
/// (a Windows .exe, a Linux binary, a script), which unzip and Python read
/// past, rather than another file the archive was found inside of.
fn is_extractor_stub(head: &[u8]) -> bool {
    match foreign_format(head) {
        None => !head.starts_with(b"PK\x03\x04"),
        Some(ArchiveProblem::NotAnArchive { .. }) => infer::get(head).is_some_and(|k| {
            matches!(
                k.matcher_type(),
                infer::MatcherType::App | infer::MatcherType::Text
            )
        }),
        Some(_) => false,
    }
}

pub(super) fn list(path: &Path, file: Arc<dyn ReadAt>, limits: &Limits) -> Result<Listing> {
    let mut reader = PositionedFile::new(file).map_err(|e| Error::Unreadable {
        path: path.to_owned(),
        source: e,
    })?;
    let not_a_zip = |reason: String| Error::NotAZip {
        path: path.to_owned(),
        reason,
    };
    let unusable = |problem: ArchiveProblem| Error::UnusableArchive {
        path: path.to_owned(),
        problem,
    };
    let mut head = [0u8; 512];
    let head_len = reader.file.read_at(&mut head, 0).unwrap_or(0);
    let head = &head[..head_len];
    let end = end_record(&mut reader).ok().flatten();
    if let Some(reason) = split_reason(path, &mut reader, end.as_ref()) {
        return Err(not_a_zip(reason));
    }
    // Told apart before the zip reader's generic complaint: what the file
    // is decides what the user must do.
    if end.is_none() {
        if let Some(problem) = foreign_format(head) {
            return Err(unusable(problem));
        }
        if head.starts_with(b"PK\x03\x04") {
            return Err(unusable(ArchiveProblem::Truncated));
        }
        if head.is_empty() {
            return Err(not_a_zip("the file is empty".to_owned()));
        }
    }
    let mut notes = Vec::new();
    if let Some(end) = end.filter(|e| e.entries > limits.max_entries) {
        // Refused before the central directory is loaded into memory.
        notes.push(SourceNote::TooManyEntries {
            count: Some(end.entries),
            limit: limits.max_entries,
        });
        return Ok((None, Vec::new(), notes));
    }
    if let Some(bytes) = end
        .and_then(|e| directory_bytes(&reader, &e, MAX_DIRECTORY_BYTES))
        .filter(|&n| n > MAX_DIRECTORY_BYTES)
    {
        // Refused before the zip reader loads the directory into memory.
        notes.push(SourceNote::DirectoryTooLarge {
            bytes,
            limit: MAX_DIRECTORY_BYTES,
        });
        return Ok((None, Vec::new(), notes));
    }
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| Error::Unreadable {
            path: path.to_owned(),
            source: e,
        })?;
    let mut archive = ZipArchive::new(reader).map_err(|e| match foreign_format(head) {
        Some(problem) => unusable(problem),
        None => not_a_zip(e.to_string()),
    })?;
    // Data before the first entry, with the entries' offsets counted from
    // after it: a self-extracting archive (a program with the zip appended),
    // which unzip and Python's zipfile read. But when the file starts as a
    // zip itself, the real end record is gone (a truncated upload) and the
    // reader found the end record of a zip stored *inside* it, such as a
    // .pptx: refuse rather than report the inner file's parts.
    if archive.offset() != 0 {
        if !is_extractor_stub(head) {
            return Err(match foreign_format(head) {
                Some(problem) => unusable(problem),
                None => unusable(ArchiveProblem::Truncated),
            });
        }
        notes.push(SourceNote::PrefixData {
            bytes: archive.offset(),
        });
    }
    if archive.len() as u64 > limits.max_entries {
        notes.push(SourceNote::TooManyEntries {
            count: Some(archive.len() as u64),
            limit: limits.max_entries,
        });
        return Ok((None, Vec::new(), notes));
    }
    let overlapping = overlapping_entries(&mut archive);
    let LocalView {
        mismatched,
        hidden,
        hidden_count,
    } = local_view(&archive);
    if let Some(example) = hidden.first() {
        notes.push(SourceNote::HiddenEntries {
            count: hidden_count,
            example: example.clone(),
        });
    }
    let mut entries = Vec::with_capacity(archive.len());
    let mut overlap_example: Option<String> = None;
    // Files (not folders) the directory lists, and how many are encrypted.
    let (mut files, mut encrypted) = (0u64, 0u64);
    for index in 0..archive.len() {
        let Ok(data) = archive.by_index_data(index) else {
            continue;
        };
        if !data.is_dir() {
            files += 1;
            encrypted += u64::from(data.encrypted());
        }
        let (name, encoding) = decode_zip_name(data.name_raw());
        let (rel, backslashes) = match zip_relative_path(&name) {
            Ok(found) => found,
            Err(reason) => {
                notes.push(SourceNote::UnsafeName {
                    name: escape_controls(&name).into_owned(),
                    reason,
                });
                continue;
            }
        };
        if data.is_dir() {
            let bytes = data.compressed_size().max(data.size());
            if bytes > 0 {
                notes.push(SourceNote::DirectoryWithData {
                    path: escape_controls(&name).into_owned(),
                    bytes,
                });
            }
            continue;
        }
        let renamed = name != rel;
        let (nfc, original) = to_nfc(rel);
        if !super::check_name(&nfc, limits, &mut notes) {
            continue;
        }
        if encoding == NameEncoding::Gb18030 {
            notes.push(SourceNote::LegacyEncodedName { path: nfc.clone() });
        }
        if backslashes {
            notes.push(SourceNote::BackslashName {
                path: nfc.clone(),
                name: escape_controls(&name).into_owned(),
            });
        }
        if let Some(reason) = mismatched.get(&index) {
            notes.push(SourceNote::HeaderMismatch {
                path: nfc.clone(),
                reason: reason.clone(),
            });
        }
        if data.is_symlink() {
            notes.push(SourceNote::Symlink { path: nfc });
            continue;
        }
        if data.encrypted() {
            notes.push(SourceNote::Encrypted { path: nfc });
            continue;
        }
        if overlapping.contains(&index) {
            overlap_example.get_or_insert(nfc);
            continue;
        }
        if !supported(data.compression()) {
            notes.push(SourceNote::UnsupportedMethod {
                path: nfc,
                method: method_name(data.compression()),
            });
            continue;
        }
        let stored = data.compression() == zip::CompressionMethod::Stored;
        if stored && data.size() != data.compressed_size() {
            // Stored data is its own size: a header declaring another is
            // seen from the listing alone (so `verify --fast` sees it too).
            notes.push(SourceNote::StoredSizeMismatch {
                path: nfc,
                declared: data.size(),
                stored: data.compressed_size(),
            });
            continue;
        }
        let deflated = data.compression() == zip::CompressionMethod::Deflated;
        if deflated && data.size() > data.compressed_size().saturating_mul(MAX_DEFLATE_RATIO) {
            // Data swapped for less under the same declared size: what a
            // listing (and `verify --fast`) trusts is not what is there.
            notes.push(SourceNote::DeflatedSizeImpossible {
                path: nfc,
                declared: data.size(),
                compressed: data.compressed_size(),
            });
            continue;
        }
        entries.push(Entry {
            path: nfc.into(),
            original: original.or_else(|| renamed.then(|| name.clone())),
            declared_size: Some(data.size()),
            locator: Locator::Zip {
                index,
                stored,
                compressed: data.compressed_size(),
            },
        });
    }
    if files > 0 && encrypted == files {
        // One answer for the package, not "no course resources" plus one
        // TP037 per entry: nothing in it can be checked.
        return Err(unusable(ArchiveProblem::PasswordProtected {
            entries: files,
        }));
    }
    if let Some(example) = overlap_example {
        notes.push(SourceNote::OverlappingEntries {
            count: overlapping.len() as u64,
            example,
        });
    }
    if archive.has_duplicate_names() {
        // The zip crate keeps one entry per name: find the names that were
        // given more than once in the central directory itself.
        for name in duplicate_raw_names(&mut archive) {
            let (name, _) = decode_zip_name(&name);
            let shown = zip_relative_path(&name).map_or(name, |(rel, _)| to_nfc(rel).0);
            notes.push(SourceNote::DuplicatePath {
                path: escape_controls(&shown).into_owned(),
            });
        }
    }
    // Zip order is the writer's; sort so reports are stable whatever tool zipped it.
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    super::note_duplicates(&mut entries, &mut notes);
    Ok((Some(archive), entries, notes))
}

/// The most a deflate stream can expand: a 258-byte match coded in two
/// bits (one-symbol length and distance codes), 129 bytes a bit. A
/// deflated entry declaring more than this times its compressed size
/// cannot hold what it declares.
const MAX_DEFLATE_RATIO: u64 = 1032;

/// Entries whose compressed data share bytes with another entry's: the
/// construction of non-recursive zip bombs (one compressed kernel referenced
/// by thousands of entries). Empty when none overlap.
fn overlapping_entries(archive: &mut ZipArchive<PositionedFile>) -> HashSet<usize> {
    let mut out = HashSet::new();
    if !archive.has_overlapping_files().unwrap_or(false) {
        return out;
    }
    let mut ranges: Vec<(u64, u64, usize)> = (0..archive.len())
        .filter_map(|i| {
            let (start, len) = stored_span(archive, i).ok()?;
            (len > 0).then_some((start, start.saturating_add(len), i))
        })
        .collect();
    ranges.sort_unstable();
    // Sweep: an entry overlaps when it starts before the furthest end so far.
    let mut furthest: Option<(u64, usize)> = None;
    for &(start, end, i) in &ranges {
        if let Some((far_end, far_i)) = furthest {
            if start < far_end {
                out.insert(i);
                out.insert(far_i);
            }
            if end > far_end {
                furthest = Some((end, i));
            }
        } else {
            furthest = Some((end, i));
        }
    }
    out
}

/// What the local headers say, compared with the directory.
struct LocalView {
    /// Entries whose local header disagrees with the directory, and how.
    mismatched: HashMap<usize, Mismatch>,
    /// Local entries in the gaps between listed ones (names, at most
    /// [`MAX_HIDDEN_SHOWN`]) and how many there are.
    hidden: Vec<String>,
    hidden_count: u64,
}

/// Hidden entries named in a finding; the rest are counted.
const MAX_HIDDEN_SHOWN: usize = 5;
/// Hidden entries walked before the count stops (each costs two small reads).
const MAX_HIDDEN_WALKED: u64 = 100_000;
/// Bytes searched for a local header at the start of each gap between
/// listed entries: finds an entry hidden after padding, while a huge gap
/// costs one small read, not a scan.
const GAP_SEARCH: u64 = 64 * 1024;

/// Read every listed entry's local header once: compare it with the
/// directory (tools that stream a zip read the local headers, others the
/// directory; when they disagree they see different files), and note
/// where each entry's data ends, to walk the gaps for unlisted entries.
fn local_view(archive: &ZipArchive<PositionedFile>) -> LocalView {
    let file = archive.clone().into_inner().file;
    let mut mismatched = HashMap::new();
    let mut spans = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let Ok(data) = archive.by_index_data(index) else {
            continue;
        };
        let (name, _) = decode_zip_name(data.name_raw());
        #[allow(deprecated)] // the raw number is what both headers store
        let method = data.compression().to_u16();
        let central = Central {
            name: &name,
            method,
            encrypted: data.encrypted(),
            crc: data.crc32(),
            compressed: data.compressed_size(),
            size: data.size(),
        };
        let found = match LocalHeader::read_at(&*file, data.header_start()) {
            Ok(local) => {
                let end = local.data_start.saturating_add(data.compressed_size());
                spans.push((data.header_start(), end));
                zip_local::compare(&local, &central)
            }
            Err(_) => Some(Mismatch::Missing),
        };
        if let Some(mismatch) = found {
            mismatched.insert(index, mismatch);
        }
    }
    let (hidden, hidden_count) = hidden_entries(&*file, spans, archive);
    LocalView {
        mismatched,
        hidden,
        hidden_count,
    }
}

/// Local entries that lie in the gaps between the listed entries' spans
/// (or between the last one and the directory): a streaming unzipper
/// extracts them, the directory does not list them. The gap before the
/// first entry is walked only when it starts with a local header: a
/// self-extractor's program is not searched.
fn hidden_entries(
    file: &dyn ReadAt,
    mut spans: Vec<(u64, u64)>,
    archive: &ZipArchive<PositionedFile>,
) -> (Vec<String>, u64) {
    spans.sort_unstable();
    let directory = archive.central_directory_start();
    let mut gaps = Vec::new();
    let mut covered = archive.offset();
    let mut first = true;
    for &(start, end) in spans.iter().chain(std::iter::once(&(directory, directory))) {
        if start > covered {
            let starts_with_header = LocalHeader::read_at(file, covered).is_ok();
            if !first || starts_with_header {
                gaps.push((covered, start.min(directory)));
            }
        }
        first = false;
        covered = covered.max(end);
    }
    let mut names = Vec::new();
    let mut count = 0u64;
    let mut window = Vec::new();
    for (gap_start, gap_end) in gaps {
        // Searched up to GAP_SEARCH past the gap's start, or past the end of
        // the last hidden entry found: a hidden entry may follow another.
        let mut at = gap_start;
        while at < gap_end && count < MAX_HIDDEN_WALKED {
            let limit = at.saturating_add(GAP_SEARCH).min(gap_end);
            window.resize((limit - at) as usize, 0);
            if file.read_exact_at(&mut window, at).is_err() {
                break;
            }
            let found =
                memchr::memmem::find_iter(&window, zip_local::LOCAL_SIGNATURE).find_map(|hit| {
                    LocalHeader::read_at(file, at + hit as u64)
                        .ok()
                        .filter(LocalHeader::plausible)
                });
            let Some(header) = found else {
                break;
            };
            count += 1;
            if names.len() < MAX_HIDDEN_SHOWN {
                names.push(escape_controls(&header.name()).into_owned());
            }
            at = header.data_start + header.compressed.unwrap_or(0).max(1);
        }
    }
    (names, count)
}

/// Raw names given to more than one entry in the central directory (the zip
/// crate's name map keeps only one of each).
fn duplicate_raw_names(archive: &mut ZipArchive<PositionedFile>) -> Vec<Vec<u8>> {
    let start = archive.central_directory_start();
    let count = archive.len().saturating_add(archive.len());
    let mut reader = archive.clone().into_inner();
    let mut seen: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut order = Vec::new();
    if reader.seek(SeekFrom::Start(start)).is_err() {
        return order;
    }
    // Bounded by twice the listed count (duplicates included) and by the file.
    for _ in 0..count {
        let mut header = [0u8; 46];
        if reader.read_exact(&mut header).is_err() || header[0..4] != *b"PK\x01\x02" {
            break;
        }
        let u16_at = |i: usize| u16::from_le_bytes([header[i], header[i + 1]]) as usize;
        let mut name = vec![0u8; u16_at(28)];
        if reader.read_exact(&mut name).is_err() {
            break;
        }
        let skip = (u16_at(30) + u16_at(32)) as i64;
        if reader.seek(SeekFrom::Current(skip)).is_err() {
            break;
        }
        let n = seen.entry(name.clone()).or_insert(0);
        *n += 1;
        if *n == 2 {
            order.push(name);
        }
    }
    order
}

/// Offset and length of a stored entry's bytes inside the archive, read from
/// its local header (the central directory does not say where data starts).
pub(super) fn stored_span(
    archive: &ZipArchive<PositionedFile>,
    index: usize,
) -> io::Result<(u64, u64)> {
    let data = archive.by_index_data(index).map_err(io::Error::other)?;
    let len = data.compressed_size();
    let file = archive.clone().into_inner().file;
    let local = LocalHeader::read_at(&*file, data.header_start())?;
    Ok((local.data_start, len))
}
