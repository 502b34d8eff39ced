//! `wiredesk topics train|status`: the topic model learned from the site's own archive, for
//! copy that arrives with no topic (see `wiredesk_ingest::topic_model`).

use std::path::Path;

use anyhow::Context;
use jiff::Timestamp;
use wiredesk_ingest::topic_model::{self, MODEL_FILE, TrainedModel};

use crate::config::Config;
use crate::site::{SiteLocation, config_path, open_store};

/// Learn the site's topics from its stored stories and write `DATA/topic-model.json`.
pub async fn train(location: &SiteLocation) -> anyhow::Result<()> {
    let (data, config, db) = (
        location.data.as_path(),
        location.config.as_deref(),
        &location.db,
    );
    let config = Config::load(&config_path(data, config))?;
    let site_topics: Vec<String> = config
        .topic_rules()
        .topics
        .into_iter()
        .map(|t| t.slug)
        .collect();
    // Only the database: a running site holds the search index, and training needs none.
    let (store, _) = open_store(data, &config, db).await?;
    let stories = store.all_stories().await?;
    let examples = topic_model::training_examples(&stories, &site_topics);
    drop(stories);
    let model =
        tokio::task::spawn_blocking(move || topic_model::train(&examples, Timestamp::now()))
            .await?
            .map_err(|e| {
                anyhow::anyhow!("{e}; no model written, the one in place (if any) is kept")
            })?;
    let path = data.join(MODEL_FILE);
    model
        .save(&path)
        .with_context(|| format!("writing {}", path.display()))?;
    println!(
        "trained on {} stories over {} topics ({}) in {:.2} s; model written to {}",
        model.stories,
        model.topics.len(),
        model.topics.join(", "),
        model.train_s,
        path.display()
    );
    println!(
        "examples={} topics={} train_s={:.2} micro_f1={:.4} macro_f1={:.4}",
        model.stories,
        model.topics.len(),
        model.train_s,
        model.micro_f1,
        model.macro_f1
    );
    Ok(())
}

/// Print whether there is a model, when it was trained and on what.
pub fn status(data: &Path, config: Option<&Path>) -> anyhow::Result<()> {
    let config = Config::load(&config_path(data, config))?;
    let path = data.join(MODEL_FILE);
    if !path.exists() {
        println!(
            "no topic model: untagged copy goes out as the rules say (`wiredesk topics train` \
             makes one)"
        );
        println!("present=0");
        return Ok(());
    }
    let model = TrainedModel::load(&path)
        .map_err(|e| anyhow::anyhow!("{} cannot be read: {e}", path.display()))?;
    println!(
        "topic model trained {} on {} stories; topics: {}; held out: micro F1 {:.4}, macro F1 \
         {:.4}; untagged copy less sure than {:.2} waits on the desk",
        model.trained_at,
        model.stories,
        model.topics.join(", "),
        model.micro_f1,
        model.macro_f1,
        config.topics.desk_threshold
    );
    println!(
        "present=1 trained_at={} examples={} topics={} desk_threshold={:.2}",
        model.trained_at,
        model.stories,
        model.topics.len(),
        config.topics.desk_threshold
    );
    Ok(())
}
