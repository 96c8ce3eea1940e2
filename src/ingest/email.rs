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
use super::{Extracted, RecordSink};
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

/// The messages of an mbox file, one record each, streamed.
pub fn read_mbox(reader: impl BufRead, sink: &mut RecordSink) -> std::io::Result<()> {
    let mut number = 0;
    for message in mail_parser::mailbox::mbox::MessageIterator::new(reader) {
        let message = message?;
        number += 1;
        let result =
            parse_message(message.contents()).map_err(|e| format!("message {number}: {e}"));
        sink(Some(number), result);
    }
    Ok(())
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
