//! The architecture invariant, tested: `decode` returns, whatever it is given.

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::{decode, sniff};

fn fixtures() -> &'static [(String, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(read_fixtures)
}

fn read_fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable testdata entry").path())
        .filter(|path| path.is_file())
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).expect("readable fixture"))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 10, "testdata/ lost its fixtures");
    files
}

/// Whatever `decode` answers must be consistent: an accepted delivery has items, and its format
/// is the one `sniff` reports.
fn check(bytes: &[u8], context: &str) {
    if let Ok(decoded) = decode(bytes) {
        assert!(
            !decoded.items.is_empty(),
            "{context}: accepted with no items"
        );
        assert_eq!(sniff(bytes), Ok(decoded.format), "{context}");
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Truncate { at: usize },
    Insert { at: usize, byte: u8 },
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        (at, 1..=255u8).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        at.prop_map(|at| Mutation::Truncate { at }),
        (
            at,
            prop_oneof![
                Just(b'<'),
                Just(b'>'),
                Just(b'{'),
                Just(b'"'),
                Just(b'&'),
                Just(0u8),
                Just(0xFFu8),
                any::<u8>()
            ]
        )
            .prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        (at, 1..64usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (at, 1..256usize).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let len = bytes.len();
    match *m {
        Mutation::Flip { at, mask } => bytes[at % len] ^= mask,
        Mutation::Truncate { at } => bytes.truncate(at % len),
        Mutation::Insert { at, byte } => bytes.insert(at % (len + 1), byte),
        Mutation::Delete { at, len: n } => {
            let start = at % len;
            bytes.drain(start..(start + n).min(len));
        }
        Mutation::Duplicate { at, len: n } => {
            let start = at % len;
            let copy = bytes[start..(start + n).min(len)].to_vec();
            bytes.splice(start..start, copy);
        }
    }
}

/// Keys every decoder looks at, so random JSON reaches the adapters and not only the sniffer.
const KEYS: &[&str] = &[
    "uri",
    "guid",
    "version",
    "headline",
    "headlines",
    "bodies",
    "body_html",
    "body_text",
    "descriptions",
    "description_text",
    "subject",
    "subjects",
    "infosource",
    "infoSources",
    "pubstatus",
    "pubStatus",
    "versioncreated",
    "versionCreated",
    "firstcreated",
    "embargoed",
    "embargoedUntil",
    "links",
    "keywords",
    "by",
    "byline",
    "role",
    "value",
    "contenttype",
    "contentType",
    "name",
    "code",
    "scheme",
    "literal",
    "href",
    "rel",
    "items",
    "title",
    "id",
    "content_html",
    "content_text",
    "summary",
    "url",
    "date_published",
    "tags",
    "authors",
    "urgency",
    "item",
    "total",
    "type",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("https://jsonfeed.org/version/1.1"),
            Just("usable"),
            Just("canceled"),
            Just("text/html"),
            Just("2026-11-06T09:30:00Z"),
            Just("main"),
            Just("<p>x</p>"),
            Just("4294967296"),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|pairs| {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// 512 by default; `PROPTEST_CASES` raises it for a longer soak.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check(&bytes, "");
    }

    #[test]
    fn decode_never_panics_on_arbitrary_text(text in any::<String>()) {
        check(text.as_bytes(), "");
    }

    #[test]
    fn decode_never_panics_on_text_that_starts_like_a_format(
        head in prop::sample::select(vec![
            "{", "[", "<", "<?xml version=\"1.0\"?>", "<rss version=\"2.0\">", "<feed>",
            "<rdf:RDF>", "<!DOCTYPE rss [", "<!--", "\u{feff}", "\u{feff}{\"uri\":\"u\",",
            "{\"version\":\"https://jsonfeed.org/version/1\",\"items\":[",
            "<newsMessage><itemSet><newsItem guid=\"g\">", "<newsItem guid=\"g\"><contentMeta><headline>",
            "<nitf><head><docdata>", "<nitf><body><body.content>", "<NewsML><NewsItem>",
            "\u{1}abc123 3 i 42  dpa 1\r\n\r\nslug/\r\n\u{2}",
            "\u{16}\u{16}\u{1}W1234\u{1f}sel\r\nr a\u{13}\u{11} BC-X 11-13 0042\r\n\u{2}^",
            "{\"format\":\"digitalwires@1\",\"urn\":\"u\",", "{\"api_version\":\"2\",\"data\":",
            "<RBNews><NewsID>n</NewsID><content>", "<XMLNewsQueuedResponse><XMLNewsQueuedResult><ListOfRBNews><RBNews>",
            "{\"total\":1,\"item\":[{\"uri\":\"u\",\"headline\":",
            "From: a@x\nTo: b@x\nSubject: s\n\n", "Received: x\nFrom: a\nSubject: =?utf-8?Q?",
        ]),
        tail in ".{0,256}",
    ) {
        check(format!("{head}{tail}").as_bytes(), "");
    }

    #[test]
    fn decode_never_panics_on_mutated_fixtures(
        index in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let files = fixtures();
        let (name, original) = &files[index.index(files.len())];
        let mut bytes = original.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        check(&bytes, name);
    }

    #[test]
    fn decode_never_panics_on_ninjs_and_json_feed_shaped_json(
        value in json_value(),
        id in prop::sample::select(vec!["uri", "guid", "version"]),
        headline in prop::sample::select(vec!["headline", "headlines", "bodies", "body_html", "items"]),
    ) {
        // Put the keys the sniffer wants at the top so the adapters see the random rest.
        let mut object = match value {
            Value::Object(map) => map,
            other => [("headline".to_string(), other)].into_iter().collect(),
        };
        object.entry(id).or_insert_with(|| Value::String("https://jsonfeed.org/version/1.1".into()));
        object.entry(headline).or_insert(Value::String("H".into()));
        check(Value::Object(object).to_string().as_bytes(), "");
    }
}

/// Element names the XML decoders look for, so random trees reach the adapters.
const XML_NAMES: &[&str] = &[
    "newsMessage",
    "itemSet",
    "newsItem",
    "packageItem",
    "itemMeta",
    "contentMeta",
    "contentSet",
    "itemClass",
    "pubStatus",
    "signal",
    "headline",
    "subheadline",
    "by",
    "dateline",
    "located",
    "name",
    "subject",
    "keyword",
    "inlineXML",
    "inlineData",
    "remoteContent",
    "nitf",
    "head",
    "docdata",
    "doc-id",
    "body",
    "body.head",
    "body.content",
    "hedline",
    "hl1",
    "p",
    "NewsML",
    "NewsItem",
    "NewsComponent",
    "NewsLines",
    "HeadLine",
    "DataContent",
    "ContentItem",
    "Identification",
    "NewsIdentifier",
    "RevisionId",
    "Status",
    "versionCreated",
    "embargoed",
    "RBNews",
    "NewsID",
    "PublishDate",
    "content",
    "Priority",
    "IPTCList",
    "int",
    "Annuleret",
    "ListOfRBNews",
    "XMLNewsQueuedResult",
    "error",
];

const XML_ATTRS: &[&str] = &[
    "guid",
    "version",
    "qcode",
    "xml:lang",
    "contenttype",
    "role",
    "id-string",
    "management-status",
    "norm",
    "FormalName",
    "residref",
    "literal",
    "tag",
    "version",
];

fn xml_tree() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        "[a-zA-Z0-9 :&;<>\"]{0,16}".prop_map(|t| html_escape::encode_text(&t).into_owned()),
        Just("stat:canceled".to_string()),
        Just("ninat:picture".to_string()),
        Just("2026-11-06T09:30:00Z".to_string()),
        Just("&amp;&#233;&nbsp;".to_string()),
    ];
    leaf.prop_recursive(6, 64, 5, |inner| {
        (
            prop::sample::select(XML_NAMES),
            prop::collection::vec((prop::sample::select(XML_ATTRS), "[a-z0-9:.-]{0,10}"), 0..3),
            prop::collection::vec(inner, 0..5),
        )
            .prop_map(|(name, attrs, children)| {
                let mut seen = std::collections::HashSet::new();
                let attrs: String = attrs
                    .into_iter()
                    .filter(|(k, _)| seen.insert(*k))
                    .map(|(k, v)| format!(" {k}=\"{v}\""))
                    .collect();
                format!("<{name}{attrs}>{}</{name}>", children.concat())
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_g2_nitf_and_newsml_shaped_xml(
        root in prop::sample::select(vec![
            "newsMessage", "newsItem", "packageItem", "nitf", "NewsML", "RBNews",
            "XMLNewsQueuedResponse",
        ]),
        inner in prop::collection::vec(xml_tree(), 0..4),
    ) {
        check(format!("<?xml version=\"1.0\"?><{root}>{}</{root}>", inner.concat()).as_bytes(), "");
    }

    #[test]
    fn decode_never_panics_on_transmission_framed_text(
        head in prop::sample::select(vec![
            "\u{1}abc123 3 i 42  dpa 1\r\n\r\nslug/\r\n\u{2}",
            "\u{16}\u{16}\u{1}W1234\u{1f}sel\r\nr a\u{13}\u{11} BC-X 11-13 0042\r\n\u{2}",
            "\u{1}\u{2}", "\u{1}W\u{1f}\u{2}",
        ]),
        body in prop::collection::vec(
            prop_oneof![
                Just("^".to_string()), Just("=".to_string()), Just("<".to_string()),
                Just("\r\n".to_string()), Just("\t   ".to_string()), Just("\u{3}".to_string()),
                Just("By X".to_string()), Just("BC-X--Y,12".to_string()), Just("GMT".to_string()),
                "[ -~]{0,20}",
            ],
            0..40,
        ),
    ) {
        check(format!("{head}{}", body.concat()).as_bytes(), "");
    }
}

/// Pieces of e-mail messages, so random messages reach MIME, the transfer encodings, the
/// charsets and the lenient header reading, not only the sniffer.
fn mail_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Subject: =?utf-8?B?SGVhZGxpbmU=?=\n".to_string()),
        Just("Subject: =?windows-1252?Q?Caf=E9_\u{2019}x?=\n".to_string()),
        Just("Subject: =?x?Q?=?= =?utf-8?B?====?=\n".to_string()),
        Just("From: =?iso-8859-1?Q?J=F6rg?= <j@x>\n".to_string()),
        Just("From: <@>,,\n".to_string()),
        Just("Date: Fri, 6 Nov 2026 09:13:58 +0100 (CET)\n".to_string()),
        Just("Date: 31 Feb 99999 99:99 +9999\n".to_string()),
        Just("Message-ID: <a/b%c@x>\n".to_string()),
        Just("Content-Type: multipart/mixed; boundary=b\n".to_string()),
        Just("Content-Type: multipart/alternative; boundary=\"b\"\n".to_string()),
        Just("Content-Type: text/html; charset=iso-2022-jp\n".to_string()),
        Just("Content-Type: text/plain; charset=utf-16\n".to_string()),
        Just("Content-Type: image/png; name=a.png\n".to_string()),
        Just("Content-Type: message/rfc822\n".to_string()),
        Just("Content-Transfer-Encoding: base64\n".to_string()),
        Just("Content-Transfer-Encoding: quoted-printable\n".to_string()),
        Just("Content-ID: <c@x>\n".to_string()),
        Just("\n".to_string()),
        Just("--b\n".to_string()),
        Just("--b--\n".to_string()),
        Just("<html><body><p>x</p></body></html>\n".to_string()),
        Just("=E9=3D=\n".to_string()),
        Just("SGVsbG8=\n".to_string()),
        "[ -~]{0,30}\n",
        prop::collection::vec(any::<u8>(), 0..20)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_mail_shaped_text(
        pieces in prop::collection::vec(mail_piece(), 0..40),
    ) {
        let message = format!(
            "Received: from x\nTo: desk@x\nMIME-Version: 1.0\n{}",
            pieces.concat()
        );
        check(message.as_bytes(), "");
    }
}

#[test]
fn every_fixture_survives_every_single_truncation_point_of_its_head() {
    for (name, bytes) in fixtures() {
        for cut in 0..bytes.len().min(400) {
            check(&bytes[..cut], &format!("{name} cut at {cut}"));
        }
    }
}

#[test]
fn deeply_nested_input_is_refused_without_exhausting_the_stack() {
    let deep_json = "[".repeat(100_000);
    assert!(decode(deep_json.as_bytes()).is_err());
    let deep_xml = format!(
        "<rss version=\"2.0\"><channel><title>T</title><item><title>x</title><description>{}</description></item></channel></rss>",
        "<a>".repeat(200_000)
    );
    assert!(decode(deep_xml.as_bytes()).is_err());
    let deep_atom = format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id><title>t</title>{}{}</entry></feed>",
        "<x>".repeat(200_000),
        "</x>".repeat(200_000)
    );
    assert!(decode(deep_atom.as_bytes()).is_err());
    for root in ["newsItem", "nitf", "NewsML", "RBNews"] {
        let deep = format!(
            "<{root}>{}{}</{root}>",
            "<x>".repeat(200_000),
            "</x>".repeat(200_000)
        );
        let err = decode(deep.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("nested deeper than"), "{root}: {err}");
    }
}

/// Inputs the fuzzer (`fuzz/`, cargo-fuzz) found crashing something, kept as regressions.
#[test]
fn fuzzer_findings_are_refused_with_a_reason() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz");
    let second_declaration = std::fs::read(dir.join("atom-second-xml-declaration.bin")).unwrap();
    let err = crate::decode(&second_declaration).unwrap_err().to_string();
    // Refused before feed-rs sees it: its reader panics on a second declaration.
    assert!(err.contains("XML declaration in the middle"), "{err}");
    // The same, hidden from a textual look for CDATA: the `<![CDATA[` sits inside a quoted
    // attribute of a broken tag, so the declaration after it is markup to the XML reader.
    let quoted_cdata = std::fs::read(dir.join("rss-declaration-after-a-quoted-cdata.bin")).unwrap();
    let err = crate::decode(&quoted_cdata).unwrap_err().to_string();
    assert!(err.contains("XML declaration in the middle"), "{err}");
    // And past a bare `&`, where the strict tokenizer stops but feed-rs reads on.
    let bare_ampersand =
        std::fs::read(dir.join("rss-declaration-after-a-bare-ampersand.bin")).unwrap();
    let err = crate::decode(&bare_ampersand).unwrap_err().to_string();
    assert!(err.contains("XML declaration in the middle"), "{err}");
}
