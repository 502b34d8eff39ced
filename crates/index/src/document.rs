//! What goes into a story's document: the body as plain text and the moment it went live.
//! Must not: decide whether a story is visible (callers check the store); the index holds
//! every usable published story and only reduces its copy to searchable text.

use jiff::Timestamp;
use wiredesk_model::Story;

use crate::SearchIndex;

/// When a story went live: its publication (or, unpublished, its version time), or the end
/// of its embargo when that is later.
pub(crate) fn live_time(story: &Story) -> Timestamp {
    let published = story.published.unwrap_or(story.version_created);
    story.embargoed.map_or(published, |e| e.max(published))
}

impl SearchIndex {
    /// The body as plain text: tags dropped (block ends become spaces), the few entities
    /// the sanitizer emits decoded, whitespace collapsed.
    pub(crate) fn text_of(story: &Story) -> String {
        let html = &story.body_html;
        let mut text = String::with_capacity(html.len());
        let mut in_tag = false;
        let mut rest = html.as_str();
        while let Some(c) = rest.chars().next() {
            let mut step = c.len_utf8();
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    text.push(' ');
                }
                _ if in_tag => {}
                '&' => {
                    let entity = rest[1..]
                        .find(';')
                        .filter(|end| *end <= 10)
                        .map(|end| (&rest[1..1 + end], end + 2));
                    match entity.and_then(|(name, len)| decode_entity(name).map(|c| (c, len))) {
                        Some((decoded, len)) => {
                            text.push(decoded);
                            step = len;
                        }
                        None => text.push('&'),
                    }
                }
                c if c.is_whitespace() => text.push(' '),
                c => text.push(c),
            }
            rest = &rest[step..];
        }
        let mut collapsed = String::with_capacity(text.len());
        for word in text.split_whitespace() {
            if !collapsed.is_empty() {
                collapsed.push(' ');
            }
            collapsed.push_str(word);
        }
        collapsed
    }
}

/// The character an HTML entity name (between `&` and `;`) stands for, for the entities a
/// sanitized body contains.
fn decode_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::SearchIndex;
    use crate::search::search_tests::{days_ago, story};

    #[test]
    fn the_body_is_indexed_as_plain_text() {
        let s = story(
            "t",
            "H",
            "<p>Tom &amp; Jerry&#39;s  &lt;b&gt; caf&#xE9;</p>\n<p>next</p>",
            days_ago(1),
        );
        assert_eq!(SearchIndex::text_of(&s), "Tom & Jerry's <b> café next");
    }
}
