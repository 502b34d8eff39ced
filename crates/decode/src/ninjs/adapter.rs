//! ninjs item → `WireItem`.
//!
//! Owns: which ninjs field feeds which `WireItem` field, across versions; preferring HTML bodies;
//! turning subject schemes into qualified codes (IPTC's in their canonical form); media
//! associations beside the copy.
//! Must not: invent values: a garbled time or version is dropped with a warning, never defaulted.

use jiff::Timestamp;
use wiredesk_model::{PubStatus, Subject, WireBody, WireItem};

use super::{NinjsItem, Pattern, Subject1, Subject2, Text, Version};
use crate::DecodeError;
use crate::fields::non_empty;
use crate::subjects::{bare_subject_code, canonical, push_unique};
use wiredesk_model::text;

pub(crate) fn wire_item(
    item: NinjsItem,
    warnings: &mut Vec<String>,
) -> Result<WireItem, DecodeError> {
    let uri = non_empty(item.uri.as_deref())
        .or_else(|| non_empty(item.guid.as_deref()))
        .ok_or_else(|| DecodeError::Ninjs {
            reason: "item has no `uri`".into(),
        })?;
    let headline = headline(&item);
    let mut warn = |message: String| warnings.push(format!("ninjs item {uri}: {message}"));

    let body = body(&item, &mut warn);
    // Copy without a headline is kept: it waits on the desk for an editor to write one.
    let headline = match (headline, &body) {
        (Some(h), _) => h,
        (None, Some(_)) => {
            warn("no headline".into());
            String::new()
        }
        (None, None) => {
            return Err(DecodeError::Ninjs {
                reason: format!("item {uri} has neither a headline nor a body"),
            });
        }
    };
    if body.is_none() {
        let kind = item.item_type.as_deref().unwrap_or("unknown");
        warn(format!("no body (item type `{kind}`)"));
    }
    let source_url = source_url(&item, &uri);
    Ok(WireItem {
        version: item.version.as_ref().and_then(|v| version(v, &mut warn)),
        pubstatus: pubstatus(item.pubstatus.as_deref(), &mut warn),
        headline,
        slugline: non_empty(item.slugline.as_deref()),
        byline: non_empty(item.byline.as_deref()).or_else(|| non_empty(item.by.as_deref())),
        // ninjs has no dateline field: `located` is a place, not "Seoul, Nov 6 (IANS)"; the
        // dateline's date and agency are left for normalize to find in the body.
        dateline_text: None,
        place: non_empty(item.located.as_deref()),
        body: body.unwrap_or_default(),
        abstract_text: abstract_text(&item),
        subjects: subjects(&item),
        keywords: item
            .keywords
            .iter()
            .filter_map(|k| non_empty(Some(k)))
            .collect(),
        language: non_empty(item.language.as_deref()),
        agency: agency(&item),
        source_url,
        first_created: timestamp("firstcreated", item.firstcreated.as_deref(), &mut warn),
        version_created: timestamp("versioncreated", item.versioncreated.as_deref(), &mut warn),
        embargoed: timestamp("embargoed", item.embargoed.as_deref(), &mut warn),
        copyright_holder: non_empty(item.copyrightholder.as_deref()),
        associations: crate::media::associations(&item.associations),
        urgency: item.urgency.and_then(|u| u8::try_from(u).ok()),
        // ninjs `type` (TT's `planning`, say) or a genre that is a message to editors.
        not_for_publication: crate::not_for_publication::first_reason(
            "ninjs type",
            [(item.item_type.as_deref(), None)],
        )
        .or_else(|| {
            crate::not_for_publication::first_reason(
                "genre",
                item.genres
                    .iter()
                    .map(|(c, n)| (c.as_deref(), n.as_deref())),
            )
        }),
        uri: Some(uri),
        ..WireItem::default()
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    Text,
    Other,
}

fn kind(content_type: Option<&str>, role: Option<&str>) -> Kind {
    if let Some(ct) = content_type {
        let essence = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        return match essence.as_str() {
            "text/html" | "application/xhtml+xml" => Kind::Html,
            "text/plain" => Kind::Text,
            _ => Kind::Other,
        };
    }
    let role = role.unwrap_or("").to_ascii_lowercase();
    if role.contains("html") {
        Kind::Html
    } else if matches!(role.as_str(), "text" | "plain" | "plaintext" | "") {
        Kind::Text
    } else {
        Kind::Other
    }
}

/// The 1.x pattern properties, e.g. `body_html` or `description_text`, as (kind, value).
fn pattern_texts<'a>(
    item: &'a NinjsItem,
    prefix: &str,
    warn: &mut impl FnMut(String),
) -> Vec<(Kind, &'a str)> {
    let mut found = Vec::new();
    for (key, value) in &item.patterns {
        let Some(suffix) = key.strip_prefix(prefix) else {
            continue;
        };
        let kind = if suffix.contains("html") {
            Kind::Html
        } else if suffix == "text" || suffix.starts_with("text_") {
            Kind::Text
        } else {
            Kind::Other
        };
        match value {
            Pattern::Text(s) => found.push((kind, s.as_ref())),
            Pattern::Null => {}
            Pattern::Other => warn(format!("`{key}` is not a string; ignored")),
        }
    }
    found
}

fn texts<'a>(list: &'a [Text]) -> impl Iterator<Item = (Kind, &'a str)> {
    list.iter().filter_map(|t| {
        let value = t.value.as_deref()?;
        Some((kind(t.contenttype.as_deref(), t.role.as_deref()), value))
    })
}

/// HTML when the wire sends it (it keeps paragraphs and quotes), plain text otherwise.
fn body(item: &NinjsItem, warn: &mut impl FnMut(String)) -> Option<WireBody> {
    let mut candidates: Vec<(Kind, &str)> = texts(&item.bodies).collect();
    candidates.extend(pattern_texts(item, "body_", warn));
    candidates.retain(|(_, v)| !v.trim().is_empty());
    let pick = |wanted: Kind| candidates.iter().find(|(k, _)| *k == wanted).map(|c| c.1);
    if let Some(html) = pick(Kind::Html) {
        return Some(WireBody::Html(html.to_string()));
    }
    if let Some(text) = pick(Kind::Text) {
        return Some(WireBody::Text(text.to_string()));
    }
    if !candidates.is_empty() {
        warn(format!(
            "{} body/bodies in formats other than HTML or plain text ignored",
            candidates.len()
        ));
    }
    None
}

fn headline(item: &NinjsItem) -> Option<String> {
    if let Some(h) = non_empty(item.headline.as_deref()) {
        return Some(text::collapse_whitespace(&h));
    }
    let is_main = |t: &&Text| {
        t.role
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case("main"))
    };
    let usable = |t: &&Text| t.value.as_deref().is_some_and(|v| !v.trim().is_empty());
    let chosen = item
        .headlines
        .iter()
        .filter(usable)
        .find(is_main)
        .or_else(|| item.headlines.iter().find(usable))?;
    let value = chosen.value.as_deref().unwrap_or_default();
    let text = match kind(chosen.contenttype.as_deref(), None) {
        Kind::Html => text::html_to_text(value),
        _ => text::collapse_whitespace(value),
    };
    (!text.is_empty()).then_some(text)
}

/// The agency's abstract: a 2.x/3.x description with role summary or abstract, or 1.x's
/// role-less `description_*`. Captions and credit lines are not abstracts.
fn abstract_text(item: &NinjsItem) -> Option<String> {
    let is_abstract = |t: &&Text| {
        t.role.as_deref().is_some_and(|r| {
            r.eq_ignore_ascii_case("summary") || r.eq_ignore_ascii_case("abstract")
        })
    };
    let mut candidates: Vec<(Kind, &str)> = item
        .descriptions
        .iter()
        .filter(is_abstract)
        .filter_map(|t| Some((kind(t.contenttype.as_deref(), None), t.value.as_deref()?)))
        .collect();
    candidates.extend(pattern_texts(item, "description_", &mut |_| {}));
    let text = candidates
        .iter()
        .find(|(k, _)| *k == Kind::Text)
        .map(|(_, v)| text::collapse_whitespace(v))
        .or_else(|| {
            candidates
                .iter()
                .find(|(k, _)| *k == Kind::Html)
                .map(|(_, v)| text::html_to_text(v))
        })?;
    (!text.is_empty()).then_some(text)
}

fn agency(item: &NinjsItem) -> Option<String> {
    item.infosources
        .iter()
        .chain(&item.infosource)
        .find_map(|p| non_empty(p.name.as_deref()))
        .or_else(|| non_empty(item.source.as_deref()))
        .or_else(|| non_empty(item.provider.as_deref()))
        .or_else(|| non_empty(item.copyrightholder.as_deref()))
}

fn is_web_url(s: &str) -> bool {
    let lower = s.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// A `links` entry for the web page (not in any ninjs schema, so read leniently), else the item
/// `uri` when it is a web address.
fn source_url(item: &NinjsItem, uri: &str) -> Option<String> {
    let page = item.links.iter().find(|l| {
        let rel = l.rel.as_deref().unwrap_or("").to_ascii_lowercase();
        let html = l
            .contenttype
            .as_deref()
            .is_none_or(|ct| kind(Some(ct), None) == Kind::Html);
        matches!(
            rel.as_str(),
            "canonical" | "irel:canonical" | "alternate" | ""
        ) && html
            && l.href.as_deref().is_some_and(is_web_url)
    });
    page.and_then(|l| non_empty(l.href.as_deref()))
        .or_else(|| is_web_url(uri).then(|| uri.to_string()))
}

fn version(v: &Version, warn: &mut impl FnMut(String)) -> Option<u32> {
    let parsed = match v {
        Version::Text(s) => s.trim().parse::<u32>().ok(),
        Version::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
    };
    if parsed.is_none() {
        let shown = match v {
            Version::Text(s) => format!("{s:?}"),
            Version::Number(n) => n.to_string(),
        };
        warn(format!(
            "`version` {shown} is not a whole number; left empty"
        ));
    }
    parsed
}

fn pubstatus(value: Option<&str>, warn: &mut impl FnMut(String)) -> PubStatus {
    let Some(raw) = value.map(str::trim).filter(|s| !s.is_empty()) else {
        // ninjs: "its value is usable by default".
        return PubStatus::Usable;
    };
    match raw.to_ascii_lowercase().as_str() {
        "usable" => PubStatus::Usable,
        "withheld" => PubStatus::Withheld,
        "canceled" | "cancelled" => PubStatus::Canceled,
        _ => {
            // An unknown status must not publish by accident; withheld keeps it for the desk.
            warn(format!(
                "`pubstatus` {raw:?} is not usable/withheld/canceled; treated as withheld"
            ));
            PubStatus::Withheld
        }
    }
}

fn timestamp(field: &str, value: Option<&str>, warn: &mut impl FnMut(String)) -> Option<Timestamp> {
    let raw = value.map(str::trim).filter(|s| !s.is_empty())?;
    match raw.parse::<Timestamp>() {
        Ok(t) => Some(t),
        Err(_) => {
            warn(format!(
                "`{field}` {raw:?} is not a date-time with a UTC offset; left empty"
            ));
            None
        }
    }
}

fn subject1(s: &Subject1) -> Option<Subject> {
    let name = non_empty(s.name.as_deref());
    Some(
        match (non_empty(s.scheme.as_deref()), non_empty(s.code.as_deref())) {
            // A scheme ending like a URI path is a prefix; anything else is a scheme alias.
            (Some(scheme), Some(code)) if scheme.ends_with(['/', '#', '=']) => {
                canonical(&format!("{scheme}{code}"), name, &[])
            }
            (Some(scheme), Some(code)) => canonical(&format!("{scheme}:{code}"), name, &[]),
            // Superdesk sends IPTC Subject Codes as bare digits.
            (None, Some(code)) => match bare_subject_code(&code) {
                Some(qcode) => canonical(&qcode, name, &[]),
                None => Subject { code, name },
            },
            // No code: the concept's URI still identifies it better than its name.
            (_, None) => match non_empty(s.uri.as_deref()) {
                Some(uri) => canonical(&uri, name, &[]),
                None => Subject {
                    code: name.clone()?,
                    name,
                },
            },
        },
    )
}

fn subject2(s: &Subject2) -> Option<Subject> {
    let name = non_empty(s.name.as_deref());
    if let Some(uri) = non_empty(s.uri.as_deref()) {
        return Some(canonical(&uri, name, &[]));
    }
    let code = non_empty(s.literal.as_deref()).or_else(|| name.clone())?;
    Some(Subject { code, name })
}

fn subjects(item: &NinjsItem) -> Vec<Subject> {
    let mut out: Vec<Subject> = Vec::new();
    let all = item
        .subject
        .iter()
        .filter_map(subject1)
        .chain(item.subjects.iter().filter_map(subject2));
    for s in all {
        push_unique(&mut out, s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::fixture;
    use crate::{Format, decode};

    #[test]
    fn a_subject_with_only_a_uri_keeps_it() {
        let s = Subject1 {
            name: Some("economy".into()),
            uri: Some("http://cv.iptc.org/newscodes/mediatopic/04000000".into()),
            ..Subject1::default()
        };
        let got = subject1(&s).unwrap();
        assert_eq!(got.code, "medtop:04000000");
        assert_eq!(got.name.as_deref(), Some("economy"));
        let named = Subject1 {
            name: Some("Sports".into()),
            ..Subject1::default()
        };
        assert_eq!(subject1(&named).unwrap().code, "Sports");
    }

    fn ts(s: &str) -> Option<Timestamp> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn a_1x_item_maps_every_field_the_wire_sent() {
        let decoded = decode(&fixture("ninjs_1x.json")).unwrap();
        assert_eq!(decoded.format, Format::Ninjs);
        assert_eq!(decoded.warnings, Vec::<String>::new());
        let item = &decoded.items[0];
        assert_eq!(item.uri.as_deref(), Some("urn:wiredesk:test:1x-0001"));
        assert_eq!(item.version, Some(2));
        assert_eq!(item.pubstatus, PubStatus::Usable);
        assert_eq!(item.headline, "Harbour city opens tidal power station");
        assert_eq!(item.slugline.as_deref(), Some("tidal-power"));
        assert_eq!(item.byline.as_deref(), Some("A. Reporter"));
        assert_eq!(item.language.as_deref(), Some("en"));
        assert!(
            matches!(&item.body, WireBody::Html(h) if h.starts_with("<p>Portmere, Nov 6 (WDN)")),
            "the HTML body wins over body_text: {:?}",
            item.body
        );
        assert_eq!(
            item.abstract_text.as_deref(),
            Some("The station will power 40,000 homes.")
        );
        assert_eq!(
            item.subjects,
            vec![
                Subject {
                    code: "medtop:20000273".into(),
                    name: Some("renewable energy".into())
                },
                Subject {
                    code: "wdn:energy".into(),
                    name: Some("Energy".into())
                },
            ]
        );
        assert_eq!(item.keywords, ["tidal", "energy"]);
        assert_eq!(item.agency.as_deref(), Some("Wire Desk News"));
        assert_eq!(item.version_created, ts("2026-11-06T09:30:00Z"));
        assert_eq!(item.first_created, ts("2026-11-06T08:00:00Z"));
        assert_eq!(item.embargoed, None);
        assert_eq!(item.source_url, None, "a urn is not a web page");
        let [photo] = item.associations.as_slice() else {
            panic!("one picture: {:?}", item.associations);
        };
        assert_eq!(photo.name, "featuremedia");
        assert_eq!(
            photo.caption.as_deref(),
            Some("Tidal turbines in Portmere harbour. TURBINE CAPTION")
        );
        assert_eq!(photo.credit.as_deref(), Some("P. Photographer/WDN"));
        assert_eq!(
            photo.renditions[0].href,
            "https://wire.example.org/photos/turbines.jpg"
        );
        assert!(!item.body.as_str().contains("TURBINE CAPTION"));
        assert!(
            !item
                .abstract_text
                .as_deref()
                .unwrap_or("")
                .contains("CAPTION")
        );
    }

    #[test]
    fn a_2x_item_maps_headlines_bodies_and_infosources() {
        let decoded = decode(&fixture("ninjs_2x.json")).unwrap();
        assert_eq!(decoded.warnings, Vec::<String>::new());
        let item = &decoded.items[0];
        assert_eq!(
            item.uri.as_deref(),
            Some("https://wire.example.org/items/2x-0042")
        );
        assert_eq!(item.version, Some(5));
        assert_eq!(item.headline, "Ferry fares frozen for a second year");
        assert!(matches!(&item.body, WireBody::Html(h) if h.contains("<p>")));
        assert_eq!(
            item.abstract_text.as_deref(),
            Some("Fares stay at 2025 levels until March.")
        );
        assert_eq!(item.byline.as_deref(), Some("B. Writer"));
        assert_eq!(item.agency.as_deref(), Some("Wire Desk News"));
        assert_eq!(
            item.source_url.as_deref(),
            Some("https://wire.example.org/items/2x-0042"),
            "an http(s) uri is the item's web address when no link says otherwise"
        );
        assert_eq!(item.embargoed, ts("2026-11-07T06:00:00Z"));
        assert_eq!(
            item.subjects[0],
            Subject {
                code: "subj:04000000".into(),
                name: Some("economy, business and finance".into())
            }
        );
        assert_eq!(item.subjects[1].code, "TRANSPORT");
    }

    #[test]
    fn a_3x_item_is_read_with_its_camel_case_names() {
        let decoded = decode(&fixture("ninjs_3x.json")).unwrap();
        let item = &decoded.items[0];
        assert_eq!(item.version, Some(3), "a numeric version is accepted");
        assert_eq!(item.pubstatus, PubStatus::Canceled);
        assert_eq!(item.headline, "Court ruling on harbour dredging postponed");
        assert_eq!(item.version_created, ts("2026-11-08T10:15:00+01:00"));
        assert_eq!(item.first_created, ts("2026-11-08T07:00:00Z"));
        assert_eq!(item.embargoed, ts("2026-11-08T12:00:00Z"));
        assert_eq!(item.agency.as_deref(), Some("Wire Desk News"));
        assert_eq!(item.language.as_deref(), Some("en-GB"));
        assert_eq!(
            item.source_url.as_deref(),
            Some("https://news.example.org/2026/11/08/dredging"),
            "the canonical link beats the uri"
        );
        assert_eq!(
            item.abstract_text.as_deref(),
            Some("A decision is now expected in January."),
            "the summary, not the caption, is the abstract"
        );
        assert!(matches!(&item.body, WireBody::Html(h) if h.starts_with("<p>")));
        assert_eq!(item.subjects[0].code, "medtop:02000000");
        let [photo] = item.associations.as_slice() else {
            panic!("one picture: {:?}", item.associations);
        };
        assert_eq!(
            (photo.name.as_str(), photo.headline.as_deref()),
            ("picture1", Some("Dredgers"))
        );
        assert_eq!(
            photo.caption.as_deref(),
            Some("Dredgers at work in the harbour. DREDGER CAPTION")
        );
        assert_eq!(photo.renditions[0].width, Some(1024));
    }

    #[test]
    fn superdesk_ninjs_uses_guid_and_source() {
        let decoded = decode(&fixture("ninjs_superdesk.json")).unwrap();
        let item = &decoded.items[0];
        assert_eq!(
            item.uri.as_deref(),
            Some("urn:newsml:wire.example.org:2026:sd-77")
        );
        assert_eq!(
            item.agency.as_deref(),
            Some("WDN"),
            "`source` beats copyrightholder"
        );
        assert_eq!(
            item.version_created,
            ts("2026-11-09T04:38:34Z"),
            "a +0000 offset is read"
        );
        assert_eq!(item.abstract_text.as_deref(), Some("Short abstract."));
        assert_eq!(
            item.subjects[0].code, "subj:15000000",
            "Superdesk's bare digits are IPTC Subject Codes"
        );
        assert_eq!(item.subjects[0].name.as_deref(), Some("sport"));
    }

    #[test]
    fn the_agency_falls_back_from_infosource_to_source_provider_and_copyright_holder() {
        let agency = |json: serde_json::Value| {
            let mut base = serde_json::json!({"uri": "urn:x:1", "headline": "H", "body_text": "B"});
            base.as_object_mut()
                .unwrap()
                .extend(json.as_object().unwrap().clone());
            decode(base.to_string().as_bytes()).unwrap().items[0]
                .agency
                .clone()
        };
        let all = serde_json::json!({
            "infosources": [{"role": "x"}, {"name": "Info"}], "source": "Src",
            "provider": {"name": "Prov"}, "copyrightholder": "Holder",
        });
        assert_eq!(agency(all).as_deref(), Some("Info"));
        let no_info =
            serde_json::json!({"source": " ", "provider": "Prov", "copyrightholder": "Holder"});
        assert_eq!(agency(no_info).as_deref(), Some("Prov"));
        let holder = serde_json::json!({"copyrightholder": "Holder"});
        assert_eq!(agency(holder).as_deref(), Some("Holder"));
        assert_eq!(agency(serde_json::json!({})), None);
    }

    #[test]
    fn an_array_of_items_yields_each_and_skips_the_broken_with_a_warning() {
        let decoded = decode(&fixture("ninjs_array.json")).unwrap();
        assert_eq!(decoded.items.len(), 2);
        assert_eq!(decoded.items[0].headline, "First of two");
        assert_eq!(decoded.items[1].headline, "Second of two");
        assert_eq!(decoded.warnings.len(), 1, "{:?}", decoded.warnings);
        assert!(decoded.warnings[0].starts_with("item 2 of 3 skipped: ninjs item"));
    }

    #[test]
    fn garbled_values_are_dropped_with_a_warning_not_guessed() {
        let json = serde_json::json!({
            "uri": "urn:x:1",
            "headline": "H",
            "body_text": "B",
            "version": "v2",
            "versioncreated": "2026-11-06T10:37:00",
            "pubstatus": "embargoed",
        });
        let decoded = decode(json.to_string().as_bytes()).unwrap();
        let item = &decoded.items[0];
        assert_eq!(item.version, None);
        assert_eq!(item.version_created, None);
        assert_eq!(item.pubstatus, PubStatus::Withheld);
        assert_eq!(
            decoded.warnings,
            [
                "ninjs item urn:x:1: `version` \"v2\" is not a whole number; left empty",
                "ninjs item urn:x:1: `pubstatus` \"embargoed\" is not usable/withheld/canceled; treated as withheld",
                "ninjs item urn:x:1: `versioncreated` \"2026-11-06T10:37:00\" is not a date-time with a UTC offset; left empty",
            ]
        );
    }

    #[test]
    fn a_picture_without_a_body_is_kept_with_a_warning() {
        let json = serde_json::json!({
            "uri": "urn:x:pic", "type": "picture",
            "headlines": [{"role": "main", "value": "Harbour at dawn"}],
            "descriptions": [{"role": "caption", "value": "Boats."}],
        });
        let decoded = decode(json.to_string().as_bytes()).unwrap();
        assert_eq!(decoded.items[0].body, WireBody::Text(String::new()));
        assert_eq!(decoded.items[0].abstract_text, None);
        assert_eq!(
            decoded.warnings,
            ["ninjs item urn:x:pic: no body (item type `picture`)"]
        );
    }

    #[test]
    fn an_item_with_a_body_but_no_headline_is_kept_and_one_with_neither_refused() {
        let json = r#"{"uri": "urn:x:1", "headlines": [{"value": "  "}], "body_text": "B"}"#;
        let decoded = decode(json.as_bytes()).unwrap();
        assert_eq!(decoded.items[0].headline, "");
        assert_eq!(decoded.warnings, ["ninjs item urn:x:1: no headline"]);
        let json = r#"{"uri": "urn:x:2", "headlines": [], "bodies": []}"#;
        assert_eq!(
            decode(json.as_bytes()).unwrap_err().to_string(),
            "ninjs item urn:x:2 has neither a headline nor a body"
        );
    }

    #[test]
    fn html_headlines_become_text_and_plain_bodies_stay_text() {
        let json = serde_json::json!({
            "uri": "urn:x:1",
            "headlines": [
                {"role": "sub", "value": "Not this"},
                {"role": "main", "contenttype": "text/html", "value": "<b>Bold</b> &amp; brave"}
            ],
            "bodies": [
                {"role": "nitf", "contenttype": "application/xml", "value": "<nitf/>"},
                {"role": "text", "contenttype": "text/plain", "value": "Para one.\n\nPara two."}
            ],
        });
        let decoded = decode(json.to_string().as_bytes()).unwrap();
        assert_eq!(decoded.items[0].headline, "Bold & brave");
        assert_eq!(
            decoded.items[0].body,
            WireBody::Text("Para one.\n\nPara two.".into())
        );
    }

    #[test]
    fn subject_schemes_become_qualified_codes() {
        let s1 = |scheme: Option<&str>, code: Option<&str>, name: Option<&str>| {
            subject1(&Subject1 {
                scheme: scheme.map(Into::into),
                code: code.map(Into::into),
                name: name.map(Into::into),
                uri: None,
            })
            .map(|s| s.code)
        };
        assert_eq!(
            s1(
                Some("http://cv.iptc.org/newscodes/mediatopic/"),
                Some("04000000"),
                None
            )
            .as_deref(),
            Some("medtop:04000000")
        );
        assert_eq!(
            s1(Some("http://www.freebase.com/m/"), Some("0hzc"), None).as_deref(),
            Some("http://www.freebase.com/m/0hzc")
        );
        assert_eq!(
            s1(Some("topic"), Some("#tag"), None).as_deref(),
            Some("topic:#tag")
        );
        assert_eq!(s1(None, None, Some("Sport")).as_deref(), Some("Sport"));
        assert_eq!(
            s1(Some("medtop"), Some("20000371"), None).as_deref(),
            Some("medtop:20000371"),
            "an IPTC alias with its code"
        );
        assert_eq!(
            subject1(&Subject1 {
                code: Some("04001000".into()),
                ..Subject1::default()
            })
            .and_then(|s| s.name)
            .as_deref(),
            Some("agriculture"),
            "named from the vocabulary when the wire sends no name"
        );
        assert_eq!(s1(None, None, None), None);
    }
}
