//! The side lists' promises, checked on the embedded store and index: Hot this week is the
//! most read of the last 7 days, Topics never repeats it, Related is never the story itself.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::{Timestamp, ToSpan};
use wiredesk_index::SearchIndex;
use wiredesk_model::{StoryEvent, StoryId, Topic};
use wiredesk_store::{SqliteStore, Store};

use crate::{AppState, SiteConfig};

fn now() -> Timestamp {
    Timestamp::now()
}

async fn state_with(stories: &[(&str, &str, &str, i64)]) -> AppState {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    for (uri, topic, body, hours_ago) in stories {
        let at = now() - hours_ago.hours();
        let mut story = wiredesk_model::testing::story(uri, &format!("Headline {uri}"), body, at);
        story.topics = vec![Topic {
            slug: topic.to_string(),
            name: topic.to_string(),
        }];
        let id = story.id.clone();
        store
            .append(vec![
                (
                    StoryEvent::Ingested {
                        story: Box::new(story),
                    },
                    at,
                ),
                (StoryEvent::Published { id: id.clone() }, at),
            ])
            .await
            .unwrap();
        index
            .upsert(&store.story(&id).await.unwrap().unwrap())
            .unwrap();
    }
    index.commit().unwrap();
    AppState::new(store, index, SiteConfig::default()).unwrap()
}

fn uris(stories: &[wiredesk_model::Story]) -> Vec<String> {
    stories.iter().map(|s| s.uri.clone()).collect()
}

#[tokio::test]
async fn hot_this_week_is_the_most_read_live_stories_then_the_latest() {
    let state = state_with(&[
        ("a", "world", "Alpha copy.", 1),
        ("b", "world", "Bravo copy.", 2),
        ("c", "sports", "Charlie copy.", 3),
        ("d", "sports", "Delta copy.", 4),
        ("old", "sports", "Old copy.", 200),
        ("e", "india", "Echo copy.", 5),
        ("f", "india", "Foxtrot copy.", 6),
    ])
    .await;
    let id = |u: &str| StoryId::for_uri(u);
    state
        .store
        .record_views(&[
            (id("c"), now(), 9),
            (id("e"), now(), 4),
            (id("old"), now(), 50),
            (id("b"), now() - 200.hours(), 99),
        ])
        .await
        .unwrap();
    // A killed story drops out however much it was read.
    state
        .store
        .record_views(&[(id("d"), now(), 7)])
        .await
        .unwrap();
    state
        .store
        .append(vec![(
            StoryEvent::Killed {
                id: id("d"),
                reason: "legal".into(),
            },
            now(),
        )])
        .await
        .unwrap();
    let hot = state.hot_this_week(now(), &HashSet::new()).await;
    // c and e by views; "old" is outside the 7 days; b's views are too old; then the latest.
    assert_eq!(uris(&hot), ["c", "e", "a", "b", "f"]);
    let without_c = state.hot_this_week(now(), &HashSet::from([id("c")])).await;
    assert!(!uris(&without_c).contains(&"c".to_string()));
}

#[tokio::test]
async fn topics_never_repeat_what_is_already_shown() {
    let state = state_with(&[
        ("a", "world", "Alpha copy.", 1),
        ("b", "world", "Bravo copy.", 2),
        ("c", "sports", "Charlie copy.", 3),
        ("d", "sports", "Delta copy.", 4),
    ])
    .await;
    let shown: HashSet<StoryId> = [StoryId::for_uri("a"), StoryId::for_uri("c")].into();
    let blocks = state.topic_blocks(now(), &shown, 3).await;
    let listed: Vec<&str> = blocks
        .iter()
        .flat_map(|b| b.cards.iter().map(|c| c.headline.as_str()))
        .collect();
    assert_eq!(blocks.len(), 2);
    assert!(
        listed.contains(&"Headline b") && listed.contains(&"Headline d"),
        "{listed:?}"
    );
    assert!(
        !listed.contains(&"Headline a") && !listed.contains(&"Headline c"),
        "{listed:?}"
    );
}

#[tokio::test]
async fn related_finds_the_same_subject_and_never_the_story_itself() {
    let state = state_with(&[
        (
            "rate1",
            "business",
            "The central bank kept the repo rate unchanged as inflation eased.",
            1,
        ),
        (
            "rate2",
            "business",
            "Economists expected the central bank to hold the repo rate; inflation eased.",
            2,
        ),
        (
            "flood",
            "india",
            "Monsoon floods displaced thousands of families in Assam.",
            3,
        ),
    ])
    .await;
    let story = state
        .store
        .story(&StoryId::for_uri("rate1"))
        .await
        .unwrap()
        .unwrap();
    let related = state.related(&story, now()).await;
    assert_eq!(related.first().map(|s| s.uri.as_str()), Some("rate2"));
    assert!(related.iter().all(|s| s.uri != "rate1"));
}
