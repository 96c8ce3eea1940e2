//! JSON-LD: every `<script type="application/ld+json">` read leniently, items ranked
//! (the page's article first), `@graph`s flattened, `@id`s indexed for references.

use std::collections::HashMap;

use dom_query::Document;
use serde_json::Value;

/// Parses every JSON-LD block; malformed ones are skipped. Returns the items that
/// describe a page or a work (best first), the nodes by `@id`, and site names.
pub(super) fn read_json_ld(doc: &Document) -> (Vec<Value>, HashMap<String, Value>, Vec<String>) {
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
pub(super) fn parse_json_lenient(text: &str) -> Option<Value> {
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
pub(crate) fn type_name(item: &Value) -> String {
    types(item)
        .first()
        .map(|t| t.rsplit(['/', ':']).next().unwrap_or(t).to_string())
        .unwrap_or_else(|| "JSON-LD".to_string())
}

pub(super) fn types(item: &Value) -> Vec<String> {
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
pub(super) fn rank(item: &Value) -> u8 {
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
pub(super) fn first_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Array(list) => list
            .iter()
            .find_map(|i| i.as_str().filter(|s| !s.trim().is_empty()))
            .map(String::from),
        _ => None,
    }
}
