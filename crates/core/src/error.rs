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
    #[error("policy file {path}: {}", .reason.en)]
    Policy { path: PathBuf, reason: Text },
    #[error("{0}")]
    Other(String),
    /// Any other failure, said in both languages.
    #[error("{}", .0.en)]
    Said(Text),
}

impl Error {
    /// The message in the user's language: the same as `to_string()`,
    /// except for errors that carry their own Chinese text.
    pub fn message(&self, lang: Lang) -> String {
        self.text().get(lang).to_owned()
    }

    /// The message in both languages. Library errors inside (I/O, zip)
    /// are classified by kind for the Chinese text, never by their wording.
    pub fn text(&self) -> Text {
        let en = self.to_string();
        let zh = match self {
            Error::NotFound { path } => format!("{}：文件或文件夹不存在", path.display()),
            Error::Unreadable { path, source } => {
                format!("{}：无法读取：{}", path.display(), io_reason(source).zh)
            }
            Error::NotAZip { path, .. } => format!(
                "{}：不是可读取的 zip 压缩包；请提供文件夹或 .zip 文件（分卷压缩包须先合并）",
                path.display()
            ),
            Error::UnusableArchive { path, problem } => {
                format!("{}：{}", path.display(), problem.text().zh)
            }
            Error::NotAPackage { path } => {
                format!("{}：既不是文件夹，也不是普通文件", path.display())
            }
            Error::Unwritable { path, source } => {
                format!("{}：无法写入：{}", path.display(), io_reason(source).zh)
            }
            Error::Policy { path, reason } => {
                format!("策略文件 {}：{}", path.display(), reason.zh)
            }
            Error::Other(text) => text.clone(),
            Error::Said(text) => text.zh.clone(),
        };
        Text { en, zh }
    }
}

impl From<Text> for Error {
    fn from(text: Text) -> Error {
        Error::Said(text)
    }
}

/// Why an I/O operation failed, in both languages: the English is the
/// system's own message, the Chinese is chosen by the error's kind.
pub fn io_reason(e: &std::io::Error) -> Text {
    use std::io::ErrorKind as K;
    let zh = match e.kind() {
        K::NotFound => "文件或文件夹不存在".to_owned(),
        K::PermissionDenied => "没有访问权限".to_owned(),
        K::AlreadyExists => "已经存在".to_owned(),
        K::InvalidData => "内容无效（不是预期的格式或编码）".to_owned(),
        K::InvalidInput => "参数无效".to_owned(),
        K::UnexpectedEof => "文件意外结束（不完整）".to_owned(),
        K::StorageFull => "磁盘空间已满".to_owned(),
        K::ReadOnlyFilesystem => "文件系统为只读".to_owned(),
        K::IsADirectory => "这是文件夹，不是文件".to_owned(),
        K::NotADirectory => "路径中有一项不是文件夹".to_owned(),
        K::DirectoryNotEmpty => "文件夹不为空".to_owned(),
        K::FileTooLarge => "文件过大".to_owned(),
        K::TimedOut => "操作超时".to_owned(),
        K::Interrupted => "操作被中断".to_owned(),
        K::OutOfMemory => "内存不足".to_owned(),
        K::BrokenPipe => "输出管道已关闭".to_owned(),
        _ => match e.raw_os_error() {
            Some(code) => format!("输入输出错误（系统错误码 {code}）"),
            None => "输入输出错误".to_owned(),
        },
    };
    Text::new(e.to_string(), zh)
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
