//! Ogg. Markers only; most Ogg files are audio (Vorbis, Opus), Theora video.

use super::{Container, ContainerFormat, Family, Sniffed, video};
use crate::kinds::ResourceKind::Audio;

pub struct Ogg;
pub static FORMAT: Ogg = Ogg;

impl ContainerFormat for Ogg {
    fn family(&self) -> Family {
        Family::Ogg
    }

    fn sniff(&self, h: &[u8]) -> Option<Sniffed> {
        if !h.starts_with(b"OggS") {
            return None;
        }
        // The first page holds the first codec header, right after the segment table.
        let codec = h
            .get(26)
            .and_then(|&n| h.get(27 + n as usize..))
            .unwrap_or_default();
        Some(if codec.starts_with(b"\x80theora") {
            // Not in the container list the brief names; "ogg" is the honest family.
            video("video/ogg", Container::Ogg)
        } else if codec.starts_with(b"OpusHead") {
            ("audio/opus", Some(Audio), None)
        } else {
            ("audio/ogg", Some(Audio), None)
        })
    }
}
