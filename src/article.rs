//! `Article`: what every parser produces and the index stores. Plain Rust, no tantivy.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::DocDate;

/// The file format a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text, including the phys.org article layout of the seed.
    Text,
    Html,
    Markdown,
    /// A JSON document: one object, or an array of objects.
    Json,
    /// JSON Lines: one object per line.
    #[serde(rename = "jsonl")]
    JsonLines,
    /// One RFC 822 message (.eml, Usenet posts).
    Email,
    Mbox,
    /// A Word document (DOCX, DOTX, DOCM).
    Docx,
    /// An OpenDocument text (ODT, OTT).
    Odt,
    /// An EPUB e-book.
    Epub,
    /// A PDF document (its text layer).
    Pdf,
    /// A zip or tar archive (possibly compressed): its members are documents.
    Archive,
}

impl Format {
    pub const ALL: [Format; 12] = [
        Format::Text,
        Format::Html,
        Format::Markdown,
        Format::Json,
        Format::JsonLines,
        Format::Email,
        Format::Mbox,
        Format::Docx,
        Format::Odt,
        Format::Epub,
        Format::Pdf,
        Format::Archive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Markdown => "markdown",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::Email => "email",
            Format::Mbox => "mbox",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Epub => "epub",
            Format::Pdf => "pdf",
            Format::Archive => "archive",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One document, as extracted from a file and as stored in the index.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Stable identity: a record's own id, else derived from `source` (see [`Article::derive_id`]).
    pub id: String,
    pub title: String,
    /// Publication date as the document states it (offset kept; a day stays a day).
    pub date: Option<DocDate>,
    /// Where the article lives: its canonical URL, else the file's `file://` URL.
    pub source: String,
    pub authors: Vec<String>,
    pub publisher: Option<String>,
    /// Tags, topics, keywords, newsgroups.
    pub tags: Vec<String>,
    /// The file it was read from, when it came from a file.
    pub path: Option<String>,
    pub body: String,
    pub format: Format,
}

impl Article {
    /// The id of a document that has none of its own: a 16-hex-digit hash of its source.
    pub fn derive_id(source: &str) -> String {
        format!("{:016x}", fnv1a64(source.as_bytes()))
    }

    /// Authors as one string, for display and JSON (`"Jane Doe, John Roe"`).
    pub fn author_line(&self) -> Option<String> {
        (!self.authors.is_empty()).then(|| self.authors.join(", "))
    }
}

/// FNV-1a, 64 bits: stable across versions and platforms, which ids must be.
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// `file://` URL of a path, percent-encoding every byte outside the unreserved set.
pub fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_hashes_of_the_source() {
        // Pinned: changing the hash would change every id in existing indexes.
        assert_eq!(Article::derive_id(""), "cbf29ce484222325");
        assert_eq!(Article::derive_id("a"), "af63dc4c8601ec8c");
        let a = Article::derive_id(
            "https://phys.org/news/2017-11-firm-ceo-wikileaks-clinton-emails.html",
        );
        assert_eq!(a.len(), 16);
        assert_ne!(a, Article::derive_id("https://phys.org/news/other.html"));
    }

    #[test]
    fn file_urls_escape_what_urls_cannot_hold() {
        assert_eq!(
            file_url(Path::new("/a/b c/d%.txt")),
            "file:///a/b%20c/d%25.txt"
        );
        assert_eq!(file_url(Path::new("/x/ü.txt")), "file:///x/%C3%BC.txt");
    }
}
