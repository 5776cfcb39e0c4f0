//! Files in an inbox that are not packages (a RAR or 7z archive, a lone
//! PDF, a zip without its `.zip` name): each becomes a summary row with
//! status `unsupported`, saying what the file is and what to do, instead of
//! a line on the console that nobody reads.

use std::io::Read;
use std::path::Path;

use crate::i18n::Lang;

/// What a file in the inbox that is not a package is. The catalog's
/// `source` column, the summaries and the console name it by
/// [`NotAPackage::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotAPackage {
    Rar,
    SevenZip,
    Gzip,
    Bzip2,
    Xz,
    Tar,
    Zstd,
    /// Zip content under a name that does not end in `.zip`.
    MisnamedZip,
    Document,
    Video,
    Audio,
    Image,
    /// Anything else, or empty.
    Other,
    /// Not a regular file (a FIFO, socket or device), never opened.
    Special,
}

impl NotAPackage {
    pub const ALL: [NotAPackage; 14] = [
        NotAPackage::Rar,
        NotAPackage::SevenZip,
        NotAPackage::Gzip,
        NotAPackage::Bzip2,
        NotAPackage::Xz,
        NotAPackage::Tar,
        NotAPackage::Zstd,
        NotAPackage::MisnamedZip,
        NotAPackage::Document,
        NotAPackage::Video,
        NotAPackage::Audio,
        NotAPackage::Image,
        NotAPackage::Other,
        NotAPackage::Special,
    ];

    /// The name the catalog and summaries use (`rar`, `7z`, `zip`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            NotAPackage::Rar => "rar",
            NotAPackage::SevenZip => "7z",
            NotAPackage::Gzip => "gzip",
            NotAPackage::Bzip2 => "bzip2",
            NotAPackage::Xz => "xz",
            NotAPackage::Tar => "tar",
            NotAPackage::Zstd => "zstd",
            NotAPackage::MisnamedZip => "zip",
            NotAPackage::Document => "document",
            NotAPackage::Video => "video",
            NotAPackage::Audio => "audio",
            NotAPackage::Image => "image",
            NotAPackage::Other => "other",
            NotAPackage::Special => "special",
        }
    }

    /// The inverse of [`NotAPackage::as_str`].
    pub fn parse(name: &str) -> Option<NotAPackage> {
        NotAPackage::ALL.into_iter().find(|w| w.as_str() == name)
    }

    /// What the summary says of such a file: what it is, and what to do.
    pub fn message(self, lang: Lang) -> String {
        let archive = |name: &str| match lang {
            Lang::En => format!(
                "a {name} archive, not a package: trainpack checks .zip files and folders only. Unpack it and submit the folder, or repack it as a .zip"
            ),
            Lang::Zh => format!(
                "这是 {name} 压缩包，不是可检查的培训包：trainpack 只检查 .zip 文件和文件夹。请解压后提交文件夹，或重新压缩为 .zip"
            ),
        };
        let lone = |en: &str, zh: &str| match lang {
            Lang::En => format!(
                "a single {en} file, not a package: put it into the package it belongs to (a folder or .zip with the rest of the course)"
            ),
            Lang::Zh => format!(
                "这是单个{zh}文件，不是培训包：请将其放入所属的培训包（包含其余课程资源的文件夹或 .zip）"
            ),
        };
        match self {
            NotAPackage::Rar => archive("RAR"),
            NotAPackage::SevenZip => archive("7-Zip (.7z)"),
            NotAPackage::Gzip => archive("gzip"),
            NotAPackage::Bzip2 => archive("bzip2"),
            NotAPackage::Xz => archive("xz"),
            NotAPackage::Tar => archive("tar"),
            NotAPackage::Zstd => archive("Zstandard"),
            NotAPackage::MisnamedZip => lang
                .pick(
                    "a zip archive whose name does not end in .zip: rename it to end in .zip so it is checked",
                    "这是 zip 压缩包，但文件名不以 .zip 结尾：请将其改名为 .zip 后再提交检查",
                )
                .to_owned(),
            NotAPackage::Document => lone("document", "文档"),
            NotAPackage::Video => lone("video", "视频"),
            NotAPackage::Audio => lone("audio", "音频"),
            NotAPackage::Image => lone("image", "图片"),
            NotAPackage::Special => lang
                .pick(
                    "not a regular file (a pipe, socket or device), never opened: remove it from the inbox",
                    "不是普通文件（管道、套接字或设备），未打开：请将其移出收件箱",
                )
                .to_owned(),
            NotAPackage::Other => lang
                .pick(
                    "not a package (neither a .zip file nor a folder, nor an archive trainpack recognises): submit the package as a folder or a .zip",
                    "不是培训包（既不是 .zip 文件也不是文件夹，也不是可识别的压缩包）：请以文件夹或 .zip 形式提交",
                )
                .to_owned(),
        }
    }
}

/// What a file that is not a package is, from its first bytes.
pub fn classify(path: &Path) -> NotAPackage {
    use NotAPackage::*;
    // symlink_metadata would not follow an inbox of links; `discover`
    // follows them, so this does too.
    let Ok(meta) = std::fs::metadata(path) else {
        return Other;
    };
    if !meta.is_file() {
        return Special;
    }
    let mut head = Vec::with_capacity(8192);
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // A file swapped for a FIFO since the stat must not block the batch.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let read = options
        .open(path)
        .and_then(|file| file.take(8192).read_to_end(&mut head));
    if read.is_err() {
        return Other;
    }
    let Some(kind) = infer::get(&head) else {
        return Other;
    };
    match kind.mime_type() {
        "application/vnd.rar" | "application/x-rar-compressed" => Rar,
        "application/x-7z-compressed" => SevenZip,
        "application/gzip" => Gzip,
        "application/x-bzip2" => Bzip2,
        "application/x-xz" => Xz,
        "application/x-tar" => Tar,
        "application/zstd" => Zstd,
        "application/zip" => MisnamedZip,
        "application/pdf" => Document,
        _ => match kind.matcher_type() {
            infer::MatcherType::Doc | infer::MatcherType::Text => Document,
            infer::MatcherType::Video => Video,
            infer::MatcherType::Audio => Audio,
            infer::MatcherType::Image => Image,
            _ => Other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_named_and_other_files_described() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let rar = write("a.rar", b"Rar!\x1a\x07\x01\x00rest of a rar archive");
        let seven = write("a.7z", b"7z\xbc\xaf\x27\x1c\x00\x04rest");
        let pdf = write("a.pdf", b"%PDF-1.4\n%%EOF\n");
        let text = write("a.txt", b"");
        assert_eq!(classify(&rar), NotAPackage::Rar);
        assert_eq!(classify(&seven), NotAPackage::SevenZip);
        assert_eq!(classify(&pdf), NotAPackage::Document);
        assert_eq!(classify(&text), NotAPackage::Other);
        assert!(NotAPackage::Rar.message(Lang::En).contains("RAR archive"));
        assert!(NotAPackage::Rar.message(Lang::Zh).contains("RAR 压缩包"));
        for what in NotAPackage::ALL {
            assert!(!what.message(Lang::Zh).contains("package"), "{what:?}");
            // The catalog stores the name and reads the same value back.
            assert_eq!(NotAPackage::parse(what.as_str()), Some(what));
        }
    }
}
