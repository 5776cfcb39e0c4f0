//! Probing in the same pass as hashing: while a file streams through the
//! scanner, `Capture` keeps just the bytes a container probe will ask for —
//! the head, every top-level MP4 box header, the `moov`/`moof` index boxes,
//! for Matroska the first 4 MiB and the last 1 MiB (whatever the chunk
//! sizes: the probe walks the last Clusters there), and for AVI the head through the
//! `hdrl` header list and 64 KiB past it, then the index the header points
//! to (the start and end of `idx1`, the video's last OpenDML `ix##` chunk) —
//! so the built-in probe can
//! run on them afterwards (`SparseReader`) without opening the file again.
//! A compressed zip entry, which cannot seek, is probed this way too.
//!
//! When the probe asks for bytes that were not kept, the reader notes it and
//! the caller falls back to a seekable reader or ffprobe.

use std::cell::Cell;
use std::io::{self, Read, Seek, SeekFrom};

use super::builtin::Opening;

/// Bytes always kept from the start of a container.
const HEAD: u64 = 64 << 10;
/// Matroska keeps more of its start (Info, Tracks) and its last bytes
/// (Cues, Tags, and the last Clusters: where a file of unknown Segment size
/// was cut).
const MKV_HEAD: u64 = 4 << 20;
const MKV_TAIL: u64 = super::builtin::MKV_TAIL;
/// Most AVI head kept when the `hdrl` list is larger than `HEAD`.
const AVI_HEAD: u64 = 4 << 20;
/// Most index bytes kept for one file: bounds memory whatever the input.
const BUDGET: usize = 16 << 20;

/// Where an AVI's index is, as far as the capture knows.
#[derive(Debug, Default)]
struct AviIndex {
    /// The header has been read for index places.
    planned: bool,
    /// Byte ranges to keep as they stream by.
    wanted: Vec<(u64, u64)>,
    /// Where `idx1` starts, until its size (in its header) is kept.
    idx1_at: Option<u64>,
}

#[derive(Debug)]
enum Mode {
    /// Not a container we capture for: `update` does nothing.
    Off,
    Mp4 {
        /// Where the next top-level box starts.
        next_box: u64,
        /// A box header split across chunks.
        partial: Vec<u8>,
        /// Byte range of an index box being kept.
        keeping: Option<(u64, u64)>,
    },
    Mkv,
    /// Keeps `0..keep_to`: the header chunks, up to `LIST movi`. None until
    /// the size of the `hdrl` list (bytes 12..24) is known. Then the index
    /// ranges the header points to (`wanted`, sorted), once it is all kept.
    Avi {
        keep_to: Option<u64>,
        index: AviIndex,
    },
}

/// Collects probe regions from a stream (see the module doc).
#[derive(Debug)]
pub struct Capture {
    mode: Option<Mode>,
    pos: u64,
    regions: Vec<(u64, Vec<u8>)>,
    kept: usize,
    /// Matroska: the bytes past `MKV_HEAD`, the last `MKV_TAIL` of them,
    /// each at its stream offset modulo `MKV_TAIL`.
    tail: Vec<u8>,
    /// First bytes, until there are enough to tell the container.
    pending: Vec<u8>,
}

/// What was kept of one file, and the container family it looked like.
#[derive(Debug, Default)]
pub struct Captured {
    pub family: &'static str,
    pub len: u64,
    regions: Vec<(u64, Vec<u8>)>,
}

impl Default for Capture {
    fn default() -> Self {
        Capture::new()
    }
}

impl Capture {
    pub fn new() -> Capture {
        Capture {
            mode: None,
            pos: 0,
            regions: Vec::new(),
            kept: 0,
            tail: Vec::new(),
            pending: Vec::new(),
        }
    }

    pub fn update(&mut self, chunk: &[u8]) {
        if self.mode.is_some() {
            return self.process(chunk);
        }
        // 12 bytes decide; a reader may hand them over in pieces.
        self.pending.extend_from_slice(chunk);
        if self.pending.len() >= 12 {
            self.decide();
        }
    }

    fn decide(&mut self) {
        let first = std::mem::take(&mut self.pending);
        let chunk = first.as_slice();
        {
            self.mode = Some(match super::builtin::opening(chunk) {
                Some(Opening::Matroska) => Mode::Mkv,
                Some(Opening::Avi) => Mode::Avi {
                    keep_to: None,
                    index: AviIndex::default(),
                },
                Some(Opening::Mp4) => Mode::Mp4 {
                    next_box: 0,
                    partial: Vec::new(),
                    keeping: None,
                },
                None => Mode::Off,
            });
        }
        self.process(chunk);
    }

    fn process(&mut self, chunk: &[u8]) {
        let start = self.pos;
        self.pos += chunk.len() as u64;
        match self.mode {
            Some(Mode::Off) | None => {}
            Some(Mode::Mkv) => {
                self.keep(start, chunk, 0, MKV_HEAD);
                self.keep_mkv_tail(start, chunk);
            }
            Some(Mode::Mp4 { .. }) => {
                self.keep(start, chunk, 0, HEAD);
                self.mp4_boxes(start, chunk);
            }
            Some(Mode::Avi { keep_to, .. }) => {
                self.keep(start, chunk, 0, keep_to.unwrap_or(HEAD));
                if keep_to.is_none() && self.pos >= 24 {
                    let to = self.avi_header_end();
                    if let Some(Mode::Avi { keep_to, .. }) = &mut self.mode {
                        *keep_to = Some(to);
                    }
                    self.keep(start, chunk, HEAD, to);
                }
                self.avi_index(start, chunk);
            }
        }
    }

    /// Keep the AVI index ranges in `chunk`: planned from the header once it
    /// is all kept, then `idx1`'s tail once its header is.
    fn avi_index(&mut self, start: u64, chunk: &[u8]) {
        let Some(Mode::Avi { keep_to, index }) = &mut self.mode else {
            return;
        };
        let header_kept = keep_to.is_some_and(|to| self.pos >= to);
        if !index.planned && header_kept {
            index.planned = true;
            let mut head = Captured {
                family: "avi",
                len: u64::MAX,
                regions: std::mem::take(&mut self.regions),
            };
            let places = super::builtin::avi_index_places(&mut head.reader());
            self.regions = std::mem::take(&mut head.regions);
            let Some(Mode::Avi { index, .. }) = &mut self.mode else {
                return;
            };
            index.wanted.extend(places.idx1_head);
            index.idx1_at = places.idx1_head.map(|(at, _)| at);
            index.wanted.extend(places.ix_chunk);
            index.wanted.sort_unstable();
        }
        let Some(Mode::Avi { index, .. }) = &mut self.mode else {
            return;
        };
        let wanted = index.wanted.clone();
        for (from, to) in wanted {
            self.keep(start, chunk, from, to);
        }
        // idx1's header is kept: its size says where its tail is.
        let Some(Mode::Avi { index, .. }) = &mut self.mode else {
            return;
        };
        if let Some(at) = index.idx1_at.filter(|&at| self.pos >= at + 8) {
            index.idx1_at = None;
            let size = self
                .regions
                .iter()
                .rev()
                .find(|(from, b)| *from <= at && at + 8 <= *from + b.len() as u64)
                .and_then(|(from, b)| {
                    let header = b.get((at - from) as usize..)?;
                    (header.get(..4)? == b"idx1")
                        .then(|| crate::probe::builtin::le_u32(header, 4))
                        .flatten()
                });
            if let Some(size) = size {
                let tail = super::builtin::avi_idx1_tail(at + 8, size);
                if let Some(Mode::Avi { index, .. }) = &mut self.mode {
                    index.wanted.push(tail);
                    index.wanted.sort_unstable();
                }
                self.keep(start, chunk, tail.0, tail.1);
            }
        }
    }

    /// Where the AVI header ends, give or take: the `hdrl` list (read from
    /// the kept head) plus `HEAD` for what follows it before `LIST movi`
    /// (`INFO`, `JUNK`); at least `HEAD`, at most `AVI_HEAD`.
    fn avi_header_end(&self) -> u64 {
        let head = self.regions.first().map_or(&[][..], |(_, b)| b.as_slice());
        let hdrl = head.get(12..16) == Some(b"LIST") && head.get(20..24) == Some(b"hdrl");
        match crate::probe::builtin::le_u32(head, 16) {
            Some(size) if hdrl => (20 + u64::from(size) + HEAD).clamp(HEAD, AVI_HEAD),
            _ => HEAD,
        }
    }

    /// Roll the Matroska tail: every byte is copied once, whatever the
    /// chunk sizes.
    fn keep_mkv_tail(&mut self, start: u64, chunk: &[u8]) {
        // Only the last MKV_TAIL bytes of the chunk, and none of the head.
        let skip = (chunk.len() as u64)
            .saturating_sub(MKV_TAIL)
            .max(MKV_HEAD.saturating_sub(start))
            .min(chunk.len() as u64);
        let mut at = start + skip;
        let mut bytes = &chunk[skip as usize..];
        if bytes.is_empty() {
            return;
        }
        if self.tail.is_empty() {
            self.tail = vec![0; MKV_TAIL as usize];
        }
        while !bytes.is_empty() {
            let slot = (at % MKV_TAIL) as usize;
            let n = bytes.len().min(self.tail.len() - slot);
            self.tail[slot..slot + n].copy_from_slice(&bytes[..n]);
            at += n as u64;
            bytes = &bytes[n..];
        }
    }

    /// The Matroska tail in file order, from where it starts.
    fn mkv_tail(&self) -> Option<(u64, Vec<u8>)> {
        if self.tail.is_empty() {
            return None;
        }
        let from = self.pos.saturating_sub(MKV_TAIL).max(MKV_HEAD);
        let n = self.pos.checked_sub(from)? as usize;
        let slot = (from % MKV_TAIL) as usize;
        let mut bytes = Vec::with_capacity(n);
        bytes.extend_from_slice(&self.tail[slot..(slot + n).min(self.tail.len())]);
        let wrapped = n - bytes.len();
        bytes.extend_from_slice(&self.tail[..wrapped]);
        Some((from, bytes))
    }

    /// Keep the part of `chunk` (at stream offset `start`) inside `from..to`.
    fn keep(&mut self, start: u64, chunk: &[u8], from: u64, to: u64) {
        let end = start + chunk.len() as u64;
        let (lo, hi) = (from.max(start), to.min(end));
        if lo >= hi || self.kept >= BUDGET {
            return;
        }
        let hi = hi.min(lo + (BUDGET - self.kept) as u64);
        let bytes = &chunk[(lo - start) as usize..(hi - start) as usize];
        self.kept += bytes.len();
        match self.regions.last_mut() {
            Some((at, buf)) if *at + buf.len() as u64 == lo => buf.extend_from_slice(bytes),
            _ => self.regions.push((lo, bytes.to_vec())),
        }
    }

    fn mp4_boxes(&mut self, start: u64, chunk: &[u8]) {
        let end = start + chunk.len() as u64;
        loop {
            let Some(Mode::Mp4 {
                next_box,
                partial,
                keeping,
            }) = &mut self.mode
            else {
                return;
            };
            if let Some((from, to)) = *keeping {
                let (from, to) = (from, to);
                *keeping = None;
                self.keep(start, chunk, from, to);
                if to > end {
                    if let Some(Mode::Mp4 { keeping, .. }) = &mut self.mode {
                        *keeping = Some((end, to));
                    }
                    return;
                }
                continue;
            }
            let at = *next_box;
            if at >= end {
                return;
            }
            // Gather the header (8 bytes, 16 with a 64-bit size).
            let offset = (at + partial.len() as u64).saturating_sub(start) as usize;
            let available = chunk.len().saturating_sub(offset);
            let take = (8usize.saturating_sub(partial.len())).min(available);
            partial.extend_from_slice(&chunk[offset..offset + take]);
            // A size field of 1 means a 64-bit size follows: 16 bytes in all.
            let want = if partial.len() >= 8 && read_u32(partial) == 1 {
                16
            } else {
                8
            };
            let offset = offset + take;
            let more = (want - partial.len().min(want)).min(chunk.len().saturating_sub(offset));
            partial.extend_from_slice(&chunk[offset..offset + more]);
            if partial.len() < want {
                return; // the rest is in the next chunk
            }
            let header = std::mem::take(partial);
            let size32 = read_u32(&header);
            let size = match size32 {
                0 => u64::MAX - at, // to the end of the file
                1 => u64::from_be_bytes(header[8..16].try_into().unwrap_or([0; 8])),
                n => u64::from(n),
            };
            let kind = [header[4], header[5], header[6], header[7]];
            // Keep the header itself so the probe can walk past this box.
            self.keep_bytes(at, &header);
            if size < header.len() as u64 {
                self.mode = Some(Mode::Off); // corrupt: the probe will say so
                return;
            }
            let body = at + header.len() as u64;
            let box_end = at.saturating_add(size);
            let index_box = matches!(&kind, b"moov" | b"moof" | b"mfra" | b"sidx");
            if let Some(Mode::Mp4 {
                next_box, keeping, ..
            }) = &mut self.mode
            {
                *next_box = box_end;
                if index_box && body < box_end {
                    *keeping = Some((body, box_end));
                }
            }
        }
    }

    fn keep_bytes(&mut self, at: u64, bytes: &[u8]) {
        if self.kept + bytes.len() > BUDGET {
            return;
        }
        self.kept += bytes.len();
        match self.regions.last_mut() {
            Some((start, buf)) if *start + buf.len() as u64 == at => buf.extend_from_slice(bytes),
            _ => self.regions.push((at, bytes.to_vec())),
        }
    }

    /// What was kept, when the stream looked like a container we capture.
    pub fn finish(mut self) -> Option<Captured> {
        if self.mode.is_none() {
            self.decide();
        }
        let family = match self.mode {
            Some(Mode::Mp4 { .. }) => "mp4",
            Some(Mode::Mkv) => "matroska",
            Some(Mode::Avi { .. }) => "avi",
            _ => return None,
        };
        if let Some(tail) = self.mkv_tail() {
            self.regions.push(tail);
        }
        Some(Captured {
            family,
            len: self.pos,
            regions: self.regions,
        })
    }
}

fn read_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

impl Captured {
    pub fn reader(&self) -> SparseReader<'_> {
        SparseReader {
            captured: self,
            pos: 0,
            missed: Cell::new(false),
        }
    }
}

/// Reads a `Captured` as if it were the whole file; a read outside what was
/// kept fails and sets `missed`.
pub struct SparseReader<'a> {
    captured: &'a Captured,
    pos: u64,
    missed: Cell<bool>,
}

impl SparseReader<'_> {
    /// The probe asked for bytes that were not kept: its answer is not final.
    pub fn missed(&self) -> bool {
        self.missed.get()
    }
}

impl Read for SparseReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.captured.len || buf.is_empty() {
            return Ok(0);
        }
        // The region holding `pos` that reaches furthest.
        let best = self
            .captured
            .regions
            .iter()
            .filter(|(at, b)| *at <= self.pos && self.pos < *at + b.len() as u64)
            .max_by_key(|(at, b)| *at + b.len() as u64);
        let Some((at, bytes)) = best else {
            self.missed.set(true);
            return Err(io::Error::other("byte range not captured"));
        };
        let from = (self.pos - at) as usize;
        let n = buf.len().min(bytes.len() - from);
        buf[..n].copy_from_slice(&bytes[from..from + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SparseReader<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let next = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.captured.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = next.ok_or_else(|| io::Error::other("seek before the start"))?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(body);
        b
    }

    fn captured_in_chunks(data: &[u8], chunk: usize) -> Captured {
        let mut c = Capture::new();
        for part in data.chunks(chunk) {
            c.update(part);
        }
        c.finish().expect("an mp4 was captured")
    }

    #[test]
    fn keeps_header_and_index_but_not_media() {
        let mut file = mp4_box(b"ftyp", b"isom\0\0\0\0isom");
        file.extend(mp4_box(b"mdat", &vec![0xAB; 300_000]));
        let moov_at = file.len() as u64;
        file.extend(mp4_box(b"moov", &[7u8; 5000]));
        for chunk in [1, 7, 4096, 1 << 20] {
            let c = captured_in_chunks(&file, chunk);
            let kept: usize = c.regions.iter().map(|(_, b)| b.len()).sum();
            assert!(kept < 64 * 1024 + 6000, "chunk {chunk}: kept {kept} bytes");
            let mut r = c.reader();
            let mut moov = vec![0u8; 5008];
            r.seek(SeekFrom::Start(moov_at)).unwrap();
            r.read_exact(&mut moov).unwrap();
            assert_eq!(&moov[4..8], b"moov", "chunk {chunk}");
            assert!(moov[8..].iter().all(|&b| b == 7));
            // Media bytes past the head were not kept.
            r.seek(SeekFrom::Start(200_000)).unwrap();
            assert!(r.read(&mut [0u8; 4]).is_err());
            assert!(r.missed());
        }
    }

    /// Every box the built-in probe accepts as an MP4's first is captured:
    /// the capture once had its own shorter list, without `sidx`, `moof`
    /// and `junk`, so such files were read a second time for the probe.
    #[test]
    fn captures_whatever_the_probe_calls_an_mp4() {
        for first in [b"sidx", b"moof", b"junk", b"styp", b"ftyp"] {
            let mut file = mp4_box(first, &[0u8; 16]);
            file.extend(mp4_box(b"moov", &[7u8; 100]));
            let c = captured_in_chunks(&file, 4096);
            assert_eq!(c.family, "mp4", "{}", String::from_utf8_lossy(&first[..]));
        }
        let mut c = Capture::new();
        c.update(b"%PDF-1.7 not a video at all");
        assert!(c.finish().is_none());
    }

    /// A 64-bit box size whose first 8 header bytes end exactly at a chunk
    /// boundary once made the capture loop forever.
    #[test]
    fn large_size_headers_split_anywhere_are_read() {
        let mut file = mp4_box(b"ftyp", b"isom\0\0\0\0isom");
        let mut mdat = 1u32.to_be_bytes().to_vec();
        mdat.extend_from_slice(b"mdat");
        mdat.extend_from_slice(&(16u64 + 1000).to_be_bytes());
        mdat.extend_from_slice(&[0u8; 1000]);
        let mdat_at = file.len();
        file.extend(mdat);
        let moov_at = file.len() as u64;
        file.extend(mp4_box(b"moov", &[9u8; 100]));
        for cut in 1..=16 {
            // The first chunk ends `cut` bytes into the mdat header.
            let mut c = Capture::new();
            c.update(&file[..mdat_at + cut]);
            c.update(&file[mdat_at + cut..]);
            let captured = c.finish().unwrap();
            let mut r = captured.reader();
            let mut moov = [0u8; 108];
            r.seek(SeekFrom::Start(moov_at)).unwrap();
            r.read_exact(&mut moov).unwrap();
            assert_eq!(&moov[4..8], b"moov", "cut at {cut}");
        }
    }

    fn riff(tag: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut b = tag.to_vec();
        b.extend((body.len() as u32).to_le_bytes());
        b.extend_from_slice(body);
        b
    }

    /// An AVI whose `hdrl` (with a 200 KiB OpenDML `indx`, as ffmpeg
    /// reserves for large files) is larger than `HEAD`: the probe on the
    /// captured bytes needs nothing more, and the media data is not kept.
    #[test]
    fn avi_header_is_kept_whole() {
        let mut strh = b"vidsFMP4".to_vec();
        for v in [0u32, 0, 0, 1, 25, 0, 250, 0, 0, 0, 0, 0] {
            strh.extend(v.to_le_bytes());
        }
        let mut bih = Vec::new();
        for v in [
            40u32,
            320,
            240,
            0x0018_0001,
            u32::from_le_bytes(*b"FMP4"),
            0,
            0,
            0,
            0,
            0,
        ] {
            bih.extend(v.to_le_bytes());
        }
        let strl = [
            b"strl".to_vec(),
            riff(b"strh", &strh),
            riff(b"strf", &bih),
            riff(b"indx", &vec![0u8; 200 << 10]),
        ]
        .concat();
        let hdrl = [
            b"hdrl".to_vec(),
            riff(b"avih", &[0u8; 56]),
            riff(b"LIST", &strl),
        ]
        .concat();
        let movi = [b"movi".to_vec(), riff(b"00dc", &vec![0xAB; 2 << 20])].concat();
        let body = [
            b"AVI ".to_vec(),
            riff(b"LIST", &hdrl),
            riff(b"JUNK", &[0; 1016]),
        ]
        .concat();
        let file = riff(b"RIFF", &[body, riff(b"LIST", &movi)].concat());
        let direct = crate::probe::builtin::probe_details(
            &mut io::Cursor::new(&file),
            file.len() as u64,
            "avi",
        );
        assert!(
            matches!(&direct, Some(Ok(d)) if d.info.duration_s == 10.0),
            "{direct:?}"
        );
        for chunk in [1, 7, 4096, 1 << 20] {
            let mut c = Capture::new();
            for part in file.chunks(chunk) {
                c.update(part);
            }
            let captured = c.finish().expect("an avi was captured");
            assert_eq!(captured.family, "avi");
            let kept: usize = captured.regions.iter().map(|(_, b)| b.len()).sum();
            assert!(
                kept < (200 << 10) + HEAD as usize + 4096,
                "chunk {chunk}: kept {kept}"
            );
            let mut r = captured.reader();
            let early = crate::probe::builtin::probe_details(&mut r, captured.len, "avi");
            assert!(!r.missed(), "chunk {chunk}");
            assert_eq!(early, direct, "chunk {chunk}");
        }
    }

    /// What the built-in probe says on the captured bytes, which must be
    /// all it asked for.
    fn early(
        file: &[u8],
        chunk: usize,
    ) -> Option<Result<crate::probe::builtin::Details, crate::probe::builtin::ProbeError>> {
        let mut c = Capture::new();
        for part in file.chunks(chunk) {
            c.update(part);
        }
        let captured = c.finish().expect("an avi was captured");
        let kept: usize = captured.regions.iter().map(|(_, b)| b.len()).sum();
        assert!(kept < 3 * HEAD as usize, "chunk {chunk}: kept {kept}");
        let mut r = captured.reader();
        let out = crate::probe::builtin::probe_details(&mut r, captured.len, "avi");
        assert!(
            !r.missed(),
            "chunk {chunk}: the probe read past what was kept"
        );
        out
    }

    fn avi_strl(indx: &[u8]) -> Vec<u8> {
        let mut strh = b"vidsFMP4".to_vec();
        for v in [0u32, 0, 0, 1, 25, 0, 250, 0, 0, 0, 0, 0] {
            strh.extend(v.to_le_bytes());
        }
        let mut bih = Vec::new();
        for v in [40u32, 320, 240, 0x0018_0001] {
            bih.extend(v.to_le_bytes());
        }
        bih.extend(b"FMP4");
        bih.extend([0; 20]);
        [
            b"strl".to_vec(),
            riff(b"strh", &strh),
            riff(b"strf", &bih),
            riff(b"indx", indx),
        ]
        .concat()
    }

    /// Issue 12: the index an AVI's header points to — `idx1` after a large
    /// `movi`, or the video's last OpenDML `ix##` chunk — is kept as it
    /// streams by, so the probe checks the data lies inside the file with
    /// no second read; the media data is not kept.
    #[test]
    fn avi_index_is_kept_past_the_media_data() {
        let frames = 40u32;
        let frame = 50_000u32;
        let build = |opendml: bool| {
            let mut indx = vec![4u8, 0, 0, 0];
            indx.extend(u32::from(opendml).to_le_bytes());
            indx.extend(b"00dc");
            indx.extend([0; 12]);
            indx.extend([0; 16]); // patched below
            let hdrl = [
                b"hdrl".to_vec(),
                riff(b"avih", &[0u8; 56]),
                riff(b"LIST", &avi_strl(&indx)),
            ]
            .concat();
            let head = [b"AVI ".to_vec(), riff(b"LIST", &hdrl)].concat();
            let movi_list = (8 + head.len() + 8) as u64;
            let mut movi = b"movi".to_vec();
            let mut idx1 = Vec::new();
            let mut ix = Vec::new();
            for _ in 0..frames {
                let at = movi.len() as u32;
                idx1.extend(b"00dc");
                for v in [0x10, at, frame] {
                    idx1.extend(v.to_le_bytes());
                }
                ix.extend((at + 8).to_le_bytes());
                ix.extend(frame.to_le_bytes());
                movi.extend(riff(b"00dc", &vec![0xAB; frame as usize]));
            }
            let ix_at = movi_list + movi.len() as u64;
            let mut ix_body = vec![2u8, 0, 0, 1];
            ix_body.extend(frames.to_le_bytes());
            ix_body.extend(b"00dc");
            ix_body.extend(movi_list.to_le_bytes());
            ix_body.extend([0; 4]);
            ix_body.extend(ix);
            let ix_chunk = riff(b"ix00", &ix_body);
            let ix_size = ix_chunk.len() as u32;
            if opendml {
                movi.extend(ix_chunk);
            }
            let mut file = riff(
                b"RIFF",
                &[head, riff(b"LIST", &movi), riff(b"idx1", &idx1)].concat(),
            );
            if opendml {
                let p = file.windows(4).position(|w| w == b"indx").unwrap() + 8 + 24;
                file[p..p + 8].copy_from_slice(&ix_at.to_le_bytes());
                file[p + 8..p + 12].copy_from_slice(&ix_size.to_le_bytes());
            }
            file
        };
        for opendml in [false, true] {
            let file = build(opendml);
            let movi = file.windows(4).position(|w| w == b"movi").unwrap();
            let direct = crate::probe::builtin::probe_details(
                &mut io::Cursor::new(&file),
                file.len() as u64,
                "avi",
            );
            assert!(
                matches!(&direct, Some(Ok(d)) if d.info.duration_s == 10.0),
                "{direct:?}"
            );
            for chunk in [7, 4096, 128 << 10, 1 << 20] {
                assert_eq!(
                    early(&file, chunk),
                    direct,
                    "opendml {opendml}, chunk {chunk}"
                );
                for cut in [movi + 100, file.len() / 2, file.len() - 40 * 16 - 9] {
                    let out = early(&file[..cut], chunk);
                    assert!(
                        matches!(
                            out,
                            Some(Err(crate::probe::builtin::ProbeError::CutShort(_)))
                        ),
                        "opendml {opendml}, chunk {chunk}, cut {cut}: {out:?}"
                    );
                }
            }
        }
    }

    /// The probe of a Matroska file of unknown Segment size walks its last
    /// `MKV_TAIL` bytes: they are kept whole whatever the chunk sizes (two
    /// rolling chunks once kept only 128 KiB of them, as the scan reads).
    #[test]
    fn matroska_tail_is_kept_whatever_the_chunks() {
        let len = (6 << 20) + 12_345;
        let mut file: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        file[..4].copy_from_slice(&[0x1A, 0x45, 0xDF, 0xA3]);
        let tail_from = (len - MKV_TAIL as usize) as u64;
        for chunk in [1000, 4096, 128 << 10, (3 << 20) + 1, len] {
            let mut c = Capture::new();
            for part in file.chunks(chunk) {
                c.update(part);
            }
            let captured = c.finish().expect("captured as Matroska");
            let mut r = captured.reader();
            let mut tail = vec![0u8; MKV_TAIL as usize];
            r.seek(SeekFrom::Start(tail_from)).unwrap();
            r.read_exact(&mut tail).unwrap();
            assert!(tail == file[tail_from as usize..], "chunk {chunk}");
            // Between the head and the tail, nothing is kept.
            r.seek(SeekFrom::Start(MKV_HEAD + 10)).unwrap();
            assert!(r.read(&mut [0u8; 4]).is_err(), "chunk {chunk}");
        }
    }

    #[test]
    fn other_content_is_not_captured() {
        let mut c = Capture::new();
        c.update(b"%PDF-1.4 not a video at all");
        assert!(c.finish().is_none());
    }
}
