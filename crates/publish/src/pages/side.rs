//! The lists every reader page shares — Hot this week, the topic blocks and the topic menu —
//! read from the store once per change of the log rather than once per page.
//!
//! Owns: `SideLists`, a snapshot of their candidates (the week's most-read live stories, its
//! most-covered clusters, the latest per topic, the topics), read by one request at a time about once a
//! second (views change without events) and at once after a take-down; and
//! the choice each page makes from it (what it already shows is left out).
//! Must not: hand a page a snapshot older than the last take-down the page cache was told
//! of, or a story killed before the page began could come back through it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::{Timestamp, ToSpan};
use wiredesk_model::{Story, StoryId};
use wiredesk_store::{Listing, StoreError, TopicCount};

use super::clusters::{self, HotCluster};
use super::{Card, Masthead, NavLink, SIDE_LIST, TopicBlock};
use crate::AppState;

/// How long a snapshot serves when the log does not move.
const FRESH_FOR: Duration = Duration::from_secs(1);
/// Most-read stories read per snapshot: enough for five clusters from diverse topics.
const VIEWED: usize = 100;
/// Latest stories read per topic: the most a block shows (3) plus the most that earlier blocks
/// and lists on the same page may already have taken (20).
const PER_TOPIC: usize = 3 + 20;
/// Topics in the masthead's menu.
const MENU: usize = 8;
/// The week's live stories looked through for its most-covered clusters (headers only).
const WEEK_SCAN: usize = 500;
/// Most-covered clusters kept per snapshot: Hot's five after the page has left out its own.
const COVERED: usize = SIDE_LIST * 6;

/// One read of what the shared lists are chosen from.
pub(crate) struct SideLists {
    /// The page cache's generation when the read began: it reflects every event up to it.
    generation: i64,
    built: Instant,
    topics: Vec<TopicCount>,
    /// Live stories read this week, with their decayed scores, hottest first.
    viewed: Vec<(Story, f64)>,
    /// The week's clusters with the most live reports (two at least), most first, each as
    /// its newest report: Hot when readers have not opened enough yet.
    covered: Vec<Story>,
    /// Each topic's latest live stories, in the topics' order.
    by_topic: HashMap<String, Vec<Story>>,
}

/// The current snapshot, and the one door to building the next.
#[derive(Clone, Default)]
pub(crate) struct SideListCache {
    current: Arc<std::sync::RwLock<Option<Arc<SideLists>>>>,
    reading: Arc<tokio::sync::Mutex<()>>,
}

impl SideLists {
    async fn read(state: &AppState, generation: i64, now: Timestamp) -> Result<Self, StoreError> {
        let since = now - 168.hours();
        let scores = state.store.hottest(now, since, VIEWED).await?;
        let ids: Vec<StoryId> = scores.iter().map(|(id, _)| id.clone()).collect();
        let mut found: HashMap<StoryId, Story> = state
            .store
            .stories(&ids)
            .await?
            .into_iter()
            .filter(|s| s.is_live(now) && s.published.is_some_and(|p| p >= since))
            .map(|s| (s.id.clone(), s))
            .collect();
        let viewed = scores
            .into_iter()
            .filter_map(|(id, score)| found.remove(&id).map(|s| (s, score)))
            .collect();
        let covered = Self::most_covered(state, now, since).await?;
        let topics = state.store.topics(now).await?;
        let mut by_topic = HashMap::new();
        for topic in &topics {
            let listing = Listing {
                topic: Some(topic.slug.clone()),
                limit: PER_TOPIC,
                ..Listing::default()
            };
            by_topic.insert(topic.slug.clone(), state.store.live(&listing, now).await?);
        }
        Ok(SideLists {
            generation,
            built: Instant::now(),
            topics,
            viewed,
            covered,
            by_topic,
        })
    }

    /// The week's clusters with the most live reports, most first (the newest first among
    /// equals), each as its newest live report (its card is headed by the event's best,
    /// `AppState::cards`); counted as the card's full coverage is (`AppState::live_reports`),
    /// for the clusters of the week's live stories.
    async fn most_covered(
        state: &AppState,
        now: Timestamp,
        since: Timestamp,
    ) -> Result<Vec<Story>, StoreError> {
        let week = state
            .store
            .live_headers(
                &Listing {
                    since: Some(since),
                    limit: WEEK_SCAN,
                    ..Listing::default()
                },
                now,
            )
            .await?;
        let newest_of =
            clusters::newest_report_per_cluster(week.iter().map(|h| h.id.clone()), |id| {
                state.projections.event_of(id)
            });
        let several: Vec<(StoryId, StoryId)> = newest_of
            .into_iter()
            .filter(|(cluster, _)| state.projections.event_members(cluster).len() > 1)
            .collect();
        let cluster_ids: Vec<StoryId> = several.iter().map(|(c, _)| c.clone()).collect();
        let reports = state.live_reports(&cluster_ids, now).await?;
        let mut ranked: Vec<(usize, StoryId)> = several
            .into_iter()
            .filter_map(|(cluster, shown)| {
                let n = reports.get(&cluster).map_or(0, |r| r.live);
                (n > 1).then_some((n, shown))
            })
            .collect();
        // Stable: among equals the newest stays first.
        ranked.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
        ranked.truncate(COVERED);
        let ids: Vec<StoryId> = ranked.iter().map(|(_, id)| id.clone()).collect();
        let mut found: HashMap<StoryId, Story> = state
            .store
            .stories(&ids)
            .await?
            .into_iter()
            .filter(|s| s.is_live(now))
            .map(|s| (s.id.clone(), s))
            .collect();
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// What Hot this week shows, the one rule of it: the most-read live stories of the last
    /// 7 days, one per cluster and at most two per topic while others wait
    /// (`clusters::diverse`); when readers have not opened enough yet, the week's
    /// most-covered clusters (most live reports) fill in. Never the latest stories as such,
    /// and nothing from the clusters of `exclude` (what the page already shows), so it may
    /// be short or empty: the page then says so.
    pub(crate) fn hot(&self, state: &AppState, exclude: &HashSet<StoryId>) -> Vec<Story> {
        let cluster_of = |id: &StoryId| state.projections.event_of(id);
        let excluded: HashSet<StoryId> = exclude.iter().map(cluster_of).collect();
        let groups: Vec<HotCluster> = clusters::group_by_cluster(self.viewed.clone(), cluster_of)
            .into_iter()
            .filter(|c| !excluded.contains(&cluster_of(&c.story.id)))
            .collect();
        let mut hot = clusters::diverse(groups, SIDE_LIST, 2);
        let mut have: HashSet<StoryId> = hot
            .iter()
            .map(|s| cluster_of(&s.id))
            .chain(excluded)
            .collect();
        for story in &self.covered {
            if hot.len() >= SIDE_LIST {
                break;
            }
            if have.insert(cluster_of(&story.id)) {
                hot.push(story.clone());
            }
        }
        hot
    }

    /// The site's topics with their latest stories, never repeating what `shown` already has
    /// (Hot this week, the story itself) nor a cluster twice: the seed's page listed the same
    /// five twice.
    pub(crate) fn topic_blocks(
        &self,
        state: &AppState,
        shown: &HashSet<StoryId>,
        per_topic: usize,
    ) -> Vec<TopicBlock> {
        let mut used = shown.clone();
        let mut clusters_used: HashSet<StoryId> = shown
            .iter()
            .map(|id| state.projections.event_of(id))
            .collect();
        let mut blocks = Vec::new();
        for topic in &self.topics {
            let mut cards: Vec<Card> = Vec::new();
            for s in self.by_topic.get(&topic.slug).into_iter().flatten() {
                if cards.len() >= per_topic {
                    break;
                }
                let cluster = state.projections.event_of(&s.id);
                if !used.contains(&s.id) && !clusters_used.contains(&cluster) {
                    used.insert(s.id.clone());
                    clusters_used.insert(cluster);
                    cards.push(state.card(s));
                }
            }
            if !cards.is_empty() {
                blocks.push(TopicBlock {
                    url: format!("/topic/{}", topic.slug),
                    name: topic.name.clone(),
                    cards,
                });
            }
        }
        blocks
    }

    pub(crate) fn masthead(&self, state: &AppState, now: Timestamp) -> Masthead {
        let date = state
            .words
            .date_long(&now.to_zoned_datetime(state.time_zone.clone()));
        let weather = state
            .weather
            .current(now)
            .map(|r| format!("{:.1} °C", r.temperature_c));
        Masthead {
            words: state.words.clone(),
            date,
            weather,
            city: state.config.city.clone(),
            site: state.config.name.clone(),
            disclaimer: state.disclaimer.clone(),
            nav: self
                .topics
                .iter()
                .take(MENU)
                .map(|t| NavLink {
                    url: format!("/topic/{}", t.slug),
                    name: t.name.clone(),
                })
                .collect(),
        }
    }

    /// The site's topics with live stories, most stories first.
    pub(crate) fn topics(&self) -> &[TopicCount] {
        &self.topics
    }
}

impl AppState {
    /// The shared lists' snapshot for a page rendered now. One that a take-down (a kill,
    /// a withdrawal) came after is never used: the page waits for a new read. One that is
    /// only older than a second, or than stories added since, is used while one request
    /// reads the next, so a live feed never makes pages wait on these lists.
    pub(crate) async fn side_lists(&self, now: Timestamp) -> Result<Arc<SideLists>, StoreError> {
        let side = &self.side_lists;
        let usable = |s: &SideLists| s.generation >= self.cache.taken_down_at();
        let current = side.current.read().expect("side lists lock").clone();
        if let Some(current) = current.filter(|c| usable(c)) {
            if current.built.elapsed() < FRESH_FOR {
                return Ok(current);
            }
            let Ok(_reading) = side.reading.try_lock() else {
                return Ok(current);
            };
            return self.read_side_lists(now).await;
        }
        let _reading = side.reading.lock().await;
        // Another request may have read it while this one waited.
        let current = side.current.read().expect("side lists lock").clone();
        if let Some(current) = current.filter(|c| usable(c) && c.built.elapsed() < FRESH_FOR) {
            return Ok(current);
        }
        self.read_side_lists(now).await
    }

    async fn read_side_lists(&self, now: Timestamp) -> Result<Arc<SideLists>, StoreError> {
        // Read before the store is, so the snapshot reflects every event up to it.
        let generation = self.cache.generation();
        let fresh = Arc::new(SideLists::read(self, generation, now).await?);
        *self.side_lists.current.write().expect("side lists lock") = Some(fresh.clone());
        Ok(fresh)
    }

    /// The masthead of a page rendered now.
    pub(crate) async fn masthead(&self, now: Timestamp) -> Result<Masthead, StoreError> {
        Ok(self.side_lists(now).await?.masthead(self, now))
    }
}
