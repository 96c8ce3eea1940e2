//! E-mail and Usenet: single RFC 822 messages (.eml, or headers without an extension,
//! like the 20 Newsgroups files) and mbox files of many messages.
//!
//! Subject -> title, Date -> date, From -> author (the display name, else the address),
//! Message-ID -> source (as a `mid:` URL, RFC 2392), Organization -> publisher,
//! Newsgroups and Keywords -> tags. MIME is decoded by mail-parser: text/plain parts
//! are preferred, HTML-only messages converted to text, encoded headers decoded.
//! 8-bit text without a declared charset (old Usenet posts) is decoded as legacy text
//! (Windows-1252 for Latin-1) instead of being garbled.

use std::borrow::Cow;
use std::io::BufRead;

use mail_parser::{Address, HeaderValue, MessageParser};

use super::decode::legacy_to_utf8;
use super::extracted::{Extracted, RecordSink};
use crate::date::parse_date;

/// At most this many text parts are joined into a body.
const MAX_PARTS: usize = 64;

/// Parses one message. `Err` when the bytes hold no message at all.
pub fn parse_message(bytes: &[u8]) -> Result<Extracted, String> {
    let bytes: Cow<[u8]> = if std::str::from_utf8(bytes).is_err() && !declares_charset(bytes) {
        Cow::Owned(legacy_to_utf8(bytes).into_bytes())
    } else {
        Cow::Borrowed(bytes)
    };
    let message = MessageParser::default()
        .parse(&bytes[..])
        .ok_or_else(|| "not an e-mail message".to_string())?;
    let mut doc = Extracted {
        title: message.subject().map(clean).unwrap_or_default(),
        ..Extracted::default()
    };
    if let Some(raw) = message.header_raw("Date") {
        // mail-parser reads some obsolete forms ours does not; its reading is taken only
        // when the year it found is written in the header (it reads `-0001` as 2000).
        doc.date = parse_date(raw).or_else(|| {
            let d = message.date()?;
            raw.contains(&format!("{:04}", d.year))
                .then(|| parse_date(&d.to_rfc3339()))
                .flatten()
        });
        if doc.date.is_none() {
            doc.warnings
                .push(format!("unparseable date {:?} in Date header", raw.trim()));
        }
    }
    doc.authors = message
        .from()
        .map(|from| names(from, message.header_raw("From")))
        .unwrap_or_default();
    doc.source = message
        .message_id()
        .map(|id| id.trim_matches(|c| c == '<' || c == '>').trim())
        .filter(|id| !id.is_empty())
        .map(|id| format!("mid:{id}"));
    doc.publisher = text_header(&message, "Organization");
    for header in ["Newsgroups", "Keywords"] {
        if let Some(value) = text_header(&message, header) {
            doc.tags.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            );
        }
    }
    doc.tags.dedup();
    let mut parts = Vec::new();
    for i in 0..MAX_PARTS {
        match message.body_text(i) {
            Some(text) => parts.push(text.trim().to_string()),
            None => break,
        }
    }
    if parts.is_empty() {
        // No text/plain or text/html part (`text/x-usenet-FAQ`, `setext/plain`): a
        // single-part message whose body is text is still read as text.
        if let Some(root) = message.part(0).filter(|p| p.is_text() || p.is_binary()) {
            let bytes = root.contents();
            if !bytes.is_empty() && !super::decode::is_binary(bytes) {
                let text = match std::str::from_utf8(bytes) {
                    Ok(t) => t.to_string(),
                    Err(_) => legacy_to_utf8(bytes),
                };
                parts.push(text.trim().to_string());
            }
        }
    }
    doc.body = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    super::rules::apply_to_message(&mut doc);
    Ok(doc)
}

/// Longest message of an mbox read; a longer one is a bad record, and the messages
/// after it are read.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The messages of an mbox file, one record each, streamed, split as mail readers split
/// them: a `From ` line starts a message only at the start of the file or after an
/// empty line, and only in the `From sender date` form (`From alice@example.org Mon Mar
/// 1 10:00:00 2021`), so an unescaped `From ` line in a body (common in mboxo files)
/// stays in its message. Lines escaped as `>From ` (`>>From `...) lose one `>`
/// (mboxrd; in mboxo files, where only `From ` was escaped, that gives the line back).
pub fn read_mbox(mut reader: impl BufRead, sink: &mut RecordSink) -> std::io::Result<()> {
    let mut number = 0;
    let mut message: Vec<u8> = Vec::new();
    let mut too_long = false;
    let mut after_blank = true;
    let mut line = Vec::new();
    let mut emit = |message: &mut Vec<u8>, too_long: &mut bool, sink: &mut RecordSink| {
        let blank = message.iter().all(u8::is_ascii_whitespace);
        if !blank || *too_long {
            number += 1;
            let result = if *too_long {
                Err(format!(
                    "message {number}: longer than {} MiB",
                    MAX_MESSAGE_BYTES >> 20
                ))
            } else {
                parse_message(message).map_err(|e| format!("message {number}: {e}"))
            };
            sink(Some(number), result);
        }
        message.clear();
        *too_long = false;
    };
    loop {
        line.clear();
        let read = std::io::Read::take(&mut reader, MAX_MESSAGE_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if read == 0 {
            break;
        }
        if after_blank && is_separator(&line) {
            emit(&mut message, &mut too_long, sink);
            after_blank = false;
            continue;
        }
        after_blank = line.iter().all(u8::is_ascii_whitespace);
        if too_long {
            continue;
        }
        let quoted = line.iter().take_while(|&&b| b == b'>').count();
        let body = if quoted > 0 && line[quoted..].starts_with(b"From ") {
            &line[1..]
        } else {
            &line[..]
        };
        if message.len() + body.len() > MAX_MESSAGE_BYTES {
            too_long = true;
            message.clear();
            continue;
        }
        message.extend_from_slice(body);
    }
    emit(&mut message, &mut too_long, sink);
    Ok(())
}

/// An mbox separator: `From `, the sender, then a date with a month name, a time and a
/// four-digit year (`From alice@example.org Mon Mar  1 10:00:00 2021`, as ctime
/// writes it; `From 1a2b3c Mon Sep 17 00:00:00 2001` from git format-patch).
fn is_separator(line: &[u8]) -> bool {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return false;
    };
    let mut words = rest.split_whitespace();
    let Some(sender) = words.next() else {
        return false;
    };
    if sender.is_empty() {
        return false;
    }
    let (mut month, mut time, mut year) = (false, false, false);
    for w in words {
        let w = w.trim_end_matches(',');
        let lower = w.to_ascii_lowercase();
        month |= w.len() >= 3 && MONTHS.iter().any(|m| lower.starts_with(m));
        time |= w.len() >= 4
            && w.split(':').count() >= 2
            && w.split(':')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        year |= w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit());
    }
    month && time && year
}

fn declares_charset(bytes: &[u8]) -> bool {
    bytes
        .windows(8)
        .any(|w| w.eq_ignore_ascii_case(b"charset="))
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text_header(message: &mail_parser::Message, name: &str) -> Option<String> {
    match message.header(name)? {
        HeaderValue::Text(t) => Some(clean(t)),
        HeaderValue::TextList(list) => Some(clean(&list.join(", "))),
        _ => message.header_raw(name).map(clean),
    }
    .filter(|s| !s.is_empty())
}

/// Display names of the senders, else their addresses. Old Usenet posts write
/// `addr (Real Name)`; the comment is the name there.
fn names(from: &Address, raw: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = from
        .iter()
        .filter_map(|addr| {
            addr.name()
                .map(clean)
                .filter(|n| !n.is_empty())
                .or_else(|| addr.address().map(str::to_string))
        })
        .collect();
    if let (Some(raw), [only]) = (raw, &out[..]) {
        if only.contains('@') {
            if let (Some(open), Some(close)) = (raw.find('('), raw.rfind(')')) {
                if open < close {
                    let comment = clean(&raw[open + 1..close]);
                    if !comment.is_empty() {
                        out = vec![comment];
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::format_date;

    #[test]
    fn usenet_post() {
        let doc = parse_message(
            b"From: kmr4@po.CWRU.edu (Keith M. Ryan)\nSubject: Re: Is there a God?\nOrganization: Case Western Reserve University\nNewsgroups: alt.atheism,talk.religion.misc\nLines: 2\n\nBody line one.\nCaf\xe9 au lait.\n",
        )
        .unwrap();
        assert_eq!(doc.title, "Re: Is there a God?");
        assert_eq!(doc.authors, vec!["Keith M. Ryan"]);
        assert_eq!(
            doc.publisher.as_deref(),
            Some("Case Western Reserve University")
        );
        assert_eq!(doc.tags, vec!["alt.atheism", "talk.religion.misc"]);
        assert_eq!(doc.date, None);
        assert_eq!(doc.source, None);
        assert_eq!(doc.body, "Body line one.\nCafé au lait.");
    }

    #[test]
    fn mime_mail_with_encoded_headers() {
        let mail = "From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <jm@example.org>\r\n\
Subject: =?utf-8?b?R3LDvMOfZSBhdXMgQmVybGlu?=\r\n\
Date: Tue, 6 Apr 1993 01:02:03 -0400\r\n\
Message-ID: <abc.123@example.org>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/html; charset=utf-8\r\n\
\r\n\
<p>HTML version</p>\r\n\
--b1\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Plain version, caf=E9.\r\n\
--b1--\r\n";
        let doc = parse_message(mail.as_bytes()).unwrap();
        assert_eq!(doc.title, "Grüße aus Berlin");
        assert_eq!(doc.authors, vec!["Jörg Müller"]);
        assert_eq!(
            doc.date.map(format_date).as_deref(),
            Some("1993-04-06T01:02:03-04:00")
        );
        assert_eq!(doc.source.as_deref(), Some("mid:abc.123@example.org"));
        assert_eq!(doc.body, "Plain version, café.");
    }

    #[test]
    fn html_only_mail_is_converted() {
        let mail = "From: a@b.c\nSubject: s\nContent-Type: text/html\n\n<html><body><p>Hello <b>there</b></p><script>x()</script></body></html>\n";
        let doc = parse_message(mail.as_bytes()).unwrap();
        assert!(doc.body.contains("Hello there"), "{:?}", doc.body);
        assert_eq!(doc.authors, vec!["a@b.c"]);
    }

    #[test]
    fn mbox_streams_messages() {
        let mbox = "From a@b.c Sat Jan  3 01:05:34 1996\nFrom: a@b.c\nSubject: one\n\nfirst\n>From here on\n\nFrom x@y.z Sun Jan  4 01:05:34 1996\nFrom: x@y.z\nSubject: two\n\nsecond\n";
        let mut got = Vec::new();
        read_mbox(mbox.as_bytes(), &mut |n, r| {
            got.push((n, r.map(|d| (d.title, d.body))))
        })
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, Some(1));
        let (title, body) = got[0].1.clone().unwrap();
        assert_eq!(title, "one");
        assert_eq!(body, "first\nFrom here on");
    }

    /// mboxo: a `From ` line in a body, unescaped, does not split the message; mboxrd:
    /// escaped lines get their `From ` back.
    #[test]
    fn mbox_splits_only_at_separators() {
        let mbox = "From a@b.c Sat Jan  3 01:05:34 1996\nFrom: a@b.c\nSubject: one\n\nfirst\n\nFrom here on, we meet at nine.\nFrom the committee.\n>>From quoted twice\n\nFrom git 1a2b Mon Sep 17 00:00:00 2001\nFrom: x@y.z\nSubject: two\n\nsecond\nFrom x@y.z Sun Jan  4 01:05:34 1996\n";
        let mut got = Vec::new();
        read_mbox(mbox.as_bytes(), &mut |n, r| {
            got.push((n, r.map(|d| (d.title, d.body))))
        })
        .unwrap();
        assert_eq!(got.len(), 2, "{got:?}");
        let (title, body) = got[0].1.clone().unwrap();
        assert_eq!(title, "one");
        assert_eq!(
            body,
            "first\n\nFrom here on, we meet at nine.\nFrom the committee.\n>From quoted twice"
        );
        let (title, body) = got[1].1.clone().unwrap();
        assert_eq!(title, "two");
        // Not after an empty line: not a separator.
        assert_eq!(body, "second\nFrom x@y.z Sun Jan  4 01:05:34 1996");
        assert_eq!(got[1].1.as_ref().unwrap().0, "two");
    }

    #[test]
    fn unknown_text_types_are_still_text() {
        let mail = "From: a@b.c\nSubject: s\nContent-Type: setext/plain; charset=ascii_827\n\n\x0c\nThe list of books.\n";
        let doc = parse_message(mail.as_bytes()).unwrap();
        assert!(doc.body.contains("The list of books."), "{:?}", doc.body);
        let faq = "From: a@b.c\nSubject: s\nContent-Type: text/x-usenet-FAQ; version=1.0\n\nABOUT THIS POSTING\n";
        assert_eq!(
            parse_message(faq.as_bytes()).unwrap().body,
            "ABOUT THIS POSTING"
        );
        let binary = "From: a@b.c\nSubject: s\nContent-Type: application/octet-stream\n\nab\0cd\n";
        assert_eq!(parse_message(binary.as_bytes()).unwrap().body, "");
    }

    #[test]
    fn odd_inputs() {
        for input in [&b""[..], b"\n\n", b"From:", b"Subject: x", b"\xff\xfe\x00"] {
            let _ = parse_message(input);
        }
    }
}
