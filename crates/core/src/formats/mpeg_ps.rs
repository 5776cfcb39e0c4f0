//! MPEG program stream (`.mpg`, `.vob`). Markers only.

use super::{Container, ContainerFormat, Family, Sniffed, video};

pub struct MpegPs;
pub static FORMAT: MpegPs = MpegPs;

impl ContainerFormat for MpegPs {
    fn family(&self) -> Family {
        Family::MpegPs
    }

    fn sniff(&self, h: &[u8]) -> Option<Sniffed> {
        // A pack header, or an MPEG-1/2 video sequence header.
        (h.starts_with(b"\x00\x00\x01\xba") || h.starts_with(b"\x00\x00\x01\xb3"))
            .then(|| video("video/mpeg", Container::MpegPs))
    }
}
