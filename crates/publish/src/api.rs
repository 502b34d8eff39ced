//! The ninjs 2.x JSON API: `/api/v1/stories` and `/api/v1/stories/{id}`.
//!
//! The list holds only what readers may see; a single story also answers for a killed or
//! withheld item, with its `pubstatus`, so a partner that synced it learns to take it down.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use wiredesk_model::{PubStatus, Story, StoryId};
use wiredesk_store::Listing;

use crate::AppState;
use crate::pages::{cursor_after, parse_cursor, story_url};

fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// One story as a ninjs 2.x object.
pub fn ninjs(story: &Story, state: &AppState) -> Value {
    let mut links = vec![json!({
        "href": state.config.absolute(&story_url(story)),
        "rel": "alternate",
        "mediatype": "text/html",
    })];
    if let Some(source) = &story.source_url {
        links.push(json!({"href": source, "rel": "irel:source", "mediatype": "text/html"}));
    }
    let mut headlines = vec![json!({"role": "main", "value": story.headline})];
    if story.headline_rewritten() {
        headlines.push(json!({"role": "agency", "value": story.agency_headline}));
    }
    let mut subject: Vec<Value> = story
        .subjects
        .iter()
        .map(|s| {
            let mut o = json!({"name": s.name.clone().unwrap_or_else(|| s.code.clone())});
            if s.code.starts_with("http") {
                o["uri"] = json!(s.code);
            } else {
                o["code"] = json!(s.code);
            }
            o
        })
        .collect();
    subject.extend(story.topics.iter().map(
        |t| json!({"name": t.name, "uri": state.config.absolute(&format!("/topic/{}", t.slug))}),
    ));
    let mut o = json!({
        "uri": story.uri,
        "type": "text",
        "version": story.version.to_string(),
        "firstcreated": rfc3339(story.first_created),
        "versioncreated": rfc3339(story.version_created),
        "pubstatus": story.pubstatus.as_str(),
        "headlines": headlines,
        "infosource": [{"name": story.agency.name, "role": "originfo"}],
        "subject": subject,
        "links": links,
    });
    if story.pubstatus == PubStatus::Usable {
        o["bodies"] =
            json!([{"role": "main", "contenttype": "text/html", "value": story.body_html}]);
        o["descriptions"] =
            json!([{"role": "summary", "contenttype": "text/plain", "value": story.summary}]);
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
        o["embargoed"] = json!(rfc3339(e));
    }
    o
}

#[derive(Deserialize)]
pub struct ListQuery {
    limit: Option<usize>,
    cursor: Option<String>,
}

pub async fn stories(State(state): State<AppState>, Query(q): Query<ListQuery>) -> Response {
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let before = match q.cursor.as_deref() {
        None => None,
        Some(raw) => match parse_cursor(raw) {
            Some(c) => Some(c),
            None => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "cursor is not one this API gave out",
                );
            }
        },
    };
    let listing = Listing {
        limit,
        before,
        ..Listing::default()
    };
    match state.store.live(&listing, Timestamp::now()).await {
        Ok(stories) => Json(json!({
            "items": stories.iter().map(|s| ninjs(s, &state)).collect::<Vec<_>>(),
            "next": cursor_after(&stories, limit),
        }))
        .into_response(),
        Err(e) => {
            tracing::error!("api list: {e}");
            problem(StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable")
        }
    }
}

pub async fn story(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let now = Timestamp::now();
    match state.store.story(&StoryId(id)).await {
        // Killed and withheld items answer with their status; held and embargoed ones do not
        // exist yet as far as the outside world knows.
        Ok(Some(s))
            if s.is_live(now) || s.pubstatus != PubStatus::Usable && s.published.is_some() =>
        {
            Json(ninjs(&s, &state)).into_response()
        }
        Ok(_) => problem(StatusCode::NOT_FOUND, "no such story"),
        Err(e) => {
            tracing::error!("api story: {e}");
            problem(StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable")
        }
    }
}

fn problem(status: StatusCode, detail: &str) -> Response {
    (
        status,
        Json(json!({"status": status.as_u16(), "detail": detail})),
    )
        .into_response()
}

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/stories", axum::routing::get(stories))
        .route("/api/v1/stories/{id}", axum::routing::get(story))
}
