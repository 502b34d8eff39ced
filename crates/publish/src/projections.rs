//! The projections of the log that live in the site's process: event clusters (with the copies
//! inside them) and the page cache's generation.
//!
//! Owns: one follower task that reads new events in log order, folds them into the event
//! clusters (`wiredesk_intel::events`: an event, reported by any agency in any wording),
//! then tells the page cache which surrogate keys they touched (`purge::story_keys` of each
//! story, and its cluster's members, whose coverage counts change), so a page is never
//! cached against clusters older than the events it has seen. It sees events written by another process too (`wiredesk ingest`
//! against the same data folder).
//! Must not: write to the store, or decide what is live: clusters name stories, and every
//! page filters them through `Story::is_live`, so a kill needs nothing from here but the
//! touch of its keys.
//!
//! Clusters cover the copy filed in the last `CLUSTER_WINDOW`: enough for a running story's
//! re-sends and for Hot this week, and it bounds memory. They are rebuilt from the log at
//! start and once a day, which also forgets what fell out of the window; the rebuild reads
//! the events the log took in during the window, and keeps the copy filed in it.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jiff::{Timestamp, ToSpan};
use tokio::sync::watch;
use wiredesk_intel::events::{Events, site_config};
use wiredesk_model::{StoryEvent, StoryId};
use wiredesk_store::followers::{Backoff, Followers};
use wiredesk_store::{RecordedEvent, Store};

use crate::cache::{PageCache, coverage_key, story_key};

/// How far back the clusters reach.
const CLUSTER_WINDOW_HOURS: i64 = 8 * 24;
/// How often the clusters start over from the log.
const REBUILD_EVERY: Duration = Duration::from_secs(24 * 3600);
/// Events read per trip to the store.
const BATCH: usize = 1000;
/// This follower's name on the board, in `/healthz` and `/metrics`.
pub const NAME: &str = "pages";

#[derive(Clone)]
pub struct Projections {
    events: Arc<RwLock<Events>>,
    /// The last log position folded in; 0 until the first build is done.
    caught_up: watch::Sender<i64>,
}

impl Projections {
    pub fn new() -> Projections {
        Projections {
            events: Arc::new(RwLock::new(Events::new(site_config()))),
            caught_up: watch::channel(0).0,
        }
    }

    /// Every report of `id`'s event (first arrived first, `id` included), live or not.
    pub fn event_members(&self, id: &StoryId) -> Vec<StoryId> {
        self.events.read().expect("events lock").members(id)
    }

    /// The name of `id`'s event: its first report's id.
    pub fn event_of(&self, id: &StoryId) -> StoryId {
        self.events.read().expect("events lock").event_of(id)
    }

    /// The name of `id`'s copy: the reports of the same text, a finer grouping than its event.
    pub fn copy_of(&self, id: &StoryId) -> StoryId {
        self.events.read().expect("events lock").copy_of(id)
    }

    /// The most complete of `reports` (`Events::most_complete`).
    pub fn most_complete(&self, reports: &[StoryId]) -> Option<StoryId> {
        self.events
            .read()
            .expect("events lock")
            .most_complete(reports)
    }

    /// Wait until the projections have folded in the log up to `seq` (tests, and callers
    /// that must see their own write).
    pub async fn caught_up_to(&self, seq: i64) {
        let mut seen = self.caught_up.subscribe();
        let _ = seen.wait_for(|&at| at >= seq).await;
    }

    /// Start following the log every `every`, reporting on `board`. A failed read is tried
    /// again after a back-off; the page cache starts over when what changed is unknown.
    pub fn spawn(
        &self,
        store: Arc<dyn Store>,
        cache: PageCache,
        board: Followers,
        every: Duration,
    ) {
        let projections = self.clone();
        tokio::spawn(async move {
            let mut backoff = Backoff::new();
            let mut wake = board.wake();
            loop {
                let built_at = Instant::now();
                let mut at = match projections.rebuild(store.as_ref()).await {
                    Ok(seq) => seq,
                    Err(e) => {
                        tracing::warn!("clusters cannot read the log: {e}");
                        board.failed(NAME);
                        tokio::time::sleep(backoff.failed()).await;
                        continue;
                    }
                };
                cache.touch_all(at);
                projections.caught_up.send_replace(at);
                board.reached(NAME, at);
                while built_at.elapsed() < REBUILD_EVERY {
                    match store.events_after(at, BATCH).await {
                        Ok(events) if !events.is_empty() => {
                            at = projections.fold(&events);
                            match projections.touched_keys(store.as_ref(), &events).await {
                                Ok(touched) => {
                                    // Take-downs first: the generation moves with the first
                                    // call, and a render that sees it must also see them.
                                    cache.take_down(
                                        touched.taken_down.iter().map(String::as_str),
                                        at,
                                    );
                                    cache.touch(touched.changed.iter().map(String::as_str), at);
                                }
                                Err(e) => {
                                    tracing::warn!("page cache cannot read what changed: {e}");
                                    cache.touch_all(at);
                                }
                            }
                            projections.caught_up.send_replace(at);
                            board.reached(NAME, at);
                            backoff.succeeded();
                            continue;
                        }
                        Ok(_) => backoff.succeeded(),
                        Err(e) => {
                            tracing::warn!("page cache cannot read the log: {e}");
                            board.failed(NAME);
                            tokio::time::sleep(backoff.failed()).await;
                            continue;
                        }
                    }
                    // A kill through this process's desk is folded at once, not at the next
                    // poll: the poll is for other processes' appends.
                    Followers::next_look(&mut wake, every).await;
                }
            }
        });
    }

    /// Build the clusters afresh from the window's events and swap them in; returns the log
    /// position reached.
    async fn rebuild(&self, store: &dyn Store) -> wiredesk_store::Result<i64> {
        let mut fresh = Events::new(site_config());
        let since = window_start(Timestamp::now());
        let mut at = store.seq_before(since).await?;
        let started = Instant::now();
        loop {
            let events = store.events_after(at, BATCH).await?;
            let Some(last) = events.last() else { break };
            at = last.seq;
            for recorded in &events {
                add_to(&mut fresh, recorded, since);
            }
        }
        tracing::info!(
            "clusters built from the log: {} stories in {:.1?}",
            fresh.len(),
            started.elapsed()
        );
        *self.events.write().expect("events lock") = fresh;
        Ok(at)
    }

    /// The surrogate keys `events` touched: each changed story's own, and its cluster's
    /// coverage count (a report joining or leaving changes it); those of a story
    /// that is no longer live are taken down, so no page showing it is served again.
    async fn touched_keys(
        &self,
        store: &dyn Store,
        events: &[RecordedEvent],
    ) -> wiredesk_store::Result<Touched> {
        let ids: Vec<StoryId> = crate::purge::touched(events).into_keys().collect();
        let mut touched = Touched::default();
        for id in &ids {
            touched.changed.insert(coverage_key(&self.event_of(id)));
        }
        let now = Timestamp::now();
        let mut live = BTreeSet::new();
        for story in store.stories(&ids).await? {
            if story.is_live(now) {
                live.insert(story.id.clone());
                touched.changed.extend(crate::purge::story_keys(&story));
            } else {
                touched.taken_down.extend(crate::purge::story_keys(&story));
            }
        }
        touched.changed.extend(
            crate::purge::topics_left(events)
                .iter()
                .map(crate::purge::topic_key),
        );
        // A story the store no longer has is gone from every page.
        touched
            .taken_down
            .extend(ids.iter().filter(|id| !live.contains(*id)).map(story_key));
        Ok(touched)
    }

    fn fold(&self, recorded: &[RecordedEvent]) -> i64 {
        let mut events = self.events.write().expect("events lock");
        let since = window_start(Timestamp::now());
        for one in recorded {
            add_to(&mut events, one, since);
        }
        recorded.last().map_or(0, |e| e.seq)
    }
}

/// What a run of events changed on the pages, by surrogate key.
#[derive(Default)]
struct Touched {
    changed: BTreeSet<String>,
    taken_down: BTreeSet<String>,
}

impl Default for Projections {
    fn default() -> Self {
        Projections::new()
    }
}

/// The oldest filing time the clusters take in.
fn window_start(now: Timestamp) -> Timestamp {
    now - CLUSTER_WINDOW_HOURS.hours()
}

fn add_to(events: &mut Events, recorded: &RecordedEvent, since: Timestamp) {
    // A newer version keeps the story's event (`Events::add` only updates its length). Copy
    // filed before the window is left out, its later versions too, even when the log took it
    // in lately: an archive of years ingested at once would otherwise all be clustered at
    // every start.
    if let StoryEvent::Ingested { story } | StoryEvent::Updated { story } = &recorded.event
        && story.first_created >= since
    {
        events.add(story);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiredesk_model::testing;

    #[test]
    fn copy_filed_before_the_window_is_left_out_of_the_clusters_however_late_it_came() {
        let now = Timestamp::now();
        let mut events = Events::new(site_config());
        let filed = [
            ("urn:test:archive", now - (CLUSTER_WINDOW_HOURS + 1).hours()),
            ("urn:test:fresh", now - 1.hours()),
        ];
        for (seq, (uri, at)) in filed.into_iter().enumerate() {
            let story = testing::story(uri, "Flood relief reaches the camps", "Copy.", at);
            // Both taken in by the log just now, as an archive ingested at once is.
            let recorded = RecordedEvent {
                seq: seq as i64 + 1,
                at: now,
                event: StoryEvent::Ingested {
                    story: Box::new(story),
                },
            };
            add_to(&mut events, &recorded, window_start(now));
        }
        assert_eq!(events.len(), 1);
        let fresh = StoryId::for_uri("urn:test:fresh");
        assert_eq!(events.members(&fresh), vec![fresh]);
    }
}
