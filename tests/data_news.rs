//! The real archives in ../shared/data/news index completely and correctly.
//! Skips cleanly (passes) when ../shared/data is not beside the checkout.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use trove::ingest::{self, FileOutcome, Item};
use trove::{index_paths, Article, Format, IndexOptions, SearchOptions, Session, TroveIndex};

fn news_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/news");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: ../shared/data not found");
        None
    }
}

/// Every article under `path`, with the number of bad records and skipped files.
fn parse_all(path: &Path) -> (Vec<Article>, usize, usize) {
    let mut articles = Vec::new();
    let (mut bad, mut skipped) = (0, 0);
    for entry in ingest::walk(&[path.to_path_buf()], &ingest::WalkOptions::default()) {
        let file = entry.expect("readable").path;
        let outcome = ingest::read_file(&file, &mut |item| match item {
            Item::Doc { article, .. } => articles.push(*article),
            Item::Bad { reason } => {
                bad += 1;
                eprintln!("{}: {reason}", file.display());
            }
            Item::Skipped { member, reason } => eprintln!("skipped {member}: {reason}"),
        })
        .expect("readable");
        if let FileOutcome::Skipped(reason) = outcome {
            skipped += 1;
            eprintln!("skipped {}: {reason}", file.display());
        }
    }
    (articles, bad, skipped)
}

#[test]
fn bbc_titles_are_first_lines() {
    let Some(news) = news_dir() else { return };
    let (articles, bad, skipped) = parse_all(&news.join("bbc"));
    assert_eq!((articles.len(), bad, skipped), (2225, 0, 0));
    for a in &articles {
        assert_eq!(a.format, Format::Text);
        let bytes = std::fs::read(a.path.as_ref().unwrap()).unwrap();
        let text = trove::ingest::decode::decode(&bytes, None).unwrap();
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap().trim();
        assert_eq!(a.title, first, "{:?}", a.path);
        assert!(!a.body.is_empty());
        assert!(a.date.is_none() && a.authors.is_empty());
    }
}

#[test]
fn twenty_newsgroups_have_subject_and_author() {
    let Some(news) = news_dir() else { return };
    let (articles, bad, skipped) = parse_all(&news.join("20news"));
    assert_eq!((articles.len(), bad, skipped), (18846, 0, 0));
    let mut with_author = 0;
    for a in &articles {
        assert_eq!(a.format, Format::Email, "{:?}", a.path);
        let raw = std::fs::read(a.path.as_ref().unwrap()).unwrap();
        let raw = String::from_utf8_lossy(&raw);
        let subject = raw
            .lines()
            .find_map(|l| l.strip_prefix("Subject:"))
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // Folded Subject headers go on over the next lines, so the first line of the
        // header starts the title.
        if subject.is_ascii() {
            assert!(a.title.starts_with(&subject), "{:?}: {:?}", a.path, a.title);
        }
        assert!(!a.body.contains("\u{fffd}"), "garbled text in {:?}", a.path);
        if !a.authors.is_empty() {
            with_author += 1;
        }
        // The body is what follows the header block, trimmed.
        let after_headers = raw.split_once("\n\n").map(|(_, b)| b.trim()).unwrap_or("");
        if raw.is_ascii() && !after_headers.is_empty() {
            let start: String = after_headers.chars().take(40).collect();
            assert!(a.body.starts_with(&start), "{:?}", a.path);
        }
    }
    // A handful of posts have an empty From header ("From:  ()").
    println!(
        "20news: {with_author} of {} posts with an author",
        articles.len()
    );
    assert!(with_author >= 18_800, "{with_author}");
    // Spot check by eye and by test: a Latin-1 post decodes.
    let ryan = articles
        .iter()
        .filter(|a| a.authors == ["Keith M. Ryan"])
        .count();
    assert!(ryan > 10, "comment-style From names are read: {ryan}");
}

#[test]
fn reuters_records_keep_their_dates() {
    let Some(news) = news_dir() else { return };
    let file = news.join("reuters21578.jsonl");
    let (articles, bad, _) = parse_all(&file);
    assert_eq!((articles.len(), bad), (21578, 0));
    // The `date` field of each source record, as a calendar day.
    let mut days: HashMap<String, String> = HashMap::new();
    for line in std::fs::read_to_string(&file).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let raw = v["date"].as_str().unwrap().trim();
        let mut parts = raw.split(['-', ' ']);
        let (d, m, y) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let month = [
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ]
        .iter()
        .position(|x| *x == m)
        .unwrap()
            + 1;
        let day = format!("{y}-{month:02}-{:02}", d.parse::<u32>().unwrap());
        days.insert(v["id"].as_str().unwrap().to_string(), day);
    }
    for a in &articles {
        let date = a
            .date
            .unwrap_or_else(|| panic!("record {} has no date", a.id));
        assert_eq!(
            trove::date::format_day(date),
            days[&a.id],
            "record {}",
            a.id
        );
        assert_eq!(a.format, Format::JsonLines);
    }
    let first = articles.iter().find(|a| a.id == "1").unwrap();
    assert_eq!(first.title, "BAHIA COCOA REVIEW");
    assert_eq!(first.tags, vec!["cocoa"]);
    assert_eq!(
        trove::date::format_date(first.date.unwrap()),
        "1987-02-26T15:01:01Z"
    );
}

#[test]
fn all_news_indexes_into_one_index_twice_without_copies() {
    let Some(news) = news_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let idx = tmp.path().join("idx");
    let opts = IndexOptions::new(
        idx.clone(),
        vec![
            news.join("bbc"),
            news.join("20news"),
            news.join("reuters21578.jsonl"),
        ],
    );
    let summary = index_paths(&opts, &mut |_| {}).unwrap();
    println!("news: {summary:?}");
    assert_eq!(summary.documents, 2225 + 18846 + 21578);
    assert_eq!(summary.total_documents, 42649);
    assert!(!summary.had_errors());
    let again = index_paths(&opts, &mut |_| {}).unwrap();
    assert_eq!(again.total_documents, 42649);
    let trove = TroveIndex::open(&idx).unwrap();
    assert_eq!(trove.num_docs().unwrap(), 42649);
}

#[test]
fn news_ranking_keeps_titles_and_the_seed_first() {
    let Some(news) = news_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let idx = tmp.path().join("idx");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let opts = IndexOptions::new(
        idx.clone(),
        vec![
            news.join("bbc"),
            news.join("20news"),
            news.join("reuters21578.jsonl"),
            corpus,
        ],
    );
    index_paths(&opts, &mut |_| {}).unwrap();
    let trove = TroveIndex::open(&idx).unwrap();
    let session = Session::new(&trove).unwrap();
    let top = |query: &str| -> Vec<String> {
        let mut o = SearchOptions::new(query);
        o.limit = 1;
        o.snippets = false;
        session
            .search(&o)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.title)
            .collect()
    };
    // The seed is first for its own keywords among 42,650 news documents.
    for query in [
        "wikileaks",
        "cambridge analytica",
        "alexander nix",
        "clinton emails wikileaks",
        "assange",
    ] {
        assert_eq!(
            top(query),
            ["Data firm CEO: Reached out to WikiLeaks about Clinton emails"],
            "{query}"
        );
    }
    // Titles count: a BBC article's title as the query finds that article first.
    let mut files: Vec<PathBuf> =
        ingest::walk(&[news.join("bbc")], &ingest::WalkOptions::default())
            .map(|p| p.unwrap().path)
            .collect();
    files.sort();
    let (mut found, mut asked) = (0, 0);
    for file in files.iter().step_by(10) {
        let bytes = std::fs::read(file).unwrap();
        let text = trove::ingest::decode::decode(&bytes, None).unwrap();
        let title = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap()
            .trim()
            .to_string();
        let mut o = SearchOptions::new(title);
        o.limit = 1;
        o.snippets = false;
        let hits = session.search(&o).unwrap().hits;
        asked += 1;
        let canonical = std::fs::canonicalize(file).unwrap();
        if hits.first().and_then(|h| h.path.clone()).as_deref() == canonical.to_str() {
            found += 1;
        }
    }
    println!("BBC titles as queries: own article first for {found} of {asked}");
    assert!(found * 100 >= asked * 90, "{found} of {asked}");
}
