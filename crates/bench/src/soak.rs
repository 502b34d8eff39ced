//! `wiredesk bench soak`: the site under a crowd while the wire keeps landing. Loads generated
//! stories, then for a fixed time runs many readers of mixed traffic (pages, feeds, search,
//! API) while a live feed drops stories into the inbox and, every few seconds, a story is
//! killed and timed until no surface shows it. Prints errors, latency per route, the
//! process's memory over time and kill-to-gone under load; it stops by itself and asks only
//! 127.0.0.1.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use wiredesk_store::Listing;

use crate::kill::{kill, newest_live, percentile, serve_generated, showing, until_gone};

#[derive(clap::Args)]
pub struct SoakArgs {
    /// How long the crowd reads, in seconds.
    #[arg(long, default_value_t = 300)]
    pub secs: u64,
    /// Readers asking at once, each one request after another.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Stories the live feed lands per second, through the drop folder.
    #[arg(long, default_value_t = 10)]
    pub rate: u32,
    /// Stories loaded before the crowd arrives.
    #[arg(long, default_value_t = 2_000)]
    pub stories: usize,
    /// Seconds between kills (each one timed until gone from every surface).
    #[arg(long, default_value_t = 5)]
    pub kill_every: u64,
}

/// What readers ask for, with how often (out of 100): the home page and articles lead, as
/// they do in a newsroom's logs; feed readers and partners poll the rest.
const MIX: &[(Route, u32)] = &[
    (Route::Home, 20),
    (Route::Article, 30),
    (Route::Topic, 8),
    (Route::Agency, 5),
    (Route::Search, 10),
    (Route::Rss, 6),
    (Route::Atom, 3),
    (Route::JsonFeed, 3),
    (Route::ApiList, 8),
    (Route::ApiStory, 7),
];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Route {
    Home,
    Article,
    Topic,
    Agency,
    Search,
    Rss,
    Atom,
    JsonFeed,
    ApiList,
    ApiStory,
}

impl Route {
    fn name(self) -> &'static str {
        match self {
            Route::Home => "home",
            Route::Article => "article",
            Route::Topic => "topic",
            Route::Agency => "agency",
            Route::Search => "search",
            Route::Rss => "rss",
            Route::Atom => "atom",
            Route::JsonFeed => "json feed",
            Route::ApiList => "api list",
            Route::ApiStory => "api story",
        }
    }

    /// A story the soak killed answers 410 on its own URLs; that is not an error.
    fn expected(self, status: u16) -> bool {
        status == 200 || (matches!(self, Route::Article | Route::ApiStory) && status == 410)
    }
}

/// The URLs readers pick from, taken from the stories loaded before the crowd arrives.
struct Targets {
    /// Article pages as the site links them (with the headline's slug).
    articles: Vec<String>,
    stories: Vec<String>,
    topics: Vec<String>,
    agencies: Vec<String>,
    words: Vec<String>,
}

impl Targets {
    fn path(&self, route: Route, rng: &mut Rng) -> String {
        match route {
            Route::Home => "/".into(),
            Route::Article => rng.pick(&self.articles).to_string(),
            Route::Topic => format!("/topic/{}", rng.pick(&self.topics)),
            Route::Agency => format!("/agency/{}", rng.pick(&self.agencies)),
            Route::Search => format!("/search?q={}", rng.pick(&self.words)),
            Route::Rss => "/feed.xml".into(),
            Route::Atom => "/atom.xml".into(),
            Route::JsonFeed => "/feed.json".into(),
            Route::ApiList => "/api/v1/stories".into(),
            Route::ApiStory => format!("/api/v1/stories/{}", rng.pick(&self.stories)),
        }
    }
}

/// xorshift64*: enough to spread requests, and the same run each time for a given reader.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, from: &'a [String]) -> &'a str {
        &from[(self.next() % from.len() as u64) as usize]
    }

    fn route(&mut self) -> Route {
        let total: u32 = MIX.iter().map(|m| m.1).sum();
        let mut roll = (self.next() % u64::from(total)) as u32;
        for &(route, weight) in MIX {
            if roll < weight {
                return route;
            }
            roll -= weight;
        }
        Route::Home
    }
}

/// Latencies in buckets 2% wide: memory stays flat however long the soak, so the memory
/// figure is the server's growth, not the benchmark's own.
#[derive(Clone)]
struct Histogram {
    buckets: Vec<u64>,
    count: u64,
}

/// ln(1.02): each bucket is 2% wider than the one before.
const BUCKET_STEP: f64 = 0.0198;

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: vec![0; 1_000],
            count: 0,
        }
    }
}

impl Histogram {
    fn record(&mut self, d: Duration) {
        let micros = d.as_micros().max(1) as f64;
        let i = ((micros.ln() / BUCKET_STEP) as usize).min(self.buckets.len() - 1);
        self.buckets[i] += 1;
        self.count += 1;
    }

    fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.buckets.iter_mut().zip(&other.buckets) {
            *a += b;
        }
        self.count += other.count;
    }

    /// The upper edge of the bucket holding the p-th percentile (within 2%).
    fn percentile(&self, p: f64) -> Duration {
        let rank = ((p / 100.0) * self.count as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Duration::from_micros(((i + 1) as f64 * BUCKET_STEP).exp() as u64);
            }
        }
        Duration::ZERO
    }
}

#[derive(Default)]
struct Tally {
    routes: BTreeMap<Route, Histogram>,
    /// "route: kind" → how many.
    errors: BTreeMap<String, u64>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (route, h) in other.routes {
            self.routes.entry(route).or_default().merge(&h);
        }
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
    }
}

/// One reader: asks, reads the whole answer, asks again, until `until`.
async fn reader(
    client: reqwest::Client,
    base: String,
    targets: std::sync::Arc<Targets>,
    seed: u64,
    until: Instant,
) -> Tally {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut tally = Tally::default();
    while Instant::now() < until {
        let route = rng.route();
        let url = format!("{base}{}", targets.path(route, &mut rng));
        let started = Instant::now();
        let answer = match client
            .get(&url)
            .timeout(Duration::from_secs(30))
            .send()
            .await
        {
            Ok(r) => {
                let status = r.status().as_u16();
                r.bytes().await.map(|_| status)
            }
            Err(e) => Err(e),
        };
        tally
            .routes
            .entry(route)
            .or_default()
            .record(started.elapsed());
        let error = match answer {
            Ok(status) if route.expected(status) => continue,
            Ok(status) => format!("status {status}"),
            Err(e) if e.is_timeout() => "timeout".into(),
            Err(e) if e.is_connect() => "connect".into(),
            Err(_) => "transport".into(),
        };
        *tally
            .errors
            .entry(format!("{}: {error}", route.name()))
            .or_default() += 1;
    }
    tally
}

/// The live feed: `rate` generated stories a second, each written beside the inbox and then
/// renamed into it, as an agency's upload lands whole. Returns how many it dropped.
async fn live_feed(
    data: std::path::PathBuf,
    first: usize,
    rate: u32,
    until: Instant,
) -> anyhow::Result<usize> {
    let staging = data.join("soak-staging");
    std::fs::create_dir_all(&staging)?;
    let inbox = data.join("inbox");
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    let mut n = first;
    while Instant::now() < until {
        tick.tick().await;
        let name = format!("soak-{n}.txt");
        std::fs::write(
            staging.join(&name),
            crate::site_ingest::generated_story(n).as_bytes(),
        )?;
        std::fs::rename(staging.join(&name), inbox.join(&name))?;
        n += 1;
    }
    Ok(n - first)
}

/// The process's resident memory in MiB (server and readers share it; readers keep only
/// fixed-size histograms).
fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

async fn targets(site: &wiredesk_site::Site) -> anyhow::Result<Targets> {
    let stories = site
        .pipeline
        .store()
        .live(
            &Listing {
                limit: 100_000,
                ..Listing::default()
            },
            Timestamp::now(),
        )
        .await?;
    anyhow::ensure!(!stories.is_empty(), "no live story to read");
    let mut topics: Vec<String> = stories
        .iter()
        .flat_map(|s| s.topics.iter().map(|t| t.slug.clone()))
        .collect();
    topics.sort();
    topics.dedup();
    let mut agencies: Vec<String> = stories.iter().map(|s| s.agency.slug.clone()).collect();
    agencies.sort();
    agencies.dedup();
    if topics.is_empty() {
        topics.push("none".into());
    }
    // Words from the generated copy, plus story numbers that find one story each.
    let mut words: Vec<String> = [
        "bank",
        "cricket",
        "monsoon",
        "satellite",
        "dengue",
        "exports",
        "officials",
    ]
    .iter()
    .map(|w| w.to_string())
    .collect();
    words.extend((0..50).map(|i| (i * 37).to_string()));
    Ok(Targets {
        articles: stories
            .iter()
            .map(|s| wiredesk_model::story_path(&s.id, &s.headline, s.language.as_deref()))
            .collect(),
        stories: stories.iter().map(|s| s.id.to_string()).collect(),
        topics,
        agencies,
        words,
    })
}

pub async fn run(args: SoakArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.connections > 0, "--connections must be at least 1");
    let (site, base, _tmp) = serve_generated(args.stories).await?;
    let targets = std::sync::Arc::new(targets(&site).await?);
    let client = wiredesk_publish::http_client();
    println!(
        "bench soak: {} stories loaded; {} readers for {} s, live feed {} stories/s, a kill every {} s",
        args.stories, args.connections, args.secs, args.rate, args.kill_every
    );
    let started = Instant::now();
    let until = started + Duration::from_secs(args.secs);

    let mut readers = tokio::task::JoinSet::new();
    for seed in 0..args.connections {
        readers.spawn(reader(
            client.clone(),
            base.clone(),
            targets.clone(),
            seed as u64 + 1,
            until,
        ));
    }
    let feed = tokio::spawn(live_feed(site.data.clone(), args.stories, args.rate, until));
    let memory = tokio::spawn(async move {
        let mut samples = Vec::new();
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tick.tick().await;
            let at = started.elapsed().as_secs();
            if let Some(mib) = rss_mib() {
                println!("  rss t={at:>4}s rss_mib={mib:.1}");
                samples.push(mib);
            }
            if Instant::now() >= until {
                return samples;
            }
        }
    });

    // Kills, timed from the desk accepting each one to the first answer without the story.
    let mut kills: Vec<Duration> = Vec::new();
    let mut worst_surface: BTreeMap<&'static str, Duration> = BTreeMap::new();
    let mut kill_tick = tokio::time::interval(Duration::from_secs(args.kill_every.max(1)));
    kill_tick.tick().await;
    while Instant::now() + Duration::from_secs(1) < until {
        kill_tick.tick().await;
        let Some(story) = newest_live(&site).await? else {
            continue;
        };
        let watched = showing(&client, &base, &story).await?;
        kill(&site, &story).await?;
        let accepted = Instant::now();
        let gone_at = until_gone(&client, &base, watched, &story.id.to_string(), accepted).await?;
        for &(surface, at) in &gone_at {
            let slot = worst_surface.entry(surface).or_default();
            *slot = (*slot).max(at);
        }
        kills.push(gone_at.iter().map(|g| g.1).max().unwrap_or_default());
    }

    let mut tally = Tally::default();
    while let Some(t) = readers.join_next().await {
        tally.merge(t?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let dropped = feed.await??;
    let rss = memory.await?;
    let backlog = std::fs::read_dir(site.data.join("inbox"))?.count();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let requests: u64 = tally.routes.values().map(|h| h.count).sum();
    let errors: u64 = tally.errors.values().sum();
    println!("  route        requests   p50_ms   p99_ms");
    for (route, h) in &tally.routes {
        println!(
            "  {:<11} {:>9} {:>8.1} {:>8.1}",
            route.name(),
            h.count,
            ms(h.percentile(50.0)),
            ms(h.percentile(99.0))
        );
    }
    for (kind, n) in &tally.errors {
        println!("  error {kind}: {n}");
    }
    for (surface, worst) in &worst_surface {
        println!("  gone from {surface:<14} worst_ms={:7.1}", ms(*worst));
    }
    println!("  live feed: {dropped} stories dropped, {backlog} still in the inbox at the end");
    kills.sort();
    // Growth is counted from the first sample under load (t=10 s): the one at t=0 is taken
    // before the crowd's connections and the first renders exist.
    let (first, last) = (
        rss.get(1).or(rss.first()).copied().unwrap_or_default(),
        rss.last().copied().unwrap_or_default(),
    );
    let home = tally.routes.get(&Route::Home).cloned().unwrap_or_default();
    let kill_ms = |p: f64| {
        if kills.is_empty() {
            f64::NAN
        } else {
            ms(percentile(&kills, p))
        }
    };
    println!(
        "bench soak: secs={} connections={} rate={} requests={requests} rps={:.0} errors={errors} \
         home_p50_ms={:.1} home_p99_ms={:.1} kills={} kill_p50_ms={:.1} kill_p99_ms={:.1} \
         kill_max_ms={:.1} rss_first_mib={first:.1} rss_last_mib={last:.1} rss_growth_mib={:.1}",
        args.secs,
        args.connections,
        args.rate,
        requests as f64 / elapsed,
        ms(home.percentile(50.0)),
        ms(home.percentile(99.0)),
        kills.len(),
        kill_ms(50.0),
        kill_ms(99.0),
        kills.last().map(|d| ms(*d)).unwrap_or(f64::NAN),
        last - first,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_places_percentiles_within_two_percent() {
        let mut h = Histogram::default();
        for ms in 1..=100 {
            h.record(Duration::from_millis(ms));
        }
        let p50 = h.percentile(50.0).as_secs_f64() * 1000.0;
        let p99 = h.percentile(99.0).as_secs_f64() * 1000.0;
        assert!((50.0..=51.0).contains(&p50), "p50 {p50}");
        assert!((99.0..=101.0).contains(&p99), "p99 {p99}");
    }

    #[test]
    fn the_mix_reaches_every_route() {
        let mut rng = Rng(7);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..10_000 {
            seen.insert(rng.route());
        }
        assert_eq!(seen.len(), MIX.len());
    }
}
