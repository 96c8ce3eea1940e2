//! The index's files mapped for reading, and a way to let their pages go.
//!
//! tantivy reads segments through memory maps, and every page a merge reads stays in
//! the process's resident memory until the map is dropped: a merge of 1 GB of segments
//! adds 1 GB to the RSS (measured: 791 MB of mapped pages at the end of a 1,000,000
//! record run, against 314 MB of heap). The pages are the kernel's page cache, shared
//! and clean; `MADV_DONTNEED` takes them out of this process's tables, and the next
//! read faults them back in from the cache (the file is never written after it is
//! made). So each map is remembered (weakly: a map tantivy drops is unmapped as before)
//! and `release` drops the resident pages of all of them.

use std::fs::File;
use std::io;
use std::ops::Deref;
use std::path::Path;
use std::sync::{Arc, Mutex, Weak};

use tantivy::directory::error::OpenReadError;
use tantivy::directory::OwnedBytes;

/// The maps of one index folder that are still alive.
#[derive(Debug, Default)]
pub(crate) struct Maps {
    live: Mutex<Vec<Weak<memmap2::Mmap>>>,
}

/// A map as tantivy reads it: the bytes of the file.
struct Mapping(Arc<memmap2::Mmap>);

impl Deref for Mapping {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

// SAFETY: the bytes live in the map, which the Arc keeps where it is for as long as
// any `Mapping` holds it; moving a `Mapping` moves only the Arc.
unsafe impl stable_deref_trait::StableDeref for Mapping {}

impl Maps {
    /// Maps the file at `path` (an empty file is empty bytes: it cannot be mapped).
    pub(crate) fn open(&self, path: &Path) -> Result<OwnedBytes, OpenReadError> {
        let file = File::open(path).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                OpenReadError::FileDoesNotExist(path.to_path_buf())
            } else {
                OpenReadError::wrap_io_error(e, path.to_path_buf())
            }
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?
            .len();
        if len == 0 {
            return Ok(OwnedBytes::empty());
        }
        // SAFETY: the index's files are written once, before they are opened, and never
        // changed after (tantivy's contract for its directory); trove's lock keeps other
        // writers out.
        // The length given, so the map does not ask the file for it again.
        let map = unsafe {
            memmap2::MmapOptions::new()
                .len(len_usize(len, path)?)
                .map(&file)
        }
        .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?;
        let map = Arc::new(map);
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        // Forget maps that are gone, now and then, so the list does not grow.
        if live.len() >= 64 && live.len().is_power_of_two() {
            live.retain(|m| m.strong_count() > 0);
        }
        live.push(Arc::downgrade(&map));
        Ok(OwnedBytes::new(Mapping(map)))
    }

    /// Lets the resident pages of every live map go (they come back from the page cache
    /// when read again). Returns how many bytes of maps it went over.
    pub(crate) fn release(&self) -> usize {
        let maps: Vec<Arc<memmap2::Mmap>> = {
            let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
            live.retain(|m| m.strong_count() > 0);
            live.iter().filter_map(Weak::upgrade).collect()
        };
        let mut bytes = 0;
        for map in maps {
            bytes += map.len();
            // SAFETY: the map is a shared, read-only map of a file that does not change:
            // dropping its pages loses nothing, and a later read sees the same bytes.
            #[cfg(unix)]
            let _ = unsafe { map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
        }
        bytes
    }
}

/// Pages of files this process has resident (Linux: `/proc/self/statm`, shared pages),
/// or `None` where that cannot be read.
pub(crate) fn resident_file_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(2)?.parse().ok()?;
    // SAFETY: sysconf reads a constant of the system.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * usize::try_from(page).ok().filter(|&p| p > 0)?)
}

/// A file's length as a map's, or the error a 32-bit system gives for a file too large.
fn len_usize(len: u64, path: &Path) -> Result<usize, OpenReadError> {
    usize::try_from(len).map_err(|_| {
        let e = io::Error::new(io::ErrorKind::InvalidData, "file too large to map");
        OpenReadError::wrap_io_error(e, path.to_path_buf())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Released pages leave the process's resident memory, and the bytes read the same
    /// after.
    #[test]
    fn released_pages_leave_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let data: Vec<u8> = (0..32u32 << 20).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let maps = Maps::default();
        let bytes = maps.open(&path).unwrap();
        let before = resident_file_bytes();
        let sum: u64 = bytes.as_slice().iter().map(|&b| u64::from(b)).sum();
        let read = resident_file_bytes();
        assert_eq!(maps.release(), data.len());
        let after = resident_file_bytes();
        match (before, read, after) {
            (Some(before), Some(read), Some(after)) => {
                // Reading all of it made it resident; releasing it took it out.
                assert!(read >= before + (24 << 20), "{before} -> {read}");
                assert!(after + (24 << 20) <= read, "{read} -> {after}");
            }
            _ => assert!(
                std::fs::metadata("/proc/self/statm").is_err(),
                "the count reads where /proc has it"
            ),
        }
        assert_eq!(bytes.as_slice(), &data[..]);
        assert_eq!(
            sum,
            data.iter().map(|&b| u64::from(b)).sum::<u64>(),
            "same bytes before and after"
        );
        drop(bytes);
        assert_eq!(maps.release(), 0, "a dropped map is forgotten");
        assert!(maps.open(&dir.path().join("missing")).is_err());
        std::fs::write(dir.path().join("empty"), b"").unwrap();
        assert!(maps
            .open(&dir.path().join("empty"))
            .unwrap()
            .as_slice()
            .is_empty());
    }
}
