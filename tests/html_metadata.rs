//! The HTML parser on real pages: readability's test pages with the metadata a person
//! would expect (`../shared/data/html-metadata/<site>/`). Reports title and date per
//! page (see them with `--nocapture`) and holds accuracy floors.

use std::path::{Path, PathBuf};

use regex::Regex;

const MIN_TITLE_ACCURACY: f64 = 0.95;
const MIN_DATE_ACCURACY: f64 = 1.0;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/html-metadata")
}

/// Bytes to text: a BOM decides, else valid UTF-8 is UTF-8 (saved pages are often
/// re-encoded but keep their old `<meta charset>`), else the `<meta charset>` in the
/// first kilobytes, else UTF-8 (lossy).
fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_lowercase();
    let charset = Regex::new(r#"<meta[^>]*charset\s*=\s*["']?\s*([a-z0-9_:.-]+)"#)
        .expect("valid regex")
        .captures(&head)
        .and_then(|c| encoding_rs::Encoding::for_label(c[1].as_bytes()));
    match charset {
        Some(enc) if enc != encoding_rs::UTF_8 => enc.decode(bytes).0.into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Equal after folding case and whitespace, or equal but for a site-name tail on one
/// side (` | Site`, ` - Site`, ` — Site`...).
fn titles_match(expected: &str, got: &str) -> bool {
    let (e, g) = (fold(expected), fold(got));
    if e == g {
        return true;
    }
    let tail = Regex::new(r"^\s*(?:\||-|–|—|::|·|•|»)\s*\S.{0,60}$").expect("valid regex");
    let (long, short) = if e.len() > g.len() {
        (&e, &g)
    } else {
        (&g, &e)
    };
    !short.is_empty()
        && long
            .strip_prefix(short.as_str())
            .is_some_and(|rest| tail.is_match(rest))
}

#[test]
fn real_pages_titles_and_dates() {
    let dir = data_dir();
    if !dir.is_dir() {
        println!("skipped: ../shared/data not found");
        return;
    }
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("data dir is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html").is_file() && p.join("expected-metadata.json").is_file())
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "no pages under {}", dir.display());

    let (mut titles, mut titles_ok, mut dates, mut dates_ok) = (0, 0, 0, 0);
    for page in &pages {
        let name = page.file_name().unwrap_or_default().to_string_lossy();
        let bytes = std::fs::read(page.join("source.html")).expect("page is readable");
        let expected: serde_json::Value = serde_json::from_slice(
            &std::fs::read(page.join("expected-metadata.json")).expect("json is readable"),
        )
        .expect("expected metadata is JSON");
        let doc = trove::ingest::html::parse(&decode(&bytes));

        let want_title = expected["title"].as_str().unwrap_or("").trim();
        if !want_title.is_empty() {
            titles += 1;
            let ok = titles_match(want_title, &doc.title);
            titles_ok += usize::from(ok);
            println!(
                "{} {name}: title\n    expected {want_title:?}\n    got      {:?}",
                if ok { "ok  " } else { "FAIL" },
                doc.title
            );
        }
        if let Some(want_date) = expected["publishedTime"].as_str() {
            dates += 1;
            let want_day = want_date.get(..10).unwrap_or(want_date);
            // The day as published: the page states its offset and trove keeps it.
            let got_day = doc.date.map(trove::date::format_day);
            let ok = got_day.as_deref() == Some(want_day);
            dates_ok += usize::from(ok);
            println!(
                "{} {name}: date expected {want_date} ({want_day}), got {}",
                if ok { "ok  " } else { "FAIL" },
                got_day.as_deref().unwrap_or("none")
            );
        }
    }
    let title_acc = titles_ok as f64 / titles.max(1) as f64;
    let date_acc = dates_ok as f64 / dates.max(1) as f64;
    println!(
        "pages: {}; titles: {titles_ok}/{titles} = {:.1}%; dates: {dates_ok}/{dates} = {:.1}%",
        pages.len(),
        title_acc * 100.0,
        date_acc * 100.0
    );
    assert!(
        title_acc >= MIN_TITLE_ACCURACY,
        "title accuracy {:.1}% is under {:.0}%",
        title_acc * 100.0,
        MIN_TITLE_ACCURACY * 100.0
    );
    assert!(
        date_acc >= MIN_DATE_ACCURACY,
        "date accuracy {:.1}% is under {:.0}%",
        date_acc * 100.0,
        MIN_DATE_ACCURACY * 100.0
    );
}

#[test]
fn title_comparison_allows_a_site_tail_only() {
    assert!(titles_match("A title", "a  TITLE"));
    assert!(titles_match("A title", "A title | Site"));
    assert!(titles_match("A title - Site", "A title"));
    assert!(!titles_match("A title", "A title and more"));
    assert!(!titles_match("A title", ""));
}
