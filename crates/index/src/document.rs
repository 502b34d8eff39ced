//! What goes into a story's document: the body as plain text (its live time is the model's
//! `Story::first_published`).
//! Must not: decide whether a story is visible (callers check the store); the index holds
//! every usable published story and only reduces its copy to searchable text.

use wiredesk_model::Story;
use wiredesk_model::text::html_to_text;

use crate::SearchIndex;

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
