//! digitalwires entry → `WireItem`.
//!
//! Owns: `urn` as the uri, `teaser` as the abstract, `subhead` as the subheadline, subjects
//! from `categories` (`dnltype:dpasubject`, `subject`, `geosubject`: qcode and name as sent),
//! keywords from `dnltype:keyword`, the agency from `dnltype:provider` (else the credit line),
//! pictures and audio from `associations`, and a `dnltype:genre` that is a note to editors
//! ("Achtung", `dpatextgenre:27`) as `not_for_publication`.
//! Must not: invent values: a garbled time or number is dropped with a warning.

use wiredesk_model::{PubStatus, Subject, WireBody, WireItem};

use super::Entry;
use crate::fields::{non_empty, number};
use crate::subjects::{canonical, push_unique};
use crate::{DecodeError, Format, time};

pub(crate) fn wire_item(e: Entry, warnings: &mut Vec<String>) -> Result<WireItem, DecodeError> {
    let refused = |reason: String| DecodeError::Refused {
        format: Format::DigitalWires,
        reason,
    };
    let uri = non_empty(e.urn.as_deref())
        .or_else(|| non_empty(e.entry_id.as_deref()))
        .ok_or_else(|| refused("entry has no `urn`".into()))?;
    let Some(body) = non_empty(e.article_html.as_deref()) else {
        let kinds: Vec<&str> = e
            .associations
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.get("type")?.as_str())
            .collect();
        return Err(refused(if kinds.is_empty() {
            format!("entry {uri} has no article text")
        } else {
            format!(
                "entry {uri} has no article text; its {} association(s) ({}) are media, not a story",
                kinds.len(),
                kinds.join(", ")
            )
        }));
    };
    let mut warn = |m: String| warnings.push(format!("digitalwires entry {uri}: {m}"));
    // Copy without a headline is kept: it waits on the desk for an editor to write one.
    let headline = non_empty(e.headline.as_deref()).unwrap_or_else(|| {
        warn("no headline".into());
        String::new()
    });
    let categories = &e.categories;
    let category = |kind: &'static str| {
        categories
            .iter()
            .filter(move |c| c.category_type.as_deref() == Some(kind))
    };
    let pubstatus_text = non_empty(e.pubstatus.as_deref()).or_else(|| {
        category("dnltype:pubstatus")
            .find_map(|c| c.qcode.as_deref().or(c.name.as_deref()).map(str::to_string))
    });
    let pubstatus = match pubstatus_text
        .as_deref()
        .map(|s| s.rsplit(':').next().unwrap_or(s))
    {
        None | Some("usable") => PubStatus::Usable,
        Some("withheld") => PubStatus::Withheld,
        Some("canceled") | Some("cancelled") => PubStatus::Canceled,
        Some(other) => {
            warn(format!("unknown pubstatus {other:?}; read as usable"));
            PubStatus::Usable
        }
    };
    let mut subjects: Vec<Subject> = Vec::new();
    for c in &e.categories {
        let kind = c.category_type.as_deref().unwrap_or("");
        if !matches!(
            kind,
            "dnltype:dpasubject" | "dnltype:subject" | "dnltype:geosubject"
        ) {
            continue;
        }
        let Some(code) = non_empty(c.qcode.as_deref()).or_else(|| non_empty(c.name.as_deref()))
        else {
            continue;
        };
        push_unique(
            &mut subjects,
            canonical(&code, non_empty(c.name.as_deref()), &[]),
        );
    }
    let version = number(e.version.as_ref()).and_then(|v| u32::try_from(v).ok());
    if e.version.is_some() && version.is_none() {
        warn("`version` is not a number; dropped".into());
    }
    Ok(WireItem {
        uri: Some(uri.clone()),
        version,
        pubstatus,
        headline,
        slugline: non_empty(e.kicker.as_deref()),
        byline: non_empty(e.byline.as_deref()),
        dateline_text: non_empty(e.dateline.as_deref()),
        place: None,
        body: WireBody::Html(body),
        abstract_text: non_empty(e.teaser.as_deref()),
        subjects,
        keywords: category("dnltype:keyword")
            .filter_map(|c| non_empty(c.name.as_deref()))
            .collect(),
        language: non_empty(e.language.as_deref()),
        agency: category("dnltype:provider")
            .find_map(|c| non_empty(c.name.as_deref()))
            .or_else(|| non_empty(e.creditline.as_deref())),
        source_url: e
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_some_and(|r| r.ends_with("canonical")))
            .and_then(|l| non_empty(l.href.as_deref())),
        first_created: time::field("content_created", e.content_created.as_deref(), &mut warn),
        version_created: time::field("version_created", e.version_created.as_deref(), &mut warn)
            .or_else(|| time::field("updated", e.updated.as_deref(), &mut warn)),
        embargoed: time::field("embargoed", e.embargoed.as_deref(), &mut warn),
        subheadline: non_empty(e.subhead.as_deref()),
        urgency: number(e.urgency.as_ref()).and_then(|u| u8::try_from(u).ok()),
        signals: non_empty(e.signal.as_deref()).into_iter().collect(),
        copyright_holder: None,
        expires: None,
        associations: crate::media::associations(&e.associations),
        not_for_publication: crate::not_for_publication::first_reason(
            "genre",
            category("dnltype:genre").map(|c| (c.qcode.as_deref(), c.name.as_deref())),
        ),
    })
}
