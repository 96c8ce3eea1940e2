//! Every flag of every subcommand, alone, and the combinations the README shows: each is
//! honoured (the output changes, or the effect is checked) or refused with exit 2 and a
//! message. No flag is silently ignored. The tables are checked against `--help`, so a
//! new flag cannot escape them.

mod common;

use std::collections::BTreeSet;

use common::{stderr, stdout, TestEnv};

/// What a flag must do.
enum Expect {
    /// Exit 0 or 1, and stdout differs from the run without it.
    Changes,
    /// Accepted; its effect does not show in the output (waiting, threads, memory): the
    /// text says where it is checked or measured.
    ElsewhereChecked(&'static str),
    /// Exit 2 and a message on stderr.
    Refused,
}
use Expect::*;

fn env() -> TestEnv {
    let env = TestEnv::with_corpus();
    env.write(
        "more/note.md",
        "---\ntitle: Clinton notes\nauthor: Ann Writer\npublisher: Notes Daily\ndate: 2018-02-03\n---\n\nClinton emails and WikiLeaks, again.\n",
    );
    env.write("more/plain.txt", "Another plain clinton text\n");
    env.write(
        "more/hidden.txt",
        "A clinton text an ignore file leaves out\n",
    );
    env.write("more/.ignore", "hidden.txt\n");
    std::os::unix::fs::symlink(env.path("corpus"), env.path("more/linked")).unwrap();
    let out = env.index(&["-q", "corpus", "more"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    env
}

/// Long flags that `trove SUB --help` lists.
fn help_flags(env: &TestEnv, sub: &str) -> BTreeSet<String> {
    let out = env.run(&[sub, "--help"]);
    stdout(&out)
        .lines()
        .filter_map(|l| {
            let t = l.trim_start();
            let t = t
                .strip_prefix('-')
                .filter(|r| !r.starts_with('-'))
                .map_or(t, |r| r.split_once(", ").map_or(t, |(_, rest)| rest));
            t.strip_prefix("--").map(|r| {
                r.split([' ', '=', '[', '<'])
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
        })
        .filter(|f| !f.is_empty() && f != "help")
        .collect()
}

fn check(env: &TestEnv, sub: &str, base: &[&str], cases: &[(&[&str], Expect)], covered: &[&str]) {
    let run = |args: &[&str]| {
        let mut all = vec![sub];
        all.extend_from_slice(args);
        env.run(&all)
    };
    let baseline = run(base);
    assert!(
        matches!(baseline.status.code(), Some(0 | 1)),
        "{sub} {base:?}: {}",
        stderr(&baseline)
    );
    let mut seen: BTreeSet<String> = covered.iter().map(|s| s.to_string()).collect();
    for (flag_args, expect) in cases {
        for a in *flag_args {
            if let Some(name) = a.strip_prefix("--") {
                seen.insert(name.split('=').next().unwrap().to_string());
            }
        }
        let mut args: Vec<&str> = flag_args.to_vec();
        args.extend_from_slice(base);
        let out = run(&args);
        let shown = format!("trove {sub} {args:?}");
        match expect {
            Changes => {
                assert!(
                    matches!(out.status.code(), Some(0 | 1)),
                    "{shown}: exit {:?}: {}",
                    out.status.code(),
                    stderr(&out)
                );
                assert_ne!(
                    stdout(&out),
                    stdout(&baseline),
                    "{shown}: same output as without it (ignored?)"
                );
            }
            ElsewhereChecked(test) => assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{shown} (checked: {test}): exit {:?}: {}",
                out.status.code(),
                stderr(&out)
            ),
            Refused => {
                assert_eq!(out.status.code(), Some(2), "{shown}: not refused");
                assert!(
                    stderr(&out).trim().len() > 10,
                    "{shown}: refused without a message"
                );
            }
        }
    }
    let listed = help_flags(env, sub);
    let untested: Vec<&String> = listed.difference(&seen).collect();
    assert!(
        untested.is_empty(),
        "trove {sub}: flags not in this test: {untested:?}"
    );
}

#[test]
fn search_flags_are_honoured_or_refused() {
    let env = env();
    let cases: &[(&[&str], Expect)] = &[
        (&["--limit", "1"], Changes),
        (&["--offset", "1"], Changes),
        (&["--and"], Changes),
        (&["--fuzzy"], Changes),
        (&["--since", "2018"], Changes),
        (&["--until", "2017"], Changes),
        (&["--sort", "-date"], Changes),
        (
            &[
                "--source",
                "https://phys.org/news/2017-11-firm-ceo-wikileaks-clinton-emails.html",
            ],
            Changes,
        ),
        (&["--publisher", "notes daily"], Changes),
        (&["--author", "ann writer"], Changes),
        (&["--site", "phys.org"], Changes),
        (&["--json"], Changes),
        (&["--format", "csv"], Changes),
        (&["--format", "tsv"], Changes),
        (&["--format", "json"], Changes),
        (&["--count"], Changes),
        (&["--files"], Changes),
        (&["--explain"], Changes),
        (&["--color", "always"], Changes),
        (
            &["--strict"],
            ElsewhereChecked("search::broken_queries_search_with_a_warning_unless_strict"),
        ),
        // Refused alone or where they cannot apply.
        (&["--fields", "id,title"], Refused),
        (&["--null"], Refused),
        (&["--files", "--json"], Refused),
        (&["--files", "--fields", "id"], Refused),
        (&["--count", "--limit", "3"], Refused),
        (&["--count", "--format", "csv"], Refused),
        (&["--json", "--color", "always"], Refused),
        (&["--format", "csv", "--explain"], Refused),
        (&["--since", "garbage"], Refused),
        (&["--since", "2018", "--until", "2017"], Refused),
        (&["--limit", "0"], Refused),
        (&["--fuzzy=3"], Refused),
        (&["--sort", "size"], Refused),
        (&["--index", "nowhere"], Refused),
        // Combinations the README shows.
        (&["--json", "--fields", "id,title,date"], Changes),
        (
            &[
                "--format",
                "csv",
                "--fields",
                "id,title,explanation",
                "--explain",
            ],
            Changes,
        ),
        (&["--files", "--null"], Changes),
        (&["--count", "--json"], Changes),
        (&["--files", "--offset", "1"], Changes),
    ];
    check(&env, "search", &["clinton emailz"], cases, &["batch"]);

    // --batch: honoured with JSON Lines and tables, refused with human output.
    env.write("queries.txt", "q1\tclinton\nq2\twikileaks\n");
    let out = env.run(&["search", "--batch", "queries.txt"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("\"query_id\":\"q2\""));
    let out = env.run(&["search", "--batch", "queries.txt", "--format", "human"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--batch"));
    let out = env.run(&["search", "--batch", "queries.txt", "clinton"]);
    assert_eq!(out.status.code(), Some(2), "a query and --batch together");
}

#[test]
fn other_subcommands_flags_are_honoured_or_refused() {
    let env = env();
    let ids = stdout(&env.run(&["search", "--json", "--fields", "id", "clinton"]));
    let id: serde_json::Value = serde_json::from_str(ids.lines().next().unwrap()).unwrap();
    let id = id["id"].as_str().unwrap().to_string();

    check(
        &env,
        "get",
        &[&id],
        &[
            (&["--json"], Changes),
            (&["--color", "always"], Changes),
            (&["--json", "--color", "always"], Refused),
            (&["--index", "nowhere"], Refused),
        ],
        &[],
    );
    for sub in ["stats", "check"] {
        check(
            &env,
            sub,
            &[],
            &[(&["--json"], Changes), (&["--index", "nowhere"], Refused)],
            &[],
        );
    }
    check(
        &env,
        "parse",
        &["more"],
        &[
            (&["--json"], Changes),
            (&["--json", "--explain"], Changes),
            (&["--explain"], Refused),
            (&["--color", "always"], Changes),
            (&["--json", "--color", "always"], Refused),
            (&["--glob", "*.md"], Changes),
            (&["--type", "text"], Changes),
            (&["--type-not", "text"], Changes),
            (&["--type-list"], Changes),
            (&["--max-file-size", "10"], Changes),
            (&["--follow"], Changes),
            (&["--no-ignore"], Changes),
            (&["--index", "x"], Refused),
        ],
        &[],
    );
    check(
        &env,
        "export",
        &["clinton"],
        &[
            (&["--format", "quickwit"], Changes),
            (&["--format", "es-bulk"], Changes),
            (&["--es-mapping"], Changes),
            (&["--since", "2018"], Changes),
            (&["--until", "2017"], Changes),
            (
                &[
                    "--source",
                    "https://phys.org/news/2017-11-firm-ceo-wikileaks-clinton-emails.html",
                ],
                Changes,
            ),
            (&["--publisher", "notes daily"], Changes),
            (&["--author", "ann writer"], Changes),
            (&["--site", "www.phys.org"], Changes),
            (&["--output", "out.jsonl"], Changes),
            (
                &["--quickwit-config", "qw.yaml"],
                ElsewhereChecked("export::quickwit_export_matches_its_index_config"),
            ),
            (
                &["--strict"],
                ElsewhereChecked("search::broken_queries_search_with_a_warning_unless_strict"),
            ),
            (&["--index-id", "news"], Refused),
            (
                &["--index-id", "news", "--quickwit-config", "qw2.yaml"],
                ElsewhereChecked("export::quickwit_export_matches_its_index_config"),
            ),
            (&["--index", "nowhere"], Refused),
        ],
        &[],
    );
    check(
        &env,
        "delete",
        &["--dry-run", "--id", &id],
        &[
            (&["--json"], Changes),
            (&["--query", "wikileaks OR writer"], Changes),
            (&["--path", "more"], Changes),
            (
                &["--wait", "1"],
                ElsewhereChecked("batch::a_second_indexer_names_the_lock_and_can_wait"),
            ),
            (&["--wait=-1"], Refused),
            (&["--index", "nowhere"], Refused),
        ],
        &["id", "dry-run"],
    );
    // Without --dry-run the documents go.
    let out = env.run(&["delete", "--path", "more"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(env.search_json(&["writer"]).0.len(), 0);
}

/// `trove serve` runs until it is stopped: what its flags do is checked in tests/serve.rs
/// (`--listen` on every test's ephemeral port, `--allow-remote`); here, what it refuses
/// before it starts, and that no flag escapes the two.
#[test]
fn serve_flags_are_refused_when_wrong() {
    let env = TestEnv::new();
    for args in [
        &["serve", "--listen", "0.0.0.0:0"][..],
        &["serve", "--listen", "[::]:0"],
        &["serve", "--listen", "localhost"],
        &["serve", "--watch", "-"],
        &["--index", "a", "--index", "b", "serve", "--watch", "."],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: not refused");
        assert!(stderr(&out).trim().len() > 10, "{args:?}: no message");
    }
    let listed = help_flags(&env, "serve");
    let known: BTreeSet<String> = ["listen", "allow-remote", "allow-write", "index", "watch"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(
        listed.is_subset(&known),
        "trove serve: flags not in this test: {listed:?}"
    );
    assert!(listed.contains("listen") && listed.contains("allow-remote"));
}

/// `trove index`: each flag changes the run's summary (timings left out), or names the
/// test that checks what it does, or is refused.
#[test]
fn index_flags_are_honoured_or_refused() {
    let env = TestEnv::new();
    env.write("docs/a.md", "---\ntitle: A\n---\n\nalpha text\n");
    env.write("docs/b.txt", "beta text\n");
    env.write("docs/c.html", "<title>C</title><p>gamma text</p>");
    env.write("docs/big.txt", "x".repeat(5000));
    env.write("docs/hidden.txt", "hidden text\n");
    env.write("docs/.ignore", "hidden.txt\n");
    env.write("docs/pic.png", [0x89, b'P', b'N', b'G', 0, 0, 0, 0]);
    std::os::unix::fs::symlink(env.path("docs/b.txt"), env.path("docs/link.txt")).unwrap();
    // Timings and the index's name differ run to run: left out.
    let timing =
        regex::Regex::new(r#" in [0-9.]+ s \([^)]*\)|"elapsed":[0-9.eE+-]+|idx[0-9]+"#).unwrap();
    let shape = |out: &std::process::Output| {
        let text = format!("{}\n{}", stdout(out), stderr(out));
        timing.replace_all(&text, "").into_owned()
    };
    let mut n = 0;
    let mut run = |pre: &[&str], args: &[&str]| {
        n += 1;
        let index = format!("idx{n}");
        if !pre.is_empty() {
            let mut all = vec!["--index", index.as_str(), "index", "-q"];
            all.extend_from_slice(pre);
            assert_eq!(env.run(&all).status.code(), Some(0));
            std::fs::remove_file(env.path("docs/c.html")).ok();
        }
        let mut all = vec!["--index", index.as_str(), "index"];
        all.extend_from_slice(args);
        let out = env.run(&all);
        env.write("docs/c.html", "<title>C</title><p>gamma text</p>");
        out
    };
    let base = run(&[], &["docs"]);
    assert_eq!(base.status.code(), Some(0), "{}", stderr(&base));
    let base_shape = shape(&base);
    let second_base = shape(&run(&["docs"], &["docs"]));
    let cases: &[(&[&str], &[&str], Expect)] = &[
        (&[], &["--json", "docs"], Changes),
        (&[], &["--quiet", "docs"], Changes),
        (&[], &["--verbose", "docs"], Changes),
        (&[], &["--glob", "*.md", "docs"], Changes),
        (&[], &["--type", "html", "docs"], Changes),
        (&[], &["--type-not", "text", "docs"], Changes),
        (&[], &["--type-list"], Changes),
        (&[], &["--no-ignore", "docs"], Changes),
        (&[], &["--follow", "docs"], Changes),
        (&[], &["--max-file-size", "1K", "docs"], Changes),
        (&[], &["--commit-every", "1", "--json", "docs"], Changes),
        (&["docs"], &["--force", "docs"], Changes),
        (&["docs"], &["--no-prune", "docs"], Changes),
        (
            &[],
            &["--threads", "1", "docs"],
            ElsewhereChecked("tests/determinism.rs builds with -j 1 and -j 2 alike"),
        ),
        (
            &[],
            &["--memory", "64M", "docs"],
            ElsewhereChecked("the writer's budget: peak memory in bench/RESULTS.md"),
        ),
        (
            &[],
            &["--wait", "1", "docs"],
            ElsewhereChecked("batch::a_second_indexer_names_the_lock_and_can_wait"),
        ),
        (
            &[],
            &["--commit-interval", "0", "docs"],
            ElsewhereChecked("commits by time: tests/batch.rs and the kill -9 tests"),
        ),
        (
            &["docs"],
            &["--merge", "docs"],
            ElsewhereChecked("batch::merge_leaves_one_segment_and_changes_no_answer"),
        ),
        (&[], &["--memory", "1K", "docs"], Refused),
        (&[], &["--threads", "0", "docs"], Refused),
        (&[], &["--commit-every", "0", "docs"], Refused),
        (&[], &["--commit-interval", "-1", "docs"], Refused),
        (&[], &["--type", "pdf-maybe", "docs"], Refused),
        (&[], &["--max-file-size", "ten", "docs"], Refused),
        (&[], &["nowhere-at-all"], Refused),
        // A watch runs until stopped (tests/watch.rs); here what it refuses.
        (&[], &["--watch"], Refused),
        (&[], &["--watch", "--merge", "docs"], Refused),
        (&[], &["--watch", "-"], Refused),
    ];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (pre, args, expect) in cases {
        for a in *args {
            if let Some(name) = a.strip_prefix("--") {
                seen.insert(name.to_string());
            }
        }
        let out = run(pre, args);
        let shown = format!("trove index {args:?}");
        let against = if pre.is_empty() {
            &base_shape
        } else {
            &second_base
        };
        match expect {
            Changes => {
                assert_eq!(out.status.code(), Some(0), "{shown}: {}", stderr(&out));
                assert_ne!(
                    &shape(&out),
                    against,
                    "{shown}: same as without it (ignored?)"
                );
            }
            ElsewhereChecked(test) => assert_eq!(
                out.status.code(),
                Some(0),
                "{shown} (checked: {test}): {}",
                stderr(&out)
            ),
            Refused => {
                assert_eq!(out.status.code(), Some(2), "{shown}: not refused");
                assert!(stderr(&out).trim().len() > 10, "{shown}: no message");
            }
        }
    }
    seen.insert("index".into());
    let listed = help_flags(&env, "index");
    let untested: Vec<&String> = listed.difference(&seen).collect();
    assert!(
        untested.is_empty(),
        "trove index: flags not in this test: {untested:?}"
    );
}

/// `trove man [COMMAND]`, completions and `eval`'s flags.
#[test]
fn man_pages_completions_and_eval_flags() {
    let env = TestEnv::new();
    for command in [None, Some("search"), Some("index"), Some("export")] {
        let mut args = vec!["man"];
        args.extend(command);
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let page = stdout(&out);
        assert!(
            page.contains(".SH ENVIRONMENT") && page.contains("TROVE_INDEX"),
            "{args:?}"
        );
        assert!(page.contains(".SH \"EXIT STATUS\""), "{args:?}");
        if let Some(name) = command {
            assert!(
                page.contains(&format!("trove\\-{name}")),
                "{args:?}: its own name"
            );
        }
        assert_eq!(
            page.contains("QUERY SYNTAX"),
            command != Some("index"),
            "{args:?}: the query syntax where queries are taken"
        );
    }
    let out = env.run(&["man", "nosuch"]);
    assert_eq!(out.status.code(), Some(2));
    let out = env.run(&["--index", "x", "man"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--index refused where no index is read"
    );

    // Completions know each flag's values, not file names.
    let out = env.run(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    let script = stdout(&out);
    for values in [
        "score date -date",
        "text html markdown",
        "rank score id title",
    ] {
        assert!(script.contains(values), "bash completions lack {values:?}");
    }
    assert_eq!(env.run(&["completions", "nosuch"]).status.code(), Some(2));

    // eval, on the tiny BEIR set of tests/fixtures.
    let tiny = TestEnv::fixture("beir/tiny");
    let qrels = TestEnv::fixture("beir/tiny/qrels/dev.tsv");
    check(
        &env,
        "eval",
        &[&tiny, "--split", "dev"],
        &[
            (&["--json"], Changes),
            (&["--per-query"], Changes),
            (&["--split", "test"], Refused),
            (
                &["--run", "run.trec"],
                ElsewhereChecked(
                    "eval::eval_reports_metrics_per_query_and_a_trec_run reads the file",
                ),
            ),
            (
                &["--qrels", &qrels],
                ElsewhereChecked("eval::eval_reports_metrics_per_query_and_a_trec_run"),
            ),
            (
                &["--depth", "200"],
                ElsewhereChecked("MAP over the first N hits: the tiny set has 5 documents"),
            ),
            (
                &["--and"],
                ElsewhereChecked("the same --and as search (tests/flags.rs, search)"),
            ),
            (
                &["--keep-index", "kept"],
                ElsewhereChecked("the index is left in the folder: checked below"),
            ),
            (&["--depth", "10"], Refused),
            (&["--index", "x"], Refused),
        ],
        &[],
    );
    assert!(
        env.path("kept/meta.json").exists(),
        "--keep-index keeps the index"
    );
}
