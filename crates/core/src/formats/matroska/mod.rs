//! Matroska and WebM. The probe is in [`probe`].

mod probe;

use memchr::memmem;

use super::{Container, ContainerFormat, Family, ReadSeek, Sniffed, video};
use crate::probe::builtin::{Details, ProbeError, Source};
use crate::probe::capture::{CapturePlan, Kept};

/// The EBML magic every Matroska file opens with.
const MAGIC: [u8; 4] = [0x1A, 0x45, 0xDF, 0xA3];
/// Start of the file kept for the probe: Info, Tracks and the SeekHead.
pub(crate) const HEAD: u64 = 4 << 20;
/// End of the file kept for the probe: Cues, Tags, and the last Clusters
/// (where a file of unknown Segment size was cut; see `probe::tail`).
pub(crate) const TAIL: u64 = probe::TAIL;

pub struct Matroska;
pub static FORMAT: Matroska = Matroska;

impl ContainerFormat for Matroska {
    fn family(&self) -> Family {
        Family::Matroska
    }

    fn sniff(&self, h: &[u8]) -> Option<Sniffed> {
        if !h.starts_with(&MAGIC) {
            return None;
        }
        // The EBML header's DocType (id 0x4282) says which flavour.
        let hdr = &h[..h.len().min(4096)];
        Some(if memmem::find(hdr, b"\x42\x82\x84webm").is_some() {
            video("video/webm", Container::WebM)
        } else {
            video("video/x-matroska", Container::Matroska)
        })
    }

    fn opens(&self, head: &[u8]) -> bool {
        head.starts_with(&MAGIC)
    }

    fn capture(&self) -> Option<Box<dyn CapturePlan>> {
        Some(Box::new(Capture { tail: Vec::new() }))
    }

    /// Not `x-matroska`: an empty `.mkv` has always gone to ffprobe.
    fn names(&self) -> &'static [&'static str] {
        &["matroska", "mkv", "webm", "mka", probe::CONTAINER]
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

/// Keeps the first [`HEAD`] bytes and the last [`TAIL`] bytes, whatever the
/// chunk sizes.
#[derive(Debug)]
struct Capture {
    /// The bytes past `HEAD`, the last `TAIL` of them, each at its stream
    /// offset modulo `TAIL`: every byte is copied once.
    tail: Vec<u8>,
}

impl CapturePlan for Capture {
    fn update(&mut self, kept: &mut Kept, start: u64, chunk: &[u8]) -> bool {
        kept.keep(start, chunk, 0, HEAD);
        // Only the last TAIL bytes of the chunk, and none of the head.
        let skip = (chunk.len() as u64)
            .saturating_sub(TAIL)
            .max(HEAD.saturating_sub(start))
            .min(chunk.len() as u64);
        let mut at = start + skip;
        let mut bytes = &chunk[skip as usize..];
        if bytes.is_empty() {
            return true;
        }
        if self.tail.is_empty() {
            self.tail = vec![0; TAIL as usize];
        }
        while !bytes.is_empty() {
            let slot = (at % TAIL) as usize;
            let n = bytes.len().min(self.tail.len() - slot);
            self.tail[slot..slot + n].copy_from_slice(&bytes[..n]);
            at += n as u64;
            bytes = &bytes[n..];
        }
        true
    }

    /// The tail in file order, from where it starts.
    fn finish(&mut self, kept: &mut Kept) {
        if self.tail.is_empty() {
            return;
        }
        let pos = kept.pos();
        let from = pos.saturating_sub(TAIL).max(HEAD);
        let Some(n) = pos.checked_sub(from) else {
            return;
        };
        let n = n as usize;
        let slot = (from % TAIL) as usize;
        let mut bytes = Vec::with_capacity(n);
        bytes.extend_from_slice(&self.tail[slot..(slot + n).min(self.tail.len())]);
        let wrapped = n - bytes.len();
        bytes.extend_from_slice(&self.tail[..wrapped]);
        kept.push(from, bytes);
    }
}
