//! PDF: the text layer, page by page, cleaned as any printed text is (`print.rs`:
//! running headers and footers, page numbers, paragraphs split by page breaks), words
//! hyphenated at line ends joined, and the article rules run on it, so that a story
//! printed to PDF gives the same article as its web page. Metadata from the document
//! information dictionary and XMP: the title (unless it is a file name such as
//! "Microsoft Word - draft3.doc": then the first page's heading), the authors, the
//! creation date (unless the text carries a dateline), subject and keywords.
//!
//! The text comes from the crate chosen by measurement against poppler's pdftotext
//! (bench/RESULTS.md, "PDF text"), run on a thread of its own with a time limit: a
//! runaway file fails alone, and a panic in the crate becomes a failed file.

use std::sync::mpsc;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;

use crate::date::{parse_date, DocDate};
use crate::ingest::extracted::{Extracted, Rule};

/// The longest one PDF may take to give its text.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// `TIME_LIMIT`, or in debug builds the `TROVE_TEST_PDF_LIMIT_MS` environment
/// variable's milliseconds: a test hook, so tests can see a PDF run over its time.
fn time_limit() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("TROVE_TEST_PDF_LIMIT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Duration::from_millis(ms);
    }
    TIME_LIMIT
}

/// A browser's name in a PDF's Creator or Producer: Chromium and Chrome (`Skia/PDF`,
/// `HeadlessChrome`), Firefox (`cairo`, `Mozilla`), Safari and other WebKit browsers.
static BROWSER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:skia/pdf|chrom(?:e|ium)|mozilla|firefox|gecko|cairo|webkit|safari|edg)")
        .expect("valid regex")
});

/// The PDF reader's thread stack.
const STACK: usize = 256 << 20;

/// Titles that name a file or a template, not a document.
static FILE_LIKE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:microsoft\s+(?:word|powerpoint|excel)\s+-\s+.*|.*\.(?:docx?|pdf|tex|dvi|ps|rtf|odt|txt|indd|pptx?|xlsx?|html?)|untitled(?:\s*\d+)?|document\s*\d*|slide\s*\d+|title|no title|\W*)$",
    )
    .expect("valid regex")
});

pub use super::pdf_text::{Pdf, Problem};

/// One document from the bytes of a PDF file named `file_name` (a title that is only
/// the file's own name is no title).
pub fn parse(bytes: &[u8], file_name: &str) -> Result<Extracted, Problem> {
    match super::pdf_nesting::check(bytes) {
        Ok(()) => {}
        Err(super::pdf_nesting::TooDeep::Nesting) => {
            return Err(Problem::Unreadable(format!(
                "objects nested more than {} deep",
                super::pdf_nesting::MAX_DEPTH
            )))
        }
        Err(super::pdf_nesting::TooDeep::Inflated) => {
            return Err(Problem::Unreadable(
                "a page's contents inflate past 64 MiB".into(),
            ))
        }
    }
    let pdf = extract_with_limit(bytes.to_vec(), time_limit())?;
    if pdf.pages.iter().all(|p| p.trim().is_empty()) {
        return Err(Problem::NoText);
    }
    Ok(document(pdf, file_name))
}

/// The text extraction on a thread of its own: an answer within `limit`, or none. A
/// thread that runs over is left to finish on its own (a thread cannot be stopped);
/// its result is dropped.
fn extract_with_limit(bytes: Vec<u8>, limit: Duration) -> Result<Pdf, Problem> {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("trove-pdf".into())
        // The reader recurses per level of nesting (bounded by `pdf_nesting` first);
        // the stack is reserved, not used, until it is needed.
        .stack_size(STACK)
        .spawn(move || {
            // Guarded: a panic is this file's error, reported quietly.
            let result = crate::guard::catch(|| super::pdf_text::extract(&bytes));
            let _ = tx.send(result);
        });
    if spawned.is_err() {
        return Err(Problem::Unreadable(
            "cannot start a thread to read it".into(),
        ));
    }
    match rx.recv_timeout(limit) {
        Ok(Ok(result)) => result,
        Ok(Err(message)) => Err(Problem::Unreadable(format!(
            "the PDF library crashed ({message})"
        ))),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(Problem::TooSlow(limit)),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(Problem::Unreadable("the PDF library stopped".into()))
        }
    }
}

/// The article a PDF's text and metadata give.
fn document(pdf: Pdf, file_name: &str) -> Extracted {
    let xmp = pdf.xmp.as_deref().map(xmp_fields).unwrap_or_default();
    let meta_title = pdf
        .title
        .as_deref()
        .or(xmp.title.as_deref())
        .map(squeeze)
        .filter(|t| !FILE_LIKE_TITLE.is_match(t) && !names_the_file(t, file_name));
    let authors: Vec<String> = pdf
        .author
        .as_deref()
        .or(xmp.creator.as_deref())
        .map(|a| {
            a.split([';', ','])
                .flat_map(|p| p.split(" and "))
                .map(squeeze)
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let heading = pdf.heading.as_deref().map(squeeze);
    // A web page printed to PDF: the text says its address (printed on every page, or a
    // citation line). Its Title is the page's <title>, with the site's name; its
    // CreationDate is when it was printed, not published.
    let by_browser = [pdf.creator.as_deref(), pdf.producer.as_deref()]
        .into_iter()
        .flatten()
        .any(|p| BROWSER.is_match(p));
    // A browser's print keeps its pages as they are (no title block is taken): its text
    // and the text's own reading are made once, here, and used again below.
    let printed = by_browser.then(|| {
        let text = join_hyphenated(&pdf.pages.join("\x0c"));
        let own = super::text::parse(&text);
        (text, own)
    });
    // The address the browser printed on every page (http, https, or file: a saved
    // page), else a citation's web address.
    let web_address = printed.as_ref().and_then(|(text, own)| {
        super::print::clean(text)
            .and_then(|view| view.url)
            .or_else(|| {
                own.source
                    .clone()
                    .filter(|s| s.starts_with("http://") || s.starts_with("https://"))
            })
    });
    let meta_title = meta_title.map(|t| {
        let h1s: Vec<String> = heading.iter().cloned().collect();
        if !by_browser {
            // Any other PDF: a part after a separator goes only when the first page's
            // heading is the rest.
            return super::html::strip_title_tag(&t, &[], true, &h1s);
        }
        // The page's heading, when the <title> is it and more ("Headline - Section -
        // Site"); else the <title> without the site's name (none known for file://).
        if let Some(h) = heading.as_deref().filter(|h| heads(&t, h)) {
            return h.to_string();
        }
        let sites: Vec<String> = web_address
            .as_deref()
            .and_then(super::html::domain_label)
            .into_iter()
            .collect();
        super::html::strip_title_tag(&t, &sites, false, &h1s)
    });
    let title = meta_title.clone().or_else(|| heading.clone());

    // The title block on the first page (title, authors, date) is fields, not text.
    let mut pages = pdf.pages;
    let mut block_date = None;
    // (A printed web page has none: what stands above its headline is the site's
    // navigation, which the print-view rules leave out with the headline.)
    if let Some(first) = pages.first_mut().filter(|_| !by_browser) {
        let block = take_title_block(first, title.as_deref(), &authors);
        *first = block.rest;
        block_date = block.date;
    }
    // The text's own reading (a printed web page: the headline above its dateline) when
    // the metadata title is that headline with the site after it ("... - Phys.org").
    let (text, own) = printed.unwrap_or_else(|| {
        let text = join_hyphenated(&pages.join("\x0c"));
        let own = super::text::parse(&text);
        (text, own)
    });
    let own_title = squeeze(&own.title).to_lowercase();
    let headline_of =
        |t: &str| own_title.chars().count() >= 10 && t.to_lowercase().starts_with(&own_title);
    let mut doc = match &title {
        Some(t) if !headline_of(t) => super::text::parse_titled(&text, Some(t)),
        _ => own,
    };
    if meta_title
        .as_deref()
        .is_some_and(|t| squeeze(t) == doc.title)
    {
        doc.provenance.title = Some(Rule::new("pdf", "document information Title"));
    } else if heading.as_deref().is_some_and(|h| squeeze(h) == doc.title) {
        doc.provenance.title = Some(Rule::new("pdf", "largest type on the first page"));
    }
    if !authors.is_empty() {
        doc.authors = authors;
        doc.provenance.author = Some(Rule::new("pdf", "document information Author"));
    }
    // A dateline in the text, else the date under the title, else the creation date.
    if doc.date.is_none() {
        if let Some(date) = block_date {
            doc.date = Some(date);
            doc.provenance.date = Some(Rule::new("pdf", "date line under the title"));
        }
    }
    if doc.date.is_none() && by_browser {
        // The first date in the text under the headline, up to the day it was printed.
        let printed = pdf.creation_date.as_deref().and_then(pdf_date);
        let bounds = printed.map_or_else(super::webdate::Bounds::today, |d| {
            super::webdate::Bounds::until(d.local_day())
        });
        let head: String = doc.body.chars().take(3000).collect();
        if let Some((date, _)) = super::webdate::dates_in(&head, "")
            .into_iter()
            .find(|(d, _)| bounds.allows(d))
        {
            doc.date = Some(date);
            doc.provenance.date = Some(Rule::new(
                "pdf",
                "first date under the printed page's headline",
            ));
        }
    }
    if doc.date.is_none() && !by_browser {
        let created = pdf
            .creation_date
            .as_deref()
            .and_then(pdf_date)
            .or_else(|| xmp.created.as_deref().and_then(parse_date));
        if let Some(date) = created {
            doc.date = Some(date);
            doc.provenance.date = Some(Rule::new("pdf", "CreationDate"));
        }
    }
    doc.body = super::office::drop_title_block(&doc.body, &doc);
    let keywords = pdf
        .keywords
        .as_deref()
        .into_iter()
        .chain(pdf.subject.as_deref());
    for k in keywords.flat_map(|k| k.split([',', ';'])) {
        let k = squeeze(k);
        if !k.is_empty() && !doc.tags.contains(&k) {
            doc.tags.push(k);
        }
    }
    doc
}

/// `title` is `heading` (10 characters or more, in any case) and then a separator and
/// more: `Headline - Section - Site` for `Headline`.
fn heads(title: &str, heading: &str) -> bool {
    let n = heading.chars().count();
    let Some(end) = title.char_indices().nth(n).map(|(i, _)| i) else {
        return false;
    };
    n >= 10
        && title[..end].to_lowercase() == heading.to_lowercase()
        && super::html::TITLE_SEP
            .find(&title[end..])
            .is_some_and(|m| m.start() == 0)
}

/// `hyphenation-distribution` in `hyphenation-distribution.pdf`: the title TeX and
/// other tools write when none was given is the file's name without its extension.
fn names_the_file(title: &str, file_name: &str) -> bool {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let title = key(title);
    !title.is_empty() && title == key(stem)
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first page without its title block, and the date the block showed.
struct TitleBlock {
    rest: String,
    date: Option<DocDate>,
}

/// How many of the first page's non-empty lines the title block can reach: the text
/// layer may put its date or author line after the first line of the body.
const BLOCK_LINES: usize = 8;

/// Takes the title (possibly wrapped over lines), author lines and a lone date line
/// from the top of the first page. Where a line left a sentence open across the gap
/// (`reached` / `out to`), the two halves are put back together.
fn take_title_block(page: &str, title: Option<&str>, authors: &[String]) -> TitleBlock {
    let lines: Vec<&str> = page.lines().collect();
    let near: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .take(BLOCK_LINES)
        .collect();
    let mut gone = vec![false; lines.len()];
    let lower = |s: &str| squeeze(s).to_lowercase();
    if let Some(title) = title.map(lower).filter(|t| !t.is_empty()) {
        'start: for start in 0..near.len() {
            let mut joined = String::new();
            for (k, &i) in near.iter().enumerate().skip(start) {
                if !joined.is_empty() {
                    joined.push(' ');
                }
                joined.push_str(&lower(lines[i]));
                if joined == title {
                    for &j in &near[start..=k] {
                        gone[j] = true;
                    }
                    break 'start;
                }
                if !title.starts_with(&joined) {
                    break;
                }
            }
        }
    }
    let names: Vec<String> = authors.iter().map(|a| lower(a)).collect();
    // The authors on one line: "A, B", "A and B", "A & B", "A, B and C".
    let mut all_names = vec![names.join(", "), names.join(" and "), names.join(" & ")];
    if let Some((last, others)) = names.split_last().filter(|(_, o)| o.len() > 1) {
        all_names.push(format!("{} and {last}", others.join(", ")));
    }
    let mut date = None;
    for &i in &near {
        if gone[i] {
            continue;
        }
        let line = lower(lines[i]);
        let line = line.strip_prefix("by ").unwrap_or(&line);
        if !names.is_empty()
            && (names.iter().any(|n| n == line) || all_names.iter().any(|n| n == line))
        {
            gone[i] = true;
        } else if date.is_none()
            && line.chars().count() <= 40
            && line.chars().filter(char::is_ascii_digit).count() >= 4
        {
            if let Some(d) = crate::date::parse_date_exact(lines[i]) {
                date = Some(d);
                gone[i] = true;
            }
        }
    }
    if !gone.iter().any(|g| *g) {
        return TitleBlock {
            rest: page.to_string(),
            date,
        };
    }
    // Kept lines; a removed line between an open sentence and its lowercase continuation
    // closes the gap (the blank lines around it go too).
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if !gone[i] {
            out.push(lines[i]);
            i += 1;
            continue;
        }
        let mut j = i;
        while j < lines.len() && (gone[j] || lines[j].trim().is_empty()) {
            j += 1;
        }
        let open = out
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| {
                !l.trim_end()
                    .ends_with(['.', '!', '?', ':', '"', '\u{201d}'])
            });
        let continues = lines
            .get(j)
            .and_then(|l| l.trim_start().chars().next())
            .is_some_and(char::is_lowercase);
        if open && continues {
            while out.last().is_some_and(|l| l.trim().is_empty()) {
                out.pop();
            }
        } else if out.last().is_some_and(|l| !l.trim().is_empty()) {
            out.push("");
        }
        i = j;
    }
    TitleBlock {
        rest: out.join("\n"),
        date,
    }
}

/// `infor-` at a line's end and `mation` at the next line's start: one word again.
/// Only a lowercase letter before the hyphen and after the break (`e-` / `mail` stays
/// apart when it starts a capital; a dash between words has spaces).
fn join_hyphenated(text: &str) -> String {
    static HYPHEN_BREAK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(\p{Ll})-\n[ \t]*(\p{Ll})").expect("valid regex"));
    HYPHEN_BREAK.replace_all(text, "$1$2").into_owned()
}

/// A PDF date (`D:20171111120000Z`, `D:20171111120000+01'00'`, `D:2017`) as a date.
pub fn pdf_date(raw: &str) -> Option<DocDate> {
    let s = raw.trim().trim_start_matches("D:");
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let rest = &s[digits.len()..];
    let part = |a: usize, b: usize| digits.get(a..b);
    let year = part(0, 4)?;
    let month = part(4, 6).unwrap_or("01");
    let day = part(6, 8).unwrap_or("01");
    if digits.len() < 14 {
        // A day (or less): no time of day stated.
        return parse_date(&format!("{year}-{month}-{day}"));
    }
    let (hour, minute, second) = (part(8, 10)?, part(10, 12)?, part(12, 14)?);
    let zone = match rest.chars().next() {
        Some('Z') => "Z".to_string(),
        Some(sign @ ('+' | '-')) => {
            let z: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            let hh = z.get(0..2).unwrap_or("00");
            let mm = z.get(2..4).unwrap_or("00");
            format!("{sign}{hh}:{mm}")
        }
        // No zone: local time of an unknown place, taken as UTC.
        _ => "Z".to_string(),
    };
    parse_date(&format!(
        "{year}-{month}-{day}T{hour}:{minute}:{second}{zone}"
    ))
}

/// What an XMP packet says (`dc:title`, `dc:creator`, `xmp:CreateDate`).
#[derive(Debug, Default)]
struct Xmp {
    title: Option<String>,
    creator: Option<String>,
    created: Option<String>,
}

fn xmp_fields(xml: &str) -> Xmp {
    // The first text under each element: XMP wraps values in rdf:Alt/rdf:Seq/rdf:li.
    let first = |tag: &str| -> Option<String> {
        let start = xml.find(&format!("<{tag}"))?;
        let after = &xml[start..];
        let end = after.find(&format!("</{tag}>"))?;
        let inner = &after[..end];
        let mut text = String::new();
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    text.push(' ');
                }
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let value = squeeze(&html_escape::decode_html_entities(&text));
        (!value.is_empty()).then_some(value)
    };
    Xmp {
        title: first("dc:title"),
        creator: first("dc:creator"),
        created: first("xmp:CreateDate"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates() {
        let day = |s: &str| pdf_date(s).map(crate::date::format_date);
        assert_eq!(
            day("D:20171111120000Z").as_deref(),
            Some("2017-11-11T12:00:00Z")
        );
        assert_eq!(
            day("D:20171111120000+01'00'").as_deref(),
            Some("2017-11-11T12:00:00+01:00")
        );
        assert_eq!(day("D:20171111").as_deref(), Some("2017-11-11"));
        assert_eq!(day("D:2017").as_deref(), Some("2017-01-01"));
        assert_eq!(day("garbage"), None);
        assert_eq!(day("D:"), None);
    }

    /// A page as Chromium prints it: the print time and <title> at the top, the
    /// address and page counter at the foot of every page.
    fn printed(pages: &[&str]) -> Vec<String> {
        let n = pages.len();
        pages
            .iter()
            .enumerate()
            .map(|(i, body)| {
                format!(
                    "12/2/26, 4:26 AM Der Turm der Wünsche – Zoo Berlin\n\n{body}\n\n\
                     https://www.zoo-berlin.de/de/aktuelles/der-turm {}/{n}",
                    i + 1
                )
            })
            .collect()
    }

    #[test]
    fn a_printed_web_page_has_its_headline_and_its_own_date() {
        let pdf = Pdf {
            pages: printed(&[
                "Zoo Berlin\n\nTiere\nBesuch\n\nDer Turm der Wünsche\n\n21.01.2022\n\nDie Giraffen im Zoo \
                 bekommen ein neues Haus, das höher ist als alles zuvor.",
                "Im Frühjahr ziehen sie ein. Bis dahin wird gebaut.",
            ]),
            heading: Some("Der Turm der Wünsche".into()),
            title: Some("Der Turm der Wünsche – Zoo Berlin".into()),
            creation_date: Some("D:20261202042600Z".into()),
            producer: Some("Skia/PDF m156".into()),
            ..Pdf::default()
        };
        let doc = document(pdf, "print.pdf");
        assert_eq!(doc.title, "Der Turm der Wünsche");
        assert_eq!(
            doc.source.as_deref(),
            Some("https://www.zoo-berlin.de/de/aktuelles/der-turm")
        );
        // The day on the page, not the day it was printed.
        assert_eq!(
            doc.date.map(crate::date::format_date).as_deref(),
            Some("2022-01-21")
        );
        assert!(
            doc.body.starts_with("21.01.2022") || doc.body.starts_with("Die Giraffen"),
            "{}",
            doc.body
        );
        // A PDF that is no web page keeps a title with a dash, and its creation date.
        let pdf = Pdf {
            pages: vec!["Plain report text. Nothing printed around it.".into()],
            title: Some("Annual report – Part two".into()),
            creation_date: Some("D:20190305120000Z".into()),
            ..Pdf::default()
        };
        let doc = document(pdf, "report.pdf");
        assert_eq!(doc.title, "Annual report – Part two");
        assert_eq!(
            doc.date.map(crate::date::format_date).as_deref(),
            Some("2019-03-05T12:00:00Z")
        );
    }

    #[test]
    fn a_heading_heads_a_title_in_any_case_and_script() {
        assert!(heads(
            "Der Turm der Wünsche – Zoo Berlin",
            "Der Turm der Wünsche"
        ));
        assert!(heads("ÉCOLE DES BEAUX-ARTS | Site", "école des beaux-arts"));
        // Letters whose lower case is longer (İ): no panic, whatever the answer.
        let _ = heads("İSTANBUL HABERLERİ | Site", "istanbul haberleri");
        let _ = heads("istanbul haberleri | Site", "İSTANBUL HABERLERİ");
        assert!(!heads("Der Turm der Wünsche", "Der Turm der Wünsche"));
        assert!(!heads(
            "Der Turm der Wünschelrute - X",
            "Der Turm der Wünsche"
        ));
        assert!(!heads("Short - X", "Short"));
        assert!(!heads("", "Der Turm der Wünsche"));
    }

    #[test]
    fn the_files_own_name_is_not_a_title() {
        assert!(names_the_file(
            "hyphenation-distribution",
            "hyphenation-distribution.pdf"
        ));
        assert!(names_the_file("Report_2019 Final", "report-2019-final.pdf"));
        assert!(names_the_file("Über Straße", "über_straße.pdf"));
        assert!(!names_the_file("Annual report", "report.pdf"));
        assert!(!names_the_file("", "x.pdf"));
        assert!(!names_the_file("-", "-.pdf"));
    }

    #[test]
    fn file_names_are_not_titles() {
        for t in [
            "Microsoft Word - draft3.doc",
            "report.pdf",
            "Untitled",
            "untitled 2",
            "Document1",
            "main.tex",
            "",
        ] {
            assert!(FILE_LIKE_TITLE.is_match(t), "{t}");
        }
        for t in [
            "Data firm CEO: Reached out to WikiLeaks",
            "Über die Straße",
            "東京の話",
        ] {
            assert!(!FILE_LIKE_TITLE.is_match(t), "{t}");
        }
    }

    #[test]
    fn the_title_block_goes_wherever_the_text_layer_put_its_lines() {
        // pdfTeX's centred block, its date line read after the body's first line.
        let page = "Data firm CEO: Reached out\nto WikiLeaks about Clinton emails\n\nChad Day\n\n\
            A data firm that worked for the campaign reached\n\n2017-11-11\n\n\nout to WikiLeaks.\n\nSecond paragraph.";
        let block = take_title_block(
            page,
            Some("Data firm CEO: Reached out to WikiLeaks about Clinton emails"),
            &["Chad Day".to_string()],
        );
        assert_eq!(
            block.rest,
            "A data firm that worked for the campaign reached\nout to WikiLeaks.\n\nSecond paragraph."
        );
        assert_eq!(
            block.date.map(crate::date::format_date).as_deref(),
            Some("2017-11-11")
        );
        // Two authors on one line; a title in another script; a closed sentence keeps
        // its paragraph break.
        let page = "Η Ιστορία της Πόλης\nMaría Núñez and Zoë Brontë\nΠρώτη πρόταση.\n3 March 2005\nΔεύτερη.";
        let authors = ["María Núñez".to_string(), "Zoë Brontë".to_string()];
        let block = take_title_block(page, Some("Η Ιστορία της Πόλης"), &authors);
        assert_eq!(block.rest, "Πρώτη πρόταση.\n\nΔεύτερη.");
        assert_eq!(
            block.date.map(crate::date::format_date).as_deref(),
            Some("2005-03-03")
        );
        // Nothing to take: the page as it was.
        let page = "Just text.\nMore text.";
        assert_eq!(take_title_block(page, Some("Other"), &[]).rest, page);
    }

    proptest::proptest! {
        #[test]
        fn the_title_block_only_removes_lines(
            page in "(?s)\\PC{0,300}",
            title in "\\PC{0,40}",
            author in "\\PC{0,20}",
        ) {
            let lines: Vec<&str> = page.lines().collect();
            let block = take_title_block(&page, Some(&title), &[author]);
            for line in block.rest.lines() {
                proptest::prop_assert!(line.is_empty() || lines.contains(&line), "{:?}", line);
            }
            let _ = join_hyphenated(&page);
        }
    }

    #[test]
    fn hyphens_at_line_ends_join_in_any_script() {
        assert_eq!(join_hyphenated("infor-\nmation"), "information");
        assert_eq!(join_hyphenated("straß-\nenbahn"), "straßenbahn");
        assert_eq!(join_hyphenated("well-\nKnown"), "well-\nKnown");
        assert_eq!(join_hyphenated("1990-\n2000"), "1990-\n2000");
    }
}
