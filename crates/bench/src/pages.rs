//! `wiredesk bench pages`: what a page costs as the archive grows. Loads generated stories
//! into a data folder (kept with `--data`, so a million is loaded once and topped up after),
//! then, a few times over, starts `wiredesk serve` on it as a child process and asks for each
//! page twice: the first answer after start is the cold render, the second the cached one.
//! Prints the medians per page, with the time to start and the server's memory.
//!
//! The generated wire lands at a steady rate (`--per-day`), so a larger archive is an older
//! one, not a busier week: windows (Hot this week, the events rebuilt at start, the news
//! sitemap) hold as many stories at a million as at ten thousand, as on a real site.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use wiredesk_model::Delivery;
use wiredesk_site::Site;

#[derive(clap::Args)]
pub struct PagesArgs {
    /// Stories in the archive.
    #[arg(long, default_value_t = 10_000)]
    pub stories: usize,
    /// Data folder, kept for the next run (default: a fresh temporary folder). A folder
    /// loaded before is topped up to `--stories`.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Stories the wire lands a day; the newest lands now.
    #[arg(long, default_value_t = 2_000)]
    pub per_day: usize,
    /// Server starts, each asking every page cold then warm (the figures are medians).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

/// How many generated stories a data folder holds, written after each loaded batch.
const LOADED: &str = "bench-pages.loaded";
const DESK_USER: &str = "bench";
const DESK_PASSWORD: &str = "bench-pages-password";

pub async fn run(args: PagesArgs) -> anyhow::Result<()> {
    let (data, _tmp) = match args.data.clone() {
        Some(d) => (d, None),
        None => wiredesk_site::demo::default_data_dir()?,
    };
    std::fs::create_dir_all(&data)?;
    load(&data, args.stories, args.per_day).await?;

    let client = wiredesk_publish::http_client();
    let mut starts = Vec::new();
    let mut rss = Vec::new();
    let mut figures: Vec<(&'static str, Vec<Duration>, Vec<Duration>)> = Vec::new();
    for _ in 0..args.runs {
        let started = Instant::now();
        let mut server = Server::start(&data)?;
        server.until_healthy(&client).await?;
        starts.push(started.elapsed());
        let session = desk_session(&server.base).await?;
        let pages = pages(&client, &server.base).await?;
        let mut cold = Vec::new();
        for (_, path) in &pages {
            cold.push(timed_get(&client, &server.base, path, &session).await?);
        }
        for (i, (name, path)) in pages.iter().enumerate() {
            let warm = timed_get(&client, &server.base, path, &session).await?;
            match figures.get_mut(i) {
                Some(f) => {
                    f.1.push(cold[i]);
                    f.2.push(warm);
                }
                None => figures.push((name, vec![cold[i]], vec![warm])),
            }
        }
        rss.push(server.rss_mib().unwrap_or(0.0));
    }

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "bench pages: stories={} per_day={} runs={} (medians; cold = first request after start)",
        args.stories, args.per_day, args.runs
    );
    println!("  {:<16} {:>10} {:>10}", "page", "cold_ms", "warm_ms");
    for (name, cold, warm) in &mut figures {
        println!(
            "  {name:<16} {:>10.1} {:>10.1}",
            ms(median(cold)),
            ms(median(warm))
        );
    }
    rss.sort_by(f64::total_cmp);
    println!(
        "  start_s={:.2} rss_mib={:.0}",
        median(&mut starts).as_secs_f64(),
        rss[rss.len() / 2]
    );
    Ok(())
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Top the folder up to `stories` generated stories, landing `per_day` a day up to now, and
/// add the desk account the queue is asked with.
async fn load(data: &Path, stories: usize, per_day: usize) -> anyhow::Result<()> {
    let marker = data.join(LOADED);
    let loaded: usize = std::fs::read_to_string(&marker)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let site = Site::open(data, None, &Default::default()).await?;
    wiredesk_site::accounts::add_user(
        &site.accounts,
        DESK_USER,
        "editor",
        format!("{DESK_PASSWORD}\n").as_bytes(),
    )
    .await?;
    if loaded >= stories {
        return Ok(());
    }
    let now = Timestamp::now();
    let gap = 86_400.0 / per_day.max(1) as f64;
    let started = Instant::now();
    const CHUNK: usize = 10_000;
    let mut at = loaded;
    while at < stories {
        let end = (at + CHUNK).min(stories);
        let deliveries = (at..end)
            .map(|i| Delivery {
                path: format!("generated/{i}.txt").into(),
                bytes: crate::site_ingest::generated_story(i).into_bytes(),
                received: now
                    - SignedDuration::from_secs_f64((stories - 1 - i) as f64 * gap)
                    - SignedDuration::from_secs(1),
            })
            .collect();
        crate::site_ingest::ingest_in_batches(&site, deliveries).await?;
        std::fs::write(&marker, end.to_string())?;
        eprintln!(
            "bench pages: loaded {end} of {stories} ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
        at = end;
    }
    site.catch_up_search().await?;
    Ok(())
}

/// The pages measured: home, the newest story's article, its topic and agency pages, a
/// search page, the sitemap index, the newest day's story sitemap, the sections sitemap, the
/// topic's feed and the desk queue.
async fn pages(
    client: &reqwest::Client,
    base: &str,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    // The newest live story, through the API, so the bench opens no store beside the server.
    let list: serde_json::Value = client
        .get(format!("{base}/api/v1/stories?limit=1"))
        .send()
        .await?
        .json()
        .await?;
    let item = list
        .pointer("/items/0")
        .with_context(|| format!("no story in the API's list: {list}"))?;
    // Absolute addresses: the path from the first `from` on.
    let path = |uri: Option<&str>, from: &str| {
        uri.and_then(|u| u.find(from).map(|at| u[at..].to_string()))
    };
    let article = path(
        item.pointer("/renditions/0/href").and_then(|v| v.as_str()),
        "/story/",
    )
    .context("the story has no page")?;
    let topic = item["subjects"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|s| path(s["uri"].as_str(), "/topic/"))
        .context("the newest story has no topic")?;
    let agency = path(
        item.pointer("/infosources/0/uri")
            .or_else(|| item.pointer("/infoSources/0/uri"))
            .and_then(|v| v.as_str()),
        "/agency/",
    )
    .context("the story names no agency")?;
    // The newest story's day file, from the time it went live (its "published" altid).
    let went_live = item["altids"]
        .as_array()
        .or_else(|| item["altIds"].as_array())
        .into_iter()
        .flatten()
        .find(|a| a["role"] == "published")
        .and_then(|a| a["value"].as_str()?.parse::<jiff::Timestamp>().ok())
        .context("the story has no published altid")?;
    let stories_file = wiredesk_publish::seo::stories_file(went_live, 1);
    Ok(vec![
        ("home", "/".into()),
        ("article", article),
        ("topic", topic.clone()),
        ("agency", agency),
        ("search", "/search?q=monsoon".into()),
        ("sitemap index", "/sitemap.xml".into()),
        ("stories sitemap", stories_file),
        ("sections sitemap", "/sitemaps/sections.xml".into()),
        ("topic feed", format!("{topic}/feed.xml")),
        ("desk queue", "/desk".into()),
    ])
}

/// The time to the whole body of one GET, which must answer 200.
async fn timed_get(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    session: &str,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let r = client
        .get(format!("{base}{path}"))
        .header(reqwest::header::COOKIE, session)
        .send()
        .await?;
    let status = r.status();
    let body = r.bytes().await?;
    let took = started.elapsed();
    anyhow::ensure!(
        status == 200,
        "GET {path} answered {status}: {}",
        String::from_utf8_lossy(&body[..body.len().min(300)])
    );
    Ok(took)
}

/// Sign in through the desk's form, as a browser does; the session cookie.
async fn desk_session(base: &str) -> anyhow::Result<String> {
    // The sign-in answers with a redirect whose cookie is the session.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let form = client.get(format!("{base}/desk/login")).send().await?;
    let cookie = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap_or("").to_string())
    };
    let login_csrf = cookie(&form, "wd_login_csrf").context("no login CSRF cookie")?;
    let signed_in = client
        .post(format!("{base}/desk/login"))
        .header(
            reqwest::header::COOKIE,
            format!("wd_login_csrf={login_csrf}"),
        )
        .form(&[
            ("name", DESK_USER),
            ("password", DESK_PASSWORD),
            ("csrf", &login_csrf),
        ])
        .send()
        .await?;
    let session = cookie(&signed_in, "wd_session").context("the desk refused the sign-in")?;
    Ok(format!("wd_session={session}"))
}

/// `wiredesk serve` on the data folder, the running executable started again; SIGKILLed
/// when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data: &Path) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let log = std::fs::File::create(data.with_extension("serve.log"))?;
        let child = Command::new(std::env::current_exe()?)
            .arg("serve")
            .arg("--data")
            .arg(data)
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting wiredesk serve")?;
        Ok(Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        })
    }

    async fn until_healthy(&mut self, client: &reqwest::Client) -> anyhow::Result<()> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!("wiredesk serve exited with {status} before /healthz answered");
            }
            let answer = client
                .get(format!("{}/healthz", self.base))
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if matches!(&answer, Ok(r) if r.status() == 200) {
                return Ok(());
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(600),
                "wiredesk serve did not answer /healthz within 10 minutes"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
