//! The index on disk: opening and creating it, taking the writer lock, and the writes
//! every command shares (upsert by id, delete by id, commit together with the state).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::MmapDirectory;
use tantivy::directory::META_LOCK;
use tantivy::index::SegmentId;
use tantivy::indexer::UserOperation;
use tantivy::schema::document::Document;
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{
    Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, SegmentMeta, TantivyDocument,
    TantivyError, Term,
};

use crate::article::Article;
use crate::error::{Error, Result};
use crate::mapped::Maps;
use crate::schema::{self, Fields};
use crate::state::State;

/// tantivy's smallest writer budget per indexing thread.
pub const MIN_MEMORY_PER_THREAD: usize = 15 * 1024 * 1024;

/// Files that may sit in an index folder before any index does: the repo's index/
/// folder holds a .gitignore, and tantivy's own bookkeeping files stay behind when an
/// index's files are deleted with `rm index/*` or its creation was interrupted.
const ALLOWED_BEFORE_INDEX: [&str; 10] = [
    ".gitignore",
    ".gitkeep",
    "README.md",
    ".managed.json",
    ".tantivy-meta.lock",
    ".tantivy-writer.lock",
    "trove-files.bin",
    "trove-files.bin.tmp",
    "trove-files.json.zst",
    "trove-files.json.zst.tmp",
];

/// A temporary file of tantivy's atomic writes (`.tmp` and six letters or digits, renamed
/// over `meta.json` or `.managed.json` once written): a process killed while creating an
/// index leaves one behind, and the folder is still no one else's.
fn is_atomic_write_leftover(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .and_then(|n| n.strip_prefix(".tmp"))
        .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// How new indexes store documents: zstd at level 1 in 16 KiB blocks. Measured on the
/// news sets: the document store is the largest part of the index, and zstd makes it
/// about a third smaller than tantivy's default lz4 for a fraction of a millisecond
/// more per search (README, Performance). Level 3 made the index 1.7% smaller (0.96x
/// against 0.98x the raw corpus at 1x) for 2.5% more indexing CPU, and searches no
/// faster. Every hit shown decompresses its block: 32 KiB blocks gave the same size but
/// made a search printing 10 hits 0.4 ms slower (3.0 ms against 2.6 ms at 1x).
fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(DOCSTORE_ZSTD_LEVEL),
        }),
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..IndexSettings::default()
    }
}

const DOCSTORE_ZSTD_LEVEL: i32 = 1;
const DOCSTORE_BLOCK_BYTES: usize = 16 * 1024;

/// How segments are merged while indexing: tantivy's log merge policy, merging once 16
/// segments of a size have gathered instead of 8. Each document is merged about half as
/// often; measured on 1,000,000 records (1.4 GB of JSON Lines, 2 threads, 256 MiB),
/// tantivy's default took 136-197 s with a peak RSS of 1.6 GB (0.7 GB heap, the rest the
/// merged segments' mapped pages) where this took 104 s and 0.63 GB, ending with 14
/// segments instead of 5 (`bench/RESULTS.md`, "Merges").
fn merge_policy() -> tantivy::indexer::LogMergePolicy {
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_min_num_segments(16);
    policy
}

/// A segment is in a run's tail when it holds under 1/`TAIL_SHARE` of the documents of
/// the index's largest segment.
const TAIL_SHARE: u64 = 16;
/// More tail segments than this are merged into one after a run.
const TAIL_MIN: usize = 8;

/// The segments a run leaves in its tail: each commit ends a segment per indexing
/// thread, and the log merge policy merges 16 of one size at a time, so a long run
/// leaves a few large segments and tens of small ones of many sizes that never gather
/// 16 of a size (10,000,000 records: 5 segments of 1.5-2.0M documents and 29 of 900 to
/// 100,000). A search pays for every segment it opens (its files' footers, its
/// dictionaries, the pages faulted in: about 38 page faults a segment), so the tail is
/// merged into one after the run when it has more than `TAIL_MIN` segments: the small
/// ones only, a fraction of the index's bytes (bench/RESULTS.md, "The tail merge").
fn tail(metas: &[SegmentMeta]) -> Vec<SegmentId> {
    let largest = metas.iter().map(|m| u64::from(m.num_docs())).max();
    let small: Vec<SegmentId> = metas
        .iter()
        .filter(|m| largest.is_some_and(|l| u64::from(m.num_docs()) * TAIL_SHARE < l))
        .map(SegmentMeta::id)
        .collect();
    if small.len() > TAIL_MIN {
        small
    } else {
        Vec::new()
    }
}

/// Writes handed to tantivy's writer together and in order: one hand-over to its
/// indexing threads per batch instead of one per document (6% less indexing CPU).
///
/// tantivy's queue holds up to 10,000 hand-overs, which for batches is up to 640,000
/// documents: the whole corpus could wait in memory while its indexing threads catch
/// up (measured: 1.3 GB at 8x). So each document is counted from the hand-over until an
/// indexing thread is done with it and drops it (`Queued`), and `flush` waits while more
/// than the backlog's share of `--memory` (`Shares`) waits in text.
#[derive(Default)]
pub(crate) struct Writes {
    ops: Vec<UserOperation<Queued>>,
    /// Text bytes of the documents queued here.
    bytes: usize,
    backlog: Arc<Backlog>,
}

/// How `--memory` is shared out, so that the whole indexing process stays about
/// within it (bench/RESULTS.md, "Indexing in a budget"):
/// - half to tantivy's writer, which goes some 15% over what it is given (its hash
///   tables grow, and a segment's terms are sorted while it is written out);
/// - 1/32 to documents handed over and waiting for the indexing threads, counted in
///   text bytes (as tantivy documents they take about 2.4 times that);
/// - up to 1/8 to pages of the index's files mapped in while segments merge (let go
///   whenever they pass it: `TroveIndex::keep_mapped_pages_under`);
/// - 1/16 to the table of which file holds each id, 20 bytes an id (past it, the table
///   moves to a file on disk: `batch::spill`);
/// - the rest to the parsers' files in hand, the record of files and ids, and what the
///   allocator keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shares {
    pub writer: usize,
    pub backlog: usize,
    pub mapped: usize,
    pub owners: usize,
}

/// `--memory` when none is given: the writer's share is then 256 MB, the budget it had
/// alone before the budget covered the process (a smaller share makes more segments and
/// more merging: at 1,000,000 records, 128 MB took 1.3-1.5x the time).
pub const DEFAULT_MEMORY: usize = 512 << 20;

impl Shares {
    /// The least `--memory` a writer thread can work in.
    pub const MIN_MEMORY: usize = 2 * MIN_MEMORY_PER_THREAD;

    pub fn of(memory: usize) -> Shares {
        Shares {
            writer: (memory / 2).max(MIN_MEMORY_PER_THREAD),
            backlog: (memory / 32).max(1 << 20),
            mapped: memory / 8,
            owners: memory / 16,
        }
    }
}

/// How long the backlog may stay full with nothing indexed before a hand-over goes on
/// regardless (far longer than writing out a segment of any budget takes).
const BACKLOG_STALL: Duration = Duration::from_secs(120);

struct Backlog {
    bytes: Mutex<usize>,
    taken: Condvar,
    /// Text bytes handed over and not yet indexed, at most.
    limit: usize,
}

impl Default for Backlog {
    fn default() -> Backlog {
        Backlog {
            bytes: Mutex::new(0),
            taken: Condvar::new(),
            limit: Shares::of(DEFAULT_MEMORY).backlog,
        }
    }
}

/// A document on its way to tantivy's indexing threads, counted in the backlog from the
/// hand-over until the indexing thread that indexed it drops it.
pub(crate) struct Queued {
    doc: TantivyDocument,
    /// Its text bytes.
    size: usize,
    /// What it counts for in the backlog (0 until the hand-over).
    counted: usize,
    backlog: Arc<Backlog>,
}

impl Drop for Queued {
    fn drop(&mut self) {
        if self.counted > 0 {
            let mut bytes = self.backlog.bytes.lock().unwrap_or_else(|e| e.into_inner());
            *bytes = bytes.saturating_sub(self.counted);
            if *bytes <= self.backlog.limit / 2 {
                self.backlog.taken.notify_all();
            }
        }
    }
}

impl Document for Queued {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

impl Writes {
    /// Enough queued to hand over.
    pub(crate) fn is_full(&self) -> bool {
        self.ops.len() >= 64 || self.bytes >= 4 << 20
    }

    /// Writes whose hand-overs wait while more than `backlog` text bytes wait to be
    /// indexed.
    pub(crate) fn with_backlog(backlog: usize) -> Writes {
        Writes {
            backlog: Arc::new(Backlog {
                limit: backlog,
                ..Backlog::default()
            }),
            ..Writes::default()
        }
    }

    /// Waits while the indexing threads have more than the backlog's limit to index. Gives up
    /// waiting when `BACKLOG_STALL` passes with nothing indexed: a writer whose threads
    /// died indexes nothing (the next hand-over then reports its error). While both
    /// indexing threads write out a segment (seconds each, often at the same time, as
    /// they fill at the same rate) nothing is indexed either: giving up after one second
    /// let the parsers run ahead by 187 MB of documents at 300,000 files.
    fn wait_for_backlog(&self) {
        let mut bytes = self.backlog.bytes.lock().unwrap_or_else(|e| e.into_inner());
        let mut least = *bytes;
        let mut progress = Instant::now();
        while *bytes > self.backlog.limit {
            let (now, _) = self
                .backlog
                .taken
                .wait_timeout(bytes, Duration::from_secs(1))
                .unwrap_or_else(|e| e.into_inner());
            bytes = now;
            if *bytes < least {
                least = *bytes;
                progress = Instant::now();
            } else if progress.elapsed() >= BACKLOG_STALL {
                return;
            }
        }
    }
}

/// The index's folder, as tantivy's memory-mapped directory, except that a reader on
/// read-only media (a mounted backup, a read-only NFS export, a folder without write
/// permission) goes without the meta lock it cannot create. That lock only keeps a
/// writer's garbage collection from deleting files while a reader opens them; on media
/// no one can write, there is no such writer. Files are mapped by `mapped::Maps`, not
/// by tantivy, so the pages a merge reads can be let go while it runs.
#[derive(Clone, Debug)]
struct IndexDirectory {
    inner: MmapDirectory,
    root: PathBuf,
    maps: Arc<Maps>,
}

impl IndexDirectory {
    fn open(dir: &Path) -> tantivy::Result<IndexDirectory> {
        Ok(IndexDirectory {
            inner: MmapDirectory::open(dir)?,
            root: dir.to_path_buf(),
            maps: Arc::default(),
        })
    }
}

impl tantivy::Directory for IndexDirectory {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> std::result::Result<Arc<dyn tantivy::directory::FileHandle>, OpenReadError> {
        Ok(Arc::new(self.maps.open(&self.root.join(path))?))
    }

    fn delete(&self, path: &Path) -> std::result::Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> std::result::Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(
        &self,
        path: &Path,
    ) -> std::result::Result<tantivy::directory::WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> std::result::Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(
        &self,
        watch_callback: tantivy::directory::WatchCallback,
    ) -> tantivy::Result<tantivy::directory::WatchHandle> {
        self.inner.watch(watch_callback)
    }

    fn acquire_lock(
        &self,
        lock: &tantivy::directory::Lock,
    ) -> std::result::Result<tantivy::directory::DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(e))
                if lock.filepath == META_LOCK.filepath && cannot_write(&e) =>
            {
                Ok(tantivy::directory::DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }
}

/// Stops the thread of `TroveIndex::keep_mapped_pages_under` when dropped.
pub(crate) struct PageKeeper {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for PageKeeper {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A tantivy error as trove tells it: data that does not read back (a file changed
/// under the index, a bad disk) is a damaged index, with what to do about it.
pub(crate) fn classify(dir: &Path, source: TantivyError) -> Error {
    let text = source.to_string();
    let full = match &source {
        TantivyError::IoError(e) => io_says_full(e),
        TantivyError::OpenWriteError(tantivy::directory::error::OpenWriteError::IoError {
            io_error,
            ..
        }) => io_says_full(io_error),
        _ => false,
    } || text.contains("No space left on device")
        || text.contains("Disk quota exceeded")
        // A writer thread that died says no more than that; a disk with no room left is
        // the usual cause, and the one trove can see.
        || (matches!(source, TantivyError::ErrorInThread(_)) && nearly_full(dir));
    if full {
        return Error::DiskFull {
            path: dir.to_path_buf(),
        };
    }
    let damaged = match &source {
        TantivyError::DataCorruption(_) => true,
        // Reading data back failed: bad bytes, a missing or short file. Not so for what
        // the system says of itself (no permission, a full disk).
        TantivyError::IoError(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied
                | std::io::ErrorKind::ReadOnlyFilesystem
                | std::io::ErrorKind::StorageFull
                | std::io::ErrorKind::QuotaExceeded
                | std::io::ErrorKind::OutOfMemory
                | std::io::ErrorKind::Interrupted
                | std::io::ErrorKind::WouldBlock
                | std::io::ErrorKind::TimedOut
        ),
        TantivyError::OpenReadError(_) => true,
        TantivyError::InternalError(m) => m.contains("corrupt"),
        _ => false,
    };
    if damaged {
        Error::Damaged {
            path: dir.to_path_buf(),
            reason: first_line(&source.to_string()),
        }
    } else {
        Error::Index {
            path: dir.to_path_buf(),
            source,
        }
    }
}

fn io_says_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    ) || matches!(e.raw_os_error(), Some(libc::ENOSPC | libc::EDQUOT))
}

/// Less than 1 MiB free where the index is.
fn nearly_full(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is a valid C string and `stat` a valid out-parameter.
    if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
        return false;
    }
    (stat.f_bavail as u128) * (stat.f_frsize as u128) < (1 << 20)
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text);
    let mut short: String = line.chars().take(200).collect();
    if line.chars().count() > 200 {
        short.push('…');
    }
    short
}

/// An error that says the folder cannot be written: read-only media, or no permission.
fn cannot_write(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
}

/// An open trove index.
pub struct TroveIndex {
    pub(crate) index: Index,
    pub(crate) fields: Fields,
    dir: PathBuf,
    /// The maps of the index's files, whose pages `release_mapped` lets go.
    maps: Arc<Maps>,
}

impl TroveIndex {
    /// Opens the index in `dir`; an error that says how to build one if there is none.
    pub fn open(dir: &Path) -> Result<TroveIndex> {
        if !dir.join("meta.json").is_file() {
            return Err(Error::NoIndex {
                path: dir.to_path_buf(),
            });
        }
        let index_err = |source| Error::Index {
            path: dir.to_path_buf(),
            source,
        };
        let directory = IndexDirectory::open(dir).map_err(index_err)?;
        let maps = directory.maps.clone();
        let index = Index::open(directory).map_err(|e| match e {
            // meta.json that does not read: the index is damaged, whatever tantivy says.
            TantivyError::LockFailure(..) => index_err(e),
            other => Error::Damaged {
                path: dir.to_path_buf(),
                reason: format!("meta.json: {}", first_line(&other.to_string())),
            },
        })?;
        Self::check(index, dir, maps)
    }

    /// Opens the index in `dir`, creating the folder and the index when missing.
    pub fn open_or_create(dir: &Path) -> Result<TroveIndex> {
        if dir.join("meta.json").is_file() {
            return Self::open(dir);
        }
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut leftovers = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            if is_atomic_write_leftover(&name) {
                leftovers.push(entry.path());
            } else if !ALLOWED_BEFORE_INDEX.iter().any(|a| name == *a) {
                return Err(Error::NotAnIndex {
                    path: dir.to_path_buf(),
                });
            }
        }
        for leftover in leftovers {
            let _ = std::fs::remove_file(leftover);
        }
        let (schema, _) = schema::build_schema();
        let index_err = |source| Error::Index {
            path: dir.to_path_buf(),
            source,
        };
        let directory = IndexDirectory::open(dir).map_err(index_err)?;
        let maps = directory.maps.clone();
        let index = Index::create(directory, schema, index_settings()).map_err(index_err)?;
        Self::check(index, dir, maps)
    }

    fn check(index: Index, dir: &Path, maps: Arc<Maps>) -> Result<TroveIndex> {
        let (expected, _) = schema::build_schema();
        if index.schema() != expected {
            return Err(Error::SchemaMismatch {
                path: dir.to_path_buf(),
            });
        }
        let fields = schema::fields_of(&expected).ok_or_else(|| Error::SchemaMismatch {
            path: dir.to_path_buf(),
        })?;
        schema::register_analyzers(&index);
        Ok(TroveIndex {
            index,
            fields,
            dir: dir.to_path_buf(),
            maps,
        })
    }

    /// While the returned keeper lives, a thread keeps the pages of this index's maps
    /// that the process holds under about `limit` bytes: `every` so often it reads how
    /// many pages of files the process has resident and, past `limit`, lets the maps'
    /// pages go (they stay in the page cache). A read from the page cache goes at
    /// gigabytes a second, a merge's at about a hundred megabytes: checking checksums
    /// wants a shorter period than a run. A merge reads every page of the segments
    /// it merges; without this they would all stay resident until it ends. Nothing where
    /// the count cannot be read.
    pub(crate) fn keep_mapped_pages_under(&self, limit: usize, every: Duration) -> PageKeeper {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = crate::mapped::resident_file_bytes().and_then(|_| {
            let (maps, stop) = (self.maps.clone(), stop.clone());
            std::thread::Builder::new()
                .name("trove-pages".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        if crate::mapped::resident_file_bytes().is_some_and(|b| b > limit) {
                            maps.release();
                        }
                        std::thread::sleep(every);
                    }
                })
                .ok()
        });
        PageKeeper { stop, thread }
    }

    /// Empties an index folder whose index cannot be used as it is (built by another
    /// version of trove), holding its writer lock while it does: `trove index --force`
    /// then builds it again. Returns the roots its state recorded. Files that are not
    /// the index's (a README, a .gitignore) stay.
    pub(crate) fn wipe(dir: &Path) -> Result<Vec<String>> {
        if !dir.join("meta.json").is_file() {
            return Err(Error::NotAnIndex {
                path: dir.to_path_buf(),
            });
        }
        let roots = State::load(dir).roots;
        let index_err = |source| Error::Index {
            path: dir.to_path_buf(),
            source,
        };
        // The writer lock, taken as tantivy takes it, whatever state meta.json is in.
        let directory = MmapDirectory::open(dir).map_err(|e| index_err(e.into()))?;
        let lock = match tantivy::Directory::acquire_lock(
            &directory,
            &tantivy::directory::INDEX_WRITER_LOCK,
        ) {
            Ok(lock) => lock,
            Err(LockError::LockBusy) => {
                return Err(Error::Locked {
                    path: dir.to_path_buf(),
                })
            }
            Err(LockError::IoError(e)) => {
                return Err(Error::Io {
                    path: dir.to_path_buf(),
                    source: std::io::Error::new(e.kind(), e.to_string()),
                })
            }
        };
        let io_err = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        for entry in std::fs::read_dir(dir).map_err(io_err)? {
            let entry = entry.map_err(io_err)?;
            let name = entry.file_name();
            let keep = matches!(
                name.to_str(),
                Some(
                    ".gitignore"
                        | ".gitkeep"
                        | "README.md"
                        | ".tantivy-writer.lock"
                        | ".tantivy-meta.lock"
                )
            );
            if !keep && entry.file_type().map_err(io_err)?.is_file() {
                std::fs::remove_file(entry.path()).map_err(io_err)?;
            }
        }
        drop(lock);
        Ok(roots)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn index_err(&self, source: TantivyError) -> Error {
        classify(&self.dir, source)
    }

    /// A reader that sees the last commit. Manual reloads: a CLI process reads once.
    pub(crate) fn reader(&self) -> Result<IndexReader> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| self.index_err(e))
    }

    /// A reader that follows the index: reloaded by tantivy when a commit lands
    /// (it watches meta.json), for a process that searches many times (`trove serve`).
    pub fn live_reader(&self) -> Result<IndexReader> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| self.index_err(e))
    }

    /// The document with this id, if the last commit holds one.
    pub fn get(&self, id: &str) -> Result<Option<Article>> {
        self.get_in(&self.reader()?.searcher(), id)
    }

    /// The document with this id, if the commit `searcher` reads holds one.
    pub fn get_in(&self, searcher: &tantivy::Searcher, id: &str) -> Result<Option<Article>> {
        use tantivy::collector::TopDocs;
        use tantivy::query::TermQuery;
        let query = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(|e| self.index_err(e))?;
        let Some((_, address)) = top.into_iter().next() else {
            return Ok(None);
        };
        let doc: tantivy::TantivyDocument = searcher.doc(address).map_err(|e| self.index_err(e))?;
        Ok(Some(schema::from_document(&self.fields, &doc)))
    }

    /// Number of documents the last commit holds.
    pub fn num_docs(&self) -> Result<u64> {
        Ok(self.reader()?.searcher().num_docs())
    }

    /// The index's writer, which holds its lock. While another process holds it, waits
    /// up to `wait` (polling), calling `on_wait` once, unless `stop` is set.
    pub(crate) fn writer<D: Document>(
        &self,
        threads: usize,
        memory: usize,
        wait: Duration,
        stop: Option<&AtomicBool>,
        on_wait: &mut dyn FnMut(),
    ) -> Result<IndexWriter<D>> {
        let deadline = Instant::now() + wait;
        let mut told = false;
        loop {
            match self.index.writer_with_num_threads(threads, memory) {
                Ok(writer) => {
                    writer.set_merge_policy(Box::new(merge_policy()));
                    return Ok(writer);
                }
                Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                    let stopped = stop.is_some_and(|s| s.load(Ordering::Relaxed));
                    if Instant::now() >= deadline || stopped {
                        return Err(Error::Locked {
                            path: self.dir.clone(),
                        });
                    }
                    if !told {
                        on_wait();
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(TantivyError::LockFailure(LockError::IoError(e), _)) if cannot_write(&e) => {
                    return Err(Error::ReadOnly {
                        path: self.dir.clone(),
                        reason: e.kind().to_string(),
                    })
                }
                Err(other) => return Err(self.index_err(other)),
            }
        }
    }

    /// Merges every segment of the index into one (`trove index --merge`): a search
    /// opens each segment and looks each term up in each, so one segment answers
    /// fastest; the cost is a rewrite of the whole index. The merged segment replaces
    /// the others at the same commit (tantivy writes meta.json once the merge is whole).
    /// Returns the number of segments merged (0 when there were fewer than two), or
    /// `None` when `stop` was set meanwhile:
    /// then it returns at once and the merge dies with the process, which leaves the
    /// index as it was (the next writer removes the half-written files), as kill -9
    /// during a merge does.
    pub(crate) fn merge_all(
        &self,
        wait: Duration,
        stop: Option<&AtomicBool>,
        on_wait: &mut dyn FnMut(),
    ) -> Result<Option<usize>> {
        self.merge_some(
            &|metas| metas.iter().map(SegmentMeta::id).collect(),
            wait,
            stop,
            on_wait,
        )
    }

    /// Merges the small segments a run leaves beside the large ones into one, when
    /// there are more than `TAIL_MIN` (`tail`); as `merge_all` otherwise.
    pub(crate) fn merge_tail(
        &self,
        wait: Duration,
        stop: Option<&AtomicBool>,
        on_wait: &mut dyn FnMut(),
    ) -> Result<Option<usize>> {
        self.merge_some(&tail, wait, stop, on_wait)
    }

    /// Merges the segments `pick` chooses among the searchable ones into one.
    fn merge_some(
        &self,
        pick: &dyn Fn(&[SegmentMeta]) -> Vec<SegmentId>,
        wait: Duration,
        stop: Option<&AtomicBool>,
        on_wait: &mut dyn FnMut(),
    ) -> Result<Option<usize>> {
        let err = |e| self.index_err(e);
        // Asked once before the lock (most runs leave nothing to merge), then again
        // under it: another writer may have changed the segments between.
        if pick(&self.index.searchable_segment_metas().map_err(err)?).len() < 2 {
            return Ok(Some(0));
        }
        let mut writer: IndexWriter<TantivyDocument> =
            self.writer(1, MIN_MEMORY_PER_THREAD, wait, stop, on_wait)?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let ids = pick(&self.index.searchable_segment_metas().map_err(err)?);
        if ids.len() < 2 {
            return Ok(Some(0));
        }
        let merging = writer.merge(&ids);
        let (done, result) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(merging.wait()));
        loop {
            match result.recv_timeout(Duration::from_millis(100)) {
                Ok(merged) => {
                    merged.map_err(err)?;
                    break;
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
                        // Dropping the writer would wait for the merge.
                        std::mem::forget(writer);
                        return Ok(None);
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(err(TantivyError::InternalError(
                        "the merge thread ended without an answer".into(),
                    )));
                }
            }
        }
        writer.wait_merging_threads().map_err(err)?;
        Ok(Some(ids.len()))
    }

    /// Opstamp of the last commit.
    pub(crate) fn opstamp(&self) -> Result<u64> {
        Ok(self
            .index
            .load_metas()
            .map_err(|e| self.index_err(e))?
            .opstamp)
    }

    /// Queues `article`; `replace` deletes any document with the same id first (an id
    /// new to an index that started empty needs no delete, which spares the commit a
    /// lookup per document).
    pub(crate) fn queue_add(&self, writes: &mut Writes, article: &Article, replace: bool) {
        if replace {
            writes
                .ops
                .push(UserOperation::Delete(self.id_term(&article.id)));
        }
        let size = article.title.len() + article.body.len() + 1;
        writes.bytes += size;
        writes.ops.push(UserOperation::Add(Queued {
            doc: schema::to_document(&self.fields, article),
            size,
            counted: 0,
            backlog: writes.backlog.clone(),
        }));
    }

    /// Queues the deletion of the document with this id, if there is one.
    pub(crate) fn queue_delete(&self, writes: &mut Writes, id: &str) {
        writes.ops.push(UserOperation::Delete(self.id_term(id)));
    }

    /// Hands the queued writes to the writer, in order, once the indexing threads' backlog
    /// allows.
    pub(crate) fn flush(&self, writer: &IndexWriter<Queued>, writes: &mut Writes) -> Result<()> {
        if writes.ops.is_empty() {
            return Ok(());
        }
        writes.wait_for_backlog();
        let mut ops = std::mem::take(&mut writes.ops);
        let mut added = 0;
        for op in &mut ops {
            if let UserOperation::Add(queued) = op {
                queued.counted = queued.size;
                added += queued.size;
            }
        }
        *writes
            .backlog
            .bytes
            .lock()
            .unwrap_or_else(|e| e.into_inner()) += added;
        writes.bytes = 0;
        writer.run(ops).map_err(|e| self.index_err(e))?;
        Ok(())
    }

    fn id_term(&self, id: &str) -> Term {
        Term::from_field_text(self.fields.id, id)
    }

    /// Deletes the document with this id, if there is one.
    pub(crate) fn delete_id(&self, writer: &IndexWriter, id: &str) {
        writer.delete_term(self.id_term(id));
    }

    /// Commits, with the state saved first under the commit's opstamp: a crash between
    /// the two leaves a state that does not match the index, which the next run
    /// distrusts (it reads every file again) but still uses to find stale documents.
    pub(crate) fn commit<D: Document>(
        &self,
        writer: &mut IndexWriter<D>,
        state: &mut State,
    ) -> Result<u64> {
        let prepared = writer.prepare_commit().map_err(|e| self.index_err(e))?;
        let opstamp = prepared.opstamp();
        if let Err(e) = state.save(&self.dir, opstamp) {
            prepared.abort().map_err(|e| self.index_err(e))?;
            return Err(e);
        }
        crate::state::crash_point("state-saved");
        prepared.commit().map_err(|e| self.index_err(e))?;
        Ok(opstamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Format;

    /// The shares of any budget leave room for what they do not bound, and the least
    /// budget allowed still gives the writer one thread.
    #[test]
    fn the_shares_fit_in_the_budget() {
        for memory in [Shares::MIN_MEMORY, 64 << 20, 256 << 20, 1 << 30, 48 << 30] {
            let shares = Shares::of(memory);
            assert!(shares.writer >= MIN_MEMORY_PER_THREAD, "{memory}");
            let taken = shares.writer + shares.backlog + shares.mapped + shares.owners;
            assert!(taken <= memory * 3 / 4, "{memory}: {shares:?}");
            assert!(shares.writer >= memory / 2, "{memory}: {shares:?}");
        }
        assert_eq!(Shares::of(256 << 20).writer, 128 << 20);
    }

    /// Every document handed over leaves the backlog once an indexing thread is done with it,
    /// so the backlog is empty once the writes are committed (a count that leaked would
    /// make later hand-overs wait).
    #[test]
    fn the_backlog_empties_as_documents_are_indexed() {
        let dir = tempfile::tempdir().unwrap();
        let trove = TroveIndex::open_or_create(dir.path()).unwrap();
        let mut writer = trove
            .writer::<Queued>(2, 64 << 20, Duration::ZERO, None, &mut || {})
            .unwrap();
        let mut writes = Writes::default();
        for n in 0..1000 {
            let article = Article {
                id: format!("doc{n}"),
                title: format!("Title {n}"),
                date: None,
                source: format!("https://example.com/{n}"),
                authors: Vec::new(),
                publisher: None,
                tags: Vec::new(),
                path: None,
                body: "words ".repeat(n % 50 + 1),
                format: Format::Text,
            };
            trove.queue_add(&mut writes, &article, n % 3 == 0);
            if writes.is_full() {
                trove.flush(&writer, &mut writes).unwrap();
            }
        }
        trove.flush(&writer, &mut writes).unwrap();
        trove.commit(&mut writer, &mut State::default()).unwrap();
        assert_eq!(*writes.backlog.bytes.lock().unwrap(), 0);
        assert_eq!(trove.num_docs().unwrap(), 1000);
    }
}
