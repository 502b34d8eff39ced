//! The outgoing purge hook: a projection of the event log that tells a CDN (or any cache in
//! front of the site) which URLs and surrogate keys a change touched, so a kill or an update
//! leaves the edge as fast as it leaves the site.
//!
//! Every event after the one current when the hook was first configured is sent, in order, as
//! `POST purge_url {"urls": [...], "surrogate_keys": [...], "events": [seq...]}`. A delivery
//! that fails is retried with back-off for as long as it takes (the hook shows as failing on
//! `/healthz` meanwhile); the hook is told the same URLs again rather than missing a kill.
//! Its position in the log is kept in the store (`follower_position`), so a restart or a
//! crash resends from there. Apart from that position it never writes the store.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use wiredesk_model::{Story, StoryEvent, StoryId, Topic, story_path};
use wiredesk_store::followers::{Backoff, Followers};
use wiredesk_store::{RecordedEvent, Store};

use crate::config::SiteConfig;

/// The feeds the site and each of its sections publish.
const FEEDS: [&str; 3] = ["feed.xml", "atom.xml", "feed.json"];
/// Events read from the log per delivery.
const BATCH: usize = 500;
/// This follower's name on the board, in `/healthz` and `/metrics`.
pub const NAME: &str = "purge";

/// What one batch of events touched.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purge {
    pub urls: BTreeSet<String>,
    pub keys: BTreeSet<String>,
}

impl Purge {
    /// Add every surface `story` appears on (or appeared on until this event).
    pub fn story(&mut self, config: &SiteConfig, story: &Story, old_headline: Option<&str>) {
        let id = &story.id;
        let mut paths = vec![
            format!("/story/{id}"),
            story_path(id, &story.headline, story.language.as_deref()),
            "/".into(),
            "/search".into(),
            format!("/api/v1/stories/{id}"),
            "/api/v1/stories".into(),
            "/api/v1/search".into(),
            "/sitemap.xml".into(),
            "/sitemap-news.xml".into(),
            "/sitemaps/sections.xml".into(),
        ];
        if let Some(old) = old_headline {
            paths.push(story_path(id, old, story.language.as_deref()));
        }
        // Its day's story sitemap; a day past one file's worth has later pages, which the
        // `sitemaps` key reaches.
        if let Some(went_live) = story.went_live() {
            paths.push(crate::seo::stories_file(went_live, 1));
        }
        for feed in FEEDS {
            paths.push(format!("/{feed}"));
        }
        self.urls
            .extend(paths.into_iter().map(|p| config.absolute(&p)));
        let mut sections = vec![format!("agency/{}", story.agency.slug)];
        sections.extend(story.topics.iter().map(|t| format!("topic/{}", t.slug)));
        self.sections(config, &sections);
        self.keys.extend(story_keys(story));
    }

    /// Topics the desk took `story` off: their pages showed it until now.
    pub fn topics_left(&mut self, config: &SiteConfig, removed: &[Topic]) {
        let sections: Vec<String> = removed
            .iter()
            .map(|t| format!("topic/{}", t.slug))
            .collect();
        self.sections(config, &sections);
        self.keys.extend(removed.iter().map(topic_key));
    }

    /// A section's page (`agency/ians`, `topic/india`) and its feeds.
    fn sections(&mut self, config: &SiteConfig, sections: &[String]) {
        for section in sections {
            self.urls.insert(config.absolute(&format!("/{section}")));
            for feed in FEEDS {
                self.urls
                    .insert(config.absolute(&format!("/{section}/{feed}")));
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.urls.is_empty()
    }
}

/// The surrogate keys a change to `story` touches: its own (every page showing it carries
/// it), its agency's and topics' pages, and the lists every story is on (home, feeds,
/// sitemaps, the API). The page cache and the purge hook both drop by these.
pub fn story_keys(story: &Story) -> impl Iterator<Item = String> + '_ {
    [
        crate::cache::story_key(&story.id),
        format!("agency-{}", story.agency.slug),
        "home".into(),
        "feeds".into(),
        "sitemaps".into(),
        "api".into(),
    ]
    .into_iter()
    .chain(story.topics.iter().map(topic_key))
}

/// The topics the desk took stories off in `events`: the pages of a topic a story left
/// are touched like those of the topics it is in (the page cache and the purge hook alike).
pub(crate) fn topics_left(events: &[RecordedEvent]) -> Vec<Topic> {
    events
        .iter()
        .filter_map(|recorded| match &recorded.event {
            StoryEvent::TopicsEdited { removed, .. } => Some(removed.iter().cloned()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The surrogate key of a topic's pages.
pub(crate) fn topic_key(topic: &Topic) -> String {
    format!("topic-{}", topic.slug)
}

/// What readers could see changes with this event: everything but the arrival of copy that
/// is not published yet (its `Published` event follows when it is).
fn touches_readers(event: &StoryEvent) -> bool {
    !matches!(event, StoryEvent::Ingested { .. })
}

/// The stories a run of events changed for readers, each once, with whether its headline
/// (and so its page's address) may have changed.
pub(crate) fn touched(events: &[RecordedEvent]) -> BTreeMap<StoryId, bool> {
    let mut touched: BTreeMap<StoryId, bool> = BTreeMap::new();
    for recorded in events.iter().filter(|e| touches_readers(&e.event)) {
        let renamed = matches!(
            recorded.event,
            StoryEvent::HeadlineEdited { .. } | StoryEvent::Updated { .. }
        );
        *touched
            .entry(recorded.event.story_id().clone())
            .or_default() |= renamed;
    }
    touched
}

/// The purge for a run of events: each story they touched is read from the store once,
/// however many of its events the run holds (an arrival is `Ingested` then `Published`).
pub async fn purge_for(
    store: &dyn Store,
    config: &SiteConfig,
    events: &[RecordedEvent],
) -> Result<Purge, wiredesk_store::StoreError> {
    // The page's address carries the headline's slug: when the headline changes, the address
    // under the agency's headline (what it had before any rewrite) goes too.
    let touched = touched(events);
    let ids: Vec<StoryId> = touched.keys().cloned().collect();
    let mut purge = Purge::default();
    for story in store.stories(&ids).await? {
        let renamed = touched.get(&story.id).copied().unwrap_or(false);
        let old_headline = renamed.then(|| story.agency_headline.clone());
        purge.story(config, &story, old_headline.as_deref());
    }
    purge.topics_left(config, &topics_left(events));
    Ok(purge)
}

/// Follow the log and send each change to `config.purge_url`, from where the hook last got
/// to (kept in the store, so a restart resends rather than skips) or, the first time, from
/// the log's end. Does nothing when no hook is configured.
pub fn spawn(store: Arc<dyn Store>, config: Arc<SiteConfig>, board: Followers, every: Duration) {
    if config.purge_url.trim().is_empty() {
        return;
    }
    tokio::spawn(async move {
        let client = crate::http_client();
        let mut backoff = Backoff::new();
        let mut after = loop {
            let saved = match store.follower_position(NAME).await {
                Ok(Some(seq)) => Ok(seq),
                Ok(None) => store.latest_seq().await,
                Err(e) => Err(e),
            };
            match saved {
                Ok(seq) => break seq,
                Err(e) => {
                    tracing::warn!("purge hook cannot read the log yet: {e}");
                    board.failed(NAME);
                    tokio::time::sleep(backoff.failed()).await;
                }
            }
        };
        board.reached(NAME, after);
        let mut wake = board.wake();
        loop {
            match purge_after(store.as_ref(), &config, &client, after).await {
                Ok(Some(last)) => {
                    after = last;
                    board.reached(NAME, after);
                    backoff.succeeded();
                    continue;
                }
                Ok(None) => {
                    board.reached(NAME, after);
                    Followers::next_look(&mut wake, every).await;
                }
                Err(e) => {
                    tracing::warn!("purge hook: {e}");
                    board.failed(NAME);
                    tokio::time::sleep(backoff.failed()).await;
                }
            }
        }
    });
}

/// Why the purge hook could not send a run of events.
#[derive(Debug, thiserror::Error)]
enum PurgeError {
    #[error("cannot read the log or the stories: {0}")]
    Store(#[from] wiredesk_store::StoreError),
    #[error("the hook answered {0}")]
    HookAnswered(reqwest::StatusCode),
    /// Held without its URL: a CDN's purge URL often carries its API key.
    #[error("the hook is unreachable: {0}")]
    HookUnreachable(reqwest::Error),
}

/// Send the purge for the events after `after`; returns the last one sent, `None` when there
/// was nothing new. The position is saved only once the hook took the purge.
async fn purge_after(
    store: &dyn Store,
    config: &SiteConfig,
    client: &reqwest::Client,
    after: i64,
) -> Result<Option<i64>, PurgeError> {
    let events = store.events_after(after, BATCH).await?;
    let Some(last) = events.last().map(|e| e.seq) else {
        return Ok(None);
    };
    let purge = purge_for(store, config, &events).await?;
    if !purge.is_empty() {
        let body = json!({
            "urls": purge.urls,
            "surrogate_keys": purge.keys,
            "events": events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        });
        deliver(client, &config.purge_url, &body).await?;
    }
    store.save_follower_position(NAME, last).await?;
    Ok(Some(last))
}

/// One delivery; the caller tries the run again with its back-off until the hook takes it,
/// so a kill is never skipped.
async fn deliver(
    client: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
) -> Result<(), PurgeError> {
    let sent = client
        .post(url)
        .timeout(Duration::from_secs(10))
        .json(body)
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => Err(PurgeError::HookAnswered(r.status())),
        Err(e) => Err(PurgeError::HookUnreachable(e.without_url())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiredesk_model::{Topic, testing};

    #[test]
    fn the_topics_the_desk_took_a_story_off_are_purged_too() {
        let config = SiteConfig {
            base_url: "https://news.example".into(),
            ..SiteConfig::default()
        };
        let mut purge = Purge::default();
        purge.topics_left(
            &config,
            &[Topic {
                slug: "health".into(),
                name: "Health".into(),
                origin: wiredesk_model::TopicOrigin::Rule,
            }],
        );
        for url in [
            "topic/health",
            "topic/health/feed.xml",
            "topic/health/atom.xml",
        ] {
            assert!(purge.urls.contains(&format!("https://news.example/{url}")));
        }
        assert_eq!(purge.keys.into_iter().collect::<Vec<_>>(), ["topic-health"]);
    }

    #[test]
    fn a_story_purges_its_page_lists_feeds_sitemaps_and_api() {
        let config = SiteConfig {
            base_url: "https://news.example".into(),
            ..SiteConfig::default()
        };
        let mut story = testing::story(
            "urn:x",
            "Rivers rise in Assam",
            "Floods.",
            "2026-11-28T06:00:00Z".parse().unwrap(),
        );
        story.topics = vec![Topic {
            slug: "india".into(),
            name: "India".into(),
            origin: wiredesk_model::TopicOrigin::Wire,
        }];
        story.published = Some("2026-11-28T06:30:00Z".parse().unwrap());
        let mut purge = Purge::default();
        purge.story(&config, &story, Some("Old headline"));
        let id = &story.id;
        for url in [
            format!("https://news.example/story/{id}/rivers-rise-in-assam"),
            format!("https://news.example/story/{id}/old-headline"),
            "https://news.example/".to_string(),
            "https://news.example/topic/india".to_string(),
            "https://news.example/topic/india/feed.xml".to_string(),
            "https://news.example/agency/ap/atom.xml".to_string(),
            "https://news.example/feed.json".to_string(),
            "https://news.example/sitemap-news.xml".to_string(),
            "https://news.example/sitemaps/stories-2026-11-28.xml".to_string(),
            format!("https://news.example/api/v1/stories/{id}"),
        ] {
            assert!(
                purge.urls.contains(&url),
                "{url} missing from {:?}",
                purge.urls
            );
        }
        for key in [
            format!("story-{id}"),
            "topic-india".into(),
            "agency-ap".into(),
        ] {
            assert!(purge.keys.contains(&key), "{key}");
        }
    }
}
