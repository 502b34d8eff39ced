//! Events and projections: folding an event into the story it changes and writing the
//! story's row, and reading stored stories and events back.
//! Must not: commit; it works inside the caller's transaction, so a batch of events lands
//! whole or not at all.

use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::Row;
use wiredesk_model::{Story, StoryEvent, StoryId};

use crate::Result;
use crate::columns::{StoryColumns, decode_story, micros, needs_stored_state, next_state};

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
        sqlx::query(
            "INSERT INTO stories
               (id, uri, version, pubstatus, agency, live_from, went_live, taken_down_at, doc,
                headline, language, modified, first_published, embargo_lift_at, pinned_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?4 = 'usable' THEN NULL ELSE ?8 END, ?9,
                ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (id) DO UPDATE SET uri = excluded.uri, version = excluded.version,
               pubstatus = excluded.pubstatus, agency = excluded.agency,
               live_from = excluded.live_from, went_live = excluded.went_live,
               taken_down_at = CASE
                 WHEN excluded.pubstatus = 'usable' THEN NULL
                 WHEN stories.pubstatus = 'usable' THEN excluded.taken_down_at
                 ELSE COALESCE(stories.taken_down_at, excluded.taken_down_at)
               END,
               doc = excluded.doc, headline = excluded.headline,
               language = excluded.language, modified = excluded.modified,
               first_published = excluded.first_published,
               embargo_lift_at = excluded.embargo_lift_at, pinned_at = excluded.pinned_at",
        )
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
                "INSERT OR IGNORE INTO story_topics (story_id, topic, topic_name, live_from)
                 VALUES (?, ?, ?, ?)",
            )
            .bind(story.id.as_str())
            .bind(&topic.slug)
            .bind(&topic.name)
            .bind(row.live_from)
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

    /// Fold events into the projections inside an open transaction. `cache` holds the states
    /// this batch has already produced, so several events on one story fold in order.
    pub(super) async fn fold(
        conn: &mut sqlx::SqliteConnection,
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
