//! The depth guard: pages nested deeper than browsers nest lose their inner tags
//! before parsing, and the shape that decides whether readability may run.

use dom_query::{Document, NodeData};

/// Elements nested deeper than this lose their tags (their text stays) before
/// parsing, as browsers cap depth (Blink at 512; real pages stay under 100): the HTML
/// tree builder's cost grows with depth times size, so 100,000 nested `<div>`s would
/// otherwise take minutes.
pub(super) const MAX_DEPTH: usize = 256;
/// Readability's cost grows with each element's depth and each text's depth: pages
/// over these budgets keep their visible text as the body. The 49 real pages of the
/// evaluation set stay under a tenth of the element budget and half the text budget
/// (the largest, Wikipedia's "New Zealand": 9,888 elements, 120,000 and 8,000,000).
/// The worst page under budget takes about 5 s in a debug build.
pub(super) const MAX_ELEMENTS: usize = 100_000;
pub(super) const MAX_ELEMENT_DEPTHS: usize = 1_500_000;
pub(super) const MAX_TEXT_DEPTHS: usize = 20_000_000;
/// What readability's work grows with.
#[derive(Debug, Default)]
pub(super) struct Shape {
    pub(super) elements: usize,
    /// The sum of every element's depth.
    pub(super) element_depths: usize,
    /// The sum of every text's length times its depth (scripts and styles left out).
    pub(super) text_depths: usize,
}

/// Walks the tree without recursion.
pub(super) fn measure(doc: &Document) -> Shape {
    let mut shape = Shape::default();
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        let skip = node.query(|n| match &n.data {
            NodeData::Text { contents } => {
                shape.text_depths = shape.text_depths.saturating_add(contents.len() * depth);
                true
            }
            NodeData::Element(e) => {
                shape.elements += 1;
                shape.element_depths += depth;
                matches!(&*e.name.local, "script" | "style" | "template" | "noscript")
            }
            _ => false,
        });
        if skip != Some(false) {
            continue;
        }
        let mut child = node.first_child();
        while let Some(c) = child {
            stack.push((c, depth + 1));
            child = c.next_sibling();
        }
    }
    shape
}

/// Elements that never nest in the tree (void), or that the next sibling closes, so
/// that an unclosed run of them is not depth.
pub(super) fn is_flat_tag(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "tbody"
            | "thead"
            | "tfoot"
            | "colgroup"
            | "rb"
            | "rt"
            | "rtc"
            | "rp"
            | "html"
            | "head"
            | "body"
    )
}

/// Elements whose content is text, not tags.
pub(super) fn is_raw_text_tag(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "plaintext"
    )
}

/// The page with start tags deeper than `limit` removed, and as many end tags, so
/// that no element nests deeper than about `limit`; their text is kept. `None` when
/// nothing is that deep (nearly always). Depth is estimated from the tags alone,
/// without building a tree: comments and raw-text elements (`<script>`) are skipped,
/// and elements that do not nest (`<br>`, `<p>`, `<li>`) are not counted.
pub(super) fn flatten_deep(html: &str, limit: usize) -> Option<String> {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut out: Option<String> = None;
    // Bytes up to `copied` are in `out` (or unchanged, while `out` is None).
    let mut copied = 0usize;
    let mut i = 0usize;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let start = i + off;
        let rest = &html[start..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            i = match comment.find("-->") {
                Some(e) => start + 4 + e + 3,
                None => break,
            };
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = start + if closing { 2 } else { 1 };
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let Some(end) = tag_end(bytes, name_start + name_len) else {
            break;
        };
        let self_closing = bytes[..end].ends_with(b"/");
        let mut drop = false;
        if closing {
            if !is_flat_tag(&name) {
                drop = depth > limit;
                depth = depth.saturating_sub(1);
            }
        } else if is_raw_text_tag(&name) {
            // Jump over the element's text and its end tag.
            let close = find_end_tag(bytes, end + 1, name.as_bytes())
                .and_then(|e| tag_end(bytes, e + 2 + name.len()));
            match close {
                Some(gt) => i = gt + 1,
                None => break,
            }
            continue;
        } else if !is_flat_tag(&name) && !self_closing {
            depth += 1;
            drop = depth > limit;
        }
        if drop {
            let buf = out.get_or_insert_with(|| String::with_capacity(html.len()));
            buf.push_str(&html[copied..start]);
            // A space, so that words in dropped tags do not run together.
            if !buf.ends_with(|c: char| c.is_whitespace()) {
                buf.push(' ');
            }
            copied = end + 1;
        }
        i = end + 1;
    }
    let mut buf = out?;
    buf.push_str(&html[copied..]);
    Some(buf)
}

pub(super) fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

/// Where `</name` (any case) starts, from `from` on.
pub(super) fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let at = i + off;
        let candidate = bytes.get(at + 2..at + 2 + name.len());
        if bytes.get(at + 1) == Some(&b'/')
            && candidate.is_some_and(|c| c.eq_ignore_ascii_case(name))
        {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// The index of the `>` that ends a tag whose attributes start at `from`, skipping
/// quoted attribute values (a quote right after `=`).
pub(super) fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    let mut after_equals = false;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && after_equals => quote = Some(b),
            None if b == b'>' => return Some(i),
            None => {}
        }
        if !b.is_ascii_whitespace() {
            after_equals = b == b'=';
        }
    }
    None
}
