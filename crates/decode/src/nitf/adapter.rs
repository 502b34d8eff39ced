//! NITF document → `WireItem`.
//!
//! Owns: which NITF field feeds which `WireItem` field: `doc-id` is the uri, `du-key@version`
//! the version, `management-status` the pubstatus, `date.release` in the future of
//! `date.issue` the embargo, `date.expire` the expiry, `hl1` (else `title`) the headline,
//! `tobject.type="advisory"` (or an advisory `tobject.property`) not for publication.
//! Must not: invent values: a garbled date or number is dropped with a warning.

use wiredesk_model::{PubStatus, Subject, WireBody, WireItem};

use super::Nitf;
use crate::subjects::{canonical, push_unique};
use crate::{DecodeError, Format, time};

pub(crate) fn wire_item(doc: Nitf, warnings: &mut Vec<String>) -> Result<WireItem, DecodeError> {
    let headline = doc.hl1.clone().or_else(|| doc.title.clone());
    if headline.is_none() && doc.body.is_none() {
        return Err(DecodeError::Refused {
            format: Format::Nitf,
            reason: "the document has neither a headline (hl1 or title) nor body.content".into(),
        });
    }
    let id = doc.doc_id.clone().unwrap_or_else(|| "(no doc-id)".into());
    let mut warn = |m: String| warnings.push(format!("NITF {id}: {m}"));
    // Copy without a headline is kept: it waits on the desk for an editor to write one.
    let headline = headline.unwrap_or_else(|| {
        warn("no headline (hl1 or title)".into());
        String::new()
    });
    if doc.doc_id.is_none() {
        warn("no doc-id; the story's identity comes from its headline".into());
    }
    let pubstatus = match doc
        .management_status
        .as_deref()
        .map(str::to_ascii_lowercase)
    {
        None => PubStatus::Usable,
        Some(s) if s == "usable" => PubStatus::Usable,
        Some(s) if s == "withheld" => PubStatus::Withheld,
        Some(s) if s == "canceled" || s == "cancelled" => PubStatus::Canceled,
        Some(other) => {
            warn(format!(
                "unknown management-status {other:?}; read as usable"
            ));
            PubStatus::Usable
        }
    };
    let issued = time::field("date.issue", doc.date_issue.as_deref(), &mut warn);
    let release = time::field("date.release", doc.date_release.as_deref(), &mut warn);
    // A release time after the issue time holds the story back: that is an embargo.
    let embargoed = match (issued, release) {
        (Some(i), Some(r)) if r > i => Some(r),
        (None, Some(r)) => Some(r),
        _ => None,
    };
    let version = doc.du_key_version.as_deref().and_then(|v| {
        v.trim().parse::<u32>().ok().or_else(|| {
            warn(format!("du-key version {v:?} is not a number; dropped"));
            None
        })
    });
    let urgency = doc
        .urgency
        .as_deref()
        .and_then(|u| u.trim().parse::<u8>().ok());
    let agency = doc
        .regsrc
        .clone()
        .or_else(|| doc.distributor.clone())
        .or_else(|| doc.copyright_holder.clone())
        .or_else(|| doc.pubdata_name.clone());
    let body = match doc.body.clone() {
        Some(markup) => WireBody::Html(markup),
        None => {
            warn("no body.content".into());
            WireBody::default()
        }
    };
    let mut subjects: Vec<Subject> = Vec::new();
    for (code, name) in &doc.subjects {
        // `tobject.subject.refnum` is an IPTC Subject Code, bare or as `subj:`/`iptc:`.
        let code = if code.chars().all(|c| c.is_ascii_digit()) {
            format!("subj:{code}")
        } else {
            code.clone()
        };
        push_unique(&mut subjects, canonical(&code, name.clone(), &[]));
    }
    Ok(WireItem {
        uri: doc.doc_id.clone(),
        version,
        pubstatus,
        headline,
        slugline: doc.du_key.clone().or_else(|| meta(&doc, "anpa-keyword")),
        byline: doc.byline.clone(),
        dateline_text: doc.dateline.clone(),
        place: doc.location.clone(),
        body,
        abstract_text: doc.abstract_text.clone(),
        subjects,
        keywords: doc.keywords.clone(),
        language: doc.language.clone(),
        agency,
        source_url: doc.pubdata_url.clone(),
        first_created: issued,
        version_created: issued,
        embargoed,
        subheadline: doc.hl2.clone(),
        urgency,
        signals: Vec::new(),
        copyright_holder: doc.copyright_holder.clone(),
        expires: time::field("date.expire", doc.date_expire.as_deref(), &mut warn),
        associations: Vec::new(),
        not_for_publication: not_for_publication(&doc),
    })
}

/// `tobject.type="advisory"`, or a `tobject.property` genre that is a message to editors.
fn not_for_publication(doc: &Nitf) -> Option<String> {
    use crate::not_for_publication::first_reason;
    first_reason("NITF tobject.type", [(doc.tobject_type.as_deref(), None)]).or_else(|| {
        first_reason(
            "NITF tobject.property",
            doc.tobject_properties
                .iter()
                .map(|p| (Some(p.as_str()), None)),
        )
    })
}

fn meta(doc: &Nitf, name: &str) -> Option<String> {
    doc.meta
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}
