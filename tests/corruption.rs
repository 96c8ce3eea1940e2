//! A damaged index is reported, never a panic: each kind of index file damaged in turn,
//! `trove check` names it (exit 2), search says the index is damaged or answers, `trove
//! index` refuses to report success on it, and `trove index --force` rebuilds it.

mod common;

use common::{stderr, TestEnv};
use serde_json::Value;

fn env() -> TestEnv {
    let env = TestEnv::new();
    // Enough documents that every file kind has more than a few bytes.
    for i in 0..300 {
        env.write(
            &format!("docs/{i:03}.txt"),
            format!(
                "Story {i} about markets\n\nNovember {} 2017, by Reporter {i}\n\nThe markets said {} words about oil prices, government plans and film.\n",
                i % 28 + 1,
                "many ".repeat(i % 40 + 1)
            ),
        );
    }
    let out = env.index(&["docs"]);
    assert!(out.status.success(), "{}", stderr(&out));
    env
}

/// Overwrites 5 KB of the first file of the index whose name ends with `suffix`
/// (or all of it when it is smaller), from a quarter of the way in.
fn damage(env: &TestEnv, suffix: &str) -> String {
    let mut files: Vec<_> = std::fs::read_dir(env.path("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    let path = files.first().unwrap_or_else(|| panic!("no {suffix} file"));
    let mut bytes = std::fs::read(path).unwrap();
    let start = bytes.len() / 4;
    let end = (start + 5120).min(bytes.len());
    for b in &mut bytes[start..end] {
        *b = 0xFF;
    }
    std::fs::write(path, bytes).unwrap();
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn check(env: &TestEnv) -> (Value, i32) {
    let out = env.run(&["check", "--json"]);
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (report, out.status.code().unwrap())
}

#[test]
fn every_kind_of_damage_is_reported_and_rebuilt() {
    for suffix in [
        ".idx",
        ".pos",
        ".term",
        ".store",
        ".fast",
        ".fieldnorm",
        "meta.json",
    ] {
        let env = env();
        let (report, code) = check(&env);
        assert_eq!((code, report["ok"].as_bool()), (0, Some(true)), "{report}");
        let name = damage(&env, suffix);
        // check names what is wrong.
        let (report, code) = check(&env);
        assert_eq!(code, 2, "{suffix}: {report}");
        assert_eq!(report["ok"], false);
        let problems = report["problems"].to_string();
        assert!(
            problems.contains(&name) || suffix == "meta.json",
            "{suffix}: {problems}"
        );
        // Searches answer or say the index is damaged; never a panic.
        for q in [
            "markets",
            "\"oil prices\"",
            "reporter*",
            "government --sort date",
            "film --since 2017",
        ] {
            let args: Vec<&str> = std::iter::once("search").chain(q.split(' ')).collect();
            let out = env.run(&args);
            let err = stderr(&out);
            assert!(!err.contains("panicked"), "{suffix} {q}: {err}");
            match out.status.code() {
                Some(0 | 1) => {}
                Some(2) => assert!(err.contains("is damaged"), "{suffix} {q}: {err}"),
                other => panic!("{suffix} {q}: exit {other:?}: {err}"),
            }
        }
        // Indexing does not report success on it...
        let out = env.index(&["docs"]);
        assert_eq!(out.status.code(), Some(2), "{suffix}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is damaged"),
            "{suffix}: {}",
            stderr(&out)
        );
        // ... and --force rebuilds it.
        let out = env.index(&["--force"]);
        assert_eq!(out.status.code(), Some(0), "{suffix}: {}", stderr(&out));
        let (report, code) = check(&env);
        assert_eq!(code, 0, "{suffix}: {report}");
        assert_eq!(env.count_all(), 300, "{suffix}");
    }
}

/// The file state damaged: check says so; the next run reads every file and converges.
#[test]
fn a_damaged_state_is_reported_and_mends() {
    let env = env();
    std::fs::write(env.path("index/trove-files.bin"), b"not a state at all").unwrap();
    let (report, code) = check(&env);
    assert_eq!(code, 2, "{report}");
    assert!(
        report["problems"].to_string().contains("file state"),
        "{report}"
    );
    let out = env.run(&["index", "--json", "docs"]);
    assert_eq!(out.status.code(), Some(0));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["files"], 300);
    assert_eq!(env.count_all(), 300);
    assert_eq!(check(&env).1, 0);
}
