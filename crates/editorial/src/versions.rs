//! What an arriving version of an agency item does to the stored story: newer replaces, older
//! or equal is ignored, the agency's pubstatus becomes kill/withhold events, and copy not for
//! publication (`Story::not_for_publication`) is held with its reason, whatever the rules say,
//! and so is copy that came without a headline (`NO_HEADLINE`) until an editor writes one.
//! Must not: do I/O; it returns the events to append and the caller records them.

use jiff::Timestamp;
use wiredesk_model::{PubStatus, Story, StoryEvent};

use crate::rules::{DeskPolicy, Verdict};

/// Why copy that arrived without a headline waits on the desk: nothing goes out without one,
/// and only an editor may write it.
pub const NO_HEADLINE: &str = "no headline: it waits for an editor to write one";

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

/// When the events an arriving version makes take effect.
#[derive(Clone, Copy, Debug)]
pub struct EventTimes {
    published: Timestamp,
    updated: Timestamp,
    received: Timestamp,
}

impl EventTimes {
    /// An item that arrives late (a feed's backlog, an archive) is published at its own
    /// first-created time and updated at its version time, so old copy is listed as old;
    /// never later than it arrived, so never in the future.
    pub fn of(story: &Story, received: Timestamp) -> EventTimes {
        EventTimes {
            published: received.min(story.first_created),
            updated: received.min(story.version_created),
            received,
        }
    }

    pub fn at(&self, event: &StoryEvent) -> Timestamp {
        match event {
            StoryEvent::Published { .. } => self.published,
            StoryEvent::Updated { .. } => self.updated,
            _ => self.received,
        }
    }
}

/// Is `incoming` a later state of the item than `stored`? Versions decide; where an agency
/// sends no version numbers (RSS), a later version time with different copy does.
pub(crate) fn is_newer(incoming: &Story, stored: &Story) -> bool {
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
pub(crate) fn stored_with(events: &[StoryEvent]) -> Story {
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
    // Not for publication (an advisory, a note to editors, a test): whatever the rules and
    // `auto_publish` say, it waits on the desk with the reason; only an editor publishes it.
    let advisory = incoming
        .not_for_publication
        .as_deref()
        .map(not_for_publication_reason);
    let Some(stored) = stored else {
        let verdict = (incoming.pubstatus == PubStatus::Usable).then(|| match &advisory {
            Some(reason) => Verdict::InDoubt(reason.as_str()),
            None if incoming.headline.trim().is_empty() => Verdict::InDoubt(NO_HEADLINE),
            None => policy.verdict(&incoming, doubt),
        });
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
    // The headline readers would see once this version is folded in: the desk's stays.
    let headline = if stored.headline_rewritten() {
        &stored.headline
    } else {
        &incoming.headline
    };
    let must_hold =
        advisory.or_else(|| headline.trim().is_empty().then(|| NO_HEADLINE.to_string()));
    if status == PubStatus::Usable
        && let Some(reason) = must_hold
    {
        events.push(StoryEvent::Updated {
            story: Box::new(incoming),
        });
        // Taken down if it was live; held (again) with the reason if it was not.
        if stored.published.is_some() || stored.status_reason.as_deref() != Some(&reason) {
            events.push(StoryEvent::Held { id, reason });
        }
        return Decision::Changed(events);
    }
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

/// The reason a story held as not for publication shows on the desk.
pub fn not_for_publication_reason(why: &str) -> String {
    format!("not for publication: {why}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use wiredesk_model::body_hash;
    pub(crate) fn version(n: u32, body: &str, at: &str) -> Story {
        let mut s = wiredesk_model::testing::story("urn:x", "H", "", at.parse().unwrap());
        s.version = n;
        s.body_html = body.into();
        s.body_hash = body_hash(body);
        s
    }

    #[test]
    fn late_copy_takes_effect_at_its_wire_times_never_in_the_future() {
        let mut late = version(2, "b", "2026-11-28T08:00:00Z");
        late.first_created = "2026-11-28T06:00:00Z".parse().unwrap();
        let id = late.id.clone();
        let arrived: Timestamp = "2026-11-28T10:00:00Z".parse().unwrap();
        let times = EventTimes::of(&late, arrived);
        let published = StoryEvent::Published { id: id.clone() };
        assert_eq!(times.at(&published), late.first_created);
        let held = StoryEvent::Held {
            id: id.clone(),
            reason: "r".into(),
        };
        assert_eq!(times.at(&held), arrived);
        // Wire times later than the arrival (a clock ahead) are the arrival.
        let early: Timestamp = "2026-11-28T05:00:00Z".parse().unwrap();
        assert_eq!(EventTimes::of(&late, early).at(&published), early);
    }

    pub(crate) fn fold(events: &[StoryEvent], mut state: Option<Story>) -> Option<Story> {
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

    #[test]
    fn copy_without_a_headline_waits_for_one_whatever_the_rules_say() {
        let mut untitled = version(1, "<p>Copy.</p>", "2026-11-28T10:00:00Z");
        untitled.headline = String::new();
        untitled.agency_headline = String::new();
        let publish_all = DeskPolicy {
            auto_publish: true,
            ..DeskPolicy::default()
        };
        let Decision::New(events) = decide(untitled.clone(), None, &publish_all) else {
            panic!()
        };
        let held = fold(&events, None).unwrap();
        assert!(held.published.is_none());
        assert_eq!(held.status_reason.as_deref(), Some(NO_HEADLINE));
        // The editor's headline and a publish release it; a later version without a headline
        // of its own keeps the editor's and stays live.
        let mut events = crate::desk_action(
            &held,
            &crate::DeskAction::RewriteHeadline("Ferry runs late".into()),
            "ed",
        )
        .unwrap();
        let titled = fold(&events, Some(held)).unwrap();
        events = crate::desk_action(&titled, &crate::DeskAction::Publish, "ed").unwrap();
        let live = fold(&events, Some(titled)).unwrap();
        assert!(live.published.is_some());
        let mut v2 = untitled.clone();
        v2.version = 2;
        let Decision::Changed(events) = decide(v2, Some(&live), &publish_all) else {
            panic!()
        };
        let after = fold(&events, Some(live)).unwrap();
        assert_eq!(after.headline, "Ferry runs late");
        assert!(after.published.is_some());
        // A live story whose next version drops its headline comes down until it has one.
        let news = version(1, "<p>News.</p>", "2026-11-28T10:00:00Z");
        let Decision::New(events) = decide(news, None, &publish_all) else {
            panic!()
        };
        let live = fold(&events, None).unwrap();
        let mut v2 = untitled;
        v2.version = 2;
        let Decision::Changed(events) = decide(v2, Some(&live), &publish_all) else {
            panic!()
        };
        assert_eq!(
            events.iter().map(|e| e.kind()).collect::<Vec<_>>(),
            ["updated", "held"]
        );
        assert!(fold(&events, Some(live)).unwrap().published.is_none());
    }

    #[test]
    fn copy_not_for_publication_is_held_whatever_the_rules_say() {
        let mut advisory = version(1, "<p>Coverage plans.</p>", "2026-11-28T10:00:00Z");
        advisory.not_for_publication = Some("genre \"Achtung\": a note to editors".into());
        let publish_all = DeskPolicy {
            auto_publish: true,
            rules: vec![crate::PublishRule {
                agency: None,
                topic: None,
                keyword: None,
                action: crate::RuleAction::Publish,
            }],
        };
        for policy in [DeskPolicy::default(), publish_all.clone()] {
            let Decision::New(events) = decide(advisory.clone(), None, &policy) else {
                panic!()
            };
            assert_eq!(
                events.iter().map(|e| e.kind()).collect::<Vec<_>>(),
                ["ingested", "held"]
            );
            let held = fold(&events, None).unwrap();
            assert!(held.published.is_none());
            assert_eq!(
                held.status_reason.as_deref(),
                Some("not for publication: genre \"Achtung\": a note to editors")
            );
        }
        // A published story whose new version is an advisory comes off the site.
        let news = version(1, "<p>News.</p>", "2026-11-28T10:00:00Z");
        let Decision::New(events) = decide(news, None, &publish_all) else {
            panic!()
        };
        let live = fold(&events, None).unwrap();
        assert!(live.published.is_some());
        let mut v2 = advisory.clone();
        v2.version = 2;
        let Decision::Changed(events) = decide(v2, Some(&live), &publish_all) else {
            panic!()
        };
        assert_eq!(
            events.iter().map(|e| e.kind()).collect::<Vec<_>>(),
            ["updated", "held"]
        );
        assert!(fold(&events, Some(live)).unwrap().published.is_none());
        // Nor does the agency releasing a withheld advisory publish it.
        let mut withheld = advisory.clone();
        withheld.pubstatus = PubStatus::Withheld;
        let Decision::New(events) = decide(withheld, None, &publish_all) else {
            panic!()
        };
        let stored = fold(&events, None).unwrap();
        let mut v2 = advisory;
        v2.version = 2;
        let Decision::Changed(events) = decide(v2, Some(&stored), &publish_all) else {
            panic!()
        };
        assert!(
            !events.iter().any(|e| e.kind() == "published"),
            "{events:?}"
        );
    }
}
