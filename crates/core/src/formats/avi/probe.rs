//! AVI (RIFF `AVI `), with the OpenDML (AVI 2.0) extensions.
//!
//! The header — everything before `LIST movi` — is walked chunk by chunk
//! the way FFmpeg's demuxer walks it, so that the answer is ffprobe's:
//! lists are entered rather than skipped (`hdrl`, `strl`, `odml` hold the
//! chunks that matter), `LIST movi` ends the header, and media data is never
//! read. Per stream, `strh` gives the time base (dwScale/dwRate) and the
//! length, `strf` the format (BITMAPINFOHEADER or WAVEFORMATEX).
//!
//! Durations are ffprobe's, to the microsecond:
//! - a stream without a fixed sample size (all video; VBR audio such as MP3
//!   or AAC) lasts `strh.dwLength` units of dwScale/dwRate; when the file is
//!   shorter than its first RIFF chunk says, that length is scaled by the
//!   share of the file that is there;
//! - the file lasts as long as its longest stream;
//! - when no stream has such a length (PCM or ADPCM audio only), the
//!   duration is estimated from the bytes after `movi` and the declared
//!   bitrate, as ffprobe does.
//!
//! OpenDML changes nothing here: FFmpeg ignores `avih.dwTotalFrames` and
//! `odml/dmlh.dwTotalFrames` and takes `strh.dwLength`, which OpenDML
//! writers (FFmpeg included) set to the length over all `RIFF AVIX` parts;
//! the `AVIX` parts are skipped.
//!
//! A file cut short (an interrupted copy) keeps its header, so ffprobe still
//! calls it a video; the index says otherwise. The video's chunks, as the
//! OpenDML index (`indx` → last `ix##`) or else `idx1` places them, must lie
//! inside the file; with neither (`idx1` sits at the end and goes first),
//! the `movi` list must. Only the ends of those indexes are read, and the
//! scan keeps exactly those bytes (`capture`), so this costs no extra read.
//!
//! Codec names come from tables measured against ffprobe 5.1 (each fourcc
//! and format tag put into a real file and probed). A fourcc FFmpeg does not
//! know keeps its raw text as the codec, like the other containers; an audio
//! format tag it does not know has no codec name, as with ffprobe.

use std::io::{Read, Seek};

use crate::probe::VideoInfo;
use crate::probe::builtin::{
    Details, ProbeError, Source, Truncation, fourcc, le_u16, le_u32, show,
};

/// ffprobe's name for AVI.
pub const CONTAINER: &str = "avi";
/// Most header chunks walked before `LIST movi` (a real header has a few
/// dozen; bounds the work on hostile files).
const MAX_CHUNKS: usize = 10_000;
/// Most streams (FFmpeg's default `max_streams`: it refuses the file past it).
const MAX_STREAMS: usize = 1000;
/// A chunk of an unknown type larger than this ends the header: FFmpeg takes
/// it for the media data ("something went wrong during header parsing").
const HUGE_CHUNK: u32 = 1_000_000;
const MICROS: u64 = 1_000_000;
/// Most of an index read from its end (`idx1`, an OpenDML `ix##` chunk):
/// the last chunks of the video are there. 64Ki `idx1` entries; the scan's
/// capture keeps exactly these bytes (see [`index_places`]).
pub(crate) const INDEX_WINDOW: u64 = 1 << 20;
/// Largest OpenDML super index (`indx`) read: 64Ki standard index chunks.
const MAX_SUPER_INDEX: u64 = 1 << 20;
/// An `idx1` entry: chunk id, flags, offset, size.
const IDX1_ENTRY: u64 = 16;
/// An OpenDML standard index chunk's header: the chunk's 8 bytes, then
/// wLongsPerEntry, bIndexSubType, bIndexType, nEntriesInUse, dwChunkId,
/// qwBaseOffset, dwReserved.
const IX_HEADER: u64 = 32;

/// `RIFF....AVI ` (or the variants FFmpeg also accepts).
pub fn looks_like(head: &[u8]) -> bool {
    head.get(..4) == Some(&b"RIFF"[..])
        && matches!(head.get(8..12), Some(b"AVI " | b"AVIX" | b"AVI\x19"))
}

/// A chunk's size cut to the end of the list it starts in.
fn clip_to_list(body: u64, size: u64, list_end: u64) -> u64 {
    if body < list_end {
        size.min(list_end - body)
    } else {
        size
    }
}

/// What `strh.fccType` says a stream is (FFmpeg keeps the last known type
/// for a stream of an unknown type).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Video,
    Audio,
    Subtitle,
    Data,
}

/// What `strf` made of a stream.
#[derive(Clone, Debug, PartialEq)]
enum Format {
    Video {
        codec: String,
        width: Option<u32>,
        height: Option<u32>,
    },
    Audio {
        codec: Option<String>,
        sample_rate: u32,
        channels: u16,
        /// nAvgBytesPerSec × 8.
        bit_rate: u64,
    },
    /// Subtitles and data: they count for the duration only when nothing
    /// else has one.
    Text,
}

#[derive(Debug)]
struct Stream {
    scale: u32,
    rate: u32,
    /// `strh.dwLength` in units of scale/rate, when the stream has no fixed
    /// sample size (already scaled down for a truncated file).
    length: Option<u64>,
    format: Option<Format>,
    video_tag: Option<[u8; 4]>,
    has_extradata: bool,
    /// OpenDML super index (`indx`): where each standard index chunk of the
    /// stream is, and its size (chunk header included).
    super_index: Vec<(u64, u32)>,
}

impl Stream {
    fn is_text(&self) -> bool {
        matches!(self.format, Some(Format::Text))
    }
}

/// The header as far as the probe needs it.
#[derive(Debug)]
struct Header {
    streams: Vec<Stream>,
    /// Where the media data starts (after `LIST....movi`).
    data_offset: u64,
    /// `LIST movi`: where its list type sits (FFmpeg's `movi_list`, which
    /// relative `idx1` offsets count from) and its declared size. None when
    /// the header ended at a huge chunk of another type.
    movi: Option<(u64, u32)>,
}

/// None for AVI variants left to ffprobe (DV type-1, AMV).
/// [`ProbeError::CutShort`] when the media data the index points to (or,
/// without an index, the `movi` list) runs past the end of the file.
pub fn probe<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
) -> Option<Result<Details, ProbeError>> {
    match read_header(src) {
        Ok(Some(header)) => Some(data_present(src, &header).map(|()| details(&header, src.len))),
        Ok(None) => None,
        Err(e) => Some(Err(e)),
    }
}

/// Where the index of an AVI lies past its header, so the scan can keep
/// those bytes as they stream by: the start of `idx1` (its header and first
/// entry; its tail is [`idx1_tail`]) and the byte ranges of the video's last
/// OpenDML standard index chunk. Read from the captured header alone.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct IndexPlaces {
    pub idx1_head: Option<(u64, u64)>,
    pub ix_chunk: Vec<(u64, u64)>,
}

pub(crate) fn index_places<R: Read + Seek + ?Sized>(reader: &mut R) -> IndexPlaces {
    // The length is not known while the file streams: no bound but the
    // bytes kept.
    let mut src = Source {
        reader,
        len: u64::MAX,
    };
    let Ok(Some(header)) = read_header(&mut src) else {
        return IndexPlaces::default();
    };
    IndexPlaces {
        idx1_head: header
            .movi
            .and_then(|(list, size)| idx1_at(list, size))
            .map(|at| (at, at.saturating_add(8 + IDX1_ENTRY))),
        ix_chunk: video_stream(&header)
            .and_then(|(_, s)| last_index_chunk(s))
            .map(|(at, size)| ix_ranges(at, size).to_vec())
            .unwrap_or_default(),
    }
}

/// The end of `idx1` read for its entries (`body`, `size`: its body).
pub(crate) fn idx1_tail(body: u64, size: u32) -> (u64, u64) {
    let size = u64::from(size);
    (body + size - size.min(INDEX_WINDOW), body + size)
}

/// Whether a `movi` size was written: capture tools leave 0, FFmpeg
/// writing to a pipe leaves 0xFFFFFFFF.
fn size_written(size: u32) -> bool {
    size != 0 && size != u32::MAX
}

/// Where `idx1` should start: right after `LIST movi`; None when the
/// `movi` size was never written.
fn idx1_at(movi_list: u64, size: u32) -> Option<u64> {
    size_written(size).then(|| movi_list + u64::from(size) + u64::from(size & 1))
}

/// The header and the tail window of a standard index chunk at `at` whose
/// super index entry gives `size` bytes.
fn ix_ranges(at: u64, size: u32) -> [(u64, u64); 2] {
    let end = at.saturating_add(u64::from(size));
    [
        (at, at.saturating_add(IX_HEADER)),
        (end.saturating_sub(INDEX_WINDOW).max(at), end),
    ]
}

/// The stream FFmpeg reports as the video, and its number in chunk ids.
fn video_stream(h: &Header) -> Option<(usize, &Stream)> {
    h.streams
        .iter()
        .enumerate()
        .find(|(_, s)| matches!(s.format, Some(Format::Video { .. })))
}

/// The standard index chunk listed last in file order (it indexes the last
/// media data: writers put it after that data).
fn last_index_chunk(s: &Stream) -> Option<(u64, u32)> {
    s.super_index.iter().copied().max_by_key(|&(at, _)| at)
}

fn cut_short(what: &'static str, end: u64, len: u64) -> ProbeError {
    Truncation::DataPastEnd { what, end, len }.into()
}

/// The video's data, as the index places it, lies inside the file. The
/// index is the OpenDML one when the video stream has one, else `idx1`;
/// without either (lost with the end of a cut file), the `movi` list's
/// declared size must end inside the file. The RIFF size is not used:
/// writers get it wrong and FFmpeg accepts one larger than the file.
/// An index that cannot be read says nothing either way.
fn data_present<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
    h: &Header,
) -> Result<(), ProbeError> {
    let Some((number, video)) = video_stream(h) else {
        return Ok(());
    };
    let len = src.len;
    if let Some((at, size)) = last_index_chunk(video) {
        let end = video
            .super_index
            .iter()
            .map(|&(at, size)| at.saturating_add(u64::from(size)))
            .max()
            .unwrap_or(0);
        if end > len {
            return Err(cut_short("the OpenDML index of the video lies", end, len));
        }
        return match index_chunk_end(src, at, size) {
            Some(end) if end > len => {
                Err(cut_short("the OpenDML index places video chunks", end, len))
            }
            _ => Ok(()),
        };
    }
    let Some((movi_list, movi_size)) = h.movi else {
        return Ok(());
    };
    if let Some(end) = idx1_end(src, movi_list, movi_size, number) {
        return if end > len {
            Err(cut_short("the idx1 index places video chunks", end, len))
        } else {
            Ok(())
        };
    }
    let movi_end = movi_list + u64::from(movi_size);
    if size_written(movi_size) && movi_end > len {
        return Err(cut_short(
            "there is no index, and the media data (LIST movi) runs",
            movi_end,
            len,
        ));
    }
    Ok(())
}

/// The end of the last chunk of stream `number` that `idx1` lists (the
/// last [`INDEX_WINDOW`] bytes of it); None without a whole `idx1` right
/// after `LIST movi`, or when it lists none.
fn idx1_end<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
    movi_list: u64,
    movi_size: u32,
    number: usize,
) -> Option<u64> {
    let at = idx1_at(movi_list, movi_size)?;
    let mut head = [0u8; 8 + IDX1_ENTRY as usize];
    src.read_exact_at(at, &mut head).ok()?;
    let size = le_u32(&head, 4)?;
    let body = at + 8;
    // A cut inside idx1: the media data before it is all there.
    if &head[..4] != b"idx1" || size < 16 || body + u64::from(size) > src.len {
        return None;
    }
    // FFmpeg's test: offsets are absolute when the first is past the list.
    let base = if u64::from(le_u32(&head, 16)?) > movi_list {
        0
    } else {
        movi_list
    };
    let (from, to) = idx1_tail(body, size);
    // Whole entries only, counted from the start of idx1.
    let from = body + (from - body).next_multiple_of(IDX1_ENTRY);
    let to = body + (to - body) / IDX1_ENTRY * IDX1_ENTRY;
    let entries = src
        .read_vec(from, to.saturating_sub(from), INDEX_WINDOW, "idx1")
        .ok()?;
    entries
        .chunks_exact(IDX1_ENTRY as usize)
        .filter(|e| stream_number(e) == Some(number))
        .filter_map(|e| {
            let offset = u64::from(le_u32(e, 8)?);
            Some(base + offset + 8 + u64::from(le_u32(e, 12)?))
        })
        .max()
}

/// The stream a chunk id (`00dc`, `01wb`...) belongs to.
fn stream_number(id: &[u8]) -> Option<usize> {
    match id.get(..2)? {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some(usize::from((a - b'0') * 10 + (b - b'0'))),
        _ => None,
    }
}

/// The end of the last data chunk a standard index chunk (`ix##`, at `at`,
/// `size` bytes by the super index) lists, from the last [`INDEX_WINDOW`]
/// bytes of its entries; None when it is not one or cannot be read.
fn index_chunk_end<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
    at: u64,
    size: u32,
) -> Option<u64> {
    let mut head = [0u8; IX_HEADER as usize];
    src.read_exact_at(at, &mut head).ok()?;
    let entry = u64::from(le_u16(&head, 8)?) * 4;
    // bIndexType 1: an index of chunks, each at least offset and size.
    if head.get(11) != Some(&1) || entry < 8 {
        return None;
    }
    let in_use = u64::from(le_u32(&head, 12)?);
    let base = u64::from_le_bytes(head.get(20..28)?.try_into().ok()?);
    let entries = at + IX_HEADER;
    let chunk_end = at + 8 + u64::from(le_u32(&head, 4)?);
    let [_, (from, to)] = ix_ranges(at, size);
    let to = to
        .min(chunk_end)
        .min(entries.saturating_add(in_use.saturating_mul(entry)));
    let from = entries + from.saturating_sub(entries).next_multiple_of(entry);
    let bytes = src
        .read_vec(from, to.checked_sub(from)?, INDEX_WINDOW, "ix chunk")
        .ok()?;
    bytes
        .chunks_exact(usize::try_from(entry).ok()?)
        .filter_map(|e| {
            // dwOffset points at the data, past the chunk header; the top
            // bit of dwSize marks a non-key frame.
            let offset = u64::from(le_u32(e, 0)?);
            let size = u64::from(le_u32(e, 4)? & 0x7FFF_FFFF);
            base.checked_add(offset)?.checked_add(size)
        })
        .max()
}

fn truncated(pos: u64) -> ProbeError {
    format!(
        "the AVI header ends at offset {pos}, before the media data (LIST movi): file truncated?"
    )
    .into()
}

/// Read `n` (≤ 64) bytes at `pos`, all of which must be in the file.
fn bytes_at<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
    pos: u64,
    n: usize,
) -> Result<Vec<u8>, ProbeError> {
    if pos.checked_add(n as u64).is_none_or(|end| end > src.len) {
        return Err(truncated(pos));
    }
    let mut buf = vec![0u8; n];
    src.read_exact_at(pos, &mut buf)?;
    Ok(buf)
}

fn read_header<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
) -> Result<Option<Header>, ProbeError> {
    let len = src.len;
    let riff = bytes_at(src, 0, 12)?;
    let riff_end = 8 + u64::from(le_u32(&riff, 4).unwrap_or(0));
    // FFmpeg's `fsize`: the file, or the RIFF size when that is larger.
    let fsize = len.max(riff_end);
    let mut streams: Vec<Stream> = Vec::new();
    let mut kind: Option<Kind> = None;
    let mut frame_period = 0u32;
    let mut list_end = 0u64;
    let mut pos = 12u64;
    for _ in 0..MAX_CHUNKS {
        let head = bytes_at(src, pos, 8)?;
        let tag = fourcc(&head, 0).unwrap_or_default();
        let size = le_u32(&head, 4).unwrap_or(0);
        let body = pos + 8;
        let size64 = u64::from(size);
        let padded = size64 + u64::from(size & 1);
        pos = match &tag {
            b"LIST" => {
                list_end = body + size64;
                let list = bytes_at(src, body, 4)?;
                match list.as_slice() {
                    b"movi" => {
                        return Ok(Some(Header {
                            streams,
                            data_offset: body + 4,
                            movi: Some((body, size)),
                        }));
                    }
                    b"INFO" => info_end(src, body + 4, size)?,
                    // Nikon's maker notes, read to the end of the list.
                    b"ncdt" => body + size64,
                    // hdrl, strl, odml...: their chunks are read in turn.
                    _ => body + 4,
                }
            }
            b"amvh" => return Ok(None),
            b"avih" => {
                let avih = bytes_at(src, body, 40)?;
                frame_period = le_u32(&avih, 0).unwrap_or(0);
                body + 40 + u64::from(size.wrapping_sub(40))
            }
            b"strh" => {
                let strh = bytes_at(src, body, 8)?;
                match strh.get(..4) {
                    Some(b"pads") => body + 8 + u64::from(size.wrapping_sub(8)),
                    // DV type-1: one interleaved stream FFmpeg splits itself.
                    Some(b"iavs" | b"ivas") => return Ok(None),
                    _ => {
                        if streams.len() >= MAX_STREAMS {
                            return Err(format!("more than {MAX_STREAMS} streams").into());
                        }
                        let strh = bytes_at(src, body, 48)?;
                        streams.push(stream_header(
                            &strh,
                            &mut kind,
                            frame_period,
                            (len, riff_end),
                        ));
                        body + 48 + u64::from(size.wrapping_sub(48))
                    }
                }
            }
            b"strf" => match streams.last_mut() {
                _ if size == 0 => body,
                None => body + size64,
                Some(stream) => {
                    // Clipped to the list it is in, as FFmpeg does.
                    let size = clip_to_list(body, size64, list_end);
                    if stream.format.is_some() {
                        body + size
                    } else {
                        stream_format(src, stream, kind, body, size, fsize)?
                    }
                }
            },
            b"strd" => match streams.last_mut() {
                Some(s) if !s.has_extradata && s.video_tag != Some(*b"H264") => {
                    let size = clip_to_list(body, size64, list_end);
                    if size < 1 << 30 {
                        if body + size > len {
                            return Err(truncated(body));
                        }
                        s.has_extradata |= size > 0;
                        body + size + (size & 1)
                    } else {
                        body
                    }
                }
                _ => body + size64,
            },
            b"indx" => {
                if let Some(stream) = streams.last_mut() {
                    stream.super_index = super_index(src, body, size64);
                }
                body + size64
            }
            b"vprp" => body + size64,
            b"IDIT" | b"dmlh" | b"idx1" => body + padded,
            b"strn" if !streams.is_empty() => body + padded,
            _ if size > HUGE_CHUNK => {
                return Ok(Some(Header {
                    streams,
                    data_offset: body,
                    movi: None,
                }));
            }
            _ => body + padded,
        };
    }
    Err(
        format!("no media data (LIST movi) among the first {MAX_CHUNKS} chunks of the AVI header")
            .into(),
    )
}

/// Where FFmpeg stops reading a `LIST INFO` whose sub-chunks start at
/// `start` (the list's size is `size`): at the end of the list when the
/// sub-chunks fit it; past a damaged one, the header walk goes on from where
/// FFmpeg gave up, as it does.
fn info_end<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
    start: u64,
    size: u32,
) -> Result<u64, ProbeError> {
    // FFmpeg's arithmetic: `size - 4` in 32 bits, then signed 64.
    let end = i128::from(start) + i128::from(size.wrapping_sub(4));
    let fits = |cur: u64, sub: u32| {
        let sub = i128::from(sub);
        !(sub > end || end - sub < i128::from(cur) || sub == i128::from(u32::MAX))
    };
    let mut cur = start;
    for _ in 0..MAX_CHUNKS {
        if i128::from(cur) > end - 8 {
            return Ok(cur);
        }
        let head = bytes_at(src, cur, 8)?;
        let (mut code, mut sub) = (le_u32(&head, 0), le_u32(&head, 4).unwrap_or(0));
        let mut next = cur + 8;
        if !fits(cur, sub) {
            // Perhaps a missing pad byte: FFmpeg reads the header again one
            // byte earlier, and gives up if that does not fit either.
            let again = bytes_at(src, cur - 1, 8)?;
            (code, sub) = (le_u32(&again, 0), le_u32(&again, 4).unwrap_or(0));
            next = cur + 7;
            if !fits(cur, sub) {
                return Ok(next);
            }
        }
        let sub = u64::from(sub) + u64::from(sub & 1);
        if code != Some(0) && next + sub > src.len {
            // FFmpeg reads the value and meets the end of the file.
            return Err(truncated(src.len));
        }
        cur = next + sub;
    }
    Err(format!("more than {MAX_CHUNKS} entries in the AVI's INFO list").into())
}

/// A `strh` chunk (its first 48 bytes).
fn stream_header(
    strh: &[u8],
    kind: &mut Option<Kind>,
    frame_period: u32,
    (len, riff_end): (u64, u64),
) -> Stream {
    let field = |at| le_u32(strh, at).unwrap_or(0);
    let (mut scale, mut rate) = (field(20), field(24));
    if scale == 0 || rate == 0 {
        // FFmpeg's repair of a broken time base.
        (scale, rate) = if frame_period != 0 {
            (frame_period, 1_000_000)
        } else {
            (1, 25)
        };
    }
    let length = field(32);
    // Read as a signed int; a negative sample size is taken as 0.
    let mut sample_size = i32::from_le_bytes(field(44).to_le_bytes()).max(0);
    match strh.get(..4) {
        Some(b"vids") => {
            *kind = Some(Kind::Video);
            sample_size = 0;
        }
        Some(b"auds") => *kind = Some(Kind::Audio),
        Some(b"txts") => *kind = Some(Kind::Subtitle),
        Some(b"dats") => *kind = Some(Kind::Data),
        _ => {}
    }
    let length = (sample_size == 0).then(|| {
        let mut frames = u64::from(length);
        if frames > 0 && len > 0 && riff_end > len {
            // A truncated file: the share of the frames that is there.
            frames = rescale(frames, len, riff_end).unwrap_or(frames);
        }
        frames
    });
    Stream {
        scale,
        rate,
        length,
        format: None,
        video_tag: None,
        has_extradata: false,
        super_index: Vec::new(),
    }
}

/// An OpenDML super index (`indx`, `size` bytes at `body`): its entries, or
/// none when it is another kind of index, too large or not all there.
fn super_index<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
    body: u64,
    size: u64,
) -> Vec<(u64, u32)> {
    let Ok(b) = src.read_vec(body, size, MAX_SUPER_INDEX, "indx") else {
        return Vec::new();
    };
    // wLongsPerEntry 4, bIndexType 0 (an index of indexes).
    if le_u16(&b, 0) != Some(4) || b.get(3) != Some(&0) {
        return Vec::new();
    }
    let in_use = le_u32(&b, 4).unwrap_or(0) as usize;
    b.get(24..)
        .unwrap_or_default()
        .chunks_exact(16)
        .take(in_use)
        .filter_map(|e| {
            let at = u64::from_le_bytes(e.get(..8)?.try_into().ok()?);
            Some((at, le_u32(e, 8)?))
        })
        .filter(|&(at, size)| at != 0 && size != 0)
        .collect()
}

/// A `strf` chunk of `size` bytes at `body`; returns where the next chunk
/// starts (where FFmpeg's reading of it stops).
fn stream_format<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
    stream: &mut Stream,
    kind: Option<Kind>,
    body: u64,
    size: u64,
    fsize: u64,
) -> Result<u64, ProbeError> {
    match kind {
        Some(Kind::Video) => {
            // BITMAPINFOHEADER: FFmpeg reads its 40 bytes whatever the size.
            let bih = bytes_at(src, body, 40)?;
            let header_size = u64::from(le_u32(&bih, 0).unwrap_or(0));
            let width = le_u32(&bih, 4).unwrap_or(0);
            let height = le_u32(&bih, 8).unwrap_or(0);
            let tag = fourcc(&bih, 16).unwrap_or_default();
            if matches!(&tag, b"DXSB" | b"DXSA") {
                // DivX subtitles (XSUB) dressed as video.
                stream.format = Some(Format::Text);
                return Ok(body + 40);
            }
            let extradata = if size > 40 && size < 1 << 30 && size < fsize {
                if header_size + 1 == size && header_size & 1 == 1 {
                    header_size - 40
                } else {
                    size - 40
                }
            } else {
                0
            };
            if body + 40 + extradata > src.len {
                return Err(truncated(body));
            }
            stream.has_extradata = extradata > 0;
            stream.video_tag = Some(tag);
            stream.format = Some(Format::Video {
                codec: video_codec(tag),
                // A negative width is nonsense; a negative height is a
                // top-down picture.
                width: i32::from_le_bytes(width.to_le_bytes()).try_into().ok(),
                height: Some(i32::from_le_bytes(height.to_le_bytes()).unsigned_abs()),
            });
            Ok(body + 40 + extradata + (extradata & 1))
        }
        Some(Kind::Audio) => {
            if size < 14 {
                return Err(format!(
                    "audio format (strf at offset {body}) of {size} bytes: too short"
                )
                .into());
            }
            if body + size > src.len {
                return Err(truncated(body));
            }
            let wave = bytes_at(src, body, usize::try_from(size.min(40)).unwrap_or(40))?;
            let (format, has_extradata) = wave_format(&wave, size);
            if let Format::Audio { sample_rate, .. } = format
                && i32::from_le_bytes(sample_rate.to_le_bytes()) <= 0
            {
                // FFmpeg refuses the whole file.
                return Err(format!("invalid audio sample rate {sample_rate}").into());
            }
            stream.format = Some(format);
            stream.has_extradata = has_extradata;
            Ok(body + size + (size & 1))
        }
        Some(Kind::Subtitle | Kind::Data) | None => {
            stream.format = Some(Format::Text);
            Ok(body + size)
        }
    }
}

/// WAVEFORMAT(EX/EXTENSIBLE): the first ≤ 40 bytes of a `strf` of `size`
/// bytes. Returns the format and whether codec extradata follows.
fn wave_format(w: &[u8], size: u64) -> (Format, bool) {
    let tag = le_u16(w, 0).unwrap_or(0);
    let channels = le_u16(w, 2).unwrap_or(0);
    let sample_rate = le_u32(w, 4).unwrap_or(0);
    let bit_rate = u64::from(le_u32(w, 8).unwrap_or(0)) * 8;
    let mut bits = if size == 14 {
        8
    } else {
        le_u16(w, 14).unwrap_or(0)
    };
    let mut codec = (tag != 0xFFFE)
        .then(|| audio_codec(u32::from(tag), bits))
        .flatten();
    let mut extradata = 0u64;
    if size >= 18 && tag != 0x0165 {
        let mut cb_size = u64::from(le_u16(w, 16).unwrap_or(0)).min(size - 18);
        if cb_size >= 22 && tag == 0xFFFE {
            // WAVEFORMATEXTENSIBLE: valid bits, channel mask, sub-format.
            let valid_bits = le_u16(w, 18).unwrap_or(0);
            if valid_bits != 0 {
                bits = valid_bits;
            }
            codec = w.get(24..40).and_then(|guid| sub_format(guid, bits));
            cb_size -= 22;
        }
        extradata = cb_size;
    }
    (
        Format::Audio {
            codec: codec.map(str::to_owned),
            sample_rate,
            channels,
            bit_rate,
        },
        extradata > 0,
    )
}

/// The codec of a WAVEFORMATEXTENSIBLE sub-format GUID.
fn sub_format(guid: &[u8], bits: u16) -> Option<&'static str> {
    /// KSDATAFORMAT_SUBTYPE_*: a format tag, then this.
    const BASE: [u8; 12] = [
        0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
    ];
    const GUIDS: [([u8; 16], &str); 3] = [
        (
            [
                0x2C, 0x80, 0x6D, 0xE0, 0x46, 0xDB, 0xCF, 0x11, 0xB4, 0xD1, 0x00, 0x80, 0x5F, 0x6C,
                0xBB, 0xEA,
            ],
            "ac3",
        ),
        (
            [
                0x2B, 0x80, 0x6D, 0xE0, 0x46, 0xDB, 0xCF, 0x11, 0xB4, 0xD1, 0x00, 0x80, 0x5F, 0x6C,
                0xBB, 0xEA,
            ],
            "mp2",
        ),
        (
            [
                0xAF, 0x87, 0xFB, 0xA7, 0x02, 0x2D, 0xFB, 0x42, 0xA4, 0xD4, 0x05, 0xCD, 0x93, 0x84,
                0x3B, 0xDD,
            ],
            "eac3",
        ),
    ];
    if guid.get(4..16) == Some(&BASE[..]) {
        return audio_codec(le_u32(guid, 0)?, bits);
    }
    GUIDS
        .iter()
        .find(|(g, _)| guid == &g[..])
        .map(|(_, name)| *name)
}

/// Round-half-up `a × b / c` (FFmpeg's `av_rescale`, for non-negative
/// values); None on overflow or division by zero.
fn rescale(a: u64, b: u64, c: u64) -> Option<u64> {
    let (a, b, c) = (u128::from(a), u128::from(b), u128::from(c));
    if c == 0 {
        return None;
    }
    let r = a.checked_mul(b)?.checked_add(c / 2)? / c;
    u64::try_from(r).ok()
}

/// `units` of a stream's time base in microseconds.
fn micros(units: u64, s: &Stream) -> Option<u64> {
    rescale(units, u64::from(s.scale) * MICROS, u64::from(s.rate))
}

/// The file's duration in microseconds, as ffprobe computes it; None when
/// it has none.
fn duration_us(h: &Header, len: u64) -> Option<u64> {
    let per_stream: Vec<(bool, u64)> = if h.streams.iter().any(|s| s.length.is_some()) {
        h.streams
            .iter()
            .filter_map(|s| Some((s.is_text(), micros(s.length?, s)?)))
            .collect()
    } else {
        // No stream says how long it is (CBR audio only): ffprobe divides
        // the bytes after the header by the declared bitrates.
        let bit_rate = h
            .streams
            .iter()
            .map(|s| match s.format {
                Some(Format::Audio { bit_rate, .. }) => bit_rate,
                _ => 0,
            })
            .try_fold(0u64, u64::checked_add)?;
        let bytes = len.checked_sub(h.data_offset).filter(|&b| b > 0)?;
        h.streams
            .iter()
            .filter_map(|s| {
                let c = bit_rate.checked_mul(u64::from(s.scale))?;
                let units = rescale(bytes, 8 * u64::from(s.rate), c)?;
                Some((s.is_text(), micros(units, s)?))
            })
            .collect()
    };
    let main = per_stream.iter().filter(|(t, _)| !t).map(|&(_, d)| d).max();
    let text = per_stream.iter().filter(|(t, _)| *t).map(|&(_, d)| d).max();
    // Subtitles and data count only when nothing else has a duration, or
    // when they outlast the rest by less than a second (FFmpeg's rule).
    let duration = match (main, text) {
        (Some(m), Some(t)) if m < t && t - m < MICROS => Some(t),
        (None, t) => t,
        (m, _) => m,
    };
    duration.filter(|&d| d > 0)
}

fn details(h: &Header, len: u64) -> Details {
    let video = h.streams.iter().find_map(|s| match &s.format {
        Some(Format::Video {
            codec,
            width,
            height,
        }) => Some((s, codec, *width, *height)),
        _ => None,
    });
    let audio = h.streams.iter().find_map(|s| match &s.format {
        Some(Format::Audio {
            codec,
            sample_rate,
            channels,
            ..
        }) => Some((codec, *sample_rate, *channels)),
        _ => None,
    });
    Details {
        info: VideoInfo {
            container: CONTAINER.to_owned(),
            duration_s: duration_us(h, len).map_or(0.0, |us| us as f64 / 1e6),
            codec: video.map(|(_, codec, ..)| codec.clone()),
            width: video.and_then(|(.., w, _)| w),
            height: video.and_then(|(.., h)| h),
            fps: video.map(|(s, ..)| f64::from(s.rate) / f64::from(s.scale)),
            audio_codec: audio.and_then(|(codec, ..)| codec.clone()),
            sample_rate: audio.map(|(_, rate, _)| rate),
            channels: audio.map(|(.., channels)| u32::from(channels)),
            has_cover_art: false,
            faststart: None,
            engine: "builtin",
        },
    }
}

/// ffprobe's name for a BITMAPINFOHEADER compression fourcc; an unknown one
/// keeps its text, so the stream still counts as video.
fn video_codec(tag: [u8; 4]) -> String {
    let upper = |t: [u8; 4]| t.map(|b| b.to_ascii_uppercase());
    let exact = VIDEO_CODECS.iter().find(|(_, tags)| tags.contains(&&tag));
    // FFmpeg retries a fourcc it does not know ignoring case.
    let found = exact.or_else(|| {
        VIDEO_CODECS
            .iter()
            .find(|(_, tags)| tags.iter().any(|&&t| upper(t) == upper(tag)))
    });
    match found {
        Some((name, _)) => (*name).to_owned(),
        None => {
            let raw = show(&tag);
            match raw.trim() {
                "" => "unknown".to_owned(),
                raw => raw.to_owned(),
            }
        }
    }
}

/// ffprobe's name for a WAVEFORMATEX format tag with `bits` per sample;
/// None when FFmpeg has none.
fn audio_codec(tag: u32, bits: u16) -> Option<&'static str> {
    let upper = |t: u32| u32::from_le_bytes(t.to_le_bytes().map(|b| b.to_ascii_uppercase()));
    let name = AUDIO_CODECS
        .iter()
        .find(|(t, _)| u32::from(*t) == tag)
        .or_else(|| {
            AUDIO_CODECS
                .iter()
                .find(|(t, _)| upper(u32::from(*t)) == upper(tag))
        })?
        .1;
    Some(match name {
        // Integer PCM: by whole bytes per sample (8-bit PCM is unsigned).
        "pcm_s16le" => match u32::from(bits).div_ceil(8) {
            _ if bits == 0 || bits > 64 => return None,
            1 => "pcm_u8",
            2 => "pcm_s16le",
            3 => "pcm_s24le",
            4 => "pcm_s32le",
            8 => "pcm_s64le",
            _ => return None,
        },
        "pcm_f32le" => match bits {
            32 => "pcm_f32le",
            64 => "pcm_f64le",
            _ => return None,
        },
        "adpcm_ima_wav" if bits == 8 => "pcm_zork",
        name => name,
    })
}

/// WAVEFORMATEX format tags, as ffprobe 5.1 names them, plus 0x1610
/// (HE-AAC), which 5.1 leaves unnamed and newer FFmpeg tables call `aac`.
/// Tags FFmpeg matches only ignoring case (0x0141 for 0x0161...) are left to
/// `audio_codec`'s second pass.
const AUDIO_CODECS: &[(u16, &str)] = &[
    (0x0001, "pcm_s16le"),
    (0x0002, "adpcm_ms"),
    (0x0003, "pcm_f32le"),
    (0x0006, "pcm_alaw"),
    (0x0007, "pcm_mulaw"),
    (0x000A, "wmavoice"),
    (0x0010, "adpcm_ima_oki"),
    (0x0011, "adpcm_ima_wav"),
    (0x0014, "adpcm_g726"),
    (0x0017, "adpcm_ima_oki"),
    (0x0020, "adpcm_yamaha"),
    (0x0022, "truespeech"),
    (0x0031, "gsm_ms"),
    (0x0032, "gsm_ms"),
    (0x0038, "amr_nb"),
    (0x0040, "adpcm_g726"),
    (0x0042, "g723_1"),
    (0x0045, "adpcm_g726"),
    (0x0050, "mp2"),
    (0x0055, "mp3"),
    (0x0057, "amr_nb"),
    (0x0058, "amr_wb"),
    (0x0061, "adpcm_ima_dk4"),
    (0x0062, "adpcm_ima_dk3"),
    (0x0064, "adpcm_g726"),
    (0x0069, "adpcm_ima_wav"),
    (0x0075, "metasound"),
    (0x0083, "g729"),
    (0x00FF, "aac"),
    (0x0111, "g723_1"),
    (0x0130, "sipr"),
    (0x0135, "acelp.kelvin"),
    (0x0160, "wmav1"),
    (0x0161, "wmav2"),
    (0x0162, "wmapro"),
    (0x0163, "wmalossless"),
    (0x0165, "xma1"),
    (0x0166, "xma2"),
    (0x0200, "adpcm_ct"),
    (0x0215, "dvaudio"),
    (0x0216, "dvaudio"),
    (0x0270, "atrac3"),
    (0x028E, "msnsiren"),
    (0x028F, "adpcm_g722"),
    (0x0401, "imc"),
    (0x0402, "iac"),
    (0x0500, "avc"),
    (0x1500, "gsm_ms"),
    (0x1501, "truespeech"),
    (0x1600, "aac"),
    (0x1602, "aac_latm"),
    (0x1610, "aac"),
    (0x2000, "ac3"),
    (0x2001, "dts"),
    (0x2048, "sonic"),
    (0x4143, "aac"),
    (0x5346, "adpcm_swf"),
    (0x566F, "vorbis"),
    (0x6C75, "pcm_mulaw"),
    (0x706D, "aac"),
    (0xA100, "g723_1"),
    (0xA106, "aac"),
    (0xA109, "speex"),
    (0xF1AC, "flac"),
];

/// BITMAPINFOHEADER compression fourccs, as ffprobe 5.1 names them. Each
/// spelling is listed once; other cases of the same letters are found by
/// `video_codec`'s second pass, as in FFmpeg.
#[rustfmt::skip]
const VIDEO_CODECS: &[(&str, &[&[u8; 4]])] = &[
    ("rawvideo", &[b"I420", b"YUY2", b"Y422", b"V422", b"YUNV", b"UYNV", b"UYNY", b"uyv1", b"2Vu1",
        b"2vuy", b"yuvs", b"yuv2", b"P422", b"YV12", b"YV16", b"YV24", b"UYVY", b"VYUY", b"IYUV",
        b"Y800", b"Y8  ", b"HDYC", b"YVU9", b"VDTZ", b"Y411", b"NV12", b"NV21", b"Y41B", b"Y42B",
        b"YUV9", b"auv2", b"YVYU", b"YUYV", b"I410", b"I411", b"I422", b"I440", b"I444", b"J420",
        b"J422", b"J440", b"J444", b"YUVA", b"I40A", b"I42A", b"RGB2", b"RV15", b"RV16", b"RV24",
        b"RV32", b"RGBA", b"AV32", b"GREY", b"b16g", b"b48r", b"\0\0\0\0", b"\x03\0\0\0", b"BGRA"]),
    ("mpeg4", &[b"FMP4", b"DIVX", b"DX50", b"XVID", b"MP4S", b"M4S2", b"ZMP4", b"DIV1", b"BLZ0",
        b"mp4v", b"UMP4", b"WV1F", b"SEDG", b"RMP4", b"3IV2", b"WAWV", b"FFDS", b"FVFW", b"DCOD",
        b"MVXM", b"PM4V", b"SMP4", b"DXGM", b"VIDM", b"M4T3", b"GEOX", b"G264", b"HDX4", b"DM4V",
        b"DMK2", b"DYM4", b"DIGI", b"EPHV", b"EM4A", b"M4CC", b"SN40", b"VSPX", b"ULDX", b"GEOV",
        b"SIPP", b"SM4V", b"XVIX", b"DreX", b"QMP4", b"PLV1", b"GLV4", b"GMP4", b"MNM4", b"GTM4",
        b"\x04\0\0\0", b"\x04\0\0\x10"]),
    ("mjpeg", &[b"MJPG", b"MSC2", b"LJPG", b"dmb1", b"mjpa", b"JR24", b"JPGL", b"jpeg", b"IJPG",
        b"AVRn", b"ACDV", b"QIVG", b"SLMJ", b"CJPG", b"IJLV", b"MVJP", b"AVI1", b"AVI2", b"MTSJ",
        b"ZJPG", b"MMJP"]),
    ("mpeg2video", &[b"mpg2", b"MPEG", b"PIM2", b"VCR2", b"DVR ", b"MMES", b"LMP2", b"slif",
        b"EM2V", b"M701", b"M702", b"M703", b"M704", b"M705", b"mpgv", b"\x02\0\0\x10"]),
    ("utvideo", &[b"ULRA", b"ULRG", b"ULY0", b"ULY2", b"ULY4", b"UQY2", b"UQRA", b"UQRG", b"ULH0",
        b"ULH2", b"ULH4", b"UMY2", b"UMH2", b"UMY4", b"UMH4", b"UMRG", b"UMRA"]),
    ("h264", &[b"H264", b"X264", b"avc1", b"DAVC", b"SMV2", b"VSSH", b"Q264", b"V264", b"GAVC",
        b"UMSV", b"tshd", b"INMC"]),
    ("dvvideo", &[b"dvsd", b"dvhd", b"dvh1", b"dvsl", b"dv25", b"dv50", b"cdvc", b"CDVH", b"CDV5",
        b"dvc ", b"dvcs"]),
    ("h263", &[b"H263", b"X263", b"T263", b"L263", b"VX1K", b"ZyGo", b"M263", b"lsvm", b"U263",
        b"VSM4"]),
    ("msmpeg4v3", &[b"MP43", b"DIV3", b"MPG3", b"DIV5", b"DIV6", b"DIV4", b"DVX3", b"AP41",
        b"COL1", b"COL0"]),
    ("speedhq", &[b"SHQ0", b"SHQ1", b"SHQ2", b"SHQ3", b"SHQ4", b"SHQ5", b"SHQ7", b"SHQ9"]),
    ("msvideo1", &[b"MSVC", b"CRAM", b"WHAM"]),
    ("hevc", &[b"HEVC", b"H265", b"hev1", b"hvc1"]),
    ("mpeg1video", &[b"mpg1", b"PIM1", b"BW10", b"XMPG", b"\x01\0\0\x10"]),
    ("prores", &[b"apcn", b"apch", b"apco", b"apcs", b"ap4h"]),
    ("hap", &[b"Hap1", b"Hap5", b"HapY", b"HapM", b"HapA"]),
    ("msrle", &[b"mrle", b"WRLE", b"\x01\0\0\0", b"\x02\0\0\0"]),
    ("jpeg2000", &[b"mjp2", b"MJ2C", b"LJ2C", b"LJ2K"]),
    ("vp6", &[b"VP60", b"VP61", b"VP62"]),
    ("qpeg", &[b"QPEG", b"Q1.0", b"Q1.1"]),
    ("png", &[b"MPNG", b"PNG1", b"png "]),
    ("rpza", &[b"azpr", b"RPZA"]),
    ("g2m", &[b"G2M2", b"G2M3", b"G2M4"]),
    ("msmpeg4v2", &[b"MP42", b"DIV2"]),
    ("msmpeg4v1", &[b"MPG4", b"MP41"]),
    ("vc1", &[b"WVC1", b"WMVA"]),
    ("indeo3", &[b"IV31", b"IV32"]),
    ("vp3", &[b"VP31", b"VP30"]),
    ("vp6f", &[b"VP6F", b"FLV4"]),
    ("vp7", &[b"VP70", b"VP71"]),
    ("av1", &[b"AV01"]),
    ("truemotion1", &[b"DUCK", b"PVEZ"]),
    ("kgv1", &[b"kgv1"]),
    ("dnxhd", &[b"AVdn", b"AVdh"]),
    ("cllc", &[b"cllc"]),
    ("h263i", &[b"I263"]),
    ("h261", &[b"H261"]),
    ("wmv1", &[b"WMV1"]),
    ("wmv2", &[b"WMV2"]),
    ("wmv3", &[b"WMV3"]),
    ("wmv3image", &[b"WMVP"]),
    ("vc1image", &[b"WVP2"]),
    ("jpegls", &[b"MJLS"]),
    ("huffyuv", &[b"HFYU"]),
    ("ffvhuff", &[b"FFVH"]),
    ("cyuv", &[b"CYUV"]),
    ("targa_y216", &[b"Y216"]),
    ("ayuv", &[b"AYUV"]),
    ("v308", &[b"v308"]),
    ("v408", &[b"v408"]),
    ("v410", &[b"v410"]),
    ("frwu", &[b"FRWU"]),
    ("r10k", &[b"R10k"]),
    ("r210", &[b"r210"]),
    ("v210", &[b"v210"]),
    ("indeo4", &[b"IV41"]),
    ("indeo5", &[b"IV50"]),
    ("vp4", &[b"VP40"]),
    ("vp5", &[b"VP50"]),
    ("vp8", &[b"VP80"]),
    ("vp9", &[b"VP90"]),
    ("asv1", &[b"ASV1"]),
    ("asv2", &[b"ASV2"]),
    ("vcr1", &[b"VCR1"]),
    ("ffv1", &[b"FFV1"]),
    ("xan_wc4", &[b"Xxan"]),
    ("mimic", &[b"LM20"]),
    ("cinepak", &[b"cvid"]),
    ("mszh", &[b"MSZH"]),
    ("zlib", &[b"ZLIB"]),
    ("snow", &[b"SNOW"]),
    ("4xm", &[b"4XMV"]),
    ("flv1", &[b"FLV1"]),
    ("flashsv", &[b"FSV1"]),
    ("svq1", &[b"svq1"]),
    ("tscc", &[b"tscc"]),
    ("tscc2", &[b"TSC2"]),
    ("ulti", &[b"ULTI"]),
    ("vixl", &[b"VIXL"]),
    ("loco", &[b"LOCO"]),
    ("wnv1", &[b"WNV1"]),
    ("aasc", &[b"AASC"]),
    ("indeo2", &[b"RT21"]),
    ("fraps", &[b"FPS1"]),
    ("theora", &[b"theo"]),
    ("truemotion2", &[b"TM20"]),
    ("cscd", &[b"CSCD"]),
    ("zmbv", &[b"ZMBV"]),
    ("kmvc", &[b"KMVC"]),
    ("cavs", &[b"CAVS"]),
    ("vmnc", &[b"VMnc"]),
    ("targa", &[b"tga "]),
    ("cljr", &[b"CLJR"]),
    ("dirac", &[b"drac"]),
    ("sp5x", &[b"SP54"]),
    ("aura", &[b"AURA"]),
    ("aura2", &[b"AUR2"]),
    ("dpx", &[b"dpx "]),
    ("lagarith", &[b"LAGS"]),
    ("vble", &[b"VBLE"]),
    ("dxtory", &[b"xtor"]),
    ("zerocodec", &[b"ZECO"]),
    ("mss1", &[b"MSS1"]),
    ("mss2", &[b"MSS2"]),
    ("mts2", &[b"MTS2"]),
    ("fic", &[b"FICV"]),
    ("ylc", &[b"YLC0"]),
    ("hqx", &[b"CHQX"]),
    ("screenpresso", &[b"SPV1"]),
    ("cfhd", &[b"CFHD"]),
    ("mvdv", &[b"MVDV"]),
    ("aic", &[b"icod"]),
    ("magicyuv", &[b"MAGY"]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::ProbeOutcome;
    use crate::probe::builtin::tests::{Counting, run};
    use std::io::Cursor;

    fn chunk(tag: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = tag.to_vec();
        v.extend((body.len() as u32).to_le_bytes());
        v.extend(body);
        if body.len() % 2 == 1 {
            v.push(0);
        }
        v
    }

    fn list(kind: &[u8; 4], children: &[Vec<u8>]) -> Vec<u8> {
        chunk(b"LIST", &[kind.to_vec(), children.concat()].concat())
    }

    fn u32s(values: &[u32]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// `strh`: type, handler, then scale, rate, length and sample size.
    fn strh(
        kind: &[u8; 4],
        handler: &[u8; 4],
        time: (u32, u32),
        length: u32,
        sample: u32,
    ) -> Vec<u8> {
        let mut b = [kind.as_slice(), handler].concat();
        b.extend(u32s(&[
            0,
            0,
            0,
            time.0,
            time.1,
            0,
            length,
            0,
            u32::MAX,
            sample,
            0,
            0,
        ]));
        chunk(b"strh", &b)
    }

    fn video_strl(tag: &[u8; 4], size: (i32, i32), fps: u32, frames: u32) -> Vec<u8> {
        let mut bih = u32s(&[40, size.0 as u32, size.1 as u32]);
        bih.extend([1, 0, 24, 0]);
        bih.extend(tag);
        bih.extend(u32s(&[0; 5]));
        list(
            b"strl",
            &[
                strh(b"vids", tag, (1, fps), frames, 0),
                chunk(b"strf", &bih),
                chunk(b"JUNK", &[0; 100]),
            ],
        )
    }

    /// WAVEFORMATEX without extra bytes.
    fn wave(tag: u16, channels: u16, rate: u32, byte_rate: u32, align: u16, bits: u16) -> Vec<u8> {
        let mut w = [tag.to_le_bytes(), channels.to_le_bytes()].concat();
        w.extend(u32s(&[rate, byte_rate]));
        w.extend([align.to_le_bytes(), bits.to_le_bytes(), [0, 0]].concat());
        w
    }

    fn audio_strl(time: (u32, u32), length: u32, sample: u32, format: &[u8]) -> Vec<u8> {
        list(
            b"strl",
            &[
                strh(b"auds", &[0; 4], time, length, sample),
                chunk(b"strf", format),
            ],
        )
    }

    fn mp3_strl(frames: u32) -> Vec<u8> {
        audio_strl(
            (1152, 44100),
            frames,
            0,
            &wave(0x55, 2, 44100, 16000, 1152, 0),
        )
    }

    /// An `idx1` entry (offsets relative to the `movi` list type).
    fn idx1_entry(id: &[u8; 4], offset: u32, size: u32) -> Vec<u8> {
        [id.to_vec(), u32s(&[0x10, offset, size])].concat()
    }

    /// RIFF AVI with `hdrl` holding `strls` (and `extra` chunks after them),
    /// `movi` of one `00dc` chunk of `payload` bytes, and `idx1` listing it
    /// (and an empty entry).
    fn avi(strls: &[Vec<u8>], extra: &[Vec<u8>], payload: usize) -> Vec<u8> {
        let avih = chunk(
            b"avih",
            &u32s(&[40000, 0, 0, 0x10, 0, 0, 2, 0, 320, 240, 0, 0, 0, 0]),
        );
        let hdrl = list(
            b"hdrl",
            &[vec![avih], strls.to_vec(), extra.to_vec()].concat(),
        );
        let movi = list(b"movi", &[chunk(b"00dc", &vec![0xAB; payload])]);
        let idx1 = [idx1_entry(b"00dc", 4, payload as u32), vec![0; 16]].concat();
        let body = [b"AVI ".to_vec(), hdrl, movi, chunk(b"idx1", &idx1)].concat();
        chunk(b"RIFF", &body)
    }

    fn info(out: Option<ProbeOutcome>) -> VideoInfo {
        out.and_then(|o| o.info().cloned())
            .expect("a parsed outcome")
    }

    #[test]
    fn video_and_mp3_audio() {
        let file = avi(
            &[video_strl(b"XVID", (320, -240), 25, 250), mp3_strl(383)],
            &[],
            1000,
        );
        let out = run(&file, "avi");
        assert!(matches!(out, Some(ProbeOutcome::Video(_))), "{out:?}");
        let i = info(out);
        assert_eq!(i.container, "avi");
        assert_eq!(i.codec.as_deref(), Some("mpeg4"));
        assert_eq!((i.width, i.height), (Some(320), Some(240)));
        assert_eq!(i.fps, Some(25.0));
        assert_eq!(i.audio_codec.as_deref(), Some("mp3"));
        assert_eq!((i.sample_rate, i.channels), (Some(44100), Some(2)));
        // The longer stream: 383 × 1152 / 44100 s, to the microsecond.
        assert_eq!(i.duration_s, 10.004_898);
        assert_eq!(i.engine, "builtin");
    }

    #[test]
    fn audio_only_is_no_video_and_pcm_duration_comes_from_the_bitrate() {
        // 16-bit stereo PCM: a fixed sample size, so strh gives no length.
        let pcm = wave(1, 2, 44100, 176_400, 4, 16);
        let file = avi(&[audio_strl((1, 44100), 44100, 4, &pcm)], &[], 176_400);
        let Some(ProbeOutcome::NoVideoStream(i)) = run(&file, "avi") else {
            panic!()
        };
        assert_eq!(i.audio_codec.as_deref(), Some("pcm_s16le"));
        // (bytes after "movi") × 8 / bitrate: the chunk header and idx1 too.
        let after_movi = 8 + 176_400 + 8 + 32;
        let expected = (after_movi as f64 / 176_400.0 * 1e6).round() / 1e6;
        assert_eq!(i.duration_s, expected);
        let mp3_only = avi(&[mp3_strl(383)], &[], 100);
        let Some(ProbeOutcome::NoVideoStream(i)) = run(&mp3_only, "avi") else {
            panic!()
        };
        assert_eq!(
            (i.audio_codec.as_deref(), i.duration_s),
            (Some("mp3"), 10.004_898)
        );
    }

    fn probe_bytes(file: &[u8]) -> Option<Result<Details, ProbeError>> {
        crate::probe::builtin::probe_details(
            &mut Cursor::new(file),
            file.len() as u64,
            Some(crate::formats::Family::Avi),
        )
    }

    fn is_cut_short(file: &[u8]) -> bool {
        matches!(probe_bytes(file), Some(Err(ProbeError::CutShort(_))))
    }

    /// Issue 12: cut before the end of `LIST movi`, the media data is gone
    /// (and idx1 with it): cut short. Cut inside idx1, all the data is
    /// there: a video, its length scaled by the share of the file there, as
    /// ffprobe does.
    #[test]
    fn truncation_is_cut_short_until_the_media_data_is_whole() {
        let file = avi(&[video_strl(b"MJPG", (64, 48), 25, 100)], &[], 20_000);
        let movi = file.windows(4).position(|w| w == b"movi").unwrap();
        let idx1 = file.windows(4).position(|w| w == b"idx1").unwrap();
        let riff_end = file.len() as u64;
        assert!(matches!(probe_bytes(&file), Some(Ok(_))));
        for cut in 0..file.len() {
            let out = run(&file[..cut], "avi");
            if (8..12).contains(&cut) {
                // Not enough to tell it is an AVI: ffprobe decides.
                assert_eq!(out, None, "cut {cut}");
            } else if cut < movi + 4 {
                assert!(
                    matches!(out, Some(ProbeOutcome::Unreadable(_))),
                    "cut {cut}: {out:?}"
                );
                assert!(!is_cut_short(&file[..cut]), "cut {cut}");
            } else if cut < idx1 {
                assert!(is_cut_short(&file[..cut]), "cut {cut}");
                assert!(
                    matches!(out, Some(ProbeOutcome::Unreadable(_))),
                    "cut {cut}: {out:?}"
                );
            } else {
                let frames = rescale(100, cut as u64, riff_end).unwrap();
                assert!(
                    matches!(out, Some(ProbeOutcome::Video(_))),
                    "cut {cut}: {out:?}"
                );
                assert_eq!(info(out).duration_s, frames as f64 / 25.0, "cut {cut}");
            }
        }
    }

    /// Where idx1 points is checked against the file, whatever the RIFF
    /// and movi sizes say: relative offsets, absolute offsets, the video's
    /// entries only.
    #[test]
    fn idx1_entries_must_lie_inside_the_file() {
        let whole = avi(
            &[video_strl(b"DIVX", (32, 32), 10, 50), mp3_strl(10)],
            &[],
            1000,
        );
        let movi_list = whole.windows(4).position(|w| w == b"movi").unwrap() as u32;
        let idx1 = whole.windows(4).position(|w| w == b"idx1").unwrap();
        let with_idx1 = |entries: &[Vec<u8>]| {
            let mut f = whole[..idx1].to_vec();
            f.extend(chunk(b"idx1", &entries.concat()));
            let riff = (f.len() - 8) as u32;
            f[4..8].copy_from_slice(&riff.to_le_bytes());
            f
        };
        // The one video chunk, where it is.
        let fine = with_idx1(&[idx1_entry(b"00dc", 4, 1000)]);
        assert!(matches!(probe_bytes(&fine), Some(Ok(_))));
        // Offsets past the end of the file: relative, then absolute.
        let far = with_idx1(&[idx1_entry(b"00dc", 4, 1000), idx1_entry(b"00dc", 2000, 500)]);
        assert!(is_cut_short(&far));
        let absolute = movi_list + 4;
        let far_abs = with_idx1(&[
            idx1_entry(b"00dc", absolute, 1000),
            idx1_entry(b"00dc", absolute + 1008, 1000),
        ]);
        assert!(is_cut_short(&far_abs));
        let near_abs = with_idx1(&[idx1_entry(b"00dc", absolute, 1000)]);
        assert!(matches!(probe_bytes(&near_abs), Some(Ok(_))));
        // Other streams' entries are not the video's.
        let audio_far = with_idx1(&[idx1_entry(b"00dc", 4, 1000), idx1_entry(b"01wb", 9000, 10)]);
        assert!(matches!(probe_bytes(&audio_far), Some(Ok(_))));
        // A RIFF size larger than the file is no evidence either way.
        let mut big_riff = fine.clone();
        big_riff[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(probe_bytes(&big_riff), Some(Ok(_))));
    }

    /// Without idx1, a `movi` list of size 0 or 0xFFFFFFFF (never written)
    /// says nothing; one that ends past the file is cut short.
    #[test]
    fn without_an_index_the_movi_size_decides() {
        let whole = avi(&[video_strl(b"DIVX", (32, 32), 10, 50)], &[], 1000);
        let movi = whole.windows(4).position(|w| w == b"movi").unwrap();
        let idx1 = whole.windows(4).position(|w| w == b"idx1").unwrap();
        let mut no_index = whole[..idx1].to_vec();
        assert!(matches!(probe_bytes(&no_index), Some(Ok(_))));
        no_index.truncate(idx1 - 1);
        assert!(is_cut_short(&no_index));
        no_index[movi - 4..movi].copy_from_slice(&[0; 4]);
        assert!(matches!(probe_bytes(&no_index), Some(Ok(_))));
        // FFmpeg writing to a pipe leaves every size at 0xFFFFFFFF.
        no_index[movi - 4..movi].copy_from_slice(&[0xFF; 4]);
        assert!(matches!(probe_bytes(&no_index), Some(Ok(_))));
    }

    /// OpenDML: the super index places the video's standard index chunks;
    /// those, and the data the last one lists, must lie inside the file.
    #[test]
    fn opendml_index_must_lie_inside_the_file() {
        // Layout: hdrl (with indx), movi [00dc data, ix00], idx1. The indx
        // entry's offset is patched in once the file is built.
        let make = |data_size: u32, ix_size_bias: i64| {
            let mut bih = u32s(&[40, 32, 32, 0x0018_0001]);
            bih.extend(b"DIVX");
            bih.extend(u32s(&[0; 5]));
            let mut indx = vec![4u8, 0, 0, 0];
            indx.extend(1u32.to_le_bytes());
            indx.extend(b"00dc");
            indx.extend([0; 12]);
            indx.extend(u64::MAX.to_le_bytes()); // qwOffset, patched
            indx.extend(u32s(&[40, 50]));
            let strl = list(
                b"strl",
                &[
                    strh(b"vids", b"DIVX", (1, 10), 50, 0),
                    chunk(b"strf", &bih),
                    chunk(b"indx", &indx),
                ],
            );
            let mut file = avi(&[strl], &[], 1000);
            let movi = file.windows(4).position(|w| w == b"movi").unwrap() as u64;
            // ix00: base = movi list, one entry: data at +12, `data_size`.
            let mut ix = vec![2u8, 0, 0, 1];
            ix.extend(1u32.to_le_bytes());
            ix.extend(b"00dc");
            ix.extend(movi.to_le_bytes());
            ix.extend([0; 4]);
            ix.extend(u32s(&[12, data_size | 0x8000_0000]));
            let ix = chunk(b"ix00", &ix);
            let at = file.len() as u64;
            let ix_len = ix.len() as i64 + ix_size_bias;
            file.extend(ix);
            let riff = (file.len() - 8) as u32;
            file[4..8].copy_from_slice(&riff.to_le_bytes());
            let p = file.windows(4).position(|w| w == b"indx").unwrap() + 8 + 24;
            file[p..p + 8].copy_from_slice(&at.to_le_bytes());
            file[p + 8..p + 12].copy_from_slice(&(ix_len as u32).to_le_bytes());
            file
        };
        let whole = make(1000, 0);
        assert!(
            matches!(probe_bytes(&whole), Some(Ok(_))),
            "{:?}",
            probe_bytes(&whole)
        );
        // The data the index chunk lists runs past the end.
        let far = make(1_000_000, 0);
        assert!(is_cut_short(&far));
        // The index chunk itself is cut off.
        let len = whole.len();
        assert!(is_cut_short(&whole[..len - 4]));
        assert!(is_cut_short(&make(1000, 100)));
        // An index chunk that is not one says nothing.
        let mut odd = whole.clone();
        assert_eq!(&odd[len - 40..len - 36], b"ix00");
        odd[len - 40 + 11] = 0; // bIndexType: an index of indexes
        assert!(matches!(probe_bytes(&odd), Some(Ok(_))));
    }

    #[test]
    fn opendml_length_is_the_stream_header_s() {
        // avih counts the first RIFF only, dmlh everything; FFmpeg (and so
        // ffprobe) takes strh.dwLength, 500 frames here.
        let video = list(
            b"strl",
            &[
                strh(b"vids", b"H264", (1001, 30000), 500, 0),
                chunk(
                    b"strf",
                    &[
                        u32s(&[40, 1920, 1080, 0x0018_0001]),
                        b"H264".to_vec(),
                        u32s(&[0; 5]),
                    ]
                    .concat(),
                ),
                chunk(b"indx", &[0; 4096]),
            ],
        );
        let odml = list(b"odml", &[chunk(b"dmlh", &u32s(&[999; 62]))]);
        let mut file = avi(&[video], &[odml], 1000);
        let avix = list(b"movi", &[chunk(b"00dc", &[0; 500])]);
        file.extend(chunk(b"RIFF", &[b"AVIX".to_vec(), avix].concat()));
        let i = info(run(&file, "avi"));
        assert_eq!(i.codec.as_deref(), Some("h264"));
        assert_eq!(i.duration_s, 16.683_333);
        assert!((i.fps.unwrap() - 29.97).abs() < 0.001);
        // Cut inside the AVIX part: the first RIFF is whole, nothing scales.
        let cut = file.len() - 300;
        assert_eq!(info(run(&file[..cut], "avi")).duration_s, 16.683_333);
    }

    #[test]
    fn codec_names() {
        assert_eq!(video_codec(*b"FMP4"), "mpeg4");
        assert_eq!(video_codec(*b"xvid"), "mpeg4");
        assert_eq!(video_codec(*b"Divx"), "mpeg4");
        assert_eq!(video_codec(*b"x264"), "h264");
        assert_eq!(video_codec(*b"HEVC"), "hevc");
        assert_eq!(video_codec(*b"MJPG"), "mjpeg");
        assert_eq!(video_codec([0; 4]), "rawvideo");
        assert_eq!(video_codec(*b"ABCD"), "ABCD");
        assert_eq!(video_codec(*b"AB\x01 "), "AB?");
        assert_eq!(video_codec(*b"    "), "unknown");
        assert_eq!(audio_codec(1, 16), Some("pcm_s16le"));
        assert_eq!(audio_codec(1, 8), Some("pcm_u8"));
        assert_eq!(audio_codec(1, 20), Some("pcm_s24le"));
        assert_eq!(audio_codec(1, 32), Some("pcm_s32le"));
        assert_eq!(audio_codec(1, 40), None);
        assert_eq!(audio_codec(1, 0), None);
        assert_eq!(audio_codec(3, 32), Some("pcm_f32le"));
        assert_eq!(audio_codec(3, 64), Some("pcm_f64le"));
        assert_eq!(audio_codec(3, 16), None);
        assert_eq!(audio_codec(0x11, 8), Some("pcm_zork"));
        assert_eq!(audio_codec(0x2000, 0), Some("ac3"));
        assert_eq!(audio_codec(0xFF, 0), Some("aac"));
        assert_eq!(audio_codec(0x0141, 0), Some("wmav2"));
        assert_eq!(audio_codec(0x1234, 16), None);
        assert_eq!(audio_codec(0x0001_0055, 0), None);
    }

    #[test]
    fn extensible_wave_formats() {
        let extensible = |valid_bits: u16, guid: [u8; 16]| {
            let mut w = wave(0xFFFE, 6, 48000, 864_000, 18, 32);
            w.truncate(16);
            w.extend(22u16.to_le_bytes());
            w.extend(valid_bits.to_le_bytes());
            w.extend(0x3Fu32.to_le_bytes());
            w.extend(guid);
            let size = w.len() as u64;
            wave_format(&w, size)
        };
        let pcm = [
            1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71,
        ];
        let (f, extra) = extensible(24, pcm);
        assert!(!extra);
        assert!(
            matches!(&f, Format::Audio { codec: Some(c), channels: 6, .. } if c == "pcm_s24le"),
            "{f:?}"
        );
        let (f, _) = extensible(0, pcm);
        assert!(matches!(&f, Format::Audio { codec: Some(c), .. } if c == "pcm_s32le"));
        let eac3 = [
            0xAF, 0x87, 0xFB, 0xA7, 0x02, 0x2D, 0xFB, 0x42, 0xA4, 0xD4, 0x05, 0xCD, 0x93, 0x84,
            0x3B, 0xDD,
        ];
        let (f, _) = extensible(16, eac3);
        assert!(matches!(&f, Format::Audio { codec: Some(c), .. } if c == "eac3"));
        let (f, _) = extensible(16, [7; 16]);
        assert!(matches!(f, Format::Audio { codec: None, .. }));
    }

    #[test]
    fn variants_left_to_ffprobe() {
        let dv = list(b"strl", &[strh(b"iavs", b"dvsd", (1, 25), 10, 0)]);
        assert_eq!(run(&avi(&[dv], &[], 10), "avi"), None);
        let mut amv = avi(&[], &[], 10);
        let at = amv.windows(4).position(|w| w == b"avih").unwrap();
        amv[at..at + 4].copy_from_slice(b"amvh");
        assert_eq!(run(&amv, "avi"), None);
    }

    #[test]
    fn odd_but_valid_headers() {
        // A huge chunk of an unknown type ends the header, as in FFmpeg.
        let junk = b"JUNK\x80\x84\x1e\x00".to_vec(); // 2,000,000 bytes, not there
        let file = avi(&[video_strl(b"DIVX", (32, 32), 10, 50)], &[junk], 0);
        let i = info(run(&file, "avi"));
        assert_eq!((i.codec.as_deref(), i.duration_s), (Some("mpeg4"), 5.0));
        // No streams at all: parsed, no video, no duration.
        let out = run(&avi(&[], &[], 10), "avi");
        assert!(matches!(&out, Some(ProbeOutcome::NoVideoStream(i)) if i.duration_s == 0.0));
        // A zero length: a video without duration.
        let file = avi(&[video_strl(b"DIVX", (32, 32), 10, 0)], &[], 10);
        assert!(matches!(
            run(&file, "avi"),
            Some(ProbeOutcome::ZeroDuration(_))
        ));
        // A broken time base is repaired from avih's frame period (40 ms).
        let file = avi(&[video_strl(b"DIVX", (32, 32), 0, 50)], &[], 10);
        assert_eq!(info(run(&file, "avi")).duration_s, 2.0);
    }

    #[test]
    fn hostile_headers_are_bounded() {
        // 20,000 empty JUNK chunks before the media data: refused after
        // MAX_CHUNKS, having read a few bytes per chunk.
        let many = vec![chunk(b"JUNK", &[]); 20_000];
        let file = avi(&[], &many, 10);
        let mut r = Counting {
            inner: Cursor::new(&file),
            read: 0,
        };
        let out = crate::probe::builtin::probe(
            &mut r,
            file.len() as u64,
            Some(crate::formats::Family::Avi),
        );
        assert!(matches!(out, Some(ProbeOutcome::Unreadable(_))), "{out:?}");
        assert!(r.read < 16 * MAX_CHUNKS as u64, "read {} bytes", r.read);
        // Too many streams.
        let strl = video_strl(b"DIVX", (8, 8), 10, 5);
        let file = avi(&vec![strl; MAX_STREAMS + 1], &[], 10);
        assert!(matches!(
            run(&file, "avi"),
            Some(ProbeOutcome::Unreadable(_))
        ));
        // Sizes that wrap or point far past the end.
        for size in [0u32, 1, 7, 39, 0x7FFF_FFFF, u32::MAX - 1, u32::MAX] {
            for tag in [
                b"avih", b"strh", b"strf", b"strd", b"LIST", b"indx", b"strn", b"IDIT",
            ] {
                let mut c = tag.to_vec();
                c.extend(size.to_le_bytes());
                c.extend([0x41; 64]);
                let file = avi(&[video_strl(b"DIVX", (8, 8), 10, 5), c], &[], 10);
                let _ = run(&file, "avi");
                let _ = crate::probe::builtin::probe(
                    &mut Cursor::new(&file),
                    u64::MAX,
                    Some(crate::formats::Family::Avi),
                );
            }
        }
    }

    #[test]
    fn garbage_after_the_riff_header_never_panics() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let tags: [&[u8; 4]; 12] = [
            b"LIST", b"hdrl", b"strl", b"movi", b"avih", b"strh", b"strf", b"vids", b"auds",
            b"JUNK", b"strd", b"odml",
        ];
        for _ in 0..4000 {
            let mut body = b"AVI ".to_vec();
            for _ in 0..(next() % 24) {
                match next() % 3 {
                    0 => body.extend(tags[(next() % 12) as usize]),
                    1 => body.extend(((next() % 80) as u32).to_le_bytes()),
                    _ => body.extend((0..next() % 16).map(|_| next() as u8)),
                }
            }
            let file = chunk(b"RIFF", &body);
            let _ = run(&file, "avi");
            let _ = run(&file[..file.len() / 2], "avi");
        }
    }
}
