//! How deep a PDF's objects nest, found before the PDF library reads them: its parser
//! recurses once per level of `[` and `<<`, with no limit of its own, and a stack that
//! runs out aborts the whole process (a panic can be caught, an overflow cannot). The
//! file's own bytes are scanned, and the streams the library parses as PDF syntax
//! (page contents, form XObjects, object streams), inflated within a budget.

use std::io::Read;

use memchr::memmem;

/// Nesting deeper than this is refused. Real documents nest a dozen levels; the
/// PDF reader's thread has the stack for many times this many.
pub const MAX_DEPTH: usize = 100;

/// The most bytes one stream may inflate to, and all of a file's streams together.
const MAX_STREAM: u64 = 64 << 20;
const MAX_TOTAL: u64 = 512 << 20;

/// Why a file is refused before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TooDeep {
    /// Objects nested past `MAX_DEPTH`.
    Nesting,
    /// A stream of PDF syntax that inflates past `MAX_STREAM` (or all past `MAX_TOTAL`).
    Inflated,
}

/// `Ok` when nothing in the file nests past `MAX_DEPTH`.
pub fn check(bytes: &[u8]) -> Result<(), TooDeep> {
    let mut inflated_total = 0u64;
    let mut result = Ok(());
    let depth = deepest(bytes, &mut |dict, body| {
        if result.is_err() || !is_syntax(dict) {
            return;
        }
        if !dict_has(dict, b"/FlateDecode") {
            if filters(dict) == 0 && deepest(body, &mut |_, _| {}) > MAX_DEPTH {
                result = Err(TooDeep::Nesting);
            }
            return;
        }
        let mut data = Vec::new();
        let limit = MAX_STREAM.min(MAX_TOTAL.saturating_sub(inflated_total));
        let mut decoder = flate2::read::ZlibDecoder::new(body).take(limit + 1);
        // A damaged stream inflates as far as it goes; the rest is the library's to judge.
        let _ = decoder.read_to_end(&mut data);
        inflated_total += data.len() as u64;
        if data.len() as u64 > limit {
            result = Err(TooDeep::Inflated);
        } else if deepest(&data, &mut |_, _| {}) > MAX_DEPTH {
            result = Err(TooDeep::Nesting);
        }
    });
    result?;
    if depth > MAX_DEPTH {
        return Err(TooDeep::Nesting);
    }
    Ok(())
}

/// The deepest nesting in `data`, stopping early past `MAX_DEPTH`; `on_stream` gets each
/// stream's dictionary and raw bytes.
fn deepest(data: &[u8], on_stream: &mut dyn FnMut(&[u8], &[u8])) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    // Where the current object's text starts: a stream's dictionary is what lies
    // between it and the `stream` keyword.
    let mut object_start = 0usize;
    let mut i = 0usize;
    while i < data.len() {
        match data[i] {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => i = skip_string(data, i),
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'<' if data.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b'<' => {
                i += memchr::memchr(b'>', &data[i..]).unwrap_or(data.len() - i);
            }
            b'>' if data.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'o' if keyword(data, i, b"obj") => object_start = i + 3,
            b's' if keyword(data, i, b"stream") => {
                let start = body_start(data, i + 6);
                let end =
                    memmem::find(&data[start..], b"endstream").map_or(data.len(), |e| start + e);
                on_stream(&data[object_start.min(i)..i], &data[start..end]);
                i = end + 9;
                continue;
            }
            b'I' if keyword(data, i, b"ID") => {
                // Inline image data, up to the `EI` that ends it.
                i = memmem::find(&data[i + 2..], b"EI").map_or(data.len(), |e| i + 2 + e + 2);
                continue;
            }
            _ => {}
        }
        max = max.max(depth);
        if max > MAX_DEPTH {
            return max;
        }
        i += 1;
    }
    max
}

/// `word` at `at`, standing alone (whitespace or a delimiter on both sides).
fn keyword(data: &[u8], at: usize, word: &[u8]) -> bool {
    let apart =
        |b: Option<&u8>| b.is_none_or(|b| b.is_ascii_whitespace() || b"[]<>()/%{}".contains(b));
    data[at..].starts_with(word)
        && apart(at.checked_sub(1).and_then(|p| data.get(p)))
        && apart(data.get(at + word.len()))
}

/// Past the end of line that follows `stream`.
fn body_start(data: &[u8], mut at: usize) -> usize {
    if data.get(at) == Some(&b'\r') {
        at += 1;
    }
    if data.get(at) == Some(&b'\n') {
        at += 1;
    }
    at.min(data.len())
}

/// The end of a literal string that starts at `at` (balanced parentheses, `\` escapes).
fn skip_string(data: &[u8], at: usize) -> usize {
    let mut level = 0usize;
    let mut i = at;
    while i < data.len() {
        match data[i] {
            b'\\' => i += 1,
            b'(' => level += 1,
            b')' => {
                level -= 1;
                if level == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    data.len()
}

fn dict_has(dict: &[u8], name: &[u8]) -> bool {
    memmem::find(dict, name).is_some()
}

/// How many filters a stream's dictionary names.
fn filters(dict: &[u8]) -> usize {
    [
        &b"Decode"[..],
        b"/AHx",
        b"/A85",
        b"/LZW",
        b"/Fl",
        b"/RL",
        b"/CCF",
        b"/DCT",
    ]
    .iter()
    .map(|f| memmem::find_iter(dict, f).count())
    .sum()
}

/// A stream the library parses as PDF syntax: an object stream, a form, or a page's
/// contents (a dictionary with no type, no subtype and none of the keys of fonts,
/// images and colour profiles).
fn is_syntax(dict: &[u8]) -> bool {
    if dict_has(dict, b"/ObjStm") || dict_has(dict, b"/Form") {
        return true;
    }
    ![
        &b"/Type"[..],
        b"/Subtype",
        b"/Length1",
        b"/Length2",
        b"/Width",
        b"/N ",
        b"/N\n",
        b"/FunctionType",
        b"/ShadingType",
        b"/PatternType",
        b"/DL",
    ]
    .iter()
    .any(|key| dict_has(dict, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn stream(dict: &str, body: &[u8]) -> Vec<u8> {
        let mut out =
            format!("4 0 obj\n<< {dict} /Length {} >>\nstream\n", body.len()).into_bytes();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendstream\nendobj\n");
        out
    }

    #[test]
    fn deep_objects_are_found_in_the_file_and_in_its_streams() {
        let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        let ok = format!("1 0 obj << /A {} >> endobj", deep(40));
        assert_eq!(check(ok.as_bytes()), Ok(()));
        let bad = format!("1 0 obj << /A {} >> endobj", deep(1000));
        assert_eq!(check(bad.as_bytes()), Err(TooDeep::Nesting));
        let dicts = format!(
            "1 0 obj {}1{} endobj",
            "<< /A ".repeat(500),
            " >>".repeat(500)
        );
        assert_eq!(check(dicts.as_bytes()), Err(TooDeep::Nesting));
        // In a compressed page content stream, and in an object stream.
        let content = zlib(format!("BT {} TJ ET", deep(1000)).as_bytes());
        assert_eq!(
            check(&stream("/Filter /FlateDecode", &content)),
            Err(TooDeep::Nesting)
        );
        assert_eq!(
            check(&stream(
                "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
                &content
            )),
            Err(TooDeep::Nesting)
        );
        // Plain (unfiltered) content.
        assert_eq!(
            check(&stream("", format!("BT {} TJ ET", deep(1000)).as_bytes())),
            Err(TooDeep::Nesting)
        );
    }

    #[test]
    fn brackets_in_strings_comments_images_and_fonts_do_not_count() {
        let many = "[".repeat(1000);
        let in_string = format!("1 0 obj << /T ({many}) /U (a\\)b{many}) >> endobj");
        assert_eq!(check(in_string.as_bytes()), Ok(()));
        let in_comment = format!("%{many}\n1 0 obj 1 endobj");
        assert_eq!(check(in_comment.as_bytes()), Ok(()));
        let image = zlib(many.as_bytes());
        assert_eq!(
            check(&stream("/Subtype /Image /Filter /FlateDecode", &image)),
            Ok(())
        );
        assert_eq!(
            check(&stream("/Length1 9 /Filter /FlateDecode", &image)),
            Ok(())
        );
        let inline = format!("BI /W 1 /H 1 ID {many} EI BT (x) Tj ET");
        assert_eq!(check(&stream("", inline.as_bytes())), Ok(()));
    }

    #[test]
    fn a_stream_that_inflates_past_the_budget_is_refused() {
        let big = zlib(&vec![b' '; (MAX_STREAM + 10) as usize]);
        assert_eq!(
            check(&stream("/Filter /FlateDecode", &big)),
            Err(TooDeep::Inflated)
        );
    }

    #[test]
    fn any_bytes_are_scanned_without_a_panic() {
        for data in [
            &b""[..],
            b"(",
            b"<",
            b"<<",
            b">>]]]",
            b"stream",
            b"obj stream\r",
            b"ID",
            "«ünïcödé» [ ( \\".as_bytes(),
        ] {
            let _ = check(data);
        }
    }
}
