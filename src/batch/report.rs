//! What an indexing run tells: events as it goes (the caller decides how to show them)
//! and the summary `trove index --json` prints at the end.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::error::IngestError;
use crate::ingest::SkipReason;

/// Something worth telling the user while indexing; the caller decides how.
#[derive(Debug)]
pub enum Event<'a> {
    /// Another process holds the index's writer lock; waiting for it.
    WaitingForLock { lock: &'a Path },
    /// The walk is done: this many files will be read, this many are unchanged.
    Planned { files: usize, unchanged: usize },
    /// A file was read (or skipped, or failed): progress.
    FileDone { documents: usize, bytes: u64 },
    /// A document was indexed but something in it was off (a date that did not parse).
    Warning { path: &'a Path, message: &'a str },
    /// A file was skipped on purpose.
    Skipped {
        path: &'a Path,
        reason: &'a SkipReason,
    },
    /// A record inside a file could not be read; the rest of the file goes on.
    BadRecord { path: &'a Path, reason: &'a str },
    /// A member of an archive was left out on purpose (a link, an image, a bomb).
    SkippedMember { member: &'a str, reason: &'a str },
    /// A file could not be read; the batch goes on.
    Failed { error: &'a IngestError },
    /// Two files hold the same document (same id or source URL); one version is kept:
    /// the newer file's (by modification time, then the later path).
    Duplicate {
        id: &'a str,
        kept: &'a str,
        dropped: &'a str,
    },
    /// A file gives the same id twice (a JSON Lines file with a repeated `id`): the
    /// later record is kept.
    DuplicateInFile { id: &'a str, path: &'a Path },
}

/// What an indexing run did. `trove index --json` prints it.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct IndexSummary {
    /// Files read (including those whose records all failed).
    pub files: usize,
    /// Files left alone because they had not changed.
    pub unchanged: usize,
    /// Documents written (added or replaced).
    pub documents: usize,
    /// Documents removed: their files are gone or no longer hold them.
    pub deleted: usize,
    /// Files skipped on purpose, by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Files that could not be read.
    pub failed: usize,
    /// Records inside files that could not be read.
    pub bad_records: usize,
    pub warnings: usize,
    /// Documents found in more than one file (one version kept).
    pub duplicates: usize,
    /// Bytes of the files read.
    pub bytes: u64,
    /// Documents in the index after the last commit.
    pub total_documents: u64,
    pub commits: usize,
    /// True when a stop request ended the run early (what was done is committed).
    pub interrupted: bool,
    /// With `--merge`: the segments merged into one (0 when there was nothing to merge,
    /// or when the merge was stopped: then `interrupted` is true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_segments: Option<usize>,
    /// Without `--merge`: the small segments the run left beside the large ones, merged
    /// into one after it (0 when there were too few to merge).
    pub tail_merged_segments: usize,
    /// Each file that failed and each bad record: the path and why (the first
    /// `MAX_ERRORS_LISTED`; the counts above count all).
    pub errors: Vec<Problem>,
    /// Ids looked at by the run's bookkeeping (owners, partial files, releases): what
    /// its cost grows with, for tests that it grows linearly.
    #[serde(skip)]
    pub id_work: u64,
    #[serde(serialize_with = "as_secs")]
    pub elapsed: Duration,
}

/// Most errors listed one by one in a summary.
pub const MAX_ERRORS_LISTED: usize = 100_000;

/// A file that could not be read, or a record in it that could not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub path: String,
    /// `failed` (the file) or `bad_record` (a record in it).
    pub kind: &'static str,
    pub reason: String,
}

fn as_secs<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

impl IndexSummary {
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// True when something that should have been indexed was not.
    pub fn had_errors(&self) -> bool {
        self.failed > 0 || self.bad_records > 0
    }
}
