//! What the package as a whole holds: the video share, its descriptor and deadline (the policy stage).

use crate::i18n::Text;
use crate::policy::{Basis, Ratio};

rules! {
    VIDEO_RATIO = "TP001" "video-ratio-below-threshold" Error {
        summary: "Video is less than the required share of course resources" / "视频资源占课程资源的比例低于要求",
        why: "The 2022 notice (教师厅函〔2022〕7号) requires 60% or more (以上 includes 60%) of course resources to be video. Counted by number of resources by default; the policy can count bytes instead." / "2022 年通知（教师厅函〔2022〕7号）要求视频占课程资源的 60% 以上（“以上”含本数）。默认按资源个数计算，策略可改为按字节数计算。",
        fix: "The finding gives two exact numbers: how many existing non-video resources to turn into video (e.g. record a lecture over its slides), or how many new videos to add (more than the first, since new videos also raise the total)." / "该问题给出两个确切数字：需要将多少个现有非视频资源改做成视频（如为讲义录制讲解视频），或需要新增多少个视频（新增视频也会增加总数，因此数量更多）。",
        example: "3 videos among 6 course resources: 50% < 60%" / "6 个课程资源中有 3 个视频：50% < 60%",
        message: VideoRatioBelow {
            basis: Basis,
            ratio: Ratio,
            videos: u64,
            resources: u64,
            video_bytes: u64,
            course_bytes: u64,
            threshold: u32,
            convert: Option<u64>,
            add: Option<u64>,
        } => {
            let (basis_en, basis_zh) = match basis {
                Basis::Count => ("by count", "按数量计"),
                Basis::Bytes => ("by bytes", "按字节计"),
            };
            // The parts on the same basis as the share.
            let (parts, parts_zh) = match basis {
                Basis::Count => (format!("{videos} of {resources}"), format!("{videos}/{resources}")),
                Basis::Bytes => (
                    format!("{video_bytes} of {course_bytes} bytes"),
                    format!("{video_bytes}/{course_bytes} 字节"),
                ),
            };
            let (add_en, add_zh) = match (basis, convert, add) {
                (Basis::Count, Some(k), Some(m)) => (
                    format!("; to meet it, turn {k} existing non-video resource(s) into video, or add {m} new video(s)"),
                    format!("；达标办法：将 {k} 个现有非视频资源改做成视频，或新增 {m} 个视频"),
                ),
                (Basis::Count, Some(k), None) => (
                    format!("; to meet it, turn {k} existing non-video resource(s) into video"),
                    format!("；达标办法：将 {k} 个现有非视频资源改做成视频"),
                ),
                _ => (String::new(), String::new()),
            };
            let share = ratio;
            Text::new(
                format!("video is {share} of course resources {basis_en} ({parts}); at least {threshold}% is required{add_en}"),
                format!("视频占课程资源的 {share}（{basis_zh}，{parts_zh}），要求不低于 {threshold}%{add_zh}"),
            )
        },
    }
    MODULE_RATIO = "TP002" "module-video-ratio-low" Info {
        summary: "A module (top-level folder) has a video share below the threshold" / "某个模块（顶层文件夹）的视频占比低于要求",
        why: "The rule applies to the whole package, but a module without video is usually where the package falls short." / "比例要求针对整个包，但包不达标，往往是因为某个模块没有视频。",
        fix: "Add videos to this module first." / "优先为该模块补充视频。",
        example: "模块3_案例分析/ holds 4 PDFs and no video" / "模块3_案例分析/ 中有 4 个 PDF，没有视频",
        message: ModuleRatioLow { videos: u64, resources: u64, ratio: Ratio } => Text::new(
            format!("module has {videos} video(s) among {resources} course resources ({ratio})"),
            format!("该模块 {resources} 个课程资源中有 {videos} 个视频（{ratio}）"),
        ),
    }
    NO_COURSE_RESOURCES = "TP003" "no-course-resources" Error {
        summary: "The package holds no course resources" / "包中没有任何课程资源",
        why: "An empty package (or one holding only junk, subtitles or metadata) cannot meet the rule; this is usually the wrong folder or a failed export." / "空包（或只含系统文件、字幕、元数据的包）不可能达标；这通常是选错了文件夹或导出失败。",
        fix: "Check that you gave the right folder or zip, and that the export finished." / "请确认指定的文件夹或压缩包正确，且导出已完成。",
        example: "an empty folder, or a zip holding only __MACOSX/" / "空文件夹，或只含 __MACOSX/ 的压缩包",
        message: NoCourseResources {} => Text::new(
            "no course resources found: nothing to check",
            "未找到任何课程资源：无法检查",
        ),
    }
    DEADLINE_SOON = "TP040" "upload-deadline-soon" Warning {
        summary: "The upload deadline is within 7 days" / "距上传截止日期不足 7 天",
        why: "The notice requires the resources on the platform within one month after the project ends (the end date in training-package.json plus one calendar month)." / "通知要求在项目结束后一个月内将资源上传到平台（training-package.json 中的结束日期加一个自然月）。",
        fix: "Fix the package's errors now and upload it before the deadline." / "请尽快修正问题并在截止日期前上传。",
        example: "end_date 2024-06-30: deadline 2024-07-30, checked on 2024-07-25" / "end_date 为 2024-06-30：截止日期 2024-07-30，检查日期 2024-07-25",
        message: DeadlineSoon { deadline: String, days_left: i64 } => Text::new(
            format!("the upload deadline is {deadline}, {days_left} day(s) from today"),
            format!("上传截止日期为 {deadline}，还剩 {days_left} 天"),
        ),
    }
    DEADLINE_MISSED = "TP041" "upload-deadline-missed" Error {
        summary: "The upload deadline has passed" / "已超过上传截止日期",
        why: "The notice requires the resources on the platform within one month after the project ends." / "通知要求在项目结束后一个月内将资源上传到平台。",
        fix: "Upload as soon as possible and tell the programme office (国培办) why it is late." / "请尽快上传，并向国培办说明逾期原因。",
        example: "end_date 2024-06-30, checked on 2024-08-02" / "end_date 为 2024-06-30，检查日期 2024-08-02",
        message: DeadlineMissed { deadline: String, days_late: i64 } => Text::new(
            format!("the upload deadline was {deadline}, {days_late} day(s) ago"),
            format!("上传截止日期为 {deadline}，已逾期 {days_late} 天"),
        ),
    }
    DESCRIPTOR_INVALID = "TP042" "descriptor-invalid" Error {
        summary: "training-package.json cannot be read" / "training-package.json 无法解析",
        why: "The descriptor names the provider and the project and fixes the upload deadline; a broken one means the package cannot be identified." / "描述文件写明承担单位和项目，并确定上传截止日期；文件损坏则无法识别该包。",
        fix: "Correct the file against schemas/descriptor.schema.json, or recreate it with `trainpack init`." / "请按 schemas/descriptor.schema.json 修正该文件，或用 `trainpack init` 重新生成。",
        example: "\"end_date\": \"30/06/2024\"" / "\"end_date\": \"30/06/2024\"",
        message: DescriptorInvalid { reason: Text } => Text::new(
            format!("cannot read it: {}", reason.en),
            format!("无法解析：{}", reason.zh),
        ),
    }
    DESCRIPTOR_MISSING = "TP043" "descriptor-missing" Info {
        summary: "The package has no training-package.json" / "包中没有 training-package.json",
        why: "Without it the provider, project and upload deadline are unknown; the package is identified by its file name only." / "没有描述文件，承担单位、项目和上传截止日期都无从得知；只能按文件名识别该包。",
        fix: "Run `trainpack init PACKAGE` and fill in the fields." / "运行 `trainpack init 包路径` 并填写各字段。",
        example: "any package without a descriptor" / "任何没有描述文件的资源包",
        message: DescriptorMissing {} => Text::new(
            "no training-package.json: provider, project and upload deadline are unknown",
            "没有 training-package.json：承训单位、项目和上传截止日期未知",
        ),
    }
}
