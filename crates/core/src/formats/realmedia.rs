//! RealMedia. Markers only.

use super::{Container, ContainerFormat, Family, Precedence, Sniffed, video};

pub struct RealMedia;
pub static FORMAT: RealMedia = RealMedia;

impl ContainerFormat for RealMedia {
    fn family(&self) -> Family {
        Family::RealMedia
    }

    fn precedence(&self) -> Precedence {
        Precedence::AfterOtherMagic
    }

    fn sniff(&self, h: &[u8]) -> Option<Sniffed> {
        // Video or only audio: the probe decides.
        h.starts_with(b".RMF\x00\x00\x00")
            .then(|| video("application/vnd.rn-realmedia", Container::RealMedia))
    }
}
