//! Stop words: English words too common in news copy to say what a story is about.
//!
//! Owns: the one list, shared by "more like this" (index) and the term vectors behind
//! clustering, topics and related stories (intel).
//! Must not: be used by the reader's search, where every typed word counts.

/// Sorted, lower case, so `is_stop_word` can search it.
#[rustfmt::skip]
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "according", "after", "all", "also", "an", "and", "any", "are", "as", "at",
    "be", "been", "but", "by", "can", "could", "did", "do", "does", "for", "friday", "from",
    "had", "has", "have", "he", "her", "him", "his", "if", "in", "into", "is", "it", "its",
    "monday", "more", "new", "no", "not", "of", "on", "one", "or", "other", "our", "over",
    "reported", "reuter", "reuters", "s", "said", "saturday", "she", "should", "so", "some",
    "sunday", "than", "that", "the", "their", "them", "there", "these", "they", "this", "those",
    "thursday", "to", "told", "tuesday", "two", "up", "was", "we", "wednesday", "week", "were",
    "what", "when", "which", "while", "who", "will", "with", "would", "year", "you",
];

/// Whether a lower-cased word is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_lower_case_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(
            STOP_WORDS
                .iter()
                .all(|w| w.chars().all(|c| c.is_lowercase()))
        );
        assert!(is_stop_word("the") && is_stop_word("according") && !is_stop_word("wheat"));
    }
}
