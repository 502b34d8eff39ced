//! The rendered-page cache: a page is rendered at most once a second, and any new event in
//! the log (an update, a kill, a headline edit) drops every cached page at once.
//!
//! Owns: cached HTML by request path and the generation it was rendered under. It must never
//! serve a page rendered before the latest event it has seen: that is how a kill reaches every
//! cached page within the log follower's interval (`projections`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};

/// How long a rendered page may be served: bounds how late an embargo lifts, a view count or
/// the weather shows, when no event arrives to drop the cache sooner.
const FRESH_FOR: Duration = Duration::from_secs(1);
/// Pages kept at most; past that the cache starts over rather than grow without bound.
const MAX_PAGES: usize = 20_000;

#[derive(Clone)]
pub struct CachedPage {
    pub status: StatusCode,
    /// The handler's own headers (surrogate keys, last-modified, content type).
    pub headers: HeaderMap,
    pub html: Bytes,
    generation: i64,
    rendered: Instant,
}

#[derive(Clone, Default)]
pub struct PageCache {
    /// The latest event sequence number seen in the log.
    generation: Arc<AtomicI64>,
    pages: Arc<RwLock<HashMap<String, CachedPage>>>,
}

impl PageCache {
    pub fn get(&self, key: &str) -> Option<CachedPage> {
        let pages = self.pages.read().expect("page cache lock");
        let page = pages.get(key)?;
        (page.generation == self.generation.load(Ordering::Acquire)
            && page.rendered.elapsed() < FRESH_FOR)
            .then(|| page.clone())
    }

    /// Remember a page rendered under `generation` (read before rendering began, so a page
    /// that raced an event is never kept as current).
    pub fn put(
        &self,
        key: String,
        status: StatusCode,
        headers: HeaderMap,
        html: Bytes,
        generation: i64,
    ) {
        let mut pages = self.pages.write().expect("page cache lock");
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(
            key,
            CachedPage {
                status,
                headers,
                html,
                generation,
                rendered: Instant::now(),
            },
        );
    }

    pub fn generation(&self) -> i64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Note that the log has reached `seq`; older pages stop being served.
    pub fn advance(&self, seq: i64) {
        if self.generation.fetch_max(seq, Ordering::AcqRel) < seq {
            self.pages.write().expect("page cache lock").clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_event_drops_every_cached_page() {
        let cache = PageCache::default();
        cache.advance(5);
        cache.put(
            "/".into(),
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from_static(b"v5"),
            cache.generation(),
        );
        assert_eq!(cache.get("/").unwrap().html, Bytes::from_static(b"v5"));
        cache.advance(6);
        assert!(cache.get("/").is_none());
    }

    #[test]
    fn a_page_rendered_before_an_event_is_not_served_after_it() {
        let cache = PageCache::default();
        cache.advance(1);
        let seen_before_render = cache.generation();
        cache.advance(2); // a kill lands while the page renders
        cache.put(
            "/story/x".into(),
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from_static(b"old"),
            seen_before_render,
        );
        assert!(cache.get("/story/x").is_none());
    }
}
