//! The command line in Chinese: clap's help and its parse errors say
//! themselves in English only, so under `--lang zh` (or a zh locale) the
//! command is rebuilt with the Chinese texts below, and clap's errors are
//! rendered from their kind and context by [`ZhErrors`], never from clap's
//! English wording.

use std::fmt::Write as _;

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::{Arg, Command};

const TEMPLATE: &str = "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";
const ARGUMENTS: &str = "参数";
const OPTIONS: &str = "选项";

const ABOUT: &str = "在上传前检查数字化培训包。";
const LONG_ABOUT: &str = "在上传前检查数字化培训包。

trainpack 对资源包（文件夹或 .zip）中的每个文件只读一遍，按内容判断每个文件的真实类型，用 ffprobe 确认视频，并按 2022 年通知（教师厅函〔2022〕7号）的要求，检查视频是否占课程资源的 60% 以上。";
const AFTER_HELP: &str = "\
退出码：0 资源包通过，1 不符合策略，2 trainpack 无法完成任务。

示例（命令行写在反引号中）：
  `trainpack check 培训包/`                 检查文件夹（报告语言随系统区域设置）
  `trainpack check package.zip --lang en`  检查 zip，报告用英文
  `trainpack check package.zip --json`     机器可读的报告（schemas/report.schema.json）
  `trainpack audit 培训包/ --reviewer 张三 --role 项目负责人 --result approved`
                                           对确切内容记录审核
  `trainpack rules`                        列出全部问题代码、原因与修正方法
  `trainpack --lang zh -q batch inbox/ -o reports/ -j 8 --packages 4`
                                           --lang、-q/--quiet 和 --color 可写在命令前后；
                                           -j/--jobs 在各命令中都指工作线程数";
const BATCH_AFTER_HELP: &str = "\
退出码：0 全部通过，1 有包不符合策略，2 有包无法处理
（或收件箱中有不是资源包的文件：.rar、.7z 等，列为“不支持”）。

输出到报告文件夹：<id>.report.json（同 `check --json`）、<id>.manifest.json、<id>.html、
summary.csv（带 BOM 的 UTF-8）、summary.json（schemas/summary.schema.json）、summary.html、
duplicates.csv 和 catalog.sqlite。未变化的资源包下次运行时跳过。

示例：
  trainpack batch inbox/ --out reports/
  trainpack batch inbox/ --out reports/ --roster roster.csv
  trainpack batch inbox/ --out reports/shard-2 --shard 2/8   （之后运行 `trainpack merge`）";
const MERGE_AFTER_HELP: &str = "\
退出码：0 合并后全部通过，1 有包不通过，2 有包无法处理或不是资源包
（或某个输入不是批量检查的输出文件夹）。

示例：
  trainpack merge reports/shard-* --out reports/all
  trainpack merge reports/shard-* --out reports/all --roster roster.xlsx";

/// What a subcommand does, in Chinese.
fn command_about(name: &str) -> Option<&'static str> {
    Some(match name {
        "check" => "按策略检查资源包（文件夹或 .zip），并说明要修正什么",
        "manifest" => "写出资源包的校验清单（schemas/manifest.schema.json）",
        "verify" => "检查资源包是否仍与其清单一致，或 BagIt 包是否有效",
        "pack" => "将通过检查的资源包打包为一个可重现的 BagIt zip，并附上传凭据",
        "init" => "在文件夹中写出 training-package.json（资源包说明文件）骨架",
        "audit" => "在资源包文件夹的 training-package.json 中记录审核",
        "rules" => "列出全部问题代码，及其严重程度、原因与修正方法",
        "batch" => "检查收件箱文件夹中的每个资源包：报告、汇总、看板、目录库",
        "merge" => "将多次批量检查（分片）的输出文件夹合并为一个",
        "help" => "显示本帮助，或指定子命令的帮助",
        _ => return None,
    })
}

/// An argument's help in Chinese, by subcommand (`""` for the top level)
/// and argument id; the same id may mean different things in different
/// commands (`path`, `out`, `force`).
fn arg_help(command: &str, id: &str) -> Option<&'static str> {
    Some(match (command, id) {
        (_, "lang") => {
            "消息、报告和汇总的语言：zh 或 en（默认：区域设置为 zh 时（LC_ALL、LC_MESSAGES、LANG）用 zh，否则用 en）"
        }
        (_, "quiet") => "不显示进度（进度条只在终端上显示）",
        (_, "color") => "终端报告何时着色：auto 自动、always 总是、never 从不（默认：auto）",
        (_, "help") => "显示帮助",
        (_, "version") => "显示版本",
        (_, "jobs") => "读取、计算摘要和探测所用的工作线程数（默认：CPU 核数）",
        (_, "policy") => {
            "策略文件（TOML；以 .json 结尾时为 JSON），格式见 schemas/policy.schema.json。未写的字段保持默认值（按数量计视频须占 60%；字幕、元数据和垃圾文件不计入）"
        }
        (_, "profile") => {
            "内置策略：notice-2022（默认：视频占 60%，MP4/H.264/AAC 和 ≥720p 为警告）、notice-2022-strict（同上，且资源包须带有对当前内容的通过审核）或 smartedu-2025（1920×1080 16:9 MP4/H.264/AAC 为错误，音频 48 kHz）。与 --policy 同用时，是文件中设置所依据的基础"
        }
        (_, "basis") => {
            "按资源数量（count，通知的字面含义，默认）或按字节数（bytes）计算视频占比（覆盖策略）"
        }
        (_, "threshold") => "视频占比的最低百分比（覆盖策略；默认 60）",
        (_, "probe_timeout") => "单次 ffprobe 运行的最长秒数（覆盖策略；默认 30）",
        ("batch", "probe") => "如何确认视频（同 `trainpack check --probe`）",
        (_, "probe") => {
            "如何确认视频：auto（默认）用内置探测（MP4、MOV、3GP、M4V、MKV、WebM、AVI，无需其他程序），其他格式或其读不了的文件用 ffprobe；builtin 从不运行 ffprobe；ffprobe 只用 ffprobe"
        }
        ("batch", "deep") => "另用 ffmpeg 解码每个视频（很慢：要读每一帧）",
        (_, "deep") => {
            "另用 ffmpeg 解码每个视频，以发现截断或损坏的流（很慢：要读每一帧）。ffmpeg 从 PATH 或 TRAINPACK_FFMPEG 查找；找不到时报错"
        }
        ("check", "path") => "资源包：文件夹或 .zip 文件（就地读取，从不解压）",
        ("verify", "path") => {
            "资源包（文件夹或 .zip）；未给 --manifest 时为 BagIt 包（文件夹或 .zip）"
        }
        ("init", "path") => "资源包文件夹",
        ("audit", "path") => "资源包文件夹（zip 无法修改：请审核文件夹后再压缩）",
        (_, "path") => "资源包：文件夹或 .zip 文件",
        ("check", "json") => "在标准输出上以 JSON 输出机器可读报告（schemas/report.schema.json）",
        ("verify", "json") => "以 JSON 输出结果",
        (_, "json") => "以 JSON 输出",
        (_, "html") => "另将报告写为独立的 HTML 页面 FILE",
        (_, "output") => "清单写到哪里（默认：./<包编号>.manifest.json）",
        (_, "manifest") => {
            "`trainpack manifest` 写出的清单；不给时，把 PATH 当作 BagIt 包校验（任何工具的：md5、sha1、sha256、sha512）"
        }
        (_, "fast") => {
            "只比较文件数量和大小（BagIt 包：Payload-Oxum 和是否存在），不计算任何文件的摘要"
        }
        (_, "ticket") => {
            "对 BagIt zip：另与 pack 在其旁写出的上传凭据（<id>.upload.json）比对：名称、大小、SHA-256、分块摘要"
        }
        (_, "allow_holes") => {
            "BagIt 包：接受不完整的包（唯一缺陷是 fetch.txt 中列出但不存在的文件），退出码为 0（状态仍为 incomplete）。从不下载任何内容"
        }
        ("pack", "out") => "写入 <id>.zip 和 <id>.upload.json 的文件夹（不存在时创建）",
        ("batch", "out") => "报告、汇总和目录库所在的文件夹（不存在时创建）",
        ("merge", "out") => "合并后的汇总、看板、目录库和各包文件所在的文件夹",
        ("pack", "force") => "即使资源包不符合策略也打包",
        ("init", "force") => "替换已有的 training-package.json",
        ("audit", "force") => "即使资源包不符合策略也记录通过",
        (_, "chunk_size") => "上传分块大小（字节），用于凭据中可续传上传的分块摘要",
        (_, "reviewer") => "审核人（未给出时在终端上询问）",
        (_, "role") => "审核人职务，例如 项目负责人（未给出时在终端上询问）",
        (_, "result") => "审核结论：approved 通过或 rejected 不通过（未给出时在终端上询问）",
        (_, "notes") => "对整个资源包的说明",
        (_, "file_notes") => "对单个文件的说明，写作 路径=说明，路径相对于资源包根目录；可多次给出",
        (_, "date") => "审核日期，YYYY-MM-DD（默认：今天）",
        (_, "code") => "只显示这个代码（例如 TP001）",
        (_, "inbox") => "存放资源包的文件夹：其中直接包含的每个 .zip 文件和文件夹（跳过隐藏项）",
        (_, "packages") => {
            "同时检查的资源包数（默认：2，单核时为 1）。它们共用 -j/--jobs 的工作线程"
        }
        (_, "threads") => "已弃用：每个包的工作线程数；请改用 -j/--jobs 与 --packages",
        (_, "rescan") => "重新检查每个资源包，包括上次运行以来未变化的",
        (_, "shard") => {
            "只检查 N 个分片中的第 K 个（从 1 起；按文件名的 SHA-256 划分），用于 Slurm 作业数组、Kubernetes 的 `Indexed Job` 或 `GNU parallel`"
        }
        ("merge", "roster") => "项目办的名单，同 `trainpack batch --roster`",
        (_, "roster") => {
            "项目办的应交资源包名单（XLSX，或 UTF-8/GBK 编码的 CSV）：汇总中每个条目增加一行：已交或缺交、结论、审核、剩余或逾期天数（见 docs/batch.md）"
        }
        ("merge", "received_at") => "同 `trainpack batch --received-at`。须与 --roster 同用",
        (_, "received_at") => {
            "每个资源包视为收到的日期（YYYY-MM-DD）（默认：各包在收件箱中的文件时间）。须与 --roster 同用"
        }
        (_, "reports") => "`trainpack batch` 的输出文件夹（例如每个分片一个）",
        ("help", "subcommand") => "要显示帮助的子命令",
        _ => return None,
    })
}

/// The command with every text clap shows in Chinese: about, help of each
/// argument (default and possible values said inside it), headings,
/// usage title and after-help.
pub fn localise(mut cmd: Command) -> Command {
    // Built first, so the help flag, version flag and help subcommand
    // that clap adds exist and can be translated too.
    cmd.build();
    let cmd = cmd
        .about(ABOUT)
        .long_about(LONG_ABOUT)
        .after_help(AFTER_HELP)
        .after_long_help(AFTER_HELP);
    let cmd = localise_one(cmd, "");
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    names.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| {
            let sub = match name.as_str() {
                "batch" => sub
                    .after_help(BATCH_AFTER_HELP)
                    .after_long_help(BATCH_AFTER_HELP),
                "merge" => sub
                    .after_help(MERGE_AFTER_HELP)
                    .after_long_help(MERGE_AFTER_HELP),
                _ => sub,
            };
            let sub = match command_about(name) {
                Some(about) => sub.about(about).long_about(about),
                None => sub,
            };
            localise_one(sub, name)
        })
    })
}

fn localise_one(cmd: Command, name: &str) -> Command {
    cmd.help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .mut_args(|arg| localise_arg(arg, name))
}

fn localise_arg(arg: Arg, command: &str) -> Arg {
    let heading = if arg.is_positional() {
        ARGUMENTS
    } else {
        OPTIONS
    };
    let arg = arg.help_heading(heading);
    match arg_help(command, arg.get_id().as_str()) {
        Some(help) => arg
            .help(help)
            .long_help(help)
            .hide_default_value(true)
            .hide_possible_values(true),
        None => arg,
    }
}

/// clap's parse errors in Chinese, from the error's kind and context.
pub struct ZhErrors;

impl ErrorFormatter for ZhErrors {
    fn format_error(error: &clap::error::Error<Self>) -> StyledStr {
        let mut out = String::from("错误：");
        out.push_str(&message(error));
        for (kind, lead) in [
            (ContextKind::SuggestedArg, "有相似的参数"),
            (ContextKind::SuggestedSubcommand, "有相似的子命令"),
            (ContextKind::SuggestedValue, "有相似的取值"),
        ] {
            if let Some(value) = error.get(kind) {
                let _ = write!(out, "\n\n  提示：{lead} '{}'", plain(value));
            }
        }
        if let Some(ContextValue::String(arg)) = error
            .get(ContextKind::TrailingArg)
            .and(error.get(ContextKind::InvalidArg))
        {
            let _ = write!(
                out,
                "\n\n  提示：如要把 '{arg}' 作为值传入，请用 '-- {arg}'"
            );
        }
        if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
            let usage = usage.to_string();
            let usage = usage.trim_start_matches("Usage:").trim();
            let _ = write!(out, "\n\n用法：{usage}");
        }
        out.push_str("\n\n更多信息请使用 '--help'。\n");
        StyledStr::from(out)
    }
}

fn plain(value: &ContextValue) -> String {
    match value {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(v) => v.join("、"),
        ContextValue::StyledStr(s) => s.to_string(),
        ContextValue::Number(n) => n.to_string(),
        ContextValue::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn message(error: &clap::error::Error<ZhErrors>) -> String {
    let get = |kind| error.get(kind).map(plain).unwrap_or_default();
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let valid = get(ContextKind::ValidValue);
    let valid = if valid.is_empty() {
        String::new()
    } else {
        format!("（可选值：{valid}）")
    };
    match error.kind() {
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("'{arg}' 需要一个值，但没有给出{valid}")
        }
        ErrorKind::InvalidValue => format!("'{arg}' 的取值 '{value}' 无效{valid}"),
        ErrorKind::ValueValidation => {
            // trainpack's own checks say why; clap's (a number out of
            // range) only in English, so the help is pointed to instead.
            let why = std::error::Error::source(error)
                .and_then(super::said)
                .map_or_else(
                    || "（取值范围见 --help）".to_owned(),
                    |text| format!("：{}", text.zh),
                );
            format!("'{arg}' 的取值 '{value}' 无效{why}")
        }
        ErrorKind::UnknownArgument => format!("无法识别的参数 '{arg}'"),
        ErrorKind::InvalidSubcommand => {
            format!("无法识别的子命令 '{}'", get(ContextKind::InvalidSubcommand))
        }
        ErrorKind::NoEquals => format!("给 '{arg}' 赋值时需要等号"),
        ErrorKind::TooManyValues => format!("'{arg}' 多出了取值 '{value}'"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("'{arg}' 的取值个数不对")
        }
        ErrorKind::ArgumentConflict => {
            let prior = get(ContextKind::PriorArg);
            if prior.is_empty() || prior == arg {
                format!("参数 '{arg}' 不能重复使用")
            } else {
                format!("参数 '{arg}' 不能与 '{prior}' 同时使用")
            }
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => format!(
            "需要一个子命令（可选：{}）",
            get(ContextKind::ValidSubcommand)
        ),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_owned(),
        _ => "命令行参数有误".to_owned(),
    }
}
