//! Probing in the same pass as hashing: while a file streams through the
//! scanner, `Capture` keeps just the bytes a container probe will ask for,
//! so the built-in probe can run on them afterwards (`SparseReader`)
//! without opening the file again. A compressed zip entry, which cannot
//! seek, is probed this way too.
//!
//! Which bytes is each format's capture plan ([`CapturePlan`], in its unit
//! under `crate::formats`): for MP4 the head, every top-level box header and
//! the `moov`/`moof` index boxes; for Matroska the first 4 MiB and the last
//! 1 MiB; for AVI the header and the index it points to. This module holds
//! what they share: the kept regions, the memory budget, and the reader.
//!
//! When the probe asks for bytes that were not kept, the reader notes it and
//! the caller falls back to a seekable reader or ffprobe.

use std::cell::Cell;
use std::io::{self, Read, Seek, SeekFrom};

use crate::formats::{self, ContainerFormat, Family};

/// Bytes always kept from the start of a container.
pub(crate) const HEAD: u64 = 64 << 10;
/// Most index bytes kept for one file: bounds memory whatever the input.
const BUDGET: usize = 16 << 20;

/// One format's choice of bytes to keep from one file, as it streams by.
pub trait CapturePlan: std::fmt::Debug {
    /// Keep, through `kept`, what the probe will read of `chunk` (which
    /// starts at stream offset `start` and ends at `kept.pos()`). False
    /// stops the capture: the file is corrupt and the probe will say so.
    fn update(&mut self, kept: &mut Kept, start: u64, chunk: &[u8]) -> bool;

    /// The stream has ended: add what was held back (a rolling tail).
    fn finish(&mut self, _kept: &mut Kept) {}
}

/// The regions kept so far, within the budget.
#[derive(Debug, Default)]
pub struct Kept {
    pos: u64,
    regions: Vec<(u64, Vec<u8>)>,
    kept: usize,
}

impl Kept {
    /// Bytes streamed so far (the end of the current chunk).
    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// The first region (from offset 0: the head).
    pub fn head(&self) -> &[u8] {
        self.regions.first().map_or(&[][..], |(_, b)| b.as_slice())
    }

    pub fn regions(&self) -> &[(u64, Vec<u8>)] {
        &self.regions
    }

    /// Keep the part of `chunk` (at stream offset `start`) inside `from..to`.
    pub fn keep(&mut self, start: u64, chunk: &[u8], from: u64, to: u64) {
        let end = start + chunk.len() as u64;
        let (lo, hi) = (from.max(start), to.min(end));
        if lo >= hi || self.kept >= BUDGET {
            return;
        }
        let hi = hi.min(lo + (BUDGET - self.kept) as u64);
        let bytes = &chunk[(lo - start) as usize..(hi - start) as usize];
        self.kept += bytes.len();
        self.append(lo, bytes);
    }

    /// Keep all of `bytes` (at `at`), or none when over the budget.
    pub fn keep_bytes(&mut self, at: u64, bytes: &[u8]) {
        if self.kept + bytes.len() > BUDGET {
            return;
        }
        self.kept += bytes.len();
        self.append(at, bytes);
    }

    /// Add a region held back outside the budget (it bounds itself).
    pub fn push(&mut self, at: u64, bytes: Vec<u8>) {
        self.regions.push((at, bytes));
    }

    fn append(&mut self, at: u64, bytes: &[u8]) {
        match self.regions.last_mut() {
            Some((start, buf)) if *start + buf.len() as u64 == at => buf.extend_from_slice(bytes),
            _ => self.regions.push((at, bytes.to_vec())),
        }
    }

    /// Read what is kept so far, its length unknown while the file streams.
    pub fn read_so_far<T>(
        &mut self,
        family: Family,
        read: impl FnOnce(&mut SparseReader) -> T,
    ) -> T {
        let captured = Captured {
            family,
            len: u64::MAX,
            regions: std::mem::take(&mut self.regions),
        };
        let out = read(&mut captured.reader());
        self.regions = captured.regions;
        out
    }
}

enum State {
    /// Fewer than 12 bytes seen: the format is not known yet.
    Undecided,
    /// Not a container we capture for: `update` does nothing.
    Off,
    On {
        format: &'static dyn ContainerFormat,
        plan: Box<dyn CapturePlan>,
    },
}

/// Collects probe regions from a stream (see the module doc).
pub struct Capture {
    state: State,
    kept: Kept,
    /// First bytes, until there are enough to tell the container.
    pending: Vec<u8>,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            State::Undecided => "undecided".to_owned(),
            State::Off => "off".to_owned(),
            State::On { plan, .. } => format!("{plan:?}"),
        };
        f.debug_struct("Capture")
            .field("state", &state)
            .field("kept", &self.kept)
            .finish()
    }
}

/// What was kept of one file, and the container family it looked like.
#[derive(Debug)]
pub struct Captured {
    pub family: Family,
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
            state: State::Undecided,
            kept: Kept::default(),
            pending: Vec::new(),
        }
    }

    pub fn update(&mut self, chunk: &[u8]) {
        if !matches!(self.state, State::Undecided) {
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
        self.state = formats::opening(&first)
            .and_then(|format| Some((format, format.capture()?)))
            .map_or(State::Off, |(format, plan)| State::On { format, plan });
        self.process(&first);
    }

    fn process(&mut self, chunk: &[u8]) {
        let start = self.kept.pos;
        self.kept.pos += chunk.len() as u64;
        if let State::On { plan, .. } = &mut self.state
            && !plan.update(&mut self.kept, start, chunk)
        {
            self.state = State::Off;
        }
    }

    /// What was kept, when the stream looked like a container we capture.
    pub fn finish(mut self) -> Option<Captured> {
        if matches!(self.state, State::Undecided) {
            self.decide();
        }
        let State::On { format, mut plan } = self.state else {
            return None;
        };
        plan.finish(&mut self.kept);
        Some(Captured {
            family: format.family(),
            len: self.kept.pos,
            regions: self.kept.regions,
        })
    }
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
    use crate::formats::matroska::{HEAD as MKV_HEAD, TAIL as MKV_TAIL};

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
            assert_eq!(
                c.family,
                Family::IsoBmff,
                "{}",
                String::from_utf8_lossy(&first[..])
            );
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
            Some(Family::Avi),
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
            assert_eq!(captured.family, Family::Avi);
            let kept: usize = captured.regions.iter().map(|(_, b)| b.len()).sum();
            assert!(
                kept < (200 << 10) + HEAD as usize + 4096,
                "chunk {chunk}: kept {kept}"
            );
            let mut r = captured.reader();
            let early =
                crate::probe::builtin::probe_details(&mut r, captured.len, Some(Family::Avi));
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
        let out = crate::probe::builtin::probe_details(&mut r, captured.len, Some(Family::Avi));
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
                Some(Family::Avi),
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
