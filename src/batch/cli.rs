//! Arguments and entry points of `trainpack batch` and `trainpack merge`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use super::shard::Shard;
use super::{BatchOptions, ProgressMode};
use crate::check::CheckOptions;
use crate::cli::GlobalFlags;
use crate::i18n::{Lang, Text};
use crate::probe::Engine;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Exit codes: 0 every package passes, 1 any fails the policy, 2 any could not be processed
(or an inbox entry is not a package: a .rar, .7z or other file, listed as `unsupported`).

Outputs in REPORTS: <id>.report.json (as `check --json`), <id>.manifest.json, <id>.html,
summary.csv (UTF-8 with BOM), summary.json (schemas/summary.schema.json), summary.html,
duplicates.csv and catalog.sqlite. Unchanged packages are skipped on the next run.

Examples:
  trainpack batch inbox/ --out reports/
  trainpack batch inbox/ --out reports/ --roster roster.csv
  trainpack batch inbox/ --out reports/shard-2 --shard 2/8   (then `trainpack merge`)")]
pub struct BatchArgs {
    /// Folder holding the packages: every .zip file and folder directly inside it
    /// (hidden entries are skipped).
    pub inbox: PathBuf,

    /// Folder for the reports, summaries and catalog (created if missing).
    #[arg(long, short = 'o', value_name = "REPORTS")]
    pub out: PathBuf,

    /// Packages checked at the same time [default: 2, or 1 on a single core].
    /// They share the -j/--jobs worker threads: two packages at a time
    /// measured 12-43% faster than one on 2 cores (a package's single large
    /// file, its listing and its probes no longer leave a core idle).
    #[arg(long, value_name = "N")]
    pub packages: Option<usize>,

    #[command(flatten)]
    pub jobs: crate::cli::JobsFlag,

    /// Deprecated: worker threads per package; use -j/--jobs (threads in
    /// all) with --packages.
    #[arg(long, value_name = "N", hide = true)]
    pub threads: Option<usize>,

    /// Check every package again, even those unchanged since the last run.
    #[arg(long)]
    pub rescan: bool,

    /// Only the packages of shard K of N (1-based; by SHA-256 of the file name),
    /// for Slurm job arrays, Kubernetes Indexed Jobs or GNU parallel.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,

    #[command(flatten)]
    pub policy: crate::cli::PolicyFlags,

    /// How videos are confirmed (as for `trainpack check --probe`).
    #[arg(long, value_enum, default_value_t = Engine::Auto, value_name = "ENGINE")]
    pub probe: Engine,

    /// Also decode every video with ffmpeg (slow: it reads every frame).
    #[arg(long)]
    pub deep: bool,

    /// The programme office's list of expected packages (XLSX, or CSV in
    /// UTF-8 or GBK): the summaries then gain one row per entry: submitted or
    /// missing, verdict, audit, days left or late (see docs/batch.md).
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,

    /// The day every package counts as received (YYYY-MM-DD) [default:
    /// each package's file time in the inbox]. Needs --roster.
    #[arg(long, value_name = "DATE", requires = "roster", value_parser = parse_day)]
    pub received_at: Option<time::Date>,
}

fn parse_day(text: &str) -> Result<time::Date, String> {
    crate::descriptor::parse_date(text)
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Exit codes: 0 every merged package passes, 1 any fails, 2 any could not be processed or is
not a package
(or an input is not a batch output folder).

Examples:
  trainpack merge reports/shard-* --out reports/all
  trainpack merge reports/shard-* --out reports/all --roster roster.xlsx")]
pub struct MergeArgs {
    /// Output folders of `trainpack batch` (for example one per shard).
    #[arg(required = true, value_name = "REPORTS")]
    pub reports: Vec<PathBuf>,

    /// Folder for the merged summaries, dashboard, catalog and per-package files.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,

    /// The programme office's roster, as for `trainpack batch --roster`.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,

    /// As for `trainpack batch --received-at`. Needs --roster.
    #[arg(long, value_name = "DATE", requires = "roster", value_parser = parse_day)]
    pub received_at: Option<time::Date>,
}

/// The roster of `--roster`, read before any work: a bad roster stops at
/// once.
fn roster_input(
    path: Option<&PathBuf>,
    received_at: Option<time::Date>,
    lang: Lang,
) -> Result<Option<super::roll_call::RosterInput>, String> {
    path.map(|path| {
        Ok(super::roll_call::RosterInput {
            roster: super::roster::read(path, lang)?,
            received_at,
        })
    })
    .transpose()
}

pub fn run_batch(args: BatchArgs, global: &GlobalFlags) -> Result<ExitCode, Text> {
    let lang = global.lang();
    let policy = args.policy.policy()?;
    let packages = args
        .packages
        .unwrap_or_else(|| crate::scan::cores().min(2))
        .max(1);
    let mut check = CheckOptions::new(policy, crate::env::get().today());
    // The worker threads are shared among the packages checked at once.
    check.threads = args.jobs.threads().div_ceil(packages);
    if let Some(threads) = args.threads {
        eprintln!(
            "trainpack: {}",
            lang.pick(
                "--threads is deprecated: use -j/--jobs for the worker threads in all and --packages for the packages checked at once",
                "--threads 已弃用：请用 -j/--jobs 指定总工作线程数，用 --packages 指定同时检查的包数"
            )
        );
        check.threads = threads.max(1);
    }
    check.progress = None;
    check.probing = crate::cli::probing(args.probe, args.deep, &check.policy)?;
    let progress = if global.quiet {
        ProgressMode::Quiet
    } else if std::io::stderr().is_terminal() {
        ProgressMode::Bars
    } else {
        ProgressMode::Plain
    };
    let roster = roster_input(args.roster.as_ref(), args.received_at, lang)?;
    let opts = BatchOptions {
        roster,
        inbox: args.inbox,
        out: args.out,
        jobs: packages,
        check,
        rescan: args.rescan,
        shard: args.shard,
        lang,
        progress,
    };
    let outcome = super::run(&opts)?;
    if !global.quiet {
        for (name, what) in &outcome.unsupported {
            eprintln!(
                "{name}: {} {}",
                lang.pick("unsupported:", "不支持："),
                what.message(lang)
            );
        }
        for name in &outcome.removed {
            eprintln!(
                "{} {name}",
                lang.pick(
                    "no longer in the inbox, removed from the catalog:",
                    "已不在收件箱中，已从目录库移除："
                )
            );
        }
        let shard = opts
            .shard
            .map(|s| format!(" [shard {s}]"))
            .unwrap_or_default();
        let secs = outcome.elapsed.as_secs_f64();
        let summary_path = opts.out.join(super::summary::HTML_FILE);
        let line = match lang {
            Lang::En => format!(
                "{} package(s){shard}: {} pass, {} fail, {} could not be processed, {} not a package; {} checked, {} unchanged and skipped, in {secs:.1} s\nsummary: {}",
                outcome.selected,
                outcome.pass,
                outcome.fail,
                outcome.error,
                outcome.unsupported.len(),
                outcome.checked,
                outcome.skipped,
                summary_path.display()
            ),
            Lang::Zh => format!(
                "共 {} 个包{shard}：通过 {} 个，不通过 {} 个，无法处理 {} 个，非培训包文件 {} 个；本次检查 {} 个，未变化跳过 {} 个，用时 {secs:.1} 秒\n汇总：{}",
                outcome.selected,
                outcome.pass,
                outcome.fail,
                outcome.error,
                outcome.unsupported.len(),
                outcome.checked,
                outcome.skipped,
                summary_path.display()
            ),
        };
        eprintln!("{line}");
        if let Some(totals) = &outcome.roster_totals {
            eprintln!("{totals}");
        }
    }
    Ok(ExitCode::from(outcome.exit_code()))
}

pub fn run_merge(args: MergeArgs, global: &GlobalFlags) -> Result<ExitCode, Text> {
    let lang = global.lang();
    let opts = super::merge::MergeOptions {
        roster: roster_input(args.roster.as_ref(), args.received_at, lang)?,
        inputs: args.reports,
        out: args.out,
        lang,
    };
    let data = super::merge::merge(&opts)?;
    if !global.quiet {
        let summary_path = opts.out.join(super::summary::HTML_FILE);
        let line = match lang {
            Lang::En => format!(
                "merged {} folder(s): {} package(s), {} pass, {} fail, {} could not be processed\nsummary: {}",
                opts.inputs.len(),
                data.rows.len(),
                data.pass,
                data.fail,
                data.error,
                summary_path.display()
            ),
            Lang::Zh => format!(
                "已合并 {} 个目录：共 {} 个包，通过 {} 个，不通过 {} 个，无法处理 {} 个\n汇总：{}",
                opts.inputs.len(),
                data.rows.len(),
                data.pass,
                data.fail,
                data.error,
                summary_path.display()
            ),
        };
        eprintln!("{line}");
        if let Some(call) = &data.roll_call {
            eprintln!("{}", super::roster_html::totals_line(call, lang));
        }
    }
    Ok(ExitCode::from(super::exit_code(
        data.fail as u64,
        (data.error + data.unsupported) as u64,
    )))
}
