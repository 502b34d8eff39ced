//! The behaviour every `Store` must show, written once against the trait so that the SQLite
//! and PostgreSQL stores run the very same checks. Each function panics on a violation.

use jiff::{Timestamp, ToSpan};
use wiredesk_model::{Agency, PubStatus, Story, StoryEvent, StoryId, Topic};

use crate::{DeskStatus, Listing, QueueFilter, Store, StoryHeader};

/// Every check of the suite as a `#[tokio::test]` of the calling module, each running
/// `$run!(check)`, a macro of the backend's that opens a fresh store and calls
/// `conformance::check(&store)`. The list is here once, so no backend can miss a check.
#[cfg(test)]
macro_rules! every_check {
    ($run:ident) => {
        $crate::conformance::every_check!(@each $run,
            a_published_story_is_listed_newest_first,
            a_kill_takes_the_story_out_of_every_listing,
            an_embargoed_story_is_hidden_until_its_time,
            topic_and_agency_listings_filter,
            keyset_cursor_never_repeats_or_skips,
            offset_pages_never_repeat_or_skip,
            the_log_rebuilds_the_same_projection,
            hot_stories_count_only_the_window,
            history_keeps_every_version,
            since_and_until_bound_the_live_time,
            taken_down_lists_stories_killed_or_withheld_after_going_live,
            a_story_killed_after_being_withheld_counts_from_its_first_takedown,
            one_append_folds_as_its_events_one_by_one,
            headers_match_the_live_listing,
            sections_are_as_new_as_their_newest_live_story,
            agencies_are_offered_while_they_have_a_live_story,
            embargoes_pending_until_lifted,
            pins_list_live_stories_newest_pin_first,
            the_queue_lists_every_status_and_filters,
            queue_counts_agree_with_the_queue_under_every_filter,
            hot_stories_cool_by_the_day,
            follower_positions_are_kept_per_follower,
            days_and_topics_count_live_stories_and_know_when_each_day_changed,
        );
    };
    (@each $run:ident, $($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            $run!($name);
        }
    )*};
}
#[cfg(test)]
pub(crate) use every_check;

fn t(s: &str) -> Timestamp {
    s.parse().expect("test timestamp")
}

/// A minimal usable story, published at `published`.
pub fn sample_story(uri: &str, agency: &str, topic: &str, published: Timestamp) -> Story {
    let mut story = wiredesk_model::testing::story(
        uri,
        &format!("Headline {uri}"),
        &format!("Copy of {uri}."),
        published,
    );
    story.agency = Agency::named(agency);
    story.topics = vec![Topic {
        slug: topic.to_string(),
        name: topic.to_string(),
        origin: wiredesk_model::TopicOrigin::Wire,
    }];
    story
}

/// File `story` and publish it at `at`, as ingest does for usable copy.
pub async fn publish(store: &dyn Store, story: Story, at: Timestamp) {
    let id = story.id.clone();
    store
        .append(vec![
            (
                StoryEvent::Ingested {
                    story: Box::new(story),
                },
                at,
            ),
            (StoryEvent::Published { id }, at),
        ])
        .await
        .expect("append");
}

/// Every event taking effect at the same moment.
pub fn at_time(events: Vec<StoryEvent>, at: Timestamp) -> Vec<(StoryEvent, Timestamp)> {
    events.into_iter().map(|e| (e, at)).collect()
}

fn ids(stories: &[Story]) -> Vec<String> {
    stories.iter().map(|s| s.uri.clone()).collect()
}

fn all(limit: usize) -> Listing {
    Listing {
        limit,
        ..Listing::default()
    }
}

pub async fn a_published_story_is_listed_newest_first(store: &dyn Store) {
    let base = t("2026-11-28T06:00:00Z");
    for (i, uri) in ["a", "b", "c"].iter().enumerate() {
        let at = base + (i as i64).hours();
        publish(store, sample_story(uri, "IANS", "world", at), at).await;
    }
    let now = base + 5.hours();
    let live = store.live(&all(10), now).await.unwrap();
    assert_eq!(ids(&live), ["c", "b", "a"]);
    let one = store.story(&StoryId::for_uri("b")).await.unwrap().unwrap();
    assert_eq!(one.published, Some(base + 1.hours()));
    assert!(
        store
            .story(&StoryId::for_uri("zzz"))
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn a_kill_takes_the_story_out_of_every_listing(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    publish(store, sample_story("k", "AFP", "world", at), at).await;
    publish(store, sample_story("keep", "AFP", "world", at), at).await;
    let id = StoryId::for_uri("k");
    store
        .append(at_time(
            vec![StoryEvent::Killed {
                id: id.clone(),
                reason: "legal".into(),
            }],
            at + 1.minutes(),
        ))
        .await
        .unwrap();
    let now = at + 2.minutes();
    assert_eq!(ids(&store.live(&all(10), now).await.unwrap()), ["keep"]);
    let by_topic = Listing {
        topic: Some("world".into()),
        ..all(10)
    };
    assert_eq!(ids(&store.live(&by_topic, now).await.unwrap()), ["keep"]);
    let by_agency = Listing {
        agency: Some("afp".into()),
        ..all(10)
    };
    assert_eq!(ids(&store.live(&by_agency, now).await.unwrap()), ["keep"]);
    let topics = store.topics(now).await.unwrap();
    assert_eq!(topics[0].stories, 1, "the killed story no longer counts");
    let keep = StoryId::for_uri("keep");
    let asked = [id.clone(), keep.clone(), StoryId::for_uri("never-filed")];
    assert_eq!(
        store.live_among(&asked, now).await.unwrap(),
        std::collections::HashSet::from([keep.clone()])
    );
    // Read in one go, in the order asked, with what does not exist left out.
    let both = store.stories(&asked).await.unwrap();
    assert_eq!(
        both.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        [id.clone(), keep.clone()]
    );
    let killed = store.story(&id).await.unwrap().unwrap();
    assert_eq!(killed.pubstatus, PubStatus::Canceled);
}

pub async fn an_embargoed_story_is_hidden_until_its_time(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    let mut s = sample_story("e", "Reuters", "business", at);
    s.embargoed = Some(at + 2.hours());
    publish(store, s, at).await;
    assert!(
        store
            .live(&all(10), at + 1.hours())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ids(&store.live(&all(10), at + 2.hours()).await.unwrap()),
        ["e"]
    );
    let e = [StoryId::for_uri("e")];
    assert!(
        store
            .live_among(&e, at + 1.hours())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.live_among(&e, at + 2.hours()).await.unwrap().len(), 1);
}

pub async fn topic_and_agency_listings_filter(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    publish(store, sample_story("s1", "PTI", "sports", at), at).await;
    publish(store, sample_story("b1", "PTI", "business", at), at).await;
    publish(
        store,
        sample_story("s2", "AP", "sports", at + 1.minutes()),
        at,
    )
    .await;
    let now = at + 1.hours();
    let sports = Listing {
        topic: Some("sports".into()),
        ..all(10)
    };
    let mut got = ids(&store.live(&sports, now).await.unwrap());
    got.sort();
    assert_eq!(got, ["s1", "s2"]);
    let pti = Listing {
        agency: Some("pti".into()),
        ..all(10)
    };
    let mut got = ids(&store.live(&pti, now).await.unwrap());
    got.sort();
    assert_eq!(got, ["b1", "s1"]);
    let pti_sports = Listing {
        agency: Some("pti".into()),
        topic: Some("sports".into()),
        ..all(10)
    };
    assert_eq!(ids(&store.live(&pti_sports, now).await.unwrap()), ["s1"]);
}

pub async fn keyset_cursor_never_repeats_or_skips(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    // Several stories share a publication time: the id breaks the tie.
    for i in 0..25 {
        let when = at + ((i / 3) as i64).minutes();
        publish(
            store,
            sample_story(&format!("p{i:02}"), "AP", "world", when),
            when,
        )
        .await;
    }
    let now = at + 1.hours();
    let mut seen = Vec::new();
    let mut listing = all(4);
    loop {
        let page = store.live(&listing, now).await.unwrap();
        if page.is_empty() {
            break;
        }
        let last = page.last().unwrap();
        listing.before = Some((last.published.unwrap(), last.id.clone()));
        seen.extend(ids(&page));
        // A story arriving mid-pagination is newer than the cursor, so it never shifts pages.
        if seen.len() == 8 {
            publish(store, sample_story("late", "AP", "world", now), now).await;
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no story repeated");
    assert_eq!(seen.len(), 25, "no story skipped");
}

/// Numbered pages (`Listing::offset`): the same order as one long listing, a page at a time,
/// in the live listing, a topic's and the headers alike; past the end, nothing.
pub async fn offset_pages_never_repeat_or_skip(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    for i in 0..11 {
        let when = at + ((i / 3) as i64).minutes();
        let topic = if i % 2 == 0 { "world" } else { "india" };
        publish(
            store,
            sample_story(&format!("o{i:02}"), "AP", topic, when),
            when,
        )
        .await;
    }
    let now = at + 1.hours();
    for topic in [None, Some("world".to_string())] {
        let whole = Listing {
            topic: topic.clone(),
            ..all(100)
        };
        let listed = store.live(&whole, now).await.unwrap();
        let everything = ids(&listed);
        let everything_ids: Vec<String> = listed.iter().map(|s| s.id.0.clone()).collect();
        let mut paged = Vec::new();
        let mut headers = Vec::new();
        for page in 0..4 {
            let listing = Listing {
                offset: page * 4,
                ..Listing {
                    topic: topic.clone(),
                    ..all(4)
                }
            };
            paged.extend(ids(&store.live(&listing, now).await.unwrap()));
            headers.extend(
                store
                    .live_headers(&listing, now)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|h| h.id.0),
            );
        }
        assert_eq!(paged, everything, "pages of {topic:?}");
        assert_eq!(headers, everything_ids, "headers' pages of {topic:?}");
        let past = Listing {
            offset: 100,
            ..whole
        };
        assert!(store.live(&past, now).await.unwrap().is_empty());
    }
}

pub async fn the_log_rebuilds_the_same_projection(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    publish(store, sample_story("r1", "IANS", "india", at), at).await;
    publish(store, sample_story("r2", "IANS", "india", at), at).await;
    let mut v2 = sample_story("r1", "IANS", "india", at);
    v2.version = 2;
    v2.body_html = "<p>Corrected copy.</p>".into();
    store
        .append(at_time(
            vec![
                StoryEvent::Updated {
                    story: Box::new(v2),
                },
                StoryEvent::HeadlineEdited {
                    id: StoryId::for_uri("r1"),
                    headline: "Desk headline".into(),
                    by: "editor".into(),
                },
                StoryEvent::Killed {
                    id: StoryId::for_uri("r2"),
                    reason: "agency kill".into(),
                },
            ],
            at + 1.hours(),
        ))
        .await
        .unwrap();
    let before = store.all_stories().await.unwrap();
    let now = at + 2.hours();
    let (days, topics) = (
        store.live_days(now).await.unwrap(),
        store.topics(now).await.unwrap(),
    );
    let folded = store.rebuild_projections().await.unwrap();
    assert_eq!(folded, 7);
    let after = store.all_stories().await.unwrap();
    assert_eq!(before, after);
    assert_eq!(
        store.live_days(now).await.unwrap(),
        days,
        "the summaries too"
    );
    assert_eq!(store.topics(now).await.unwrap(), topics);
    let r1 = store.story(&StoryId::for_uri("r1")).await.unwrap().unwrap();
    assert_eq!(r1.headline, "Desk headline");
    assert_eq!(r1.agency_headline, "Headline r1");
    assert_eq!(r1.version, 2);
    assert_eq!(r1.updated, Some(at + 1.hours()));
}

pub async fn hot_stories_count_only_the_window(store: &dyn Store) {
    let now = t("2026-11-28T06:00:00Z");
    let a = StoryId::for_uri("a");
    let b = StoryId::for_uri("b");
    for _ in 0..3 {
        store
            .record_views(&[(a.clone(), now - 1.hours(), 1)])
            .await
            .unwrap();
    }
    store
        .record_views(&[(b.clone(), now - 200.hours(), 5)])
        .await
        .unwrap();
    store
        .record_views(&[(b.clone(), now - 2.hours(), 1)])
        .await
        .unwrap();
    // Views of today weigh 1 each; b's views of eight days ago are outside the week.
    let hot = store.hottest(now, now - 168.hours(), 10).await.unwrap();
    assert_eq!(hot, vec![(a, 3.0), (b, 1.0)]);
}

pub async fn history_keeps_every_version(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    publish(store, sample_story("h", "AP", "world", at), at).await;
    let mut v2 = sample_story("h", "AP", "world", at);
    v2.version = 2;
    store
        .append(at_time(
            vec![StoryEvent::Updated {
                story: Box::new(v2),
            }],
            at + 1.hours(),
        ))
        .await
        .unwrap();
    let history = store.history(&StoryId::for_uri("h")).await.unwrap();
    let kinds: Vec<_> = history.iter().map(|e| e.event.kind()).collect();
    assert_eq!(kinds, ["ingested", "published", "updated"]);
    assert!(history.windows(2).all(|w| w[0].seq < w[1].seq));
    let log = store.events_after(history[0].seq, 10).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(store.latest_seq().await.unwrap(), history[2].seq);
    // Reading from `seq_before(t)` sees exactly the events recorded at or after t.
    let from = store.seq_before(at + 30.minutes()).await.unwrap();
    let recent = store.events_after(from, 10).await.unwrap();
    let recent_kinds: Vec<_> = recent.iter().map(|e| e.event.kind()).collect();
    assert_eq!(recent_kinds, ["updated"]);
    assert_eq!(
        store.seq_before(at + 2.hours()).await.unwrap(),
        history[2].seq,
        "nothing that late: start at the end of the log"
    );
    assert_eq!(
        store.seq_before(at - 1.hours()).await.unwrap(),
        history[0].seq - 1
    );
}

fn sorted(mut uris: Vec<String>) -> Vec<String> {
    uris.sort();
    uris
}

/// Follow the keyset cursor through `listing` to the end, `per_page` at a time, with `fetch`
/// answering one page.
async fn every_page<F, Fut>(listing: &Listing, per_page: usize, mut fetch: F) -> Vec<String>
where
    F: FnMut(Listing) -> Fut,
    Fut: std::future::Future<Output = Vec<Story>>,
{
    let mut seen = Vec::new();
    let mut page_listing = Listing {
        limit: per_page,
        ..listing.clone()
    };
    for _ in 0..100 {
        let page = fetch(page_listing.clone()).await;
        let Some(last) = page.last() else {
            return seen;
        };
        let went_live = last
            .published
            .unwrap()
            .max(last.embargoed.unwrap_or(Timestamp::MIN));
        page_listing.before = Some((went_live, last.id.clone()));
        seen.extend(ids(&page));
    }
    panic!("the cursor never reached the end of the listing");
}

pub async fn since_and_until_bound_the_live_time(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    // w0 … w5 go live an hour apart; w1 waits for an embargo that lifts at +4h30m.
    for i in 0..6i64 {
        let when = at + i.hours();
        let agency = if i % 2 == 0 { "PTI" } else { "AP" };
        let topic = if i < 3 { "india" } else { "world" };
        let mut s = sample_story(&format!("w{i}"), agency, topic, when);
        if i == 1 {
            s.embargoed = Some(at + 4.hours() + 30.minutes());
        }
        publish(store, s, when).await;
    }
    let now = at + 10.hours();
    let window = |since: Option<Timestamp>, until: Option<Timestamp>| Listing {
        since,
        until,
        ..all(10)
    };
    // Newest first by the time each went live: w1 at its embargo, between w4 and w5.
    assert_eq!(
        ids(&store.live(&all(10), now).await.unwrap()),
        ["w5", "w1", "w4", "w3", "w2", "w0"]
    );
    // `since` is inclusive, `until` exclusive.
    let since_2h = window(Some(at + 2.hours()), None);
    assert_eq!(
        ids(&store.live(&since_2h, now).await.unwrap()),
        ["w5", "w1", "w4", "w3", "w2"]
    );
    let until_2h = window(None, Some(at + 2.hours()));
    assert_eq!(ids(&store.live(&until_2h, now).await.unwrap()), ["w0"]);
    let between = window(Some(at + 2.hours()), Some(at + 4.hours() + 30.minutes()));
    assert_eq!(
        ids(&store.live(&between, now).await.unwrap()),
        ["w4", "w3", "w2"],
        "the embargoed story counts from the moment its embargo lifted"
    );
    let with_w1 = window(Some(at + 4.hours() + 30.minutes()), None);
    assert_eq!(ids(&store.live(&with_w1, now).await.unwrap()), ["w5", "w1"]);
    // A window in the future of `now` holds nothing yet; `now` still bounds `until`.
    let future = window(Some(now + 1.hours()), None);
    assert!(store.live(&future, now).await.unwrap().is_empty());
    let later_until = window(None, Some(now + 100.hours()));
    assert_eq!(store.live(&later_until, now).await.unwrap().len(), 6);
    // Combined with topic and agency filters.
    let india_pti = Listing {
        topic: Some("india".into()),
        agency: Some("pti".into()),
        ..window(Some(at + 1.hours()), None)
    };
    assert_eq!(ids(&store.live(&india_pti, now).await.unwrap()), ["w2"]);
    let world = Listing {
        topic: Some("world".into()),
        ..window(None, Some(at + 5.hours()))
    };
    assert_eq!(ids(&store.live(&world, now).await.unwrap()), ["w4", "w3"]);
    // And with the cursor: pages of one never leave the window.
    let paged = every_page(&between, 1, |l| async move {
        store.live(&l, now).await.unwrap()
    })
    .await;
    assert_eq!(paged, ["w4", "w3", "w2"]);
    let paged_topic = every_page(
        &world,
        1,
        |l| async move { store.live(&l, now).await.unwrap() },
    )
    .await;
    assert_eq!(paged_topic, ["w4", "w3"]);
}

pub async fn taken_down_lists_stories_killed_or_withheld_after_going_live(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    for (i, uri) in ["k1", "k2", "w1", "keep", "emb", "held"].iter().enumerate() {
        let when = at + (i as i64).minutes();
        let topic = if *uri == "k2" { "sports" } else { "world" };
        let mut s = sample_story(uri, if *uri == "k2" { "AP" } else { "AFP" }, topic, when);
        if *uri == "emb" {
            s.embargoed = Some(at + 5.hours());
        }
        publish(store, s, when).await;
    }
    let kill = |uri: &str| StoryEvent::Killed {
        id: StoryId::for_uri(uri),
        reason: "agency kill".into(),
    };
    store
        .append(at_time(
            vec![
                kill("k1"),
                kill("k2"),
                StoryEvent::Withheld {
                    id: StoryId::for_uri("w1"),
                    reason: "agency withheld".into(),
                },
                // Killed while still under embargo: nobody outside ever saw it.
                kill("emb"),
                StoryEvent::Held {
                    id: StoryId::for_uri("held"),
                    reason: "legal check".into(),
                },
            ],
            at + 1.hours(),
        ))
        .await
        .unwrap();
    // Killed while held, never published: not a takedown either.
    store
        .append(at_time(vec![kill("held")], at + 2.hours()))
        .await
        .unwrap();
    let now = at + 6.hours();
    assert_eq!(ids(&store.live(&all(10), now).await.unwrap()), ["keep"]);
    let canceled = store
        .taken_down(PubStatus::Canceled, &all(10), now)
        .await
        .unwrap();
    assert_eq!(ids(&canceled), ["k2", "k1"], "newest live time first");
    assert!(canceled.iter().all(|s| s.pubstatus == PubStatus::Canceled));
    let withheld = store
        .taken_down(PubStatus::Withheld, &all(10), now)
        .await
        .unwrap();
    assert_eq!(ids(&withheld), ["w1"]);
    assert!(
        store
            .taken_down(PubStatus::Usable, &all(10), now)
            .await
            .unwrap()
            .is_empty()
    );
    // Filters and the cursor work as they do on live listings.
    let sports = Listing {
        topic: Some("sports".into()),
        ..all(10)
    };
    assert_eq!(
        ids(&store
            .taken_down(PubStatus::Canceled, &sports, now)
            .await
            .unwrap()),
        ["k2"]
    );
    let afp = Listing {
        agency: Some("afp".into()),
        ..all(10)
    };
    assert_eq!(
        ids(&store
            .taken_down(PubStatus::Canceled, &afp, now)
            .await
            .unwrap()),
        ["k1"]
    );
    let since = Listing {
        since: Some(at + 1.minutes()),
        ..all(10)
    };
    assert_eq!(
        ids(&store
            .taken_down(PubStatus::Canceled, &since, now)
            .await
            .unwrap()),
        ["k2"]
    );
    let until = Listing {
        until: Some(at + 1.minutes()),
        ..all(10)
    };
    assert_eq!(
        ids(&store
            .taken_down(PubStatus::Canceled, &until, now)
            .await
            .unwrap()),
        ["k1"]
    );
    let paged = every_page(&all(10), 1, |l| async move {
        store
            .taken_down(PubStatus::Canceled, &l, now)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(paged, ["k2", "k1"]);
    // A withheld story made usable again is live, not taken down; withheld again, it is back.
    store
        .append(at_time(
            vec![StoryEvent::Published {
                id: StoryId::for_uri("w1"),
            }],
            at + 3.hours(),
        ))
        .await
        .unwrap();
    assert!(
        store
            .taken_down(PubStatus::Withheld, &all(10), now)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        sorted(ids(&store.live(&all(10), now).await.unwrap())),
        ["keep", "w1"]
    );
    // The log folds back into the same answers.
    store.rebuild_projections().await.unwrap();
    assert_eq!(
        ids(&store
            .taken_down(PubStatus::Canceled, &all(10), now)
            .await
            .unwrap()),
        ["k2", "k1"]
    );
    assert_eq!(
        sorted(ids(&store.live(&all(10), now).await.unwrap())),
        ["keep", "w1"]
    );
}

pub async fn a_story_killed_after_being_withheld_counts_from_its_first_takedown(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    publish(store, sample_story("ww", "AFP", "world", at), at).await;
    let id = StoryId::for_uri("ww");
    store
        .append(at_time(
            vec![StoryEvent::Withheld {
                id: id.clone(),
                reason: "agency withheld".into(),
            }],
            at + 1.hours(),
        ))
        .await
        .unwrap();
    store
        .append(at_time(
            vec![StoryEvent::Killed {
                id,
                reason: "agency kill".into(),
            }],
            at + 2.hours(),
        ))
        .await
        .unwrap();
    let now = at + 3.hours();
    assert_eq!(
        ids(&store
            .taken_down(PubStatus::Canceled, &all(10), now)
            .await
            .unwrap()),
        ["ww"]
    );
    assert!(
        store
            .taken_down(PubStatus::Withheld, &all(10), now)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A batch naming one story several times lands as the same events appended one at a time
/// would: the log in order with the seqs `append` gave, the same state, the same takedown.
pub async fn one_append_folds_as_its_events_one_by_one(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    let events = |uri: &str| {
        let story = sample_story(uri, "AFP", "world", at);
        let id = story.id.clone();
        let mut update = story.clone();
        update.version += 1;
        update.headline = format!("{} (updated)", update.headline);
        vec![
            (
                StoryEvent::Ingested {
                    story: Box::new(story),
                },
                at,
            ),
            (StoryEvent::Published { id: id.clone() }, at),
            (
                StoryEvent::Updated {
                    story: Box::new(update),
                },
                at + 1.hours(),
            ),
            (
                StoryEvent::Withheld {
                    id: id.clone(),
                    reason: "agency withheld".into(),
                },
                at + 2.hours(),
            ),
            (
                StoryEvent::Killed {
                    id,
                    reason: "agency kill".into(),
                },
                at + 3.hours(),
            ),
        ]
    };
    let recorded = store.append(events("batch")).await.unwrap();
    for event in events("single") {
        store.append(vec![event]).await.unwrap();
    }
    let batch = StoryId::for_uri("batch");
    assert_eq!(
        store.history(&batch).await.unwrap(),
        recorded,
        "the log holds the batch in order, under the seqs append reported"
    );
    let single = store
        .story(&StoryId::for_uri("single"))
        .await
        .unwrap()
        .unwrap();
    let mut folded = store.story(&batch).await.unwrap().unwrap();
    assert!(
        folded.headline.ends_with("(updated)"),
        "{}",
        folded.headline
    );
    folded.id = single.id.clone();
    // The copy names its own uri, so its hash is its own.
    folded.body_hash = single.body_hash.clone();
    let folded = serde_json::to_string(&folded).unwrap();
    assert_eq!(
        folded.replace("batch", "single"),
        serde_json::to_string(&single).unwrap()
    );
    let now = at + 4.hours();
    assert_eq!(
        sorted(ids(&store
            .taken_down(PubStatus::Canceled, &all(10), now)
            .await
            .unwrap())),
        ["batch", "single"],
        "both counted from their first takedown, the withholding"
    );
}

/// Headers list exactly what `live` lists, in the same order and pages, for every listing,
/// and carry the same fields as the stories; a rewritten headline and an update show.
pub async fn headers_match_the_live_listing(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    for i in 0..7 {
        let when = at + ((i / 2) as i64).minutes();
        let agency = if i % 2 == 0 { "PTI" } else { "AP" };
        let topic = if i % 3 == 0 { "sports" } else { "world" };
        let mut story = sample_story(&format!("h{i}"), agency, topic, when);
        story.language = (i % 2 == 0).then(|| "en".to_string());
        publish(store, story, when).await;
    }
    let mut v2 = sample_story("h3", "AP", "sports", at);
    v2.version = 2;
    v2.headline = "Second take".into();
    v2.agency_headline = v2.headline.clone();
    store
        .append(at_time(
            vec![StoryEvent::Updated {
                story: Box::new(v2),
            }],
            at + 5.minutes(),
        ))
        .await
        .unwrap();
    // Not live yet: held back by its embargo.
    let mut embargoed = sample_story("h-embargo", "AP", "world", at);
    embargoed.embargoed = Some(at + 3.hours());
    publish(store, embargoed, at).await;

    let now = at + 1.hours();
    for listing in [
        all(3),
        Listing {
            topic: Some("sports".into()),
            ..all(2)
        },
        Listing {
            agency: Some("pti".into()),
            ..all(2)
        },
    ] {
        let mut page = listing.clone();
        loop {
            let stories = store.live(&page, now).await.unwrap();
            let headers = store.live_headers(&page, now).await.unwrap();
            let expected: Vec<StoryHeader> = stories
                .iter()
                .map(|s| StoryHeader::of(s).unwrap())
                .collect();
            assert_eq!(headers, expected, "listing {page:?}");
            let Some(last) = headers.last() else { break };
            page.before = Some((last.went_live, last.id.clone()));
        }
    }
    let updated = store
        .live_headers(&all(10), now)
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.id == StoryId::for_uri("h3"))
        .expect("h3 is live");
    assert_eq!(updated.headline, "Second take");
    assert_eq!(updated.modified, at + 5.minutes());
    assert!(updated.first_published < updated.modified);
}

/// Each topic and agency is as new as its newest live story; killed and embargoed stories
/// do not count.
pub async fn sections_are_as_new_as_their_newest_live_story(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    publish(store, sample_story("a", "PTI", "sports", at), at).await;
    let later = at + 10.minutes();
    publish(store, sample_story("b", "AP", "sports", later), later).await;
    let killed_at = at + 20.minutes();
    publish(
        store,
        sample_story("c", "AP", "world", killed_at),
        killed_at,
    )
    .await;
    store
        .append(at_time(
            vec![StoryEvent::Killed {
                id: StoryId::for_uri("c"),
                reason: "legal".into(),
            }],
            killed_at,
        ))
        .await
        .unwrap();
    let mut embargoed = sample_story("d", "PTI", "business", at);
    embargoed.embargoed = Some(at + 3.hours());
    publish(store, embargoed, at).await;

    let got = store.sections_modified(at + 1.hours()).await.unwrap();
    assert_eq!(got.topics, [("sports".to_string(), later)]);
    assert_eq!(
        got.agencies,
        [("ap".to_string(), later), ("pti".to_string(), at)]
    );
    let after_embargo = store.sections_modified(at + 4.hours()).await.unwrap();
    let topics: Vec<&str> = after_embargo
        .topics
        .iter()
        .map(|(t, _)| t.as_str())
        .collect();
    assert_eq!(topics, ["business", "sports"]);
}

/// The desk's agency filter: an agency is offered while it has a live story, not for copy
/// that is killed or still under embargo.
pub async fn agencies_are_offered_while_they_have_a_live_story(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    publish(store, sample_story("a", "PTI", "sports", at), at).await;
    publish(store, sample_story("b", "AP", "world", at), at).await;
    publish(store, sample_story("c", "IANS", "world", at), at).await;
    store
        .append(at_time(
            vec![StoryEvent::Killed {
                id: StoryId::for_uri("c"),
                reason: "legal".into(),
            }],
            at,
        ))
        .await
        .unwrap();
    let mut embargoed = sample_story("d", "AFP", "business", at);
    embargoed.embargoed = Some(at + 3.hours());
    publish(store, embargoed, at).await;

    let before_lift = store.live_agencies(at + 1.hours()).await.unwrap();
    assert_eq!(before_lift, ["ap", "pti"]);
    let after_lift = store.live_agencies(at + 4.hours()).await.unwrap();
    assert_eq!(after_lift, ["afp", "ap", "pti"]);
}

/// The embargo clock's to-do list: published under a future embargo, until the lift event.
pub async fn embargoes_pending_until_lifted(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    let ends = at + 2.hours();
    let mut story = sample_story("emb", "AP", "world", at);
    story.embargoed = Some(ends);
    publish(store, story, at).await;
    publish(store, sample_story("plain", "AP", "world", at), at).await;
    let id = StoryId::for_uri("emb");
    assert_eq!(
        store.embargoes_pending().await.unwrap(),
        [(id.clone(), ends)]
    );
    store
        .append(at_time(
            vec![StoryEvent::EmbargoLifted { id: id.clone() }],
            ends,
        ))
        .await
        .unwrap();
    assert!(store.embargoes_pending().await.unwrap().is_empty());
    let lifted = store.story(&id).await.unwrap().unwrap();
    assert_eq!(
        lifted.published,
        Some(ends),
        "first published when readers first saw it"
    );
    assert_eq!(
        ids(&store.live(&all(10), ends).await.unwrap()),
        ["emb", "plain"]
    );
}

/// Pinned stories are listed while live, newest pin first, and a kill unpins.
pub async fn pins_list_live_stories_newest_pin_first(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    for uri in ["p1", "p2", "p3"] {
        publish(store, sample_story(uri, "AP", "world", at), at).await;
    }
    let pin = |uri: &str, when| {
        (
            StoryEvent::Pinned {
                id: StoryId::for_uri(uri),
                by: "ed".into(),
            },
            when,
        )
    };
    store
        .append(vec![
            pin("p1", at + 1.minutes()),
            pin("p2", at + 2.minutes()),
        ])
        .await
        .unwrap();
    let now = at + 1.hours();
    assert_eq!(ids(&store.pinned(now).await.unwrap()), ["p2", "p1"]);
    store
        .append(at_time(
            vec![
                StoryEvent::Killed {
                    id: StoryId::for_uri("p2"),
                    reason: "legal".into(),
                },
                StoryEvent::Unpinned {
                    id: StoryId::for_uri("p1"),
                    by: "ed".into(),
                },
            ],
            now,
        ))
        .await
        .unwrap();
    assert!(store.pinned(now).await.unwrap().is_empty());
}

/// The desk's queue lists every story whatever its status, and each filter narrows it.
pub async fn the_queue_lists_every_status_and_filters(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    let now = at + 1.hours();
    publish(store, sample_story("live-1", "PTI", "sports", at), at).await;
    let mut embargoed = sample_story("emb-1", "AP", "world", at);
    embargoed.embargoed = Some(at + 3.hours());
    publish(store, embargoed, at).await;
    let held = sample_story("held-1", "AP", "world", at + 1.minutes());
    store
        .append(at_time(
            vec![StoryEvent::Ingested {
                story: Box::new(held),
            }],
            at,
        ))
        .await
        .unwrap();
    publish(store, sample_story("dead-1", "IANS", "india", at), at).await;
    store
        .append(at_time(
            vec![StoryEvent::Killed {
                id: StoryId::for_uri("dead-1"),
                reason: "legal".into(),
            }],
            at,
        ))
        .await
        .unwrap();
    let q = |status: Option<DeskStatus>| QueueFilter {
        status,
        limit: 50,
        ..QueueFilter::default()
    };
    let mut everything = ids(&store.queue(&q(None), now).await.unwrap());
    everything.sort();
    assert_eq!(everything, ["dead-1", "emb-1", "held-1", "live-1"]);
    for (status, uri) in [
        (DeskStatus::Live, "live-1"),
        (DeskStatus::Embargoed, "emb-1"),
        (DeskStatus::Held, "held-1"),
        (DeskStatus::Killed, "dead-1"),
    ] {
        let got = store.queue(&q(Some(status)), now).await.unwrap();
        assert_eq!(ids(&got), [uri], "{status:?}");
        assert_eq!(DeskStatus::of(&got[0], now), status);
    }
    assert!(
        store
            .queue(&q(Some(DeskStatus::Withheld)), now)
            .await
            .unwrap()
            .is_empty()
    );
    let by_agency = QueueFilter {
        agency: Some("ap".into()),
        ..q(None)
    };
    assert_eq!(store.queue(&by_agency, now).await.unwrap().len(), 2);
    let by_topic = QueueFilter {
        topic: Some("sports".into()),
        ..q(None)
    };
    assert_eq!(ids(&store.queue(&by_topic, now).await.unwrap()), ["live-1"]);
    let by_text = QueueFilter {
        text: Some("HEADLINE held".into()),
        ..q(None)
    };
    assert_eq!(ids(&store.queue(&by_text, now).await.unwrap()), ["held-1"]);
    // LIKE wildcards in the text are taken literally.
    let wildcard = QueueFilter {
        text: Some("%".into()),
        ..q(None)
    };
    assert!(store.queue(&wildcard, now).await.unwrap().is_empty());
    // Once the embargo ends, the same story counts as live.
    let later = store
        .queue(&q(Some(DeskStatus::Live)), at + 4.hours())
        .await
        .unwrap();
    assert_eq!(later.len(), 2);

    // Counted by status whatever the filter's status; narrowed by its other filters.
    let counts = store
        .queue_counts(&q(Some(DeskStatus::Held)), now)
        .await
        .unwrap();
    let count =
        |c: &crate::QueueCounts, status| c.by_status.iter().find(|(s, _)| *s == status).unwrap().1;
    assert_eq!(counts.by_status.len(), DeskStatus::ALL.len());
    for status in [
        DeskStatus::Live,
        DeskStatus::Embargoed,
        DeskStatus::Held,
        DeskStatus::Killed,
    ] {
        assert_eq!(count(&counts, status), 1, "{status:?}");
    }
    assert_eq!(count(&counts, DeskStatus::Withheld), 0);
    assert_eq!((counts.total(), counts.advisories), (4, 0));
    let by_agency = store.queue_counts(&by_agency, now).await.unwrap();
    assert_eq!(by_agency.total(), 2);

    // Pages: the same order, a page at a time.
    let all = ids(&store.queue(&q(None), now).await.unwrap());
    let mut paged = Vec::new();
    for page in 0..3 {
        let filter = QueueFilter {
            limit: 2,
            offset: page * 2,
            ..q(None)
        };
        paged.extend(ids(&store.queue(&filter, now).await.unwrap()));
    }
    assert_eq!(paged, all);

    // An advisory held as not for publication: counted, and listed on its own.
    let mut advisory = sample_story("advisory-1", "PTI", "india", at);
    advisory.published = None;
    advisory.not_for_publication = Some("an advisory to editors".into());
    store
        .append(at_time(
            vec![StoryEvent::Ingested {
                story: Box::new(advisory),
            }],
            at,
        ))
        .await
        .unwrap();
    let counts = store.queue_counts(&q(None), now).await.unwrap();
    assert_eq!((counts.total(), counts.advisories), (5, 1));
    let advisories = QueueFilter {
        advisories: true,
        ..q(None)
    };
    assert_eq!(
        ids(&store.queue(&advisories, now).await.unwrap()),
        ["advisory-1"]
    );
}

/// The queue's counts, however they are kept, are what counting the queue itself gives:
/// under every filter, before and after an embargo ends, after kills, withholds, topic edits
/// and an update that turns a story into an advisory.
pub async fn queue_counts_agree_with_the_queue_under_every_filter(store: &dyn Store) {
    let at = t("2026-11-28T06:00:00Z");
    let topic = |slug: &str| Topic {
        slug: slug.to_string(),
        name: slug.to_string(),
        origin: wiredesk_model::TopicOrigin::Wire,
    };
    let mut two_topics = sample_story("two-topics", "AP", "world", at);
    two_topics.topics.push(topic("sports"));
    publish(store, two_topics, at).await;
    for (uri, agency, hours) in [("emb-ap", "AP", 3), ("emb-pti", "PTI", 30)] {
        let mut embargoed = sample_story(uri, agency, "world", at);
        embargoed.embargoed = Some(at + hours.hours());
        publish(store, embargoed, at).await;
    }
    let mut emb_advisory = sample_story("emb-advisory", "PTI", "sports", at);
    emb_advisory.embargoed = Some(at + 3.hours());
    emb_advisory.not_for_publication = Some("to editors".into());
    publish(store, emb_advisory, at).await;
    let mut advisory = sample_story("advisory", "PTI", "world", at);
    advisory.not_for_publication = Some("not for publication".into());
    let held = sample_story("held", "PTI", "sports", at);
    let withheld = sample_story("withheld", "AP", "sports", at);
    let withheld_id = withheld.id.clone();
    store
        .append(at_time(
            vec![
                StoryEvent::Ingested {
                    story: Box::new(advisory),
                },
                StoryEvent::Ingested {
                    story: Box::new(held),
                },
                StoryEvent::Ingested {
                    story: Box::new(withheld),
                },
                StoryEvent::Withheld {
                    id: withheld_id,
                    reason: "agency".into(),
                },
            ],
            at,
        ))
        .await
        .unwrap();
    let killed = sample_story("killed", "IANS", "india", at);
    let killed_id = killed.id.clone();
    publish(store, killed, at).await;
    let moved = sample_story("moved", "PTI", "sports", at);
    let moved_id = moved.id.clone();
    publish(store, moved, at).await;
    let mut turned = sample_story("turned", "AP", "world", at);
    publish(store, turned.clone(), at).await;
    turned.version += 1;
    turned.not_for_publication = Some("withdrawn to an advisory".into());
    store
        .append(at_time(
            vec![
                StoryEvent::Killed {
                    id: killed_id,
                    reason: "legal".into(),
                },
                StoryEvent::TopicsEdited {
                    id: moved_id,
                    added: vec![topic("world"), topic("india")],
                    removed: vec![topic("sports")],
                    by: "desk".into(),
                },
                StoryEvent::Updated {
                    story: Box::new(turned),
                },
            ],
            at + 1.minutes(),
        ))
        .await
        .unwrap();

    let mut filters = vec![QueueFilter::default()];
    for agency in ["ap", "pti", "ians", "nobody"] {
        filters.push(QueueFilter {
            agency: Some(agency.into()),
            ..QueueFilter::default()
        });
    }
    for topic in ["world", "sports", "india", "nothing"] {
        filters.push(QueueFilter {
            topic: Some(topic.into()),
            ..QueueFilter::default()
        });
        filters.push(QueueFilter {
            agency: Some("pti".into()),
            topic: Some(topic.into()),
            ..QueueFilter::default()
        });
    }
    for now in [at + 2.hours(), at + 4.hours(), at + 48.hours()] {
        for filter in &filters {
            let listed = store
                .queue(
                    &QueueFilter {
                        limit: 1000,
                        ..filter.clone()
                    },
                    now,
                )
                .await
                .unwrap();
            let expected = crate::QueueCounts {
                by_status: DeskStatus::ALL
                    .iter()
                    .map(|status| {
                        let n = listed
                            .iter()
                            .filter(|s| DeskStatus::of(s, now) == *status)
                            .count();
                        (*status, n as u64)
                    })
                    .collect(),
                advisories: listed
                    .iter()
                    .filter(|s| s.not_for_publication.is_some())
                    .count() as u64,
            };
            let got = store.queue_counts(filter, now).await.unwrap();
            assert_eq!(got, expected, "{filter:?} at {now}");
        }
    }
    // Not a vacuous agreement: the mix holds every status.
    let all = store
        .queue_counts(&QueueFilter::default(), at + 2.hours())
        .await
        .unwrap();
    assert!(all.by_status.iter().all(|(_, n)| *n > 0), "{all:?}");
    assert_eq!(all.advisories, 3);
}

/// A simulated week of reading: a story read a lot six days ago cools below one read less,
/// today; views outside the week do not count at all.
pub async fn hot_stories_cool_by_the_day(store: &dyn Store) {
    let now = t("2026-11-28T12:00:00Z");
    let old = StoryId::for_uri("read-last-week");
    let fresh = StoryId::for_uri("read-today");
    let ancient = StoryId::for_uri("read-a-month-ago");
    let mut views = Vec::new();
    for hour in 0..10 {
        views.push((old.clone(), now - (6 * 24 + hour).hours(), 10));
        views.push((ancient.clone(), now - (30 * 24 + hour).hours(), 50));
    }
    views.push((fresh.clone(), now - 1.hours(), 30));
    store.record_views(&views).await.unwrap();
    let since = now - 168.hours();
    let hot = store.hottest(now, since, 10).await.unwrap();
    let order: Vec<&StoryId> = hot.iter().map(|(id, _)| id).collect();
    assert_eq!(
        order,
        [&fresh, &old],
        "decayed, today's story leads: {hot:?}"
    );
    assert!((hot[0].1 - 30.0).abs() < 1e-9, "a view this hour weighs 1");
    assert!(
        (hot[1].1 - 100.0 / 64.0).abs() < 1e-9,
        "six days old: 1/64 each, got {}",
        hot[1].1
    );
}

/// A follower's saved position is its own, survives a rebuild of the projections, and moves
/// only when saved again.
pub async fn follower_positions_are_kept_per_follower(store: &dyn Store) {
    assert_eq!(store.follower_position("purge").await.unwrap(), None);
    store.save_follower_position("purge", 7).await.unwrap();
    store.save_follower_position("other", 3).await.unwrap();
    store.save_follower_position("purge", 9).await.unwrap();
    store.rebuild_projections().await.unwrap();
    assert_eq!(store.follower_position("purge").await.unwrap(), Some(9));
    assert_eq!(store.follower_position("other").await.unwrap(), Some(3));
}

/// Checks over two stores open on one database, as two processes would have them.
pub mod two_processes {
    use std::time::Duration;

    use crate::Store;

    /// One of them holds the writer's lease; the other gets it once the first lets go.
    pub async fn one_writer_lease_at_a_time(first: &dyn Store, second: &dyn Store) {
        let lease = first.try_writer_lease().await.unwrap();
        assert!(lease.is_some(), "a free lease is taken");
        assert!(
            second.try_writer_lease().await.unwrap().is_none(),
            "a held lease is refused"
        );
        let mut lease = lease.unwrap();
        lease.check().await.expect("the holder still holds it");
        drop(lease);
        let mut taken = None;
        // PostgreSQL frees a session lock when the connection's end reaches the server.
        for _ in 0..50 {
            taken = second.try_writer_lease().await.unwrap();
            if taken.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(taken.is_some(), "the lease is free once its holder let go");
    }

    /// A decision taken by one waits for the other's to end.
    pub async fn one_decision_at_a_time(first: &dyn Store, second: &dyn Store) {
        let held = first.decision().await.unwrap();
        let waiting = tokio::time::timeout(Duration::from_millis(300), second.decision()).await;
        assert!(waiting.is_err(), "a second decision waits for the first");
        drop(held);
        tokio::time::timeout(Duration::from_secs(10), second.decision())
            .await
            .expect("the second decision is taken once the first ends")
            .unwrap();
    }
}

/// The stored summaries: each UTC day with a live story, its count and the last time its
/// list changed (a story going live or leaving, a new headline or version), and each topic's
/// count; stories under embargo count only from their time, and a rebuild gives the same.
pub async fn days_and_topics_count_live_stories_and_know_when_each_day_changed(store: &dyn Store) {
    use crate::LiveDay;
    let day1 = t("2026-11-20T00:00:00Z");
    let day2 = t("2026-11-21T00:00:00Z");
    let (a_at, b_at, c_at) = (day1 + 10.hours(), day1 + 11.hours(), day2 + 9.hours());
    publish(store, sample_story("a", "AP", "sports", a_at), a_at).await;
    publish(store, sample_story("b", "AP", "sports", b_at), b_at).await;
    publish(store, sample_story("c", "PTI", "world", c_at), c_at).await;
    // Under embargo until the evening of day 2, filed in the morning.
    let mut d = sample_story("d", "PTI", "sports", day2 + 8.hours());
    d.embargoed = Some(day2 + 20.hours());
    publish(store, d, day2 + 8.hours()).await;
    // Held: never listed.
    let held = sample_story("e", "PTI", "sports", day2 + 9.hours());
    store
        .append(vec![(
            StoryEvent::Ingested {
                story: Box::new(held),
            },
            day2 + 9.hours(),
        )])
        .await
        .unwrap();

    let day = |start, stories, changed| LiveDay {
        start,
        stories,
        changed,
    };
    let noon = day2 + 12.hours();
    assert_eq!(
        store.live_days(noon).await.unwrap(),
        [day(day1, 2, b_at), day(day2, 1, c_at)]
    );
    let counts = |topics: Vec<crate::TopicCount>| -> Vec<(String, u64)> {
        topics.into_iter().map(|t| (t.slug, t.stories)).collect()
    };
    assert_eq!(
        counts(store.topics(noon).await.unwrap()),
        [("sports".to_string(), 2), ("world".to_string(), 1)]
    );
    // The embargo ends: day 2 and its topic count it.
    let night = day2 + 21.hours();
    assert_eq!(store.live_days(night).await.unwrap()[1].stories, 2);
    assert_eq!(counts(store.topics(night).await.unwrap())[0].1, 3);

    // A kill of an old story changes its day, and only its day.
    let killed_at = day2 + 13.hours();
    store
        .append(at_time(
            vec![StoryEvent::Killed {
                id: StoryId::for_uri("a"),
                reason: "legal".into(),
            }],
            killed_at,
        ))
        .await
        .unwrap();
    // So does a new headline (the story's address).
    let edited_at = day2 + 14.hours();
    store
        .append(at_time(
            vec![StoryEvent::HeadlineEdited {
                id: StoryId::for_uri("c"),
                headline: "Desk headline".into(),
                by: "editor".into(),
            }],
            edited_at,
        ))
        .await
        .unwrap();
    // A pin shows nowhere in a sitemap.
    store
        .append(at_time(
            vec![StoryEvent::Pinned {
                id: StoryId::for_uri("b"),
                by: "editor".into(),
            }],
            day2 + 15.hours(),
        ))
        .await
        .unwrap();
    let afternoon = day2 + 16.hours();
    let want = [day(day1, 1, killed_at), day(day2, 1, edited_at)];
    assert_eq!(store.live_days(afternoon).await.unwrap(), want);
    assert_eq!(
        counts(store.topics(afternoon).await.unwrap()),
        [("sports".to_string(), 1), ("world".to_string(), 1)],
        "the killed story no longer counts, the embargoed one not yet"
    );
    store.rebuild_projections().await.unwrap();
    assert_eq!(store.live_days(afternoon).await.unwrap(), want);
    assert_eq!(
        counts(store.topics(afternoon).await.unwrap()),
        [("sports".to_string(), 1), ("world".to_string(), 1)]
    );
}
