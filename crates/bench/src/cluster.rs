//! `wiredesk bench cluster` and `wiredesk bench catchup`: the figures of `serve --role` on
//! one PostgreSQL. `cluster` starts two web nodes and two ingest nodes as child processes,
//! times kill-to-gone on both web nodes (the kill made in this process, through the desk's
//! path, heard of by the nodes through the log) and the standby taking over when the writer
//! is killed with SIGKILL. `catchup` times a fresh web node, with an empty data folder,
//! from its start until it answers `/healthz` (it serves only once its clusters and search
//! index cover the log).
//!
//! Each run works in a schema of its own, created with `psql` and dropped at the end; the
//! child processes are killed when the run ends, whether it succeeded or not. They are the
//! running executable started again as `serve`, so these benches work only inside the
//! `wiredesk` binary.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use jiff::Timestamp;

use wiredesk_site::{Database, Site};

use crate::kill::{kill, newest_live, percentile, showing, until_gone};

#[derive(clap::Args)]
pub struct ClusterArgs {
    /// A PostgreSQL the bench may create a schema in (`postgres://user@host/db`).
    #[arg(
        long = "database-url",
        env = "WIREDESK_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: String,
    /// Stories loaded before the kills start.
    #[arg(long, default_value_t = 500)]
    pub stories: usize,
    /// How many stories to kill (each one timed on both web nodes).
    #[arg(long, default_value_t = 20)]
    pub kills: usize,
    /// How many times the writer is killed (each takeover timed).
    #[arg(long, default_value_t = 3)]
    pub failovers: usize,
}

#[derive(clap::Args)]
pub struct CatchupArgs {
    /// A PostgreSQL the bench may create a schema in (`postgres://user@host/db`).
    #[arg(
        long = "database-url",
        env = "WIREDESK_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: String,
    /// Stories in the log the fresh web node catches up with.
    #[arg(long, default_value_t = 100_000)]
    pub stories: usize,
    /// How many fresh web nodes are started, one after the other (each one timed).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

/// A schema of its own in the database at `admin_url`, dropped (with everything in it) when
/// this is. Made with `psql`: only `store` speaks SQL in the binary itself.
pub(crate) struct BenchSchema {
    admin_url: String,
    name: String,
    /// The URL to give `--database-url`: `admin_url` with `search_path` set to the schema.
    pub url: String,
}

fn psql(admin_url: &str, sql: &str) -> anyhow::Result<()> {
    let out = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            admin_url,
            "-c",
            sql,
        ])
        .output()
        .context("running psql (the bench makes its schema with it)")?;
    anyhow::ensure!(
        out.status.success(),
        "psql -c {sql:?}: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(())
}

impl BenchSchema {
    pub(crate) fn create(admin_url: &str) -> anyhow::Result<BenchSchema> {
        let name = format!(
            "wiredesk_bench_{}_{}",
            std::process::id(),
            Timestamp::now().as_microsecond()
        );
        psql(admin_url, &format!("CREATE SCHEMA {name}"))?;
        let joiner = if admin_url.contains('?') { '&' } else { '?' };
        Ok(BenchSchema {
            url: format!("{admin_url}{joiner}options=-csearch_path%3D{name}"),
            admin_url: admin_url.to_string(),
            name,
        })
    }
}

impl Drop for BenchSchema {
    fn drop(&mut self) {
        if let Err(e) = psql(
            &self.admin_url,
            &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
        ) {
            eprintln!("bench: cannot drop schema {}: {e:#}", self.name);
        }
    }
}

/// A free loopback port (free when asked; the child binds it a moment later).
fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// One `wiredesk serve --role ROLE` child process, SIGKILLed when dropped.
pub(crate) struct Node {
    role: &'static str,
    data: PathBuf,
    database_url: String,
    child: Option<Child>,
    /// `http://127.0.0.1:PORT` of the running process.
    pub base: String,
}

impl Node {
    /// Start `serve --role ROLE` on a free port with `data` as its data folder (its output
    /// goes to `data/../NAME.log`).
    pub(crate) fn start(
        role: &'static str,
        data: &Path,
        database_url: &str,
    ) -> anyhow::Result<Node> {
        let mut node = Node {
            role,
            data: data.to_path_buf(),
            database_url: database_url.to_string(),
            child: None,
            base: String::new(),
        };
        node.spawn()?;
        Ok(node)
    }

    fn log_path(&self) -> PathBuf {
        self.data.with_extension("log")
    }

    fn spawn(&mut self) -> anyhow::Result<()> {
        let port = free_port()?;
        std::fs::create_dir_all(&self.data)?;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())?;
        let child = Command::new(std::env::current_exe()?)
            .arg("serve")
            .args(["--role", self.role])
            .arg("--data")
            .arg(&self.data)
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .args(["--database-url", &self.database_url])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting a wiredesk serve child")?;
        self.child = Some(child);
        self.base = format!("http://127.0.0.1:{port}");
        Ok(())
    }

    /// SIGKILL the process and reap it.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start it again on the same data folder (and a fresh port).
    pub(crate) fn restart(&mut self) -> anyhow::Result<()> {
        self.kill();
        self.spawn()
    }

    /// The end of its output, for an error.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Wait until `/healthz` answers 200; fails if the process exits or `limit` passes.
    pub(crate) async fn until_healthy(
        &mut self,
        client: &reqwest::Client,
        limit: Duration,
    ) -> anyhow::Result<Duration> {
        let started = Instant::now();
        loop {
            if let Some(child) = self.child.as_mut()
                && let Some(status) = child.try_wait()?
            {
                anyhow::bail!(
                    "{} node exited with {status} before /healthz answered 200:\n{}",
                    self.role,
                    self.log_tail()
                );
            }
            let answer = client
                .get(format!("{}/healthz", self.base))
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if matches!(&answer, Ok(r) if r.status().as_u16() == 200) {
                return Ok(started.elapsed());
            }
            anyhow::ensure!(
                started.elapsed() < limit,
                "{} node at {} did not answer /healthz with 200 within {limit:?}:\n{}",
                self.role,
                self.base,
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// `/healthz`'s `writer.state` (`writing`, `standby`, `paused`), if it answers and says.
    pub(crate) async fn writer_state(&self, client: &reqwest::Client) -> Option<String> {
        let r = client
            .get(format!("{}/healthz", self.base))
            .timeout(Duration::from_secs(2))
            .send()
            .await
            .ok()?;
        let health: serde_json::Value = r.json().await.ok()?;
        health["writer"]["state"].as_str().map(str::to_string)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Wait until `check` says yes, asking every 10 ms, for at most `limit`.
async fn until<F, Fut>(what: &str, limit: Duration, mut check: F) -> anyhow::Result<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        anyhow::ensure!(started.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(started.elapsed())
}

/// An in-process site on the schema, with its own search index in `data` (not kept up: this
/// process only writes, the nodes serve).
async fn open_site(data: &Path, url: &str) -> anyhow::Result<Site> {
    let db = Database {
        url: Some(url.to_string()),
        wait: false,
    };
    Site::open(data, None, &db).await
}

/// Load `stories` generated stories the way `bench ingest` does; prints the rate.
async fn load(site: &Site, stories: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let tally = crate::site_ingest::ingest_in_batches(
        site,
        crate::site_ingest::generated_deliveries(stories, Timestamp::now()),
    )
    .await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "loaded: {} in {secs:.1} s ({:.0} stories/s)",
        wiredesk_site::ingest::summary_line(&tally),
        tally.stories as f64 / secs
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p50, p99 and max of `times`, in ms.
fn figures(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "p50_ms={:.1} p99_ms={:.1} max_ms={:.1}",
        ms(percentile(times, 50.0)),
        ms(percentile(times, 99.0)),
        ms(*times.last().expect("not empty"))
    )
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    percentile(times, 50.0)
}

/// Which of the two ingest nodes writes, once one says `writing` and the other `standby`.
async fn writer_of(client: &reqwest::Client, ingests: &[Node]) -> anyhow::Result<usize> {
    let started = Instant::now();
    loop {
        let a = ingests[0].writer_state(client).await;
        let b = ingests[1].writer_state(client).await;
        match (a.as_deref(), b.as_deref()) {
            (Some("writing"), Some("standby")) => return Ok(0),
            (Some("standby"), Some("writing")) => return Ok(1),
            states => anyhow::ensure!(
                started.elapsed() < Duration::from_secs(30),
                "no one writer and one standby within 30 s: {states:?}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub async fn cluster(args: ClusterArgs) -> anyhow::Result<()> {
    let schema = BenchSchema::create(&args.database_url)?;
    let tmp = tempfile::Builder::new()
        .prefix("wiredesk-bench-cluster-")
        .tempdir()?;
    let client = wiredesk_publish::http_client();

    // The tables first, from this process, then the nodes on them.
    let site = open_site(&tmp.path().join("loader"), &schema.url).await?;
    let mut webs = vec![
        Node::start("web", &tmp.path().join("web-1"), &schema.url)?,
        Node::start("web", &tmp.path().join("web-2"), &schema.url)?,
    ];
    let mut ingests = vec![
        Node::start("ingest", &tmp.path().join("ingest-1"), &schema.url)?,
        Node::start("ingest", &tmp.path().join("ingest-2"), &schema.url)?,
    ];
    for node in webs.iter_mut().chain(ingests.iter_mut()) {
        let took = node.until_healthy(&client, Duration::from_secs(60)).await?;
        println!(
            "{} node at {} healthy after {:.0} ms",
            node.role,
            node.base,
            ms(took)
        );
    }

    // Load while the web nodes follow, then wait until both list the newest story.
    load(&site, args.stories).await?;
    let newest = newest_live(&site)
        .await?
        .context("no story is live after loading")?;
    for node in &webs {
        let url = format!("{}/api/v1/stories/{}", node.base, newest.id);
        let took = until(
            "web node lists the newest story",
            Duration::from_secs(60),
            || async {
                matches!(client.get(&url).send().await, Ok(r) if r.status().as_u16() == 200)
            },
        )
        .await?;
        println!(
            "web node at {} lists the newest story {:.0} ms later",
            node.base,
            ms(took)
        );
    }

    // Kill-to-gone on both web nodes: per node, the time its last surface stopped showing
    // the story; over all, the time the story was gone from both.
    let mut per_node: Vec<Vec<Duration>> = vec![Vec::new(); webs.len()];
    let mut both = Vec::new();
    let mut slowest_surface: std::collections::BTreeMap<&'static str, Duration> =
        Default::default();
    for _ in 0..args.kills {
        let Some(story) = newest_live(&site).await? else {
            break;
        };
        let id = story.id.to_string();
        let mut watched = Vec::new();
        for node in &webs {
            watched.push(showing(&client, &node.base, &story).await?);
        }
        let started = Instant::now();
        kill(&site, &story).await?;
        let mut asks = tokio::task::JoinSet::new();
        for (i, (node, watched)) in webs.iter().zip(watched).enumerate() {
            let (client, base, id) = (client.clone(), node.base.clone(), id.clone());
            asks.spawn(async move {
                let gone_at = until_gone(&client, &base, watched, &id, started).await?;
                anyhow::Ok((i, gone_at))
            });
        }
        let mut last = Duration::ZERO;
        while let Some(answer) = asks.join_next().await {
            let (i, gone_at) = answer??;
            for &(surface, at) in &gone_at {
                let slot = slowest_surface.entry(surface).or_default();
                *slot = (*slot).max(at);
            }
            let node_last = gone_at.iter().map(|g| g.1).max().unwrap_or_default();
            per_node[i].push(node_last);
            last = last.max(node_last);
        }
        both.push(last);
    }
    anyhow::ensure!(!both.is_empty(), "no story was killed");
    for (surface, worst) in &slowest_surface {
        println!("  {surface:<14} worst_ms={:7.1}", ms(*worst));
    }
    for (node, times) in webs.iter().zip(per_node.iter_mut()) {
        println!(
            "  web node {}: kills={} {}",
            node.base,
            times.len(),
            figures(times)
        );
    }
    println!(
        "bench cluster kill: stories={} kills={} web_nodes={} {} (gone from both; target p99 <= 1000 ms)",
        args.stories,
        both.len(),
        webs.len(),
        figures(&mut both)
    );

    // Failover: SIGKILL the writer, time until the other ingest node says `writing`, start
    // the killed one again (it waits as the standby). A standby asks for the lease once a
    // second (`writer::LOOK_EVERY`); from the second round on, the standby is the node just
    // restarted, killed for as soon as it says `standby`, that is just after it asked: those
    // takeovers are near the worst case, a second plus a connection.
    let mut takeovers = Vec::new();
    for round in 1..=args.failovers {
        let w = writer_of(&client, &ingests).await?;
        let standby = 1 - w;
        let started = Instant::now();
        ingests[w].kill();
        let standby_node = &ingests[standby];
        until(
            "the standby takes over",
            Duration::from_secs(30),
            || async { standby_node.writer_state(&client).await.as_deref() == Some("writing") },
        )
        .await?;
        let took = started.elapsed();
        println!(
            "  failover {round}: writer {} killed, {} writing after {:.0} ms",
            ingests[w].base,
            ingests[standby].base,
            ms(took)
        );
        takeovers.push(took);
        ingests[w].restart()?;
        ingests[w]
            .until_healthy(&client, Duration::from_secs(60))
            .await?;
        let restarted = &ingests[w];
        until(
            "the restarted node waits as standby",
            Duration::from_secs(30),
            || async { restarted.writer_state(&client).await.as_deref() == Some("standby") },
        )
        .await?;
    }
    if !takeovers.is_empty() {
        let max = *takeovers.iter().max().expect("not empty");
        println!(
            "bench cluster failover: failovers={} median_ms={:.0} max_ms={:.0} (target <= 5000 ms)",
            takeovers.len(),
            ms(median(&mut takeovers)),
            ms(max)
        );
    }
    // Children first, then the schema they use.
    drop(webs);
    drop(ingests);
    drop(site);
    drop(schema);
    Ok(())
}

pub async fn catchup(args: CatchupArgs) -> anyhow::Result<()> {
    let schema = BenchSchema::create(&args.database_url)?;
    let tmp = tempfile::Builder::new()
        .prefix("wiredesk-bench-catchup-")
        .tempdir()?;
    let client = wiredesk_publish::http_client();
    let site = open_site(&tmp.path().join("loader"), &schema.url).await?;
    load(&site, args.stories).await?;
    let events = site.pipeline.store().latest_seq().await?;
    drop(site);

    let mut times = Vec::new();
    for run in 1..=args.runs {
        let data = tmp.path().join(format!("web-{run}"));
        let mut node = Node::start("web", &data, &schema.url)?;
        let took = node
            .until_healthy(&client, Duration::from_secs(3600))
            .await?;
        drop(node);
        let _ = std::fs::remove_dir_all(&data);
        println!(
            "  run {run}: /healthz 200 after {:.2} s ({:.0} stories/s)",
            took.as_secs_f64(),
            args.stories as f64 / took.as_secs_f64()
        );
        times.push(took);
    }
    anyhow::ensure!(!times.is_empty(), "no run");
    let max = *times.iter().max().expect("not empty");
    let median = median(&mut times);
    println!(
        "bench catchup: stories={} events={events} runs={} median_s={:.2} max_s={:.2} stories_per_s={:.0}",
        args.stories,
        times.len(),
        median.as_secs_f64(),
        max.as_secs_f64(),
        args.stories as f64 / median.as_secs_f64()
    );
    drop(schema);
    Ok(())
}
