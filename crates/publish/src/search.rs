//! Search: the search page `/search?q=` and what it shares with the API's `/api/v1/search`
//! (`api::search`) over the embedded index. Both take the filters `topic` and `agency` (slugs)
//! and `from` / `to` (a date, `2026-06-12`, read in the site's time zone and inclusive, or an
//! RFC 3339 time). Matching and ranking are the index's (`wiredesk_index` docs); every hit is
//! re-checked against the store, so only live stories are ever listed.
//!
//! # Pages
//!
//! The page shows 20 results at a time: `page=2` is the index's hits 21–40, and so on, up to
//! `wiredesk_index::MAX_DEPTH` (1,000 results, page 50); past that, or past the last result, it
//! says so (200, never an error page). A page is a fixed window of the index's ranking, and a
//! hit the store says is not live (an embargo not yet lifted, a kill the index has not caught
//! up with) is left out of its page rather than replaced from the next one: a page may show a
//! few fewer than 20, but no story is ever shown on two pages or skipped. The count is the
//! index's total ("About …" when this page left a hit out, since the total counts it).
//! The search page is never in the page cache; shared caches key it by its whole URL, the
//! page included.

use std::collections::HashMap;

use askama::Template;
use askama::filters::HtmlSafeOutput;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use wiredesk_index::{MAX_DEPTH, MatchMode, SearchFilters, SearchRequest, escape_html};
use wiredesk_model::{Story, StoryId, slugify};

use crate::AppState;
use crate::i18n::{Arg, Words};
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
    /// 1, 2, …; anything else reads as the first page.
    page: Option<String>,
}

impl SearchQuery {
    fn query(&self) -> String {
        self.q.chars().take(MAX_QUERY_CHARS).collect()
    }

    /// The page asked for: 1 unless `page` is a whole number from 1 on.
    fn page(&self) -> usize {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<usize>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
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
/// RFC 3339 time. Empty means no bound. A day past the last one a timestamp can hold is read
/// as the last moment there is (nothing goes live that late).
pub(crate) fn parse_time(
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
        match date.tomorrow() {
            Ok(day) => day,
            Err(_) => return Ok(Some(Timestamp::MAX)),
        }
    } else {
        date
    };
    let start = match day.to_zoned_datetime(tz.clone()) {
        Ok(start) => start.timestamp(),
        Err(_) if day.year() > 0 => return Ok(Some(Timestamp::MAX)),
        Err(_) => return Ok(Some(Timestamp::MIN)),
    };
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
    /// Stories the index matched, in all (it may count a few that are not live).
    pub total: usize,
    /// Hits of this page's window left out: not live now, or no longer passing the filters.
    pub dropped: usize,
}

impl Found {
    fn nothing() -> Found {
        Found {
            stories: vec![],
            mode: MatchMode::Exact,
            did_you_mean: None,
            total: 0,
            dropped: 0,
        }
    }
}

/// Which part of a search's ranking to show, and how to rank it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Window {
    /// Hits to skip, best first.
    pub offset: usize,
    pub limit: usize,
    /// The stage the first page was answered in (`None` on the first page: the index
    /// chooses).
    pub mode: Option<MatchMode>,
    /// The moment recency is measured from (the first page's, so pages rank alike).
    pub ranked_at: Timestamp,
}

impl Window {
    /// Is there a result past this window (within `MAX_DEPTH`)?
    pub fn has_more(&self, total: usize) -> bool {
        self.offset + self.limit < total.min(MAX_DEPTH)
    }
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

/// Search the index for the window's hits, then keep those that are live (and still pass the
/// filters) now. A hit left out is not replaced (see the module docs).
pub(crate) async fn find(
    state: &AppState,
    query: &str,
    filters: SearchFilters,
    window: Window,
    snippets: bool,
) -> Result<Found, SearchError> {
    let now = Timestamp::now();
    if query.trim().is_empty() && filters.is_empty() {
        return Ok(Found::nothing());
    }
    let request = SearchRequest {
        query: query.to_string(),
        limit: window.limit,
        offset: window.offset,
        filters: filters.clone(),
        now: Some(window.ranked_at),
        snippets,
        mode: window.mode,
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
    let hits = results.hits.len();
    let stories: Vec<(Story, Option<String>)> = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let story = stories.remove(&hit.id)?;
            (story.is_live(now) && passes(&story, &filters)).then_some((story, hit.snippet_html))
        })
        .collect();
    Ok(Found {
        dropped: hits - stories.len(),
        stories,
        mode: results.mode,
        did_you_mean: results.did_you_mean,
        total: results.total,
    })
}

/// `1234` as "1,234".
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 result", "1,234 results", "About 1,234 results" when `estimate`.
pub(crate) fn count_in_words(words: &Words, total: usize, estimate: bool) -> String {
    words.with(
        "result-count",
        &[
            ("count", Arg::Text(&grouped(total))),
            ("n", Arg::Count(total)),
            ("estimate", Arg::Text(if estimate { "yes" } else { "no" })),
        ],
    )
}

/// What the page says when it lists no story: `page` of a search whose results fill
/// `last_page` pages (at most `MAX_DEPTH`'s worth).
fn empty_message(
    words: &Words,
    nothing_asked: bool,
    filtered: bool,
    page: usize,
    last_page: usize,
    more_after: bool,
) -> String {
    if nothing_asked {
        words.get("search-nothing-asked")
    } else if page > last_page && last_page == MAX_DEPTH.div_ceil(PAGE_RESULTS) {
        words.text("search-too-deep", "max", &grouped(MAX_DEPTH))
    } else if page > last_page && last_page > 0 {
        words.get("search-past-end")
    } else if more_after {
        words.get("search-page-hidden")
    } else if filtered {
        words.get("search-nothing-filtered")
    } else {
        words.get("search-nothing")
    }
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
    /// "About 1,234 results · page 2 of 50".
    count: Option<String>,
    cards: Vec<SearchCard>,
    empty_message: String,
    prev_url: Option<String>,
    next_url: Option<String>,
}

/// `application/x-www-form-urlencoded` for one value.
pub(crate) fn form_encode(value: &str) -> String {
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

/// `/search?q=…` with the filters the reader had set, at `page` (the first when 1).
fn search_page_url(q: &str, params: &SearchQuery, page: usize) -> String {
    let mut url = search_url(q, params);
    if page > 1 {
        url.push_str(&format!("&page={page}"));
    }
    url
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
    let page = params.page();
    let last_page_possible = MAX_DEPTH.div_ceil(PAGE_RESULTS);
    let window = Window {
        offset: (page.min(last_page_possible + 1) - 1) * PAGE_RESULTS,
        limit: PAGE_RESULTS,
        mode: None,
        ranked_at: now,
    };
    let found = match find(&state, q, filters.clone(), window, true).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!("search {q:?}: {e}");
            notice = Some(state.words.get("search-unavailable"));
            Found::nothing()
        }
    };
    if notice.is_none() && !found.stories.is_empty() {
        notice = match found.mode {
            MatchMode::Typos => Some(state.words.get("search-typos")),
            MatchMode::AnyWord => Some(state.words.get("search-any-word")),
            MatchMode::Exact | MatchMode::Browse => None,
        };
    }
    // Pages that have results: up to the depth bound.
    let last_page = found.total.min(MAX_DEPTH).div_ceil(PAGE_RESULTS);
    let cards: Vec<SearchCard> = found
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
    let count = (found.total > 0).then(|| {
        let count = count_in_words(&state.words, found.total, found.dropped > 0);
        if page > 1 && page <= last_page {
            let of = state.words.with(
                "search-page-of",
                &[("page", Arg::Count(page)), ("last", Arg::Count(last_page))],
            );
            format!("{count} · {of}")
        } else {
            count
        }
    });
    let prev_url =
        (page > 1 && last_page > 0).then(|| search_page_url(q, &params, (page - 1).min(last_page)));
    let next_url = (page < last_page).then(|| search_page_url(q, &params, page + 1));
    let empty_message = empty_message(
        &state.words,
        q.is_empty() && !filtered,
        filtered,
        page,
        last_page,
        next_url.is_some(),
    );
    let title = match (q.is_empty(), page > 1) {
        (true, _) => format!(
            "{} | {}",
            state.words.get("search-title"),
            state.config.name
        ),
        (false, false) => format!(
            "{q} – {} | {}",
            state.words.get("search-title"),
            state.config.name
        ),
        (false, true) => format!(
            "{q} – {}, {} | {}",
            state.words.get("search-title"),
            state
                .words
                .with("search-page", &[("page", Arg::Count(page))]),
            state.config.name
        ),
    };
    let page = SearchPage {
        masthead: side.masthead(&state, now),
        title,
        heading: if q.is_empty() {
            state.words.get("search-title")
        } else {
            state.words.text("search-results-for", "query", q)
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
        count,
        cards,
        empty_message,
        prev_url,
        next_url,
    };
    render(&page)
}

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/search", axum::routing::get(search_page))
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
    fn past_the_last_page_or_the_depth_bound_the_page_says_so() {
        // 1,000 results or more fill 50 pages; page 51 on is past the bound.
        let w = &Words::default();
        let deep = empty_message(w, false, false, 51, 50, false);
        assert!(deep.contains("first 1,000 results"), "{deep}");
        assert_eq!(empty_message(w, false, true, 10_000, 50, false), deep);
        let past = empty_message(w, false, false, 4, 3, false);
        assert!(past.contains("no more results"), "{past}");
        assert!(empty_message(w, false, false, 1, 0, false).starts_with("Nothing matched"));
        assert!(empty_message(w, false, true, 1, 0, false).contains("fewer filters"));
        assert!(empty_message(w, false, false, 2, 3, true).contains("next page"));
        assert!(empty_message(w, true, false, 1, 0, false).starts_with("Type a word"));
        let hi = Words::new("hi").unwrap();
        let deep = empty_message(&hi, false, false, 51, 50, false);
        assert!(deep.contains("1,000") && deep.contains("परिणाम"), "{deep}");
    }

    #[test]
    fn counts_read_as_a_reader_expects() {
        let w = &Words::default();
        assert_eq!(count_in_words(w, 1, false), "1 result");
        assert_eq!(count_in_words(w, 7, false), "7 results");
        assert_eq!(count_in_words(w, 1_000, false), "1,000 results");
        assert_eq!(
            count_in_words(w, 1_234_567, true),
            "About 1,234,567 results"
        );
        assert_eq!(count_in_words(w, 999, true), "About 999 results");
        let hi = &Words::new("hi").unwrap();
        assert_eq!(count_in_words(hi, 999, true), "लगभग 999 परिणाम");
    }

    #[test]
    fn a_page_is_a_whole_number_from_one_and_anything_else_the_first() {
        let page = |raw: &str| {
            SearchQuery {
                page: Some(raw.into()),
                ..SearchQuery::default()
            }
            .page()
        };
        assert_eq!(page("3"), 3);
        assert_eq!(page(" 2 "), 2);
        for bad in ["0", "-1", "two", "", "1e3", "99999999999999999999999"] {
            assert_eq!(page(bad), 1, "{bad:?}");
        }
        assert_eq!(SearchQuery::default().page(), 1);
        let params = SearchQuery {
            agency: Some("pti".into()),
            ..SearchQuery::default()
        };
        assert_eq!(
            search_page_url("a b", &params, 1),
            "/search?q=a+b&agency=pti"
        );
        assert_eq!(
            search_page_url("a b", &params, 4),
            "/search?q=a+b&agency=pti&page=4"
        );
    }

    #[test]
    fn a_day_beyond_the_last_timestamp_is_the_end_of_time() {
        let tz = TimeZone::get("Asia/Kolkata").unwrap();
        assert_eq!(
            parse_time("to", Some("9999-12-31"), &tz, true).unwrap(),
            Some(Timestamp::MAX)
        );
        assert!(
            parse_time("from", Some("9999-12-31"), &tz, false)
                .unwrap()
                .is_some()
        );
        assert!(parse_time("from", Some("0001-01-01"), &tz, false).is_ok());
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
