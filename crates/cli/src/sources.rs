//! `wiredesk source add|list|remove`, and the pollers `serve` runs for every remote source.
//!
//! Sources come from two places: `[[sources]]` in the config file (managed with the rest of
//! the config) and `DATA/sources.toml` (managed by `wiredesk source`). The second is a plain
//! file rather than a table in the story database because it is configuration, not state:
//! it can be read, diffed and backed up like `wiredesk.toml`, and a running server re-reads
//! it every second, so `source add` / `remove` take effect without a restart. What a poll
//! learns (HTTP validators) is kept in `DATA/sources-state.json` by the server alone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Subcommand;
use jiff::{SignedDuration, Timestamp};
use wiredesk_ingest::{Outcome, Pipeline};
use wiredesk_source::Delivery;
use wiredesk_source::backoff;
use wiredesk_source::ftp::FtpPull;
use wiredesk_source::health::HealthBoard;
use wiredesk_source::http::{Fetched, HttpFetcher};
use wiredesk_source::redact::{redact_text, redact_url};
use wiredesk_source::remote::{RemoteSource, SourceList, StateFile};

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

/// Start one poller per source, and keep the set in step with `DATA/sources.toml` (checked
/// every second). A source defined in the config file wins over one of the same name in the
/// list. Each poller is its own task: a slow or failing source never holds up another.
pub fn spawn_pollers(
    pipeline: Arc<Pipeline>,
    data: &Path,
    configured: Vec<RemoteSource>,
    health: HealthBoard,
) {
    let list_path = SourceList::path_in(data);
    let state = Arc::new(StateFile::open(&StateFile::path_in(data)));
    tokio::spawn(async move {
        let mut running: HashMap<String, (RemoteSource, tokio::task::JoinHandle<()>)> =
            HashMap::new();
        let mut list_error: Option<String> = None;
        loop {
            let mut wanted = configured.clone();
            match SourceList::load(&list_path) {
                Ok(list) => {
                    list_error = None;
                    for s in list.sources {
                        if !wanted.iter().any(|w| w.name == s.name) {
                            wanted.push(s);
                        }
                    }
                }
                Err(e) => {
                    // Keep polling what is running until the list can be read again.
                    if list_error.as_ref() != Some(&e) {
                        tracing::error!("source list: {}", redact_text(&e));
                        list_error = Some(e);
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            }
            let stopped: Vec<String> = running
                .iter()
                .filter(|(_, (def, _))| !wanted.contains(def))
                .map(|(name, _)| name.clone())
                .collect();
            for name in stopped {
                if let Some((_, task)) = running.remove(&name) {
                    task.abort();
                    // Wait for it to end, so it cannot write its health after the removal.
                    let _ = task.await;
                }
                health.remove(&name);
                tracing::info!("source {name}: stopped");
            }
            for source in wanted {
                if running.contains_key(&source.name) {
                    continue;
                }
                tracing::info!(
                    "source {}: polling {} every {} s",
                    source.name,
                    source.display_url(),
                    source.interval_secs
                );
                let task = tokio::spawn(poll(
                    pipeline.clone(),
                    source.clone(),
                    health.clone(),
                    state.clone(),
                ));
                running.insert(source.name.clone(), (source, task));
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

/// Poll one source forever: at once, then every interval, backing off after failures.
async fn poll(
    pipeline: Arc<Pipeline>,
    source: RemoteSource,
    health: HealthBoard,
    state: Arc<StateFile>,
) {
    let name = source.name.clone();
    health.update(&name, |h| {
        h.kind = "http".into();
        h.url = source.display_url();
        h.interval_secs = source.interval_secs;
    });
    if source.is_ftp() {
        return poll_ftp(pipeline, source, health, state).await;
    }
    let fetcher = match HttpFetcher::new(&source) {
        Ok(f) => f,
        Err(e) => {
            tracing::error!("source {name}: {}", redact_text(&e));
            health.update(&name, |h| h.failed("config", &e));
            return;
        }
    };
    let interval = Duration::from_secs(source.interval_secs.max(1));
    let cap = Duration::from_secs(source.max_backoff_secs);
    loop {
        poll_once(&pipeline, &source, &fetcher, &health, &state).await;
        let failures = health
            .get(&name)
            .map(|h| h.consecutive_failures)
            .unwrap_or(0);
        let delay = backoff::jittered(interval, failures, cap);
        health.update(&name, |h| {
            h.next_attempt = SignedDuration::try_from(delay)
                .ok()
                .and_then(|d| Timestamp::now().checked_add(d).ok());
        });
        tokio::time::sleep(delay).await;
    }
}

/// FTP calls block: run one on the blocking pool. The puller is shared with the call rather
/// than moved into it, so the polling loop keeps its handle whatever the call does.
async fn on_ftp<T: Send + 'static>(
    pull: &Arc<std::sync::Mutex<FtpPull>>,
    call: impl FnOnce(&mut FtpPull) -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    let pull = pull.clone();
    tokio::task::spawn_blocking(move || call(&mut pull.lock().expect("FTP puller lock"))).await
}

/// Poll an FTP folder forever: complete files not yet taken become one batch of deliveries;
/// once it is committed they are remembered as taken (and deleted, if so configured).
async fn poll_ftp(
    pipeline: Arc<Pipeline>,
    source: RemoteSource,
    health: HealthBoard,
    state: Arc<StateFile>,
) {
    let name = source.name.clone();
    health.update(&name, |h| h.kind = "ftp".into());
    let pull = match FtpPull::new(&source) {
        Ok(p) => Arc::new(std::sync::Mutex::new(p)),
        Err(e) => {
            tracing::error!("source {name}: {}", redact_text(&e));
            health.update(&name, |h| h.failed("config", &e));
            return;
        }
    };
    let interval = Duration::from_secs(source.interval_secs.max(1));
    let cap = Duration::from_secs(source.max_backoff_secs);
    loop {
        let taken = state.taken(&name, &source.url);
        health.update(&name, |h| h.fetches += 1);
        let (listed, keys) = match on_ftp(&pull, move |p| (p.poll(&taken), p.listed_keys())).await {
            Ok(done) => done,
            Err(e) => {
                tracing::error!("source {name}: FTP poll panicked: {e}");
                return;
            }
        };
        match listed {
            Err(e) => {
                tracing::warn!("source {name}: {e}");
                health.update(&name, |h| h.failed(e.kind.label(), &e.message));
            }
            Ok(wiredesk_source::ftp::Taken {
                files,
                refused,
                errors,
            }) => {
                for e in &errors {
                    tracing::warn!("source {name}: {e}");
                    health.update(&name, |h| h.failed(e.kind.label(), &e.message));
                }
                for wiredesk_source::ftp::Refused {
                    name: file, reason, ..
                } in &refused
                {
                    tracing::warn!("source {name}: {file}: {reason}");
                    health.update(&name, |h| {
                        h.failed("too_large", &format!("{file}: {reason}"))
                    });
                }
                let mut done: Vec<String> = refused
                    .iter()
                    .map(|r| wiredesk_source::ftp::taken_key(&r.name, r.size))
                    .collect();
                let mut ok = refused.is_empty() && errors.is_empty();
                if !files.is_empty() {
                    let received = Timestamp::now();
                    let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
                    let keys_taken: Vec<String> = files
                        .iter()
                        .map(|f| wiredesk_source::ftp::taken_key(&f.name, f.size))
                        .collect();
                    let deliveries = files
                        .into_iter()
                        .map(|f| Delivery {
                            path: PathBuf::from(format!("ftp:{name}/{}", f.name)),
                            bytes: f.bytes,
                            received,
                        })
                        .collect();
                    match pipeline.ingest_batch(deliveries).await {
                        Ok(reports) => {
                            let stories = changed_stories(&reports);
                            tracing::info!(
                                "source {name}: {} files, {stories} stories",
                                reports.len()
                            );
                            health.update(&name, |h| {
                                h.deliveries += reports.len() as u64;
                                h.stories += stories as u64;
                            });
                            for r in reports.iter().filter(|r| r.outcome == Outcome::Rejected) {
                                ok = false;
                                let reason = r.reason.as_deref().unwrap_or("rejected");
                                health.update(&name, |h| {
                                    h.failed(
                                        "rejected",
                                        &format!("{} was rejected: {reason}", r.path.display()),
                                    )
                                });
                            }
                            done.extend(keys_taken);
                            if source.delete_after {
                                let deleted = match on_ftp(&pull, move |p| p.delete(&names)).await {
                                    Ok(done) => done,
                                    Err(e) => {
                                        tracing::error!("source {name}: FTP delete panicked: {e}");
                                        return;
                                    }
                                };
                                if let Err(e) = deleted {
                                    tracing::warn!("source {name}: cannot delete: {e}");
                                }
                            }
                        }
                        Err(e) => {
                            ok = false;
                            tracing::error!("source {name}: ingest failed, will take again: {e}");
                            health.update(&name, |h| {
                                h.failed("ingest", &format!("ingest failed, will take again: {e}"))
                            });
                        }
                    }
                }
                if let Err(e) = state.put_taken(&name, &source.url, |k| keys.contains(k), done) {
                    tracing::error!("source {name}: cannot save what was taken: {e}");
                }
                if ok {
                    health.update(&name, |h| h.succeeded());
                }
            }
        }
        let failures = health
            .get(&name)
            .map(|h| h.consecutive_failures)
            .unwrap_or(0);
        let delay = backoff::jittered(interval, failures, cap);
        tokio::time::sleep(delay).await;
    }
}

/// One fetch; its body, if any, becomes one delivery through the pipeline. The validators
/// are remembered only once the body's stories are committed (or it is refused for good), so
/// a failed ingest means the feed is fetched in full again.
async fn poll_once(
    pipeline: &Pipeline,
    source: &RemoteSource,
    fetcher: &HttpFetcher,
    health: &HealthBoard,
    state: &StateFile,
) {
    let name = &source.name;
    let validators = state.get(name, &source.url);
    health.update(name, |h| h.fetches += 1);
    match fetcher.fetch(&validators).await {
        Ok(Fetched::NotModified) => {
            tracing::debug!("source {name}: not modified");
            health.update(name, |h| {
                h.not_modified += 1;
                h.succeeded();
            });
        }
        Ok(Fetched::Body { bytes, validators }) => {
            let received = Timestamp::now();
            let delivery = Delivery {
                path: PathBuf::from(format!("http:{name}/{received}")),
                bytes,
                received,
            };
            match pipeline.ingest_batch(vec![delivery]).await {
                Ok(reports) => {
                    let stories = changed_stories(&reports);
                    let rejected = reports
                        .iter()
                        .find(|r| r.outcome == Outcome::Rejected)
                        .map(|r| r.reason.clone().unwrap_or_else(|| "rejected".into()));
                    match &rejected {
                        Some(reason) => tracing::warn!("source {name}: rejected: {reason}"),
                        None => tracing::info!("source {name}: {stories} stories"),
                    }
                    health.update(name, |h| {
                        h.deliveries += 1;
                        h.stories += stories as u64;
                        match &rejected {
                            Some(reason) => {
                                h.failed("rejected", &format!("the feed was rejected: {reason}"))
                            }
                            None => h.succeeded(),
                        }
                    });
                    if let Err(e) = state.put(name, &source.url, validators) {
                        tracing::error!("source {name}: cannot save its validators: {e}");
                    }
                }
                Err(e) => {
                    tracing::error!("source {name}: ingest failed, will fetch again: {e}");
                    health.update(name, |h| {
                        h.failed("ingest", &format!("ingest failed, will fetch again: {e}"))
                    });
                }
            }
        }
        Err(e) => {
            tracing::warn!("source {name}: {e}");
            health.update(name, |h| h.failed(e.kind.label(), &e.message));
        }
    }
}

/// Stories in the deliveries that brought something new or changed: a feed fetched again
/// with the same items (no validators) adds nothing.
fn changed_stories(reports: &[wiredesk_ingest::DeliveryReport]) -> usize {
    reports
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Ingested | Outcome::Updated))
        .map(|r| r.stories.len())
        .sum()
}

/// `GET /metrics`: every source's counters in the Prometheus text format, for a scraper
/// holding a metrics token (`wiredesk token add NAME --scope metrics`): error messages name
/// sources and hosts, which are not the public's business.
pub fn metrics_router(
    health: HealthBoard,
    accounts: wiredesk_store::accounts::Accounts,
) -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move |headers: axum::http::HeaderMap| {
            let (health, accounts) = (health.clone(), accounts.clone());
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
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    health.prometheus(),
                )
                    .into_response()
            }
        }),
    )
}
