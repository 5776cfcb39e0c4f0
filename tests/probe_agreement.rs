//! The built-in probe agrees with ffprobe on files made by the local ffmpeg.
//!
//! Generates ~60 tiny files (testsrc2 + sine, 1–3 s, `-threads 1`) in a
//! temp dir on two threads, probes each with both engines, prints a table
//! and the average time per probe, and asserts: same outcome class, and for
//! videos the same codec, width and height and a duration within 0.1 s or
//! 1%; for all, the same audio codec and channel count. Skipped (with a
//! note) when ffmpeg or ffprobe is not installed.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use trainpack::ffprobe::Ffprobe;
use trainpack::formats::Family;
use trainpack::probe::{ProbeOutcome, builtin};
use trainpack::source::DirectLocation;

/// How a case is made.
enum Make {
    /// `ffmpeg` arguments after the lavfi inputs; `video`/`audio` select
    /// which inputs are given.
    Encode {
        video: bool,
        audio: bool,
        size: &'static str,
        rate: &'static str,
        secs: &'static str,
        args: &'static [&'static str],
    },
    /// `ffmpeg -i <earlier case> <args>` (stream copy edits).
    From(&'static str, &'static [&'static str]),
    /// The first half of an earlier case.
    HalfOf(&'static str),
    /// The first bytes of an earlier case.
    Prefix(&'static str, usize),
    /// An earlier AVI made OpenDML (AVI 2.0), as ffmpeg makes files over
    /// 1 GiB: `LIST odml`/`dmlh` and an `indx` in the header, a second RIFF
    /// (`AVIX`) with more frames, the stream length counting them all.
    OpenDml(&'static str),
    /// An earlier MP4 with its `mvhd` duration set to zero.
    ZeroMvhd(&'static str),
    /// Literal bytes.
    Bytes(&'static [u8]),
    /// Audio from one case plus a picture, as a cover (attached picture)
    /// or as a one-frame track.
    Cover(&'static str, &'static [&'static str]),
}

struct Case {
    name: &'static str,
    make: Make,
    /// ffprobe and the built-in probe are known to differ, on purpose.
    divergence: Option<&'static str>,
}

const fn enc(name: &'static str, video: bool, audio: bool, args: &'static [&'static str]) -> Case {
    Case {
        name,
        make: Make::Encode {
            video,
            audio,
            size: "160x90",
            rate: "25",
            secs: "1",
            args,
        },
        divergence: None,
    }
}

const X264: &[&str] = &["-c:v", "libx264", "-preset", "ultrafast"];

fn cases() -> Vec<Case> {
    let mut v = vec![
        enc(
            "h264_aac.mp4",
            true,
            true,
            &["-c:v", "libx264", "-c:a", "aac"],
        ),
        enc(
            "h264_noaudio.mp4",
            true,
            false,
            &["-c:v", "libx264", "-preset", "ultrafast"],
        ),
        enc(
            "h264_faststart.mp4",
            true,
            true,
            &["-c:v", "libx264", "-c:a", "aac", "-movflags", "+faststart"],
        ),
        enc(
            "hevc_aac.mp4",
            true,
            true,
            &[
                "-c:v",
                "libx265",
                "-preset",
                "ultrafast",
                "-x265-params",
                "log-level=error:pools=1:frame-threads=1",
                "-tag:v",
                "hvc1",
                "-c:a",
                "aac",
            ],
        ),
        enc(
            "hevc.mkv",
            true,
            false,
            &[
                "-c:v",
                "libx265",
                "-preset",
                "ultrafast",
                "-x265-params",
                "log-level=error:pools=1:frame-threads=1",
            ],
        ),
        Case {
            name: "mpeg4_mp3.mp4",
            make: Make::Encode {
                video: true,
                audio: true,
                size: "160x90",
                rate: "25",
                secs: "1",
                args: &["-c:v", "mpeg4", "-c:a", "libmp3lame"],
            },
            divergence: Some(
                "MP3 in MP4: ffmpeg writes channelcount 2 for mono and there is no \
                 decoder config; ffprobe reads the first MP3 frame header, the built-in \
                 probe does not read sample data",
            ),
        },
        enc("mpeg4.mov", true, false, &["-c:v", "mpeg4"]),
        enc(
            "h264_aac.mov",
            true,
            true,
            &["-c:v", "libx264", "-c:a", "aac"],
        ),
        enc(
            "h264_pcm.mov",
            true,
            true,
            &["-c:v", "libx264", "-c:a", "pcm_s16le"],
        ),
        enc("mjpeg.mov", true, false, &["-c:v", "mjpeg"]),
        enc(
            "prores.mov",
            true,
            false,
            &["-c:v", "prores_ks", "-profile:v", "0"],
        ),
        enc(
            "vp9_opus.webm",
            true,
            true,
            &[
                "-c:v",
                "libvpx-vp9",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-c:a",
                "libopus",
            ],
        ),
        enc(
            "vp8_vorbis.webm",
            true,
            true,
            &[
                "-c:v",
                "libvpx",
                "-deadline",
                "realtime",
                "-c:a",
                "libvorbis",
            ],
        ),
        enc(
            "av1_opus.webm",
            true,
            true,
            &[
                "-c:v",
                "libaom-av1",
                "-cpu-used",
                "8",
                "-usage",
                "realtime",
                "-c:a",
                "libopus",
            ],
        ),
        enc(
            "av1.mp4",
            true,
            false,
            &["-c:v", "libaom-av1", "-cpu-used", "8", "-usage", "realtime"],
        ),
        enc(
            "vp9_opus.mp4",
            true,
            true,
            &[
                "-c:v",
                "libvpx-vp9",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-c:a",
                "libopus",
            ],
        ),
        enc(
            "h264_aac.mkv",
            true,
            true,
            &["-c:v", "libx264", "-c:a", "aac"],
        ),
        enc(
            "mpeg4_ac3.mkv",
            true,
            true,
            &["-c:v", "mpeg4", "-c:a", "ac3"],
        ),
        enc(
            "h264_flac.mkv",
            true,
            true,
            &["-c:v", "libx264", "-c:a", "flac"],
        ),
        enc(
            "h264_pcm.mkv",
            true,
            true,
            &["-c:v", "libx264", "-c:a", "pcm_s16le"],
        ),
        enc(
            "vfr.mp4",
            true,
            false,
            &[
                "-vf",
                "select='lt(mod(n\\,10)\\,4)'",
                "-fps_mode",
                "vfr",
                "-c:v",
                "libx264",
            ],
        ),
        enc(
            "vfr.mkv",
            true,
            false,
            &[
                "-vf",
                "select='lt(mod(n\\,10)\\,4)'",
                "-fps_mode",
                "vfr",
                "-c:v",
                "libx264",
            ],
        ),
        enc(
            "frag_empty_moov.mp4",
            true,
            true,
            &[
                "-c:v",
                "libx264",
                "-c:a",
                "aac",
                "-movflags",
                "frag_keyframe+empty_moov",
            ],
        ),
        enc(
            "frag_dash.mp4",
            true,
            true,
            &[
                "-c:v",
                "libx264",
                "-g",
                "10",
                "-c:a",
                "aac",
                "-movflags",
                "frag_keyframe+empty_moov+default_base_moof",
                "-frag_duration",
                "300000",
            ],
        ),
        enc(
            "frag_keyframe.mp4",
            true,
            true,
            &[
                "-c:v",
                "libx264",
                "-c:a",
                "aac",
                "-movflags",
                "frag_keyframe",
            ],
        ),
        enc("audio_only.mp4", false, true, &["-c:a", "aac"]),
        // AAC channels: ffmpeg writes channelcount 2 in the sample entry
        // for mono; the AudioSpecificConfig in `esds` has the real count.
        enc(
            "aac_mono.mp4",
            true,
            true,
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-c:a",
                "aac",
                "-ac",
                "1",
            ],
        ),
        enc(
            "aac_stereo.mp4",
            true,
            true,
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-c:a",
                "aac",
                "-ac",
                "2",
            ],
        ),
        enc(
            "aac_51.mp4",
            true,
            true,
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-c:a",
                "aac",
                "-ac",
                "6",
            ],
        ),
        enc("audio_only.m4a", false, true, &["-c:a", "aac"]),
        enc("audio_only.mkv", false, true, &["-c:a", "libopus"]),
        enc("audio_mp3.mov", false, true, &["-c:a", "libmp3lame"]),
        enc(
            "h264.3gp",
            true,
            true,
            &["-c:v", "libx264", "-c:a", "aac", "-ar", "16000", "-ac", "1"],
        ),
        enc("h264.m4v", true, false, X264),
        Case {
            name: "live.webm",
            make: Make::Encode {
                video: true,
                audio: true,
                size: "160x90",
                rate: "25",
                secs: "1",
                // Written to a pipe: no Duration, no Cues (like MediaRecorder).
                args: &[
                    "-c:v",
                    "libvpx",
                    "-deadline",
                    "realtime",
                    "-c:a",
                    "libopus",
                    "-f",
                    "webm",
                    "pipe:",
                ],
            },
            divergence: None,
        },
        Case {
            name: "ntsc_320x240.mp4",
            make: Make::Encode {
                video: true,
                audio: true,
                size: "320x240",
                rate: "30000/1001",
                secs: "3",
                args: &["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"],
            },
            divergence: None,
        },
        Case {
            name: "rotated90.mp4",
            make: Make::From(
                "h264_noaudio.mp4",
                &["-c", "copy", "-metadata:s:v:0", "rotate=90"],
            ),
            divergence: None,
        },
        Case {
            name: "rotated270.mov",
            make: Make::From(
                "h264_aac.mov",
                &["-c", "copy", "-metadata:s:v:0", "rotate=270"],
            ),
            divergence: None,
        },
        Case {
            name: "rotated180.mp4",
            make: Make::From(
                "h264_noaudio.mp4",
                &["-c", "copy", "-metadata:s:v:0", "rotate=180"],
            ),
            divergence: None,
        },
        Case {
            name: "remux_faststart.mov",
            make: Make::From("mpeg4.mov", &["-c", "copy", "-movflags", "+faststart"]),
            divergence: None,
        },
        Case {
            name: "cover_art.mp4",
            make: Make::Cover(
                "audio_only.m4a",
                &["-c", "copy", "-disposition:v:0", "attached_pic"],
            ),
            divergence: None,
        },
        Case {
            name: "cover_art.mkv",
            make: Make::Cover("audio_only.mkv", &[]),
            divergence: None,
        },
        Case {
            name: "still_track.mp4",
            make: Make::Cover("audio_only.m4a", &["-c", "copy"]),
            divergence: Some(
                "a one-picture MJPEG track: ffprobe calls it video, the built-in probe cover art",
            ),
        },
        Case {
            name: "truncated.mp4",
            make: Make::HalfOf("h264_aac.mp4"),
            divergence: None,
        },
        Case {
            name: "truncated_faststart.mp4",
            make: Make::HalfOf("h264_faststart.mp4"),
            divergence: Some(
                "the index survives the cut but half the samples it points to are gone: \
                 ffprobe reads the index and calls it video, the built-in probe checks \
                 the chunk offsets against the file size and calls it unreadable (issue 12)",
            ),
        },
        Case {
            name: "truncated.webm",
            make: Make::HalfOf("vp9_opus.webm"),
            divergence: Some(
                "the header survives the cut: ffprobe calls it video, the built-in probe \
                 sees the Segment end past the end of the file and calls it unreadable",
            ),
        },
        Case {
            name: "truncated_live.webm",
            make: Make::HalfOf("live.webm"),
            divergence: Some(
                "piped WebM (Segment size unknown, no Duration) cut in a Cluster: ffprobe \
                 finds no duration, the built-in probe sees the Cluster end past the end of \
                 the file and calls it unreadable (issue 12); neither counts it",
            ),
        },
        Case {
            name: "zero_mvhd.mp4",
            make: Make::ZeroMvhd("h264_aac.mp4"),
            divergence: None,
        },
        enc(
            "mpeg4_mp3.avi",
            true,
            true,
            &["-c:v", "mpeg4", "-c:a", "libmp3lame"],
        ),
        enc(
            "mjpeg_pcm.avi",
            true,
            true,
            &["-c:v", "mjpeg", "-c:a", "pcm_s16le"],
        ),
        enc(
            "h264_aac.avi",
            true,
            true,
            &["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"],
        ),
        enc(
            "xvid_ac3.avi",
            true,
            true,
            &["-c:v", "mpeg4", "-vtag", "XVID", "-c:a", "ac3"],
        ),
        enc(
            "hevc.avi",
            true,
            false,
            &[
                "-c:v",
                "libx265",
                "-preset",
                "ultrafast",
                "-x265-params",
                "log-level=error:pools=1:frame-threads=1",
                "-tag:v",
                "HEVC",
            ],
        ),
        enc("video_only.avi", true, false, &["-c:v", "mpeg4"]),
        enc("audio_mp3.avi", false, true, &["-c:a", "libmp3lame"]),
        enc("audio_pcm.avi", false, true, &["-c:a", "pcm_s16le"]),
        enc("audio_s24.avi", false, true, &["-c:a", "pcm_s24le"]),
        Case {
            name: "pipe.avi",
            make: Make::Encode {
                video: true,
                audio: true,
                size: "160x90",
                rate: "25",
                secs: "1",
                // Written to a pipe: the sizes and lengths are placeholders.
                args: &["-c:v", "mpeg4", "-c:a", "libmp3lame", "-f", "avi", "pipe:"],
            },
            divergence: None,
        },
        Case {
            name: "truncated.avi",
            make: Make::HalfOf("mpeg4_mp3.avi"),
            divergence: Some(
                "the header survives the cut: ffprobe calls it video, the built-in probe \
                 sees LIST movi end past the end of the file (idx1, at the end, is gone) \
                 and calls it unreadable (issue 12)",
            ),
        },
        Case {
            name: "truncated_header.avi",
            make: Make::Prefix("mpeg4_mp3.avi", 3000),
            divergence: None,
        },
        Case {
            name: "odml.avi",
            make: Make::OpenDml("video_only.avi"),
            divergence: None,
        },
        Case {
            name: "zero.mp4",
            make: Make::Bytes(b""),
            divergence: None,
        },
        Case {
            name: "pdf.mp4",
            make: Make::Bytes(
                b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
                  2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n\
                  trailer << /Root 1 0 R >>\n%%EOF\n",
            ),
            divergence: None,
        },
    ];
    v.shrink_to_fit();
    v
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn ffmpeg(args: &[&str], stdout_to: Option<&Path>) -> Result<(), String> {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"]);
    cmd.args(args);
    if let Some(path) = stdout_to {
        cmd.stdout(File::create(path).map_err(|e| e.to_string())?);
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

fn make(dir: &Path, case: &Case) -> Result<PathBuf, String> {
    let path = dir.join(case.name);
    let p = path.to_str().ok_or("non-UTF-8 temp path")?;
    let src = |name: &str| dir.join(name).to_string_lossy().into_owned();
    match &case.make {
        Make::Encode {
            video,
            audio,
            size,
            rate,
            secs,
            args,
        } => {
            let vin = format!("testsrc2=s={size}:r={rate}:d={secs}");
            let ain = format!("sine=f=440:d={secs}");
            let mut a: Vec<&str> = vec!["-threads", "1"];
            if *video {
                a.extend(["-f", "lavfi", "-i", &vin]);
            }
            if *audio {
                a.extend(["-f", "lavfi", "-i", &ain]);
            }
            a.extend(["-threads", "1"]);
            a.extend(args.iter());
            if args.last() == Some(&"pipe:") {
                ffmpeg(&a, Some(&path))?;
            } else {
                a.push(p);
                ffmpeg(&a, None)?;
            }
        }
        Make::From(from, args) => {
            let input = src(from);
            let mut a = vec!["-i", input.as_str()];
            a.extend(args.iter());
            a.push(p);
            ffmpeg(&a, None)?;
        }
        Make::HalfOf(from) => {
            let bytes = std::fs::read(dir.join(from)).map_err(|e| e.to_string())?;
            std::fs::write(&path, &bytes[..bytes.len() / 2]).map_err(|e| e.to_string())?;
        }
        Make::Prefix(from, n) => {
            let bytes = std::fs::read(dir.join(from)).map_err(|e| e.to_string())?;
            let head = bytes.get(..*n).ok_or("source too short")?;
            std::fs::write(&path, head).map_err(|e| e.to_string())?;
        }
        Make::OpenDml(from) => {
            let bytes = std::fs::read(dir.join(from)).map_err(|e| e.to_string())?;
            std::fs::write(&path, open_dml(bytes, 10)?).map_err(|e| e.to_string())?;
        }
        Make::ZeroMvhd(from) => {
            let mut bytes = std::fs::read(dir.join(from)).map_err(|e| e.to_string())?;
            let at = bytes
                .windows(4)
                .position(|w| w == b"mvhd")
                .ok_or("no mvhd")?;
            if bytes.get(at + 4) != Some(&0) {
                return Err("mvhd version 1".to_owned());
            }
            bytes.get_mut(at + 20..at + 24).ok_or("short mvhd")?.fill(0);
            std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
        }
        Make::Bytes(bytes) => std::fs::write(&path, bytes).map_err(|e| e.to_string())?,
        Make::Cover(from, args) => {
            let jpg = dir.join("cover.jpg");
            let jpg = jpg.to_string_lossy().into_owned();
            let input = src(from);
            if p.ends_with(".mkv") {
                let mut a = vec!["-i", input.as_str(), "-attach", jpg.as_str()];
                a.extend(["-metadata:s:t", "mimetype=image/jpeg", "-c", "copy", p]);
                ffmpeg(&a, None)?;
            } else {
                let mut a = vec!["-i", input.as_str(), "-i", jpg.as_str()];
                a.extend(["-map", "0", "-map", "1"]);
                a.extend(args.iter());
                a.push(p);
                ffmpeg(&a, None)?;
            }
        }
    }
    Ok(path)
}

/// ffmpeg's AVI with `more` frames in a second RIFF, made OpenDML in the
/// placeholders ffmpeg leaves for it: the `JUNK` closing `hdrl` becomes
/// `LIST odml` + `dmlh`, the stream's `JUNK` an (empty) `indx`. `avih`
/// keeps counting the first RIFF only, as OpenDML writers do.
fn open_dml(mut avi: Vec<u8>, more: u32) -> Result<Vec<u8>, String> {
    let find = |d: &[u8], what: &[u8], from: usize| {
        d.get(from..)
            .and_then(|t| t.windows(what.len()).position(|w| w == what))
            .map(|p| p + from)
            .ok_or(format!("no {}", String::from_utf8_lossy(what)))
    };
    let le = |d: &[u8], at: usize| u32::from_le_bytes(d[at..at + 4].try_into().unwrap());
    let strh = find(&avi, b"strh", 0)?;
    let frames = le(&avi, strh + 8 + 32);
    let total = frames + more;
    avi[strh + 8 + 32..strh + 8 + 36].copy_from_slice(&total.to_le_bytes());
    // The stream's reserved index space: a super index with no entries.
    let junk = find(&avi, b"JUNK", strh)?;
    avi[junk..junk + 4].copy_from_slice(b"indx");
    let mut indx = vec![4u8, 0, 0, 0, 0, 0, 0, 0];
    indx.extend(b"00dc");
    avi[junk + 8..junk + 8 + indx.len()].copy_from_slice(&indx);
    // The reserved odml list: the JUNK of 260 bytes just before LIST INFO.
    let odml = find(&avi, b"JUNK\x04\x01\0\0", junk + 4)?;
    let mut list = b"LIST\x04\x01\0\0odmldmlh\xf8\0\0\0".to_vec();
    list.extend(total.to_le_bytes());
    list.resize(8 + 260, 0);
    avi[odml..odml + list.len()].copy_from_slice(&list);
    // The second RIFF: copies of the first frame.
    let movi = find(&avi, b"movi", odml)?;
    let frame_at = find(&avi, b"00dc", movi)?;
    let frame_len = le(&avi, frame_at + 4) as usize;
    let frame = avi[frame_at..frame_at + 8 + frame_len + (frame_len & 1)].to_vec();
    let movi_body: Vec<u8> = [b"movi".to_vec(), frame.repeat(more as usize)].concat();
    let mut riff = b"RIFF".to_vec();
    riff.extend((movi_body.len() as u32 + 12).to_le_bytes());
    riff.extend(b"AVIXLIST");
    riff.extend((movi_body.len() as u32).to_le_bytes());
    riff.extend(movi_body);
    avi.extend(riff);
    Ok(avi)
}

fn hint(name: &str) -> Option<Family> {
    match name.rsplit('.').next() {
        Some("mp4" | "m4a" | "m4v" | "mov" | "3gp") => Some(Family::IsoBmff),
        Some("mkv" | "webm") => Some(Family::Matroska),
        Some("avi") => Some(Family::Avi),
        _ => None,
    }
}

fn class(o: &ProbeOutcome) -> &'static str {
    match o {
        ProbeOutcome::Video(_) => "Video",
        ProbeOutcome::NoVideoStream(_) => "NoVideoStream",
        ProbeOutcome::ZeroDuration(_) => "ZeroDuration",
        ProbeOutcome::Unreadable(_) => "Unreadable",
        ProbeOutcome::TimedOut(_) => "TimedOut",
        ProbeOutcome::Unavailable => "Unavailable",
    }
}

fn brief(o: Option<&ProbeOutcome>) -> String {
    let Some(o) = o else {
        return "None (→ ffprobe)".to_owned();
    };
    match o.info() {
        Some(i) => format!(
            "{} {:.3}s {} {}x{} fps={} a={}/{}/{}{}",
            class(o),
            i.duration_s,
            i.codec.as_deref().unwrap_or("-"),
            i.width.unwrap_or(0),
            i.height.unwrap_or(0),
            i.fps.map_or("-".to_owned(), |f| format!("{f:.2}")),
            i.audio_codec.as_deref().unwrap_or("-"),
            i.sample_rate.map_or("-".to_owned(), |r| r.to_string()),
            i.channels.map_or("-".to_owned(), |c| format!("{c}ch")),
            if i.has_cover_art { " cover" } else { "" }
        ),
        None => format!("{o:?}"),
    }
}

#[test]
fn builtin_probe_agrees_with_ffprobe() {
    if !have("ffmpeg") || !have("ffprobe") {
        let required = std::env::var_os("CI").is_some()
            || std::env::var_os("TRAINPACK_REQUIRE_FFMPEG").is_some();
        assert!(
            !required,
            "ffmpeg and ffprobe are required in CI: apt install ffmpeg"
        );
        eprintln!("skipped: ffmpeg/ffprobe not installed");
        return;
    }
    let ffprobe = Ffprobe::locate(Duration::from_secs(30)).expect("ffprobe on PATH");
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=64x64:r=1:d=1",
            "-frames:v",
            "1",
            dir.path().join("cover.jpg").to_str().unwrap(),
        ],
        None,
    )
    .expect("make cover.jpg");

    // Encode in parallel; cases made from other cases run afterwards.
    let made: Mutex<Vec<Option<Result<PathBuf, String>>>> =
        Mutex::new(cases.iter().map(|_| None).collect());
    for pass in [true, false] {
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(case) = cases.get(i) else { break };
                        if matches!(case.make, Make::Encode { .. }) != pass {
                            continue;
                        }
                        let r = make(dir.path(), case);
                        made.lock().unwrap()[i] = Some(r);
                    }
                });
            }
        });
    }
    let made = made.into_inner().unwrap();

    let mut failures = Vec::new();
    let mut compared = 0;
    let (mut t_builtin, mut t_ffprobe, mut n_timed) = (Duration::ZERO, Duration::ZERO, 0u32);
    println!(
        "{:<24} {:<6} {:<58} {:<58} faststart",
        "file", "agree", "built-in", "ffprobe"
    );
    for (case, made) in cases.iter().zip(made) {
        let path = match made {
            Some(Ok(p)) => p,
            Some(Err(e)) => {
                println!("{:<24} skipped: cannot generate: {e}", case.name);
                continue;
            }
            None => unreachable!(),
        };
        let len = std::fs::metadata(&path).unwrap().len();
        let t0 = Instant::now();
        let mut file = File::open(&path).unwrap();
        let built = builtin::probe(&mut file, len, hint(case.name));
        let t1 = Instant::now();
        let reference = ffprobe.probe(&DirectLocation::File(path.clone()));
        let t2 = Instant::now();
        if built.is_some() {
            t_builtin += t1 - t0;
            t_ffprobe += t2 - t1;
            n_timed += 1;
        }
        let faststart = built
            .as_ref()
            .and_then(|outcome| outcome.info())
            .and_then(|info| info.faststart);
        compared += 1;

        let problems = compare(built.as_ref(), &reference);
        let verdict = match (&problems, case.divergence) {
            (p, None) if p.is_empty() => "yes",
            (p, Some(_)) if !p.is_empty() => "known",
            (_, Some(why)) => {
                failures.push(format!(
                    "{}: expected divergence did not occur ({why})",
                    case.name
                ));
                "NO"
            }
            (p, None) => {
                failures.push(format!("{}: {}", case.name, p.join("; ")));
                "NO"
            }
        };
        println!(
            "{:<24} {:<6} {:<58} {:<58} {}",
            case.name,
            verdict,
            brief(built.as_ref()),
            brief(Some(&reference)),
            faststart.map_or("-", |f| if f { "yes" } else { "no" }),
        );
        if let (Some(why), "known") = (case.divergence, verdict) {
            println!("{:<24}        ({why})", "");
        }
    }
    if n_timed > 0 {
        println!(
            "average per probe over {n_timed} files: built-in {:.3} ms, ffprobe {:.1} ms",
            t_builtin.as_secs_f64() * 1e3 / f64::from(n_timed),
            t_ffprobe.as_secs_f64() * 1e3 / f64::from(n_timed),
        );
    }
    assert!(compared >= 30, "only {compared} files could be generated");
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}

/// Differences that matter; empty when the engines agree.
fn compare(built: Option<&ProbeOutcome>, reference: &ProbeOutcome) -> Vec<String> {
    let Some(built) = built else {
        // Not ours: the caller falls back to ffprobe, so a non-video there
        // is fine, but a video the built-in probe refused is a gap.
        return match reference {
            ProbeOutcome::Video(_) => vec!["built-in declined a video".to_owned()],
            _ => vec![],
        };
    };
    let mut p = Vec::new();
    if class(built) != class(reference) {
        p.push(format!("class {} vs {}", class(built), class(reference)));
        return p;
    }
    let (Some(b), Some(r)) = (built.info(), reference.info()) else {
        return p;
    };
    if b.container != r.container {
        p.push(format!("container {} vs {}", b.container, r.container));
    }
    if b.has_cover_art != r.has_cover_art {
        p.push(format!("cover {} vs {}", b.has_cover_art, r.has_cover_art));
    }
    if b.audio_codec != r.audio_codec {
        p.push(format!("audio {:?} vs {:?}", b.audio_codec, r.audio_codec));
    }
    if b.channels != r.channels {
        p.push(format!("channels {:?} vs {:?}", b.channels, r.channels));
    }
    if matches!(reference, ProbeOutcome::Video(_)) {
        let tolerance = (0.01 * r.duration_s).max(0.1);
        if (b.duration_s - r.duration_s).abs() > tolerance {
            p.push(format!("duration {} vs {}", b.duration_s, r.duration_s));
        }
        if b.codec != r.codec {
            p.push(format!("codec {:?} vs {:?}", b.codec, r.codec));
        }
        if (b.width, b.height) != (r.width, r.height) {
            p.push(format!(
                "size {:?}x{:?} vs {:?}x{:?}",
                b.width, b.height, r.width, r.height
            ));
        }
    }
    p
}

/// The committed samples (`samples/`), and a timing over them:
/// `cargo test --release --test probe_agreement -- --ignored --nocapture`.
#[test]
#[ignore = "timing and sample check, run by hand"]
fn builtin_probe_agrees_on_samples() {
    let Some(ffprobe) = Ffprobe::locate(Duration::from_secs(30)) else {
        eprintln!("skipped: ffprobe not installed");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut failures = Vec::new();
    let (mut t_builtin, mut t_ffprobe, mut n) = (Duration::ZERO, Duration::ZERO, 0u32);
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        let h = hint(&name);
        if !entry.file_type().is_file() || h.is_none() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
        let t0 = Instant::now();
        let built = builtin::probe(&mut File::open(&path).unwrap(), len, h);
        let t1 = Instant::now();
        let reference = ffprobe.probe(&DirectLocation::File(path.clone()));
        let t2 = Instant::now();
        if built.is_some() {
            t_builtin += t1 - t0;
            t_ffprobe += t2 - t1;
            n += 1;
        }
        let problems = compare(built.as_ref(), &reference);
        let shown = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        println!(
            "{:<4} {shown}\n     built-in {}\n     ffprobe  {}",
            if problems.is_empty() { "ok" } else { "NO" },
            brief(built.as_ref()),
            brief(Some(&reference))
        );
        if !problems.is_empty() {
            failures.push(format!("{shown}: {}", problems.join("; ")));
        }
    }
    if n > 0 {
        println!(
            "average per probe over {n} files: built-in {:.3} ms, ffprobe {:.1} ms",
            t_builtin.as_secs_f64() * 1e3 / f64::from(n),
            t_ffprobe.as_secs_f64() * 1e3 / f64::from(n),
        );
    }
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}
