//! Terminal safety for text trove did not write: document fields, file names, and
//! messages that quote them. Control characters (C0, DEL, C1) and bidirectional
//! controls are shown as `\u{..}` escapes, bytes of a file name that are not UTF-8 as
//! `\xNN`, so no document or file name can move the cursor, change colours, reorder a
//! line, or forge a line of its own in trove's output.

use std::borrow::Cow;
use std::path::Path;

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

fn push_escaped(out: &mut String, c: char) {
    out.push_str(&format!("\\u{{{:x}}}", c as u32));
}

/// Text from a document for a person: unsafe characters escaped, newlines and tabs
/// shown as spaces (a title or a snippet stays on its line).
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            c if is_unsafe(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A message for standard error: every unsafe character escaped, newlines as `\n`,
/// so one message is one line whatever it quotes.
pub fn message(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text for a table cell (CSV): unsafe characters escaped except newlines, carriage
/// returns and tabs, which the format itself quotes.
pub fn controls(text: &str) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t');
    if !text.chars().any(unsafe_here) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_here(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path spelled without loss: its UTF-8 as it is, other bytes as `\xNN`. Two
/// different names never give the same text (unlike `to_string_lossy`).
pub fn lossless(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// The path [`lossless`] spelled: the text itself when it names a file, else with its
/// `\xNN` escapes turned back into bytes.
pub fn from_lossless(text: &str) -> std::path::PathBuf {
    let literal = std::path::PathBuf::from(text);
    if !text.contains("\\x") || literal.exists() {
        return literal;
    }
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'\\' && tail.len() >= 3 && tail[0] == b'x' {
            if let Ok(v) = u8::from_str_radix(std::str::from_utf8(&tail[1..3]).unwrap_or("zz"), 16)
            {
                bytes.push(v);
                rest = &tail[3..];
                continue;
            }
        }
        bytes.push(b);
        rest = tail;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        std::path::PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        std::path::PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// A path for a message: lossless, and safe for a terminal.
pub fn path(path: &Path) -> String {
    message(&lossless(path)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_take_over_a_terminal() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("a\x1b[31mred"), "a\\u{1b}[31mred");
        assert_eq!(escape("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape("bell\x07"), "bell\\u{7}");
        assert_eq!(escape("c1\u{9b}"), "c1\\u{9b}");
        assert_eq!(escape("two\nlines"), "two lines");
        assert_eq!(
            message("two\nlines\x1b]0;t\x07"),
            "two\\nlines\\u{1b}]0;t\\u{7}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn paths_keep_every_byte_and_stay_on_one_line() {
        use std::os::unix::ffi::OsStrExt;
        let a = Path::new(std::ffi::OsStr::from_bytes(b"/x/a\xff.txt"));
        let b = Path::new(std::ffi::OsStr::from_bytes(b"/x/a\xfe.txt"));
        assert_eq!(lossless(a), "/x/a\\xFF.txt");
        assert_eq!(from_lossless(&lossless(a)), a);
        assert_ne!(lossless(a), lossless(b));
        assert_eq!(path(Path::new("/x/new\nline.txt")), "/x/new\\nline.txt");
        assert_eq!(lossless(Path::new("/x/ü.txt")), "/x/ü.txt");
    }
}
