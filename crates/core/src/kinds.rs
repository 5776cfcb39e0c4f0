//! The resource taxonomy: every kind a file in a training package can be, defined once.
//!
//! Which kinds count as *course resources* (the denominator of the 60% rule) is
//! policy data (`policy::Policy::counted_kinds`); `counted_by_default` is only
//! the built-in default, taken from `docs/domain.md`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a file is, decided by its content (not its extension).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "kind", title = "Resource kind")]
pub enum ResourceKind {
    Video,
    Audio,
    Image,
    Document,
    Presentation,
    Spreadsheet,
    Courseware,
    Animation,
    Subtitle,
    Metadata,
    Junk,
    Executable,
    /// A zip, rar, 7z, tar or compressed file: the platform does not unpack
    /// it, so what it holds is neither playable nor counted.
    Archive,
    Other,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 14] = [
        ResourceKind::Video,
        ResourceKind::Audio,
        ResourceKind::Image,
        ResourceKind::Document,
        ResourceKind::Presentation,
        ResourceKind::Spreadsheet,
        ResourceKind::Courseware,
        ResourceKind::Animation,
        ResourceKind::Subtitle,
        ResourceKind::Metadata,
        ResourceKind::Junk,
        ResourceKind::Executable,
        ResourceKind::Archive,
        ResourceKind::Other,
    ];

    /// The stable lowercase name used in JSON, policy files and CLI flags.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Video => "video",
            ResourceKind::Audio => "audio",
            ResourceKind::Image => "image",
            ResourceKind::Document => "document",
            ResourceKind::Presentation => "presentation",
            ResourceKind::Spreadsheet => "spreadsheet",
            ResourceKind::Courseware => "courseware",
            ResourceKind::Animation => "animation",
            ResourceKind::Subtitle => "subtitle",
            ResourceKind::Metadata => "metadata",
            ResourceKind::Junk => "junk",
            ResourceKind::Executable => "executable",
            ResourceKind::Archive => "archive",
            ResourceKind::Other => "other",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ResourceKind::Video => "视频",
            ResourceKind::Audio => "音频",
            ResourceKind::Image => "图像",
            ResourceKind::Document => "文本",
            ResourceKind::Presentation => "演示文稿",
            ResourceKind::Spreadsheet => "表格",
            ResourceKind::Courseware => "课件",
            ResourceKind::Animation => "动画",
            ResourceKind::Subtitle => "字幕",
            ResourceKind::Metadata => "元数据",
            ResourceKind::Junk => "垃圾文件",
            ResourceKind::Executable => "可执行文件",
            ResourceKind::Archive => "压缩文件",
            ResourceKind::Other => "其他",
        }
    }

    /// Whether the kind is a course resource unless the policy says otherwise.
    pub fn counted_by_default(self) -> bool {
        !matches!(
            self,
            ResourceKind::Subtitle
                | ResourceKind::Metadata
                | ResourceKind::Junk
                | ResourceKind::Archive
        )
    }

    pub fn parse(s: &str) -> Option<ResourceKind> {
        ResourceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
