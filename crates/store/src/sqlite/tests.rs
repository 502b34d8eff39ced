use super::SqliteStore;
use crate::conformance;

macro_rules! on_sqlite {
    ($name:ident) => {
        let store = SqliteStore::in_memory().await.unwrap();
        conformance::$name(&store).await;
    };
}

conformance::every_check!(on_sqlite);

#[tokio::test]
async fn a_file_database_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wiredesk.db");
    {
        let store = SqliteStore::open(&path).await.unwrap();
        conformance::a_published_story_is_listed_newest_first(&store).await;
    }
    let store = SqliteStore::open(&path).await.unwrap();
    let all = crate::Stories::all_stories(&store).await.unwrap();
    assert_eq!(
        all.len(),
        3,
        "stories committed before the restart are all there"
    );
}

#[tokio::test]
async fn a_database_from_before_the_takedown_columns_is_upgraded_on_open() {
    use jiff::Timestamp;
    use wiredesk_model::{PubStatus, StoryEvent, StoryId};

    use crate::{EventLog, Listing, Stories};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wiredesk.db");
    let at: Timestamp = "2026-11-28T06:00:00Z".parse().unwrap();
    {
        let store = SqliteStore::open(&path).await.unwrap();
        conformance::a_published_story_is_listed_newest_first(&store).await;
        store
            .append(conformance::at_time(
                vec![StoryEvent::Killed {
                    id: StoryId::for_uri("a"),
                    reason: "agency kill".into(),
                }],
                at + jiff::SignedDuration::from_hours(3),
            ))
            .await
            .unwrap();
        // Back to the first release's `stories` table.
        sqlx::raw_sql(
            "DROP INDEX stories_taken_down;
             DROP INDEX stories_by_status;
             DROP INDEX stories_advisories;
             DROP INDEX stories_by_agency_status;
             DROP INDEX stories_advisories_by_agency;
             ALTER TABLE stories DROP COLUMN went_live;
             ALTER TABLE stories DROP COLUMN taken_down_at;",
        )
        .execute(&store.pool)
        .await
        .unwrap();
    }
    let store = SqliteStore::open(&path).await.unwrap();
    let now = at + jiff::SignedDuration::from_hours(5);
    let listing = Listing {
        limit: 10,
        ..Listing::default()
    };
    let killed = store
        .taken_down(PubStatus::Canceled, &listing, now)
        .await
        .unwrap();
    assert_eq!(
        killed.iter().map(|s| s.uri.as_str()).collect::<Vec<_>>(),
        ["a"]
    );
    let live = store.live(&listing, now).await.unwrap();
    assert_eq!(
        live.iter().map(|s| s.uri.as_str()).collect::<Vec<_>>(),
        ["c", "b"]
    );
}

#[tokio::test]
async fn a_database_from_before_the_summaries_fills_them_on_open() {
    use jiff::{Timestamp, ToSpan};

    use crate::{EventLog, Stories};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wiredesk.db");
    let at: Timestamp = "2026-11-28T06:00:00Z".parse().unwrap();
    let now = at + 5.hours();
    let (days, topics, sections, desk) = {
        let store = SqliteStore::open(&path).await.unwrap();
        for (uri, topic) in [("a", "sports"), ("b", "sports"), ("c", "world")] {
            let story = conformance::sample_story(uri, "AP", topic, at);
            conformance::publish(&store, story, at).await;
        }
        let got = (
            store.live_days(now).await.unwrap(),
            store.topics(now).await.unwrap(),
            store.sections_modified(now).await.unwrap(),
            store
                .queue_counts(&crate::QueueFilter::default(), now)
                .await
                .unwrap(),
        );
        // Back to before the summaries and the topics' copy of `modified`.
        sqlx::raw_sql(
            "DROP TABLE story_days;
             DROP TABLE topic_stories;
             DROP TABLE desk_counts;
             DROP INDEX story_topics_by_modified;
             ALTER TABLE story_topics DROP COLUMN modified;",
        )
        .execute(&store.pool)
        .await
        .unwrap();
        got
    };
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.topics(now).await.unwrap(), topics);
    assert_eq!(store.sections_modified(now).await.unwrap(), sections);
    let by_topic = crate::QueueFilter {
        topic: Some("sports".into()),
        ..Default::default()
    };
    assert_eq!(
        store.queue_counts(&Default::default(), now).await.unwrap(),
        desk
    );
    assert_eq!(desk.total(), 3);
    assert_eq!(store.queue_counts(&by_topic, now).await.unwrap().total(), 2);
    let filled = store.live_days(now).await.unwrap();
    assert_eq!(filled.len(), 1);
    assert_eq!(
        (filled[0].start, filled[0].stories),
        (days[0].start, days[0].stories)
    );
    // Later folds keep adding to what was filled.
    store.rebuild_projections().await.unwrap();
    assert_eq!(store.live_days(now).await.unwrap(), days);
    assert_eq!(
        store.queue_counts(&Default::default(), now).await.unwrap(),
        desk
    );
}

#[tokio::test]
async fn two_processes_on_one_file_share_one_writer_and_decide_in_turn() {
    use conformance::two_processes;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wiredesk.db");
    let first = SqliteStore::open(&path).await.unwrap();
    let second = SqliteStore::open(&path).await.unwrap();
    two_processes::one_writer_lease_at_a_time(&first, &second).await;
    two_processes::one_decision_at_a_time(&first, &second).await;
}
