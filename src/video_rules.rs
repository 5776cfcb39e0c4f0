//! What makes an acceptable video (`[video]` in the policy): each check
//! reads a probed `VideoInfo` and emits a finding at the level the policy
//! gives it. The rules' documentation lives in `rules` (TP060–TP069).

use crate::i18n::Text;
use crate::policy::{Level, VideoPolicy};
use crate::probe::VideoInfo;
use crate::rules::{self, Finding, Rule};

fn emit(findings: &mut Vec<Finding>, level: Level, rule: &'static Rule, path: &str, message: Text) {
    if let Some(severity) = level.severity() {
        findings.push(rule.finding_at(severity, Some(path), message));
    }
}

/// `container` is the sniffed container family (`mp4`, `mov`, `matroska`,
/// ...): it tells MP4 from MOV, which share one ffprobe format name.
pub fn apply(
    path: &str,
    info: &VideoInfo,
    container: Option<&str>,
    size: u64,
    p: &VideoPolicy,
    findings: &mut Vec<Finding>,
) {
    let family = container.unwrap_or(info.container.as_str());
    if !matches!(family, "mp4" | "m4v") {
        emit(
            findings,
            p.container_mp4,
            &rules::VIDEO_CONTAINER,
            path,
            Text::new(
                format!("the container is {family}, not MP4"),
                format!("容器格式为 {family}，不是 MP4"),
            ),
        );
    }
    if let Some(codec) = info.codec.as_deref().filter(|c| *c != "h264") {
        emit(
            findings,
            p.codec_h264,
            &rules::VIDEO_CODEC,
            path,
            Text::new(
                format!("the video codec is {codec}, not H.264"),
                format!("视频编码为 {codec}，不是 H.264"),
            ),
        );
    }
    match info.audio_codec.as_deref() {
        None => emit(
            findings,
            p.audio_present,
            &rules::NO_AUDIO,
            path,
            Text::new("no audio track", "没有音轨"),
        ),
        Some("aac") => {}
        Some(codec) => emit(
            findings,
            p.audio_aac,
            &rules::AUDIO_CODEC,
            path,
            Text::new(
                format!("the audio codec is {codec}, not AAC"),
                format!("音频编码为 {codec}，不是 AAC"),
            ),
        ),
    }
    if info.faststart == Some(false) {
        emit(
            findings,
            p.faststart,
            &rules::NOT_FASTSTART,
            path,
            Text::new(
                "the MP4 index (moov) comes after the media data",
                "MP4 索引（moov）位于媒体数据之后",
            ),
        );
    }
    if let (Some(w), Some(h)) = (info.width, info.height) {
        let (short, long) = (w.min(h), w.max(h));
        let short_low = short < p.min_short_side.value && p.min_short_side.level != Level::Off;
        let long_low = long < p.min_long_side.value && p.min_long_side.level != Level::Off;
        if short_low || long_low {
            // One finding for the size, at the stricter of the two levels.
            let level = match (short_low, long_low) {
                (true, true) => p.min_short_side.level.max(p.min_long_side.level),
                (true, false) => p.min_short_side.level,
                _ => p.min_long_side.level,
            };
            let need = match (p.min_long_side.level, p.min_short_side.level) {
                (Level::Off, _) => {
                    format!("a short side of at least {} px", p.min_short_side.value)
                }
                (_, Level::Off) => format!("a long side of at least {} px", p.min_long_side.value),
                _ => format!(
                    "at least {}×{}",
                    p.min_long_side.value, p.min_short_side.value
                ),
            };
            let need_zh = match (p.min_long_side.level, p.min_short_side.level) {
                (Level::Off, _) => format!("短边至少 {} 像素", p.min_short_side.value),
                (_, Level::Off) => format!("长边至少 {} 像素", p.min_long_side.value),
                _ => format!("至少 {}×{}", p.min_long_side.value, p.min_short_side.value),
            };
            emit(
                findings,
                level,
                &rules::LOW_RESOLUTION,
                path,
                Text::new(
                    format!("{w}×{h}; required: {need}"),
                    format!("分辨率 {w}×{h}；要求{need_zh}"),
                ),
            );
        }
        // 16:9 within 1%: 1920×1080, 1280×720, 854×480 all pass.
        let wide = u64::from(long) * 9;
        let tall = u64::from(short) * 16;
        if wide.abs_diff(tall) * 100 > tall {
            emit(
                findings,
                p.aspect_16_9,
                &rules::ASPECT_RATIO,
                path,
                Text::new(format!("{w}×{h} is not 16:9"), format!("{w}×{h} 不是 16:9")),
            );
        }
    }
    if let Some(fps) = info.fps.filter(|f| *f < p.min_fps.value) {
        emit(
            findings,
            p.min_fps.level,
            &rules::LOW_FRAME_RATE,
            path,
            Text::new(
                format!("{fps:.2} fps; at least {} required", p.min_fps.value),
                format!("帧率 {fps:.2}；要求至少 {}", p.min_fps.value),
            ),
        );
    }
    if size > p.max_bytes.value {
        emit(
            findings,
            p.max_bytes.level,
            &rules::FILE_TOO_LARGE,
            path,
            Text::new(
                format!("{size} bytes; at most {} allowed", p.max_bytes.value),
                format!("{size} 字节；上限 {}", p.max_bytes.value),
            ),
        );
    }
    if let Some(rate) = info.sample_rate.filter(|r| *r < p.min_sample_rate.value) {
        emit(
            findings,
            p.min_sample_rate.level,
            &rules::LOW_SAMPLE_RATE,
            path,
            Text::new(
                format!(
                    "audio at {rate} Hz; at least {} Hz required",
                    p.min_sample_rate.value
                ),
                format!(
                    "音频采样率 {rate} Hz；要求至少 {} Hz",
                    p.min_sample_rate.value
                ),
            ),
        );
    }
}
