//! Is a video container really a video? Probing answers with a `VideoInfo`
//! (what the streams are) and a `ProbeOutcome` (what that means for counting).

pub mod builtin;
pub mod capture;
pub mod run;

use std::time::Duration;

use serde::Serialize;

use crate::source::{Entry, EntryReader, Package};

/// A probe engine outside the core (the binary's ffprobe and ffmpeg, run as
/// child processes), so the core itself never spawns a program and builds
/// where there are none (wasm).
pub trait ExternalProbe: Send + Sync {
    /// Whether a probe can run (ffprobe was found).
    fn can_probe(&self) -> bool;
    /// A second opinion on one entry.
    fn probe(&self, package: &Package, reader: &mut EntryReader, entry: &Entry) -> ProbeOutcome;
    /// `--deep`: decode the whole video; the outcome when decoding fails,
    /// None when it decodes cleanly.
    fn decode(
        &self,
        package: &Package,
        reader: &mut EntryReader,
        entry: &Entry,
    ) -> Option<ProbeOutcome>;
}

/// Which engine confirms videos.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Engine {
    /// The built-in probe; ffprobe only for what it cannot read.
    #[default]
    Auto,
    /// Only the built-in probe (MP4/MOV/3GP/M4V, Matroska/WebM, AVI).
    Builtin,
    /// Only ffprobe.
    Ffprobe,
}

/// What a probe learned about a media file.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct VideoInfo {
    /// Container as the engine names it (ffprobe: `mov,mp4,m4a,3gp,3g2,mj2`).
    pub container: String,
    pub duration_s: f64,
    /// Codec of the main video stream (cover art is not a video stream).
    pub codec: Option<String>,
    /// Displayed width and height, after rotation metadata.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fps: Option<f64>,
    pub audio_codec: Option<String>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
    /// The file holds an embedded picture (cover art) stream.
    pub has_cover_art: bool,
    /// MP4: the index (`moov`) comes before the media data, so playback can
    /// start while downloading. None when unknown or not applicable.
    pub faststart: Option<bool>,
    /// Which engine produced this (`ffprobe`).
    pub engine: &'static str,
}

/// What probing a video-container file means for the 60% rule.
#[derive(Clone, Debug, PartialEq)]
pub enum ProbeOutcome {
    /// A real video stream with positive duration: counts as video.
    Video(VideoInfo),
    /// Parsed, but no real video stream (audio only, or only cover art).
    NoVideoStream(VideoInfo),
    /// A video stream, but no positive duration.
    ZeroDuration(VideoInfo),
    /// The engine could not parse the file.
    Unreadable(String),
    /// The engine did not answer within the time limit.
    TimedOut(Duration),
    /// No engine could run (ffprobe is not installed).
    Unavailable,
}

impl ProbeOutcome {
    pub fn info(&self) -> Option<&VideoInfo> {
        match self {
            ProbeOutcome::Video(i)
            | ProbeOutcome::NoVideoStream(i)
            | ProbeOutcome::ZeroDuration(i) => Some(i),
            _ => None,
        }
    }
}
