//! AVI (RIFF), OpenDML included. The probe is in [`probe`].

mod probe;

use super::{Container, ContainerFormat, Family, ReadSeek, Sniffed, video};
use crate::probe::builtin::{Details, ProbeError, Source, le_u32};
use crate::probe::capture::{CapturePlan, HEAD, Kept};

/// Most AVI head kept when the `hdrl` list is larger than `HEAD`.
const MAX_HEAD: u64 = 4 << 20;

pub struct Avi;
pub static FORMAT: Avi = Avi;

impl ContainerFormat for Avi {
    fn family(&self) -> Family {
        Family::Avi
    }

    fn sniff(&self, h: &[u8]) -> Option<Sniffed> {
        (h.starts_with(b"RIFF") && h.get(8..12) == Some(b"AVI "))
            .then(|| video("video/x-msvideo", Container::Avi))
    }

    /// `RIFF....AVI ` and the variants FFmpeg also accepts (`AVIX`, `AVI\x19`).
    fn opens(&self, head: &[u8]) -> bool {
        probe::looks_like(head)
    }

    fn capture(&self) -> Option<Box<dyn CapturePlan>> {
        Some(Box::new(Capture::default()))
    }

    fn names(&self) -> &'static [&'static str] {
        &["avi", "x-msvideo"]
    }

    fn has_probe(&self) -> bool {
        true
    }

    fn probe(
        &self,
        src: &mut Source<'_, dyn ReadSeek + '_>,
    ) -> Option<Result<Details, ProbeError>> {
        probe::probe(src)
    }
}

/// Keeps `0..keep_to`: the head through the `hdrl` header list and `HEAD`
/// past it. Then the index the header points to (the start and end of
/// `idx1`, the video's last OpenDML `ix##` chunk) as it streams by.
#[derive(Debug, Default)]
struct Capture {
    /// None until the size of the `hdrl` list (bytes 12..24) is known.
    keep_to: Option<u64>,
    /// The header has been read for index places.
    planned: bool,
    /// Byte ranges to keep as they stream by, sorted.
    wanted: Vec<(u64, u64)>,
    /// Where `idx1` starts, until its size (in its header) is kept.
    idx1_at: Option<u64>,
}

impl CapturePlan for Capture {
    fn update(&mut self, kept: &mut Kept, start: u64, chunk: &[u8]) -> bool {
        kept.keep(start, chunk, 0, self.keep_to.unwrap_or(HEAD));
        if self.keep_to.is_none() && kept.pos() >= 24 {
            let to = header_end(kept.head());
            self.keep_to = Some(to);
            kept.keep(start, chunk, HEAD, to);
        }
        self.keep_index(kept, start, chunk);
        true
    }
}

impl Capture {
    /// Keep the index ranges in `chunk`: planned from the header once it is
    /// all kept, then `idx1`'s tail once its header is.
    fn keep_index(&mut self, kept: &mut Kept, start: u64, chunk: &[u8]) {
        let header_kept = self.keep_to.is_some_and(|to| kept.pos() >= to);
        if !self.planned && header_kept {
            self.planned = true;
            let places = kept.read_so_far(Family::Avi, |r| probe::index_places(r));
            self.wanted.extend(places.idx1_head);
            self.idx1_at = places.idx1_head.map(|(at, _)| at);
            self.wanted.extend(places.ix_chunk);
            self.wanted.sort_unstable();
        }
        for &(from, to) in &self.wanted {
            kept.keep(start, chunk, from, to);
        }
        // idx1's header is kept: its size says where its tail is.
        if let Some(at) = self.idx1_at.filter(|&at| kept.pos() >= at + 8) {
            self.idx1_at = None;
            let size = kept
                .regions()
                .iter()
                .rev()
                .find(|(from, b)| *from <= at && at + 8 <= *from + b.len() as u64)
                .and_then(|(from, b)| {
                    let header = b.get((at - from) as usize..)?;
                    (header.get(..4)? == b"idx1")
                        .then(|| le_u32(header, 4))
                        .flatten()
                });
            if let Some(size) = size {
                let tail = probe::idx1_tail(at + 8, size);
                self.wanted.push(tail);
                self.wanted.sort_unstable();
                kept.keep(start, chunk, tail.0, tail.1);
            }
        }
    }
}

/// Where the AVI header ends, give or take: the `hdrl` list (read from the
/// kept head) plus `HEAD` for what follows it before `LIST movi` (`INFO`,
/// `JUNK`); at least `HEAD`, at most `MAX_HEAD`.
fn header_end(head: &[u8]) -> u64 {
    let hdrl = head.get(12..16) == Some(b"LIST") && head.get(20..24) == Some(b"hdrl");
    match le_u32(head, 16) {
        Some(size) if hdrl => (20 + u64::from(size) + HEAD).clamp(HEAD, MAX_HEAD),
        _ => HEAD,
    }
}
