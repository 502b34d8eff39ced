//! The writer's lease, the decision lock and the log's wake-ups on PostgreSQL: advisory
//! locks keyed by the schema (sites sharing a server in separate schemas never wait on each
//! other) and LISTEN/NOTIFY on a channel named after it.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::PgListener;
use sqlx::{Connection, PgConnection};

use super::PgStore;
use crate::Result;
use crate::followers::{Backoff, Followers};
use crate::writer::{Decision, WriterLease};

/// Advisory lock classes (the first key of the two-key form; the second is the schema's
/// hash). The two-key form never meets `LOG_LOCK`'s one-key space.
const WRITER_LOCK: i32 = 0x5764_0001;
const DECISION_LOCK: i32 = 0x5764_0002;

/// How long a lease check waits for the server before the writer counts it as lost.
const CHECK_WITHIN: Duration = Duration::from_secs(2);

/// A session lock on a connection of its own: it lasts exactly as long as that connection,
/// so a writer that dies (or loses the server) frees it at once for the standby.
struct SessionLease(PgConnection);

#[async_trait]
impl WriterLease for SessionLease {
    async fn check(&mut self) -> Result<()> {
        match tokio::time::timeout(CHECK_WITHIN, self.0.ping()).await {
            Ok(answer) => Ok(answer?),
            Err(_) => Err(crate::StoreError::Timeout(CHECK_WITHIN)),
        }
    }
}

impl PgStore {
    pub(super) async fn try_lease(&self) -> Result<Option<Box<dyn WriterLease>>> {
        let mut conn = PgConnection::connect_with(&self.options).await?;
        let taken: bool =
            sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext(current_schema()))")
                .bind(WRITER_LOCK)
                .fetch_one(&mut conn)
                .await?;
        if taken {
            return Ok(Some(Box::new(SessionLease(conn))));
        }
        conn.close().await?;
        Ok(None)
    }

    /// A transaction holding the decision lock; dropping it rolls back, which frees the lock.
    pub(super) async fn take_decision(&self) -> Result<Decision> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))")
            .bind(DECISION_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(Decision::holding(tx))
    }

    /// Listen for appends on this schema's channel, reconnecting with back-off for as long as
    /// the process runs.
    pub(super) fn listen_for_appends(&self, followers: &Followers) {
        let (pool, channel, followers) =
            (self.pool.clone(), self.channel.clone(), followers.clone());
        tokio::spawn(async move {
            let mut backoff = Backoff::new();
            loop {
                let listened: Result<()> = async {
                    let mut listener = PgListener::connect_with(&pool).await?;
                    listener.listen(&channel).await?;
                    backoff.succeeded();
                    loop {
                        let note = listener.recv().await?;
                        followers.appended(note.payload().parse().unwrap_or_default());
                    }
                }
                .await;
                if let Err(e) = listened {
                    tracing::warn!("no LISTEN on the log ({e}); followers poll meanwhile");
                }
                tokio::time::sleep(backoff.failed()).await;
            }
        });
    }
}
