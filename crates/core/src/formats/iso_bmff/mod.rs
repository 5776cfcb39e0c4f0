//! ISO base media file format: MP4, MOV, M4V, 3GP (and, by brand, M4A audio
//! and HEIF/AVIF/JPEG 2000 images, which identification tells apart here).
//! The probe is in [`probe`].

mod probe;

use super::{Container, ContainerFormat, Family, ReadSeek, Sniffed, video};
use crate::kinds::ResourceKind::{Audio, Image};
use crate::probe::builtin::{Details, ProbeError, Source};
use crate::probe::capture::{CapturePlan, HEAD, Kept};

pub struct IsoBmff;
pub static FORMAT: IsoBmff = IsoBmff;

impl ContainerFormat for IsoBmff {
    fn family(&self) -> Family {
        Family::IsoBmff
    }

    fn sniff(&self, h: &[u8]) -> Option<Sniffed> {
        if h.get(4..8) == Some(b"ftyp") {
            return Some(brands(h));
        }
        // QuickTime files from before `ftyp` start directly with an atom.
        (h.len() >= 8
            && matches!(
                &h[4..8],
                b"moov" | b"mdat" | b"wide" | b"pnot" | b"free" | b"skip"
            ))
        .then(|| video("video/quicktime", Container::Mov))
    }

    fn opens(&self, head: &[u8]) -> bool {
        probe::looks_like(head)
    }

    fn capture(&self) -> Option<Box<dyn CapturePlan>> {
        Some(Box::new(Capture::default()))
    }

    /// Not `quicktime`: an empty `.mov` has always gone to ffprobe.
    fn names(&self) -> &'static [&'static str] {
        &[
            "mp4",
            "m4v",
            "m4a",
            "mov",
            "qt",
            "3gp",
            "3g2",
            "3gpp",
            "mj2",
            "f4v",
            "isobmff",
            probe::CONTAINER,
        ]
    }

    fn has_probe(&self) -> bool {
        true
    }

    fn probe(
        &self,
        src: &mut Source<'_, dyn ReadSeek + '_>,
    ) -> Option<Result<Details, ProbeError>> {
        Some(probe::probe(src))
    }
}

/// What the `ftyp` brands say.
fn brands(h: &[u8]) -> Sniffed {
    let box_len = u32::from_be_bytes(h[..4].try_into().unwrap()) as usize;
    let major = h.get(8..12).unwrap_or_default();
    let compatible = h.get(16..box_len.min(h.len())).unwrap_or_default();
    let has = |brand: &[u8]| major == brand || compatible.chunks_exact(4).any(|b| b == brand);
    match major {
        b"M4A " | b"M4B " | b"M4P " | b"F4A " | b"F4B " => ("audio/mp4", Some(Audio), None),
        b"qt  " => video("video/quicktime", Container::Mov),
        b"M4V " | b"M4VH" | b"M4VP" => video("video/x-m4v", Container::M4v),
        b"avif" | b"avis" => ("image/avif", Some(Image), None),
        b"heic" | b"heix" | b"mif1" | b"msf1" | b"heim" | b"heis" => {
            ("image/heic", Some(Image), None)
        }
        b"jp2 " => ("image/jp2", Some(Image), None),
        b"crx " => ("image/x-canon-cr3", Some(Image), None),
        _ if major.starts_with(b"3gp")
            || major.starts_with(b"3g2")
            || major.starts_with(b"3ge") =>
        {
            video("video/3gpp", Container::ThreeGp)
        }
        // Generic brands (isom, mp41, mp42, avc1, dash, ...) may still carry
        // only audio; that is for the probe, content here says "mp4".
        _ if has(b"qt  ") && !has(b"isom") => video("video/quicktime", Container::Mov),
        _ => video("video/mp4", Container::Mp4),
    }
}

/// Keeps the head, every top-level box header (so the probe can walk from
/// box to box) and the index boxes (`moov`, `moof`, `mfra`, `sidx`) whole;
/// media data (`mdat`) is skipped.
#[derive(Debug, Default)]
struct Capture {
    /// Where the next top-level box starts.
    next_box: u64,
    /// A box header split across chunks.
    partial: Vec<u8>,
    /// Byte range of an index box being kept.
    keeping: Option<(u64, u64)>,
}

impl CapturePlan for Capture {
    fn update(&mut self, kept: &mut Kept, start: u64, chunk: &[u8]) -> bool {
        kept.keep(start, chunk, 0, HEAD);
        let end = kept.pos();
        loop {
            if let Some((from, to)) = self.keeping.take() {
                kept.keep(start, chunk, from, to);
                if to > end {
                    self.keeping = Some((end, to));
                    return true;
                }
                continue;
            }
            let at = self.next_box;
            if at >= end {
                return true;
            }
            // Gather the header (8 bytes, 16 with a 64-bit size).
            let partial = &mut self.partial;
            let offset = (at + partial.len() as u64).saturating_sub(start) as usize;
            let available = chunk.len().saturating_sub(offset);
            let take = (8usize.saturating_sub(partial.len())).min(available);
            partial.extend_from_slice(&chunk[offset..offset + take]);
            // A size field of 1 means a 64-bit size follows: 16 bytes in all.
            let want = if partial.len() >= 8 && read_u32(partial) == 1 {
                16
            } else {
                8
            };
            let offset = offset + take;
            let more = (want - partial.len().min(want)).min(chunk.len().saturating_sub(offset));
            partial.extend_from_slice(&chunk[offset..offset + more]);
            if partial.len() < want {
                return true; // the rest is in the next chunk
            }
            let header = std::mem::take(partial);
            let size = match read_u32(&header) {
                0 => u64::MAX - at, // to the end of the file
                1 => u64::from_be_bytes(header[8..16].try_into().unwrap_or([0; 8])),
                n => u64::from(n),
            };
            let kind = [header[4], header[5], header[6], header[7]];
            // Keep the header itself so the probe can walk past this box.
            kept.keep_bytes(at, &header);
            if size < header.len() as u64 {
                return false; // corrupt: the probe will say so
            }
            let body = at + header.len() as u64;
            let box_end = at.saturating_add(size);
            let index_box = matches!(&kind, b"moov" | b"moof" | b"mfra" | b"sidx");
            self.next_box = box_end;
            if index_box && body < box_end {
                self.keeping = Some((body, box_end));
            }
        }
    }
}

fn read_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}
