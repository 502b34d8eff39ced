//! Copy that arrives with no site topic, given topics by a model of the site's own archive: what
//! goes live by itself, what waits on the desk, and what the model never touches.

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use wiredesk_editorial::DeskPolicy;
use wiredesk_enrich::{TopicAssigner, TopicRule, TopicRules};
use wiredesk_ingest::topic_model::{self, MODEL_FILE, TrainError, TrainedModel};
use wiredesk_ingest::{Pipeline, PipelineSettings, TopicClassifier};
use wiredesk_intel::classify::Example;
use wiredesk_model::{Delivery, PubStatus, Story, TopicOrigin};
use wiredesk_store::{SqliteStore, Store};

const SPORT: [&str; 12] = [
    "cricket",
    "wickets",
    "innings",
    "batsman",
    "bowler",
    "stadium",
    "captain",
    "tournament",
    "striker",
    "goal",
    "league",
    "coach",
];
const MARKETS: [&str; 12] = [
    "shares",
    "investors",
    "profit",
    "earnings",
    "dividend",
    "bonds",
    "inflation",
    "currency",
    "rupee",
    "lender",
    "quarterly",
    "exchange",
];
const SCIENCE: [&str; 12] = [
    "telescope",
    "astronomers",
    "galaxy",
    "orbit",
    "satellite",
    "researchers",
    "laboratory",
    "molecules",
    "genome",
    "vaccine",
    "physicists",
    "comet",
];

fn rule(slug: &str, name: &str, keywords: &[&str]) -> TopicRule {
    TopicRule {
        slug: slug.into(),
        name: name.into(),
        media_topics: vec![],
        categories: vec![name.into()],
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        places: vec![],
    }
}

/// The site's topics: three the model learns, and one the keyword rules still give.
fn site_rules() -> TopicRules {
    TopicRules {
        topics: vec![
            rule("sport", "Sport", &[]),
            rule("markets", "Markets", &[]),
            rule("science", "Science", &[]),
            rule("weather", "Weather", &["monsoon"]),
            TopicRule {
                places: vec!["Chennai".into()],
                ..rule("tamil-nadu", "Tamil Nadu", &[])
            },
        ],
    }
}

/// Story `k` of a topic: its own mix of the topic's words, so no two are alike.
fn words(vocab: &[&str], k: usize, n: usize) -> String {
    (0..n)
        .map(|j| vocab[(k * 5 + j * 7) % vocab.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn archive() -> Vec<Example> {
    let mut out = Vec::new();
    for (slug, vocab) in [("sport", SPORT), ("markets", MARKETS), ("science", SCIENCE)] {
        for k in 0..10 {
            out.push(Example {
                title: words(&vocab, k + 1, 4),
                body: format!("{}. {}.", words(&vocab, k, 9), words(&vocab, k + 3, 7)),
                topics: vec![slug.into()],
            });
        }
    }
    out
}

fn trained() -> TrainedModel {
    topic_model::train(&archive(), Timestamp::now()).unwrap()
}

async fn pipeline(model: &Path, desk_threshold: f32) -> Pipeline {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
    let rules = site_rules();
    let names: Vec<(String, String)> = rules
        .topics
        .iter()
        .map(|t| (t.slug.clone(), t.name.clone()))
        .collect();
    Pipeline::new(
        store,
        PipelineSettings {
            time_zone: TimeZone::get("Asia/Kolkata").unwrap(),
            default_agency: "Wire".into(),
            agencies: Default::default(),
            policy: DeskPolicy::default(),
            topics: TopicAssigner::new(rules).unwrap(),
            summary_chars: 200,
        },
    )
    .with_topic_classifier(TopicClassifier::new(
        model.to_path_buf(),
        desk_threshold,
        names,
    ))
}

fn plain(name: &str, headline: &str, body: &str) -> Delivery {
    Delivery {
        path: name.into(),
        bytes: format!("{headline}\n\nKochi, Nov 27 (PTI) {body}\n").into_bytes(),
        received: "2026-11-28T06:00:00Z".parse().unwrap(),
    }
}

fn cricket() -> Delivery {
    plain(
        "cricket.txt",
        "Captain leads the innings",
        "The batsman and the bowler took wickets as the captain led the innings at the stadium.",
    )
}

async fn ingest_one(p: &Pipeline, delivery: Delivery) -> Story {
    let reports = p.ingest_batch(vec![delivery]).await.unwrap();
    assert_eq!(reports[0].reason, None);
    p.store()
        .story(&reports[0].stories[0])
        .await
        .unwrap()
        .unwrap()
}

fn slugs(story: &Story) -> Vec<&str> {
    story.topics.iter().map(|t| t.slug.as_str()).collect()
}

fn now() -> Timestamp {
    "2026-11-28T07:00:00Z".parse().unwrap()
}

#[tokio::test]
async fn confident_topics_are_given_and_the_story_goes_live() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(MODEL_FILE);
    trained().save(&path).unwrap();
    let p = pipeline(&path, 0.5).await;
    let story = ingest_one(&p, cricket()).await;
    assert_eq!(slugs(&story), ["sport"]);
    assert_eq!(story.topics[0].name, "Sport", "named as the site names it");
    assert_eq!(story.topics[0].origin, TopicOrigin::Model);
    assert!(story.is_live(now()), "{:?}", story.status_reason);
}

#[tokio::test]
async fn an_unsure_story_waits_on_the_desk_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(MODEL_FILE);
    trained().save(&path).unwrap();
    // A desk that trusts nothing the model says.
    let p = pipeline(&path, 1.01).await;
    let story = ingest_one(&p, cricket()).await;
    assert!(!story.is_live(now()));
    assert_eq!(story.pubstatus, PubStatus::Usable);
    let reason = story.status_reason.as_deref().unwrap_or_default();
    assert!(
        reason.starts_with("topic unsure: best guess Sport (0."),
        "{reason}"
    );
    assert_eq!(
        slugs(&story),
        ["sport"],
        "the guess is still shown on the desk"
    );
    let history = p.store().history(&story.id).await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|e| e.event.kind()).collect();
    assert_eq!(kinds, ["ingested", "held"]);

    // Copy with no word the model knows has no guess at all: held, and says so.
    let p = pipeline(&path, 0.5).await;
    let nonsense = ingest_one(
        &p,
        plain(
            "x.txt",
            "Zorbl quenk",
            "Vrim plotz ambergrue snee wuxt florp.",
        ),
    )
    .await;
    assert!(!nonsense.is_live(now()));
    assert!(nonsense.topics.is_empty());
    assert!(
        nonsense
            .status_reason
            .as_deref()
            .is_some_and(|r| r.starts_with("topic unsure: nothing")),
        "{:?}",
        nonsense.status_reason
    );
}

#[tokio::test]
async fn a_topic_from_the_dateline_alone_still_leaves_the_copy_to_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(MODEL_FILE);
    trained().save(&path).unwrap();
    let p = pipeline(&path, 0.5).await;
    let story = ingest_one(
        &p,
        Delivery {
            path: "chennai.txt".into(),
            bytes: "Captain leads the innings\n\nChennai, Nov 27 (PTI) The batsman and the \
                    bowler took wickets as the captain led the innings at the stadium.\n"
                .as_bytes()
                .to_vec(),
            received: "2026-11-28T06:00:00Z".parse().unwrap(),
        },
    )
    .await;
    assert_eq!(slugs(&story), ["tamil-nadu", "sport"]);
    let origins: Vec<TopicOrigin> = story.topics.iter().map(|t| t.origin).collect();
    assert_eq!(origins, [TopicOrigin::Rule, TopicOrigin::Model]);
    assert!(story.is_live(now()), "{:?}", story.status_reason);
}

#[tokio::test]
async fn tagged_copy_never_meets_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(MODEL_FILE);
    trained().save(&path).unwrap();
    let p = pipeline(&path, 1.01).await;
    // The keyword rule tags it; the model would have held it (and added sport).
    let story = ingest_one(
        &p,
        plain(
            "rain.txt",
            "Monsoon delays the cricket",
            "The monsoon kept the captain and the batsman off the stadium pitch.",
        ),
    )
    .await;
    assert_eq!(slugs(&story), ["weather"]);
    assert_eq!(story.topics[0].origin, TopicOrigin::Rule);
    assert!(story.is_live(now()), "{:?}", story.status_reason);
}

#[tokio::test]
async fn no_model_or_a_broken_one_changes_nothing_and_a_new_one_is_used_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(MODEL_FILE);
    let p = pipeline(&path, 0.5).await;
    let untouched = ingest_one(&p, cricket()).await;
    assert!(untouched.topics.is_empty());
    assert!(untouched.is_live(now()), "no model: published as always");

    std::fs::write(&path, b"{\"trained_at\": \"not a model").unwrap();
    let broken = ingest_one(
        &p,
        plain("b.txt", "Bowler takes wickets", "The bowler took wickets."),
    )
    .await;
    assert!(broken.topics.is_empty() && broken.is_live(now()));

    // Trained while the pipeline runs: the next batch uses it.
    trained().save(&path).unwrap();
    let story = ingest_one(
        &p,
        plain(
            "c.txt",
            "Striker scores for the league leaders",
            "The striker scored a goal and the coach praised the league leaders.",
        ),
    )
    .await;
    assert_eq!(slugs(&story), ["sport"]);
    assert!(story.is_live(now()));
}

#[test]
fn killed_and_untopical_stories_do_not_teach_and_too_few_are_refused() {
    let mut stories = Vec::new();
    for (i, e) in archive().into_iter().enumerate() {
        let mut s = wiredesk_model::testing::story(
            &format!("urn:t:{i}"),
            &e.title,
            &format!("<p>{}</p>", e.body),
            now(),
        );
        s.topics = vec![wiredesk_model::Topic {
            slug: e.topics[0].clone(),
            name: e.topics[0].clone(),
            origin: wiredesk_model::TopicOrigin::Desk,
        }];
        stories.push(s);
    }
    stories[0].pubstatus = PubStatus::Canceled;
    stories[1].topics[0].slug = "dropped-from-the-site".into();
    // The model's own guess teaches nothing; beside a topic the desk gave, only the desk's.
    stories[2].topics[0].origin = TopicOrigin::Model;
    let mut guessed = stories[3].topics[0].clone();
    guessed.slug = if guessed.slug == "sport" {
        "science"
    } else {
        "sport"
    }
    .into();
    guessed.origin = TopicOrigin::Model;
    stories[3].topics.push(guessed);
    // Kept before origins were recorded: as before, it teaches.
    stories[4].topics[0].origin = TopicOrigin::Unrecorded;
    let site: Vec<String> = site_rules().topics.into_iter().map(|t| t.slug).collect();
    let examples = topic_model::training_examples(&stories, &site);
    assert_eq!(examples.len(), 27);
    for dropped in &stories[..3] {
        assert!(!examples.iter().any(|e| e.title == dropped.headline));
    }
    let desk_only = examples
        .iter()
        .find(|e| e.title == stories[3].headline)
        .unwrap();
    assert_eq!(desk_only.topics, [stories[3].topics[0].slug.clone()]);
    assert!(examples.iter().any(|e| e.title == stories[4].headline));

    assert!(matches!(
        topic_model::train(&examples[..19], now()),
        Err(TrainError::TooFew { stories: 19, .. })
    ));
    let one_topic: Vec<Example> = examples
        .iter()
        .filter(|e| e.topics == ["science"])
        .cloned()
        .collect();
    assert!(matches!(
        topic_model::train(&one_topic, now()),
        Err(TrainError::TooFew { topics: 1, .. })
    ));
    let model = topic_model::train(&examples, now()).unwrap();
    assert_eq!(model.stories, 27);
    assert_eq!(model.topics, ["markets", "science", "sport"]);
    assert!(model.micro_f1 > 0.5, "{}", model.micro_f1);
}
