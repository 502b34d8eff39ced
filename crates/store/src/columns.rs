//! What both SQL backends share: how a story maps to its projection row's columns, how events
//! fold into a story's next state, times as microseconds, a listing's bounds, and reading
//! stored stories and events back.
//! Must not: hold SQL. Each backend writes its own statements around these values, so a rule
//! such as "a story is live from its publication or the end of its embargo" is written once.

use jiff::Timestamp;
use wiredesk_model::{Story, StoryEvent, StoryId};

use crate::{DeskStatus, Listing, RecordedEvent, Result, StoreError, StoryHeader};

pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub(crate) fn from_micros(us: i64) -> Timestamp {
    Timestamp::from_microsecond(us).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Hours since the epoch: the bucket page views are counted in.
pub(crate) fn hour_of(t: Timestamp) -> i64 {
    t.as_second().div_euclid(3600)
}

/// A story's projection row, as the `stories` table's columns hold it.
pub(crate) struct StoryColumns<'a> {
    pub(crate) id: &'a str,
    pub(crate) uri: &'a str,
    pub(crate) version: i64,
    pub(crate) pubstatus: &'static str,
    pub(crate) agency: &'a str,
    /// When readers may see it, if ever: its publication, or its embargo if later, and only
    /// while usable.
    pub(crate) live_from: Option<i64>,
    /// The same moment whatever its status now; `None` while never published.
    pub(crate) went_live: Option<i64>,
    pub(crate) headline: &'a str,
    pub(crate) language: Option<&'a str>,
    pub(crate) modified: i64,
    pub(crate) first_published: i64,
    /// When the embargo clock owes the story its `EmbargoLifted` event; `None` when it owes none.
    pub(crate) embargo_lift_at: Option<i64>,
    pub(crate) pinned_at: Option<i64>,
    /// The whole story, as JSON.
    pub(crate) doc: String,
}

impl<'a> StoryColumns<'a> {
    pub(crate) fn of(story: &'a Story) -> StoryColumns<'a> {
        let went_live = story.went_live().map(micros);
        StoryColumns {
            id: story.id.as_str(),
            uri: &story.uri,
            version: story.version as i64,
            pubstatus: story.pubstatus.as_str(),
            agency: &story.agency.slug,
            live_from: story.live_from().map(micros),
            went_live,
            headline: &story.headline,
            language: story.language.as_deref(),
            modified: micros(story.modified()),
            first_published: micros(story.first_published()),
            embargo_lift_at: story.awaits_embargo().then_some(went_live).flatten(),
            pinned_at: story.pinned_at.map(micros),
            doc: serde_json::to_string(story).expect("a Story always serializes"),
        }
    }
}

/// A `StoryHeader` from the header columns (`id, headline, language, agency, live_from,
/// modified, first_published`), as both backends select them.
pub(crate) fn header_from_columns(
    id: String,
    headline: Option<String>,
    language: Option<String>,
    agency_slug: String,
    live_from: i64,
    modified: Option<i64>,
    first_published: Option<i64>,
) -> StoryHeader {
    StoryHeader {
        id: StoryId(id),
        headline: headline.unwrap_or_default(),
        language,
        agency_slug,
        went_live: from_micros(live_from),
        modified: from_micros(modified.unwrap_or_default()),
        first_published: from_micros(first_published.unwrap_or_default()),
    }
}

/// Whether folding `event` needs the story's stored state: an ingest starts a new story.
pub(crate) fn needs_stored_state(event: &StoryEvent) -> bool {
    !matches!(event, StoryEvent::Ingested { .. })
}

/// The stories of a batch whose first event in it needs their stored state, each once: what
/// a batch append reads from the store in one query.
pub(crate) fn stories_needing_stored_state(events: &[(StoryEvent, Timestamp)]) -> Vec<StoryId> {
    let mut seen = std::collections::HashSet::new();
    events
        .iter()
        .filter(|(event, _)| seen.insert(event.story_id()) && needs_stored_state(event))
        .map(|(event, _)| event.story_id().clone())
        .collect()
}

/// A batch folded in order: the states its rows must be written through (only those a row's
/// end depends on, `row_sql::states_that_count`, so a story ingested and published in one
/// batch is written once) and what it changes in the summaries. `stored` holds the state
/// before the batch of each story `stories_needing_stored_state` named that the store has.
pub(crate) fn fold_batch(
    events: &[(StoryEvent, Timestamp)],
    stored: Vec<Story>,
) -> Result<(Vec<(Story, Timestamp)>, SummaryChanges)> {
    let mut current: std::collections::HashMap<StoryId, Story> =
        stored.into_iter().map(|s| (s.id.clone(), s)).collect();
    let mut states: Vec<(Story, Timestamp)> = Vec::with_capacity(events.len());
    let mut summaries = SummaryChanges::default();
    for (event, at) in events {
        let id = event.story_id();
        let before = current.remove(id);
        let next = next_state(event, before.clone(), *at)?;
        if let Some(story) = next {
            summaries.fold(before.as_ref(), &story, *at);
            states.push((story.clone(), *at));
            current.insert(id.clone(), story);
        }
    }
    Ok((crate::row_sql::states_that_count(states), summaries))
}

/// The story's state after `event`, from its state before (`None`: no such story yet).
/// Only an ingest or an update may name a story the store does not have.
pub(crate) fn next_state(
    event: &StoryEvent,
    current: Option<Story>,
    at: Timestamp,
) -> Result<Option<Story>> {
    let may_start = matches!(
        event,
        StoryEvent::Ingested { .. } | StoryEvent::Updated { .. }
    );
    if current.is_none() && !may_start {
        return Err(StoreError::UnknownStory(event.story_id().clone()));
    }
    Ok(event.apply(current, at))
}

/// The range of live times a listing asks for, as inclusive bounds in microseconds, and its
/// keyset cursor (`i64::MAX` and an id above every id when there is none).
pub(crate) struct Bounds {
    pub(crate) lowest: i64,
    pub(crate) highest: i64,
    pub(crate) before_t: i64,
    pub(crate) before_id: String,
}

impl Bounds {
    pub(crate) fn of(listing: &Listing, now: Timestamp) -> Bounds {
        let mut highest = micros(now);
        if let Some(until) = listing.until {
            highest = highest.min(micros(until).saturating_sub(1));
        }
        let (before_t, before_id) = match &listing.before {
            Some((t, id)) => (micros(*t), id.as_str().to_string()),
            None => (i64::MAX, "\u{10FFFF}".to_string()),
        };
        Bounds {
            lowest: listing.since.map_or(i64::MIN, micros),
            highest,
            before_t,
            before_id,
        }
    }
}

/// The queue's text filter as a LIKE pattern (`\` escapes), or `None` when there is no text.
pub(crate) fn like_pattern(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(|t| {
        let escaped = t
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    })
}

pub(crate) fn decode_story(doc: &str) -> Result<Story> {
    serde_json::from_str(doc).map_err(|source| StoreError::Corrupt { seq: -1, source })
}

pub(crate) fn decode_event(seq: i64, at: i64, payload: &str) -> Result<RecordedEvent> {
    let event =
        serde_json::from_str(payload).map_err(|source| StoreError::Corrupt { seq, source })?;
    Ok(RecordedEvent {
        seq,
        at: from_micros(at),
        event,
    })
}

/// A day's length in microseconds: story sitemap files are cut by the UTC day a story went
/// live, a key that never moves when later stories land.
pub(crate) const DAY_MICROS: i64 = 86_400_000_000;

/// The UTC day (days since the epoch) of a time in microseconds.
pub(crate) fn day_of(us: i64) -> i64 {
    us.div_euclid(DAY_MICROS)
}

/// Midnight UTC starting `day`.
pub(crate) fn day_start(day: i64) -> Timestamp {
    from_micros(day.saturating_mul(DAY_MICROS))
}

/// What the stored summaries (`story_days`, `topic_stories`, `desk_counts`) gain from a batch
/// of folds, as the rows to upsert: a day's count of stories with a `live_from` and the newest
/// time its sitemap file changed, a topic's count of stories with a `live_from`, and the desk's
/// count of every story by agency, topic and stored status. Counts are of stored columns, not
/// of live-at-now: a story under embargo is counted from its fold, and the readers subtract
/// those still in the future (`Stories::live_days`, `topics`, `queue_counts`), so the rule of
/// liveness stays `live_from <= now`, once.
#[derive(Debug, Default)]
pub(crate) struct SummaryChanges {
    /// day -> (change in count, newest change to its file, in microseconds)
    pub(crate) days: std::collections::BTreeMap<i64, (i64, i64)>,
    /// topic slug -> (change in count, its name)
    pub(crate) topics: std::collections::BTreeMap<String, (i64, String)>,
    /// (agency or topic, its slug, stored desk status, advisory) -> change in count
    pub(crate) desk: std::collections::BTreeMap<DeskKey, i64>,
}

/// A row of the `desk_counts` summary: the stories of one agency (or one topic) with one
/// stored desk status (`stored_desk_status`), advisories or not.
pub(crate) type DeskKey = (DeskScope, String, &'static str, bool);

/// What a `desk_counts` row counts the stories of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DeskScope {
    Agency,
    Topic,
}

impl DeskScope {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DeskScope::Agency => "agency",
            DeskScope::Topic => "topic",
        }
    }
}

/// A story's desk status as `desk_counts` keeps it: `DeskStatus::of` at the end of time, so a
/// story with a publication time counts as live, embargo or not. Which of those are still
/// embargoed depends on `now`, and the readers move them (`queue_sql::summary_counts`).
pub(crate) fn stored_desk_status(story: &Story) -> DeskStatus {
    DeskStatus::of(story, Timestamp::MAX)
}

/// The `desk_counts` rows a story is counted in: its agency's and each of its topics'.
fn desk_keys(story: &Story) -> std::collections::BTreeSet<DeskKey> {
    let status = stored_desk_status(story).as_str();
    let advisory = story.not_for_publication.is_some();
    std::iter::once((DeskScope::Agency, story.agency.slug.clone()))
        .chain(
            story
                .topics
                .iter()
                .map(|t| (DeskScope::Topic, t.slug.clone())),
        )
        .map(|(scope, key)| (scope, key, status, advisory))
        .collect()
}

/// What a story sitemap file shows of a story: the day it is filed under, and what its `<url>`
/// is made of (the path's headline and language, the lastmod); `None` when not listed.
fn sitemap_entry(story: &Story) -> Option<(i64, &str, Option<&str>, Timestamp)> {
    let live = story.live_from()?;
    Some((
        day_of(micros(live)),
        &story.headline,
        story.language.as_deref(),
        story.modified(),
    ))
}

impl SummaryChanges {
    /// A story went from `before` to `after` by an event that took effect at `at`.
    pub(crate) fn fold(&mut self, before: Option<&Story>, after: &Story, at: Timestamp) {
        let (was, is) = (before.and_then(sitemap_entry), sitemap_entry(after));
        if was != is {
            // Both files changed: the one it left (or changed in) and the one it is now in.
            for (entry, delta) in [(was, -1), (is, 1)] {
                if let Some((day, ..)) = entry {
                    let row = self.days.entry(day).or_insert((0, i64::MIN));
                    row.0 += delta;
                    row.1 = row.1.max(micros(at));
                }
            }
        }
        let had_keys = before.map(desk_keys).unwrap_or_default();
        let has_keys = desk_keys(after);
        for key in had_keys.difference(&has_keys) {
            *self.desk.entry(key.clone()).or_default() -= 1;
        }
        for key in has_keys.difference(&had_keys) {
            *self.desk.entry(key.clone()).or_default() += 1;
        }
        let live_topics = |s: Option<&Story>| -> std::collections::BTreeMap<String, String> {
            s.filter(|s| s.live_from().is_some())
                .map(|s| {
                    s.topics
                        .iter()
                        .map(|t| (t.slug.clone(), t.name.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (had, has) = (live_topics(before), live_topics(Some(after)));
        for (slug, name) in &had {
            if !has.contains_key(slug) {
                let row = self.topics.entry(slug.clone()).or_insert((0, name.clone()));
                row.0 -= 1;
            }
        }
        for (slug, name) in has {
            if !had.contains_key(&slug) {
                let row = self.topics.entry(slug).or_insert((0, String::new()));
                row.0 += 1;
                row.1 = name;
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.days.is_empty() && self.topics.is_empty() && self.desk_rows().next().is_none()
    }

    /// The desk rows that change, as (scope, slug, status, advisory 0 or 1, change in count).
    pub(crate) fn desk_rows(
        &self,
    ) -> impl Iterator<Item = (&'static str, &str, &'static str, i64, i64)> {
        self.desk
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|((scope, key, status, advisory), n)| {
                (
                    scope.as_str(),
                    key.as_str(),
                    *status,
                    i64::from(*advisory),
                    *n,
                )
            })
    }

    /// The desk rows as JSON arrays (SQLite's `json_each`).
    pub(crate) fn desk_json(&self) -> String {
        let rows: Vec<_> = self.desk_rows().collect();
        serde_json::to_string(&rows).expect("strings and numbers serialize")
    }

    /// The day rows as JSON `[day, count change, changed]` arrays (SQLite's `json_each`).
    pub(crate) fn days_json(&self) -> String {
        let rows: Vec<(i64, i64, i64)> = self.days.iter().map(|(d, (n, c))| (*d, *n, *c)).collect();
        serde_json::to_string(&rows).expect("numbers serialize")
    }

    /// The topic rows as JSON `[slug, count change, name]` arrays, changes of zero left out.
    pub(crate) fn topics_json(&self) -> String {
        let rows: Vec<(&str, i64, &str)> = self
            .topics
            .iter()
            .filter(|(_, (n, _))| *n != 0)
            .map(|(slug, (n, name))| (slug.as_str(), *n, name.as_str()))
            .collect();
        serde_json::to_string(&rows).expect("strings and numbers serialize")
    }
}

/// The stored day rows (day, count, changed) less the stories counted in them that go live
/// after `now` (their `live_from`s): the days with a story live at `now`, oldest first.
pub(crate) fn live_days(
    stored: Vec<(i64, i64, i64)>,
    future: &[i64],
    now: Timestamp,
) -> Vec<crate::LiveDay> {
    let today = day_of(micros(now));
    stored
        .into_iter()
        .filter(|(day, ..)| *day <= today)
        .filter_map(|(day, n, changed)| {
            let later = future.iter().filter(|t| day_of(**t) == day).count() as i64;
            let stories = n - later;
            (stories > 0).then(|| crate::LiveDay {
                start: day_start(day),
                stories: stories as u64,
                changed: from_micros(changed),
            })
        })
        .collect()
}

/// The stored topic rows (slug, name, count) less the stories counted in them that go live
/// after `now` (slug, how many): the topics with a story live at `now`, most stories first.
pub(crate) fn live_topics(
    stored: Vec<(String, String, i64)>,
    future: &[(String, i64)],
) -> Vec<crate::TopicCount> {
    let mut topics: Vec<crate::TopicCount> = stored
        .into_iter()
        .filter_map(|(slug, name, n)| {
            let later = future
                .iter()
                .find(|(s, _)| *s == slug)
                .map_or(0, |(_, n)| *n);
            let stories = n - later;
            (stories > 0).then_some(crate::TopicCount {
                slug,
                name,
                stories: stories as u64,
            })
        })
        .collect();
    topics.sort_by(|a, b| b.stories.cmp(&a.stories).then_with(|| a.slug.cmp(&b.slug)));
    topics
}
