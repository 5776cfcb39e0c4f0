//! The built-in probe: reads MP4/MOV (ISO-BMFF), Matroska/WebM and AVI
//! (including OpenDML) indexes and headers in process, instead of spawning
//! ffprobe (~130 ms a file).
//!
//! Each format's parser lives in its unit under `crate::formats` (beside its
//! markers and capture plan); this module holds what they share — the
//! bounded reader ([`Source`]), the result ([`Details`], [`ProbeError`]) —
//! and [`probe`], which hands a file to the format its first bytes open.
//!
//! Why a small parser of our own rather than a crate: the `mp4` crate parses
//! whole boxes into typed structures (every sample table entry allocated),
//! knows only a handful of sample entries and turns anything unexpected into
//! an error rather than a partial answer; it has no byte budget and does not
//! sum fragment durations. The Matroska crates are demuxers that want to
//! read clusters; for AVI what matters is reading the header exactly as
//! FFmpeg does, quirks included. We need only the index or header — usually
//! a few kilobytes — with bounded reads, seeking past media data, tolerance
//! of unknown boxes and codecs, and the exact classification ffprobe gives
//! (see `super::ffprobe`), so that reports from either engine compare equal.
//! The whole parser is ~2,300 lines (AVI's codec tables ~200 of them) with
//! no dependency.
//!
//! Rules shared with the ffprobe engine:
//! - `container` is ffprobe's format name (`mov,mp4,m4a,3gp,3g2,mj2`,
//!   `matroska,webm`, `avi`), `codec`/`audio_codec` are ffprobe codec names.
//!   A video stream whose codec we do not know keeps its raw tag (fourcc or
//!   CodecID) as `codec`, so `codec.is_some()` always means "has a real video
//!   stream".
//! - Cover art (iTunes `covr`, Matroska image attachments, and — unlike
//!   ffprobe — a single-picture MJPEG/PNG track) is not a video stream.
//! - The duration is the container's: `mvhd` (or, for fragmented MP4, the
//!   span of the fragments), Matroska `Info/Duration`, for AVI the longest
//!   stream by `strh` (see `formats::avi`). A Matroska file without a Duration (live
//!   WebM) has no duration, as with ffprobe.
//!
//! Everything here is panic-free on any input: all reads are bounded, all
//! offsets use checked arithmetic, and parsing works on slices with `get`.

use std::io::{Read, Seek, SeekFrom};

mod error;

pub use error::{ProbeError, Truncation, Unreadable};

use super::{ProbeOutcome, VideoInfo};
use crate::formats::{self, Family, ReadSeek};

/// Largest index (`moov`, Matroska `Tracks`/`Info`) read into memory.
pub const MAX_INDEX_BYTES: u64 = 64 << 20;
/// Most tracks looked at in one file (bounds memory on hostile indexes).
pub(crate) const MAX_TRACKS: usize = 1024;

/// What the built-in probe learned (`info.faststart` is known only to it).
#[derive(Clone, Debug, PartialEq)]
pub struct Details {
    pub info: VideoInfo,
}

impl Details {
    /// The meaning for counting, exactly as the ffprobe engine decides it.
    pub fn outcome(self) -> ProbeOutcome {
        let d = self.info.duration_s;
        if self.info.codec.is_none() {
            ProbeOutcome::NoVideoStream(self.info)
        } else if d.is_nan() || d <= 0.0 {
            ProbeOutcome::ZeroDuration(self.info)
        } else {
            ProbeOutcome::Video(self.info)
        }
    }
}

/// Probe a video container in process. Reads only the boxes/elements it
/// needs, seeking past media data; never reads the whole file.
///
/// `len` is the total length of the stream. `family` is the container
/// family the file was sniffed as (or its name suggests; see
/// [`Family::from_hint`]): it decides whether an empty or tiny file is
/// called unreadable here or left to ffprobe.
/// Returns None when the format is not one the built-in probe handles (the
/// caller falls back to ffprobe); Some(outcome) otherwise.
pub fn probe<R: Read + Seek + ?Sized>(
    reader: &mut R,
    len: u64,
    family: Option<Family>,
) -> Option<ProbeOutcome> {
    Some(match probe_details(reader, len, family)? {
        Ok(details) => details.outcome(),
        Err(e) => ProbeOutcome::Unreadable(e.into_reason()),
    })
}

/// Like [`probe`], with the details `VideoInfo` does not carry; `Err` is the
/// reason the file is unreadable.
pub fn probe_details<R: Read + Seek + ?Sized>(
    reader: &mut R,
    len: u64,
    family: Option<Family>,
) -> Option<Result<Details, ProbeError>> {
    // Only families with a probe of their own are answered for here.
    let ours = family.filter(|f| f.format().has_probe());
    // One monomorphic probe for every reader: the formats take a trait object.
    let mut reader = reader;
    let reader: &mut dyn ReadSeek = &mut reader;
    let mut src = Source { reader, len };
    let mut head = [0u8; 12];
    let n = match src.read_prefix(&mut head) {
        Ok(n) => n,
        Err(e) => return ours.map(|_| Err(e)),
    };
    let head = head.get(..n).unwrap_or_default();
    if let Some(format) = formats::opening(head) {
        return format.probe(&mut src);
    }
    match ours {
        // Named like one of ours but too short to be anything: say so rather
        // than spawn ffprobe to say the same.
        Some(_) if len < 8 => Some(Err(if len == 0 {
            Unreadable::Empty
        } else {
            Unreadable::TooShort(len)
        }
        .into())),
        // Something else under our name (MPEG-TS, FLV, a PDF...): let ffprobe
        // decide what it is.
        _ => None,
    }
}

/// Bounded random access over the input.
pub struct Source<'a, R: Read + Seek + ?Sized> {
    pub(crate) reader: &'a mut R,
    pub(crate) len: u64,
}

impl<R: Read + Seek + ?Sized> Source<'_, R> {
    /// Read up to `buf.len()` bytes from the start; returns how many.
    pub(crate) fn read_prefix(&mut self, buf: &mut [u8]) -> Result<usize, ProbeError> {
        let want = usize::try_from(self.len.min(buf.len() as u64)).unwrap_or(0);
        let buf = buf.get_mut(..want).unwrap_or_default();
        self.read_exact_at(0, buf)?;
        Ok(want)
    }

    /// Read exactly `buf.len()` bytes at `pos`, which must lie within `len`.
    pub(crate) fn read_exact_at(&mut self, pos: u64, buf: &mut [u8]) -> Result<(), ProbeError> {
        let end = pos
            .checked_add(buf.len() as u64)
            .ok_or(Unreadable::OffsetOverflow)?;
        if end > self.len {
            return Err(Unreadable::ReadPastEnd(pos).into());
        }
        self.reader
            .seek(SeekFrom::Start(pos))
            .map_err(|e| Unreadable::Seek {
                pos,
                error: e.to_string(),
            })?;
        self.reader.read_exact(buf).map_err(|e| {
            Unreadable::Read {
                pos,
                error: e.to_string(),
            }
            .into()
        })
    }

    /// Read `len` bytes at `pos` into a new buffer, refusing more than `limit`.
    pub(crate) fn read_vec(
        &mut self,
        pos: u64,
        len: u64,
        limit: u64,
        what: &'static str,
    ) -> Result<Vec<u8>, ProbeError> {
        if len > limit {
            return Err(Unreadable::IndexTooLarge { what, len, limit }.into());
        }
        if pos.checked_add(len).is_none_or(|end| end > self.len) {
            return Err(Unreadable::RunsPastEnd { what, pos, len }.into());
        }
        // Checked against the file length before allocating.
        let size = usize::try_from(len).map_err(|_| Unreadable::TooLarge { what })?;
        let mut buf = vec![0u8; size];
        self.read_exact_at(pos, &mut buf)?;
        Ok(buf)
    }

    /// Read up to `buf.len()` bytes at `pos` (fewer at the end of the file).
    pub(crate) fn read_at_most(&mut self, pos: u64, buf: &mut [u8]) -> Result<usize, ProbeError> {
        let avail = self.len.saturating_sub(pos).min(buf.len() as u64);
        let n = usize::try_from(avail).unwrap_or(0);
        let part = buf.get_mut(..n).unwrap_or_default();
        self.read_exact_at(pos, part)?;
        Ok(n)
    }
}

/// Big-endian readers over slices; None past the end.
pub(crate) fn be_u16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(
        d.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

pub(crate) fn be_u32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        d.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// Little-endian readers over slices (AVI); None past the end.
pub(crate) fn le_u16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        d.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

pub(crate) fn le_u32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        d.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

pub(crate) fn be_u64(d: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(
        d.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

pub(crate) fn fourcc(d: &[u8], at: usize) -> Option<[u8; 4]> {
    d.get(at..at.checked_add(4)?)?.try_into().ok()
}

/// A fourcc as text, `?` for bytes that are not printable.
pub(crate) fn show(kind: &[u8; 4]) -> String {
    kind.iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Cursor;

    pub(crate) fn run(bytes: &[u8], hint: &str) -> Option<ProbeOutcome> {
        probe(
            &mut Cursor::new(bytes),
            bytes.len() as u64,
            Family::from_hint(hint),
        )
    }

    #[test]
    fn empty_and_tiny_inputs() {
        assert_eq!(
            run(b"", "mp4"),
            Some(ProbeOutcome::Unreadable("empty file".into()))
        );
        assert!(matches!(
            run(b"abc", "webm"),
            Some(ProbeOutcome::Unreadable(_))
        ));
        assert_eq!(
            run(b"", "avi"),
            Some(ProbeOutcome::Unreadable("empty file".into()))
        );
        assert_eq!(run(b"", "flv"), None);
        assert_eq!(run(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "mp4"), None);
    }

    #[test]
    fn claimed_length_longer_than_the_stream() {
        let mut c = Cursor::new(b"\0\0\0\x18ftypisom".to_vec());
        let out = probe(&mut c, 1 << 40, Some(Family::IsoBmff));
        assert!(matches!(out, Some(ProbeOutcome::Unreadable(_))), "{out:?}");
    }

    /// Counts the bytes read, to prove media data is skipped.
    pub(crate) struct Counting<R> {
        pub(crate) inner: R,
        pub(crate) read: u64,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read += n as u64;
            Ok(n)
        }
    }

    impl<R: Seek> Seek for Counting<R> {
        fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
            self.inner.seek(pos)
        }
    }

    #[test]
    fn media_data_is_skipped_not_read() {
        // ftyp, a 4 MiB mdat, then an (empty) moov.
        let mut bytes = b"\0\0\0\x10ftypisom\0\0\0\0".to_vec();
        bytes.extend(((4u32 << 20) + 8).to_be_bytes());
        bytes.extend(b"mdat");
        bytes.resize(bytes.len() + (4 << 20), 0);
        bytes.extend(b"\0\0\0\x08moov");
        let len = bytes.len() as u64;
        let mut r = Counting {
            inner: Cursor::new(bytes),
            read: 0,
        };
        let out = probe(&mut r, len, Some(Family::IsoBmff));
        assert!(
            matches!(out, Some(ProbeOutcome::NoVideoStream(_))),
            "{out:?}"
        );
        assert!(r.read < 100, "read {} bytes", r.read);
    }

    #[test]
    fn garbage_never_panics() {
        // A small deterministic generator: no dependency, reproducible.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let prefixes: [&[u8]; 5] = [
            b"",
            b"\0\0\0\x14ftypisom\0\0\0\0isom",
            b"\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm",
            b"\0\0\0\x08moov",
            b"RIFF\x00\x01\x00\x00AVI LIST\x00\x01\x00\x00hdrl",
        ];
        for round in 0..3000 {
            let prefix = prefixes[round % prefixes.len()];
            let len = (next() % 300) as usize;
            let mut bytes = prefix.to_vec();
            bytes.extend((0..len).map(|_| next() as u8));
            for hint in ["mp4", "webm", "avi"] {
                let _ = run(&bytes, hint);
            }
        }
    }
}
