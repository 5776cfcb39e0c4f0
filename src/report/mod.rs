//! The result of a check as plain data, and its renderers. Renderers decide
//! nothing: every verdict and count is computed before they run.

pub mod bag;
pub mod html;
pub mod json;
pub mod outcome;
pub mod rules;
pub mod terminal;
pub mod verify;

use serde::Serialize;

use crate::descriptor::Descriptor;
use crate::i18n::Lang;
use crate::kinds::ResourceKind;
use crate::policy::Basis;
use crate::rules::{Finding, Severity};
use crate::source::SourceKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
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

#[derive(Clone, Debug, Serialize)]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
}

impl ToolInfo {
    pub fn current() -> ToolInfo {
        ToolInfo {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PackageInfo {
    /// The path as given.
    pub path: String,
    /// Stable identity: the descriptor's `id`, else the folder or zip name.
    pub id: String,
    pub source: SourceKind,
    /// `training-package.json`, when the package has a valid one.
    pub descriptor: Option<Descriptor>,
    /// End date plus one calendar month (`YYYY-MM-DD`), when the end date is known.
    pub upload_deadline: Option<String>,
    /// Where the package stands with its review (`descriptor.audit`).
    pub audit_status: crate::audit::AuditStatus,
}

#[derive(Clone, Debug, Serialize)]
pub struct PolicyInfo {
    pub profile: String,
    pub version: u32,
    pub threshold_percent: u32,
    pub basis: Basis,
    pub counted_kinds: Vec<ResourceKind>,
    /// The per-video rules applied.
    pub video: crate::policy::VideoPolicy,
    /// The resource limits applied.
    pub limits: crate::policy::Limits,
    /// How the review is judged.
    pub audit: crate::policy::AuditPolicy,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// All files read (junk, subtitles and metadata included).
    pub files: u64,
    pub total_bytes: u64,
    pub course_resources: u64,
    pub videos: u64,
    pub course_bytes: u64,
    pub video_bytes: u64,
    /// Share of video on the policy's basis, four decimals (`"0.6000"`).
    pub video_ratio: String,
    /// Share of video by bytes, whatever the basis.
    pub video_bytes_ratio: String,
    pub threshold: String,
    pub meets_threshold: bool,
    /// Files of each kind (all files, counted or not).
    pub by_kind: std::collections::BTreeMap<ResourceKind, u64>,
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModuleSummary {
    /// Top-level folder name; `""` for files at the package root.
    pub name: String,
    pub course_resources: u64,
    pub videos: u64,
    pub video_ratio: String,
    pub meets_threshold: bool,
}

pub use crate::scan::Sha256Digest;

/// One file of the package as checked.
#[derive(Clone, Debug, Serialize)]
pub struct Resource {
    pub path: std::sync::Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_path: Option<String>,
    /// The bytes of a folder file's path (hex), when they are not UTF-8:
    /// `path` is then its decoded or escaped form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<String>,
    pub size: u64,
    pub sha256: Sha256Digest,
    pub media_type: &'static str,
    pub kind: ResourceKind,
    /// A course resource (in the denominator).
    pub counted: bool,
    /// Counted as video (in the numerator).
    pub is_video: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Boxed: most files are not videos, and this is the largest field.
    pub video: Option<Box<VideoSummary>>,
}

/// A [`VideoSummary::status`] as a reader sees it: the machine word in
/// English, a Chinese label in Chinese.
pub fn video_status_label(status: &str, lang: Lang) -> &str {
    match lang {
        Lang::En => status,
        Lang::Zh => match status {
            "confirmed" => "已确认",
            "unconfirmed" => "未确认",
            "not_video" => "不是视频",
            "unreadable" => "无法读取",
            "timeout" => "探测超时",
            other => other,
        },
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct VideoSummary {
    /// `confirmed` (probed: a real video), `unconfirmed` (no probe could
    /// run), `not_video`, `unreadable` or `timeout`.
    pub status: &'static str,
    pub engine: Option<&'static str>,
    pub container: Option<String>,
    pub duration_s: Option<f64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub codec: Option<String>,
    pub fps: Option<f64>,
    pub audio_codec: Option<String>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
    /// MP4: the index comes before the media data (plays while downloading).
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
