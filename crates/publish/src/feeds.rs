//! Outgoing feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the site, each topic and each agency.

use crate::AppState;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
}
