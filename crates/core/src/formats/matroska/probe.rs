//! Matroska and WebM.
//!
//! The EBML header and the Segment's top-level elements are walked by
//! seeking from header to header. `Info` and `Tracks` are read into memory
//! (bounded); `Attachments` is walked header by header, skipping file data.
//! The walk stops at the first `Cluster`; anything the `SeekHead` places
//! after the clusters is then read at its recorded position.
//!
//! A file cut short is found by the Segment's size, or, when that size is
//! unknown (live, piped and browser recordings), by `tail`.

use std::io::{Read, Seek};

mod tail;

use crate::probe::VideoInfo;
use crate::probe::builtin::{Details, MAX_INDEX_BYTES, MAX_TRACKS, ProbeError, Source, Truncation};

pub use tail::TAIL;

/// ffprobe's name for the Matroska family.
pub const CONTAINER: &str = "matroska,webm";

const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const SEEK_HEAD: u32 = 0x114D_9B74;
const SEEK: u32 = 0x4DBB;
const SEEK_ID: u32 = 0x53AB;
const SEEK_POSITION: u32 = 0x53AC;
const INFO: u32 = 0x1549_A966;
const TIMECODE_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const CODEC_PRIVATE: u32 = 0x63A2;
const DEFAULT_DURATION: u32 = 0x23_E383;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const AUDIO: u32 = 0xE1;
const SAMPLING_FREQUENCY: u32 = 0xB5;
const CHANNELS: u32 = 0x9F;
const BIT_DEPTH: u32 = 0x6264;
const ATTACHMENTS: u32 = 0x1941_A469;
const ATTACHED_FILE: u32 = 0x61A7;
const FILE_MIME_TYPE: u32 = 0x4660;
const CLUSTER: u32 = 0x1F43_B675;

/// Most Segment children visited before giving up on finding the index.
const MAX_ELEMENTS: usize = 10_000;
/// Most attached files looked at.
const MAX_ATTACHMENTS: usize = 1_000;

/// An element header: ID (with its length marker, as in the spec), body
/// size (None = unknown), and header length.
#[derive(Clone, Copy, Debug)]
struct Header {
    id: u32,
    size: Option<u64>,
    len: u64,
}

/// A variable-length integer: (value without the marker, length, all ones).
fn vint(d: &[u8]) -> Option<(u64, usize, bool)> {
    let first = *d.first()?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 {
        return None;
    }
    let bytes = d.get(..len)?;
    let mask = if len == 8 { 0 } else { 0xFFu8 >> len };
    let mut value = u64::from(first & mask);
    let mut all_ones = first & mask == mask;
    for &b in bytes.get(1..).unwrap_or_default() {
        value = (value << 8) | u64::from(b);
        all_ones &= b == 0xFF;
    }
    Some((value, len, all_ones))
}

fn header(d: &[u8]) -> Option<Header> {
    let first = *d.first()?;
    let id_len = first.leading_zeros() as usize + 1;
    if id_len > 4 {
        return None;
    }
    let id = d
        .get(..id_len)?
        .iter()
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
    let (size, size_len, unknown) = vint(d.get(id_len..)?)?;
    Some(Header {
        id,
        size: (!unknown).then_some(size),
        len: (id_len + size_len) as u64,
    })
}

/// Children of an element body held in memory; an unknown or oversized
/// child size is clipped to what the parent holds.
struct Elements<'a> {
    data: &'a [u8],
    pos: usize,
}

fn elements(data: &[u8]) -> Elements<'_> {
    Elements { data, pos: 0 }
}

impl<'a> Iterator for Elements<'a> {
    type Item = (u32, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.pos..)?;
        let h = header(rest)?;
        let start = usize::try_from(h.len).ok()?;
        let avail = rest.len().checked_sub(start)?;
        let size = h
            .size
            .and_then(|s| usize::try_from(s).ok())
            .unwrap_or(avail)
            .min(avail);
        let body = rest.get(start..start + size)?;
        self.pos = self.pos.checked_add(start + size)?;
        Some((h.id, body))
    }
}

fn uint(d: &[u8]) -> Option<u64> {
    if d.len() > 8 {
        return None;
    }
    Some(d.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

fn float(d: &[u8]) -> Option<f64> {
    match d.len() {
        4 => Some(f64::from(f32::from_be_bytes(d.try_into().ok()?))),
        8 => Some(f64::from_be_bytes(d.try_into().ok()?)),
        0 => Some(0.0),
        _ => None,
    }
}

fn text(d: &[u8]) -> String {
    let end = d.iter().position(|&b| b == 0).unwrap_or(d.len());
    String::from_utf8_lossy(d.get(..end).unwrap_or_default()).into_owned()
}

fn child(d: &[u8], id: u32) -> Option<&[u8]> {
    elements(d).find(|(i, _)| *i == id).map(|(_, b)| b)
}

#[derive(Debug, Default)]
struct Track {
    kind: u64,
    codec_id: String,
    codec_private_fourcc: Option<[u8; 4]>,
    default_duration: Option<u64>,
    width: Option<u32>,
    height: Option<u32>,
    sample_rate: Option<f64>,
    channels: Option<u64>,
    bit_depth: Option<u64>,
}

#[derive(Debug, Default)]
struct Found {
    info: Option<(u64, Option<f64>)>,
    tracks: Option<Vec<Track>>,
    attachments_seen: bool,
    cover_art: bool,
}

/// None when the EBML DocType is not Matroska/WebM.
pub fn probe<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
) -> Option<Result<Details, ProbeError>> {
    let mut head = [0u8; 16];
    let n = match src.read_at_most(0, &mut head) {
        Ok(n) => n,
        Err(e) => return Some(Err(e)),
    };
    let Some(h) = header(head.get(..n).unwrap_or_default()).filter(|h| h.id == EBML) else {
        return Some(Err(ProbeError::from("malformed EBML header".to_owned())));
    };
    let Some(size) = h.size.filter(|&s| s <= 4096) else {
        return Some(Err(ProbeError::from("malformed EBML header".to_owned())));
    };
    let body = match src.read_vec(h.len, size, 4096, "EBML header") {
        Ok(b) => b,
        Err(e) => return Some(Err(e)),
    };
    let doc_type = child(&body, DOC_TYPE).map(text).unwrap_or_default();
    if doc_type != "matroska" && doc_type != "webm" {
        return None;
    }
    Some(probe_segment(src, h.len + size))
}

fn read_header_at<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
    pos: u64,
) -> Result<Option<Header>, ProbeError> {
    let mut buf = [0u8; 12];
    let n = src.read_at_most(pos, &mut buf)?;
    Ok(header(buf.get(..n).unwrap_or_default()))
}

fn probe_segment<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
    mut pos: u64,
) -> Result<Details, ProbeError> {
    // Find the Segment (skipping Void/CRC or other level-0 elements).
    let mut level0 = 0;
    let (segment_start, segment_end, sized) = loop {
        level0 += 1;
        if level0 > 64 {
            return Err(ProbeError::from(
                "no Matroska Segment among the first elements".to_owned(),
            ));
        }
        let Some(h) = read_header_at(src, pos)? else {
            return Err(ProbeError::from(
                "no Matroska Segment: file truncated?".to_owned(),
            ));
        };
        let body = pos + h.len;
        if h.id == SEGMENT {
            // A Segment of known size holds everything the index points to
            // (Clusters, Cues): one that ends past the file was cut short,
            // even if its header elements survived. (Live WebM writes an
            // unknown size: its end is checked by `tail`.)
            if let Some(size) = h.size {
                let end = body.checked_add(size);
                if end.is_none_or(|e| e > src.len) {
                    return Err(Truncation::SegmentPastEnd {
                        pos,
                        size,
                        len: src.len,
                    }
                    .into());
                }
            }
            let end = h
                .size
                .and_then(|s| body.checked_add(s))
                .map_or(src.len, |e| e.min(src.len));
            break (body, end, h.size.is_some());
        }
        pos = h
            .size
            .and_then(|s| body.checked_add(s))
            .ok_or_else(|| "no Matroska Segment".to_owned())?;
    };

    let mut found = Found::default();
    let mut seek_targets: Vec<(u32, u64)> = Vec::new();
    let mut pos = segment_start;
    let mut visited = 0;
    // Where the walk stopped, for the end check of an unknown-size Segment.
    let mut first_cluster = None;
    let mut header_cut = false;
    while pos < segment_end && visited < MAX_ELEMENTS {
        visited += 1;
        let Some(h) = read_header_at(src, pos)? else {
            let mut rest = [0u8; 12];
            let n = src.read_at_most(pos, &mut rest)?;
            header_cut = tail::header_cut(rest.get(..n).unwrap_or_default());
            break;
        };
        if h.id == CLUSTER {
            first_cluster = Some(pos);
            break;
        }
        let Some(size) = h.size else {
            break;
        };
        let body = pos + h.len;
        match h.id {
            SEEK_HEAD => {
                if let Ok(data) = src.read_vec(body, size, 1 << 20, "SeekHead") {
                    for (_, seek) in elements(&data).filter(|(id, _)| *id == SEEK) {
                        let id = child(seek, SEEK_ID).and_then(uint);
                        let at = child(seek, SEEK_POSITION).and_then(uint);
                        if let (Some(id), Some(at)) = (id, at) {
                            let id = u32::try_from(id).unwrap_or(0);
                            if let Some(at) = segment_start.checked_add(at) {
                                seek_targets.push((id, at));
                            }
                        }
                    }
                }
            }
            INFO | TRACKS | ATTACHMENTS => parse_top(src, h, body, &mut found)?,
            _ => {}
        }
        match body.checked_add(size) {
            Some(next) => pos = next,
            None => break,
        }
    }
    // Elements the SeekHead places beyond the first Cluster.
    let seek_past_end = seek_targets.iter().find(|(_, at)| *at >= src.len).copied();
    for (id, at) in seek_targets {
        let missing = match id {
            INFO => found.info.is_none(),
            TRACKS => found.tracks.is_none(),
            ATTACHMENTS => !found.attachments_seen,
            _ => false,
        };
        if !missing || at >= src.len {
            continue;
        }
        if let Ok(Some(h)) = read_header_at(src, at)
            && h.id == id
            && h.size.is_some()
        {
            // A broken target is tolerated: ffprobe tolerates it too.
            let _ = parse_top(src, h, at + h.len, &mut found);
        }
    }

    let tracks = found.tracks.ok_or_else(|| {
        "no Tracks element: file truncated or not a complete Matroska file".to_owned()
    })?;
    let (scale, duration) = found.info.unwrap_or((1_000_000, None));
    if !sized {
        // Where the header walk stopped says the most; else the tail.
        let cut = |what: String| Err(Truncation::UnsizedHeader { what }.into());
        if let Some((id, at)) = seek_past_end {
            return cut(format!(
                "the SeekHead places element {id:#X} at offset {at}, past the end of the file \
                 ({} bytes)",
                src.len
            ));
        }
        if first_cluster.is_none() && pos >= src.len {
            return cut(if pos == src.len {
                format!("the file ends after its headers, at offset {pos}, before any Cluster")
            } else {
                format!(
                    "an element before the first Cluster runs to offset {pos}, past the end of \
                     the file ({} bytes)",
                    src.len
                )
            });
        }
        if header_cut {
            return cut(format!("an element header at offset {pos} is cut off"));
        }
        let from = src.len.saturating_sub(TAIL);
        let from = first_cluster.filter(|&c| c > from).unwrap_or(from);
        let tail = src.read_vec(from, src.len - from, TAIL, "end of the file")?;
        tail::check(&tail, from, first_cluster, duration, scale)?;
    }
    let duration_s = duration
        .map(|d| d * scale as f64 / 1e9)
        .filter(|d| d.is_finite() && *d >= 0.0)
        .unwrap_or(0.0);
    let video = tracks.iter().find(|t| t.kind == 1);
    let audio = tracks.iter().find(|t| t.kind == 2);
    Ok(Details {
        info: VideoInfo {
            container: CONTAINER.to_owned(),
            duration_s,
            codec: video.map(video_codec),
            width: video.and_then(|v| v.width),
            height: video.and_then(|v| v.height),
            fps: video
                .and_then(|v| v.default_duration)
                .filter(|&d| d > 0)
                .map(|d| 1e9 / d as f64),
            audio_codec: audio.map(audio_codec),
            sample_rate: audio
                .and_then(|a| a.sample_rate)
                .filter(|r| r.is_finite() && *r > 0.0 && *r < 1e7)
                .map(|r| r.round() as u32),
            channels: audio
                .and_then(|a| a.channels)
                .and_then(|c| u32::try_from(c).ok()),
            has_cover_art: found.cover_art,
            faststart: None,
            engine: "builtin",
        },
    })
}

fn parse_top<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
    h: Header,
    body: u64,
    found: &mut Found,
) -> Result<(), ProbeError> {
    let size = h.size.unwrap_or(0);
    match h.id {
        INFO if found.info.is_none() => {
            let data = src.read_vec(body, size, MAX_INDEX_BYTES, "Info")?;
            let scale = child(&data, TIMECODE_SCALE)
                .and_then(uint)
                .filter(|&s| s > 0)
                .unwrap_or(1_000_000);
            let duration = child(&data, DURATION).and_then(float);
            found.info = Some((scale, duration));
        }
        TRACKS if found.tracks.is_none() => {
            let data = src.read_vec(body, size, MAX_INDEX_BYTES, "Tracks")?;
            let tracks = elements(&data)
                .filter(|(id, _)| *id == TRACK_ENTRY)
                .take(MAX_TRACKS)
                .map(|(_, d)| parse_track(d))
                .collect();
            found.tracks = Some(tracks);
        }
        ATTACHMENTS if !found.attachments_seen => {
            found.attachments_seen = true;
            found.cover_art |= attachments_have_picture(src, body, body.saturating_add(size))?;
        }
        _ => {}
    }
    Ok(())
}

/// Walk AttachedFile elements by their headers; read only the MIME types.
fn attachments_have_picture<R: Read + Seek + ?Sized>(
    src: &mut Source<'_, R>,
    mut pos: u64,
    end: u64,
) -> Result<bool, ProbeError> {
    let end = end.min(src.len);
    let mut files = 0;
    while pos < end && files < MAX_ATTACHMENTS {
        files += 1;
        let Some(h) = read_header_at(src, pos)? else {
            break;
        };
        let Some(size) = h.size else { break };
        let body = pos + h.len;
        let file_end = body.saturating_add(size).min(end);
        if h.id == ATTACHED_FILE {
            let mut at = body;
            let mut fields = 0;
            while at < file_end && fields < 32 {
                fields += 1;
                let Some(f) = read_header_at(src, at)? else {
                    break;
                };
                let Some(fsize) = f.size else { break };
                let fbody = at + f.len;
                if f.id == FILE_MIME_TYPE && fsize <= 256 {
                    let mime = text(&src.read_vec(fbody, fsize, 256, "FileMimeType")?);
                    // ffmpeg's list of picture types shown as attached pictures.
                    if matches!(
                        mime.to_ascii_lowercase().as_str(),
                        "image/jpeg" | "image/png" | "image/gif" | "image/tiff"
                    ) {
                        return Ok(true);
                    }
                }
                at = fbody.saturating_add(fsize);
            }
        }
        pos = body.saturating_add(size);
    }
    Ok(false)
}

fn parse_track(d: &[u8]) -> Track {
    let mut t = Track::default();
    for (id, body) in elements(d) {
        match id {
            TRACK_TYPE => t.kind = uint(body).unwrap_or(0),
            CODEC_ID => t.codec_id = text(body),
            CODEC_PRIVATE => {
                t.codec_private_fourcc = body.get(16..20).and_then(|b| b.try_into().ok());
            }
            DEFAULT_DURATION => t.default_duration = uint(body),
            VIDEO => {
                for (id, v) in elements(body) {
                    match id {
                        PIXEL_WIDTH => t.width = uint(v).and_then(|x| u32::try_from(x).ok()),
                        PIXEL_HEIGHT => t.height = uint(v).and_then(|x| u32::try_from(x).ok()),
                        _ => {}
                    }
                }
            }
            AUDIO => {
                t.sample_rate = Some(8000.0);
                t.channels = Some(1);
                for (id, a) in elements(body) {
                    match id {
                        SAMPLING_FREQUENCY => t.sample_rate = float(a),
                        CHANNELS => t.channels = uint(a),
                        BIT_DEPTH => t.bit_depth = uint(a),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    t
}

fn video_codec(t: &Track) -> String {
    let id = t.codec_id.as_str();
    let name = match id {
        "V_MPEG4/ISO/AVC" => "h264",
        "V_MPEGH/ISO/HEVC" => "hevc",
        "V_VP8" => "vp8",
        "V_VP9" => "vp9",
        "V_AV1" => "av1",
        "V_MPEG4/ISO/ASP" | "V_MPEG4/ISO/SP" | "V_MPEG4/ISO/AP" => "mpeg4",
        "V_MPEG4/MS/V3" => "msmpeg4v3",
        "V_MPEG1" => "mpeg1video",
        "V_MPEG2" => "mpeg2video",
        "V_MJPEG" => "mjpeg",
        "V_THEORA" => "theora",
        "V_PRORES" => "prores",
        "V_FFV1" => "ffv1",
        "V_UNCOMPRESSED" => "rawvideo",
        "V_DIRAC" => "dirac",
        "V_REAL/RV10" => "rv10",
        "V_REAL/RV20" => "rv20",
        "V_REAL/RV30" => "rv30",
        "V_REAL/RV40" => "rv40",
        "V_MS/VFW/FOURCC" => match t.codec_private_fourcc.as_ref().map(|f| &f[..]) {
            Some(b"XVID" | b"xvid" | b"DIVX" | b"divx" | b"DX50" | b"FMP4" | b"MP4V") => "mpeg4",
            Some(b"H264" | b"h264" | b"AVC1" | b"avc1" | b"X264" | b"x264") => "h264",
            Some(b"HEVC" | b"H265" | b"hev1" | b"hvc1") => "hevc",
            Some(b"MJPG" | b"mjpg") => "mjpeg",
            Some(b"DIV3" | b"div3") => "msmpeg4v3",
            Some(b"MP42") => "msmpeg4v2",
            Some(b"WMV3") => "wmv3",
            Some(b"WVC1") => "vc1",
            Some(b"MPG2" | b"mpg2") => "mpeg2video",
            _ => id,
        },
        // Unknown: keep the CodecID so the stream still counts as video.
        _ if id.is_empty() => "unknown",
        _ => id,
    };
    name.to_owned()
}

fn audio_codec(t: &Track) -> String {
    let id = t.codec_id.as_str();
    let bits = t.bit_depth.unwrap_or(16);
    let name = match id {
        _ if id.starts_with("A_AAC") => "aac",
        "A_MPEG/L3" => "mp3",
        "A_MPEG/L2" => "mp2",
        "A_MPEG/L1" => "mp1",
        "A_AC3" | "A_AC3/BSID9" | "A_AC3/BSID10" => "ac3",
        "A_EAC3" => "eac3",
        "A_DTS" => "dts",
        "A_VORBIS" => "vorbis",
        "A_OPUS" => "opus",
        "A_FLAC" => "flac",
        "A_ALAC" => "alac",
        "A_TRUEHD" => "truehd",
        "A_TTA1" => "tta",
        "A_WAVPACK4" => "wavpack",
        "A_PCM/INT/LIT" => match bits {
            8 => "pcm_u8",
            24 => "pcm_s24le",
            32 => "pcm_s32le",
            _ => "pcm_s16le",
        },
        "A_PCM/INT/BIG" => match bits {
            8 => "pcm_u8",
            24 => "pcm_s24be",
            32 => "pcm_s32be",
            _ => "pcm_s16be",
        },
        "A_PCM/FLOAT/IEEE" => {
            if bits == 64 {
                "pcm_f64le"
            } else {
                "pcm_f32le"
            }
        }
        _ => id,
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::ProbeOutcome;
    use crate::probe::builtin::tests::run;

    fn el(id: u32, body: &[u8]) -> Vec<u8> {
        let mut v: Vec<u8> = id
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        v.push(0x01); // 8-byte size
        v.extend_from_slice(&(body.len() as u64).to_be_bytes()[1..]);
        v.extend_from_slice(body);
        v
    }

    fn file(doc: &str, with_duration: bool, video: bool) -> Vec<u8> {
        let ebml = el(EBML, &el(DOC_TYPE, doc.as_bytes()));
        let mut info = el(TIMECODE_SCALE, &1_000_000u32.to_be_bytes());
        if with_duration {
            info.extend(el(DURATION, &2500.0f64.to_be_bytes()));
        }
        let mut entry = el(TRACK_TYPE, &[if video { 1 } else { 2 }]);
        if video {
            entry.extend(el(CODEC_ID, b"V_VP9"));
            entry.extend(el(DEFAULT_DURATION, &40_000_000u32.to_be_bytes()));
            entry.extend(el(
                VIDEO,
                &[el(PIXEL_WIDTH, &[1, 64]), el(PIXEL_HEIGHT, &[0, 240])].concat(),
            ));
        } else {
            entry.extend(el(CODEC_ID, b"A_OPUS"));
            entry.extend(el(
                AUDIO,
                &[
                    el(SAMPLING_FREQUENCY, &48000.0f32.to_be_bytes()),
                    el(CHANNELS, &[2]),
                ]
                .concat(),
            ));
        }
        let tracks = el(TRACKS, &el(TRACK_ENTRY, &entry));
        let cluster = el(CLUSTER, &[0u8; 32]);
        let segment = el(SEGMENT, &[el(INFO, &info), tracks, cluster].concat());
        [ebml, segment].concat()
    }

    #[test]
    fn minimal_webm() {
        let Some(ProbeOutcome::Video(info)) = run(&file("webm", true, true), "webm") else {
            panic!()
        };
        assert_eq!(info.codec.as_deref(), Some("vp9"));
        assert_eq!((info.width, info.height), (Some(320), Some(240)));
        assert!((info.duration_s - 2.5).abs() < 1e-9);
        assert!((info.fps.unwrap() - 25.0).abs() < 1e-9);
        assert_eq!(info.container, CONTAINER);
    }

    #[test]
    fn live_webm_has_no_duration_and_audio_only_is_no_video() {
        assert!(matches!(
            run(&file("webm", false, true), "webm"),
            Some(ProbeOutcome::ZeroDuration(_))
        ));
        let Some(ProbeOutcome::NoVideoStream(info)) = run(&file("matroska", true, false), "mkv")
        else {
            panic!()
        };
        assert_eq!(info.audio_codec.as_deref(), Some("opus"));
        assert_eq!((info.sample_rate, info.channels), (Some(48000), Some(2)));
    }

    #[test]
    fn other_doc_types_are_not_ours_and_truncation_is_unreadable() {
        assert_eq!(run(&file("dvd", true, true), "mkv"), None);
        let f = file("webm", true, true);
        // Cut anywhere, even inside the Clusters after an intact header: the
        // Segment's size says data is missing.
        for cut in 1..f.len() {
            let out = run(&f[..cut], "webm");
            assert!(
                matches!(out, Some(ProbeOutcome::Unreadable(_))),
                "cut {cut}: {out:?}"
            );
        }
    }

    #[test]
    fn sizes_past_the_end_are_unreadable() {
        let ebml = el(EBML, &el(DOC_TYPE, b"webm"));
        // Tracks claims 60 MiB in a file of a few bytes.
        let mut tracks = vec![0x16, 0x54, 0xAE, 0x6B, 0x01, 0, 0, 0, 0, 0x3C, 0, 0];
        tracks.extend([0u8; 8]);
        let segment = [
            vec![
                0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            ],
            tracks,
        ]
        .concat();
        let out = run(&[ebml, segment].concat(), "webm");
        assert!(matches!(out, Some(ProbeOutcome::Unreadable(_))), "{out:?}");
    }

    /// A live recording (see `tail`): a Segment of unknown size, with a
    /// Duration (as web apps add after MediaRecorder), of `clusters`
    /// one-second Clusters, each a Timecode and `blocks` evenly spaced
    /// blocks of `block_len` bytes of noise. `unknown_clusters`: Cluster sizes are unknown
    /// too, as MediaRecorder writes them. Returns the file and where each
    /// element past the headers starts.
    fn live(
        clusters: u32,
        blocks: u16,
        block_len: usize,
        unknown_clusters: bool,
    ) -> (Vec<u8>, Vec<usize>) {
        let ebml = el(EBML, &el(DOC_TYPE, b"webm"));
        let mut info = el(TIMECODE_SCALE, &1_000_000u32.to_be_bytes());
        info.extend(el(DURATION, &f64::from(clusters * 1000).to_be_bytes()));
        let size = el(PIXEL_WIDTH, &[1, 64]);
        let entry = [
            el(TRACK_TYPE, &[1]),
            el(CODEC_ID, b"V_VP8"),
            el(VIDEO, &[size, el(PIXEL_HEIGHT, &[0, 240])].concat()),
        ]
        .concat();
        let mut file = ebml;
        file.extend([
            0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ]);
        file.extend(el(INFO, &info));
        file.extend(el(TRACKS, &el(TRACK_ENTRY, &entry)));
        let mut starts = Vec::new();
        let mut noise = 0x9E37_79B9_7F4A_7C15u64;
        for c in 0..clusters {
            starts.push(file.len());
            let mut body = el(0xE7, &(c * 1000).to_be_bytes());
            // Element starts in the body: the Timecode, then each block.
            let mut at = vec![0, body.len()];
            for b in 0..blocks {
                let mut block = vec![0x81];
                block.extend((b * (1000 / blocks)).to_be_bytes());
                block.push(0x80);
                block.extend((0..block_len).map(|_| {
                    noise ^= noise << 13;
                    noise ^= noise >> 7;
                    noise ^= noise << 17;
                    noise as u8
                }));
                body.extend(el(0xA3, &block));
                at.push(body.len());
            }
            at.pop();
            let cluster = if unknown_clusters {
                let mut h = CLUSTER.to_be_bytes().to_vec();
                h.extend([0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
                [h, body].concat()
            } else {
                el(CLUSTER, &body)
            };
            // Both Cluster headers are 12 bytes.
            starts.extend(at.iter().map(|a| file.len() + 12 + a));
            file.extend(cluster);
        }
        (file, starts)
    }

    fn cut_short(file: &[u8]) -> bool {
        matches!(
            crate::probe::builtin::probe_details(
                &mut std::io::Cursor::new(file),
                file.len() as u64,
                Some(crate::formats::Family::Matroska)
            ),
            Some(Err(ProbeError::CutShort(_)))
        )
    }

    /// Issue 12: a live recording cut anywhere inside an element is cut
    /// short; cut between elements, only the Duration can tell, and does
    /// when a good part is missing. The whole file is a video.
    #[test]
    fn live_recording_cut_short() {
        for unknown_clusters in [false, true] {
            let (file, starts) = live(30, 5, 60, unknown_clusters);
            let whole = run(&file, "webm");
            assert!(
                matches!(&whole, Some(ProbeOutcome::Video(i)) if i.duration_s == 30.0),
                "{whole:?}"
            );
            let first = starts[0];
            for cut in first..file.len() {
                let boundary = starts.binary_search(&cut).is_ok();
                let out = cut_short(&file[..cut]);
                if !boundary {
                    assert!(out, "unknown clusters {unknown_clusters}, cut {cut}");
                }
                // Cut between elements, 10 s and 10% of the Duration short.
                if boundary && cut < starts[starts.len() * 19 / 30] {
                    assert!(out, "unknown clusters {unknown_clusters}, cut {cut}");
                }
            }
        }
    }

    /// What the probe says on the bytes the scan's capture keeps, which
    /// must be all it asks for.
    fn from_capture(file: &[u8], chunk: usize) -> Option<Result<Details, ProbeError>> {
        let mut capture = crate::probe::capture::Capture::new();
        for part in file.chunks(chunk) {
            capture.update(part);
        }
        let captured = capture.finish().expect("captured as Matroska");
        let mut reader = captured.reader();
        let out = crate::probe::builtin::probe_details(
            &mut reader,
            captured.len,
            Some(crate::formats::Family::Matroska),
        );
        assert!(!reader.missed(), "chunk {chunk}: read past what was kept");
        out
    }

    /// Files larger than what the capture keeps: the end is found in the
    /// tail by a Cluster's signature, or, when MediaRecorder's Clusters of
    /// unknown size are longer than the tail, by a chain of blocks.
    #[test]
    fn live_recording_cut_short_past_the_captured_head() {
        for (blocks, block_len, unknown_clusters) in [(5, 150_000, false), (100, 20_000, true)] {
            let (file, _) = live(10, blocks, block_len, unknown_clusters);
            assert!(file.len() > (6 << 20), "{}", file.len());
            for chunk in [4096, 128 << 10, (1 << 20) + 3] {
                let what = format!("blocks {blocks}, chunk {chunk}");
                let whole = from_capture(&file, chunk);
                assert!(
                    matches!(&whole, Some(Ok(d)) if d.info.duration_s == 10.0),
                    "{what}: {whole:?}"
                );
                for cut in [file.len() / 2 + 7, file.len() - 5, file.len() - block_len] {
                    let out = from_capture(&file[..cut], chunk);
                    assert!(
                        matches!(out, Some(Err(ProbeError::CutShort(_)))),
                        "{what}, cut {cut}: {out:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn vints() {
        assert_eq!(vint(&[0x81]), Some((1, 1, false)));
        assert_eq!(vint(&[0xFF]), Some((0x7F, 1, true)));
        assert_eq!(vint(&[0x40, 0x02]), Some((2, 2, false)));
        assert_eq!(vint(&[0x01, 0, 0, 0, 0, 0, 0, 5]), Some((5, 8, false)));
        assert_eq!(vint(&[0x00, 1]), None);
        assert_eq!(vint(&[0x20]), None);
        assert!(header(&[0x08, 0x81]).is_none()); // 5-byte ID
    }
}
