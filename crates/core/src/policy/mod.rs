//! The policy: what is counted and what share of it must be video. Data, not
//! code: a built-in default (the 2022 notice) or a TOML/JSON file described by
//! `schemas/policy.schema.json`.

mod ratio;
pub mod summary;

pub use ratio::Ratio;

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::kinds::ResourceKind;
use crate::rules::{self, Finding, Rule};

/// What the video share is measured over: `count` (number of resources, the
/// default) or `bytes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "basis", title = "Basis")]
pub enum Basis {
    /// Number of resources (the literal reading of the notice, and the default).
    Count,
    /// Bytes of resources.
    Bytes,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Count => "count",
            Basis::Bytes => "bytes",
        }
    }
}

/// A policy file for `trainpack check --policy FILE`: what is counted as a
/// course resource and what share of it must be video. Written in TOML, or
/// in JSON when the file name ends in `.json`; this schema describes both (a
/// TOML file is the same table). Every field is optional and keeps its
/// default (the 2022 notice, 教师厅函〔2022〕7号) when left out; unknown fields
/// are refused. `--threshold` and `--basis` on the command line override the
/// file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(
    title = "trainpack policy",
    extend("examples" = [
        {},
        {
            "profile": "notice-2022", "version": 1, "threshold_percent": 60, "basis": "count",
            "counted_kinds": [
                "video", "audio", "image", "document", "presentation", "spreadsheet",
                "courseware", "animation", "executable", "other"
            ],
            "probe_timeout_s": 30
        },
        {"profile": "notice-2022", "threshold_percent": 70, "basis": "bytes", "probe_timeout_s": 60},
        {"counted_kinds": ["video", "document", "presentation"]},
        {"profile": "smartedu-2025", "video": {"min_fps": {"level": "error", "value": 25}}},
        {"limits": {"max_entries": 5000, "max_ratio": 200}}
    ])
)]
pub struct Policy {
    /// Built-in profile this policy starts from: notice-2022 (default),
    /// notice-2022-strict (the same, and a missing, stale or rejected review
    /// is an error) or smartedu-2025. Settings in the file apply on top of
    /// it; reported in `policy.profile`.
    #[schemars(extend("enum" = PROFILES))]
    pub profile: String,
    /// Version of the policy data, bumped when its values change; reported
    /// in `policy.version`.
    pub version: u32,
    /// Minimum video share of course resources, in percent. The share must
    /// be at least this (以上 includes the number itself: exactly 60%
    /// passes).
    #[schemars(title = "Threshold (percent)", range(max = 100))]
    pub threshold_percent: u32,
    /// What the share is measured over: `count` (number of resources, the
    /// literal reading of the notice) or `bytes` (bytes of resources).
    pub basis: Basis,
    /// Kinds that are course resources (the denominator of the ratio). By
    /// default every kind except `subtitle`, `metadata`, `junk` and
    /// `archive`. A file whose kind is not listed is neither a course
    /// resource nor a video.
    #[schemars(extend("uniqueItems" = true))]
    pub counted_kinds: Vec<ResourceKind>,
    /// Longest a single ffprobe run may take, in seconds; a video whose probe
    /// takes longer is reported (TP015) and not counted as video.
    #[schemars(title = "Probe timeout (seconds)", range(min = 1))]
    pub probe_timeout_s: u64,
    /// What makes an acceptable video. Each rule has a level (off, info,
    /// warning, error) and, where it has a threshold, a value. Defaults are
    /// the notice-2022 profile; smartedu-2025 makes MP4/H.264/AAC, 1920×1080
    /// and 16:9 errors and asks for 48 kHz audio.
    #[schemars(title = "Video rules")]
    pub video: VideoPolicy,
    /// Bounds on what a package may make trainpack read, so a hostile or
    /// broken package (a zip bomb, millions of entries, absurd paths) ends
    /// with a finding instead of exhausting memory, disk or time. Each limit
    /// hit is an error finding (TP080–TP084). Sizes are counted from the
    /// bytes actually read, never from headers.
    pub limits: Limits,
    /// How the provider's review (审核, `trainpack audit`) is judged. The
    /// notice asks each provider to review its package before upload;
    /// notice-2022-strict makes every one of these an error.
    #[schemars(title = "Audit rules")]
    pub audit: AuditPolicy,
    /// Levels set by rule code (`[rules] TP060 = "error"`), over the rules'
    /// defaults and over the `[video]` and `[audit]` levels.
    #[schemars(extend("propertyNames" = {"pattern": "^TP[0-9]{3}$"}))]
    pub rules: BTreeMap<String, Level>,
}

/// How much a missing, stale or rejected review matters (`[audit]` in a
/// policy file). The notice requires packages reviewed before upload; the
/// default only warns, since most packages are checked while still being made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(rename = "audit_rules", title = "Audit rules")]
pub struct AuditPolicy {
    /// No review recorded in training-package.json: TP004.
    #[schemars(title = "Missing review")]
    pub missing: Level,
    /// Files added, removed or changed since the review: TP005.
    #[schemars(title = "Stale review")]
    pub stale: Level,
    /// The review rejected the package: TP006.
    #[schemars(title = "Rejected review")]
    pub rejected: Level,
}

impl Default for AuditPolicy {
    fn default() -> AuditPolicy {
        AuditPolicy {
            missing: rules::AUDIT_MISSING.default_level(),
            stale: rules::AUDIT_STALE.default_level(),
            rejected: rules::AUDIT_REJECTED.default_level(),
        }
    }
}

/// Resource limits (`[limits]` in a policy file). Each one hit is a finding
/// (TP080–TP084) and the package fails; sizes are counted from the bytes
/// actually read, never trusted from headers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(rename = "limits", title = "Limits")]
pub struct Limits {
    /// Most entries (files, links, special files) a package may hold. Over
    /// it, no entry is read and TP080 is reported.
    #[schemars(title = "Most entries", range(min = 1))]
    pub max_entries: u64,
    /// Most bytes read from all entries together (1 TiB by default). Reading
    /// stops there and TP081 is reported.
    #[schemars(title = "Most bytes in total", range(min = 1))]
    pub max_total_bytes: u64,
    /// Highest ratio of bytes produced to compressed bytes for one zip entry
    /// (2000 means 2000:1). Reading the entry stops there and TP082 is
    /// reported. The default, 2000, is above what deflate can reach at all
    /// (1032:1, on a run of one byte), so a deflated silent WAV or
    /// zero-padded file is never taken for a bomb, whether in a provider's
    /// zip or in a bag `pack` wrote; bzip2, zstd, LZMA and Deflate64 bombs go
    /// far past it.
    #[schemars(title = "Highest compression ratio", range(min = 1))]
    pub max_ratio: u64,
    /// The ratio limit applies only once an entry has produced this many
    /// bytes, since small, very compressible files (blank text) are common.
    #[schemars(title = "Ratio applies from")]
    pub ratio_min_bytes: u64,
    /// Longest entry path, in bytes of UTF-8. Longer entries are not read
    /// (TP083).
    #[schemars(title = "Longest path", range(min = 1))]
    pub max_path_bytes: u64,
    /// Most path components (folders plus the file name). Deeper entries are
    /// not read (TP084).
    #[schemars(title = "Deepest path", range(min = 1))]
    pub max_depth: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_entries: 100_000,
            max_total_bytes: 1 << 40,
            max_ratio: 2000,
            ratio_min_bytes: 1 << 20,
            max_path_bytes: 1024,
            max_depth: 64,
        }
    }
}

impl Limits {
    /// What `verify` lists and reads under: the defaults (a bomb still
    /// stops), with no cap on the total, since verify has no policy to
    /// raise it and a package or bag over 1 TiB is still one.
    pub fn for_verify() -> Limits {
        Limits {
            max_total_bytes: u64::MAX,
            ..Limits::default()
        }
    }
}

/// How much the rule matters: off disables it; info, warning and error set
/// the finding's severity (an error fails the package). Ordered by weight.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "level", title = "Level")]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn severity(self) -> Option<crate::rules::Severity> {
        use crate::rules::Severity;
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

/// A per-video rule with a threshold: its level, and the value it is
/// measured against.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "limit_{T}", title = "Limit")]
pub struct Limit<T> {
    /// Severity of the finding when the limit is not met, or off.
    pub level: Level,
    /// The threshold, in the rule's unit (pixels, frames per second, bytes
    /// or hertz).
    #[schemars(range(min = 0))]
    pub value: T,
}

/// Per-video rules (`[video]` in a policy file). Each is a level (`off`,
/// `info`, `warning`, `error`), with a value where it has a threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(rename = "video_rules", title = "Video rules")]
pub struct VideoPolicy {
    /// A video container or video-named file without a real video stream
    /// (audio only, cover art only): TP012.
    pub no_video_stream: Level,
    /// The container is not MP4 (MOV, MKV, WebM, AVI...): TP060.
    #[schemars(title = "MP4 container")]
    pub container_mp4: Level,
    /// The video codec is not H.264: TP061.
    #[schemars(title = "H.264 video")]
    pub codec_h264: Level,
    /// The audio codec is not AAC: TP062.
    #[schemars(title = "AAC audio")]
    pub audio_aac: Level,
    /// The video has no audio track: TP063.
    pub audio_present: Level,
    /// The MP4 index (moov) comes after the media data (no progressive
    /// playback): TP064.
    pub faststart: Level,
    /// Shortest side of the picture in pixels, after rotation (720 for
    /// 1280×720): TP065.
    #[schemars(title = "Minimum short side")]
    pub min_short_side: Limit<u32>,
    /// Longest side of the picture in pixels (1920 for 1920×1080): TP065.
    #[schemars(title = "Minimum long side")]
    pub min_long_side: Limit<u32>,
    /// The picture is not 16:9 (within 1%): TP066.
    #[schemars(title = "16:9 picture")]
    pub aspect_16_9: Level,
    /// Frames per second: TP067.
    #[schemars(title = "Minimum frame rate")]
    pub min_fps: Limit<f64>,
    /// Largest video file in bytes: TP068.
    #[schemars(title = "Maximum file size")]
    pub max_bytes: Limit<u64>,
    /// Audio sample rate in Hz: TP069.
    #[schemars(title = "Minimum audio sample rate")]
    pub min_sample_rate: Limit<u32>,
}

impl Default for VideoPolicy {
    /// The 2022 notice's conventions (docs/domain.md): MP4 + H.264 + AAC,
    /// at least 720p and 24 fps. Each level is its rule's default (the rule
    /// definition is the one place it lives); the values are policy data.
    fn default() -> VideoPolicy {
        VideoPolicy {
            no_video_stream: rules::AUDIO_ONLY.default_level(),
            container_mp4: rules::VIDEO_CONTAINER.default_level(),
            codec_h264: rules::VIDEO_CODEC.default_level(),
            audio_aac: rules::AUDIO_CODEC.default_level(),
            audio_present: rules::NO_AUDIO.default_level(),
            faststart: rules::NOT_FASTSTART.default_level(),
            min_short_side: Limit {
                level: rules::LOW_RESOLUTION.default_level(),
                value: 720,
            },
            // TP065 judges the short side by default (720p whatever the
            // orientation); a profile may add the long side.
            min_long_side: Limit {
                level: Level::Off,
                value: 1280,
            },
            aspect_16_9: rules::ASPECT_RATIO.default_level(),
            min_fps: Limit {
                level: rules::LOW_FRAME_RATE.default_level(),
                value: 24.0,
            },
            max_bytes: Limit {
                level: rules::FILE_TOO_LARGE.default_level(),
                value: 2 << 30,
            },
            min_sample_rate: Limit {
                level: rules::LOW_SAMPLE_RATE.default_level(),
                value: 44_100,
            },
        }
    }
}

/// The built-in profiles, selectable with `--profile` or `profile = ...`.
pub const PROFILES: [&str; 3] = ["notice-2022", "notice-2022-strict", "smartedu-2025"];

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            profile: "notice-2022".to_owned(),
            version: 1,
            threshold_percent: 60,
            basis: Basis::Count,
            counted_kinds: ResourceKind::ALL
                .into_iter()
                .filter(|k| k.counted_by_default())
                .collect(),
            probe_timeout_s: 30,
            video: VideoPolicy::default(),
            limits: Limits::default(),
            audit: AuditPolicy::default(),
            rules: BTreeMap::new(),
        }
    }
}

impl Policy {
    /// A built-in profile by name.
    pub fn profile(name: &str) -> Option<Policy> {
        match name {
            "notice-2022" => Some(Policy::default()),
            // The notice read strictly: a package must carry a review of its
            // current content (形成完整的数字化培训包并进行审核) before upload.
            "notice-2022-strict" => Some(Policy {
                profile: name.to_owned(),
                audit: AuditPolicy {
                    missing: Level::Error,
                    stale: Level::Error,
                    rejected: Level::Error,
                },
                ..Policy::default()
            }),
            // The national smart-education platform's 2025 calls: 1080p 16:9
            // MP4/H.264/AAC as errors, 48 kHz audio.
            "smartedu-2025" => Some(Policy {
                profile: name.to_owned(),
                video: VideoPolicy {
                    container_mp4: Level::Error,
                    codec_h264: Level::Error,
                    audio_aac: Level::Error,
                    min_short_side: Limit {
                        level: Level::Error,
                        value: 1080,
                    },
                    min_long_side: Limit {
                        level: Level::Error,
                        value: 1920,
                    },
                    aspect_16_9: Level::Error,
                    min_sample_rate: Limit {
                        level: Level::Warning,
                        value: 48_000,
                    },
                    ..VideoPolicy::default()
                },
                ..Policy::default()
            }),
            _ => None,
        }
    }

    /// Load a policy file: JSON when it ends in `.json`, TOML otherwise.
    /// The file's `profile` (or `base_profile`, given by `--profile`) is the
    /// base; fields the file leaves out keep the base's values.
    #[cfg(feature = "fs")]
    #[allow(clippy::disallowed_methods)] // reading the file the user named
    pub fn load(path: &Path, base_profile: Option<&str>) -> Result<Policy> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Policy {
            path: path.to_owned(),
            reason: crate::error::io_reason(&e),
        })?;
        Policy::from_text(&text, path, base_profile)
    }

    /// A policy file's text (the browser has no path to read): `path` names
    /// it in messages, and its extension says JSON or TOML, as for [`load`].
    ///
    /// [`load`]: Policy::load
    pub fn from_text(text: &str, path: &Path, base_profile: Option<&str>) -> Result<Policy> {
        let fail = |reason: Text| Error::Policy {
            path: path.to_owned(),
            reason,
        };
        // A setting of the wrong type or value: serde says which in English
        // only; the Chinese names the file and where to look.
        let wrong_value = |e: serde_json::Error| {
            fail(Text::new(
                e.to_string(),
                "有设置的类型或取值不对；请对照 schemas/policy.schema.json 修改",
            ))
        };
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let overlay: serde_json::Value = if is_json {
            serde_json::from_str(text).map_err(|e| {
                fail(Text::new(
                    e.to_string(),
                    format!("不是有效的 JSON（第 {} 行第 {} 列）", e.line(), e.column()),
                ))
            })?
        } else {
            let table: toml::Table = toml::from_str(text).map_err(|e| {
                let (line, column) = line_column(text, e.span().map_or(0, |s| s.start));
                fail(Text::new(
                    e.to_string(),
                    format!("不是有效的 TOML（第 {line} 行第 {column} 列）"),
                ))
            })?;
            serde_json::to_value(table).map_err(wrong_value)?
        };
        if !overlay.is_object() {
            return Err(fail(Text::new(
                "expected a table of settings",
                "应为一组设置（TOML 表或 JSON 对象）",
            )));
        }
        check_rule_levels(&overlay).map_err(fail)?;
        let name = base_profile
            .or_else(|| overlay.get("profile").and_then(|p| p.as_str()))
            .unwrap_or("notice-2022")
            .to_owned();
        let name = name.as_str();
        let base = Policy::profile(name).ok_or_else(|| fail(unknown_profile(name)))?;
        let mut merged = serde_json::to_value(&base).map_err(wrong_value)?;
        merge(&mut merged, overlay);
        // The profile applied is the one reported, whatever the file said.
        merged["profile"] = serde_json::Value::from(name);
        let mut policy: Policy = serde_json::from_value(merged).map_err(wrong_value)?;
        policy.validate().map_err(fail)?;
        policy.apply_rule_levels();
        Ok(policy)
    }

    /// `[rules]` levels reach the `[video]` and `[audit]` levels that decide
    /// whether those checks run at all (TP066 turned on runs the 16:9 check);
    /// the report's `policy` then shows the levels in force.
    fn apply_rule_levels(&mut self) {
        let levels: Vec<(String, Level)> =
            self.rules.iter().map(|(c, l)| (c.clone(), *l)).collect();
        for (code, level) in levels {
            let v = &mut self.video;
            let slot = match code.as_str() {
                "TP004" => &mut self.audit.missing,
                "TP005" => &mut self.audit.stale,
                "TP006" => &mut self.audit.rejected,
                "TP012" => &mut v.no_video_stream,
                "TP060" => &mut v.container_mp4,
                "TP061" => &mut v.codec_h264,
                "TP062" => &mut v.audio_aac,
                "TP063" => &mut v.audio_present,
                "TP064" => &mut v.faststart,
                "TP065" => {
                    // The sides the policy checks keep being checked, at the
                    // new level; with neither on, the short side is.
                    let sides = [&mut v.min_short_side.level, &mut v.min_long_side.level];
                    let any_on = sides.iter().any(|l| **l != Level::Off);
                    for (i, side) in sides.into_iter().enumerate() {
                        if level == Level::Off || *side != Level::Off || (!any_on && i == 0) {
                            *side = level;
                        }
                    }
                    continue;
                }
                "TP066" => &mut v.aspect_16_9,
                "TP067" => &mut v.min_fps.level,
                "TP068" => &mut v.max_bytes.level,
                "TP069" => &mut v.min_sample_rate.level,
                _ => continue,
            };
            *slot = level;
        }
    }

    /// The level of a rule under this policy: `[rules]`, else its default.
    pub fn level_of(&self, rule: &Rule) -> Level {
        self.rules
            .get(rule.code)
            .copied()
            .unwrap_or_else(|| rule.default_level())
    }

    /// Findings at the levels `[rules]` sets: dropped when `off`.
    pub fn apply_rule_severities(&self, findings: &mut Vec<Finding>) {
        if self.rules.is_empty() {
            return;
        }
        findings.retain_mut(|f| match self.rules.get(f.code()).map(|l| l.severity()) {
            None => true,
            Some(None) => false,
            Some(Some(severity)) => {
                f.severity = severity;
                true
            }
        });
    }

    fn validate(&self) -> std::result::Result<(), Text> {
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = self.counted_kinds.iter().find(|k| !seen.insert(**k)) {
            return Err(Text::new(
                format!("counted_kinds lists {dup} twice"),
                format!("counted_kinds 中 {dup} 出现了两次"),
            ));
        }
        if self.threshold_percent > 100 {
            return Err(Text::new(
                format!(
                    "threshold_percent is {}; it must be between 0 and 100",
                    self.threshold_percent
                ),
                format!(
                    "threshold_percent 为 {}；应在 0 到 100 之间",
                    self.threshold_percent
                ),
            ));
        }
        if let Some(code) = self.rules.keys().find(|c| rules::by_code(c).is_none()) {
            return Err(Text::new(
                format!(
                    "[rules] names {code}, which is not a rule code; `trainpack rules` lists them (TP001, TP060, ...)"
                ),
                format!(
                    "[rules] 中的 {code} 不是规则代码；`trainpack rules` 列出全部代码（TP001、TP060……）"
                ),
            ));
        }
        if self.probe_timeout_s == 0 {
            return Err(Text::new(
                "probe_timeout_s must be at least 1",
                "probe_timeout_s 至少为 1",
            ));
        }
        let l = &self.limits;
        for (name, value) in [
            ("max_entries", l.max_entries),
            ("max_total_bytes", l.max_total_bytes),
            ("max_ratio", l.max_ratio),
            ("max_path_bytes", l.max_path_bytes),
            ("max_depth", l.max_depth),
        ] {
            if value == 0 {
                return Err(Text::new(
                    format!("limits.{name} must be at least 1"),
                    format!("limits.{name} 至少为 1"),
                ));
            }
        }
        Ok(())
    }

    pub fn counts(&self, kind: ResourceKind) -> bool {
        self.counted_kinds.contains(&kind)
    }

    /// `part / whole >= threshold`, in integers: exactly the threshold passes.
    pub fn meets_threshold(&self, part: u64, whole: u64) -> bool {
        Ratio::new(part, whole).reaches(self.threshold_percent)
    }
}

/// `[rules]` checked before merging, so a bad entry is named with its
/// table (serde's own message would not say where the value was).
fn check_rule_levels(overlay: &serde_json::Value) -> std::result::Result<(), Text> {
    let Some(table) = overlay.get("rules") else {
        return Ok(());
    };
    let Some(table) = table.as_object() else {
        return Err(Text::new(
            "[rules] must be a table of rule codes, e.g. TP060 = \"error\"",
            "[rules] 应为规则代码表，例如 TP060 = \"error\"",
        ));
    };
    for (code, level) in table {
        if serde_json::from_value::<Level>(level.clone()).is_err() {
            return Err(Text::new(
                format!(
                    "[rules] {code} = {level}: the level must be \"off\", \"info\", \"warning\" or \"error\""
                ),
                format!(
                    "[rules] {code} = {level}：级别应为 \"off\"、\"info\"、\"warning\" 或 \"error\""
                ),
            ));
        }
    }
    Ok(())
}

pub fn unknown_profile(name: &str) -> Text {
    Text::new(
        format!(
            "unknown profile {name:?}; the built-in profiles are {}",
            PROFILES.join(", ")
        ),
        format!(
            "没有名为 {name:?} 的策略配置；内置配置有：{}",
            PROFILES.join("、")
        ),
    )
}

/// 1-based line and column of a byte offset in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
    (line, column)
}

/// Overlay `top` on `base`: objects merge key by key, anything else replaces.
fn merge(base: &mut serde_json::Value, top: serde_json::Value) {
    match (base, top) {
        (serde_json::Value::Object(b), serde_json::Value::Object(t)) => {
            for (k, v) in t {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The level each per-video rule has under the default policy is the
    /// severity `trainpack rules` documents for it (or it is documented as
    /// off by default): the two never disagree.
    #[test]
    fn default_video_levels_are_the_documented_severities() {
        use crate::rules;
        let v = VideoPolicy::default();
        let short_or_long = if v.min_short_side.level != Level::Off {
            v.min_short_side.level
        } else {
            v.min_long_side.level
        };
        let pairs: [(&rules::Rule, Level); 11] = [
            (&rules::AUDIO_ONLY, v.no_video_stream),
            (&rules::VIDEO_CONTAINER, v.container_mp4),
            (&rules::VIDEO_CODEC, v.codec_h264),
            (&rules::AUDIO_CODEC, v.audio_aac),
            (&rules::NO_AUDIO, v.audio_present),
            (&rules::NOT_FASTSTART, v.faststart),
            (&rules::LOW_RESOLUTION, short_or_long),
            (&rules::ASPECT_RATIO, v.aspect_16_9),
            (&rules::LOW_FRAME_RATE, v.min_fps.level),
            (&rules::FILE_TOO_LARGE, v.max_bytes.level),
            (&rules::LOW_SAMPLE_RATE, v.min_sample_rate.level),
        ];
        let a = AuditPolicy::default();
        let pairs = pairs.into_iter().chain([
            (&rules::AUDIT_MISSING, a.missing),
            (&rules::AUDIT_STALE, a.stale),
            (&rules::AUDIT_REJECTED, a.rejected),
        ]);
        for (rule, level) in pairs {
            match level.severity() {
                Some(severity) => {
                    assert!(rule.on_by_default(), "{} is on by default", rule.code);
                    assert_eq!(severity, rule.severity, "{} default level", rule.code);
                }
                None => assert!(!rule.on_by_default(), "{} is off by default", rule.code),
            }
        }
    }

    /// TP065 covers two thresholds: `[rules]` sets the level of those the
    /// profile checks, and turns on the short side when neither is.
    #[test]
    fn rule_levels_reach_both_resolution_sides() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        let sides = |text: &str| {
            std::fs::write(&path, text).unwrap();
            let v = Policy::load(&path, None).unwrap().video;
            (v.min_short_side.level, v.min_long_side.level)
        };
        let error = "[rules]\nTP065 = \"error\"\n";
        assert_eq!(sides(error), (Level::Error, Level::Off));
        let smartedu = format!(
            "profile = \"smartedu-2025\"\n{}",
            error.replace("error", "info")
        );
        assert_eq!(sides(&smartedu), (Level::Info, Level::Info));
        let none_on = "[video]\nmin_short_side = { level = \"off\", value = 720 }\n";
        assert_eq!(
            sides(&format!("{none_on}{error}")),
            (Level::Error, Level::Off)
        );
        assert_eq!(
            sides("[rules]\nTP065 = \"off\"\n"),
            (Level::Off, Level::Off)
        );
    }

    #[test]
    fn exactly_sixty_percent_passes() {
        let p = Policy::default();
        assert!(p.meets_threshold(3, 5));
        assert!(!p.meets_threshold(2, 4));
        assert!(p.meets_threshold(6, 10));
        assert!(!p.meets_threshold(599_999, 1_000_000));
        assert!(p.meets_threshold(u64::MAX / 10 * 6, u64::MAX / 10));
        assert!(!p.meets_threshold(0, 0));
    }

    #[test]
    fn default_counts_all_but_subtitle_metadata_junk_archive() {
        let p = Policy::default();
        assert!(p.counts(ResourceKind::Video) && p.counts(ResourceKind::Executable));
        assert!(!p.counts(ResourceKind::Subtitle));
        assert!(!p.counts(ResourceKind::Metadata));
        assert!(!p.counts(ResourceKind::Junk));
        // The platform does not unpack archives: they are not course resources.
        assert!(!p.counts(ResourceKind::Archive));
    }

    #[test]
    fn policy_files_in_toml_and_json() {
        let dir = tempfile::tempdir().unwrap();
        let toml_path = dir.path().join("p.toml");
        std::fs::write(&toml_path, "threshold_percent = 70\nbasis = \"bytes\"\n").unwrap();
        let p = Policy::load(&toml_path, None).unwrap();
        assert_eq!((p.threshold_percent, p.basis), (70, Basis::Bytes));
        assert_eq!(p.counted_kinds, Policy::default().counted_kinds);
        let json_path = dir.path().join("p.json");
        std::fs::write(&json_path, r#"{"counted_kinds":["video","document"]}"#).unwrap();
        assert_eq!(
            Policy::load(&json_path, None).unwrap().counted_kinds.len(),
            2
        );
        std::fs::write(&json_path, r#"{"threshold":60}"#).unwrap();
        assert!(
            Policy::load(&json_path, None).is_err(),
            "unknown fields are refused"
        );
        std::fs::write(&json_path, r#"{"threshold_percent":160}"#).unwrap();
        assert!(Policy::load(&json_path, None).is_err());
        std::fs::write(
            &toml_path,
            "profile = \"smartedu-2025\"\n[video]\nmin_fps = { level = \"error\", value = 25.0 }\n",
        )
        .unwrap();
        let p = Policy::load(&toml_path, None).unwrap();
        assert_eq!(p.video.min_long_side.value, 1920, "kept from the profile");
        assert_eq!(p.video.min_fps.level, Level::Error, "set by the file");
        std::fs::write(&toml_path, "profile = \"nope\"\n").unwrap();
        assert!(Policy::load(&toml_path, None).is_err());
    }
}
