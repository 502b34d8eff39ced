//! IPTC 7901 / ANPA-1312 transmission → `WireItem`.
//!
//! Owns: priority → urgency (7901's digit as is; ANPA's letters f, b, u, r, d, a), the category
//! letter as an `anpa-category:` subject (ANPA's `v`, advisories, not for publication), edition
//! markers as signals, the keyword as the slugline ("BC-LT--Argentina-Cancer Beauty,466" is
//! "Argentina-Cancer": `slugline`), and the filing time read from the trailer
//! ("AP-WF-11-13-13 1509GMT", "212101 GMT Nov 18").
//! Must not: give the item a uri: these formats have no stable id (a story number is per
//! transmission), so normalize derives one from agency, headline and dateline, as for plain
//! copy.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;
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
        // Copy without a headline is kept: it waits on the desk for an editor to write one.
        (None, None) if !t.body.is_empty() => {
            warnings.push(format!("{}: no headline and no keyword", format.describe()));
            String::new()
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
    // ANPA's category `v` is advisories (coverage plans, budgets, notes to editors); IPTC
    // 7901's categories are the agency's own desks and say nothing of the kind.
    let not_for_publication = (format == Format::Anpa1312
        && t.category
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("v")))
    .then(|| "ANPA category v: an advisory to editors".to_string());
    Ok(WireItem {
        uri: None,
        version: None,
        pubstatus: PubStatus::Usable,
        headline,
        slugline: t
            .keyword_line
            .as_deref()
            .or(t.keyword.as_deref())
            .and_then(slugline),
        byline: t.byline,
        dateline_text: None,
        place: None,
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
        not_for_publication,
    })
}

/// The keyword proper of a keyword line, as Superdesk reads it: AP writes
/// `{cycle}-{desk}--{keyword}[, {take}][,{words}]` ("BC-US--Ethanol-Losing Grassland, 1st
/// Ld-Writethru,1140"); the cycle (BC, AM, PM, AP) and desk code (LT, US, WEA, BKN) say where it
/// ran, not what it is, and the keyword ends at its first space. A keyword of any other form
/// (dpa's "Germany-politics/") is kept as sent, less a trailing `/` and what follows a comma.
fn slugline(keyword: &str) -> Option<String> {
    let keyword = keyword.split(',').next().unwrap_or("").trim();
    let is_cycle_and_desk = |prefix: &str| {
        prefix.split_once('-').is_some_and(|(cycle, desk)| {
            cycle.len() == 2
                && cycle.chars().all(|c| c.is_ascii_alphabetic())
                && (1..=5).contains(&desk.len())
                && desk.chars().all(|c| c.is_ascii_alphanumeric())
        })
    };
    let slug = match keyword.split_once("--") {
        Some((prefix, rest)) if is_cycle_and_desk(prefix) => {
            rest.split_whitespace().next().unwrap_or("")
        }
        _ => keyword.trim_end_matches('/'),
    };
    let slug = slug.trim();
    (!slug.is_empty()).then(|| slug.to_string())
}

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

/// The filing time in the trailer, in UTC; two-digit years are 20xx: ANPA's
/// "11-13-13 1509GMT" (month, day, year, time) wherever it stands, else IPTC 7901's
/// "212101 GMT Nov 18" (day, time, month, year).
///
/// Read by hand around each "GMT" rather than by regex: the regex search cost about 3% of
/// decoding the corpus's ANPA copy (callgrind, 680k → 659k instructions a round).
fn trailer_time(trailer: &str) -> Option<Timestamp> {
    let b = trailer.as_bytes();
    let two = |at: usize| -> Option<i8> {
        match b.get(at..at + 2)? {
            [t @ b'0'..=b'9', u @ b'0'..=b'9'] => Some(((t - b'0') * 10 + (u - b'0')) as i8),
            _ => None,
        }
    };
    let gmt: Vec<usize> = memchr::memmem::find_iter(b, b"GMT").collect();
    let anpa = gmt.iter().find_map(|&g| {
        let s = g.checked_sub(13)?;
        let separators = b[s + 2] == b'-' && b[s + 5] == b'-' && b[s + 8] == b' ';
        separators.then_some(())?;
        Some((two(s + 6)?, two(s)?, two(s + 3)?, two(s + 9)?, two(s + 11)?))
    });
    let (year, month, day, hour, minute) = match anpa {
        Some(fields) => fields,
        None => gmt
            .iter()
            .find_map(|&g| {
                let s = g.checked_sub(7)?;
                let (day, hour, minute) = (two(s)?, two(s + 2)?, two(s + 4)?);
                (b[s + 6] == b' ').then_some(())?;
                let rest = trailer.get(g + 3..)?.strip_prefix(' ')?;
                let name_len: usize = rest
                    .chars()
                    .take(3)
                    .take_while(|c| c.is_ascii_alphabetic() || *c == 'ä')
                    .map(char::len_utf8)
                    .sum();
                let name = &rest[..name_len];
                (name.chars().count() == 3).then_some(())?;
                let year_at = g + 3 + 1 + name_len + 1;
                (b.get(year_at - 1) == Some(&b' ')).then_some(())?;
                Some((two(year_at)?, name, day, hour, minute))
            })
            // As a regex would: the first date-shaped text decides, even if its month is unknown.
            .and_then(|(year, name, day, hour, minute)| {
                Some((year, month(name)?, day, hour, minute))
            })?,
    };
    let dt = DateTime::new(2000 + i16::from(year), month, day, hour, minute, 0, 0).ok()?;
    Offset::UTC.to_timestamp(dt).ok()
}

#[cfg(test)]
mod tests {
    use super::{slugline, trailer_time};

    #[test]
    fn keyword_lines_give_the_keyword_proper() {
        for (line, slug) in [
            (
                "BC-LT--Argentina-Cancer Beauty,466",
                Some("Argentina-Cancer"),
            ),
            (
                "BC-US--Ethanol-Losing Grassland, 1st Ld-Writethru,1140",
                Some("Ethanol-Losing"),
            ),
            ("BC-WEA--Global Weather-Fahrenheit,", Some("Global")),
            ("AM-BKN--Heat-Hawks", Some("Heat-Hawks")),
            ("BC-LT--Argentina-CancerB", Some("Argentina-CancerB")),
            (
                "AP-Top-Entertainment-Headlines,0176",
                Some("AP-Top-Entertainment-Headlines"),
            ),
            (
                "BC-10 Things to Know-Today,364",
                Some("BC-10 Things to Know-Today"),
            ),
            (
                "Germany-football/Munich/Mueller/",
                Some("Germany-football/Munich/Mueller"),
            ),
            ("BC-US--,12", None),
            (" ", None),
        ] {
            assert_eq!(slugline(line).as_deref(), slug, "{line}");
        }
    }

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

    /// The patterns the trailer reader follows, as regexes: the reference it must agree with.
    fn by_regex(trailer: &str) -> Option<jiff::Timestamp> {
        let anpa =
            regex::Regex::new(r"([0-9]{2})-([0-9]{2})-([0-9]{2}) ([0-9]{2})([0-9]{2})GMT").unwrap();
        let iptc =
            regex::Regex::new(r"([0-9]{2})([0-9]{2})([0-9]{2}) GMT ([A-Za-zä]{3}) ([0-9]{2})")
                .unwrap();
        let n = |s: &str| s.parse::<i8>().ok();
        let (year, month, day, hour, minute) = if let Some(c) = anpa.captures(trailer) {
            (n(&c[3])?, n(&c[1])?, n(&c[2])?, n(&c[4])?, n(&c[5])?)
        } else {
            let c = iptc.captures(trailer)?;
            (
                n(&c[5])?,
                super::month(&c[4])?,
                n(&c[1])?,
                n(&c[2])?,
                n(&c[3])?,
            )
        };
        let dt = jiff::civil::DateTime::new(2000 + i16::from(year), month, day, hour, minute, 0, 0)
            .ok()?;
        jiff::tz::Offset::UTC.to_timestamp(dt).ok()
    }

    proptest::proptest! {
        #[test]
        fn the_trailer_reader_agrees_with_the_patterns(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "GMT", " GMT ", "1", "0", "2", "9", "13", "-", " ", "Nov", "Okt", "Mär", "ä",
                    "Xyz", "AP-WF-", "11-13-13 1509GMT", "212101 GMT Nov 18", "<", "=", "\u{e9}",
                ]),
                0..12,
            )
        ) {
            let trailer = pieces.concat();
            proptest::prop_assert_eq!(trailer_time(&trailer), by_regex(&trailer), "{:?}", trailer);
        }
    }
}
