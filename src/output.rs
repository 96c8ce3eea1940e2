//! Printers: hits and summaries to any `Write`, as JSON Lines or for a person.
//! Printers never see a searcher; everything they show is in `Hit`.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use std::path::Path;

use crate::article::Article;
use crate::batch::IndexSummary;
use crate::date::format_date;
use crate::search::{Hit, SearchResults};

const BOLD: &str = "\x1b[1m";
const MATCH: &str = "\x1b[1;31m";
const LINK: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// Whether to colour: decided once by the caller (`--color`, terminal, `NO_COLOR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

/// One JSON object per hit, one per line.
pub fn print_hits_json<W: Write>(out: &mut W, hits: &[Hit]) -> io::Result<()> {
    for hit in hits {
        serde_json::to_writer(&mut *out, hit)?;
        out.write_all(b"\n")?;
    }
    Ok(())
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
        write_marked(out, title, &hit.title_highlights, style, BOLD)?;
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
            writeln!(out, "   {}", escape(&meta.join(" | ")))?;
        }
        writeln!(out, "   {}", paint(style, LINK, &escape(&hit.source)))?;
        if !hit.snippet.is_empty() {
            write!(out, "   ")?;
            write_marked(out, &hit.snippet, &hit.highlights, style, "")?;
            writeln!(out)?;
        }
        writeln!(out)?;
    }
    let shown = results.hits.len();
    let noun = if results.total == 1 { "hit" } else { "hits" };
    if shown < results.total {
        writeln!(out, "{shown} of {} {noun}", results.total)?;
    } else {
        writeln!(out, "{} {noun}", results.total)?;
    }
    Ok(())
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
    if s.interrupted {
        line.push_str("; interrupted (what was read is committed)");
    }
    line.push_str(&format!(
        "; {} now holds {}",
        index_dir.display(),
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
}

/// One document as a line of JSON.
pub fn print_article_json<W: Write>(out: &mut W, a: &Article) -> io::Result<()> {
    let doc = DocJson {
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
            writeln!(out, "{}: {}", label(name), escape(value))?;
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

/// Text from a document made safe for a terminal: control characters (C0, DEL, C1),
/// and bidirectional overrides are shown as `\u{..}` escapes (newlines and tabs as
/// spaces), so no document can move the cursor, change colours or reorder a line.
pub fn escape(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_terminal_controls() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("a\x1b[31mred"), "a\\u{1b}[31mred");
        assert_eq!(escape("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape("bell\x07"), "bell\\u{7}");
        assert_eq!(escape("c1\u{9b}"), "c1\\u{9b}");
        assert_eq!(escape("two\nlines"), "two lines");
    }

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
