//! A read message → a `WireItem`.
//!
//! Owns: the Subject as the headline, the sender's display name as the byline (the sender is
//! a reporter or a press office, not an agency: the agency comes from the copy's dateline or
//! the site's default, and an address is never shown), the Date as when the item was made,
//! the Message-ID as the uri (an RFC 2392 `mid:` URL, so every copy of one message is one
//! story), `Keywords` and `Content-Language`, and attached pictures, video and audio as
//! associations.
//! An attachment has no public URL to show it from, so its association only describes it:
//! its kind, its file name as headline, its Content-Description as caption, and an RFC 2392
//! id (`cid:` from its Content-ID, else the message's `mid:` with its place among the
//! attachments); no rendition. Other attachments (documents, archives) are left out with a
//! warning.
//! Must not: make up a headline or copy: a message with no text is refused with what it held.

use jiff::Timestamp;
use wiredesk_model::{Association, WireBody, WireItem};

use super::{Attachment, Body, Mail};
use crate::{DecodeError, Decoded, Format};

pub(crate) fn refused(reason: impl Into<String>) -> DecodeError {
    DecodeError::Refused {
        format: Format::Email,
        reason: reason.into(),
    }
}

pub(crate) fn decoded(mail: Mail) -> Result<Decoded, DecodeError> {
    let mut warnings = mail.notes.clone();
    let uri = mail.message_id.as_deref().map(mid);
    let (associations, left_out) = associations(&mail.attachments, uri.as_deref());
    warnings.extend(left_out);
    let Some(body) = mail.body else {
        let held = match mail.attachments.len() {
            0 => "the message carries no text".to_string(),
            n => format!(
                "the message carries no text, only {n} attachment(s): a picture alone is not \
                 a story"
            ),
        };
        return Err(refused(held));
    };
    let when = mail.date.as_deref().and_then(|raw| {
        let t = date(raw).or_else(|| {
            mail.date_seconds
                .and_then(|s| Timestamp::from_second(s).ok())
        });
        if t.is_none() {
            warnings.push(format!(
                "the Date header {raw:?} could not be read; left out"
            ));
        }
        t
    });
    let headline = mail.subject.unwrap_or_default();
    if headline.is_empty() {
        warnings.push("the message has no subject: it waits on the desk for a headline".into());
    }
    let item = WireItem {
        uri,
        headline,
        byline: mail.from_name,
        body: match body {
            Body::Html(h) => WireBody::Html(h),
            Body::Text(t) => WireBody::Text(t),
        },
        keywords: mail.keywords,
        language: mail.language,
        first_created: when,
        version_created: when,
        associations,
        ..WireItem::default()
    };
    Ok(Decoded {
        format: Format::Email,
        items: vec![item],
        warnings,
    })
}

/// The Date header: RFC 5322 (2822) as jiff reads it, obsolete zone names included.
fn date(raw: &str) -> Option<Timestamp> {
    // Comments such as "(PST)" after the zone are allowed; jiff reads the form without them.
    let bare = raw.split('(').next().unwrap_or(raw).trim();
    jiff::fmt::rfc2822::parse(bare).ok().map(|z| z.timestamp())
}

/// RFC 2392: `mid:` and the id, with the characters a URL cannot hold escaped.
fn mid(message_id: &str) -> String {
    format!("mid:{}", escape(message_id))
}

fn escape(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.trim_matches(['<', '>']).bytes() {
        if b.is_ascii_graphic() && !b"%/?#<>\"[]\\^`{|}".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Pictures, video and audio as described associations; what else was attached, as warnings.
fn associations(
    attachments: &[Attachment],
    message: Option<&str>,
) -> (Vec<Association>, Vec<String>) {
    let mut out: Vec<Association> = Vec::new();
    let mut warnings = Vec::new();
    for (position, a) in attachments.iter().enumerate() {
        let shown = a.file_name.clone().unwrap_or_else(|| a.mime_type.clone());
        let kind = match a.mime_type.split('/').next().unwrap_or("") {
            "image" => "picture",
            "video" => "video",
            "audio" => "audio",
            _ => {
                warnings.push(format!(
                    "attachment {shown} ({}) left out: only pictures, video and audio travel \
                     with a story",
                    a.mime_type
                ));
                continue;
            }
        };
        let uri = match (&a.content_id, message) {
            (Some(cid), _) => format!("cid:{}", escape(cid)),
            (None, Some(mid)) => format!("{mid}#attachment-{}", position + 1),
            (None, None) => {
                warnings.push(format!(
                    "attachment {shown} left out: neither it nor the message has an id to \
                     name it by"
                ));
                continue;
            }
        };
        let n = out.iter().filter(|x| x.kind == kind).count() + 1;
        out.push(Association {
            name: format!("{kind}{n}"),
            kind: kind.into(),
            uri: Some(uri),
            headline: a.file_name.clone(),
            caption: a.description.clone(),
            ..Association::default()
        });
    }
    (out, warnings)
}
