mod body;
mod meta;
mod titles;

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
