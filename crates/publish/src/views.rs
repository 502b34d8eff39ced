//! Counting real page views for "Hot this week": no cookies, obvious bots ignored, and the
//! counts written in batches so a busy article page never waits on a database write.

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

#[derive(Clone)]
pub struct ViewCounter {
    pending: Arc<Mutex<Vec<(StoryId, Timestamp)>>>,
}

impl ViewCounter {
    /// Starts the background flush to `store` every `every`.
    pub fn start(store: Arc<dyn Store>, every: Duration) -> ViewCounter {
        let counter = ViewCounter {
            pending: Arc::new(Mutex::new(Vec::new())),
        };
        let pending = counter.pending.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let batch = std::mem::take(&mut *pending.lock().expect("views lock"));
                for (id, at) in batch {
                    if let Err(e) = store.record_view(&id, at).await {
                        tracing::warn!("page view not recorded: {e}");
                    }
                }
            }
        });
        counter
    }

    pub fn record(&self, id: StoryId, at: Timestamp) {
        self.pending.lock().expect("views lock").push((id, at));
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
