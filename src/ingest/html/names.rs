//! Titles, authors and site names: the rules that cut a site off a title, take
//! bylines apart into names and tell a name from a credit line.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Title candidates longer than this are descriptions, not titles.
pub(super) const MAX_TITLE_CHARS: usize = 400;
/// Longest byline or author name taken.
pub(super) const MAX_AUTHOR_CHARS: usize = 100;

/// Separators between a title and a site name: ` | `, ` - `, ` – `, ` — `, ` :: `...,
/// and the full-width bar East Asian titles use with or without spaces.
pub(crate) static TITLE_SEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s+(?:\||-|–|—|::|·|•|»|›|~|/)\s+|\s*｜\s*").expect("valid regex")
});
/// A title part that is a host name (`yle.fi`, `MDR.DE`, `Tagesausblick.de`): a site.
pub(super) static HOST_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)(?:www\.)?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}$")
        .expect("valid regex")
});
/// Leading "By", "Written by", "Posted by" in bylines, and their equivalents (`Von`,
/// `Par`, `Por`, `Door`, `Af`, `Av`, `Przez`; `Autor:`, `Texte :`). `Von der Leyen` is
/// a name: a particle after the word keeps it.
pub(super) static BY_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:(?:written|posted|published|words|story|text|reported)\s+)?(?:by|von|par|por|door|af|av|przez)\s*:?\s+|(?:author|autor|autorin|auteur|text|texte)\s*:\s*)",
    )
    .expect("valid regex")
});
/// Particles that begin a surname (`von der Leyen`, `de la Cruz`).
pub(super) const NAME_PARTICLES: &[&str] = &[
    "der", "den", "dem", "des", "la", "le", "los", "las", "de", "del", "van", "zu",
];
/// `... for The Mail On Sunday`, `... for SurgeZirc UK`: the outlet after the names.
pub(super) static FOR_OUTLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+(?:for|For|FOR)\s+\p{Lu}.*$").expect("valid regex"));
/// An e-mail address, plain or written `name[at]host`.
pub(super) static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\S+(?:@|\[at\]|\(at\))\S+").expect("valid regex"));
/// Credits after the authors: `Edited by`, `Photos by`...
pub(super) static NOT_AUTHORS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s+(?:edited|photos?|photographs|illustrations?|graphics|video|additional reporting)\s+by\b")
        .expect("valid regex")
});
pub(super) static AUTHOR_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s+(?:and|&|und|et)\s+|\s*[;|]\s*").expect("valid regex"));

/// Author names from raw values: bylines cleaned, several names in one value split,
/// duplicates dropped.
pub(super) fn author_list(raw: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for value in raw {
        let value = clean(value);
        let value = strip_by(&value);
        let value = EMAIL.replace_all(value, "");
        for name in split_names(&value) {
            let name = FOR_OUTLET.replace(&name, "");
            let name = name
                .trim()
                .trim_matches(|c: char| matches!(c, ',' | ':' | ';' | '|' | '-' | '–' | '—'))
                .trim();
            let count = name.chars().count();
            // A name has letters (not `219.79.38.192`) and is more than the word `By`.
            if !(2..=MAX_AUTHOR_CHARS).contains(&count)
                || is_url(name)
                || !name.chars().any(char::is_alphabetic)
                || (!name.contains(' ') && BY_PREFIX.is_match(&format!("{name} ")))
            {
                continue;
            }
            if seen.insert(name.to_lowercase()) {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// `value` without a leading `By` (or its equivalents), unless what follows is a
/// surname's particle.
pub(super) fn strip_by(value: &str) -> &str {
    let Some(m) = BY_PREFIX.find(value) else {
        return value;
    };
    let rest = &value[m.end()..];
    let next = rest.split_whitespace().next().unwrap_or_default();
    if m.as_str().trim().eq_ignore_ascii_case("von") && NAME_PARTICLES.contains(&next) {
        return value;
    }
    rest
}

/// `A and B`, `A & B`, `A; B` are several names; `A, B` too when each part has two
/// words or more (so `Jong, Michiel de` and `King, Jr.` stay whole).
pub(super) fn split_names(value: &str) -> Vec<String> {
    let value = match NOT_AUTHORS.find(value) {
        Some(m) => &value[..m.start()],
        None => value,
    };
    if value.contains('(') {
        // `Martin Untersinger (avec Damien Leloup et Morgane Tual)`: one credit line.
        return vec![value.to_string()];
    }
    let mut out = Vec::new();
    for part in AUTHOR_SPLIT.split(value) {
        let pieces: Vec<&str> = part.split(',').map(str::trim).collect();
        if pieces.len() > 1 && pieces.iter().all(|p| p.split_whitespace().count() >= 2) {
            out.extend(pieces.into_iter().map(String::from));
        } else {
            out.push(part.to_string());
        }
    }
    out
}

/// Whether text from the page could be a person's or an organisation's name: no
/// digits (`Last Updated: January 7, 2025`), no colon, a few words, and no long word
/// in lower case (`View my complete profile`; `de`, `van` are fine).
pub(super) fn looks_like_name(s: &str) -> bool {
    // A parenthesis may add credits in prose: `Martin Untersinger (avec Damien Leloup)`.
    let s = s.split('(').next().unwrap_or(s);
    let words: Vec<&str> = s.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 6
        && s.chars().count() <= MAX_AUTHOR_CHARS
        && !s
            .chars()
            .any(|c| c.is_ascii_digit() || c == ':' || c == '@')
        && !words
            .iter()
            .any(|w| w.chars().count() > 3 && w.chars().next().is_some_and(char::is_lowercase))
}

pub(super) fn is_url(s: &str) -> bool {
    let s = s.trim_start().to_ascii_lowercase();
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("//")
}

/// Entities decoded (once more: meta and JSON-LD values are often double-escaped),
/// whitespace collapsed.
pub(super) fn clean(s: &str) -> String {
    let decoded = if s.contains('&') {
        decode_entities(s)
    } else {
        s.to_string()
    };
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes HTML character references (named, decimal and hexadecimal).
pub(super) fn decode_entities(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

/// Lower-case letters and digits only, for comparing site names.
pub(super) fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a title part names the site: same letters, or one starts with the other
/// (`Factorio` and `Factorio.com`, `Spiceworks` and `Spiceworks Inc`).
pub(super) fn same_site(part: &str, site: &str) -> bool {
    let (a, b) = (norm(part), norm(site));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b || (a.len().min(b.len()) >= 4 && (a.starts_with(&b) || b.starts_with(&a)))
}

/// The word-level share of `candidate` (by characters) that appears in `reference`.
pub(super) fn coverage(candidate: &str, reference: &str) -> f64 {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let cand = words(candidate);
    let refs: HashSet<String> = words(reference).into_iter().collect();
    let total: usize = cand.iter().map(|w| w.chars().count()).sum();
    if total == 0 {
        return 0.0;
    }
    let found: usize = cand
        .iter()
        .filter(|w| refs.contains(*w))
        .map(|w| w.chars().count())
        .sum();
    found as f64 / total as f64
}

/// `Title | Site` -> `Title` (and `Site | Title` -> `Title`) when `Site` names the site
/// or is a host name. The site's part may come with more after it (`Title - Site -
/// Slogan`, `Title | Section | site.com`): the title ends at the first separator whose
/// next part, or whose whole rest, names the site.
pub(super) fn strip_site_tail(title: &str, sites: &[String]) -> Option<String> {
    let seps: Vec<Range<usize>> = TITLE_SEP.find_iter(title).map(|m| m.range()).collect();
    let names_site = |part: &str| {
        let part = part.trim();
        HOST_NAME.is_match(part) || sites.iter().any(|s| same_site(part, s))
    };
    for (i, sep) in seps.iter().enumerate() {
        let head = title[..sep.start].trim();
        if head.is_empty() {
            continue;
        }
        let rest = &title[sep.end..];
        let part = seps
            .get(i + 1)
            .map_or(rest, |next| &title[sep.end..next.start]);
        if names_site(part) || names_site(rest) {
            return Some(head.to_string());
        }
    }
    let first = seps.first()?;
    let (head, tail) = (title[..first.start].trim(), title[first.end..].trim());
    if !tail.is_empty() && names_site(head) {
        return Some(tail.to_string());
    }
    None
}

/// The `<title>` without its site-name part: a known site name, else the side that an
/// `<h1>` repeats, else (when the page `declared` no site name) a short tail that looks
/// like a name, as long as the head keeps two words or more (three after a plain
/// hyphen, which titles use in earnest).
pub(crate) fn strip_title_tag(
    title: &str,
    sites: &[String],
    declared: bool,
    h1s: &[String],
) -> String {
    if let Some(t) = strip_site_tail(title, sites) {
        return t;
    }
    let Some(m) = TITLE_SEP.find_iter(title).last() else {
        return title.to_string();
    };
    let (head, tail) = (title[..m.start()].trim(), title[m.end()..].trim());
    if head.is_empty() || tail.is_empty() {
        return title.to_string();
    }
    let folded = |s: &str| s.to_lowercase();
    if h1s.iter().any(|h| folded(h) == folded(head)) {
        return head.to_string();
    }
    if h1s.iter().any(|h| folded(h) == folded(tail)) && head.split_whitespace().count() >= 2 {
        // The tail is the page's heading: it is the site (a docs page's project name).
        return head.to_string();
    }
    if declared {
        // The page names its site and this tail is not it: part of the headline.
        return title.to_string();
    }
    let sep = m.as_str().trim();
    let head_words = head.split_whitespace().count();
    let tail_words = tail.split_whitespace().count();
    let name_like = tail
        .split_whitespace()
        .all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()) || w.len() <= 3);
    let enough_head = if sep == "-" {
        head_words >= 3
    } else {
        head_words >= 2
    };
    if enough_head && tail_words <= 5 && tail.chars().count() <= 40 && (name_like || sep != "-") {
        return head.to_string();
    }
    title.to_string()
}

/// The registrable name in a URL's host: `theverge` for `https://www.theverge.com/x`,
/// `bbc` for `http://www.bbc.co.uk/`.
pub(crate) fn domain_label(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let Some(url::Host::Domain(host)) = parsed.host() else {
        return None;
    };
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    if n < 2 {
        return None;
    }
    let second = labels[n - 2];
    let label = if n >= 3
        && labels[n - 1].len() == 2
        && ["co", "com", "org", "net", "ac", "gov", "ne", "or"].contains(&second)
    {
        labels[n - 3]
    } else {
        second
    };
    Some(label.to_string())
}
