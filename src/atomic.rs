//! Every output file goes through here: written under a temporary name in the
//! same folder (`.NAME.XXXX.partial`), flushed to disk, then renamed. A run
//! killed at any moment leaves no file under the final name that looks
//! complete, and a failed write (a full disk) leaves nothing at all.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub struct AtomicFile {
    sink: Sink,
    /// Keeps the temporary file's name in [`LIVE`] while it exists.
    _live: Option<Live>,
    target: PathBuf,
    /// Bytes written, and up to where the kernel was asked to start
    /// writing them to disk (see [`WRITEBACK_STEP`]).
    written: u64,
    writeback_from: u64,
}

/// Every this many bytes, a large output asks the kernel to start writing
/// the last stretch to disk (Linux `sync_file_range`, which does not wait).
/// The disk then works while the rest is produced, and the `fsync` in
/// [`AtomicFile::commit`] waits only for the tail instead of all of a bag
/// of several gigabytes.
const WRITEBACK_STEP: u64 = 64 << 20;

/// Where the bytes go: a temporary file renamed over a regular target, or
/// straight into a target that is not a regular file (`/dev/null`, a FIFO,
/// a terminal), which a rename would replace instead of writing to.
enum Sink {
    Temp(tempfile::NamedTempFile),
    Direct(File),
}

impl AtomicFile {
    /// An output to `target`. A symbolic link is written through (its target
    /// gets the new content, atomically; the link stays); a device, FIFO or
    /// socket is written to directly; anything else is replaced atomically.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        match std::fs::symlink_metadata(target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let real = std::fs::canonicalize(target).map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("it is a symbolic link whose target cannot be reached ({e})"),
                    )
                })?;
                return AtomicFile::create(&real);
            }
            Ok(meta) if meta.is_dir() => {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "it is a folder: give a file name",
                ));
            }
            Ok(meta) if !meta.is_file() => {
                let file = std::fs::OpenOptions::new().write(true).open(target)?;
                return Ok(AtomicFile {
                    sink: Sink::Direct(file),
                    _live: None,
                    target: target.to_owned(),
                    written: 0,
                    writeback_from: 0,
                });
            }
            _ => {}
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        // Outputs are shared (uploaded, archived): rw-r--r--, as a plain `>`
        // gives under the usual umask, not the private mode of temporary files.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o644));
        }
        remove_stale_partials(dir, &prefix);
        let temp = builder.tempfile_in(dir)?;
        // Held until the file is renamed or removed: while it is, another
        // run sees the partial as live and leaves it alone.
        let _ = temp.as_file().try_lock();
        let live = Live::register(temp.path());
        Ok(AtomicFile {
            sink: Sink::Temp(temp),
            _live: Some(live),
            target: target.to_owned(),
            written: 0,
            writeback_from: 0,
        })
    }

    /// Flush, sync and rename into place. Dropping without committing
    /// removes the temporary file.
    pub fn commit(self) -> io::Result<()> {
        let mut temp = match self.sink {
            Sink::Temp(temp) => temp,
            // Nothing to rename; a device may not support syncing at all.
            Sink::Direct(mut file) => return file.flush(),
        };
        temp.as_file_mut().flush()?;
        temp.as_file().sync_all()?;
        temp.persist(&self.target).map_err(|e| e.error)?;
        if let Some(dir) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            // Make the rename itself durable; not every filesystem allows it.
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }
}

impl Sink {
    fn file(&mut self) -> &mut File {
        match self {
            Sink::Temp(temp) => temp.as_file_mut(),
            Sink::Direct(file) => file,
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.sink.file().write(buf)?;
        self.written += n as u64;
        if self.written - self.writeback_from >= WRITEBACK_STEP {
            if let Sink::Temp(temp) = &self.sink {
                start_writeback(temp.as_file(), self.writeback_from, self.written);
            }
            self.writeback_from = self.written;
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.sink.file().flush()
    }
}

/// Ask the kernel to start writing `from..to` of `file` to disk, without
/// waiting. Only a hint: where it is not available, `commit` does it all.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File, from: u64, to: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(from), i64::try_from(to - from)) else {
        return;
    };
    // SAFETY: a plain system call on a descriptor this struct owns; it
    // reads no memory of ours.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &File, _from: u64, _to: u64) {}

/// Temporary files this process is writing: what a signal handler removes.
static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A temporary file's name registered in [`LIVE`] for as long as it lives.
struct Live(PathBuf);

impl Live {
    fn register(path: &Path) -> Live {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        live.push(path.to_owned());
        Live(path.to_owned())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(at) = live.iter().position(|p| *p == self.0) {
            live.swap_remove(at);
        }
    }
}

/// On SIGINT, SIGTERM or SIGHUP, remove every partial output this process
/// is writing, then exit 130. Without it an interrupted `pack` leaves a
/// hidden partial of hundreds of megabytes behind for good.
pub fn remove_partials_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        for path in live.iter() {
            let _ = std::fs::remove_file(path);
        }
        std::process::exit(130);
    });
}

/// Remove partials of an earlier run that died without cleaning up (killed
/// by SIGKILL, power loss): files in `dir` named as this module names the
/// partials of the same output (`.NAME.XXXXXX.partial`), and only those
/// that no live process holds locked.
fn remove_stale_partials(dir: &Path, prefix: &str) {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    for item in listing.flatten() {
        let name = item.file_name();
        let Some(name) = name.to_str() else { continue };
        let ours = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(".partial"))
            .is_some_and(|random| {
                random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if !ours || !item.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = item.path();
        // A partial being written is locked by its writer.
        if let Ok(file) = File::open(&path)
            && file.try_lock().is_ok()
        {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Write `bytes` to `target` atomically.
pub fn write(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(target)?;
    file.write_all(bytes)?;
    file.commit()
}

/// Refuse a batch output folder that is the inbox itself (the reports
/// would be read as submissions) or lies inside one of its packages (the
/// next run would count the reports in that package, and its verdict would
/// change). A folder directly in the inbox is fine: batch skips it.
pub fn ensure_outside_inbox(inbox: &Path, out: &Path) -> Result<(), crate::i18n::Text> {
    use crate::i18n::Text;
    let Ok(inbox) = std::fs::canonicalize(inbox) else {
        return Ok(()); // listing the inbox reports that
    };
    let out = resolve(out);
    if out == inbox {
        return Err(Text::new(
            format!(
                "{}: the reports would be written among the submissions; choose another folder (--out), for example {}",
                out.display(),
                inbox.join("reports").display()
            ),
            format!(
                "{}：报告会写在提交的包中间；请另选文件夹（--out），例如 {}",
                out.display(),
                inbox.join("reports").display()
            ),
        ));
    }
    let Ok(below) = out.strip_prefix(&inbox) else {
        return Ok(());
    };
    let mut parts = below.components();
    if let (Some(first), Some(_)) = (parts.next(), parts.next()) {
        let package = inbox.join(first);
        return Err(Text::new(
            format!(
                "{}: this output would be written inside the package {} of the inbox, and change its verdict; choose a folder outside it (--out)",
                out.display(),
                package.display()
            ),
            format!(
                "{}：输出会写入收件箱中的包 {}，并改变其结论；请选择该包以外的文件夹（--out）",
                out.display(),
                package.display()
            ),
        ));
    }
    Ok(())
}

/// Refuse an output that would land inside the package it describes (it
/// would then be checked as part of the package) or replace the package
/// itself (`pack pkg.zip -o .` with the id `pkg`).
pub fn ensure_outside(package: &Path, output: &Path) -> Result<(), crate::i18n::Text> {
    let Ok(package) = std::fs::canonicalize(package) else {
        return Ok(()); // opening the package reports that
    };
    let output = resolve(output);
    if output == package || (package.is_dir() && output.starts_with(&package)) {
        return Err(crate::i18n::Text::new(
            format!(
                "{}: this output would be written {} the package {}; choose a place outside it (-o)",
                output.display(),
                if output == package { "over" } else { "inside" },
                package.display()
            ),
            format!(
                "{}：输出会{}包 {}；请选择包以外的位置（-o）",
                output.display(),
                if output == package {
                    "覆盖"
                } else {
                    "写入"
                },
                package.display()
            ),
        ));
    }
    Ok(())
}

/// An absolute path with every existing ancestor's links resolved, so two
/// spellings of the same place compare equal even before it exists.
pub(crate) fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return missing.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.json");
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"{}").unwrap();
        assert!(!target.exists());
        f.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"{}");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(
            leftovers.len(),
            1,
            "the temporary file was renamed, not copied"
        );
    }

    #[test]
    fn outputs_inside_or_over_the_package_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("pkg");
        std::fs::create_dir(&pkg).unwrap();
        let zip = dir.path().join("pkg.zip");
        std::fs::write(&zip, b"PK").unwrap();
        assert!(ensure_outside(&pkg, &pkg.join("m.json")).is_err());
        assert!(ensure_outside(&pkg, &pkg.join("new/dir/m.json")).is_err());
        assert!(ensure_outside(&pkg, &dir.path().join("m.json")).is_ok());
        assert!(ensure_outside(&zip, &dir.path().join("./pkg.zip")).is_err());
        assert!(ensure_outside(&zip, &dir.path().join("out/pkg.zip")).is_ok());
    }

    /// A link is written through, never replaced by a regular file.
    #[cfg(unix)]
    #[test]
    fn a_link_is_written_through_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.html");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.html");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
    }

    /// A FIFO (like `/dev/null` or a terminal, not a regular file) is
    /// written to, not replaced by a file. A FIFO rather than `/dev/null`
    /// itself, so a regression run as root cannot replace the system's.
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write(&fifo, b"report").unwrap();
        // Checked before joining: had the FIFO been replaced, the reader
        // would wait forever for a writer.
        let meta = std::fs::symlink_metadata(&fifo).unwrap();
        assert!(meta.file_type().is_fifo());
        assert_eq!(reader.join().unwrap(), b"report");
    }

    #[test]
    fn dropping_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.zip");
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"partial").unwrap();
        drop(f);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
