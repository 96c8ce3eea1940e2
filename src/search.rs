//! Running a query: tantivy query in, owned `Hit`s out (with snippets), for printers.

use std::ops::Range;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::snippet::SnippetGenerator;
use tantivy::TantivyDocument;

use crate::date::format_date;
use crate::error::Result;
use crate::index::TroveIndex;
use crate::{query, schema};

/// Longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 220;

/// What `trove search` is asked to do.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    pub query: String,
    pub limit: usize,
}

/// One search result. Owned and serializable: this is the `--json` schema.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    /// 1-based position in the ranking.
    pub rank: usize,
    /// BM25 score (title matches weighted).
    pub score: f32,
    pub id: String,
    pub title: String,
    /// `YYYY-MM-DD`, or RFC 3339 in UTC when the source gave a time of day.
    pub date: Option<String>,
    pub source: String,
    pub author: Option<String>,
    pub publisher: Option<String>,
    /// Tags, topics, keywords or newsgroups; empty when the document has none.
    pub tags: Vec<String>,
    pub path: Option<String>,
    pub format: String,
    /// A passage of the body around the best matches, whitespace collapsed, `…` where cut.
    pub snippet: String,
    /// Byte ranges `[start, end)` of the matched words in `snippet`.
    pub highlights: Vec<[usize; 2]>,
    /// Byte ranges of the matched words in `title`.
    pub title_highlights: Vec<[usize; 2]>,
}

/// The hits on one page and how many documents matched in all.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    pub total: usize,
}

/// Runs `opts.query` against the last commit of `trove`.
pub fn search(trove: &TroveIndex, opts: &SearchOptions) -> Result<SearchResults> {
    let query = query::parse(trove, &opts.query)?;
    let reader = trove.reader()?;
    let searcher = reader.searcher();
    let f = &trove.fields;
    if opts.limit == 0 {
        let total = searcher
            .search(&query, &Count)
            .map_err(|e| trove.index_err(e))?;
        return Ok(SearchResults {
            hits: Vec::new(),
            total,
        });
    }
    let (top, total) = searcher
        .search(
            &query,
            &(TopDocs::with_limit(opts.limit).order_by_score(), Count),
        )
        .map_err(|e| trove.index_err(e))?;

    let mut body_snippets =
        SnippetGenerator::create(&searcher, &*query, f.body).map_err(|e| trove.index_err(e))?;
    body_snippets.set_max_num_chars(SNIPPET_CHARS);
    let mut title_snippets =
        SnippetGenerator::create(&searcher, &*query, f.title).map_err(|e| trove.index_err(e))?;
    title_snippets.set_max_num_chars(usize::MAX / 2);

    let mut hits = Vec::with_capacity(top.len());
    for (i, (score, address)) in top.into_iter().enumerate() {
        let doc: TantivyDocument = searcher.doc(address).map_err(|e| trove.index_err(e))?;
        let article = schema::from_document(f, &doc);
        let (snippet, highlights) = make_snippet(&body_snippets, &article.body);
        let title_highlights = title_snippets
            .snippet(&article.title)
            .highlighted()
            .iter()
            .map(|r| [r.start, r.end])
            .collect();
        hits.push(Hit {
            rank: i + 1,
            score,
            author: article.author_line(),
            id: article.id,
            title: article.title,
            date: article.date.map(format_date),
            source: article.source,
            publisher: article.publisher,
            tags: article.tags,
            path: article.path,
            format: article.format.to_string(),
            snippet,
            highlights,
            title_highlights,
        });
    }
    Ok(SearchResults { hits, total })
}

/// The best passage of `body` with its highlights, whitespace collapsed; the start of
/// the body when nothing in it matched (a title-only match).
fn make_snippet(generator: &SnippetGenerator, body: &str) -> (String, Vec<[usize; 2]>) {
    let snippet = generator.snippet(body);
    let (range, marks): (Range<usize>, Vec<Range<usize>>) = if snippet.is_empty() {
        (0..lead_end(body, SNIPPET_CHARS), Vec::new())
    } else {
        let r = snippet.fragment_range();
        let marks = snippet
            .highlighted()
            .iter()
            .map(|h| h.start + r.start..h.end + r.start)
            .collect();
        (r, marks)
    };
    let mut out = String::new();
    let mut out_marks = Vec::new();
    if range.start > 0 {
        out.push('…');
    }
    collapse_into(body, range.clone(), &marks, &mut out, &mut out_marks);
    if range.end < body.trim_end().len() {
        out.push('…');
    }
    (out, out_marks)
}

/// Byte offset where the first `max_chars` characters of `text` end, cut at a word.
fn lead_end(text: &str, max_chars: usize) -> usize {
    let Some((end, _)) = text.char_indices().nth(max_chars) else {
        return text.len();
    };
    match text[..end].rfind(char::is_whitespace) {
        Some(i) if i > end / 2 => i,
        _ => end,
    }
}

/// Appends `text[range]` to `out` with whitespace runs collapsed to one space, and the
/// byte ranges `marks` (offsets into `text`) translated to offsets into `out`.
fn collapse_into(
    text: &str,
    range: Range<usize>,
    marks: &[Range<usize>],
    out: &mut String,
    out_marks: &mut Vec<[usize; 2]>,
) {
    let mut starts = marks.iter().map(|m| m.start).peekable();
    let mut ends = marks.iter().map(|m| m.end).peekable();
    let mut open: Option<usize> = None;
    let mut in_space = false;
    let slice = &text[range.clone()];
    let trimmed_start = slice.len() - slice.trim_start().len();
    for (i, c) in slice.trim().char_indices() {
        let pos = range.start + trimmed_start + i;
        while ends.peek().is_some_and(|&e| e <= pos) {
            ends.next();
            if let Some(s) = open.take() {
                out_marks.push([s, out.len()]);
            }
        }
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
                in_space = true;
            }
            continue;
        }
        in_space = false;
        while starts.peek().is_some_and(|&s| s <= pos) {
            starts.next();
            open.get_or_insert(out.len());
        }
        out.push(c);
    }
    if let Some(s) = open {
        out_marks.push([s, out.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_collapses_and_marks_follow() {
        let text = "a  big\n\nwolf  came";
        let mut out = String::new();
        let mut marks = Vec::new();
        // "big" is 3..6, "wolf" is 8..12
        collapse_into(text, 0..text.len(), &[3..6, 8..12], &mut out, &mut marks);
        assert_eq!(out, "a big wolf came");
        assert_eq!(marks, vec![[2, 5], [6, 10]]);
        assert_eq!(&out[2..5], "big");
        assert_eq!(&out[6..10], "wolf");
    }

    #[test]
    fn lead_cuts_at_a_word() {
        assert_eq!(lead_end("hello world again", 8), 5);
        assert_eq!(lead_end("short", 80), 5);
    }
}
