//! The reading side of a run: the walk as files to read (each once, stat'ed when a
//! plan needs it), handed in batches to the parser threads, whose documents travel back
//! in messages to the one thread that writes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use crossbeam_channel::{Receiver, Sender};

use crate::error::{IngestError, Result};
use crate::ingest::{self, FileOutcome, Item, Limits, SkipReason, WalkOptions, Walked};
use crate::term;

/// Items of one file are sent to the writer in batches of this many; a parser's
/// messages about small files travel together until they hold about this many.
pub(super) const ITEMS_PER_MESSAGE: usize = 256;

/// Files go to the parsers in batches of this many: one hand-over per batch.
pub(super) const FILES_PER_BATCH: usize = 16;

/// One file to read.
pub(super) struct Work {
    pub(super) path: PathBuf,
    /// Canonical path: the key in the state.
    pub(super) key: Arc<str>,
    /// Size and modification time: from the walk when the run plans (they decide what
    /// is read), else `UNSTATED` until the parser's `fstat` of the open file.
    pub(super) size: u64,
    pub(super) mtime_ns: i128,
    /// Same size as last time but another modification time: compare hashes first.
    pub(super) check_hash: Option<u64>,
    /// Named on the command line: read whatever its name says.
    pub(super) named: bool,
}

/// Where the files to read come from.
pub(super) enum Feed {
    /// Planned ahead (the state knows files under the walked folders: unchanged ones
    /// are skipped and vanished ones pruned before anything is read).
    Planned(Vec<Work>),
    /// Walked while being read: nothing under these folders is on record, so there is
    /// nothing to skip or prune, and parsing starts with the first file found instead
    /// of after the whole walk.
    Walk(Vec<PathBuf>),
}

pub(super) enum Msg {
    /// Some of a file's items; more follow.
    Items(Arc<Work>, Vec<Item>),
    /// The file's content hash equals the one on record: nothing to do.
    Same(Arc<Work>),
    /// The file's last items, and how reading it ended.
    Done(Arc<Work>, Vec<Item>, Result<FileOutcome, IngestError>),
    /// From a streamed walk: something that is not a file to read...
    Walked(Note),
    /// ... and the end of the walk, with the number of files found to read.
    WalkEnd(usize),
}

/// What a walk finds, each file once (files reached twice, through overlapping roots or
/// links with --follow, are read once).
pub(super) enum Found {
    File(Work),
    Other(Note),
}

/// A walk's finding that is not a file to read.
pub(super) enum Note {
    /// Skipped on purpose.
    Skipped(PathBuf, SkipReason),
    /// A folder the walk could not enter: what is on record under it is not pruned.
    Unwalkable(IngestError),
    /// A file whose size and time could not be read.
    Unreadable(IngestError),
}

/// The walk of `roots` as files to read, each once: a 128-bit hash of each path found
/// stands for it in `seen` (16 bytes instead of the path).
pub(super) struct Finder<I> {
    pub(super) entries: I,
    pub(super) seen: HashSet<u128>,
    /// Stat each file (a plan compares them with the state); otherwise the parser's
    /// `fstat` of the open file gives size and time, one system call fewer per file.
    pub(super) stat: bool,
}

/// A `Work`'s time before anything stat'ed its file.
pub(super) const UNSTATED: i128 = i128::MIN;

pub(super) fn find<'a>(
    roots: &'a [PathBuf],
    walk: &WalkOptions,
    stat: bool,
) -> Finder<impl Iterator<Item = std::result::Result<Walked, IngestError>> + 'a> {
    Finder {
        entries: ingest::walk(roots, walk),
        seen: HashSet::new(),
        stat,
    }
}

impl<I: Iterator<Item = std::result::Result<Walked, IngestError>>> Iterator for Finder<I> {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        loop {
            return Some(match self.entries.next()? {
                Ok(Walked {
                    path,
                    skip: None,
                    named,
                }) => match self.work(path, named) {
                    Ok(w) => {
                        if !self.seen.insert(path_key(&w.key)) {
                            continue;
                        }
                        Found::File(w)
                    }
                    Err(error) => Found::Other(Note::Unreadable(error)),
                },
                Ok(Walked {
                    path,
                    skip: Some(reason),
                    ..
                }) => Found::Other(Note::Skipped(path, reason)),
                Err(error) => Found::Other(Note::Unwalkable(error)),
            });
        }
    }
}

impl<I> Finder<I> {
    fn work(&self, path: PathBuf, named: bool) -> std::result::Result<Work, IngestError> {
        if self.stat {
            return stat(path, named);
        }
        Ok(Work {
            key: Arc::from(canonical(&path)),
            path,
            size: 0,
            mtime_ns: UNSTATED,
            check_hash: None,
            named,
        })
    }
}

/// Identifies a file being read, while it is.
pub(super) fn work_id(w: &Arc<Work>) -> usize {
    Arc::as_ptr(w) as usize
}

/// Sends the files to read to the parsers, in batches: those planned, or those a walk
/// finds (its skips and failures go to the applying thread as they are found).
pub(super) fn feed_work(
    feed: Feed,
    walk: &WalkOptions,
    stop: Option<Arc<AtomicBool>>,
    work_tx: Sender<Vec<Work>>,
    msg_tx: Sender<Vec<Msg>>,
) {
    let stopped = || stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed));
    let mut batch = Vec::with_capacity(FILES_PER_BATCH);
    match feed {
        Feed::Planned(work) => {
            for w in work {
                batch.push(w);
                if batch.len() == FILES_PER_BATCH
                    && (stopped() || work_tx.send(std::mem::take(&mut batch)).is_err())
                {
                    return;
                }
            }
        }
        Feed::Walk(roots) => {
            let mut files = 0;
            for finding in find(&roots, walk, false) {
                let sent = match finding {
                    Found::File(w) => {
                        files += 1;
                        batch.push(w);
                        batch.len() < FILES_PER_BATCH
                            || (!stopped() && work_tx.send(std::mem::take(&mut batch)).is_ok())
                    }
                    Found::Other(note) => {
                        !stopped() && msg_tx.send(vec![Msg::Walked(note)]).is_ok()
                    }
                };
                if !sent {
                    return;
                }
            }
            if !batch.is_empty() && work_tx.send(std::mem::take(&mut batch)).is_err() {
                return;
            }
            let _ = msg_tx.send(vec![Msg::WalkEnd(files)]);
            return;
        }
    }
    if !batch.is_empty() {
        let _ = work_tx.send(batch);
    }
}

/// A walked file's size, time and key, as a file to read.
pub(super) fn stat(path: PathBuf, named: bool) -> std::result::Result<Work, IngestError> {
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(source) => return Err(IngestError::Read { path, source }),
    };
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    Ok(Work {
        key: Arc::from(canonical(&path)),
        path,
        size: meta.len(),
        mtime_ns,
        check_hash: None,
        named,
    })
}

/// A parser's messages on their way to the applying thread: sent when they hold
/// `ITEMS_PER_MESSAGE` items, and when the parser has no more files in hand.
pub(super) struct Outbox<'a> {
    pub(super) tx: &'a Sender<Vec<Msg>>,
    pub(super) msgs: Vec<Msg>,
    pub(super) items: usize,
}

impl Outbox<'_> {
    /// Queues `msg`; false when the applying thread is gone.
    fn push(&mut self, msg: Msg) -> bool {
        self.items += match &msg {
            Msg::Items(_, items) | Msg::Done(_, items, _) => items.len().max(1),
            _ => 1,
        };
        self.msgs.push(msg);
        self.items < ITEMS_PER_MESSAGE || self.send()
    }

    fn send(&mut self) -> bool {
        self.items = 0;
        self.msgs.is_empty() || self.tx.send(std::mem::take(&mut self.msgs)).is_ok()
    }
}

/// Reads files from `rx` and sends their documents, batched, to `tx`: a file's last
/// items travel with the news that it is done, so a small file is one message.
pub(super) fn parse_worker(limits: Limits, rx: Receiver<Vec<Work>>, tx: Sender<Vec<Msg>>) {
    for batch in rx.iter() {
        let mut out = Outbox {
            tx: &tx,
            msgs: Vec::new(),
            items: 0,
        };
        for w in batch {
            if !parse_one(limits, w, &mut out) {
                return;
            }
        }
        if !out.send() {
            return;
        }
    }
}

/// Reads one file into `out`; false when the applying thread is gone.
pub(super) fn parse_one(limits: Limits, mut w: Work, out: &mut Outbox) -> bool {
    if let Some(old_hash) = w.check_hash {
        if ingest::hash_file(&w.path).is_ok_and(|h| h == old_hash) {
            return out.push(Msg::Same(Arc::new(w)));
        }
    }
    let open = match ingest::open_file(&w.path, w.named) {
        Ok(Ok(open)) => open,
        Ok(Err(reason)) => {
            if w.mtime_ns == UNSTATED {
                // Skipped unopened: on record with its size and time all the same, so
                // the next run passes it by as unchanged.
                (w.size, w.mtime_ns) =
                    stat(w.path.clone(), w.named).map_or((0, 0), |s| (s.size, s.mtime_ns));
            }
            let skipped = Ok(FileOutcome::Skipped(reason));
            return out.push(Msg::Done(Arc::new(w), Vec::new(), skipped));
        }
        Err(error) => return out.push(Msg::Done(Arc::new(w), Vec::new(), Err(error))),
    };
    // What was read is what goes on record.
    (w.size, w.mtime_ns) = (open.size, open.mtime_ns);
    let w = Arc::new(w);
    let mut items = Vec::new();
    let mut closed = false;
    let result = ingest::read_open(&w.path, open, limits, &mut |item| {
        if closed {
            return;
        }
        items.push(item);
        if items.len() >= ITEMS_PER_MESSAGE {
            closed = !out.push(Msg::Items(w.clone(), std::mem::take(&mut items)));
        }
    });
    !closed && out.push(Msg::Done(w, items, result))
}

/// One spelling per file: the canonical path, else the absolute one.
/// Lossless, so two file names that differ only in bytes that are not UTF-8 stay two.
pub(super) fn canonical(path: &Path) -> String {
    term::lossless(&ingest::canonical_path(path))
}

/// A path as the walk's table of files found knows it: a 128-bit hash.
pub(super) fn path_key(key: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(key.as_bytes())
}

/// `path` is `root` or inside it.
pub(super) fn under(path: &str, root: &str) -> bool {
    path == root
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/') || root.ends_with('/'))
}
