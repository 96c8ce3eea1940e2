//! Property tests: no input makes a parser or the query path panic.

use proptest::prelude::*;
use trove::{index_paths, search, IndexOptions, SearchOptions, TroveIndex};

/// Pieces of real text in many scripts, and of the structures parsers look for: what
/// generated documents are made of. Turkish dotted and dotless I and German sharp s
/// change length when case changes; combining marks, right-to-left text, CJK, emoji,
/// NUL and byte-order marks test what offsets and widths assume.
const PIECES: &[&str] = &[
    "İstanbul",
    "ISTANBUL",
    "ı",
    "İ",
    "ß",
    "ẞ",
    "Straße",
    "STRASSE",
    "e\u{301}",
    "ñ",
    "Ǆ",
    "שלום",
    "مرحبا",
    "\u{200f}",
    "\u{202e}",
    "東京",
    "日本語の文章",
    "한국어",
    "👍🏽",
    "👨‍👩‍👧",
    "\u{feff}",
    "\0",
    "\u{fffd}",
    "\r\n",
    "\n",
    "\n\n",
    "\t",
    " ",
    "  ",
    "\u{a0}",
    "\u{2028}",
    "\x0c",
    "…",
    "—",
    "«",
    "»",
    "\"",
    "'",
    "Ömer Kaya",
    "by ",
    "BY ",
    "By ",
    " and ",
    ", ",
    "3 March 2019",
    "November 11 2017",
    "11.11.2017",
    "2019-10-19T00:04:00+02:00",
    "Published: ",
    "© 2017 ",
    "Citation: ",
    " retrieved ",
    " from <https://example.com/x>",
    "(2017, November 11)",
    "All rights reserved.",
    "This document is subject to copyright.",
    "Provided by ",
    "Explore further",
    "Page 2 of 3",
    "2/4",
    "- 3 -",
    "https://a.example/b",
    "<p>",
    "</p>",
    "<html>",
    "<title>",
    "</title>",
    "<meta name=\"date\" content=\"",
    "\">",
    "<script type=\"application/ld+json\">",
    "</script>",
    "{\"datePublished\":\"",
    "\"}",
    "# ",
    "---\n",
    "title: ",
    "date: ",
    "[link](http://x)",
    "\\$",
    "*",
    "From ",
    "Subject: ",
    "Date: ",
    "From: ",
    ">From ",
    "{",
    "}",
    "[",
    "]",
    "\"title\": ",
    "\"body\": ",
    ":",
    ",",
    "a",
    "Word",
    "WORD",
    "1987",
    "12",
    "31",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|v| v.concat()),
        "(?s)\\PC{0,300}",
        "(?s).{0,300}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn text_parser_never_panics(s in text()) {
        let doc = trove::ingest::text::parse(&s);
        // The title is one line.
        prop_assert!(!doc.title.contains('\n'));
    }

    #[test]
    fn every_format_never_panics(s in text()) {
        use trove::Format;
        for format in Format::ALL {
            let _ = trove::ingest::parse_document(s.as_bytes(), format, "2019-10-19-note.md");
        }
        let _ = trove::ingest::html::parse(&s);
        let _ = trove::ingest::markdown::parse(&s, "x.md");
        let _ = trove::ingest::email::parse_message(s.as_bytes());
        let _ = trove::ingest::print::clean(&s);
        let _ = trove::ingest::rules::dateline(&s);
        let _ = trove::ingest::rules::apply(trove::ingest::rules::split_paragraphs(&s));
        let mut sink = |_: Option<usize>, _: Result<trove::ingest::Extracted, String>| {};
        let _ = trove::ingest::json::read_lines(s.as_bytes(), &mut sink);
        let _ = trove::ingest::json::read_document(s.as_bytes(), &mut sink);
        let _ = trove::ingest::email::read_mbox(s.as_bytes(), &mut sink);
    }

    #[test]
    fn every_format_never_panics_on_bytes(b in prop::collection::vec(any::<u8>(), 0..400)) {
        for format in trove::Format::ALL {
            let _ = trove::ingest::parse_document(&b, format, "x");
        }
    }

    #[test]
    fn text_parser_survives_article_shaped_noise(
        title in "\\PC{0,40}",
        date in "(November 11 2017|Nov. 1, 2017|2017-11-11|[0-9 ,/.-]{0,12})",
        by in "(, (by|BY|By) \\PC{0,30})?",
        body in "(?s)[^\\x00]{0,200}",
        tail in "(© 2017 \\PC{0,20}\\.|Citation: [^\n]{0,60}|Page [0-9] of [0-9]|\\x0c)?",
    ) {
        let text = format!("{title}\n\n{date}{by}\n\n{body}\n\n{tail}\n");
        let _ = trove::ingest::text::parse(&text);
    }

    /// A dateline with a place and a name in any script gives that date and that name,
    /// whatever the case of `by` and however the letters change length in case.
    #[test]
    fn datelines_in_any_script(
        place in "(İstanbul|ISTANBUL|Straße|Zürich|東京|القاهرة|Łódź|Ålesund)",
        first in "(Ömer|İlkay|Jürgen|Éloïse|Ðorđe|Ʒoe|Σοφία)",
        last in "(Kaya|Öztürk|Straßer|Núñez|Łukasz|Γεωργίου)",
        by in "(by|BY|By)",
    ) {
        let name = format!("{first} {last}");
        let line = format!("{place}, 3 March 2019 {by} {name}");
        let d = trove::ingest::rules::dateline(&line);
        prop_assert!(d.is_some(), "{line}");
        let d = d.unwrap();
        prop_assert_eq!(d.authors, vec![name]);
        prop_assert_eq!(d.date.map(trove::date::format_date), Some("2019-03-03".to_string()));
        // The same as the first lines of a text: title, dateline, body.
        let doc = trove::ingest::text::parse(&format!("{place} news\n\n{line}\n\nThe story.\n"));
        prop_assert_eq!(doc.authors.len(), 1);
        prop_assert_eq!(doc.body, "The story.");
    }

    #[test]
    fn date_parser_never_panics(s in text()) {
        let _ = trove::date::parse_date(&s);
        let _ = trove::date::parse_period(&s);
    }

    #[test]
    fn date_parser_never_panics_on_date_like_text(
        s in "[0-9A-Za-zİıßéü ,./:+()-]{0,40}"
    ) {
        if let Some(date) = trove::date::parse_date(&s) {
            // Whatever parses is inside the supported range, and reads back.
            let year: i32 = trove::date::format_day(date)[..4].parse().unwrap();
            prop_assert!((1700..=2099).contains(&year));
            let shown = date.to_string();
            prop_assert_eq!(trove::date::DocDate::parse_canonical(&shown), Some(date));
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

/// `text` escaped for XML content.
fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A DOCX made of one paragraph of `text`, with `title` as its core title.
fn docx_of(title: &str, text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    let doc = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:body></w:document>",
        xml_escape(text)
    );
    zip.write_all(doc.as_bytes()).unwrap();
    zip.start_file("docProps/core.xml", options).unwrap();
    let core = format!(
        "<?xml version=\"1.0\"?><cp:coreProperties xmlns:cp=\"cp\" xmlns:dc=\"dc\"><dc:title>{}</dc:title></cp:coreProperties>",
        xml_escape(title)
    );
    zip.write_all(core.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// Characters XML 1.0 can hold (no controls but tab, newline and return).
fn xml_text() -> impl Strategy<Value = String> {
    text().prop_map(|s| {
        s.chars()
            .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
            .filter(|c| !matches!(c, '\u{fffe}' | '\u{ffff}'))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn office_parser_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        for format in [trove::Format::Docx, trove::Format::Odt, trove::Format::Epub] {
            let _ = trove::ingest::office::parse(&bytes, format);
        }
    }

    #[test]
    fn docx_text_in_any_script_comes_back(title in xml_text(), body in xml_text()) {
        let doc = trove::ingest::office::parse(&docx_of(&title, &body), trove::Format::Docx)
            .expect("a well-formed DOCX");
        let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(squeeze(&doc.title), squeeze(&title));
        // The body's words come back, unless one of its lines is the title (a title
        // block above the text, left out).
        let title_key = squeeze(&title).to_lowercase();
        let collides = body.lines().any(|l| squeeze(l).to_lowercase() == title_key);
        let body_words = squeeze(&body);
        if !collides {
            prop_assert!(
                squeeze(&doc.body).contains(&body_words),
                "{:?} -> {:?}",
                body,
                doc.body
            );
        }
    }

    #[test]
    fn archive_member_names_never_climb_out(name in "(?s)\\PC{0,60}|(\\.\\./|/|\\./|[a-zé東]{1,3}/){0,6}[a-z]{0,4}") {
        if let Some(clean) = trove::ingest::archive::clean_name(&name) {
            prop_assert!(!clean.starts_with('/'));
            prop_assert!(clean.split('/').all(|p| !p.is_empty() && p != ".." && p != "."));
        }
    }

    #[test]
    fn sniffing_zip_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let mut head = b"PK\x03\x04".to_vec();
        head.extend(bytes);
        let _ = trove::ingest::sniff::zip_document(&head);
        let _ = trove::ingest::sniff::archive_kind("", &head);
    }
}

/// A one-page PDF written by hand: `title` in the information dictionary as UTF-16BE
/// (as producers write text outside Latin-1), `body` lines on the page in Helvetica.
fn pdf_of(title: &str, body: &[String]) -> Vec<u8> {
    let mut hex = String::from("FEFF");
    for unit in title.encode_utf16() {
        hex.push_str(&format!("{unit:04X}"));
    }
    let mut content = String::from("BT /F1 11 Tf 72 720 Td 14 TL\n");
    for line in body {
        content.push_str(&format!("({line}) Tj T*\n"));
    }
    content.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Title <{hex}> /Author (Ann Smith) /CreationDate (D:20170102030405Z) >>"),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn pdf_parser_never_panics_on_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..3000),
        head in any::<bool>(),
    ) {
        let bytes = if head { [b"%PDF-1.7\n".as_slice(), &bytes].concat() } else { bytes };
        let _ = trove::ingest::pdf::parse(&bytes, "any.pdf");
    }

    #[test]
    fn pdf_title_in_any_script_comes_back(
        title in "[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N} ,:'-]{0,50}",
        words in prop::collection::vec("[a-z]{2,10}", 5..40),
    ) {
        // Titles that name no document ("Document1", "Untitled") give way to the text's.
        let lower = title.to_lowercase();
        prop_assume!(!["document", "untitled", "title", "slide", "no title"].iter().any(|w| lower.starts_with(w)));
        // Nor does one that is the file's own name ("X" for x.pdf: what TeX writes when
        // none was given), nor one with no word character (a lone "\u{102e1}", a digit
        // of another numeral system but not a decimal digit).
        prop_assume!(lower.chars().filter(|c| c.is_alphanumeric()).collect::<String>() != "x");
        prop_assume!(regex::Regex::new(r"\w").unwrap().is_match(&title));
        // Lowercase words a line: one paragraph of text under the title.
        let body: Vec<String> = words.chunks(6).map(|c| c.join(" ")).collect();
        let doc = trove::ingest::pdf::parse(&pdf_of(&title, &body), "x.pdf")
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let want = title.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(doc.title, want);
        prop_assert_eq!(doc.authors, vec!["Ann Smith".to_string()]);
        let got: Vec<&str> = doc.body.split_whitespace().collect();
        prop_assert_eq!(got, words.iter().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn pdf_dates_never_panic(s in text()) {
        let _ = trove::ingest::pdf::pdf_date(&s);
        let _ = trove::ingest::pdf::pdf_date(&format!("D:{s}"));
    }
}
