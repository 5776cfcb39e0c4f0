//! Writing a package as a BagIt bag (RFC 8493, version 1.0) serialised as
//! one deterministic zip: a single top-level bag folder, entries in sorted
//! order, fixed timestamps and permissions, videos stored and other files
//! deflated, ZIP64 where sizes need it.
//!
//! Every tag file is known before the payload is copied, because the
//! payload's digests come from the check that precedes packing; the copy
//! re-hashes each file to make sure it did not change in between.

use std::io::{self, Read, Seek, Write};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::kinds::ResourceKind;
use crate::report::Resource;
use crate::scan::hex;
use crate::source::{Entry, Package};

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

/// Percent-encode what RFC 8493 §2.1.3 requires in manifest paths.
pub fn encode_manifest_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace('\n', "%0A")
        .replace('\r', "%0D")
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

    /// Write the bag zip to `out`. Fails if a payload file no longer has
    /// the size and digest the check recorded.
    pub fn write<W: Write + Seek>(&self, package: &Package, out: W) -> io::Result<W> {
        let base = SimpleFileOptions::default()
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        let deflated = base.compression_method(CompressionMethod::Deflated);
        // Level 1 for content deflate cannot shrink: still deflated, as the
        // bag format promises, at a fraction of level 6's CPU.
        let deflated_fast = deflated.compression_level(Some(1));
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

        let mut zip = ZipWriter::new(out);
        let mut reader = package.reader();
        let mut buf = vec![0u8; 1 << 20];
        for (name, item) in items {
            match item {
                Item::Tag(bytes) => {
                    zip.start_file(name, deflated).map_err(io::Error::other)?;
                    zip.write_all(&bytes)?;
                }
                Item::Payload(entry, resource) => {
                    let options = if resource.kind == ResourceKind::Video {
                        stored
                    } else if already_compressed(resource) {
                        deflated_fast
                    } else {
                        deflated
                    };
                    let large = resource.size >= u64::from(u32::MAX);
                    zip.start_file(name, options.large_file(large))
                        .map_err(io::Error::other)?;
                    let mut input = reader.open(entry)?;
                    let mut hasher = Sha256::new();
                    let mut size = 0u64;
                    loop {
                        let n = input.read(&mut buf)?;
                        if n == 0 {
                            break;
                        }
                        hasher.update(&buf[..n]);
                        zip.write_all(&buf[..n])?;
                        size += n as u64;
                    }
                    if size != resource.size || hex(&hasher.finalize()) != resource.sha256 {
                        return Err(io::Error::other(format!(
                            "{} changed while it was being packed; check the package again",
                            entry.path
                        )));
                    }
                }
            }
        }
        zip.finish().map_err(io::Error::other)
    }
}

/// Content that deflate cannot shrink: compressed audio and images, PDFs
/// and zip-based formats (Office, ODF, EPUB, courseware, archives).
/// Deflating them at level 6 saves under 1% and was about 15% of `pack`'s
/// CPU, so they get level 1. Videos are stored; everything else (text,
/// subtitles, WAV, BMP, old Office files, unknown data) gets level 6.
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

    #[test]
    fn manifest_paths_are_percent_encoded() {
        assert_eq!(encode_manifest_path("a%b\nc\rd"), "a%25b%0Ac%0Dd");
        assert_eq!(encode_manifest_path("模块1/第1课.mp4"), "模块1/第1课.mp4");
    }
}
