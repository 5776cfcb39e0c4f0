//! Unix: `pread`, and `O_NOFOLLOW` where the system has it.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::PositionedRead;

impl PositionedRead for File {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        FileExt::read_at(self, buf, offset)
    }

    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        FileExt::read_exact_at(self, buf, offset)
    }
}

/// Open `path` for reading. On Linux a symbolic link swapped in for the
/// file fails to open (ELOOP) instead of being followed, and a FIFO is
/// opened without waiting for a writer; other Unixes compare the opened
/// file with the link itself afterwards (the caller does).
pub fn open_no_follow(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a FIFO must not wait for a writer.
        // O_NOFOLLOW: a file replaced by a symbolic link since the listing
        // fails to open (ELOOP) instead of being followed.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// The locale variables are the user's choice on Unix; nothing else to ask.
pub fn user_locale() -> Option<String> {
    None
}
