//! The result of a check as plain data, and its renderers. Renderers decide
//! nothing: every verdict and count is computed before they run.

pub mod finding_schema;
pub mod html;
pub mod json;
pub mod rules;
pub mod terminal;

use schemars::JsonSchema;
use serde::Serialize;

use crate::descriptor::Descriptor;
use crate::i18n::Lang;
use crate::kinds::ResourceKind;
use crate::policy::{Basis, Ratio};
use crate::rules::{Finding, Severity};
use crate::source::SourceKind;

/// Whether the package meets the policy: `pass` when no finding is an
/// error, `fail` otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "verdict", title = "Verdict")]
pub enum Verdict {
    Pass,
    Fail,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub tool: ToolInfo,
    pub package: PackageInfo,
    pub policy: PolicyInfo,
    pub verdict: Verdict,
    pub summary: Summary,
    /// The ratio per top-level folder, so a provider sees where video is missing.
    pub modules: Vec<ModuleSummary>,
    pub files: Vec<Resource>,
    pub findings: Vec<Finding>,
}

/// The program that wrote the report.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "tool", title = "Tool")]
pub struct ToolInfo {
    /// Always `trainpack`.
    #[schemars(title = "Tool name", extend("const" = "trainpack"))]
    pub name: &'static str,
    /// The trainpack version (semantic versioning, e.g. `0.1.0`).
    #[schemars(title = "Tool version", pattern(r"^[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$"))]
    pub version: &'static str,
}

impl ToolInfo {
    pub fn current() -> ToolInfo {
        ToolInfo {
            // The core shares the binary's version (workspace.package).
            name: "trainpack",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// The package that was checked.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "package", title = "Package")]
pub struct PackageInfo {
    /// The path given on the command line, as written there.
    #[schemars(title = "Package path")]
    pub path: String,
    /// The descriptor's id, else the folder's name or the zip's file stem.
    #[schemars(title = "Package id")]
    pub id: String,
    /// Whether the package is a folder or a zip file (read in place, never
    /// extracted).
    pub source: SourceKind,
    /// training-package.json at the package root, when present and valid
    /// (same shape as schemas/descriptor.schema.json); null otherwise.
    pub descriptor: Option<Descriptor>,
    /// The descriptor's end_date plus one calendar month (YYYY-MM-DD); null
    /// when the end date is unknown.
    #[schemars(with = "Option<crate::schema::Day>")]
    pub upload_deadline: Option<String>,
    /// Where the package stands with its review (`descriptor.audit`).
    pub audit_status: crate::audit::AuditStatus,
}

/// The policy in force for this check, after command-line overrides
/// (`--threshold`, `--basis`).
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "policy_in_force", title = "Policy")]
pub struct PolicyInfo {
    /// Name of the profile the policy is or derives from (`notice-2022` by
    /// default).
    pub profile: String,
    /// Version of the policy data.
    #[schemars(title = "Policy version")]
    pub version: u32,
    /// Minimum video share in percent; a share equal to it passes.
    #[schemars(title = "Threshold (percent)", range(max = 100))]
    pub threshold_percent: u32,
    /// What the video share is measured over.
    pub basis: Basis,
    /// Kinds that are course resources (the denominator of the ratio).
    #[schemars(extend("uniqueItems" = true))]
    pub counted_kinds: Vec<ResourceKind>,
    /// The per-video rules applied (the policy's `video` table, as described
    /// by schemas/policy.schema.json): each has a level (off, info, warning,
    /// error) and, where it has a threshold, a value.
    #[schemars(title = "Video rules", with = "crate::schema::PolicyTable")]
    pub video: crate::policy::VideoPolicy,
    /// The resource limits applied (the policy's `limits` table, as described
    /// by schemas/policy.schema.json).
    #[schemars(with = "crate::schema::PolicyTable")]
    pub limits: crate::policy::Limits,
    /// How the review is judged (the policy's `audit` table, as described by
    /// schemas/policy.schema.json): the level of a missing, stale and
    /// rejected review.
    #[schemars(title = "Audit rules", with = "crate::schema::PolicyTable")]
    pub audit: crate::policy::AuditPolicy,
    /// Levels the policy file sets by rule code (`[rules]`); empty when none.
    #[schemars(extend("propertyNames" = {"pattern": "^TP[0-9]{3}$"}))]
    pub rules: std::collections::BTreeMap<String, crate::policy::Level>,
}

/// Totals over the whole package.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
#[schemars(rename = "summary", title = "Summary")]
pub struct Summary {
    /// Number of files read (junk, subtitles and metadata included); the
    /// length of `files`.
    pub files: u64,
    /// Bytes of all files read.
    pub total_bytes: u64,
    /// Number of files that are course resources (`counted`): the
    /// denominator on the count basis.
    pub course_resources: u64,
    /// Number of course resources counted as video (`is_video`): the
    /// numerator on the count basis.
    pub videos: u64,
    /// Bytes of course resources: the denominator on the bytes basis.
    pub course_bytes: u64,
    /// Bytes of course resources counted as video: the numerator on the
    /// bytes basis.
    pub video_bytes: u64,
    /// Share of video on the policy's basis, truncated to four decimals
    /// (`"0.6000"`); `"0.0000"` when there are no course resources.
    #[schemars(with = "crate::schema::Ratio")]
    pub video_ratio: Ratio,
    /// Share of video by bytes, whatever the basis, truncated to four
    /// decimals.
    #[schemars(with = "crate::schema::Ratio")]
    pub video_bytes_ratio: Ratio,
    /// The policy's threshold as a ratio with four decimals (`"0.6000"` for
    /// 60%).
    #[schemars(with = "crate::schema::Ratio")]
    pub threshold: Ratio,
    /// Whether the video share reaches the threshold (computed exactly in
    /// integers, not from the truncated strings); false when there are no
    /// course resources.
    pub meets_threshold: bool,
    /// Number of files of each kind (all files, counted or not); kinds with
    /// no file are left out.
    #[schemars(
        title = "Files by kind",
        extend(
            "propertyNames" = {"$ref": "#/$defs/kind"},
            "additionalProperties" = {
                "title": "Files of this kind",
                "description": "How many files are of this kind.",
                "type": "integer",
                "minimum": 1
            }
        )
    )]
    pub by_kind: std::collections::BTreeMap<ResourceKind, u64>,
    /// Number of findings of severity `error`; the verdict is `fail` when it
    /// is not 0.
    pub errors: u64,
    /// Number of findings of severity `warning`.
    pub warnings: u64,
    /// Number of findings of severity `info`.
    pub infos: u64,
}

/// One top-level folder of the package.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "module", title = "Module")]
pub struct ModuleSummary {
    /// Top-level folder name; `""` for files at the package root.
    #[schemars(title = "Module name")]
    pub name: String,
    /// Course resources in this module.
    #[schemars(range(min = 1))]
    pub course_resources: u64,
    /// Course resources of this module counted as video.
    pub videos: u64,
    /// Share of video in this module on the policy's basis, four decimals.
    #[schemars(with = "crate::schema::Ratio")]
    pub video_ratio: Ratio,
    /// Whether this module on its own reaches the threshold.
    pub meets_threshold: bool,
}

pub use crate::scan::Sha256Digest;

/// One file of the package as checked.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(
    rename = "file",
    title = "File",
    extend(
        "if" = {"properties": {"is_video": {"const": true}}},
        "then" = {
            "required": ["video"],
            "properties": {
                "kind": {"const": "video"},
                "counted": {"const": true},
                "video": {"properties": {"status": {"enum": ["confirmed", "unconfirmed"]}}}
            }
        }
    )
)]
pub struct Resource {
    /// Package-relative path with `/` separators, in Unicode NFC; unique
    /// within the report.
    #[schemars(length(min = 1))]
    pub path: std::sync::Arc<str>,
    /// The name as the source spelled it, present only when it differs from
    /// `path` (e.g. decomposed Unicode).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub original_path: Option<String>,
    /// For a folder file whose name is not UTF-8 (GBK names unzipped on
    /// Linux): the bytes of its path under the package folder,
    /// `/`-separated, as lowercase hex. `path` is then their GBK-decoded
    /// form, or, where that is not possible or would read the same as
    /// another file's name, the bytes that are not UTF-8 written as `%XX`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", pattern("^([0-9a-f]{2})+$"))]
    pub path_bytes: Option<String>,
    /// Bytes actually read.
    pub size: u64,
    /// SHA-256 of the bytes read, lowercase hex.
    #[schemars(title = "SHA-256", with = "crate::schema::Sha256Hex")]
    pub sha256: Sha256Digest,
    /// Media type found from the content (e.g. `video/mp4`,
    /// `application/pdf`; `inode/x-empty` for an empty file).
    #[schemars(with = "crate::schema::MediaType")]
    pub media_type: &'static str,
    /// What the file is, decided by its content (not its extension).
    pub kind: ResourceKind,
    /// Whether the file is a course resource (in the denominator): its kind
    /// is in the policy's `counted_kinds`.
    pub counted: bool,
    /// Whether the file is counted as video (in the numerator). True only
    /// for counted files of kind `video` whose video is confirmed or
    /// unconfirmed.
    pub is_video: bool,
    /// What probing the file found; present only for files whose content is
    /// a video container. (Boxed: most files are not videos, and this is the
    /// largest field.)
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "VideoSummary")]
    pub video: Option<Box<VideoSummary>>,
}

/// What probing a video container concluded: `confirmed` (probed: a real
/// video), `unconfirmed` (no probe could run; counted as video), `not_video`
/// (no video stream: counted as audio or other), `unreadable` (cannot be
/// read, or zero duration) or `timeout` (the probe exceeded the time limit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "video_status", title = "Probe status")]
pub enum VideoStatus {
    Confirmed,
    Unconfirmed,
    NotVideo,
    Unreadable,
    Timeout,
}

impl VideoStatus {
    /// The name the report, the manifest and the HTML use.
    pub fn as_str(self) -> &'static str {
        match self {
            VideoStatus::Confirmed => "confirmed",
            VideoStatus::Unconfirmed => "unconfirmed",
            VideoStatus::NotVideo => "not_video",
            VideoStatus::Unreadable => "unreadable",
            VideoStatus::Timeout => "timeout",
        }
    }

    /// As a reader sees it: the machine word in English, a Chinese label
    /// in Chinese.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.as_str(),
            Lang::Zh => match self {
                VideoStatus::Confirmed => "已确认",
                VideoStatus::Unconfirmed => "未确认",
                VideoStatus::NotVideo => "不是视频",
                VideoStatus::Unreadable => "无法读取",
                VideoStatus::Timeout => "探测超时",
            },
        }
    }
}

/// What probing the file found; present only for files whose content is a
/// video container. Fields the probe did not report are null.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "video", title = "Video probe")]
pub struct VideoSummary {
    /// What the probe concluded.
    pub status: VideoStatus,
    /// The program that probed the file (`ffprobe`); null when it did not
    /// report.
    #[schemars(title = "Probe engine")]
    pub engine: Option<&'static str>,
    /// Container format as the engine names it (ffprobe:
    /// `mov,mp4,m4a,3gp,3g2,mj2`).
    pub container: Option<String>,
    /// Duration in seconds.
    #[schemars(title = "Duration (seconds)", range(min = 0))]
    pub duration_s: Option<f64>,
    /// Width of the video stream in pixels.
    pub width: Option<u32>,
    /// Height of the video stream in pixels.
    pub height: Option<u32>,
    /// Codec of the video stream (e.g. `h264`).
    #[schemars(title = "Video codec")]
    pub codec: Option<String>,
    /// Frames per second of the video stream.
    #[schemars(title = "Frame rate", range(min = 0))]
    pub fps: Option<f64>,
    /// Codec of the first audio stream (e.g. `aac`).
    pub audio_codec: Option<String>,
    /// Audio sample rate in Hz.
    pub sample_rate: Option<u32>,
    /// Number of audio channels.
    pub channels: Option<u32>,
    /// MP4 only: whether the index (moov) comes before the media data, so
    /// playback can start while downloading; null when unknown or not
    /// applicable.
    pub faststart: Option<bool>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> u64 {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count() as u64
    }
}

/// Human-readable size in binary units.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
