//! Near-duplicate clustering: MinHash signatures over word shingles, banded LSH to find
//! candidates, and the exact Jaccard similarity of the shingle sets to accept them.
//!
//! Incremental: `Deduper::add` takes one document at a time and answers at once which earlier
//! documents it duplicates and which cluster it joined. A document is a near-duplicate of another
//! when the Jaccard similarity of their sets of word 5-shingles is at least the threshold; LSH
//! only proposes candidates, so every reported pair really is that similar (precision is bounded
//! only by shingle-hash collisions), and recall is what the banding misses.
//!
//! What it keeps per document is sized for a site's whole archive: each shingle as a 32-bit
//! hash (two stories' 500 shingles meet by chance in 32 bits about once in 17,000 pairs, and
//! one chance shingle moves a Jaccard by a fraction of a percent), and each band's bucket as a
//! link in one flat chain rather than a list of its own.
//!
//! Written here rather than taken from a crate: the MinHash/LSH crates on crates.io either
//! store whole documents, hash with a cryptographic hash per permutation (too slow for the
//! 50,000 documents a second this aims at), or are not incremental.

use rustc_hash::FxHashMap;

use crate::text::{mix64, word_hash};

/// Tuning of the clustering.
#[derive(Clone, Debug, PartialEq)]
pub struct DedupeConfig {
    /// Minimum Jaccard similarity of the shingle sets for two documents to be near-duplicates.
    pub threshold: f64,
    /// Words per shingle.
    pub shingle_words: usize,
    /// LSH bands; the signature has `bands * rows` MinHash values.
    pub bands: usize,
    pub rows: usize,
}

impl Default for DedupeConfig {
    fn default() -> Self {
        // 20 bands of 5 rows: a pair at Jaccard 0.8 becomes a candidate with probability
        // 1 - (1 - 0.8^5)^20 = 0.9996; at 0.5, 0.47; at 0.3, 0.05.
        DedupeConfig {
            threshold: 0.8,
            shingle_words: 5,
            bands: 20,
            rows: 5,
        }
    }
}

/// The sorted, distinct 64-bit hashes of a text's word shingles. A text shorter than one
/// shingle is one shingle of all its words; a text without words has none.
pub fn shingles(text: &str, k: usize) -> Vec<u64> {
    let k = k.max(1);
    let hashes: Vec<u64> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(word_hash)
        .collect();
    let mut out: Vec<u64> = if hashes.is_empty() {
        Vec::new()
    } else if hashes.len() < k {
        vec![combine(&hashes)]
    } else {
        hashes.windows(k).map(combine).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// One hash for a run of words: each word's (already well-mixed) hash rotated by its position,
/// so order counts, then one mixing step.
fn combine(words: &[u64]) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15u64;
    for (i, &w) in words.iter().enumerate() {
        h ^= w.rotate_left((i as u32 * 13) % 64);
    }
    mix64(h ^ words.len() as u64)
}

/// Exact Jaccard similarity of two sorted, distinct sets.
pub fn jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let inter = intersection(a, b);
    inter as f64 / (a.len() + b.len() - inter) as f64
}

fn intersection<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The root of `doc`'s tree in the union-find, flattening the path on the way.
fn root_of(parent: &mut [u32], doc: u32) -> u32 {
    let mut root = doc;
    while parent[root as usize] != root {
        root = parent[root as usize];
    }
    let mut d = doc;
    while parent[d as usize] != root {
        let next = parent[d as usize];
        parent[d as usize] = root;
        d = next;
    }
    root
}

/// What `Deduper::add` found for a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Added {
    /// The document's number: 0 for the first added, then 1, 2…
    pub doc: u32,
    /// The cluster it is in now: the number of the cluster's first document.
    pub cluster: u32,
    /// Earlier documents it is a near-duplicate of, with their exact Jaccard similarity.
    pub duplicates: Vec<(u32, f64)>,
}

/// The incremental near-duplicate index.
pub struct Deduper {
    config: DedupeConfig,
    /// Per-permutation (xor, odd multiplier) for the 32-bit hash family.
    seeds: Vec<u32>,
    mults: Vec<u32>,
    /// Band key → its bucket: the latest document with that band, and how many there are.
    buckets: FxHashMap<u64, Bucket>,
    /// Each bucket entry: (document, the entry before it in its bucket, `END` at the first).
    chain: Vec<(u32, u32)>,
    /// Each document's shingles, 32-bit (`fold`), sorted and distinct.
    shingles: Vec<Box<[u32]>>,
    parent: Vec<u32>,
    /// Marks of the candidates already checked for the document being added.
    seen: Vec<u32>,
    signature: Vec<u32>,
    /// Only which clusters a document joins is wanted (`for_clusters`), not every pair.
    clusters_only: bool,
}

#[derive(Clone, Copy)]
struct Bucket {
    latest: u32,
    len: u32,
}

const END: u32 = u32::MAX;

/// A shingle's 64-bit hash folded to the 32 bits kept and signed.
fn fold(s: u64) -> u32 {
    (s ^ (s >> 32)) as u32
}

/// In `for_clusters` mode, a band's bucket stops taking documents at this size: a copy sent
/// thousands of times (a results table, a standing notice) would otherwise make every new
/// one compare against all the others, and the log's replay at start grow with the square of
/// the log. A document like those in a full bucket still finds them there.
const CLUSTER_BUCKET_CAP: usize = 64;

impl Deduper {
    pub fn new(config: DedupeConfig) -> Deduper {
        let n = config.bands * config.rows;
        let mut state = 0x5eed_u64;
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            mix64(state)
        };
        let seeds = (0..n).map(|_| next() as u32).collect();
        let mults = (0..n).map(|_| (next() as u32) | 1).collect();
        Deduper {
            signature: vec![0; n],
            config,
            seeds,
            mults,
            buckets: FxHashMap::default(),
            chain: Vec::new(),
            shingles: Vec::new(),
            parent: Vec::new(),
            seen: Vec::new(),
            clusters_only: false,
        }
    }

    /// For grouping into clusters: `Added::duplicates` names one earlier document per cluster
    /// the document joins (not every pair), and buckets are capped, so the work per document
    /// stays bounded however often the same copy arrives.
    pub fn for_clusters(config: DedupeConfig) -> Deduper {
        Deduper {
            clusters_only: true,
            ..Deduper::new(config)
        }
    }

    pub fn len(&self) -> usize {
        self.shingles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shingles.is_empty()
    }

    pub fn config(&self) -> &DedupeConfig {
        &self.config
    }

    /// Add one document's text.
    pub fn add(&mut self, text: &str) -> Added {
        let set = shingles(text, self.config.shingle_words);
        self.add_shingles(set)
    }

    /// Add a document given its shingle set (as `shingles` makes it).
    pub fn add_shingles(&mut self, set: Vec<u64>) -> Added {
        let mut set: Vec<u32> = set.into_iter().map(fold).collect();
        set.sort_unstable();
        set.dedup();
        let doc = self.shingles.len() as u32;
        self.parent.push(doc);
        self.seen.push(u32::MAX);
        let mut duplicates = Vec::new();
        if !set.is_empty() {
            let keys = self.band_keys(&set);
            // Disjoint borrows of the fields, so the union-find can be read while a bucket is.
            let (buckets, chain, parent, seen, shingles) = (
                &mut self.buckets,
                &mut self.chain,
                &mut self.parent,
                &mut self.seen,
                &self.shingles,
            );
            let mut joined: Vec<u32> = Vec::new();
            for &key in &keys {
                let Some(bucket) = buckets.get(&key) else {
                    continue;
                };
                let mut link = bucket.latest;
                while link != END {
                    let (other, before) = chain[link as usize];
                    link = before;
                    if seen[other as usize] == doc {
                        continue;
                    }
                    seen[other as usize] = doc;
                    if self.clusters_only && joined.contains(&root_of(parent, other)) {
                        continue;
                    }
                    let theirs = &shingles[other as usize];
                    // J(A, B) <= min/max of the sizes: skip what cannot reach the threshold.
                    let (small, large) = if set.len() < theirs.len() {
                        (set.len(), theirs.len())
                    } else {
                        (theirs.len(), set.len())
                    };
                    if (small as f64) < self.config.threshold * large as f64 {
                        continue;
                    }
                    let j = jaccard(&set, theirs);
                    if j >= self.config.threshold {
                        duplicates.push((other, j));
                        if self.clusters_only {
                            joined.push(root_of(parent, other));
                        }
                    }
                }
            }
            for key in keys {
                let bucket = buckets.entry(key).or_insert(Bucket {
                    latest: END,
                    len: 0,
                });
                if !self.clusters_only || (bucket.len as usize) < CLUSTER_BUCKET_CAP {
                    chain.push((doc, bucket.latest));
                    bucket.latest = (chain.len() - 1) as u32;
                    bucket.len += 1;
                }
            }
        }
        for &(other, _) in &duplicates {
            self.union(doc, other);
        }
        duplicates.sort_unstable_by_key(|d| d.0);
        self.shingles.push(set.into_boxed_slice());
        Added {
            doc,
            cluster: self.cluster_of(doc),
            duplicates,
        }
    }

    /// The bucket of each band of a shingle set's signature.
    fn band_keys(&mut self, set: &[u32]) -> Vec<u64> {
        self.sign(set);
        self.signature
            .chunks(self.config.rows)
            .enumerate()
            .map(|(band, chunk)| {
                chunk
                    .iter()
                    .fold(mix64(band as u64 + 1), |h, &v| mix64(h ^ v as u64))
            })
            .collect()
    }

    /// Drop a document's shingles and take it out of its buckets: it stays in its cluster,
    /// and no later document is compared with it (an empty set can never reach the
    /// threshold). Its links in the chain stay as dead weight, 8 bytes a band.
    pub fn forget(&mut self, doc: u32) {
        let Some(set) = self.shingles.get_mut(doc as usize).map(std::mem::take) else {
            return;
        };
        if set.is_empty() {
            return;
        }
        for key in self.band_keys(&set) {
            let Some(bucket) = self.buckets.get_mut(&key) else {
                continue;
            };
            // Unlink `doc`: walk from the latest entry, remembering the one after it.
            let (mut link, mut after) = (bucket.latest, END);
            while link != END {
                let (d, before) = self.chain[link as usize];
                if d == doc {
                    if after == END {
                        bucket.latest = before;
                    } else {
                        self.chain[after as usize].1 = before;
                    }
                    bucket.len -= 1;
                    break;
                }
                (after, link) = (link, before);
            }
            if bucket.latest == END {
                self.buckets.remove(&key);
            }
        }
    }

    /// The cluster a document is in: the number of the cluster's first document.
    pub fn cluster_of(&self, doc: u32) -> u32 {
        let mut d = doc;
        while self.parent[d as usize] != d {
            d = self.parent[d as usize];
        }
        d
    }

    fn find(&mut self, doc: u32) -> u32 {
        root_of(&mut self.parent, doc)
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        // The earlier document stays the root, so a cluster is named by its first document.
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[child as usize] = root;
    }

    /// MinHash signature: per permutation, the least 32-bit hash of any (folded) shingle; the
    /// permutations are xor-multiply-xorshift, cheap enough for the compiler to vectorise
    /// across the signature.
    fn sign(&mut self, set: &[u32]) {
        self.signature.fill(u32::MAX);
        for &x in set {
            for ((sig, &seed), &mult) in self.signature.iter_mut().zip(&self.seeds).zip(&self.mults)
            {
                let mut h = (x ^ seed).wrapping_mul(mult);
                h ^= h >> 15;
                *sig = (*sig).min(h);
            }
        }
    }
}

/// Every pair `(i, j)`, `i < j`, whose sets have Jaccard similarity at least `threshold`,
/// computed exactly: an inverted index over shingles counts the shared shingles of every pair
/// that shares any (a pair sharing none has similarity 0), so this equals comparing all pairs.
pub fn exact_pairs(sets: &[Vec<u64>], threshold: f64) -> Vec<(u32, u32, f64)> {
    let mut postings: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    let mut counts: Vec<u32> = vec![0; sets.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        for s in set {
            if let Some(list) = postings.get(s) {
                for &j in list {
                    if counts[j as usize] == 0 {
                        touched.push(j);
                    }
                    counts[j as usize] += 1;
                }
            }
        }
        for &j in &touched {
            let inter = counts[j as usize] as usize;
            let union = set.len() + sets[j as usize].len() - inter;
            let sim = inter as f64 / union as f64;
            if sim >= threshold {
                out.push((j, i as u32, sim));
            }
            counts[j as usize] = 0;
        }
        touched.clear();
        for &s in set {
            postings.entry(s).or_default().push(i as u32);
        }
    }
    out.sort_unstable_by_key(|p| (p.0, p.1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forgotten_document_keeps_its_cluster_but_is_compared_no_more() {
        let mut d = Deduper::for_clusters(DedupeConfig {
            threshold: 0.5,
            shingle_words: 5,
            bands: 32,
            rows: 3,
        });
        let text = "Rescue teams reached the flooded villages of the district on Monday after \
                    the river broke its banks, officials said, and began moving families to camps";
        let other = "The central bank held its key rate for a third meeting running as inflation \
                     eased, and said it would watch food prices through the winter months";
        assert_eq!(d.add(text).cluster, 0);
        assert_eq!(d.add(text).cluster, 0, "a copy joins");
        assert_eq!(d.add(other).cluster, 2);
        d.forget(0);
        assert_eq!(d.add(text).cluster, 0, "the other copy still finds it");
        d.forget(1);
        d.forget(3);
        assert_eq!(d.cluster_of(1), 0, "the forgotten keep their cluster");
        assert_eq!(d.add(text).cluster, 4, "nothing left to compare with");
        d.forget(2);
        d.forget(4);
        assert!(d.buckets.is_empty(), "every bucket emptied and removed");
        d.forget(4);
    }

    #[test]
    fn copy_sent_thousands_of_times_keeps_buckets_bounded_and_one_cluster() {
        let mut d = Deduper::for_clusters(DedupeConfig {
            threshold: 0.5,
            shingle_words: 5,
            bands: 32,
            rows: 3,
        });
        let text = |i: usize| {
            format!(
                "Results of the day: the home side beat the visitors in the league match \
                 played at the city stadium on Saturday evening, table number {i}"
            )
        };
        for i in 0..2_000 {
            let added = d.add(&text(i));
            assert_eq!(added.cluster, 0, "copy {i} joins the first");
            assert!(added.duplicates.len() <= 1, "one per cluster joined");
        }
        assert!(
            d.buckets
                .values()
                .all(|b| b.len as usize <= CLUSTER_BUCKET_CAP),
            "every bucket stops at the cap"
        );
        // A plain deduper still names every earlier copy.
        let mut every = Deduper::new(d.config().clone());
        for i in 0..10 {
            every.add(&text(i));
        }
        assert_eq!(every.add(&text(10)).duplicates.len(), 10);
    }

    const STORY: &str = "The central bank of Ruritania kept its benchmark interest rate \
        unchanged on Tuesday, saying inflation had eased for a third month while growth in \
        exports of wheat and timber stayed strong. The governor told reporters the board would \
        review the policy again at its next meeting in six weeks.";

    #[test]
    fn a_lightly_edited_resend_joins_the_original_cluster() {
        let mut d = Deduper::new(DedupeConfig::default());
        let first = d.add(STORY);
        assert!(first.duplicates.is_empty());
        assert_eq!(first.cluster, 0);
        let resend = STORY.replace("six weeks.", "six weeks, officials said.");
        let second = d.add(&resend);
        assert_eq!(second.cluster, 0);
        assert_eq!(second.duplicates.len(), 1);
        assert!(second.duplicates[0].1 >= 0.8, "{:?}", second.duplicates);
    }

    #[test]
    fn unrelated_and_merely_similar_stories_stay_apart() {
        let mut d = Deduper::new(DedupeConfig::default());
        d.add(STORY);
        let unrelated = d.add(
            "Rescue teams reached villages cut off by monsoon floods in the north of the \
             country, where rivers burst their banks after a week of heavy rain.",
        );
        assert_eq!(unrelated.cluster, 1);
        assert!(unrelated.duplicates.is_empty());
        // Same topic and many of the same words, rewritten: well below 0.8.
        let rewrite = d.add(
            "Ruritania's central bank left its benchmark rate unchanged on Tuesday. Inflation \
             eased for a third month, it said, and exports of wheat and timber stayed strong; \
             the board meets again in six weeks.",
        );
        assert_eq!(rewrite.cluster, 2);
    }

    #[test]
    fn clusters_are_transitive_and_named_by_their_first_document() {
        let mut d = Deduper::new(DedupeConfig::default());
        d.add("an unrelated first item about cricket scores in the one day series final");
        let a = d.add(STORY);
        let b = d.add(&format!("{STORY} More to follow."));
        let c = d.add(&format!("{STORY} More to follow. Reporting by desk."));
        assert_eq!(a.cluster, 1);
        assert_eq!(b.cluster, 1);
        assert_eq!(c.cluster, 1);
        assert_eq!(d.cluster_of(2), 1);
    }

    #[test]
    fn empty_and_short_texts_are_handled() {
        let mut d = Deduper::new(DedupeConfig::default());
        assert!(d.add("").duplicates.is_empty());
        assert!(d.add("!!!").duplicates.is_empty());
        d.add("Markets closed");
        let again = d.add("MARKETS CLOSED.");
        assert_eq!(again.duplicates, vec![(2, 1.0)]);
        assert_eq!(shingles("one two three four five six", 5).len(), 2);
        // Word order counts.
        assert_ne!(
            shingles("one two three four five", 5),
            shingles("two one three four five", 5)
        );
    }

    #[test]
    fn jaccard_and_exact_pairs_agree() {
        let sets: Vec<Vec<u64>> = vec![
            vec![1, 2, 3, 4, 5],
            vec![1, 2, 3, 4, 6],
            vec![1, 2, 3, 4, 5],
            vec![9],
        ];
        assert!((jaccard(&sets[0], &sets[1]) - 4.0 / 6.0).abs() < 1e-12);
        assert_eq!(exact_pairs(&sets, 0.6).len(), 3);
        assert_eq!(exact_pairs(&sets, 0.8), vec![(0, 2, 1.0)]);
    }

    #[test]
    fn lsh_finds_nearly_every_pair_above_the_threshold() {
        // 200 synthetic documents, each followed by a variant with one word in 40 changed
        // (Jaccard about 0.8-0.9): the banding must propose nearly all of them.
        let mut d = Deduper::new(DedupeConfig::default());
        let mut expected = 0;
        let mut found = 0;
        for i in 0..200u64 {
            let base: Vec<String> = (0..120)
                .map(|w| format!("w{}", mix64(i * 1000 + w) % 5000))
                .collect();
            let mut variant = base.clone();
            variant[60] = "changed".into();
            let a = base.join(" ");
            let b = variant.join(" ");
            let j = jaccard(&shingles(&a, 5), &shingles(&b, 5));
            d.add(&a);
            let added = d.add(&b);
            if j >= 0.8 {
                expected += 1;
                found += usize::from(added.duplicates.iter().any(|&(o, _)| o == added.doc - 1));
            }
        }
        assert!(expected > 150);
        assert!(found as f64 >= 0.99 * expected as f64, "{found}/{expected}");
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        fn text() -> impl Strategy<Value = String> {
            // A small vocabulary so that texts overlap often.
            proptest::collection::vec(0u8..12, 0..40).prop_map(|ws| {
                ws.iter()
                    .map(|w| format!("w{w}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        }

        proptest! {
            #[test]
            fn every_reported_duplicate_is_truly_similar(texts in proptest::collection::vec(text(), 1..30)) {
                let mut d = Deduper::new(DedupeConfig::default());
                let sets: Vec<Vec<u64>> = texts.iter().map(|t| shingles(t, 5)).collect();
                for (i, t) in texts.iter().enumerate() {
                    let added = d.add(t);
                    prop_assert_eq!(added.doc as usize, i);
                    for (other, j) in added.duplicates {
                        prop_assert!(j >= 0.8);
                        prop_assert!((jaccard(&sets[i], &sets[other as usize]) - j).abs() < 1e-12);
                    }
                }
            }

            #[test]
            fn exact_pairs_match_comparing_every_pair(texts in proptest::collection::vec(text(), 1..30), threshold in 0.05f64..1.0) {
                let sets: Vec<Vec<u64>> = texts.iter().map(|t| shingles(t, 5)).collect();
                let mut naive = Vec::new();
                for i in 0..sets.len() {
                    for j in i + 1..sets.len() {
                        let sim = jaccard(&sets[i], &sets[j]);
                        if sim >= threshold {
                            naive.push((i as u32, j as u32));
                        }
                    }
                }
                let fast: Vec<(u32, u32)> = exact_pairs(&sets, threshold).into_iter().map(|(a, b, _)| (a, b)).collect();
                prop_assert_eq!(fast, naive);
            }
        }
    }
}
