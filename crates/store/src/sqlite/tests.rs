use super::SqliteStore;
use crate::conformance;

macro_rules! sqlite_conformance {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let store = SqliteStore::in_memory().await.unwrap();
            conformance::$name(&store).await;
        }
    )*};
}

sqlite_conformance!(
    a_published_story_is_listed_newest_first,
    a_kill_takes_the_story_out_of_every_listing,
    an_embargoed_story_is_hidden_until_its_time,
    topic_and_agency_listings_filter,
    keyset_cursor_never_repeats_or_skips,
    the_log_rebuilds_the_same_projection,
    most_viewed_counts_only_the_window,
    history_keeps_every_version,
);

#[tokio::test]
async fn a_file_database_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wiredesk.db");
    {
        let store = SqliteStore::open(&path).await.unwrap();
        conformance::a_published_story_is_listed_newest_first(&store).await;
    }
    let store = SqliteStore::open(&path).await.unwrap();
    let all = crate::Store::all_stories(&store).await.unwrap();
    assert_eq!(
        all.len(),
        3,
        "stories committed before the restart are all there"
    );
}
