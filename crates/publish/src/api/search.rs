//! `GET /api/v1/search`: the index's ranking (relevance blended with recency, as the search
//! page ranks), a page at a time, with the total and an opaque cursor for the next page.
//!
//! Owns: the search's query parameters (each known, given at most once, checked), its cursor's
//! binding to the query, and the page's shape, `{"items", "total", "match", "next",
//! "next_url", "did_you_mean"?}`.
//! Must not: list a story that is not live (`search::find` re-checks every hit against the
//! store), or answer past `wiredesk_index::MAX_DEPTH` results.
//!
//! A page is a fixed window of the ranking, like the search page's: `next` starts where this
//! page's window ended, so a hit left out as not live is not replaced and a page may hold fewer
//! than `limit` items; keep paging while `next` is not null. The cursor carries the stage the
//! first page was answered in and the moment it was ranked at, so every page ranks as the
//! first did; and a fingerprint of `q` and the filters, so it is refused with any other query.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::json;
use sha2::{Digest, Sha256};
use wiredesk_index::{MatchMode, SearchFilters};

use super::cursor::{SearchCursor, decode_search_cursor, encode_search_cursor};
use super::ninjs::Profile;
use super::params::{checked_pairs, parse_limit, parse_profile, parse_slug};
use super::response::{ApiError, bad_param, json_with_etag, unavailable};
use super::{DEFAULT_LIMIT, MAX_QUERY_CHARS, list_item};
use crate::AppState;
use crate::search::{Window, find, form_encode, parse_time};

pub(super) const SEARCH_PARAMS: [&str; 8] = [
    "q", "topic", "agency", "from", "to", "limit", "cursor", "profile",
];

/// What a `/api/v1/search` request asks for, checked.
#[derive(Debug)]
struct SearchParams {
    q: String,
    filters: SearchFilters,
    limit: usize,
    cursor: Option<SearchCursor>,
    profile: Profile,
}

fn parse_search(pairs: &[(String, String)], tz: &TimeZone) -> Result<SearchParams, ApiError> {
    let mut p = SearchParams {
        q: String::new(),
        filters: SearchFilters::default(),
        limit: DEFAULT_LIMIT,
        cursor: None,
        profile: Profile::default(),
    };
    let time = |name: &str, raw: &str, end_of_day: bool| -> Result<Timestamp, ApiError> {
        if raw.trim().is_empty() {
            return Err(bad_param(name, "empty; leave it out for no bound"));
        }
        // As the document says: a date written in full, or a time (the page is more lenient).
        let is_date = raw.len() == 10
            && raw.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !is_date && raw.parse::<Timestamp>().is_err() {
            return Err(bad_param(
                name,
                "must be a date (2026-06-12) or an RFC 3339 time with an offset \
                 (2026-06-12T06:30:00Z; write + as %2B)",
            ));
        }
        parse_time(name, Some(raw), tz, end_of_day)
            .map_err(|why| bad_param(name, why))?
            .ok_or_else(|| bad_param(name, "empty; leave it out for no bound"))
    };
    for (name, value) in pairs {
        match name.as_str() {
            "q" => {
                if value.chars().count() > MAX_QUERY_CHARS {
                    return Err(bad_param(
                        "q",
                        format!("longer than {MAX_QUERY_CHARS} characters"),
                    ));
                }
                p.q = value.trim().to_string();
            }
            "topic" => p.filters.topic = Some(parse_slug("topic", value)?),
            "agency" => p.filters.agency = Some(parse_slug("agency", value)?),
            "from" => p.filters.from = Some(time("from", value, false)?),
            "to" => p.filters.to = Some(time("to", value, true)?),
            "limit" => p.limit = parse_limit(value)?,
            "cursor" => {
                p.cursor = Some(decode_search_cursor(value).ok_or_else(|| {
                    bad_param(
                        "cursor",
                        "not a cursor this API gave out for a search (pass a page's `next` back \
                         unchanged)",
                    )
                })?)
            }
            "profile" => p.profile = parse_profile(value)?,
            _ => unreachable!("checked_pairs lets only known names through"),
        }
    }
    Ok(p)
}

/// What a cursor is bound to: the words and every filter, as read.
fn fingerprint(q: &str, filters: &SearchFilters) -> u64 {
    let text = format!(
        "{q}\u{0}{:?}\u{0}{:?}\u{0}{:?}\u{0}{:?}",
        filters.topic,
        filters.agency,
        filters.from.map(|t| t.as_second()),
        filters.to.map(|t| t.as_second()),
    );
    let digest = Sha256::digest(text.as_bytes());
    u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

fn match_name(mode: MatchMode) -> &'static str {
    match mode {
        MatchMode::Exact => "exact",
        MatchMode::Typos => "typos",
        MatchMode::AnyWord => "any_word",
        MatchMode::Browse => "browse",
    }
}

/// `GET /api/v1/search`.
pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    search_page(&state, &headers, query)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn search_page(
    state: &AppState,
    headers: &HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let pairs = checked_pairs(query, &SEARCH_PARAMS)?;
    let p = parse_search(&pairs, &state.time_zone)?;
    let query = fingerprint(&p.q, &p.filters);
    let window = match &p.cursor {
        Some(c) if c.query != query => {
            return Err(bad_param(
                "cursor",
                "given out for another search: send it with the same q, topic, agency, from \
                 and to as the page it came from",
            ));
        }
        Some(c) => Window {
            offset: c.offset,
            limit: p.limit,
            mode: Some(c.mode),
            ranked_at: c.ranked_at,
        },
        None => Window {
            offset: 0,
            limit: p.limit,
            mode: None,
            ranked_at: Timestamp::now(),
        },
    };
    let found = find(state, &p.q, p.filters.clone(), window, false)
        .await
        .map_err(|e| unavailable("api search", e))?;
    let next = window.has_more(found.total).then(|| {
        encode_search_cursor(&SearchCursor {
            offset: window.offset + window.limit,
            mode: found.mode,
            ranked_at: window.ranked_at,
            query,
        })
    });
    let next_url = next.as_ref().map(|cursor| {
        let mut url = String::from("/api/v1/search?");
        for (name, value) in pairs.iter().filter(|(name, _)| name != "cursor") {
            url.push_str(&format!("{name}={}&", form_encode(value)));
        }
        url.push_str(&format!("cursor={cursor}"));
        state.config.absolute(&url)
    });
    let mut body = json!({
        "items": found
            .stories
            .iter()
            .map(|(s, _)| list_item(s, state, p.profile))
            .collect::<Vec<_>>(),
        "total": found.total,
        "match": match_name(found.mode),
        "next": next,
        "next_url": next_url,
    });
    if let Some(suggestion) = found.did_you_mean {
        body["did_you_mean"] = json!(suggestion);
    }
    Ok(json_with_etag(headers, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
        raw.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn reason(e: ApiError) -> (String, String) {
        match e {
            ApiError::Param { name, reason } => (name, reason),
            other => panic!("not a parameter problem: {other:?}"),
        }
    }

    #[test]
    fn parameters_are_checked() {
        let tz = TimeZone::UTC;
        let p = parse_search(
            &pairs(&[
                ("q", " repo rate "),
                ("topic", "business"),
                ("from", "2026-06-12"),
                ("limit", "500"),
            ]),
            &tz,
        )
        .unwrap();
        assert_eq!(p.q, "repo rate");
        assert_eq!(p.limit, crate::api::MAX_LIMIT);
        assert_eq!(p.filters.topic.as_deref(), Some("business"));
        assert!(p.filters.from.is_some() && p.cursor.is_none());
        for (bad, param) in [
            (("limit", "0"), "limit"),
            (("limit", "x"), "limit"),
            (("from", ""), "from"),
            (("to", "yesterday"), "to"),
            (("to", "2026-06-12T06:00:00"), "to"),
            (("from", " 2026-06-12"), "from"),
            (("topic", "Business News"), "topic"),
            (("cursor", "AAAA"), "cursor"),
            (("profile", "ninjs9"), "profile"),
        ] {
            let e = parse_search(&pairs(&[bad]), &tz).unwrap_err();
            assert_eq!(reason(e).0, param, "{bad:?}");
        }
        let long = "a".repeat(MAX_QUERY_CHARS + 1);
        let e = parse_search(&pairs(&[("q", &long)]), &tz).unwrap_err();
        assert_eq!(reason(e).0, "q");
    }

    #[test]
    fn a_fingerprint_tells_searches_apart() {
        let none = SearchFilters::default();
        let business = SearchFilters {
            topic: Some("business".into()),
            ..SearchFilters::default()
        };
        assert_eq!(fingerprint("rate", &none), fingerprint("rate", &none));
        assert_ne!(fingerprint("rate", &none), fingerprint("rates", &none));
        assert_ne!(fingerprint("rate", &none), fingerprint("rate", &business));
    }
}
