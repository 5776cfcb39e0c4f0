//! Validating a bag (RFC 8493) made by any tool, given as a folder or a zip.
//!
//! The bag is opened through [`crate::source`], so a zipped bag is read in
//! place, never extracted, and unsafe zip names never reach the file system.
//! Every problem is collected into one [`BagReport`]; nothing stops at the
//! first defect. Each payload file is read once, through one hasher per
//! algorithm its manifests use.
//!
//! Memory does not grow with the manifests: they and `fetch.txt` are read
//! line by line (`tag_lines`), and only what concerns files present
//! in the package is held (their checksums, bounded by the package's entry
//! limit). Absent files are named up to [`MAX_MISSING_NAMED`], fetch.txt is
//! held up to [`MAX_FETCH_ENTRIES`] entries, and problems are listed up to
//! [`MAX_PROBLEMS_PER_KIND`] of each kind; past each limit they are counted,
//! and a fetch.txt past its limit makes the bag invalid (SECURITY.md).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Read};
use std::path::Path;

use sha2::Digest;
use unicode_normalization::UnicodeNormalization;

use crate::error::Result;
use crate::i18n::Text;
use crate::policy::Limits;
use crate::scan::{feed_entries, hex};
use crate::source::{Package, SourceNote};

use super::tag_lines::{self, Line, TagLines};

/// What is wrong with a bag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    MissingBagitTxt,
    BadBagitTxt,
    NoPayloadManifest,
    BadManifestLine,
    PathOutsideBag,
    MissingFile,
    ChecksumMismatch,
    /// A file in `data/` listed in no payload manifest.
    UnlistedPayloadFile,
    /// A payload file listed in some payload manifests but missing from another.
    ManifestsDisagree,
    OxumMismatch,
    BadBagInfo,
    UnsupportedAlgorithm,
    Unreadable,
    /// A `fetch.txt` line that is not `<url> <length|-> <path>`.
    BadFetchTxt,
    /// A payload file listed in `fetch.txt` and absent from the bag (a
    /// hole): the bag is incomplete, not corrupt. Nothing is ever fetched.
    FetchedFileMissing,
}

/// One problem. `path` is relative to the bag root (as manifests spell it),
/// except for package entries outside the bag root, which keep their
/// package path.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BagProblem {
    pub kind: ProblemKind,
    pub path: Option<String>,
    pub message: String,
    /// The same message in Chinese.
    pub message_zh: String,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct BagReport {
    /// The bag root inside the package: `""` when `bagit.txt` is at the
    /// package root, else the top-level folder holding it (`mybag`).
    pub root: String,
    /// `BagIt-Version` from `bagit.txt`, when it could be read.
    pub version: Option<String>,
    /// Supported algorithms of the payload manifests (`md5`, `sha1`,
    /// `sha256`, `sha512`), sorted; the ones checksums are verified with
    /// (unless `fast`).
    pub algorithms: Vec<String>,
    /// Files under `data/` and their total size.
    pub payload_files: u64,
    pub payload_bytes: u64,
    /// Payload files listed in a manifest and in `fetch.txt` but not
    /// present (holes): the bag is incomplete. Nothing is ever fetched.
    pub holes: u64,
    pub problems: Vec<BagProblem>,
    /// The review `trainpack pack` records in bag-info.txt (`Reviewed-By`,
    /// `Review-Date`, `Review-Result`, ...), as the bag spells it.
    pub review: Vec<(String, String)>,
}

/// bag-info.txt labels that describe the provider's review.
pub const REVIEW_LABELS: [&str; 5] = [
    "Reviewed-By",
    "Review-Date",
    "Review-Result",
    "Review-Content-SHA256",
    "Trainpack-Audit-Status",
];

impl BagReport {
    /// Valid when nothing is wrong. A manifest in an unsupported algorithm
    /// (say `manifest-sha384.txt`) alone does not make the bag invalid as
    /// long as at least one supported payload manifest was checked: its
    /// paths are still checked for presence and completeness.
    pub fn is_valid(&self) -> bool {
        !self.algorithms.is_empty()
            && self
                .problems
                .iter()
                .all(|p| p.kind == ProblemKind::UnsupportedAlgorithm)
    }

    /// Valid, incomplete (valid but for holes) or invalid.
    pub fn status(&self) -> BagStatus {
        if self.is_valid() {
            BagStatus::Valid
        } else if self.is_valid_but_for_holes() {
            BagStatus::Incomplete
        } else {
            BagStatus::Invalid
        }
    }

    /// Valid except for holes: every problem is an unsupported algorithm or
    /// a payload file listed in `fetch.txt` that is not present. A holey
    /// bag is not valid (bagit-python agrees), but it may be accepted as
    /// incomplete (`trainpack verify --allow-holes`).
    pub fn is_valid_but_for_holes(&self) -> bool {
        !self.algorithms.is_empty()
            && self.problems.iter().all(|p| {
                matches!(
                    p.kind,
                    ProblemKind::UnsupportedAlgorithm | ProblemKind::FetchedFileMissing
                )
            })
    }
}

/// The verdict on a bag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BagStatus {
    Valid,
    /// Valid but for payload files listed in `fetch.txt` and not present.
    Incomplete,
    Invalid,
}

/// A checksum algorithm a manifest may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    /// The algorithm of `manifest-<name>.txt`, when supported.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        match name {
            "md5" => Some(Algorithm::Md5),
            "sha1" => Some(Algorithm::Sha1),
            "sha256" => Some(Algorithm::Sha256),
            "sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// Length of the checksum in hex digits.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Md5 => 32,
            Algorithm::Sha1 => 40,
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }
}

/// Several digests of one stream, fed in one pass.
pub struct MultiHasher {
    hashers: Vec<(Algorithm, OneHasher)>,
}

enum OneHasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

impl crate::scan::Consume for MultiHasher {
    fn consume(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl MultiHasher {
    pub fn new(algorithms: &[Algorithm]) -> MultiHasher {
        let hashers = algorithms
            .iter()
            .map(|&a| {
                let h = match a {
                    Algorithm::Md5 => OneHasher::Md5(md5::Md5::new()),
                    Algorithm::Sha1 => OneHasher::Sha1(sha1::Sha1::new()),
                    Algorithm::Sha256 => OneHasher::Sha256(sha2::Sha256::new()),
                    Algorithm::Sha512 => OneHasher::Sha512(sha2::Sha512::new()),
                };
                (a, h)
            })
            .collect();
        MultiHasher { hashers }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        for (_, h) in &mut self.hashers {
            match h {
                OneHasher::Md5(h) => h.update(bytes),
                OneHasher::Sha1(h) => h.update(bytes),
                OneHasher::Sha256(h) => h.update(bytes),
                OneHasher::Sha512(h) => h.update(bytes),
            }
        }
    }

    /// Lowercase hex digests, one per algorithm.
    pub fn finish(self) -> BTreeMap<Algorithm, String> {
        self.hashers
            .into_iter()
            .map(|(a, h)| {
                let digest = match h {
                    OneHasher::Md5(h) => hex(&h.finalize()),
                    OneHasher::Sha1(h) => hex(&h.finalize()),
                    OneHasher::Sha256(h) => hex(&h.finalize()),
                    OneHasher::Sha512(h) => hex(&h.finalize()),
                };
                (a, digest)
            })
            .collect()
    }
}

/// Validate a bag given as a folder or a zip. Err only when the path cannot
/// be opened at all; everything wrong with the bag is a problem in the report.
pub fn validate_bag(path: &Path, fast: bool) -> Result<BagReport> {
    // Listed with sizes (Payload-Oxum is checked against them).
    let package = Package::open_with(path, &Limits::for_verify())?;
    let threads = crate::scan::cores();
    Ok(validate_package(&package, fast, threads))
}

/// True when the package looks like a bag: `bagit.txt` at its root or in its
/// single top-level folder.
pub fn looks_like_bag(package: &Package) -> bool {
    find_bag_root(package).is_some()
}

/// The folder holding `bagit.txt`: the package root, or the one top-level
/// folder that holds it (other top-level entries, such as `__MACOSX/`, are
/// reported as outside the bag by the validator).
fn find_bag_root(package: &Package) -> Option<String> {
    if package.entries.iter().any(|e| &*e.path == "bagit.txt") {
        return Some(String::new());
    }
    let mut candidates = package.entries.iter().filter_map(|e| {
        let (dir, name) = e.path.split_once('/')?;
        (name == "bagit.txt").then_some(dir)
    });
    let first = candidates.next()?;
    candidates.next().is_none().then(|| first.to_owned())
}

/// Without a `bagit.txt`: the single top-level folder when the package root
/// holds nothing else, so the other checks still apply to the right paths.
fn guess_bag_root(package: &Package) -> String {
    let mut tops = package
        .entries
        .iter()
        .map(|e| e.path.split_once('/').map(|(dir, _)| dir));
    match tops.next() {
        Some(Some(first)) if tops.all(|t| t == Some(first)) => first.to_owned(),
        _ => String::new(),
    }
}

/// `bagit.txt` and the info file are read whole, up to this size; manifests
/// and `fetch.txt` are read line by line, whatever their size.
const SMALL_TAG_FILE_LIMIT: u64 = 4 << 20;

/// At most this many manifest files are read: each is one bit of a file's
/// [`Listing`].
pub const MAX_MANIFESTS: usize = 64;

/// `fetch.txt` entries held (a 128-bit digest of the path and the length,
/// about 70 bytes each with the table); the rest of a longer fetch.txt is
/// not read and the bag is not valid.
pub const MAX_FETCH_ENTRIES: usize = 250_000;

/// Paths listed in a manifest but absent that are named one by one; the
/// rest are counted.
pub const MAX_MISSING_NAMED: usize = 1_000;

/// Problems of one kind listed one by one; the rest are counted in one
/// last problem of that kind.
pub const MAX_PROBLEMS_PER_KIND: usize = 1_000;

struct Manifest {
    /// File name, e.g. `manifest-sha256.txt`.
    file: String,
    algorithm: Option<Algorithm>,
    tag: bool,
}

/// What the manifests say about one file present in the bag. Only lines
/// naming a present file are held, so memory is bounded by the package's
/// entry limit, not by the size of the manifests.
#[derive(Default)]
struct Listing {
    /// Bit `i` set: manifest `i` lists this file.
    manifests: u64,
    /// (manifest, checksum bytes) for the manifests in a supported algorithm.
    expected: Vec<(u8, Box<[u8]>)>,
}

/// One `fetch.txt` line, keyed by a digest of its path.
struct FetchEntry {
    /// The declared length; `u64::MAX` for `-`.
    length: u64,
    /// Bit `i` set: manifest `i` lists this (absent) path.
    listed: u64,
}

/// A path's key in the fetch table: 128 bits of its SHA-256, so a hostile
/// fetch.txt cannot make two paths collide.
fn path_key(path: &str) -> [u8; 16] {
    let digest = sha2::Sha256::digest(path.as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

struct Validator<'a> {
    package: &'a Package,
    fast: bool,
    prefix: String,
    /// Bag-relative path → entry index.
    files: BTreeMap<String, usize>,
    /// Bag-relative paths the source could not offer (links, encrypted…),
    /// already reported as Unreadable.
    noted: BTreeSet<String>,
    /// From `bagit.txt` (1.0 when it cannot be read).
    version: BagVersion,
    /// Of the tag files other than `bagit.txt`, from `bagit.txt`.
    encoding: &'static encoding_rs::Encoding,
    /// By entry index: which manifests list the file, with which checksums.
    listings: Vec<Listing>,
    fetch: HashMap<[u8; 16], FetchEntry>,
    /// Holes: listed in a manifest and in fetch.txt, absent.
    holes: u64,
    /// Their total length; None when fetch.txt gives `-` for one of them.
    hole_bytes: Option<u64>,
    /// Absent paths no fetch.txt line explains → the manifests naming them.
    missing: BTreeMap<String, u64>,
    /// Manifest lines naming absent files past [`MAX_MISSING_NAMED`].
    missing_unnamed: u64,
    problems: Vec<BagProblem>,
    /// Problems listed, by kind.
    listed: BTreeMap<ProblemKind, usize>,
    /// Problems not listed, by kind, past [`MAX_PROBLEMS_PER_KIND`].
    unlisted: BTreeMap<ProblemKind, u64>,
    review: Vec<(String, String)>,
}

impl Validator<'_> {
    fn problem(&mut self, kind: ProblemKind, path: Option<&str>, message: impl Into<Text>) {
        let listed = self.listed.entry(kind).or_default();
        if *listed >= MAX_PROBLEMS_PER_KIND {
            *self.unlisted.entry(kind).or_default() += 1;
            return;
        }
        *listed += 1;
        let Text { en, zh } = message.into();
        self.problems.push(BagProblem {
            kind,
            path: path.map(str::to_owned),
            message: en,
            message_zh: zh,
        });
    }

    /// Read a small tag file (`bagit.txt`, the info file) whole.
    fn read_small_tag_file(&mut self, path: &str) -> Option<Vec<u8>> {
        let &index = self.files.get(path)?;
        let entry = &self.package.entries[index];
        let result = (|| {
            let mut input = self.package.reader();
            let mut bytes = Vec::new();
            input
                .open(entry)?
                .take(SMALL_TAG_FILE_LIMIT + 1)
                .read_to_end(&mut bytes)?;
            if bytes.len() as u64 > SMALL_TAG_FILE_LIMIT {
                return Err(io::Error::other(format!(
                    "larger than {} MiB, not read",
                    SMALL_TAG_FILE_LIMIT >> 20
                )));
            }
            Ok(bytes)
        })();
        match result {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                self.problem(ProblemKind::Unreadable, Some(path), cannot_read(path, &e));
                None
            }
        }
    }

    /// Stream a tag file line by line through `each(v, line number, text)`;
    /// too long lines, a BOM, bad encoding and read errors are reported
    /// with `kind`. `each` returns false to stop early.
    fn for_each_line(
        &mut self,
        path: &str,
        kind: ProblemKind,
        mut each: impl FnMut(&mut Self, u64, &str) -> bool,
    ) {
        let Some(&index) = self.files.get(path) else {
            return;
        };
        let package = self.package;
        let mut reader = package.reader();
        let input = match reader.open(&package.entries[index]) {
            Ok(input) => input,
            Err(e) => {
                self.problem(ProblemKind::Unreadable, Some(path), cannot_read(path, &e));
                return;
            }
        };
        let mut lines = TagLines::new(input, self.encoding);
        loop {
            match lines.next_line() {
                Ok(None) => break,
                Ok(Some((n, Line::Text(text)))) => {
                    if !each(self, n, text) {
                        return;
                    }
                }
                Ok(Some((n, Line::TooLong))) => self.problem(
                    kind,
                    Some(path),
                    Text::new(
                        format!(
                            "{path} line {n} is longer than {} KiB, not read",
                            tag_lines::MAX_LINE_BYTES >> 10
                        ),
                        format!(
                            "{path} 第 {n} 行超过 {} KiB，未读取",
                            tag_lines::MAX_LINE_BYTES >> 10
                        ),
                    ),
                ),
                Err(e) => {
                    self.problem(ProblemKind::Unreadable, Some(path), cannot_read(path, &e));
                    break;
                }
            }
        }
        if lines.had_bom {
            self.problem(kind, Some(path), bom_forbidden(path));
        }
        if lines.had_bad_encoding {
            self.problem(kind, Some(path), bad_encoding(path, self.encoding.name()));
        }
    }
}

/// Validate an opened package as a bag, reading files on `threads` workers.
pub fn validate_package(package: &Package, fast: bool, threads: usize) -> BagReport {
    let found_root = find_bag_root(package);
    let root = found_root
        .clone()
        .unwrap_or_else(|| guess_bag_root(package));
    let prefix = if root.is_empty() {
        String::new()
    } else {
        format!("{root}/")
    };
    let mut v = Validator {
        package,
        fast,
        prefix,
        files: BTreeMap::new(),
        noted: BTreeSet::new(),
        version: BagVersion(1, 0),
        encoding: encoding_rs::UTF_8,
        listings: Vec::new(),
        fetch: HashMap::new(),
        holes: 0,
        hole_bytes: Some(0),
        missing: BTreeMap::new(),
        missing_unnamed: 0,
        problems: Vec::new(),
        listed: BTreeMap::new(),
        unlisted: BTreeMap::new(),
        review: Vec::new(),
    };
    v.listings
        .resize_with(package.entries.len(), Listing::default);

    v.index_entries();
    let version = if found_root.is_some() {
        check_bagit_txt(&mut v)
    } else {
        let message = if package
            .entries
            .iter()
            .any(|e| e.path.ends_with("/bagit.txt"))
        {
            Text::new(
                "no bagit.txt at the package root or in a single top-level folder",
                "包的根目录及其唯一的顶层文件夹中都没有 bagit.txt",
            )
        } else {
            Text::new(
                "bagit.txt is missing: not a bag, or not a complete one",
                "缺少 bagit.txt：不是 BagIt 包，或包不完整",
            )
        };
        v.problem(ProblemKind::MissingBagitTxt, Some("bagit.txt"), message);
        None
    };
    let bag_version = version
        .as_deref()
        .and_then(BagVersion::parse)
        .unwrap_or(BagVersion(1, 0));
    v.version = bag_version;
    let info_file = bag_version.info_file();
    let oxum = check_bag_info(&mut v, info_file);
    load_fetch(&mut v);
    let manifests = load_manifests(&mut v);

    let payload: Vec<(String, usize)> = v
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("data/"))
        .map(|(p, &i)| (p.clone(), i))
        .collect();
    let payload_files = payload.len() as u64;
    let payload_bytes = payload
        .iter()
        .map(|&(_, i)| package.entries[i].declared_size.unwrap_or(0))
        .sum();

    if !manifests.iter().any(|m| !m.tag) {
        v.problem(
            ProblemKind::NoPayloadManifest,
            None,
            Text::new(
                "no payload manifest (manifest-<algorithm>.txt)",
                "没有载荷清单（manifest-<算法>.txt）",
            ),
        );
    }
    let unlisted = check_completeness(&v, &payload, &manifests);
    for (kind, path, message) in unlisted {
        v.problem(kind, Some(&path), message);
    }
    report_missing(&mut v, &manifests);
    let holes = v.holes;
    let hole_bytes = v.hole_bytes;
    // Payload-Oxum counts the complete payload, holes included (their
    // bytes are known only when fetch.txt gives every hole's length); a
    // tool may also have counted only the files present.
    let oxum_matches = |(bytes, count): (u64, u64)| {
        let present = (bytes, count) == (payload_bytes, payload_files);
        let complete = holes > 0
            && count == payload_files + holes
            && hole_bytes.is_none_or(|hb| Some(bytes) == payload_bytes.checked_add(hb));
        present || complete
    };
    if let Some((bytes, count)) = oxum
        && !oxum_matches((bytes, count))
    {
        let holes_note = if holes > 0 {
            Text::new(
                format!(" (and fetch.txt lists {holes} absent file(s))"),
                format!("（另有 fetch.txt 列出的 {holes} 个文件不在包内）"),
            )
        } else {
            Text::new("", "")
        };
        v.problem(
            ProblemKind::OxumMismatch,
            Some(info_file),
            Text::new(
                format!(
                    "Payload-Oxum says {count} files and {bytes} bytes, \
                     data/ holds {payload_files} files and {payload_bytes} bytes{}",
                    holes_note.en
                ),
                format!(
                    "Payload-Oxum 记载 {count} 个文件、{bytes} 字节，\
                     data/ 中实有 {payload_files} 个文件、{payload_bytes} 字节{}",
                    holes_note.zh
                ),
            ),
        );
    }
    if !v.fast {
        check_checksums(&mut v, &manifests, threads);
    }

    let algorithms: BTreeSet<Algorithm> = manifests
        .iter()
        .filter(|m| !m.tag)
        .filter_map(|m| m.algorithm)
        .collect();
    let mut problems = std::mem::take(&mut v.problems);
    for (kind, count) in &v.unlisted {
        problems.push(BagProblem {
            kind: *kind,
            path: None,
            message: format!(
                "{count} more problem(s) of this kind, not listed \
                 (at most {MAX_PROBLEMS_PER_KIND} of one kind are)"
            ),
            message_zh: format!(
                "同类问题还有 {count} 个未列出（每类最多列出 {MAX_PROBLEMS_PER_KIND} 个）"
            ),
        });
    }
    BagReport {
        root,
        version,
        algorithms: algorithms.iter().map(|a| a.name().to_owned()).collect(),
        payload_files,
        payload_bytes,
        holes,
        problems,
        review: v.review,
    }
}

impl Validator<'_> {
    /// Map entries to bag paths; report what lies outside the bag root and
    /// what the source could not offer.
    fn index_entries(&mut self) {
        let package = self.package;
        for (i, entry) in package.entries.iter().enumerate() {
            match entry.path.strip_prefix(&self.prefix) {
                Some(rel) => {
                    self.files.insert(rel.to_owned(), i);
                }
                None => {
                    let message = Text::new(
                        format!("{} is outside the bag folder {}", entry.path, self.prefix),
                        format!("{} 不在包文件夹 {} 中", entry.path, self.prefix),
                    );
                    self.problem(ProblemKind::PathOutsideBag, Some(&entry.path), message);
                }
            }
        }
        for note in &package.notes {
            let (path, why) = match note {
                SourceNote::UnsafeName { name, reason } => {
                    let message = Text::new(
                        format!("zip entry {name:?} is refused: {}", reason.describe_en()),
                        format!("zip 条目 {name:?} 被拒绝（名称不安全）"),
                    );
                    self.problem(ProblemKind::PathOutsideBag, Some(name), message);
                    continue;
                }
                SourceNote::Symlink { path } => (
                    path,
                    Text::new("a symbolic link, not followed", "符号链接，未跟随"),
                ),
                SourceNote::SpecialFile { path } => (
                    path,
                    Text::new("not a regular file, not opened", "不是普通文件，未打开"),
                ),
                SourceNote::Encrypted { path } => (
                    path,
                    Text::new("encrypted, cannot be read", "已加密，无法读取"),
                ),
                SourceNote::Unlistable { path, message } => (
                    path,
                    Text::new(format!("cannot be listed: {message}"), "无法列出其内容"),
                ),
                SourceNote::DuplicatePath { path } => (
                    path,
                    Text::new(
                        "a second entry with the same (Unicode NFC) path; only the first is checked",
                        "与另一条目路径相同（按 Unicode NFC）；只检查第一个",
                    ),
                ),
                SourceNote::NonUtf8Name { .. }
                | SourceNote::GbkName { .. }
                | SourceNote::DecodesAlike { .. }
                | SourceNote::LegacyEncodedName { .. }
                | SourceNote::BackslashName { .. }
                | SourceNote::CaseCollision { .. }
                | SourceNote::ControlCharacters { .. }
                | SourceNote::HeaderMismatch { .. } => continue,
                other => match other.subject() {
                    Some(path) => (
                        path,
                        Text::new(
                            "not read (a hostile or damaged entry)",
                            "未读取（恶意或损坏的条目）",
                        ),
                    ),
                    None => continue,
                },
            };
            let rel = path.strip_prefix(&self.prefix).unwrap_or(path).to_owned();
            self.problem(
                ProblemKind::Unreadable,
                Some(&rel),
                Text::new(
                    format!("{path} is {}", why.en),
                    format!("{path}：{}", why.zh),
                ),
            );
            self.noted.insert(rel);
        }
    }
}

/// Text of a small tag file: a BOM or bytes invalid in the bag's encoding
/// are reported as `kind`.
fn tag_text(v: &mut Validator, path: &str, bytes: &[u8], kind: ProblemKind) -> String {
    let mut bytes = bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        v.problem(kind, Some(path), bom_forbidden(path));
        bytes = rest;
    }
    // bagit.txt itself is always UTF-8; the others are in the bag's
    // declared encoding.
    let encoding = if path == "bagit.txt" {
        encoding_rs::UTF_8
    } else {
        v.encoding
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        v.problem(kind, Some(path), bad_encoding(path, encoding.name()));
    }
    text.into_owned()
}

/// Lines without their `\r\n` / `\n` ends.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l))
}

fn check_bagit_txt(v: &mut Validator) -> Option<String> {
    const PATH: &str = "bagit.txt";
    let bytes = v.read_small_tag_file(PATH)?;
    let text = tag_text(v, PATH, &bytes, ProblemKind::BadBagitTxt);
    let mut fields = Vec::new();
    let mut trailing_blank = 0;
    for line in lines(&text) {
        if line.trim().is_empty() {
            trailing_blank += 1;
            continue;
        }
        if trailing_blank > 0 {
            v.problem(
                ProblemKind::BadBagitTxt,
                Some(PATH),
                Text::new(
                    "bagit.txt has a blank line between its fields",
                    "bagit.txt 的字段之间有空行",
                ),
            );
            trailing_blank = 0;
        }
        match line.split_once(':') {
            Some((label, value)) => fields.push((label.trim().to_owned(), value.trim().to_owned())),
            None => v.problem(
                ProblemKind::BadBagitTxt,
                Some(PATH),
                Text::new(
                    format!("bagit.txt line {line:?} is not `Label: value`"),
                    format!("bagit.txt 的行 {line:?} 不是 `标签: 值` 的格式"),
                ),
            ),
        }
    }
    let labels: Vec<&str> = fields.iter().map(|(l, _)| l.as_str()).collect();
    if labels != ["BagIt-Version", "Tag-File-Character-Encoding"] {
        v.problem(
            ProblemKind::BadBagitTxt,
            Some(PATH),
            Text::new(
                format!(
                    "bagit.txt must hold exactly `BagIt-Version` then \
                     `Tag-File-Character-Encoding`; it holds {labels:?}"
                ),
                format!(
                    "bagit.txt 应当只有 `BagIt-Version` 和其后的 \
                     `Tag-File-Character-Encoding` 两项；实有 {labels:?}"
                ),
            ),
        );
    }
    let field = |name: &str| {
        fields
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.clone())
    };
    let version = field("BagIt-Version");
    match version.as_deref() {
        Some(known) if BagVersion::parse(known).is_some() => {}
        Some(other) => v.problem(
            ProblemKind::BadBagitTxt,
            Some(PATH),
            Text::new(
                format!("BagIt-Version {other:?} is not supported (0.93 to 0.97, or 1.0)"),
                format!("不支持 BagIt-Version {other:?}（支持 0.93 至 0.97 及 1.0）"),
            ),
        ),
        None => v.problem(
            ProblemKind::BadBagitTxt,
            Some(PATH),
            Text::new(
                "bagit.txt has no BagIt-Version",
                "bagit.txt 中没有 BagIt-Version",
            ),
        ),
    }
    match field("Tag-File-Character-Encoding") {
        Some(enc) if enc.eq_ignore_ascii_case("UTF-8") => {}
        // Older bags may declare another encoding, which bagit-python
        // honours. Only encodings where ASCII bytes mean ASCII (so a line
        // ends at byte 0x0A) are read.
        Some(enc) => match encoding_rs::Encoding::for_label(enc.as_bytes()) {
            Some(known) if known.is_ascii_compatible() => v.encoding = known,
            _ => v.problem(
                ProblemKind::BadBagitTxt,
                Some(PATH),
                Text::new(
                    format!(
                        "Tag-File-Character-Encoding {enc:?} is not supported \
                         (UTF-8, or an ASCII-compatible encoding such as ISO-8859-1 or GBK)"
                    ),
                    format!(
                        "不支持 Tag-File-Character-Encoding {enc:?}\
                         （支持 UTF-8，或 ISO-8859-1、GBK 等兼容 ASCII 的编码）"
                    ),
                ),
            ),
        },
        None => v.problem(
            ProblemKind::BadBagitTxt,
            Some(PATH),
            Text::new(
                "bagit.txt has no Tag-File-Character-Encoding",
                "bagit.txt 中没有 Tag-File-Character-Encoding",
            ),
        ),
    }
    version
}

/// A BagIt version this validator knows. The older drafts differ from
/// RFC 8493 (1.0) in what bagit-python, the reference, reads differently:
/// the info file's name, whether a path may be listed twice with the same
/// checksum, and whether `%` in a manifest path is an escape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct BagVersion(u8, u8);

impl BagVersion {
    fn parse(text: &str) -> Option<BagVersion> {
        match text {
            "0.93" => Some(BagVersion(0, 93)),
            "0.94" => Some(BagVersion(0, 94)),
            "0.95" => Some(BagVersion(0, 95)),
            "0.96" => Some(BagVersion(0, 96)),
            "0.97" => Some(BagVersion(0, 97)),
            "1.0" => Some(BagVersion(1, 0)),
            _ => None,
        }
    }

    /// The bag's info tag file: `package-info.txt` in BagIt 0.93 to 0.95,
    /// `bag-info.txt` from 0.96 on.
    fn info_file(self) -> &'static str {
        if self <= BagVersion(0, 95) {
            "package-info.txt"
        } else {
            "bag-info.txt"
        }
    }

    /// RFC 8493 forbids listing a path twice in one manifest; the drafts
    /// before it did not (bagit-python only warns), as long as both lines
    /// give the same checksum.
    fn allows_repeated_lines(self) -> bool {
        self < BagVersion(1, 0)
    }

    /// Percent-encoding of CR, LF and `%` in manifest paths arrived with
    /// 0.97; older manifests hold names as they are.
    fn escapes_paths(self) -> bool {
        self >= BagVersion(0, 97)
    }
}

/// Parse the info tag file when present; returns Payload-Oxum as (octets, streams).
fn check_bag_info(v: &mut Validator, path: &'static str) -> Option<(u64, u64)> {
    if !v.files.contains_key(path) {
        return None;
    }
    let bytes = v.read_small_tag_file(path)?;
    let text = tag_text(v, path, &bytes, ProblemKind::BadBagInfo);
    let (tags, errors) = parse_tags(&text);
    for e in errors {
        let e = Text::new(
            e.en.replacen("bag-info.txt", path, 1),
            e.zh.replacen("bag-info.txt", path, 1),
        );
        v.problem(ProblemKind::BadBagInfo, Some(path), e);
    }
    v.review = tags
        .iter()
        .filter(|(l, _)| REVIEW_LABELS.iter().any(|r| r.eq_ignore_ascii_case(l)))
        .cloned()
        .collect();
    let oxums: Vec<&String> = tags
        .iter()
        .filter(|(l, _)| l.eq_ignore_ascii_case("Payload-Oxum"))
        .map(|(_, value)| value)
        .collect();
    if oxums.len() > 1 {
        v.problem(
            ProblemKind::BadBagInfo,
            Some(path),
            Text::new(
                format!("{path} has more than one Payload-Oxum"),
                format!("{path} 中有不止一个 Payload-Oxum"),
            ),
        );
    }
    let oxum = oxums.first()?;
    let parsed = oxum.split_once('.').and_then(|(bytes, count)| {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(bytes) || !digits(count) {
            return None;
        }
        Some((bytes.parse().ok()?, count.parse().ok()?))
    });
    if parsed.is_none() {
        v.problem(
            ProblemKind::BadBagInfo,
            Some(path),
            Text::new(
                format!("Payload-Oxum {oxum:?} is not `octets.streamcount`"),
                format!("Payload-Oxum {oxum:?} 不是 `字节数.文件数` 的格式"),
            ),
        );
    }
    parsed
}

/// `Label: value` lines; a line starting with whitespace continues the
/// previous value. Returns the tags and what could not be parsed.
fn parse_tags(text: &str) -> (Vec<(String, String)>, Vec<Text>) {
    let mut tags: Vec<(String, String)> = Vec::new();
    let mut errors = Vec::new();
    for line in lines(text) {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match tags.last_mut() {
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                None => errors.push(Text::new(
                    format!("bag-info.txt starts with a continuation line {line:?}"),
                    format!("bag-info.txt 以续行 {line:?} 开头"),
                )),
            }
            continue;
        }
        match line.split_once(':') {
            Some((label, value)) if !label.trim().is_empty() => {
                tags.push((label.trim().to_owned(), value.trim().to_owned()));
            }
            _ => errors.push(Text::new(
                format!("bag-info.txt line {line:?} is not `Label: value`"),
                format!("bag-info.txt 的行 {line:?} 不是 `标签: 值` 的格式"),
            )),
        }
    }
    for (_, value) in &mut tags {
        *value = value.trim().to_owned();
    }
    (tags, errors)
}

/// What bagit-python 1.9 decodes: upper-case `%0A` and `%0D`, nothing else.
fn decode_path_as_bagit_py(path: &str) -> String {
    path.replace("%0D", "\r").replace("%0A", "\n")
}

/// Decode `%0A`, `%0D` and `%25` in a manifest path (RFC 8493 §2.1.3).
fn decode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3);
        let decoded = match code.map(str::to_ascii_uppercase).as_deref() {
            Some("0A") => Some('\n'),
            Some("0D") => Some('\r'),
            Some("25") => Some('%'),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[at + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Why a manifest path cannot be used.
enum PathError {
    Outside(Why),
    Bad(Why),
}

/// Why, in English and Chinese.
type Why = (&'static str, &'static str);

/// A manifest path as a bag path (`data/a/b.txt`, NFC), or why not.
fn clean_path(path: &str) -> std::result::Result<String, PathError> {
    if path.is_empty() {
        return Err(PathError::Bad(("empty path", "路径为空")));
    }
    if path.contains('\0') {
        return Err(PathError::Bad(("NUL byte in path", "路径中有 NUL 字节")));
    }
    let bytes = path.as_bytes();
    if path.starts_with(['/', '\\'])
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
    {
        return Err(PathError::Outside(("absolute path", "绝对路径")));
    }
    if path.starts_with('~') {
        // bagit-python refuses what `expanduser` would turn into a home folder.
        return Err(PathError::Outside((
            "'~' names a home folder",
            "'~' 指向用户主文件夹",
        )));
    }
    if path.split(['/', '\\']).any(|part| part == "..") {
        return Err(PathError::Outside((
            "'..' climbs out of the bag",
            "'..' 越出了包",
        )));
    }
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() {
        return Err(PathError::Bad(("empty path", "路径为空")));
    }
    let joined = parts.join("/");
    // Most paths are ASCII: no normalisation to do (and it is the costly part).
    if joined.is_ascii() {
        return Ok(joined);
    }
    Ok(joined.nfc().collect())
}

/// Whether a manifest (or fetch.txt, whose paths come after `fields`
/// leading fields) was written the way bagit-python (and most tools,
/// bagit-spec#46) write one, with `%` left as it is: some path holds a `%`
/// that starts no RFC escape. Its other paths are then read the same way,
/// so "x%" and "x%25" from one such bag stay two files. Before 0.97 no
/// path is escaped. One streaming pass, stopping at the first such `%`.
fn percent_is_literal(v: &mut Validator, file: &str, fields: usize, kind: ProblemKind) -> bool {
    if !v.version.escapes_paths() {
        return true;
    }
    let mut literal = false;
    // Problems are reported by the pass that reads the lines for real.
    let (listed, unlisted, problems) = (v.listed.clone(), v.unlisted.clone(), v.problems.len());
    v.for_each_line(file, kind, |_, _, line| {
        if memchr::memchr(b'%', line.as_bytes()).is_none() {
            return true;
        }
        let line = line.trim_start();
        if line.is_empty() || (fields == 1 && line.starts_with('#')) {
            return true;
        }
        let mut path = Some(line);
        for _ in 0..fields {
            path = path.and_then(split_field).map(|(_, rest)| rest);
        }
        literal = path.is_some_and(|path| {
            path.match_indices('%').any(|(at, _)| {
                let code = path.get(at + 1..at + 3).map(str::to_ascii_uppercase);
                !matches!(code.as_deref(), Some("0A" | "0D" | "25"))
            })
        });
        !literal
    });
    v.problems.truncate(problems);
    (v.listed, v.unlisted) = (listed, unlisted);
    literal
}

/// Read every `manifest-*.txt` and `tagmanifest-*.txt` at the bag root,
/// line by line, into the listings of the files they name.
fn load_manifests(v: &mut Validator) -> Vec<Manifest> {
    let mut names: Vec<(String, bool, String)> = v
        .files
        .keys()
        .filter_map(|p| {
            let stem = p.strip_suffix(".txt")?;
            if let Some(alg) = stem.strip_prefix("tagmanifest-") {
                Some((p.clone(), true, alg.to_owned()))
            } else {
                let alg = stem.strip_prefix("manifest-")?;
                Some((p.clone(), false, alg.to_owned()))
            }
        })
        .filter(|(_, _, alg)| !alg.contains('/'))
        .collect();
    if names.len() > MAX_MANIFESTS {
        let skipped: Vec<String> = names.drain(MAX_MANIFESTS..).map(|n| n.0).collect();
        v.problem(
            ProblemKind::BadManifestLine,
            None,
            Text::new(
                format!(
                    "more than {MAX_MANIFESTS} manifest files; not read: {}",
                    skipped.join(", ")
                ),
                format!(
                    "清单文件超过 {MAX_MANIFESTS} 个；未读取：{}",
                    skipped.join("、")
                ),
            ),
        );
    }
    let mut manifests = Vec::new();
    for (file, tag, alg_name) in names {
        let algorithm = Algorithm::from_name(&alg_name);
        if algorithm.is_none() {
            v.problem(
                ProblemKind::UnsupportedAlgorithm,
                Some(&file),
                Text::new(
                    format!(
                        "{file}: algorithm {alg_name:?} is not supported (md5, sha1, sha256, sha512); \
                         its paths are checked, its checksums are not"
                    ),
                    format!(
                        "{file}：不支持算法 {alg_name:?}（支持 md5、sha1、sha256、sha512）；\
                         只核对其中的路径，不核对校验和"
                    ),
                ),
            );
        }
        let index = manifests.len();
        manifests.push(Manifest {
            file: file.clone(),
            algorithm,
            tag,
        });
        let literal = percent_is_literal(v, &file, 1, ProblemKind::BadManifestLine);
        let m = &manifests[index];
        v.for_each_line(&file, ProblemKind::BadManifestLine, |v, n, line| {
            manifest_line(v, m, index, literal, n, line);
            true
        });
    }
    manifests
}

/// One manifest line: a present file goes into its listing, an absent one
/// is a hole (listed in fetch.txt) or missing.
fn manifest_line(v: &mut Validator, m: &Manifest, index: usize, literal: bool, n: u64, line: &str) {
    let file = m.file.as_str();
    // Blank lines and `#` comments are skipped, as bagit.py does.
    if line.trim().is_empty() || line.starts_with('#') {
        return;
    }
    let Some((checksum, raw_path)) = split_field(line.trim_start()) else {
        v.problem(
            ProblemKind::BadManifestLine,
            Some(file),
            Text::new(
                format!("{file} line {n}: not `<checksum> <path>`: {line:?}"),
                format!("{file} 第 {n} 行不是 `<校验和> <路径>` 的格式：{line:?}"),
            ),
        );
        return;
    };
    let listed = Listed {
        file,
        n,
        literal,
        bad: ProblemKind::BadManifestLine,
        payload_only: !m.tag,
    };
    let decoded = listed.decode(raw_path);
    let Some(path) = listed.path(v, &decoded) else {
        return;
    };
    let checksum = checksum.to_ascii_lowercase();
    let digest = match m.algorithm {
        Some(a) => match decode_hex(&checksum).filter(|d| d.len() * 2 == a.hex_len()) {
            Some(digest) => Some(digest),
            None => {
                v.problem(
                    ProblemKind::BadManifestLine,
                    Some(&path),
                    Text::new(
                        format!(
                            "{file} line {n}: {checksum:?} is not a {} checksum",
                            a.name()
                        ),
                        format!("{file} 第 {n} 行：{checksum:?} 不是 {} 校验和", a.name()),
                    ),
                );
                return;
            }
        },
        None => None,
    };
    let bit = 1u64 << index;
    // Tolerate tools that do not percent-encode '%' (bagit.py) or mark
    // binary mode with '*' (md5sum): fall back to the raw name.
    let has_fallbacks = raw_path.contains(['%', '*']);
    let fallbacks = || {
        [
            clean_path(raw_path).ok(),
            clean_path(&decode_path(raw_path)).ok(),
            clean_path(decoded.trim_start_matches('*')).ok(),
        ]
        .into_iter()
        .flatten()
    };
    let present = v.files.get(&path).copied().or_else(|| {
        has_fallbacks
            .then(|| fallbacks().find_map(|p| v.files.get(&p).copied()))
            .flatten()
    });
    let repeated = |v: &mut Validator, same: bool| {
        if !(same && v.version.allows_repeated_lines()) {
            v.problem(
                ProblemKind::BadManifestLine,
                Some(&path),
                Text::new(
                    format!("{file} line {n}: {path} is listed more than once"),
                    format!("{file} 第 {n} 行：{path} 被重复列出"),
                ),
            );
        }
    };
    if let Some(entry) = present {
        let listing = &mut v.listings[entry];
        if listing.manifests & bit != 0 {
            let same = listing
                .expected
                .iter()
                .find(|(i, _)| usize::from(*i) == index)
                .is_none_or(|(_, earlier)| Some(&**earlier) == digest.as_deref());
            repeated(v, same);
            return;
        }
        listing.manifests |= bit;
        if let Some(digest) = digest {
            listing
                .expected
                .push((index as u8, digest.into_boxed_slice()));
        }
        return;
    }
    if v.noted.contains(&path) {
        return;
    }
    let hole = if v.fetch.is_empty() {
        None
    } else {
        v.fetch.get_mut(&path_key(&path))
    };
    if let Some(hole) = hole {
        if hole.listed & bit != 0 {
            repeated(v, true);
            return;
        }
        let first_sight = hole.listed == 0;
        hole.listed |= bit;
        if first_sight {
            let length = hole.length;
            v.holes += 1;
            v.hole_bytes = v
                .hole_bytes
                .and_then(|sum| (length != u64::MAX).then(|| sum.saturating_add(length)));
            v.problem(
                ProblemKind::FetchedFileMissing,
                Some(&path),
                Text::new(
                    format!(
                        "{path} is listed in {file} and in fetch.txt but not present: \
                         the bag is incomplete (nothing is fetched)"
                    ),
                    format!(
                        "{path} 列在 {file} 和 fetch.txt 中，但不在包内：\
                         包不完整（不会下载任何内容）"
                    ),
                ),
            );
        }
        return;
    }
    if let Some(bits) = v.missing.get_mut(&path) {
        let again = *bits & bit != 0;
        *bits |= bit;
        if again {
            repeated(v, true);
        }
    } else if v.missing.len() < MAX_MISSING_NAMED {
        v.missing.insert(path, bit);
    } else {
        v.missing_unnamed += 1;
    }
}

/// Lowercase or uppercase hex digits as bytes.
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    fn nibble(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

/// The file names of the manifests whose bits are set.
fn manifest_names(manifests: &[Manifest], bits: u64) -> String {
    manifests
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, m)| m.file.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every payload file must be in every payload manifest: the problems.
fn check_completeness(
    v: &Validator,
    payload: &[(String, usize)],
    manifests: &[Manifest],
) -> Vec<(ProblemKind, String, Text)> {
    let all: u64 = manifests
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.tag)
        .fold(0, |bits, (i, _)| bits | 1 << i);
    if all == 0 {
        return Vec::new();
    }
    let mut problems = Vec::new();
    for (path, entry) in payload {
        let listed = v.listings[*entry].manifests & all;
        if listed == 0 {
            problems.push((
                ProblemKind::UnlistedPayloadFile,
                path.to_owned(),
                Text::new(
                    format!("{path} is in data/ but in no payload manifest"),
                    format!("{path} 在 data/ 中，但不在任何载荷清单里"),
                ),
            ));
        } else if listed != all {
            problems.push((
                ProblemKind::ManifestsDisagree,
                path.to_owned(),
                Text::new(
                    format!(
                        "{path} is listed in {} but missing from {}",
                        manifest_names(manifests, listed),
                        manifest_names(manifests, all & !listed)
                    ),
                    format!(
                        "{path} 列在 {} 中，但 {} 中没有",
                        manifest_names(manifests, listed),
                        manifest_names(manifests, all & !listed)
                    ),
                ),
            ));
        }
    }
    problems
}

/// Every manifest entry must exist: one problem per missing path (holes
/// were reported as they were read), then a count of the unnamed ones.
fn report_missing(v: &mut Validator, manifests: &[Manifest]) {
    let bagit_missing = v
        .problems
        .iter()
        .any(|p| p.kind == ProblemKind::MissingBagitTxt);
    for (path, bits) in std::mem::take(&mut v.missing) {
        if path == "bagit.txt" && bagit_missing {
            continue;
        }
        let names = manifest_names(manifests, bits);
        let message = Text::new(
            format!("{path} is listed in {names} but missing"),
            format!("{path} 列在 {names} 中，但文件不存在"),
        );
        v.problem(ProblemKind::MissingFile, Some(&path), message);
    }
    if v.missing_unnamed > 0 {
        // The count itself is always listed.
        v.problems.push(BagProblem {
            kind: ProblemKind::MissingFile,
            path: None,
            message: format!(
                "{} more manifest line(s) name files that are missing \
                 (at most {MAX_MISSING_NAMED} missing files are named)",
                v.missing_unnamed
            ),
            message_zh: format!(
                "另有 {} 行清单记录的文件不存在（最多列出 {MAX_MISSING_NAMED} 个缺失文件）",
                v.missing_unnamed
            ),
        });
    }
}

/// Read each listed file once, through every algorithm its manifests use.
fn check_checksums(v: &mut Validator, manifests: &[Manifest], threads: usize) {
    let plan: Vec<(usize, Vec<Algorithm>)> = v
        .listings
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.expected.is_empty())
        .map(|(entry, l)| {
            let algs: BTreeSet<Algorithm> = l
                .expected
                .iter()
                .filter_map(|(i, _)| manifests[usize::from(*i)].algorithm)
                .collect();
            (entry, algs.into_iter().collect())
        })
        .collect();
    // Every file, tag files included, is read once through the scan's
    // reader, so it gets the same scheduling, change check and limits (a
    // bomb inside a zipped bag stops at the compression-ratio limit).
    let which: Vec<usize> = plan.iter().map(|(entry, _)| *entry).collect();
    let results = feed_entries(v.package, &which, threads, &Limits::for_verify(), |k| {
        MultiHasher::new(&plan[k].1)
    });
    let bag_path = |entry: usize| {
        let path: &str = &v.package.entries[entry].path;
        path.strip_prefix(&v.prefix).unwrap_or(path).to_owned()
    };
    let mut problems = Vec::new();
    for ((entry, _), result) in plan.iter().zip(results) {
        let path = bag_path(*entry);
        let computed = match result {
            Ok((_, hasher)) => hasher.finish(),
            Err(e) => {
                problems.push((
                    ProblemKind::Unreadable,
                    path.clone(),
                    cannot_read(&path, &e),
                ));
                continue;
            }
        };
        // One problem per file, naming every manifest that disagrees.
        let why: Vec<(String, String)> = v.listings[*entry]
            .expected
            .iter()
            .filter_map(|(i, expected)| {
                let m = &manifests[usize::from(*i)];
                let actual = computed.get(&m.algorithm?)?;
                let expected = hex(expected);
                (*actual != expected).then(|| {
                    (
                        format!("{} says {expected}, content is {actual}", m.file),
                        format!("{} 记载为 {expected}，实际内容为 {actual}", m.file),
                    )
                })
            })
            .collect();
        if !why.is_empty() {
            problems.push((
                ProblemKind::ChecksumMismatch,
                path.clone(),
                Text::new(
                    format!(
                        "{path}: checksum mismatch: {}",
                        why.iter()
                            .map(|w| w.0.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                    format!(
                        "{path}：校验和不符：{}",
                        why.iter()
                            .map(|w| w.1.as_str())
                            .collect::<Vec<_>>()
                            .join("；")
                    ),
                ),
            ));
        }
    }
    for (kind, path, message) in problems {
        v.problem(kind, Some(&path), message);
    }
}

/// `fetch.txt`, when present, line by line into the fetch table (at most
/// [`MAX_FETCH_ENTRIES`]). Unsafe paths make the bag invalid, as in
/// bagit-python; nothing is ever fetched.
fn load_fetch(v: &mut Validator) {
    const PATH: &str = "fetch.txt";
    if !v.files.contains_key(PATH) {
        return;
    }
    let literal = percent_is_literal(v, PATH, 2, ProblemKind::BadFetchTxt);
    v.for_each_line(PATH, ProblemKind::BadFetchTxt, |v, n, line| {
        fetch_line(v, literal, n, line)
    });
}

/// One `fetch.txt` line; false once the table is full.
fn fetch_line(v: &mut Validator, literal: bool, n: u64, line: &str) -> bool {
    const PATH: &str = "fetch.txt";
    if line.trim().is_empty() {
        return true;
    }
    let fields = split_field(line.trim())
        .and_then(|(url, rest)| split_field(rest).map(|(length, path)| (url, length, path)));
    let Some((url, length, raw_path)) = fields else {
        v.problem(
            ProblemKind::BadFetchTxt,
            Some(PATH),
            Text::new(
                format!("fetch.txt line {n}: not `<url> <length> <path>`: {line:?}"),
                format!("fetch.txt 第 {n} 行不是 `<URL> <长度> <路径>` 的格式：{line:?}"),
            ),
        );
        return true;
    };
    let length = match length {
        "-" => None,
        digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse().ok()
        }
        other => {
            v.problem(
                ProblemKind::BadFetchTxt,
                Some(PATH),
                Text::new(
                    format!("fetch.txt line {n}: length {other:?} is neither a number nor `-`"),
                    format!("fetch.txt 第 {n} 行：长度 {other:?} 既不是数字也不是 `-`"),
                ),
            );
            None
        }
    };
    if !url_is_well_formed(url) {
        v.problem(
            ProblemKind::BadFetchTxt,
            Some(PATH),
            Text::new(
                format!(
                    "fetch.txt line {n}: malformed URL {url:?} (a scheme and a host, \
                     or a file: URL)"
                ),
                format!(
                    "fetch.txt 第 {n} 行：URL {url:?} 格式不对（应有协议和主机名，\
                     或为 file: URL）"
                ),
            ),
        );
    }
    let listed = Listed {
        file: PATH,
        n,
        literal,
        bad: ProblemKind::BadFetchTxt,
        payload_only: true,
    };
    let decoded = listed.decode(raw_path);
    let Some(path) = listed.path(v, &decoded) else {
        return true;
    };
    let key = path_key(&path);
    if v.fetch.contains_key(&key) {
        v.problem(
            ProblemKind::BadFetchTxt,
            Some(&path),
            Text::new(
                format!("fetch.txt line {n}: {path} is listed more than once"),
                format!("fetch.txt 第 {n} 行：{path} 被重复列出"),
            ),
        );
        return true;
    }
    if v.fetch.len() >= MAX_FETCH_ENTRIES {
        v.problem(
            ProblemKind::BadFetchTxt,
            Some(PATH),
            Text::new(
                format!(
                    "fetch.txt lists more than {MAX_FETCH_ENTRIES} files; \
                     from line {n} on it is not read"
                ),
                format!(
                    "fetch.txt 列出的文件超过 {MAX_FETCH_ENTRIES} 个；\
                     从第 {n} 行起未读取"
                ),
            ),
        );
        return false;
    }
    let length = length.unwrap_or(u64::MAX);
    v.fetch.insert(key, FetchEntry { length, listed: 0 });
    true
}

/// The first whitespace-delimited field of `text` and the rest, with the
/// whitespace between them dropped; None when there is no rest.
fn split_field(text: &str) -> Option<(&str, &str)> {
    let (first, rest) = text.split_once([' ', '\t'])?;
    let rest = rest.trim_start_matches([' ', '\t']);
    (!first.is_empty() && !rest.is_empty()).then_some((first, rest))
}

/// What bagit-python accepts in `fetch.txt` (Python's `urlparse`): a scheme
/// and a host (`https://example.org/a`), or any `file:` URL.
fn url_is_well_formed(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return false;
    }
    if scheme.eq_ignore_ascii_case("file") {
        return true;
    }
    rest.strip_prefix("//").is_some_and(|authority| {
        !authority
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .is_empty()
    })
}

/// "cannot read PATH: why", the why chosen by the I/O error's kind.
fn cannot_read(path: &str, e: &io::Error) -> Text {
    let why = crate::error::io_reason(e);
    Text::new(
        format!("cannot read {path}: {}", why.en),
        format!("无法读取 {path}：{}", why.zh),
    )
}

fn bom_forbidden(path: &str) -> Text {
    Text::new(
        format!("{path} starts with a byte-order mark, which BagIt forbids"),
        format!("{path} 以字节顺序标记（BOM）开头，BagIt 不允许"),
    )
}

fn bad_encoding(path: &str, encoding: &str) -> Text {
    Text::new(
        format!("{path} is not valid {encoding}"),
        format!("{path} 不是有效的 {encoding} 文本"),
    )
}

/// A path on line `n` of a manifest or of fetch.txt (`file`), as one
/// definition for both: decoded (bagit-python's literal reading when
/// `literal`), cleaned, and kept under data/ when `payload_only`.
struct Listed<'a> {
    file: &'a str,
    n: u64,
    literal: bool,
    /// The kind of a malformed path's problem in this file.
    bad: ProblemKind,
    payload_only: bool,
}

impl Listed<'_> {
    fn decode(&self, raw_path: &str) -> String {
        if self.literal {
            decode_path_as_bagit_py(raw_path)
        } else {
            decode_path(raw_path)
        }
    }

    /// The cleaned path of a decoded one, or None after reporting why it
    /// cannot be used.
    fn path(&self, v: &mut Validator, decoded: &str) -> Option<String> {
        let Listed { file, n, .. } = *self;
        let path = match clean_path(decoded) {
            Ok(path) => path,
            Err(PathError::Outside(why)) => {
                v.problem(
                    ProblemKind::PathOutsideBag,
                    Some(decoded),
                    Text::new(
                        format!("{file} line {n}: {decoded:?}: {}", why.0),
                        format!("{file} 第 {n} 行：{decoded:?}：{}", why.1),
                    ),
                );
                return None;
            }
            Err(PathError::Bad(why)) => {
                v.problem(
                    self.bad,
                    Some(file),
                    Text::new(
                        format!("{file} line {n}: {}", why.0),
                        format!("{file} 第 {n} 行：{}", why.1),
                    ),
                );
                return None;
            }
        };
        if self.payload_only && !path.starts_with("data/") {
            v.problem(
                ProblemKind::PathOutsideBag,
                Some(&path),
                Text::new(
                    format!("{file} line {n}: {path:?} is not under data/"),
                    format!("{file} 第 {n} 行：{path:?} 不在 data/ 下"),
                ),
            );
            return None;
        }
        Some(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_decode() {
        assert_eq!(decode_path("data/a%0Ab%0dc%25d"), "data/a\nb\rc%d");
        assert_eq!(decode_path("data/100%"), "data/100%");
        assert_eq!(decode_path("data/%41%2"), "data/%41%2");
        assert_eq!(decode_path("data/%2525"), "data/%25");
    }

    #[test]
    fn unsafe_manifest_paths_are_refused() {
        assert!(matches!(clean_path("../evil"), Err(PathError::Outside(_))));
        assert!(matches!(
            clean_path("data/../../evil"),
            Err(PathError::Outside(_))
        ));
        assert!(matches!(
            clean_path("/etc/passwd"),
            Err(PathError::Outside(_))
        ));
        assert!(matches!(clean_path("C:/x"), Err(PathError::Outside(_))));
        assert!(matches!(
            clean_path("data\\..\\x"),
            Err(PathError::Outside(_))
        ));
        assert!(matches!(clean_path("./"), Err(PathError::Bad(_))));
        assert!(matches!(clean_path("./data//a b.txt"), Ok(p) if p == "data/a b.txt"));
        // Decomposed é compares equal to the composed one.
        assert!(matches!(clean_path("data/cafe\u{301}"), Ok(p) if p == "data/caf\u{e9}"));
    }

    #[test]
    fn fetch_urls_need_a_scheme_and_a_host_or_file() {
        assert!(url_is_well_formed("https://example.org/a%20b"));
        assert!(url_is_well_formed("file:///srv/a"));
        assert!(url_is_well_formed("ftp://h"));
        assert!(!url_is_well_formed("https:///no-host"));
        assert!(!url_is_well_formed("https:/x"));
        assert!(!url_is_well_formed("data/x.txt"));
        assert!(!url_is_well_formed("1http://h/x"));
        assert_eq!(split_field("a \t b c"), Some(("a", "b c")));
        assert_eq!(split_field("a "), None);
        assert!(matches!(clean_path("~/x"), Err(PathError::Outside(_))));
    }

    #[test]
    fn bag_info_tags_fold_continuation_lines() {
        let (tags, errors) = parse_tags(
            "Source-Organization: 某培训中心\r\nExternal-Description: first\n  second\n\nPayload-Oxum: 12.3\n",
        );
        assert!(errors.is_empty());
        assert_eq!(
            tags,
            vec![
                ("Source-Organization".to_owned(), "某培训中心".to_owned()),
                ("External-Description".to_owned(), "first second".to_owned()),
                ("Payload-Oxum".to_owned(), "12.3".to_owned()),
            ]
        );
        let (_, errors) = parse_tags(" leading\nno colon here\n");
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn one_pass_gives_every_digest() {
        let mut h = MultiHasher::new(&[Algorithm::Md5, Algorithm::Sha1, Algorithm::Sha256]);
        h.update(b"ab");
        h.update(b"c");
        let d = h.finish();
        assert_eq!(d[&Algorithm::Md5], "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            d[&Algorithm::Sha1],
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            d[&Algorithm::Sha256],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
