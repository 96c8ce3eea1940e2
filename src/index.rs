//! The index on disk: opening and creating it, and writing articles into it (upserts
//! keyed by id, one commit per run).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tantivy::directory::error::LockError;
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError, Term};

use crate::article::Article;
use crate::error::{Error, IngestError, Result};
use crate::ingest::{self, FileOutcome, Item, SkipReason};
use crate::schema::{self, Fields};

/// Files that may sit in an index folder before any index does: the repo's index/
/// folder holds a .gitignore, and tantivy's own bookkeeping files stay behind when an
/// index's files are deleted with `rm index/*` or its creation was interrupted.
const ALLOWED_BEFORE_INDEX: [&str; 6] = [
    ".gitignore",
    ".gitkeep",
    "README.md",
    ".managed.json",
    ".tantivy-meta.lock",
    ".tantivy-writer.lock",
];

/// An open trove index.
pub struct TroveIndex {
    pub(crate) index: Index,
    pub(crate) fields: Fields,
    dir: PathBuf,
}

impl TroveIndex {
    /// Opens the index in `dir`; an error that says how to build one if there is none.
    pub fn open(dir: &Path) -> Result<TroveIndex> {
        if !dir.join("meta.json").is_file() {
            return Err(Error::NoIndex {
                path: dir.to_path_buf(),
            });
        }
        let index = Index::open_in_dir(dir).map_err(|source| Error::Index {
            path: dir.to_path_buf(),
            source,
        })?;
        Self::check(index, dir)
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
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !ALLOWED_BEFORE_INDEX.iter().any(|a| name == *a) {
                return Err(Error::NotAnIndex {
                    path: dir.to_path_buf(),
                });
            }
        }
        let (schema, _) = schema::build_schema();
        let index_err = |source| Error::Index {
            path: dir.to_path_buf(),
            source,
        };
        let directory = MmapDirectory::open(dir).map_err(|e| index_err(e.into()))?;
        let index = Index::create(directory, schema, Default::default()).map_err(index_err)?;
        Self::check(index, dir)
    }

    fn check(index: Index, dir: &Path) -> Result<TroveIndex> {
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
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn index_err(&self, source: TantivyError) -> Error {
        Error::Index {
            path: self.dir.clone(),
            source,
        }
    }

    /// A reader that sees the last commit. Manual reloads: a CLI process reads once.
    pub(crate) fn reader(&self) -> Result<IndexReader> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| self.index_err(e))
    }

    /// Number of documents the last commit holds.
    pub fn num_docs(&self) -> Result<u64> {
        Ok(self.reader()?.searcher().num_docs())
    }

    fn writer(&self, threads: usize, memory: usize) -> Result<IndexWriter> {
        self.index
            .writer_with_num_threads(threads, memory)
            .map_err(|e| match e {
                TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked {
                    path: self.dir.clone(),
                },
                other => self.index_err(other),
            })
    }
}

/// What `trove index` is asked to do.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    pub index_dir: PathBuf,
    pub paths: Vec<PathBuf>,
    /// Indexing threads for tantivy's writer.
    pub threads: usize,
    /// Writer memory budget in bytes, shared by the threads.
    pub memory: usize,
}

impl IndexOptions {
    pub fn new(index_dir: PathBuf, paths: Vec<PathBuf>) -> IndexOptions {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8);
        IndexOptions {
            index_dir,
            paths,
            threads,
            memory: 64 * 1024 * 1024 * threads,
        }
    }
}

/// Something worth telling the user while indexing; the caller decides how.
#[derive(Debug)]
pub enum Event<'a> {
    /// A document was indexed but something in it was off (a date that did not parse).
    Warning { path: &'a Path, message: &'a str },
    /// A file was skipped on purpose.
    Skipped {
        path: &'a Path,
        reason: &'a SkipReason,
    },
    /// A record inside a file could not be read; the rest of the file goes on.
    BadRecord { path: &'a Path, reason: &'a str },
    /// A file could not be read; the batch goes on.
    Failed { error: &'a IngestError },
}

/// What an indexing run did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct IndexSummary {
    /// Files that were read (and gave documents, or records that failed).
    pub files: usize,
    /// Documents written (added or replaced).
    pub documents: usize,
    pub skipped: BTreeMap<SkipReason, usize>,
    /// Files that could not be read.
    pub failed: usize,
    /// Records inside files that could not be read.
    pub bad_records: usize,
    pub warnings: usize,
    /// Documents in the index after the commit.
    pub total_documents: u64,
    pub elapsed: Duration,
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

/// The path `-` stands for standard input (JSON Lines).
pub const STDIN_PATH: &str = "-";

/// Indexes every file under `opts.paths` (and stdin for `-`) and commits once at the end.
pub fn index_paths(opts: &IndexOptions, on_event: &mut dyn FnMut(Event)) -> Result<IndexSummary> {
    let start = Instant::now();
    let trove = TroveIndex::open_or_create(&opts.index_dir)?;
    let mut writer = trove.writer(opts.threads, opts.memory)?;
    let (stdin, paths): (Vec<PathBuf>, Vec<PathBuf>) = opts
        .paths
        .iter()
        .cloned()
        .partition(|p| p.as_os_str() == STDIN_PATH);

    let mut run = Run {
        trove: &trove,
        writer: &writer,
        on_event,
        summary: IndexSummary::default(),
        write_error: None,
    };
    if !stdin.is_empty() {
        let path = Path::new(STDIN_PATH);
        run.summary.files += 1;
        if let Err(error) = ingest::read_stdin(&mut |item| run.item(path, item)) {
            run.failed(&error);
        }
    }
    for entry in ingest::walk(&paths) {
        if run.write_error.is_some() {
            break;
        }
        let path = match entry {
            Ok(p) => p,
            Err(error) => {
                run.failed(&error);
                continue;
            }
        };
        match ingest::read_file(&path, &mut |item| run.item(&path, item)) {
            Ok(FileOutcome::Read(_)) => run.summary.files += 1,
            Ok(FileOutcome::Skipped(reason)) => {
                (run.on_event)(Event::Skipped {
                    path: &path,
                    reason: &reason,
                });
                *run.summary.skipped.entry(reason).or_default() += 1;
            }
            Err(error) => run.failed(&error),
        }
    }
    let Run {
        mut summary,
        write_error,
        ..
    } = run;
    if let Some(e) = write_error {
        return Err(e);
    }

    writer.commit().map_err(|e| trove.index_err(e))?;
    // Let merges finish so replaced segments are deleted before we exit.
    writer
        .wait_merging_threads()
        .map_err(|e| trove.index_err(e))?;
    summary.total_documents = trove.num_docs()?;
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// The state of one indexing run: where documents go and what is counted.
struct Run<'a, 'e> {
    trove: &'a TroveIndex,
    writer: &'a IndexWriter,
    on_event: &'a mut (dyn FnMut(Event) + 'e),
    summary: IndexSummary,
    /// The first error writing to the index; it ends the run.
    write_error: Option<Error>,
}

impl Run<'_, '_> {
    fn item(&mut self, path: &Path, item: Item) {
        match item {
            Item::Doc { article, warnings } => {
                for message in &warnings {
                    self.summary.warnings += 1;
                    (self.on_event)(Event::Warning { path, message });
                }
                if self.write_error.is_none() {
                    match upsert(self.trove, self.writer, &article) {
                        Ok(()) => self.summary.documents += 1,
                        Err(e) => self.write_error = Some(e),
                    }
                }
            }
            Item::Bad { reason } => {
                self.summary.bad_records += 1;
                (self.on_event)(Event::BadRecord {
                    path,
                    reason: &reason,
                });
            }
        }
    }

    fn failed(&mut self, error: &IngestError) {
        self.summary.failed += 1;
        (self.on_event)(Event::Failed { error });
    }
}

/// Adds `article`, replacing any document with the same id.
fn upsert(trove: &TroveIndex, writer: &IndexWriter, article: &Article) -> Result<()> {
    let f = &trove.fields;
    writer.delete_term(Term::from_field_text(f.id, &article.id));
    writer
        .add_document(schema::to_document(f, article))
        .map_err(|e| trove.index_err(e))?;
    Ok(())
}
