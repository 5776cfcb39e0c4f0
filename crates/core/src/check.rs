//! `trainpack check`: source → scan → identify → probe → rules → `Report`.

use std::io;
use std::path::Path;

use crate::descriptor;
use crate::error::Result;
use crate::identify::{Classification, classify};
use crate::kinds::ResourceKind;
use crate::policy::Policy;
use crate::policy::summary::{ratio_findings, summarise};
use crate::probe::run::Probing;
use crate::probe::{ProbeOutcome, VideoInfo};
use crate::report::{
    ModuleSummary, PackageInfo, PolicyInfo, Report, Resource, Summary, ToolInfo, Verdict,
    VideoStatus, VideoSummary,
};
use crate::rules::{self, Finding, Severity, Violation};
use crate::scan::{Progress, ScanStop, Scanned, run_queue, scan_package_with, scan_stop};
use crate::source::Package;

#[derive(Clone)]
pub struct CheckOptions {
    pub policy: Policy,
    /// Worker threads for reading and probing.
    pub threads: usize,
    /// The engine that confirms videos, `--deep`, and the programs found.
    pub probing: Probing,
    /// Told how far the scan has read (the binary draws a bar on a terminal).
    pub progress: Option<std::sync::Arc<dyn ProgressView>>,
    /// The day deadlines are measured from (the core reads no clock).
    /// `pack` sets the bag's date so its output does not depend on the clock.
    pub today: time::Date,
}

impl CheckOptions {
    /// Defaults: every core, the built-in probe alone (the caller adds an
    /// external engine), deadlines measured from `today`.
    pub fn new(policy: Policy, today: time::Date) -> CheckOptions {
        CheckOptions {
            policy,
            threads: crate::scan::cores(),
            probing: Probing::default(),
            progress: None,
            today,
        }
    }
}

/// One file after reading and classification, before probing.
struct Item<'a> {
    entry: &'a crate::source::Entry,
    scanned: Scanned,
    class: Classification,
}

#[cfg(feature = "fs")]
pub fn check(path: &Path, opts: &CheckOptions) -> Result<Report> {
    let package = Package::open_for_scan(path, &opts.policy.limits)?;
    Ok(check_package(&package, path, opts))
}

/// Check an opened package; `path` is how the user named it.
pub fn check_package(package: &Package, path: &Path, opts: &CheckOptions) -> Report {
    let scanned = with_progress(package, opts, |progress| {
        scan_package_with(package, opts.threads, &opts.policy.limits, progress)
    });
    check_scanned(package, path, opts, scanned)
}

/// Shown how far a check has read: the binary's progress bar. The core
/// draws nothing itself.
pub trait ProgressView: Send + Sync {
    /// A scan begins; the listing declares `declared_bytes` (sizes it did
    /// not give are reported as found).
    fn begin(&self, declared_bytes: u64);
    fn advance(&self, progress: Progress);
    /// The scan is over (a bar is cleared).
    fn end(&self);
}

/// Run a scan of `package` with `opts.progress` told how it goes.
pub fn with_progress<T>(
    package: &Package,
    opts: &CheckOptions,
    scan: impl FnOnce(&(dyn Fn(Progress) + Sync)) -> T,
) -> T {
    let Some(view) = opts.progress.as_deref() else {
        return scan(&|_| {});
    };
    view.begin(package.entries.iter().filter_map(|e| e.declared_size).sum());
    let result = scan(&|p| view.advance(p));
    view.end();
    result
}

/// The check of a package whose entries were read by the caller (`pack`
/// reads them while copying): `scanned` holds one result per entry.
/// Each step is one stage of the pipeline (docs/architecture.md); the
/// findings gather along the way and are judged at the end.
pub fn check_scanned(
    package: &Package,
    path: &Path,
    opts: &CheckOptions,
    scanned: Vec<io::Result<Scanned>>,
) -> Report {
    let policy = &opts.policy;
    let root = content_root(package);
    let mut findings = rules::notes_findings(&package.notes);

    let items = identify(package, &root, scanned, policy, &mut findings);
    self_containing(package, &items, &mut findings);

    let outcomes = probe_videos(package, &items, opts, &mut findings);
    let files = resources(items, outcomes, policy, &mut findings);

    let (mut descriptor, upload_deadline) =
        descriptor::read(package, &root, opts.today, &mut findings);
    let audit_status = rules::audit_findings(
        descriptor.as_mut(),
        &files,
        &root,
        &policy.audit,
        &mut findings,
    );
    let (summary, modules) = summarise(&files, &root, policy);
    ratio_findings(&summary, &modules, policy, &mut findings);

    let package_info = PackageInfo {
        path: path.display().to_string(),
        id: descriptor::package_id(path, descriptor.as_ref()),
        source: package.kind,
        descriptor,
        upload_deadline: upload_deadline.map(descriptor::format_date),
        audit_status,
    };
    report(package_info, policy, summary, modules, files, findings)
}

/// Identify each read entry (on all cores, consuming the scan results as it
/// goes: with 100,000 small files this is a visible share of the run, and
/// neither list is kept twice). An entry that could not be read becomes a
/// finding; those cut off by the total-size limit become one finding.
fn identify<'p>(
    package: &'p Package,
    root: &str,
    scanned: Vec<io::Result<Scanned>>,
    policy: &Policy,
    findings: &mut Vec<Finding>,
) -> Vec<Item<'p>> {
    let classified: Vec<Result<Item, (&crate::source::Entry, std::io::Error)>> = {
        use rayon::prelude::*;
        package
            .entries
            .par_iter()
            .zip(scanned.into_par_iter())
            .map(|(entry, result)| {
                let scanned = result.map_err(|e| (entry, e))?;
                let class = classify(strip_root(&entry.path, root), &scanned.sniffed);
                Ok(Item {
                    entry,
                    scanned,
                    class,
                })
            })
            .collect()
    };
    let mut over_total = Vec::new();
    let items: Vec<Item> = classified
        .into_iter()
        .filter_map(|result| match result {
            Ok(item) => Some(item),
            Err((entry, e)) => {
                match scan_stop(&e) {
                    Some(ScanStop::TotalBytes { .. }) => over_total.push(&*entry.path),
                    _ => findings.push(rules::read_failure(&entry.path, &e)),
                }
                None
            }
        })
        .collect();
    if let Some(first) = over_total.first() {
        findings.push(
            rules::TotalSizeLimit {
                limit: policy.limits.max_total_bytes,
                not_checked: Some((over_total.len(), first.to_string())),
            }
            .finding(None),
        );
    }
    items
}

/// One resource record per identified file, with the probe's word on
/// whether it is a video, and the findings on each file. Collected in place
/// (std reuses the items' buffer for the resources, which are smaller), so
/// the two lists never coexist: with 100,000 files that is 11 MB of peak
/// memory.
fn resources(
    items: Vec<Item>,
    outcomes: Vec<Option<Box<ProbeOutcome>>>,
    policy: &Policy,
    findings: &mut Vec<Finding>,
) -> Vec<Resource> {
    items
        .into_iter()
        .zip(outcomes)
        .map(|(item, outcome)| {
            let resource = resource_of(&item, outcome.as_deref(), policy, findings);
            rules::file_findings(&item.class, &resource, findings);
            resource
        })
        .collect()
}

/// The report: the policy's severities applied, findings in a stable
/// order, counted, and the verdict.
fn report(
    package: PackageInfo,
    policy: &Policy,
    summary: Summary,
    modules: Vec<ModuleSummary>,
    files: Vec<Resource>,
    mut findings: Vec<Finding>,
) -> Report {
    policy.apply_rule_severities(&mut findings);
    findings.sort_by(|a, b| (a.severity, &a.path, a.code()).cmp(&(b.severity, &b.path, b.code())));
    let summary = Summary {
        errors: count(&findings, Severity::Error),
        warnings: count(&findings, Severity::Warning),
        infos: count(&findings, Severity::Info),
        ..summary
    };
    let verdict = if summary.errors == 0 {
        Verdict::Pass
    } else {
        Verdict::Fail
    };
    Report {
        tool: ToolInfo::current(),
        package,
        policy: PolicyInfo {
            profile: policy.profile.clone(),
            version: policy.version,
            threshold_percent: policy.threshold_percent,
            basis: policy.basis,
            counted_kinds: policy.counted_kinds.clone(),
            video: policy.video.clone(),
            limits: policy.limits.clone(),
            audit: policy.audit.clone(),
            rules: policy.rules.clone(),
        },
        verdict,
        summary,
        modules,
        files,
        findings,
    }
}

/// The package's id before it is checked (`pack` names the bag by it):
/// the descriptor's id when it parses, else as [`package_id`] says.
pub fn early_package_id(package: &Package, path: &Path) -> String {
    descriptor::early_package_id(package, path, &content_root(package))
}

/// The folder the package's content sits in: `""`, or `"name/"` when every
/// entry that is not junk is inside one top-level folder — a zip made of
/// the folder itself (`zip -r pkg.zip pkg/`, Windows "Send to compressed
/// folder"), or a folder holding one course folder. The descriptor is
/// looked for there and modules are counted from there, so such a zip gives
/// the same verdict as the folder it was made from. Paths in reports stay
/// as the package spells them.
pub fn content_root(package: &Package) -> String {
    let mut root: Option<&str> = None;
    for e in &package.entries {
        if crate::identify::is_junk_name(&e.path) {
            continue;
        }
        let Some((first, _)) = e.path.split_once('/') else {
            return String::new(); // a file at the top: the top is the root
        };
        match root {
            None => root = Some(first),
            Some(r) if r == first => {}
            Some(_) => return String::new(),
        }
    }
    root.map(|r| format!("{r}/")).unwrap_or_default()
}

fn strip_root<'a>(path: &'a str, root: &str) -> &'a str {
    path.strip_prefix(root).unwrap_or(path)
}

fn count(findings: &[Finding], severity: Severity) -> u64 {
    findings.iter().filter(|f| f.severity == severity).count() as u64
}

/// Probe every file whose content is a video container; None for the rest.
/// Boxed: a `ProbeOutcome` is large and most files are not videos. Says
/// once when a video stayed unconfirmed for want of ffprobe.
fn probe_videos(
    package: &Package,
    items: &[Item],
    opts: &CheckOptions,
    findings: &mut Vec<Finding>,
) -> Vec<Option<Box<ProbeOutcome>>> {
    // Only the videos are queued: with 100,000 files and few videos, a
    // queue over every file cost more than the probing.
    let videos: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].class.kind == ResourceKind::Video)
        .collect();
    let order: Vec<usize> = (0..videos.len()).collect();
    let probed = run_queue(
        &order,
        opts.threads,
        || package.reader(),
        |reader, k| {
            let item = &items[videos[k]];
            let outcome = opts.probing.probe(
                package,
                reader,
                item.entry,
                &item.scanned,
                item.class.media_type,
            );
            Box::new(outcome)
        },
    );
    let mut outcomes: Vec<Option<Box<ProbeOutcome>>> = (0..items.len()).map(|_| None).collect();
    for (i, outcome) in videos.into_iter().zip(probed) {
        outcomes[i] = Some(outcome);
    }
    let unconfirmed =
        |o: &Option<Box<ProbeOutcome>>| matches!(o.as_deref(), Some(ProbeOutcome::Unavailable));
    if !opts.probing.has_ffprobe() && outcomes.iter().any(unconfirmed) {
        findings.push(rules::FfprobeMissing {}.finding(None));
    }
    outcomes
}

fn video_summary(status: VideoStatus, info: Option<&VideoInfo>) -> Box<VideoSummary> {
    Box::new(VideoSummary {
        status,
        engine: info.map(|i| i.engine),
        container: info.map(|i| i.container.clone()),
        duration_s: info.map(|i| i.duration_s),
        width: info.and_then(|i| i.width),
        height: info.and_then(|i| i.height),
        codec: info.and_then(|i| i.codec.clone()),
        fps: info.and_then(|i| i.fps),
        audio_codec: info.and_then(|i| i.audio_codec.clone()),
        sample_rate: info.and_then(|i| i.sample_rate),
        channels: info.and_then(|i| i.channels),
        faststart: info.and_then(|i| i.faststart),
    })
}

/// The resource record, with the probe's word on whether it is a video.
fn resource_of(
    item: &Item,
    outcome: Option<&ProbeOutcome>,
    policy: &Policy,
    findings: &mut Vec<Finding>,
) -> Resource {
    let path = &*item.entry.path;
    let mut kind = item.class.kind;
    let mut is_video = false;
    let video = outcome.map(|outcome| match outcome {
        ProbeOutcome::Video(info) => {
            is_video = true;
            video_summary(VideoStatus::Confirmed, Some(info))
        }
        // Only content identified as a video container may count unconfirmed;
        // unknown bytes under a video name are not a video.
        ProbeOutcome::Unavailable if item.scanned.sniffed.container.is_none() => {
            kind = ResourceKind::Other;
            findings.push(
                rules::NotAVideo {
                    content: None,
                    media_type: item.class.media_type,
                }
                .finding(Some(path)),
            );
            video_summary(VideoStatus::NotVideo, None)
        }
        ProbeOutcome::Unavailable => {
            is_video = true;
            findings.push(rules::VideoUnconfirmed {}.finding(Some(path)));
            video_summary(VideoStatus::Unconfirmed, None)
        }
        ProbeOutcome::NoVideoStream(info) => {
            kind = if info.audio_codec.is_some() {
                ResourceKind::Audio
            } else {
                ResourceKind::Other
            };
            // The policy sets how much a missing video stream matters. A
            // file named as audio (.wma, .mka, .ra) in a video-capable
            // container is what its name says: nothing to report.
            let named_audio = item.class.ext_kind == Some(ResourceKind::Audio);
            if let Some(severity) = policy.video.no_video_stream.severity()
                && !named_audio
            {
                let audio_only = rules::AudioOnly {
                    cover_art: info.has_cover_art,
                    audio: info.audio_codec.is_some(),
                    counted_as: kind,
                };
                findings.push(audio_only.finding_at(severity, Some(path)));
            }
            video_summary(VideoStatus::NotVideo, Some(info))
        }
        ProbeOutcome::ZeroDuration(info) => {
            findings.push(rules::VideoUnreadable { reason: None }.finding(Some(path)));
            video_summary(VideoStatus::Unreadable, Some(info))
        }
        ProbeOutcome::Unreadable(reason) => {
            findings.push(
                rules::VideoUnreadable {
                    reason: Some(reason.to_string()),
                }
                .finding(Some(path)),
            );
            video_summary(VideoStatus::Unreadable, None)
        }
        ProbeOutcome::TimedOut(limit) => {
            findings.push(
                rules::ProbeTimeout {
                    seconds: limit.as_secs(),
                }
                .finding(Some(path)),
            );
            video_summary(VideoStatus::Timeout, None)
        }
    });
    if let Some(ProbeOutcome::Video(info)) = outcome {
        rules::video_findings(
            path,
            info,
            item.scanned.sniffed.container,
            item.scanned.size,
            &policy.video,
            findings,
        );
    }
    let counted = policy.counts(kind);
    Resource {
        path: item.entry.path.clone(),
        original_path: item.entry.original.clone(),
        path_bytes: item.entry.os_name_bytes().map(crate::scan::hex),
        size: item.scanned.size,
        sha256: item.scanned.sha256,
        media_type: item.class.media_type,
        kind,
        counted,
        is_video: is_video && counted,
        video,
    }
}

/// A zip entry whose bytes are the archive itself (a zip quine). Only an
/// entry exactly as long as the archive can be; only then is the archive
/// hashed, and the verdict rests on equal SHA-256 digests.
fn self_containing(package: &Package, items: &[Item], findings: &mut Vec<Finding>) {
    if package.kind != crate::source::SourceKind::Zip {
        return;
    }
    let Some(len) = package.archive_len() else {
        return;
    };
    let mut archive_digest: Option<Option<String>> = None;
    for item in items.iter().filter(|i| i.scanned.size == len) {
        let digest = archive_digest.get_or_insert_with(|| package.archive_sha256());
        if digest.as_deref().is_some_and(|d| item.scanned.sha256 == *d) {
            findings.push(rules::ContainsItself {}.finding(Some(&item.entry.path)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_equal_to_the_archive_is_a_zip_quine() {
        use std::io::Write;
        // A real quine needs a crafted deflate stream; instead, point the
        // package's root at a file whose bytes equal the stored entry's.
        let dir = tempfile::tempdir().unwrap();
        let zip_path = dir.path().join("a.zip");
        let inner = b"PK\x05\x06 pretend this is the archive itself";
        let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("r.zip", stored).unwrap();
        w.write_all(inner).unwrap();
        w.start_file("other.txt", stored).unwrap();
        w.write_all(b"hello").unwrap();
        w.finish().unwrap();
        let mut package = Package::open(&zip_path).unwrap();
        let same = dir.path().join("same.zip");
        std::fs::write(&same, inner).unwrap();
        package.root = same;
        let today = time::macros::date!(2026 - 01 - 01);
        let opts = CheckOptions::new(Policy::default(), today);
        let report = check_package(&package, &zip_path, &opts);
        let quines: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.code() == rules::SELF_CONTAINING.code)
            .collect();
        assert_eq!(quines.len(), 1);
        assert_eq!(quines[0].path.as_deref(), Some("r.zip"));
    }
}
