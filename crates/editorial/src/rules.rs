//! The desk's policy: publish by itself or hold, per agency, topic or keyword, and the doubt
//! that holds untagged copy for an editor.
//! Must not: order versions or build events itself; `versions` applies the verdict.

use serde::{Deserialize, Serialize};
use wiredesk_model::{Story, slugify};

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
    pub(crate) fn verdict<'a>(&self, story: &Story, doubt: Option<&'a str>) -> Verdict<'a> {
        match self.rules.iter().find(|r| r.matches(story)) {
            Some(rule) if rule.action == RuleAction::Publish => Verdict::Publish,
            Some(_) => Verdict::Hold,
            None if !self.auto_publish => Verdict::Hold,
            None => doubt.map_or(Verdict::Publish, Verdict::InDoubt),
        }
    }
}

#[derive(Debug, PartialEq)]
pub(crate) enum Verdict<'a> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::versions::tests::{fold, version};
    use crate::versions::{Decision, decide, decide_in_doubt};
    use wiredesk_model::PubStatus;
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
            origin: wiredesk_model::TopicOrigin::Wire,
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
}
