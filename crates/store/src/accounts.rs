//! The desk's own records, beside the story log in the same database: user accounts, login
//! sessions, the bearer tokens (per-source push tokens, metrics tokens), and the audit log of
//! editors' actions.
//!
//! These are not story state, so they are plain tables rather than events; the audit log is
//! append-only all the same. Secrets never reach this module in the clear: passwords arrive
//! as argon2id hashes, session and bearer tokens as SHA-256 digests (the desk crate makes them).

use jiff::Timestamp;
use sqlx::{Row, SqlitePool};

use crate::Result;

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS desk_users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER
);
CREATE TABLE IF NOT EXISTS desk_sessions (
    token_hash TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES desk_users (name) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created    INTEGER NOT NULL,
    expires    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS desk_audit (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    user_name TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    before   TEXT,
    after    TEXT
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    scope      TEXT NOT NULL,
    name       TEXT NOT NULL,
    created    INTEGER NOT NULL,
    UNIQUE (scope, name)
);
"#;

/// Before tokens had scopes there were only push tokens, in `push_tokens`: they move to
/// `tokens` as push tokens, in one transaction.
const MOVE_PUSH_TOKENS: &str = r#"
BEGIN;
INSERT OR IGNORE INTO tokens (token_hash, scope, name, created)
    SELECT token_hash, 'push', source, created FROM push_tokens;
DROP TABLE push_tokens;
COMMIT;
"#;

/// Bring the desk's tables made by an older Wiredesk up to this schema.
pub(crate) async fn migrate(pool: &SqlitePool) -> Result<()> {
    let old =
        sqlx::query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'push_tokens'")
            .fetch_optional(pool)
            .await?;
    if old.is_some() {
        sqlx::raw_sql(MOVE_PUSH_TOKENS).execute(pool).await?;
        tracing::info!("store: push tokens moved to the tokens table");
    }
    Ok(())
}

/// What a bearer token opens: each token opens one thing, so a leaked push token cannot read
/// metrics and a metrics scraper's token cannot push copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenScope {
    /// `POST /api/v1/ingest`, as the named source.
    Push,
    /// `GET /metrics`.
    Metrics,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Push => "push",
            TokenScope::Metrics => "metrics",
        }
    }
    pub fn parse(s: &str) -> Option<TokenScope> {
        match s {
            "push" => Some(TokenScope::Push),
            "metrics" => Some(TokenScope::Metrics),
            _ => None,
        }
    }
}

/// Failed logins in a row after which an account is locked.
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Editor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub failed_logins: i64,
    pub locked_until: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub user: String,
    pub role: Role,
    pub csrf: String,
    pub expires: Timestamp,
}

/// One line of the audit log: who did what to which story (or account), and the state
/// before and after, as the desk described it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub user: String,
    pub action: String,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

fn from_micros(us: i64) -> Timestamp {
    Timestamp::from_microsecond(us).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The desk's tables. Cheap to clone: it shares the story store's connection pool.
#[derive(Clone)]
pub struct Accounts {
    pool: SqlitePool,
}

impl Accounts {
    pub(crate) fn new(pool: SqlitePool) -> Accounts {
        Accounts { pool }
    }

    /// Add an account, or replace the role and password of an existing one.
    pub async fn put_user(&self, name: &str, role: Role, password_hash: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO desk_users (name, role, password_hash) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET role = excluded.role,
               password_hash = excluded.password_hash, failed_logins = 0, locked_until = NULL",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .execute(&self.pool)
        .await?;
        // A changed password or role ends the account's sessions.
        sqlx::query("DELETE FROM desk_sessions WHERE user_name = ?")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Remove an account and end its sessions. Returns whether it existed.
    pub async fn remove_user(&self, name: &str) -> Result<bool> {
        sqlx::query("DELETE FROM desk_sessions WHERE user_name = ?")
            .bind(name)
            .execute(&self.pool)
            .await?;
        let done = sqlx::query("DELETE FROM desk_users WHERE name = ?")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    fn user_from(row: &sqlx::sqlite::SqliteRow) -> User {
        User {
            name: row.get(0),
            role: Role::parse(row.get::<&str, _>(1)).unwrap_or(Role::Editor),
            password_hash: row.get(2),
            failed_logins: row.get(3),
            locked_until: row.get::<Option<i64>, _>(4).map(from_micros),
        }
    }

    pub async fn user(&self, name: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT name, role, password_hash, failed_logins, locked_until
             FROM desk_users WHERE name = ?",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(Self::user_from))
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(
            "SELECT name, role, password_hash, failed_logins, locked_until
             FROM desk_users ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(Self::user_from).collect())
    }

    /// Count a failed login; the `LOCK_AFTER_FAILURES`th in a row locks the account.
    pub async fn login_failed(&self, name: &str, now: Timestamp) -> Result<()> {
        let lock_until = micros(now) + LOCK_MINUTES * 60 * 1_000_000;
        sqlx::query(
            "UPDATE desk_users SET failed_logins = failed_logins + 1,
               locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END
             WHERE name = ?1",
        )
        .bind(name)
        .bind(LOCK_AFTER_FAILURES)
        .bind(lock_until)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn login_succeeded(&self, name: &str) -> Result<()> {
        sqlx::query("UPDATE desk_users SET failed_logins = 0, locked_until = NULL WHERE name = ?")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user: &str,
        csrf: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO desk_sessions (token_hash, user_name, csrf, created, expires)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(csrf)
        .bind(micros(now))
        .bind(micros(expires))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The unexpired session with this token digest, with its user's current role.
    pub async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT s.user_name, u.role, s.csrf, s.expires
             FROM desk_sessions s JOIN desk_users u ON u.name = s.user_name
             WHERE s.token_hash = ?1 AND s.expires > ?2",
        )
        .bind(token_hash)
        .bind(micros(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| Session {
            user: r.get(0),
            role: Role::parse(r.get::<&str, _>(1)).unwrap_or(Role::Editor),
            csrf: r.get(2),
            expires: from_micros(r.get(3)),
        }))
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM desk_sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Drop sessions that have expired (they are refused anyway; this keeps the table small).
    pub async fn sweep_sessions(&self, now: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM desk_sessions WHERE expires <= ?")
            .bind(micros(now))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn audit(&self, entry: &AuditEntry) -> Result<()> {
        sqlx::query(
            "INSERT INTO desk_audit (at, user_name, action, subject, before, after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(micros(entry.at))
        .bind(&entry.user)
        .bind(&entry.action)
        .bind(&entry.subject)
        .bind(entry.before.as_deref())
        .bind(entry.after.as_deref())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest `limit` audit entries, newest first.
    pub async fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT at, user_name, action, subject, before, after FROM desk_audit
             ORDER BY seq DESC LIMIT ?",
        )
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                at: from_micros(r.get(0)),
                user: r.get(1),
                action: r.get(2),
                subject: r.get(3),
                before: r.get(4),
                after: r.get(5),
            })
            .collect())
    }

    /// Give `name` a token of `scope` (replacing the one it had in that scope).
    pub async fn put_token(
        &self,
        scope: TokenScope,
        name: &str,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO tokens (token_hash, scope, name, created) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (scope, name) DO UPDATE SET token_hash = excluded.token_hash,
               created = excluded.created",
        )
        .bind(token_hash)
        .bind(scope.as_str())
        .bind(name)
        .bind(micros(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whose token of `scope` this digest is: the source for a push token.
    pub async fn token_owner(&self, scope: TokenScope, token_hash: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT name FROM tokens WHERE token_hash = ?1 AND scope = ?2")
            .bind(token_hash)
            .bind(scope.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// The names holding a token of `scope`, with when it was issued.
    pub async fn token_names(&self, scope: TokenScope) -> Result<Vec<(String, Timestamp)>> {
        let rows = sqlx::query("SELECT name, created FROM tokens WHERE scope = ? ORDER BY name")
            .bind(scope.as_str())
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.get(0), from_micros(r.get(1))))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteStore;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn five_failures_lock_an_account_and_a_success_resets_the_count() {
        let store = SqliteStore::in_memory().await.unwrap();
        let accounts = store.accounts();
        accounts
            .put_user("asha", Role::Editor, "hash")
            .await
            .unwrap();
        let now = t("2026-11-28T06:00:00Z");
        for _ in 0..4 {
            accounts.login_failed("asha", now).await.unwrap();
        }
        let user = accounts.user("asha").await.unwrap().unwrap();
        assert_eq!((user.failed_logins, user.locked_until), (4, None));
        accounts.login_succeeded("asha").await.unwrap();
        for _ in 0..5 {
            accounts.login_failed("asha", now).await.unwrap();
        }
        let user = accounts.user("asha").await.unwrap().unwrap();
        assert_eq!(
            user.locked_until,
            Some(now + jiff::SignedDuration::from_mins(LOCK_MINUTES))
        );
    }

    #[tokio::test]
    async fn sessions_expire_and_end_with_their_account() {
        let store = SqliteStore::in_memory().await.unwrap();
        let accounts = store.accounts();
        accounts
            .put_user("ravi", Role::Admin, "hash")
            .await
            .unwrap();
        let now = t("2026-11-28T06:00:00Z");
        let expires = t("2026-11-28T18:00:00Z");
        accounts
            .create_session("tok", "ravi", "csrf", now, expires)
            .await
            .unwrap();
        let session = accounts.session("tok", now).await.unwrap().unwrap();
        assert_eq!((session.user.as_str(), session.role), ("ravi", Role::Admin));
        assert!(accounts.session("tok", expires).await.unwrap().is_none());
        assert!(accounts.session("other", now).await.unwrap().is_none());
        // A new password ends every session of the account.
        accounts
            .put_user("ravi", Role::Editor, "new")
            .await
            .unwrap();
        assert!(accounts.session("tok", now).await.unwrap().is_none());
        accounts
            .create_session("tok2", "ravi", "csrf", now, expires)
            .await
            .unwrap();
        assert!(accounts.remove_user("ravi").await.unwrap());
        assert!(accounts.session("tok2", now).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn the_audit_log_reads_newest_first_and_push_tokens_name_their_source() {
        let store = SqliteStore::in_memory().await.unwrap();
        let accounts = store.accounts();
        for (i, action) in ["kill", "pin"].iter().enumerate() {
            accounts
                .audit(&AuditEntry {
                    at: t("2026-11-28T06:00:00Z") + jiff::SignedDuration::from_secs(i as i64),
                    user: "asha".into(),
                    action: action.to_string(),
                    subject: "story:abc".into(),
                    before: Some("a".into()),
                    after: None,
                })
                .await
                .unwrap();
        }
        let log = accounts.audit_log(10).await.unwrap();
        assert_eq!(
            log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            ["pin", "kill"]
        );
        let now = t("2026-11-28T06:00:00Z");
        let push = TokenScope::Push;
        accounts.put_token(push, "pti", "h1", now).await.unwrap();
        accounts.put_token(push, "pti", "h2", now).await.unwrap();
        assert_eq!(
            accounts.token_owner(push, "h1").await.unwrap(),
            None,
            "replaced"
        );
        assert_eq!(
            accounts.token_owner(push, "h2").await.unwrap().as_deref(),
            Some("pti")
        );
        // The same name in another scope is another token, and opens only its own scope.
        let metrics = TokenScope::Metrics;
        accounts.put_token(metrics, "pti", "m1", now).await.unwrap();
        assert_eq!(accounts.token_owner(metrics, "h2").await.unwrap(), None);
        assert_eq!(accounts.token_owner(push, "m1").await.unwrap(), None);
        assert_eq!(
            accounts
                .token_owner(metrics, "m1")
                .await
                .unwrap()
                .as_deref(),
            Some("pti")
        );
        assert_eq!(accounts.token_names(push).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn push_tokens_from_before_scopes_stay_push_tokens() {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::raw_sql(
            "CREATE TABLE push_tokens (token_hash TEXT PRIMARY KEY, source TEXT NOT NULL UNIQUE,
                 created INTEGER NOT NULL);
             INSERT INTO push_tokens VALUES ('h-pti', 'pti', 1), ('h-afp', 'afp', 2);",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::raw_sql(SCHEMA).execute(&pool).await.unwrap();
        migrate(&pool).await.unwrap();
        migrate(&pool).await.unwrap();
        let accounts = Accounts::new(pool);
        assert_eq!(
            accounts
                .token_owner(TokenScope::Push, "h-pti")
                .await
                .unwrap()
                .as_deref(),
            Some("pti")
        );
        assert_eq!(
            accounts
                .token_owner(TokenScope::Metrics, "h-pti")
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            accounts.token_names(TokenScope::Push).await.unwrap().len(),
            2
        );
    }
}
