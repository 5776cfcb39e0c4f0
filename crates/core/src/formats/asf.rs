//! ASF (WMV, WMA). Markers only: ffprobe decides whether it holds video.

use super::{Container, ContainerFormat, Family, Sniffed, video};

pub struct Asf;
pub static FORMAT: Asf = Asf;

impl ContainerFormat for Asf {
    fn family(&self) -> Family {
        Family::Asf
    }

    fn sniff(&self, h: &[u8]) -> Option<Sniffed> {
        // The ASF header object's GUID; WMV or WMA alike: the probe decides.
        h.starts_with(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11")
            .then(|| video("video/x-ms-asf", Container::Asf))
    }
}
