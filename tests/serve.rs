//! `trove serve` as a client sees it: the real binary on an ephemeral loopback port,
//! every endpoint called over HTTP, its JSON compared with what the CLI prints for the
//! same question, and the page's escaping of hostile documents.

mod common;

use common::server::{archive, cli, eventually, json_lines, trove, Server};
use common::TestEnv;
use serde_json::{json, Value};

#[test]
fn the_api_answers_as_the_cli_does() {
    let env = TestEnv::new();
    let index = archive(&env);
    let server = Server::start(&index);

    // Searches: the hits are the CLI's --json lines, the total its --count.
    // (query string, the same search's flags, the flags of its count: --count refuses
    // paging, order and fields)
    let cases: [(&str, Vec<&str>, Vec<&str>); 5] = [
        (
            "q=harbour&limit=5",
            vec!["-n", "5", "harbour"],
            vec!["harbour"],
        ),
        (
            "q=ferries+tides&limit=7&offset=3",
            vec!["-n", "7", "--offset", "3", "ferries tides"],
            vec!["ferries tides"],
        ),
        (
            "q=harbour&since=2016&until=2017&sort=-date",
            vec![
                "--since", "2016", "--until", "2017", "--sort", "-date", "harbour",
            ],
            vec!["--since", "2016", "--until", "2017", "harbour"],
        ),
        (
            "q=harbour&author=ada+park&publisher=Coast+Daily&fields=id,title,score",
            vec![
                "--author",
                "ada park",
                "--publisher",
                "Coast Daily",
                "--fields",
                "id,title,score",
                "harbour",
            ],
            vec![
                "--author",
                "ada park",
                "--publisher",
                "Coast Daily",
                "harbour",
            ],
        ),
        (
            "q=harbour&site=example.org&and=true&fuzzy=1&limit=3",
            vec![
                "--site",
                "example.org",
                "--and",
                "--fuzzy",
                "-n",
                "3",
                "harbour",
            ],
            vec!["--site", "example.org", "--and", "--fuzzy", "harbour"],
        ),
    ];
    for (query, args, count_args) in cases {
        let answer = server.get(&format!("/api/search?{query}"));
        assert_eq!(answer.status, 200, "{query}: {}", answer.text());
        assert_eq!(answer.header("content-type"), Some("application/json"));
        let got = answer.json();
        let mut search = vec!["search", "--json"];
        search.extend(&args);
        let printed = cli(&index, &search);
        assert!(printed.status.success(), "{args:?}");
        assert_eq!(
            got["hits"],
            Value::Array(json_lines(&printed.stdout)),
            "{query}"
        );
        let mut count = vec!["search", "--count", "--json"];
        count.extend(&count_args);
        let counted = cli(&index, &count);
        assert!(counted.status.success(), "{count:?}");
        assert_eq!(
            got["total"],
            json_lines(&counted.stdout)[0]["total"],
            "{query}"
        );
        assert!(
            got["hits"].as_array().is_some_and(|h| !h.is_empty()),
            "{query}"
        );
    }

    // No hits is still 200, with a total of 0.
    let none = server.get("/api/search?q=zeppelin");
    assert_eq!(none.status, 200);
    assert_eq!(none.json()["total"], 0);
    assert_eq!(none.json()["hits"], json!([]));

    // A document, and the statistics, as `trove get --json` and `trove stats --json`.
    let doc = server.get("/api/doc/r07");
    assert_eq!(doc.status, 200);
    assert_eq!(
        doc.json(),
        json_lines(&cli(&index, &["get", "--json", "r07"]).stdout)[0]
    );
    let stats = server.get("/api/stats");
    assert_eq!(stats.status, 200);
    let mut from_cli = json_lines(&cli(&index, &["stats", "--json"]).stdout).remove(0);
    let mut served = stats.json();
    // The folder's size counts the lock file the server's reader holds, so leave it out.
    from_cli["index_bytes"] = json!(null);
    served["index_bytes"] = json!(null);
    assert_eq!(served, from_cli);
    assert_eq!(served["documents"], 26);

    // A batch: the lines `search --batch --json` prints, in order.
    let queries = "a\tharbour\nzeppelin\n\nc\tferries AND tides\n";
    env.write("queries.txt", queries);
    let printed = cli(
        &index,
        &[
            "search",
            "--batch",
            env.path("queries.txt").to_str().unwrap(),
            "--json",
            "-n",
            "3",
        ],
    );
    let batch = server.call("POST", "/api/batch?limit=3", queries.as_bytes());
    assert_eq!(batch.status, 200, "{}", batch.text());
    assert_eq!(batch.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(json_lines(&batch.body), json_lines(&printed.stdout));
    assert!(json_lines(&batch.body).iter().any(|l| l["query_id"] == "c"));
}

#[test]
fn errors_are_json_with_the_clis_message_and_status() {
    let env = TestEnv::new();
    let index = archive(&env);
    let server = Server::start(&index);
    let error = |target: &str, status: u16| -> String {
        let answer = server.get(target);
        assert_eq!(answer.status, status, "{target}: {}", answer.text());
        assert_eq!(
            answer.header("content-type"),
            Some("application/json"),
            "{target}"
        );
        answer.json()["error"]
            .as_str()
            .expect("an error message")
            .to_string()
    };
    // A query that does not parse, with strict: the CLI's own message.
    let message = error("/api/search?q=title%3A&strict=1", 400);
    let printed = cli(&index, &["search", "--strict", "title:"]);
    assert_eq!(printed.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&printed.stderr).contains(&message),
        "{message}"
    );
    // Dates the CLI refuses are refused here too.
    let message = error("/api/search?q=harbour&since=yesterday-ish", 400);
    let printed = cli(&index, &["search", "--since", "yesterday-ish", "harbour"]);
    assert!(
        String::from_utf8_lossy(&printed.stderr).contains(&message),
        "{message}"
    );
    assert!(error("/api/search?q=harbour&colour=red", 400).contains("colour"));
    assert!(error("/api/search?q=harbour&sort=sideways", 400).contains("sideways"));
    assert!(error("/api/search?q=harbour&fields=id,nope", 400).contains("nope"));
    assert!(error("/api/search?limit=3", 400).contains("q="));
    assert!(error("/api/search?q=harbour&limit=0", 400).contains("limit"));
    // Over the limits: 413.
    assert!(error("/api/search?q=harbour&limit=5000", 413).contains("page size"));
    assert!(error(&format!("/api/search?q={}", "a".repeat(5000)), 413).contains("bytes"));
    let huge = "harbour\n".repeat(10_001);
    let answer = server.call("POST", "/api/batch", huge.as_bytes());
    assert_eq!(answer.status, 413);
    // A body declared over the limit is refused before it is sent.
    let answer = server.head_only("POST", "/api/batch", 5 << 20);
    assert_eq!(answer.status, 413);
    // Missing things: 404.
    assert!(error("/api/doc/nothing-here", 404).contains("nothing-here"));
    assert!(error("/api/nope", 404).contains("/api/nope"));
    // An id is looked up, never joined into a path.
    assert_eq!(server.get("/api/doc/..%2F..%2Fmeta.json").status, 404);
}

#[test]
fn the_openapi_description_lists_every_route_and_only_those() {
    let env = TestEnv::new();
    let index = archive(&env);
    let server = Server::start_with(&[
        "--index",
        index.to_str().unwrap(),
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--allow-write",
    ]);
    let spec = server.get("/openapi.json").json();
    assert!(spec["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.")));
    let paths = spec["paths"].as_object().expect("paths");
    for expected in [
        "/api/search",
        "/api/batch",
        "/api/doc/{id}",
        "/api/stats",
        "/openapi.json",
        "/",
        "/doc/{id}",
    ] {
        assert!(paths.contains_key(expected), "{expected} described");
    }
    for (path, methods) in paths {
        for (method, operation) in methods.as_object().expect("methods") {
            let target = path.replace("{id}", "r01");
            let target = if operation["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "q" && p["required"] == true))
            {
                format!("{target}?q=harbour")
            } else {
                target
            };
            // A body each POST reads: queries, or a record.
            let body: &[u8] = if path == "/api/documents" {
                br#"{"id": "posted", "title": "Posted harbour", "body": "A harbour record."}"#
            } else {
                b"harbour\n"
            };
            let answer = server.call(&method.to_ascii_uppercase(), &target, body);
            assert_eq!(answer.status, 200, "{method} {target}: {}", answer.text());
            let declared = operation["responses"]["200"]["content"]
                .as_object()
                .and_then(|c| c.keys().next().cloned())
                .expect("a 200 content type");
            let served = answer.header("content-type").unwrap_or("");
            assert!(
                served.starts_with(&declared),
                "{path}: {served} against {declared}"
            );
            // Each search parameter the description lists is one the route accepts.
            for p in operation["parameters"].as_array().expect("parameters") {
                if p["in"] != "query" || p["name"] == "q" {
                    continue;
                }
                let value = match p["name"].as_str().unwrap_or("") {
                    "limit" | "offset" | "fuzzy" => "1",
                    "explain" | "and" | "strict" => "false",
                    "sort" => "date",
                    "fields" => "id",
                    "since" | "until" => "2016",
                    _ => "x",
                };
                let sep = if target.contains('?') { '&' } else { '?' };
                let with = format!("{target}{sep}{}={value}", p["name"].as_str().unwrap_or(""));
                let answer = server.call(&method.to_ascii_uppercase(), &with, b"harbour\n");
                assert_eq!(answer.status, 200, "{method} {with}: {}", answer.text());
            }
        }
    }
    assert!(
        paths.contains_key("/api/documents"),
        "/api/documents described"
    );
    // What is not described is not served.
    assert_eq!(server.get("/api/search/extra").status, 404);
    assert_eq!(server.call("DELETE", "/api/search?q=x", b"").status, 405);
}

#[test]
fn a_commit_is_searched_without_a_restart_and_a_missing_index_is_a_503_until_it_exists() {
    let env = TestEnv::new();
    let index = env.path("later");
    let server = Server::start(&index);
    let answer = server.get("/api/search?q=lighthouse");
    assert_eq!(answer.status, 503, "{}", answer.text());
    assert!(answer.json()["error"]
        .as_str()
        .is_some_and(|e| e.contains("later")));

    env.write(
        "docs/a.md",
        "---\ntitle: Harbour\ndate: 2019-05-04\n---\n\nThe harbour reopened.\n",
    );
    assert!(cli(&index, &["index", env.path("docs").to_str().unwrap()])
        .status
        .success());
    eventually("the new index is opened", || {
        let a = server.get("/api/search?q=harbour");
        a.status == 200 && a.json()["total"] == 1
    });
    assert_eq!(server.get("/api/search?q=lighthouse").json()["total"], 0);

    env.write(
        "docs/b.md",
        "---\ntitle: Lighthouse\ndate: 2020-01-02\n---\n\nThe lighthouse keeper retired.\n",
    );
    assert!(cli(&index, &["index", env.path("docs").to_str().unwrap()])
        .status
        .success());
    eventually("the commit is searched", || {
        server.get("/api/search?q=lighthouse").json()["total"] == 1
    });
    eventually("the statistics follow", || {
        server.get("/api/stats").json()["documents"] == 2
    });
}

#[test]
fn several_indexes_are_searched_as_one_and_serve_search_only() {
    let env = TestEnv::new();
    env.write(
        "one/a.md",
        "---\ntitle: Harbour one\n---\n\nThe harbour reopened.\n",
    );
    env.write(
        "two/b.md",
        "---\ntitle: Harbour two\n---\n\nThe harbour closed again.\n",
    );
    let (i1, i2) = (env.path("i1"), env.path("i2"));
    assert!(cli(&i1, &["index", env.path("one").to_str().unwrap()])
        .status
        .success());
    assert!(cli(&i2, &["index", env.path("two").to_str().unwrap()])
        .status
        .success());
    let server = Server::start_with(&[
        "--index",
        i1.to_str().unwrap(),
        "--index",
        i2.to_str().unwrap(),
        "serve",
        "--listen",
        "127.0.0.1:0",
    ]);
    let answer = server.get("/api/search?q=harbour");
    assert_eq!(answer.status, 200);
    let printed = trove()
        .args([
            "--index",
            i1.to_str().unwrap(),
            "--index",
            i2.to_str().unwrap(),
            "search",
            "--json",
            "harbour",
        ])
        .output()
        .expect("search");
    assert_eq!(
        answer.json()["hits"],
        Value::Array(json_lines(&printed.stdout))
    );
    assert_eq!(answer.json()["total"], 2);
    assert_eq!(server.get("/api/stats").status, 400);
    assert_eq!(server.get("/api/doc/x").status, 400);
    assert_eq!(server.get("/api/search?q=harbour&explain=1").status, 400);
}

#[test]
fn a_non_loopback_address_needs_allow_remote() {
    let env = TestEnv::new();
    let out = trove()
        .args([
            "--index",
            env.path("i").to_str().unwrap(),
            "serve",
            "--listen",
            "0.0.0.0:0",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-remote"));
    // With it, the server answers (here through loopback).
    let index = archive(&env);
    let mut server = Server::start_with(&[
        "--index",
        index.to_str().unwrap(),
        "serve",
        "--listen",
        "0.0.0.0:0",
        "--allow-remote",
    ]);
    server.addr = server.addr.replace("0.0.0.0", "127.0.0.1");
    assert_eq!(server.get("/api/search?q=harbour").status, 200);
}

#[test]
fn the_page_searches_filters_pages_and_escapes_every_field() {
    let env = TestEnv::new();
    let index = archive(&env);
    let server = Server::start(&index);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/html")));
    let csp = home.header("content-security-policy").expect("a CSP");
    assert!(
        csp.contains("default-src 'none'")
            && csp
                .split(';')
                .map(str::trim)
                .any(|directive| directive == "script-src 'self'"),
        "{csp}"
    );
    // The chart: a bar per year, each a link filtering by it.
    let page = home.text();
    for year in 2015..=2018 {
        assert!(
            page.contains(&format!("since={year}&amp;until={year}")),
            "bar for {year}"
        );
    }

    // Results, highlights, paging links that keep the query.
    let first = server.get("/?q=harbour").text();
    assert!(first.contains("<mark>harbour</mark>") || first.contains("<mark>Harbour</mark>"));
    assert!(first.contains("26 hits"), "{first}");
    assert!(first.contains("href=\"/?q=harbour&amp;page=2\""));
    let third = server.get("/?q=harbour&page=3").text();
    assert!(third.contains("start=\"21\""));
    assert!(!third.contains("page=4"));
    // A year from the chart filters the hits.
    let year = server.get("/?q=harbour&since=2016&until=2016").text();
    assert!(year.contains("7 hits"), "{year}");
    // Titles link to their web source, or to the stored text.
    assert!(first.contains("href=\"https://www.example.org/news/"));
    let stored = server.get("/doc/r03");
    assert_eq!(stored.status, 200);
    assert!(stored.text().contains("Fishermen counted 3 boats"));
    assert_eq!(server.get("/doc/missing").status, 404);

    // The hostile document: every field escaped, no dangerous scheme, no bidi control.
    for target in [
        "/?q=evil",
        "/?q=harbour&since=2016-05-05&until=2016-05-05",
        "/doc/evil",
    ] {
        let answer = server.get(target);
        assert_eq!(answer.status, 200, "{target}");
        let html = answer.text();
        assert!(only_the_pages_script(&html), "{target}: {html}");
        assert!(
            !html.contains("<img")
                && !html.contains("<b ")
                && !html.contains("<a href=\"javascript"),
            "{target}"
        );
        assert!(
            !html.to_ascii_lowercase().contains("href=\"javascript:"),
            "{target}"
        );
        assert!(
            !html.contains('\u{202e}') && !html.contains('\u{2066}'),
            "{target}"
        );
        assert!(html.contains("&lt;script&gt;"), "{target}: shown as text");
        assert!(html.contains("\\u{202e}"), "{target}: the control shown");
    }
    let evil = server.get("/?q=evil").text();
    assert!(
        evil.contains("href=\"/doc/evil\""),
        "a javascript: source links to the stored text"
    );
    // What the request holds is escaped too.
    let reflected = server
        .get("/?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .text();
    assert!(only_the_pages_script(&reflected));
}

#[test]
fn documents_go_in_only_with_allow_write_and_are_searched_after() {
    let env = TestEnv::new();
    let index = archive(&env);
    let records = "{\"id\": \"n1\", \"title\": \"Zeppelin over the harbour\", \"date\": \"2020-02-02\", \"body\": \"A zeppelin was seen.\"}\n\
                   not json at all\n\
                   {\"id\": \"n2\", \"title\": \"Second zeppelin\", \"body\": \"Another zeppelin.\"}\n";
    {
        let read_only = Server::start(&index);
        let answer = read_only.call("POST", "/api/documents", records.as_bytes());
        assert_eq!(answer.status, 403, "{}", answer.text());
        assert!(answer.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("--allow-write")));
    }
    let server = Server::start_with(&[
        "--index",
        index.to_str().unwrap(),
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--allow-write",
    ]);
    let answer = server.call("POST", "/api/documents", records.as_bytes());
    assert_eq!(answer.status, 200, "{}", answer.text());
    let summary = answer.json();
    // The summary `trove index - --json` prints for the same records.
    assert_eq!(summary["documents"], 2, "{summary}");
    assert_eq!(summary["bad_records"], 1, "{summary}");
    assert_eq!(summary["total_documents"], 28);
    eventually("the new documents are searched", || {
        server.get("/api/search?q=zeppelin").json()["total"] == 2
    });
    let doc = server.get("/api/doc/n1").json();
    assert_eq!(doc["title"], "Zeppelin over the harbour");
    // Nothing else changed: the archive's documents are all still there.
    assert_eq!(server.get("/api/search?q=ferries").json()["total"], 25);
    // Over the limit: refused before it is read.
    assert_eq!(
        server.head_only("POST", "/api/documents", 5 << 20).status,
        413
    );
}

#[test]
fn slow_and_idle_clients_are_cut_off() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let env = TestEnv::new();
    let index = archive(&env);
    let server = Server::start(&index);
    // Half a request's head, never finished; and a connection that sends nothing.
    let heads: [&[u8]; 2] = [b"GET /api/search?q=harbour HTTP/1.1\r\nHost: x\r\n", b""];
    let clients: Vec<_> = heads
        .iter()
        .map(|head| {
            let mut stream = std::net::TcpStream::connect(&server.addr).expect("connect");
            stream
                .set_read_timeout(Some(Duration::from_secs(40)))
                .expect("timeout");
            stream.write_all(head).expect("send");
            (stream, Instant::now())
        })
        .collect();
    for (mut stream, start) in clients {
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        let waited = start.elapsed();
        // The server's limit is 10 s to send a head (README, "Serve over HTTP").
        assert!(
            waited >= Duration::from_secs(8) && waited < Duration::from_secs(30),
            "closed after {waited:?}"
        );
    }
    // And the server still answers.
    assert_eq!(server.get("/api/search?q=harbour").status, 200);
}

/// The page holds one script element, its own (`/assets/page.js`), and no other.
fn only_the_pages_script(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    lower.matches("<script").count() == 1
        && lower.contains("<script src=\"/assets/page.js\" defer></script>")
}
