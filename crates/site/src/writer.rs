//! The site's writer: the duties only one process may run at a time (the drop folder, the
//! pollers, the embargo clock, and the delivery queue's consumer when the site has one),
//! started when this process takes the store's writer lease
//! and stopped the moment it loses it. Another process waits as the standby and takes over
//! within a second or two of the writer dying (`LOOK_EVERY` plus a connection).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use wiredesk_ingest::{DeliveryReport, Outcome, Pipeline};
use wiredesk_source::health::HealthBoard;
use wiredesk_source::queue::DeliveryQueue;
use wiredesk_source::redact::redact_text;
use wiredesk_source::{DropFolder, read_delivery};
use wiredesk_store::followers::Backoff;
use wiredesk_store::writer::{WriterBoard, WriterState};

use crate::config::Config;

/// How often a standby asks for the lease, and the writer checks it still holds it.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Queued deliveries ingested in one batch: small enough to commit well within the queue's
/// ack wait.
const QUEUE_BATCH: usize = 100;

/// What the writer runs, and where.
pub struct Duties {
    pub pipeline: Arc<Pipeline>,
    pub data: PathBuf,
    pub config: Config,
    pub health: HealthBoard,
    /// The site's delivery queue (`--nats-url`): pushed and polled copy arrives through it.
    pub queue: Option<DeliveryQueue>,
}

/// Say in the log what became of a delivery, as every transport does; the reason when it was
/// rejected.
pub fn log_report(r: &DeliveryReport) -> Option<&str> {
    if r.outcome == Outcome::Rejected {
        let reason = r.reason.as_deref().unwrap_or("rejected");
        tracing::warn!("rejected {}: {reason}", r.path.display());
        return Some(reason);
    }
    tracing::info!(
        "{:?} {} ({} stories)",
        r.outcome,
        r.path.display(),
        r.stories.len()
    );
    None
}

/// Scan the inbox forever: take complete files, ingest them, then archive or reject them.
/// A file is moved only after its batch is committed, so a crash leaves it in the inbox.
pub fn spawn_drop_folder(
    pipeline: Arc<Pipeline>,
    mut folder: DropFolder,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let ready = folder.complete_files();
            if ready.is_empty() {
                continue;
            }
            let now = Timestamp::now();
            let mut deliveries = Vec::new();
            for path in ready {
                match read_delivery(&path, now) {
                    Ok(d) => deliveries.push(d),
                    Err(u) => {
                        if let Err(e) = folder.reject(&u.path, &u.reason) {
                            tracing::error!("cannot move {} to rejected/: {e}", u.path.display());
                        }
                    }
                }
            }
            match pipeline.ingest_batch(deliveries).await {
                Ok(reports) => {
                    for r in reports {
                        let moved = match log_report(&r) {
                            Some(reason) => folder.reject(&r.path, reason),
                            None => folder.archive(&r.path, now),
                        };
                        if let Err(e) = moved {
                            tracing::error!(
                                "cannot move {} out of the inbox: {e}",
                                r.path.display()
                            );
                        }
                    }
                }
                // Nothing was committed: the files stay in the inbox and are tried again.
                Err(e) => tracing::error!("ingest failed, will retry: {e}"),
            }
        }
    })
}

/// The embargo clock: lifts each embargo as it ends (and, after a restart, every one that
/// ended while the site was down). It polls because a new embargo may arrive at any time
/// and end before the one it is waiting for; the query is one indexed lookup.
pub fn spawn_embargo_clock(
    pipeline: Arc<Pipeline>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = pipeline.lift_embargoes(Timestamp::now()).await {
                tracing::error!("embargo clock: {e}");
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// Say on the board that ingest is paused, and why (in the log and on the desk).
fn pause(board: &WriterBoard, reason: String) {
    let reason = redact_text(&reason);
    tracing::error!("writer paused, copy waits: {reason}");
    board.set(WriterState::Paused {
        since: Timestamp::now(),
        reason,
    });
}

/// Take queued deliveries in batches, ingest them, and acknowledge each only once its batch
/// is committed: a crash in between means JetStream delivers it again, which the pipeline
/// finds unchanged, so one story results either way.
fn spawn_consumer(
    pipeline: Arc<Pipeline>,
    queue: DeliveryQueue,
    board: WriterBoard,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut backoff = Backoff::new();
        loop {
            let batch = match queue.next_batch(QUEUE_BATCH, LOOK_EVERY).await {
                Ok(batch) => batch,
                Err(e) => {
                    pause(&board, format!("the delivery queue does not answer: {e}"));
                    tokio::time::sleep(backoff.failed()).await;
                    continue;
                }
            };
            if matches!(board.state(), WriterState::Paused { .. }) {
                tracing::info!("the delivery queue answers again");
                board.set(WriterState::Writing {
                    since: Timestamp::now(),
                });
            }
            backoff.succeeded();
            if batch.is_empty() {
                continue;
            }
            let (deliveries, receipts): (Vec<_>, Vec<_>) =
                batch.into_iter().map(|q| (q.delivery, q.receipt)).unzip();
            match pipeline.ingest_batch(deliveries).await {
                Ok(reports) => {
                    for r in &reports {
                        log_report(r);
                    }
                    for receipt in receipts {
                        // Unacknowledged, it comes again and is found unchanged; so do the
                        // rest once one fails (the server is away: each would wait for it).
                        if let Err(e) = receipt.ack().await {
                            tracing::warn!("{e}");
                            break;
                        }
                    }
                }
                Err(e) => {
                    tracing::error!("queued copy not ingested, will be delivered again: {e}");
                    for receipt in receipts {
                        // Without the nak it comes again after the ack wait all the same.
                        if receipt.nak(Some(LOOK_EVERY)).await.is_err() {
                            break;
                        }
                    }
                    tokio::time::sleep(backoff.failed()).await;
                }
            }
        }
    })
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
        let mut tasks = vec![
            spawn_drop_folder(
                self.pipeline.clone(),
                folder,
                Duration::from_millis(self.config.ingest.inbox_scan_ms.max(50)),
            ),
            crate::pollers::spawn_pollers(
                self.pipeline.clone(),
                &self.data,
                self.config.sources.clone(),
                self.health.clone(),
                self.queue.clone(),
            ),
            spawn_embargo_clock(self.pipeline.clone(), Duration::from_millis(250)),
        ];
        if let Some(queue) = &self.queue {
            tasks.push(spawn_consumer(
                self.pipeline.clone(),
                queue.clone(),
                self.pipeline.followers().writer().clone(),
            ));
        }
        Ok(Running(tasks))
    }

    /// Take the lease when it is free, run the duties while it is held, and say on the
    /// followers' board (`/healthz`, the desk) which of writing, standby or paused this
    /// process is. Runs for as long as the process does.
    pub fn spawn(self) {
        let board = self.pipeline.followers().writer().clone();
        tokio::spawn(async move {
            let mut backoff = Backoff::new();
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
                        pause(&board, format!("the store does not answer: {e}"));
                        tokio::time::sleep(backoff.failed()).await;
                        continue;
                    }
                };
                let running = match self.start() {
                    Ok(running) => running,
                    Err(e) => {
                        pause(&board, format!("cannot start the writer's duties: {e:#}"));
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
                pause(&board, format!("the writer's lease was lost: {lost}"));
            }
        });
    }
}
