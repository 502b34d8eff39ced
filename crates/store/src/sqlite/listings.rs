//! The listings' shared query: live stories within a listing's time bounds, after its keyset
//! cursor, newest first.
//! Must not: list a story that is not live at `now`; every listing goes through these bounds.

use jiff::Timestamp;
use sqlx::sqlite::SqliteRow;

use crate::columns::Bounds;
use crate::{Listing, Result};

use super::SqliteStore;

impl SqliteStore {
    /// The rows of a `live` listing, with `columns` (of `stories s`) selected.
    pub(super) async fn live_rows(
        &self,
        listing: &Listing,
        now: Timestamp,
        columns: &str,
    ) -> Result<Vec<SqliteRow>> {
        let b = Bounds::of(listing, now);
        let limit = listing.limit.max(1) as i64;
        let query = if listing.topic.is_some() {
            format!(
                "SELECT {columns} FROM story_topics t JOIN stories s ON s.id = t.story_id
                 WHERE t.topic = ?7 AND t.live_from IS NOT NULL
                   AND t.live_from >= ?1 AND t.live_from <= ?2
                   AND (t.live_from < ?3 OR (t.live_from = ?3 AND t.story_id < ?4))
                   AND (?5 IS NULL OR s.agency = ?5)
                 ORDER BY t.live_from DESC, t.story_id DESC LIMIT ?6 OFFSET ?8"
            )
        } else {
            format!(
                "SELECT {columns} FROM stories s
                 WHERE s.live_from IS NOT NULL AND s.live_from >= ?1 AND s.live_from <= ?2
                   AND (s.live_from < ?3 OR (s.live_from = ?3 AND s.id < ?4))
                   AND (?5 IS NULL OR s.agency = ?5)
                 ORDER BY s.live_from DESC, s.id DESC LIMIT ?6 OFFSET ?8"
            )
        };
        // `columns` is always one of this file's constant lists; nothing a user sent is in it.
        Ok(sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(b.lowest)
            .bind(b.highest)
            .bind(b.before_t)
            .bind(b.before_id)
            .bind(listing.agency.as_deref())
            .bind(limit)
            .bind(listing.topic.as_deref())
            .bind(listing.offset as i64)
            .fetch_all(&self.pool)
            .await?)
    }
}
