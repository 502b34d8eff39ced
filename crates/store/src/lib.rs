//! store: the append-only event log and the projections folded from it.
//!
//! Owns: the `Store` trait and its two implementations, SQLite (embedded, the default) and
//! PostgreSQL (`PgStore`, for a shared server), which share the row's columns and the folding
//! of events (`columns`) and keep only their SQL apart; the current-state projection of
//! stories, listings, the summaries folded beside them (a row per UTC day and per topic, so
//! the sitemap index and the topic counts do not read the archive), the page-view log behind
//! "Hot this week", and the desk's accounts, sessions and audit log (`accounts`, on either
//! backend); the writer's lease and the cross-process decision lock (`writer`).
//! Must not: decide editorial policy (it records what it is told), know any wire format, or
//! render anything. Every write goes through `append`; the projections are only ever changed
//! by folding events, so `rebuild_projections` can always recreate them from the log.

use async_trait::async_trait;
use jiff::Timestamp;
use wiredesk_model::{PubStatus, Story, StoryEvent, StoryId};

pub mod accounts;
pub mod backup;
mod columns;
#[cfg(any(test, feature = "testing"))]
pub mod conformance;
pub mod crash;
pub mod followers;
mod postgres;
mod queue_sql;
mod row_sql;
mod sqlite;
pub mod writer;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
use writer::{Decision, WriterLease};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is unreadable (event {seq}): {source}")]
    Corrupt {
        seq: i64,
        #[source]
        source: serde_json::Error,
    },
    #[error("event for unknown story {0}")]
    UnknownStory(StoryId),
    #[error("lock file: {0}")]
    LockFile(#[from] std::io::Error),
    #[error("the database did not answer within {0:?}")]
    Timeout(std::time::Duration),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An event as it stands in the log.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedEvent {
    /// Position in the log; strictly increasing.
    pub seq: i64,
    pub at: Timestamp,
    pub event: StoryEvent,
}

/// Which stories a listing wants. Every listing is ordered by the time the story went live
/// (its publication, or the end of its embargo if that is later), newest first, the story id
/// breaking ties; `before`, `since` and `until` are all on that same time.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub topic: Option<String>,
    pub agency: Option<String>,
    pub limit: usize,
    /// Stories skipped before the first one answered (after the other bounds): the reader's
    /// numbered "older stories" pages. Honoured by `live`, `live_headers` and `taken_down`.
    pub offset: usize,
    /// Only stories that went live strictly before this (publication time, story id):
    /// the keyset cursor for the next page.
    pub before: Option<(Timestamp, StoryId)>,
    /// Only stories that went live at or after this time (inclusive).
    pub since: Option<Timestamp>,
    /// Only stories that went live strictly before this time (exclusive), so that
    /// `until = t` and `since = t` split a listing in two without overlap.
    pub until: Option<Timestamp>,
}

/// What lists of links need of a live story, read without its copy: at a million stories the
/// sitemaps must not parse every body each time they are drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryHeader {
    pub id: StoryId,
    pub headline: String,
    pub language: Option<String>,
    pub agency_slug: String,
    /// `Story::went_live`: the listing order and keyset cursor, as in `Store::live`.
    pub went_live: Timestamp,
    pub modified: Timestamp,
    pub first_published: Timestamp,
}

impl StoryHeader {
    /// The header of a story that has gone live (`None` while it never has).
    pub fn of(story: &Story) -> Option<StoryHeader> {
        Some(StoryHeader {
            id: story.id.clone(),
            headline: story.headline.clone(),
            language: story.language.clone(),
            agency_slug: story.agency.slug.clone(),
            went_live: story.went_live()?,
            modified: story.modified(),
            first_published: story.first_published(),
        })
    }
}

/// The newest modification among the live stories of each topic and each agency: what the
/// section pages' sitemap entries carry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SectionsModified {
    /// (topic slug, newest modification), by slug.
    pub topics: Vec<(String, Timestamp)>,
    /// (agency slug, newest modification), by slug.
    pub agencies: Vec<(String, Timestamp)>,
}

impl SectionsModified {
    /// From (slug, newest modification) rows, leaving out the sections with no live story.
    pub(crate) fn of(
        topics: Vec<(String, Option<i64>)>,
        agencies: Vec<(String, Option<i64>)>,
    ) -> SectionsModified {
        let present = |rows: Vec<(String, Option<i64>)>| {
            rows.into_iter()
                .filter_map(|(slug, t)| Some((slug, columns::from_micros(t?))))
                .collect()
        };
        SectionsModified {
            topics: present(topics),
            agencies: present(agencies),
        }
    }

    /// The newest modification of any live story (every story has an agency): the home page's.
    pub fn newest(&self) -> Option<Timestamp> {
        self.agencies.iter().map(|(_, t)| *t).max()
    }
}

/// A UTC day with stories live in it, by the time they went live: one story sitemap file (or
/// more, past the per-file limit), read from a stored summary rather than from the stories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveDay {
    /// Midnight UTC that starts the day.
    pub start: Timestamp,
    /// Stories live at the `now` asked, that went live in the day.
    pub stories: u64,
    /// The last time the day's list changed, as far as the log tells: a story of the day went
    /// live or stopped being live, or its address (headline) or modification changed. A
    /// story going live at the end of its embargo counts from its `EmbargoLifted` event.
    pub changed: Timestamp,
}

/// Where a story stands, as the desk's queue shows and filters it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeskStatus {
    /// Readers see it.
    Live,
    /// Published, waiting for its embargo to end.
    Embargoed,
    /// Usable, but not published: held by a rule or an editor.
    Held,
    /// The agency withheld it.
    Withheld,
    /// Killed, by the agency or the desk.
    Killed,
}

impl DeskStatus {
    pub const ALL: [DeskStatus; 5] = [
        DeskStatus::Live,
        DeskStatus::Embargoed,
        DeskStatus::Held,
        DeskStatus::Withheld,
        DeskStatus::Killed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeskStatus::Live => "live",
            DeskStatus::Embargoed => "embargoed",
            DeskStatus::Held => "held",
            DeskStatus::Withheld => "withheld",
            DeskStatus::Killed => "killed",
        }
    }

    pub fn parse(s: &str) -> Option<DeskStatus> {
        DeskStatus::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn of(story: &Story, now: Timestamp) -> DeskStatus {
        match story.pubstatus {
            PubStatus::Canceled => DeskStatus::Killed,
            PubStatus::Withheld => DeskStatus::Withheld,
            PubStatus::Usable => match story.went_live() {
                None => DeskStatus::Held,
                Some(t) if t > now => DeskStatus::Embargoed,
                Some(_) => DeskStatus::Live,
            },
        }
    }
}

/// `Stories::live_agencies` in either dialect (`?1` or `$1`, the time in microseconds): the
/// agencies walked through `stories_by_agency` one `MIN` at a time, each kept if it has a
/// live story.
pub(crate) fn live_agencies_sql(now: &str) -> String {
    format!(
        "WITH RECURSIVE a(agency) AS (
           SELECT MIN(agency) FROM stories WHERE live_from IS NOT NULL
           UNION ALL
           SELECT (SELECT MIN(s.agency) FROM stories s
                   WHERE s.live_from IS NOT NULL AND s.agency > a.agency)
           FROM a WHERE a.agency IS NOT NULL)
         SELECT agency FROM a WHERE agency IS NOT NULL AND EXISTS (
           SELECT 1 FROM stories s
           WHERE s.agency = a.agency AND s.live_from IS NOT NULL AND s.live_from <= {now})"
    )
}

/// What the desk's queue asks for: every story whatever its status, most recently changed
/// first, narrowed by the filters that are set.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    pub agency: Option<String>,
    pub topic: Option<String>,
    pub status: Option<DeskStatus>,
    /// Words in the headline (the desk's or the agency's) or the agency's item id.
    pub text: Option<String>,
    /// Only copy held as not for publication (advisories, notes to editors, tests).
    pub advisories: bool,
    pub limit: usize,
    /// Stories skipped before the first one listed: the queue's later pages.
    pub offset: usize,
}

/// How many stories the queue holds under a filter, whatever its status and advisory
/// settings: what the desk shows beside each status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueCounts {
    /// Every status, in `DeskStatus::ALL`'s order.
    pub by_status: Vec<(DeskStatus, u64)>,
    /// Of them, held as not for publication.
    pub advisories: u64,
}

impl QueueCounts {
    pub fn total(&self) -> u64 {
        self.by_status.iter().map(|(_, n)| n).sum()
    }
}

/// A topic with how many live stories it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicCount {
    pub slug: String,
    pub name: String,
    pub stories: u64,
}

/// The append-only log: every change of state, in order, and what follows it (the writer's
/// lease, the decision lock, followers' positions).
#[async_trait]
pub trait EventLog: Send + Sync + 'static {
    /// Append events, each with the time it takes effect, to the log and fold them into the
    /// projections, all or nothing.
    async fn append(&self, events: Vec<(StoryEvent, Timestamp)>) -> Result<Vec<RecordedEvent>>;

    /// The log after `after_seq`, oldest first.
    async fn events_after(&self, after_seq: i64, limit: usize) -> Result<Vec<RecordedEvent>>;

    /// The sequence number of the latest event in the log (0 when empty).
    async fn latest_seq(&self) -> Result<i64>;

    /// Where to start reading the log (`events_after`) to see every event recorded at or after
    /// `at`: one less than the first such event's number, or `latest_seq` when there is none.
    /// Projections that only care about recent copy (clusters) start there.
    async fn seq_before(&self, at: Timestamp) -> Result<i64>;

    /// One story's events, oldest first.
    async fn history(&self, id: &StoryId) -> Result<Vec<RecordedEvent>>;

    /// Drop the projections and fold the whole log again. Returns the number of events folded.
    async fn rebuild_projections(&self) -> Result<u64>;

    /// Where a follower that keeps its position in the store (the purge hook, whose work
    /// lives outside the site) has got to in the log; `None` before it first saved one.
    async fn follower_position(&self, name: &str) -> Result<Option<i64>>;

    async fn save_follower_position(&self, name: &str, seq: i64) -> Result<()>;

    /// Try to become the site's one writer (`writer`): `None` while another process is.
    async fn try_writer_lease(&self) -> Result<Option<Box<dyn WriterLease>>>;

    /// Wait for this process's turn to read, decide and append (`writer`); the turn lasts
    /// until the `Decision` is dropped.
    async fn decision(&self) -> Result<Decision>;

    /// Wake `followers` whenever any process appends to the log, where the database can say
    /// so (PostgreSQL's LISTEN/NOTIFY); the followers' polling finds the appends otherwise.
    fn announce_appends_to(&self, _followers: &followers::Followers) {}
}

/// The current-state projection folded from the log: stories and the listings built on them.
#[async_trait]
pub trait Stories: Send + Sync + 'static {
    async fn story(&self, id: &StoryId) -> Result<Option<Story>>;

    /// The stories of `ids` that exist, in the order asked, in one trip to the store.
    async fn stories(&self, ids: &[StoryId]) -> Result<Vec<Story>>;

    /// Which of `ids` readers may see at `now` (the rule of `live`): what a coverage count
    /// needs, without reading the stories.
    async fn live_among(
        &self,
        ids: &[StoryId],
        now: Timestamp,
    ) -> Result<std::collections::HashSet<StoryId>>;

    /// Stories readers may see at `now`, newest first.
    async fn live(&self, listing: &Listing, now: Timestamp) -> Result<Vec<Story>>;

    /// The same stories, order and paging as `live`, as headers only.
    async fn live_headers(&self, listing: &Listing, now: Timestamp) -> Result<Vec<StoryHeader>>;

    /// The days with stories live at `now`, oldest first, from a stored summary: bounded by
    /// the number of days, not of stories.
    async fn live_days(&self, now: Timestamp) -> Result<Vec<LiveDay>>;

    /// When each topic's and each agency's live stories last changed, as of `now`.
    async fn sections_modified(&self, now: Timestamp) -> Result<SectionsModified>;

    /// The slugs of the agencies with a live story as of `now`, in order: one index seek per
    /// agency, however large the archive.
    async fn live_agencies(&self, now: Timestamp) -> Result<Vec<String>>;

    /// Stories published under an embargo that has not been lifted yet, with the time it
    /// ends, soonest first: what the embargo clock owes an `EmbargoLifted` event.
    async fn embargoes_pending(&self) -> Result<Vec<(StoryId, Timestamp)>>;

    /// The desk's queue, as of `now`.
    async fn queue(&self, filter: &QueueFilter, now: Timestamp) -> Result<Vec<Story>>;

    /// How many stories `filter` finds in each status, and how many of them are advisories,
    /// leaving its status and advisory settings aside.
    async fn queue_counts(&self, filter: &QueueFilter, now: Timestamp) -> Result<QueueCounts>;

    /// Live stories the desk pinned to the home page, most recently pinned first.
    async fn pinned(&self, now: Timestamp) -> Result<Vec<Story>>;

    /// Stories that readers could see and that were then taken down: killed
    /// (`PubStatus::Canceled`) or withheld by the agency (`PubStatus::Withheld`), so that a
    /// partner who synced them learns to remove them. A story taken down before it ever went
    /// live (held, or still under embargo) is not listed: nobody outside saw it. Ordered,
    /// filtered and paged like `live`, on the time the story went live; `Usable` lists nothing.
    async fn taken_down(
        &self,
        status: PubStatus,
        listing: &Listing,
        now: Timestamp,
    ) -> Result<Vec<Story>>;

    /// Every story in the projection, any status (for re-indexing).
    async fn all_stories(&self) -> Result<Vec<Story>>;

    /// Topics of live stories, most stories first, from a stored count per topic.
    async fn topics(&self, now: Timestamp) -> Result<Vec<TopicCount>>;
}

/// The page-view log behind "Hot this week" (kept beside the log: a view is not a change
/// of a story's state).
#[async_trait]
pub trait PageViews: Send + Sync + 'static {
    /// Readers opened story pages (bots are filtered before this): `count` views of a story
    /// within the hour starting at `hour` (views are kept per story and hour, not per request).
    async fn record_views(&self, views: &[(StoryId, Timestamp, u64)]) -> Result<()>;

    /// Stories by views since `since`, each view weighing half as much for every full day
    /// between its hour and `now`, hottest first: what "Hot this week" ranks by, so a story
    /// read today outranks one that was read more a week ago.
    async fn hottest(
        &self,
        now: Timestamp,
        since: Timestamp,
        limit: usize,
    ) -> Result<Vec<(StoryId, f64)>>;
}

/// A whole store: what the site's crates hold (`Arc<dyn Store>`). Every backend that keeps
/// the log, the stories and the page views is one.
pub trait Store: EventLog + Stories + PageViews {}

impl<T: EventLog + Stories + PageViews> Store for T {}
