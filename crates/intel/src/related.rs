//! Related articles: tf-idf cosine similarity over an inverted index, blended with what the desk
//! knows about each story — its topics (with their confidence, e.g. from `classify`), the place
//! in its dateline and how close in time it was filed.

use rustc_hash::FxHashMap;

use crate::text::SparseVec;

/// Weights of the blend; the cosine similarity has weight 1.
#[derive(Clone, Debug, PartialEq)]
pub struct RelatedConfig {
    /// Added for the best shared topic, times both stories' confidence in it.
    pub topic_weight: f32,
    /// Added when both datelines name the same place.
    pub place_weight: f32,
    /// Added in full for stories filed at the same time, decaying with the gap.
    pub recency_weight: f32,
    /// The gap (seconds) over which the recency bonus falls to 1/e.
    pub recency_scale_s: f32,
    /// Added when both stories are in the same cluster (the site's clusters; the evaluation
    /// corpora have none).
    pub cluster_weight: f32,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        RelatedConfig {
            topic_weight: 0.5,
            place_weight: 0.03,
            recency_weight: 0.03,
            recency_scale_s: 3.0 * 86_400.0,
            cluster_weight: 0.0,
        }
    }
}

/// What speaks for one candidate being related to a story.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    /// Text similarity in 0–1 (tf-idf cosine, or a more-like-this score relative to the best).
    pub similarity: f32,
    /// The best shared topic's confidence product (0 when no topic is shared).
    pub shared_topic: f32,
    pub same_place: bool,
    pub same_cluster: bool,
    /// Seconds between the two filings, when both times are known.
    pub gap_s: Option<f32>,
}

impl Evidence {
    /// The blended score, one formula for the evaluation and the site.
    pub fn score(&self, config: &RelatedConfig) -> f32 {
        let mut score = self.similarity + config.topic_weight * self.shared_topic;
        if self.same_place {
            score += config.place_weight;
        }
        if self.same_cluster {
            score += config.cluster_weight;
        }
        if let Some(gap) = self.gap_s {
            score += config.recency_weight * (-gap / config.recency_scale_s).exp();
        }
        score
    }
}

/// A story as the related-articles index sees it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RelatedDoc {
    /// L2-normalised tf-idf vector.
    pub vector: SparseVec,
    /// Topics with a confidence in 0–1 (1 for topics the story was filed under).
    pub topics: Vec<(String, f32)>,
    pub place: Option<String>,
    /// Filing time, seconds since the epoch.
    pub time: Option<i64>,
}

struct Stored {
    topics: Vec<(u32, f32)>,
    place: Option<u32>,
    time: Option<i64>,
}

/// The stories that can be offered as related, searchable by similarity.
#[derive(Default)]
pub struct RelatedIndex {
    postings: FxHashMap<u32, Vec<(u32, f32)>>,
    docs: Vec<Stored>,
    names: FxHashMap<String, u32>,
}

impl RelatedIndex {
    pub fn new() -> RelatedIndex {
        RelatedIndex::default()
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    fn intern(&mut self, name: &str) -> u32 {
        let next = self.names.len() as u32;
        *self.names.entry(name.to_lowercase()).or_insert(next)
    }

    fn lookup(&self, name: &str) -> Option<u32> {
        self.names.get(&name.to_lowercase()).copied()
    }

    /// Add a story; returns its number (0, 1, 2… in the order added).
    pub fn add(&mut self, doc: &RelatedDoc) -> u32 {
        let id = self.docs.len() as u32;
        for (&f, &v) in doc.vector.idx.iter().zip(&doc.vector.val) {
            self.postings.entry(f).or_default().push((id, v));
        }
        let topics = doc
            .topics
            .iter()
            .map(|(t, c)| (self.intern(t), *c))
            .collect();
        let place = doc.place.as_deref().map(|p| self.intern(p));
        self.docs.push(Stored {
            topics,
            place,
            time: doc.time,
        });
        id
    }

    /// Cosine similarity of `query` with every story sharing a term (dense accumulator).
    fn cosines(&self, query: &SparseVec) -> (Vec<f32>, Vec<u32>) {
        let mut acc = vec![0.0f32; self.docs.len()];
        let mut touched = Vec::new();
        for (f, &qv) in query.idx.iter().zip(&query.val) {
            if let Some(list) = self.postings.get(f) {
                for &(d, v) in list {
                    if acc[d as usize] == 0.0 {
                        touched.push(d);
                    }
                    acc[d as usize] += qv * v;
                }
            }
        }
        (acc, touched)
    }

    /// The `k` most similar stories by plain tf-idf cosine, best first, never `exclude`.
    pub fn by_cosine(&self, query: &SparseVec, k: usize, exclude: Option<u32>) -> Vec<(u32, f32)> {
        let (acc, touched) = self.cosines(query);
        top_k(
            touched
                .into_iter()
                .filter(|&d| Some(d) != exclude)
                .map(|d| (d, acc[d as usize])),
            k,
        )
    }

    /// The `k` most related stories by the blended score, best first, never `exclude`.
    pub fn related(
        &self,
        query: &RelatedDoc,
        k: usize,
        exclude: Option<u32>,
        config: &RelatedConfig,
    ) -> Vec<(u32, f32)> {
        let (acc, touched) = self.cosines(&query.vector);
        let q_topics: Vec<(u32, f32)> = query
            .topics
            .iter()
            .filter_map(|(t, c)| self.lookup(t).map(|id| (id, *c)))
            .collect();
        let q_place = query.place.as_deref().and_then(|p| self.lookup(p));
        let scored = touched
            .into_iter()
            .filter(|&d| Some(d) != exclude)
            .map(|d| {
                let doc = &self.docs[d as usize];
                let topic = q_topics
                    .iter()
                    .flat_map(|&(qt, qc)| {
                        doc.topics
                            .iter()
                            .filter(move |&&(t, _)| t == qt)
                            .map(move |&(_, c)| qc * c)
                    })
                    .fold(0.0f32, f32::max);
                let evidence = Evidence {
                    similarity: acc[d as usize],
                    shared_topic: topic,
                    same_place: q_place.is_some() && q_place == doc.place,
                    same_cluster: false,
                    gap_s: query.time.zip(doc.time).map(|(a, b)| (a - b).abs() as f32),
                };
                (d, evidence.score(config))
            });
        top_k(scored, k)
    }
}

fn top_k(items: impl Iterator<Item = (u32, f32)>, k: usize) -> Vec<(u32, f32)> {
    let mut all: Vec<(u32, f32)> = items.collect();
    let by_score = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if all.len() > k && k > 0 {
        all.select_nth_unstable_by(k - 1, by_score);
        all.truncate(k);
    }
    all.sort_by(by_score);
    all.truncate(k);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{TermOptions, Vectorizer, terms};

    fn docs() -> (Vectorizer, Vec<RelatedDoc>) {
        let texts = [
            ("wheat harvest exports grain", "grain", "Chicago"),
            ("wheat grain prices harvest weather", "grain", "Chicago"),
            ("bank interest rate wheat", "money", "London"),
            ("bank interest rate inflation", "money", "London"),
            ("interest rate currency dollar bank", "money", "Tokyo"),
        ];
        let term_lists: Vec<Vec<String>> = texts
            .iter()
            .map(|t| terms("", t.0, TermOptions::default()))
            .collect();
        let v = Vectorizer::fit(&term_lists, 1);
        let docs = texts
            .iter()
            .zip(&term_lists)
            .enumerate()
            .map(|(i, (t, terms))| RelatedDoc {
                vector: v.transform(terms),
                topics: vec![(t.1.to_string(), 1.0)],
                place: Some(t.2.to_string()),
                time: Some(i as i64 * 86_400),
            })
            .collect();
        (v, docs)
    }

    #[test]
    fn cosine_neighbours_never_include_the_story_itself() {
        let (_, docs) = docs();
        let mut index = RelatedIndex::new();
        for d in &docs {
            index.add(d);
        }
        let n = index.by_cosine(&docs[0].vector, 3, Some(0));
        assert!(n.iter().all(|&(d, _)| d != 0));
        assert_eq!(n[0].0, 1);
    }

    #[test]
    fn shared_topics_outrank_a_shared_word() {
        let (v, docs) = docs();
        let mut index = RelatedIndex::new();
        for d in &docs {
            index.add(d);
        }
        // A grain story that mentions a bank: by words alone a money story ranks among the
        // first three; with its topic both grain stories do.
        let query = RelatedDoc {
            vector: v.transform(&terms("", "wheat bank", TermOptions::default())),
            topics: vec![("grain".into(), 0.9)],
            place: None,
            time: None,
        };
        let money = |d: &u32| *d == 3 || *d == 4;
        let plain = index.by_cosine(&query.vector, 3, None);
        assert!(plain.iter().any(|(d, _)| money(d)), "{plain:?}");
        let blended = index.related(&query, 3, None, &RelatedConfig::default());
        assert!(!blended.iter().any(|(d, _)| money(d)), "{blended:?}");
    }

    #[test]
    fn top_k_orders_by_score_then_id() {
        let got = top_k(vec![(3, 0.5), (1, 0.9), (2, 0.5), (4, 0.1)].into_iter(), 3);
        assert_eq!(got, vec![(1, 0.9), (2, 0.5), (3, 0.5)]);
    }
}
