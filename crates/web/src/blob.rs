//! Positioned reads of a browser `Blob` (a `File`): `Blob.slice` +
//! `FileReaderSync`, so only the slice asked for is ever in memory, however
//! large the file. `FileReaderSync` exists only in workers: the check runs
//! in one (web/worker.js).

use std::cell::RefCell;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use js_sys::Uint8Array;
use trainpack_core::platform::PositionedRead;
use trainpack_core::source::ReadAt;
use web_sys::{Blob, FileReaderSync};

/// Bytes fetched per `FileReaderSync` call. Each call costs a fresh
/// `ArrayBuffer` that only the garbage collector frees: 1 MiB keeps the
/// tab's memory low (4 MiB slices took the renderer from 280 to 365 MB while
/// hashing 512 MiB) at the same throughput.
pub const SLICE: usize = 1 << 20;

pub struct BlobReadAt {
    blob: Blob,
    size: u64,
    reader: FileReaderSync,
    /// The last slice read, for the many small reads of zip parsing and of
    /// 128 KiB scan chunks: (its offset in the blob, its bytes).
    window: RefCell<(u64, Vec<u8>)>,
    /// Counts the files read to their end (the page's "files" progress),
    /// this one once.
    files_read: Option<Arc<AtomicU32>>,
    counted: AtomicBool,
}

impl BlobReadAt {
    pub fn new(blob: Blob) -> io::Result<BlobReadAt> {
        let reader = FileReaderSync::new().map_err(|e| js_error("FileReaderSync", e))?;
        // A Blob's size is a JS number: exact for every size a disk holds.
        let size = blob.size() as u64;
        Ok(BlobReadAt {
            blob,
            size,
            reader,
            window: RefCell::new((0, Vec::new())),
            files_read: None,
            counted: AtomicBool::new(false),
        })
    }

    /// Add one to `files_read` when this blob has been read to its end
    /// (an empty one: at once).
    pub fn counting_into(mut self, files_read: Arc<AtomicU32>) -> BlobReadAt {
        self.files_read = Some(files_read);
        if self.size == 0 {
            self.count_once();
        }
        self
    }

    fn count_once(&self) {
        if let Some(counter) = &self.files_read
            && !self.counted.swap(true, Ordering::Relaxed)
        {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Fill `buf` from `offset` on; fewer bytes only at the end of the blob.
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if offset >= self.size || buf.is_empty() {
            return Ok(0);
        }
        if buf.len() >= SLICE {
            return self.read_slice(offset, buf);
        }
        let mut window = self.window.borrow_mut();
        let (start, bytes) = &mut *window;
        let inside = offset >= *start && offset < *start + bytes.len() as u64;
        if !inside {
            bytes.resize(SLICE, 0);
            let n = self.read_slice(offset, bytes)?;
            bytes.truncate(n);
            *start = offset;
        }
        let from = (offset - *start) as usize;
        let n = buf.len().min(bytes.len() - from);
        buf[..n].copy_from_slice(&bytes[from..from + n]);
        Ok(n)
    }

    /// One `Blob.slice` read straight into `buf`.
    fn read_slice(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let end = self.size.min(offset + buf.len() as u64);
        let slice = self
            .blob
            .slice_with_f64_and_f64(offset as f64, end as f64)
            .map_err(|e| js_error("Blob.slice", e))?;
        let bytes = self
            .reader
            .read_as_array_buffer(&slice)
            .map_err(|e| js_error("FileReaderSync.readAsArrayBuffer", e))?;
        let view = Uint8Array::new(&bytes);
        // The file may have shrunk since it was chosen: never claim more
        // than the browser returned.
        let n = (view.length() as usize).min(buf.len());
        view.subarray(0, n as u32).copy_to(&mut buf[..n]);
        if offset + n as u64 >= self.size {
            self.count_once();
        }
        Ok(n)
    }
}

impl PositionedRead for BlobReadAt {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        BlobReadAt::read_at(self, offset, buf)
    }
}

impl ReadAt for BlobReadAt {
    fn len(&self) -> io::Result<u64> {
        Ok(self.size)
    }
}

// SAFETY: the core shares a source between its reading threads (Send +
// Sync), but wasm32-unknown-unknown without the `atomics` feature has one
// thread: the core's rayon runs on it, and no JS value ever crosses to
// another. Built with atomics (threads) these impls vanish and the build
// fails, as it must.
#[cfg(not(target_feature = "atomics"))]
unsafe impl Send for BlobReadAt {}
#[cfg(not(target_feature = "atomics"))]
unsafe impl Sync for BlobReadAt {}

/// A JS exception as an I/O error (a file removed or changed after it was
/// chosen shows up here as `NotReadableError`).
fn js_error(what: &str, e: wasm_bindgen::JsValue) -> io::Error {
    let text = js_sys::Error::from(e)
        .message()
        .as_string()
        .unwrap_or_default();
    io::Error::other(format!("{what}: {text}"))
}
