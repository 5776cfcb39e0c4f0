//! Where a package's bytes come from: anything that reads at an offset.
//! A file on disk (feature `fs`), bytes in memory (the browser's upload),
//! or any `Read + Seek` backend through [`SeekAdapter`].

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Mutex;

use crate::platform::PositionedRead;

/// Reads at an offset, shared by the worker threads: the source of a zip
/// package, or of one file of a package given as a list of files.
pub trait ReadAt: PositionedRead + Send + Sync {
    /// Its length in bytes.
    fn len(&self) -> io::Result<u64>;

    /// Whether it holds no bytes.
    fn is_empty(&self) -> io::Result<bool> {
        Ok(self.len()? == 0)
    }
}

impl PositionedRead for [u8] {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.len());
        let n = buf.len().min(self.len() - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
}

impl ReadAt for [u8] {
    fn len(&self) -> io::Result<u64> {
        Ok(<[u8]>::len(self) as u64)
    }
}

impl PositionedRead for Vec<u8> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        self.as_slice().read_at(buf, offset)
    }
}

impl ReadAt for Vec<u8> {
    fn len(&self) -> io::Result<u64> {
        Ok(self.as_slice().len() as u64)
    }
}

#[cfg(feature = "fs")]
impl ReadAt for std::fs::File {
    fn len(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }
}

/// Any `Read + Seek` backend as a [`ReadAt`]: each read seeks under a lock
/// (the readers take turns; positioned reads of a file do not need to).
pub struct SeekAdapter<R> {
    inner: Mutex<R>,
    len: u64,
}

impl<R: Read + Seek + Send> SeekAdapter<R> {
    pub fn new(mut inner: R) -> io::Result<SeekAdapter<R>> {
        let len = inner.seek(SeekFrom::End(0))?;
        Ok(SeekAdapter {
            inner: Mutex::new(inner),
            len,
        })
    }
}

impl<R: Read + Seek + Send> PositionedRead for SeekAdapter<R> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.seek(SeekFrom::Start(offset))?;
        inner.read(buf)
    }
}

impl<R: Read + Seek + Send> ReadAt for SeekAdapter<R> {
    fn len(&self) -> io::Result<u64> {
        Ok(self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_a_seek_backend_read_alike() {
        let bytes: Vec<u8> = (0..=255).collect();
        let adapter = SeekAdapter::new(io::Cursor::new(bytes.clone())).unwrap();
        for source in [&bytes as &dyn ReadAt, &adapter] {
            let mut buf = [0u8; 4];
            source.read_exact_at(&mut buf, 252).unwrap();
            assert_eq!(buf, [252, 253, 254, 255]);
            assert_eq!(source.read_at(&mut buf, 256).unwrap(), 0);
            assert!(source.read_exact_at(&mut buf, 254).is_err());
            assert_eq!(source.len().unwrap(), 256);
        }
    }
}
