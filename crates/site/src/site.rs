//! Opening a site's data folder: the store, the search index (a follower of the store's log)
//! and the pipeline, wired together. The store is SQLite in the data folder unless a
//! PostgreSQL URL is given (`open_store`); the index and inbox stay in the folder either way.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use jiff::tz::TimeZone;
use wiredesk_editorial::DeskPolicy;
use wiredesk_enrich::TopicAssigner;
use wiredesk_index::{IndexFollower, SearchIndex};
use wiredesk_ingest::topic_model::MODEL_FILE;
use wiredesk_ingest::{Pipeline, PipelineSettings, TopicClassifier};
use wiredesk_source::queue::{DeliveryQueue, QueueSettings};
use wiredesk_source::redact::{redact_text, redact_url};
use wiredesk_store::accounts::Accounts;
use wiredesk_store::followers::Followers;
use wiredesk_store::{PgStore, SqliteStore, Store};

use crate::config::Config;

pub struct Site {
    pub data: PathBuf,
    pub config: Config,
    pub pipeline: Arc<Pipeline>,
    /// The search index and the task that keeps it following the log.
    pub search: IndexFollower,
    /// How far each projection has followed the log (`/healthz`, `/metrics`).
    pub followers: Followers,
    /// The desk's accounts, sessions and audit log (same database as the stories).
    pub accounts: Accounts,
    /// The delivery queue on NATS JetStream, when the site has one (`serve --nats-url`).
    pub queue: Option<DeliveryQueue>,
}

/// Connect to the delivery queue at `url` (NATS with JetStream; none when `None` or empty),
/// trying again (and saying why) for as long as the server does not answer: a node started
/// before its NATS server waits for it.
pub async fn connect_queue(url: Option<&str>) -> Option<DeliveryQueue> {
    let url = url.filter(|u| !u.is_empty())?;
    let mut backoff = wiredesk_store::followers::Backoff::new();
    loop {
        match DeliveryQueue::connect(url, QueueSettings::default()).await {
            Ok(queue) => {
                tracing::info!("delivery queue: NATS JetStream at {}", queue.server());
                return Some(queue);
            }
            Err(e) => {
                let wait = backoff.failed();
                // The error names the server with its credentials masked.
                tracing::error!("{e}; trying again in {wait:?}");
                tokio::time::sleep(wait).await;
            }
        }
    }
}

pub fn config_path(data: &Path, explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(|| data.join("wiredesk.toml"))
}

/// Which site a command works on: its data folder, its config file and its database.
#[derive(Clone)]
pub struct SiteLocation {
    /// The site's data folder (database unless PostgreSQL is named, search index, inbox).
    pub data: PathBuf,
    /// Config file (`None`: DATA/wiredesk.toml).
    pub config: Option<PathBuf>,
    pub db: Database,
}

impl SiteLocation {
    pub async fn open(&self) -> anyhow::Result<Site> {
        Site::open(&self.data, self.config.as_deref(), &self.db).await
    }

    /// Only the desk's accounts: what `wiredesk user` and `wiredesk token` need, without the
    /// search index (which a running server holds locked).
    pub async fn open_accounts(&self) -> anyhow::Result<Accounts> {
        open_accounts(&self.data, self.config.as_deref(), &self.db).await
    }
}

/// Which database a command opens, beyond what the config file says.
// No Debug: the URL may carry a password.
#[derive(Clone, Default)]
pub struct Database {
    /// PostgreSQL holding the stories and accounts (`postgres://user:pass@host/db`); without
    /// it, `[store] url` in the config, else SQLite at DATA/wiredesk.db.
    pub url: Option<String>,
    /// Keep trying while PostgreSQL does not answer (`serve`), rather than fail at once.
    pub wait: bool,
}

/// The PostgreSQL URL a command uses: the flag or the environment, else the config's
/// `[store] url`; `None` for SQLite at `DATA/wiredesk.db`.
pub fn store_url<'a>(config: &'a Config, db: &'a Database) -> Option<&'a str> {
    let url = db.url.as_deref().or(config.store.url.as_deref());
    url.filter(|u| !u.is_empty())
}

/// The one place a command opens its database: PostgreSQL at `url` (the flag or the
/// environment) or the config's `[store] url`, else SQLite at `DATA/wiredesk.db`; with the
/// desk's accounts in the same database.
pub async fn open_store(
    data: &Path,
    config: &Config,
    db: &Database,
) -> anyhow::Result<(Arc<dyn Store>, Accounts)> {
    let Some(url) = store_url(config, db) else {
        std::fs::create_dir_all(data)
            .with_context(|| format!("cannot create data folder {}", data.display()))?;
        let sqlite = SqliteStore::open(&data.join("wiredesk.db"))
            .await
            .context("opening the story database")?;
        let accounts = sqlite.accounts();
        return Ok((Arc::new(sqlite), accounts));
    };
    // Errors and logs name the server, never its password; nor does the driver's message
    // get through unredacted, in case it quotes the URL.
    let shown = redact_url(url);
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        anyhow::bail!(
            "database URL {shown}: only postgres:// URLs are supported (SQLite, the default, \
             needs none)"
        );
    }
    let mut backoff = wiredesk_store::followers::Backoff::new();
    let pg = loop {
        match PgStore::connect(url).await {
            Ok(pg) => break pg,
            Err(e) => {
                let error = anyhow::anyhow!(
                    "cannot open the PostgreSQL database at {shown}: {}",
                    redact_text(&e.to_string())
                );
                if !db.wait {
                    return Err(error);
                }
                let wait = backoff.failed();
                tracing::error!("{error}; trying again in {wait:?}");
                tokio::time::sleep(wait).await;
            }
        }
    };
    tracing::info!("store: PostgreSQL at {shown}");
    let accounts = pg.accounts();
    Ok((Arc::new(pg), accounts))
}

/// Only the desk's accounts: what `wiredesk user` and `wiredesk token` need, without the
/// search index (which a running server holds locked).
pub async fn open_accounts(
    data: &Path,
    config_file: Option<&Path>,
    db: &Database,
) -> anyhow::Result<Accounts> {
    let config = Config::load(&config_path(data, config_file))?;
    Ok(open_store(data, &config, db).await?.1)
}

impl Site {
    pub async fn open(
        data: &Path,
        config_file: Option<&Path>,
        db: &Database,
    ) -> anyhow::Result<Site> {
        std::fs::create_dir_all(data)
            .with_context(|| format!("cannot create data folder {}", data.display()))?;
        let config = Config::load(&config_path(data, config_file))?;
        let (store, accounts) = open_store(data, &config, db).await?;
        let index =
            Arc::new(SearchIndex::open(&data.join("index")).context("opening the search index")?);
        let time_zone = TimeZone::get(&config.site.time_zone)
            .with_context(|| format!("time zone {:?} in the config", config.site.time_zone))?;
        let rules = config.topic_rules();
        let classifier = TopicClassifier::new(
            data.join(MODEL_FILE),
            config.topics.desk_threshold,
            rules
                .topics
                .iter()
                .map(|t| (t.slug.clone(), t.name.clone())),
        );
        let topics = TopicAssigner::new(rules).context("a topic keyword rule in the config")?;
        let settings = PipelineSettings {
            time_zone,
            default_agency: config.ingest.default_agency.clone(),
            agencies: config.agencies(),
            policy: DeskPolicy {
                auto_publish: config.ingest.auto_publish,
                rules: config.ingest.rules.clone(),
            },
            topics,
            summary_chars: config.ingest.summary_chars,
        };
        let pipeline =
            Arc::new(Pipeline::new(store.clone(), settings).with_topic_classifier(classifier));
        let followers = pipeline.followers().clone();
        // An index from an older schema was recreated empty on open, with watermark 0: it
        // catches up from the start of the log like any follower that fell behind.
        let search = IndexFollower::new(index, store, followers.clone());
        Ok(Site {
            data: data.to_path_buf(),
            pipeline,
            search,
            followers,
            config,
            accounts,
            queue: None,
        })
    }

    /// Bring the search index up to the log's end, for commands that write the log and exit
    /// (`ingest`, `demo` before serving). When a running site holds the index, its own
    /// follower does this and nothing needs doing here.
    pub async fn catch_up_search(&self) -> anyhow::Result<()> {
        if let Err(e) = self.search.index().claim() {
            if e.is_busy() {
                tracing::info!("a running site holds the search index; it follows the log itself");
                return Ok(());
            }
            return Err(e).context("opening the search index for writing");
        }
        self.search
            .catch_up()
            .await
            .context("bringing the search index up to the log")?;
        Ok(())
    }

    /// Fold every event again and rebuild the search index from the stories: how many events
    /// were folded and how many stories the index holds.
    pub async fn reindex(&self) -> anyhow::Result<(u64, u64)> {
        let events = self.pipeline.refold().await?;
        let indexed = self
            .search
            .rebuild()
            .await
            .context("rebuilding the search index")?;
        Ok((events, indexed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_agency_under_every_spelling_and_a_config_alias_lands_on_one_agency_page() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("wiredesk.toml"),
            "[[agencies]]\nname = \"Asia News Network\"\naliases = [\"ANN\"]\n",
        )
        .unwrap();
        let site = Site::open(dir.path(), None, &Database::default())
            .await
            .unwrap();
        let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/agencies");
        let mut slugs = Vec::new();
        for file in [
            "dpa-plain.txt",
            "dpa-ninjs.json",
            "dpa-shouted.json",
            "ann-plain.txt",
        ] {
            let path = testdata.join(file);
            let delivery = wiredesk_model::Delivery {
                bytes: std::fs::read(&path).unwrap(),
                path,
                received: jiff::Timestamp::now(),
            };
            let reports = site.pipeline.ingest_batch(vec![delivery]).await.unwrap();
            let id = &reports[0].stories[0];
            let story = site.pipeline.store().story(id).await.unwrap().unwrap();
            slugs.push((file, story.agency.slug, story.agency.name));
        }
        let dpa = |file| (file, "dpa".to_string(), "dpa".to_string());
        assert_eq!(
            slugs,
            [
                dpa("dpa-plain.txt"),
                dpa("dpa-ninjs.json"),
                dpa("dpa-shouted.json"),
                (
                    "ann-plain.txt",
                    "asia-news-network".to_string(),
                    "Asia News Network".to_string()
                ),
            ]
        );
    }
}
