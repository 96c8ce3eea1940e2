//! Nothing hangs: the run's bookkeeping grows linearly with what it touches, however
//! often it commits; duplicate ids inside one file are counted like duplicates across
//! files. Work is counted, not timed (times flake on shared machines; bench/ has them).

use std::path::Path;
use std::time::Duration;

use trove::{index_paths, IndexOptions, IndexSummary};

fn records(path: &Path, n: usize, start: usize) {
    let mut text = String::with_capacity(n * 40);
    for i in start..start + n {
        text.push_str(&format!("{{\"id\":\"r{i}\",\"title\":\"w{i}\"}}\n"));
    }
    std::fs::write(path, text).unwrap();
}

fn index(dir: &Path, paths: Vec<std::path::PathBuf>) -> IndexSummary {
    let mut opts = IndexOptions::new(dir.join("index"), paths);
    opts.commit_docs = 2_500;
    opts.commit_interval = Duration::from_secs(3600);
    opts.threads = 1;
    opts.writer_threads = 1;
    opts.memory = 64 << 20;
    index_paths(&opts, &mut |_| {}).unwrap()
}

/// One big JSON Lines file read across many commits: each commit records the file as
/// partial with the ids given since the last one, not all of them again.
#[test]
fn one_file_across_many_commits_costs_linear_work() {
    let mut work = Vec::new();
    for n in [25_000, 50_000, 100_000] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("records.jsonl");
        records(&file, n, 0);
        let s = index(dir.path(), vec![file]);
        assert_eq!(s.documents, n);
        assert!(s.commits >= n / 2_500, "{} commits", s.commits);
        work.push(s.id_work as f64);
    }
    let (r2, r4) = (work[1] / work[0], work[2] / work[0]);
    println!("id work: {work:?} (x{r2:.2} for 2x, x{r4:.2} for 4x the records)");
    assert!(
        (1.8..2.2).contains(&r2) && (3.6..4.4).contains(&r4),
        "{work:?}"
    );
}

/// Two copies of one file, then one removed: each of its ids is released once, and
/// the other copy's version kept, in work proportional to the ids.
#[test]
fn removing_one_of_two_copies_costs_linear_work() {
    let mut work = Vec::new();
    for n in [10_000, 20_000, 40_000] {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("copies");
        std::fs::create_dir_all(&folder).unwrap();
        records(&folder.join("a.jsonl"), n, 0);
        records(&folder.join("b.jsonl"), n, 0);
        let first = index(dir.path(), vec![folder.clone()]);
        assert_eq!(first.duplicates, n);
        std::fs::remove_file(folder.join("a.jsonl")).unwrap();
        let s = index(dir.path(), vec![folder]);
        assert_eq!(s.total_documents, n as u64);
        work.push(s.id_work as f64);
    }
    let (r2, r4) = (work[1] / work[0], work[2] / work[0]);
    println!("id work: {work:?} (x{r2:.2} for 2x, x{r4:.2} for 4x the records)");
    assert!(
        (1.8..2.2).contains(&r2) && (3.6..4.4).contains(&r4),
        "{work:?}"
    );
}

/// A JSON Lines file that repeats an id: counted and reported as a duplicate, the later
/// record kept, as for the same id in two files.
#[test]
fn a_repeated_id_inside_one_file_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.jsonl");
    std::fs::write(
        &file,
        "{\"id\":\"a\",\"title\":\"first\"}\n{\"id\":\"b\",\"title\":\"b\"}\n{\"id\":\"a\",\"title\":\"second\"}\n",
    )
    .unwrap();
    let mut events = Vec::new();
    let mut opts = IndexOptions::new(dir.path().join("index"), vec![file]);
    opts.threads = 1;
    let s = index_paths(&opts, &mut |e| events.push(format!("{e:?}"))).unwrap();
    assert_eq!((s.documents, s.duplicates, s.total_documents), (3, 1, 2));
    assert!(
        events.iter().any(|e| e.contains("DuplicateInFile")),
        "{events:?}"
    );
    let trove = trove::TroveIndex::open(&dir.path().join("index")).unwrap();
    assert_eq!(trove.get("a").unwrap().unwrap().title, "second");
}
