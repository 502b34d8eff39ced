//! The schema and its migrations: the tables a new database gets, and what a database made by
//! an older Wiredesk gains (columns, then indexes on them) before it is used.
//! Must not: drop or rewrite the event log; an upgrade only adds columns and folds the log again
//! to fill them in.

use sqlx::Row;

use crate::{EventLog, Result};

use super::SqliteStore;

pub(super) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    at       INTEGER NOT NULL,
    payload  TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_story ON events (story_id, seq);
-- Where the log's window starts (`seq_before`: the clusters' rebuild at every start) without
-- reading the log from its beginning.
CREATE INDEX IF NOT EXISTS events_by_at ON events (at);

CREATE TABLE IF NOT EXISTS stories (
    id        TEXT PRIMARY KEY,
    uri       TEXT NOT NULL UNIQUE,
    version   INTEGER NOT NULL,
    pubstatus TEXT NOT NULL,
    agency    TEXT NOT NULL,
    live_from INTEGER,
    went_live INTEGER,
    taken_down_at INTEGER,
    headline  TEXT,
    language  TEXT,
    modified  INTEGER,
    first_published INTEGER,
    embargo_lift_at INTEGER,
    pinned_at INTEGER,
    doc       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_by_live_from ON stories (live_from DESC, id DESC)
    WHERE live_from IS NOT NULL;
CREATE INDEX IF NOT EXISTS stories_by_agency ON stories (agency, live_from DESC)
    WHERE live_from IS NOT NULL;

CREATE TABLE IF NOT EXISTS story_topics (
    story_id   TEXT NOT NULL,
    topic      TEXT NOT NULL,
    topic_name TEXT NOT NULL,
    live_from  INTEGER,
    modified   INTEGER,
    PRIMARY KEY (topic, story_id)
);
CREATE INDEX IF NOT EXISTS story_topics_by_story ON story_topics (story_id);
-- A topic's latest stories (topic pages and blocks, related) without sorting all of it.
CREATE INDEX IF NOT EXISTS story_topics_by_live_from
    ON story_topics (topic, live_from DESC, story_id DESC, topic_name) WHERE live_from IS NOT NULL;

-- Summaries folded beside the stories (`columns::SummaryChanges`), so the sitemap index and
-- the topic list read a row per day or topic, not the archive. `live` counts stories with a
-- `live_from`; `changed` is when the day's sitemap file last changed.
CREATE TABLE IF NOT EXISTS story_days (
    day     INTEGER PRIMARY KEY,
    live    INTEGER NOT NULL,
    changed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS topic_stories (
    topic TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    live  INTEGER NOT NULL
);
-- The desk queue's counts: every story whatever its status, by agency and by topic
-- (`columns::stored_desk_status`; `advisory` is 1 for copy not for publication).
CREATE TABLE IF NOT EXISTS desk_counts (
    scope    TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    status   TEXT    NOT NULL,
    advisory INTEGER NOT NULL,
    stories  INTEGER NOT NULL,
    PRIMARY KEY (scope, key, status, advisory)
);

CREATE TABLE IF NOT EXISTS page_views (
    story_id TEXT    NOT NULL,
    hour     INTEGER NOT NULL,
    views    INTEGER NOT NULL,
    PRIMARY KEY (story_id, hour)
);
CREATE INDEX IF NOT EXISTS page_views_by_hour ON page_views (hour);

CREATE TABLE IF NOT EXISTS follower_positions (
    name TEXT PRIMARY KEY,
    seq  INTEGER NOT NULL
);
"#;

/// Indexes on columns that a database made by an older Wiredesk gains in `migrate`, so they
/// are created after it.
pub(super) const LATER_INDEXES: &str = r#"
CREATE INDEX IF NOT EXISTS stories_taken_down ON stories (pubstatus, went_live DESC, id DESC)
    WHERE went_live IS NOT NULL;
CREATE INDEX IF NOT EXISTS stories_awaiting_embargo ON stories (embargo_lift_at)
    WHERE embargo_lift_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS stories_pinned ON stories (pinned_at DESC)
    WHERE pinned_at IS NOT NULL;
-- The desk queue's order: its first page without sorting the archive.
CREATE INDEX IF NOT EXISTS stories_by_modified ON stories (modified DESC, id DESC);
-- The whole queue's counts by status, from the index alone; and of advisories, from an
-- index that holds only them (the expression is `SQLITE_ADVISORY`'s, word for word, or the
-- query cannot use it).
CREATE INDEX IF NOT EXISTS stories_by_status ON stories (pubstatus, went_live);
CREATE INDEX IF NOT EXISTS stories_advisories ON stories (pubstatus, went_live)
    WHERE json_extract(doc, '$.not_for_publication') IS NOT NULL;
-- The queue's counts for one agency, from the index alone; of its advisories, likewise.
CREATE INDEX IF NOT EXISTS stories_by_agency_status ON stories (agency, pubstatus, went_live);
CREATE INDEX IF NOT EXISTS stories_advisories_by_agency ON stories (agency, pubstatus, went_live)
    WHERE json_extract(doc, '$.not_for_publication') IS NOT NULL;
-- Each section's newest live story (the sections sitemap): one seek per agency or topic.
CREATE INDEX IF NOT EXISTS stories_by_agency_modified ON stories (agency, modified DESC, live_from)
    WHERE live_from IS NOT NULL;
CREATE INDEX IF NOT EXISTS story_topics_by_modified ON story_topics (topic, modified DESC, live_from)
    WHERE live_from IS NOT NULL;
"#;

/// Columns added to `stories` since the first release: (name, the statement that adds it).
/// A database that lacks one gains it and has its projections folded again from the log.
pub(super) const ADDED_STORY_COLUMNS: [(&str, &str); 8] = [
    // When the story went (or would go) live, whatever its status now: its publication, or
    // its embargo if later; NULL while never published. `live_from` is the same, but only
    // while the story is usable.
    (
        "went_live",
        "ALTER TABLE stories ADD COLUMN went_live INTEGER",
    ),
    // When the story stopped being usable (killed or withheld) after it last was; NULL while
    // usable.
    (
        "taken_down_at",
        "ALTER TABLE stories ADD COLUMN taken_down_at INTEGER",
    ),
    // The header columns (`StoryHeader`), so link lists need not read the documents.
    ("headline", "ALTER TABLE stories ADD COLUMN headline TEXT"),
    ("language", "ALTER TABLE stories ADD COLUMN language TEXT"),
    (
        "modified",
        "ALTER TABLE stories ADD COLUMN modified INTEGER",
    ),
    (
        "first_published",
        "ALTER TABLE stories ADD COLUMN first_published INTEGER",
    ),
    // When the embargo clock owes the story its `EmbargoLifted` event; NULL when it owes none.
    (
        "embargo_lift_at",
        "ALTER TABLE stories ADD COLUMN embargo_lift_at INTEGER",
    ),
    // When the desk pinned it to the home page; NULL when not pinned.
    (
        "pinned_at",
        "ALTER TABLE stories ADD COLUMN pinned_at INTEGER",
    ),
];

impl SqliteStore {
    /// Bring a database made by an older Wiredesk up to this schema: add the missing
    /// `stories` columns, then fold the log again so that they are filled in.
    pub(super) async fn migrate(&self) -> Result<()> {
        let have: Vec<String> = sqlx::query("SELECT name FROM pragma_table_info('stories')")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect();
        let mut added = false;
        for (name, add_column) in ADDED_STORY_COLUMNS {
            if !have.iter().any(|h| h == name) {
                sqlx::raw_sql(add_column).execute(&self.pool).await?;
                added = true;
            }
        }
        let topic_columns: Vec<String> =
            sqlx::query("SELECT name FROM pragma_table_info('story_topics')")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect();
        if !added && !topic_columns.iter().any(|c| c == "modified") {
            // A copy of the story's own column: filled from the stories, no need to fold.
            sqlx::raw_sql(
                "ALTER TABLE story_topics ADD COLUMN modified INTEGER;
                 UPDATE story_topics SET modified =
                   (SELECT s.modified FROM stories s WHERE s.id = story_topics.story_id);",
            )
            .execute(&self.pool)
            .await?;
        }
        if added {
            if !topic_columns.iter().any(|c| c == "modified") {
                sqlx::raw_sql("ALTER TABLE story_topics ADD COLUMN modified INTEGER")
                    .execute(&self.pool)
                    .await?;
            }
            let folded = self.rebuild_projections().await?;
            tracing::info!("store: schema upgraded, {folded} events folded again");
        }
        sqlx::raw_sql(LATER_INDEXES).execute(&self.pool).await?;
        self.fill_summaries().await
    }

    /// Fill the summaries of a database made before them from its stories, once: an empty
    /// summary is filled (with nothing, when it is empty because nothing is live, so this is
    /// always right), a kept one is never empty. Without the log's event times, a day's
    /// `changed` starts as its newest modification.
    async fn fill_summaries(&self) -> Result<()> {
        // SQLite reads a whole table for `NOT EXISTS` before it gives up, at every open: a
        // kept summary is seen from its first row and left alone.
        let (days, topics, desk): (bool, bool, bool) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM story_days), EXISTS (SELECT 1 FROM topic_stories),
                    EXISTS (SELECT 1 FROM desk_counts)",
        )
        .fetch_one(&self.pool)
        .await?;
        if !days {
            sqlx::query(
                "INSERT INTO story_days (day, live, changed)
                 SELECT live_from / ?1, COUNT(*), COALESCE(MAX(modified), MAX(live_from))
                 FROM stories WHERE live_from IS NOT NULL GROUP BY 1",
            )
            .bind(crate::columns::DAY_MICROS)
            .execute(&self.pool)
            .await?;
        }
        if !topics {
            sqlx::query(
                "INSERT INTO topic_stories (topic, name, live)
                 SELECT topic, MAX(topic_name), COUNT(*) FROM story_topics
                 WHERE live_from IS NOT NULL GROUP BY topic",
            )
            .execute(&self.pool)
            .await?;
        }
        if !desk {
            let desk = crate::queue_sql::fill_desk_counts(super::SQLITE_ADVISORY);
            // Built only from constants and the enums' fixed names.
            sqlx::query(sqlx::AssertSqlSafe(desk))
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }
}
