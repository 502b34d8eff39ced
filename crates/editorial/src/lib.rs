//! editorial: the desk's policy — what an arriving version of an agency item means for the
//! story already on the site, and whether it goes live by itself.
//!
//! Owns: version ordering (newer replaces, older or equal is ignored), mapping the agency's
//! pubstatus to kill/withhold events, the publishing rules (per agency, topic or keyword:
//! publish by itself or hold for an editor), and what each desk action may do to a story.
//! Must not: do I/O, or write anything: it returns the events to append and the caller
//! records them. Only this crate decides that a story is published.

use serde::{Deserialize, Serialize};
use wiredesk_model::{PubStatus, Story, StoryEvent, slugify};

/// How the desk treats arriving copy.
#[derive(Clone, Debug)]
pub struct DeskPolicy {
    /// Publish usable copy as soon as it arrives (the auto-syndicating publisher's default),
    /// unless a rule says otherwise.
    pub auto_publish: bool,
    /// Checked in order; the first rule that matches a story decides.
    pub rules: Vec<PublishRule>,
}

impl Default for DeskPolicy {
    fn default() -> Self {
        DeskPolicy {
            auto_publish: true,
            rules: Vec::new(),
        }
    }
}

/// What a matching rule does with new copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    Publish,
    Hold,
}

/// One publishing rule: copy from `agency`, or with `topic`, or whose headline or text has
/// `keyword` (whole words, any case), is published by itself or held for an editor. A rule
/// naming several of these needs all of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishRule {
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub keyword: Option<String>,
    pub action: RuleAction,
}

impl PublishRule {
    pub fn matches(&self, story: &Story) -> bool {
        let agency = self
            .agency
            .as_ref()
            .is_none_or(|a| slugify(a) == story.agency.slug);
        let topic = self
            .topic
            .as_ref()
            .is_none_or(|t| story.topics.iter().any(|st| st.slug == slugify(t)));
        let keyword = self.keyword.as_ref().is_none_or(|k| {
            let k = k.to_lowercase();
            let words = |text: &str| {
                text.to_lowercase()
                    .split(|c: char| !c.is_alphanumeric())
                    .collect::<Vec<_>>()
                    .windows(k.split_whitespace().count().max(1))
                    .any(|w| w.join(" ") == k)
            };
            words(&story.headline)
                || words(&story.body_html)
                || story.keywords.iter().any(|kw| kw.to_lowercase() == k)
        });
        agency && topic && keyword
    }

    /// What the rule's condition reads like on the desk's rules page.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = &self.agency {
            parts.push(format!("agency {a}"));
        }
        if let Some(t) = &self.topic {
            parts.push(format!("topic {t}"));
        }
        if let Some(k) = &self.keyword {
            parts.push(format!("keyword \"{k}\""));
        }
        if parts.is_empty() {
            parts.push("all copy".into());
        }
        parts.join(" and ")
    }
}

impl DeskPolicy {
    /// Does new usable copy go live by itself, or wait for an editor?
    pub fn publishes_by_itself(&self, story: &Story) -> bool {
        self.verdict(story, None) == Verdict::Publish
    }

    /// The rules' word on new usable copy, with the doubt (if any) about copy nobody tagged.
    /// A rule the desk wrote outranks the doubt: "publish PTI" is an editor's considered
    /// instruction, and the doubt is about which section a story goes in, not whether it is fit
    /// to print. Only copy that would go live by the default waits because of it.
    fn verdict<'a>(&self, story: &Story, doubt: Option<&'a str>) -> Verdict<'a> {
        match self.rules.iter().find(|r| r.matches(story)) {
            Some(rule) if rule.action == RuleAction::Publish => Verdict::Publish,
            Some(_) => Verdict::Hold,
            None if !self.auto_publish => Verdict::Hold,
            None => doubt.map_or(Verdict::Publish, Verdict::InDoubt),
        }
    }
}

#[derive(Debug, PartialEq)]
enum Verdict<'a> {
    Publish,
    /// Held by a rule or by `auto_publish = false`: the queue shows it, no reason needed.
    Hold,
    /// Held because of the doubt: an editor is told why.
    InDoubt(&'a str),
}

/// What the topic classifier made of copy that arrived with no site topic.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TopicGuess<'a> {
    /// Its most confident topic (the name readers see) and that confidence, 0–1; `None` when
    /// nothing in the copy matches what it learned from the archive.
    pub best: Option<(&'a str, f32)>,
    /// Whether that topic also cleared the classifier's own threshold for it, and so was
    /// given to the story.
    pub assigned: bool,
}

/// The desk's doubt about untagged copy: a reason to hold it when the classifier gave it no
/// topic, or its best is less sure than `desk_threshold`. Such copy would otherwise go live in
/// no section, or in the wrong one.
pub fn topic_doubt(guess: &TopicGuess<'_>, desk_threshold: f32) -> Option<String> {
    match guess.best {
        Some((_, confidence)) if guess.assigned && confidence >= desk_threshold => None,
        Some((name, confidence)) => Some(format!(
            "topic unsure: best guess {name} ({confidence:.2}); check the topic before publishing"
        )),
        None => Some(
            "topic unsure: nothing in the copy matches a topic learned from the archive; \
             check it before publishing"
                .into(),
        ),
    }
}

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
        }
    }
}

/// Signals that say a version follows an earlier one.
const FOLLOW_UP_SIGNALS: [&str; 3] = ["sig:update", "sig:correction", "resend"];
/// How much of two stories' openings must be shared for one to update the other.
const SAME_STORY_OVERLAP: f64 = 0.35;
/// How far back an update may reach for the story it updates.
const UPDATE_WINDOW_HOURS: i64 = 72;

/// The opening words of a story's copy, lower case, tags skipped.
fn opening_words(html: &str) -> std::collections::HashSet<String> {
    let mut text = String::with_capacity(html.len().min(2000));
    let mut in_tag = false;
    for c in html.chars().take(2000) {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split(|c: char| !c.is_alphanumeric())
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
    story.signals.iter().any(|s| s == "kill")
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
            as_update.signals = vec!["sig:update".into()];
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

/// Longest headline the desk may write, in characters.
pub const MAX_HEADLINE_CHARS: usize = 300;

/// The events a desk action records on `story`, or why the action makes no sense for it.
pub fn desk_action(
    story: &Story,
    action: &DeskAction,
    by: &str,
) -> Result<Vec<StoryEvent>, String> {
    let id = story.id.clone();
    if story.pubstatus == PubStatus::Canceled {
        return Err("the story was killed; a kill is final".into());
    }
    let reason = |r: &str, what: &str| -> Result<String, String> {
        let r = r.trim();
        if r.is_empty() {
            Err(format!("say why the story is {what}"))
        } else {
            Ok(r.to_string())
        }
    };
    Ok(match action {
        DeskAction::RewriteHeadline(headline) => {
            let headline = headline.split_whitespace().collect::<Vec<_>>().join(" ");
            if headline.is_empty() {
                return Err("the headline is empty".into());
            }
            if headline.chars().count() > MAX_HEADLINE_CHARS {
                return Err(format!(
                    "the headline is longer than {MAX_HEADLINE_CHARS} characters"
                ));
            }
            if headline == story.headline {
                return Err("the headline is unchanged".into());
            }
            vec![StoryEvent::HeadlineEdited {
                id,
                headline,
                by: by.into(),
            }]
        }
        DeskAction::RestoreHeadline => {
            if !story.headline_rewritten() {
                return Err("the headline is already the agency's".into());
            }
            vec![StoryEvent::HeadlineEdited {
                id,
                headline: story.agency_headline.clone(),
                by: by.into(),
            }]
        }
        DeskAction::Hold { reason: r } => {
            if story.published.is_none() && story.status_reason.is_some() {
                return Err("the story is already held".into());
            }
            vec![StoryEvent::Held {
                id,
                reason: reason(r, "held")?,
            }]
        }
        DeskAction::Publish => {
            if story.published.is_some() && story.pubstatus == PubStatus::Usable {
                return Err("the story is already published".into());
            }
            vec![StoryEvent::Published { id }]
        }
        DeskAction::Kill { reason: r } => vec![StoryEvent::Killed {
            id,
            reason: reason(r, "killed")?,
        }],
        DeskAction::Pin => {
            if story.published.is_none() || story.pubstatus != PubStatus::Usable {
                return Err("only a published story can be pinned".into());
            }
            vec![StoryEvent::Pinned { id, by: by.into() }]
        }
        DeskAction::Unpin => {
            if story.pinned_at.is_none() {
                return Err("the story is not pinned".into());
            }
            vec![StoryEvent::Unpinned { id, by: by.into() }]
        }
    })
}

/// What an arriving version means.
#[derive(Debug, PartialEq)]
pub enum Decision {
    /// A new agency item: these events record it.
    New(Vec<StoryEvent>),
    /// A newer version, or a status change, of a stored item.
    Changed(Vec<StoryEvent>),
    /// Nothing to do, and why (a re-send, or an older version arriving late).
    Unchanged(String),
}

/// Is `incoming` a later state of the item than `stored`? Versions decide; where an agency
/// sends no version numbers (RSS), a later version time with different copy does.
fn is_newer(incoming: &Story, stored: &Story) -> bool {
    if incoming.version != stored.version {
        return incoming.version > stored.version;
    }
    let copy_differs = incoming.body_hash != stored.body_hash
        || incoming.agency_headline != stored.agency_headline
        || incoming.pubstatus != stored.pubstatus
        || incoming.embargoed != stored.embargoed;
    copy_differs && incoming.version_created > stored.version_created
}

/// The story an `Updated` event carries.
fn stored_with(events: &[StoryEvent]) -> Story {
    match &events[0] {
        StoryEvent::Updated { story } => (**story).clone(),
        _ => unreachable!("an Updated event was just pushed first"),
    }
}

/// Decide what an arriving version of an agency item does to the stored story, if any.
pub fn decide(incoming: Story, stored: Option<&Story>, policy: &DeskPolicy) -> Decision {
    decide_in_doubt(incoming, stored, policy, None)
}

/// `decide`, for copy the desk has a doubt about (`topic_doubt`): where it would have gone
/// live by the default, it is held instead with the doubt as the reason, so it waits in the
/// queue with something an editor can act on, and stays held through later versions as any
/// held story does.
pub fn decide_in_doubt(
    incoming: Story,
    stored: Option<&Story>,
    policy: &DeskPolicy,
    doubt: Option<&str>,
) -> Decision {
    let id = incoming.id.clone();
    let Some(stored) = stored else {
        let verdict =
            (incoming.pubstatus == PubStatus::Usable).then(|| policy.verdict(&incoming, doubt));
        let mut events = vec![StoryEvent::Ingested {
            story: Box::new(incoming),
        }];
        match verdict {
            Some(Verdict::Publish) => events.push(StoryEvent::Published { id }),
            Some(Verdict::InDoubt(reason)) => events.push(StoryEvent::Held {
                id,
                reason: reason.to_string(),
            }),
            Some(Verdict::Hold) | None => {}
        }
        return Decision::New(events);
    };
    if stored.pubstatus == PubStatus::Canceled {
        return Decision::Unchanged(format!("story {} was killed; a kill is final", stored.id));
    }
    if !is_newer(&incoming, stored) {
        return Decision::Unchanged(if incoming.version < stored.version {
            format!(
                "version {} is older than the stored version {}",
                incoming.version, stored.version
            )
        } else {
            format!("version {} is already stored", incoming.version)
        });
    }
    let status = incoming.pubstatus;
    let mut events = Vec::new();
    match status {
        PubStatus::Canceled => events.push(StoryEvent::Killed {
            id,
            reason: "the agency canceled the item".into(),
        }),
        PubStatus::Withheld => {
            events.push(StoryEvent::Updated {
                story: Box::new(incoming),
            });
            events.push(StoryEvent::Withheld {
                id,
                reason: "the agency withheld the item".into(),
            })
        }
        PubStatus::Usable => {
            events.push(StoryEvent::Updated {
                story: Box::new(incoming),
            });
            // A story an editor held stays held through new versions; only one that never
            // reached the desk's hands follows the rules.
            let held_by_editor = stored.published.is_none() && stored.status_reason.is_some();
            let verdict = (stored.published.is_none() && !held_by_editor)
                .then(|| policy.verdict(&stored_with(&events), doubt));
            if verdict == Some(Verdict::Publish) || stored.pubstatus == PubStatus::Withheld {
                events.push(StoryEvent::Published { id });
            } else if let Some(Verdict::InDoubt(reason)) = verdict {
                events.push(StoryEvent::Held {
                    id,
                    reason: reason.to_string(),
                });
            }
        }
    }
    Decision::Changed(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiredesk_model::body_hash;

    fn version(n: u32, body: &str, at: &str) -> Story {
        let mut s = wiredesk_model::testing::story("urn:x", "H", "", at.parse().unwrap());
        s.version = n;
        s.body_html = body.into();
        s.body_hash = body_hash(body);
        s
    }

    fn fold(events: &[StoryEvent], mut state: Option<Story>) -> Option<Story> {
        for e in events {
            state = e.apply(state, "2026-11-28T12:00:00Z".parse().unwrap());
        }
        state
    }

    #[test]
    fn a_new_usable_item_is_ingested_and_published() {
        let d = decide(
            version(1, "a", "2026-11-28T10:00:00Z"),
            None,
            &DeskPolicy::default(),
        );
        let Decision::New(events) = d else { panic!() };
        assert_eq!(
            events.iter().map(|e| e.kind()).collect::<Vec<_>>(),
            ["ingested", "published"]
        );
        let held = decide(
            version(1, "a", "2026-11-28T10:00:00Z"),
            None,
            &DeskPolicy {
                auto_publish: false,
                rules: Vec::new(),
            },
        );
        let Decision::New(events) = held else {
            panic!()
        };
        assert_eq!(events.len(), 1, "held for an editor: not published");
    }

    fn rule(
        agency: Option<&str>,
        topic: Option<&str>,
        keyword: Option<&str>,
        hold: bool,
    ) -> PublishRule {
        PublishRule {
            agency: agency.map(str::to_string),
            topic: topic.map(str::to_string),
            keyword: keyword.map(str::to_string),
            action: if hold {
                RuleAction::Hold
            } else {
                RuleAction::Publish
            },
        }
    }

    #[test]
    fn the_first_matching_rule_decides_and_the_default_covers_the_rest() {
        let mut story = version(
            1,
            "<p>The central bank raised rates.</p>",
            "2026-11-28T10:00:00Z",
        );
        story.agency = wiredesk_model::Agency::named("PTI");
        story.topics = vec![wiredesk_model::Topic {
            slug: "business".into(),
            name: "Business".into(),
        }];
        let policy = |rules| DeskPolicy {
            auto_publish: true,
            rules,
        };
        assert!(policy(vec![]).publishes_by_itself(&story));
        assert!(!policy(vec![rule(Some("pti"), None, None, true)]).publishes_by_itself(&story));
        assert!(policy(vec![rule(Some("AP"), None, None, true)]).publishes_by_itself(&story));
        assert!(
            !policy(vec![rule(None, Some("Business"), None, true)]).publishes_by_itself(&story)
        );
        assert!(
            !policy(vec![rule(None, None, Some("central bank"), true)]).publishes_by_itself(&story)
        );
        assert!(
            policy(vec![rule(
                None,
                None,
                Some("bank raised rates today"),
                true
            )])
            .publishes_by_itself(&story),
            "a phrase that is not in the copy does not match"
        );
        assert!(
            policy(vec![rule(None, None, Some("ban"), true)]).publishes_by_itself(&story),
            "keywords match whole words only"
        );
        // Both conditions must hold.
        assert!(
            policy(vec![rule(Some("AP"), Some("business"), None, true)])
                .publishes_by_itself(&story)
        );
        // First match wins: publish PTI business, hold the rest of business.
        let ordered = policy(vec![
            rule(Some("PTI"), Some("business"), None, false),
            rule(None, Some("business"), None, true),
        ]);
        assert!(ordered.publishes_by_itself(&story));
        story.agency = wiredesk_model::Agency::named("IANS");
        assert!(!ordered.publishes_by_itself(&story));
        // With auto-publish off, a publish rule still lets matching copy through.
        let off = DeskPolicy {
            auto_publish: false,
            rules: vec![rule(Some("IANS"), None, None, false)],
        };
        assert!(off.publishes_by_itself(&story));
        let Decision::New(events) = decide(story, None, &off) else {
            panic!()
        };
        assert_eq!(events.len(), 2, "ingested and published");
    }

    #[test]
    fn the_doubt_names_the_best_guess_only_below_the_threshold() {
        let guess = |confidence, assigned| TopicGuess {
            best: Some(("Business", confidence)),
            assigned,
        };
        assert_eq!(topic_doubt(&guess(0.81, true), 0.5), None);
        assert_eq!(topic_doubt(&guess(0.5, true), 0.5), None);
        let unsure = topic_doubt(&guess(0.42, true), 0.5).unwrap();
        assert!(
            unsure.starts_with("topic unsure: best guess Business (0.42)"),
            "{unsure}"
        );
        // Sure enough for the desk, but not for the topic's own threshold: no topic was given.
        let untopical = topic_doubt(&guess(0.81, false), 0.5).unwrap();
        assert!(untopical.contains("Business (0.81)"), "{untopical}");
        let blank = topic_doubt(&TopicGuess::default(), 0.5).unwrap();
        assert!(blank.starts_with("topic unsure: nothing"), "{blank}");
    }

    #[test]
    fn copy_in_doubt_waits_on_the_desk_with_its_reason() {
        let reason = "topic unsure: best guess Business (0.42)";
        let story = version(1, "a", "2026-11-28T10:00:00Z");
        let Decision::New(events) =
            decide_in_doubt(story.clone(), None, &DeskPolicy::default(), Some(reason))
        else {
            panic!()
        };
        assert_eq!(
            events.iter().map(|e| e.kind()).collect::<Vec<_>>(),
            ["ingested", "held"]
        );
        let held = fold(&events, None).unwrap();
        assert!(held.published.is_none());
        assert_eq!(held.status_reason.as_deref(), Some(reason));

        // Without a doubt the same copy goes live: the doubt alone held it.
        let Decision::New(events) = decide_in_doubt(story, None, &DeskPolicy::default(), None)
        else {
            panic!()
        };
        assert_eq!(
            events.iter().map(|e| e.kind()).collect::<Vec<_>>(),
            ["ingested", "published"]
        );

        // It stays held when the agency sends a new version, as a story an editor held does.
        let Decision::Changed(events) = decide_in_doubt(
            version(2, "b", "2026-11-28T11:00:00Z"),
            Some(&held),
            &DeskPolicy::default(),
            None,
        ) else {
            panic!()
        };
        assert_eq!(
            events.iter().map(|e| e.kind()).collect::<Vec<_>>(),
            ["updated"]
        );
    }

    #[test]
    fn a_rule_the_desk_wrote_outranks_the_doubt() {
        let reason = "topic unsure: nothing in the copy matches";
        let mut story = version(1, "a", "2026-11-28T10:00:00Z");
        story.agency = wiredesk_model::Agency::named("PTI");
        let publish_pti = DeskPolicy {
            auto_publish: true,
            rules: vec![rule(Some("PTI"), None, None, false)],
        };
        let Decision::New(events) =
            decide_in_doubt(story.clone(), None, &publish_pti, Some(reason))
        else {
            panic!()
        };
        assert_eq!(
            events.iter().map(|e| e.kind()).collect::<Vec<_>>(),
            ["ingested", "published"]
        );
        // Copy that waits for an editor anyway waits as it always did, without a held event.
        let hold_all = DeskPolicy {
            auto_publish: false,
            rules: vec![],
        };
        let Decision::New(events) = decide_in_doubt(story.clone(), None, &hold_all, Some(reason))
        else {
            panic!()
        };
        assert_eq!(
            events.iter().map(|e| e.kind()).collect::<Vec<_>>(),
            ["ingested"]
        );
        // Unusable copy is never held for its topics.
        story.pubstatus = PubStatus::Withheld;
        let Decision::New(events) =
            decide_in_doubt(story, None, &DeskPolicy::default(), Some(reason))
        else {
            panic!()
        };
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn a_story_held_by_a_rule_stays_held_through_new_versions() {
        let hold_all = DeskPolicy {
            auto_publish: true,
            rules: vec![rule(None, None, None, true)],
        };
        let v1 = version(1, "a", "2026-11-28T10:00:00Z");
        let Decision::New(events) = decide(v1, None, &hold_all) else {
            panic!()
        };
        assert_eq!(events.len(), 1);
        let stored = fold(&events, None).unwrap();
        let Decision::Changed(events) = decide(
            version(2, "b", "2026-11-28T11:00:00Z"),
            Some(&stored),
            &hold_all,
        ) else {
            panic!()
        };
        assert_eq!(
            events.iter().map(|e| e.kind()).collect::<Vec<_>>(),
            ["updated"]
        );
    }

    #[test]
    fn desk_actions_record_events_and_refuse_what_makes_no_sense() {
        let mut story = version(1, "a", "2026-11-28T10:00:00Z");
        story.published = Some("2026-11-28T10:00:00Z".parse().unwrap());
        let kinds = |r: Result<Vec<StoryEvent>, String>| {
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
        ] {
            assert!(
                desk_action(&killed, &action, "ed").is_err(),
                "a kill is final: {action:?}"
            );
        }
    }

    #[test]
    fn the_same_version_again_changes_nothing() {
        let v1 = version(1, "a", "2026-11-28T10:00:00Z");
        let stored = fold(
            &[StoryEvent::Ingested {
                story: Box::new(v1.clone()),
            }],
            None,
        )
        .unwrap();
        assert!(matches!(
            decide(v1, Some(&stored), &DeskPolicy::default()),
            Decision::Unchanged(_)
        ));
    }

    #[test]
    fn versions_arriving_out_of_order_end_in_the_newest_state() {
        let v1 = version(1, "one", "2026-11-28T10:00:00Z");
        let v2 = version(2, "two", "2026-11-28T11:00:00Z");
        let v3 = version(3, "three", "2026-11-28T12:00:00Z");
        for order in [
            [&v1, &v2, &v3],
            [&v3, &v1, &v2],
            [&v2, &v3, &v1],
            [&v3, &v2, &v1],
        ] {
            let mut state: Option<Story> = None;
            for v in order {
                let events = match decide((*v).clone(), state.as_ref(), &DeskPolicy::default()) {
                    Decision::New(e) | Decision::Changed(e) => e,
                    Decision::Unchanged(_) => vec![],
                };
                state = fold(&events, state);
            }
            let s = state.unwrap();
            assert_eq!((s.version, s.body_html.as_str()), (3, "three"));
            assert!(s.published.is_some());
        }
    }

    #[test]
    fn an_rss_item_without_versions_updates_when_its_copy_changes_later() {
        let first = version(1, "a", "2026-11-28T10:00:00Z");
        let stored = fold(
            &[StoryEvent::Ingested {
                story: Box::new(first),
            }],
            None,
        )
        .unwrap();
        let later = version(1, "a, corrected", "2026-11-28T11:00:00Z");
        assert!(matches!(
            decide(later, Some(&stored), &DeskPolicy::default()),
            Decision::Changed(_)
        ));
        let earlier = version(1, "stale", "2026-11-28T09:00:00Z");
        assert!(matches!(
            decide(earlier, Some(&stored), &DeskPolicy::default()),
            Decision::Unchanged(_)
        ));
    }

    #[test]
    fn a_canceled_version_kills_and_nothing_revives_it() {
        let v1 = version(1, "a", "2026-11-28T10:00:00Z");
        let stored = fold(
            &[
                StoryEvent::Ingested {
                    story: Box::new(v1.clone()),
                },
                StoryEvent::Published { id: v1.id.clone() },
            ],
            None,
        )
        .unwrap();
        let mut kill = version(2, "a", "2026-11-28T11:00:00Z");
        kill.pubstatus = PubStatus::Canceled;
        let Decision::Changed(events) = decide(kill, Some(&stored), &DeskPolicy::default()) else {
            panic!()
        };
        let killed = fold(&events, Some(stored)).unwrap();
        assert_eq!(killed.pubstatus, PubStatus::Canceled);
        let v3 = version(3, "revived?", "2026-11-28T12:00:00Z");
        assert!(matches!(
            decide(v3, Some(&killed), &DeskPolicy::default()),
            Decision::Unchanged(_)
        ));
    }

    #[test]
    fn withheld_then_usable_goes_back_on_the_site() {
        let v1 = version(1, "a", "2026-11-28T10:00:00Z");
        let stored = fold(
            &[
                StoryEvent::Ingested {
                    story: Box::new(v1.clone()),
                },
                StoryEvent::Published { id: v1.id.clone() },
            ],
            None,
        )
        .unwrap();
        let mut w = version(2, "a", "2026-11-28T11:00:00Z");
        w.pubstatus = PubStatus::Withheld;
        let Decision::Changed(events) = decide(w, Some(&stored), &DeskPolicy::default()) else {
            panic!()
        };
        let withheld = fold(&events, Some(stored)).unwrap();
        assert_eq!(withheld.pubstatus, PubStatus::Withheld);
        let v3 = version(3, "a, cleared", "2026-11-28T12:00:00Z");
        let Decision::Changed(events) = decide(v3, Some(&withheld), &DeskPolicy::default()) else {
            panic!()
        };
        let back = fold(&events, Some(withheld)).unwrap();
        assert!(back.is_live("2026-11-28T13:00:00Z".parse().unwrap()));
    }
}
