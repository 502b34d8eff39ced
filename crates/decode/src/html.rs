//! HTML fragments to plain text, for the fields that are plain text by contract (headline,
//! abstract) when a wire sends them as markup.
//!
//! Owns: tag stripping and entity decoding for short fields.
//! Must not: touch bodies; bodies go downstream as received, to be sanitized there.

use std::sync::LazyLock;

use regex::Regex;

// A tag must start with a letter, `/`, `!` or `?`, so "a < b" in a plain-text title survives.
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)<!--.*?-->|<(?:script|style)\b.*?</(?:script|style)\s*>|<[A-Za-z/!?][^>]*>")
        .expect("static regex")
});

/// Markup removed, entities decoded, runs of whitespace collapsed to one space.
pub(crate) fn to_text(html: &str) -> String {
    let stripped = TAG.replace_all(html, " ");
    let decoded = html_escape::decode_html_entities(&stripped);
    collapse_whitespace(&decoded)
}

pub(crate) fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_collapsed(&mut out, text);
    out
}

/// Appends `text`'s words to `out`, one space between them (none before the first).
pub(crate) fn push_collapsed(out: &mut String, text: &str) {
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
    use super::{collapse_whitespace, is_collapsed, to_text};
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
        assert_eq!(to_text("<b>Rates</b> rise &amp; fall"), "Rates rise & fall");
        assert_eq!(to_text("Caf&eacute; &#8220;quoted&#8221;"), "Café “quoted”");
        assert_eq!(to_text("  two\n lines  "), "two lines");
        assert_eq!(to_text("<p>a</p><p>b</p>"), "a b");
    }

    #[test]
    fn a_less_than_sign_in_a_plain_title_survives() {
        assert_eq!(
            to_text("Inflation < 2% for the first time"),
            "Inflation < 2% for the first time"
        );
    }

    #[test]
    fn escaped_markup_stays_text_rather_than_being_stripped_twice() {
        assert_eq!(to_text("&lt;b&gt; is a tag"), "<b> is a tag");
    }

    #[test]
    fn scripts_and_comments_leave_nothing_behind() {
        assert_eq!(to_text("a<script>alert(1)</script>b<!-- c -->d"), "a b d");
    }
}
