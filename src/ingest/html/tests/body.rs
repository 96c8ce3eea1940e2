//! The body, hostile pages, and whole fixture pages.

use super::*;

#[test]
fn body_keeps_article_text_only() {
    let doc = page(
        "<title>T</title><style>.x { color: red }</style><script>var inHead = 1;</script>",
        &format!(
            r#"<header><div class="logo">Site logo text</div></header>
            <nav><ul><li><a href="/">Home link</a></li><li><a href="/b">Other link</a></li></ul></nav>
            <article><h1>T</h1>{PROSE}<script>var tracking = "SECRET";</script>
            <style>.article {{ margin: 0 }}</style>
            <p>Last paragraph &amp; done, with   spaces
            and a line break.</p></article>
            <footer>Footer text</footer>"#
        ),
    );
    for absent in [
        "SECRET",
        "tracking",
        "margin",
        "color: red",
        "Home link",
        "Footer text",
        "Site logo text",
    ] {
        assert!(!doc.body.contains(absent), "{absent:?} in {:?}", doc.body);
    }
    assert!(
        doc.body.starts_with("The committee met on Tuesday"),
        "{:?}",
        doc.body
    );
    assert!(doc
        .body
        .ends_with("Last paragraph & done, with spaces and a line break."));
    assert_eq!(doc.body.split("\n\n").count(), 3, "{:?}", doc.body);
}

#[test]
fn tiny_page_falls_back_to_visible_text() {
    let doc = page(
        "<title>Note</title><script>var x = 1;</script>",
        "<nav>Menu</nav><p>Back at   five.</p><div>Keys are under the mat.</div><footer>(c) me</footer>",
    );
    assert_eq!(doc.body, "Back at five.\n\nKeys are under the mat.");
    let doc = parse("Just some text, no tags at all.");
    assert_eq!(doc.body, "Just some text, no tags at all.");
}

#[test]
fn visible_text_skips_hidden_and_invisible_characters() {
    let doc = page(
        "",
        "<p hidden>Hidden</p><p aria-hidden=\"true\">Also hidden</p><p>Sh\u{ad}y\u{200b} words\u{feff}</p>",
    );
    assert_eq!(doc.body, "Shy words");
}

// ---- malformed input ----

#[test]
fn empty_and_whitespace_input() {
    for input in ["", " ", "\n\t", "<html></html>", "<!DOCTYPE html>"] {
        let doc = parse(input);
        assert_eq!(doc.title, "");
        assert_eq!(doc.body, "");
        assert_eq!(doc.date, None);
        assert!(doc.authors.is_empty());
    }
}

#[test]
fn unclosed_and_misnested_tags() {
    let doc = parse(
        "<html><head><title>Unclosed</title><body><p>One <b>two <i>three</b> four</i>\
         <p>Five <div><table><tr><td>cell</p></div> six <a href='x'>link",
    );
    assert_eq!(doc.title, "Unclosed");
    assert!(doc.body.contains("One two three four"), "{:?}", doc.body);
    assert!(doc.body.contains("cell"));
    // An unclosed <title> swallows the rest of the page, as in a browser.
    let doc = parse("<title>Open <p>and more");
    assert_eq!(doc.title, "Open <p>and more");
    let doc = parse("<title>Cut</title><p>The text ends in the middle of a tag <a href=\"x");
    assert_eq!(doc.title, "Cut");
    assert!(doc.body.starts_with("The text ends"));
}

#[test]
fn binary_garbage_does_not_panic() {
    // A simple LCG: deterministic bytes without a dependency.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for round in 0..20 {
        let bytes: Vec<u8> = (0..2000 + round * 300)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (state >> 56) as u8
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse(&text);
        let _ = parse(&format!(
            "<html><head><title>{text}</title></head><body>{text}"
        ));
    }
    let _ = parse("\0\0\0<\0p>\u{fffd}\u{fffd}</");
    let _ = parse("<<<<>>>><!--<!--<![CDATA[<script><style></");
}

#[test]
fn deeply_nested_divs_do_not_overflow_or_hang() {
    let depth = 10_000;
    let html = format!(
        "<html><head><title>Deep</title></head><body>{}<p>At the bottom.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let doc = parse(&html);
    assert_eq!(doc.title, "Deep");
    assert_eq!(doc.body, "At the bottom.");
    assert!(doc.warnings.iter().any(|w| w.contains("flattened")));
    // Unclosed, and with other elements.
    for open in [
        "<div>",
        "<span>",
        "<b><i>",
        "<table><tr><td>",
        "<ul><li>",
        "<blockquote>",
    ] {
        let html = format!("<title>Deep</title>{}text", open.repeat(5_000));
        let doc = parse(&html);
        assert!(doc.body.contains("text"), "{open}");
    }
}

#[test]
fn flattening_keeps_text_and_skips_scripts_and_comments() {
    assert_eq!(flatten_deep("<div><p>x</p></div>", 256), None);
    let html = format!(
        "{}<!-- <div><div><div> --><script>if (a<b) {{}}</script>word{}",
        "<div>".repeat(3),
        "</div>".repeat(3)
    );
    assert_eq!(
        flatten_deep(&html, 2).as_deref(),
        Some("<div><div> <!-- <div><div><div> --><script>if (a<b) {}</script>word </div></div>")
    );
    // Paragraphs and list items close each other: a long run of them is not deep.
    assert_eq!(flatten_deep(&"<p>x<li>y<br>".repeat(1000), 2), None);
    // Quoted `>` inside attributes, upper case, unfinished tags.
    assert_eq!(
        flatten_deep(r#"<DIV title="a>b"><div>x</div></DIV><div"#, 1).as_deref(),
        Some(r#"<DIV title="a>b"> x </DIV><div"#)
    );
}

#[test]
fn meta_urls_are_not_decoded_twice() {
    let doc = page(
        r#"<meta property="og:url" content="https://example.org/a?x=1&amp;copy=2">"#,
        PROSE,
    );
    assert_eq!(
        doc.source.as_deref(),
        Some("https://example.org/a?x=1&copy=2")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    #[test]
    fn tag_soup_never_panics(
        s in r#"(<(/?)(div|p|a|title|script|style|meta|li|ul|time|h1|nav|table|td|svg)( (content|property|href|rel|datetime)="[^"<>]{0,12}")*/?>|<!--|-->|&[a-z#0-9]{0,5};?|[a-zA-Z0-9 |\-:/.]{0,10}){0,50}"#
    ) {
        let doc = parse(&s);
        proptest::prop_assert!(!doc.title.contains('\n'));
        proptest::prop_assert!(!doc.body.contains("\n\n\n"));
    }

    #[test]
    fn any_text_never_panics(s in "(?s).{0,300}") {
        let _ = parse(&s);
    }
}

// ---- fixtures ----

#[test]
fn fixture_news_article_with_json_ld() {
    let doc = parse(include_str!(
        "../../../../tests/fixtures/html/news-jsonld.html"
    ));
    assert_eq!(doc.title, "Harbour city votes to close coal plant by 2030");
    // 07:45 in Sydney, the evening before in UTC: the date as published.
    assert_eq!(day(&doc).as_deref(), Some("2021-06-14T07:45:00+10:00"));
    assert_eq!(doc.authors, vec!["Ana Ruiz", "Tom's Desk"]);
    assert_eq!(doc.publisher.as_deref(), Some("The Coastal Ledger"));
    assert_eq!(
        doc.source.as_deref(),
        Some("https://www.coastalledger.example/news/2021/06/14/harbour-city-coal-plant-vote/")
    );
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    assert!(doc
        .body
        .contains("The city council voted nine to two on Monday night"));
    assert!(doc
        .body
        .contains("workers & suppliers \u{201c}a clear date to plan around\u{201d}"));
    assert!(doc.body.contains("What happens next"));
    assert!(doc.body.contains("the mayor said after the meeting."));
    for absent in [
        "dataLayer",
        "font-family",
        "Subscribe\n",
        "Related stories",
        "All rights reserved",
        "Privacy",
    ] {
        assert!(!doc.body.contains(absent), "{absent:?} in body");
    }
}

#[test]
fn fixture_blog_post_with_meta_tags_only() {
    let doc = parse(include_str!(
        "../../../../tests/fixtures/html/blog-meta-only.html"
    ));
    assert_eq!(doc.title, "Sourdough starters in a cold kitchen");
    assert_eq!(day(&doc).as_deref(), Some("2019-01-20T18:05:00+01:00"));
    assert_eq!(doc.authors, vec!["Maren Holt"]);
    assert_eq!(doc.publisher.as_deref(), Some("Crumb & Crust"));
    assert_eq!(
        doc.source.as_deref(),
        Some("https://crumbandcrust.example/2019/01/sourdough-cold-kitchen/")
    );
    assert!(
        doc.body
            .starts_with("My kitchen sits at about fifteen degrees"),
        "{:?}",
        doc.body
    );
    assert!(doc
        .body
        .ends_with("the loaves open properly along the score."));
    assert_eq!(doc.body.split("\n\n").count(), 3);
    assert!(!doc.body.contains("Archives"));
}

#[test]
fn fixture_page_with_only_title_and_h1() {
    let doc = parse(include_str!(
        "../../../../tests/fixtures/html/title-and-h1-only.html"
    ));
    assert_eq!(doc.title, "Field notes: counting swifts over the old mill");
    assert_eq!(doc.date, None);
    assert!(doc.authors.is_empty());
    assert_eq!(doc.publisher, None);
    assert_eq!(doc.source, None);
    assert!(doc.warnings.is_empty());
    assert!(doc.body.contains("Eleven of us met at the mill bridge"));
    assert!(doc
        .body
        .contains("for letting us use the car park. Next count:"));
}

#[test]
fn fixture_date_in_url_and_rel_author_byline() {
    let doc = parse(include_str!(
        "../../../../tests/fixtures/html/dated-url-byline.html"
    ));
    assert_eq!(
        doc.title,
        "Why our build got 40% faster after we deleted a cache"
    );
    assert_eq!(day(&doc).as_deref(), Some("2022-09-07"));
    assert_eq!(doc.authors, vec!["Priya Natarajan", "Sam Okafor"]);
    assert_eq!(
        doc.source.as_deref(),
        Some("https://eng.larkspur.example/2022/09/07/deleting-the-cache/")
    );
    assert!(doc
        .body
        .contains("before: restore 91s, install 38s after: install 41s"));
    assert!(doc.body.contains("We deleted the cache."));
    assert!(!doc.body.contains("We are hiring"));
}
