//! trove: full-text search for archives of articles and documents.
//!
//! Indexing: path -> [`ingest`] -> [`Article`] -> `schema` -> [`index`].
//! Searching: query text -> `query` -> [`search`] (`Vec<Hit>`) -> [`output`].

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
pub mod outfile;
pub mod output;
pub mod query;
mod schema;
pub mod search;
mod snippet;
mod state;
pub mod stats;
pub mod term;

pub use article::{Article, Format};
pub use batch::{index_paths, Event, IndexOptions, IndexSummary};
pub use error::{Error, IngestError};
pub use index::TroveIndex;
pub use query::QueryOptions;
pub use search::{search, Hit, SearchOptions, SearchResults, Session, Sort};
