//! Content detection from the head of a file (plus zip facts for zips).
//!
//! Order matters: strong signatures first, then text (so a text file that
//! happens to start with "BM" is not a BMP), then `infer`'s remaining
//! magic numbers.

use super::ole::{self, OleFacts, RootClass};
use super::text;
use super::zipscan::ZipFacts;
use crate::formats::{self, Container, Precedence, Sniffed};
use crate::kinds::ResourceKind::{self, *};
use memchr::memmem;

/// What the content says: (media type, kind, container).
pub(crate) type Detected = Sniffed;

pub(crate) const OLE_STORAGE: &str = "application/x-ole-storage";
pub(crate) const SCORM_ZIP: &str = "application/vnd.scorm+zip";
pub(crate) const HTML5_ZIP: &str = "application/x-html5-courseware+zip";

/// Encrypted OOXML: the package inside cannot be read without the password.
pub(crate) const ENCRYPTED_OOXML: &str = "application/x-encrypted-ooxml";

/// Bytes kept from the end of every file (a Targa footer).
pub(crate) const TAIL_LEN: usize = 18;
/// A header shaped like a Targa image's, without the footer that would say so.
pub(crate) const TGA_HEADER: &str = "image/x-tga-header";

pub(crate) fn detect(
    head: &[u8],
    tail: &[u8],
    size: u64,
    zip: Option<&ZipFacts>,
    ole: Option<&OleFacts>,
    mxf_past_head: bool,
) -> Detected {
    if size == 0 {
        return ("inode/x-empty", None, None);
    }
    if let Some(facts) = zip {
        return detect_zip(head, facts);
    }
    if let Some(detected) = ole.and_then(ole_streams) {
        return detected;
    }
    let whole = size == head.len() as u64;
    binary_magic(head)
        .or_else(|| image_magic(head, size))
        .or_else(|| (mxf_past_head || mxf_run_in(head)).then_some(formats::mxf::SNIFFED))
        .or_else(|| text::detect(head, whole))
        .or_else(|| svgz(head))
        .or_else(|| via_infer(head))
        .or_else(|| targa(head, tail))
        .unwrap_or(("application/octet-stream", None, None))
}

/// ODF and EPUB `mimetype` values, with the kind each means. Templates
/// (.ott, .ots, .otp, .otg) are documents of their family like the rest.
const ZIP_MIMETYPES: &[(&str, ResourceKind)] = &[
    ("application/vnd.oasis.opendocument.text", Document),
    ("application/vnd.oasis.opendocument.text-template", Document),
    ("application/vnd.oasis.opendocument.text-master", Document),
    ("application/vnd.oasis.opendocument.text-web", Document),
    (
        "application/vnd.oasis.opendocument.presentation",
        Presentation,
    ),
    (
        "application/vnd.oasis.opendocument.presentation-template",
        Presentation,
    ),
    (
        "application/vnd.oasis.opendocument.spreadsheet",
        Spreadsheet,
    ),
    (
        "application/vnd.oasis.opendocument.spreadsheet-template",
        Spreadsheet,
    ),
    ("application/vnd.oasis.opendocument.graphics", Image),
    (
        "application/vnd.oasis.opendocument.graphics-template",
        Image,
    ),
    ("application/epub+zip", Document),
    // OpenOffice.org 1.x, still met in old course material.
    ("application/vnd.sun.xml.writer", Document),
    ("application/vnd.sun.xml.writer.template", Document),
    ("application/vnd.sun.xml.impress", Presentation),
    ("application/vnd.sun.xml.impress.template", Presentation),
    ("application/vnd.sun.xml.calc", Spreadsheet),
    ("application/vnd.sun.xml.calc.template", Spreadsheet),
    ("application/vnd.sun.xml.draw", Image),
    ("application/vnd.sun.xml.draw.template", Image),
];

pub(crate) const KEYNOTE: &str = "application/vnd.apple.keynote";
pub(crate) const PAGES: &str = "application/vnd.apple.pages";
pub(crate) const NUMBERS: &str = "application/vnd.apple.numbers";

fn detect_zip(head: &[u8], f: &ZipFacts) -> Detected {
    if let Some(mime) = odf_mimetype(head) {
        let (media, kind) = ZIP_MIMETYPES
            .iter()
            .find(|(m, _)| m.as_bytes() == mime)
            // A zip naming its own media type (an ODF formula or database)
            // is an application's file, not an archive to unpack.
            .map_or(("application/zip", Other), |&(m, k)| (m, k));
        return (media, Some(kind), None);
    }
    if f.iwork_index || f.keynote_09 || f.iwork_09 {
        // Which app wrote an iWork file shows in its parts only for decks
        // (slides) and sheets (tables); `classify` lets a .key, .pages or
        // .numbers name decide.
        return if f.iwork_slides || f.keynote_09 {
            (KEYNOTE, Some(Presentation), None)
        } else if f.iwork_tables {
            (NUMBERS, Some(Spreadsheet), None)
        } else {
            (PAGES, Some(Document), None)
        };
    }
    if f.android {
        return (
            "application/vnd.android.package-archive",
            Some(Executable),
            None,
        );
    }
    if f.content_types {
        if f.ppt {
            return (
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                Some(Presentation),
                None,
            );
        }
        if f.word {
            return (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                Some(Document),
                None,
            );
        }
        if f.xl {
            return (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                Some(Spreadsheet),
                None,
            );
        }
        // Another Open Packaging format (Visio, XPS, 3MF): an application's
        // file, not an archive to unpack.
        return ("application/zip", Some(Other), None);
    }
    if f.ofd {
        // GB/T 33190, the Chinese fixed-layout document format.
        return ("application/ofd", Some(Document), None);
    }
    if f.ims_manifest {
        return (SCORM_ZIP, Some(Courseware), None);
    }
    if f.html_index {
        return (HTML5_ZIP, Some(Courseware), None);
    }
    ("application/zip", Some(Archive), None)
}

/// ODF and EPUB store an uncompressed `mimetype` file as the first entry.
fn odf_mimetype(head: &[u8]) -> Option<&[u8]> {
    let u16_at = |i: usize| Some(u16::from_le_bytes([*head.get(i)?, *head.get(i + 1)?]) as usize);
    let stored = u16_at(8)? == 0;
    let data_len = u16_at(18)?; // sizes are u32 but a mimetype is tiny
    let (name_len, extra_len) = (u16_at(26)?, u16_at(28)?);
    if !stored || head.get(30..30 + name_len)? != b"mimetype" {
        return None;
    }
    let start = 30 + name_len + extra_len;
    head.get(start..start + data_len).map(|m| m.trim_ascii())
}

fn binary_magic(h: &[u8]) -> Option<Detected> {
    // Video containers (and what shares their markers: ISO-BMFF images,
    // Ogg audio) first; each family's markers live in its unit.
    if let Some(sniffed) = formats::sniff(h, Precedence::First) {
        return Some(sniffed);
    }
    if h.len() >= 3 && matches!(&h[..3], b"FWS" | b"CWS" | b"ZWS") {
        return Some(("application/x-shockwave-flash", Some(Animation), None));
    }
    if h.starts_with(b"GIF87a") || h.starts_with(b"GIF89a") {
        let kind = if is_animated_gif(h) { Animation } else { Image };
        return Some(("image/gif", Some(kind), None));
    }
    if h.starts_with(ole::SIGNATURE) {
        return Some(cfb(h));
    }
    // PDF readers accept junk before the header within the first KiB (the
    // same search infer makes, without its byte-by-byte loop).
    if memmem::find(&h[..h.len().min(1024)], b"%PDF").is_some() {
        return Some(("application/pdf", Some(Document), None));
    }
    if h.starts_with(b"{\\rtf") {
        return Some(("application/rtf", Some(Document), None));
    }
    if let Some(detected) = audio_magic(h) {
        return Some(detected);
    }
    // RealMedia; MXF starts with its header partition pack, or with a
    // run-in before it (`mxf_run_in`). Video or only audio: the probe decides.
    if let Some(sniffed) = formats::sniff(h, Precedence::AfterOtherMagic) {
        return Some(sniffed);
    }
    if h.starts_with(b"ID3") {
        return Some(("audio/mpeg", Some(Audio), None));
    }
    if h.len() >= 3 && h[0] == 0xff {
        if h[1] & 0xf6 == 0xf0 {
            return Some(("audio/aac", Some(Audio), None)); // ADTS
        }
        if is_mpeg_audio_frame(h) {
            return Some(("audio/mpeg", Some(Audio), None));
        }
    }
    None
}

/// A header partition pack's key, as an MXF file with a run-in is found by.
pub(crate) const MXF_HEADER_PARTITION_KEY: &[u8] = formats::mxf::HEADER_PARTITION_KEY;
/// SMPTE 377-1: the run-in before the header partition is shorter than
/// 64 KiB (readers search that far for the key; FFmpeg does).
pub(crate) const MXF_RUN_IN_MAX: u64 = 64 << 10;

/// An MXF file whose header partition follows a run-in (a program or
/// wrapper's bytes): its key within the head. Checked only for files no
/// signature at their start claims.
fn mxf_run_in(h: &[u8]) -> bool {
    memmem::find(h, MXF_HEADER_PARTITION_KEY).is_some()
}

/// The head opens with a signature of a binary or image format: no MXF
/// run-in is searched for past it.
pub(crate) fn known_start(h: &[u8]) -> bool {
    binary_magic(h).is_some() || image_magic(h, h.len() as u64).is_some()
}

fn audio_magic(h: &[u8]) -> Option<Detected> {
    let be32 = |i: usize| Some(u32::from_be_bytes(h.get(i..i + 4)?.try_into().ok()?));
    if h.starts_with(b"FORM") && matches!(h.get(8..12), Some(b"AIFF" | b"AIFC")) {
        return Some(("audio/aiff", Some(Audio), None));
    }
    // WavPack block header: version 0x402..=0x410 follows the block size.
    if h.starts_with(b"wvpk")
        && h.get(8..10)
            .is_some_and(|v| (0x402..=0x410).contains(&u16::from_le_bytes([v[0], v[1]])))
    {
        return Some(("audio/x-wavpack", Some(Audio), None));
    }
    // Sun/NeXT: a header of 24 bytes or more, then a known encoding.
    if h.starts_with(b".snd") && be32(4)? >= 24 && (1..=27).contains(&be32(12)?) {
        return Some(("audio/basic", Some(Audio), None));
    }
    if h.starts_with(b"\x0b\x77") {
        return ac3(h);
    }
    // Wave files over 4 GiB (RF64, BW64) and Sony Wave64 ("riff" + GUID).
    if matches!(h.get(..4), Some(b"RF64" | b"BW64")) && h.get(8..12) == Some(b"WAVE") {
        return Some(("audio/wav", Some(Audio), None));
    }
    if h.starts_with(b"riff\x2e\x91\xcf\x11\xa5\xd6\x28\xdb\x04\xc1\x00\x00") {
        return Some(("audio/x-w64", Some(Audio), None));
    }
    if h.starts_with(b"caff\x00\x01") {
        return Some(("audio/x-caf", Some(Audio), None));
    }
    if h.starts_with(b"TTA1") {
        return Some(("audio/x-tta", Some(Audio), None));
    }
    if h.starts_with(b"Creative Voice File\x1a") {
        return Some(("audio/x-voc", Some(Audio), None));
    }
    if h.starts_with(b".ra\xfd") {
        return Some(("audio/x-pn-realaudio", Some(Audio), None));
    }
    None
}

/// An AC-3 or E-AC-3 sync frame: two sync bytes are weak, so the header
/// fields must be valid and, when the head holds it, the next frame must
/// start where this one's size says.
fn ac3(h: &[u8]) -> Option<Detected> {
    let bsid = *h.get(5)? >> 3;
    let frame_bytes = if bsid <= 10 {
        const KBPS: [usize; 19] = [
            32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 576, 640,
        ];
        let (fscod, code) = (*h.get(4)? >> 6, (*h.get(4)? & 0x3f) as usize);
        let kbps = *KBPS.get(code / 2)?;
        let words = match fscod {
            0 => kbps * 2,
            1 => kbps * 320 / 147 + (code & 1),
            2 => kbps * 3,
            _ => return None,
        };
        words * 2
    } else if (11..=16).contains(&bsid) {
        (((*h.get(2)? as usize & 7) << 8 | *h.get(3)? as usize) + 1) * 2
    } else {
        return None;
    };
    if let Some(next) = h.get(frame_bytes..frame_bytes + 2)
        && next != b"\x0b\x77"
    {
        return None;
    }
    let media = if bsid <= 10 {
        "audio/ac3"
    } else {
        "audio/eac3"
    };
    Some((media, Some(Audio), None))
}

fn image_magic(h: &[u8], size: u64) -> Option<Detected> {
    let le16 = |i: usize| h.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let le32 = |i: usize| Some(u32::from_le_bytes(h.get(i..i + 4)?.try_into().ok()?));
    if h.starts_with(b"gimp xcf ") {
        return Some(("image/x-xcf", Some(Image), None));
    }
    let image = |media| Some((media, Some(Image), None));
    if h.starts_with(b"qoif") {
        return image("image/qoi");
    }
    if h.starts_with(b"\x76\x2f\x31\x01") {
        return image("image/x-exr");
    }
    if h.starts_with(b"\x59\xa6\x6a\x95") {
        return image("image/x-sun-raster");
    }
    if h.starts_with(b"SDPX") || h.starts_with(b"XPDS") {
        return image("image/x-dpx");
    }
    // SGI: magic 474, RLE flag 0/1, 1 or 2 bytes per channel.
    if h.starts_with(b"\x01\xda")
        && h.get(2).is_some_and(|&b| b <= 1)
        && matches!(h.get(3), Some(1 | 2))
    {
        return image("image/x-sgi");
    }
    if is_netpbm(h) {
        return image("image/x-portable-anymap");
    }
    // Apple icon: the length after the magic is the file's.
    if h.starts_with(b"icns")
        && h.get(4..8)
            .map(|b| u32::from_be_bytes(b.try_into().unwrap()))
            == Some(size as u32)
    {
        return Some(("image/icns", Some(Image), None));
    }
    // Windows metafile: the placeable header's key, or a bare header
    // (memory/disk type, 9-word header, version 1 or 3).
    if h.starts_with(b"\xd7\xcd\xc6\x9a")
        || (matches!(le16(0), Some(1 | 2))
            && le16(2) == Some(9)
            && matches!(le16(4), Some(0x0100 | 0x0300)))
    {
        return Some(("image/wmf", Some(Image), None));
    }
    // Enhanced metafile: the header record (type 1) with its signature.
    if le32(0) == Some(1) && h.get(40..44) == Some(b" EMF") {
        return Some(("image/emf", Some(Image), None));
    }
    None
}

/// Netpbm (PBM, PGM, PPM, PAM): "P1".."P7" and a whole header — width,
/// height and (but for bitmaps) the maximum value, comments allowed between;
/// PAM's keyword header up to ENDHDR. A note that starts "P1 2 3 notes"
/// is text: plain formats go on with numbers.
fn is_netpbm(h: &[u8]) -> bool {
    if h.len() < 4 || h[0] != b'P' || !(b'1'..=b'7').contains(&h[1]) || !h[2].is_ascii_whitespace()
    {
        return false;
    }
    let head = &h[..h.len().min(512)];
    if h[1] == b'7' {
        return head[3..].starts_with(b"WIDTH ") && memmem::find(head, b"\nENDHDR\n").is_some();
    }
    let numbers = if matches!(h[1], b'1' | b'4') { 2 } else { 3 };
    let mut rest = &head[2..];
    for _ in 0..numbers {
        // Whitespace and comments, then a number.
        loop {
            let trimmed = rest.trim_ascii_start();
            if trimmed.len() == rest.len() && !trimmed.starts_with(b"#") {
                break;
            }
            rest = match trimmed.strip_prefix(b"#") {
                Some(comment) => match memchr::memchr(b'\n', comment) {
                    Some(eol) => &comment[eol + 1..],
                    None => return false,
                },
                None => trimmed,
            };
        }
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0
            || digits > 5
            || rest[digits..]
                .first()
                .is_none_or(|b| !b.is_ascii_whitespace())
        {
            return false;
        }
        rest = &rest[digits..];
    }
    // Plain (ASCII) formats go on with sample values; binary ones with bytes.
    !matches!(h[1], b'1'..=b'3')
        || rest
            .trim_ascii_start()
            .first()
            .is_none_or(u8::is_ascii_digit)
}

/// Gzipped SVG: a bounded prefix of the stream, inflated, is SVG text.
fn svgz(h: &[u8]) -> Option<Detected> {
    use std::io::Read;
    if !h.starts_with(b"\x1f\x8b\x08") {
        return None;
    }
    let mut inflated = Vec::with_capacity(4096);
    // A head cut mid-stream ends in an error after what it did inflate.
    let _ = flate2::read::GzDecoder::new(h)
        .take(4096)
        .read_to_end(&mut inflated);
    match text::detect(&inflated, false)? {
        ("image/svg+xml", ..) => Some(("image/svg+xml", Some(Image), None)),
        _ => None,
    }
}

/// Truevision Targa: the version 2 footer says so; a version 1 file has
/// only a header to go by (see `TGA_HEADER`).
fn targa(h: &[u8], tail: &[u8]) -> Option<Detected> {
    let header_ok = h.len() >= 18
        && h[1] <= 1
        && matches!(h[2], 1 | 2 | 3 | 9 | 10 | 11)
        && (h[1] == 1 || h[3..8].iter().all(|&b| b == 0))
        && (h[1] == 0 || matches!(h[7], 15 | 16 | 24 | 32))
        && u16::from_le_bytes([h[12], h[13]]) > 0
        && u16::from_le_bytes([h[14], h[15]]) > 0
        && matches!(h[16], 8 | 15 | 16 | 24 | 32)
        && h[17] & 0xc0 == 0;
    if !header_ok {
        return None;
    }
    if tail == b"TRUEVISION-XFILE.\0" {
        Some(("image/x-tga", Some(Image), None))
    } else {
        Some((TGA_HEADER, None, None))
    }
}

fn is_mpeg_audio_frame(h: &[u8]) -> bool {
    let version = (h[1] >> 3) & 3;
    let layer = (h[1] >> 1) & 3;
    let bitrate = h[2] >> 4;
    let rate = (h[2] >> 2) & 3;
    h[1] & 0xe0 == 0xe0 && version != 1 && layer != 0 && bitrate != 15 && rate != 3
}

/// More than one image, or a looping extension, within the head.
fn is_animated_gif(h: &[u8]) -> bool {
    if memmem::find(h, b"NETSCAPE2.0").is_some() {
        return true;
    }
    fn skip_sub_blocks(h: &[u8], mut i: usize) -> Option<usize> {
        loop {
            let n = *h.get(i)? as usize;
            i += 1 + n;
            if n == 0 {
                return Some(i);
            }
        }
    }
    fn table_len(flags: u8) -> usize {
        if flags & 0x80 != 0 {
            3 << ((flags & 7) + 1)
        } else {
            0
        }
    }
    let frames = || -> Option<usize> {
        let mut i = 13 + table_len(*h.get(10)?);
        let mut frames = 0;
        loop {
            match *h.get(i)? {
                0x2c => {
                    frames += 1;
                    if frames > 1 {
                        return Some(frames);
                    }
                    i += 10 + table_len(*h.get(i + 9)?) + 1; // + LZW code size
                    i = skip_sub_blocks(h, i)?;
                }
                0x21 => i = skip_sub_blocks(h, i + 2)?,
                _ => return Some(frames),
            }
        }
    };
    frames().is_some_and(|n| n > 1)
}

/// A compound file by the streams at its root (see `ole`).
fn ole_streams(f: &OleFacts) -> Option<Detected> {
    Some(if f.encrypted_ooxml() {
        // The family is inside the encryption: `classify` takes the
        // extension's when it names one, else calls it a document.
        (ENCRYPTED_OOXML, Some(Document), None)
    } else if f.word {
        ("application/msword", Some(Document), None)
    } else if f.powerpoint {
        ("application/vnd.ms-powerpoint", Some(Presentation), None)
    } else if f.workbook {
        ("application/vnd.ms-excel", Some(Spreadsheet), None)
    } else {
        match f.root_class()? {
            RootClass::Word => ("application/msword", Some(Document), None),
            RootClass::PowerPoint => ("application/vnd.ms-powerpoint", Some(Presentation), None),
            RootClass::Excel => ("application/vnd.ms-excel", Some(Spreadsheet), None),
        }
    })
}

/// OLE compound files whose directory could not be read: infer reads the root CLSID when the directory lies
/// within the head (small files); otherwise the extension breaks the tie.
fn cfb(h: &[u8]) -> Detected {
    if infer::doc::is_ppt(h) {
        ("application/vnd.ms-powerpoint", Some(Presentation), None)
    } else if infer::doc::is_xls(h) {
        ("application/vnd.ms-excel", Some(Spreadsheet), None)
    } else if infer::doc::is_doc(h) {
        ("application/msword", Some(Document), None)
    } else {
        (OLE_STORAGE, None, None)
    }
}

/// Everything else `infer` knows, mapped to kinds by its matcher family.
/// The bytes infer's matchers look at, but for those that never get here
/// or are given more: OLE2 compound files (parsed whole, in `binary_magic`),
/// PDF (infer searches 1024 bytes for `%PDF` byte by byte after
/// `binary_magic` searched them with memmem), zstd and lz4 behind skippable
/// frames (given the whole head, below). The longest of the rest reads
/// tar's magic at 257. Cut to this, infer's PDF search stops costing a
/// twentieth of the CPU on 100,000 small files of unknown content.
const INFER_BYTES: usize = 262;

fn via_infer(h: &[u8]) -> Option<Detected> {
    use infer::MatcherType as M;
    // A skippable frame (magic 0x184D2A5?, little-endian) may push the
    // zstd or lz4 frame that follows it past INFER_BYTES.
    let skippable = h.len() >= 4 && h[0] & 0xf0 == 0x50 && h[1..4] == [0x2a, 0x4d, 0x18];
    let seen = if skippable {
        h.len()
    } else {
        h.len().min(INFER_BYTES)
    };
    let t = infer::get(&h[..seen])?;
    let media = t.mime_type();
    let kind = match t.matcher_type() {
        M::Text => return None,
        M::App => match t.extension() {
            "exe" | "dll" | "elf" | "mach" | "dex" | "dey" | "obj" => Executable,
            _ => Other,
        },
        M::Image => Image,
        M::Audio => Audio,
        M::Book => Document,
        M::Video => {
            let container = Container::from_infer_extension(t.extension());
            return Some((media, Some(Video), container));
        }
        M::Doc => match t.extension() {
            "ppt" | "pptx" | "odp" => Presentation,
            "xls" | "xlsx" | "ods" => Spreadsheet,
            _ => Document,
        },
        M::Archive => match t.extension() {
            "pdf" | "rtf" => Document,
            "swf" => Animation,
            // DICOM: medical images, met in clinical training material.
            "dcm" => Image,
            // Archives and compressed streams: the platform unpacks neither.
            "zip" | "tar" | "rar" | "gz" | "bz2" | "7z" | "xz" | "zst" | "Z" | "lz" | "lz4"
            | "cab" | "cpio" => Archive,
            _ => Other,
        },
        M::Font | M::Custom => Other,
    };
    Some((media, Some(kind), None))
}
