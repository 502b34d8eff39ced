//! For admins only: the audit log and the desk's user accounts.
//! Must not: be reachable without `DeskAdmin`; every handler here takes it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use wiredesk_store::accounts::{AuditEntry, Role};

use super::sign_in::CsrfOnly;
use super::{Who, page, server_error, who};
use crate::DeskState;
use crate::auth::{self, DeskAdmin, DeskUser};

struct AuditRow {
    at: String,
    user: String,
    action: String,
    subject: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    user: Option<Who>,
    entries: Vec<AuditRow>,
}

pub async fn audit(State(state): State<DeskState>, DeskAdmin(user): DeskAdmin) -> Response {
    let entries = match state.accounts.audit_log(500).await {
        Ok(e) => e,
        Err(e) => return server_error(e),
    };
    page(&AuditPage {
        user: who(&user),
        entries: entries
            .into_iter()
            .map(|e| AuditRow {
                at: state.settings.when(e.at),
                user: e.user,
                action: e.action,
                subject: e.subject,
                before: e.before.unwrap_or_default(),
                after: e.after.unwrap_or_default(),
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    user: Option<Who>,
    csrf: String,
    me: String,
    error: Option<String>,
    users: Vec<(String, &'static str, &'static str)>,
}

async fn users_page(state: &DeskState, user: &DeskUser, error: Option<String>) -> Response {
    let users = match state.accounts.users().await {
        Ok(u) => u,
        Err(e) => return server_error(e),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut response = page(&UsersPage {
        user: who(user),
        csrf: user.csrf.clone(),
        me: user.name.clone(),
        error,
        users: users
            .into_iter()
            .map(|u| {
                let state = if u.totp_secret.is_some() {
                    "password and code"
                } else {
                    "password only"
                };
                (u.name, u.role.as_str(), state)
            })
            .collect(),
    });
    *response.status_mut() = status;
    response
}

pub async fn users(State(state): State<DeskState>, DeskAdmin(user): DeskAdmin) -> Response {
    users_page(&state, &user, None).await
}

#[derive(Deserialize)]
pub struct UserForm {
    csrf: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

/// Shortest password the desk accepts.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A valid account name: what `wiredesk user add` and the users page accept.
pub fn valid_user_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

pub async fn add_user(
    State(state): State<DeskState>,
    DeskAdmin(user): DeskAdmin,
    Form(form): Form<UserForm>,
) -> Response {
    if !user.csrf_ok(form.csrf.as_deref()) {
        return auth::csrf_refusal();
    }
    let name = form.name.trim();
    let Some(role) = Role::parse(&form.role) else {
        return users_page(&state, &user, Some("Choose editor or admin.".into())).await;
    };
    if !valid_user_name(name) {
        return users_page(
            &state,
            &user,
            Some("Names use letters, digits and . _ - @ only.".into()),
        )
        .await;
    }
    if form.password.chars().count() < MIN_PASSWORD_CHARS {
        return users_page(
            &state,
            &user,
            Some(format!(
                "Passwords have at least {MIN_PASSWORD_CHARS} characters."
            )),
        )
        .await;
    }
    let password = form.password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .expect("hashing does not panic");
    let before = state.accounts.user(name).await.ok().flatten();
    let done = async {
        state.accounts.put_user(name, role, &hash).await?;
        state
            .accounts
            .audit(&AuditEntry {
                at: Timestamp::now(),
                user: user.name.clone(),
                action: if before.is_some() {
                    "change_user"
                } else {
                    "add_user"
                }
                .into(),
                subject: format!("user:{name}"),
                before: before.map(|u| format!("role={}", u.role.as_str())),
                after: Some(format!("role={}", role.as_str())),
            })
            .await
    };
    match done.await {
        Ok(()) => Redirect::to("/desk/users").into_response(),
        Err(e) => server_error(e),
    }
}

pub async fn remove_user(
    State(state): State<DeskState>,
    DeskAdmin(user): DeskAdmin,
    Path(name): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if !user.csrf_ok(form.csrf.as_deref()) {
        return auth::csrf_refusal();
    }
    if name == user.name {
        return users_page(&state, &user, Some("You cannot remove yourself.".into())).await;
    }
    let done = async {
        let existed = state.accounts.remove_user(&name).await?;
        if existed {
            state
                .accounts
                .audit(&AuditEntry {
                    at: Timestamp::now(),
                    user: user.name.clone(),
                    action: "remove_user".into(),
                    subject: format!("user:{name}"),
                    before: None,
                    after: None,
                })
                .await?;
        }
        Ok::<_, wiredesk_store::StoreError>(())
    };
    match done.await {
        Ok(()) => Redirect::to("/desk/users").into_response(),
        Err(e) => server_error(e),
    }
}
