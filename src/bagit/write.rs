//! Writing a package as a BagIt bag (RFC 8493, version 1.0) serialised as
//! one deterministic zip: a single top-level bag folder, entries in sorted
//! order, fixed timestamps and permissions, ZIP64 where sizes need it.
//! Videos and other already-compressed media are stored, the rest deflated
//! (as Info-ZIP's `zip` stores what deflate cannot shrink).
//!
//! Every tag file is known before the payload is copied, because the
//! payload's digests come from the check that precedes packing. The copy
//! makes sure each file is still what the check read: same size, and not
//! modified since the check began (a file modified later, or with a clock
//! in the future, is hashed again on the way).
//!
//! The zip is written as a stream (sizes and CRCs in data descriptors after
//! each entry, never a seek back), so the caller can hash the archive as it
//! is written instead of reading it back.

use std::io::{self, Read, Write};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::kinds::ResourceKind;
use crate::report::Resource;
use crate::scan::{Sha256Digest, hex};
use crate::source::{Entry, EntryReader, Opened, Package, stamp};

/// A bag about to be written.
pub struct BagPlan<'a> {
    /// Name of the bag folder inside the zip.
    pub root: String,
    /// Payload files, each with the check's record of it.
    pub payload: Vec<(&'a Entry, &'a Resource)>,
    /// `bag-info.txt` labels in order.
    pub bag_info: Vec<(String, String)>,
    /// Extra tag files (name at the bag root, content).
    pub extra_tags: Vec<(String, Vec<u8>)>,
}

pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// Percent-encode a manifest path. RFC 8493 §2.1.3 asks for CR, LF and
/// `%`, but the tools in use (bagit-python, the reference issue 4 names,
/// among them) encode CR and LF only and read `%` literally
/// (LibraryOfCongress/bagit-spec#46); bagit-python 1.9 decodes only
/// upper-case `%0A` and `%0D`, never `%25`. So `%` is encoded only before
/// `0A` or `0D`, where bagit.py would otherwise read a line break:
/// "完成率100%.docx" and even "x%25" validate in bagit.py, and our validator
/// falls back to the raw name for the sequences an RFC reader decodes.
pub fn encode_manifest_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (at, c) in path.char_indices() {
        match c {
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            '%' if reads_as_escape(&path[at + 1..]) => out.push_str("%25"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `%` followed by `rest` is an escape bagit.py decodes.
fn reads_as_escape(rest: &str) -> bool {
    rest.starts_with("0A") || rest.starts_with("0D")
}

/// Labels and values must stay on one line each.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl BagPlan<'_> {
    fn tag_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut bag_info = String::new();
        for (label, value) in &self.bag_info {
            bag_info.push_str(&format!("{}: {}\n", one_line(label), one_line(value)));
        }
        let mut manifest = String::new();
        for (entry, resource) in &self.payload {
            manifest.push_str(&format!(
                "{}  data/{}\n",
                resource.sha256,
                encode_manifest_path(&entry.path)
            ));
        }
        let mut tags = vec![
            ("bagit.txt".to_owned(), BAGIT_TXT.as_bytes().to_vec()),
            ("bag-info.txt".to_owned(), bag_info.into_bytes()),
            ("manifest-sha256.txt".to_owned(), manifest.into_bytes()),
        ];
        tags.extend(self.extra_tags.iter().cloned());
        let mut tagmanifest = String::new();
        let mut listed: Vec<&(String, Vec<u8>)> = tags.iter().collect();
        listed.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, bytes) in listed {
            tagmanifest.push_str(&format!(
                "{}  {}\n",
                hex(&Sha256::digest(bytes)),
                encode_manifest_path(name)
            ));
        }
        tags.push((
            "tagmanifest-sha256.txt".to_owned(),
            tagmanifest.into_bytes(),
        ));
        tags
    }

    /// Write the bag zip to `out`, which need not seek. `checked_at` is
    /// when the check that hashed the payload began. Fails if a payload
    /// file no longer has the size and digest the check recorded.
    pub fn write<W: Write>(
        &self,
        package: &Package,
        out: W,
        checked_at: SystemTime,
    ) -> io::Result<W> {
        let base = SimpleFileOptions::default()
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        let deflated = base.compression_method(CompressionMethod::Deflated);
        let stored = base.compression_method(CompressionMethod::Stored);

        // One sorted list of (zip name, what to write), so the order is the
        // same whatever order the source listed its entries in.
        enum Item<'p> {
            Tag(Vec<u8>),
            Payload(&'p Entry, &'p Resource),
        }
        let mut items: Vec<(String, Item)> = self
            .tag_files()
            .into_iter()
            .map(|(name, bytes)| (format!("{}/{name}", self.root), Item::Tag(bytes)))
            .collect();
        for (entry, resource) in &self.payload {
            items.push((
                format!("{}/data/{}", self.root, entry.path),
                Item::Payload(entry, resource),
            ));
        }
        items.sort_by(|a, b| a.0.cmp(&b.0));

        let mut zip = ZipWriter::new_stream(out);
        let mut reader = package.reader();
        let mut buf = vec![0u8; 1 << 20];
        for (name, item) in items {
            match item {
                Item::Tag(bytes) => {
                    zip.start_file(name, deflated).map_err(io::Error::other)?;
                    zip.write_all(&bytes)?;
                }
                Item::Payload(entry, resource) => {
                    let options = if already_compressed(resource) {
                        stored
                    } else {
                        deflated
                    };
                    let large = resource.size >= u64::from(u32::MAX);
                    zip.start_file(name, options.large_file(large))
                        .map_err(io::Error::other)?;
                    copy_unchanged(&mut reader, entry, resource, checked_at, &mut zip, &mut buf)?;
                }
            }
        }
        Ok(zip.finish().map_err(io::Error::other)?.into_inner())
    }
}

/// Timestamps this close to the check's start may predate it by less than
/// the filesystem's granularity (FAT and some network mounts keep 2 s).
const CLOCK_SLACK: Duration = Duration::from_secs(2);

/// Copy one payload file into the zip, making sure it is what the check read.
fn copy_unchanged(
    reader: &mut EntryReader,
    entry: &Entry,
    resource: &Resource,
    checked_at: SystemTime,
    zip: &mut impl Write,
    buf: &mut [u8],
) -> io::Result<()> {
    let changed = || {
        io::Error::other(format!(
            "{} changed while it was being packed; check the package again",
            entry.path
        ))
    };
    let (size, digest) = match reader.open_to_read(entry)? {
        Opened::File(mut file, meta) => {
            let before = stamp(&meta);
            // Modified since the check began (or dated in the future): the
            // digest the check took may be of other bytes, so hash again.
            let recent = before.1.is_none_or(|t| t + CLOCK_SLACK >= checked_at);
            let copied = copy_into(&mut file, zip, buf, recent)?;
            if stamp(&file.metadata()?) != before {
                return Err(changed());
            }
            copied
        }
        // A zip source is one file; the caller compares it before and after.
        Opened::Stream(mut input) => copy_into(&mut input, zip, buf, false)?,
    };
    if size != resource.size || digest.is_some_and(|d| d != resource.sha256) {
        return Err(changed());
    }
    Ok(())
}

/// Copy `input` to `out`; the byte count, and the SHA-256 when `hash`.
fn copy_into(
    input: &mut dyn Read,
    out: &mut impl Write,
    buf: &mut [u8],
    hash: bool,
) -> io::Result<(u64, Option<Sha256Digest>)> {
    let mut hasher = hash.then(Sha256::new);
    let mut size = 0u64;
    loop {
        let n = match input.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if let Some(h) = hasher.as_mut() {
            h.update(&buf[..n]);
        }
        out.write_all(&buf[..n])?;
        size += n as u64;
    }
    Ok((size, hasher.map(|h| Sha256Digest(h.finalize().into()))))
}

/// Content that deflate cannot shrink: video, compressed audio and images,
/// PDFs and zip-based formats (Office, ODF, EPUB, courseware, archives).
/// These are stored. Measured on the large benchmark corpus: level 1 made
/// its PDFs 5% larger and cost about 10% of `pack`'s CPU; level 6 saved
/// under 1%. Everything else (text, subtitles, WAV, BMP, old Office files,
/// unknown data) is deflated at the default level.
fn already_compressed(resource: &Resource) -> bool {
    let t = resource.media_type;
    match resource.kind {
        ResourceKind::Video | ResourceKind::Courseware => true,
        ResourceKind::Audio => {
            !matches!(t, "audio/wav" | "audio/x-wav" | "audio/aiff" | "audio/midi")
        }
        ResourceKind::Image => matches!(
            t,
            "image/jpeg" | "image/png" | "image/gif" | "image/webp" | "image/heic" | "image/avif"
        ),
        _ => {
            t == "application/pdf"
                || t.ends_with("+zip")
                || t.starts_with("application/vnd.openxmlformats")
                || t.starts_with("application/vnd.oasis.opendocument")
                || matches!(
                    t,
                    "application/zip"
                        | "application/x-shockwave-flash"
                        | "application/vnd.rar"
                        | "application/x-7z-compressed"
                        | "application/gzip"
                        | "application/vnd.android.package-archive"
                )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Copy `a.txt` (which holds "hello") as if the check had recorded
    /// `size` and `sha256` for it and begun at `checked_at`.
    fn copy_as_checked(size: u64, sha256: [u8; 32], checked_at: SystemTime) -> io::Result<Vec<u8>> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), b"hello").unwrap();
        let package = Package::open(dir.path()).unwrap();
        let entry = &package.entries[0];
        let resource = Resource {
            path: entry.path.clone(),
            original_path: None,
            path_bytes: None,
            size,
            sha256: Sha256Digest(sha256),
            media_type: "text/plain",
            kind: ResourceKind::Document,
            counted: true,
            is_video: false,
            video: None,
        };
        let mut out = Vec::new();
        let mut buf = vec![0u8; 4];
        copy_unchanged(
            &mut package.reader(),
            entry,
            &resource,
            checked_at,
            &mut out,
            &mut buf,
        )?;
        Ok(out)
    }

    #[test]
    fn a_file_older_than_the_check_is_copied_without_hashing_again() {
        let later = SystemTime::now() + Duration::from_secs(3600);
        // The recorded digest is not even right: proof it was not recomputed.
        assert_eq!(copy_as_checked(5, [0; 32], later).unwrap(), b"hello");
    }

    #[test]
    fn a_file_modified_since_the_check_began_is_hashed_again() {
        let right = Sha256::digest(b"hello").into();
        let long_ago = SystemTime::UNIX_EPOCH;
        assert_eq!(copy_as_checked(5, right, long_ago).unwrap(), b"hello");
        let err = copy_as_checked(5, Sha256::digest(b"HELLO").into(), long_ago).unwrap_err();
        assert!(
            err.to_string()
                .contains("changed while it was being packed"),
            "{err}"
        );
    }

    #[test]
    fn a_file_of_another_size_is_refused() {
        let later = SystemTime::now() + Duration::from_secs(3600);
        let err = copy_as_checked(4, [0; 32], later).unwrap_err();
        assert!(err.to_string().contains("changed"), "{err}");
    }

    #[test]
    fn manifest_paths_are_percent_encoded() {
        assert_eq!(encode_manifest_path("a%b\nc\rd"), "a%b%0Ac%0Dd");
        assert_eq!(encode_manifest_path("完成率100%.docx"), "完成率100%.docx");
        // Only what bagit.py would decode (upper-case %0A, %0D) is encoded;
        // our validator falls back to the raw name for the rest.
        assert_eq!(encode_manifest_path("a%25b%0a%0D.txt"), "a%25b%0a%250D.txt");
        assert_eq!(encode_manifest_path("end%"), "end%");
        assert_eq!(encode_manifest_path("模块1/第1课.mp4"), "模块1/第1课.mp4");
    }
}
