//! The embedded default: the log and projections in one SQLite file (WAL mode).
//!
//! Times are stored as integer microseconds since the Unix epoch so that ordering and range
//! queries stay in the database. The `stories` row keeps the whole story as JSON beside the
//! few columns the listings filter and sort on.
//!
//! Layout: `migrations` (schema and upgrades), `events` (folding events into the projections),
//! `listings` (the live listings' bounds and query); the `Store` implementation and page views
//! stay here, as a trait's implementation is one block.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use wiredesk_model::{PubStatus, Story, StoryEvent, StoryId};

use crate::writer::{Decision, WriterLease};
use crate::{
    DeskStatus, EventLog, Listing, LiveDay, PageViews, QueueCounts, QueueFilter, RecordedEvent,
    Result, SectionsModified, Stories, StoryHeader, TopicCount, queue_sql,
};

mod events;
mod listings;
mod migrations;

use crate::columns::{
    Bounds, SummaryChanges, decode_event, decode_story, from_micros, header_from_columns, hour_of,
    like_pattern, micros,
};
use migrations::SCHEMA;

pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
    /// The database file, beside which the writer's lease and the decision lock are kept as
    /// file locks; `None` in memory, where one process is all there is.
    path: Option<PathBuf>,
}

/// A lock file beside the database: `wiredesk.db.writer`, `wiredesk.db.decide`. Closing it
/// (or the process ending, however) releases its lock.
fn lock_file(db: &Path, suffix: &str) -> std::io::Result<std::fs::File> {
    let mut name = db.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(name)
}

/// The file lock is the lease: it lasts as long as this process holds the file open.
struct FileLease {
    _file: Option<std::fs::File>,
}

#[async_trait]
impl WriterLease for FileLease {
    async fn check(&mut self) -> Result<()> {
        Ok(())
    }
}

/// A story held as not for publication, over the row `s`.
const SQLITE_ADVISORY: &str = "json_extract(s.doc, '$.not_for_publication') IS NOT NULL";
/// The queue's filters over the row `s`: agency ?1, topic ?2, text ?3 (a LIKE pattern).
const SQLITE_QUEUE_FILTERS: &str = "(?1 IS NULL OR s.agency = ?1)
    AND (?2 IS NULL OR EXISTS (
          SELECT 1 FROM story_topics t WHERE t.story_id = s.id AND t.topic = ?2))
    AND (?3 IS NULL OR s.headline LIKE ?3 ESCAPE '\\' OR s.uri LIKE ?3 ESCAPE '\\'
         OR json_extract(s.doc, '$.agency_headline') LIKE ?3 ESCAPE '\\')";

impl SqliteStore {
    /// Open (creating if needed) the database file.
    pub async fn open(path: &Path) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL + NORMAL is durable against process crashes, which is what "an accepted story
            // is never lost" needs; only a power cut can drop the last transactions.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        let mut store = Self::with_pool(pool).await?;
        store.path = Some(path.to_path_buf());
        Ok(store)
    }

    /// A private in-memory database, for tests and tools.
    pub async fn in_memory() -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
        // One connection: every connection to :memory: would be a different database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        Self::with_pool(pool).await
    }

    async fn with_pool(pool: SqlitePool) -> Result<SqliteStore> {
        sqlx::raw_sql(SCHEMA).execute(&pool).await?;
        sqlx::raw_sql(crate::accounts::SQLITE_SCHEMA)
            .execute(&pool)
            .await?;
        crate::accounts::migrate(&pool).await?;
        let store = SqliteStore { pool, path: None };
        store.migrate().await?;
        Ok(store)
    }

    /// The desk's accounts, sessions and audit log, in the same database.
    pub fn accounts(&self) -> crate::accounts::Accounts {
        crate::accounts::Accounts::sqlite(self.pool.clone())
    }
}

/// Ids as a JSON array, for `json_each`: one bound parameter however long the list.
fn id_list(ids: &[StoryId]) -> String {
    serde_json::to_string(&ids.iter().map(StoryId::as_str).collect::<Vec<_>>())
        .expect("strings always serialize")
}

#[async_trait]
impl EventLog for SqliteStore {
    async fn append(&self, events: Vec<(StoryEvent, Timestamp)>) -> Result<Vec<RecordedEvent>> {
        let mut tx = self.pool.begin().await?;
        let seqs = Self::append_batch(&mut tx, &events).await?;
        crate::crash::point(crate::crash::IN_STORE_COMMIT);
        tx.commit().await?;
        crate::crash::point(crate::crash::AFTER_STORE_COMMIT);
        Ok(seqs
            .into_iter()
            .zip(events)
            .map(|(seq, (event, at))| RecordedEvent { seq, at, event })
            .collect())
    }

    async fn events_after(&self, after_seq: i64, limit: usize) -> Result<Vec<RecordedEvent>> {
        let rows =
            sqlx::query("SELECT seq, at, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?")
                .bind(after_seq)
                .bind(limit as i64)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| decode_event(r.get(0), r.get(1), r.get::<&str, _>(2)))
            .collect()
    }

    async fn latest_seq(&self) -> Result<i64> {
        let seq: Option<i64> = sqlx::query("SELECT MAX(seq) FROM events")
            .fetch_one(&self.pool)
            .await?
            .get(0);
        Ok(seq.unwrap_or(0))
    }

    async fn seq_before(&self, at: Timestamp) -> Result<i64> {
        let first: Option<i64> = sqlx::query("SELECT MIN(seq) FROM events WHERE at >= ?")
            .bind(micros(at))
            .fetch_one(&self.pool)
            .await?
            .get(0);
        match first {
            Some(seq) => Ok(seq - 1),
            None => self.latest_seq().await,
        }
    }

    async fn history(&self, id: &StoryId) -> Result<Vec<RecordedEvent>> {
        let rows =
            sqlx::query("SELECT seq, at, payload FROM events WHERE story_id = ? ORDER BY seq")
                .bind(id.as_str())
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| decode_event(r.get(0), r.get(1), r.get::<&str, _>(2)))
            .collect()
    }

    async fn follower_position(&self, name: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query("SELECT seq FROM follower_positions WHERE name = ?")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.get(0)),
        )
    }

    async fn save_follower_position(&self, name: &str, seq: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO follower_positions (name, seq) VALUES (?, ?) \
             ON CONFLICT (name) DO UPDATE SET seq = excluded.seq",
        )
        .bind(name)
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn try_writer_lease(&self) -> Result<Option<Box<dyn WriterLease>>> {
        let Some(db) = &self.path else {
            return Ok(Some(Box::new(FileLease { _file: None })));
        };
        let file = lock_file(db, "writer")?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Box::new(FileLease { _file: Some(file) }))),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
        }
    }

    async fn decision(&self) -> Result<Decision> {
        let Some(db) = self.path.clone() else {
            return Ok(Decision::holding(()));
        };
        // A file of its own each time: a lock on another open file of the same name blocks
        // even within this process, which a shared one would not.
        let file = tokio::task::spawn_blocking(move || {
            let file = lock_file(&db, "decide")?;
            file.lock()?;
            Ok::<_, std::io::Error>(file)
        })
        .await
        .expect("the lock-file task does not panic")?;
        Ok(Decision::holding(file))
    }

    async fn rebuild_projections(&self) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM story_topics")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM stories").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM story_days")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM topic_stories")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM desk_counts")
            .execute(&mut *tx)
            .await?;
        let mut cache = HashMap::new();
        let mut after = 0i64;
        let mut folded = 0u64;
        loop {
            let rows = sqlx::query(
                "SELECT seq, at, payload FROM events WHERE seq > ? ORDER BY seq LIMIT 1000",
            )
            .bind(after)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                break;
            }
            let mut summaries = SummaryChanges::default();
            for r in &rows {
                let recorded = decode_event(r.get(0), r.get(1), r.get::<&str, _>(2))?;
                after = recorded.seq;
                Self::fold(
                    &mut tx,
                    &mut cache,
                    &mut summaries,
                    &recorded.event,
                    recorded.at,
                )
                .await?;
                folded += 1;
            }
            Self::write_summaries(&mut tx, &summaries).await?;
            // Keep the fold cache from growing with the whole archive.
            if cache.len() > 50_000 {
                cache.clear();
            }
        }
        tx.commit().await?;
        Ok(folded)
    }
}

#[async_trait]
impl Stories for SqliteStore {
    async fn story(&self, id: &StoryId) -> Result<Option<Story>> {
        let mut conn = self.pool.acquire().await?;
        Self::load(&mut conn, id).await
    }

    async fn stories(&self, ids: &[StoryId]) -> Result<Vec<Story>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // One statement for the whole list: a query per id costs a round trip to sqlx's
        // connection thread each, which dominated page renders.
        let rows =
            sqlx::query("SELECT id, doc FROM stories WHERE id IN (SELECT value FROM json_each(?))")
                .bind(id_list(ids))
                .fetch_all(&self.pool)
                .await?;
        let mut found: HashMap<String, Story> = HashMap::with_capacity(rows.len());
        for row in rows {
            found.insert(row.get(0), decode_story(row.get::<&str, _>(1))?);
        }
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id.as_str()).cloned())
            .collect())
    }

    async fn live_among(&self, ids: &[StoryId], now: Timestamp) -> Result<HashSet<StoryId>> {
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        let rows = sqlx::query(
            "SELECT id FROM stories WHERE id IN (SELECT value FROM json_each(?1))
               AND live_from IS NOT NULL AND live_from <= ?2",
        )
        .bind(id_list(ids))
        .bind(micros(now))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| StoryId(r.get(0))).collect())
    }

    async fn live(&self, listing: &Listing, now: Timestamp) -> Result<Vec<Story>> {
        self.live_rows(listing, now, "s.doc")
            .await?
            .into_iter()
            .map(|r| decode_story(r.get::<&str, _>(0)))
            .collect()
    }

    async fn live_headers(&self, listing: &Listing, now: Timestamp) -> Result<Vec<StoryHeader>> {
        let columns = "s.id, s.headline, s.language, s.agency, s.live_from, s.modified, \
                       s.first_published";
        let rows = self.live_rows(listing, now, columns).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                header_from_columns(
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    r.get(3),
                    r.get(4),
                    r.get(5),
                    r.get(6),
                )
            })
            .collect())
    }

    async fn live_agencies(&self, now: Timestamp) -> Result<Vec<String>> {
        // Built from a constant; the time is bound.
        let rows =
            sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(crate::live_agencies_sql("?1")))
                .bind(micros(now))
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(a,)| a).collect())
    }

    async fn sections_modified(&self, now: Timestamp) -> Result<SectionsModified> {
        // One seek per section down its newest-modified index, past the few stories still
        // under embargo; the sections from the topic summary and the agencies' index walk.
        // INDEXED BY: the planner cannot tell that LIMIT 1 makes the walk short.
        let topics = sqlx::query_as::<_, (String, Option<i64>)>(
            "SELECT x.topic, (SELECT t.modified FROM story_topics t
                                INDEXED BY story_topics_by_modified
                              WHERE t.topic = x.topic AND t.live_from IS NOT NULL
                                AND t.live_from <= ?1
                              ORDER BY t.modified DESC LIMIT 1)
             FROM topic_stories x WHERE x.live > 0 ORDER BY x.topic",
        )
        .bind(micros(now))
        .fetch_all(&self.pool)
        .await?;
        let live = self.live_agencies(now).await?;
        let agencies = sqlx::query_as::<_, (String, Option<i64>)>(
            "SELECT a.value, (SELECT s.modified FROM stories s
                                INDEXED BY stories_by_agency_modified
                              WHERE s.agency = a.value AND s.live_from IS NOT NULL
                                AND s.live_from <= ?1
                              ORDER BY s.modified DESC LIMIT 1)
             FROM json_each(?2) a ORDER BY a.value",
        )
        .bind(micros(now))
        .bind(serde_json::to_string(&live).expect("strings serialize"))
        .fetch_all(&self.pool)
        .await?;
        Ok(SectionsModified::of(topics, agencies))
    }

    async fn embargoes_pending(&self) -> Result<Vec<(StoryId, Timestamp)>> {
        let rows = sqlx::query(
            "SELECT id, embargo_lift_at FROM stories WHERE embargo_lift_at IS NOT NULL
             ORDER BY embargo_lift_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (StoryId(r.get(0)), from_micros(r.get(1))))
            .collect())
    }

    async fn queue(&self, filter: &QueueFilter, now: Timestamp) -> Result<Vec<Story>> {
        let sql = format!(
            "SELECT s.doc FROM stories s WHERE {SQLITE_QUEUE_FILTERS}
               AND (?5 = 0 OR {SQLITE_ADVISORY}) AND (?6 IS NULL OR ?6 = {status})
             ORDER BY s.modified DESC, s.id DESC LIMIT ?7 OFFSET ?8",
            status = queue_sql::desk_status("?4"),
        );
        // Built only from constants and the enums' fixed names; every value is bound.
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(filter.agency.as_deref())
            .bind(filter.topic.as_deref())
            .bind(like_pattern(filter.text.as_deref()))
            .bind(micros(now))
            .bind(filter.advisories)
            .bind(filter.status.map(DeskStatus::as_str))
            .bind(filter.limit.max(1) as i64)
            .bind(filter.offset as i64)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| decode_story(r.get::<&str, _>(0)))
            .collect()
    }

    async fn queue_counts(&self, filter: &QueueFilter, now: Timestamp) -> Result<QueueCounts> {
        let Some(text) = like_pattern(filter.text.as_deref()) else {
            return self.queue_counts_without_text(filter, now).await;
        };
        // Words anywhere in a headline have no index: this reads every row the other
        // filters leave, the whole archive without them.
        let sql = format!(
            "SELECT {status} AS desk_status, COUNT(*),
                    SUM(CASE WHEN {SQLITE_ADVISORY} THEN 1 ELSE 0 END)
             FROM stories s WHERE {SQLITE_QUEUE_FILTERS} GROUP BY desk_status",
            status = queue_sql::desk_status("?4"),
        );
        let rows = sqlx::query_as::<_, (String, i64, i64)>(sqlx::AssertSqlSafe(sql))
            .bind(filter.agency.as_deref())
            .bind(filter.topic.as_deref())
            .bind(text)
            .bind(micros(now))
            .fetch_all(&self.pool)
            .await?;
        Ok(queue_sql::counts(rows))
    }

    async fn pinned(&self, now: Timestamp) -> Result<Vec<Story>> {
        let rows = sqlx::query(
            // `+live_from`: from `stories_pinned`, the few pins, not from every live story,
            // which the planner would otherwise walk.
            "SELECT doc FROM stories
             WHERE pinned_at IS NOT NULL AND +live_from IS NOT NULL AND +live_from <= ?1
             ORDER BY pinned_at DESC, id DESC",
        )
        .bind(micros(now))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| decode_story(r.get::<&str, _>(0)))
            .collect()
    }

    async fn taken_down(
        &self,
        status: PubStatus,
        listing: &Listing,
        now: Timestamp,
    ) -> Result<Vec<Story>> {
        if status == PubStatus::Usable {
            return Ok(Vec::new());
        }
        let b = Bounds::of(listing, now);
        let rows = sqlx::query(
            "SELECT s.doc FROM stories s
             WHERE s.pubstatus = ?1 AND s.went_live IS NOT NULL
               AND s.taken_down_at IS NOT NULL AND s.went_live <= s.taken_down_at
               AND s.went_live >= ?2 AND s.went_live <= ?3
               AND (s.went_live < ?4 OR (s.went_live = ?4 AND s.id < ?5))
               AND (?6 IS NULL OR s.agency = ?6)
               AND (?7 IS NULL OR EXISTS (
                     SELECT 1 FROM story_topics t WHERE t.story_id = s.id AND t.topic = ?7))
             ORDER BY s.went_live DESC, s.id DESC LIMIT ?8 OFFSET ?9",
        )
        .bind(status.as_str())
        .bind(b.lowest)
        .bind(b.highest)
        .bind(b.before_t)
        .bind(b.before_id)
        .bind(listing.agency.as_deref())
        .bind(listing.topic.as_deref())
        .bind(listing.limit.max(1) as i64)
        .bind(listing.offset as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| decode_story(r.get::<&str, _>(0)))
            .collect()
    }

    async fn all_stories(&self) -> Result<Vec<Story>> {
        let rows = sqlx::query("SELECT doc FROM stories ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| decode_story(r.get::<&str, _>(0)))
            .collect()
    }

    async fn topics(&self, now: Timestamp) -> Result<Vec<TopicCount>> {
        let stored = sqlx::query_as::<_, (String, String, i64)>(
            "SELECT topic, name, live FROM topic_stories WHERE live > 0",
        )
        .fetch_all(&self.pool)
        .await?;
        // The stories counted that go live later (embargoes): few, from `stories_by_live_from`.
        let future = sqlx::query_as::<_, (String, i64)>(
            "SELECT t.topic, COUNT(*) FROM stories s CROSS JOIN story_topics t
             ON t.story_id = s.id
             WHERE s.live_from IS NOT NULL AND s.live_from > ?1 GROUP BY t.topic",
        )
        .bind(micros(now))
        .fetch_all(&self.pool)
        .await?;
        Ok(crate::columns::live_topics(stored, &future))
    }

    async fn live_days(&self, now: Timestamp) -> Result<Vec<LiveDay>> {
        let stored = sqlx::query_as::<_, (i64, i64, i64)>(
            "SELECT day, live, changed FROM story_days WHERE live > 0 ORDER BY day",
        )
        .fetch_all(&self.pool)
        .await?;
        let future: Vec<i64> = sqlx::query_scalar(
            "SELECT live_from FROM stories WHERE live_from IS NOT NULL AND live_from > ?1",
        )
        .bind(micros(now))
        .fetch_all(&self.pool)
        .await?;
        Ok(crate::columns::live_days(stored, &future, now))
    }
}

impl SqliteStore {
    /// The queue's counts without a text filter, the page every open desk refreshes: read
    /// from the `desk_counts` summary (`queue_sql::summary_counts`), or with both an agency
    /// and a topic from indexes (`queue_sql::indexed_counts`), never the stories' documents.
    async fn queue_counts_without_text(
        &self,
        filter: &QueueFilter,
        now: Timestamp,
    ) -> Result<QueueCounts> {
        if let Some((stored, embargoed, key)) =
            queue_sql::summary_counts(filter, |n| format!("?{n}"), SQLITE_ADVISORY)
        {
            return Ok(queue_sql::fetch_summary_counts!(
                &self.pool,
                (stored, embargoed, key),
                micros(now)
            ));
        }
        let (by_status, advisories, values) = queue_sql::indexed_counts(
            filter,
            |n| format!("?{n}"),
            SQLITE_ADVISORY,
            // SQLite's way to make the topic's rows lead the join.
            "CROSS JOIN",
        );
        // Built only from constants and the enums' fixed names; every value is bound.
        let mut all =
            sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(by_status)).bind(micros(now));
        let mut held =
            sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(advisories)).bind(micros(now));
        for v in &values {
            all = all.bind(*v);
            held = held.bind(*v);
        }
        let all = all.fetch_all(&self.pool).await?;
        let held = held.fetch_all(&self.pool).await?;
        Ok(queue_sql::counts(queue_sql::merged(all, held)))
    }
}

#[async_trait]
impl PageViews for SqliteStore {
    async fn record_views(&self, views: &[(StoryId, Timestamp, u64)]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for (id, at, count) in views {
            sqlx::query(
                "INSERT INTO page_views (story_id, hour, views) VALUES (?, ?, ?)
                 ON CONFLICT (story_id, hour) DO UPDATE SET views = views + excluded.views",
            )
            .bind(id.as_str())
            .bind(hour_of(*at))
            .bind(*count as i64)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn hottest(
        &self,
        now: Timestamp,
        since: Timestamp,
        limit: usize,
    ) -> Result<Vec<(StoryId, f64)>> {
        // Halving per whole day of age, as a shift: SQLite's math functions are optional.
        let rows = sqlx::query(
            "SELECT story_id, SUM(views * 1.0 / (1 << MIN(62, MAX(0, (?1 - hour) / 24)))) AS score
             FROM page_views WHERE hour >= ?2
             GROUP BY story_id ORDER BY score DESC, story_id LIMIT ?3",
        )
        .bind(hour_of(now))
        .bind(hour_of(since))
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| (StoryId(r.get(0)), r.get::<f64, _>(1)))
            .collect())
    }
}

#[cfg(test)]
mod tests;
