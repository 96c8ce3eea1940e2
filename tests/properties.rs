//! Property tests: no input makes a parser or the query path panic.

use proptest::prelude::*;
use trove::{index_paths, search, IndexOptions, SearchOptions, TroveIndex};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn text_parser_never_panics(s in "(?s).{0,400}") {
        let doc = trove::ingest::text::parse(&s);
        // The title is one line; the body never holds the footer markers it removed.
        prop_assert!(!doc.title.contains('\n'));
    }

    #[test]
    fn text_parser_survives_article_shaped_noise(
        title in "[A-Za-z ]{0,40}",
        date in "(November 11 2017|Nov. 1, 2017|2017-11-11|[0-9 ,/.-]{0,12})",
        by in "(, by [A-Za-z ,&]{0,30})?",
        body in "(?s)[^\\x00]{0,200}",
        tail in "(© 2017 [A-Za-z ]{0,20}\\.|Citation: [^\n]{0,60}|Page [0-9] of [0-9]|\\x0c)?",
    ) {
        let text = format!("{title}\n\n{date}{by}\n\n{body}\n\n{tail}\n");
        let _ = trove::ingest::text::parse(&text);
    }

    #[test]
    fn date_parser_never_panics(s in "(?s).{0,60}") {
        let _ = trove::date::parse_date(&s);
    }

    #[test]
    fn date_parser_never_panics_on_date_like_text(
        s in "[0-9A-Za-z ,./:+()-]{0,40}"
    ) {
        if let Some(ts) = trove::date::parse_date(&s) {
            // Whatever parses is inside the supported range.
            let year: i32 = trove::date::format_day(ts)[..4].parse().unwrap();
            prop_assert!((1700..=2200).contains(&year));
        }
    }
}

#[test]
fn queries_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(
        docs.join("a.txt"),
        "Alpha beta\n\nNovember 11 2017, by A B\n\ngamma delta\n",
    )
    .unwrap();
    let idx = tmp.path().join("idx");
    index_paths(&IndexOptions::new(idx.clone(), vec![docs]), &mut |_| {}).unwrap();
    let trove = TroveIndex::open(&idx).unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(1024));
    runner
        .run(&"[a-z \"'():+\\-^~*\\[\\]{}!&|\\\\/0-9TZ]{0,30}", |q| {
            for strict in [false, true] {
                let mut opts = SearchOptions::new(q.clone());
                opts.limit = 5;
                opts.options.strict = strict;
                opts.explain = true;
                match search(&trove, &opts) {
                    Ok(_) | Err(trove::Error::Query { .. }) => {}
                    Err(other) => {
                        return Err(TestCaseError::fail(format!(
                            "{q:?} (strict {strict}): {other}"
                        )))
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}
