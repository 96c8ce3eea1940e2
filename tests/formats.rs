//! Every format and encoding, through `trove parse --json` and `trove index`.

mod common;

use common::{stderr, TestEnv};
use serde_json::Value;

fn parse_one(name: &str) -> Value {
    let env = TestEnv::new();
    let (docs, code) = env.parse_json(&[&TestEnv::fixture(name)]);
    assert_eq!(code, 0, "{name}");
    assert_eq!(docs.len(), 1, "{name}");
    docs.into_iter().next().unwrap()
}

#[test]
fn parse_json_has_the_field_names_of_search_json() {
    let doc = parse_one("text/no-author.txt");
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    // Search's fields bar rank, score and snippets, in the same order (the README's).
    assert_eq!(
        keys,
        [
            "id",
            "title",
            "date",
            "source",
            "author",
            "publisher",
            "tags",
            "path",
            "format",
            "body"
        ]
    );
}

#[test]
fn markdown_front_matter_and_headings() {
    let doc = parse_one("markdown/yaml-front-matter.md");
    assert_eq!(doc["format"], "markdown");
    assert_eq!(doc["title"], "Field notes: tide pools at Point Lobos");
    assert_eq!(doc["date"], "2023-06-18");
    assert_eq!(doc["author"], "Dana Whitfield, Luis Ortega");
    assert_eq!(doc["source"], "https://notes.example.org/tide-pools");
    assert_eq!(doc["tags"], serde_json::json!(["ecology", "california"]));
    let body = doc["body"].as_str().unwrap();
    assert!(
        body.starts_with("Morning low tide\n\nWe counted ochre sea stars"),
        "{body}"
    );
    assert!(body.contains("found a giant green anemone near"), "{body}");
    assert!(!body.contains("](") && !body.contains("**"));

    let doc = parse_one("markdown/toml-front-matter.md");
    assert_eq!(doc["title"], "Compiling tantivy on a two-core machine");
    assert_eq!(doc["date"], "2026-01-05T09:30:00+01:00");
    assert_eq!(doc["author"], "R. Moreau");
    assert_eq!(doc["tags"], serde_json::json!(["rust", "search"]));

    let doc = parse_one("markdown/2019-07-08-jekyll-post.md");
    assert_eq!(doc["title"], "Bread baking log");
    assert_eq!(doc["date"], "2019-07-08");
    assert!(doc["source"].as_str().unwrap().starts_with("file://"));
}

#[test]
fn json_lines_map_common_names_and_report_bad_lines() {
    let env = TestEnv::new();
    let path = TestEnv::fixture("json/records.jsonl");
    let out = env.run(&["parse", "--json", &path]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad record makes the exit code 2"
    );
    let err = stderr(&out);
    assert!(err.contains("records.jsonl: bad record: line 3:"), "{err}");
    let docs: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 3, "the rest of the file is read");
    assert_eq!(docs[0]["id"], "r1");
    assert_eq!(docs[0]["date"], "1987-03-02");
    assert_eq!(docs[0]["tags"], serde_json::json!(["ship"]));
    assert_eq!(docs[0]["format"], "jsonl");
    assert!(docs[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("records.jsonl#1"));
    assert_eq!(
        docs[1]["source"],
        "https://news.example.com/2020/05/01/grain.html"
    );
    assert_eq!(docs[1]["author"], "Kim Lee");
    assert_eq!(docs[1]["body"], "Grain exports rose.");
    assert_eq!(docs[2]["title"], "Copper prices climb");
    assert_eq!(docs[2]["publisher"], "Metals Daily");
    assert_eq!(docs[2]["date"], "2021-07-01T12:00:00Z");
    // Ids: own id; derived from the URL; derived from file and line.
    assert_ne!(docs[1]["id"], docs[2]["id"]);
}

#[test]
fn json_arrays_and_single_objects() {
    let env = TestEnv::new();
    let out = env.run(&["parse", "--json", &TestEnv::fixture("json/array.json")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("record 3: expected an object, found a string"));
    let docs: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a1", "a2", "a4"]);
    assert_eq!(docs[1]["date"], "2017-11-11T10:00:00Z");
    assert_eq!(docs[0]["format"], "json");

    let doc = parse_one("json/single.json");
    assert_eq!(doc["title"], "A single JSON document");
    assert_eq!(doc["date"], "2017-11-11");
    assert_eq!(doc["author"], "Ada Park");
    assert_eq!(doc["publisher"], "Example Gazette");
    assert_eq!(doc["body"], "One object in one file is one document.");
    assert!(!doc["source"].as_str().unwrap().contains('#'));
}

#[test]
fn beir_corpus_ids_are_the_records_own() {
    let env = TestEnv::new();
    let (docs, code) = env.parse_json(&[&TestEnv::fixture("json/beir-corpus.jsonl")]);
    assert_eq!(code, 0);
    assert_eq!(docs[0]["id"], "4983");
    assert_eq!(docs[1]["id"], "5836");
    assert_eq!(
        docs[1]["body"],
        "Myelodysplastic syndromes are clonal disorders."
    );
}

#[test]
fn email_usenet_and_mbox() {
    let doc = parse_one("email/multipart.eml");
    assert_eq!(doc["format"], "email");
    assert_eq!(doc["title"], "Grüße aus Berlin");
    assert_eq!(doc["author"], "Jörg Müller");
    assert_eq!(doc["date"], "1993-04-06T01:02:03-04:00");
    assert_eq!(doc["source"], "mid:abc.123@example.org");
    assert_eq!(
        doc["body"],
        "The Spree was frozen this morning; we skated past the Reichstag café."
    );

    let doc = parse_one("email/usenet-latin1");
    assert_eq!(doc["format"], "email");
    assert_eq!(doc["title"], "Café crème recipes");
    assert_eq!(doc["author"], "Joël Dupré");
    assert_eq!(doc["publisher"], "Société Gourmande");
    assert_eq!(
        doc["tags"],
        serde_json::json!(["rec.food.cooking", "fr.rec.cuisine"])
    );
    assert_eq!(
        doc["body"],
        "Whip the crème fraîche, then add the café.\nServe cold."
    );

    let doc = parse_one("email/html-only.eml");
    let body = doc["body"].as_str().unwrap();
    assert!(
        body.contains("Lighthouse keepers share their storm stories."),
        "{body}"
    );
    assert!(
        !body.contains("track()") && !body.contains("color:red"),
        "{body}"
    );

    let env = TestEnv::new();
    let (docs, code) = env.parse_json(&[&TestEnv::fixture("email/archive.mbox")]);
    assert_eq!(code, 0);
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0]["title"], "Minutes of the March meeting");
    assert_eq!(docs[0]["source"], "mid:m1@example.org");
    assert_eq!(
        docs[0]["body"],
        "The committee approved the new bicycle racks.\nFrom now on, meetings start at nine."
    );
    // No Message-ID: the mbox file and the message's number.
    assert!(docs[1]["source"]
        .as_str()
        .unwrap()
        .ends_with("archive.mbox#2"));
    assert_eq!(docs[1]["author"], "Bob Baker");
    assert_eq!(docs[2]["date"], "2021-03-03T12:00:00Z");
    assert_eq!(docs[2]["format"], "mbox");
}

#[test]
fn encodings_decode_without_garbling() {
    let cases = [
        (
            "encodings/utf8-bom.txt",
            "UTF-8 with a byte-order mark",
            "Naïve café text",
        ),
        (
            "encodings/utf16le-bom.txt",
            "UTF-16 little-endian note",
            "Straße und München",
        ),
        (
            "encodings/utf16be-bom.txt",
            "UTF-16 big-endian note",
            "Ångström units",
        ),
        (
            "encodings/windows-1252.txt",
            "Windows-1252 memo",
            "“Smart quotes”, an em dash — and the euro sign €",
        ),
        (
            "encodings/latin1.txt",
            "Latin-1 letter",
            "Señor Muñoz wrote from A Coruña about the façade.",
        ),
    ];
    for (file, title, body) in cases {
        let doc = parse_one(file);
        assert_eq!(doc["title"], title, "{file}");
        let got = doc["body"].as_str().unwrap();
        assert!(got.contains(body), "{file}: {got:?}");
        assert!(!got.contains('\u{fffd}'), "{file}");
    }
    let doc = parse_one("encodings/latin1-declared.html");
    assert_eq!(doc["format"], "html");
    assert!(
        doc["body"].as_str().unwrap().contains("El niño comió piña"),
        "{doc}"
    );
}

#[test]
fn binary_files_are_skipped_with_a_reason() {
    let env = TestEnv::new();
    let out = env.run(&["parse", "--json", &TestEnv::fixture("encodings/binary.txt")]);
    assert_eq!(out.status.code(), Some(1), "nothing to show");
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("binary.txt: binary"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_folder_of_every_format_indexes_and_searches() {
    let env = TestEnv::new();
    let fixtures = std::path::Path::new(&TestEnv::fixture("")).to_path_buf();
    for dir in ["markdown", "json", "email", "encodings", "text"] {
        for entry in std::fs::read_dir(fixtures.join(dir)).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            env.write(
                &format!("archive/{dir}/{name}"),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    let out = env.index(&["archive"]);
    let err = stderr(&out);
    // Two files hold a bad record each; everything else is indexed.
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("2 bad records"), "{err}");
    assert!(err.contains("skipped 1 file (1 binary)"), "{err}");
    for (query, title) in [
        ("anemone", "Field notes: tide pools at Point Lobos"),
        ("olive", "Fourth of an array"),
        ("reichstag", "Grüße aus Berlin"),
        ("fraiche", "Café crème recipes"),
        ("bicycle", "Minutes of the March meeting"),
        ("münchen", "UTF-16 little-endian note"),
        ("coruna", "Latin-1 letter"),
        ("copper", "Copper prices climb"),
        ("tags:california", "Field notes: tide pools at Point Lobos"),
    ] {
        let (hits, code) = env.search_json(&[query]);
        assert_eq!(code, 0, "{query}");
        assert_eq!(hits[0]["title"], title, "{query}");
    }
}

#[test]
fn index_reads_json_lines_from_stdin() {
    let env = TestEnv::new();
    let records = "{\"id\": \"s1\", \"title\": \"Piped in\", \"text\": \"zeppelin hangar\"}\n\
                   {\"title\": \"No id\", \"text\": \"walrus colony\"}\n";
    let pipe = |input: &str| {
        env.trove()
            .args(["index", "-"])
            .write_stdin(input.to_string())
            .output()
            .unwrap()
    };
    let out = pipe(records);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.count_all(), 2);
    // The same records again: ids from the record, or from the content, keep one copy.
    pipe(records);
    assert_eq!(env.count_all(), 2);
    let (hits, _) = env.search_json(&["zeppelin"]);
    assert_eq!(hits[0]["id"], "s1");
    assert_eq!(hits[0]["path"], Value::Null);
}

/// One syndicated story saved six ways (tests/fixtures/syndicated/README.md says how
/// each was made: pandoc, headless Chromium's print to PDF, pdftotext): the same title,
/// date, author, publisher and source as the plain-text layout, the same words in the
/// body, and no notice in it.
#[test]
fn one_story_in_every_layout() {
    let seed = {
        let env = TestEnv::with_corpus();
        let (docs, _) = env.parse_json(&[env.path("corpus").to_str().unwrap()]);
        docs.into_iter().next().unwrap()
    };
    let words = |d: &Value| -> Vec<String> {
        d["body"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .map(String::from)
            .collect()
    };
    assert_eq!(seed["date"], "2017-11-11");
    for name in [
        "story.md",
        "story.html",
        "story.pdf",
        "story-print.txt",
        "story-print-raw.txt",
        "story-print-file.txt",
    ] {
        let doc = parse_one(&format!("syndicated/{name}"));
        let mut keys = vec!["title", "date", "author", "publisher"];
        // Printed from the file itself, the page's footer names no web address, and
        // pdftotext lost the hyphen where the citation's URL wrapped: no source to
        // compare.
        if name != "story-print-file.txt" {
            keys.push("source");
        }
        for key in keys {
            assert_eq!(doc[key], seed[key], "{name}: {key}");
        }
        let body = doc["body"].as_str().unwrap();
        for notice in [
            "©",
            "Citation:",
            "subject to copyright",
            "November 11 2017, by",
        ] {
            assert!(!body.contains(notice), "{name}: body holds {notice:?}");
        }
        assert_eq!(words(&doc), words(&seed), "{name}: body");
    }
}

/// mbox files from real writers: Python's mboxo writer, git format-patch (unescaped
/// `From ` lines in bodies) and its mboxrd form. Each message is one document; `From `
/// lines in bodies stay in their message.
#[test]
fn mbox_files_from_real_writers() {
    let env = TestEnv::new();
    let bodies = |name: &str| -> Vec<(String, String)> {
        let (docs, code) = env.parse_json(&[&TestEnv::fixture(&format!("email/{name}"))]);
        assert_eq!(code, 0, "{name}");
        docs.iter()
            .map(|d| {
                (
                    d["title"].as_str().unwrap().to_string(),
                    d["body"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let python = bodies("python-mboxo.mbox");
    assert_eq!(python.len(), 2, "{python:?}");
    assert_eq!(python[0].0, "Minutes of the March meeting");
    assert!(python[0]
        .1
        .contains("\nFrom now on, meetings start at nine."));
    assert!(python[1].1.contains("From what I heard, not much."));
    for name in ["git-format-patch.mbox", "git-format-patch-mboxrd.mbox"] {
        let git = bodies(name);
        assert_eq!(git.len(), 2, "{name}: {git:?}");
        assert_eq!(git[0].0, "[PATCH 1/2] Add the first file");
        assert!(
            git[0].1.contains("From now on the notes live here."),
            "{name}"
        );
        assert!(
            git[0]
                .1
                .contains("\nFrom the minutes of the March meeting: keep them short.\n"),
            "{name}: {}",
            git[0].1
        );
        assert!(
            git[1].1.contains("From here on, only small changes."),
            "{name}"
        );
    }
    // mboxrd says what was escaped: the quoted line comes back as written. (The plain
    // form cannot say: a reader takes `>From` as escaped, as mboxo readers must.)
    let rd = bodies("git-format-patch-mboxrd.mbox");
    assert!(
        rd[0].1.contains("\n>From a quoted line in the message."),
        "{}",
        rd[0].1
    );
}

/// Dates that cannot be what they claim (a negative, zero or one-digit year) are a
/// warning and no date, in every format: once they became 2000, 2001 and 2005.
#[test]
fn impossible_dates_are_warnings_not_dates() {
    let env = TestEnv::new();
    env.write(
        "d/records.jsonl",
        concat!(
            r#"{"id": "a", "title": "A", "date": "-1-01-01"}"#,
            "\n",
            r#"{"id": "b", "title": "B", "date": "12/31/-5"}"#,
            "\n",
            r#"{"id": "c", "title": "C", "date": "0000-01-01"}"#,
            "\n",
        ),
    );
    env.write(
        "d/mail.eml",
        "From: a@example.com\nSubject: Old\nDate: Mon, 1 Jan -0001\n\nText.\n",
    );
    env.write("d/note.md", "---\ntitle: Note\ndate: 12/31/5\n---\nText.\n");
    let out = env.run(&["parse", "--json", "d"]);
    let err = stderr(&out);
    let docs: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 5);
    for d in &docs {
        assert!(d["date"].is_null(), "{d}");
    }
    assert_eq!(err.matches("unparseable date").count(), 5, "{err}");
}
