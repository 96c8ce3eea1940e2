//! From paths to `Article`s: walking folders, reading and decoding files, choosing the
//! parser for each format. No tantivy here.

pub mod text;

use std::fs;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::article::{file_url, Article, Format};
use crate::error::IngestError;

/// Files larger than this are skipped, not read.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// How much of a file is looked at to tell text from binary.
const SNIFF_BYTES: usize = 8192;

/// What a parser extracts from one document, before identity and paths are added.
/// Every format's parser produces these; `finish` turns them into `Article`s.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Extracted {
    /// The record's own id (JSON `id`/`_id`), if it has one.
    pub id: Option<String>,
    pub title: String,
    pub date: Option<Timestamp>,
    pub authors: Vec<String>,
    pub publisher: Option<String>,
    /// A declared URL (canonical link, citation, Message-ID), if any.
    pub source: Option<String>,
    pub body: String,
    /// Things that were off but did not stop the document (an unparseable date).
    pub warnings: Vec<String>,
}

/// Why a file was deliberately not indexed. Not an error: the summary counts these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    /// An extension trove has no parser for.
    Unsupported(String),
    Binary,
    Empty,
    TooLarge,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Unsupported(ext) if ext.is_empty() => f.write_str("no extension"),
            SkipReason::Unsupported(ext) => write!(f, "unsupported .{ext}"),
            SkipReason::Binary => f.write_str("binary"),
            SkipReason::Empty => f.write_str("empty"),
            SkipReason::TooLarge => write!(f, "larger than {} MiB", MAX_FILE_BYTES >> 20),
        }
    }
}

/// What reading one file gives.
#[derive(Debug)]
pub enum Outcome {
    /// The documents in the file (one for most formats), with warnings about them.
    Parsed {
        articles: Vec<Article>,
        warnings: Vec<String>,
    },
    Skipped(SkipReason),
}

/// Every file under `paths`, in a stable order (folders sorted by name). Entries whose
/// name starts with `.` are left out when walking a folder, as in ripgrep and fd; a path
/// named on the command line is always taken.
pub fn walk(paths: &[PathBuf]) -> impl Iterator<Item = Result<PathBuf, IngestError>> + '_ {
    paths.iter().flat_map(|root| {
        walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().as_encoded_bytes().starts_with(b"."))
            .filter_map(move |entry| match entry {
                Ok(e) if e.file_type().is_file() => Some(Ok(e.into_path())),
                // Folders are walked; symbolic links inside a folder are not followed;
                // sockets, FIFOs and devices are never opened.
                Ok(_) => None,
                Err(err) => {
                    let path = err.path().unwrap_or(root).to_path_buf();
                    let message = err.to_string();
                    let source = err
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other(message));
                    Some(Err(IngestError::Read { path, source }))
                }
            })
    })
}

/// The format a file is parsed as, from its extension; `Err` says why it is skipped.
pub fn detect_format(path: &Path) -> Result<Format, SkipReason> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "text" => Ok(Format::Text),
        _ => Err(SkipReason::Unsupported(ext)),
    }
}

/// Reads, decodes and parses one file.
pub fn read_file(path: &Path) -> Result<Outcome, IngestError> {
    let format = match detect_format(path) {
        Ok(f) => f,
        Err(reason) => return Ok(Outcome::Skipped(reason)),
    };
    let read_err = |source| IngestError::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = fs::metadata(path).map_err(read_err)?;
    if meta.len() > MAX_FILE_BYTES {
        return Ok(Outcome::Skipped(SkipReason::TooLarge));
    }
    let bytes = fs::read(path).map_err(read_err)?;
    // One spelling per file, so the same file reached by another path keeps its id.
    let abs = fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    Ok(parse_bytes(&bytes, &abs, format))
}

/// Parses the bytes of a file already read. `path` is recorded in each article.
pub fn parse_bytes(bytes: &[u8], path: &Path, format: Format) -> Outcome {
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(reason) => return Outcome::Skipped(reason),
    };
    if text.trim().is_empty() {
        return Outcome::Skipped(SkipReason::Empty);
    }
    match format {
        Format::Text => finish(vec![text::parse(&text)], path, format),
    }
}

/// Turns what a parser extracted into articles, the same way for every format: the
/// path; the source (declared, else the file's URL, with `#N` for the Nth record of a
/// file that holds several); the id (the record's own, else derived from the source).
fn finish(docs: Vec<Extracted>, path: &Path, format: Format) -> Outcome {
    let many = docs.len() > 1;
    let mut warnings = Vec::new();
    let articles = docs
        .into_iter()
        .enumerate()
        .map(|(i, doc)| {
            warnings.extend(doc.warnings);
            let source = doc.source.unwrap_or_else(|| {
                let url = file_url(path);
                if many {
                    format!("{url}#{}", i + 1)
                } else {
                    url
                }
            });
            Article {
                id: doc.id.unwrap_or_else(|| Article::derive_id(&source)),
                title: doc.title,
                date: doc.date,
                source,
                authors: doc.authors,
                publisher: doc.publisher,
                path: Some(path.to_string_lossy().into_owned()),
                body: doc.body,
                format,
            }
        })
        .collect();
    Outcome::Parsed { articles, warnings }
}

/// Bytes to text: a BOM decides (UTF-8, UTF-16); else UTF-8 if valid; else
/// Windows-1252 (which covers Latin-1). NUL bytes without a UTF-16 BOM mean binary.
pub fn decode(bytes: &[u8]) -> Result<String, SkipReason> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(text.into_owned());
    }
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if head.contains(&0) {
        return Err(SkipReason::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok(text.into_owned())
        }
    }
}
