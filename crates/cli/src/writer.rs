//! The site's writer: the duties only one process may run at a time (the drop folder, the
//! pollers, the embargo clock), started when this process takes the store's writer lease
//! and stopped the moment it loses it. Another process waits as the standby and takes over
//! within a second or two of the writer dying (`LOOK_EVERY` plus a connection).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use wiredesk_ingest::Pipeline;
use wiredesk_source::DropFolder;
use wiredesk_source::health::HealthBoard;
use wiredesk_source::redact::redact_text;
use wiredesk_store::followers::Backoff;
use wiredesk_store::writer::WriterState;

use crate::config::Config;
use crate::serve::{spawn_drop_folder, spawn_embargo_clock};

/// How often a standby asks for the lease, and the writer checks it still holds it.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// What the writer runs, and where.
pub struct Duties {
    pub pipeline: Arc<Pipeline>,
    pub data: PathBuf,
    pub config: Config,
    pub health: HealthBoard,
}

/// Tasks that end when this is dropped.
struct Running(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Running {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

impl Duties {
    fn start(&self) -> anyhow::Result<Running> {
        let folder = DropFolder::in_data_dir(&self.data)?;
        Ok(Running(vec![
            spawn_drop_folder(
                self.pipeline.clone(),
                folder,
                Duration::from_millis(self.config.ingest.inbox_scan_ms.max(50)),
            ),
            crate::sources::spawn_pollers(
                self.pipeline.clone(),
                &self.data,
                self.config.sources.clone(),
                self.health.clone(),
            ),
            spawn_embargo_clock(self.pipeline.clone(), Duration::from_millis(250)),
        ]))
    }

    /// Take the lease when it is free, run the duties while it is held, and say on the
    /// followers' board (`/healthz`, the desk) which of writing, standby or paused this
    /// process is. Runs for as long as the process does.
    pub fn spawn(self) {
        let board = self.pipeline.followers().writer().clone();
        tokio::spawn(async move {
            let mut backoff = Backoff::new();
            let pause = |reason: String| {
                let reason = redact_text(&reason);
                tracing::error!("writer paused, copy waits in the inbox: {reason}");
                board.set(WriterState::Paused {
                    since: Timestamp::now(),
                    reason,
                });
            };
            loop {
                let mut lease = match self.pipeline.store().try_writer_lease().await {
                    Ok(Some(lease)) => lease,
                    Ok(None) => {
                        if !matches!(board.state(), WriterState::Standby { .. }) {
                            tracing::info!("standby: another process is the site's writer");
                        }
                        board.set(WriterState::Standby {
                            since: Timestamp::now(),
                        });
                        tokio::time::sleep(LOOK_EVERY).await;
                        continue;
                    }
                    Err(e) => {
                        pause(format!("the store does not answer: {e}"));
                        tokio::time::sleep(backoff.failed()).await;
                        continue;
                    }
                };
                let running = match self.start() {
                    Ok(running) => running,
                    Err(e) => {
                        pause(format!("cannot start the writer's duties: {e:#}"));
                        drop(lease);
                        tokio::time::sleep(backoff.failed()).await;
                        continue;
                    }
                };
                backoff.succeeded();
                tracing::info!("this process is the site's writer");
                board.set(WriterState::Writing {
                    since: Timestamp::now(),
                });
                let lost = loop {
                    tokio::time::sleep(LOOK_EVERY).await;
                    if let Err(e) = lease.check().await {
                        break e;
                    }
                };
                drop(running);
                pause(format!("the writer's lease was lost: {lost}"));
            }
        });
    }
}
