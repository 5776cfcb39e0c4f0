//! trainpack: validate and archive digital training packages (数字化培训包).
//!
//! The pipeline, one module a stage:
//! `source` (folder or zip) → `scan` (one read: hash + sniff) → `identify`
//! (content → kind) → `probe` (is it really a video?) → `policy` + `rules`
//! (findings) → `report` (terminal, JSON). `check` joins the stages; `cli`
//! parses arguments and maps outcomes to exit codes.

pub mod atomic;
pub mod audit;
pub mod audit_cmd;
pub mod bagit;
pub mod batch;
pub mod check;
pub mod cli;
pub mod descriptor;
pub mod digest_sink;
pub mod env;
pub mod error;
pub mod ffprobe;
pub mod formats;
pub mod i18n;
pub mod identify;
pub mod init;
pub mod kinds;
pub mod manifest;
pub mod pack;
pub mod platform;
pub mod policy;
pub mod probe;
pub mod progress_bar;
pub mod report;
pub mod rules;
pub mod scan;
pub mod schema;
pub mod source;
pub mod verify;
