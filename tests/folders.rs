//! Real folders: files under any name are read by their content, compressed files
//! through their decompressor, a bomb or a crashing parser never stops the batch, an
//! index folder is never read, filters choose files, and `-q` is quiet.

mod common;

use std::io::Write;

use common::{stderr, TestEnv};
use serde_json::Value;

fn summary(env: &TestEnv, args: &[&str]) -> (Value, i32, String) {
    let mut all = vec!["index", "--json"];
    all.extend_from_slice(args);
    let out = env
        .trove()
        .args(&all)
        .env("TROVE_TEST_PANIC", PANIC_MARKER)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let err = stderr(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let value = serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("summary JSON ({e}): {text:?}\n{err}"));
    (value, code, err)
}

/// Text that makes a parser panic in debug builds (the test hook of `ingest::guard`).
const PANIC_MARKER: &str = "TROVE-TEST-PANIC-HERE";

const TEXT: &str = "A plain title\n\nPlain words in a file whose name says nothing.\n";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn bzip2(bytes: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn xz(bytes: &[u8]) -> Vec<u8> {
    let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A folder of files a person keeps, under every kind of name.
fn tree(env: &TestEnv) {
    // Text under names that say nothing or mislead: read by content.
    for name in [
        "mixed/Apache-2.0",
        "mixed/LGPL-2.1",
        "mixed/README.Debian",
        "mixed/notes.rst",
        "mixed/build.log",
        "mixed/CHANGES",
        "mixed/key.bin",
        "mixed/unknown.xyz",
    ] {
        env.write(name, TEXT);
    }
    env.write(
        "mixed/page.php",
        "<!DOCTYPE html><html><head><title>A page</title></head><body><p>Words in a page.</p></body></html>",
    );
    env.write(
        "mixed/message",
        "From: a@example.com\nSubject: A message\nDate: Thu, 22 Jul 1999 18:37:46 -0600\n\nWords in a mail.\n",
    );
    // Binary under a text name; a picture (skipped unread by its name); a legacy Word
    // file (not read yet). Damaged PDFs: tests/documents.rs.
    env.write("mixed/binary.txt", b"abc\0def\0");
    env.write("mixed/photo.png", b"\x89PNG\r\n\x1a\n\0\0\0");
    env.write("mixed/paper.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0");
    // Compressed: each codec, a streamed format inside one, an archive, a bomb.
    env.write("mixed/changelog.gz", gzip(TEXT.as_bytes()));
    env.write(
        "mixed/notes.md.bz2",
        bzip2(b"# Notes in Markdown\n\nSome notes.\n"),
    );
    env.write(
        "mixed/records.jsonl.xz",
        xz(b"{\"id\": \"r1\", \"title\": \"One\", \"body\": \"first\"}\n{\"id\": \"r2\", \"title\": \"Two\", \"body\": \"second\"}\n"),
    );
    env.write(
        "mixed/page.html.zst",
        zstd::encode_all(&b"<html><head><title>Zst page</title></head><body><p>Compressed page words.</p></body></html>"[..], 3).unwrap(),
    );
    let mut tar = tar::Builder::new(Vec::new());
    let inside = b"Inside the tar\n\nA member of an archive.\n";
    let mut header = tar::Header::new_gnu();
    header.set_size(inside.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "docs/inside.txt", &inside[..])
        .unwrap();
    env.write("mixed/bundle.tar.gz", gzip(&tar.into_inner().unwrap()));
    env.copy_fixture("folders/bomb.txt.gz", "mixed/bomb.txt.gz");
    // Not articles: JSON that is no record.
    env.write(
        "mixed/openapi.json",
        r#"{"openapi": "3.0.0", "info": {"title": "Pet store API", "version": "1"}, "paths": {"/pets": {"get": {"summary": "List every pet"}}}}"#,
    );
    env.write("mixed/list.json", r#"["alpha words", "beta words"]"#);
    // A file that makes its parser panic (the test hook), between the others.
    env.write("mixed/crash.txt", format!("Crash\n\n{PANIC_MARKER}\n"));
    // A Turkish dateline (a byte offset from a lowercased copy once panicked on it).
    env.write(
        "mixed/turkish.txt",
        "Haber başlığı\n\nİSTANBUL, 3 March 2019 BY ÖMER KAYA\n\nMetin burada.\n",
    );
    // Hidden files are not walked.
    env.write("mixed/.hidden.txt", TEXT);
}

#[test]
fn every_file_is_judged_by_its_content_and_nothing_stops_the_batch() {
    let env = TestEnv::new();
    tree(&env);
    let (s, code, err) = summary(&env, &["mixed"]);
    // The crash is a failed file: exit 2, and everything else is indexed.
    assert_eq!(code, 2, "{err}");
    assert_eq!(s["failed"], 1, "{s}");
    assert_eq!(s["errors"][0]["kind"], "failed");
    assert!(s["errors"][0]["path"]
        .as_str()
        .unwrap()
        .ends_with("crash.txt"));
    let reason = s["errors"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("parser crashed") && reason.contains("injected test panic"),
        "{reason}"
    );
    assert_eq!(s["bad_records"], 0, "{s}");
    // 8 text files, page.php, message, changelog.gz, notes.md.bz2, records.jsonl.xz,
    // page.html.zst, openapi.json, list.json, turkish.txt, bundle.tar.gz: 18 files, 19
    // documents.
    assert_eq!(s["files"], 18, "{s}");
    assert_eq!(s["documents"], 19, "{s}");
    assert_eq!(
        s["skipped"],
        serde_json::json!({
            "binary": 1,
            "decompression bomb (expands over 100:1)": 1,
            "document format trove does not read yet": 1,
            "image": 1,
        }),
        "{s}"
    );
    assert!(err.contains("crash.txt: the parser crashed"), "{err}");

    let (docs, _) = env.search_json(&["--limit", "100", "*"]);
    let title_of = |suffix: &str| -> Vec<String> {
        docs.iter()
            .filter(|d| d["path"].as_str().is_some_and(|p| p.ends_with(suffix)))
            .map(|d| d["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(title_of("Apache-2.0"), ["A plain title"]);
    assert_eq!(title_of("changelog.gz"), ["A plain title"]);
    assert_eq!(title_of("notes.md.bz2"), ["Notes in Markdown"]);
    assert_eq!(title_of("page.html.zst"), ["Zst page"]);
    assert_eq!(title_of("page.php"), ["A page"]);
    assert_eq!(
        title_of("bundle.tar.gz/docs/inside.txt"),
        ["Inside the tar"]
    );
    assert_eq!(title_of("message"), ["A message"]);
    assert_eq!(title_of("openapi.json"), ["Pet store API"]);
    assert_eq!(title_of("list.json"), ["list.json"]);
    let turkish = docs.iter().find(|d| d["title"] == "Haber başlığı").unwrap();
    assert_eq!(turkish["author"], "ÖMER KAYA");
    assert_eq!(turkish["date"], "2019-03-03");
    let mut records = title_of("records.jsonl.xz");
    records.sort();
    assert_eq!(records, ["One", "Two"]);
    let formats: Vec<&str> = docs
        .iter()
        .filter(|d| d["path"].as_str().unwrap().ends_with(".zst"))
        .map(|d| d["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["html"]);
    assert_eq!(env.search_json(&["pets"]).0.len(), 1);

    // Run again: nothing changed, nothing read (skipped files are on record too); the
    // crash is tried again and fails again (exit 2).
    let (s, code, _) = summary(&env, &["mixed"]);
    assert_eq!(
        (
            s["files"].as_u64(),
            s["unchanged"].as_u64(),
            s["failed"].as_u64(),
            code
        ),
        (Some(0), Some(22), Some(1), 2),
        "{s}"
    );
}

#[test]
fn a_file_named_on_the_command_line_is_judged_by_its_content() {
    let env = TestEnv::new();
    env.write("notes.png", TEXT);
    env.write("real.png", b"\x89PNG\r\n\x1a\n\0\0\0");
    let (docs, code) = env.parse_json(&["notes.png"]);
    assert_eq!((docs.len(), code), (1, 0));
    assert_eq!(docs[0]["title"], "A plain title");
    let out = env.run(&["parse", "real.png"]);
    assert!(
        stderr(&out).contains("real.png: binary"),
        "{}",
        stderr(&out)
    );
    // Inside a folder, a .png is skipped by its name, unread.
    env.write("dir/notes.png", TEXT);
    let out = env.run(&["parse", "dir"]);
    assert!(
        stderr(&out).contains("notes.png: image"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_index_folder_is_never_read() {
    let env = TestEnv::with_corpus();
    env.write("corpus/notes/more.txt", TEXT);
    let dir = env.path("corpus");
    for _ in 0..2 {
        let out = env
            .trove()
            .current_dir(&dir)
            .args(["index", "--json", "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let s: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(s["bad_records"], 0, "{s}");
        assert!(s["skipped"].as_object().unwrap().is_empty(), "{s}");
    }
    let out = env
        .trove()
        .current_dir(&dir)
        .args(["search", "--json", "--limit", "100", "*"])
        .output()
        .unwrap();
    let paths: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(paths.iter().all(|p| !p.contains("/index/")), "{paths:?}");
    // Another index inside a folder is passed by too; naming one is a skip.
    let (s, code, _) = summary(&env, &["corpus"]);
    assert_eq!(code, 0);
    assert_eq!(s["documents"], 2, "{s}");
    let (s, _, _) = summary(&env, &["corpus/index"]);
    assert_eq!(
        s["skipped"],
        serde_json::json!({"a search index, not documents": 1})
    );
}

#[test]
fn globs_types_and_ignore_files_choose_files_and_what_they_leave_out_is_pruned() {
    let env = TestEnv::new();
    env.write("a/one.txt", "One\n\ntext words\n");
    env.write("a/two.md", "# Two\n\nmarkdown words\n");
    env.write(
        "a/sub/three.html",
        "<html><head><title>Three</title></head><body><p>page words</p></body></html>",
    );
    env.write("a/drafts/four.txt", "Four\n\ndraft words\n");
    let titles = |env: &TestEnv| -> Vec<String> {
        let (docs, _) = env.search_json(&["--limit", "100", "*"]);
        let mut t: Vec<String> = docs
            .iter()
            .map(|d| d["title"].as_str().unwrap().to_string())
            .collect();
        t.sort();
        t
    };
    let (_, code, _) = summary(&env, &["a"]);
    assert_eq!(code, 0);
    assert_eq!(titles(&env), ["Four", "One", "Three", "Two"]);
    // --type: only text; what it leaves out is gone from the index.
    let (s, _, _) = summary(&env, &["-t", "text", "a"]);
    assert_eq!(s["deleted"], 2, "{s}");
    assert_eq!(titles(&env), ["Four", "One"]);
    // Without the filter, the files come back.
    summary(&env, &["a"]);
    assert_eq!(titles(&env), ["Four", "One", "Three", "Two"]);
    // --type-not and --glob.
    summary(&env, &["-T", "markdown", "a"]);
    assert_eq!(titles(&env), ["Four", "One", "Three"]);
    // Globs are gitignore globs relative to the current folder, as in rg: a name
    // without a slash matches at any depth.
    summary(&env, &["-g", "!drafts", "a"]);
    assert_eq!(titles(&env), ["One", "Three", "Two"]);
    summary(&env, &["-g", "*.html", "a"]);
    assert_eq!(titles(&env), ["Three"]);
    // .ignore files are honoured; .gitignore inside a git repository; --no-ignore.
    env.write("a/.ignore", "drafts/\n");
    summary(&env, &["a"]);
    assert_eq!(titles(&env), ["One", "Three", "Two"]);
    env.write("a/.gitignore", "*.md\n");
    summary(&env, &["a"]);
    assert_eq!(
        titles(&env),
        ["One", "Three", "Two"],
        ".gitignore outside a git repository"
    );
    std::fs::create_dir_all(env.path("a/.git")).unwrap();
    summary(&env, &["a"]);
    assert_eq!(titles(&env), ["One", "Three"]);
    summary(&env, &["--no-ignore", "a"]);
    assert_eq!(titles(&env), ["Four", "One", "Three", "Two"]);
    // A bad glob is the user's error.
    let out = env.run(&["index", "-g", "a[", "a"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid --glob \"a[\""),
        "{}",
        stderr(&out)
    );
    // --type-list names every type.
    let out = env.run(&["index", "--type-list"]);
    let list = String::from_utf8(out.stdout).unwrap();
    for t in [
        "text:",
        "html:",
        "markdown:",
        "json:",
        "jsonl:",
        "email:",
        "mbox:",
    ] {
        assert!(list.contains(t), "{list}");
    }
}

#[test]
fn index_with_no_path_walks_the_recorded_roots_again() {
    let env = TestEnv::new();
    let out = env.run(&["index"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("records none"), "{}", stderr(&out));
    env.write("a/one.txt", "One\n\nwords\n");
    env.write("b/two.txt", "Two\n\nwords\n");
    env.write("b/c/three.txt", "Three\n\nwords\n");
    summary(&env, &["a"]);
    summary(&env, &["b/c"]);
    summary(&env, &["b"]);
    env.write("a/four.txt", "Four\n\nwords\n");
    std::fs::remove_file(env.path("b/two.txt")).unwrap();
    let (s, code, _) = summary(&env, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        (s["documents"].as_u64(), s["deleted"].as_u64()),
        (Some(1), Some(1)),
        "{s}"
    );
    assert_eq!(s["unchanged"], 2, "{s}");
    assert_eq!(env.count_all(), 3);
}

#[test]
fn quiet_means_errors_only_a_bounded_few() {
    let env = TestEnv::new();
    let mut lines = String::new();
    for i in 0..50 {
        lines.push_str(&format!(
            "{{\"id\": \"{i}\", \"title\": \"T\"}}\nnot json {}\n",
            "x".repeat(5000)
        ));
    }
    env.write("data/records.jsonl", lines);
    for i in 0..30 {
        env.write(&format!("data/skip{i}.png"), b"\x89PNG\0");
    }
    let out = env.run(&["index", "-q", "data"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 21, "{err}");
    assert!(lines.iter().all(|l| l.chars().count() <= 210), "{err}");
    assert!(lines[20].contains("30 more errors"), "{err}");
    assert!(!err.contains("indexed"), "{err}");
    // Nothing at all when nothing is wrong.
    env.write("clean/a.txt", TEXT);
    let out = env.run(&["index", "-q", "clean"]);
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()));
    // --json lists them all.
    let (s, _, _) = summary(&env, &["--force", "data"]);
    assert_eq!(s["errors"].as_array().unwrap().len(), 50);
}

/// An index built by another version of trove (another schema) says what to do, and
/// `--force` builds it again from the roots it recorded.
#[test]
fn an_index_of_another_schema_is_rebuilt_with_force() {
    let env = TestEnv::with_corpus();
    let (_, code, _) = summary(&env, &["corpus"]);
    assert_eq!(code, 0);
    // As an older trove would have left it: a field less in the schema.
    let meta_path = env.path("index/meta.json");
    let mut meta: Value = serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    let fields = meta["schema"].as_array_mut().unwrap();
    fields.retain(|f| f["name"] != "instant");
    std::fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();
    let out = env.run(&["search", "wikileaks"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`trove index --force` builds it again"),
        "{}",
        stderr(&out)
    );
    let (s, code, err) = summary(&env, &["--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(s["documents"], 1, "{s}");
    let (hits, code) = env.search_json(&["wikileaks"]);
    assert_eq!((hits.len(), code), (1, 0));
}
