//! The queue: the desk's list of stories by status, and the rows its script refreshes.
//! Must not: change a story; every change goes through a story page's actions.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use wiredesk_model::{Story, slugify};
use wiredesk_store::{DeskStatus, QueueFilter};

use super::{Who, page, server_error, who};
use crate::auth::DeskUser;
use crate::{DeskSettings, DeskState};

/// Rows on one page of the queue.
const QUEUE_ROWS: usize = 50;

#[derive(Clone, Deserialize, Serialize, Default)]
pub struct QueueQuery {
    agency: Option<String>,
    topic: Option<String>,
    status: Option<String>,
    q: Option<String>,
    /// `1`: only copy held as not for publication.
    advisories: Option<String>,
    /// From 1.
    page: Option<usize>,
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
            // A status chosen in the form wins: the two are lists of their own.
            advisories: self.status_is_unset() && set(&self.advisories) == Some("1"),
            limit: QUEUE_ROWS,
            offset: (self.page() - 1) * QUEUE_ROWS,
        }
    }

    fn status_is_unset(&self) -> bool {
        self.status.as_deref().is_none_or(|s| s.trim().is_empty())
    }

    fn page(&self) -> usize {
        self.page.unwrap_or(1).clamp(1, 100_000)
    }

    /// The queue's address with this query changed by `change`, from its first page.
    fn link(&self, change: impl FnOnce(&mut QueueQuery)) -> String {
        let mut q = self.clone();
        q.page = None;
        change(&mut q);
        match serde_urlencoded::to_string(&q) {
            Ok(query) if !query.is_empty() => format!("/desk?{query}"),
            _ => "/desk".into(),
        }
    }
}

/// A status (or "all", or "advisories") with how many stories it has under the filters,
/// and the queue's address for it.
struct StatusCount {
    name: String,
    count: u64,
    link: String,
    current: bool,
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
    filter_advisories: bool,
    counts: Vec<StatusCount>,
    page: usize,
    newer: Option<String>,
    older: Option<String>,
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
        .live_agencies(now)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|slug| (slug.clone(), slug))
        .collect();
    let filter = query.filter();
    let counts = match state.store().queue_counts(&filter, now).await {
        Ok(c) => c,
        Err(e) => return server_error(e),
    };
    // How many stories the current filters list, for the pages.
    let listed = if filter.advisories {
        counts.advisories
    } else {
        filter.status.map_or(counts.total(), |status| {
            counts
                .by_status
                .iter()
                .find(|(s, _)| *s == status)
                .map_or(0, |(_, n)| *n)
        })
    };
    let mut statuses = vec![StatusCount {
        name: "all".into(),
        count: counts.total(),
        link: query.link(|q| {
            q.status = None;
            q.advisories = None;
        }),
        current: filter.status.is_none() && !filter.advisories,
    }];
    statuses.extend(counts.by_status.iter().map(|(status, n)| StatusCount {
        name: status.as_str().into(),
        count: *n,
        link: query.link(|q| {
            q.status = Some(status.as_str().into());
            q.advisories = None;
        }),
        current: filter.status == Some(*status) && !filter.advisories,
    }));
    statuses.push(StatusCount {
        name: "advisories".into(),
        count: counts.advisories,
        link: query.link(|q| {
            q.status = None;
            q.advisories = Some("1".into());
        }),
        current: filter.advisories,
    });
    let page_no = query.page();
    let at_page = |n: usize| query.link(|q| q.page = Some(n));
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
        filter_advisories: filter.advisories,
        counts: statuses,
        page: page_no,
        newer: (page_no > 1).then(|| at_page(page_no - 1)),
        older: (((page_no * QUEUE_ROWS) as u64) < listed).then(|| at_page(page_no + 1)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queues_pages_and_links_keep_its_filters() {
        let query = QueueQuery {
            agency: Some("pti".into()),
            q: Some("rains & floods".into()),
            page: Some(3),
            ..QueueQuery::default()
        };
        let filter = query.filter();
        assert_eq!((filter.limit, filter.offset), (QUEUE_ROWS, 2 * QUEUE_ROWS));
        assert!(!filter.advisories);
        // A status link starts from the first page and keeps the rest, escaped.
        assert_eq!(
            query.link(|q| q.status = Some("held".into())),
            "/desk?agency=pti&status=held&q=rains+%26+floods"
        );
        assert_eq!(QueueQuery::default().link(|_| {}), "/desk");
        let advisories = QueueQuery {
            advisories: Some("1".into()),
            page: Some(0),
            ..QueueQuery::default()
        };
        let filter = advisories.filter();
        assert!(filter.advisories);
        assert_eq!(filter.offset, 0, "page 0 is the first page");
        // A status chosen in the form, or any other value, turns the advisories list off.
        for (status, flag) in [(Some("held"), "1"), (None, "0")] {
            let q = QueueQuery {
                status: status.map(str::to_string),
                advisories: Some(flag.into()),
                ..QueueQuery::default()
            };
            assert!(!q.filter().advisories, "{status:?} {flag}");
        }
        assert_eq!(
            query.link(|q| q.page = Some(4)),
            "/desk?agency=pti&q=rains+%26+floods&page=4"
        );
    }
}
