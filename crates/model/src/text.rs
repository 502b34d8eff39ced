//! Plain text from HTML: the one place markup is read as text.
//!
//! Owns: tag stripping, entity decoding and whitespace collapsing, for every crate that reads
//! a headline, an abstract or a sanitized body as words; and what a word is made of
//! (`is_word_char`).
//! Must not: sanitize; HTML that will be shown goes through the normalizer's sanitizer.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

// A tag must start with a letter, `/`, `!` or `?`, so "a < b" in a plain-text title survives.
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)<!--.*?-->|<(?:script|style)\b.*?</(?:script|style)\s*>|<[A-Za-z/!?][^>]*>")
        .expect("static regex")
});

/// Whether `c` belongs inside a word: letters and digits, the combining marks that India's
/// scripts attach to letters (vowel signs, viramas, nukta, anusvara) and accents written apart,
/// and the joiners that shape conjuncts. "दिल्ली" is one word, not "द", "ल" and "ल".
pub fn is_word_char(c: char) -> bool {
    use unicode_general_category::{GeneralCategory, get_general_category};
    c.is_alphanumeric()
        || matches!(c, '\u{200C}' | '\u{200D}')
        || matches!(
            get_general_category(c),
            GeneralCategory::NonspacingMark
                | GeneralCategory::SpacingMark
                | GeneralCategory::EnclosingMark
        )
}

/// The first codepoint (zero) of each decimal digit block India's agencies write: ASCII,
/// Arabic-Indic, Extended Arabic-Indic (Urdu), Devanagari, Bengali, Gurmukhi, Gujarati, Tamil,
/// Telugu.
const ZEROS: &[u32] = &[0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xBE6, 0xC66];

/// A decimal digit's value in any of the scripts above.
pub fn digit_value(c: char) -> Option<u32> {
    let c = c as u32;
    ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&c))
        .map(|zero| c - zero)
}

/// Markup removed (a tag becomes a space, so words either side stay apart; scripts, styles
/// and comments go with their content), entities decoded, runs of whitespace collapsed to one
/// space.
pub fn html_to_text(html: &str) -> String {
    let stripped = TAG.replace_all(html, " ");
    collapse_whitespace(&decode_entities(&stripped))
}

/// HTML character references (named, decimal and hexadecimal) replaced by the characters they
/// stand for; anything that is not one is left as written.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    html_escape::decode_html_entities(text)
}

pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_collapsed(&mut out, text);
    out
}

/// Appends `text`'s words to `out`, one space between them (none before the first).
pub fn push_collapsed(out: &mut String, text: &str) {
    if is_collapsed(text) {
        out.push_str(text);
        return;
    }
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// Whether `text` is already as `push_collapsed` would write it: no whitespace but single
/// spaces between words. Most headlines and lines of copy are, and one pass over the bytes
/// spares them splitting into words char by char.
fn is_collapsed(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut after_space = false;
    for (i, &byte) in bytes.iter().enumerate() {
        match byte {
            b' ' if after_space => return false,
            b' ' => after_space = true,
            // ASCII's other whitespace, as `char::is_whitespace` counts it.
            b'\t'..=b'\r' => return false,
            // The lead bytes of every non-ASCII whitespace (U+0085, U+00A0, U+1680,
            // U+2000–U+205F, U+3000); a lead byte always starts a char.
            0xC2 | 0xE1 | 0xE2 | 0xE3 if text[i..].starts_with(char::is_whitespace) => {
                return false;
            }
            _ => after_space = false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{collapse_whitespace, decode_entities, html_to_text, is_collapsed};
    use proptest::prelude::*;

    proptest! {
        /// The shortcut answers exactly when collapsing would change nothing.
        #[test]
        fn is_collapsed_agrees_with_collapsing(
            text in "[ a\t\n\u{0b}\u{0c}\r\u{85}\u{a0}\u{1680}\u{2000}\u{200b}\u{2028}\u{202f}\u{205f}\u{3000}é“]{0,12}"
        ) {
            let words: Vec<&str> = text.split_whitespace().collect();
            prop_assert_eq!(is_collapsed(&text), words.join(" ") == text);
            prop_assert_eq!(collapse_whitespace(&text), words.join(" "));
        }
    }

    #[test]
    fn markup_and_entities_become_plain_text() {
        assert_eq!(
            html_to_text("<b>Rates</b> rise &amp; fall"),
            "Rates rise & fall"
        );
        assert_eq!(
            html_to_text("Caf&eacute; &#8220;quoted&#8221;"),
            "Café “quoted”"
        );
        assert_eq!(html_to_text("  two\n lines  "), "two lines");
        assert_eq!(html_to_text("<p>a</p><p>b</p>"), "a b");
    }

    #[test]
    fn a_less_than_sign_in_a_plain_title_survives() {
        assert_eq!(
            html_to_text("Inflation < 2% for the first time"),
            "Inflation < 2% for the first time"
        );
    }

    #[test]
    fn escaped_markup_stays_text_rather_than_being_stripped_twice() {
        assert_eq!(html_to_text("&lt;b&gt; is a tag"), "<b> is a tag");
    }

    #[test]
    fn scripts_and_comments_leave_nothing_behind() {
        assert_eq!(
            html_to_text("a<script>alert(1)</script>b<!-- c -->d"),
            "a b d"
        );
    }

    /// From the index: a sanitized body reads as its words, entities decoded.
    #[test]
    fn a_sanitized_body_is_plain_text() {
        assert_eq!(
            html_to_text("<p>Tom &amp; Jerry&#39;s  &lt;b&gt; caf&#xE9;</p>\n<p>next</p>"),
            "Tom & Jerry's <b> café next"
        );
    }

    #[test]
    fn entities_decode_and_the_rest_is_left_alone() {
        assert_eq!(
            decode_entities("A &amp; B &#x41; &#66; &nbsp;"),
            "A & B A B \u{a0}"
        );
        assert_eq!(
            decode_entities("AT&T; 5 & 6 &nosuch;"),
            "AT&T; 5 & 6 &nosuch;"
        );
    }

    #[test]
    fn marks_and_joiners_stay_inside_their_words() {
        use super::is_word_char;
        let words: Vec<&str> = "दिल्ली में ठंड, ज़्यादा। কলকাতা's"
            .split(|c: char| !is_word_char(c))
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(words, ["दिल्ली", "में", "ठंड", "ज़्यादा", "কলকাতা", "s"]);
        assert!(!is_word_char('।') && !is_word_char(' ') && is_word_char('\u{200D}'));
    }
}
