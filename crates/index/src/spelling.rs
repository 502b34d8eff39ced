//! Similar words from the index's own vocabulary: the typo-tolerant variants of a query word
//! and the "did you mean" suggestion. Both walk the term dictionaries with a Levenshtein
//! automaton (tantivy's `FuzzyTermQuery` automaton), so the cost is proportional to the
//! matching terms, not to the vocabulary.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Documents containing `word` in any of `fields` (summed per field; deleted documents that
/// were not merged away yet still count, which only matters for words that are gone).
pub(crate) fn doc_freq(searcher: &Searcher, fields: &[Field], word: &str) -> u64 {
    fields
        .iter()
        .map(|f| {
            searcher
                .doc_freq(&Term::from_field_text(*f, word))
                .unwrap_or(0)
        })
        .sum()
}

/// Terms of `fields` within `distance` edits of `word` (a transposition counts as one),
/// `word` itself excluded, each with how many documents contain it.
pub(crate) fn neighbours(
    searcher: &Searcher,
    fields: &[Field],
    word: &str,
    distance: u8,
) -> Vec<(String, u64)> {
    let mut found: HashMap<String, u64> = HashMap::new();
    for field in fields {
        let query = FuzzyTermQuery::new(Term::from_field_text(*field, word), distance, true);
        let Ok(automaton) = query.automaton() else {
            return vec![];
        };
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(*field) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().search(&automaton).into_stream() else {
                continue;
            };
            while stream.advance() {
                if let Ok(term) = std::str::from_utf8(stream.key())
                    && term != word
                {
                    *found.entry(term.to_string()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
    }
    found.into_iter().collect()
}

/// Optimal string alignment distance (Levenshtein with adjacent transpositions), over chars.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest known word to `word`: fewest edits, then most documents, then alphabetical.
/// Words of 5 characters or more may be 2 edits away, shorter ones 1; words under 3
/// characters, and words with digits, get no suggestion.
pub(crate) fn closest(searcher: &Searcher, fields: &[Field], word: &str) -> Option<String> {
    let len = word.chars().count();
    if len < 3 || word.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let distance = if len >= 5 { 2 } else { 1 };
    neighbours(searcher, fields, word, distance)
        .into_iter()
        .filter(|(_, df)| *df > 0)
        .min_by(|(a, da), (b, db)| {
            edit_distance(word, a)
                .cmp(&edit_distance(word, b))
                .then(db.cmp(da))
                .then(a.cmp(b))
        })
        .map(|(term, _)| term)
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distance_counts_transpositions_as_one() {
        assert_eq!(edit_distance("monsoon", "monsoon"), 0);
        assert_eq!(edit_distance("monsoom", "monsoon"), 1);
        assert_eq!(edit_distance("mosnoon", "monsoon"), 1);
        assert_eq!(edit_distance("monsooon", "monsoon"), 1);
        assert_eq!(edit_distance("mansoan", "monsoon"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
