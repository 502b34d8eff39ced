//! "More like this": the Related Articles list, stories whose words resemble a story's own.
//! Must not: rank by recency or apply the reader's filters; it is a plain likeness of words,
//! and callers decide which of the ids a reader may see.

use tantivy::Term;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue};
use wiredesk_model::Story;

use crate::{Hit, Result, SearchIndex};
use wiredesk_model::stop_words::{MORE_LIKE_THIS_STOP_WORDS, STOP_WORDS};

impl SearchIndex {
    /// Stories whose words resemble this one's, excluding the story itself.
    pub fn related(&self, story: &Story, limit: usize) -> Result<Vec<Hit>> {
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            .with_max_doc_frequency(self.num_docs().max(2) / 2 + 1)
            .with_min_term_frequency(1)
            .with_min_word_length(3)
            .with_max_query_terms(40)
            .with_stop_words(
                STOP_WORDS
                    .iter()
                    .chain(MORE_LIKE_THIS_STOP_WORDS)
                    .map(|s| s.to_string())
                    .collect(),
            )
            .with_document_fields(vec![
                (
                    self.fields.headline,
                    vec![OwnedValue::Str(story.headline.clone())],
                ),
                (
                    self.fields.body,
                    vec![OwnedValue::Str(Self::text_of(story))],
                ),
            ]);
        let not_self = TermQuery::new(
            Term::from_field_text(self.fields.id, story.id.as_str()),
            IndexRecordOption::Basic,
        );
        let query = BooleanQuery::new(vec![
            (Occur::Should, Box::new(mlt) as Box<dyn Query>),
            (Occur::MustNot, Box::new(not_self)),
        ]);
        self.collect(&query, limit)
    }
}
