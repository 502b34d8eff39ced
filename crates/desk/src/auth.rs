//! Who is at the desk: password hashing, the second factor (TOTP), login sessions, CSRF
//! tokens, and the sign-in limits (the numbers; the store counts against them). Every desk
//! handler takes a `DeskUser` (or `DeskAdmin`), so a route cannot forget to check the session.

use std::net::{IpAddr, SocketAddr};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use wiredesk_store::accounts::{Limit, Role, Session};

use crate::DeskState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "wd_session";
/// The cookie that carries the login form's CSRF token before there is a session.
pub const LOGIN_CSRF_COOKIE: &str = "wd_login_csrf";
/// A session ends this long after login, whatever happens in between.
pub const SESSION_HOURS: i64 = 12;

// The sign-in limits; docs/design.md ("Sign-in attempts") says why these numbers. Each attempt
// is counted in all three buckets before its password is checked.

/// One account name from one address: the guesser's own bucket. Five failures in a row are
/// free (a mistyped password), then each attempt waits 5 s, doubling to 15 minutes; a
/// success clears it, and a day without a new window forgets it.
pub const ACCOUNT_FROM_ADDRESS: Limit = Limit {
    per_window: i64::MAX,
    window: SignedDuration::from_hours(24),
    free: 5,
    first_wait: SignedDuration::from_secs(5),
    max_wait: SignedDuration::from_mins(15),
};
/// One account name from every address together: many addresses guessing one password.
/// High, so that strangers must work hard to keep an editor out, and only for the hour.
pub const ACCOUNT: Limit = Limit {
    per_window: 50,
    window: SignedDuration::from_hours(1),
    free: i64::MAX,
    first_wait: SignedDuration::ZERO,
    max_wait: SignedDuration::ZERO,
};
/// One address across every account name: one password tried on many accounts.
pub const ADDRESS: Limit = Limit {
    per_window: 20,
    window: SignedDuration::from_mins(15),
    free: i64::MAX,
    first_wait: SignedDuration::ZERO,
    max_wait: SignedDuration::ZERO,
};

/// The throttle buckets one sign-in attempt is counted in. The name is taken as typed,
/// whether or not such an account exists, so unknown names are treated exactly like known
/// ones; an IPv6 client is known by its /64, which is what one subscriber usually holds.
pub struct SignInBuckets {
    pub account_from_address: String,
    pub account: String,
    pub address: String,
}

impl SignInBuckets {
    pub fn new(name: &str, ip: Option<IpAddr>) -> SignInBuckets {
        let name: String = name.chars().take(64).collect();
        let address = match ip {
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
            None => "unknown".into(),
        };
        SignInBuckets {
            account_from_address: format!("pair {address} {name}"),
            account: format!("account {name}"),
            address: format!("address {address}"),
        }
    }

    pub fn with_limits(&self) -> Vec<(String, Limit)> {
        vec![
            (self.account_from_address.clone(), ACCOUNT_FROM_ADDRESS),
            (self.account.clone(), ACCOUNT),
            (self.address.clone(), ADDRESS),
        ]
    }
}

/// Whose name TOTP apps show beside the account.
pub const TOTP_ISSUER: &str = "Wiredesk";

/// A fresh TOTP secret, base32: 160 random bits, as RFC 4226 recommends.
pub fn new_totp_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the OS has randomness");
    totp_rs::Secret::from(bytes).to_base32()
}

/// RFC 6238 defaults: SHA-1, 6 digits, 30 s steps, one step of skew either way.
fn totp(secret: &str, account: &str) -> Option<totp_rs::Totp> {
    let secret = totp_rs::Secret::try_from_base32(secret).ok()?;
    totp_rs::Builder::new()
        .with_secret(secret)
        .with_account_name(account)
        .with_issuer(Some(TOTP_ISSUER))
        .build()
        .ok()
}

/// The `otpauth://` address an authenticator app enrols from.
pub fn totp_url(secret: &str, account: &str) -> Option<String> {
    totp(secret, account)?.to_url().ok()
}

/// The time step `code` is valid for at `now`, if it is valid; the caller must still refuse
/// a step already used.
pub fn totp_step(secret: &str, account: &str, code: &str, now: Timestamp) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret, account)?.check(&code, u64::try_from(now.as_second()).ok()?)
}

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
    fn attempts_are_bucketed_by_name_as_typed_and_by_address() {
        let v4 = SignInBuckets::new("asha", Some("192.0.2.7".parse().unwrap()));
        let other = SignInBuckets::new("nobody", Some("192.0.2.7".parse().unwrap()));
        assert_eq!(v4.address, other.address);
        assert_ne!(v4.account, other.account);
        assert_ne!(v4.account_from_address, other.account_from_address);
        // One IPv6 subscriber's /64 is one address; the mapped form of an IPv4 address is it.
        let a = SignInBuckets::new("asha", Some("2001:db8:1:2::1".parse().unwrap()));
        let b = SignInBuckets::new("asha", Some("2001:db8:1:2:ffff::9".parse().unwrap()));
        let c = SignInBuckets::new("asha", Some("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(a.address, b.address);
        assert_ne!(a.address, c.address);
        let mapped = SignInBuckets::new("asha", Some("::ffff:192.0.2.7".parse().unwrap()));
        assert_eq!(mapped.address, v4.address);
    }

    #[test]
    fn a_totp_code_is_valid_one_step_either_side_and_not_beyond() {
        let secret = new_totp_secret();
        assert_eq!(secret.len(), 32, "160 bits in base32");
        let now: Timestamp = "2026-11-28T06:00:10Z".parse().unwrap();
        let code = totp(&secret, "ravi")
            .unwrap()
            .generate(now.as_second() as u64)
            .to_string();
        let step = (now.as_second() / 30) as u64;
        assert_eq!(totp_step(&secret, "ravi", &code, now), Some(step));
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(totp_step(&secret, "ravi", &spaced, now), Some(step));
        let next = now + SignedDuration::from_secs(30);
        assert_eq!(totp_step(&secret, "ravi", &code, next), Some(step));
        let later = now + SignedDuration::from_secs(60);
        assert_eq!(totp_step(&secret, "ravi", &code, later), None);
        assert_eq!(totp_step(&secret, "ravi", "", now), None);
        assert_eq!(totp_step("not base32!", "ravi", &code, now), None);
        let url = totp_url(&secret, "ravi").unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&format!("secret={secret}")), "{url}");
    }

    #[test]
    fn cookies_are_http_only_strict_and_secure_on_https() {
        let c = set_cookie(SESSION_COOKIE, "t", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!set_cookie(SESSION_COOKIE, "t", 60, false).contains("Secure"));
    }
}
