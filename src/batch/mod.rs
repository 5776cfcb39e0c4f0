//! `trainpack batch INBOX --out REPORTS`: check every package directly inside
//! INBOX (zip files and folders, hidden entries skipped), unattended.
//!
//! Per package it writes `<id>.report.json` (as `check --json`),
//! `<id>.manifest.json` and `<id>.html`, each atomically; then it records
//! the package in `catalog.sqlite` in one transaction. A package whose
//! identity (size, modification time, folder fingerprint), policy and tool
//! version match its catalog row, and whose files are in place, is skipped.
//! A package that cannot be read becomes a row with its error, and the batch
//! goes on. At the end the summaries are regenerated from the catalog.

pub mod catalog;
pub mod cli;
pub mod html;
pub mod merge;
mod progress;
pub mod roll_call;
pub mod roster;
mod roster_html;
pub mod shard;
pub mod summary;
pub mod unsupported;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use self::catalog::{Catalog, PackageRow, ResourceRow, RowSource, Status};
use self::progress::Progress;
pub use self::progress::ProgressMode;
use self::shard::Shard;
use self::unsupported::NotAPackage;
use crate::atomic;
use crate::check::CheckOptions;
use crate::env::now_rfc3339;
use crate::i18n::Lang;
use crate::manifest::Manifest;
use crate::pack::{check_with_archive_hash, file_safe_id};
use crate::report;
use crate::scan::hex;
use crate::source::{Package, SourceKind};

pub struct BatchOptions {
    pub inbox: PathBuf,
    pub out: PathBuf,
    /// Packages checked at the same time.
    pub jobs: usize,
    /// Options of each check (its `threads` are per package).
    pub check: CheckOptions,
    /// Check every package, even unchanged ones.
    pub rescan: bool,
    pub shard: Option<Shard>,
    pub lang: Lang,
    pub progress: ProgressMode,
    /// The roster the summaries answer to (`--roster`, `--received-at`).
    pub roster: Option<roll_call::RosterInput>,
}

/// A package found in the inbox.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Its file or folder name in the inbox ([`inbox_key`]): the key in the
    /// catalog.
    pub name: String,
    pub path: PathBuf,
    /// None for an entry that is not a package (neither a folder nor a
    /// .zip file).
    pub source: Option<SourceKind>,
}

/// What one batch run did.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    /// Packages in this run's selection (the shard, or the whole inbox).
    pub selected: usize,
    pub checked: usize,
    pub skipped: usize,
    /// Final status of each selected package (checked now or earlier).
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    /// Inbox entries of this run's selection that are neither a folder nor
    /// a .zip file: (name, what they are; see [`unsupported::classify`]).
    pub unsupported: Vec<(String, NotAPackage)>,
    /// Packages gone from the inbox, forgotten by the catalog.
    pub removed: Vec<String>,
    /// With a roster: its totals in a sentence (missing, late, …).
    pub roster_totals: Option<String>,
    pub elapsed: Duration,
}

impl BatchOutcome {
    /// A file that is not a package counts as a submission that could not
    /// be processed: a RAR nobody checked must not let the batch exit 0.
    pub fn exit_code(&self) -> u8 {
        exit_code(
            self.fail as u64,
            (self.error + self.unsupported.len()) as u64,
        )
    }
}

/// A batch's exit code: 0 all pass, 1 any fails the policy, 2 any could
/// not be processed.
pub fn exit_code(fail: u64, error: u64) -> u8 {
    if error > 0 {
        2
    } else if fail > 0 {
        1
    } else {
        0
    }
}

/// Zip files and folders directly inside `inbox`, sorted by name; hidden
/// entries and the output folder itself are skipped. Also returns the
/// other entries (not packages; no `source`), sorted by name.
pub fn discover(
    inbox: &Path,
    out: &Path,
    lang: Lang,
) -> Result<(Vec<Candidate>, Vec<Candidate>), String> {
    let unreadable = |e: std::io::Error| {
        crate::error::Error::Unreadable {
            path: inbox.to_owned(),
            source: e,
        }
        .message(lang)
    };
    let read = std::fs::read_dir(inbox).map_err(unreadable)?;
    let out_canonical = std::fs::canonicalize(out).ok();
    let mut found = Vec::new();
    let mut ignored = Vec::new();
    for entry in read {
        let entry = entry.map_err(unreadable)?;
        let name = inbox_key(&entry.file_name());
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        if out_canonical.is_some() && std::fs::canonicalize(&path).ok() == out_canonical {
            continue;
        }
        // Follows links: an inbox of symlinks to packages elsewhere is fine.
        let source = match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => SourceKind::Folder,
            Ok(m) if m.is_file() && is_zip_name(&name) => SourceKind::Zip,
            // Unreadable metadata: let the check report why.
            Err(_) if is_zip_name(&name) => SourceKind::Zip,
            _ => {
                ignored.push(Candidate {
                    name,
                    path,
                    source: None,
                });
                continue;
            }
        };
        found.push(Candidate {
            name,
            path,
            source: Some(source),
        });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    ignored.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((found, ignored))
}

/// The catalog key of an inbox entry: its name when that is UTF-8, else
/// its bytes with those that are not UTF-8 written as `%XX` (GBK `报告.zip`
/// is `%B1%A8%B8%E6.zip`). Made from the real name's bytes alone, so two
/// names that decode alike (or to the same replacement text) stay two
/// packages, and a package keeps its key whatever else is in the inbox.
pub fn inbox_key(name: &std::ffi::OsStr) -> String {
    match name.to_str() {
        Some(s) => s.to_owned(),
        None => crate::source::names::escape_name_bytes(name.as_encoded_bytes()),
    }
}

fn is_zip_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() > 4 && bytes[bytes.len() - 4..].eq_ignore_ascii_case(b".zip")
}

/// What identifies a package's content on disk without reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub size: u64,
    pub mtime_ns: i64,
    pub fingerprint: String,
}

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Zip: size and modification time. Folder: number of files, their total
/// size and the newest modification time of any file or folder in it (a
/// cheap walk of metadata: nothing is read).
pub fn identity(c: &Candidate) -> std::io::Result<Identity> {
    let meta = std::fs::metadata(&c.path)?;
    if c.source == Some(SourceKind::Zip) {
        let (size, mtime) = (meta.len(), mtime_ns(&meta));
        return Ok(Identity {
            size,
            mtime_ns: mtime,
            fingerprint: format!("size={size};mtime={mtime}"),
        });
    }
    let (mut files, mut bytes, mut newest) = (0u64, 0u64, mtime_ns(&meta));
    for item in walkdir::WalkDir::new(&c.path)
        .follow_links(false)
        .min_depth(1)
    {
        let Ok(item) = item else { continue };
        let Ok(m) = item.metadata() else { continue };
        newest = newest.max(mtime_ns(&m));
        if m.is_file() {
            files += 1;
            bytes += m.len();
        }
    }
    Ok(Identity {
        size: bytes,
        mtime_ns: newest,
        fingerprint: format!("files={files};bytes={bytes};mtime={newest}"),
    })
}

/// Fingerprint of what decides a verdict: a changed policy (or probe
/// engine, or `--deep`) means a re-check.
pub fn options_key(opts: &CheckOptions) -> String {
    let policy = serde_json::to_string(&opts.policy).unwrap_or_default();
    let key = format!("{policy}|{:?}|{}", opts.probing.engine, opts.probing.deep);
    let digest = hex(&Sha256::digest(key.as_bytes()));
    digest[..16].to_owned()
}

/// The id of a package that could not be opened: its name without `.zip`.
fn fallback_id(name: &str) -> String {
    if is_zip_name(name) {
        name[..name.len() - 4].to_owned()
    } else {
        name.to_owned()
    }
}

/// Stems must be unique per output folder; `summary` is taken by the dashboard.
pub struct Stems {
    taken: Mutex<HashMap<String, String>>,
}

const RESERVED_STEMS: [&str; 3] = ["summary", "duplicates", "catalog"];

impl Stems {
    pub fn new<'a>(rows: impl IntoIterator<Item = &'a PackageRow>) -> Stems {
        let taken = rows
            .into_iter()
            .filter(|r| r.report_file.is_some())
            .map(|r| (r.stem.to_lowercase(), r.name.clone()))
            .collect();
        Stems {
            taken: Mutex::new(taken),
        }
    }

    /// The stem for package `name` with id `id`: the file-safe id, or, when
    /// another package already has it, the id with a short hash of the name.
    pub fn allocate(&self, id: &str, name: &str) -> String {
        let base = file_safe_id(id);
        let mut taken = self.taken.lock().unwrap_or_else(|p| p.into_inner());
        let free = |stem: &str, taken: &HashMap<String, String>| {
            !RESERVED_STEMS.contains(&stem.to_lowercase().as_str())
                && taken.get(&stem.to_lowercase()).is_none_or(|n| n == name)
        };
        let stem = if free(&base, &taken) {
            base
        } else {
            let short = &hex(&Sha256::digest(name.as_bytes()))[..8];
            format!("{base}-{short}")
        };
        taken.insert(stem.to_lowercase(), name.to_owned());
        stem
    }
}

/// The stem each package's outputs end up with, decided from the whole
/// catalog at once, in the order of the packages' inbox names: the first
/// package with an id gets the file-safe id, any later one the id with a
/// short hash of its name. So the names do not depend on which package
/// finished first, and a sharded run, once merged, names every file as one
/// unsharded run does.
fn settled_stems(rows: &[PackageRow]) -> BTreeMap<String, String> {
    let mut sorted: Vec<&PackageRow> = rows.iter().filter(|r| r.report_file.is_some()).collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut taken: HashSet<String> = RESERVED_STEMS.iter().map(|s| (*s).to_owned()).collect();
    let mut stems = BTreeMap::new();
    for row in sorted {
        let base = file_safe_id(&row.id);
        let digest = hex(&Sha256::digest(row.name.as_bytes()));
        let stem = std::iter::once(base.clone())
            .chain([8, 16, 64].map(|n| format!("{base}-{}", &digest[..n])))
            .find(|s| !taken.contains(&s.to_lowercase()))
            .unwrap_or_else(|| format!("{base}-{digest}-{}", row.name.len()));
        taken.insert(stem.to_lowercase());
        stems.insert(row.name.clone(), stem);
    }
    stems
}

/// Give every package in `out`'s catalog its settled stem
/// ([`settled_stems`]), renaming the files of those whose stem changes.
/// The files move in two steps (to temporary names, then to their final
/// ones), so a stem that passes from one package to another never
/// overwrites files still to be moved. A run killed half-way leaves rows
/// whose files are missing: the next run checks those packages again.
pub fn settle_stems(out: &Path, catalog: &mut Catalog) -> Result<(), String> {
    let rows = catalog.packages()?;
    let stems = settled_stems(&rows);
    let moving: Vec<(&PackageRow, &String)> = rows
        .iter()
        .filter_map(|r| Some((r, stems.get(&r.name)?)))
        .filter(|(r, stem)| r.stem != **stem)
        .collect();
    let rename = |from: &Path, to: &Path| {
        std::fs::rename(from, to)
            .map_err(|e| format!("cannot rename {} to {}: {e}", from.display(), to.display()))
    };
    let temporary = |stem: &str, i: usize| out.join(format!(".{stem}.{i}.moving"));
    for (row, stem) in &moving {
        let old = [&row.report_file, &row.manifest_file, &row.html_file];
        for (i, file) in old.iter().enumerate() {
            if let Some(file) = file {
                let from = out.join(file);
                if from.exists() {
                    rename(&from, &temporary(stem, i))?;
                }
            }
        }
    }
    for (row, stem) in &moving {
        let new = output_names(stem);
        for (i, name) in new.iter().enumerate() {
            let from = temporary(stem, i);
            if from.exists() {
                rename(&from, &out.join(name))?;
            }
        }
        catalog.set_outputs(&row.name, stem, &new)?;
    }
    Ok(())
}

/// Names of a package's output files.
pub fn output_names(stem: &str) -> [String; 3] {
    [
        format!("{stem}.report.json"),
        format!("{stem}.manifest.json"),
        format!("{stem}.html"),
    ]
}

struct Context<'a> {
    opts: &'a BatchOptions,
    stems: Stems,
    options_key: String,
}

/// The package's path for messages and the catalog: its inbox name as the
/// key spells it (`%XX` for bytes that are not UTF-8), never lossily.
fn shown_path(c: &Candidate) -> String {
    match (c.path.to_str(), c.path.parent()) {
        (Some(path), _) => path.to_owned(),
        (None, Some(parent)) => format!("{}/{}", parent.display(), c.name),
        (None, None) => c.name.clone(),
    }
}

fn base_row(c: &Candidate, ident: &Identity, ctx: &Context) -> PackageRow {
    // As `check` names a package without a descriptor: a GBK name decoded.
    let shown = c.path.file_name().map_or_else(
        || c.name.clone(),
        |n| {
            crate::source::names::display_os_name(n.as_encoded_bytes())
                .0
                .into_owned()
        },
    );
    let id = fallback_id(&shown);
    PackageRow {
        name: c.name.clone(),
        path: shown_path(c),
        source: c.source.map_or(
            RowSource::NotAPackage(NotAPackage::Other),
            RowSource::Package,
        ),
        size: ident.size,
        mtime_ns: ident.mtime_ns,
        fingerprint: ident.fingerprint.clone(),
        archive_sha256: None,
        stem: file_safe_id(&id),
        id,
        provider: None,
        title: None,
        status: Status::Error,
        files: 0,
        total_bytes: 0,
        course_resources: 0,
        videos: 0,
        video_ratio: None,
        video_bytes_ratio: None,
        threshold_percent: ctx.opts.check.policy.threshold_percent,
        errors: 0,
        warnings: 0,
        deadline: None,
        error_text: None,
        by_kind: BTreeMap::new(),
        report_file: None,
        manifest_file: None,
        html_file: None,
        checked_at: now_rfc3339(),
        options_key: ctx.options_key.clone(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// The catalog row of a file that is not a package: its kind in `source`,
/// the English message in `error_text` (the summaries say it in their own
/// language, from `source`).
fn unsupported_row(c: &Candidate, what: NotAPackage, ctx: &Context) -> PackageRow {
    let meta = std::fs::metadata(&c.path).ok();
    let size = meta.as_ref().filter(|m| m.is_file()).map_or(0, |m| m.len());
    let mtime = meta.as_ref().map_or(0, mtime_ns);
    let ident = Identity {
        size,
        mtime_ns: mtime,
        fingerprint: format!("size={size};mtime={mtime}"),
    };
    let mut row = base_row(c, &ident, ctx);
    row.status = Status::Unsupported;
    row.source = RowSource::NotAPackage(what);
    row.error_text = Some(what.message(Lang::En));
    row
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Check one package and write its outputs; never fails: a package that
/// cannot be processed becomes an error row.
fn process(c: &Candidate, ident: &Identity, ctx: &Context) -> (PackageRow, Vec<ResourceRow>) {
    let mut row = base_row(c, ident, ctx);
    let lang = ctx.opts.lang;
    let package = match Package::open_for_scan(&c.path, &ctx.opts.check.policy.limits) {
        Ok(p) => p,
        Err(e) => {
            row.error_text = Some(e.message(lang));
            return (row, Vec::new());
        }
    };
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check_with_archive_hash(&package, &c.path, &ctx.opts.check)
    }));
    let (report, archive) = match checked {
        Ok(Ok(done)) => done,
        Ok(Err(e)) => {
            row.error_text = Some(e.message(lang));
            return (row, Vec::new());
        }
        Err(payload) => {
            row.error_text = Some(format!(
                "{}: {}",
                lang.pick("internal error", "内部错误"),
                panic_text(&*payload)
            ));
            return (row, Vec::new());
        }
    };
    row.id = report.package.id.clone();
    row.stem = ctx.stems.allocate(&row.id, &c.name);
    let [report_file, manifest_file, html_file] = output_names(&row.stem);
    let manifest = Manifest::from_report(&report, archive.clone(), now_rfc3339());
    let outputs = [
        (&report_file, report::json::render(&report, lang)),
        (&manifest_file, manifest.to_json()),
        (&html_file, report::html::render(&report, lang)),
    ];
    for (name, text) in outputs {
        let path = ctx.opts.out.join(name);
        if let Err(e) = atomic::write(&path, text.as_bytes()) {
            row.error_text = Some(
                crate::error::Error::Unwritable {
                    path: path.clone(),
                    source: e,
                }
                .message(lang),
            );
            return (row, Vec::new());
        }
    }
    let s = &report.summary;
    let d = report.package.descriptor.as_ref();
    let non_empty = |v: Option<&String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    row.archive_sha256 = archive.map(|(sha, _)| sha);
    row.provider = non_empty(d.and_then(|d| d.provider.as_ref()));
    row.title = non_empty(d.and_then(|d| d.title.as_ref()));
    row.status = match report.verdict {
        report::Verdict::Pass => Status::Pass,
        report::Verdict::Fail => Status::Fail,
    };
    row.files = s.files;
    row.total_bytes = s.total_bytes;
    row.course_resources = s.course_resources;
    row.videos = s.videos;
    row.video_ratio = Some(s.video_ratio.decimal());
    row.video_bytes_ratio = Some(s.video_bytes_ratio.decimal());
    row.threshold_percent = report.policy.threshold_percent;
    row.errors = s.errors;
    row.warnings = s.warnings;
    row.deadline = report.package.upload_deadline.clone();
    row.by_kind = s
        .by_kind
        .iter()
        .map(|(k, n)| (k.as_str().to_owned(), *n))
        .collect();
    row.report_file = Some(report_file);
    row.manifest_file = Some(manifest_file);
    row.html_file = Some(html_file);
    row.checked_at = now_rfc3339();
    let resources = report
        .files
        .iter()
        .map(|f| ResourceRow {
            path: f.path.to_string(),
            sha256: f.sha256.to_string(),
            size: f.size,
            kind: f.kind,
        })
        .collect();
    (row, resources)
}

/// Whether a catalog row still describes the package as it is now.
fn unchanged(row: &PackageRow, ident: &Identity, key: &str, out: &Path) -> bool {
    row.status.processed()
        && row.size == ident.size
        && row.mtime_ns == ident.mtime_ns
        && row.fingerprint == ident.fingerprint
        && row.options_key == key
        && row.tool_version == env!("CARGO_PKG_VERSION")
        && [&row.report_file, &row.manifest_file, &row.html_file]
            .iter()
            .all(|f| f.as_ref().is_some_and(|f| out.join(f).is_file()))
}

enum Event {
    Started(usize),
    Finished(usize, Box<(PackageRow, Vec<ResourceRow>)>, Duration),
}

pub fn run(opts: &BatchOptions) -> Result<BatchOutcome, String> {
    let started = Instant::now();
    crate::atomic::ensure_outside_inbox(&opts.inbox, &opts.out)
        .map_err(|t| t.get(opts.lang).to_owned())?;
    std::fs::create_dir_all(&opts.out).map_err(|e| {
        crate::error::Error::Unwritable {
            path: opts.out.clone(),
            source: e,
        }
        .message(opts.lang)
    })?;
    let (all, ignored) = discover(&opts.inbox, &opts.out, opts.lang)?;
    let mut catalog = Catalog::open(&opts.out)?;
    let previous: HashMap<String, PackageRow> = catalog
        .packages()?
        .into_iter()
        .map(|r| (r.name.clone(), r))
        .collect();

    let mut outcome = BatchOutcome::default();
    // Packages gone from the inbox are forgotten (their report files stay).
    let present: HashSet<String> = all.iter().chain(&ignored).map(|c| c.name.clone()).collect();
    outcome.removed = previous
        .keys()
        .filter(|n| !present.contains(*n))
        .cloned()
        .collect();
    outcome.removed.sort();
    catalog.remove(&outcome.removed)?;

    let selected: Vec<Candidate> = all
        .into_iter()
        .filter(|c| opts.shard.is_none_or(|s| s.contains(&c.name)))
        .collect();
    outcome.selected = selected.len();

    let ctx = Context {
        opts,
        stems: Stems::new(previous.values().filter(|r| present.contains(&r.name))),
        options_key: options_key(&opts.check),
    };

    let mut statuses: Vec<Option<Status>> = vec![None; selected.len()];
    let mut todo: Vec<(usize, Identity)> = Vec::new();
    let mut skipped: Vec<usize> = Vec::new();
    let mut identity_errors: Vec<(usize, String)> = Vec::new();
    for (i, c) in selected.iter().enumerate() {
        match identity(c) {
            Ok(ident) => {
                let same = previous
                    .get(&c.name)
                    .is_some_and(|row| unchanged(row, &ident, &ctx.options_key, &opts.out));
                if same && !opts.rescan {
                    skipped.push(i);
                } else {
                    todo.push((i, ident));
                }
            }
            Err(e) => identity_errors.push((
                i,
                crate::error::Error::Unreadable {
                    path: PathBuf::from(shown_path(c)),
                    source: e,
                }
                .message(opts.lang),
            )),
        }
    }
    if opts.jobs > 1 {
        // Largest first, so no worker idles at the end behind a big one.
        todo.sort_by_key(|(_, ident)| std::cmp::Reverse(ident.size));
    }
    let bytes: u64 = todo.iter().map(|(_, ident)| ident.size).sum();
    let mut progress = Progress::new(opts.progress, opts.lang, selected.len(), bytes);

    for &i in &skipped {
        progress.skipped(&selected[i].name);
        statuses[i] = previous.get(&selected[i].name).map(|r| r.status);
        outcome.skipped += 1;
    }
    for (i, text) in identity_errors {
        let ident = Identity {
            size: 0,
            mtime_ns: 0,
            fingerprint: String::new(),
        };
        let mut row = base_row(&selected[i], &ident, &ctx);
        row.error_text = Some(text);
        catalog.record(&row, &[])?;
        progress.finished(usize::MAX, 0, &row, Duration::ZERO);
        statuses[i] = Some(Status::Error);
        outcome.checked += 1;
    }

    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut fatal: Option<String> = None;
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<Event>();
        for _ in 0..opts.jobs.clamp(1, todo.len().max(1)) {
            let tx = tx.clone();
            let (todo, next, stop, ctx, selected) = (&todo, &next, &stop, &ctx, &selected);
            scope.spawn(move || {
                loop {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some((i, ident)) = todo.get(k) else { break };
                    let _ = tx.send(Event::Started(k));
                    let began = Instant::now();
                    let done = process(&selected[*i], ident, ctx);
                    if tx
                        .send(Event::Finished(k, Box::new(done), began.elapsed()))
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for event in rx {
            match event {
                Event::Started(k) => progress.started(k, &selected[todo[k].0].name),
                Event::Finished(k, done, took) => {
                    let (row, resources) = *done;
                    let (i, ident) = &todo[k];
                    if fatal.is_none() {
                        // Recorded only now, after its files are in place.
                        if let Err(e) = catalog.record(&row, &resources) {
                            fatal = Some(e);
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    progress.finished(k, ident.size, &row, took);
                    statuses[*i] = Some(row.status);
                    outcome.checked += 1;
                }
            }
        }
    });
    progress.finish();
    if let Some(e) = fatal {
        return Err(e);
    }
    // Files that are not packages: a row each, saying what they are.
    for c in ignored
        .iter()
        .filter(|c| opts.shard.is_none_or(|s| s.contains(&c.name)))
    {
        let what = unsupported::classify(&c.path);
        catalog.record(&unsupported_row(c, what, &ctx), &[])?;
        outcome.unsupported.push((c.name.clone(), what));
    }
    settle_stems(&opts.out, &mut catalog)?;

    for status in statuses.into_iter().flatten() {
        match status {
            Status::Pass => outcome.pass += 1,
            Status::Fail => outcome.fail += 1,
            Status::Error => outcome.error += 1,
            Status::Unsupported => {}
        }
    }
    let data = summary::write_all(&opts.out, &catalog, opts.lang, opts.roster.as_ref())?;
    outcome.roster_totals = data
        .roll_call
        .as_ref()
        .map(|call| roster_html::totals_line(call, opts.lang));
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}

/// A catalog row's ratio (the report's `"0.6667"`, kept as text in
/// SQLite) as the `Ratio` it was written from; 0/0 when absent or garbled.
pub(crate) fn row_ratio(decimal: Option<&str>) -> crate::policy::Ratio {
    decimal
        .and_then(crate::policy::Ratio::from_decimal)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_unique_and_avoid_the_dashboard() {
        let stems = Stems::new([]);
        assert_eq!(stems.allocate("a/b", "one.zip"), "a_b");
        assert_eq!(stems.allocate("a/b", "one.zip"), "a_b");
        let other = stems.allocate("a/b", "two.zip");
        assert!(other.starts_with("a_b-") && other.len() == 12, "{other}");
        assert_ne!(stems.allocate("summary", "s.zip"), "summary");
    }

    #[test]
    fn zip_names() {
        assert!(is_zip_name("a.ZIP"));
        assert!(!is_zip_name(".zip"));
        assert_eq!(fallback_id("包.zip"), "包");
    }
}
