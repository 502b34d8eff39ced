//! One story on the desk: its versions, their differences and history, and the desk actions
//! an editor takes on it (each recorded in the audit log).
//! Must not: decide what an action may do; `wiredesk_editorial::desk_action` does.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use wiredesk_editorial::DeskAction;
use wiredesk_ingest::DeskError;
use wiredesk_model::text::html_to_text;
use wiredesk_model::{Story, StoryEvent, StoryId, Topic, story_path};
use wiredesk_store::DeskStatus;
use wiredesk_store::accounts::AuditEntry;

use super::{Who, message, page, server_error, who};
use crate::DeskState;
use crate::auth::{self, DeskUser};
use crate::diff::{self, Piece};

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
    /// Why it is not for publication (an advisory, a note to editors, a test), when it is.
    advisory: Option<String>,
    embargo: Option<String>,
    pinned: bool,
    actionable: bool,
    reader_link: Option<String>,
    previewable: bool,
    topics: Vec<TopicChoice>,
    versions: Vec<Version>,
    log: Vec<String>,
}

/// A topic the editor may tick: the site's, and any the story has that the site no longer
/// lists (so saving the form does not drop it unseen).
struct TopicChoice {
    slug: String,
    name: String,
    /// Who put the story in it (`wire`, `rule`, `desk`, `model`), when it is in it.
    origin: Option<&'static str>,
}

fn topic_choices(site: &[Topic], story: &Story) -> Vec<TopicChoice> {
    let mut all: Vec<&Topic> = site.iter().collect();
    all.extend(
        story
            .topics
            .iter()
            .filter(|t| !site.iter().any(|s| s.slug == t.slug)),
    );
    all.into_iter()
        .map(|t| TopicChoice {
            slug: t.slug.clone(),
            name: t.name.clone(),
            origin: story
                .topics
                .iter()
                .find(|s| s.slug == t.slug)
                .map(|s| s.origin.as_str()),
        })
        .collect()
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
    let when = |t: Timestamp| state.settings.when(t);
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
        "topics" => "Topics saved.".to_string(),
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
        advisory: story.not_for_publication.clone(),
        embargo: story.embargoed.filter(|e| *e > now).map(when),
        pinned: story.pinned_at.is_some(),
        actionable: status != DeskStatus::Killed,
        reader_link: (status == DeskStatus::Live)
            .then(|| story_path(&story.id, &story.headline, story.language.as_deref())),
        previewable: state.preview.is_some(),
        topics: topic_choices(&state.settings.topics, &story),
        versions,
        log,
    })
}

/// The story as readers would see it, whatever its status: nothing is published by looking.
pub async fn preview(
    State(state): State<DeskState>,
    user: DeskUser,
    Path(id): Path<String>,
) -> Response {
    let Some(preview) = state.preview.clone() else {
        return message(
            &user,
            StatusCode::NOT_FOUND,
            "No preview",
            "this node does not serve readers",
            &format!("/desk/story/{id}"),
        );
    };
    match state.store().story(&StoryId(id)).await {
        Ok(Some(story)) => preview.page(&story).await,
        Ok(None) => message(&user, StatusCode::NOT_FOUND, "No such story", "", "/desk"),
        Err(e) => server_error(e),
    }
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
        StoryEvent::TopicsEdited {
            added, removed, by, ..
        } => {
            let names = |l: &[Topic]| l.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
            let mut change = Vec::new();
            if !added.is_empty() {
                change.push(format!("added {}", names(added).join(", ")));
            }
            if !removed.is_empty() {
                change.push(format!("took off {}", names(removed).join(", ")));
            }
            format!("topics set by {by}: {}", change.join("; "))
        }
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
    let topics: Vec<&str> = story.topics.iter().map(|t| t.slug.as_str()).collect();
    format!(
        "headline={:?} status={} pinned={} topics={:?}",
        story.headline,
        DeskStatus::of(story, Timestamp::now()).as_str(),
        story.pinned_at.is_some(),
        topics.join(",")
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
    perform(&state, &user, StoryId(id), &action, desk_action).await
}

/// The topics form: every box ticked is a topic the story has from now on.
pub async fn set_topics(
    State(state): State<DeskState>,
    user: DeskUser,
    Path(id): Path<String>,
    // Pairs, not a struct: the ticked boxes repeat one name.
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if !user.csrf_ok(field("csrf")) {
        return auth::csrf_refusal();
    }
    let id = StoryId(id);
    let story = match state.store().story(&id).await {
        Ok(Some(s)) => s,
        Ok(None) => return message(&user, StatusCode::NOT_FOUND, "No such story", "", "/desk"),
        Err(e) => return server_error(e),
    };
    let choices = topic_choices(&state.settings.topics, &story);
    let ticked: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "topic")
        .map(|(_, v)| v.as_str())
        .collect();
    if let Some(unknown) = ticked
        .iter()
        .find(|t| !choices.iter().any(|c| c.slug == **t))
    {
        return message(
            &user,
            StatusCode::BAD_REQUEST,
            "Not done",
            &format!("the site has no topic {unknown:?}"),
            &format!("/desk/story/{id}"),
        );
    }
    let wanted = choices
        .into_iter()
        .filter(|c| ticked.contains(&c.slug.as_str()))
        .map(|c| Topic {
            slug: c.slug,
            name: c.name,
            origin: wiredesk_model::TopicOrigin::Desk,
        })
        .collect();
    perform(&state, &user, id, "topics", DeskAction::SetTopics(wanted)).await
}

/// Take `desk_action` on story `id`, record it in the audit log, and go back to the story.
async fn perform(
    state: &DeskState,
    user: &DeskUser,
    id: StoryId,
    action: &str,
    desk_action: DeskAction,
) -> Response {
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
            message(user, StatusCode::NOT_FOUND, "No such story", "", "/desk")
        }
        Err(DeskError::Refused(why)) => message(
            user,
            StatusCode::CONFLICT,
            "Not done",
            &why.to_string(),
            &back,
        ),
        Err(DeskError::Failed(e)) => server_error(e),
    }
}
