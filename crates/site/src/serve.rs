//! `wiredesk serve`: the site's HTTP application for a node's role, and (on the one process
//! holding the writer's lease, see `writer`) the drop folder, pollers and embargo clock that
//! feed the pipeline.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use wiredesk_publish::{AppState, router};
use wiredesk_source::DropFolder;

use crate::site::{Site, SiteLocation, connect_queue};

/// What a `serve` process does (`--role`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
            topics: site
                .config
                .topic_rules()
                .topics
                .into_iter()
                .map(|rule| wiredesk_model::Topic {
                    slug: rule.slug,
                    name: rule.name,
                    origin: wiredesk_model::TopicOrigin::Desk,
                })
                .collect(),
            time_zone: site.pipeline.time_zone().clone(),
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
    app = app.merge(wiredesk_desk::metrics::router(
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
    // An empty `weather_url` turns the weather off: a site run offline asks no one.
    if !site.config.site.weather_url.is_empty() {
        state.weather.spawn_refresher(
            site.config.site.weather_url.clone(),
            site.config.site.latitude,
            site.config.site.longitude,
            Duration::from_secs(site.config.site.weather_refresh_minutes.max(1) * 60),
        );
    }
    let desk = desk.with_preview(std::sync::Arc::new(Preview(state.clone())));
    Ok(router(state).merge(wiredesk_desk::router(desk)))
}

/// The desk's preview of a reader's page, rendered by `publish`.
struct Preview(AppState);

#[async_trait::async_trait]
impl wiredesk_desk::ReaderPreview for Preview {
    async fn page(&self, story: &wiredesk_model::Story) -> axum::response::Response {
        wiredesk_publish::pages::preview(&self.0, story).await
    }
}

/// `wiredesk serve`: check `addr` is free, open the site (waiting for PostgreSQL and NATS while
/// they do not answer), link to `addr` unless the config names a base URL, and serve until
/// Ctrl-C.
pub async fn run(
    location: &SiteLocation,
    addr: SocketAddr,
    role: Role,
    nats_url: Option<&str>,
) -> anyhow::Result<()> {
    // A busy port fails now rather than after the wait for a database, but the port is held
    // only once the site can answer: a load balancer's TCP check must not find a node that is
    // still opening or catching up.
    drop(listen(addr).await?);
    let mut location = location.clone();
    location.db.wait = true;
    let mut site = location.open().await?;
    site.queue = connect_queue(nats_url).await;
    site.config.serve_at(addr);
    if role != Role::Ingest && site.accounts.users().await?.is_empty() {
        // A new data folder is an empty site nobody can sign in to: say how to get in.
        println!(
            "no desk account yet: add one with `wiredesk user add NAME --role admin --data {}` \
             (it reads the password from standard input), then sign in at /desk",
            site.data.display()
        );
    }
    serve(site, Address::Free(addr), role, "Wiredesk serving at").await
}

/// Take `addr`, saying why it cannot be had.
pub async fn listen(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                ": another process is listening there; stop it or choose another address"
            }
            std::io::ErrorKind::AddrNotAvailable => ": that address is not one of this machine's",
            std::io::ErrorKind::PermissionDenied => ": ports below 1024 need extra rights",
            _ => "",
        };
        anyhow::anyhow!("cannot listen on {addr} ({e}){why}")
    })
}

/// Where `serve` answers.
pub enum Address {
    /// Taken already (the demo takes its port before loading anything).
    Taken(tokio::net::TcpListener),
    /// Taken once the site can answer.
    Free(SocketAddr),
}

/// Serve `site` at `address` until Ctrl-C, saying where.
pub async fn serve(site: Site, address: Address, role: Role, announce: &str) -> anyhow::Result<()> {
    let app = app(&site, role).await?;
    let listener = match address {
        Address::Taken(listener) => listener,
        Address::Free(addr) => listen(addr).await?,
    };
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
