//! The reader's pages: home, article, topic, agency, search. Server-rendered HTML that needs
//! no JavaScript.
//!
//! Every list on every page is built from `Store::live`, or filtered through `Story::is_live`
//! when it comes from elsewhere (the search index, view counts): a story that is killed,
//! withheld, held or under embargo is never rendered.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use wiredesk_model::{PubStatus, Story, StoryId, slugify};
use wiredesk_store::{Listing, StoreError};

use wiredesk_intel::related::{RelatedConfig, rank as rank_related, similar_enough};

use crate::api::cursor::decode_page_cursor;
use crate::i18n::Arg;
use crate::jsonld;
use crate::{AppState, SiteConfig};

mod clusters;
pub(crate) use clusters::CoverageCounts;
pub use clusters::{Coverage, coverage, coverage_url};

mod article;
mod side;
pub(crate) use side::SideListCache;

/// How many stories the side lists show.
const SIDE_LIST: usize = 5;

pub struct Masthead {
    /// The site's own words, for the templates.
    pub words: crate::i18n::Words,
    pub date: String,
    pub weather: Option<String>,
    pub city: String,
    pub site: String,
    /// The syndication disclaimer (`AppState::disclaimer`), in every page's footer.
    pub disclaimer: String,
    pub nav: Vec<NavLink>,
}

pub struct NavLink {
    pub name: String,
    pub url: String,
}

/// A story as a list entry: headline, clean summary, where it came from, when.
pub struct Card {
    pub url: String,
    pub headline: String,
    pub summary: String,
    pub agency: String,
    pub agency_url: String,
    pub when: String,
    /// The event's full coverage, when it has other live reports.
    pub coverage: Option<Coverage>,
    /// On the coverage page: the other agencies that ran this same copy.
    pub also: Vec<NavLink>,
}

pub struct TopicBlock {
    pub name: String,
    pub url: String,
    pub cards: Vec<Card>,
}

pub fn story_url(story: &Story) -> String {
    story_path(&story.id, &story.headline, story.language.as_deref())
}

pub use wiredesk_model::story_path;

impl AppState {
    pub(crate) fn format_time(&self, t: Timestamp) -> String {
        self.words
            .date_time(&t.to_zoned_datetime(self.time_zone.clone()))
    }

    /// Every story a page shows passes through here, so its cached copy carries the story's
    /// key and an event about the story drops it.
    pub(crate) fn card(&self, story: &Story) -> Card {
        crate::cache::shows(&story.id);
        Card {
            url: story_url(story),
            headline: story.headline.clone(),
            summary: story.summary.clone(),
            agency: story.agency.name.clone(),
            agency_url: format!("/agency/{}", story.agency.slug),
            when: self.format_time(story.published.unwrap_or(story.version_created)),
            coverage: None,
            also: Vec::new(),
        }
    }

    /// Stories about the same subject: more-like-this candidates from the index, ranked by the
    /// blend `wiredesk_intel::related` measures (text, shared topics, dateline place,
    /// closeness in time), one per event and none of the story's own; if that finds too few,
    /// the latest in the story's own topics.
    pub(crate) async fn related(
        &self,
        story: &Story,
        now: Timestamp,
    ) -> Result<Vec<Story>, StoreError> {
        // The index is a projection that may be rebuilding: without it the story's own
        // topics still give neighbours.
        let hits = self
            .index
            .related(story, SIDE_LIST * 6)
            .inspect_err(|e| tracing::warn!("related stories: the index failed: {e}"))
            .unwrap_or_default();
        let similarity = similar_enough(hits.into_iter().map(|h| (h.id, h.score)));
        let ids: Vec<StoryId> = similarity.keys().cloned().collect();
        let candidates: Vec<Story> = self
            .store
            .stories(&ids)
            .await?
            .into_iter()
            .filter(|s| s.is_live(now))
            .collect();
        let cluster_of = |id: &StoryId| self.projections.event_of(id);
        let mut related = rank_related(
            story,
            &similarity,
            candidates,
            cluster_of,
            &RelatedConfig::default(),
            SIDE_LIST,
        );
        let mut clusters_shown: HashSet<StoryId> = related
            .iter()
            .map(|s| cluster_of(&s.id))
            .chain([cluster_of(&story.id)])
            .collect();
        if related.len() < SIDE_LIST {
            for topic in &story.topics {
                let more = self
                    .store
                    .live(
                        &Listing {
                            topic: Some(topic.slug.clone()),
                            limit: SIDE_LIST * 2,
                            ..Listing::default()
                        },
                        now,
                    )
                    .await?;
                for s in more {
                    if related.len() >= SIDE_LIST {
                        break;
                    }
                    if s.id != story.id && clusters_shown.insert(cluster_of(&s.id)) {
                        related.push(s);
                    }
                }
            }
        }
        Ok(related)
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    masthead: Masthead,
    title: String,
    lead: Option<Card>,
    latest: Vec<Card>,
    hot: Vec<Card>,
    topic_blocks: Vec<TopicBlock>,
    /// The second page of Latest, when there is one.
    older_url: Option<String>,
}

impl HomePage {
    fn description(&self) -> String {
        let what = self
            .masthead
            .words
            .site("home-description", &self.masthead.site);
        list_description(&what, self.lead.iter().chain(&self.latest))
    }
}

/// What search engines show under a list page's link: what the page is, then the headlines
/// it opens with, as many whole ones as fit in the 160 characters they show.
pub(crate) fn list_description<'a>(
    what: &str,
    cards: impl IntoIterator<Item = &'a Card>,
) -> String {
    const SHOWN: usize = 160;
    let mut description = what.to_string();
    let mut separator = " — ";
    for card in cards {
        let length = description.chars().count() + separator.chars().count();
        if length + card.headline.chars().count() > SHOWN {
            break;
        }
        description.push_str(separator);
        description.push_str(&card.headline);
        separator = "; ";
    }
    description
}

pub(crate) fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!("template failed: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "page could not be rendered",
            )
                .into_response()
        }
    }
}

/// Pins beyond this many are not shown: the home page must still show the news.
const PINNED_ON_HOME: usize = 3;

pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    crate::cache::serve(&state.cache, "/".into(), &headers, || async {
        render_home(&state)
            .await
            .unwrap_or_else(|e| unavailable("home page", &e))
    })
    .await
}

/// A page the store could not answer for: a 503, which the page cache does not keep, and
/// never an empty page that looks like a quiet news day.
pub(crate) fn unavailable(page: &str, e: &StoreError) -> Response {
    tracing::error!("{page}: the store failed: {e}");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        "temporarily unavailable",
    )
        .into_response()
}

async fn render_home(state: &AppState) -> Result<Response, StoreError> {
    let now = Timestamp::now();
    let pinned = pinned_on_home(state, now).await?;
    // The first page is there even on an empty site (`None` is only past the end).
    let page = latest_page(state, 1, &pinned, now)
        .await?
        .unwrap_or(LatestPage {
            stories: pinned,
            older: false,
        });
    let shown: HashSet<StoryId> = page.stories.iter().map(|s| s.id.clone()).collect();
    let side = state.side_lists(now).await?;
    // Hot complements Latest: nothing from a cluster the page already lists.
    let hot = side.hot(state, &shown);
    let mut shown_with_hot = shown.clone();
    shown_with_hot.extend(hot.iter().map(|s| s.id.clone()));
    let topic_blocks = side.topic_blocks(state, &shown_with_hot, 3);
    let mut cards = state.cards(&page.stories, now).await?.into_iter();
    let home = HomePage {
        masthead: side.masthead(state, now),
        title: state.config.name.clone(),
        lead: cards.next(),
        latest: cards.collect(),
        hot: state.cards(&hot, now).await?,
        topic_blocks,
        older_url: page.older.then(|| latest_url(2)),
    };
    Ok(render(&home))
}

/// Live stories of the listing per page of Latest: the home page is page 1, `/latest?page=N`
/// the older ones. A page lists each cluster once, so it shows this many entries or fewer.
const LATEST_PAGE: usize = 30;
/// Pages of Latest past this one are not looked for (404): bounds the offsets asked of the
/// store and the copies the page cache may be asked to keep.
const LATEST_PAGES: usize = 500;

/// The pinned stories the home page leads with, most recently pinned first.
async fn pinned_on_home(state: &AppState, now: Timestamp) -> Result<Vec<Story>, StoreError> {
    let mut pinned = state.store.pinned(now).await?;
    pinned.truncate(PINNED_ON_HOME);
    Ok(pinned)
}

pub(crate) fn latest_url(page: usize) -> String {
    if page <= 1 {
        "/".into()
    } else {
        format!("/latest?page={page}")
    }
}

/// One page of Latest.
struct LatestPage {
    /// One story per cluster, newest first (on page 1 the pinned stories lead).
    stories: Vec<Story>,
    /// An older page follows.
    older: bool,
}

/// Page `page` of Latest (1 = the home page's list): the live listing's stories from
/// `(page - 1) * LATEST_PAGE`, one entry per cluster, each cluster on the page of its newest
/// live report and a pinned story's only at the top of home, so reading on never shows an
/// event twice. `None` past the end.
async fn latest_page(
    state: &AppState,
    page: usize,
    pinned: &[Story],
    now: Timestamp,
) -> Result<Option<LatestPage>, StoreError> {
    let mut window = state
        .store
        .live(
            &Listing {
                limit: LATEST_PAGE + 1,
                offset: (page - 1) * LATEST_PAGE,
                ..Listing::default()
            },
            now,
        )
        .await?;
    if window.is_empty() && page > 1 {
        return Ok(None);
    }
    let older = window.len() > LATEST_PAGE;
    window.truncate(LATEST_PAGE);
    let cluster_of = |id: &StoryId| state.projections.event_of(id);
    // Clusters a newer page already showed: the pins' on home, and those with a live report
    // listed before this page's first story.
    let mut earlier: HashSet<StoryId> = pinned.iter().map(|s| cluster_of(&s.id)).collect();
    if let Some(first) = window.first().filter(|_| page > 1) {
        let start = (first.went_live(), first.id.clone());
        let in_window: HashSet<&StoryId> = window.iter().map(|s| &s.id).collect();
        let others: Vec<StoryId> = window
            .iter()
            .flat_map(|s| state.projections.event_members(&cluster_of(&s.id)))
            .filter(|id| !in_window.contains(id))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for other in state.store.stories(&others).await? {
            if other.is_live(now) && (other.went_live(), other.id.clone()) > start {
                earlier.insert(cluster_of(&other.id));
            }
        }
    }
    let listed = window
        .into_iter()
        .filter(|s| !earlier.contains(&cluster_of(&s.id)));
    let stories = if page == 1 {
        state.one_per_event(pinned.iter().cloned().chain(listed))
    } else {
        state.one_per_event(listed)
    };
    Ok(Some(LatestPage { stories, older }))
}

#[derive(Template)]
#[template(path = "latest.html")]
struct OlderPage {
    masthead: Masthead,
    title: String,
    heading: String,
    cards: Vec<Card>,
    newer_url: String,
    older_url: Option<String>,
}

impl OlderPage {
    fn description(&self) -> String {
        list_description(
            &format!("{} | {}", self.heading, self.masthead.site),
            &self.cards,
        )
    }
}

#[derive(Deserialize)]
pub struct LatestQuery {
    page: Option<String>,
}

/// `/latest?page=N`: Latest continued, N from 2. Without a page, or page 1, it is the home
/// page; a page that is not a number, or past the end, is not found.
pub async fn latest(
    State(state): State<AppState>,
    Query(q): Query<LatestQuery>,
    headers: HeaderMap,
) -> Response {
    let page = match q.page.as_deref().map(str::parse::<usize>) {
        None | Some(Ok(0 | 1)) => return Redirect::permanent("/").into_response(),
        Some(Ok(n)) if n <= LATEST_PAGES => n,
        Some(_) => return not_found(&state, Timestamp::now()).await,
    };
    crate::cache::serve(&state.cache, latest_url(page), &headers, || async {
        older_page(&state, page)
            .await
            .unwrap_or_else(|e| unavailable("older stories page", &e))
    })
    .await
}

async fn older_page(state: &AppState, page: usize) -> Result<Response, StoreError> {
    let now = Timestamp::now();
    let pinned = pinned_on_home(state, now).await?;
    let Some(latest) = latest_page(state, page, &pinned, now).await? else {
        return not_found_page(state, now).await;
    };
    let heading = state
        .words
        .with("older-page", &[("page", Arg::Count(page))]);
    let older = OlderPage {
        masthead: state.masthead(now).await?,
        title: format!("{heading} | {}", state.config.name),
        heading,
        cards: state.cards(&latest.stories, now).await?,
        newer_url: latest_url(page - 1),
        older_url: latest.older.then(|| latest_url(page + 1)),
    };
    Ok(render(&older))
}

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    masthead: Masthead,
    title: String,
}

/// `/about`: what the site is and whose copy it publishes.
pub async fn about(State(state): State<AppState>, headers: HeaderMap) -> Response {
    crate::cache::serve(&state.cache, "/about".into(), &headers, || async {
        let now = Timestamp::now();
        match state.masthead(now).await {
            Ok(masthead) => render(&AboutPage {
                title: format!(
                    "{} | {}",
                    state.words.get("footer-about"),
                    state.config.name
                ),
                masthead,
            }),
            Err(e) => unavailable("about page", &e),
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    masthead: Masthead,
    title: String,
    canonical: String,
    headline: String,
    dateline: Option<String>,
    byline: Option<String>,
    agency: String,
    agency_url: String,
    wire_date: Option<String>,
    published: String,
    published_iso: String,
    updated: Option<String>,
    updated_iso: String,
    /// The agency sent this version as a correction.
    corrected: bool,
    figure: Option<article::Figure>,
    body_html: String,
    disclaimer: String,
    source_url: Option<String>,
    topics: Vec<NavLink>,
    summary: String,
    jsonld: String,
    hot: Vec<Card>,
    topic_blocks: Vec<TopicBlock>,
    related: Vec<Card>,
    /// The other live reports of the same copy.
    coverage: Option<Coverage>,
    /// The story's language, marked on its headline and copy (the page around them is the
    /// site's).
    language: Option<article::Language>,
    /// OpenGraph `og:site_name`.
    site_name: String,
    /// OpenGraph `article:section`: the story's first topic.
    section: Option<String>,
    /// The agency's Googlebot-News policy is noindex (`SiteConfig::googlebot_news_noindex`).
    googlebot_news_noindex: bool,
}

#[derive(Template)]
#[template(path = "gone.html")]
struct GonePage {
    masthead: Masthead,
    title: String,
    message: String,
}

/// The reader's address: the configured proxy header's first address, else the connection's.
fn client_ip(config: &SiteConfig, headers: &HeaderMap, peer: Option<IpAddr>) -> Option<IpAddr> {
    if config.client_ip_header.is_empty() {
        return peer;
    }
    headers
        .get(config.client_ip_header.as_str())
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.trim().parse().ok())
        .or(peer)
}

pub async fn article_without_slug(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Response {
    article_page(&state, id, None)
        .await
        .unwrap_or_else(|e| unavailable("article page", &e))
}

pub async fn article(
    State(state): State<AppState>,
    Path((id, slug)): Path<(String, String)>,
    request: axum::extract::Request,
) -> Response {
    let headers = request.headers();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let key = format!("/story/{id}/{slug}");
    let response = crate::cache::serve(&state.cache, key, headers, || async {
        article_page(&state, id.clone(), Some(slug.clone()))
            .await
            .unwrap_or_else(|e| unavailable("article page", &e))
    })
    .await;
    // Counted on cache hits too: the cache saves rendering, not readers.
    if response.status() == StatusCode::OK {
        let user_agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok());
        if crate::views::is_human(user_agent) {
            let client = client_ip(&state.config, headers, peer);
            state.views.record(StoryId(id), Timestamp::now(), client);
        }
    }
    response
}

async fn article_page(
    state: &AppState,
    id: String,
    slug: Option<String>,
) -> Result<Response, StoreError> {
    let now = Timestamp::now();
    let Some(story) = state.store.story(&StoryId(id)).await? else {
        return not_found_page(state, now).await;
    };
    if matches!(story.pubstatus, PubStatus::Canceled | PubStatus::Withheld) {
        let page = GonePage {
            masthead: state.masthead(now).await?,
            title: state.words.get("story-removed"),
            message: state.words.get("story-removed-message"),
        };
        let mut response = render(&page);
        *response.status_mut() = StatusCode::GONE;
        return Ok(response);
    }
    if !story.is_live(now) {
        return not_found_page(state, now).await;
    }
    let canonical_path = story_url(&story);
    if slug.as_deref() != canonical_path.rsplit('/').next() {
        return Ok(Redirect::permanent(&canonical_path).into_response());
    }
    article_for(state, &story, now).await
}

/// Whether the copy's first paragraph opens with `dateline`, after a bracketed credit such as
/// "(AFP Photo)" if there is one: the page then prints it once, where the agency put it.
fn copy_opens_with(body_html: &str, dateline: &str) -> bool {
    let first = body_html.split("</p>").next().unwrap_or_default();
    let text = wiredesk_model::text::html_to_text(first);
    let mut opening = text.trim_start();
    if opening.starts_with('(')
        && let Some(close) = opening.find(')')
    {
        let after = opening[close + 1..].trim_start();
        if after.starts_with(dateline.trim()) {
            opening = after;
        }
    }
    !dateline.trim().is_empty() && opening.starts_with(dateline.trim())
}

/// The reader's page for `story` whatever its status, as it would read once live: the desk's
/// preview. Never cached, counted or indexed.
pub async fn preview(state: &AppState, story: &Story) -> Response {
    let mut response = article_for(state, story, Timestamp::now())
        .await
        .unwrap_or_else(|e| unavailable("preview", &e));
    let headers = response.headers_mut();
    headers.remove(header::LAST_MODIFIED);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

/// The article page of `story`, whose status the caller has checked.
async fn article_for(
    state: &AppState,
    story: &Story,
    now: Timestamp,
) -> Result<Response, StoreError> {
    let canonical_path = story_url(story);
    let side = state.side_lists(now).await?;
    let mut shown = HashSet::from([story.id.clone()]);
    let hot = side.hot(state, &shown);
    shown.extend(hot.iter().map(|s| s.id.clone()));
    let related = state.related(story, now).await?;
    let mut shown_in_topics = shown.clone();
    shown_in_topics.extend(related.iter().map(|s| s.id.clone()));
    let topic_blocks = side.topic_blocks(state, &shown_in_topics, 2);

    let published = story.published.unwrap_or(story.version_created);
    let copy = article::copy_shown(story);
    let page = ArticlePage {
        masthead: side.masthead(state, now),
        title: format!("{} | {}", story.headline, state.config.name),
        canonical: state.config.absolute(&canonical_path),
        headline: story.headline.clone(),
        dateline: story
            .dateline
            .as_ref()
            .map(|d| d.text.clone())
            .filter(|text| !copy_opens_with(&copy, text)),
        byline: story.byline.clone(),
        agency: story.agency.name.clone(),
        agency_url: format!("/agency/{}", story.agency.slug),
        wire_date: story
            .dateline
            .as_ref()
            .and_then(|d| d.date)
            .map(|d| state.words.day(d)),
        published: state.format_time(published),
        published_iso: published
            .to_zoned_datetime(state.time_zone.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        updated: story.updated.map(|u| state.format_time(u)),
        corrected: story
            .signals
            .iter()
            .any(|s| s == wiredesk_model::SIG_CORRECTION),
        updated_iso: story
            .modified()
            .to_zoned_datetime(state.time_zone.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        figure: article::figure(story),
        body_html: copy.into_owned(),
        disclaimer: state.disclaimer.clone(),
        source_url: story.source_url.clone().filter(|_| {
            !state
                .config
                .source_link_hidden
                .iter()
                .any(|a| slugify(a) == story.agency.slug)
        }),
        topics: story
            .topics
            .iter()
            .map(|t| NavLink {
                name: t.name.clone(),
                url: format!("/topic/{}", t.slug),
            })
            .collect(),
        summary: story.summary.clone(),
        jsonld: jsonld::news_article(story, &state.config, &state.time_zone, &canonical_path),
        hot: state.cards(&hot, now).await?,
        topic_blocks,
        related: state.cards(&related, now).await?,
        coverage: state.coverage_of(story, now).await?,
        language: article::language(story),
        site_name: state.config.name.clone(),
        section: story.topics.first().map(|t| t.name.clone()),
        googlebot_news_noindex: crate::seo::googlebot_news_noindex(&state.config, &story.agency),
    };
    let mut response = render(&page);
    if let Ok(v) = HeaderValue::from_str(
        &jiff::fmt::rfc2822::to_string(
            &story.modified().to_zoned_datetime(jiff::tz::TimeZone::UTC),
        )
        .unwrap_or_default()
        .replace("+0000", "GMT"),
    ) {
        response.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "listing.html")]
pub(crate) struct ListingPage {
    pub masthead: Masthead,
    pub title: String,
    pub heading: String,
    pub query: String,
    pub is_search: bool,
    pub cards: Vec<Card>,
    pub empty_message: String,
    pub next_url: Option<String>,
}

impl ListingPage {
    fn description(&self) -> String {
        list_description(
            &format!("{} | {}", self.heading, self.masthead.site),
            &self.cards,
        )
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    before: Option<String>,
}

/// The `before` cursor of the next page (the API's cursor, `api::cursor`): the last story's.
pub(crate) fn cursor_after(stories: &[Story], limit: usize) -> Option<String> {
    if stories.len() < limit {
        return None;
    }
    let last = stories.last()?;
    Some(crate::api::cursor::encode_cursor(
        last.went_live()?,
        &last.id,
    ))
}

/// How a list page shows several reports of one event.
#[derive(Clone, Copy, PartialEq)]
enum Reports {
    /// Each event once, headed by its best report, with its coverage link (topics).
    OnePerEvent,
    /// Every report (an agency's page lists all it sent).
    All,
}

async fn listing_page(
    state: &AppState,
    heading: String,
    listing: Listing,
    base: &str,
    reports: Reports,
) -> Result<Response, StoreError> {
    let now = Timestamp::now();
    let limit = listing.limit;
    let stories = state.store.live(&listing, now).await?;
    // The cursor follows what the store listed, so no story is skipped between pages.
    let next_url = cursor_after(&stories, limit).map(|c| format!("{base}?before={c}"));
    let cards = match reports {
        Reports::OnePerEvent => state.cards(&state.one_per_event(stories), now).await?,
        Reports::All => stories.iter().map(|s| state.card(s)).collect(),
    };
    let page = ListingPage {
        masthead: state.masthead(now).await?,
        title: format!("{heading} | {}", state.config.name),
        heading,
        query: String::new(),
        is_search: false,
        cards,
        empty_message: state.words.get("listing-empty"),
        next_url,
    };
    Ok(render(&page))
}

/// A list page's cache key: its path, and the cursor when it is not the first page (other
/// query parameters do not change the page, so they do not multiply its copies).
fn list_key(path: &str, q: &PageQuery) -> String {
    match &q.before {
        Some(before) => format!("{path}?before={before}"),
        None => path.to_string(),
    }
}

pub async fn topic(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let key = list_key(&format!("/topic/{slug}"), &q);
    crate::cache::serve(&state.cache, key, &headers, || async {
        topic_page(&state, slug, q)
            .await
            .unwrap_or_else(|e| unavailable("topic page", &e))
    })
    .await
}

async fn topic_page(state: &AppState, slug: String, q: PageQuery) -> Result<Response, StoreError> {
    let now = Timestamp::now();
    let side = state.side_lists(now).await?;
    let Some(topic) = side.topics().iter().find(|t| t.slug == slug) else {
        return not_found_page(state, now).await;
    };
    let listing = Listing {
        topic: Some(slug.clone()),
        limit: 20,
        before: q.before.as_deref().and_then(decode_page_cursor),
        ..Listing::default()
    };
    listing_page(
        state,
        topic.name.clone(),
        listing,
        &format!("/topic/{slug}"),
        Reports::OnePerEvent,
    )
    .await
}

pub async fn agency(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let key = list_key(&format!("/agency/{slug}"), &q);
    crate::cache::serve(&state.cache, key, &headers, || async {
        agency_page(&state, slug, q)
            .await
            .unwrap_or_else(|e| unavailable("agency page", &e))
    })
    .await
}

async fn agency_page(state: &AppState, slug: String, q: PageQuery) -> Result<Response, StoreError> {
    let now = Timestamp::now();
    let listing = Listing {
        agency: Some(slug.clone()),
        limit: 20,
        before: q.before.as_deref().and_then(decode_page_cursor),
        ..Listing::default()
    };
    let first = state
        .store
        .live(
            &Listing {
                agency: Some(slug.clone()),
                limit: 1,
                ..Listing::default()
            },
            now,
        )
        .await?;
    let Some(name) = first.first().map(|s| s.agency.name.clone()) else {
        return not_found_page(state, now).await;
    };
    listing_page(
        state,
        state.words.text("from-agency", "agency", &name),
        listing,
        &format!("/agency/{slug}"),
        Reports::All,
    )
    .await
}

/// The 404 page, or a 503 when the store cannot draw its masthead.
pub(crate) async fn not_found(state: &AppState, now: Timestamp) -> Response {
    not_found_page(state, now)
        .await
        .unwrap_or_else(|e| unavailable("not-found page", &e))
}

async fn not_found_page(state: &AppState, now: Timestamp) -> Result<Response, StoreError> {
    let page = GonePage {
        masthead: state.masthead(now).await?,
        title: state.words.get("not-found"),
        message: state.words.get("not-found-message"),
    };
    let mut response = render(&page);
    *response.status_mut() = StatusCode::NOT_FOUND;
    Ok(response)
}

pub async fn fallback(State(state): State<AppState>) -> Response {
    not_found(&state, Timestamp::now()).await
}

#[cfg(test)]
mod tests;
