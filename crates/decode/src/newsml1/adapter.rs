//! NewsML 1.2 items → `WireItem`s.
//!
//! Owns: the item's identity without its revision (`urn:newsml:{provider}:{date}:{id}`, so
//! every revision lands on one story), `RevisionId` as the version, the `Status` vocabulary
//! (Usable, Withheld, Canceled; Embargoed with `StatusWillChange` as an embargo).
//! Must not: invent values: a garbled time or number is dropped with a warning.

use wiredesk_model::{PubStatus, Subject, WireBody, WireItem};

use super::{Body, NewsItem};
use crate::subjects::{canonical, push_unique};
use crate::{DecodeError, Decoded, Format, time};

fn refused(reason: impl Into<String>) -> DecodeError {
    DecodeError::Refused {
        format: Format::Newsml1,
        reason: reason.into(),
    }
}

pub(crate) fn decoded(items: Vec<NewsItem>) -> Result<Decoded, DecodeError> {
    if items.is_empty() {
        return Err(refused("the file holds no NewsItem"));
    }
    let mut warnings = Vec::new();
    let mut out = Vec::new();
    let mut first_error = None;
    let total = items.len();
    for item in items {
        match wire_item(item, &mut warnings) {
            Ok(i) => out.push(i),
            Err(e) => {
                warnings.push(format!("a NewsItem of {total} skipped: {e}"));
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) if out.is_empty() => Err(e),
        _ => Ok(Decoded {
            format: Format::Newsml1,
            items: out,
            warnings,
        }),
    }
}

fn wire_item(item: NewsItem, warnings: &mut Vec<String>) -> Result<WireItem, DecodeError> {
    let uri = match (&item.provider_id, &item.date_id, &item.news_item_id) {
        (Some(p), Some(d), Some(i)) => format!("urn:newsml:{p}:{d}:{i}"),
        _ => item
            .public_identifier
            .clone()
            .ok_or_else(|| refused("a NewsItem has no NewsIdentifier"))?,
    };
    if item.headline.is_none() && item.body.is_none() {
        return Err(refused(format!(
            "item {uri} has neither a HeadLine nor text"
        )));
    }
    let mut warn = |m: String| warnings.push(format!("NewsML 1.2 item {uri}: {m}"));
    // Copy without a headline is kept: it waits on the desk for an editor to write one.
    let headline = item.headline.clone().unwrap_or_else(|| {
        warn("no HeadLine".into());
        String::new()
    });
    let mut embargoed = None;
    let pubstatus = match item
        .status
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("usable") => PubStatus::Usable,
        Some("withheld") => PubStatus::Withheld,
        Some("canceled") | Some("cancelled") => PubStatus::Canceled,
        Some("embargoed") => {
            embargoed = time::field(
                "StatusWillChange",
                item.status_will_change.as_deref(),
                &mut warn,
            );
            if embargoed.is_none() {
                warn("embargoed without a StatusWillChange time; held as withheld".into());
                PubStatus::Withheld
            } else {
                PubStatus::Usable
            }
        }
        Some(other) => {
            warn(format!("unknown Status {other:?}; read as usable"));
            PubStatus::Usable
        }
    };
    let version = item.revision.as_deref().and_then(|r| {
        r.parse::<u32>().ok().or_else(|| {
            warn(format!("RevisionId {r:?} is not a number; dropped"));
            None
        })
    });
    let body = match &item.body {
        Some(Body::Html(h)) => WireBody::Html(h.clone()),
        Some(Body::Text(t)) => WireBody::Text(t.clone()),
        None => {
            warn("no text content".into());
            WireBody::default()
        }
    };
    let mut subjects: Vec<Subject> = Vec::new();
    for (code, name) in &item.subjects {
        // NewsML 1's `FormalName` in the IptcSubjectCodes scheme is a bare Subject Code.
        let code = if code.chars().all(|c| c.is_ascii_digit()) {
            format!("subj:{code}")
        } else {
            code.clone()
        };
        push_unique(&mut subjects, canonical(&code, name.clone(), &[]));
    }
    Ok(WireItem {
        uri: Some(uri.clone()),
        version,
        pubstatus,
        headline,
        slugline: item.slugline.clone(),
        byline: item.byline.clone(),
        dateline_text: item.dateline.clone(),
        place: None,
        body,
        abstract_text: None,
        subjects,
        keywords: item.keywords.clone(),
        language: item
            .lang
            .clone()
            .filter(|l| l != "x-default")
            .or_else(|| item.language.clone())
            .map(|l| l.to_ascii_lowercase()),
        agency: item
            .provider
            .clone()
            .or_else(|| item.source.clone())
            .or_else(|| item.provider_id.clone()),
        source_url: None,
        first_created: time::field("FirstCreated", item.first_created.as_deref(), &mut warn),
        version_created: time::field(
            "ThisRevisionCreated",
            item.this_revision_created.as_deref(),
            &mut warn,
        ),
        embargoed,
        subheadline: item.subheadline.clone(),
        urgency: item.urgency.as_deref().and_then(|u| u.parse().ok()),
        signals: Vec::new(),
        copyright_holder: item.copyright_line.clone(),
        expires: None,
        associations: Vec::new(),
        not_for_publication: crate::not_for_publication::first_reason(
            "NewsML NewsItemType",
            item.item_type.as_deref().map(|t| (Some(t), None)),
        )
        .or_else(|| {
            crate::not_for_publication::first_reason(
                "genre",
                item.genres.iter().map(|g| (Some(g.as_str()), None)),
            )
        }),
    })
}
