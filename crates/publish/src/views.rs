//! Counting real page views for "Hot this week": no cookies, bots ignored, and the counts
//! written in batches so a busy article page never waits on a database write.
//!
//! A bot is a user agent that says so, or a client that opens story pages faster than a
//! person reads (`MAX_VIEWS_PER_MINUTE`). Clients are told apart by their address hashed with
//! a salt that is made at random each day and never stored: the rate can be counted, but no
//! address is kept, and one day's hashes cannot be linked to the next day's.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use sha2::{Digest, Sha256};
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

/// Story pages one client may open in a minute and still be counted as a reader. A person
/// skimming fast opens a few a minute; a scraper or a view-inflating script, dozens.
pub const MAX_VIEWS_PER_MINUTE: u32 = 12;

/// Views waiting to be written, counted per story and hour.
type Pending = HashMap<(StoryId, i64), u64>;

/// A client's address under the day's salt.
type ClientHash = [u8; 16];

/// Per-client page rates for the current day.
pub struct RateGate {
    day: i64,
    salt: [u8; 32],
    /// Client → (minute, views in that minute).
    minute_counts: HashMap<ClientHash, (i64, u32)>,
    /// Clients caught going too fast: ignored for the rest of the day.
    bots: HashSet<ClientHash>,
}

impl RateGate {
    pub fn new() -> RateGate {
        RateGate {
            day: i64::MIN,
            salt: [0; 32],
            minute_counts: HashMap::new(),
            bots: HashSet::new(),
        }
    }

    fn hash(&self, client: IpAddr) -> ClientHash {
        let mut h = Sha256::new();
        h.update(self.salt);
        match client {
            IpAddr::V4(a) => h.update(a.octets()),
            IpAddr::V6(a) => h.update(a.octets()),
        }
        let mut out = [0; 16];
        out.copy_from_slice(&h.finalize()[..16]);
        out
    }

    /// Whether a view by `client` at `at` counts. Every view is counted against the client's
    /// rate, so one that keeps going stays out.
    pub fn admit(&mut self, client: Option<IpAddr>, at: Timestamp) -> bool {
        let Some(client) = client else { return true };
        let day = at.as_second().div_euclid(86_400);
        if day != self.day {
            // A new day: a new secret salt, and yesterday's hashes are forgotten with the old.
            self.day = day;
            if getrandom::fill(&mut self.salt).is_err() {
                // No system randomness: a salt from the clock still keeps addresses out of
                // the counts, only less well hidden.
                self.salt = Sha256::digest(at.as_nanosecond().to_le_bytes()).into();
            }
            self.minute_counts.clear();
            self.bots.clear();
        }
        let key = self.hash(client);
        if self.bots.contains(&key) {
            return false;
        }
        let minute = at.as_second().div_euclid(60);
        let entry = self.minute_counts.entry(key).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 += 1;
        if entry.1 > MAX_VIEWS_PER_MINUTE {
            self.bots.insert(key);
            return false;
        }
        true
    }
}

impl Default for RateGate {
    fn default() -> Self {
        RateGate::new()
    }
}

#[derive(Clone)]
pub struct ViewCounter {
    pending: Arc<Mutex<Pending>>,
    gate: Arc<Mutex<RateGate>>,
}

impl ViewCounter {
    /// Starts the background flush to `store` every `every`.
    pub fn start(store: Arc<dyn Store>, every: Duration) -> ViewCounter {
        let counter = ViewCounter {
            pending: Arc::new(Mutex::new(HashMap::new())),
            gate: Arc::new(Mutex::new(RateGate::new())),
        };
        let flusher = counter.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                flusher.flush(store.as_ref()).await;
            }
        });
        counter
    }

    /// Write the views counted so far.
    pub async fn flush(&self, store: &dyn Store) {
        let batch = std::mem::take(&mut *self.pending.lock().expect("views lock"));
        if batch.is_empty() {
            return;
        }
        let views: Vec<(StoryId, Timestamp, u64)> = batch
            .into_iter()
            .map(|((id, hour), n)| {
                let at = Timestamp::from_second(hour * 3600).unwrap_or(Timestamp::UNIX_EPOCH);
                (id, at, n)
            })
            .collect();
        if let Err(e) = store.record_views(&views).await {
            tracing::warn!("{} page views not recorded: {e}", views.len());
        }
    }

    /// Count a reader's view of a story page, unless `client` is going too fast.
    pub fn record(&self, id: StoryId, at: Timestamp, client: Option<IpAddr>) {
        if !self.gate.lock().expect("rate gate lock").admit(client, at) {
            return;
        }
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
    use super::*;

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

    #[test]
    fn a_client_opening_pages_faster_than_a_reader_stops_counting_for_the_day() {
        let mut gate = RateGate::new();
        let start: Timestamp = "2026-11-28T10:00:00Z".parse().unwrap();
        let reader: IpAddr = "198.51.100.7".parse().unwrap();
        let scraper: IpAddr = "203.0.113.9".parse().unwrap();
        // The reader opens a page every 20 seconds all morning: every view counts.
        for i in 0..180 {
            assert!(gate.admit(
                Some(reader),
                start + jiff::SignedDuration::from_secs(i * 20)
            ));
        }
        // The scraper opens one a second: the first minute's allowance counts, then nothing,
        // even when it slows down later the same day.
        let admitted = (0..60)
            .filter(|&i| gate.admit(Some(scraper), start + jiff::SignedDuration::from_secs(i)))
            .count();
        assert_eq!(admitted, MAX_VIEWS_PER_MINUTE as usize);
        assert!(!gate.admit(Some(scraper), start + jiff::SignedDuration::from_hours(3)));
        // A new day, a new salt: the address starts afresh.
        assert!(gate.admit(Some(scraper), start + jiff::SignedDuration::from_hours(24)));
    }

    #[test]
    fn the_salt_changes_each_day_so_hashes_cannot_be_linked() {
        let mut gate = RateGate::new();
        let client: IpAddr = "2001:db8::1".parse().unwrap();
        let day1: Timestamp = "2026-11-28T10:00:00Z".parse().unwrap();
        gate.admit(Some(client), day1);
        let first = gate.hash(client);
        gate.admit(Some(client), day1 + jiff::SignedDuration::from_hours(24));
        assert_ne!(gate.hash(client), first);
        assert_eq!(gate.minute_counts.len(), 1, "yesterday's clients forgotten");
    }
}
