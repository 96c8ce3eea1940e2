//! Dates written in running text, in the forms of the languages trove reads (`5 March
//! 2019`, `5. März 2019`, `March 5, 2019`, `2019-03-05T10:00+01:00`, `05.03.2019`,
//! `2019年3月5日`), with where each stands in the text.

use std::ops::Range;
use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

use crate::date::words::{month_from_word, MONTH_NAMES};
use crate::date::{parse_date, DocDate};

/// Month names of every language the date parser reads, longest first, as one regex
/// alternative.
pub(crate) static MONTHS: LazyLock<String> = LazyLock::new(|| {
    let mut names: Vec<&str> = MONTH_NAMES.iter().map(|(n, _)| *n).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|")
});

pub(crate) static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th|er|º|°)?\.?\s*(?:de\s+|of\s+|-\s*)?({})\.?,?\s*(?:de\s+|del\s+|-\s*)?(\d{{4}})\b",
        *MONTHS
    ))
    .expect("valid regex")
});

pub(crate) static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b({})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b",
        *MONTHS
    ))
    .expect("valid regex")
});

pub(crate) static YEAR_MONTH_DAY_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{4}})\.?\s+({})\.?\s+(\d{{1,2}})\b",
        *MONTHS
    ))
    .expect("valid regex")
});

pub(crate) static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d\d)(?::(\d\d))?(?:\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?)?")
        .expect("valid regex")
});

pub(crate) static NUMERIC_DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})([./-])\s?(\d{1,2})([./-])\s?((?:19|20)?\d\d)\b").expect("valid regex")
});

pub(crate) static CJK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d\d)\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")
        .expect("valid regex")
});

/// Every date written in `text`, in order: `5 March 2019`, `5. März 2019`, `5 de marzo de
/// 2019`, `March 5, 2019`, `2019. március 5.`, `2019-03-05` (with a time and an offset,
/// kept), `05.03.2019`, `5/3/2019` (month first on pages in American English), `2019年3月5日`.
/// A number run into other digits or dots (a version, a phone number) is not a date.
pub fn dates_in(text: &str, lang: &str) -> Vec<(DocDate, Range<usize>)> {
    let mut out: Vec<(DocDate, Range<usize>)> = Vec::new();
    let month_first = lang == "en-us" || lang == "en";
    let alone = |r: &Range<usize>| {
        let before = text[..r.start].chars().next_back();
        let after = text[r.end..].chars().next();
        let digit_after_dot = after == Some('.')
            && text[r.end + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit());
        let joined = before.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == '/')
            || after.is_some_and(|c| c.is_ascii_digit() || c == '/')
            || digit_after_dot;
        !joined
    };
    let mut push = |date: Option<DocDate>, r: Range<usize>| {
        if let Some(d) = date {
            if !out.iter().any(|(_, o)| o.start < r.end && r.start < o.end) {
                out.push((d, r));
            }
        }
    };
    let day = |y: i32, m: i32, d: i32| -> Option<DocDate> {
        Date::new(
            i16::try_from(y).ok()?,
            i8::try_from(m).ok()?,
            i8::try_from(d).ok()?,
        )
        .ok()
        .map(DocDate::day)
    };
    let num = |s: &str| s.parse::<i32>().unwrap_or(0);
    let month = |s: &str| month_from_word(&s.to_lowercase()).map(i32::from);
    for c in ISO.captures_iter(text) {
        let r = c.get(0).map_or(0..0, |m| m.range());
        if !alone(&r) {
            continue;
        }
        let whole = c.get(4).is_some() && c.get(7).is_some();
        let date = if whole {
            parse_date(&c[0]).or_else(|| day(num(&c[1]), num(&c[2]), num(&c[3])))
        } else {
            day(num(&c[1]), num(&c[2]), num(&c[3]))
        };
        push(date, r);
    }
    for c in CJK.captures_iter(text) {
        let r = c.get(0).map_or(0..0, |m| m.range());
        push(day(num(&c[1]), num(&c[2]), num(&c[3])), r);
    }
    for c in DAY_MONTH_YEAR.captures_iter(text) {
        let r = c.get(0).map_or(0..0, |m| m.range());
        if let Some(m) = month(&c[2]) {
            push(day(num(&c[3]), m, num(&c[1])), r);
        }
    }
    for c in MONTH_DAY_YEAR.captures_iter(text) {
        let r = c.get(0).map_or(0..0, |m| m.range());
        if let Some(m) = month(&c[1]) {
            push(day(num(&c[3]), m, num(&c[2])), r);
        }
    }
    for c in YEAR_MONTH_DAY_WORD.captures_iter(text) {
        let r = c.get(0).map_or(0..0, |m| m.range());
        if let Some(m) = month(&c[2]) {
            push(day(num(&c[1]), m, num(&c[3])), r);
        }
    }
    for c in NUMERIC_DMY.captures_iter(text) {
        let r = c.get(0).map_or(0..0, |m| m.range());
        if !alone(&r) || c[2] != c[4] {
            continue;
        }
        // A two-digit year only with a two-digit day and month (`05.03.19`): `1.12.20`
        // is a version.
        if c[5].len() == 2 && (c[1].len() < 2 || c[3].len() < 2) {
            continue;
        }
        let (a, b) = (num(&c[1]), num(&c[3]));
        let y = match c[5].len() {
            4 => num(&c[5]),
            _ => {
                let y = num(&c[5]);
                if y < 70 {
                    2000 + y
                } else {
                    1900 + y
                }
            }
        };
        // Slashes on an American page are month/day; otherwise day first, unless the
        // first number cannot be a month's day order (`13/05` is day/month anyway).
        let (d, m) = if &c[2] == "/" && month_first && a <= 12 {
            (b, a)
        } else if a > 12 || b <= 12 {
            (a, b)
        } else {
            (b, a)
        };
        push(day(y, m, d), r);
    }
    out.sort_by_key(|(_, r)| r.start);
    out
}
