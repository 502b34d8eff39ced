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
    StoryColumns, SummaryChanges, decode_story, fold_batch, micros, needs_stored_state, next_state,
    stories_needing_stored_state,
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
        let days: Vec<_> = changes.days.iter().collect();
        if !days.is_empty() {
            sqlx::query(
                "INSERT INTO story_days (day, live, changed)
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[])
                 ON CONFLICT (day) DO UPDATE SET live = story_days.live + excluded.live,
                   changed = GREATEST(story_days.changed, excluded.changed)",
            )
            .bind(column(&days, |(day, _)| **day))
            .bind(column(&days, |(_, (n, _))| *n))
            .bind(column(&days, |(_, (_, changed))| *changed))
            .execute(&mut *conn)
            .await?;
        }
        let topics: Vec<_> = changes
            .topics
            .iter()
            .filter(|(_, (n, _))| *n != 0)
            .collect();
        if !topics.is_empty() {
            sqlx::query(
                "INSERT INTO topic_stories (topic, live, name)
                 SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::text[])
                 ON CONFLICT (topic) DO UPDATE SET live = topic_stories.live + excluded.live,
                   name = CASE WHEN excluded.live > 0 THEN excluded.name
                          ELSE topic_stories.name END",
            )
            .bind(column(&topics, |(slug, _)| slug.as_str()))
            .bind(column(&topics, |(_, (n, _))| *n))
            .bind(column(&topics, |(_, (_, name))| name.as_str()))
            .execute(&mut *conn)
            .await?;
        }
        let desk: Vec<_> = changes.desk_rows().collect();
        if !desk.is_empty() {
            sqlx::query(
                "INSERT INTO desk_counts (scope, key, status, advisory, stories)
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
                 ON CONFLICT (scope, key, status, advisory)
                   DO UPDATE SET stories = desk_counts.stories + excluded.stories",
            )
            .bind(column(&desk, |r| r.0))
            .bind(column(&desk, |r| r.1))
            .bind(column(&desk, |r| r.2))
            .bind(column(&desk, |r| r.3))
            .bind(column(&desk, |r| r.4))
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// Append a batch of events and fold them into the projections inside an open
    /// transaction, in a number of statements that does not grow with the batch: the log rows
    /// in one, the stored states the batch needs in one, the story rows in one per state a
    /// story takes here (`rounds`: PostgreSQL refuses to upsert one row twice in a statement),
    /// the topics in two. A statement per event was most of an append's time. Returns the
    /// events' seqs, in order.
    pub(super) async fn append_batch(
        conn: &mut sqlx::PgConnection,
        events: &[(StoryEvent, Timestamp)],
    ) -> Result<Vec<i64>> {
        if events.is_empty() {
            return Ok(vec![]);
        }
        // The seqs are taken first and given in the batch's order, rather than trusting an
        // INSERT … SELECT to draw them in its rows' order. The log lock (`LOG_LOCK`) keeps
        // them in commit order.
        let mut seqs: Vec<i64> = sqlx::query_scalar(
            "SELECT nextval(pg_get_serial_sequence('events', 'seq'))
             FROM generate_series(1, $1::bigint)",
        )
        .bind(events.len() as i64)
        .fetch_all(&mut *conn)
        .await?;
        seqs.sort_unstable();
        let story_ids: Vec<&str> = events.iter().map(|(e, _)| e.story_id().as_str()).collect();
        let kinds: Vec<&str> = events.iter().map(|(e, _)| e.kind()).collect();
        let ats: Vec<i64> = events.iter().map(|(_, at)| micros(*at)).collect();
        let payloads: Vec<String> = events
            .iter()
            .map(|(e, _)| serde_json::to_string(e).expect("an event always serializes"))
            .collect();
        sqlx::query(
            "INSERT INTO events (seq, story_id, kind, at, payload) OVERRIDING SYSTEM VALUE
             SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[])",
        )
        .bind(&seqs)
        .bind(&story_ids)
        .bind(&kinds)
        .bind(&ats)
        .bind(&payloads)
        .execute(&mut *conn)
        .await?;

        // The stored state of each story whose first event here needs one, read at once.
        let needed = stories_needing_stored_state(events);
        let stored = if needed.is_empty() {
            Vec::new()
        } else {
            let rows = sqlx::query("SELECT doc FROM stories WHERE id = ANY($1)")
                .bind(super::id_list(&needed))
                .fetch_all(&mut *conn)
                .await?;
            super::stories_of(rows)?
        };
        let (states, summaries) = fold_batch(events, stored)?;
        // Round `r` writes each story's `r`th state: one row at most per story per statement.
        let mut rounds: Vec<Vec<&(Story, Timestamp)>> = Vec::new();
        let mut taken: HashMap<&StoryId, usize> = HashMap::new();
        for state in &states {
            let r = taken.entry(&state.0.id).or_insert(0);
            if rounds.len() <= *r {
                rounds.push(Vec::new());
            }
            rounds[*r].push(state);
            *r += 1;
        }
        for rows in &rounds {
            Self::write_rows(conn, rows).await?;
        }

        // The topics of each story's last state.
        let mut last: HashMap<&StoryId, &Story> = HashMap::new();
        for (story, _) in &states {
            last.insert(&story.id, story);
        }
        sqlx::query("DELETE FROM story_topics WHERE story_id = ANY($1)")
            .bind(last.keys().map(|id| id.as_str()).collect::<Vec<_>>())
            .execute(&mut *conn)
            .await?;
        let (mut t_ids, mut t_slugs, mut t_names) = (vec![], vec![], vec![]);
        let (mut t_live, mut t_modified) = (vec![], vec![]);
        for story in last.values() {
            let row = StoryColumns::of(story);
            for t in &story.topics {
                t_ids.push(story.id.as_str());
                t_slugs.push(t.slug.as_str());
                t_names.push(t.name.as_str());
                t_live.push(row.live_from);
                t_modified.push(row.modified);
            }
        }
        if !t_ids.is_empty() {
            sqlx::query(
                "INSERT INTO story_topics (story_id, topic, topic_name, live_from, modified)
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[],
                                      $5::bigint[])
                 ON CONFLICT DO NOTHING",
            )
            .bind(&t_ids)
            .bind(&t_slugs)
            .bind(&t_names)
            .bind(&t_live)
            .bind(&t_modified)
            .execute(&mut *conn)
            .await?;
        }
        Self::write_summaries(conn, &summaries).await?;
        Ok(seqs)
    }

    /// Upsert story rows, each story at most once, each state folded from an event that took
    /// effect at its time; the same row rule (`row_sql`) as a single append's.
    async fn write_rows(conn: &mut sqlx::PgConnection, rows: &[&(Story, Timestamp)]) -> Result<()> {
        let columns: Vec<StoryColumns> = rows.iter().map(|(s, _)| StoryColumns::of(s)).collect();
        sqlx::query(concat!(
            "INSERT INTO stories
               (id, uri, version, pubstatus, agency, live_from, went_live, taken_down_at, doc,
                headline, language, modified, first_published, embargo_lift_at, pinned_at)
             SELECT id, uri, version, pubstatus, agency, live_from, went_live,
                CASE WHEN pubstatus = 'usable' THEN NULL ELSE at END, doc, headline, language,
                modified, first_published, embargo_lift_at, pinned_at
             FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                $6::bigint[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[],
                $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[])
               AS r(id, uri, version, pubstatus, agency, live_from, went_live, at, doc, headline,
                language, modified, first_published, embargo_lift_at, pinned_at)",
            crate::row_sql::story_row_upsert!()
        ))
        .bind(column(&columns, |c| c.id))
        .bind(column(&columns, |c| c.uri))
        .bind(column(&columns, |c| c.version))
        .bind(column(&columns, |c| c.pubstatus))
        .bind(column(&columns, |c| c.agency))
        .bind(column(&columns, |c| c.live_from))
        .bind(column(&columns, |c| c.went_live))
        .bind(rows.iter().map(|(_, at)| micros(*at)).collect::<Vec<i64>>())
        .bind(column(&columns, |c| c.doc.as_str()))
        .bind(column(&columns, |c| c.headline))
        .bind(column(&columns, |c| c.language))
        .bind(column(&columns, |c| c.modified))
        .bind(column(&columns, |c| c.first_published))
        .bind(column(&columns, |c| c.embargo_lift_at))
        .bind(column(&columns, |c| c.pinned_at))
        .execute(&mut *conn)
        .await?;
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

/// One of a statement's column arrays (`UNNEST`'s), borrowed from the rows where it can be.
fn column<'r, R, T>(rows: &'r [R], f: impl Fn(&'r R) -> T) -> Vec<T> {
    rows.iter().map(f).collect()
}
