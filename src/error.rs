//! Errors that stop the tool from doing its job (exit code 2).
//!
//! Problems *in* a package are not errors: they are `rules::Finding`s.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: no such file or folder")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: not a readable zip archive ({reason}); give a folder or a .zip file (a split archive must be joined first)"
    )]
    NotAZip { path: PathBuf, reason: String },
    #[error("{path}: not a folder or a regular file")]
    NotAPackage { path: PathBuf },
    #[error("{path}: cannot write: {source}")]
    Unwritable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("policy file {path}: {reason}")]
    Policy { path: PathBuf, reason: String },
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
