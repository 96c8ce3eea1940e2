//! Which files a run reads: the walk of the paths given, as ripgrep and fd walk.
//!
//! - Entries whose name starts with `.` are left out when walking a folder; a path
//!   named on the command line is always taken.
//! - `.ignore` files are honoured, and `.gitignore` files (and git's exclude files)
//!   inside git repositories, as rg and fd honour them; `--no-ignore` turns that off.
//! - `-g/--glob` globs choose files (`*.md`), `!` excludes (`!drafts/**`), with rg's
//!   meaning.
//! - A folder that holds a search index (trove's, or any tantivy index: `meta.json`
//!   beside `.managed.json` or trove's state file) is never entered, and trove's state
//!   file is never read, so `trove index .` beside its own `./index` reads documents only.
//! - Links: a path named on the command line is followed; links met inside folders are
//!   reported as skipped unless `follow` is set, in which case they are followed
//!   wherever they point, and a link back to a folder being walked is reported once as
//!   an error (a loop), never walked twice. FIFOs, sockets and devices are reported as
//!   skipped and never opened.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use ignore::overrides::OverrideBuilder;
use ignore::WalkBuilder;

use super::extracted::SkipReason;
use crate::error::{Error, IngestError};

/// trove's file state beside an index (as written now, and as earlier versions wrote
/// it): never a document.
pub const STATE_FILES: [&str; 2] = ["trove-files.bin", "trove-files.json.zst"];

/// How to walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Follow symbolic links met inside folders (`--follow`).
    pub follow: bool,
    /// Do not honour `.ignore` and `.gitignore` files (`--no-ignore`).
    pub no_ignore: bool,
    /// `-g/--glob`: globs that choose files, `!glob` to exclude (built by
    /// [`WalkOptions::with_globs`]).
    globs: Option<ignore::overrides::Override>,
}

impl WalkOptions {
    pub fn new(follow: bool, no_ignore: bool) -> WalkOptions {
        WalkOptions {
            follow,
            no_ignore,
            globs: None,
        }
    }

    /// Adds `-g/--glob` globs, relative to the current folder as rg reads them; a glob
    /// that does not parse is the user's error, named.
    pub fn with_globs(mut self, globs: &[String]) -> Result<WalkOptions, Error> {
        if globs.is_empty() {
            return Ok(self);
        }
        let base = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let mut builder = OverrideBuilder::new(base);
        for glob in globs {
            builder.add(glob).map_err(|e| Error::Glob {
                glob: glob.clone(),
                reason: glob_reason(&e),
            })?;
        }
        self.globs = Some(builder.build().map_err(|e| Error::Glob {
            glob: globs.join(" "),
            reason: glob_reason(&e),
        })?);
        Ok(self)
    }
}

/// One entry of a walk: a file to read, or something that is skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walked {
    pub path: PathBuf,
    pub skip: Option<SkipReason>,
    /// Named on the command line (not found inside a folder): judged by its content
    /// whatever its name.
    pub named: bool,
}

fn glob_reason(e: &ignore::Error) -> String {
    match e {
        ignore::Error::Glob { err, .. } => err.clone(),
        other => other.to_string(),
    }
}

/// A folder that holds a search index: trove's, or any tantivy index.
pub fn is_index_folder(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
        && (dir.join(".managed.json").is_file()
            || STATE_FILES.iter().any(|f| dir.join(f).is_file()))
}

/// A file of trove's own beside an index (the state, or its temporary file).
fn is_state_file(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| {
        STATE_FILES.iter().any(|f| {
            n.strip_prefix(f)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(".tmp"))
        })
    })
}

/// Every file under `paths`, in a stable order (folders sorted by name). See the
/// module's documentation for what is left out.
pub fn walk<'a>(
    paths: &'a [PathBuf],
    opts: &WalkOptions,
) -> impl Iterator<Item = Result<Walked, IngestError>> + 'a {
    let opts = opts.clone();
    paths.iter().flat_map(move |root| {
        let root_is_index = root.is_dir() && is_index_folder(root);
        let mut builder = WalkBuilder::new(root);
        builder
            .follow_links(opts.follow)
            // Siblings share their parent's path: ordering whole paths by their bytes
            // orders them by name, without taking each name out of its path at every
            // comparison (`Path::file_name` parses the path from its end: 5% of an
            // unchanged re-run over 1,000,000 files, 1,000 a folder).
            .sort_by_file_path(|a, b| a.as_os_str().as_bytes().cmp(b.as_os_str().as_bytes()))
            .hidden(true)
            .parents(!opts.no_ignore)
            .ignore(!opts.no_ignore)
            .git_ignore(!opts.no_ignore)
            .git_exclude(!opts.no_ignore)
            .git_global(!opts.no_ignore)
            .require_git(true);
        if let Some(globs) = &opts.globs {
            builder.overrides(globs.clone());
        }
        builder.filter_entry(|e| {
            if is_state_file(e.file_name()) {
                return false;
            }
            let dir = e.file_type().is_some_and(|t| t.is_dir());
            !(dir && is_index_folder(e.path()))
        });
        let entries: Box<dyn Iterator<Item = Result<Walked, IngestError>>> = if root_is_index {
            // Named, yet an index: said once, never read.
            Box::new(std::iter::once(Ok(Walked {
                path: root.clone(),
                skip: Some(SkipReason::IndexFolder),
                named: true,
            })))
        } else {
            Box::new(builder.build().filter_map(move |entry| match entry {
                Ok(e) => {
                    let named = e.depth() == 0;
                    let kind = e.file_type()?;
                    let skip = if kind.is_file() {
                        None
                    } else if kind.is_dir() {
                        return None;
                    } else if kind.is_symlink() {
                        Some(SkipReason::Link)
                    } else {
                        Some(SkipReason::NotRegular(special_kind(&kind)))
                    };
                    Some(Ok(Walked {
                        path: e.into_path(),
                        skip,
                        named,
                    }))
                }
                Err(err) => Some(Err(walk_error(err, root))),
            }))
        };
        entries
    })
}

/// A walk's error as a file error: the path it is about and why.
fn walk_error(err: ignore::Error, root: &Path) -> IngestError {
    let mut path = None;
    let mut current = &err;
    loop {
        match current {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                current = err;
            }
            ignore::Error::Loop { ancestor, child } => {
                return IngestError::Read {
                    path: child.clone(),
                    source: std::io::Error::other(format!(
                        "a link loop: it leads back to {}, which is being walked",
                        crate::term::path(ancestor)
                    )),
                };
            }
            _ => break,
        }
    }
    let path = path.unwrap_or_else(|| root.to_path_buf());
    // The system's own words (ignore's message repeats the path and the cause).
    let source = match err.io_error() {
        Some(io) => match io.raw_os_error().or_else(|| {
            io.get_ref()
                .and_then(|e| e.downcast_ref::<walkdir::Error>())
                .and_then(|w| w.io_error())
                .and_then(std::io::Error::raw_os_error)
        }) {
            Some(code) => std::io::Error::from_raw_os_error(code),
            None => std::io::Error::new(io.kind(), io.kind().to_string()),
        },
        None => std::io::Error::other(err.to_string()),
    };
    IngestError::Read { path, source }
}

/// What a file that is neither a regular file, a folder nor a link is.
pub(crate) fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    let _ = kind;
    "not a file"
}
