//! Command-line interface: parse arguments, run a command, map the outcome to
//! an exit code (0 pass, 1 fails the policy, 2 could not do the job).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::check::{CheckOptions, check};
use crate::i18n::Lang;
use crate::policy::{Basis, Policy};
use crate::report::{self, Verdict};
use crate::rules;

const AFTER_HELP: &str = "\
Exit codes: 0 the package passes, 1 it fails the policy, 2 trainpack could not do its job.

Examples:
  trainpack check 培训包/                 check a folder (report in your locale's language)
  trainpack check package.zip --lang en  check a zip, report in English
  trainpack check package.zip --json     machine-readable report (schemas/report.schema.json)
  trainpack rules                        every finding code, with why and how to fix";

/// Validate digital training packages (数字化培训包) before upload.
///
/// trainpack reads every file of a package (a folder or a .zip) once, decides
/// what each file really is by its content, confirms videos with ffprobe, and
/// checks that video makes up at least 60% of the course resources, as the
/// 2022 notice (教师厅函〔2022〕7号) requires.
#[derive(Debug, Parser)]
#[command(name = "trainpack", version, about, long_about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a package (folder or .zip) against the policy and say what to fix.
    Check(CheckArgs),
    /// List every finding code with its severity, rationale and fix.
    Rules(RulesArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The package: a folder, or a .zip file (read in place, never extracted).
    path: PathBuf,

    /// Print the machine report as JSON on stdout (schemas/report.schema.json).
    #[arg(long)]
    json: bool,

    /// Language of messages: zh or en [default: zh on a zh locale (LC_ALL,
    /// LC_MESSAGES, LANG), else en].
    #[arg(long, value_enum)]
    lang: Option<Lang>,

    /// Policy file (TOML, or JSON when it ends in .json), described by
    /// schemas/policy.schema.json. Fields left out keep their defaults
    /// (60% video by count; subtitles, metadata and junk not counted).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,

    /// Measure the video share by resource count or by bytes (overrides the policy).
    #[arg(long, value_enum)]
    basis: Option<Basis>,

    /// Minimum video share in percent (overrides the policy; 60 by default).
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u32).range(0..=100))]
    threshold: Option<u32>,

    /// Worker threads for reading and probing [default: number of cores].
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,

    /// No progress bar (it is only ever shown on a terminal).
    #[arg(long, short = 'q')]
    quiet: bool,

    /// When to colour the terminal report.
    #[arg(long, value_enum, default_value_t = ColourChoice::Auto)]
    color: ColourChoice,
}

#[derive(Debug, clap::Args)]
struct RulesArgs {
    /// Show only this code (for example TP001).
    code: Option<String>,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
    /// Language of the summaries and fixes.
    #[arg(long, value_enum)]
    lang: Option<Lang>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColourChoice {
    Auto,
    Always,
    Never,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Rules(args) => run_rules(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("trainpack: {message}");
            ExitCode::from(2)
        }
    }
}

fn run_check(args: CheckArgs) -> Result<ExitCode, String> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let mut policy = match &args.policy {
        Some(path) => Policy::load(path).map_err(|e| e.to_string())?,
        None => Policy::default(),
    };
    if let Some(basis) = args.basis {
        policy.basis = basis;
    }
    if let Some(threshold) = args.threshold {
        policy.threshold_percent = threshold;
    }
    let mut options = CheckOptions::new(policy);
    if let Some(jobs) = args.jobs {
        options.threads = jobs.max(1);
    }
    options.progress = !args.quiet && std::io::stderr().is_terminal();
    let report = check(&args.path, &options).map_err(|e| e.to_string())?;
    let text = if args.json {
        report::json::render(&report, lang)
    } else {
        let colour = match args.color {
            ColourChoice::Always => true,
            ColourChoice::Never => false,
            ColourChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        report::terminal::render(&report, lang, colour)
    };
    write_stdout(&text)?;
    Ok(match report.verdict {
        Verdict::Pass => ExitCode::SUCCESS,
        Verdict::Fail => ExitCode::from(1),
    })
}

fn run_rules(args: RulesArgs) -> Result<ExitCode, String> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
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
                "{} {} ({})\n  {}\n  {}: {}\n  {}: {}\n  {}: {}\n\n",
                r.code,
                r.name,
                r.severity.label(lang),
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
fn write_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write the report: {e}")),
    }
}
