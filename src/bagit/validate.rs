//! Validating a bag (RFC 8493) made by any tool, given as a folder or a zip.
//!
//! The bag is opened through [`crate::source`], so a zipped bag is read in
//! place, never extracted, and unsafe zip names never reach the file system.
//! Every problem is collected into one [`BagReport`]; nothing stops at the
//! first defect. Each payload file is read once, through one hasher per
//! algorithm its manifests use.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{self, Read};
use std::path::Path;

use sha2::Digest;
use unicode_normalization::UnicodeNormalization;

use crate::error::Result;
use crate::policy::Limits;
use crate::scan::{feed_entries, hex};
use crate::source::{Package, SourceNote};

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
}

/// One problem. `path` is relative to the bag root (as manifests spell it),
/// except for package entries outside the bag root, which keep their
/// package path.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BagProblem {
    pub kind: ProblemKind,
    pub path: Option<String>,
    pub message: String,
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

/// Tag files larger than this are not read into memory.
const TAG_FILE_LIMIT: u64 = 256 << 20;

struct Manifest {
    /// File name, e.g. `manifest-sha256.txt`.
    file: String,
    algorithm: Option<Algorithm>,
    tag: bool,
    /// NFC path → its line: the lowercase checksum and, once resolved, the
    /// bag path it refers to.
    entries: BTreeMap<String, ManifestEntry>,
}

struct ManifestEntry {
    checksum: String,
    /// The bag path this line refers to, once resolved against the bag.
    resolved: Option<String>,
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
    /// Tag files already read, by bag path.
    cache: HashMap<String, Vec<u8>>,
    problems: Vec<BagProblem>,
    review: Vec<(String, String)>,
}

impl Validator<'_> {
    fn problem(&mut self, kind: ProblemKind, path: Option<&str>, message: impl Into<String>) {
        self.problems.push(BagProblem {
            kind,
            path: path.map(str::to_owned),
            message: message.into(),
        });
    }

    /// Read a tag file into memory (kept for the tag manifests' checksums).
    fn read_tag_file(&mut self, path: &str) -> Option<Vec<u8>> {
        if let Some(bytes) = self.cache.get(path) {
            return Some(bytes.clone());
        }
        let &index = self.files.get(path)?;
        let entry = &self.package.entries[index];
        let result = (|| {
            let mut input = self.package.reader();
            let mut bytes = Vec::new();
            input
                .open(entry)?
                .take(TAG_FILE_LIMIT + 1)
                .read_to_end(&mut bytes)?;
            if bytes.len() as u64 > TAG_FILE_LIMIT {
                return Err(io::Error::other("larger than 256 MiB, not read"));
            }
            Ok(bytes)
        })();
        match result {
            Ok(bytes) => {
                self.cache.insert(path.to_owned(), bytes.clone());
                Some(bytes)
            }
            Err(e) => {
                self.problem(
                    ProblemKind::Unreadable,
                    Some(path),
                    format!("cannot read {path}: {e}"),
                );
                None
            }
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
        cache: HashMap::new(),
        problems: Vec::new(),
        review: Vec::new(),
    };

    v.index_entries();
    let version = if found_root.is_some() {
        check_bagit_txt(&mut v)
    } else {
        let message = if package
            .entries
            .iter()
            .any(|e| e.path.ends_with("/bagit.txt"))
        {
            "no bagit.txt at the package root or in a single top-level folder"
        } else {
            "bagit.txt is missing: not a bag, or not a complete one"
        };
        v.problem(ProblemKind::MissingBagitTxt, Some("bagit.txt"), message);
        None
    };
    let oxum = check_bag_info(&mut v);
    let manifests = load_manifests(&mut v);

    let payload: Vec<(String, u64)> = v
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("data/"))
        .map(|(p, &i)| (p.clone(), package.entries[i].declared_size.unwrap_or(0)))
        .collect();
    let payload_files = payload.len() as u64;
    let payload_bytes = payload.iter().map(|(_, n)| n).sum();

    let payload_manifests: Vec<&Manifest> = manifests.iter().filter(|m| !m.tag).collect();
    if payload_manifests.is_empty() {
        v.problem(
            ProblemKind::NoPayloadManifest,
            None,
            "no payload manifest (manifest-<algorithm>.txt)",
        );
    }
    check_completeness(&mut v, &payload, &payload_manifests);
    check_presence(&mut v, &manifests);
    if let Some((bytes, count)) = oxum
        && (bytes, count) != (payload_bytes, payload_files)
    {
        v.problem(
            ProblemKind::OxumMismatch,
            Some("bag-info.txt"),
            format!(
                "Payload-Oxum says {count} files and {bytes} bytes, \
                 data/ holds {payload_files} files and {payload_bytes} bytes"
            ),
        );
    }
    if !v.fast {
        check_checksums(&mut v, &manifests, threads);
    }

    let algorithms: BTreeSet<Algorithm> = payload_manifests
        .iter()
        .filter_map(|m| m.algorithm)
        .collect();
    BagReport {
        root,
        version,
        algorithms: algorithms.iter().map(|a| a.name().to_owned()).collect(),
        payload_files,
        payload_bytes,
        problems: v.problems,
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
                    let message =
                        format!("{} is outside the bag folder {}", entry.path, self.prefix);
                    self.problem(ProblemKind::PathOutsideBag, Some(&entry.path), message);
                }
            }
        }
        for note in &package.notes {
            let (path, why) = match note {
                SourceNote::UnsafeName { name, reason } => {
                    let message =
                        format!("zip entry {name:?} is refused: {}", reason.describe_en());
                    self.problem(ProblemKind::PathOutsideBag, Some(name), message);
                    continue;
                }
                SourceNote::Symlink { path } => (path, "a symbolic link, not followed".to_owned()),
                SourceNote::SpecialFile { path } => {
                    (path, "not a regular file, not opened".to_owned())
                }
                SourceNote::Encrypted { path } => (path, "encrypted, cannot be read".to_owned()),
                SourceNote::Unlistable { path, message } => {
                    (path, format!("cannot be listed: {message}"))
                }
                SourceNote::DuplicatePath { path } => (
                    path,
                    "a second entry with the same (Unicode NFC) path; only the first is checked"
                        .to_owned(),
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
                    Some(path) => (path, "not read (a hostile or damaged entry)".to_owned()),
                    None => continue,
                },
            };
            let rel = path.strip_prefix(&self.prefix).unwrap_or(path).to_owned();
            self.problem(
                ProblemKind::Unreadable,
                Some(&rel),
                format!("{path} is {why}"),
            );
            self.noted.insert(rel);
        }
    }
}

/// Text of a tag file: a BOM or non-UTF-8 bytes are reported as `kind`.
fn tag_text(v: &mut Validator, path: &str, bytes: &[u8], kind: ProblemKind) -> String {
    let mut bytes = bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        v.problem(
            kind,
            Some(path),
            format!("{path} starts with a byte-order mark, which BagIt forbids"),
        );
        bytes = rest;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            v.problem(kind, Some(path), format!("{path} is not valid UTF-8"));
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

/// Lines without their `\r\n` / `\n` ends.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l))
}

fn check_bagit_txt(v: &mut Validator) -> Option<String> {
    const PATH: &str = "bagit.txt";
    let bytes = v.read_tag_file(PATH)?;
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
                "bagit.txt has a blank line between its fields",
            );
            trailing_blank = 0;
        }
        match line.split_once(':') {
            Some((label, value)) => fields.push((label.trim().to_owned(), value.trim().to_owned())),
            None => v.problem(
                ProblemKind::BadBagitTxt,
                Some(PATH),
                format!("bagit.txt line {line:?} is not `Label: value`"),
            ),
        }
    }
    let labels: Vec<&str> = fields.iter().map(|(l, _)| l.as_str()).collect();
    if labels != ["BagIt-Version", "Tag-File-Character-Encoding"] {
        v.problem(
            ProblemKind::BadBagitTxt,
            Some(PATH),
            format!(
                "bagit.txt must hold exactly `BagIt-Version` then \
                 `Tag-File-Character-Encoding`; it holds {labels:?}"
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
        Some("0.97" | "1.0") => {}
        Some(other) => v.problem(
            ProblemKind::BadBagitTxt,
            Some(PATH),
            format!("BagIt-Version {other:?} is not supported (0.97 or 1.0)"),
        ),
        None => v.problem(
            ProblemKind::BadBagitTxt,
            Some(PATH),
            "bagit.txt has no BagIt-Version",
        ),
    }
    match field("Tag-File-Character-Encoding") {
        Some(enc) if enc.eq_ignore_ascii_case("UTF-8") => {}
        Some(enc) => v.problem(
            ProblemKind::BadBagitTxt,
            Some(PATH),
            format!("Tag-File-Character-Encoding is {enc:?}; only UTF-8 is supported"),
        ),
        None => v.problem(
            ProblemKind::BadBagitTxt,
            Some(PATH),
            "bagit.txt has no Tag-File-Character-Encoding",
        ),
    }
    version
}

/// Parse `bag-info.txt` when present; returns Payload-Oxum as (octets, streams).
fn check_bag_info(v: &mut Validator) -> Option<(u64, u64)> {
    const PATH: &str = "bag-info.txt";
    if !v.files.contains_key(PATH) {
        return None;
    }
    let bytes = v.read_tag_file(PATH)?;
    let text = tag_text(v, PATH, &bytes, ProblemKind::BadBagInfo);
    let (tags, errors) = parse_tags(&text);
    for e in errors {
        v.problem(ProblemKind::BadBagInfo, Some(PATH), e);
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
            Some(PATH),
            "bag-info.txt has more than one Payload-Oxum",
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
            Some(PATH),
            format!("Payload-Oxum {oxum:?} is not `octets.streamcount`"),
        );
    }
    parsed
}

/// `Label: value` lines; a line starting with whitespace continues the
/// previous value. Returns the tags and what could not be parsed.
fn parse_tags(text: &str) -> (Vec<(String, String)>, Vec<String>) {
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
                None => errors.push(format!(
                    "bag-info.txt starts with a continuation line {line:?}"
                )),
            }
            continue;
        }
        match line.split_once(':') {
            Some((label, value)) if !label.trim().is_empty() => {
                tags.push((label.trim().to_owned(), value.trim().to_owned()));
            }
            _ => errors.push(format!("bag-info.txt line {line:?} is not `Label: value`")),
        }
    }
    for (_, value) in &mut tags {
        *value = value.trim().to_owned();
    }
    (tags, errors)
}

/// Whether a manifest was written the way bagit-python (and most tools,
/// bagit-spec#46) write one, with `%` left as it is: some path holds a `%`
/// that starts no RFC escape. Its other paths are then read the same way,
/// so "x%" and "x%25" from one such bag stay two files.
fn writes_percent_literally(text: &str) -> bool {
    lines(text)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.trim_start().split_once([' ', '\t']).map(|(_, p)| p))
        .any(|path| {
            path.match_indices('%').any(|(at, _)| {
                let code = path.get(at + 1..at + 3).map(str::to_ascii_uppercase);
                !matches!(code.as_deref(), Some("0A" | "0D" | "25"))
            })
        })
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
    Outside(&'static str),
    Bad(&'static str),
}

/// A manifest path as a bag path (`data/a/b.txt`, NFC), or why not.
fn clean_path(path: &str) -> std::result::Result<String, PathError> {
    if path.is_empty() {
        return Err(PathError::Bad("empty path"));
    }
    if path.contains('\0') {
        return Err(PathError::Bad("NUL byte in path"));
    }
    let bytes = path.as_bytes();
    if path.starts_with(['/', '\\'])
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
    {
        return Err(PathError::Outside("absolute path"));
    }
    if path.split(['/', '\\']).any(|part| part == "..") {
        return Err(PathError::Outside("'..' climbs out of the bag"));
    }
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() {
        return Err(PathError::Bad("empty path"));
    }
    Ok(parts.join("/").nfc().collect())
}

/// Read every `manifest-*.txt` and `tagmanifest-*.txt` at the bag root.
fn load_manifests(v: &mut Validator) -> Vec<Manifest> {
    let names: Vec<(String, bool, String)> = v
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
    let mut manifests = Vec::new();
    for (file, tag, alg_name) in names {
        let algorithm = Algorithm::from_name(&alg_name);
        if algorithm.is_none() {
            v.problem(
                ProblemKind::UnsupportedAlgorithm,
                Some(&file),
                format!(
                    "{file}: algorithm {alg_name:?} is not supported (md5, sha1, sha256, sha512); \
                     its paths are checked, its checksums are not"
                ),
            );
        }
        let Some(bytes) = v.read_tag_file(&file) else {
            continue;
        };
        let text = tag_text(v, &file, &bytes, ProblemKind::BadManifestLine);
        let literal = writes_percent_literally(&text);
        let mut entries = BTreeMap::new();
        for (n, line) in lines(&text).enumerate() {
            let n = n + 1;
            // Blank lines and `#` comments are skipped, as bagit.py does.
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((checksum, raw_path)) = line
                .trim_start()
                .split_once([' ', '\t'])
                .map(|(c, p)| (c, p.trim_start_matches([' ', '\t'])))
                .filter(|(_, p)| !p.is_empty())
            else {
                v.problem(
                    ProblemKind::BadManifestLine,
                    Some(&file),
                    format!("{file} line {n}: not `<checksum> <path>`: {line:?}"),
                );
                continue;
            };
            let decoded = if literal {
                decode_path_as_bagit_py(raw_path)
            } else {
                decode_path(raw_path)
            };
            let path = match clean_path(&decoded) {
                Ok(path) => path,
                Err(PathError::Outside(why)) => {
                    v.problem(
                        ProblemKind::PathOutsideBag,
                        Some(&decoded),
                        format!("{file} line {n}: {decoded:?}: {why}"),
                    );
                    continue;
                }
                Err(PathError::Bad(why)) => {
                    v.problem(
                        ProblemKind::BadManifestLine,
                        Some(&file),
                        format!("{file} line {n}: {why}"),
                    );
                    continue;
                }
            };
            if !tag && !path.starts_with("data/") {
                v.problem(
                    ProblemKind::PathOutsideBag,
                    Some(&path),
                    format!("{file} line {n}: {path:?} is not under data/"),
                );
                continue;
            }
            let checksum = checksum.to_ascii_lowercase();
            let well_formed = match algorithm {
                Some(a) => {
                    checksum.len() == a.hex_len() && checksum.bytes().all(|b| b.is_ascii_hexdigit())
                }
                None => true,
            };
            if !well_formed {
                v.problem(
                    ProblemKind::BadManifestLine,
                    Some(&path),
                    format!("{file} line {n}: {checksum:?} is not a {alg_name} checksum"),
                );
                continue;
            }
            if entries.contains_key(&path) {
                v.problem(
                    ProblemKind::BadManifestLine,
                    Some(&path),
                    format!("{file} line {n}: {path} is listed more than once"),
                );
                continue;
            }
            // Tolerate tools that do not percent-encode '%' (bagit.py) or
            // mark binary mode with '*' (md5sum): fall back to the raw name.
            let resolved = [
                Some(path.clone()),
                clean_path(raw_path).ok(),
                clean_path(&decode_path(raw_path)).ok(),
                clean_path(decoded.trim_start_matches('*')).ok(),
            ]
            .into_iter()
            .flatten()
            .find(|p| v.files.contains_key(p));
            entries.insert(path, ManifestEntry { checksum, resolved });
        }
        manifests.push(Manifest {
            file,
            algorithm,
            tag,
            entries,
        });
    }
    manifests
}

/// Every payload file must be in every payload manifest.
fn check_completeness(v: &mut Validator, payload: &[(String, u64)], manifests: &[&Manifest]) {
    if manifests.is_empty() {
        return;
    }
    let listed: Vec<HashSet<&str>> = manifests
        .iter()
        .map(|m| {
            m.entries
                .values()
                .filter_map(|e| e.resolved.as_deref())
                .collect()
        })
        .collect();
    for (path, _) in payload {
        let (in_some, in_none): (Vec<_>, Vec<_>) = manifests
            .iter()
            .zip(&listed)
            .partition(|(_, set)| set.contains(path.as_str()));
        let in_some: Vec<&&Manifest> = in_some.into_iter().map(|(m, _)| m).collect();
        let in_none: Vec<&&Manifest> = in_none.into_iter().map(|(m, _)| m).collect();
        if in_some.is_empty() {
            v.problem(
                ProblemKind::UnlistedPayloadFile,
                Some(path),
                format!("{path} is in data/ but in no payload manifest"),
            );
        } else if !in_none.is_empty() {
            let names = |ms: &[&&Manifest]| {
                ms.iter()
                    .map(|m| m.file.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            v.problem(
                ProblemKind::ManifestsDisagree,
                Some(path),
                format!(
                    "{path} is listed in {} but missing from {}",
                    names(&in_some),
                    names(&in_none)
                ),
            );
        }
    }
}

/// Every manifest entry must exist (one problem per missing path).
fn check_presence(v: &mut Validator, manifests: &[Manifest]) {
    let mut missing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for m in manifests {
        for (path, entry) in &m.entries {
            if entry.resolved.is_none() && !v.noted.contains(path) {
                missing.entry(path).or_default().push(&m.file);
            }
        }
    }
    let bagit_missing = v
        .problems
        .iter()
        .any(|p| p.kind == ProblemKind::MissingBagitTxt);
    for (path, files) in missing {
        if path == "bagit.txt" && bagit_missing {
            continue;
        }
        v.problem(
            ProblemKind::MissingFile,
            Some(path),
            format!("{path} is listed in {} but missing", files.join(", ")),
        );
    }
}

/// Read each listed file once, through every algorithm its manifests use.
fn check_checksums(v: &mut Validator, manifests: &[Manifest], threads: usize) {
    let mut plan: BTreeMap<&str, BTreeSet<Algorithm>> = BTreeMap::new();
    for m in manifests {
        let Some(alg) = m.algorithm else { continue };
        for entry in m.entries.values() {
            if let Some(path) = &entry.resolved {
                plan.entry(path).or_default().insert(alg);
            }
        }
    }
    let plan: Vec<(&str, Vec<Algorithm>)> = plan
        .into_iter()
        .map(|(p, algs)| (p, algs.into_iter().collect()))
        .collect();
    // Tag files already read (their bytes are cached) are hashed from
    // memory; every other file is read once, through the scan's reader, so
    // it gets the same scheduling, change check and limits (a bomb inside a
    // zipped bag stops at the compression-ratio limit).
    let mut computed: HashMap<&str, BTreeMap<Algorithm, String>> = HashMap::new();
    let (cached, read): (Vec<_>, Vec<_>) = plan
        .iter()
        .partition(|(path, _)| v.cache.contains_key(*path));
    for (path, algs) in cached {
        let mut hasher = MultiHasher::new(algs);
        hasher.update(&v.cache[*path]);
        computed.insert(path, hasher.finish());
    }
    let which: Vec<usize> = read.iter().map(|(path, _)| v.files[*path]).collect();
    let results = feed_entries(v.package, &which, threads, &Limits::for_verify(), |k| {
        MultiHasher::new(&read[k].1)
    });
    let mut problems = Vec::new();
    for ((path, _), result) in read.into_iter().zip(results) {
        match result {
            Ok((_, hasher)) => {
                computed.insert(path, hasher.finish());
            }
            Err(e) => problems.push(BagProblem {
                kind: ProblemKind::Unreadable,
                path: Some((*path).to_owned()),
                message: format!("cannot read {path}: {e}"),
            }),
        }
    }
    // One problem per file, naming every manifest that disagrees.
    let mut mismatches: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for m in manifests {
        let Some(alg) = m.algorithm else { continue };
        for entry in m.entries.values() {
            let Some(path) = entry.resolved.as_deref() else {
                continue;
            };
            let Some(actual) = computed.get(path).and_then(|d| d.get(&alg)) else {
                continue;
            };
            if *actual != entry.checksum {
                mismatches.entry(path).or_default().push(format!(
                    "{} says {}, content is {actual}",
                    m.file, entry.checksum
                ));
            }
        }
    }
    for (path, why) in mismatches {
        problems.push(BagProblem {
            kind: ProblemKind::ChecksumMismatch,
            path: Some(path.to_owned()),
            message: format!("{path}: checksum mismatch: {}", why.join("; ")),
        });
    }
    v.problems.extend(problems);
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
