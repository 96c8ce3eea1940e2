//! The search page, rendered on the server: a form, ranked hits with their highlights,
//! the per-year chart (each bar a link that filters by its year), paging. The URL holds
//! the whole state, so a page can be shared and the back button works. It works without
//! JavaScript; its one script (`assets/page.js`, served by trove) only adds conveniences,
//! and the Content-Security-Policy allows no other (none inline). Every value from a
//! document is escaped, its controls (bidi overrides among them) shown as `\u{..}`.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::api::{pairs, SearchRequest};
use super::state::{blocking, Problem, Shared};
use crate::search::{Hit, SearchResults};
use crate::stats::Stats;

/// Hits on a page.
const PAGE: usize = 10;

/// The parameters the page's form and links carry, in the order they are written.
const KEPT: [&str; 7] = ["q", "since", "until", "author", "publisher", "site", "sort"];

const STYLE: &str = "body{font:16px/1.45 system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem;color:#222}\
form{display:flex;flex-wrap:wrap;gap:.4rem;align-items:end}form label{display:flex;flex-direction:column;font-size:.8rem;color:#555}\
input,select,button{font:inherit;padding:.25rem .4rem}input[name=q]{flex:1 1 20rem}\
.chart{display:flex;align-items:flex-end;gap:3px;height:6rem;margin:1rem 0 .2rem;overflow-x:auto}\
.chart a{display:flex;flex-direction:column;justify-content:flex-end;min-width:2.4rem;height:100%;text-decoration:none}\
.chart span{display:block;background:#6a8fbf}.chart a:hover span,.chart a.on span{background:#c0392b}\
.chart small{font-size:.7rem;color:#666;text-align:center}\
ol.hits{padding-left:1.6rem}ol.hits li{margin:1rem 0}.meta{font-size:.85rem;color:#555}\
mark{background:#fde68a;padding:0}nav{display:flex;gap:1rem;margin:1.5rem 0}.problem{color:#a00}\
pre.body{white-space:pre-wrap;font:inherit}";

/// Text from a document or a request, safe in HTML text and in quoted attributes:
/// markup characters as entities, control characters (bidi overrides, isolates and
/// marks included) as visible `\u{..}`.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in crate::term::escape(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_bidi(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Characters that reorder the text around them.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` escaped, with the byte ranges `marks` in `<mark>`.
fn marked(text: &str, marks: &[[usize; 2]]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &[start, end] in marks {
        let (Some(before), Some(word)) = (text.get(at..start), text.get(start..end)) else {
            continue;
        };
        out.push_str(&esc(before));
        out.push_str("<mark>");
        out.push_str(&esc(word));
        out.push_str("</mark>");
        at = end;
    }
    out.push_str(&esc(text.get(at..).unwrap_or("")));
    out
}

/// A link to the page with `pairs` as its query string, escaped for an attribute.
fn href(pairs: &[(&str, String)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    esc(&format!("/?{}", query.finish()))
}

/// A document's link: its source when that is an http(s) URL, else its stored text.
fn doc_link(hit_source: &str, id: &str) -> String {
    match url::Url::parse(hit_source.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => esc(url.as_str()),
        _ => doc_path(id),
    }
}

fn doc_path(id: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    esc(&format!("/doc/{}", encoded.replace('+', "%20")))
}

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{}</title><style>{STYLE}</style>\
         <script src=\"/assets/page.js\" defer></script></head><body>\n{body}\n</body></html>\n",
        esc(title)
    );
    let mut response = (status, page).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// What the page was asked: the kept parameters with a value, and the page number.
struct Asked {
    kept: Vec<(&'static str, String)>,
    page: usize,
}

impl Asked {
    fn read(raw: Option<&str>) -> Result<Asked, Problem> {
        let mut kept = Vec::new();
        let mut page = 1;
        for (k, v) in pairs(raw) {
            if v.trim().is_empty() {
                continue;
            }
            if k == "page" {
                page = v.trim().parse().ok().filter(|&p| p >= 1).ok_or_else(|| {
                    Problem::new(
                        StatusCode::BAD_REQUEST,
                        format!("page={v:?}: a page number from 1"),
                    )
                })?;
            } else if let Some(name) = KEPT.iter().find(|n| **n == k) {
                kept.push((*name, v));
            } else {
                return Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    format!("unknown parameter {k:?}"),
                ));
            }
        }
        Ok(Asked { kept, page })
    }

    fn get(&self, name: &str) -> &str {
        self.kept
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v)
    }

    /// These parameters with `name` set to `value` (or dropped when empty), page 1.
    fn with(&self, changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = self
            .kept
            .iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .cloned()
            .collect();
        for (k, v) in changes {
            if !v.is_empty() {
                out.push((*k, v.to_string()));
            }
        }
        out
    }
}

fn form(asked: &Asked) -> String {
    let field = |name: &str, label: &str, hint: &str| {
        format!(
            "<label>{label}<input name=\"{name}\" value=\"{}\" placeholder=\"{hint}\" size=\"10\"></label>",
            esc(asked.get(name))
        )
    };
    let sort = asked.get("sort");
    let option = |value: &str, label: &str| {
        let on = if sort == value { " selected" } else { "" };
        format!("<option value=\"{value}\"{on}>{label}</option>")
    };
    format!(
        "<form method=\"get\" action=\"/\" role=\"search\">\
         <input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"Search\" aria-label=\"Query\" autofocus>\
         <button>Search</button>{}{}{}{}{}\
         <label>Order<select name=\"sort\">{}{}{}</select></label></form>",
        esc(asked.get("q")),
        field("since", "Since", "2016-06"),
        field("until", "Until", "2017"),
        field("author", "Author", ""),
        field("publisher", "Publisher", ""),
        field("site", "Site", "bbc.co.uk"),
        option("", "relevance"),
        option("-date", "newest"),
        option("date", "oldest"),
    )
}

/// The per-year bars: each a link filtering by its year (again: the filter off).
fn chart(asked: &Asked, stats: &Stats) -> String {
    let Some(most) = stats.per_year.values().copied().max().filter(|m| *m > 0) else {
        return String::new();
    };
    let mut bars = String::from("<div class=\"chart\" aria-label=\"Documents per year\">");
    for (year, count) in &stats.per_year {
        let year = year.to_string();
        let on = asked.get("since") == year && asked.get("until") == year;
        let target = if on {
            asked.with(&[("since", ""), ("until", "")])
        } else {
            asked.with(&[("since", year.as_str()), ("until", year.as_str())])
        };
        let height = (count * 100).div_ceil(most).max(2);
        let _ = write!(
            bars,
            "<a href=\"{}\" title=\"{year}: {count} documents\"{}><span style=\"height:{height}%\"></span><small>{year}</small></a>",
            href(&target),
            if on { " class=\"on\"" } else { "" },
        );
    }
    bars.push_str("</div>");
    bars
}

fn hit_html(hit: &Hit) -> String {
    let title = if hit.title.trim().is_empty() {
        hit.id.as_str()
    } else {
        hit.title.as_str()
    };
    let title = if hit.title.trim().is_empty() {
        esc(title)
    } else {
        marked(title, &hit.title_highlights)
    };
    let mut meta: Vec<String> = Vec::new();
    meta.extend(hit.date.as_deref().map(esc));
    meta.extend(hit.publisher.as_deref().map(esc));
    meta.extend(hit.author.as_deref().map(esc));
    meta.push(format!("<a href=\"{}\">stored text</a>", doc_path(&hit.id)));
    format!(
        "<li><a href=\"{}\" rel=\"noopener noreferrer\">{title}</a><div class=\"meta\">{}</div><p>{}</p></li>",
        doc_link(&hit.source, &hit.id),
        meta.join(" · "),
        marked(&hit.snippet, &hit.highlights),
    )
}

fn results_html(asked: &Asked, results: &SearchResults) -> String {
    let mut out = String::new();
    let first = (asked.page - 1) * PAGE;
    let pages = results.total.div_ceil(PAGE).max(1);
    let _ = write!(
        out,
        "<p class=\"summary\">{} {} · page {} of {pages}</p>",
        results.total,
        if results.total == 1 { "hit" } else { "hits" },
        asked.page
    );
    for w in &results.warnings {
        let _ = write!(out, "<p class=\"problem\">{}</p>", esc(w));
    }
    let _ = write!(out, "<ol class=\"hits\" start=\"{}\">", first + 1);
    for hit in &results.hits {
        out.push_str(&hit_html(hit));
    }
    out.push_str("</ol><nav>");
    let page_link = |n: usize, label: &str| {
        let mut target = asked.with(&[]);
        if n > 1 {
            target.push(("page", n.to_string()));
        }
        format!(
            "<a href=\"{}\" rel=\"{}\">{label}</a>",
            href(&target),
            if n < asked.page { "prev" } else { "next" }
        )
    };
    if asked.page > 1 {
        out.push_str(&page_link(asked.page - 1, "← newer hits"));
    }
    if first + results.hits.len() < results.total {
        out.push_str(&page_link(asked.page + 1, "more hits →"));
    }
    out.push_str("</nav>");
    out
}

pub(crate) async fn search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    let answer = blocking(&shared, move |shared| {
        let asked = Asked::read(raw.as_deref())?;
        let mut body = form(&asked);
        let opened = shared
            .indexes()
            .map_err(|message| Problem::new(StatusCode::SERVICE_UNAVAILABLE, message))?;
        if !shared.several() {
            let stats = opened.stats()?;
            body.push_str(&chart(&asked, &stats));
        }
        if asked.get("q").trim().is_empty() {
            return Ok((StatusCode::OK, "trove".to_string(), body));
        }
        let mut pairs: Vec<(String, String)> = asked
            .kept
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let offset = (asked.page - 1).saturating_mul(PAGE);
        pairs.push(("limit".into(), PAGE.to_string()));
        pairs.push(("offset".into(), offset.to_string()));
        let request = SearchRequest::parse(&pairs, &shared.limits, true, shared.several())?;
        match opened.session().search(&request.opts) {
            Ok(results) => body.push_str(&results_html(&asked, &results)),
            Err(e) => {
                let problem = Problem::of(&e);
                let _ = write!(body, "<p class=\"problem\">{}</p>", esc(&problem.message));
                return Ok((problem.status, format!("{} – trove", asked.get("q")), body));
            }
        }
        Ok((StatusCode::OK, format!("{} – trove", asked.get("q")), body))
    })
    .await;
    match answer {
        Ok((status, title, body)) => html(status, &title, &body),
        Err(problem) => html(
            problem.status,
            "trove",
            &format!(
                "<p class=\"problem\">{}</p><p><a href=\"/\">New search</a></p>",
                esc(&problem.message)
            ),
        ),
    }
}

pub(crate) async fn doc(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return html(
            StatusCode::BAD_REQUEST,
            "trove",
            "<p class=\"problem\">The document id is not valid UTF-8.</p>",
        );
    };
    let answer = blocking(&shared, move |shared| {
        let opened = shared
            .indexes()
            .map_err(|message| Problem::new(StatusCode::SERVICE_UNAVAILABLE, message))?;
        let (trove, searcher) = opened.single().ok_or_else(|| {
            Problem::new(StatusCode::BAD_REQUEST, "documents need one index: this server searches several")
        })?;
        let article = trove
            .get_in(&searcher, &id)
            .map_err(|e| Problem::of(&e))?
            .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, format!("no document with id {id:?}")))?;
        let mut meta: Vec<String> = Vec::new();
        meta.extend(article.date.map(|d| esc(&crate::date::format_date(d))));
        meta.extend(article.publisher.as_deref().map(esc));
        meta.extend(article.author_line().as_deref().map(esc));
        if url::Url::parse(article.source.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
            meta.push(format!("<a href=\"{}\" rel=\"noopener noreferrer\">source</a>", doc_link(&article.source, &article.id)));
        }
        let body = format!(
            "<p><a href=\"/\">Search</a></p><h1>{}</h1><div class=\"meta\">{}</div><pre class=\"body\">{}</pre>",
            esc(&article.title),
            meta.join(" · "),
            esc_body(&article.body),
        );
        Ok((article.title.clone(), body))
    })
    .await;
    match answer {
        Ok((title, body)) => html(StatusCode::OK, &title, &body),
        Err(problem) => html(
            problem.status,
            "trove",
            &format!(
                "<p class=\"problem\">{}</p><p><a href=\"/\">Search</a></p>",
                esc(&problem.message)
            ),
        ),
    }
}

/// The page's one script (`/assets/page.js`): served by trove, never inline, so the
/// Content-Security-Policy can allow scripts from this server only.
const SCRIPT: &str = include_str!("assets/page.js");

pub(crate) async fn script() -> Response {
    let mut response = SCRIPT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=3600"),
    );
    response
}

/// A body's text, escaped line by line (its line breaks kept).
fn esc_body(text: &str) -> String {
    text.split('\n').map(esc).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever a document holds, escaped text has no markup and no bidi control.
        #[test]
        fn escaped_text_has_no_markup_and_no_bidi(text in "\\PC*[<>&\"'\u{202e}\u{2066}]?\\PC*") {
            let out = esc(&text);
            prop_assert!(!out.contains('<') && !out.contains('>') && !out.contains('"') && !out.contains('\''));
            prop_assert!(!out.chars().any(is_bidi));
            prop_assert!(!out.chars().any(char::is_control));
        }

        /// Marks at any byte ranges, on char boundaries or not, never break the markup.
        #[test]
        fn marks_anywhere_stay_well_formed(text in "\\PC{0,40}", a in 0usize..60, b in 0usize..60) {
            let (start, end) = (a.min(b), a.max(b));
            let out = marked(&text, &[[start, end]]);
            prop_assert_eq!(out.matches("<mark>").count(), out.matches("</mark>").count());
            let stripped = out.replace("<mark>", "").replace("</mark>", "");
            prop_assert!(!stripped.contains('<'));
        }
    }

    #[test]
    fn only_web_sources_become_links() {
        assert_eq!(
            doc_link("https://example.org/a?b=1&c=2", "x"),
            "https://example.org/a?b=1&amp;c=2"
        );
        assert_eq!(doc_link("javascript:alert(1)", "x"), "/doc/x");
        assert_eq!(doc_link(" JaVaScRiPt:alert(1)", "a b"), "/doc/a%20b");
        assert_eq!(
            doc_link("data:text/html,<script>", "é/?"),
            "/doc/%C3%A9%2F%3F"
        );
        assert_eq!(doc_link("file:///etc/passwd", "x"), "/doc/x");
    }
}
