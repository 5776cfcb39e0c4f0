//! What listing the source noticed about entries and their names (the source stage).

use crate::i18n::Text;
use crate::rules::integrity::{
    DirectoryTooLarge, DirectoryWithData, HeaderMismatch, HiddenLocalEntries, OverlappingEntries,
    PathTooDeep, PathTooLong, Shortfall, SmallerThanDeclared, TooManyEntries,
    UnsupportedCompression, ZipPrefixData,
};
use crate::rules::{Finding, Violation};
use crate::source::SourceNote;
use crate::source::names::UnsafeReason;

rules! {
    UNSAFE_PATH = "TP030" "unsafe-zip-path" Error {
        summary: "A zip entry name could write outside the package" / "压缩包中的条目名称可能写到包目录之外",
        why: "Names with '..', absolute paths or drive letters (with '/' or '\\' separators) are how 'zip slip' attacks overwrite files; trainpack never reads such entries." / "含 “..”、绝对路径或盘符（以 “/” 或 “\\” 分隔）的名称是“zip slip”攻击覆盖文件的手段；trainpack 从不读取此类条目。",
        fix: "Re-create the zip from the package folder with an ordinary zip tool." / "请用常规压缩工具从包文件夹重新打包。",
        example: "../evil.txt" / "../evil.txt",
        message: UnsafePath { reason: UnsafeReason } => Text::new(
            format!("unsafe entry name ({}): not read", reason.describe_en()),
            format!("不安全的条目名称（{}）：未读取", reason.describe_zh()),
        ),
    }
    LEGACY_NAME = "TP031" "legacy-encoded-name" Warning {
        summary: "A zip entry name is GBK-encoded without the UTF-8 flag" / "压缩包条目名称为 GBK 编码且未标记 UTF-8",
        why: "trainpack decodes it correctly, but other tools (macOS, Linux, the platform) may show garbled names." / "trainpack 能正确解码，但其他工具（macOS、Linux、平台）可能显示为乱码。",
        fix: "Re-create the zip with UTF-8 names (7-Zip: add -mcu=on; Bandizip and WinRAR have a UTF-8 option)." / "请用 UTF-8 文件名重新压缩（7-Zip 加参数 -mcu=on；Bandizip、WinRAR 可在设置中选择 UTF-8）。",
        example: "模块1/第1课.mp4 written by an old Windows zip tool" / "由旧版 Windows 压缩工具写入的 模块1/第1课.mp4",
        message: LegacyName { count: usize, example: String } => Text::new(
            format!("{count} entry name(s) are stored in GBK without the UTF-8 flag (for example {example}); trainpack decoded them, but other tools may show them garbled"),
            format!("{count} 个条目名称以 GBK 编码存储且未标记 UTF-8（例如 {example}）；trainpack 已正确解码，但其他工具可能显示为乱码"),
        ),
    }
    SYMLINK = "TP032" "symlink-skipped" Warning {
        summary: "A symbolic link was skipped" / "已跳过符号链接",
        why: "Links can point outside the package; they are never followed, so what they point to is not part of the package." / "链接可能指向包外；trainpack 从不跟随链接，链接指向的内容不属于该包。",
        fix: "Replace the link with a copy of the file it points to." / "请用被链接文件的副本替换该链接。",
        example: "video.mp4 -> /home/user/video.mp4" / "video.mp4 -> /home/user/video.mp4",
        message: Symlink {} => Text::new(
            "symbolic link: not followed, not part of the package",
            "符号链接：未跟随，不属于包内容",
        ),
    }
    UNREADABLE = "TP033" "unreadable-file" Error {
        summary: "A file could not be read" / "文件无法读取",
        why: "A file trainpack cannot read will not be readable on the platform either (damaged archive entry, bad checksum, permissions)." / "trainpack 读不了的文件，平台同样读不了（压缩条目损坏、校验值错误或权限不足）。",
        fix: "Copy the file again from its source, then re-create the package." / "请从源头重新复制该文件后重新打包。",
        example: "a zip entry whose CRC does not match" / "CRC 校验值不符的压缩条目",
        message: Unreadable { error: Option<String> } => match error {
            // The zip crate's checksum failure, in words a provider can act on.
            None => Text::new(
                "the entry's data does not match its CRC-32 checksum: it is damaged or was altered after zipping",
                "该条目的数据与其 CRC-32 校验值不符：文件已损坏或在压缩后被改动",
            ),
            Some(error) => Text::new(
                format!("cannot read this file: {error}"),
                format!("无法读取该文件：{error}"),
            ),
        },
    }
    SPECIAL_FILE = "TP034" "special-file" Warning {
        summary: "A special file (pipe, socket or device) was skipped" / "已跳过特殊文件（管道、套接字或设备）",
        why: "Special files are not content and reading them can block forever; they are never opened." / "特殊文件不是内容，读取时可能永远阻塞；trainpack 从不打开它们。",
        fix: "Remove it from the package folder." / "请从包文件夹中删除。",
        example: "a FIFO left by a capture tool" / "采集工具留下的命名管道（FIFO）",
        message: SpecialFile {} => Text::new(
            "special file: skipped, never opened",
            "特殊文件：已跳过，未打开",
        ),
    }
    NON_UTF8_NAME = "TP035" "non-utf8-name" Warning {
        summary: "A file name is not valid UTF-8" / "文件名不是有效的 UTF-8",
        why: "Such names show garbled on other systems and on the platform." / "这类名称在其他系统和平台上会显示为乱码。",
        fix: "Rename the file with a UTF-8 name." / "请用 UTF-8 文件名重新命名。",
        example: "a name copied from a GBK disk on Linux" / "在 Linux 上从 GBK 编码磁盘复制来的文件名",
        message: NonUtf8Name {} => Text::new(
            "the name is neither UTF-8 nor GBK (its other bytes are shown as %XX)",
            "名称既不是 UTF-8 也不是 GBK（其余字节以 %XX 显示）",
        ),
    }
    DUPLICATE_PATH = "TP036" "duplicate-path" Error {
        summary: "Two entries have the same path" / "两个条目路径相同",
        why: "Only one of them can be extracted; which one depends on the tool (names equal after Unicode normalisation count as the same)." / "两者只能解压出一个，解压出哪一个取决于所用工具（经 Unicode 规范化后相同的名称视为相同）。",
        fix: "Rename or remove one of them and re-create the zip." / "请重命名或删除其中一个后重新打包。",
        example: "a zip holding 课件.pptx twice" / "包含两份 课件.pptx 的压缩包",
        message: DuplicatePath { normalisation: bool } => if *normalisation {
            Text::new(
                "another entry has the same name in another Unicode normalisation (NFC and NFD spellings of the same text, one made on macOS); only the first is checked",
                "另有条目名称相同但 Unicode 规范化形式不同（同一文字的 NFC 与 NFD 写法，常见于 macOS）；仅检查第一个",
            )
        } else {
            Text::new(
                "another entry has the same path; only the first is checked",
                "另有条目路径相同；仅检查第一个",
            )
        },
    }
    ENCRYPTED = "TP037" "encrypted-entry" Error {
        summary: "A zip entry is encrypted" / "压缩包条目已加密",
        why: "The platform cannot open password-protected resources, and trainpack cannot check them." / "平台无法打开设有密码的资源，trainpack 也无法检查。",
        fix: "Re-create the zip without a password." / "请不加密码重新压缩。",
        example: "a zip made with a password" / "设置了密码的压缩包",
        message: EncryptedEntry {} => Text::new("encrypted entry: cannot be checked", "加密条目：无法检查"),
    }
    UNLISTABLE = "TP038" "unlistable-folder" Error {
        summary: "A folder could not be listed" / "文件夹无法列出",
        why: "Files inside it cannot be checked." / "其中的文件无法检查。",
        fix: "Check the folder's permissions." / "请检查该文件夹的权限。",
        example: "a folder without read permission" / "没有读取权限的文件夹",
        message: Unlistable { reason: String } => Text::new(
            format!("cannot list: {reason}"),
            format!("无法列出：{reason}"),
        ),
    }
    BACKSLASH_NAME = "TP039" "backslash-in-zip-name" Warning {
        summary: "Zip entry names use backslashes as folder separators" / "压缩包条目名称以反斜杠作为目录分隔符",
        why: "The zip format requires '/'; Windows PowerShell 5.1 Compress-Archive writes '\\'. trainpack, 7-Zip and Windows Explorer read them as folders, but other tools (some unzip versions on macOS and Linux, some platforms) may extract one file literally named 模块1\\第1课.mp4 instead of a folder." / "zip 格式规定使用 “/”；Windows PowerShell 5.1 的 Compress-Archive 却写入 “\\”。trainpack、7-Zip 和 Windows 资源管理器会将其识别为文件夹，但其他工具（macOS 和 Linux 上的某些 unzip 版本、某些平台）可能解压出一个名字就叫 模块1\\第1课.mp4 的文件，而不是文件夹。",
        fix: "Re-create the zip with 7-Zip, Bandizip, Windows Explorer (Send to > Compressed folder) or PowerShell 7's Compress-Archive." / "请用 7-Zip、Bandizip、Windows 资源管理器（发送到 > 压缩文件夹）或 PowerShell 7 的 Compress-Archive 重新压缩。",
        example: "模块1\\第1课.mp4 written by PowerShell 5.1 Compress-Archive" / "由 PowerShell 5.1 Compress-Archive 写入的 模块1\\第1课.mp4",
        message: BackslashName { count: usize, name: String, read_as: String } => Text::new(
            format!("{count} entry name(s) use '\\' as the folder separator (for example {name}, read as {read_as}); trainpack read them as folders, but other tools may not"),
            format!("{count} 个条目名称以“\\”作为目录分隔符（例如 {name}，按 {read_as} 读取）；trainpack 已按目录读取，但其他工具可能不会"),
        ),
    }
    GBK_FOLDER_NAME = "TP044" "gbk-folder-name" Warning {
        summary: "File or folder names in the package folder are GBK bytes, not UTF-8" / "包文件夹中的文件或文件夹名称为 GBK 编码，而非 UTF-8",
        why: "A zip made on a Chinese Windows system and unzipped on Linux keeps its GBK names. trainpack decodes them and reads every file by its real name, but other tools show them garbled (several names can look identical), and a bag needs UTF-8 names: `pack` writes the decoded names." / "在中文 Windows 上制作、在 Linux 上解压的压缩包会保留 GBK 名称。trainpack 能解码并按真实名称读取每个文件，但其他工具会显示乱码（几个名称可能看起来一模一样），而 bag 要求 UTF-8 名称：`pack` 会写入解码后的名称。",
        fix: "Rename the files with UTF-8 names, for example `convmv -f gbk -t utf-8 -r --notest FOLDER`, or unzip the original with `unzip -O gbk`." / "请将文件改为 UTF-8 名称，例如 `convmv -f gbk -t utf-8 -r --notest 文件夹`，或用 `unzip -O gbk` 重新解压原压缩包。",
        example: "报告.mp4 stored as the bytes B1 A8 B8 E6 .mp4" / "以字节 B1 A8 B8 E6 .mp4 存储的 报告.mp4",
        message: GbkFolderName { count: usize, example: String, bytes: String } => Text::new(
            format!("{count} file or folder name(s) are GBK bytes, not UTF-8 (for example {example}, whose name's bytes are {bytes}); trainpack decoded them and read every file by its real name, but other tools show them garbled; a bag gets the decoded UTF-8 names"),
            format!("{count} 个文件或文件夹名称为 GBK 编码而非 UTF-8（例如 {example}，其名称字节为 {bytes}）；trainpack 已解码并按真实名称读取每个文件，但其他工具会显示乱码；打包时使用解码后的 UTF-8 名称"),
        ),
    }
    NAMES_DECODE_ALIKE = "TP045" "names-decode-alike" Warning {
        summary: "A non-UTF-8 name reads the same as another file's name" / "某个非 UTF-8 名称与另一文件名称显示相同",
        why: "The two are different files on disk (different name bytes) but look identical once decoded; both are read, and the non-UTF-8 one is shown by its bytes (%XX) so reports, manifests and the bag can tell them apart." / "两者在磁盘上是不同的文件（名称字节不同），解码后却看起来一样；两个都会读取，非 UTF-8 的那个按字节显示（%XX），以便报告、清单和 bag 能区分它们。",
        fix: "Rename one of them (with a UTF-8 name), or remove the copy you do not need." / "请重命名其中一个（使用 UTF-8 名称），或删除不需要的那个。",
        example: "GBK 报告.mp4 (shown as %B1%A8%B8%E6.mp4) next to UTF-8 报告.mp4" / "GBK 编码的 报告.mp4（显示为 %B1%A8%B8%E6.mp4）与 UTF-8 编码的 报告.mp4 并存",
        message: NamesDecodeAlike { other: String } => Text::new(
            format!("this name is not UTF-8 and decodes to {other}, the name of another file: a different file, shown by its bytes (%XX); both are checked"),
            format!("该名称不是 UTF-8，解码后与另一文件的名称 {other} 相同：二者是不同的文件，此处按字节（%XX）显示；两个都已检查"),
        ),
    }
    CASE_COLLISION = "TP089" "name-case-collision" Warning {
        summary: "Two entries' names differ only in letter case" / "两个条目的名称仅大小写不同",
        why: "Windows and macOS treat them as the same file: extracting the package there keeps one of them and loses the other." / "Windows 和 macOS 把它们视为同一个文件：在这些系统上解压时只会保留其中一个，另一个丢失。",
        fix: "Rename one of them." / "请重命名其中一个。",
        example: "Lesson1.mp4 and lesson1.mp4" / "Lesson1.mp4 与 lesson1.mp4",
        message: CaseCollision { other: String } => Text::new(
            format!("differs from {other} only in letter case: one of them is lost when extracted on Windows or macOS"),
            format!("与 {other} 仅大小写不同：在 Windows 或 macOS 上解压时会丢失其中一个"),
        ),
    }
    CONTROL_CHARACTERS = "TP090" "control-characters-in-name" Error {
        summary: "An entry's name holds control characters (line breaks, tabs, escapes)" / "条目名称含有控制字符（换行、制表符、转义符等）",
        why: "A line break in a name splits manifest and log lines, and escape sequences can rewrite a terminal; platforms refuse such names. Shown escaped (\\n)." / "名称中的换行会拆断清单和日志的行，转义序列可以篡改终端显示；平台拒收此类名称。显示时已转义（\\n）。",
        fix: "Rename the file without control characters." / "请去掉名称中的控制字符后重新命名。",
        example: "第1课\\n.mp4" / "第1课\\n.mp4",
        message: ControlCharacters {} => Text::new(
            "the name holds control characters (shown escaped)",
            "名称含有控制字符（以转义形式显示）",
        ),
    }
}

/// Findings for what the source noticed. Legacy-encoded and backslash names come in whole
/// archives at a time, so they are one finding for the package, not one a file.
pub fn notes_findings(notes: &[SourceNote]) -> Vec<Finding> {
    let legacy: Vec<&str> = notes
        .iter()
        .filter_map(|n| match n {
            SourceNote::LegacyEncodedName { path } => Some(path.as_str()),
            _ => None,
        })
        .collect();
    let backslash: Vec<(&str, &str)> = notes
        .iter()
        .filter_map(|n| match n {
            SourceNote::BackslashName { path, name } => Some((path.as_str(), name.as_str())),
            _ => None,
        })
        .collect();
    let gbk: Vec<(&str, &str)> = notes
        .iter()
        .filter_map(|n| match n {
            SourceNote::GbkName { path, bytes } => Some((path.as_str(), bytes.as_str())),
            _ => None,
        })
        .collect();
    let mut findings: Vec<Finding> = notes.iter().filter_map(note_finding).collect();
    if let Some((path, bytes)) = gbk.first() {
        // A folder unzipped from a Windows zip has all its names in GBK:
        // one finding for the package, as for a legacy-encoded zip.
        let gbk_names = GbkFolderName {
            count: gbk.len(),
            example: path.to_string(),
            bytes: bytes.to_string(),
        };
        findings.push(gbk_names.finding(None));
    }
    if let Some((path, name)) = backslash.first() {
        // Like legacy names, the whole archive is written this way by one
        // tool: one finding for the package.
        let backslashes = BackslashName {
            count: backslash.len(),
            name: name.to_string(),
            read_as: path.to_string(),
        };
        findings.push(backslashes.finding(None));
    }
    if let Some(first) = legacy.first() {
        let legacy_names = LegacyName {
            count: legacy.len(),
            example: first.to_string(),
        };
        findings.push(legacy_names.finding(None));
    }
    findings
}

/// The finding for one note (None for those reported once a package).
pub fn note_finding(note: &SourceNote) -> Option<Finding> {
    Some(match note {
        SourceNote::Symlink { path } => Symlink {}.finding(Some(path)),
        SourceNote::SpecialFile { path } => SpecialFile {}.finding(Some(path)),
        SourceNote::NonUtf8Name { path } => NonUtf8Name {}.finding(Some(path)),
        SourceNote::DecodesAlike { path, other } => NamesDecodeAlike {
            other: other.clone(),
        }
        .finding(Some(path)),
        SourceNote::LegacyEncodedName { .. }
        | SourceNote::GbkName { .. }
        | SourceNote::BackslashName { .. } => return None,
        SourceNote::UnsafeName { name, reason } => {
            UnsafePath { reason: *reason }.finding(Some(name))
        }
        SourceNote::DuplicatePath { path } => DuplicatePath {
            normalisation: false,
        }
        .finding(Some(path)),
        SourceNote::Encrypted { path } => EncryptedEntry {}.finding(Some(path)),
        SourceNote::Unlistable { path, message } => Unlistable {
            reason: message.clone(),
        }
        .finding(Some(path)),
        SourceNote::NormalisationDuplicate { path } => DuplicatePath {
            normalisation: true,
        }
        .finding(Some(path)),
        SourceNote::CaseCollision { path, other } => CaseCollision {
            other: other.clone(),
        }
        .finding(Some(path)),
        SourceNote::ControlCharacters { path } => ControlCharacters {}.finding(Some(path)),
        SourceNote::TooManyEntries { count, limit } => TooManyEntries {
            declared: *count,
            limit: *limit,
        }
        .finding(None),
        SourceNote::PathTooLong { path, bytes, limit } => PathTooLong {
            bytes: *bytes,
            limit: *limit,
        }
        .finding(Some(path)),
        SourceNote::PathTooDeep { path, depth, limit } => PathTooDeep {
            depth: *depth,
            limit: *limit,
        }
        .finding(Some(path)),
        SourceNote::OverlappingEntries { count, example } => OverlappingEntries {
            count: *count,
            example: example.clone(),
        }
        .finding(None),
        SourceNote::HeaderMismatch { path, reason } => HeaderMismatch {
            reason: reason.clone(),
        }
        .finding(Some(path)),
        SourceNote::StoredSizeMismatch {
            path,
            declared,
            stored,
        } => SmallerThanDeclared {
            how: Shortfall::Stored,
            actual: *stored,
            declared: *declared,
        }
        .finding(Some(path)),
        SourceNote::DeflatedSizeImpossible {
            path,
            declared,
            compressed,
        } => SmallerThanDeclared {
            how: Shortfall::DeflateBound,
            actual: *compressed,
            declared: *declared,
        }
        .finding(Some(path)),
        SourceNote::DirectoryTooLarge { bytes, limit } => DirectoryTooLarge {
            bytes: *bytes,
            limit: *limit,
        }
        .finding(None),
        SourceNote::HiddenEntries { count, example } => HiddenLocalEntries {
            count: *count,
            example: example.clone(),
        }
        .finding(None),
        SourceNote::DirectoryWithData { path, bytes } => {
            DirectoryWithData { bytes: *bytes }.finding(Some(path))
        }
        SourceNote::PrefixData { bytes } => ZipPrefixData { bytes: *bytes }.finding(None),
        SourceNote::UnsupportedMethod { path, method } => UnsupportedCompression {
            method: method.clone(),
        }
        .finding(Some(path)),
    })
}
