//! trove: full-text search for archives of articles and documents.
//!
//! Indexing: path -> [`ingest`] -> [`Article`] -> `schema` -> [`index`].
//! Searching: query text -> `query` -> [`search`] (`Vec<Hit>`) -> [`output`].
//!
//! The library never prints and never exits; the `trove` program is a thin layer over
//! it (the `cli` feature, on by default, brings the program's own crates: build with
//! `default-features = false` for the library alone).
//!
//! Index a folder, then search it:
//!
//! ```
//! use trove::{index_paths, search, IndexOptions, SearchOptions, TroveIndex};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let docs = dir.path().join("docs");
//! std::fs::create_dir(&docs)?;
//! std::fs::write(
//!     docs.join("note.md"),
//!     "---\ntitle: Harbour news\ndate: 2019-05-04\n---\n\nThe harbour reopened.\n",
//! )?;
//!
//! let index_dir = dir.path().join("index");
//! let summary = index_paths(&IndexOptions::new(index_dir.clone(), vec![docs]), &mut |_| {})?;
//! assert_eq!(summary.documents, 1);
//!
//! let trove = TroveIndex::open(&index_dir)?;
//! let results = search(&trove, &SearchOptions::new("harbour"))?;
//! assert_eq!(results.hits[0].title, "Harbour news");
//! assert_eq!(results.hits[0].date.as_deref(), Some("2019-05-04"));
//! # Ok(())
//! # }
//! ```

pub mod analysis;
pub mod article;
pub mod batch;
pub mod check;
pub mod date;
mod date_filter;
pub mod deletion;
pub mod error;
pub mod eval;
mod explain_guard;
pub mod export;
pub mod guard;
pub mod index;
pub mod ingest;
mod mapped;
pub mod outfile;
pub mod output;
pub mod query;
mod schema;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
mod snippet;
mod state;
pub mod stats;
pub mod term;
mod top;
pub mod watch;

pub use article::{Article, Format};
pub use batch::{index_paths, Event, IndexOptions, IndexSummary};
pub use error::{Error, IngestError};
pub use index::TroveIndex;
pub use query::QueryOptions;
pub use search::{search, Hit, SearchOptions, SearchResults, Session, Sort};
