//! The checksummed manifest (`schemas/manifest.schema.json`): what was
//! checked, byte for byte, and what the check concluded. The same package
//! gives the same manifest apart from `created`.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::descriptor::Descriptor;
use crate::kinds::ResourceKind;
use crate::policy::Basis;
use crate::report::{Report, Verdict};
use crate::scan::hex;
use crate::source::SourceKind;

pub const MANIFEST_VERSION: u32 = 1;

/// The largest manifest `verify` reads: 100,000 files (the default
/// `limits.max_entries`) at about 400 bytes of JSON each (paths of 100
/// characters). Parsed, and compared with a package that shares none of
/// its files, it takes about three times its size in memory: 40 MiB keeps
/// the worst case under 128 MiB (SECURITY.md).
pub const MAX_MANIFEST_BYTES: u64 = 40 << 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub manifest_version: u32,
    pub tool: Tool,
    /// RFC 3339 UTC time the manifest was made.
    pub created: String,
    pub policy: PolicyRef,
    pub package: PackageRef,
    /// Every file read, sorted by path.
    pub files: Vec<FileRecord>,
    pub summary: SummaryRef,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyRef {
    pub profile: String,
    pub version: u32,
    pub threshold_percent: u32,
    pub basis: Basis,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackageRef {
    pub id: String,
    pub source: SourceKind,
    /// SHA-256 of the zip file itself (zip packages only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descriptor: Option<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_deadline: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileRecord {
    pub path: String,
    /// The bytes of the file's path in the folder (lowercase hex), when
    /// they are not UTF-8 (GBK names unzipped on Linux): `path` is then
    /// their decoded or `%XX`-escaped form, and `verify` finds the file by
    /// these bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<String>,
    pub size: u64,
    pub sha256: String,
    pub media_type: String,
    pub kind: ResourceKind,
    pub counted: bool,
    pub is_video: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<VideoRecord>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VideoRecord {
    pub status: String,
    pub container: Option<String>,
    pub duration_s: Option<f64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub codec: Option<String>,
    pub fps: Option<f64>,
    pub audio_codec: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryRef {
    pub files: u64,
    pub total_bytes: u64,
    pub course_resources: u64,
    pub videos: u64,
    pub video_ratio: String,
    pub verdict: Verdict,
    pub errors: u64,
    pub warnings: u64,
}

impl Manifest {
    pub fn from_report(
        report: &Report,
        archive: Option<(String, u64)>,
        created: String,
    ) -> Manifest {
        let mut files: Vec<FileRecord> = report
            .files
            .iter()
            .map(|f| FileRecord {
                path: f.path.to_string(),
                path_bytes: f.path_bytes.clone(),
                size: f.size,
                sha256: f.sha256.to_string(),
                media_type: f.media_type.to_owned(),
                kind: f.kind,
                counted: f.counted,
                is_video: f.is_video,
                video: f.video.as_ref().map(|v| VideoRecord {
                    status: v.status.to_owned(),
                    container: v.container.clone(),
                    duration_s: v.duration_s,
                    width: v.width,
                    height: v.height,
                    codec: v.codec.clone(),
                    fps: v.fps,
                    audio_codec: v.audio_codec.clone(),
                }),
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let (archive_sha256, archive_size) = match archive {
            Some((sha, size)) => (Some(sha), Some(size)),
            None => (None, None),
        };
        let s = &report.summary;
        Manifest {
            manifest_version: MANIFEST_VERSION,
            tool: Tool {
                name: report.tool.name.to_owned(),
                version: report.tool.version.to_owned(),
            },
            created,
            policy: PolicyRef {
                profile: report.policy.profile.clone(),
                version: report.policy.version,
                threshold_percent: report.policy.threshold_percent,
                basis: report.policy.basis,
            },
            package: PackageRef {
                id: report.package.id.clone(),
                source: report.package.source,
                archive_sha256,
                archive_size,
                descriptor: report.package.descriptor.clone(),
                upload_deadline: report.package.upload_deadline.clone(),
            },
            files,
            summary: SummaryRef {
                files: s.files,
                total_bytes: s.total_bytes,
                course_resources: s.course_resources,
                videos: s.videos,
                video_ratio: s.video_ratio.clone(),
                verdict: report.verdict,
                errors: s.errors,
                warnings: s.warnings,
            },
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Read a manifest, parsed as it streams in (the text is never held
    /// whole) and refused past [`MAX_MANIFEST_BYTES`], so a huge or hostile
    /// file cannot take the memory of the machine.
    pub fn load(path: &Path) -> Result<Manifest, crate::i18n::Text> {
        use crate::i18n::Text;
        let fail = |e: io::Error| {
            let reason = crate::error::io_reason(&e);
            Text::new(
                format!("{}: {}", path.display(), reason.en),
                format!("{}：{}", path.display(), reason.zh),
            )
        };
        let file = File::open(path).map_err(fail)?;
        let len = file.metadata().map_err(fail)?.len();
        let too_big = || {
            Text::new(
                format!(
                    "{}: larger than {} MiB, more than a manifest of the most files a package may hold (limits.max_entries); not a trainpack manifest (see SECURITY.md)",
                    path.display(),
                    MAX_MANIFEST_BYTES >> 20
                ),
                format!(
                    "{}：大于 {} MiB，超过了包内文件数上限（limits.max_entries）所对应的清单大小；不是 trainpack 清单（见 SECURITY.md）",
                    path.display(),
                    MAX_MANIFEST_BYTES >> 20
                ),
            )
        };
        if len > MAX_MANIFEST_BYTES {
            return Err(too_big());
        }
        let mut input = io::BufReader::new(file.take(MAX_MANIFEST_BYTES + 1));
        let manifest: Manifest = serde_json::from_reader(&mut input).map_err(|e| {
            if input.get_ref().limit() == 0 {
                too_big()
            } else {
                Text::new(
                    format!("{}: not a trainpack manifest: {e}", path.display()),
                    format!(
                        "{}：不是 trainpack 清单（第 {} 行第 {} 列不符合清单格式）",
                        path.display(),
                        e.line(),
                        e.column()
                    ),
                )
            }
        })?;
        if manifest.manifest_version != MANIFEST_VERSION {
            return Err(Text::new(
                format!(
                    "{}: manifest version {} is not supported (this trainpack reads version {MANIFEST_VERSION})",
                    path.display(),
                    manifest.manifest_version
                ),
                format!(
                    "{}：不支持清单版本 {}（本 trainpack 读取版本 {MANIFEST_VERSION}）",
                    path.display(),
                    manifest.manifest_version
                ),
            ));
        }
        Ok(manifest)
    }
}

/// The current time as RFC 3339 UTC, to the second.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// SHA-256 and length of a whole file, read in large blocks.
pub fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        len += n as u64;
    }
    Ok((hex(&hasher.finalize()), len))
}
