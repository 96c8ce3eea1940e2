//! Printers: hits and summaries to any `Write`, as JSON Lines or for a person.
//! Printers never see a searcher; everything they show is in `Hit`.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use std::path::Path;

use crate::article::Article;
use crate::batch::IndexSummary;
use crate::check::CheckReport;
use crate::date::format_date;
use crate::eval::EvalReport;
use crate::search::{Hit, SearchResults};
use crate::stats::Stats;
use crate::term;

const BOLD: &str = "\x1b[1m";
const MATCH: &str = "\x1b[1;31m";
const LINK: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// Whether to colour: decided once by the caller (`--color`, terminal, `NO_COLOR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

/// The columns `--fields` can pick, in the order of the JSON schema.
pub const HIT_FIELDS: [&str; 15] = [
    "rank",
    "score",
    "id",
    "title",
    "date",
    "source",
    "author",
    "publisher",
    "tags",
    "path",
    "format",
    "snippet",
    "highlights",
    "title_highlights",
    "explanation",
];

/// Columns `--format csv|tsv` leaves out when `--fields` does not say: lists, long
/// text and offsets, which fit no cell.
const NOT_IN_TABLES: [&str; 6] = [
    "tags",
    "format",
    "snippet",
    "highlights",
    "title_highlights",
    "explanation",
];

/// Columns shown by `--format csv|tsv` when `--fields` does not say: the schema's, in
/// its order, but for [`NOT_IN_TABLES`].
pub fn default_table_fields() -> Vec<String> {
    HIT_FIELDS
        .iter()
        .filter(|f| !NOT_IN_TABLES.contains(f))
        .map(|f| f.to_string())
        .collect()
}

/// Checks `--fields` names; the error lists the valid ones.
pub fn check_fields(fields: &[String]) -> Result<(), String> {
    for f in fields {
        if !HIT_FIELDS.contains(&f.as_str()) && f != "query_id" {
            return Err(format!(
                "unknown field {f:?} for --fields (fields: {})",
                HIT_FIELDS.join(", ")
            ));
        }
    }
    Ok(())
}

/// A hit as a JSON object: every field, or only `fields`, plus `query_id` in batch mode.
pub fn hit_object(
    hit: &Hit,
    fields: Option<&[String]>,
    query_id: Option<&str>,
) -> serde_json::Value {
    let mut value = serde_json::to_value(hit).unwrap_or_default();
    if let serde_json::Value::Object(map) = &mut value {
        if let Some(id) = query_id {
            map.insert("query_id".into(), serde_json::Value::String(id.into()));
        }
        if let Some(fields) = fields {
            let picked: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .map(|f| {
                    (
                        f.clone(),
                        map.get(f).cloned().unwrap_or(serde_json::Value::Null),
                    )
                })
                .collect();
            return serde_json::Value::Object(picked);
        }
    }
    value
}

/// One JSON object per hit, one per line (JSON Lines).
pub fn print_hits_json<W: Write>(
    out: &mut W,
    hits: &[Hit],
    fields: Option<&[String]>,
    query_id: Option<&str>,
) -> io::Result<()> {
    for hit in hits {
        serde_json::to_writer(&mut *out, &hit_object(hit, fields, query_id))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Comma- or tab-separated values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimited {
    /// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled.
    Csv,
    /// Tab-separated; tabs, line breaks and backslashes in values written as `\t`,
    /// `\n`, `\\`.
    Tsv,
}

/// The header row for `fields`.
pub fn print_header<W: Write>(out: &mut W, fields: &[String], format: Delimited) -> io::Result<()> {
    write_row(out, fields, format)
}

/// One row per hit.
pub fn print_hits_delimited<W: Write>(
    out: &mut W,
    hits: &[Hit],
    fields: &[String],
    format: Delimited,
    query_id: Option<&str>,
) -> io::Result<()> {
    for hit in hits {
        let object = hit_object(hit, Some(fields), query_id);
        let cells: Vec<String> = fields
            .iter()
            .map(|f| {
                let text = match &object[f.as_str()] {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Array(items) if items.iter().all(|i| i.is_string()) => items
                        .iter()
                        .filter_map(|i| i.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                    other => other.to_string(),
                };
                text
            })
            .collect();
        write_row(out, &cells, format)?;
    }
    Ok(())
}

/// One row of cells. Control characters and bidi controls are escaped (`\u{1b}`) in
/// both formats: a table printed to a terminal is as safe as the human output. CSV is
/// written by the csv crate (RFC 4180: a cell with a comma, quote or line break quoted,
/// quotes doubled); TSV cells have backslashes, tabs and line breaks written as `\\`,
/// `\t`, `\n`, `\r`.
fn write_row<W: Write>(out: &mut W, cells: &[String], format: Delimited) -> io::Result<()> {
    match format {
        Delimited::Csv => {
            let mut writer = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(&mut *out);
            writer
                .write_record(cells.iter().map(|c| crate::term::controls(c).into_owned()))
                .map_err(io::Error::other)?;
            writer.flush()
        }
        Delimited::Tsv => {
            let cells: Vec<String> = cells
                .iter()
                .map(|c| crate::term::message(&c.replace('\\', "\\\\")).into_owned())
                .collect();
            writeln!(out, "{}", cells.join("\t"))
        }
    }
}

/// Paths of the files the hits came from, each once (the source when a hit has no file).
pub fn print_files<W: Write>(
    out: &mut W,
    hits: &[Hit],
    seen: &mut std::collections::HashSet<String>,
    null: bool,
) -> io::Result<()> {
    for hit in hits {
        let name = hit.path.as_deref().unwrap_or(&hit.source);
        if !seen.insert(name.to_string()) {
            continue;
        }
        if null {
            // `-0`: the path's own bytes, ended by NUL (for `xargs -0`), whatever they are.
            let path = crate::term::from_lossless(name);
            out.write_all(path.as_os_str().as_encoded_bytes())?;
            out.write_all(b"\0")?;
        } else {
            // One line each, unambiguous: a newline in a name shows as `\n`, bytes that
            // are not UTF-8 as `\xNN`.
            writeln!(out, "{}", crate::term::message(name))?;
        }
    }
    Ok(())
}

/// Longest field shown in human output (a title, a source, the author line): longer
/// ones are cut with `…` (JSON, CSV and TSV keep them whole).
pub const MAX_FIELD_CHARS: usize = 200;

/// `text` cut to `MAX_FIELD_CHARS` characters with `…`, and the highlight ranges that
/// still fall inside it.
fn clip<'a>(text: &'a str, marks: &[[usize; 2]]) -> (Cow<'a, str>, Vec<[usize; 2]>) {
    match text.char_indices().nth(MAX_FIELD_CHARS) {
        None => (Cow::Borrowed(text), marks.to_vec()),
        Some((end, _)) => {
            let kept = marks.iter().filter(|m| m[1] <= end).copied().collect();
            (Cow::Owned(format!("{}…", &text[..end])), kept)
        }
    }
}

/// Hits for a person: rank and title, date / author / publisher, source, snippet.
pub fn print_hits_human<W: Write>(
    out: &mut W,
    results: &SearchResults,
    style: Style,
) -> io::Result<()> {
    for hit in &results.hits {
        let title = if hit.title.is_empty() {
            "(untitled)"
        } else {
            &hit.title
        };
        write!(out, "{}", paint(style, BOLD, &format!("{}. ", hit.rank)))?;
        let (title, marks) = clip(title, &hit.title_highlights);
        write_marked(out, &title, &marks, style, BOLD)?;
        writeln!(out)?;
        let meta: Vec<&str> = [
            hit.date.as_deref(),
            hit.author.as_deref(),
            hit.publisher.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !meta.is_empty() {
            writeln!(out, "   {}", escape(&clip(&meta.join(" | "), &[]).0))?;
        }
        let place = where_to_open(&hit.source, hit.path.as_deref());
        writeln!(
            out,
            "   {}",
            paint(style, LINK, &escape(&clip(&place, &[]).0))
        )?;
        if !hit.snippet.is_empty() {
            write!(out, "   ")?;
            write_marked(out, &hit.snippet, &hit.highlights, style, "")?;
            writeln!(out)?;
        }
        if let Some(explanation) = &hit.explanation {
            write_explanation(out, explanation, 3)?;
        }
        writeln!(out)?;
    }
    let shown = results.hits.len();
    let noun = if results.total == 1 { "hit" } else { "hits" };
    let first = results.hits.first().map_or(0, |h| h.rank);
    if shown == results.total {
        writeln!(out, "{} {noun}", results.total)?;
    } else if shown == 0 {
        writeln!(out, "no hits on this page; {} {noun} in all", results.total)?;
    } else {
        let last = first + shown - 1;
        writeln!(out, "{first}-{last} of {} {noun}", results.total)?;
    }
    Ok(())
}

/// Where a person opens a document: its web address, else the file it came from (a
/// `file://` or `mid:` source names nothing to click), with the record's number for a
/// file of many (`news.jsonl (record 3)`).
fn where_to_open(source: &str, path: Option<&str>) -> String {
    let web = source.starts_with("http://") || source.starts_with("https://");
    match path {
        Some(path) if !web => match source.rsplit_once('#') {
            Some((_, n))
                if source.starts_with("file:") && n.bytes().all(|b| b.is_ascii_digit()) =>
            {
                format!("{path} (record {n})")
            }
            _ => path.to_string(),
        },
        _ => source.to_string(),
    }
}

/// tantivy's explanation tree, one node per line: value, then what it is.
fn write_explanation<W: Write>(
    out: &mut W,
    node: &serde_json::Value,
    indent: usize,
) -> io::Result<()> {
    let value = node["value"].as_f64().unwrap_or(0.0);
    let description = node["description"].as_str().unwrap_or("");
    writeln!(out, "{:indent$}{value:.4}  {}", "", escape(description))?;
    if let Some(context) = node["context"].as_array() {
        for c in context {
            writeln!(
                out,
                "{:indent$}        ({})",
                "",
                escape(c.as_str().unwrap_or(""))
            )?;
        }
    }
    if let Some(details) = node["details"].as_array() {
        for d in details {
            write_explanation(out, d, indent + 2)?;
        }
    }
    Ok(())
}

/// `trove stats` for a person, with a histogram of documents per year.
/// `trove check`'s report for a person: the index, its documents, each problem and
/// note, and the verdict.
pub fn print_check_human<W: Write>(
    out: &mut W,
    report: &CheckReport,
    index_dir: &Path,
) -> io::Result<()> {
    writeln!(out, "index:      {}", term::path(index_dir))?;
    if let Some(n) = report.documents {
        writeln!(out, "documents:  {n}")?;
    }
    for p in &report.problems {
        writeln!(out, "problem:    {}", term::message(p))?;
    }
    for n in &report.notes {
        writeln!(out, "note:       {}", term::message(n))?;
    }
    if report.ok {
        writeln!(out, "ok")
    } else {
        writeln!(
            out,
            "damaged: `trove index --force` rebuilds it from the files it was built from"
        )
    }
}

pub fn print_stats_human<W: Write>(out: &mut W, s: &Stats, index_dir: &Path) -> io::Result<()> {
    writeln!(out, "index:      {}", crate::term::path(index_dir))?;
    writeln!(out, "documents:  {}", s.documents)?;
    writeln!(
        out,
        "size:       {} on disk, {} segment{}",
        human_bytes(s.index_bytes),
        s.segments,
        if s.segments == 1 { "" } else { "s" }
    )?;
    let sp = &s.space;
    writeln!(
        out,
        "space:      documents {}, postings {}, positions {}, terms {}, columns and norms {}",
        human_bytes(sp.store),
        human_bytes(sp.postings),
        human_bytes(sp.positions),
        human_bytes(sp.terms),
        human_bytes(sp.fast + sp.fieldnorms)
    )?;
    match (&s.earliest, &s.latest) {
        (Some(a), Some(b)) => writeln!(out, "dates:      {a} to {b} ({} undated)", s.undated)?,
        _ => writeln!(out, "dates:      none ({} undated)", s.undated)?,
    }
    if !s.formats.is_empty() {
        let formats: Vec<String> = s.formats.iter().map(|(f, n)| format!("{f} {n}")).collect();
        writeln!(out, "formats:    {}", formats.join(", "))?;
    }
    for (label, list) in [("publishers", &s.top_publishers), ("sites", &s.top_sites)] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\ntop {label}:")?;
        let width = list
            .iter()
            .map(|c| c.documents.to_string().len())
            .max()
            .unwrap_or(1);
        for c in list {
            writeln!(out, "  {:>width$}  {}", c.documents, escape(&c.name))?;
        }
    }
    if !s.per_year.is_empty() {
        writeln!(out, "\ndocuments per year:")?;
        let most = s.per_year.values().copied().max().unwrap_or(1).max(1);
        let width = most.to_string().len();
        // Every year between the first and the last, so gaps show.
        let (first, last) = (
            *s.per_year.keys().next().unwrap_or(&0),
            *s.per_year.keys().last().unwrap_or(&0),
        );
        let years: Vec<i16> = if last - first <= 60 {
            (first..=last).collect()
        } else {
            s.per_year.keys().copied().collect()
        };
        for year in years {
            let n = s.per_year.get(&year).copied().unwrap_or(0);
            let bar = ((n as f64 / most as f64) * 40.0).round() as usize;
            let bar = if n > 0 { bar.max(1) } else { 0 };
            writeln!(out, "  {year}  {n:>width$}  {}", "#".repeat(bar))?;
        }
    }
    Ok(())
}

/// `trove eval` for a person: the means, then each query if asked.
pub fn print_eval_human<W: Write>(out: &mut W, r: &EvalReport) -> io::Result<()> {
    writeln!(
        out,
        "dataset:     {} ({})",
        escape(&r.dataset),
        escape(&r.split)
    )?;
    writeln!(
        out,
        "documents:   {} (indexed in {:.2} s)",
        r.documents,
        r.index_time.as_secs_f64()
    )?;
    writeln!(
        out,
        "queries:     {} (searched in {:.2} s; {} repaired)",
        r.queries,
        r.search_time.as_secs_f64(),
        r.warnings
    )?;
    writeln!(out, "nDCG@10     {:.4}", r.mean.ndcg_10)?;
    writeln!(out, "Recall@100  {:.4}", r.mean.recall_100)?;
    writeln!(out, "MAP         {:.4}", r.mean.map)?;
    writeln!(out, "MRR@10      {:.4}", r.mean.mrr_10)?;
    if !r.per_query.is_empty() {
        writeln!(out, "\nquery\tnDCG@10\tRecall@100\tAP\tRR@10\trelevant")?;
        for q in &r.per_query {
            writeln!(
                out,
                "{}\t{:.4}\t{:.4}\t{:.4}\t{:.4}\t{}",
                escape(&q.query_id),
                q.metrics.ndcg_10,
                q.metrics.recall_100,
                q.metrics.map,
                q.metrics.mrr_10,
                q.relevant
            )?;
        }
    }
    Ok(())
}

/// `532 B`, `12.3 KB`, `4.5 MB`, `1.2 GB` (powers of 1000).
pub fn human_bytes(n: u64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

/// The one line `trove index` ends with.
pub fn index_summary_line(s: &IndexSummary, index_dir: &Path) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let secs = s.elapsed.as_secs_f64();
    let mut line = format!(
        "indexed {} from {} in {secs:.2} s",
        plural(s.documents, "document", "documents"),
        plural(s.files, "file", "files"),
    );
    if secs > 0.0 && s.files > 0 {
        line.push_str(&format!(
            " ({:.0} docs/s, {:.1} MB/s)",
            s.documents as f64 / secs,
            s.bytes as f64 / secs / 1e6
        ));
    }
    if s.unchanged > 0 {
        line.push_str(&format!(
            "; {} unchanged",
            plural(s.unchanged, "file", "files")
        ));
    }
    if s.deleted > 0 {
        line.push_str(&format!(
            "; deleted {}",
            plural(s.deleted, "document", "documents")
        ));
    }
    let skipped = s.skipped_total();
    if skipped > 0 {
        let reasons: Vec<String> = s
            .skipped
            .iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        line.push_str(&format!(
            "; skipped {} ({})",
            plural(skipped, "file", "files"),
            reasons.join(", ")
        ));
    }
    if s.duplicates > 0 {
        line.push_str(&format!(
            "; {} in two files (newer kept)",
            plural(s.duplicates, "document", "documents")
        ));
    }
    if s.failed > 0 {
        line.push_str(&format!("; {} failed", s.failed));
    }
    if s.bad_records > 0 {
        line.push_str(&format!(
            "; {}",
            plural(s.bad_records, "bad record", "bad records")
        ));
    }
    if s.warnings > 0 {
        line.push_str(&format!("; {}", plural(s.warnings, "warning", "warnings")));
    }
    match s.merged_segments {
        Some(0) if s.interrupted => line.push_str("; merge stopped (the index is as it was)"),
        Some(0) => line.push_str("; nothing to merge"),
        Some(n) => line.push_str(&format!("; merged {n} segments into one")),
        None => {}
    }
    if s.tail_merged_segments > 0 {
        line.push_str(&format!(
            "; merged its {} smallest segments into one",
            s.tail_merged_segments
        ));
    }
    if s.interrupted {
        line.push_str("; interrupted (what was read is committed)");
    }
    line.push_str(&format!(
        "; {} now holds {}",
        crate::term::path(index_dir),
        plural(s.total_documents as usize, "document", "documents")
    ));
    line
}

/// A document as `trove parse --json` prints it: the field names of search's JSON.
#[derive(Serialize)]
struct DocJson<'a> {
    id: &'a str,
    title: &'a str,
    date: Option<String>,
    source: &'a str,
    author: Option<String>,
    publisher: Option<&'a str>,
    tags: &'a [String],
    path: Option<&'a str>,
    format: &'a str,
    body: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<&'a crate::ingest::Provenance>,
}

/// One document as a line of JSON; with `provenance` (`trove parse --explain`), where
/// its date, title and authors came from.
pub fn print_article_json<W: Write>(
    out: &mut W,
    a: &Article,
    provenance: Option<&crate::ingest::Provenance>,
) -> io::Result<()> {
    let doc = DocJson {
        provenance,
        id: &a.id,
        title: &a.title,
        date: a.date.map(format_date),
        source: &a.source,
        author: a.author_line(),
        publisher: a.publisher.as_deref(),
        tags: &a.tags,
        path: a.path.as_deref(),
        format: a.format.as_str(),
        body: &a.body,
    };
    serde_json::to_writer(&mut *out, &doc)?;
    out.write_all(b"\n")
}

/// One document for a person: every field, then the whole body.
pub fn print_article_human<W: Write>(out: &mut W, a: &Article, style: Style) -> io::Result<()> {
    let label = |name: &str| paint(style, BOLD, name).into_owned();
    let date = a.date.map(format_date);
    let author = a.author_line();
    let tags = a.tags.join(", ");
    let rows: [(&str, Option<&str>); 9] = [
        ("title", Some(a.title.as_str())),
        ("date", date.as_deref()),
        ("author", author.as_deref()),
        ("publisher", a.publisher.as_deref()),
        ("tags", (!tags.is_empty()).then_some(tags.as_str())),
        ("source", Some(a.source.as_str())),
        ("path", a.path.as_deref()),
        ("format", Some(a.format.as_str())),
        ("id", Some(a.id.as_str())),
    ];
    for (name, value) in rows {
        if let Some(value) = value {
            writeln!(out, "{}: {}", label(name), escape(&clip(value, &[]).0))?;
        }
    }
    writeln!(
        out,
        "{} ({} characters):",
        label("body"),
        a.body.chars().count()
    )?;
    for line in a.body.lines() {
        if line.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "    {}", escape(line))?;
        }
    }
    writeln!(out)
}

/// Writes `text` with the byte ranges `marks` highlighted, everything escaped.
fn write_marked<W: Write>(
    out: &mut W,
    text: &str,
    marks: &[[usize; 2]],
    style: Style,
    base: &str,
) -> io::Result<()> {
    let mut at = 0;
    for &[start, end] in marks {
        let (Some(before), Some(marked)) = (text.get(at..start), text.get(start..end)) else {
            continue;
        };
        write!(out, "{}", paint(style, base, &escape(before)))?;
        write!(out, "{}", paint(style, MATCH, &escape(marked)))?;
        at = end;
    }
    write!(
        out,
        "{}",
        paint(style, base, &escape(text.get(at..).unwrap_or("")))
    )
}

fn paint<'a>(style: Style, code: &str, text: &'a str) -> Cow<'a, str> {
    if style.color && !code.is_empty() && !text.is_empty() {
        Cow::Owned(format!("{code}{text}{RESET}"))
    } else {
        Cow::Borrowed(text)
    }
}

pub use crate::term::escape;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_painted_only_with_colour() {
        let mut plain = Vec::new();
        write_marked(
            &mut plain,
            "big wolf",
            &[[4, 8]],
            Style { color: false },
            "",
        )
        .unwrap();
        assert_eq!(String::from_utf8(plain).unwrap(), "big wolf");
        let mut coloured = Vec::new();
        write_marked(
            &mut coloured,
            "big wolf",
            &[[4, 8]],
            Style { color: true },
            "",
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(coloured).unwrap(),
            "big \x1b[1;31mwolf\x1b[0m"
        );
    }
}
