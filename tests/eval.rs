//! `trove eval`: metrics through the CLI on a tiny judged collection, and the relevance
//! target on SciFact (skipped when ../shared/data is absent).

mod common;

use std::path::Path;

use common::{stderr, stdout, TestEnv};
use serde_json::Value;

fn tiny() -> String {
    TestEnv::fixture("beir/tiny")
}

#[test]
fn eval_reports_metrics_per_query_and_a_trec_run() {
    let env = TestEnv::new();
    let out = env.run(&[
        "eval",
        &tiny(),
        "--split",
        "dev",
        "--json",
        "--per-query",
        "--run",
        "run.trec",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(report["documents"], 5);
    // Judged queries with a relevant document: 1, 2, 3 and 5 (4 is not judged).
    assert_eq!(report["queries"], 4);
    let per_query = report["per_query"].as_array().unwrap();
    assert_eq!(per_query.len(), 4);
    for metric in ["ndcg_10", "recall_100", "map", "mrr_10"] {
        let mean: f64 = per_query
            .iter()
            .map(|q| q[metric].as_f64().unwrap())
            .sum::<f64>()
            / 4.0;
        assert!(
            (mean - report[metric].as_f64().unwrap()).abs() < 1e-9,
            "{metric}"
        );
        assert!((0.0..=1.0).contains(&mean));
    }
    // The run file: one line per hit, ranks from 1, trec_eval's six columns.
    let run = std::fs::read_to_string(env.path("run.trec")).unwrap();
    let first: Vec<&str> = run.lines().next().unwrap().split(' ').collect();
    assert_eq!(first.len(), 6);
    assert_eq!((first[1], first[3], first[5]), ("Q0", "1", "trove"));
    // The human report.
    let out = env.run(&["eval", &tiny(), "--split", "dev"]);
    assert!(stdout(&out).contains("nDCG@10"), "{}", stdout(&out));
}

#[test]
fn eval_reads_trec_qrels_and_names_missing_splits() {
    let env = TestEnv::new();
    let qrels = format!("{}/trec.qrels", tiny());
    let out = env.run(&["eval", &tiny(), "--qrels", &qrels, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(report["queries"], 2);
    let out = env.run(&["eval", &tiny()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("splits here: dev"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn scifact_train_reaches_the_target() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/eval/scifact");
    if !dir.is_dir() {
        println!("skipped: ../shared/data not found");
        return;
    }
    let mut opts = trove::eval::EvalOptions::new(dir);
    opts.split = "train".into();
    opts.depth = 100;
    let report = trove::eval::evaluate(&opts, false).unwrap();
    println!(
        "SciFact train: nDCG@10 {:.4}, Recall@100 {:.4}, MAP@100 {:.4}, MRR@10 {:.4} over {} queries",
        report.mean.ndcg_10, report.mean.recall_100, report.mean.map, report.mean.mrr_10, report.queries
    );
    assert_eq!(report.queries, 809);
    assert_eq!(report.documents, 5183);
    assert!(
        report.mean.ndcg_10 >= 0.70,
        "nDCG@10 {}",
        report.mean.ndcg_10
    );
    assert!(
        report.mean.recall_100 >= 0.92,
        "Recall@100 {}",
        report.mean.recall_100
    );
}

/// A corpus that repeats an id: the later record is indexed, and the report says so
/// (field `duplicate_ids`, and a warning) instead of silently losing a record.
#[test]
fn eval_reports_a_corpus_with_repeated_ids() {
    let env = TestEnv::new();
    for name in ["queries.jsonl", "qrels/dev.tsv"] {
        env.copy_fixture(&format!("beir/tiny/{name}"), &format!("beir/{name}"));
    }
    let corpus = std::fs::read_to_string(format!("{}/corpus.jsonl", tiny())).unwrap();
    let first = corpus.lines().next().unwrap().to_string();
    env.write("beir/corpus.jsonl", format!("{corpus}{first}\n"));
    let out = env.run(&[
        "eval",
        env.path("beir").to_str().unwrap(),
        "--split",
        "dev",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(report["duplicate_ids"], 1);
    assert!(stderr(&out).contains("repeats 1 ids"), "{}", stderr(&out));
}
