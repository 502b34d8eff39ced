//! NITF 3.x (News Industry Text Format), parsed into NITF's own fields.
//!
//! Owns: where NITF keeps each thing (`head/docdata` for ids, status and dates, `body.head` for
//! headline, byline and dateline, `body.content` for the copy, `tobject.subject` for subjects,
//! `tobject.type` and `tobject.property` for what kind of item it is),
//! and `body_markup`, which NewsML-G2 and NewsML 1.2 use for the NITF they carry inside.
//! Must not: decide what a field means for the newsroom; `adapter` maps to `WireItem`.

mod adapter;

use crate::xml::{self, Element};
use crate::{DecodeError, Decoded, Format};

/// One NITF document, field by field as the document wrote it.
#[derive(Debug, Default)]
pub(crate) struct Nitf {
    pub doc_id: Option<String>,
    pub regsrc: Option<String>,
    pub management_status: Option<String>,
    pub urgency: Option<String>,
    pub date_issue: Option<String>,
    pub date_release: Option<String>,
    pub date_expire: Option<String>,
    pub du_key_version: Option<String>,
    pub du_key: Option<String>,
    pub copyright_holder: Option<String>,
    pub keywords: Vec<String>,
    /// (`tobject.subject.refnum`, the most specific name given).
    pub subjects: Vec<(String, Option<String>)>,
    pub pubdata_url: Option<String>,
    pub pubdata_name: Option<String>,
    pub language: Option<String>,
    pub title: Option<String>,
    pub hl1: Option<String>,
    pub hl2: Option<String>,
    pub byline: Option<String>,
    pub distributor: Option<String>,
    pub dateline: Option<String>,
    /// The dateline's `location`: its `city`, else the location as written.
    pub location: Option<String>,
    pub abstract_text: Option<String>,
    pub body: Option<String>,
    /// `<meta name="…" content="…">` pairs of the head.
    pub meta: Vec<(String, String)>,
    /// `tobject@tobject.type`: `news`, `data` or `advisory`.
    pub tobject_type: Option<String>,
    /// `tobject.property@tobject.property.type`: the item's genre ("current", "advisory").
    pub tobject_properties: Vec<String>,
}

pub(crate) fn decode(text: &str) -> Result<Decoded, DecodeError> {
    let root = xml::parse(text)?;
    let doc = parse(&root);
    let mut warnings = Vec::new();
    let item = adapter::wire_item(doc, &mut warnings)?;
    Ok(Decoded {
        format: Format::Nitf,
        items: vec![item],
        warnings,
    })
}

pub(crate) fn parse(root: &Element) -> Nitf {
    let head = root.child("head");
    let docdata = head.and_then(|h| h.child("docdata"));
    let dd = |name: &str| docdata.and_then(|d| d.child(name));
    let norm = |name: &str| dd(name).and_then(|e| e.attr_value("norm"));
    let body_head = root.path(&["body", "body.head"]);
    let bh = |name: &str| body_head.and_then(|b| b.child(name));
    let subjects = head
        .map(|h| h.find_all("tobject.subject"))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| {
            let code = s.attr_value("tobject.subject.refnum")?;
            let name = s
                .attr_value("tobject.subject.detail")
                .or_else(|| s.attr_value("tobject.subject.matter"))
                .or_else(|| s.attr_value("tobject.subject.type"));
            Some((code, name))
        })
        .collect();
    let pubdata = head.and_then(|h| h.child("pubdata"));
    let tobject = head.and_then(|h| h.child("tobject"));
    Nitf {
        tobject_type: tobject.and_then(|t| t.attr_value("tobject.type")),
        tobject_properties: tobject
            .map(|t| {
                t.children("tobject.property")
                    .filter_map(|p| p.attr_value("tobject.property.type"))
                    .collect()
            })
            .unwrap_or_default(),
        doc_id: dd("doc-id").and_then(|e| e.attr_value("id-string")),
        regsrc: dd("doc-id").and_then(|e| e.attr_value("regsrc")),
        management_status: docdata.and_then(|d| d.attr_value("management-status")),
        urgency: dd("urgency").and_then(|e| e.attr_value("ed-urg")),
        date_issue: norm("date.issue"),
        date_release: norm("date.release"),
        date_expire: norm("date.expire"),
        du_key_version: dd("du-key").and_then(|e| e.attr_value("version")),
        du_key: dd("du-key").and_then(|e| e.attr_value("key")),
        copyright_holder: dd("doc.copyright").and_then(|e| e.attr_value("holder")),
        keywords: dd("key-list")
            .map(|k| {
                k.children("keyword")
                    .filter_map(|k| k.attr_value("key"))
                    .collect()
            })
            .unwrap_or_default(),
        subjects,
        pubdata_url: pubdata.and_then(|p| p.attr_value("ex-ref")),
        pubdata_name: pubdata.and_then(|p| p.attr_value("name")),
        language: root
            .attr_value("xml:lang")
            .or_else(|| root.child("body").and_then(|b| b.attr_value("xml:lang"))),
        title: head
            .and_then(|h| h.child("title"))
            .and_then(Element::text_value),
        hl1: bh("hedline")
            .and_then(|h| h.child("hl1"))
            .and_then(Element::text_value),
        hl2: bh("hedline")
            .and_then(|h| h.child("hl2"))
            .and_then(Element::text_value),
        byline: {
            let lines: Vec<String> = body_head
                .map(|b| {
                    b.children("byline")
                        // The title (`byttl`, "Staff Writer") is not part of the name.
                        .filter_map(|line| line.text_value_without(Some("byttl")))
                        .collect()
                })
                .unwrap_or_default();
            Some(lines.join(", ")).filter(|s| !s.is_empty())
        },
        distributor: bh("distributor").and_then(Element::text_value),
        dateline: bh("dateline").and_then(Element::text_value),
        location: bh("dateline")
            .and_then(|d| d.child("location"))
            .and_then(|l| {
                l.child("city")
                    .and_then(Element::text_value)
                    .or_else(|| l.text_value())
            }),
        abstract_text: bh("abstract").and_then(Element::text_value),
        body: body_markup(root),
        meta: head
            .map(|h| {
                h.children("meta")
                    .filter_map(|m| Some((m.attr_value("name")?, m.attr_value("content")?)))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The copy of a NITF document as markup: every `body.content` of its body, joined.
pub(crate) fn body_markup(nitf: &Element) -> Option<String> {
    let body = nitf.child("body")?;
    // `<block>` only groups paragraphs; its content is the copy.
    if !body.children("body.content").any(Element::has_text) {
        return None;
    }
    let markup: String = body
        .children("body.content")
        .flat_map(|c| {
            if c.elements().next().is_some() && c.elements().all(|e| e.name == "block") {
                c.elements().map(|b| b.inner_markup()).collect::<Vec<_>>()
            } else {
                vec![c.inner_markup()]
            }
        })
        .map(|m| m.trim().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    Some(markup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::fixture;
    use wiredesk_model::{PubStatus, WireBody};

    #[test]
    fn an_advisory_tobject_is_not_for_publication() {
        let decoded = crate::decode(&fixture("nitf_advisory.xml")).unwrap();
        assert_eq!(
            decoded.items[0].not_for_publication.as_deref(),
            Some("NITF tobject.type advisory: an advisory to editors")
        );
        let news = crate::decode(&fixture("nitf.xml")).unwrap();
        assert_eq!(news.items[0].not_for_publication, None, "tobject.type news");
    }

    #[test]
    fn the_fixture_decodes_field_by_field() {
        let decoded = crate::decode(&fixture("nitf.xml")).unwrap();
        assert_eq!(decoded.format, Format::Nitf);
        let item = &decoded.items[0];
        assert_eq!(item.uri.as_deref(), Some("WDN.2026.1106.0042"));
        assert_eq!(item.headline, "Harbour bridge reopens after repairs");
        assert_eq!(
            item.subheadline.as_deref(),
            Some("Traffic returns to normal")
        );
        assert_eq!(item.byline.as_deref(), Some("By Ana Lima,"));
        assert_eq!(item.dateline_text.as_deref(), Some("PORTO, Nov 6"));
        assert_eq!(item.version, Some(3));
        assert_eq!(item.urgency, Some(4));
        assert_eq!(item.pubstatus, PubStatus::Usable);
        assert_eq!(item.agency.as_deref(), Some("WDN"));
        assert_eq!(item.copyright_holder.as_deref(), Some("Wire Desk News"));
        assert_eq!(item.language.as_deref(), Some("en"));
        assert_eq!(item.keywords, ["bridge", "traffic"]);
        assert_eq!(item.subjects[0].code, "subj:11006000");
        assert_eq!(item.subjects[0].name.as_deref(), Some("public works"));
        assert_eq!(
            item.source_url.as_deref(),
            Some("https://wire.example/2026/11/06/harbour-bridge")
        );
        assert_eq!(
            item.version_created.map(|t| t.to_string()).as_deref(),
            Some("2026-11-06T09:30:00Z")
        );
        assert_eq!(
            item.embargoed.map(|t| t.to_string()).as_deref(),
            Some("2026-11-06T12:00:00Z")
        );
        assert_eq!(
            item.expires.map(|t| t.to_string()).as_deref(),
            Some("2026-12-06T09:30:00Z")
        );
        let WireBody::Html(body) = &item.body else {
            panic!("NITF body is markup");
        };
        assert!(body.starts_with("<p>The harbour bridge reopened"), "{body}");
        assert!(
            body.contains("<p>Repairs took &quot;longer")
                || body.contains("<p>Repairs took \"longer"),
            "{body}"
        );
        assert_eq!(
            item.abstract_text.as_deref(),
            Some("The bridge is open to traffic again.")
        );
    }

    #[test]
    fn management_status_canceled_and_withheld_are_read() {
        for (status, expected) in [
            ("canceled", PubStatus::Canceled),
            ("withheld", PubStatus::Withheld),
            ("usable", PubStatus::Usable),
        ] {
            let doc = format!(
                "<nitf><head><docdata management-status=\"{status}\"><doc-id id-string=\"x1\"/></docdata></head><body><body.head><hedline><hl1>H</hl1></hedline></body.head><body.content><p>B</p></body.content></body></nitf>"
            );
            let item = crate::decode(doc.as_bytes()).unwrap().items.remove(0);
            assert_eq!(item.pubstatus, expected, "{status}");
        }
    }

    #[test]
    fn a_document_without_a_headline_is_kept_and_one_without_copy_too_is_refused() {
        let decoded = crate::decode(
            b"<nitf><head/><body><body.content><p>B</p></body.content></body></nitf>",
        )
        .unwrap();
        assert_eq!(decoded.items[0].headline, "");
        assert!(
            decoded
                .warnings
                .iter()
                .any(|w| w == "NITF (no doc-id): no headline (hl1 or title)"),
            "{:?}",
            decoded.warnings
        );
        let err = crate::decode(b"<nitf><head/><body/></nitf>").unwrap_err();
        assert_eq!(
            err.to_string(),
            "NITF: the document has neither a headline (hl1 or title) nor body.content"
        );
    }

    #[test]
    fn subject_refnums_are_subject_codes_named_from_the_vocabulary() {
        let doc = "<nitf><head><tobject><tobject.subject tobject.subject.refnum=\"04001000\"/><tobject.subject tobject.subject.refnum=\"wdn:farming\" tobject.subject.type=\"Farming\"/></tobject><docdata><doc-id id-string=\"x1\"/></docdata></head><body><body.head><hedline><hl1>H</hl1></hedline></body.head><body.content><p>B</p></body.content></body></nitf>";
        let item = crate::decode(doc.as_bytes()).unwrap().items.remove(0);
        let subjects: Vec<_> = item
            .subjects
            .iter()
            .map(|s| (s.code.as_str(), s.name.as_deref()))
            .collect();
        assert_eq!(
            subjects,
            [
                ("subj:04001000", Some("agriculture")),
                ("wdn:farming", Some("Farming"))
            ]
        );
    }
}
