//! trainpack: validate and archive digital training packages (数字化培训包).
//!
//! Two crates. `trainpack-core` (crates/core) holds the pipeline with no
//! operating system in it: `source` → `scan` → `identify` → `probe` →
//! `policy` + `rules` → `report`, joined by `check`. This crate is the
//! program around it: the command line (`cli`), the environment read once
//! (`env`), ffprobe and ffmpeg as child processes, the progress bar, and
//! the commands that write files (`pack`, `bagit`, `verify`, `batch`,
//! `init`, `audit`).
//!
//! The core's modules are re-exported under their own names, so
//! `trainpack::source::Package` and the like keep working; a few are
//! extended here with what needs this crate's types.

pub use trainpack_core::{
    audit, check, descriptor, error, formats, i18n, identify, kinds, manifest, platform, policy,
    rules, scan, source,
};

/// The core's probes, and ffprobe as the external engine.
pub mod probe {
    pub use trainpack_core::probe::*;
}

/// The core's report model and renderers, and the renderers of what only
/// the binary makes (bags, verify changes, command outcomes).
pub mod report {
    pub use trainpack_core::report::*;

    pub mod bag;
    pub mod outcome;
    pub mod verify;
}

/// The core's schemas, and the upload ticket's (a `pack` type).
pub mod schema {
    pub use trainpack_core::schema::*;

    /// Every generated schema: its file name under `schemas/` and its text.
    pub fn generated() -> Vec<(&'static str, String)> {
        let mut all = trainpack_core::schema::generated();
        all.push(written_document::<crate::pack::UploadTicket>(
            "upload-ticket.schema.json",
        ));
        all
    }
}

pub mod atomic;
pub mod audit_cmd;
pub mod bagit;
pub mod batch;
pub mod cli;
pub mod digest_sink;
pub mod env;
pub mod ffprobe;
pub mod init;
pub mod pack;
pub mod progress_bar;
pub mod verify;
