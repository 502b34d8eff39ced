//! `wiredesk bench …`: measurements that print figures (never run as timed tests).

use std::time::Instant;

use clap::Subcommand;
use jiff::{SignedDuration, Timestamp};
use wiredesk_source::Delivery;

use crate::app::Site;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// End-to-end ingest rate with generated stories, on the embedded default (SQLite) or
    /// PostgreSQL (`--database-url`).
    Ingest {
        #[arg(long, default_value_t = 10_000)]
        stories: usize,
        /// Data folder (default: a fresh temporary folder).
        #[arg(long)]
        data: Option<std::path::PathBuf>,
        #[command(flatten)]
        db: crate::app::DatabaseUrl,
    },
    /// Search query latency (p50/p95) and index size, with generated stories.
    Search(wiredesk_bench::search::SearchArgs),
    /// Kill-to-gone latency (p50/p99) with a live server, polling every surface.
    Kill(crate::bench_kill::KillArgs),
    /// A crowd of readers for minutes while the wire lands and stories are killed: errors,
    /// latency per route, memory over time, kill-to-gone under load.
    Soak(crate::bench_soak::SoakArgs),
    /// Two web and two ingest nodes on one PostgreSQL: kill-to-gone on both web nodes
    /// (p50/p99) and the standby taking over when the writer is killed.
    Cluster(crate::bench_cluster::ClusterArgs),
    /// A fresh web node with an empty data folder: time until `/healthz` answers, with its
    /// clusters and search index caught up with a log of generated stories on PostgreSQL.
    Catchup(crate::bench_cluster::CatchupArgs),
    /// Decoding speed per wire format (items/s, MB/s) over folders of real files.
    Decode(wiredesk_bench::decode::DecodeArgs),
}

const PLACES: &[(&str, &str)] = &[
    ("Seoul", "Yonhap"),
    ("New Delhi", "IANS"),
    ("Mumbai", "PTI"),
    ("TOKYO", "Reuters"),
    ("WASHINGTON", "AP"),
    ("Paris", "AFP"),
    ("Chennai", "PTI"),
    ("LONDON", "Reuters"),
];
const SUBJECTS: &[&str] = &[
    "the central bank kept its key rate unchanged as inflation eased",
    "the cricket board named a new captain for the one-day series",
    "rescue teams reached villages cut off by the monsoon floods",
    "the space agency launched an earth observation satellite",
    "health officials began a dengue vaccine trial in three cities",
    "chip makers reported record exports for the quarter",
];

/// A deterministic plain-text story: number `i` always reads the same.
pub fn generated_story(i: usize) -> String {
    let (place, agency) = PLACES[i % PLACES.len()];
    let subject = SUBJECTS[(i / PLACES.len()) % SUBJECTS.len()];
    let sep = if agency == "Reuters" || agency == "AFP" {
        " -"
    } else {
        ""
    };
    format!(
        "Story {i}: officials say {subject}\n\n\
         {place}, Nov 27 ({agency}){sep} Officials said on Friday that {subject}, in a move watched closely by markets and residents alike. Item number {i} in the generated wire.\n\n\
         \u{201c}We are following the situation closely,\u{201d} a spokesperson said, adding that more details would follow later in the day.\n\n\
         The announcement came after weeks of speculation. Analysts said the decision was expected and would be reviewed at the next meeting in {m} weeks.\n",
        m = i % 9 + 2
    )
}

/// `stories` generated stories, delivered one a second up to `now`.
pub fn generated_deliveries(stories: usize, now: Timestamp) -> Vec<Delivery> {
    (0..stories)
        .map(|i| Delivery {
            path: format!("generated/{i}.txt").into(),
            bytes: generated_story(i).into_bytes(),
            received: now - SignedDuration::from_secs(stories as i64 - i as i64),
        })
        .collect()
}

/// Ingest deliveries in the batches `wiredesk ingest` uses.
pub async fn ingest_in_batches(
    site: &Site,
    deliveries: Vec<Delivery>,
) -> anyhow::Result<wiredesk_ingest::Tally> {
    let mut tally = wiredesk_ingest::Tally::default();
    let mut rest = deliveries;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(crate::ingest::BATCH_FILES));
        for r in site.pipeline.ingest_batch(rest).await? {
            tally.add(&r);
        }
        rest = tail;
    }
    Ok(tally)
}

pub async fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Search(args) => wiredesk_bench::search::run(args).await,
        BenchCommand::Kill(args) => crate::bench_kill::run(args).await,
        BenchCommand::Soak(args) => crate::bench_soak::run(args).await,
        BenchCommand::Decode(args) => wiredesk_bench::decode::run(args),
        BenchCommand::Cluster(args) => crate::bench_cluster::cluster(args).await,
        BenchCommand::Catchup(args) => crate::bench_cluster::catchup(args).await,
        BenchCommand::Ingest { stories, data, db } => {
            let (data, _tmp) = match data {
                Some(d) => (d, None),
                None => crate::demo::default_data_dir()?,
            };
            let site = Site::open(&data, None, &db).await?;
            let backend = match crate::app::store_url(&site.config, &db) {
                Some(_) => "postgres",
                None => "sqlite",
            };
            let deliveries = generated_deliveries(stories, Timestamp::now());
            let bytes: usize = deliveries.iter().map(|d| d.bytes.len()).sum();
            let started = Instant::now();
            let tally = ingest_in_batches(&site, deliveries).await?;
            // Searchable is part of ingested: the time includes the index catching up.
            site.catch_up_search().await?;
            let secs = started.elapsed().as_secs_f64();
            println!("{}", crate::ingest::summary_line(&tally));
            println!(
                "bench ingest: backend={backend} stories={stories} seconds={secs:.2} stories_per_s={:.0} mb_per_s={:.1} index_docs={}",
                tally.stories as f64 / secs,
                bytes as f64 / 1_048_576.0 / secs,
                site.search.index().num_docs()
            );
            Ok(())
        }
    }
}
