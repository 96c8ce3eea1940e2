//! `trove index --watch`: after the first run, changes under the roots (inotify through
//! the notify crate) are gathered until they pause, then indexed by another run of the
//! same incremental path: unchanged files skipped by the file state, removed ones
//! pruned, renamed ones moved, the same commits and the same crash guarantees. Each run
//! walks the roots again, so nothing depends on the events being complete: a lost event
//! (the kernel's queue overflowed), a folder created and filled before its watch was
//! added, an editor's save by rename, all converge at the next run.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::batch::{index_paths, Event, IndexOptions, IndexSummary, STDIN_PATH};
use crate::error::{Error, Result};

/// How changes are gathered into runs.
#[derive(Debug, Clone, Copy)]
pub struct WatchOptions {
    /// A run starts once no change has come for this long...
    pub quiet: Duration,
    /// ...or this long after the first change, whichever is first (a steady stream of
    /// writes still gets indexed).
    pub max_delay: Duration,
    /// After a run that could not start (another writer holds the lock), the next try.
    pub retry: Duration,
}

impl Default for WatchOptions {
    fn default() -> WatchOptions {
        WatchOptions {
            quiet: Duration::from_millis(300),
            max_delay: Duration::from_secs(5),
            retry: Duration::from_secs(2),
        }
    }
}

/// What the watch tells its caller.
#[derive(Debug)]
pub enum WatchEvent<'a> {
    /// The roots are watched.
    Watching { roots: &'a [PathBuf] },
    /// Changes came; a run starts. `lost` when events were dropped (the kernel's queue
    /// overflowed, or the watcher failed): the run walks everything anyway.
    Changed { events: usize, lost: bool },
    /// A run ended.
    Ran(&'a IndexSummary),
    /// A run failed (the watch goes on and tries again at the next change or retry).
    Failed(&'a Error),
}

/// Whether a notification is about the index's own files (never indexed, and written
/// by every run: they would start runs forever).
fn only_inside(event: &notify::Event, dir: &Path) -> bool {
    !event.paths.is_empty() && event.paths.iter().all(|p| p.starts_with(dir))
}

/// What one notification means for the watch: nothing, a change, or lost events.
fn classify(message: notify::Result<notify::Event>, index_dir: &Path) -> Option<bool> {
    match message {
        Err(_) => Some(true),
        Ok(event) if event.need_rescan() => Some(true),
        Ok(event) => match event.kind {
            EventKind::Access(_) => None,
            _ if only_inside(&event, index_dir) => None,
            _ => Some(false),
        },
    }
}

/// Watches `opts.paths` and indexes what changes, until `opts.stop` is set (then the run
/// in progress commits and the watch returns). The first run is the caller's.
pub fn watch(
    opts: &IndexOptions,
    watch: WatchOptions,
    on_event: &mut dyn FnMut(Event),
    on_watch: &mut dyn FnMut(WatchEvent),
) -> Result<()> {
    let watch_err = |path: &Path, e: notify::Error| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(format!("cannot watch it: {e}")),
    };
    if opts.paths.is_empty() || opts.paths.iter().any(|p| p.as_os_str() == STDIN_PATH) {
        return Err(Error::Io {
            path: opts.index_dir.clone(),
            source: std::io::Error::other(
                "--watch needs the files and folders to watch, named (not standard input)",
            ),
        });
    }
    let index_dir =
        std::fs::canonicalize(&opts.index_dir).unwrap_or_else(|_| opts.index_dir.clone());
    let (sender, receiver) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |message| {
        let _ = sender.send(message);
    })
    .map_err(|e| watch_err(&opts.index_dir, e))?;
    // Watched by their real paths, as the index's folder is compared: the notices name
    // files under the path watched.
    for root in &opts.paths {
        let real = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        watcher
            .watch(&real, RecursiveMode::Recursive)
            .map_err(|e| watch_err(root, e))?;
    }
    on_watch(WatchEvent::Watching { roots: &opts.paths });
    let mut run_opts = opts.clone();
    run_opts.force = false;
    run_opts.merge = false;
    let stopped = || opts.stop.as_ref().is_some_and(|s| s.load(Ordering::SeqCst));
    let tick = Duration::from_millis(100);
    // A run owed from a failed try, and when to try again.
    let mut owed: Option<Instant> = None;
    loop {
        // Wait for a change (or a retry that is due).
        let mut events = 0;
        let mut lost = false;
        while events == 0 {
            if stopped() {
                return Ok(());
            }
            if owed.is_some_and(|at| Instant::now() >= at) {
                break;
            }
            match receiver.recv_timeout(tick) {
                Ok(message) => {
                    if let Some(dropped) = classify(message, &index_dir) {
                        events += 1;
                        lost |= dropped;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
        // Gather the rest until they pause.
        let first = Instant::now();
        let mut last = first;
        while last.elapsed() < watch.quiet && first.elapsed() < watch.max_delay && !stopped() {
            let wait = watch.quiet.saturating_sub(last.elapsed()).min(tick);
            match receiver.recv_timeout(wait) {
                Ok(message) => {
                    if let Some(dropped) = classify(message, &index_dir) {
                        events += 1;
                        lost |= dropped;
                        last = Instant::now();
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        if stopped() {
            return Ok(());
        }
        on_watch(WatchEvent::Changed { events, lost });
        match index_paths(&run_opts, on_event) {
            Ok(summary) => {
                owed = None;
                on_watch(WatchEvent::Ran(&summary));
                if summary.interrupted {
                    return Ok(());
                }
            }
            Err(e) => {
                owed = Some(Instant::now() + watch.retry);
                on_watch(WatchEvent::Failed(&e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, Flag, ModifyKind, RemoveKind};

    fn event(kind: EventKind, path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    #[test]
    fn notices_about_the_index_or_mere_reads_start_no_run_and_lost_ones_rescan() {
        let index = Path::new("/archive/.trove");
        let change = EventKind::Modify(ModifyKind::Any);
        assert_eq!(
            classify(event(change, "/archive/a.txt"), index),
            Some(false)
        );
        assert_eq!(
            classify(
                event(EventKind::Create(CreateKind::File), "/archive/ünïcödé/ß.md"),
                index
            ),
            Some(false)
        );
        assert_eq!(
            classify(
                event(EventKind::Remove(RemoveKind::Any), "/archive/b"),
                index
            ),
            Some(false)
        );
        assert_eq!(
            classify(event(change, "/archive/.trove/meta.json"), index),
            None
        );
        assert_eq!(
            classify(event(change, "/archive/.trovex/a.txt"), index),
            Some(false)
        );
        assert_eq!(
            classify(
                event(EventKind::Access(AccessKind::Any), "/archive/a.txt"),
                index
            ),
            None
        );
        let overflow = notify::Event::new(EventKind::Other).set_flag(Flag::Rescan);
        assert_eq!(classify(Ok(overflow), index), Some(true));
        assert_eq!(
            classify(Err(notify::Error::generic("queue overflow")), index),
            Some(true)
        );
    }
}
