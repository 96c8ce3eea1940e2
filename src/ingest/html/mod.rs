//! HTML pages: one page, one document.
//!
//! Metadata comes from what the page declares about itself, read with dom_query:
//! `<meta>` tags (Open Graph, Twitter cards, Dublin Core, Parse.ly, plain `name=`),
//! JSON-LD (`<script type="application/ld+json">`: an object, an array, an `@graph`,
//! with `@id` references followed), `<link rel=canonical>`, `<title>`, headings,
//! `<time>` and bylines. The body is the readable article text found by dom_smoothie
//! (a port of Mozilla's readability), or, when it finds nothing usable, the visible text
//! of `<body>` without scripts, styles, navigation, headers and footers.
//!
//! Order of preference, for the web at large:
//!
//! - Title: JSON-LD `headline`/`name` of the page's article, `og:title`,
//!   `twitter:title`, `DC.title`, `<meta name=title>`, `parsely-title`; the first of
//!   those that the page's own `<title>` or one of its `<h1>`s confirms (most of its
//!   words appear there) wins, so a site-wide `og:title` or a JSON-LD `headline` used
//!   as a subtitle lose to the real title. Else the `<title>` (unless it only names
//!   the site), else the first candidate, else the first `<h1>` (one inside
//!   `<article>` or `<main>` first). A trailing ` | Site` (or ` - `, ` — `,
//!   ` :: `...) is cut when it names the site (`og:site_name`, JSON-LD publisher or
//!   website, the canonical URL's domain); a `<title>` used as the title also loses a
//!   short tail that looks like a site name, but never one whose head would be a
//!   single word (`Google - Site Reliability Engineering` stays whole).
//! - Date: JSON-LD `datePublished`, `article:published_time`, then the other
//!   publication-date `<meta>` tags (`pubdate`, `date`, `DC.date.issued`,
//!   `parsely-pub-date`...), `itemprop=datePublished`, a `<time datetime>` (marked
//!   `pubdate`, else inside `<article>`, else the first), and last a `/2017/11/11/` in
//!   the page's URL. The first value `parse_date` understands wins; when values were
//!   found and none parsed, a warning names the first.
//! - Authors: JSON-LD `author`, `<meta name=author>` (each tag one author) and its
//!   Dublin Core, Parse.ly and `article:author` kin (URLs left out), `itemprop=author`,
//!   `rel=author` links (the first and those beside it), then the byline readability
//!   found; names taken from the page's text must look like names.
//! - Publisher: `og:site_name`, then the JSON-LD publisher.
//! - Source: `<link rel=canonical>`, `og:url`, the JSON-LD article's `url`; only
//!   absolute http(s) URLs, or relative ones made absolute by an absolute `<base href>`.
//!
//! No page can make this panic, recurse without bound or hang: every
//! walk over the tree uses an explicit stack; elements nested deeper than `MAX_DEPTH`
//! lose their tags before parsing (the text stays); pages whose size times depth is
//! over budget skip readability and keep their visible text; JSON-LD is parsed by
//! serde_json, which refuses nesting deeper than 128.

mod body;
mod depth;
pub(crate) mod jsonld;
mod meta;
mod names;
pub(crate) use names::{domain_label, strip_title_tag, TITLE_SEP};
#[cfg(test)]
mod tests;

use dom_query::Document;

use crate::ingest::extracted::{Extracted, Rule};

use body::*;
use depth::*;
use meta::*;

/// Parses one HTML page into one document.
pub fn parse(html: &str) -> Extracted {
    let mut out = Extracted::default();
    let flattened = flatten_deep(html, MAX_DEPTH);
    if flattened.is_some() {
        out.warnings.push(format!(
            "elements nested more than {MAX_DEPTH} deep were flattened"
        ));
    }
    let html = flattened.as_deref().unwrap_or(html);
    let doc = Document::from(html);
    let shape = measure(&doc);
    let page = Page::read(&doc);

    out.source = page.source();
    out.publisher = page.publisher();
    let (title, title_rule) = page.title(out.source.as_deref());
    out.title = title;
    out.provenance.title = (!out.title.is_empty()).then_some(title_rule);
    let (date, warning) = page.date(&doc, html, out.source.as_deref());
    if let Some((d, rule)) = date {
        out.date = Some(d);
        out.provenance.date = Some(rule);
    }
    out.warnings.extend(warning);

    let visible = visible_text(&doc);
    let readable = if shape.elements > MAX_ELEMENTS
        || shape.element_depths > MAX_ELEMENT_DEPTHS
        || shape.text_depths > MAX_TEXT_DEPTHS
    {
        out.warnings.push(format!(
            "page too large or too deep for readability ({} elements): the body is its visible text",
            shape.elements
        ));
        None
    } else {
        readable_text(html)
    };
    let (text, byline) = match readable {
        Some((text, by)) => (is_usable(&text, &visible).then_some(text), by),
        None => (None, None),
    };
    out.body = drop_leading_title(&text.unwrap_or(visible), &out.title);
    // Readability's byline may be a dateline (`November 11 2017, by Chad Day`): its
    // names are the byline, its date a date found in the text.
    let dateline = byline.as_deref().and_then(crate::ingest::rules::dateline);
    let byline = match &dateline {
        Some(d) if !d.authors.is_empty() => Some(d.authors.join(", ")),
        Some(_) => None,
        None => byline,
    };
    (out.authors, out.provenance.author) = page.authors(byline.as_deref());
    // The article rules on the text: datelines, citations, notices.
    crate::ingest::rules::apply_to_body(&mut out);
    if out.date.is_none() {
        if let Some(d) = dateline.and_then(|d| d.date) {
            out.date = Some(d);
            out.provenance.date = Some(Rule::new("byline", "dateline in the byline"));
        }
    }
    // A date from the text is held to a web page's bounds like the finder's own.
    if let Some(d) = out.date {
        if !crate::ingest::webdate::Bounds::today().allows(&d) {
            out.warnings.push(format!(
                "date {} is outside the days a web page can have",
                crate::date::format_date(d)
            ));
            out.date = None;
            out.provenance.date = None;
        }
    }
    out
}

/// The visible text of an HTML or XHTML document (an e-book's chapter), without
/// readability or metadata: elements nested past the depth guard are flattened first.
pub(crate) fn text_of(html: &str) -> String {
    let flattened = flatten_deep(html, MAX_DEPTH);
    let doc = Document::from(flattened.as_deref().unwrap_or(html));
    visible_text(&doc)
}
