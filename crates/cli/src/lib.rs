//! `wiredesk`'s command line: the flags of every subcommand (clap) and one call per subcommand
//! into `wiredesk-site` (which wires a site together and runs its commands) or
//! `wiredesk-bench` (`bench`, `eval`); nothing else happens here. `main.rs` sets up logging
//! and the allocator and runs what was parsed.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod accounts;
mod args;
mod backup;
mod bench;
mod sources;
mod topics;

use args::SiteArgs;

/// `wiredesk ingest`'s exit status when it ran to the end but refused at least one file: the
/// others are in, and the refused ones are in `DATA/rejected/` with their reasons. Apart from
/// 1 (an error, as for every command) and 2 (bad flags, clap's), so a script can tell a bad
/// file from a failed run.
pub const EXIT_REJECTED: u8 = 3;

#[derive(Parser)]
#[command(
    name = "wiredesk",
    version,
    about = "Wire copy in, a news site and feeds out"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Start a complete demo site loaded with the bundled sample wire corpus.
    Demo {
        /// Address to serve at; taken before the corpus loads, so a busy port fails at once.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Data folder (default: a fresh temporary folder, removed on exit).
        #[arg(long)]
        data: Option<PathBuf>,
        /// The site's language and its sample corpus: `en` (English wires) or `hi` (a Hindi
        /// site on IANS Hindi, PTI Bhasha and UNI Varta copy).
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Serve the site from a data folder and watch its inbox for wire files.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Address to serve at (also the site's links unless the config sets `base_url`).
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
    #[command(
        after_help = "Exit status: 0 when every file was accepted; 3 when the run \
        finished but refused at least one file (the others are in; a copy of each refused \
        file and its reason are in DATA/rejected/); 1 on an error (what was committed before \
        it stays); 2 on bad flags."
    )]
    Ingest {
        #[command(flatten)]
        site: SiteArgs,
        /// Write one JSON line per input file here.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Wire files, or folders walked for them (hidden files and partial uploads skipped).
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

/// Run one parsed command: the process's exit status, or the error that ends it (status 1).
pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Demo {
            addr,
            data,
            language,
        } => wiredesk_site::demo::run(addr, data, &language).await?,
        Command::User(command) => accounts::user(command).await?,
        Command::Token(command) => accounts::token(command).await?,
        Command::Source(command) => sources::run(command)?,
        Command::Serve {
            site,
            addr,
            role,
            nats,
        } => {
            let nats = nats.nats_url.as_deref();
            wiredesk_site::serve::run(&site.location(), addr, role.into(), nats).await?
        }
        Command::Ingest {
            site,
            report,
            paths,
        } => {
            let tally =
                wiredesk_site::ingest::run(&site.location(), report.as_deref(), &paths).await?;
            if tally.rejected > 0 {
                return Ok(ExitCode::from(EXIT_REJECTED));
            }
        }
        Command::Reindex { site } => {
            let (events, indexed) = site.location().open().await?.reindex().await?;
            println!("reindexed: {events} events folded, {indexed} stories in the search index");
        }
        Command::Backup(args) => backup::backup(args).await?,
        Command::Restore(args) => backup::restore(args).await?,
        Command::Bench(cmd) => bench::run(cmd).await?,
        Command::Eval(cmd) => wiredesk_bench::eval::run(cmd)?,
        Command::Topics(cmd) => topics::run(cmd).await?,
    }
    Ok(ExitCode::SUCCESS)
}
