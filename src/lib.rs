//! trove: full-text search for archives of articles and documents.
//!
//! Indexing: path -> [`ingest`] -> [`Article`] -> `schema` -> [`index`].
//! Searching: query text -> `query` -> [`search`] (`Vec<Hit>`) -> [`output`].

pub mod article;
pub mod batch;
pub mod date;
pub mod deletion;
pub mod error;
pub mod index;
pub mod ingest;
pub mod output;
mod query;
mod schema;
pub mod search;
mod state;

pub use article::{Article, Format};
pub use batch::{index_paths, Event, IndexOptions, IndexSummary};
pub use error::{Error, IngestError};
pub use index::TroveIndex;
pub use search::{search, Hit, SearchOptions, SearchResults};
