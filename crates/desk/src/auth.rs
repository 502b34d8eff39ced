//! Who is at the desk: password hashing, login sessions, CSRF tokens, and the brute-force
//! limits. Every desk handler takes a `DeskUser` (or `DeskAdmin`), so a route cannot forget
//! to check the session.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use wiredesk_store::accounts::{Role, Session};

use crate::DeskState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "wd_session";
/// The cookie that carries the login form's CSRF token before there is a session.
pub const LOGIN_CSRF_COOKIE: &str = "wd_login_csrf";
/// A session ends this long after login, whatever happens in between.
pub const SESSION_HOURS: i64 = 12;
/// Failed logins from one address within `IP_WINDOW_MINUTES` before it must wait.
pub const IP_FAILURES: usize = 20;
pub const IP_WINDOW_MINUTES: i64 = 15;

/// An argon2id hash (PHC string) of `password`, with a fresh salt.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the OS has randomness");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password")
        .to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the account does not exist, so that a wrong name takes as
/// long as a wrong password and does not reveal which names exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("no such account"))
}

/// 32 random bytes, hex: session tokens, CSRF tokens, push tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS has randomness");
    hex::encode(bytes)
}

/// What the database keeps of a token: its SHA-256, so a stolen database opens no session.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

pub fn cookie_value<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: always HttpOnly and SameSite=Strict, Secure when the site is
/// served over https, scoped to the desk.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/desk; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}

/// The signed-in user of a desk request.
#[derive(Clone, Debug)]
pub struct DeskUser {
    pub name: String,
    pub role: Role,
    pub csrf: String,
    /// The session token's digest (for logout).
    pub token_digest: String,
}

impl DeskUser {
    /// Whether a form carries this session's CSRF token.
    pub fn csrf_ok(&self, sent: Option<&str>) -> bool {
        sent.is_some_and(|token| same_secret(token, &self.csrf))
    }
}

/// The answer to a form whose CSRF token is missing or not its session's.
pub fn csrf_refusal() -> Response {
    (
        StatusCode::FORBIDDEN,
        "the form's security token is missing or stale: reload the page and try again\n",
    )
        .into_response()
}

/// Refusal of a request without a valid session: pages send the reader to the login form,
/// anything else gets a plain 401.
fn unauthenticated(parts: &Parts) -> Response {
    if parts.method == axum::http::Method::GET {
        Redirect::to("/desk/login").into_response()
    } else {
        (StatusCode::UNAUTHORIZED, "sign in to the desk first\n").into_response()
    }
}

impl FromRequestParts<DeskState> for DeskUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &DeskState) -> Result<Self, Response> {
        let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE) else {
            return Err(unauthenticated(parts));
        };
        let digest = token_digest(token);
        let session: Option<Session> = state
            .accounts
            .session(&digest, Timestamp::now())
            .await
            .map_err(|e| {
                tracing::error!("desk session lookup: {e}");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            })?;
        match session {
            Some(s) => Ok(DeskUser {
                name: s.user,
                role: s.role,
                csrf: s.csrf,
                token_digest: digest,
            }),
            None => Err(unauthenticated(parts)),
        }
    }
}

/// A signed-in admin; editors get 403.
#[derive(Clone, Debug)]
pub struct DeskAdmin(pub DeskUser);

impl FromRequestParts<DeskState> for DeskAdmin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &DeskState) -> Result<Self, Response> {
        let user = DeskUser::from_request_parts(parts, state).await?;
        if user.role != Role::Admin {
            return Err((StatusCode::FORBIDDEN, "only an admin may do this\n").into_response());
        }
        Ok(DeskAdmin(user))
    }
}

/// The client's address when the server knows it (it does behind `serve`).
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// Failed logins per address, kept in memory: a slow-down for password guessing across many
/// accounts, which the per-account lock alone would not stop.
#[derive(Clone, Default)]
pub struct LoginLimiter {
    failures: Arc<Mutex<HashMap<IpAddr, Vec<Timestamp>>>>,
}

impl LoginLimiter {
    fn window_start(now: Timestamp) -> Timestamp {
        now - SignedDuration::from_mins(IP_WINDOW_MINUTES)
    }

    pub fn blocked(&self, ip: Option<IpAddr>, now: Timestamp) -> bool {
        let Some(ip) = ip else { return false };
        let mut map = self.failures.lock().expect("limiter lock");
        let start = Self::window_start(now);
        let list = map.entry(ip).or_default();
        list.retain(|t| *t > start);
        list.len() >= IP_FAILURES
    }

    pub fn failed(&self, ip: Option<IpAddr>, now: Timestamp) {
        let Some(ip) = ip else { return };
        let mut map = self.failures.lock().expect("limiter lock");
        let start = Self::window_start(now);
        map.retain(|_, list| {
            list.retain(|t| *t > start);
            !list.is_empty()
        });
        map.entry(ip).or_default().push(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct horse!", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
        assert_ne!(hash, hash_password("correct horse"), "salted");
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let req = axum::http::Request::builder()
            .header(header::COOKIE, "wd_session_x=1; wd_session=abc; other=2")
            .body(())
            .unwrap();
        let (parts, _) = req.into_parts();
        assert_eq!(cookie_value(&parts.headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie_value(&parts.headers, "missing"), None);
    }

    #[test]
    fn an_address_is_blocked_after_its_failures_and_freed_after_the_window() {
        let limiter = LoginLimiter::default();
        let ip = Some("192.0.2.7".parse().unwrap());
        let now: Timestamp = "2026-11-28T06:00:00Z".parse().unwrap();
        for _ in 0..IP_FAILURES {
            assert!(!limiter.blocked(ip, now));
            limiter.failed(ip, now);
        }
        assert!(limiter.blocked(ip, now));
        assert!(!limiter.blocked(Some("192.0.2.8".parse().unwrap()), now));
        let later = now + SignedDuration::from_mins(IP_WINDOW_MINUTES + 1);
        assert!(!limiter.blocked(ip, later));
    }

    #[test]
    fn cookies_are_http_only_strict_and_secure_on_https() {
        let c = set_cookie(SESSION_COOKIE, "t", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!set_cookie(SESSION_COOKIE, "t", 60, false).contains("Secure"));
    }
}
