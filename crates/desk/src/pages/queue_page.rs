//! The queue: the desk's list of stories by status, and the rows its script refreshes.
//! Must not: change a story; every change goes through a story page's actions.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use jiff::Timestamp;
use serde::Deserialize;
use wiredesk_model::{Story, slugify};
use wiredesk_store::{DeskStatus, QueueFilter};

use super::{Who, page, server_error, who};
use crate::auth::DeskUser;
use crate::{DeskSettings, DeskState};

/// Rows the queue shows at once.
const QUEUE_ROWS: usize = 200;

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    agency: Option<String>,
    topic: Option<String>,
    status: Option<String>,
    q: Option<String>,
}

impl QueueQuery {
    fn filter(&self) -> QueueFilter {
        fn set(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        QueueFilter {
            agency: set(&self.agency).map(slugify),
            topic: set(&self.topic).map(slugify),
            status: set(&self.status).and_then(DeskStatus::parse),
            text: set(&self.q).map(str::to_string),
            limit: QUEUE_ROWS,
        }
    }
}

struct Row {
    id: String,
    changed: String,
    status: &'static str,
    pinned: bool,
    agency: String,
    headline: String,
    rewritten: bool,
    agency_headline: String,
    version: u32,
    topics: String,
    /// Why it is not for publication, when it is: shown as an advisory.
    advisory: Option<String>,
}

fn row(story: &Story, now: Timestamp, desk: &DeskSettings) -> Row {
    Row {
        id: story.id.to_string(),
        changed: desk.when(story.modified()),
        status: DeskStatus::of(story, now).as_str(),
        pinned: story.pinned_at.is_some(),
        agency: story.agency.name.clone(),
        // Copy that came without one waits for it; the row still needs words to click.
        headline: if story.headline.trim().is_empty() {
            "(no headline)".into()
        } else {
            story.headline.clone()
        },
        rewritten: story.headline_rewritten(),
        agency_headline: story.agency_headline.clone(),
        version: story.version,
        topics: story
            .topics
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        advisory: story.not_for_publication.clone(),
    }
}

#[derive(Template)]
#[template(path = "queue_rows.html")]
struct QueueRows {
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    user: Option<Who>,
    agencies: Vec<(String, String)>,
    topics: Vec<(String, String)>,
    statuses: Vec<String>,
    filter_agency: String,
    filter_topic: String,
    filter_status: String,
    filter_text: String,
    rows_html: String,
}

async fn rows_html(state: &DeskState, query: &QueueQuery) -> Result<String, Response> {
    let now = Timestamp::now();
    let stories = state
        .store()
        .queue(&query.filter(), now)
        .await
        .map_err(server_error)?;
    QueueRows {
        rows: stories
            .iter()
            .map(|s| row(s, now, &state.settings))
            .collect(),
    }
    .render()
    .map_err(server_error)
}

pub async fn queue(
    State(state): State<DeskState>,
    user: DeskUser,
    Query(query): Query<QueueQuery>,
) -> Response {
    let rows_html = match rows_html(&state, &query).await {
        Ok(h) => h,
        Err(r) => return r,
    };
    let now = Timestamp::now();
    let topics = state
        .store()
        .topics(now)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.slug, t.name))
        .collect();
    let agencies = state
        .store()
        .sections_modified(now)
        .await
        .map(|s| s.agencies)
        .unwrap_or_default()
        .into_iter()
        .map(|(slug, _)| (slug.clone(), slug))
        .collect();
    let filter = query.filter();
    page(&QueuePage {
        user: who(&user),
        agencies,
        topics,
        statuses: DeskStatus::ALL
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        filter_agency: filter.agency.unwrap_or_default(),
        filter_topic: filter.topic.unwrap_or_default(),
        filter_status: filter.status.map(|s| s.as_str()).unwrap_or("").to_string(),
        filter_text: filter.text.unwrap_or_default(),
        rows_html,
    })
}

/// The queue's rows alone: what the page's script fetches to refresh itself.
pub async fn queue_rows(
    State(state): State<DeskState>,
    _user: DeskUser,
    Query(query): Query<QueueQuery>,
) -> Response {
    match rows_html(&state, &query).await {
        Ok(h) => Html(h).into_response(),
        Err(r) => r,
    }
}

pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../desk.js"),
    )
        .into_response()
}
