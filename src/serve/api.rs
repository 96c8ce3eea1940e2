//! The JSON endpoints. A hit is the object `trove search --json` prints (same keys,
//! same order, `fields=` as `--fields`); an error is `{"error": "..."}` with the
//! message the CLI would print: 400 for a bad query or option, 404, 413 past a limit,
//! 503 while the index cannot be opened or the work outlasts its time.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::state::{blocking, json_response, Limits, Opened, Problem, Shared};
use crate::batch::STDIN_PATH;
use crate::error::{display_chain, Error};
use crate::output;
use crate::query::{QueryOptions, MAX_FUZZY_DISTANCE};
use crate::search::{SearchOptions, SearchResults, Sort};

/// A search as the query string asks for it.
pub(crate) struct SearchRequest {
    pub opts: SearchOptions,
    /// `fields=`: the hit keys to return (all when `None`).
    pub fields: Option<Vec<String>>,
}

/// The query string's pairs, percent-decoded (`+` as a space).
pub(crate) fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn flag(name: &str, value: &str) -> Result<bool, Problem> {
    match value {
        "" | "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(Problem::bad(format!("{name}={other:?}: use true or false"))),
    }
}

fn number(name: &str, value: &str) -> Result<usize, Problem> {
    value
        .trim()
        .parse()
        .map_err(|_| Problem::bad(format!("{name}={value:?} is not a whole number")))
}

impl SearchRequest {
    /// Reads the options from `pairs`; `with_query` takes the query from `q=` (a batch
    /// has its queries in the body and refuses `q=`). Every parameter is honoured or
    /// refused, never dropped.
    pub fn parse(
        pairs: &[(String, String)],
        limits: &Limits,
        with_query: bool,
        several: bool,
    ) -> Result<SearchRequest, Problem> {
        let mut query: Option<String> = None;
        let mut opts = SearchOptions::new("");
        let mut filters = QueryOptions::default();
        let mut fields = None;
        for (key, value) in pairs {
            match key.as_str() {
                "q" if with_query => query = Some(value.clone()),
                "limit" => {
                    let n = number(key, value)?;
                    if n == 0 {
                        return Err(Problem::bad("limit=0: ask for at least one hit"));
                    }
                    if n > limits.page_size {
                        return Err(Problem::too_large(format!(
                            "limit={n} is over this server's page size of {}",
                            limits.page_size
                        )));
                    }
                    opts.limit = n;
                }
                "offset" => {
                    let n = number(key, value)?;
                    if n > limits.offset {
                        return Err(Problem::too_large(format!(
                            "offset={n} is past this server's deepest page ({})",
                            limits.offset
                        )));
                    }
                    opts.offset = n;
                }
                "sort" => opts.sort = Sort::parse(value).map_err(Problem::bad)?,
                "since" => filters.since = Some(value.clone()),
                "until" => filters.until = Some(value.clone()),
                "author" => filters.authors.push(value.clone()),
                "publisher" => filters.publishers.push(value.clone()),
                "source" => filters.sources.push(value.clone()),
                "site" => filters.sites.push(value.clone()),
                "fields" => {
                    let list: Vec<String> = value
                        .split(',')
                        .map(|f| f.trim().to_string())
                        .filter(|f| !f.is_empty())
                        .collect();
                    output::check_fields(&list).map_err(Problem::bad)?;
                    fields = Some(list);
                }
                "explain" => opts.explain = flag(key, value)?,
                "and" => filters.conjunction = flag(key, value)?,
                "strict" => filters.strict = flag(key, value)?,
                "fuzzy" => {
                    let n = number(key, value)?;
                    if n == 0 || n > usize::from(MAX_FUZZY_DISTANCE) {
                        return Err(Problem::bad(format!(
                            "fuzzy={n}: use 1 to {MAX_FUZZY_DISTANCE}"
                        )));
                    }
                    filters.fuzzy = Some(n as u8);
                }
                other => {
                    return Err(Problem::bad(format!("unknown parameter {other:?}")));
                }
            }
        }
        if opts.explain && several {
            return Err(Problem::bad(
                "explain works on one index at a time (the server has several)",
            ));
        }
        if with_query {
            let text = query.unwrap_or_default();
            if text.trim().is_empty() {
                return Err(Problem::bad("no query: give it as q="));
            }
            check_query_length(&text, limits)?;
            opts.query = text;
        }
        if let Some(list) = &fields {
            if opts.explain && !list.iter().any(|f| f == "explanation") {
                return Err(Problem::bad(
                    "explain=true with fields= needs the explanation field: name it in fields=",
                ));
            }
        }
        opts.snippets = fields.as_ref().is_none_or(|list| {
            list.iter()
                .any(|f| matches!(f.as_str(), "snippet" | "highlights" | "title_highlights"))
        });
        opts.options = filters;
        // The total is exact: a page shows it.
        opts.count = true;
        Ok(SearchRequest { opts, fields })
    }
}

fn check_query_length(text: &str, limits: &Limits) -> Result<(), Problem> {
    if text.len() > limits.query_bytes {
        return Err(Problem::too_large(format!(
            "the query is {} bytes, over this server's {}",
            text.len(),
            limits.query_bytes
        )));
    }
    Ok(())
}

/// `{"total": N, "hits": [...], "warnings": [...]}`.
pub(crate) fn results_json(results: &SearchResults, fields: Option<&[String]>) -> Value {
    let hits: Vec<Value> = results
        .hits
        .iter()
        .map(|hit| output::hit_object(hit, fields, None))
        .collect();
    json!({"total": results.total, "hits": hits, "warnings": results.warnings})
}

fn open(shared: &Shared) -> Result<Arc<Opened>, Problem> {
    shared
        .indexes()
        .map_err(|message| Problem::new(StatusCode::SERVICE_UNAVAILABLE, message))
}

pub(crate) async fn search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    let answer = blocking(&shared, move |shared| {
        let request = SearchRequest::parse(
            &pairs(raw.as_deref()),
            &shared.limits,
            true,
            shared.several(),
        )?;
        let opened = open(shared)?;
        let results = opened
            .session()
            .search(&request.opts)
            .map_err(|e| Problem::of(&e))?;
        Ok(results_json(&results, request.fields.as_deref())
            .to_string()
            .into_bytes())
    })
    .await;
    match answer {
        Ok(body) => json_response(StatusCode::OK, body),
        Err(problem) => problem.into_response(),
    }
}

/// Refused when the server searches several indexes: it serves search only then.
fn one_index(shared: &Shared, what: &str) -> Result<(), Problem> {
    if shared.several() {
        return Err(Problem::bad(format!(
            "{what} needs one index: this server searches several (search only)"
        )));
    }
    Ok(())
}

pub(crate) async fn doc(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return Problem::bad("the document id is not valid UTF-8").into_response();
    };
    let answer = blocking(&shared, move |shared| {
        one_index(shared, "a document")?;
        let opened = open(shared)?;
        let (trove, searcher) = opened
            .single()
            .ok_or_else(|| Problem::bad("one index only"))?;
        let article = trove
            .get_in(&searcher, &id)
            .map_err(|e| Problem::of(&e))?
            .ok_or_else(|| {
                Problem::new(StatusCode::NOT_FOUND, format!("no document with id {id:?}"))
            })?;
        let mut body = Vec::new();
        output::print_article_json(&mut body, &article, None)
            .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        Ok(body)
    })
    .await;
    match answer {
        Ok(body) => json_response(StatusCode::OK, body),
        Err(problem) => problem.into_response(),
    }
}

pub(crate) async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    let answer = blocking(&shared, |shared| {
        one_index(shared, "statistics")?;
        let stats = open(shared)?.stats()?;
        serde_json::to_vec(&*stats)
            .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
    })
    .await;
    match answer {
        Ok(mut body) => {
            body.push(b'\n');
            json_response(StatusCode::OK, body)
        }
        Err(problem) => problem.into_response(),
    }
}

pub(crate) async fn not_found(uri: Uri) -> Response {
    Problem::new(
        StatusCode::NOT_FOUND,
        format!(
            "no such endpoint: {} (GET /openapi.json lists them)",
            uri.path()
        ),
    )
    .into_response()
}

/// The body, whole, within the size and time limits.
async fn read_body(body: Body, limits: &Limits) -> Result<Bytes, Problem> {
    let read = axum::body::to_bytes(body, limits.body_bytes);
    match tokio::time::timeout(limits.body_timeout, read).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(Problem::too_large(format!(
            "the request body is over this server's {} bytes (or was cut off)",
            limits.body_bytes
        ))),
        Err(_) => Err(Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request body took longer than {} s",
                limits.body_timeout.as_secs()
            ),
        )),
    }
}

/// `POST /api/documents`: JSON Lines records in, as `trove index -` reads them, into the
/// one index under the writer's lock (waiting up to 10 s for another writer); out, the
/// run's summary as `trove index - --json` prints it.
pub(crate) async fn documents(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let prepared = async {
        if !shared.allow_write {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "this server is read-only: start it with --allow-write to take documents",
            ));
        }
        one_index(&shared, "taking documents")?;
        refuse_declared_size(&headers, &shared.limits)?;
        read_body(body, &shared.limits).await
    };
    let bytes = match prepared.await {
        Ok(bytes) => bytes,
        Err(problem) => return problem.into_response(),
    };
    let answer = blocking(&shared, move |shared| {
        let dir = shared.dirs[0].clone();
        let mut opts = crate::batch::IndexOptions::new(dir, vec![PathBuf::from(STDIN_PATH)]);
        opts.records = Some(Arc::from(&bytes[..]));
        opts.wait = Duration::from_secs(10);
        let summary = crate::batch::index_paths(&opts, &mut |_| {}).map_err(|e| Problem::of(&e))?;
        let mut body = serde_json::to_vec(&summary)
            .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        body.push(b'\n');
        Ok(body)
    })
    .await;
    match answer {
        Ok(body) => json_response(StatusCode::OK, body),
        Err(problem) => problem.into_response(),
    }
}

/// A body declared larger than the limit is refused before it is read.
fn refuse_declared_size(headers: &HeaderMap, limits: &Limits) -> Result<(), Problem> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.body_bytes as u64) {
        return Err(Problem::too_large(format!(
            "the request body is over this server's {} bytes",
            limits.body_bytes
        )));
    }
    Ok(())
}

/// The batch's queries: `ID<TAB>QUERY` or `QUERY` (numbered by line), blank lines skipped.
fn batch_queries(text: &str, limits: &Limits) -> Result<Vec<(String, String)>, Problem> {
    let mut queries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some((id, query)) = crate::search::batch_line(n, line) else {
            continue;
        };
        check_query_length(&query, limits)?;
        queries.push((id, query));
        if queries.len() > limits.batch_queries {
            return Err(Problem::too_large(format!(
                "the batch has over {} queries, this server's limit",
                limits.batch_queries
            )));
        }
    }
    Ok(queries)
}

pub(crate) async fn batch(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let prepared = async {
        let request = SearchRequest::parse(
            &pairs(raw.as_deref()),
            &shared.limits,
            false,
            shared.several(),
        )?;
        refuse_declared_size(&headers, &shared.limits)?;
        let bytes = read_body(body, &shared.limits).await?;
        let text =
            std::str::from_utf8(&bytes).map_err(|_| Problem::bad("the batch is not UTF-8 text"))?;
        let queries = batch_queries(text, &shared.limits)?;
        let probe = Arc::clone(&shared);
        let opened = blocking(&shared, move |_| open(&probe)).await?;
        Ok::<_, Problem>((request, queries, opened))
    };
    let (request, queries, opened) = match prepared.await {
        Ok(ready) => ready,
        Err(problem) => return problem.into_response(),
    };
    // Lines go out as they are made; a client that leaves ends the batch.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(16);
    tokio::task::spawn_blocking(move || {
        let session = opened.session();
        for (id, query) in queries {
            let mut opts = request.opts.clone();
            opts.query = query;
            let mut lines = Vec::new();
            let made = crate::guard::catch(|| session.search(&opts)).unwrap_or_else(|panic| {
                Err(Error::Query {
                    query: opts.query.clone(),
                    reason: format!("the search crashed ({panic})"),
                })
            });
            match made {
                Ok(results) => {
                    let _ = output::print_hits_json(
                        &mut lines,
                        &results.hits,
                        request.fields.as_deref(),
                        Some(&id),
                    );
                }
                Err(e) => {
                    let line = json!({"query_id": id, "error": display_chain(&e)});
                    lines.extend_from_slice(line.to_string().as_bytes());
                    lines.push(b'\n');
                }
            }
            if !lines.is_empty() && sender.blocking_send(Bytes::from(lines)).is_err() {
                return;
            }
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|chunk| (Ok::<_, Infallible>(chunk), receiver))
    });
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    response
}
