//! The checksummed manifest (`schemas/manifest.schema.json`): what was
//! checked, byte for byte, and what the check concluded. The same package
//! gives the same manifest apart from `created`.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::descriptor::Descriptor;
use crate::kinds::ResourceKind;
use crate::policy::Basis;
use crate::report::{Report, Verdict, VideoStatus};
use crate::scan::hex;
use crate::source::SourceKind;

pub const MANIFEST_VERSION: u32 = 1;

/// The largest manifest `verify` reads: 100,000 files (the default
/// `limits.max_entries`) at about 400 bytes of JSON each (paths of 100
/// characters). Parsed, and compared with a package that shares none of
/// its files, it takes about three times its size in memory: 40 MiB keeps
/// the worst case under 128 MiB (SECURITY.md).
pub const MAX_MANIFEST_BYTES: u64 = 40 << 20;

/// The checksummed manifest written by `trainpack manifest PACKAGE -o FILE`
/// (and stored in every bag made by `trainpack pack` as the tag file
/// trainpack-manifest.json): every file of the package with its size and
/// SHA-256, what the check concluded, and under which policy. `trainpack
/// verify PACKAGE --manifest FILE` compares a package with it. The same
/// package gives the same manifest apart from `created`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "trainpack manifest")]
pub struct Manifest {
    /// Version of this manifest format; trainpack refuses manifests of
    /// another version.
    #[schemars(extend("const" = 1))]
    pub manifest_version: u32,
    /// The program that wrote the manifest.
    pub tool: Tool,
    /// When the manifest was made: RFC 3339 UTC to the second
    /// (`2024-03-01T09:00:00Z`). In a bag made by `trainpack pack` it is the
    /// package's date (SOURCE_DATE_EPOCH, else the newest file's modification
    /// time), so packing is reproducible.
    #[schemars(pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))]
    pub created: String,
    /// The policy the package was checked against, after command-line
    /// overrides.
    pub policy: PolicyRef,
    /// The package the manifest describes.
    pub package: PackageRef,
    /// Every file that was read, sorted by path (byte order of the UTF-8
    /// paths).
    pub files: Vec<FileRecord>,
    /// Totals over the whole package and the verdict, as the check reported
    /// them.
    pub summary: SummaryRef,
}

/// The program that wrote the manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "tool", title = "Tool")]
pub struct Tool {
    /// Always `trainpack`.
    #[schemars(title = "Tool name", extend("const" = "trainpack"))]
    pub name: String,
    /// The trainpack version (semantic versioning, e.g. `0.1.0`).
    #[schemars(title = "Tool version", pattern(r"^[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$"))]
    pub version: String,
}

/// The policy the package was checked against, after command-line
/// overrides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "policy", title = "Policy")]
pub struct PolicyRef {
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
}

/// The package the manifest describes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(
    rename = "package",
    title = "Package",
    extend(
        "if" = {"properties": {"source": {"const": "zip"}}},
        "then" = {"required": ["archive_sha256", "archive_size"]},
        "else" = {"not": {"anyOf": [{"required": ["archive_sha256"]}, {"required": ["archive_size"]}]}}
    )
)]
pub struct PackageRef {
    /// The descriptor's id, else the folder's name or the zip's file stem.
    #[schemars(title = "Package id")]
    pub id: String,
    /// Whether the package is a folder or a zip file (read in place, never
    /// extracted).
    pub source: SourceKind,
    /// SHA-256 of the zip file itself, lowercase hex (zip packages only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Archive SHA-256", with = "crate::schema::Sha256Hex")]
    pub archive_sha256: Option<String>,
    /// Bytes of the zip file itself (zip packages only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "u64")]
    pub archive_size: Option<u64>,
    /// training-package.json at the package root, when present and valid
    /// (same shape as schemas/descriptor.schema.json).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Descriptor")]
    pub descriptor: Option<Descriptor>,
    /// The descriptor's end_date plus one calendar month (YYYY-MM-DD); absent
    /// when the end date is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "crate::schema::Day")]
    pub upload_deadline: Option<String>,
}

/// One file of the package, byte for byte as it was read, and what the
/// check decided it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(
    rename = "file",
    title = "File",
    extend(
        "if" = {"properties": {"is_video": {"const": true}}},
        "then" = {
            "required": ["video"],
            "properties": {"kind": {"const": "video"}, "counted": {"const": true}}
        }
    )
)]
pub struct FileRecord {
    /// Package-relative path with `/` separators, in Unicode NFC; unique
    /// within the manifest. For a zip package, the path inside the zip.
    #[schemars(length(min = 1))]
    pub path: String,
    /// For a folder file whose name is not UTF-8 (GBK names unzipped on
    /// Linux): the bytes of its path under the package folder,
    /// `/`-separated, as lowercase hex. `path` is then their GBK-decoded
    /// form, or their `%XX`-escaped form where decoding is not possible or
    /// would read the same as another file's name. `verify` finds the file
    /// by these bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", pattern("^([0-9a-f]{2})+$"))]
    pub path_bytes: Option<String>,
    /// Bytes read.
    pub size: u64,
    /// SHA-256 of the file's bytes, lowercase hex (what `sha256sum` prints).
    #[schemars(title = "SHA-256", with = "crate::schema::Sha256Hex")]
    pub sha256: String,
    /// Media type found from the content (e.g. `video/mp4`,
    /// `application/pdf`; `inode/x-empty` for an empty file).
    #[schemars(with = "crate::schema::MediaType")]
    pub media_type: String,
    /// What the file is, decided by its content (not its extension).
    pub kind: ResourceKind,
    /// Whether the file is a course resource (in the denominator): its kind
    /// is in the policy's `counted_kinds`.
    pub counted: bool,
    /// Whether the file is counted as video (in the numerator). True only
    /// for counted files of kind `video` whose video is confirmed or
    /// unconfirmed.
    pub is_video: bool,
    /// What probing found; present only for files whose content is a video
    /// container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "VideoRecord")]
    pub video: Option<VideoRecord>,
}

/// What probing found for a file whose content is a video container;
/// present only for such files. Fields the probe did not report are null.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "video", title = "Video probe")]
pub struct VideoRecord {
    /// What the probe concluded.
    pub status: VideoStatus,
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
}

/// Totals over the whole package and the verdict, as the check reported
/// them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "summary", title = "Summary")]
pub struct SummaryRef {
    /// Number of files read; the length of `files`.
    pub files: u64,
    /// Bytes of all files read; the sum of their sizes.
    pub total_bytes: u64,
    /// Number of files that are course resources (`counted`).
    pub course_resources: u64,
    /// Number of course resources counted as video (`is_video`).
    pub videos: u64,
    /// Share of video on the policy's basis, truncated to four decimals
    /// (`"0.6000"`).
    #[schemars(with = "crate::schema::Ratio")]
    pub video_ratio: String,
    /// The check's verdict: `pass` when it found no error, `fail` otherwise.
    pub verdict: Verdict,
    /// Number of findings of severity `error`.
    pub errors: u64,
    /// Number of findings of severity `warning`.
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
                    status: v.status,
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
                video_ratio: s.video_ratio.decimal(),
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
    #[cfg(feature = "fs")]
    #[allow(clippy::disallowed_methods)] // reading the file the user named
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

/// SHA-256 and length of a whole file, read in large blocks.
#[cfg(feature = "fs")]
#[allow(clippy::disallowed_methods)] // a file the user named
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
