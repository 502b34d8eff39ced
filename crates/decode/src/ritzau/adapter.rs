//! RBNews items → `WireItem`s.
//!
//! Owns: `NewsID` as the uri, `PublishDate` read in Copenhagen's time (RBNews writes the wall
//! clock without an offset), `byLine` as the byline (`origin`'s "/ritzau/" is the agency's
//! signature, not a reporter), `town` as the dateline's place, `strapline`'s `/`-separated
//! words as keywords, `Priority` as urgency, `Annuleret` as canceled and the version flags as
//! signals.
//! Must not: make up a headline: a flash sent without one is decoded with an empty headline,
//! and waits on the desk for an editor to write one.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use wiredesk_model::{PubStatus, Subject, WireBody, WireItem};

use super::RbNews;
use crate::subjects::{bare_subject_code, canonical, push_unique};
use crate::{DecodeError, Decoded, Format};

fn refused(reason: impl Into<String>) -> DecodeError {
    DecodeError::Refused {
        format: Format::Ritzau,
        reason: reason.into(),
    }
}

pub(crate) fn decoded(items: Vec<RbNews>) -> Result<Decoded, DecodeError> {
    if items.is_empty() {
        return Err(refused("the file holds no RBNews item"));
    }
    let total = items.len();
    let (mut out, mut warnings, mut first_error) = (Vec::new(), Vec::new(), None);
    for item in items {
        match wire_item(item, &mut warnings) {
            Ok(i) => out.push(i),
            Err(e) => {
                warnings.push(format!("an RBNews item of {total} skipped: {e}"));
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) if out.is_empty() => Err(e),
        _ => Ok(Decoded {
            format: Format::Ritzau,
            items: out,
            warnings,
        }),
    }
}

/// Copenhagen's rule (CET, CEST from the last Sunday of March to the last of October), as a
/// POSIX TZ string: the decoder reads no time zone database.
const COPENHAGEN: &str = "CET-1CEST,M3.5.0,M10.5.0/3";

/// A `PublishDate`: an instant when it carries an offset, else Copenhagen's wall clock.
fn publish_date(raw: &str) -> Option<Timestamp> {
    let raw = raw.trim();
    if let Ok(t) = raw.parse::<Timestamp>() {
        return Some(t);
    }
    let local: DateTime = raw.parse().ok()?;
    let zone = TimeZone::posix(COPENHAGEN).ok()?;
    zone.to_timestamp(local).ok()
}

fn wire_item(item: RbNews, warnings: &mut Vec<String>) -> Result<WireItem, DecodeError> {
    let uri = item
        .news_id
        .clone()
        .ok_or_else(|| refused("an item has no NewsID"))?;
    if item.headline.is_none() && item.content.is_none() {
        return Err(refused(format!(
            "item {uri} has neither headline nor content"
        )));
    }
    let mut warn = |m: String| warnings.push(format!("RBNews item {uri}: {m}"));
    let version = item.version.as_deref().and_then(|v| {
        v.parse::<u32>().ok().or_else(|| {
            warn(format!("version {v:?} is not a number; dropped"));
            None
        })
    });
    let published = item.publish_date.as_deref().and_then(|d| {
        publish_date(d).or_else(|| {
            warn(format!("PublishDate {d:?} is not a date and time; dropped"));
            None
        })
    });
    let body = match &item.content {
        Some(html) => WireBody::Html(html.clone()),
        None => {
            warn("no content".into());
            WireBody::default()
        }
    };
    let mut subjects: Vec<Subject> = Vec::new();
    for code in &item.iptc {
        let subject = match bare_subject_code(code) {
            Some(qcode) => canonical(&qcode, None, &[]),
            None => Subject {
                code: code.clone(),
                name: None,
            },
        };
        push_unique(&mut subjects, subject);
    }
    let signals = [
        (item.new_version, "sig:update"),
        (item.correction, "sig:correction"),
    ]
    .into_iter()
    .filter(|(set, _)| *set)
    .map(|(_, s)| s.to_string())
    .collect();
    Ok(WireItem {
        uri: Some(uri.clone()),
        version,
        pubstatus: if item.canceled {
            PubStatus::Canceled
        } else {
            PubStatus::Usable
        },
        headline: item.headline.clone().unwrap_or_default(),
        byline: item.by_line.clone(),
        dateline_text: None,
        place: item.town.clone(),
        body,
        abstract_text: item.subtitle.clone(),
        subjects,
        keywords: item
            .strapline
            .as_deref()
            .unwrap_or("")
            .split('/')
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.chars().any(char::is_alphanumeric))
            .map(str::to_string)
            .collect(),
        agency: Some("Ritzau".into()),
        first_created: published,
        version_created: published,
        urgency: item.priority.as_deref().and_then(|p| p.trim().parse().ok()),
        signals,
        ..WireItem::default()
    })
}

#[cfg(test)]
mod tests {
    use super::publish_date;

    #[test]
    fn publish_dates_are_copenhagen_time_unless_they_say_otherwise() {
        let t = |s: &str| publish_date(s).map(|t| t.to_string());
        assert_eq!(
            t("2026-01-30T17:32:18.397").as_deref(),
            Some("2026-01-30T16:32:18.397Z")
        );
        assert_eq!(
            t("2026-07-01T12:00:00").as_deref(),
            Some("2026-07-01T10:00:00Z")
        );
        assert_eq!(
            t("2026-07-01T12:00:00Z").as_deref(),
            Some("2026-07-01T12:00:00Z")
        );
        assert_eq!(t("yesterday"), None);
    }
}
