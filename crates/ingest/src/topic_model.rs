//! The topic model the site learns from its own archive (`wiredesk topics train`), kept in
//! `DATA/topic-model.json`, and given to copy that arrives with no site topic (IANS, PTI plain
//! text): its sure topics are added, and a story it is unsure of waits on the desk.
//!
//! The file is replaced whole (written aside, then renamed), and the pipeline looks at its
//! modification time once per batch, so a newly trained model is used without a restart. A
//! model that cannot be read is reported and ignored: ingest never stops for it.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use wiredesk_editorial::{TopicGuess, topic_doubt};
use wiredesk_intel::classify::{ClassifierConfig, Example, TopicModel, TopicScore, held_out_f1};
use wiredesk_model::{PubStatus, Story, Topic, TopicOrigin};

/// The model's file name in the data folder.
pub const MODEL_FILE: &str = "topic-model.json";
/// Fewer labelled stories than this teach a model nothing worth trusting with the site.
pub const MIN_STORIES: usize = 20;
/// With one topic there is nothing to tell apart.
pub const MIN_TOPICS: usize = 2;

/// A trained model and what it was trained on, as saved.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrainedModel {
    pub trained_at: Timestamp,
    /// Stories it learned from.
    pub stories: usize,
    /// Site topic slugs it knows.
    pub topics: Vec<String>,
    pub train_s: f64,
    /// Of a model trained on four fifths of the stories, on the other fifth.
    pub micro_f1: f64,
    pub macro_f1: f64,
    pub model: TopicModel,
}

/// Why no model was trained.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TrainError {
    #[error(
        "too little to learn from: {stories} stories with site topics over {topics} topics \
         (at least {MIN_STORIES} stories and {MIN_TOPICS} topics needed)"
    )]
    TooFew { stories: usize, topics: usize },
}

/// What the archive teaches: every story with a topic the site still has, except killed ones
/// (a kill can be for a wrong story as much as a wrong fact), and never a topic the model
/// itself gave: learning from its own guesses would only harden them. Ordered by id, so the
/// same archive trains the same model.
pub fn training_examples(stories: &[Story], site_topics: &[String]) -> Vec<Example> {
    let mut kept: Vec<&Story> = stories
        .iter()
        .filter(|s| s.pubstatus != PubStatus::Canceled)
        .collect();
    kept.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    kept.into_iter()
        .map(|story| {
            let mut e = Example::from_story(story);
            e.topics = story
                .topics
                .iter()
                .filter(|t| t.origin != TopicOrigin::Model && site_topics.contains(&t.slug))
                .map(|t| t.slug.clone())
                .collect();
            e
        })
        .filter(|e| !e.topics.is_empty())
        .collect()
}

/// The classifier's settings for the site's own archive.
pub fn site_classifier_config() -> ClassifierConfig {
    ClassifierConfig::default()
}

/// Train on `examples`; refuses when there are too few. Takes about twice one training: once
/// for the held-out figure, once on everything for the model that is kept.
pub fn train(examples: &[Example], at: Timestamp) -> Result<TrainedModel, TrainError> {
    let mut topics: Vec<String> = examples.iter().flat_map(|e| e.topics.clone()).collect();
    topics.sort();
    topics.dedup();
    if examples.len() < MIN_STORIES || topics.len() < MIN_TOPICS {
        return Err(TrainError::TooFew {
            stories: examples.len(),
            topics: topics.len(),
        });
    }
    let config = site_classifier_config();
    let (micro_f1, macro_f1) = held_out_f1(examples, &config).unwrap_or((0.0, 0.0));
    let start = Instant::now();
    let model = TopicModel::train(examples, config);
    Ok(TrainedModel {
        trained_at: at,
        stories: examples.len(),
        topics: model.topics.clone(),
        train_s: start.elapsed().as_secs_f64(),
        micro_f1,
        macro_f1,
        model,
    })
}

impl TrainedModel {
    /// Replace the file at `path` whole: a reader (the running site) sees the old model or
    /// the new one, never half of one.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| MODEL_FILE.into());
        let aside = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = (|| {
            let mut file = std::fs::File::create(&aside)?;
            file.write_all(&json)?;
            file.sync_all()?;
            std::fs::rename(&aside, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&aside);
        }
        written
    }

    pub fn load(path: &Path) -> Result<TrainedModel, ModelFileError> {
        let bytes = std::fs::read(path)?;
        Ok(serde_json::from_slice(&bytes)?)
    }
}

/// Why a topic model file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    #[error(transparent)]
    Read(#[from] std::io::Error),
    #[error("not a topic model: {0}")]
    Parse(#[from] serde_json::Error),
}

/// A file's identity for "has it changed": a rename puts a new file in place with its own
/// time and (almost always) length.
type Stamp = (SystemTime, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((
        meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        meta.len(),
    ))
}

#[derive(Default)]
struct Loaded {
    /// The file as last looked at; `None` when there was none.
    seen: Option<Stamp>,
    model: Option<Arc<TrainedModel>>,
}

/// The trained model as the pipeline uses it: reloaded when its file changes.
pub struct TopicClassifier {
    path: PathBuf,
    desk_threshold: f32,
    /// The site's topics, slug → name: a topic dropped from the config since training is
    /// never given.
    names: HashMap<String, String>,
    loaded: Mutex<Loaded>,
}

/// What the classifier did to one story.
#[derive(Debug, PartialEq)]
pub struct Classified {
    /// Topics given, with their confidence, most confident first.
    pub given: Vec<(String, f32)>,
    /// Why the story should wait for an editor, if it should.
    pub doubt: Option<String>,
}

impl TopicClassifier {
    /// `site_topics`: (slug, name) of each of the site's topics. Loads the model at once if
    /// there is one.
    pub fn new(
        path: PathBuf,
        desk_threshold: f32,
        site_topics: impl IntoIterator<Item = (String, String)>,
    ) -> TopicClassifier {
        let classifier = TopicClassifier {
            path,
            desk_threshold,
            names: site_topics.into_iter().collect(),
            loaded: Mutex::new(Loaded::default()),
        };
        classifier.current();
        classifier
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The model to use now: the one loaded, or the file's new one if it changed since the
    /// last look (one `stat` when it did not). `None` when there is no usable model.
    pub fn current(&self) -> Option<Arc<TrainedModel>> {
        let now = stamp(&self.path);
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if now == loaded.seen {
            return loaded.model.clone();
        }
        loaded.seen = now;
        loaded.model = match now {
            None => {
                if loaded.model.is_some() {
                    tracing::info!(path = %self.path.display(), "topic model removed");
                }
                None
            }
            Some(_) => match TrainedModel::load(&self.path) {
                Ok(model) => {
                    tracing::info!(
                        path = %self.path.display(),
                        stories = model.stories,
                        topics = model.topics.len(),
                        trained_at = %model.trained_at,
                        "topic model loaded"
                    );
                    Some(Arc::new(model))
                }
                Err(e) => {
                    // Once per version of the file: the next batch sees the same stamp.
                    tracing::warn!(
                        path = %self.path.display(),
                        "topic model unreadable, so untagged copy goes without one: {e}"
                    );
                    None
                }
            },
        };
        loaded.model.clone()
    }

    /// Give a story that no subject or keyword put in a site topic the topics `model` is sure
    /// of (besides any its dateline's place gave), and say whether the desk should see it
    /// first. The confidences are not kept on the story (it has no place for them); the
    /// caller logs them.
    pub fn classify(&self, model: &TrainedModel, story: &mut Story) -> Classified {
        let example = Example::from_story(story);
        let (assigned, best) = model.model.guess(&example.title, &example.body);
        let site_topic = |s: &&TopicScore| self.names.contains_key(&s.topic);
        // Topics the dateline's place gave stay; the model's are added after them.
        for s in assigned.iter().filter(site_topic) {
            if !story.topics.iter().any(|t| t.slug == s.topic) {
                story.topics.push(Topic {
                    slug: s.topic.clone(),
                    name: self.names[&s.topic].clone(),
                    origin: TopicOrigin::Model,
                });
            }
        }
        let given: Vec<(String, f32)> = assigned
            .iter()
            .filter(site_topic)
            .map(|s| (s.topic.clone(), s.confidence))
            .collect();
        let best = best.filter(|b| site_topic(&b));
        let guess = TopicGuess {
            best: best
                .as_ref()
                .map(|b| (self.names[&b.topic].as_str(), b.confidence)),
            assigned: best.as_ref().is_some_and(|b| b.assigned),
        };
        Classified {
            given,
            doubt: topic_doubt(&guess, self.desk_threshold),
        }
    }
}
