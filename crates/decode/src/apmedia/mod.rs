//! AP Media API JSON (`api_version` + `data`): one item (`data.item`) or a feed page
//! (`data.items[].item`), parsed into the API's own types.
//!
//! Owns: the Media API field names, telling text items from pictures, video and graphics
//! (`type`), and saying plainly that the API's item carries no story text (the text is a
//! `renditions.nitf` download, fetched by a transport, not decoded here).
//! Must not: fetch anything; decide what a field means for the newsroom (`adapter` does).

mod adapter;

use serde::Deserialize;
use serde_json::Value;

use crate::{DecodeError, Decoded, Format};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ApItem {
    pub uri: Option<String>,
    pub altids: AltIds,
    pub version: Option<Value>,
    #[serde(rename = "type")]
    pub item_type: Option<String>,
    pub urgency: Option<Value>,
    pub language: Option<String>,
    pub versioncreated: Option<String>,
    pub firstcreated: Option<String>,
    pub embargoed: Option<String>,
    pub pubstatus: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub signals: Vec<String>,
    pub headline: Option<String>,
    pub headline_extended: Option<String>,
    pub slugline: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub bylines: Vec<Byline>,
    pub datelinelocation: Option<Location>,
    #[serde(deserialize_with = "nullable")]
    pub keywords: Vec<String>,
    pub provider: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub subject: Vec<Code>,
    #[serde(deserialize_with = "nullable")]
    pub infosource: Vec<Code>,
    /// The story text, when a producer inlines it (the Media API itself links a rendition).
    pub body_html: Option<String>,
    pub renditions: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct AltIds {
    pub itemid: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Byline {
    pub by: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Location {
    pub city: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Code {
    pub code: Option<String>,
    pub name: Option<String>,
    pub scheme: Option<String>,
}

fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

pub(crate) fn decode(value: Value) -> Result<Decoded, DecodeError> {
    let refused = |reason: String| DecodeError::Refused {
        format: Format::ApMedia,
        reason,
    };
    let data = value
        .get("data")
        .ok_or_else(|| refused("no `data`".into()))?;
    let raw: Vec<&Value> = match (data.get("item"), data.get("items")) {
        (Some(item), _) => vec![item],
        (None, Some(Value::Array(list))) => list
            .iter()
            .map(|entry| entry.get("item").unwrap_or(entry))
            .collect(),
        _ => return Err(refused("`data` holds neither `item` nor `items`".into())),
    };
    let mut items = Vec::new();
    for v in raw {
        items.push(ApItem::deserialize(v).map_err(|e| refused(e.to_string()))?);
    }
    adapter::decoded(items)
}

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::tests::fixture;
    use wiredesk_model::{PubStatus, WireBody};

    #[test]
    fn the_fixture_decodes_field_by_field() {
        let decoded = crate::decode(&fixture("apmedia.json")).unwrap();
        assert_eq!(decoded.format, Format::ApMedia);
        assert_eq!(decoded.items.len(), 1, "the picture is not a story");
        let item = &decoded.items[0];
        assert_eq!(
            item.uri.as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(item.version, Some(2));
        assert_eq!(item.pubstatus, PubStatus::Usable);
        assert_eq!(item.headline, "Harbour bridge reopens after repairs");
        assert_eq!(item.slugline.as_deref(), Some("EU-Portugal-Bridge"));
        assert_eq!(item.byline.as_deref(), Some("By ANA LIMA"));
        assert_eq!(item.dateline_text.as_deref(), Some("Porto"));
        assert_eq!(item.urgency, Some(4));
        assert_eq!(item.agency.as_deref(), Some("WDN"));
        assert_eq!(item.language.as_deref(), Some("en"));
        assert_eq!(item.subjects[0].code, "http://cv.ap.org/id/abc123");
        assert_eq!(item.subjects[0].name.as_deref(), Some("Transportation"));
        assert_eq!(
            item.body,
            WireBody::Html("<p>PORTO, Portugal (WDN) _ The bridge reopened.</p>".into())
        );
        assert!(
            decoded.warnings.iter().any(|w| w.contains("picture")),
            "{:?}",
            decoded.warnings
        );
    }
}
