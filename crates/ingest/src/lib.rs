//! ingest: runs deliveries through the pipeline — decode → normalize → enrich → editorial →
//! store — and reports what became of each file.
//!
//! Owns: the order of the stages, batching (one read of the stored stories and one store
//! transaction per batch; the stages that need no store run on every core, for the next batch
//! while the store writes this one: `prepare`, `Batches`), and the
//! per-file outcome (`ingested`, `updated`, `unchanged`, `rejected`), with the stories held as
//! not for publication listed and counted (`DeliveryReport::not_for_publication`, `Tally`), and
//! so are those held because they came without a headline (`awaiting_headline`).
//! Must not: parse formats, decide policy or write SQL itself (each stage's crate does that),
//! or write any projection: it only appends events. A delivery is accepted once its events
//! are committed to the log; the search index, the clusters and the caches follow the log on
//! their own (an append wakes the ones in this process through `Followers`).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use wiredesk_editorial::{
    Decision, DeskAction, DeskPolicy, EventTimes, NO_HEADLINE, decide_in_doubt,
    decide_kill_advisory, desk_action, is_kill_advisory, killed_story, updated_story,
};
use wiredesk_enrich::{TopicAssigner, TopicEvidence, detect_language};
use wiredesk_model::text::html_to_text;
use wiredesk_model::{Delivery, Story, StoryEvent, StoryId};
use wiredesk_normalize::{NormalizeContext, SYNTHESIZED_URI_PREFIX, to_story};
use wiredesk_store::followers::Followers;
use wiredesk_store::{QueueFilter, Store};

pub mod topic_model;

pub use topic_model::TopicClassifier;

/// What became of one delivered file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// At least one new story.
    Ingested,
    /// No new story, but at least one stored story changed (a newer version, a kill).
    Updated,
    /// Everything in it was already stored.
    Unchanged,
    /// Nothing in it could be used; `reason` says why.
    Rejected,
}

/// The report line for one file (`wiredesk ingest --report`).
#[derive(Clone, Debug, Serialize)]
pub struct DeliveryReport {
    pub path: PathBuf,
    pub outcome: Outcome,
    pub stories: Vec<StoryId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The stories of this file held on the desk as not for publication (advisories, notes to
    /// editors, service messages, tests), each with the reason the desk shows. A file of only
    /// such items is ingested, never published: every story is here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_for_publication: Vec<HeldNotForPublication>,
    /// The stories of this file that came without a headline: held on the desk until an
    /// editor writes one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awaiting_headline: Vec<StoryId>,
}

/// A story held on the desk as not for publication, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeldNotForPublication {
    pub story: StoryId,
    pub reason: String,
}

impl DeliveryReport {
    pub fn rejected(path: PathBuf, reason: impl Into<String>) -> DeliveryReport {
        DeliveryReport {
            path,
            outcome: Outcome::Rejected,
            stories: vec![],
            reason: Some(reason.into()),
            warnings: vec![],
            not_for_publication: vec![],
            awaiting_headline: vec![],
        }
    }
}

/// Counts for the closing summary line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub ingested: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    /// Stories the files held, each counted once however many of its versions came (the
    /// demo's two versions of one Assam floods story are one story, as on the site).
    pub stories: usize,
    /// Stories held on the desk as not for publication.
    pub not_for_publication: usize,
    /// Stories held on the desk until an editor writes the headline the agency did not send.
    pub awaiting_headline: usize,
    /// The stories counted in `stories` so far.
    counted: HashSet<StoryId>,
}

impl Tally {
    pub fn add(&mut self, report: &DeliveryReport) {
        match report.outcome {
            Outcome::Ingested => self.ingested += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Rejected => self.rejected += 1,
        }
        for id in &report.stories {
            if self.counted.insert(id.clone()) {
                self.stories += 1;
            }
        }
        self.not_for_publication += report.not_for_publication.len();
        self.awaiting_headline += report.awaiting_headline.len();
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Store(#[from] wiredesk_store::StoreError),
}

/// Why a delivery holds nothing the pipeline could take (`Pipeline::readable`).
#[derive(Debug, thiserror::Error)]
pub enum Unreadable {
    #[error(transparent)]
    Decode(#[from] wiredesk_decode::DecodeError),
    #[error("no stories in the file")]
    NoStories,
}

pub struct PipelineSettings {
    pub time_zone: TimeZone,
    pub default_agency: String,
    /// The agencies and their other names: one agency, one name, one page.
    pub agencies: wiredesk_model::Agencies,
    pub policy: DeskPolicy,
    pub topics: TopicAssigner,
    pub summary_chars: usize,
}

pub struct Pipeline {
    store: Arc<dyn Store>,
    settings: PipelineSettings,
    /// Where the log followers in this process report, and are woken when this appends.
    followers: Followers,
    /// The archive's topic model, for copy that arrives with no site topic.
    classifier: Option<TopicClassifier>,
    /// Held from reading a story's state to appending what was decided from it, by every
    /// writer (ingest, the desk, the embargo clock): a decision is never made on a state
    /// that another writer is about to change. The store's `decision` does the same across
    /// processes; this one keeps this process's writers from queueing there.
    writer: tokio::sync::Mutex<()>,
}

/// Why a desk action was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("no story {0}")]
    NotFound(StoryId),
    #[error("{0}")]
    Refused(#[from] wiredesk_editorial::Refusal),
    #[error(transparent)]
    Failed(#[from] IngestError),
}

/// A desk action that was recorded: the story before and after it.
#[derive(Clone, Debug)]
pub struct DeskChange {
    pub before: Story,
    pub after: Story,
}

/// A delivery through the stages that need no store (`Pipeline::prepare`): its items as
/// stories, or why the file could not be read.
pub struct Prepared {
    path: PathBuf,
    received: Timestamp,
    read: Result<PreparedFile, String>,
}

struct PreparedFile {
    warnings: Vec<String>,
    /// Each item as a story, or why it could not be made one, in the file's order.
    items: Vec<Result<Story, String>>,
}

/// The stored state of the stories a batch names, read in one query before its decisions.
struct StoredBefore {
    /// `None`: the store has no such story.
    known: HashMap<StoryId, Option<Story>>,
}

impl StoredBefore {
    async fn read(store: &dyn Store, batch: &[Prepared]) -> Result<StoredBefore, IngestError> {
        let mut known: HashMap<StoryId, Option<Story>> = HashMap::new();
        for file in batch {
            for story in file.read.iter().flat_map(|f| f.items.iter().flatten()) {
                known.entry(story.id.clone()).or_insert(None);
            }
        }
        let ids: Vec<StoryId> = known.keys().cloned().collect();
        for story in store.stories(&ids).await? {
            known.insert(story.id.clone(), Some(story));
        }
        Ok(StoredBefore { known })
    }

    /// The story as stored before the batch; one the batch did not name (a story a kill
    /// advisory names) is read on its own.
    async fn story(
        &mut self,
        store: &dyn Store,
        id: &StoryId,
    ) -> Result<Option<Story>, IngestError> {
        if let Some(s) = self.known.get(id) {
            return Ok(s.clone());
        }
        let s = store.story(id).await?;
        self.known.insert(id.clone(), s.clone());
        Ok(s)
    }
}

/// One item's decision within a batch, before anything is written.
enum ItemResult {
    New(StoryId),
    Changed(StoryId),
    Unchanged(StoryId),
}

impl Pipeline {
    pub fn new(store: Arc<dyn Store>, settings: PipelineSettings) -> Self {
        Pipeline {
            store,
            settings,
            followers: Followers::default(),
            classifier: None,
            writer: tokio::sync::Mutex::new(()),
        }
    }

    /// Give untagged copy topics from the archive's model, holding what it is unsure of.
    pub fn with_topic_classifier(mut self, classifier: TopicClassifier) -> Self {
        self.classifier = Some(classifier);
        self
    }

    pub fn policy(&self) -> &DeskPolicy {
        &self.settings.policy
    }

    /// Append to the log and tell this process's followers.
    async fn append(&self, events: Vec<(StoryEvent, Timestamp)>) -> Result<(), IngestError> {
        let recorded = self.store.append(events).await?;
        if let Some(last) = recorded.last() {
            self.followers.appended(last.seq);
        }
        Ok(())
    }

    /// The board of this process's log followers, which this pipeline wakes when it appends.
    pub fn followers(&self) -> &Followers {
        &self.followers
    }

    /// For copy that calls itself an update but carries no id of its own (plain text), the
    /// stored story it updates, if one matches (`wiredesk_editorial::updated_story`).
    async fn earlier_story(
        &self,
        story: &Story,
        pending: &HashMap<StoryId, Option<Story>>,
    ) -> Result<Option<Story>, IngestError> {
        if !story.uri.starts_with(SYNTHESIZED_URI_PREFIX) || story.signals.is_empty() {
            return Ok(None);
        }
        let recent = self.recent_from_agency(story, pending).await?;
        Ok(updated_story(story, &recent).cloned())
    }

    /// The agency's most recently changed stories, stored or earlier in this batch.
    async fn recent_from_agency(
        &self,
        story: &Story,
        pending: &HashMap<StoryId, Option<Story>>,
    ) -> Result<Vec<Story>, IngestError> {
        let mut recent = self
            .store
            .queue(
                &QueueFilter {
                    agency: Some(story.agency.slug.clone()),
                    limit: 200,
                    ..QueueFilter::default()
                },
                Timestamp::now(),
            )
            .await?;
        recent.extend(pending.values().flatten().cloned());
        Ok(recent)
    }

    /// Record an editor's action on a story (see `wiredesk_editorial::desk_action`).
    pub async fn desk_action(
        &self,
        id: &StoryId,
        action: &DeskAction,
        by: &str,
    ) -> Result<DeskChange, DeskError> {
        let _writing = self.writing().await?;
        let before = self
            .store
            .story(id)
            .await
            .map_err(IngestError::from)?
            .ok_or_else(|| DeskError::NotFound(id.clone()))?;
        let events = desk_action(&before, action, by).map_err(DeskError::Refused)?;
        let now = Timestamp::now();
        let mut after = Some(before.clone());
        for e in &events {
            after = e.apply(after, now);
        }
        self.append(events.into_iter().map(|e| (e, now)).collect())
            .await?;
        Ok(DeskChange {
            before,
            after: after.expect("a desk action never deletes a story"),
        })
    }

    /// Lift every embargo that has ended by `now`, and say when the next one ends.
    pub async fn lift_embargoes(&self, now: Timestamp) -> Result<Option<Timestamp>, IngestError> {
        let _writing = self.writing().await?;
        let pending = self.store.embargoes_pending().await?;
        let (due, later): (Vec<_>, Vec<_>) = pending.into_iter().partition(|(_, at)| *at <= now);
        if !due.is_empty() {
            // Each lift is recorded at the embargo's own time, not when the clock noticed, so
            // a site that was down at the moment still says the story went live on time.
            let events: Vec<(StoryEvent, Timestamp)> = due
                .iter()
                .map(|(id, at)| (StoryEvent::EmbargoLifted { id: id.clone() }, *at))
                .collect();
            self.append(events).await?;
        }
        Ok(later.first().map(|(_, at)| *at))
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The site's time zone, which dates datelines and the desk's clock.
    pub fn time_zone(&self) -> &TimeZone {
        &self.settings.time_zone
    }

    /// Whether the decoders find a story in `bytes`, deciding nothing: what the push API
    /// checks before it queues a delivery for the writer, so an agency still hears at once
    /// that its file is unreadable.
    pub fn readable(bytes: &[u8]) -> Result<(), Unreadable> {
        let decoded = wiredesk_decode::decode(bytes)?;
        if decoded.items.is_empty() {
            return Err(Unreadable::NoStories);
        }
        Ok(())
    }

    /// This process's turn to decide, then the site's (`Store::decision`).
    async fn writing(
        &self,
    ) -> Result<
        (
            tokio::sync::MutexGuard<'_, ()>,
            wiredesk_store::writer::Decision,
        ),
        IngestError,
    > {
        let turn = self.writer.lock().await;
        Ok((turn, self.store.decision().await?))
    }

    /// Whether nothing about the copy put the story in its topics: no subject code, feed
    /// category or keyword, at most the dateline's place. That is most IANS and PTI plain
    /// copy (filed from Indian cities, so in `india` by place), and it is what the archive's
    /// topic model is for.
    fn untagged(&self, story: &Story) -> bool {
        if story.topics.is_empty() {
            return true;
        }
        let by_place = self.settings.topics.assign(&TopicEvidence {
            subjects: &[],
            headline: "",
            opening: "",
            dateline_place: story.dateline.as_ref().and_then(|d| d.place.as_deref()),
        });
        story.topics.iter().all(|t| by_place.contains(t))
    }

    fn enrich(&self, story: &mut Story) {
        let opening = story
            .body_html
            .split("</p>")
            .next()
            .map(html_to_text)
            .unwrap_or_default();
        story.topics = self.settings.topics.assign(&TopicEvidence {
            subjects: &story.subjects,
            headline: &story.headline,
            opening: &opening,
            dateline_place: story.dateline.as_ref().and_then(|d| d.place.as_deref()),
        });
        if story.language.is_none() {
            story.language = detect_language(&html_to_text(&story.body_html));
        }
    }

    /// The stages that need no store and no turn to write — decode, normalize, enrich — for a
    /// batch of deliveries, the files in parallel. `ingest_prepared` then decides and appends;
    /// a caller with the next batch at hand may prepare it while the store writes this one.
    pub fn prepare(&self, deliveries: Vec<Delivery>) -> Vec<Prepared> {
        use rayon::prelude::*;
        deliveries
            .into_par_iter()
            .map(|delivery| self.prepare_one(delivery))
            .collect()
    }

    fn prepare_one(&self, delivery: Delivery) -> Prepared {
        let decoded = match wiredesk_decode::decode(&delivery.bytes) {
            Ok(d) => d,
            Err(e) => {
                return Prepared {
                    path: delivery.path,
                    received: delivery.received,
                    read: Err(e.to_string()),
                };
            }
        };
        let ctx = NormalizeContext {
            received: delivery.received,
            time_zone: &self.settings.time_zone,
            default_agency: &self.settings.default_agency,
            agencies: &self.settings.agencies,
            summary_chars: self.settings.summary_chars,
        };
        // The items in parallel too: one file may hold a thousand stories (Reuters-21578).
        use rayon::prelude::*;
        let items = decoded
            .items
            .into_par_iter()
            .map(|item| {
                let mut story = to_story(item, &ctx).map_err(|e| e.to_string())?;
                self.enrich(&mut story);
                Ok(story)
            })
            .collect();
        Prepared {
            path: delivery.path,
            received: delivery.received,
            read: Ok(PreparedFile {
                warnings: decoded.warnings,
                items,
            }),
        }
    }

    /// Run a batch of deliveries: decisions in arrival order, then one store transaction for
    /// the whole batch. If the transaction fails, no delivery in the batch
    /// is accepted and every report says so.
    pub async fn ingest_batch(
        &self,
        deliveries: Vec<Delivery>,
    ) -> Result<Vec<DeliveryReport>, IngestError> {
        let prepared = self.prepare(deliveries);
        self.ingest_prepared(prepared).await
    }

    /// Decide and append a prepared batch (`prepare`): one read of the stored stories it
    /// names, decisions in arrival order, then one store transaction for the whole batch.
    pub async fn ingest_prepared(
        &self,
        prepared: Vec<Prepared>,
    ) -> Result<Vec<DeliveryReport>, IngestError> {
        // Before the writer lock: reading a newly trained model must not hold up the desk.
        let model = self.classifier.as_ref().and_then(|c| c.current());
        let _writing = self.writing().await?;
        // The stored state of every story the batch names, read at once under the writer's
        // turn: a lookup per story was most of the time a batch took.
        let mut stored_before = StoredBefore::read(self.store.as_ref(), &prepared).await?;
        // The state each story will have once this batch's earlier events are applied.
        let mut pending: HashMap<StoryId, Option<Story>> = HashMap::new();
        let mut events: Vec<(StoryEvent, Timestamp)> = Vec::new();
        let mut reports = Vec::with_capacity(prepared.len());
        for file in prepared {
            let (path, received) = (file.path, file.received);
            let file = match file.read {
                Ok(f) => f,
                Err(reason) => {
                    reports.push(DeliveryReport::rejected(path, reason));
                    continue;
                }
            };
            let mut warnings = file.warnings;
            let mut results = Vec::new();
            let mut not_for_publication = Vec::new();
            let mut awaiting_headline = Vec::new();
            for item in file.items {
                let mut story = match item {
                    Ok(s) => s,
                    Err(e) => {
                        warnings.push(e);
                        continue;
                    }
                };
                let mut stored = match pending.get(&story.id) {
                    Some(s) => s.clone(),
                    None => stored_before.story(self.store.as_ref(), &story.id).await?,
                };
                // Copy with an id of its own is killed by its own version (pubstatus); a kill
                // advisory is plain copy that names another story.
                if is_kill_advisory(&story) && story.uri.starts_with(SYNTHESIZED_URI_PREFIX) {
                    let recent = self.recent_from_agency(&story, &pending).await?;
                    // A story already under the advisory's own id is the one it names: never
                    // overwrite it with the advisory.
                    let target = killed_story(&story, &recent).cloned().or(stored.clone());
                    let advisory_id = story.id.clone();
                    let (result, kill_events) = match decide_kill_advisory(story, target.as_ref()) {
                        Decision::Changed(e) => (ItemResult::Changed(e[0].story_id().clone()), e),
                        Decision::New(e) => (ItemResult::New(advisory_id), e),
                        Decision::Unchanged(why) => {
                            warnings.push(why);
                            (ItemResult::Unchanged(advisory_id), vec![])
                        }
                    };
                    for e in kill_events {
                        let id = e.story_id().clone();
                        let before = match pending.get(&id) {
                            Some(s) => s.clone(),
                            None => stored_before.story(self.store.as_ref(), &id).await?,
                        };
                        pending.insert(id, e.apply(before, received));
                        events.push((e, received));
                    }
                    results.push(result);
                    continue;
                }
                if stored.is_none()
                    && let Some(earlier) = self.earlier_story(&story, &pending).await?
                {
                    // An update of plain copy under a new headline: it replaces the story
                    // it follows, at that story's address.
                    story.uri = earlier.uri.clone();
                    story.id = earlier.id.clone();
                    story.version = story.version.max(earlier.version + 1);
                    stored = Some(earlier);
                }
                let id = story.id.clone();
                let times = EventTimes::of(&story, received);
                let doubt = match (&self.classifier, &model) {
                    (Some(classifier), Some(model)) if self.untagged(&story) => {
                        let classified = classifier.classify(model, &mut story);
                        tracing::info!(
                            story = %id,
                            topics = ?classified.given,
                            doubt = classified.doubt.as_deref().unwrap_or(""),
                            "untagged copy given topics by the archive's model"
                        );
                        classified.doubt
                    }
                    _ => None,
                };
                let (result, new_events) = match decide_in_doubt(
                    story,
                    stored.as_ref(),
                    &self.settings.policy,
                    doubt.as_deref(),
                ) {
                    Decision::New(e) => (ItemResult::New(id.clone()), e),
                    Decision::Changed(e) => (ItemResult::Changed(id.clone()), e),
                    Decision::Unchanged(why) => {
                        warnings.push(why);
                        (ItemResult::Unchanged(id.clone()), vec![])
                    }
                };
                let mut state = stored;
                let timed: Vec<(StoryEvent, Timestamp)> = new_events
                    .into_iter()
                    .map(|e| {
                        let at = times.at(&e);
                        (e, at)
                    })
                    .collect();
                for (e, at) in &timed {
                    state = e.apply(state, *at);
                }
                if let Some(held) = state
                    .as_ref()
                    .filter(|s| s.not_for_publication.is_some() && s.published.is_none())
                    && timed.iter().any(|(e, _)| e.kind() == "held")
                {
                    not_for_publication.push(HeldNotForPublication {
                        story: id.clone(),
                        reason: held.status_reason.clone().unwrap_or_default(),
                    });
                }
                if timed.iter().any(
                    |(e, _)| matches!(e, StoryEvent::Held { reason, .. } if reason == NO_HEADLINE),
                ) {
                    awaiting_headline.push(id.clone());
                }
                pending.insert(id, state);
                events.extend(timed);
                results.push(result);
            }
            let mut report = report_for(path, results, warnings);
            report.not_for_publication = not_for_publication;
            report.awaiting_headline = awaiting_headline;
            reports.push(report);
        }

        if !events.is_empty() {
            self.append(events).await?;
        }
        Ok(reports)
    }

    /// Rebuild the store's own projections (the stories' current state) from the log.
    /// Returns the number of events folded.
    pub async fn refold(&self) -> Result<u64, IngestError> {
        Ok(self.store.rebuild_projections().await?)
    }
}

/// Batches of deliveries through one pipeline, each prepared (`Pipeline::prepare`) on a
/// blocking thread while the store decides and writes the batch before it: the decoders and
/// the database work at the same time.
pub struct Batches {
    pipeline: Arc<Pipeline>,
    preparing: Option<tokio::task::JoinHandle<Vec<Prepared>>>,
}

impl Batches {
    pub fn new(pipeline: Arc<Pipeline>) -> Batches {
        Batches {
            pipeline,
            preparing: None,
        }
    }

    /// Start preparing `batch`, and ingest the one before it: its reports (none for the first).
    pub async fn push(&mut self, batch: Vec<Delivery>) -> Result<Vec<DeliveryReport>, IngestError> {
        let pipeline = self.pipeline.clone();
        let next = tokio::task::spawn_blocking(move || pipeline.prepare(batch));
        match self.preparing.replace(next) {
            Some(previous) => self.ingest(previous).await,
            None => Ok(vec![]),
        }
    }

    /// Ingest the last batch pushed: its reports.
    pub async fn finish(mut self) -> Result<Vec<DeliveryReport>, IngestError> {
        match self.preparing.take() {
            Some(last) => self.ingest(last).await,
            None => Ok(vec![]),
        }
    }

    async fn ingest(
        &self,
        preparing: tokio::task::JoinHandle<Vec<Prepared>>,
    ) -> Result<Vec<DeliveryReport>, IngestError> {
        let prepared = match preparing.await {
            Ok(p) => p,
            Err(e) => match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(e) => panic!("preparing a batch stopped: {e}"),
            },
        };
        self.pipeline.ingest_prepared(prepared).await
    }
}

fn report_for(path: PathBuf, results: Vec<ItemResult>, warnings: Vec<String>) -> DeliveryReport {
    if results.is_empty() {
        let reason = if warnings.is_empty() {
            "no stories in the file".to_string()
        } else {
            warnings.join("; ")
        };
        return DeliveryReport::rejected(path, reason);
    }
    let outcome = if results.iter().any(|r| matches!(r, ItemResult::New(_))) {
        Outcome::Ingested
    } else if results.iter().any(|r| matches!(r, ItemResult::Changed(_))) {
        Outcome::Updated
    } else {
        Outcome::Unchanged
    };
    let mut stories: Vec<StoryId> = results
        .into_iter()
        .map(|r| match r {
            ItemResult::New(id) | ItemResult::Changed(id) | ItemResult::Unchanged(id) => id,
        })
        .collect();
    stories.dedup();
    DeliveryReport {
        path,
        outcome,
        stories,
        reason: None,
        warnings,
        not_for_publication: vec![],
        awaiting_headline: vec![],
    }
}
