//! What the probe found inside a video, and the per-video policy (`[video]`).

use crate::formats::Container;
use crate::i18n::Text;
use crate::kinds::ResourceKind;
use crate::policy::{Level, Limit, VideoPolicy};
use crate::probe::VideoInfo;
use crate::rules::{Finding, Violation};

rules! {
    AUDIO_ONLY = "TP012" "audio-only-video-file" Error {
        summary: "A video container holds only audio (or only cover art): counted as audio, not video" / "视频格式文件中只有音频（或只有封面图），计为音频而非视频",
        why: "An MP4 with no video stream plays as sound only; it is an audio resource." / "没有视频流的 MP4 播放时只有声音，属于音频资源。",
        fix: "Export the lecture with its picture track, or rename it .m4a if audio is intended." / "重新导出带画面的视频；如本就是音频，请改为 .m4a。",
        example: "讲解.mp4 holding one AAC stream" / "只含一路 AAC 音频流的 讲解.mp4",
        message: AudioOnly { cover_art: bool, audio: bool, counted_as: ResourceKind } => {
            let (what_en, what_zh) = if *cover_art {
                ("only audio and a cover picture", "只有音频和封面图")
            } else if *audio {
                ("only audio", "只有音频")
            } else {
                ("no video stream", "没有视频流")
            };
            Text::new(
                format!("holds {what_en}: counted as {counted_as}, not as video"),
                format!("{what_zh}：计为{}，不计为视频", counted_as.name_zh()),
            )
        },
    }
    VIDEO_UNREADABLE = "TP013" "video-unreadable" Error {
        summary: "A video cannot be read, or has no duration" / "视频无法读取或时长为零",
        why: "A broken video does not play on the platform and is not counted as video." / "损坏的视频在平台上无法播放，也不计为视频。",
        fix: "Re-export or re-copy the video from its source, then check that it plays from start to end." / "从原始素材重新导出或复制该视频，并确认能完整播放。",
        example: "a truncated upload, or an MP4 whose index is missing" / "上传不完整的文件，或缺少索引的 MP4",
        message: VideoUnreadable { reason: Option<String> } => match reason {
            None => Text::new(
                "the video has no duration: not counted as video",
                "视频时长为零：不计为视频",
            ),
            Some(reason) => Text::new(
                format!("cannot read the video ({reason}): not counted as video"),
                format!("无法读取该视频（{reason}）：不计为视频"),
            ),
        },
    }
    VIDEO_UNCONFIRMED = "TP014" "video-unconfirmed" Warning {
        summary: "A video was identified by content but could not be confirmed by a probe" / "已按内容识别为视频，但未能用探测工具确认",
        why: "Without ffprobe, trainpack cannot see inside a video; it counts the file as video but cannot vouch for its streams." / "没有 ffprobe，trainpack 无法查看视频内部；该文件计为视频，但其音视频流无法确认。",
        fix: "Install ffmpeg (which provides ffprobe) and run the check again." / "安装 ffmpeg（含 ffprobe）后重新检查。",
        example: "any video, on a machine without ffmpeg" / "在未安装 ffmpeg 的电脑上检查任意视频",
        message: VideoUnconfirmed {} => Text::new(
            "video identified by content only (no probe could read this format); counted as video",
            "仅按内容识别为视频（没有可用的探测工具能读取该格式），暂按视频计入",
        ),
    }
    PROBE_TIMEOUT = "TP015" "probe-timeout" Error {
        summary: "Probing a video took longer than the time limit" / "探测视频超时",
        why: "A probe that hangs usually means a damaged or hostile file; it is not counted as video." / "探测卡住通常说明文件已损坏或被恶意构造；该文件不计为视频。",
        fix: "Re-export the video; raise probe_timeout_s in the policy only if the file is known to be good." / "请重新导出该视频；确认文件无误时可在策略中调大 probe_timeout_s。",
        example: "a video whose index points far past the end of the file" / "索引指向文件末尾之后很远处的视频",
        message: ProbeTimeout { seconds: u64 } => Text::new(
            format!("probing did not finish within {seconds} s: not counted as video"),
            format!("探测在 {seconds} 秒内未完成：不计为视频"),
        ),
    }
    FFPROBE_MISSING = "TP016" "ffprobe-missing" Warning {
        summary: "ffprobe is not installed: videos are counted unconfirmed" / "未安装 ffprobe：视频未经确认即计入",
        why: "Whether a file holds a real video stream is decided by probing it." / "文件是否含有真实的视频流，要靠探测才能确定。",
        fix: "Install ffmpeg: `apt install ffmpeg` (Debian/Ubuntu), `brew install ffmpeg` (macOS), `winget install ffmpeg` (Windows)." / "安装 ffmpeg：Debian/Ubuntu 用 `apt install ffmpeg`，macOS 用 `brew install ffmpeg`，Windows 用 `winget install ffmpeg`。",
        example: "any package, on a machine without ffmpeg" / "在未安装 ffmpeg 的电脑上检查任意资源包",
        message: FfprobeMissing {} => Text::new(
            "ffprobe was not found on PATH: videos the built-in probe cannot read (FLV, MPEG-TS, WMV, ...) are identified by content only and counted unconfirmed",
            "未在 PATH 中找到 ffprobe：内置探测无法读取的视频（FLV、MPEG-TS、WMV 等）仅按内容识别，未经确认即计入",
        ),
    }
    VIDEO_CONTAINER = "TP060" "video-container-not-mp4" Warning {
        summary: "A video is not in an MP4 container" / "视频不是 MP4 格式",
        why: "Learning platforms play MP4 (H.264/AAC) everywhere; MKV, MOV, AVI, WebM and others may not play or be re-encoded with loss. Level set by the policy (video.container_mp4)." / "学习平台普遍支持播放 MP4（H.264/AAC）；MKV、MOV、AVI、WebM 等格式可能无法播放，或被有损地重新编码。级别由策略设定（video.container_mp4）。",
        fix: "Convert it: `ffmpeg -i in.mkv -c:v libx264 -c:a aac -movflags +faststart out.mp4`." / "转换为 MP4：`ffmpeg -i in.mkv -c:v libx264 -c:a aac -movflags +faststart out.mp4`。",
        example: "专家访谈.mkv" / "专家访谈.mkv",
        message: ContainerNotMp4 { container: String } => Text::new(
            format!("the container is {container}, not MP4"),
            format!("容器格式为 {container}，不是 MP4"),
        ),
    }
    VIDEO_CODEC = "TP061" "video-codec-not-h264" Warning {
        summary: "A video is not encoded in H.264" / "视频编码不是 H.264",
        why: "H.264 (AVC) is the codec every source asks for; HEVC, VP9, AV1 and MPEG-4 Part 2 do not play in every browser. Level: video.codec_h264." / "各方要求的编码都是 H.264（AVC）；HEVC、VP9、AV1 和 MPEG-4 Part 2 并非所有浏览器都能播放。级别：video.codec_h264。",
        fix: "Re-encode with H.264: `ffmpeg -i in.mp4 -c:v libx264 -crf 20 -c:a copy out.mp4`." / "用 H.264 重新编码：`ffmpeg -i in.mp4 -c:v libx264 -crf 20 -c:a copy out.mp4`。",
        example: "an HEVC recording from a phone" / "手机拍摄的 HEVC 视频",
        message: CodecNotH264 { codec: String } => Text::new(
            format!("the video codec is {codec}, not H.264"),
            format!("视频编码为 {codec}，不是 H.264"),
        ),
    }
    AUDIO_CODEC = "TP062" "audio-codec-not-aac" Warning {
        summary: "A video's audio is not AAC" / "视频的音频编码不是 AAC",
        why: "AAC is the audio codec platforms expect in MP4. Level: video.audio_aac." / "平台要求 MP4 中的音频为 AAC 编码。级别：video.audio_aac。",
        fix: "Re-encode the audio: `ffmpeg -i in.mp4 -c:v copy -c:a aac -b:a 128k out.mp4`." / "重新编码音频：`ffmpeg -i in.mp4 -c:v copy -c:a aac -b:a 128k out.mp4`。",
        example: "MP3 or Opus audio in a video" / "视频中的 MP3 或 Opus 音频",
        message: AudioCodecNotAac { codec: String } => Text::new(
            format!("the audio codec is {codec}, not AAC"),
            format!("音频编码为 {codec}，不是 AAC"),
        ),
    }
    NO_AUDIO = "TP063" "video-without-audio" Warning {
        summary: "A video has no audio track" / "视频没有音轨",
        why: "Lectures are expected to carry narration; a silent video is often an export mistake. Level: video.audio_present." / "讲座视频应当配有讲解声音；无声视频往往是导出失误。级别：video.audio_present。",
        fix: "Check the export settings and include the audio track." / "请检查导出设置，导出时包含音轨。",
        example: "a screen recording exported without sound" / "导出时没有带声音的录屏",
        message: NoAudio {} => Text::new("no audio track", "没有音轨"),
    }
    NOT_FASTSTART = "TP064" "video-not-faststart" Warning {
        summary: "An MP4's index comes after its media (no fast start)" / "MP4 索引位于媒体数据之后（不支持边下边播）",
        why: "With `moov` at the end, a browser must download the whole file before playing. Level: video.faststart." / "`moov` 位于文件末尾时，浏览器必须下载完整个文件才能开始播放。级别：video.faststart。",
        fix: "Move the index to the front without re-encoding: `ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4`." / "无需重新编码即可前移索引：`ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4`。",
        example: "an MP4 written by a camera" / "摄像机直接写出的 MP4",
        message: NotFaststart {} => Text::new(
            "the MP4 index (moov) comes after the media data",
            "MP4 索引（moov）位于媒体数据之后",
        ),
    }
    LOW_RESOLUTION = "TP065" "video-resolution-low" Warning {
        summary: "A video's resolution is below the required size" / "视频分辨率低于要求",
        why: "Vocational specs (2018–2022) ask for at least 1280×720; the 2025 smart-education platform asks for 1920×1080. Limits: video.min_short_side, video.min_long_side." / "职业教育相关规范（2018–2022 年）要求至少 1280×720；2025 年国家智慧教育平台要求 1920×1080。阈值：video.min_short_side、video.min_long_side。",
        fix: "Export the video at the required resolution from its source (upscaling a small video does not add detail)." / "请从原始素材按要求的分辨率导出（放大小视频并不能增加清晰度）。",
        example: "a 640×360 clip" / "640×360 的短视频",
        message: LowResolution { width: u32, height: u32, min_short: Option<u32>, min_long: Option<u32> } => {
            // The requirement names the sides the policy checks.
            let (need, need_zh) = match (min_long, min_short) {
                (Some(long), Some(short)) => (format!("at least {long}×{short}"), format!("至少 {long}×{short}")),
                (None, Some(short)) => (format!("a short side of at least {short} px"), format!("短边至少 {short} 像素")),
                (Some(long), None) => (format!("a long side of at least {long} px"), format!("长边至少 {long} 像素")),
                (None, None) => (String::new(), String::new()),
            };
            Text::new(
                format!("{width}×{height}; required: {need}"),
                format!("分辨率 {width}×{height}；要求{need_zh}"),
            )
        },
    }
    ASPECT_RATIO = "TP066" "video-aspect-not-16-9" Warning off_by_default {
        summary: "A video is not 16:9" / "视频画面比例不是 16:9",
        why: "The 2025 smart-education platform calls ask for 16:9. Level: video.aspect_16_9." / "2025 年国家智慧教育平台的征集通知要求 16:9 画面。级别：video.aspect_16_9。",
        fix: "Export at 16:9 (for example 1920×1080), padding or cropping as needed." / "请按 16:9（如 1920×1080）导出，必要时加边或裁剪。",
        example: "a 4:3 recording at 1440×1080" / "1440×1080 的 4:3 录像",
        message: NotSixteenNine { width: u32, height: u32 } => Text::new(
            format!("{width}×{height} is not 16:9"),
            format!("{width}×{height} 不是 16:9"),
        ),
    }
    LOW_FRAME_RATE = "TP067" "video-frame-rate-low" Warning {
        summary: "A video's frame rate is below the minimum" / "视频帧率低于要求",
        why: "25 fps progressive is the convention, 24 the floor; lower rates look choppy. Limit: video.min_fps." / "通常为 25 帧/秒逐行，24 帧/秒为下限；帧率更低时画面会卡顿。阈值：video.min_fps。",
        fix: "Record or export at 25 fps." / "请以 25 帧/秒录制或导出。",
        example: "a 10 fps screen capture" / "10 帧/秒的录屏",
        message: LowFrameRate { fps: f64, min: f64 } => Text::new(
            format!("{fps:.2} fps; at least {min} required"),
            format!("帧率 {fps:.2}；要求至少 {min}"),
        ),
    }
    FILE_TOO_LARGE = "TP068" "video-file-too-large" Warning {
        summary: "A video file is larger than the limit" / "视频文件超过大小限制",
        why: "Platforms limit upload sizes (about 1 GB per 1080p video on the national K-12 platform); 2 GiB is the default limit. Limit: video.max_bytes." / "平台对上传大小有限制（国家中小学智慧教育平台每个 1080p 视频约 1 GB）；默认上限为 2 GiB。阈值：video.max_bytes。",
        fix: "Split the lecture into parts, or re-encode at the usual bitrate (about 2 Mbps at 720p, 8 Mbps at 1080p)." / "请将讲座拆分为多段，或按常用码率重新编码（720p 约 2 Mbps，1080p 约 8 Mbps）。",
        example: "a 3 GB lecture recording" / "3 GB 的讲座录像",
        message: FileTooLarge { size: u64, max: u64 } => Text::new(
            format!("{size} bytes; at most {max} allowed"),
            format!("{size} 字节；上限 {max}"),
        ),
    }
    LOW_SAMPLE_RATE = "TP069" "audio-sample-rate-low" Warning off_by_default {
        summary: "A video's audio sample rate is below the minimum" / "视频音频采样率低于要求",
        why: "48 kHz is the broadcast convention (44.1 kHz accepted by most platforms). Limit: video.min_sample_rate." / "48 kHz 是广播惯例（多数平台也接受 44.1 kHz）。阈值：video.min_sample_rate。",
        fix: "Re-encode the audio at 48 kHz: `ffmpeg -i in.mp4 -c:v copy -c:a aac -ar 48000 out.mp4`." / "以 48 kHz 重新编码音频：`ffmpeg -i in.mp4 -c:v copy -c:a aac -ar 48000 out.mp4`。",
        example: "22.05 kHz audio" / "22.05 kHz 的音频",
        message: LowSampleRate { rate: u32, min: u32 } => Text::new(
            format!("audio at {rate} Hz; at least {min} Hz required"),
            format!("音频采样率 {rate} Hz；要求至少 {min} Hz"),
        ),
    }
}

/// The per-video rules (`[video]` in the policy) on one probed video, each
/// at the level the policy gives it. `container` is the sniffed container
/// (MP4, MOV, Matroska, ...): it tells MP4 from MOV, which share one
/// ffprobe format name.
pub fn video_findings(
    path: &str,
    info: &VideoInfo,
    container: Option<Container>,
    size: u64,
    p: &VideoPolicy,
    findings: &mut Vec<Finding>,
) {
    let mut emit = |level: Level, violation: &dyn Fn() -> Finding| {
        if let Some(severity) = level.severity() {
            findings.push(Finding {
                severity,
                ..violation()
            });
        }
    };
    let at = Some(path);
    let family = match container {
        Some(c) => c.name(),
        None => info.container.as_str(),
    };
    if !matches!(family, "mp4" | "m4v") {
        emit(p.container_mp4, &|| {
            ContainerNotMp4 {
                container: family.to_owned(),
            }
            .finding(at)
        });
    }
    if let Some(codec) = info.codec.as_deref().filter(|c| *c != "h264") {
        emit(p.codec_h264, &|| {
            CodecNotH264 {
                codec: codec.to_owned(),
            }
            .finding(at)
        });
    }
    match info.audio_codec.as_deref() {
        None => emit(p.audio_present, &|| NoAudio {}.finding(at)),
        Some("aac") => {}
        Some(codec) => emit(p.audio_aac, &|| {
            AudioCodecNotAac {
                codec: codec.to_owned(),
            }
            .finding(at)
        }),
    }
    if info.faststart == Some(false) {
        emit(p.faststart, &|| NotFaststart {}.finding(at));
    }
    if let (Some(width), Some(height)) = (info.width, info.height) {
        let (short, long) = (width.min(height), width.max(height));
        let on = |limit: &Limit<u32>| (limit.level != Level::Off).then_some(limit.value);
        let (min_short, min_long) = (on(&p.min_short_side), on(&p.min_long_side));
        let short_low = min_short.is_some_and(|min| short < min);
        let long_low = min_long.is_some_and(|min| long < min);
        if short_low || long_low {
            // One finding for the size, at the stricter of the two levels.
            let level = match (short_low, long_low) {
                (true, true) => p.min_short_side.level.max(p.min_long_side.level),
                (true, false) => p.min_short_side.level,
                _ => p.min_long_side.level,
            };
            emit(level, &|| {
                LowResolution {
                    width,
                    height,
                    min_short,
                    min_long,
                }
                .finding(at)
            });
        }
        // 16:9 within 1%: 1920×1080, 1280×720, 854×480 all pass.
        let wide = u64::from(long) * 9;
        let tall = u64::from(short) * 16;
        if wide.abs_diff(tall) * 100 > tall {
            emit(p.aspect_16_9, &|| {
                NotSixteenNine { width, height }.finding(at)
            });
        }
    }
    if let Some(fps) = info.fps.filter(|f| *f < p.min_fps.value) {
        let min = p.min_fps.value;
        emit(p.min_fps.level, &|| LowFrameRate { fps, min }.finding(at));
    }
    if size > p.max_bytes.value {
        let max = p.max_bytes.value;
        emit(p.max_bytes.level, &|| {
            FileTooLarge { size, max }.finding(at)
        });
    }
    if let Some(rate) = info.sample_rate.filter(|r| *r < p.min_sample_rate.value) {
        let min = p.min_sample_rate.value;
        emit(p.min_sample_rate.level, &|| {
            LowSampleRate { rate, min }.finding(at)
        });
    }
}
