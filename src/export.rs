//! `trove export`: every document of an index, or those a query matches, streamed as
//! one of three line formats, for moving an archive on without parsing its files again:
//!
//! - [`ExportFormat::Jsonl`]: trove's own document JSON, which `trove index` reads back
//!   (the JSON reader maps these keys to the same fields);
//! - [`ExportFormat::Quickwit`]: NDJSON for `quickwit index ingest`, matching the index
//!   config [`quickwit_config`] writes;
//! - [`ExportFormat::EsBulk`]: the `_bulk` body of Elasticsearch and OpenSearch, an
//!   action line (`{"index":{"_id":…}}`) before each document, matching the mapping
//!   [`es_mapping`] gives.
//!
//! Data flows one way: stored document -> [`Article`] -> one format's JSON line.
//! Documents go out segment by segment in document order, each read once from the
//! store, so memory stays flat whatever the size of the index.

use std::io::{self, Write};

use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::{DocAddress, TantivyDocument};

use crate::article::Article;
use crate::error::Error;
use crate::index::TroveIndex;
use crate::query::{self, QueryOptions};
use crate::schema;

/// The line format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// trove's document JSON, one per line; `trove index` reads it back.
    Jsonl,
    /// NDJSON for Quickwit's ingest API.
    Quickwit,
    /// Elasticsearch/OpenSearch `_bulk` NDJSON: action line, then document line.
    EsBulk,
}

/// What `trove export` is asked to do.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub format: ExportFormat,
    /// Only documents matching this query; every document when `None`.
    pub query: Option<String>,
    pub query_options: QueryOptions,
}

/// What an export wrote, and what was ignored in its query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportSummary {
    pub documents: u64,
    pub warnings: Vec<String>,
}

/// Why an export stopped: the index (or the query), or the writer it wrote to (a closed
/// pipe is the reader's choice, not a failure; the caller decides).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Index(#[from] Error),
    #[error("writing the export")]
    Write(#[source] io::Error),
}

/// Writes the documents `opts` selects to `out`, one format's lines, and returns how
/// many there were. Stops at the first write error.
pub fn export(
    trove: &TroveIndex,
    opts: &ExportOptions,
    out: &mut dyn Write,
) -> std::result::Result<ExportSummary, ExportError> {
    // The store is read once, front to back: its pages need not stay resident.
    let _pages = trove.keep_mapped_pages_under(64 << 20, std::time::Duration::from_millis(5));
    let reader = trove.reader()?;
    let searcher = reader.searcher();
    let err = |e| ExportError::Index(trove.index_err(e));
    let mut summary = ExportSummary::default();
    // Document addresses in (segment, doc) order: the store is read block after block.
    let addresses: Box<dyn Iterator<Item = DocAddress>> = match &opts.query {
        Some(text) => {
            let built = query::build(trove, &searcher, text, &opts.query_options)?;
            summary.warnings = built.warnings;
            let mut found: Vec<DocAddress> = searcher
                .search(&built.query, &DocSetCollector)
                .map_err(err)?
                .into_iter()
                .collect();
            found.sort_unstable();
            Box::new(found.into_iter())
        }
        None => Box::new(
            searcher
                .segment_readers()
                .iter()
                .enumerate()
                .flat_map(|(ord, segment)| {
                    segment
                        .doc_ids_alive()
                        .map(move |doc| DocAddress::new(ord as u32, doc))
                })
                .collect::<Vec<_>>()
                .into_iter(),
        ),
    };
    let mut line = Vec::with_capacity(4096);
    for address in addresses {
        let doc: TantivyDocument = searcher.doc(address).map_err(err)?;
        let article = schema::from_document(&trove.fields, &doc);
        line.clear();
        write_document(opts.format, &article, &mut line).map_err(ExportError::Write)?;
        out.write_all(&line).map_err(ExportError::Write)?;
        summary.documents += 1;
    }
    out.flush().map_err(ExportError::Write)?;
    Ok(summary)
}

/// trove's document JSON (`--format jsonl`). Every key is one `trove index` maps back to
/// the same field; `path` and `format` say where the document first came from (a
/// re-import records the export file instead).
#[derive(Serialize)]
struct TroveJson<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    source: &'a str,
    authors: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'a str>,
    tags: &'a [String],
    body: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    format: &'a str,
}

/// One document for Quickwit and for Elasticsearch/OpenSearch: the fields of the
/// mappings below, `date` in RFC 3339 (left out when the document has none).
#[derive(Serialize)]
struct EngineJson<'a> {
    id: &'a str,
    title: &'a str,
    body: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    source: &'a str,
    author: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'a str>,
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    format: &'a str,
}

#[derive(Serialize)]
struct BulkAction<'a> {
    index: BulkTarget<'a>,
}

#[derive(Serialize)]
struct BulkTarget<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
}

/// Appends `article` to `out` as the lines of `format`, each ending in a newline.
pub fn write_document(format: ExportFormat, a: &Article, out: &mut Vec<u8>) -> io::Result<()> {
    // As the document stated it: a day stays a day, a time keeps its offset.
    let date = a.date.map(|d| d.to_string());
    match format {
        ExportFormat::Jsonl => serde_json::to_writer(
            &mut *out,
            &TroveJson {
                id: &a.id,
                title: &a.title,
                date,
                source: &a.source,
                authors: &a.authors,
                publisher: a.publisher.as_deref(),
                tags: &a.tags,
                body: &a.body,
                path: a.path.as_deref(),
                format: a.format.as_str(),
            },
        )?,
        ExportFormat::Quickwit | ExportFormat::EsBulk => {
            if format == ExportFormat::EsBulk {
                serde_json::to_writer(
                    &mut *out,
                    &BulkAction {
                        index: BulkTarget { id: &a.id },
                    },
                )?;
                out.push(b'\n');
            }
            serde_json::to_writer(
                &mut *out,
                &EngineJson {
                    id: &a.id,
                    title: &a.title,
                    body: &a.body,
                    date,
                    source: &a.source,
                    author: &a.authors,
                    publisher: a.publisher.as_deref(),
                    tags: &a.tags,
                    path: a.path.as_deref(),
                    format: a.format.as_str(),
                },
            )?;
        }
    }
    out.push(b'\n');
    Ok(())
}

/// Quickwit's index config (YAML, config version 0.8) for documents exported with
/// `--format quickwit` into the index `index_id`: `date` is the timestamp field,
/// `title` and `body` are searched by default, with English stemming as in trove.
pub fn quickwit_config(index_id: &str) -> String {
    format!(
        r#"# Quickwit index config for `trove export --format quickwit`.
# Create the index:  quickwit index create --index-config this-file.yaml
# Load the export:   quickwit index ingest --index {index_id} --input-path export.ndjson
version: 0.8
index_id: {index_id}
doc_mapping:
  mode: lenient
  field_mappings:
    - name: id
      type: text
      tokenizer: raw
      fast: true
    - name: title
      type: text
      tokenizer: en_stem
      record: position
      fieldnorms: true
    - name: body
      type: text
      tokenizer: en_stem
      record: position
      fieldnorms: true
    - name: date
      type: datetime
      input_formats: [rfc3339, "%Y-%m-%d"]
      output_format: rfc3339
      fast: true
      fast_precision: seconds
    - name: source
      type: text
      tokenizer: raw
    - name: author
      type: array<text>
      tokenizer: default
      record: position
    - name: publisher
      type: text
      tokenizer: default
      record: position
    - name: tags
      type: array<text>
      tokenizer: raw
      fast: true
    - name: path
      type: text
      tokenizer: raw
    - name: format
      type: text
      tokenizer: raw
      fast: true
  timestamp_field: date
search_settings:
  default_search_fields: [title, body]
indexing_settings:
  commit_timeout_secs: 30
"#
    )
}

/// The Elasticsearch/OpenSearch index body (settings and mappings) for documents
/// exported with `--format es-bulk`: `PUT /INDEX` with it, then post the export to
/// `/INDEX/_bulk`.
pub fn es_mapping() -> serde_json::Value {
    let text = serde_json::json!({"type": "text", "analyzer": "english"});
    let keyword = serde_json::json!({"type": "keyword"});
    serde_json::json!({
        "settings": {"index": {"number_of_shards": 1}},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": keyword,
                "title": text,
                "body": text,
                "date": {"type": "date", "format": "strict_date_time_no_millis||strict_date_optional_time"},
                "source": keyword,
                "author": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
                "publisher": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
                "tags": keyword,
                "path": keyword,
                "format": keyword,
            }
        }
    })
}

impl ExportFormat {
    /// File name extension for an export in this format.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Quickwit | ExportFormat::EsBulk => "ndjson",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Format;

    fn article() -> Article {
        Article {
            id: "a1".into(),
            title: "Data firm CEO".into(),
            date: crate::date::parse_date("2017-11-11T15:30:00Z"),
            source: "https://example.com/a".into(),
            authors: vec!["Chad Day".into(), "Jane Roe".into()],
            publisher: Some("The Associated Press".into()),
            tags: vec!["politics".into()],
            path: Some("/corpus/a.txt".into()),
            body: "Line one.\nLine \"two\".".into(),
            format: Format::Text,
        }
    }

    fn lines(format: ExportFormat, a: &Article) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        write_document(format, a, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with('\n'));
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn es_bulk_is_an_action_then_the_document() {
        let l = lines(ExportFormat::EsBulk, &article());
        assert_eq!(l.len(), 2);
        assert_eq!(l[0], serde_json::json!({"index": {"_id": "a1"}}));
        assert_eq!(l[1]["date"], "2017-11-11T15:30:00Z");
        // Offsets and days are kept as the document stated them.
        let mut a = article();
        for date in ["2019-10-19T00:04:00+02:00", "2019-10-19"] {
            a.date = crate::date::parse_date(date);
            for format in [
                ExportFormat::Jsonl,
                ExportFormat::Quickwit,
                ExportFormat::EsBulk,
            ] {
                assert_eq!(lines(format, &a).pop().unwrap()["date"], date);
            }
        }
        assert_eq!(l[1]["author"], serde_json::json!(["Chad Day", "Jane Roe"]));
        assert_eq!(l[1]["body"], "Line one.\nLine \"two\".");
    }

    #[test]
    fn undated_documents_have_no_date_key() {
        let mut a = article();
        a.date = None;
        for format in [
            ExportFormat::Jsonl,
            ExportFormat::Quickwit,
            ExportFormat::EsBulk,
        ] {
            let doc = lines(format, &a).pop().unwrap();
            assert!(doc.get("date").is_none(), "{format:?}");
        }
    }

    #[test]
    fn mappings_name_every_exported_field() {
        let doc = lines(ExportFormat::Quickwit, &article()).pop().unwrap();
        let mapping = es_mapping();
        let properties = mapping["mappings"]["properties"].as_object().unwrap();
        let yaml = quickwit_config("trove");
        for key in doc.as_object().unwrap().keys() {
            assert!(properties.contains_key(key), "{key} not in the ES mapping");
            assert!(
                yaml.contains(&format!("- name: {key}\n")),
                "{key} not in the Quickwit config"
            );
        }
    }
}
