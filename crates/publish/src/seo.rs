//! What search engines read: robots.txt, the sitemap index and sitemaps, the Google News sitemap.
//!
//! - `/robots.txt`: everything may be crawled; names both sitemaps with absolute URLs.
//! - `/sitemap.xml`: a sitemaps.org index of the files below.
//! - `/sitemaps/stories-{YYYY-MM-DD}.xml` (`-2`, `-3`… past `sitemap_urls_per_file`, at most
//!   50,000): the stories live now that went live on that UTC day, newest first, each with its
//!   last modification. A day is a key that never moves: a new story lands in today's file and
//!   leaves every older file as it was, so a crawler re-reads only the files whose lastmod in
//!   the index changed (a kill, a withhold, a new headline or version of one of their stories).
//! - `/sitemaps/sections.xml`: the home page, topic pages and agency pages.
//! - `/sitemap-news.xml` (`?page=2`…): the Google News sitemap: live stories first published
//!   in the last two days, at most 1,000 a file, except agencies whose Googlebot-News policy
//!   is noindex.
//!
//! The index reads the days from a stored summary (`Store::live_days`: a row per day with its
//! count and when its list last changed), the News window and the sections, never the whole
//! archive; each file reads its own day or window from `Store::live_headers` (never the
//! stories' copy). Only live stories are ever listed; rendered files are kept in the page
//! cache, which any new event (a kill) drops at once, by the `sitemaps` surrogate key.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Deserialize;
use wiredesk_model::{Agency, slugify};
use wiredesk_store::{Listing, StoreError, StoryHeader};

use crate::AppState;
use crate::config::SiteConfig;
use crate::jsonld::iso;
use crate::pages::story_path;

/// The sitemaps.org limit of URLs in one sitemap file.
pub const MAX_URLS_PER_SITEMAP: usize = 50_000;
/// Google's limit of URLs in one News sitemap file.
pub const MAX_URLS_PER_NEWS_SITEMAP: usize = 1_000;
/// Google News sitemaps list articles first published within the last two days.
const NEWS_WINDOW_HOURS: i64 = 48;
/// Stories read from the store at a time while walking the live list.
const WALK_CHUNK: usize = 1_000;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
const XML_TYPE: &str = "application/xml; charset=utf-8";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap_index))
        .route("/sitemap-news.xml", get(news_sitemap))
        .route("/sitemaps/{file}", get(sitemap_file))
}

/// The agency's copy carries `Googlebot-News: noindex` and stays out of the News sitemap.
/// Config entries match by slug, so "PTI", "pti" and "Pti" all name the same agency.
pub fn googlebot_news_noindex(config: &SiteConfig, agency: &Agency) -> bool {
    agency_news_noindex(config, &agency.slug)
}

fn agency_news_noindex(config: &SiteConfig, agency_slug: &str) -> bool {
    config
        .googlebot_news_noindex
        .iter()
        .any(|a| slugify(a) == agency_slug)
}

fn per_file(config: &SiteConfig) -> usize {
    config.sitemap_urls_per_file.clamp(1, MAX_URLS_PER_SITEMAP)
}

fn per_news_file(config: &SiteConfig) -> usize {
    config
        .news_sitemap_urls_per_file
        .clamp(1, MAX_URLS_PER_NEWS_SITEMAP)
}

pub async fn robots(State(state): State<AppState>) -> Response {
    let text = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        state.config.absolute("/sitemap.xml"),
        state.config.absolute("/sitemap-news.xml"),
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// What a walk over the live stories produced, or why the store could not answer.
type Rendered = Result<Option<String>, StoreError>;

/// Serve `key` from the page cache, or render it (`Ok(None)` is a 404) and keep it.
async fn cached_xml<Fut>(
    state: &AppState,
    request: &HeaderMap,
    key: String,
    render: impl FnOnce() -> Fut,
) -> Response
where
    Fut: std::future::Future<Output = Rendered>,
{
    let name = key.clone();
    crate::cache::serve(&state.cache, key, request, || async move {
        match render().await {
            Ok(Some(xml)) => respond(StatusCode::OK, Bytes::from(xml)),
            Ok(None) => respond(
                StatusCode::NOT_FOUND,
                Bytes::from_static(b"no such sitemap\n"),
            ),
            Err(e) => {
                tracing::error!("{name}: {e}");
                (StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable").into_response()
            }
        }
    })
    .await
}

fn respond(status: StatusCode, body: Bytes) -> Response {
    let content_type = if status == StatusCode::OK {
        XML_TYPE
    } else {
        "text/plain; charset=utf-8"
    };
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The address of a story sitemap file: the UTC day its stories went live, and the page of
/// that day (from 1; only a day with more than `sitemap_urls_per_file` stories has a second).
pub fn stories_file(day: Timestamp, page: usize) -> String {
    let date = day.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    match page {
        1 => format!("/sitemaps/stories-{date}.xml"),
        n => format!("/sitemaps/stories-{date}-{n}.xml"),
    }
}

/// The day and page a story file's name (`stories-2026-12-06.xml`, `stories-2026-12-06-2.xml`)
/// names; `None` for any other name, or one spelled another way (`-1`, `-02`).
fn parse_stories_file(file: &str) -> Option<(Timestamp, usize)> {
    let rest = file.strip_prefix("stories-")?.strip_suffix(".xml")?;
    let (date, page) = match rest.split_at_checked(10)? {
        (date, "") => (date, 1),
        (date, tail) => {
            let n = tail.strip_prefix('-').filter(|n| !n.starts_with('0'))?;
            (date, n.parse::<usize>().ok().filter(|p| *p >= 2)?)
        }
    };
    let day: Date = date.parse().ok()?;
    // One address per file: the spelling `stories_file` writes.
    if day.to_string() != date {
        return None;
    }
    Some((
        day.to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .ok()?
            .timestamp(),
        page,
    ))
}

/// Call `visit` with every story live at `now`, newest first, until it answers `false`.
async fn walk_live(
    state: &AppState,
    now: Timestamp,
    mut visit: impl FnMut(&StoryHeader) -> bool,
) -> Result<(), StoreError> {
    let mut before = None;
    loop {
        let listing = Listing {
            limit: WALK_CHUNK,
            before: before.take(),
            ..Listing::default()
        };
        let chunk = state.store.live_headers(&listing, now).await?;
        for story in &chunk {
            if !visit(story) {
                return Ok(());
            }
        }
        match chunk.last() {
            Some(last) if chunk.len() == WALK_CHUNK => {
                before = Some((last.went_live, last.id.clone()));
            }
            _ => return Ok(()),
        }
    }
}

/// A story belongs in the News sitemap: first published within the window, and its agency
/// lets Google News index it.
fn in_news(story: &StoryHeader, config: &SiteConfig, cutoff: Timestamp) -> bool {
    story.first_published >= cutoff && !agency_news_noindex(config, &story.agency_slug)
}

fn news_cutoff(now: Timestamp) -> Timestamp {
    now - NEWS_WINDOW_HOURS.hours()
}

/// Text for an XML element or attribute: escaped, and without the control characters XML 1.0
/// forbids (some wire formats carry them).
pub(crate) fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// Google News wants the headline only, never "Headline | Site".
pub fn title_without_site(headline: &str, site: &str) -> String {
    let h = headline.trim();
    let site = site.trim();
    let separators: &[char] = &['|', '-', '–', '—', ':', '·'];
    if !site.is_empty() && h.len() > site.len() {
        let cut = h.len() - site.len();
        if h.get(cut..).is_some_and(|t| t.eq_ignore_ascii_case(site)) {
            let rest = h[..cut].trim_end();
            if rest.ends_with(separators) {
                let rest = rest.trim_end_matches(separators).trim_end();
                if !rest.is_empty() {
                    return rest.to_string();
                }
            }
        }
        if let Some(head) = h.get(..site.len()).filter(|t| t.eq_ignore_ascii_case(site)) {
            let rest = h[head.len()..].trim_start();
            if rest.starts_with(separators) {
                let rest = rest.trim_start_matches(separators).trim_start();
                if !rest.is_empty() {
                    return rest.to_string();
                }
            }
        }
    }
    h.to_string()
}

/// `<news:language>`: an ISO 639 code of two or three letters, or `zh-cn` / `zh-tw` for
/// Chinese (Google's rule); "en" when the story's language is unknown or unusable.
pub fn news_language(language: Option<&str>) -> String {
    let Some(lang) = language.map(|l| l.trim().to_ascii_lowercase().replace('_', "-")) else {
        return "en".into();
    };
    let mut parts = lang.split('-');
    let primary = parts.next().unwrap_or_default();
    if primary == "zh" {
        let traditional = parts.any(|p| matches!(p, "tw" | "hk" | "mo" | "hant"));
        return if traditional { "zh-tw" } else { "zh-cn" }.into();
    }
    if (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase()) {
        primary.to_string()
    } else {
        "en".into()
    }
}

fn url_element(out: &mut String, loc: &str, lastmod: Option<&str>) {
    out.push_str("<url><loc>");
    out.push_str(&xml_text(loc));
    out.push_str("</loc>");
    if let Some(lastmod) = lastmod {
        out.push_str("<lastmod>");
        out.push_str(lastmod);
        out.push_str("</lastmod>");
    }
    out.push_str("</url>\n");
}

fn urlset(body: &str, news: bool) -> String {
    let news_ns = if news {
        format!(" xmlns:news=\"{NEWS_NS}\"")
    } else {
        String::new()
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{SITEMAP_NS}\"{news_ns}>\n{body}</urlset>\n"
    )
}

pub async fn sitemap_index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    cached_xml(&state, &headers, "/sitemap.xml".into(), || {
        render_index(&state)
    })
    .await
}

async fn render_index(state: &AppState) -> Rendered {
    let now = Timestamp::now();
    let cutoff = news_cutoff(now);
    let (per, per_news) = (per_file(&state.config), per_news_file(&state.config));
    let days = state.store.live_days(now).await?;
    let sections = state.store.sections_modified(now).await?;
    // The newest modification in each News file: the window alone is walked, newest first.
    let mut news_files: Vec<Timestamp> = Vec::new();
    let mut news = 0usize;
    walk_live(state, now, |s| {
        if s.went_live < cutoff {
            return false;
        }
        if in_news(s, &state.config, cutoff) {
            if news.is_multiple_of(per_news) {
                news_files.push(s.modified);
            }
            let last = news_files.last_mut().expect("a file was just started");
            *last = (*last).max(s.modified);
            news += 1;
        }
        true
    })
    .await?;

    let tz = &state.time_zone;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"{SITEMAP_NS}\">\n"
    );
    let mut entry = |path: &str, lastmod: Option<Timestamp>| {
        out.push_str("<sitemap><loc>");
        out.push_str(&xml_text(&state.config.absolute(path)));
        out.push_str("</loc>");
        if let Some(t) = lastmod {
            out.push_str("<lastmod>");
            out.push_str(&iso(t, tz));
            out.push_str("</lastmod>");
        }
        out.push_str("</sitemap>\n");
    };
    entry("/sitemaps/sections.xml", sections.newest());
    // Newest day first, as crawlers read the top of a long index first.
    for day in days.iter().rev() {
        let pages = (day.stories as usize).div_ceil(per);
        for page in 1..=pages {
            entry(&stories_file(day.start, page), Some(day.changed));
        }
    }
    // An empty News sitemap is not a valid sitemap file, so it is listed only when it has news.
    for (i, lastmod) in news_files.iter().enumerate() {
        let path = match i {
            0 => "/sitemap-news.xml".to_string(),
            _ => format!("/sitemap-news.xml?page={}", i + 1),
        };
        entry(&path, Some(*lastmod));
    }
    out.push_str("</sitemapindex>\n");
    Ok(Some(out))
}

pub async fn sitemap_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let key = format!("/sitemaps/{file}");
    if file == "sections.xml" {
        return cached_xml(&state, &headers, key, || render_sections(&state)).await;
    }
    match parse_stories_file(&file) {
        Some((day, page)) => {
            cached_xml(&state, &headers, key, || render_stories(&state, day, page)).await
        }
        None => (StatusCode::NOT_FOUND, "no such sitemap\n").into_response(),
    }
}

/// Page `page` (from 1) of the stories live now that went live on the UTC day from `day`:
/// the `per_file` stories after the first `(page - 1) * per_file`, newest first.
async fn render_stories(state: &AppState, day: Timestamp, page: usize) -> Rendered {
    let now = Timestamp::now();
    let per = per_file(&state.config);
    let listing = Listing {
        since: Some(day),
        until: Some(day + SignedDuration::from_hours(24)),
        limit: per,
        offset: (page - 1).saturating_mul(per),
        ..Listing::default()
    };
    let stories = state.store.live_headers(&listing, now).await?;
    let mut body = String::new();
    for s in &stories {
        let loc = state
            .config
            .absolute(&story_path(&s.id, &s.headline, s.language.as_deref()));
        url_element(&mut body, &loc, Some(&iso(s.modified, &state.time_zone)));
    }
    // A file with no URL is not a valid sitemap: a day or page with no story has no file.
    Ok((!stories.is_empty()).then(|| urlset(&body, false)))
}

/// The home page, every topic page and every agency page, each modified when its newest story
/// was.
async fn render_sections(state: &AppState) -> Rendered {
    let sections = state.store.sections_modified(Timestamp::now()).await?;
    let newest = sections.newest();
    let (topics, agencies) = (sections.topics, sections.agencies);
    let tz = &state.time_zone;
    let lastmod = |t: &Timestamp| iso(*t, tz);
    let mut body = String::new();
    url_element(
        &mut body,
        &state.config.absolute("/"),
        newest.as_ref().map(lastmod).as_deref(),
    );
    for (slug, t) in topics.iter().filter(|(slug, _)| !slug.is_empty()) {
        let loc = state.config.absolute(&format!("/topic/{slug}"));
        url_element(&mut body, &loc, Some(&lastmod(t)));
    }
    for (slug, t) in agencies.iter().filter(|(slug, _)| !slug.is_empty()) {
        let loc = state.config.absolute(&format!("/agency/{slug}"));
        url_element(&mut body, &loc, Some(&lastmod(t)));
    }
    Ok(Some(urlset(&body, false)))
}

#[derive(Deserialize)]
pub struct NewsQuery {
    page: Option<String>,
}

pub async fn news_sitemap(
    State(state): State<AppState>,
    Query(q): Query<NewsQuery>,
    headers: HeaderMap,
) -> Response {
    let page = match q.page.as_deref() {
        None => Some(1),
        Some(p) => p.parse::<usize>().ok().filter(|&p| p >= 1),
    };
    let Some(page) = page else {
        return (StatusCode::NOT_FOUND, "no such sitemap\n").into_response();
    };
    let key = format!("/sitemap-news.xml?page={page}");
    cached_xml(&state, &headers, key, || render_news(&state, page)).await
}

/// News file `page` (from 1). The first file always answers, empty when there is no news, so
/// the address robots.txt names never fails; later files exist only while there is news for
/// them.
async fn render_news(state: &AppState, page: usize) -> Rendered {
    let now = Timestamp::now();
    let cutoff = news_cutoff(now);
    let per = per_news_file(&state.config);
    let skip = (page - 1).saturating_mul(per);
    let config = &state.config;
    let tz = &state.time_zone;
    let publication = format!(
        "<news:publication><news:name>{}</news:name><news:language>",
        xml_text(&config.name)
    );
    let mut seen = 0usize;
    let mut body = String::new();
    walk_live(state, now, |s| {
        // Newest first by the time each story went live, which is never before its first
        // publication: past the window, nothing further can be in it.
        if s.went_live < cutoff {
            return false;
        }
        if !in_news(s, config, cutoff) {
            return true;
        }
        seen += 1;
        if seen > skip {
            body.push_str("<url><loc>");
            body.push_str(&xml_text(&config.absolute(&story_path(
                &s.id,
                &s.headline,
                s.language.as_deref(),
            ))));
            body.push_str("</loc><lastmod>");
            body.push_str(&iso(s.modified, tz));
            body.push_str("</lastmod><news:news>");
            body.push_str(&publication);
            body.push_str(&news_language(s.language.as_deref()));
            body.push_str("</news:language></news:publication><news:publication_date>");
            body.push_str(&iso(s.first_published, tz));
            body.push_str("</news:publication_date><news:title>");
            body.push_str(&xml_text(&title_without_site(&s.headline, &config.name)));
            body.push_str("</news:title></news:news></url>\n");
        }
        seen < skip + per
    })
    .await?;
    Ok((page == 1 || seen > skip).then(|| urlset(&body, true)))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use wiredesk_index::SearchIndex;
    use wiredesk_model::{PubStatus, Story, StoryEvent, StoryId, testing};
    use wiredesk_store::{EventLog, SqliteStore};

    #[test]
    fn titles_lose_the_site_name_and_nothing_else() {
        let site = "Wiredesk News";
        for (headline, want) in [
            (
                "Rivers rise in Assam | Wiredesk News",
                "Rivers rise in Assam",
            ),
            (
                "Rivers rise in Assam - wiredesk news",
                "Rivers rise in Assam",
            ),
            (
                "Wiredesk News: Rivers rise in Assam",
                "Rivers rise in Assam",
            ),
            ("Rivers rise in Assam", "Rivers rise in Assam"),
            ("Wiredesk News", "Wiredesk News"),
            ("Readers of Wiredesk News", "Readers of Wiredesk News"),
            ("Sensex – Nifty close higher", "Sensex – Nifty close higher"),
        ] {
            assert_eq!(title_without_site(headline, site), want, "{headline}");
        }
    }

    #[test]
    fn news_languages_are_what_google_accepts() {
        for (lang, want) in [
            (None, "en"),
            (Some("en"), "en"),
            (Some("en-GB"), "en"),
            (Some("HI"), "hi"),
            (Some("zh-Hant-TW"), "zh-tw"),
            (Some("zh_CN"), "zh-cn"),
            (Some("zh"), "zh-cn"),
            (Some("fil"), "fil"),
            (Some("english"), "en"),
            (Some(""), "en"),
        ] {
            assert_eq!(news_language(lang), want, "{lang:?}");
        }
    }

    #[test]
    fn xml_text_escapes_and_drops_what_xml_forbids() {
        assert_eq!(
            xml_text("A & B <c> \"d\" 'e'\u{1}\u{1b}\tf"),
            "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;\tf"
        );
    }

    #[test]
    fn agencies_match_the_policy_by_slug() {
        let config = SiteConfig {
            googlebot_news_noindex: vec!["PTI".into(), "yonhap-news".into()],
            ..SiteConfig::default()
        };
        assert!(googlebot_news_noindex(&config, &Agency::named("pti")));
        assert!(googlebot_news_noindex(
            &config,
            &Agency::named("Yonhap News")
        ));
        assert!(!googlebot_news_noindex(&config, &Agency::named("IANS")));
    }

    async fn state(config: SiteConfig, stories: Vec<Story>) -> AppState {
        let store = Arc::new(SqliteStore::in_memory().await.unwrap());
        file(&store, stories).await;
        state_of(store, config)
    }

    /// A site over `store` with a cache of its own, as after the followers' next pass.
    fn state_of(store: Arc<SqliteStore>, config: SiteConfig) -> AppState {
        let index = Arc::new(SearchIndex::in_memory().unwrap());
        AppState::new(store, index, Default::default(), config).unwrap()
    }

    /// Ingest the stories, each published at its own time if it has one.
    async fn file(store: &SqliteStore, stories: Vec<Story>) {
        let mut events = Vec::new();
        for s in stories {
            let published = s.published;
            let id = s.id.clone();
            let at = s.first_created;
            events.push((StoryEvent::Ingested { story: Box::new(s) }, at));
            if let Some(p) = published {
                events.push((StoryEvent::Published { id }, p));
            }
        }
        store.append(events).await.unwrap();
    }

    fn story(n: usize, hours_ago: i64, agency: &str) -> Story {
        let at = Timestamp::now() - (hours_ago * 60 + n as i64).minutes();
        let mut s = testing::story(
            &format!("urn:test:{n}"),
            &format!("Story number {n} & more"),
            "Body.",
            at,
        );
        s.published = Some(at);
        s.agency = Agency::named(agency);
        s
    }

    async fn body(response: Response) -> (StatusCode, String) {
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    fn locs(xml: &str) -> Vec<String> {
        xml.split("<loc>")
            .skip(1)
            .map(|s| s[..s.find("</loc>").unwrap()].replace("&amp;", "&"))
            .collect()
    }

    #[tokio::test]
    async fn sitemaps_page_through_every_live_story_and_news_keeps_two_days() {
        let config = SiteConfig {
            sitemap_urls_per_file: 3,
            news_sitemap_urls_per_file: 2,
            googlebot_news_noindex: vec!["pti".into()],
            ..SiteConfig::default()
        };
        let mut stories: Vec<Story> = (0..7).map(|n| story(n, 1, "AP")).collect();
        stories.push(story(7, 1, "PTI"));
        stories.push(story(8, 72, "AP"));
        let mut killed = story(9, 1, "AP");
        killed.pubstatus = PubStatus::Canceled;
        stories.push(killed);
        let mut held = story(10, 1, "AP");
        held.published = None;
        stories.push(held);
        let state = state(config, stories).await;

        let (status, index) =
            body(sitemap_index(State(state.clone()), HeaderMap::new()).await).await;
        assert_eq!(status, StatusCode::OK);
        let files = locs(&index);
        let base = "http://127.0.0.1:8080";
        // The live stories' days, newest first, each cut into files of three.
        let mut days: Vec<(Timestamp, usize)> = Vec::new();
        for n in (0..8).chain([8]) {
            let hours = if n == 8 { 72 } else { 1 };
            let went_live = story(n, hours, "AP").published.unwrap();
            let day = went_live
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .start_of_day()
                .unwrap()
                .timestamp();
            match days.iter_mut().find(|(d, _)| *d == day) {
                Some((_, count)) => *count += 1,
                None => days.push((day, 1)),
            }
        }
        days.sort_by_key(|d| std::cmp::Reverse(d.0));
        let mut want = vec![format!("{base}/sitemaps/sections.xml")];
        for (day, count) in &days {
            for page in 1..=count.div_ceil(3) {
                want.push(format!("{base}{}", stories_file(*day, page)));
            }
        }
        for page in ["", "?page=2", "?page=3", "?page=4"] {
            want.push(format!("{base}/sitemap-news.xml{page}"));
        }
        assert_eq!(files, want);

        let mut listed = Vec::new();
        for file in files.iter().filter(|f| f.contains("/sitemaps/stories-")) {
            let (status, xml) = get_file(&state, file).await;
            assert_eq!(status, StatusCode::OK);
            assert!(xml.contains("<lastmod>") && xml.contains("+05:30</lastmod>"));
            let urls = locs(&xml);
            assert!(urls.len() <= 3, "{file}: {urls:?}");
            listed.extend(urls);
        }
        let unique: std::collections::HashSet<&String> = listed.iter().collect();
        assert_eq!(listed.len(), 9, "every live story: {listed:?}");
        assert_eq!(unique.len(), 9, "each once: {listed:?}");
        // Past a day's last page, another spelling of a page, the old numbered files: none.
        let (newest, count) = days[0];
        let past = stories_file(newest, count.div_ceil(3) + 1);
        let today = stories_file(newest, 1);
        let spelled = today.replace(".xml", "-1.xml");
        for name in [past.as_str(), spelled.as_str(), "/sitemaps/stories-1.xml"] {
            assert_eq!(get_file(&state, name).await.0, StatusCode::NOT_FOUND);
        }
        for killed_or_held in [9, 10] {
            let id = StoryId::for_uri(&format!("urn:test:{killed_or_held}"));
            assert!(!listed.iter().any(|l| l.contains(id.as_str())));
        }

        let mut news = Vec::new();
        for page in 1..=4 {
            let q = NewsQuery {
                page: Some(page.to_string()),
            };
            let (status, xml) =
                body(news_sitemap(State(state.clone()), Query(q), HeaderMap::new()).await).await;
            assert_eq!(status, StatusCode::OK);
            assert!(xml.contains("<news:name>Wiredesk News</news:name>"));
            assert!(xml.contains("<news:title>Story number"));
            assert!(xml.contains("&amp; more</news:title>"));
            news.extend(locs(&xml));
        }
        assert_eq!(
            news.len(),
            7,
            "the AP stories of the last two days: {news:?}"
        );
        for absent in [7, 8] {
            let id = StoryId::for_uri(&format!("urn:test:{absent}"));
            assert!(!news.iter().any(|l| l.contains(id.as_str())), "{absent}");
        }
        let q = NewsQuery {
            page: Some("5".into()),
        };
        let (status, _) =
            body(news_sitemap(State(state.clone()), Query(q), HeaderMap::new()).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (_, sections) = body(
            sitemap_file(
                State(state.clone()),
                Path("sections.xml".into()),
                HeaderMap::new(),
            )
            .await,
        )
        .await;
        assert_eq!(
            locs(&sections),
            ["/", "/agency/ap", "/agency/pti"].map(|p| format!("{base}{p}"))
        );
    }

    /// The index's `<lastmod>` of the file at `path`.
    fn lastmod_of(index: &str, path: &str) -> Option<String> {
        let entry = index.split("<sitemap>").find(|e| e.contains(path))?;
        let at = entry.find("<lastmod>")? + "<lastmod>".len();
        Some(entry[at..at + entry[at..].find("</lastmod>")?].to_string())
    }

    async fn get_file(state: &AppState, path: &str) -> (StatusCode, String) {
        let name = path.rsplit('/').next().unwrap().to_string();
        body(sitemap_file(State(state.clone()), Path(name), HeaderMap::new()).await).await
    }

    #[tokio::test]
    async fn an_old_day_file_stays_as_it_was_until_one_of_its_stories_changes() {
        let store = Arc::new(SqliteStore::in_memory().await.unwrap());
        let config = SiteConfig::default();
        // Two stories of one day three days ago, at the same moment.
        let old = Timestamp::now() - 72.hours();
        let mut olds = Vec::new();
        for n in [1, 2] {
            let mut s = story(n, 72, "AP");
            (s.first_created, s.version_created, s.published) = (old, old, Some(old));
            olds.push(s);
        }
        file(&store, olds).await;
        let old_file = stories_file(old, 1);
        let state = state_of(store.clone(), config.clone());
        let (_, index) = body(sitemap_index(State(state.clone()), HeaderMap::new()).await).await;
        let lastmod = lastmod_of(&index, &old_file).expect("the old day is listed");
        let (status, before) = get_file(&state, &old_file).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(locs(&before).len(), 2);

        // A new story lands today: the old file and its lastmod stay as they were.
        file(&store, vec![story(3, 0, "AP")]).await;
        let state = state_of(store.clone(), config.clone());
        let (_, index) = body(sitemap_index(State(state.clone()), HeaderMap::new()).await).await;
        assert_eq!(lastmod_of(&index, &old_file), Some(lastmod.clone()));
        assert_eq!(get_file(&state, &old_file).await.1, before);

        // A kill of one of its stories: the file loses it, and its lastmod is the kill's.
        let killed_at = Timestamp::now();
        store
            .append(vec![(
                StoryEvent::Killed {
                    id: StoryId::for_uri("urn:test:1"),
                    reason: "legal".into(),
                },
                killed_at,
            )])
            .await
            .unwrap();
        let state = state_of(store.clone(), config);
        let (_, index) = body(sitemap_index(State(state.clone()), HeaderMap::new()).await).await;
        assert_eq!(
            lastmod_of(&index, &old_file),
            Some(iso(killed_at, &state.time_zone))
        );
        let (_, after) = get_file(&state, &old_file).await;
        let kept = locs(&after);
        assert_eq!(kept.len(), 1);
        assert!(kept[0].contains(StoryId::for_uri("urn:test:2").as_str()));
    }

    #[tokio::test]
    async fn an_empty_site_still_answers_valid_files() {
        let state = state(SiteConfig::default(), vec![]).await;
        let (_, index) = body(sitemap_index(State(state.clone()), HeaderMap::new()).await).await;
        assert_eq!(
            locs(&index),
            ["http://127.0.0.1:8080/sitemaps/sections.xml"]
        );
        let (status, news) = body(
            news_sitemap(
                State(state.clone()),
                Query(NewsQuery { page: None }),
                HeaderMap::new(),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(news.contains("<urlset"));
        let (_, robots) = body(robots(State(state)).await).await;
        assert!(robots.contains("Sitemap: http://127.0.0.1:8080/sitemap.xml\n"));
        assert!(robots.contains("Sitemap: http://127.0.0.1:8080/sitemap-news.xml\n"));
    }
}
