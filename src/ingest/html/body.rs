//! The body of a page: readability's article text when it is usable, else the
//! visible text of `<body>` without scripts, styles, navigation, headers and footers.

use dom_query::{Document, NodeData, NodeRef};

/// Readability's text is used when it has at least this many characters, or at least
/// half of the page's visible text; otherwise the visible text is the body.
pub(super) const MIN_READABLE_CHARS: usize = 200;
/// Readability's article text and byline; `None` when it finds no article (or fails).
pub(super) fn readable_text(html: &str) -> Option<(String, Option<String>)> {
    // dom_smoothie is not expected to panic, but a page must never take the batch down.
    let result = std::panic::catch_unwind(|| {
        let doc = Document::from(html);
        // Navigation is never the article; readability keeps it on small pages.
        doc.select("nav, [role=navigation]").remove();
        let mut readability = dom_smoothie::Readability::with_document(doc, None, None).ok()?;
        let article = readability.parse().ok()?;
        Some((article.content.to_string(), article.byline))
    })
    .ok()
    .flatten()?;
    let (content, byline) = result;
    let doc = Document::fragment(content);
    let text = block_text(
        &doc.root(),
        &["script", "style", "noscript", "template"],
        false,
    );
    Some((text, byline))
}

pub(super) fn is_usable(readable: &str, visible: &str) -> bool {
    let n = readable.chars().count();
    n > 0 && (n >= MIN_READABLE_CHARS || n * 2 >= visible.chars().count())
}

/// The visible text of `<body>`, without scripts, styles, navigation, headers,
/// footers, asides and hidden elements.
pub(super) fn visible_text(doc: &Document) -> String {
    let body = doc
        .select("body")
        .nodes()
        .first()
        .copied()
        .unwrap_or_else(|| doc.root());
    block_text(
        &body,
        &[
            "script", "style", "noscript", "template", "svg", "iframe", "object", "canvas",
            "button", "select", "textarea", "nav", "header", "footer", "aside", "head", "title",
            "dialog",
        ],
        true,
    )
}

/// Whether an element starts a new paragraph.
pub(super) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "ul"
    )
}

/// Plain text of a subtree: one paragraph per block element, separated by a blank
/// line, whitespace inside a paragraph collapsed. Walked with an explicit stack.
pub(super) fn block_text(root: &NodeRef, skip: &[&str], skip_hidden: bool) -> String {
    enum Step<'a> {
        Enter(NodeRef<'a>),
        Leave(bool),
    }
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, paragraphs: &mut Vec<String>| {
        let para = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !para.is_empty() {
            paragraphs.push(para);
        }
        current.clear();
    };
    let mut stack = vec![Step::Enter(*root)];
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::Leave(block) => {
                if block {
                    flush(&mut current, &mut paragraphs);
                }
                continue;
            }
            Step::Enter(node) => node,
        };
        let element = node.query(|n| match &n.data {
            NodeData::Text { contents } => {
                // Zero-width spaces, byte-order marks and soft hyphens are invisible.
                current.extend(
                    contents
                        .chars()
                        .filter(|c| !matches!(c, '\u{200b}' | '\u{feff}' | '\u{ad}')),
                );
                None
            }
            NodeData::Element(e) => Some((
                e.name.local.to_string(),
                e.attrs.iter().any(|a| {
                    &*a.name.local == "hidden"
                        || (&*a.name.local == "aria-hidden" && a.value.trim() == "true")
                }),
            )),
            NodeData::Document | NodeData::Fragment => Some((String::new(), false)),
            _ => None,
        });
        let Some(Some((name, hidden))) = element else {
            continue;
        };
        if skip.contains(&name.as_str()) || (hidden && skip_hidden) {
            continue;
        }
        match name.as_str() {
            "br" | "img" => {
                current.push(' ');
                continue;
            }
            "td" | "th" => current.push(' '),
            _ => {}
        }
        let block = is_block(&name);
        if block {
            flush(&mut current, &mut paragraphs);
        }
        stack.push(Step::Leave(block));
        let children = node.children();
        stack.extend(children.into_iter().rev().map(Step::Enter));
    }
    flush(&mut current, &mut paragraphs);
    paragraphs.join("\n\n")
}

/// Readability often keeps the headline as the article's first line: the body does
/// not need it twice.
pub(super) fn drop_leading_title(body: &str, title: &str) -> String {
    if title.is_empty() {
        return body.to_string();
    }
    match body.split_once("\n\n") {
        Some((first, rest)) if first.eq_ignore_ascii_case(title) => rest.to_string(),
        _ => body.to_string(),
    }
}
