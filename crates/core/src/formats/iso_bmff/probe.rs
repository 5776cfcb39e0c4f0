//! ISO-BMFF (MP4, MOV, M4V, 3GP, fragmented MP4).
//!
//! Top-level boxes are walked by seeking from header to header; only `moov`
//! (bounded by `MAX_INDEX_BYTES`) and `moof` (bounded by `MAX_MOOF_BYTES`)
//! are read, and `moov` is then parsed in memory.

use std::io::{Read, Seek};

use crate::probe::VideoInfo;
use crate::probe::builtin::{
    Details, MAX_INDEX_BYTES, MAX_TRACKS, ProbeError, Source, Truncation, be_u16, be_u32, be_u64,
    fourcc, show,
};

/// ffprobe's name for the ISO-BMFF family.
pub const CONTAINER: &str = "mov,mp4,m4a,3gp,3g2,mj2";
/// Largest single `moof` we read; larger ones are skipped.
const MAX_MOOF_BYTES: u64 = 16 << 20;
/// Most top-level boxes visited (a long fragmented file has one `moof` and
/// one `mdat` per fragment).
const MAX_TOP_LEVEL_BOXES: usize = 200_000;
/// Most track fragments summed (a two-hour DASH file with one-second
/// fragments has ~15,000); bounds memory on hostile files.
const MAX_TRAFS: usize = 100_000;

/// Box types that may open an ISO-BMFF file (QuickTime files need not start
/// with `ftyp`).
const OPENING_BOXES: [&[u8; 4]; 11] = [
    b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"styp", b"sidx", b"moof",
    b"junk",
];

/// The first bytes are an ISO-BMFF box header.
pub fn looks_like(head: &[u8]) -> bool {
    // Any size: a bad size under a known type is an unreadable MP4, not
    // some other format.
    fourcc(head, 4).is_some_and(|kind| OPENING_BOXES.contains(&&kind))
}

/// One `traf` of one `moof`, reduced to what durations need.
#[derive(Clone, Debug, Default)]
struct TrafSummary {
    track_id: u32,
    base_time: Option<u64>,
    default_duration: Option<u32>,
    explicit_duration: u64,
    implicit_samples: u64,
    samples: u64,
    first_cto: Option<i64>,
}

pub fn probe<R: Read + Seek + ?Sized>(src: &mut Source<'_, R>) -> Result<Details, ProbeError> {
    let mut pos = 0u64;
    let mut moov: Option<(u64, Vec<u8>)> = None;
    let mut first_mdat: Option<u64> = None;
    let mut mdat_truncated = false;
    let mut fragmented = false;
    let mut trafs: Vec<TrafSummary> = Vec::new();
    let mut visited = 0usize;
    while pos < src.len && visited < MAX_TOP_LEVEL_BOXES {
        visited += 1;
        let mut hdr = [0u8; 16];
        let n = src.read_at_most(pos, &mut hdr)?;
        let hdr = hdr.get(..n).unwrap_or_default();
        let (Some(size32), Some(kind)) = (be_u32(hdr, 0), fourcc(hdr, 4)) else {
            // Fewer than 8 bytes left: trailing junk after a complete file,
            // or a file cut inside a box header.
            if moov.is_some() {
                break;
            }
            return Err(ProbeError::from(format!(
                "truncated box header at offset {pos}"
            )));
        };
        let (header_len, size) = match size32 {
            0 => (8u64, src.len - pos),
            1 => match be_u64(hdr, 8) {
                Some(large) => (16, large),
                None => break,
            },
            s => (8, u64::from(s)),
        };
        if size < header_len {
            if moov.is_some() {
                break;
            }
            return Err(ProbeError::from(format!(
                "invalid size {size} for box '{}' at offset {pos}",
                show(&kind)
            )));
        }
        let end = pos.checked_add(size).filter(|&e| e <= src.len);
        let body_pos = pos + header_len;
        let body_len = size - header_len;
        match &kind {
            b"moov" if moov.is_none() => {
                if end.is_none() {
                    return Err(ProbeError::from(format!(
                        "the index (moov at offset {pos}, {size} bytes) runs past the end of the \
                         file: truncated?"
                    )));
                }
                let body = src.read_vec(body_pos, body_len, MAX_INDEX_BYTES, "moov")?;
                fragmented = find(&body, b"mvex").is_some();
                moov = Some((pos, body));
            }
            b"mdat" => {
                first_mdat.get_or_insert(pos);
                mdat_truncated |= end.is_none();
            }
            b"moof" if end.is_some() && body_len <= MAX_MOOF_BYTES => {
                let body = src.read_vec(body_pos, body_len, MAX_MOOF_BYTES, "moof")?;
                read_moof(&body, &mut trafs);
            }
            _ => {}
        }
        let Some(end) = end else { break };
        pos = end;
        if moov.is_some() && first_mdat.is_some() && !fragmented {
            break;
        }
    }
    let Some((moov_pos, moov)) = moov else {
        return Err(ProbeError::from(if mdat_truncated {
            "no index (moov box): the media data runs past the end of the file, so the file \
             was cut short (truncated download?)"
                .to_owned()
        } else {
            "no index (moov box) found: not a complete MP4 file".to_owned()
        }));
    };
    let mut details = parse_moov(&moov, &trafs, fragmented, src.len)?;
    details.info.faststart = first_mdat.map(|m| moov_pos < m);
    Ok(details)
}

/// Child boxes of a box body held in memory; stops at the first malformed
/// header, clips a child that claims more than its parent holds.
struct Boxes<'a> {
    data: &'a [u8],
    pos: usize,
}

fn children(data: &[u8]) -> Boxes<'_> {
    Boxes { data, pos: 0 }
}

impl<'a> Iterator for Boxes<'a> {
    type Item = ([u8; 4], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.pos..)?;
        let size32 = be_u32(rest, 0)?;
        let kind = fourcc(rest, 4)?;
        let (header, size) = match size32 {
            0 => (8usize, rest.len()),
            1 => (16, usize::try_from(be_u64(rest, 8)?).unwrap_or(usize::MAX)),
            s => (8, usize::try_from(s).unwrap_or(usize::MAX)),
        };
        if size < header {
            self.pos = self.data.len();
            return None;
        }
        let size = size.min(rest.len());
        let body = rest.get(header..size)?;
        self.pos = self.pos.checked_add(size)?;
        Some((kind, body))
    }
}

fn find<'a>(data: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    children(data).find(|(k, _)| k == kind).map(|(_, b)| b)
}

fn path<'a>(data: &'a [u8], kinds: &[&[u8; 4]]) -> Option<&'a [u8]> {
    kinds.iter().try_fold(data, |d, k| find(d, k))
}

#[derive(Clone, Debug, Default)]
struct Track {
    id: u32,
    handler: [u8; 4],
    quarter_turn: bool,
    tkhd_size: (u32, u32),
    timescale: u32,
    duration: u64,
    codec: Option<String>,
    size: (u16, u16),
    sample_rate: Option<u32>,
    channels: Option<u32>,
    frames: u64,
    sample_time: u64,
    first_cto: Option<i64>,
    /// Where the track's sample data ends in the file, by its sample tables
    /// (`stco`/`co64`, `stsc`, `stsz`); None without a chunk table or when
    /// the data lives in another file (`dref`).
    data_end: Option<u64>,
}

/// Most sample-table entries walked for one track (bounds the work on a
/// hostile index; the tables of a real file fit in `MAX_INDEX_BYTES`).
const MAX_TABLE_ENTRIES: usize = 16 << 20;

/// [`ProbeError::CutShort`] when the video track's samples, as its index
/// places them, run past the end of the file (a file cut short whose index
/// survived).
fn parse_moov(
    moov: &[u8],
    trafs: &[TrafSummary],
    fragmented: bool,
    file_len: u64,
) -> Result<Details, ProbeError> {
    let (movie_timescale, movie_duration) = find(moov, b"mvhd")
        .and_then(|d| {
            if d.first() == Some(&1) {
                Some((be_u32(d, 20)?, be_u64(d, 24)?))
            } else {
                Some((be_u32(d, 12)?, u64::from(be_u32(d, 16)?)))
            }
        })
        .unwrap_or((0, 0));
    let mut tracks: Vec<Track> = children(moov)
        .filter(|(k, _)| k == b"trak")
        .take(MAX_TRACKS)
        .map(|(_, d)| parse_trak(d))
        .collect();

    // Fragments: resolve default durations from `trex`, then add to tracks.
    let trex_default = |id: u32| -> Option<u32> {
        children(find(moov, b"mvex")?)
            .filter(|(k, _)| k == b"trex")
            .find(|(_, d)| be_u32(d, 4) == Some(id))
            .and_then(|(_, d)| be_u32(d, 12))
    };
    for track in &mut tracks {
        let mut next_time = track.sample_time;
        let mut first = true;
        for t in trafs.iter().filter(|t| t.track_id == track.id) {
            let default = t.default_duration.or_else(|| trex_default(track.id));
            let dur = t.explicit_duration.saturating_add(
                t.implicit_samples
                    .saturating_mul(u64::from(default.unwrap_or(0))),
            );
            let start = t.base_time.unwrap_or(next_time);
            if first && track.frames == 0 {
                track.first_cto = t.first_cto;
            }
            first = false;
            next_time = start.saturating_add(dur);
            track.frames = track.frames.saturating_add(t.samples);
            track.sample_time = track.sample_time.saturating_add(dur);
        }
    }

    let seconds = |v: f64, scale: u32| if scale > 0 { v / f64::from(scale) } else { 0.0 };
    let track_span = |t: &Track| {
        let start = seconds(t.first_cto.unwrap_or(0) as f64, t.timescale);
        (start, start + seconds(t.sample_time as f64, t.timescale))
    };
    let duration_s = if fragmented {
        // ffprobe: the span of the streams' timestamps.
        let spans: Vec<(f64, f64)> = tracks
            .iter()
            .filter(|t| t.frames > 0)
            .map(track_span)
            .collect();
        let start = spans.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
        let end = spans.iter().map(|s| s.1).fold(0.0, f64::max);
        let span = if spans.is_empty() {
            0.0
        } else {
            end - start.max(0.0)
        };
        if span > 0.0 {
            span
        } else {
            let mehd = path(moov, &[b"mvex", b"mehd"]).and_then(|d| {
                if d.first() == Some(&1) {
                    be_u64(d, 4)
                } else {
                    be_u32(d, 4).map(u64::from)
                }
            });
            seconds(mehd.unwrap_or(movie_duration) as f64, movie_timescale)
        }
    } else if movie_timescale > 0 {
        seconds(movie_duration as f64, movie_timescale)
    } else {
        tracks
            .iter()
            .map(|t| seconds(t.duration as f64, t.timescale))
            .fold(0.0, f64::max)
    };

    let is_still =
        |t: &Track| matches!(t.codec.as_deref(), Some("mjpeg" | "png" | "bmp")) && t.frames <= 1;
    let video = tracks
        .iter()
        .find(|t| &t.handler == b"vide" && !is_still(t));
    let audio = tracks.iter().find(|t| &t.handler == b"soun");
    let covr = [&[b"udta", b"meta"][..], &[b"meta"][..]]
        .iter()
        .filter_map(|p| path(moov, p))
        .any(|meta| {
            // ISO `meta` is a full box; QuickTime's is not.
            let ilst = find(meta, b"ilst").or_else(|| find(meta.get(4..)?, b"ilst"));
            ilst.and_then(|i| find(i, b"covr")).is_some()
        });
    let still_track = tracks.iter().any(|t| &t.handler == b"vide" && is_still(t));

    let (mut width, mut height) = match video {
        Some(v) if v.size.0 > 0 && v.size.1 > 0 => {
            (Some(u32::from(v.size.0)), Some(u32::from(v.size.1)))
        }
        Some(v) if v.tkhd_size.0 > 0 && v.tkhd_size.1 > 0 => {
            (Some(v.tkhd_size.0), Some(v.tkhd_size.1))
        }
        _ => (None, None),
    };
    if video.is_some_and(|v| v.quarter_turn) {
        std::mem::swap(&mut width, &mut height);
    }
    if let Some(end) = video.and_then(|v| v.data_end)
        && end > file_len
    {
        return Err(Truncation::SamplesPastEnd { end, len: file_len }.into());
    }
    let fps = video.and_then(|v| {
        let secs = seconds(v.sample_time as f64, v.timescale);
        (v.frames > 0 && secs > 0.0).then(|| v.frames as f64 / secs)
    });
    Ok(Details {
        info: VideoInfo {
            container: CONTAINER.to_owned(),
            duration_s,
            codec: video.map(|v| v.codec.clone().unwrap_or_else(|| "unknown".to_owned())),
            width,
            height,
            fps,
            audio_codec: audio.and_then(|a| a.codec.clone()),
            sample_rate: audio.and_then(|a| a.sample_rate),
            channels: audio.and_then(|a| a.channels),
            has_cover_art: covr || still_track,
            faststart: None,
            engine: "builtin",
        },
    })
}

fn parse_trak(trak: &[u8]) -> Track {
    let mut t = Track::default();
    if let Some(tkhd) = find(trak, b"tkhd") {
        let v1 = tkhd.first() == Some(&1);
        let (id_at, matrix_at) = if v1 { (20, 52) } else { (12, 40) };
        t.id = be_u32(tkhd, id_at).unwrap_or(0);
        let m = |i: usize| be_u32(tkhd, matrix_at + 4 * i).map(|v| f64::from(v as i32));
        if let (Some(a), Some(b)) = (m(0), m(1)) {
            let angle = b.atan2(a).to_degrees().abs().round() as i64;
            t.quarter_turn = angle % 180 == 90;
        }
        let w = be_u32(tkhd, matrix_at + 36).unwrap_or(0) >> 16;
        let h = be_u32(tkhd, matrix_at + 40).unwrap_or(0) >> 16;
        t.tkhd_size = (w, h);
    }
    let Some(mdia) = find(trak, b"mdia") else {
        return t;
    };
    if let Some(mdhd) = find(mdia, b"mdhd") {
        let (ts, dur) = if mdhd.first() == Some(&1) {
            (be_u32(mdhd, 20), be_u64(mdhd, 24))
        } else {
            (be_u32(mdhd, 12), be_u32(mdhd, 16).map(u64::from))
        };
        t.timescale = ts.unwrap_or(0);
        t.duration = dur.unwrap_or(0);
    }
    if let Some(h) = find(mdia, b"hdlr").and_then(|d| fourcc(d, 8)) {
        t.handler = h;
    }
    let Some(minf) = find(mdia, b"minf") else {
        return t;
    };
    let Some(stbl) = find(minf, b"stbl") else {
        return t;
    };
    if self_contained(minf) {
        t.data_end = data_end(stbl);
    }
    if let Some((kind, entry)) = find(stbl, b"stsd").and_then(|d| children(d.get(8..)?).next()) {
        match &t.handler {
            b"vide" => video_entry(&mut t, kind, entry),
            b"soun" => audio_entry(&mut t, kind, entry),
            _ => {}
        }
    }
    if let Some(stts) = find(stbl, b"stts") {
        let count = be_u32(stts, 4).unwrap_or(0) as usize;
        for i in 0..count.min(stts.len() / 8) {
            let at = 8 + 8 * i;
            let (Some(n), Some(delta)) = (be_u32(stts, at), be_u32(stts, at + 4)) else {
                break;
            };
            t.frames = t.frames.saturating_add(u64::from(n));
            t.sample_time = t
                .sample_time
                .saturating_add(u64::from(n).saturating_mul(u64::from(delta)));
        }
    }
    if t.frames > 0 {
        t.first_cto = find(stbl, b"ctts")
            .filter(|d| be_u32(d, 4).unwrap_or(0) > 0)
            .and_then(|d| be_u32(d, 12))
            .map(|v| i64::from(v as i32));
    }
    t
}

/// The track's data is in this file: the first `dref` entry has the
/// self-reference flag (or there is no `dref` to say otherwise).
fn self_contained(minf: &[u8]) -> bool {
    match path(minf, &[b"dinf", b"dref"]).and_then(|d| children(d.get(8..)?).next()) {
        Some((_, entry)) => be_u32(entry, 0).is_some_and(|f| f & 1 != 0),
        None => true,
    }
}

/// The end of the track's furthest chunk: each chunk's offset (`stco` or
/// `co64`) plus the sizes (`stsz`) of the samples `stsc` puts in it. A
/// missing or cut-short `stsz`/`stsc` counts its samples as empty, so the
/// chunk offsets alone are still checked. None without a chunk table.
fn data_end(stbl: &[u8]) -> Option<u64> {
    let (offsets, wide) = match find(stbl, b"co64") {
        Some(d) => (d, true),
        None => (find(stbl, b"stco")?, false),
    };
    let width = if wide { 8 } else { 4 };
    let chunks = usize::try_from(be_u32(offsets, 4)?)
        .unwrap_or(usize::MAX)
        .min(offsets.len().saturating_sub(8) / width)
        .min(MAX_TABLE_ENTRIES);
    let stsc = find(stbl, b"stsc").unwrap_or_default();
    let runs = usize::try_from(be_u32(stsc, 4).unwrap_or(0))
        .unwrap_or(usize::MAX)
        .min(stsc.len().saturating_sub(8) / 12)
        .min(MAX_TABLE_ENTRIES);
    // (first chunk, 1-based; samples per chunk) of run `i`.
    let run = |i: usize| -> Option<(u64, u64)> {
        let at = i.checked_mul(12)?.checked_add(8)?;
        Some((
            u64::from(be_u32(stsc, at)?),
            u64::from(be_u32(stsc, at.checked_add(4)?)?),
        ))
    };
    let stsz = find(stbl, b"stsz").unwrap_or_default();
    let fixed = u64::from(be_u32(stsz, 4).unwrap_or(0));
    let sizes = usize::try_from(be_u32(stsz, 8).unwrap_or(0))
        .unwrap_or(usize::MAX)
        .min(stsz.len().saturating_sub(12) / 4)
        .min(MAX_TABLE_ENTRIES);
    let mut sample = 0usize;
    let mut run_at = 0usize;
    let mut end = 0u64;
    for chunk in 0..chunks {
        let at = 8 + chunk * width;
        let offset = if wide {
            be_u64(offsets, at)?
        } else {
            u64::from(be_u32(offsets, at)?)
        };
        // The run this chunk (1-based number) falls in.
        let number = chunk as u64 + 1;
        while run_at + 1 < runs && run(run_at + 1).is_some_and(|(first, _)| first <= number) {
            run_at += 1;
        }
        let per_chunk = run(run_at).map_or(0, |(_, n)| n);
        let bytes = if fixed > 0 {
            fixed.saturating_mul(per_chunk)
        } else {
            let take = usize::try_from(per_chunk)
                .unwrap_or(usize::MAX)
                .min(sizes.saturating_sub(sample));
            let mut sum = 0u64;
            for i in sample..sample + take {
                let size = be_u32(stsz, 12 + 4 * i).unwrap_or(0);
                sum = sum.saturating_add(u64::from(size));
            }
            sample += take;
            sum
        };
        end = end.max(offset.saturating_add(bytes));
    }
    Some(end)
}

/// The original format of an encrypted (`encv`/`enca`) sample entry.
fn unwrap_encrypted(kind: [u8; 4], children_data: &[u8]) -> [u8; 4] {
    if (&kind == b"encv" || &kind == b"enca")
        && let Some(f) = path(children_data, &[b"sinf", b"frma"]).and_then(|d| fourcc(d, 0))
    {
        return f;
    }
    kind
}

fn video_entry(t: &mut Track, kind: [u8; 4], entry: &[u8]) {
    t.size = (
        be_u16(entry, 24).unwrap_or(0),
        be_u16(entry, 26).unwrap_or(0),
    );
    let boxes = entry.get(78..).unwrap_or_default();
    let kind = unwrap_encrypted(kind, boxes);
    let name = match &kind {
        b"avc1" | b"avc2" | b"avc3" | b"avc4" => "h264",
        b"hvc1" | b"hev1" | b"dvh1" | b"dvhe" => "hevc",
        b"av01" => "av1",
        b"vp09" => "vp9",
        b"vp08" => "vp8",
        b"mp4v" => match esds_object_type(boxes) {
            Some(0x21) => "h264",
            Some(0x60..=0x65) => "mpeg2video",
            Some(0x6A) => "mpeg1video",
            Some(0x6C) => "mjpeg",
            Some(0x6D) => "png",
            _ => "mpeg4",
        },
        b"jpeg" | b"mjpa" | b"AVDJ" | b"MJPG" => "mjpeg",
        b"mjpb" => "mjpegb",
        b"png " => "png",
        b"apcn" | b"apch" | b"apcs" | b"apco" | b"ap4h" | b"ap4x" => "prores",
        b"s263" | b"h263" | b"H263" => "h263",
        b"xvid" | b"XVID" | b"DIVX" | b"FMP4" | b"3IV2" => "mpeg4",
        b"SVQ3" => "svq3",
        b"SVQ1" => "svq1",
        b"raw " => "rawvideo",
        b"dvc " | b"dvcp" | b"dvpp" | b"dv5n" | b"dv5p" => "dvvideo",
        b"mp2v" | b"hdv2" | b"hdv3" | b"xdv7" | b"xdvf" => "mpeg2video",
        b"AVdn" | b"AVdh" => "dnxhd",
        b"ffv1" => "ffv1",
        b"gif " => "gif",
        b"cvid" => "cinepak",
        _ => {
            // Unknown: keep the tag so the stream still counts as video.
            let raw = show(&kind);
            t.codec = Some(raw.trim().to_owned());
            return;
        }
    };
    t.codec = Some(name.to_owned());
}

fn audio_entry(t: &mut Track, kind: [u8; 4], entry: &[u8]) {
    let version = be_u16(entry, 8).unwrap_or(0);
    let sample_size = be_u16(entry, 18).unwrap_or(16);
    let mut channels = be_u16(entry, 16).map(u32::from);
    let mut rate = be_u32(entry, 24).map(|r| r >> 16);
    let mut lpcm_flags = None;
    let boxes_at = match version {
        1 => 44,
        2 => {
            rate = entry
                .get(32..40)
                .and_then(|b| b.try_into().ok())
                .map(f64::from_be_bytes)
                .filter(|r| r.is_finite() && *r > 0.0 && *r < 1e7)
                .map(|r| r.round() as u32);
            channels = be_u32(entry, 40);
            lpcm_flags = Some((
                be_u32(entry, 48).unwrap_or(0),
                be_u32(entry, 52).unwrap_or(0),
            ));
            64
        }
        _ => 28,
    };
    let boxes = entry.get(boxes_at..).unwrap_or_default();
    let kind = unwrap_encrypted(kind, boxes);
    // MPEG-4 audio's decoder config, parsed once: it names the codec and
    // holds the real channel count.
    let config = (kind == *b"mp4a")
        .then(|| esds_config(boxes).or_else(|| find(boxes, b"wave").and_then(esds_config)))
        .flatten();
    let pcm = |be: bool| -> String {
        let bits = match sample_size {
            8 => return "pcm_s8".to_owned(),
            24 => 24,
            32 => 32,
            _ => 16,
        };
        format!("pcm_s{bits}{}", if be { "be" } else { "le" })
    };
    let name: String = match &kind {
        b"mp4a" => match config.map(|(object_type, _)| object_type) {
            Some(0x69 | 0x6B) => "mp3",
            Some(0xA5) => "ac3",
            Some(0xA6) => "eac3",
            Some(0xA9) => "dts",
            Some(0xDD) => "vorbis",
            Some(0xAD) => "opus",
            Some(0xE1) => "qcelp",
            _ => "aac",
        }
        .to_owned(),
        b".mp3" | b"ms\0\x55" => "mp3".to_owned(),
        b"ac-3" | b"sac3" => "ac3".to_owned(),
        b"ec-3" => "eac3".to_owned(),
        b"Opus" => "opus".to_owned(),
        b"fLaC" => "flac".to_owned(),
        b"alac" => "alac".to_owned(),
        b"sowt" => pcm(false),
        b"twos" => pcm(true),
        b"raw " | b"NONE" => "pcm_u8".to_owned(),
        b"in24" => "pcm_s24be".to_owned(),
        b"in32" => "pcm_s32be".to_owned(),
        b"fl32" => "pcm_f32be".to_owned(),
        b"fl64" => "pcm_f64be".to_owned(),
        b"ulaw" => "pcm_mulaw".to_owned(),
        b"alaw" => "pcm_alaw".to_owned(),
        b"lpcm" => {
            let (flags, bits) = lpcm_flags.unwrap_or((0x0C, 16));
            let be = flags & 0x2 != 0;
            let e = if be { "be" } else { "le" };
            if flags & 0x1 != 0 {
                format!("pcm_f{}{e}", if bits == 64 { 64 } else { 32 })
            } else if bits == 8 {
                "pcm_s8".to_owned()
            } else {
                format!(
                    "pcm_s{}{e}",
                    if matches!(bits, 24 | 32) { bits } else { 16 }
                )
            }
        }
        b"samr" => "amr_nb".to_owned(),
        b"sawb" => "amr_wb".to_owned(),
        b"ima4" => "adpcm_ima_qt".to_owned(),
        b"dtsc" | b"dtsh" | b"dtsl" => "dts".to_owned(),
        b"mlpa" => "truehd".to_owned(),
        _ => show(&kind).trim().to_owned(),
    };
    t.codec = Some(name);
    t.sample_rate = rate.filter(|&r| r > 0);
    // The sample entry's channelcount is often just 2 for AAC (ffmpeg
    // writes 2 for mono); the AudioSpecificConfig has the real count.
    if let Some((0x40, Some(asc))) = config
        && let Some(c) = aac_channels(asc)
    {
        channels = Some(c);
    }
    t.channels = channels.filter(|&c| c > 0);
}

/// objectTypeIndication from the `esds` box among `boxes`.
fn esds_object_type(boxes: &[u8]) -> Option<u8> {
    esds_config(boxes).map(|(object_type, _)| object_type)
}

/// objectTypeIndication and DecoderSpecificInfo (tag 5) payload, if any,
/// from the `esds` box among `boxes`: ES_Descriptor (tag 3) →
/// DecoderConfigDescriptor (tag 4) → DecoderSpecificInfo (tag 5).
fn esds_config(boxes: &[u8]) -> Option<(u8, Option<&[u8]>)> {
    let esds = find(boxes, b"esds")?;
    let mut at = 4; // full box header
    // ES_Descriptor (tag 3)
    if *esds.get(at)? != 0x03 {
        return None;
    }
    let (_, next) = descriptor_len(esds, at.checked_add(1)?)?;
    at = next;
    let flags = *esds.get(at.checked_add(2)?)?;
    at = at.checked_add(3)?;
    if flags & 0x80 != 0 {
        at = at.checked_add(2)?;
    }
    if flags & 0x40 != 0 {
        at = at.checked_add(1 + usize::from(*esds.get(at)?))?;
    }
    if flags & 0x20 != 0 {
        at = at.checked_add(2)?;
    }
    // DecoderConfigDescriptor (tag 4)
    if *esds.get(at)? != 0x04 {
        return None;
    }
    let (len, body_at) = descriptor_len(esds, at.checked_add(1)?)?;
    let object_type = *esds.get(body_at)?;
    // The descriptor's body, clipped to what is there.
    let body_end = body_at.checked_add(len)?.min(esds.len());
    let body = esds.get(body_at..body_end).unwrap_or_default();
    // objectTypeIndication, streamType, bufferSizeDB (3), maxBitrate (4),
    // avgBitrate (4); then, optionally, DecoderSpecificInfo (tag 5).
    let specific = body.get(13).filter(|&&t| t == 0x05).and_then(|_| {
        let (len, at) = descriptor_len(body, 14)?;
        body.get(at..at.checked_add(len)?)
    });
    Some((object_type, specific))
}

/// An expandable descriptor length (1–4 bytes, 7 bits each, high bit =
/// more) at `at`; returns the length and the offset after it.
fn descriptor_len(d: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let mut len = 0usize;
    for _ in 0..4 {
        let b = *d.get(at)?;
        at = at.checked_add(1)?;
        len = (len << 7) | usize::from(b & 0x7F);
        if b & 0x80 == 0 {
            break;
        }
    }
    Some((len, at))
}

/// The channel count from an AAC AudioSpecificConfig: its
/// channelConfiguration when 1–7, `None` when 0 (a program config element
/// decides) or the config is cut short.
fn aac_channels(asc: &[u8]) -> Option<u32> {
    let mut bits = Bits { data: asc, at: 0 };
    if bits.read(5)? == 31 {
        bits.read(6)?; // audioObjectTypeExt
    }
    if bits.read(4)? == 15 {
        bits.read(24)?; // explicit samplingFrequency
    }
    match bits.read(4)? {
        c @ 1..=6 => Some(c),
        7 => Some(8),
        _ => None,
    }
}

/// A big-endian bit reader over a byte slice.
struct Bits<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bits<'_> {
    /// The next `n` (≤ 32) bits, or `None` past the end.
    fn read(&mut self, n: u32) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.data.get(self.at / 8)?;
            let bit = (byte >> (7 - self.at % 8)) & 1;
            v = (v << 1) | u32::from(bit);
            self.at = self.at.checked_add(1)?;
        }
        Some(v)
    }
}

fn read_moof(moof: &[u8], out: &mut Vec<TrafSummary>) {
    for (_, traf) in children(moof).filter(|(k, _)| k == b"traf") {
        if out.len() >= MAX_TRAFS {
            return;
        }
        let Some(tfhd) = find(traf, b"tfhd") else {
            continue;
        };
        let flags = be_u32(tfhd, 0).unwrap_or(0) & 0x00FF_FFFF;
        let mut s = TrafSummary {
            track_id: be_u32(tfhd, 4).unwrap_or(0),
            ..TrafSummary::default()
        };
        let mut at = 8;
        if flags & 0x01 != 0 {
            at += 8;
        }
        if flags & 0x02 != 0 {
            at += 4;
        }
        if flags & 0x08 != 0 {
            s.default_duration = be_u32(tfhd, at);
        }
        s.base_time = find(traf, b"tfdt").and_then(|d| {
            if d.first() == Some(&1) {
                be_u64(d, 4)
            } else {
                be_u32(d, 4).map(u64::from)
            }
        });
        for (_, trun) in children(traf).filter(|(k, _)| k == b"trun") {
            read_trun(trun, &mut s);
        }
        out.push(s);
    }
}

fn read_trun(trun: &[u8], s: &mut TrafSummary) {
    let flags = be_u32(trun, 0).unwrap_or(0) & 0x00FF_FFFF;
    let count = u64::from(be_u32(trun, 4).unwrap_or(0));
    let mut at = 8usize;
    if flags & 0x01 != 0 {
        at += 4;
    }
    if flags & 0x04 != 0 {
        at += 4;
    }
    let fields = [0x100, 0x200, 0x400, 0x800].map(|bit| flags & bit != 0);
    let entry = 4 * fields.iter().filter(|&&f| f).count();
    if entry == 0 {
        s.implicit_samples = s.implicit_samples.saturating_add(count);
        s.samples = s.samples.saturating_add(count);
        return;
    }
    let available = (trun.len().saturating_sub(at) / entry) as u64;
    let present = count.min(available);
    for i in 0..present as usize {
        let base = at + i * entry;
        if fields[0] {
            let d = be_u32(trun, base).unwrap_or(0);
            s.explicit_duration = s.explicit_duration.saturating_add(u64::from(d));
        }
        if fields[3] && s.first_cto.is_none() && s.samples == 0 && i == 0 {
            let off = 4 * fields[..3].iter().filter(|&&f| f).count();
            s.first_cto = be_u32(trun, base + off).map(|v| i64::from(v as i32));
        }
    }
    if !fields[0] {
        s.implicit_samples = s.implicit_samples.saturating_add(present);
    }
    s.samples = s.samples.saturating_add(present);
}

#[cfg(test)]
mod tests {
    use crate::probe::ProbeOutcome;
    use crate::probe::builtin::tests::run;

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(body);
        v
    }

    fn full(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
        let mut b = vec![version, 0, 0, 0];
        b.extend_from_slice(body);
        bx(kind, &b)
    }

    fn ftyp() -> Vec<u8> {
        bx(b"ftyp", b"isom\0\0\x02\0isomavc1")
    }

    /// A minimal movie: one track of `handler` with sample entry `entry`.
    fn movie(handler: &[u8; 4], entry: &[u8; 4], matrix_b: i32, frames: u32) -> Vec<u8> {
        movie_with(handler, entry, matrix_b, frames, &[])
    }

    /// [`movie`] with more boxes (sample tables) at the end of `stbl`.
    fn movie_with(
        handler: &[u8; 4],
        entry: &[u8; 4],
        matrix_b: i32,
        frames: u32,
        tables: &[u8],
    ) -> Vec<u8> {
        let mut mvhd = vec![0u8; 8];
        mvhd.extend(1000u32.to_be_bytes());
        mvhd.extend(2000u32.to_be_bytes());
        mvhd.extend([0u8; 80]);
        let mut tkhd = vec![0u8; 8];
        tkhd.extend(1u32.to_be_bytes());
        tkhd.extend([0u8; 24]);
        let a: i32 = if matrix_b == 0 { 0x10000 } else { 0 };
        for v in [a, matrix_b, 0, -matrix_b, a, 0, 0, 0, 0x4000_0000] {
            tkhd.extend(v.to_be_bytes());
        }
        tkhd.extend((320u32 << 16).to_be_bytes());
        tkhd.extend((240u32 << 16).to_be_bytes());
        let mut mdhd = vec![0u8; 8];
        mdhd.extend(25u32.to_be_bytes());
        mdhd.extend(50u32.to_be_bytes());
        mdhd.extend([0u8; 4]);
        let mut hdlr = vec![0u8; 4];
        hdlr.extend(handler);
        hdlr.extend([0u8; 13]);
        let mut sample = vec![0u8; 78];
        sample[24..26].copy_from_slice(&320u16.to_be_bytes());
        sample[26..28].copy_from_slice(&240u16.to_be_bytes());
        if handler == b"soun" {
            sample[16..18].copy_from_slice(&2u16.to_be_bytes());
            sample[24..28].copy_from_slice(&(44100u32 << 16).to_be_bytes());
        }
        let mut stsd = 1u32.to_be_bytes().to_vec();
        stsd.extend(bx(entry, &sample));
        let mut stts = 1u32.to_be_bytes().to_vec();
        stts.extend(frames.to_be_bytes());
        stts.extend(1u32.to_be_bytes());
        let stbl = bx(
            b"stbl",
            &[
                full(b"stsd", 0, &stsd),
                full(b"stts", 0, &stts),
                tables.to_vec(),
            ]
            .concat(),
        );
        let minf = bx(b"minf", &stbl);
        let mdia = bx(
            b"mdia",
            &[full(b"mdhd", 0, &mdhd), full(b"hdlr", 0, &hdlr), minf].concat(),
        );
        let trak = bx(b"trak", &[full(b"tkhd", 0, &tkhd), mdia].concat());
        bx(b"moov", &[full(b"mvhd", 0, &mvhd), trak].concat())
    }

    /// An `mp4a` sample entry (channelcount 2) whose `esds` carries the
    /// objectTypeIndication `oti` and, if given, the DecoderSpecificInfo
    /// `asc`; `long_sizes` writes the descriptor sizes in 4 bytes.
    fn mp4a(oti: u8, asc: Option<&[u8]>, long_sizes: bool) -> Vec<u8> {
        let size = |n: usize| -> Vec<u8> {
            if long_sizes {
                vec![0x80, 0x80, 0x80, n as u8]
            } else {
                vec![n as u8]
            }
        };
        let mut dsi = Vec::new();
        if let Some(asc) = asc {
            dsi.push(0x05);
            dsi.extend(size(asc.len()));
            dsi.extend(asc);
        }
        let mut dcd_body = vec![oti, 0x15, 0, 0, 0];
        dcd_body.extend([0u8; 8]);
        dcd_body.extend(dsi);
        let mut dcd = vec![0x04];
        dcd.extend(size(dcd_body.len()));
        dcd.extend(dcd_body);
        let mut es_body = vec![0, 1, 0];
        es_body.extend(dcd);
        es_body.extend([0x06, 1, 2]);
        let mut es = vec![0x03];
        es.extend(size(es_body.len()));
        es.extend(es_body);
        let mut entry = vec![0u8; 28];
        entry[16..18].copy_from_slice(&2u16.to_be_bytes());
        entry[24..28].copy_from_slice(&(44100u32 << 16).to_be_bytes());
        entry.extend(full(b"esds", 0, &es));
        entry
    }

    fn channels_of(entry: &[u8]) -> (Option<String>, Option<u32>) {
        let mut t = super::Track::default();
        super::audio_entry(&mut t, *b"mp4a", entry);
        (t.codec, t.channels)
    }

    #[test]
    fn aac_channels_from_audio_specific_config() {
        let aac = Some("aac".to_owned());
        // AAC-LC (2), 44.1 kHz (4), channelConfiguration in bits 9..13.
        let lc = |config: u8| [0x12, config << 3];
        for long in [false, true] {
            for (config, want) in [(1, 1), (2, 2), (6, 6), (7, 8)] {
                assert_eq!(
                    channels_of(&mp4a(0x40, Some(&lc(config)), long)),
                    (aac.clone(), Some(want)),
                    "channelConfiguration {config}, long sizes {long}"
                );
            }
            // 0: defined by a program config element; keep the entry's 2.
            assert_eq!(channels_of(&mp4a(0x40, Some(&lc(0)), long)).1, Some(2));
        }
        // Escaped object type (31 → 6 more bits) and explicit frequency (15).
        // 11111 000010 1111 <24 bits of 48000> 0001 (mono)
        let mut bits: u64 = 31; // escape
        bits = (bits << 6) | 2; // 32 + 2 = 34
        bits = (bits << 4) | 15; // explicit frequency
        bits = (bits << 24) | 48000;
        bits = (bits << 4) | 1;
        let total = 5 + 6 + 4 + 24 + 4; // 43 bits → 6 bytes
        let asc = (bits << (48 - total)).to_be_bytes();
        assert_eq!(channels_of(&mp4a(0x40, Some(&asc[2..]), false)).1, Some(1));
        // Cut short before channelConfiguration: fall back.
        assert_eq!(channels_of(&mp4a(0x40, Some(&asc[2..5]), false)).1, Some(2));
        assert_eq!(channels_of(&mp4a(0x40, Some(&[0x12]), false)).1, Some(2));
        assert_eq!(channels_of(&mp4a(0x40, Some(&[]), false)).1, Some(2));
        // No DecoderSpecificInfo, or not MPEG-4 Audio: the entry's count.
        assert_eq!(channels_of(&mp4a(0x40, None, false)).1, Some(2));
        let mp3 = channels_of(&mp4a(0x6B, Some(&lc(1)), false));
        assert_eq!(mp3, (Some("mp3".to_owned()), Some(2)));
        // Every truncation and a few corruptions: no panic, a count.
        let whole = mp4a(0x40, Some(&lc(6)), true);
        for end in 0..=whole.len() {
            let _ = channels_of(&whole[..end]);
            for at in 28..end {
                for byte in [0x00, 0x05, 0x7F, 0x80, 0xFF] {
                    let mut bad = whole[..end].to_vec();
                    bad[at] = byte;
                    let _ = channels_of(&bad);
                }
            }
        }
        // A DecoderSpecificInfo claiming more than is there: fall back.
        let mut cut = mp4a(0x40, Some(&lc(6)), false);
        let len = cut.len();
        cut[len - 6] = 0x7F; // the tag-5 size, before 2 ASC bytes and the SL descriptor
        assert_eq!(channels_of(&cut).1, Some(2));
    }

    #[test]
    fn minimal_movie_rotated() {
        let file = [
            ftyp(),
            movie(b"vide", b"avc1", 0x10000, 50),
            bx(b"mdat", &[0; 16]),
        ]
        .concat();
        let Some(ProbeOutcome::Video(info)) = run(&file, "mp4") else {
            panic!("{:?}", run(&file, "mp4"))
        };
        assert_eq!(info.codec.as_deref(), Some("h264"));
        assert_eq!((info.width, info.height), (Some(240), Some(320)));
        assert!((info.duration_s - 2.0).abs() < 1e-9);
        assert!((info.fps.unwrap() - 25.0).abs() < 1e-9);
        let mut c = std::io::Cursor::new(&file);
        let d = crate::probe::builtin::probe_details(
            &mut c,
            file.len() as u64,
            Some(crate::formats::Family::IsoBmff),
        )
        .unwrap()
        .unwrap();
        assert_eq!(d.info.faststart, Some(true));
    }

    #[test]
    fn audio_only_and_still_picture_tracks() {
        let file = [ftyp(), movie(b"soun", b"mp4a", 0, 10)].concat();
        let Some(ProbeOutcome::NoVideoStream(info)) = run(&file, "mp4") else {
            panic!()
        };
        assert_eq!(info.audio_codec.as_deref(), Some("aac"));
        assert_eq!((info.sample_rate, info.channels), (Some(44100), Some(2)));
        let file = [ftyp(), movie(b"vide", b"jpeg", 0, 1)].concat();
        let Some(ProbeOutcome::NoVideoStream(info)) = run(&file, "mp4") else {
            panic!()
        };
        assert!(info.has_cover_art);
    }

    #[test]
    fn truncated_and_malformed() {
        let file = [ftyp(), movie(b"vide", b"avc1", 0, 50)].concat();
        for cut in 0..file.len() {
            let out = run(&file[..cut], "mp4");
            assert!(
                !matches!(out, Some(ProbeOutcome::Video(_))),
                "cut at {cut}: {out:?}"
            );
        }
        // mdat past the end, no moov
        let mut mdat = bx(b"mdat", &[0; 8]);
        mdat[..4].copy_from_slice(&1_000_000u32.to_be_bytes());
        let out = run(&[ftyp(), mdat].concat(), "mp4");
        assert!(
            matches!(&out, Some(ProbeOutcome::Unreadable(r)) if r.contains("truncated")),
            "{out:?}"
        );
        // size < 8, size 1 with huge largesize, size 0
        for bad in [
            b"\0\0\0\x04ftypisom".to_vec(),
            b"\0\0\0\x01ftyp\xff\xff\xff\xff\xff\xff\xff\xff".to_vec(),
            b"\0\0\0\x01moov\0\0\0\0\0\0\0\x08".to_vec(),
            b"\0\0\0\0mdat".to_vec(),
            [ftyp(), b"\xff\xff\xff\xffmoov".to_vec()].concat(),
        ] {
            let out = run(&bad, "mp4");
            assert!(matches!(out, Some(ProbeOutcome::Unreadable(_))), "{out:?}");
        }
    }

    /// `stco` (or `co64`), `stsc` and `stsz` boxes.
    fn tables(offsets: &[u64], wide: bool, runs: &[(u32, u32)], sizes: &[u32]) -> Vec<u8> {
        let mut co = (offsets.len() as u32).to_be_bytes().to_vec();
        for &o in offsets {
            if wide {
                co.extend(o.to_be_bytes());
            } else {
                co.extend((o as u32).to_be_bytes());
            }
        }
        let mut stsc = (runs.len() as u32).to_be_bytes().to_vec();
        for &(first, n) in runs {
            stsc.extend(first.to_be_bytes());
            stsc.extend(n.to_be_bytes());
            stsc.extend(1u32.to_be_bytes());
        }
        let mut stsz = 0u32.to_be_bytes().to_vec();
        stsz.extend((sizes.len() as u32).to_be_bytes());
        for &z in sizes {
            stsz.extend(z.to_be_bytes());
        }
        [
            full(if wide { b"co64" } else { b"stco" }, 0, &co),
            full(b"stsc", 0, &stsc),
            full(b"stsz", 0, &stsz),
        ]
        .concat()
    }

    /// The reason, when the probe's verdict is "cut short".
    fn cut_short(file: &[u8]) -> Option<String> {
        let mut c = std::io::Cursor::new(file);
        match crate::probe::builtin::probe_details(
            &mut c,
            file.len() as u64,
            Some(crate::formats::Family::IsoBmff),
        ) {
            Some(Err(crate::probe::builtin::ProbeError::CutShort(reason))) => {
                Some(reason.to_string())
            }
            _ => None,
        }
    }

    #[test]
    fn sample_data_past_the_end_is_unreadable() {
        // Chunks of 2, 2, then 1 sample, the last one ending at `end`.
        let file_with = |wide: bool, last: u64| {
            let t = tables(
                &[100, 200, last],
                wide,
                &[(1, 2), (3, 1)],
                &[10, 10, 20, 20, 30],
            );
            let head = [ftyp(), movie_with(b"vide", b"avc1", 0, 50, &t)].concat();
            let mut file = head.clone();
            file.extend(bx(b"mdat", &vec![0; 400]));
            file
        };
        for wide in [false, true] {
            let file = file_with(wide, 300);
            let len = file.len() as u64;
            // Last chunk ends exactly at the end of the file: fine.
            let file = file_with(wide, len - 30);
            assert!(
                matches!(run(&file, "mp4"), Some(ProbeOutcome::Video(_))),
                "{:?}",
                run(&file, "mp4")
            );
            // One byte further: the samples are not all there, and the
            // probe says so as the final "cut short" verdict.
            let file = file_with(wide, len - 29);
            let out = cut_short(&file);
            assert!(
                out.as_ref().is_some_and(|r| r.contains("cut short")),
                "{out:?}"
            );
            // The whole file cut short after the index: unreadable.
            let file = file_with(wide, len - 30);
            let moov_end = file.len() - 408;
            for cut in [moov_end + 8, moov_end + 100, file.len() - 1] {
                let out = cut_short(&file[..cut]);
                assert!(
                    out.is_some(),
                    "cut at {cut}: {:?}",
                    run(&file[..cut], "mp4")
                );
            }
        }
        // Chunk offsets alone, even without sizes, are checked.
        let t = tables(&[u64::from(u32::MAX)], false, &[], &[]);
        let file = [ftyp(), movie_with(b"vide", b"avc1", 0, 50, &t)].concat();
        assert!(matches!(
            run(&file, "mp4"),
            Some(ProbeOutcome::Unreadable(_))
        ));
        // Data in another file (dref without the self-contained flag) and
        // tables that lie (counts far beyond the boxes): no panic, no
        // false alarm from the missing entries.
        let mut lying = tables(&[10], false, &[(1, u32::MAX)], &[5]);
        let n = lying.len();
        lying[n - 8..n - 4].copy_from_slice(&u32::MAX.to_be_bytes());
        let file = [ftyp(), movie_with(b"vide", b"avc1", 0, 50, &lying)].concat();
        assert!(matches!(run(&file, "mp4"), Some(ProbeOutcome::Video(_))));
        let dref = |url: Vec<u8>| full(b"dref", 0, &[1u32.to_be_bytes().to_vec(), url].concat());
        let dinf = bx(b"dinf", &dref(full(b"url ", 0, &[])));
        assert!(!super::self_contained(&dinf));
        let mut own = full(b"url ", 0, &[]);
        own[11] = 1;
        let dinf = bx(b"dinf", &dref(own));
        assert!(super::self_contained(&dinf));
    }

    #[test]
    fn huge_index_is_refused_not_read() {
        // A 100 MiB moov in a (claimed) 1 TiB stream: refused by the bound.
        let mut file = ftyp();
        file.extend((100u32 << 20).to_be_bytes());
        file.extend(b"moov");
        file.extend([0u8; 8]);
        let mut c = std::io::Cursor::new(file);
        let out =
            crate::probe::builtin::probe(&mut c, 1 << 40, Some(crate::formats::Family::IsoBmff));
        assert!(
            matches!(&out, Some(ProbeOutcome::Unreadable(r)) if r.contains("index too large")),
            "{out:?}"
        );
    }

    #[test]
    fn nested_garbage_in_moov() {
        // Children with absurd sizes inside moov are clipped, not followed.
        let junk = [
            b"\xff\xff\xff\xfftrak".to_vec(),
            b"\0\0\0\x01trak\xff\xff\xff\xff\xff\xff\xff\xff".to_vec(),
            b"\0\0\0\x03mvhd".to_vec(),
        ];
        for j in junk {
            let file = [ftyp(), bx(b"moov", &j)].concat();
            let out = run(&file, "mp4");
            assert!(
                matches!(out, Some(ProbeOutcome::NoVideoStream(_))),
                "{out:?}"
            );
        }
    }
}
