//! Identification by content: bytes → media type → resource kind.
//!
//! ```ignore
//! let mut s = Sniffer::new();
//! s.update(chunk1); s.update(chunk2); ...   // the whole file, in order, streamed once
//! let sniffed: Sniffed = s.finish();
//! let c: Classification = classify("模块1/第1课/a.mp4", &sniffed);
//! ```
//!
//! A file's kind follows its content first and its extension second
//! (docs/domain.md); a real disagreement is reported as `extension_mismatch`.

mod magic;
mod ole;
#[cfg(test)]
mod tests;
mod text;
mod zipscan;

use crate::formats::Container;
use crate::kinds::ResourceKind::{self, *};
use ole::OleScanner;
use zipscan::ZipScanner;

/// Bytes kept from the start of every file: enough for every signature we
/// check (EBML DocType, TS packets, a GIF's first frame, a zip's first entry).
const HEAD_CAP: usize = 16 * 1024;

/// Streams a file's bytes once (the caller also hashes the same chunks) and
/// decides its media type by content.
#[derive(Debug, Default)]
pub struct Sniffer {
    head: Vec<u8>,
    size: u64,
    /// Decided once the first 4 bytes are in; only zips get the name scan.
    zip_decided: bool,
    zip: Option<ZipScanner>,
    /// Decided once the first 8 bytes are in; only compound files get the
    /// directory read.
    ole_decided: bool,
    ole: Option<Box<OleScanner>>,
    /// The last bytes fed: a Targa file's footer.
    tail: Vec<u8>,
    /// The search for an MXF header partition past the head (a run-in).
    mxf: MxfSearch,
}

/// Looking for an MXF header partition key between the head's end and
/// `magic::MXF_RUN_IN_MAX`: only in files whose head no signature claims.
#[derive(Debug, Default)]
enum MxfSearch {
    /// The head is not full yet.
    #[default]
    Undecided,
    /// The last bytes seen, for a key split across chunks.
    Searching(Vec<u8>),
    Found,
    Off,
}

impl Sniffer {
    pub fn new() -> Sniffer {
        Sniffer::default()
    }

    /// Feeds the next chunk. Non-zip content costs one bounded copy into the
    /// head and nothing after it is full (videos are gigabytes).
    pub fn update(&mut self, chunk: &[u8]) {
        let before = self.head.len();
        let room = HEAD_CAP - before;
        self.head.extend_from_slice(&chunk[..room.min(chunk.len())]);
        if !self.zip_decided && self.head.len() >= 4 {
            self.zip_decided = true;
            if self.head.starts_with(b"PK\x03\x04") {
                let mut scanner = ZipScanner::default();
                // Bytes from earlier (tiny) chunks, before this one.
                scanner.feed(&self.head[..before]);
                self.zip = Some(scanner);
            }
        }
        if let Some(scanner) = &mut self.zip {
            scanner.feed(chunk);
        }
        if !self.ole_decided && self.head.len() >= 8 {
            self.ole_decided = true;
            if self.head.starts_with(ole::SIGNATURE) {
                let mut scanner = OleScanner::default();
                scanner.feed(&self.head[..before]);
                self.ole = Some(Box::new(scanner));
            }
        }
        if let Some(scanner) = &mut self.ole {
            scanner.feed(chunk);
        }
        if chunk.len() >= magic::TAIL_LEN {
            self.tail.clear();
            self.tail
                .extend_from_slice(&chunk[chunk.len() - magic::TAIL_LEN..]);
        } else {
            self.tail.extend_from_slice(chunk);
            let excess = self.tail.len().saturating_sub(magic::TAIL_LEN);
            self.tail.drain(..excess);
        }
        self.search_mxf(chunk, room.min(chunk.len()));
        self.size += chunk.len() as u64;
    }

    /// Search the part of `chunk` past the head (from `skip`) that lies
    /// within the MXF run-in's reach (see `MxfSearch`).
    fn search_mxf(&mut self, chunk: &[u8], skip: usize) {
        if matches!(self.mxf, MxfSearch::Undecided) && self.head.len() == HEAD_CAP {
            self.mxf = if magic::known_start(&self.head) {
                MxfSearch::Off
            } else {
                let keep = magic::MXF_HEADER_PARTITION_KEY.len() - 1;
                MxfSearch::Searching(self.head[HEAD_CAP - keep..].to_vec())
            };
        }
        let MxfSearch::Searching(carry) = &mut self.mxf else {
            return;
        };
        let key = magic::MXF_HEADER_PARTITION_KEY;
        let at = self.size + skip as u64;
        // The key starts before MXF_RUN_IN_MAX.
        let reach = (magic::MXF_RUN_IN_MAX - 1 + key.len() as u64).saturating_sub(at);
        let part = &chunk[skip..][..(chunk.len() - skip).min(reach as usize)];
        if part.is_empty() {
            if reach == 0 {
                self.mxf = MxfSearch::Off;
            }
            return;
        }
        // The part in place, and the seam with the bytes before it: no copy
        // of the part.
        let keep = key.len() - 1;
        carry.extend_from_slice(&part[..part.len().min(keep)]);
        if memchr::memmem::find(carry, key).is_some() || memchr::memmem::find(part, key).is_some() {
            self.mxf = MxfSearch::Found;
            return;
        }
        if part.len() >= keep {
            carry.clear();
            carry.extend_from_slice(&part[part.len() - keep..]);
        } else {
            let excess = carry.len().saturating_sub(keep);
            carry.drain(..excess);
        }
    }

    pub fn finish(self) -> Sniffed {
        let facts = self.zip.as_ref().map(|z| &z.facts);
        let ole = self.ole.as_ref().and_then(|o| o.finish());
        let encrypted = ole
            .as_ref()
            .is_some_and(|o| o.encrypted_ooxml() || o.legacy_encrypted);
        let (media_type, kind, container) = magic::detect(
            &self.head,
            &self.tail,
            self.size,
            facts,
            ole.as_ref(),
            matches!(self.mxf, MxfSearch::Found),
        );
        Sniffed {
            media_type,
            kind,
            container,
            size: self.size,
            encrypted,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sniffed {
    /// IANA-style media type decided by content; "application/octet-stream"
    /// when unknown, "inode/x-empty" when zero bytes.
    pub media_type: &'static str,
    /// The kind the content implies; None when content alone cannot tell.
    pub kind: Option<ResourceKind>,
    /// Which video-capable container the content is, if one.
    pub container: Option<Container>,
    /// Total bytes fed.
    pub size: u64,
    /// A password-protected Office document: the platform cannot open it.
    pub encrypted: bool,
}

/// Why a file is junk: left behind by an operating system or an editor, or
/// empty. Never counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JunkReason {
    /// `__MACOSX/` or `._name`.
    MacosResourceFork,
    DsStore,
    ThumbsDb,
    DesktopIni,
    /// `~$name`, left while a Word or Excel file is open.
    OfficeLock,
    /// 0 bytes.
    Empty,
}

impl JunkReason {
    /// What the file is, in English.
    pub fn name_en(self) -> &'static str {
        match self {
            JunkReason::MacosResourceFork => "macOS resource fork",
            JunkReason::DsStore => "macOS .DS_Store",
            JunkReason::ThumbsDb => "Windows thumbnail cache",
            JunkReason::DesktopIni => "Windows desktop.ini",
            JunkReason::OfficeLock => "Office lock file",
            JunkReason::Empty => "empty file",
        }
    }

    /// What the file is, in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            JunkReason::MacosResourceFork => "macOS 资源分支文件",
            JunkReason::DsStore => "macOS .DS_Store",
            JunkReason::ThumbsDb => "Windows 缩略图缓存",
            JunkReason::DesktopIni => "Windows desktop.ini",
            JunkReason::OfficeLock => "Office 锁定文件",
            JunkReason::Empty => "空文件",
        }
    }
}

/// The resolved classification of one file, content first, name second.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    pub kind: ResourceKind,
    pub media_type: &'static str,
    /// Kind the extension suggests (None: no or unknown extension).
    pub ext_kind: Option<ResourceKind>,
    /// Content and extension disagree in a way worth a finding.
    pub extension_mismatch: bool,
    /// Why it is junk, when kind == Junk.
    pub junk_reason: Option<JunkReason>,
    /// A password-protected Office document: the platform cannot open it.
    pub encrypted: bool,
}

/// Extension → (kind, typical media type), per the domain taxonomy.
const EXTENSIONS: &[(&[&str], ResourceKind, &str)] = &[
    (&["mp4"], Video, "video/mp4"),
    (&["m4v"], Video, "video/x-m4v"),
    (&["mov"], Video, "video/quicktime"),
    (&["mkv"], Video, "video/x-matroska"),
    (&["webm"], Video, "video/webm"),
    (&["avi"], Video, "video/x-msvideo"),
    (&["flv", "f4v"], Video, "video/x-flv"),
    (&["wmv", "asf"], Video, "video/x-ms-wmv"),
    (&["mpg", "mpeg", "mpe", "vob"], Video, "video/mpeg"),
    (&["ts", "m2ts", "mts"], Video, "video/mp2t"),
    (&["3gp", "3g2"], Video, "video/3gpp"),
    (&["ogv"], Video, "video/ogg"),
    (&["rm", "rmvb"], Video, "application/vnd.rn-realmedia"),
    (&["mxf"], Video, "application/mxf"),
    (&["mp3"], Audio, "audio/mpeg"),
    (&["m4a", "m4b"], Audio, "audio/mp4"),
    (&["aac"], Audio, "audio/aac"),
    (&["wav"], Audio, "audio/wav"),
    (&["flac"], Audio, "audio/flac"),
    (&["ogg", "oga"], Audio, "audio/ogg"),
    (&["opus"], Audio, "audio/opus"),
    (&["wma"], Audio, "audio/x-ms-wma"),
    (&["amr"], Audio, "audio/amr"),
    (&["aif", "aiff", "aifc"], Audio, "audio/aiff"),
    (&["ac3"], Audio, "audio/ac3"),
    (&["eac3", "ec3"], Audio, "audio/eac3"),
    (&["wv"], Audio, "audio/x-wavpack"),
    (&["au", "snd"], Audio, "audio/basic"),
    (&["mka"], Audio, "audio/x-matroska"),
    (&["w64"], Audio, "audio/x-w64"),
    (&["caf"], Audio, "audio/x-caf"),
    (&["tta"], Audio, "audio/x-tta"),
    (&["voc"], Audio, "audio/x-voc"),
    (&["ra"], Audio, "audio/x-pn-realaudio"),
    (&["mid", "midi"], Audio, "audio/midi"),
    (&["jpg", "jpeg", "jpe"], Image, "image/jpeg"),
    (&["png"], Image, "image/png"),
    (&["gif"], Image, "image/gif"),
    (&["bmp"], Image, "image/bmp"),
    (&["tif", "tiff"], Image, "image/tiff"),
    (&["webp"], Image, "image/webp"),
    (&["svg", "svgz"], Image, "image/svg+xml"),
    (&["xcf"], Image, "image/x-xcf"),
    (&["wmf"], Image, "image/wmf"),
    (&["emf"], Image, "image/emf"),
    (&["tga", "icb", "vda", "vst"], Image, "image/x-tga"),
    (&["icns"], Image, "image/icns"),
    (&["qoi"], Image, "image/qoi"),
    (&["dcm", "dicom"], Image, "application/dicom"),
    (&["exr"], Image, "image/x-exr"),
    (&["ras", "sun"], Image, "image/x-sun-raster"),
    (&["dpx"], Image, "image/x-dpx"),
    (&["sgi"], Image, "image/x-sgi"),
    (
        &["pbm", "pgm", "ppm", "pnm", "pam"],
        Image,
        "image/x-portable-anymap",
    ),
    (&["heic", "heif"], Image, "image/heic"),
    (&["avif"], Image, "image/avif"),
    (&["ico"], Image, "image/vnd.microsoft.icon"),
    (&["pdf"], Document, "application/pdf"),
    (&["ofd"], Document, "application/ofd"),
    (&["pages"], Document, magic::PAGES),
    (&["key"], Presentation, magic::KEYNOTE),
    (&["numbers"], Spreadsheet, magic::NUMBERS),
    (
        &["ott"],
        Document,
        "application/vnd.oasis.opendocument.text-template",
    ),
    (
        &["otp"],
        Presentation,
        "application/vnd.oasis.opendocument.presentation-template",
    ),
    (
        &["ots"],
        Spreadsheet,
        "application/vnd.oasis.opendocument.spreadsheet-template",
    ),
    (
        &["odg"],
        Image,
        "application/vnd.oasis.opendocument.graphics",
    ),
    (&["sxw", "stw"], Document, "application/vnd.sun.xml.writer"),
    (
        &["sxi", "sti"],
        Presentation,
        "application/vnd.sun.xml.impress",
    ),
    (&["sxc", "stc"], Spreadsheet, "application/vnd.sun.xml.calc"),
    (&["sxd", "std"], Image, "application/vnd.sun.xml.draw"),
    (
        &["otg"],
        Image,
        "application/vnd.oasis.opendocument.graphics-template",
    ),
    (
        &["docx", "docm", "dotx", "dotm"],
        Document,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (&["doc", "dot"], Document, "application/msword"),
    (&["wps"], Document, "application/vnd.ms-works"),
    (
        &["odt"],
        Document,
        "application/vnd.oasis.opendocument.text",
    ),
    (&["rtf"], Document, "application/rtf"),
    (&["txt", "md", "markdown"], Document, "text/plain"),
    (&["html", "htm", "xhtml"], Document, "text/html"),
    (&["epub"], Document, "application/epub+zip"),
    (
        &["pptx", "ppsx", "potx", "pptm", "ppsm", "potm"],
        Presentation,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        &["ppt", "pps", "pot", "dps"],
        Presentation,
        "application/vnd.ms-powerpoint",
    ),
    (
        &["odp"],
        Presentation,
        "application/vnd.oasis.opendocument.presentation",
    ),
    (
        &["xlsx", "xlsm", "xltx", "xltm"],
        Spreadsheet,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        &["xls", "xlt", "et"],
        Spreadsheet,
        "application/vnd.ms-excel",
    ),
    (
        &["ods"],
        Spreadsheet,
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    (&["csv"], Spreadsheet, "text/csv"),
    (&["tsv"], Spreadsheet, "text/tab-separated-values"),
    (&["swf"], Animation, "application/x-shockwave-flash"),
    (&["srt"], Subtitle, "application/x-subrip"),
    (&["vtt"], Subtitle, "text/vtt"),
    (&["lrc", "ass", "ssa"], Subtitle, "text/plain"),
    (
        &["exe", "dll", "com", "scr"],
        Executable,
        "application/vnd.microsoft.portable-executable",
    ),
    (&["msi"], Executable, "application/x-msi"),
    (
        &["apk"],
        Executable,
        "application/vnd.android.package-archive",
    ),
    (&["bat", "cmd"], Executable, "application/x-bat"),
    (&["sh"], Executable, "text/x-shellscript"),
    (&["ps1"], Executable, "text/plain"),
    (&["vbs"], Executable, "text/vbscript"),
    (&["dmg"], Executable, "application/x-apple-diskimage"),
    (&["zip"], Archive, "application/zip"),
    (&["rar"], Archive, "application/vnd.rar"),
    (&["7z"], Archive, "application/x-7z-compressed"),
    (&["gz", "tgz"], Archive, "application/gzip"),
    (&["tar"], Archive, "application/x-tar"),
    (&["bz2", "tbz", "tbz2"], Archive, "application/x-bzip2"),
    (&["xz", "txz"], Archive, "application/x-xz"),
    (&["zst"], Archive, "application/zstd"),
    (&["cab"], Archive, "application/vnd.ms-cab-compressed"),
    (&["json"], Other, "application/json"),
    (&["xml"], Other, "application/xml"),
];

/// Extensions a text file may legitimately carry (text content under any
/// other known extension is a mismatch).
const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "md", "markdown", "csv", "tsv", "srt", "vtt", "lrc", "ass", "ssa", "json", "xml",
    "html", "htm", "xhtml", "svg", "bat", "cmd", "sh", "ps1", "vbs", "rtf",
];

const VIDEO_EXTENSIONS: &[&str] = &[
    "mp4", "m4v", "mov", "mkv", "webm", "avi", "flv", "wmv", "mpg", "mpeg", "ts", "3gp", "vob",
    "mxf",
];

fn ext_entry(ext: &str) -> Option<(ResourceKind, &'static str)> {
    // A map, not a scan of the table: with 100,000 files the scan's string
    // compares were a visible part of classifying them.
    type ByExtension = std::collections::HashMap<&'static str, (ResourceKind, &'static str)>;
    static BY_EXTENSION: std::sync::LazyLock<ByExtension> = std::sync::LazyLock::new(|| {
        let mut map = ByExtension::new();
        for &(exts, kind, media) in EXTENSIONS {
            for &ext in exts {
                map.entry(ext).or_insert((kind, media)); // the table's first row wins
            }
        }
        map
    });
    if ext.bytes().any(|b| b.is_ascii_uppercase()) {
        BY_EXTENSION.get(ext.to_ascii_lowercase().as_str()).copied()
    } else {
        BY_EXTENSION.get(ext).copied()
    }
}

/// Kind an extension suggests (lower-cased, without dot), per the domain taxonomy.
pub fn kind_for_extension(ext: &str) -> Option<ResourceKind> {
    ext_entry(ext).map(|(kind, _)| kind)
}

/// Typical media type for an extension (an addition to the brief's interface).
pub fn media_type_for_extension(ext: &str) -> Option<&'static str> {
    ext_entry(ext).map(|(_, media)| media)
}

/// The package's own descriptor/manifest files at the package root.
pub fn is_metadata_path(path: &str) -> bool {
    let name = path.strip_prefix("./").unwrap_or(path);
    if name.contains('/') {
        return false;
    }
    // BagIt: manifest-<algorithm>.txt and tagmanifest-<algorithm>.txt.
    let bagit_manifest = |prefix: &str| {
        name.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(".txt"))
            .is_some_and(|alg| {
                !alg.is_empty()
                    && alg
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
    };
    matches!(
        name,
        "training-package.json" | "trainpack-manifest.json" | "bagit.txt" | "bag-info.txt"
    ) || bagit_manifest("manifest-")
        || bagit_manifest("tagmanifest-")
}

/// Whether a name alone marks a file as junk (`.DS_Store`, `__MACOSX/`, ...).
pub fn is_junk_name(path: &str) -> bool {
    junk_reason(path, 1).is_some()
}

fn junk_reason(path: &str, size: u64) -> Option<JunkReason> {
    let base = path.rsplit('/').next().unwrap_or(path);
    if path.split('/').any(|c| c == "__MACOSX") || base.starts_with("._") {
        Some(JunkReason::MacosResourceFork)
    } else if base == ".DS_Store" {
        Some(JunkReason::DsStore)
    } else if base.eq_ignore_ascii_case("Thumbs.db") {
        Some(JunkReason::ThumbsDb)
    } else if base.eq_ignore_ascii_case("desktop.ini") {
        Some(JunkReason::DesktopIni)
    } else if base.starts_with("~$") {
        Some(JunkReason::OfficeLock)
    } else if size == 0 {
        Some(JunkReason::Empty)
    } else {
        None
    }
}

fn extension(path: &str) -> Option<String> {
    let base = path.rsplit('/').next().unwrap_or(path);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => Some(ext.to_ascii_lowercase()),
        _ => None,
    }
}

/// `path` is package-relative with '/' separators (already NFC).
pub fn classify(path: &str, sniffed: &Sniffed) -> Classification {
    let ext = extension(path);
    let ext = ext.as_deref().unwrap_or("");
    let ext_kind = kind_for_extension(ext);
    let mut media_type = sniffed.media_type;
    let mut encrypted = sniffed.encrypted;
    let decided = |kind, mismatch, junk_reason, media_type, encrypted| Classification {
        kind,
        media_type,
        ext_kind,
        extension_mismatch: mismatch,
        junk_reason,
        encrypted,
    };

    if let Some(reason) = junk_reason(path, sniffed.size) {
        return decided(Junk, false, Some(reason), media_type, false);
    }
    if is_metadata_path(path) {
        return decided(Metadata, false, None, media_type, false);
    }

    let mut content_kind = sniffed.kind;
    if media_type == magic::OLE_STORAGE {
        // infer could not read the compound file's root CLSID from the head:
        // the Office/WPS/MSI extension breaks the tie.
        let tied = match ext {
            "ppt" | "pps" | "pot" | "dps" | "xls" | "xlt" | "et" | "doc" | "dot" | "wps"
            | "msi" => ext_entry(ext),
            _ => None,
        };
        content_kind = Some(tied.map_or(Other, |(kind, _)| kind));
        if let Some((_, media)) = tied {
            media_type = media;
        }
        // An OOXML file is a zip unless a password sealed it in a compound
        // file (whose streams could not be reached here).
        if matches!(
            ext,
            "docx" | "docm" | "dotx" | "pptx" | "pptm" | "ppsx" | "potx" | "xlsx" | "xlsm" | "xltx"
        ) {
            encrypted = true;
            media_type = magic::ENCRYPTED_OOXML;
        }
    }
    if matches!(media_type, magic::KEYNOTE | magic::PAGES | magic::NUMBERS)
        && let Some((kind, media)) =
            ext_entry(ext).filter(|(_, m)| m.starts_with("application/vnd.apple."))
    {
        // Only decks and sheets show their app in their parts; the name
        // iWork gave the file says the rest.
        content_kind = Some(kind);
        media_type = media;
    }
    if encrypted && media_type == magic::ENCRYPTED_OOXML {
        // The family is sealed inside; a .pptx or .xlsx name still says it.
        content_kind = Some(match ext_kind {
            Some(k @ (Document | Presentation | Spreadsheet)) => k,
            _ => Document,
        });
    }
    if media_type == magic::TGA_HEADER {
        // A Targa file without its footer has no magic: a careful header
        // check is enough only when the name says .tga too.
        if ext == "tga" {
            content_kind = Some(Image);
            media_type = "image/x-tga";
        } else {
            media_type = "application/octet-stream";
        }
    }
    let is_text = media_type.starts_with("text/") || media_type == "application/xml";
    // TypeScript sources share ".ts" with MPEG-TS.
    let typescript = is_text && ext == "ts";

    let (kind, mismatch) = match (content_kind, ext_kind) {
        (Some(c), Some(e)) => (c, !agrees(c, e, ext, sniffed)),
        (None, Some(_)) if typescript => (Other, false),
        // A text file cannot be a video, a deck or an image: counting it as
        // its extension's kind would inflate the video share.
        (None, Some(_)) if is_text && !TEXT_EXTENSIONS.contains(&ext) => (Other, true),
        (None, Some(e)) => (e, false),
        (Some(c), None) => (c, false),
        (None, None) => (Other, false),
    };
    // A video name promises a video container, whatever else the content is.
    let not_video = VIDEO_EXTENSIONS.contains(&ext) && sniffed.container.is_none() && !typescript;
    decided(kind, mismatch || not_video, None, media_type, encrypted)
}

/// Whether content kind `c` and extension kind `e` are no real disagreement.
fn agrees(c: ResourceKind, e: ResourceKind, ext: &str, sniffed: &Sniffed) -> bool {
    match (c, e) {
        _ if c == e => true,
        // A video-capable container named as audio (.m4a, .wma, .mka): the
        // probe decides whether a video stream exists.
        (Video, Audio) => sniffed.container.is_some(),
        // An animated GIF is still a .gif.
        (Animation, Image) => sniffed.media_type == "image/gif",
        // Courseware and plain zips are all ".zip".
        (Courseware, Archive) => ext == "zip",
        // "图.svg.gz" is gzipped SVG by another name.
        (Image, Archive) => ext == "gz" && sniffed.media_type == "image/svg+xml",
        _ => false,
    }
}
