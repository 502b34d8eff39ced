//! `wiredesk source add|list|remove`, and starting the pollers (`source::poller`) `serve`
//! runs for every remote source.
//!
//! Sources come from two places: `[[sources]]` in the config file (managed with the rest of
//! the config) and `DATA/sources.toml` (managed by `wiredesk source`). The second is a plain
//! file rather than a table in the story database because it is configuration, not state:
//! it can be read, diffed and backed up like `wiredesk.toml`, and a running server re-reads
//! it every second, so `source add` / `remove` take effect without a restart. What a poll
//! learns (HTTP validators) is kept in `DATA/sources-state.json` by the server alone.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Subcommand;
use wiredesk_ingest::{Outcome, Pipeline};
use wiredesk_source::Delivery;
use wiredesk_source::health::HealthBoard;
use wiredesk_source::poller::{self, Landed};
use wiredesk_source::queue::{DeliveryQueue, QueueError};
use wiredesk_source::redact::redact_url;
use wiredesk_source::remote::{RemoteSource, SourceList};

use crate::accounts::DataDir;
use crate::config::Config;

#[derive(Subcommand)]
pub enum SourceCommand {
    /// Poll a feed URL (RSS, Atom, JSON Feed, ninjs, …) or pull an FTP folder
    /// (`ftp://user:password@host/folder/`); a running server starts within seconds. Adding
    /// a name again replaces its definition.
    Add {
        name: String,
        url: String,
        /// Seconds between polls.
        #[arg(long, default_value_t = 300)]
        interval: u64,
        /// Deadline for one whole fetch, in seconds.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Largest body accepted, in bytes (also after gzip decompression); at most the
        /// delivery limit, 5 MiB.
        #[arg(long, default_value_t = wiredesk_source::MAX_FILE_BYTES)]
        max_bytes: u64,
        /// FTP: delete each file on the server once its stories are committed.
        #[arg(long)]
        delete_after: bool,
        /// FTPS: trust the certificates in this PEM file instead of the system's roots.
        #[arg(long)]
        ca_file: Option<PathBuf>,
        #[command(flatten)]
        data: DataDir,
    },
    /// List the sources: those in the config file and those added here.
    List {
        #[command(flatten)]
        data: DataDir,
    },
    /// Stop polling a source added with `wiredesk source add`.
    Remove {
        name: String,
        #[command(flatten)]
        data: DataDir,
    },
}

/// The sources in the data folder's default config file.
fn configured(data: &Path) -> anyhow::Result<Vec<RemoteSource>> {
    Ok(Config::load(&data.join("wiredesk.toml"))?.sources)
}

pub fn run(command: SourceCommand) -> anyhow::Result<()> {
    match command {
        SourceCommand::Add {
            name,
            url,
            interval,
            timeout,
            max_bytes,
            delete_after,
            ca_file,
            data,
        } => {
            let mut source = RemoteSource::new(&name, &url);
            source.interval_secs = interval;
            source.timeout_secs = timeout;
            source.max_bytes = max_bytes;
            source.delete_after = delete_after;
            source.ca_file = ca_file;
            source.check().map_err(anyhow::Error::msg)?;
            if max_bytes > wiredesk_source::MAX_FILE_BYTES {
                bail!(
                    "--max-bytes {max_bytes}: no delivery may be larger than {} bytes",
                    wiredesk_source::MAX_FILE_BYTES
                );
            }
            std::fs::create_dir_all(&data.data)
                .with_context(|| format!("cannot create {}", data.data.display()))?;
            if configured(&data.data)?.iter().any(|s| s.name == name) {
                bail!("source {name} is defined in the config file; change it there");
            }
            let path = SourceList::path_in(&data.data);
            let mut list = SourceList::load(&path).map_err(anyhow::Error::msg)?;
            let verb = match list.sources.iter().position(|s| s.name == name) {
                Some(i) => {
                    list.sources[i] = source;
                    "updated"
                }
                None => {
                    list.sources.push(source);
                    "added"
                }
            };
            list.save(&path).map_err(anyhow::Error::msg)?;
            println!(
                "{verb} source {name}: {} every {interval} s",
                redact_url(&url)
            );
            Ok(())
        }
        SourceCommand::List { data } => {
            let from_config = configured(&data.data)?;
            let list =
                SourceList::load(&SourceList::path_in(&data.data)).map_err(anyhow::Error::msg)?;
            if from_config.is_empty() && list.sources.is_empty() {
                println!("no sources");
            }
            for (s, origin) in from_config
                .iter()
                .map(|s| (s, "config file"))
                .chain(list.sources.iter().map(|s| (s, "sources.toml")))
            {
                println!(
                    "{}\t{}\tevery {} s\t({origin})",
                    s.name,
                    s.display_url(),
                    s.interval_secs
                );
            }
            Ok(())
        }
        SourceCommand::Remove { name, data } => {
            let path = SourceList::path_in(&data.data);
            let mut list = SourceList::load(&path).map_err(anyhow::Error::msg)?;
            let before = list.sources.len();
            list.sources.retain(|s| s.name != name);
            if list.sources.len() == before {
                if configured(&data.data)?.iter().any(|s| s.name == name) {
                    bail!("source {name} is defined in the config file; remove it there");
                }
                bail!("no source named {name}");
            }
            list.save(&path).map_err(anyhow::Error::msg)?;
            println!("removed source {name}");
            Ok(())
        }
    }
}

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

/// `GET /metrics`: every source's counters and every projection's lag behind the log in the
/// Prometheus text format, for a scraper
/// holding a metrics token (`wiredesk token add NAME --scope metrics`): error messages name
/// sources and hosts, which are not the public's business.
pub fn metrics_router(
    health: HealthBoard,
    followers: wiredesk_store::followers::Followers,
    store: std::sync::Arc<dyn wiredesk_store::Store>,
    accounts: wiredesk_store::accounts::Accounts,
) -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move |headers: axum::http::HeaderMap| {
            let (health, followers, store, accounts) = (
                health.clone(),
                followers.clone(),
                store.clone(),
                accounts.clone(),
            );
            async move {
                use axum::response::IntoResponse;
                if let Err(refusal) = wiredesk_desk::bearer::authorize(
                    &accounts,
                    &headers,
                    wiredesk_store::accounts::TokenScope::Metrics,
                    "wiredesk metrics",
                )
                .await
                {
                    return refusal;
                }
                let latest = match store.latest_seq().await {
                    Ok(seq) => seq,
                    Err(e) => {
                        tracing::error!("metrics: cannot read the log's end: {e}");
                        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
                    }
                };
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    health.prometheus() + &followers.prometheus(latest),
                )
                    .into_response()
            }
        }),
    )
}
