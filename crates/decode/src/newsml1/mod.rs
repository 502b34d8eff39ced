//! IPTC NewsML 1.2 (AFP, ANA and other agencies), parsed into NewsML 1's own fields.
//!
//! Owns: where NewsML 1.2 keeps each thing: `Identification/NewsIdentifier` for the id and
//! `RevisionId`, `NewsManagement` for status, urgency, times and `NewsItemType`, the `NewsComponent` tree for
//! `NewsLines` (headline, dateline…), metadata and the text `ContentItem` (NITF or HTML inside
//! `DataContent`). Photo components are not copy and are left out.
//! Must not: decide what a field means for the newsroom; `adapter` maps to `WireItem`.

mod adapter;

use crate::xml::{self, Element};
use crate::{DecodeError, Decoded, nitf};

#[derive(Debug, Default)]
pub(crate) struct NewsItem {
    pub provider_id: Option<String>,
    pub date_id: Option<String>,
    pub news_item_id: Option<String>,
    pub public_identifier: Option<String>,
    pub revision: Option<String>,
    pub status: Option<String>,
    pub status_will_change: Option<String>,
    pub urgency: Option<String>,
    pub first_created: Option<String>,
    pub this_revision_created: Option<String>,
    pub lang: Option<String>,
    pub headline: Option<String>,
    pub subheadline: Option<String>,
    pub dateline: Option<String>,
    pub slugline: Option<String>,
    pub byline: Option<String>,
    pub copyright_line: Option<String>,
    pub provider: Option<String>,
    pub source: Option<String>,
    pub language: Option<String>,
    /// (`FormalName`, English name when a `TopicSet` gives one).
    pub subjects: Vec<(String, Option<String>)>,
    pub keywords: Vec<String>,
    pub body: Option<Body>,
    /// `NewsManagement/NewsItemType@FormalName`: `News`, `Advisory`, `Alert`…
    pub item_type: Option<String>,
    /// `Genre@FormalName` of any component.
    pub genres: Vec<String>,
}

#[derive(Debug)]
pub(crate) enum Body {
    Html(String),
    Text(String),
}

pub(crate) fn decode(text: &str) -> Result<Decoded, DecodeError> {
    let root = xml::parse(text)?;
    let items: Vec<NewsItem> = root.children("NewsItem").map(news_item).collect();
    adapter::decoded(items)
}

fn formal(el: Option<&Element>) -> Option<String> {
    el.and_then(|e| e.attr_value("FormalName"))
}

fn news_item(el: &Element) -> NewsItem {
    let ident = el.path(&["Identification", "NewsIdentifier"]);
    let id = |name: &str| {
        ident
            .and_then(|i| i.child(name))
            .and_then(Element::text_value)
    };
    let mgmt = el.child("NewsManagement");
    let m = |name: &str| mgmt.and_then(|m| m.child(name));
    // The outer component carries the news lines; metadata may sit on any component.
    let lines = el.find("NewsLines");
    let line = |name: &str| {
        lines
            .and_then(|l| l.child(name))
            .and_then(Element::text_value)
    };
    let topic_names: Vec<(String, String)> = el
        .find_all("Topic")
        .into_iter()
        .filter_map(|t| {
            let code = t.child("FormalName").and_then(Element::text_value)?;
            let name = t
                .children("Description")
                .find(|d| {
                    d.attr("Variant") == Some("Name")
                        && d.attr("xml:lang").is_none_or(|l| l.starts_with("en"))
                })
                .and_then(Element::text_value)?;
            Some((code, name))
        })
        .collect();
    let mut subjects: Vec<(String, Option<String>)> = Vec::new();
    for code in el.find_all("SubjectCode") {
        for s in code.elements() {
            if let Some(c) = s.attr_value("FormalName")
                && !subjects.iter().any(|(k, _)| k == &c)
            {
                let name = topic_names
                    .iter()
                    .find(|(k, _)| k == &c)
                    .map(|(_, n)| n.clone());
                subjects.push((c, name));
            }
        }
    }
    let keywords = el
        .find_all("Property")
        .into_iter()
        .filter(|p| p.attr("FormalName") == Some("Keyword"))
        .filter_map(|p| p.attr_value("Value"))
        .collect();
    NewsItem {
        provider_id: id("ProviderId"),
        date_id: id("DateId"),
        news_item_id: id("NewsItemId"),
        public_identifier: id("PublicIdentifier"),
        revision: id("RevisionId"),
        status: formal(m("Status")),
        status_will_change: m("StatusWillChange")
            .and_then(|s| s.child("DateAndTime"))
            .and_then(Element::text_value),
        urgency: formal(m("Urgency")),
        first_created: m("FirstCreated").and_then(Element::text_value),
        this_revision_created: m("ThisRevisionCreated").and_then(Element::text_value),
        lang: el.attr_value("xml:lang"),
        headline: line("HeadLine"),
        subheadline: line("SubHeadLine"),
        dateline: line("DateLine"),
        slugline: line("SlugLine"),
        byline: line("ByLine"),
        copyright_line: line("CopyrightLine"),
        provider: formal(el.find("Provider").and_then(|p| p.child("Party"))),
        source: formal(el.find("Source").and_then(|p| p.child("Party"))),
        language: formal(el.find("Language")),
        subjects,
        keywords,
        body: body(el),
        item_type: formal(m("NewsItemType")),
        genres: el
            .find_all("Genre")
            .into_iter()
            .filter_map(|g| g.attr_value("FormalName"))
            .collect(),
    }
}

/// The first text `ContentItem` with content: NITF, element markup, or escaped HTML/text.
fn body(el: &Element) -> Option<Body> {
    el.find_all("ContentItem").into_iter().find_map(|ci| {
        let media = formal(ci.child("MediaType")).unwrap_or_default();
        if !media.is_empty() && !media.eq_ignore_ascii_case("text") {
            return None;
        }
        let data = ci.child("DataContent")?;
        if let Some(doc) = data.child("nitf") {
            return nitf::body_markup(doc).map(Body::Html);
        }
        if data.elements().next().is_some() {
            let markup = data.inner_markup().trim().to_string();
            return (!markup.is_empty()).then_some(Body::Html(markup));
        }
        let text = data.text().trim().to_string();
        if text.is_empty() {
            return None;
        }
        let format = formal(ci.child("Format")).unwrap_or_default();
        Some(
            if format.to_ascii_lowercase().contains("html") || text.starts_with('<') {
                Body::Html(text)
            } else {
                Body::Text(text)
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::tests::fixture;
    use wiredesk_model::{PubStatus, WireBody};

    #[test]
    fn an_advisory_news_item_type_is_not_for_publication() {
        let decoded = crate::decode(&fixture("newsml1_advisory.xml")).unwrap();
        assert_eq!(
            decoded.items[0].not_for_publication.as_deref(),
            Some("NewsML NewsItemType Advisory: an advisory to editors")
        );
        let news = crate::decode(&fixture("newsml1.xml")).unwrap();
        assert_eq!(news.items[0].not_for_publication, None, "NewsItemType News");
    }

    #[test]
    fn the_fixture_decodes_field_by_field() {
        let decoded = crate::decode(&fixture("newsml1.xml")).unwrap();
        assert_eq!(decoded.format, Format::Newsml1);
        let item = &decoded.items[0];
        assert_eq!(
            item.uri.as_deref(),
            Some("urn:newsml:wire.example:20261106:WDN-0042")
        );
        assert_eq!(item.version, Some(2));
        assert_eq!(item.pubstatus, PubStatus::Usable);
        assert_eq!(item.headline, "Harbour bridge reopens after repairs");
        assert_eq!(
            item.subheadline.as_deref(),
            Some("Traffic returns to normal")
        );
        assert_eq!(
            item.dateline_text.as_deref(),
            Some("PORTO, Nov 6, 2026 (WDN) -")
        );
        assert_eq!(item.slugline.as_deref(), Some("Portugal-bridge"));
        assert_eq!(item.byline.as_deref(), Some("Ana Lima"));
        assert_eq!(item.agency.as_deref(), Some("WDN"));
        assert_eq!(item.language.as_deref(), Some("en"));
        assert_eq!(item.urgency, Some(4));
        assert_eq!(item.keywords, ["bridge"]);
        assert_eq!(item.subjects[0].code, "subj:11006000");
        assert_eq!(
            item.version_created.map(|t| t.to_string()).as_deref(),
            Some("2026-11-06T09:30:00Z")
        );
        assert_eq!(
            item.embargoed.map(|t| t.to_string()).as_deref(),
            Some("2026-11-06T12:00:00Z")
        );
        let WireBody::Html(body) = &item.body else {
            panic!("NITF inside DataContent is markup");
        };
        assert!(body.starts_with("<p>The harbour bridge reopened"), "{body}");
        assert!(!body.contains("photo.jpg"), "{body}");
        assert!(
            body.contains("the café owners"),
            "declared ISO-8859-1 is read: {body}"
        );
    }

    #[test]
    fn escaped_html_in_data_content_and_a_canceled_status_are_read() {
        let doc = "<NewsML><NewsItem><Identification><NewsIdentifier><ProviderId>x.gr</ProviderId><DateId>20180404</DateId><NewsItemId>7</NewsItemId><RevisionId>3</RevisionId></NewsIdentifier></Identification><NewsManagement><Status FormalName=\"Canceled\"/></NewsManagement><NewsComponent><NewsLines><HeadLine><![CDATA[Killed story]]></HeadLine></NewsLines><ContentItem><MediaType FormalName=\"Text\"/><Format FormalName=\"HTML\"/><DataContent><![CDATA[<P>Text.</P>]]></DataContent></ContentItem></NewsComponent></NewsItem></NewsML>";
        let item = crate::decode(doc.as_bytes()).unwrap().items.remove(0);
        assert_eq!(item.pubstatus, PubStatus::Canceled);
        assert_eq!(item.version, Some(3));
        assert_eq!(item.uri.as_deref(), Some("urn:newsml:x.gr:20180404:7"));
        assert_eq!(item.body, WireBody::Html("<P>Text.</P>".into()));
        assert_eq!(
            crate::decode(b"<NewsML><NewsEnvelope/></NewsML>")
                .unwrap_err()
                .to_string(),
            "NewsML 1.2: the file holds no NewsItem"
        );
    }
}
