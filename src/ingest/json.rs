//! JSON Lines and JSON (one object, or an array of them, streamed): one document per
//! record, with the field names archives commonly use mapped onto the article's fields.
//!
//! | article field | record keys (first present wins, case-insensitive) |
//! |---|---|
//! | id | `id`, `_id`, `doc_id`, `docid`, `uuid`, `guid` |
//! | title | `title`, `headline`, `subject`, `name` |
//! | date | `date`, `published`, `publishedAt`, `published_at`, `pubDate`, `datePublished`, `created`, `created_at`, `timestamp`, `time` |
//! | source | `url`, `link`, `source`, `canonical_url`, `href`, `uri` (a URL only) |
//! | body | `body`, `text`, `content`, `article`, `abstract`, `description`, `summary` |
//! | author | `author`, `authors`, `byline`, `creator`, `by` (a string, a list, or objects with `name`) |
//! | publisher | `publisher`, `site_name`, `site`, `publication`, `outlet`, `source` (when not a URL) |
//! | tags | `tags`, `topics`, `keywords`, `categories` (a list, or a comma-separated string) |
//!
//! Numbers as dates are Unix times (seconds, or milliseconds when that large).
//!
//! A JSON document that is not a record or a list of records (a package manifest, an
//! API description, a settings file) is one document of its text values, with a note:
//! its title from a name- or title-like key, its body every string in it.

use std::io::{BufRead, Read};

use serde::de::{Deserializer as _, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::extracted::{Extracted, RecordSink};
use crate::date::parse_date;

const ID_KEYS: &[&str] = &["id", "_id", "doc_id", "docid", "uuid", "guid"];
const TITLE_KEYS: &[&str] = &["title", "headline", "subject", "name"];
const DATE_KEYS: &[&str] = &[
    "date",
    "published",
    "publishedat",
    "published_at",
    "pubdate",
    "pub_date",
    "datepublished",
    "date_published",
    "created",
    "created_at",
    "timestamp",
    "time",
];
const SOURCE_KEYS: &[&str] = &["url", "link", "source", "canonical_url", "href", "uri"];
const BODY_KEYS: &[&str] = &[
    "body",
    "text",
    "content",
    "article",
    "abstract",
    "description",
    "summary",
];
const AUTHOR_KEYS: &[&str] = &["author", "authors", "byline", "creator", "by"];
const PUBLISHER_KEYS: &[&str] = &[
    "publisher",
    "site_name",
    "sitename",
    "site",
    "publication",
    "outlet",
    "source",
];
const TAG_KEYS: &[&str] = &["tags", "topics", "keywords", "categories"];

/// Longest JSON Lines record read; a longer line is reported and skipped.
pub const MAX_RECORD_BYTES: usize = 64 * 1024 * 1024;

/// One record per line. Blank lines are ignored; a bad line is reported with its
/// number and the rest of the file goes on.
pub fn read_lines(mut reader: impl BufRead, sink: &mut RecordSink) -> std::io::Result<()> {
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_RECORD_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        if line.len() > MAX_RECORD_BYTES && !line.ends_with(b"\n") {
            // Skip the rest of the over-long line.
            let mut rest = Vec::new();
            reader.read_until(b'\n', &mut rest)?;
            sink(
                Some(number),
                Err(format!(
                    "line {number}: record longer than {} MiB",
                    MAX_RECORD_BYTES >> 20
                )),
            );
            continue;
        }
        let bytes = if number == 1 {
            line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line)
        } else {
            &line[..]
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let result = serde_json::from_slice::<Value>(bytes)
            .map_err(|e| format!("line {number}: {}", json_error(&e)))
            .and_then(|v| record(v).map_err(|e| format!("line {number}: {e}")));
        sink(Some(number), result);
    }
}

/// A JSON document: one object (one document) or an array of objects, streamed
/// element by element so a huge array is never held whole.
pub fn read_document(reader: impl Read, sink: &mut RecordSink) -> Result<(), String> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    de.deserialize_any(TopLevel { sink })
        .and_then(|()| de.end())
        .map_err(|e| json_error(&e))
}

struct TopLevel<'a, 'b> {
    sink: &'a mut RecordSink<'b>,
}

impl<'de> Visitor<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object or an array of objects")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let value = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        let doc = match is_record(&value) {
            true => record(value),
            false => {
                let mut text = TextValues::default();
                text.add(&value);
                Ok(text.into_document(&value))
            }
        };
        (self.sink)(None, doc);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut number = 0;
        while let Some(value) = seq.next_element::<Value>()? {
            number += 1;
            if number == 1 && !is_record(&value) {
                // Not a list of records: the whole file is one document of its text.
                let mut text = TextValues::default();
                text.add(&value);
                while let Some(value) = seq.next_element::<Value>()? {
                    text.add(&value);
                }
                (self.sink)(None, Ok(text.into_document(&Value::Null)));
                return Ok(());
            }
            let result = record(value).map_err(|e| format!("record {number}: {e}"));
            (self.sink)(Some(number), result);
        }
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        let mut text = TextValues::default();
        text.add(&Value::String(v.to_string()));
        (self.sink)(None, Ok(text.into_document(&Value::Null)));
        Ok(())
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<(), E> {
        self.visit_str(&v)
    }
}

/// An object with a title or a text field: a record.
fn is_record(value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    let fields = Fields::new(map);
    fields.first(TITLE_KEYS).is_some() || fields.first(BODY_KEYS).is_some()
}

/// Most text gathered from a JSON document that is not records.
const MAX_TEXT_BYTES: usize = 64 << 20;

/// The text values of a JSON document that is not an article, gathered.
#[derive(Default)]
struct TextValues {
    body: String,
    truncated: bool,
}

impl TextValues {
    fn add(&mut self, value: &Value) {
        match value {
            Value::String(s) => {
                let s = s.trim();
                if s.is_empty() {
                    return;
                }
                if self.body.len() + s.len() + 1 > MAX_TEXT_BYTES {
                    self.truncated = true;
                    return;
                }
                if !self.body.is_empty() {
                    self.body.push('\n');
                }
                self.body.push_str(s);
            }
            Value::Array(items) => items.iter().for_each(|v| self.add(v)),
            Value::Object(map) => map.values().for_each(|v| self.add(v)),
            _ => {}
        }
    }

    /// The document: the title from `top`'s name- or title-like key (or an API
    /// description's `info.title`), the body every string.
    fn into_document(self, top: &Value) -> Extracted {
        const TITLE_LIKE: &[&str] = &["title", "name", "displayName", "label", "summary"];
        let title = match top {
            Value::Object(map) => {
                let fields = Fields::new(map);
                fields
                    .first(TITLE_LIKE)
                    .and_then(scalar)
                    .or_else(|| {
                        fields
                            .get("info")
                            .and_then(|i| i.get("title"))
                            .and_then(scalar)
                    })
                    .filter(|t| t.chars().count() <= 200)
            }
            _ => None,
        };
        let mut warnings =
            vec!["not an article record: indexed as one document of its text values".to_string()];
        if self.truncated {
            warnings.push(format!("text beyond {} MiB left out", MAX_TEXT_BYTES >> 20));
        }
        Extracted {
            title: title.unwrap_or_default(),
            body: self.body,
            warnings,
            ..Extracted::default()
        }
    }
}

fn json_error(e: &serde_json::Error) -> String {
    // serde_json's message already says "at line L column C".
    e.to_string()
}

/// Maps one JSON object onto the article's fields.
pub fn record(value: Value) -> Result<Extracted, String> {
    let Value::Object(map) = value else {
        return Err(format!("expected an object, found {}", kind(&value)));
    };
    let fields = Fields::new(&map);
    if fields.first(TITLE_KEYS).is_none() && fields.first(BODY_KEYS).is_none() {
        return Err(format!(
            "no title or text field (looked for {} and {})",
            TITLE_KEYS.join(", "),
            BODY_KEYS.join(", ")
        ));
    }
    let mut doc = map_fields(&map);
    super::rules::apply_to_body(&mut doc);
    Ok(doc)
}

/// The article's fields from an object's keys (also used for Markdown front matter).
pub(super) fn map_fields(map: &Map<String, Value>) -> Extracted {
    let fields = Fields::new(map);
    let mut doc = Extracted {
        id: fields
            .first(ID_KEYS)
            .and_then(scalar)
            .filter(|s| !s.is_empty()),
        title: fields
            .first(TITLE_KEYS)
            .and_then(scalar)
            .unwrap_or_default(),
        body: fields.first(BODY_KEYS).and_then(scalar).unwrap_or_default(),
        ..Extracted::default()
    };
    if let Some(v) = fields.first(DATE_KEYS) {
        doc.date = match v {
            Value::Number(n) => n.as_f64().and_then(unix_time),
            other => scalar(other).as_deref().and_then(parse_date),
        };
        if doc.date.is_none() && !is_blank(v) {
            doc.warnings.push(format!("unparseable date {v}"));
        }
    }
    // The first key holding a URL is the source; a `source` that is a name (or an
    // object with a name, as news APIs give) is the publisher.
    doc.source = SOURCE_KEYS
        .iter()
        .filter_map(|k| fields.get(k))
        .filter_map(scalar)
        .find(|s| looks_like_url(s));
    doc.authors = fields.first(AUTHOR_KEYS).map(names).unwrap_or_default();
    doc.publisher = PUBLISHER_KEYS
        .iter()
        .filter_map(|k| fields.get(k))
        .flat_map(names)
        .find(|s| !looks_like_url(s));
    doc.tags = fields.first(TAG_KEYS).map(tags).unwrap_or_default();
    doc
}

/// Case-insensitive access to an object's keys.
struct Fields<'a> {
    map: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    fn new(map: &'a Map<String, Value>) -> Self {
        Fields { map }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).or_else(|| {
            self.map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
    }

    /// The first of `keys` present with a non-null value.
    fn first(&self, keys: &[&str]) -> Option<&'a Value> {
        keys.iter()
            .filter_map(|k| self.get(k))
            .find(|v| !v.is_null())
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Names from a string, a list of strings, or objects with a `name` (or `title`).
fn names(v: &Value) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::Object(o) => {
            let f = Fields::new(o);
            f.first(&["name", "title"]).and_then(scalar)
        }
        other => scalar(other),
    };
    let list: Vec<String> = match v {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    };
    list.into_iter().filter(|s| !s.is_empty()).collect()
}

fn tags(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => s
            .split([',', ';'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        other => names(other),
    }
}

/// URI schemes without `//` that name a document: e-mail and Usenet message ids (what
/// trove gives mail as its source), and the like.
const OPAQUE_SCHEMES: &[&str] = &["mid:", "news:", "urn:", "doi:", "cid:"];

fn looks_like_url(s: &str) -> bool {
    if OPAQUE_SCHEMES
        .iter()
        .any(|p| s.len() > p.len() && s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
    {
        return !s.contains(char::is_whitespace);
    }
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.contains(char::is_whitespace)
}

/// Seconds since 1970, or milliseconds when the number is too large to be seconds.
fn unix_time(n: f64) -> Option<crate::date::DocDate> {
    if !n.is_finite() {
        return None;
    }
    let seconds = if n.abs() > 1e11 { n / 1000.0 } else { n };
    let ts = jiff::Timestamp::from_second(seconds.trunc() as i64).ok()?;
    // Same range rule as every other date.
    parse_date(&ts.to_string())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::format_date;
    use serde_json::json;

    #[test]
    fn common_names_are_mapped() {
        let doc = record(json!({
            "_id": "4983",
            "headline": "Big news",
            "publishedAt": "2017-11-11T10:00:00-05:00",
            "link": "https://example.com/a",
            "content": "The text.",
            "byline": ["Jane Doe", {"name": "John Roe"}],
            "source": {"id": "bbc", "name": "BBC News"},
            "keywords": "politics, science",
        }))
        .unwrap();
        assert_eq!(doc.id.as_deref(), Some("4983"));
        assert_eq!(doc.title, "Big news");
        assert_eq!(
            doc.date.map(format_date).as_deref(),
            Some("2017-11-11T10:00:00-05:00")
        );
        assert_eq!(doc.source.as_deref(), Some("https://example.com/a"));
        assert_eq!(doc.body, "The text.");
        assert_eq!(doc.authors, vec!["Jane Doe", "John Roe"]);
        assert_eq!(doc.publisher.as_deref(), Some("BBC News"));
        assert_eq!(doc.tags, vec!["politics", "science"]);
    }

    #[test]
    fn beir_and_reuters_records_work_as_they_are() {
        let beir = record(json!({"_id": "31715818", "title": "T", "text": "abstract"})).unwrap();
        assert_eq!(
            (beir.id.as_deref(), beir.body.as_str()),
            (Some("31715818"), "abstract")
        );
        let reuters = record(json!({
            "id": "1", "date": "26-FEB-1987 15:01:01.79", "title": "BAHIA COCOA REVIEW",
            "dateline": "SALVADOR, Feb 26 -", "topics": ["cocoa"], "body": "Showers..."
        }))
        .unwrap();
        assert_eq!(
            reuters.date.map(format_date).as_deref(),
            Some("1987-02-26T15:01:01Z")
        );
        assert_eq!(reuters.tags, vec!["cocoa"]);
        // Empty title and body are still a record.
        let empty = record(json!({"id": "2", "title": "", "body": ""})).unwrap();
        assert_eq!(empty.id.as_deref(), Some("2"));
    }

    #[test]
    fn odd_values() {
        let doc = record(json!({"id": 17, "title": "x", "date": 1510394400, "source": "Reuters", "url": "not a url"})).unwrap();
        assert_eq!(doc.id.as_deref(), Some("17"));
        assert_eq!(
            doc.date.map(format_date).as_deref(),
            Some("2017-11-11T10:00:00Z")
        );
        assert_eq!(doc.source, None);
        assert_eq!(doc.publisher.as_deref(), Some("Reuters"));
        let ms = record(json!({"title": "x", "date": 1510394400000u64})).unwrap();
        assert_eq!(
            ms.date.map(format_date).as_deref(),
            Some("2017-11-11T10:00:00Z")
        );
        let bad_date = record(json!({"title": "x", "date": "someday"})).unwrap();
        assert_eq!(bad_date.date, None);
        assert_eq!(bad_date.warnings.len(), 1);
        assert!(record(json!([1, 2]))
            .unwrap_err()
            .contains("expected an object"));
        assert!(record(json!({"foo": "bar"}))
            .unwrap_err()
            .contains("no title or text"));
        let upper = record(json!({"Title": "Caps", "URL": "http://x.y/z"})).unwrap();
        assert_eq!(upper.title, "Caps");
        assert_eq!(upper.source.as_deref(), Some("http://x.y/z"));
    }

    fn collect_lines(input: &str) -> Vec<(Option<usize>, Result<String, String>)> {
        let mut out = Vec::new();
        read_lines(input.as_bytes(), &mut |n, r| {
            out.push((n, r.map(|d| d.title)))
        })
        .unwrap();
        out
    }

    #[test]
    fn json_lines_report_bad_lines_and_go_on() {
        let out = collect_lines(
            "\u{feff}{\"title\":\"one\"}\n\n{\"title\": broken}\n[1]\n{\"title\":\"four\"}",
        );
        assert_eq!(out.len(), 4);
        assert_eq!(out[0], (Some(1), Ok("one".into())));
        assert_eq!(out[1].0, Some(3));
        assert!(out[1].1.as_ref().unwrap_err().starts_with("line 3: "));
        assert!(out[2]
            .1
            .as_ref()
            .unwrap_err()
            .contains("expected an object"));
        assert_eq!(out[3], (Some(5), Ok("four".into())));
    }

    #[test]
    fn json_documents_stream_arrays() {
        let mut out = Vec::new();
        read_document(
            &b"[{\"title\":\"a\"}, 5, {\"title\":\"c\"}]"[..],
            &mut |n, r| out.push((n, r.map(|d| d.title))),
        )
        .unwrap();
        assert_eq!(out.len(), 3);
        assert_eq!(out[0], (Some(1), Ok("a".into())));
        assert!(out[1].1.is_err());
        assert_eq!(out[2], (Some(3), Ok("c".into())));

        let mut one = Vec::new();
        read_document(&b"{\"title\":\"solo\"}"[..], &mut |n, r| {
            one.push((n, r.map(|d| d.title)))
        })
        .unwrap();
        assert_eq!(one, vec![(None, Ok("solo".into()))]);

        let mut partial = Vec::new();
        let err = read_document(&b"[{\"title\":\"a\"}, {\"title\": ]"[..], &mut |n, r| {
            partial.push((n, r.map(|d| d.title)))
        })
        .unwrap_err();
        assert_eq!(partial.len(), 1, "records before the error are kept");
        assert!(err.contains("line 1"), "{err}");
        assert!(read_document(&b"42"[..], &mut |_, _| {}).is_err());
    }
}
