//! Topic classification: sublinear tf-idf over words, word pairs and headline words; one linear
//! SVM per topic (one-vs-rest, L2-regularised squared hinge loss, trained by dual coordinate
//! descent as in LIBLINEAR, Hsieh et al. 2008); a decision threshold per topic chosen by
//! cross-validation on the training stories (the "SCut" rule), and a confidence per topic from a
//! sigmoid fitted to the cross-validated scores (Platt scaling).
//!
//! Written here rather than with `linfa`: linfa-svm is a dense SMO solver (slow and memory-hungry
//! on 100,000 sparse features) and linfa-logistic goes through ndarray and argmin; the dual
//! coordinate descent solver for sparse linear SVMs is ~40 lines and trains the 90 Reuters topics
//! with cross-validation in seconds.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use wiredesk_model::Story;

use crate::text::{SparseVec, TermOptions, Vectorizer, mix64, terms};
use wiredesk_model::text::html_to_text;

/// One labelled story to learn from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Example {
    pub title: String,
    pub body: String,
    pub topics: Vec<String>,
}

impl Example {
    /// A stored story and its topics (the site's topic slugs).
    pub fn from_story(story: &Story) -> Example {
        Example {
            title: story.headline.clone(),
            body: html_to_text(&story.body_html),
            topics: story.topics.iter().map(|t| t.slug.clone()).collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassifierConfig {
    /// SVM cost: higher fits the training stories more closely.
    pub c: f32,
    /// Extra cost on a topic's positive examples (topics are rare; misses cost more).
    pub positive_weight: f32,
    /// Rare topics weigh their positives more: by (negatives / positives) to this power.
    pub balance: f32,
    pub max_epochs: usize,
    /// Folds of the cross-validation that chooses the thresholds.
    pub folds: usize,
    pub bigrams: bool,
    pub stem: bool,
    /// Terms in fewer training stories are ignored.
    pub min_df: usize,
    /// The same for word pairs.
    pub min_df_pairs: usize,
    /// A topic whose best cross-validated F1 is below this gets `fallback_threshold`.
    pub min_cv_f1: f32,
    /// The threshold of a topic too rare for cross-validation to choose one (the SVM's own is
    /// 0; a rare topic's few positives rarely reach it in new stories).
    pub fallback_threshold: f32,
    /// A topic with fewer training stories than this is too rare for an F1-optimal threshold
    /// to be trusted (with two positives, it sits just below whichever scored higher). Its
    /// threshold instead admits a fixed rate of false positives among the cross-validated
    /// negatives; that rate is chosen, from `RARE_FP_RATES`, to maximise the summed
    /// cross-validated F1 of the rare topics.
    pub rare_positives: usize,
    /// Every story gets at least its best topic, even when no topic clears its threshold.
    pub at_least_one: bool,
    /// The final model of a topic is the mean of its cross-validation models rather than one
    /// retrained on every story: its scores are then on the scale the thresholds were chosen on.
    pub average_folds: bool,
    /// Weight of the first layer's confidences in a stacked second layer; 0 for one layer.
    pub stack_weight: f32,
    pub threads: usize,
}

impl Default for ClassifierConfig {
    fn default() -> Self {
        ClassifierConfig {
            c: 1.0,
            positive_weight: 1.0,
            balance: 0.0,
            max_epochs: 10,
            folds: 10,
            bigrams: true,
            stem: false,
            min_df: 4,
            min_df_pairs: 4,
            min_cv_f1: 0.2,
            fallback_threshold: 0.0,
            rare_positives: 10,
            at_least_one: true,
            average_folds: true,
            stack_weight: 0.0,
            threads: 2,
        }
    }
}

impl ClassifierConfig {
    pub fn term_options(&self) -> TermOptions {
        TermOptions {
            bigrams: self.bigrams,
            stem: self.stem,
        }
    }
}

/// A topic assigned to (or scored for) a story.
#[derive(Clone, Debug, PartialEq)]
pub struct TopicScore {
    pub topic: String,
    /// The SVM's margin.
    pub score: f32,
    /// Estimated probability that the topic applies, 0–1.
    pub confidence: f32,
    /// Whether the score clears the topic's threshold.
    pub assigned: bool,
}

/// A trained classifier; serialisable (serde) so it can be stored and loaded.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TopicModel {
    pub config: ClassifierConfig,
    pub vectorizer: Vectorizer,
    pub topics: Vec<String>,
    first: Layer,
    /// The stacked layer: the same features plus the first layer's confidences, so one
    /// topic's evidence can count for a related one (wheat for grain, jet for fuel).
    second: Option<Layer>,
}

/// One SVM per topic, with its threshold and Platt sigmoid.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Layer {
    weights: Vec<Vec<f32>>,
    bias: Vec<f32>,
    thresholds: Vec<f32>,
    /// Platt sigmoid (a, b): confidence = 1 / (1 + exp(a * score + b)).
    platt: Vec<(f32, f32)>,
}

impl Layer {
    fn score(&self, t: usize, x: &SparseVec) -> f32 {
        x.dot_dense(&self.weights[t]) + self.bias[t]
    }

    fn confidence(&self, t: usize, score: f32) -> f32 {
        let (a, b) = self.platt[t];
        sigmoid(-(a * score + b))
    }
}

/// `x` with the first layer's confidences appended as features `dim..dim + topics`.
fn stacked(x: &SparseVec, confidences: &[f32], dim: usize, weight: f32) -> SparseVec {
    let mut out = x.clone();
    for (t, &c) in confidences.iter().enumerate() {
        out.idx.push((dim + t) as u32);
        out.val.push(weight * c);
    }
    out
}

impl TopicModel {
    /// Learn every topic that appears in `examples`.
    pub fn train(examples: &[Example], config: ClassifierConfig) -> TopicModel {
        let mut topics: Vec<String> = examples.iter().flat_map(|e| e.topics.clone()).collect();
        topics.sort();
        topics.dedup();
        let docs: Vec<Vec<String>> = examples
            .iter()
            .map(|e| terms(&e.title, &e.body, config.term_options()))
            .collect();
        let vectorizer = Vectorizer::fit_with(&docs, config.min_df, config.min_df_pairs);
        let xs: Vec<SparseVec> = docs.iter().map(|d| vectorizer.transform(d)).collect();
        let labels: Vec<Vec<bool>> = topics
            .iter()
            .map(|t| examples.iter().map(|e| e.topics.contains(t)).collect())
            .collect();
        // Deterministic folds: a fixed shuffle of the story numbers.
        let folds = config.folds.max(2);
        let fold_of: Vec<usize> = (0..xs.len())
            .map(|i| (mix64(i as u64 ^ 0xf01d) % folds as u64) as usize)
            .collect();
        let dim = vectorizer.dim();
        let (first, oof) = train_layer(&xs, &labels, &fold_of, folds, dim, &config);
        let second = (config.stack_weight > 0.0).then(|| {
            // The second layer learns from cross-validated confidences: what the first layer
            // says of stories it was not trained on, as it will of new ones.
            let xs2: Vec<SparseVec> = (0..xs.len())
                .map(|i| {
                    let conf: Vec<f32> = (0..topics.len())
                        .map(|t| first.confidence(t, oof[t][i]))
                        .collect();
                    stacked(&xs[i], &conf, dim, config.stack_weight)
                })
                .collect();
            train_layer(&xs2, &labels, &fold_of, folds, dim + topics.len(), &config).0
        });
        TopicModel {
            config,
            vectorizer,
            topics,
            first,
            second,
        }
    }

    pub fn vectorize(&self, title: &str, body: &str) -> SparseVec {
        self.vectorizer
            .transform(&terms(title, body, self.config.term_options()))
    }

    /// Every topic's score, in the order of `topics`.
    pub fn score_all(&self, x: &SparseVec) -> Vec<TopicScore> {
        let mut out = self.score_by_thresholds(x);
        if self.config.at_least_one
            && !x.idx.is_empty()
            && !out.iter().any(|s| s.assigned)
            && let Some(best) =
                (0..out.len()).max_by(|&i, &j| out[i].confidence.total_cmp(&out[j].confidence))
        {
            out[best].assigned = true;
        }
        out
    }

    /// What the model makes of a new story: the topics whose scores clear their thresholds,
    /// most confident first, and its best guess — the first of those, or else the most
    /// confident topic — or `None` when the story has no word the model knows. Unlike
    /// `predict`, a guess that clears no threshold is never given as a topic: the caller
    /// decides what it is worth.
    pub fn guess(&self, title: &str, body: &str) -> (Vec<TopicScore>, Option<TopicScore>) {
        let x = self.vectorize(title, body);
        if x.idx.is_empty() {
            return (Vec::new(), None);
        }
        let scores = self.score_by_thresholds(&x);
        let mut assigned: Vec<TopicScore> = scores.iter().filter(|s| s.assigned).cloned().collect();
        assigned.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        let best = assigned.first().cloned().or_else(|| {
            scores
                .into_iter()
                .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
        });
        (assigned, best)
    }

    fn score_by_thresholds(&self, x: &SparseVec) -> Vec<TopicScore> {
        let n = self.topics.len();
        let first: Vec<f32> = (0..n).map(|t| self.first.score(t, x)).collect();
        let (layer, scores) = match &self.second {
            None => (&self.first, first),
            Some(second) => {
                let conf: Vec<f32> = (0..n).map(|t| self.first.confidence(t, first[t])).collect();
                let x2 = stacked(x, &conf, self.vectorizer.dim(), self.config.stack_weight);
                (second, (0..n).map(|t| second.score(t, &x2)).collect())
            }
        };
        (0..n)
            .map(|t| TopicScore {
                topic: self.topics[t].clone(),
                score: scores[t],
                confidence: layer.confidence(t, scores[t]),
                // A story with no known term has no evidence for any topic.
                assigned: !x.idx.is_empty() && scores[t] >= layer.thresholds[t],
            })
            .collect()
    }

    /// The topics assigned to a story, most confident first.
    pub fn predict(&self, title: &str, body: &str) -> Vec<TopicScore> {
        let mut assigned: Vec<TopicScore> = self
            .score_all(&self.vectorize(title, body))
            .into_iter()
            .filter(|s| s.assigned)
            .collect();
        assigned.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        assigned
    }

    pub fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }

    pub fn from_json(json: &str) -> serde_json::Result<TopicModel> {
        serde_json::from_str(json)
    }
}

/// Train every topic of one layer, `config.threads` topics at a time. Returns the layer and,
/// per topic, the cross-validated score of every story.
fn train_layer(
    xs: &[SparseVec],
    labels: &[Vec<bool>],
    fold_of: &[usize],
    folds: usize,
    dim: usize,
    config: &ClassifierConfig,
) -> (Layer, Vec<Vec<f32>>) {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<TrainedTopic>>> = Mutex::new(vec![None; labels.len()]);
    std::thread::scope(|s| {
        for _ in 0..config.threads.max(1) {
            s.spawn(|| {
                loop {
                    let t = next.fetch_add(1, Ordering::Relaxed);
                    if t >= labels.len() {
                        break;
                    }
                    let trained = train_topic(xs, &labels[t], fold_of, folds, dim, config);
                    results.lock().expect("no worker panics")[t] = Some(trained);
                }
            });
        }
    });
    let mut layer = Layer {
        weights: Vec::new(),
        bias: Vec::new(),
        thresholds: Vec::new(),
        platt: Vec::new(),
    };
    let mut oof = Vec::new();
    for r in results.into_inner().expect("no worker panics") {
        let r = r.expect("every topic trained");
        layer.weights.push(r.weights);
        layer.bias.push(r.bias);
        layer.thresholds.push(r.threshold);
        layer.platt.push(r.platt);
        oof.push(r.oof);
    }
    let rare: Vec<usize> = (0..labels.len())
        .filter(|&t| labels[t].iter().filter(|&&l| l).count() < config.rare_positives)
        .collect();
    if !rare.is_empty() {
        let f1_at = |t: usize, q: f32| -> (f32, f32) {
            let threshold = fp_rate_threshold(&oof[t], &labels[t], q);
            (threshold, f1_of(&oof[t], &labels[t], threshold))
        };
        let best_q = RARE_FP_RATES
            .iter()
            .copied()
            .max_by(|&a, &b| {
                let fa: f32 = rare.iter().map(|&t| f1_at(t, a).1).sum();
                let fb: f32 = rare.iter().map(|&t| f1_at(t, b).1).sum();
                fa.total_cmp(&fb)
            })
            .unwrap_or(RARE_FP_RATES[0]);
        for &t in &rare {
            layer.thresholds[t] = f1_at(t, best_q).0;
        }
    }
    (layer, oof)
}

/// False-positive rates a rare topic's threshold may be set to admit.
pub const RARE_FP_RATES: [f32; 6] = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01];

/// The threshold above which a fraction `rate` of the negatives' scores lie.
fn fp_rate_threshold(scores: &[f32], labels: &[bool], rate: f32) -> f32 {
    let mut neg: Vec<f32> = scores
        .iter()
        .zip(labels)
        .filter(|(_, l)| !**l)
        .map(|(s, _)| *s)
        .collect();
    if neg.is_empty() {
        return 0.0;
    }
    neg.sort_by(|a, b| b.total_cmp(a));
    let k = ((rate * neg.len() as f32).floor() as usize).min(neg.len() - 1);
    // Just above the (k+1)-th highest negative: k negatives pass.
    neg[k] + 1e-6
}

fn f1_of(scores: &[f32], labels: &[bool], threshold: f32) -> f32 {
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (&s, &l) in scores.iter().zip(labels) {
        match (s >= threshold, l) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            _ => {}
        }
    }
    let d = 2 * tp + fp + fn_;
    if d == 0 {
        0.0
    } else {
        2.0 * tp as f32 / d as f32
    }
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[derive(Clone)]
struct TrainedTopic {
    /// Cross-validated score of every story.
    oof: Vec<f32>,
    weights: Vec<f32>,
    bias: f32,
    threshold: f32,
    platt: (f32, f32),
}

fn train_topic(
    xs: &[SparseVec],
    labels: &[bool],
    fold_of: &[usize],
    folds: usize,
    dim: usize,
    config: &ClassifierConfig,
) -> TrainedTopic {
    let mut oof: Vec<(f32, bool)> = Vec::with_capacity(xs.len());
    let mut oof_by_doc = vec![0.0f32; xs.len()];
    let mut mean_w = vec![0.0f32; dim];
    let mut mean_b = 0.0f32;
    for f in 0..folds {
        let train: Vec<usize> = (0..xs.len()).filter(|&i| fold_of[i] != f).collect();
        let (w, b) = train_svm(xs, labels, &train, dim, config);
        for i in (0..xs.len()).filter(|&i| fold_of[i] == f) {
            let score = xs[i].dot_dense(&w) + b;
            oof.push((score, labels[i]));
            oof_by_doc[i] = score;
        }
        for (m, v) in mean_w.iter_mut().zip(&w) {
            *m += v / folds as f32;
        }
        mean_b += b / folds as f32;
    }
    let (weights, bias) = if config.average_folds {
        (mean_w, mean_b)
    } else {
        let all: Vec<usize> = (0..xs.len()).collect();
        train_svm(xs, labels, &all, dim, config)
    };
    let (threshold, best_f1) = best_threshold(&mut oof);
    let threshold = if best_f1 >= config.min_cv_f1 {
        threshold
    } else {
        config.fallback_threshold
    };
    let platt = fit_platt(&oof);
    TrainedTopic {
        oof: oof_by_doc,
        weights,
        bias,
        threshold,
        platt,
    }
}

/// L2-regularised squared-hinge linear SVM by dual coordinate descent, with the bias as a
/// feature of constant value 1. Returns (w, b).
fn train_svm(
    xs: &[SparseVec],
    labels: &[bool],
    rows: &[usize],
    dim: usize,
    config: &ClassifierConfig,
) -> (Vec<f32>, f32) {
    let mut w = vec![0.0f32; dim];
    let mut b = 0.0f32;
    let mut alpha = vec![0.0f32; rows.len()];
    let sq: Vec<f32> = rows
        .iter()
        .map(|&i| xs[i].val.iter().map(|v| v * v).sum::<f32>() + 1.0)
        .collect();
    let pos = rows.iter().filter(|&&i| labels[i]).count().max(1) as f32;
    let neg = (rows.len() as f32 - pos).max(1.0);
    let c_pos = config.c * config.positive_weight * (neg / pos).powf(config.balance);
    let diag: Vec<f32> = rows
        .iter()
        .map(|&i| {
            let c = if labels[i] { c_pos } else { config.c };
            0.5 / c
        })
        .collect();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut state = 0x0dd5_eed5_u64;
    for _ in 0..config.max_epochs {
        // Fisher-Yates with a fixed generator: training is deterministic.
        for k in (1..order.len()).rev() {
            state = mix64(state.wrapping_add(0x9e37_79b9_7f4a_7c15));
            order.swap(k, (state % (k as u64 + 1)) as usize);
        }
        let (mut pg_max, mut pg_min) = (f32::NEG_INFINITY, f32::INFINITY);
        for &k in &order {
            let i = rows[k];
            let y = if labels[i] { 1.0 } else { -1.0 };
            let x = &xs[i];
            let g = y * (x.dot_dense(&w) + b) - 1.0 + diag[k] * alpha[k];
            let pg = if alpha[k] == 0.0 { g.min(0.0) } else { g };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[k];
                alpha[k] = (old - g / (sq[k] + diag[k])).max(0.0);
                let d = (alpha[k] - old) * y;
                if d != 0.0 {
                    for (&j, &v) in x.idx.iter().zip(&x.val) {
                        w[j as usize] += d * v;
                    }
                    b += d;
                }
            }
        }
        if pg_max - pg_min < 0.1 {
            break;
        }
    }
    (w, b)
}

/// The threshold that maximises F1 over cross-validated (score, label) pairs, and that F1.
/// The threshold sits halfway between the last accepted score and the next.
fn best_threshold(scored: &mut [(f32, bool)]) -> (f32, f32) {
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = scored.iter().filter(|s| s.1).count();
    if positives == 0 || scored.is_empty() {
        return (0.0, 0.0);
    }
    let (mut tp, mut best_f1, mut best_at) = (0usize, 0.0f32, 0usize);
    for (k, s) in scored.iter().enumerate() {
        tp += usize::from(s.1);
        // Only cut between distinct scores.
        if k + 1 < scored.len() && scored[k + 1].0 == s.0 {
            continue;
        }
        let f1 = 2.0 * tp as f32 / ((k + 1) + positives) as f32;
        if f1 > best_f1 {
            best_f1 = f1;
            best_at = k;
        }
    }
    let threshold = match scored.get(best_at + 1) {
        Some(next) => (scored[best_at].0 + next.0) / 2.0,
        None => scored[best_at].0 - 1.0,
    };
    (threshold, best_f1)
}

/// Platt's sigmoid fitted by Newton's method with the regularised targets of Lin, Lin and Weng
/// (2007). Returns (a, b) for confidence = 1 / (1 + exp(a * score + b)).
fn fit_platt(scored: &[(f32, bool)]) -> (f32, f32) {
    let pos = scored.iter().filter(|s| s.1).count() as f64;
    let neg = scored.len() as f64 - pos;
    let hi = (pos + 1.0) / (pos + 2.0);
    let lo = 1.0 / (neg + 2.0);
    let (mut a, mut b) = (0.0f64, ((neg + 1.0) / (pos + 1.0)).ln());
    let objective = |a: f64, b: f64| -> f64 {
        scored
            .iter()
            .map(|&(s, y)| {
                let t = if y { hi } else { lo };
                let f = s as f64 * a + b;
                if f >= 0.0 {
                    t * f + (1.0 + (-f).exp()).ln()
                } else {
                    (t - 1.0) * f + (1.0 + f.exp()).ln()
                }
            })
            .sum()
    };
    let mut fval = objective(a, b);
    for _ in 0..100 {
        let (mut h11, mut h22, mut h21, mut g1, mut g2) = (1e-12, 1e-12, 0.0, 0.0, 0.0);
        for &(s, y) in scored {
            let s = s as f64;
            let t = if y { hi } else { lo };
            let f = s * a + b;
            let (p, q) = if f >= 0.0 {
                let e = (-f).exp();
                (e / (1.0 + e), 1.0 / (1.0 + e))
            } else {
                let e = f.exp();
                (1.0 / (1.0 + e), e / (1.0 + e))
            };
            let d2 = p * q;
            h11 += s * s * d2;
            h22 += d2;
            h21 += s * d2;
            let d1 = t - p;
            g1 += s * d1;
            g2 += d1;
        }
        if g1.abs() < 1e-5 && g2.abs() < 1e-5 {
            break;
        }
        let det = h11 * h22 - h21 * h21;
        let da = -(h22 * g1 - h21 * g2) / det;
        let db = -(-h21 * g1 + h11 * g2) / det;
        let gd = g1 * da + g2 * db;
        let mut step = 1.0;
        let mut improved = false;
        while step >= 1e-10 {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = objective(na, nb);
            if nf < fval + 1e-4 * step * gd {
                a = na;
                b = nb;
                fval = nf;
                improved = true;
                break;
            }
            step /= 2.0;
        }
        if !improved {
            break;
        }
    }
    (a as f32, b as f32)
}

/// Micro- and macro-averaged F1 of a model trained on four fifths of `examples` and tested on
/// the rest (every fifth story by a fixed shuffle of their order, so the same archive gives the
/// same figure); `None` when either side would be empty.
pub fn held_out_f1(examples: &[Example], config: &ClassifierConfig) -> Option<(f64, f64)> {
    let is_test = |i: usize| mix64(i as u64 ^ 0x5eed_7e57).is_multiple_of(5);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (i, e) in examples.iter().enumerate() {
        if is_test(i) {
            test.push(e)
        } else {
            train.push(e.clone())
        }
    }
    if train.is_empty() || test.is_empty() {
        return None;
    }
    let model = TopicModel::train(&train, config.clone());
    let index_of = |t: &str| model.topics.iter().position(|x| x == t);
    let gold: Vec<Vec<usize>> = test
        .iter()
        .map(|e| e.topics.iter().filter_map(|t| index_of(t)).collect())
        .collect();
    let predicted: Vec<Vec<usize>> = test
        .iter()
        .map(|e| {
            model
                .predict(&e.title, &e.body)
                .iter()
                .filter_map(|s| index_of(&s.topic))
                .collect()
        })
        .collect();
    Some(f1_scores(&gold, &predicted, model.topics.len()))
}

/// Micro- and macro-averaged F1 of predicted against gold topic sets, over `n_topics` topics
/// (numbered 0..n_topics); a topic with no gold and no predicted story counts as F1 = 1 for the
/// macro average only if `count_empty` (it is left out otherwise).
pub fn f1_scores(gold: &[Vec<usize>], predicted: &[Vec<usize>], n_topics: usize) -> (f64, f64) {
    let mut tp = vec![0usize; n_topics];
    let mut fp = vec![0usize; n_topics];
    let mut fn_ = vec![0usize; n_topics];
    for (g, p) in gold.iter().zip(predicted) {
        for &t in p {
            if g.contains(&t) {
                tp[t] += 1;
            } else {
                fp[t] += 1;
            }
        }
        for &t in g {
            if !p.contains(&t) {
                fn_[t] += 1;
            }
        }
    }
    let f1 = |tp: usize, fp: usize, fn_: usize| -> Option<f64> {
        let denom = 2 * tp + fp + fn_;
        (denom > 0).then(|| 2.0 * tp as f64 / denom as f64)
    };
    let (stp, sfp, sfn) = (
        tp.iter().sum::<usize>(),
        fp.iter().sum::<usize>(),
        fn_.iter().sum::<usize>(),
    );
    let micro = f1(stp, sfp, sfn).unwrap_or(0.0);
    let per: Vec<f64> = (0..n_topics)
        .filter_map(|t| f1(tp[t], fp[t], fn_[t]))
        .collect();
    let macro_ = if per.is_empty() {
        0.0
    } else {
        per.iter().sum::<f64>() / per.len() as f64
    };
    (micro, macro_)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Vec<Example> {
        let sport = [
            "cricket match captain wickets innings",
            "football match goal striker league",
            "tennis match final set champion",
            "cricket series innings batsman runs",
            "league season coach striker goal",
            "champion final medal race athletics",
        ];
        let money = [
            "bank interest rate inflation bonds",
            "shares market investors profit earnings",
            "central bank currency dollar rate",
            "profit quarter earnings dividend shares",
            "bonds yields treasury inflation market",
            "dollar currency exchange reserves bank",
        ];
        let mut out = Vec::new();
        for round in 0..4 {
            for (i, s) in sport.iter().enumerate() {
                out.push(Example {
                    title: format!("sport item {round} {i}"),
                    body: s.to_string(),
                    topics: vec!["sport".into()],
                });
            }
            for (i, m) in money.iter().enumerate() {
                out.push(Example {
                    title: format!("money item {round} {i}"),
                    body: m.to_string(),
                    topics: vec!["economy".into()],
                });
            }
        }
        out
    }

    fn config() -> ClassifierConfig {
        ClassifierConfig {
            min_df: 1,
            min_df_pairs: 1,
            ..ClassifierConfig::default()
        }
    }

    #[test]
    fn learns_a_separable_toy_set() {
        let model = TopicModel::train(&toy(), config());
        assert_eq!(model.topics, ["economy", "sport"]);
        let p = model.predict("", "the striker scored a goal in the cricket match");
        assert_eq!(p[0].topic, "sport");
        assert!(p.iter().all(|s| s.topic != "economy"), "{p:?}");
        let q = model.predict("", "bank raises interest rate as inflation climbs");
        assert_eq!(q[0].topic, "economy");
        assert!(q[0].confidence > 0.5, "{q:?}");
        let all = model.score_all(&model.vectorize("", "bank raises interest rate"));
        let sport = all.iter().find(|s| s.topic == "sport").unwrap();
        assert!(sport.confidence < q[0].confidence);
    }

    /// Devanagari: words keep their vowel signs and viramas, so "विकेट" and "क्रिकेट" are
    /// whole words to learn from, not fragments every Hindi story shares.
    #[test]
    fn learns_hindi_copy_by_its_whole_words() {
        let sport = [
            "क्रिकेट मैच में कप्तान ने विकेट लिए",
            "फुटबॉल लीग में स्ट्राइकर का गोल",
            "टेनिस फाइनल में चैंपियन की जीत",
            "क्रिकेट श्रृंखला में बल्लेबाज के रन",
        ];
        let money = [
            "बैंक ने ब्याज दर और महंगाई पर फैसला किया",
            "शेयर बाजार में निवेशकों का मुनाफा",
            "रिजर्व बैंक ने रेपो दर घटाई",
            "सेंसेक्स और निफ्टी में तेजी रही",
        ];
        let mut examples = Vec::new();
        for round in 0..4 {
            for (list, topic) in [(&sport, "sport"), (&money, "economy")] {
                for (i, body) in list.iter().enumerate() {
                    examples.push(Example {
                        title: format!("{topic} {round} {i}"),
                        body: body.to_string(),
                        topics: vec![topic.into()],
                    });
                }
            }
        }
        let model = TopicModel::train(&examples, config());
        assert_eq!(
            model.predict("", "कप्तान ने क्रिकेट मैच में विकेट लिए")[0].topic,
            "sport"
        );
        assert_eq!(
            model.predict("", "रिजर्व बैंक ने ब्याज दर बढ़ाई")[0].topic,
            "economy"
        );
        let words: Vec<String> = crate::text::words("क्रिकेट मैच").collect();
        assert_eq!(words, ["क्रिकेट", "मैच"]);
    }

    #[test]
    fn a_story_gets_its_best_topic_when_asked_but_none_without_any_known_word() {
        let eager = TopicModel::train(&toy(), config());
        assert!(eager.config.at_least_one);
        // "item" is in every training headline: weak evidence either way, still one topic.
        assert!(!eager.predict("", "item").is_empty());
        assert!(eager.predict("", "zzz qqq").is_empty());
        let strict = TopicModel::train(
            &toy(),
            ClassifierConfig {
                at_least_one: false,
                ..config()
            },
        );
        assert!(strict.predict("", "zzz qqq").is_empty());
    }

    #[test]
    fn a_guess_below_every_threshold_is_named_but_not_given() {
        let model = TopicModel::train(&toy(), config());
        let (assigned, best) = model.guess("", "striker goal cricket match wickets");
        assert_eq!(assigned[0].topic, "sport");
        assert_eq!(best.as_ref(), assigned.first());
        let (none, nothing) = model.guess("", "zzz qqq");
        assert!(none.is_empty() && nothing.is_none());
        // A story that clears no threshold: `predict` (at_least_one) gives it a topic anyway,
        // a guess only names it.
        let mut strict = model.clone();
        strict
            .first
            .thresholds
            .iter_mut()
            .for_each(|t| *t = f32::MAX);
        let text = "striker goal cricket match wickets";
        assert_eq!(strict.predict("", text)[0].topic, "sport");
        let (assigned, best) = strict.guess("", text);
        assert!(assigned.is_empty(), "{assigned:?}");
        let best = best.unwrap();
        assert!(best.topic == "sport" && !best.assigned, "{best:?}");
    }

    #[test]
    fn the_held_out_figure_is_the_same_for_the_same_archive() {
        let examples = toy();
        let first = held_out_f1(&examples, &config()).unwrap();
        assert_eq!(held_out_f1(&examples, &config()), Some(first));
        assert!(first.0 > 0.8, "{first:?}");
        assert_eq!(held_out_f1(&examples[..1], &config()), None);
    }

    #[test]
    fn a_stacked_model_still_learns_the_toy_set() {
        let model = TopicModel::train(
            &toy(),
            ClassifierConfig {
                stack_weight: 0.5,
                ..config()
            },
        );
        let p = model.predict("", "the striker scored a goal in the cricket match");
        assert_eq!(p[0].topic, "sport");
        let back = TopicModel::from_json(&model.to_json().unwrap()).unwrap();
        assert_eq!(back.predict("", "bank rate")[0].topic, "economy");
    }

    #[test]
    fn a_rare_topic_threshold_admits_the_given_share_of_negatives() {
        let scores: Vec<f32> = (0..1000).map(|i| -(i as f32) / 1000.0).collect();
        let labels = vec![false; 1000];
        let t = fp_rate_threshold(&scores, &labels, 0.005);
        let passing = scores.iter().filter(|&&s| s >= t).count();
        assert_eq!(passing, 5);
        assert!((f1_of(&[1.0, 0.5, -1.0], &[true, false, true], 0.0) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn the_model_survives_serialisation() {
        let model = TopicModel::train(&toy(), config());
        let back = TopicModel::from_json(&model.to_json().unwrap()).unwrap();
        let text = "dividend and earnings beat the market";
        assert_eq!(model.predict("", text), back.predict("", text));
    }

    #[test]
    fn thresholds_maximise_f1() {
        let mut s = vec![
            (3.0, true),
            (2.0, true),
            (1.0, false),
            (0.5, true),
            (-1.0, false),
        ];
        let (t, f1) = best_threshold(&mut s);
        // Cutting below 0.5 gives 3 tp, 1 fp: F1 = 6/7, better than 2/2 of 3 (0.8).
        assert!((f1 - 6.0 / 7.0).abs() < 1e-6);
        assert!(t < 0.5 && t > -1.0);
    }

    #[test]
    fn f1_scores_count_micro_and_macro() {
        let gold = vec![vec![0], vec![1], vec![0, 1]];
        let pred = vec![vec![0], vec![0], vec![0, 1]];
        let (micro, macro_) = f1_scores(&gold, &pred, 2);
        // tp 3, fp 1, fn 1 → 0.75; topic 0: 2·2/(4+1) = 0.8, topic 1: 2/(2+1) ≈ 0.667.
        assert!((micro - 0.75).abs() < 1e-9);
        assert!((macro_ - (0.8 + 2.0 / 3.0) / 2.0).abs() < 1e-9);
    }

    #[test]
    fn a_story_is_read_from_its_headline_and_copy() {
        let t: jiff::Timestamp = "2026-11-28T08:00:00Z".parse().unwrap();
        let story = wiredesk_model::testing::story("urn:x", "Headline", "<p>Body copy.</p>", t);
        let e = Example::from_story(&story);
        assert_eq!(e.title, "Headline");
        assert!(e.body.contains("Body copy.") && !e.body.contains("<p>"));
    }
}
