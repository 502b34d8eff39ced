//! Plain-text agency copy: the headline on the first line, paragraphs below it.
//!
//! Owns: splitting headline from body and the body into paragraphs.
//! Must not: find or strip the dateline (the normalize stage does), or guess an id or an agency.

use wiredesk_model::{WireBody, WireItem};

use crate::{DecodeError, Decoded, Format};

/// Longer than any headline an agency writes; a first line this long is a paragraph, meaning the
/// file has no headline line at all.
pub(crate) const MAX_HEADLINE_CHARS: usize = 300;

pub(crate) fn decode(text: &str) -> Result<Decoded, DecodeError> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let headline = lines.next().map(str::trim).unwrap_or_default();
    let chars = headline.chars().count();
    if chars > MAX_HEADLINE_CHARS {
        return Err(DecodeError::HeadlineTooLong {
            chars,
            limit: MAX_HEADLINE_CHARS,
        });
    }
    let body_lines: Vec<&str> = lines.map(str::trim).collect();
    let paragraphs = paragraphs(&body_lines);
    if paragraphs.is_empty() {
        return Err(DecodeError::NoBody);
    }
    let item = WireItem {
        headline: headline.to_string(),
        body: WireBody::Text(paragraphs.join("\n\n")),
        ..WireItem::default()
    };
    Ok(Decoded {
        format: Format::PlainText,
        items: vec![item],
        warnings: Vec::new(),
    })
}

/// Blank lines separate paragraphs, and the lines inside one are its hard wrapping. Copy with no
/// blank line at all puts one paragraph on each line.
pub(crate) fn paragraphs(lines: &[&str]) -> Vec<String> {
    if !lines.iter().any(|l| l.is_empty()) {
        return lines.iter().map(|l| l.to_string()).collect();
    }
    lines
        .split(|l| l.is_empty())
        .filter(|block| !block.is_empty())
        .map(|block| block.join(" "))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::fixture;

    fn body(decoded: &Decoded) -> &str {
        decoded.items[0].body.as_str()
    }

    #[test]
    fn the_first_line_is_the_headline_and_blank_lines_separate_paragraphs() {
        let decoded = crate::decode(&fixture("plain_agency.txt")).unwrap();
        assert_eq!(decoded.format, Format::PlainText);
        let item = &decoded.items[0];
        assert_eq!(
            item.headline,
            "Harbour city opens its first tidal power station"
        );
        assert!(matches!(item.body, WireBody::Text(_)));
        let paragraphs: Vec<_> = body(&decoded).split("\n\n").collect();
        assert_eq!(paragraphs.len(), 3, "{paragraphs:#?}");
        assert!(paragraphs[0].starts_with("Portmere, Nov 6 (WDN) The city"));
        // Hard-wrapped lines of one paragraph are joined with a space.
        assert!(
            paragraphs[0].contains("turbines on Thursday, making"),
            "{}",
            paragraphs[0]
        );
        assert_eq!(item.uri, None);
        assert_eq!(item.agency, None);
        assert_eq!(item.dateline_text, None, "datelines are found by normalize");
    }

    #[test]
    fn copy_without_blank_lines_has_one_paragraph_per_line() {
        let decoded = crate::decode(&fixture("plain_lines.txt")).unwrap();
        assert_eq!(
            decoded.items[0].headline,
            "Ferry timetable changes for winter"
        );
        assert_eq!(body(&decoded).split("\n\n").count(), 3);
        assert!(!body(&decoded).contains('\r'));
    }

    #[test]
    fn crlf_and_a_bom_are_normalised_away() {
        let decoded = crate::decode(
            b"\xEF\xBB\xBF  Headline here \r\n\r\nFirst para\r\nwrapped.\r\n\r\nSecond.\r\n",
        )
        .unwrap();
        assert_eq!(decoded.items[0].headline, "Headline here");
        assert_eq!(body(&decoded), "First para wrapped.\n\nSecond.");
    }

    #[test]
    fn leading_blank_lines_do_not_make_an_empty_headline() {
        let decoded = crate::decode(b"\n\n   \nThe headline\nBody line.").unwrap();
        assert_eq!(decoded.items[0].headline, "The headline");
        assert_eq!(body(&decoded), "Body line.");
    }

    #[test]
    fn a_headline_alone_is_refused() {
        assert_eq!(
            crate::decode(b"Just a headline\n\n  \n").unwrap_err(),
            DecodeError::NoBody
        );
        assert_eq!(
            DecodeError::NoBody.to_string(),
            "plain text has a headline but no body"
        );
    }

    #[test]
    fn a_paragraph_in_place_of_a_headline_is_refused() {
        let long = format!("{}\n\nBody.", "word ".repeat(80));
        let err = crate::decode(long.as_bytes()).unwrap_err();
        assert_eq!(
            err,
            DecodeError::HeadlineTooLong {
                chars: 399,
                limit: 300
            }
        );
        assert!(err.to_string().starts_with("first line is 399 characters"));
    }

    #[test]
    fn a_headline_of_exactly_the_limit_is_accepted() {
        let text = format!("{}\nBody.", "é".repeat(MAX_HEADLINE_CHARS));
        assert!(crate::decode(text.as_bytes()).is_ok());
    }

    #[test]
    fn wire_framing_control_characters_are_refused() {
        let err = crate::decode(b"\x01ZCZC 123\r\n\x02Headline\r\nBody\x03").unwrap_err();
        assert_eq!(err, DecodeError::ControlCharacter { byte: 1, offset: 0 });
        assert!(
            err.to_string()
                .starts_with("control character 0x01 at byte 0:"),
            "{err}"
        );
    }

    #[test]
    fn utf16_with_a_bom_is_transcoded() {
        let text = "Headline\n\nBody with ü.";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        for bytes in [le, be] {
            let decoded = crate::decode(&bytes).unwrap();
            assert_eq!(decoded.items[0].headline, "Headline");
            assert_eq!(body(&decoded), "Body with ü.");
        }
    }

    #[test]
    fn utf16_without_a_bom_is_named_as_such() {
        let bytes: Vec<u8> = "Headline\n\nBody."
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let message = crate::decode(&bytes).unwrap_err().to_string();
        assert_eq!(
            message,
            "binary data, not text (NUL bytes at offset 1); it looks like UTF-16 without a \
             byte-order mark"
        );
    }

    #[test]
    fn broken_utf16_is_refused_with_the_place() {
        let err = crate::decode(&[0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not valid UTF-16 text: unpaired surrogate 0xD800 at byte 4"
        );
        let err = crate::decode(&[0xFF, 0xFE, b'a', 0, b'b']).unwrap_err();
        assert!(err.to_string().contains("odd number of bytes"), "{err}");
    }

    #[test]
    fn an_email_is_not_mistaken_for_copy() {
        let mail = b"Received: from mx.example.org\nFrom: desk@example.org\nTo: wire@example.org\nSubject: Copy\n\nBody.";
        let decoded = crate::decode(mail).unwrap();
        assert_eq!(decoded.format, Format::Email);
        assert_eq!(decoded.items[0].headline, "Copy");
        // A headline with a colon is still a headline.
        let copy = b"Date: set for harbour talks\n\nPortmere, Nov 6 (WDN) Talks will start.";
        assert_eq!(
            crate::decode(copy).unwrap().items[0].headline,
            "Date: set for harbour talks"
        );
    }

    #[test]
    fn whitespace_only_is_refused() {
        assert_eq!(
            crate::decode(b" \n\t\r\n ").unwrap_err(),
            DecodeError::Blank
        );
        assert_eq!(
            crate::decode(b"\xEF\xBB\xBF").unwrap_err(),
            DecodeError::Blank
        );
    }
}
