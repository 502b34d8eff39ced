//! `wiredesk bench kill`: kill-to-gone latency with a live server. Loads generated stories,
//! then, again and again, kills the newest live story the way the desk does and polls every
//! surface it was on (its page, the home, agency and topic pages, the feeds, the sitemap, the
//! API and search) until none shows it. Caches are warm before each kill, so the figure
//! includes the time for every cache to notice.

use std::time::{Duration, Instant};

use anyhow::Context;
use jiff::Timestamp;
use wiredesk_editorial::DeskAction;
use wiredesk_model::Story;
use wiredesk_store::Listing;

use wiredesk_site::Site;
use wiredesk_site::serve::{Role, app};

#[derive(clap::Args)]
pub struct KillArgs {
    /// Stories loaded before the kills start.
    #[arg(long, default_value_t = 2_000)]
    pub stories: usize,
    /// How many stories to kill (each one timed).
    #[arg(long, default_value_t = 50)]
    pub kills: usize,
}

/// One place readers or partners find a story, and how to tell it is gone from there.
pub(crate) struct Surface {
    pub name: &'static str,
    pub path: String,
    /// Gone when the answer has this status (the article: 410), else when the body no
    /// longer has the story's id in it.
    gone_status: Option<u16>,
    /// Gone when the body contains this (the API item: `"pubstatus":"canceled"`).
    gone_marker: Option<&'static str>,
}

pub(crate) fn surfaces(story: &Story) -> Vec<Surface> {
    let id = &story.id;
    let agency = &story.agency.slug;
    let listed = |name, path: String| Surface {
        name,
        path,
        gone_status: None,
        gone_marker: None,
    };
    let mut out = vec![
        Surface {
            name: "article",
            path: format!("/story/{id}"),
            gone_status: Some(410),
            gone_marker: None,
        },
        Surface {
            name: "api item",
            path: format!("/api/v1/stories/{id}"),
            gone_status: None,
            gone_marker: Some("\"canceled\""),
        },
        listed("home", "/".into()),
        listed("agency page", format!("/agency/{agency}")),
        listed("rss", "/feed.xml".into()),
        listed("atom", "/atom.xml".into()),
        listed("json feed", "/feed.json".into()),
        listed("agency rss", format!("/agency/{agency}/feed.xml")),
        listed(
            "sitemap",
            wiredesk_publish::seo::stories_file(
                story.went_live().unwrap_or_else(jiff::Timestamp::now),
                1,
            ),
        ),
        listed("news sitemap", "/sitemap-news.xml".into()),
        listed("api list", "/api/v1/stories".into()),
    ];
    if let Some(topic) = story.topics.first() {
        out.push(listed("topic page", format!("/topic/{}", topic.slug)));
    }
    // Generated headlines read "Story {n}: …": the number finds this story alone.
    let word = story
        .headline
        .split_whitespace()
        .nth(1)
        .map(|w| w.trim_end_matches(':'))
        .unwrap_or("news");
    out.push(listed("search page", format!("/search?q={word}")));
    out.push(listed("api search", format!("/api/v1/search?q={word}")));
    out
}

/// (status, body) of one GET.
pub(crate) async fn fetch(client: &reqwest::Client, url: &str) -> anyhow::Result<(u16, String)> {
    let r = client.get(url).send().await?;
    let status = r.status().as_u16();
    Ok((status, r.text().await?))
}

pub(crate) fn is_gone(surface: &Surface, status: u16, body: &str, id: &str) -> bool {
    if let Some(s) = surface.gone_status {
        return status == s;
    }
    if let Some(marker) = surface.gone_marker {
        return body.contains(marker);
    }
    !body.contains(id)
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The surfaces among `surfaces(story)` that show the story now (which also warms their caches).
pub(crate) async fn showing(
    client: &reqwest::Client,
    base: &str,
    story: &Story,
) -> anyhow::Result<Vec<Surface>> {
    let id = story.id.to_string();
    let mut watched = Vec::new();
    for surface in surfaces(story) {
        let (status, body) = fetch(client, &format!("{base}{}", surface.path)).await?;
        if !is_gone(&surface, status, &body, &id) {
            watched.push(surface);
        }
    }
    Ok(watched)
}

/// Ask every watched surface again and again, all at once, until none shows story `id`;
/// returns, per surface, the time from `started` to the first answer arriving without it.
pub(crate) async fn until_gone(
    client: &reqwest::Client,
    base: &str,
    watched: Vec<Surface>,
    id: &str,
    started: Instant,
) -> anyhow::Result<Vec<(&'static str, Duration)>> {
    // Each surface is asked again as soon as its own answer arrives, so the time is when its
    // first answer without the story arrived, not when the slowest surface of a round did.
    let mut asks = tokio::task::JoinSet::new();
    for surface in watched {
        let (client, url, id) = (
            client.clone(),
            format!("{base}{}", surface.path),
            id.to_string(),
        );
        asks.spawn(async move {
            loop {
                let (status, body) = fetch(&client, &url).await?;
                let at = started.elapsed();
                if is_gone(&surface, status, &body, &id) {
                    return Ok((surface.name, at));
                }
                if at > Duration::from_secs(30) {
                    anyhow::bail!("story {id} still on {} 30 s after its kill", surface.name);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
    }
    let mut gone_at = Vec::new();
    while let Some(answer) = asks.join_next().await {
        gone_at.push(answer??);
    }
    Ok(gone_at)
}

/// A fresh site with `stories` generated stories, served on a free loopback port; returns
/// the site, its base URL and the temporary data folder that lives as long as the run.
pub(crate) async fn serve_generated(
    stories: usize,
) -> anyhow::Result<(Site, String, Option<tempfile::TempDir>)> {
    let (data, tmp) = wiredesk_site::demo::default_data_dir()?;
    let site = Site::open(&data, None, &Default::default()).await?;
    let deliveries = crate::site_ingest::generated_deliveries(stories, Timestamp::now());
    crate::site_ingest::ingest_in_batches(&site, deliveries).await?;
    let app = app(&site, Role::All).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((site, base, tmp))
}

/// The newest live story, the one a kill is most likely to be on every surface.
pub(crate) async fn newest_live(site: &Site) -> anyhow::Result<Option<Story>> {
    let newest = site
        .pipeline
        .store()
        .live(
            &Listing {
                limit: 1,
                ..Listing::default()
            },
            Timestamp::now(),
        )
        .await?;
    Ok(newest.into_iter().next())
}

/// Kill a story the way the desk does.
pub(crate) async fn kill(site: &Site, story: &Story) -> anyhow::Result<()> {
    site.pipeline
        .desk_action(
            &story.id,
            &DeskAction::Kill {
                reason: "benchmark".into(),
            },
            "bench",
        )
        .await
        .context("killing through the desk's path")?;
    Ok(())
}

pub async fn run(args: KillArgs) -> anyhow::Result<()> {
    let (site, base, _tmp) = serve_generated(args.stories).await?;
    let client = wiredesk_publish::http_client();

    let mut latencies = Vec::new();
    let mut slowest_surface: std::collections::BTreeMap<&'static str, Duration> =
        Default::default();
    for _ in 0..args.kills {
        let Some(story) = newest_live(&site).await? else {
            break;
        };
        // Warm every cache, and keep only the surfaces that show the story now.
        let watched = showing(&client, &base, &story).await?;
        let started = Instant::now();
        kill(&site, &story).await?;
        let gone_at = until_gone(&client, &base, watched, &story.id.to_string(), started).await?;
        for &(surface, at) in &gone_at {
            let slot = slowest_surface.entry(surface).or_default();
            *slot = (*slot).max(at);
        }
        latencies.push(gone_at.iter().map(|g| g.1).max().unwrap_or_default());
    }
    latencies.sort();
    anyhow::ensure!(!latencies.is_empty(), "no story was killed");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for (surface, worst) in &slowest_surface {
        println!("  {surface:<14} worst_ms={:7.1}", ms(*worst));
    }
    println!(
        "bench kill: stories={} kills={} p50_ms={:.1} p99_ms={:.1} max_ms={:.1} surfaces={}",
        args.stories,
        latencies.len(),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(*latencies.last().expect("not empty")),
        slowest_surface.len(),
    );
    Ok(())
}
