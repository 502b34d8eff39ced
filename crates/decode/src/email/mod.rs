//! E-mail (RFC 5322 with MIME): a message an agency, a stringer or a press office sends to
//! the desk's mailbox, read from an `.eml` file in the drop folder or fetched whole by the IMAP
//! source. One message is one item.
//!
//! Owns: reading the message with `mail-parser` from its bytes (each part in its own
//! character set, quoted-printable and base64 undone, RFC 2047 encoded words in headers
//! decoded, with a lenient second reading for the broken words mailers send), and picking out
//! what the newsroom needs: the subject, the sender's name, the date, the Message-ID, the
//! copy (the HTML part of a `multipart/alternative`, else the plain text) and the media
//! attached.
//! Must not: decide what a field means for the newsroom (`adapter` maps to `WireItem`), or
//! keep an attachment's bytes: there is nowhere public to show them from.

mod adapter;

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

use crate::{DecodeError, Decoded};

/// One message, field by field as sent (headers decoded to text, blanks as `None`).
#[derive(Debug, Default)]
pub(crate) struct Mail {
    pub subject: Option<String>,
    /// The sender's display name (`From: "Ana Lima" <ana@wire.example>`), never the address.
    pub from_name: Option<String>,
    /// The Date header as sent, and as mail-parser read it (seconds), for what jiff cannot.
    pub date: Option<String>,
    pub date_seconds: Option<i64>,
    /// The Message-ID without its angle brackets.
    pub message_id: Option<String>,
    pub keywords: Vec<String>,
    pub language: Option<String>,
    pub body: Option<Body>,
    pub attachments: Vec<Attachment>,
    /// What was set aside while reading, one sentence each.
    pub notes: Vec<String>,
}

#[derive(Debug, PartialEq)]
pub(crate) enum Body {
    /// The HTML part(s), as sent (sanitized later by normalize).
    Html(String),
    /// The plain-text part(s), line endings made `\n`.
    Text(String),
}

/// A file attached to the message (or inline in it), described.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Attachment {
    /// `image/jpeg`, lower-case.
    pub mime_type: String,
    pub file_name: Option<String>,
    pub content_id: Option<String>,
    pub description: Option<String>,
}

/// Header names that open an e-mail message (RFC 5322) but never a line of agency copy.
const MAIL_HEADERS: &[&str] = &[
    "received",
    "return-path",
    "delivered-to",
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "x-original-to",
    "reply-to",
    "dkim-signature",
    "cc",
];

/// Whether `text` opens like an e-mail message: its first line a mail header and at least
/// two more among the first 30 lines (an mbox `From ` line before them is allowed, and so are
/// blank lines). Copy whose first line is "From: the desk" needs more than that to pass.
pub(crate) fn looks_like(text: &str) -> bool {
    let header = |line: &str| {
        line.split_once(':')
            .is_some_and(|(name, _)| MAIL_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)))
    };
    let mut lines = text
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .skip_while(|l| l.starts_with("From "))
        .take(30);
    lines.next().is_some_and(header) && lines.filter(|l| header(l)).count() >= 2
}

/// Where the message proper starts: past leading blank lines and an mbox `From ` line.
fn start(bytes: &[u8]) -> usize {
    let mut at = 0;
    loop {
        let rest = &bytes[at..];
        let line_end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        let line = &rest[..line_end];
        if (line.trim_ascii().is_empty() && line_end > 0 && line_end < rest.len())
            || line.starts_with(b"From ")
        {
            at += line_end;
        } else {
            return at;
        }
    }
}

pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    crate::sniff::check_size(bytes)?;
    let bytes = &bytes[start(bytes)..];
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| adapter::refused("no message headers could be read"))?;
    adapter::decoded(read(&message, bytes))
}

fn non_empty(s: Option<&str>) -> Option<String> {
    crate::fields::non_empty(s).map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn read(message: &Message<'_>, raw: &[u8]) -> Mail {
    let mut mail = Mail {
        subject: header_text(message, raw, "Subject"),
        from_name: message
            .from()
            .and_then(|a| a.first())
            .and_then(|a| non_empty(a.name()))
            // An address is no byline, and never shown to readers.
            .filter(|n| !n.contains('@')),
        date: header_text(message, raw, "Date"),
        date_seconds: message.date().map(|d| d.to_timestamp()),
        message_id: non_empty(message.message_id()),
        keywords: message
            .keywords()
            .as_text_list()
            .map(|list| {
                list.iter()
                    .flat_map(|k| k.split(','))
                    .filter_map(|k| non_empty(Some(k)))
                    .collect()
            })
            .unwrap_or_default(),
        language: message
            .content_language()
            .as_text_list()
            .and_then(|l| non_empty(l.first().map(|s| s.as_ref()))),
        ..Mail::default()
    };
    mail.body = body(message, &mut mail.notes);
    for id in &message.attachments {
        let Some(part) = message.parts.get(*id as usize) else {
            continue;
        };
        let mime_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{sub}", ct.ctype()),
                None => ct.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into())
            .to_ascii_lowercase();
        mail.attachments.push(Attachment {
            mime_type,
            file_name: non_empty(part.attachment_name()),
            content_id: non_empty(part.content_id()),
            description: non_empty(part.content_description()),
        });
    }
    mail
}

/// The copy: the HTML parts when the message has any (what the sender saw), else its plain
/// text parts. Parts that carry media are attachments, not copy.
fn body(message: &Message<'_>, notes: &mut Vec<String>) -> Option<Body> {
    let parts = |ids: &[u32]| -> Vec<&PartType<'_>> {
        ids.iter()
            .filter_map(|id| message.parts.get(*id as usize))
            .map(|p| &p.body)
            .collect()
    };
    let html = parts(&message.html_body);
    if html.iter().any(|p| matches!(p, PartType::Html(_))) {
        let mut out = String::new();
        for part in html {
            match part {
                PartType::Html(h) => out.push_str(inside_body(h)),
                // A plain part between HTML ones (Apple Mail's around an inline picture).
                PartType::Text(t) => {
                    for p in paragraphs(t) {
                        out.push_str(&format!("<p>{}</p>", html_escape::encode_text(&p)));
                    }
                }
                _ => {}
            }
        }
        return Some(Body::Html(out.trim().to_string())).filter(|b| !b.as_str().is_empty());
    }
    let text: Vec<String> = parts(&message.text_body)
        .into_iter()
        .filter_map(|p| match p {
            PartType::Text(t) => Some(paragraphs(t).join("\n\n")),
            _ => None,
        })
        .filter(|t| !t.is_empty())
        .collect();
    if text.is_empty() {
        if message.parts.iter().any(|p| p.is_encoding_problem) {
            notes.push("a part of the message could not be decoded".into());
        }
        return None;
    }
    Some(Body::Text(text.join("\n\n")))
}

impl Body {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Body::Html(s) | Body::Text(s) => s,
        }
    }
}

fn paragraphs(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    crate::plaintext::paragraphs(&lines)
}

/// What a whole HTML document holds between its `<body>` tags (a mailer's `<head>` has a
/// title and styles, which are no copy); a fragment as it is.
fn inside_body(html: &str) -> &str {
    let lower = html.to_ascii_lowercase();
    let Some(open) = lower.find("<body") else {
        return html;
    };
    let Some(content) = lower[open..].find('>').map(|i| open + i + 1) else {
        return html;
    };
    let end = lower[content..]
        .find("</body")
        .map_or(html.len(), |i| content + i);
    &html[content..end]
}

/// A header as text: mail-parser's reading (encoded words decoded in their charsets) unless
/// it left an encoded word undecoded or a byte unreadable, when the raw header is read again
/// leniently (`lenient::header`).
fn header_text(message: &Message<'_>, raw: &[u8], name: &str) -> Option<String> {
    let parsed = message.header(name).and_then(|v| match v {
        mail_parser::HeaderValue::Text(t) => Some(t.to_string()),
        mail_parser::HeaderValue::TextList(l) => Some(l.join(", ")),
        _ => None,
    });
    let raw_value = message
        .headers()
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(name))
        .and_then(|h| raw.get(h.offset_start() as usize..h.offset_end() as usize));
    // Raw 8-bit bytes beside an encoded word are read in the word's charset by mail-parser
    // ("TravTalkâ€™s" for UTF-8 sent inside a windows-1252 word).
    let suspect = |t: &str, raw: &[u8]| {
        t.contains("=?")
            || t.contains('\u{FFFD}')
            || (!raw.is_ascii() && memchr::memmem::find(raw, b"=?").is_some())
    };
    let text = match (parsed, raw_value) {
        (Some(t), Some(raw)) if suspect(&t, raw) => lenient::header(raw),
        (Some(t), _) => t,
        (None, Some(raw)) => lenient::header(raw),
        (None, None) => return None,
    };
    non_empty(Some(&text))
}

mod lenient;

#[cfg(test)]
mod tests;
