//! AP Media API JSON (`api_version` + `data`): one item (`data.item`) or a feed page
//! (`data.items[].item`), parsed into the API's own types.
//!
//! Owns: the Media API field names, telling text items from pictures, video and graphics
//! (`type`), a text item's `associations` (completed from the same page's media items), and
//! saying plainly that the API's item carries no story text (the text is a
//! `renditions.nitf` download, fetched by a transport, not decoded here).
//! Must not: fetch anything; decide what a field means for the newsroom (`adapter` does).

mod adapter;

use serde::Deserialize;
use serde_json::Value;
use wiredesk_model::Association;

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
    /// What kind of copy this is ("Advisory", "Lead", "Correction"…).
    #[serde(deserialize_with = "nullable")]
    pub editorialtypes: Vec<String>,
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
    /// The pictures, video and graphics that go with a text item: `{"1": {type, altids…}}`.
    pub associations: Value,
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
    // A feed page lists media items beside the text items that associate them; read in full
    // here, they complete those associations (caption, credit, files).
    let page_media: Vec<Association> = raw
        .iter()
        .filter(|v| {
            v.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t != "text")
        })
        .flat_map(|v| crate::media::associations(&Value::Array(vec![(*v).clone()])))
        .collect();
    for v in raw {
        items.push(ApItem::deserialize(v).map_err(|e| refused(e.to_string()))?);
    }
    adapter::decoded(items, &page_media)
}

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::tests::fixture;
    use wiredesk_model::{PubStatus, WireBody};

    #[test]
    fn an_advisory_editorial_type_is_not_for_publication() {
        let decoded = crate::decode(&fixture("apmedia_advisory.json")).unwrap();
        assert_eq!(
            decoded.items[0].not_for_publication.as_deref(),
            Some("AP editorial type Advisory: an advisory to editors")
        );
        let news = crate::decode(&fixture("apmedia.json")).unwrap();
        assert!(news.items.iter().all(|i| i.not_for_publication.is_none()));
    }

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
        assert_eq!(item.place.as_deref(), Some("Porto"));
        assert_eq!(item.urgency, Some(4));
        assert_eq!(item.agency.as_deref(), Some("WDN"));
        assert_eq!(item.language.as_deref(), Some("en"));
        assert_eq!(item.subjects[0].code, "http://cv.ap.org/id/abc123");
        assert_eq!(item.subjects[0].name.as_deref(), Some("Transportation"));
        assert_eq!(
            item.body,
            WireBody::Html("<p>PORTO, Portugal (WDN) _ The bridge reopened.</p>".into())
        );
        // The picture item on the same page completes the story's association.
        assert_eq!(decoded.warnings, Vec::<String>::new());
        let [photo] = item.associations.as_slice() else {
            panic!("one picture: {:?}", item.associations);
        };
        assert_eq!(
            photo.uri.as_deref(),
            Some("fedcba9876543210fedcba9876543210")
        );
        assert_eq!(photo.caption.as_deref(), Some("CAPTION TEXT MUST NOT LEAK"));
        assert_eq!(photo.credit.as_deref(), Some("Ana Lima"));
        assert_eq!(photo.renditions[0].width, Some(512));
        assert!(!item.body.as_str().contains("CAPTION"));
    }

    #[test]
    fn a_picture_no_story_names_is_kept_out_with_a_warning() {
        let json = br#"{"api_version": "2", "data": {"items": [
            {"item": {"altids": {"itemid": "t1"}, "type": "text", "headline": "H", "body_html": "<p>B</p>"}},
            {"item": {"altids": {"itemid": "p1"}, "type": "picture", "headline": "Photo"}}
        ]}}"#;
        let decoded = crate::decode(json).unwrap();
        assert!(decoded.items[0].associations.is_empty());
        assert_eq!(
            decoded.warnings,
            [
                "picture item p1 kept out: media are associations, and this one goes with no story on this page"
            ]
        );
    }
}
