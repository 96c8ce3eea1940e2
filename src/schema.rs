//! The tantivy schema: the only module that names tantivy fields and analyzers.
//! Why each field has the options it has is in docs/DESIGN.md.

use jiff::Timestamp;
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, Schema, TextFieldIndexing,
    TextOptions, Value, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};

use crate::analysis::{CachedStemmer, WordTokenizer};
use tantivy::{DateTime, Index, TantivyDocument};

use crate::article::{Article, Format};
use crate::date::DocDate;

/// Analyzer for title and body: trove's words (`analysis.rs`), lowercased, accents
/// folded, English stems. The name carries a version: changing the chain means a new
/// name, so an index built with the old chain fails the schema check instead of
/// silently mismatching.
pub(crate) const TEXT_ANALYZER: &str = "trove_en_v2";
/// Analyzer for names (author, publisher): words, lowercased, accents folded, no stems.
pub(crate) const NAME_ANALYZER: &str = "trove_name_v1";
/// Analyzer for exact filters (`--author "Chad Day"`): the whole value, lowercased and
/// folded, one token.
pub(crate) const KEY_ANALYZER: &str = "trove_key_v1";

/// Tokens longer than this many bytes are dropped (base64 blobs, URLs run together).
const MAX_TOKEN_BYTES: usize = 40;

/// Handles to every field, looked up once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub title: Field,
    /// The document's text for searching: the title, then the body (see docs/DESIGN.md).
    pub body: Field,
    /// The body as stored, for display and snippets.
    pub body_text: Field,
    /// The date as published (its own wall clock, written as UTC): day and year filters,
    /// statistics.
    pub date: Field,
    /// The date's instant: sorting, and filters given with a time of day.
    pub instant: Field,
    /// The date as the document stated it (`2019-10-19T00:04:00+02:00`, `2019-10-19`).
    pub date_text: Field,
    pub source: Field,
    pub author: Field,
    pub publisher: Field,
    pub tags: Field,
    pub path: Field,
    pub format: Field,
    /// Each author whole, for exact filters; its fast column keeps the original.
    pub author_key: Field,
    /// The publisher whole, for exact filters and statistics.
    pub publisher_key: Field,
    /// The host of the source URL (`phys.org`), for `site:` and statistics.
    pub site: Field,
}

/// Names users can put before `:` in a query, in the order help texts list them.
pub const QUERY_FIELDS: [&str; 11] = [
    "title",
    "body",
    "author",
    "publisher",
    "tags",
    "source",
    "site",
    "format",
    "date",
    "path",
    "id",
];

/// The document id: a fast column too (ranked ids, and the tie-break of equal scores).
pub(crate) const ID_COLUMN: &str = "id";
/// The date as published: indexed and a fast column (filters read it per document).
pub(crate) const DATE_FIELD: &str = "date";
/// The date's instant, a fast column: `--sort date`, and filters with a time of day.
pub(crate) const INSTANT_FIELD: &str = "instant";

pub(crate) fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexed = |analyzer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let text = |analyzer: &str| indexed(analyzer).set_stored();
    let key = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEY_ANALYZER)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_fast("raw");
    let fields = Fields {
        id: b.add_text_field(ID_COLUMN, STRING | STORED | FAST),
        title: b.add_text_field("title", text(TEXT_ANALYZER)),
        body: b.add_text_field("body", indexed(TEXT_ANALYZER)),
        body_text: b.add_text_field("body_text", STORED),
        date: b.add_date_field(
            DATE_FIELD,
            DateOptions::from(INDEXED)
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        ),
        instant: b.add_date_field(
            INSTANT_FIELD,
            DateOptions::default()
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        ),
        date_text: b.add_text_field("date_text", STORED),
        source: b.add_text_field("source", STRING | STORED),
        author: b.add_text_field("author", text(NAME_ANALYZER)),
        publisher: b.add_text_field("publisher", text(NAME_ANALYZER)),
        tags: b.add_text_field("tags", text(NAME_ANALYZER)),
        path: b.add_text_field("path", STRING | STORED),
        format: b.add_text_field("format", STRING | STORED),
        author_key: b.add_text_field("author_key", key.clone()),
        publisher_key: b.add_text_field("publisher_key", key),
        site: b.add_text_field("site", STRING | FAST),
    };
    (b.build(), fields)
}

/// Registers trove's analyzers; needed after every `Index::open` as well as on create.
pub(crate) fn register_analyzers(index: &Index) {
    index.tokenizers().register(TEXT_ANALYZER, english());
    index.tokenizers().register(NAME_ANALYZER, name_analyzer());
    index.tokenizers().register(KEY_ANALYZER, key_analyzer());
}

/// Title and body: words, long tokens dropped, lowercased, accents folded, English
/// (Porter2) stems. No stop words: measured on SciFact, removing Lucene's 33 English
/// stop words lowered nDCG@10 (BM25's IDF already makes them count for little), and
/// phrases keep them.
fn english() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer)
        .build()
}

/// Names: words, lowercased, accents folded (also how prefixes are normalized).
pub(crate) fn name_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn key_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// A value as the key analyzer indexes it, for building filter terms.
pub(crate) fn key(value: &str) -> String {
    let mut analyzer = key_analyzer();
    let mut stream = analyzer.token_stream(value.trim());
    let mut out = String::new();
    while stream.advance() {
        out.push_str(&stream.token().text);
    }
    out
}

/// The host of an http(s) URL, without `www.`: what `site:` matches.
pub(crate) fn site_of(source: &str) -> Option<String> {
    let url = url::Url::parse(source.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

pub(crate) fn fields_of(schema: &Schema) -> Option<Fields> {
    let f = |name| schema.get_field(name).ok();
    Some(Fields {
        id: f("id")?,
        title: f("title")?,
        body: f("body")?,
        body_text: f("body_text")?,
        date: f(DATE_FIELD)?,
        instant: f(INSTANT_FIELD)?,
        date_text: f("date_text")?,
        source: f("source")?,
        author: f("author")?,
        publisher: f("publisher")?,
        tags: f("tags")?,
        path: f("path")?,
        format: f("format")?,
        author_key: f("author_key")?,
        publisher_key: f("publisher_key")?,
        site: f("site")?,
    })
}

pub(crate) fn to_timestamp(dt: DateTime) -> Option<Timestamp> {
    Timestamp::from_second(dt.into_timestamp_secs()).ok()
}

pub(crate) fn to_datetime(ts: Timestamp) -> DateTime {
    DateTime::from_timestamp_secs(ts.as_second())
}

/// Article -> tantivy document.
pub(crate) fn to_document(f: &Fields, a: &Article) -> TantivyDocument {
    // Sized for its values up front (the title and body go in twice), so that building
    // it never copies it to grow.
    let names: usize = a
        .authors
        .iter()
        .chain(&a.tags)
        .map(|s| 2 * s.len() + 32)
        .sum();
    let bytes = 2 * (a.title.len() + a.body.len())
        + a.id.len()
        + 2 * a.source.len()
        + a.path.as_ref().map_or(0, String::len)
        + 2 * a.publisher.as_ref().map_or(0, String::len)
        + names
        + 256;
    let mut doc = TantivyDocument::with_capacity(bytes);
    doc.add_text(f.id, &a.id);
    doc.add_text(f.title, &a.title);
    // The title is searched as part of the text, so a word in both counts once per
    // occurrence, saturating together (BM25 over the whole document, as Lucene-based
    // engines index "title + text"); it is a separate value, so phrases do not run
    // from the title into the body.
    doc.add_text(f.body, &a.title);
    doc.add_text(f.body, &a.body);
    doc.add_text(f.body_text, &a.body);
    if let Some(date) = a.date {
        doc.add_date(f.date, to_datetime(date.local_as_utc()));
        doc.add_date(f.instant, to_datetime(date.instant));
        doc.add_text(f.date_text, date.to_string());
    }
    doc.add_text(f.source, &a.source);
    for author in &a.authors {
        doc.add_text(f.author, author);
        doc.add_text(f.author_key, author);
    }
    if let Some(p) = &a.publisher {
        doc.add_text(f.publisher, p);
        doc.add_text(f.publisher_key, p);
    }
    if let Some(site) = site_of(&a.source) {
        doc.add_text(f.site, site);
    }
    for tag in &a.tags {
        doc.add_text(f.tags, tag);
    }
    if let Some(p) = &a.path {
        doc.add_text(f.path, p);
    }
    doc.add_text(f.format, a.format.as_str());
    doc
}

/// Stored tantivy document -> Article.
pub(crate) fn from_document(f: &Fields, doc: &TantivyDocument) -> Article {
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    Article {
        id: text(f.id).unwrap_or_default(),
        title: text(f.title).unwrap_or_default(),
        date: text(f.date_text).and_then(|t| DocDate::parse_canonical(&t)),
        source: text(f.source).unwrap_or_default(),
        authors: doc
            .get_all(f.author)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        publisher: text(f.publisher),
        tags: doc
            .get_all(f.tags)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        path: text(f.path),
        body: text(f.body_text).unwrap_or_default(),
        format: text(f.format)
            .and_then(|s| Format::from_name(&s))
            .unwrap_or(Format::Text),
    }
}
