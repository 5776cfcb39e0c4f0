//! One call from `check` to a probe outcome: the engine choice (`--probe`),
//! the fallback to ffprobe, spooling a compressed zip entry to a temporary
//! file for the external programs, and `--deep`.

use std::io;
use std::time::Duration;

use super::ffprobe::{Ffmpeg, Ffprobe};
use super::{Engine, ProbeOutcome, builtin};
use crate::formats::{Container, Family};
use crate::scan::Scanned;
use crate::source::{DirectLocation, Entry, EntryReader, Package};

/// How videos are confirmed: the engine, and the programs found for it.
#[derive(Clone)]
pub struct Probing {
    /// Which engine confirms videos.
    pub engine: Engine,
    /// Also decode every video with this ffmpeg to catch corrupt streams.
    pub deep: Option<Ffmpeg>,
    /// ffprobe, when installed.
    pub ffprobe: Option<Ffprobe>,
}

impl Probing {
    /// `auto`, no `--deep`, ffprobe from `PATH` with this time limit.
    pub fn new(timeout: Duration) -> Probing {
        Probing {
            engine: Engine::Auto,
            deep: None,
            ffprobe: Ffprobe::locate(timeout),
        }
    }

    /// Whether ffprobe could be asked (a missing one is reported once).
    pub fn has_ffprobe(&self) -> bool {
        self.ffprobe.is_some()
    }

    /// One video container entry through the chosen engine, then, with
    /// `--deep`, decoded whole by ffmpeg whatever engine confirmed it.
    /// `scanned` is what the scan read of it (the bytes it captured, and
    /// the built-in probe's answer on them); `media_type` what it was
    /// identified as.
    pub fn probe(
        &self,
        package: &Package,
        reader: &mut EntryReader,
        entry: &Entry,
        scanned: &Scanned,
        media_type: &str,
    ) -> ProbeOutcome {
        let outcome = self.confirm(package, reader, entry, scanned, media_type);
        match outcome {
            ProbeOutcome::Video(_) => match &self.deep {
                Some(ffmpeg) => deep_check(ffmpeg, package, reader, entry).unwrap_or(outcome),
                None => outcome,
            },
            _ => outcome,
        }
    }

    /// `auto`: the built-in probe's answer from the scan when it is final;
    /// else the built-in probe on a seekable reader; ffprobe when the
    /// built-in probe cannot read the format or calls the file unreadable
    /// (a second opinion).
    fn confirm(
        &self,
        package: &Package,
        reader: &mut EntryReader,
        entry: &Entry,
        scanned: &Scanned,
        media_type: &str,
    ) -> ProbeOutcome {
        let run_ffprobe = |reader: &mut EntryReader| match &self.ffprobe {
            Some(ffprobe) => match package.direct_location(entry) {
                Some(location) => ffprobe.probe(&location),
                None => probe_spooled(ffprobe, reader, entry),
            },
            None => ProbeOutcome::Unavailable,
        };
        if self.engine == Engine::Ffprobe {
            return run_ffprobe(reader);
        }
        let outcome = match builtin_probe(reader, entry, scanned, media_type) {
            Some(Ok(details)) => return details.outcome(),
            // Data the index points to is missing: ffprobe reads the same
            // index and would say "video", so its second opinion is not asked.
            Some(Err(builtin::ProbeError::CutShort(reason))) => {
                return ProbeOutcome::Unreadable(reason.to_string());
            }
            Some(Err(e)) => ProbeOutcome::Unreadable(e.into_reason()),
            None => ProbeOutcome::Unavailable,
        };
        if self.engine == Engine::Builtin || self.ffprobe.is_none() {
            return outcome;
        }
        run_ffprobe(reader)
    }
}

/// `--deep`: decode the whole video with ffmpeg; a decoding error makes the
/// file unreadable. None when the video decodes cleanly.
fn deep_check(
    ffmpeg: &Ffmpeg,
    package: &Package,
    reader: &mut EntryReader,
    entry: &Entry,
) -> Option<ProbeOutcome> {
    let result = match package.direct_location(entry) {
        Some(location) => ffmpeg.decode(&location),
        None => match spool(reader, entry) {
            Ok(spooled) => ffmpeg.decode(&DirectLocation::File(spooled.path().to_owned())),
            Err(e) => Err(crate::probe::ffprobe::DecodeError::CannotCopyOut(e)),
        },
    };
    match result {
        Ok(()) => None,
        Err(reason) => Some(ProbeOutcome::Unreadable(format!(
            "decoding failed: {reason}"
        ))),
    }
}

fn builtin_probe(
    reader: &mut EntryReader,
    entry: &Entry,
    scanned: &Scanned,
    media_type: &str,
) -> Option<Result<builtin::Details, builtin::ProbeError>> {
    let subtype = media_type.rsplit('/').next().unwrap_or("");
    let family =
        (scanned.sniffed.container.map(Container::family)).or_else(|| Family::from_hint(subtype));
    if let Some(early) = scanned.early_probe.as_ref().filter(|e| e.complete) {
        return early.result.clone();
    }
    match reader.open_seekable(entry) {
        Ok(Some(mut seekable)) => builtin::probe_details(&mut seekable, scanned.size, family),
        Ok(None) => scanned.early_probe.as_ref().and_then(|e| e.result.clone()),
        Err(e) => Some(Err(builtin::Unreadable::Reopen(e.to_string()).into())),
    }
}

/// A compressed zip entry cannot be read in place: copy only that entry to a
/// temporary file (deleted when dropped) and probe the copy.
fn probe_spooled(ffprobe: &Ffprobe, reader: &mut EntryReader, entry: &Entry) -> ProbeOutcome {
    match spool(reader, entry) {
        Ok(temp) => ffprobe.probe(&DirectLocation::File(temp.path().to_owned())),
        Err(e) => ProbeOutcome::Unreadable(format!("cannot copy the entry for probing: {e}")),
    }
}

/// Copy one entry to a temporary file (deleted when dropped).
fn spool(reader: &mut EntryReader, entry: &Entry) -> io::Result<tempfile::NamedTempFile> {
    let mut temp = tempfile::Builder::new()
        .prefix("trainpack-probe-")
        .tempfile()?;
    io::copy(&mut reader.open(entry)?, temp.as_file_mut())?;
    Ok(temp)
}
