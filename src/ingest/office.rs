//! Word-processor documents and e-books, which are zip files of XML: DOCX (and its
//! template and macro forms, DOTX, DOCM), ODT (and OTT), EPUB.
//!
//! - DOCX: `docProps/core.xml` gives the title (`dc:title`), authors (`dc:creator`),
//!   date (`dcterms:created`), subject and keywords; `word/document.xml` the body, a
//!   paragraph a line, table cells apart by tabs and rows by lines.
//! - ODT: `meta.xml` (`dc:title`, `meta:initial-creator` or `dc:creator`,
//!   `meta:creation-date` or `dc:date`, `meta:keyword`); `content.xml` the body, read
//!   the same way.
//! - EPUB: `META-INF/container.xml` names the package (OPF), whose metadata gives
//!   `dc:title`, `dc:creator`, `dc:date`, `dc:publisher`, `dc:identifier` and
//!   `dc:subject`; the body is the text of the spine's XHTML documents, in order.
//!
//! Every part is read with a bound on its decompressed size, so a zip bomb stops at the
//! bound; XML is read by quick-xml, which keeps no tree (nesting costs nothing).

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;
use zip::ZipArchive;

use crate::article::Format;
use crate::date::parse_date;
use crate::ingest::extracted::{Extracted, Rule};

/// The largest part (an XML file inside the zip) read, decompressed.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// The most text an EPUB's chapters add up to.
const MAX_BOOK_BYTES: usize = 256 * 1024 * 1024;

/// One document from the bytes of a DOCX, ODT or EPUB file; the reason it cannot be read
/// otherwise (not a zip, a part missing, malformed XML).
pub fn parse(bytes: &[u8], format: Format) -> Result<Extracted, String> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        format!(
            "not a {} file (not a readable zip: {e}; an encrypted document is not a zip)",
            format.as_str().to_uppercase()
        )
    })?;
    let mut doc = match format {
        Format::Docx => docx(&mut zip)?,
        Format::Odt => odt(&mut zip)?,
        Format::Epub => epub(&mut zip)?,
        other => return Err(format!("{other} is not an office format")),
    };
    doc.body = drop_title_block(&tidy(&doc.body), &doc);
    Ok(doc)
}

/// The body without the title block producers set above the text (pandoc's and Word's
/// title, author and date lines): leading lines that are the title, an author or the
/// document's date are left out, as they are fields already.
pub(crate) fn drop_title_block(body: &str, doc: &Extracted) -> String {
    let same = |a: &str, b: &str| {
        let norm = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        !b.trim().is_empty() && norm(a) == norm(b)
    };
    let day = doc.date.map(|d| d.local_day());
    let mut rest = body;
    for _ in 0..12 {
        let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
        let line = line.trim();
        let known = line.is_empty()
            || same(line, &doc.title)
            || doc.authors.iter().any(|a| same(line, a))
            || (day.is_some() && parse_date(line).map(|d| d.local_day()) == day);
        if !known || after.is_empty() {
            break;
        }
        rest = after;
    }
    rest.to_string()
}

type Zip<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// A part of the zip as text, bounded; `None` when the zip has no such part.
fn part(zip: &mut Zip, name: &str) -> Result<Option<String>, String> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("cannot read {name} in the zip: {e}")),
    };
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {name} in the zip: {e}"))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(format!(
            "{name} expands to more than {} MiB: not read (a zip bomb?)",
            MAX_PART_BYTES >> 20
        ));
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

fn required(zip: &mut Zip, name: &str, what: &str) -> Result<String, String> {
    part(zip, name)?.ok_or_else(|| format!("not a {what}: it has no {name}"))
}

/// One XML event, as the readers here need it: names without their prefixes.
enum Xml<'a> {
    Start(&'a str, Vec<(String, String)>),
    End(&'a str),
    Text(&'a str),
}

/// Calls `on` for each element start (an empty element is a start and an end), end and
/// piece of text of `xml`, with entities resolved.
fn walk_xml(xml: &str, mut on: impl FnMut(Xml)) -> Result<(), String> {
    let mut reader = Reader::from_str(xml);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                let (name, attrs) = start_of(&e);
                on(Xml::Start(&name, attrs));
            }
            Event::Empty(e) => {
                let (name, attrs) = start_of(&e);
                on(Xml::Start(&name, attrs));
                on(Xml::End(&name));
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_string();
                on(Xml::End(&name));
            }
            Event::Text(t) => on(Xml::Text(&t.xml10_content())),
            Event::CData(t) => on(Xml::Text(&t)),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_xml_entity(&r)
                        .unwrap_or_default()
                        .to_string(),
                };
                on(Xml::Text(&resolved));
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// An element's name without its prefix, and its attributes (names without prefixes).
fn start_of(e: &quick_xml::events::BytesStart) -> (String, Vec<(String, String)>) {
    let name = e.local_name().as_ref().to_string();
    let attrs = e
        .attributes()
        .flatten()
        .map(|a| {
            let key = a.key.local_name().as_ref().to_string();
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_default();
            (key, value)
        })
        .collect();
    (name, attrs)
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The text of the metadata elements of `xml` named in `keys`, each element's text
/// apart, in document order.
fn elements(xml: &str, keys: &[&str]) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut open: Option<String> = None;
    let mut text = String::new();
    walk_xml(xml, |e| match e {
        Xml::Start(name, _) if keys.contains(&name) => {
            open = Some(name.to_string());
            text.clear();
        }
        Xml::Text(t) if open.is_some() => text.push_str(t),
        Xml::End(name) if open.as_deref() == Some(name) => {
            let value = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !value.is_empty() {
                out.push((name.to_string(), value));
            }
            open = None;
        }
        _ => {}
    })?;
    Ok(out)
}

fn first<'a>(found: &'a [(String, String)], key: &str) -> Option<&'a str> {
    found
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn all(found: &[(String, String)], key: &str) -> Vec<String> {
    found
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

/// Authors as a creator field gives them: one, or several apart by `;`.
fn names(values: Vec<String>) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(';'))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

/// Keywords: apart by `,` or `;`.
fn keywords(values: Vec<String>) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split([',', ';']))
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect()
}

/// The date of the first of `keys` that holds one `parse_date` reads, with its key.
fn date_of(found: &[(String, String)], keys: &[&str], stage: &'static str, doc: &mut Extracted) {
    for key in keys {
        if let Some(value) = first(found, key) {
            match parse_date(value) {
                Some(d) => {
                    doc.date = Some(d);
                    doc.provenance.date = Some(Rule::new(stage, *key));
                    return;
                }
                None => doc
                    .warnings
                    .push(format!("unparseable date {value:?} in {key}")),
            }
        }
    }
}

/// The body text of a DOCX's or ODT's main XML part: a paragraph or heading a line,
/// table cells apart by tabs, rows by lines; `text_tags` hold text, `space_tag` and its
/// count attribute stand for spaces.
fn body_text(xml: &str, kind: Format) -> Result<String, String> {
    let mut out = String::new();
    let mut in_text = 0usize;
    let mut in_run = 0usize;
    walk_xml(xml, |e| match (kind, e) {
        // DOCX: text in runs (`w:r`); a tab in a run (not a tab stop in the paragraph's
        // properties) is a tab.
        (Format::Docx, Xml::Start("r", _)) => in_run += 1,
        (Format::Docx, Xml::End("r")) => in_run = in_run.saturating_sub(1),
        (Format::Docx, Xml::Start("t", _)) => in_text += 1,
        (Format::Docx, Xml::End("t")) => in_text = in_text.saturating_sub(1),
        (Format::Docx, Xml::Start("tab", _)) if in_run > 0 && in_text == 0 => out.push('\t'),
        (Format::Docx, Xml::Start("br" | "cr", _)) => out.push('\n'),
        (Format::Docx, Xml::End("p")) => out.push('\n'),
        (Format::Docx, Xml::End("tc")) => out.push('\t'),
        (Format::Docx, Xml::End("tr")) => out.push('\n'),
        (Format::Docx, Xml::Text(t)) if in_text > 0 => out.push_str(t),
        // ODT: text inside office:text, within paragraphs and headings.
        (Format::Odt, Xml::Start("p" | "h", _)) => in_text += 1,
        (Format::Odt, Xml::End("p" | "h")) => {
            in_text = in_text.saturating_sub(1);
            out.push('\n');
        }
        (Format::Odt, Xml::Start("s", attrs)) if in_text > 0 => {
            let n = attr(&attrs, "c")
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(1)
                .min(100);
            out.push_str(&" ".repeat(n));
        }
        (Format::Odt, Xml::Start("tab", _)) if in_text > 0 => out.push('\t'),
        (Format::Odt, Xml::Start("line-break", _)) if in_text > 0 => out.push('\n'),
        (Format::Odt, Xml::End("table-cell")) => out.push('\t'),
        (Format::Odt, Xml::End("table-row")) => out.push('\n'),
        (Format::Odt, Xml::Text(t)) if in_text > 0 => out.push_str(t),
        _ => {}
    })?;
    Ok(out)
}

fn docx(zip: &mut Zip) -> Result<Extracted, String> {
    let body = required(zip, "word/document.xml", "DOCX document")?;
    let mut doc = Extracted {
        body: body_text(&body, Format::Docx)?,
        ..Extracted::default()
    };
    if let Some(core) = part(zip, "docProps/core.xml")? {
        let found = elements(
            &core,
            &[
                "title",
                "creator",
                "created",
                "subject",
                "keywords",
                "description",
            ],
        )?;
        meta_fields(&mut doc, &found, "core properties");
        date_of(&found, &["created"], "core properties", &mut doc);
    }
    Ok(doc)
}

fn odt(zip: &mut Zip) -> Result<Extracted, String> {
    // A styles-only template (LibreOffice's `styles/*.ott`) has no content.xml: no text,
    // its metadata still a document.
    let body = match part(zip, "content.xml")? {
        Some(content) => body_text(&content, Format::Odt)?,
        None if part(zip, "styles.xml")?.is_some() => String::new(),
        None => required(zip, "content.xml", "OpenDocument text")?,
    };
    let mut doc = Extracted {
        body,
        ..Extracted::default()
    };
    if let Some(meta) = part(zip, "meta.xml")? {
        let found = elements(
            &meta,
            &[
                "title",
                "initial-creator",
                "creator",
                "creation-date",
                "date",
                "subject",
                "keyword",
                "description",
            ],
        )?;
        let mut found = found;
        // The first author of the document is its author; `dc:creator` is its last editor.
        if let Some(initial) = first(&found, "initial-creator").map(str::to_string) {
            found.retain(|(k, _)| k != "creator");
            found.push(("creator".into(), initial));
        }
        for (k, _) in found.iter_mut() {
            if k == "keyword" {
                *k = "keywords".into();
            }
        }
        meta_fields(&mut doc, &found, "meta.xml");
        date_of(&found, &["creation-date", "date"], "meta.xml", &mut doc);
    }
    Ok(doc)
}

/// Title, authors, tags and (when the body is empty) description from metadata.
fn meta_fields(doc: &mut Extracted, found: &[(String, String)], stage: &'static str) {
    if let Some(title) = first(found, "title") {
        doc.title = title.to_string();
        doc.provenance.title = Some(Rule::new(stage, "title"));
    }
    let authors = names(all(found, "creator"));
    if !authors.is_empty() {
        doc.authors = authors;
        doc.provenance.author = Some(Rule::new(stage, "creator"));
    }
    doc.tags = keywords(all(found, "keywords"));
    if let Some(subject) = first(found, "subject") {
        if !doc.tags.iter().any(|t| t == subject) {
            doc.tags.push(subject.to_string());
        }
    }
    if doc.body.trim().is_empty() {
        if let Some(description) = first(found, "description") {
            doc.body = description.to_string();
        }
    }
}

fn epub(zip: &mut Zip) -> Result<Extracted, String> {
    let container = required(zip, "META-INF/container.xml", "EPUB book")?;
    let mut opf_path = None;
    walk_xml(&container, |e| {
        if let Xml::Start("rootfile", attrs) = e {
            if opf_path.is_none() {
                opf_path = attr(&attrs, "full-path").map(str::to_string);
            }
        }
    })?;
    let opf_path = opf_path.ok_or("not an EPUB book: its container names no package")?;
    let opf = required(zip, &opf_path, "EPUB book")?;
    let found = elements(
        &opf,
        &[
            "title",
            "creator",
            "date",
            "publisher",
            "identifier",
            "subject",
            "description",
        ],
    )?;
    let mut doc = Extracted::default();
    let mut found = found;
    for (k, _) in found.iter_mut() {
        if k == "subject" {
            *k = "keywords".into();
        }
    }
    // The manifest (id -> document) and the spine (reading order).
    let mut manifest: Vec<(String, String, String)> = Vec::new();
    let mut spine: Vec<String> = Vec::new();
    walk_xml(&opf, |e| {
        if let Xml::Start(name, attrs) = e {
            match name {
                "item" => {
                    if let (Some(id), Some(href)) = (attr(&attrs, "id"), attr(&attrs, "href")) {
                        let props = attr(&attrs, "properties").unwrap_or("").to_string();
                        manifest.push((id.to_string(), href.to_string(), props));
                    }
                }
                "itemref" if attr(&attrs, "linear") != Some("no") => {
                    if let Some(id) = attr(&attrs, "idref") {
                        spine.push(id.to_string());
                    }
                }
                _ => {}
            }
        }
    })?;
    let base = opf_path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut body = String::new();
    for id in &spine {
        let Some((_, href, props)) = manifest.iter().find(|(i, _, _)| i == id) else {
            continue;
        };
        if props.split_whitespace().any(|p| p == "nav") {
            continue;
        }
        let path = join_href(base, href);
        let Some(xhtml) = part(zip, &path)? else {
            doc.warnings
                .push(format!("the spine names {path}, which the book lacks"));
            continue;
        };
        let text = crate::ingest::html::text_of(&xhtml);
        if body.len() + text.len() > MAX_BOOK_BYTES {
            doc.warnings.push(format!(
                "the book's text is over {} MiB: the rest is left out",
                MAX_BOOK_BYTES >> 20
            ));
            break;
        }
        if !text.trim().is_empty() {
            body.push_str(&text);
            body.push_str("\n\n");
        }
    }
    doc.body = body;
    meta_fields(&mut doc, &found, "OPF");
    date_of(&found, &["date"], "OPF", &mut doc);
    doc.publisher = first(&found, "publisher").map(str::to_string);
    // A URL identifier is the book's source; a URN or ISBN is its id.
    if let Some(identifier) = first(&found, "identifier") {
        if identifier.starts_with("http://") || identifier.starts_with("https://") {
            doc.source = Some(identifier.to_string());
        } else {
            doc.id = Some(identifier.to_string());
        }
    }
    Ok(doc)
}

/// `href` (relative, percent-encoded) resolved against the folder `base` in the zip.
fn join_href(base: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap_or(href);
    let decoded = percent_decode(href);
    let mut parts: Vec<&str> = if base.is_empty() {
        Vec::new()
    } else {
        base.split('/').collect()
    };
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(Ok(b)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16)) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Lines trimmed of trailing spaces and tabs, runs of blank lines made one.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}
