//! Copies of the whole database, taken while the site runs, and putting one back.
//!
//! SQLite: `VACUUM INTO` through the store's own pool, a consistent snapshot (one read
//! transaction, so writers carry on in WAL mode) written as one self-contained file.
//! PostgreSQL: `pg_dump` in its custom format, run as a child process inside a snapshot this
//! module exports, so the log position it reports is exactly the dump's; restored with
//! `pg_restore --clean --if-exists --no-owner --single-transaction` (all or nothing).
//!
//! The server's URL never reaches a command line (other users can read those) nor an error
//! here: the password goes to the tool through `PGPASSWORD`, and a failing tool's message is
//! passed on as it wrote it, for the caller to mask before it is shown.
//!
//! Must not: choose file names or folders in the data folder, or write a manifest: that is
//! `wiredesk-site`'s (`site/src/backup.rs`).

use std::path::Path;
use std::process::Stdio;

use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection};

use crate::{PgStore, SqliteStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "{tool} was not found on this machine's PATH: install the PostgreSQL client tools \
         (the package postgresql-client), at least the server's version"
    )]
    MissingTool { tool: &'static str },
    #[error("{tool} failed ({status}): {message}")]
    ToolFailed {
        tool: &'static str,
        status: String,
        message: String,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        BackupError::Store(StoreError::Database(e))
    }
}

impl SqliteStore {
    /// Write a consistent copy of the whole database (log, projections, accounts) to `path`,
    /// which must not exist, while others keep reading and writing. Returns the copy's log
    /// position (its latest event's seq, 0 when empty).
    pub async fn backup_into(&self, path: &Path) -> Result<i64, BackupError> {
        let target = path.to_str().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a UTF-8 path", path.display()),
            )
        })?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.pool)
            .await?;
        // The copy carries the source's WAL mode in its header; a backup is one file, so it is
        // set back to a rollback journal (WAL is set again by whoever opens it as a store).
        let mut copy = SqliteConnectOptions::new()
            .filename(path)
            .journal_mode(SqliteJournalMode::Delete)
            .connect()
            .await?;
        let seq: Option<i64> = sqlx::query("SELECT MAX(seq) FROM events")
            .fetch_one(&mut copy)
            .await?
            .get(0);
        copy.close().await?;
        Ok(seq.unwrap_or(0))
    }

    /// Close every connection, so the file (and its WAL, checkpointed) can be moved.
    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// A libpq connection URI without its password, and the password (percent-decoded) for
/// `PGPASSWORD`, so a command line never carries it.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://") else {
        return (url.to_string(), None);
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_string(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_string(), None);
    };
    let stripped = format!(
        "{}{user}@{host}{}",
        &url[..scheme_end + 3],
        &rest[authority_end..]
    );
    (
        stripped,
        Some(
            percent_encoding::percent_decode_str(password)
                .decode_utf8_lossy()
                .into_owned(),
        ),
    )
}

/// Run a PostgreSQL client tool against `url` with `args`; its stderr is the error.
async fn run_tool(tool: &'static str, url: &str, args: &[&str]) -> Result<(), BackupError> {
    let (dbname, password) = split_password(url);
    let mut command = tokio::process::Command::new(tool);
    command
        .args(args)
        .arg(format!("--dbname={dbname}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = match command.output().await {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::MissingTool { tool });
        }
        Err(e) => return Err(e.into()),
    };
    if output.status.success() {
        return Ok(());
    }
    Err(BackupError::ToolFailed {
        tool,
        status: output.status.to_string(),
        message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
    })
}

impl PgStore {
    /// `pg_dump` the whole database at `url` (the one this store is connected to) to `path`
    /// in the custom format, without owners, as of one snapshot. Returns that snapshot's log
    /// position.
    pub async fn dump_into(&self, url: &str, path: &Path) -> Result<i64, BackupError> {
        // A snapshot held open in a transaction of ours: the log position is read in it, and
        // pg_dump dumps exactly it. Appends commit in seq order (`LOG_LOCK`), so the snapshot
        // holds a whole prefix of the log.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let snapshot: String = sqlx::query("SELECT pg_export_snapshot()")
            .fetch_one(&mut *tx)
            .await?
            .get(0);
        let seq: Option<i64> = sqlx::query("SELECT MAX(seq) FROM events")
            .fetch_one(&mut *tx)
            .await?
            .get(0);
        let file = path.as_os_str().to_string_lossy().into_owned();
        let dumped = run_tool(
            "pg_dump",
            url,
            &[
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                &format!("--snapshot={snapshot}"),
                &format!("--file={file}"),
            ],
        )
        .await;
        tx.rollback().await?;
        dumped?;
        Ok(seq.unwrap_or(0))
    }

    /// Close every connection (before a restore drops the tables under them).
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// Put a `dump_into` file back into the database at `url`: what the dump holds replaces
    /// what is there, in one transaction, so a failure leaves the database as it was.
    pub async fn restore_from(url: &str, path: &Path) -> Result<(), BackupError> {
        let file = path.as_os_str().to_string_lossy().into_owned();
        run_tool(
            "pg_restore",
            url,
            &[
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                &file,
            ],
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        let (url, password) = split_password("postgres://news:p%40ss:w@db.example:5433/wire?x=1");
        assert_eq!(url, "postgres://news@db.example:5433/wire?x=1");
        assert_eq!(password.as_deref(), Some("p@ss:w"));
        let (url, password) = split_password("postgres://news@db.example/wire");
        assert_eq!(url, "postgres://news@db.example/wire");
        assert_eq!(password, None);
        let (url, password) = split_password("postgresql://db.example/wire");
        assert_eq!(url, "postgresql://db.example/wire");
        assert_eq!(password, None);
    }

    #[tokio::test]
    async fn a_sqlite_copy_taken_during_writes_holds_a_whole_prefix_of_the_log() {
        use crate::EventLog;
        use wiredesk_model::StoryEvent;
        let at = jiff::Timestamp::now();
        let published_story = move |uri: &str| {
            let story = wiredesk_model::testing::story(uri, "Headline", "Copy.", at);
            let id = story.id.clone();
            vec![
                (
                    StoryEvent::Ingested {
                        story: Box::new(story),
                    },
                    at,
                ),
                (StoryEvent::Published { id }, at),
            ]
        };
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(
            SqliteStore::open(&dir.path().join("live.db"))
                .await
                .unwrap(),
        );
        let writer = {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..200 {
                    let events = published_story(&format!("urn:backup:{i}"));
                    store.append(events).await.unwrap();
                }
            })
        };
        // Copied while the writer is part way through.
        while store.latest_seq().await.unwrap() < 20 {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        let copy = dir.path().join("copy.db");
        let position = store.backup_into(&copy).await.unwrap();
        assert!(position >= 20, "{position}");
        writer.await.unwrap();
        let copied = SqliteStore::open(&copy).await.unwrap();
        assert_eq!(copied.latest_seq().await.unwrap(), position);
        let events = copied.events_after(0, 100_000).await.unwrap();
        assert_eq!(events.len() as i64, position, "no gap in the copied log");
        assert_eq!(
            store.events_after(0, 100_000).await.unwrap()[..events.len()],
            events[..],
            "the copy is the log's prefix"
        );
    }
}
