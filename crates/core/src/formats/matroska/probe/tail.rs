//! Was a Matroska file of unknown Segment size cut short?
//!
//! Live, piped and browser-recorded WebM (ffmpeg to a pipe, MediaRecorder)
//! never go back to write the Segment's size: it stays "unknown", so the
//! Segment cannot say data is missing. A careful demuxer still notices the
//! cut where the data stops: the last element's declared size runs past the
//! end of the file, a header is cut in half, or the blocks present end long
//! before the `Duration` says they should.
//!
//! Only the file's last [`TAIL`] bytes are looked at (the scan's capture
//! keeps them, so this costs no extra read). The walk starts at the first
//! Cluster when it lies in them; else at a Cluster found in them by its
//! signature (ID, size, then a `Timecode`), or at the first of a long chain
//! of blocks (MediaRecorder's Clusters of unknown size can be longer than
//! the tail). Anything the walk does not recognise ends it without a
//! verdict: a cut is reported only when the structure proves it.

use super::{ATTACHMENTS, CLUSTER, INFO, SEEK_HEAD, TRACKS, header, uint, vint};
use crate::probe::builtin::{ProbeError, Truncation};

/// Bytes at the end of the file the walk may read; the capture keeps them.
pub const TAIL: u64 = 1 << 20;

const CUES: u32 = 0x1C53_BB6B;
const TAGS: u32 = 0x1254_C367;
const CHAPTERS: u32 = 0x1043_A770;
const VOID: u32 = 0xEC;
const CRC32: u32 = 0xBF;
const TIMECODE: u32 = 0xE7;
const SIMPLE_BLOCK: u32 = 0xA3;
const BLOCK_GROUP: u32 = 0xA0;
const BLOCK: u32 = 0xA1;
const POSITION: u32 = 0xA7;
const PREV_SIZE: u32 = 0xAB;
const ENCRYPTED_BLOCK: u32 = 0xAF;
const SILENT_TRACKS: u32 = 0x5854;

/// Elements a chain of blocks must hold before it is trusted as a place to
/// start (a false start inside media data breaks long before).
const MIN_CHAIN: usize = 16;
/// Most element headers looked at, over all tries: bounds the time spent on
/// a hostile tail.
const MAX_STEPS: usize = 1 << 22;

/// A Duration this much longer than the blocks present is a cut, in seconds
/// (at least) and as a share of the Duration: generous, because the last
/// frame of a slide-show video may be held for seconds and a Duration added
/// after recording (as web apps do) is wall-clock time.
const SHORT_BY_S: f64 = 10.0;
const SHORT_BY_SHARE: f64 = 0.1;

/// What walking to the end of the file found.
#[derive(Debug, PartialEq)]
enum Walk {
    /// Every element ends inside the file; the latest time reached (a
    /// Cluster's Timecode, a block's time), in TimecodeScale units.
    Whole {
        elements: usize,
        last_time: Option<i64>,
    },
    /// An element, or a header, runs past the end of the file.
    Cut { elements: usize, reason: String },
    /// Something not recognised: no verdict.
    Lost { elements: usize },
}

impl Walk {
    fn elements(&self) -> usize {
        match self {
            Walk::Whole { elements, .. } | Walk::Cut { elements, .. } | Walk::Lost { elements } => {
                *elements
            }
        }
    }
}

/// The Cluster the walk is in: where it ends (None: unknown size, it ends
/// at the next top-level element) and its Timecode.
#[derive(Clone, Copy)]
struct InCluster {
    end: Option<u64>,
    time: Option<u64>,
}

/// Check the end of a file whose Segment size is unknown.
///
/// `first_cluster` is where the header walk met the first Cluster;
/// `duration` is Info's Duration in TimecodeScale units, `scale` that unit
/// in nanoseconds. `tail` holds the file's last bytes, from offset `base`
/// to the end of the file.
pub(super) fn check(
    tail: &[u8],
    base: u64,
    first_cluster: Option<u64>,
    duration: Option<f64>,
    scale: u64,
) -> Result<(), ProbeError> {
    let len = base + tail.len() as u64;
    let mut steps = MAX_STEPS;
    let from_first = first_cluster.filter(|&c| c >= base && c < len);
    let walk = match from_first {
        Some(c) => walk(tail, base, (c - base) as usize, false, &mut steps),
        None => match resync(tail, base, &mut steps) {
            Some(walk) => walk,
            None => return Ok(()),
        },
    };
    match walk {
        Walk::Cut { reason, .. } => Err(Truncation::UnsizedTail { what: reason, len }.into()),
        Walk::Whole { last_time, .. } => {
            // From the first Cluster on, no block at all is no time at all.
            let last = last_time.or(from_first.map(|_| 0));
            let (Some(last), Some(duration)) =
                (last, duration.filter(|d| d.is_finite() && *d > 0.0))
            else {
                return Ok(());
            };
            let secs = |ticks: f64| ticks * scale as f64 / 1e9;
            let (total, present) = (secs(duration), secs(last as f64));
            if total - present > SHORT_BY_S.max(total * SHORT_BY_SHARE) {
                return Err(Truncation::BlocksEndEarly { total, present }.into());
            }
            Ok(())
        }
        Walk::Lost { .. } => Ok(()),
    }
}

/// Find where to start walking in a tail that does not hold the first
/// Cluster; None when nothing there can be trusted.
fn resync(tail: &[u8], base: u64, steps: &mut usize) -> Option<Walk> {
    for at in 0..tail.len() {
        if *steps == 0 {
            return None;
        }
        let rest = tail.get(at..)?;
        let first = rest.first().copied();
        if first == Some(0x1F) && cluster_signature(rest) {
            return Some(walk(tail, base, at, false, steps));
        }
        if matches!(first, Some(0xA3 | 0xA0)) {
            let walk = walk(tail, base, at, true, steps);
            if walk.elements() >= MIN_CHAIN {
                return Some(walk);
            }
        }
    }
    None
}

/// A Cluster header followed by its Timecode (after an optional CRC-32), as
/// every muxer writes it.
fn cluster_signature(d: &[u8]) -> bool {
    let Some(h) = header(d).filter(|h| h.id == CLUSTER) else {
        return false;
    };
    let mut body = d.get(h.len as usize..).unwrap_or_default();
    if let Some(crc) = header(body).filter(|c| c.id == CRC32 && c.size == Some(4)) {
        body = body.get(crc.len as usize + 4..).unwrap_or_default();
    }
    header(body).is_some_and(|t| t.id == TIMECODE && t.size.is_some_and(|s| (1..=8).contains(&s)))
}

/// Walk element headers from `at` to the end of the file (see the module
/// doc). `mid_cluster`: `at` is a block inside a Cluster whose start is not
/// in the tail.
fn walk(tail: &[u8], base: u64, at: usize, mid_cluster: bool, steps: &mut usize) -> Walk {
    let len = base + tail.len() as u64;
    let mut pos = base + at as u64;
    let mut cluster = mid_cluster.then_some(InCluster {
        end: None,
        time: None,
    });
    let mut elements = 0;
    let mut last_time = None;
    loop {
        if *steps == 0 {
            return Walk::Lost { elements };
        }
        *steps -= 1;
        if cluster.is_some_and(|c| c.end == Some(pos)) {
            cluster = None;
        }
        if pos >= len {
            return Walk::Whole {
                elements,
                last_time,
            };
        }
        let rest = tail.get((pos - base) as usize..).unwrap_or_default();
        let Some(h) = header(rest) else {
            return if header_cut(rest) {
                Walk::Cut {
                    elements,
                    reason: format!("an element header at offset {pos} is cut off"),
                }
            } else {
                Walk::Lost { elements }
            };
        };
        let body = pos + h.len;
        let end = h.size.and_then(|s| body.checked_add(s));
        let cut = |what: &str| Walk::Cut {
            elements,
            reason: format!(
                "the {what} at offset {pos} claims {} bytes, up to offset {}",
                h.size.unwrap_or(0),
                end.map_or("∞".to_owned(), |e| e.to_string())
            ),
        };
        let in_known_cluster = cluster.is_some_and(|c| c.end.is_some());
        match h.id {
            CLUSTER if !in_known_cluster => {
                if h.size.is_some() && end.is_none_or(|e| e > len) {
                    return cut("Cluster");
                }
                cluster = Some(InCluster { end, time: None });
                pos = body;
            }
            SEEK_HEAD | INFO | TRACKS | CUES | TAGS | CHAPTERS | ATTACHMENTS
                if !in_known_cluster =>
            {
                cluster = None;
                let Some(end) = end else {
                    return Walk::Lost { elements };
                };
                if end > len {
                    return cut("top-level element");
                }
                pos = end;
            }
            VOID | CRC32 | TIMECODE | SIMPLE_BLOCK | BLOCK_GROUP | POSITION | PREV_SIZE
            | ENCRYPTED_BLOCK | SILENT_TRACKS
                if cluster.is_some() || matches!(h.id, VOID | CRC32) =>
            {
                let Some(end) = end else {
                    return Walk::Lost { elements };
                };
                if end > len {
                    return cut(if h.id == SIMPLE_BLOCK || h.id == BLOCK_GROUP {
                        "block"
                    } else {
                        "element"
                    });
                }
                // Past the end of a Cluster of known size: not Matroska as
                // we know it.
                if cluster.and_then(|c| c.end).is_some_and(|c| end > c) {
                    return Walk::Lost { elements };
                }
                let data = tail
                    .get((body - base) as usize..(end - base) as usize)
                    .unwrap_or_default();
                if let Some(c) = cluster.as_mut() {
                    match h.id {
                        TIMECODE => {
                            c.time = uint(data);
                            let time = c.time.and_then(|t| i64::try_from(t).ok());
                            last_time = last_time.max(time);
                        }
                        SIMPLE_BLOCK => last_time = last_time.max(block_time(c, data)),
                        BLOCK_GROUP => {
                            let block = super::child(data, BLOCK);
                            last_time = last_time.max(block.and_then(|b| block_time(c, b)));
                        }
                        _ => {}
                    }
                }
                pos = end;
            }
            _ => return Walk::Lost { elements },
        }
        elements += 1;
    }
}

/// A block's time: its Cluster's Timecode plus the block's own offset
/// (after the track number).
fn block_time(cluster: &InCluster, block: &[u8]) -> Option<i64> {
    let (_, track_len, _) = vint(block)?;
    let rel = i16::from_be_bytes(block.get(track_len..track_len + 2)?.try_into().ok()?);
    let time = i64::try_from(cluster.time?).ok()?;
    time.checked_add(i64::from(rel))
}

/// The file ends inside what starts as an element header.
pub(super) fn header_cut(rest: &[u8]) -> bool {
    let Some(&first) = rest.first() else {
        return false;
    };
    let id_len = first.leading_zeros() as usize + 1;
    if id_len > 4 {
        return false;
    }
    match rest.get(id_len) {
        None => true,
        Some(&size) => {
            let size_len = size.leading_zeros() as usize + 1;
            size_len <= 8 && rest.len() < id_len + size_len
        }
    }
}
