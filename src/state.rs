//! What trove knows about the files it indexed: size, modification time, content hash
//! and the ids of the documents each file gave. Kept beside the index in
//! `trove-files.json.zst` (JSON, zstd-compressed: a tenth of the size for archives of
//! many files), written atomically with every commit, tagged with the commit's opstamp
//! so a state that does not match the index (a crash between the two) is recognised and
//! not trusted for skipping files.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{btree_map, BTreeMap, BTreeSet};
use std::iter::Peekable;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::{MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

/// A file's entry without its ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileInfo {
    pub size: u64,
    pub mtime_ns: i128,
    pub hash: Option<u64>,
    pub format: Option<Format>,
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
    /// Canonical path -> state.
    pub files: Files,
}

/// The files on record, by canonical path: a compact table sorted by path (every path
/// in one string, every id in another, the rest in a column; about a quarter of the
/// memory of a map of separate entries), and the changes made since it was built, in a
/// map, folded into a new table when they reach an eighth of it. Saved and loaded as
/// the JSON map of path to entry it stands for.
#[derive(Debug, Default, Clone)]
pub(crate) struct Files {
    table: Table,
    /// Changes since the table was built: the new entry, or `None` for one removed.
    changes: BTreeMap<Arc<str>, Option<FileState>>,
    /// Ids recorded by `insert` since then.
    changed_ids: usize,
}

/// Changes kept apart before they are folded into the table, at least (a few in unit
/// tests, so that their sequences of changes fold too).
const FOLD_AT: usize = if cfg!(test) { 3 } else { 1 << 16 };

#[derive(Debug, Default, Clone)]
pub(crate) struct Table {
    paths: String,
    /// End of each path in `paths`.
    path_ends: Vec<usize>,
    infos: Vec<FileInfo>,
    /// Every file's ids, front-coded file by file (`push_ids`): an id is the bytes it
    /// shares with the one before it, then the rest. Ids of one file mostly share a
    /// prefix (`doc-000123`, URLs of one site, message ids of one host): three to five
    /// bytes an id where each id as a string of its own took sixteen or more.
    ids: Vec<u8>,
    /// End, in `ids`, of each file's ids.
    file_ids: Vec<usize>,
}

impl Table {
    fn len(&self) -> usize {
        self.infos.len()
    }

    fn path(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.path_ends[i - 1] };
        &self.paths[start..self.path_ends[i]]
    }

    /// The coded ids of entry `i`.
    fn id_bytes(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.file_ids[i - 1] };
        &self.ids[start..self.file_ids[i]]
    }

    /// Where `key` is, if it is here.
    fn find(&self, key: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.path(mid).cmp(key) {
                Ordering::Less => low = mid + 1,
                Ordering::Greater => high = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Appends an entry; paths must come in increasing order.
    fn push<S: AsRef<str>>(&mut self, path: &str, info: FileInfo, ids: impl Iterator<Item = S>) {
        push_ids(&mut self.ids, ids);
        self.push_coded(path, info, &[]);
    }

    /// Appends an entry whose ids are coded already (copied from another table).
    fn push_coded(&mut self, path: &str, info: FileInfo, coded: &[u8]) {
        self.paths.push_str(path);
        self.path_ends.push(self.paths.len());
        self.infos.push(info);
        self.ids.extend_from_slice(coded);
        self.file_ids.push(self.ids.len());
    }

    fn last_path(&self) -> Option<&str> {
        self.len().checked_sub(1).map(|i| self.path(i))
    }

    fn shrink_to_fit(&mut self) {
        self.paths.shrink_to_fit();
        self.path_ends.shrink_to_fit();
        self.infos.shrink_to_fit();
        self.ids.shrink_to_fit();
        self.file_ids.shrink_to_fit();
    }
}

/// Appends `ids` front-coded: for each, the number of leading bytes it shares with the
/// one before (cut back to a character boundary), the number of bytes after them, both
/// as LEB128 varints, then those bytes.
fn push_ids<S: AsRef<str>>(out: &mut Vec<u8>, ids: impl Iterator<Item = S>) {
    let mut prev = String::new();
    for id in ids {
        let id = id.as_ref();
        let mut shared = prev
            .bytes()
            .zip(id.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        while !id.is_char_boundary(shared) {
            shared -= 1;
        }
        push_varint(out, shared);
        push_varint(out, id.len() - shared);
        out.extend_from_slice(&id.as_bytes()[shared..]);
        prev.truncate(shared);
        prev.push_str(&id[shared..]);
    }
}

fn push_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A varint at the start of `bytes`, and the bytes after it.
fn read_varint(bytes: &[u8]) -> Option<(usize, &[u8])> {
    let mut n = 0usize;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        n |= ((b & 0x7f) as usize).checked_shl(7 * i as u32)?;
        if b < 0x80 {
            return Some((n, &bytes[i + 1..]));
        }
    }
    None
}

/// Ids coded by `push_ids`, decoded one after another.
#[derive(Clone)]
pub(crate) struct Decoder<'a> {
    rest: &'a [u8],
    current: String,
}

impl Decoder<'_> {
    /// The next id; `None` at the end (or at bytes `push_ids` did not write).
    fn next_id(&mut self) -> Option<&str> {
        let (shared, rest) = read_varint(self.rest)?;
        let (len, rest) = read_varint(rest)?;
        let suffix = std::str::from_utf8(rest.get(..len)?).ok()?;
        if !self.current.is_char_boundary(shared) || shared > self.current.len() {
            return None;
        }
        self.current.truncate(shared);
        self.current.push_str(suffix);
        self.rest = &rest[len..];
        Some(&self.current)
    }
}

/// One file's entry, where it is kept.
#[derive(Clone, Copy)]
pub(crate) enum Entry<'a> {
    Table(&'a Table, usize),
    Changed(&'a FileState),
}

impl<'a> Entry<'a> {
    pub fn info(&self) -> FileInfo {
        match self {
            Entry::Table(table, i) => table.infos[*i],
            Entry::Changed(file) => file.info(),
        }
    }

    pub fn ids(&self) -> Ids<'a> {
        match *self {
            Entry::Table(table, i) => Ids::Table(Decoder {
                rest: table.id_bytes(i),
                current: String::new(),
            }),
            Entry::Changed(file) => Ids::Changed(file.ids.iter()),
        }
    }

    fn to_owned(self) -> FileState {
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

/// The ids of one file's entry, in order (decoded from the table, or borrowed from a
/// change).
pub(crate) enum Ids<'a> {
    Table(Decoder<'a>),
    Changed(std::slice::Iter<'a, String>),
}

impl<'a> Iterator for Ids<'a> {
    type Item = Cow<'a, str>;
    fn next(&mut self) -> Option<Cow<'a, str>> {
        match self {
            Ids::Table(decoder) => decoder.next_id().map(|id| Cow::Owned(id.to_string())),
            Ids::Changed(iter) => iter.next().map(|id| Cow::Borrowed(id.as_str())),
        }
    }
}

/// Every entry in path order: the table's, with the changes applied.
pub(crate) struct Iter<'a> {
    table: &'a Table,
    next: usize,
    changes: Peekable<btree_map::Iter<'a, Arc<str>, Option<FileState>>>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, Entry<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let in_table = (self.next < self.table.len()).then(|| self.table.path(self.next));
            let changed = self.changes.peek().map(|(k, _)| &***k);
            let take_table = match (in_table, changed) {
                (None, None) => return None,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(t), Some(c)) => t < c,
            };
            if take_table {
                self.next += 1;
                return Some((in_table?, Entry::Table(self.table, self.next - 1)));
            }
            let (key, change) = self.changes.next()?;
            if in_table == Some(&**key) {
                // The change replaces (or removes) the table's entry.
                self.next += 1;
            }
            if let Some(file) = change {
                return Some((&**key, Entry::Changed(file)));
            }
        }
    }
}

impl Files {
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            table: &self.table,
            next: 0,
            changes: self.changes.iter().peekable(),
        }
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    pub fn get(&self, key: &str) -> Option<Entry<'_>> {
        match self.changes.get(key) {
            Some(change) => change.as_ref().map(Entry::Changed),
            None => self.table.find(key).map(|i| Entry::Table(&self.table, i)),
        }
    }

    /// Sets a file's modification time; false when it is not on record.
    pub fn set_mtime(&mut self, key: &str, mtime_ns: i128) -> bool {
        match self.changes.get_mut(key) {
            Some(Some(file)) => file.mtime_ns = mtime_ns,
            Some(None) => return false,
            None => match self.table.find(key) {
                Some(i) => self.table.infos[i].mtime_ns = mtime_ns,
                None => return false,
            },
        }
        true
    }

    /// Records `file` under `key`; returns the entry it replaces.
    pub fn insert(&mut self, key: Arc<str>, file: FileState) -> Option<FileState> {
        let old = self.get(&key).map(Entry::to_owned);
        self.changed_ids += file.ids.len();
        self.changes.insert(key, Some(file));
        self.fold_when_large();
        old
    }

    /// Folds the changes into the table once they reach an eighth of it in entries, or a
    /// quarter of a million ids (kept as strings until then, some 40 bytes each): the
    /// first run over a large folder or a file of millions of records keeps its entries
    /// compact too. Each entry is copied about nine times over any run; its coded ids
    /// are copied as they are, so a fold costs a copy of the table's bytes.
    fn fold_when_large(&mut self) {
        if self.changes.len() > FOLD_AT.max(self.table.len() / 8) || self.changed_ids > 4 * FOLD_AT
        {
            self.fold();
        }
    }

    /// Takes a file off the record; returns its entry.
    pub fn remove(&mut self, key: &Arc<str>) -> Option<FileState> {
        let old = self.get(key).map(Entry::to_owned);
        if self.table.find(key).is_some() {
            self.changes.insert(key.clone(), None);
        } else {
            self.changes.remove(key);
        }
        self.fold_when_large();
        old
    }

    /// The entry of `key` to change, made by `new` when there is none.
    pub fn entry_mut(&mut self, key: &Arc<str>, new: impl FnOnce() -> FileState) -> &mut FileState {
        let table = &self.table;
        self.changes
            .entry(key.clone())
            .or_insert_with(|| table.find(key).map(|i| Entry::Table(table, i).to_owned()))
            .get_or_insert_with(new)
    }

    /// Removes these ids from every entry that has them.
    pub fn remove_ids(&mut self, gone: &BTreeSet<&str>) {
        let holding: Vec<Arc<str>> = self
            .iter()
            .filter(|(_, entry)| entry.ids().any(|id| gone.contains(&*id)))
            .map(|(key, _)| Arc::from(key))
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
        for info in &mut self.table.infos {
            info.mtime_ns = UNVERIFIED;
            info.hash = None;
        }
        for file in self.changes.values_mut().flatten() {
            file.mtime_ns = UNVERIFIED;
            file.hash = None;
        }
    }

    /// Builds the table again with the changes in it.
    fn fold(&mut self) {
        if self.changes.is_empty() {
            return;
        }
        let (mut path_bytes, mut id_bytes) = (0, 0);
        for (key, change) in &self.changes {
            path_bytes += key.len();
            // At most this much coded: two varints of a byte and the id, mostly less.
            id_bytes += change
                .iter()
                .flat_map(|file| &file.ids)
                .map(|id| id.len() + 2)
                .sum::<usize>();
        }
        let old = &self.table;
        let entries = old.len() + self.changes.len();
        let mut table = Table {
            paths: String::with_capacity(old.paths.len() + path_bytes),
            path_ends: Vec::with_capacity(entries),
            infos: Vec::with_capacity(entries),
            ids: Vec::with_capacity(old.ids.len() + id_bytes),
            file_ids: Vec::with_capacity(entries),
        };
        for (key, entry) in self.iter() {
            match entry {
                // Unchanged entries keep their coded ids: copied, not decoded again.
                Entry::Table(old, i) => table.push_coded(key, old.infos[i], old.id_bytes(i)),
                Entry::Changed(file) => table.push(key, file.info(), file.ids.iter()),
            }
        }
        table.shrink_to_fit();
        self.table = table;
        self.changes.clear();
        self.changed_ids = 0;
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

/// Written as the map of path to `FileState` it stands for.
impl Serialize for Files {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, entry) in self.iter() {
            map.serialize_entry(key, &EntryOut(entry))?;
        }
        map.end()
    }
}

struct EntryOut<'a>(Entry<'a>);

impl Serialize for EntryOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let info = self.0.info();
        let mut s = serializer.serialize_struct("FileState", 5)?;
        s.serialize_field("size", &info.size)?;
        s.serialize_field("mtime_ns", &info.mtime_ns)?;
        s.serialize_field("hash", &info.hash)?;
        s.serialize_field("format", &info.format)?;
        s.serialize_field("ids", &IdsOut(self.0))?;
        s.end()
    }
}

struct IdsOut<'a>(Entry<'a>);

impl Serialize for IdsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.ids())
    }
}

/// Read entry by entry into the table (a state written by trove lists paths in order;
/// one out of order is kept as a change, so any order reads right).
impl<'de> Deserialize<'de> for Files {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Files, D::Error> {
        struct FilesVisitor;
        impl<'de> Visitor<'de> for FilesVisitor {
            type Value = Files;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of paths to file entries")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Files, A::Error> {
                let mut files = Files::default();
                while let Some((key, file)) = map.next_entry::<String, FileState>()? {
                    if files
                        .table
                        .last_path()
                        .is_none_or(|last| last < key.as_str())
                        && files.changes.is_empty()
                    {
                        files
                            .table
                            .push(&key, file.info(), file.ids.iter().map(String::as_str));
                    } else {
                        files.changes.insert(Arc::from(key), Some(file));
                    }
                }
                files.fold();
                files.table.shrink_to_fit();
                Ok(files)
            }
        }
        deserializer.deserialize_map(FilesVisitor)
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
        let loaded = State::load(dir.path());
        let file = loaded.files.get("/a.txt").unwrap();
        assert_eq!(file.ids().collect::<Vec<_>>(), ["x"]);
        let info = file.info();
        assert_eq!((info.mtime_ns, info.hash), (UNVERIFIED, None));
    }

    /// What the table is written as: the JSON of a map of path to `FileState`, so
    /// states saved before the table read the same.
    #[test]
    fn written_as_a_map_of_entries() {
        let mut map = BTreeMap::new();
        let mut files = Files::default();
        for (key, ids) in [
            ("/b", vec!["1", "2"]),
            ("/a", vec![]),
            ("/c\u{e9}", vec!["\u{1f600}"]),
        ] {
            let file = FileState {
                size: 1,
                mtime_ns: -5,
                hash: None,
                format: Some(Format::JsonLines),
                ids: ids.into_iter().map(String::from).collect(),
            };
            map.insert(key.to_string(), file.clone());
            files.insert(Arc::from(key), file);
        }
        let expected = serde_json::to_string(&map).unwrap();
        assert_eq!(serde_json::to_string(&files).unwrap(), expected);
        files.fold();
        assert_eq!(serde_json::to_string(&files).unwrap(), expected);
        let back: Files = serde_json::from_str(&expected).unwrap();
        assert_eq!(back, files);
        // Out of order (not what trove writes) reads the same.
        let shuffled = r#"{"/b":{"size":1,"mtime_ns":-5,"hash":null,"format":"jsonl","ids":["1","2"]},"/a":{"size":1,"mtime_ns":-5,"hash":null,"format":"jsonl","ids":[]},"/c\u00e9":{"size":1,"mtime_ns":-5,"hash":null,"format":"jsonl","ids":["\ud83d\ude00"]}}"#;
        let back: Files = serde_json::from_str(shuffled).unwrap();
        assert_eq!(back, files);
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

    fn decoded(coded: &[u8]) -> Vec<String> {
        let mut decoder = Decoder {
            rest: coded,
            current: String::new(),
        };
        std::iter::from_fn(|| decoder.next_id().map(str::to_string)).collect()
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
                    let got = state.files.get(k).map(Entry::to_owned);
                    proptest::prop_assert_eq!(got.as_ref(), Some(file));
                }
            }
        }
    }
}
