//! Embargoes written into plain copy: "EMBARGOED until 0001 GMT Nov 29", "EMBARGO: Not for
//! publication before 11:00 IST", "Embargoed till 29 November 2026, 00:01 GMT". Formats with
//! an embargo field (ninjs, NewsML-G2, NITF) never need this; plain text has only its words.
//!
//! Only the opening lines are read, where agencies put the notice. A time without a date is
//! the next such time after the copy arrived; a date without a year is the nearest one.

use std::sync::LazyLock;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use regex::Regex;

use crate::dateline::month_number;

/// Lines of copy (counting the headline) searched for a notice.
const OPENING_LINES: usize = 4;

static NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        // The notice opens its line and says "until", "till", "to", "not for … before" or
        // has a colon: "an embargo on oil since 2015" in running copy is not one.
        r"(?ix)^\W*embargo(?:ed)?\b\s*(?:until|till|to|:\s*(?:not\s+for\s+(?:publication|release|use)\s+(?:before|until))?|not\s+for\s+(?:publication|release|use)\s+(?:before|until))\s*(?P<rest>.{4,80})",
    )
    .expect("valid regex")
});

static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?P<h>[01]?\d|2[0-3]):?(?P<m>[0-5]\d)\s*(?:hrs?\b|hours\b)?\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<zone>GMT|UTC|IST|BST|CET|CEST|EST|EDT|ET|JST|KST|AEDT|AEST|SGT)?\b")
        .expect("valid regex")
});

static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(?P<d1>\d{1,2})\s+(?P<m1>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|(?P<m2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<d2>\d{1,2}))(?:,?\s+(?P<y>20\d\d))?\b")
        .expect("valid regex")
});

fn zone(name: Option<&str>, site: &TimeZone) -> TimeZone {
    let iana = match name.map(str::to_ascii_uppercase).as_deref() {
        Some("GMT" | "UTC") => "UTC",
        Some("IST") => "Asia/Kolkata",
        Some("BST") => "Europe/London",
        Some("CET" | "CEST") => "Europe/Paris",
        Some("EST" | "EDT" | "ET") => "America/New_York",
        Some("JST") => "Asia/Tokyo",
        Some("KST") => "Asia/Seoul",
        Some("AEDT" | "AEST") => "Australia/Sydney",
        Some("SGT") => "Asia/Singapore",
        _ => return site.clone(),
    };
    TimeZone::get(iana).unwrap_or_else(|_| site.clone())
}

/// The embargo a notice in the opening lines names, if any.
pub fn embargo_in_copy(
    headline: &str,
    body: &str,
    received: Timestamp,
    site: &TimeZone,
) -> Option<Timestamp> {
    let opening: Vec<&str> = std::iter::once(headline)
        .chain(body.lines().filter(|l| !l.trim().is_empty()))
        .take(OPENING_LINES)
        .collect();
    opening
        .iter()
        .find_map(|line| NOTICE.captures(line))
        .and_then(|caps| parse_when(&caps["rest"], received, site))
}

fn parse_when(text: &str, received: Timestamp, site: &TimeZone) -> Option<Timestamp> {
    let date = DAY_MONTH.captures(text);
    // The clock is looked for outside the date, so "29 November 2026" is never 20:26.
    let without_date = match date.as_ref().and_then(|d| d.get(0)) {
        Some(m) => format!("{} {}", &text[..m.start()], &text[m.end()..]),
        None => text.to_string(),
    };
    let clock = CLOCK.captures(&without_date)?;
    let mut hour: i8 = clock["h"].parse().ok()?;
    let minute: i8 = clock["m"].parse().ok()?;
    if let Some(ampm) = clock.name("ampm") {
        let pm = ampm.as_str().to_ascii_lowercase().starts_with('p');
        hour = match (hour, pm) {
            (12, false) => 0,
            (h, true) if h < 12 => h + 12,
            (h, _) => h,
        };
    }
    let tz = zone(clock.name("zone").map(|z| z.as_str()), site);
    let time = Time::new(hour, minute, 0, 0).ok()?;
    let arrived = received.to_zoned_datetime(tz.clone());
    let at = |date: Date| {
        date.to_datetime(time)
            .to_zoned_datetime(tz.clone())
            .ok()
            .map(|z| z.timestamp())
    };
    match date {
        Some(d) => {
            let day: i8 = d.name("d1").or(d.name("d2"))?.as_str().parse().ok()?;
            let month = month_number(d.name("m1").or(d.name("m2"))?.as_str())?;
            let year: i16 = match d.name("y") {
                Some(y) => y.as_str().parse().ok()?,
                None => {
                    // The nearest such date to the arrival: an embargo in early January
                    // sent in late December is next year's.
                    let this = arrived.year();
                    let candidates = [this - 1, this, this + 1];
                    *candidates.iter().min_by_key(|y| {
                        Date::new(**y, month, day)
                            .ok()
                            .and_then(&at)
                            .map(|t| (t - received).as_secs().abs())
                            .unwrap_or(i64::MAX)
                    })?
                }
            };
            at(Date::new(year, month, day).ok()?)
        }
        None => {
            // The next such time after arrival.
            let today = at(arrived.date())?;
            if today > received {
                Some(today)
            } else {
                Some(today + SignedDuration::from_hours(24))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received() -> Timestamp {
        "2026-11-28T20:00:00Z".parse().unwrap()
    }

    fn kolkata() -> TimeZone {
        TimeZone::get("Asia/Kolkata").unwrap()
    }

    #[test]
    fn notices_in_the_opening_lines_name_the_embargo() {
        let cases = [
            (
                "EMBARGOED until 0001 GMT Nov 29",
                Some("2026-11-29T00:01:00Z"),
            ),
            (
                "EMBARGO: Not for publication before 11:00 IST",
                Some("2026-11-29T05:30:00Z"),
            ),
            (
                "Embargoed till 29 November 2026, 00:01 GMT",
                Some("2026-11-29T00:01:00Z"),
            ),
            ("EMBARGOED UNTIL 10:30 pm ET", Some("2026-11-29T03:30:00Z")),
            ("Embargoed to 0500 GMT Jan 2", Some("2027-01-02T05:00:00Z")),
            ("No notice here, just copy about an embargo on oil", None),
            ("The embargo on oil imports since 2015 stays", None),
            ("Embargo on oil imports since 2015 stays", None),
        ];
        for (line, expected) in cases {
            let got = embargo_in_copy("Headline", line, received(), &kolkata());
            assert_eq!(
                got,
                expected.map(|e| e.parse::<Timestamp>().unwrap()),
                "{line}"
            );
        }
    }

    #[test]
    fn only_the_opening_lines_are_read() {
        let body = "First paragraph.\n\nSecond.\n\nThird.\n\nFourth: embargoed until 0001 GMT.";
        assert_eq!(
            embargo_in_copy("Headline", body, received(), &kolkata()),
            None
        );
        let body = "EMBARGOED until 0001 GMT\n\nFirst paragraph.";
        assert_eq!(
            embargo_in_copy("Headline", body, received(), &kolkata()),
            Some("2026-11-29T00:01:00Z".parse().unwrap()),
            "a time without a date is the next one after arrival"
        );
    }
}
