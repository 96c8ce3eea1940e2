//! Hostile and broken input: the fixtures in tests/adversarial/fixtures (written to
//! break parsers and terminals), limits, the file system as it is, and queries built to
//! overflow a parser. Whatever comes in, trove must not panic, hang or let a document
//! write to the terminal, and every file it can read must still be indexed.

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};

use common::{stderr, stdout, TestEnv};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/adversarial/fixtures")
}

/// Copies every adversarial fixture into `dir` inside the env.
fn copy_fixtures(env: &TestEnv, dir: &str) {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let entry = entry.unwrap();
        env.write(
            &format!("{dir}/{}", entry.file_name().to_string_lossy()),
            std::fs::read(entry.path()).unwrap(),
        );
    }
}

/// No panic message, no foreign escape sequence, no bell, no bidi override.
fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains("panicked"), "{what}: {text}");
    assert!(!text.contains("RUST_BACKTRACE"), "{what}: {text}");
    let foreign = text.match_indices('\x1b').any(|(i, _)| {
        !["\x1b[0m", "\x1b[1m", "\x1b[1;31m", "\x1b[36m"]
            .iter()
            .any(|c| text[i..].starts_with(c))
    });
    assert!(!foreign, "{what}: escape sequence in {text:?}");
    for c in ['\x07', '\u{202e}', '\u{2066}', '\u{9b}'] {
        assert!(!text.contains(c), "{what}: {c:?} in {text:?}");
    }
}

#[test]
fn every_fixture_is_indexed_or_reported_and_nothing_panics() {
    let env = TestEnv::new();
    copy_fixtures(&env, "hostile");
    let out = env.index(&["--verbose", "--json", "hostile"]);
    let err = stderr(&out);
    assert_clean("index stderr", &err);
    // Bad records are reported (exit 2, as for any unreadable input) but the run
    // completes and commits everything readable.
    assert_eq!(out.status.code(), Some(2), "{err}");
    let summary: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let docs = summary["total_documents"].as_u64().unwrap();
    // The readable documents of the fixtures: the ANSI page, the bad date, the YAML
    // bomb, two good JSON Lines records, the e-mail, the truncated array's first record,
    // the two text files, and the unclosed HTML page.
    assert!(docs >= 9, "only {docs} documents: {summary}");
    let hits = env.count_all();
    assert_eq!(hits as u64, docs);
    // Each problem is named with its file.
    for name in ["deep.json", "deep.jsonl", "truncated.json"] {
        assert!(err.contains(name), "{name} not reported: {err}");
    }
    // The deep JSON Lines record is one bad line; the lines around it are indexed.
    assert!(err.contains("line 2"), "{err}");
    let (fine, _) = env.search_json(&["--limit", "50", "zebra"]);
    let ids: Vec<&str> = fine.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"ok1") && ids.contains(&"ok2"), "{ids:?}");
    assert!(
        ids.contains(&"t1"),
        "the truncated array's whole record: {ids:?}"
    );
}

#[test]
fn the_yaml_bomb_is_refused_not_expanded() {
    let env = TestEnv::new();
    let out = env.run(&[
        "parse",
        "--json",
        &fixtures().join("yaml-bomb.md").to_string_lossy(),
    ]);
    assert_clean("parse", &stderr(&out));
    // Either the front matter is refused (the body is still a document) or read without
    // expanding the aliases; either way the output stays small.
    assert!(out.stdout.len() < 100_000, "{} bytes", out.stdout.len());
    assert!(stdout(&out).contains("Zebra body after a bomb"));
}

#[test]
fn every_human_output_is_safe_for_a_terminal() {
    let env = TestEnv::new();
    copy_fixtures(&env, "hostile");
    // A file whose name carries an escape sequence and a newline.
    env.write(
        "hostile/name\x1b[2J\nforged line.txt",
        "Zebra named badly\n\nzebra body\n",
    );
    env.index(&["hostile"]);
    let page = env.path("hostile/ansi-everywhere.html");
    let page = page.to_string_lossy();
    let runs: Vec<Vec<&str>> = vec![
        vec!["index", "--verbose", "hostile"],
        vec!["index", "--force", "--verbose", "hostile"],
        vec!["search", "--color", "never", "zebra"],
        vec!["search", "--color", "always", "zebra"],
        vec!["search", "--format", "tsv", "zebra"],
        vec!["search", "-l", "zebra"],
        vec!["search", "--explain", "--color", "never", "zebra"],
        vec!["stats"],
        vec!["parse", "--color", "never", &page],
        vec!["parse", "--color", "never", "hostile"],
        vec!["delete", "--dry-run", "--query", "zebra"],
        vec!["search", "--color", "never", "date:\x1b[2J"],
        vec!["get", "--color", "never", "no\x1b[2Jsuch"],
        vec!["index", "no\x1b]0;such\x07\nfile"],
    ];
    for args in &runs {
        let out = env.run(args);
        assert_clean(&format!("{args:?} stdout"), &stdout(&out));
        assert_clean(&format!("{args:?} stderr"), &stderr(&out));
    }
    // The escapes are shown, not dropped: a person can see what is there.
    let out = env.run(&["search", "--color", "never", "zebra"]);
    assert!(stdout(&out).contains("\\u{1b}[2J"), "{}", stdout(&out));
    let out = env.run(&["index", "--verbose", "--force", "hostile"]);
    let err = stderr(&out);
    assert!(
        !err.lines().any(|l| l.starts_with("forged line")),
        "a file name forged a line: {err}"
    );
}

#[test]
fn deep_queries_are_refused_or_reduced_never_a_crash() {
    let env = TestEnv::with_corpus();
    env.index(&["corpus"]);
    let deep_parens = format!("{}wikileaks{}", "(".repeat(5000), ")".repeat(5000));
    let many_nots = format!("{}wikileaks", "NOT ".repeat(5000));
    let many_signs = format!("{}wikileaks", "-+".repeat(5000));
    for q in [&deep_parens, &many_nots, &many_signs] {
        let out = env.run(&["search", "--", q]);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        assert!(stderr(&out).contains("nested"), "{}", stderr(&out));
        let out = env.run(&["search", "--strict", "--", q]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("nested"), "{}", stderr(&out));
    }
    // A batch of hostile queries: each answered or refused on its own line.
    let batch = format!(
        "1\t{deep_parens}\n2\t{many_nots}\n3\twikileaks\n4\t\"unclosed\n5\t((((\n6\t{}\n",
        "a~2 ".repeat(2000)
    );
    env.write("queries.tsv", batch);
    let out = env.run(&[
        "search",
        "--batch",
        "queries.tsv",
        "--fields",
        "query_id,id",
    ]);
    assert_clean("batch", &stderr(&out));
    assert!(
        stdout(&out).contains("\"query_id\":\"3\""),
        "{}",
        stdout(&out)
    );
}

#[test]
fn file_size_limits_skip_without_reading() {
    let env = TestEnv::new();
    env.write("docs/small.txt", "Small zebra\n\nfits\n");
    env.write(
        "docs/big.txt",
        format!("Big zebra\n\n{}\n", "x".repeat(4000)),
    );
    // A 2 GB text file that takes no disk (text, then a hole): skipped by its size
    // after reading only the first bytes that tell its format.
    let sparse = env.write("docs/huge.txt", "Huge zebra\n\nwords ".repeat(2000));
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&sparse)
        .unwrap();
    f.set_len(2 * 1024 * 1024 * 1024).unwrap();
    drop(f);
    let out = env.index(&["--verbose", "--max-file-size", "2K", "docs"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("big.txt: larger than the 2 KiB limit"),
        "{err}"
    );
    assert!(err.contains("huge.txt: larger than"), "{err}");
    assert_eq!(env.count_all(), 1);
    // The default limit still skips the 2 GB file; the 4 KB one is read.
    let out = env.index(&["--verbose", "docs"]);
    let err = stderr(&out);
    assert!(
        err.contains("huge.txt: larger than the 256 MiB limit"),
        "{err}"
    );
    assert_eq!(env.count_all(), 2);
    let out = env.index(&["--max-file-size", "lots", "docs"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn pathologically_long_lines_are_read_in_one_pass() {
    let env = TestEnv::new();
    // 16 MB without a newline, as text, Markdown and HTML; and one word of 1 MB.
    let line = "zebra stripes run on and on without an end ".repeat(380_000);
    env.write("docs/line.txt", &line);
    env.write(
        "docs/line.md",
        format!("---\ntitle: Long zebra\n---\n{line}"),
    );
    env.write(
        "docs/line.html",
        format!("<title>Long zebra</title><p>{line}</p>"),
    );
    env.write(
        "docs/word.txt",
        format!("Word zebra\n\n{}\n", "w".repeat(1 << 20)),
    );
    let out = env.index(&["docs"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.count_all(), 4);
    let out = env.run(&["search", "--color", "never", "stripes"]);
    assert!(out.status.success());
    // Snippets stay short however long the line.
    assert!(out.stdout.len() < 4000, "{} bytes", out.stdout.len());
}

#[test]
fn a_jsonl_record_over_the_limit_is_one_bad_record() {
    let env = TestEnv::new();
    let huge = format!(
        "{{\"id\":\"big\",\"title\":\"zebra\",\"text\":\"{}\"}}",
        "y".repeat(65 * 1024 * 1024)
    );
    env.write(
        "docs/records.jsonl",
        format!("{{\"id\":\"a\",\"title\":\"zebra a\",\"text\":\"x\"}}\n{huge}\n{{\"id\":\"b\",\"title\":\"zebra b\",\"text\":\"x\"}}\n"),
    );
    let out = env.index(&["docs"]);
    let err = stderr(&out);
    assert!(err.contains("line 2: record longer than 64 MiB"), "{err}");
    assert_eq!(env.count_all(), 2);
}

#[cfg(unix)]
mod unix {
    use super::*;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::symlink;

    #[test]
    fn fifos_and_sockets_are_never_opened() {
        let env = TestEnv::new();
        env.write("docs/real.txt", "Real zebra\n\nbody\n");
        let fifo = env.path("docs/pipe.txt");
        let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let _socket = std::os::unix::net::UnixListener::bind(env.path("docs/sock.txt")).unwrap();
        // Folder walk and the FIFO named directly: neither may block.
        let out = env.index(&["--verbose", "docs", &fifo.to_string_lossy()]);
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        assert!(
            err.contains("pipe.txt: not a regular file (a FIFO)"),
            "{err}"
        );
        assert!(
            err.contains("sock.txt: not a regular file (a socket)"),
            "{err}"
        );
        assert_eq!(env.count_all(), 1);
    }

    #[test]
    fn links_are_skipped_unless_followed_and_loops_end() {
        let env = TestEnv::new();
        env.write("root/inside.txt", "Inside zebra\n\nbody\n");
        env.write("outside/elsewhere.txt", "Elsewhere zebra\n\nbody\n");
        symlink(env.path("outside"), env.path("root/out-link")).unwrap();
        symlink(env.path("root"), env.path("root/loop")).unwrap();
        symlink(env.path("root/missing"), env.path("root/dangling.txt")).unwrap();
        let out = env.index(&["--verbose", "root"]);
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        assert!(
            err.contains("out-link: symbolic link, not followed"),
            "{err}"
        );
        assert_eq!(env.count_all(), 1);
        // --follow: the link that leaves the root is followed, the loop is reported
        // once and not walked again, the dangling link is an error naming it.
        let out = env.index(&["--follow", "--verbose", "root"]);
        let err = stderr(&out);
        assert!(err.contains("link loop"), "{err}");
        assert!(err.contains("dangling.txt"), "{err}");
        assert_eq!(err.matches("link loop").count(), 1, "{err}");
        assert_eq!(env.count_all(), 2);
        // A link named on the command line is always followed.
        let out = env.index(&[
            "--index",
            "other",
            &env.path("root/out-link").to_string_lossy(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            stdout(&env.run(&["--index", "other", "search", "-c", "*"])).trim(),
            "1"
        );
    }

    #[test]
    fn names_that_are_not_utf8_stay_distinct_and_are_shown_escaped() {
        let env = TestEnv::new();
        std::fs::create_dir_all(env.path("docs")).unwrap();
        for (bytes, text) in [(&b"a\xff.txt"[..], "first"), (&b"a\xfe.txt"[..], "second")] {
            let name = std::ffi::OsStr::from_bytes(bytes);
            std::fs::write(
                env.path("docs").join(name),
                format!("Zebra {text}\n\nbody {text}\n"),
            )
            .unwrap();
        }
        let out = env.index(&["docs"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(env.count_all(), 2);
        // Unchanged on a second run, both of them (the state keeps them apart).
        let out = env.index(&["--json", "docs"]);
        let summary: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(summary["unchanged"], 2, "{summary}");
        assert_eq!(summary["total_documents"], 2);
        // Removing one removes its document only.
        std::fs::remove_file(
            env.path("docs")
                .join(std::ffi::OsStr::from_bytes(b"a\xff.txt")),
        )
        .unwrap();
        env.index(&["docs"]);
        let (hits, _) = env.search_json(&["zebra"]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0]["title"], "Zebra second");
        // Messages show the bytes.
        std::fs::write(
            env.path("docs")
                .join(std::ffi::OsStr::from_bytes(b"b\xfe.txt")),
            b"",
        )
        .unwrap();
        let out = env.index(&["--verbose", "docs"]);
        assert!(
            stderr(&out).contains("b\\xFE.txt: empty"),
            "{}",
            stderr(&out)
        );
    }

    #[test]
    fn unreadable_files_and_folders_are_reported_and_the_rest_indexed() {
        use std::os::unix::fs::PermissionsExt;
        let env = TestEnv::new();
        // Root reads through permissions: as root, trove runs as `nobody` (setpriv),
        // in a folder it may enter, with an index folder it may write.
        let root = unsafe { libc::geteuid() } == 0;
        if root {
            std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755))
                .unwrap();
            std::fs::create_dir_all(env.path("index")).unwrap();
            std::fs::set_permissions(env.path("index"), std::fs::Permissions::from_mode(0o777))
                .unwrap();
        }
        env.write("docs/ok.txt", "Readable zebra\n\nbody\n");
        let secret = env.write("docs/secret.txt", "Secret zebra\n\nbody\n");
        env.write("docs/closed/inner.txt", "Inner zebra\n\nbody\n");
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
        std::fs::set_permissions(
            env.path("docs/closed"),
            std::fs::Permissions::from_mode(0o000),
        )
        .unwrap();
        let out = if root {
            std::process::Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(assert_cmd::cargo::cargo_bin("trove"))
                .args(["index", "docs"])
                .current_dir(env.dir.path())
                .env_remove("TROVE_INDEX")
                .output()
                .expect("setpriv (util-linux) runs trove as nobody")
        } else {
            env.index(&["docs"])
        };
        let err = stderr(&out);
        assert!(
            err.contains("secret.txt") && err.contains("closed"),
            "{err}"
        );
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert_eq!(env.count_all(), 1);
        std::fs::set_permissions(
            env.path("docs/closed"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }

    #[test]
    fn files_changing_and_vanishing_during_runs_converge() {
        let env = TestEnv::new();
        for i in 0..400 {
            env.write(
                &format!("docs/{i:03}.txt"),
                format!("Zebra {i}\n\nbody {i}\n"),
            );
        }
        let dir = env.path("docs");
        let churn = std::thread::spawn(move || {
            for round in 0..40 {
                for i in (round % 4..400).step_by(4) {
                    let p = dir.join(format!("{i:03}.txt"));
                    if round % 2 == 0 {
                        let _ = std::fs::remove_file(&p);
                    } else {
                        let _ = std::fs::write(&p, format!("Zebra {i} v{round}\n\nbody\n"));
                    }
                }
                std::thread::sleep(std::time::Duration::from_millis(15));
            }
        });
        for _ in 0..4 {
            let out = env.index(&["docs"]);
            assert!(matches!(out.status.code(), Some(0 | 2)), "{}", stderr(&out));
            assert_clean("index during churn", &stderr(&out));
        }
        churn.join().unwrap();
        // Once the files hold still, one more run gives exactly what is on disk.
        let out = env.index(&["docs"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let on_disk = std::fs::read_dir(env.path("docs")).unwrap().count();
        assert_eq!(env.count_all(), on_disk);
    }
}
