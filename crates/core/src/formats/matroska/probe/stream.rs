//! The walk of [`super::tail`], run over the whole file as it streams
//! through the scan, for a Segment of unknown size.
//!
//! The tail alone cannot say where its elements start when a Cluster is
//! longer than the tail and its blocks are too large for a long chain of
//! them to fit (above about 15 Mbit/s), or when one block is longer than the
//! tail (an intra-only stream such as MJPEG or FFV1). A demuxer reading from
//! the start knows every element's start all the same: so does this walk,
//! which keeps [`LOOK`] bytes of the element in hand and skips the rest.
//! Its answer goes to the probe with the captured bytes (`Kept::leave_note`).

use super::tail::{LOOK, Stop, Walk, Walker};
use super::{EBML, SEGMENT, header};

/// Level-0 elements looked at before the Segment (as the probe does).
const MAX_LEVEL0: usize = 64;

/// Walks a Matroska stream's elements as it goes by (see the module doc).
#[derive(Debug)]
pub(in crate::formats::matroska) struct StreamWalk {
    phase: Phase,
    /// The first bytes of the element at [`StreamWalk::at`], up to [`LOOK`].
    buf: Vec<u8>,
}

#[derive(Debug)]
enum Phase {
    /// Before the Segment: the level-0 element at `pos` (the EBML header
    /// first), `seen` of them so far.
    Level0 {
        pos: u64,
        seen: usize,
    },
    Walking(Walker),
    /// Nothing more to learn: the Segment has a size (the probe checks the
    /// file against it), or the walk stopped.
    Done(Option<Walk>),
}

impl Default for StreamWalk {
    fn default() -> Self {
        StreamWalk {
            phase: Phase::Level0 { pos: 0, seen: 0 },
            buf: Vec::with_capacity(LOOK),
        }
    }
}

impl StreamWalk {
    /// Where the element the walk waits for starts.
    fn at(&self) -> Option<u64> {
        match &self.phase {
            Phase::Level0 { pos, .. } => Some(*pos),
            Phase::Walking(w) => Some(w.pos()),
            Phase::Done(_) => None,
        }
    }

    /// The stream's next bytes, `chunk`, from offset `start`.
    pub(in crate::formats::matroska) fn update(&mut self, start: u64, chunk: &[u8]) {
        let end = start + chunk.len() as u64;
        while let Some(at) = self.at() {
            let have = at + self.buf.len() as u64;
            if have >= end {
                break;
            }
            // The element's first bytes in hand run up to `start` (chunks
            // are contiguous): gather the rest of its LOOK from this chunk.
            let Some(from) = have.checked_sub(start) else {
                self.phase = Phase::Done(None);
                break;
            };
            let from = from as usize;
            let take = (LOOK - self.buf.len()).min(chunk.len() - from);
            self.buf.extend_from_slice(&chunk[from..from + take]);
            if self.buf.len() < LOOK {
                break;
            }
            self.step(at, false);
        }
    }

    /// The stream ended after `len` bytes: how the walk ended. None when
    /// the Segment has a size, or the stream ended before the Clusters.
    pub(in crate::formats::matroska) fn finish(mut self, len: u64) -> Option<Walk> {
        loop {
            match &self.phase {
                Phase::Done(walk) => return walk.clone(),
                Phase::Level0 { .. } => return None,
                Phase::Walking(w) => {
                    if let Some(reason) = w.past(len) {
                        return Some(w.stopped(Stop::Cut(reason)));
                    }
                    if w.pos() >= len {
                        return Some(w.whole());
                    }
                    // What is left in hand runs to the end of the file.
                    let at = w.pos();
                    self.step(at, true);
                }
            }
        }
    }

    /// One element at `at`, whose first bytes are in `buf`.
    fn step(&mut self, at: u64, to_end: bool) {
        match &mut self.phase {
            Phase::Level0 { seen, .. } => {
                *seen += 1;
                let h = header(&self.buf).filter(|_| *seen <= MAX_LEVEL0);
                self.phase = match h {
                    Some(h) if *seen == 1 && h.id != EBML => Phase::Done(None),
                    // A sized Segment: the probe checks it against the file.
                    Some(h) if h.id == SEGMENT && h.size.is_none() => {
                        Phase::Walking(Walker::new(at + h.len, false))
                    }
                    Some(h) if h.id != SEGMENT => {
                        match h.size.and_then(|s| (at + h.len).checked_add(s)) {
                            Some(next) => Phase::Level0 {
                                pos: next,
                                seen: *seen,
                            },
                            None => Phase::Done(None),
                        }
                    }
                    _ => Phase::Done(None),
                };
            }
            Phase::Walking(w) => {
                if let Err(stop) = w.step(&self.buf, to_end) {
                    self.phase = Phase::Done(Some(w.stopped(stop)));
                }
            }
            Phase::Done(_) => {}
        }
        // Keep the bytes in hand that belong to the next element.
        match self.at().and_then(|next| next.checked_sub(at)) {
            Some(used) if (used as usize) < self.buf.len() => {
                self.buf.drain(..used as usize);
            }
            _ => self.buf.clear(),
        }
    }
}
