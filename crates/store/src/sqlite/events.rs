//! Events and projections: folding an event into the story it changes and writing the
//! story's row, and reading stored stories and events back.
//! Must not: commit; it works inside the caller's transaction, so a batch of events lands
//! whole or not at all.

use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::Row;
use wiredesk_model::{Story, StoryEvent, StoryId};

use crate::Result;
use crate::columns::{
    StoryColumns, SummaryChanges, decode_story, fold_batch, micros, needs_stored_state, next_state,
    stories_needing_stored_state,
};

use super::SqliteStore;

impl SqliteStore {
    /// Write a story's current state, folded from an event that took effect at `at`.
    pub(super) async fn write_projection(
        tx: &mut sqlx::SqliteConnection,
        story: &Story,
        at: Timestamp,
    ) -> Result<()> {
        let row = StoryColumns::of(story);
        // `taken_down_at` keeps the moment a usable story first stopped being usable: the
        // SET expressions read the row as it was before this update.
        sqlx::query(concat!(
            "INSERT INTO stories
               (id, uri, version, pubstatus, agency, live_from, went_live, taken_down_at, doc,
                headline, language, modified, first_published, embargo_lift_at, pinned_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?4 = 'usable' THEN NULL ELSE ?8 END, ?9,
                ?10, ?11, ?12, ?13, ?14, ?15)",
            crate::row_sql::story_row_upsert!()
        ))
        .bind(row.id)
        .bind(row.uri)
        .bind(row.version)
        .bind(row.pubstatus)
        .bind(row.agency)
        .bind(row.live_from)
        .bind(row.went_live)
        .bind(micros(at))
        .bind(row.doc)
        .bind(row.headline)
        .bind(row.language)
        .bind(row.modified)
        .bind(row.first_published)
        .bind(row.embargo_lift_at)
        .bind(row.pinned_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM story_topics WHERE story_id = ?")
            .bind(story.id.as_str())
            .execute(&mut *tx)
            .await?;
        for topic in &story.topics {
            sqlx::query(
                "INSERT OR IGNORE INTO story_topics
                   (story_id, topic, topic_name, live_from, modified)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(story.id.as_str())
            .bind(&topic.slug)
            .bind(&topic.name)
            .bind(row.live_from)
            .bind(row.modified)
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }

    pub(super) async fn load(
        conn: &mut sqlx::SqliteConnection,
        id: &StoryId,
    ) -> Result<Option<Story>> {
        let row = sqlx::query("SELECT doc FROM stories WHERE id = ?")
            .bind(id.as_str())
            .fetch_optional(&mut *conn)
            .await?;
        row.map(|r| decode_story(r.get::<&str, _>(0))).transpose()
    }

    /// Append a batch of events and fold them into the projections inside an open
    /// transaction, in a fixed number of statements however long the batch: a statement per
    /// event and per row cost a round trip to sqlx's connection thread each, which was most
    /// of an ingest's time. Returns the events' seqs, in order.
    pub(super) async fn append_batch(
        tx: &mut sqlx::SqliteConnection,
        events: &[(StoryEvent, Timestamp)],
    ) -> Result<Vec<i64>> {
        let log_rows: Vec<(&str, &str, i64, String)> = events
            .iter()
            .map(|(event, at)| {
                let payload = serde_json::to_string(event).expect("an event always serializes");
                (
                    event.story_id().as_str(),
                    event.kind(),
                    micros(*at),
                    payload,
                )
            })
            .collect();
        // Rows go in the array's order, each taking the next seq; the seqs come back sorted
        // because RETURNING promises no order.
        let mut seqs: Vec<i64> = sqlx::query_scalar(
            "INSERT INTO events (story_id, kind, at, payload)
             SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]'
             FROM json_each(?) ORDER BY key
             RETURNING seq",
        )
        .bind(serde_json::to_string(&log_rows).expect("strings and numbers serialize"))
        .fetch_all(&mut *tx)
        .await?;
        seqs.sort_unstable();

        // The stored state of each story whose first event here needs one, read at once.
        let needed = stories_needing_stored_state(events);
        let stored = Self::load_many(&mut *tx, &needed).await?;
        let (states, summaries) = fold_batch(events, stored)?;
        Self::write_projections(tx, &states).await?;
        Self::write_summaries(tx, &summaries).await?;
        Ok(seqs)
    }

    /// Add folded changes to the stored summaries, a statement each.
    pub(super) async fn write_summaries(
        tx: &mut sqlx::SqliteConnection,
        changes: &SummaryChanges,
    ) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        // `WHERE true` keeps SQLite from reading ON CONFLICT as a join's.
        sqlx::query(
            "INSERT INTO story_days (day, live, changed)
             SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]'
             FROM json_each(?) WHERE true
             ON CONFLICT (day) DO UPDATE SET live = live + excluded.live,
               changed = MAX(changed, excluded.changed)",
        )
        .bind(changes.days_json())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO topic_stories (topic, live, name)
             SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]'
             FROM json_each(?) WHERE true
             ON CONFLICT (topic) DO UPDATE SET live = live + excluded.live,
               name = CASE WHEN excluded.live > 0 THEN excluded.name ELSE name END",
        )
        .bind(changes.topics_json())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO desk_counts (scope, key, status, advisory, stories)
             SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]',
                    value ->> '$[4]'
             FROM json_each(?) WHERE true
             ON CONFLICT (scope, key, status, advisory)
               DO UPDATE SET stories = stories + excluded.stories",
        )
        .bind(changes.desk_json())
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Write stories' states, in order, each folded from an event that took effect at its
    /// time: the rows in one statement (SQLite upserts them one after the other, so a later
    /// state of a story reads the earlier one), the topics of each story's last state in two.
    async fn write_projections(
        tx: &mut sqlx::SqliteConnection,
        states: &[(Story, Timestamp)],
    ) -> Result<()> {
        if states.is_empty() {
            return Ok(());
        }
        let mut rows = Vec::with_capacity(states.len());
        for (story, at) in states {
            let row = StoryColumns::of(story);
            rows.push(serde_json::json!([
                row.id,
                row.uri,
                row.version,
                row.pubstatus,
                row.agency,
                row.live_from,
                row.went_live,
                micros(*at),
                row.doc,
                row.headline,
                row.language,
                row.modified,
                row.first_published,
                row.embargo_lift_at,
                row.pinned_at,
            ]));
        }
        // `taken_down_at` keeps the moment a usable story first stopped being usable: the
        // SET expressions read the row as it was before this state. `WHERE true` keeps SQLite
        // from reading ON CONFLICT as a join's.
        sqlx::query(concat!(
            "INSERT INTO stories
               (id, uri, version, pubstatus, agency, live_from, went_live, taken_down_at, doc,
                headline, language, modified, first_published, embargo_lift_at, pinned_at)
             SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]',
                value ->> '$[4]', value ->> '$[5]', value ->> '$[6]',
                CASE WHEN value ->> '$[3]' = 'usable' THEN NULL ELSE value ->> '$[7]' END,
                value ->> '$[8]', value ->> '$[9]', value ->> '$[10]', value ->> '$[11]',
                value ->> '$[12]', value ->> '$[13]', value ->> '$[14]'
             FROM json_each(?) WHERE true ORDER BY key",
            crate::row_sql::story_row_upsert!()
        ))
        .bind(serde_json::Value::Array(rows).to_string())
        .execute(&mut *tx)
        .await?;

        let mut last: HashMap<&StoryId, &Story> = HashMap::new();
        for (story, _) in states {
            last.insert(&story.id, story);
        }
        let ids: Vec<&str> = last.keys().map(|id| id.as_str()).collect();
        sqlx::query("DELETE FROM story_topics WHERE story_id IN (SELECT value FROM json_each(?))")
            .bind(serde_json::to_string(&ids).expect("strings serialize"))
            .execute(&mut *tx)
            .await?;
        let topics: Vec<(&str, &str, &str, Option<i64>, i64)> = last
            .values()
            .flat_map(|story| {
                let live_from = story.live_from().map(micros);
                let modified = micros(story.modified());
                story.topics.iter().map(move |t| {
                    (
                        story.id.as_str(),
                        t.slug.as_str(),
                        t.name.as_str(),
                        live_from,
                        modified,
                    )
                })
            })
            .collect();
        if !topics.is_empty() {
            sqlx::query(
                "INSERT OR IGNORE INTO story_topics
                   (story_id, topic, topic_name, live_from, modified)
                 SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]',
                   value ->> '$[4]'
                 FROM json_each(?)",
            )
            .bind(serde_json::to_string(&topics).expect("strings and numbers serialize"))
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }

    /// The stored stories among `ids`, in one statement.
    async fn load_many(conn: &mut sqlx::SqliteConnection, ids: &[StoryId]) -> Result<Vec<Story>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let rows =
            sqlx::query("SELECT doc FROM stories WHERE id IN (SELECT value FROM json_each(?))")
                .bind(super::id_list(ids))
                .fetch_all(&mut *conn)
                .await?;
        rows.iter()
            .map(|r| decode_story(r.get::<&str, _>(0)))
            .collect()
    }

    /// Fold events into the projections inside an open transaction. `cache` holds the states
    /// this batch has already produced, so several events on one story fold in order.
    /// What the fold changes in the summaries is added to `summaries`, for the caller to write.
    pub(super) async fn fold(
        conn: &mut sqlx::SqliteConnection,
        cache: &mut HashMap<StoryId, Option<Story>>,
        summaries: &mut SummaryChanges,
        event: &StoryEvent,
        at: Timestamp,
    ) -> Result<()> {
        let id = event.story_id().clone();
        let current = match cache.get(&id) {
            Some(s) => s.clone(),
            None if needs_stored_state(event) => Self::load(conn, &id).await?,
            None => None,
        };
        let next = next_state(event, current.clone(), at)?;
        if let Some(story) = &next {
            summaries.fold(current.as_ref(), story, at);
            Self::write_projection(conn, story, at).await?;
        }
        cache.insert(id, next);
        Ok(())
    }
}
