//! Stop words: English (and Hindi) words too common in news copy to say what a story is about.
//!
//! Owns: the lists, shared by "more like this" (index) and the term vectors behind topics,
//! clustering and related stories (intel).
//! Must not: be used by the reader's search, where every typed word counts.

/// Function words and the agency's own name: never a clue to a story's subject. Sorted, lower
/// case, so `is_stop_word` can search it.
#[rustfmt::skip]
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he",
    "her", "his", "if", "in", "into", "is", "it", "its", "more", "no", "not", "of", "on", "one",
    "or", "other", "our", "reuter", "reuters", "s", "said", "she", "so", "some", "than", "that",
    "the", "their", "them", "there", "these", "they", "this", "those", "to", "two", "up", "was",
    "we", "were", "which", "who", "will", "with", "would", "you",
];

/// Words "more like this" also skips: common in news copy yet saying nothing of its subject
/// (weekdays, "year", "reported"). The topic classifier keeps them, because they tell kinds of
/// copy apart (results, weekly reports): with them among its stop words, `eval topics` on
/// Reuters-21578 fell from micro-F1 0.9000 to 0.8954.
#[rustfmt::skip]
pub const MORE_LIKE_THIS_STOP_WORDS: &[&str] = &[
    "according", "friday", "him", "monday", "new", "over", "reported", "saturday", "should",
    "sunday", "thursday", "told", "tuesday", "wednesday", "week", "what", "when", "while",
    "year",
];

/// Hindi's function words (postpositions, auxiliaries, conjunctions, pronouns), the same job
/// as `STOP_WORDS` for copy from the Hindi services. Sorted by bytes.
#[rustfmt::skip]
pub const HINDI_STOP_WORDS: &[&str] = &[
    "अपने", "और", "कहा", "का", "कि", "की", "कुछ", "के", "को", "गई", "गया", "जो", "तक", "था",
    "थी", "थे", "दिया", "ने", "पर", "भी", "में", "यह", "वह", "साथ", "से", "हुआ", "है", "हैं",
    "हो",
];

/// Whether a lower-cased word is one of `STOP_WORDS` or `HINDI_STOP_WORDS`.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok() || HINDI_STOP_WORDS.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_are_sorted_lower_case_and_apart() {
        for list in [STOP_WORDS, MORE_LIKE_THIS_STOP_WORDS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]));
            assert!(list.iter().all(|w| w.chars().all(|c| c.is_lowercase())));
        }
        assert!(
            HINDI_STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "sorted by bytes"
        );
        assert!(is_stop_word("में") && is_stop_word("का") && !is_stop_word("दिल्ली"));
        assert!(!MORE_LIKE_THIS_STOP_WORDS.iter().any(|w| is_stop_word(w)));
        assert!(is_stop_word("the") && !is_stop_word("year") && !is_stop_word("wheat"));
    }
}
