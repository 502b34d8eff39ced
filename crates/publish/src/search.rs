//! Search: the search page `/search?q=` and the API `/api/v1/search?q=` (`{"items": [ninjs…]}`)
//! over the embedded index. Both take the filters `topic` and `agency` (slugs) and `from` /
//! `to` (a date, `2026-06-12`, read in the site's time zone and inclusive, or an RFC 3339
//! time). Matching and ranking are the index's (`wiredesk_index` docs); every hit is
//! re-checked against the store, so only live stories are ever listed.

use std::collections::HashMap;

use askama::Template;
use askama::filters::HtmlSafeOutput;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::json;
use wiredesk_index::{MatchMode, SearchFilters, SearchRequest, escape_html};
use wiredesk_model::{Story, StoryId, slugify};

use crate::AppState;
use crate::pages::{Masthead, render, story_url};

/// Results on the search page.
const PAGE_RESULTS: usize = 20;
/// The longest query read from a reader, in characters.
const MAX_QUERY_CHARS: usize = 200;

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    topic: Option<String>,
    agency: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// API only: 1–100, default 20.
    limit: Option<usize>,
}

impl SearchQuery {
    fn query(&self) -> String {
        self.q.chars().take(MAX_QUERY_CHARS).collect()
    }

    /// The filters, or what is wrong with a date.
    fn filters(&self, tz: &TimeZone) -> Result<SearchFilters, String> {
        let (filters, problems) = self.filters_lenient(tz);
        match problems.into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(filters),
        }
    }

    /// The filters, leaving out a date that cannot be read (and saying why).
    fn filters_lenient(&self, tz: &TimeZone) -> (SearchFilters, Vec<String>) {
        let slug = |v: &Option<String>| v.as_deref().map(slugify).filter(|s| !s.is_empty());
        let mut problems = Vec::new();
        let mut time = |name, raw: &Option<String>, end_of_day| {
            parse_time(name, raw.as_deref(), tz, end_of_day).unwrap_or_else(|e| {
                problems.push(e);
                None
            })
        };
        let from = time("from", &self.from, false);
        let to = time("to", &self.to, true);
        let filters = SearchFilters {
            topic: slug(&self.topic),
            agency: slug(&self.agency),
            from,
            to,
        };
        (filters, problems)
    }
}

/// `2026-06-12` (the start of that day, or with `end_of_day` its last second, in `tz`) or an
/// RFC 3339 time. Empty means no bound.
fn parse_time(
    name: &str,
    raw: Option<&str>,
    tz: &TimeZone,
    end_of_day: bool,
) -> Result<Option<Timestamp>, String> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = raw.parse::<Timestamp>() {
        return Ok(Some(t));
    }
    let invalid =
        || format!("`{name}` must be a date (2026-06-12) or an RFC 3339 time, not {raw:?}");
    let date: jiff::civil::Date = raw.parse().map_err(|_| invalid())?;
    let day = if end_of_day {
        date.tomorrow().map_err(|_| invalid())?
    } else {
        date
    };
    let start = day
        .to_zoned_datetime(tz.clone())
        .map_err(|_| invalid())?
        .timestamp();
    Ok(Some(if end_of_day {
        start - SignedDuration::from_secs(1)
    } else {
        start
    }))
}

/// Live stories found for a query, best first, each with its highlighted snippet (HTML).
pub(crate) struct Found {
    pub stories: Vec<(Story, Option<String>)>,
    pub mode: MatchMode,
    pub did_you_mean: Option<String>,
}

/// The store's word on a hit: the index may lag a moment behind a new topic or agency.
fn passes(story: &Story, filters: &SearchFilters) -> bool {
    filters
        .topic
        .as_ref()
        .is_none_or(|t| story.topics.iter().any(|s| &s.slug == t))
        && filters
            .agency
            .as_ref()
            .is_none_or(|a| &story.agency.slug == a)
        && story.went_live().is_some_and(|live| {
            filters.from.is_none_or(|f| live >= f) && filters.to.is_none_or(|t| live <= t)
        })
}

/// Why a search could not be answered (the page says so; the API answers 503).
#[derive(Debug, thiserror::Error)]
pub(crate) enum SearchError {
    #[error("the search index failed: {0}")]
    Index(#[from] wiredesk_index::IndexError),
    #[error("the search task ended: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("cannot read the stories found: {0}")]
    Store(#[from] wiredesk_store::StoreError),
}

/// Search the index, then keep the hits that are live (and still pass the filters) now.
pub(crate) async fn find(
    state: &AppState,
    query: &str,
    filters: SearchFilters,
    limit: usize,
    snippets: bool,
) -> Result<Found, SearchError> {
    let now = Timestamp::now();
    if query.trim().is_empty() && filters.is_empty() {
        return Ok(Found {
            stories: vec![],
            mode: MatchMode::Exact,
            did_you_mean: None,
        });
    }
    let request = SearchRequest {
        query: query.to_string(),
        // Room for hits that turn out not to be live.
        limit: limit * 2,
        filters: filters.clone(),
        now: Some(now),
        snippets,
    };
    let index = state.index.clone();
    let results = tokio::task::spawn_blocking(move || index.search_with(&request)).await??;
    let ids: Vec<StoryId> = results.hits.iter().map(|h| h.id.clone()).collect();
    let mut stories: HashMap<StoryId, Story> = state
        .store
        .stories(&ids)
        .await?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let stories = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let story = stories.remove(&hit.id)?;
            (story.is_live(now) && passes(&story, &filters)).then_some((story, hit.snippet_html))
        })
        .take(limit)
        .collect();
    Ok(Found {
        stories,
        mode: results.mode,
        did_you_mean: results.did_you_mean,
    })
}

/// A result as `card.html` shows it, with the snippet (HTML: `<mark>`ed words, everything
/// else escaped) in place of the summary.
pub struct SearchCard {
    pub url: String,
    pub headline: String,
    pub summary: HtmlSafeOutput<String>,
    pub agency: String,
    pub agency_url: String,
    pub when: String,
    /// Search lists every matching report; coverage links are for the home page and Hot.
    pub coverage: Option<crate::pages::Coverage>,
    /// Nor does it group copies (the coverage page does).
    pub also: Vec<crate::pages::NavLink>,
}

pub struct TopicOption {
    pub slug: String,
    pub name: String,
}

pub struct Suggestion {
    pub url: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    masthead: Masthead,
    title: String,
    heading: String,
    query: String,
    topic: String,
    agency: String,
    from: String,
    to: String,
    topics: Vec<TopicOption>,
    did_you_mean: Option<Suggestion>,
    notice: Option<String>,
    cards: Vec<SearchCard>,
    empty_message: String,
}

/// `application/x-www-form-urlencoded` for one value.
fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `/search?q=…` with the filters the reader had set.
fn search_url(q: &str, params: &SearchQuery) -> String {
    let mut url = format!("/search?q={}", form_encode(q));
    for (name, value) in [
        ("topic", &params.topic),
        ("agency", &params.agency),
        ("from", &params.from),
        ("to", &params.to),
    ] {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            url.push_str(&format!("&{name}={}", form_encode(v)));
        }
    }
    url
}

pub async fn search_page(
    State(state): State<AppState>,
    Query(params): Query<SearchQuery>,
) -> Response {
    let now = Timestamp::now();
    let query = params.query();
    let q = query.trim();
    let (filters, problems) = params.filters_lenient(&state.time_zone);
    let mut notice = (!problems.is_empty()).then(|| {
        "A date could not be read (write it as 2026-06-12), so it was left out.".to_string()
    });
    let found = match find(&state, q, filters.clone(), PAGE_RESULTS, true).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!("search {q:?}: {e}");
            notice = Some("Search is unavailable for a moment. Please try again.".into());
            Found {
                stories: vec![],
                mode: MatchMode::Exact,
                did_you_mean: None,
            }
        }
    };
    if notice.is_none() && !found.stories.is_empty() {
        notice = match found.mode {
            MatchMode::Typos => {
                Some("Some stories match words spelled like the ones you typed.".into())
            }
            MatchMode::AnyWord => {
                Some("No story has all of these words; these have some of them.".into())
            }
            MatchMode::Exact | MatchMode::Browse => None,
        };
    }
    let cards = found
        .stories
        .iter()
        .map(|(story, snippet)| {
            let card = state.card(story);
            let summary = snippet.clone().unwrap_or_else(|| {
                let mut escaped = String::new();
                escape_html(&card.summary, &mut escaped);
                escaped
            });
            SearchCard {
                url: story_url(story),
                headline: card.headline,
                summary: HtmlSafeOutput(summary),
                agency: card.agency,
                agency_url: card.agency_url,
                when: card.when,
                coverage: None,
                also: Vec::new(),
            }
        })
        .collect();
    let side = match state.side_lists(now).await {
        Ok(side) => side,
        Err(e) => return crate::pages::unavailable("search page", &e),
    };
    let topics = side
        .topics()
        .iter()
        .map(|t| TopicOption {
            slug: t.slug.clone(),
            name: t.name.clone(),
        })
        .collect();
    let filtered = !filters.is_empty();
    let page = SearchPage {
        masthead: side.masthead(&state, now),
        title: if q.is_empty() {
            format!("Search | {}", state.config.name)
        } else {
            format!("{q} – Search | {}", state.config.name)
        },
        heading: if q.is_empty() {
            "Search".into()
        } else {
            format!("Results for “{q}”")
        },
        query: query.clone(),
        topic: filters.topic.clone().unwrap_or_default(),
        agency: filters.agency.clone().unwrap_or_default(),
        from: params.from.clone().unwrap_or_default(),
        to: params.to.clone().unwrap_or_default(),
        topics,
        did_you_mean: found.did_you_mean.map(|text| Suggestion {
            url: search_url(&text, &params),
            text,
        }),
        notice,
        cards,
        empty_message: if q.is_empty() && !filtered {
            "Type a word or a name to search the wire.".into()
        } else if filtered {
            "Nothing matched. Try fewer or different words, or fewer filters.".into()
        } else {
            "Nothing matched. Try fewer or different words.".into()
        },
    };
    render(&page)
}

fn problem(status: StatusCode, detail: &str) -> Response {
    (
        status,
        Json(json!({"status": status.as_u16(), "detail": detail})),
    )
        .into_response()
}

/// `/api/v1/search?q=…&topic=&agency=&from=&to=&limit=`: `{"items": [ninjs…]}`, best first,
/// with `did_you_mean` when the index suggests a corrected query.
pub async fn api_search(
    State(state): State<AppState>,
    Query(params): Query<SearchQuery>,
) -> Response {
    let limit = params.limit.unwrap_or(20).clamp(1, 100);
    let filters = match params.filters(&state.time_zone) {
        Ok(f) => f,
        Err(e) => return problem(StatusCode::BAD_REQUEST, &e),
    };
    let query = params.query();
    match find(&state, query.trim(), filters, limit, false).await {
        Ok(found) => {
            let mut body = json!({
                "items": found
                    .stories
                    .iter()
                    .map(|(s, _)| crate::api::ninjs(s, &state))
                    .collect::<Vec<_>>(),
            });
            if let Some(suggestion) = found.did_you_mean {
                body["did_you_mean"] = json!(suggestion);
            }
            Json(body).into_response()
        }
        Err(e) => {
            tracing::error!("api search {query:?}: {e}");
            problem(StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable")
        }
    }
}

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/search", axum::routing::get(search_page))
        .route("/api/v1/search", axum::routing::get(api_search))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_whole_days_in_the_site_zone() {
        let tz = TimeZone::get("Asia/Kolkata").unwrap();
        let from = parse_time("from", Some("2026-06-12"), &tz, false)
            .unwrap()
            .unwrap();
        let to = parse_time("to", Some("2026-06-12"), &tz, true)
            .unwrap()
            .unwrap();
        assert_eq!(from.to_string(), "2026-06-11T18:30:00Z");
        assert_eq!(to.to_string(), "2026-06-12T18:29:59Z");
        assert_eq!(
            parse_time("from", Some("2026-06-12T06:00:00Z"), &tz, false).unwrap(),
            Some("2026-06-12T06:00:00Z".parse().unwrap())
        );
        assert_eq!(parse_time("from", Some(" "), &tz, false).unwrap(), None);
        assert!(parse_time("to", Some("yesterday"), &tz, true).is_err());
    }

    #[test]
    fn suggestion_links_keep_the_filters() {
        let params = SearchQuery {
            topic: Some("business".into()),
            from: Some("".into()),
            ..SearchQuery::default()
        };
        assert_eq!(
            search_url("repo \"rate\" & more", &params),
            "/search?q=repo+%22rate%22+%26+more&topic=business"
        );
    }
}
