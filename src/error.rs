//! Typed errors. Each carries the path or the query it is about and keeps its cause as
//! `source`, so `trove: {err:#}` prints the whole chain once.

use std::io;
use std::path::PathBuf;

/// A file or folder that could not be read. One of these never stops a batch.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read {}", crate::term::path(path))]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// A parser panicked on this file: a bug in trove, caught so the batch goes on.
    #[error(
        "cannot read {}: the parser crashed ({message}); this is a bug in trove, please report it with the file",
        crate::term::path(path)
    )]
    Panic { path: PathBuf, message: String },
}

impl IngestError {
    pub fn path(&self) -> &std::path::Path {
        match self {
            IngestError::Read { path, .. } | IngestError::Panic { path, .. } => path,
        }
    }
}

/// Errors about an index or a query.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "no trove index at {}: build one with `trove index PATH...` \
         (or point --index or TROVE_INDEX at an existing one)",
        crate::term::path(path)
    )]
    NoIndex { path: PathBuf },

    #[error(
        "{} is not empty and holds no trove index; \
         choose an empty or new folder with --index",
        crate::term::path(path)
    )]
    NotAnIndex { path: PathBuf },

    #[error(
        "the index at {} was built by a different version of trove (its schema differs): \
         `trove index --force` builds it again from the files it was built from (name them \
         if that version did not record them)",
        crate::term::path(path)
    )]
    SchemaMismatch { path: PathBuf },

    #[error(
        "the index at {} is locked by another `trove index` (lock file {}); \
         wait for it to finish",
        crate::term::path(path),
        crate::term::path(&path.join(".tantivy-writer.lock"))
    )]
    Locked { path: PathBuf },

    #[error(
        "the index at {} cannot be written ({reason}): it can be searched as it is; copy it \
         somewhere writable to index into it",
        crate::term::path(path)
    )]
    ReadOnly { path: PathBuf, reason: String },

    #[error(
        "the disk holding the index at {} is full (no space left on device): the index stays \
         at its last commit; free some space and run `trove index` again",
        crate::term::path(path)
    )]
    DiskFull { path: PathBuf },

    #[error(
        "the index at {} is damaged ({reason}): run `trove check` to see what is wrong, \
         then `trove index --force` to rebuild it from its files",
        crate::term::path(path)
    )]
    Damaged { path: PathBuf, reason: String },

    #[error("index error in {}", crate::term::path(path))]
    Index {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },

    #[error("cannot use {}", crate::term::path(path))]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("cannot serve on {addr}")]
    Serve {
        addr: String,
        #[source]
        source: io::Error,
    },

    #[error("invalid query {query:?}: {reason}")]
    Query { query: String, reason: String },

    #[error(
        "no paths to index, and the index at {} records none: name the files and folders \
         to index (later runs without a path walk them again)",
        crate::term::path(path)
    )]
    NoRoots { path: PathBuf },

    #[error("invalid --glob {glob:?}: {reason}")]
    Glob { glob: String, reason: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error and its causes on one line, `outer: inner: innermost`, as anyhow's `{:#}`.
pub fn display_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}
