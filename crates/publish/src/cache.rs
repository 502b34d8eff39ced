//! The rendered-page cache: a page is rendered at most once a second, by one request at a time
//! (the others wait for that render), and any new event in the log (an update, a kill, a
//! headline edit) drops every cached page at once.
//!
//! Owns: cached HTML by request path, the generation it was rendered under, and the renders in
//! flight. It must never answer a request with a page rendered before the latest event it
//! had seen when the request arrived: that is how a kill reaches every cached page within the
//! log follower's interval (`projections`). So a request waiting on a render takes its page
//! only if the render began under the generation the request arrived with, or a later one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use tokio::sync::watch;

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
    /// One render in flight per key. Lock order: `flights` before `pages`, never the reverse.
    flights: Arc<Mutex<HashMap<String, Flight>>>,
    next_flight: Arc<AtomicU64>,
}

/// A render in flight, and how its waiters learn it ended.
struct Flight {
    id: u64,
    generation: i64,
    settled: watch::Receiver<Settled>,
}

#[derive(Clone)]
enum Settled {
    Rendering,
    /// The page, also in the cache under the generation its render began with.
    Kept(CachedPage),
    /// The answer is not one to keep (an error, a redirect): waiters render for themselves.
    GaveUp,
}

/// What a lookup found: a current page, or the duty to render one.
pub enum Lookup {
    Hit(CachedPage),
    Render(Rendering),
}

/// The right to render one page. Requests for the same key wait until it is kept, given up
/// or dropped (a render that failed, panicked or whose reader left), then look again.
pub struct Rendering {
    cache: PageCache,
    key: String,
    /// Read before rendering began, so a page that raced an event is never kept as current.
    generation: i64,
    /// `None` when rendered for one request alone, after a shared render gave up.
    flight: Option<(u64, watch::Sender<Settled>)>,
}

impl Rendering {
    /// Keep the rendered page and hand it to the requests waiting for it.
    pub fn keep(mut self, status: StatusCode, headers: HeaderMap, html: Bytes) {
        let page = self
            .cache
            .put(self.key.clone(), status, headers, html, self.generation);
        self.settle(Settled::Kept(page));
    }

    /// The answer is not worth keeping: waiting requests render their own.
    pub fn give_up(mut self) {
        self.settle(Settled::GaveUp);
    }

    fn settle(&mut self, how: Settled) {
        if let Some((id, settled)) = self.flight.take() {
            self.cache.land(&self.key, id);
            settled.send_replace(how);
        }
    }
}

impl Drop for Rendering {
    fn drop(&mut self) {
        // Dropped unsettled: the sender goes with it, and each waiter looks again (one of them
        // renders next), so no request waits on a render that will never end.
        if let Some((id, _)) = &self.flight {
            self.cache.land(&self.key, *id);
        }
    }
}

impl PageCache {
    /// The current page for `key`, or the right to render it; waits while another request
    /// renders it under the current generation.
    pub async fn lookup(&self, key: &str) -> Lookup {
        // The generation when this request arrived: it may take a page rendered under it or
        // later (what rendering the page itself would give), never one from before.
        let mut arrived = None;
        loop {
            let mut settled = {
                let mut flights = self.flights.lock().expect("page cache flights lock");
                // Looked up under the flights lock: a render keeps its page before it lands,
                // so a miss here is not a page that has just been kept.
                if let Some(page) = self.get(key) {
                    return Lookup::Hit(page);
                }
                let generation = self.generation();
                let arrived = *arrived.get_or_insert(generation);
                match flights.get(key) {
                    // A render that began before this request's events cannot answer it: a new
                    // one starts beside it rather than waiting for it.
                    Some(flight) if flight.generation >= arrived => flight.settled.clone(),
                    _ => {
                        let id = self.next_flight.fetch_add(1, Ordering::Relaxed);
                        let (tx, rx) = watch::channel(Settled::Rendering);
                        flights.insert(
                            key.to_string(),
                            Flight {
                                id,
                                generation,
                                settled: rx,
                            },
                        );
                        return Lookup::Render(Rendering {
                            cache: self.clone(),
                            key: key.to_string(),
                            generation,
                            flight: Some((id, tx)),
                        });
                    }
                }
            };
            let how = settled
                .wait_for(|s| !matches!(s, Settled::Rendering))
                .await
                .map(|s| s.clone());
            match how {
                Ok(Settled::Kept(page)) if Some(page.generation) >= arrived => {
                    return Lookup::Hit(page);
                }
                Ok(Settled::GaveUp) => {
                    return Lookup::Render(Rendering {
                        cache: self.clone(),
                        key: key.to_string(),
                        generation: self.generation(),
                        flight: None,
                    });
                }
                // Dropped unsettled: look again, and one of the waiters renders next.
                _ => {}
            }
        }
    }

    /// A render ended: later requests for `key` start their own.
    fn land(&self, key: &str, id: u64) {
        let mut flights = self.flights.lock().expect("page cache flights lock");
        if flights.get(key).is_some_and(|f| f.id == id) {
            flights.remove(key);
        }
    }

    fn get(&self, key: &str) -> Option<CachedPage> {
        let pages = self.pages.read().expect("page cache lock");
        let page = pages.get(key)?;
        (page.generation == self.generation.load(Ordering::Acquire)
            && page.rendered.elapsed() < FRESH_FOR)
            .then(|| page.clone())
    }

    /// Remember a page rendered under `generation` (read before rendering began, so a page
    /// that raced an event is never kept as current).
    fn put(
        &self,
        key: String,
        status: StatusCode,
        headers: HeaderMap,
        html: Bytes,
        generation: i64,
    ) -> CachedPage {
        let page = CachedPage {
            status,
            headers,
            html,
            generation,
            rendered: Instant::now(),
        };
        let mut pages = self.pages.write().expect("page cache lock");
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(key, page.clone());
        page
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

    fn page(html: &'static str) -> (StatusCode, HeaderMap, Bytes) {
        (
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from_static(html.as_bytes()),
        )
    }

    /// Lets every spawned request run until it waits (the tests use one thread, so this
    /// orders them without timing).
    async fn settle_tasks() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    /// A request that waits, then reports what it got: the page it was served, or `None`
    /// when it was told to render.
    fn reader(cache: &PageCache, key: &'static str) -> tokio::task::JoinHandle<Option<Bytes>> {
        let cache = cache.clone();
        tokio::spawn(async move {
            match cache.lookup(key).await {
                Lookup::Hit(p) => Some(p.html),
                Lookup::Render(_) => None,
            }
        })
    }

    async fn rendering(cache: &PageCache, key: &str) -> Rendering {
        match cache.lookup(key).await {
            Lookup::Render(r) => r,
            Lookup::Hit(_) => panic!("{key} was served from the cache, not rendered"),
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn concurrent_requests_for_a_page_share_one_render() {
        let cache = PageCache::default();
        cache.advance(3);
        let renders = Arc::new(AtomicU64::new(0));
        let (go, ready) = watch::channel(false);
        let mut requests = Vec::new();
        for _ in 0..32 {
            let (cache, renders, mut ready) = (cache.clone(), renders.clone(), ready.clone());
            requests.push(tokio::spawn(async move {
                match cache.lookup("/").await {
                    Lookup::Hit(p) => p.html,
                    Lookup::Render(r) => {
                        renders.fetch_add(1, Ordering::SeqCst);
                        let _ = ready.wait_for(|&g| g).await;
                        let (status, headers, html) = page("home");
                        r.keep(status, headers, html.clone());
                        html
                    }
                }
            }));
        }
        settle_tasks().await;
        go.send_replace(true);
        for r in requests {
            assert_eq!(r.await.unwrap(), Bytes::from_static(b"home"));
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_render_that_raced_an_event_is_not_served_after_it() {
        let cache = PageCache::default();
        cache.advance(1);
        let before = rendering(&cache, "/").await;
        cache.advance(2); // a kill lands while the page renders
        // A request after the kill does not wait for the render that began before it.
        let after = rendering(&cache, "/").await;
        let (status, headers, html) = page("with the killed story");
        before.keep(status, headers, html);
        assert!(cache.get("/").is_none());
        // Nor does a later one take it: it waits for the render that began after the kill.
        let later = reader(&cache, "/");
        settle_tasks().await;
        let (status, headers, html) = page("without it");
        after.keep(status, headers, html);
        assert_eq!(
            later.await.unwrap(),
            Some(Bytes::from_static(b"without it"))
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_request_from_before_an_event_takes_the_render_it_waited_for() {
        let cache = PageCache::default();
        cache.advance(1);
        let first = rendering(&cache, "/").await;
        let waiting = reader(&cache, "/");
        settle_tasks().await;
        cache.advance(2);
        let (status, headers, html) = page("from before the event");
        first.keep(status, headers, html);
        // It arrived before the event: that render is what it would have drawn itself, so
        // a crowd is not sent round again by every event.
        assert_eq!(
            waiting.await.unwrap(),
            Some(Bytes::from_static(b"from before the event"))
        );
        // A request after the event renders anew.
        rendering(&cache, "/").await;
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_failed_or_abandoned_render_leaves_no_request_waiting() {
        let cache = PageCache::default();
        cache.advance(1);
        let abandoned = rendering(&cache, "/").await;
        let renders = Arc::new(AtomicU64::new(0));
        let waiting: Vec<_> = (0..2)
            .map(|_| {
                let (cache, renders) = (cache.clone(), renders.clone());
                tokio::spawn(async move {
                    match cache.lookup("/").await {
                        Lookup::Hit(p) => p.html,
                        Lookup::Render(r) => {
                            renders.fetch_add(1, Ordering::SeqCst);
                            let (status, headers, html) = page("rendered again");
                            r.keep(status, headers, html.clone());
                            html
                        }
                    }
                })
            })
            .collect();
        settle_tasks().await;
        drop(abandoned); // its reader left, or the render panicked
        // One of them renders next; the other waits for that render and takes its page.
        for w in waiting {
            assert_eq!(w.await.unwrap(), Bytes::from_static(b"rendered again"));
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);

        let failing = rendering(&cache, "/?q=x").await;
        let (three, four) = (reader(&cache, "/?q=x"), reader(&cache, "/?q=x"));
        settle_tasks().await;
        failing.give_up();
        // An answer not worth keeping: each waiting request renders its own, at once.
        assert_eq!(three.await.unwrap(), None);
        assert_eq!(four.await.unwrap(), None);
    }
}
