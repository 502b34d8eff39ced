//! ninjs (IPTC News in JSON) 1.x, 2.x and 3.x, parsed into ninjs's own types.
//!
//! Owns: the ninjs field names of every version (1.x `headline`/`body_*`, 2.x `headlines`/
//! `bodies`/`infosources`, 3.x camelCase `versionCreated`/`embargoedUntil`/`infoSources`…) and
//! the Superdesk variant (`guid`, `source`, `authors`). The BBC's variant is a page of such
//! items (`{"total", "item": […]}`), which sniffing hands over as a batch.
//! Must not: decide what a field means for the newsroom; `adapter` maps these types to
//! `WireItem`.

mod adapter;
mod read;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

pub(crate) use read::read;
use read::text;

use crate::{DecodeError, Decoded, Format};

/// A delivery sniffing recognised as ninjs.
#[derive(Debug)]
pub(crate) enum Delivery<'a> {
    /// One item, read straight from the text.
    One(Box<NinjsItem<'a>>),
    /// A batch of items, every one read straight from the text.
    Batch(Vec<NinjsItem<'a>>),
    /// A file the quick reading could not vouch for, parsed whole by sniffing; read here the
    /// long way, which names the field at fault.
    Value(Value),
}

/// One ninjs item. Field names are the 1.x/2.x lower-case ones; 3.x camelCase names are aliases.
/// Text borrows from the delivery wherever the JSON string has no escapes.
///
/// `read` fills it (by hand, not by derive: the `body_*`/`description_*` pattern keys would
/// otherwise need `#[serde(flatten)]`, which buffers every key the item sends).
#[derive(Debug, Default)]
pub(crate) struct NinjsItem<'a> {
    pub uri: Option<Cow<'a, str>>,
    /// Superdesk's ninjs carries its id as `guid`.
    pub guid: Option<Cow<'a, str>>,
    /// `type`
    pub item_type: Option<Cow<'a, str>>,
    pub version: Option<Version>,
    /// `pubstatus`, 3.x `pubStatus`
    pub pubstatus: Option<Cow<'a, str>>,
    /// `firstcreated`, 3.x `firstCreated`
    pub firstcreated: Option<Cow<'a, str>>,
    /// `versioncreated`, 3.x `versionCreated`
    pub versioncreated: Option<Cow<'a, str>>,
    /// `embargoed`, 3.x `embargoedUntil`
    pub embargoed: Option<Cow<'a, str>>,
    pub language: Option<Cow<'a, str>>,
    pub slugline: Option<Cow<'a, str>>,
    /// 1.x
    pub headline: Option<Cow<'a, str>>,
    /// 2.x, 3.x
    pub headlines: Vec<Text<'a>>,
    /// 2.x, 3.x; 1.x sends `body_<format>` keys, found in `patterns`.
    pub bodies: Vec<Text<'a>>,
    /// 2.x, 3.x; 1.x sends `description_<format>` keys, found in `patterns`.
    pub descriptions: Vec<Text<'a>>,
    /// 1.x
    pub byline: Option<Cow<'a, str>>,
    /// 2.x, 3.x
    pub by: Option<Cow<'a, str>>,
    pub located: Option<Cow<'a, str>>,
    /// 1.x
    pub subject: Vec<Subject1<'a>>,
    /// 2.x, 3.x
    pub subjects: Vec<Subject2<'a>>,
    /// 1.x
    pub infosource: Vec<Party<'a>>,
    /// 2.x; 3.x spells it `infoSources`.
    pub infosources: Vec<Party<'a>>,
    /// `copyrightholder`, 3.x `copyrightHolder`
    pub copyrightholder: Option<Cow<'a, str>>,
    /// Superdesk's ninjs names the agency here.
    pub source: Option<Cow<'a, str>>,
    pub keywords: Vec<Cow<'a, str>>,
    /// 1.x: an object of name → item; 2.x/3.x: an array of items with a `name`.
    pub associations: crate::media::Node<'a>,
    /// The 1.x pattern properties (`body_html`, `description_text`, …) sorted by key.
    pub patterns: Vec<(Cow<'a, str>, Pattern<'a>)>,
    /// `provider`, in no ninjs schema: some producers send a name, some `{"name": …}`.
    pub provider: Option<Cow<'a, str>>,
    /// `links`, in no ninjs schema either, so read leniently: a list that does not read as
    /// links counts as none.
    pub links: Vec<Link>,
    /// `genre` (1.x), `genres` (2.x, 3.x): (code or uri, name).
    pub genres: Vec<(Option<String>, Option<String>)>,
    /// `urgency`: 1 (most urgent) to 9.
    pub urgency: Option<u64>,
    /// Whether the item sent a key that carries copy (`headline`, `headlines`, `bodies`,
    /// `body_*`), even as null: with an id, what makes JSON a ninjs story.
    pub copy_keys: bool,
}

/// The value of a pattern property: agencies send text, null for none, or now and then
/// something else, which the adapter warns about.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pattern<'a> {
    Text(Cow<'a, str>),
    Null,
    Other,
}

/// ninjs says `version` is a string; wires send numbers too.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Version {
    Text(String),
    Number(serde_json::Number),
}

/// A headline, body or description of 2.x/3.x.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Text<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub role: Option<Cow<'a, str>>,
    #[serde(
        borrow,
        alias = "contentType",
        alias = "mimetype",
        deserialize_with = "text"
    )]
    pub contenttype: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "text")]
    pub value: Option<Cow<'a, str>>,
}

/// A 1.x subject: `scheme` is a URI prefix, `code` the concept's id within it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Subject1<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "text")]
    pub scheme: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "text")]
    pub code: Option<Cow<'a, str>>,
    /// ninjs 1.3+ may name the concept by URI alone.
    #[serde(borrow, deserialize_with = "text")]
    pub uri: Option<Cow<'a, str>>,
}

/// A 2.x/3.x subject: `uri` is the concept's full URI, `literal` a free-text id.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Subject2<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "text")]
    pub uri: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "text")]
    pub literal: Option<Cow<'a, str>>,
}

/// An info source (agency, photographer, …) of any version.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Party<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "text")]
    pub role: Option<Cow<'a, str>>,
}

/// Not part of any published ninjs schema, but some producers link the web page this way.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Link {
    pub href: Option<String>,
    pub rel: Option<String>,
    #[serde(alias = "contentType", alias = "mimetype")]
    pub contenttype: Option<String>,
}

pub(crate) fn decode(delivery: Delivery<'_>) -> Result<Decoded, DecodeError> {
    let mut warnings = Vec::new();
    let items = match delivery {
        Delivery::One(item) => vec![adapter::wire_item(*item, &mut warnings)?],
        Delivery::Batch(items) => {
            let total = items.len();
            batch(items.into_iter().map(Ok), total, &mut warnings)?
        }
        Delivery::Value(Value::Array(list)) => {
            batch(list.iter().map(parse), list.len(), &mut warnings)?
        }
        Delivery::Value(single) => vec![adapter::wire_item(parse(&single)?, &mut warnings)?],
    };
    Ok(Decoded {
        format: Format::Ninjs,
        items,
        warnings,
    })
}

/// Each item of a batch that makes a story; the others are skipped with a warning.
fn batch<'a>(
    items: impl Iterator<Item = Result<NinjsItem<'a>, DecodeError>>,
    total: usize,
    warnings: &mut Vec<String>,
) -> Result<Vec<wiredesk_model::WireItem>, DecodeError> {
    let mut stories = Vec::new();
    let mut first_error = None;
    for (i, item) in items.enumerate() {
        match item.and_then(|item| adapter::wire_item(item, warnings)) {
            Ok(story) => stories.push(story),
            Err(e) => {
                warnings.push(format!("item {} of {total} skipped: {e}", i + 1));
                first_error.get_or_insert(e);
            }
        }
    }
    if stories.is_empty() {
        return Err(first_error.unwrap_or(DecodeError::Ninjs {
            reason: "array holds no items".into(),
        }));
    }
    Ok(stories)
}

fn parse(value: &Value) -> Result<NinjsItem<'_>, DecodeError> {
    let Value::Object(map) = value else {
        return Err(DecodeError::Ninjs {
            reason: "item is not a JSON object".into(),
        });
    };
    NinjsItem::deserialize(value).map_err(|whole| {
        // serde's message names the expected type but not the field; find the field by
        // retrying one key at a time, which costs nothing on the happy path.
        let culprit = map.iter().find_map(|(key, v)| {
            let single = Value::Object([(key.clone(), v.clone())].into_iter().collect());
            NinjsItem::deserialize(&single).err().map(|e| (key, e))
        });
        DecodeError::Ninjs {
            reason: match culprit {
                Some((key, e)) => format!("field `{key}`: {e}"),
                None => whole.to_string(),
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::fixture;
    use wiredesk_model::WireBody;

    #[test]
    fn a_genre_that_is_a_note_to_editors_is_not_for_publication() {
        let decoded = crate::decode(&fixture("ninjs_advisory.json")).unwrap();
        assert_eq!(
            decoded.items[0].not_for_publication.as_deref(),
            Some("genre \"Nota a la redacción\" (wdngenre:ednote): a note to editors")
        );
        for news in ["ninjs_1x.json", "ninjs_2x.json", "ninjs_3x.json"] {
            let decoded = crate::decode(&fixture(news)).unwrap();
            assert!(
                decoded
                    .items
                    .iter()
                    .all(|i| i.not_for_publication.is_none()),
                "{news}"
            );
        }
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named() {
        let json = br#"{"uri": "urn:x:1", "headline": "Fine", "headlines": "not an array"}"#;
        let err = crate::decode(json).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ninjs field `headlines`: invalid type: string \"not an array\", expected a sequence"
        );
    }

    #[test]
    fn a_ninjs_event_is_refused_as_not_a_story() {
        let json = br#"{"uri": "urn:x:ev", "type": "event", "title": "Press conference", "eventDetails": {}}"#;
        assert_eq!(
            crate::decode(json).unwrap_err().to_string(),
            "ninjs item urn:x:ev is an event or planning item, not a story (it has no headline)"
        );
    }

    #[test]
    fn null_lists_mean_empty_lists() {
        let json = serde_json::json!({
            "guid": "urn:x:1", "headline": "H", "body_html": "<p>B</p>",
            "subject": null, "keywords": null, "headlines": null, "bodies": null,
        });
        let decoded = crate::decode(json.to_string().as_bytes()).unwrap();
        assert_eq!(decoded.items[0].headline, "H");
    }

    #[test]
    fn version_may_be_a_string_or_a_number() {
        for version in [serde_json::json!("3"), serde_json::json!(3)] {
            let json = serde_json::json!({"uri": "urn:x:1", "headline": "H", "body_text": "B", "version": version});
            let decoded = crate::decode(json.to_string().as_bytes()).unwrap();
            assert_eq!(decoded.items[0].version, Some(3));
        }
    }

    #[test]
    fn the_bbc_variant_is_a_page_of_ninjs_items() {
        let decoded = crate::decode(&fixture("ninjs_bbc.json")).unwrap();
        assert_eq!(decoded.format, Format::Ninjs);
        let [item] = decoded.items.as_slice() else {
            panic!("one story: {:?}", decoded.items);
        };
        assert_eq!(
            item.uri.as_deref(),
            Some("https://ldrs.wire.example/stories/4821")
        );
        assert_eq!(
            item.headline,
            "Council approves new footbridge over the harbour"
        );
        assert_eq!(item.urgency, Some(3));
        assert_eq!(item.byline.as_deref(), Some("Ines Calloway"));
        assert!(matches!(&item.body, WireBody::Html(b) if b.starts_with("<p>Portmere")));
        let subjects: Vec<_> = item
            .subjects
            .iter()
            .map(|s| (s.code.as_str(), s.name.as_deref()))
            .collect();
        assert_eq!(
            subjects,
            [
                ("category:planning-permission", Some("Planning Permission")),
                ("location:portmere", Some("Portmere")),
            ]
        );
        let [picture] = item.associations.as_slice() else {
            panic!("one picture: {:?}", item.associations);
        };
        assert_eq!(picture.kind, "picture");
        assert_eq!(
            picture.caption.as_deref(),
            Some("A drawing of the planned footbridge.")
        );
        assert_eq!(
            picture.renditions[0].href,
            "https://ldrs.wire.example/img/footbridge.png"
        );
        assert_eq!(item.not_for_publication, None, "type story is news");
        // The BBC writes its times without an offset; ninjs requires one, so they are left
        // out, each with a warning.
        assert_eq!(item.first_created, None);
        assert_eq!(decoded.warnings.len(), 2, "{:?}", decoded.warnings);
    }

    #[test]
    fn urgency_is_a_number_or_a_string_of_digits() {
        for (sent, read) in [
            (serde_json::json!(2), Some(2)),
            (serde_json::json!("4"), Some(4)),
            (serde_json::json!("flash"), None),
            (serde_json::json!(300), None),
            (serde_json::Value::Null, None),
        ] {
            let json = serde_json::json!({"uri": "urn:x:1", "headline": "H", "body_text": "B", "urgency": sent});
            let decoded = crate::decode(json.to_string().as_bytes()).unwrap();
            assert_eq!(decoded.items[0].urgency, read, "{sent}");
        }
    }

    #[test]
    fn camel_case_3x_names_are_read() {
        let json = serde_json::json!({
            "uri": "urn:x:1",
            "versionCreated": "2024-01-02T03:04:05Z",
            "firstCreated": "2024-01-01T00:00:00Z",
            "embargoedUntil": "2024-01-03T00:00:00Z",
            "pubStatus": "withheld",
            "copyrightHolder": "WDN",
            "infoSources": [{"name": "Wire Desk News", "role": "originator"}],
            "bodies": [{"contentType": "text/html", "value": "<p>x</p>"}],
        });
        let text = json.to_string();
        let Some(Delivery::One(item)) = read(&text) else {
            panic!("not read straight from the text");
        };
        assert_eq!(item.versioncreated.as_deref(), Some("2024-01-02T03:04:05Z"));
        assert_eq!(item.firstcreated.as_deref(), Some("2024-01-01T00:00:00Z"));
        assert_eq!(item.embargoed.as_deref(), Some("2024-01-03T00:00:00Z"));
        assert_eq!(item.pubstatus.as_deref(), Some("withheld"));
        assert_eq!(item.copyrightholder.as_deref(), Some("WDN"));
        assert_eq!(item.infosources[0].name.as_deref(), Some("Wire Desk News"));
        assert_eq!(item.bodies[0].contenttype.as_deref(), Some("text/html"));
    }
}
