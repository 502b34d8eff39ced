//! ninjs (IPTC News in JSON) 1.x, 2.x and 3.x, parsed into ninjs's own types.
//!
//! Owns: the ninjs field names of every version (1.x `headline`/`body_*`, 2.x `headlines`/
//! `bodies`/`infosources`, 3.x camelCase `versionCreated`/`embargoedUntil`/`infoSources`…) and
//! the Superdesk variant (`guid`, `source`, `authors`).
//! Must not: decide what a field means for the newsroom; `adapter` maps these types to
//! `WireItem`.

mod adapter;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::{DecodeError, Decoded, Format};

/// One ninjs item. Field names are the 1.x/2.x lower-case ones; 3.x camelCase names are aliases.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct NinjsItem {
    pub uri: Option<String>,
    /// Superdesk's ninjs carries its id as `guid`.
    pub guid: Option<String>,
    #[serde(rename = "type")]
    pub item_type: Option<String>,
    pub version: Option<Version>,
    #[serde(alias = "pubStatus")]
    pub pubstatus: Option<String>,
    #[serde(alias = "firstCreated")]
    pub firstcreated: Option<String>,
    #[serde(alias = "versionCreated")]
    pub versioncreated: Option<String>,
    #[serde(alias = "embargoedUntil")]
    pub embargoed: Option<String>,
    pub language: Option<String>,
    pub slugline: Option<String>,
    /// 1.x
    pub headline: Option<String>,
    /// 2.x, 3.x
    #[serde(deserialize_with = "nullable")]
    pub headlines: Vec<Text>,
    /// 2.x, 3.x; 1.x sends `body_<format>` keys, found in `other`.
    #[serde(deserialize_with = "nullable")]
    pub bodies: Vec<Text>,
    /// 2.x, 3.x; 1.x sends `description_<format>` keys, found in `other`.
    #[serde(deserialize_with = "nullable")]
    pub descriptions: Vec<Text>,
    /// 1.x
    pub byline: Option<String>,
    /// 2.x, 3.x
    pub by: Option<String>,
    pub located: Option<String>,
    /// 1.x
    #[serde(deserialize_with = "nullable")]
    pub subject: Vec<Subject1>,
    /// 2.x, 3.x
    #[serde(deserialize_with = "nullable")]
    pub subjects: Vec<Subject2>,
    /// 1.x
    #[serde(deserialize_with = "nullable")]
    pub infosource: Vec<Party>,
    /// 2.x; 3.x spells it `infoSources`.
    #[serde(alias = "infoSources", deserialize_with = "nullable")]
    pub infosources: Vec<Party>,
    #[serde(alias = "copyrightHolder")]
    pub copyrightholder: Option<String>,
    /// Superdesk's ninjs names the agency here.
    pub source: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub keywords: Vec<String>,
    /// 1.x: an object of name → item; 2.x/3.x: an array of items with a `name`.
    pub associations: Value,
    /// Pattern properties (`body_html`, `description_text`, …) and everything not modelled.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// Producers write `null` for an empty list; it means the same as leaving the key out.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
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
pub(crate) struct Text {
    pub role: Option<String>,
    #[serde(alias = "contentType", alias = "mimetype")]
    pub contenttype: Option<String>,
    pub value: Option<String>,
}

/// A 1.x subject: `scheme` is a URI prefix, `code` the concept's id within it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Subject1 {
    pub name: Option<String>,
    pub scheme: Option<String>,
    pub code: Option<String>,
    /// ninjs 1.3+ may name the concept by URI alone.
    pub uri: Option<String>,
}

/// A 2.x/3.x subject: `uri` is the concept's full URI, `literal` a free-text id.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Subject2 {
    pub name: Option<String>,
    pub uri: Option<String>,
    pub literal: Option<String>,
}

/// An info source (agency, photographer, …) of any version.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Party {
    pub name: Option<String>,
    pub role: Option<String>,
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

pub(crate) fn decode(value: Value) -> Result<Decoded, DecodeError> {
    let mut warnings = Vec::new();
    let items = match value {
        Value::Array(list) => {
            let total = list.len();
            let mut items = Vec::new();
            let mut first_error = None;
            for (i, element) in list.into_iter().enumerate() {
                match parse(element).and_then(|item| adapter::wire_item(item, &mut warnings)) {
                    Ok(item) => items.push(item),
                    Err(e) => {
                        warnings.push(format!("item {} of {total} skipped: {e}", i + 1));
                        first_error.get_or_insert(e);
                    }
                }
            }
            if items.is_empty() {
                return Err(first_error.unwrap_or(DecodeError::Ninjs {
                    reason: "array holds no items".into(),
                }));
            }
            items
        }
        single => vec![adapter::wire_item(parse(single)?, &mut warnings)?],
    };
    Ok(Decoded {
        format: Format::Ninjs,
        items,
        warnings,
    })
}

fn parse(value: Value) -> Result<NinjsItem, DecodeError> {
    let Value::Object(map) = &value else {
        return Err(DecodeError::Ninjs {
            reason: "item is not a JSON object".into(),
        });
    };
    NinjsItem::deserialize(&value).map_err(|whole| {
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

    #[test]
    fn a_field_of_the_wrong_type_is_named() {
        let value = serde_json::json!({
            "uri": "urn:x:1",
            "headline": "Fine",
            "headlines": "not an array",
        });
        let err = decode(value).unwrap_err();
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
        let value = serde_json::json!({
            "guid": "urn:x:1", "headline": "H", "body_html": "<p>B</p>",
            "subject": null, "keywords": null, "headlines": null, "bodies": null,
        });
        assert_eq!(decode(value).unwrap().items[0].headline, "H");
    }

    #[test]
    fn version_may_be_a_string_or_a_number() {
        for version in [serde_json::json!("3"), serde_json::json!(3)] {
            let value = serde_json::json!({"uri": "urn:x:1", "headline": "H", "body_text": "B", "version": version});
            let decoded = decode(value).unwrap();
            assert_eq!(decoded.items[0].version, Some(3));
        }
    }

    #[test]
    fn camel_case_3x_names_are_read() {
        let item: NinjsItem = serde_json::from_value(serde_json::json!({
            "uri": "urn:x:1",
            "versionCreated": "2024-01-02T03:04:05Z",
            "firstCreated": "2024-01-01T00:00:00Z",
            "embargoedUntil": "2024-01-03T00:00:00Z",
            "pubStatus": "withheld",
            "copyrightHolder": "WDN",
            "infoSources": [{"name": "Wire Desk News", "role": "originator"}],
            "bodies": [{"contentType": "text/html", "value": "<p>x</p>"}],
        }))
        .unwrap();
        assert_eq!(item.versioncreated.as_deref(), Some("2024-01-02T03:04:05Z"));
        assert_eq!(item.firstcreated.as_deref(), Some("2024-01-01T00:00:00Z"));
        assert_eq!(item.embargoed.as_deref(), Some("2024-01-03T00:00:00Z"));
        assert_eq!(item.pubstatus.as_deref(), Some("withheld"));
        assert_eq!(item.copyrightholder.as_deref(), Some("WDN"));
        assert_eq!(item.infosources[0].name.as_deref(), Some("Wire Desk News"));
        assert_eq!(item.bodies[0].contenttype.as_deref(), Some("text/html"));
    }
}
