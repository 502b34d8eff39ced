//! Ritzau's RBNews XML (the Danish agency's own format): one `RBNews` item, or several in the
//! `XMLNewsQueuedResponse` its news service answers with.
//!
//! Owns: where RBNews keeps each thing (`NewsID`, `version`, `PublishDate` in Copenhagen's wall
//! clock, `headline`, `subtitle`, `strapline`, `town`, `byLine`, `Priority`, `content` as escaped
//! HTML, `IPTCList` of Subject Codes, the `Annuleret`/`NyVersion`/`Korrektion` flags) and the
//! queue response's own error.
//! Must not: decide what a field means for the newsroom; `adapter` maps to `WireItem`.

mod adapter;

use crate::xml::{self, Element};
use crate::{DecodeError, Decoded, Format};

/// One `RBNews`, field by field as sent (`i:nil` and empty elements are `None`).
#[derive(Debug, Default)]
pub(crate) struct RbNews {
    pub news_id: Option<String>,
    pub publish_date: Option<String>,
    pub version: Option<String>,
    pub headline: Option<String>,
    pub subtitle: Option<String>,
    pub strapline: Option<String>,
    pub town: Option<String>,
    pub by_line: Option<String>,
    pub priority: Option<String>,
    /// `content`: HTML, escaped inside the element.
    pub content: Option<String>,
    /// `IPTCList/int`: IPTC Subject Codes as numbers.
    pub iptc: Vec<String>,
    /// `Annuleret`: the item is withdrawn.
    pub canceled: bool,
    /// `NyVersion`: a new version of an earlier item.
    pub new_version: bool,
    /// `Korrektion`: a correction.
    pub correction: bool,
}

pub(crate) fn decode(text: &str) -> Result<Decoded, DecodeError> {
    let root = xml::parse(text)?;
    let items = match &*root.name {
        "RBNews" => vec![news(&root)],
        _ => {
            let result = root.child("XMLNewsQueuedResult");
            let error = result
                .and_then(|r| r.child("error"))
                .and_then(Element::text_value);
            if let Some(code) = error.filter(|e| e != "0") {
                let message = result
                    .and_then(|r| r.child("errormsg"))
                    .and_then(Element::text_value)
                    .unwrap_or_else(|| "no message".into());
                return Err(DecodeError::Refused {
                    format: Format::Ritzau,
                    reason: format!("the news queue answered with error {code}: {message}"),
                });
            }
            result
                .and_then(|r| r.child("ListOfRBNews"))
                .map(|list| list.children("RBNews").map(news).collect())
                .unwrap_or_default()
        }
    };
    adapter::decoded(items)
}

fn news(el: &Element) -> RbNews {
    let text = |name: &str| el.child(name).and_then(Element::text_value);
    // `content` is HTML: its whitespace is the copy's, so it is taken as sent.
    let content = el
        .child("content")
        .map(|c| c.text().trim().to_string())
        .filter(|c| !c.is_empty());
    let flag = |name: &str| text(name).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    RbNews {
        news_id: text("NewsID"),
        publish_date: text("PublishDate"),
        version: text("version"),
        headline: text("headline"),
        subtitle: text("subtitle"),
        strapline: text("strapline"),
        town: text("town"),
        by_line: text("byLine"),
        priority: text("Priority"),
        content,
        iptc: el
            .child("IPTCList")
            .map(|l| l.elements().filter_map(Element::text_value).collect())
            .unwrap_or_default(),
        canceled: flag("Annuleret"),
        new_version: flag("NyVersion"),
        correction: flag("Korrektion"),
    }
}

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::tests::fixture;
    use wiredesk_model::{PubStatus, WireBody};

    #[test]
    fn an_rbnews_item_decodes_field_by_field() {
        let decoded = crate::decode(&fixture("ritzau.xml")).unwrap();
        assert_eq!(decoded.format, Format::Ritzau);
        let [item] = decoded.items.as_slice() else {
            panic!("one item: {:?}", decoded.items);
        };
        assert_eq!(
            item.uri.as_deref(),
            Some("3f1c2a9e-7d41-4e0b-9a55-0c6e2b8d1f07")
        );
        assert_eq!(item.version, Some(2));
        assert_eq!(
            item.headline,
            "Havnebroen i Aarhus åbner igen efter reparation"
        );
        assert_eq!(
            item.abstract_text.as_deref(),
            Some("Trafikken kører igen over broen fra fredag.")
        );
        assert_eq!(item.byline.as_deref(), Some("Mette Holm"));
        assert_eq!(item.agency.as_deref(), Some("Ritzau"));
        assert_eq!(item.place.as_deref(), Some("Aarhus"));
        assert_eq!(item.urgency, Some(3));
        assert_eq!(item.keywords, ["BRO", "TRAFIK-I"]);
        assert_eq!(item.signals, ["sig:update"]);
        assert_eq!(item.pubstatus, PubStatus::Usable);
        let codes: Vec<_> = item.subjects.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["subj:11006000"]);
        // Copenhagen wall clock, summer time: two hours ahead of UTC.
        assert_eq!(
            item.first_created.map(|t| t.to_string()).as_deref(),
            Some("2026-06-05T07:15:30.25Z")
        );
        assert_eq!(item.version_created, item.first_created);
        assert_eq!(
            item.body,
            WireBody::Html(
                "<p>Havnebroen i Aarhus er åben for trafik igen fra fredag.</p><p>Reparationen tog seks måneder, oplyser kommunen.</p>".into()
            )
        );
        assert_eq!(decoded.warnings, Vec::<String>::new());
    }

    #[test]
    fn a_queue_response_gives_each_item_and_a_missing_headline_stays_empty() {
        let decoded = crate::decode(&fixture("ritzau_queue.xml")).unwrap();
        assert_eq!(decoded.format, Format::Ritzau);
        let headlines: Vec<_> = decoded.items.iter().map(|i| i.headline.as_str()).collect();
        // The flash has no headline: it waits on the desk for one, none is made up.
        assert_eq!(headlines, ["", "Vinterens første sne falder i Nordjylland"]);
        assert_eq!(decoded.items[0].urgency, Some(1));
        // Winter time: one hour ahead of UTC.
        assert_eq!(
            decoded.items[1]
                .first_created
                .map(|t| t.to_string())
                .as_deref(),
            Some("2026-12-01T05:00:00Z")
        );
        assert_eq!(decoded.items[1].pubstatus, PubStatus::Canceled);
        assert_eq!(decoded.items[1].signals, ["sig:correction"]);
    }

    #[test]
    fn a_queue_error_or_an_empty_queue_is_refused_with_a_reason() {
        let error = r#"<XMLNewsQueuedResponse xmlns="http://tempuri.org/"><XMLNewsQueuedResult><error xmlns="">3</error><errormsg xmlns="">Login failed</errormsg></XMLNewsQueuedResult></XMLNewsQueuedResponse>"#;
        assert_eq!(
            crate::decode(error.as_bytes()).unwrap_err().to_string(),
            "Ritzau RBNews XML: the news queue answered with error 3: Login failed"
        );
        let empty = r#"<XMLNewsQueuedResponse><XMLNewsQueuedResult><error>0</error><ListOfRBNews/></XMLNewsQueuedResult></XMLNewsQueuedResponse>"#;
        assert_eq!(
            crate::decode(empty.as_bytes()).unwrap_err().to_string(),
            "Ritzau RBNews XML: the file holds no RBNews item"
        );
        let no_id =
            "<RBNews><headline>H</headline><content>&lt;p&gt;B&lt;/p&gt;</content></RBNews>";
        assert_eq!(
            crate::decode(no_id.as_bytes()).unwrap_err().to_string(),
            "Ritzau RBNews XML: an item has no NewsID"
        );
    }
}
