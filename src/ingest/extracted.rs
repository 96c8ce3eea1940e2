//! What every parser hands back: the fields it found in one document
//! ([`Extracted`]), where each came from ([`Provenance`]), and why a file was left
//! out ([`SkipReason`]). Parsers depend on this module, never on `ingest` itself.

use crate::date::DocDate;

/// What a parser extracts from one document, before identity and paths are added.
/// Every format's parser produces these; `finish` turns them into `Article`s.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Extracted {
    /// The record's own id (JSON `id`/`_id`), if it has one.
    pub id: Option<String>,
    pub title: String,
    pub date: Option<DocDate>,
    pub authors: Vec<String>,
    pub publisher: Option<String>,
    /// A declared URL (canonical link, citation, Message-ID), if any.
    pub source: Option<String>,
    pub tags: Vec<String>,
    pub body: String,
    /// Things that were off but did not stop the document (an unparseable date).
    pub warnings: Vec<String>,
    /// Which rule gave the date, the title and the authors (`trove parse --explain`).
    pub provenance: Provenance,
}

/// Where a document's date, title and authors came from.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    pub date: Option<Rule>,
    pub title: Option<Rule>,
    pub author: Option<Rule>,
}

/// A stage of a format's parser and the rule in it that gave a value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rule {
    pub stage: &'static str,
    pub rule: String,
}

impl Rule {
    pub fn new(stage: &'static str, rule: impl Into<String>) -> Rule {
        Rule {
            stage,
            rule: rule.into(),
        }
    }
}

/// Where parsers of many-record files send each record: its number in the file
/// (`None` when the file is one document) and the document or why it is unreadable.
pub type RecordSink<'a> = dyn FnMut(Option<usize>, Result<Extracted, String>) + 'a;

/// Why a file was deliberately not indexed. Not an error: the summary counts these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    /// A kind that is never text, known by its extension (image, audio, archive...).
    Kind(&'static str),
    /// Its bytes are not text.
    Binary,
    Empty,
    /// Larger than the limit (bytes) for a single-document file (decompressed bytes
    /// for a compressed one).
    TooLarge(u64),
    /// A compressed file that expands beyond reason: over this many times its size.
    Bomb {
        ratio: u64,
    },
    /// A symbolic link inside a folder, not followed (`--follow` follows them).
    Link,
    /// A FIFO, socket or device: never opened, since reading one can block forever.
    NotRegular(&'static str),
    /// A folder that holds a search index, named as a path to index.
    IndexFolder,
    /// Of a format `-t/--type` or `-T/--type-not` leaves out (not reported: the run
    /// treats it as gone from the folders).
    Excluded,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Kind(kind) => write!(f, "{kind}"),
            SkipReason::Binary => f.write_str("binary"),
            SkipReason::Empty => f.write_str("empty"),
            SkipReason::TooLarge(limit) => write!(
                f,
                "larger than the {} limit for one document (--max-file-size)",
                human_size(*limit)
            ),
            SkipReason::Bomb { ratio } => {
                write!(f, "decompression bomb (expands over {ratio}:1)")
            }
            SkipReason::Link => f.write_str("symbolic link, not followed (--follow follows links)"),
            SkipReason::NotRegular(kind) => write!(f, "not a regular file ({kind})"),
            SkipReason::IndexFolder => f.write_str("a search index, not documents"),
            SkipReason::Excluded => f.write_str("excluded by --type or --type-not"),
        }
    }
}

/// `256 MiB`, `1.5 GiB`, `512 bytes`.
fn human_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let value = bytes as f64 / size as f64;
            return if value.fract() == 0.0 {
                format!("{value:.0} {unit}")
            } else {
                format!("{value:.1} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}
