//! `trainpack check`: source → scan → identify → probe → rules → `Report`.

use std::io;
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::descriptor::{self, DeadlineState, Descriptor};
use crate::error::Result;
use crate::formats::{Container, Family};
use crate::identify::{Classification, classify};
use crate::kinds::ResourceKind;
use crate::policy::{Basis, Policy, ratio_string};
use crate::probe::ffprobe::{Ffmpeg, Ffprobe};
use crate::probe::{Engine, ProbeOutcome, VideoInfo, builtin};
use crate::report::{
    ModuleSummary, PackageInfo, PolicyInfo, Report, Resource, Summary, ToolInfo, Verdict,
    VideoStatus, VideoSummary,
};
use crate::rules::{self, Finding, Severity, Violation};
use crate::scan::{Progress, ScanStop, Scanned, run_queue, scan_package_with, scan_stop};
use crate::source::{DirectLocation, Package};

#[derive(Clone)]
pub struct CheckOptions {
    pub policy: Policy,
    /// Worker threads for reading and probing.
    pub threads: usize,
    /// Which engine confirms videos.
    pub engine: Engine,
    /// Also decode every video with this ffmpeg to catch corrupt streams.
    pub deep: Option<Ffmpeg>,
    /// ffprobe, when installed.
    pub ffprobe: Option<Ffprobe>,
    /// Draw a progress bar on stderr (only ever drawn on a terminal).
    pub progress: bool,
    /// The day deadlines are measured from; None: today (`descriptor::today`).
    /// `pack` sets the bag's date so its output does not depend on the clock.
    pub today: Option<time::Date>,
}

impl CheckOptions {
    /// Defaults: the built-in policy, every core, ffprobe from `PATH`.
    pub fn new(policy: Policy) -> CheckOptions {
        let timeout = Duration::from_secs(policy.probe_timeout_s);
        CheckOptions {
            policy,
            threads: crate::scan::cores(),
            engine: Engine::Auto,
            deep: None,
            ffprobe: Ffprobe::locate(timeout),
            progress: false,
            today: None,
        }
    }
}

/// One file after reading and classification, before probing.
struct Item<'a> {
    entry: &'a crate::source::Entry,
    scanned: Scanned,
    class: Classification,
}

pub fn check(path: &Path, opts: &CheckOptions) -> Result<Report> {
    let package = Package::open_for_scan(path, &opts.policy.limits)?;
    Ok(check_package(&package, path, opts))
}

/// Check an opened package; `path` is how the user named it.
pub fn check_package(package: &Package, path: &Path, opts: &CheckOptions) -> Report {
    let bar = progress_bar(package, opts.progress);
    let scanned = scan_package_with(package, opts.threads, &opts.policy.limits, &|p| {
        advance(&bar, p)
    });
    bar.finish_and_clear();
    check_scanned(package, path, opts, scanned)
}

/// Move a progress bar along as a scan reports.
pub(crate) fn advance(bar: &ProgressBar, progress: Progress) {
    match progress {
        Progress::Found(n) => bar.inc_length(n),
        Progress::Read(n) => bar.inc(n),
    }
}

/// The check of a package whose entries were read by the caller (`pack`
/// reads them while copying): `scanned` holds one result per entry.
pub(crate) fn check_scanned(
    package: &Package,
    path: &Path,
    opts: &CheckOptions,
    scanned: Vec<io::Result<Scanned>>,
) -> Report {
    let mut findings = rules::notes_findings(&package.notes);
    let root = content_root(package);

    // Classified on all cores, consuming the scan results as it goes: with
    // 100,000 small files this is a visible share of the run, and neither
    // list is kept twice (the items are collected in place).
    let classified: Vec<Result<Item, (&crate::source::Entry, std::io::Error)>> = {
        use rayon::prelude::*;
        package
            .entries
            .par_iter()
            .zip(scanned.into_par_iter())
            .map(|(entry, result)| {
                let scanned = result.map_err(|e| (entry, e))?;
                let class = classify(strip_root(&entry.path, &root), &scanned.sniffed);
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
                limit: opts.policy.limits.max_total_bytes,
                not_checked: Some((over_total.len(), first.to_string())),
            }
            .finding(None),
        );
    }
    self_containing(package, &items, &mut findings);

    let outcomes = probe_videos(package, &items, opts);
    let unconfirmed =
        |o: &Option<Box<ProbeOutcome>>| matches!(o.as_deref(), Some(ProbeOutcome::Unavailable));
    if opts.ffprobe.is_none() && outcomes.iter().any(unconfirmed) {
        findings.push(rules::FfprobeMissing {}.finding(None));
    }

    // Collected in place (std reuses the items' buffer for the resources,
    // which are smaller), so the two lists never coexist: with 100,000
    // files that is 11 MB of peak memory.
    let files: Vec<Resource> = items
        .into_iter()
        .zip(outcomes)
        .map(|(item, outcome)| {
            let resource = resource_of(&item, outcome.as_deref(), &opts.policy, &mut findings);
            rules::file_findings(&item.class, &resource, &mut findings);
            resource
        })
        .collect();

    let today = opts.today.unwrap_or_else(descriptor::today);
    let (mut descriptor, upload_deadline) = read_descriptor(package, &root, today, &mut findings);
    let audit_status = rules::audit_findings(
        descriptor.as_mut(),
        &files,
        &root,
        &opts.policy.audit,
        &mut findings,
    );
    let (summary, modules) = summarise(&files, &root, &opts.policy);
    ratio_findings(&summary, &modules, &opts.policy, &mut findings);
    opts.policy.apply_rule_severities(&mut findings);
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
        package: PackageInfo {
            path: path.display().to_string(),
            id: package_id(path, descriptor.as_ref()),
            source: package.kind,
            descriptor,
            upload_deadline: upload_deadline.map(descriptor::format_date),
            audit_status,
        },
        policy: PolicyInfo {
            profile: opts.policy.profile.clone(),
            version: opts.policy.version,
            threshold_percent: opts.policy.threshold_percent,
            basis: opts.policy.basis,
            counted_kinds: opts.policy.counted_kinds.clone(),
            video: opts.policy.video.clone(),
            limits: opts.policy.limits.clone(),
            audit: opts.policy.audit.clone(),
            rules: opts.policy.rules.clone(),
        },
        verdict,
        summary,
        modules,
        files,
        findings,
    }
}

/// The descriptor at the package root, if any, and the upload deadline it
/// implies, with findings for a broken descriptor or a near or missed deadline.
fn read_descriptor(
    package: &Package,
    root: &str,
    today: time::Date,
    findings: &mut Vec<Finding>,
) -> (Option<Descriptor>, Option<time::Date>) {
    let Some((entry, parsed)) = load_descriptor(package, root) else {
        findings.push(rules::DescriptorMissing {}.finding(None));
        return (None, None);
    };
    let descriptor = match parsed {
        Ok(d) => d,
        Err(reason) => {
            findings.push(
                rules::DescriptorInvalid {
                    reason: reason.to_string(),
                }
                .finding(Some(&entry.path)),
            );
            return (None, None);
        }
    };
    let deadline = descriptor.upload_deadline();
    if let Some(deadline) = deadline {
        let day = descriptor::format_date(deadline);
        match descriptor::deadline_state(deadline, today) {
            DeadlineState::Open => {}
            DeadlineState::Soon(days_left) => findings.push(
                rules::DeadlineSoon {
                    deadline: day,
                    days_left,
                }
                .finding(None),
            ),
            DeadlineState::Missed(days_late) => findings.push(
                rules::DeadlineMissed {
                    deadline: day,
                    days_late,
                }
                .finding(None),
            ),
        }
    }
    (Some(descriptor), deadline)
}

/// The package's id before it is checked (`pack` names the bag by it):
/// the descriptor's id when it parses, else as [`package_id`] says.
pub(crate) fn early_package_id(package: &Package, path: &Path) -> String {
    let descriptor = load_descriptor(package, &content_root(package)).and_then(|(_, d)| d.ok());
    package_id(path, descriptor.as_ref())
}

/// The descriptor entry at the content root, if any, and the descriptor
/// read from it. Small, and read a second time on purpose: keeping every
/// small file's bytes from the scan would cost more than this one re-read.
fn load_descriptor<'p>(
    package: &'p Package,
    root: &str,
) -> Option<(&'p crate::source::Entry, Result<Descriptor, String>)> {
    let entry = package
        .entries
        .iter()
        .find(|e| strip_root(&e.path, root) == descriptor::FILE_NAME)?;
    let mut bytes = Vec::new();
    let mut reader = package.reader();
    let read = reader.open(entry).and_then(|r| {
        io::Read::read_to_end(&mut io::Read::take(r, descriptor::MAX_BYTES), &mut bytes)
    });
    let parsed = read
        .map_err(|e| e.to_string())
        .and_then(|_| Descriptor::parse(&bytes));
    Some((entry, parsed))
}

/// The descriptor's id, else the folder's name or the zip's stem.
pub fn package_id(path: &Path, descriptor: Option<&Descriptor>) -> String {
    if let Some(id) = descriptor
        .and_then(|d| d.id.as_deref())
        .filter(|s| !s.trim().is_empty())
    {
        return id.trim().to_owned();
    }
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let name = if canonical.is_dir() {
        canonical.file_name()
    } else {
        canonical.file_stem()
    };
    // A GBK name (a folder unzipped on Linux) reads as its text, not as
    // replacement characters that many names share.
    name.map(|n| {
        crate::source::names::display_os_name(n.as_encoded_bytes())
            .0
            .into_owned()
    })
    .unwrap_or_else(|| "package".to_owned())
}

/// The folder the package's content sits in: `""`, or `"name/"` when every
/// entry that is not junk is inside one top-level folder — a zip made of
/// the folder itself (`zip -r pkg.zip pkg/`, Windows "Send to compressed
/// folder"), or a folder holding one course folder. The descriptor is
/// looked for there and modules are counted from there, so such a zip gives
/// the same verdict as the folder it was made from. Paths in reports stay
/// as the package spells them.
pub(crate) fn content_root(package: &Package) -> String {
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

pub(crate) fn progress_bar(package: &Package, enabled: bool) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    // Sizes the listing did not give are added as the scan finds them.
    let total = package.entries.iter().filter_map(|e| e.declared_size).sum();
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {bytes}/{total_bytes} {wide_bar} {bytes_per_sec} ETA {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Probe every file whose content is a video container; None for the rest.
/// Boxed: a `ProbeOutcome` is large and most files are not videos.
fn probe_videos(
    package: &Package,
    items: &[Item],
    opts: &CheckOptions,
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
        |reader, k| Box::new(probe_one(package, reader, &items[videos[k]], opts)),
    );
    let mut outcomes: Vec<Option<Box<ProbeOutcome>>> = (0..items.len()).map(|_| None).collect();
    for (i, outcome) in videos.into_iter().zip(probed) {
        outcomes[i] = Some(outcome);
    }
    outcomes
}

/// One video through the chosen engine, then, with `--deep`, decoded
/// whole by ffmpeg whatever engine confirmed it.
fn probe_one(
    package: &Package,
    reader: &mut crate::source::EntryReader,
    item: &Item,
    opts: &CheckOptions,
) -> ProbeOutcome {
    let outcome = confirm(package, reader, item, opts);
    match outcome {
        ProbeOutcome::Video(_) => match &opts.deep {
            Some(ffmpeg) => deep_check(ffmpeg, package, reader, item).unwrap_or(outcome),
            None => outcome,
        },
        _ => outcome,
    }
}

/// `auto`: the built-in probe's answer from the scan when it is final; else
/// the built-in probe on a seekable reader; ffprobe when the built-in probe
/// cannot read the format or calls the file unreadable (a second opinion).
fn confirm(
    package: &Package,
    reader: &mut crate::source::EntryReader,
    item: &Item,
    opts: &CheckOptions,
) -> ProbeOutcome {
    let run_ffprobe = |reader: &mut crate::source::EntryReader| match &opts.ffprobe {
        Some(ffprobe) => match package.direct_location(item.entry) {
            Some(location) => ffprobe.probe(&location),
            None => probe_spooled(ffprobe, reader, item.entry),
        },
        None => ProbeOutcome::Unavailable,
    };
    if opts.engine == Engine::Ffprobe {
        return run_ffprobe(reader);
    }
    let outcome = match builtin_probe(reader, item) {
        Some(Ok(details)) => return details.outcome(),
        // Data the index points to is missing: ffprobe reads the same index
        // and would say "video", so its second opinion is not asked.
        Some(Err(builtin::ProbeError::CutShort(reason))) => {
            return ProbeOutcome::Unreadable(reason.to_string());
        }
        Some(Err(e)) => ProbeOutcome::Unreadable(e.into_reason()),
        None => ProbeOutcome::Unavailable,
    };
    if opts.engine == Engine::Builtin || opts.ffprobe.is_none() {
        return outcome;
    }
    run_ffprobe(reader)
}

/// `--deep`: decode the whole video with ffmpeg; a decoding error makes the
/// file unreadable. None when the video decodes cleanly.
fn deep_check(
    ffmpeg: &Ffmpeg,
    package: &Package,
    reader: &mut crate::source::EntryReader,
    item: &Item,
) -> Option<ProbeOutcome> {
    let result = match package.direct_location(item.entry) {
        Some(location) => ffmpeg.decode(&location),
        None => match spool(reader, item.entry) {
            Ok(spooled) => ffmpeg.decode(&DirectLocation::File(spooled.path().to_owned())),
            Err(e) => Err(format!("cannot copy it out to decode: {e}")),
        },
    };
    match result {
        Ok(()) => None,
        Err(reason) => Some(ProbeOutcome::Unreadable(format!(
            "decoding failed: {reason}"
        ))),
    }
}

fn builtin_probe(
    reader: &mut crate::source::EntryReader,
    item: &Item,
) -> Option<Result<builtin::Details, builtin::ProbeError>> {
    let subtype = item.class.media_type.rsplit('/').next().unwrap_or("");
    let family = (item.scanned.sniffed.container.map(Container::family))
        .or_else(|| Family::from_hint(subtype));
    if let Some(early) = item.scanned.early_probe.as_ref().filter(|e| e.complete) {
        return early.result.clone();
    }
    match reader.open_seekable(item.entry) {
        Ok(Some(mut seekable)) => builtin::probe_details(&mut seekable, item.scanned.size, family),
        Ok(None) => item
            .scanned
            .early_probe
            .as_ref()
            .and_then(|e| e.result.clone()),
        Err(e) => Some(Err(builtin::Unreadable::Reopen(e.to_string()).into())),
    }
}

/// A compressed zip entry cannot be read in place: copy only that entry to a
/// temporary file (deleted when dropped) and probe the copy.
fn probe_spooled(
    ffprobe: &Ffprobe,
    reader: &mut crate::source::EntryReader,
    entry: &crate::source::Entry,
) -> ProbeOutcome {
    match spool(reader, entry) {
        Ok(temp) => ffprobe.probe(&DirectLocation::File(temp.path().to_owned())),
        Err(e) => ProbeOutcome::Unreadable(format!("cannot copy the entry for probing: {e}")),
    }
}

/// Copy one entry to a temporary file (deleted when dropped).
fn spool(
    reader: &mut crate::source::EntryReader,
    entry: &crate::source::Entry,
) -> io::Result<tempfile::NamedTempFile> {
    let mut temp = tempfile::Builder::new()
        .prefix("trainpack-probe-")
        .tempfile()?;
    io::copy(&mut reader.open(entry)?, temp.as_file_mut())?;
    Ok(temp)
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

fn summarise(files: &[Resource], root: &str, policy: &Policy) -> (Summary, Vec<ModuleSummary>) {
    let mut s = Summary::default();
    let mut modules: std::collections::BTreeMap<&str, (u64, u64, u64, u64)> = Default::default();
    for f in files {
        s.files += 1;
        s.total_bytes += f.size;
        *s.by_kind.entry(f.kind).or_default() += 1;
        if !f.counted {
            continue;
        }
        s.course_resources += 1;
        s.course_bytes += f.size;
        let module = strip_root(&f.path, root)
            .split_once('/')
            .map_or("", |(m, _)| m);
        let m = modules.entry(module).or_default();
        m.0 += 1;
        m.2 += f.size;
        if f.is_video {
            s.videos += 1;
            s.video_bytes += f.size;
            m.1 += 1;
            m.3 += f.size;
        }
    }
    let on_basis = |count: u64, videos: u64, bytes: u64, video_bytes: u64| match policy.basis {
        Basis::Count => (videos, count),
        Basis::Bytes => (video_bytes, bytes),
    };
    let (part, whole) = on_basis(s.course_resources, s.videos, s.course_bytes, s.video_bytes);
    s.video_ratio = ratio_string(part, whole);
    s.video_bytes_ratio = ratio_string(s.video_bytes, s.course_bytes);
    s.threshold = ratio_string(u64::from(policy.threshold_percent), 100);
    s.meets_threshold = policy.meets_threshold(part, whole);
    let modules = modules
        .into_iter()
        .map(|(name, (count, videos, bytes, video_bytes))| {
            let (part, whole) = on_basis(count, videos, bytes, video_bytes);
            ModuleSummary {
                name: name.to_owned(),
                course_resources: count,
                videos,
                video_ratio: ratio_string(part, whole),
                meets_threshold: policy.meets_threshold(part, whole),
            }
        })
        .collect();
    (s, modules)
}

fn ratio_findings(
    summary: &Summary,
    modules: &[ModuleSummary],
    policy: &Policy,
    findings: &mut Vec<Finding>,
) {
    if summary.course_resources == 0 {
        findings.push(rules::NoCourseResources {}.finding(None));
        return;
    }
    if !summary.meets_threshold {
        // Two ways to meet it, each exact: converting k existing resources
        // keeps the total; adding m new videos grows it too (8/18 + 3 new
        // is 11/21, still short, so the two numbers differ).
        let pct = policy.threshold_percent;
        let below = rules::VideoRatioBelow {
            basis: policy.basis,
            ratio: summary.video_ratio.clone(),
            videos: summary.videos,
            resources: summary.course_resources,
            video_bytes: summary.video_bytes,
            course_bytes: summary.course_bytes,
            threshold: pct,
            convert: videos_needed(summary.videos, summary.course_resources, pct),
            add: videos_to_add(summary.videos, summary.course_resources, pct),
        };
        findings.push(below.finding(None));
    }
    for m in modules
        .iter()
        .filter(|m| !m.meets_threshold && !m.name.is_empty())
    {
        findings.push(
            rules::ModuleRatioLow {
                videos: m.videos,
                resources: m.course_resources,
                ratio: m.video_ratio.clone(),
            }
            .finding(Some(&m.name)),
        );
    }
}

/// How many non-video resources must become videos (the total staying the
/// same) for `videos / total` to reach `pct` percent.
fn videos_needed(videos: u64, total: u64, pct: u32) -> Option<u64> {
    let need = (u128::from(pct) * u128::from(total)).div_ceil(100);
    u64::try_from(need.saturating_sub(u128::from(videos))).ok()
}

/// New videos to add (the total grows with them) so the share reaches
/// `pct`%: the least m with (v + m)·100 ≥ pct·(t + m). None when no number
/// of added videos can do it (a threshold of 100% with non-video resources).
fn videos_to_add(videos: u64, total: u64, pct: u32) -> Option<u64> {
    let short = (u128::from(pct) * u128::from(total)).saturating_sub(100 * u128::from(videos));
    if short == 0 {
        return Some(0);
    }
    let per_video = 100u128.checked_sub(u128::from(pct)).filter(|d| *d > 0)?;
    u64::try_from(short.div_ceil(per_video)).ok()
}

/// `"0.6667"` → `"66.67%"`.
pub fn percent(ratio: &str) -> String {
    let digits: String = ratio.chars().filter(char::is_ascii_digit).collect();
    let n: u64 = digits.parse().unwrap_or(0);
    format!("{}.{:02}%", n / 100, n % 100)
}

/// A zip entry whose bytes are the archive itself (a zip quine). Only an
/// entry exactly as long as the archive can be; only then is the archive
/// hashed, and the verdict rests on equal SHA-256 digests.
fn self_containing(package: &Package, items: &[Item], findings: &mut Vec<Finding>) {
    if package.kind != crate::source::SourceKind::Zip {
        return;
    }
    let Ok(len) = std::fs::metadata(&package.root).map(|m| m.len()) else {
        return;
    };
    let mut archive_digest: Option<Option<String>> = None;
    for item in items.iter().filter(|i| i.scanned.size == len) {
        let digest = archive_digest.get_or_insert_with(|| {
            crate::manifest::hash_file(&package.root)
                .ok()
                .map(|(d, _)| d)
        });
        if digest.as_deref().is_some_and(|d| item.scanned.sha256 == *d) {
            findings.push(rules::ContainsItself {}.finding(Some(&item.entry.path)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_piece_of_advice_meets_the_threshold_and_is_the_least() {
        let policy = crate::policy::Policy::default();
        for pct in [1u32, 50, 60, 99] {
            let policy = crate::policy::Policy {
                threshold_percent: pct,
                ..policy.clone()
            };
            for total in 1u64..40 {
                for videos in 0..=total {
                    let k = videos_needed(videos, total, pct).unwrap();
                    let m = videos_to_add(videos, total, pct).unwrap();
                    assert!(
                        policy.meets_threshold(videos + k, total),
                        "{videos}/{total} +{k} converted"
                    );
                    assert!(
                        policy.meets_threshold(videos + m, total + m),
                        "{videos}/{total} +{m} added"
                    );
                    if k > 0 {
                        assert!(!policy.meets_threshold(videos + k - 1, total));
                    }
                    if m > 0 {
                        assert!(!policy.meets_threshold(videos + m - 1, total + m - 1));
                    }
                }
            }
        }
        // The case: 8/18 at 60% needs 3 converted, or 7 added (15/25).
        assert_eq!(videos_needed(8, 18, 60), Some(3));
        assert_eq!(videos_to_add(8, 18, 60), Some(7));
        assert_eq!(videos_to_add(1, 2, 100), None);
    }

    #[test]
    fn videos_needed_reaches_the_threshold_exactly() {
        assert_eq!(videos_needed(2, 5, 60), Some(1));
        assert_eq!(videos_needed(3, 5, 60), Some(0));
        assert_eq!(videos_needed(0, 7, 60), Some(5));
    }

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
        let mut opts = CheckOptions::new(Policy::default());
        opts.ffprobe = None;
        let report = check_package(&package, &zip_path, &opts);
        let quines: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.code() == rules::SELF_CONTAINING.code)
            .collect();
        assert_eq!(quines.len(), 1);
        assert_eq!(quines[0].path.as_deref(), Some("r.zip"));
    }

    #[test]
    fn percent_formats_ratios() {
        assert_eq!(percent("0.6000"), "60.00%");
        assert_eq!(percent("1.0000"), "100.00%");
        assert_eq!(percent("0.0833"), "8.33%");
    }
}
