//! A system with no files of its own (wasm32 in a browser): the package
//! comes as bytes, so opening a path is unsupported and no locale is known.

use std::fs::File;
use std::io;
use std::path::Path;

use super::PositionedRead;

impl PositionedRead for File {
    fn read_at(&self, _buf: &mut [u8], _offset: u64) -> io::Result<usize> {
        Err(io::ErrorKind::Unsupported.into())
    }
}

pub fn open_no_follow(_path: &Path) -> io::Result<File> {
    Err(io::ErrorKind::Unsupported.into())
}

pub fn user_locale() -> Option<String> {
    None
}
