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
    LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};
use wiredesk_model::text::{digit_value, is_word_char};

/// The name the site's analyzer is registered under: tantivy's `TEXT` fields use it.
pub const ANALYZER: &str = "default";

/// Longer than any word; such "words" are base64 or URLs and would only bloat the index.
const LONGEST_WORD_BYTES: usize = 80;

/// The analyzer every text field is indexed and queried with.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(Words::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES))
        .filter(LowerCaser)
        .build()
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
