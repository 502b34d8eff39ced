//! `wiredesk eval …`: quality and speed of the intel features on labelled corpora. Each command
//! prints what it measured and ends with one machine-readable line of `name=value` pairs.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Subcommand;
use jiff::{SignedDuration, Timestamp};
use wiredesk_decode::reuters::{self, ReutersDoc};
use wiredesk_index::SearchIndex;
use wiredesk_intel::classify::{ClassifierConfig, Example, TopicModel, f1_scores};
use wiredesk_intel::dedupe::{DedupeConfig, Deduper, exact_pairs, shingles};
use wiredesk_intel::events::Events;
use wiredesk_intel::related::{RelatedConfig, rank, similar_enough};
use wiredesk_model::{Dateline, Story, StoryId, Topic};

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Near-duplicate clustering against exact Jaccard similarity over every pair.
    Dedupe {
        /// A folder of Reuters-21578 `.sgm` files, or a folder (searched recursively) of text
        /// files, one document each.
        #[arg(long)]
        corpus: PathBuf,
        /// Jaccard similarity of 5-word runs from which two documents are near-duplicates.
        #[arg(long, default_value_t = 0.8)]
        threshold: f64,
    },
    /// Topic classifier on the Reuters-21578 ModApte split, or a folder of topic folders.
    Topics {
        /// The Reuters-21578 folder (`reut2-*.sgm`).
        #[arg(long, required_unless_present = "labelled_dir")]
        reuters: Option<PathBuf>,
        /// A folder with one sub-folder of text files per topic (first line: headline); split
        /// 50/50 by file name order.
        #[arg(long, conflicts_with = "reuters")]
        labelled_dir: Option<PathBuf>,
        /// Write the trained model here (JSON).
        #[arg(long)]
        save_model: Option<PathBuf>,
        /// Evaluate on a third of the ModApte training stories instead of the test stories
        /// (for choosing settings).
        #[arg(long, requires = "reuters")]
        dev: bool,
    },
    /// Related articles as the site ranks them (more-like-this in the search index, its floor,
    /// the blend with topics, place and time, one per event): precision@5 over the held-out stories,
    /// against more-like-this alone.
    Related {
        /// Reuters-21578: the ModApte test stories ask, every labelled ModApte story answers.
        #[arg(long, required_unless_present = "labelled_dir")]
        reuters: Option<PathBuf>,
        /// A folder with one sub-folder of text files per topic (first line: headline); every
        /// other file in name order asks.
        #[arg(long, conflicts_with = "reuters")]
        labelled_dir: Option<PathBuf>,
    },
    /// Event clusters as the site forms them, against a folder of event folders (each folder
    /// one event, its files the reports): B-cubed precision, recall and F1.
    Events {
        /// A folder with one sub-folder per event; its files are wire copy in any format the
        /// site reads.
        #[arg(long, required_unless_present = "reuters")]
        labelled_dir: Option<PathBuf>,
        /// Reuters-21578 (no event labels): how often stories put in one event share a topic,
        /// and the largest events.
        #[arg(long, conflicts_with = "labelled_dir")]
        reuters: Option<PathBuf>,
        /// Cosine similarity from which a story joins an event (default: the site's).
        #[arg(long)]
        threshold: Option<f32>,
        /// The same over the words that are not names (default: the site's).
        #[arg(long)]
        words_threshold: Option<f32>,
    },
}

mod events;

pub fn run(command: EvalCommand) -> anyhow::Result<()> {
    match command {
        EvalCommand::Dedupe { corpus, threshold } => dedupe(&corpus, threshold),
        EvalCommand::Topics {
            reuters,
            labelled_dir,
            save_model,
            dev,
        } => match (reuters, labelled_dir) {
            (Some(dir), _) => topics_reuters(&dir, save_model.as_deref(), dev),
            (None, Some(dir)) => topics_labelled(&dir, save_model.as_deref()),
            (None, None) => bail!("give --reuters DIR or --labelled-dir DIR"),
        },
        EvalCommand::Related {
            reuters,
            labelled_dir,
        } => match (reuters, labelled_dir) {
            (Some(dir), _) => related_reuters(&dir),
            (None, Some(dir)) => related_labelled(&dir),
            (None, None) => bail!("give --reuters DIR or --labelled-dir DIR"),
        },
        EvalCommand::Events {
            labelled_dir,
            reuters,
            threshold,
            words_threshold,
        } => match (labelled_dir, reuters) {
            (_, Some(dir)) => events::reuters(&dir),
            (Some(dir), None) => events::run(&dir, threshold, words_threshold),
            (None, None) => bail!("give --labelled-dir DIR or --reuters DIR"),
        },
    }
}

fn read_reuters(dir: &Path) -> anyhow::Result<Vec<ReutersDoc>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sgm"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no .sgm files in {}", dir.display());
    }
    let mut docs = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).with_context(|| format!("reading {}", f.display()))?;
        docs.extend(reuters::parse(&bytes));
    }
    Ok(docs)
}

fn text_files(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            text_files(&p, out)?;
        } else if p.is_file() {
            out.push(p);
        }
    }
    Ok(())
}

fn has_sgm(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "sgm"))
    })
}

fn dedupe(corpus: &Path, threshold: f64) -> anyhow::Result<()> {
    let texts: Vec<String> = if has_sgm(corpus) {
        read_reuters(corpus)?.iter().map(ReutersDoc::text).collect()
    } else {
        let mut files = Vec::new();
        text_files(corpus, &mut files)?;
        files
            .iter()
            .map(|f| {
                std::fs::read(f)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .with_context(|| format!("reading {}", f.display()))
            })
            .collect::<anyhow::Result<_>>()?
    };
    if texts.is_empty() {
        bail!("no documents in {}", corpus.display());
    }
    let config = DedupeConfig {
        threshold,
        ..DedupeConfig::default()
    };

    let start = Instant::now();
    let mut deduper = Deduper::new(config.clone());
    let mut found: Vec<(u32, u32)> = Vec::new();
    for t in &texts {
        let added = deduper.add(t);
        found.extend(added.duplicates.iter().map(|&(o, _)| (o, added.doc)));
    }
    let secs = start.elapsed().as_secs_f64();
    let mut clusters: BTreeSet<u32> = BTreeSet::new();
    for doc in 0..texts.len() as u32 {
        let c = deduper.cluster_of(doc);
        if c != doc {
            clusters.insert(c);
        }
    }

    let shingling = Instant::now();
    let sets: Vec<Vec<u64>> = texts
        .iter()
        .map(|t| shingles(t, config.shingle_words))
        .collect();
    let shingling_s = shingling.elapsed().as_secs_f64();
    let brute = Instant::now();
    let truth: BTreeSet<(u32, u32)> = exact_pairs(&sets, threshold)
        .into_iter()
        .map(|(a, b, _)| (a, b))
        .collect();
    let brute_s = brute.elapsed().as_secs_f64();
    found.sort_unstable();
    found.dedup();
    let tp = found.iter().filter(|p| truth.contains(p)).count();
    let precision = if found.is_empty() {
        1.0
    } else {
        tp as f64 / found.len() as f64
    };
    let recall = if truth.is_empty() {
        1.0
    } else {
        tp as f64 / truth.len() as f64
    };
    println!(
        "documents: {}  shingle words: {}  bands x rows: {} x {}  threshold: {threshold}",
        texts.len(),
        config.shingle_words,
        config.bands,
        config.rows
    );
    println!(
        "clustering: {:.3} s (of which shingling about {:.3} s), {} pairs found, {} clusters of 2 or more",
        secs,
        shingling_s,
        found.len(),
        clusters.len()
    );
    println!(
        "exact Jaccard over all pairs (inverted index): {:.3} s, {} pairs",
        brute_s,
        truth.len()
    );
    // Clusters are transitive: a chain of near-duplicates can put two less similar stories in
    // one cluster. How many same-cluster pairs are themselves above the threshold:
    let mut members: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for doc in 0..texts.len() as u32 {
        members
            .entry(deduper.cluster_of(doc))
            .or_default()
            .push(doc);
    }
    let (mut cluster_pairs, mut cluster_true) = (0usize, 0usize);
    for m in members.values().filter(|m| m.len() > 1) {
        for (k, &a) in m.iter().enumerate() {
            for &b in &m[k + 1..] {
                cluster_pairs += 1;
                cluster_true += usize::from(truth.contains(&(a, b)));
            }
        }
    }
    println!(
        "same-cluster pairs: {cluster_pairs}, of which {cluster_true} at or above the threshold ({:.4})",
        cluster_true as f64 / cluster_pairs.max(1) as f64
    );
    println!(
        "precision={precision:.4} recall={recall:.4} docs_per_s={:.0} true_pairs={}",
        texts.len() as f64 / secs,
        truth.len()
    );
    Ok(())
}

/// ModApte: the 90 topics with at least one training and one test story, and the stories that
/// carry at least one of them.
struct ModApte {
    topics: Vec<String>,
    train: Vec<usize>,
    test: Vec<usize>,
}

fn modapte(docs: &[ReutersDoc]) -> ModApte {
    split_by(
        docs,
        ReutersDoc::is_modapte_train,
        ReutersDoc::is_modapte_test,
    )
}

/// A development split inside ModApte's training stories (every third NEWID held out), for
/// choosing settings without looking at the test stories.
fn dev_split(docs: &[ReutersDoc]) -> ModApte {
    split_by(
        docs,
        |d| d.is_modapte_train() && d.new_id % 3 != 0,
        |d| d.is_modapte_train() && d.new_id % 3 == 0,
    )
}

/// The topics with at least one story on each side, and the stories carrying one of them.
fn split_by(
    docs: &[ReutersDoc],
    in_train: impl Fn(&ReutersDoc) -> bool,
    in_test: impl Fn(&ReutersDoc) -> bool,
) -> ModApte {
    let train_topics: BTreeSet<&str> = docs
        .iter()
        .filter(|d| in_train(d))
        .flat_map(|d| d.topics.iter().map(String::as_str))
        .collect();
    let test_topics: BTreeSet<&str> = docs
        .iter()
        .filter(|d| in_test(d))
        .flat_map(|d| d.topics.iter().map(String::as_str))
        .collect();
    let topics: Vec<String> = train_topics
        .intersection(&test_topics)
        .map(|s| s.to_string())
        .collect();
    let labelled = |d: &ReutersDoc| d.topics.iter().any(|t| topics.binary_search(t).is_ok());
    let train = (0..docs.len())
        .filter(|&i| in_train(&docs[i]) && labelled(&docs[i]))
        .collect();
    let test = (0..docs.len())
        .filter(|&i| in_test(&docs[i]) && labelled(&docs[i]))
        .collect();
    ModApte {
        topics,
        train,
        test,
    }
}

fn example(doc: &ReutersDoc, topics: &[String]) -> Example {
    Example {
        title: doc.title.clone().unwrap_or_default(),
        body: doc.body.clone(),
        topics: doc
            .topics
            .iter()
            .filter(|t| topics.binary_search(t).is_ok())
            .cloned()
            .collect(),
    }
}

fn train_modapte(docs: &[ReutersDoc], split: &ModApte) -> (TopicModel, f64) {
    let examples: Vec<Example> = split
        .train
        .iter()
        .map(|&i| example(&docs[i], &split.topics))
        .collect();
    let start = Instant::now();
    let model = TopicModel::train(&examples, classifier_config());
    (model, start.elapsed().as_secs_f64())
}

/// The settings the site trains with (`topics train`), unless
/// `WIREDESK_CLASSIFIER="c=0.5,positive_weight=2,folds=5"` overrides some for an experiment:
/// the evaluation measures what the site runs.
fn classifier_config() -> ClassifierConfig {
    let mut c = wiredesk_ingest::topic_model::site_classifier_config();
    if let Ok(spec) = std::env::var("WIREDESK_CLASSIFIER") {
        for kv in spec.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let f: f32 = v.parse().unwrap_or(0.0);
            match k {
                "c" => c.c = f,
                "positive_weight" => c.positive_weight = f,
                "folds" => c.folds = f as usize,
                "min_df" => c.min_df = f as usize,
                "min_df_pairs" => c.min_df_pairs = f as usize,
                "min_cv_f1" => c.min_cv_f1 = f,
                "max_epochs" => c.max_epochs = f as usize,
                "bigrams" => c.bigrams = f != 0.0,
                "stem" => c.stem = f != 0.0,
                "balance" => c.balance = f,
                "rare_positives" => c.rare_positives = f as usize,
                "stack_weight" => c.stack_weight = f,
                "fallback_threshold" => c.fallback_threshold = f,
                "at_least_one" => c.at_least_one = f != 0.0,
                "average_folds" => c.average_folds = f != 0.0,
                _ => eprintln!("WIREDESK_CLASSIFIER: unknown setting {k}"),
            }
        }
    }
    c
}

fn save(model: &TopicModel, path: Option<&Path>) -> anyhow::Result<()> {
    if let Some(path) = path {
        std::fs::write(path, model.to_json()?)
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("model written to {}", path.display());
    }
    Ok(())
}

fn topics_reuters(dir: &Path, save_model: Option<&Path>, dev: bool) -> anyhow::Result<()> {
    let docs = read_reuters(dir)?;
    let split = if dev {
        dev_split(&docs)
    } else {
        modapte(&docs)
    };
    let (model, train_s) = train_modapte(&docs, &split);
    save(&model, save_model)?;
    let index_of = |t: &str| split.topics.binary_search_by(|x| x.as_str().cmp(t)).ok();
    let mut gold = Vec::new();
    let mut predicted = Vec::new();
    let mut with_best = Vec::new();
    for &i in &split.test {
        let d = &docs[i];
        gold.push(d.topics.iter().filter_map(|t| index_of(t)).collect());
        let (unattended, best) = site_topics(&model, d.title.as_deref().unwrap_or(""), &d.body);
        predicted.push(unattended.iter().filter_map(|t| index_of(t)).collect());
        with_best.push(best.iter().filter_map(|t| index_of(t)).collect());
    }
    let (micro, macro_) = f1_scores(&gold, &predicted, split.topics.len());
    let (best_micro, best_macro) = f1_scores(&gold, &with_best, split.topics.len());
    print_per_topic(&gold, &predicted, &split.topics);
    println!(
        "{}: {} topics, {} training stories, {} test stories, {} features",
        if dev {
            "ModApte training stories, every third held out"
        } else {
            "ModApte"
        },
        split.topics.len(),
        split.train.len(),
        split.test.len(),
        model.vectorizer.dim()
    );
    if !dev {
        println!(
            "settings are tuned with --dev (a development split inside the training stories); \
             these test stories only report"
        );
    }
    println!(
        "micro_f1={micro:.4} macro_f1={macro_:.4} train_s={train_s:.2} test_docs={} \
         (the topics the site gives unattended; with the desk taking every best guess: \
         micro_f1={best_micro:.4} macro_f1={best_macro:.4})",
        split.test.len()
    );
    Ok(())
}

/// What the site does with a story's words (`ingest::topic_model`): the topics the model is
/// sure of, given unattended; and, for a story it is unsure of, the best guess an editor
/// sees on the desk (the sure topics, or else that one guess).
fn site_topics(model: &TopicModel, title: &str, body: &str) -> (Vec<String>, Vec<String>) {
    let (assigned, best) = model.guess(title, body);
    let unattended: Vec<String> = assigned.into_iter().map(|s| s.topic).collect();
    let with_best = if unattended.is_empty() {
        best.into_iter().map(|s| s.topic).collect()
    } else {
        unattended.clone()
    };
    (unattended, with_best)
}

/// Precision, recall and F1 of the ten most frequent topics, and micro precision/recall.
fn print_per_topic(gold: &[Vec<usize>], predicted: &[Vec<usize>], topics: &[String]) {
    let n = topics.len();
    let (mut tp, mut fp, mut fn_) = (vec![0usize; n], vec![0usize; n], vec![0usize; n]);
    for (g, p) in gold.iter().zip(predicted) {
        for &t in p {
            if g.contains(&t) {
                tp[t] += 1
            } else {
                fp[t] += 1
            }
        }
        for &t in g.iter().filter(|t| !p.contains(t)) {
            fn_[t] += 1;
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&t| std::cmp::Reverse(tp[t] + fn_[t]));
    let shown = if std::env::var_os("WIREDESK_ALL_TOPICS").is_some() {
        n
    } else {
        10
    };
    for &t in order.iter().take(shown) {
        println!(
            "  {:<10} test {:>5}  precision {:.3}  recall {:.3}  f1 {:.3}  fp {}",
            topics[t],
            tp[t] + fn_[t],
            tp[t] as f64 / (tp[t] + fp[t]).max(1) as f64,
            tp[t] as f64 / (tp[t] + fn_[t]).max(1) as f64,
            2.0 * tp[t] as f64 / (2 * tp[t] + fp[t] + fn_[t]).max(1) as f64,
            fp[t]
        );
    }
    let (stp, sfp, sfn) = (
        tp.iter().sum::<usize>(),
        fp.iter().sum::<usize>(),
        fn_.iter().sum::<usize>(),
    );
    let zero_f1 = (0..n).filter(|&t| tp[t] == 0).count();
    println!(
        "micro precision {:.4}, micro recall {:.4}; {zero_f1} topics with no correct story",
        stp as f64 / (stp + sfp).max(1) as f64,
        stp as f64 / (stp + sfn).max(1) as f64
    );
}

/// A labelled corpus: each sub-folder of `dir` (in name order) is a label, and its files (in
/// name order, searched recursively) carry it.
fn labelled_files(dir: &Path) -> anyhow::Result<Vec<(String, Vec<PathBuf>)>> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
        .into_iter()
        .map(|folder| {
            let label = folder
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut files = Vec::new();
            text_files(&folder, &mut files)?;
            Ok((label, files))
        })
        .collect()
}

/// A folder of topic folders, split 50/50: alternate files in name order within each topic.
fn labelled_examples(dir: &Path) -> anyhow::Result<(Vec<Example>, Vec<Example>)> {
    let mut train = Vec::new();
    let mut test = Vec::new();
    for (topic, files) in labelled_files(dir)? {
        for (k, f) in files.iter().enumerate() {
            let text = String::from_utf8_lossy(&std::fs::read(f)?).into_owned();
            let (title, body) = text.trim_start().split_once('\n').unwrap_or((&text, ""));
            let e = Example {
                title: title.trim().to_string(),
                body: body.to_string(),
                topics: vec![topic.clone()],
            };
            // Deterministic 50/50: alternate files in name order within each topic.
            if k % 2 == 0 {
                train.push(e);
            } else {
                test.push(e);
            }
        }
    }
    if train.is_empty() || test.is_empty() {
        bail!(
            "{} needs topic folders with at least two files",
            dir.display()
        );
    }
    Ok((train, test))
}

fn topics_labelled(dir: &Path, save_model: Option<&Path>) -> anyhow::Result<()> {
    let (train, test) = labelled_examples(dir)?;
    let start = Instant::now();
    let model = TopicModel::train(&train, classifier_config());
    let train_s = start.elapsed().as_secs_f64();
    save(&model, save_model)?;
    let index_of = |t: &str| model.topics.iter().position(|x| x == t);
    let mut gold = Vec::new();
    let mut predicted = Vec::new();
    let mut correct = 0usize;
    for e in &test {
        let (unattended, best) = site_topics(&model, &e.title, &e.body);
        correct += usize::from(best.first() == e.topics.first());
        gold.push(e.topics.iter().filter_map(|t| index_of(t)).collect());
        predicted.push(unattended.iter().filter_map(|t| index_of(t)).collect());
    }
    let (micro, macro_) = f1_scores(&gold, &predicted, model.topics.len());
    println!(
        "{} topics, {} training files, {} test files",
        model.topics.len(),
        train.len(),
        test.len()
    );
    println!(
        "micro_f1={micro:.4} macro_f1={macro_:.4} train_s={train_s:.2} test_docs={} \
         best_guess_accuracy={:.4}",
        test.len(),
        correct as f64 / test.len() as f64
    );
    Ok(())
}

/// "SALVADOR, Feb 26" → "salvador".
fn dateline_place(doc: &ReutersDoc) -> Option<String> {
    let d = doc.dateline.as_deref()?;
    let place = d.split(',').next()?.trim().to_lowercase();
    (!place.is_empty()).then_some(place)
}

/// One story of a related-articles evaluation: its copy, its gold topics, and whether it asks
/// (a held-out story) or only answers.
struct RelatedCase {
    title: String,
    body: String,
    gold: Vec<String>,
    place: Option<String>,
    time: Option<Timestamp>,
    asks: bool,
}

fn related_reuters(dir: &Path) -> anyhow::Result<()> {
    let docs = read_reuters(dir)?;
    let split = modapte(&docs);
    let (model, train_s) = train_modapte(&docs, &split);
    let case = |i: usize, asks: bool| RelatedCase {
        title: docs[i].title.clone().unwrap_or_default(),
        body: docs[i].body.clone(),
        gold: docs[i].topics.clone(),
        place: dateline_place(&docs[i]),
        time: docs[i].date,
        asks,
    };
    let cases: Vec<RelatedCase> = split
        .train
        .iter()
        .map(|&i| case(i, false))
        .chain(split.test.iter().map(|&i| case(i, true)))
        .collect();
    println!("Reuters-21578 ModApte; classifier trained in {train_s:.2} s");
    related_eval(cases, &model)?.print();
    Ok(())
}

fn related_labelled(dir: &Path) -> anyhow::Result<()> {
    let (train, test) = labelled_examples(dir)?;
    let model = TopicModel::train(&train, classifier_config());
    println!("{}", dir.display());
    related_eval(labelled_cases(&train, &test), &model)?.print();
    Ok(())
}

/// A labelled folder's files as cases: the training half answers, the other half asks.
fn labelled_cases(train: &[Example], test: &[Example]) -> Vec<RelatedCase> {
    let case = |e: &Example, asks: bool| RelatedCase {
        title: e.title.clone(),
        body: e.body.clone(),
        gold: e.topics.clone(),
        place: None,
        time: None,
        asks,
    };
    train
        .iter()
        .map(|e| case(e, false))
        .chain(test.iter().map(|e| case(e, true)))
        .collect()
}

/// Precision@5 of the site's related stories, and of more-like-this alone, for every case
/// that asks. Stories that answer carry their gold topics, as the desk would have set them;
/// those that ask carry only what the classifier (trained without them) gives, as untagged
/// copy would. Clusters are the site's events (`intel::events`). The site fills a short list
/// from the story's own topics; that fallback is not counted here, so a short list counts
/// its empty places as misses.
fn related_eval(cases: Vec<RelatedCase>, model: &TopicModel) -> anyhow::Result<RelatedScores> {
    let start = Instant::now();
    let index = SearchIndex::in_memory()?;
    let mut clusters = Events::new(wiredesk_intel::events::site_config());
    let mut stories = Vec::with_capacity(cases.len());
    for (k, c) in cases.iter().enumerate() {
        let at = c
            .time
            .unwrap_or(Timestamp::UNIX_EPOCH + SignedDuration::from_secs(k as i64));
        let body = c.body.replace('&', "&amp;").replace('<', "&lt;");
        let mut story =
            wiredesk_model::testing::story(&format!("urn:eval:{k}"), &c.title, &body, at);
        story.published = Some(at);
        // Asking stories get the topics the site would give them unattended; the others
        // stand for an archive whose topics the wire or the desk gave.
        let (topics, origin) = if c.asks {
            (
                site_topics(model, &c.title, &c.body).0,
                wiredesk_model::TopicOrigin::Model,
            )
        } else {
            (c.gold.clone(), wiredesk_model::TopicOrigin::Wire)
        };
        story.topics = topics
            .into_iter()
            .map(|t| Topic {
                slug: t.clone(),
                name: t,
                origin,
            })
            .collect();
        story.dateline = c.place.clone().map(|place| Dateline {
            place: Some(place),
            ..Dateline::default()
        });
        index.upsert(&story)?;
        clusters.add(&story);
        stories.push(story);
    }
    index.commit()?;
    let by_id: HashMap<StoryId, usize> = stories
        .iter()
        .enumerate()
        .map(|(k, s)| (s.id.clone(), k))
        .collect();
    let shares = |a: usize, b: usize| cases[a].gold.iter().any(|t| cases[b].gold.contains(t));
    let (mut hits, mut mlt_hits, mut queries) = (0usize, 0usize, 0usize);
    for (k, story) in stories.iter().enumerate().filter(|(k, _)| cases[*k].asks) {
        queries += 1;
        let found = index.related(story, RELATED_SHOWN * 6)?;
        for h in found.iter().take(RELATED_SHOWN) {
            hits_of(&by_id, &h.id, k, &shares, &mut mlt_hits);
        }
        let similarity = similar_enough(found.into_iter().map(|h| (h.id, h.score)));
        let candidates: Vec<Story> = similarity
            .keys()
            .filter_map(|id| by_id.get(id).map(|&n| stories[n].clone()))
            .collect();
        let ranked = rank(
            story,
            &similarity,
            candidates,
            |id| clusters.event_of(id),
            &RelatedConfig::default(),
            RELATED_SHOWN,
        );
        for s in &ranked {
            hits_of(&by_id, &s.id, k, &shares, &mut hits);
        }
    }
    if queries == 0 {
        bail!("no story to ask with");
    }
    let shown = (RELATED_SHOWN * queries) as f64;
    Ok(RelatedScores {
        queries,
        indexed: stories.len(),
        clusters: clusters.events(),
        secs: start.elapsed().as_secs_f64(),
        precision: hits as f64 / shown,
        more_like_this: mlt_hits as f64 / shown,
    })
}

struct RelatedScores {
    queries: usize,
    indexed: usize,
    clusters: usize,
    secs: f64,
    precision: f64,
    more_like_this: f64,
}

impl RelatedScores {
    fn print(&self) {
        println!(
            "{} asking stories, {} in the index, {} events; evaluation {:.2} s",
            self.queries, self.indexed, self.clusters, self.secs
        );
        println!(
            "precision_at_5={:.4} more_like_this_precision_at_5={:.4}",
            self.precision, self.more_like_this
        );
    }
}

/// Related Articles shows five.
const RELATED_SHOWN: usize = 5;

fn hits_of(
    by_id: &HashMap<StoryId, usize>,
    id: &StoryId,
    asking: usize,
    shares: &dyn Fn(usize, usize) -> bool,
    hits: &mut usize,
) {
    if let Some(&n) = by_id.get(id) {
        *hits += usize::from(n != asking && shares(asking, n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two topics whose copy shares its words within each topic only.
    fn labelled_corpus() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let copy = [
            (
                "monsoon",
                ["rain", "flood", "river", "monsoon", "dam", "embankment"],
            ),
            (
                "cricket",
                ["wicket", "innings", "bowler", "batsman", "stumps", "over"],
            ),
        ];
        for (topic, words) in copy {
            std::fs::create_dir(dir.path().join(topic)).unwrap();
            for n in 0..8 {
                let body: Vec<&str> = words.iter().cycle().skip(n).take(30).copied().collect();
                let text = format!(
                    "{} {} report {n}\n{}",
                    words[n % 6],
                    words[(n + 1) % 6],
                    body.join(" ")
                );
                std::fs::write(dir.path().join(topic).join(format!("{n:02}.txt")), text).unwrap();
            }
        }
        dir
    }

    #[test]
    fn related_stories_of_a_labelled_folder_share_their_topic() {
        let dir = labelled_corpus();
        let (train, test) = labelled_examples(dir.path()).unwrap();
        assert_eq!((train.len(), test.len()), (8, 8));
        let model = TopicModel::train(&train, classifier_config());
        let scores = related_eval(labelled_cases(&train, &test), &model).unwrap();
        assert_eq!(scores.queries, 8);
        assert_eq!(scores.indexed, 16);
        assert!(scores.precision > 0.9, "precision@5 {}", scores.precision);
        // The baseline is measured too: on copy this plain, more-like-this alone finds the
        // topic's other stories as well.
        assert!(
            scores.more_like_this > 0.9,
            "more-like-this {}",
            scores.more_like_this
        );
    }
}
