//! Wire decoders: bytes of one delivery in, format-neutral `WireItem`s out.
//!
//! Owns: recognising what a delivery is by its content (never its file name), reading it in its
//! character set (UTF-8, UTF-16, a declared 8-bit set, else windows-1252), refusing what is not
//! safe or not text with a reason a person can act on, and turning plain-text agency copy,
//! ninjs 1.x–3.x (and the BBC's variant), RSS, Atom, JSON Feed, NewsML-G2, NITF 3.x, NewsML
//! 1.2, IPTC 7901, ANPA-1312, AP Media API JSON, dpa digitalwires JSON, Ritzau's RBNews XML
//! and e-mail (RFC 5322 with MIME, read from its bytes, each part in its own charset) into
//! `wiredesk_model::WireItem`s,
//! including what a format's own fields say of an item not for publication (genres, item
//! roles, NITF `tobject.type`, ANPA categories: `not_for_publication.rs`).
//! Must not: do I/O, sanitize or rewrite the copy, parse datelines, assign topics, or guess a
//! value the wire did not send (a missing time stays `None`, with a warning when it was garbled).
//! Architecture invariant: `decode` never panics, whatever the bytes; every refusal is a
//! `DecodeError` whose text says what is wrong with the file.

mod anpa;
mod apmedia;
mod digitalwires;
mod email;
mod feed;
mod fields;
mod media;
mod newsml1;
mod newsml_g2;
mod ninjs;
mod nitf;
mod not_for_publication;
mod plaintext;
pub mod reuters;
mod ritzau;
mod sniff;
mod subjects;
mod time;
mod xml;

#[cfg(test)]
mod never_panics;

#[cfg(test)]
mod corpus_tests;

use wiredesk_model::WireItem;

/// Deliveries larger than this are refused before any parsing (the limit lives in `model`).
pub use wiredesk_model::MAX_DELIVERY_BYTES;

/// A wire format Wiredesk can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    PlainText,
    Ninjs,
    Rss,
    Atom,
    JsonFeed,
    NewsmlG2,
    Nitf,
    Newsml1,
    Iptc7901,
    Anpa1312,
    ApMedia,
    DigitalWires,
    /// Ritzau's RBNews XML.
    Ritzau,
    /// The Reuters-21578 research archive's SGML (`reut2-NNN.sgm`), for bulk loads.
    Reuters21578,
    /// An e-mail message (RFC 5322 with MIME): an `.eml` file, or a message fetched by IMAP.
    Email,
}

impl Format {
    pub fn as_str(&self) -> &'static str {
        match self {
            Format::PlainText => "plain-text",
            Format::Ninjs => "ninjs",
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::JsonFeed => "json-feed",
            Format::NewsmlG2 => "newsml-g2",
            Format::Nitf => "nitf",
            Format::Newsml1 => "newsml-1.2",
            Format::Iptc7901 => "iptc-7901",
            Format::Anpa1312 => "anpa-1312",
            Format::ApMedia => "ap-media-api",
            Format::DigitalWires => "dpa-digitalwires",
            Format::Ritzau => "ritzau-rbnews",
            Format::Reuters21578 => "reuters-21578",
            Format::Email => "email",
        }
    }

    /// How the desk calls the format in a sentence.
    pub fn describe(&self) -> &'static str {
        match self {
            Format::PlainText => "plain text",
            Format::Ninjs => "ninjs item",
            Format::Rss => "RSS feed",
            Format::Atom => "Atom feed",
            Format::JsonFeed => "JSON Feed",
            Format::NewsmlG2 => "NewsML-G2",
            Format::Nitf => "NITF",
            Format::Newsml1 => "NewsML 1.2",
            Format::Iptc7901 => "IPTC 7901",
            Format::Anpa1312 => "ANPA-1312",
            Format::ApMedia => "AP Media API JSON",
            Format::DigitalWires => "dpa digitalwires JSON",
            Format::Ritzau => "Ritzau RBNews XML",
            Format::Reuters21578 => "Reuters-21578 archive file",
            Format::Email => "e-mail message",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one delivery held: its items, and what the decoder noticed but could live with.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub format: Format,
    pub items: Vec<WireItem>,
    /// Entries skipped and fields dropped, one sentence each, for the desk's quarantine view.
    pub warnings: Vec<String>,
}

/// Why a delivery was refused. Each message names the problem in the file, not in the code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("file holds only whitespace")]
    Blank,
    #[error("file is {}; the limit is {}", sniff::human_size(*.size, *.limit), sniff::human_size(*.limit, *.limit))]
    TooLarge { size: usize, limit: usize },
    #[error("binary data, not text (NUL bytes at offset {offset}){note}")]
    Binary { offset: usize, note: String },
    #[error("not valid UTF-8 text at byte {offset}{note}")]
    InvalidUtf8 { offset: usize, note: String },
    #[error("not valid UTF-16 text: {reason}")]
    InvalidUtf16 { reason: String },
    #[error(
        "control character {byte:#04X} at byte {offset}: plain-text copy must not carry \
         transmission framing (IPTC 7901 / ANPA-1312 copy must open with SOH and carry its \
         text after STX)"
    )]
    ControlCharacter { byte: u8, offset: usize },
    #[error("truncated JSON: it ends inside a value (line {line}, column {column})")]
    TruncatedJson { line: usize, column: usize },
    #[error("malformed JSON: {reason}")]
    MalformedJson { reason: String },
    #[error("JSON that is neither ninjs nor JSON Feed: {detail}")]
    UnknownJson { detail: String },
    #[error("ninjs {reason}")]
    Ninjs { reason: String },
    #[error("XML with entity declarations is refused (XXE / entity-expansion risk)")]
    XmlEntities,
    #[error("malformed XML: {reason}")]
    MalformedXml { reason: String },
    #[error("XML root <{root}> is not a supported format yet")]
    UnsupportedXml { root: String },
    #[error("an HTML page, not a wire item or a feed")]
    HtmlPage,
    #[error(
        "a Markdown document (first line {heading:?} is a heading), not wire copy: plain-text \
         copy opens with its headline"
    )]
    Markdown { heading: String },
    #[error(
        "a demo corpus template, not wire copy: {marker:?} is a placeholder that `wiredesk demo` \
         fills in when it loads the file"
    )]
    Template { marker: String },
    #[error("malformed {}: {reason}", feed::name(*.format))]
    MalformedFeed { format: Format, reason: String },
    #[error("feed has no entries")]
    NoEntries,
    #[error("feed has no usable entries: {skipped} skipped ({first_reason})")]
    NoUsableEntries {
        skipped: usize,
        first_reason: String,
    },
    #[error(
        "first line is {chars} characters, too long for a headline (limit {limit}): plain-text \
         copy must carry its headline alone on the first line"
    )]
    HeadlineTooLong { chars: usize, limit: usize },
    #[error("plain text has a headline but no body")]
    NoBody,
    /// A file of a known wire format whose content cannot make a story.
    #[error("{}: {reason}", .format.describe())]
    Refused { format: Format, reason: String },
}

fn decode_reuters(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let docs = reuters::parse(bytes);
    let mut warnings = Vec::new();
    let items: Vec<WireItem> = docs
        .iter()
        .filter_map(|d| {
            let item = d.to_wire_item();
            if item.headline.trim().is_empty() || item.body.as_str().trim().is_empty() {
                warnings.push(format!("story {} has no text; skipped", d.new_id));
                None
            } else {
                Some(item)
            }
        })
        .collect();
    if items.is_empty() {
        return Err(DecodeError::Refused {
            format: Format::Reuters21578,
            reason: "no story with a headline and text in the file".into(),
        });
    }
    Ok(Decoded {
        format: Format::Reuters21578,
        items,
        warnings,
    })
}

/// Recognise the format of a delivery without decoding its items.
pub fn sniff(bytes: &[u8]) -> Result<Format, DecodeError> {
    if reuters::looks_like(bytes) {
        return Ok(Format::Reuters21578);
    }
    if sniff::is_email(bytes) {
        sniff::check_size(bytes)?;
        return Ok(Format::Email);
    }
    let (text, _) = sniff::to_text(bytes)?;
    Ok(sniff::sniff_text(&text)?.format())
}

/// Decode one delivery into wire items.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    // The archive's SGML is neither XML nor any one character set; its reader takes bytes.
    if reuters::looks_like(bytes) {
        return decode_reuters(bytes);
    }
    // Before any reading as text: each part of a message has a character set of its own.
    if sniff::is_email(bytes) {
        return email::decode(bytes);
    }
    let (text, note) = sniff::to_text(bytes)?;
    let mut decoded = decode_sniffed(&text, sniff::sniff_text(&text)?)?;
    if let Some(note) = note {
        decoded.warnings.insert(0, note);
    }
    Ok(decoded)
}

/// The decoder of the format sniffing found, over the delivery's text.
fn decode_sniffed(text: &str, sniffed: sniff::Sniffed<'_>) -> Result<Decoded, DecodeError> {
    match sniffed {
        sniff::Sniffed::PlainText => plaintext::decode(text),
        sniff::Sniffed::Ninjs(delivery) => ninjs::decode(delivery),
        sniff::Sniffed::JsonFeed => feed::decode(text, Format::JsonFeed),
        sniff::Sniffed::ApMedia(value) => apmedia::decode(value),
        sniff::Sniffed::DigitalWires(value) => digitalwires::decode(value),
        sniff::Sniffed::Transmission(format) => anpa::decode(text, format),
        // Only a message the byte-level look missed (UTF-16 with a byte-order mark) gets here.
        sniff::Sniffed::Email => email::decode(text.as_bytes()),
        // The prolog is left behind: it was checked already, and a declared encoding would make
        // the parser re-decode text that is UTF-8 by now.
        sniff::Sniffed::Xml { format, root } => match format {
            Format::NewsmlG2 => newsml_g2::decode(&text[root..]),
            Format::Nitf => nitf::decode(&text[root..]),
            Format::Newsml1 => newsml1::decode(&text[root..]),
            Format::Ritzau => ritzau::decode(&text[root..]),
            _ => feed::decode(&text[root..], format),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiredesk_model::WireBody;

    /// JSON text for property tests: `leaves` (JSON literals) nested up to `depth` deep in
    /// arrays and in objects whose keys come from `keys`, a key possibly sent twice.
    pub(crate) fn json_text(
        leaves: Vec<&'static str>,
        keys: Vec<&'static str>,
        depth: u32,
        members: usize,
    ) -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop::sample::select(leaves)
            .prop_map(str::to_string)
            .prop_recursive(depth, 40, members as u32, move |inner| {
                let key = prop::sample::select(keys.clone());
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..3)
                        .prop_map(|v| format!("[{}]", v.join(","))),
                    prop::collection::vec((key, inner), 0..members).prop_map(|members| {
                        let members: Vec<String> = members
                            .iter()
                            .map(|(k, v)| format!("\"{k}\":{v}"))
                            .collect();
                        format!("{{{}}}", members.join(","))
                    }),
                ]
            })
    }

    pub(crate) fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn every_fixture_is_recognised_by_its_content() {
        let expected = [
            ("plain_agency.txt", Format::PlainText),
            ("plain_lines.txt", Format::PlainText),
            ("ninjs_1x.json", Format::Ninjs),
            ("ninjs_2x.json", Format::Ninjs),
            ("ninjs_3x.json", Format::Ninjs),
            ("ninjs_superdesk.json", Format::Ninjs),
            ("ninjs_array.json", Format::Ninjs),
            ("ninjs_bbc.json", Format::Ninjs),
            ("rss2.xml", Format::Rss),
            ("rss1.rdf", Format::Rss),
            ("atom.xml", Format::Atom),
            ("jsonfeed.json", Format::JsonFeed),
            ("newsml_g2.xml", Format::NewsmlG2),
            ("nitf.xml", Format::Nitf),
            ("newsml1.xml", Format::Newsml1),
            ("anpa.txt", Format::Anpa1312),
            ("iptc7901.txt", Format::Iptc7901),
            ("apmedia.json", Format::ApMedia),
            ("digitalwires.json", Format::DigitalWires),
            ("ritzau.xml", Format::Ritzau),
            ("ritzau_queue.xml", Format::Ritzau),
            ("email_alternative.eml", Format::Email),
            ("email_attachment.eml", Format::Email),
            ("email_latin1.eml", Format::Email),
        ];
        for (name, format) in expected {
            assert_eq!(sniff(&fixture(name)), Ok(format), "{name}");
            let decoded = decode(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(decoded.format, format, "{name}");
            assert!(!decoded.items.is_empty(), "{name}");
        }
    }

    #[test]
    fn format_names_are_stable() {
        let names: Vec<_> = [
            Format::PlainText,
            Format::Ninjs,
            Format::Rss,
            Format::Atom,
            Format::JsonFeed,
            Format::NewsmlG2,
            Format::Nitf,
            Format::Newsml1,
            Format::Iptc7901,
            Format::Anpa1312,
            Format::ApMedia,
            Format::DigitalWires,
            Format::Ritzau,
            Format::Email,
        ]
        .iter()
        .map(Format::as_str)
        .collect();
        assert_eq!(
            names,
            [
                "plain-text",
                "ninjs",
                "rss",
                "atom",
                "json-feed",
                "newsml-g2",
                "nitf",
                "newsml-1.2",
                "iptc-7901",
                "anpa-1312",
                "ap-media-api",
                "dpa-digitalwires",
                "ritzau-rbnews",
                "email"
            ]
        );
    }

    #[test]
    fn hostile_fixtures_are_refused_with_their_reason() {
        for name in ["xxe.xml", "billion_laughs.xml"] {
            let err = decode(&fixture(name)).unwrap_err();
            assert_eq!(err, DecodeError::XmlEntities, "{name}");
            assert_eq!(
                err.to_string(),
                "XML with entity declarations is refused (XXE / entity-expansion risk)"
            );
        }
    }

    #[test]
    fn a_file_with_a_file_name_extension_that_lies_is_still_decoded_by_content() {
        // The same ninjs bytes decode as ninjs whatever they are called; only content counts.
        let bytes = fixture("ninjs_2x.json");
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.format, Format::Ninjs);
        assert!(matches!(decoded.items[0].body, WireBody::Html(_)));
    }

    #[test]
    fn truncated_deliveries_are_refused_with_a_reason() {
        for name in [
            "ninjs_2x.json",
            "ninjs_3x.json",
            "jsonfeed.json",
            "rss2.xml",
            "atom.xml",
            "newsml_g2.xml",
            "nitf.xml",
            "newsml1.xml",
            "apmedia.json",
            "digitalwires.json",
            "ritzau.xml",
        ] {
            let bytes = fixture(name);
            for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() * 9 / 10] {
                let err = decode(&bytes[..cut]).expect_err(name);
                let message = err.to_string();
                assert!(
                    message.contains("truncated") || message.contains("malformed"),
                    "{name} cut at {cut}: {message}"
                );
            }
        }
    }

    #[test]
    fn refusals_read_as_reasons() {
        assert_eq!(decode(b"").unwrap_err().to_string(), "empty file");
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
                .unwrap_err()
                .to_string(),
            "binary data, not text (NUL bytes at offset 8)"
        );
        assert_eq!(
            decode(b"<x/>").unwrap_err().to_string(),
            "XML root <x> is not a supported format yet"
        );
        assert_eq!(
            decode(br#"{"uri": "urn:x:1", "type": "text"}"#)
                .unwrap_err()
                .to_string(),
            "JSON that is neither ninjs nor JSON Feed: missing `headline`/`headlines`"
        );
        assert_eq!(
            decode(b"<?xml version=\"1.0\"?>\n<newsMessage xmlns=\"http://iptc.org/std/nar/2006-10-01/\"/>")
                .unwrap_err()
                .to_string(),
            "NewsML-G2: the message holds no items"
        );
        let big = vec![b'a'; MAX_DELIVERY_BYTES * 36 / 25];
        assert_eq!(
            decode(&big).unwrap_err().to_string(),
            "file is 7.2 MB; the limit is 5 MB"
        );
    }

    #[test]
    fn text_in_another_character_set_is_read_and_the_reading_is_noted() {
        // Undeclared and not UTF-8: windows-1252, with a warning.
        let decoded = decode(b"Headline\n\nBody caf\xe9 \x93quoted\x94.").unwrap();
        assert_eq!(
            decoded.items[0].body,
            WireBody::Text("Body café “quoted”.".into())
        );
        assert_eq!(
            decoded.warnings,
            ["not valid UTF-8 at byte 18; read as windows-1252"]
        );
        // Declared ISO-8859-1 in the XML declaration.
        let decoded = decode(&fixture("newsml1.xml")).unwrap();
        assert!(decoded.items[0].body.as_str().contains("café"));
        // UTF-16 with a byte-order mark, both byte orders, and UTF-16 XML without one.
        let text = "<nitf><head/><body><body.head><hedline><hl1>Café</hl1></hedline></body.head><body.content><p>B</p></body.content></body></nitf>";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let bare: Vec<u8> = format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>{text}")
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        for bytes in [le, be, bare] {
            assert_eq!(decode(&bytes).unwrap().items[0].headline, "Café");
        }
        // A stale 8-bit declaration on UTF-8 bytes: the bytes win, with a note.
        let stale = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><nitf><body><body.head><hedline><hl1>Café</hl1></hedline></body.head></body></nitf>";
        let decoded = decode(stale.as_bytes()).unwrap();
        assert_eq!(decoded.items[0].headline, "Café");
        assert_eq!(
            decoded.warnings[0],
            "the file declares windows-1252 but is valid UTF-8; read as UTF-8"
        );
        // A charset= outside XML (a MIME-ish header line) counts as a declaration too.
        let decoded = decode(b"Content: text; charset=iso-8859-15\n\nBody \xa4 5.").unwrap();
        assert!(decoded.items[0].body.as_str().contains("€ 5"));
    }

    #[test]
    fn error_messages_never_mention_rust_types() {
        let errors = [
            decode(b"{\"uri\": 5, \"headline\": \"x\"}").unwrap_err(),
            decode(b"<rss version=\"2.0\"><channel></channel></rss>").unwrap_err(),
            decode(b"{").unwrap_err(),
        ];
        for e in errors {
            let m = e.to_string();
            assert!(!m.contains("Option<") && !m.contains("::"), "{m}");
        }
    }
}
