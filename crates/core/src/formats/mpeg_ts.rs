//! MPEG transport stream (`.ts`, `.m2ts`). Markers only.

use super::{Container, ContainerFormat, Family, Sniffed, video};

pub struct MpegTs;
pub static FORMAT: MpegTs = MpegTs;

impl ContainerFormat for MpegTs {
    fn family(&self) -> Family {
        Family::MpegTs
    }

    fn sniff(&self, h: &[u8]) -> Option<Sniffed> {
        is_mpegts(h).then(|| video("video/mp2t", Container::MpegTs))
    }
}

/// Several 0x47 sync bytes at a 188-byte stride (or 192 for M2TS, whose
/// packets carry a 4-byte timestamp first).
fn is_mpegts(h: &[u8]) -> bool {
    [(188, 0), (192, 4)].into_iter().any(|(stride, first)| {
        let packets = (h.len().saturating_sub(first) / stride).min(7);
        packets >= 3 && (0..packets).all(|i| h[first + i * stride] == 0x47)
    })
}
