//! Starting the pollers (`source::poller`) `serve`'s writer runs for every remote source, and
//! where what they fetch goes: the delivery queue when the site has one, else the pipeline.

use std::path::Path;
use std::sync::Arc;

use wiredesk_ingest::{Outcome, Pipeline};
use wiredesk_source::Delivery;
use wiredesk_source::health::HealthBoard;
use wiredesk_source::poller::{self, Landed};
use wiredesk_source::queue::{DeliveryQueue, QueueError};
use wiredesk_source::remote::RemoteSource;

/// Start the pollers (`source::poller`) for every remote source, feeding the pipeline.
pub fn spawn_pollers(
    pipeline: Arc<Pipeline>,
    data: &Path,
    configured: Vec<RemoteSource>,
    health: HealthBoard,
    queue: Option<DeliveryQueue>,
) -> tokio::task::JoinHandle<()> {
    match queue {
        None => poller::spawn_pollers(Arc::new(PipelineSink(pipeline)), data, configured, health),
        Some(queue) => poller::spawn_pollers(
            Arc::new(QueueSink {
                queue,
                direct: PipelineSink(pipeline),
            }),
            data,
            configured,
            health,
        ),
    }
}

/// The delivery queue as the pollers' sink: what they fetch is stored in JetStream before the
/// poller moves on, and ingested by the writer's consumer. A delivery larger than the NATS
/// server takes goes straight to the pipeline.
struct QueueSink {
    queue: DeliveryQueue,
    direct: PipelineSink,
}

impl poller::Sink for QueueSink {
    async fn ingest(&self, deliveries: Vec<Delivery>) -> Result<Vec<Landed>, String> {
        let mut landed = Vec::with_capacity(deliveries.len());
        let mut too_large = Vec::new();
        for delivery in deliveries {
            match self.queue.publish(&delivery).await {
                // What became of its stories is the consumer's to know.
                Ok(_) => landed.push(Landed {
                    path: delivery.path,
                    rejected: None,
                    changed_stories: 0,
                }),
                Err(QueueError::TooLarge { .. }) => too_large.push(delivery),
                // The poller fetches again; what was queued already is stored once.
                Err(e) => return Err(e.to_string()),
            }
        }
        if !too_large.is_empty() {
            landed.extend(self.direct.ingest(too_large).await?);
        }
        Ok(landed)
    }
}

/// The pipeline as the pollers' sink: each report cut down to what a poller needs.
struct PipelineSink(Arc<Pipeline>);

impl poller::Sink for PipelineSink {
    async fn ingest(&self, deliveries: Vec<Delivery>) -> Result<Vec<Landed>, String> {
        let reports = self
            .0
            .ingest_batch(deliveries)
            .await
            .map_err(|e| e.to_string())?;
        Ok(reports
            .into_iter()
            .map(|r| Landed {
                rejected: (r.outcome == Outcome::Rejected)
                    .then(|| r.reason.unwrap_or_else(|| "rejected".into())),
                changed_stories: match r.outcome {
                    Outcome::Ingested | Outcome::Updated => r.stories.len(),
                    Outcome::Unchanged | Outcome::Rejected => 0,
                },
                path: r.path,
            })
            .collect())
    }
}
