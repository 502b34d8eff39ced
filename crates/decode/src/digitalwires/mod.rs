//! dpa digitalwires JSON (`format: digitalwires@…`), parsed into digitalwires' own types.
//!
//! Owns: the digitalwires field names (`urn`, `version_created`, `article_html`, `teaser`,
//! `categories` typed by `dnltype:`…) and telling an article from a media entry (an entry
//! without `article_html` whose associations are pictures or audio); an article's associations
//! (pictures with caption and credit) are read by `crate::media`.
//! Must not: decide what a field means for the newsroom; `adapter` maps to `WireItem`.

mod adapter;

use serde::Deserialize;
use serde_json::Value;

use crate::{DecodeError, Decoded, Format};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Entry {
    pub urn: Option<String>,
    pub entry_id: Option<String>,
    #[serde(rename = "type")]
    pub entry_type: Option<String>,
    pub version: Option<Value>,
    pub pubstatus: Option<String>,
    pub signal: Option<String>,
    pub embargoed: Option<String>,
    pub version_created: Option<String>,
    pub content_created: Option<String>,
    pub updated: Option<String>,
    pub language: Option<String>,
    pub urgency: Option<Value>,
    pub kicker: Option<String>,
    pub headline: Option<String>,
    pub subhead: Option<String>,
    pub teaser: Option<String>,
    pub byline: Option<String>,
    pub dateline: Option<String>,
    pub article_html: Option<String>,
    pub creditline: Option<String>,
    pub copyrightnotice: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub categories: Vec<Category>,
    /// Pictures and audio sent with the entry; read by `crate::media`.
    pub associations: Value,
    #[serde(deserialize_with = "nullable")]
    pub links: Vec<Link>,
}

fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Category {
    #[serde(rename = "type")]
    pub category_type: Option<String>,
    pub name: Option<String>,
    pub qcode: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Link {
    pub rel: Option<String>,
    pub href: Option<String>,
}

pub(crate) fn decode(value: Value) -> Result<Decoded, DecodeError> {
    let entry = Entry::deserialize(&value).map_err(|e| DecodeError::Refused {
        format: Format::DigitalWires,
        reason: e.to_string(),
    })?;
    let mut warnings = Vec::new();
    let item = adapter::wire_item(entry, &mut warnings)?;
    Ok(Decoded {
        format: Format::DigitalWires,
        items: vec![item],
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::tests::fixture;
    use wiredesk_model::{PubStatus, WireBody};

    #[test]
    fn the_fixture_decodes_field_by_field() {
        let decoded = crate::decode(&fixture("digitalwires.json")).unwrap();
        assert_eq!(decoded.format, Format::DigitalWires);
        let item = &decoded.items[0];
        assert_eq!(
            item.uri.as_deref(),
            Some("urn:newsml:wire.example:20261106:261106-99-000042")
        );
        assert_eq!(item.version, Some(3));
        assert_eq!(item.pubstatus, PubStatus::Usable);
        assert_eq!(item.headline, "Harbour bridge reopens after repairs");
        assert_eq!(
            item.subheadline.as_deref(),
            Some("Traffic returns to normal")
        );
        assert_eq!(item.byline.as_deref(), Some("By Ana Lima, wdn"));
        assert_eq!(item.dateline_text.as_deref(), Some("Porto (wdn) -"));
        assert_eq!(
            item.abstract_text.as_deref(),
            Some("The bridge is open to traffic again.")
        );
        assert_eq!(item.language.as_deref(), Some("en"));
        assert_eq!(item.urgency, Some(3));
        assert_eq!(item.signals, ["sig:update"]);
        assert_eq!(item.agency.as_deref(), Some("wdn"));
        assert_eq!(item.keywords, ["bridge"]);
        let codes: Vec<_> = item.subjects.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["medtop:20000209", "wdnsubject:12"]);
        assert_eq!(
            item.embargoed.map(|t| t.to_string()).as_deref(),
            Some("2026-11-06T12:00:00Z")
        );
        assert_eq!(
            item.body,
            WireBody::Html("<section class=\"main\"><p>Porto (wdn) - The harbour bridge reopened on Friday.</p></section>".into())
        );
        let [photo] = item.associations.as_slice() else {
            panic!("one picture: {:?}", item.associations);
        };
        assert_eq!(
            (photo.name.as_str(), photo.kind.as_str()),
            ("featureimage", "picture")
        );
        assert_eq!(
            photo.caption.as_deref(),
            Some("Cars cross the harbour bridge in Porto on Friday. BRIDGE CAPTION")
        );
        assert_eq!(photo.credit.as_deref(), Some("Ana Lima/wdn"));
        assert_eq!(
            photo.renditions[0].href,
            "https://img.wire.example/bridge-s2048.jpeg"
        );
        assert!(
            !item
                .abstract_text
                .as_deref()
                .unwrap_or("")
                .contains("CAPTION")
        );
    }

    #[test]
    fn a_genre_that_is_a_note_to_editors_is_not_for_publication() {
        let decoded = crate::decode(&fixture("digitalwires_achtung.json")).unwrap();
        assert_eq!(
            decoded.items[0].not_for_publication.as_deref(),
            Some("genre \"Achtung\" (dpatextgenre:27): a note to editors")
        );
        let news = crate::decode(&fixture("digitalwires.json")).unwrap();
        assert_eq!(news.items[0].not_for_publication, None);
    }

    #[test]
    fn a_media_entry_is_refused_as_not_a_story() {
        let json = br#"{"format": "digitalwires@0.9.1", "urn": "urn:x:1", "entry_id": "e", "headline": "Photo", "associations": [{"type": "image"}]}"#;
        assert_eq!(
            crate::decode(json).unwrap_err().to_string(),
            "dpa digitalwires JSON: entry urn:x:1 has no article text; its 1 association(s) (image) are media, not a story"
        );
    }
}
