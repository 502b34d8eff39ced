//! publish: everything readers and partners receive over HTTP — the site, the ninjs API,
//! `/healthz` (each projection's lag behind the log) — and the masthead's weather.
//!
//! Owns: routes, page composition, templates, JSON-LD, the page-view counter.
//! Must not: write stories (it only reads the store and the index; page views are the one
//! write, and they are not story state) or render a story that is not live: every list is
//! filtered through `Store::live` or `Story::is_live`.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use jiff::tz::TimeZone;
use tower_http::compression::Predicate;
use wiredesk_index::SearchIndex;
use wiredesk_store::Store;
use wiredesk_store::followers::Followers;

pub mod api;
mod cache;
pub mod config;
pub mod encoding;
pub mod feeds;
pub mod headers;
pub mod health;
pub mod http_cache;
pub mod i18n;
mod jsonld;
pub mod pages;
pub mod projections;
pub mod purge;
pub mod search;
pub mod seo;
pub mod views;
pub mod weather;

pub use config::SiteConfig;
pub use weather::Weather;

/// What every request handler may read.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub index: Arc<SearchIndex>,
    pub config: Arc<SiteConfig>,
    /// The site's own words, in `config.language`.
    pub words: i18n::Words,
    /// `config.disclaimer_text`, resolved once: the config does not change while serving.
    pub disclaimer: String,
    pub time_zone: TimeZone,
    pub weather: Weather,
    pub views: views::ViewCounter,
    pub cache: cache::PageCache,
    pub projections: projections::Projections,
    /// How far each log follower has got, this process's and the search index's.
    pub followers: Followers,
    side_lists: pages::SideListCache,
    coverage_counts: pages::CoverageCounts,
}

/// A site setting the reader site cannot run with.
#[derive(Debug, thiserror::Error)]
pub enum SiteConfigError {
    #[error("time zone {zone:?} is not a known IANA zone: {source}")]
    UnknownTimeZone { zone: String, source: jiff::Error },
    #[error(transparent)]
    UnknownLanguage(#[from] i18n::UnknownLanguage),
}

impl AppState {
    /// Must be called inside a tokio runtime: it starts the page-view flusher.
    pub fn new(
        store: Arc<dyn Store>,
        index: Arc<SearchIndex>,
        followers: Followers,
        config: SiteConfig,
    ) -> Result<AppState, SiteConfigError> {
        let time_zone = TimeZone::get(&config.time_zone).map_err(|source| {
            SiteConfigError::UnknownTimeZone {
                zone: config.time_zone.clone(),
                source,
            }
        })?;
        // Before anything starts: a site whose language has no catalogue does not start.
        let words = i18n::Words::new(&config.language)?;
        let disclaimer = config.disclaimer_text(&words);
        let views = views::ViewCounter::start(store.clone(), Duration::from_secs(1));
        let cache = cache::PageCache::default();
        let projections = projections::Projections::new();
        // At once after this process appends (a desk kill), and every 100 ms for other
        // processes' appends: a kill's time to leave every page is that plus one render, and
        // a poll that finds nothing is one indexed read.
        projections.spawn(
            store.clone(),
            cache.clone(),
            followers.clone(),
            Duration::from_millis(100),
        );
        let config = Arc::new(config);
        purge::spawn(
            store.clone(),
            config.clone(),
            followers.clone(),
            Duration::from_millis(200),
        );
        Ok(AppState {
            store,
            index,
            config,
            words,
            disclaimer,
            time_zone,
            weather: Weather::default(),
            views,
            cache,
            projections,
            followers,
            side_lists: pages::SideListCache::default(),
            coverage_counts: pages::CoverageCounts::default(),
        })
    }
}

/// An HTTP client for outgoing calls, with the one TLS crypto provider this binary uses.
pub fn http_client() -> reqwest::Client {
    // reqwest is built without a provider of its own; ring is installed once for the process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!("wiredesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("HTTP client builds with the installed TLS provider")
}

const SITE_CSS: &str = include_str!("../static/site.css");
const LOGO_SVG: &str = include_str!("../static/logo.svg");
const FAVICON_ICO: &[u8] = include_bytes!("../static/favicon.ico");

pub fn router(state: AppState) -> Router {
    let security = headers::SecurityHeaders::for_site(&state.config);
    Router::new()
        .route("/", get(pages::home))
        .route("/latest", get(pages::latest))
        .route("/about", get(pages::about))
        .route("/story/{id}", get(pages::article_without_slug))
        .route("/story/{id}/{slug}", get(pages::article))
        .route("/topic/{slug}", get(pages::topic))
        .route("/agency/{slug}", get(pages::agency))
        .route("/coverage/{id}", get(pages::coverage))
        .route("/healthz", get(health::healthz))
        .route(
            "/static/site.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    SITE_CSS,
                )
                    .into_response()
            }),
        )
        .route(
            "/static/logo.svg",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "image/svg+xml"),
                        (header::CACHE_CONTROL, "public, max-age=86400"),
                    ],
                    LOGO_SVG,
                )
                    .into_response()
            }),
        )
        .route(
            // Browsers ask for it on every site whether a page names it or not.
            "/favicon.ico",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "image/x-icon"),
                        (header::CACHE_CONTROL, "public, max-age=86400"),
                    ],
                    FAVICON_ICO,
                )
                    .into_response()
            }),
        )
        .merge(api::routes())
        .merge(feeds::routes())
        .merge(search::routes())
        .merge(seo::routes())
        .fallback(pages::fallback)
        .layer(axum::middleware::from_fn(http_cache::layer))
        .layer(axum::middleware::map_response_with_state(
            security,
            headers::layer,
        ))
        // Cached pages arrive already in their coding (`encoding::Encoded`); the rest (search,
        // the API) is compressed here, per request.
        .layer(
            tower_http::compression::CompressionLayer::new().compress_when(
                tower_http::compression::DefaultPredicate::new().and(
                    |_: axum::http::StatusCode,
                     _: axum::http::Version,
                     _: &axum::http::HeaderMap,
                     extensions: &axum::http::Extensions| {
                        extensions.get::<encoding::Encoded>().is_none()
                    },
                ),
            ),
        )
        .with_state(state)
}
