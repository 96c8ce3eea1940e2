//! Every query form and output format of `trove search`, and `get`, `stats`, batch
//! mode, completions and the man page, through the real binary.

mod common;

use common::{stderr, stdout, TestEnv};
use serde_json::Value;

fn env() -> TestEnv {
    let env = TestEnv::new();
    env.copy_fixture("search/archive.jsonl", "archive/archive.jsonl");
    let out = env.index(&["archive"]);
    assert!(out.status.success(), "{}", stderr(&out));
    env
}

/// Ids of the hits of `args`, in rank order.
fn ids(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let (hits, _) = env.search_json(args);
    hits.iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn words_phrases_fields_and_operators() {
    let env = env();
    // Words: any of them by default, all of them with --and.
    assert_eq!(
        sorted(ids(&env, &["wikileaks cocoa"])),
        ["n1", "n2", "n3", "n4", "n5"]
    );
    assert_eq!(
        sorted(ids(&env, &["--and", "wikileaks emails"])),
        ["n1", "n4"]
    );
    // Stems: "emailing" finds "emails".
    assert_eq!(sorted(ids(&env, &["emailing"])), ["n1", "n3", "n4"]);
    // Phrases, and phrases with slop.
    assert_eq!(ids(&env, &["\"data firm\""]), ["n4"]);
    // "reached out to WikiLeaks": two words between.
    assert_eq!(ids(&env, &["\"reached wikileaks\"~2"]), ["n4"]);
    assert!(ids(&env, &["\"reached wikileaks\"~1"]).is_empty());
    // Fields.
    assert_eq!(ids(&env, &["title:bahia"]), ["n2"]);
    assert_eq!(sorted(ids(&env, &["body:emails"])), ["n1", "n3", "n4"]);
    assert_eq!(sorted(ids(&env, &["author:chen"])), ["n3", "n5"]);
    assert_eq!(ids(&env, &["publisher:reuters"]), ["n2"]);
    assert_eq!(sorted(ids(&env, &["tags:politics"])), ["n1", "n4"]);
    assert_eq!(
        ids(
            &env,
            &["source:\"https://wire.example.org/1987/cocoa-bahia\""]
        ),
        ["n2"]
    );
    assert_eq!(
        sorted(ids(&env, &["site:news.example.com"])),
        ["n1", "n3", "n4"]
    );
    assert_eq!(ids(&env, &["id:n5"]), ["n5"]);
    assert_eq!(sorted(ids(&env, &["date:*"])), ["n1", "n2", "n3", "n4"]);
    // Boolean operators, required and excluded words, grouping.
    assert_eq!(sorted(ids(&env, &["wikileaks AND data"])), ["n4"]);
    assert_eq!(sorted(ids(&env, &["wikileaks AND NOT data"])), ["n1"]);
    assert_eq!(sorted(ids(&env, &["+emails -wikileaks"])), ["n3"]);
    assert_eq!(
        sorted(ids(&env, &["(bahia OR bonds) AND week"])),
        ["n2", "n3"]
    );
    // Only exclusions: everything else.
    assert_eq!(sorted(ids(&env, &["--", "-cocoa"])), ["n1", "n4"]);
    // Boosts change the order.
    assert_eq!(ids(&env, &["bahia OR quiet"]), ["n2", "n3"]);
    assert_eq!(ids(&env, &["bahia OR quiet^5"]), ["n3", "n2"]);
}

#[test]
fn prefixes_and_fuzzy_words_are_expanded_and_highlighted() {
    let env = env();
    assert_eq!(sorted(ids(&env, &["wiki*"])), ["n1", "n4"]);
    // A whole word with * still finds its stem.
    assert_eq!(sorted(ids(&env, &["wikileaks*"])), ["n1", "n4"]);
    assert_eq!(ids(&env, &["title:bah*"]), ["n2"]);
    assert_eq!(ids(&env, &["\"big bad wo\"*"]), ["n3"]);
    assert_eq!(sorted(ids(&env, &["clintn~1"])), ["n1"]);
    assert!(ids(&env, &["clntn~1"]).is_empty());
    assert_eq!(ids(&env, &["clntn~2"]), ["n1"]);
    assert_eq!(ids(&env, &["--fuzzy", "bhaia"]), ["n2"]);
    assert_eq!(ids(&env, &["--fuzzy=2", "bhiaa"]), ["n2"]);
    assert!(ids(&env, &["bhaia"]).is_empty());
    // Highlights cover the words the expansions matched.
    let (hits, _) = env.search_json(&["wiki*"]);
    let hit = &hits[0];
    let snippet = hit["snippet"].as_str().unwrap();
    let marked: Vec<String> = hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            snippet[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize].to_lowercase()
        })
        .collect();
    assert!(
        !marked.is_empty() && marked.iter().all(|m| m == "wikileaks"),
        "{marked:?}"
    );
}

#[test]
fn broken_queries_search_with_a_warning_unless_strict() {
    let env = env();
    for (query, note) in [
        ("\"data firm", "quote at column 1"),
        ("wikileaks AND", "'AND' at the end"),
        ("(cocoa", "'(' at column 1"),
        ("nosuchfield:cocoa", "no field 'nosuchfield'"),
    ] {
        let out = env.run(&["search", "--json", query]);
        assert_eq!(out.status.code(), Some(0), "{query}: {}", stderr(&out));
        assert!(stderr(&out).contains("warning:"), "{query}");
        assert!(stderr(&out).contains(note), "{query}: {}", stderr(&out));
        let out = env.run(&["search", "--strict", query]);
        assert_eq!(out.status.code(), Some(2), "{query}");
        assert!(
            stderr(&out).contains(&format!("invalid query {query:?}")),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn dates_filter_and_sort() {
    let env = env();
    assert_eq!(sorted(ids(&env, &["--since", "2017", "*"])), ["n3", "n4"]);
    assert_eq!(
        sorted(ids(&env, &["--since", "2016-06", "--until", "2017", "*"])),
        ["n1", "n3", "n4"]
    );
    assert_eq!(
        ids(
            &env,
            &["--until", "2017-06-15", "--since", "2017-06-15", "*"]
        ),
        ["n3"]
    );
    assert_eq!(sorted(ids(&env, &["date:2017"])), ["n3", "n4"]);
    assert_eq!(
        sorted(ids(&env, &["date:[2016-06 TO 2017-06]"])),
        ["n1", "n3"]
    );
    assert_eq!(sorted(ids(&env, &["date:>2016"])), ["n3", "n4"]);
    assert_eq!(sorted(ids(&env, &["date:<2016"])), ["n2"]);
    // A date beside words filters them.
    assert_eq!(sorted(ids(&env, &["emails date:2017"])), ["n3", "n4"]);
    assert_eq!(ids(&env, &["cocoa date:1987"]), ["n2"]);
    // A time is the second it names, however the range is written.
    for q in [
        "date:\"1987-02-26T15:01:01Z\"",
        "cocoa date:\"1987-02-26T15:01:01Z\"",
        "+date:\"1987-02-26T15:01:01Z\"",
        "date:[1987-02-26T15:01:01Z TO 1987-02-26T15:01:01Z]",
    ] {
        assert_eq!(ids(&env, &[q]), ["n2"], "{q}");
    }
    assert!(ids(&env, &["date:\"1987-02-26T15:01:02Z\""]).is_empty());
    // Sorting: oldest first, newest first; undated documents last.
    assert_eq!(
        ids(&env, &["--sort", "date", "*"]),
        ["n2", "n1", "n3", "n4", "n5"]
    );
    assert_eq!(
        ids(&env, &["--sort", "-date", "*"]),
        ["n4", "n3", "n1", "n2", "n5"]
    );
    let out = env.run(&["search", "--since", "someday", "*"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--since \"someday\" is not a date"));
}

#[test]
fn exact_filters() {
    let env = env();
    // Whole names, any case; several values of one filter mean any.
    assert_eq!(
        sorted(ids(&env, &["--publisher", "daily planet", "*"])),
        ["n1", "n3", "n4"]
    );
    assert_eq!(
        sorted(ids(&env, &["--author", "ANN REPORTER", "*"])),
        ["n1", "n4"]
    );
    assert!(
        ids(&env, &["--author", "Ann", "*"]).is_empty(),
        "not a part of a name"
    );
    assert_eq!(
        sorted(ids(
            &env,
            &["--author", "Bo Chen", "--author", "Comissaria Smith", "*"]
        )),
        ["n2", "n3", "n5"]
    );
    assert_eq!(
        ids(
            &env,
            &[
                "--source",
                "https://news.example.com/2017/11/11/data-firms.html",
                "*"
            ]
        ),
        ["n4"]
    );
    // Filters combine with each other and with the query.
    assert_eq!(
        sorted(ids(
            &env,
            &["--publisher", "Daily Planet", "--since", "2017", "emails"]
        )),
        ["n3", "n4"]
    );
}

#[test]
fn paging_counts_and_file_lists() {
    let env = env();
    let all = ids(&env, &["cocoa"]);
    assert_eq!(all.len(), 3);
    let (page, _) = env.search_json(&["--limit", "1", "--offset", "1", "cocoa"]);
    assert_eq!(page.len(), 1);
    assert_eq!(page[0]["id"], all[1].as_str());
    assert_eq!(page[0]["rank"], 2);
    let out = env.run(&["search", "--count", "cocoa"]);
    assert_eq!(stdout(&out).trim(), "3");
    let out = env.run(&["search", "--count", "zyzzyva"]);
    assert_eq!((stdout(&out).trim(), out.status.code()), ("0", Some(1)));
    // One line per file, however many documents it gave.
    let out = env.run(&["search", "-l", "cocoa"]);
    let lines: Vec<String> = stdout(&out).lines().map(String::from).collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].ends_with("archive.jsonl"));
    // Human output says which hits are shown.
    let out = env.run(&[
        "search", "--color", "never", "--limit", "1", "--offset", "1", "cocoa",
    ]);
    assert!(
        stdout(&out).ends_with("2-2 of 3 hits\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn json_csv_tsv_and_fields() {
    let env = env();
    let (hits, _) = env.search_json(&["--fields", "id,title,date", "bahia"]);
    let keys: Vec<&str> = hits[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["id", "title", "date"], "in the order --fields gives");
    assert_eq!(hits[0]["date"], "1987-02-26T15:01:01Z");

    let out = env.run(&[
        "search",
        "--format",
        "csv",
        "--fields",
        "id,title,tags,snippet",
        "bahia",
    ]);
    let csv = stdout(&out);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("id,title,tags,snippet"));
    let row = lines.next().unwrap();
    assert!(
        row.starts_with("n2,Cocoa harvest improves in Bahia,cocoa; commodities,"),
        "{row}"
    );
    // A value with a comma is quoted.
    assert!(row.contains("\"Showers continued"), "{row}");

    let out = env.run(&["search", "--format", "tsv", "bahia"]);
    let tsv = stdout(&out);
    let header: Vec<&str> = tsv.lines().next().unwrap().split('\t').collect();
    assert_eq!(
        header,
        [
            "rank",
            "score",
            "id",
            "title",
            "date",
            "source",
            "author",
            "publisher",
            "path"
        ]
    );
    let row: Vec<&str> = tsv.lines().nth(1).unwrap().split('\t').collect();
    assert_eq!(row.len(), header.len());
    assert_eq!(row[2], "n2");

    let out = env.run(&["search", "--fields", "nope", "bahia"]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("'nope'") && message.contains("--fields"),
        "{message}"
    );
    assert!(
        message.contains("possible values: rank, score, id, title"),
        "{message}"
    );
}

#[test]
fn explain_says_why() {
    let env = env();
    let (hits, _) = env.search_json(&["--explain", "bahia"]);
    let explanation = &hits[0]["explanation"];
    assert!(
        (explanation["value"].as_f64().unwrap() - hits[0]["score"].as_f64().unwrap()).abs() < 1e-4
    );
    let text = explanation.to_string();
    assert!(
        text.contains("idf") && text.contains("field=title"),
        "{text}"
    );
    let out = env.run(&["search", "--color", "never", "--explain", "bahia"]);
    assert!(stdout(&out).contains("TermQuery"), "{}", stdout(&out));
    // Without --explain, no explanation field.
    let (hits, _) = env.search_json(&["bahia"]);
    assert!(hits[0].get("explanation").is_none());
}

#[test]
fn get_shows_whole_documents() {
    let env = env();
    let out = env.run(&["get", "--json", "n2"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(doc["title"], "Cocoa harvest improves in Bahia");
    assert!(doc["body"]
        .as_str()
        .unwrap()
        .starts_with("Showers continued"));
    let out = env.run(&["get", "--color", "never", "n2"]);
    assert!(stdout(&out).contains("title: Cocoa harvest improves in Bahia"));
    let out = env.run(&["get", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no document with id \"nope\""));
}

#[test]
fn stats_count_what_the_index_holds() {
    let env = env();
    let out = env.run(&["stats", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let s: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(s["documents"], 5);
    assert_eq!(s["earliest"], "1987-02-26");
    assert_eq!(s["latest"], "2017-11-11");
    assert_eq!(s["undated"], 1);
    assert_eq!(
        s["per_year"],
        serde_json::json!({"1987": 1, "2016": 1, "2017": 2})
    );
    assert_eq!(s["formats"], serde_json::json!({"jsonl": 5}));
    assert_eq!(
        s["top_publishers"][0],
        serde_json::json!({"name": "Daily Planet", "documents": 2})
    );
    assert_eq!(
        s["top_sites"][0],
        serde_json::json!({"name": "news.example.com", "documents": 3})
    );
    assert!(s["index_bytes"].as_u64().unwrap() > 0);
    let out = env.run(&["stats"]);
    let text = stdout(&out);
    assert!(text.contains("documents:  5"), "{text}");
    assert!(text.contains("documents per year:"), "{text}");
    assert!(
        text.contains("  2017  2  ########################################"),
        "{text}"
    );
    // Years without documents show as gaps.
    assert!(text.contains("  2000  0  \n"), "{text}");
}

#[test]
fn batch_runs_many_queries_in_one_process() {
    let env = env();
    let queries = "a\tbahia\nwiki*\n\nz\tzyzzyva\nb\t(cocoa\n";
    env.write("queries.tsv", queries);
    let out = env.run(&[
        "search",
        "--batch",
        "queries.tsv",
        "--fields",
        "query_id,rank,id",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let tags: Vec<(String, u64, String)> = lines
        .iter()
        .map(|l| {
            (
                l["query_id"].as_str().unwrap().to_string(),
                l["rank"].as_u64().unwrap(),
                l["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(tags[0], ("a".into(), 1, "n2".into()));
    // A line without an id is numbered by its line.
    assert!(tags.iter().any(|t| t.0 == "2" && t.1 == 2));
    // The broken query ran with a warning.
    assert!(tags.iter().any(|t| t.0 == "b"));
    assert!(stderr(&out).contains("query b: ignored '('"));
    // Counts per query, and errors as JSON lines.
    let out = env
        .trove()
        .args(["search", "--batch", "-", "--count", "--strict"])
        .write_stdin("bahia\nx\t(cocoa\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0], serde_json::json!({"query_id": "1", "total": 1}));
    assert_eq!(lines[1]["query_id"], "x");
    assert!(lines[1]["error"].as_str().unwrap().contains("never closed"));
}

#[test]
fn completions_and_man_page() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = env.run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("since"), "{shell}");
    }
    let out = env.run(&["man"]);
    assert!(stdout(&out).starts_with(".ie") || stdout(&out).contains(".TH trove 1"));
}

#[test]
fn terminal_output_escapes_what_documents_hold() {
    let env = TestEnv::new();
    env.copy_fixture("search/evil.jsonl", "evil/evil.jsonl");
    env.index(&["evil"]);
    for args in [
        vec!["search", "--color", "never", "zebra"],
        vec!["search", "--color", "always", "zebra"],
        vec!["search", "-l", "zebra"],
        vec!["get", "--color", "never", "e1"],
        vec!["delete", "--dry-run", "--id", "e1"],
    ] {
        let out = env.run(&args);
        let text = stdout(&out);
        // Only trove's own colour codes may appear: ESC followed by "[" and trove's SGR.
        let foreign = text.match_indices('\x1b').any(|(i, _)| {
            !["\x1b[0m", "\x1b[1m", "\x1b[1;31m", "\x1b[36m"]
                .iter()
                .any(|c| text[i..].starts_with(c))
        });
        assert!(!foreign, "{args:?}: {text:?}");
        assert!(
            !text.contains('\x07') && !text.contains('\u{202e}'),
            "{args:?}: {text:?}"
        );
    }
    let out = env.run(&["search", "--color", "never", "zebra"]);
    assert!(stdout(&out).contains("\\u{1b}[2J"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Mallory \\u{1b}[31mRed"),
        "{}",
        stdout(&out)
    );
}

/// Without snippets (`-l`, `--fields` without them) the documents are read in the
/// store's order, not the hits' order: the output must still be in rank order. Here
/// the rank order is the reverse of the order the files were indexed in.
#[test]
fn hits_read_in_store_order_are_printed_in_rank_order() {
    let env = TestEnv::new();
    for i in 1..=40 {
        // File i says "zebra" i times in a body of the same length: later files rank higher.
        let words: Vec<&str> = (0..60)
            .map(|k| if k < i { "zebra" } else { "grass" })
            .collect();
        env.write(
            &format!("herd/f{i:02}.txt"),
            format!("Zebra {i}\n\n{}\n", words.join(" ")),
        );
    }
    let out = env.index(&["herd"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let with_snippets = ids(&env, &["--limit", "40", "zebra"]);
    let without = ids(&env, &["--limit", "40", "--fields", "id,score", "zebra"]);
    assert_eq!(with_snippets.len(), 40);
    assert_eq!(without, with_snippets);

    let out = env.run(&["search", "-l", "zebra"]);
    let files: Vec<String> = stdout(&out)
        .lines()
        .map(|l| l.rsplit('/').next().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (1..=40).rev().map(|i| format!("f{i:02}.txt")).collect();
    assert_eq!(files, expected);
}

/// Dates keep the offset the document stated: days are the days as published, east and
/// west of UTC; date-only values stay days; sorting is by the instant.
#[test]
fn dates_are_the_days_as_published() {
    let env = TestEnv::new();
    env.write(
        "dated/records.jsonl",
        concat!(
            // 00:04 in Berlin on the 19th: the 18th in UTC.
            r#"{"id": "east", "title": "East", "body": "zone words", "date": "2019-10-19T00:04:00+02:00"}"#,
            "\n",
            // 18:37 in Denver on the 22nd: the 23rd in UTC.
            r#"{"id": "west", "title": "West", "body": "zone words", "date": "Thu, 22 Jul 1999 18:37:46 -0600"}"#,
            "\n",
            r#"{"id": "day", "title": "Day", "body": "zone words", "date": "2017-11-11"}"#,
            "\n",
            // The 18th in UTC, 1 h 26 min before `east`.
            r#"{"id": "utc", "title": "Utc", "body": "zone words", "date": "2019-10-18T20:38:00Z"}"#,
            "\n",
        ),
    );
    let out = env.index(&["dated"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (hits, _) = env.search_json(&["--sort", "date", "zone"]);
    let dates: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| (h["id"].as_str().unwrap(), h["date"].as_str().unwrap()))
        .collect();
    assert_eq!(
        dates,
        [
            ("west", "1999-07-22T18:37:46-06:00"),
            ("day", "2017-11-11"),
            ("utc", "2019-10-18T20:38:00Z"),
            ("east", "2019-10-19T00:04:00+02:00"),
        ]
    );
    let found = |args: &[&str]| sorted(ids(&env, args));
    assert_eq!(found(&["zone", "date:2019-10-19"]), ["east"]);
    assert_eq!(found(&["zone", "date:2019-10-18"]), ["utc"]);
    assert_eq!(found(&["date:1999-07-22"]), ["west"]);
    assert!(found(&["date:1999-07-23"]).is_empty());
    assert_eq!(found(&["date:2017-11-11"]), ["day"]);
    assert_eq!(
        found(&["zone", "--since", "2019-10-19", "--until", "2019-10-19"]),
        ["east"]
    );
    assert_eq!(
        found(&["zone", "--until", "2019-10-18"]),
        ["day", "utc", "west"]
    );
    assert_eq!(
        found(&["zone", "--since", "1999-07-22", "--until", "1999-07-22"]),
        ["west"]
    );
    // A time of day is an instant: 22:04 UTC is `east`.
    assert_eq!(found(&["zone", "date:\"2019-10-18T22:04:00Z\""]), ["east"]);
    assert_eq!(
        found(&["zone", "--since", "2019-10-18T21:00:00Z"]),
        ["east"]
    );
    // Human output shows the date as published.
    let out = env.run(&["search", "--color", "never", "zone", "date:2019-10-19"]);
    assert!(
        stdout(&out).contains("2019-10-19T00:04:00+02:00"),
        "{}",
        stdout(&out)
    );
    // Statistics count days and years as published.
    let out = env.run(&["stats", "--json"]);
    let s: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(s["earliest"], "1999-07-22");
    assert_eq!(s["latest"], "2019-10-19");
    assert_eq!(
        s["per_year"],
        serde_json::json!({"1999": 1, "2017": 1, "2019": 2})
    );
    // `get` and export keep the offset.
    let out = env.run(&["get", "--json", "west"]);
    assert!(
        stdout(&out).contains(r#""date":"1999-07-22T18:37:46-06:00""#),
        "{}",
        stdout(&out)
    );
    let out = env.run(&["export"]);
    assert!(stdout(&out).contains(r#""date":"2019-10-19T00:04:00+02:00""#));
    assert!(stdout(&out).contains(r#""date":"2017-11-11""#));
}

/// Fuzzy and prefix words are expanded by an automaton over the term dictionary, with
/// a cap per word and per query (said in a warning); more than two typos are refused
/// in both syntaxes.
#[test]
fn expansions_are_bounded_and_distances_over_two_refused() {
    let env = env();
    for args in [
        &["oil~3"][..],
        &["--strict", "oil~3"],
        &["clinton~9 oil"],
        &["--fuzzy=3", "oil"],
    ] {
        let mut all = vec!["search"];
        all.extend_from_slice(args);
        let out = env.run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("at most 2") || stderr(&out).contains("1..=2"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // 10,000 words under --fuzzy=2: the first 256 are expanded, the rest searched as
    // written, and the query answers (it once ran for minutes).
    let words: Vec<String> = (0..10_000).map(|i| format!("word{i}")).collect();
    let query = format!("oil {}", words.join(" "));
    let out = env.run(&["search", "--fuzzy=2", "--json", &query]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("more than 256 prefix or fuzzy words"),
        "{}",
        stderr(&out)
    );
    // A prefix matching more words than the cap says so.
    let mut text = String::new();
    for i in 0..100 {
        text.push_str(&format!(
            "{{\"id\": \"p{i}\", \"title\": \"prefixword{i:03}\"}}\n"
        ));
    }
    env.write("archive/prefixes.jsonl", text);
    env.index(&["archive"]);
    let out = env.run(&["search", "--json", "prefixword*"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("prefixword* matches 100 words: the 64 most frequent are searched"),
        "{}",
        stderr(&out)
    );
}

/// Human output is bounded per field (JSON keeps everything); `-l -0` gives file names
/// back byte for byte, a newline or bytes that are not UTF-8 included.
#[test]
fn long_fields_are_cut_and_null_separated_paths_are_exact() {
    use std::os::unix::ffi::OsStrExt;
    let env = TestEnv::new();
    let title = "Long title words ".repeat(40_000); // 680,000 characters
    env.write(
        "docs/long.jsonl",
        format!("{{\"id\": \"long\", \"title\": \"{title}\", \"body\": \"needle\"}}\n"),
    );
    let odd = std::ffi::OsStr::from_bytes(b"docs/odd\nname\xff.txt");
    let odd_path = env.dir.path().join(odd);
    std::fs::write(&odd_path, "Odd\n\nneedle in an oddly named file\n").unwrap();
    let out = env.index(&["docs"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env.run(&["search", "--color", "never", "needle"]);
    let text = stdout(&out);
    let longest = text.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 300, "a line of {longest} characters");
    assert!(text.contains("Long title words Long title words") && text.contains('…'));
    let (hits, _) = env.search_json(&["needle"]);
    let whole = hits.iter().find(|h| h["id"] == "long").unwrap();
    assert_eq!(whole["title"].as_str().unwrap().len(), title.trim().len());
    // -l: one line per file, the newline and the odd byte visible.
    let out = env.run(&["search", "-l", "needle"]);
    assert!(
        stdout(&out).contains("odd\\nname\\xFF.txt"),
        "{}",
        stdout(&out)
    );
    // -l -0: the bytes themselves, NUL-ended.
    let out = env.run(&["search", "-l", "-0", "needle"]);
    let names: Vec<&[u8]> = out
        .stdout
        .split(|&b| b == 0)
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(
        names.contains(&odd_path.as_os_str().as_bytes()),
        "{:?}",
        out.stdout
    );
    // -0 without -l is refused.
    assert_eq!(env.run(&["search", "-0", "needle"]).status.code(), Some(2));
}

/// A hit is explained clause by clause, also through nested clauses it does not match
/// whose first match lies after it (tantivy's boolean and phrase explanations assert on
/// those in debug builds, which the tests run).
#[test]
fn nested_clauses_that_miss_the_hit_are_explained() {
    let env = TestEnv::new();
    env.write("d/a.txt", "alpha one\n");
    env.write("d/b.txt", "beta gamma\n");
    assert!(env.index(&["-q", "-j", "1", "d"]).status.success());
    for query in ["alpha OR (beta AND gamma)", "alpha OR \"beta gamma\""] {
        for extra in [&["--explain"][..], &["--sort", "date"][..]] {
            let mut args = extra.to_vec();
            args.push(query);
            let (hits, code) = env.search_json(&args);
            assert_eq!(code, 0, "{query} {extra:?}");
            assert_eq!(hits.len(), 2, "{query} {extra:?}");
            if extra == ["--explain"] {
                assert!(hits.iter().all(|h| h["explanation"].is_object()));
            }
        }
    }
}
