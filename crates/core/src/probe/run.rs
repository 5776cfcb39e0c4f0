//! One call from `check` to a probe outcome: the engine choice (`--probe`),
//! the fallback to the external engine (ffprobe, which the binary brings),
//! and `--deep`.

use std::sync::Arc;

use super::{Engine, ExternalProbe, ProbeOutcome, builtin};
use crate::formats::{Container, Family};
use crate::scan::Scanned;
use crate::source::{Entry, EntryReader, Package};

/// How videos are confirmed: the engine, and the external programs given.
#[derive(Clone, Default)]
pub struct Probing {
    /// Which engine confirms videos.
    pub engine: Engine,
    /// Also decode every video (with the external engine's decoder) to
    /// catch corrupt streams.
    pub deep: bool,
    /// The external engine (ffprobe and ffmpeg), when the caller has one:
    /// the core never runs a program itself.
    pub external: Option<Arc<dyn ExternalProbe>>,
}

impl Probing {
    /// Whether ffprobe could be asked (a missing one is reported once).
    pub fn has_ffprobe(&self) -> bool {
        self.external.as_ref().is_some_and(|x| x.can_probe())
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
            ProbeOutcome::Video(_) => match (&self.external, self.deep) {
                (Some(x), true) => x.decode(package, reader, entry).unwrap_or(outcome),
                _ => outcome,
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
        let run_ffprobe = |reader: &mut EntryReader| match &self.external {
            Some(x) if x.can_probe() => x.probe(package, reader, entry),
            _ => ProbeOutcome::Unavailable,
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
        if self.engine == Engine::Builtin || !self.has_ffprobe() {
            return outcome;
        }
        run_ffprobe(reader)
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
