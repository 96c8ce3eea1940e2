//! What a page declares about itself (`<meta>`, JSON-LD, canonical links, `<title>`,
//! headings, `itemprop`/`rel` authors), and the choice among the candidates.

use std::collections::HashMap;

use dom_query::Document;
use serde_json::Value;

use crate::date::{parse_date, DocDate};
use crate::ingest::extracted::Rule;

use super::jsonld::{first_string, rank, read_json_ld, type_name};
use super::names::*;

/// `<meta>` keys for a title, best first (after JSON-LD).
pub(super) const TITLE_KEYS: &[&str] = &[
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
pub(super) const AUTHOR_KEYS: &[&str] = &[
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
/// Everything the page declares about itself, gathered once.
pub(super) struct Page {
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
    pub(super) fn read(doc: &Document) -> Page {
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
    pub(super) fn meta_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.meta
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn source(&self) -> Option<String> {
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

    pub(super) fn publisher(&self) -> Option<String> {
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
    pub(super) fn site_names(&self, source: Option<&str>) -> Vec<String> {
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
    pub(super) fn title(&self, source: Option<&str>) -> (String, Rule) {
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
    pub(super) fn date(
        &self,
        doc: &Document,
        html: &str,
        source: Option<&str>,
    ) -> (
        Option<(DocDate, crate::ingest::webdate::Provenance)>,
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
        let facts = crate::ingest::webdate::PageFacts {
            doc,
            html,
            meta: &self.meta,
            ld: &self.ld,
            urls,
            lang,
        };
        if let Some(found) =
            crate::ingest::webdate::find(&facts, crate::ingest::webdate::Bounds::today())
        {
            return (Some(found), None);
        }
        // Nothing found: say so when the page declared a date trove could not read.
        let declared = self
            .ld
            .iter()
            .find_map(|item| item.get("datePublished").and_then(first_string))
            .map(|v| (v, "JSON-LD datePublished".to_string()))
            .or_else(|| {
                crate::ingest::webdate::words::META_PUBLISHED
                    .iter()
                    .find_map(|k| self.meta(k).map(|v| (v.to_string(), k.to_string())))
            });
        let warning = declared
            .filter(|(v, _)| !v.trim().is_empty() && parse_date(v).is_none())
            .map(|(value, from)| format!("unparseable date {value:?} in {from}"));
        (None, warning)
    }

    /// The authors, and the rule that gave them.
    pub(super) fn authors(&self, byline: Option<&str>) -> (Vec<String>, Option<Rule>) {
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
    pub(super) fn names(&self, value: &Value) -> Vec<String> {
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

/// An absolute http(s) URL with a host: `href` itself, or `href` resolved against an
/// absolute `base`, as the URL standard resolves it (dot segments, `//host`, `?query`).
pub(super) fn absolute_url(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.chars().any(char::is_control) {
        return None;
    }
    let parsed = match url::Url::parse(href) {
        // An absolute URL names its host after `//` (`https:///x` names none).
        Ok(u) => {
            let after = &href[u.scheme().len() + 1..];
            if !after.starts_with("//") || after.starts_with("///") {
                return None;
            }
            u
        }
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            url::Url::parse(base?.trim()).ok()?.join(href).ok()?
        }
        Err(_) => return None,
    };
    let web = matches!(parsed.scheme(), "http" | "https");
    (web && parsed.host_str().is_some_and(|h| !h.is_empty())).then(|| parsed.to_string())
}
