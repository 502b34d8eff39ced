//! The pipeline end to end on the embedded store and index: what a publisher promises about
//! arriving copy.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use wiredesk_editorial::DeskPolicy;
use wiredesk_enrich::{TopicAssigner, TopicRules};
use wiredesk_index::{Hit, IndexFollower, SearchIndex};
use wiredesk_ingest::{Batches, Outcome, Pipeline, PipelineSettings};
use wiredesk_model::{Delivery, PubStatus};
use wiredesk_store::{Listing, SqliteStore, Store};

async fn pipeline() -> Pipeline {
    pipeline_and_search().await.0
}

/// The search index following the pipeline's log, as a site runs it.
struct Search(IndexFollower);

impl Search {
    /// The hits for `query` once the index has caught up with the log.
    async fn find(&self, query: &str) -> Vec<Hit> {
        self.0.catch_up().await.unwrap();
        self.0.index().search(query, 5).unwrap()
    }
}

async fn pipeline_and_search() -> (Pipeline, Search) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let search = Search(IndexFollower::new(index, store.clone(), Default::default()));
    let pipeline = Pipeline::new(
        store,
        PipelineSettings {
            time_zone: TimeZone::get("Asia/Kolkata").unwrap(),
            default_agency: "Wire".into(),
            agencies: Default::default(),
            policy: DeskPolicy::default(),
            topics: TopicAssigner::new(TopicRules::default()).unwrap(),
            summary_chars: 200,
        },
    );
    (pipeline, search)
}

fn fixture(name: &str) -> Delivery {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/testdata")
        .join(name);
    Delivery {
        bytes: std::fs::read(&path).unwrap(),
        path,
        received: "2026-11-28T06:00:00Z".parse().unwrap(),
    }
}

fn bytes(name: &str, bytes: &[u8]) -> Delivery {
    Delivery {
        path: name.into(),
        bytes: bytes.to_vec(),
        received: "2026-11-28T06:00:00Z".parse().unwrap(),
    }
}

fn now() -> Timestamp {
    "2026-11-28T07:00:00Z".parse().unwrap()
}

#[tokio::test]
async fn plain_copy_is_published_with_its_dateline_and_found_by_search() {
    let (p, search) = pipeline_and_search().await;
    let reports = p
        .ingest_batch(vec![fixture("pti-kochi-port.txt")])
        .await
        .unwrap();
    assert_eq!(reports[0].outcome, Outcome::Ingested);
    let story = p
        .store()
        .story(&reports[0].stories[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(story.agency.name, "PTI");
    let dateline = story.dateline.unwrap();
    assert_eq!(dateline.place.as_deref(), Some("Kochi"));
    assert_eq!(dateline.date.unwrap().to_string(), "2026-11-27");
    assert!(
        story.topics.iter().any(|t| t.slug == "india"),
        "{:?}",
        story.topics
    );
    assert_eq!(story.language.as_deref(), Some("en"));
    assert_eq!(search.find("berth").await[0].id, story.id);
}

#[tokio::test]
async fn re_ingesting_the_same_file_changes_nothing() {
    let p = pipeline().await;
    p.ingest_batch(vec![fixture("pti-kochi-port.txt")])
        .await
        .unwrap();
    let again = p
        .ingest_batch(vec![fixture("pti-kochi-port.txt")])
        .await
        .unwrap();
    assert_eq!(again[0].outcome, Outcome::Unchanged);
    assert_eq!(p.store().all_stories().await.unwrap().len(), 1);
    assert_eq!(
        p.store().events_after(0, 100).await.unwrap().len(),
        2,
        "ingested + published, nothing more"
    );
}

#[tokio::test]
async fn a_newer_version_replaces_the_story_in_place_and_an_older_one_is_ignored() {
    let (p, search) = pipeline_and_search().await;
    let first = p
        .ingest_batch(vec![fixture("afp-storm-v1.json")])
        .await
        .unwrap();
    let id = first[0].stories[0].clone();
    let update = p
        .ingest_batch(vec![fixture("afp-storm-v2.json")])
        .await
        .unwrap();
    assert_eq!(update[0].outcome, Outcome::Updated);
    assert_eq!(update[0].stories, vec![id.clone()], "same story, same page");
    let late_v1 = p
        .ingest_batch(vec![fixture("afp-storm-v1.json")])
        .await
        .unwrap();
    assert_eq!(late_v1[0].outcome, Outcome::Unchanged);
    let story = p.store().story(&id).await.unwrap().unwrap();
    assert_eq!(story.version, 2);
    assert_eq!(story.headline, "Storm lashes Brittany coast, one dead");
    assert!(story.updated.is_some());
    assert_eq!(p.store().history(&id).await.unwrap().len(), 3);
    assert_eq!(search.find("45,000 OR killing").await[0].id, id);
}

#[tokio::test]
async fn batches_prepared_ahead_decide_on_what_earlier_batches_stored() {
    // Each batch is decoded while the one before it is written, and its stored stories are
    // read at once: a story stored by the batch before, or earlier in the same batch, is
    // still seen as stored.
    let p = Arc::new(pipeline().await);
    let mut batches = Batches::new(p.clone());
    let mut reports = batches
        .push(vec![fixture("afp-storm-v1.json")])
        .await
        .unwrap();
    reports.extend(
        batches
            .push(vec![
                fixture("afp-storm-v1.json"),
                fixture("afp-storm-v2.json"),
                fixture("pti-kochi-port.txt"),
                fixture("pti-kochi-port.txt"),
            ])
            .await
            .unwrap(),
    );
    reports.extend(batches.push(vec![bytes("empty.txt", b"")]).await.unwrap());
    reports.extend(batches.finish().await.unwrap());
    let outcomes: Vec<Outcome> = reports.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Ingested,
            Outcome::Unchanged,
            Outcome::Updated,
            Outcome::Ingested,
            Outcome::Unchanged,
            Outcome::Rejected,
        ]
    );
    let storm = p
        .store()
        .story(&reports[0].stories[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(storm.version, 2);
    assert_eq!(p.store().history(&storm.id).await.unwrap().len(), 3);
}

#[tokio::test]
async fn versions_in_one_batch_out_of_order_end_in_the_newest_state() {
    let p = pipeline().await;
    let reports = p
        .ingest_batch(vec![
            fixture("afp-storm-v2.json"),
            fixture("afp-storm-v1.json"),
        ])
        .await
        .unwrap();
    assert_eq!(reports[1].outcome, Outcome::Unchanged);
    let story = p
        .store()
        .story(&reports[0].stories[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(story.version, 2);
}

#[tokio::test]
async fn a_canceled_version_kills_the_story_everywhere() {
    let (p, search) = pipeline_and_search().await;
    let first = p
        .ingest_batch(vec![fixture("afp-storm-v1.json")])
        .await
        .unwrap();
    let id = first[0].stories[0].clone();
    assert_eq!(search.find("Brittany").await.len(), 1);
    p.ingest_batch(vec![fixture("afp-storm-kill.json")])
        .await
        .unwrap();
    let story = p.store().story(&id).await.unwrap().unwrap();
    assert_eq!(story.pubstatus, PubStatus::Canceled);
    assert!(
        p.store()
            .live(
                &Listing {
                    limit: 10,
                    ..Listing::default()
                },
                now()
            )
            .await
            .unwrap()
            .is_empty()
    );
    assert!(search.find("Brittany").await.is_empty());
    // A late re-send of an earlier version does not bring it back.
    p.ingest_batch(vec![fixture("afp-storm-v2.json")])
        .await
        .unwrap();
    assert_eq!(
        p.store().story(&id).await.unwrap().unwrap().pubstatus,
        PubStatus::Canceled
    );
}

#[tokio::test]
async fn scripts_in_wire_bodies_never_reach_the_stored_copy() {
    let p = pipeline().await;
    let reports = p
        .ingest_batch(vec![fixture("afp-storm-v1.json")])
        .await
        .unwrap();
    let story = p
        .store()
        .story(&reports[0].stories[0])
        .await
        .unwrap()
        .unwrap();
    assert!(!story.body_html.contains("<script"), "{}", story.body_html);
    assert!(story.body_html.contains("Ferries were cancelled."));
    assert_eq!(
        story.source_url.as_deref(),
        Some("https://wire.afp.test/storm-1")
    );
}

#[tokio::test]
async fn bad_files_are_rejected_with_a_reason_and_never_half_published() {
    let p = pipeline().await;
    let reports = p
        .ingest_batch(vec![
            bytes("empty.txt", b""),
            bytes("blank.txt", b"  \n\n  "),
            bytes("binary.bin", &[0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xff]),
            bytes("truncated.json", br#"{"uri": "urn:x", "headlines": [{"role": "main", "val"#),
            bytes("xxe.xml", br#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title></item></channel></rss>"#),
            bytes("headline-only.txt", b"Just a headline\n"),
            fixture("pti-kochi-port.txt"),
            // Not UTF-8 and no charset named: read as windows-1252, as agencies' legacy
            // systems write it, rather than refused.
            bytes("latin1.txt", b"Caf\xe9 headline\n\nCopy in windows-1252 here, read as such."),
        ])
        .await
        .unwrap();
    for r in &reports[..6] {
        assert_eq!(
            r.outcome,
            Outcome::Rejected,
            "{} should be rejected",
            r.path.display()
        );
        let reason = r.reason.as_deref().unwrap();
        assert!(
            reason.len() > 8,
            "{}: a reason a person can act on, got {reason:?}",
            r.path.display()
        );
    }
    assert_eq!(
        reports[6].outcome,
        Outcome::Ingested,
        "one bad file never blocks the others"
    );
    assert_eq!(reports[7].outcome, Outcome::Ingested, "{:?}", reports[7]);
    let latin1 = p
        .store()
        .story(&reports[7].stories[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latin1.headline, "Café headline");
    assert_eq!(p.store().all_stories().await.unwrap().len(), 2);
}

#[tokio::test]
async fn reindex_rebuilds_the_projections_from_the_log() {
    let (p, search) = pipeline_and_search().await;
    p.ingest_batch(vec![
        fixture("pti-kochi-port.txt"),
        fixture("afp-storm-v1.json"),
        fixture("afp-storm-v2.json"),
    ])
    .await
    .unwrap();
    let before = p.store().all_stories().await.unwrap();
    search.0.catch_up().await.unwrap();
    search.0.index().clear().unwrap();
    search.0.index().commit().unwrap();
    assert_eq!(search.0.index().num_docs(), 0);
    assert_eq!(p.refold().await.unwrap(), 5, "events folded");
    assert_eq!(search.0.rebuild().await.unwrap(), 2, "stories indexed");
    assert_eq!(p.store().all_stories().await.unwrap(), before);
    assert_eq!(search.find("berth").await.len(), 1);
}

fn embargoed_ninjs(embargo: &str) -> Vec<u8> {
    format!(
        r#"{{"uri": "urn:test:embargo-1", "version": "1", "type": "text", "pubstatus": "usable",
 "versioncreated": "2026-11-28T05:00:00Z", "firstcreated": "2026-11-28T05:00:00Z",
 "embargoed": "{embargo}", "language": "en",
 "headlines": [{{"role": "main", "value": "Budget figures under embargo"}}],
 "bodies": [{{"role": "main", "contenttype": "text/plain", "value": "NEW DELHI, Nov 28 (PTI) - The quarterly budget figures showed a narrower deficit."}}]}}"#
    )
    .into_bytes()
}

#[tokio::test]
async fn an_embargo_is_lifted_by_an_event_at_its_time_and_not_before() {
    let p = pipeline().await;
    let ends: Timestamp = "2026-11-28T09:00:00Z".parse().unwrap();
    let reports = p
        .ingest_batch(vec![bytes(
            "e.json",
            &embargoed_ninjs("2026-11-28T09:00:00Z"),
        )])
        .await
        .unwrap();
    let id = reports[0].stories[0].clone();
    let all = Listing {
        limit: 10,
        ..Listing::default()
    };
    // Before the time: nothing to lift, the clock is told when to come back.
    assert_eq!(p.lift_embargoes(now()).await.unwrap(), Some(ends));
    assert!(p.store().live(&all, now()).await.unwrap().is_empty());
    let seq_before = p.store().latest_seq().await.unwrap();
    // A clock that wakes late (a restart) still lifts it, recorded at the embargo's time.
    let late = ends + jiff::SignedDuration::from_mins(30);
    assert_eq!(p.lift_embargoes(late).await.unwrap(), None);
    let log = p.store().events_after(seq_before, 10).await.unwrap();
    assert_eq!(log.len(), 1, "one lift event");
    assert_eq!(log[0].event.kind(), "embargo_lifted");
    assert_eq!(log[0].at, ends);
    let story = p.store().story(&id).await.unwrap().unwrap();
    assert_eq!(story.published, Some(ends));
    assert_eq!(p.store().live(&all, late).await.unwrap()[0].id, id);
    // Lifting again does nothing.
    assert_eq!(p.lift_embargoes(late).await.unwrap(), None);
    assert_eq!(p.store().latest_seq().await.unwrap(), seq_before + 1);
}

#[tokio::test]
async fn desk_actions_change_the_story_and_its_search_entry() {
    use wiredesk_editorial::DeskAction;
    let (p, search) = pipeline_and_search().await;
    let reports = p
        .ingest_batch(vec![fixture("afp-storm-v1.json")])
        .await
        .unwrap();
    let id = reports[0].stories[0].clone();
    let change = p
        .desk_action(
            &id,
            &DeskAction::RewriteHeadline("Brittany storm cuts power".into()),
            "asha",
        )
        .await
        .unwrap();
    assert_eq!(change.before.headline, "Storm lashes Brittany coast");
    assert_eq!(change.after.headline, "Brittany storm cuts power");
    assert_eq!(change.after.agency_headline, "Storm lashes Brittany coast");
    assert_eq!(change.after.body_hash, change.before.body_hash);
    // A newer agency version keeps the desk's headline.
    p.ingest_batch(vec![fixture("afp-storm-v2.json")])
        .await
        .unwrap();
    let v2 = p.store().story(&id).await.unwrap().unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.headline, "Brittany storm cuts power");

    let refused = p
        .desk_action(&id, &DeskAction::Publish, "asha")
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("already published"),
        "{refused}"
    );
    assert!(!search.find("Brittany").await.is_empty());
    p.desk_action(
        &id,
        &DeskAction::Kill {
            reason: "legal".into(),
        },
        "asha",
    )
    .await
    .unwrap();
    assert!(
        search.find("Brittany").await.is_empty(),
        "killed: out of search"
    );
    // Nothing after the kill revives it: not the desk, not a re-sent version.
    assert!(
        p.desk_action(&id, &DeskAction::Publish, "asha")
            .await
            .is_err()
    );
    let mut resend = fixture("afp-storm-v2.json");
    resend.bytes = String::from_utf8(resend.bytes)
        .unwrap()
        .replace("\"version\": \"2\"", "\"version\": \"3\"")
        .into_bytes();
    p.ingest_batch(vec![resend]).await.unwrap();
    let story = p.store().story(&id).await.unwrap().unwrap();
    assert_eq!(story.pubstatus, PubStatus::Canceled);
    let missing = wiredesk_model::StoryId("nope".into());
    assert!(matches!(
        p.desk_action(&missing, &DeskAction::Pin, "asha").await,
        Err(wiredesk_ingest::DeskError::NotFound(_))
    ));
}

fn plain(name: &str, text: &str, received: &str) -> Delivery {
    Delivery {
        path: name.into(),
        bytes: text.as_bytes().to_vec(),
        received: received.parse().unwrap(),
    }
}

#[tokio::test]
async fn reuters_style_updates_replace_the_story_they_follow() {
    let p = pipeline().await;
    let original = plain(
        "v1.txt",
        "Storm lashes Brittany coast\n\nBREST, Nov 28 (Reuters) - A storm lashed the Brittany coast on Saturday, cutting power to 20,000 homes and grounding ferries, officials said.\n",
        "2026-11-28T06:00:00Z",
    );
    let update = plain(
        "v2.txt",
        "UPDATE 1-Storm kills three in Brittany, cuts power to homes\n\nBREST, Nov 28 (Reuters) - A storm lashed the Brittany coast on Saturday, killing three people, cutting power to 45,000 homes and grounding ferries, officials said.\n",
        "2026-11-28T07:00:00Z",
    );
    let unrelated = plain(
        "other.txt",
        "UPDATE 1-Wine harvest ends early\n\nBREST, Nov 28 (Reuters) - Growers in the region finished the grape harvest two weeks early after a dry summer, a trade body said.\n",
        "2026-11-28T07:30:00Z",
    );
    let first = p.ingest_batch(vec![original]).await.unwrap();
    let id = first[0].stories[0].clone();
    let second = p.ingest_batch(vec![update]).await.unwrap();
    assert_eq!(second[0].outcome, Outcome::Updated);
    assert_eq!(
        second[0].stories[0], id,
        "the update lands on the same story"
    );
    let story = p.store().story(&id).await.unwrap().unwrap();
    assert_eq!(story.version, 2);
    assert_eq!(
        story.headline, "Storm kills three in Brittany, cuts power to homes",
        "the filing note is not part of the headline"
    );
    assert!(story.signals.contains(&"sig:update".to_string()));
    assert!(story.body_html.contains("45,000"));
    assert!(story.updated.is_some(), "readers see an Updated time");
    // An update of a different story from the same place is its own story.
    let third = p.ingest_batch(vec![unrelated]).await.unwrap();
    assert_eq!(third[0].outcome, Outcome::Ingested);
    assert_ne!(third[0].stories[0], id);
    // A refile of the same copy changes nothing.
    let refile = plain(
        "refile.txt",
        "REFILE-Storm kills three in Brittany, cuts power to homes\n\nBREST, Nov 28 (Reuters) - A storm lashed the Brittany coast on Saturday, killing three people, cutting power to 45,000 homes and grounding ferries, officials said.\n",
        "2026-11-28T08:00:00Z",
    );
    let fourth = p.ingest_batch(vec![refile]).await.unwrap();
    assert_eq!(fourth[0].stories, [id]);
    assert_ne!(fourth[0].outcome, Outcome::Ingested);
}

#[tokio::test]
async fn an_embargo_written_in_plain_copy_holds_the_story_back() {
    let p = pipeline().await;
    let reports = p
        .ingest_batch(vec![plain(
            "embargoed.txt",
            "Quarterly growth beats forecasts\n\nEMBARGOED until 1200 GMT Nov 28\n\nNEW DELHI, Nov 28 (PTI) - The economy grew faster than forecast in the quarter, official data showed.\n",
            "2026-11-28T06:00:00Z",
        )])
        .await
        .unwrap();
    let id = reports[0].stories[0].clone();
    let story = p.store().story(&id).await.unwrap().unwrap();
    assert_eq!(
        story.embargoed,
        Some("2026-11-28T12:00:00Z".parse().unwrap())
    );
    let all = Listing {
        limit: 5,
        ..Listing::default()
    };
    assert!(p.store().live(&all, now()).await.unwrap().is_empty());
    let noon: Timestamp = "2026-11-28T12:00:00Z".parse().unwrap();
    p.lift_embargoes(noon).await.unwrap();
    assert_eq!(p.store().live(&all, noon).await.unwrap()[0].id, id);
}

mod embargo_property {
    //! Whatever the order versions arrive in and whenever the clock looks, a story is never
    //! visible before the embargo of the version the site holds, and always visible after
    //! the clock has run past it.
    use super::*;
    use proptest::prelude::*;

    fn version(n: u32, embargo_min: i64) -> Vec<u8> {
        let embargo = Timestamp::from_second(1_795_845_600 + embargo_min * 60).unwrap();
        format!(
            r#"{{"uri": "urn:test:embargo-prop", "version": "{n}", "type": "text", "pubstatus": "usable",
 "versioncreated": "2026-11-28T05:0{n}:00Z", "firstcreated": "2026-11-28T05:00:00Z",
 "embargoed": "{embargo}", "language": "en",
 "headlines": [{{"role": "main", "value": "Results under embargo v{n}"}}],
 "bodies": [{{"role": "main", "contenttype": "text/plain", "value": "NEW DELHI, Nov 28 (PTI) - Version {n} of the results."}}]}}"#
        )
        .into_bytes()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]
        #[test]
        fn never_visible_before_the_held_versions_embargo(
            embargoes in prop::collection::vec(0i64..600, 1..4),
            order in any::<u64>(),
            clocks in prop::collection::vec(-60i64..700, 1..6),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let p = pipeline().await;
                // Versions 1..=n, delivered in a shuffled order.
                let mut deliveries: Vec<(u32, i64)> = embargoes
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (i as u32 + 1, *e))
                    .collect();
                let mut seed = order;
                for i in (1..deliveries.len()).rev() {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    deliveries.swap(i, (seed >> 33) as usize % (i + 1));
                }
                let base = Timestamp::from_second(1_795_845_600).unwrap();
                let received: Timestamp = "2026-11-28T05:30:00Z".parse().unwrap();
                for (n, e) in &deliveries {
                    p.ingest_batch(vec![Delivery {
                        path: format!("v{n}.json").into(),
                        bytes: version(*n, *e),
                        received,
                    }])
                    .await
                    .unwrap();
                }
                // The newest version decides the embargo.
                let held = embargoes[embargoes.len() - 1];
                let ends = base + jiff::SignedDuration::from_mins(held);
                let all = Listing { limit: 5, ..Listing::default() };
                let mut sorted_clocks = clocks.clone();
                sorted_clocks.sort();
                for minutes in sorted_clocks {
                    let at = base + jiff::SignedDuration::from_mins(minutes);
                    p.lift_embargoes(at).await.unwrap();
                    let live = !p.store().live(&all, at).await.unwrap().is_empty();
                    let story = p.store().story(&wiredesk_model::StoryId::for_uri("urn:test:embargo-prop")).await.unwrap().unwrap();
                    assert_eq!(story.version as usize, embargoes.len());
                    if at < ends {
                        assert!(!live, "visible at {at}, before its embargo {ends}");
                    } else {
                        assert!(live, "hidden at {at}, after its embargo {ends}");
                        assert_eq!(story.published, Some(ends), "first published at its embargo");
                    }
                }
            });
        }
    }
}

#[tokio::test]
async fn a_kill_advisory_kills_the_story_it_names_and_is_never_published() {
    let (p, search) = pipeline_and_search().await;
    let original = plain(
        "v1.txt",
        "Minister resigns over port deal\n\nKOCHI, Nov 28 (PTI) - The state's ports minister resigned on Saturday over a disputed contract, officials said.\n",
        "2026-11-28T06:00:00Z",
    );
    let id = p.ingest_batch(vec![original]).await.unwrap()[0].stories[0].clone();
    let kill = plain(
        "kill.txt",
        "KILL-Minister resigns over port deal\n\nKOCHI, Nov 28 (PTI) - Editors are asked to kill the story; the minister has not resigned. A corrected story will follow.\n",
        "2026-11-28T06:30:00Z",
    );
    let reports = p.ingest_batch(vec![kill]).await.unwrap();
    assert_eq!(reports[0].outcome, Outcome::Updated);
    assert_eq!(reports[0].stories[0], id);
    let story = p.store().story(&id).await.unwrap().unwrap();
    assert_eq!(story.pubstatus, PubStatus::Canceled);
    assert!(story.status_reason.unwrap().contains("kill advisory"));
    assert!(search.find("minister").await.is_empty());
    let all = Listing {
        limit: 5,
        ..Listing::default()
    };
    assert!(p.store().live(&all, now()).await.unwrap().is_empty());

    // An advisory naming nothing the site holds waits on the desk, unpublished.
    let orphan = plain(
        "orphan.txt",
        "KILL-Bridge collapses in Pune\n\nPUNE, Nov 28 (PTI) - Editors are asked to kill the story about a bridge collapse.\n",
        "2026-11-28T06:40:00Z",
    );
    let reports = p.ingest_batch(vec![orphan]).await.unwrap();
    let held = p
        .store()
        .story(&reports[0].stories[0])
        .await
        .unwrap()
        .unwrap();
    assert!(held.published.is_none());
    assert!(held.status_reason.unwrap().contains("kill advisory"));
    assert!(p.store().live(&all, now()).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_file_of_only_advisories_is_held_on_the_desk_and_counted() {
    let p = pipeline().await;
    let advisory = "Coverage plans for the port strike\n\nNOT FOR PUBLICATION\n\nKOCHI, Nov 28 (PTI) Our correspondents will file from the port from noon.\n";
    let news = "Port strike ends\n\nKOCHI, Nov 28 (PTI) The strike at the port ended on Friday after talks.\n";
    let reports = p
        .ingest_batch(vec![
            bytes("advisory.txt", advisory.as_bytes()),
            bytes("news.txt", news.as_bytes()),
        ])
        .await
        .unwrap();
    assert_eq!(reports[0].outcome, Outcome::Ingested);
    let [held] = reports[0].not_for_publication.as_slice() else {
        panic!("{:?}", reports[0]);
    };
    assert_eq!(
        held.reason,
        "not for publication: the copy says \"not for publication\" (English)"
    );
    assert!(reports[1].not_for_publication.is_empty());
    let mut tally = wiredesk_ingest::Tally::default();
    for r in &reports {
        tally.add(r);
    }
    assert_eq!((tally.ingested, tally.not_for_publication), (2, 1));

    let story = p.store().story(&held.story).await.unwrap().unwrap();
    assert!(story.published.is_none(), "never published by itself");
    assert_eq!(story.status_reason.as_deref(), Some(held.reason.as_str()));
    let live = p.store().live(&Listing::default(), now()).await.unwrap();
    assert_eq!(
        live.iter().map(|s| s.headline.as_str()).collect::<Vec<_>>(),
        ["Port strike ends"]
    );
}

#[tokio::test]
async fn hindi_in_a_legacy_font_waits_on_the_desk_with_the_reason_and_unicode_hindi_goes_out() {
    let p = pipeline().await;
    // "नई दिल्ली, 5 दिसंबर (आईएएनएस)। सरकार ने कहा कि किसानों को नई योजना का लाभ मिलेगा।"
    // typed in Kruti Dev 010, as an old desk's files still are.
    let kruti = "ubZ ;kstuk dk ykHk\n\nubZ fnYyh] 5 fnlacj ¼vkbZ,Ul½A ljdkj us dgk fd fdlkuksa \
                 dks ubZ ;kstuk dk ykHk feysxkA mUgksaus crk;k fd ;g ;kstuk vxys lky ls ykxw gksxhA\n";
    let unicode = "नई योजना का लाभ\n\nनई दिल्ली, 5 दिसंबर (आईएएनएस)। सरकार ने कहा कि किसानों को नई \
                   योजना का लाभ मिलेगा।\n";
    let reports = p
        .ingest_batch(vec![
            bytes("kruti.txt", kruti.as_bytes()),
            bytes("unicode.txt", unicode.as_bytes()),
        ])
        .await
        .unwrap();
    assert_eq!(reports[0].outcome, Outcome::Ingested, "kept, not refused");
    let [held] = reports[0].not_for_publication.as_slice() else {
        panic!("{:?}", reports[0]);
    };
    assert!(held.reason.contains("Kruti Dev"), "{}", held.reason);
    assert!(reports[1].not_for_publication.is_empty());
    let live = p.store().live(&Listing::default(), now()).await.unwrap();
    assert_eq!(
        live.iter()
            .map(|s| s.agency.name.as_str())
            .collect::<Vec<_>>(),
        ["IANS"],
        "only the Unicode copy is live, credited from its Hindi dateline"
    );
}

#[tokio::test]
async fn copy_without_a_headline_waits_on_the_desk_for_one_and_is_counted() {
    let p = pipeline().await;
    let untitled = br#"{"uri": "urn:wdn:untitled-1", "headline": "", "body_text": "KOCHI, Nov 28 (PTI) The port reopened on Friday after the strike.", "versioncreated": "2026-11-28T05:30:00Z"}"#;
    let news = "Port strike ends\n\nKOCHI, Nov 28 (PTI) The strike at the port ended on Friday after talks.\n";
    let reports = p
        .ingest_batch(vec![
            bytes("untitled.json", untitled),
            bytes("news.txt", news.as_bytes()),
        ])
        .await
        .unwrap();
    assert_eq!(reports[0].outcome, Outcome::Ingested, "{:?}", reports[0]);
    let [id] = reports[0].awaiting_headline.as_slice() else {
        panic!("{:?}", reports[0]);
    };
    assert!(reports[0].not_for_publication.is_empty());
    assert!(reports[1].awaiting_headline.is_empty());
    let mut tally = wiredesk_ingest::Tally::default();
    for r in &reports {
        tally.add(r);
    }
    assert_eq!((tally.ingested, tally.awaiting_headline), (2, 1));

    let story = p.store().story(id).await.unwrap().unwrap();
    assert_eq!(story.headline, "");
    assert!(story.published.is_none(), "never on the site by itself");
    assert_eq!(
        story.status_reason.as_deref(),
        Some(wiredesk_editorial::NO_HEADLINE)
    );
    // Desk actions are recorded at the clock's time, after the delivery's.
    let live = |p: &Pipeline| {
        let store = p.store().clone();
        async move {
            store
                .live(
                    &Listing {
                        limit: 10,
                        ..Listing::default()
                    },
                    Timestamp::now(),
                )
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.headline)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(live(&p).await, ["Port strike ends"]);

    // Publishing it as it is is refused; the editor writes a headline, then publishes.
    let publish = wiredesk_editorial::DeskAction::Publish;
    assert!(matches!(
        p.desk_action(id, &publish, "ed").await,
        Err(wiredesk_ingest::DeskError::Refused(_))
    ));
    let headline = wiredesk_editorial::DeskAction::RewriteHeadline("Kochi port reopens".into());
    p.desk_action(id, &headline, "ed").await.unwrap();
    assert!(
        live(&p).await.len() == 1,
        "a headline alone publishes nothing"
    );
    let change = p.desk_action(id, &publish, "ed").await.unwrap();
    assert_eq!(change.after.headline, "Kochi port reopens");
    let mut headlines = live(&p).await;
    headlines.sort();
    assert_eq!(headlines, ["Kochi port reopens", "Port strike ends"]);
}
