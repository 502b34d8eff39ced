//! The desk's own records, beside the story log in the same database: user accounts, login
//! sessions, the sign-in throttle, the bearer tokens (per-source push tokens, metrics tokens),
//! and the audit log of editors' actions.
//!
//! These are not story state, so they are plain tables rather than events; the audit log is
//! append-only all the same. Secrets never reach this module in the clear: passwords arrive
//! as argon2id hashes, session and bearer tokens as SHA-256 digests (the desk crate makes them).
//!
//! On SQLite or PostgreSQL, beside whichever store holds the stories. The policy (throttle
//! windows, scopes, roles) and nearly all the SQL are written once: `$n` placeholders and
//! `ON CONFLICT` read the same in both; only the schemas and the throttle's sweep differ.

use jiff::{SignedDuration, Timestamp};
use sqlx::{PgPool, Row, SqlitePool};

use crate::Result;

#[cfg(test)]
pub(crate) mod conformance;

pub(crate) const SQLITE_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS desk_users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret   TEXT,
    totp_last_step INTEGER
);
CREATE TABLE IF NOT EXISTS sign_in_throttle (
    bucket       TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    next_try     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sign_in_throttle_window ON sign_in_throttle (window_start);
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

/// The same tables on PostgreSQL: times and steps as BIGINT microseconds, names and buckets
/// in byte order ("C"), as SQLite compares them.
pub(crate) const PG_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS desk_users (
    name          TEXT COLLATE "C" PRIMARY KEY,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret   TEXT,
    totp_last_step BIGINT
);
CREATE TABLE IF NOT EXISTS sign_in_throttle (
    bucket       TEXT COLLATE "C" PRIMARY KEY,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    next_try     BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS sign_in_throttle_window ON sign_in_throttle (window_start);
CREATE TABLE IF NOT EXISTS desk_sessions (
    token_hash TEXT PRIMARY KEY,
    user_name  TEXT COLLATE "C" NOT NULL REFERENCES desk_users (name) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created    BIGINT NOT NULL,
    expires    BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS desk_audit (
    seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        BIGINT NOT NULL,
    user_name TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    scope      TEXT NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    created    BIGINT NOT NULL,
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

async fn move_push_tokens(pool: &SqlitePool) -> Result<()> {
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

/// Columns added to `desk_users` since the first release: (name, the statement that adds it).
const ADDED_USER_COLUMNS: [(&str, &str); 2] = [
    (
        "totp_secret",
        "ALTER TABLE desk_users ADD COLUMN totp_secret TEXT",
    ),
    (
        "totp_last_step",
        "ALTER TABLE desk_users ADD COLUMN totp_last_step INTEGER",
    ),
];

/// Bring the desk's tables made by an older Wiredesk up to this schema.
pub(crate) async fn migrate(pool: &SqlitePool) -> Result<()> {
    move_push_tokens(pool).await?;
    let have: Vec<String> = sqlx::query("SELECT name FROM pragma_table_info('desk_users')")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    for (name, add_column) in ADDED_USER_COLUMNS {
        if !have.iter().any(|h| h == name) {
            sqlx::raw_sql(add_column).execute(pool).await?;
        }
    }
    Ok(())
}

/// How many sign-in attempts one throttle bucket (an account name, an address, or the two
/// together) allows. The numbers are the desk's policy; this module only applies them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Attempts allowed in one window, which opens at the first attempt after the last
    /// window closed.
    pub per_window: i64,
    pub window: SignedDuration,
    /// Failures in a row allowed before each further attempt must wait.
    pub free: i64,
    /// The first wait, doubled by each further failure up to `max_wait`.
    pub first_wait: SignedDuration,
    pub max_wait: SignedDuration,
}

impl Limit {
    /// The wait imposed after the `failures`th failure in a row.
    pub fn wait_after(&self, failures: i64) -> SignedDuration {
        if failures < self.free || self.first_wait.is_zero() {
            return SignedDuration::ZERO;
        }
        let doublings = (failures - self.free).min(30) as u32;
        let secs = self.first_wait.as_secs().saturating_mul(1 << doublings);
        SignedDuration::from_secs(secs).min(self.max_wait)
    }
}

/// One bucket's row in `sign_in_throttle`.
struct Tally {
    failures: i64,
    window_start: i64,
    next_try: i64,
}

impl Tally {
    fn window_closed(&self, limit: &Limit, now: i64) -> bool {
        self.window_start + limit.window.as_micros() as i64 <= now
    }

    /// How long until this bucket gives a slot (zero: now).
    fn wait(&self, limit: &Limit, now: i64) -> i64 {
        let backoff = self.next_try - now;
        let full = if !self.window_closed(limit, now) && self.failures >= limit.per_window {
            self.window_start + limit.window.as_micros() as i64 - now
        } else {
            0
        };
        backoff.max(full).max(0)
    }

    /// The row after one more attempt is counted as a failure.
    fn counted(&self, limit: &Limit, now: i64) -> Tally {
        let (failures, window_start) = if self.window_closed(limit, now) {
            (1, now)
        } else {
            (self.failures + 1, self.window_start)
        };
        Tally {
            failures,
            window_start,
            next_try: now + limit.wait_after(failures).as_micros() as i64,
        }
    }
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

/// Rows idle this long are forgotten; no limit has a longer window.
const THROTTLE_MEMORY: SignedDuration = SignedDuration::from_hours(24);

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
    /// The TOTP secret (base32) when the account has a second factor.
    pub totp_secret: Option<String>,
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

/// The throttle's sweep of idle rows. On PostgreSQL it skips rows another attempt holds:
/// locking them out of key order could deadlock two attempts, and such a row is not idle.
const SQLITE_SWEEP: &str = "DELETE FROM sign_in_throttle WHERE window_start < $1 AND next_try < $2";
const PG_SWEEP: &str = "DELETE FROM sign_in_throttle WHERE bucket IN (
     SELECT bucket FROM sign_in_throttle WHERE window_start < $1 AND next_try < $2
     FOR UPDATE SKIP LOCKED)";

#[derive(Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Run `$body` with `$pool` bound to this backend's pool. The body is written once and
/// compiled once per backend, so each gets its own row and transaction types.
macro_rules! on_pool {
    ($accounts:expr, |$pool:ident| $body:expr) => {
        match &$accounts.backend {
            Backend::Sqlite($pool) => $body,
            Backend::Postgres($pool) => $body,
        }
    };
}

type UserRow = (String, String, String, Option<String>);

fn user_from((name, role, password_hash, totp_secret): UserRow) -> User {
    User {
        name,
        role: Role::parse(&role).unwrap_or(Role::Editor),
        password_hash,
        totp_secret,
    }
}

type AuditRow = (i64, String, String, String, Option<String>, Option<String>);

fn audit_from((at, user, action, subject, before, after): AuditRow) -> AuditEntry {
    AuditEntry {
        at: from_micros(at),
        user,
        action,
        subject,
        before,
        after,
    }
}

/// The desk's tables. Cheap to clone: it shares the story store's connection pool.
#[derive(Clone)]
pub struct Accounts {
    backend: Backend,
}

impl Accounts {
    pub(crate) fn sqlite(pool: SqlitePool) -> Accounts {
        Accounts {
            backend: Backend::Sqlite(pool),
        }
    }

    pub(crate) fn postgres(pool: PgPool) -> Accounts {
        Accounts {
            backend: Backend::Postgres(pool),
        }
    }

    /// Add an account, or replace the role and password of an existing one.
    pub async fn put_user(&self, name: &str, role: Role, password_hash: &str) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO desk_users (name, role, password_hash) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO UPDATE SET role = excluded.role,
                   password_hash = excluded.password_hash",
            )
            .bind(name)
            .bind(role.as_str())
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
            // A changed password or role ends the account's sessions.
            sqlx::query("DELETE FROM desk_sessions WHERE user_name = $1")
                .bind(name)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Remove an account and end its sessions. Returns whether it existed.
    pub async fn remove_user(&self, name: &str) -> Result<bool> {
        let removed = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM desk_sessions WHERE user_name = $1")
                .bind(name)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query("DELETE FROM desk_users WHERE name = $1")
                .bind(name)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            done.rows_affected()
        });
        Ok(removed > 0)
    }

    pub async fn user(&self, name: &str) -> Result<Option<User>> {
        const SQL: &str =
            "SELECT name, role, password_hash, totp_secret FROM desk_users WHERE name = $1";
        let row: Option<UserRow> = on_pool!(self, |pool| {
            sqlx::query_as(SQL).bind(name).fetch_optional(pool).await?
        });
        Ok(row.map(user_from))
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        const SQL: &str =
            "SELECT name, role, password_hash, totp_secret FROM desk_users ORDER BY name";
        let rows: Vec<UserRow> = on_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await?);
        Ok(rows.into_iter().map(user_from).collect())
    }

    /// Count a sign-in attempt as a failure in every bucket before its password is checked,
    /// if each bucket has a slot for it; otherwise count nothing and return how long to wait.
    /// One transaction, so parallel attempts cannot all see the same free slot.
    pub async fn take_sign_in_slot(
        &self,
        buckets: &[(String, Limit)],
        now: Timestamp,
    ) -> Result<Option<SignedDuration>> {
        let now = micros(now);
        let mut sorted: Vec<&(String, Limit)> = buckets.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let sweep = match self.backend {
            Backend::Sqlite(_) => SQLITE_SWEEP,
            Backend::Postgres(_) => PG_SWEEP,
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            // A write first, in key order: SQLite takes its write lock here and PostgreSQL
            // locks the rows until the commit (a row another attempt is inserting waits for
            // it), so the reads below see every attempt counted before this one.
            for (bucket, _) in &sorted {
                sqlx::query(
                    "INSERT INTO sign_in_throttle (bucket, failures, window_start, next_try)
                     VALUES ($1, 0, $2, 0)
                     ON CONFLICT (bucket) DO UPDATE SET next_try = sign_in_throttle.next_try",
                )
                .bind(bucket)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let mut counted = Vec::with_capacity(sorted.len());
            let mut wait = 0;
            for (bucket, limit) in &sorted {
                let (failures, window_start, next_try): (i64, i64, i64) = sqlx::query_as(
                    "SELECT failures, window_start, next_try FROM sign_in_throttle
                     WHERE bucket = $1",
                )
                .bind(bucket)
                .fetch_one(&mut *tx)
                .await?;
                let tally = Tally {
                    failures,
                    window_start,
                    next_try,
                };
                wait = wait.max(tally.wait(limit, now));
                counted.push((bucket, tally.counted(limit, now)));
            }
            if wait > 0 {
                tx.rollback().await?;
                return Ok(Some(SignedDuration::from_micros(wait)));
            }
            for (bucket, tally) in counted {
                sqlx::query(
                    "UPDATE sign_in_throttle SET failures = $2, window_start = $3, next_try = $4
                     WHERE bucket = $1",
                )
                .bind(bucket)
                .bind(tally.failures)
                .bind(tally.window_start)
                .bind(tally.next_try)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(sweep)
                .bind(now - THROTTLE_MEMORY.as_micros() as i64)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(None)
    }

    /// A counted attempt turned out right: forget the failures of `cleared` (the account
    /// from this address) and give the slot back to the wider `refunded` buckets.
    pub async fn sign_in_succeeded(&self, cleared: &str, refunded: &[String]) -> Result<()> {
        // In key order, as `take_sign_in_slot` locks them, so the two never deadlock.
        let mut rows: Vec<(&str, bool)> = refunded.iter().map(|b| (b.as_str(), false)).collect();
        rows.push((cleared, true));
        rows.sort();
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for (bucket, clear) in &rows {
                let sql = if *clear {
                    "DELETE FROM sign_in_throttle WHERE bucket = $1"
                } else {
                    "UPDATE sign_in_throttle SET failures = failures - 1
                     WHERE bucket = $1 AND failures > 0"
                };
                sqlx::query(sql).bind(*bucket).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Give an account a TOTP secret (base32), or take it away; either way no code has been
    /// used yet. Returns whether the account exists.
    pub async fn set_totp(&self, name: &str, secret: Option<&str>) -> Result<bool> {
        const SQL: &str =
            "UPDATE desk_users SET totp_secret = $2, totp_last_step = NULL WHERE name = $1";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(name)
            .bind(secret)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done > 0)
    }

    /// Accept a TOTP code's time step for an account only if it is later than the last one
    /// accepted, so a code cannot be used twice (RFC 6238 §5.2), not even by two requests
    /// at once.
    pub async fn use_totp_step(&self, name: &str, step: u64) -> Result<bool> {
        const SQL: &str = "UPDATE desk_users SET totp_last_step = $2
             WHERE name = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)";
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(name)
            .bind(step)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done > 0)
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user: &str,
        csrf: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        const SQL: &str =
            "INSERT INTO desk_sessions (token_hash, user_name, csrf, created, expires)
             VALUES ($1, $2, $3, $4, $5)";
        on_pool!(self, |pool| {
            sqlx::query(SQL)
                .bind(token_hash)
                .bind(user)
                .bind(csrf)
                .bind(micros(now))
                .bind(micros(expires))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The unexpired session with this token digest, with its user's current role.
    pub async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        const SQL: &str = "SELECT s.user_name, u.role, s.csrf, s.expires
             FROM desk_sessions s JOIN desk_users u ON u.name = s.user_name
             WHERE s.token_hash = $1 AND s.expires > $2";
        let row: Option<(String, String, String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(SQL)
                .bind(token_hash)
                .bind(micros(now))
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(user, role, csrf, expires)| Session {
            user,
            role: Role::parse(&role).unwrap_or(Role::Editor),
            csrf,
            expires: from_micros(expires),
        }))
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        const SQL: &str = "DELETE FROM desk_sessions WHERE token_hash = $1";
        on_pool!(self, |pool| {
            sqlx::query(SQL).bind(token_hash).execute(pool).await?;
        });
        Ok(())
    }

    /// Drop sessions that have expired (they are refused anyway; this keeps the table small).
    pub async fn sweep_sessions(&self, now: Timestamp) -> Result<u64> {
        const SQL: &str = "DELETE FROM desk_sessions WHERE expires <= $1";
        Ok(on_pool!(self, |pool| sqlx::query(SQL)
            .bind(micros(now))
            .execute(pool)
            .await?
            .rows_affected()))
    }

    pub async fn audit(&self, entry: &AuditEntry) -> Result<()> {
        const SQL: &str = "INSERT INTO desk_audit (at, user_name, action, subject, before, after)
             VALUES ($1, $2, $3, $4, $5, $6)";
        on_pool!(self, |pool| {
            sqlx::query(SQL)
                .bind(micros(entry.at))
                .bind(&entry.user)
                .bind(&entry.action)
                .bind(&entry.subject)
                .bind(entry.before.as_deref())
                .bind(entry.after.as_deref())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The newest `limit` audit entries, newest first.
    pub async fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        const SQL: &str = "SELECT at, user_name, action, subject, before, after FROM desk_audit
             ORDER BY seq DESC LIMIT $1";
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<AuditRow> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(limit)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(audit_from).collect())
    }

    /// Give `name` a token of `scope` (replacing the one it had in that scope).
    pub async fn put_token(
        &self,
        scope: TokenScope,
        name: &str,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<()> {
        const SQL: &str = "INSERT INTO tokens (token_hash, scope, name, created)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (scope, name) DO UPDATE SET token_hash = excluded.token_hash,
               created = excluded.created";
        on_pool!(self, |pool| {
            sqlx::query(SQL)
                .bind(token_hash)
                .bind(scope.as_str())
                .bind(name)
                .bind(micros(now))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Whose token of `scope` this digest is: the source for a push token.
    pub async fn token_owner(&self, scope: TokenScope, token_hash: &str) -> Result<Option<String>> {
        const SQL: &str = "SELECT name FROM tokens WHERE token_hash = $1 AND scope = $2";
        let row: Option<(String,)> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(token_hash)
            .bind(scope.as_str())
            .fetch_optional(pool)
            .await?);
        Ok(row.map(|(name,)| name))
    }

    /// The names holding a token of `scope`, with when it was issued.
    pub async fn token_names(&self, scope: TokenScope) -> Result<Vec<(String, Timestamp)>> {
        const SQL: &str = "SELECT name, created FROM tokens WHERE scope = $1 ORDER BY name";
        let rows: Vec<(String, i64)> = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(scope.as_str())
            .fetch_all(pool)
            .await?);
        Ok(rows
            .into_iter()
            .map(|(name, created)| (name, from_micros(created)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteStore;

    macro_rules! sqlite_conformance {
        ($($name:ident),* $(,)?) => {$(
            #[tokio::test]
            async fn $name() {
                let store = SqliteStore::in_memory().await.unwrap();
                conformance::$name(&store.accounts()).await;
            }
        )*};
    }

    sqlite_conformance!(
        failures_in_a_row_make_the_next_attempt_wait_longer,
        a_full_bucket_refuses_without_counting_in_the_others_until_its_window_closes,
        a_success_clears_its_own_failures_and_refunds_the_wider_buckets,
        a_totp_step_is_accepted_once_and_enrolling_again_starts_over,
        sessions_expire_and_end_with_their_account,
        the_audit_log_reads_newest_first_and_push_tokens_name_their_source,
        users_are_listed_by_name_and_removed_with_their_sessions,
    );

    /// Two stores on one file, as two processes would open it: the attempts race over both.
    async fn two_handles_on_one_file(dir: &std::path::Path) -> Vec<Accounts> {
        let path = dir.join("wire.db");
        let first = SqliteStore::open(&path).await.unwrap();
        let second = SqliteStore::open(&path).await.unwrap();
        vec![first.accounts(), second.accounts()]
    }

    #[tokio::test]
    async fn parallel_attempts_get_no_more_slots_than_the_allowance() {
        let dir = tempfile::tempdir().unwrap();
        let handles = two_handles_on_one_file(dir.path()).await;
        conformance::parallel_attempts_get_no_more_slots_than_the_allowance(&handles).await;
    }

    #[tokio::test]
    async fn parallel_failures_are_all_counted() {
        let dir = tempfile::tempdir().unwrap();
        let handles = two_handles_on_one_file(dir.path()).await;
        conformance::parallel_failures_are_all_counted(&handles).await;
    }

    use super::conformance::{PAIR, WIDE};

    #[test]
    fn waits_double_after_the_free_failures_up_to_the_cap() {
        let waits: Vec<i64> = (1..=7).map(|n| PAIR.wait_after(n).as_secs()).collect();
        assert_eq!(waits, [0, 10, 20, 40, 40, 40, 40]);
        assert_eq!(WIDE.wait_after(1_000), SignedDuration::ZERO);
    }

    #[tokio::test]
    async fn accounts_made_before_the_second_factor_gain_its_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wire.db");
        {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true);
            let pool = SqlitePool::connect_with(options).await.unwrap();
            sqlx::raw_sql(
                "CREATE TABLE desk_users (name TEXT PRIMARY KEY, role TEXT NOT NULL,
                   password_hash TEXT NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0,
                   locked_until INTEGER);
                 INSERT INTO desk_users (name, role, password_hash) VALUES ('ravi', 'admin', 'h');",
            )
            .execute(&pool)
            .await
            .unwrap();
            pool.close().await;
        }
        let store = SqliteStore::open(&path).await.unwrap();
        let accounts = store.accounts();
        let user = accounts.user("ravi").await.unwrap().unwrap();
        assert_eq!((user.role, user.totp_secret), (Role::Admin, None));
        assert!(accounts.set_totp("ravi", Some("SECRET")).await.unwrap());
        assert!(accounts.use_totp_step("ravi", 1).await.unwrap());
        accounts.put_user("asha", Role::Editor, "h").await.unwrap();
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
        sqlx::raw_sql(SQLITE_SCHEMA).execute(&pool).await.unwrap();
        migrate(&pool).await.unwrap();
        migrate(&pool).await.unwrap();
        let accounts = Accounts::sqlite(pool);
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
