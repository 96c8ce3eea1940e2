//! The library on a small index in a temp dir: rank order, upserts, errors.

use std::path::PathBuf;

use trove::{index_paths, search, Error, IndexOptions, SearchOptions, TroveIndex};

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn index(index_dir: &std::path::Path, paths: Vec<PathBuf>) -> trove::IndexSummary {
    let opts = IndexOptions::new(index_dir.to_path_buf(), paths);
    index_paths(&opts, &mut |_| {}).expect("indexing works")
}

fn titles(index_dir: &std::path::Path, query: &str) -> Vec<String> {
    let trove = TroveIndex::open(index_dir).unwrap();
    let opts = SearchOptions::new(query);
    search(&trove, &opts)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.title)
        .collect()
}

const ARTICLE: &str = "Title {T}\n\nNovember 11 2017, by Some One\n\n{BODY}\n\nCitation: Title (2017, November 11) retrieved 1 May 2024 from <https://example.org/a.html>\n";

#[test]
fn more_occurrences_and_shorter_documents_rank_higher() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    write(
        &docs,
        "one.txt",
        "Once\n\nThe river is wide and the valley is green and quiet all year long.",
    );
    write(
        &docs,
        "three.txt",
        "Thrice\n\nThe river, the river, and the river again.",
    );
    write(&docs, "none.txt", "Never\n\nMountains only.");
    let summary = index(&tmp.path().join("idx"), vec![docs]);
    assert_eq!(summary.documents, 3);
    assert_eq!(
        titles(&tmp.path().join("idx"), "river"),
        vec!["Thrice", "Once"]
    );
    // Stemming: "rivers" finds "river".
    assert_eq!(titles(&tmp.path().join("idx"), "rivers").len(), 2);
}

#[test]
fn the_same_source_url_in_two_files_is_one_document() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    write(
        &docs,
        "a.txt",
        &ARTICLE.replace("{T}", "first").replace("{BODY}", "alpha"),
    );
    write(
        &docs,
        "b.txt",
        &ARTICLE.replace("{T}", "second").replace("{BODY}", "beta"),
    );
    let idx = tmp.path().join("idx");
    let summary = index(&idx, vec![docs.clone()]);
    assert_eq!(summary.duplicates, 1);
    assert_eq!(summary.total_documents, 1);
    // Equal times: the later path's version wins, whatever order the threads read them.
    set_mtime(&docs.join("a.txt"), 1_000_000_000);
    set_mtime(&docs.join("b.txt"), 1_000_000_000);
    let opts = IndexOptions {
        force: true,
        ..IndexOptions::new(idx.clone(), vec![docs.clone()])
    };
    index_paths(&opts, &mut |_| {}).unwrap();
    assert_eq!(titles(&idx, "title"), vec!["Title second"]);
    assert!(titles(&idx, "alpha").is_empty());
    // The newer file wins.
    set_mtime(&docs.join("a.txt"), 1_000_000_100);
    let summary = index(&idx, vec![docs.clone()]);
    assert_eq!(summary.files, 1, "only the changed file is read");
    assert_eq!(titles(&idx, "title"), vec!["Title first"]);
    // When the winner is gone, the other file's version comes back.
    std::fs::remove_file(docs.join("a.txt")).unwrap();
    let summary = index(&idx, vec![docs]);
    assert_eq!(summary.total_documents, 1);
    assert_eq!(titles(&idx, "title"), vec!["Title second"]);
}

fn set_mtime(path: &std::path::Path, secs: u64) {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[test]
fn upsert_replaces_in_a_later_run() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    let idx = tmp.path().join("idx");
    write(
        &docs,
        "a.txt",
        &ARTICLE.replace("{T}", "old").replace("{BODY}", "gamma"),
    );
    index(&idx, vec![docs.clone()]);
    write(
        &docs,
        "a.txt",
        &ARTICLE.replace("{T}", "new").replace("{BODY}", "delta"),
    );
    let summary = index(&idx, vec![docs]);
    assert_eq!(summary.total_documents, 1);
    assert_eq!(titles(&idx, "delta"), vec!["Title new"]);
    assert!(titles(&idx, "gamma").is_empty());
}

#[test]
fn errors_are_typed() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nothing");
    assert!(matches!(
        TroveIndex::open(&missing),
        Err(Error::NoIndex { .. })
    ));

    let docs = tmp.path().join("docs");
    write(&docs, "a.txt", "A\n\nb");
    let idx = tmp.path().join("idx");
    index(&idx, vec![docs]);
    let trove = TroveIndex::open(&idx).unwrap();
    let mut bad = SearchOptions::new("title:(unclosed");
    // Lenient by default: the stray parenthesis is ignored, with a warning.
    let results = search(&trove, &bad).unwrap();
    assert_eq!(results.warnings.len(), 1, "{:?}", results.warnings);
    bad.options.strict = true;
    match search(&trove, &bad) {
        Err(Error::Query { query, reason }) => {
            assert_eq!(query, "title:(unclosed");
            assert!(reason.contains("column 7"), "{reason}");
        }
        other => panic!("expected a query error, got {other:?}"),
    }
}

#[test]
fn a_second_writer_gets_a_lock_error() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    write(&docs, "a.txt", "A\n\nb");
    let idx = tmp.path().join("idx");
    index(&idx, vec![docs.clone()]);
    // Hold tantivy's writer lock the way a running `trove index` does.
    let held = tantivy::Index::open_in_dir(&idx)
        .unwrap()
        .writer::<tantivy::TantivyDocument>(15_000_000)
        .unwrap();
    let opts = IndexOptions::new(idx.clone(), vec![docs]);
    let err = index_paths(&opts, &mut |_| {}).unwrap_err();
    assert!(matches!(err, Error::Locked { .. }), "{err:?}");
    assert!(err.to_string().contains(".tantivy-writer.lock"));
    drop(held);
}

/// A file is read whole in one piece when small and in parts when large; either way
/// the hash on record is the hash of the whole content (what `hash_file` gives, which
/// decides whether a touched file is unchanged), and every record is read.
#[test]
fn the_recorded_hash_is_the_whole_files_at_every_size() {
    use trove::ingest::{self, FileOutcome, Item};
    let dir = tempfile::tempdir().unwrap();
    let head = 64 * 1024;
    for size in [1, 100, head - 1, head, head + 1, 3 * head + 17] {
        // A text file of exactly `size` bytes.
        let mut text = String::from("Title\n\n");
        while text.len() < size {
            text.push_str("word ");
        }
        text.truncate(size.max(1));
        let path = write(dir.path(), &format!("t{size}.txt"), &text);
        let outcome = ingest::read_file(&path, &mut |_| {}).unwrap();
        let FileOutcome::Read { hash, .. } = outcome else {
            panic!("{size} bytes: {outcome:?}");
        };
        assert_eq!(
            hash,
            ingest::hash_file(&path).unwrap(),
            "text of {size} bytes"
        );

        // JSON Lines of about `size` bytes: every line is a document.
        let mut lines = String::new();
        let mut n = 0;
        while lines.len() < size {
            lines.push_str(&format!("{{\"title\":\"r{n}\",\"body\":\"zebra {n}\"}}\n"));
            n += 1;
        }
        let path = write(dir.path(), &format!("j{size}.jsonl"), &lines);
        let mut docs = 0;
        let outcome = ingest::read_file(&path, &mut |item| {
            assert!(matches!(item, Item::Doc { .. }), "{item:?}");
            docs += 1;
        })
        .unwrap();
        let FileOutcome::Read { hash, .. } = outcome else {
            panic!("{size} bytes: {outcome:?}");
        };
        assert_eq!(docs, n, "JSON lines of {} bytes", lines.len());
        assert_eq!(
            hash,
            ingest::hash_file(&path).unwrap(),
            "JSON lines of {size} bytes"
        );
    }
}
