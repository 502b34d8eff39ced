//! Plain copy that names an earlier story: updates ("UPDATE 1-…") and kill advisories
//! ("KILL-…"), matched to the same agency's recent story by headline or shared opening.
//! Must not: publish an advisory; it is a message to editors, not news.

use wiredesk_model::text::html_to_text;
use wiredesk_model::{
    PubStatus, SIG_CORRECTION, SIG_KILL, SIG_RESEND, SIG_UPDATE, Story, StoryEvent,
};

use crate::Decision;

/// Signals that say a version follows an earlier one.
pub(crate) const FOLLOW_UP_SIGNALS: [&str; 3] = [SIG_UPDATE, SIG_CORRECTION, SIG_RESEND];
/// How much of two stories' openings must be shared for one to update the other.
pub(crate) const SAME_STORY_OVERLAP: f64 = 0.35;
/// How far back an update may reach for the story it updates.
pub(crate) const UPDATE_WINDOW_HOURS: i64 = 72;

/// The opening words of a story's copy, lower case, tags skipped, entities decoded.
pub(crate) fn opening_words(html: &str) -> std::collections::HashSet<String> {
    let opening = html
        .char_indices()
        .nth(2000)
        .map_or(html, |(end, _)| &html[..end]);
    html_to_text(opening)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .take(60)
        .map(str::to_lowercase)
        .collect()
}

/// The story an update of plain copy updates. Plain copy has no id, and an update often has a
/// new headline ("UPDATE 1-Storm kills three" after "Storm lashes coast"), so its own id is
/// new: the story it follows is the same agency's recent story from the same place whose
/// opening it mostly shares. Copy that does not call itself an update is never matched.
pub fn updated_story<'a>(incoming: &Story, recent: &'a [Story]) -> Option<&'a Story> {
    if !incoming
        .signals
        .iter()
        .any(|s| FOLLOW_UP_SIGNALS.contains(&s.as_str()))
    {
        return None;
    }
    let place = |s: &Story| {
        s.dateline
            .as_ref()
            .and_then(|d| d.place.as_deref())
            .map(str::to_lowercase)
    };
    let words = opening_words(&incoming.body_html);
    let earliest = incoming.version_created - jiff::SignedDuration::from_hours(UPDATE_WINDOW_HOURS);
    recent
        .iter()
        .filter(|s| s.id != incoming.id && s.agency.slug == incoming.agency.slug)
        .filter(|s| s.first_created >= earliest && s.first_created <= incoming.version_created)
        .filter(|s| match (place(s), place(incoming)) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        })
        .map(|s| {
            let theirs = opening_words(&s.body_html);
            let shared = words.intersection(&theirs).count() as f64;
            let union = words.union(&theirs).count().max(1) as f64;
            (s, shared / union)
        })
        .filter(|(_, overlap)| *overlap >= SAME_STORY_OVERLAP)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(s, _)| s)
}

/// Is this copy a kill advisory (its headline said "KILL-", "WITHDRAWN-"…)?
pub fn is_kill_advisory(story: &Story) -> bool {
    story.signals.iter().any(|s| s == SIG_KILL)
}

/// The story a kill advisory names: the same agency's recent story with the headline the
/// advisory repeats, or else the one whose opening it mostly shares.
pub fn killed_story<'a>(advisory: &Story, recent: &'a [Story]) -> Option<&'a Story> {
    let key = |h: &str| {
        h.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let named = key(&advisory.agency_headline);
    // Plain copy's id comes from its headline, so an advisory repeating the headline may even
    // share the id of the story it kills.
    let same_agency = |s: &&Story| s.agency.slug == advisory.agency.slug;
    recent
        .iter()
        .filter(same_agency)
        .find(|s| key(&s.agency_headline) == named)
        .or_else(|| {
            let mut as_update = advisory.clone();
            as_update.signals = vec![SIG_UPDATE.into()];
            updated_story(&as_update, recent)
        })
}

/// What a kill advisory does: kills the story it names; when it names none the site holds,
/// it waits on the desk (never published: it is a message to editors, not news).
pub fn decide_kill_advisory(advisory: Story, target: Option<&Story>) -> Decision {
    match target {
        Some(t) if t.pubstatus == PubStatus::Canceled => {
            Decision::Unchanged(format!("story {} was already killed", t.id))
        }
        Some(t) => Decision::Changed(vec![StoryEvent::Killed {
            id: t.id.clone(),
            reason: format!(
                "kill advisory from {}: {}",
                advisory.agency.name, advisory.agency_headline
            ),
        }]),
        None => {
            let mut held = advisory;
            held.status_reason =
                Some("kill advisory naming no story on the site: check it on the desk".into());
            Decision::New(vec![StoryEvent::Ingested {
                story: Box::new(held),
            }])
        }
    }
}
