//! `trainpack pack`: a checked package as a BagIt bag in one deterministic
//! zip, plus an upload ticket that lets an upload resume chunk by chunk.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::atomic::{self, AtomicFile};
use crate::bagit::write::BagPlan;
use crate::check::{CheckOptions, check_package};
use crate::digest_sink::{DigestSink, StreamDigest};
use crate::error::{Error, Result};
use crate::kinds::ResourceKind;
use crate::manifest::{Manifest, hash_file};
use crate::report::{Report, Verdict};
use crate::scan::hex;
use crate::source::{Package, SourceKind};

pub const DEFAULT_CHUNK_SIZE: u64 = 8 << 20;
/// Name of the trainpack manifest inside the bag (a tag file).
pub const MANIFEST_TAG: &str = "trainpack-manifest.json";

pub struct PackOptions {
    pub out_dir: PathBuf,
    /// Pack even when the package fails the policy.
    pub force: bool,
    pub chunk_size: u64,
}

/// What an uploader needs (`schemas/upload-ticket.schema.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadTicket {
    pub ticket_version: u32,
    pub package_id: String,
    pub archive: String,
    pub size: u64,
    pub sha256: String,
    pub chunk_size: u64,
    pub chunks: Vec<Chunk>,
    /// SHA-256 of the trainpack manifest tag file inside the bag.
    pub manifest_sha256: String,
    pub verdict: Verdict,
    pub upload_deadline: Option<String>,
}

/// One chunk of the bag and its digest.
pub type Chunk = crate::digest_sink::ChunkDigest;

pub enum PackOutcome {
    /// The package failed and `--force` was not given: nothing written.
    Refused(Box<Report>),
    Packed {
        report: Box<Report>,
        archive: PathBuf,
        ticket: PathBuf,
        upload: Box<UploadTicket>,
    },
}

/// Check, then pack. The check and, for a zip source, the hash of the zip
/// itself run side by side.
pub fn pack(path: &Path, check_opts: &CheckOptions, opts: &PackOptions) -> Result<PackOutcome> {
    let package = Package::open_for_scan(path, &check_opts.policy.limits)?;
    // Deadlines are judged on the bag's date ($TRAINPACK_TODAY when pinned),
    // not the clock, so the same input packs to the same bytes on any day.
    let created = source_date(path, &package);
    let check_opts = &CheckOptions {
        today: Some(crate::descriptor::pinned_today().unwrap_or(created.day)),
        ..check_opts.clone()
    };
    // Payload files are trusted as checked only if not modified since now.
    let checked_at = std::time::SystemTime::now();
    let source_stamp = zip_stamp(path, &package);
    let (report, archive_hash) = check_with_archive_hash(&package, path, check_opts)?;
    if report.verdict == Verdict::Fail && !opts.force {
        return Ok(PackOutcome::Refused(Box::new(report)));
    }
    atomic::ensure_outside(path, &opts.out_dir).map_err(Error::Other)?;
    std::fs::create_dir_all(&opts.out_dir).map_err(|e| Error::Unwritable {
        path: opts.out_dir.clone(),
        source: e,
    })?;
    let id = file_safe_id(&report.package.id);
    let manifest = Manifest::from_report(&report, archive_hash, created.rfc3339.clone());
    let manifest_json = manifest.to_json().into_bytes();
    let manifest_sha256 = hex(&Sha256::digest(&manifest_json));

    let entries: HashMap<&str, &crate::source::Entry> =
        package.entries.iter().map(|e| (&*e.path, e)).collect();
    // Junk stays behind: it is not course material and the platform does not want it.
    let payload: Vec<_> = report
        .files
        .iter()
        .filter(|f| f.kind != ResourceKind::Junk)
        .filter_map(|f| Some((*entries.get(&*f.path)?, f)))
        .collect();
    let payload_bytes: u64 = payload.iter().map(|(_, f)| f.size).sum();
    let plan = BagPlan {
        root: id.clone(),
        bag_info: bag_info(&report, &id, &created.date, payload_bytes, payload.len()),
        payload,
        extra_tags: vec![(MANIFEST_TAG.to_owned(), manifest_json)],
    };

    let archive_path = opts.out_dir.join(format!("{id}.zip"));
    atomic::ensure_outside(path, &archive_path).map_err(Error::Other)?;
    let write_err = |e: io::Error| Error::Other(format!("{}: {e}", archive_path.display()));
    let out = AtomicFile::create(&archive_path).map_err(write_err)?;
    // The archive is hashed as it is written (whole and per chunk, each on
    // its own thread), never read back.
    let (out, digest) = std::thread::scope(|scope| {
        let sink = DigestSink::new(scope, out, opts.chunk_size);
        plan.write(&package, sink, checked_at)?.finish()
    })
    .map_err(write_err)?;
    if zip_stamp(path, &package) != source_stamp {
        return Err(Error::Other(format!(
            "{} changed while it was being packed; check it again",
            path.display()
        )));
    }
    out.commit().map_err(write_err)?;
    let StreamDigest {
        size,
        sha256,
        chunks,
    } = digest;

    let upload = UploadTicket {
        ticket_version: 1,
        package_id: report.package.id.clone(),
        archive: format!("{id}.zip"),
        size,
        sha256,
        chunk_size: opts.chunk_size,
        chunks,
        manifest_sha256,
        verdict: report.verdict,
        upload_deadline: report.package.upload_deadline.clone(),
    };
    let ticket_path = opts.out_dir.join(format!("{id}.upload.json"));
    let mut text = serde_json::to_string_pretty(&upload).unwrap_or_default();
    text.push('\n');
    atomic::write(&ticket_path, text.as_bytes())
        .map_err(|e| Error::Other(format!("{}: {e}", ticket_path.display())))?;
    Ok(PackOutcome::Packed {
        report: Box::new(report),
        archive: archive_path,
        ticket: ticket_path,
        upload: Box::new(upload),
    })
}

/// Check a package and, for a zip, hash the zip file itself at the same time.
pub fn check_with_archive_hash(
    package: &Package,
    path: &Path,
    opts: &CheckOptions,
) -> Result<(Report, Option<(String, u64)>)> {
    if package.kind != SourceKind::Zip {
        return Ok((check_package(package, path, opts), None));
    }
    std::thread::scope(|scope| {
        let hashing = scope.spawn(|| hash_file(path));
        let report = check_package(package, path, opts);
        let hash = hashing
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
            .map_err(|e| Error::Unreadable {
                path: path.to_owned(),
                source: e,
            })?;
        Ok((report, Some(hash)))
    })
}

fn bag_info(
    report: &Report,
    id: &str,
    date: &str,
    payload_bytes: u64,
    payload_files: usize,
) -> Vec<(String, String)> {
    let d = report.package.descriptor.as_ref();
    let mut info = vec![(
        "Source-Organization".to_owned(),
        d.and_then(|d| d.provider.clone())
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| "unknown (no training-package.json)".to_owned()),
    )];
    let contact = d.and_then(|d| d.contact.as_ref());
    for (label, value) in [
        ("Contact-Name", contact.and_then(|c| c.name.clone())),
        ("Contact-Phone", contact.and_then(|c| c.phone.clone())),
        ("Contact-Email", contact.and_then(|c| c.email.clone())),
        ("External-Description", d.and_then(|d| d.title.clone())),
    ] {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            info.push((label.to_owned(), v));
        }
    }
    let s = &report.summary;
    let verdict = match report.verdict {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
    };
    info.extend([
        ("External-Identifier".to_owned(), id.to_owned()),
        ("Bagging-Date".to_owned(), date.to_owned()),
        (
            "Payload-Oxum".to_owned(),
            format!("{payload_bytes}.{payload_files}"),
        ),
        (
            "Bag-Size".to_owned(),
            crate::report::human_bytes(payload_bytes),
        ),
        (
            "Bag-Software-Agent".to_owned(),
            format!("{} {}", report.tool.name, report.tool.version),
        ),
        ("Trainpack-Verdict".to_owned(), verdict.to_owned()),
        ("Trainpack-Video-Ratio".to_owned(), s.video_ratio.clone()),
        (
            "Trainpack-Course-Resources".to_owned(),
            s.course_resources.to_string(),
        ),
        ("Trainpack-Videos".to_owned(), s.videos.to_string()),
    ]);
    if let Some(deadline) = &report.package.upload_deadline {
        info.push(("Trainpack-Upload-Deadline".to_owned(), deadline.clone()));
    }
    info
}

/// The id as a file name: no separators, no control characters, no leading dot.
pub fn file_safe_id(id: &str) -> String {
    let cleaned: String = id
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "package".to_owned()
    } else {
        cleaned
    }
}

struct SourceDate {
    day: time::Date,
    date: String,
    rfc3339: String,
}

/// The bag's date comes from its input, not the clock, so packing the same
/// package twice gives the same bytes: `SOURCE_DATE_EPOCH` when set (the
/// reproducible-builds convention), else the newest modification time of
/// the package (the zip file's own, or the newest file in the folder).
fn source_date(path: &Path, package: &Package) -> SourceDate {
    let from_env = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok());
    let mtime = |p: &Path| -> Option<i64> {
        let m = std::fs::symlink_metadata(p).ok()?.modified().ok()?;
        let secs = m.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
        i64::try_from(secs).ok()
    };
    let newest = || match package.kind {
        SourceKind::Zip => mtime(path),
        SourceKind::Folder => package
            .entries
            .iter()
            .filter_map(|e| mtime(&e.fs_path(path)?))
            .max(),
    };
    let secs = from_env.or_else(newest).unwrap_or(0);
    let at =
        time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    SourceDate {
        day: at.date(),
        date: crate::descriptor::format_date(at.date()),
        rfc3339: at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    }
}

/// Size and modification time of a zip source, to notice it changing
/// between the check and the end of the copy (None for a folder).
fn zip_stamp(path: &Path, package: &Package) -> Option<(u64, Option<std::time::SystemTime>)> {
    if package.kind != SourceKind::Zip {
        return None;
    }
    Some(crate::source::stamp(&std::fs::metadata(path).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_safe_file_names() {
        assert_eq!(file_safe_id("../a/b:c"), "_a_b_c");
        assert_eq!(file_safe_id("  "), "package");
        assert_eq!(file_safe_id("2022-国培-01"), "2022-国培-01");
    }
}
