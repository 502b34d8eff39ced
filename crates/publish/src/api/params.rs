//! The `/api/v1/stories` query parameters: each known, given at most once, and checked.
//! Must not: fetch stories; a request it rejects is answered with a problem naming the parameter.

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use jiff::Timestamp;
use wiredesk_model::{PubStatus, StoryId};

use super::cursor::decode_cursor;
use super::ninjs::Profile;
use super::response::{ApiError, bad_param};
use super::{DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_CHARS};

/// What a `/api/v1/stories` request asks for, checked.
#[derive(Debug, Default)]
pub(super) struct ListParams {
    pub(super) limit: usize,
    pub(super) before: Option<(Timestamp, StoryId)>,
    pub(super) since: Option<Timestamp>,
    pub(super) until: Option<Timestamp>,
    pub(super) topic: Option<String>,
    pub(super) agency: Option<String>,
    pub(super) q: Option<String>,
    pub(super) pubstatus: PubStatus,
    pub(super) profile: Profile,
}

pub(super) const LIST_PARAMS: [&str; 9] = [
    "limit",
    "cursor",
    "since",
    "until",
    "topic",
    "agency",
    "q",
    "pubstatus",
    "profile",
];

/// The query's pairs, each name known and given at most once.
pub(super) fn checked_pairs(
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    known: &[&str],
) -> Result<Vec<(String, String)>, ApiError> {
    let Query(pairs) = query.map_err(|e| ApiError::Query(e.to_string()))?;
    for (i, (name, _)) in pairs.iter().enumerate() {
        if !known.contains(&name.as_str()) {
            return Err(bad_param(
                name,
                format!(
                    "unknown parameter; this endpoint takes {}",
                    known.join(", ")
                ),
            ));
        }
        if pairs[..i].iter().any(|(n, _)| n == name) {
            return Err(bad_param(name, "given more than once"));
        }
    }
    Ok(pairs)
}

pub(super) fn parse_time(name: &str, raw: &str) -> Result<Timestamp, ApiError> {
    raw.parse::<Timestamp>().map_err(|_| {
        let hint = if raw.contains(' ') {
            " (a `+` in a query string reads as a space: write it as %2B)"
        } else {
            ""
        };
        bad_param(
            name,
            format!("not an RFC 3339 time with an offset, e.g. 2026-11-28T06:30:00Z{hint}"),
        )
    })
}

pub(super) fn parse_slug(name: &str, raw: &str) -> Result<String, ApiError> {
    let ok = !raw.is_empty()
        && raw.len() <= 100
        && raw.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(raw.to_string())
    } else {
        Err(bad_param(
            name,
            "not a slug: lower-case ASCII letters and digits joined by single hyphens",
        ))
    }
}

/// `limit`: a whole number from 1, capped at `MAX_LIMIT`.
pub(super) fn parse_limit(raw: &str) -> Result<usize, ApiError> {
    match raw.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n.min(MAX_LIMIT)),
        _ => Err(bad_param(
            "limit",
            format!("must be a whole number from 1 to {MAX_LIMIT}"),
        )),
    }
}

pub(super) fn parse_profile(raw: &str) -> Result<Profile, ApiError> {
    Profile::parse(raw).ok_or_else(|| bad_param("profile", "must be ninjs2 or ninjs3"))
}

pub(super) fn parse_list(pairs: Vec<(String, String)>) -> Result<ListParams, ApiError> {
    let mut p = ListParams {
        limit: DEFAULT_LIMIT,
        ..ListParams::default()
    };
    for (name, value) in pairs {
        match name.as_str() {
            "limit" => p.limit = parse_limit(&value)?,
            "cursor" => {
                p.before = Some(
                    decode_cursor(&value)
                        .ok_or_else(|| bad_param("cursor", "not a cursor this API gave out"))?,
                )
            }
            "since" => p.since = Some(parse_time("since", &value)?),
            "until" => p.until = Some(parse_time("until", &value)?),
            "topic" => p.topic = Some(parse_slug("topic", &value)?),
            "agency" => p.agency = Some(parse_slug("agency", &value)?),
            "q" => {
                let q = value.trim();
                if q.is_empty() {
                    return Err(bad_param("q", "empty"));
                }
                if q.chars().count() > MAX_QUERY_CHARS {
                    return Err(bad_param(
                        "q",
                        format!("longer than {MAX_QUERY_CHARS} characters"),
                    ));
                }
                p.q = Some(q.to_string());
            }
            "pubstatus" => {
                p.pubstatus = match value.as_str() {
                    "usable" => PubStatus::Usable,
                    "canceled" => PubStatus::Canceled,
                    "withheld" => PubStatus::Withheld,
                    _ => {
                        return Err(bad_param(
                            "pubstatus",
                            "must be usable, canceled or withheld",
                        ));
                    }
                }
            }
            "profile" => p.profile = parse_profile(&value)?,
            _ => unreachable!("checked_pairs lets only known names through"),
        }
    }
    if let (Some(since), Some(until)) = (p.since, p.until)
        && until <= since
    {
        return Err(bad_param("until", "must be later than `since`"));
    }
    if p.q.is_some() && p.pubstatus != PubStatus::Usable {
        return Err(bad_param(
            "q",
            "searches usable stories only; it cannot be combined with pubstatus canceled or withheld",
        ));
    }
    Ok(p)
}
