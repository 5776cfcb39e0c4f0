//! Streaming read of an OLE compound file's directory (Word/Excel/PowerPoint
//! 97–2003, password-protected OOXML), to name the streams at its root.
//!
//! The directory may lie anywhere in the file (LibreOffice writes a deck's
//! near its end), far past the sniffer's head. So, as the file streams past
//! once, this keeps only two sorts of sector: the FAT sectors the header
//! lists (at most 109) and sectors shaped like directory entries (bounded by
//! `DIR_BUDGET`). At the end it follows the directory chain through the FAT,
//! indexes entries by their id, and walks the root storage's tree: only
//! streams *at the root* decide, since a Word file may embed a workbook in a
//! sub-storage.
//!
//! Password protection of the 97–2003 formats (RC4 or XOR) is told by the
//! first bytes of a root stream: Word's FIB `fEncrypted` bit, Excel's
//! `FILEPASS` record after the workbook's `BOF`, PowerPoint's `Current
//! User` token. Those streams are often smaller than 4 KiB, so they live in
//! the mini stream at 64-byte steps; as the file streams past, the first
//! bytes at every 64-byte step that open like one of them are kept
//! (`SNIPPET_BUDGET`), and matched to the streams' places at the end.
//!
//! Not the `cfb` crate: it needs `Read + Seek` over the whole file and reads
//! the full FAT and MiniFAT on open, while the scan streams every file once
//! (a deflated zip entry cannot seek) and only needs the directory.

use std::collections::HashMap;

pub(crate) const SIGNATURE: &[u8; 8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";
const HEADER: usize = 512;
const ENTRY: usize = 128;
/// Most bytes of directory-shaped sectors kept: 2,048 entries at 512-byte
/// sectors, far beyond any Office file's directory.
const DIR_BUDGET: usize = 256 << 10;
/// Most entries visited in the root's tree: bounds a looping directory.
const MAX_WALK: usize = 4096;
const NO_STREAM: u32 = 0xffff_ffff;
/// FAT values at or above this end a chain (or mark special sectors).
const MAX_SECTOR: u32 = 0xffff_fffa;
/// Mini stream sectors: where a small stream may start.
const MINI_SECTOR: usize = 64;
/// Bytes kept of a place that opens like a stream whose start tells
/// encryption (enough for Excel's BOF and the record after it).
const SNIPPET: usize = 24;
/// Most such places kept: bounds memory on a file full of look-alikes.
const SNIPPET_BUDGET: usize = 4096;
/// PowerPoint's `CurrentUserAtom.headerToken` of an encrypted file.
const PPT_ENCRYPTED_TOKEN: u32 = 0xF3D1_C4DF;

/// What the root of a compound file holds, by stream name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OleFacts {
    pub word: bool,
    pub powerpoint: bool,
    pub workbook: bool,
    pub encryption_info: bool,
    pub encrypted_package: bool,
    /// A 97–2003 file protected by a password (RC4 or XOR): the FIB's
    /// `fEncrypted`, a `FILEPASS` record, or PowerPoint's encrypted token.
    pub legacy_encrypted: bool,
    /// The root storage's class id, as stored (GUID, little-endian parts).
    pub root_clsid: [u8; 16],
}

impl OleFacts {
    /// A password-protected OOXML file: the real package is encrypted
    /// inside (ECMA-376 part 2, "encryption").
    pub fn encrypted_ooxml(&self) -> bool {
        self.encryption_info && self.encrypted_package
    }

    /// The application the root's class id names, for when the stream
    /// names cannot be reached (a directory scattered past the FAT sectors
    /// the header lists).
    pub fn root_class(&self) -> Option<RootClass> {
        // GUIDs store their first three fields little-endian.
        const OLE_SUFFIX: [u8; 8] = [0xc0, 0, 0, 0, 0, 0, 0, 0x46];
        const POWERPOINT: [u8; 16] = [
            0x10, 0x8d, 0x81, 0x64, 0x9b, 0x4f, 0xcf, 0x11, 0x86, 0xea, 0x00, 0xaa, 0x00, 0xb9,
            0x29, 0xe8,
        ];
        let c = &self.root_clsid;
        if *c == POWERPOINT {
            return Some(RootClass::PowerPoint);
        }
        if c[2..8] != [0x02, 0, 0, 0, 0, 0] || c[8..] != OLE_SUFFIX {
            return None;
        }
        match u16::from_le_bytes([c[0], c[1]]) {
            0x0900 | 0x0906 => Some(RootClass::Word),
            0x0810 | 0x0820 => Some(RootClass::Excel),
            _ => None,
        }
    }

    fn record(&mut self, name: &str) {
        let is = |s: &str| name.eq_ignore_ascii_case(s);
        self.word |= is("WordDocument");
        self.powerpoint |= is("PowerPoint Document");
        self.workbook |= is("Workbook") || is("Book");
        self.encryption_info |= is("EncryptionInfo");
        self.encrypted_package |= is("EncryptedPackage");
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RootClass {
    Word,
    Excel,
    PowerPoint,
}

#[derive(Debug)]
struct Header {
    sector_size: usize,
    first_dir: u32,
    /// Streams smaller than this live in the mini stream.
    mini_cutoff: u32,
    /// FAT sector numbers from the header's DIFAT, in FAT order.
    fat_sectors: Vec<u32>,
    /// The same, sorted: every sector streamed past is looked up.
    fat_sorted: Vec<u32>,
}

impl Header {
    fn parse(h: &[u8]) -> Option<Header> {
        let u16_at = |i: usize| u16::from_le_bytes([h[i], h[i + 1]]);
        let u32_at = |i: usize| u32::from_le_bytes(h[i..i + 4].try_into().unwrap());
        if h.len() < HEADER || !h.starts_with(SIGNATURE) {
            return None;
        }
        let sector_size = match u16_at(30) {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        let fat_count = (u32_at(44) as usize).min(109);
        let fat_sectors: Vec<u32> = (0..fat_count).map(|i| u32_at(76 + 4 * i)).collect();
        let mut fat_sorted = fat_sectors.clone();
        fat_sorted.sort_unstable();
        Some(Header {
            sector_size,
            first_dir: u32_at(48),
            mini_cutoff: u32_at(56),
            fat_sectors,
            fat_sorted,
        })
    }
}

/// Collects the directory of a compound file from its stream (module doc).
#[derive(Debug, Default)]
pub(crate) struct OleScanner {
    header: Option<Header>,
    /// The header's bytes until it is complete, then a partial sector.
    pending: Vec<u8>,
    /// Stream offset of `pending[0]`.
    pending_start: u64,
    fat: HashMap<u32, Vec<u8>>,
    dir: HashMap<u32, Vec<u8>>,
    dir_bytes: usize,
    /// Stream offset → first bytes, where they open like a Word FIB, an
    /// Excel BOF or a PowerPoint `Current User` (module doc).
    snippets: HashMap<u64, [u8; SNIPPET]>,
    /// Not a compound file after all (a bad header): stop keeping anything.
    off: bool,
}

impl OleScanner {
    pub fn feed(&mut self, mut chunk: &[u8]) {
        if self.off {
            return;
        }
        if self.header.is_none() {
            let need = HEADER - self.pending.len();
            let take = need.min(chunk.len());
            self.pending.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if self.pending.len() < HEADER {
                return;
            }
            let Some(header) = Header::parse(&self.pending) else {
                self.off = true;
                self.pending = Vec::new();
                return;
            };
            self.pending.clear();
            self.pending_start = HEADER as u64;
            self.header = Some(header);
        }
        let ss = self.sector_size();
        // Finish a sector split across chunks, then take whole ones in place.
        if !self.pending.is_empty() || chunk.len() < ss {
            let take = (ss - self.pending.len()).min(chunk.len());
            self.pending.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if self.pending.len() < ss {
                return;
            }
            let sector = std::mem::take(&mut self.pending);
            self.sector_done(self.pending_start, &sector);
            self.pending_start += ss as u64;
        }
        let mut sectors = chunk.chunks_exact(ss);
        for sector in &mut sectors {
            self.sector_done(self.pending_start, sector);
            self.pending_start += ss as u64;
        }
        self.pending.extend_from_slice(sectors.remainder());
    }

    fn sector_size(&self) -> usize {
        self.header.as_ref().map_or(HEADER, |h| h.sector_size)
    }

    /// A complete sector starting at stream offset `at`.
    fn sector_done(&mut self, at: u64, bytes: &[u8]) {
        let Some(header) = &self.header else { return };
        // Version 4 files pad the header to a whole 4 KiB sector.
        let Some(number) = (at / header.sector_size as u64).checked_sub(1) else {
            return;
        };
        let Ok(number) = u32::try_from(number) else {
            return;
        };
        if self.snippets.len() < SNIPPET_BUDGET {
            for (i, step) in bytes.chunks(MINI_SECTOR).enumerate() {
                if opens_like_a_protected_stream(step)
                    && let Some(first) = step.get(..SNIPPET)
                {
                    let at = at + (i * MINI_SECTOR) as u64;
                    self.snippets
                        .insert(at, first.try_into().unwrap_or([0; SNIPPET]));
                }
            }
        }
        if header.fat_sorted.binary_search(&number).is_ok() {
            self.fat.insert(number, bytes.to_vec());
        } else if self.dir_bytes + bytes.len() <= DIR_BUDGET && looks_like_directory(bytes) {
            self.dir_bytes += bytes.len();
            self.dir.insert(number, bytes.to_vec());
        }
    }

    /// The root's stream names, when the directory could be read.
    pub fn finish(&self) -> Option<OleFacts> {
        let header = self.header.as_ref()?;
        let per_fat_sector = header.sector_size / 4;
        let next = |n: u32| -> Option<u32> {
            let fat_sector = header.fat_sectors.get(n as usize / per_fat_sector)?;
            let fat = self.fat.get(fat_sector)?;
            let i = (n as usize % per_fat_sector) * 4;
            Some(u32::from_le_bytes(fat[i..i + 4].try_into().unwrap()))
        };
        // The directory's sectors, in chain order.
        let mut chain: Vec<&[u8]> = Vec::new();
        let mut sector = header.first_dir;
        while sector < MAX_SECTOR && chain.len() < self.dir.len() {
            let Some(bytes) = self.dir.get(&sector) else {
                break;
            };
            chain.push(bytes);
            sector = match next(sector) {
                Some(n) => n,
                // Past the FAT sectors the header lists (files over ~7 MB):
                // writers lay the directory out in order.
                None => sector + 1,
            };
        }
        let per_sector = header.sector_size / ENTRY;
        let entry = |id: u32| -> Option<&[u8]> {
            let id = id as usize;
            let sector = chain.get(id / per_sector)?;
            let at = (id % per_sector) * ENTRY;
            Some(&sector[at..at + ENTRY])
        };
        let root = entry(0)?;
        if root[66] != 5 {
            return None;
        }
        let mut facts = OleFacts {
            root_clsid: root[80..96].try_into().unwrap(),
            ..OleFacts::default()
        };
        // Where a stream starts in the file: in the mini stream (the root's
        // chain, 64-byte sectors) when small, else at its first sector.
        let sector_at = |n: u32| (u64::from(n) + 1) * header.sector_size as u64;
        let stream_at = |e: &[u8]| -> Option<u64> {
            let (start, size) = (u32_at(e, 116), u32_at(e, 120));
            if size >= header.mini_cutoff {
                return Some(sector_at(start));
            }
            let offset = start as usize * MINI_SECTOR;
            let mut sector = u32_at(root, 116);
            for _ in 0..offset / header.sector_size {
                // Past the FAT sectors kept: laid out in order, as above.
                sector = next(sector).unwrap_or(sector + 1);
                if sector >= MAX_SECTOR {
                    return None;
                }
            }
            Some(sector_at(sector) + (offset % header.sector_size) as u64)
        };
        let mut stack = vec![u32_at(root, 76)];
        let mut walked = 0;
        while let Some(id) = stack.pop() {
            walked += 1;
            if id == NO_STREAM || walked > MAX_WALK {
                continue;
            }
            let Some(e) = entry(id) else { continue };
            if let Some(name) = entry_name(e) {
                facts.record(&name);
                let first = stream_at(e).and_then(|at| self.snippets.get(&at));
                facts.legacy_encrypted |= first.is_some_and(|b| protected(&name, b));
            }
            stack.push(u32_at(e, 68)); // left sibling
            stack.push(u32_at(e, 72)); // right sibling
        }
        Some(facts)
    }
}

/// Opens like a Word FIB (`wIdent` 0xA5EC), a BIFF8 `BOF` record, or a
/// PowerPoint `CurrentUserAtom` record header.
fn opens_like_a_protected_stream(b: &[u8]) -> bool {
    b.starts_with(&[0xEC, 0xA5])
        || (b.starts_with(&[0x09, 0x08]) && b.get(4..6) == Some(&[0x00, 0x06]))
        || b.starts_with(&[0x00, 0x00, 0xF6, 0x0F])
}

/// The first bytes of root stream `name` say it is password-protected.
fn protected(name: &str, b: &[u8; SNIPPET]) -> bool {
    let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    if name.eq_ignore_ascii_case("WordDocument") {
        // FibBase: wIdent, nFib, unused, lid, pnNext, then the flags.
        u16_at(0) == 0xA5EC && u16_at(10) & 0x0100 != 0
    } else if name.eq_ignore_ascii_case("Workbook") || name.eq_ignore_ascii_case("Book") {
        // FILEPASS (0x002F), if present, immediately follows the BOF.
        let after_bof = 4 + usize::from(u16_at(2));
        u16_at(0) == 0x0809 && after_bof + 2 <= SNIPPET && u16_at(after_bof) == 0x002F
    } else if name.eq_ignore_ascii_case("Current User") {
        u16_at(2) == 0x0FF6 && u32_at(b, 12) == PPT_ENCRYPTED_TOKEN
    } else {
        false
    }
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(b[i..i + 4].try_into().unwrap())
}

/// The name of a storage or stream entry (None for an unused slot).
fn entry_name(e: &[u8]) -> Option<String> {
    if !matches!(e[66], 1 | 2) {
        return None;
    }
    let len = (u16::from_le_bytes([e[64], e[65]]) as usize).checked_sub(2)?;
    let units = e[..len.min(62)]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]));
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or('\u{fffd}'))
            .collect(),
    )
}

/// Every 128-byte slot is an unused entry or a well-formed one (name
/// NUL-terminated at its stated length, a known type, a red/black colour),
/// and at least one is used. Random media data fails on the first slot.
fn looks_like_directory(sector: &[u8]) -> bool {
    let mut used = false;
    for e in sector.chunks_exact(ENTRY) {
        let kind = e[66];
        if kind == 0 {
            continue;
        }
        let len = u16::from_le_bytes([e[64], e[65]]) as usize;
        if !matches!(kind, 1 | 2 | 5)
            || e[67] > 1
            || !(2..=64).contains(&len)
            || !len.is_multiple_of(2)
        {
            return false;
        }
        let units: Vec<u16> = e[..len]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let (last, name) = units.split_last().expect("len >= 2");
        if *last != 0 || name.contains(&0) {
            return false;
        }
        used = true;
    }
    used
}
