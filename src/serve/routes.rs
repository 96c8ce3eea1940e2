//! The server's routes, once: the router is built from this table and so is the OpenAPI
//! description (`GET /openapi.json`), so the two cannot name different paths.

use std::sync::Arc;

use axum::routing::{get, post, MethodRouter};
use axum::Router;
use serde_json::{json, Value};

use axum::http::StatusCode;
use axum::response::Response;

use super::state::{json_response, Shared};
use super::{api, page};

/// A query parameter as the description lists it.
pub(crate) struct Param {
    pub name: &'static str,
    pub kind: &'static str,
    pub repeat: bool,
    pub about: &'static str,
}

const fn param(name: &'static str, kind: &'static str, about: &'static str) -> Param {
    Param {
        name,
        kind,
        repeat: false,
        about,
    }
}

const fn many(name: &'static str, about: &'static str) -> Param {
    Param {
        name,
        kind: "string",
        repeat: true,
        about,
    }
}

/// The search options, as query parameters (`trove search`'s flags by the same names).
pub(crate) const SEARCH_PARAMS: &[Param] = &[
    param(
        "limit",
        "integer",
        "hits in the page (1 to the server's page size; default 10)",
    ),
    param("offset", "integer", "hits to skip, for paging (default 0)"),
    param(
        "sort",
        "string",
        "score (default), date (oldest first) or -date",
    ),
    param(
        "since",
        "string",
        "only documents dated in or after: 2016, 2016-06 or 2016-06-01",
    ),
    param("until", "string", "only documents dated in or before"),
    many(
        "author",
        "only documents with this author (whole name, any case; repeatable)",
    ),
    many(
        "publisher",
        "only documents with this publisher (whole name, any case; repeatable)",
    ),
    many(
        "source",
        "only documents with exactly this source URL (repeatable)",
    ),
    many(
        "site",
        "only documents from this site, a host such as bbc.co.uk (repeatable)",
    ),
    param(
        "fields",
        "string",
        "the hit fields to return, comma-separated (default: all)",
    ),
    param(
        "explain",
        "boolean",
        "add each hit's score explanation (one index only)",
    ),
    param("and", "boolean", "all words must match"),
    param(
        "fuzzy",
        "integer",
        "match plain words within this many typos (1 or 2)",
    ),
    param(
        "strict",
        "boolean",
        "refuse a query that does not parse instead of repairing it",
    ),
];

/// One route: where, what for, and the handler.
pub(crate) struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Query parameters: `q` first when the route takes a query.
    pub query: bool,
    pub search_params: bool,
    /// What a 200 answers with.
    pub content: &'static str,
    pub make: fn() -> MethodRouter<Arc<Shared>>,
}

pub(crate) const ROUTES: &[Route] = &[
    Route {
        method: "get",
        path: "/api/search",
        summary: "Ranked hits: {\"total\", \"hits\", \"warnings\"}, each hit as a line of `trove search --json`",
        query: true,
        search_params: true,
        content: "application/json",
        make: || get(api::search),
    },
    Route {
        method: "post",
        path: "/api/batch",
        summary: "Queries in, one a line (`ID<TAB>QUERY` or `QUERY`, as `trove search --batch` reads them); JSON Lines out as it prints them, streamed",
        query: false,
        search_params: true,
        content: "application/x-ndjson",
        make: || post(api::batch),
    },
    Route {
        method: "post",
        path: "/api/documents",
        summary: "JSON Lines records in (as `trove index -` reads them; never a path), into the one index; the run's summary out, as `trove index - --json` prints it. 403 unless the server was started with --allow-write",
        query: false,
        search_params: false,
        content: "application/json",
        make: || post(api::documents),
    },
    Route {
        method: "get",
        path: "/api/doc/{id}",
        summary: "One document, as `trove get --json` prints it (404 when no document has the id)",
        query: false,
        search_params: false,
        content: "application/json",
        make: || get(api::doc),
    },
    Route {
        method: "get",
        path: "/api/stats",
        summary: "What the index holds, as `trove stats --json` prints it",
        query: false,
        search_params: false,
        content: "application/json",
        make: || get(api::stats),
    },
    Route {
        method: "get",
        path: "/openapi.json",
        summary: "This description",
        query: false,
        search_params: false,
        content: "application/json",
        make: || get(serve_openapi),
    },
    Route {
        method: "get",
        path: "/",
        summary: "The search page (query, filters, per-year chart, paging in the URL)",
        query: false,
        search_params: false,
        content: "text/html",
        make: || get(page::search),
    },
    Route {
        method: "get",
        path: "/assets/page.js",
        summary: "The page's script (conveniences only: the page works without it)",
        query: false,
        search_params: false,
        content: "text/javascript",
        make: || get(page::script),
    },
    Route {
        method: "get",
        path: "/doc/{id}",
        summary: "One document's stored text as a page",
        query: false,
        search_params: false,
        content: "text/html",
        make: || get(page::doc),
    },
];

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut router = Router::new();
    for route in ROUTES {
        router = router.route(route.path, (route.make)());
    }
    router.fallback(api::not_found).with_state(shared)
}

/// The OpenAPI 3 description of every route.
pub fn openapi() -> Value {
    let error = json!({"$ref": "#/components/schemas/Error"});
    let mut paths = serde_json::Map::new();
    for route in ROUTES {
        let mut parameters = Vec::new();
        if route.path.contains("{id}") {
            parameters.push(json!({
                "name": "id", "in": "path", "required": true,
                "schema": {"type": "string"}, "description": "the document's id"
            }));
        }
        if route.query {
            parameters.push(json!({
                "name": "q", "in": "query", "required": true,
                "schema": {"type": "string"},
                "description": "the query, in trove's query language (README, \"Queries\")"
            }));
        }
        if route.search_params {
            for p in SEARCH_PARAMS {
                let schema = if p.repeat {
                    json!({"type": "array", "items": {"type": "string"}})
                } else {
                    json!({"type": p.kind})
                };
                parameters.push(json!({
                    "name": p.name, "in": "query", "required": false,
                    "schema": schema, "description": p.about,
                    "style": "form", "explode": true
                }));
            }
        }
        let mut responses = serde_json::Map::new();
        responses.insert(
            "200".into(),
            json!({"description": "OK", "content": {route.content: {"schema": {}}}}),
        );
        let json_error = |what: &str| json!({"description": what, "content": {"application/json": {"schema": error}}});
        if route.path.starts_with("/api/") {
            responses.insert("400".into(), json_error("a bad query or option"));
            responses.insert("404".into(), json_error("no such document or route"));
            responses.insert(
                "413".into(),
                json_error("a request over the server's limits"),
            );
            if route.method == "post" && !route.search_params {
                responses.insert(
                    "403".into(),
                    json_error("a read-only server (no --allow-write)"),
                );
            }
            responses.insert(
                "503".into(),
                json_error("the index cannot be opened, or the work took too long"),
            );
        }
        let mut operation = json!({
            "summary": route.summary,
            "operationId": operation_id(route),
            "parameters": parameters,
            "responses": responses,
        });
        if route.method == "post" {
            operation["requestBody"] = json!({
                "required": true,
                "content": {"text/plain": {"schema": {"type": "string"}}}
            });
        }
        let entry = paths
            .entry(route.path.to_string())
            .or_insert_with(|| json!({}));
        entry[route.method] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "trove",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Full-text search over a trove index. Read-only unless started with --allow-write; no authentication: bind it to loopback, or put a reverse proxy in front."
        },
        "paths": paths,
        "components": {"schemas": {"Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "string"}}
        }}}
    })
}

fn operation_id(route: &Route) -> String {
    let name: String = route
        .path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty() && *part != "api")
        .collect::<Vec<_>>()
        .join("_");
    let kind = if route.content == "text/html" {
        "page"
    } else {
        route.method
    };
    if name.is_empty() {
        format!("{kind}_index")
    } else {
        format!("{kind}_{name}")
    }
}

async fn serve_openapi() -> Response {
    json_response(StatusCode::OK, openapi().to_string().into_bytes())
}
