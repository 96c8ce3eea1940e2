//! Text analysis: how trove cuts text into words and stems them, for the index and for
//! highlighting alike. [`words`] is the tokenizer (words as English news and papers have
//! them: apostrophes, decimal numbers, Greek letters spelled out); [`stem`] caches the
//! Porter2 stems tantivy's stemmer gives, per thread.

pub mod stem;
pub mod words;

pub use stem::CachedStemmer;
pub use words::{word_ranges, WordTokenizer};
