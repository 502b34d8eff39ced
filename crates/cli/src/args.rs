//! The flag groups several commands share, and the plain settings `wiredesk-site` takes for
//! them.

use std::path::PathBuf;

use wiredesk_site::{Database, SiteLocation};

/// Which site a command works on: its data folder, its config file and its database, the
/// same three flags for every command that opens one.
#[derive(clap::Args, Clone)]
pub struct SiteArgs {
    /// The site's data folder (database unless PostgreSQL is named, search index, inbox).
    #[arg(long)]
    pub data: PathBuf,
    /// Config file (default: DATA/wiredesk.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub db: DatabaseUrl,
}

impl SiteArgs {
    pub fn location(&self) -> SiteLocation {
        SiteLocation {
            data: self.data.clone(),
            config: self.config.clone(),
            db: self.db.database(),
        }
    }
}

/// `--database-url`, for every command that opens the database.
#[derive(clap::Args, Clone, Default)]
pub struct DatabaseUrl {
    /// PostgreSQL holding the stories and accounts (`postgres://user:pass@host/db`); without
    /// it, `[store] url` in the config, else SQLite at DATA/wiredesk.db.
    // Values hidden from `--help`: the URL may carry a password.
    #[arg(
        long = "database-url",
        env = "WIREDESK_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

impl DatabaseUrl {
    pub fn database(&self) -> Database {
        Database {
            url: self.database_url.clone(),
            wait: false,
        }
    }
}

/// `--nats-url`, for `serve`.
#[derive(clap::Args, Clone, Default)]
pub struct NatsUrl {
    /// NATS with JetStream carrying pushed and polled copy to the site's writer
    /// (`nats://host:4222`, a comma-separated list for a cluster); without it, every node
    /// ingests what it receives itself.
    // Values hidden from `--help`: the URL may carry a token or password.
    #[arg(long = "nats-url", env = "WIREDESK_NATS_URL", hide_env_values = true)]
    pub nats_url: Option<String>,
}

/// The data folder whose accounts or sources are meant.
#[derive(clap::Args)]
pub struct DataDir {
    /// The site's data folder (sources are kept in DATA/sources.toml).
    #[arg(long)]
    pub data: PathBuf,
}

/// What a `serve` process does (`--role`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
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

impl From<Role> for wiredesk_site::serve::Role {
    fn from(role: Role) -> Self {
        match role {
            Role::All => Self::All,
            Role::Web => Self::Web,
            Role::Ingest => Self::Ingest,
        }
    }
}
