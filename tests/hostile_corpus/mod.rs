//! Builders for the hostile corpus (`tests/hostile.rs`): malformed zips
//! written byte by byte, so every header field can lie, plus a runner that
//! records exit code, output and peak memory of one `trainpack` run.
#![allow(dead_code)]

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// CRC-32 (IEEE), bitwise: the corpus is small.
pub fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    let mut crc = !0u32;
    for &b in data {
        crc = table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

/// `data` compressed with `method` by the zip crate: (compressed bytes, CRC).
pub fn compress(data: &[u8], method: zip::CompressionMethod) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(false);
        w.start_file("x", options).unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap();
    }
    let bytes = out.into_inner();
    assert_eq!(&bytes[0..4], b"PK\x03\x04");
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let start = 30 + u16_at(26) + u16_at(28);
    let len = u32_at(18) as usize;
    bytes[start..start + len].to_vec()
}

/// One entry of a hand-made zip. Every field is written as given.
#[derive(Clone)]
pub struct RawEntry {
    /// Name in the central directory.
    pub name: Vec<u8>,
    /// Name in the local header (defaults to `name`).
    pub local_name: Option<Vec<u8>>,
    pub method: u16,
    pub flags: u16,
    /// The bytes stored (already compressed).
    pub data: Vec<u8>,
    pub crc: u32,
    /// Declared uncompressed size.
    pub size: u32,
    /// Unix mode in the external attributes (made by Unix), if any.
    pub unix_mode: Option<u32>,
    /// Reuse the local header and data of an earlier entry (overlap).
    pub same_data_as: Option<usize>,
}

impl RawEntry {
    /// A stored entry, honest in every field.
    pub fn stored(name: &str, data: &[u8]) -> RawEntry {
        RawEntry {
            name: name.as_bytes().to_vec(),
            local_name: None,
            method: 0,
            flags: 0x0800,
            data: data.to_vec(),
            crc: crc32(data),
            size: data.len() as u32,
            unix_mode: None,
            same_data_as: None,
        }
    }

    /// A deflated entry, honest in every field.
    pub fn deflated(name: &str, data: &[u8]) -> RawEntry {
        RawEntry {
            method: 8,
            data: compress(data, zip::CompressionMethod::Deflated),
            ..RawEntry::stored(name, data)
        }
    }
}

/// A zip from raw entries; `declared_entries` overrides the count in the end
/// record (to lie about it).
pub fn raw_zip(entries: &[RawEntry], declared_entries: Option<u16>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        if let Some(i) = e.same_data_as {
            offsets.push(offsets[i]);
            continue;
        }
        offsets.push(out.len() as u32);
        let name = e.local_name.as_ref().unwrap_or(&e.name);
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&e.flags.to_le_bytes());
        out.extend_from_slice(&e.method.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0x21, 0]); // time, date (1980-01-01)
        out.extend_from_slice(&e.crc.to_le_bytes());
        out.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&e.size.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(&e.data);
    }
    let cd_start = out.len() as u32;
    for (e, offset) in entries.iter().zip(&offsets) {
        let src = e.same_data_as.map_or(e, |i| &entries[i]);
        let made_by: u16 = if e.unix_mode.is_some() { 0x0314 } else { 20 };
        out.extend_from_slice(b"PK\x01\x02");
        out.extend_from_slice(&made_by.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&e.flags.to_le_bytes());
        out.extend_from_slice(&src.method.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0x21, 0]);
        out.extend_from_slice(&src.crc.to_le_bytes());
        out.extend_from_slice(&(src.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&src.size.to_le_bytes());
        out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attrs
        out.extend_from_slice(&(e.unix_mode.unwrap_or(0) << 16).to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&e.name);
    }
    let cd_len = out.len() as u32 - cd_start;
    let n = declared_entries.unwrap_or(entries.len() as u16);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// What one run did.
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Peak resident memory in KiB (VmHWM, sampled until exit).
    pub peak_kib: u64,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn report(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not a JSON report ({e}); exit {:?}\nstdout:\n{}\nstderr:\n{}",
                self.code, self.stdout, self.stderr
            )
        })
    }
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

const TIME_TAG: &str = "TRAINPACK_TEST_MAXRSS_KIB=";

/// The same command under GNU time (`/usr/bin/time -f`), which reports the
/// child's peak memory exactly; unchanged when GNU time is not installed.
fn with_time(cmd: Command) -> Command {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return cmd;
    }
    let mut wrapped = Command::new(time);
    wrapped
        .arg("-f")
        .arg(format!("\n{TIME_TAG}%M"))
        .arg(cmd.get_program())
        .args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => wrapped.env(k, v),
            None => wrapped.env_remove(k),
        };
    }
    wrapped
}

/// Run a prepared command to its end (killed after `limit`), sampling its
/// peak memory every few milliseconds.
pub fn run_measured(cmd: Command, limit: Duration) -> Outcome {
    let mut cmd = with_time(cmd);
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run trainpack");
    let pid = child.id();
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out_pipe.read_to_end(&mut s);
        s
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err_pipe.read_to_end(&mut s);
        s
    });
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("trainpack ran longer than {limit:?}: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(3));
    };
    let stdout = String::from_utf8_lossy(&out_thread.join().unwrap()).into_owned();
    let mut stderr = String::from_utf8_lossy(&err_thread.join().unwrap()).into_owned();
    // GNU time's exact figure (max RSS of the child, from wait4) when present.
    if let Some(at) = stderr.rfind(TIME_TAG) {
        if let Ok(kib) = stderr[at + TIME_TAG.len()..].trim().parse::<u64>() {
            peak = peak.max(kib);
        }
        stderr.truncate(at);
    }
    Outcome {
        code: status.code(),
        stdout,
        stderr,
        peak_kib: peak,
        elapsed: start.elapsed(),
    }
}

/// Every path under `dir` (files, folders, links), relative, sorted.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(read) = std::fs::read_dir(dir) else {
            return;
        };
        for e in read.flatten() {
            let p = e.path();
            out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                walk(root, &p, out);
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A tiny real MP4 made with ffmpeg; false (the test skips) when ffmpeg is
/// missing, unless CI or TRAINPACK_REQUIRE_FFMPEG asks for it.
pub fn make_video(dst: &Path) -> bool {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args([
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x36:rate=10:duration=0.4",
        ])
        .args(["-c:v", "mpeg4", "-pix_fmt", "yuv420p", "-f", "mp4"])
        .arg(dst)
        .output();
    match out {
        Ok(o) if o.status.success() => true,
        _ if std::env::var_os("CI").is_some()
            || std::env::var_os("TRAINPACK_REQUIRE_FFMPEG").is_some() =>
        {
            panic!("ffmpeg is required by this test (apt install ffmpeg)")
        }
        _ => {
            eprintln!("skipped: ffmpeg is not installed");
            false
        }
    }
}
