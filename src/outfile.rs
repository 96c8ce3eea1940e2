//! Files trove writes (`export -o FILE`, `--quickwit-config FILE`, `eval --run FILE`),
//! written without ever replacing what they should write into:
//!
//! - a regular file, or a new one: written to a temporary file beside it (hidden,
//!   `.NAME.trove-tmp-PID`), synced and renamed over it when complete, so FILE only ever
//!   appears whole; the temporary file is removed on an error, on Ctrl-C and SIGTERM
//!   (see [`remove_on_signal`]), and one a killed process left behind is removed by the
//!   next write to the same FILE;
//! - anything else (a device such as `/dev/null`, a FIFO, a terminal): opened and
//!   written in place, never replaced;
//! - a symbolic link: what it points to is written (as above), the link stays.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary file being written, for a signal handler to remove.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// A file being written.
pub struct OutFile {
    file: File,
    /// The temporary file and where it goes when complete; `None` when written in place.
    rename: Option<(PathBuf, PathBuf)>,
}

impl OutFile {
    /// Opens `path` for writing, as the module says.
    pub fn create(path: &Path) -> io::Result<OutFile> {
        // A link: its target, wherever it points (a dangling one: where it points).
        let target = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => resolve_link(path)?,
            _ => path.to_path_buf(),
        };
        match std::fs::metadata(&target) {
            Ok(m) if !m.is_file() => {
                // A device, a FIFO: written as it is, never replaced.
                let file = std::fs::OpenOptions::new().write(true).open(&target)?;
                return Ok(OutFile { file, rename: None });
            }
            _ => {}
        }
        let tmp = temp_path(&target);
        remove_stale_temps(&target);
        let file = File::create(&tmp)?;
        if let Ok(mut pending) = PENDING.lock() {
            *pending = Some(tmp.clone());
        }
        Ok(OutFile {
            file,
            rename: Some((tmp, target)),
        })
    }

    /// Completes the file: synced and, for a regular file, renamed into place.
    pub fn finish(mut self) -> io::Result<()> {
        self.file.flush()?;
        if let Some((tmp, target)) = self.rename.take() {
            let done = self
                .file
                .sync_all()
                .and_then(|()| std::fs::rename(&tmp, &target));
            clear_pending(&tmp);
            if done.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            done?;
        }
        Ok(())
    }
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for OutFile {
    /// Not finished (an error on the way): the temporary file goes.
    fn drop(&mut self) {
        if let Some((tmp, _)) = self.rename.take() {
            let _ = std::fs::remove_file(&tmp);
            clear_pending(&tmp);
        }
    }
}

fn clear_pending(tmp: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        if pending.as_deref() == Some(tmp) {
            *pending = None;
        }
    }
}

/// Removes the temporary file being written, if any: for a Ctrl-C or SIGTERM handler
/// that is about to end the process.
pub fn remove_on_signal() {
    if let Ok(mut pending) = PENDING.try_lock() {
        if let Some(tmp) = pending.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes `bytes` to `path` as the module says.
pub fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut out = OutFile::create(path)?;
    out.write_all(bytes)?;
    out.finish()
}

/// Where a link leads, followed to the end (at most 40 links, as the kernel does).
fn resolve_link(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let next = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// `.NAME.trove-tmp-PID` beside `path`.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.trove-tmp-{}", std::process::id()))
}

/// Removes temporary files for `path` left by processes that are gone (killed).
fn remove_stale_temps(path: &Path) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = format!(".{name}.trove-tmp-");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_appear_whole_and_links_keep_pointing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        let mut out = OutFile::create(&path).unwrap();
        out.write_all(b"new").unwrap();
        // Not there until finished.
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        out.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        // Through a link: the target is written, the link stays a link.
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("out.txt", &link).unwrap();
        write_whole(&link, b"via link").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "via link");
        // An error on the way leaves no temporary file.
        let out = OutFile::create(&path).unwrap();
        drop(out);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2);
        // Ctrl-C or SIGTERM: the handler removes the temporary file being written.
        let out = OutFile::create(&path).unwrap();
        let tmp = out.rename.as_ref().unwrap().0.clone();
        assert!(tmp.exists());
        remove_on_signal();
        assert!(!tmp.exists());
        std::mem::forget(out);
        // A killed process's temporary file is removed by the next write.
        let stale = dir.path().join(".out.txt.trove-tmp-999999999");
        std::fs::write(&stale, "left behind").unwrap();
        write_whole(&path, b"again").unwrap();
        assert!(!stale.exists());
    }
}
