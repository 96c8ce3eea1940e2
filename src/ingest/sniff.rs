//! Which parser a file gets: by extension when the extension names a format, and by
//! content otherwise, whatever the name (as `file`, ripgrep and recoll decide): bytes
//! that are text are read, as plain text unless they look like HTML, mail, Markdown
//! with front matter or JSON; bytes that are not are skipped as binary.
//!
//! Kinds that are never text (images, audio, video, executables, fonts, databases,
//! archives, office documents) are skipped by their extension without being read,
//! except a file named on the command line, which is judged by its content.

use std::path::Path;

use super::decode::is_binary;
use super::extracted::SkipReason;
use crate::article::Format;

/// Extensions of kinds that are never text, by kind: skipped unread inside folders.
/// Only extensions no text format shares (`.bin`, `.db`, `.obj`, `.lib` name text files
/// too, so those are judged by their content).
const BINARY_KINDS: &[(&str, &[&str])] = &[
    (
        "image",
        &[
            "avif", "bmp", "gif", "heic", "heif", "ico", "jpeg", "jpg", "jxl", "png", "psd", "tga",
            "tif", "tiff", "webp", "xcf",
        ],
    ),
    (
        "audio",
        &[
            "aac", "aif", "aiff", "flac", "m4a", "mid", "midi", "mp3", "oga", "ogg", "opus", "wav",
            "wma",
        ],
    ),
    (
        "video",
        &[
            "avi", "flv", "m2ts", "m4v", "mkv", "mov", "mp4", "mpeg", "mpg", "ogv", "webm", "wmv",
        ],
    ),
    (
        "executable or library",
        &[
            "a", "class", "dll", "dylib", "exe", "mo", "o", "pyc", "pyo", "so", "wasm",
        ],
    ),
    (
        "font",
        &["eot", "otf", "pfb", "ttc", "ttf", "woff", "woff2"],
    ),
    ("database", &["mdb", "sqlite", "sqlite3"]),
    (
        "archive",
        &[
            "7z", "apk", "cab", "cpio", "deb", "dmg", "iso", "jar", "rar", "rpm", "war",
        ],
    ),
    (
        "document format trove does not read yet",
        &[
            "doc", "key", "numbers", "odp", "ods", "pages", "ppt", "pptx", "rtf", "xls", "xlsx",
        ],
    ),
];

/// The lowercased extension of `path`, empty when it has none.
pub fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// The kind of a file that is never text, from its extension.
pub fn binary_kind(ext: &str) -> Option<&'static str> {
    BINARY_KINDS
        .iter()
        .find(|(_, exts)| exts.contains(&ext))
        .map(|(kind, _)| *kind)
}

/// Every type name `-t/--type` takes, with the extensions that name it (files with
/// other names are typed by their content).
pub fn type_list() -> Vec<(Format, &'static [&'static str])> {
    Format::ALL
        .into_iter()
        .map(|f| {
            let exts: &'static [&'static str] = match f {
                Format::Text => &["txt", "text", "(any text file)"],
                Format::Html => &["html", "htm", "xhtml", "shtml"],
                Format::Markdown => &["md", "markdown", "mdown", "mkd"],
                Format::Json => &["json"],
                Format::JsonLines => &["jsonl", "ndjson", "jsonlines"],
                Format::Email => &["eml"],
                Format::Mbox => &["mbox", "mbx"],
                Format::Docx => &["docx", "dotx", "docm", "dotm"],
                Format::Odt => &["odt", "ott"],
                Format::Epub => &["epub"],
                Format::Pdf => &["pdf"],
                Format::Archive => &[
                    "zip", "tar", "tgz", "tbz2", "txz", "tzst", "tar.gz", "tar.bz2", "tar.xz",
                    "tar.zst",
                ],
            };
            (f, exts)
        })
        .collect()
}

/// The format an extension names, if it names one.
pub fn format_of_extension(ext: &str) -> Option<Format> {
    Some(match ext {
        "html" | "htm" | "xhtml" | "shtml" => Format::Html,
        "md" | "markdown" | "mdown" | "mkd" => Format::Markdown,
        "jsonl" | "ndjson" | "jsonlines" => Format::JsonLines,
        "json" => Format::Json,
        "eml" => Format::Email,
        "mbox" | "mbx" => Format::Mbox,
        "docx" | "dotx" | "docm" | "dotm" => Format::Docx,
        "odt" | "ott" => Format::Odt,
        "epub" => Format::Epub,
        "pdf" => Format::Pdf,
        "zip" | "tar" => Format::Archive,
        _ => return None,
    })
}

/// Decides from the extension alone when that is enough: `Some(Ok)` for formats named
/// by their extension, `Some(Err)` for kinds that are never text (unless `named`: a
/// file named on the command line is judged by its content), `None` to sniff.
pub fn by_extension(ext: &str, named: bool) -> Option<Result<Format, SkipReason>> {
    if let Some(format) = format_of_extension(ext) {
        return Some(Ok(format));
    }
    match binary_kind(ext) {
        Some(kind) if !named => Some(Err(SkipReason::Kind(kind))),
        _ => None,
    }
}

/// The format of a file from its extension and the first bytes of its content.
pub fn detect(path: &Path, head: &[u8]) -> Result<Format, SkipReason> {
    let ext = extension(path);
    if let Some(format) = format_of_extension(&ext) {
        return Ok(format);
    }
    if head.is_empty() {
        return Err(SkipReason::Empty);
    }
    if let Some(format) = zip_document(head) {
        return Ok(format);
    }
    if head.starts_with(b"%PDF-") {
        return Ok(Format::Pdf);
    }
    if archive_kind("", head).is_some() {
        return Ok(Format::Archive);
    }
    if is_binary(head) {
        return Err(SkipReason::Binary);
    }
    if let Some(format) = by_content(head) {
        // A .txt file is JSON only in name; one that starts with "[Update]" is text.
        let text_ext = matches!(ext.as_str(), "txt" | "text");
        if !(text_ext && matches!(format, Format::Json | Format::JsonLines)) {
            return Ok(format);
        }
    }
    Ok(Format::Text)
}

/// The two kinds of archive trove reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    Zip,
    Tar,
}

/// The kind of archive a file is, from its (inner) extension or its first bytes.
pub fn archive_kind(ext: &str, head: &[u8]) -> Option<ArchiveKind> {
    match ext {
        "zip" => return Some(ArchiveKind::Zip),
        "tar" => return Some(ArchiveKind::Tar),
        _ => {}
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Some(ArchiveKind::Zip);
    }
    // POSIX and GNU tar: "ustar" at offset 257.
    if head.get(257..262) == Some(b"ustar") {
        return Some(ArchiveKind::Tar);
    }
    None
}

/// A Word, OpenDocument or EPUB file from its first bytes: a zip whose first entry says
/// what it holds (`mimetype` for OpenDocument and EPUB, `[Content_Types].xml` or `word/`
/// for Word, as their producers write them).
pub fn zip_document(head: &[u8]) -> Option<Format> {
    if !head.starts_with(b"PK\x03\x04") || head.len() < 30 {
        return None;
    }
    let name_len = u16::from_le_bytes([head[26], head[27]]) as usize;
    let extra_len = u16::from_le_bytes([head[28], head[29]]) as usize;
    let name = head.get(30..30 + name_len)?;
    if name == b"mimetype" {
        // Stored uncompressed right after the header, as both standards require.
        let start = 30 + name_len + extra_len;
        let data = &head[start.min(head.len())..];
        if data.starts_with(b"application/epub+zip") {
            return Some(Format::Epub);
        }
        if data.starts_with(b"application/vnd.oasis.opendocument.text") {
            return Some(Format::Odt);
        }
        return None;
    }
    let window = &head[..head.len().min(64 * 1024)];
    let word_first = name == b"[Content_Types].xml"
        || name.starts_with(b"word/")
        || name.starts_with(b"docProps/");
    (word_first && contains(window, b"word/")).then_some(Format::Docx)
}

/// Recognises HTML, mbox, e-mail, front-matter Markdown and JSON from their first bytes.
pub fn by_content(head: &[u8]) -> Option<Format> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let trimmed = &head[start..];
    let lower: Vec<u8> = trimmed[..trimmed.len().min(1024)]
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    if lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || (lower.starts_with(b"<")
            && [&b"<html"[..], b"<head", b"<body"]
                .iter()
                .any(|t| contains(&lower, t)))
    {
        return Some(Format::Html);
    }
    if head.starts_with(b"From ") && looks_like_headers(after_first_line(head)) {
        return Some(Format::Mbox);
    }
    if looks_like_headers(head) {
        return Some(Format::Email);
    }
    if head.starts_with(b"---\n")
        || head.starts_with(b"---\r\n")
        || head.starts_with(b"+++\n")
        || head.starts_with(b"+++\r\n")
    {
        return Some(Format::Markdown);
    }
    // JSON: an array of objects, or an object whose first key is quoted.
    let after = |b: &[u8]| {
        let rest = &b[1..];
        let at = rest
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        rest.get(at).copied()
    };
    if trimmed.starts_with(b"[") && matches!(after(trimmed), Some(b'{' | b']') | None) {
        return Some(Format::Json);
    }
    if trimmed.starts_with(b"{") && matches!(after(trimmed), Some(b'"' | b'}') | None) {
        // One object per line is JSON Lines; one object over many lines is JSON.
        let first_line = trimmed.split(|&b| b == b'\n').next().unwrap_or(trimmed);
        let complete = serde_json::from_slice::<serde_json::Value>(first_line).is_ok();
        return Some(if complete {
            Format::JsonLines
        } else {
            Format::Json
        });
    }
    None
}

fn after_first_line(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b == b'\n') {
        Some(i) => &bytes[i + 1..],
        None => &[],
    }
}

/// At least two RFC 822 header lines at the very start, one of them a header that only
/// messages have (From, Subject, Message-ID, Newsgroups, Received, ...).
fn looks_like_headers(bytes: &[u8]) -> bool {
    const MESSAGE_HEADERS: &[&str] = &[
        "from",
        "subject",
        "message-id",
        "newsgroups",
        "received",
        "return-path",
        "mime-version",
        "date",
        "to",
        "path",
        "x-mailer",
    ];
    let mut headers = 0;
    let mut known = false;
    for line in bytes.split(|&b| b == b'\n').take(12) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            continue; // a folded header goes on
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return false;
        };
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|b| b.is_ascii_graphic()) {
            return false;
        }
        headers += 1;
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        known |= MESSAGE_HEADERS.contains(&name.as_str());
    }
    headers >= 2 && known
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(name: &str, head: &str) -> Result<Format, SkipReason> {
        detect(Path::new(name), head.as_bytes())
    }

    #[test]
    fn formats_by_extension_and_content() {
        assert_eq!(sniff("a.html", "anything"), Ok(Format::Html));
        assert_eq!(sniff("a.md", "# x"), Ok(Format::Markdown));
        assert_eq!(sniff("a.jsonl", "{}"), Ok(Format::JsonLines));
        assert_eq!(sniff("a.json", "{}"), Ok(Format::Json));
        assert_eq!(sniff("a.eml", "x"), Ok(Format::Email));
        assert_eq!(sniff("a.mbox", "x"), Ok(Format::Mbox));
        assert_eq!(sniff("a.txt", "Title\n\nbody"), Ok(Format::Text));
        assert_eq!(sniff("noext", "Title\n\nbody"), Ok(Format::Text));
        // HTML under any name
        assert_eq!(sniff("page.php", "<!DOCTYPE html><html>"), Ok(Format::Html));
        assert_eq!(
            sniff("saved.txt", "\n  <html lang=en><head>"),
            Ok(Format::Html)
        );
        assert_eq!(
            sniff("x", "<?xml version=\"1.0\"?>\n<html xmlns=..."),
            Ok(Format::Html)
        );
        // Usenet and mail without an extension
        assert_eq!(
            sniff(
                "53300",
                "From: a@b.c (A B)\nSubject: hello\nLines: 3\n\nbody"
            ),
            Ok(Format::Email)
        );
        assert_eq!(
            sniff(
                "inbox",
                "From a@b.c Sat Jan  3 01:05:34 1996\nFrom: a@b.c\nSubject: x\n\nbody"
            ),
            Ok(Format::Mbox)
        );
        // Not headers: a title with a colon
        assert_eq!(
            sniff("n.txt", "Data firm CEO: Reached out\n\nbody"),
            Ok(Format::Text)
        );
        assert_eq!(sniff("n", "---\ntitle: x\n---\nbody"), Ok(Format::Markdown));
        assert_eq!(
            sniff("dump", "{\"a\":1}\n{\"a\":2}\n"),
            Ok(Format::JsonLines)
        );
        assert_eq!(sniff("dump", "{\n  \"a\": 1\n}\n"), Ok(Format::Json));
        assert_eq!(sniff("dump", "[{\"a\":1}]"), Ok(Format::Json));
        // Brackets that start text are not JSON.
        assert_eq!(
            sniff("note.txt", "[Update] Title\n\nbody"),
            Ok(Format::Text)
        );
        assert_eq!(sniff("note.txt", "{\"a\":1}\n"), Ok(Format::Text));
        assert_eq!(sniff("note", "[Update] Title\n\nbody"), Ok(Format::Text));
        assert_eq!(sniff("note", "{curly} text"), Ok(Format::Text));
        // Text under any name: decided by content
        for name in [
            "Apache-2.0",
            "LGPL-2.1",
            "README.Debian",
            "NEWS.Debian",
            "notes.rst",
            "build.log",
            "a.csv",
            "changelog",
            "x.c",
        ] {
            assert_eq!(sniff(name, "Plain words.\n\nMore words."), Ok(Format::Text));
        }
        // Binary under any name
        assert_eq!(sniff("data.1", "\u{7f}ELF\0\0\0"), Err(SkipReason::Binary));
        assert_eq!(
            sniff("a.png", "\u{89}PNG\r\n\u{1a}\n\0\0"),
            Err(SkipReason::Binary)
        );
        // Kinds that are never text are skipped by name unless named
        assert_eq!(
            by_extension("png", false),
            Some(Err(SkipReason::Kind("image")))
        );
        assert_eq!(by_extension("png", true), None);
        assert_eq!(
            by_extension("rar", false),
            Some(Err(SkipReason::Kind("archive")))
        );
        assert_eq!(by_extension("zip", false), Some(Ok(Format::Archive)));
        assert_eq!(by_extension("docx", false), Some(Ok(Format::Docx)));
        assert_eq!(by_extension("0", false), None);
        assert_eq!(by_extension("html", true), Some(Ok(Format::Html)));
        assert_eq!(sniff("a.txt", ""), Err(SkipReason::Empty));
        assert_eq!(sniff("a.txt", "ab\0cd"), Err(SkipReason::Binary));
    }
}
