//! `trove export` in its three formats, checked against each format's rules, the
//! JSON Lines round trip, and `trove search --index A --index B`.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use common::{stderr, stdout, TestEnv};
use serde_json::Value;

/// Indexes `paths` into `index`; the fixtures hold two deliberately bad records, so
/// exit code 2 (reported bad records, everything else indexed) is fine too.
fn index_into(env: &TestEnv, index: &str, paths: &[&str]) {
    let mut args = vec!["--index", index, "index"];
    args.extend_from_slice(paths);
    let out = env.run(&args);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", stderr(&out));
    assert!(stderr(&out).contains(" now holds "), "{}", stderr(&out));
}

/// Every fixture format plus the seed: e-mail, mbox, HTML, JSON, JSONL, Markdown, text.
fn mixed_env() -> TestEnv {
    let env = TestEnv::with_corpus();
    for dir in ["email", "html", "json", "markdown", "text"] {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(dir);
        for entry in std::fs::read_dir(src).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            env.write(
                &format!("corpus/{dir}/{name}"),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    env
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn export(env: &TestEnv, args: &[&str]) -> (String, i32) {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    let out = env.run(&all);
    (stdout(&out), out.status.code().unwrap())
}

/// Documents by id, without `path` and `format` (which say where a copy was read from).
fn by_id(docs: &[Value]) -> BTreeMap<String, Value> {
    docs.iter()
        .map(|d| {
            let mut d = d.clone();
            let o = d.as_object_mut().unwrap();
            o.remove("path");
            o.remove("format");
            (o["id"].as_str().unwrap().to_string(), d)
        })
        .collect()
}

/// The whole ranking of `query` (every hit, so ties at a cut cannot differ): (id,
/// score rounded) pairs, best first, ties by id.
fn ranking(env: &TestEnv, index: &str, query: &str) -> Vec<(String, String)> {
    let (hits, _) = env.search_json(&["--index", index, "--limit", "100000", query]);
    let mut r: Vec<(f64, String)> = hits
        .iter()
        .map(|h| {
            (
                h["score"].as_f64().unwrap(),
                h["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    r.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    r.into_iter()
        .map(|(s, id)| (id, format!("{s:.4}")))
        .collect()
}

fn round_trip(env: &TestEnv, queries: &[&str]) -> usize {
    let (first, code) = export(env, &["--index", "a"]);
    assert_eq!(code, 0);
    let docs = lines(&first);
    env.write("export.jsonl", &first);
    let out = env.index(&["--index", "b", "export.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (second, _) = export(env, &["--index", "b"]);
    let again = lines(&second);
    assert_eq!(again.len(), docs.len());
    assert_eq!(by_id(&again), by_id(&docs), "documents changed on the way");
    for q in queries {
        let (a, b) = (ranking(env, "a", q), ranking(env, "b", q));
        assert!(!a.is_empty(), "{q} finds nothing");
        assert_eq!(a, b, "{q}: different results after the round trip");
    }
    docs.len()
}

#[test]
fn jsonl_round_trip_keeps_documents_and_results() {
    let env = mixed_env();
    index_into(&env, "a", &["corpus"]);
    let n = round_trip(
        &env,
        &["wikileaks", "cambridge analytica", "\"data firm\"", "*"],
    );
    assert!(n >= 20, "only {n} documents");
    // Authors stay a list (not one joined string); formats and paths are kept.
    let (text, _) = export(&env, &["--index", "a", "wikileaks"]);
    let seed = lines(&text)
        .into_iter()
        .find(|d| d["title"].as_str().unwrap().starts_with("Data firm CEO"))
        .unwrap();
    assert_eq!(seed["authors"], serde_json::json!(["Chad Day"]));
    // A day stays a day.
    assert_eq!(seed["date"], "2017-11-11");
    assert_eq!(seed["format"], "text");
    assert!(seed["path"].as_str().unwrap().ends_with(common::SEED_NAME));
}

#[test]
fn jsonl_round_trip_on_real_news() {
    let bbc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/news/bbc");
    if !bbc.is_dir() {
        println!("skipped: ../shared/data not found");
        return;
    }
    let env = TestEnv::new();
    let out = env.index(&["--index", "a", bbc.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let n = round_trip(
        &env,
        &[
            "oil",
            "\"prime minister\"",
            "film awards",
            "blair OR brown",
            "chelsea~1",
        ],
    );
    assert_eq!(n, 2225);
}

#[test]
fn export_selects_by_query_and_filters_and_says_when_nothing_matched() {
    let env = mixed_env();
    index_into(&env, "a", &["corpus"]);
    let (all, _) = export(&env, &["--index", "a"]);
    let (some, code) = export(&env, &["--index", "a", "wikileaks"]);
    assert_eq!(code, 0);
    let some = lines(&some);
    assert!(!some.is_empty() && some.len() < lines(&all).len());
    let (dated, _) = export(
        &env,
        &["--index", "a", "--since", "2017-11", "--until", "2017-11"],
    );
    for d in lines(&dated) {
        assert!(d["date"].as_str().unwrap().starts_with("2017-11"), "{d}");
    }
    let (none, code) = export(&env, &["--index", "a", "zzzznothing"]);
    assert_eq!((none.as_str(), code), ("", 1));
    // A query that cannot run is an error that names it.
    let out = env.run(&["--index", "a", "export", "--strict", "title:(unclosed"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("title:(unclosed"), "{}", stderr(&out));
}

#[test]
fn export_to_a_file_appears_whole() {
    let env = mixed_env();
    index_into(&env, "a", &["corpus"]);
    let out = env.run(&["--index", "a", "export", "-o", "out/all.jsonl"]);
    // The folder does not exist: an error naming the file, and nothing left behind.
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("out/all.jsonl"), "{}", stderr(&out));
    std::fs::create_dir(env.path("out")).unwrap();
    let out = env.run(&["--index", "a", "export", "-o", "out/all.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("exported"));
    let names: Vec<String> = std::fs::read_dir(env.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["all.jsonl"]);
    let (piped, _) = export(&env, &["--index", "a"]);
    assert_eq!(
        std::fs::read_to_string(env.path("out/all.jsonl")).unwrap(),
        piped
    );
}

/// A date as trove exports it: a calendar day (`2017-11-11`), or RFC 3339 to the
/// second with the document's offset (`2019-10-19T00:04:00+02:00`) or `Z`; the
/// Elasticsearch mapping and the Quickwit config accept both.
fn is_exported_date(s: &str) -> bool {
    let b = s.as_bytes();
    let day = b.len() >= 10 && b[4] == b'-' && b[7] == b'-';
    if b.len() == 10 {
        return day && s.parse::<jiff::civil::Date>().is_ok();
    }
    let offset = s.ends_with('Z') && b.len() == 20
        || (b.len() == 25 && matches!(b[19], b'+' | b'-') && b[22] == b':');
    day && offset
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && s.parse::<jiff::Timestamp>().is_ok()
}

/// A mapped field's JSON value has the shape its mapping type asks for.
fn check_type(key: &str, value: &Value, kind: &str) {
    match kind {
        "datetime" | "date" => assert!(
            value.as_str().is_some_and(is_exported_date),
            "{key}: {value} is not a day or RFC 3339"
        ),
        k if k.starts_with("array<") => assert!(
            value
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_string)),
            "{key}: {value} is not a list of strings"
        ),
        _ => assert!(
            value.is_string()
                || value
                    .as_array()
                    .is_some_and(|a| a.iter().all(Value::is_string)),
            "{key}: {value} is not text"
        ),
    }
}

#[test]
fn quickwit_export_matches_its_index_config() {
    let env = mixed_env();
    index_into(&env, "a", &["corpus"]);
    let out = env.run(&[
        "--index",
        "a",
        "export",
        "--format",
        "quickwit",
        "--quickwit-config",
        "trove-index.yaml",
        "--index-id",
        "news-archive",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let yaml = std::fs::read_to_string(env.path("trove-index.yaml")).unwrap();
    let config: Value = serde_saphyr::from_str(&yaml).expect("the config is YAML");
    assert_eq!(config["index_id"], "news-archive");
    assert_eq!(config["version"].to_string().trim_matches('"'), "0.8");
    let mapping = &config["doc_mapping"];
    assert_eq!(mapping["timestamp_field"], "date");
    let fields: BTreeMap<String, Value> = mapping["field_mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f.clone()))
        .collect();
    // Quickwit's rules: the timestamp field is a fast datetime; default search fields
    // are indexed text fields.
    assert_eq!(fields["date"]["type"], "datetime");
    assert_eq!(fields["date"]["fast"], true);
    for f in config["search_settings"]["default_search_fields"]
        .as_array()
        .unwrap()
    {
        assert_eq!(fields[f.as_str().unwrap()]["type"], "text");
    }
    let docs = lines(&stdout(&out));
    assert!(docs.len() >= 20);
    let mut dated = 0;
    for doc in &docs {
        for (key, value) in doc.as_object().unwrap() {
            let field = fields
                .get(key)
                .unwrap_or_else(|| panic!("{key} is not in the config"));
            check_type(key, value, field["type"].as_str().unwrap());
        }
        for required in ["id", "title", "body", "source"] {
            assert!(doc.get(required).is_some(), "{required} missing: {doc}");
        }
        dated += usize::from(doc.get("date").is_some());
    }
    assert!(dated > 0);
}

#[test]
fn es_bulk_export_follows_the_bulk_rules_and_its_mapping() {
    let env = mixed_env();
    index_into(&env, "a", &["corpus"]);
    let (text, code) = export(&env, &["--index", "a", "--format", "es-bulk"]);
    assert_eq!(code, 0);
    // NDJSON: every line one JSON value, the body ends with a newline.
    assert!(text.ends_with('\n'));
    let all = lines(&text);
    assert_eq!(all.len() % 2, 0);
    let mapping_out = env.run(&["export", "--es-mapping"]);
    assert!(mapping_out.status.success());
    let mapping: Value = serde_json::from_str(&stdout(&mapping_out)).unwrap();
    assert_eq!(mapping["mappings"]["dynamic"], "strict");
    let properties = mapping["mappings"]["properties"].as_object().unwrap();
    let mut ids = HashSet::new();
    for pair in all.chunks(2) {
        let (action, doc) = (&pair[0], &pair[1]);
        // The action line: exactly {"index": {"_id": ...}}, the id the document's own.
        let meta = action["index"].as_object().expect("an index action");
        assert_eq!(action.as_object().unwrap().len(), 1);
        assert_eq!(meta.len(), 1);
        let id = meta["_id"].as_str().unwrap();
        assert_eq!(doc["id"], id);
        assert!(ids.insert(id.to_string()), "duplicate _id {id}");
        for (key, value) in doc.as_object().unwrap() {
            let prop = properties
                .get(key)
                .unwrap_or_else(|| panic!("{key} not in the mapping (dynamic: strict)"));
            let kind = prop["type"].as_str().unwrap();
            check_type(key, value, if kind == "date" { "date" } else { "text" });
        }
    }
    // Stable ids: a second export gives the same ones, in the same order.
    let (again, _) = export(&env, &["--index", "a", "--format", "es-bulk"]);
    assert_eq!(again, text);
}

#[test]
fn search_across_indexes_ranks_as_one_index() {
    let env = mixed_env();
    // The same documents split in two, and all in one.
    index_into(&env, "all", &["corpus"]);
    index_into(
        &env,
        "part1",
        &["corpus/email", "corpus/html", "corpus/json"],
    );
    let seed = format!("corpus/{}", common::SEED_NAME);
    index_into(&env, "part2", &["corpus/markdown", "corpus/text", &seed]);
    for query in ["wikileaks", "data OR email", "\"data firm\"", "*"] {
        let one = ranking(&env, "all", query);
        let (hits, code) = env.search_json(&[
            "--index", "part1", "--index", "part2", "--limit", "100000", query,
        ]);
        assert_eq!(code, 0, "{query}");
        let mut two: Vec<(f64, String)> = hits
            .iter()
            .map(|h| {
                (
                    h["score"].as_f64().unwrap(),
                    h["id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        // Merged best first, ranks renumbered.
        assert!(two.windows(2).all(|w| w[0].0 >= w[1].0), "{query}");
        let ranks: Vec<u64> = hits.iter().map(|h| h["rank"].as_u64().unwrap()).collect();
        assert_eq!(ranks, (1..=hits.len() as u64).collect::<Vec<_>>());
        two.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let two: Vec<(String, String)> = two
            .into_iter()
            .map(|(s, id)| (id, format!("{s:.4}")))
            .collect();
        assert_eq!(one, two, "{query}: split indexes rank differently");
    }
    // Paging and counting run over the merged list.
    let count = |args: &[&str]| {
        let out = env.run(args);
        stdout(&out).trim().parse::<usize>().unwrap()
    };
    assert_eq!(
        count(&["--index", "part1", "--index", "part2", "search", "-c", "*"]),
        count(&["--index", "all", "search", "-c", "*"])
    );
    let page = |index: &[&str]| -> Vec<String> {
        let mut args: Vec<&str> = index.to_vec();
        args.extend(["--offset", "3", "--limit", "4", "--sort", "date", "*"]);
        env.search_json(&args)
            .0
            .iter()
            .map(|h| h["date"].to_string())
            .collect()
    };
    assert_eq!(
        page(&["--index", "part1", "--index", "part2"]),
        page(&["--index", "all"])
    );
    // Commands that write or describe one index refuse several.
    let out = env.run(&["--index", "part1", "--index", "part2", "stats"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("one index"), "{}", stderr(&out));
    // A missing index is named.
    let out = env.run(&["--index", "part1", "--index", "nowhere", "search", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nowhere"), "{}", stderr(&out));
}

/// `-o` writes into what it names, never replaces it: a device or a FIFO in place, a
/// link's target; a regular file through a temporary file that never stays behind.
#[test]
fn output_files_are_written_into_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let env = TestEnv::with_corpus();
    index_into(&env, "index", &["corpus"]);
    // A FIFO: written in place, read by whoever reads it.
    let fifo = env.path("pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = env.run(&["export", "-o", fifo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert!(reader.join().unwrap().contains("Data firm CEO"));
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    // A link: the target is written, the link stays.
    env.write("real.jsonl", "old");
    std::os::unix::fs::symlink("real.jsonl", env.path("link.jsonl")).unwrap();
    let out = env.run(&["export", "-o", "link.jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::symlink_metadata(env.path("link.jsonl"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(env.path("real.jsonl"))
        .unwrap()
        .contains("Data firm CEO"));
    // A full device: the error names it; the device stays a device.
    let out = env.run(&["export", "-o", "/dev/full"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("No space left on device"),
        "{}",
        common::stderr(&out)
    );
    assert!(std::fs::metadata("/dev/full")
        .unwrap()
        .file_type()
        .is_char_device());
    // A device like /dev/null, made here when we may (root): written in place.
    let null = env.path("null");
    let made = std::process::Command::new("mknod")
        .args([null.to_str().unwrap(), "c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if made {
        let out = env.run(&["export", "-o", null.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0));
        assert!(std::fs::metadata(&null)
            .unwrap()
            .file_type()
            .is_char_device());
    } else {
        println!("skipped: mknod needs root; the FIFO and /dev/full cases ran");
    }
    // `-` is standard output.
    let out = env.run(&["export", "-o", "-"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Data firm CEO"));
    // No temporary file stays behind anywhere.
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("trove-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
