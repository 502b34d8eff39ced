//! What search engines read: robots.txt, the sitemap index and sitemaps, the Google News sitemap.

use crate::AppState;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
}
