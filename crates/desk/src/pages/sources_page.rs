//! The sources the site polls, with their health, whether this node is taking copy in
//! (the writer, a standby, paused), and the publishing rules in force.
//! Must not: change sources or rules; they come from the configuration and are only shown.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use jiff::Timestamp;
use wiredesk_editorial::RuleAction;
use wiredesk_store::writer::WriterState;

use super::{Who, page, server_error, who};
use crate::DeskState;
use crate::auth::DeskUser;

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    user: Option<Who>,
    inbox: Option<String>,
    push_limit: usize,
    push: Vec<(String, String)>,
    agencies: Vec<String>,
    remote: Vec<RemoteRow>,
    writer: String,
    writer_paused: bool,
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

/// What this node is doing about ingest, in a sentence.
fn writer_line(state: &WriterState, when: &dyn Fn(Timestamp) -> String) -> String {
    match state {
        WriterState::Off => {
            "This is a web node: copy is taken in by the site's ingest nodes.".into()
        }
        WriterState::Standby { since } => format!(
            "Standby since {}: another node is the site's writer; this one takes over if it stops.",
            when(*since)
        ),
        WriterState::Writing { since } => {
            format!("This node is the site's writer (since {}).", when(*since))
        }
        WriterState::Paused { since, reason } => format!(
            "Ingest is paused since {}: {reason}. Files wait in the inbox; nothing is lost.",
            when(*since)
        ),
    }
}

fn remote_rows(
    board: &wiredesk_source::health::HealthBoard,
    when: &dyn Fn(Timestamp) -> String,
) -> Vec<RemoteRow> {
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
    let when = |t: Timestamp| state.settings.when(t);
    let writer = state.pipeline.followers().writer().state();
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
        remote: health.map(|h| remote_rows(&h.0, &when)).unwrap_or_default(),
        writer_paused: matches!(writer, WriterState::Paused { .. }),
        writer: writer_line(&writer, &when),
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
