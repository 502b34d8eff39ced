//! IPTC 7901 / ANPA-1312 transmission → `WireItem`.
//!
//! Owns: priority → urgency (7901's digit as is; ANPA's letters f, b, u, r, d, a), the category
//! letter as an `anpa-category:` subject, edition markers as signals, and the filing time read
//! from the trailer ("AP-WF-11-13-13 1509GMT", "212101 GMT Nov 18").
//! Must not: give the item a uri: these formats have no stable id (a story number is per
//! transmission), so normalize derives one from agency, headline and dateline, as for plain
//! copy.

use std::sync::LazyLock;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;
use regex::Regex;
use wiredesk_model::{PubStatus, Subject, WireBody, WireItem};

use super::Transmission;
use crate::{DecodeError, Format};

pub(crate) fn wire_item(
    t: Transmission,
    format: Format,
    warnings: &mut Vec<String>,
) -> Result<WireItem, DecodeError> {
    let refused = |reason: &str| DecodeError::Refused {
        format,
        reason: reason.into(),
    };
    let headline = match (&t.headline, &t.keyword) {
        (Some(h), _) => h.clone(),
        (None, Some(k)) => {
            warnings.push(format!(
                "{}: no headline line; the keyword {k:?} stands in",
                format.describe()
            ));
            k.clone()
        }
        (None, None) => return Err(refused("no headline and no keyword in the transmission")),
    };
    if t.body.is_empty() {
        return Err(refused("the transmission has no text between STX and ETX"));
    }
    let urgency = t.priority.as_deref().and_then(|p| match format {
        Format::Anpa1312 => match p {
            "f" => Some(1),
            "b" => Some(2),
            "u" => Some(3),
            "r" => Some(5),
            "d" => Some(6),
            "a" => Some(7),
            _ => None,
        },
        _ => p.parse::<u8>().ok(),
    });
    let filed = t.trailer.as_deref().and_then(trailer_time);
    Ok(WireItem {
        uri: None,
        version: None,
        pubstatus: PubStatus::Usable,
        headline,
        slugline: t.keyword,
        byline: t.byline,
        dateline_text: None,
        body: WireBody::Text(t.body),
        abstract_text: None,
        subjects: t
            .category
            .into_iter()
            .map(|c| Subject {
                code: format!("anpa-category:{c}"),
                name: None,
            })
            .collect(),
        keywords: Vec::new(),
        language: None,
        agency: t.source,
        source_url: None,
        first_created: filed,
        version_created: filed,
        embargoed: None,
        subheadline: None,
        urgency,
        signals: t.markers,
        copyright_holder: None,
        expires: None,
        associations: Vec::new(),
    })
}

static ANPA_TIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d\d)-(\d\d)-(\d\d) (\d\d)(\d\d)GMT").expect("static regex"));
static IPTC_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d\d)(\d\d)(\d\d) GMT ([A-Za-zä]{3}) (\d\d)").expect("static regex")
});

fn month(name: &str) -> Option<i8> {
    let n = name.to_lowercase();
    Some(match n.as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" | "mär" | "mrz" => 3,
        "apr" => 4,
        "may" | "mai" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" | "okt" => 10,
        "nov" => 11,
        "dec" | "dez" => 12,
        _ => return None,
    })
}

/// The filing time in the trailer, in UTC; two-digit years are 20xx.
fn trailer_time(trailer: &str) -> Option<Timestamp> {
    let n = |s: &str| s.parse::<i8>().ok();
    let (year, month, day, hour, minute) = if let Some(c) = ANPA_TIME.captures(trailer) {
        (n(&c[3])?, n(&c[1])?, n(&c[2])?, n(&c[4])?, n(&c[5])?)
    } else {
        let c = IPTC_TIME.captures(trailer)?;
        (n(&c[5])?, month(&c[4])?, n(&c[1])?, n(&c[2])?, n(&c[3])?)
    };
    let dt = DateTime::new(2000 + i16::from(year), month, day, hour, minute, 0, 0).ok()?;
    Offset::UTC.to_timestamp(dt).ok()
}

#[cfg(test)]
mod tests {
    use super::trailer_time;

    #[test]
    fn trailers_give_the_filing_time() {
        let t = |s: &str| trailer_time(s).map(|t| t.to_string());
        assert_eq!(
            t("AP-WF-11-13-13 1509GMT").as_deref(),
            Some("2013-11-13T15:09:00Z")
        );
        assert_eq!(
            t("212101 GMT Nov 18").as_deref(),
            Some("2018-11-21T21:01:00Z")
        );
        assert_eq!(
            t("071341 GMT Okt 15 ").as_deref(),
            Some("2015-10-07T13:41:00Z")
        );
        assert_eq!(t("no time"), None);
        assert_eq!(t("AP-WF-13-45-13 1509GMT"), None);
    }
}
