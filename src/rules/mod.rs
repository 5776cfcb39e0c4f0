//! Every finding trainpack can report, defined once: a stable code, a
//! severity, what it checks, why it matters and how to fix it — the way
//! clippy and ruff define lints. Rules never print; renderers do.

use serde::Serialize;

use crate::i18n::{Lang, Text};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Severity::Error => lang.pick("error", "错误"),
            Severity::Warning => lang.pick("warning", "警告"),
            Severity::Info => lang.pick("info", "提示"),
        }
    }
}

/// A rule: its identity and documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable code, never reused (`TP001`).
    pub code: &'static str,
    /// Stable kebab-case name.
    pub name: &'static str,
    pub severity: Severity,
    /// What it checks, one line.
    pub summary_en: &'static str,
    pub summary_zh: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    pub rationale_zh: &'static str,
    /// How to fix it.
    pub fix_en: &'static str,
    pub fix_zh: &'static str,
    /// An example that triggers it.
    pub example: &'static str,
    pub example_zh: &'static str,
}

impl Rule {
    pub fn summary(&self, lang: Lang) -> &'static str {
        lang.pick(self.summary_en, self.summary_zh)
    }
    pub fn rationale(&self, lang: Lang) -> &'static str {
        lang.pick(self.rationale, self.rationale_zh)
    }
    pub fn fix(&self, lang: Lang) -> &'static str {
        lang.pick(self.fix_en, self.fix_zh)
    }
    pub fn example(&self, lang: Lang) -> &'static str {
        lang.pick(self.example, self.example_zh)
    }
}

/// One problem found in one package, as plain data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// Package-relative path the finding concerns; None for the whole package.
    pub path: Option<String>,
    pub message: Text,
    pub hint: Text,
}

impl Rule {
    pub fn finding(&'static self, path: Option<&str>, message: Text) -> Finding {
        Finding {
            code: self.code,
            name: self.name,
            severity: self.severity,
            path: path.map(str::to_owned),
            message,
            hint: Text::new(self.fix_en, self.fix_zh),
        }
    }
}

impl Rule {
    /// A finding at the severity the policy sets for this rule.
    pub fn finding_at(
        &'static self,
        severity: Severity,
        path: Option<&str>,
        message: Text,
    ) -> Finding {
        Finding {
            severity,
            ..self.finding(path, message)
        }
    }
}

macro_rules! rules {
    ($( $ident:ident = $code:literal $name:literal $sev:ident {
        summary: $sen:literal / $szh:literal,
        why: $why:literal / $whyzh:literal,
        fix: $fen:literal / $fzh:literal,
        example: $ex:literal / $exzh:literal $(,)?
    } )*) => {
        $( pub static $ident: Rule = Rule {
            code: $code, name: $name, severity: Severity::$sev,
            summary_en: $sen, summary_zh: $szh, rationale: $why,
            rationale_zh: $whyzh, fix_en: $fen, fix_zh: $fzh, example: $ex,
            example_zh: $exzh,
        }; )*
        /// Every rule, in code order.
        pub static ALL: &[&Rule] = &[$(&$ident),*];
    };
}

rules! {
    VIDEO_RATIO = "TP001" "video-ratio-below-threshold" Error {
        summary: "Video is less than the required share of course resources" / "视频资源占课程资源的比例低于要求",
        why: "The 2022 notice (教师厅函〔2022〕7号) requires 60% or more (以上 includes 60%) of course resources to be video. Counted by number of resources by default; the policy can count bytes instead." / "2022 年通知（教师厅函〔2022〕7号）要求视频占课程资源的 60% 以上（“以上”含本数）。默认按资源个数计算，策略可改为按字节数计算。",
        fix: "The finding gives two exact numbers: how many existing non-video resources to turn into video (e.g. record a lecture over its slides), or how many new videos to add (more than the first, since new videos also raise the total)." / "该问题给出两个确切数字：需要将多少个现有非视频资源改做成视频（如为讲义录制讲解视频），或需要新增多少个视频（新增视频也会增加总数，因此数量更多）。",
        example: "3 videos among 6 course resources: 50% < 60%" / "6 个课程资源中有 3 个视频：50% < 60%",
    }
    MODULE_RATIO = "TP002" "module-video-ratio-low" Info {
        summary: "A module (top-level folder) has a video share below the threshold" / "某个模块（顶层文件夹）的视频占比低于要求",
        why: "The rule applies to the whole package, but a module without video is usually where the package falls short." / "比例要求针对整个包，但包不达标，往往是因为某个模块没有视频。",
        fix: "Add videos to this module first." / "优先为该模块补充视频。",
        example: "模块3_案例分析/ holds 4 PDFs and no video" / "模块3_案例分析/ 中有 4 个 PDF，没有视频",
    }
    NO_COURSE_RESOURCES = "TP003" "no-course-resources" Error {
        summary: "The package holds no course resources" / "包中没有任何课程资源",
        why: "An empty package (or one holding only junk, subtitles or metadata) cannot meet the rule; this is usually the wrong folder or a failed export." / "空包（或只含系统文件、字幕、元数据的包）不可能达标；这通常是选错了文件夹或导出失败。",
        fix: "Check that you gave the right folder or zip, and that the export finished." / "请确认指定的文件夹或压缩包正确，且导出已完成。",
        example: "an empty folder, or a zip holding only __MACOSX/" / "空文件夹，或只含 __MACOSX/ 的压缩包",
    }
    AUDIT_MISSING = "TP004" "audit-missing" Warning {
        summary: "No review (审核) of the package is recorded" / "包未记录审核",
        why: "The notice (教师厅函〔2022〕7号) asks each provider to review its package (形成完整的数字化培训包并进行审核) before uploading it. The review is recorded in training-package.json by `trainpack audit`, with the digest of the content reviewed. A warning by default; an error under the notice-2022-strict profile or `[audit] missing = \"error\"`." / "通知（教师厅函〔2022〕7号）要求各单位形成完整的数字化培训包并进行审核后再上传。审核结果由 `trainpack audit` 记录在 training-package.json 中，并附有所审内容的摘要值。默认为警告；在 notice-2022-strict 配置或 `[audit] missing = \"error\"` 下为错误。",
        fix: "Have the package reviewed, then record it: `trainpack audit PACKAGE --reviewer NAME --role ROLE --result approved`." / "请审核该包，然后记录审核结果：`trainpack audit 包路径 --reviewer 姓名 --role 职务 --result approved`。",
        example: "a training-package.json without an audit section" / "training-package.json 中没有 audit 部分",
    }
    AUDIT_STALE = "TP005" "audit-stale" Warning {
        summary: "Files were added, removed or changed since the review" / "审核之后有文件被新增、删除或修改",
        why: "A review approves exact content: its record holds the SHA-256 of every file reviewed. Content changed afterwards was not reviewed, so the package uploaded is not the one approved." / "审核批准的是确定的内容：审核记录保存了每个受审文件的 SHA-256。审核后改动的内容未经审核，上传的包也就不是获批的那个包。",
        fix: "Review the listed changes and record the review again with `trainpack audit`, or restore the reviewed files." / "请审核所列变化后用 `trainpack audit` 重新记录审核，或恢复为审核时的文件。",
        example: "模块1/第1课.mp4 re-exported after the review was recorded" / "记录审核后又重新导出了 模块1/第1课.mp4",
    }
    AUDIT_REJECTED = "TP006" "audit-rejected" Error {
        summary: "The recorded review rejected the package" / "审核结论为不通过",
        why: "The reviewer did not approve the package; it should not be uploaded until a new review approves it." / "审核人未批准该包；在新的审核批准之前不应上传。",
        fix: "Fix what the review notes ask for, then have the package reviewed again and record the new result with `trainpack audit`." / "请按审核意见修改，再重新审核并用 `trainpack audit` 记录新的结论。",
        example: "\"audit\": {\"result\": \"rejected\", \"notes\": \"模块3 缺少视频\"}" / "\"audit\": {\"result\": \"rejected\", \"notes\": \"模块3 缺少视频\"}",
    }
    EXTENSION_MISMATCH = "TP010" "extension-mismatch" Warning {
        summary: "A file's content does not match its extension" / "文件内容与扩展名不符",
        why: "Content decides what a resource is; a wrong extension misleads players, platforms and reviewers." / "资源的类型由内容决定；扩展名错误会误导播放器、平台和审核人员。",
        fix: "Rename the file with the extension of its real type, or replace it with the intended file." / "按实际类型修改扩展名，或换成正确的文件。",
        example: "讲座录像.mp4 that is really a PDF" / "名为 讲座录像.mp4、实为 PDF 的文件",
    }
    NOT_A_VIDEO = "TP011" "video-name-not-video" Warning {
        summary: "A file named as a video is not a video and is not counted as one" / "以视频扩展名命名的文件并不是视频，不计入视频",
        why: "Only files whose content is a video container holding a real video stream count toward the 60%." / "只有内容为视频容器且含有真实视频流的文件才计入 60% 的视频比例。",
        fix: "Replace it with the real video, or rename it to its real type." / "替换为真正的视频文件，或按实际类型改名。",
        example: "a slide deck renamed 第1课.mp4" / "改名为 第1课.mp4 的演示文稿",
    }
    AUDIO_ONLY = "TP012" "audio-only-video-file" Error {
        summary: "A video container holds only audio (or only cover art): counted as audio, not video" / "视频格式文件中只有音频（或只有封面图），计为音频而非视频",
        why: "An MP4 with no video stream plays as sound only; it is an audio resource." / "没有视频流的 MP4 播放时只有声音，属于音频资源。",
        fix: "Export the lecture with its picture track, or rename it .m4a if audio is intended." / "重新导出带画面的视频；如本就是音频，请改为 .m4a。",
        example: "讲解.mp4 holding one AAC stream" / "只含一路 AAC 音频流的 讲解.mp4",
    }
    VIDEO_UNREADABLE = "TP013" "video-unreadable" Error {
        summary: "A video cannot be read, or has no duration" / "视频无法读取或时长为零",
        why: "A broken video does not play on the platform and is not counted as video." / "损坏的视频在平台上无法播放，也不计为视频。",
        fix: "Re-export or re-copy the video from its source, then check that it plays from start to end." / "从原始素材重新导出或复制该视频，并确认能完整播放。",
        example: "a truncated upload, or an MP4 whose index is missing" / "上传不完整的文件，或缺少索引的 MP4",
    }
    VIDEO_UNCONFIRMED = "TP014" "video-unconfirmed" Warning {
        summary: "A video was identified by content but could not be confirmed by a probe" / "已按内容识别为视频，但未能用探测工具确认",
        why: "Without ffprobe, trainpack cannot see inside a video; it counts the file as video but cannot vouch for its streams." / "没有 ffprobe，trainpack 无法查看视频内部；该文件计为视频，但其音视频流无法确认。",
        fix: "Install ffmpeg (which provides ffprobe) and run the check again." / "安装 ffmpeg（含 ffprobe）后重新检查。",
        example: "any video, on a machine without ffmpeg" / "在未安装 ffmpeg 的电脑上检查任意视频",
    }
    PROBE_TIMEOUT = "TP015" "probe-timeout" Error {
        summary: "Probing a video took longer than the time limit" / "探测视频超时",
        why: "A probe that hangs usually means a damaged or hostile file; it is not counted as video." / "探测卡住通常说明文件已损坏或被恶意构造；该文件不计为视频。",
        fix: "Re-export the video; raise probe_timeout_s in the policy only if the file is known to be good." / "请重新导出该视频；确认文件无误时可在策略中调大 probe_timeout_s。",
        example: "a video whose index points far past the end of the file" / "索引指向文件末尾之后很远处的视频",
    }
    FFPROBE_MISSING = "TP016" "ffprobe-missing" Warning {
        summary: "ffprobe is not installed: videos are counted unconfirmed" / "未安装 ffprobe：视频未经确认即计入",
        why: "Whether a file holds a real video stream is decided by probing it." / "文件是否含有真实的视频流，要靠探测才能确定。",
        fix: "Install ffmpeg: `apt install ffmpeg` (Debian/Ubuntu), `brew install ffmpeg` (macOS), `winget install ffmpeg` (Windows)." / "安装 ffmpeg：Debian/Ubuntu 用 `apt install ffmpeg`，macOS 用 `brew install ffmpeg`，Windows 用 `winget install ffmpeg`。",
        example: "any package, on a machine without ffmpeg" / "在未安装 ffmpeg 的电脑上检查任意资源包",
    }
    JUNK_FILE = "TP020" "junk-file" Warning {
        summary: "A system or temporary file is in the package" / "包中含有系统或临时文件",
        why: "Files like .DS_Store, Thumbs.db, __MACOSX/ and ~$ lock files are left by operating systems and editors; they are not course resources and clutter the platform." / ".DS_Store、Thumbs.db、__MACOSX/ 和 ~$ 锁定文件等由操作系统和编辑软件留下，不是课程资源，还会使平台上的资源显得杂乱。",
        fix: "Delete them before packing (on macOS, zip with `zip -r -X` or use the Finder's compress after removing them)." / "打包前删除这些文件（macOS 可用 `zip -r -X` 打包）。",
        example: "__MACOSX/._第1课.mp4, .DS_Store, ~$课件.pptx" / "__MACOSX/._第1课.mp4、.DS_Store、~$课件.pptx",
    }
    EMPTY_FILE = "TP021" "empty-file" Warning {
        summary: "A file is empty (zero bytes)" / "文件为空（0 字节）",
        why: "An empty file is usually a failed copy or export; it is not counted." / "空文件通常是复制或导出失败的结果，不予计入。",
        fix: "Copy the file again from its source, or delete it." / "从源头重新复制该文件，或将其删除。",
        example: "空文件.txt" / "空文件.txt",
    }
    EXECUTABLE = "TP022" "executable-file" Error {
        summary: "An executable or script is in the package" / "包中含有可执行程序或脚本",
        why: "Learning platforms refuse executables: they are a security risk and not course resources." / "学习平台拒收可执行文件：它们有安全风险，也不是课程资源。",
        fix: "Remove it; if learners need software, link to its official download page in a document." / "请删除；如学员需要软件，请在文档中给出官方下载地址。",
        example: "setup.exe, install.bat" / "setup.exe、install.bat",
    }
    OBSOLETE_FORMAT = "TP023" "obsolete-format" Error {
        summary: "A resource is in an obsolete format that no longer plays (Flash)" / "资源为已淘汰格式（Flash），无法播放",
        why: "Browsers removed Flash in 2021; an .swf animation cannot be used on the platform." / "浏览器已于 2021 年停止支持 Flash，.swf 动画无法在平台上使用。",
        fix: "Convert the animation to MP4 video or HTML5." / "请将动画转换为 MP4 视频或 HTML5 格式。",
        example: "动画演示.swf" / "动画演示.swf",
    }
    ARCHIVE_IN_PACKAGE = "TP024" "archive-in-package" Warning {
        summary: "An archive (zip, rar, 7z, tar, gz) is inside the package: not counted as a course resource" / "包中含有压缩文件（zip、rar、7z、tar、gz 等），不计为课程资源",
        why: "The platform does not unpack archives inside a package, so learners cannot play or open what is inside; it is neither counted nor checked." / "平台不会解压包内的压缩文件，学员无法播放或打开其中的内容；压缩文件既不计入，也不检查。",
        fix: "Unpack it into the package (its videos and documents then count), or remove it." / "请将其解压到包中（其中的视频和文档才会被计入），或将其删除。",
        example: "模块2/课程视频.zip" / "模块2/课程视频.zip",
    }
    ENCRYPTED_DOCUMENT = "TP025" "encrypted-document" Warning {
        summary: "A document is password-protected: the platform cannot open it" / "文档设有打开密码，平台无法打开",
        why: "A password-protected Word, PowerPoint or Excel file is an encrypted container; neither the platform nor learners can open it without the password." / "设有打开密码的 Word、PowerPoint 或 Excel 文件是加密容器，没有密码，平台和学员都无法打开。",
        fix: "Open it in Office or WPS, remove the password (File > Info > Protect Document > Encrypt with Password, clear it) and save again." / "请在 Office 或 WPS 中打开，清除打开密码（文件 > 信息 > 保护文档 > 用密码进行加密，删除密码）后重新保存。",
        example: "讲义.docx saved with an open password" / "设置了打开密码的 讲义.docx",
    }
    UNSAFE_PATH = "TP030" "unsafe-zip-path" Error {
        summary: "A zip entry name could write outside the package" / "压缩包中的条目名称可能写到包目录之外",
        why: "Names with '..', absolute paths or drive letters (with '/' or '\\' separators) are how 'zip slip' attacks overwrite files; trainpack never reads such entries." / "含 “..”、绝对路径或盘符（以 “/” 或 “\\” 分隔）的名称是“zip slip”攻击覆盖文件的手段；trainpack 从不读取此类条目。",
        fix: "Re-create the zip from the package folder with an ordinary zip tool." / "请用常规压缩工具从包文件夹重新打包。",
        example: "../evil.txt" / "../evil.txt",
    }
    LEGACY_NAME = "TP031" "legacy-encoded-name" Warning {
        summary: "A zip entry name is GBK-encoded without the UTF-8 flag" / "压缩包条目名称为 GBK 编码且未标记 UTF-8",
        why: "trainpack decodes it correctly, but other tools (macOS, Linux, the platform) may show garbled names." / "trainpack 能正确解码，但其他工具（macOS、Linux、平台）可能显示为乱码。",
        fix: "Re-create the zip with UTF-8 names (7-Zip: add -mcu=on; Bandizip and WinRAR have a UTF-8 option)." / "请用 UTF-8 文件名重新压缩（7-Zip 加参数 -mcu=on；Bandizip、WinRAR 可在设置中选择 UTF-8）。",
        example: "模块1/第1课.mp4 written by an old Windows zip tool" / "由旧版 Windows 压缩工具写入的 模块1/第1课.mp4",
    }
    SYMLINK = "TP032" "symlink-skipped" Warning {
        summary: "A symbolic link was skipped" / "已跳过符号链接",
        why: "Links can point outside the package; they are never followed, so what they point to is not part of the package." / "链接可能指向包外；trainpack 从不跟随链接，链接指向的内容不属于该包。",
        fix: "Replace the link with a copy of the file it points to." / "请用被链接文件的副本替换该链接。",
        example: "video.mp4 -> /home/user/video.mp4" / "video.mp4 -> /home/user/video.mp4",
    }
    UNREADABLE = "TP033" "unreadable-file" Error {
        summary: "A file could not be read" / "文件无法读取",
        why: "A file trainpack cannot read will not be readable on the platform either (damaged archive entry, bad checksum, permissions)." / "trainpack 读不了的文件，平台同样读不了（压缩条目损坏、校验值错误或权限不足）。",
        fix: "Copy the file again from its source, then re-create the package." / "请从源头重新复制该文件后重新打包。",
        example: "a zip entry whose CRC does not match" / "CRC 校验值不符的压缩条目",
    }
    SPECIAL_FILE = "TP034" "special-file" Warning {
        summary: "A special file (pipe, socket or device) was skipped" / "已跳过特殊文件（管道、套接字或设备）",
        why: "Special files are not content and reading them can block forever; they are never opened." / "特殊文件不是内容，读取时可能永远阻塞；trainpack 从不打开它们。",
        fix: "Remove it from the package folder." / "请从包文件夹中删除。",
        example: "a FIFO left by a capture tool" / "采集工具留下的命名管道（FIFO）",
    }
    NON_UTF8_NAME = "TP035" "non-utf8-name" Warning {
        summary: "A file name is not valid UTF-8" / "文件名不是有效的 UTF-8",
        why: "Such names show garbled on other systems and on the platform." / "这类名称在其他系统和平台上会显示为乱码。",
        fix: "Rename the file with a UTF-8 name." / "请用 UTF-8 文件名重新命名。",
        example: "a name copied from a GBK disk on Linux" / "在 Linux 上从 GBK 编码磁盘复制来的文件名",
    }
    DUPLICATE_PATH = "TP036" "duplicate-path" Error {
        summary: "Two entries have the same path" / "两个条目路径相同",
        why: "Only one of them can be extracted; which one depends on the tool (names equal after Unicode normalisation count as the same)." / "两者只能解压出一个，解压出哪一个取决于所用工具（经 Unicode 规范化后相同的名称视为相同）。",
        fix: "Rename or remove one of them and re-create the zip." / "请重命名或删除其中一个后重新打包。",
        example: "a zip holding 课件.pptx twice" / "包含两份 课件.pptx 的压缩包",
    }
    ENCRYPTED = "TP037" "encrypted-entry" Error {
        summary: "A zip entry is encrypted" / "压缩包条目已加密",
        why: "The platform cannot open password-protected resources, and trainpack cannot check them." / "平台无法打开设有密码的资源，trainpack 也无法检查。",
        fix: "Re-create the zip without a password." / "请不加密码重新压缩。",
        example: "a zip made with a password" / "设置了密码的压缩包",
    }
    UNLISTABLE = "TP038" "unlistable-folder" Error {
        summary: "A folder could not be listed" / "文件夹无法列出",
        why: "Files inside it cannot be checked." / "其中的文件无法检查。",
        fix: "Check the folder's permissions." / "请检查该文件夹的权限。",
        example: "a folder without read permission" / "没有读取权限的文件夹",
    }
    BACKSLASH_NAME = "TP039" "backslash-in-zip-name" Warning {
        summary: "Zip entry names use backslashes as folder separators" / "压缩包条目名称以反斜杠作为目录分隔符",
        why: "The zip format requires '/'; Windows PowerShell 5.1 Compress-Archive writes '\\'. trainpack, 7-Zip and Windows Explorer read them as folders, but other tools (some unzip versions on macOS and Linux, some platforms) may extract one file literally named 模块1\\第1课.mp4 instead of a folder." / "zip 格式规定使用 “/”；Windows PowerShell 5.1 的 Compress-Archive 却写入 “\\”。trainpack、7-Zip 和 Windows 资源管理器会将其识别为文件夹，但其他工具（macOS 和 Linux 上的某些 unzip 版本、某些平台）可能解压出一个名字就叫 模块1\\第1课.mp4 的文件，而不是文件夹。",
        fix: "Re-create the zip with 7-Zip, Bandizip, Windows Explorer (Send to > Compressed folder) or PowerShell 7's Compress-Archive." / "请用 7-Zip、Bandizip、Windows 资源管理器（发送到 > 压缩文件夹）或 PowerShell 7 的 Compress-Archive 重新压缩。",
        example: "模块1\\第1课.mp4 written by PowerShell 5.1 Compress-Archive" / "由 PowerShell 5.1 Compress-Archive 写入的 模块1\\第1课.mp4",
    }
    TOO_MANY_ENTRIES = "TP080" "too-many-entries" Error {
        summary: "The package holds more entries than the limit: nothing was checked" / "包中条目数超过上限：未做任何检查",
        why: "Millions of tiny entries exhaust memory and time in every tool that opens the package; no real training package comes near the limit (limits.max_entries, 100,000 by default)." / "数以百万计的小条目会耗尽所有打开该包的工具的内存和时间；真实的培训包远达不到这一上限（limits.max_entries，默认 100,000）。",
        fix: "Remove what is not course material, or split the package; raise limits.max_entries in the policy only for a package you trust." / "请删除非课程资源的文件或拆分资源包；仅对可信的包在策略中调大 limits.max_entries。",
        example: "a zip declaring 1,000,000 entries" / "声明含 1,000,000 个条目的压缩包",
    }
    TOTAL_SIZE_LIMIT = "TP081" "total-size-limit" Error {
        summary: "The package's content is larger than the limit: reading stopped" / "包内容总量超过上限：已停止读取",
        why: "Counted from the bytes actually read, never from headers, so a package cannot hide its size (limits.max_total_bytes, 1 TiB by default)." / "按实际读取的字节数计算，从不采信头部信息，因此包无法隐瞒其大小（limits.max_total_bytes，默认 1 TiB）。",
        fix: "Split the package; raise limits.max_total_bytes only for a package you trust." / "请拆分资源包；仅对可信的包调大 limits.max_total_bytes。",
        example: "a zip whose entries decompress to 2 TiB" / "条目解压后共 2 TiB 的压缩包",
    }
    COMPRESSION_RATIO = "TP082" "compression-ratio-limit" Error {
        summary: "A zip entry expands far more than real files do (a zip bomb): reading stopped" / "压缩条目的解压比例异常（疑似压缩炸弹）：已停止读取",
        why: "Video, slides and documents compress at most a few times; an entry that expands past limits.max_ratio (2000:1, above deflate's ceiling of 1032:1) is built to exhaust disk or memory." / "视频、演示文稿和文档最多只能压缩几倍；解压比例超过 limits.max_ratio（2000:1，高于 Deflate 的上限 1032:1）的条目是为耗尽磁盘或内存而构造的。",
        fix: "Re-create the zip from the real files; if the entry is legitimate (a huge blank file), remove it." / "请用真实文件重新打包；如该条目确属正常（如超大空白文件），请删除它。",
        example: "a 10 MB entry that inflates to 10 GB" / "10 MB 的条目解压后达 10 GB",
    }
    PATH_TOO_LONG = "TP083" "path-too-long" Error {
        summary: "An entry's path is longer than the limit: not read" / "条目路径超过长度上限：未读取",
        why: "Paths longer than file systems allow (Windows: 260 characters by default) cannot be extracted; absurd lengths are an attack on tools (limits.max_path_bytes, 1024 bytes of UTF-8)." / "超过文件系统允许长度的路径（Windows 默认 260 个字符）无法解压；长得离谱的路径是针对工具的攻击（limits.max_path_bytes，UTF-8 编码 1024 字节）。",
        fix: "Shorten the folder and file names." / "请缩短文件夹和文件名。",
        example: "a name of 5,000 characters" / "长达 5,000 个字符的名称",
    }
    PATH_TOO_DEEP = "TP084" "path-too-deep" Error {
        summary: "An entry is nested deeper than the limit: not read" / "条目目录层级超过上限：未读取",
        why: "Thousands of nested folders break extraction and recursion in many tools (limits.max_depth, 64 by default); courses need a few levels." / "成千上万层嵌套的文件夹会使许多工具的解压和递归出错（limits.max_depth，默认 64）；课程只需几层目录。",
        fix: "Flatten the folder structure." / "请减少目录层级。",
        example: "a/a/a/…/a/file.txt, 500 levels deep" / "a/a/a/…/a/file.txt，嵌套 500 层",
    }
    OVERLAPPING_ENTRIES = "TP085" "overlapping-zip-entries" Error {
        summary: "Zip entries share the same compressed data (a non-recursive zip bomb): not read" / "多个压缩条目共用同一段压缩数据（非递归压缩炸弹）：未读取",
        why: "No zip tool writes overlapping entries; the trick makes a small zip expand to terabytes. None of the overlapping entries is read." / "正常的压缩工具不会写出相互重叠的条目；这种手法能让一个很小的压缩包解压出数 TB 的数据。重叠的条目一个也不读取。",
        fix: "Do not use this archive; re-create it from the real files." / "请勿使用该压缩包，请用真实文件重新打包。",
        example: "a 42 kB zip of 250 entries that all point at one compressed block" / "42 kB 的压缩包，250 个条目全部指向同一段压缩数据",
    }
    LARGER_THAN_DECLARED = "TP086" "entry-larger-than-declared" Error {
        summary: "A zip entry decompresses past the size its header declares: reading stopped" / "压缩条目解压后超过其声明的大小：已停止读取",
        why: "The declared size is what tools allocate and check against; an entry that produces more is damaged or built to overflow them." / "声明的大小是工具分配内存和校验的依据；解压后超出声明的条目要么已损坏，要么是为了让工具溢出而构造的。",
        fix: "Re-create the zip with an ordinary zip tool." / "请用常规压缩工具重新打包。",
        example: "an entry declaring 1 KB whose data inflates to 1 GB" / "声明为 1 KB、解压后达 1 GB 的条目",
    }
    SELF_CONTAINING = "TP087" "zip-contains-itself" Error {
        summary: "A zip entry is the archive itself (a recursive zip quine)" / "压缩条目就是该压缩包本身（递归自包含压缩包）",
        why: "A zip that contains itself makes recursive unpackers loop forever. trainpack never expands nested archives; it reports an entry whose bytes equal the whole archive's (same size and SHA-256)." / "包含自身的压缩包会让递归解压的工具陷入死循环。trainpack 从不展开嵌套的压缩包；当某个条目的字节与整个压缩包完全相同（大小和 SHA-256 均相同）时报告此问题。",
        fix: "Do not use this archive." / "请勿使用该压缩包。",
        example: "r.zip, which unzips to r.zip" / "r.zip，解压后得到的还是 r.zip",
    }
    HEADER_MISMATCH = "TP088" "zip-header-mismatch" Error {
        summary: "A zip entry's local header disagrees with the central directory" / "压缩条目的本地文件头与中央目录不一致",
        why: "Tools that stream a zip read the local headers; others read the directory. When they disagree (name, size, CRC, method), different tools see different files: a way to smuggle content past a check." / "流式读取的工具读本地文件头，其他工具读中央目录。两者不一致（名称、大小、CRC、压缩方式）时，不同工具看到的是不同的文件：这是绕过检查夹带内容的手段。",
        fix: "Re-create the zip with an ordinary zip tool." / "请用常规压缩工具重新打包。",
        example: "an entry named 课件.pdf in the directory and setup.exe in its local header" / "中央目录中名为 课件.pdf、本地文件头中名为 setup.exe 的条目",
    }
    CASE_COLLISION = "TP089" "name-case-collision" Warning {
        summary: "Two entries' names differ only in letter case" / "两个条目的名称仅大小写不同",
        why: "Windows and macOS treat them as the same file: extracting the package there keeps one of them and loses the other." / "Windows 和 macOS 把它们视为同一个文件：在这些系统上解压时只会保留其中一个，另一个丢失。",
        fix: "Rename one of them." / "请重命名其中一个。",
        example: "Lesson1.mp4 and lesson1.mp4" / "Lesson1.mp4 与 lesson1.mp4",
    }
    CONTROL_CHARACTERS = "TP090" "control-characters-in-name" Error {
        summary: "An entry's name holds control characters (line breaks, tabs, escapes)" / "条目名称含有控制字符（换行、制表符、转义符等）",
        why: "A line break in a name splits manifest and log lines, and escape sequences can rewrite a terminal; platforms refuse such names. Shown escaped (\\n)." / "名称中的换行会拆断清单和日志的行，转义序列可以篡改终端显示；平台拒收此类名称。显示时已转义（\\n）。",
        fix: "Rename the file without control characters." / "请去掉名称中的控制字符后重新命名。",
        example: "第1课\\n.mp4" / "第1课\\n.mp4",
    }
    UNSUPPORTED_COMPRESSION = "TP091" "unsupported-compression" Error {
        summary: "A zip entry uses a compression method trainpack cannot read: not checked" / "压缩条目使用了无法读取的压缩方式：未检查",
        why: "trainpack reads Stored, Deflate, Deflate64, BZIP2, LZMA and Zstandard; others (PPMd, XZ, Implode, Shrink...) are rare and many platforms cannot open them either." / "trainpack 支持 Stored、Deflate、Deflate64、BZIP2、LZMA 和 Zstandard；其他方式（PPMd、XZ、Implode、Shrink 等）很少见，许多平台也打不开。",
        fix: "Re-create the zip with Deflate (the default of every zip tool; 7-Zip: -mm=Deflate)." / "请用 Deflate 方式重新压缩（各压缩工具的默认方式；7-Zip 用 -mm=Deflate）。",
        example: "an entry compressed with PPMd by 7-Zip" / "用 7-Zip 以 PPMd 方式压缩的条目",
    }
    CHANGED_DURING_SCAN = "TP092" "file-changed-during-check" Error {
        summary: "A file changed while it was being read: not counted" / "文件在读取过程中发生变化：不计入",
        why: "Its size, time or content changed between the start and the end of the read, so its digest describes no version of the file; something is still writing it." / "读取开始和结束时，文件的大小、时间或内容发生了变化，因此算出的摘要值不对应文件的任何一个版本；说明仍有程序在写入该文件。",
        fix: "Wait until the copy or export has finished, then check again." / "请等待复制或导出完成后重新检查。",
        example: "a video still being exported" / "仍在导出中的视频",
    }
    ZIP_PREFIX_DATA = "TP093" "zip-prefix-data" Warning {
        summary: "The zip starts with data that is not part of the archive (a self-extractor)" / "压缩包开头含有不属于压缩内容的数据（自解压程序）",
        why: "A self-extracting archive is a program with a zip appended, its offsets counted from the zip's start. unzip, Python and trainpack read it; 7-Zip and some platforms refuse it." / "自解压文件是一个程序后面附加了压缩包，其偏移量从压缩包开头算起。unzip、Python 和 trainpack 能读取，7-Zip 和某些平台则拒绝。",
        fix: "Re-create a plain .zip (or run `zip -J PACKAGE.zip` to remove the program)." / "请重新压缩为普通 .zip（或运行 `zip -J 包.zip` 去掉自解压程序）。",
        example: "course.exe renamed to course.zip" / "改名为 course.zip 的 course.exe",
    }
    HIDDEN_LOCAL_ENTRY = "TP094" "zip-entry-not-in-directory" Error {
        summary: "The zip holds entries its central directory does not list" / "压缩包中有中央目录未列出的条目",
        why: "A streaming unzipper reads local headers and extracts them, so the package holds more than the directory (and trainpack's check) says: a way to smuggle files past a check." / "流式解压工具按本地文件头解压，会把这些条目也解出来，于是包中的内容比中央目录（以及 trainpack 的检查）所列的更多：这是绕过检查夹带文件的手段。",
        fix: "Do not use this archive; re-create it from the real files with an ordinary zip tool." / "请勿使用该压缩包，请用常规压缩工具从真实文件重新打包。",
        example: "setup.exe stored between two lectures, absent from the directory" / "夹在两个讲座视频之间、中央目录中却没有的 setup.exe",
    }
    DIRECTORY_WITH_DATA = "TP095" "zip-directory-with-data" Error {
        summary: "A zip folder entry carries data" / "压缩包中的文件夹条目藏有数据",
        why: "A folder has no content; bytes stored under a folder name are dropped by some extractors and written as a file by others, a place to hide content from a check." / "文件夹没有内容；存放在文件夹名下的字节，有的解压工具会丢弃，有的会写成文件，可借此向检查隐藏内容。",
        fix: "Re-create the zip with an ordinary zip tool." / "请用常规压缩工具重新打包。",
        example: "模块1/ with 5 MB of data" / "带有 5 MB 数据的 模块1/",
    }
    SMALLER_THAN_DECLARED = "TP096" "entry-smaller-than-declared" Error {
        summary: "A zip entry's data is not the size its headers declare (fewer bytes decompressed, or a stored entry of another size): not counted" / "压缩条目的数据大小与头部声明不符（解压后字节更少，或未压缩条目大小不同）：不计入",
        why: "Tools that trust the declared size (a listing, a quick verify, a platform's preview) see another file than the one stored; no zip tool writes this." / "信任声明大小的工具（列表、快速校验、平台预览）看到的是与实际存储不同的文件；正常的压缩工具不会写出这种条目。",
        fix: "Re-create the zip with an ordinary zip tool." / "请用常规压缩工具重新打包。",
        example: "an entry declaring 500 MB whose data inflates to 1 KB" / "声明为 500 MB、解压后只有 1 KB 的条目",
    }
    DIRECTORY_TOO_LARGE = "TP097" "zip-directory-too-large" Error {
        summary: "The zip's central directory is larger than the limit: nothing was checked" / "压缩包中央目录超过上限：未做任何检查",
        why: "The directory (names, extra fields, comments) is held in memory; one stuffed with 64 KiB comments or kilobyte names is built to exhaust it. The limit (8 MiB) holds 100,000 entries with 36-byte names, or 10,000 with 800-byte names." / "中央目录（名称、扩展字段、注释）要整个读入内存；塞满 64 KiB 注释或上千字节名称的目录是为耗尽内存而构造的。上限（8 MiB）可容纳 100,000 个 36 字节名称的条目，或 10,000 个 800 字节名称的条目。",
        fix: "Re-create the zip without entry comments and with shorter names, or split the package." / "请去掉条目注释、缩短名称后重新压缩，或拆分资源包。",
        example: "3,000 entries each with a 64 KiB comment" / "3,000 个条目，每个带 64 KiB 注释",
    }
    VIDEO_CONTAINER = "TP060" "video-container-not-mp4" Warning {
        summary: "A video is not in an MP4 container" / "视频不是 MP4 格式",
        why: "Learning platforms play MP4 (H.264/AAC) everywhere; MKV, MOV, AVI, WebM and others may not play or be re-encoded with loss. Level set by the policy (video.container_mp4)." / "学习平台普遍支持播放 MP4（H.264/AAC）；MKV、MOV、AVI、WebM 等格式可能无法播放，或被有损地重新编码。级别由策略设定（video.container_mp4）。",
        fix: "Convert it: `ffmpeg -i in.mkv -c:v libx264 -c:a aac -movflags +faststart out.mp4`." / "转换为 MP4：`ffmpeg -i in.mkv -c:v libx264 -c:a aac -movflags +faststart out.mp4`。",
        example: "专家访谈.mkv" / "专家访谈.mkv",
    }
    VIDEO_CODEC = "TP061" "video-codec-not-h264" Warning {
        summary: "A video is not encoded in H.264" / "视频编码不是 H.264",
        why: "H.264 (AVC) is the codec every source asks for; HEVC, VP9, AV1 and MPEG-4 Part 2 do not play in every browser. Level: video.codec_h264." / "各方要求的编码都是 H.264（AVC）；HEVC、VP9、AV1 和 MPEG-4 Part 2 并非所有浏览器都能播放。级别：video.codec_h264。",
        fix: "Re-encode with H.264: `ffmpeg -i in.mp4 -c:v libx264 -crf 20 -c:a copy out.mp4`." / "用 H.264 重新编码：`ffmpeg -i in.mp4 -c:v libx264 -crf 20 -c:a copy out.mp4`。",
        example: "an HEVC recording from a phone" / "手机拍摄的 HEVC 视频",
    }
    AUDIO_CODEC = "TP062" "audio-codec-not-aac" Warning {
        summary: "A video's audio is not AAC" / "视频的音频编码不是 AAC",
        why: "AAC is the audio codec platforms expect in MP4. Level: video.audio_aac." / "平台要求 MP4 中的音频为 AAC 编码。级别：video.audio_aac。",
        fix: "Re-encode the audio: `ffmpeg -i in.mp4 -c:v copy -c:a aac -b:a 128k out.mp4`." / "重新编码音频：`ffmpeg -i in.mp4 -c:v copy -c:a aac -b:a 128k out.mp4`。",
        example: "MP3 or Opus audio in a video" / "视频中的 MP3 或 Opus 音频",
    }
    NO_AUDIO = "TP063" "video-without-audio" Warning {
        summary: "A video has no audio track" / "视频没有音轨",
        why: "Lectures are expected to carry narration; a silent video is often an export mistake. Level: video.audio_present." / "讲座视频应当配有讲解声音；无声视频往往是导出失误。级别：video.audio_present。",
        fix: "Check the export settings and include the audio track." / "请检查导出设置，导出时包含音轨。",
        example: "a screen recording exported without sound" / "导出时没有带声音的录屏",
    }
    NOT_FASTSTART = "TP064" "video-not-faststart" Warning {
        summary: "An MP4's index comes after its media (no fast start)" / "MP4 索引位于媒体数据之后（不支持边下边播）",
        why: "With `moov` at the end, a browser must download the whole file before playing. Level: video.faststart." / "`moov` 位于文件末尾时，浏览器必须下载完整个文件才能开始播放。级别：video.faststart。",
        fix: "Move the index to the front without re-encoding: `ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4`." / "无需重新编码即可前移索引：`ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4`。",
        example: "an MP4 written by a camera" / "摄像机直接写出的 MP4",
    }
    LOW_RESOLUTION = "TP065" "video-resolution-low" Warning {
        summary: "A video's resolution is below the required size" / "视频分辨率低于要求",
        why: "Vocational specs (2018–2022) ask for at least 1280×720; the 2025 smart-education platform asks for 1920×1080. Limits: video.min_short_side, video.min_long_side." / "职业教育相关规范（2018–2022 年）要求至少 1280×720；2025 年国家智慧教育平台要求 1920×1080。阈值：video.min_short_side、video.min_long_side。",
        fix: "Export the video at the required resolution from its source (upscaling a small video does not add detail)." / "请从原始素材按要求的分辨率导出（放大小视频并不能增加清晰度）。",
        example: "a 640×360 clip" / "640×360 的短视频",
    }
    ASPECT_RATIO = "TP066" "video-aspect-not-16-9" Warning {
        summary: "A video is not 16:9" / "视频画面比例不是 16:9",
        why: "The 2025 smart-education platform calls ask for 16:9. Level: video.aspect_16_9." / "2025 年国家智慧教育平台的征集通知要求 16:9 画面。级别：video.aspect_16_9。",
        fix: "Export at 16:9 (for example 1920×1080), padding or cropping as needed." / "请按 16:9（如 1920×1080）导出，必要时加边或裁剪。",
        example: "a 4:3 recording at 1440×1080" / "1440×1080 的 4:3 录像",
    }
    LOW_FRAME_RATE = "TP067" "video-frame-rate-low" Warning {
        summary: "A video's frame rate is below the minimum" / "视频帧率低于要求",
        why: "25 fps progressive is the convention, 24 the floor; lower rates look choppy. Limit: video.min_fps." / "通常为 25 帧/秒逐行，24 帧/秒为下限；帧率更低时画面会卡顿。阈值：video.min_fps。",
        fix: "Record or export at 25 fps." / "请以 25 帧/秒录制或导出。",
        example: "a 10 fps screen capture" / "10 帧/秒的录屏",
    }
    FILE_TOO_LARGE = "TP068" "video-file-too-large" Warning {
        summary: "A video file is larger than the limit" / "视频文件超过大小限制",
        why: "Platforms limit upload sizes (about 1 GB per 1080p video on the national K-12 platform); 2 GiB is the default limit. Limit: video.max_bytes." / "平台对上传大小有限制（国家中小学智慧教育平台每个 1080p 视频约 1 GB）；默认上限为 2 GiB。阈值：video.max_bytes。",
        fix: "Split the lecture into parts, or re-encode at the usual bitrate (about 2 Mbps at 720p, 8 Mbps at 1080p)." / "请将讲座拆分为多段，或按常用码率重新编码（720p 约 2 Mbps，1080p 约 8 Mbps）。",
        example: "a 3 GB lecture recording" / "3 GB 的讲座录像",
    }
    LOW_SAMPLE_RATE = "TP069" "audio-sample-rate-low" Warning {
        summary: "A video's audio sample rate is below the minimum" / "视频音频采样率低于要求",
        why: "48 kHz is the broadcast convention (44.1 kHz accepted by most platforms). Limit: video.min_sample_rate." / "48 kHz 是广播惯例（多数平台也接受 44.1 kHz）。阈值：video.min_sample_rate。",
        fix: "Re-encode the audio at 48 kHz: `ffmpeg -i in.mp4 -c:v copy -c:a aac -ar 48000 out.mp4`." / "以 48 kHz 重新编码音频：`ffmpeg -i in.mp4 -c:v copy -c:a aac -ar 48000 out.mp4`。",
        example: "22.05 kHz audio" / "22.05 kHz 的音频",
    }
    DEADLINE_SOON = "TP040" "upload-deadline-soon" Warning {
        summary: "The upload deadline is within 7 days" / "距上传截止日期不足 7 天",
        why: "The notice requires the resources on the platform within one month after the project ends (the end date in training-package.json plus one calendar month)." / "通知要求在项目结束后一个月内将资源上传到平台（training-package.json 中的结束日期加一个自然月）。",
        fix: "Fix the package's errors now and upload it before the deadline." / "请尽快修正问题并在截止日期前上传。",
        example: "end_date 2024-06-30: deadline 2024-07-30, checked on 2024-07-25" / "end_date 为 2024-06-30：截止日期 2024-07-30，检查日期 2024-07-25",
    }
    DEADLINE_MISSED = "TP041" "upload-deadline-missed" Error {
        summary: "The upload deadline has passed" / "已超过上传截止日期",
        why: "The notice requires the resources on the platform within one month after the project ends." / "通知要求在项目结束后一个月内将资源上传到平台。",
        fix: "Upload as soon as possible and tell the programme office (国培办) why it is late." / "请尽快上传，并向国培办说明逾期原因。",
        example: "end_date 2024-06-30, checked on 2024-08-02" / "end_date 为 2024-06-30，检查日期 2024-08-02",
    }
    DESCRIPTOR_INVALID = "TP042" "descriptor-invalid" Error {
        summary: "training-package.json cannot be read" / "training-package.json 无法解析",
        why: "The descriptor names the provider and the project and fixes the upload deadline; a broken one means the package cannot be identified." / "描述文件写明承担单位和项目，并确定上传截止日期；文件损坏则无法识别该包。",
        fix: "Correct the file against schemas/descriptor.schema.json, or recreate it with `trainpack init`." / "请按 schemas/descriptor.schema.json 修正该文件，或用 `trainpack init` 重新生成。",
        example: "\"end_date\": \"30/06/2024\"" / "\"end_date\": \"30/06/2024\"",
    }
    DESCRIPTOR_MISSING = "TP043" "descriptor-missing" Info {
        summary: "The package has no training-package.json" / "包中没有 training-package.json",
        why: "Without it the provider, project and upload deadline are unknown; the package is identified by its file name only." / "没有描述文件，承担单位、项目和上传截止日期都无从得知；只能按文件名识别该包。",
        fix: "Run `trainpack init PACKAGE` and fill in the fields." / "运行 `trainpack init 包路径` 并填写各字段。",
        example: "any package without a descriptor" / "任何没有描述文件的资源包",
    }
    GBK_FOLDER_NAME = "TP044" "gbk-folder-name" Warning {
        summary: "File or folder names in the package folder are GBK bytes, not UTF-8" / "包文件夹中的文件或文件夹名称为 GBK 编码，而非 UTF-8",
        why: "A zip made on a Chinese Windows system and unzipped on Linux keeps its GBK names. trainpack decodes them and reads every file by its real name, but other tools show them garbled (several names can look identical), and a bag needs UTF-8 names: `pack` writes the decoded names." / "在中文 Windows 上制作、在 Linux 上解压的压缩包会保留 GBK 名称。trainpack 能解码并按真实名称读取每个文件，但其他工具会显示乱码（几个名称可能看起来一模一样），而 bag 要求 UTF-8 名称：`pack` 会写入解码后的名称。",
        fix: "Rename the files with UTF-8 names, for example `convmv -f gbk -t utf-8 -r --notest FOLDER`, or unzip the original with `unzip -O gbk`." / "请将文件改为 UTF-8 名称，例如 `convmv -f gbk -t utf-8 -r --notest 文件夹`，或用 `unzip -O gbk` 重新解压原压缩包。",
        example: "报告.mp4 stored as the bytes B1 A8 B8 E6 .mp4" / "以字节 B1 A8 B8 E6 .mp4 存储的 报告.mp4",
    }
    NAMES_DECODE_ALIKE = "TP045" "names-decode-alike" Warning {
        summary: "A non-UTF-8 name reads the same as another file's name" / "某个非 UTF-8 名称与另一文件名称显示相同",
        why: "The two are different files on disk (different name bytes) but look identical once decoded; both are read, and the non-UTF-8 one is shown by its bytes (%XX) so reports, manifests and the bag can tell them apart." / "两者在磁盘上是不同的文件（名称字节不同），解码后却看起来一样；两个都会读取，非 UTF-8 的那个按字节显示（%XX），以便报告、清单和 bag 能区分它们。",
        fix: "Rename one of them (with a UTF-8 name), or remove the copy you do not need." / "请重命名其中一个（使用 UTF-8 名称），或删除不需要的那个。",
        example: "GBK 报告.mp4 (shown as %B1%A8%B8%E6.mp4) next to UTF-8 报告.mp4" / "GBK 编码的 报告.mp4（显示为 %B1%A8%B8%E6.mp4）与 UTF-8 编码的 报告.mp4 并存",
    }
}

pub fn by_code(code: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.code == code)
}

/// Rules the default policy does not run (stricter profiles or a policy
/// file turn them on, at the severity they give). Their documented severity
/// is the one they have when turned on by a profile that names no level.
pub static OFF_BY_DEFAULT: &[&str] = &["TP066", "TP069"];

impl Rule {
    /// Whether the default policy emits this rule at all.
    pub fn on_by_default(&self) -> bool {
        !OFF_BY_DEFAULT.contains(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        let mut codes: Vec<_> = ALL.iter().map(|r| r.code).collect();
        let mut names: Vec<_> = ALL.iter().map(|r| r.name).collect();
        codes.sort();
        names.sort();
        codes.dedup();
        names.dedup();
        assert_eq!(codes.len(), ALL.len());
        assert_eq!(names.len(), ALL.len());
        assert!(by_code("TP001").is_some_and(|r| r.severity == Severity::Error));
    }
}
