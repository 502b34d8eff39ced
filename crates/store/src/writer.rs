//! One writer per site, and one decision at a time across processes.
//!
//! Owns: the lease that makes one process the site's writer (only the writer runs the drop
//! folder, the pollers, the embargo clock and the delivery queue's consumer, so two machines
//! never poll the same feed or lift the same embargo twice); the lock under which any process
//! reads a story's state, decides and appends (an ingest batch, a desk action, an embargo
//! lift), so no decision is made on a state another process is changing; and what `/healthz`
//! says of the writer.
//! Must not: run the writer's duties (`wiredesk serve` does) or decide anything itself.
//!
//! SQLite takes both as file locks beside the database (one machine); PostgreSQL as advisory
//! locks keyed by the schema, so sites sharing a server in separate schemas never wait on
//! each other.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use jiff::Timestamp;
use serde::Serialize;

use crate::Result;

/// Held by the site's writer. Dropping it gives the lease up.
#[async_trait]
pub trait WriterLease: Send + Sync {
    /// Whether the lease is still this process's: an error once it is lost (PostgreSQL's
    /// connection holding it broke, and with it the lock).
    async fn check(&mut self) -> Result<()>;
}

/// Held while a process decides on a story's state and appends what it decided. Dropping it
/// lets the next process decide.
pub struct Decision {
    _held: Box<dyn Send + Sync>,
}

impl Decision {
    pub(crate) fn holding(held: impl Send + Sync + 'static) -> Decision {
        Decision {
            _held: Box::new(held),
        }
    }
}

/// What this process is doing about the writer's duties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum WriterState {
    /// A web node: it never writes but for the desk's actions.
    Off,
    /// Another process holds the lease; this one takes over when it goes.
    Standby {
        since: Timestamp,
    },
    Writing {
        since: Timestamp,
    },
    /// The database does not answer: nothing is ingested, files wait in the inbox. The reason
    /// goes to the log and the desk, not to the public.
    Paused {
        since: Timestamp,
        #[serde(skip)]
        reason: String,
    },
}

/// Where the writer's state is kept for `/healthz` and the desk. Cheap to clone; every
/// clone is the same board.
#[derive(Clone)]
pub struct WriterBoard(Arc<Mutex<WriterState>>);

impl Default for WriterBoard {
    fn default() -> Self {
        WriterBoard(Arc::new(Mutex::new(WriterState::Off)))
    }
}

impl WriterBoard {
    pub fn state(&self) -> WriterState {
        self.0.lock().expect("writer board").clone()
    }

    /// Record `state`, keeping the earlier `since` when the state has not changed kind.
    pub fn set(&self, state: WriterState) {
        let mut current = self.0.lock().expect("writer board");
        if std::mem::discriminant(&*current) != std::mem::discriminant(&state) {
            *current = state;
        } else if let (
            WriterState::Paused { reason, .. },
            WriterState::Paused {
                reason: new_reason, ..
            },
        ) = (&mut *current, state)
        {
            *reason = new_reason;
        }
    }
}
