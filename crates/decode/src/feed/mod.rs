//! RSS 0.9x/1.0/2.0, Atom and JSON Feed, parsed by `feed-rs` into its own model.
//!
//! Owns: configuring feed-rs so it reports what the feed says and nothing more (no invented ids,
//! no sanitizing), turning its errors into reasons, and checking the feed ends where it should.
//! Must not: see a DOCTYPE (sniff has already refused entity declarations and cut the prolog off).

mod adapter;

use std::panic::{AssertUnwindSafe, catch_unwind};

use feed_rs::parser::{self, ParseErrorKind, ParseFeedError};

use crate::{DecodeError, Decoded, Format};

pub(crate) fn decode(text: &str, format: Format) -> Result<Decoded, DecodeError> {
    let malformed = |reason: String| DecodeError::MalformedFeed { format, reason };
    if format != Format::JsonFeed {
        check_xml_is_complete(text).map_err(malformed)?;
        // The prolog was cut off before this point, so any XML declaration left is misplaced
        // (XML allows one, first). feed-rs would switch encodings mid-stream on it, which its
        // XML reader refuses with a panic (found by fuzzing).
        if has_misplaced_declaration(text) {
            return Err(malformed(
                "an XML declaration in the middle of the document (only one is allowed, first)"
                    .into(),
            ));
        }
    }
    let parser = parser::Builder::new()
        // feed-rs would otherwise hash the title into an id or make up a random UUID; a changed
        // title would then split one story into two. The entry's own link is a stable id.
        .id_generator(|links, _title, _base| {
            links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(links.first())
                .map(|l| l.href.clone())
                .unwrap_or_default()
        })
        // Bodies go downstream as received; sanitizing is the normalize stage's job.
        .sanitize_content(false)
        .build();
    // A bug in a third-party parser must cost one delivery, not the ingest worker.
    let parsed = catch_unwind(AssertUnwindSafe(|| parser.parse(text.as_bytes())))
        .map_err(|_| malformed("the feed parser crashed on this file".into()))?;
    let feed = parsed.map_err(|e| malformed(feed_error(e, format)))?;
    adapter::decoded(feed, format)
}

/// An `<?xml …?>` declaration anywhere, as the XML reader itself tokenizes the text. A look
/// for CDATA in the text was fooled by a `<![CDATA[` inside a quoted attribute of a broken
/// tag (found by fuzzing), so this asks the tokenizer. Where the tokenizer gives up, feed-rs's
/// more lenient reading may go on, so past that point any declaration-shaped text counts.
fn has_misplaced_declaration(text: &str) -> bool {
    let mut reader = quick_xml::Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Decl(_)) => return true,
            Ok(quick_xml::events::Event::Eof) => return false,
            Ok(_) => {}
            Err(_) => {
                let from = usize::try_from(reader.error_position()).unwrap_or(0);
                let rest = text.get(from.min(text.len())..).unwrap_or(text);
                return rest.match_indices("<?xml").any(|(at, _)| {
                    rest[at + 5..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_whitespace())
                });
            }
        }
    }
}

/// How the desk calls the format in a sentence.
pub(crate) fn name(format: Format) -> &'static str {
    format.describe()
}

fn feed_error(e: ParseFeedError, format: Format) -> String {
    match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) if format == Format::Rss => {
            "unsupported RSS version: <rss version=\"…\"> must be 2.0, 0.91 or 0.92".into()
        }
        ParseFeedError::ParseError(kind) => kind.to_string(),
        ParseFeedError::JsonSerde(e) if e.is_eof() => format!("truncated JSON: {e}"),
        ParseFeedError::JsonSerde(e) => e.to_string(),
        ParseFeedError::JsonUnsupportedVersion(v) => format!("unsupported JSON Feed version {v}"),
        ParseFeedError::XmlReader(e) => {
            let text = e.to_string();
            text.strip_prefix("Parser error: ")
                .map(str::to_string)
                .unwrap_or(text)
        }
        ParseFeedError::IoError(e) => e.to_string(),
    }
}

/// feed-rs stops reading at the last entry it can find, so a cut-off file would otherwise lose
/// its tail silently. Require the root element's end tag (or a self-closing root) at the end.
fn check_xml_is_complete(text: &str) -> Result<(), String> {
    let Some(tag) = text.strip_prefix('<') else {
        return Err("the root element is missing".into());
    };
    let name_len = tag
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(tag.len());
    let root = &tag[..name_len];
    let mut tail = text.trim_end();
    // Comments and processing instructions may follow the root.
    loop {
        if let Some(head) = tail.strip_suffix("-->") {
            match head.rfind("<!--") {
                Some(start) => tail = head[..start].trim_end(),
                None => break,
            }
        } else if let Some(head) = tail.strip_suffix("?>") {
            match head.rfind("<?") {
                Some(start) => tail = head[..start].trim_end(),
                None => break,
            }
        } else {
            break;
        }
    }
    let closed = tail
        .strip_suffix('>')
        .map(str::trim_end)
        .and_then(|t| t.strip_suffix(root))
        .is_some_and(|t| t.ends_with("</"));
    let self_closed = tail.ends_with("/>") && !tag[name_len..].contains('<');
    if closed || self_closed {
        Ok(())
    } else {
        Err(format!("the file does not end with </{root}> (truncated?)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_counts_only_outside_cdata() {
        assert!(has_misplaced_declaration(
            "<rss><?xml version=\"1.0\"?></rss>"
        ));
        assert!(!has_misplaced_declaration(
            "<rss><item><description><![CDATA[<?xml version=\"1.0\"?>]]></description></item></rss>"
        ));
        assert!(!has_misplaced_declaration(
            "<rss><?xml-stylesheet href=\"a\"?></rss>"
        ));
    }

    #[test]
    fn a_feed_must_end_with_its_root_end_tag() {
        assert!(check_xml_is_complete("<rss version=\"2.0\"><channel/></rss>\n").is_ok());
        assert!(check_xml_is_complete("<rdf:RDF><item/></rdf:RDF ><!-- x -->").is_ok());
        assert!(check_xml_is_complete("<feed xmlns=\"a\"/>").is_ok());
        assert_eq!(
            check_xml_is_complete("<rss><channel><item><title>x</title></item>"),
            Err("the file does not end with </rss> (truncated?)".to_string())
        );
        assert!(check_xml_is_complete("<rss><channel/></channel>").is_err());
    }
}
