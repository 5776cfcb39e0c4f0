//! trainpack-core: what trainpack knows about digital training packages
//! (数字化培训包), with no operating system in it, so it also runs in a
//! browser (wasm32).
//!
//! The pipeline, one module a stage:
//! `source` (folder, zip, or bytes the caller holds) → `scan` (one read:
//! hash + sniff) → `identify` (content → kind) → `probe` (is it really a
//! video?) → `policy` + `rules` (findings) → `report` (terminal, JSON,
//! HTML). `check` joins the stages.
//!
//! What it does not do: run programs (an [`probe::ExternalProbe`] is
//! given), read the environment or the clock (the day is given in
//! [`check::CheckOptions`]), parse a command line (the `clap` feature only
//! derives `ValueEnum`). The file system is behind the `fs` feature.

// Tests make their fixtures on disk; the rule is for the library.
#![cfg_attr(test, allow(clippy::disallowed_methods))]
// Without `fs` the file-system functions are left out, and some imports of
// the modules holding them (and the helpers only they call) go unused:
// not worth a `cfg` on each.
#![cfg_attr(not(feature = "fs"), allow(unused_imports, dead_code))]

pub mod audit;
pub mod check;
pub mod descriptor;
pub mod error;
pub mod formats;
pub mod i18n;
pub mod identify;
pub mod kinds;
pub mod manifest;
pub mod platform;
pub mod policy;
pub mod probe;
pub mod report;
pub mod rules;
pub mod scan;
pub mod schema;
pub mod source;
