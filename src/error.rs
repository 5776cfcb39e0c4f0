//! Errors that stop the tool from doing its job (exit code 2).
//!
//! Problems *in* a package are not errors: they are `rules::Finding`s.

use std::path::PathBuf;

use crate::i18n::{Lang, Text};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: no such file or folder")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: not a readable zip archive ({reason}); give a folder or a .zip file (a split archive must be joined first)"
    )]
    NotAZip { path: PathBuf, reason: String },
    /// A file given as a package that is not a usable zip, for a reason a
    /// user can act on (another archive format, a cut-short upload, a
    /// password); said in both languages.
    #[error("{path}: {}", .problem.text().en)]
    UnusableArchive {
        path: PathBuf,
        problem: ArchiveProblem,
    },
    #[error("{path}: not a folder or a regular file")]
    NotAPackage { path: PathBuf },
    #[error("{path}: cannot write: {source}")]
    Unwritable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("policy file {path}: {reason}")]
    Policy { path: PathBuf, reason: String },
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// The message in the user's language: the same as `to_string()`,
    /// except for errors that carry their own Chinese text.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Error::UnusableArchive { path, problem } => {
                format!("{}: {}", path.display(), problem.text().get(lang))
            }
            other => other.to_string(),
        }
    }
}

/// Why a file given as a package cannot be read as a zip, when it can be
/// told: what the file is, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchiveProblem {
    /// A RAR archive (RAR4 or RAR5 signature).
    Rar,
    /// A 7-Zip archive.
    SevenZip,
    /// Another archive format, by its name (gzip, tar, bzip2, xz...).
    OtherArchive(&'static str),
    /// Not an archive: what the content says it is ("a PDF document").
    NotAnArchive { what_en: String, what_zh: String },
    /// A zip whose end (the central directory) is missing: cut short.
    Truncated,
    /// Every entry is encrypted: nothing can be checked.
    PasswordProtected { entries: u64 },
}

impl ArchiveProblem {
    pub fn text(&self) -> Text {
        match self {
            ArchiveProblem::Rar => Text::new(
                "not a zip: it is a RAR archive; repack it as zip (in WinRAR or 7-Zip: extract it, then add the folder to a .zip archive)",
                "不是 zip：这是 RAR 压缩包；请重新打包为 zip（用 WinRAR 或 7-Zip 解压后，将文件夹添加为 .zip 压缩包）",
            ),
            ArchiveProblem::SevenZip => Text::new(
                "not a zip: it is a 7z archive; repack it as zip (in 7-Zip: extract it, then add the folder choosing the zip format)",
                "不是 zip：这是 7z 压缩包；请重新打包为 zip（用 7-Zip 解压后，添加文件夹时选择 zip 格式）",
            ),
            ArchiveProblem::OtherArchive(name) => Text::new(
                format!("not a zip: it is a {name} archive; repack it as zip"),
                format!("不是 zip：这是 {name} 压缩包；请重新打包为 zip"),
            ),
            ArchiveProblem::NotAnArchive { what_en, what_zh } => Text::new(
                format!(
                    "not an archive at all (it is {what_en}); give the package folder or its .zip file"
                ),
                format!("根本不是压缩包（它是{what_zh}）；请提供资源包文件夹或其 .zip 文件"),
            ),
            ArchiveProblem::Truncated => Text::new(
                "not a readable zip: a truncated zip (it starts as a zip but its end, the central directory, is missing): the upload or copy was interrupted; copy it again",
                "无法读取的 zip：压缩包不完整（开头是 zip，但结尾的中央目录缺失）：上传或复制被中断；请重新复制",
            ),
            ArchiveProblem::PasswordProtected { entries } => Text::new(
                format!(
                    "password-protected zip: all {entries} entries are encrypted, so nothing in it can be checked; re-create the zip without a password"
                ),
                format!(
                    "压缩包设有密码：全部 {entries} 个条目均已加密，无法检查任何内容；请不加密码重新压缩"
                ),
            ),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
