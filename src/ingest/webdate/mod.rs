//! The day a web page was published, found in stages, cheapest and surest first. The
//! cascade is trove's own, written after studying htmldate's (its documentation and
//! evaluation); how often each stage decides on real pages is in the README.
//!
//! 1. `url`: a `YYYY/MM/DD` in the page's own canonical or Open Graph URL (96% right on
//!    the pages it decides).
//! 2. `meta`: the first publication date in `<meta>` tags, in document order, of every
//!    common kind (Open Graph and `article:*`, Dublin Core, Parse.ly, sailthru,
//!    `itemprop`, citation, plain `date`...).
//! 3. `json-ld`: the `datePublished` of the page's article in its JSON-LD (objects,
//!    arrays, `@graph`), then `dateCreated` and `uploadDate`.
//! 4. `markup`: `<time datetime>` marked as the publication (`pubdate`, `itemprop`, a
//!    class such as `published` or `entry-date`; the nearest after the title),
//!    other elements with `itemprop=datePublished`, `<abbr class=published>`.
//! 5. `byline`: the visible text near the title and the byline: short elements whose
//!    class, id or itemprop speak of a date or a byline (`date`, `datum`, `published`,
//!    `posted`, `byline`, `meta`, `fecha`...), read for dates in any language the date
//!    parser knows. A date labelled `Published`, `Posted`, `Veröffentlicht am`, `Publié
//!    le`, `Publicado`... comes first, one labelled as an update last; among equals
//!    the nearest after the title wins. Comments, related articles and sidebars are
//!    not read.
//! 6. `modified`: a modification date from the metadata (`article:modified_time`,
//!    JSON-LD `dateModified`), when the page gives no publication date.
//! 7. `markup` again: the earliest `<time datetime>` (a thread's first post).
//! 8. `text`: the last resort, the first date in the text after the title (else in the
//!    page), then a timestamp written anywhere in the page's source.
//!
//! Every date found is checked against what a web page's can be: not before 1995,
//! not after the day of the run plus one. A copyright line with a range of years
//! (`© 2010-2018`) bounds dates read from the text from below; a copyright year is
//! never a date itself.

mod scan;
pub(crate) mod words;

pub use scan::dates_in;

use std::ops::Range;
use std::sync::LazyLock;

use dom_query::{Document, NodeRef};
use jiff::civil::Date;
use regex::Regex;
use serde_json::Value;

use crate::date::{parse_date, DocDate};

/// Which stage found a date, and by which rule: `trove parse --json --explain` shows it.
pub use crate::ingest::extracted::Rule as Provenance;

use words::*;

/// What the date finder reads of a page.
pub struct PageFacts<'a> {
    pub doc: &'a Document,
    /// The page as written (for timestamps in scripts and attributes).
    pub html: &'a str,
    /// `<meta>` tags as (lower-cased key from `property`, `name` or `itemprop`, value),
    /// in document order.
    pub meta: &'a [(String, String)],
    /// JSON-LD items, best first (the page's article first).
    pub ld: &'a [Value],
    /// The page's own URLs: canonical link, `og:url`.
    pub urls: Vec<String>,
    /// The page's language (`<html lang>`), lower-case.
    pub lang: String,
}

/// The range of days a web page's publication can have: 1995-01-01 to `today` + 1.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub earliest: Date,
    pub latest: Date,
}

impl Bounds {
    /// For a page read today: no later than tomorrow (a page published late in the
    /// evening west of here is dated tomorrow east of here).
    pub fn today() -> Bounds {
        let today = jiff::ZonedDateTime::now().date();
        Bounds::until(today)
    }

    pub fn until(today: Date) -> Bounds {
        Bounds {
            earliest: Date::constant(1995, 1, 1),
            latest: today.tomorrow().unwrap_or(today),
        }
    }

    pub fn allows(&self, date: &DocDate) -> bool {
        let day = date.local_day();
        day >= self.earliest && day <= self.latest
    }
}

/// Finds the day `page` was published, and how.
pub fn find(page: &PageFacts, bounds: Bounds) -> Option<(DocDate, Provenance)> {
    if let Some((day, rule)) = url(page, bounds) {
        // The URL gives the day; metadata that gives the same day also gives its time.
        let precise = meta(page, bounds, META_PUBLISHED, "meta")
            .into_iter()
            .chain(json_ld(
                page,
                bounds,
                &["datePublished", "dateCreated"],
                "json-ld",
            ))
            .find(|(d, _)| d.local_day() == day.local_day());
        return Some(precise.unwrap_or((day, rule)));
    }
    let declared = meta(page, bounds, META_PUBLISHED, "meta");
    let structured = json_ld(
        page,
        bounds,
        &["datePublished", "dateCreated", "uploadDate"],
        "json-ld",
    );
    if let (Some(m), Some(j)) = (&declared, &structured) {
        if m.0.local_day() != j.0.local_day() {
            // The two disagree (one is often a re-publication or an update): the one
            // the page shows near its title, if it shows only that one; else the meta
            // tag's.
            let shown = days_near_title(page, bounds);
            let shows = |d: &DocDate| shown.contains(&d.local_day());
            if shows(&j.0) && !shows(&m.0) {
                return structured;
            }
        }
    }
    declared
        .or(structured)
        .or_else(|| markup(page, bounds))
        .or_else(|| byline(page, bounds))
        .or_else(|| {
            json_ld(page, bounds, &["dateModified"], "modified")
                .or_else(|| meta(page, bounds, META_MODIFIED, "modified"))
        })
        .or_else(|| earliest_time(page, bounds))
        .or_else(|| text(page, bounds))
        .or_else(|| timestamp(page, bounds))
}

fn found(date: DocDate, stage: &'static str, rule: impl Into<String>) -> (DocDate, Provenance) {
    (
        date,
        Provenance {
            stage,
            rule: rule.into(),
        },
    )
}

/// A date string from metadata, if it is one a page can have. An all-number date with
/// the year last (`06-08-2009`) is read in the page's order, day first unless the page
/// is in American English.
fn plausible(value: &str, lang: &str, bounds: Bounds) -> Option<DocDate> {
    let numeric_year_last = AMBIGUOUS.is_match(value.trim());
    let date = if numeric_year_last {
        dates_in(value, lang).into_iter().next().map(|(d, _)| d)
    } else {
        parse_date(value)
    };
    date.filter(|d| bounds.allows(d))
}

static AMBIGUOUS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b").expect("valid regex"));

fn json_ld(
    page: &PageFacts,
    bounds: Bounds,
    keys: &[&str],
    stage: &'static str,
) -> Option<(DocDate, Provenance)> {
    for key in keys {
        for item in page.ld {
            let value = match item.get(*key) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(list)) => match list.iter().find_map(Value::as_str) {
                    Some(s) => s.to_string(),
                    None => continue,
                },
                _ => continue,
            };
            if let Some(d) = plausible(&value, &page.lang, bounds) {
                let kind = super::html::jsonld::type_name(item);
                return Some(found(d, stage, format!("{kind}.{key}")));
            }
        }
    }
    None
}

fn meta(
    page: &PageFacts,
    bounds: Bounds,
    keys: &[&str],
    stage: &'static str,
) -> Option<(DocDate, Provenance)> {
    // The first in document order: a page's own tags come before the ones its
    // templates add (measured: better than any order of keys).
    for (k, v) in page.meta {
        if keys.contains(&k.as_str()) {
            if let Some(d) = plausible(v, &page.lang, bounds) {
                return Some(found(d, stage, format!("<meta {k}>")));
            }
        }
    }
    None
}

/// A full date in a URL: `/2019/10/16/`, `2019-10-16`, `2019_10_16`.
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|\D)((?:199\d|20[0-3]\d))[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?:\D|$)",
    )
    .expect("valid regex")
});

fn url(page: &PageFacts, bounds: Bounds) -> Option<(DocDate, Provenance)> {
    for u in &page.urls {
        // The path, not the host (`www.2019-news.com`).
        let parsed = url::Url::parse(u).ok();
        let path = parsed.as_ref().map_or(u.as_str(), url::Url::path);
        if let Some(c) = URL_DATE.captures(path) {
            let date = civil(&c[1], &c[2], &c[3]).map(DocDate::day);
            if let Some(d) = date.filter(|d| bounds.allows(d)) {
                return Some(found(d, "url", "YYYY/MM/DD in the page's URL"));
            }
        }
    }
    None
}

fn civil(y: &str, m: &str, d: &str) -> Option<Date> {
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// Lower-case text of an attribute, or empty.
fn attr(node: &NodeRef, name: &str) -> String {
    node.attr(name)
        .map(|v| v.to_lowercase())
        .unwrap_or_default()
}

fn markup(page: &PageFacts, bounds: Bounds) -> Option<(DocDate, Provenance)> {
    const PUBLISHED_CLASSES: &[&str] = &[
        "published",
        "entry-date",
        "entry-time",
        "post-date",
        "pubdate",
        "publish",
        "date-published",
        "article-date",
        "dt-published",
    ];
    // <time datetime> marked as the publication, the nearest after the title first
    // (not in comments or related articles).
    let title = title_node(page.doc);
    let times = page.doc.select("time[datetime]");
    let mut marked_times: Vec<(bool, NodeRef)> = Vec::new();
    for node in times.nodes().iter().take(1000) {
        let class = attr(node, "class");
        let itemprop = attr(node, "itemprop");
        let marked = node.has_attr("pubdate")
            || itemprop.contains("datepublished")
            || PUBLISHED_CLASSES.iter().any(|c| class.contains(c));
        if !marked || class.contains("updated") || itemprop.contains("datemodified") {
            continue;
        }
        if in_other_content(node) {
            continue;
        }
        let before_title = title.is_some_and(|t| node.id < t.id);
        marked_times.push((before_title, *node));
    }
    marked_times.sort_by(|(a, x), (b, y)| {
        a.cmp(b)
            .then(if *a { y.id.cmp(&x.id) } else { x.id.cmp(&y.id) })
    });
    for (_, node) in marked_times {
        if let Some(d) = node
            .attr("datetime")
            .and_then(|v| plausible(&v, &page.lang, bounds))
        {
            return Some(found(
                d,
                "markup",
                "<time datetime> marked as the publication",
            ));
        }
    }
    // Other elements with itemprop=datePublished: their content, datetime or title,
    // else their text.
    for node in page.doc.select("[itemprop]").nodes().iter().take(3000) {
        if node.has_name("meta") {
            continue;
        }
        let itemprop = attr(node, "itemprop");
        if !itemprop.split_whitespace().any(|p| p == "datepublished") {
            continue;
        }
        for a in ["content", "datetime", "title"] {
            if let Some(d) = node.attr(a).and_then(|v| plausible(&v, &page.lang, bounds)) {
                return Some(found(d, "markup", format!("itemprop=datePublished {a}")));
            }
        }
        let text = squeeze(&node.text());
        if let Some((d, _)) = first_date(&text, &page.lang, bounds) {
            return Some(found(d, "markup", "itemprop=datePublished text"));
        }
    }
    // <abbr class=published title=...> (hAtom), and Facebook's data-utime.
    for node in page.doc.select("abbr").nodes().iter().take(1000) {
        let class = attr(node, "class");
        if class.contains("published") {
            // Its text, when it holds a date, says how to read the title (`06-08-2009`).
            let text = squeeze(&node.text());
            let shown = first_date(&text, &page.lang, bounds).map(|(d, _)| d);
            let titled = node
                .attr("title")
                .and_then(|v| plausible(&v, &page.lang, bounds));
            match (titled, shown) {
                (Some(t), Some(s)) if t.local_day() != s.local_day() => {
                    return Some(found(s, "markup", "<abbr class=published> text"));
                }
                (Some(t), _) => return Some(found(t, "markup", "<abbr class=published title>")),
                (None, Some(s)) => return Some(found(s, "markup", "<abbr class=published> text")),
                (None, None) => {}
            }
        }
        if let Some(d) = node
            .attr("data-utime")
            .and_then(|v| plausible(&v, &page.lang, bounds))
        {
            return Some(found(d, "markup", "<abbr data-utime>"));
        }
    }
    None
}

fn byline(page: &PageFacts, bounds: Bounds) -> Option<(DocDate, Provenance)> {
    let bounds = text_bounds(page, bounds);
    let title = title_node(page.doc);
    let mut candidates: Vec<(usize, NodeRef, String)> = Vec::new();
    let all = page.doc.select("body *");
    let nodes = all.nodes();
    if nodes.len() > 20_000 {
        return None;
    }
    // Positions in document order: after the title first, nearest first; then before
    // it, nearest first.
    let title_at = title.and_then(|t| nodes.iter().position(|n| n.id == t.id));
    let order = |i: usize| -> usize {
        match title_at {
            Some(t) if i >= t => i - t,
            Some(t) => 1_000_000 + (t - i),
            None => i,
        }
    };
    for (i, node) in nodes.iter().enumerate() {
        let marks = [
            attr(node, "class"),
            attr(node, "id"),
            attr(node, "itemprop"),
        ];
        let dateish = marks
            .iter()
            .any(|m| DATE_WORDS.iter().any(|w| m.contains(w)))
            || node.has_name("time");
        if !dateish || is_hidden_kind(node) {
            continue;
        }
        let text = squeeze(&node.text());
        let chars = text.chars().count();
        if !(6..=300).contains(&chars) || !text.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        candidates.push((order(i), *node, text));
    }
    // A labelled date first ("Published: 5 March 2019"), then an unlabelled one, then
    // one labelled as an update; among equals, the nearest after the title.
    let mut best: Option<(u8, usize, DocDate, String)> = None;
    for (position, node, text) in &candidates {
        if in_other_content(node) {
            continue;
        }
        for (date, range) in dates_in(text, &page.lang) {
            if !bounds.allows(&date) {
                continue;
            }
            let before = &text[..range.start];
            let label = label_before(before);
            // Published label 0, none 1, updated 2.
            let rank = match label {
                Label::Published => 0,
                Label::None => 1,
                Label::Updated => 2,
            };
            let key = (rank, *position);
            if best.as_ref().is_none_or(|(r, o, _, _)| key < (*r, *o)) {
                let shown: String = text.chars().take(80).collect();
                best = Some((rank, key.1, date, shown));
            }
            // Only the first date of an element counts unless a later one is labelled.
            if label != Label::Updated {
                break;
            }
        }
    }
    best.map(|(_, _, d, shown)| found(d, "byline", format!("near the title: {shown:?}")))
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Label {
    Published,
    Updated,
    None,
}

/// What the last words before a date call it.
fn label_before(before: &str) -> Label {
    let tail: String = before
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    // The label nearest the date decides.
    let last = |labels: &[&str]| labels.iter().filter_map(|l| tail.rfind(l)).max();
    match (last(PUBLISHED_LABELS), last(UPDATED_LABELS)) {
        (Some(p), Some(u)) if u > p => Label::Updated,
        (Some(_), _) => Label::Published,
        (None, Some(_)) => Label::Updated,
        (None, None) => Label::None,
    }
}

/// Elements that are never the page's visible byline.
fn is_hidden_kind(node: &NodeRef) -> bool {
    [
        "script", "style", "noscript", "template", "head", "option", "select",
    ]
    .iter()
    .any(|n| node.has_name(n))
        || node.has_attr("hidden")
}

/// Inside comments, related articles, a sidebar...: another page's date. Looks at the
/// ancestors up to the article (or main part) that holds the element, by the words of
/// their classes and ids (`related-posts`, `comment_list`, but not
/// `layoutTwoColumnsRightSidebar`, a page's layout).
fn in_other_content(node: &NodeRef) -> bool {
    for a in node.ancestors_it(None).take(40) {
        if a.has_name("body") {
            return false;
        }
        if a.has_name("aside") || a.has_name("nav") {
            return true;
        }
        let marks = format!("{} {}", attr(&a, "class"), attr(&a, "id"));
        // The word whole, or at either end of a token (`related-posts`,
        // `post-comments`), not inside one (`sticky-sidebar-parent` holds the article).
        let hit = marks.split_whitespace().any(|token| {
            let parts: Vec<&str> = token.split(['-', '_']).collect();
            NOT_THE_ARTICLE.contains(&token)
                || parts.first().is_some_and(|p| NOT_THE_ARTICLE.contains(p))
                || parts.last().is_some_and(|p| NOT_THE_ARTICLE.contains(p))
        });
        if hit {
            return true;
        }
    }
    false
}

/// The days written in the text around the page's title: the 60 text pieces after it
/// and the 10 before it (a dateline above a headline).
fn days_near_title(page: &PageFacts, bounds: Bounds) -> Vec<Date> {
    let Some(title) = title_node(page.doc) else {
        return Vec::new();
    };
    let body = page.doc.select("body");
    let Some(root) = body.nodes().first().copied() else {
        return Vec::new();
    };
    let texts: Vec<NodeRef> = root
        .descendants_it()
        .take(50_000)
        .filter(|n| n.is_text())
        .collect();
    let at = texts.partition_point(|n| n.id < title.id);
    let from = at.saturating_sub(10);
    let to = (at + 60).min(texts.len());
    texts[from..to]
        .iter()
        .flat_map(|n| dates_in(&squeeze(&n.text()), &page.lang))
        .map(|(d, _)| d)
        .filter(|d| bounds.allows(d))
        .map(|d| d.local_day())
        .collect()
}

/// The page's title element: the first `<h1>` in `<article>` or `<main>`, else the first.
fn title_node(doc: &Document) -> Option<NodeRef<'_>> {
    let h1s = doc.select("h1");
    let nodes = h1s.nodes();
    nodes
        .iter()
        .find(|n| {
            n.ancestors_it(None)
                .any(|a| a.has_name("article") || a.has_name("main"))
        })
        .or_else(|| nodes.first())
        .copied()
}

fn text(page: &PageFacts, bounds: Bounds) -> Option<(DocDate, Provenance)> {
    let bounds = text_bounds(page, bounds);
    let body = page.doc.select("body");
    let root = body.nodes().first().copied()?;
    let title = title_node(page.doc);
    // The text after the title, else the whole page's, block by block.
    let mut after: Option<(DocDate, String)> = None;
    let mut anywhere: Option<(DocDate, String)> = None;
    let mut seen = 0usize;
    for node in root.descendants_it() {
        seen += 1;
        if seen > 50_000 {
            break;
        }
        if !node.is_text() {
            continue;
        }
        let text = squeeze(&node.text());
        if text.len() < 6 || !text.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let parent = match node.parent() {
            Some(p) => p,
            None => continue,
        };
        if is_hidden_kind(&parent) || in_other_content(&parent) {
            continue;
        }
        let Some((date, _)) = first_date(&text, &page.lang, bounds) else {
            continue;
        };
        let shown: String = text.chars().take(80).collect();
        let is_after = title.is_some_and(|t| node.id > t.id);
        if is_after && after.is_none() {
            after = Some((date, shown));
            break;
        }
        if anywhere.is_none() {
            anywhere = Some((date, shown));
        }
    }
    after
        .or(anywhere)
        .map(|(d, shown)| found(d, "text", format!("page text: {shown:?}")))
}

/// The earliest `<time datetime>` of the page outside comments and related articles
/// (a thread's first post, a page's only date).
fn earliest_time(page: &PageFacts, bounds: Bounds) -> Option<(DocDate, Provenance)> {
    let times = page.doc.select("time[datetime]");
    times
        .nodes()
        .iter()
        .take(1000)
        .filter(|n| !in_other_content(n))
        .filter_map(|n| {
            n.attr("datetime")
                .and_then(|v| plausible(&v, &page.lang, bounds))
        })
        .min_by_key(|d| d.instant)
        .map(|d| found(d, "markup", "the earliest <time datetime>"))
}

/// A timestamp written anywhere in the page's source (a script's data, an attribute):
/// `2019-10-16T12:30:00`, the first one.
static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b((?:199\d|20[0-3]\d)-[01]\d-[0-3]\d)[T ]([0-2]\d:[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-][0-2]\d:?[0-5]\d)?)").expect("valid regex")
});

fn timestamp(page: &PageFacts, bounds: Bounds) -> Option<(DocDate, Provenance)> {
    TIMESTAMP
        .captures_iter(page.html)
        .take(200)
        .filter_map(|c| parse_date(&format!("{}T{}", &c[1], &c[2])))
        .find(|d| bounds.allows(d))
        .map(|d| found(d, "text", "a timestamp in the page's source"))
}

/// A copyright line with a range of years (`© 2010-2018`, `Copyright 2003 - 2024`): the
/// site's first year.
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:©|&copy;|\bcopyright\b|\(c\))\D{0,20}((?:19|20)\d\d)\s*[-–]\s*(?:19|20)\d\d\b",
    )
    .expect("valid regex")
});

/// The bounds for dates read from a page's text: a copyright line's range of years
/// (`© 2010-2018`) says when the site began, so nothing in its text before that year is
/// its date. (A copyright year is never a date itself, and not an upper bound: sites
/// update it late, and pages published after it are common.)
fn text_bounds(page: &PageFacts, bounds: Bounds) -> Bounds {
    let footer_text = page
        .doc
        .select("footer, [class*=footer], [id*=footer], [class*=copyright]")
        .text();
    let first = COPYRIGHT
        .captures_iter(&footer_text)
        .filter_map(|c| c[1].parse::<i16>().ok())
        .min();
    match first.and_then(|y| Date::new(y, 1, 1).ok()) {
        Some(start) if start > bounds.earliest && start <= bounds.latest => Bounds {
            earliest: start,
            latest: bounds.latest,
        },
        _ => bounds,
    }
}

/// Whitespace collapsed to single spaces.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first date in `text` that `bounds` allows.
fn first_date(text: &str, lang: &str, bounds: Bounds) -> Option<(DocDate, Range<usize>)> {
    dates_in(text, lang)
        .into_iter()
        .find(|(d, _)| bounds.allows(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(text: &str, lang: &str) -> Vec<String> {
        dates_in(text, lang)
            .into_iter()
            .map(|(d, _)| d.to_string())
            .collect()
    }

    #[test]
    fn dates_in_text_in_many_languages() {
        let table: &[(&str, &str, &[&str])] = &[
            ("Published 5 March 2019 by Jane", "en", &["2019-03-05"]),
            ("March 5th, 2019", "en", &["2019-03-05"]),
            (
                "Veröffentlicht am 5. März 2019, 14:30 Uhr",
                "de",
                &["2019-03-05"],
            ),
            ("Stand: 05.03.2019", "de", &["2019-03-05"]),
            ("le 5 mars 2019 à 10h", "fr", &["2019-03-05"]),
            ("5 de marzo de 2019", "es", &["2019-03-05"]),
            ("Pubblicato il 5 maggio 2019", "it", &["2019-05-05"]),
            ("5 de maio de 2019", "pt", &["2019-05-05"]),
            ("2019. március 5.", "hu", &["2019-03-05"]),
            ("2019年3月5日", "ja", &["2019-03-05"]),
            (
                "2019-03-05T23:30:00+02:00",
                "en",
                &["2019-03-05T23:30:00+02:00"],
            ),
            ("3/5/2019", "en-us", &["2019-03-05"]),
            ("3/5/2019", "de", &["2019-05-03"]),
            ("25/12/2019", "en-us", &["2019-12-25"]),
            ("5 KASIM 2019", "tr", &["2019-11-05"]),
            ("5 de KASIM", "tr", &[]),
            // Not dates: versions, phone numbers, prices.
            ("Version 1.12.20 released", "en", &[]),
            ("Call 030.12.2019.5", "de", &[]),
            ("ISBN 978-3-16-148410-0", "en", &[]),
            // Several, in order.
            (
                "Published 5 March 2019, updated 2019-03-07",
                "en",
                &["2019-03-05", "2019-03-07"],
            ),
        ];
        let mut failures = Vec::new();
        for (text, lang, want) in table {
            let got = days(text, lang);
            if got != *want {
                failures.push(format!("{text:?} ({lang}): got {got:?}, want {want:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn labels_prefer_publication() {
        assert_eq!(label_before("Published: "), Label::Published);
        assert_eq!(label_before("Veröffentlicht am "), Label::Published);
        assert_eq!(
            label_before("Published 5 March 2019. Updated: "),
            Label::Updated
        );
        assert_eq!(label_before("by Jane Doe, "), Label::None);
    }
}
