//! Events and projections: folding an event into the story it changes and writing the
//! story's row. What the row holds and how an event changes a story come from `columns`,
//! shared with SQLite; only the statements are PostgreSQL's.
//! Must not: commit; it works inside the caller's transaction, so a batch of events lands
//! whole or not at all.

use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::Row;
use wiredesk_model::{Story, StoryEvent, StoryId};

use crate::Result;
use crate::columns::{StoryColumns, decode_story, micros, needs_stored_state, next_state};

use super::PgStore;

impl PgStore {
    /// Write a story's current state, folded from an event that took effect at `at`.
    pub(super) async fn write_projection(
        conn: &mut sqlx::PgConnection,
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $4 = 'usable' THEN NULL ELSE $8 END,
                $9, $10, $11, $12, $13, $14, $15)",
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
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM story_topics WHERE story_id = $1")
            .bind(story.id.as_str())
            .execute(&mut *conn)
            .await?;
        for topic in &story.topics {
            sqlx::query(
                "INSERT INTO story_topics (story_id, topic, topic_name, live_from)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(story.id.as_str())
            .bind(&topic.slug)
            .bind(&topic.name)
            .bind(row.live_from)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    pub(super) async fn load(conn: &mut sqlx::PgConnection, id: &StoryId) -> Result<Option<Story>> {
        let row = sqlx::query("SELECT doc FROM stories WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&mut *conn)
            .await?;
        row.map(|r| decode_story(r.get::<&str, _>(0))).transpose()
    }

    /// Fold events into the projections inside an open transaction. `cache` holds the states
    /// this batch has already produced, so several events on one story fold in order.
    pub(super) async fn fold(
        conn: &mut sqlx::PgConnection,
        cache: &mut HashMap<StoryId, Option<Story>>,
        event: &StoryEvent,
        at: Timestamp,
    ) -> Result<()> {
        let id = event.story_id().clone();
        let current = match cache.get(&id) {
            Some(s) => s.clone(),
            None if needs_stored_state(event) => Self::load(conn, &id).await?,
            None => None,
        };
        let next = next_state(event, current, at)?;
        if let Some(story) = &next {
            Self::write_projection(conn, story, at).await?;
        }
        cache.insert(id, next);
        Ok(())
    }
}
