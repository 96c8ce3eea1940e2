//! Dates in queries: `date:2017`, `date:[2016-06 TO 2017-11]`, `date:>2017`, and
//! `--since`/`--until`, as ranges over the day as published or the instant.

use std::ops::Bound;

use tantivy::query_grammar::{UserInputAst, UserInputBound, UserInputLeaf};
use tantivy::DateTime;

use crate::date::{parse_period, Period};
use crate::schema;

/// Lower and upper bounds on a document's date, and the column they are compared with.
pub(super) type DateBounds = (&'static str, Bound<DateTime>, Bound<DateTime>);

/// The column a period is compared with: the date as published for a calendar period,
/// the instant for a time.
pub(super) fn date_field(calendar: bool) -> &'static str {
    if calendar {
        schema::DATE_FIELD
    } else {
        schema::INSTANT_FIELD
    }
}

pub(super) fn is_date_range(ast: &UserInputAst) -> bool {
    matches!(ast, UserInputAst::Leaf(leaf) if matches!(leaf.as_ref(),
        UserInputLeaf::Range { field: Some(f), .. }
            if f == schema::DATE_FIELD || f == schema::INSTANT_FIELD))
}

/// The bounds of a `date:` range leaf, as the rewrite left it (RFC 3339 times).
pub(super) fn date_bounds(ast: &UserInputAst) -> Option<DateBounds> {
    let UserInputAst::Leaf(leaf) = ast else {
        return None;
    };
    let UserInputLeaf::Range {
        field: Some(field),
        lower,
        upper,
    } = leaf.as_ref()
    else {
        return None;
    };
    let field = if field == schema::DATE_FIELD {
        schema::DATE_FIELD
    } else if field == schema::INSTANT_FIELD {
        schema::INSTANT_FIELD
    } else {
        return None;
    };
    let bound = |b: &UserInputBound| -> Option<Bound<DateTime>> {
        let time = |s: &str| s.parse::<jiff::Timestamp>().ok().map(schema::to_datetime);
        Some(match b {
            UserInputBound::Inclusive(s) => Bound::Included(time(s)?),
            UserInputBound::Exclusive(s) => Bound::Excluded(time(s)?),
            UserInputBound::Unbounded => Bound::Unbounded,
        })
    };
    Some((field, bound(lower)?, bound(upper)?))
}

pub(super) fn rfc3339(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A range on the date as published (`calendar`) or on the instant.
pub(super) fn date_range(
    lower: UserInputBound,
    upper: UserInputBound,
    calendar: bool,
) -> UserInputAst {
    UserInputAst::Leaf(Box::new(UserInputLeaf::Range {
        field: Some(date_field(calendar).into()),
        lower,
        upper,
    }))
}

pub(super) fn period(text: &str, flag: &str) -> std::result::Result<Period, String> {
    parse_period(text).ok_or_else(|| {
        format!("{flag} {text:?} is not a date: give a year (2017), a month (2016-06) or a day (2017-11-11)")
    })
}

pub(super) fn date_problem(text: &str) -> String {
    format!("{text:?} is not a date: give a year (2017), a month (2016-06), a day (2017-11-11) or an RFC 3339 time")
}

/// A lower bound on a period: inclusive from its start; exclusive (`>2017`) from its end.
/// With whether the period is a calendar one.
pub(super) fn lower_bound(
    b: UserInputBound,
) -> std::result::Result<(UserInputBound, bool), String> {
    bound(b, true)
}

/// An upper bound on a period: inclusive to its end; exclusive (`<2017`) to its start.
pub(super) fn upper_bound(
    b: UserInputBound,
) -> std::result::Result<(UserInputBound, bool), String> {
    bound(b, false)
}

/// A bound on a period as a bound on instants: a lower one always includes its instant,
/// an upper one never does; `[2017` and `<2017` fall on the period's start, `2017]` and
/// `>2017` on its end.
fn bound(b: UserInputBound, lower: bool) -> std::result::Result<(UserInputBound, bool), String> {
    let (text, inclusive) = match b {
        UserInputBound::Inclusive(s) => (s, true),
        UserInputBound::Exclusive(s) => (s, false),
        UserInputBound::Unbounded => return Ok((UserInputBound::Unbounded, true)),
    };
    let p = parse_period(&text).ok_or_else(|| date_problem(&text))?;
    let at = rfc3339(if lower == inclusive { p.start } else { p.end });
    let out = if lower {
        UserInputBound::Inclusive(at)
    } else {
        UserInputBound::Exclusive(at)
    };
    Ok((out, p.calendar))
}
