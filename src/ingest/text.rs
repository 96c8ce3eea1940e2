//! Plain text, and the article layout phys.org and its sister sites publish as text.
//!
//! The article layout (the seed's):
//!
//! ```text
//! Title line
//!
//! November 11 2017, by Chad Day           <- dateline: date, then optional authors
//!
//! Body paragraphs...
//!
//! © 2017 The Associated Press. All rights reserved.              <- publisher
//!
//! Citation: Title (2017, November 11) retrieved 16 May 2024 from <https://...>  <- source
//!
//! This document is subject to copyright. ...
//! ```
//!
//! Variations handled: no author, several authors (`by A, B and C`), `Month DD, YYYY`,
//! a citation URL with or without angle brackets, `Provided by X` as the publisher,
//! `Explore further` blocks, and page markers from a PDF export (`Page 2 of 3`, `- 2 -`,
//! form feeds), with a paragraph split by a page break joined again.
//!
//! Any other text: the title is the first non-empty line, the body the rest, and a
//! date is taken from a dateline right under the title or from a citation line.

use std::sync::LazyLock;

use regex::Regex;

use crate::date::{parse_date, DocDate};
use crate::ingest::Extracted;

/// Longest title taken from a first line; a longer first line is a paragraph, not a
/// title, so the title is its beginning and the body keeps the whole line.
const MAX_TITLE_CHARS: usize = 200;

static PAGE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d+\s*/\s*\d+|\d+\s+of\s+\d+)\s*$",
    )
    .expect("valid regex")
});
static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)^Citation:\s*(?P<title>.*?)\s*\((?P<date>[^()]*?\d{4}[^()]*?)\)\s*retrieved\s+(?P<retrieved>.*?)\s+from\s+<?(?P<url>[a-z][a-z0-9+.-]*://[^\s>]+)>?\s*$",
    )
    .expect("valid regex")
});
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:©|\(c\)|copyright\s*(?:©|\(c\))?)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[\s,]*(?P<holder>.*?)[.\s]*(?:all rights reserved\.?)?\s*$",
    )
    .expect("valid regex")
});
static MD_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!?\[([^\]\n]*)\]\([^)\n]*\)").expect("valid regex"));
static MD_ESCAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\\([!-/:-@\[-`{-~])").expect("valid regex"));
static AUTHOR_SPLIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*(?:,\s*and\s+|\s+and\s+|\s*&\s*|\s*,\s*)").expect("valid regex")
});

/// Parses a plain-text document.
pub fn parse(text: &str) -> Extracted {
    let paragraphs = paragraphs(text);
    let mut doc = Extracted::default();
    let Some(first) = paragraphs.first() else {
        return doc;
    };

    // Title: the first non-empty line.
    let (title_line, rest_of_first) = match first.split_once('\n') {
        Some((t, rest)) => (t.trim(), Some(rest.to_string())),
        None => (first.trim(), None),
    };
    let mut body: Vec<String> = Vec::new();
    if title_line.chars().count() > MAX_TITLE_CHARS {
        doc.title = truncate_words(title_line, MAX_TITLE_CHARS);
        body.push(title_line.to_string());
    } else {
        doc.title = title_line.to_string();
    }
    body.extend(rest_of_first);

    let mut rest = &paragraphs[1..];

    // Dateline right under the title.
    let mut article_layout = false;
    if body.is_empty() {
        if let Some(para) = rest.first() {
            if let Some((date, authors, outlet)) = parse_dateline(para) {
                doc.date = Some(date);
                doc.authors = authors;
                doc.publisher = outlet;
                article_layout = true;
                rest = &rest[1..];
            }
        }
    }

    // Footer: from the first footer paragraph on, nothing is body.
    let footer_start = rest.iter().position(|p| is_footer(p)).unwrap_or(rest.len());
    let mut citation_publisher = None;
    for para in &rest[footer_start..] {
        let para = para.trim();
        if let Some(c) = CITATION.captures(para) {
            article_layout = true;
            doc.source = Some(c["url"].to_string());
            if doc.date.is_none() {
                doc.date = parse_date(&c["date"]);
                if doc.date.is_none() {
                    doc.warnings
                        .push(format!("unparseable date {:?} in citation", &c["date"]));
                }
            }
            if doc.title.is_empty() {
                doc.title = c["title"].to_string();
            }
        } else if let Some(holder) = copyright_holder(para) {
            if doc.publisher.is_none() {
                doc.publisher = Some(holder);
            }
        } else if let Some(by) = para.strip_prefix("Provided by ") {
            citation_publisher.get_or_insert_with(|| by.trim().trim_end_matches('.').to_string());
        }
    }
    if doc.publisher.is_none() {
        doc.publisher = citation_publisher;
    }
    if !article_layout {
        // Not the article layout: the "footer" was ordinary text after all.
        doc.publisher = None;
        body.extend(rest.iter().cloned());
    } else {
        body.extend(rest[..footer_start].iter().cloned());
        doc.title = clean_markdown(&doc.title);
        for para in &mut body {
            *para = clean_markdown(para);
        }
    }
    doc.body = body.join("\n\n");
    doc
}

/// Splits text into paragraphs (blank-line separated, lines trimmed), with PDF page
/// markers removed and a paragraph interrupted by a page break joined again.
fn paragraphs(text: &str) -> Vec<String> {
    let mut paras: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    // Set when a page marker or form feed was seen since the last text line.
    let mut page_break = false;
    for raw in text.split('\n') {
        if raw.contains('\x0c') {
            page_break = true;
        }
        let line = raw.replace('\x0c', "");
        let line = line.trim();
        if PAGE_MARKER.is_match(line) {
            page_break = true;
            continue;
        }
        if line.is_empty() {
            if !page_break {
                paras.extend(current.take());
            }
            continue;
        }
        if page_break {
            page_break = false;
            if current.is_none() && paras.last().is_some_and(|p| !ends_sentence(p)) {
                current = paras.pop();
            }
            match current.as_mut() {
                // A page break inside a sentence: the sentence goes on.
                Some(cur) if !ends_sentence(cur) => {
                    cur.push(' ');
                    cur.push_str(line);
                    continue;
                }
                Some(_) => paras.extend(current.take()),
                None => {}
            }
        }
        match current.as_mut() {
            Some(cur) => {
                cur.push('\n');
                cur.push_str(line);
            }
            None => current = Some(line.to_string()),
        }
    }
    paras.extend(current);
    paras
}

fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with(['.', '!', '?', ':', '"', '\u{201d}', '\'', ')'])
}

fn is_footer(para: &str) -> bool {
    let p = para.trim();
    CITATION.is_match(p)
        || copyright_holder(p).is_some()
        || p.starts_with("This document is subject to copyright")
        || (p.starts_with("Provided by ") && p.len() < 200)
        || (p.starts_with("Explore further") && p.len() < 400)
}

/// The holder named in a short copyright line (`© 2017 The Associated Press. All rights
/// reserved.` -> `The Associated Press`).
fn copyright_holder(para: &str) -> Option<String> {
    if para.len() > 200 || para.contains('\n') {
        return None;
    }
    let lower = para.to_lowercase();
    let looks_like = para.starts_with('©')
        || lower.starts_with("(c)")
        || (lower.starts_with("copyright") && para.chars().any(|c| c.is_ascii_digit() || c == '©'));
    if !looks_like {
        return None;
    }
    let holder = COPYRIGHT.captures(para)?.name("holder")?.as_str().trim();
    (!holder.is_empty()).then(|| holder.to_string())
}

/// Outlets that follow the author in Science X datelines (`by Ingrid Fadelli, Tech Xplore`).
const KNOWN_OUTLETS: [&str; 4] = ["Phys.org", "Medical Xpress", "Tech Xplore", "Science X"];

/// `November 11 2017, by Chad Day` -> (date, ["Chad Day"], outlet).
fn parse_dateline(para: &str) -> Option<(DocDate, Vec<String>, Option<String>)> {
    if para.contains('\n') || para.len() > 300 {
        return None;
    }
    let lower = para.to_lowercase();
    let (date_part, by_part) = match lower.find(" by ") {
        Some(i) => (&para[..i], Some(&para[i + 4..])),
        None if lower.starts_with("by ") => return None,
        None => (para, None),
    };
    let date = parse_date(date_part.trim().trim_end_matches([',', ';', '-', '|']))?;
    let mut authors = Vec::new();
    let mut outlet = None;
    if let Some(by) = by_part {
        let names: Vec<&str> = AUTHOR_SPLIT
            .split(by.trim().trim_end_matches('.'))
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        for (i, name) in names.iter().enumerate() {
            let last = i + 1 == names.len() && i > 0;
            // "by Bob Yirka, Phys.org" or "by Jane Doe, The Conversation": the outlet.
            let site_like = !name.contains(' ') && name.contains('.');
            if last && (site_like || name.starts_with("The ") || KNOWN_OUTLETS.contains(name)) {
                outlet = Some(name.to_string());
            } else {
                authors.push(name.to_string());
            }
        }
    }
    Some((date, authors, outlet))
}

/// Markdown links to their text, and backslash escapes undone.
fn clean_markdown(text: &str) -> String {
    let linked = MD_LINK.replace_all(text, "$1");
    MD_ESCAPE.replace_all(&linked, "$1").into_owned()
}

fn truncate_words(text: &str, max_chars: usize) -> String {
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max_chars / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::format_date;

    const SEED: &str =
        include_str!("../../corpus/ap-2017-11-11-data-firm-ceo-wikileaks-clinton-emails.txt");

    fn fixture(name: &str) -> Extracted {
        let path = format!("{}/tests/fixtures/text/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("fixture exists");
        parse(&text)
    }

    fn day(doc: &Extracted) -> Option<String> {
        doc.date.map(format_date)
    }

    #[test]
    fn seed_article() {
        let doc = parse(SEED);
        assert_eq!(
            doc.title,
            "Data firm CEO: Reached out to WikiLeaks about Clinton emails"
        );
        assert_eq!(day(&doc).as_deref(), Some("2017-11-11"));
        assert_eq!(doc.authors, vec!["Chad Day"]);
        assert_eq!(doc.publisher.as_deref(), Some("The Associated Press"));
        assert_eq!(
            doc.source.as_deref(),
            Some("https://phys.org/news/2017-11-firm-ceo-wikileaks-clinton-emails.html")
        );
        assert!(doc.warnings.is_empty());
        // The body is the paragraphs only.
        assert!(doc
            .body
            .starts_with("A data firm that worked for President Donald Trump's"));
        assert!(doc.body.ends_with("Those emails have never been released."));
        for absent in [
            "November 11 2017, by",
            "©",
            "Citation:",
            "subject to copyright",
            "](#)",
            "\\$",
        ] {
            assert!(!doc.body.contains(absent), "body contains {absent:?}");
        }
        // Markdown links reduced to their text, escapes undone.
        assert!(doc
            .body
            .contains("Nix said his company asked a speaker's agency"));
        assert!(doc
            .body
            .contains("in the 2016 election and any possible coordination"));
        assert!(doc.body.contains("nearly $6 million for data management"));
        assert_eq!(doc.body.split("\n\n").count(), 14);
    }

    #[test]
    fn no_author() {
        let doc = fixture("no-author.txt");
        assert_eq!(
            doc.title,
            "Study finds coral reefs recover faster when herbivorous fish are protected"
        );
        assert_eq!(day(&doc).as_deref(), Some("2019-03-05"));
        assert!(doc.authors.is_empty());
        assert_eq!(doc.publisher.as_deref(), Some("Science X Network"));
        assert_eq!(
            doc.source.as_deref(),
            Some("https://phys.org/news/2019-03-coral-reefs-recover-faster-herbivorous.html")
        );
        assert_eq!(doc.body.split("\n\n").count(), 3);
    }

    #[test]
    fn two_authors_and_month_dd_comma_yyyy() {
        let doc = fixture("two-authors.txt");
        assert_eq!(day(&doc).as_deref(), Some("2017-11-01"));
        assert_eq!(doc.authors, vec!["Mary Clare Jalonick", "Tali Arbel"]);
        assert_eq!(doc.publisher.as_deref(), Some("The Associated Press"));
        assert!(doc.body.contains("millions of *American* voters"));
        assert!(doc.body.contains("bought by a Russian agency and promised"));
    }

    #[test]
    fn citation_url_without_angle_brackets_and_outlet_after_author() {
        let doc = fixture("citation-plain-url.txt");
        assert_eq!(day(&doc).as_deref(), Some("2020-01-14"));
        assert_eq!(doc.authors, vec!["Ingrid Fadelli"]);
        // The outlet in the dateline is the publisher, ahead of the © line's company.
        assert_eq!(doc.publisher.as_deref(), Some("Tech Xplore"));
        assert_eq!(
            doc.source.as_deref(),
            Some("https://techxplore.com/news/2020-01-battery-minutes.html")
        );
        assert!(doc.body.contains("More information: J. Smith"));
        assert!(!doc.body.contains("Citation"));
    }

    #[test]
    fn pdf_page_markers_are_removed_and_split_paragraphs_joined() {
        let doc = fixture("pdf-export.txt");
        assert_eq!(day(&doc).as_deref(), Some("2022-09-28"));
        assert_eq!(doc.authors, vec!["Jamey Keaten"]);
        assert_eq!(doc.publisher.as_deref(), Some("The Associated Press"));
        assert!(!doc.body.contains("Page "));
        assert!(!doc.body.contains('\x0c'));
        assert!(doc
            .body
            .contains("two long heat waves that began in June and lasted into August."));
        assert_eq!(doc.body.split("\n\n").count(), 3);
    }

    #[test]
    fn provided_by_names_the_publisher() {
        let doc = fixture("provided-by.txt");
        assert_eq!(day(&doc).as_deref(), Some("2021-08-02"));
        assert_eq!(doc.publisher.as_deref(), Some("University of Cambridge"));
        assert!(!doc.body.contains("Explore further"));
        assert!(doc.body.ends_with("the team reports."));
    }

    #[test]
    fn plain_text_keeps_everything_after_the_title() {
        let doc = fixture("plain-note.txt");
        assert_eq!(doc.title, "Reading list for the spring term");
        assert_eq!(doc.date, None);
        assert_eq!(doc.publisher, None);
        assert_eq!(doc.source, None);
        assert!(doc.body.starts_with("Start with the two survey papers"));
        // Not the article layout: no Markdown clean-up, no footer removal.
        assert!(doc.body.contains("\\$cost"));
        assert!(doc.body.ends_with("so use that one."));
    }

    #[test]
    fn plain_text_dateline_gives_a_date() {
        let doc = parse("Meeting notes\n\n11 November 2017\n\nWe met.\n");
        assert_eq!(day(&doc).as_deref(), Some("2017-11-11"));
        assert_eq!(doc.body, "We met.");
    }

    #[test]
    fn long_first_line_is_a_paragraph() {
        let line = "word ".repeat(100);
        let doc = parse(&line);
        assert!(doc.title.ends_with('…'));
        assert!(doc.title.chars().count() <= MAX_TITLE_CHARS + 1);
        assert_eq!(doc.body, line.trim());
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for input in [
            "",
            "\n\n\n",
            "\x0c",
            "Page 1 of 2",
            "©",
            "Citation:",
            "a\r\nb\r\n",
            "by by by",
        ] {
            let _ = parse(input);
        }
    }
}
