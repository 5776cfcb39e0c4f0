//! What differs between operating systems, behind one narrow interface, so
//! the stages above it carry no `cfg`: positioned reads of a shared file,
//! opening a listed file without following a link swapped in for it, and
//! the user's language when no locale variable names one.
//! Each system keeps the same guarantees where it has the means to.

// The operating system's own calls, which clippy.toml refuses elsewhere.
#[cfg(unix)]
#[allow(clippy::disallowed_methods)]
mod unix;
#[cfg(unix)]
pub use unix::{open_no_follow, user_locale};

#[cfg(windows)]
#[allow(clippy::disallowed_methods)]
mod windows;
#[cfg(windows)]
pub use windows::{open_no_follow, user_locale};

// Neither (wasm32 in a browser): no files of its own, bytes come in memory.
#[cfg(not(any(unix, windows)))]
mod other;
#[cfg(not(any(unix, windows)))]
pub use other::{open_no_follow, user_locale};

use std::io;

/// Reads at an offset that leave no shared cursor behind (or none that
/// anyone relies on), so threads can share one open file.
pub trait PositionedRead {
    /// Read up to `buf.len()` bytes at `offset`; 0 at the end of the file.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;

    /// Fill `buf` from `offset`, or fail with `UnexpectedEof` when the file
    /// ends first.
    fn read_exact_at(&self, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
        while !buf.is_empty() {
            match self.read_at(buf, offset) {
                Ok(0) => break,
                Ok(n) => {
                    buf = &mut buf[n..];
                    offset += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if buf.is_empty() {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "failed to fill whole buffer",
            ))
        }
    }
}
