//! The article rules: what a news story carries around its text, recognised in the body
//! of every format (plain text, Markdown, HTML, e-mail, JSON), so the same story gives
//! the same article however it was saved.
//!
//! - **Dateline or byline** in the first paragraphs: `November 11 2017, by Chad Day`,
//!   `İstanbul, 3 March 2019 by Ömer Kaya`, `By Mary Clare Jalonick and Tali Arbel`,
//!   `Published: 11 Nov 2017`: the date and the authors (and an outlet after them,
//!   `by Ingrid Fadelli, Tech Xplore`); the paragraph leaves the body.
//! - **Footer**: from the first footer paragraph near the end on, nothing is body.
//!   Footer paragraphs: a citation (`Citation: TITLE (DATE) retrieved ... from URL`: the
//!   source, and a date), a copyright line (`© 2017 The Associated Press. All rights
//!   reserved.`: the publisher), `Provided by X` (the publisher), syndication and reuse
//!   notices (`This document is subject to copyright...`, `This article is republished
//!   from The Conversation...`, `Distributed by Tribune Content Agency`), `Explore
//!   further` blocks. "Near the end": only short paragraphs follow it.
//! - **Print views**: text exported from a browser's print view or a PDF (`print.rs`)
//!   has its page counters, running headers and footers and generator lines removed, and
//!   the paragraphs a page break split joined, before these rules run.
//!
//! Matching is done on the text itself with case-insensitive patterns: never with
//! offsets found in a lowercased copy (Turkish `İ` and German `ẞ` change length).

use std::sync::LazyLock;

use regex::Regex;

use crate::date::{parse_date, parse_date_exact, DocDate};
use crate::ingest::extracted::{Extracted, Rule};

/// What the rules found in a document's text.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Found {
    pub date: Option<DocDate>,
    /// Which rule gave the date: `dateline` or `citation`.
    pub date_rule: &'static str,
    pub authors: Vec<String>,
    /// From the dateline's outlet, a copyright line or `Provided by`.
    pub publisher: Option<String>,
    /// A citation's URL.
    pub source: Option<String>,
    /// The title a citation names.
    pub citation_title: Option<String>,
    /// A dateline, byline or citation was found: the text is laid out as an article.
    pub article: bool,
    pub warnings: Vec<String>,
}

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
/// Notices that a story was syndicated, republished or may not be reused.
static NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:this (?:document|article|story|material|content) (?:is subject to copyright|was (?:originally )?published|is republished|may not be|has been published)|(?:this|the) article (?:first appeared|is reproduced)|republished (?:with permission|from|under)|reprinted (?:with permission|from)|distributed by |originally published (?:by|in|on|at) |read the original article|this material may not be published|all rights reserved\.?$)",
    )
    .expect("valid regex")
});
/// `by` before the authors in a dateline, any case, on the original text.
static BY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:^|[\s,;|–—-])by\s+").expect("valid regex"));
static AUTHOR_SPLIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*(?:,\s*and\s+|\s+and\s+|\s*&\s*|\s*,\s*|\s*\|\s*)").expect("valid regex")
});
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:published|posted|posted on|updated|date)\s*:?\s+(?:on\s+)?")
        .expect("valid regex")
});
static MD_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!?\[([^\]\n]*)\]\([^)\n]*\)").expect("valid regex"));
static MD_ESCAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\\([!-/:-@\[-`{-~])").expect("valid regex"));

/// Outlets that follow the author in Science X datelines (`by Ingrid Fadelli, Tech Xplore`).
const KNOWN_OUTLETS: [&str; 4] = ["Phys.org", "Medical Xpress", "Tech Xplore", "Science X"];

/// Longest paragraph a dateline, byline or footer line can be.
const MAX_LINE_CHARS: usize = 300;

/// What the rules make of a document's paragraphs: those to drop at the top (a
/// dateline, a byline), where the footer starts, and what was found.
struct Reading {
    head: Vec<usize>,
    footer: usize,
    found: Found,
}

fn read(paras: &[&str]) -> Reading {
    let mut found = Found::default();
    // Dateline or byline: the first paragraph, or the second after a one-line lead
    // (a subtitle); a date and a byline on two lines are both taken.
    let mut head = Vec::new();
    for (i, para) in paras.iter().enumerate().take(3) {
        let Some(line) = dateline(para) else {
            continue;
        };
        if found.date.is_none() {
            found.date = line.date;
            found.date_rule = "dateline";
        }
        if found.authors.is_empty() {
            found.authors = line.authors;
        }
        if found.publisher.is_none() {
            found.publisher = line.outlet;
        }
        found.article = true;
        head.push(i);
        if found.date.is_some() && !found.authors.is_empty() {
            break;
        }
    }

    let footer = footer_start(paras).max(head.last().map_or(0, |i| i + 1));
    let mut provided_by = None;
    let mut holder = None;
    for para in &paras[footer..] {
        let p = para.trim();
        if let Some(c) = CITATION.captures(p) {
            found.article = true;
            found.source.get_or_insert_with(|| c["url"].to_string());
            if found.date.is_none() {
                found.date = parse_date(&c["date"]);
                found.date_rule = "citation";
                if found.date.is_none() {
                    found
                        .warnings
                        .push(format!("unparseable date {:?} in citation", &c["date"]));
                }
            }
            let title = one_line(&c["title"]);
            if !title.is_empty() {
                found.citation_title.get_or_insert(title);
            }
        } else if let Some(h) = copyright_holder(p) {
            holder.get_or_insert(h);
        } else if let Some(by) = strip_prefix_ci(p, "Provided by ") {
            provided_by.get_or_insert_with(|| by.trim().trim_end_matches('.').to_string());
        }
    }
    if found.publisher.is_none() && found.article {
        found.publisher = holder.or(provided_by);
    }
    Reading {
        head,
        footer,
        found,
    }
}

/// Applies the rules to the paragraphs of a document's body (its title already taken):
/// returns the body's paragraphs and what was found. In a text laid out as an article,
/// Markdown links and escapes left in the text are undone.
pub fn apply(paragraphs: Vec<String>) -> (Vec<String>, Found) {
    let mut paras = paragraphs;
    paras.retain(|p| !p.trim().is_empty());
    let reading = {
        let refs: Vec<&str> = paras.iter().map(String::as_str).collect();
        read(&refs)
    };
    paras.truncate(reading.footer);
    for i in reading.head.into_iter().rev() {
        paras.remove(i);
    }
    if reading.found.article {
        for para in &mut paras {
            *para = clean_markdown(para);
        }
    }
    (paras, reading.found)
}

/// Puts what the rules found into `doc` where the format's own metadata said nothing.
pub fn merge(doc: &mut Extracted, found: Found) {
    if doc.date.is_none() && found.date.is_some() {
        doc.date = found.date;
        doc.provenance.date = Some(Rule::new("article rules", found.date_rule));
    }
    if doc.authors.is_empty() && !found.authors.is_empty() {
        doc.authors = found.authors;
        doc.provenance.author = Some(Rule::new("article rules", "byline"));
    }
    if doc.publisher.is_none() {
        doc.publisher = found.publisher;
    }
    if doc.source.is_none() {
        doc.source = found.source;
    }
    if doc.title.trim().is_empty() {
        if let Some(t) = found.citation_title {
            doc.title = t;
            doc.provenance.title = Some(Rule::new("article rules", "citation"));
        }
    }
    doc.warnings.extend(found.warnings);
}

/// The rules over `doc.body` (paragraphs between blank lines), for formats whose body
/// comes as one text (Markdown, HTML, JSON). The body is rebuilt only when something
/// leaves it.
pub fn apply_to_body(doc: &mut Extracted) {
    apply_to(doc, true)
}

/// The rules over a message's body: a dateline or byline there is read (for what the
/// headers do not say) but stays in the text, which is the sender's own.
pub fn apply_to_message(doc: &mut Extracted) {
    apply_to(doc, false)
}

fn apply_to(doc: &mut Extracted, strip_head: bool) {
    let ranges = paragraph_ranges(&doc.body);
    let mut reading = {
        let paras: Vec<&str> = ranges.iter().map(|r| &doc.body[r.clone()]).collect();
        read(&paras)
    };
    if !strip_head {
        reading.head.clear();
    }
    if !reading.head.is_empty() || reading.footer < ranges.len() {
        let kept: Vec<&str> = ranges[..reading.footer]
            .iter()
            .enumerate()
            .filter(|(i, _)| !reading.head.contains(i))
            .map(|(_, r)| &doc.body[r.clone()])
            .collect();
        doc.body = kept.join("\n\n");
    }
    merge(doc, reading.found);
}

/// Byte ranges of the paragraphs of `text` (between blank lines), trimmed.
fn paragraph_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some(s) = start.take() {
                ranges.push(s..end);
            }
        } else {
            let lead = line.len() - line.trim_start().len();
            if start.is_none() {
                start = Some(offset + lead);
            }
            end = offset + lead + trimmed.len();
        }
        offset += line.len();
    }
    if let Some(s) = start {
        ranges.push(s..end);
    }
    ranges
}

/// Paragraphs between blank lines, lines trimmed.
pub fn split_paragraphs(text: &str) -> Vec<String> {
    let mut paras = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paras.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        paras.push(current);
    }
    paras
}

/// Where the footer starts: the first footer paragraph after which only footer
/// paragraphs and short ones follow (related links, a company's name).
fn footer_start(paras: &[&str]) -> usize {
    let mut start = paras.len();
    for i in (0..paras.len()).rev() {
        let p = paras[i].trim();
        if is_footer(p) {
            start = i;
        } else if p.chars().count() > 200 {
            break;
        }
    }
    start
}

/// A paragraph that belongs to an article's footer.
pub fn is_footer(para: &str) -> bool {
    let p = para.trim();
    CITATION.is_match(p)
        || copyright_holder(p).is_some()
        || (p.chars().count() < 600 && NOTICE.is_match(p))
        || (strip_prefix_ci(p, "Provided by ").is_some() && p.chars().count() < 200)
        || (strip_prefix_ci(p, "Explore further").is_some() && p.chars().count() < 400)
}

/// The holder named in a short copyright line (`© 2017 The Associated Press. All rights
/// reserved.` -> `The Associated Press`).
pub fn copyright_holder(para: &str) -> Option<String> {
    if para.chars().count() > 200 || para.contains('\n') {
        return None;
    }
    let looks_like = para.starts_with('©')
        || strip_prefix_ci(para, "(c)").is_some()
        || (strip_prefix_ci(para, "copyright").is_some()
            && para.chars().any(|c| c.is_ascii_digit() || c == '©'));
    if !looks_like {
        return None;
    }
    let holder = COPYRIGHT.captures(para)?.name("holder")?.as_str().trim();
    // `© Phys.org 2003 - 2024 powered by Science X Network`: a site's own line; its
    // name is the holder.
    let holder = holder
        .split(" powered by ")
        .next()
        .unwrap_or(holder)
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ' || c == '-' || c == '–')
        .trim();
    // `Reuters. All rights reserved. This material...`: the first sentence.
    let holder = holder
        .split(". ")
        .next()
        .unwrap_or(holder)
        .trim_end_matches('.');
    // A name, not a sentence: `Copyright 2023 is when the edition came out` is not a
    // copyright line.
    let words: Vec<&str> = holder.split_whitespace().collect();
    let name_like = holder
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        && words.len() <= 8
        && !holder.contains([';', '!', '?']);
    (name_like && !holder.is_empty()).then(|| holder.to_string())
}

/// `text` without `prefix`, compared without regard to case (on the text itself).
fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let mut chars = text.char_indices();
    for p in prefix.chars() {
        let (_, c) = chars.next()?;
        if !c.to_lowercase().eq(p.to_lowercase()) {
            return None;
        }
    }
    Some(chars.next().map_or("", |(i, _)| &text[i..]))
}

/// A dateline or byline: its date, its authors, and an outlet after them.
#[derive(Debug, Default, PartialEq)]
pub struct Dateline {
    pub date: Option<DocDate>,
    pub authors: Vec<String>,
    pub outlet: Option<String>,
}

/// Reads a dateline or byline paragraph: `November 11 2017, by Chad Day`, `İstanbul, 3
/// March 2019 by Ömer Kaya`, `By Chad Day`, `Published: 11 Nov 2017`. `None` when the
/// paragraph is not one.
pub fn dateline(para: &str) -> Option<Dateline> {
    let para = para.trim();
    if para.contains('\n') || para.chars().count() > MAX_LINE_CHARS || para.is_empty() {
        return None;
    }
    let (date_part, by_part) = match BY.find(para) {
        // `By Chad Day`: a byline with no date before it.
        Some(m) if m.start() == 0 => ("", Some(&para[m.end()..])),
        Some(m) => (&para[..m.start()], Some(&para[m.end()..])),
        None => (para, None),
    };
    let date_part = date_part
        .trim()
        .trim_end_matches([',', ';', '-', '|', '–', '—'])
        .trim();
    let date = if date_part.is_empty() {
        None
    } else {
        Some(date_in(date_part)?)
    };
    let mut line = Dateline {
        date,
        ..Dateline::default()
    };
    if let Some(by) = by_part {
        let (authors, outlet) = authors(by)?;
        line.authors = authors;
        line.outlet = outlet;
    }
    (line.date.is_some() || !line.authors.is_empty()).then_some(line)
}

/// A date, alone or after a place (`İstanbul, 3 March 2019`) or a word like
/// `Published:`.
fn date_in(text: &str) -> Option<DocDate> {
    let text = PUBLISHED
        .find(text)
        .map_or(text, |m| &text[m.end()..])
        .trim();
    if let Some(d) = parse_date_exact(text) {
        return Some(d);
    }
    // A place first: `İstanbul, 3 March 2019`, `WASHINGTON, Nov. 11, 2017`.
    let (place, rest) = text.split_once(',')?;
    let place_like = !place.is_empty()
        && place.chars().count() <= 40
        && place
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '.' || c == '-')
        && place
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() && !c.is_lowercase());
    if place_like {
        parse_date_exact(rest.trim())
    } else {
        None
    }
}

/// The names after `by`, and an outlet named last (`Ingrid Fadelli, Tech Xplore`).
/// `None` when what follows does not look like names (`by the river we met`).
fn authors(by: &str) -> Option<(Vec<String>, Option<String>)> {
    let names: Vec<&str> = AUTHOR_SPLIT
        .split(by.trim().trim_end_matches('.'))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return None;
    }
    let mut authors = Vec::new();
    let mut outlet = None;
    for (i, name) in names.iter().enumerate() {
        let last = i + 1 == names.len() && i > 0;
        // `by Bob Yirka, Phys.org` or `by Jane Doe, The Conversation`: the outlet.
        let site_like = !name.contains(' ') && name.contains('.');
        if last && (site_like || name.starts_with("The ") || KNOWN_OUTLETS.contains(name)) {
            outlet = Some(name.to_string());
            continue;
        }
        if !looks_like_name(name) {
            return None;
        }
        authors.push(name.to_string());
    }
    (!authors.is_empty()).then_some((authors, outlet))
}

/// A person's name: one to five words, each starting with a capital letter (or a
/// particle like `de`, `van`), no sentence punctuation.
fn looks_like_name(name: &str) -> bool {
    const PARTICLES: [&str; 10] = [
        "de", "da", "van", "von", "der", "den", "du", "la", "le", "bin",
    ];
    let words: Vec<&str> = name.split_whitespace().collect();
    (1..=5).contains(&words.len())
        && name.chars().count() <= 60
        && !name.contains(['!', '?', ':', ';'])
        && words.iter().all(|w| {
            // A capital, or a letter of a script without case.
            w.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() && !c.is_lowercase())
                || PARTICLES.contains(w)
                || w.chars().all(|c| !c.is_alphabetic())
        })
}

/// Markdown links to their text, and backslash escapes undone.
pub fn clean_markdown(text: &str) -> String {
    let linked = MD_LINK.replace_all(text, "$1");
    MD_ESCAPE.replace_all(&linked, "$1").into_owned()
}

/// A paragraph's lines on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::format_date;

    fn paras(text: &str) -> Vec<String> {
        split_paragraphs(text)
    }

    #[test]
    fn datelines_and_bylines() {
        let show = |s: &str| dateline(s).map(|d| (d.date.map(format_date), d.authors, d.outlet));
        assert_eq!(
            show("November 11 2017, by Chad Day"),
            Some((Some("2017-11-11".into()), vec!["Chad Day".into()], None))
        );
        assert_eq!(
            show("İstanbul, 3 March 2019 by Ömer Kaya"),
            Some((Some("2019-03-03".into()), vec!["Ömer Kaya".into()], None))
        );
        assert_eq!(
            show("İSTANBUL, 3 March 2019 BY ÖMER KAYA"),
            Some((Some("2019-03-03".into()), vec!["ÖMER KAYA".into()], None))
        );
        assert_eq!(
            show("By Mary Clare Jalonick and Tali Arbel"),
            Some((
                None,
                vec!["Mary Clare Jalonick".into(), "Tali Arbel".into()],
                None
            ))
        );
        assert_eq!(
            show("January 14 2020, by Ingrid Fadelli, Tech Xplore"),
            Some((
                Some("2020-01-14".into()),
                vec!["Ingrid Fadelli".into()],
                Some("Tech Xplore".into())
            ))
        );
        assert_eq!(
            show("Published: 11 Nov 2017"),
            Some((Some("2017-11-11".into()), vec![], None))
        );
        assert_eq!(
            show("11 November 2017"),
            Some((Some("2017-11-11".into()), vec![], None))
        );
        // Not datelines.
        assert_eq!(show("We met by the river and talked."), None);
        assert_eq!(show("by the way, this is text"), None);
        assert_eq!(show("Straße, 3 März"), None);
        assert_eq!(show("A sentence that happens to be long enough."), None);
    }

    #[test]
    fn footer_leaves_the_body_and_names_publisher_and_source() {
        let text = "November 11 2017, by Chad Day\n\nFirst paragraph.\n\nSecond paragraph.\n\n\
            © 2017 The Associated Press. All rights reserved.\n\n\
            Citation: Title here (2017, November 11) retrieved 16 May 2024 from <https://phys.org/x.html>\n\n\
            This document is subject to copyright. Apart from any fair dealing...";
        let (body, found) = apply(paras(text));
        assert_eq!(body, ["First paragraph.", "Second paragraph."]);
        assert_eq!(found.date.map(format_date).as_deref(), Some("2017-11-11"));
        assert_eq!(found.authors, ["Chad Day"]);
        assert_eq!(found.publisher.as_deref(), Some("The Associated Press"));
        assert_eq!(found.source.as_deref(), Some("https://phys.org/x.html"));
        assert_eq!(found.citation_title.as_deref(), Some("Title here"));
    }

    #[test]
    fn a_copyright_line_mid_story_is_not_a_footer() {
        let long = "A long paragraph of the story that goes on. ".repeat(10);
        let text = format!("Lead.\n\n© AP Photo/Evan Vucci\n\n{long}\n\nEnd.");
        let (body, found) = apply(paras(&text));
        assert_eq!(body.len(), 4);
        assert_eq!(found.publisher, None);
    }

    #[test]
    fn syndication_notices_leave_the_body() {
        for notice in [
            "This article is republished from The Conversation under a Creative Commons license. Read the original article.",
            "This story was originally published by ProPublica.",
            "Distributed by Tribune Content Agency, LLC.",
            "Copyright 2017 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
        ] {
            let (body, _) = apply(paras(&format!("Story text.\n\n{notice}")));
            assert_eq!(body, ["Story text."], "{notice}");
        }
    }

    #[test]
    fn bodies_keep_their_text_unless_something_leaves() {
        let mut doc = Extracted {
            body: "  Para one\n  goes on.\n\n\nPara two.\n".to_string(),
            ..Extracted::default()
        };
        apply_to_body(&mut doc);
        assert_eq!(doc.body, "  Para one\n  goes on.\n\n\nPara two.\n");
        let mut doc = Extracted {
            body: "By Jane Roe\n\nPara one\ngoes on.\n\n© 2020 Daily Planet. All rights reserved."
                .to_string(),
            ..Extracted::default()
        };
        apply_to_body(&mut doc);
        assert_eq!(doc.body, "Para one\ngoes on.");
        assert_eq!(doc.authors, ["Jane Roe"]);
        assert_eq!(doc.publisher.as_deref(), Some("Daily Planet"));
    }

    #[test]
    fn copyright_holders() {
        let h = |s: &str| copyright_holder(s);
        assert_eq!(
            h("© 2017 The Associated Press. All rights reserved.").as_deref(),
            Some("The Associated Press")
        );
        assert_eq!(h("Copyright 2019 Reuters").as_deref(), Some("Reuters"));
        assert_eq!(
            h("© Phys.org 2003 - 2024 powered by Science X Network").as_deref(),
            Some("Phys.org")
        );
        assert_eq!(h("Copyright law is complicated."), None);
    }
}
