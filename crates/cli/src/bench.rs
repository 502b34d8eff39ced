//! `wiredesk bench …`: its flags; the measurements are in `wiredesk-bench`.

use clap::Subcommand;
use wiredesk_bench::{cluster, decode, kill, memory, pages, search, site_ingest, soak};

use crate::args::DatabaseUrl;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// End-to-end ingest rate with generated stories, on the embedded default (SQLite) or
    /// PostgreSQL (`--database-url`).
    Ingest {
        /// How many stories to generate and ingest.
        #[arg(long, default_value_t = 10_000)]
        stories: usize,
        /// Data folder (default: a fresh temporary folder).
        #[arg(long)]
        data: Option<std::path::PathBuf>,
        #[command(flatten)]
        db: DatabaseUrl,
    },
    /// Search query latency (p50/p95) and index size, with generated stories.
    Search(search::SearchArgs),
    /// Kill-to-gone latency (p50/p99) with a live server, polling every surface.
    Kill(kill::KillArgs),
    /// A crowd of readers for minutes while the wire lands and stories are killed: errors,
    /// latency per route, memory over time, kill-to-gone under load.
    Soak(soak::SoakArgs),
    /// Two web and two ingest nodes on one PostgreSQL: kill-to-gone on both web nodes
    /// (p50/p99) and the standby taking over when the writer is killed.
    Cluster(cluster::ClusterArgs),
    /// A fresh web node with an empty data folder: time until `/healthz` answers, with its
    /// clusters and search index caught up with a log of generated stories on PostgreSQL.
    Catchup(cluster::CatchupArgs),
    /// What each page costs, cold (first request after start) and cached, at an archive of
    /// `--stories`: home, article, topic, agency, search, sitemap index, a day's story sitemap,
    /// the sections sitemap, a topic feed, desk queue.
    Pages(pages::PagesArgs),
    /// Decoding speed per wire format (items/s, MB/s) over folders of real files.
    Decode(decode::DecodeArgs),
    /// Memory per story of the events and copies the site keeps in memory, with generated
    /// stories.
    Memory(memory::MemoryArgs),
}

pub async fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Search(args) => search::run(args).await,
        BenchCommand::Kill(args) => kill::run(args).await,
        BenchCommand::Soak(args) => soak::run(args).await,
        BenchCommand::Decode(args) => decode::run(args),
        BenchCommand::Memory(args) => memory::run(args),
        BenchCommand::Pages(args) => pages::run(args).await,
        BenchCommand::Cluster(args) => cluster::cluster(args).await,
        BenchCommand::Catchup(args) => cluster::catchup(args).await,
        BenchCommand::Ingest { stories, data, db } => {
            site_ingest::run(stories, data, &db.database()).await
        }
    }
}
