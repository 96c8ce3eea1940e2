//! Dates, authors, publisher, source and JSON-LD a page declares.

use super::*;

#[test]
fn article_published_time() {
    let doc = page(
        r#"<meta property="article:published_time" content="2017-11-11T10:00:00-05:00">"#,
        PROSE,
    );
    assert_eq!(day(&doc).as_deref(), Some("2017-11-11T10:00:00-05:00"));
    assert!(doc.warnings.is_empty());
}

/// Measured on real pages (README, "Dates of web pages"): a page's `<meta>` dates
/// agree with the date it shows more often than its JSON-LD does.
#[test]
fn meta_comes_before_json_ld() {
    let doc = page(
        r#"<meta property="article:published_time" content="2015-12-11T14:28:34Z">
           <script type="application/ld+json">
           {"@context":"http://schema.org","@type":"NewsArticle",
            "datePublished":"2015-10-15T02:19:15.607Z"}</script>"#,
        PROSE,
    );
    assert_eq!(day(&doc).as_deref(), Some("2015-12-11T14:28:34Z"));
    assert_eq!(doc.provenance.date.as_ref().unwrap().stage, "meta");
    // JSON-LD when no meta says.
    let doc = page(
        r#"<script type="application/ld+json">
           {"@context":"http://schema.org","@type":"NewsArticle",
            "datePublished":"2015-10-15T02:19:15.607Z"}</script>"#,
        PROSE,
    );
    assert_eq!(day(&doc).as_deref(), Some("2015-10-15T02:19:15Z"));
    assert_eq!(doc.provenance.date.as_ref().unwrap().stage, "json-ld");
}

#[test]
fn time_element() {
    let doc = page(
        "",
        &format!(r#"<article><time datetime="2020-09-21">Sep 21</time>{PROSE}</article>"#),
    );
    assert_eq!(day(&doc).as_deref(), Some("2020-09-21"));
    // One marked as the publication date beats an earlier one.
    let doc = page(
        "",
        &format!(
            r#"<time datetime="2020-01-01">x</time>
               <time datetime="2020-09-21" pubdate>Sep 21</time>{PROSE}"#
        ),
    );
    assert_eq!(day(&doc).as_deref(), Some("2020-09-21"));
}

#[test]
fn other_date_meta_tags() {
    for (key, attr, value, want) in [
        ("date", "name", "2020-09-21", "2020-09-21"),
        ("pubdate", "name", "20200921", "2020-09-21"),
        (
            "parsely-pub-date",
            "name",
            "2023-06-07T20:54:26.829Z",
            "2023-06-07T20:54:26Z",
        ),
        ("DC.date.issued", "name", "2014-12-15", "2014-12-15"),
        (
            "article:publicationdate",
            "name",
            "Fri Mar 13 21:30:09 EST 2015",
            "2015-03-13T21:30:09-05:00",
        ),
        ("DC.date", "name", "March 9, 2017", "2017-03-09"),
        ("datePublished", "itemprop", "2017-03-09", "2017-03-09"),
        (
            "sailthru.date",
            "name",
            "Tue, 21 Feb 2017 10:00:00 GMT",
            "2017-02-21T10:00:00Z",
        ),
    ] {
        let doc = page(
            &format!(r#"<meta {attr}="{key}" content="{value}">"#),
            PROSE,
        );
        assert_eq!(day(&doc).as_deref(), Some(want), "{key}");
    }
}

#[test]
fn itemprop_date_on_an_abbr_title() {
    let doc = page(
        "",
        &format!(
            r#"<abbr itemprop="datePublished" title="2016-12-08T12:06:00-08:00">12:06 PM</abbr>{PROSE}"#
        ),
    );
    assert_eq!(day(&doc).as_deref(), Some("2016-12-08T12:06:00-08:00"));
    assert!(doc.warnings.is_empty());
}

#[test]
fn date_from_the_canonical_url() {
    let doc = page(
        r#"<link rel="canonical" href="https://example.org/news/2017/11/11/data-firm/">"#,
        PROSE,
    );
    assert_eq!(day(&doc).as_deref(), Some("2017-11-11"));
    let doc = page(
        r#"<meta property="og:url" content="https://example.org/2019-3-5-reef-study">"#,
        PROSE,
    );
    assert_eq!(day(&doc).as_deref(), Some("2019-03-05"));
    // The URL's day wins over a declared one (96% right on the real pages it
    // decides), a declared one on the same day gives the time; a year and month
    // alone are no date.
    let doc = page(
        r#"<link rel="canonical" href="https://example.org/2017/11/11/x/">
           <meta name="date" content="2017-11-12">"#,
        PROSE,
    );
    assert_eq!(day(&doc).as_deref(), Some("2017-11-11"));
    let doc = page(
        r#"<link rel="canonical" href="https://example.org/2017/11/11/x/">
           <meta name="date" content="2017-11-11T09:30:00+01:00">"#,
        PROSE,
    );
    assert_eq!(day(&doc).as_deref(), Some("2017-11-11T09:30:00+01:00"));
    let doc = page(
        r#"<link rel="canonical" href="https://example.org/2017/11/x/">"#,
        PROSE,
    );
    assert_eq!(doc.date, None);
}

#[test]
fn unparseable_date_is_a_warning() {
    let doc = page(
        r#"<meta property="article:published_time" content="last Tuesday">"#,
        PROSE,
    );
    assert_eq!(doc.date, None);
    assert_eq!(
        doc.warnings,
        vec![r#"unparseable date "last Tuesday" in article:published_time"#]
    );
    // A later candidate that parses makes the bad one harmless.
    let doc = page(
        r#"<meta property="article:published_time" content="last Tuesday">
           <meta name="date" content="2017-11-11">"#,
        PROSE,
    );
    assert_eq!(day(&doc).as_deref(), Some("2017-11-11"));
    assert!(doc.warnings.is_empty());
}

// ---- authors ----

#[test]
fn meta_author_and_several_meta_authors() {
    let doc = page(r#"<meta name="author" content="Ada Lovelace">"#, PROSE);
    assert_eq!(doc.authors, vec!["Ada Lovelace"]);
    let doc = page(
        r#"<meta name="author" content="Mary Clare Jalonick, Tali Arbel">"#,
        PROSE,
    );
    assert_eq!(doc.authors, vec!["Mary Clare Jalonick", "Tali Arbel"]);
    let doc = page(
        r#"<meta name="DC.Creator" content="Kooman, F.">
           <meta name="DC.Creator" content="Jong, Michiel de">"#,
        PROSE,
    );
    assert_eq!(doc.authors, vec!["Kooman, F.", "Jong, Michiel de"]);
    // A profile URL is not a name.
    let doc = page(
        r#"<meta property="article:author" content="https://facebook.com/someone">"#,
        PROSE,
    );
    assert!(doc.authors.is_empty());
}

#[test]
fn json_ld_author_shapes() {
    for (author, want) in [
        (r#""Jane Roe""#, vec!["Jane Roe"]),
        (r#"{"@type":"Person","name":"Jane Roe"}"#, vec!["Jane Roe"]),
        (
            r#"[{"@type":"Person","name":"Jane Roe"},{"@type":"Person","name":"John Doe"}]"#,
            vec!["Jane Roe", "John Doe"],
        ),
        (r#"["Jane Roe", "John Doe"]"#, vec!["Jane Roe", "John Doe"]),
        (
            r#"{"@type":"Person","givenName":"Jane","familyName":"Roe"}"#,
            vec!["Jane Roe"],
        ),
    ] {
        let doc = page(
            &format!(
                r#"<script type="application/ld+json">
                {{"@context":"https://schema.org","@type":"Article","headline":"H",
                  "author":{author}}}</script>"#
            ),
            PROSE,
        );
        assert_eq!(doc.authors, want, "{author}");
    }
}

#[test]
fn rel_author_links_beside_each_other() {
    let doc = page(
        "",
        &format!(
            r#"<p>By <a rel="author" href="/a">Priya Natarajan</a> and
               <a rel="author" href="/b">Sam Okafor</a></p>{PROSE}
               <div><a rel="author" href="/c">Someone Else</a></div>"#
        ),
    );
    assert_eq!(doc.authors, vec!["Priya Natarajan", "Sam Okafor"]);
}

#[test]
fn itemprop_author_and_byline() {
    let doc = page(
        "",
        &format!(
            r#"<div itemprop="author" itemscope><span itemprop="name">Steven Musil</span></div>{PROSE}"#
        ),
    );
    assert_eq!(doc.authors, vec!["Steven Musil"]);
    let doc = page(
        "",
        &format!(r#"<div class="byline">By Kelli   Miller</div>{PROSE}"#),
    );
    assert_eq!(doc.authors, vec!["Kelli Miller"]);
    // Page furniture that happens to sit where an author would is not one.
    let doc = page(
        "",
        &format!(r#"<a rel="author" href="/p">View my complete profile</a>{PROSE}"#),
    );
    assert!(doc.authors.is_empty(), "{:?}", doc.authors);
}

/// Author values as real pages write them (meta tags and JSON-LD in several
/// languages), and what a reader would call the authors.
#[test]
fn real_author_values() {
    for (value, want) in [
        ("Von Britta Schultejans", vec!["Britta Schultejans"]),
        (
            "von Daniel Braun und Davor Pasoski",
            vec!["Daniel Braun", "Davor Pasoski"],
        ),
        (
            "Par Stefan Häne et Sylvain Besson",
            vec!["Stefan Häne", "Sylvain Besson"],
        ),
        ("Por Adolfo López", vec!["Adolfo López"]),
        ("door Jan de Vries", vec!["Jan de Vries"]),
        ("Autor: Jan Kowalski", vec!["Jan Kowalski"]),
        ("Von der Leyen", vec!["Von der Leyen"]),
        (
            "Glen Owen and Brendan Carlin For The Mail On Sunday",
            vec!["Glen Owen", "Brendan Carlin"],
        ),
        ("Charles Walton for SurgeZirc UK", vec!["Charles Walton"]),
        ("Lüder Hoppe info@buero-hoppe.de", vec!["Lüder Hoppe"]),
        ("cipha[at]cipha.net", vec![]),
        ("219.79.38.192", vec![]),
        ("By", vec![]),
    ] {
        let head = format!(r#"<meta name="author" content="{value}">"#);
        let doc = page(&head, PROSE);
        assert_eq!(doc.authors, want, "from {value:?}");
        if !want.is_empty() {
            assert_eq!(doc.provenance.author.unwrap().rule, "<meta author>");
        }
    }
    // An author object written as a JSON string inside JSON-LD.
    let ld = r#"<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rates rise",
        "author": "{ \"@type\":\"Person\", \"name\":\"Alice Wu\" }"}</script>"#;
    let doc = page(ld, PROSE);
    assert_eq!(doc.authors, vec!["Alice Wu"]);
    assert_eq!(
        doc.provenance.author.unwrap(),
        Rule::new("json-ld", "NewsArticle.author")
    );
}

// ---- publisher and source ----

#[test]
fn publisher_from_og_site_name_then_json_ld() {
    let doc = page(
        r#"<meta property="og:site_name" content="The Verge">"#,
        PROSE,
    );
    assert_eq!(doc.publisher.as_deref(), Some("The Verge"));
    let doc = page(
        r#"<script type="application/ld+json">
           {"@context":"https://schema.org","@type":"Article",
            "publisher":{"@type":"Organization","name":"Wikimedia Foundation, Inc."}}</script>"#,
        PROSE,
    );
    assert_eq!(doc.publisher.as_deref(), Some("Wikimedia Foundation, Inc."));
}

#[test]
fn source_is_an_absolute_canonical_or_og_url() {
    let doc = page(
        r#"<link rel="canonical" href="https://example.org/a/b">
           <meta property="og:url" content="https://example.org/other">"#,
        PROSE,
    );
    assert_eq!(doc.source.as_deref(), Some("https://example.org/a/b"));
    let doc = page(
        r#"<link rel="canonical" href="/a/b">
           <meta property="og:url" content="http://example.org/og">"#,
        PROSE,
    );
    assert_eq!(doc.source.as_deref(), Some("http://example.org/og"));
    for head in [
        r#"<link rel="canonical" href="/a/b">"#,
        r#"<link rel="canonical" href="ftp://example.org/a">"#,
        r#"<link rel="canonical" href="javascript:alert(1)">"#,
        r#"<link rel="canonical" href="mailto:a@example.org">"#,
        r#"<link rel="canonical" href="https:///nohost">"#,
        r#"<link rel="canonical" href="">"#,
    ] {
        assert_eq!(page(head, PROSE).source, None, "{head}");
    }
}

#[test]
fn relative_urls_resolve_against_an_absolute_base() {
    for (base, href, want) in [
        (
            "https://example.org/blog/",
            "/a/b",
            "https://example.org/a/b",
        ),
        (
            "https://example.org/blog/",
            "post/1",
            "https://example.org/blog/post/1",
        ),
        (
            "https://example.org/blog/x.html",
            "../a",
            "https://example.org/a",
        ),
        (
            "https://example.org/blog/",
            "//cdn.example.org/a",
            "https://cdn.example.org/a",
        ),
        (
            "https://example.org/blog/?p=1",
            "?p=2",
            "https://example.org/blog/?p=2",
        ),
        (
            "https://example.org/blog/",
            "/go?to=http://other.example/",
            "https://example.org/go?to=http://other.example/",
        ),
    ] {
        let doc = page(
            &format!(r#"<base href="{base}"><link rel="canonical" href="{href}">"#),
            PROSE,
        );
        assert_eq!(doc.source.as_deref(), Some(want), "{base} + {href}");
    }
    // A relative base makes nothing absolute.
    let doc = page(
        r#"<base href="/blog/"><link rel="canonical" href="a">"#,
        PROSE,
    );
    assert_eq!(doc.source, None);
}

// ---- JSON-LD shapes ----

#[test]
fn json_ld_array_graph_and_references() {
    let doc = page(
        r#"<script type="application/ld+json">
           [{"@context":"https://schema.org","@type":"BreadcrumbList","name":"Home"},
            {"@context":"https://schema.org","@type":["Article","NewsArticle"],
             "headline":"From the array","datePublished":"2020-07-10T14:15:42+00:00"}]
           </script>"#,
        PROSE,
    );
    assert_eq!(doc.title, "From the array");
    assert_eq!(day(&doc).as_deref(), Some("2020-07-10T14:15:42Z"));

    let doc = page(
        r#"<script type="application/ld+json">
           {"@context":"https://schema.org","@graph":[
             {"@type":"WebSite","@id":"https://ex.org/#site","name":"Example Site"},
             {"@type":"WebPage","@id":"https://ex.org/p#page","name":"From the graph | Example Site",
              "datePublished":"2020-01-02"},
             {"@type":"BlogPosting","headline":"From the graph","datePublished":"2020-01-01",
              "author":{"@id":"https://ex.org/#/person/1"},
              "publisher":{"@id":"https://ex.org/#org"}},
             {"@type":"Person","@id":"https://ex.org/#/person/1","name":"Grace Hopper"},
             {"@type":"Organization","@id":"https://ex.org/#org","name":"Example Org"}
           ]}</script>"#,
        PROSE,
    );
    assert_eq!(doc.title, "From the graph");
    assert_eq!(day(&doc).as_deref(), Some("2020-01-01"));
    assert_eq!(doc.authors, vec!["Grace Hopper"]);
    assert_eq!(doc.publisher.as_deref(), Some("Example Org"));
}

#[test]
fn json_ld_in_cdata_with_raw_line_breaks() {
    let doc = page(
        "<script type=\"application/ld+json\">//<![CDATA[\n{\"@context\":\"http://schema.org\",\
         \"@type\":\"Article\",\"headline\":\"Two\nlines\",\"datePublished\":\"2018-04-05T06:00\"}\n//]]></script>",
        PROSE,
    );
    assert_eq!(doc.title, "Two lines");
    assert_eq!(day(&doc).as_deref(), Some("2018-04-05T06:00:00Z"));
}

#[test]
fn malformed_json_ld_is_ignored() {
    for bad in [
        r#"{"@type":"Article","headline":"Cut off"#,
        r#"{"@type": Article}"#,
        "",
        "null",
        "42",
        r##"{"@type":"Article","author":{"@id":"#me"},"@id":"#me"}"##,
        &"[".repeat(10_000),
    ] {
        let doc = page(
            &format!(
                r#"<title>Fallback title</title><script type="application/ld+json">{bad}</script>"#
            ),
            PROSE,
        );
        assert_eq!(doc.title, "Fallback title");
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    }
}

// ---- body ----
