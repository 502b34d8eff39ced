//! `wiredesk`: the one binary. Parses flags and wires the pipeline crates together; the work
//! itself lives in the crates named in ARCHITECTURE.md.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use jiff::Timestamp;

mod accounts;
mod app;
mod backup;
mod bench;
mod bench_cluster;
mod bench_kill;
mod bench_soak;
mod config;
mod demo;
mod ingest;
mod serve;
mod sources;
mod topics;
mod writer;

use app::{DatabaseUrl, Site, SiteArgs};

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
        #[arg(long, value_enum, default_value_t = serve::Role::All)]
        role: serve::Role,
        #[command(flatten)]
        nats: app::NatsUrl,
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
        Command::Demo { addr, data } => {
            let (data, _temporary) = match data {
                Some(d) => (d, None),
                None => demo::default_data_dir()?,
            };
            std::fs::create_dir_all(&data)?;
            demo::write_demo_config(&data, &format!("http://{addr}"))?;
            // The demo stays embedded: SQLite in its own folder, whatever the environment says.
            let site = Site::open(&data, None, &DatabaseUrl::default()).await?;
            let reports = site
                .pipeline
                .ingest_batch(demo::corpus_deliveries(Timestamp::now()))
                .await?;
            let mut tally = wiredesk_ingest::Tally::default();
            for r in &reports {
                tally.add(r);
                if let Some(reason) = &r.reason {
                    eprintln!("demo corpus: {} rejected: {reason}", r.path.display());
                }
            }
            println!("demo corpus: {}", ingest::summary_line(&tally));
            // A fresh admin account each run, so the desk can be tried at once.
            let password = wiredesk_desk::auth::random_token()[..16].to_string();
            site.accounts
                .put_user(
                    "demo",
                    wiredesk_store::accounts::Role::Admin,
                    &wiredesk_desk::auth::hash_password(&password),
                )
                .await?;
            println!("wire desk: http://{addr}/desk (user demo, password {password})");
            println!("data folder: {}", data.display());
            serve::serve(site, addr, serve::Role::All, "Wiredesk demo running at").await
        }
        Command::User(command) => {
            let accounts = command.db().open_accounts().await?;
            accounts::user(&accounts, command).await
        }
        Command::Token(command) => {
            let accounts = command.db().open_accounts().await?;
            accounts::token(&accounts, command).await
        }
        Command::Source(command) => sources::run(command),
        Command::Serve {
            mut site,
            addr,
            role,
            nats,
        } => {
            site.db.wait = true;
            let mut site = site.open().await?;
            site.queue = nats.connect().await;
            site.config.serve_at(addr);
            serve::serve(site, addr, role, "Wiredesk serving at").await
        }
        Command::Ingest {
            site: args,
            report,
            paths,
        } => {
            let site = args.open().await?;
            let data = &args.data;
            let run =
                ingest::ingest_paths(&site.pipeline, &paths, &|_| Timestamp::now(), true).await?;
            site.catch_up_search().await?;
            for r in run
                .reports
                .iter()
                .filter(|r| r.outcome == wiredesk_ingest::Outcome::Rejected)
            {
                let reason = r.reason.as_deref().unwrap_or("rejected");
                match wiredesk_source::keep_rejected_copy(data, &r.path, reason) {
                    Ok(copy) => eprintln!(
                        "rejected {}: {reason} (copy and reason in {})",
                        r.path.display(),
                        copy.display()
                    ),
                    Err(e) => eprintln!(
                        "rejected {}: {reason} (no copy kept in the rejected folder: {e})",
                        r.path.display()
                    ),
                }
            }
            if let Some(path) = report {
                ingest::write_report(&path, &run.reports)
                    .with_context(|| format!("writing the report {}", path.display()))?;
            }
            println!("{}", ingest::summary_line(&run.tally));
            Ok(())
        }
        Command::Reindex { site } => {
            let site = site.open().await?;
            let events = site.pipeline.refold().await?;
            let indexed = site
                .search
                .rebuild()
                .await
                .context("rebuilding the search index")?;
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
