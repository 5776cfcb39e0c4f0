//! Command-line interface: parse arguments, run a command, map the outcome to
//! an exit code (0 pass, 1 fails the policy, 2 could not do the job).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::atomic;
use crate::bagit::validate;
use crate::check::{CheckOptions, check};
use crate::env::now_rfc3339;
use crate::i18n::{Lang, Text};
use crate::manifest::Manifest;
use crate::pack::{self, PackOptions, PackOutcome, check_with_archive_hash, file_safe_id};
use crate::policy::{Basis, Policy};
use crate::probe::Engine;
use crate::report::outcome::{Refusal, refused};
use crate::report::{self, Verdict};
use crate::rules;
use crate::source::Package;
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
        self.lang.unwrap_or_else(|| crate::env::get().lang())
    }

    /// Whether the terminal report is coloured.
    fn colour(&self) -> bool {
        match self.color {
            ColourChoice::Always => true,
            ColourChoice::Never => false,
            ColourChoice::Auto => std::io::stdout().is_terminal() && !crate::env::get().no_color,
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
    pub fn policy(&self) -> Result<Policy, Text> {
        let mut policy = match (&self.policy, &self.profile) {
            (Some(path), profile) => Policy::load(path, profile.as_deref())?,
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
    // The environment is read once, here; nothing reads it later.
    crate::env::get();
    crate::atomic::remove_partials_on_interrupt();
    let global = &cli.global;
    let lang = global.lang();
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
            eprintln!("trainpack: {}", message.get(lang));
            ExitCode::from(2)
        }
    }
}

impl CheckFlags {
    fn options(&self, global: &GlobalFlags) -> Result<CheckOptions, Text> {
        let policy = self.policy.policy()?;
        let mut options = CheckOptions::new(policy, crate::env::get().today());
        options.probing = probing(self.probe, self.deep, &options.policy)?;
        if self.jobs.jobs.is_some() {
            options.threads = self.jobs.threads();
        }
        options.progress =
            (!global.quiet && std::io::stderr().is_terminal()).then(crate::progress_bar::on_stderr);
        Ok(options)
    }
}

/// The engine choice, and ffprobe (and ffmpeg with `--deep`) as the
/// external engine the core asks.
pub(crate) fn probing(
    engine: crate::probe::Engine,
    deep: bool,
    policy: &crate::policy::Policy,
) -> Result<crate::probe::run::Probing, Text> {
    let timeout = std::time::Duration::from_secs(policy.probe_timeout_s);
    let tools = crate::ffprobe::FfTools {
        ffprobe: crate::ffprobe::Ffprobe::locate(timeout),
        ffmpeg: deep_decoder(deep, policy)?,
    };
    Ok(crate::probe::run::Probing {
        engine,
        deep,
        external: Some(std::sync::Arc::new(tools)),
    })
}

/// The ffmpeg `--deep` decodes with; asking for it without ffmpeg is an
/// error before any work, not a run that silently skips it.
pub(crate) fn deep_decoder(
    deep: bool,
    policy: &crate::policy::Policy,
) -> Result<Option<crate::ffprobe::Ffmpeg>, Text> {
    if !deep {
        return Ok(None);
    }
    let timeout = std::time::Duration::from_secs(policy.probe_timeout_s);
    crate::ffprobe::Ffmpeg::locate(timeout)
        .map(Some)
        .ok_or_else(|| match &crate::env::get().ffmpeg {
            Some(p) => Text::new(
                format!(
                    "--deep decodes every video with ffmpeg, but TRAINPACK_FFMPEG={} is not a file: \
                     point it at ffmpeg, unset it, or leave out --deep",
                    std::path::Path::new(&p).display()
                ),
                format!(
                    "--deep 要用 ffmpeg 解码每个视频，但 TRAINPACK_FFMPEG={} 不是文件：\
                     请指向 ffmpeg、取消该变量，或去掉 --deep",
                    std::path::Path::new(&p).display()
                ),
            ),
            _ => Text::new(
                "--deep decodes every video with ffmpeg, which was not found: install it \
                 (`apt install ffmpeg`, `brew install ffmpeg`, `winget install ffmpeg`), \
                 set TRAINPACK_FFMPEG to its path, or leave out --deep",
                "--deep 要用 ffmpeg 解码每个视频，但未找到 ffmpeg：请安装\
                 （`apt install ffmpeg`、`brew install ffmpeg`、`winget install ffmpeg`），\
                 或将 TRAINPACK_FFMPEG 设为其路径，或去掉 --deep",
            ),
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

fn run_check(args: CheckArgs, global: &GlobalFlags) -> Result<ExitCode, Text> {
    let lang = global.lang();
    let options = args.check.options(global)?;
    // Refused before the work: over the package, or inside it where the
    // next check would count the report and change the verdict.
    if let Some(html) = &args.html {
        atomic::ensure_outside(&args.path, html)?;
    }
    let report = check(&args.path, &options).map_err(Text::from)?;
    if let Some(html) = &args.html {
        atomic::write(html, report::html::render(&report, lang).as_bytes())
            .map_err(|e| unwritable(html, e))?;
    }
    if args.json {
        // Streamed: a package of 100,000 files must not need its report twice in memory.
        match report::json::write(&report, lang, std::io::stdout().lock()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(report_unwritable(&e));
            }
            _ => {}
        }
    } else {
        write_stdout(&report::terminal::render(&report, lang, global.colour()))?;
    }
    Ok(verdict_code(report.verdict))
}

fn run_manifest(args: ManifestArgs, global: &GlobalFlags) -> Result<ExitCode, Text> {
    let lang = global.lang();
    let options = args.check.options(global)?;
    if let Some(output) = &args.output {
        atomic::ensure_outside(&args.path, output)?;
    }
    let package = Package::open_for_scan(&args.path, &options.policy.limits).map_err(Text::from)?;
    let (report, archive) =
        check_with_archive_hash(&package, &args.path, &options).map_err(Text::from)?;
    let manifest = Manifest::from_report(&report, archive, now_rfc3339());
    let output = args.output.unwrap_or_else(|| {
        PathBuf::from(format!(
            "{}.manifest.json",
            file_safe_id(&report.package.id)
        ))
    });
    atomic::ensure_outside(&args.path, &output)?;
    atomic::write(&output, manifest.to_json().as_bytes()).map_err(|e| unwritable(&output, e))?;
    eprintln!(
        "{}",
        report::outcome::manifest_written(&output, manifest.files.len(), report.verdict, lang)
    );
    Ok(verdict_code(report.verdict))
}

fn run_verify(args: VerifyArgs, global: &GlobalFlags) -> Result<ExitCode, Text> {
    let lang = global.lang();
    let threads = args.jobs.threads();
    let Some(manifest_path) = &args.manifest else {
        return run_verify_bag(&args, lang, threads);
    };
    let manifest = Manifest::load(manifest_path)?;
    let changes = verify::verify(&args.path, &manifest, args.fast, threads).map_err(Text::from)?;
    // A manifest of 100,000 files can list as many changes: the manifest
    // is let go first, and the result streams out instead of being built
    // as one string (or a JSON value copying every path).
    drop(manifest);
    if args.json {
        stream_stdout(|out| {
            report::verify::write_json(out, &args.path, manifest_path, args.fast, &changes)
        })?;
    } else {
        stream_stdout(|out| report::verify::write_text(out, &changes, lang))?;
    }
    Ok(clean_or_one(changes.is_empty()))
}

fn run_verify_bag(args: &VerifyArgs, lang: Lang, threads: usize) -> Result<ExitCode, Text> {
    let package =
        Package::open_with(&args.path, &crate::policy::Limits::for_verify()).map_err(Text::from)?;
    if !validate::looks_like_bag(&package) {
        return Err(Text::new(
            format!(
                "{}: not a BagIt bag (no bagit.txt at its root or in its single top-level folder); to compare a package with its manifest, add --manifest FILE",
                args.path.display()
            ),
            format!(
                "{}：不是 BagIt 包（根目录及其唯一的顶层文件夹中都没有 bagit.txt）；如要将包与其清单比对，请加 --manifest 清单文件",
                args.path.display()
            ),
        ));
    }
    let bag = validate::validate_package(&package, args.fast, threads);
    let ticket = match &args.ticket {
        Some(ticket) => Some(crate::pack::check_ticket(&args.path, ticket).map_err(Text::from)?),
        None => None,
    };
    let ticket_ok = ticket.as_ref().is_none_or(|t| t.matches);
    let outcome = report::bag::BagOutcome {
        path: &args.path,
        fast: args.fast,
        bag: &bag,
        status: bag.status(),
        allow_holes: args.allow_holes,
        ticket: ticket.as_ref(),
    };
    if args.json {
        stream_stdout(|out| report::bag::write_json(out, &outcome))?;
    } else {
        stream_stdout(|out| report::bag::write_text(out, &outcome, lang))?;
    }
    let accepted = match outcome.status {
        validate::BagStatus::Valid => true,
        validate::BagStatus::Incomplete => args.allow_holes,
        validate::BagStatus::Invalid => false,
    };
    Ok(clean_or_one(accepted && ticket_ok))
}

fn run_pack(args: PackArgs, global: &GlobalFlags) -> Result<ExitCode, Text> {
    let lang = global.lang();
    let options = args.check.options(global)?;
    let pack_options = PackOptions {
        out_dir: args.out.clone(),
        force: args.force,
        chunk_size: args.chunk_size.max(1),
    };
    match pack::pack(&args.path, &options, &pack_options).map_err(Text::from)? {
        PackOutcome::Refused(report) => {
            write_stdout(&report::terminal::render(&report, lang, global.colour()))?;
            eprintln!("trainpack: {}", refused(Refusal::Pack, lang));
            Ok(ExitCode::from(1))
        }
        PackOutcome::Packed {
            report,
            archive,
            ticket,
            upload,
        } => {
            write_stdout(&report::outcome::packed(&archive, &ticket, &upload, lang))?;
            // Bag names must be UTF-8: names that were not are renamed.
            let renamed = report
                .files
                .iter()
                .filter(|f| f.path_bytes.is_some())
                .count();
            if renamed > 0 {
                eprintln!(
                    "trainpack: {}",
                    report::outcome::renamed_in_bag(renamed, lang)
                );
            }
            Ok(verdict_code(report.verdict))
        }
    }
}

fn run_init(args: InitArgs) -> Result<ExitCode, Text> {
    let written = crate::init::init(&args.path, args.force)?;
    eprintln!("{}", written.display());
    Ok(ExitCode::SUCCESS)
}

fn run_audit(args: AuditArgs, global: &GlobalFlags) -> Result<ExitCode, Text> {
    use crate::audit_cmd::{AuditRequest, Recorded, record};
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
                    return Err(Text::new(
                        format!("{other:?}: answer approved or rejected"),
                        format!("{other:?}：请回答 approved 或 rejected"),
                    ));
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
            eprintln!("trainpack: {}", refused(Refusal::Approve, lang));
            Ok(ExitCode::from(1))
        }
        Recorded::Written {
            descriptor, audit, ..
        } => {
            write_stdout(&report::outcome::audit_recorded(&descriptor, &audit, lang))?;
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

fn run_rules(args: RulesArgs, global: &GlobalFlags) -> Result<ExitCode, Text> {
    let lang = global.lang();
    let selected: Vec<&rules::Rule> = match &args.code {
        Some(code) => vec![rules::by_code(&code.to_ascii_uppercase()).ok_or_else(|| {
            Text::new(
                format!("no rule with code {code}; run `trainpack rules` for the list"),
                format!("没有代码为 {code} 的规则；运行 `trainpack rules` 查看全部"),
            )
        })?],
        None => rules::ALL.to_vec(),
    };
    if args.json {
        stream_stdout(|out| report::rules::write_json(out, &selected))?;
    } else {
        stream_stdout(|out| report::rules::write_text(out, &selected, lang))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Write to stdout; a closed pipe (`| head`) is not an error worth a panic.
/// Write to standard output through a buffer, as `write` produces it; a
/// reader that went away (`| head`) is not an error.
fn stream_stdout(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock>) -> std::io::Result<()>,
) -> Result<(), Text> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(report_unwritable(&e)),
    }
}

/// "cannot write FILE", the reason chosen by the I/O error's kind.
fn unwritable(path: &std::path::Path, source: std::io::Error) -> Text {
    crate::error::Error::Unwritable {
        path: path.to_owned(),
        source,
    }
    .text()
}

fn report_unwritable(e: &std::io::Error) -> Text {
    let reason = crate::error::io_reason(e);
    Text::new(
        format!("cannot write the report: {}", reason.en),
        format!("无法输出报告：{}", reason.zh),
    )
}

fn write_stdout(text: &str) -> Result<(), Text> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(report_unwritable(&e)),
    }
}
