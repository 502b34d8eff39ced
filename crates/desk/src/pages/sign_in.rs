//! Signing in and out: the login form with its own CSRF cookie (there is no session yet), the
//! password and second-factor checks, and the session cookie.
//! Must not: say which part of a sign-in was wrong; every failure gets the same answer.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use wiredesk_store::accounts::AuditEntry;

use super::{Who, page, server_error};
use crate::DeskState;
use crate::auth::{self, ClientIp, DeskUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE, SESSION_HOURS};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    user: Option<Who>,
    csrf: String,
    error: Option<String>,
}

/// The login form, with a fresh token for it in a cookie (there is no session yet to keep
/// it in): the form must send back the same token.
fn login_page(state: &DeskState, status: StatusCode, error: Option<String>) -> Response {
    let csrf = auth::random_token();
    let mut response = page(&LoginPage {
        user: None,
        csrf: csrf.clone(),
        error,
    });
    *response.status_mut() = status;
    let cookie = auth::set_cookie(
        LOGIN_CSRF_COOKIE,
        &csrf,
        1800,
        state.settings.secure_cookies,
    );
    if let Ok(v) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

pub async fn login_form(State(state): State<DeskState>) -> Response {
    login_page(&state, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    /// The authenticator app's code, for accounts with a second factor.
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
}

/// The one answer to any wrong sign-in, whether the name exists or not.
const WRONG_SIGN_IN: &str = "Wrong name, password or code.";

pub async fn login(
    State(state): State<DeskState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let cookie_csrf = auth::cookie_value(&headers, LOGIN_CSRF_COOKIE);
    if !cookie_csrf.is_some_and(|c| auth::same_secret(c, &form.csrf)) {
        return login_page(
            &state,
            StatusCode::FORBIDDEN,
            Some("The form had expired. Please sign in again.".into()),
        );
    }
    let now = Timestamp::now();
    let name = form.name.trim();
    // Counted before the password is checked, so that guesses sent at once cannot all be
    // checked; only an attempt that got a slot goes on.
    let buckets = auth::SignInBuckets::new(name, ip);
    match state
        .accounts
        .take_sign_in_slot(&buckets.with_limits(), now)
        .await
    {
        Ok(None) => {}
        Ok(Some(wait)) => {
            let secs = wait.as_secs() + i64::from(wait.subsec_nanos() > 0);
            let mut response = login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                Some(format!(
                    "Too many sign-in attempts. Try again in {secs} seconds."
                )),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, secs.into());
            return response;
        }
        Err(e) => return server_error(e),
    }
    let user = match state.accounts.user(name).await {
        Ok(u) => u,
        Err(e) => return server_error(e),
    };
    // An unknown name is checked against the decoy hash, so it takes as long as a known one.
    let hash = user
        .as_ref()
        .map_or(auth::decoy_hash(), |u| u.password_hash.as_str())
        .to_string();
    let password = form.password.clone();
    let verified = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let signed_in = user.filter(|_| verified);
    // An account with a second factor also needs a code for a time step not used before.
    let code_ok = match signed_in.as_ref().map(|u| (&u.name, &u.totp_secret)) {
        Some((name, Some(secret))) => match auth::totp_step(secret, name, &form.code, now) {
            Some(step) => match state.accounts.use_totp_step(name, step).await {
                Ok(fresh) => fresh,
                Err(e) => return server_error(e),
            },
            None => false,
        },
        _ => true,
    };
    let Some(user) = signed_in.filter(|_| code_ok) else {
        return login_page(&state, StatusCode::UNAUTHORIZED, Some(WRONG_SIGN_IN.into()));
    };
    // Always a brand-new session token: whatever cookie came with the request is never
    // promoted to a session (no session fixation).
    let token = auth::random_token();
    let csrf = auth::random_token();
    let expires = now + SignedDuration::from_hours(SESSION_HOURS);
    let stored = async {
        state
            .accounts
            .sign_in_succeeded(
                &buckets.account_from_address,
                &[buckets.account.clone(), buckets.address.clone()],
            )
            .await?;
        state
            .accounts
            .create_session(&auth::token_digest(&token), &user.name, &csrf, now, expires)
            .await?;
        state.accounts.sweep_sessions(now).await?;
        state
            .accounts
            .audit(&AuditEntry {
                at: now,
                user: user.name.clone(),
                action: "sign_in".into(),
                subject: format!("user:{}", user.name),
                before: None,
                after: None,
            })
            .await
    };
    if let Err(e) = stored.await {
        return server_error(e);
    }
    let secure = state.settings.secure_cookies;
    let mut response = Redirect::to("/desk").into_response();
    let headers = response.headers_mut();
    for cookie in [
        auth::set_cookie(SESSION_COOKIE, &token, SESSION_HOURS * 3600, secure),
        auth::set_cookie(LOGIN_CSRF_COOKIE, "", 0, secure),
    ] {
        if let Ok(v) = cookie.parse() {
            headers.append(header::SET_COOKIE, v);
        }
    }
    response
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    pub(super) csrf: Option<String>,
}

pub async fn logout(
    State(state): State<DeskState>,
    user: DeskUser,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if !user.csrf_ok(form.csrf.as_deref()) {
        return auth::csrf_refusal();
    }
    if let Err(e) = state.accounts.end_session(&user.token_digest).await {
        return server_error(e);
    }
    let mut response = Redirect::to("/desk/login").into_response();
    let cookie = auth::set_cookie(SESSION_COOKIE, "", 0, state.settings.secure_cookies);
    if let Ok(v) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}
