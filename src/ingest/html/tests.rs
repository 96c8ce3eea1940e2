use super::*;
use crate::date::format_date;

fn day(doc: &Extracted) -> Option<String> {
    doc.date.map(format_date)
}

/// A page with `head` inside `<head>` and `body` inside `<body>`.
fn page(head: &str, body: &str) -> Extracted {
    parse(&format!(
        "<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"
    ))
}

const PROSE: &str = "<p>The committee met on Tuesday to review the budget for the coming year, \
    and agreed to move two projects forward while delaying a third until the spring.</p>\
    <p>Members said the delay would give the planning office time to finish its traffic study, \
    which is expected to change the design of the new bridge in several ways.</p>";

// ---- title ----

#[test]
fn og_title_wins_when_the_page_confirms_it() {
    let doc = page(
        r#"<title>Budget review moves two projects ahead | Town Crier</title>
           <meta property="og:title" content="Budget review moves two projects ahead">
           <meta name="twitter:title" content="Budget review: two projects ahead">"#,
        PROSE,
    );
    assert_eq!(doc.title, "Budget review moves two projects ahead");
}

#[test]
fn twitter_title_when_there_is_no_og_title() {
    let doc = page(
        r#"<meta name="twitter:title" content="Budget review moves two projects ahead">"#,
        PROSE,
    );
    assert_eq!(doc.title, "Budget review moves two projects ahead");
}

#[test]
fn json_ld_headline_comes_first_when_confirmed() {
    let doc = page(
        r#"<title>Budget review: two projects move ahead - Town Crier</title>
           <meta property="og:title" content="Two projects move ahead">
           <script type="application/ld+json">
           {"@context":"https://schema.org","@type":"NewsArticle",
            "headline":"Budget review: two projects move ahead"}</script>"#,
        PROSE,
    );
    assert_eq!(doc.title, "Budget review: two projects move ahead");
}

#[test]
fn a_headline_the_page_does_not_confirm_loses() {
    // Wikipedia's JSON-LD `headline` is a short description; `name` is the title.
    let doc = page(
        r#"<title>New Zealand - Wikipedia</title>
           <script type="application/ld+json">
           {"@context":"https://schema.org","@type":"Article","name":"New Zealand",
            "headline":"constitutional monarchy in Oceania"}</script>"#,
        &format!("<h1>New Zealand</h1>{PROSE}"),
    );
    assert_eq!(doc.title, "New Zealand");
}

#[test]
fn a_site_wide_og_title_loses_to_the_pages_own_title() {
    let doc = page(
        r#"<title>Cargo ship breaks up over Siberia</title>
           <meta property="og:title" content="Daily News - Latest News &amp; Headlines">"#,
        &format!("<h1>Cargo ship breaks up over Siberia</h1>{PROSE}"),
    );
    assert_eq!(doc.title, "Cargo ship breaks up over Siberia");
}

#[test]
fn title_tag_loses_its_site_name_tail() {
    for (title, site, want) in [
        (
            "A Quiet Harbour | Town Crier",
            "Town Crier",
            "A Quiet Harbour",
        ),
        (
            "A Quiet Harbour - Town Crier",
            "Town Crier",
            "A Quiet Harbour",
        ),
        (
            "A Quiet Harbour — Town Crier",
            "Town Crier",
            "A Quiet Harbour",
        ),
        (
            "A Quiet Harbour :: Town Crier",
            "Town Crier",
            "A Quiet Harbour",
        ),
        (
            "Town Crier | A Quiet Harbour",
            "Town Crier",
            "A Quiet Harbour",
        ),
        (
            "A Quiet Harbour | TownCrier.com",
            "Town Crier",
            "A Quiet Harbour",
        ),
    ] {
        let doc = page(
            &format!(r#"<title>{title}</title><meta property="og:site_name" content="{site}">"#),
            PROSE,
        );
        assert_eq!(doc.title, want, "from {title:?}");
    }
}

/// Real `<title>`s of saved pages (news, blogs and shops in many languages), with
/// the site name the page declares (`og:site_name`, empty when it declares none).
#[test]
fn real_title_tails_and_separators() {
    for (title, site, want) in [
        (
            "Kaisers royaler Wochenrückblick – JUNGE FREIHEIT",
            "JUNGE FREIHEIT",
            "Kaisers royaler Wochenrückblick",
        ),
        (
            "Brookhaven Village closed due to gas leak - Rough Draft Atlanta",
            "Rough Draft Atlanta",
            "Brookhaven Village closed due to gas leak",
        ),
        (
            "Coronavirus: £1,000 fine for falsely reporting a contact to force them to self-isolate | The Independent",
            "The Independent",
            "Coronavirus: £1,000 fine for falsely reporting a contact to force them to self-isolate",
        ),
        (
            "Leudot talvet tekevät meistä väsyneempiä – näillä keinoilla torjut kaamosoireita | Yle Uutiset | yle.fi",
            "Yle Uutiset",
            "Leudot talvet tekevät meistä väsyneempiä – näillä keinoilla torjut kaamosoireita",
        ),
        (
            "Verstappen noteert zesde tijd in derde training Russische Grand Prix | NU - Het laatste nieuws het eerst op NU.nl",
            "NU",
            "Verstappen noteert zesde tijd in derde training Russische Grand Prix",
        ),
        (
            "Pour le néolibéralisme, la retraite est un archaïsme | AOC media - Analyse Opinion Critique",
            "AOC media",
            "Pour le néolibéralisme, la retraite est un archaïsme",
        ),
        (
            "Rockland to declare local state of emergency on Monday - News - recordonline.com - Middletown, NY",
            "recordonline.com",
            "Rockland to declare local state of emergency on Monday - News",
        ),
        (
            "Zverev zieht ins Viertelfinale von Montpellier ein - tennis MAGAZIN",
            "tennis MAGAZIN",
            "Zverev zieht ins Viertelfinale von Montpellier ein",
        ),
        (
            "Congresos y seminarios sobre actividad física y salud se transmitirán desde Puerto Montt | soypuertomontt.cl",
            "soychile.cl",
            "Congresos y seminarios sobre actividad física y salud se transmitirán desde Puerto Montt",
        ),
        (
            "Corona-Lockerungen: Autohäuser rechnen mit langsamem Anlaufen des Geschäfts | MDR.DE",
            "",
            "Corona-Lockerungen: Autohäuser rechnen mit langsamem Anlaufen des Geschäfts",
        ),
        (
            "Bielersee-Winterhechte | petri-heil.ch | Dein Schweizer Fischereimagazin",
            "",
            "Bielersee-Winterhechte",
        ),
        (
            "Die Arbeitswelt von morgen: Sieben Berufe, die Zukunft haben - channelpartner.de",
            "",
            "Die Arbeitswelt von morgen: Sieben Berufe, die Zukunft haben",
        ),
        (
            "Наступного тижня на Україну чекають аномальна спека та грози - ZAXID.NET",
            "ZAXID.NET",
            "Наступного тижня на Україну чекають аномальна спека та грози",
        ),
        (
            "مصر تسجل 30 إصابة جديدة وحالتي وفاة بفيروس كورونا - Sputnik Arabic",
            "Sputnik Arabic",
            "مصر تسجل 30 إصابة جديدة وحالتي وفاة بفيروس كورونا",
        ),
        (
            "“Tenemos Silvia Pinal para rato”: Alejandra Guzmán habla del estado de salud de su mamá | La Prensa",
            "La Prensa",
            "“Tenemos Silvia Pinal para rato”: Alejandra Guzmán habla del estado de salud de su mamá",
        ),
        (
            "Colonel Barry accusé pour « vol aggravé » : vers la projection de la vidéo de toute la vérité ? | Guinéenews©",
            "Guinéenews©",
            "Colonel Barry accusé pour « vol aggravé » : vers la projection de la vidéo de toute la vérité ?",
        ),
        (
            "Ladensterben immer dramatischer » ☆☆☆☆☆ - Journalistenwatch e.V. - Aktuelle Geschehnisse",
            "Journalistenwatch e.V.",
            "Ladensterben immer dramatischer",
        ),
        (
            "索尼、鎧俠業績遭波及 已向美申請供貨華為｜中時新聞網",
            "中時新聞網",
            "索尼、鎧俠業績遭波及 已向美申請供貨華為",
        ),
        // Separators inside the headline stay when no part names the site.
        (
            "Rene Benko-Firma Signa in Sorge – Finanzdaten und Berater-Auftrag",
            "Finanzmarktwelt",
            "Rene Benko-Firma Signa in Sorge – Finanzdaten und Berater-Auftrag",
        ),
        (
            "Israel/Palästina: Ein Krieg der Karten – die historischen Hintergründe",
            "Aargauer Zeitung",
            "Israel/Palästina: Ein Krieg der Karten – die historischen Hintergründe",
        ),
        (
            "Recherche : non à une loi inégalitaire - Francois Massol - Medium",
            "Medium",
            "Recherche : non à une loi inégalitaire - Francois Massol",
        ),
    ] {
        let site_meta = if site.is_empty() {
            String::new()
        } else {
            format!(r#"<meta property="og:site_name" content="{site}">"#)
        };
        let doc = page(&format!("<title>{title}</title>{site_meta}"), PROSE);
        assert_eq!(doc.title, want, "from {title:?}");
        let rule = doc.provenance.title.expect("a title has a rule");
        assert_eq!(rule.stage, "title", "{title:?}: {rule:?}");
    }
}

#[test]
fn og_title_loses_a_tail_only_when_it_is_the_site_name() {
    let doc = page(
        r#"<title>x</title>
           <meta property="og:title" content="Obama speaks on gun laws - BBC News">
           <meta property="og:site_name" content="BBC News">"#,
        &format!("<h1>Obama speaks on gun laws</h1>{PROSE}"),
    );
    assert_eq!(doc.title, "Obama speaks on gun laws");
    let doc = page(
        r#"<meta property="og:title" content="Friday Facts #282 - 0.17 in sight">"#,
        PROSE,
    );
    assert_eq!(doc.title, "Friday Facts #282 - 0.17 in sight");
}

#[test]
fn title_tag_without_a_known_site_cuts_only_a_name_like_tail() {
    for (title, want) in [
        // A short tail after a strong separator.
        (
            "Lorem ipsum dolor sit amet – My website",
            "Lorem ipsum dolor sit amet",
        ),
        // A name after a hyphen, with a head of three words or more.
        (
            "Field notes from the mill - Wren Valley Naturalists",
            "Field notes from the mill",
        ),
        // Dashes that belong to the title stay.
        (
            "Google - Site Reliability Engineering",
            "Google - Site Reliability Engineering",
        ),
        ("Spider-Man - Far From Home", "Spider-Man - Far From Home"),
        (
            "Covid-19 vaccines - a review",
            "Covid-19 vaccines - a review",
        ),
        (
            "How the 2008 crisis - and the bailout - changed banking",
            "How the 2008 crisis - and the bailout - changed banking",
        ),
        ("Python 3.12 - what's new", "Python 3.12 - what's new"),
    ] {
        let doc = page(&format!("<title>{title}</title>"), PROSE);
        assert_eq!(doc.title, want, "from {title:?}");
    }
}

#[test]
fn title_tag_side_repeated_by_the_h1_is_the_title() {
    let doc = page(
        "<title>Evolve: Shared Mutable History — evolve extension for Mercurial</title>",
        &format!("<h1>evolve extension for Mercurial</h1>{PROSE}"),
    );
    assert_eq!(doc.title, "Evolve: Shared Mutable History");
}

#[test]
fn titles_are_decoded_and_collapsed() {
    let doc = page(
        "<title>Fish &amp; chips:\n   the   &ldquo;real&rdquo; story</title>",
        PROSE,
    );
    assert_eq!(doc.title, "Fish & chips: the \u{201c}real\u{201d} story");
    // Double-escaped meta values are decoded once more.
    let doc = page(
        r#"<meta property="og:title" content="That&amp;#039;s all, folks">"#,
        PROSE,
    );
    assert_eq!(doc.title, "That's all, folks");
}

#[test]
fn first_h1_when_there_is_no_title() {
    let doc = page("", &format!("<h1>  The   only heading </h1>{PROSE}"));
    assert_eq!(doc.title, "The only heading");
    let doc = page("", PROSE);
    assert_eq!(doc.title, "");
}

#[test]
fn svg_titles_are_not_the_page_title() {
    let doc = page(
        "",
        &format!("<svg><title>icon</title></svg><h1>Real heading</h1>{PROSE}"),
    );
    assert_eq!(doc.title, "Real heading");
}

// ---- date ----

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
        "../../../tests/fixtures/html/news-jsonld.html"
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
        "../../../tests/fixtures/html/blog-meta-only.html"
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
        "../../../tests/fixtures/html/title-and-h1-only.html"
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
        "../../../tests/fixtures/html/dated-url-byline.html"
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
