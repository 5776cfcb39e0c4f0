//! The ffprobe engine, and ffmpeg for `--deep`: child processes with a time
//! limit.
//!
//! We run the command ourselves rather than through the `ffprobe` crate: its
//! runner has no timeout, no input options and passes the path bare, so a name
//! starting with `-` or containing `:` could be read as an option or protocol.
//! Here every input is a `file:` (or `subfile,...:file:`) URL after `-i`, and
//! only the `file` and `subfile` protocols are allowed.

use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::Deserialize;
use wait_timeout::ChildExt;

use crate::probe::{ExternalProbe, ProbeOutcome, VideoInfo};
use crate::source::{DirectLocation, Entry, EntryReader, Package};

/// The external engine the core asks: ffprobe for a second opinion, ffmpeg
/// for `--deep`, each when found.
#[derive(Clone, Debug, Default)]
pub struct FfTools {
    pub ffprobe: Option<Ffprobe>,
    pub ffmpeg: Option<Ffmpeg>,
}

impl ExternalProbe for FfTools {
    fn can_probe(&self) -> bool {
        self.ffprobe.is_some()
    }

    fn probe(&self, package: &Package, reader: &mut EntryReader, entry: &Entry) -> ProbeOutcome {
        let Some(ffprobe) = &self.ffprobe else {
            return ProbeOutcome::Unavailable;
        };
        match package.direct_location(entry) {
            Some(location) => ffprobe.probe(&location),
            None => match spool(reader, entry) {
                Ok(temp) => ffprobe.probe(&DirectLocation::File(temp.path().to_owned())),
                Err(e) => {
                    ProbeOutcome::Unreadable(format!("cannot copy the entry for probing: {e}"))
                }
            },
        }
    }

    /// `--deep`: decode the whole video with ffmpeg; a decoding error makes
    /// the file unreadable.
    fn decode(
        &self,
        package: &Package,
        reader: &mut EntryReader,
        entry: &Entry,
    ) -> Option<ProbeOutcome> {
        let ffmpeg = self.ffmpeg.as_ref()?;
        let result = match package.direct_location(entry) {
            Some(location) => ffmpeg.decode(&location),
            None => match spool(reader, entry) {
                Ok(spooled) => ffmpeg.decode(&DirectLocation::File(spooled.path().to_owned())),
                Err(e) => Err(format!("cannot copy it out to decode: {e}")),
            },
        };
        match result {
            Ok(()) => None,
            Err(reason) => Some(ProbeOutcome::Unreadable(format!(
                "decoding failed: {reason}"
            ))),
        }
    }
}

/// A compressed zip entry cannot be read in place: copy only that entry to
/// a temporary file (deleted when dropped) for the external program.
fn spool(reader: &mut EntryReader, entry: &Entry) -> io::Result<tempfile::NamedTempFile> {
    let mut temp = tempfile::Builder::new()
        .prefix("trainpack-probe-")
        .tempfile()?;
    io::copy(&mut reader.open(entry)?, temp.as_file_mut())?;
    Ok(temp)
}

/// A located ffprobe program and the limit on one run.
#[derive(Clone, Debug)]
pub struct Ffprobe {
    program: PathBuf,
    timeout: Duration,
}

impl Ffprobe {
    /// Find ffprobe: `$TRAINPACK_FFPROBE` if set, else `ffprobe` on `PATH`.
    pub fn locate(timeout: Duration) -> Option<Ffprobe> {
        let program = match &crate::env::get().ffprobe {
            Some(p) => p.clone(),
            None => find_on_path("ffprobe")?,
        };
        Some(Ffprobe { program, timeout })
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    /// Probe a file or a stored zip entry in place.
    pub fn probe(&self, location: &DirectLocation) -> ProbeOutcome {
        let input = match input_url(location) {
            Ok(url) => url,
            Err(e) => return ProbeOutcome::Unreadable(e),
        };
        let mut command = Command::new(&self.program);
        command
            .args(["-v", "error", "-hide_banner", "-protocol_whitelist"])
            .arg("file,subfile")
            .args(["-show_format", "-show_streams", "-of", "json", "-i"])
            .arg(&input);
        let run = match run(command, self.timeout) {
            Ok(run) => run,
            Err(Failed::TimedOut) => return ProbeOutcome::TimedOut(self.timeout),
            Err(Failed::Io(e)) => {
                return ProbeOutcome::Unreadable(format!(
                    "cannot run {}: {e}",
                    self.program.display()
                ));
            }
        };
        if !run.status.success() {
            return ProbeOutcome::Unreadable(run.first_error("ffprobe"));
        }
        match serde_json::from_slice::<ProbeJson>(&run.stdout) {
            Ok(json) => interpret(&json),
            Err(e) => ProbeOutcome::Unreadable(format!("unexpected ffprobe output: {e}")),
        }
    }
}

/// A located ffmpeg, for `--deep`, and the limit on decoding one video.
#[derive(Clone, Debug)]
pub struct Ffmpeg {
    program: PathBuf,
    timeout: Duration,
}

impl Ffmpeg {
    /// Find ffmpeg: `$TRAINPACK_FFMPEG` if set, else beside `ffprobe` (the
    /// one `$TRAINPACK_FFPROBE` names, when it does), else `ffmpeg` on
    /// `PATH`. Decoding takes longer than probing: the limit is ten probe
    /// timeouts.
    pub fn locate(probe_timeout: Duration) -> Option<Ffmpeg> {
        let beside_ffprobe = || {
            let ffprobe = crate::env::get().ffprobe.clone()?;
            let own = ffprobe.file_name()?.to_string_lossy().into_owned();
            let name = own.replacen("ffprobe", "ffmpeg", 1);
            // A name without "ffprobe" in it has no ffmpeg beside it to
            // guess (it would be ffprobe itself).
            (name != own)
                .then(|| ffprobe.with_file_name(name))
                .filter(|p| p.is_file())
        };
        let program = match &crate::env::get().ffmpeg {
            Some(p) => Some(p.clone()).filter(|p| p.is_file()),
            None => beside_ffprobe().or_else(|| find_on_path("ffmpeg")),
        }?;
        Some(Ffmpeg {
            program,
            timeout: probe_timeout.saturating_mul(10),
        })
    }

    /// Decode every frame and report the first error (`-xerror` stops at it).
    pub fn decode(&self, location: &DirectLocation) -> Result<(), String> {
        let input = input_url(location)?;
        let mut command = Command::new(&self.program);
        command
            .args(["-nostdin", "-v", "error", "-xerror", "-protocol_whitelist"])
            .arg("file,subfile")
            .arg("-i")
            .arg(&input)
            .args(["-map", "0:v?", "-map", "0:a?", "-f", "null", "-"]);
        let run = run(command, self.timeout).map_err(|e| match e {
            Failed::TimedOut => format!("decoding took longer than {} s", self.timeout.as_secs()),
            Failed::Io(e) => format!("cannot run {}: {e}", self.program.display()),
        })?;
        // ffmpeg may exit 0 and still print decoding errors.
        let quiet = String::from_utf8_lossy(&run.stderr)
            .lines()
            .all(|l| l.trim().is_empty());
        if run.status.success() && quiet {
            Ok(())
        } else {
            Err(run.first_error("ffmpeg"))
        }
    }
}

/// A child that ran to its end.
struct Finished {
    status: std::process::ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Finished {
    /// The first line the program wrote to stderr, else its exit status.
    fn first_error(&self, name: &str) -> String {
        let text = String::from_utf8_lossy(&self.stderr);
        match text.lines().map(str::trim).find(|l| !l.is_empty()) {
            Some(line) => line.to_owned(),
            None => format!("{name} exited with {}", self.status),
        }
    }
}

enum Failed {
    TimedOut,
    Io(std::io::Error),
}

/// Run `command` with no stdin, killing it after `timeout`. Both pipes are
/// drained on threads so a chatty child cannot block on a full pipe while
/// we wait for it to exit.
fn run(mut command: Command, timeout: Duration) -> Result<Finished, Failed> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(Failed::Io)?;
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failed::TimedOut);
        }
        Err(e) => return Err(Failed::Io(e)),
    };
    Ok(Finished {
        status,
        stdout: stdout.and_then(|t| t.join().ok()).unwrap_or_default(),
        stderr: stderr.and_then(|t| t.join().ok()).unwrap_or_default(),
    })
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    })
}

/// `name` in a folder of PATH (`name.exe` on Windows).
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = crate::env::get().path.as_ref()?;
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    std::env::split_paths(path)
        .map(|dir| dir.join(&file))
        .find(|candidate| candidate.is_file())
}

/// The URL ffprobe reads: always absolute and always prefixed, so no file
/// name is ever taken for an option or another protocol.
fn input_url(location: &DirectLocation) -> Result<OsString, String> {
    let absolute = |p: &Path| std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()));
    let mut url = OsString::new();
    match location {
        DirectLocation::File(p) => {
            url.push("file:");
            url.push(absolute(p)?);
        }
        DirectLocation::Span {
            archive,
            start,
            end,
        } => {
            url.push(format!("subfile,,start,{start},end,{end},,:file:"));
            url.push(absolute(archive)?);
        }
    }
    Ok(url)
}

#[derive(Debug, Default, Deserialize)]
struct ProbeJson {
    #[serde(default)]
    streams: Vec<StreamJson>,
    #[serde(default)]
    format: Option<FormatJson>,
}

#[derive(Debug, Default, Deserialize)]
struct FormatJson {
    #[serde(default)]
    format_name: Option<String>,
    #[serde(default)]
    duration: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct StreamJson {
    #[serde(default)]
    codec_type: Option<String>,
    #[serde(default)]
    codec_name: Option<String>,
    #[serde(default)]
    width: Option<u32>,
    #[serde(default)]
    height: Option<u32>,
    #[serde(default)]
    avg_frame_rate: Option<String>,
    #[serde(default)]
    r_frame_rate: Option<String>,
    #[serde(default)]
    sample_rate: Option<String>,
    #[serde(default)]
    channels: Option<u32>,
    #[serde(default)]
    duration: Option<String>,
    #[serde(default)]
    disposition: Option<DispositionJson>,
    #[serde(default)]
    side_data_list: Vec<SideDataJson>,
    #[serde(default)]
    tags: Option<TagsJson>,
}

#[derive(Debug, Default, Deserialize)]
struct DispositionJson {
    #[serde(default)]
    attached_pic: u8,
}

#[derive(Debug, Default, Deserialize)]
struct SideDataJson {
    #[serde(default)]
    rotation: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
struct TagsJson {
    #[serde(default)]
    rotate: Option<String>,
}

fn parse_rate(text: Option<&str>) -> Option<f64> {
    let (num, den) = text?.split_once('/')?;
    let (num, den): (f64, f64) = (num.parse().ok()?, den.parse().ok()?);
    (num > 0.0 && den > 0.0).then(|| num / den)
}

fn interpret(json: &ProbeJson) -> ProbeOutcome {
    let is_type = |s: &StreamJson, t: &str| s.codec_type.as_deref() == Some(t);
    let is_cover = |s: &StreamJson| s.disposition.as_ref().is_some_and(|d| d.attached_pic == 1);
    let video = json
        .streams
        .iter()
        .find(|s| is_type(s, "video") && !is_cover(s));
    let audio = json.streams.iter().find(|s| is_type(s, "audio"));
    let stream_duration = json
        .streams
        .iter()
        .filter_map(|s| s.duration.as_deref()?.parse::<f64>().ok())
        .fold(0.0_f64, f64::max);
    let format = json.format.as_ref();
    let duration_s = format
        .and_then(|f| f.duration.as_deref()?.parse::<f64>().ok())
        .filter(|d| d.is_finite())
        .unwrap_or(stream_duration);
    let (mut width, mut height) = (video.and_then(|v| v.width), video.and_then(|v| v.height));
    if video.is_some_and(quarter_turn) {
        std::mem::swap(&mut width, &mut height);
    }
    let info = VideoInfo {
        container: format
            .and_then(|f| f.format_name.clone())
            .unwrap_or_default(),
        duration_s,
        codec: video.and_then(|v| v.codec_name.clone()),
        width,
        height,
        fps: video.and_then(|v| {
            parse_rate(v.avg_frame_rate.as_deref())
                .or_else(|| parse_rate(v.r_frame_rate.as_deref()))
        }),
        audio_codec: audio.and_then(|a| a.codec_name.clone()),
        sample_rate: audio.and_then(|a| a.sample_rate.as_deref()?.parse().ok()),
        channels: audio.and_then(|a| a.channels),
        has_cover_art: json.streams.iter().any(is_cover),
        faststart: None,
        engine: "ffprobe",
    };
    match video {
        None => ProbeOutcome::NoVideoStream(info),
        Some(_) if duration_s.is_nan() || duration_s <= 0.0 => ProbeOutcome::ZeroDuration(info),
        Some(_) => ProbeOutcome::Video(info),
    }
}

/// Rotated by ±90° (display matrix side data, or the older `rotate` tag).
fn quarter_turn(stream: &StreamJson) -> bool {
    let from_side_data = stream.side_data_list.iter().find_map(|s| s.rotation);
    let from_tag = stream
        .tags
        .as_ref()
        .and_then(|t| t.rotate.as_deref()?.parse::<f64>().ok());
    from_side_data
        .or(from_tag)
        .is_some_and(|r| (r.abs().round() as i64) % 180 == 90)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ProbeOutcome {
        interpret(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn audio_only_and_cover_art_are_not_video() {
        let audio_only = r#"{"streams":[{"codec_type":"audio","codec_name":"aac","sample_rate":"44100","channels":2}],
            "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"1.0"}}"#;
        assert!(matches!(parse(audio_only), ProbeOutcome::NoVideoStream(_)));
        let cover = r#"{"streams":[{"codec_type":"audio","codec_name":"aac"},
            {"codec_type":"video","codec_name":"mjpeg","width":300,"height":300,"disposition":{"attached_pic":1}}],
            "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"3.5"}}"#;
        match parse(cover) {
            ProbeOutcome::NoVideoStream(info) => assert!(info.has_cover_art),
            other => panic!("expected no video stream, got {other:?}"),
        }
    }

    #[test]
    fn rotation_swaps_the_displayed_size() {
        let rotated = r#"{"streams":[{"codec_type":"video","codec_name":"h264","width":1920,"height":1080,
            "avg_frame_rate":"30000/1001","side_data_list":[{"rotation":-90}]}],
            "format":{"format_name":"mov","duration":"2.0"}}"#;
        let ProbeOutcome::Video(info) = parse(rotated) else {
            panic!("expected a video")
        };
        assert_eq!((info.width, info.height), (Some(1080), Some(1920)));
        assert!((info.fps.unwrap() - 29.97).abs() < 0.01);
    }

    #[test]
    fn zero_duration_is_not_a_video() {
        let zero = r#"{"streams":[{"codec_type":"video","codec_name":"h264","width":2,"height":2}],
            "format":{"format_name":"mov","duration":"0.000000"}}"#;
        assert!(matches!(parse(zero), ProbeOutcome::ZeroDuration(_)));
    }

    #[test]
    fn inputs_are_always_file_urls() {
        let url = input_url(&DirectLocation::File(PathBuf::from("/tmp/-x:y.mp4"))).unwrap();
        assert_eq!(url, "file:/tmp/-x:y.mp4");
        let url = input_url(&DirectLocation::Span {
            archive: PathBuf::from("/a/b.zip"),
            start: 10,
            end: 20,
        })
        .unwrap();
        assert_eq!(url, "subfile,,start,10,end,20,,:file:/a/b.zip");
    }
}
