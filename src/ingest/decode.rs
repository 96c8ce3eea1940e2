//! Bytes to text, and telling text from binary.
//!
//! Order: a byte-order mark decides (UTF-8, UTF-16LE/BE); NUL bytes without one mean
//! binary; valid UTF-8 is UTF-8; else a charset the document declares (an HTML meta
//! tag); else chardetng's guess among legacy encodings (Windows-1252 for Latin-1 text,
//! which is what Western archives hold).

use encoding_rs::Encoding;

use super::extracted::SkipReason;

/// How much of the start of a file is looked at to tell text from binary.
pub const SNIFF_BYTES: usize = 8192;

/// Decodes a whole document. `declared` is a charset label the document names itself
/// (`<meta charset=...>`), used only when the bytes are not valid UTF-8.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Result<String, SkipReason> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(text.into_owned());
    }
    if is_binary(bytes) {
        return Err(SkipReason::Binary);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let encoding = declared
        .and_then(|label| Encoding::for_label(label.trim().as_bytes()))
        .filter(|e| {
            *e != encoding_rs::UTF_8 && *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE
        })
        .unwrap_or_else(|| guess_legacy(bytes));
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Ok(text.into_owned())
}

/// Bytes that are not valid UTF-8, converted to UTF-8 by chardetng's guess.
pub fn legacy_to_utf8(bytes: &[u8]) -> String {
    let (text, _) = guess_legacy(bytes).decode_without_bom_handling(bytes);
    text.into_owned()
}

fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// NUL bytes in the first few KiB, with no UTF-16 byte-order mark: not text.
pub fn is_binary(bytes: &[u8]) -> bool {
    if Encoding::for_bom(bytes).is_some_and(|(e, _)| e != encoding_rs::UTF_8) {
        return false;
    }
    bytes[..bytes.len().min(SNIFF_BYTES)].contains(&0)
}

/// The charset an HTML document declares in its first KiB (`<meta charset="...">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=...">`).
pub fn html_declared_charset(head: &[u8]) -> Option<String> {
    let head = &head[..head.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = find(&lower, b"charset=")? + b"charset=".len();
    let rest = &head[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| matches!(b, b'"' | b'\'' | b';' | b'>' | b'/') || b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    let label = std::str::from_utf8(&rest[..end]).ok()?.trim();
    (!label.is_empty()).then(|| label.to_string())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected() {
        assert_eq!(decode("héllo".as_bytes(), None).unwrap(), "héllo");
        // UTF-8 with BOM
        assert_eq!(decode(b"\xEF\xBB\xBFhi", None).unwrap(), "hi");
        // UTF-16 LE and BE with BOM
        assert_eq!(decode(b"\xFF\xFEh\0i\0", None).unwrap(), "hi");
        assert_eq!(decode(b"\xFE\xFF\0h\0i", None).unwrap(), "hi");
        // Latin-1 / Windows-1252
        let latin1 = b"Caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve r\xe9sum\xe9 \x93quoted\x94";
        assert_eq!(
            decode(latin1, None).unwrap(),
            "Café crème brûlée, naïve résumé \u{201c}quoted\u{201d}"
        );
        // A declared charset is used when the bytes are not UTF-8.
        assert_eq!(decode(b"\xe9t\xe9", Some("iso-8859-1")).unwrap(), "été");
        // ... and ignored when they are.
        assert_eq!(decode("été".as_bytes(), Some("iso-8859-1")).unwrap(), "été");
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(decode(b"PK\x03\x04\0\0", None), Err(SkipReason::Binary));
        assert!(!is_binary(b"\xFF\xFEh\0i\0"));
    }

    #[test]
    fn declared_charsets_are_found() {
        assert_eq!(
            html_declared_charset(br#"<html><head><meta charset="windows-1252">"#).as_deref(),
            Some("windows-1252")
        );
        assert_eq!(
            html_declared_charset(
                br#"<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">"#
            )
            .as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(html_declared_charset(b"<html><body>no</body>"), None);
    }
}
