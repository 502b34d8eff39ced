//! `wiredesk serve`: the site, and (on the one process holding the writer's lease, see
//! `writer`) the drop folder, pollers and embargo clock that feed the pipeline.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use jiff::Timestamp;
use wiredesk_ingest::{DeliveryReport, Outcome, Pipeline};
use wiredesk_publish::{AppState, router};
use wiredesk_source::{DropFolder, read_delivery};

use crate::app::Site;

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

/// What a `serve` process does (`--role`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Role {
    /// Both: the embedded default, one machine.
    #[default]
    All,
    /// Reader pages, feeds, the API and the desk, with this node's own search index and
    /// caches following the log; never the writer.
    Web,
    /// The writer's duties (or the standby for them), the push API, `/healthz` and `/metrics`.
    Ingest,
}

/// The HTTP application for `role`, with its background tasks started: for a web node the
/// reader pages, feeds, API and desk (weather and the log followers with them), for an
/// ingest node the push API; `/healthz` and `/metrics` on both; the writer's duties (or the
/// standby for them) unless the node is only `web`. A web node returns once its projections
/// (clusters, page cache, search index) cover the log as it stands.
pub async fn app(site: &Site, role: Role) -> anyhow::Result<axum::Router> {
    let store = site.pipeline.store();
    store.announce_appends_to(&site.followers);
    let health = wiredesk_source::health::HealthBoard::default();
    let web = role != Role::Ingest;
    let desk = wiredesk_desk::DeskState::new(
        site.pipeline.clone(),
        site.accounts.clone(),
        wiredesk_desk::DeskSettings {
            secure_cookies: site.config.site.base_url.starts_with("https://"),
            inbox: (role != Role::Web).then(|| site.data.join("inbox")),
            googlebot_news_noindex: site.config.site.googlebot_news_noindex.clone(),
            source_link_hidden: site.config.site.source_link_hidden.clone(),
        },
    )
    .with_queue(site.queue.clone());
    let mut app = if web {
        web_app(site, desk).await?
    } else {
        let health = wiredesk_publish::health::Health {
            store: store.clone(),
            followers: site.followers.clone(),
            max_projection_lag: site.config.site.max_projection_lag,
        };
        wiredesk_desk::push_router(desk).merge(wiredesk_publish::health::router(health))
    };
    if role != Role::Web {
        // Now, not when the lease comes: files may be dropped in before this node writes.
        DropFolder::in_data_dir(&site.data).context("creating the drop folder")?;
        crate::writer::Duties {
            pipeline: site.pipeline.clone(),
            data: site.data.clone(),
            config: site.config.clone(),
            health: health.clone(),
            queue: site.queue.clone(),
        }
        .spawn();
    }
    app = app.merge(crate::sources::metrics_router(
        health.clone(),
        site.followers.clone(),
        store.clone(),
        site.accounts.clone(),
    ));
    Ok(app.layer(axum::Extension(health)))
}

/// Reader pages, feeds, API and desk, once the projections cover the log.
async fn web_app(site: &Site, desk: wiredesk_desk::DeskState) -> anyhow::Result<axum::Router> {
    let state = AppState::new(
        site.pipeline.store().clone(),
        site.search.index().clone(),
        site.followers.clone(),
        site.config.site.clone(),
    )?;

    // Pages list one story per cluster: serve once the clusters are built, so the first
    // reader sees the page the second one does.
    let latest = site.pipeline.store().latest_seq().await?;
    state.projections.caught_up_to(latest).await;
    // Search too covers the log before the first reader; if it cannot (a full disk), the site
    // serves what the index has and `/healthz` says the index is failing.
    if let Err(e) = site.catch_up_search().await {
        tracing::error!("the search index cannot catch up with the log yet: {e:#}");
    }
    // Every 100 ms, and at once when an append is heard of: the same pace as the pages.
    site.search.clone().spawn(Duration::from_millis(100));
    state.weather.spawn_refresher(
        site.config.site.weather_url.clone(),
        site.config.site.latitude,
        site.config.site.longitude,
        Duration::from_secs(site.config.site.weather_refresh_minutes.max(1) * 60),
    );
    Ok(router(state).merge(wiredesk_desk::router(desk)))
}

pub async fn serve(site: Site, addr: SocketAddr, role: Role, announce: &str) -> anyhow::Result<()> {
    let app = app(&site, role).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    println!("{announce} http://{local}/");
    if role != Role::Web {
        println!("drop wire files into {}", site.data.join("inbox").display());
    }
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
