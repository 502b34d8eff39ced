//! The ninjs JSON API for partners: `/api/v1/stories`, `/api/v1/stories/{id}`, the ranked
//! search `/api/v1/search` (`search`) and the OpenAPI document that describes them,
//! `/api/v1/openapi.json`.
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
//!
//! `/api/v1/search` is the other order: the index's ranking, as the search page shows it, paged
//! by a cursor of its own (see `search`).
//!
//! Layout: this module holds the routes and handlers; `ninjs` the mapping, `cursor` the keyset
//! and search cursors, `params` the query parameters, `response` problems and ETags, `search`
//! the ranked search.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::{Value, json};
use wiredesk_model::{PubStatus, Story, StoryEvent, StoryId};
use wiredesk_store::Listing;

use crate::AppState;
use crate::feeds::body_fits_lists;

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
const OPENAPI: &str = include_str!("../../static/openapi.json");

pub(crate) mod cursor;
mod ninjs;
mod params;
mod response;
mod search;

pub use ninjs::{Profile, ninjs, ninjs_object, ninjs3};

use cursor::encode_cursor;
use params::{LIST_PARAMS, ListParams, checked_pairs, parse_list, parse_profile};
use response::{ApiError, json_with_etag, unavailable, with_etag};

// ----- handlers -----

/// Up to `limit + 1` stories in list order: one more than a page, to know whether a next page
/// exists.
async fn fetch(state: &AppState, p: &ListParams, now: Timestamp) -> Result<Vec<Story>, ApiError> {
    let listing = Listing {
        topic: p.topic.clone(),
        agency: p.agency.clone(),
        limit: p.limit + 1,
        offset: 0,
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
        .route("/api/v1/search", axum::routing::get(search::search))
        .route("/api/v1/openapi.json", axum::routing::get(openapi))
}
