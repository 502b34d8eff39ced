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
use crate::columns::{
    StoryColumns, SummaryChanges, decode_story, micros, needs_stored_state, next_state,
};

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
                "INSERT INTO story_topics (story_id, topic, topic_name, live_from, modified)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(story.id.as_str())
            .bind(&topic.slug)
            .bind(&topic.name)
            .bind(row.live_from)
            .bind(row.modified)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// Add folded changes to the stored summaries.
    async fn write_summaries(
        conn: &mut sqlx::PgConnection,
        changes: &SummaryChanges,
    ) -> Result<()> {
        if !changes.days.is_empty() {
            let (mut days, mut counts, mut changed) = (Vec::new(), Vec::new(), Vec::new());
            for (day, (n, c)) in &changes.days {
                days.push(*day);
                counts.push(*n);
                changed.push(*c);
            }
            sqlx::query(
                "INSERT INTO story_days (day, live, changed)
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[])
                 ON CONFLICT (day) DO UPDATE SET live = story_days.live + excluded.live,
                   changed = GREATEST(story_days.changed, excluded.changed)",
            )
            .bind(days)
            .bind(counts)
            .bind(changed)
            .execute(&mut *conn)
            .await?;
        }
        let topics: Vec<_> = changes
            .topics
            .iter()
            .filter(|(_, (n, _))| *n != 0)
            .collect();
        if !topics.is_empty() {
            let slugs: Vec<&str> = topics.iter().map(|(s, _)| s.as_str()).collect();
            let counts: Vec<i64> = topics.iter().map(|(_, (n, _))| *n).collect();
            let names: Vec<&str> = topics.iter().map(|(_, (_, name))| name.as_str()).collect();
            sqlx::query(
                "INSERT INTO topic_stories (topic, live, name)
                 SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::text[])
                 ON CONFLICT (topic) DO UPDATE SET live = topic_stories.live + excluded.live,
                   name = CASE WHEN excluded.live > 0 THEN excluded.name
                          ELSE topic_stories.name END",
            )
            .bind(slugs)
            .bind(counts)
            .bind(names)
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
        let next = next_state(event, current.clone(), at)?;
        if let Some(story) = &next {
            Self::write_projection(conn, story, at).await?;
            let mut summaries = SummaryChanges::default();
            summaries.fold(current.as_ref(), story, at);
            Self::write_summaries(conn, &summaries).await?;
        }
        cache.insert(id, next);
        Ok(())
    }
}
