//! Windows: positioned reads through `ReadFile` with an offset, and links
//! (symbolic links, junctions: "name surrogate" reparse points) refused
//! when opened, as `O_NOFOLLOW` does on Linux. Windows has no FIFOs in a
//! folder, so nothing can block an open.

use std::fs::File;
use std::io;
use std::os::windows::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::os::windows::io::AsRawHandle;
use std::path::Path;

use windows_sys::Win32::Globalization::GetUserDefaultLocaleName;
use windows_sys::Win32::Storage::FileSystem::{
    BY_HANDLE_FILE_INFORMATION, FILE_ATTRIBUTE_REPARSE_POINT, FILE_FLAG_OPEN_REPARSE_POINT,
    GetFileInformationByHandle,
};

use super::PositionedRead;

impl PositionedRead for File {
    /// `seek_read` also moves the handle's cursor, but every read of a
    /// shared file goes through here, so no reader depends on the cursor.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        self.seek_read(buf, offset)
    }
}

/// Open `path` for reading; a link swapped in for the file since the
/// listing is refused, not followed.
pub fn open_no_follow(path: &Path) -> io::Result<File> {
    // FILE_FLAG_OPEN_REPARSE_POINT opens a link itself, not its target.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)?;
    let meta = file.metadata()?;
    if meta.file_type().is_symlink() {
        return Err(io::Error::other(
            "replaced by a symbolic link while being checked; not followed",
        ));
    }
    if meta.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT == 0 {
        return Ok(file);
    }
    // A reparse point that is not a link (a OneDrive placeholder, a
    // deduplicated file) has its data supplied by a filter driver, which the
    // flag bypassed: open it again normally, and make sure the second open
    // reached the same file, not a link swapped in between.
    let again = File::open(path)?;
    if file_id(&file)? != file_id(&again)? {
        return Err(io::Error::other(
            "replaced by a symbolic link while being checked; not followed",
        ));
    }
    Ok(again)
}

/// Volume serial number and file index: a file's identity on Windows
/// (std's `MetadataExt::file_index` is not stable yet).
fn file_id(file: &File) -> io::Result<(u32, u32, u32)> {
    // SAFETY: the handle is open for the call's duration (borrowed from
    // `file`), and `info` is a plain struct the call only writes.
    let info = unsafe {
        let mut info: BY_HANDLE_FILE_INFORMATION = std::mem::zeroed();
        if GetFileInformationByHandle(file.as_raw_handle(), &mut info) == 0 {
            return Err(io::Error::last_os_error());
        }
        info
    };
    Ok((
        info.dwVolumeSerialNumber,
        info.nFileIndexHigh,
        info.nFileIndexLow,
    ))
}

/// The user's locale name (`zh-CN`, `en-US`): Windows sets no `LANG`, so
/// without this a Chinese Windows would get English messages.
pub fn user_locale() -> Option<String> {
    // LOCALE_NAME_MAX_LENGTH is 85 UTF-16 units, the terminating zero included.
    let mut name = [0u16; 85];
    // SAFETY: the buffer and the length given are those of `name`, which
    // the call only writes.
    let len = unsafe { GetUserDefaultLocaleName(name.as_mut_ptr(), name.len() as i32) };
    let len = usize::try_from(len).ok()?.checked_sub(1)?; // without the zero
    String::from_utf16(&name[..len]).ok()
}
