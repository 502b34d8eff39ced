//! What goes into a story's document: the body as plain text and the moment it went live.
//! Must not: decide whether a story is visible (callers check the store); the index holds
//! every usable published story and only reduces its copy to searchable text.

use jiff::Timestamp;
use wiredesk_model::Story;
use wiredesk_model::text::html_to_text;

use crate::SearchIndex;

/// When a story went live: its publication (or, unpublished, its version time), or the end
/// of its embargo when that is later.
pub(crate) fn live_time(story: &Story) -> Timestamp {
    let published = story.published.unwrap_or(story.version_created);
    story.embargoed.map_or(published, |e| e.max(published))
}

impl SearchIndex {
    /// The body as plain text: tags dropped, entities decoded, whitespace collapsed.
    pub(crate) fn text_of(story: &Story) -> String {
        html_to_text(&story.body_html)
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
