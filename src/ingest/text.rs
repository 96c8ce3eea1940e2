//! Plain text, and the layout news sites publish as text (the seed's):
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
//! The title is the first non-empty line; the article rules (`rules.rs`: datelines,
//! bylines, citations, copyright and syndication notices) run on the rest, as for every
//! format. Text exported from a print view or a PDF is cleaned first (`print.rs`: page
//! counters, running headers and footers, paragraphs split by a page break); there the
//! title is the paragraph above the dateline, or the one the printed page title names,
//! and the address printed on every page is the source.

use super::print;
use super::rules;
use crate::ingest::extracted::Extracted;

/// Longest title taken from a first line; a longer first line is a paragraph, not a
/// title, so the title is its beginning and the body keeps the whole line.
const MAX_TITLE_CHARS: usize = 200;

/// Parses a plain-text document.
pub fn parse(text: &str) -> Extracted {
    parse_titled(text, None)
}

/// Parses text whose title is known from elsewhere (a PDF's metadata or its heading):
/// the title's own paragraph, when the text has it near the top, is left out of the
/// body (with what a printed page puts above it); the first line is not taken as the
/// title.
pub(crate) fn parse_titled(text: &str, known_title: Option<&str>) -> Extracted {
    let view = print::clean(text);
    let text = view.as_ref().map_or(text, |v| v.text.as_str());
    let mut paragraphs = rules::split_paragraphs(text);
    if let Some(view) = &view {
        // What comes before the title on a printed page is the site's navigation.
        let start = print_title(&paragraphs, view);
        paragraphs.drain(..start);
        if let (Some(first), Some(title)) = (paragraphs.first_mut(), &view.title) {
            // Navigation run into the title paragraph: the title starts where the
            // printed title does.
            let key: String = title.chars().take(24).collect();
            let joined = first.split_whitespace().collect::<Vec<_>>().join(" ");
            if key.chars().count() >= 10 {
                if let Some(at) = joined.find(&key).filter(|&at| at > 0) {
                    *first = joined[at..].to_string();
                }
            }
        }
    }
    let mut doc = Extracted::default();
    if let Some(title) = known_title {
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let title = words(title);
        // A printed page's navigation can run to dozens of short paragraphs.
        let head = paragraphs.len().min(60);
        if let Some(i) = (0..head).find(|&i| words(&paragraphs[i]).eq_ignore_ascii_case(&title)) {
            paragraphs.drain(..=i);
        }
        doc.title = title;
        return finish(doc, paragraphs, view.as_ref());
    }
    if paragraphs.is_empty() {
        return doc;
    }
    let first = paragraphs.remove(0);

    // Title: the first line (a printed page's title paragraph, whole).
    let (title_line, rest_of_first) = match (first.split_once('\n'), &view) {
        (Some(_), Some(_)) if first.chars().count() <= MAX_TITLE_CHARS => {
            (first.split_whitespace().collect::<Vec<_>>().join(" "), None)
        }
        (Some((t, rest)), _) => (t.trim().to_string(), Some(rest.to_string())),
        (None, _) => (first.trim().to_string(), None),
    };
    let mut body: Vec<String> = Vec::new();
    if title_line.chars().count() > MAX_TITLE_CHARS {
        doc.title = truncate_words(&title_line, MAX_TITLE_CHARS);
        body.push(title_line);
    } else {
        doc.title = title_line;
    }
    body.extend(rest_of_first);
    body.extend(paragraphs);
    finish(doc, body, view.as_ref())
}

/// The article rules on the body's paragraphs, and the printed page's address.
fn finish(mut doc: Extracted, body: Vec<String>, view: Option<&print::PrintView>) -> Extracted {
    let (body, found) = rules::apply(body);
    if found.article {
        doc.title = rules::clean_markdown(&doc.title);
    }
    let printed_url = view
        .and_then(|v| v.url.clone())
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    doc.body = body.join("\n\n");
    rules::merge(&mut doc, found);
    if let Some(url) = printed_url {
        // The page as printed: its address is on every page (a citation's URL may have
        // been broken across lines by the export).
        doc.source = Some(url);
    }
    doc
}

/// Where a printed page's title paragraph is: the one above the dateline, else the one
/// the printed title starts with, else the first.
fn print_title(paragraphs: &[String], view: &print::PrintView) -> usize {
    let head = paragraphs.len().min(12);
    if let Some(i) = (1..head).find(|&i| rules::dateline(&paragraphs[i]).is_some()) {
        return i - 1;
    }
    if let Some(title) = &view.title {
        let title = title.trim_end_matches('…').trim();
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(i) = (0..head).find(|&i| {
            let p = words(&paragraphs[i]);
            p.chars().count() >= 10 && (title.starts_with(&p) || p.starts_with(title))
        }) {
            return i;
        }
    }
    0
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
