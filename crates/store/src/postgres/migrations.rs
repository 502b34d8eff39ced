//! The schema: the tables a new PostgreSQL database (or schema, by `search_path`) gets.
//! Must not: drop or rewrite the event log.
//!
//! The same layout as SQLite's, times as BIGINT microseconds. Ids, agencies and topics compare
//! with the "C" collation (byte order, as SQLite's BINARY): the listings' keyset cursor and
//! their `ORDER BY id` tie-break must agree with each other and with SQLite whatever locale
//! the database was created with.

use crate::Result;

use super::PgStore;

/// Held while the schema is created, so that two stores opening one empty database at once
/// do not both create it (`CREATE TABLE IF NOT EXISTS` is not safe against itself).
const SCHEMA_LOCK: i64 = 0x5769_7265_6465_736b; // "Wiredesk"

pub(super) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS events (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    story_id TEXT COLLATE "C" NOT NULL,
    kind     TEXT   NOT NULL,
    at       BIGINT NOT NULL,
    payload  TEXT   NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_story ON events (story_id, seq);
CREATE INDEX IF NOT EXISTS events_by_at ON events (at);

CREATE TABLE IF NOT EXISTS stories (
    id        TEXT COLLATE "C" PRIMARY KEY,
    uri       TEXT NOT NULL UNIQUE,
    version   BIGINT NOT NULL,
    pubstatus TEXT NOT NULL,
    agency    TEXT COLLATE "C" NOT NULL,
    live_from BIGINT,
    went_live BIGINT,
    taken_down_at BIGINT,
    headline  TEXT,
    language  TEXT,
    modified  BIGINT,
    first_published BIGINT,
    embargo_lift_at BIGINT,
    pinned_at BIGINT,
    doc       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_by_live_from ON stories (live_from DESC, id DESC)
    WHERE live_from IS NOT NULL;
CREATE INDEX IF NOT EXISTS stories_by_agency ON stories (agency, live_from DESC)
    WHERE live_from IS NOT NULL;
CREATE INDEX IF NOT EXISTS stories_taken_down ON stories (pubstatus, went_live DESC, id DESC)
    WHERE went_live IS NOT NULL;
CREATE INDEX IF NOT EXISTS stories_awaiting_embargo ON stories (embargo_lift_at)
    WHERE embargo_lift_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS stories_pinned ON stories (pinned_at DESC)
    WHERE pinned_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS stories_by_modified ON stories (modified DESC, id DESC);
-- The queue's counts for one agency, and of its advisories (the expression is
-- `PG_ADVISORY`'s, or the query cannot use it).
CREATE INDEX IF NOT EXISTS stories_by_agency_status ON stories (agency, pubstatus, went_live);
CREATE INDEX IF NOT EXISTS stories_advisories ON stories (pubstatus, went_live)
    WHERE (doc::jsonb ->> 'not_for_publication') IS NOT NULL;
CREATE INDEX IF NOT EXISTS stories_advisories_by_agency ON stories (agency, pubstatus, went_live)
    WHERE (doc::jsonb ->> 'not_for_publication') IS NOT NULL;
-- Each section's newest live story (the sections sitemap): one seek per agency or topic.
CREATE INDEX IF NOT EXISTS stories_by_agency_modified ON stories (agency, modified DESC, live_from)
    WHERE live_from IS NOT NULL;

CREATE TABLE IF NOT EXISTS story_topics (
    story_id   TEXT COLLATE "C" NOT NULL,
    topic      TEXT COLLATE "C" NOT NULL,
    topic_name TEXT NOT NULL,
    live_from  BIGINT,
    PRIMARY KEY (topic, story_id)
);
-- Added since the first release; a copy of the story's, filled from the stories once.
ALTER TABLE story_topics ADD COLUMN IF NOT EXISTS modified BIGINT;
CREATE INDEX IF NOT EXISTS story_topics_by_story ON story_topics (story_id);
-- A topic's latest stories (topic pages and blocks, related) without sorting all of it.
CREATE INDEX IF NOT EXISTS story_topics_by_live_from
    ON story_topics (topic, live_from DESC, story_id DESC) WHERE live_from IS NOT NULL;
CREATE INDEX IF NOT EXISTS story_topics_by_modified ON story_topics (topic, modified DESC, live_from)
    WHERE live_from IS NOT NULL;

-- Summaries folded beside the stories (`columns::SummaryChanges`), as in SQLite's schema.
CREATE TABLE IF NOT EXISTS story_days (
    day     BIGINT PRIMARY KEY,
    live    BIGINT NOT NULL,
    changed BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS topic_stories (
    topic TEXT COLLATE "C" PRIMARY KEY,
    name  TEXT NOT NULL,
    live  BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS desk_counts (
    scope    TEXT COLLATE "C" NOT NULL,
    key      TEXT COLLATE "C" NOT NULL,
    status   TEXT COLLATE "C" NOT NULL,
    advisory BIGINT NOT NULL,
    stories  BIGINT NOT NULL,
    PRIMARY KEY (scope, key, status, advisory)
);

CREATE TABLE IF NOT EXISTS page_views (
    story_id TEXT COLLATE "C" NOT NULL,
    hour     BIGINT NOT NULL,
    views    BIGINT NOT NULL,
    PRIMARY KEY (story_id, hour)
);
CREATE INDEX IF NOT EXISTS page_views_by_hour ON page_views (hour);

CREATE TABLE IF NOT EXISTS follower_positions (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL
);
"#;

impl PgStore {
    /// Create the tables that are missing, the desk's (`accounts`) with them.
    pub(super) async fn create_schema(&self) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(SCHEMA_LOCK)
            .execute(&mut *tx)
            .await?;
        // A table made before `story_topics.modified` gains it below and is filled here once.
        let topics_lack_modified: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables
                            WHERE table_schema = current_schema() AND table_name = 'story_topics')
               AND NOT EXISTS (SELECT 1 FROM information_schema.columns
                               WHERE table_schema = current_schema()
                                 AND table_name = 'story_topics' AND column_name = 'modified')",
        )
        .fetch_one(&mut *tx)
        .await?;
        sqlx::raw_sql(SCHEMA).execute(&mut *tx).await?;
        if topics_lack_modified {
            sqlx::query(
                "UPDATE story_topics t SET modified = s.modified FROM stories s
                 WHERE s.id = t.story_id",
            )
            .execute(&mut *tx)
            .await?;
        }
        sqlx::raw_sql(crate::accounts::PG_SCHEMA)
            .execute(&mut *tx)
            .await?;
        // A database made before the summaries fills them from its stories, once (the rule
        // and its reasoning are SQLite's `fill_summaries`).
        sqlx::query(
            "INSERT INTO story_days (day, live, changed)
             SELECT live_from / $1, COUNT(*), COALESCE(MAX(modified), MAX(live_from))
             FROM stories WHERE live_from IS NOT NULL AND NOT EXISTS (SELECT 1 FROM story_days)
             GROUP BY 1",
        )
        .bind(crate::columns::DAY_MICROS)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO topic_stories (topic, name, live)
             SELECT topic, MAX(topic_name), COUNT(*) FROM story_topics
             WHERE live_from IS NOT NULL AND NOT EXISTS (SELECT 1 FROM topic_stories)
             GROUP BY topic",
        )
        .execute(&mut *tx)
        .await?;
        let desk = crate::queue_sql::fill_desk_counts(super::PG_ADVISORY);
        // Built only from constants and the enums' fixed names.
        sqlx::query(sqlx::AssertSqlSafe(desk))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
