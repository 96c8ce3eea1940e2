//! Same input, same output: one folder indexed six ways (threads, commit sizes, in
//! one run or two, merged into one segment or not) gives byte-identical
//! `search --json` output, also when hits tie.

mod common;

use common::{stdout, TestEnv};

const TOPICS: [&str; 20] = [
    "harbour", "glacier", "orchard", "lantern", "meadow", "quarry", "canyon", "island", "village",
    "desert", "forest", "river", "market", "bridge", "tunnel", "castle", "garden", "valley",
    "summit", "lagoon",
];
const SHARED: [&str; 6] = [
    "report", "council", "weather", "museum", "festival", "railway",
];

/// 20 stories in three copies each (equal texts: equal scores, different ids), in two
/// subfolders so that a run can take one first; some copies dated, some not.
fn folder(env: &TestEnv) {
    for (i, topic) in TOPICS.iter().enumerate() {
        let mut body = String::new();
        for (j, word) in SHARED.iter().enumerate() {
            // Each shared word in some stories, more or less often: varied scores.
            if (i + j) % 3 != 0 {
                for _ in 0..=((i * j) % 4) {
                    body.push_str(word);
                    body.push(' ');
                }
            }
        }
        body.push_str(&format!("The {topic} story. "));
        for copy in 0..3 {
            let date = if i % 2 == 0 { "Date: 2019-05-04\n" } else { "" };
            let half = if copy == 1 { "b" } else { "a" };
            env.write(
                &format!("docs/{half}/{topic}-{copy}.md"),
                format!("---\ntitle: About the {topic}\n{date}---\n\n{body}\n"),
            );
        }
    }
}

fn queries() -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for topic in TOPICS {
        out.push(vec!["--limit".into(), "2".into(), topic.into()]);
    }
    for word in SHARED {
        out.push(vec!["--limit".into(), "5".into(), word.into()]);
        out.push(vec![
            "--limit".into(),
            "4".into(),
            "--offset".into(),
            "2".into(),
            word.into(),
        ]);
        out.push(vec!["--sort".into(), "date".into(), word.into()]);
        out.push(vec!["--sort".into(), "-date".into(), word.into()]);
    }
    for pair in SHARED.windows(2) {
        out.push(vec![
            "--limit".into(),
            "7".into(),
            format!("{} {}", pair[0], pair[1]),
        ]);
    }
    out.push(vec!["--limit".into(), "6".into(), "title:about".into()]);
    out
}

#[test]
fn six_builds_of_one_folder_search_byte_for_byte_alike() {
    let env = TestEnv::new();
    folder(&env);
    let builds: [&[&[&str]]; 6] = [
        &[&["docs"]],
        &[&["-j", "1", "docs"]],
        &[&["-j", "1", "--commit-every", "7", "docs"]],
        &[&["-j", "2", "--commit-every", "13", "docs"]],
        &[
            &["-j", "1", "docs/b"],
            &["-j", "2", "--commit-every", "5", "docs"],
        ],
        // Many segments, then merged into one by a run that finds nothing changed.
        &[&["-j", "2", "--commit-every", "3", "docs"], &["--merge"]],
    ];
    let queries = queries();
    assert_eq!(queries.len(), 50);
    let mut outputs: Vec<Vec<String>> = Vec::new();
    for (n, runs) in builds.iter().enumerate() {
        let index = format!("index{n}");
        for args in *runs {
            let mut all = vec!["--index", index.as_str(), "index", "-q"];
            all.extend_from_slice(args);
            let out = env.run(&all);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{all:?}: {}",
                common::stderr(&out)
            );
        }
        let mut each = Vec::new();
        for q in &queries {
            let mut all = vec!["--index", index.as_str(), "search", "--json"];
            all.extend(q.iter().map(String::as_str));
            let out = env.run(&all);
            assert_eq!(out.status.code(), Some(0), "{all:?}");
            each.push(stdout(&out));
        }
        outputs.push(each);
    }
    for (n, other) in outputs.iter().enumerate().skip(1) {
        for (i, q) in queries.iter().enumerate() {
            assert_eq!(
                outputs[0][i], other[i],
                "query {q:?}: build 0 and build {n} differ"
            );
        }
    }
    // The set has ties to break: hits side by side with equal scores, in id order.
    let mut tied_pairs = 0;
    for (q, text) in queries.iter().zip(&outputs[0]) {
        if q.iter().any(|a| a == "--sort") {
            continue;
        }
        let hits: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        for pair in hits.windows(2) {
            if pair[0]["score"] == pair[1]["score"] {
                tied_pairs += 1;
                assert!(
                    pair[0]["id"].as_str() < pair[1]["id"].as_str(),
                    "equal scores not in id order: {pair:?}"
                );
            }
        }
    }
    assert!(tied_pairs >= 20, "only {tied_pairs} tied neighbours");
}
