//! What an editor does to a story on the desk, and the events each action records.
//! Must not: write anything; it returns the events and the caller records them.

use wiredesk_model::{PubStatus, Story, StoryEvent, Topic, TopicOrigin};

/// What an editor does to a story on the desk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeskAction {
    /// Readers see this headline; the agency's stays on the story.
    RewriteHeadline(String),
    /// Go back to the agency's own headline.
    RestoreHeadline,
    Hold {
        reason: String,
    },
    Publish,
    Kill {
        reason: String,
    },
    Pin,
    Unpin,
    /// The story's topics from now on, as the editor ticked them among the site's.
    SetTopics(Vec<Topic>),
}

impl DeskAction {
    pub fn name(&self) -> &'static str {
        match self {
            DeskAction::RewriteHeadline(_) => "rewrite_headline",
            DeskAction::RestoreHeadline => "restore_headline",
            DeskAction::Hold { .. } => "hold",
            DeskAction::Publish => "publish",
            DeskAction::Kill { .. } => "kill",
            DeskAction::Pin => "pin",
            DeskAction::Unpin => "unpin",
            DeskAction::SetTopics(_) => "topics",
        }
    }
}

/// Longest headline the desk may write, in characters.
pub const MAX_HEADLINE_CHARS: usize = 300;

/// Why a desk action makes no sense for a story; the desk shows it to the editor.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the story was killed; a kill is final")]
    Killed,
    /// Holding or killing asks for a reason; the word is what the story would be.
    #[error("say why the story is {0}")]
    NoReason(&'static str),
    #[error("the headline is empty")]
    EmptyHeadline,
    #[error("the headline is longer than {MAX_HEADLINE_CHARS} characters")]
    LongHeadline,
    #[error("the headline is unchanged")]
    SameHeadline,
    #[error("the headline is already the agency's")]
    AgencyHeadline,
    #[error("the agency sent no headline")]
    NoAgencyHeadline,
    #[error("the story has no headline: write one first")]
    NoHeadline,
    #[error("the story is already held")]
    AlreadyHeld,
    #[error("the story is already published")]
    AlreadyPublished,
    #[error("only a published story can be pinned")]
    PinUnpublished,
    #[error("the story is not pinned")]
    NotPinned,
    #[error("the topics are unchanged")]
    SameTopics,
}

/// The events a desk action records on `story`, or why the action makes no sense for it.
pub fn desk_action(
    story: &Story,
    action: &DeskAction,
    by: &str,
) -> Result<Vec<StoryEvent>, Refusal> {
    let id = story.id.clone();
    if story.pubstatus == PubStatus::Canceled {
        return Err(Refusal::Killed);
    }
    let reason = |r: &str, what: &'static str| -> Result<String, Refusal> {
        let r = r.trim();
        if r.is_empty() {
            Err(Refusal::NoReason(what))
        } else {
            Ok(r.to_string())
        }
    };
    Ok(match action {
        DeskAction::RewriteHeadline(headline) => {
            let headline = headline.split_whitespace().collect::<Vec<_>>().join(" ");
            if headline.is_empty() {
                return Err(Refusal::EmptyHeadline);
            }
            if headline.chars().count() > MAX_HEADLINE_CHARS {
                return Err(Refusal::LongHeadline);
            }
            if headline == story.headline {
                return Err(Refusal::SameHeadline);
            }
            vec![StoryEvent::HeadlineEdited {
                id,
                headline,
                by: by.into(),
            }]
        }
        DeskAction::RestoreHeadline => {
            if !story.headline_rewritten() {
                return Err(Refusal::AgencyHeadline);
            }
            if story.agency_headline.trim().is_empty() {
                return Err(Refusal::NoAgencyHeadline);
            }
            vec![StoryEvent::HeadlineEdited {
                id,
                headline: story.agency_headline.clone(),
                by: by.into(),
            }]
        }
        DeskAction::Hold { reason: r } => {
            if story.published.is_none() && story.status_reason.is_some() {
                return Err(Refusal::AlreadyHeld);
            }
            vec![StoryEvent::Held {
                id,
                reason: reason(r, "held")?,
            }]
        }
        DeskAction::Publish => {
            if story.published.is_some() && story.pubstatus == PubStatus::Usable {
                return Err(Refusal::AlreadyPublished);
            }
            if story.headline.trim().is_empty() {
                return Err(Refusal::NoHeadline);
            }
            vec![StoryEvent::Published { id }]
        }
        DeskAction::Kill { reason: r } => vec![StoryEvent::Killed {
            id,
            reason: reason(r, "killed")?,
        }],
        DeskAction::Pin => {
            if story.published.is_none() || story.pubstatus != PubStatus::Usable {
                return Err(Refusal::PinUnpublished);
            }
            vec![StoryEvent::Pinned { id, by: by.into() }]
        }
        DeskAction::Unpin => {
            if story.pinned_at.is_none() {
                return Err(Refusal::NotPinned);
            }
            vec![StoryEvent::Unpinned { id, by: by.into() }]
        }
        DeskAction::SetTopics(wanted) => {
            // A model's guess the editor keeps becomes the desk's: confirmed, it may teach
            // the model, and no later doubt of the model's holds the story for it.
            let settled: Vec<Topic> = story
                .topics
                .iter()
                .filter(|t| t.origin != TopicOrigin::Model)
                .cloned()
                .collect();
            let mut added: Vec<Topic> = Vec::new();
            for t in wanted {
                if !settled.contains(t) && !added.contains(t) {
                    added.push(t.clone());
                }
            }
            let removed: Vec<Topic> = story
                .topics
                .iter()
                .filter(|t| !wanted.contains(t))
                .cloned()
                .collect();
            if added.is_empty() && removed.is_empty() {
                return Err(Refusal::SameTopics);
            }
            vec![StoryEvent::TopicsEdited {
                id,
                added,
                removed,
                by: by.into(),
            }]
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::versions::tests::{fold, version};
    #[test]
    fn desk_actions_record_events_and_refuse_what_makes_no_sense() {
        let mut story = version(1, "a", "2026-11-28T10:00:00Z");
        story.published = Some("2026-11-28T10:00:00Z".parse().unwrap());
        let kinds = |r: Result<Vec<StoryEvent>, Refusal>| {
            r.unwrap().iter().map(|e| e.kind()).collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(desk_action(
                &story,
                &DeskAction::RewriteHeadline("  New   words ".into()),
                "ed"
            )),
            ["headline_edited"]
        );
        let Ok(events) = desk_action(
            &story,
            &DeskAction::RewriteHeadline("New words".into()),
            "ed",
        ) else {
            panic!()
        };
        let rewritten = fold(&events, Some(story.clone())).unwrap();
        assert_eq!(rewritten.headline, "New words");
        assert_eq!(rewritten.agency_headline, story.agency_headline);
        assert_eq!(
            rewritten.body_html, story.body_html,
            "the copy is never touched"
        );
        assert!(desk_action(&story, &DeskAction::RewriteHeadline("   ".into()), "ed").is_err());
        assert!(desk_action(&story, &DeskAction::RewriteHeadline("x".repeat(301)), "ed").is_err());
        assert!(desk_action(&story, &DeskAction::RestoreHeadline, "ed").is_err());
        assert_eq!(
            kinds(desk_action(&rewritten, &DeskAction::RestoreHeadline, "ed")),
            ["headline_edited"]
        );
        assert!(
            desk_action(&story, &DeskAction::Publish, "ed").is_err(),
            "already published"
        );
        assert!(
            desk_action(&story, &DeskAction::Kill { reason: " ".into() }, "ed").is_err(),
            "a kill needs a reason"
        );
        let held = fold(
            &desk_action(
                &story,
                &DeskAction::Hold {
                    reason: "check facts".into(),
                },
                "ed",
            )
            .unwrap(),
            Some(story.clone()),
        )
        .unwrap();
        assert!(held.published.is_none());
        assert!(
            desk_action(&held, &DeskAction::Pin, "ed").is_err(),
            "only live stories are pinned"
        );
        assert_eq!(
            kinds(desk_action(&held, &DeskAction::Publish, "ed")),
            ["published"]
        );
        // Nothing goes out without a headline, and the agency's empty one is no headline.
        let mut untitled = held.clone();
        untitled.headline = String::new();
        untitled.agency_headline = String::new();
        assert_eq!(
            desk_action(&untitled, &DeskAction::Publish, "ed"),
            Err(Refusal::NoHeadline)
        );
        let titled = fold(
            &desk_action(
                &untitled,
                &DeskAction::RewriteHeadline("Title".into()),
                "ed",
            )
            .unwrap(),
            Some(untitled.clone()),
        )
        .unwrap();
        assert_eq!(
            desk_action(&titled, &DeskAction::RestoreHeadline, "ed"),
            Err(Refusal::NoAgencyHeadline)
        );
        assert_eq!(
            kinds(desk_action(&titled, &DeskAction::Publish, "ed")),
            ["published"]
        );
        let pinned = fold(
            &desk_action(&story, &DeskAction::Pin, "ed").unwrap(),
            Some(story.clone()),
        )
        .unwrap();
        assert!(pinned.pinned_at.is_some());
        let killed = fold(
            &desk_action(
                &pinned,
                &DeskAction::Kill {
                    reason: "legal".into(),
                },
                "ed",
            )
            .unwrap(),
            Some(pinned.clone()),
        )
        .unwrap();
        assert_eq!(killed.pubstatus, PubStatus::Canceled);
        assert!(killed.pinned_at.is_none(), "a killed story loses its pin");
        for action in [
            DeskAction::Publish,
            DeskAction::Pin,
            DeskAction::RewriteHeadline("x".into()),
            DeskAction::SetTopics(vec![]),
        ] {
            assert!(
                desk_action(&killed, &action, "ed").is_err(),
                "a kill is final: {action:?}"
            );
        }
    }

    #[test]
    fn setting_topics_records_what_the_desk_added_and_took_off() {
        let topic = |slug: &str, origin| Topic {
            slug: slug.into(),
            name: slug.into(),
            origin,
        };
        let mut story = version(1, "a", "2026-11-28T10:00:00Z");
        story.topics = vec![
            topic("health", TopicOrigin::Rule),
            topic("india", TopicOrigin::Wire),
        ];
        let wanted = vec![
            topic("india", TopicOrigin::Unrecorded),
            topic("politics", TopicOrigin::Unrecorded),
            topic("politics", TopicOrigin::Unrecorded),
        ];
        let events = desk_action(&story, &DeskAction::SetTopics(wanted), "ed").unwrap();
        let [
            StoryEvent::TopicsEdited {
                added, removed, by, ..
            },
        ] = events.as_slice()
        else {
            panic!("{events:?}")
        };
        let slugs = |l: &[Topic]| l.iter().map(|t| t.slug.clone()).collect::<Vec<_>>();
        assert_eq!(slugs(added), ["politics"], "once, though ticked twice");
        assert_eq!(slugs(removed), ["health"]);
        assert_eq!(by, "ed");
        let after = fold(&events, Some(story.clone())).unwrap();
        assert_eq!(slugs(&after.topics), ["india", "politics"]);
        assert_eq!(
            desk_action(&after, &DeskAction::SetTopics(after.topics.clone()), "ed"),
            Err(Refusal::SameTopics)
        );
        // Keeping the model's guess makes it the desk's.
        let mut guessed = after.clone();
        guessed.topics[1].origin = TopicOrigin::Model;
        let kept = desk_action(&guessed, &DeskAction::SetTopics(after.topics.clone()), "ed");
        let kept = fold(&kept.unwrap(), Some(guessed)).unwrap();
        assert_eq!(kept.topics[1].origin, TopicOrigin::Desk);
        // Every topic off is a change too: the story then has none.
        let none = desk_action(&after, &DeskAction::SetTopics(vec![]), "ed").unwrap();
        assert!(fold(&none, Some(after)).unwrap().topics.is_empty());
    }
}
