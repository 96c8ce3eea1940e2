//! Titles: which candidate wins, and the site part cut off.

use super::*;

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
