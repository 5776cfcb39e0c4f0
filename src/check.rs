//! `trainpack check`: source → scan → identify → probe → rules → `Report`.

use std::io;
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::audit::AuditStatus;
use crate::descriptor::{self, DeadlineState, Descriptor};
use crate::error::Result;
use crate::i18n::Text;
use crate::identify::{Classification, JunkReason, classify};
use crate::kinds::ResourceKind;
use crate::policy::{Basis, Policy, ratio_string};
use crate::probe::ffprobe::{Ffmpeg, Ffprobe};
use crate::probe::{Engine, ProbeOutcome, VideoInfo, builtin};
use crate::report::{
    ModuleSummary, PackageInfo, PolicyInfo, Report, Resource, Summary, ToolInfo, Verdict,
    VideoStatus, VideoSummary,
};
use crate::rules::{self, Finding, Severity};
use crate::scan::{Progress, ScanStop, Scanned, run_queue, scan_package_with, scan_stop};
use crate::source::{DirectLocation, Package, SourceNote};

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
    let mut findings = notes_findings(&package.notes);
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
                    _ => findings.push(unreadable_finding(&entry.path, &e)),
                }
                None
            }
        })
        .collect();
    if let Some(first) = over_total.first() {
        let limit = opts.policy.limits.max_total_bytes;
        let n = over_total.len();
        findings.push(rules::TOTAL_SIZE_LIMIT.finding(
            None,
            Text::new(
                format!(
                    "the package holds more than {limit} bytes (limits.max_total_bytes); reading stopped and {n} file(s) were not checked (for example {first})"
                ),
                format!(
                    "包内容超过 {limit} 字节（limits.max_total_bytes）；已停止读取，{n} 个文件未检查（例如 {first}）"
                ),
            ),
        ));
    }
    self_containing(package, &items, &mut findings);

    let outcomes = probe_videos(package, &items, opts);
    let unconfirmed =
        |o: &Option<Box<ProbeOutcome>>| matches!(o.as_deref(), Some(ProbeOutcome::Unavailable));
    if opts.ffprobe.is_none() && outcomes.iter().any(unconfirmed) {
        findings.push(rules::FFPROBE_MISSING.finding(
            None,
            Text::new(
                "ffprobe was not found on PATH: videos the built-in probe cannot read (FLV, MPEG-TS, WMV, ...) are identified by content only and counted unconfirmed",
                "未在 PATH 中找到 ffprobe：内置探测无法读取的视频（FLV、MPEG-TS、WMV 等）仅按内容识别，未经确认即计入",
            ),
        ));
    }

    // Collected in place (std reuses the items' buffer for the resources,
    // which are smaller), so the two lists never coexist: with 100,000
    // files that is 11 MB of peak memory.
    let files: Vec<Resource> = items
        .into_iter()
        .zip(outcomes)
        .map(|(item, outcome)| {
            let resource = resource_of(&item, outcome.as_deref(), &opts.policy, &mut findings);
            file_findings(&item, &resource, &mut findings);
            resource
        })
        .collect();

    let today = opts.today.unwrap_or_else(descriptor::today);
    let (mut descriptor, upload_deadline) = read_descriptor(package, &root, today, &mut findings);
    let audit_status = audit_findings(
        descriptor.as_mut(),
        &files,
        &root,
        &opts.policy.audit,
        &mut findings,
    );
    let (summary, modules) = summarise(&files, &root, &opts.policy);
    ratio_findings(&summary, &modules, &opts.policy, &mut findings);
    findings.sort_by(|a, b| (a.severity, &a.path, a.code).cmp(&(b.severity, &b.path, b.code)));
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
        findings.push(rules::DESCRIPTOR_MISSING.finding(
            None,
            Text::new(
                "no training-package.json: provider, project and upload deadline are unknown",
                "没有 training-package.json：承训单位、项目和上传截止日期未知",
            ),
        ));
        return (None, None);
    };
    let descriptor = match parsed {
        Ok(d) => d,
        Err(reason) => {
            findings.push(rules::DESCRIPTOR_INVALID.finding(
                Some(&entry.path),
                Text::new(
                    format!("cannot read it: {}", reason.en),
                    format!("无法解析：{}", reason.zh),
                ),
            ));
            return (None, None);
        }
    };
    let deadline = descriptor.upload_deadline();
    if let Some(deadline) = deadline {
        let day = descriptor::format_date(deadline);
        match descriptor::deadline_state(deadline, today) {
            DeadlineState::Open => {}
            DeadlineState::Soon(left) => findings.push(rules::DEADLINE_SOON.finding(
                None,
                Text::new(
                    format!("the upload deadline is {day}, {left} day(s) from today"),
                    format!("上传截止日期为 {day}，还剩 {left} 天"),
                ),
            )),
            DeadlineState::Missed(late) => findings.push(rules::DEADLINE_MISSED.finding(
                None,
                Text::new(
                    format!("the upload deadline was {day}, {late} day(s) ago"),
                    format!("上传截止日期为 {day}，已逾期 {late} 天"),
                ),
            )),
        }
    }
    (Some(descriptor), deadline)
}

/// Findings about the provider's review (TP004–TP006) at the policy's
/// levels. The review's per-file list is dropped from the descriptor once
/// compared: reports carry the digest, not a second list of every file.
fn audit_findings(
    descriptor: Option<&mut Descriptor>,
    files: &[Resource],
    root: &str,
    levels: &crate::policy::AuditPolicy,
    findings: &mut Vec<Finding>,
) -> AuditStatus {
    let mut emit = |rule: &'static rules::Rule, level: crate::policy::Level, message: Text| {
        if let Some(severity) = level.severity() {
            findings.push(rule.finding_at(severity, None, message));
        }
    };
    let Some(audit) = descriptor.and_then(|d| d.audit.as_mut()) else {
        emit(
            &rules::AUDIT_MISSING,
            levels.missing,
            Text::new(
                "no review (审核) is recorded in training-package.json",
                "training-package.json 中没有审核记录",
            ),
        );
        return AuditStatus::Missing;
    };
    let reviewed = std::mem::take(&mut audit.files);
    let who = format!("{} ({})", audit.reviewer, audit.role);
    let who_zh = format!("{}（{}）", audit.reviewer, audit.role);
    if audit.result == descriptor::AuditResult::Rejected {
        let notes = audit.notes.as_deref().unwrap_or_default();
        let (en_notes, zh_notes) = if notes.is_empty() {
            (String::new(), String::new())
        } else {
            (format!(": {notes}"), format!("：{notes}"))
        };
        emit(
            &rules::AUDIT_REJECTED,
            levels.rejected,
            Text::new(
                format!("{who} rejected the package on {}{en_notes}", audit.date),
                format!("{who_zh}于 {} 审核不通过{zh_notes}", audit.date),
            ),
        );
        return AuditStatus::Rejected;
    }
    let now = crate::audit::reviewed_content(files, root);
    if crate::audit::content_digest(&now) == audit.content_sha256 {
        return AuditStatus::Approved;
    }
    let changes = crate::audit::Changes::between(&reviewed, &now);
    let n = changes.count();
    let message = if n == 0 {
        // The record's list agrees with the content but its digest does not:
        // the record was edited by hand, and vouches for nothing.
        Text::new(
            format!(
                "the content differs from what {who} approved on {} (its digest does not match the review record)",
                audit.date
            ),
            format!(
                "内容与{who_zh}于 {} 审核通过的内容不一致（摘要与审核记录不符）",
                audit.date
            ),
        )
    } else {
        let list = changes.describe(10);
        Text::new(
            format!(
                "{n} file(s) differ from what {who} approved on {}: {}",
                audit.date, list.en
            ),
            format!(
                "与{who_zh}于 {} 审核通过的内容相比有 {n} 处变化：{}",
                audit.date, list.zh
            ),
        )
    };
    emit(&rules::AUDIT_STALE, levels.stale, message);
    AuditStatus::Stale
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
) -> Option<(&'p crate::source::Entry, Result<Descriptor, Text>)> {
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
        .map_err(|e| crate::error::io_reason(&e))
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
    // No words: the bar reads the same in both languages (~ marks the
    // time left).
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {bytes}/{total_bytes} {wide_bar} {bytes_per_sec} ~{eta}",
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
            return ProbeOutcome::Unreadable(reason);
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
    let hint = item.class.media_type.rsplit('/').next().unwrap_or("");
    let hint = item.scanned.sniffed.container.unwrap_or(hint);
    if let Some(early) = item.scanned.early_probe.as_ref().filter(|e| e.complete) {
        return early.result.clone();
    }
    match reader.open_seekable(item.entry) {
        Ok(Some(mut seekable)) => builtin::probe_details(&mut seekable, item.scanned.size, hint),
        Ok(None) => item
            .scanned
            .early_probe
            .as_ref()
            .and_then(|e| e.result.clone()),
        Err(e) => Some(Err(format!("cannot open the file again: {e}").into())),
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
            findings.push(rules::NOT_A_VIDEO.finding(
                Some(path),
                Text::new(
                    format!(
                        "named as a video, but the content is not a video container trainpack recognises ({}) and no probe could read it: not counted as video",
                        item.class.media_type
                    ),
                    format!(
                        "扩展名为视频，但内容不是可识别的视频格式（{}），且没有探测工具能读取：不计为视频",
                        item.class.media_type
                    ),
                ),
            ));
            video_summary(VideoStatus::NotVideo, None)
        }
        ProbeOutcome::Unavailable => {
            is_video = true;
            findings.push(rules::VIDEO_UNCONFIRMED.finding(
                Some(path),
                Text::new(
                    "video identified by content only (no probe could read this format); counted as video",
                    "仅按内容识别为视频（没有可用的探测工具能读取该格式），暂按视频计入",
                ),
            ));
            video_summary(VideoStatus::Unconfirmed, None)
        }
        ProbeOutcome::NoVideoStream(info) => {
            kind = if info.audio_codec.is_some() {
                ResourceKind::Audio
            } else {
                ResourceKind::Other
            };
            let what_en = if info.has_cover_art {
                "only audio and a cover picture"
            } else if info.audio_codec.is_some() {
                "only audio"
            } else {
                "no video stream"
            };
            let what_zh = if info.has_cover_art {
                "只有音频和封面图"
            } else if info.audio_codec.is_some() {
                "只有音频"
            } else {
                "没有视频流"
            };
            // The policy sets how much a missing video stream matters. A
            // file named as audio (.wma, .mka, .ra) in a video-capable
            // container is what its name says: nothing to report.
            let named_audio = item.class.ext_kind == Some(ResourceKind::Audio);
            if let Some(severity) = policy.video.no_video_stream.severity()
                && !named_audio
            {
                findings.push(rules::AUDIO_ONLY.finding_at(
                    severity,
                    Some(path),
                    Text::new(
                        format!("holds {what_en}: counted as {kind}, not as video"),
                        format!("{what_zh}：计为{}，不计为视频", kind.name_zh()),
                    ),
                ));
            }
            video_summary(VideoStatus::NotVideo, Some(info))
        }
        ProbeOutcome::ZeroDuration(info) => {
            findings.push(rules::VIDEO_UNREADABLE.finding(
                Some(path),
                Text::new(
                    "the video has no duration: not counted as video",
                    "视频时长为零：不计为视频",
                ),
            ));
            video_summary(VideoStatus::Unreadable, Some(info))
        }
        ProbeOutcome::Unreadable(reason) => {
            findings.push(rules::VIDEO_UNREADABLE.finding(
                Some(path),
                Text::new(
                    format!("cannot read the video ({reason}): not counted as video"),
                    format!("无法读取该视频（{reason}）：不计为视频"),
                ),
            ));
            video_summary(VideoStatus::Unreadable, None)
        }
        ProbeOutcome::TimedOut(limit) => {
            findings.push(rules::PROBE_TIMEOUT.finding(
                Some(path),
                Text::new(
                    format!(
                        "probing did not finish within {} s: not counted as video",
                        limit.as_secs()
                    ),
                    format!("探测在 {} 秒内未完成：不计为视频", limit.as_secs()),
                ),
            ));
            video_summary(VideoStatus::Timeout, None)
        }
    });
    if let Some(ProbeOutcome::Video(info)) = outcome {
        crate::video_rules::apply(
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

/// Findings about a file itself: junk, executables, names that lie.
fn file_findings(item: &Item, resource: &Resource, findings: &mut Vec<Finding>) {
    let path = Some(&*resource.path);
    let class = &item.class;
    match class.junk_reason {
        Some(JunkReason::Empty) => findings.push(rules::EMPTY_FILE.finding(
            path,
            Text::new(
                "empty file (0 bytes): not counted",
                "空文件（0 字节）：不计入",
            ),
        )),
        Some(reason) => findings.push(rules::JUNK_FILE.finding(
            path,
            Text::new(
                format!(
                    "system or temporary file ({}): not counted",
                    reason.name_en()
                ),
                format!("系统或临时文件（{}）：不计入", reason.name_zh()),
            ),
        )),
        None => {}
    }
    if resource.kind == ResourceKind::Executable {
        findings.push(rules::EXECUTABLE.finding(
            path,
            Text::new(
                format!("executable content ({})", item.class.media_type),
                format!("可执行内容（{}）", item.class.media_type),
            ),
        ));
    }
    if resource.kind == ResourceKind::Archive {
        // A policy may count archives; the message says which it is.
        let (counted_en, counted_zh) = if resource.counted {
            ("counted as a course resource", "按策略计为课程资源")
        } else {
            ("not counted", "不计入")
        };
        findings.push(rules::ARCHIVE_IN_PACKAGE.finding(
            path,
            Text::new(
                format!(
                    "an archive ({}) inside the package: the platform cannot play what is inside; unpack it into the package. {counted_en}",
                    item.class.media_type
                ),
                format!(
                    "包中含有压缩文件（{}）：平台无法播放其中的内容，请将其解压到包中。{counted_zh}",
                    item.class.media_type
                ),
            ),
        ));
    }
    if item.class.media_type == "application/x-shockwave-flash" {
        findings.push(
            rules::OBSOLETE_FORMAT
                .finding(path, Text::new("Flash (SWF) animation", "Flash（SWF）动画")),
        );
    }
    if class.junk_reason.is_some() {
        return;
    }
    if class.encrypted {
        findings.push(rules::ENCRYPTED_DOCUMENT.finding(
            path,
            Text::new(
                "password-protected Office document: the platform cannot open it; remove the password",
                "设有打开密码的 Office 文档：平台无法打开，请清除密码",
            ),
        ));
    }
    let named_video = class.ext_kind == Some(ResourceKind::Video);
    if named_video && class.kind != ResourceKind::Video {
        findings.push(rules::NOT_A_VIDEO.finding(
            path,
            Text::new(
                format!(
                    "named as a video but its content is {} ({}): not counted as video",
                    class.kind, class.media_type
                ),
                format!(
                    "扩展名为视频，但内容是{}（{}）：不计为视频",
                    class.kind.name_zh(),
                    class.media_type
                ),
            ),
        ));
    } else if class.extension_mismatch && !(named_video && class.kind == ResourceKind::Video) {
        // (A video name over content the sniffer does not know is the
        // probe's to judge: see `resource_of`.)
        let ext = class.ext_kind.map_or("?", ResourceKind::as_str);
        let ext_zh = class.ext_kind.map_or("?", ResourceKind::name_zh);
        findings.push(rules::EXTENSION_MISMATCH.finding(
            path,
            Text::new(
                format!(
                    "the extension says {ext} but the content is {} ({}); treated as {}",
                    class.kind, class.media_type, class.kind
                ),
                format!(
                    "扩展名表示{ext_zh}，但内容是{}（{}），按内容处理",
                    class.kind.name_zh(),
                    class.media_type
                ),
            ),
        ));
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
        findings.push(rules::NO_COURSE_RESOURCES.finding(
            None,
            Text::new(
                "no course resources found: nothing to check",
                "未找到任何课程资源：无法检查",
            ),
        ));
        return;
    }
    let pct = policy.threshold_percent;
    let basis_en = match policy.basis {
        Basis::Count => "by count",
        Basis::Bytes => "by bytes",
    };
    let basis_zh = match policy.basis {
        Basis::Count => "按数量计",
        Basis::Bytes => "按字节计",
    };
    if !summary.meets_threshold {
        // Two ways to meet it, each exact: converting k existing resources
        // keeps the total; adding m new videos grows it too (8/18 + 3 new
        // is 11/21, still short, so the two numbers differ).
        let convert = videos_needed(summary.videos, summary.course_resources, pct);
        let add = videos_to_add(summary.videos, summary.course_resources, pct);
        let (add_en, add_zh) = match (policy.basis, convert, add) {
            (Basis::Count, Some(k), Some(m)) => (
                format!(
                    "; to meet it, turn {k} existing non-video resource(s) into video, or add {m} new video(s)"
                ),
                format!("；达标办法：将 {k} 个现有非视频资源改做成视频，或新增 {m} 个视频"),
            ),
            (Basis::Count, Some(k), None) => (
                format!("; to meet it, turn {k} existing non-video resource(s) into video"),
                format!("；达标办法：将 {k} 个现有非视频资源改做成视频"),
            ),
            _ => (String::new(), String::new()),
        };
        // The parts on the same basis as the share.
        let (parts, parts_zh) = match policy.basis {
            Basis::Count => (
                format!("{} of {}", summary.videos, summary.course_resources),
                format!("{}/{}", summary.videos, summary.course_resources),
            ),
            Basis::Bytes => {
                let b = format!("{} of {} bytes", summary.video_bytes, summary.course_bytes);
                let zh = format!("{}/{} 字节", summary.video_bytes, summary.course_bytes);
                (b, zh)
            }
        };
        findings.push(rules::VIDEO_RATIO.finding(
            None,
            Text::new(
                format!(
                    "video is {} of course resources {basis_en} ({parts}); at least {pct}% is required{add_en}",
                    percent(&summary.video_ratio),
                ),
                format!(
                    "视频占课程资源的 {}（{basis_zh}，{parts_zh}），要求不低于 {pct}%{add_zh}",
                    percent(&summary.video_ratio),
                ),
            ),
        ));
    }
    for m in modules
        .iter()
        .filter(|m| !m.meets_threshold && !m.name.is_empty())
    {
        findings.push(rules::MODULE_RATIO.finding(
            Some(&m.name),
            Text::new(
                format!(
                    "module has {} video(s) among {} course resources ({})",
                    m.videos,
                    m.course_resources,
                    percent(&m.video_ratio)
                ),
                format!(
                    "该模块 {} 个课程资源中有 {} 个视频（{}）",
                    m.course_resources,
                    m.videos,
                    percent(&m.video_ratio)
                ),
            ),
        ));
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

fn unreadable_finding(path: &str, e: &io::Error) -> Finding {
    if let Some(stop) = scan_stop(e) {
        return match stop {
            ScanStop::Ratio {
                limit,
                compressed,
                read,
            } => rules::COMPRESSION_RATIO.finding(
                Some(path),
                Text::new(
                    format!(
                        "{compressed} compressed bytes had already expanded to {read} bytes, past the limit of {limit}:1 (limits.max_ratio); reading stopped, not checked"
                    ),
                    format!(
                        "{compressed} 字节的压缩数据已解压出 {read} 字节，超过 {limit}:1 的上限（limits.max_ratio）；已停止读取，未检查"
                    ),
                ),
            ),
            ScanStop::TotalBytes { limit } => rules::TOTAL_SIZE_LIMIT.finding(
                Some(path),
                Text::new(
                    format!("reading stopped at the limit of {limit} bytes for the package"),
                    format!("已达包内容上限 {limit} 字节，停止读取"),
                ),
            ),
            ScanStop::Changed { what } => rules::CHANGED_DURING_SCAN.finding(
                Some(path),
                Text::new(
                    format!("the file changed while it was being read ({what}): not counted"),
                    format!("读取过程中文件发生变化（{what}）：不计入"),
                ),
            ),
        };
    }
    if let Some(short) = crate::source::shorter_than_declared(e) {
        let (read, declared) = (short.read, short.declared);
        return rules::SMALLER_THAN_DECLARED.finding(
            Some(path),
            Text::new(
                format!("the entry decompresses to {read} bytes, fewer than the {declared} its headers declare: tools that trust the headers see another file; not counted"),
                format!("该条目解压后只有 {read} 字节，少于头部声明的 {declared} 字节：信任头部的工具会看到不同的文件；不计入"),
            ),
        );
    }
    let text = e.to_string();
    if text.contains("larger than its declared uncompressed size") {
        return rules::LARGER_THAN_DECLARED.finding(
            Some(path),
            Text::new(
                "the entry decompresses past the size its header declares; reading stopped, not checked",
                "该条目解压后超过头部声明的大小；已停止读取，未检查",
            ),
        );
    }
    if text.contains("Invalid checksum") {
        return rules::UNREADABLE.finding(
            Some(path),
            Text::new(
                "the entry's data does not match its CRC-32 checksum: it is damaged or was altered after zipping",
                "该条目的数据与其 CRC-32 校验值不符：文件已损坏或在压缩后被改动",
            ),
        );
    }
    rules::UNREADABLE.finding(
        Some(path),
        Text::new(
            format!("cannot read this file: {e}"),
            format!("无法读取该文件：{e}"),
        ),
    )
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
            findings.push(rules::SELF_CONTAINING.finding(
                Some(&item.entry.path),
                Text::new(
                    "this entry is byte for byte the archive itself (same size and SHA-256): a recursive zip; it is listed, never expanded",
                    "该条目与压缩包本身逐字节相同（大小和 SHA-256 一致）：递归自包含压缩包；仅列出，不展开",
                ),
            ));
        }
    }
}

/// Findings for what the source noticed. Legacy-encoded and backslash names come in whole
/// archives at a time, so they are one finding for the package, not one a file.
fn notes_findings(notes: &[SourceNote]) -> Vec<Finding> {
    let legacy: Vec<&str> = notes
        .iter()
        .filter_map(|n| match n {
            SourceNote::LegacyEncodedName { path } => Some(path.as_str()),
            _ => None,
        })
        .collect();
    let backslash: Vec<(&str, &str)> = notes
        .iter()
        .filter_map(|n| match n {
            SourceNote::BackslashName { path, name } => Some((path.as_str(), name.as_str())),
            _ => None,
        })
        .collect();
    let gbk: Vec<(&str, &str)> = notes
        .iter()
        .filter_map(|n| match n {
            SourceNote::GbkName { path, bytes } => Some((path.as_str(), bytes.as_str())),
            _ => None,
        })
        .collect();
    let mut findings: Vec<Finding> = notes.iter().filter_map(note_finding).collect();
    if let Some((path, bytes)) = gbk.first() {
        // A folder unzipped from a Windows zip has all its names in GBK:
        // one finding for the package, as for a legacy-encoded zip.
        let n = gbk.len();
        findings.push(rules::GBK_FOLDER_NAME.finding(
            None,
            Text::new(
                format!(
                    "{n} file or folder name(s) are GBK bytes, not UTF-8 (for example {path}, whose name's bytes are {bytes}); trainpack decoded them and read every file by its real name, but other tools show them garbled; a bag gets the decoded UTF-8 names"
                ),
                format!(
                    "{n} 个文件或文件夹名称为 GBK 编码而非 UTF-8（例如 {path}，其名称字节为 {bytes}）；trainpack 已解码并按真实名称读取每个文件，但其他工具会显示乱码；打包时使用解码后的 UTF-8 名称"
                ),
            ),
        ));
    }
    if let Some((path, name)) = backslash.first() {
        // Like legacy names, the whole archive is written this way by one
        // tool: one finding for the package.
        let n = backslash.len();
        findings.push(rules::BACKSLASH_NAME.finding(
            None,
            Text::new(
                format!(
                    "{n} entry name(s) use '\\' as the folder separator (for example {name}, read as {path}); trainpack read them as folders, but other tools may not"
                ),
                format!(
                    "{n} 个条目名称以“\\”作为目录分隔符（例如 {name}，按 {path} 读取）；trainpack 已按目录读取，但其他工具可能不会"
                ),
            ),
        ));
    }
    if let Some(first) = legacy.first() {
        let n = legacy.len();
        findings.push(rules::LEGACY_NAME.finding(
            None,
            Text::new(
                format!(
                    "{n} entry name(s) are stored in GBK without the UTF-8 flag (for example {first}); trainpack decoded them, but other tools may show them garbled"
                ),
                format!(
                    "{n} 个条目名称以 GBK 编码存储且未标记 UTF-8（例如 {first}）；trainpack 已正确解码，但其他工具可能显示为乱码"
                ),
            ),
        ));
    }
    findings
}

pub(crate) fn note_finding(note: &SourceNote) -> Option<Finding> {
    Some(match note {
        SourceNote::Symlink { path } => rules::SYMLINK.finding(
            Some(path),
            Text::new(
                "symbolic link: not followed, not part of the package",
                "符号链接：未跟随，不属于包内容",
            ),
        ),
        SourceNote::SpecialFile { path } => rules::SPECIAL_FILE.finding(
            Some(path),
            Text::new(
                "special file: skipped, never opened",
                "特殊文件：已跳过，未打开",
            ),
        ),
        SourceNote::NonUtf8Name { path } => rules::NON_UTF8_NAME.finding(
            Some(path),
            Text::new(
                "the name is neither UTF-8 nor GBK (its other bytes are shown as %XX)",
                "名称既不是 UTF-8 也不是 GBK（其余字节以 %XX 显示）",
            ),
        ),
        SourceNote::DecodesAlike { path, other } => rules::NAMES_DECODE_ALIKE.finding(
            Some(path),
            Text::new(
                format!(
                    "this name is not UTF-8 and decodes to {other}, the name of another file: a different file, shown by its bytes (%XX); both are checked"
                ),
                format!(
                    "该名称不是 UTF-8，解码后与另一文件的名称 {other} 相同：二者是不同的文件，此处按字节（%XX）显示；两个都已检查"
                ),
            ),
        ),
        SourceNote::LegacyEncodedName { .. }
        | SourceNote::GbkName { .. }
        | SourceNote::BackslashName { .. } => return None,
        SourceNote::UnsafeName { name, reason } => rules::UNSAFE_PATH.finding(
            Some(name),
            Text::new(
                format!("unsafe entry name ({}): not read", reason.describe_en()),
                format!("不安全的条目名称（{}）：未读取", reason.describe_zh()),
            ),
        ),
        SourceNote::DuplicatePath { path } => rules::DUPLICATE_PATH.finding(
            Some(path),
            Text::new(
                "another entry has the same path; only the first is checked",
                "另有条目路径相同；仅检查第一个",
            ),
        ),
        SourceNote::Encrypted { path } => rules::ENCRYPTED.finding(
            Some(path),
            Text::new("encrypted entry: cannot be checked", "加密条目：无法检查"),
        ),
        SourceNote::Unlistable { path, message } => rules::UNLISTABLE.finding(
            Some(path),
            Text::new(
                format!("cannot list: {message}"),
                format!("无法列出：{message}"),
            ),
        ),
        SourceNote::NormalisationDuplicate { path } => rules::DUPLICATE_PATH.finding(
            Some(path),
            Text::new(
                "another entry has the same name in another Unicode normalisation (NFC and NFD spellings of the same text, one made on macOS); only the first is checked",
                "另有条目名称相同但 Unicode 规范化形式不同（同一文字的 NFC 与 NFD 写法，常见于 macOS）；仅检查第一个",
            ),
        ),
        SourceNote::CaseCollision { path, other } => rules::CASE_COLLISION.finding(
            Some(path),
            Text::new(
                format!("differs from {other} only in letter case: one of them is lost when extracted on Windows or macOS"),
                format!("与 {other} 仅大小写不同：在 Windows 或 macOS 上解压时会丢失其中一个"),
            ),
        ),
        SourceNote::ControlCharacters { path } => rules::CONTROL_CHARACTERS.finding(
            Some(path),
            Text::new(
                "the name holds control characters (shown escaped)",
                "名称含有控制字符（以转义形式显示）",
            ),
        ),
        SourceNote::TooManyEntries { count, limit } => rules::TOO_MANY_ENTRIES.finding(
            None,
            match count {
                Some(n) => Text::new(
                    format!("the archive declares {n} entries, more than the limit of {limit} (limits.max_entries): nothing was read"),
                    format!("压缩包声明有 {n} 个条目，超过上限 {limit}（limits.max_entries）：未读取任何条目"),
                ),
                None => Text::new(
                    format!("the folder holds more than {limit} entries (limits.max_entries): nothing was read"),
                    format!("文件夹中的条目超过 {limit} 个（limits.max_entries）：未读取任何条目"),
                ),
            },
        ),
        SourceNote::PathTooLong { path, bytes, limit } => rules::PATH_TOO_LONG.finding(
            Some(path),
            Text::new(
                format!("the path is {bytes} bytes long, more than the limit of {limit} (limits.max_path_bytes): not read"),
                format!("路径长 {bytes} 字节，超过上限 {limit}（limits.max_path_bytes）：未读取"),
            ),
        ),
        SourceNote::PathTooDeep { path, depth, limit } => rules::PATH_TOO_DEEP.finding(
            Some(path),
            Text::new(
                format!("the path is {depth} levels deep, more than the limit of {limit} (limits.max_depth): not read"),
                format!("路径深 {depth} 层，超过上限 {limit}（limits.max_depth）：未读取"),
            ),
        ),
        SourceNote::OverlappingEntries { count, example } => rules::OVERLAPPING_ENTRIES.finding(
            None,
            Text::new(
                format!("{count} entries share compressed data with another entry (for example {example}): a non-recursive zip bomb or a damaged archive; none of them was read"),
                format!("{count} 个条目与其他条目共用压缩数据（例如 {example}）：非递归压缩炸弹或压缩包已损坏；均未读取"),
            ),
        ),
        SourceNote::HeaderMismatch { path, reason } => {
            let reason = reason.text();
            rules::HEADER_MISMATCH.finding(
                Some(path),
                Text::new(
                    format!("the local header disagrees with the central directory ({}); different tools would see different files", reason.en),
                    format!("本地文件头与中央目录不一致（{}）；不同工具会看到不同的文件", reason.zh),
                ),
            )
        }
        SourceNote::StoredSizeMismatch {
            path,
            declared,
            stored,
        } => rules::SMALLER_THAN_DECLARED.finding(
            Some(path),
            Text::new(
                format!("a stored (uncompressed) entry holds {stored} bytes but its headers declare {declared}: tools that trust the headers see another file; not read"),
                format!("未压缩存储的条目实有 {stored} 字节，但头部声明为 {declared} 字节：信任头部的工具会看到不同的文件；未读取"),
            ),
        ),
        SourceNote::DirectoryTooLarge { bytes, limit } => rules::DIRECTORY_TOO_LARGE.finding(
            None,
            Text::new(
                format!("the archive's central directory holds at least {bytes} bytes (names, extra fields, comments), more than the limit of {limit}: nothing was read"),
                format!("压缩包中央目录至少有 {bytes} 字节（名称、扩展字段、注释），超过上限 {limit}：未读取任何条目"),
            ),
        ),
        SourceNote::HiddenEntries { count, example } => rules::HIDDEN_LOCAL_ENTRY.finding(
            None,
            Text::new(
                format!("{count} entry(ies) lie between the listed ones but are not in the central directory (for example {example}): a streaming unzipper would extract them, so the package holds more than was checked"),
                format!("{count} 个本地条目位于已列出的条目之间，但不在中央目录中（例如 {example}）：流式解压工具会解出它们，包中内容多于已检查的内容"),
            ),
        ),
        SourceNote::DirectoryWithData { path, bytes } => rules::DIRECTORY_WITH_DATA.finding(
            Some(path),
            Text::new(
                format!("a folder entry that carries {bytes} bytes of data: extractors drop them or write them as a file; not read"),
                format!("文件夹条目中藏有 {bytes} 字节数据：解压工具会丢弃或将其写成文件；未读取"),
            ),
        ),
        SourceNote::PrefixData { bytes } => rules::ZIP_PREFIX_DATA.finding(
            None,
            Text::new(
                format!("the archive starts with {bytes} bytes that are not part of the zip (a self-extracting archive's program); trainpack, unzip and Python read it, but 7-Zip refuses it"),
                format!("压缩包开头有 {bytes} 字节不属于 zip 内容（自解压程序）；trainpack、unzip 和 Python 可以读取，但 7-Zip 无法打开"),
            ),
        ),
        SourceNote::UnsupportedMethod { path, method } => rules::UNSUPPORTED_COMPRESSION.finding(
            Some(path),
            Text::new(
                format!("compressed with {method}, which trainpack cannot read: not checked"),
                format!("使用 {method} 压缩，trainpack 无法读取：未检查"),
            ),
        ),
    })
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
            .filter(|f| f.code == rules::SELF_CONTAINING.code)
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
