use wiredesk_model::WireBody;

use crate::tests::fixture;
use crate::{DecodeError, Format, decode, sniff};

fn item(name: &str) -> (wiredesk_model::WireItem, Vec<String>) {
    let decoded = decode(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(decoded.format, Format::Email, "{name}");
    assert_eq!(decoded.items.len(), 1, "{name}");
    (decoded.items[0].clone(), decoded.warnings)
}

#[test]
fn multipart_alternative_gives_the_html_part_and_decoded_headers() {
    let (item, warnings) = item("email_alternative.eml");
    assert_eq!(item.headline, "Köln: Dom öffnet nach Sturmschäden wieder");
    assert_eq!(item.byline.as_deref(), Some("Jörg Müller"));
    assert_eq!(
        item.uri.as_deref(),
        Some("mid:20261106091358.7731@wire.example")
    );
    assert_eq!(
        item.version_created,
        Some("2026-11-06T08:13:58Z".parse().unwrap())
    );
    assert_eq!(item.first_created, item.version_created);
    assert_eq!(item.language.as_deref(), Some("de"));
    assert_eq!(item.keywords, ["Köln", "Dom", "Sturm"]);
    assert_eq!(item.agency, None, "a sender is no agency");
    let WireBody::Html(html) = &item.body else {
        panic!("the HTML part is the body: {:?}", item.body)
    };
    assert!(
        html.starts_with("<p>KÖLN, 6. Nov (WDN) - Der Dom"),
        "{html}"
    );
    assert!(html.contains("400.000&nbsp;Euro"), "{html}");
    assert!(
        !html.contains("Newsletter") && !html.contains("margin"),
        "the document's head is no copy: {html}"
    );
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn pictures_attached_are_described_associations_and_documents_are_left_out() {
    let (item, warnings) = item("email_attachment.eml");
    assert_eq!(
        item.headline,
        "Harbour opens tidal turbine hall to visitors"
    );
    assert_eq!(
        item.byline.as_deref(),
        Some("Portmere Harbour Press Office")
    );
    let WireBody::Text(text) = &item.body else {
        panic!("plain copy: {:?}", item.body)
    };
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(paragraphs.len(), 2, "{text}");
    assert!(
        paragraphs[0].starts_with(
            "PORTMERE, Nov 7 (WDN) - The harbour will open its tidal turbine hall to visitors"
        ),
        "hard wrapping joined: {text}"
    );
    assert_eq!(item.associations.len(), 1, "{:?}", item.associations);
    let picture = &item.associations[0];
    assert_eq!(picture.name, "picture1");
    assert_eq!(picture.kind, "picture");
    assert_eq!(
        picture.uri.as_deref(),
        Some("cid:hall-1@portmere-harbour.example")
    );
    assert_eq!(picture.headline.as_deref(), Some("turbine-hall.png"));
    assert_eq!(
        picture.caption.as_deref(),
        Some("The turbine hall before its opening")
    );
    assert!(picture.renditions.is_empty(), "no public file to point at");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("tour-times.pdf (application/pdf) left out"),
        "{warnings:?}"
    );
}

#[test]
fn an_8bit_latin1_body_and_a_windows_1252_subject_are_read_in_their_charsets() {
    let (item, _) = item("email_latin1.eml");
    assert_eq!(
        item.headline, "Café owners “relieved” as sea wall reopens",
        "two encoded words joined across the fold"
    );
    assert_eq!(item.byline, None, "an address alone is no byline");
    assert!(
        item.body
            .as_str()
            .starts_with("PORTMERE, Nov 8 (WDN) - Café owners"),
        "{}",
        item.body.as_str()
    );
    assert_eq!(
        item.version_created,
        Some("2026-11-08T16:45:10Z".parse().unwrap())
    );
}

#[test]
fn mbox_separators_blank_lines_and_a_missing_subject_are_lived_with() {
    let mail = b"\n   \nFrom wire@x.example Sat Nov  7 11:02:00 2026\nFrom: A <a@x.example>\nTo: b@x.example\nDate: nonsense\n\nCopy with no subject.\n";
    assert_eq!(sniff(mail), Ok(Format::Email));
    let decoded = decode(mail).unwrap();
    let item = &decoded.items[0];
    assert_eq!(item.headline, "");
    assert_eq!(item.body.as_str(), "Copy with no subject.");
    assert_eq!(item.version_created, None);
    assert!(
        decoded.warnings.iter().any(|w| w.contains("no subject"))
            && decoded.warnings.iter().any(|w| w.contains("\"nonsense\"")),
        "{:?}",
        decoded.warnings
    );
}

#[test]
fn a_message_without_text_is_refused_with_what_it_held() {
    let only_picture = b"From: a@x.example\nTo: b@x.example\nSubject: Photo\nMIME-Version: 1.0\nContent-Type: image/jpeg\nContent-Transfer-Encoding: base64\n\n/9j/4AAQ\n";
    let err = decode(only_picture).unwrap_err();
    assert!(
        matches!(
            err,
            DecodeError::Refused {
                format: Format::Email,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("a picture alone is not a story"),
        "{err}"
    );
    let empty = b"From: a@x.example\nTo: b@x.example\nSubject: Nothing\n\n  \n";
    assert_eq!(
        decode(empty).unwrap_err().to_string(),
        "e-mail message: the message carries no text"
    );
}

#[test]
fn copy_that_only_mentions_mail_headers_stays_plain_text() {
    let copy = b"From: the desk\n\nPortmere, Nov 6 (WDN) Talks will start.";
    assert_eq!(sniff(copy), Ok(Format::PlainText));
}
