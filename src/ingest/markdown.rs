//! Markdown: YAML (`---`) or TOML (`+++`) front matter for the metadata, else the first
//! heading as the title (and a `YYYY-MM-DD-` file-name prefix, Jekyll's convention, as
//! the date); the body as text without markup.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::{Map, Value};

use super::extracted::Extracted;
use super::json::map_fields;
use crate::date::parse_date;

/// Parses a Markdown document; `file_name` may give the date (`2017-11-11-title.md`).
pub fn parse(text: &str, file_name: &str) -> Extracted {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (front, content) = split_front_matter(text);
    let mut doc = Extracted::default();
    if let Some(front) = front {
        match front {
            Ok(map) => {
                doc = map_fields(&map);
            }
            Err(e) => doc.warnings.push(format!("front matter ignored: {e}")),
        }
    }
    let (heading, body) = to_text(content, doc.title.is_empty());
    if doc.title.is_empty() {
        doc.title = heading.unwrap_or_default();
    }
    doc.body = body;
    super::rules::apply_to_body(&mut doc);
    if doc.date.is_none() {
        doc.date = date_from_file_name(file_name);
    }
    if doc.title.is_empty() {
        // No front matter title and no heading: the first line, as for plain text.
        if let Some(first) = doc.body.lines().find(|l| !l.trim().is_empty()) {
            doc.title = first.trim().chars().take(200).collect();
        }
    }
    doc
}

type FrontMatter = Result<Map<String, Value>, String>;

/// Splits off a front matter block delimited by `---` (YAML) or `+++` (TOML).
fn split_front_matter(text: &str) -> (Option<FrontMatter>, &str) {
    for (fence, yaml) in [("---", true), ("+++", false)] {
        let Some(rest) = text
            .strip_prefix(fence)
            .and_then(|r| r.strip_prefix('\n').or_else(|| r.strip_prefix("\r\n")))
        else {
            continue;
        };
        // The block ends at a line that is the fence (or `...` for YAML).
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            let bare = line.trim_end();
            if bare == fence || (yaml && bare == "...") {
                let block = &rest[..offset];
                let content = &rest[offset + line.len()..];
                let parsed = if yaml {
                    parse_yaml(block)
                } else {
                    parse_toml(block)
                };
                return (Some(parsed), content);
            }
            offset += line.len();
        }
        return (None, text);
    }
    (None, text)
}

fn parse_yaml(block: &str) -> FrontMatter {
    if block.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_saphyr::from_str::<Value>(block) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("YAML front matter is not a mapping".into()),
        Err(e) => Err(format!("invalid YAML: {}", first_line(&e.to_string()))),
    }
}

fn parse_toml(block: &str) -> FrontMatter {
    match toml::from_str::<toml::Table>(block) {
        Ok(table) => match toml_to_json(toml::Value::Table(table)) {
            Value::Object(map) => Ok(map),
            _ => Err("TOML front matter is not a table".into()),
        },
        Err(e) => Err(format!("invalid TOML: {}", first_line(&e.to_string()))),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Markdown to plain text: paragraphs, headings, items and code blocks separated by
/// blank lines, links and images reduced to their text, raw HTML dropped. With
/// `take_heading`, the first heading is returned apart and left out of the body.
fn to_text(markdown: &str, take_heading: bool) -> (Option<String>, String) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut body = String::new();
    let mut heading: Option<String> = None;
    let mut in_title = false;
    let mut title = String::new();
    for event in Parser::new_ext(markdown, options) {
        let out = if in_title { &mut title } else { &mut body };
        match event {
            Event::Start(Tag::Heading { .. }) if take_heading && heading.is_none() && !in_title => {
                in_title = true;
            }
            Event::End(TagEnd::Heading(_)) if in_title => {
                in_title = false;
                heading = Some(title.split_whitespace().collect::<Vec<_>>().join(" "));
            }
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::FootnoteDefinition,
            ) => out.push_str("\n\n"),
            Event::End(TagEnd::TableCell) => out.push_str(" | "),
            _ => {}
        }
    }
    let body = body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    (heading.filter(|h| !h.is_empty()), body)
}

fn date_from_file_name(name: &str) -> Option<crate::date::DocDate> {
    let prefix = name.get(..10)?;
    let after = name.as_bytes().get(10).copied();
    let shaped = prefix.bytes().enumerate().all(|(i, b)| {
        if i == 4 || i == 7 {
            b == b'-'
        } else {
            b.is_ascii_digit()
        }
    });
    (shaped && matches!(after, Some(b'-' | b'_' | b'.') | None))
        .then(|| parse_date(prefix))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::format_date;

    #[test]
    fn yaml_front_matter() {
        let doc = parse(
            "---\ntitle: \"Notes on BM25\"\ndate: 2021-03-04\nauthor: [Ann Lee, Bo Chen]\nurl: https://blog.example/bm25\ntags:\n  - search\n  - ranking\n---\n\n# Heading stays in the body\n\nSome *emphasis* and a [link](https://x.y).\n",
            "notes.md",
        );
        assert_eq!(doc.title, "Notes on BM25");
        assert_eq!(doc.date.map(format_date).as_deref(), Some("2021-03-04"));
        assert_eq!(doc.authors, vec!["Ann Lee", "Bo Chen"]);
        assert_eq!(doc.source.as_deref(), Some("https://blog.example/bm25"));
        assert_eq!(doc.tags, vec!["search", "ranking"]);
        assert_eq!(
            doc.body,
            "Heading stays in the body\n\nSome emphasis and a link."
        );
    }

    #[test]
    fn toml_front_matter() {
        let doc = parse(
            "+++\ntitle = \"Hugo post\"\ndate = 2020-05-06T07:08:09Z\nauthors = [\"Kim\"]\ncategories = [\"go\"]\n+++\nText.\n",
            "index.md",
        );
        assert_eq!(doc.title, "Hugo post");
        assert_eq!(
            doc.date.map(format_date).as_deref(),
            Some("2020-05-06T07:08:09Z")
        );
        assert_eq!(doc.authors, vec!["Kim"]);
        assert_eq!(doc.tags, vec!["go"]);
        assert_eq!(doc.body, "Text.");
    }

    #[test]
    fn first_heading_is_the_title_without_front_matter() {
        let doc = parse(
            "Intro line?\n\n## The `real` title\n\n- one\n- two\n\n```\ncode\n```\n<div>raw</div>\n",
            "2019-07-08-jekyll-post.md",
        );
        assert_eq!(doc.title, "The real title");
        assert_eq!(doc.date.map(format_date).as_deref(), Some("2019-07-08"));
        assert_eq!(doc.body, "Intro line?\n\none\n\ntwo\n\ncode");
    }

    #[test]
    fn broken_front_matter_is_a_warning() {
        let doc = parse("---\ntitle: [unclosed\n---\n# H\n\nbody\n", "x.md");
        assert_eq!(doc.title, "H");
        assert_eq!(doc.warnings.len(), 1);
        assert!(
            doc.warnings[0].starts_with("front matter ignored"),
            "{:?}",
            doc.warnings
        );
        // An unterminated fence is just text.
        let doc = parse("---\nnot front matter\n", "y.md");
        assert!(doc.body.contains("not front matter"));
    }

    #[test]
    fn odd_inputs() {
        for input in [
            "",
            "---",
            "---\n---\n",
            "+++\n+++",
            "#",
            "[a](",
            "\u{feff}# T",
        ] {
            let _ = parse(input, "");
        }
        assert_eq!(parse("\u{feff}# T", "").title, "T");
    }
}
