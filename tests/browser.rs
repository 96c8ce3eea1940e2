//! The search page in a real browser: headless Chromium (Debian's package, which
//! `.ci/run` installs) loads the page trove serves, searches, keeps a year from the
//! chart, pages, opens a document, and shows that nothing a hostile document holds ran
//! as script or became a dangerous link. Chromium's `--dump-dom` prints the page as the
//! browser built it, after any script would have run; every payload in the hostile
//! record would mark the body (`data-pwned`) if it ran. Without Chromium: SKIP.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::server::{archive, Server};
use common::TestEnv;

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TROVE_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

struct Browser {
    binary: PathBuf,
    profile: tempfile::TempDir,
}

impl Browser {
    /// The page at `url` as the browser built it.
    fn dom(&self, url: &str) -> String {
        let out = Command::new(&self.binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--virtual-time-budget=2000",
            ])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .arg("--dump-dom")
            .arg(url)
            .output()
            .expect("run chromium");
        let dom = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            dom.contains("</html>"),
            "chromium gave no page for {url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dom
    }
}

/// The `href` of the first `<a>` whose attributes or text hold `marker`.
fn link(dom: &str, marker: &str) -> String {
    for anchor in dom.split("<a ").skip(1) {
        let tag_end = anchor.find("</a>").unwrap_or(anchor.len());
        if !anchor[..tag_end].contains(marker) {
            continue;
        }
        let href = anchor
            .split("href=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("an href");
        return href.replace("&amp;", "&");
    }
    panic!("no link with {marker:?} in the page");
}

fn hits(dom: &str) -> usize {
    dom.split("<ol class=\"hits\"").nth(1).map_or(0, |list| {
        list.split("</ol>")
            .next()
            .unwrap_or("")
            .matches("<li>")
            .count()
    })
}

#[test]
fn the_page_in_a_browser_searches_filters_pages_opens_and_runs_no_payload() {
    let Some(binary) = chromium() else {
        println!("SKIP: no Chromium (/usr/bin/chromium; set TROVE_CHROMIUM, or apt-get install chromium)");
        return;
    };
    let browser = Browser {
        binary,
        profile: tempfile::tempdir().expect("profile dir"),
    };
    let env = TestEnv::new();
    let index = archive(&env);
    let server = Server::start(&index);
    let base = format!("http://{}", server.addr);

    // Search.
    let first = browser.dom(&format!("{base}/?q=harbour"));
    assert_eq!(hits(&first), 10, "{first}");
    assert!(first.contains("26 hits"));
    assert!(first.contains("<mark>"));
    // Keep a year from the chart: its bar's link.
    let year = browser.dom(&format!("{base}{}", link(&first, "2016: ")));
    assert!(year.contains("7 hits"), "{year}");
    assert!(year.contains("class=\"on\""), "the chosen year is shown");
    assert!(year.contains("value=\"2016\""), "the form holds the filter");
    // Page: the next page's link, then the one after.
    let second = browser.dom(&format!("{base}{}", link(&first, "rel=\"next\"")));
    assert!(
        second.contains("start=\"11\"") && hits(&second) == 10,
        "{second}"
    );
    let third = browser.dom(&format!("{base}{}", link(&second, "more hits")));
    assert_eq!(hits(&third), 6);
    assert!(!third.contains("more hits"));
    // Open a document: its stored text.
    let doc = browser.dom(&format!("{base}{}", link(&first, "stored text")));
    assert!(
        doc.contains("The harbour reopened after storm number"),
        "{doc}"
    );

    // The hostile document, listed and opened: nothing ran, no dangerous link.
    let listed = browser.dom(&format!("{base}/?q=evil"));
    let opened = browser.dom(&format!("{base}{}", link(&listed, "/doc/evil")));
    for (what, dom) in [("hit list", &listed), ("document", &opened)] {
        // A payload that ran would have set an attribute on the body.
        let body_tag = dom
            .split("<body")
            .nth(1)
            .and_then(|b| b.split('>').next())
            .unwrap_or("?");
        assert_eq!(body_tag, "", "{what}: a payload ran: {dom}");
        let lower = dom.to_ascii_lowercase();
        // One script element: the page's own, served by trove.
        assert_eq!(
            lower.matches("<script").count(),
            lower.matches("<script src=\"/assets/page.js\"").count(),
            "{what}: a script element not the page's"
        );
        assert_eq!(lower.matches("<script").count(), 1, "{what}");
        assert!(
            !lower.contains("<iframe") && !lower.contains("<svg") && !lower.contains("<img"),
            "{what}"
        );
        // Every link the browser built goes to the server or to a web address (text
        // holding `href="javascript:..."` is text: its `<` arrives as `&lt;`).
        for anchor in dom.split("<a ").skip(1) {
            let tag = anchor.split('>').next().unwrap_or("");
            let href = tag
                .split("href=\"")
                .nth(1)
                .and_then(|h| h.split('"').next())
                .unwrap_or("");
            assert!(
                href.starts_with('/')
                    || href.starts_with("https://")
                    || href.starts_with("http://"),
                "{what}: a link to {href:?}"
            );
        }
        assert!(
            !dom.contains('\u{202e}') && !dom.contains('\u{2066}'),
            "{what}: a bidi control"
        );
        assert!(
            dom.contains("&lt;script&gt;"),
            "{what}: the markup shown as text"
        );
    }
    assert!(
        opened.contains("override."),
        "the document opened: {opened}"
    );
}
