//! `wiredesk`: the one binary. Parses flags, sets up logging and the allocator, and calls
//! `wiredesk-site` (which wires a site together and runs its commands) and `wiredesk-bench`
//! (`bench`, `eval`); nothing else happens here.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

mod accounts;
mod args;
mod backup;
mod bench;
mod sources;
mod topics;

use args::SiteArgs;

// glibc's allocator spent 40–50% of decode time in malloc/free (perf, `bench decode`); decoders
// make many small strings, which mimalloc's per-thread free lists serve far faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "wiredesk",
    version,
    about = "Wire copy in, a news site and feeds out"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a complete demo site loaded with the bundled sample wire corpus.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Data folder (default: a fresh temporary folder, removed on exit).
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Serve the site from a data folder and watch its inbox for wire files.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// `web` serves readers, the API and the desk; `ingest` takes copy in (one such node
        /// writes at a time, the others wait as standbys); `all` does both.
        #[arg(long, value_enum, default_value_t = args::Role::All)]
        role: args::Role,
        #[command(flatten)]
        nats: args::NatsUrl,
    },
    /// Ingest wire files or folders of them.
    Ingest {
        #[command(flatten)]
        site: SiteArgs,
        /// Write one JSON line per input file here.
        #[arg(long)]
        report: Option<PathBuf>,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Rebuild every projection (story tables, search index) from the event log.
    Reindex {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Copy the database and config files to a new folder, while the site runs.
    Backup(backup::BackupArgs),
    /// Put a backup back into a data folder (and database); the search index rebuilds.
    Restore(backup::RestoreArgs),
    /// Measure; prints figures.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Wire desk accounts.
    #[command(subcommand)]
    User(accounts::UserCommand),
    /// Bearer tokens: for agencies that push to `POST /api/v1/ingest`, and for scraping
    /// `GET /metrics`.
    #[command(subcommand)]
    Token(accounts::TokenCommand),
    /// Evaluate near-duplicates, topics and related articles on labelled corpora.
    #[command(subcommand)]
    Eval(wiredesk_bench::eval::EvalCommand),
    /// Feeds polled over HTTP(S) by `serve` (kept in DATA/sources.toml).
    #[command(subcommand)]
    Source(sources::SourceCommand),
    /// The topic model learned from the site's own stories, for copy that arrives untagged.
    #[command(subcommand)]
    Topics(topics::TopicsCommand),
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "wiredesk=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(run(cli.command))
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Demo { addr, data } => wiredesk_site::demo::run(addr, data).await,
        Command::User(command) => accounts::user(command).await,
        Command::Token(command) => accounts::token(command).await,
        Command::Source(command) => sources::run(command),
        Command::Serve {
            site,
            addr,
            role,
            nats,
        } => {
            let nats = nats.nats_url.as_deref();
            wiredesk_site::serve::run(&site.location(), addr, role.into(), nats).await
        }
        Command::Ingest {
            site,
            report,
            paths,
        } => wiredesk_site::ingest::run(&site.location(), report.as_deref(), &paths).await,
        Command::Reindex { site } => {
            let (events, indexed) = site.location().open().await?.reindex().await?;
            println!("reindexed: {events} events folded, {indexed} stories in the search index");
            Ok(())
        }
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::Bench(cmd) => bench::run(cmd).await,
        Command::Eval(cmd) => wiredesk_bench::eval::run(cmd),
        Command::Topics(cmd) => topics::run(cmd).await,
    }
}
