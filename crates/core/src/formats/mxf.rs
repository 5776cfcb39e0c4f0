//! MXF (Material Exchange Format). Markers only. A file may also open with
//! a run-in before its header partition: identification searches for
//! [`HEADER_PARTITION_KEY`] past its head for those (see `identify`).

use super::{Container, ContainerFormat, Family, Precedence, Sniffed, video};

/// The first 13 bytes of every MXF partition pack key.
const PARTITION_KEY: &[u8] = b"\x06\x0e\x2b\x34\x02\x05\x01\x01\x0d\x01\x02\x01\x01";
/// A header partition pack's key, as an MXF file with a run-in is found by.
pub(crate) const HEADER_PARTITION_KEY: &[u8] =
    b"\x06\x0e\x2b\x34\x02\x05\x01\x01\x0d\x01\x02\x01\x01\x02";

pub struct Mxf;
pub static FORMAT: Mxf = Mxf;

/// What identification reports for an MXF file (video or only audio: the
/// probe decides).
pub(crate) const SNIFFED: Sniffed = video("application/mxf", Container::Mxf);

impl ContainerFormat for Mxf {
    fn family(&self) -> Family {
        Family::Mxf
    }

    fn precedence(&self) -> Precedence {
        Precedence::AfterOtherMagic
    }

    fn sniff(&self, h: &[u8]) -> Option<Sniffed> {
        h.starts_with(PARTITION_KEY).then_some(SNIFFED)
    }
}
