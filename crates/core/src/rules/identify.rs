//! What a file is, judged by its content (the identify stage).

use crate::i18n::Text;
use crate::identify::{Classification, JunkReason};
use crate::kinds::ResourceKind;
use crate::report::Resource;
use crate::rules::{Finding, Violation};

rules! {
    EXTENSION_MISMATCH = "TP010" "extension-mismatch" Warning {
        summary: "A file's content does not match its extension" / "文件内容与扩展名不符",
        why: "Content decides what a resource is; a wrong extension misleads players, platforms and reviewers." / "资源的类型由内容决定；扩展名错误会误导播放器、平台和审核人员。",
        fix: "Rename the file with the extension of its real type, or replace it with the intended file." / "按实际类型修改扩展名，或换成正确的文件。",
        example: "讲座录像.mp4 that is really a PDF" / "名为 讲座录像.mp4、实为 PDF 的文件",
        message: ExtensionMismatch { named: Option<ResourceKind>, kind: ResourceKind, media_type: &'static str } => {
            let ext = named.map_or("?", ResourceKind::as_str);
            let ext_zh = named.map_or("?", ResourceKind::name_zh);
            Text::new(
                format!("the extension says {ext} but the content is {kind} ({media_type}); treated as {kind}"),
                format!("扩展名表示{ext_zh}，但内容是{}（{media_type}），按内容处理", kind.name_zh()),
            )
        },
    }
    NOT_A_VIDEO = "TP011" "video-name-not-video" Warning {
        summary: "A file named as a video is not a video and is not counted as one" / "以视频扩展名命名的文件并不是视频，不计入视频",
        why: "Only files whose content is a video container holding a real video stream count toward the 60%." / "只有内容为视频容器且含有真实视频流的文件才计入 60% 的视频比例。",
        fix: "Replace it with the real video, or rename it to its real type." / "替换为真正的视频文件，或按实际类型改名。",
        example: "a slide deck renamed 第1课.mp4" / "改名为 第1课.mp4 的演示文稿",
        message: NotAVideo { content: Option<ResourceKind>, media_type: &'static str } => match content {
            // Content the sniffer does not know, and no probe could read it.
            None => Text::new(
                format!("named as a video, but the content is not a video container trainpack recognises ({media_type}) and no probe could read it: not counted as video"),
                format!("扩展名为视频，但内容不是可识别的视频格式（{media_type}），且没有探测工具能读取：不计为视频"),
            ),
            Some(kind) => Text::new(
                format!("named as a video but its content is {kind} ({media_type}): not counted as video"),
                format!("扩展名为视频，但内容是{}（{media_type}）：不计为视频", kind.name_zh()),
            ),
        },
    }
    JUNK_FILE = "TP020" "junk-file" Warning {
        summary: "A system or temporary file is in the package" / "包中含有系统或临时文件",
        why: "Files like .DS_Store, Thumbs.db, __MACOSX/ and ~$ lock files are left by operating systems and editors; they are not course resources and clutter the platform." / ".DS_Store、Thumbs.db、__MACOSX/ 和 ~$ 锁定文件等由操作系统和编辑软件留下，不是课程资源，还会使平台上的资源显得杂乱。",
        fix: "Delete them before packing (on macOS, zip with `zip -r -X` or use the Finder's compress after removing them)." / "打包前删除这些文件（macOS 可用 `zip -r -X` 打包）。",
        example: "__MACOSX/._第1课.mp4, .DS_Store, ~$课件.pptx" / "__MACOSX/._第1课.mp4、.DS_Store、~$课件.pptx",
        message: JunkFile { reason: JunkReason } => Text::new(
            format!("system or temporary file ({}): not counted", reason.name_en()),
            format!("系统或临时文件（{}）：不计入", reason.name_zh()),
        ),
    }
    EMPTY_FILE = "TP021" "empty-file" Warning {
        summary: "A file is empty (zero bytes)" / "文件为空（0 字节）",
        why: "An empty file is usually a failed copy or export; it is not counted." / "空文件通常是复制或导出失败的结果，不予计入。",
        fix: "Copy the file again from its source, or delete it." / "从源头重新复制该文件，或将其删除。",
        example: "空文件.txt" / "空文件.txt",
        message: EmptyFile {} => Text::new(
            "empty file (0 bytes): not counted",
            "空文件（0 字节）：不计入",
        ),
    }
    EXECUTABLE = "TP022" "executable-file" Error {
        summary: "An executable or script is in the package" / "包中含有可执行程序或脚本",
        why: "Learning platforms refuse executables: they are a security risk and not course resources." / "学习平台拒收可执行文件：它们有安全风险，也不是课程资源。",
        fix: "Remove it; if learners need software, link to its official download page in a document." / "请删除；如学员需要软件，请在文档中给出官方下载地址。",
        example: "setup.exe, install.bat" / "setup.exe、install.bat",
        message: Executable { media_type: &'static str } => Text::new(
            format!("executable content ({media_type})"),
            format!("可执行内容（{media_type}）"),
        ),
    }
    OBSOLETE_FORMAT = "TP023" "obsolete-format" Error {
        summary: "A resource is in an obsolete format that no longer plays (Flash)" / "资源为已淘汰格式（Flash），无法播放",
        why: "Browsers removed Flash in 2021; an .swf animation cannot be used on the platform." / "浏览器已于 2021 年停止支持 Flash，.swf 动画无法在平台上使用。",
        fix: "Convert the animation to MP4 video or HTML5." / "请将动画转换为 MP4 视频或 HTML5 格式。",
        example: "动画演示.swf" / "动画演示.swf",
        message: FlashAnimation {} => Text::new("Flash (SWF) animation", "Flash（SWF）动画"),
    }
    ARCHIVE_IN_PACKAGE = "TP024" "archive-in-package" Warning {
        summary: "An archive (zip, rar, 7z, tar, gz) is inside the package: not counted as a course resource" / "包中含有压缩文件（zip、rar、7z、tar、gz 等），不计为课程资源",
        why: "The platform does not unpack archives inside a package, so learners cannot play or open what is inside; it is neither counted nor checked." / "平台不会解压包内的压缩文件，学员无法播放或打开其中的内容；压缩文件既不计入，也不检查。",
        fix: "Unpack it into the package (its videos and documents then count), or remove it." / "请将其解压到包中（其中的视频和文档才会被计入），或将其删除。",
        example: "模块2/课程视频.zip" / "模块2/课程视频.zip",
        message: ArchiveInPackage { media_type: &'static str, counted: bool } => {
            // A policy may count archives; the message says which it is.
            let (counted_en, counted_zh) = if *counted {
                ("counted as a course resource", "按策略计为课程资源")
            } else {
                ("not counted", "不计入")
            };
            Text::new(
                format!("an archive ({media_type}) inside the package: the platform cannot play what is inside; unpack it into the package. {counted_en}"),
                format!("包中含有压缩文件（{media_type}）：平台无法播放其中的内容，请将其解压到包中。{counted_zh}"),
            )
        },
    }
    ENCRYPTED_DOCUMENT = "TP025" "encrypted-document" Warning {
        summary: "A document is password-protected: the platform cannot open it" / "文档设有打开密码，平台无法打开",
        why: "A password-protected Word, PowerPoint or Excel file is an encrypted container; neither the platform nor learners can open it without the password." / "设有打开密码的 Word、PowerPoint 或 Excel 文件是加密容器，没有密码，平台和学员都无法打开。",
        fix: "Open it in Office or WPS, remove the password (File > Info > Protect Document > Encrypt with Password, clear it) and save again." / "请在 Office 或 WPS 中打开，清除打开密码（文件 > 信息 > 保护文档 > 用密码进行加密，删除密码）后重新保存。",
        example: "讲义.docx saved with an open password" / "设置了打开密码的 讲义.docx",
        message: EncryptedDocument {} => Text::new(
            "password-protected Office document: the platform cannot open it; remove the password",
            "设有打开密码的 Office 文档：平台无法打开，请清除密码",
        ),
    }
}

/// Findings about a file itself, from its classification: junk,
/// executables, archives, Flash, passwords, names that lie.
pub fn file_findings(class: &Classification, resource: &Resource, findings: &mut Vec<Finding>) {
    let path = Some(&*resource.path);
    match class.junk_reason {
        Some(JunkReason::Empty) => findings.push(EmptyFile {}.finding(path)),
        Some(reason) => findings.push(JunkFile { reason }.finding(path)),
        None => {}
    }
    if resource.kind == ResourceKind::Executable {
        findings.push(
            Executable {
                media_type: class.media_type,
            }
            .finding(path),
        );
    }
    if resource.kind == ResourceKind::Archive {
        findings.push(
            ArchiveInPackage {
                media_type: class.media_type,
                counted: resource.counted,
            }
            .finding(path),
        );
    }
    if class.media_type == "application/x-shockwave-flash" {
        findings.push(FlashAnimation {}.finding(path));
    }
    if class.junk_reason.is_some() {
        return;
    }
    if class.encrypted {
        findings.push(EncryptedDocument {}.finding(path));
    }
    let named_video = class.ext_kind == Some(ResourceKind::Video);
    if named_video && class.kind != ResourceKind::Video {
        findings.push(
            NotAVideo {
                content: Some(class.kind),
                media_type: class.media_type,
            }
            .finding(path),
        );
    } else if class.extension_mismatch && !(named_video && class.kind == ResourceKind::Video) {
        // (A video name over content the sniffer does not know is the
        // probe's to judge: see `resource_of`.)
        findings.push(
            ExtensionMismatch {
                named: class.ext_kind,
                kind: class.kind,
                media_type: class.media_type,
            }
            .finding(path),
        );
    }
}
