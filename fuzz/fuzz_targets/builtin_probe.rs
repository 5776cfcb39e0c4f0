//! The built-in MP4/Matroska/AVI probe on any bytes, under every container hint.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use trainpack::probe::builtin;

const HINTS: [&str; 7] = ["mp4", "mov", "matroska", "webm", "3gp", "avi", ""];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let hint = HINTS[usize::from(pick) % HINTS.len()];
    let _ = builtin::probe(&mut Cursor::new(body), body.len() as u64, hint);
    // A length that lies about the stream must not break it either.
    let _ = builtin::probe(&mut Cursor::new(body), u64::from(pick) << 20, hint);
});
