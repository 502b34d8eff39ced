//! Search: the search page `/search?q=` over the embedded index. Hits are re-checked against
//! the store, so only live stories are ever listed.

use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Timestamp;
use serde::Deserialize;
use wiredesk_model::{Story, StoryId};

use crate::AppState;
use crate::pages::{ListingPage, render};

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub(crate) async fn search_stories(state: &AppState, q: &str, limit: usize) -> Vec<Story> {
    let now = Timestamp::now();
    if q.trim().is_empty() {
        return vec![];
    }
    let hits = state.index.search(q, limit * 2).unwrap_or_default();
    let ids: Vec<StoryId> = hits.into_iter().map(|h| h.id).collect();
    state
        .store
        .stories(&ids)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.is_live(now))
        .take(limit)
        .collect()
}

pub async fn search_page(State(state): State<AppState>, Query(q): Query<SearchQuery>) -> Response {
    let now = Timestamp::now();
    let query = q.q.chars().take(200).collect::<String>();
    let stories = search_stories(&state, &query, 20).await;
    let page = ListingPage {
        masthead: state.masthead(now).await,
        title: format!("Search | {}", state.config.name),
        heading: if query.trim().is_empty() {
            "Search".into()
        } else {
            format!("Results for “{}”", query.trim())
        },
        query: query.clone(),
        is_search: true,
        cards: stories.iter().map(|s| state.card(s)).collect(),
        empty_message: if query.trim().is_empty() {
            "Type a word or a name to search the wire.".into()
        } else {
            "Nothing matched. Try fewer or different words.".into()
        },
        next_url: None,
    };
    render(&page)
}

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/search", axum::routing::get(search_page))
}
