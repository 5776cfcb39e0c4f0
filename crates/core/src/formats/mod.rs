//! One unit per container format, as Symphonia has one crate per format:
//! each file (or folder) here declares everything trainpack knows about one
//! container family — its markers (how identification recognises its first
//! bytes), its capture plan (which bytes the scan keeps for the probe while
//! the file streams by) and its probe. [`REGISTRY`] lists them.
//!
//! Adding a format (say FLV probing) means filling in that format's unit:
//! `opens`, `capture` and `probe` of its [`ContainerFormat`]. A new family
//! adds one file, a line in [`REGISTRY`] and its [`Family`]/[`Container`]
//! variants.

pub mod asf;
pub mod avi;
pub mod flv;
pub mod iso_bmff;
pub mod matroska;
pub mod mpeg_ps;
pub mod mpeg_ts;
pub mod mxf;
pub mod ogg;
pub mod realmedia;

use std::io::{Read, Seek};

use crate::kinds::ResourceKind;
use crate::probe::builtin::{Details, ProbeError, Source};
use crate::probe::capture::CapturePlan;

/// A container family: the formats sharing one structure (and one probe).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// ISO base media file format: MP4, MOV, M4V, 3GP.
    IsoBmff,
    /// Matroska and WebM.
    Matroska,
    /// AVI (RIFF), OpenDML included.
    Avi,
    Flv,
    /// ASF: WMV, WMA.
    Asf,
    MpegPs,
    MpegTs,
    Mxf,
    RealMedia,
    Ogg,
}

impl Family {
    /// The unit that handles this family.
    pub fn format(self) -> &'static dyn ContainerFormat {
        REGISTRY
            .iter()
            .copied()
            .find(|f| f.family() == self)
            .unwrap_or(&iso_bmff::FORMAT)
    }

    /// The family a name stands for when content did not say: a media
    /// type's subtype (`video/mp4` → `mp4`) or a sniffed container's name,
    /// as each unit lists them ([`ContainerFormat::names`]).
    pub fn from_hint(hint: &str) -> Option<Family> {
        let hint = hint.to_ascii_lowercase();
        REGISTRY
            .iter()
            .find(|f| f.names().contains(&hint.as_str()))
            .map(|f| f.family())
    }
}

/// A video-capable container as content shows it: a family member, named
/// as reports name it (`mov` is ISO-BMFF, but not MP4 for TP060).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Container {
    Mp4,
    M4v,
    Mov,
    ThreeGp,
    Matroska,
    WebM,
    Avi,
    Flv,
    Asf,
    MpegPs,
    MpegTs,
    Mxf,
    RealMedia,
    Ogg,
}

impl Container {
    /// The name reports use (`the container is mov, not MP4`).
    pub const fn name(self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::M4v => "m4v",
            Container::Mov => "mov",
            Container::ThreeGp => "3gp",
            Container::Matroska => "matroska",
            Container::WebM => "webm",
            Container::Avi => "avi",
            Container::Flv => "flv",
            Container::Asf => "asf",
            Container::MpegPs => "mpeg-ps",
            Container::MpegTs => "mpegts",
            Container::Mxf => "mxf",
            Container::RealMedia => "rm",
            Container::Ogg => "ogg",
        }
    }

    pub const fn family(self) -> Family {
        match self {
            Container::Mp4 | Container::M4v | Container::Mov | Container::ThreeGp => {
                Family::IsoBmff
            }
            Container::Matroska | Container::WebM => Family::Matroska,
            Container::Avi => Family::Avi,
            Container::Flv => Family::Flv,
            Container::Asf => Family::Asf,
            Container::MpegPs => Family::MpegPs,
            Container::MpegTs => Family::MpegTs,
            Container::Mxf => Family::Mxf,
            Container::RealMedia => Family::RealMedia,
            Container::Ogg => Family::Ogg,
        }
    }

    /// MP4 proper, as TP060 wants it (M4V is MP4 under another name).
    pub const fn is_mp4(self) -> bool {
        matches!(self, Container::Mp4 | Container::M4v)
    }

    /// A video type `infer` names by its extension.
    pub(crate) fn from_infer_extension(ext: &str) -> Option<Container> {
        Some(match ext {
            "mp4" => Container::Mp4,
            "m4v" => Container::M4v,
            "mov" => Container::Mov,
            "mkv" => Container::Matroska,
            "webm" => Container::WebM,
            "avi" => Container::Avi,
            "flv" => Container::Flv,
            "wmv" => Container::Asf,
            "mpg" => Container::MpegPs,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Container {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What identification concludes from content: media type, kind and, for a
/// video-capable container, which.
pub type Sniffed = (&'static str, Option<ResourceKind>, Option<Container>);

/// A video container, as identification reports it.
pub(crate) const fn video(media: &'static str, container: Container) -> Sniffed {
    (media, Some(ResourceKind::Video), Some(container))
}

/// When a family's markers are tried, among identification's signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precedence {
    /// Before every other binary signature.
    First,
    /// After the document, image and audio signatures (their markers were
    /// always tried there; a PDF header in the first KiB wins over them).
    AfterOtherMagic,
}

/// Any seekable byte source, as a probe reads it.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek + ?Sized> ReadSeek for T {}

/// One container family's unit. Families the built-in probe cannot read
/// (FLV, MPEG-TS, ASF...) declare markers only: their files are confirmed
/// by ffprobe, or stay unconfirmed without it.
pub trait ContainerFormat: Sync {
    fn family(&self) -> Family;

    /// Markers: what the first bytes say, when they are this family's.
    /// May name a non-video type (an ISO-BMFF image, an Ogg audio stream).
    fn sniff(&self, head: &[u8]) -> Option<Sniffed>;

    /// Names (lower case) a file of this family goes by when its content
    /// did not say: media subtypes, extensions, ffprobe's format name. An
    /// empty or tiny file under one of these is called unreadable by the
    /// built-in probe rather than handed to ffprobe, so only families with
    /// a probe list any.
    fn names(&self) -> &'static [&'static str] {
        &[]
    }

    /// Where [`ContainerFormat::sniff`] is tried among other signatures.
    fn precedence(&self) -> Precedence {
        Precedence::First
    }

    /// The built-in probe reads a file opening with `head` (its first 12
    /// bytes or fewer). May accept more than `sniff`: variants identification
    /// names otherwise but this probe reads all the same.
    fn opens(&self, _head: &[u8]) -> bool {
        false
    }

    /// A fresh capture plan for one file this format opens.
    fn capture(&self) -> Option<Box<dyn CapturePlan>> {
        None
    }

    /// The built-in probe reads this family (an empty or tiny file sniffed
    /// or named as one is then called unreadable without asking ffprobe).
    fn has_probe(&self) -> bool {
        false
    }

    /// Probe a file this format opens. None: a variant left to ffprobe.
    fn probe(
        &self,
        _src: &mut Source<'_, dyn ReadSeek + '_>,
    ) -> Option<Result<Details, ProbeError>> {
        None
    }
}

/// Every format, in the order their markers are tried (Matroska's magic
/// before ISO-BMFF's box type at byte 4, RIFF AVI after both, as the probe
/// has always tried them).
pub static REGISTRY: &[&dyn ContainerFormat] = &[
    &matroska::FORMAT,
    &iso_bmff::FORMAT,
    &avi::FORMAT,
    &flv::FORMAT,
    &asf::FORMAT,
    &mpeg_ps::FORMAT,
    &mpeg_ts::FORMAT,
    &ogg::FORMAT,
    &realmedia::FORMAT,
    &mxf::FORMAT,
];

/// Identification: the first family (of those tried at `when`) whose
/// markers match.
pub(crate) fn sniff(head: &[u8], when: Precedence) -> Option<Sniffed> {
    REGISTRY
        .iter()
        .filter(|f| f.precedence() == when)
        .find_map(|f| f.sniff(head))
}

/// The format whose probe reads a file opening with `head`.
pub fn opening(head: &[u8]) -> Option<&'static dyn ContainerFormat> {
    REGISTRY.iter().copied().find(|f| f.opens(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Container; 14] = [
        Container::Mp4,
        Container::M4v,
        Container::Mov,
        Container::ThreeGp,
        Container::Matroska,
        Container::WebM,
        Container::Avi,
        Container::Flv,
        Container::Asf,
        Container::MpegPs,
        Container::MpegTs,
        Container::Mxf,
        Container::RealMedia,
        Container::Ogg,
    ];

    /// Every container's family has exactly one unit in the registry (a
    /// missing one would silently fall back in `Family::format`).
    #[test]
    fn every_family_has_one_unit() {
        for c in ALL {
            let units = REGISTRY.iter().filter(|f| f.family() == c.family());
            assert_eq!(units.count(), 1, "{c}");
            assert_eq!(c.family().format().family(), c.family(), "{c}");
        }
    }

    /// The probe reads what the scan captures, and only the families named
    /// as ours by `from_hint` have a probe.
    #[test]
    fn probed_families_capture_and_answer_to_their_names() {
        for f in REGISTRY {
            assert_eq!(f.has_probe(), f.capture().is_some(), "{:?}", f.family());
        }
        for c in ALL {
            let ours = Family::from_hint(c.name()).is_some();
            assert_eq!(ours, c.family().format().has_probe(), "{c}");
        }
        for f in REGISTRY {
            for name in f.names() {
                assert_eq!(Family::from_hint(name), Some(f.family()), "{name}");
            }
        }
    }
}
