//! The ninjs JSON API for partners: `/api/v1/stories`, `/api/v1/stories/{id}` and the
//! OpenAPI document that describes them, `/api/v1/openapi.json`.
//!
//! Owns: the mapping of a `Story` to an IPTC ninjs object (2.x by default, 3.x with
//! `?profile=ninjs3`), the list's filters and its opaque keyset cursors, problem responses,
//! ETags and `Cache-Control` for these routes.
//! Must not: list a story that is not live. The usable list comes from `Store::live` (or, for
//! `q`, index hits re-checked with `Story::is_live`); `pubstatus=canceled|withheld` lists,
//! from `Store::taken_down`, only stories that were live before they were taken down, so that
//! a partner who synced them learns to remove them. A single story also answers for such a
//! taken-down item, with its `pubstatus`; held and embargoed stories do not exist yet as far as
//! the outside world knows.
//!
//! Every list is in one order: the time the story went live on the site (publication, or the
//! end of its embargo if later), newest first, the story id breaking ties; `since`, `until` and
//! the cursor are all on that time, which each object carries as the `altids` entry with role
//! `published`. `q` keeps that order too (it does not rank by relevance), so paging a search is
//! as stable as paging the list.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wiredesk_model::{PubStatus, Story, StoryEvent, StoryId};
use wiredesk_store::Listing;

use crate::AppState;
use crate::feeds::body_fits_lists;
use crate::pages::story_url;

/// Stories per page unless `limit` says otherwise, and the most `limit` may ask for.
const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;
/// How many of the best index matches a `q` listing considers.
const SEARCH_CANDIDATES: usize = 1000;
/// Longest `q` accepted.
const MAX_QUERY_CHARS: usize = 200;
/// Lists and stories change within minutes (updates, kills); partners poll.
const CACHE_CONTROL: &str = "public, max-age=30";
const OPENAPI_CACHE_CONTROL: &str = "public, max-age=3600";

/// The OpenAPI 3.1 description of this module's routes.
const OPENAPI: &str = include_str!("../static/openapi.json");

/// Which ninjs the API answers in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Profile {
    /// ninjs 2.x: objects valid against the IPTC schemas 2.0, 2.1 and 2.2.
    #[default]
    Ninjs2,
    /// ninjs 3.x (camelCase names): valid against the IPTC schemas 3.0 and 3.1.
    Ninjs3,
}

impl Profile {
    fn parse(raw: &str) -> Option<Profile> {
        match raw {
            "ninjs2" => Some(Profile::Ninjs2),
            "ninjs3" => Some(Profile::Ninjs3),
            _ => None,
        }
    }

    /// The property name in this profile for a ninjs 2.x property name: 3.x renamed them to
    /// camelCase (and `embargoed` to `embargoedUntil`).
    fn key(self, name: &'static str) -> &'static str {
        if self == Profile::Ninjs2 {
            return name;
        }
        match name {
            "firstcreated" => "firstCreated",
            "versioncreated" => "versionCreated",
            "embargoed" => "embargoedUntil",
            "pubstatus" => "pubStatus",
            "representationtype" => "representationType",
            "contenttype" => "contentType",
            "infosources" => "infoSources",
            "altids" => "altIds",
            "ednote" => "edNote",
            other => other,
        }
    }

    fn standard(self) -> Value {
        match self {
            Profile::Ninjs2 => json!({
                "name": "ninjs",
                "version": "2.1",
                "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json",
            }),
            Profile::Ninjs3 => json!({
                "name": "ninjs",
                "version": "3.0",
                "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json",
            }),
        }
    }
}

fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A time at the store's precision (microseconds), so that what the API shows, what a cursor
/// holds and what the store compares are the same instant.
fn to_micros(t: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(t.as_microsecond()).unwrap_or(t)
}

/// Is `s` an absolute URI as RFC 3986 spells it (`scheme:rest`, ASCII, no characters that
/// must be percent-encoded left bare)? The ninjs schemas require this of every `uri`/`href`.
fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    if !scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !scheme_chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        || rest.is_empty()
    {
        return false;
    }
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            if !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b)) {
            return false;
        }
        i += 1;
    }
    true
}

/// A subject as the wire coded it: IPTC QCodes become their concept URIs, other http(s) URIs
/// stay URIs, anything else (a feed's category) is a literal, or just the name when it is one.
fn subject(code: &str, name: Option<&str>) -> Value {
    let expanded = if let Some(c) = code.strip_prefix("medtop:") {
        format!("http://cv.iptc.org/newscodes/mediatopic/{c}")
    } else if let Some(c) = code.strip_prefix("subj:") {
        format!("http://cv.iptc.org/newscodes/subjectcode/{c}")
    } else {
        code.to_string()
    };
    let is_concept =
        (expanded.starts_with("http://") || expanded.starts_with("https://")) && is_uri(&expanded);
    match (name, is_concept) {
        (Some(name), true) => json!({"name": name, "uri": expanded}),
        (None, true) => json!({"uri": expanded}),
        (Some(name), false) if name != code => json!({"name": name, "literal": code}),
        _ => json!({"name": code}),
    }
}

/// The story's pictures and other media as ninjs `associations`. Every one has the `name` and
/// `uri` the 2.1+ schemas require: an agency id that is not a URI is kept in `altids` beside a
/// URN made from the story's. The caption is a `caption` description, the credit `by`, the files
/// `renditions` (only those with a URI to fetch).
fn associations(story: &Story, profile: Profile) -> Vec<Value> {
    let k = |name: &'static str| profile.key(name);
    story
        .associations
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let renditions: Vec<Value> = a
                .renditions
                .iter()
                .filter(|r| is_uri(&r.href))
                .enumerate()
                .map(|(j, r)| {
                    let name = if r.name.is_empty() {
                        format!("rendition{}", j + 1)
                    } else {
                        r.name.clone()
                    };
                    let mut o = json!({"name": name, "href": r.href});
                    if let Some(m) = &r.mimetype {
                        o[k("contenttype")] = json!(m);
                    }
                    if let Some(w) = r.width {
                        o["width"] = json!(w);
                    }
                    if let Some(h) = r.height {
                        o["height"] = json!(h);
                    }
                    o
                })
                .collect();
            let mut altids = Vec::new();
            let uri = match a.uri.as_deref().filter(|u| is_uri(u)) {
                Some(u) => u.to_string(),
                None => {
                    if let Some(agency_id) = &a.uri {
                        altids.push(json!({"role": "agencyid", "value": agency_id}));
                    }
                    format!("urn:wiredesk:story:{}:media:{}", story.id, i + 1)
                }
            };
            let name = if a.name.is_empty() {
                format!("media{}", i + 1)
            } else {
                a.name.clone()
            };
            let mut o = json!({"name": name, "uri": uri});
            if matches!(a.kind.as_str(), "picture" | "graphic" | "video" | "audio") {
                o["type"] = json!(a.kind);
            }
            if let Some(h) = &a.headline {
                o["headlines"] = json!([{"role": "main", "value": h}]);
            }
            if let Some(c) = &a.caption {
                o["descriptions"] =
                    json!([{"role": "caption", k("contenttype"): "text/plain", "value": c}]);
            }
            if let Some(by) = &a.credit {
                o["by"] = json!(by);
            }
            if !renditions.is_empty() {
                o["renditions"] = json!(renditions);
            }
            if !altids.is_empty() {
                o[k("altids")] = json!(altids);
            }
            o
        })
        .collect()
}

/// One story as a ninjs object in `profile`.
pub fn ninjs_object(story: &Story, state: &AppState, profile: Profile) -> Value {
    let k = |name: &'static str| profile.key(name);
    let usable = story.pubstatus == PubStatus::Usable;
    let page = state.config.absolute(&story_url(story));
    let mut altids = vec![json!({"role": "storyid", "value": story.id.as_str()})];
    let uri = if is_uri(&story.uri) {
        story.uri.clone()
    } else {
        // The agency's id is not a URI (a feed's bare guid): a URN made of the story id, as
        // stable as the id, stands in, and the agency's id is kept beside it.
        altids.push(json!({"role": "agencyid", "value": story.uri}));
        format!("urn:wiredesk:story:{}", story.id)
    };
    if let Some(live) = story.went_live() {
        altids.push(json!({"role": "published", "value": to_micros(live).to_string()}));
    }

    let mut headlines = vec![json!({"role": "main", "value": story.headline})];
    if story.headline_rewritten() {
        headlines.push(json!({"role": "agency", "value": story.agency_headline}));
    }
    let mut subjects: Vec<Value> = story
        .subjects
        .iter()
        .map(|s| subject(&s.code, s.name.as_deref()))
        .collect();
    subjects.extend(story.topics.iter().map(|t| {
        json!({
            "name": t.name,
            "uri": state.config.absolute(&format!("/topic/{}", t.slug)),
        })
    }));
    let mut renditions = vec![json!({
        "name": "web",
        "title": "The story on the site",
        "href": page,
        k("contenttype"): "text/html",
    })];
    if let Some(source) = story.source_url.as_deref().filter(|s| is_uri(s)) {
        renditions.push(json!({
            "name": "source",
            "title": "The story on the agency's site",
            "href": source,
            k("contenttype"): "text/html",
        }));
    }

    let mut o = json!({
        "uri": uri,
        "type": "text",
        k("representationtype"): if usable { "full" } else { "partial" },
        "version": story.version.to_string(),
        k("firstcreated"): rfc3339(story.first_created),
        k("versioncreated"): rfc3339(story.version_created),
        k("pubstatus"): story.pubstatus.as_str(),
        "headlines": headlines,
        k("infosources"): [{
            "name": story.agency.name,
            // IPTC NewsCodes "information source role" (a URI, as ninjs 2.0 requires).
            "role": "http://cv.iptc.org/newscodes/infosourcerole/originfo",
            "uri": state.config.absolute(&format!("/agency/{}", story.agency.slug)),
        }],
        "renditions": renditions,
        k("altids"): altids,
        "standard": profile.standard(),
    });
    if !subjects.is_empty() {
        o["subjects"] = json!(subjects);
    }
    if usable {
        o["bodies"] =
            json!([{"role": "main", k("contenttype"): "text/html", "value": story.body_html}]);
        o["descriptions"] =
            json!([{"role": "summary", k("contenttype"): "text/plain", "value": story.summary}]);
        let media = associations(story, profile);
        if !media.is_empty() {
            o["associations"] = json!(media);
        }
    } else {
        o[k("ednote")] = json!(match story.pubstatus {
            PubStatus::Canceled =>
                "Killed: do not use. Remove this story wherever it was published.",
            _ => "Withheld: do not use until it is sent again as usable. Take it down meanwhile.",
        });
    }
    if let Some(place) = story.dateline.as_ref().and_then(|d| d.place.as_ref()) {
        o["located"] = json!(place);
    }
    if let Some(by) = &story.byline {
        o["by"] = json!(by);
    }
    if let Some(lang) = &story.language {
        o["language"] = json!(lang);
    }
    if let Some(slug) = &story.slugline {
        o["slugline"] = json!(slug);
    }
    if let Some(e) = story.embargoed {
        o[k("embargoed")] = json!(rfc3339(e));
    }
    o
}

/// One story as a ninjs 2.x object.
pub fn ninjs(story: &Story, state: &AppState) -> Value {
    ninjs_object(story, state, Profile::Ninjs2)
}

/// One story as a ninjs 3.x object.
pub fn ninjs3(story: &Story, state: &AppState) -> Value {
    ninjs_object(story, state, Profile::Ninjs3)
}

// ----- cursors -----

/// Mixed into each cursor's check bytes. A cursor is not secret (it holds a time and a public
/// story id); the check only makes sure the API reads back exactly what it gave out.
const CURSOR_CHECK_KEY: &[u8] = b"wiredesk /api/v1 cursor v1";
const CURSOR_CHECK_LEN: usize = 8;

fn cursor_check(payload: &[u8]) -> [u8; CURSOR_CHECK_LEN] {
    let digest = Sha256::new()
        .chain_update(CURSOR_CHECK_KEY)
        .chain_update(payload)
        .finalize();
    let mut check = [0u8; CURSOR_CHECK_LEN];
    check.copy_from_slice(&digest[..CURSOR_CHECK_LEN]);
    check
}

/// The opaque cursor for "after this story": base64url of `<microseconds>.<story id>` and
/// check bytes.
fn encode_cursor(live: Timestamp, id: &StoryId) -> String {
    let mut bytes = format!("{}.{}", live.as_microsecond(), id).into_bytes();
    let check = cursor_check(&bytes);
    bytes.extend_from_slice(&check);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode_cursor(raw: &str) -> Option<(Timestamp, StoryId)> {
    if raw.len() > 200 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    let split = bytes.len().checked_sub(CURSOR_CHECK_LEN)?;
    let (payload, check) = bytes.split_at(split);
    if cursor_check(payload) != check {
        return None;
    }
    let (t, id) = std::str::from_utf8(payload).ok()?.split_once('.')?;
    let t = Timestamp::from_microsecond(t.parse().ok()?).ok()?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| (t, StoryId(id.to_string())))
}

// ----- responses -----

/// A problem response (RFC 9457). `param` names the query parameter at fault and why.
fn problem(status: StatusCode, detail: &str, param: Option<(&str, &str)>) -> Response {
    let mut body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    if let Some((name, reason)) = param {
        body["invalid-params"] = json!([{"name": name, "reason": reason}]);
    }
    let cache = if status == StatusCode::NOT_FOUND {
        CACHE_CONTROL
    } else {
        "no-store"
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "application/problem+json"),
            (header::CACHE_CONTROL, cache),
        ],
        body.to_string(),
    )
        .into_response()
}

/// Why a request is not answered with what it asked for.
#[derive(Debug)]
enum ApiError {
    /// A query parameter is unknown, repeated or has a value the API does not take.
    Param {
        name: String,
        reason: String,
    },
    /// The query string cannot be read at all.
    Query(String),
    NotFound,
    Unavailable,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Param { name, reason } => problem(
                StatusCode::BAD_REQUEST,
                &format!("query parameter `{name}`: {reason}"),
                Some((&name, &reason)),
            ),
            ApiError::Query(why) => problem(
                StatusCode::BAD_REQUEST,
                &format!("the query string cannot be read: {why}"),
                None,
            ),
            ApiError::NotFound => problem(StatusCode::NOT_FOUND, "no such story", None),
            ApiError::Unavailable => problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable",
                None,
            ),
        }
    }
}

fn bad_param(name: &str, reason: impl Into<String>) -> ApiError {
    ApiError::Param {
        name: name.to_string(),
        reason: reason.into(),
    }
}

fn unavailable(what: &str, e: impl std::fmt::Display) -> ApiError {
    tracing::error!("{what}: {e}");
    ApiError::Unavailable
}

/// Does `If-None-Match` name `etag` (or `*`)? Weak comparison, as RFC 9110 asks for it.
fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// `body` with a strong ETag (a hash of the exact bytes sent) and `Cache-Control`, or 304 Not
/// Modified when the client already holds those bytes.
fn with_etag(
    headers: &HeaderMap,
    content_type: &'static str,
    body: Vec<u8>,
    cache_control: &'static str,
) -> Response {
    let digest = Sha256::digest(&body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    let etag = format!("\"{hex}\"");
    let etag_value = HeaderValue::from_str(&etag).expect("a quoted hex string is a header value");
    if none_match(headers, &etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag_value),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(cache_control),
                ),
            ],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::ETAG, etag_value),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache_control),
            ),
        ],
        body,
    )
        .into_response()
}

fn json_with_etag(headers: &HeaderMap, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).expect("a JSON value always serializes");
    with_etag(headers, "application/json", bytes, CACHE_CONTROL)
}

// ----- parameters -----

/// What a `/api/v1/stories` request asks for, checked.
#[derive(Debug, Default)]
struct ListParams {
    limit: usize,
    before: Option<(Timestamp, StoryId)>,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
    topic: Option<String>,
    agency: Option<String>,
    q: Option<String>,
    pubstatus: PubStatus,
    profile: Profile,
}

const LIST_PARAMS: [&str; 9] = [
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
fn checked_pairs(
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

fn parse_time(name: &str, raw: &str) -> Result<Timestamp, ApiError> {
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

fn parse_slug(name: &str, raw: &str) -> Result<String, ApiError> {
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

fn parse_profile(raw: &str) -> Result<Profile, ApiError> {
    Profile::parse(raw).ok_or_else(|| bad_param("profile", "must be ninjs2 or ninjs3"))
}

fn parse_list(pairs: Vec<(String, String)>) -> Result<ListParams, ApiError> {
    let mut p = ListParams {
        limit: DEFAULT_LIMIT,
        ..ListParams::default()
    };
    for (name, value) in pairs {
        match name.as_str() {
            "limit" => {
                p.limit = match value.parse::<usize>() {
                    Ok(n) if n >= 1 => n.min(MAX_LIMIT),
                    _ => {
                        return Err(bad_param(
                            "limit",
                            format!("must be a whole number from 1 to {MAX_LIMIT}"),
                        ));
                    }
                }
            }
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

// ----- handlers -----

/// Up to `limit + 1` stories in list order: one more than a page, to know whether a next page
/// exists.
async fn fetch(state: &AppState, p: &ListParams, now: Timestamp) -> Result<Vec<Story>, ApiError> {
    let listing = Listing {
        topic: p.topic.clone(),
        agency: p.agency.clone(),
        limit: p.limit + 1,
        before: p.before.clone(),
        since: p.since,
        until: p.until,
    };
    if let Some(q) = &p.q {
        return search(state, q, &listing, now).await;
    }
    let stories = if p.pubstatus == PubStatus::Usable {
        state.store.live(&listing, now).await
    } else {
        state.store.taken_down(p.pubstatus, &listing, now).await
    };
    stories.map_err(|e| unavailable("api list", e))
}

/// The index's best matches for `q` that are live and pass the listing's filters, in list
/// order (newest first, not by relevance).
async fn search(
    state: &AppState,
    q: &str,
    listing: &Listing,
    now: Timestamp,
) -> Result<Vec<Story>, ApiError> {
    let hits = state
        .index
        .search(q, SEARCH_CANDIDATES)
        .map_err(|e| unavailable("api search", e))?;
    let ids: Vec<StoryId> = hits.into_iter().map(|h| h.id).collect();
    let stories = state
        .store
        .stories(&ids)
        .await
        .map_err(|e| unavailable("api search", e))?;
    let micros = |t: Timestamp| t.as_microsecond();
    let mut found: Vec<(i64, Story)> = stories
        .into_iter()
        .filter(|s| s.is_live(now))
        .filter_map(|s| Some((micros(s.went_live()?), s)))
        .filter(|(_, s)| {
            listing
                .topic
                .as_ref()
                .is_none_or(|t| s.topics.iter().any(|st| &st.slug == t))
                && listing.agency.as_ref().is_none_or(|a| &s.agency.slug == a)
        })
        .filter(|(live, s)| {
            listing.since.is_none_or(|t| *live >= micros(t))
                && listing.until.is_none_or(|t| *live < micros(t))
                && listing
                    .before
                    .as_ref()
                    .is_none_or(|(t, id)| *live < micros(*t) || (*live == micros(*t) && s.id < *id))
        })
        .collect();
    found.sort_by(|(la, a), (lb, b)| lb.cmp(la).then_with(|| b.id.cmp(&a.id)));
    found.truncate(listing.limit);
    Ok(found.into_iter().map(|(_, s)| s).collect())
}

/// `GET /api/v1/stories`: a page of stories, `{"items": [...], "next": cursor-or-null}`.
pub async fn stories(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    list_page(&state, &headers, query)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn list_page(
    state: &AppState,
    headers: &HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let params = parse_list(checked_pairs(query, &LIST_PARAMS)?)?;
    let now = Timestamp::now();
    let mut stories = fetch(state, &params, now).await?;
    let next = if stories.len() > params.limit {
        stories.truncate(params.limit);
        stories
            .last()
            .and_then(|last| Some(encode_cursor(last.went_live()?, &last.id)))
    } else {
        None
    };
    let body = json!({
        "items": stories
            .iter()
            .map(|s| list_item(s, state, params.profile))
            .collect::<Vec<_>>(),
        "next": next,
    });
    Ok(json_with_etag(headers, &body))
}

/// A story as a list shows it: whole, or, when its body is over `feeds::FULL_TEXT_LIMIT`,
/// `representationtype` "partial" without `bodies` and with a rendition named "ninjs" that
/// links to the whole object, so no list page grows with the stories on it.
fn list_item(story: &Story, state: &AppState, profile: Profile) -> Value {
    let mut o = ninjs_object(story, state, profile);
    if o.get("bodies").is_none() || body_fits_lists(story) {
        return o;
    }
    if let Some(obj) = o.as_object_mut() {
        obj.remove("bodies");
    }
    o[profile.key("representationtype")] = json!("partial");
    let query = match profile {
        Profile::Ninjs2 => "",
        Profile::Ninjs3 => "?profile=ninjs3",
    };
    let whole = json!({
        "name": "ninjs",
        "title": "The whole story, body included",
        "href": state.config.absolute(&format!("/api/v1/stories/{}{query}", story.id)),
        profile.key("contenttype"): "application/json",
    });
    if let Some(renditions) = o["renditions"].as_array_mut() {
        renditions.push(whole);
    }
    o
}

/// May the outside world see this story? Live ones, and ones that were live and then killed
/// or withheld (so a partner learns to take them down); not held or embargoed ones, nor one
/// killed before its embargo lifted.
async fn visible(state: &AppState, story: &Story, now: Timestamp) -> Result<bool, ApiError> {
    if story.is_live(now) {
        return Ok(true);
    }
    let Some(live) = story.went_live().filter(|l| *l <= now) else {
        return Ok(false);
    };
    if story.pubstatus == PubStatus::Usable {
        return Ok(false);
    }
    let history = state
        .store
        .history(&story.id)
        .await
        .map_err(|e| unavailable("api story", e))?;
    Ok(history.iter().any(|e| {
        matches!(
            e.event,
            StoryEvent::Killed { .. } | StoryEvent::Withheld { .. }
        ) && e.at >= live
    }))
}

/// `GET /api/v1/stories/{id}`: one story.
pub async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    one_story(&state, id, &headers, query)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn one_story(
    state: &AppState,
    id: String,
    headers: &HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let profile = match checked_pairs(query, &["profile"])?.first() {
        Some((_, raw)) => parse_profile(raw)?,
        None => Profile::default(),
    };
    let now = Timestamp::now();
    let story = state
        .store
        .story(&StoryId(id))
        .await
        .map_err(|e| unavailable("api story", e))?
        .ok_or(ApiError::NotFound)?;
    if !visible(state, &story, now).await? {
        return Err(ApiError::NotFound);
    }
    Ok(json_with_etag(
        headers,
        &ninjs_object(&story, state, profile),
    ))
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi(headers: HeaderMap) -> Response {
    with_etag(
        &headers,
        "application/json",
        OPENAPI.as_bytes().to_vec(),
        OPENAPI_CACHE_CONTROL,
    )
}

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/stories", axum::routing::get(stories))
        .route("/api/v1/stories/{id}", axum::routing::get(story))
        .route("/api/v1/openapi.json", axum::routing::get(openapi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_given_and_a_changed_one_does_not() {
        let t = Timestamp::from_microsecond(1_795_000_000_123_456).unwrap();
        let id = StoryId("0123456789abcdef".into());
        let cursor = encode_cursor(t, &id);
        assert_eq!(decode_cursor(&cursor), Some((t, id.clone())));
        assert!(
            cursor
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        // Change one character anywhere: the check no longer matches.
        for i in 0..cursor.len() {
            let mut bytes = cursor.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(bytes).unwrap();
            assert_eq!(decode_cursor(&tampered), None, "{tampered}");
        }
        // The plain form the API used to give out is not a cursor any more.
        assert_eq!(decode_cursor("1795000000123456.0123456789abcdef"), None);
        assert_eq!(decode_cursor(""), None);
    }

    #[test]
    fn uris_are_checked_as_rfc_3986_spells_them() {
        for ok in [
            "urn:newsml:reuters.com:20260612:nL4N3FL0DS",
            "http://127.0.0.1:8080/story/abc/x-y",
            "urn:wiredesk:pti:0123abcd",
            "https://example.test/a%20b?x=1#f",
        ] {
            assert!(is_uri(ok), "{ok}");
        }
        for bad in [
            "12345",
            "no scheme here",
            "http://example.test/a b",
            "http://example.test/é",
            "1http://x",
            "http:",
            "http://x/%zz",
            "http://x/%4",
        ] {
            assert!(!is_uri(bad), "{bad}");
        }
    }

    #[test]
    fn qcodes_become_concept_uris() {
        assert_eq!(
            subject("medtop:04000000", Some("economy")),
            json!({"name": "economy", "uri": "http://cv.iptc.org/newscodes/mediatopic/04000000"})
        );
        assert_eq!(subject("Cricket", None), json!({"name": "Cricket"}));
        assert_eq!(
            subject("weather", Some("weather")),
            json!({"name": "weather"})
        );
        assert_eq!(
            subject("ap:sport-12", Some("Sport")),
            json!({"name": "Sport", "literal": "ap:sport-12"})
        );
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc\""),
        );
        assert!(none_match(&headers, "\"abc\""));
        assert!(!none_match(&headers, "\"abd\""));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(none_match(&headers, "\"anything\""));
    }

    /// Every vendored ninjs schema of a profile, offline (the GeoJSON schema they `$ref` is
    /// registered under its id).
    fn validators(files: &[&str]) -> Vec<(String, jsonschema::Validator)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/ninjs");
        let load = |f: &str| -> Value {
            serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap()
        };
        let registry = jsonschema::Registry::new()
            .add(
                "https://geojson.org/schema/GeoJSON.json",
                load("GeoJSON.json"),
            )
            .unwrap()
            .prepare()
            .unwrap();
        files
            .iter()
            .map(|f| {
                let v = jsonschema::options()
                    .with_registry(&registry)
                    .should_validate_formats(true)
                    .build(&load(f))
                    .unwrap();
                (f.to_string(), v)
            })
            .collect()
    }

    #[tokio::test]
    async fn associations_are_valid_ninjs_2_and_3() {
        use std::sync::Arc;
        use wiredesk_model::{Association, Rendition};
        let store: Arc<dyn wiredesk_store::Store> =
            Arc::new(wiredesk_store::SqliteStore::in_memory().await.unwrap());
        let index = Arc::new(wiredesk_index::SearchIndex::in_memory().unwrap());
        let state = AppState::new(store, index, crate::SiteConfig::default()).unwrap();
        let t: Timestamp = "2026-11-06T09:00:00Z".parse().unwrap();
        let mut story = wiredesk_model::testing::story("urn:wdn:bridge", "Bridge", "Copy.", t);
        story.published = Some(t);
        story.associations = vec![
            Association {
                name: "picture1".into(),
                kind: "picture".into(),
                uri: Some("urn:newsml:wire.example:20261106:bridge-photo".into()),
                headline: Some("Cars cross the bridge".into()),
                caption: Some("Cars cross the harbour bridge in Porto.".into()),
                credit: Some("Ana Lima/WDN".into()),
                renditions: vec![
                    Rendition {
                        name: "rnd:web".into(),
                        href: "https://wire.example/photos/bridge.jpg".into(),
                        mimetype: Some("image/jpeg".into()),
                        width: Some(1200),
                        height: Some(800),
                    },
                    Rendition {
                        href: "https://wire.example/photos/a bridge.jpg".into(),
                        ..Rendition::default()
                    },
                ],
            },
            Association {
                kind: "audio".into(),
                uri: Some("fedcba9876543210".into()),
                ..Association::default()
            },
        ];
        for (profile, files) in [
            (
                Profile::Ninjs2,
                &[
                    "ninjs-schema_2.0.json",
                    "ninjs-schema_2.1.json",
                    "ninjs-schema_2.2.json",
                ][..],
            ),
            (
                Profile::Ninjs3,
                &["ninjs-schema_3.0.json", "ninjs-schema_3.1.json"][..],
            ),
        ] {
            let o = ninjs_object(&story, &state, profile);
            for (file, v) in validators(files) {
                let errors: Vec<String> = v
                    .iter_errors(&o)
                    .map(|e| format!("{e} at {}", e.instance_path()))
                    .collect();
                assert!(errors.is_empty(), "{file}: {errors:?}\n{o:#}");
            }
            let picture = &o["associations"][0];
            assert_eq!(picture["name"], "picture1");
            assert_eq!(picture["type"], "picture");
            assert_eq!(picture["by"], "Ana Lima/WDN");
            assert_eq!(
                picture["descriptions"][0]["value"],
                "Cars cross the harbour bridge in Porto."
            );
            assert_eq!(
                picture["renditions"].as_array().map(Vec::len),
                Some(1),
                "a rendition whose href is no URI is left out: {picture}"
            );
            let audio = &o["associations"][1];
            assert_eq!(audio["name"], "media2");
            assert_eq!(
                audio["uri"],
                format!("urn:wiredesk:story:{}:media:2", story.id)
            );
            assert_eq!(audio[profile.key("altids")][0]["value"], "fedcba9876543210");
            // The caption stays out of the copy.
            assert!(!o["bodies"][0]["value"].as_str().unwrap().contains("Porto"));
        }
        // A killed story hands out no pictures.
        story.pubstatus = PubStatus::Canceled;
        assert!(ninjs(&story, &state).get("associations").is_none());
    }
}
