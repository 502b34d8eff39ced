//! editorial: the desk's policy — what an arriving version of an agency item means for the
//! story already on the site, and whether it goes live by itself.
//!
//! Owns: version ordering (newer replaces, older or equal is ignored), mapping the agency's
//! pubstatus to kill/withhold events, the publishing rules (per agency, topic or keyword:
//! publish by itself or hold for an editor), and what each desk action may do to a story.
//! Copy not for publication (advisories, notes to editors, service messages, tests: the
//! story's `not_for_publication`) is held with its reason whatever a rule or `auto_publish`
//! says; only an editor's action publishes it. Copy without a headline is held the same way
//! (`NO_HEADLINE`) and published only once an editor has written one.
//! Must not: do I/O, or write anything: it returns the events to append and the caller
//! records them. Only this crate decides that a story is published.
//!
//! Layout: `rules` (the desk's policy and publishing rules), `versions` (what an arriving
//! version does), `advisories` (updates and kill advisories that name an earlier story),
//! `actions` (what an editor may do on the desk).

mod actions;
mod advisories;
mod rules;
mod versions;

pub use actions::{DeskAction, MAX_HEADLINE_CHARS, Refusal, desk_action};
pub use advisories::{decide_kill_advisory, is_kill_advisory, killed_story, updated_story};
pub use rules::{DeskPolicy, PublishRule, RuleAction, TopicGuess, topic_doubt};
pub use versions::{
    Decision, EventTimes, NO_HEADLINE, decide, decide_in_doubt, not_for_publication_reason,
};
