//! trainpack in the browser: the package check, compiled to
//! `wasm32-unknown-unknown` and run by a Web Worker (web/worker.js) that
//! hands it the chosen `File`s. Nothing is uploaded: files are read in
//! slices through [`blob::BlobReadAt`].

pub mod blob;
pub mod check;

use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;

/// SHA-256 of each blob, read slice by slice; `progress(bytes, files)` is
/// called after each slice with the running totals. Proves the reading
/// path end to end (and measures its throughput) before the check is wired.
#[wasm_bindgen]
pub fn sha256_blobs(
    blobs: Vec<web_sys::Blob>,
    progress: &js_sys::Function,
) -> Result<Vec<String>, JsError> {
    let mut digests = Vec::with_capacity(blobs.len());
    // The scan's chunk size (128 KiB), so reads go through the slice window.
    let mut buf = vec![0u8; 128 << 10];
    let (mut bytes, mut files) = (0u64, 0u32);
    for blob in blobs {
        let reader = blob::BlobReadAt::new(blob)?;
        let mut hasher = Sha256::new();
        let mut offset = 0;
        loop {
            let n = reader.read_at(offset, &mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            offset += n as u64;
            bytes += n as u64;
            report(progress, bytes, files)?;
        }
        files += 1;
        report(progress, bytes, files)?;
        digests.push(hex(&hasher.finalize()));
    }
    Ok(digests)
}

fn report(progress: &js_sys::Function, bytes: u64, files: u32) -> Result<(), JsError> {
    progress
        .call2(
            &JsValue::NULL,
            &JsValue::from_f64(bytes as f64),
            &JsValue::from(files),
        )
        .map(drop)
        .map_err(|_| JsError::new("progress callback failed"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// MB/s of SHA-256 over `mebibytes` MiB already in memory: the hashing
/// alone, without reading, to set beside the native figure (BENCHMARKS.md).
#[wasm_bindgen]
pub fn sha256_throughput(mebibytes: u32) -> f64 {
    let block = vec![0x5au8; 1 << 20];
    let mut hasher = Sha256::new();
    let started = js_sys::Date::now();
    for _ in 0..mebibytes {
        hasher.update(&block);
    }
    std::hint::black_box(hasher.finalize());
    let seconds = ((js_sys::Date::now() - started) / 1000.0).max(1e-3);
    f64::from(mebibytes) * 1.048_576 / seconds
}
