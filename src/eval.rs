//! `trove eval`: ranking quality on a judged test collection, measured the way the
//! field does (trec_eval's definitions), through the same ingest and search path users
//! get.
//!
//! Input: a BEIR folder (`corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`) or
//! TREC qrels (`qid 0 docid rel`, whitespace-separated). The corpus is indexed into a
//! temporary index with trove's own ingest; every judged query runs through
//! `Session::search` with default options; metrics are averaged over the queries that
//! have at least one relevant document (relevance > 0). A query with no hits scores 0.
//!
//! Metrics, per query (trec_eval: `ndcg_cut_10`, `recall_100`, `map`, `recip_rank` cut
//! at 10):
//! - nDCG@10 = DCG@10 / IDCG@10, DCG@k = Σ_{i≤k} rel_i / log2(i + 1) (linear gains, as
//!   trec_eval and BEIR), IDCG from the judged relevances sorted descending;
//! - Recall@100 = |relevant ∩ top 100| / |relevant|;
//! - AP = Σ_{relevant retrieved at rank k} P@k / |relevant|, over the whole run (1,000
//!   hits by default); MAP is its mean;
//! - RR@10 = 1 / rank of the first relevant hit in the top 10, else 0.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::batch::{index_paths, IndexOptions};
use crate::error::{Error, Result};
use crate::index::TroveIndex;
use crate::search::{SearchOptions, Session};

/// Judgements: query id -> document id -> relevance.
pub type Qrels = HashMap<String, HashMap<String, i32>>;

/// Ranking metrics for one query or averaged over many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub ndcg_10: f64,
    pub recall_100: f64,
    pub map: f64,
    pub mrr_10: f64,
}

impl Metrics {
    /// The metrics of one ranked list of document ids against one query's judgements.
    pub fn of(ranked: &[String], judged: &HashMap<String, i32>) -> Metrics {
        let relevant: usize = judged.values().filter(|&&r| r > 0).count();
        if relevant == 0 {
            return Metrics::default();
        }
        let gain = |id: &String| judged.get(id).copied().unwrap_or(0).max(0) as f64;
        let discount = |i: usize| (i as f64 + 2.0).log2(); // rank i+1
        let dcg: f64 = ranked
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, id)| gain(id) / discount(i))
            .sum();
        let mut ideal: Vec<f64> = judged
            .values()
            .filter(|&&r| r > 0)
            .map(|&r| r as f64)
            .collect();
        ideal.sort_by(|a, b| b.total_cmp(a));
        let idcg: f64 = ideal
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, g)| g / discount(i))
            .sum();
        let is_rel = |id: &String| judged.get(id).is_some_and(|&r| r > 0);
        let found_100 = ranked.iter().take(100).filter(|id| is_rel(id)).count();
        let mut hits = 0usize;
        let mut precision_sum = 0.0;
        for (k, id) in ranked.iter().enumerate() {
            if is_rel(id) {
                hits += 1;
                precision_sum += hits as f64 / (k + 1) as f64;
            }
        }
        let first = ranked.iter().take(10).position(is_rel);
        Metrics {
            ndcg_10: if idcg > 0.0 { dcg / idcg } else { 0.0 },
            recall_100: found_100 as f64 / relevant as f64,
            map: precision_sum / relevant as f64,
            mrr_10: first.map_or(0.0, |p| 1.0 / (p + 1) as f64),
        }
        .unsigned()
    }

    /// Zeros as +0.0: an empty sum of f64 is -0.0 (a query with no hits), which prints
    /// as `-0.0000`.
    fn unsigned(self) -> Metrics {
        Metrics {
            ndcg_10: self.ndcg_10 + 0.0,
            recall_100: self.recall_100 + 0.0,
            map: self.map + 0.0,
            mrr_10: self.mrr_10 + 0.0,
        }
    }

    fn mean(all: &[Metrics]) -> Metrics {
        if all.is_empty() {
            return Metrics::default();
        }
        let n = all.len() as f64;
        Metrics {
            ndcg_10: all.iter().map(|m| m.ndcg_10).sum::<f64>() / n,
            recall_100: all.iter().map(|m| m.recall_100).sum::<f64>() / n,
            map: all.iter().map(|m| m.map).sum::<f64>() / n,
            mrr_10: all.iter().map(|m| m.mrr_10).sum::<f64>() / n,
        }
        .unsigned()
    }
}

/// What `trove eval` is asked to do.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// A BEIR folder.
    pub dir: PathBuf,
    /// The qrels split (`qrels/<split>.tsv`), when `qrels` is not given.
    pub split: String,
    /// A qrels file (BEIR TSV or TREC), instead of `qrels/<split>.tsv`.
    pub qrels: Option<PathBuf>,
    /// Hits retrieved per query (MAP is computed over them).
    pub depth: usize,
    /// Where to build the index; a temporary folder when `None`.
    pub index_dir: Option<PathBuf>,
    /// The search options every query runs with (the query text is filled in).
    pub search: SearchOptions,
}

impl EvalOptions {
    pub fn new(dir: PathBuf) -> EvalOptions {
        let mut search = SearchOptions::new("");
        search.snippets = false;
        EvalOptions {
            dir,
            split: "test".into(),
            qrels: None,
            depth: 1000,
            index_dir: None,
            search,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct QueryResult {
    pub query_id: String,
    #[serde(flatten)]
    pub metrics: Metrics,
    pub relevant: usize,
    /// The query's hits' ids, best first (not serialized).
    #[serde(skip)]
    pub ranked: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub dataset: String,
    pub split: String,
    pub documents: u64,
    /// Queries evaluated: judged, with at least one relevant document.
    pub queries: usize,
    #[serde(flatten)]
    pub mean: Metrics,
    #[serde(serialize_with = "secs")]
    pub index_time: Duration,
    #[serde(serialize_with = "secs")]
    pub search_time: Duration,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_query: Vec<QueryResult>,
    /// Queries that ran with a warning (repaired syntax).
    pub warnings: usize,
    /// Corpus records whose id an earlier record already had (the later one is
    /// indexed): judgements about such an id may mean either, so the metrics are
    /// suspect. 0 for a sound corpus.
    pub duplicate_ids: usize,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn invalid(path: &Path, message: String) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, message),
    }
}

/// Reads qrels: BEIR TSV (`query-id corpus-id score`, with or without its header) or
/// TREC (`qid iteration docid rel`).
pub fn read_qrels(path: &Path) -> Result<Qrels> {
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    let mut qrels: Qrels = HashMap::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io_err(path))?;
        let cols: Vec<&str> = line.split_whitespace().collect();
        let (q, d, r) = match cols[..] {
            [] => continue,
            [q, d, r] => (q, d, r),
            [q, _, d, r] => (q, d, r),
            _ => {
                return Err(invalid(
                    path,
                    format!("line {}: expected 3 or 4 columns", n + 1),
                ))
            }
        };
        let Ok(rel) = r.parse::<i32>() else {
            if n == 0 {
                continue; // a header line
            }
            return Err(invalid(
                path,
                format!("line {}: relevance {r:?} is not a number", n + 1),
            ));
        };
        qrels
            .entry(q.to_string())
            .or_default()
            .insert(d.to_string(), rel);
    }
    Ok(qrels)
}

/// Reads `queries.jsonl` (`{"_id", "text"}`) as id -> text.
pub fn read_queries(path: &Path) -> Result<BTreeMap<String, String>> {
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    let mut queries = BTreeMap::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io_err(path))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| invalid(path, format!("line {}: {e}", n + 1)))?;
        let id = match &v["_id"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(x) => x.to_string(),
            _ => return Err(invalid(path, format!("line {}: no _id", n + 1))),
        };
        let text = v["text"].as_str().unwrap_or_default().to_string();
        queries.insert(id, text);
    }
    Ok(queries)
}

/// Indexes the corpus, runs every judged query, and measures.
pub fn evaluate(opts: &EvalOptions, per_query: bool) -> Result<EvalReport> {
    let corpus = opts.dir.join("corpus.jsonl");
    let queries_path = opts.dir.join("queries.jsonl");
    let qrels_path = match &opts.qrels {
        Some(p) => p.clone(),
        None => opts.dir.join("qrels").join(format!("{}.tsv", opts.split)),
    };
    if !qrels_path.is_file() {
        let available: Vec<String> = std::fs::read_dir(opts.dir.join("qrels"))
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| {
                        e.file_name()
                            .to_str()?
                            .strip_suffix(".tsv")
                            .map(String::from)
                    })
                    .collect()
            })
            .unwrap_or_default();
        return Err(invalid(
            &qrels_path,
            format!(
                "no such judgements; splits here: {} (choose one with --split)",
                if available.is_empty() {
                    "none".into()
                } else {
                    available.join(", ")
                }
            ),
        ));
    }
    let qrels = read_qrels(&qrels_path)?;
    let queries = read_queries(&queries_path)?;

    let temp;
    let index_dir = match &opts.index_dir {
        Some(d) => d.clone(),
        None => {
            temp = tempfile::tempdir().map_err(io_err(&opts.dir))?;
            temp.path().join("index")
        }
    };
    let started = Instant::now();
    let mut index_opts = IndexOptions::new(index_dir.clone(), vec![corpus]);
    index_opts.force = true;
    let indexed = index_paths(&index_opts, &mut |_| {})?;
    let index_time = started.elapsed();

    let trove = TroveIndex::open(&index_dir)?;
    let session = Session::new(&trove)?;
    let started = Instant::now();
    let mut results = Vec::new();
    let mut warnings = 0;
    let mut judged: Vec<(&String, &HashMap<String, i32>)> = qrels
        .iter()
        .filter(|(_, j)| j.values().any(|&r| r > 0))
        .collect();
    judged.sort_by(|a, b| natural(a.0).cmp(&natural(b.0)));
    for (qid, judgements) in judged {
        let ranked: Vec<String> = match queries.get(qid) {
            Some(text) if !text.trim().is_empty() => {
                let mut search = opts.search.clone();
                search.query = text.clone();
                search.limit = opts.depth;
                match session.ranked_ids(&search) {
                    Ok(found) => {
                        warnings += usize::from(!found.warnings.is_empty());
                        found.ids.into_iter().map(|(id, _)| id).collect()
                    }
                    Err(Error::Query { .. }) => Vec::new(),
                    Err(e) => return Err(e),
                }
            }
            _ => Vec::new(),
        };
        results.push(QueryResult {
            query_id: qid.clone(),
            metrics: Metrics::of(&ranked, judgements),
            relevant: judgements.values().filter(|&&r| r > 0).count(),
            ranked,
        });
    }
    let search_time = started.elapsed();
    let all: Vec<Metrics> = results.iter().map(|r| r.metrics).collect();
    Ok(EvalReport {
        dataset: opts.dir.display().to_string(),
        split: match &opts.qrels {
            Some(p) => p.display().to_string(),
            None => opts.split.clone(),
        },
        documents: trove.num_docs()?,
        duplicate_ids: indexed.duplicates,
        queries: results.len(),
        mean: Metrics::mean(&all),
        index_time,
        search_time,
        per_query: if per_query { results } else { Vec::new() },
        warnings,
    })
}

/// Numeric ids sort as numbers.
fn natural(id: &str) -> (u64, &str) {
    (id.parse().unwrap_or(u64::MAX), id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, i32)]) -> HashMap<String, i32> {
        pairs.iter().map(|(d, r)| (d.to_string(), *r)).collect()
    }

    fn ranked(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn perfect_and_empty_rankings() {
        let j = judged(&[("a", 1), ("b", 1)]);
        let m = Metrics::of(&ranked(&["a", "b", "c"]), &j);
        assert!(
            close(m.ndcg_10, 1.0)
                && close(m.recall_100, 1.0)
                && close(m.map, 1.0)
                && close(m.mrr_10, 1.0)
        );
        assert_eq!(Metrics::of(&[], &j), Metrics::default());
        // A query with no hits: zeros that print as zeros, not -0.0000.
        let none = Metrics::of(&[], &j);
        assert_eq!(format!("{:.4}", none.ndcg_10), "0.0000");
        assert_eq!(format!("{:.4}", none.map), "0.0000");
        // No relevant document: nothing to measure.
        assert_eq!(
            Metrics::of(&ranked(&["a"]), &judged(&[("a", 0)])),
            Metrics::default()
        );
    }

    #[test]
    fn hand_computed_example() {
        // Relevant: a (rel 1), b (rel 2), z (rel 1, never retrieved). Ranking: x a y b.
        let j = judged(&[("a", 1), ("b", 2), ("z", 1), ("x", 0)]);
        let m = Metrics::of(&ranked(&["x", "a", "y", "b"]), &j);
        // DCG = 1/log2(3) + 2/log2(5) = 0.630930 + 0.861353 = 1.492283
        // IDCG = 2/log2(2) + 1/log2(3) + 1/log2(4) = 2 + 0.630930 + 0.5 = 3.130930
        assert!(
            close(m.ndcg_10, 1.492_282_869 / 3.130_929_754),
            "{}",
            m.ndcg_10
        );
        // Recall@100 = 2/3
        assert!(close(m.recall_100, 2.0 / 3.0));
        // AP = (1/2 + 2/4) / 3 = 1/3
        assert!(close(m.map, 1.0 / 3.0));
        // First relevant at rank 2.
        assert!(close(m.mrr_10, 0.5));
    }

    #[test]
    fn cutoffs_apply() {
        let mut ids: Vec<String> = (0..150).map(|i| format!("n{i}")).collect();
        ids[10] = "r1".into(); // rank 11: outside nDCG@10 and MRR@10
        ids[120] = "r2".into(); // rank 121: outside Recall@100
        let j = judged(&[("r1", 1), ("r2", 1)]);
        let m = Metrics::of(&ids, &j);
        assert_eq!(m.ndcg_10, 0.0);
        assert_eq!(m.mrr_10, 0.0);
        assert!(close(m.recall_100, 0.5));
        assert!(close(m.map, (1.0 / 11.0 + 2.0 / 121.0) / 2.0));
    }

    #[test]
    fn qrels_formats() {
        let dir = tempfile::tempdir().unwrap();
        let beir = dir.path().join("b.tsv");
        std::fs::write(
            &beir,
            "query-id\tcorpus-id\tscore\n1\tdA\t1\n1\tdB\t0\n2\tdC\t2\n",
        )
        .unwrap();
        let q = read_qrels(&beir).unwrap();
        assert_eq!(q["1"]["dA"], 1);
        assert_eq!(q["2"]["dC"], 2);
        let trec = dir.path().join("t.qrels");
        std::fs::write(&trec, "301 0 FBIS3-10082 1\n301 0 FBIS3-10169 0\n").unwrap();
        let q = read_qrels(&trec).unwrap();
        assert_eq!(q["301"]["FBIS3-10082"], 1);
        let bad = dir.path().join("x.tsv");
        std::fs::write(&bad, "1 2 3\n1 2 three\n").unwrap();
        assert!(read_qrels(&bad).is_err());
    }
}
