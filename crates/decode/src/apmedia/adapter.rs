//! AP Media API items → `WireItem`s.
//!
//! Owns: `altids.itemid` as the uri (the API's `uri` carries expiring query tokens), the
//! richest headline, subjects as `scheme` + `code` (AP's own scheme kept, IPTC's canonical), and
//! keeping pictures, video and graphics out of the stories, as the associations of the text
//! items that name them.
//! Must not: invent a body: an item without inline text gets a warning that its text is a
//! rendition to fetch.

use wiredesk_model::{Association, PubStatus, Subject, WireBody, WireItem};

use super::ApItem;
use crate::fields::{non_empty, number};
use crate::subjects::{canonical, push_unique};
use crate::{DecodeError, Decoded, Format, time};

pub(crate) fn decoded(
    items: Vec<ApItem>,
    page_media: &[Association],
) -> Result<Decoded, DecodeError> {
    let refused = |reason: String| DecodeError::Refused {
        format: Format::ApMedia,
        reason,
    };
    let mut warnings = Vec::new();
    let mut out = Vec::new();
    let mut media = 0;
    let mut first_error = None;
    for item in items {
        let kind = item.item_type.as_deref().unwrap_or("text");
        if kind != "text" {
            media += 1;
            continue;
        }
        match wire_item(item, &mut warnings) {
            Ok(mut i) => {
                for a in &mut i.associations {
                    if let Some(full) = page_media.iter().find(|m| m.uri == a.uri) {
                        crate::media::complete(a, full);
                    }
                }
                out.push(i)
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    // Media no text item of the page associates are not stories, and go with none.
    for m in page_media {
        let associated = out
            .iter()
            .any(|i| i.associations.iter().any(|a| a.uri == m.uri));
        if !associated {
            warnings.push(format!(
                "{} item {} kept out: media are associations, and this one goes with no story \
                 on this page",
                m.kind,
                m.uri.as_deref().unwrap_or("(no itemid)")
            ));
        }
    }
    if out.is_empty() {
        return Err(first_error.unwrap_or_else(|| {
            refused(if media > 0 {
                format!(
                    "no text item: only {media} media item(s), which are associations, not stories"
                )
            } else {
                "no items".into()
            })
        }));
    }
    Ok(Decoded {
        format: Format::ApMedia,
        items: out,
        warnings,
    })
}

fn wire_item(item: ApItem, warnings: &mut Vec<String>) -> Result<WireItem, DecodeError> {
    let refused = |reason: String| DecodeError::Refused {
        format: Format::ApMedia,
        reason,
    };
    let uri = non_empty(item.altids.itemid.as_deref())
        .or_else(|| non_empty(item.uri.as_deref()))
        .ok_or_else(|| refused("an item has no `altids.itemid` or `uri`".into()))?;
    let headline = non_empty(item.headline.as_deref())
        .or_else(|| non_empty(item.headline_extended.as_deref()))
        .or_else(|| non_empty(item.title.as_deref()))
        .unwrap_or_default();
    let mut warn = |m: String| warnings.push(format!("AP Media API item {uri}: {m}"));
    let body = match non_empty(item.body_html.as_deref()) {
        Some(html) => WireBody::Html(html),
        None => {
            let rendition = item
                .renditions
                .as_ref()
                .and_then(|r| r.get("nitf"))
                .is_some();
            warn(if rendition {
                "no inline text; the story text is the `renditions.nitf` download".into()
            } else {
                "no inline text and no NITF rendition".into()
            });
            WireBody::default()
        }
    };
    // Copy without a headline is kept: it waits on the desk for an editor to write one.
    if headline.is_empty() {
        if body.as_str().trim().is_empty() {
            return Err(refused(format!(
                "item {uri} has neither a headline nor text"
            )));
        }
        warn("no headline".into());
    }
    let pubstatus = match item.pubstatus.as_deref() {
        None | Some("usable") => PubStatus::Usable,
        Some("withheld") => PubStatus::Withheld,
        Some("canceled") | Some("cancelled") => PubStatus::Canceled,
        Some(other) => {
            warn(format!("unknown pubstatus {other:?}; read as usable"));
            PubStatus::Usable
        }
    };
    let bylines: Vec<String> = item
        .bylines
        .iter()
        .filter_map(|b| non_empty(b.by.as_deref()))
        .collect();
    let mut subjects: Vec<Subject> = Vec::new();
    for s in &item.subject {
        let Some(code) = non_empty(s.code.as_deref()) else {
            continue;
        };
        let code = match non_empty(s.scheme.as_deref()) {
            Some(scheme) => format!("{scheme}{code}"),
            None => code,
        };
        push_unique(
            &mut subjects,
            canonical(&code, non_empty(s.name.as_deref()), &[]),
        );
    }
    Ok(WireItem {
        uri: Some(uri.clone()),
        version: number(item.version.as_ref()).and_then(|v| u32::try_from(v).ok()),
        pubstatus,
        headline,
        slugline: non_empty(item.slugline.as_deref()),
        byline: Some(bylines.join(", ")).filter(|b| !b.is_empty()),
        dateline_text: None,
        place: item
            .datelinelocation
            .as_ref()
            .and_then(|l| non_empty(l.city.as_deref())),
        body,
        abstract_text: non_empty(item.summary.as_deref()),
        subjects,
        keywords: item
            .keywords
            .iter()
            .filter_map(|k| non_empty(Some(k)))
            .collect(),
        language: non_empty(item.language.as_deref()),
        agency: item
            .infosource
            .iter()
            .find_map(|s| non_empty(s.name.as_deref()))
            .or_else(|| non_empty(item.provider.as_deref())),
        source_url: None,
        first_created: time::field("firstcreated", item.firstcreated.as_deref(), &mut warn),
        version_created: time::field("versioncreated", item.versioncreated.as_deref(), &mut warn),
        embargoed: time::field("embargoed", item.embargoed.as_deref(), &mut warn),
        subheadline: None,
        urgency: number(item.urgency.as_ref()).and_then(|u| u8::try_from(u).ok()),
        signals: item.signals.clone(),
        copyright_holder: None,
        expires: None,
        associations: crate::media::associations(&item.associations),
        not_for_publication: crate::not_for_publication::first_reason(
            "AP editorial type",
            item.editorialtypes.iter().map(|t| (Some(t.as_str()), None)),
        ),
    })
}
