//! FLV (Flash Video). Markers only: the built-in probe does not read it, so
//! ffprobe confirms it (or it stays unconfirmed without ffprobe).

use super::{Container, ContainerFormat, Family, Sniffed, video};

pub struct Flv;
pub static FORMAT: Flv = Flv;

impl ContainerFormat for Flv {
    fn family(&self) -> Family {
        Family::Flv
    }

    fn sniff(&self, h: &[u8]) -> Option<Sniffed> {
        h.starts_with(b"FLV\x01")
            .then(|| video("video/x-flv", Container::Flv))
    }
}
