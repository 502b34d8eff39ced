//! The rendered-page cache: a page is rendered by one request at a time (the others wait for
//! that render), kept in every content coding, and dropped by the events that touch it.
//!
//! Owns: cached pages by request path and query, with the surrogate keys each was rendered
//! with (`story-ID` for every story it shows, `home`, `topic-SLUG`, `feeds`…), the log
//! positions each key was last touched at, and the renders in flight. It must never answer a
//! request with a page from before an event that took something off it (`take_down`: a
//! kill, a withdrawal, a hold): a page rendered under generation `g` is served only while
//! none of its keys was taken down after `g`. That is how a kill reaches every cached page
//! within the log follower's interval (`projections`) and one render, while a new story
//! leaves the article pages it is not on alone. A page that is only out of date (`touch`: a story added or
//! updated, or a second old) is rendered again by one request while the others are served
//! the copy they would have had a moment earlier.
//! Must not: decide what is live, or what an event touches (`purge` does, from the story).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;
use wiredesk_model::StoryId;

use crate::encoding::Bodies;
use crate::http_cache::{add_surrogate_keys, path_keys};

/// How long a rendered page may be served when no event touches it: bounds how late a view
/// count, the weather or a new topic in the menu shows. Events (a kill, an embargo lifted, a
/// new story) drop the pages they touch at once.
#[cfg(not(test))]
const FRESH_FOR: Duration = Duration::from_secs(1);
/// Long in unit tests, so a page served after an event was rendered after it because the
/// event dropped it, not because a second had passed.
#[cfg(test)]
const FRESH_FOR: Duration = Duration::from_secs(60);
/// How long an out-of-date page may still be served while it is rendered again.
const STALE_FOR: Duration = Duration::from_secs(30);
/// Bytes of page bodies (all codings) kept at most; past that, pages no longer current go
/// first, then everything.
const MAX_BYTES: usize = 128 << 20;
/// Keys whose last touch is remembered at most; past that the cache starts over.
const MAX_TOUCHED: usize = 200_000;

#[derive(Clone)]
pub struct CachedPage {
    pub status: StatusCode,
    /// The handler's own headers (content type, last-modified), with the page's surrogate
    /// keys and its ETag.
    pub headers: HeaderMap,
    pub bodies: Bodies,
    keys: Arc<[String]>,
    generation: i64,
    rendered: Instant,
}

impl CachedPage {
    /// Bytes held: every coding, the headers and the keys.
    fn size(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len())
            .sum();
        let keys: usize = self.keys.iter().map(String::len).sum();
        self.bodies.size() + headers + keys
    }

    /// The page in the coding `request` prefers, with no compression work.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let (coding, body) = self.bodies.pick(request);
        let mut headers = self.headers.clone();
        crate::encoding::label(&mut headers, coding, self.bodies.varies());
        let mut response = (self.status, headers, body.clone()).into_response();
        response.extensions_mut().insert(crate::encoding::Encoded);
        response
    }
}

/// The log positions of the last events that touched a key.
#[derive(Clone, Copy, Default)]
struct Touch {
    /// Any change: a page from before it is out of date.
    changed: i64,
    /// A change that takes something off the pages (a kill, a withdrawal, a hold): a page
    /// from before it may show what must be gone.
    removed: i64,
}

/// What a cached page is worth now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Freshness {
    Current,
    /// Out of date (a story added or updated, or older than `FRESH_FOR`) but showing
    /// nothing taken down: served to the requests that arrive while one of them renders the
    /// page again, so a crowd never waits on a live feed.
    Stale,
    /// Never served again.
    Gone,
}

#[derive(Default)]
struct Pages {
    pages: HashMap<String, CachedPage>,
    touched: HashMap<String, Touch>,
    /// Pages rendered before this position are not served (the cache started over).
    floor: i64,
    bytes: usize,
}

impl Pages {
    fn freshness(&self, page: &CachedPage) -> Freshness {
        freshness_in(&self.touched, self.floor, page)
    }

    fn start_over(&mut self, seq: i64) {
        self.floor = self.floor.max(seq);
        self.touched.clear();
        self.pages.clear();
        self.bytes = 0;
    }
}

fn freshness_in(touched: &HashMap<String, Touch>, floor: i64, page: &CachedPage) -> Freshness {
    let age = page.rendered.elapsed();
    if page.generation < floor || age >= STALE_FOR {
        return Freshness::Gone;
    }
    let mut fresh = if age < FRESH_FOR {
        Freshness::Current
    } else {
        Freshness::Stale
    };
    for key in page.keys.iter() {
        if let Some(touch) = touched.get(key) {
            if touch.removed > page.generation {
                return Freshness::Gone;
            }
            if touch.changed > page.generation {
                fresh = Freshness::Stale;
            }
        }
    }
    fresh
}

#[derive(Clone, Default)]
pub struct PageCache {
    /// The latest event sequence number the cache has been told of.
    generation: Arc<AtomicI64>,
    /// The latest one that took something off the pages (or started the cache over).
    taken_down_at: Arc<AtomicI64>,
    pages: Arc<RwLock<Pages>>,
    /// One render in flight per key. Lock order: `flights` before `pages`, never the reverse.
    flights: Arc<Mutex<HashMap<String, Flight>>>,
    next_flight: Arc<AtomicU64>,
}

/// A render in flight, and how its waiters learn it ended.
struct Flight {
    id: u64,
    /// The generation its render began under.
    generation: i64,
    settled: watch::Receiver<Settled>,
}

#[derive(Clone)]
enum Settled {
    Rendering,
    /// The page, also in the cache under the generation its render began with.
    Kept(Box<CachedPage>),
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
    /// Keep the rendered page under `keys` and hand it to the requests waiting for it.
    pub fn keep(
        mut self,
        status: StatusCode,
        headers: HeaderMap,
        bodies: Bodies,
        keys: Vec<String>,
    ) -> CachedPage {
        let page = self.cache.put(
            self.key.clone(),
            status,
            headers,
            bodies,
            keys,
            self.generation,
        );
        self.settle(Settled::Kept(Box::new(page.clone())));
        page
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
    /// The current page for `key`, or the right to render it; while another request renders
    /// it, the stale copy if there is one, else a wait for that render.
    pub async fn lookup(&self, key: &str) -> Lookup {
        // The generation when this request arrived: a page rendered under it or later is what
        // rendering the page itself would give, so it may take one even if a later event
        // touched it; never one from before an event it arrived after and that touched it.
        let mut arrived = None;
        loop {
            let mut settled = {
                let mut flights = self.flights.lock().expect("page cache flights lock");
                // Looked up under the flights lock: a render keeps its page before it lands,
                // so a miss here is not a page that has just been kept.
                let cached = self.get(key);
                if let Some((page, Freshness::Current)) = cached {
                    return Lookup::Hit(page);
                }
                let generation = self.generation();
                arrived.get_or_insert(generation);
                match (flights.get(key), cached) {
                    (Some(_), Some((page, Freshness::Stale))) => return Lookup::Hit(page),
                    // Waited for even when it began before this request's events: most events
                    // touch other pages, and the page is checked when it comes. Not when it
                    // began before a take-down: its page may show what was taken down, and
                    // waiting for it and then for another render made a kill's worst time
                    // two renders under load. A render starts now beside it.
                    (Some(flight), _) if flight.generation >= self.taken_down_at() => {
                        flight.settled.clone()
                    }
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
                Ok(Settled::Kept(page))
                    if Some(page.generation) >= arrived
                        || self.freshness(&page) != Freshness::Gone =>
                {
                    return Lookup::Hit(*page);
                }
                Ok(Settled::GaveUp) => {
                    return Lookup::Render(Rendering {
                        cache: self.clone(),
                        key: key.to_string(),
                        generation: self.generation(),
                        flight: None,
                    });
                }
                // Dropped unsettled, or rendered before an event that touched it: look
                // again, and one of the waiters renders next.
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

    fn get(&self, key: &str) -> Option<(CachedPage, Freshness)> {
        let pages = self.pages.read().expect("page cache lock");
        let page = pages.pages.get(key)?;
        match pages.freshness(page) {
            Freshness::Gone => None,
            fresh => Some((page.clone(), fresh)),
        }
    }

    fn freshness(&self, page: &CachedPage) -> Freshness {
        self.pages.read().expect("page cache lock").freshness(page)
    }

    /// Remember a page rendered under `generation` (read before rendering began, so a page
    /// that raced an event is never kept as current).
    fn put(
        &self,
        key: String,
        status: StatusCode,
        headers: HeaderMap,
        bodies: Bodies,
        keys: Vec<String>,
        generation: i64,
    ) -> CachedPage {
        let page = CachedPage {
            status,
            headers,
            bodies,
            keys: keys.into(),
            generation,
            rendered: Instant::now(),
        };
        let mut pages = self.pages.write().expect("page cache lock");
        let size = page.size();
        let Pages {
            pages: map,
            touched,
            floor,
            bytes,
        } = &mut *pages;
        if *bytes + size > MAX_BYTES {
            map.retain(|_, p| freshness_in(touched, *floor, p) == Freshness::Current);
            *bytes = map.values().map(CachedPage::size).sum();
            if *bytes + size > MAX_BYTES {
                map.clear();
                *bytes = 0;
            }
        }
        // A render that began before a take-down may end after the one started beside it
        // (`lookup`): the newer page stays.
        if map
            .get(&key)
            .is_some_and(|kept| kept.generation > generation)
        {
            return page;
        }
        *bytes += size;
        if let Some(old) = map.insert(key, page.clone()) {
            *bytes -= old.size();
        }
        page
    }

    pub fn generation(&self) -> i64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The log position of the last take-down (`take_down`, `touch_all`): what was read
    /// before it may show a story that must be gone.
    pub fn taken_down_at(&self) -> i64 {
        self.taken_down_at.load(Ordering::Acquire)
    }

    /// The events up to `seq` changed what pages with `keys` show: such pages rendered
    /// before `seq` are rendered again, and served stale only meanwhile.
    pub fn touch<'k>(&self, keys: impl IntoIterator<Item = &'k str>, seq: i64) {
        self.record(keys, seq, false);
    }

    /// The events up to `seq` took something off the pages with `keys` (a kill): such pages
    /// rendered before `seq` are never served again.
    pub fn take_down<'k>(&self, keys: impl IntoIterator<Item = &'k str>, seq: i64) {
        self.record(keys, seq, true);
    }

    fn record<'k>(&self, keys: impl IntoIterator<Item = &'k str>, seq: i64, removed: bool) {
        let mut pages = self.pages.write().expect("page cache lock");
        // Before the generation moves: a render that reads the new generation must find
        // the take-down too (`taken_down_at` decides which side-list snapshot it may use).
        if removed {
            self.taken_down_at.fetch_max(seq, Ordering::AcqRel);
        }
        for key in keys {
            let touch = pages.touched.entry(key.to_string()).or_default();
            touch.changed = touch.changed.max(seq);
            if removed {
                touch.removed = touch.removed.max(seq);
            }
        }
        if pages.touched.len() > MAX_TOUCHED {
            pages.start_over(seq);
            self.taken_down_at.fetch_max(seq, Ordering::AcqRel);
        }
        // Moved under the same lock as the keys, so a render that reads the new generation
        // also finds its keys' touches.
        self.generation.fetch_max(seq, Ordering::AcqRel);
    }

    /// The log reached `seq` and what it touched is not known (the store could not say):
    /// nothing rendered before it is served.
    pub fn touch_all(&self, seq: i64) {
        let mut pages = self.pages.write().expect("page cache lock");
        pages.start_over(seq);
        self.taken_down_at.fetch_max(seq, Ordering::AcqRel);
        self.generation.fetch_max(seq, Ordering::AcqRel);
    }
}

tokio::task_local! {
    /// The surrogate keys of the stories the page being rendered shows.
    static SHOWN: RefCell<Vec<String>>;
}

/// The surrogate key of a story: pages showing it carry it, and its events touch it.
pub fn story_key(id: &StoryId) -> String {
    format!("story-{id}")
}

/// The surrogate key of a cluster's coverage count: pages showing any of its reports carry
/// it, and a report joining, changing or leaving the cluster touches it. One key for the
/// cluster rather than its members', so a story re-sent fifty times does not put fifty keys
/// on every page that lists it.
pub fn coverage_key(cluster: &StoryId) -> String {
    format!("coverage-{cluster}")
}

/// Note that the page being rendered shows `id` (as an entry or a side-list card), so an
/// event about that story drops the page. Outside a cached render it does nothing.
pub(crate) fn shows(id: &StoryId) {
    let _ = SHOWN.try_with(|shown| shown.borrow_mut().push(story_key(id)));
}

/// Note that the page being rendered shows the coverage count of `cluster`.
pub(crate) fn shows_coverage(cluster: &StoryId) {
    let _ = SHOWN.try_with(|shown| shown.borrow_mut().push(coverage_key(cluster)));
}

/// Serve `key` (a path and query) from the cache, or render it and keep it when it is an
/// answer worth keeping (200, 404, 410): in every coding, under the keys of its path, of the
/// stories it shows and any its handler named in a `Surrogate-Key` header.
pub(crate) async fn serve<Fut>(
    cache: &PageCache,
    key: String,
    request: &HeaderMap,
    render: impl FnOnce() -> Fut,
) -> Response
where
    Fut: std::future::Future<Output = Response>,
{
    let rendering = match cache.lookup(&key).await {
        Lookup::Hit(page) => return page.respond(request),
        Lookup::Render(rendering) => rendering,
    };
    let (response, shown) = SHOWN
        .scope(RefCell::new(Vec::new()), async {
            let response = render().await;
            (response, SHOWN.with(|s| s.take()))
        })
        .await;
    if !matches!(
        response.status(),
        StatusCode::OK | StatusCode::GONE | StatusCode::NOT_FOUND
    ) {
        rendering.give_up();
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(identity) = axum::body::to_bytes(body, crate::http_cache::MAX_BUFFERED).await else {
        rendering.give_up();
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "page could not be rendered",
        )
            .into_response();
    };
    let path = key.split('?').next().unwrap_or(&key);
    let mut keys = path_keys(path);
    keys.extend(shown);
    let keys = add_surrogate_keys(&mut parts.headers, keys);
    let headers = &mut parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    // Computed once here, so a hit costs the validator layer no hashing.
    if !headers.contains_key(header::ETAG) {
        let tag = crate::http_cache::content_tag(&identity);
        if let Ok(v) = HeaderValue::from_str(&format!("\"{tag}\"")) {
            headers.insert(header::ETAG, v);
        }
    }
    rendering
        .keep(
            parts.status,
            parts.headers,
            Bodies::compress(identity),
            keys,
        )
        .respond(request)
}

#[cfg(test)]
mod tests {
    use axum::body::Bytes;

    use super::*;

    fn keep_in(cache: &PageCache, key: &str, html: &'static str, keys: &[&str], generation: i64) {
        cache.put(
            key.into(),
            StatusCode::OK,
            HeaderMap::new(),
            Bodies::identity(Bytes::from_static(html.as_bytes())),
            keys.iter().map(|k| k.to_string()).collect(),
            generation,
        );
    }

    /// The page as a request would be served it with no render in flight.
    fn html(cache: &PageCache, key: &str) -> Option<Bytes> {
        match cache.get(key) {
            Some((page, Freshness::Current)) => Some(page.bodies.identity),
            _ => None,
        }
    }

    #[test]
    fn an_event_drops_the_pages_it_touches_and_only_those() {
        let cache = PageCache::default();
        cache.touch([], 5);
        keep_in(&cache, "/", "home", &["home", "story-a", "story-b"], 5);
        keep_in(&cache, "/story/a/x", "a", &["story-a", "story-c"], 5);
        keep_in(&cache, "/story/b/y", "b", &["story-b"], 5);
        // A new story c touches home and c: home and a's page (which lists c) go; b's stays.
        cache.touch(["home", "story-c"], 6);
        assert!(html(&cache, "/").is_none());
        assert!(html(&cache, "/story/a/x").is_none());
        assert_eq!(html(&cache, "/story/b/y"), Some(Bytes::from_static(b"b")));
        // A page rendered after the event is current again.
        keep_in(&cache, "/", "home again", &["home", "story-c"], 6);
        assert_eq!(html(&cache, "/"), Some(Bytes::from_static(b"home again")));
        cache.touch_all(7);
        assert!(cache.get("/story/b/y").is_none());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn an_out_of_date_page_is_served_while_one_request_renders_it_again() {
        let cache = PageCache::default();
        keep_in(&cache, "/", "before", &["home"], 0);
        cache.touch(["home"], 1); // a new story: the home page is out of date
        let first = rendering(&cache, "/").await;
        // The crowd meanwhile gets the copy from before, at once.
        assert_eq!(
            reader(&cache, "/").await.unwrap(),
            Some(Bytes::from_static(b"before"))
        );
        keep(first, "after");
        assert_eq!(html(&cache, "/"), Some(Bytes::from_static(b"after")));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_page_showing_a_story_taken_down_is_never_served_again() {
        let cache = PageCache::default();
        keep_in(&cache, "/", "with the story", &["home", "story-k"], 0);
        cache.take_down(["story-k"], 1);
        assert!(cache.get("/").is_none());
        let first = rendering(&cache, "/").await;
        // Requests meanwhile wait for the new render rather than take the old copy.
        let waiting = reader(&cache, "/");
        settle_tasks().await;
        assert!(!waiting.is_finished());
        keep(first, "without it");
        assert_eq!(
            waiting.await.unwrap(),
            Some(Bytes::from_static(b"without it"))
        );
    }

    #[test]
    fn a_page_rendered_before_an_event_is_not_served_after_it() {
        let cache = PageCache::default();
        cache.touch([], 1);
        let seen_before_render = cache.generation();
        cache.take_down(["story-x"], 2); // a kill lands while the page renders
        keep_in(&cache, "/story/x", "old", &["story-x"], seen_before_render);
        assert!(html(&cache, "/story/x").is_none());
    }

    #[test]
    fn the_cache_holds_to_its_byte_bound() {
        let cache = PageCache::default();
        let big: &'static str = "x".repeat(MAX_BYTES / 3).leak();
        for page in ["/1", "/2", "/3", "/4", "/5"] {
            keep_in(&cache, page, big, &["pages"], 0);
            assert!(cache.pages.read().unwrap().bytes <= MAX_BYTES);
        }
        assert!(html(&cache, "/5").is_some());
    }

    fn page(html: &'static str) -> (StatusCode, HeaderMap, Bodies, Vec<String>) {
        (
            StatusCode::OK,
            HeaderMap::new(),
            Bodies::identity(Bytes::from_static(html.as_bytes())),
            vec!["home".to_string()],
        )
    }

    fn keep(r: Rendering, html: &'static str) {
        let (status, headers, bodies, keys) = page(html);
        r.keep(status, headers, bodies, keys);
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
                Lookup::Hit(p) => Some(p.bodies.identity),
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
        cache.touch([], 3);
        let renders = Arc::new(AtomicU64::new(0));
        let (go, ready) = watch::channel(false);
        let mut requests = Vec::new();
        for _ in 0..32 {
            let (cache, renders, mut ready) = (cache.clone(), renders.clone(), ready.clone());
            requests.push(tokio::spawn(async move {
                match cache.lookup("/").await {
                    Lookup::Hit(p) => p.bodies.identity,
                    Lookup::Render(r) => {
                        renders.fetch_add(1, Ordering::SeqCst);
                        let _ = ready.wait_for(|&g| g).await;
                        keep(r, "home");
                        Bytes::from_static(b"home")
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
        cache.touch([], 1);
        let before = rendering(&cache, "/").await;
        cache.take_down(["home"], 2); // a kill lands while the page renders
        // A request after the kill does not wait for that render: it is told to render anew
        // at once, beside it.
        let after = rendering(&cache, "/").await;
        keep(before, "with the killed story");
        assert!(
            html(&cache, "/").is_none(),
            "the raced page is never current"
        );
        keep(after, "without it");
        assert_eq!(html(&cache, "/"), Some(Bytes::from_static(b"without it")));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_render_from_before_a_take_down_that_ends_last_does_not_replace_the_newer_page() {
        let cache = PageCache::default();
        cache.touch([], 1);
        let before = rendering(&cache, "/").await;
        cache.take_down(["home"], 2);
        let after = rendering(&cache, "/").await;
        // A request meanwhile waits for the render that began after the take-down.
        let waiting = reader(&cache, "/");
        settle_tasks().await;
        assert!(!waiting.is_finished());
        keep(after, "without it");
        assert_eq!(
            waiting.await.unwrap(),
            Some(Bytes::from_static(b"without it"))
        );
        keep(before, "with the killed story");
        assert_eq!(html(&cache, "/"), Some(Bytes::from_static(b"without it")));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_render_that_raced_an_unrelated_event_is_served() {
        let cache = PageCache::default();
        cache.touch([], 1);
        let before = rendering(&cache, "/").await;
        cache.touch(["story-elsewhere"], 2);
        let after = reader(&cache, "/");
        settle_tasks().await;
        keep(before, "home");
        assert_eq!(after.await.unwrap(), Some(Bytes::from_static(b"home")));
        assert!(html(&cache, "/").is_some());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_request_from_before_an_event_takes_the_render_it_waited_for() {
        let cache = PageCache::default();
        cache.touch([], 1);
        let first = rendering(&cache, "/").await;
        let waiting = reader(&cache, "/");
        settle_tasks().await;
        cache.touch(["home"], 2);
        keep(first, "from before the event");
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
        cache.touch([], 1);
        let abandoned = rendering(&cache, "/").await;
        let renders = Arc::new(AtomicU64::new(0));
        let waiting: Vec<_> = (0..2)
            .map(|_| {
                let (cache, renders) = (cache.clone(), renders.clone());
                tokio::spawn(async move {
                    match cache.lookup("/").await {
                        Lookup::Hit(p) => p.bodies.identity,
                        Lookup::Render(r) => {
                            renders.fetch_add(1, Ordering::SeqCst);
                            keep(r, "rendered again");
                            Bytes::from_static(b"rendered again")
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

    #[tokio::test(flavor = "current_thread")]
    async fn a_served_page_carries_the_keys_of_every_story_it_shows() {
        let cache = PageCache::default();
        let render = || async {
            shows(&StoryId("a1".into()));
            shows(&StoryId("b2".into()));
            (StatusCode::OK, "x".repeat(2048)).into_response()
        };
        let mut asks = HeaderMap::new();
        asks.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br"),
        );
        let response = serve(&cache, "/topic/india?before=1.a".into(), &asks, render).await;
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(response.headers()[header::VARY], "accept-encoding");
        assert_eq!(
            response.headers()[crate::http_cache::SURROGATE_KEY],
            "pages story-a1 story-b2 topic-india"
        );
        // Served again from the cache, in the coding this request prefers.
        let again = serve(
            &cache,
            "/topic/india?before=1.a".into(),
            &HeaderMap::new(),
            || async { unreachable!("rendered twice") },
        )
        .await;
        assert!(again.headers().get(header::CONTENT_ENCODING).is_none());
        cache.touch(["story-b2"], 1);
        assert!(html(&cache, "/topic/india?before=1.a").is_none());
    }
}
