//! The text layer and metadata of a PDF, through pdf_oxide (pure Rust; chosen against
//! pdftotext, pdf-extract and lopdf in bench/RESULTS.md, "PDF text"). Pages one by one:
//! an error or a panic on one page costs that page only. Encrypted files open with the
//! empty user password (owner-password-only files, RC4 and AES); a file that needs a
//! real password is `Problem::NeedsPassword`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_oxide::document::PdfDocument;
use pdf_oxide::object::Object;

/// What the PDF library gives: each page's text and the metadata.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Pdf {
    pub pages: Vec<String>,
    /// The first page's heading (its largest type), when it has one.
    pub heading: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub subject: Option<String>,
    pub keywords: Option<String>,
    /// The program that made the document, and the one that wrote the PDF.
    pub creator: Option<String>,
    pub producer: Option<String>,
    /// As the PDF writes it: `D:20171111120000Z`.
    pub creation_date: Option<String>,
    pub xmp: Option<String>,
    pub encrypted: bool,
}

/// Why a PDF gives no document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Encrypted with a password trove does not have.
    NeedsPassword,
    /// Pages without text: a scan (OCR is not in scope).
    NoText,
    /// Damaged, or the library could not read it.
    Unreadable(String),
    /// It took longer than this (`pdf::TIME_LIMIT`).
    TooSlow(std::time::Duration),
}

/// Each page's text, the information dictionary and the XMP packet of a PDF.
pub fn extract(bytes: &[u8]) -> Result<Pdf, Problem> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(Problem::Unreadable("no %PDF- header".into()));
    }
    let doc =
        PdfDocument::from_bytes(bytes.to_vec()).map_err(|e| Problem::Unreadable(e.to_string()))?;
    let encrypted = doc.is_encrypted();
    let resolve = |o: &Object| -> Option<Object> {
        match o {
            Object::Reference(r) => doc.load_object(*r).ok(),
            other => Some(other.clone()),
        }
    };
    if encrypted {
        // pdf_oxide tries the empty user password itself; without it, pages would come
        // out empty, which is not the same as a scan.
        if !doc.is_authenticated() {
            return Err(Problem::NeedsPassword);
        }
        // AES-256 revision 5 (Acrobat 9's withdrawn scheme) "authenticates" in 0.3.78 but
        // decrypts to garbage: measured on the comparison's files, refused here.
        let revision = doc
            .trailer()
            .as_dict()
            .and_then(|t| t.get("Encrypt"))
            .and_then(&resolve)
            .and_then(|e| e.as_dict().and_then(|d| d.get("R")).cloned());
        if let Some(Object::Integer(5)) = revision {
            return Err(Problem::Unreadable(
                "encrypted with AES-256 revision 5, which trove cannot decrypt".into(),
            ));
        }
    }
    let count = doc.page_count().map_err(|e| match e {
        pdf_oxide::error::Error::EncryptedPdf => Problem::NeedsPassword,
        e => Problem::Unreadable(format!("page tree: {e}")),
    })?;
    let mut pages = Vec::with_capacity(count);
    let mut first_error = None;
    for i in 0..count {
        match catch_unwind(AssertUnwindSafe(|| doc.extract_text(i))) {
            Ok(Ok(text)) => pages.push(text),
            Ok(Err(e)) => {
                first_error.get_or_insert_with(|| format!("page {}: {e}", i + 1));
                pages.push(String::new());
            }
            Err(_) => {
                first_error.get_or_insert_with(|| format!("page {}: the reader crashed", i + 1));
                pages.push(String::new());
            }
        }
    }
    if pages.iter().all(|p| p.is_empty()) {
        if let Some(e) = first_error {
            return Err(Problem::Unreadable(format!("no page could be read ({e})")));
        }
    }

    let heading = catch_unwind(AssertUnwindSafe(|| doc.extract_spans(0)))
        .ok()
        .and_then(Result::ok)
        .and_then(|spans| {
            let spans: Vec<Span> = spans
                .iter()
                .map(|s| Span {
                    text: s.text.clone(),
                    size: s.font_size,
                    top: s.bbox.y,
                    left: s.bbox.x,
                    width: s.bbox.width,
                })
                .collect();
            heading(&spans)
        });
    let mut pdf = Pdf {
        pages,
        heading,
        encrypted,
        ..Pdf::default()
    };
    let info = doc
        .trailer()
        .as_dict()
        .and_then(|t| t.get("Info"))
        .and_then(&resolve);
    if let Some(d) = info.as_ref().and_then(|o| o.as_dict()) {
        let get = |key: &str| -> Option<String> {
            let value = resolve(d.get(key)?)?;
            let s = text_string(value.as_string()?);
            let s = s.trim_matches(|c: char| c.is_whitespace() || c == '\0');
            (!s.is_empty()).then(|| s.to_string())
        };
        pdf.title = get("Title");
        pdf.author = get("Author");
        pdf.subject = get("Subject");
        pdf.keywords = get("Keywords");
        pdf.creation_date = get("CreationDate");
        pdf.creator = get("Creator");
        pdf.producer = get("Producer");
    }
    // XMP is read as stored (pdf_oxide does not decrypt it): kept only if it is XML.
    if let Ok(catalog) = doc.catalog() {
        let metadata = catalog
            .as_dict()
            .and_then(|c| c.get("Metadata"))
            .and_then(&resolve);
        if let Some(data) = metadata.and_then(|m| m.decode_stream_data().ok()) {
            let s = String::from_utf8_lossy(&data);
            if s.contains("<x:xmpmeta") || s.contains("<rdf:RDF") || s.contains("<?xpacket") {
                pdf.xmp = Some(s.into_owned());
            }
        }
    }
    Ok(pdf)
}

/// A piece of text on a page, as far as finding the heading goes: its font size and
/// its height on the page (PDF space: larger is higher).
struct Span {
    text: String,
    size: f32,
    top: f32,
    left: f32,
    width: f32,
}

/// The first page's heading: the text in its largest type, when that type is clearly
/// larger than the text's (1.3 times the size most characters have) and it sits in the
/// page's upper half; lines top to bottom.
fn heading(spans: &[Span]) -> Option<String> {
    let letters = |s: &Span| s.text.chars().filter(|c| c.is_alphanumeric()).count();
    let finite = spans
        .iter()
        .filter(|s| s.size.is_finite() && s.size > 0.0 && s.top.is_finite());
    // The body's size: the one most characters are set in (sizes to a tenth of a point).
    let mut by_size: Vec<(i64, usize)> = Vec::new();
    for s in finite.clone() {
        let key = (s.size * 10.0).round() as i64;
        match by_size.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += letters(s),
            None => by_size.push((key, letters(s))),
        }
    }
    let body = by_size.iter().max_by_key(|(k, n)| (*n, -*k))?.0 as f32 / 10.0;
    let largest = finite
        .clone()
        .filter(|s| letters(s) > 0)
        .map(|s| s.size)
        .fold(0.0f32, f32::max);
    if largest < body * 1.3 {
        return None;
    }
    let (low, high) = finite.clone().fold((f32::MAX, f32::MIN), |(lo, hi), s| {
        (lo.min(s.top), hi.max(s.top))
    });
    let middle = low + (high - low) / 2.0;
    let mut parts: Vec<&Span> = finite
        .filter(|s| (s.size - largest).abs() < 0.05 && s.top >= middle)
        .collect();
    // Lines top to bottom (a span raised or lowered by less than half the type's size,
    // like the E of the TeX logo, is on its line), each left to right; spans that
    // touch are one word.
    parts.sort_by(|a, b| b.top.total_cmp(&a.top));
    let mut lines: Vec<Vec<&Span>> = Vec::new();
    for span in parts {
        match lines.last_mut() {
            Some(line) if (line[0].top - span.top).abs() < largest / 2.0 => line.push(span),
            _ => lines.push(vec![span]),
        }
    }
    let mut text = String::new();
    for line in &mut lines {
        line.sort_by(|a, b| a.left.total_cmp(&b.left));
        let mut right = f32::NEG_INFINITY;
        for span in line.iter() {
            if span.left - right >= largest / 10.0 {
                text.push(' ');
            }
            text.push_str(&span.text);
            right = span.left + span.width.max(0.0);
        }
        text.push(' ');
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = text.chars().count();
    (text.chars().any(char::is_alphabetic) && (2..=300).contains(&count)).then_some(text)
}

/// A PDF text string (ISO 32000-1, 7.9.2.2): UTF-16BE with its BOM, UTF-8 with its BOM
/// (PDF 2.0), else PDFDocEncoding. UTF-16LE is not allowed but seen in the wild.
fn text_string(b: &[u8]) -> String {
    let utf16 = |rest: &[u8], from: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| from([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        utf16(rest, u16::from_be_bytes)
    } else if let Some(rest) = b.strip_prefix(&[0xFF, 0xFE]) {
        utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(utf8) = std::str::from_utf8(b).ok().filter(|s| !s.is_ascii()) {
        // UTF-8 without its mark (Chromium's titles as pdf_oxide gives them): PDFDocEncoding
        // text that is also valid UTF-8 with a multi-byte character would be "Ã©"-like
        // pairs, which no title means.
        utf8.to_string()
    } else {
        b.iter().map(|&c| pdfdoc_char(c)).collect()
    }
}

/// PDFDocEncoding (ISO 32000-1, Annex D.2): Latin-1 but for 0x18-0x1F and 0x80-0xA0.
fn pdfdoc_char(c: u8) -> char {
    const HIGH: [char; 33] = [
        '\u{2022}', '\u{2020}', '\u{2021}', '\u{2026}', '\u{2014}', '\u{2013}', '\u{0192}',
        '\u{2044}', '\u{2039}', '\u{203A}', '\u{2212}', '\u{2030}', '\u{201E}', '\u{201C}',
        '\u{201D}', '\u{2018}', '\u{2019}', '\u{201A}', '\u{2122}', '\u{FB01}', '\u{FB02}',
        '\u{0141}', '\u{0152}', '\u{0160}', '\u{0178}', '\u{017D}', '\u{0131}', '\u{0142}',
        '\u{0153}', '\u{0161}', '\u{017E}', '\u{FFFD}', '\u{20AC}',
    ];
    const LOW: [char; 8] = [
        '\u{02D8}', '\u{02C7}', '\u{02C6}', '\u{02D9}', '\u{02DD}', '\u{02DB}', '\u{02DA}',
        '\u{02DC}',
    ];
    match c {
        0x18..=0x1F => LOW[usize::from(c - 0x18)],
        0x80..=0xA0 => HIGH[usize::from(c - 0x80)],
        _ => char::from(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_in_every_encoding() {
        assert_eq!(text_string(b"\xFE\xFF\x00T\x00\xFC"), "Tü");
        assert_eq!(text_string(b"\xFF\xFET\x00\xFC\x00"), "Tü");
        assert_eq!(text_string("\u{FEFF}Straße".as_bytes()), "Straße");
        assert_eq!(
            text_string(b"caf\xE9 \x8Dquoted\x8E \x80 \x93"),
            "café “quoted” • \u{fb01}"
        );
        // An odd byte at the end of UTF-16 is dropped, not a panic.
        assert_eq!(text_string(b"\xFE\xFF\x00A\x00"), "A");
    }

    fn span(text: &str, size: f32, top: f32) -> Span {
        Span {
            text: text.into(),
            size,
            top,
            left: 0.0,
            width: 400.0,
        }
    }

    #[test]
    fn a_headings_spans_are_put_back_in_line() {
        let at = |text: &str, top: f32, left: f32, width: f32| Span {
            text: text.into(),
            size: 20.0,
            top,
            left,
            width,
        };
        let body = "Body text, long enough to be the body's size by its characters.";
        let spans = [
            at("1", 700.0, 50.0, 10.0),
            at("T", 700.0, 80.0, 12.0),
            at("X", 700.0, 98.0, 12.0),
            at("distributions", 700.0, 120.0, 120.0),
            // The logo's lowered E, between T and X, written last.
            at("E", 695.0, 91.0, 8.0),
            Span {
                size: 10.0,
                ..at(body, 600.0, 50.0, 400.0)
            },
        ];
        assert_eq!(heading(&spans).as_deref(), Some("1 TEX distributions"));
    }

    #[test]
    fn the_heading_is_the_large_type_in_the_upper_half() {
        let body = "A body line long enough to outweigh the heading by characters.";
        let spans = [
            span("Chad Day", 12.0, 593.0),
            span("Data firm CEO: Reached out", 28.0, 682.0),
            span("emails", 28.0, 616.0),
            span("to WikiLeaks about Clinton", 28.0, 649.0),
            span(body, 12.0, 560.0),
            span(body, 12.0, 80.0),
            span("Footnote in large type", 28.0, 40.0),
        ];
        assert_eq!(
            heading(&spans).as_deref(),
            Some("Data firm CEO: Reached out to WikiLeaks about Clinton emails")
        );
        // Same sizes everywhere: no heading.
        let flat = [span("Title?", 12.0, 700.0), span(body, 12.0, 600.0)];
        assert_eq!(heading(&flat), None);
        // Nonsense sizes are not a heading.
        let odd = [span("x", f32::NAN, 1.0), span("y", -3.0, f32::INFINITY)];
        assert_eq!(heading(&odd), None);
        assert_eq!(heading(&[]), None);
        // Any script.
        let greek = [span("Η Ιστορία", 20.0, 700.0), span(body, 10.0, 500.0)];
        assert_eq!(heading(&greek).as_deref(), Some("Η Ιστορία"));
    }

    #[test]
    fn not_a_pdf_is_unreadable() {
        assert!(matches!(extract(b"hello"), Err(Problem::Unreadable(_))));
        assert!(matches!(extract(b""), Err(Problem::Unreadable(_))));
        assert!(matches!(
            extract(b"%PDF-1.4\n garbage"),
            Err(Problem::Unreadable(_))
        ));
    }
}
