//! Times as the XML and legacy wire formats write them.
//!
//! Owns: reading RFC 3339 times, the compact ISO 8601 form of NewsML 1.2 and NITF
//! (`20130301T150904+0000`), and dates with a time but no zone (read as UTC, with a note).
//! Must not: invent a time: what cannot be read is `None`, with a warning from the caller.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;

/// The instant, and whether a zone had to be assumed (UTC) because the wire gave none.
pub(crate) fn parse(raw: &str) -> Option<(Timestamp, bool)> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some((t, false));
    }
    if let Some(t) = compact(s) {
        return Some((t, false));
    }
    // "2017-01-31T03:47:29" or "2017-01-31 03:47:29": a wall-clock time with no zone.
    if let Ok(dt) = s.replace(' ', "T").parse::<DateTime>() {
        return Offset::UTC.to_timestamp(dt).ok().map(|t| (t, true));
    }
    None
}

/// `YYYYMMDDTHHMMSS` followed by `Z`, `±HHMM`, `±HH:MM` or nothing (UTC).
fn compact(s: &str) -> Option<Timestamp> {
    let (date, rest) = s.split_at_checked(8)?;
    let rest = rest.strip_prefix('T')?;
    let (time, zone) = rest.split_at_checked(6)?;
    if !date.bytes().chain(time.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |t: &str| t.parse::<i16>().ok();
    let dt = DateTime::new(
        num(&date[..4])?,
        num(&date[4..6])? as i8,
        num(&date[6..8])? as i8,
        num(&time[..2])? as i8,
        num(&time[2..4])? as i8,
        num(&time[4..6])? as i8,
        0,
    )
    .ok()?;
    // Fractions of a second are dropped.
    let zone = zone
        .strip_prefix('.')
        .map(|z| z.trim_start_matches(|c: char| c.is_ascii_digit()))
        .unwrap_or(zone);
    let offset = match zone {
        "" | "Z" | "z" => Offset::UTC,
        z => {
            let sign = match z.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = z[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hours = num(&digits[..2])? as i32;
            let minutes = num(&digits[2..])? as i32;
            Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()?
        }
    };
    offset.to_timestamp(dt).ok()
}

/// Reads `raw` for `field`, warning when it is garbled or had no zone.
pub(crate) fn field(
    field: &str,
    raw: Option<&str>,
    warn: &mut impl FnMut(String),
) -> Option<Timestamp> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    match parse(raw) {
        Some((t, false)) => Some(t),
        Some((t, true)) => {
            warn(format!("`{field}` {raw:?} has no time zone; read as UTC"));
            Some(t)
        }
        None => {
            warn(format!("`{field}` {raw:?} is not a time; dropped"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn utc(s: &str) -> String {
        parse(s).unwrap().0.to_string()
    }

    #[test]
    fn every_wire_spelling_of_a_time_is_read() {
        assert_eq!(utc("2018-02-26T21:20:34Z"), "2018-02-26T21:20:34Z");
        assert_eq!(utc("2016-10-21T16:25:32-05:00"), "2016-10-21T21:25:32Z");
        assert_eq!(utc("20130301T150904+0000"), "2013-03-01T15:09:04Z");
        assert_eq!(utc("20181112T072300Z"), "2018-11-12T07:23:00Z");
        assert_eq!(utc("20181112T082300+01:00"), "2018-11-12T07:23:00Z");
        assert_eq!(utc("20181112T072300"), "2018-11-12T07:23:00Z");
        assert!(parse("2017-01-31T03:47:29").unwrap().1);
        assert_eq!(parse("tomorrow"), None);
        assert_eq!(parse("20181312T072300Z"), None);
        assert_eq!(parse("20181112T0723").map(|p| p.1), Some(true));
    }
}
