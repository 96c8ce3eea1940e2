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

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use crate::date::DocDate;
use dom_query::{Document, NodeData, NodeRef};
use regex::Regex;
use serde_json::Value;

use crate::date::parse_date;
use crate::ingest::{Extracted, Rule};

/// Elements nested deeper than this lose their tags (their text stays) before
/// parsing, as browsers cap depth (Blink at 512; real pages stay under 100): the HTML
/// tree builder's cost grows with depth times size, so 100,000 nested `<div>`s would
/// otherwise take minutes.
const MAX_DEPTH: usize = 256;
/// Readability's cost grows with each element's depth and each text's depth: pages
/// over these budgets keep their visible text as the body. The 49 real pages of the
/// evaluation set stay under a tenth of the element budget and half the text budget
/// (the largest, Wikipedia's "New Zealand": 9,888 elements, 120,000 and 8,000,000).
/// The worst page under budget takes about 5 s in a debug build.
const MAX_ELEMENTS: usize = 100_000;
const MAX_ELEMENT_DEPTHS: usize = 1_500_000;
const MAX_TEXT_DEPTHS: usize = 20_000_000;
/// Readability's text is used when it has at least this many characters, or at least
/// half of the page's visible text; otherwise the visible text is the body.
const MIN_READABLE_CHARS: usize = 200;
/// Title candidates longer than this are descriptions, not titles.
const MAX_TITLE_CHARS: usize = 400;
/// Longest byline or author name taken.
const MAX_AUTHOR_CHARS: usize = 100;

/// Separators between a title and a site name: ` | `, ` - `, ` – `, ` — `, ` :: `...,
/// and the full-width bar East Asian titles use with or without spaces.
static TITLE_SEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s+(?:\||-|–|—|::|·|•|»|›|~|/)\s+|\s*｜\s*").expect("valid regex")
});
/// A title part that is a host name (`yle.fi`, `MDR.DE`, `Tagesausblick.de`): a site.
static HOST_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)(?:www\.)?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}$")
        .expect("valid regex")
});
/// Leading "By", "Written by", "Posted by" in bylines, and their equivalents (`Von`,
/// `Par`, `Por`, `Door`, `Af`, `Av`, `Przez`; `Autor:`, `Texte :`). `Von der Leyen` is
/// a name: a particle after the word keeps it.
static BY_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:(?:written|posted|published|words|story|text|reported)\s+)?(?:by|von|par|por|door|af|av|przez)\s*:?\s+|(?:author|autor|autorin|auteur|text|texte)\s*:\s*)",
    )
    .expect("valid regex")
});
/// Particles that begin a surname (`von der Leyen`, `de la Cruz`).
const NAME_PARTICLES: &[&str] = &[
    "der", "den", "dem", "des", "la", "le", "los", "las", "de", "del", "van", "zu",
];
/// `... for The Mail On Sunday`, `... for SurgeZirc UK`: the outlet after the names.
static FOR_OUTLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+(?:for|For|FOR)\s+\p{Lu}.*$").expect("valid regex"));
/// An e-mail address, plain or written `name[at]host`.
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\S+(?:@|\[at\]|\(at\))\S+").expect("valid regex"));
/// Credits after the authors: `Edited by`, `Photos by`...
static NOT_AUTHORS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s+(?:edited|photos?|photographs|illustrations?|graphics|video|additional reporting)\s+by\b")
        .expect("valid regex")
});
static AUTHOR_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s+(?:and|&|und|et)\s+|\s*[;|]\s*").expect("valid regex"));

/// `<meta>` keys (lower-cased `property`, `name` or `itemprop`) for a publication date,
/// best first. `article:published_time` comes right after JSON-LD.
const DATE_KEYS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "og:published_time",
    "datepublished",
    "date_published",
    "published_time",
    "published-date",
    "published_date",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "pub_date",
    "pub-date",
    "article:publicationdate",
    "publicationdate",
    "publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "article_date_original",
    "original-publish-date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "dc:date",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "release_date",
    "displaydate",
    "date",
];
/// `<meta>` keys for a title, best first (after JSON-LD).
const TITLE_KEYS: &[&str] = &[
    "og:title",
    "twitter:title",
    "dc.title",
    "dcterms.title",
    "dc:title",
    "title",
    "parsely-title",
    "sailthru.title",
];
/// `<meta>` keys naming authors, best first.
const AUTHOR_KEYS: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "dc:creator",
    "parsely-author",
    "sailthru.author",
    "citation_author",
    "byl",
];

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
    let dateline = byline.as_deref().and_then(super::rules::dateline);
    let byline = match &dateline {
        Some(d) if !d.authors.is_empty() => Some(d.authors.join(", ")),
        Some(_) => None,
        None => byline,
    };
    (out.authors, out.provenance.author) = page.authors(byline.as_deref());
    // The article rules on the text: datelines, citations, notices.
    super::rules::apply_to_body(&mut out);
    if out.date.is_none() {
        if let Some(d) = dateline.and_then(|d| d.date) {
            out.date = Some(d);
            out.provenance.date = Some(Rule::new("byline", "dateline in the byline"));
        }
    }
    // A date from the text is held to a web page's bounds like the finder's own.
    if let Some(d) = out.date {
        if !super::webdate::Bounds::today().allows(&d) {
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

/// What readability's work grows with.
#[derive(Debug, Default)]
struct Shape {
    elements: usize,
    /// The sum of every element's depth.
    element_depths: usize,
    /// The sum of every text's length times its depth (scripts and styles left out).
    text_depths: usize,
}

/// Walks the tree without recursion.
fn measure(doc: &Document) -> Shape {
    let mut shape = Shape::default();
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        let skip = node.query(|n| match &n.data {
            NodeData::Text { contents } => {
                shape.text_depths = shape.text_depths.saturating_add(contents.len() * depth);
                true
            }
            NodeData::Element(e) => {
                shape.elements += 1;
                shape.element_depths += depth;
                matches!(&*e.name.local, "script" | "style" | "template" | "noscript")
            }
            _ => false,
        });
        if skip != Some(false) {
            continue;
        }
        let mut child = node.first_child();
        while let Some(c) = child {
            stack.push((c, depth + 1));
            child = c.next_sibling();
        }
    }
    shape
}

/// Elements that never nest in the tree (void), or that the next sibling closes, so
/// that an unclosed run of them is not depth.
fn is_flat_tag(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "tbody"
            | "thead"
            | "tfoot"
            | "colgroup"
            | "rb"
            | "rt"
            | "rtc"
            | "rp"
            | "html"
            | "head"
            | "body"
    )
}

/// Elements whose content is text, not tags.
fn is_raw_text_tag(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "plaintext"
    )
}

/// The page with start tags deeper than `limit` removed, and as many end tags, so
/// that no element nests deeper than about `limit`; their text is kept. `None` when
/// nothing is that deep (nearly always). Depth is estimated from the tags alone,
/// without building a tree: comments and raw-text elements (`<script>`) are skipped,
/// and elements that do not nest (`<br>`, `<p>`, `<li>`) are not counted.
fn flatten_deep(html: &str, limit: usize) -> Option<String> {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut out: Option<String> = None;
    // Bytes up to `copied` are in `out` (or unchanged, while `out` is None).
    let mut copied = 0usize;
    let mut i = 0usize;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let start = i + off;
        let rest = &html[start..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            i = match comment.find("-->") {
                Some(e) => start + 4 + e + 3,
                None => break,
            };
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = start + if closing { 2 } else { 1 };
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let Some(end) = tag_end(bytes, name_start + name_len) else {
            break;
        };
        let self_closing = bytes[..end].ends_with(b"/");
        let mut drop = false;
        if closing {
            if !is_flat_tag(&name) {
                drop = depth > limit;
                depth = depth.saturating_sub(1);
            }
        } else if is_raw_text_tag(&name) {
            // Jump over the element's text and its end tag.
            let close = find_end_tag(bytes, end + 1, name.as_bytes())
                .and_then(|e| tag_end(bytes, e + 2 + name.len()));
            match close {
                Some(gt) => i = gt + 1,
                None => break,
            }
            continue;
        } else if !is_flat_tag(&name) && !self_closing {
            depth += 1;
            drop = depth > limit;
        }
        if drop {
            let buf = out.get_or_insert_with(|| String::with_capacity(html.len()));
            buf.push_str(&html[copied..start]);
            // A space, so that words in dropped tags do not run together.
            if !buf.ends_with(|c: char| c.is_whitespace()) {
                buf.push(' ');
            }
            copied = end + 1;
        }
        i = end + 1;
    }
    let mut buf = out?;
    buf.push_str(&html[copied..]);
    Some(buf)
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

/// Where `</name` (any case) starts, from `from` on.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let at = i + off;
        let candidate = bytes.get(at + 2..at + 2 + name.len());
        if bytes.get(at + 1) == Some(&b'/')
            && candidate.is_some_and(|c| c.eq_ignore_ascii_case(name))
        {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// The index of the `>` that ends a tag whose attributes start at `from`, skipping
/// quoted attribute values (a quote right after `=`).
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    let mut after_equals = false;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && after_equals => quote = Some(b),
            None if b == b'>' => return Some(i),
            None => {}
        }
        if !b.is_ascii_whitespace() {
            after_equals = b == b'=';
        }
    }
    None
}

/// Everything the page declares about itself, gathered once.
struct Page {
    /// `<meta>` tags as (lower-cased key, trimmed value), in document order.
    meta: Vec<(String, String)>,
    /// JSON-LD items that describe a page or a work, best first.
    ld: Vec<Value>,
    /// JSON-LD nodes by `@id`, for following references.
    ld_ids: HashMap<String, Value>,
    /// Names of JSON-LD `WebSite`s and `Organization`s: site names.
    ld_sites: Vec<String>,
    /// The `<title>`, cleaned.
    title_tag: Option<String>,
    /// The `<h1>` texts, cleaned, in document order (at most a few).
    h1s: Vec<String>,
    /// The first `<h1>` inside `<article>` or `<main>`.
    article_h1: Option<String>,
    canonical: Vec<String>,
    base: Option<String>,
    /// Authors from `itemprop=author` elements.
    itemprop_authors: Vec<String>,
    /// Authors from `rel=author` links.
    rel_authors: Vec<String>,
}

impl Page {
    fn read(doc: &Document) -> Page {
        let mut meta = Vec::new();
        for node in doc.select("meta").nodes() {
            let Some(content) = node.attr("content").or_else(|| node.attr("value")) else {
                continue;
            };
            // Kept as written: URLs must not be decoded twice; text is cleaned where used.
            let content = content.trim().to_string();
            if content.is_empty() {
                continue;
            }
            for attr in ["property", "name", "itemprop"] {
                if let Some(key) = node.attr(attr) {
                    // `property` may hold several space-separated keys.
                    for key in key.split_whitespace() {
                        meta.push((key.to_lowercase(), content.clone()));
                    }
                }
            }
        }

        let (ld, ld_ids, ld_sites) = read_json_ld(doc);

        let title_tag = doc
            .select("title")
            .nodes()
            .iter()
            .find(|n| !n.ancestors_it(None).any(|a| a.has_name("svg")))
            .map(|n| clean(&n.text()))
            .filter(|t| !t.is_empty());

        let mut h1s = Vec::new();
        let mut article_h1 = None;
        for node in doc.select("h1").nodes().iter().take(20) {
            let text = clean(&node.text());
            if text.is_empty() {
                continue;
            }
            if article_h1.is_none()
                && node
                    .ancestors_it(None)
                    .any(|a| a.has_name("article") || a.has_name("main"))
            {
                article_h1 = Some(text.clone());
            }
            h1s.push(text);
        }

        let canonical = doc
            .select("link[rel][href]")
            .nodes()
            .iter()
            .filter(|n| {
                n.attr("rel").is_some_and(|r| {
                    r.split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                })
            })
            .filter_map(|n| n.attr("href").map(|h| h.trim().to_string()))
            .collect();
        let base = doc
            .select("base[href]")
            .nodes()
            .first()
            .and_then(|n| n.attr("href"))
            .and_then(|h| absolute_url(&h, None));

        let mut itemprop_authors = Vec::new();
        let mut rel_authors = Vec::new();
        for node in doc.select("[itemprop]").nodes().iter().take(2000) {
            if node.has_name("meta") || node.has_name("time") {
                continue;
            }
            let prop = node.attr("itemprop").unwrap_or_default().to_lowercase();
            if prop
                .split_whitespace()
                .any(|p| p == "author" || p == "creator")
            {
                let named = node
                    .descendants_it()
                    .find(|d| d.attr("itemprop").is_some_and(|p| p.trim() == "name"));
                let text = match named {
                    Some(n) => n.attr("content").unwrap_or_else(|| n.text()).to_string(),
                    None => node
                        .attr("content")
                        .unwrap_or_else(|| node.text())
                        .to_string(),
                };
                itemprop_authors.push(text);
            }
        }
        // `rel=author` links: the first that names someone, and those beside it (`By
        // <a rel=author>A</a> and <a rel=author>B</a>`), not links to other articles'
        // authors further down the page.
        let mut byline_parent = None;
        for node in doc.select("a[rel], span[rel]").nodes() {
            let is_author = node.attr("rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("author"))
            });
            if !is_author {
                continue;
            }
            let text = clean(&node.text());
            if !looks_like_name(&text) {
                continue;
            }
            let parent = node.parent().map(|p| p.id);
            match byline_parent {
                None => byline_parent = Some(parent),
                Some(p) if p == parent => {}
                Some(_) => continue,
            }
            rel_authors.push(text);
        }

        Page {
            meta,
            ld,
            ld_ids,
            ld_sites,
            title_tag,
            h1s,
            article_h1,
            canonical,
            base,
            itemprop_authors,
            rel_authors,
        }
    }

    /// Values of `<meta>` tags with this key, in document order.
    fn meta_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.meta
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn source(&self) -> Option<String> {
        let declared = self
            .canonical
            .iter()
            .map(String::as_str)
            .chain(self.meta("og:url"));
        let from_ld = self.ld.iter().filter(|v| rank(v) == 0).flat_map(|v| {
            [v.get("url"), v.get("mainEntityOfPage")]
                .into_iter()
                .flatten()
                .filter_map(|u| match u {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(o) => o.get("@id").and_then(Value::as_str).map(String::from),
                    _ => None,
                })
                .collect::<Vec<_>>()
        });
        declared
            .map(String::from)
            .chain(from_ld)
            .find_map(|u| absolute_url(&u, self.base.as_deref()))
    }

    fn publisher(&self) -> Option<String> {
        let ld = self
            .ld
            .iter()
            .filter_map(|v| v.get("publisher"))
            .flat_map(|p| self.names(p));
        self.meta("og:site_name")
            .map(String::from)
            .into_iter()
            .chain(ld)
            .map(|s| clean(&s))
            .find(|s| !s.is_empty() && s.chars().count() <= MAX_AUTHOR_CHARS)
    }

    /// Names the page gives its site: for cutting ` | Site` off titles.
    fn site_names(&self, source: Option<&str>) -> Vec<String> {
        let mut names: Vec<String> = [
            "og:site_name",
            "application-name",
            "apple-mobile-web-app-title",
        ]
        .iter()
        .filter_map(|k| self.meta(k))
        .map(clean)
        .collect();
        names.extend(self.publisher());
        names.extend(self.ld_sites.iter().cloned());
        names.extend(source.and_then(domain_label));
        names.retain(|n| !norm(n).is_empty());
        names
    }

    /// The headline, and the rule that gave it.
    fn title(&self, source: Option<&str>) -> (String, Rule) {
        let sites = self.site_names(source);
        let mut candidates: Vec<(String, Rule)> = Vec::new();
        for item in self.ld.iter().filter(|v| rank(v) <= 1) {
            for key in ["headline", "name", "alternativeHeadline"] {
                if let Some(s) = item.get(key).and_then(first_string) {
                    let rule = format!("{}.{key}", type_name(item));
                    candidates.push((s, Rule::new("json-ld", rule)));
                }
            }
        }
        for key in TITLE_KEYS {
            candidates.extend(
                self.meta_all(key)
                    .map(|v| (v.to_string(), Rule::new("meta", format!("<meta {key}>")))),
            );
        }
        let candidates: Vec<(String, Rule)> = candidates
            .into_iter()
            .map(|(c, rule)| {
                let c = clean(&c);
                match strip_site_tail(&c, &sites) {
                    Some(t) => (
                        t,
                        Rule::new(rule.stage, format!("{} minus the site name", rule.rule)),
                    ),
                    None => (c, rule),
                }
            })
            .filter(|(c, _)| !c.is_empty() && c.chars().count() <= MAX_TITLE_CHARS)
            .collect();

        let references: Vec<(&str, &str)> = self
            .title_tag
            .iter()
            .map(|t| (t.as_str(), "<title>"))
            .chain(self.h1s.iter().map(|h| (h.as_str(), "<h1>")))
            .collect();
        for (c, rule) in &candidates {
            if let Some((_, by)) = references.iter().find(|(r, _)| coverage(c, r) >= 0.75) {
                let confirmed = format!("{}, confirmed by the {by}", rule.rule);
                return (c.clone(), Rule::new(rule.stage, confirmed));
            }
        }
        if let Some(t) = &self.title_tag {
            // Without a declared site name, a short name-like tail is taken for one.
            let declared = !self.site_names(None).is_empty();
            let stripped = strip_title_tag(t, &sites, declared, &self.h1s);
            // A <title> that is only the site's name says nothing about the page.
            let only_site = sites.iter().any(|s| same_site(&stripped, s));
            if !only_site || candidates.is_empty() {
                let rule = if stripped == *t {
                    "<title>"
                } else {
                    "<title> minus the site name"
                };
                return (stripped, Rule::new("title", rule));
            }
        }
        if let Some((c, rule)) = candidates.first() {
            return (c.clone(), rule.clone());
        }
        match (&self.article_h1, self.h1s.first()) {
            (Some(h), _) => (
                h.clone(),
                Rule::new("heading", "<h1> in <article> or <main>"),
            ),
            (None, Some(h)) => (h.clone(), Rule::new("heading", "first <h1>")),
            (None, None) => (String::new(), Rule::new("none", "no title")),
        }
    }

    /// The publication date (the stages of `webdate.rs`), and a warning when the
    /// metadata holds dates and none of them parsed.
    fn date(
        &self,
        doc: &Document,
        html: &str,
        source: Option<&str>,
    ) -> (
        Option<(DocDate, super::webdate::Provenance)>,
        Option<String>,
    ) {
        let lang = doc
            .select("html")
            .nodes()
            .first()
            .and_then(|n| n.attr("lang"))
            .map(|l| l.trim().to_lowercase())
            .unwrap_or_default();
        let urls: Vec<String> = source
            .map(String::from)
            .into_iter()
            .chain(self.canonical.iter().cloned())
            .chain(self.meta_all("og:url").map(String::from))
            .collect();
        let facts = super::webdate::PageFacts {
            doc,
            html,
            meta: &self.meta,
            ld: &self.ld,
            urls,
            lang,
        };
        if let Some(found) = super::webdate::find(&facts, super::webdate::Bounds::today()) {
            return (Some(found), None);
        }
        // Nothing found: say so when the page declared a date trove could not read.
        let declared = self
            .ld
            .iter()
            .find_map(|item| item.get("datePublished").and_then(first_string))
            .map(|v| (v, "JSON-LD datePublished".to_string()))
            .or_else(|| {
                DATE_KEYS
                    .iter()
                    .find_map(|k| self.meta(k).map(|v| (v.to_string(), k.to_string())))
            });
        let warning = declared
            .filter(|(v, _)| !v.trim().is_empty() && parse_date(v).is_none())
            .map(|(value, from)| format!("unparseable date {value:?} in {from}"));
        (None, warning)
    }

    /// The authors, and the rule that gave them.
    fn authors(&self, byline: Option<&str>) -> (Vec<String>, Option<Rule>) {
        let from_ld = self
            .ld
            .iter()
            .filter(|v| rank(v) <= 1)
            .filter_map(|v| {
                let (key, value) = [("author", v.get("author")), ("creator", v.get("creator"))]
                    .into_iter()
                    .find_map(|(k, a)| Some((k, a?)))?;
                Some((self.names(value), format!("{}.{key}", type_name(v))))
            })
            .find(|(names, _)| !names.is_empty())
            .map(|(names, rule)| (names, Rule::new("json-ld", rule)));
        let from_meta = AUTHOR_KEYS
            .iter()
            .map(|k| {
                let names: Vec<String> = self
                    .meta_all(k)
                    .filter(|v| !is_url(v))
                    .map(String::from)
                    .collect();
                (names, Rule::new("meta", format!("<meta {k}>")))
            })
            .find(|(v, _)| !v.is_empty());
        // Names found in the page's text, unlike declared ones, must look like names.
        let sources = [
            (from_ld, false),
            (from_meta, false),
            (
                Some((
                    self.itemprop_authors.clone(),
                    Rule::new("markup", "itemprop=author"),
                )),
                true,
            ),
            (
                Some((self.rel_authors.clone(), Rule::new("markup", "rel=author"))),
                true,
            ),
            (
                byline.map(|b| {
                    (
                        vec![b.to_string()],
                        Rule::new("byline", "byline near the title"),
                    )
                }),
                true,
            ),
        ];
        for (found, from_text) in sources {
            let Some((names, rule)) = found else {
                continue;
            };
            let mut authors = author_list(&names);
            if from_text {
                authors.retain(|a| looks_like_name(a));
            }
            if !authors.is_empty() {
                return (authors, Some(rule));
            }
        }
        (Vec::new(), None)
    }

    /// Names in a JSON-LD `author`/`publisher` value: a string, an object with `name`
    /// (or an `@id` pointing at one), or an array of those.
    fn names(&self, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![(value, 0usize)];
        while let Some((v, depth)) = stack.pop() {
            match v {
                // `"{ \"@type\": \"Person\", \"name\": ... }"`: an object written as a string.
                Value::String(s) if s.trim_start().starts_with('{') && depth < 4 => {
                    if let Ok(inner) = serde_json::from_str::<Value>(s) {
                        out.extend(self.names(&inner));
                    }
                }
                Value::String(s) => out.push(s.clone()),
                Value::Array(items) if depth < 4 => {
                    stack.extend(items.iter().rev().map(|i| (i, depth + 1)));
                }
                Value::Object(o) => {
                    let name = o.get("name").and_then(first_string).or_else(|| {
                        let given = o.get("givenName").and_then(first_string)?;
                        let family = o.get("familyName").and_then(first_string);
                        Some(match family {
                            Some(f) => format!("{given} {f}"),
                            None => given,
                        })
                    });
                    // `{"@id": "#author"}`: the node with that id names them. The depth
                    // bound ends reference cycles.
                    let target = || {
                        o.get("@id")
                            .and_then(Value::as_str)
                            .and_then(|id| self.ld_ids.get(id))
                    };
                    match name {
                        Some(n) => out.push(n),
                        None if depth < 4 => stack.extend(target().map(|t| (t, depth + 1))),
                        None => {}
                    }
                }
                _ => {}
            }
        }
        out.into_iter()
            .map(|s| clean(&s))
            .filter(|s| !s.is_empty() && !is_url(s))
            .collect()
    }
}

/// Parses every JSON-LD block; malformed ones are skipped. Returns the items that
/// describe a page or a work (best first), the nodes by `@id`, and site names.
fn read_json_ld(doc: &Document) -> (Vec<Value>, HashMap<String, Value>, Vec<String>) {
    let mut items: Vec<Value> = Vec::new();
    for node in doc.select("script[type]").nodes() {
        let is_ld = node
            .attr("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        if !is_ld {
            continue;
        }
        let text = node.text();
        let Some(value) = parse_json_lenient(&text) else {
            continue;
        };
        // Top-level arrays and @graph lists, one level of each.
        let mut pending = vec![(value, 0usize)];
        while let Some((v, depth)) = pending.pop() {
            match v {
                Value::Array(list) if depth < 3 => {
                    pending.extend(list.into_iter().rev().map(|i| (i, depth + 1)));
                }
                Value::Object(mut o) => {
                    let graph = o.remove("@graph");
                    let has_type = o.contains_key("@type");
                    if let Some(g) = graph {
                        if depth < 3 {
                            pending.push((g, depth + 1));
                        }
                    }
                    if has_type || depth == 0 {
                        items.push(Value::Object(o));
                    }
                }
                _ => {}
            }
        }
    }
    // An article may be nested as `mainEntity` of a WebPage.
    let nested: Vec<Value> = items
        .iter()
        .filter_map(|i| i.get("mainEntity"))
        .filter(|m| m.is_object())
        .cloned()
        .collect();
    items.extend(nested);

    let mut ids = HashMap::new();
    for item in &items {
        if let Some(id) = item.get("@id").and_then(Value::as_str) {
            ids.entry(id.to_string()).or_insert_with(|| item.clone());
        }
    }
    let sites = items
        .iter()
        .filter(|i| {
            types(i)
                .iter()
                .any(|t| t == "WebSite" || t.ends_with("Organization"))
        })
        .filter_map(|i| i.get("name").and_then(first_string))
        .collect();
    let mut ranked: Vec<Value> = items.into_iter().filter(|i| rank(i) < 3).collect();
    ranked.sort_by_key(rank);
    (ranked, ids, sites)
}

/// JSON-LD text to JSON: CDATA and comment wrappers removed, raw line breaks and
/// tabs (invalid inside JSON strings, common in pages) turned into spaces.
fn parse_json_lenient(text: &str) -> Option<Value> {
    let mut t = text.trim();
    // `<![CDATA[ ... ]]>`, `//<![CDATA[ ... //]]>`, `<!-- ... -->`, in any nesting.
    loop {
        let before = t.len();
        for open in ["//", "<![CDATA[", "<!--"] {
            t = t.strip_prefix(open).unwrap_or(t).trim_start();
        }
        for close in ["]]>", "-->", "//"] {
            t = t.strip_suffix(close).unwrap_or(t).trim_end();
        }
        if t.len() == before {
            break;
        }
    }
    if let Ok(v) = serde_json::from_str(t) {
        return Some(v);
    }
    let spaced: String = t
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    serde_json::from_str(&spaced).ok()
}

/// The JSON-LD type of an item, for saying where a value came from (`NewsArticle`).
pub(super) fn type_name(item: &Value) -> String {
    types(item)
        .first()
        .map(|t| t.rsplit(['/', ':']).next().unwrap_or(t).to_string())
        .unwrap_or_else(|| "JSON-LD".to_string())
}

fn types(item: &Value) -> Vec<String> {
    match item.get("@type") {
        Some(Value::String(s)) => vec![s.trim().to_string()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(|s| s.trim().to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// How well a JSON-LD item describes the page itself: 0 an article or post, 1 another
/// creative work, 2 a web page, 3 not the page (a site, an organisation, a person...).
fn rank(item: &Value) -> u8 {
    let types = types(item);
    let types: Vec<&str> = types
        .iter()
        .map(|t| t.rsplit(['/', ':']).next().unwrap_or(t))
        .collect();
    let is_article = |t: &&str| {
        t.ends_with("Article")
            || t.ends_with("Posting")
            || matches!(*t, "Report" | "Review" | "Thesis" | "Article")
    };
    const NOT_THE_PAGE: &[&str] = &[
        "WebSite",
        "Person",
        "BreadcrumbList",
        "ListItem",
        "ImageObject",
        "SiteNavigationElement",
        "SearchAction",
        "Place",
        "PostalAddress",
        "ContactPoint",
        "Brand",
        "Offer",
        "Rating",
        "AggregateRating",
        "WPHeader",
        "WPFooter",
        "WPSideBar",
        "ItemList",
        "Comment",
        "Question",
        "Answer",
        "Product",
        "Event",
        "LocalBusiness",
    ];
    if types.iter().any(is_article) {
        0
    } else if types.is_empty() {
        2
    } else if types
        .iter()
        .all(|t| NOT_THE_PAGE.contains(t) || t.ends_with("Organization") || t.ends_with("Business"))
    {
        3
    } else if types.iter().any(|t| t.ends_with("Page")) {
        2
    } else {
        1
    }
}

/// The first string in a JSON value (itself, or the first string in an array).
fn first_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Array(list) => list
            .iter()
            .find_map(|i| i.as_str().filter(|s| !s.trim().is_empty()))
            .map(String::from),
        _ => None,
    }
}

/// Author names from raw values: bylines cleaned, several names in one value split,
/// duplicates dropped.
fn author_list(raw: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for value in raw {
        let value = clean(value);
        let value = strip_by(&value);
        let value = EMAIL.replace_all(value, "");
        for name in split_names(&value) {
            let name = FOR_OUTLET.replace(&name, "");
            let name = name
                .trim()
                .trim_matches(|c: char| matches!(c, ',' | ':' | ';' | '|' | '-' | '–' | '—'))
                .trim();
            let count = name.chars().count();
            // A name has letters (not `219.79.38.192`) and is more than the word `By`.
            if !(2..=MAX_AUTHOR_CHARS).contains(&count)
                || is_url(name)
                || !name.chars().any(char::is_alphabetic)
                || (!name.contains(' ') && BY_PREFIX.is_match(&format!("{name} ")))
            {
                continue;
            }
            if seen.insert(name.to_lowercase()) {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// `value` without a leading `By` (or its equivalents), unless what follows is a
/// surname's particle.
fn strip_by(value: &str) -> &str {
    let Some(m) = BY_PREFIX.find(value) else {
        return value;
    };
    let rest = &value[m.end()..];
    let next = rest.split_whitespace().next().unwrap_or_default();
    if m.as_str().trim().eq_ignore_ascii_case("von") && NAME_PARTICLES.contains(&next) {
        return value;
    }
    rest
}

/// `A and B`, `A & B`, `A; B` are several names; `A, B` too when each part has two
/// words or more (so `Jong, Michiel de` and `King, Jr.` stay whole).
fn split_names(value: &str) -> Vec<String> {
    let value = match NOT_AUTHORS.find(value) {
        Some(m) => &value[..m.start()],
        None => value,
    };
    if value.contains('(') {
        // `Martin Untersinger (avec Damien Leloup et Morgane Tual)`: one credit line.
        return vec![value.to_string()];
    }
    let mut out = Vec::new();
    for part in AUTHOR_SPLIT.split(value) {
        let pieces: Vec<&str> = part.split(',').map(str::trim).collect();
        if pieces.len() > 1 && pieces.iter().all(|p| p.split_whitespace().count() >= 2) {
            out.extend(pieces.into_iter().map(String::from));
        } else {
            out.push(part.to_string());
        }
    }
    out
}

/// Whether text from the page could be a person's or an organisation's name: no
/// digits (`Last Updated: January 7, 2025`), no colon, a few words, and no long word
/// in lower case (`View my complete profile`; `de`, `van` are fine).
fn looks_like_name(s: &str) -> bool {
    // A parenthesis may add credits in prose: `Martin Untersinger (avec Damien Leloup)`.
    let s = s.split('(').next().unwrap_or(s);
    let words: Vec<&str> = s.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 6
        && s.chars().count() <= MAX_AUTHOR_CHARS
        && !s
            .chars()
            .any(|c| c.is_ascii_digit() || c == ':' || c == '@')
        && !words
            .iter()
            .any(|w| w.chars().count() > 3 && w.chars().next().is_some_and(char::is_lowercase))
}

fn is_url(s: &str) -> bool {
    let s = s.trim_start().to_ascii_lowercase();
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("//")
}

/// Entities decoded (once more: meta and JSON-LD values are often double-escaped),
/// whitespace collapsed.
fn clean(s: &str) -> String {
    let decoded = if s.contains('&') {
        decode_entities(s)
    } else {
        s.to_string()
    };
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes HTML character references with the HTML parser itself: inside `<title>`
/// (RCDATA) references are decoded and tags are not.
fn decode_entities(s: &str) -> String {
    let escaped = s.replace('<', "&lt;");
    let doc = Document::from(format!("<title>{escaped}</title>"));
    let text = doc.select("title").text();
    text.to_string()
}

/// Lower-case letters and digits only, for comparing site names.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a title part names the site: same letters, or one starts with the other
/// (`Factorio` and `Factorio.com`, `Spiceworks` and `Spiceworks Inc`).
fn same_site(part: &str, site: &str) -> bool {
    let (a, b) = (norm(part), norm(site));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b || (a.len().min(b.len()) >= 4 && (a.starts_with(&b) || b.starts_with(&a)))
}

/// The word-level share of `candidate` (by characters) that appears in `reference`.
fn coverage(candidate: &str, reference: &str) -> f64 {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let cand = words(candidate);
    let refs: HashSet<String> = words(reference).into_iter().collect();
    let total: usize = cand.iter().map(|w| w.chars().count()).sum();
    if total == 0 {
        return 0.0;
    }
    let found: usize = cand
        .iter()
        .filter(|w| refs.contains(*w))
        .map(|w| w.chars().count())
        .sum();
    found as f64 / total as f64
}

/// `Title | Site` -> `Title` (and `Site | Title` -> `Title`) when `Site` names the site
/// or is a host name. The site's part may come with more after it (`Title - Site -
/// Slogan`, `Title | Section | site.com`): the title ends at the first separator whose
/// next part, or whose whole rest, names the site.
fn strip_site_tail(title: &str, sites: &[String]) -> Option<String> {
    let seps: Vec<Range<usize>> = TITLE_SEP.find_iter(title).map(|m| m.range()).collect();
    let names_site = |part: &str| {
        let part = part.trim();
        HOST_NAME.is_match(part) || sites.iter().any(|s| same_site(part, s))
    };
    for (i, sep) in seps.iter().enumerate() {
        let head = title[..sep.start].trim();
        if head.is_empty() {
            continue;
        }
        let rest = &title[sep.end..];
        let part = seps
            .get(i + 1)
            .map_or(rest, |next| &title[sep.end..next.start]);
        if names_site(part) || names_site(rest) {
            return Some(head.to_string());
        }
    }
    let first = seps.first()?;
    let (head, tail) = (title[..first.start].trim(), title[first.end..].trim());
    if !tail.is_empty() && names_site(head) {
        return Some(tail.to_string());
    }
    None
}

/// The `<title>` without its site-name part: a known site name, else the side that an
/// `<h1>` repeats, else (when the page `declared` no site name) a short tail that looks
/// like a name, as long as the head keeps two words or more (three after a plain
/// hyphen, which titles use in earnest).
fn strip_title_tag(title: &str, sites: &[String], declared: bool, h1s: &[String]) -> String {
    if let Some(t) = strip_site_tail(title, sites) {
        return t;
    }
    let Some(m) = TITLE_SEP.find_iter(title).last() else {
        return title.to_string();
    };
    let (head, tail) = (title[..m.start()].trim(), title[m.end()..].trim());
    if head.is_empty() || tail.is_empty() {
        return title.to_string();
    }
    let folded = |s: &str| s.to_lowercase();
    if h1s.iter().any(|h| folded(h) == folded(head)) {
        return head.to_string();
    }
    if h1s.iter().any(|h| folded(h) == folded(tail)) && head.split_whitespace().count() >= 2 {
        // The tail is the page's heading: it is the site (a docs page's project name).
        return head.to_string();
    }
    if declared {
        // The page names its site and this tail is not it: part of the headline.
        return title.to_string();
    }
    let sep = m.as_str().trim();
    let head_words = head.split_whitespace().count();
    let tail_words = tail.split_whitespace().count();
    let name_like = tail
        .split_whitespace()
        .all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()) || w.len() <= 3);
    let enough_head = if sep == "-" {
        head_words >= 3
    } else {
        head_words >= 2
    };
    if enough_head && tail_words <= 5 && tail.chars().count() <= 40 && (name_like || sep != "-") {
        return head.to_string();
    }
    title.to_string()
}

/// The registrable name in a URL's host: `theverge` for `https://www.theverge.com/x`,
/// `bbc` for `http://www.bbc.co.uk/`.
fn domain_label(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    if n < 2 {
        return None;
    }
    let second = labels[n - 2];
    let label = if n >= 3
        && labels[n - 1].len() == 2
        && ["co", "com", "org", "net", "ac", "gov", "ne", "or"].contains(&second)
    {
        labels[n - 3]
    } else {
        second
    };
    Some(label.to_string())
}

/// An absolute http(s) URL: `href` itself, or `href` resolved against `base`.
fn absolute_url(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.chars().any(|c| c.is_control()) {
        return None;
    }
    let href = href.replace(' ', "%20");
    // A scheme: a letter, then letters, digits, `+`, `-`, `.`, up to the first colon.
    let scheme = href.split_once(':').map(|(s, _)| s).filter(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if let Some(scheme) = scheme {
        let http = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
        let rest = href[scheme.len() + 1..].strip_prefix("//")?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        return (http && !host.is_empty()).then_some(href);
    }
    let base = base?;
    let (scheme, rest) = base.split_once("://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..authority_end]);
    let base_path = &rest[authority_end..];
    if let Some(r) = href.strip_prefix("//") {
        return absolute_url(&format!("{scheme}://{r}"), None);
    }
    if href.starts_with('#') {
        let no_frag = base.split('#').next().unwrap_or(base);
        return Some(format!("{no_frag}{href}"));
    }
    if href.starts_with('?') {
        let no_query = base.split(['?', '#']).next().unwrap_or(base);
        return Some(format!("{no_query}{href}"));
    }
    let path_only = base_path.split(['?', '#']).next().unwrap_or("");
    let joined = if href.starts_with('/') {
        href.to_string()
    } else {
        let dir = match path_only.rfind('/') {
            Some(i) => &path_only[..=i],
            None => "/",
        };
        format!("{dir}{href}")
    };
    // Dot segments, in the path part only.
    let split_at = joined.find(['?', '#']).unwrap_or(joined.len());
    let (path, suffix) = joined.split_at(split_at);
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').collect();
    for (i, seg) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        match *seg {
            "." => {
                if last {
                    segments.push("");
                }
            }
            ".." => {
                if segments.len() > 1 {
                    segments.pop();
                }
                if last {
                    segments.push("");
                }
            }
            s => segments.push(s),
        }
    }
    let mut path = segments.join("/");
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    Some(format!("{origin}{path}{suffix}"))
}

/// Readability's article text and byline; `None` when it finds no article (or fails).
fn readable_text(html: &str) -> Option<(String, Option<String>)> {
    // dom_smoothie is not expected to panic, but a page must never take the batch down.
    let result = std::panic::catch_unwind(|| {
        let doc = Document::from(html);
        // Navigation is never the article; readability keeps it on small pages.
        doc.select("nav, [role=navigation]").remove();
        let mut readability = dom_smoothie::Readability::with_document(doc, None, None).ok()?;
        let article = readability.parse().ok()?;
        Some((article.content.to_string(), article.byline))
    })
    .ok()
    .flatten()?;
    let (content, byline) = result;
    let doc = Document::fragment(content);
    let text = block_text(
        &doc.root(),
        &["script", "style", "noscript", "template"],
        false,
    );
    Some((text, byline))
}

fn is_usable(readable: &str, visible: &str) -> bool {
    let n = readable.chars().count();
    n > 0 && (n >= MIN_READABLE_CHARS || n * 2 >= visible.chars().count())
}

/// The visible text of `<body>`, without scripts, styles, navigation, headers,
/// footers, asides and hidden elements.
fn visible_text(doc: &Document) -> String {
    let body = doc
        .select("body")
        .nodes()
        .first()
        .copied()
        .unwrap_or_else(|| doc.root());
    block_text(
        &body,
        &[
            "script", "style", "noscript", "template", "svg", "iframe", "object", "canvas",
            "button", "select", "textarea", "nav", "header", "footer", "aside", "head", "title",
            "dialog",
        ],
        true,
    )
}

/// Whether an element starts a new paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "ul"
    )
}

/// Plain text of a subtree: one paragraph per block element, separated by a blank
/// line, whitespace inside a paragraph collapsed. Walked with an explicit stack.
fn block_text(root: &NodeRef, skip: &[&str], skip_hidden: bool) -> String {
    enum Step<'a> {
        Enter(NodeRef<'a>),
        Leave(bool),
    }
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, paragraphs: &mut Vec<String>| {
        let para = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !para.is_empty() {
            paragraphs.push(para);
        }
        current.clear();
    };
    let mut stack = vec![Step::Enter(*root)];
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::Leave(block) => {
                if block {
                    flush(&mut current, &mut paragraphs);
                }
                continue;
            }
            Step::Enter(node) => node,
        };
        let element = node.query(|n| match &n.data {
            NodeData::Text { contents } => {
                // Zero-width spaces, byte-order marks and soft hyphens are invisible.
                current.extend(
                    contents
                        .chars()
                        .filter(|c| !matches!(c, '\u{200b}' | '\u{feff}' | '\u{ad}')),
                );
                None
            }
            NodeData::Element(e) => Some((
                e.name.local.to_string(),
                e.attrs.iter().any(|a| {
                    &*a.name.local == "hidden"
                        || (&*a.name.local == "aria-hidden" && a.value.trim() == "true")
                }),
            )),
            NodeData::Document | NodeData::Fragment => Some((String::new(), false)),
            _ => None,
        });
        let Some(Some((name, hidden))) = element else {
            continue;
        };
        if skip.contains(&name.as_str()) || (hidden && skip_hidden) {
            continue;
        }
        match name.as_str() {
            "br" | "img" => {
                current.push(' ');
                continue;
            }
            "td" | "th" => current.push(' '),
            _ => {}
        }
        let block = is_block(&name);
        if block {
            flush(&mut current, &mut paragraphs);
        }
        stack.push(Step::Leave(block));
        let children = node.children();
        stack.extend(children.into_iter().rev().map(Step::Enter));
    }
    flush(&mut current, &mut paragraphs);
    paragraphs.join("\n\n")
}

/// Readability often keeps the headline as the article's first line: the body does
/// not need it twice.
fn drop_leading_title(body: &str, title: &str) -> String {
    if title.is_empty() {
        return body.to_string();
    }
    match body.split_once("\n\n") {
        Some((first, rest)) if first.eq_ignore_ascii_case(title) => rest.to_string(),
        _ => body.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::format_date;

    fn day(doc: &Extracted) -> Option<String> {
        doc.date.map(format_date)
    }

    /// A page with `head` inside `<head>` and `body` inside `<body>`.
    fn page(head: &str, body: &str) -> Extracted {
        parse(&format!(
            "<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"
        ))
    }

    const PROSE: &str =
        "<p>The committee met on Tuesday to review the budget for the coming year, \
        and agreed to move two projects forward while delaying a third until the spring.</p>\
        <p>Members said the delay would give the planning office time to finish its traffic study, \
        which is expected to change the design of the new bridge in several ways.</p>";

    // ---- title ----

    #[test]
    fn og_title_wins_when_the_page_confirms_it() {
        let doc = page(
            r#"<title>Budget review moves two projects ahead | Town Crier</title>
               <meta property="og:title" content="Budget review moves two projects ahead">
               <meta name="twitter:title" content="Budget review: two projects ahead">"#,
            PROSE,
        );
        assert_eq!(doc.title, "Budget review moves two projects ahead");
    }

    #[test]
    fn twitter_title_when_there_is_no_og_title() {
        let doc = page(
            r#"<meta name="twitter:title" content="Budget review moves two projects ahead">"#,
            PROSE,
        );
        assert_eq!(doc.title, "Budget review moves two projects ahead");
    }

    #[test]
    fn json_ld_headline_comes_first_when_confirmed() {
        let doc = page(
            r#"<title>Budget review: two projects move ahead - Town Crier</title>
               <meta property="og:title" content="Two projects move ahead">
               <script type="application/ld+json">
               {"@context":"https://schema.org","@type":"NewsArticle",
                "headline":"Budget review: two projects move ahead"}</script>"#,
            PROSE,
        );
        assert_eq!(doc.title, "Budget review: two projects move ahead");
    }

    #[test]
    fn a_headline_the_page_does_not_confirm_loses() {
        // Wikipedia's JSON-LD `headline` is a short description; `name` is the title.
        let doc = page(
            r#"<title>New Zealand - Wikipedia</title>
               <script type="application/ld+json">
               {"@context":"https://schema.org","@type":"Article","name":"New Zealand",
                "headline":"constitutional monarchy in Oceania"}</script>"#,
            &format!("<h1>New Zealand</h1>{PROSE}"),
        );
        assert_eq!(doc.title, "New Zealand");
    }

    #[test]
    fn a_site_wide_og_title_loses_to_the_pages_own_title() {
        let doc = page(
            r#"<title>Cargo ship breaks up over Siberia</title>
               <meta property="og:title" content="Daily News - Latest News &amp; Headlines">"#,
            &format!("<h1>Cargo ship breaks up over Siberia</h1>{PROSE}"),
        );
        assert_eq!(doc.title, "Cargo ship breaks up over Siberia");
    }

    #[test]
    fn title_tag_loses_its_site_name_tail() {
        for (title, site, want) in [
            (
                "A Quiet Harbour | Town Crier",
                "Town Crier",
                "A Quiet Harbour",
            ),
            (
                "A Quiet Harbour - Town Crier",
                "Town Crier",
                "A Quiet Harbour",
            ),
            (
                "A Quiet Harbour — Town Crier",
                "Town Crier",
                "A Quiet Harbour",
            ),
            (
                "A Quiet Harbour :: Town Crier",
                "Town Crier",
                "A Quiet Harbour",
            ),
            (
                "Town Crier | A Quiet Harbour",
                "Town Crier",
                "A Quiet Harbour",
            ),
            (
                "A Quiet Harbour | TownCrier.com",
                "Town Crier",
                "A Quiet Harbour",
            ),
        ] {
            let doc = page(
                &format!(
                    r#"<title>{title}</title><meta property="og:site_name" content="{site}">"#
                ),
                PROSE,
            );
            assert_eq!(doc.title, want, "from {title:?}");
        }
    }

    /// Real `<title>`s of saved pages (news, blogs and shops in many languages), with
    /// the site name the page declares (`og:site_name`, empty when it declares none).
    #[test]
    fn real_title_tails_and_separators() {
        for (title, site, want) in [
            (
                "Kaisers royaler Wochenrückblick – JUNGE FREIHEIT",
                "JUNGE FREIHEIT",
                "Kaisers royaler Wochenrückblick",
            ),
            (
                "Brookhaven Village closed due to gas leak - Rough Draft Atlanta",
                "Rough Draft Atlanta",
                "Brookhaven Village closed due to gas leak",
            ),
            (
                "Coronavirus: £1,000 fine for falsely reporting a contact to force them to self-isolate | The Independent",
                "The Independent",
                "Coronavirus: £1,000 fine for falsely reporting a contact to force them to self-isolate",
            ),
            (
                "Leudot talvet tekevät meistä väsyneempiä – näillä keinoilla torjut kaamosoireita | Yle Uutiset | yle.fi",
                "Yle Uutiset",
                "Leudot talvet tekevät meistä väsyneempiä – näillä keinoilla torjut kaamosoireita",
            ),
            (
                "Verstappen noteert zesde tijd in derde training Russische Grand Prix | NU - Het laatste nieuws het eerst op NU.nl",
                "NU",
                "Verstappen noteert zesde tijd in derde training Russische Grand Prix",
            ),
            (
                "Pour le néolibéralisme, la retraite est un archaïsme | AOC media - Analyse Opinion Critique",
                "AOC media",
                "Pour le néolibéralisme, la retraite est un archaïsme",
            ),
            (
                "Rockland to declare local state of emergency on Monday - News - recordonline.com - Middletown, NY",
                "recordonline.com",
                "Rockland to declare local state of emergency on Monday - News",
            ),
            (
                "Zverev zieht ins Viertelfinale von Montpellier ein - tennis MAGAZIN",
                "tennis MAGAZIN",
                "Zverev zieht ins Viertelfinale von Montpellier ein",
            ),
            (
                "Congresos y seminarios sobre actividad física y salud se transmitirán desde Puerto Montt | soypuertomontt.cl",
                "soychile.cl",
                "Congresos y seminarios sobre actividad física y salud se transmitirán desde Puerto Montt",
            ),
            (
                "Corona-Lockerungen: Autohäuser rechnen mit langsamem Anlaufen des Geschäfts | MDR.DE",
                "",
                "Corona-Lockerungen: Autohäuser rechnen mit langsamem Anlaufen des Geschäfts",
            ),
            (
                "Bielersee-Winterhechte | petri-heil.ch | Dein Schweizer Fischereimagazin",
                "",
                "Bielersee-Winterhechte",
            ),
            (
                "Die Arbeitswelt von morgen: Sieben Berufe, die Zukunft haben - channelpartner.de",
                "",
                "Die Arbeitswelt von morgen: Sieben Berufe, die Zukunft haben",
            ),
            (
                "Наступного тижня на Україну чекають аномальна спека та грози - ZAXID.NET",
                "ZAXID.NET",
                "Наступного тижня на Україну чекають аномальна спека та грози",
            ),
            (
                "مصر تسجل 30 إصابة جديدة وحالتي وفاة بفيروس كورونا - Sputnik Arabic",
                "Sputnik Arabic",
                "مصر تسجل 30 إصابة جديدة وحالتي وفاة بفيروس كورونا",
            ),
            (
                "“Tenemos Silvia Pinal para rato”: Alejandra Guzmán habla del estado de salud de su mamá | La Prensa",
                "La Prensa",
                "“Tenemos Silvia Pinal para rato”: Alejandra Guzmán habla del estado de salud de su mamá",
            ),
            (
                "Colonel Barry accusé pour « vol aggravé » : vers la projection de la vidéo de toute la vérité ? | Guinéenews©",
                "Guinéenews©",
                "Colonel Barry accusé pour « vol aggravé » : vers la projection de la vidéo de toute la vérité ?",
            ),
            (
                "Ladensterben immer dramatischer » ☆☆☆☆☆ - Journalistenwatch e.V. - Aktuelle Geschehnisse",
                "Journalistenwatch e.V.",
                "Ladensterben immer dramatischer",
            ),
            (
                "索尼、鎧俠業績遭波及 已向美申請供貨華為｜中時新聞網",
                "中時新聞網",
                "索尼、鎧俠業績遭波及 已向美申請供貨華為",
            ),
            // Separators inside the headline stay when no part names the site.
            (
                "Rene Benko-Firma Signa in Sorge – Finanzdaten und Berater-Auftrag",
                "Finanzmarktwelt",
                "Rene Benko-Firma Signa in Sorge – Finanzdaten und Berater-Auftrag",
            ),
            (
                "Israel/Palästina: Ein Krieg der Karten – die historischen Hintergründe",
                "Aargauer Zeitung",
                "Israel/Palästina: Ein Krieg der Karten – die historischen Hintergründe",
            ),
            (
                "Recherche : non à une loi inégalitaire - Francois Massol - Medium",
                "Medium",
                "Recherche : non à une loi inégalitaire - Francois Massol",
            ),
        ] {
            let site_meta = if site.is_empty() {
                String::new()
            } else {
                format!(r#"<meta property="og:site_name" content="{site}">"#)
            };
            let doc = page(&format!("<title>{title}</title>{site_meta}"), PROSE);
            assert_eq!(doc.title, want, "from {title:?}");
            let rule = doc.provenance.title.expect("a title has a rule");
            assert_eq!(rule.stage, "title", "{title:?}: {rule:?}");
        }
    }

    #[test]
    fn og_title_loses_a_tail_only_when_it_is_the_site_name() {
        let doc = page(
            r#"<title>x</title>
               <meta property="og:title" content="Obama speaks on gun laws - BBC News">
               <meta property="og:site_name" content="BBC News">"#,
            &format!("<h1>Obama speaks on gun laws</h1>{PROSE}"),
        );
        assert_eq!(doc.title, "Obama speaks on gun laws");
        let doc = page(
            r#"<meta property="og:title" content="Friday Facts #282 - 0.17 in sight">"#,
            PROSE,
        );
        assert_eq!(doc.title, "Friday Facts #282 - 0.17 in sight");
    }

    #[test]
    fn title_tag_without_a_known_site_cuts_only_a_name_like_tail() {
        for (title, want) in [
            // A short tail after a strong separator.
            (
                "Lorem ipsum dolor sit amet – My website",
                "Lorem ipsum dolor sit amet",
            ),
            // A name after a hyphen, with a head of three words or more.
            (
                "Field notes from the mill - Wren Valley Naturalists",
                "Field notes from the mill",
            ),
            // Dashes that belong to the title stay.
            (
                "Google - Site Reliability Engineering",
                "Google - Site Reliability Engineering",
            ),
            ("Spider-Man - Far From Home", "Spider-Man - Far From Home"),
            (
                "Covid-19 vaccines - a review",
                "Covid-19 vaccines - a review",
            ),
            (
                "How the 2008 crisis - and the bailout - changed banking",
                "How the 2008 crisis - and the bailout - changed banking",
            ),
            ("Python 3.12 - what's new", "Python 3.12 - what's new"),
        ] {
            let doc = page(&format!("<title>{title}</title>"), PROSE);
            assert_eq!(doc.title, want, "from {title:?}");
        }
    }

    #[test]
    fn title_tag_side_repeated_by_the_h1_is_the_title() {
        let doc = page(
            "<title>Evolve: Shared Mutable History — evolve extension for Mercurial</title>",
            &format!("<h1>evolve extension for Mercurial</h1>{PROSE}"),
        );
        assert_eq!(doc.title, "Evolve: Shared Mutable History");
    }

    #[test]
    fn titles_are_decoded_and_collapsed() {
        let doc = page(
            "<title>Fish &amp; chips:\n   the   &ldquo;real&rdquo; story</title>",
            PROSE,
        );
        assert_eq!(doc.title, "Fish & chips: the \u{201c}real\u{201d} story");
        // Double-escaped meta values are decoded once more.
        let doc = page(
            r#"<meta property="og:title" content="That&amp;#039;s all, folks">"#,
            PROSE,
        );
        assert_eq!(doc.title, "That's all, folks");
    }

    #[test]
    fn first_h1_when_there_is_no_title() {
        let doc = page("", &format!("<h1>  The   only heading </h1>{PROSE}"));
        assert_eq!(doc.title, "The only heading");
        let doc = page("", PROSE);
        assert_eq!(doc.title, "");
    }

    #[test]
    fn svg_titles_are_not_the_page_title() {
        let doc = page(
            "",
            &format!("<svg><title>icon</title></svg><h1>Real heading</h1>{PROSE}"),
        );
        assert_eq!(doc.title, "Real heading");
    }

    // ---- date ----

    #[test]
    fn article_published_time() {
        let doc = page(
            r#"<meta property="article:published_time" content="2017-11-11T10:00:00-05:00">"#,
            PROSE,
        );
        assert_eq!(day(&doc).as_deref(), Some("2017-11-11T10:00:00-05:00"));
        assert!(doc.warnings.is_empty());
    }

    /// Measured on real pages (README, "Dates of web pages"): a page's `<meta>` dates
    /// agree with the date it shows more often than its JSON-LD does.
    #[test]
    fn meta_comes_before_json_ld() {
        let doc = page(
            r#"<meta property="article:published_time" content="2015-12-11T14:28:34Z">
               <script type="application/ld+json">
               {"@context":"http://schema.org","@type":"NewsArticle",
                "datePublished":"2015-10-15T02:19:15.607Z"}</script>"#,
            PROSE,
        );
        assert_eq!(day(&doc).as_deref(), Some("2015-12-11T14:28:34Z"));
        assert_eq!(doc.provenance.date.as_ref().unwrap().stage, "meta");
        // JSON-LD when no meta says.
        let doc = page(
            r#"<script type="application/ld+json">
               {"@context":"http://schema.org","@type":"NewsArticle",
                "datePublished":"2015-10-15T02:19:15.607Z"}</script>"#,
            PROSE,
        );
        assert_eq!(day(&doc).as_deref(), Some("2015-10-15T02:19:15Z"));
        assert_eq!(doc.provenance.date.as_ref().unwrap().stage, "json-ld");
    }

    #[test]
    fn time_element() {
        let doc = page(
            "",
            &format!(r#"<article><time datetime="2020-09-21">Sep 21</time>{PROSE}</article>"#),
        );
        assert_eq!(day(&doc).as_deref(), Some("2020-09-21"));
        // One marked as the publication date beats an earlier one.
        let doc = page(
            "",
            &format!(
                r#"<time datetime="2020-01-01">x</time>
                   <time datetime="2020-09-21" pubdate>Sep 21</time>{PROSE}"#
            ),
        );
        assert_eq!(day(&doc).as_deref(), Some("2020-09-21"));
    }

    #[test]
    fn other_date_meta_tags() {
        for (key, attr, value, want) in [
            ("date", "name", "2020-09-21", "2020-09-21"),
            ("pubdate", "name", "20200921", "2020-09-21"),
            (
                "parsely-pub-date",
                "name",
                "2023-06-07T20:54:26.829Z",
                "2023-06-07T20:54:26Z",
            ),
            ("DC.date.issued", "name", "2014-12-15", "2014-12-15"),
            (
                "article:publicationdate",
                "name",
                "Fri Mar 13 21:30:09 EST 2015",
                "2015-03-13T21:30:09-05:00",
            ),
            ("DC.date", "name", "March 9, 2017", "2017-03-09"),
            ("datePublished", "itemprop", "2017-03-09", "2017-03-09"),
            (
                "sailthru.date",
                "name",
                "Tue, 21 Feb 2017 10:00:00 GMT",
                "2017-02-21T10:00:00Z",
            ),
        ] {
            let doc = page(
                &format!(r#"<meta {attr}="{key}" content="{value}">"#),
                PROSE,
            );
            assert_eq!(day(&doc).as_deref(), Some(want), "{key}");
        }
    }

    #[test]
    fn itemprop_date_on_an_abbr_title() {
        let doc = page(
            "",
            &format!(
                r#"<abbr itemprop="datePublished" title="2016-12-08T12:06:00-08:00">12:06 PM</abbr>{PROSE}"#
            ),
        );
        assert_eq!(day(&doc).as_deref(), Some("2016-12-08T12:06:00-08:00"));
        assert!(doc.warnings.is_empty());
    }

    #[test]
    fn date_from_the_canonical_url() {
        let doc = page(
            r#"<link rel="canonical" href="https://example.org/news/2017/11/11/data-firm/">"#,
            PROSE,
        );
        assert_eq!(day(&doc).as_deref(), Some("2017-11-11"));
        let doc = page(
            r#"<meta property="og:url" content="https://example.org/2019-3-5-reef-study">"#,
            PROSE,
        );
        assert_eq!(day(&doc).as_deref(), Some("2019-03-05"));
        // The URL's day wins over a declared one (96% right on the real pages it
        // decides), a declared one on the same day gives the time; a year and month
        // alone are no date.
        let doc = page(
            r#"<link rel="canonical" href="https://example.org/2017/11/11/x/">
               <meta name="date" content="2017-11-12">"#,
            PROSE,
        );
        assert_eq!(day(&doc).as_deref(), Some("2017-11-11"));
        let doc = page(
            r#"<link rel="canonical" href="https://example.org/2017/11/11/x/">
               <meta name="date" content="2017-11-11T09:30:00+01:00">"#,
            PROSE,
        );
        assert_eq!(day(&doc).as_deref(), Some("2017-11-11T09:30:00+01:00"));
        let doc = page(
            r#"<link rel="canonical" href="https://example.org/2017/11/x/">"#,
            PROSE,
        );
        assert_eq!(doc.date, None);
    }

    #[test]
    fn unparseable_date_is_a_warning() {
        let doc = page(
            r#"<meta property="article:published_time" content="last Tuesday">"#,
            PROSE,
        );
        assert_eq!(doc.date, None);
        assert_eq!(
            doc.warnings,
            vec![r#"unparseable date "last Tuesday" in article:published_time"#]
        );
        // A later candidate that parses makes the bad one harmless.
        let doc = page(
            r#"<meta property="article:published_time" content="last Tuesday">
               <meta name="date" content="2017-11-11">"#,
            PROSE,
        );
        assert_eq!(day(&doc).as_deref(), Some("2017-11-11"));
        assert!(doc.warnings.is_empty());
    }

    // ---- authors ----

    #[test]
    fn meta_author_and_several_meta_authors() {
        let doc = page(r#"<meta name="author" content="Ada Lovelace">"#, PROSE);
        assert_eq!(doc.authors, vec!["Ada Lovelace"]);
        let doc = page(
            r#"<meta name="author" content="Mary Clare Jalonick, Tali Arbel">"#,
            PROSE,
        );
        assert_eq!(doc.authors, vec!["Mary Clare Jalonick", "Tali Arbel"]);
        let doc = page(
            r#"<meta name="DC.Creator" content="Kooman, F.">
               <meta name="DC.Creator" content="Jong, Michiel de">"#,
            PROSE,
        );
        assert_eq!(doc.authors, vec!["Kooman, F.", "Jong, Michiel de"]);
        // A profile URL is not a name.
        let doc = page(
            r#"<meta property="article:author" content="https://facebook.com/someone">"#,
            PROSE,
        );
        assert!(doc.authors.is_empty());
    }

    #[test]
    fn json_ld_author_shapes() {
        for (author, want) in [
            (r#""Jane Roe""#, vec!["Jane Roe"]),
            (r#"{"@type":"Person","name":"Jane Roe"}"#, vec!["Jane Roe"]),
            (
                r#"[{"@type":"Person","name":"Jane Roe"},{"@type":"Person","name":"John Doe"}]"#,
                vec!["Jane Roe", "John Doe"],
            ),
            (r#"["Jane Roe", "John Doe"]"#, vec!["Jane Roe", "John Doe"]),
            (
                r#"{"@type":"Person","givenName":"Jane","familyName":"Roe"}"#,
                vec!["Jane Roe"],
            ),
        ] {
            let doc = page(
                &format!(
                    r#"<script type="application/ld+json">
                    {{"@context":"https://schema.org","@type":"Article","headline":"H",
                      "author":{author}}}</script>"#
                ),
                PROSE,
            );
            assert_eq!(doc.authors, want, "{author}");
        }
    }

    #[test]
    fn rel_author_links_beside_each_other() {
        let doc = page(
            "",
            &format!(
                r#"<p>By <a rel="author" href="/a">Priya Natarajan</a> and
                   <a rel="author" href="/b">Sam Okafor</a></p>{PROSE}
                   <div><a rel="author" href="/c">Someone Else</a></div>"#
            ),
        );
        assert_eq!(doc.authors, vec!["Priya Natarajan", "Sam Okafor"]);
    }

    #[test]
    fn itemprop_author_and_byline() {
        let doc = page(
            "",
            &format!(
                r#"<div itemprop="author" itemscope><span itemprop="name">Steven Musil</span></div>{PROSE}"#
            ),
        );
        assert_eq!(doc.authors, vec!["Steven Musil"]);
        let doc = page(
            "",
            &format!(r#"<div class="byline">By Kelli   Miller</div>{PROSE}"#),
        );
        assert_eq!(doc.authors, vec!["Kelli Miller"]);
        // Page furniture that happens to sit where an author would is not one.
        let doc = page(
            "",
            &format!(r#"<a rel="author" href="/p">View my complete profile</a>{PROSE}"#),
        );
        assert!(doc.authors.is_empty(), "{:?}", doc.authors);
    }

    /// Author values as real pages write them (meta tags and JSON-LD in several
    /// languages), and what a reader would call the authors.
    #[test]
    fn real_author_values() {
        for (value, want) in [
            ("Von Britta Schultejans", vec!["Britta Schultejans"]),
            (
                "von Daniel Braun und Davor Pasoski",
                vec!["Daniel Braun", "Davor Pasoski"],
            ),
            (
                "Par Stefan Häne et Sylvain Besson",
                vec!["Stefan Häne", "Sylvain Besson"],
            ),
            ("Por Adolfo López", vec!["Adolfo López"]),
            ("door Jan de Vries", vec!["Jan de Vries"]),
            ("Autor: Jan Kowalski", vec!["Jan Kowalski"]),
            ("Von der Leyen", vec!["Von der Leyen"]),
            (
                "Glen Owen and Brendan Carlin For The Mail On Sunday",
                vec!["Glen Owen", "Brendan Carlin"],
            ),
            ("Charles Walton for SurgeZirc UK", vec!["Charles Walton"]),
            ("Lüder Hoppe info@buero-hoppe.de", vec!["Lüder Hoppe"]),
            ("cipha[at]cipha.net", vec![]),
            ("219.79.38.192", vec![]),
            ("By", vec![]),
        ] {
            let head = format!(r#"<meta name="author" content="{value}">"#);
            let doc = page(&head, PROSE);
            assert_eq!(doc.authors, want, "from {value:?}");
            if !want.is_empty() {
                assert_eq!(doc.provenance.author.unwrap().rule, "<meta author>");
            }
        }
        // An author object written as a JSON string inside JSON-LD.
        let ld = r#"<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rates rise",
            "author": "{ \"@type\":\"Person\", \"name\":\"Alice Wu\" }"}</script>"#;
        let doc = page(ld, PROSE);
        assert_eq!(doc.authors, vec!["Alice Wu"]);
        assert_eq!(
            doc.provenance.author.unwrap(),
            Rule::new("json-ld", "NewsArticle.author")
        );
    }

    // ---- publisher and source ----

    #[test]
    fn publisher_from_og_site_name_then_json_ld() {
        let doc = page(
            r#"<meta property="og:site_name" content="The Verge">"#,
            PROSE,
        );
        assert_eq!(doc.publisher.as_deref(), Some("The Verge"));
        let doc = page(
            r#"<script type="application/ld+json">
               {"@context":"https://schema.org","@type":"Article",
                "publisher":{"@type":"Organization","name":"Wikimedia Foundation, Inc."}}</script>"#,
            PROSE,
        );
        assert_eq!(doc.publisher.as_deref(), Some("Wikimedia Foundation, Inc."));
    }

    #[test]
    fn source_is_an_absolute_canonical_or_og_url() {
        let doc = page(
            r#"<link rel="canonical" href="https://example.org/a/b">
               <meta property="og:url" content="https://example.org/other">"#,
            PROSE,
        );
        assert_eq!(doc.source.as_deref(), Some("https://example.org/a/b"));
        let doc = page(
            r#"<link rel="canonical" href="/a/b">
               <meta property="og:url" content="http://example.org/og">"#,
            PROSE,
        );
        assert_eq!(doc.source.as_deref(), Some("http://example.org/og"));
        for head in [
            r#"<link rel="canonical" href="/a/b">"#,
            r#"<link rel="canonical" href="ftp://example.org/a">"#,
            r#"<link rel="canonical" href="javascript:alert(1)">"#,
            r#"<link rel="canonical" href="mailto:a@example.org">"#,
            r#"<link rel="canonical" href="https:///nohost">"#,
            r#"<link rel="canonical" href="">"#,
        ] {
            assert_eq!(page(head, PROSE).source, None, "{head}");
        }
    }

    #[test]
    fn relative_urls_resolve_against_an_absolute_base() {
        for (base, href, want) in [
            (
                "https://example.org/blog/",
                "/a/b",
                "https://example.org/a/b",
            ),
            (
                "https://example.org/blog/",
                "post/1",
                "https://example.org/blog/post/1",
            ),
            (
                "https://example.org/blog/x.html",
                "../a",
                "https://example.org/a",
            ),
            (
                "https://example.org/blog/",
                "//cdn.example.org/a",
                "https://cdn.example.org/a",
            ),
            (
                "https://example.org/blog/?p=1",
                "?p=2",
                "https://example.org/blog/?p=2",
            ),
            (
                "https://example.org/blog/",
                "/go?to=http://other.example/",
                "https://example.org/go?to=http://other.example/",
            ),
        ] {
            let doc = page(
                &format!(r#"<base href="{base}"><link rel="canonical" href="{href}">"#),
                PROSE,
            );
            assert_eq!(doc.source.as_deref(), Some(want), "{base} + {href}");
        }
        // A relative base makes nothing absolute.
        let doc = page(
            r#"<base href="/blog/"><link rel="canonical" href="a">"#,
            PROSE,
        );
        assert_eq!(doc.source, None);
    }

    // ---- JSON-LD shapes ----

    #[test]
    fn json_ld_array_graph_and_references() {
        let doc = page(
            r#"<script type="application/ld+json">
               [{"@context":"https://schema.org","@type":"BreadcrumbList","name":"Home"},
                {"@context":"https://schema.org","@type":["Article","NewsArticle"],
                 "headline":"From the array","datePublished":"2020-07-10T14:15:42+00:00"}]
               </script>"#,
            PROSE,
        );
        assert_eq!(doc.title, "From the array");
        assert_eq!(day(&doc).as_deref(), Some("2020-07-10T14:15:42Z"));

        let doc = page(
            r#"<script type="application/ld+json">
               {"@context":"https://schema.org","@graph":[
                 {"@type":"WebSite","@id":"https://ex.org/#site","name":"Example Site"},
                 {"@type":"WebPage","@id":"https://ex.org/p#page","name":"From the graph | Example Site",
                  "datePublished":"2020-01-02"},
                 {"@type":"BlogPosting","headline":"From the graph","datePublished":"2020-01-01",
                  "author":{"@id":"https://ex.org/#/person/1"},
                  "publisher":{"@id":"https://ex.org/#org"}},
                 {"@type":"Person","@id":"https://ex.org/#/person/1","name":"Grace Hopper"},
                 {"@type":"Organization","@id":"https://ex.org/#org","name":"Example Org"}
               ]}</script>"#,
            PROSE,
        );
        assert_eq!(doc.title, "From the graph");
        assert_eq!(day(&doc).as_deref(), Some("2020-01-01"));
        assert_eq!(doc.authors, vec!["Grace Hopper"]);
        assert_eq!(doc.publisher.as_deref(), Some("Example Org"));
    }

    #[test]
    fn json_ld_in_cdata_with_raw_line_breaks() {
        let doc = page(
            "<script type=\"application/ld+json\">//<![CDATA[\n{\"@context\":\"http://schema.org\",\
             \"@type\":\"Article\",\"headline\":\"Two\nlines\",\"datePublished\":\"2018-04-05T06:00\"}\n//]]></script>",
            PROSE,
        );
        assert_eq!(doc.title, "Two lines");
        assert_eq!(day(&doc).as_deref(), Some("2018-04-05T06:00:00Z"));
    }

    #[test]
    fn malformed_json_ld_is_ignored() {
        for bad in [
            r#"{"@type":"Article","headline":"Cut off"#,
            r#"{"@type": Article}"#,
            "",
            "null",
            "42",
            r##"{"@type":"Article","author":{"@id":"#me"},"@id":"#me"}"##,
            &"[".repeat(10_000),
        ] {
            let doc = page(
                &format!(
                    r#"<title>Fallback title</title><script type="application/ld+json">{bad}</script>"#
                ),
                PROSE,
            );
            assert_eq!(doc.title, "Fallback title");
            assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        }
    }

    // ---- body ----

    #[test]
    fn body_keeps_article_text_only() {
        let doc = page(
            "<title>T</title><style>.x { color: red }</style><script>var inHead = 1;</script>",
            &format!(
                r#"<header><div class="logo">Site logo text</div></header>
                <nav><ul><li><a href="/">Home link</a></li><li><a href="/b">Other link</a></li></ul></nav>
                <article><h1>T</h1>{PROSE}<script>var tracking = "SECRET";</script>
                <style>.article {{ margin: 0 }}</style>
                <p>Last paragraph &amp; done, with   spaces
                and a line break.</p></article>
                <footer>Footer text</footer>"#
            ),
        );
        for absent in [
            "SECRET",
            "tracking",
            "margin",
            "color: red",
            "Home link",
            "Footer text",
            "Site logo text",
        ] {
            assert!(!doc.body.contains(absent), "{absent:?} in {:?}", doc.body);
        }
        assert!(
            doc.body.starts_with("The committee met on Tuesday"),
            "{:?}",
            doc.body
        );
        assert!(doc
            .body
            .ends_with("Last paragraph & done, with spaces and a line break."));
        assert_eq!(doc.body.split("\n\n").count(), 3, "{:?}", doc.body);
    }

    #[test]
    fn tiny_page_falls_back_to_visible_text() {
        let doc = page(
            "<title>Note</title><script>var x = 1;</script>",
            "<nav>Menu</nav><p>Back at   five.</p><div>Keys are under the mat.</div><footer>(c) me</footer>",
        );
        assert_eq!(doc.body, "Back at five.\n\nKeys are under the mat.");
        let doc = parse("Just some text, no tags at all.");
        assert_eq!(doc.body, "Just some text, no tags at all.");
    }

    #[test]
    fn visible_text_skips_hidden_and_invisible_characters() {
        let doc = page(
            "",
            "<p hidden>Hidden</p><p aria-hidden=\"true\">Also hidden</p><p>Sh\u{ad}y\u{200b} words\u{feff}</p>",
        );
        assert_eq!(doc.body, "Shy words");
    }

    // ---- malformed input ----

    #[test]
    fn empty_and_whitespace_input() {
        for input in ["", " ", "\n\t", "<html></html>", "<!DOCTYPE html>"] {
            let doc = parse(input);
            assert_eq!(doc.title, "");
            assert_eq!(doc.body, "");
            assert_eq!(doc.date, None);
            assert!(doc.authors.is_empty());
        }
    }

    #[test]
    fn unclosed_and_misnested_tags() {
        let doc = parse(
            "<html><head><title>Unclosed</title><body><p>One <b>two <i>three</b> four</i>\
             <p>Five <div><table><tr><td>cell</p></div> six <a href='x'>link",
        );
        assert_eq!(doc.title, "Unclosed");
        assert!(doc.body.contains("One two three four"), "{:?}", doc.body);
        assert!(doc.body.contains("cell"));
        // An unclosed <title> swallows the rest of the page, as in a browser.
        let doc = parse("<title>Open <p>and more");
        assert_eq!(doc.title, "Open <p>and more");
        let doc = parse("<title>Cut</title><p>The text ends in the middle of a tag <a href=\"x");
        assert_eq!(doc.title, "Cut");
        assert!(doc.body.starts_with("The text ends"));
    }

    #[test]
    fn binary_garbage_does_not_panic() {
        // A simple LCG: deterministic bytes without a dependency.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for round in 0..20 {
            let bytes: Vec<u8> = (0..2000 + round * 300)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    (state >> 56) as u8
                })
                .collect();
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse(&text);
            let _ = parse(&format!(
                "<html><head><title>{text}</title></head><body>{text}"
            ));
        }
        let _ = parse("\0\0\0<\0p>\u{fffd}\u{fffd}</");
        let _ = parse("<<<<>>>><!--<!--<![CDATA[<script><style></");
    }

    #[test]
    fn deeply_nested_divs_do_not_overflow_or_hang() {
        let depth = 10_000;
        let html = format!(
            "<html><head><title>Deep</title></head><body>{}<p>At the bottom.</p>{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let doc = parse(&html);
        assert_eq!(doc.title, "Deep");
        assert_eq!(doc.body, "At the bottom.");
        assert!(doc.warnings.iter().any(|w| w.contains("flattened")));
        // Unclosed, and with other elements.
        for open in [
            "<div>",
            "<span>",
            "<b><i>",
            "<table><tr><td>",
            "<ul><li>",
            "<blockquote>",
        ] {
            let html = format!("<title>Deep</title>{}text", open.repeat(5_000));
            let doc = parse(&html);
            assert!(doc.body.contains("text"), "{open}");
        }
    }

    #[test]
    fn flattening_keeps_text_and_skips_scripts_and_comments() {
        assert_eq!(flatten_deep("<div><p>x</p></div>", 256), None);
        let html = format!(
            "{}<!-- <div><div><div> --><script>if (a<b) {{}}</script>word{}",
            "<div>".repeat(3),
            "</div>".repeat(3)
        );
        assert_eq!(
            flatten_deep(&html, 2).as_deref(),
            Some(
                "<div><div> <!-- <div><div><div> --><script>if (a<b) {}</script>word </div></div>"
            )
        );
        // Paragraphs and list items close each other: a long run of them is not deep.
        assert_eq!(flatten_deep(&"<p>x<li>y<br>".repeat(1000), 2), None);
        // Quoted `>` inside attributes, upper case, unfinished tags.
        assert_eq!(
            flatten_deep(r#"<DIV title="a>b"><div>x</div></DIV><div"#, 1).as_deref(),
            Some(r#"<DIV title="a>b"> x </DIV><div"#)
        );
    }

    #[test]
    fn meta_urls_are_not_decoded_twice() {
        let doc = page(
            r#"<meta property="og:url" content="https://example.org/a?x=1&amp;copy=2">"#,
            PROSE,
        );
        assert_eq!(
            doc.source.as_deref(),
            Some("https://example.org/a?x=1&copy=2")
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        #[test]
        fn tag_soup_never_panics(
            s in r#"(<(/?)(div|p|a|title|script|style|meta|li|ul|time|h1|nav|table|td|svg)( (content|property|href|rel|datetime)="[^"<>]{0,12}")*/?>|<!--|-->|&[a-z#0-9]{0,5};?|[a-zA-Z0-9 |\-:/.]{0,10}){0,50}"#
        ) {
            let doc = parse(&s);
            proptest::prop_assert!(!doc.title.contains('\n'));
            proptest::prop_assert!(!doc.body.contains("\n\n\n"));
        }

        #[test]
        fn any_text_never_panics(s in "(?s).{0,300}") {
            let _ = parse(&s);
        }
    }

    // ---- fixtures ----

    #[test]
    fn fixture_news_article_with_json_ld() {
        let doc = parse(include_str!("../../tests/fixtures/html/news-jsonld.html"));
        assert_eq!(doc.title, "Harbour city votes to close coal plant by 2030");
        // 07:45 in Sydney, the evening before in UTC: the date as published.
        assert_eq!(day(&doc).as_deref(), Some("2021-06-14T07:45:00+10:00"));
        assert_eq!(doc.authors, vec!["Ana Ruiz", "Tom's Desk"]);
        assert_eq!(doc.publisher.as_deref(), Some("The Coastal Ledger"));
        assert_eq!(
            doc.source.as_deref(),
            Some("https://www.coastalledger.example/news/2021/06/14/harbour-city-coal-plant-vote/")
        );
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        assert!(doc
            .body
            .contains("The city council voted nine to two on Monday night"));
        assert!(doc
            .body
            .contains("workers & suppliers \u{201c}a clear date to plan around\u{201d}"));
        assert!(doc.body.contains("What happens next"));
        assert!(doc.body.contains("the mayor said after the meeting."));
        for absent in [
            "dataLayer",
            "font-family",
            "Subscribe\n",
            "Related stories",
            "All rights reserved",
            "Privacy",
        ] {
            assert!(!doc.body.contains(absent), "{absent:?} in body");
        }
    }

    #[test]
    fn fixture_blog_post_with_meta_tags_only() {
        let doc = parse(include_str!(
            "../../tests/fixtures/html/blog-meta-only.html"
        ));
        assert_eq!(doc.title, "Sourdough starters in a cold kitchen");
        assert_eq!(day(&doc).as_deref(), Some("2019-01-20T18:05:00+01:00"));
        assert_eq!(doc.authors, vec!["Maren Holt"]);
        assert_eq!(doc.publisher.as_deref(), Some("Crumb & Crust"));
        assert_eq!(
            doc.source.as_deref(),
            Some("https://crumbandcrust.example/2019/01/sourdough-cold-kitchen/")
        );
        assert!(
            doc.body
                .starts_with("My kitchen sits at about fifteen degrees"),
            "{:?}",
            doc.body
        );
        assert!(doc
            .body
            .ends_with("the loaves open properly along the score."));
        assert_eq!(doc.body.split("\n\n").count(), 3);
        assert!(!doc.body.contains("Archives"));
    }

    #[test]
    fn fixture_page_with_only_title_and_h1() {
        let doc = parse(include_str!(
            "../../tests/fixtures/html/title-and-h1-only.html"
        ));
        assert_eq!(doc.title, "Field notes: counting swifts over the old mill");
        assert_eq!(doc.date, None);
        assert!(doc.authors.is_empty());
        assert_eq!(doc.publisher, None);
        assert_eq!(doc.source, None);
        assert!(doc.warnings.is_empty());
        assert!(doc.body.contains("Eleven of us met at the mill bridge"));
        assert!(doc
            .body
            .contains("for letting us use the car park. Next count:"));
    }

    #[test]
    fn fixture_date_in_url_and_rel_author_byline() {
        let doc = parse(include_str!(
            "../../tests/fixtures/html/dated-url-byline.html"
        ));
        assert_eq!(
            doc.title,
            "Why our build got 40% faster after we deleted a cache"
        );
        assert_eq!(day(&doc).as_deref(), Some("2022-09-07"));
        assert_eq!(doc.authors, vec!["Priya Natarajan", "Sam Okafor"]);
        assert_eq!(
            doc.source.as_deref(),
            Some("https://eng.larkspur.example/2022/09/07/deleting-the-cache/")
        );
        assert!(doc
            .body
            .contains("before: restore 91s, install 38s after: install 41s"));
        assert!(doc.body.contains("We deleted the cache."));
        assert!(!doc.body.contains("We are hiring"));
    }
}
