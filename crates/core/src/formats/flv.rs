//! FLV (Flash Video): markers, capture plan and probe.
//!
//! An FLV file is a 9-byte header, then tags, each followed by its
//! PreviousTagSize (11 + the tag's data size): a script tag (`onMetaData`,
//! AMF0: duration, width, height, frame rate, codec ids), then audio and
//! video tags whose first byte names the codec.
//!
//! The probe reads, as ffmpeg's demuxer does: the metadata and the first
//! audio and video tags from the first [`HEAD`] bytes; the duration from
//! the metadata, else from the last tag's timestamp (found through the last
//! PreviousTagSize, as ffmpeg finds it).
//!
//! A file cut short is one whose tags do not end exactly at the end of the
//! file, or whose tags end well before the metadata's duration. While the
//! file streams through the scan, the capture plan walks every tag header
//! (11 bytes each, whatever the tag sizes) and leaves the probe a [`Note`]
//! of where the tags end; read in place (a seekable file the scan's capture
//! did not serve), the probe follows the PreviousTagSize chain back from the
//! end instead, within the last [`TAIL`] bytes.

use super::{Container, ContainerFormat, Family, ReadSeek, Sniffed, video};
use crate::probe::VideoInfo;
use crate::probe::builtin::{Details, ProbeError, Source, Truncation, be_u32};
use crate::probe::capture::{CapturePlan, Kept};

/// ffprobe's name for the format.
const CONTAINER: &str = "flv";
/// The start of the file the probe reads (metadata, first tags); the
/// capture keeps it.
const HEAD: u64 = 1 << 20;
/// The end of the file a probe reading in place walks back over.
const TAIL: u64 = 1 << 20;
/// Most tags looked at from the start for the metadata and first tags.
const MAX_HEAD_TAGS: usize = 256;
/// Most tags followed back from the end.
const MAX_BACK_TAGS: usize = 64;
/// Tags ending this much before the metadata's duration are a cut, in
/// seconds (at least) and as a share of the duration (as for Matroska).
const SHORT_BY_S: f64 = 10.0;
const SHORT_BY_SHARE: f64 = 0.1;

const AUDIO: u8 = 8;
const VIDEO: u8 = 9;
const SCRIPT: u8 = 18;
/// A tag header: type, data size (24 bits), timestamp (24 + 8 bits),
/// stream id (24 bits).
const TAG_HEADER: u64 = 11;

pub struct Flv;
pub static FORMAT: Flv = Flv;

impl ContainerFormat for Flv {
    fn family(&self) -> Family {
        Family::Flv
    }

    fn sniff(&self, h: &[u8]) -> Option<Sniffed> {
        h.starts_with(b"FLV\x01")
            .then(|| video("video/x-flv", Container::Flv))
    }

    fn names(&self) -> &'static [&'static str] {
        &["flv", "x-flv"]
    }

    fn opens(&self, head: &[u8]) -> bool {
        head.starts_with(b"FLV\x01")
    }

    fn capture(&self) -> Option<Box<dyn CapturePlan>> {
        Some(Box::<Capture>::default())
    }

    fn has_probe(&self) -> bool {
        true
    }

    fn probe(
        &self,
        src: &mut Source<'_, dyn ReadSeek + '_>,
    ) -> Option<Result<Details, ProbeError>> {
        Some(probe(src))
    }
}

/// One tag header: its type (filter bit cleared), data size and timestamp
/// in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Tag {
    kind: u8,
    size: u32,
    time_ms: u32,
}

impl Tag {
    /// None when the bytes cannot start a tag (an unknown type, reserved
    /// bits set, a stream id other than 0).
    fn parse(h: &[u8]) -> Option<Tag> {
        let h = h.get(..TAG_HEADER as usize)?;
        let kind = h[0] & 0x1F;
        if h[0] & 0xC0 != 0 || !matches!(kind, AUDIO | VIDEO | SCRIPT) || h[8..11] != [0, 0, 0] {
            return None;
        }
        let u24 = |b: &[u8]| (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        Some(Tag {
            kind,
            size: u24(&h[1..4]),
            time_ms: u24(&h[4..7]) | (u32::from(h[7]) << 24),
        })
    }

    /// The tag and its PreviousTagSize.
    fn span(&self) -> u64 {
        TAG_HEADER + u64::from(self.size) + 4
    }
}

/// Where the tags end, as the capture plan's walk over the whole stream
/// found it.
#[derive(Clone, Debug, PartialEq)]
enum TagsEnd {
    /// The last tag (and its PreviousTagSize) ends at the end of the file;
    /// the latest timestamp seen.
    Whole { last_ms: Option<u32> },
    /// The last tag (or tag header) runs to `end`, past the end of the file.
    Cut { end: u64 },
    /// Something that is not a tag: no verdict.
    Lost,
}

/// The capture plan's note to the probe.
#[derive(Clone, Debug, PartialEq)]
struct Note(TagsEnd);

/// Keeps the first [`HEAD`] bytes and walks every tag header as the stream
/// goes by (see the module doc).
#[derive(Debug, Default)]
struct Capture {
    walk: TagWalk,
}

impl CapturePlan for Capture {
    fn update(&mut self, kept: &mut Kept, start: u64, chunk: &[u8]) -> bool {
        kept.keep(start, chunk, 0, HEAD);
        self.walk.update(start, chunk);
        true
    }

    fn finish(&mut self, kept: &mut Kept) {
        let end = std::mem::take(&mut self.walk).finish(kept.pos());
        kept.leave_note(Box::new(Note(end)));
    }
}

/// Walks tag headers as the stream goes by: gathers the 4 bytes of the
/// PreviousTagSize before each tag and the tag's 11-byte header, skips the
/// rest.
#[derive(Debug)]
struct TagWalk {
    /// Where the next PreviousTagSize starts (the FLV header's data offset
    /// is read first, from offset 0).
    at: u64,
    /// The bytes gathered at `at`.
    buf: Vec<u8>,
    /// The header at 0 has been read.
    started: bool,
    /// The previous tag's PreviousTagSize should be this.
    expect_prev: u32,
    last_ms: Option<u32>,
    lost: bool,
}

impl Default for TagWalk {
    fn default() -> Self {
        TagWalk {
            at: 0,
            buf: Vec::with_capacity(16),
            started: false,
            expect_prev: 0,
            last_ms: None,
            lost: false,
        }
    }
}

impl TagWalk {
    /// Bytes needed at `at`: the FLV header, or a PreviousTagSize and the
    /// next tag's header.
    fn need(&self) -> usize {
        if self.started {
            4 + TAG_HEADER as usize
        } else {
            9
        }
    }

    fn update(&mut self, start: u64, chunk: &[u8]) {
        let end = start + chunk.len() as u64;
        while !self.lost {
            let have = self.at + self.buf.len() as u64;
            if have >= end {
                return;
            }
            // Chunks are contiguous: what is in hand runs up to `start`.
            let Some(from) = have.checked_sub(start) else {
                self.lost = true;
                return;
            };
            let from = from as usize;
            let take = (self.need() - self.buf.len()).min(chunk.len() - from);
            self.buf.extend_from_slice(&chunk[from..from + take]);
            if self.buf.len() < self.need() {
                return;
            }
            self.step();
        }
    }

    /// The bytes at `at` are all in hand: move to the next tag.
    fn step(&mut self) {
        if !self.started {
            self.started = true;
            // The header's data offset; PreviousTagSize0 follows it.
            match be_u32(&self.buf, 5).filter(|&o| o >= 9) {
                Some(offset) => self.at = u64::from(offset),
                None => self.lost = true,
            }
        } else {
            let prev = be_u32(&self.buf, 0);
            match Tag::parse(&self.buf[4..]).filter(|_| prev == Some(self.expect_prev)) {
                Some(tag) => {
                    self.last_ms = self.last_ms.max(Some(tag.time_ms));
                    self.expect_prev = tag.size + TAG_HEADER as u32;
                    self.at += 4 + TAG_HEADER + u64::from(tag.size);
                }
                None => self.lost = true,
            }
        }
        self.buf.clear();
    }

    /// The stream ended after `len` bytes.
    fn finish(self, len: u64) -> TagsEnd {
        if self.lost || !self.started {
            return TagsEnd::Lost;
        }
        // `at` is where the last tag's PreviousTagSize starts.
        let end = self.at + 4;
        if end > len {
            return TagsEnd::Cut { end };
        }
        if end < len {
            // A PreviousTagSize and part of a next tag's header: the cut
            // came inside it.
            return TagsEnd::Cut {
                end: end + TAG_HEADER,
            };
        }
        // The file's last 4 bytes must be the last tag's size.
        if be_u32(&self.buf, 0) != Some(self.expect_prev) {
            return TagsEnd::Lost;
        }
        TagsEnd::Whole {
            last_ms: self.last_ms,
        }
    }
}

/// What the start of the file says.
#[derive(Debug, Default)]
struct Head {
    meta: Meta,
    video: Option<VideoTag>,
    audio: Option<AudioTag>,
}

/// The `onMetaData` values the probe uses.
#[derive(Debug, Default)]
struct Meta {
    duration: Option<f64>,
    width: Option<f64>,
    height: Option<f64>,
    framerate: Option<f64>,
    audio_sample_rate: Option<f64>,
}

#[derive(Debug)]
struct VideoTag {
    codec: String,
}

#[derive(Debug)]
struct AudioTag {
    codec: String,
    sample_rate: Option<u32>,
    channels: u32,
}

fn probe(src: &mut Source<'_, dyn ReadSeek + '_>) -> Result<Details, ProbeError> {
    let mut header = [0u8; 9];
    let n = src.read_at_most(0, &mut header)?;
    let offset = be_u32(&header[..n], 5)
        .filter(|&o| o >= 9)
        .ok_or_else(|| ProbeError::from("malformed FLV header".to_owned()))?;
    let first = u64::from(offset) + 4;
    if first > src.len {
        return Err(ProbeError::from(
            "the FLV header is cut off: file truncated?".to_owned(),
        ));
    }
    let head = read_head(src, first)?;
    let meta_duration = head.meta.duration.filter(|d| d.is_finite() && *d > 0.0);
    let last_ms = tags_end(src, first, meta_duration)?;
    let duration_s = meta_duration
        .or(last_ms.map(|ms| f64::from(ms) / 1000.0))
        .unwrap_or(0.0);
    let dimension = |v: Option<f64>| {
        v.filter(|v| v.is_finite() && *v >= 1.0 && *v <= f64::from(u32::MAX))
            .map(|v| v as u32)
    };
    let video = head.video.as_ref();
    let audio = head.audio.as_ref();
    Ok(Details {
        info: VideoInfo {
            container: CONTAINER.to_owned(),
            duration_s,
            codec: video.map(|v| v.codec.clone()),
            width: video.and_then(|_| dimension(head.meta.width)),
            height: video.and_then(|_| dimension(head.meta.height)),
            fps: video
                .and(head.meta.framerate)
                .filter(|f| f.is_finite() && *f > 0.0),
            audio_codec: audio.map(|a| a.codec.clone()),
            sample_rate: audio
                .and_then(|a| a.sample_rate.or(dimension(head.meta.audio_sample_rate))),
            channels: audio.map(|a| a.channels),
            has_cover_art: false,
            faststart: None,
            engine: "builtin",
        },
    })
}

/// The metadata and the first audio and video tags, from the first
/// [`HEAD`] bytes.
fn read_head(src: &mut Source<'_, dyn ReadSeek + '_>, first: u64) -> Result<Head, ProbeError> {
    let mut pos = first;
    let mut head = Head::default();
    let limit = src.len.min(HEAD);
    let mut meta_seen = false;
    for _ in 0..MAX_HEAD_TAGS {
        if head.video.is_some() && head.audio.is_some() && meta_seen {
            break;
        }
        if pos + TAG_HEADER > limit {
            break;
        }
        let mut h = [0u8; TAG_HEADER as usize];
        src.read_exact_at(pos, &mut h)?;
        let Some(tag) = Tag::parse(&h) else {
            if pos == first {
                return Err(ProbeError::from(format!("no FLV tag at offset {pos}")));
            }
            break;
        };
        let body = pos + TAG_HEADER;
        // What of the body lies in the head (a large script tag's keyframe
        // index may not: its first values are what matter).
        let avail = u64::from(tag.size).min(limit.saturating_sub(body));
        match tag.kind {
            SCRIPT if !meta_seen => {
                let data = src.read_vec(body, avail, HEAD, "FLV metadata")?;
                if let Some(meta) = on_meta_data(&data) {
                    head.meta = meta;
                    meta_seen = true;
                }
            }
            VIDEO if head.video.is_none() && avail > 0 => {
                let data = src.read_vec(body, avail.min(16), 16, "FLV video tag")?;
                head.video = video_tag(&data);
            }
            AUDIO if head.audio.is_none() && avail > 0 => {
                let data = src.read_vec(body, avail.min(16), 16, "FLV audio tag")?;
                head.audio = audio_tag(&data);
            }
            _ => {}
        }
        pos = pos.saturating_add(tag.span());
    }
    Ok(head)
}

/// The latest timestamp of the tags, after checking they end where the file
/// does (see the module doc). `first` is where the first tag starts.
fn tags_end(
    src: &mut Source<'_, dyn ReadSeek + '_>,
    first: u64,
    duration: Option<f64>,
) -> Result<Option<u32>, ProbeError> {
    let len = src.len;
    let end = match src.note::<Note>() {
        Some(Note(end)) => end.clone(),
        None => walk_back(src, first)?,
    };
    let last_ms = match end {
        TagsEnd::Cut { end } => {
            return Err(Truncation::DataPastEnd {
                what: "the FLV tags run",
                end,
                len,
            }
            .into());
        }
        TagsEnd::Whole { last_ms } => last_ms,
        TagsEnd::Lost => None,
    };
    if let (Some(total), Some(ms)) = (duration, last_ms) {
        let present = f64::from(ms) / 1000.0;
        if total - present > SHORT_BY_S.max(total * SHORT_BY_SHARE) {
            return Err(Truncation::EndsEarly {
                what: "tags",
                total,
                present,
            }
            .into());
        }
    }
    Ok(last_ms)
}

/// Follow the PreviousTagSize chain back from the end of the file (a
/// probe reading the file in place): the last tag wherever it starts, the
/// ones before it within the last [`TAIL`] bytes.
fn walk_back(src: &mut Source<'_, dyn ReadSeek + '_>, first: u64) -> Result<TagsEnd, ProbeError> {
    let len = src.len;
    let floor = len.saturating_sub(TAIL);
    let mut end = len;
    let mut last_ms = None;
    for step in 0..MAX_BACK_TAGS {
        // Back at the first tag: every tag checked.
        if end == first || (step > 0 && end < floor) {
            break;
        }
        // The PreviousTagSize before `end` must lead back to a tag of that
        // size: at the end of the file, anything else is a cut; further
        // back, a broken chain gives no verdict.
        let broken = if step == 0 {
            TagsEnd::Cut { end: len + 4 }
        } else {
            TagsEnd::Lost
        };
        if end < first + 4 + TAG_HEADER {
            return Ok(broken);
        }
        let mut size = [0u8; 4];
        src.read_exact_at(end - 4, &mut size)?;
        let prev = u64::from(u32::from_be_bytes(size));
        let tag_at = (end - 4)
            .checked_sub(prev)
            .filter(|&t| t >= first && prev >= TAG_HEADER);
        let Some(tag_at) = tag_at else {
            return Ok(broken);
        };
        let mut h = [0u8; TAG_HEADER as usize];
        src.read_exact_at(tag_at, &mut h)?;
        match Tag::parse(&h).filter(|t| u64::from(t.size) + TAG_HEADER == prev) {
            Some(tag) => last_ms = last_ms.max(Some(tag.time_ms)),
            None => return Ok(broken),
        }
        end = tag_at;
    }
    Ok(TagsEnd::Whole { last_ms })
}

/// `onMetaData`'s values, from a script tag's body: the name (an AMF0
/// string), then an ECMA array or an object of named values.
fn on_meta_data(d: &[u8]) -> Option<Meta> {
    let mut amf = Amf { d, pos: 0 };
    if amf.u8()? != 2 || amf.string16()? != b"onMetaData" {
        return None;
    }
    let mut meta = Meta::default();
    match amf.u8()? {
        8 => {
            amf.take(4)?;
        }
        3 => {}
        _ => return Some(meta),
    }
    // The values before a cut (a keyframe index past the head) still count.
    for _ in 0..1024 {
        let Some(key) = amf.string16() else { break };
        if key.is_empty() {
            break;
        }
        let at = amf.pos;
        // A number: type 0, then an f64.
        let number = (amf.d.get(at) == Some(&0))
            .then(|| {
                Some(f64::from_be_bytes(
                    amf.d.get(at + 1..at + 9)?.try_into().ok()?,
                ))
            })
            .flatten();
        match key {
            b"duration" => meta.duration = number,
            b"width" => meta.width = number,
            b"height" => meta.height = number,
            b"framerate" => meta.framerate = number,
            b"audiosamplerate" => meta.audio_sample_rate = number,
            _ => {}
        }
        if amf.skip_value(0).is_none() {
            break;
        }
    }
    Some(meta)
}

/// An AMF0 reader over a script tag's body.
struct Amf<'a> {
    d: &'a [u8],
    pos: usize,
}

impl<'a> Amf<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let bytes = self.d.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(bytes)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u16(&mut self) -> Option<usize> {
        self.take(2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
    }

    fn u32(&mut self) -> Option<usize> {
        be_u32(self.take(4)?, 0).and_then(|n| usize::try_from(n).ok())
    }

    fn string16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(n)
    }

    /// Skip one value; None on anything malformed or nested too deep.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth > 16 {
            return None;
        }
        match self.u8()? {
            0 => self.take(8).map(drop),
            1 => self.take(1).map(drop),
            2 => self.string16().map(drop),
            3 => self.skip_pairs(depth),
            5 | 6 | 0x0D => Some(()),
            7 => self.take(2).map(drop),
            8 => {
                self.take(4)?;
                self.skip_pairs(depth)
            }
            0x0A => {
                let n = self.u32()?;
                for _ in 0..n {
                    self.skip_value(depth + 1)?;
                }
                Some(())
            }
            0x0B => self.take(10).map(drop),
            0x0C | 0x0F => {
                let n = self.u32()?;
                self.take(n).map(drop)
            }
            0x10 => {
                self.string16()?;
                self.skip_pairs(depth)
            }
            _ => None,
        }
    }

    /// Named values up to the object end marker (an empty name, then 9).
    fn skip_pairs(&mut self, depth: usize) -> Option<()> {
        loop {
            let key = self.string16()?;
            if key.is_empty() && self.d.get(self.pos) == Some(&9) {
                self.pos += 1;
                return Some(());
            }
            self.skip_value(depth + 1)?;
        }
    }
}

/// A video tag's codec, as ffprobe names it: the CodecID in the low four
/// bits of the first byte, or, in an enhanced tag (high bit set), the
/// FourCC after it.
fn video_tag(d: &[u8]) -> Option<VideoTag> {
    let first = *d.first()?;
    let codec = if first & 0x80 != 0 {
        match d.get(1..5)? {
            b"avc1" => "h264".to_owned(),
            b"hvc1" => "hevc".to_owned(),
            b"av01" => "av1".to_owned(),
            b"vp09" => "vp9".to_owned(),
            other => String::from_utf8_lossy(other).into_owned(),
        }
    } else {
        match first & 0x0F {
            2 => "flv1",
            3 => "flashsv",
            4 => "vp6f",
            5 => "vp6a",
            6 => "flashsv2",
            7 => "h264",
            12 => "hevc",
            id => {
                return Some(VideoTag {
                    codec: format!("flv-video-{id}"),
                });
            }
        }
        .to_owned()
    };
    Some(VideoTag { codec })
}

/// An audio tag's codec, sample rate and channels: SoundFormat, SoundRate,
/// SoundSize and SoundType in the first byte; for AAC, the
/// AudioSpecificConfig of its sequence header.
fn audio_tag(d: &[u8]) -> Option<AudioTag> {
    let flags = *d.first()?;
    let format = flags >> 4;
    let wide = flags & 0x02 != 0;
    let mut channels = if flags & 0x01 != 0 { 2 } else { 1 };
    let mut sample_rate = Some(44_100 << ((flags >> 2) & 3) >> 3);
    let codec = match format {
        0 | 3 => {
            if wide {
                "pcm_s16le"
            } else {
                "pcm_u8"
            }
        }
        1 => "adpcm_swf",
        2 => "mp3",
        4 => {
            sample_rate = Some(16_000);
            channels = 1;
            "nellymoser"
        }
        5 => {
            sample_rate = Some(8_000);
            channels = 1;
            "nellymoser"
        }
        6 => "nellymoser",
        7 => "pcm_alaw",
        8 => "pcm_mulaw",
        10 => {
            // AACPacketType 0: the AudioSpecificConfig (object type, then
            // sampling frequency index, then channel configuration).
            if d.get(1) == Some(&0)
                && let Some(asc) = d.get(2..4)
            {
                let index = ((asc[0] & 0x07) << 1) | (asc[1] >> 7);
                const RATES: [u32; 13] = [
                    96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000,
                    11_025, 8_000, 7_350,
                ];
                sample_rate = RATES.get(usize::from(index)).copied();
                let config = (asc[1] >> 3) & 0x0F;
                if (1..=7).contains(&config) {
                    channels = if config == 7 { 8 } else { u32::from(config) };
                }
            }
            "aac"
        }
        11 => {
            sample_rate = Some(16_000);
            "speex"
        }
        14 => {
            sample_rate = Some(8_000);
            "mp3"
        }
        other => {
            return Some(AudioTag {
                codec: format!("flv-audio-{other}"),
                sample_rate: None,
                channels,
            });
        }
    };
    Some(AudioTag {
        codec: codec.to_owned(),
        sample_rate,
        channels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::ProbeOutcome;
    use crate::probe::builtin::tests::run;

    fn tag(kind: u8, time_ms: u32, body: &[u8]) -> Vec<u8> {
        let size = body.len() as u32;
        let mut t = vec![kind];
        t.extend(&size.to_be_bytes()[1..]);
        t.extend(&time_ms.to_be_bytes()[1..]);
        t.push((time_ms >> 24) as u8);
        t.extend([0, 0, 0]);
        t.extend(body);
        t.extend((size + 11).to_be_bytes());
        t
    }

    fn number(key: &str, v: f64) -> Vec<u8> {
        let mut b = (key.len() as u16).to_be_bytes().to_vec();
        b.extend(key.as_bytes());
        b.push(0);
        b.extend(v.to_be_bytes());
        b
    }

    /// An FLV of `seconds` one-second H.264 and AAC tags with a metadata
    /// duration of `duration`; `video`: whether it has video tags.
    fn file(seconds: u32, duration: f64, video: bool) -> Vec<u8> {
        tagged(seconds, duration, video).0
    }

    /// [`file`], and where each tag ends (with its PreviousTagSize) with
    /// its timestamp.
    fn tagged(seconds: u32, duration: f64, video: bool) -> (Vec<u8>, Vec<(usize, u32)>) {
        let mut ends = Vec::new();
        let mut f = b"FLV\x01\x05\0\0\0\x09\0\0\0\0".to_vec();
        let mut meta = vec![2, 0, 10];
        meta.extend(b"onMetaData");
        meta.extend([8, 0, 0, 0, 3]);
        meta.extend(number("duration", duration));
        meta.extend(number("width", 320.0));
        meta.extend(number("height", 240.0));
        meta.extend([0, 0, 9]);
        f.extend(tag(SCRIPT, 0, &meta));
        f.extend(tag(AUDIO, 0, &[0xAF, 0, 0x11, 0x90]));
        for s in 0..seconds {
            if video {
                f.extend(tag(VIDEO, s * 1000, &[0x17, 1, 0, 0, 0, 0xAB, 0xCD]));
                ends.push((f.len(), s * 1000));
            }
            f.extend(tag(AUDIO, s * 1000, &[0xAF, 1, 0x21, 0x22]));
            ends.push((f.len(), s * 1000));
        }
        (f, ends)
    }

    #[test]
    fn reads_metadata_and_first_tags() {
        let Some(ProbeOutcome::Video(info)) = run(&file(30, 30.0, true), "flv") else {
            panic!()
        };
        assert_eq!(info.container, "flv");
        assert_eq!(info.codec.as_deref(), Some("h264"));
        assert_eq!((info.width, info.height), (Some(320), Some(240)));
        assert_eq!(info.duration_s, 30.0);
        assert_eq!(info.audio_codec.as_deref(), Some("aac"));
        assert_eq!((info.sample_rate, info.channels), (Some(48_000), Some(2)));
        let audio_only = run(&file(3, 3.0, false), "flv");
        assert!(
            matches!(audio_only, Some(ProbeOutcome::NoVideoStream(_))),
            "{audio_only:?}"
        );
    }

    /// Cut anywhere after the header, the tags do not end with the file;
    /// cut between tags, the timestamps end before the duration. The same
    /// from the capture's note and from the chain read in place.
    #[test]
    fn cut_anywhere_is_cut_short() {
        let (f, ends) = tagged(40, 40.0, true);
        let first_tag = 13;
        for cut in first_tag + 1..f.len() {
            // Cut after a tag in the last 10 s: nothing says data is missing.
            let late_boundary = ends.iter().any(|&(end, ms)| end == cut && ms >= 30_000);
            let out = crate::probe::builtin::probe_details(
                &mut std::io::Cursor::new(&f[..cut]),
                cut as u64,
                Some(Family::Flv),
            );
            let noted = from_capture(&f[..cut], 4096);
            for out in [out, noted] {
                let cut_short = matches!(out, Some(Err(ProbeError::CutShort(_))));
                assert_eq!(cut_short, !late_boundary, "cut {cut}: {out:?}");
            }
        }
    }

    fn from_capture(file: &[u8], chunk: usize) -> Option<Result<Details, ProbeError>> {
        let mut capture = crate::probe::capture::Capture::new();
        for part in file.chunks(chunk) {
            capture.update(part);
        }
        let captured = capture.finish().expect("captured as FLV");
        let (out, complete) = captured.probe();
        assert!(complete, "chunk {chunk}: read past what was kept");
        out
    }

    /// Tags longer than the head and the tail: the capture's walk still
    /// finds where they end.
    #[test]
    fn large_tags_are_walked_as_they_stream() {
        let mut f = file(2, 3.0, true);
        for s in 0..3u32 {
            f.extend(tag(VIDEO, 1000 + s * 500, &vec![0x17; 3 << 20]));
        }
        for chunk in [1000, 4096, (1 << 20) + 3] {
            let whole = from_capture(&f, chunk);
            assert!(
                matches!(&whole, Some(Ok(d)) if d.info.duration_s == 3.0),
                "chunk {chunk}: {whole:?}"
            );
            for cut in [f.len() / 2, f.len() - 3, f.len() - (3 << 20)] {
                let out = from_capture(&f[..cut], chunk);
                assert!(
                    matches!(out, Some(Err(ProbeError::CutShort(_)))),
                    "chunk {chunk}, cut {cut}: {out:?}"
                );
            }
        }
    }

    #[test]
    fn garbage_never_panics() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let f = file(5, 5.0, true);
        for round in 0..2000 {
            let mut bytes = f.clone();
            for _ in 0..(round % 7 + 1) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = (state % bytes.len() as u64) as usize;
                bytes[at] = (state >> 32) as u8;
            }
            let cut = (state >> 40) as usize % bytes.len();
            let bytes = &bytes[..cut.max(4)];
            let _ = run(bytes, "flv");
            let mut capture = crate::probe::capture::Capture::new();
            for part in bytes.chunks(97) {
                capture.update(part);
            }
            if let Some(captured) = capture.finish() {
                let _ = captured.probe();
            }
        }
    }
}
