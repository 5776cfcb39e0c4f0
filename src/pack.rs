//! `trainpack pack`: a checked package as a BagIt bag in one deterministic
//! zip, plus an upload ticket that lets an upload resume chunk by chunk.

use std::io;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::atomic::{self, AtomicFile};
use crate::bagit::write::{BagWriter, tag_files};
use crate::check::{CheckOptions, check_package, check_scanned};
use crate::digest_sink::{DigestSink, StreamDigest};
use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::kinds::ResourceKind;
use crate::manifest::{Manifest, hash_file};
use crate::report::{Report, Verdict};
use crate::scan::{Sha256Digest, hex, scan_sequentially};
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

/// OUTDIR/<id>.upload.json, written by `trainpack pack PACKAGE -o OUTDIR`
/// next to the bag OUTDIR/<id>.zip: what an uploader needs to send the bag
/// and resume an interrupted upload chunk by chunk, and to prove on arrival
/// that the bytes are intact (`schemas/upload-ticket.schema.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "trainpack upload ticket")]
pub struct UploadTicket {
    /// Version of this ticket format; bumped on incompatible changes.
    #[schemars(extend("const" = 1))]
    pub ticket_version: u32,
    /// The package id (the descriptor's id, else the folder's name or the
    /// zip's file stem), as the check reported it.
    #[schemars(title = "Package id")]
    pub package_id: String,
    /// File name of the bag zip, in the same folder as the ticket:
    /// `<id>.zip`, the id made safe as a file name.
    #[schemars(pattern(r"^[^/\\]+\.zip$"))]
    pub archive: String,
    /// Bytes of the bag zip.
    pub size: u64,
    /// SHA-256 of the whole bag zip, lowercase hex.
    #[schemars(title = "SHA-256", with = "crate::schema::Sha256Hex")]
    pub sha256: String,
    /// Bytes per upload chunk (`--chunk-size`); every chunk but the last has
    /// exactly this size.
    #[schemars(range(min = 1))]
    pub chunk_size: u64,
    /// The zip cut into consecutive chunks of `chunk_size` bytes, in order:
    /// their sizes add up to `size`. Empty only for an empty file.
    pub chunks: Vec<Chunk>,
    /// SHA-256 of the trainpack manifest stored in the bag as
    /// `<id>/trainpack-manifest.json` (schemas/manifest.schema.json),
    /// lowercase hex.
    #[schemars(title = "Manifest SHA-256", with = "crate::schema::Sha256Hex")]
    pub manifest_sha256: String,
    /// The check's verdict; `fail` only when the bag was made with `--force`.
    pub verdict: Verdict,
    /// The descriptor's end_date plus one calendar month (YYYY-MM-DD); null
    /// when the end date is unknown.
    #[schemars(with = "Option<crate::schema::Day>")]
    pub upload_deadline: Option<String>,
    /// The provider's review, when training-package.json records one (also
    /// in bag-info.txt as Reviewed-By, Review-Date, Review-Result,
    /// Review-Content-SHA256 and Trainpack-Audit-Status). Absent when none is
    /// recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "TicketAudit")]
    pub audit: Option<TicketAudit>,
}

/// The review as the ticket carries it: who, when, the result, the digest
/// of the content reviewed, and whether the bag still holds that content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "audit", title = "Audit")]
pub struct TicketAudit {
    /// Who reviewed the package.
    pub reviewer: String,
    /// The reviewer's role.
    pub role: String,
    /// Day of the review, YYYY-MM-DD.
    #[schemars(with = "crate::schema::Day")]
    pub date: String,
    /// The review's result.
    pub result: crate::descriptor::AuditResult,
    /// Digest of the content reviewed (descriptor.schema.json,
    /// audit.content_sha256).
    #[schemars(title = "Content digest", with = "crate::schema::Sha256Hex")]
    pub content_sha256: String,
    /// approved or rejected as recorded; stale when the bag's content is not
    /// the content approved (never `missing`: there is a review).
    #[schemars(extend("enum" = ["approved", "rejected", "stale"]))]
    pub status: crate::audit::AuditStatus,
}

impl TicketAudit {
    fn of(report: &Report) -> Option<TicketAudit> {
        let a = report.package.descriptor.as_ref()?.audit.as_ref()?;
        Some(TicketAudit {
            reviewer: a.reviewer.clone(),
            role: a.role.clone(),
            date: a.date.clone(),
            result: a.result,
            content_sha256: a.content_sha256.clone(),
            status: report.package.audit_status,
        })
    }
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

/// Check and pack in one read of the package: every payload byte the
/// check hashes, sniffs and probes is written into the bag as it is read.
/// The verdict then decides whether the bag is kept. For a zip source the
/// zip file itself is hashed beside it (its digest goes in the manifest).
pub fn pack(path: &Path, check_opts: &CheckOptions, opts: &PackOptions) -> Result<PackOutcome> {
    let package = Package::open_for_scan(path, &check_opts.policy.limits)?;
    // Deadlines are judged on the bag's date ($TRAINPACK_TODAY when pinned),
    // not the clock, so the same input packs to the same bytes on any day.
    let created = source_date(path, &package);
    let check_opts = &CheckOptions {
        today: crate::env::get().today_pin.unwrap_or(created.day),
        ..check_opts.clone()
    };
    atomic::ensure_outside(path, &opts.out_dir).map_err(Error::Said)?;
    let out_dir_existed = opts.out_dir.is_dir();
    std::fs::create_dir_all(&opts.out_dir).map_err(|e| Error::Unwritable {
        path: opts.out_dir.clone(),
        source: e,
    })?;
    // The bag's folder is named by the package id, needed before the first
    // entry is written; the descriptor is read for it (it is tiny).
    let id = file_safe_id(&crate::check::early_package_id(&package, path));
    let archive_path = opts.out_dir.join(format!("{id}.zip"));
    atomic::ensure_outside(path, &archive_path).map_err(Error::Said)?;
    let write_err = |e: io::Error| Error::Unwritable {
        path: archive_path.clone(),
        source: e,
    };
    let out = AtomicFile::create(&archive_path).map_err(write_err)?;
    let source_stamp = zip_stamp(path, &package);

    // The archive is hashed as it is written (whole and per chunk, each on
    // its own thread), never read back.
    let packed = std::thread::scope(|scope| -> Result<_> {
        let sink = DigestSink::new(scope, out, opts.chunk_size);
        let mut bag = BagWriter::new(id.clone(), sink).map_err(write_err)?;
        let (report, archive_hash) = check_copying(&package, path, check_opts, &mut bag)?;
        if let Some(e) = bag.take_error() {
            return Err(write_err(e));
        }
        if let Some(changed) = changed_while_copied(&report, &bag) {
            return Err(Error::Said(changed));
        }
        let kept = || report.files.iter().filter(|f| f.kind != ResourceKind::Junk);
        let payload: Vec<(&str, Sha256Digest)> = kept().map(|f| (&*f.path, f.sha256)).collect();
        copied_as_checked(&bag, &payload)?;
        if report.verdict == Verdict::Fail && !opts.force {
            return Ok(Err(Box::new(report)));
        }
        let payload_bytes: u64 = kept().map(|f| f.size).sum();
        let manifest = Manifest::from_report(&report, archive_hash, created.rfc3339.clone());
        let manifest_json = manifest.to_json().into_bytes();
        let manifest_sha256 = hex(&Sha256::digest(&manifest_json));
        let info = bag_info(&report, &id, &created.date, payload_bytes, payload.len());
        let tags = tag_files(
            &info,
            &payload,
            vec![(MANIFEST_TAG.to_owned(), manifest_json)],
        );
        let (out, digest) = bag
            .finish(tags)
            .and_then(|sink| sink.finish())
            .map_err(write_err)?;
        Ok(Ok((report, out, digest, manifest_sha256)))
    });
    let (report, out, digest, manifest_sha256) = match packed {
        Ok(Ok(done)) => done,
        Ok(Err(report)) => {
            if !out_dir_existed {
                // Made for this run and left empty: take it away again.
                let _ = std::fs::remove_dir(&opts.out_dir);
            }
            return Ok(PackOutcome::Refused(report));
        }
        Err(e) => return Err(e),
    };
    if zip_stamp(path, &package) != source_stamp {
        return Err(Error::Said(Text::new(
            format!(
                "{} changed while it was being packed; check it again",
                path.display()
            ),
            format!("{} 在打包过程中发生了变化；请重新检查", path.display()),
        )));
    }
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
        audit: TicketAudit::of(&report),
    };
    let ticket_path = opts.out_dir.join(format!("{id}.upload.json"));
    commit_pair(out, &archive_path, &upload, &ticket_path)?;
    Ok(PackOutcome::Packed {
        report: Box::new(report),
        archive: archive_path,
        ticket: ticket_path,
        upload: Box::new(upload),
    })
}

/// Why no bag can be made even with `--force`: a file changed (TP092) or
/// could not be read to its end while it was copied, so the bag would not
/// hold what its manifest lists.
fn changed_while_copied<W: io::Write>(report: &Report, bag: &BagWriter<W>) -> Option<Text> {
    let rule = &crate::rules::CHANGED_DURING_SCAN;
    if let Some(f) = report.findings.iter().find(|f| f.code() == rule.code) {
        return Some(Text::new(
            format!(
                "{} changed while it was being packed ({} {}): nothing was packed; wait until nothing writes to the package, then pack again",
                f.path.as_deref().unwrap_or("a file"),
                rule.code,
                rule.name
            ),
            format!(
                "{} 在打包过程中发生了变化（{}）：未打包；请等没有程序再写入该包后重新打包",
                f.path.as_deref().unwrap_or("某个文件"),
                rule.code,
            ),
        ));
    }
    bag.broken().map(|path| {
        Text::new(
            format!(
                "{path} could not be read to its end while it was being packed: nothing was packed; check the package again"
            ),
            format!("{path} 在打包过程中未能读完：未打包；请重新检查该包"),
        )
    })
}

/// The payload written must be the files the check kept; a bag
/// that differs would fail validation, so it is never kept.
fn copied_as_checked<W: io::Write>(
    bag: &BagWriter<W>,
    payload: &[(&str, Sha256Digest)],
) -> Result<()> {
    let mut copied: Vec<&str> = bag.copied().iter().map(String::as_str).collect();
    let mut checked: Vec<&str> = payload.iter().map(|(p, _)| *p).collect();
    copied.sort_unstable();
    checked.sort_unstable();
    if copied == checked {
        return Ok(());
    }
    Err(Error::Said(Text::new(
        format!(
            "the bag's payload ({} files) is not the {} checked files: nothing was packed; please report this",
            copied.len(),
            payload.len()
        ),
        format!(
            "包的载荷（{} 个文件）与检查过的 {} 个文件不一致：未打包；请报告此问题",
            copied.len(),
            payload.len()
        ),
    )))
}

/// Make the bag and its ticket final as a pair: no moment leaves a zip and
/// a ticket under their final names that describe different bags. The old
/// ticket goes first, then the new zip takes its name, then the new ticket:
/// a run stopped in between leaves a bag without a ticket (pack again),
/// never a ticket that lies about its bag.
fn commit_pair(
    archive: AtomicFile,
    archive_path: &Path,
    upload: &UploadTicket,
    ticket_path: &Path,
) -> Result<()> {
    let mut text = serde_json::to_string_pretty(upload).unwrap_or_default();
    text.push('\n');
    let ticket_err = |e: io::Error| Error::Unwritable {
        path: ticket_path.to_owned(),
        source: e,
    };
    let mut ticket = AtomicFile::create(ticket_path).map_err(ticket_err)?;
    io::Write::write_all(&mut ticket, text.as_bytes()).map_err(ticket_err)?;
    match std::fs::remove_file(ticket_path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(ticket_err(e)),
    }
    archive.commit().map_err(|e| Error::Unwritable {
        path: archive_path.to_owned(),
        source: e,
    })?;
    ticket.commit().map_err(ticket_err)
}

/// Read the package once in bag order, copying into `bag` as it is read,
/// and check it; for a zip, hash the zip file itself at the same time.
fn check_copying<W: io::Write>(
    package: &Package,
    path: &Path,
    opts: &CheckOptions,
    bag: &mut BagWriter<W>,
) -> Result<(Report, Option<(String, u64)>)> {
    let mut order: Vec<usize> = (0..package.entries.len()).collect();
    order.sort_by(|&a, &b| package.entries[a].path.cmp(&package.entries[b].path));
    with_archive_hash(package, path, || {
        let scanned = crate::check::with_progress(package, opts, |progress| {
            scan_sequentially(package, &order, &opts.policy.limits, progress, bag)
        });
        check_scanned(package, path, opts, scanned)
    })
}

/// Check a package and, for a zip, hash the zip file itself at the same time.
pub fn check_with_archive_hash(
    package: &Package,
    path: &Path,
    opts: &CheckOptions,
) -> Result<(Report, Option<(String, u64)>)> {
    with_archive_hash(package, path, || check_package(package, path, opts))
}

/// Run `check` and, for a zip, hash the zip file itself beside it (for the
/// manifest's `archive_sha256`).
fn with_archive_hash(
    package: &Package,
    path: &Path,
    check: impl FnOnce() -> Report,
) -> Result<(Report, Option<(String, u64)>)> {
    if package.kind != SourceKind::Zip {
        return Ok((check(), None));
    }
    std::thread::scope(|scope| {
        let hashing = scope.spawn(|| hash_file(path));
        let report = check();
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

/// How a bag zip compares with its upload ticket.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TicketCheck {
    pub ticket: String,
    /// True when size, SHA-256 and every chunk digest agree.
    pub matches: bool,
    /// What disagrees, one line each (English; `problems_zh` in Chinese).
    pub problems: Vec<String>,
    pub problems_zh: Vec<String>,
}

/// The most a ticket file may hold: a 1 TB bag in 8 MiB chunks lists
/// 131,072 chunks, about 20 MB of JSON.
const MAX_TICKET_BYTES: u64 = 64 << 20;

/// Compare the bag zip at `archive` with the ticket at `ticket`: the
/// archive's name, size, SHA-256 and chunk digests (the zip is read once).
pub fn check_ticket(archive: &Path, ticket: &Path) -> Result<TicketCheck> {
    let unreadable = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Unreadable { path, source }
    };
    let mut text = Vec::new();
    let file = std::fs::File::open(ticket).map_err(unreadable(ticket))?;
    io::Read::read_to_end(&mut io::Read::take(file, MAX_TICKET_BYTES + 1), &mut text)
        .map_err(unreadable(ticket))?;
    if text.len() as u64 > MAX_TICKET_BYTES {
        return Err(Error::Said(Text::new(
            format!(
                "{}: larger than {MAX_TICKET_BYTES} bytes: not an upload ticket",
                ticket.display()
            ),
            format!(
                "{}：大于 {MAX_TICKET_BYTES} 字节：不是上传凭据",
                ticket.display()
            ),
        )));
    }
    let upload: UploadTicket = serde_json::from_slice(&text).map_err(|e| {
        Error::Said(Text::new(
            format!(
                "{}: not an upload ticket ({e}); give the <id>.upload.json that pack wrote",
                ticket.display()
            ),
            format!(
                "{}：不是上传凭据（第 {} 行第 {} 列不符合格式）；请给出 pack 写出的 <id>.upload.json",
                ticket.display(),
                e.line(),
                e.column()
            ),
        ))
    })?;
    let mut input = std::fs::File::open(archive).map_err(unreadable(archive))?;
    let digest = std::thread::scope(|scope| {
        let mut sink = DigestSink::new(scope, io::sink(), upload.chunk_size.max(1));
        io::copy(&mut input, &mut sink)?;
        sink.finish().map(|(_, digest)| digest)
    })
    .map_err(unreadable(archive))?;

    let mut problems = Vec::new();
    let mut problems_zh = Vec::new();
    let name = archive
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name != upload.archive {
        problems.push(format!("the ticket is for {}, not {name}", upload.archive));
        problems_zh.push(format!("该凭据属于 {}，不是 {name}", upload.archive));
    }
    if digest.size != upload.size {
        problems.push(format!(
            "size {} bytes, the ticket says {}",
            digest.size, upload.size
        ));
        problems_zh.push(format!(
            "大小为 {} 字节，凭据记载 {} 字节",
            digest.size, upload.size
        ));
    }
    if digest.sha256 != upload.sha256 {
        problems.push(format!(
            "SHA-256 {}, the ticket says {}",
            digest.sha256, upload.sha256
        ));
        problems_zh.push(format!(
            "SHA-256 为 {}，凭据记载 {}",
            digest.sha256, upload.sha256
        ));
    }
    let differing = digest
        .chunks
        .iter()
        .zip(&upload.chunks)
        .filter(|(a, b)| a != b)
        .count()
        + digest.chunks.len().abs_diff(upload.chunks.len());
    if differing > 0 {
        problems.push(format!(
            "{differing} of the ticket's {} chunk digest(s) do not match",
            upload.chunks.len()
        ));
        problems_zh.push(format!(
            "凭据中 {} 个分块摘要里有 {differing} 个不符",
            upload.chunks.len()
        ));
    }
    Ok(TicketCheck {
        ticket: ticket.display().to_string(),
        matches: problems.is_empty(),
        problems,
        problems_zh,
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
            .unwrap_or_else(|| {
                // `audit` may have made a descriptor that names no provider.
                match d {
                    Some(_) => "unknown (no provider in training-package.json)",
                    None => "unknown (no training-package.json)",
                }
                .to_owned()
            }),
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
        ("Trainpack-Video-Ratio".to_owned(), s.video_ratio.decimal()),
        (
            "Trainpack-Course-Resources".to_owned(),
            s.course_resources.to_string(),
        ),
        ("Trainpack-Videos".to_owned(), s.videos.to_string()),
    ]);
    if let Some(deadline) = &report.package.upload_deadline {
        info.push(("Trainpack-Upload-Deadline".to_owned(), deadline.clone()));
    }
    // The review, as custom labels (RFC 8493 §2.2.2 allows any). Its status
    // says whether the bag holds the content reviewed (`stale` if not).
    if let Some(a) = TicketAudit::of(report) {
        info.extend([
            (
                "Reviewed-By".to_owned(),
                format!("{} ({})", a.reviewer, a.role),
            ),
            ("Review-Date".to_owned(), a.date),
            ("Review-Result".to_owned(), a.result.as_str().to_owned()),
            ("Review-Content-SHA256".to_owned(), a.content_sha256),
            (
                "Trainpack-Audit-Status".to_owned(),
                a.status.as_str().to_owned(),
            ),
        ]);
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
    let from_env = crate::env::get().source_date_epoch;
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
fn zip_stamp(path: &Path, package: &Package) -> Option<crate::source::Stamp> {
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
