//! desk: the wire desk at `/desk` — sign-in, the live queue of incoming copy, each story's
//! versions with their differences, the editors' actions (rewrite the headline, hold,
//! publish, kill, pin), the audit log, users, sources and rules — and `POST /api/v1/ingest`
//! for agencies that push. Copy not for publication (advisories, notes to editors, tests)
//! waits in the queue labelled "advisory", with the reason on its row and its page.
//!
//! Owns: desk routes and templates, sessions and CSRF checks (`auth`), version diffs (`diff`),
//! the push endpoint (`push`), machines' bearer tokens (`bearer`), and `GET /metrics` for
//! scrapers holding a metrics token (`metrics`).
//! Must not: change a story except through `Pipeline::desk_action` / `Pipeline::ingest_batch`
//! (so every change is an event the editorial rules allowed), or render reader pages.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use wiredesk_editorial::DeskPolicy;
use wiredesk_ingest::Pipeline;
use wiredesk_store::Store;
use wiredesk_store::accounts::Accounts;

pub mod auth;
pub mod bearer;
pub mod diff;
pub mod metrics;
mod pages;
mod push;

pub use pages::{MIN_PASSWORD_CHARS, valid_user_name};

/// What the desk shows about where copy comes from and how it is treated.
#[derive(Clone, Debug)]
pub struct DeskSettings {
    /// Cookies get `Secure` (the site is served over https).
    pub secure_cookies: bool,
    /// The drop folder watched for wire files.
    pub inbox: Option<std::path::PathBuf>,
    /// Agencies whose copy carries `Googlebot-News: noindex`.
    pub googlebot_news_noindex: Vec<String>,
    /// Agencies whose "Go to Source" link is not shown.
    pub source_link_hidden: Vec<String>,
    /// The site's topics, in the config's order: what an editor may put a story in.
    pub topics: Vec<wiredesk_model::Topic>,
    /// The site's time zone: the desk shows every time in it, named (`IST`).
    pub time_zone: jiff::tz::TimeZone,
}

impl DeskSettings {
    /// A time as the desk shows it: in the site's zone, with the zone's name, so an editor
    /// in the newsroom reads the clock on the wall.
    pub(crate) fn when(&self, t: jiff::Timestamp) -> String {
        t.to_zoned_datetime(self.time_zone.clone())
            .strftime("%Y-%m-%d %H:%M:%S %Z")
            .to_string()
    }
}

#[derive(Clone)]
pub struct DeskState {
    pub pipeline: Arc<Pipeline>,
    pub accounts: Accounts,
    pub settings: Arc<DeskSettings>,
    /// Where pushed copy goes when the site runs a delivery queue: to the writer, through
    /// NATS JetStream, rather than into this process's pipeline.
    pub queue: Option<wiredesk_source::queue::DeliveryQueue>,
    /// The reader's page for a story not yet live, when the site serves readers.
    pub preview: Option<Arc<dyn ReaderPreview>>,
}

/// The reader's page for a story whatever its status: the desk's preview. The site hands the
/// desk one that `publish` renders, so the desk holds no reader templates of its own.
#[async_trait::async_trait]
pub trait ReaderPreview: Send + Sync {
    async fn page(&self, story: &wiredesk_model::Story) -> axum::response::Response;
}

impl DeskState {
    pub fn new(pipeline: Arc<Pipeline>, accounts: Accounts, settings: DeskSettings) -> DeskState {
        DeskState {
            pipeline,
            accounts,
            settings: Arc::new(settings),
            queue: None,
            preview: None,
        }
    }

    /// Stories get a "reader's page" preview on the desk, rendered by `preview`.
    pub fn with_preview(mut self, preview: Arc<dyn ReaderPreview>) -> Self {
        self.preview = Some(preview);
        self
    }

    fn store(&self) -> &Arc<dyn Store> {
        self.pipeline.store()
    }

    /// Pushed copy goes to `queue` instead of this process's pipeline.
    pub fn with_queue(mut self, queue: Option<wiredesk_source::queue::DeliveryQueue>) -> Self {
        self.queue = queue;
        self
    }

    fn policy(&self) -> &DeskPolicy {
        self.pipeline.policy()
    }
}

/// Every desk route, plus the push endpoint. Desk pages are never cached and never framed.
pub fn router(state: DeskState) -> Router {
    let desk = Router::new()
        .route("/desk", get(pages::queue))
        .route("/desk/queue/rows", get(pages::queue_rows))
        .route("/desk/login", get(pages::login_form).post(pages::login))
        .route("/desk/logout", post(pages::logout))
        .route("/desk/story/{id}", get(pages::story))
        .route("/desk/story/{id}/topics", post(pages::set_topics))
        .route("/desk/story/{id}/preview", get(pages::preview))
        .route("/desk/story/{id}/{action}", post(pages::act))
        .route("/desk/audit", get(pages::audit))
        .route("/desk/users", get(pages::users).post(pages::add_user))
        .route("/desk/users/{name}/remove", post(pages::remove_user))
        .route("/desk/sources", get(pages::sources))
        .route("/desk/rules", get(pages::rules))
        .route("/desk/static/desk.js", get(pages::script))
        .layer(axum::middleware::map_response(
            |mut response: axum::response::Response| async move {
                let headers = response.headers_mut();
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
                headers.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(
                        "default-src 'self'; style-src 'self' 'unsafe-inline'; \
                         frame-ancestors 'none'; form-action 'self'",
                    ),
                );
                headers.insert(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("same-origin"),
                );
                response
            },
        ));
    Router::new()
        .merge(desk)
        .with_state(state.clone())
        .merge(push_router(state))
}

/// The push endpoint alone, for an ingest node that serves no desk.
pub fn push_router(state: DeskState) -> Router {
    Router::new()
        .route("/api/v1/ingest", post(push::ingest))
        .with_state(state)
}
