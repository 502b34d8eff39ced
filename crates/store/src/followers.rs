//! How far each projection has followed the log: what `/healthz` and `/metrics` report.
//!
//! Owns: the board every log follower (the search index, the clusters and page cache, the
//! purge hook) writes its position and its failures to, the lag computed from it, the signal
//! that wakes the followers when this process appends to the log (the others' appends are
//! found by polling, or by PostgreSQL's NOTIFY), the writer's state (`writer`), and the
//! back-off a follower waits between failed attempts.
//! Must not: follow anything itself. A follower that fails keeps its last position and says
//! so here, so it never falls behind in silence.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;
use tokio::sync::watch;

use crate::writer::WriterBoard;

/// The board. Cheap to clone; every clone is the same board.
#[derive(Clone)]
pub struct Followers {
    positions: Arc<Mutex<BTreeMap<&'static str, Position>>>,
    /// The last position this process appended; held here, so it never closes.
    appended: Arc<watch::Sender<i64>>,
    writer: WriterBoard,
}

impl Default for Followers {
    fn default() -> Self {
        Followers {
            positions: Arc::default(),
            appended: Arc::new(watch::channel(0).0),
            writer: WriterBoard::default(),
        }
    }
}

/// One follower's last position in the log, and since when it has been failing, if it is.
/// Why it fails goes to the log, where the follower writes it; never to `/healthz`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Position {
    pub at: i64,
    pub failing_since: Option<Timestamp>,
}

/// One follower as `/healthz` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FollowerHealth {
    pub name: &'static str,
    pub at: i64,
    /// Events in the log it has not applied yet.
    pub lag: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<Timestamp>,
}

impl Followers {
    /// What this process is doing about the writer's duties, on the same board `/healthz`
    /// reads.
    pub fn writer(&self) -> &WriterBoard {
        &self.writer
    }

    /// This process appended to the log up to `seq`: the followers look now rather than at
    /// their next poll.
    pub fn appended(&self, seq: i64) {
        self.appended.send_replace(seq);
    }

    /// Changes each time this process appends (`appended`).
    pub fn wake(&self) -> watch::Receiver<i64> {
        self.appended.subscribe()
    }

    /// Wait until this process appends or `every` passes, whichever is first.
    pub async fn next_look(wake: &mut watch::Receiver<i64>, every: Duration) {
        tokio::select! {
            _ = wake.changed() => {}
            _ = tokio::time::sleep(every) => {}
        }
    }

    /// `name` has applied the log up to `seq` and is not failing.
    pub fn reached(&self, name: &'static str, seq: i64) {
        let mut board = self.positions.lock().expect("followers board");
        let position = board.entry(name).or_default();
        position.at = seq;
        position.failing_since = None;
    }

    /// `name` could not apply what follows its position; it will try again.
    pub fn failed(&self, name: &'static str) {
        let mut board = self.positions.lock().expect("followers board");
        let position = board.entry(name).or_default();
        position.failing_since.get_or_insert_with(Timestamp::now);
    }

    pub fn position(&self, name: &str) -> Option<Position> {
        self.positions
            .lock()
            .expect("followers board")
            .get(name)
            .cloned()
    }

    /// Every follower's lag behind `latest`, the log's last position.
    pub fn health(&self, latest: i64) -> Vec<FollowerHealth> {
        self.positions
            .lock()
            .expect("followers board")
            .iter()
            .map(|(name, p)| FollowerHealth {
                name,
                at: p.at,
                lag: (latest - p.at).max(0),
                failing_since: p.failing_since,
            })
            .collect()
    }

    /// The board in Prometheus' text format, for `/metrics`.
    pub fn prometheus(&self, latest: i64) -> String {
        let mut out = String::from(
            "# HELP wiredesk_log_position The last event in the log.\n\
             # TYPE wiredesk_log_position gauge\n",
        );
        out.push_str(&format!("wiredesk_log_position {latest}\n"));
        out.push_str(
            "# HELP wiredesk_projection_lag_events Events in the log a projection has not applied.\n\
             # TYPE wiredesk_projection_lag_events gauge\n",
        );
        let health = self.health(latest);
        for f in &health {
            out.push_str(&format!(
                "wiredesk_projection_lag_events{{projection=\"{}\"}} {}\n",
                f.name, f.lag
            ));
        }
        out.push_str(
            "# HELP wiredesk_projection_failing 1 while a projection's last attempt failed.\n\
             # TYPE wiredesk_projection_failing gauge\n",
        );
        for f in &health {
            out.push_str(&format!(
                "wiredesk_projection_failing{{projection=\"{}\"}} {}\n",
                f.name,
                u8::from(f.failing_since.is_some())
            ));
        }
        out
    }
}

/// Is the site fit to serve: no follower failing and none more than `max_lag` events behind.
pub fn healthy(followers: &[FollowerHealth], max_lag: i64) -> bool {
    followers
        .iter()
        .all(|f| f.failing_since.is_none() && f.lag <= max_lag)
}

/// The wait between a follower's failed attempts: from a tenth of a second, doubling, to ten
/// seconds, back to the start after a success.
#[derive(Debug)]
pub struct Backoff {
    next: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(100);
    const MOST: Duration = Duration::from_secs(10);

    pub fn new() -> Backoff {
        Backoff { next: Self::FIRST }
    }

    /// How long to wait after this failure.
    pub fn failed(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(Self::MOST);
        wait
    }

    pub fn succeeded(&mut self) {
        self.next = Self::FIRST;
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_or_lagging_follower_makes_the_site_unhealthy_until_it_catches_up() {
        let board = Followers::default();
        board.reached("search", 10);
        board.reached("clusters", 12);
        assert!(healthy(&board.health(12), 5));
        assert_eq!(board.health(12)[1].lag, 2, "search is two events behind");
        assert!(
            !healthy(&board.health(20), 5),
            "search 10 behind, more than 5"
        );

        board.failed("search");
        let health = board.health(12);
        assert!(
            !healthy(&health, 1000),
            "failing is unhealthy whatever the lag"
        );
        assert_eq!(
            board.position("search").unwrap().at,
            10,
            "keeps its position"
        );
        let metrics = board.prometheus(12);
        assert!(metrics.contains("wiredesk_projection_failing{projection=\"search\"} 1"));
        assert!(metrics.contains("wiredesk_projection_lag_events{projection=\"search\"} 2"));

        board.reached("search", 12);
        assert!(healthy(&board.health(12), 0));
        assert_eq!(board.position("search").unwrap().failing_since, None);
    }

    #[test]
    fn backoff_doubles_to_ten_seconds_and_starts_over_after_a_success() {
        let mut b = Backoff::new();
        let waits: Vec<_> = (0..10).map(|_| b.failed()).collect();
        assert_eq!(waits[0], Duration::from_millis(100));
        assert_eq!(waits[1], Duration::from_millis(200));
        assert_eq!(*waits.last().unwrap(), Duration::from_secs(10));
        b.succeeded();
        assert_eq!(b.failed(), Duration::from_millis(100));
    }
}
