//! What trove knows about the files it indexed: size, modification time, content hash
//! and the ids of the documents each file gave. Kept beside the index in
//! `trove-files.json.zst` (JSON, zstd-compressed: a tenth of the size for archives of
//! many files), written atomically with every commit, tagged with the commit's opstamp
//! so a state that does not match the index (a crash between the two) is recognised and
//! not trusted for skipping files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::article::Format;
use crate::error::{Error, Result};

const FILE_NAME: &str = "trove-files.json.zst";
const VERSION: u32 = 1;

/// The modification time of a file entry that a run has not verified (no file has it).
pub(crate) const UNVERIFIED: i128 = i128::MIN;

/// One indexed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FileState {
    pub size: u64,
    /// Modification time, nanoseconds since 1970.
    pub mtime_ns: i128,
    /// xxh3-64 of the content, when the whole file was read.
    pub hash: Option<u64>,
    /// The format it was read as (what `--type` filters on), when it was read.
    #[serde(default)]
    pub format: Option<Format>,
    /// Ids of the documents the file gave, in order.
    pub ids: Vec<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct State {
    version: u32,
    /// Opstamp of the commit this state describes.
    pub opstamp: Option<u64>,
    /// The paths runs were asked to index (canonical), which `trove index` with no
    /// path walks again.
    #[serde(default)]
    pub roots: Vec<String>,
    /// Canonical path -> state. The path is shared with the run's table of which file
    /// holds which document, so each is in memory once.
    pub files: BTreeMap<Arc<str>, FileState>,
}

impl State {
    /// Marks every file as unverified: its entry still names the ids it gave (so stale
    /// documents can be found) but no longer lets a later run skip the file. Called when
    /// the state does not match the index, so that saving it under a new commit cannot
    /// vouch for files whose documents that commit never held.
    pub fn distrust(&mut self) {
        for file in self.files.values_mut() {
            file.mtime_ns = UNVERIFIED;
            file.hash = None;
        }
    }

    fn path(index_dir: &Path) -> PathBuf {
        index_dir.join(FILE_NAME)
    }

    /// The saved state, or an empty one when there is none or it cannot be read (the
    /// next run then reads every file again, which is always correct).
    pub fn load(index_dir: &Path) -> State {
        std::fs::File::open(Self::path(index_dir))
            .ok()
            .and_then(|file| zstd::Decoder::new(file).ok())
            .and_then(|decoder| {
                serde_json::from_reader::<_, State>(std::io::BufReader::with_capacity(
                    1 << 16,
                    decoder,
                ))
                .ok()
            })
            .filter(|s| s.version == VERSION)
            .unwrap_or_default()
    }

    /// The saved state: `Ok(None)` when there is none, `Err` with the reason when it
    /// cannot be read (`trove check` says so).
    pub fn load_checked(index_dir: &Path) -> std::result::Result<Option<State>, String> {
        let file = match std::fs::File::open(Self::path(index_dir)) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let decoder = zstd::Decoder::new(file).map_err(|e| e.to_string())?;
        let state: State =
            serde_json::from_reader(std::io::BufReader::new(decoder)).map_err(|e| e.to_string())?;
        if state.version != VERSION {
            return Err(format!(
                "version {} (this trove writes {VERSION})",
                state.version
            ));
        }
        Ok(Some(state))
    }

    /// Writes the state for the commit `opstamp`: to a temporary file, synced, then
    /// renamed over the old one, so a crash leaves the old state or the new one.
    pub fn save(&mut self, index_dir: &Path, opstamp: u64) -> Result<()> {
        self.version = VERSION;
        self.opstamp = Some(opstamp);
        let path = Self::path(index_dir);
        let tmp = index_dir.join(format!("{FILE_NAME}.tmp"));
        let io_err = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let file = std::fs::File::create(&tmp).map_err(io_err)?;
        // Streamed through the compressor: no copy of the whole JSON in memory (tens of
        // MB for hundreds of thousands of files).
        // Buffered on both sides: serde_json writes token by token, and a call into the
        // compressor per token cost more than the compression (1.9% of indexing CPU at
        // 377,000 files, unbuffered).
        let encoder = zstd::Encoder::new(std::io::BufWriter::new(file), 3).map_err(io_err)?;
        let mut json = std::io::BufWriter::with_capacity(1 << 16, encoder);
        serde_json::to_writer(&mut json, self).map_err(|e| io_err(std::io::Error::other(e)))?;
        crash_point("state-written");
        let file = json
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|encoder| encoder.finish())
            .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
            .map_err(io_err)?;
        file.sync_all().map_err(io_err)?;
        crash_point("state-synced");
        std::fs::rename(&tmp, &path).map_err(io_err)?;
        Ok(())
    }
}

/// In debug builds, the `TROVE_TEST_CRASH_AT` environment variable names a point of the
/// commit protocol (`state-written`: the new state written but not flushed or renamed;
/// `state-synced`: written and synced, not renamed; `state-saved`: in place, the index
/// not yet committed) and, after `@`, at which commit (1 unless said) the process aborts
/// there with SIGKILL, as kill -9 would end it: a test hook for the crash tests.
pub(crate) fn crash_point(point: &str) {
    #[cfg(debug_assertions)]
    if let Ok(at) = std::env::var("TROVE_TEST_CRASH_AT") {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static REACHED: AtomicUsize = AtomicUsize::new(0);
        let (name, nth) = at.split_once('@').unwrap_or((&at, "1"));
        if name == point && REACHED.fetch_add(1, Ordering::Relaxed) + 1 == nth.parse().unwrap_or(1)
        {
            // SIGKILL to itself: no handler, no unwinding, no core file.
            // SAFETY: kill(2) on the own process id; the call has no memory effects.
            unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = point;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(State::load(dir.path()), State::default());
        let mut state = State::default();
        state.files.insert(
            Arc::from("/a.txt"),
            FileState {
                size: 3,
                mtime_ns: 1_700_000_000_000_000_000,
                hash: Some(42),
                format: Some(Format::Text),
                ids: vec!["x".into()],
            },
        );
        state.save(dir.path(), 7).unwrap();
        let loaded = State::load(dir.path());
        assert_eq!(loaded.opstamp, Some(7));
        assert_eq!(loaded.files, state.files);
        std::fs::write(dir.path().join(FILE_NAME), b"{not zstd").unwrap();
        assert_eq!(State::load(dir.path()), State::default());

        // A distrusted state keeps the ids but can no longer vouch for the file, even
        // after it is saved under a later commit and loaded again.
        state.distrust();
        state.save(dir.path(), 9).unwrap();
        let file = &State::load(dir.path()).files["/a.txt"];
        assert_eq!(file.ids, ["x"]);
        assert_eq!((file.mtime_ns, file.hash), (UNVERIFIED, None));
    }
}
