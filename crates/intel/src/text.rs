//! Words, hashing and tf-idf vectors shared by the three features.

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use wiredesk_model::stop_words::is_stop_word;
use wiredesk_model::text::is_word_char;

/// Lower-cased words (letters and digits with their marks), in order ("U.S." gives "u" and
/// "s"; "दिल्ली" stays whole).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// A 64-bit hash of a word, without allocating (FNV-1a over lower-cased chars, then mixed).
pub fn word_hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    if word.is_ascii() {
        // The common case, without decoding chars: same values as the general path.
        for b in word.bytes() {
            h ^= b.to_ascii_lowercase() as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    } else {
        for c in word.chars().flat_map(char::to_lowercase) {
            h ^= c as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    mix64(h)
}

/// SplitMix64's finaliser: a bijective, well-mixing step.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Which terms describe a document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermOptions {
    /// Adjacent word pairs as well as words.
    pub bigrams: bool,
    /// Words reduced to their Snowball (Porter 2) English stem: "rates" and "rate" are one term.
    pub stem: bool,
}

/// The terms a document is described by: content words (numbers folded to one token), word
/// pairs when asked, and headline words marked apart (a headline word weighs more than a body
/// word).
pub fn terms(title: &str, body: &str, options: TermOptions) -> Vec<String> {
    let stemmer = Stemmer::create(Algorithm::English);
    let mut out = Vec::new();
    let norm = |w: String| -> Option<String> {
        if w.chars().all(|c| c.is_ascii_digit()) {
            Some("#num".to_string())
        } else if w.len() < 2 || is_stop_word(&w) {
            None
        } else if options.stem {
            Some(stemmer.stem(&w).into_owned())
        } else {
            Some(w)
        }
    };
    for w in words(title).filter_map(norm) {
        out.push(format!("t:{w}"));
    }
    for part in [title, body] {
        let toks: Vec<String> = words(part).filter_map(norm).collect();
        if options.bigrams {
            for pair in toks.windows(2) {
                out.push(format!("{} {}", pair[0], pair[1]));
            }
        }
        out.extend(toks);
    }
    out
}

/// A sparse vector: sorted feature ids and their weights.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SparseVec {
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
}

impl SparseVec {
    pub fn dot(&self, other: &SparseVec) -> f32 {
        let (mut i, mut j, mut s) = (0, 0, 0.0);
        while i < self.idx.len() && j < other.idx.len() {
            match self.idx[i].cmp(&other.idx[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    s += self.val[i] * other.val[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        s
    }

    pub fn dot_dense(&self, w: &[f32]) -> f32 {
        self.idx
            .iter()
            .zip(&self.val)
            .map(|(&i, &v)| w.get(i as usize).copied().unwrap_or(0.0) * v)
            .sum()
    }
}

/// Term → feature id and inverse document frequency, learnt from a corpus; turns term lists
/// into L2-normalised, sublinear tf-idf vectors.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Vectorizer {
    pub vocab: FxHashMap<String, u32>,
    pub idf: Vec<f32>,
}

impl Vectorizer {
    /// Learn the vocabulary (terms in at least `min_df` documents) and idf.
    pub fn fit(docs: &[Vec<String>], min_df: usize) -> Vectorizer {
        Vectorizer::fit_with(docs, min_df, min_df)
    }

    /// As `fit`, with a separate minimum for word pairs (terms with a space), which are many
    /// and mostly noise when rare.
    pub fn fit_with(docs: &[Vec<String>], min_df: usize, min_df_pairs: usize) -> Vectorizer {
        let mut df: FxHashMap<&str, usize> = FxHashMap::default();
        for d in docs {
            let mut seen: Vec<&str> = d.iter().map(String::as_str).collect();
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                *df.entry(t).or_default() += 1;
            }
        }
        let mut kept: Vec<(&str, usize)> = df
            .into_iter()
            .filter(|&(t, n)| {
                n >= if t.contains(' ') {
                    min_df_pairs
                } else {
                    min_df
                }
            })
            .collect();
        kept.sort_unstable();
        let n = docs.len().max(1) as f32;
        let mut vocab = FxHashMap::default();
        let mut idf = Vec::with_capacity(kept.len());
        for (i, (t, d)) in kept.into_iter().enumerate() {
            vocab.insert(t.to_string(), i as u32);
            idf.push(((1.0 + n) / (1.0 + d as f32)).ln() + 1.0);
        }
        Vectorizer { vocab, idf }
    }

    pub fn dim(&self) -> usize {
        self.idf.len()
    }

    pub fn transform(&self, terms: &[String]) -> SparseVec {
        let mut tf: FxHashMap<u32, f32> = FxHashMap::default();
        for t in terms {
            if let Some(&i) = self.vocab.get(t) {
                *tf.entry(i).or_default() += 1.0;
            }
        }
        let mut pairs: Vec<(u32, f32)> = tf
            .into_iter()
            .map(|(i, n)| (i, (1.0 + n.ln()) * self.idf[i as usize]))
            .collect();
        pairs.sort_unstable_by_key(|p| p.0);
        let norm = pairs.iter().map(|p| p.1 * p.1).sum::<f32>().sqrt();
        let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        SparseVec {
            idx: pairs.iter().map(|p| p.0).collect(),
            val: pairs.iter().map(|p| p.1 * scale).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_hashes_ignore_case_in_any_script() {
        assert_eq!(word_hash("Wheat"), word_hash("wHEAT"));
        assert_eq!(word_hash("Ölpreis"), word_hash("ölpreis"));
        assert_ne!(word_hash("wheat"), word_hash("wheats"));
    }

    #[test]
    fn terms_mark_headline_words_and_fold_numbers() {
        let opts = TermOptions {
            bigrams: true,
            stem: false,
        };
        let t = terms("Wheat exports", "The 1987 wheat crop", opts);
        assert!(t.contains(&"t:wheat".to_string()));
        assert!(t.contains(&"#num".to_string()));
        assert!(t.contains(&"wheat crop".to_string()));
        assert!(!t.contains(&"the".to_string()));
        let stemmed = terms(
            "",
            "Rates rose",
            TermOptions {
                bigrams: false,
                stem: true,
            },
        );
        assert_eq!(stemmed, ["rate", "rose"]);
    }

    #[test]
    fn tfidf_vectors_are_unit_length_and_rare_terms_weigh_more() {
        let docs: Vec<Vec<String>> = ["cocoa price", "cocoa crop", "cocoa rain"]
            .iter()
            .map(|s| terms("", s, TermOptions::default()))
            .collect();
        let v = Vectorizer::fit(&docs, 1);
        let x = v.transform(&docs[0]);
        assert!((x.dot(&x) - 1.0).abs() < 1e-5);
        let cocoa = v.vocab["cocoa"];
        let price = v.vocab["price"];
        let w = |i: u32| x.val[x.idx.iter().position(|&j| j == i).unwrap()];
        assert!(w(price) > w(cocoa));
    }
}
