//! Command-line interface: parse arguments, run a command, map the outcome to
//! an exit code (0 pass, 1 fails the policy, 2 could not do the job).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::atomic;
use crate::bagit::validate;
use crate::check::{CheckOptions, check};
use crate::i18n::Lang;
use crate::manifest::{Manifest, now_rfc3339};
use crate::pack::{self, PackOptions, PackOutcome, check_with_archive_hash, file_safe_id};
use crate::policy::{Basis, Policy};
use crate::probe::Engine;
use crate::report::{self, Verdict};
use crate::rules;
use crate::source::Package;
use crate::source::names::escape_controls;
use crate::verify;

const AFTER_HELP: &str = "\
Exit codes: 0 the package passes, 1 it fails the policy, 2 trainpack could not do its job.

Examples:
  trainpack check 培训包/                 check a folder (report in your locale's language)
  trainpack check package.zip --lang en  check a zip, report in English
  trainpack check package.zip --json     machine-readable report (schemas/report.schema.json)
  trainpack audit 培训包/ --reviewer 张三 --role 项目负责人 --result approved
                                         record the review (审核) of the exact content
  trainpack rules                        every finding code, with why and how to fix
  trainpack --lang zh -q batch inbox/ -o reports/ -j 8 --packages 4
                                         --lang, -q/--quiet and --color go before or after
                                         the command; -j/--jobs is worker threads everywhere";

/// Validate digital training packages (数字化培训包) before upload.
///
/// trainpack reads every file of a package (a folder or a .zip) once, decides
/// what each file really is by its content, confirms videos with ffprobe, and
/// checks that video makes up at least 60% of the course resources, as the
/// 2022 notice (教师厅函〔2022〕7号) requires.
#[derive(Debug, Parser)]
#[command(name = "trainpack", version, about, long_about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalFlags,
    #[command(subcommand)]
    command: Command,
}

/// Flags every command takes, defined once (given before or after the
/// command name).
#[derive(Debug, clap::Args)]
pub struct GlobalFlags {
    /// Language of messages, reports and summaries: zh or en [default: zh on
    /// a zh locale (LC_ALL, LC_MESSAGES, LANG), else en].
    #[arg(long, value_enum, global = true)]
    lang: Option<Lang>,

    /// No progress output (bars are only ever drawn on a terminal).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,

    /// When to colour the terminal report.
    #[arg(long, value_enum, global = true, default_value_t = ColourChoice::Auto)]
    color: ColourChoice,
}

impl GlobalFlags {
    pub fn lang(&self) -> Lang {
        self.lang.unwrap_or_else(Lang::from_env)
    }

    /// Whether the terminal report is coloured.
    fn colour(&self) -> bool {
        match self.color {
            ColourChoice::Always => true,
            ColourChoice::Never => false,
            ColourChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }
}

/// `-j/--jobs`: the worker threads of a run, the same in every command (a
/// batch shares them among the packages it checks at once).
#[derive(Debug, clap::Args)]
pub struct JobsFlag {
    /// Worker threads for reading, hashing and probing [default: number of cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

impl JobsFlag {
    /// The threads asked for, or one per core; never zero.
    pub fn threads(&self) -> usize {
        self.jobs.unwrap_or_else(crate::scan::cores).max(1)
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a package (folder or .zip) against the policy and say what to fix.
    Check(CheckArgs),
    /// Write the checksummed manifest of a package (schemas/manifest.schema.json).
    Manifest(ManifestArgs),
    /// Check whether a package still matches its manifest, or whether a BagIt bag is valid.
    Verify(VerifyArgs),
    /// Pack a passing package as a BagIt bag in one reproducible zip, with an upload ticket.
    Pack(PackArgs),
    /// Write a skeleton training-package.json (the package descriptor) into a folder.
    Init(InitArgs),
    /// Record a review (审核) of a package folder in its training-package.json.
    Audit(AuditArgs),
    /// List every finding code with its severity, rationale and fix.
    Rules(RulesArgs),
    /// Check every package in an inbox folder: reports, summaries, dashboard, catalog.
    Batch(crate::batch::cli::BatchArgs),
    /// Combine the output folders of several batches (shards) into one.
    Merge(crate::batch::cli::MergeArgs),
}

/// The policy and what the command line overrides in it: shared by every
/// command that checks packages (`check`, `manifest`, `pack`, `batch`).
#[derive(Debug, clap::Args)]
pub struct PolicyFlags {
    /// Policy file (TOML, or JSON when it ends in .json), described by
    /// schemas/policy.schema.json. Fields left out keep their defaults
    /// (60% video by count; subtitles, metadata and junk not counted).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Built-in policy profile: notice-2022 (the default: 60% video, MP4/H.264/AAC
    /// and ≥720p as warnings), notice-2022-strict (the same, and a package must
    /// carry an approved review of its current content) or smartedu-2025 (1920×1080 16:9 MP4/H.264/AAC as
    /// errors, 48 kHz audio). With --policy, the base the file's settings apply to.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Measure the video share by resource count or by bytes (overrides the policy).
    #[arg(long, value_enum)]
    pub basis: Option<Basis>,

    /// Minimum video share in percent (overrides the policy; 60 by default).
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub threshold: Option<u32>,

    /// Longest one ffprobe run may take, in seconds (overrides the policy; 30 by default).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub probe_timeout: Option<u64>,
}

impl PolicyFlags {
    /// The policy file or profile (else the default), with the overrides.
    pub fn policy(&self) -> Result<Policy, String> {
        let mut policy = match (&self.policy, &self.profile) {
            (Some(path), profile) => {
                Policy::load(path, profile.as_deref()).map_err(|e| e.to_string())?
            }
            (None, Some(name)) => {
                Policy::profile(name).ok_or_else(|| crate::policy::unknown_profile(name))?
            }
            (None, None) => Policy::default(),
        };
        if let Some(basis) = self.basis {
            policy.basis = basis;
        }
        if let Some(threshold) = self.threshold {
            policy.threshold_percent = threshold;
        }
        if let Some(timeout) = self.probe_timeout {
            policy.probe_timeout_s = timeout;
        }
        Ok(policy)
    }
}

/// Options shared by every command that checks a package.
#[derive(Debug, clap::Args)]
struct CheckFlags {
    #[command(flatten)]
    jobs: JobsFlag,

    /// How videos are confirmed: `auto` uses the built-in probe (MP4, MOV,
    /// 3GP, M4V, MKV, WebM, AVI; no program needed) and ffprobe for other formats
    /// or files it cannot read; `builtin` never runs ffprobe; `ffprobe` only
    /// uses ffprobe.
    #[arg(long, value_enum, default_value_t = Engine::Auto, value_name = "ENGINE")]
    probe: Engine,

    /// Also decode every video with ffmpeg to catch truncated or corrupt
    /// streams (slow: it reads every frame). ffmpeg is found on PATH or
    /// through TRAINPACK_FFMPEG; without it this is an error.
    #[arg(long)]
    deep: bool,

    #[command(flatten)]
    policy: PolicyFlags,
}

#[derive(Debug, clap::Args)]
struct ManifestArgs {
    /// The package: a folder or a .zip file.
    path: PathBuf,
    /// Where to write the manifest [default: ./<package id>.manifest.json].
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    check: CheckFlags,
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    /// The package (folder or .zip), or a BagIt bag (folder or .zip) when no
    /// --manifest is given.
    path: PathBuf,
    /// The manifest written by `trainpack manifest`; without it, PATH is
    /// validated as a BagIt bag (any tool's: md5, sha1, sha256, sha512).
    #[arg(long, short = 'm', value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Compare only file counts and sizes (bags: Payload-Oxum and presence);
    /// no file is hashed.
    #[arg(long)]
    fast: bool,
    /// For a bag zip: also compare it with the upload ticket `pack` wrote
    /// beside it (<id>.upload.json): name, size, SHA-256, chunk digests.
    #[arg(long, value_name = "FILE", conflicts_with = "manifest")]
    ticket: Option<PathBuf>,
    /// Bags: accept an incomplete ("holey") bag, whose only defect is payload
    /// files listed in fetch.txt and not present, with exit 0 (its status is
    /// still `incomplete`). Nothing is ever fetched.
    #[arg(long)]
    allow_holes: bool,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    jobs: JobsFlag,
}

#[derive(Debug, clap::Args)]
struct PackArgs {
    /// The package: a folder or a .zip file.
    path: PathBuf,
    /// Folder to write <id>.zip and <id>.upload.json into (created if missing).
    #[arg(long, short = 'o', value_name = "OUTDIR")]
    out: PathBuf,
    /// Pack even if the package fails the policy.
    #[arg(long)]
    force: bool,
    /// Upload chunk size in bytes, for the resumable-upload digests in the ticket.
    #[arg(long, value_name = "BYTES", default_value_t = crate::pack::DEFAULT_CHUNK_SIZE)]
    chunk_size: u64,
    #[command(flatten)]
    check: CheckFlags,
}

#[derive(Debug, clap::Args)]
struct InitArgs {
    /// The package folder.
    path: PathBuf,
    /// Replace an existing training-package.json.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Args)]
struct AuditArgs {
    /// The package folder (a zip cannot be changed: audit the folder, then zip it).
    path: PathBuf,
    /// Who reviewed the package (asked for on a terminal when left out).
    #[arg(long, value_name = "NAME")]
    reviewer: Option<String>,
    /// The reviewer's role, e.g. 项目负责人 (asked for on a terminal when left out).
    #[arg(long, value_name = "ROLE")]
    role: Option<String>,
    /// The result of the review (asked for on a terminal when left out).
    #[arg(long, value_enum)]
    result: Option<crate::descriptor::AuditResult>,
    /// Free-text notes on the whole package.
    #[arg(long, value_name = "TEXT")]
    notes: Option<String>,
    /// A note on one file, as PATH=TEXT with PATH relative to the package
    /// root; may be given several times.
    #[arg(long = "note", value_name = "PATH=TEXT", value_parser = parse_file_note)]
    file_notes: Vec<(String, String)>,
    /// Date of the review, YYYY-MM-DD [default: today].
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// Record an approval even though the package fails the policy.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    check: CheckFlags,
}

fn parse_file_note(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((path, note)) if !path.trim().is_empty() => {
            Ok((path.trim().to_owned(), note.trim().to_owned()))
        }
        _ => Err(format!("{text:?}: expected PATH=TEXT")),
    }
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The package: a folder, or a .zip file (read in place, never extracted).
    path: PathBuf,

    /// Print the machine report as JSON on stdout (schemas/report.schema.json).
    #[arg(long)]
    json: bool,

    /// Also write the report as a self-contained HTML page to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,

    #[command(flatten)]
    check: CheckFlags,
}

#[derive(Debug, clap::Args)]
struct RulesArgs {
    /// Show only this code (for example TP001).
    code: Option<String>,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColourChoice {
    Auto,
    Always,
    Never,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::atomic::remove_partials_on_interrupt();
    let global = &cli.global;
    let result = match cli.command {
        Command::Check(args) => run_check(args, global),
        Command::Manifest(args) => run_manifest(args, global),
        Command::Verify(args) => run_verify(args, global),
        Command::Pack(args) => run_pack(args, global),
        Command::Init(args) => run_init(args),
        Command::Audit(args) => run_audit(args, global),
        Command::Rules(args) => run_rules(args, global),
        Command::Batch(args) => crate::batch::cli::run_batch(args, global),
        Command::Merge(args) => crate::batch::cli::run_merge(args, global),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("trainpack: {message}");
            ExitCode::from(2)
        }
    }
}

impl CheckFlags {
    fn options(&self, global: &GlobalFlags) -> Result<CheckOptions, String> {
        let policy = self.policy.policy()?;
        let mut options = CheckOptions::new(policy);
        options.engine = self.probe;
        options.deep = deep_decoder(self.deep, &options.policy)?;
        if self.jobs.jobs.is_some() {
            options.threads = self.jobs.threads();
        }
        options.progress = !global.quiet && std::io::stderr().is_terminal();
        Ok(options)
    }
}

/// The ffmpeg `--deep` decodes with; asking for it without ffmpeg is an
/// error before any work, not a run that silently skips it.
pub(crate) fn deep_decoder(
    deep: bool,
    policy: &crate::policy::Policy,
) -> Result<Option<crate::probe::ffprobe::Ffmpeg>, String> {
    if !deep {
        return Ok(None);
    }
    let timeout = std::time::Duration::from_secs(policy.probe_timeout_s);
    crate::probe::ffprobe::Ffmpeg::locate(timeout)
        .map(Some)
        .ok_or_else(|| match std::env::var_os("TRAINPACK_FFMPEG") {
            Some(p) if !p.is_empty() => format!(
                "--deep decodes every video with ffmpeg, but TRAINPACK_FFMPEG={} is not a file: \
                 point it at ffmpeg, unset it, or leave out --deep",
                std::path::Path::new(&p).display()
            ),
            _ => "--deep decodes every video with ffmpeg, which was not found: install it \
                  (`apt install ffmpeg`, `brew install ffmpeg`, `winget install ffmpeg`), \
                  set TRAINPACK_FFMPEG to its path, or leave out --deep"
                .to_owned(),
        })
}

fn verdict_code(verdict: Verdict) -> ExitCode {
    clean_or_one(verdict == Verdict::Pass)
}

/// 0 when nothing is wrong, 1 when the input fails (2 is for errors).
fn clean_or_one(clean: bool) -> ExitCode {
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn run_check(args: CheckArgs, global: &GlobalFlags) -> Result<ExitCode, String> {
    let lang = global.lang();
    let options = args.check.options(global)?;
    // Refused before the work: over the package, or inside it where the
    // next check would count the report and change the verdict.
    if let Some(html) = &args.html {
        atomic::ensure_outside(&args.path, html)?;
    }
    let report = check(&args.path, &options).map_err(|e| e.message(lang))?;
    if let Some(html) = &args.html {
        atomic::write(html, report::html::render(&report, lang).as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", html.display()))?;
    }
    if args.json {
        // Streamed: a package of 100,000 files must not need its report twice in memory.
        match report::json::write(&report, lang, std::io::stdout().lock()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(format!("cannot write the report: {e}"));
            }
            _ => {}
        }
    } else {
        write_stdout(&report::terminal::render(&report, lang, global.colour()))?;
    }
    Ok(verdict_code(report.verdict))
}

fn run_manifest(args: ManifestArgs, global: &GlobalFlags) -> Result<ExitCode, String> {
    let lang = global.lang();
    let options = args.check.options(global)?;
    if let Some(output) = &args.output {
        atomic::ensure_outside(&args.path, output)?;
    }
    let package =
        Package::open_for_scan(&args.path, &options.policy.limits).map_err(|e| e.message(lang))?;
    let (report, archive) =
        check_with_archive_hash(&package, &args.path, &options).map_err(|e| e.to_string())?;
    let manifest = Manifest::from_report(&report, archive, now_rfc3339());
    let output = args.output.unwrap_or_else(|| {
        PathBuf::from(format!(
            "{}.manifest.json",
            file_safe_id(&report.package.id)
        ))
    });
    atomic::ensure_outside(&args.path, &output)?;
    atomic::write(&output, manifest.to_json().as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    let verdict = match report.verdict {
        Verdict::Pass => lang.pick("pass", "通过"),
        Verdict::Fail => lang.pick("fail", "不通过"),
    };
    eprintln!(
        "{} {} ({} {}, {} {verdict})",
        lang.pick("manifest written:", "清单已写入："),
        output.display(),
        manifest.files.len(),
        lang.pick("files", "个文件"),
        lang.pick("verdict", "结论"),
    );
    Ok(verdict_code(report.verdict))
}

fn run_verify(args: VerifyArgs, global: &GlobalFlags) -> Result<ExitCode, String> {
    let lang = global.lang();
    let threads = args.jobs.threads();
    let Some(manifest_path) = &args.manifest else {
        return run_verify_bag(&args, lang, threads);
    };
    let manifest = Manifest::load(manifest_path)?;
    let changes =
        verify::verify(&args.path, &manifest, args.fast, threads).map_err(|e| e.message(lang))?;
    // A manifest of 100,000 files can list as many changes: the manifest
    // is let go first, and the result streams out instead of being built
    // as one string (or a JSON value copying every path).
    drop(manifest);
    if args.json {
        #[derive(serde::Serialize)]
        struct Verified<'a> {
            path: String,
            manifest: String,
            fast: bool,
            unchanged: bool,
            changes: &'a [verify::Change],
        }
        let verified = Verified {
            path: args.path.display().to_string(),
            manifest: manifest_path.display().to_string(),
            fast: args.fast,
            unchanged: changes.is_empty(),
            changes: &changes,
        };
        stream_stdout(|out| {
            serde_json::to_writer_pretty(&mut *out, &verified).map_err(std::io::Error::from)?;
            out.write_all(b"\n")
        })?;
        return Ok(clean_or_one(changes.is_empty()));
    }
    let text = {
        let mut out = String::new();
        // Paths come from the package: control characters are shown
        // escaped, so a name cannot rewrite the terminal or fake a line.
        let esc = |p: &str| crate::source::names::escape_controls(p).into_owned();
        for c in &changes {
            let line = match c {
                verify::Change::Missing { path } => {
                    format!("{} {}", lang.pick("missing ", "缺失  "), esc(path))
                }
                verify::Change::Extra { path } => {
                    format!("{} {}", lang.pick("extra   ", "多出  "), esc(path))
                }
                verify::Change::Changed {
                    path,
                    old_size,
                    new_size,
                    ..
                } => format!(
                    "{} {} ({old_size} → {new_size} {})",
                    lang.pick("changed ", "已修改"),
                    esc(path),
                    lang.pick("bytes", "字节")
                ),
                verify::Change::Renamed { from, to } => {
                    format!(
                        "{} {} → {}",
                        lang.pick("renamed ", "已改名"),
                        esc(from),
                        esc(to)
                    )
                }
                verify::Change::Unreadable { path, reason } => {
                    format!(
                        "{} {} ({})",
                        lang.pick("unreadable", "无法读取"),
                        esc(path),
                        esc(reason)
                    )
                }
                verify::Change::Archive {
                    path,
                    old_size,
                    new_size,
                    ..
                } => format!(
                    "{} {} ({old_size} → {new_size} {})",
                    lang.pick("archive changed", "压缩包已变化"),
                    esc(path),
                    lang.pick("bytes", "字节")
                ),
                verify::Change::Hazard {
                    path,
                    code,
                    message_en,
                    message_zh,
                } => format!(
                    "{} [{code}] {}: {}",
                    lang.pick("hazard  ", "安全隐患"),
                    esc(path),
                    esc(lang.pick(message_en, message_zh))
                ),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&if changes.is_empty() {
            lang.pick(
                "unchanged: the package matches its manifest\n",
                "未变化：包与清单一致\n",
            )
            .to_owned()
        } else {
            match lang {
                Lang::En => format!("{} change(s) since the manifest was made\n", changes.len()),
                Lang::Zh => format!("自清单生成以来有 {} 处变化\n", changes.len()),
            }
        });
        out
    };
    write_stdout(&text)?;
    Ok(clean_or_one(changes.is_empty()))
}

fn run_verify_bag(args: &VerifyArgs, lang: Lang, threads: usize) -> Result<ExitCode, String> {
    let package = Package::open_with(&args.path, &crate::policy::Limits::for_verify())
        .map_err(|e| e.message(lang))?;
    if !validate::looks_like_bag(&package) {
        return Err(format!(
            "{}: not a BagIt bag (no bagit.txt at its root or in its single top-level folder); to compare a package with its manifest, add --manifest FILE",
            args.path.display()
        ));
    }
    let bag = validate::validate_package(&package, args.fast, threads);
    let ticket = match &args.ticket {
        Some(ticket) => {
            Some(crate::pack::check_ticket(&args.path, ticket).map_err(|e| e.to_string())?)
        }
        None => None,
    };
    let ticket_ok = ticket.as_ref().is_none_or(|t| t.matches);
    let status = bag.status();
    let text = if args.json {
        let value = serde_json::json!({
            "ticket": ticket,
            "path": args.path.display().to_string(),
            "fast": args.fast,
            "status": status,
            "valid": bag.is_valid(),
            "bag_root": bag.root,
            "bagit_version": bag.version,
            "algorithms": bag.algorithms,
            "payload_files": bag.payload_files,
            "payload_bytes": bag.payload_bytes,
            "holes": bag.holes,
            "review": bag.review.iter().map(|(l, v)| serde_json::json!({
                "label": l, "value": v,
            })).collect::<Vec<_>>(),
            "problems": bag.problems.iter().map(|p| serde_json::json!({
                "kind": p.kind, "path": p.path, "message": p.message,
            })).collect::<Vec<_>>(),
        });
        serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
    } else {
        let mut out = String::new();
        for p in &bag.problems {
            let kind = serde_json::to_value(p.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            // Paths and messages quote the bag's manifests, which may be
            // hostile: control characters are shown escaped.
            out.push_str(&format!(
                "{kind}: {}{}\n",
                p.path
                    .as_deref()
                    .map(|x| format!("{}: ", escape_controls(x)))
                    .unwrap_or_default(),
                escape_controls(&p.message)
            ));
        }
        out.push_str(&bag_summary(&bag, status, args.allow_holes, lang));
        // The review pack recorded (values come from the bag: escaped).
        for (label, value) in &bag.review {
            out.push_str(&format!(
                "{} {}: {}\n",
                lang.pick("review", "审核"),
                escape_controls(label),
                escape_controls(value)
            ));
        }
        if let Some(t) = &ticket {
            out.push_str(&ticket_lines(t, lang));
        }
        out
    };
    write_stdout(&text)?;
    let accepted = match status {
        validate::BagStatus::Valid => true,
        validate::BagStatus::Incomplete => args.allow_holes,
        validate::BagStatus::Invalid => false,
    };
    Ok(clean_or_one(accepted && ticket_ok))
}

/// How the bag compares with its upload ticket, one line per problem.
fn ticket_lines(t: &crate::pack::TicketCheck, lang: Lang) -> String {
    let problems = match lang {
        Lang::En => &t.problems,
        Lang::Zh => &t.problems_zh,
    };
    let mut out = String::new();
    for p in problems {
        out.push_str(&format!("{}: {p}\n", lang.pick("ticket", "上传凭据")));
    }
    out.push_str(&match (t.matches, lang) {
        (true, Lang::En) => format!("the upload ticket {} matches the bag\n", t.ticket),
        (true, Lang::Zh) => format!("上传凭据 {} 与包一致\n", t.ticket),
        (false, Lang::En) => format!("the upload ticket {} does not match the bag\n", t.ticket),
        (false, Lang::Zh) => format!("上传凭据 {} 与包不一致\n", t.ticket),
    });
    out
}

/// The last line of `verify BAG`: the status, in the user's language.
fn bag_summary(
    bag: &validate::BagReport,
    status: validate::BagStatus,
    allow_holes: bool,
    lang: Lang,
) -> String {
    use validate::BagStatus;
    match (status, lang) {
        (BagStatus::Valid, Lang::En) => format!(
            "valid BagIt bag: {} payload file(s), {} bytes ({})\n",
            bag.payload_files,
            bag.payload_bytes,
            bag.algorithms.join(", ")
        ),
        (BagStatus::Valid, Lang::Zh) => format!(
            "有效的 BagIt 包：{} 个载荷文件，{} 字节（{}）\n",
            bag.payload_files,
            bag.payload_bytes,
            bag.algorithms.join("、")
        ),
        (BagStatus::Incomplete, Lang::En) => format!(
            "incomplete BagIt bag: {} payload file(s) listed in fetch.txt are missing \
             (nothing is fetched); the {} file(s) present check out{}\n",
            bag.holes,
            bag.payload_files,
            if allow_holes {
                "; accepted (--allow-holes)"
            } else {
                "; add --allow-holes to accept it"
            }
        ),
        (BagStatus::Incomplete, Lang::Zh) => format!(
            "不完整的 BagIt 包：fetch.txt 列出的 {} 个载荷文件不在包中（不会下载）；\
             现有的 {} 个文件校验无误{}\n",
            bag.holes,
            bag.payload_files,
            if allow_holes {
                "；已接受（--allow-holes）"
            } else {
                "；如要接受，请加 --allow-holes"
            }
        ),
        (BagStatus::Invalid, Lang::En) => {
            format!("invalid BagIt bag: {} problem(s)\n", bag.problems.len())
        }
        (BagStatus::Invalid, Lang::Zh) => {
            format!("无效的 BagIt 包：{} 个问题\n", bag.problems.len())
        }
    }
}

fn run_pack(args: PackArgs, global: &GlobalFlags) -> Result<ExitCode, String> {
    let lang = global.lang();
    let options = args.check.options(global)?;
    let pack_options = PackOptions {
        out_dir: args.out.clone(),
        force: args.force,
        chunk_size: args.chunk_size.max(1),
    };
    match pack::pack(&args.path, &options, &pack_options).map_err(|e| e.message(lang))? {
        PackOutcome::Refused(report) => {
            write_stdout(&report::terminal::render(&report, lang, global.colour()))?;
            eprintln!(
                "trainpack: {}",
                lang.pick(
                    "the package fails the policy: nothing was packed (fix it, or use --force)",
                    "包未通过检查：未打包（请先修正，或使用 --force 强制打包）"
                )
            );
            Ok(ExitCode::from(1))
        }
        PackOutcome::Packed {
            report,
            archive,
            ticket,
            upload,
        } => {
            let text = match lang {
                Lang::En => format!(
                    "bag: {} ({} bytes, sha256 {})\nupload ticket: {} ({} chunk(s) of {} bytes)\n",
                    archive.display(),
                    upload.size,
                    upload.sha256,
                    ticket.display(),
                    upload.chunks.len(),
                    upload.chunk_size
                ),
                Lang::Zh => format!(
                    "BagIt 包：{}（{} 字节，sha256 {}）\n上传凭据：{}（{} 个分块，每块 {} 字节）\n",
                    archive.display(),
                    upload.size,
                    upload.sha256,
                    ticket.display(),
                    upload.chunks.len(),
                    upload.chunk_size
                ),
            };
            write_stdout(&text)?;
            // Bag names must be UTF-8: names that were not are renamed.
            let renamed = report
                .files
                .iter()
                .filter(|f| f.path_bytes.is_some())
                .count();
            if renamed > 0 {
                eprintln!(
                    "trainpack: {}",
                    match lang {
                        Lang::En => format!(
                            "warning: {renamed} file name(s) are not UTF-8; the bag holds them under their decoded or %XX-escaped names (TP044, TP045)"
                        ),
                        Lang::Zh => format!(
                            "警告：{renamed} 个文件名不是 UTF-8；BagIt 包中使用其解码后或 %XX 转义后的名称（TP044、TP045）"
                        ),
                    }
                );
            }
            Ok(verdict_code(report.verdict))
        }
    }
}

fn run_init(args: InitArgs) -> Result<ExitCode, String> {
    let written = crate::descriptor::init(&args.path, args.force)?;
    eprintln!("{}", written.display());
    Ok(ExitCode::SUCCESS)
}

fn run_audit(args: AuditArgs, global: &GlobalFlags) -> Result<ExitCode, String> {
    use crate::audit::{AuditRequest, Recorded, record};
    use crate::descriptor::AuditResult;
    let lang = global.lang();
    let options = args.check.options(global)?;
    // On a terminal, what the flags leave out is asked for; elsewhere the
    // flags must say it all.
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let field = |given: Option<String>, flag: &str, en: &str, zh: &str| match given {
        Some(v) => Ok(v),
        None if interactive => ask(lang.pick(en, zh)),
        None => Err(match lang {
            Lang::En => format!("{flag} is required (no terminal to ask on)"),
            Lang::Zh => format!("缺少 {flag}（非交互环境，无法询问）"),
        }),
    };
    let reviewer = field(args.reviewer, "--reviewer", "Reviewer: ", "审核人：")?;
    let role = field(args.role, "--role", "Role: ", "职务：")?;
    let result = match args.result {
        Some(r) => r,
        None => {
            let answer = field(
                None,
                "--result approved|rejected",
                "Result (approved/rejected): ",
                "结论（approved 通过 / rejected 不通过）：",
            )?;
            match answer.trim() {
                "approved" | "通过" => AuditResult::Approved,
                "rejected" | "不通过" => AuditResult::Rejected,
                other => {
                    return Err(match lang {
                        Lang::En => format!("{other:?}: answer approved or rejected"),
                        Lang::Zh => format!("{other:?}：请回答 approved 或 rejected"),
                    });
                }
            }
        }
    };
    let request = AuditRequest {
        reviewer,
        role,
        result,
        notes: args.notes,
        file_notes: args.file_notes,
        date: args.date,
        force: args.force,
    };
    match record(&args.path, &options, request).map_err(|e| e.get(lang).to_owned())? {
        Recorded::RefusedFailing(report) => {
            write_stdout(&report::terminal::render(&report, lang, global.colour()))?;
            eprintln!(
                "trainpack: {}",
                lang.pick(
                    "the package fails the policy: the approval was not recorded (fix it, or use --force)",
                    "包未通过检查：未记录审核通过（请先修正，或使用 --force）"
                )
            );
            Ok(ExitCode::from(1))
        }
        Recorded::Written {
            descriptor, audit, ..
        } => {
            let files = audit.files.len();
            let text = match (audit.result, lang) {
                (AuditResult::Approved, Lang::En) => format!(
                    "audit recorded in {}: approved by {} ({}) on {}; {files} file(s), content sha256 {}\n",
                    descriptor.display(),
                    audit.reviewer,
                    audit.role,
                    audit.date,
                    audit.content_sha256
                ),
                (AuditResult::Rejected, Lang::En) => format!(
                    "audit recorded in {}: rejected by {} ({}) on {}; {files} file(s), content sha256 {}\n",
                    descriptor.display(),
                    audit.reviewer,
                    audit.role,
                    audit.date,
                    audit.content_sha256
                ),
                (AuditResult::Approved, Lang::Zh) => format!(
                    "审核已记录于 {}：{}（{}）于 {} 审核通过；{files} 个文件，内容 sha256 {}\n",
                    descriptor.display(),
                    audit.reviewer,
                    audit.role,
                    audit.date,
                    audit.content_sha256
                ),
                (AuditResult::Rejected, Lang::Zh) => format!(
                    "审核已记录于 {}：{}（{}）于 {} 审核不通过；{files} 个文件，内容 sha256 {}\n",
                    descriptor.display(),
                    audit.reviewer,
                    audit.role,
                    audit.date,
                    audit.content_sha256
                ),
            };
            write_stdout(&text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One line from the terminal, after a prompt on stderr.
fn ask(prompt: &str) -> Result<String, String> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(line.trim().to_owned())
}

fn run_rules(args: RulesArgs, global: &GlobalFlags) -> Result<ExitCode, String> {
    let lang = global.lang();
    let selected: Vec<&rules::Rule> = match &args.code {
        Some(code) => vec![rules::by_code(&code.to_ascii_uppercase()).ok_or_else(|| {
            format!("no rule with code {code}; run `trainpack rules` for the list")
        })?],
        None => rules::ALL.to_vec(),
    };
    let text = if args.json {
        let list: Vec<_> = selected
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code, "name": r.name, "severity": r.severity,
                    "on_by_default": r.on_by_default(),
                    "summary_en": r.summary_en, "summary_zh": r.summary_zh,
                    "rationale": r.rationale, "fix_en": r.fix_en, "fix_zh": r.fix_zh,
                    "example": r.example,
                })
            })
            .collect();
        serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
    } else {
        let mut out = String::new();
        for r in &selected {
            out.push_str(&format!(
                "{} {} ({}{})\n  {}\n  {}: {}\n  {}: {}\n  {}: {}\n\n",
                r.code,
                r.name,
                r.severity.label(lang),
                if r.on_by_default() {
                    ""
                } else {
                    lang.pick(", off by default", "，默认不启用")
                },
                lang.pick(r.summary_en, r.summary_zh),
                lang.pick("why", "原因"),
                r.rationale,
                lang.pick("fix", "修改建议"),
                lang.pick(r.fix_en, r.fix_zh),
                lang.pick("example", "示例"),
                r.example,
            ));
        }
        out
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Write to stdout; a closed pipe (`| head`) is not an error worth a panic.
/// Write to standard output through a buffer, as `write` produces it; a
/// reader that went away (`| head`) is not an error.
fn stream_stdout(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock>) -> std::io::Result<()>,
) -> Result<(), String> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write the report: {e}")),
    }
}

fn write_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write the report: {e}")),
    }
}
