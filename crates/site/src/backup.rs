//! `wiredesk backup` and `wiredesk restore`: a site's database and config files as one folder,
//! taken while the site runs, and put back into a data folder (and database) of the same
//! backend.
//!
//! A backup folder holds the database copy (`wiredesk.db`, SQLite, or `wiredesk.pgdump`,
//! PostgreSQL's custom format; made by `wiredesk_store::backup`), the config files present in
//! the data folder (`FILES`) and `backup.json`, the manifest. The search index is not in it:
//! it is a projection of the log, and a data folder without one rebuilds it on the next
//! start. Neither the inbox nor the archive of received files is in it either.
//!
//! Nothing is half-written: the backup is written in a folder beside `OUT_DIR` and renamed at
//! the end; a restore checks everything first, stages each file under a temporary name and
//! renames them once the database is in place (PostgreSQL restores in one transaction).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use wiredesk_source::redact::{redact_text, redact_url};
use wiredesk_store::backup::BackupError;
use wiredesk_store::{EventLog, PgStore, SqliteStore};

use crate::config::Config;
use crate::site::{Database, SiteLocation, config_path, store_url};

/// The manifest's name in a backup folder.
pub const MANIFEST: &str = "backup.json";
/// The manifest's layout; a restore refuses one it does not know.
const FORMAT: u32 = 1;
const SQLITE_COPY: &str = "wiredesk.db";
const PG_DUMP: &str = "wiredesk.pgdump";
/// The files of the data folder that are backed up when present (the config is taken from
/// `--config` when given, and saved under its usual name).
const FILES: [&str; 4] = [
    "wiredesk.toml",
    "sources.toml",
    "sources-state.json",
    wiredesk_ingest::topic_model::MODEL_FILE,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    fn database_file(self) -> &'static str {
        match self {
            Backend::Sqlite => SQLITE_COPY,
            Backend::Postgres => PG_DUMP,
        }
    }
}

/// `backup.json`.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    backend: Backend,
    /// The database copy's file in the folder.
    database: String,
    /// The log's position in the copy: its latest event's seq.
    log_position: i64,
    /// When the copy was taken (RFC 3339, UTC).
    written_at: String,
    wiredesk_version: String,
    /// The data folder's files in the backup, by name.
    files: Vec<String>,
}

/// A store error as it may be shown: the URL's secrets masked wherever a message quotes it.
fn shown(e: BackupError) -> anyhow::Error {
    anyhow::anyhow!("{}", redact_text(&e.to_string()))
}

async fn connect_pg(url: &str) -> anyhow::Result<PgStore> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        bail!(
            "database URL {}: only postgres:// URLs are supported (SQLite, the default, needs \
             none)",
            redact_url(url)
        );
    }
    PgStore::connect(url).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot open the PostgreSQL database at {}: {}",
            redact_url(url),
            redact_text(&e.to_string())
        )
    })
}

/// `path` with `suffix` added to its file name.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

#[cfg(unix)]
fn private_folder(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new().mode(0o700).create(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn private_folder(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir(path)
}

/// `wiredesk backup`: the site's database and config files into the new folder `out`.
pub async fn backup(site: &SiteLocation, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .with_context(|| format!("reading {}", out.display()))?
            .next()
            .is_none();
        if !empty {
            bail!(
                "{} already exists and is not empty: a backup goes into a new folder",
                out.display()
            );
        }
    }
    let config_file = config_path(&site.data, site.config.as_deref());
    let config = Config::load(&config_file)?;
    // Written beside the target and renamed at the end, so a folder named OUT_DIR is always
    // a whole backup.
    let staging = beside(out, &format!(".partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    private_folder(&staging)
        .with_context(|| format!("cannot create the folder {}", staging.display()))?;
    let written = write_backup(site, &config, &config_file, &staging).await;
    let manifest = match written {
        Ok(manifest) => manifest,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if out.exists() {
        std::fs::remove_dir(out).with_context(|| format!("replacing {}", out.display()))?;
    }
    std::fs::rename(&staging, out).with_context(|| {
        format!(
            "moving the finished backup {} to {}",
            staging.display(),
            out.display()
        )
    })?;
    println!(
        "backup written to {}: {} database at log position {} ({}), {}",
        out.display(),
        manifest.backend.name(),
        manifest.log_position,
        manifest.database,
        if manifest.files.is_empty() {
            "no config files".to_string()
        } else {
            manifest.files.join(", ")
        }
    );
    println!("the search index is not in a backup: it rebuilds from the log after a restore");
    Ok(())
}

async fn write_backup(
    site: &SiteLocation,
    config: &Config,
    config_file: &Path,
    staging: &Path,
) -> anyhow::Result<Manifest> {
    let (backend, log_position) = match store_url(config, &site.db) {
        None => {
            let db = site.data.join("wiredesk.db");
            if !db.is_file() {
                bail!(
                    "no database at {}: is {} a wiredesk data folder (or does its site use \
                     PostgreSQL: --database-url)?",
                    db.display(),
                    site.data.display()
                );
            }
            let store = SqliteStore::open(&db)
                .await
                .with_context(|| format!("opening the story database {}", db.display()))?;
            let position = store
                .backup_into(&staging.join(SQLITE_COPY))
                .await
                .map_err(shown)
                .context("copying the SQLite database")?;
            store.close().await;
            (Backend::Sqlite, position)
        }
        Some(url) => {
            let store = connect_pg(url).await?;
            let position = store
                .dump_into(url, &staging.join(PG_DUMP))
                .await
                .map_err(shown)
                .with_context(|| format!("dumping the database at {}", redact_url(url)))?;
            store.close().await;
            (Backend::Postgres, position)
        }
    };
    let mut files = Vec::new();
    for name in FILES {
        let from = if name == "wiredesk.toml" {
            config_file.to_path_buf()
        } else {
            site.data.join(name)
        };
        match std::fs::copy(&from, staging.join(name)) {
            Ok(_) => files.push(name.to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("copying {}", from.display())),
        }
    }
    let manifest = Manifest {
        format: FORMAT,
        backend,
        database: backend.database_file().to_string(),
        log_position,
        written_at: jiff::Timestamp::now().to_string(),
        wiredesk_version: env!("CARGO_PKG_VERSION").to_string(),
        files,
    };
    let text = serde_json::to_string_pretty(&manifest)?;
    std::fs::write(staging.join(MANIFEST), text + "\n").context("writing the manifest")?;
    Ok(manifest)
}

fn read_manifest(dir: &Path) -> anyhow::Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "{} has no {MANIFEST}: not a folder written by `wiredesk backup` (or an unfinished \
             one)",
            dir.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let manifest: Manifest = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a wiredesk backup manifest", path.display()))?;
    if manifest.format != FORMAT {
        bail!(
            "{}: backup format {} is not one this wiredesk ({}) reads",
            path.display(),
            manifest.format,
            env!("CARGO_PKG_VERSION")
        );
    }
    // Names from the manifest are joined to folders: only plain names, never a path.
    let plain =
        |name: &str| !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != "..";
    if manifest.database != manifest.backend.database_file()
        || !manifest.files.iter().all(|f| FILES.contains(&f.as_str()))
        || !manifest.files.iter().all(|f| plain(f))
    {
        bail!("{}: names files a backup does not hold", path.display());
    }
    Ok(manifest)
}

/// Files staged under a temporary name in the data folder, renamed over their final names by
/// `commit`, removed on drop otherwise.
struct Staged {
    files: Vec<(PathBuf, PathBuf)>,
    /// Removed just before the renames (the old database's WAL).
    obsolete: Vec<PathBuf>,
}

impl Staged {
    fn stage(&mut self, from: &Path, to: PathBuf) -> anyhow::Result<()> {
        let temporary = beside(&to, ".restoring");
        std::fs::copy(from, &temporary)
            .with_context(|| format!("copying {} to {}", from.display(), temporary.display()))?;
        self.files.push((temporary, to));
        Ok(())
    }

    fn commit(mut self) -> anyhow::Result<()> {
        for path in &self.obsolete {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("removing {}", path.display())),
            }
        }
        for (temporary, to) in std::mem::take(&mut self.files) {
            std::fs::rename(&temporary, &to)
                .with_context(|| format!("renaming {} to {}", temporary.display(), to.display()))?;
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (temporary, _) in &self.files {
            let _ = std::fs::remove_file(temporary);
        }
    }
}

/// `wiredesk restore`: the backup in `from` into the data folder `data` and its database;
/// `force` replaces the stories of a target that already has some.
pub async fn restore(data: &Path, db: &Database, from: &Path, force: bool) -> anyhow::Result<()> {
    let manifest = read_manifest(from)?;
    let database = from.join(&manifest.database);
    for name in std::iter::once(&manifest.database).chain(&manifest.files) {
        let path = from.join(name);
        std::fs::File::open(&path).with_context(|| {
            format!(
                "the backup's {name} cannot be read ({}): the backup is incomplete",
                path.display()
            )
        })?;
    }
    std::fs::create_dir_all(data)
        .with_context(|| format!("cannot create data folder {}", data.display()))?;
    // The target's database is where the restored site will look: the flag or environment,
    // else the `[store] url` of the config being restored.
    let restored_config = if manifest.files.iter().any(|f| f == "wiredesk.toml") {
        Config::load(&from.join("wiredesk.toml"))?
    } else {
        Config::default()
    };
    let url = store_url(&restored_config, db).map(str::to_string);
    let target = match url {
        None => Backend::Sqlite,
        Some(_) => Backend::Postgres,
    };
    if target != manifest.backend {
        bail!(
            "{} holds a {} backup, but the target is {}{}: restore it where the same kind \
             of database is used",
            from.display(),
            manifest.backend.name(),
            target.name(),
            match &url {
                Some(url) => format!(" at {}", redact_url(url)),
                None => format!(" ({})", data.join("wiredesk.db").display()),
            }
        );
    }
    refuse_a_running_site(data)?;

    let mut staged = Staged {
        files: Vec::new(),
        obsolete: Vec::new(),
    };
    for name in &manifest.files {
        staged.stage(&from.join(name), data.join(name))?;
    }
    let restored_position = match &url {
        None => restore_sqlite(data, &database, force, &mut staged).await?,
        Some(url) => restore_pg(url, &database, force).await?,
    };
    if restored_position != manifest.log_position {
        bail!(
            "the restored database's log ends at {restored_position}, but the manifest says \
             {}: the backup is damaged",
            manifest.log_position
        );
    }
    staged.commit()?;
    // The index followed another log (or none): without it, the next start rebuilds it from
    // the restored log.
    let index = data.join("index");
    if index.exists() {
        std::fs::remove_dir_all(&index)
            .with_context(|| format!("removing the old search index {}", index.display()))?;
    }
    println!(
        "restored from {} (written {} by wiredesk {}): the {} database at log position {}{}",
        from.display(),
        manifest.written_at,
        manifest.wiredesk_version,
        manifest.backend.name(),
        manifest.log_position,
        match &url {
            Some(url) => format!(" into {}", redact_url(url)),
            None => format!(" into {}", data.join("wiredesk.db").display()),
        }
    );
    for name in &manifest.files {
        println!("restored {}", data.join(name).display());
    }
    println!(
        "the search index will rebuild from the log on the next start (`wiredesk serve --data \
         {}`)",
        data.display()
    );
    Ok(())
}

/// A site serving from `data` holds its search index's writer; restoring under it would be
/// overwritten or half-seen. (Other machines sharing a PostgreSQL database cannot be seen from
/// here: stop them first.)
fn refuse_a_running_site(data: &Path) -> anyhow::Result<()> {
    let index = data.join("index");
    if !index.exists() {
        return Ok(());
    }
    let Ok(search) = wiredesk_index::SearchIndex::open(&index) else {
        // An index that cannot be opened is thrown away and rebuilt anyway.
        return Ok(());
    };
    match search.claim() {
        Err(e) if e.is_busy() => bail!(
            "a wiredesk process is using {}: stop the site before restoring into it",
            data.display()
        ),
        _ => Ok(()),
    }
}

fn refuse_unless_forced(stories: i64, target: &str, force: bool) -> anyhow::Result<()> {
    if stories > 0 && !force {
        bail!(
            "{target} already holds a log of {stories} events: restoring would replace its \
             stories and accounts; give --force to do that"
        );
    }
    Ok(())
}

async fn restore_sqlite(
    data: &Path,
    copy: &Path,
    force: bool,
    staged: &mut Staged,
) -> anyhow::Result<i64> {
    let db = data.join("wiredesk.db");
    if db.exists() {
        let existing = SqliteStore::open(&db)
            .await
            .with_context(|| format!("opening the target database {}", db.display()))?;
        let position = existing.latest_seq().await?;
        existing.close().await;
        refuse_unless_forced(position, &db.display().to_string(), force)?;
    }
    let temporary = beside(&db, ".restoring");
    std::fs::copy(copy, &temporary).with_context(|| format!("copying {}", copy.display()))?;
    staged.files.push((temporary.clone(), db.clone()));
    // Opening checks it is a wiredesk database (and brings an older one's schema up to date);
    // closing checkpoints its WAL, so the one file is the whole database.
    let store = SqliteStore::open(&temporary)
        .await
        .with_context(|| format!("{} is not a readable wiredesk database", copy.display()))?;
    let position = store.latest_seq().await?;
    store.close().await;
    // The old database's WAL and shared memory belong to the old file: left beside the new
    // one, SQLite would apply them to it.
    staged
        .obsolete
        .extend(["-wal", "-shm"].map(|suffix| beside(&db, suffix)));
    Ok(position)
}

async fn restore_pg(url: &str, dump: &Path, force: bool) -> anyhow::Result<i64> {
    let existing = connect_pg(url).await?;
    let position = existing.latest_seq().await?;
    existing.close().await;
    refuse_unless_forced(position, &redact_url(url), force)?;
    PgStore::restore_from(url, dump)
        .await
        .map_err(shown)
        .with_context(|| format!("restoring into the database at {}", redact_url(url)))?;
    let restored = connect_pg(url).await?;
    let position = restored.latest_seq().await?;
    restored.close().await;
    Ok(position)
}
