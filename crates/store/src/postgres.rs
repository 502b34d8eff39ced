//! The server store: the log and projections in PostgreSQL, for sites that outgrow one file
//! (`wiredesk … --database-url postgres://…` or `[store] url` selects it).
//!
//! The same layout and rules as SQLite's (`sqlite.rs`): times as BIGINT microseconds, the
//! whole story as JSON text beside the columns the listings filter and sort on, and the row's
//! values and the folding of events from `columns`, shared by both. Only the SQL differs.
//!
//! Layout: `migrations` (schema), `events` (folding events into the projections), `listings`
//! (the live listings' query); the `Store` implementation and page views stay here.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions, PgRow};
use sqlx::{Connection, PgPool, Row};
use wiredesk_model::{PubStatus, Story, StoryEvent, StoryId};

use crate::columns::{
    Bounds, decode_event, decode_story, from_micros, header_from_columns, hour_of, like_pattern,
    micros,
};
use crate::writer::{Decision, WriterLease};
use crate::{
    DeskStatus, EventLog, Listing, LiveDay, PageViews, QueueCounts, QueueFilter, RecordedEvent,
    Result, SectionsModified, Stories, StoryHeader, TopicCount, queue_sql,
};

mod events;
mod listings;
mod migrations;
mod writer;

/// Held by every transaction that writes the log (`append`, `rebuild_projections`) until it
/// commits. A sequence hands out numbers when rows are inserted, not when they commit, so two
/// appenders could commit seq 8 after seq 9; a follower that read 9 and moved on would never
/// see 8. One writer at a time makes commit order the log's order, as SQLite's write lock does.
const LOG_LOCK: i64 = 0x5769_7265_6465_736c;

pub struct PgStore {
    pub(crate) pool: PgPool,
    /// For the writer's lease, which needs a connection of its own.
    options: PgConnectOptions,
    /// Where appends are announced (NOTIFY): one channel per schema, so sites sharing a
    /// server do not wake each other.
    channel: String,
}

/// A story held as not for publication, over the row `s`.
const PG_ADVISORY: &str = "(s.doc::jsonb ->> 'not_for_publication') IS NOT NULL";
/// The queue's filters over the row `s`: agency $1, topic $2, text $3 (a pattern; ILIKE,
/// since SQLite's LIKE ignores the case of ASCII letters and PostgreSQL's does not).
const PG_QUEUE_FILTERS: &str = "($1::text IS NULL OR s.agency = $1)
    AND ($2::text IS NULL OR EXISTS (
          SELECT 1 FROM story_topics t WHERE t.story_id = s.id AND t.topic = $2))
    AND ($3::text IS NULL OR s.headline ILIKE $3 OR s.uri ILIKE $3
         OR (s.doc::jsonb ->> 'agency_headline') ILIKE $3)";

impl PgStore {
    /// Connect to the database at `url` (`postgres://user@host/db`), creating the tables that
    /// are missing.
    pub async fn connect(url: &str) -> Result<PgStore> {
        Self::connect_with(PgConnectOptions::from_str(url)?).await
    }

    /// The same, with options already made (a `search_path`, say, to keep the tables in a
    /// schema of their own).
    pub async fn connect_with(options: PgConnectOptions) -> Result<PgStore> {
        // A pool that cannot connect only says it timed out, 30 s later; one connection first
        // says why (refused, no such host, password) at once.
        PgConnection::connect_with(&options).await?.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            // Not sqlx's 30 s: a server that is down should show as a 503 while a reader
            // still waits, not after they left.
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect_with(options.clone())
            .await?;
        let schema: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(&pool)
            .await?;
        let store = PgStore {
            pool,
            options,
            channel: channel_of(&schema),
        };
        store.create_schema().await?;
        Ok(store)
    }

    /// The desk's accounts, sessions and audit log, in the same database.
    pub fn accounts(&self) -> crate::accounts::Accounts {
        crate::accounts::Accounts::postgres(self.pool.clone())
    }

    /// Begin a transaction that writes the log, holding `LOG_LOCK`.
    async fn begin_log_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(LOG_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

/// `wiredesk_log SCHEMA`, cut to PostgreSQL's 63-byte names (a cut name at worst wakes
/// another site's followers for nothing).
fn channel_of(schema: &str) -> String {
    let mut channel = format!("wiredesk_log {schema}");
    let mut end = channel.len().min(63);
    while !channel.is_char_boundary(end) {
        end -= 1;
    }
    channel.truncate(end);
    channel
}

/// Ids as text, for `= ANY($1)`: one bound parameter however long the list.
fn id_list(ids: &[StoryId]) -> Vec<String> {
    ids.iter().map(|id| id.as_str().to_string()).collect()
}

fn stories_of(rows: Vec<PgRow>) -> Result<Vec<Story>> {
    rows.iter()
        .map(|r| decode_story(r.get::<&str, _>(0)))
        .collect()
}

fn events_of(rows: Vec<PgRow>) -> Result<Vec<RecordedEvent>> {
    rows.iter()
        .map(|r| decode_event(r.get(0), r.get(1), r.get::<&str, _>(2)))
        .collect()
}

#[async_trait]
impl EventLog for PgStore {
    async fn append(&self, events: Vec<(StoryEvent, Timestamp)>) -> Result<Vec<RecordedEvent>> {
        let mut tx = self.begin_log_write().await?;
        let seqs = Self::append_batch(&mut tx, &events).await?;
        let recorded: Vec<RecordedEvent> = seqs
            .into_iter()
            .zip(events)
            .map(|(seq, (event, at))| RecordedEvent { seq, at, event })
            .collect();
        if let Some(last) = recorded.last() {
            // Delivered at commit, to every process listening (`listen_for_appends`).
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(&self.channel)
                .bind(last.seq.to_string())
                .execute(&mut *tx)
                .await?;
        }
        crate::crash::point(crate::crash::IN_STORE_COMMIT);
        tx.commit().await?;
        crate::crash::point(crate::crash::AFTER_STORE_COMMIT);
        Ok(recorded)
    }

    async fn events_after(&self, after_seq: i64, limit: usize) -> Result<Vec<RecordedEvent>> {
        let rows =
            sqlx::query("SELECT seq, at, payload FROM events WHERE seq > $1 ORDER BY seq LIMIT $2")
                .bind(after_seq)
                .bind(limit as i64)
                .fetch_all(&self.pool)
                .await?;
        events_of(rows)
    }

    async fn latest_seq(&self) -> Result<i64> {
        let seq: Option<i64> = sqlx::query("SELECT MAX(seq) FROM events")
            .fetch_one(&self.pool)
            .await?
            .get(0);
        Ok(seq.unwrap_or(0))
    }

    async fn seq_before(&self, at: Timestamp) -> Result<i64> {
        let first: Option<i64> = sqlx::query("SELECT MIN(seq) FROM events WHERE at >= $1")
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
            sqlx::query("SELECT seq, at, payload FROM events WHERE story_id = $1 ORDER BY seq")
                .bind(id.as_str())
                .fetch_all(&self.pool)
                .await?;
        events_of(rows)
    }

    async fn follower_position(&self, name: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query("SELECT seq FROM follower_positions WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.get(0)),
        )
    }

    async fn save_follower_position(&self, name: &str, seq: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO follower_positions (name, seq) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET seq = excluded.seq",
        )
        .bind(name)
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn try_writer_lease(&self) -> Result<Option<Box<dyn WriterLease>>> {
        self.try_lease().await
    }

    async fn decision(&self) -> Result<Decision> {
        self.take_decision().await
    }

    fn announce_appends_to(&self, followers: &crate::followers::Followers) {
        self.listen_for_appends(followers);
    }

    async fn rebuild_projections(&self) -> Result<u64> {
        // The log lock keeps appends out until the projections are whole again.
        let mut tx = self.begin_log_write().await?;
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
                "SELECT seq, at, payload FROM events WHERE seq > $1 ORDER BY seq LIMIT 1000",
            )
            .bind(after)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                break;
            }
            for recorded in events_of(rows)? {
                after = recorded.seq;
                Self::fold(&mut tx, &mut cache, &recorded.event, recorded.at).await?;
                folded += 1;
            }
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
impl Stories for PgStore {
    async fn story(&self, id: &StoryId) -> Result<Option<Story>> {
        let mut conn = self.pool.acquire().await?;
        Self::load(&mut conn, id).await
    }

    async fn stories(&self, ids: &[StoryId]) -> Result<Vec<Story>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query("SELECT id, doc FROM stories WHERE id = ANY($1)")
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
            "SELECT id FROM stories WHERE id = ANY($1)
               AND live_from IS NOT NULL AND live_from <= $2",
        )
        .bind(id_list(ids))
        .bind(micros(now))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| StoryId(r.get(0))).collect())
    }

    async fn live(&self, listing: &Listing, now: Timestamp) -> Result<Vec<Story>> {
        stories_of(self.live_rows(listing, now, "s.doc").await?)
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
            sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(crate::live_agencies_sql("$1")))
                .bind(micros(now))
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(a,)| a).collect())
    }

    async fn sections_modified(&self, now: Timestamp) -> Result<SectionsModified> {
        // One seek per section down its newest-modified index, past the few stories still
        // under embargo; the sections from the topic summary and the agencies' index walk.
        let topics = sqlx::query_as::<_, (String, Option<i64>)>(
            "SELECT x.topic, (SELECT t.modified FROM story_topics t
                              WHERE t.topic = x.topic AND t.live_from IS NOT NULL
                                AND t.live_from <= $1
                              ORDER BY t.modified DESC LIMIT 1)
             FROM topic_stories x WHERE x.live > 0 ORDER BY x.topic",
        )
        .bind(micros(now))
        .fetch_all(&self.pool)
        .await?;
        let live = self.live_agencies(now).await?;
        let agencies = sqlx::query_as::<_, (String, Option<i64>)>(
            "SELECT a, (SELECT s.modified FROM stories s
                        WHERE s.agency = a AND s.live_from IS NOT NULL AND s.live_from <= $1
                        ORDER BY s.modified DESC LIMIT 1)
             FROM UNNEST($2::text[]) a ORDER BY a COLLATE \"C\"",
        )
        .bind(micros(now))
        .bind(live)
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
            "SELECT s.doc FROM stories s WHERE {PG_QUEUE_FILTERS}
               AND (NOT $5 OR {PG_ADVISORY}) AND ($6::text IS NULL OR $6 = {status})
             ORDER BY s.modified DESC, s.id DESC LIMIT $7 OFFSET $8",
            status = queue_sql::desk_status("$4"),
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
        stories_of(rows)
    }

    async fn queue_counts(&self, filter: &QueueFilter, now: Timestamp) -> Result<QueueCounts> {
        let summary = queue_sql::summary_counts(filter, |n| format!("${n}"), PG_ADVISORY);
        if let (None, Some((stored, embargoed, key))) =
            (like_pattern(filter.text.as_deref()), summary)
        {
            return Ok(queue_sql::fetch_summary_counts!(
                &self.pool,
                (stored, embargoed, key),
                micros(now)
            ));
        }
        let Some(text) = like_pattern(filter.text.as_deref()) else {
            // With an agency and a topic: from indexes, never the stories' documents
            // (`queue_sql::indexed_counts`).
            let (by_status, advisories, values) =
                queue_sql::indexed_counts(filter, |n| format!("${n}"), PG_ADVISORY, "JOIN");
            // Built only from constants and the enums' fixed names; every value is bound.
            let mut all = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(by_status))
                .bind(micros(now));
            let mut held = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(advisories))
                .bind(micros(now));
            for v in &values {
                all = all.bind(*v);
                held = held.bind(*v);
            }
            let all = all.fetch_all(&self.pool).await?;
            let held = held.fetch_all(&self.pool).await?;
            return Ok(queue_sql::counts(queue_sql::merged(all, held)));
        };
        // Words anywhere in a headline have no index: this reads every row the other
        // filters leave, the whole archive without them.
        let sql = format!(
            "SELECT {status} AS desk_status, COUNT(*),
                    SUM(CASE WHEN {PG_ADVISORY} THEN 1 ELSE 0 END)
             FROM stories s WHERE {PG_QUEUE_FILTERS} GROUP BY desk_status",
            status = queue_sql::desk_status("$4"),
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
            "SELECT doc FROM stories
             WHERE pinned_at IS NOT NULL AND live_from IS NOT NULL AND live_from <= $1
             ORDER BY pinned_at DESC, id DESC",
        )
        .bind(micros(now))
        .fetch_all(&self.pool)
        .await?;
        stories_of(rows)
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
             WHERE s.pubstatus = $1 AND s.went_live IS NOT NULL
               AND s.taken_down_at IS NOT NULL AND s.went_live <= s.taken_down_at
               AND s.went_live >= $2 AND s.went_live <= $3
               AND (s.went_live < $4 OR (s.went_live = $4 AND s.id < $5))
               AND ($6::text IS NULL OR s.agency = $6)
               AND ($7::text IS NULL OR EXISTS (
                     SELECT 1 FROM story_topics t WHERE t.story_id = s.id AND t.topic = $7))
             ORDER BY s.went_live DESC, s.id DESC LIMIT $8 OFFSET $9",
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
        stories_of(rows)
    }

    async fn all_stories(&self) -> Result<Vec<Story>> {
        let rows = sqlx::query("SELECT doc FROM stories ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        stories_of(rows)
    }

    async fn topics(&self, now: Timestamp) -> Result<Vec<TopicCount>> {
        let stored = sqlx::query_as::<_, (String, String, i64)>(
            "SELECT topic, name, live FROM topic_stories WHERE live > 0",
        )
        .fetch_all(&self.pool)
        .await?;
        // The stories counted that go live later (embargoes): few, from `stories_by_live_from`.
        let future = sqlx::query_as::<_, (String, i64)>(
            "SELECT t.topic, COUNT(*) FROM stories s JOIN story_topics t ON t.story_id = s.id
             WHERE s.live_from IS NOT NULL AND s.live_from > $1 GROUP BY t.topic",
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
            "SELECT live_from FROM stories WHERE live_from IS NOT NULL AND live_from > $1",
        )
        .bind(micros(now))
        .fetch_all(&self.pool)
        .await?;
        Ok(crate::columns::live_days(stored, &future, now))
    }
}

#[async_trait]
impl PageViews for PgStore {
    async fn record_views(&self, views: &[(StoryId, Timestamp, u64)]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for (id, at, count) in views {
            sqlx::query(
                "INSERT INTO page_views (story_id, hour, views) VALUES ($1, $2, $3)
                 ON CONFLICT (story_id, hour) DO UPDATE SET views = page_views.views + excluded.views",
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
        // Halving per whole day of age, as a shift, the same arithmetic as SQLite's so the
        // scores are equal to the last bit.
        let rows = sqlx::query(
            "SELECT story_id,
                    SUM(views::FLOAT8 / (1::BIGINT << LEAST(62, GREATEST(0, ($1 - hour) / 24))::INT))
                      AS score
             FROM page_views WHERE hour >= $2
             GROUP BY story_id ORDER BY score DESC, story_id LIMIT $3",
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
