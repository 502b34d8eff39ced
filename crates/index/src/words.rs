//! How the index cuts text into words: the site's one analyzer for headlines and bodies, at
//! indexing and at query time alike.
//!
//! Owns: words as `wiredesk_model::text::is_word_char` says (a Devanagari word keeps its vowel
//! signs and viramas, so "दिल्ली" is one word, not three fragments), and folding the spelling
//! variants Hindi and its neighbours write for one word: a nukta or not ("ज़रूरी", "जरूरी"),
//! chandrabindu or anusvara ("हँसी", "हंसी"), the joiners (ZWJ, ZWNJ) that only shape a
//! conjunct, and native digits ("२०२६" finds "2026"). Then lower case, as before.
//! Must not: stem or drop words; the reader's search counts every word typed.
//!
//! Written here rather than taken from a crate: tantivy's tokenizers split at every mark, and
//! the Indic analyzers on crates.io (Lucene ports) stem, which the reader's search must not.

use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use wiredesk_model::text::{digit_value, is_word_char};

/// The name the site's analyzer is registered under: tantivy's `TEXT` fields use it.
pub const ANALYZER: &str = "default";

/// The name of the analyzer of the word-pair fields (`pairs_analyzer`).
pub const PAIRS_ANALYZER: &str = "wiredesk_pairs";

/// What joins the two words of a pair term: no word holds it.
pub const PAIR_JOINER: char = ' ';

/// Longer than any word; such "words" are base64 or URLs and would only bloat the index.
const LONGEST_WORD_BYTES: usize = 80;

/// The analyzer every text field is indexed and queried with.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(Words::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES))
        .filter(LowerCaser)
        .build()
}

/// Each two adjacent words of the text as one term ("prime minister"), at the first word's
/// position: a two-word phrase is then one posting list, read with block-max pruning and
/// counted without reading it, where a phrase query would check the positions of every story
/// holding both words (Elasticsearch's `index_phrases` does the same). Longer phrases are
/// phrases of pairs, each far rarer than its words.
pub fn pairs_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(Words::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES))
        .filter(LowerCaser)
        .filter(Pairs)
        .build()
}

/// The pair term of two words, as `pairs_analyzer` writes it.
pub fn pair(first: &str, second: &str) -> String {
    let mut term = String::with_capacity(first.len() + 1 + second.len());
    term.push_str(first);
    term.push(PAIR_JOINER);
    term.push_str(second);
    term
}

/// Written here: tantivy has no shingle filter.
#[derive(Clone)]
struct Pairs;

impl TokenFilter for Pairs {
    type Tokenizer<T: Tokenizer> = PairsTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PairsTokenizer<T> {
        PairsTokenizer { inner: tokenizer }
    }
}

#[derive(Clone)]
struct PairsTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for PairsTokenizer<T> {
    type TokenStream<'a> = PairStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PairStream {
            words: self.inner.token_stream(text),
            first: Token::default(),
            pair: Token::default(),
        }
    }
}

struct PairStream<S> {
    words: S,
    /// The word before, the next pair's first (empty before the first word; its text buffer
    /// is reused word after word).
    first: Token,
    pair: Token,
}

impl<S: TokenStream> TokenStream for PairStream<S> {
    fn advance(&mut self) -> bool {
        while self.words.advance() {
            let word = self.words.token();
            let first = &mut self.first;
            // Words a dropped token stood between are not adjacent.
            let adjacent =
                !first.text.is_empty() && first.position.wrapping_add(1) == word.position;
            if adjacent {
                self.pair.text.clear();
                self.pair.text.push_str(&first.text);
                self.pair.text.push(PAIR_JOINER);
                self.pair.text.push_str(&word.text);
                self.pair.offset_from = first.offset_from;
                self.pair.offset_to = word.offset_to;
                self.pair.position = first.position;
                self.pair.position_length = 1;
            }
            first.text.clear();
            first.text.push_str(&word.text);
            first.position = word.position;
            first.offset_from = word.offset_from;
            if adjacent {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.pair
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.pair
    }
}

/// One character as the index keeps it: `None` drops it.
fn fold(c: char) -> Option<char> {
    Some(match c {
        // Joiners shape a conjunct; nukta marks a borrowed sound, written or left out at will.
        '\u{200C}' | '\u{200D}' | '\u{93C}' | '\u{9BC}' | '\u{A3C}' | '\u{ABC}' => return None,
        // Chandrabindu is written as anusvara as often as not.
        '\u{901}' => '\u{902}',
        '\u{981}' => '\u{982}',
        // The letters that carry their nukta precomposed: क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़.
        '\u{958}' => 'क',
        '\u{959}' => 'ख',
        '\u{95A}' => 'ग',
        '\u{95B}' => 'ज',
        '\u{95C}' => 'ड',
        '\u{95D}' => 'ढ',
        '\u{95E}' => 'फ',
        '\u{95F}' => 'य',
        c => match digit_value(c) {
            Some(d) if !c.is_ascii_digit() => char::from_digit(d, 10).unwrap_or(c),
            _ => c,
        },
    })
}

#[derive(Clone, Default)]
pub struct Words {
    token: Token,
}

pub struct WordStream<'a> {
    text: &'a str,
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for Words {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            at: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let rest = &self.text[self.at..];
            let Some(start) = rest.find(is_word_char) else {
                self.at = self.text.len();
                return false;
            };
            let from = self.at + start;
            let len = self.text[from..]
                .find(|c: char| !is_word_char(c))
                .unwrap_or(self.text.len() - from);
            let to = from + len;
            self.at = to;
            self.token.text.clear();
            self.token
                .text
                .extend(self.text[from..to].chars().filter_map(fold));
            // A run of joiners alone folds to nothing: no word.
            if self.token.text.is_empty() {
                continue;
            }
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = self.token.position.wrapping_add(1);
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut analyzer = analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn hindi_words_stay_whole_and_spelling_variants_meet() {
        assert_eq!(words("नई दिल्ली में ठंड।"), ["नई", "दिल्ली", "में", "ठंड"]);
        // Nukta written apart, precomposed, or left out: one word.
        assert_eq!(words("ज़रूरी"), words("जरूरी"));
        assert_eq!(words("\u{95B}रूरी"), words("जरूरी"));
        // Chandrabindu and anusvara.
        assert_eq!(words("हँसी"), words("हंसी"));
        // A joiner shapes the conjunct, it is no part of the word.
        assert_eq!(words("क्\u{200D}ष"), words("क्ष"));
        // Native digits are digits.
        assert_eq!(words("२०२६ চট্টগ্রাম ১২"), ["2026", "চট্টগ্রাম", "12"]);
    }

    #[test]
    fn pairs_are_adjacent_words_at_the_first_ones_position() {
        let mut analyzer = pairs_analyzer();
        let text = format!("The Prime-Minister {} said", "x".repeat(200));
        let mut stream = analyzer.token_stream(&text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push((stream.token().text.clone(), stream.token().position));
        }
        // The long "word" is dropped, and "minister" and "said" were never neighbours.
        assert_eq!(
            out,
            [
                ("the prime".to_string(), 0),
                ("prime minister".to_string(), 1)
            ]
        );
        assert_eq!(pair("prime", "minister"), "prime minister");
        let mut one = pairs_analyzer();
        assert!(!one.token_stream("alone").advance());
    }

    #[test]
    fn latin_copy_reads_as_before() {
        assert_eq!(
            words("Hello, happy tax-payer! U.S. 2026"),
            ["hello", "happy", "tax", "payer", "u", "s", "2026"]
        );
        let offsets: Vec<(usize, usize)> = {
            let mut a = analyzer();
            let mut s = a.token_stream("ab  दिल्ली");
            let mut v = Vec::new();
            while s.advance() {
                v.push((s.token().offset_from, s.token().offset_to));
            }
            v
        };
        assert_eq!(offsets, [(0, 2), (4, 4 + "दिल्ली".len())]);
        assert!(words(&"x".repeat(200)).is_empty());
    }
}
