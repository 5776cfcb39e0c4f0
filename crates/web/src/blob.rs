//! Positioned reads of a browser `Blob` (a `File`): `Blob.slice` +
//! `FileReaderSync`, so only the slice asked for is ever in memory, however
//! large the file. `FileReaderSync` exists only in workers: the check runs
//! in one (web/worker.js).

use std::io;

use js_sys::Uint8Array;
use web_sys::{Blob, FileReaderSync};

pub struct BlobReadAt {
    blob: Blob,
    size: u64,
    reader: FileReaderSync,
}

impl BlobReadAt {
    pub fn new(blob: Blob) -> io::Result<BlobReadAt> {
        let reader = FileReaderSync::new().map_err(|e| js_error("FileReaderSync", e))?;
        // A Blob's size is a JS number: exact for every size a disk holds.
        let size = blob.size() as u64;
        Ok(BlobReadAt { blob, size, reader })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Fill `buf` from `offset` on; fewer bytes only at the end of the blob.
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if offset >= self.size || buf.is_empty() {
            return Ok(0);
        }
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
        let n = view.length() as usize;
        // The browser may have been given a file that shrank since it was
        // chosen: never claim more than it returned.
        let n = n.min(buf.len());
        view.subarray(0, n as u32).copy_to(&mut buf[..n]);
        Ok(n)
    }
}

/// A JS exception as an I/O error (a file removed or changed after it was
/// chosen shows up here as `NotReadableError`).
fn js_error(what: &str, e: wasm_bindgen::JsValue) -> io::Error {
    let text = js_sys::Error::from(e)
        .message()
        .as_string()
        .unwrap_or_default();
    io::Error::other(format!("{what}: {text}"))
}
