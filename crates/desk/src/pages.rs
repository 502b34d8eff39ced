//! The desk's pages and form handlers. Every handler that shows or changes anything takes a
//! `DeskUser` or `DeskAdmin`; every form handler checks the CSRF token before anything else.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use wiredesk_editorial::{DeskAction, RuleAction};
use wiredesk_ingest::DeskError;
use wiredesk_model::{Story, StoryEvent, StoryId, slugify, story_path};
use wiredesk_normalize::html_to_text;
use wiredesk_store::accounts::{AuditEntry, Role};
use wiredesk_store::{DeskStatus, QueueFilter};

use crate::DeskState;
use crate::auth::{
    self, ClientIp, DeskAdmin, DeskUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE, SESSION_HOURS,
};
use crate::diff::{self, Piece};

/// Rows the queue shows at once.
const QUEUE_ROWS: usize = 200;

fn page(template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!("desk template: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn when(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn server_error(e: impl std::fmt::Display) -> Response {
    tracing::error!("desk: {e}");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the desk could not do that; see the server log\n",
    )
        .into_response()
}

/// What the page header needs to know about the signed-in user.
struct Who {
    name: String,
    role: &'static str,
    is_admin: bool,
    csrf: String,
}

fn who(user: &DeskUser) -> Option<Who> {
    Some(Who {
        name: user.name.clone(),
        role: user.role.as_str(),
        is_admin: user.role == Role::Admin,
        csrf: user.csrf.clone(),
    })
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    user: Option<Who>,
    title: String,
    message: String,
    back: String,
}

fn message(user: &DeskUser, status: StatusCode, title: &str, text: &str, back: &str) -> Response {
    let mut response = page(&MessagePage {
        user: who(user),
        title: title.into(),
        message: text.into(),
        back: back.into(),
    });
    *response.status_mut() = status;
    response
}

// ---- sign in and out ----

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
    csrf: Option<String>,
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

// ---- the queue ----

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    agency: Option<String>,
    topic: Option<String>,
    status: Option<String>,
    q: Option<String>,
}

impl QueueQuery {
    fn filter(&self) -> QueueFilter {
        fn set(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        QueueFilter {
            agency: set(&self.agency).map(slugify),
            topic: set(&self.topic).map(slugify),
            status: set(&self.status).and_then(DeskStatus::parse),
            text: set(&self.q).map(str::to_string),
            limit: QUEUE_ROWS,
        }
    }
}

struct Row {
    id: String,
    changed: String,
    status: &'static str,
    pinned: bool,
    agency: String,
    headline: String,
    rewritten: bool,
    agency_headline: String,
    version: u32,
    topics: String,
}

fn row(story: &Story, now: Timestamp) -> Row {
    Row {
        id: story.id.to_string(),
        changed: when(story.modified()),
        status: DeskStatus::of(story, now).as_str(),
        pinned: story.pinned_at.is_some(),
        agency: story.agency.name.clone(),
        headline: story.headline.clone(),
        rewritten: story.headline_rewritten(),
        agency_headline: story.agency_headline.clone(),
        version: story.version,
        topics: story
            .topics
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[derive(Template)]
#[template(path = "queue_rows.html")]
struct QueueRows {
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    user: Option<Who>,
    agencies: Vec<(String, String)>,
    topics: Vec<(String, String)>,
    statuses: Vec<String>,
    filter_agency: String,
    filter_topic: String,
    filter_status: String,
    filter_text: String,
    rows_html: String,
}

async fn rows_html(state: &DeskState, query: &QueueQuery) -> Result<String, Response> {
    let now = Timestamp::now();
    let stories = state
        .store()
        .queue(&query.filter(), now)
        .await
        .map_err(server_error)?;
    QueueRows {
        rows: stories.iter().map(|s| row(s, now)).collect(),
    }
    .render()
    .map_err(server_error)
}

pub async fn queue(
    State(state): State<DeskState>,
    user: DeskUser,
    Query(query): Query<QueueQuery>,
) -> Response {
    let rows_html = match rows_html(&state, &query).await {
        Ok(h) => h,
        Err(r) => return r,
    };
    let now = Timestamp::now();
    let topics = state
        .store()
        .topics(now)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.slug, t.name))
        .collect();
    let agencies = state
        .store()
        .sections_modified(now)
        .await
        .map(|s| s.agencies)
        .unwrap_or_default()
        .into_iter()
        .map(|(slug, _)| (slug.clone(), slug))
        .collect();
    let filter = query.filter();
    page(&QueuePage {
        user: who(&user),
        agencies,
        topics,
        statuses: DeskStatus::ALL
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        filter_agency: filter.agency.unwrap_or_default(),
        filter_topic: filter.topic.unwrap_or_default(),
        filter_status: filter.status.map(|s| s.as_str()).unwrap_or("").to_string(),
        filter_text: filter.text.unwrap_or_default(),
        rows_html,
    })
}

/// The queue's rows alone: what the page's script fetches to refresh itself.
pub async fn queue_rows(
    State(state): State<DeskState>,
    _user: DeskUser,
    Query(query): Query<QueueQuery>,
) -> Response {
    match rows_html(&state, &query).await {
        Ok(h) => Html(h).into_response(),
        Err(r) => r,
    }
}

pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("desk.js"),
    )
        .into_response()
}

// ---- one story ----

struct Version {
    version: u32,
    at: String,
    kind: &'static str,
    headline: Vec<Piece>,
    body: Vec<Piece>,
    copy_changed: bool,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    user: Option<Who>,
    csrf: String,
    notice: Option<String>,
    id: String,
    uri: String,
    headline: String,
    agency_headline: String,
    rewritten: bool,
    agency: String,
    version: u32,
    status: &'static str,
    status_reason: Option<String>,
    embargo: Option<String>,
    pinned: bool,
    actionable: bool,
    reader_link: Option<String>,
    versions: Vec<Version>,
    log: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct StoryQuery {
    done: Option<String>,
}

pub async fn story(
    State(state): State<DeskState>,
    user: DeskUser,
    Path(id): Path<String>,
    Query(query): Query<StoryQuery>,
) -> Response {
    let id = StoryId(id);
    let story = match state.store().story(&id).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            return message(&user, StatusCode::NOT_FOUND, "No such story", "", "/desk");
        }
        Err(e) => return server_error(e),
    };
    let history = match state.store().history(&id).await {
        Ok(h) => h,
        Err(e) => return server_error(e),
    };
    // Each version beside the one before it: what the agency changed.
    let mut versions = Vec::new();
    let mut previous: Option<(String, String)> = None;
    let mut log = Vec::new();
    for recorded in &history {
        log.push(format!(
            "{} {}",
            when(recorded.at),
            describe(&recorded.event)
        ));
        let (kind, copy) = match &recorded.event {
            StoryEvent::Ingested { story } => ("first version", story),
            StoryEvent::Updated { story } => ("update", story),
            _ => continue,
        };
        let text = html_to_text(&copy.body_html);
        let (old_headline, old_text) = previous.clone().unwrap_or_default();
        let body = diff::words(&old_text, &text);
        versions.push(Version {
            version: copy.version,
            at: when(recorded.at),
            kind,
            headline: diff::words(&old_headline, &copy.agency_headline),
            copy_changed: previous.is_none() || diff::changed(&body),
            body,
        });
        previous = Some((copy.agency_headline.clone(), text));
    }
    versions.reverse();
    log.reverse();
    let now = Timestamp::now();
    let status = DeskStatus::of(&story, now);
    let notice = query.done.as_deref().map(|d| match d {
        "headline" => "Headline rewritten.".to_string(),
        "restore-headline" => "The agency's headline is back.".to_string(),
        "kill" => "Killed: the story is off every surface.".to_string(),
        other => format!("Done: {other}."),
    });
    page(&StoryPage {
        csrf: user.csrf.clone(),
        user: who(&user),
        notice,
        id: story.id.to_string(),
        uri: story.uri.clone(),
        headline: story.headline.clone(),
        agency_headline: story.agency_headline.clone(),
        rewritten: story.headline_rewritten(),
        agency: story.agency.name.clone(),
        version: story.version,
        status: status.as_str(),
        status_reason: story.status_reason.clone(),
        embargo: story.embargoed.filter(|e| *e > now).map(when),
        pinned: story.pinned_at.is_some(),
        actionable: status != DeskStatus::Killed,
        reader_link: (status == DeskStatus::Live).then(|| story_path(&story.id, &story.headline)),
        versions,
        log,
    })
}

fn describe(event: &StoryEvent) -> String {
    match event {
        StoryEvent::Ingested { story } => format!("arrived (version {})", story.version),
        StoryEvent::Updated { story } => format!("updated to version {}", story.version),
        StoryEvent::Published { .. } => "published".into(),
        StoryEvent::Held { reason, .. } => format!("held: {reason}"),
        StoryEvent::HeadlineEdited { headline, by, .. } => {
            format!("headline set by {by}: {headline}")
        }
        StoryEvent::Withheld { reason, .. } => format!("withheld: {reason}"),
        StoryEvent::Killed { reason, .. } => format!("killed: {reason}"),
        StoryEvent::EmbargoLifted { .. } => "embargo lifted".into(),
        StoryEvent::Pinned { by, .. } => format!("pinned by {by}"),
        StoryEvent::Unpinned { by, .. } => format!("unpinned by {by}"),
    }
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: Option<String>,
    headline: Option<String>,
    reason: Option<String>,
}

/// How the audit log describes a story's state before and after an action.
fn audit_state(story: &Story) -> String {
    format!(
        "headline={:?} status={} pinned={}",
        story.headline,
        DeskStatus::of(story, Timestamp::now()).as_str(),
        story.pinned_at.is_some()
    )
}

pub async fn act(
    State(state): State<DeskState>,
    user: DeskUser,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> Response {
    if !user.csrf_ok(form.csrf.as_deref()) {
        return auth::csrf_refusal();
    }
    let reason = form.reason.clone().unwrap_or_default();
    let desk_action = match action.as_str() {
        "headline" => DeskAction::RewriteHeadline(form.headline.clone().unwrap_or_default()),
        "restore-headline" => DeskAction::RestoreHeadline,
        "hold" => DeskAction::Hold { reason },
        "publish" => DeskAction::Publish,
        "kill" => DeskAction::Kill { reason },
        "pin" => DeskAction::Pin,
        "unpin" => DeskAction::Unpin,
        _ => return (StatusCode::NOT_FOUND, "no such desk action\n").into_response(),
    };
    let id = StoryId(id);
    let back = format!("/desk/story/{id}");
    match state
        .pipeline
        .desk_action(&id, &desk_action, &user.name)
        .await
    {
        Ok(change) => {
            let entry = AuditEntry {
                at: Timestamp::now(),
                user: user.name.clone(),
                action: desk_action.name().into(),
                subject: format!("story:{id}"),
                before: Some(audit_state(&change.before)),
                after: Some(match &desk_action {
                    DeskAction::Kill { reason } | DeskAction::Hold { reason } => {
                        format!("{} reason={reason:?}", audit_state(&change.after))
                    }
                    _ => audit_state(&change.after),
                }),
            };
            if let Err(e) = state.accounts.audit(&entry).await {
                return server_error(e);
            }
            Redirect::to(&format!("{back}?done={action}")).into_response()
        }
        Err(DeskError::NotFound(_)) => {
            message(&user, StatusCode::NOT_FOUND, "No such story", "", "/desk")
        }
        Err(DeskError::Refused(why)) => {
            message(&user, StatusCode::CONFLICT, "Not done", &why, &back)
        }
        Err(DeskError::Failed(e)) => server_error(e),
    }
}

// ---- admin: audit log and users ----

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
                at: when(e.at),
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

// ---- sources and rules ----

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    user: Option<Who>,
    inbox: Option<String>,
    push_limit: usize,
    push: Vec<(String, String)>,
    agencies: Vec<String>,
    remote: Vec<RemoteRow>,
}

/// One polled source's health, as the sources page shows it.
struct RemoteRow {
    name: String,
    kind: String,
    url: String,
    interval_secs: u64,
    healthy: bool,
    last_success: String,
    last_error: String,
    fetches: u64,
    not_modified: u64,
    failures: u64,
    stories: u64,
    next_attempt: String,
}

fn remote_rows(board: &wiredesk_source::health::HealthBoard) -> Vec<RemoteRow> {
    board
        .snapshot()
        .into_iter()
        .map(|(name, h)| RemoteRow {
            name,
            kind: h.kind,
            url: h.url,
            interval_secs: h.interval_secs,
            healthy: h.consecutive_failures == 0,
            last_success: h.last_success.map(when).unwrap_or_else(|| "never".into()),
            last_error: h
                .last_error
                .map(|(t, m)| format!("{}: {m}", when(t)))
                .unwrap_or_default(),
            fetches: h.fetches,
            not_modified: h.not_modified,
            failures: h.failures,
            stories: h.stories,
            next_attempt: h.next_attempt.map(when).unwrap_or_default(),
        })
        .collect()
}

pub async fn sources(
    State(state): State<DeskState>,
    user: DeskUser,
    health: Option<axum::Extension<wiredesk_source::health::HealthBoard>>,
) -> Response {
    let push = match state
        .accounts
        .token_names(wiredesk_store::accounts::TokenScope::Push)
        .await
    {
        Ok(p) => p,
        Err(e) => return server_error(e),
    };
    let agencies = state
        .store()
        .sections_modified(Timestamp::now())
        .await
        .map(|s| {
            s.agencies
                .into_iter()
                .map(|(a, t)| format!("{a} (latest {})", when(t)))
                .collect()
        })
        .unwrap_or_default();
    page(&SourcesPage {
        user: who(&user),
        inbox: state
            .settings
            .inbox
            .as_ref()
            .map(|p| p.display().to_string()),
        push_limit: wiredesk_model::MAX_DELIVERY_BYTES,
        push: push.into_iter().map(|(s, t)| (s, when(t))).collect(),
        agencies,
        remote: health.map(|h| remote_rows(&h.0)).unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    user: Option<Who>,
    auto_publish: bool,
    rules: Vec<(String, &'static str)>,
    noindex: String,
    source_hidden: String,
}

pub async fn rules(State(state): State<DeskState>, user: DeskUser) -> Response {
    let policy = state.policy();
    page(&RulesPage {
        user: who(&user),
        auto_publish: policy.auto_publish,
        rules: policy
            .rules
            .iter()
            .map(|r| {
                let then = match r.action {
                    RuleAction::Publish => "publish by itself",
                    RuleAction::Hold => "hold for an editor",
                };
                (r.describe(), then)
            })
            .collect(),
        noindex: state.settings.googlebot_news_noindex.join(", "),
        source_hidden: state.settings.source_link_hidden.join(", "),
    })
}
