//! Hostile or damaged archives and the resource limits (the source and scan stages).

use std::io;

use crate::i18n::Text;
use crate::rules::listing::Unreadable;
use crate::rules::{Finding, Violation};
use crate::scan::{ScanStop, scan_stop};
use crate::source::Mismatch;

rules! {
    TOO_MANY_ENTRIES = "TP080" "too-many-entries" Error {
        summary: "The package holds more entries than the limit: nothing was checked" / "包中条目数超过上限：未做任何检查",
        why: "Millions of tiny entries exhaust memory and time in every tool that opens the package; no real training package comes near the limit (limits.max_entries, 100,000 by default)." / "数以百万计的小条目会耗尽所有打开该包的工具的内存和时间；真实的培训包远达不到这一上限（limits.max_entries，默认 100,000）。",
        fix: "Remove what is not course material, or split the package; raise limits.max_entries in the policy only for a package you trust." / "请删除非课程资源的文件或拆分资源包；仅对可信的包在策略中调大 limits.max_entries。",
        example: "a zip declaring 1,000,000 entries" / "声明含 1,000,000 个条目的压缩包",
        message: TooManyEntries { declared: Option<u64>, limit: u64 } => match declared {
            Some(n) => Text::new(
                format!("the archive declares {n} entries, more than the limit of {limit} (limits.max_entries): nothing was read"),
                format!("压缩包声明有 {n} 个条目，超过上限 {limit}（limits.max_entries）：未读取任何条目"),
            ),
            None => Text::new(
                format!("the folder holds more than {limit} entries (limits.max_entries): nothing was read"),
                format!("文件夹中的条目超过 {limit} 个（limits.max_entries）：未读取任何条目"),
            ),
        },
    }
    TOTAL_SIZE_LIMIT = "TP081" "total-size-limit" Error {
        summary: "The package's content is larger than the limit: reading stopped" / "包内容总量超过上限：已停止读取",
        why: "Counted from the bytes actually read, never from headers, so a package cannot hide its size (limits.max_total_bytes, 1 TiB by default)." / "按实际读取的字节数计算，从不采信头部信息，因此包无法隐瞒其大小（limits.max_total_bytes，默认 1 TiB）。",
        fix: "Split the package; raise limits.max_total_bytes only for a package you trust." / "请拆分资源包；仅对可信的包调大 limits.max_total_bytes。",
        example: "a zip whose entries decompress to 2 TiB" / "条目解压后共 2 TiB 的压缩包",
        message: TotalSizeLimit { limit: u64, not_checked: Option<(usize, String)> } => match not_checked {
            // For the package: how many files were left unread.
            Some((n, first)) => Text::new(
                format!("the package holds more than {limit} bytes (limits.max_total_bytes); reading stopped and {n} file(s) were not checked (for example {first})"),
                format!("包内容超过 {limit} 字节（limits.max_total_bytes）；已停止读取，{n} 个文件未检查（例如 {first}）"),
            ),
            None => Text::new(
                format!("reading stopped at the limit of {limit} bytes for the package"),
                format!("已达包内容上限 {limit} 字节，停止读取"),
            ),
        },
    }
    COMPRESSION_RATIO = "TP082" "compression-ratio-limit" Error {
        summary: "A zip entry expands far more than real files do (a zip bomb): reading stopped" / "压缩条目的解压比例异常（疑似压缩炸弹）：已停止读取",
        why: "Video, slides and documents compress at most a few times; an entry that expands past limits.max_ratio (2000:1, above deflate's ceiling of 1032:1) is built to exhaust disk or memory." / "视频、演示文稿和文档最多只能压缩几倍；解压比例超过 limits.max_ratio（2000:1，高于 Deflate 的上限 1032:1）的条目是为耗尽磁盘或内存而构造的。",
        fix: "Re-create the zip from the real files; if the entry is legitimate (a huge blank file), remove it." / "请用真实文件重新打包；如该条目确属正常（如超大空白文件），请删除它。",
        example: "a 10 MB entry that inflates to 10 GB" / "10 MB 的条目解压后达 10 GB",
        message: CompressionRatio { compressed: u64, read: u64, limit: u64 } => Text::new(
            format!("{compressed} compressed bytes had already expanded to {read} bytes, past the limit of {limit}:1 (limits.max_ratio); reading stopped, not checked"),
            format!("{compressed} 字节的压缩数据已解压出 {read} 字节，超过 {limit}:1 的上限（limits.max_ratio）；已停止读取，未检查"),
        ),
    }
    PATH_TOO_LONG = "TP083" "path-too-long" Error {
        summary: "An entry's path is longer than the limit: not read" / "条目路径超过长度上限：未读取",
        why: "Paths longer than file systems allow (Windows: 260 characters by default) cannot be extracted; absurd lengths are an attack on tools (limits.max_path_bytes, 1024 bytes of UTF-8)." / "超过文件系统允许长度的路径（Windows 默认 260 个字符）无法解压；长得离谱的路径是针对工具的攻击（limits.max_path_bytes，UTF-8 编码 1024 字节）。",
        fix: "Shorten the folder and file names." / "请缩短文件夹和文件名。",
        example: "a name of 5,000 characters" / "长达 5,000 个字符的名称",
        message: PathTooLong { bytes: u64, limit: u64 } => Text::new(
            format!("the path is {bytes} bytes long, more than the limit of {limit} (limits.max_path_bytes): not read"),
            format!("路径长 {bytes} 字节，超过上限 {limit}（limits.max_path_bytes）：未读取"),
        ),
    }
    PATH_TOO_DEEP = "TP084" "path-too-deep" Error {
        summary: "An entry is nested deeper than the limit: not read" / "条目目录层级超过上限：未读取",
        why: "Thousands of nested folders break extraction and recursion in many tools (limits.max_depth, 64 by default); courses need a few levels." / "成千上万层嵌套的文件夹会使许多工具的解压和递归出错（limits.max_depth，默认 64）；课程只需几层目录。",
        fix: "Flatten the folder structure." / "请减少目录层级。",
        example: "a/a/a/…/a/file.txt, 500 levels deep" / "a/a/a/…/a/file.txt，嵌套 500 层",
        message: PathTooDeep { depth: u64, limit: u64 } => Text::new(
            format!("the path is {depth} levels deep, more than the limit of {limit} (limits.max_depth): not read"),
            format!("路径深 {depth} 层，超过上限 {limit}（limits.max_depth）：未读取"),
        ),
    }
    OVERLAPPING_ENTRIES = "TP085" "overlapping-zip-entries" Error {
        summary: "Zip entries share the same compressed data (a non-recursive zip bomb): not read" / "多个压缩条目共用同一段压缩数据（非递归压缩炸弹）：未读取",
        why: "No zip tool writes overlapping entries; the trick makes a small zip expand to terabytes. None of the overlapping entries is read." / "正常的压缩工具不会写出相互重叠的条目；这种手法能让一个很小的压缩包解压出数 TB 的数据。重叠的条目一个也不读取。",
        fix: "Do not use this archive; re-create it from the real files." / "请勿使用该压缩包，请用真实文件重新打包。",
        example: "a 42 kB zip of 250 entries that all point at one compressed block" / "42 kB 的压缩包，250 个条目全部指向同一段压缩数据",
        message: OverlappingEntries { count: u64, example: String } => Text::new(
            format!("{count} entries share compressed data with another entry (for example {example}): a non-recursive zip bomb or a damaged archive; none of them was read"),
            format!("{count} 个条目与其他条目共用压缩数据（例如 {example}）：非递归压缩炸弹或压缩包已损坏；均未读取"),
        ),
    }
    LARGER_THAN_DECLARED = "TP086" "entry-larger-than-declared" Error {
        summary: "A zip entry decompresses past the size its header declares: reading stopped" / "压缩条目解压后超过其声明的大小：已停止读取",
        why: "The declared size is what tools allocate and check against; an entry that produces more is damaged or built to overflow them." / "声明的大小是工具分配内存和校验的依据；解压后超出声明的条目要么已损坏，要么是为了让工具溢出而构造的。",
        fix: "Re-create the zip with an ordinary zip tool." / "请用常规压缩工具重新打包。",
        example: "an entry declaring 1 KB whose data inflates to 1 GB" / "声明为 1 KB、解压后达 1 GB 的条目",
        message: LargerThanDeclared {} => Text::new(
            "the entry decompresses past the size its header declares; reading stopped, not checked",
            "该条目解压后超过头部声明的大小；已停止读取，未检查",
        ),
    }
    SELF_CONTAINING = "TP087" "zip-contains-itself" Error {
        summary: "A zip entry is the archive itself (a recursive zip quine)" / "压缩条目就是该压缩包本身（递归自包含压缩包）",
        why: "A zip that contains itself makes recursive unpackers loop forever. trainpack never expands nested archives; it reports an entry whose bytes equal the whole archive's (same size and SHA-256)." / "包含自身的压缩包会让递归解压的工具陷入死循环。trainpack 从不展开嵌套的压缩包；当某个条目的字节与整个压缩包完全相同（大小和 SHA-256 均相同）时报告此问题。",
        fix: "Do not use this archive." / "请勿使用该压缩包。",
        example: "r.zip, which unzips to r.zip" / "r.zip，解压后得到的还是 r.zip",
        message: ContainsItself {} => Text::new(
            "this entry is byte for byte the archive itself (same size and SHA-256): a recursive zip; it is listed, never expanded",
            "该条目与压缩包本身逐字节相同（大小和 SHA-256 一致）：递归自包含压缩包；仅列出，不展开",
        ),
    }
    HEADER_MISMATCH = "TP088" "zip-header-mismatch" Error {
        summary: "A zip entry's local header disagrees with the central directory" / "压缩条目的本地文件头与中央目录不一致",
        why: "Tools that stream a zip read the local headers; others read the directory. When they disagree (name, size, CRC, method), different tools see different files: a way to smuggle content past a check." / "流式读取的工具读本地文件头，其他工具读中央目录。两者不一致（名称、大小、CRC、压缩方式）时，不同工具看到的是不同的文件：这是绕过检查夹带内容的手段。",
        fix: "Re-create the zip with an ordinary zip tool." / "请用常规压缩工具重新打包。",
        example: "an entry named 课件.pdf in the directory and setup.exe in its local header" / "中央目录中名为 课件.pdf、本地文件头中名为 setup.exe 的条目",
        message: HeaderMismatch { reason: Mismatch } => {
            let reason = reason.text();
            Text::new(
                format!("the local header disagrees with the central directory ({}); different tools would see different files", reason.en),
                format!("本地文件头与中央目录不一致（{}）；不同工具会看到不同的文件", reason.zh),
            )
        },
    }
    UNSUPPORTED_COMPRESSION = "TP091" "unsupported-compression" Error {
        summary: "A zip entry uses a compression method trainpack cannot read: not checked" / "压缩条目使用了无法读取的压缩方式：未检查",
        why: "trainpack reads Stored, Deflate, Deflate64, BZIP2, LZMA and Zstandard; others (PPMd, XZ, Implode, Shrink...) are rare and many platforms cannot open them either." / "trainpack 支持 Stored、Deflate、Deflate64、BZIP2、LZMA 和 Zstandard；其他方式（PPMd、XZ、Implode、Shrink 等）很少见，许多平台也打不开。",
        fix: "Re-create the zip with Deflate (the default of every zip tool; 7-Zip: -mm=Deflate)." / "请用 Deflate 方式重新压缩（各压缩工具的默认方式；7-Zip 用 -mm=Deflate）。",
        example: "an entry compressed with PPMd by 7-Zip" / "用 7-Zip 以 PPMd 方式压缩的条目",
        message: UnsupportedCompression { method: String } => Text::new(
            format!("compressed with {method}, which trainpack cannot read: not checked"),
            format!("使用 {method} 压缩，trainpack 无法读取：未检查"),
        ),
    }
    CHANGED_DURING_SCAN = "TP092" "file-changed-during-check" Error {
        summary: "A file changed while it was being read: not counted" / "文件在读取过程中发生变化：不计入",
        why: "Its size, time or content changed between the start and the end of the read, so its digest describes no version of the file; something is still writing it." / "读取开始和结束时，文件的大小、时间或内容发生了变化，因此算出的摘要值不对应文件的任何一个版本；说明仍有程序在写入该文件。",
        fix: "Wait until the copy or export has finished, then check again." / "请等待复制或导出完成后重新检查。",
        example: "a video still being exported" / "仍在导出中的视频",
        message: ChangedDuringScan { what: String } => Text::new(
            format!("the file changed while it was being read ({what}): not counted"),
            format!("读取过程中文件发生变化（{what}）：不计入"),
        ),
    }
    ZIP_PREFIX_DATA = "TP093" "zip-prefix-data" Warning {
        summary: "The zip starts with data that is not part of the archive (a self-extractor)" / "压缩包开头含有不属于压缩内容的数据（自解压程序）",
        why: "A self-extracting archive is a program with a zip appended, its offsets counted from the zip's start. unzip, Python and trainpack read it; 7-Zip and some platforms refuse it." / "自解压文件是一个程序后面附加了压缩包，其偏移量从压缩包开头算起。unzip、Python 和 trainpack 能读取，7-Zip 和某些平台则拒绝。",
        fix: "Re-create a plain .zip (or run `zip -J PACKAGE.zip` to remove the program)." / "请重新压缩为普通 .zip（或运行 `zip -J 包.zip` 去掉自解压程序）。",
        example: "course.exe renamed to course.zip" / "改名为 course.zip 的 course.exe",
        message: ZipPrefixData { bytes: u64 } => Text::new(
            format!("the archive starts with {bytes} bytes that are not part of the zip (a self-extracting archive's program); trainpack, unzip and Python read it, but 7-Zip refuses it"),
            format!("压缩包开头有 {bytes} 字节不属于 zip 内容（自解压程序）；trainpack、unzip 和 Python 可以读取，但 7-Zip 无法打开"),
        ),
    }
    HIDDEN_LOCAL_ENTRY = "TP094" "zip-entry-not-in-directory" Error {
        summary: "The zip holds entries its central directory does not list" / "压缩包中有中央目录未列出的条目",
        why: "A streaming unzipper reads local headers and extracts them, so the package holds more than the directory (and trainpack's check) says: a way to smuggle files past a check." / "流式解压工具按本地文件头解压，会把这些条目也解出来，于是包中的内容比中央目录（以及 trainpack 的检查）所列的更多：这是绕过检查夹带文件的手段。",
        fix: "Do not use this archive; re-create it from the real files with an ordinary zip tool." / "请勿使用该压缩包，请用常规压缩工具从真实文件重新打包。",
        example: "setup.exe stored between two lectures, absent from the directory" / "夹在两个讲座视频之间、中央目录中却没有的 setup.exe",
        message: HiddenLocalEntries { count: u64, example: String } => Text::new(
            format!("{count} entry(ies) lie between the listed ones but are not in the central directory (for example {example}): a streaming unzipper would extract them, so the package holds more than was checked"),
            format!("{count} 个本地条目位于已列出的条目之间，但不在中央目录中（例如 {example}）：流式解压工具会解出它们，包中内容多于已检查的内容"),
        ),
    }
    DIRECTORY_WITH_DATA = "TP095" "zip-directory-with-data" Error {
        summary: "A zip folder entry carries data" / "压缩包中的文件夹条目藏有数据",
        why: "A folder has no content; bytes stored under a folder name are dropped by some extractors and written as a file by others, a place to hide content from a check." / "文件夹没有内容；存放在文件夹名下的字节，有的解压工具会丢弃，有的会写成文件，可借此向检查隐藏内容。",
        fix: "Re-create the zip with an ordinary zip tool." / "请用常规压缩工具重新打包。",
        example: "模块1/ with 5 MB of data" / "带有 5 MB 数据的 模块1/",
        message: DirectoryWithData { bytes: u64 } => Text::new(
            format!("a folder entry that carries {bytes} bytes of data: extractors drop them or write them as a file; not read"),
            format!("文件夹条目中藏有 {bytes} 字节数据：解压工具会丢弃或将其写成文件；未读取"),
        ),
    }
    SMALLER_THAN_DECLARED = "TP096" "entry-smaller-than-declared" Error {
        summary: "A zip entry's data is not the size its headers declare (fewer bytes decompressed, or a stored entry of another size): not counted" / "压缩条目的数据大小与头部声明不符（解压后字节更少，或未压缩条目大小不同）：不计入",
        why: "Tools that trust the declared size (a listing, a quick verify, a platform's preview) see another file than the one stored; no zip tool writes this." / "信任声明大小的工具（列表、快速校验、平台预览）看到的是与实际存储不同的文件；正常的压缩工具不会写出这种条目。",
        fix: "Re-create the zip with an ordinary zip tool." / "请用常规压缩工具重新打包。",
        example: "an entry declaring 500 MB whose data inflates to 1 KB" / "声明为 500 MB、解压后只有 1 KB 的条目",
        message: SmallerThanDeclared { how: Shortfall, actual: u64, declared: u64 } => match how {
            Shortfall::Stored => Text::new(
                format!("a stored (uncompressed) entry holds {actual} bytes but its headers declare {declared}: tools that trust the headers see another file; not read"),
                format!("未压缩存储的条目实有 {actual} 字节，但头部声明为 {declared} 字节：信任头部的工具会看到不同的文件；未读取"),
            ),
            Shortfall::Inflated => Text::new(
                format!("the entry decompresses to {actual} bytes, fewer than the {declared} its headers declare: tools that trust the headers see another file; not counted"),
                format!("该条目解压后只有 {actual} 字节，少于头部声明的 {declared} 字节：信任头部的工具会看到不同的文件；不计入"),
            ),
            Shortfall::DeflateBound => Text::new(
                format!("a deflated entry of {actual} bytes cannot decompress to the {declared} bytes its headers declare (deflate expands at most 1032 times): tools that trust the headers see another file; not read"),
                format!("压缩数据仅 {actual} 字节的条目不可能解压出头部声明的 {declared} 字节（deflate 最多扩大 1032 倍）：信任头部的工具会看到不同的文件；未读取"),
            ),
        },
    }
    DIRECTORY_TOO_LARGE = "TP097" "zip-directory-too-large" Error {
        summary: "The zip's central directory is larger than the limit: nothing was checked" / "压缩包中央目录超过上限：未做任何检查",
        why: "The directory (names, extra fields, comments) is held in memory; one stuffed with 64 KiB comments or kilobyte names is built to exhaust it. The limit (8 MiB) holds 100,000 entries with 36-byte names, or 10,000 with 800-byte names." / "中央目录（名称、扩展字段、注释）要整个读入内存；塞满 64 KiB 注释或上千字节名称的目录是为耗尽内存而构造的。上限（8 MiB）可容纳 100,000 个 36 字节名称的条目，或 10,000 个 800 字节名称的条目。",
        fix: "Re-create the zip without entry comments and with shorter names, or split the package." / "请去掉条目注释、缩短名称后重新压缩，或拆分资源包。",
        example: "3,000 entries each with a 64 KiB comment" / "3,000 个条目，每个带 64 KiB 注释",
        message: DirectoryTooLarge { bytes: u64, limit: u64 } => Text::new(
            format!("the archive's central directory holds at least {bytes} bytes (names, extra fields, comments), more than the limit of {limit}: nothing was read"),
            format!("压缩包中央目录至少有 {bytes} 字节（名称、扩展字段、注释），超过上限 {limit}：未读取任何条目"),
        ),
    }
}

/// How a zip entry's data falls short of its declared size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortfall {
    /// A stored entry holds another number of bytes.
    Stored,
    /// Decompressing gave fewer bytes.
    Inflated,
    /// The compressed bytes cannot expand that far (deflate's 1032:1 bound).
    DeflateBound,
}

/// The finding for an entry that could not be read to its end: a limit
/// hit, a size that lies, a bad checksum, or another read error.
pub fn read_failure(path: &str, e: &io::Error) -> Finding {
    let path = Some(path);
    if let Some(stop) = scan_stop(e) {
        return match stop {
            ScanStop::Ratio {
                limit,
                compressed,
                read,
            } => CompressionRatio {
                compressed: *compressed,
                read: *read,
                limit: *limit,
            }
            .finding(path),
            ScanStop::TotalBytes { limit } => TotalSizeLimit {
                limit: *limit,
                not_checked: None,
            }
            .finding(path),
            ScanStop::Changed { what } => ChangedDuringScan { what: what.clone() }.finding(path),
        };
    }
    if let Some(short) = crate::source::shorter_than_declared(e) {
        let smaller = SmallerThanDeclared {
            how: Shortfall::Inflated,
            actual: short.read,
            declared: short.declared,
        };
        return smaller.finding(path);
    }
    let text = e.to_string();
    if text.contains("larger than its declared uncompressed size") {
        return LargerThanDeclared {}.finding(path);
    }
    let error = (!text.contains("Invalid checksum")).then_some(text);
    Unreadable { error }.finding(path)
}
