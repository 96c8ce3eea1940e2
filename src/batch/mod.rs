//! Batch indexing: walk the paths, skip what has not changed since the last run, parse
//! the rest on every core while tantivy's writer indexes, commit at intervals, and
//! remove the documents of files that are gone.
//!
//! Safety: the per-file state (`state/`) is saved under the opstamp of each commit
//! just before the commit. A state that matches the index is trusted for skipping
//! unchanged files; one that does not (a crash between the two) makes the next run read
//! every file again, which converges because every write is an upsert by id (a plain
//! add only for ids new to an index that started the run empty). The entries of such a
//! state are marked unverified as it is loaded, so that saving it under this run's next
//! commit cannot vouch for files that commit never held. Files being read at a commit
//! are saved as partial, so a crash never orphans documents.
//! A stop request (Ctrl-C) commits what is done and returns.

mod open;
mod owners;
mod read;
mod report;
mod spill;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, UNIX_EPOCH};

use crossbeam_channel::bounded;
use tantivy::IndexWriter;

use crate::article::Article;
use crate::error::{Error, IngestError, Result};
use crate::index::{Queued, Shares, TroveIndex, Writes, MIN_MEMORY_PER_THREAD};
use crate::ingest::{self, FileOutcome, Item, Limits, SkipReason, WalkOptions};
use crate::state::{FileState, State};
use crate::term;

use owners::*;
use read::*;
pub use report::{Event, IndexSummary, Problem, MAX_ERRORS_LISTED};

/// The path `-` stands for standard input (JSON Lines).
pub const STDIN_PATH: &str = "-";

/// What `trove index` is asked to do.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    pub index_dir: PathBuf,
    pub paths: Vec<PathBuf>,
    /// Threads reading and parsing files.
    pub threads: usize,
    /// tantivy's indexing threads.
    pub writer_threads: usize,
    /// The indexing process's memory budget in bytes (`--memory`), shared out as
    /// `index::Shares` says.
    pub memory: usize,
    /// Remove documents of files that disappeared from the walked folders.
    pub prune: bool,
    /// Read every file, even unchanged ones.
    pub force: bool,
    /// Commit after this many documents...
    pub commit_docs: usize,
    /// ... or this much time, whichever comes first.
    pub commit_interval: Duration,
    /// How long to wait for another process's writer lock.
    pub wait: Duration,
    /// Set from outside (Ctrl-C) to commit what is done and stop.
    pub stop: Option<Arc<AtomicBool>>,
    /// How folders are walked: links, ignore files, globs.
    pub walk: WalkOptions,
    /// How far reading one file may go (`--max-file-size`), and which formats are read
    /// (`--type`).
    pub limits: Limits,
    /// After the run, merge the index into one segment (`--merge`).
    pub merge: bool,
    /// What `-` reads instead of standard input: JSON Lines handed over in memory (the
    /// server's `POST /api/documents`).
    pub records: Option<Arc<[u8]>>,
}

impl IndexOptions {
    /// Defaults: one parser and one tantivy thread per core (at most 8), 256 MiB for the
    /// writer, a commit every 30 seconds (or 1,000,000 documents), no waiting for a lock.
    pub fn new(index_dir: PathBuf, paths: Vec<PathBuf>) -> IndexOptions {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8);
        IndexOptions {
            index_dir,
            paths,
            threads: cores,
            writer_threads: cores,
            memory: crate::index::DEFAULT_MEMORY,
            prune: true,
            force: false,
            commit_docs: 1_000_000,
            commit_interval: Duration::from_secs(30),
            wait: Duration::ZERO,
            stop: None,
            walk: WalkOptions::default(),
            limits: Limits::default(),
            merge: false,
            records: None,
        }
    }
}

/// Indexes `opts.paths` (and stdin for `-`), incrementally.
pub fn index_paths(opts: &IndexOptions, on_event: &mut dyn FnMut(Event)) -> Result<IndexSummary> {
    let start = Instant::now();
    // Settings and paths that cannot work are refused before an index is created.
    if opts.memory < Shares::MIN_MEMORY {
        return Err(Error::Io {
            path: opts.index_dir.clone(),
            source: std::io::Error::other(format!(
                "indexing needs at least {} MiB of memory (--memory)",
                Shares::MIN_MEMORY >> 20
            )),
        });
    }
    let shares = Shares::of(opts.memory);
    let new_index = !opts.index_dir.join("meta.json").exists();
    let missing =
        |p: &PathBuf| p.as_os_str() != STDIN_PATH && std::fs::symlink_metadata(p).is_err();
    if new_index && !opts.paths.is_empty() && opts.paths.iter().all(missing) {
        return Err(Error::Io {
            path: opts.paths[0].clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such file or folder (nothing to index, so no index was created)",
            ),
        });
    }
    let (trove, rebuilt_roots) =
        open::open_for_indexing(&opts.index_dir, opts.force, &opts.paths, opts.memory)?;
    let _pages = trove.keep_mapped_pages_under(shares.mapped, Duration::from_millis(25));
    let writer_threads = opts
        .writer_threads
        .clamp(1, (shares.writer / MIN_MEMORY_PER_THREAD).max(1));
    let lock = opts.index_dir.join(".tantivy-writer.lock");
    let writer = trove.writer(
        writer_threads,
        shares.writer,
        opts.wait,
        opts.stop.as_deref(),
        &mut || on_event(Event::WaitingForLock { lock: &lock }),
    )?;
    let mut state = State::load(&opts.index_dir);
    let trusted = !opts.force && state.opstamp == Some(trove.opstamp()?);
    if !trusted {
        state.distrust();
    }
    // No path: the roots this index was built from, walked again.
    if state.roots.is_empty() {
        state.roots = rebuilt_roots;
    }
    let asked: Vec<PathBuf> = if opts.paths.is_empty() {
        if state.roots.is_empty() {
            return Err(Error::NoRoots {
                path: opts.index_dir.clone(),
            });
        }
        state.roots.iter().map(|r| term::from_lossless(r)).collect()
    } else {
        opts.paths.clone()
    };
    // A state in an earlier version's file is written the new way by this run's commit.
    let roots_changed = record_roots(&mut state, &asked) || state.is_old();
    let mut run = Run {
        trove: &trove,
        writer,
        writes: Writes::with_backlog(shares.backlog),
        owners: Owners::default(),
        holders: HashMap::new(),
        owners_built: false,
        started_empty: trove.num_docs()? == 0,
        state,
        in_progress: HashMap::new(),
        summary: IndexSummary::default(),
        on_event,
        docs_since_commit: 0,
        dirty: false,
        last_commit: Instant::now(),
        opts,
    };
    run.dirty |= roots_changed;

    let (stdin, paths): (Vec<PathBuf>, Vec<PathBuf>) =
        asked.into_iter().partition(|p| p.as_os_str() == STDIN_PATH);
    if !stdin.is_empty() {
        run.read_stdin()?;
    }

    let feed = run.plan(&paths, trusted)?;
    let mut interrupted = run.stopped();
    if !interrupted {
        interrupted = run.read_all(feed)?;
    }
    run.summary.interrupted = interrupted;
    if run.dirty || !run.in_progress.is_empty() {
        run.commit()?;
    }
    let Run {
        writer,
        mut summary,
        ..
    } = run;
    if !interrupted {
        // Let merges finish so replaced segments are deleted before we exit.
        writer
            .wait_merging_threads()
            .map_err(|e| trove.index_err(e))?;
        if opts.merge {
            let merged = trove.merge_all(opts.wait, opts.stop.as_deref(), &mut || {})?;
            summary.interrupted = merged.is_none();
            summary.merged_segments = Some(merged.unwrap_or(0));
        } else {
            // Another writer may take the lock between the run's writer and this one:
            // the tail is then left for a later run, not waited for.
            let merged = match trove.merge_tail(Duration::ZERO, opts.stop.as_deref(), &mut || {}) {
                Err(Error::Locked { .. }) => Some(0),
                other => other?,
            };
            summary.interrupted = merged.is_none();
            summary.tail_merged_segments = merged.unwrap_or(0);
        }
    }
    summary.total_documents = trove.num_docs()?;
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// Adds the folders and files of `paths` (not stdin) to the roots on record, each once:
/// a root inside another is covered by it. Returns whether the record changed.
fn record_roots(state: &mut State, paths: &[PathBuf]) -> bool {
    let before = state.roots.clone();
    for path in paths.iter().filter(|p| p.as_os_str() != STDIN_PATH) {
        let root = canonical(&std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()));
        if state.roots.iter().any(|r| under(&root, r)) {
            continue;
        }
        state.roots.retain(|r| !under(r, &root));
        state.roots.push(root);
    }
    state.roots.sort();
    state.roots != before
}

struct Run<'a, 'e> {
    trove: &'a TroveIndex,
    writer: IndexWriter<Queued>,
    /// Writes not yet handed to the writer (all are before each commit).
    writes: Writes,
    state: State,
    /// id -> (file, mtime) whose version is in the index. Built from the state before
    /// its first change (`ensure_owners`): a run that changes nothing never builds it.
    owners: Owners,
    owners_built: bool,
    /// For ids more than one file holds, the files that hold them: releasing such an id
    /// looks there for another copy (never through every file on record).
    holders: Holders,
    /// Work id -> the ids a file being read has given so far.
    in_progress: HashMap<usize, Reading>,
    summary: IndexSummary,
    on_event: &'a mut (dyn FnMut(Event) + 'e),
    docs_since_commit: usize,
    /// The index held no documents when the run began.
    started_empty: bool,
    /// Something changed since the last commit (documents or the state).
    dirty: bool,
    last_commit: Instant,
    opts: &'a IndexOptions,
}

impl Run<'_, '_> {
    /// Builds the tables of owners and holders from the state, once, before anything
    /// writes or changes the state.
    fn ensure_owners(&mut self) {
        if !self.owners_built {
            // Half the owners' share for the arrays, half for the filter of those on disk.
            let share = Shares::of(self.opts.memory).owners / 2;
            let spill = Spill {
                dir: self.opts.index_dir.clone(),
                limit: owners_limit(share / OWNER_BYTES),
                filter_bytes: share,
            };
            (self.owners, self.holders) = owners_from(&self.state, Some(spill));
            self.owners_built = true;
        }
    }

    fn stopped(&self) -> bool {
        self.opts
            .stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    }

    /// JSON Lines from stdin, written as they come. They are on no file's record, so
    /// pruning never removes them.
    fn read_stdin(&mut self) -> Result<()> {
        let path = Path::new(STDIN_PATH);
        let key: Arc<str> = Arc::from(STDIN_PATH);
        let mut write_error = None;
        // Piped records are the newest version of anything they share an id with.
        let now = std::time::SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        let mut reading = Reading::default();
        let records = self.opts.records.clone();
        let result = ingest::read_piped(records.as_deref(), &mut |item| {
            if write_error.is_none() && !self.stopped() {
                if let Err(e) = self.apply_item(path, &key, now, item, &mut reading) {
                    write_error = Some(e);
                }
                if self.dirty
                    && (self.docs_since_commit >= self.opts.commit_docs
                        || self.last_commit.elapsed() >= self.opts.commit_interval)
                {
                    if let Err(e) = self.commit() {
                        write_error = Some(e);
                    }
                }
            }
            // Piped records are on no file's record: nothing to keep of them.
            reading.ids.clear();
        });
        if let Some(e) = write_error {
            return Err(e);
        }
        self.summary.files += 1;
        if let Err(error) = result {
            self.failed(&error);
        }
        Ok(())
    }

    /// Walks the paths; returns the files to read. Files on record under the walked
    /// roots that the walk did not find are pruned here, before anything is written.
    /// When nothing under the roots is on record, the walk is left to `read_all`.
    fn plan(&mut self, paths: &[PathBuf], trusted: bool) -> Result<Feed> {
        // Walking canonical roots gives canonical paths (links inside are not followed).
        let paths: Vec<PathBuf> = paths
            .iter()
            .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
            .collect();
        let roots: Vec<String> = paths.iter().map(|p| canonical(p)).collect();
        // Paths under a root sort together after the root itself and `root/`.
        let files = &self.state.files;
        let on_record = |r: &String| {
            let inside = if r.ends_with('/') {
                r.clone()
            } else {
                format!("{r}/")
            };
            files.get(r).is_some()
                || files
                    .iter_from(&inside)
                    .next()
                    .is_some_and(|(k, _)| k.starts_with(&inside))
        };
        if !roots.iter().any(on_record) {
            return Ok(Feed::Walk(paths));
        }
        let mut unreadable: Vec<String> = Vec::new();
        let mut work = Vec::new();
        let mut unchanged = 0;
        let mut found = find(&paths, &self.opts.walk, true);
        for finding in &mut found {
            if self.stopped() {
                // Stopped while walking: nothing is pruned on a walk cut short.
                return Ok(Feed::Planned(Vec::new()));
            }
            let file = match finding {
                Found::File(file) => file,
                Found::Other(note) => {
                    if let Note::Unwalkable(error) = &note {
                        unreadable.push(canonical(error.path()));
                    }
                    self.note(note);
                    continue;
                }
            };
            let Work {
                path,
                key,
                size,
                mtime_ns,
                named,
                ..
            } = file;
            let known = self.state.files.get(&key).map(|e| e.info());
            let mut check_hash = None;
            if let Some(old) = known.filter(|_| !self.opts.force) {
                if old.size == size {
                    let excluded = old
                        .format
                        .is_some_and(|f| !self.opts.limits.types.allows(f));
                    if trusted && old.mtime_ns == mtime_ns && !excluded {
                        unchanged += 1;
                        continue;
                    }
                    check_hash = if trusted && !excluded { old.hash } else { None };
                }
            }
            work.push(Work {
                path,
                key,
                size,
                mtime_ns,
                check_hash,
                named,
            });
        }
        self.summary.unchanged = unchanged;
        if self.opts.prune {
            let gone: Vec<Arc<str>> = self
                .state
                .files
                .iter()
                .map(|(k, _)| k)
                .filter(|k| !found.seen.contains(&path_key(k)))
                .filter(|k| roots.iter().any(|r| under(k, r)))
                .filter(|k| !unreadable.iter().any(|u| under(k, u)))
                .map(|k| Arc::from(&*k))
                .collect();
            if !gone.is_empty() {
                self.ensure_owners();
            }
            for key in gone {
                self.dirty = true;
                if let Some(file) = self.state.files.remove(&key) {
                    self.release(&key, file.ids)?;
                }
            }
        }
        (self.on_event)(Event::Planned {
            files: work.len(),
            unchanged,
        });
        Ok(Feed::Planned(work))
    }

    /// Reads the files on every parser thread and applies their documents here, in
    /// this thread, as they come. Returns true when stopped early.
    fn read_all(&mut self, feed: Feed) -> Result<bool> {
        let threads = self.opts.threads.max(1);
        let (work_tx, work_rx) = bounded::<Vec<Work>>(threads * 2);
        let (msg_tx, msg_rx) = bounded::<Vec<Msg>>(threads * 16);
        let stop = self.opts.stop.clone();
        let walk = self.opts.walk.clone();
        let mut interrupted = false;
        let outcome = std::thread::scope(|scope| -> Result<()> {
            let feeder_msgs = msg_tx.clone();
            scope.spawn(move || feed_work(feed, &walk, stop, work_tx, feeder_msgs));
            for _ in 0..threads {
                let rx = work_rx.clone();
                let tx = msg_tx.clone();
                let limits = self.opts.limits;
                scope.spawn(move || parse_worker(limits, rx, tx));
            }
            // Only the parsers hold receivers of the work queue: when they stop (an
            // error or a stop request below drops `msg_rx`), the feeder's next send
            // fails and it stops too, instead of waiting forever on a full queue.
            drop(work_rx);
            drop(msg_tx);
            'receive: for msgs in msg_rx.iter() {
                for msg in msgs {
                    if self.stopped() {
                        interrupted = true;
                        break 'receive;
                    }
                    self.apply(msg)?;
                    if self.dirty
                        && (self.docs_since_commit >= self.opts.commit_docs
                            || self.last_commit.elapsed() >= self.opts.commit_interval)
                    {
                        self.commit()?;
                    }
                }
            }
            // Dropping the receiver makes the parsers stop at their next send.
            drop(msg_rx);
            Ok(())
        });
        outcome?;
        Ok(interrupted)
    }

    /// Tells of a walk's finding that is not a file to read.
    fn note(&mut self, note: Note) {
        match note {
            Note::Skipped(path, reason) => self.skipped(&path, &reason),
            Note::Unwalkable(error) | Note::Unreadable(error) => self.failed(&error),
        }
    }

    fn skipped(&mut self, path: &Path, reason: &SkipReason) {
        (self.on_event)(Event::Skipped { path, reason });
        *self.summary.skipped.entry(reason.to_string()).or_default() += 1;
    }

    fn apply(&mut self, msg: Msg) -> Result<()> {
        match msg {
            Msg::Walked(note) => self.note(note),
            Msg::WalkEnd(files) => (self.on_event)(Event::Planned {
                files,
                unchanged: 0,
            }),
            Msg::Items(w, items) => {
                let reading = self.apply_items(&w, items)?;
                self.in_progress.insert(work_id(&w), reading);
            }
            Msg::Same(w) => {
                self.ensure_owners();
                let mut now_wins = false;
                if self.state.files.set_mtime(&w.key, w.mtime_ns) {
                    self.dirty = true;
                    let me = (w.key.clone(), w.mtime_ns);
                    let owners = &self.owners;
                    now_wins = self.state.files.get(&w.key).is_some_and(|file| {
                        file.ids().any(|id| {
                            owners
                                .get(id_key(&id))
                                .is_some_and(|o| o.0 != w.key && wins(&me, o))
                        })
                    });
                }
                if now_wins {
                    // Touched, and now newer than the file whose version is in: its
                    // version goes in instead.
                    self.reread(&w.key)?;
                } else {
                    self.summary.unchanged += 1;
                }
                (self.on_event)(Event::FileDone {
                    documents: self.summary.documents,
                    bytes: self.summary.bytes,
                });
            }
            Msg::Done(w, items, result) => {
                let mut reading = self.apply_items(&w, items)?;
                let ids = std::mem::take(&mut reading.ids);
                match result {
                    Ok(FileOutcome::Read { hash, format }) => {
                        self.summary.files += 1;
                        self.summary.bytes += w.size;
                        self.finish_file(&w, Some(hash), Some(format), ids)?;
                    }
                    Ok(FileOutcome::Skipped(SkipReason::Excluded)) => {
                        // Left out by --type: as if gone, so not on record (a run
                        // without the filter reads it again).
                        self.forget(&w.key, ids)?;
                    }
                    Ok(FileOutcome::Skipped(reason)) => {
                        self.skipped(&w.path, &reason);
                        self.finish_file(&w, None, None, ids)?;
                        if matches!(reason, SkipReason::TooLarge(_)) {
                            // Looked at again next run: the limit may be raised.
                            self.state.files.set_mtime(&w.key, crate::state::UNVERIFIED);
                        }
                    }
                    Err(error) => {
                        // Keep what was on record; the file is read again next time.
                        self.failed(&error);
                        if !ids.is_empty() {
                            reading.ids = ids;
                            self.mark_partial(&w.key, &mut reading);
                        }
                    }
                }
                (self.on_event)(Event::FileDone {
                    documents: self.summary.documents,
                    bytes: self.summary.bytes,
                });
            }
        }
        Ok(())
    }

    /// Writes items of a file being read; returns what it has given so far.
    fn apply_items(&mut self, w: &Arc<Work>, items: Vec<Item>) -> Result<Reading> {
        let mut reading = self.in_progress.remove(&work_id(w)).unwrap_or_default();
        reading.key.get_or_insert_with(|| w.key.clone());
        for item in items {
            self.apply_item(&w.path, &w.key, w.mtime_ns, item, &mut reading)?;
        }
        Ok(reading)
    }

    fn apply_item(
        &mut self,
        path: &Path,
        key: &Arc<str>,
        mtime_ns: i128,
        item: Item,
        reading: &mut Reading,
    ) -> Result<()> {
        match item {
            Item::Doc {
                article, warnings, ..
            } => {
                for message in &warnings {
                    self.summary.warnings += 1;
                    (self.on_event)(Event::Warning { path, message });
                }
                self.summary.id_work += 1;
                if reading.seen.insert(id_key(&article.id)) {
                    reading.ids.push(article.id.clone());
                } else {
                    // The same id twice in one file: the later record is kept.
                    self.summary.duplicates += 1;
                    (self.on_event)(Event::DuplicateInFile {
                        id: &article.id,
                        path,
                    });
                }
                self.write(&article, key, mtime_ns)?;
            }
            Item::Skipped { member, reason } => {
                (self.on_event)(Event::SkippedMember {
                    member: &member,
                    reason: &reason,
                });
                *self
                    .summary
                    .skipped
                    .entry(format!("archive member: {reason}"))
                    .or_default() += 1;
            }
            Item::Bad { reason } => {
                self.summary.bad_records += 1;
                if self.summary.errors.len() < MAX_ERRORS_LISTED {
                    self.summary.errors.push(Problem {
                        path: term::path(path),
                        kind: "bad_record",
                        reason: reason.clone(),
                    });
                }
                (self.on_event)(Event::BadRecord {
                    path,
                    reason: &reason,
                });
            }
        }
        Ok(())
    }

    /// Writes a document unless another file holds a newer version of it.
    fn write(&mut self, article: &Article, key: &Arc<str>, mtime_ns: i128) -> Result<()> {
        self.ensure_owners();
        let candidate = (key.clone(), mtime_ns);
        let id = id_key(&article.id);
        if let Some(owner) = self.owners.get(id) {
            if owner.0 != *key {
                self.summary.duplicates += 1;
                let holders = self
                    .holders
                    .entry(id)
                    .or_insert_with(|| vec![owner.0.clone()]);
                if !holders.contains(key) {
                    holders.push(key.clone());
                }
                let keep_new = wins(&candidate, owner);
                let (kept, dropped) = if keep_new {
                    (&**key, &*owner.0)
                } else {
                    (&*owner.0, &**key)
                };
                (self.on_event)(Event::Duplicate {
                    id: &article.id,
                    kept,
                    dropped,
                });
                if !keep_new {
                    return Ok(());
                }
            }
        }
        // An id new to an index that started empty has no older copy to delete.
        let seen = self.owners.insert(id, &candidate);
        self.dirty = true;
        self.trove
            .queue_add(&mut self.writes, article, seen || !self.started_empty);
        if self.writes.is_full() {
            self.trove.flush(&self.writer, &mut self.writes)?;
        }
        self.summary.documents += 1;
        self.docs_since_commit += 1;
        Ok(())
    }

    /// Takes a file off the record: its documents are removed (`ids` are those a read
    /// cut short may have written already).
    fn forget(&mut self, key: &Arc<str>, mut ids: Vec<String>) -> Result<()> {
        self.ensure_owners();
        self.dirty = true;
        if let Some(old) = self.state.files.remove(key) {
            ids.extend(old.ids);
        }
        ids.sort_unstable();
        ids.dedup();
        self.release(key, ids)
    }

    /// Records a file read to the end, and removes the documents it no longer holds.
    fn finish_file(
        &mut self,
        w: &Work,
        hash: Option<u64>,
        format: Option<crate::article::Format>,
        mut ids: Vec<String>,
    ) -> Result<()> {
        self.ensure_owners();
        self.dirty = true;
        ids.shrink_to_fit();
        // The ids it holds now, to tell those it no longer holds (only when it was on
        // record: the ids themselves go to the state, not copied).
        let count = ids.len();
        let now: Option<HashSet<u128>> = self
            .state
            .files
            .get(&w.key)
            .map(|_| ids.iter().map(|id| id_key(id)).collect());
        let old = self.state.files.insert(
            w.key.clone(),
            FileState {
                size: w.size,
                mtime_ns: w.mtime_ns,
                hash,
                format,
                ids,
            },
        );
        if let Some(old) = old {
            self.summary.id_work += (count + old.ids.len()) as u64;
            let now = now.unwrap_or_default();
            let stale: Vec<String> = old
                .ids
                .into_iter()
                .filter(|id| !now.contains(&id_key(id)))
                .collect();
            self.release(&w.key, stale)?;
        }
        Ok(())
    }

    /// A file being read when a commit happens (or that failed half-way) is on record
    /// as partial: never taken as unchanged, but its ids are known if it disappears.
    /// Only the ids given since the last mark are added: a file read across many
    /// commits costs in proportion to its ids, not to its ids times the commits.
    fn mark_partial(&mut self, key: &Arc<str>, reading: &mut Reading) {
        self.dirty = true;
        self.ensure_owners();
        let entry = self.state.files.entry_mut(key, || FileState {
            size: u64::MAX,
            mtime_ns: 0,
            hash: None,
            format: None,
            ids: Vec::new(),
        });
        entry.size = u64::MAX;
        entry.hash = None;
        let work = &mut self.summary.id_work;
        let on_record = reading.on_record.get_or_insert_with(|| {
            *work += entry.ids.len() as u64;
            entry.ids.iter().map(|id| id_key(id)).collect()
        });
        for id in &reading.ids[reading.marked.min(reading.ids.len())..] {
            *work += 1;
            if on_record.insert(id_key(id)) {
                entry.ids.push(id.clone());
            }
        }
        reading.marked = reading.ids.len();
    }

    /// `key` no longer holds these ids: delete each document, unless another file on
    /// record holds it too, in which case that file is read again and its version
    /// written. Other holders are looked up in `holders` (ids only one file holds have
    /// none), so this costs in proportion to `ids`.
    fn release(&mut self, key: &str, ids: Vec<String>) -> Result<()> {
        self.ensure_owners();
        let mut reread: Vec<Arc<str>> = Vec::new();
        for id in ids {
            self.summary.id_work += 1;
            let hashed = id_key(&id);
            // The other files that hold it, now that `key` does not.
            let others: Vec<Arc<str>> = match self.holders.get_mut(&hashed) {
                Some(list) => {
                    self.summary.id_work += list.len() as u64;
                    list.retain(|k| &**k != key);
                    let others = list.clone();
                    if list.len() <= 1 {
                        self.holders.remove(&hashed);
                    }
                    others
                }
                None => Vec::new(),
            };
            match self.owners.get(hashed) {
                Some(owner) if &*owner.0 != key => continue, // another file's version is in
                _ => {}
            }
            self.owners.remove(hashed);
            let other = others
                .into_iter()
                .filter_map(|k| {
                    let mtime = self.state.files.get(&k)?.info().mtime_ns;
                    Some((k, mtime))
                })
                .reduce(|a, b| if wins(&b, &a) { b } else { a });
            match other {
                Some((k, _)) => {
                    if !reread.contains(&k) {
                        reread.push(k);
                    }
                }
                None => {
                    self.dirty = true;
                    self.trove.queue_delete(&mut self.writes, &id);
                    self.summary.deleted += 1;
                    self.docs_since_commit += 1;
                }
            }
        }
        for k in reread {
            self.reread(&k)?;
        }
        Ok(())
    }

    /// Reads one file again, here and now, to restore documents it shares with a file
    /// that is gone.
    fn reread(&mut self, key: &Arc<str>) -> Result<()> {
        let path = term::from_lossless(key);
        let Some(old) = self.state.files.get(key).map(|e| e.info()) else {
            return Ok(());
        };
        let mut items = Vec::new();
        let mut size = 0;
        let result = ingest::open_file(&path, true).and_then(|opened| match opened {
            Ok(open) => {
                size = open.size;
                ingest::read_open(&path, open, self.opts.limits, &mut |item| items.push(item))
            }
            Err(reason) => Ok(FileOutcome::Skipped(reason)),
        });
        let mut reading = Reading::default();
        for item in items {
            self.apply_item(&path, key, old.mtime_ns, item, &mut reading)?;
        }
        let ids = reading.ids;
        match result {
            Ok(FileOutcome::Read { hash, format }) => {
                self.summary.files += 1;
                self.summary.bytes += size;
                let w = Work {
                    path,
                    key: key.clone(),
                    size,
                    mtime_ns: old.mtime_ns,
                    check_hash: None,
                    named: true,
                };
                self.finish_file(&w, Some(hash), Some(format), ids)
            }
            Ok(FileOutcome::Skipped(_)) => Ok(()),
            Err(error) => {
                self.failed(&error);
                Ok(())
            }
        }
    }

    fn failed(&mut self, error: &IngestError) {
        if self.summary.errors.len() < MAX_ERRORS_LISTED {
            let chain = crate::error::display_chain(error);
            let path = term::path(error.path());
            // The message without the path it starts with.
            let reason = chain
                .split_once(&path)
                .map(|(_, rest)| rest.trim_start_matches(':').trim().to_string())
                .unwrap_or(chain);
            self.summary.errors.push(Problem {
                path,
                kind: "failed",
                reason,
            });
        }
        self.summary.failed += 1;
        (self.on_event)(Event::Failed { error });
    }

    fn commit(&mut self) -> Result<()> {
        let reading: Vec<usize> = self.in_progress.keys().copied().collect();
        for work in reading {
            if let Some(mut r) = self.in_progress.remove(&work) {
                if let Some(key) = r.key.clone() {
                    self.mark_partial(&key, &mut r);
                }
                self.in_progress.insert(work, r);
            }
        }
        if let Some(source) = self.owners.take_error() {
            // A lookup could not read the ids moved to disk: what it decided may be
            // wrong, so nothing of this run is committed.
            return Err(Error::Io {
                path: self.opts.index_dir.clone(),
                source,
            });
        }
        self.trove.flush(&self.writer, &mut self.writes)?;
        self.trove.commit(&mut self.writer, &mut self.state)?;
        self.summary.commits += 1;
        self.docs_since_commit = 0;
        self.dirty = false;
        self.last_commit = Instant::now();
        Ok(())
    }
}
