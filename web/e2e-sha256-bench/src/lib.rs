//! Hash `total` bytes in `chunk`-byte updates (as the check's reader does),
//! with no allocation inside the timed loop. Exported as plain C functions so
//! the wasm module needs no glue: the caller times `hash_bytes`.

use sha2::{Digest, Sha256};

/// Hash `total` bytes of a fixed pattern in `chunk`-byte slices; returns the
/// first byte of the digest, so nothing is optimised away.
#[unsafe(no_mangle)]
pub extern "C" fn hash_bytes(total: u64, chunk: u32) -> u32 {
    let buf: Vec<u8> = (0..chunk).map(|i| (i.wrapping_mul(31) >> 3) as u8).collect();
    let mut hasher = Sha256::new();
    let mut left = total;
    while left > 0 {
        let n = left.min(chunk as u64) as usize;
        hasher.update(&buf[..n]);
        left -= n as u64;
    }
    hasher.finalize()[0] as u32
}
