//! Counting real page views for "Hot this week": no cookies, obvious bots ignored, and the
//! counts written in batches so a busy article page never waits on a database write.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use wiredesk_model::StoryId;
use wiredesk_store::Store;

/// User agents that announce themselves as machines, plus the HTTP tools load tests use.
const BOT_MARKERS: &[&str] = &[
    "bot",
    "crawler",
    "spider",
    "slurp",
    "curl",
    "wget",
    "python-requests",
    "python-urllib",
    "httpclient",
    "go-http-client",
    "java/",
    "libwww",
    "scrapy",
    "headless",
    "feedfetcher",
    "facebookexternalhit",
    "preview",
    "monitor",
    "wrk",
    "apachebench",
];

/// True when the request looks like it came from a person's browser.
pub fn is_human(user_agent: Option<&str>) -> bool {
    let Some(ua) = user_agent else { return false };
    let ua = ua.to_ascii_lowercase();
    ua.starts_with("mozilla/") && !BOT_MARKERS.iter().any(|m| ua.contains(m))
}

/// Views waiting to be written, counted per story and hour.
type Pending = HashMap<(StoryId, i64), u64>;

#[derive(Clone)]
pub struct ViewCounter {
    pending: Arc<Mutex<Pending>>,
}

impl ViewCounter {
    /// Starts the background flush to `store` every `every`.
    pub fn start(store: Arc<dyn Store>, every: Duration) -> ViewCounter {
        let counter = ViewCounter {
            pending: Arc::new(Mutex::new(HashMap::new())),
        };
        let pending = counter.pending.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let batch = std::mem::take(&mut *pending.lock().expect("views lock"));
                if batch.is_empty() {
                    continue;
                }
                let views: Vec<(StoryId, Timestamp, u64)> = batch
                    .into_iter()
                    .map(|((id, hour), n)| {
                        let at =
                            Timestamp::from_second(hour * 3600).unwrap_or(Timestamp::UNIX_EPOCH);
                        (id, at, n)
                    })
                    .collect();
                if let Err(e) = store.record_views(&views).await {
                    tracing::warn!("{} page views not recorded: {e}", views.len());
                }
            }
        });
        counter
    }

    pub fn record(&self, id: StoryId, at: Timestamp) {
        let hour = at.as_second().div_euclid(3600);
        *self
            .pending
            .lock()
            .expect("views lock")
            .entry((id, hour))
            .or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::is_human;

    #[test]
    fn browsers_count_and_bots_do_not() {
        assert!(is_human(Some(
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"
        )));
        assert!(!is_human(Some(
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        )));
        assert!(!is_human(Some("curl/8.5.0")));
        assert!(!is_human(Some(
            "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/126.0"
        )));
        assert!(!is_human(None));
    }
}
