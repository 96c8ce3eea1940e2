//! One date parser for every format, and the date a document carries.
//!
//! `parse_date` turns the date strings found in documents (datelines, citations, meta
//! tags, mail headers, JSON fields) into a [`DocDate`]: the instant, the offset from UTC
//! the document stated, and whether it had a time of day at all. Rules, in order:
//!
//! 1. RFC 3339 (`2017-11-11T10:00:00-05:00`) and RFC 2822 (`Sat, 11 Nov 2017 10:00:00
//!    -0500`): the offset is kept.
//! 2. Anything else is split into numbers and words. A time (`15:01`, `15:01:01.79`,
//!    `3:04 pm`) and a zone after it (`Z`, `+05:00`, `-0500`, `UTC`, `GMT`, `EST`...)
//!    are taken out first; the rest must be a day, a month (number or name, in English
//!    and the common European languages, `Nov.`, `Sept`, `März`, `janvier`: the table
//!    [`MONTH_NAMES`]) and a year,
//!    with weekday names and ordinal suffixes (`11th`, `3.`) ignored.
//! 3. All-number dates: a four-digit first number means year-month-day
//!    (`2017/11/11`, `2017-11-11`, `2017.11.11`); `20171111` is year-month-day too.
//!    Otherwise the year is last: with dots it is day.month.year (`11.11.2017`); with
//!    slashes or dashes it is month/day/year (`11/25/2017`, US order) unless the first
//!    number is over 12 (`25/11/2017`). Two-digit years: 00-69 are 2000-2069, 70-99
//!    are 1970-1999. So `01/02/03` is 2003-01-02. A year of one or three digits, or
//!    with a minus sign, is not a year.
//! 4. A value without a time of day is a calendar day (`date_only`); a time without a
//!    zone states no offset and is read as UTC.
//!
//! Years outside 1700..=2099 are refused: a document dated year 0, year 5 or 2350 is
//! wrong, and the caller warns and indexes it undated.

pub(crate) mod words;

pub use words::MONTH_NAMES;

use std::fmt;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

use words::{is_ignored_word, is_zone_word, month_from_word, zone_offset, zone_region};

/// Earliest and latest years a document date may have.
pub const MIN_YEAR: i16 = 1700;

pub const MAX_YEAR: i16 = 2099;

/// A document's date as the document states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocDate {
    /// The moment (for sorting, and for filters given with a time of day).
    pub instant: Timestamp,
    /// Seconds east of UTC the document stated its time with; `None` for UTC, or when
    /// it stated none (the time is then read as UTC).
    pub offset: Option<i32>,
    /// A calendar day with no time of day (`2019-10-19`).
    pub date_only: bool,
}

impl DocDate {
    /// A calendar day.
    pub fn day(date: Date) -> DocDate {
        let instant = date
            .to_datetime(Time::midnight())
            .to_zoned_datetime(TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH);
        DocDate {
            instant,
            offset: None,
            date_only: true,
        }
    }

    /// An instant with no stated offset (Unix times, times without a zone).
    pub fn utc(instant: Timestamp) -> DocDate {
        DocDate {
            instant,
            offset: None,
            date_only: false,
        }
    }

    /// An instant stated at `offset` seconds east of UTC (zero is UTC, as unstated).
    pub fn at_offset(instant: Timestamp, offset: i32) -> DocDate {
        DocDate {
            instant,
            offset: (offset != 0).then_some(offset),
            date_only: false,
        }
    }

    fn tz_offset(&self) -> Offset {
        Offset::from_seconds(self.offset.unwrap_or(0)).unwrap_or(Offset::UTC)
    }

    /// The wall-clock time where it was published.
    pub fn local(&self) -> DateTime {
        self.tz_offset().to_datetime(self.instant)
    }

    /// The calendar day as published: what `date:DAY`, `--since` and `stats` count.
    pub fn local_day(&self) -> Date {
        self.local().date()
    }

    /// The wall-clock time as published, written as if it were UTC: the value day and
    /// year filters compare (a document published at 00:04 +02:00 on the 19th is on the
    /// 19th, though that instant is the 18th in UTC).
    pub fn local_as_utc(&self) -> Timestamp {
        self.local()
            .to_zoned_datetime(TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(self.instant)
    }

    /// The calendar year as published.
    pub fn year(&self) -> i16 {
        self.local().year()
    }

    /// Reads back what `Display` wrote (`2019-10-19`, `2019-10-19T00:04:00+02:00`,
    /// `1987-02-26T15:01:01Z`).
    pub fn parse_canonical(text: &str) -> Option<DocDate> {
        if text.len() == 10 {
            return text.parse::<Date>().ok().map(DocDate::day);
        }
        let pieces = jiff::fmt::temporal::Pieces::parse(text).ok()?;
        let time = pieces.time()?;
        let dt = pieces.date().to_datetime(time);
        let offset = match pieces.offset()? {
            jiff::fmt::temporal::PiecesOffset::Numeric(n) => n.offset().seconds(),
            _ => 0,
        };
        let instant = Offset::from_seconds(offset).ok()?.to_timestamp(dt).ok()?;
        Some(DocDate::at_offset(instant, offset))
    }
}

impl fmt::Display for DocDate {
    /// `2019-10-19` for a calendar day; RFC 3339 with the stated offset otherwise
    /// (`2019-10-19T00:04:00+02:00`), `Z` for a zero or unstated one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.date_only {
            return write!(f, "{}", self.local_day());
        }
        let local = self.local();
        write!(f, "{}", local.strftime("%Y-%m-%dT%H:%M:%S"))?;
        match self.offset.unwrap_or(0) {
            0 => f.write_str("Z"),
            secs => {
                let sign = if secs < 0 { '-' } else { '+' };
                let secs = secs.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", secs / 3600, (secs % 3600) / 60)
            }
        }
    }
}

/// Parses a date as found in a document. `None` when the text is not a date trove
/// understands, or one it cannot be (year 0, year 5, 2350): the caller warns and
/// indexes the document without one.
pub fn parse_date(input: &str) -> Option<DocDate> {
    let s = input
        .trim()
        .trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '"' | '\''))
        .trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    let date = parse_whole(s).or_else(|| parse_prefix(s))?;
    plausible(date)
}

/// Like [`parse_date`], but the whole text must be the date: nothing may follow it
/// (`On 21 Apr 93 17:03 GMT Chris wrote:` is not a date, though it starts with one).
pub fn parse_date_exact(input: &str) -> Option<DocDate> {
    let s = input
        .trim()
        .trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '"' | '\''))
        .trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    plausible(parse_whole(s)?)
}

/// The date when its year is one a document can have.
fn plausible(date: DocDate) -> Option<DocDate> {
    let year = date.local().year();
    let utc_year = date.instant.to_zoned_datetime(TimeZone::UTC).year();
    ((MIN_YEAR..=MAX_YEAR).contains(&year) && (MIN_YEAR..=MAX_YEAR).contains(&utc_year))
        .then_some(date)
}

fn parse_whole(s: &str) -> Option<DocDate> {
    if s.bytes().all(|b| b.is_ascii_digit()) && matches!(s.len(), 10 | 13) {
        // Unix time in seconds or milliseconds, as pages put in data attributes.
        let n: i64 = s.parse().ok()?;
        let ts = Timestamp::from_second(if s.len() == 13 { n / 1000 } else { n }).ok()?;
        return Some(DocDate::utc(ts));
    }
    if s.starts_with('-') || s.starts_with('+') {
        // A signed year (`-0001-01-01`, `+002017-01-01`) is not a document's date.
        return None;
    }
    if let Some(date) = parse_rfc3339(s) {
        return Some(date);
    }
    if let Ok(zoned) = jiff::fmt::rfc2822::DateTimeParser::new().parse_zoned_datetime(s) {
        return Some(DocDate::at_offset(
            zoned.timestamp(),
            zoned.offset().seconds(),
        ));
    }
    parse_loose(s)
}

/// RFC 3339 / ISO 8601 with a time and an offset (`2017-11-11T10:00:00-05:00`,
/// `...Z`). Other ISO forms go through the loose rules.
fn parse_rfc3339(s: &str) -> Option<DocDate> {
    let instant = s.parse::<Timestamp>().ok()?;
    let pieces = jiff::fmt::temporal::Pieces::parse(s).ok()?;
    let offset = match pieces.offset()? {
        jiff::fmt::temporal::PiecesOffset::Numeric(n) => n.offset().seconds(),
        _ => 0,
    };
    Some(DocDate::at_offset(instant, offset))
}

/// Real data puts things after dates: markup left over (`27-MAR-1987 00:02:59.13&#5;&#5;`),
/// comments (`9-APR-1987 00:00:00.00 # guesswork`), a broken time (`31-MAR-1987
/// 605:12:19`), `| Updated ...`. The longest leading part that is a date is taken: cut
/// at the first character dates never hold, then drop trailing words one at a time.
fn parse_prefix(s: &str) -> Option<DocDate> {
    let cut = s
        .find(['&', '#', ';', '|', '<', '>', '[', '{', '=', '*', '"'])
        .map_or(s, |i| &s[..i])
        .trim();
    if cut.len() < s.len() {
        if let Some(date) = parse_whole(cut) {
            return Some(date);
        }
    }
    let mut rest = cut;
    for _ in 0..6 {
        rest = rest.trim_end();
        let i = rest.rfind(char::is_whitespace)?;
        rest = rest[..i].trim_end_matches([',', '-', ':', '/', '(']);
        if let Some(date) = parse_whole(rest) {
            return Some(date);
        }
    }
    None
}

/// The calendar day as published, `YYYY-MM-DD`.
pub fn format_day(date: DocDate) -> String {
    date.local_day().to_string()
}

/// A date for display and JSON: `YYYY-MM-DD` for a calendar day, else RFC 3339 with the
/// offset the document stated (`2019-10-19T00:04:00+02:00`, `1987-02-26T15:01:01Z`).
pub fn format_date(date: DocDate) -> String {
    date.to_string()
}

/// A span of time `[start, end)` that a filter asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Timestamp,
    pub end: Timestamp,
    /// A year, a month or a day: compared with each document's date as published
    /// (its own wall clock, [`DocDate::local_as_utc`]). Otherwise a time of day was
    /// given, and the period is compared with instants.
    pub calendar: bool,
}

/// A period from the text users give to `--since`, `--until` and `date:`: a year
/// (`2017`), a month (`2016-06`), a day (`2017-11-11`), or anything `parse_date` reads
/// (a day, or an instant when it has a time of day).
pub fn parse_period(text: &str) -> Option<Period> {
    let t = text.trim();
    let utc = |y: i16, m: i8, d: i8| {
        Date::new(y, m, d)
            .ok()?
            .to_zoned_datetime(TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp())
    };
    let num = |s: &str| s.parse::<i16>().ok();
    let parts: Vec<&str> = t.split('-').collect();
    let all_digits = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if all_digits && parts[0].len() == 4 {
        let year = num(parts[0])?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return None;
        }
        match parts[..] {
            [_] => {
                return Some(Period {
                    start: utc(year, 1, 1)?,
                    end: utc(year + 1, 1, 1)?,
                    calendar: true,
                })
            }
            [_, m] if m.len() <= 2 => {
                let month = i8::try_from(num(m)?).ok()?;
                let (ny, nm) = if month == 12 {
                    (year + 1, 1)
                } else {
                    (year, month + 1)
                };
                return Some(Period {
                    start: utc(year, month, 1)?,
                    end: utc(ny, nm, 1)?,
                    calendar: true,
                });
            }
            _ => {}
        }
    }
    let date = parse_date(t)?;
    if date.date_only {
        let day = date.local_day();
        let start = utc(day.year(), day.month(), day.day())?;
        let next = day.tomorrow().ok()?;
        let end = utc(next.year(), next.month(), next.day())?;
        Some(Period {
            start,
            end,
            calendar: true,
        })
    } else {
        // A time: the second it falls in, the precision dates are indexed with (one
        // nanosecond, cut to seconds in the index, matched nothing).
        let second = date.instant.as_second();
        Some(Period {
            start: Timestamp::new(second, 0).ok()?,
            end: Timestamp::new(second.checked_add(1)?, 0).ok()?,
            calendar: false,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num {
        value: u32,
        digits: usize,
    },
    Word(String),
    Sep(char),
    /// A `-` after a space and before a digit: a sign (or an offset after a time).
    Minus,
}

fn tokenize(s: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut chars = s.chars().peekable();
    let mut after_space = true;
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut value: u32 = 0;
            let mut digits = 0;
            while let Some(&d) = chars.peek() {
                let Some(v) = d.to_digit(10) else { break };
                value = value.saturating_mul(10).saturating_add(v);
                digits += 1;
                chars.next();
            }
            toks.push(Tok::Num { value, digits });
        } else if c.is_alphabetic() {
            let mut word = String::new();
            while let Some(&d) = chars.peek() {
                if !d.is_alphabetic() {
                    break;
                }
                word.extend(d.to_lowercase());
                chars.next();
            }
            toks.push(Tok::Word(word));
        } else {
            chars.next();
            if c == '-' && after_space && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                // `1 Jan -0001`, `12/31/ -5`: a sign, not a separator.
                toks.push(Tok::Minus);
            } else if !c.is_whitespace() {
                toks.push(Tok::Sep(c));
            }
            after_space = c.is_whitespace();
            continue;
        }
        after_space = false;
    }
    toks
}

struct Clock {
    hour: i8,
    minute: i8,
    second: i8,
    nanos: i32,
    /// Seconds east of UTC; 0 when no zone was given.
    offset: i32,
    /// A zone or an offset was given.
    zoned: bool,
    /// A zone whose offset depends on the date (US `ET`, `PT`...).
    region: Option<(&'static str, i32)>,
}

/// Finds `H:MM[:SS[.fff]] [am|pm] [zone]` in `toks`, removes it, and returns it.
fn take_clock(toks: &mut Vec<Tok>) -> Option<Clock> {
    // `15:01`, or `18.16` when a zone or am/pm follows (the Guardian's `18.16 GMT`;
    // without one, `11.12` is more likely part of a date).
    let start = (0..toks.len()).find(|&i| {
        let sep = toks.get(i + 1);
        let zone_after = matches!(toks.get(i + 3), Some(Tok::Word(w))
            if is_zone_word(w) || matches!(w.as_str(), "am" | "pm" | "a" | "p"));
        matches!(toks[i], Tok::Num { digits: 1..=2, .. })
            && (sep == Some(&Tok::Sep(':')) || (sep == Some(&Tok::Sep('.')) && zone_after))
            && matches!(toks.get(i + 2), Some(Tok::Num { digits: 2, .. }))
    })?;
    let num = |t: &Tok| match t {
        Tok::Num { value, .. } => *value,
        _ => 0,
    };
    let mut hour = num(&toks[start]);
    let minute = num(&toks[start + 2]);
    let mut second = 0;
    let mut nanos = 0;
    let mut end = start + 3;
    if toks.get(end) == Some(&Tok::Sep(':')) {
        if let Some(Tok::Num { value, digits: 2 }) = toks.get(end + 1) {
            second = *value;
            end += 2;
            if let (Some(Tok::Sep('.' | ',')), Some(Tok::Num { value, digits })) =
                (toks.get(end), toks.get(end + 1))
            {
                let digits = (*digits).min(9) as u32;
                let scaled = if digits == 0 {
                    0
                } else {
                    // Keep the first `digits` digits' worth of precision.
                    (*value as u64 * 10u64.pow(9 - digits)).min(999_999_999)
                };
                nanos = scaled as i32;
                end += 2;
            }
        }
    }
    // am / pm, also written a.m. / p.m.
    match toks.get(end) {
        Some(Tok::Word(w)) if w == "am" || w == "pm" || w == "a" || w == "p" => {
            let pm = w.starts_with('p');
            end += 1;
            if w.len() == 1 {
                // a.m. -> "a" "." "m" "."
                if toks.get(end) == Some(&Tok::Sep('.')) {
                    end += 1;
                }
                if toks.get(end) == Some(&Tok::Word("m".into())) {
                    end += 1;
                }
                if toks.get(end) == Some(&Tok::Sep('.')) {
                    end += 1;
                }
            }
            if hour > 12 || hour == 0 {
                return None;
            }
            if pm && hour != 12 {
                hour += 12;
            } else if !pm && hour == 12 {
                hour = 0;
            }
        }
        _ => {}
    }
    let mut offset = 0i32;
    let mut zoned = false;
    let mut region = None;
    // A zone name, possibly followed by a numeric offset (GMT+0100), or a bare offset.
    if let Some(Tok::Word(w)) = toks.get(end) {
        if let Some(o) = zone_offset(w) {
            offset = o;
            zoned = true;
            end += 1;
        } else if let Some(r) = zone_region(w) {
            region = Some(r);
            end += 1;
        }
    }
    let sign = match toks.get(end) {
        Some(Tok::Sep('+')) => Some(1),
        Some(Tok::Sep('-') | Tok::Minus) => Some(-1),
        _ => None,
    };
    if let Some(sign) = sign {
        let before = end;
        match (toks.get(end + 1), toks.get(end + 2), toks.get(end + 3)) {
            (
                Some(Tok::Num {
                    value: h,
                    digits: 2,
                }),
                Some(Tok::Sep(':')),
                Some(Tok::Num {
                    value: m,
                    digits: 2,
                }),
            ) => {
                offset = sign * (*h as i32 * 3600 + *m as i32 * 60);
                end += 4;
            }
            (Some(Tok::Num { value, digits: 4 }), _, _) => {
                offset = sign * ((*value as i32 / 100) * 3600 + (*value as i32 % 100) * 60);
                end += 2;
            }
            (
                Some(Tok::Num {
                    value,
                    digits: 1..=2,
                }),
                _,
                _,
            ) => {
                offset = sign * (*value as i32 * 3600);
                end += 2;
            }
            _ => {}
        }
        if offset.abs() > 18 * 3600 {
            return None;
        }
        zoned |= end > before;
    }
    // A trailing parenthesised zone comment, as in "-0500 (EST)".
    if toks.get(end) == Some(&Tok::Sep('(')) {
        if let (Some(Tok::Word(w)), Some(Tok::Sep(')'))) = (toks.get(end + 1), toks.get(end + 2)) {
            if zone_offset(w).is_some() {
                end += 3;
            }
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    toks.drain(start..end);
    Some(Clock {
        hour: hour as i8,
        minute: minute as i8,
        second: second.min(59) as i8,
        nanos,
        offset,
        zoned,
        region,
    })
}

fn expand_year(value: u32, digits: usize) -> Option<i16> {
    match digits {
        4 => i16::try_from(value).ok(),
        2 if value < 70 => Some(2000 + value as i16),
        2 => Some(1900 + value as i16),
        _ => None,
    }
}

fn parse_loose(s: &str) -> Option<DocDate> {
    let mut toks = tokenize(s);
    let clock = take_clock(&mut toks);

    let mut nums: Vec<(u32, usize)> = Vec::new();
    let mut month_word: Option<i8> = None;
    let mut seps: Vec<char> = Vec::new(); // separators between numbers
    for tok in &toks {
        match tok {
            Tok::Num { value, digits } => nums.push((*value, *digits)),
            Tok::Word(w) => {
                if let Some(m) = month_from_word(w) {
                    if month_word.is_some() {
                        return None;
                    }
                    month_word = Some(m);
                } else if is_ignored_word(w) || is_zone_word(w) {
                    continue;
                } else {
                    return None;
                }
            }
            Tok::Sep(c) => {
                if !nums.is_empty() {
                    seps.push(*c);
                }
            }
            // A minus sign left after the time: a negative year or day.
            Tok::Minus => return None,
        }
    }

    let (year, month, day) = if let Some(month) = month_word {
        let [a, b] = nums[..] else { return None };
        if a.1 == 4 {
            // "2017, November 11"
            (expand_year(a.0, a.1)?, month, b.0)
        } else {
            // "11 Nov 2017", "Nov 11 2017", "11-Nov-17": the day is the first number.
            (expand_year(b.0, b.1)?, month, a.0)
        }
    } else {
        match nums[..] {
            [(v, 8)] => (
                i16::try_from(v / 10000).ok()?,
                ((v / 100) % 100) as i8,
                v % 100,
            ),
            [a, b, c] if a.1 == 4 => (expand_year(a.0, a.1)?, i8::try_from(b.0).ok()?, c.0),
            [a, b, c] if a.1 <= 2 && b.1 <= 2 && (c.1 == 4 || c.1 <= 2) => {
                let year = expand_year(c.0, c.1)?;
                let dotted = seps.first() == Some(&'.');
                if dotted || a.0 > 12 {
                    (year, i8::try_from(b.0).ok()?, a.0)
                } else {
                    (year, i8::try_from(a.0).ok()?, b.0)
                }
            }
            _ => return None,
        }
    };
    let day = i8::try_from(day).ok()?;
    let date = Date::new(year, month, day).ok()?;
    let Some(c) = clock else {
        return Some(DocDate::day(date));
    };
    let dt = DateTime::new(year, month, day, c.hour, c.minute, c.second, c.nanos).ok()?;
    if let Some((name, standard)) = c.region {
        let zoned = match TimeZone::get(name) {
            Ok(tz) => dt.to_zoned_datetime(tz).ok()?,
            Err(_) => dt
                .to_zoned_datetime(TimeZone::fixed(Offset::from_seconds(standard).ok()?))
                .ok()?,
        };
        return Some(DocDate::at_offset(
            zoned.timestamp(),
            zoned.offset().seconds(),
        ));
    }
    let tz = Offset::from_seconds(c.offset).ok()?;
    let instant = tz.to_timestamp(dt).ok()?;
    Some(if c.zoned {
        DocDate::at_offset(instant, c.offset)
    } else {
        DocDate::utc(instant)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> Option<String> {
        parse_date(s).map(format_date)
    }

    #[test]
    fn date_table() {
        let table: &[(&str, Option<&str>)] = &[
            // RFC 3339 and ISO 8601: the offset is kept
            ("2017-11-11T10:00:00Z", Some("2017-11-11T10:00:00Z")),
            (
                "2017-11-11T10:00:00-05:00",
                Some("2017-11-11T10:00:00-05:00"),
            ),
            (
                "2017-11-11T23:30:00-05:00",
                Some("2017-11-11T23:30:00-05:00"),
            ),
            (
                "2017-11-11T01:30:00+02:00",
                Some("2017-11-11T01:30:00+02:00"),
            ),
            (
                "2017-11-11T10:00:00.123+0100",
                Some("2017-11-11T10:00:00+01:00"),
            ),
            (
                "2017-11-11T10:00:00+05:30",
                Some("2017-11-11T10:00:00+05:30"),
            ),
            ("2017-11-11T10:00:00+00:00", Some("2017-11-11T10:00:00Z")),
            ("2017-11-11T10:00:00", Some("2017-11-11T10:00:00Z")),
            ("2017-11-11 10:00", Some("2017-11-11T10:00:00Z")),
            ("2017-11-11", Some("2017-11-11")),
            ("2017/11/11", Some("2017-11-11")),
            ("2017.11.11", Some("2017-11-11")),
            ("20171111", Some("2017-11-11")),
            // RFC 2822 and mail variants
            (
                "Sat, 11 Nov 2017 10:00:00 -0500",
                Some("2017-11-11T10:00:00-05:00"),
            ),
            (
                "Thu, 22 Jul 1999 18:37:46 -0600",
                Some("1999-07-22T18:37:46-06:00"),
            ),
            ("Mon, 5 Apr 1993 18:23:45 GMT", Some("1993-04-05T18:23:45Z")),
            ("5 Apr 93 18:23:45 EST", Some("1993-04-05T18:23:45-05:00")),
            (
                "Tue, 6 Apr 1993 01:02:03 -0400 (EDT)",
                Some("1993-04-06T01:02:03-04:00"),
            ),
            // Month names
            ("November 11 2017", Some("2017-11-11")),
            ("November 11, 2017", Some("2017-11-11")),
            ("Nov. 11, 2017", Some("2017-11-11")),
            ("Nov 11 2017", Some("2017-11-11")),
            ("Sept. 5, 2017", Some("2017-09-05")),
            ("11 November 2017", Some("2017-11-11")),
            ("11th November 2017", Some("2017-11-11")),
            ("Saturday, November 11, 2017", Some("2017-11-11")),
            ("2017, November 11", Some("2017-11-11")),
            ("(2017, November 11)", Some("2017-11-11")),
            ("November 11, 2017 3:04 PM", Some("2017-11-11T15:04:00Z")),
            (
                "November 11, 2017 at 12:15 a.m. EST",
                Some("2017-11-11T00:15:00-05:00"),
            ),
            ("26-FEB-1987 15:01:01.79", Some("1987-02-26T15:01:01Z")),
            // Web page forms
            ("Mar 9, 2017, 6:16 PM ET", Some("2017-03-09T18:16:00-05:00")),
            ("Jul 9, 2017, 6:16 PM ET", Some("2017-07-09T18:16:00-04:00")),
            (
                "Thursday 9 March 2017 18.16 GMT",
                Some("2017-03-09T18:16:00Z"),
            ),
            (
                "Thu Mar 09 2017 18:16:02 GMT-0400 (Eastern Daylight Time)",
                Some("2017-03-09T18:16:02-04:00"),
            ),
            ("1425913200851", Some("2015-03-09T15:00:00Z")),
            ("1510394400", Some("2017-11-11T10:00:00Z")),
            // Trailing junk as real data has it
            (
                "27-MAR-1987 00:02:59.13&#5;&#5;&#5;RM",
                Some("1987-03-27T00:02:59Z"),
            ),
            (
                "9-APR-1987 00:00:00.00    # date added by S Finch as guesswork",
                Some("1987-04-09T00:00:00Z"),
            ),
            ("31-MAR-1987 605:12:19.12", Some("1987-03-31")),
            (
                "November 11, 2017 | Updated 3 hours ago",
                Some("2017-11-11"),
            ),
            ("2017-11-11 (updated)", Some("2017-11-11")),
            ("11-Nov-17", Some("2017-11-11")),
            // All numbers, year last: one documented rule
            ("11/25/2017", Some("2017-11-25")),
            ("25/11/2017", Some("2017-11-25")),
            ("11.12.2017", Some("2017-12-11")),
            ("01/02/03", Some("2003-01-02")),
            ("1/2/99", Some("1999-01-02")),
            // Not dates
            ("", None),
            ("yesterday", None),
            ("n/a", None),
            ("November 2017", None),
            ("2017-02-30", None),
            ("13/13/2017", None),
            ("Page 2 of 3", None),
            ("November 2017 draft", None),
            ("10 things to do", None),
            ("1492-10-12", None),
            ("99:99", None),
            // Dates that cannot be what they claim: a signed, zero, one-digit or
            // far-future year
            ("Mon, 1 Jan -0001", None),
            ("Mon, 1 Jan -0001 00:01:00 +0000", None),
            ("-1-01-01", None),
            ("-0001-01-01", None),
            ("12/31/-5", None),
            ("12/31/5", None),
            ("0000-01-01", None),
            ("1 Jan 0000", None),
            ("2350-01-01", None),
            ("2100-01-01T00:00:00Z", None),
            ("1 Jan 100", None),
        ];
        let mut failures = Vec::new();
        for (input, want) in table {
            let got = show(input);
            if got.as_deref() != *want {
                failures.push(format!("{input:?}: got {got:?}, want {want:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn the_day_as_published() {
        // East of UTC: 00:04 on the 19th in Berlin is the 18th in UTC.
        let east = parse_date("2019-10-19T00:04:00+02:00").unwrap();
        assert_eq!(format_day(east), "2019-10-19");
        assert_eq!(east.instant.to_string(), "2019-10-18T22:04:00Z");
        assert_eq!(east.local_as_utc().to_string(), "2019-10-19T00:04:00Z");
        // West of UTC: 18:37 on the 22nd in Denver is the 23rd in UTC.
        let west = parse_date("Thu, 22 Jul 1999 18:37:46 -0600").unwrap();
        assert_eq!(format_day(west), "1999-07-22");
        assert_eq!(west.year(), 1999);
        // A date-only value is that day wherever it is read.
        let day = parse_date("November 11 2017").unwrap();
        assert!(day.date_only);
        assert_eq!(format_day(day), "2017-11-11");
        assert_eq!(format_date(day), "2017-11-11");
    }

    #[test]
    fn canonical_text_round_trips() {
        for text in [
            "2019-10-19",
            "2019-10-19T00:04:00+02:00",
            "1999-07-22T18:37:46-06:00",
            "1987-02-26T15:01:01Z",
            "2017-11-11T10:00:00+05:30",
        ] {
            let date = DocDate::parse_canonical(text).unwrap();
            assert_eq!(date.to_string(), text);
            assert_eq!(parse_date(text).unwrap(), date, "{text}");
        }
        assert_eq!(DocDate::parse_canonical("garbage"), None);
    }

    #[test]
    fn periods() {
        let show =
            |s: &str| parse_period(s).map(|p| (p.start.to_string(), p.end.to_string(), p.calendar));
        let cal = |a: &str, b: &str| Some((a.to_string(), b.to_string(), true));
        assert_eq!(
            show("2017"),
            cal("2017-01-01T00:00:00Z", "2018-01-01T00:00:00Z")
        );
        assert_eq!(
            show("2016-06"),
            cal("2016-06-01T00:00:00Z", "2016-07-01T00:00:00Z")
        );
        assert_eq!(
            show("2016-12"),
            cal("2016-12-01T00:00:00Z", "2017-01-01T00:00:00Z")
        );
        assert_eq!(
            show("2017-11-11"),
            cal("2017-11-11T00:00:00Z", "2017-11-12T00:00:00Z")
        );
        assert_eq!(
            show("Nov 11, 2017"),
            cal("2017-11-11T00:00:00Z", "2017-11-12T00:00:00Z")
        );
        assert_eq!(
            show("2017-11-11T10:00:00Z"),
            Some((
                "2017-11-11T10:00:00Z".to_string(),
                "2017-11-11T10:00:01Z".to_string(),
                false
            ))
        );
        assert_eq!(
            show("2017-11-11T10:00:00+02:00"),
            Some((
                "2017-11-11T08:00:00Z".to_string(),
                "2017-11-11T08:00:01Z".to_string(),
                false
            ))
        );
        assert_eq!(show("2016-13"), None);
        assert_eq!(show("1492"), None);
        assert_eq!(show("soon"), None);
    }
}
