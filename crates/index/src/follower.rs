//! The search index as a follower of the log: it applies the events after its watermark, in
//! order, and commits the documents and the new watermark in one step.
//!
//! Owns: catching up (at start, after a failure, after another process wrote the log) and
//! following for as long as the site runs; retrying a failed write with back-off; reporting
//! its position and failures on the `Followers` board as `search`.
//! Must not: write the store, or decide what readers see: the index holds every usable,
//! published story, embargoed or not, and callers filter hits through `Story::is_live`.
//!
//! Applying an event means putting its story's *current* state in the index, so applying a
//! run of events twice (after a crash between the store's commit and the index's) gives the
//! same index as applying it once.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use wiredesk_model::{Story, StoryId};
use wiredesk_store::followers::{Backoff, Followers};
use wiredesk_store::{RecordedEvent, Store, StoreError, crash};

use crate::{IndexError, SearchIndex};

/// The follower's name on the board, in `/healthz` and in `/metrics`.
pub const NAME: &str = "search";
/// Events applied per index commit.
const BATCH: usize = 5_000;

#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("applying the log panicked: {0}")]
    Panicked(String),
}

#[derive(Clone)]
pub struct IndexFollower {
    index: Arc<SearchIndex>,
    store: Arc<dyn Store>,
    board: Followers,
}

impl IndexFollower {
    pub fn new(index: Arc<SearchIndex>, store: Arc<dyn Store>, board: Followers) -> Self {
        IndexFollower {
            index,
            store,
            board,
        }
    }

    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// Apply every event after the watermark up to the log's end, one commit per batch.
    /// Returns the watermark reached.
    pub async fn catch_up(&self) -> Result<i64, FollowError> {
        let result = self.apply_all().await;
        match &result {
            Ok(at) => self.board.reached(NAME, *at),
            Err(_) => self.board.failed(NAME),
        }
        result
    }

    async fn apply_all(&self) -> Result<i64, FollowError> {
        loop {
            // Read back from the index each time: after a failed write the pending changes
            // are gone, and the log is read again from what was committed.
            let at = self.index.watermark()?;
            let events = self.store.events_after(at, BATCH).await?;
            let Some(through) = events.last().map(|e| e.seq) else {
                return Ok(at);
            };
            self.apply(&events, through).await?;
            self.board.reached(NAME, through);
        }
    }

    async fn apply(&self, events: &[RecordedEvent], through: i64) -> Result<(), FollowError> {
        let mut seen = HashSet::new();
        let ids: Vec<StoryId> = events
            .iter()
            .map(|e| e.event.story_id())
            .filter(|id| seen.insert(*id))
            .cloned()
            .collect();
        let stories = self.store.stories(&ids).await?;
        let current: HashMap<&StoryId, &Story> = stories.iter().map(|s| (&s.id, s)).collect();
        for id in &ids {
            match current.get(id) {
                Some(story) if story.live_from().is_some() => self.index.upsert(story)?,
                _ => self.index.remove(id)?,
            }
        }
        crash::point(crash::BEFORE_INDEX_COMMIT);
        self.index.commit_through(through)?;
        Ok(())
    }

    /// Throw the index's documents away and apply the whole log again. Returns the number of
    /// stories the index then holds.
    pub async fn rebuild(&self) -> Result<u64, FollowError> {
        self.index.clear()?;
        self.index.commit_through(0)?;
        self.catch_up().await?;
        Ok(self.index.num_docs())
    }

    /// Follow the log for as long as the runtime runs (`follow` with no stop).
    pub fn spawn(self, every: Duration) {
        let (keep, stop) = watch::channel(false);
        tokio::spawn(async move {
            let _keep = keep;
            self.follow(every, stop).await;
        });
    }

    /// Follow the log until `stop` turns true or its sender is gone: catch up whenever this
    /// process appends (the board's wake), and every `every` in any case (another process may
    /// have). A failure is logged, shown on the board, and tried again after a back-off.
    pub async fn follow(self, every: Duration, mut stop: watch::Receiver<bool>) {
        let mut backoff = Backoff::new();
        let mut wake = self.board.wake();
        loop {
            // Each attempt is a task of its own, so that even a panic in it (tantivy under a
            // full disk) ends in a retry rather than a follower that is gone.
            let follower = self.clone();
            let attempt = tokio::spawn(async move {
                follower.index.claim()?;
                follower.catch_up().await.map(|_| ())
            })
            .await
            .unwrap_or_else(|panicked| Err(FollowError::Panicked(panicked.to_string())));
            let wait = match attempt {
                Ok(()) => {
                    backoff.succeeded();
                    None
                }
                Err(e) => {
                    self.board.failed(NAME);
                    let wait = backoff.failed();
                    tracing::warn!("search index cannot follow the log, retrying in {wait:?}: {e}");
                    Some(wait)
                }
            };
            tokio::select! {
                _ = async {
                    match wait {
                        Some(wait) => tokio::time::sleep(wait).await,
                        None => Followers::next_look(&mut wake, every).await,
                    }
                } => {}
                gone = stop.changed() => if gone.is_err() || *stop.borrow() { return },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use wiredesk_model::{StoryEvent, testing};
    use wiredesk_store::SqliteStore;

    fn published(uri: &str, headline: &str) -> Vec<(StoryEvent, Timestamp)> {
        let story = testing::story(uri, headline, "Copy.", Timestamp::UNIX_EPOCH);
        let id = story.id.clone();
        let at = Timestamp::now();
        vec![
            (
                StoryEvent::Ingested {
                    story: Box::new(story),
                },
                at,
            ),
            (StoryEvent::Published { id }, at),
        ]
    }

    #[tokio::test]
    async fn the_index_applies_the_log_after_its_watermark_and_resumes_there_when_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
        let board = Followers::default();
        store
            .append(published("a", "Monsoon floods"))
            .await
            .unwrap();
        store
            .append(published("b", "Cyclone warning"))
            .await
            .unwrap();
        {
            let index = Arc::new(SearchIndex::open(dir.path()).unwrap());
            let follower = IndexFollower::new(index.clone(), store.clone(), board.clone());
            assert_eq!(follower.catch_up().await.unwrap(), 4);
            assert_eq!(index.watermark().unwrap(), 4);
            assert_eq!(index.search("cyclone", 5).unwrap().len(), 1);
            assert_eq!(board.position(NAME).unwrap().at, 4);
        }
        // Events the index has not seen (a crash after the store's commit, or another
        // process's writes) are applied when it is opened again; nothing else is.
        let killed = StoryEvent::Killed {
            id: StoryId::for_uri("a"),
            reason: "legal".into(),
        };
        store
            .append(vec![(killed, Timestamp::now())])
            .await
            .unwrap();
        store
            .append(published("c", "Monsoon session"))
            .await
            .unwrap();
        let index = Arc::new(SearchIndex::open(dir.path()).unwrap());
        assert_eq!(
            index.watermark().unwrap(),
            4,
            "the committed watermark survives"
        );
        let follower = IndexFollower::new(index.clone(), store.clone(), board.clone());
        assert_eq!(follower.catch_up().await.unwrap(), 7);
        let monsoon = index.search("monsoon", 5).unwrap();
        assert_eq!(monsoon.len(), 1, "the killed story left, the new one came");
        assert_eq!(monsoon[0].id, StoryId::for_uri("c"));
        assert_eq!(index.num_docs(), 2);
    }

    #[tokio::test]
    async fn applying_events_again_changes_nothing_and_a_rebuild_gives_the_same_index() {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
        for i in 0..5 {
            store
                .append(published(&format!("s{i}"), &format!("Budget story {i}")))
                .await
                .unwrap();
        }
        let index = Arc::new(SearchIndex::in_memory().unwrap());
        let follower = IndexFollower::new(index.clone(), store.clone(), Followers::default());
        follower.catch_up().await.unwrap();
        let ids = |hits: Vec<crate::Hit>| {
            let mut ids: Vec<StoryId> = hits.into_iter().map(|h| h.id).collect();
            ids.sort();
            ids
        };
        let first = ids(index.search("budget", 10).unwrap());
        assert_eq!(first.len(), 5);
        // As if the watermark were lost: the whole log is applied a second time.
        index.commit_through(0).unwrap();
        follower.catch_up().await.unwrap();
        assert_eq!(index.num_docs(), 5, "no story twice");
        assert_eq!(ids(index.search("budget", 10).unwrap()), first);
        assert_eq!(follower.rebuild().await.unwrap(), 5);
        assert_eq!(index.watermark().unwrap(), 10);
    }

    #[tokio::test]
    async fn a_second_process_finds_the_index_busy_while_one_follows_it() {
        let dir = tempfile::tempdir().unwrap();
        let site = SearchIndex::open(dir.path()).unwrap();
        site.claim().unwrap();
        let other = SearchIndex::open(dir.path()).unwrap();
        let refused = other.claim().unwrap_err();
        assert!(refused.is_busy(), "{refused}");
        drop(site);
        other.claim().unwrap();
    }
}
