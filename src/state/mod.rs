//! What trove knows about the files it indexed: size, modification time, content hash
//! and the ids of the documents each file gave. Kept beside the index in
//! `trove-files.bin` (`disk`: entries in path order in compressed blocks, read a block at
//! a time, so memory does not grow with the files on record), written with every commit
//! (to a temporary file, synced, renamed), tagged with the commit's opstamp so a state
//! that does not match the index (a crash between the two) is recognised and not
//! trusted for skipping files.

mod disk;
mod table;

use std::borrow::Cow;
use std::collections::{btree_map, BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io;
use std::iter::Peekable;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::article::Format;
use crate::error::{Error, Result};
use disk::{Disk, Header, Writer};
pub(crate) use table::FileInfo;
use table::{next_id, push_ids, Table};

/// The state's file in the index folder.
pub(crate) const FILE_NAME: &str = "trove-files.bin";
/// The state as trove wrote it before `FILE_NAME` (one JSON map, zstd-compressed): read
/// when there is no state of the new kind, removed once one is written.
pub(crate) const OLD_FILE_NAME: &str = "trove-files.json.zst";
const OLD_VERSION: u32 = 1;
const VERSION: u32 = 2;

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

impl FileState {
    fn info(&self) -> FileInfo {
        FileInfo {
            size: self.size,
            mtime_ns: self.mtime_ns,
            hash: self.hash,
            format: self.format,
        }
    }
}

#[derive(Debug, Default, PartialEq)]
pub(crate) struct State {
    /// Opstamp of the commit this state describes.
    pub opstamp: Option<u64>,
    /// The paths runs were asked to index (canonical), which `trove index` with no
    /// path walks again.
    pub roots: Vec<String>,
    /// Canonical path -> state.
    pub files: Files,
    /// Read from `OLD_FILE_NAME`: the next run writes it the new way even when nothing
    /// else changed (`is_old`), so the old file is read whole only once.
    old: bool,
}

/// The state as `OLD_FILE_NAME` holds it.
#[derive(Deserialize)]
struct OldState {
    version: u32,
    opstamp: Option<u64>,
    #[serde(default)]
    roots: Vec<String>,
    files: BTreeMap<String, FileState>,
}

/// The files on record, by canonical path: the entries on disk (`disk`, as the last
/// commit or the last fold wrote them) and the changes made since, in a map, folded
/// into a new file on disk when they reach `FOLD_AT` entries. Memory holds the changes
/// and the list of blocks on disk, whatever the number of files on record.
#[derive(Debug, Default)]
pub(crate) struct Files {
    disk: Option<Disk>,
    /// The entries on disk read as unverified (`distrust`).
    distrusted: bool,
    /// Changes since the file on disk was written: the new entry, or `None` for one
    /// removed.
    changes: BTreeMap<Arc<str>, Option<FileState>>,
    /// Ids recorded by `insert` since then.
    changed_ids: usize,
    /// Where folds write (the index's folder; the system's temporary folder for a state
    /// of no index).
    dir: Option<PathBuf>,
    /// The first error reading or folding the entries on disk: a lookup that could not
    /// read them answers as if the file were not on record, and the run must not
    /// commit (`take_error`).
    error: Mutex<Option<io::Error>>,
}

/// Changes kept apart before they are folded into the file on disk (a few in unit
/// tests, so that their sequences of changes fold too).
const FOLD_AT: usize = if cfg!(test) { 3 } else { 1 << 16 };

/// `FOLD_AT`, or in debug builds the number the `TROVE_TEST_FOLD_AT` environment
/// variable gives (a test hook: runs over a few files then fold).
fn fold_at() -> usize {
    test_limit("TROVE_TEST_FOLD_AT", FOLD_AT)
}

/// `limit`, or in debug builds the number the environment variable `var` gives: the
/// shape of the hooks that let tests reach a size's code paths with a few files.
pub(crate) fn test_limit(var: &str, limit: usize) -> usize {
    #[cfg(debug_assertions)]
    if let Some(n) = std::env::var(var).ok().and_then(|v| v.parse().ok()) {
        return n;
    }
    #[cfg(not(debug_assertions))]
    let _ = var;
    limit
}

/// One file's entry, where it is kept.
#[derive(Clone)]
pub(crate) enum Entry<'a> {
    /// Entry `usize` of a block read from disk; `bool`: distrusted.
    Table(Arc<Table>, usize, bool),
    Changed(&'a FileState),
}

impl<'a> Entry<'a> {
    pub fn info(&self) -> FileInfo {
        match self {
            Entry::Table(table, i, distrusted) => {
                let mut info = table.info(*i);
                if *distrusted {
                    info.mtime_ns = UNVERIFIED;
                    info.hash = None;
                }
                info
            }
            Entry::Changed(file) => file.info(),
        }
    }

    pub fn ids(&self) -> Ids<'a> {
        match self {
            Entry::Table(table, i, _) => Ids::Table {
                table: table.clone(),
                i: *i,
                at: 0,
                current: String::new(),
            },
            Entry::Changed(file) => Ids::Changed(file.ids.iter()),
        }
    }

    fn to_owned(&self) -> FileState {
        let info = self.info();
        FileState {
            size: info.size,
            mtime_ns: info.mtime_ns,
            hash: info.hash,
            format: info.format,
            ids: self.ids().map(Cow::into_owned).collect(),
        }
    }
}

/// The ids of one file's entry, in order (decoded from a block, or borrowed from a
/// change).
pub(crate) enum Ids<'a> {
    Table {
        table: Arc<Table>,
        i: usize,
        at: usize,
        current: String,
    },
    Changed(std::slice::Iter<'a, String>),
}

impl<'a> Iterator for Ids<'a> {
    type Item = Cow<'a, str>;
    fn next(&mut self) -> Option<Cow<'a, str>> {
        match self {
            Ids::Table {
                table,
                i,
                at,
                current,
            } => {
                *at += next_id(&table.id_bytes(*i)[*at..], current)?;
                Some(Cow::Owned(current.clone()))
            }
            Ids::Changed(iter) => iter.next().map(|id| Cow::Borrowed(id.as_str())),
        }
    }
}

/// Every entry in path order: the disk's, with the changes applied.
pub(crate) struct Iter<'a> {
    files: &'a Files,
    /// The next block to read.
    block: usize,
    table: Option<Arc<Table>>,
    /// The next entry of `table`.
    next: usize,
    changes: Peekable<btree_map::Range<'a, Arc<str>, Option<FileState>>>,
}

impl Iter<'_> {
    /// The next entry on disk, reading the next block when this one is done.
    fn on_disk(&mut self) -> Option<Arc<Table>> {
        loop {
            if let Some(table) = &self.table {
                if self.next < table.len() {
                    return Some(table.clone());
                }
            }
            let disk = self.files.disk.as_ref()?;
            if self.block >= disk.blocks() {
                return None;
            }
            match disk.table(self.block) {
                Ok(table) => {
                    self.table = Some(table);
                    self.next = 0;
                    self.block += 1;
                }
                Err(e) => {
                    // The rest is not listed; the run that asked fails before its commit.
                    self.files.fail(e);
                    self.block = disk.blocks();
                    self.table = None;
                }
            }
        }
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = (Cow<'a, str>, Entry<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let table = self.on_disk();
            let in_table = table.as_ref().map(|t| t.path(self.next));
            let changed = self.changes.peek().map(|(k, _)| &***k);
            let take_table = match (in_table, changed) {
                (None, None) => return None,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(t), Some(c)) => t < c,
            };
            if take_table {
                let table = table?;
                let key = Cow::Owned(table.path(self.next).to_string());
                self.next += 1;
                let entry = Entry::Table(table, self.next - 1, self.files.distrusted);
                return Some((key, entry));
            }
            let (key, change) = self.changes.next()?;
            if in_table == Some(&**key) {
                // The change replaces (or removes) the entry on disk.
                self.next += 1;
            }
            if let Some(file) = change {
                return Some((Cow::Borrowed(&**key), Entry::Changed(file)));
            }
        }
    }
}

impl Files {
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            files: self,
            block: 0,
            table: None,
            next: 0,
            changes: self.changes.range::<str, _>(..).peekable(),
        }
    }

    /// The entries from the first at or after `key`, in path order: one block read to
    /// find where to start.
    pub fn iter_from(&self, key: &str) -> Iter<'_> {
        let start = self.disk.as_ref().and_then(|d| d.block_of(key));
        let mut iter = Iter {
            files: self,
            block: start.unwrap_or(0),
            table: None,
            next: 0,
            changes: self
                .changes
                .range::<str, _>((Bound::Included(key), Bound::Unbounded))
                .peekable(),
        };
        if start.is_some() {
            if let Some(table) = iter.on_disk() {
                iter.next = (0..table.len())
                    .find(|&i| table.path(i) >= key)
                    .unwrap_or(table.len());
            }
        }
        iter
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// Keeps the first error met on disk.
    fn fail(&self, error: io::Error) {
        let mut first = self.error.lock().unwrap_or_else(|e| e.into_inner());
        first.get_or_insert(error);
    }

    /// The error met reading or writing the entries on disk, if any: the run stops
    /// before its commit.
    pub fn take_error(&self) -> Option<io::Error> {
        self.error.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// The entry of `key` on disk.
    fn on_disk(&self, key: &str) -> Option<Entry<'_>> {
        let disk = self.disk.as_ref()?;
        match disk.table(disk.block_of(key)?) {
            Ok(table) => table
                .find(key)
                .map(|i| Entry::Table(table, i, self.distrusted)),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<Entry<'_>> {
        match self.changes.get(key) {
            Some(change) => change.as_ref().map(Entry::Changed),
            None => self.on_disk(key),
        }
    }

    /// Sets a file's modification time; false when it is not on record.
    pub fn set_mtime(&mut self, key: &str, mtime_ns: i128) -> bool {
        match self.changes.get_mut(key) {
            Some(Some(file)) => file.mtime_ns = mtime_ns,
            Some(None) => return false,
            None => {
                let Some(mut file) = self.on_disk(key).map(|e| e.to_owned()) else {
                    return false;
                };
                file.mtime_ns = mtime_ns;
                self.changed_ids += file.ids.len();
                self.changes.insert(Arc::from(key), Some(file));
                self.fold_when_large();
            }
        }
        true
    }

    /// Records `file` under `key`; returns the entry it replaces.
    pub fn insert(&mut self, key: Arc<str>, file: FileState) -> Option<FileState> {
        let old = self.get(&key).map(|e| e.to_owned());
        self.changed_ids += file.ids.len();
        self.changes.insert(key, Some(file));
        self.fold_when_large();
        old
    }

    /// Folds the changes into a new file on disk once they reach `FOLD_AT` entries, or
    /// four times as many ids (kept as strings until then, some 40 bytes each): the
    /// first run over a large folder or a file of millions of records keeps its memory
    /// flat too. A fold that fails keeps the changes (and the run fails before it
    /// commits: `take_error`).
    fn fold_when_large(&mut self) {
        let at = fold_at();
        if self.changes.len() > at || self.changed_ids > 4 * at {
            match self.fold() {
                Ok(()) => crash_point("state-folded"),
                Err(e) => self.fail(e),
            }
        }
    }

    /// Takes a file off the record; returns its entry.
    pub fn remove(&mut self, key: &Arc<str>) -> Option<FileState> {
        let old = self.get(key).map(|e| e.to_owned());
        if self.on_disk(key).is_some() {
            self.changes.insert(key.clone(), None);
        } else {
            self.changes.remove(key);
        }
        self.fold_when_large();
        old
    }

    /// The entry of `key` to change, made by `new` when there is none.
    pub fn entry_mut(&mut self, key: &Arc<str>, new: impl FnOnce() -> FileState) -> &mut FileState {
        let on_disk = match self.changes.contains_key(key) {
            true => None,
            false => self.on_disk(key).map(|e| e.to_owned()),
        };
        self.changes
            .entry(key.clone())
            .or_insert(on_disk)
            .get_or_insert_with(new)
    }

    /// Removes these ids from every entry that has them.
    pub fn remove_ids(&mut self, gone: &BTreeSet<&str>) {
        let holding: Vec<Arc<str>> = self
            .iter()
            .filter(|(_, entry)| entry.ids().any(|id| gone.contains(&*id)))
            .map(|(key, _)| Arc::from(&*key))
            .collect();
        for key in holding {
            let empty = || FileState {
                size: u64::MAX,
                mtime_ns: UNVERIFIED,
                hash: None,
                format: None,
                ids: Vec::new(),
            };
            let file = self.entry_mut(&key, empty);
            file.ids.retain(|id| !gone.contains(id.as_str()));
        }
    }

    /// Every entry no longer vouches for its file (see `State::distrust`).
    fn distrust(&mut self) {
        self.distrusted = true;
        for file in self.changes.values_mut().flatten() {
            file.mtime_ns = UNVERIFIED;
            file.hash = None;
        }
    }

    /// Writes every entry to `file` as a state file with `header`.
    fn write_to(&self, file: File, header: Header) -> io::Result<Disk> {
        let mut writer = Writer::new(file)?;
        let mut coded = Vec::new();
        for (key, entry) in self.iter() {
            match &entry {
                // Entries on disk keep their coded ids: copied, not decoded again.
                Entry::Table(table, i, _) => writer.push(&key, entry.info(), table.id_bytes(*i))?,
                Entry::Changed(file) => {
                    coded.clear();
                    push_ids(&mut coded, file.ids.iter());
                    writer.push(&key, file.info(), &coded)?;
                }
            }
        }
        // A block that could not be read ended the listing early.
        if let Some(e) = self.take_error() {
            return Err(e);
        }
        writer.finish(header)
    }

    /// The entries on disk are now `disk`, with every change in it.
    fn replace(&mut self, disk: Disk) {
        self.disk = Some(disk);
        self.distrusted = false;
        self.changes.clear();
        self.changed_ids = 0;
    }

    /// Writes the entries with the changes into a new unnamed file (nothing of it
    /// survives the process; the commit writes the named one).
    fn fold(&mut self) -> io::Result<()> {
        if self.changes.is_empty() {
            return Ok(());
        }
        let file = match &self.dir {
            Some(dir) => tempfile::tempfile_in(dir)?,
            None => tempfile::tempfile()?,
        };
        let disk = self.write_to(file, Header::default())?;
        self.replace(disk);
        Ok(())
    }
}

impl PartialEq for Files {
    fn eq(&self, other: &Files) -> bool {
        self.iter()
            .map(|(k, e)| (k, e.info()))
            .eq(other.iter().map(|(k, e)| (k, e.info())))
            && self
                .iter()
                .zip(other.iter())
                .all(|((_, a), (_, b))| a.ids().eq(b.ids()))
    }
}

impl State {
    /// Marks every file as unverified: its entry still names the ids it gave (so stale
    /// documents can be found) but no longer lets a later run skip the file. Called when
    /// the state does not match the index, so that saving it under a new commit cannot
    /// vouch for files whose documents that commit never held.
    pub fn distrust(&mut self) {
        self.files.distrust();
    }

    /// Read from the file of an earlier version (see `old`).
    pub fn is_old(&self) -> bool {
        self.old
    }

    fn empty(index_dir: &Path) -> State {
        let mut state = State::default();
        state.files.dir = Some(index_dir.to_path_buf());
        state
    }

    /// The saved state, or an empty one when there is none or it cannot be read (the
    /// next run then reads every file again, which is always correct).
    pub fn load(index_dir: &Path) -> State {
        Self::load_checked(index_dir)
            .ok()
            .flatten()
            .unwrap_or_else(|| State::empty(index_dir))
    }

    /// The saved state: `Ok(None)` when there is none, `Err` with the reason when it
    /// cannot be read (`trove check` says so).
    pub fn load_checked(index_dir: &Path) -> std::result::Result<Option<State>, String> {
        let file = match File::open(index_dir.join(FILE_NAME)) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Self::load_old(index_dir),
            Err(e) => return Err(e.to_string()),
        };
        let (disk, header) = Disk::open(file).map_err(|e| e.to_string())?;
        if header.version != VERSION {
            return Err(format!(
                "version {} (this trove writes {VERSION})",
                header.version
            ));
        }
        let mut state = State::empty(index_dir);
        state.opstamp = header.opstamp;
        state.roots = header.roots;
        state.files.disk = Some(disk);
        Ok(Some(state))
    }

    /// The state as earlier versions of trove saved it, read whole (once: the next
    /// commit writes it the new way).
    fn load_old(index_dir: &Path) -> std::result::Result<Option<State>, String> {
        let file = match File::open(index_dir.join(OLD_FILE_NAME)) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let decoder = zstd::Decoder::new(file).map_err(|e| e.to_string())?;
        let old: OldState = serde_json::from_reader(io::BufReader::with_capacity(1 << 16, decoder))
            .map_err(|e| e.to_string())?;
        if old.version != OLD_VERSION {
            return Err(format!(
                "version {} (this trove reads {OLD_VERSION})",
                old.version
            ));
        }
        let mut state = State::empty(index_dir);
        state.old = true;
        state.opstamp = old.opstamp;
        state.roots = old.roots;
        for (key, file) in old.files {
            state.files.insert(Arc::from(key), file);
        }
        Ok(Some(state))
    }

    /// Writes the state for the commit `opstamp`: to a temporary file, synced, then
    /// renamed over the old one, so a crash leaves the old state or the new one. The file
    /// written is then the one entries are read from.
    pub fn save(&mut self, index_dir: &Path, opstamp: u64) -> Result<()> {
        self.opstamp = Some(opstamp);
        let path = index_dir.join(FILE_NAME);
        let tmp = index_dir.join(format!("{FILE_NAME}.tmp"));
        let io_err = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(io_err)?;
        let header = Header {
            version: VERSION,
            opstamp: Some(opstamp),
            roots: self.roots.clone(),
        };
        let disk = self.files.write_to(file, header).map_err(io_err)?;
        crash_point("state-written");
        disk.sync().map_err(io_err)?;
        crash_point("state-synced");
        std::fs::rename(&tmp, &path).map_err(io_err)?;
        match std::fs::remove_file(index_dir.join(OLD_FILE_NAME)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_err(e)),
            _ => {}
        }
        self.files.replace(disk);
        self.files.dir = Some(index_dir.to_path_buf());
        self.old = false;
        Ok(())
    }
}

/// In debug builds, the `TROVE_TEST_CRASH_AT` environment variable names a point of the
/// commit protocol (`state-written`: the new state written but not flushed or renamed;
/// `state-synced`: written and synced, not renamed; `state-saved`: in place, the index
/// not yet committed; `state-folded`: a run's changes just folded into an unnamed file)
/// and, after `@`, at which time it is reached (1 unless said) the process aborts there
/// with SIGKILL, as kill -9 would end it: a test hook for the crash tests.
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
        std::fs::write(dir.path().join(FILE_NAME), b"{not a state").unwrap();
        assert_eq!(State::load(dir.path()), State::default());
        state.save(dir.path(), 7).unwrap();

        // A distrusted state keeps the ids but can no longer vouch for the file, even
        // after it is saved under a later commit and loaded again.
        state.distrust();
        state.save(dir.path(), 9).unwrap();
        let loaded = State::load(dir.path());
        let file = loaded.files.get("/a.txt").unwrap();
        assert_eq!(file.ids().collect::<Vec<_>>(), ["x"]);
        let info = file.info();
        assert_eq!((info.mtime_ns, info.hash), (UNVERIFIED, None));
    }

    fn file(ids: &[&str], mtime_ns: i128) -> FileState {
        FileState {
            size: 1,
            mtime_ns,
            hash: Some(mtime_ns as u64),
            format: Some(Format::JsonLines),
            ids: ids.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A state as earlier versions saved it (JSON, zstd; paths in any order) reads the
    /// same, and the next save replaces it with the new file.
    #[test]
    fn reads_the_json_state_of_earlier_versions() {
        let dir = tempfile::tempdir().unwrap();
        let json = r#"{"version":1,"opstamp":4,"roots":["/r"],"files":{"/b":{"size":1,"mtime_ns":-5,"hash":null,"format":"jsonl","ids":["1","2"]},"/a":{"size":1,"mtime_ns":-5,"hash":null,"format":"jsonl","ids":[]},"/c\u00e9":{"size":1,"mtime_ns":-5,"hash":null,"format":"jsonl","ids":["\ud83d\ude00"]}}}"#;
        let old = dir.path().join(OLD_FILE_NAME);
        std::fs::write(&old, zstd::encode_all(json.as_bytes(), 3).unwrap()).unwrap();
        let mut state = State::load(dir.path());
        assert_eq!(
            (state.opstamp, state.roots.clone()),
            (Some(4), vec!["/r".to_string()])
        );
        let listed: Vec<(String, Vec<String>)> = state
            .files
            .iter()
            .map(|(k, e)| (k.to_string(), e.ids().map(Cow::into_owned).collect()))
            .collect();
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            listed,
            [
                ("/a".to_string(), ids(&[])),
                ("/b".to_string(), ids(&["1", "2"])),
                ("/c\u{e9}".to_string(), ids(&["\u{1f600}"])),
            ]
        );
        assert!(state.is_old());
        state.save(dir.path(), 5).unwrap();
        assert!(!old.exists() && !state.is_old());
        assert_eq!(State::load(dir.path()), state);
    }

    /// Thousands of entries over many blocks, paths in several scripts: each is found,
    /// the listing is in order, and a fold or a save in between changes nothing.
    #[test]
    fn many_blocks_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = State::load(dir.path());
        let mut model = BTreeMap::new();
        for n in 0..6000i128 {
            let key = match n % 4 {
                0 => format!("/d/{n:05}.txt"),
                1 => format!("/\u{130}stanbul/{n}"),
                2 => format!("/\u{65e5}\u{672c}/{n}/\u{e9}"),
                _ => format!("/\u{1f600}{}", "x".repeat((n % 300) as usize)),
            };
            let owned: Vec<String> = (0..(n % 5)).map(|i| format!("id-{n}-{i}")).collect();
            let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
            let f = file(&refs, n - 3000);
            state.files.insert(Arc::from(key.as_str()), f.clone());
            model.insert(key, f);
            if n == 4000 {
                state.save(dir.path(), 1).unwrap();
            }
        }
        state.save(dir.path(), 2).unwrap();
        let state = State::load(dir.path());
        assert!(state.files.disk.as_ref().unwrap().blocks() > 1);
        for (key, f) in &model {
            assert_eq!(
                state.files.get(key).map(|e| e.to_owned()).as_ref(),
                Some(f),
                "{key}"
            );
        }
        assert!(state.files.get("/d/00001.txt").is_none());
        let listed: Vec<String> = state.files.iter().map(|(k, _)| k.into_owned()).collect();
        assert_eq!(listed, model.keys().cloned().collect::<Vec<_>>());
        assert!(state.files.take_error().is_none());

        // Listing from a key, with changes on top of the disk: as the model's range.
        let mut state = state;
        let keys: Vec<String> = model.keys().cloned().collect();
        for key in keys.iter().step_by(7) {
            state.files.remove(&Arc::from(key.as_str()));
            model.remove(key);
        }
        for n in 0..500 {
            let key = format!("/d/{n:05}.new");
            state.files.insert(Arc::from(key.as_str()), file(&["x"], n));
            model.insert(key, file(&["x"], n));
        }
        let mut starts = vec![String::new(), "/d/".into(), "\u{10ffff}".into()];
        starts.extend(keys.iter().step_by(97).cloned());
        starts.extend(keys.iter().step_by(89).map(|k| format!("{k}\0")));
        for start in &starts {
            let from: Vec<String> = state
                .files
                .iter_from(start)
                .take(50)
                .map(|(k, _)| k.into_owned())
                .collect();
            let want: Vec<String> = model
                .range::<str, _>((Bound::Included(start.as_str()), Bound::Unbounded))
                .take(50)
                .map(|(k, _)| k.clone())
                .collect();
            assert_eq!(from, want, "from {start:?}");
        }
    }

    /// A state file damaged anywhere is refused when it is loaded (checksums of the
    /// footer and of the blocks).
    #[test]
    fn damage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = State::load(dir.path());
        for n in 0..3000 {
            let id = format!("{n}");
            state
                .files
                .insert(Arc::from(format!("/f/{n:06}")), file(&[&id], n));
        }
        state.save(dir.path(), 1).unwrap();
        let path = dir.path().join(FILE_NAME);
        let good = std::fs::read(&path).unwrap();
        // Cut short, or a byte of the footer changed: refused when loaded.
        std::fs::write(&path, &good[..good.len() - 30]).unwrap();
        assert!(State::load_checked(dir.path()).is_err());
        let mut bad = good.clone();
        let at = good.len() - 40;
        bad[at] ^= 0x20;
        std::fs::write(&path, &bad).unwrap();
        assert!(State::load_checked(dir.path()).is_err());
        // A byte of a block changed: refused when loaded too.
        let mut bad = good.clone();
        bad[100] ^= 0x01;
        std::fs::write(&path, &bad).unwrap();
        assert!(State::load_checked(dir.path()).is_err());
        // Damaged after it was loaded: the block is an error the run stops on
        // (`take_error`, a save that fails), never fewer entries.
        std::fs::write(&path, &good).unwrap();
        let mut state = State::load_checked(dir.path()).unwrap().unwrap();
        let file = OpenOptions::new().write(true).open(&path).unwrap();
        std::os::unix::fs::FileExt::write_all_at(&file, &[good[100] ^ 0x01], 100).unwrap();
        assert!(state.files.get("/f/000000").is_none());
        assert!(state.files.take_error().is_some());
        assert!(state.files.iter().count() < 3000);
        assert!(state.save(dir.path(), 2).is_err());
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(String, Vec<String>, i64),
        Remove(String),
        SetMtime(String, i64),
        Partial(String, String),
        RemoveIds(Vec<String>),
        Save,
        Distrust,
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        // Few distinct keys, so operations meet; paths and ids in any script.
        let key = prop_oneof![
            Just("/a".to_string()),
            Just("/a/b".to_string()),
            Just("/a-b".to_string()),
            Just("/\u{130}stanbul".to_string()),
            Just("/\u{65e5}\u{672c}".to_string()),
            "\\PC{0,6}",
        ];
        let id = prop_oneof![
            Just("x".to_string()),
            Just("\u{df}".to_string()),
            "\\PC{0,5}"
        ];
        prop_oneof![
            (
                key.clone(),
                proptest::collection::vec(id.clone(), 0..4),
                any::<i64>()
            )
                .prop_map(|(k, ids, t)| Op::Insert(k, ids, t)),
            key.clone().prop_map(Op::Remove),
            (key.clone(), any::<i64>()).prop_map(|(k, t)| Op::SetMtime(k, t)),
            (key, id.clone()).prop_map(|(k, i)| Op::Partial(k, i)),
            proptest::collection::vec(id, 0..3).prop_map(Op::RemoveIds),
            Just(Op::Save),
            Just(Op::Distrust),
        ]
    }

    fn decoded(mut coded: &[u8]) -> Vec<String> {
        let mut current = String::new();
        std::iter::from_fn(|| {
            let n = next_id(coded, &mut current)?;
            coded = &coded[n..];
            Some(current.clone())
        })
        .collect()
    }

    /// Ids that share a prefix cost a few bytes each; ids that share only part of a
    /// character (`\u{e9}` and `\u{e8}` both start with 0xC3) are cut at a boundary.
    #[test]
    fn front_coding_is_small_and_exact() {
        let ids: Vec<String> = (0..10_000).map(|n| format!("doc-{n:08}")).collect();
        let mut coded = Vec::new();
        push_ids(&mut coded, ids.iter());
        assert!(coded.len() < 4 * ids.len(), "{} bytes", coded.len());
        assert_eq!(decoded(&coded), ids);
        let ids = [
            "\u{e9}t\u{e9}",
            "\u{e8}re",
            "\u{e8}",
            "",
            "\u{1F600}a",
            "\u{1F601}",
            "x",
        ];
        let mut coded = Vec::new();
        push_ids(&mut coded, ids.iter());
        assert_eq!(decoded(&coded), ids);
    }

    proptest::proptest! {
        /// Any ids, in any script, come back as they went in.
        #[test]
        fn front_coded_ids_round_trip(ids in proptest::collection::vec("\\PC{0,12}", 0..24)) {
            let mut coded = Vec::new();
            push_ids(&mut coded, ids.iter());
            proptest::prop_assert_eq!(decoded(&coded), ids);
        }

        /// Bytes it did not write end the decoding; they never panic it.
        #[test]
        fn decoding_other_bytes_stops(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let ids = decoded(&bytes);
            proptest::prop_assert!(ids.len() <= bytes.len());
        }
    }

    proptest::proptest! {
        /// The table and its changes behave as one map of path to entry, through saves
        /// (which fold the changes in), loads and distrust.
        #[test]
        fn the_table_acts_as_a_map(ops in proptest::collection::vec(op(), 0..40)) {
            let dir = tempfile::tempdir().unwrap();
            let mut state = State::default();
            let mut model: BTreeMap<String, FileState> = BTreeMap::new();
            for (n, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Insert(k, ids, t) => {
                        let file = FileState { size: 7, mtime_ns: t.into(), hash: Some(1), format: None, ids };
                        let old = state.files.insert(Arc::from(k.as_str()), file.clone());
                        proptest::prop_assert_eq!(old, model.insert(k, file));
                    }
                    Op::Remove(k) => {
                        let old = state.files.remove(&Arc::from(k.as_str()));
                        proptest::prop_assert_eq!(old, model.remove(&k));
                    }
                    Op::SetMtime(k, t) => {
                        let set = state.files.set_mtime(&k, t.into());
                        let file = model.get_mut(&k);
                        proptest::prop_assert_eq!(set, file.is_some());
                        if let Some(file) = file {
                            file.mtime_ns = t.into();
                        }
                    }
                    Op::Partial(k, id) => {
                        let new = || FileState { size: u64::MAX, mtime_ns: 0, hash: None, format: None, ids: Vec::new() };
                        state.files.entry_mut(&Arc::from(k.as_str()), new).ids.push(id.clone());
                        model.entry(k).or_insert_with(new).ids.push(id);
                    }
                    Op::RemoveIds(ids) => {
                        let gone: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
                        state.files.remove_ids(&gone);
                        for file in model.values_mut() {
                            file.ids.retain(|id| !gone.contains(id.as_str()));
                        }
                    }
                    Op::Save => {
                        state.save(dir.path(), n as u64).unwrap();
                        state = State::load(dir.path());
                        proptest::prop_assert_eq!(state.opstamp, Some(n as u64));
                    }
                    Op::Distrust => {
                        state.distrust();
                        for file in model.values_mut() {
                            file.mtime_ns = UNVERIFIED;
                            file.hash = None;
                        }
                    }
                }
                let listed: Vec<(String, FileState)> = state
                    .files
                    .iter()
                    .map(|(k, e)| (k.to_string(), e.to_owned()))
                    .collect();
                let expected: Vec<(String, FileState)> = model.clone().into_iter().collect();
                proptest::prop_assert_eq!(listed, expected);
                proptest::prop_assert_eq!(state.files.is_empty(), model.is_empty());
                for (k, file) in &model {
                    let got = state.files.get(k).map(|e| e.to_owned());
                    proptest::prop_assert_eq!(got.as_ref(), Some(file));
                }
            }
        }
    }
}
