//! Files in an inbox that are not packages (a RAR or 7z archive, a lone
//! PDF, a zip without its `.zip` name): each becomes a summary row with
//! status `unsupported`, saying what the file is and what to do, instead of
//! a line on the console that nobody reads.

use std::io::Read;
use std::path::Path;

use crate::i18n::Lang;

/// What a file that is not a package is, as recorded in the catalog's
/// `source` column: `rar`, `7z`, `gzip`, `bzip2`, `xz`, `tar`, `zstd`,
/// `zip` (zip content under another name), `document`, `video`, `audio`,
/// `image`, `other` (anything else, or empty), `special` (not a regular
/// file: a FIFO, socket or device, never opened).
pub fn classify(path: &Path) -> &'static str {
    // symlink_metadata would not follow an inbox of links; `discover`
    // follows them, so this does too.
    let Ok(meta) = std::fs::metadata(path) else {
        return "other";
    };
    if !meta.is_file() {
        return "special";
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
        return "other";
    }
    let Some(kind) = infer::get(&head) else {
        return "other";
    };
    match kind.mime_type() {
        "application/vnd.rar" | "application/x-rar-compressed" => "rar",
        "application/x-7z-compressed" => "7z",
        "application/gzip" => "gzip",
        "application/x-bzip2" => "bzip2",
        "application/x-xz" => "xz",
        "application/x-tar" => "tar",
        "application/zstd" => "zstd",
        "application/zip" => "zip",
        "application/pdf" => "document",
        _ => match kind.matcher_type() {
            infer::MatcherType::Doc | infer::MatcherType::Text => "document",
            infer::MatcherType::Video => "video",
            infer::MatcherType::Audio => "audio",
            infer::MatcherType::Image => "image",
            _ => "other",
        },
    }
}

/// What the summary says of an unsupported file: what it is, and what to do.
pub fn message(what: &str, lang: Lang) -> String {
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
    match what {
        "rar" => archive("RAR"),
        "7z" => archive("7-Zip (.7z)"),
        "gzip" => archive("gzip"),
        "bzip2" => archive("bzip2"),
        "xz" => archive("xz"),
        "tar" => archive("tar"),
        "zstd" => archive("Zstandard"),
        "zip" => lang
            .pick(
                "a zip archive whose name does not end in .zip: rename it to end in .zip so it is checked",
                "这是 zip 压缩包，但文件名不以 .zip 结尾：请将其改名为 .zip 后再提交检查",
            )
            .to_owned(),
        "document" => lone("document", "文档"),
        "video" => lone("video", "视频"),
        "audio" => lone("audio", "音频"),
        "image" => lone("image", "图片"),
        "special" => lang
            .pick(
                "not a regular file (a pipe, socket or device), never opened: remove it from the inbox",
                "不是普通文件（管道、套接字或设备），未打开：请将其移出收件箱",
            )
            .to_owned(),
        _ => lang
            .pick(
                "not a package (neither a .zip file nor a folder, nor an archive trainpack recognises): submit the package as a folder or a .zip",
                "不是培训包（既不是 .zip 文件也不是文件夹，也不是可识别的压缩包）：请以文件夹或 .zip 形式提交",
            )
            .to_owned(),
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
        assert_eq!(classify(&rar), "rar");
        assert_eq!(classify(&seven), "7z");
        assert_eq!(classify(&pdf), "document");
        assert_eq!(classify(&text), "other");
        assert!(message("rar", Lang::En).contains("RAR archive"));
        assert!(message("rar", Lang::Zh).contains("RAR 压缩包"));
        for what in ["zip", "document", "special", "other", "7z"] {
            assert!(!message(what, Lang::Zh).contains("package"), "{what}");
        }
    }
}
