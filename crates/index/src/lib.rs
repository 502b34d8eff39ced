//! index: the embedded full-text search index (tantivy), a projection of the story log.
//!
//! Owns: the index schema, adding/replacing/removing a story's document, keyword search and
//! "more like this" (the Related Articles list).
//! Must not: decide what readers may see. It holds every usable published story, embargoed or
//! not, and answers with story ids; callers check each id against the store's current state,
//! so an embargo lifts and a kill lands without waiting for the index. It can always be thrown
//! away and rebuilt from the store (`wiredesk reindex`).

use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue, STORED, STRING, Schema, TEXT, Value};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};
use wiredesk_model::{Story, StoryId};

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index folder: {0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
}

pub type Result<T> = std::result::Result<T, IndexError>;

/// A story matched by a query, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub id: StoryId,
    pub score: f32,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    headline: Field,
    body: Field,
    agency: Field,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        headline: b.add_text_field("headline", TEXT),
        body: b.add_text_field("body", TEXT),
        agency: b.add_text_field("agency", STRING),
    };
    (b.build(), fields)
}

/// 50 MB of indexing buffer: enough for a bulk archive without holding it all in memory.
const WRITER_HEAP: usize = 50_000_000;

impl SearchIndex {
    /// Open the index in `dir`, creating it when absent.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(directory, schema)?;
        Self::from_index(index, fields)
    }

    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, fields) = schema();
        Self::from_index(Index::create_in_ram(schema), fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<SearchIndex> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer(WRITER_HEAP)?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
        })
    }

    fn text_of(story: &Story) -> String {
        // Tags would only add noise terms; the index wants the words of the copy.
        let mut text = String::with_capacity(story.body_html.len());
        let mut in_tag = false;
        for c in story.body_html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    text.push(' ');
                }
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        text.replace("&amp;", "&")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
    }

    /// Add or replace the story's document (not visible to searches until `commit`).
    pub fn upsert(&self, story: &Story) -> Result<()> {
        let writer = self.writer.lock().expect("index writer poisoned");
        writer.delete_term(Term::from_field_text(self.fields.id, story.id.as_str()));
        writer.add_document(doc!(
            self.fields.id => story.id.as_str(),
            self.fields.headline => story.headline.as_str(),
            self.fields.body => Self::text_of(story),
            self.fields.agency => story.agency.slug.as_str(),
        ))?;
        Ok(())
    }

    pub fn remove(&self, id: &StoryId) -> Result<()> {
        let writer = self.writer.lock().expect("index writer poisoned");
        writer.delete_term(Term::from_field_text(self.fields.id, id.as_str()));
        Ok(())
    }

    /// Drop every document (before a rebuild).
    pub fn clear(&self) -> Result<()> {
        let writer = self.writer.lock().expect("index writer poisoned");
        writer.delete_all_documents()?;
        Ok(())
    }

    /// Make pending changes visible to searches.
    pub fn commit(&self) -> Result<()> {
        let mut writer = self.writer.lock().expect("index writer poisoned");
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn collect(&self, query: &dyn Query, limit: usize) -> Result<Vec<Hit>> {
        let searcher = self.reader.searcher();
        let top = searcher.search(query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if let Some(id) = doc.get_first(self.fields.id).and_then(|v| v.as_str()) {
                hits.push(Hit {
                    id: StoryId(id.to_string()),
                    score,
                });
            }
        }
        Ok(hits)
    }

    /// Keyword search over headline (boosted) and body. Query syntax errors are not the
    /// reader's problem: the query is read leniently.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>> {
        let mut parser =
            QueryParser::for_index(&self.index, vec![self.fields.headline, self.fields.body]);
        parser.set_field_boost(self.fields.headline, 2.0);
        let (query, _errors) = parser.parse_query_lenient(query);
        self.collect(&query, limit)
    }

    /// Stories whose words resemble this one's, excluding the story itself.
    pub fn related(&self, story: &Story, limit: usize) -> Result<Vec<Hit>> {
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            .with_max_doc_frequency(self.num_docs().max(2) / 2 + 1)
            .with_min_term_frequency(1)
            .with_min_word_length(3)
            .with_max_query_terms(40)
            .with_stop_words(STOP_WORDS.iter().map(|s| s.to_string()).collect())
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

/// Words too common in news copy to say what a story is about.
const STOP_WORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "that",
    "with",
    "said",
    "was",
    "were",
    "has",
    "have",
    "had",
    "from",
    "this",
    "but",
    "are",
    "its",
    "his",
    "her",
    "their",
    "they",
    "will",
    "would",
    "also",
    "who",
    "which",
    "been",
    "not",
    "after",
    "over",
    "about",
    "into",
    "more",
    "than",
    "there",
    "on",
    "said.",
    "told",
    "some",
    "other",
    "when",
    "what",
    "while",
    "our",
    "she",
    "him",
    "them",
    "could",
    "should",
    "all",
    "one",
    "two",
    "new",
    "year",
    "week",
    "thursday",
    "friday",
    "monday",
    "tuesday",
    "wednesday",
    "saturday",
    "sunday",
    "reported",
    "according",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn story(uri: &str, headline: &str, body: &str) -> Story {
        wiredesk_model::testing::story(uri, headline, body, jiff::Timestamp::UNIX_EPOCH)
    }

    fn corpus(index: &SearchIndex) -> Vec<Story> {
        let stories = vec![
            story(
                "rate1",
                "Central bank holds repo rate",
                "The central bank kept its repo rate unchanged at 6.5 percent, citing inflation and rupee pressure on monetary policy.",
            ),
            story(
                "rate2",
                "Repo rate unchanged as inflation cools",
                "Economists had expected the central bank to hold the repo rate; inflation and monetary policy dominated the meeting.",
            ),
            story(
                "cricket",
                "India win the second Test",
                "India beat Australia by six wickets in the second Test as the spinners took eight wickets on a turning pitch.",
            ),
            story(
                "flood",
                "Monsoon floods displace thousands",
                "Heavy monsoon rain flooded villages in Assam, forcing thousands of families into relief camps.",
            ),
        ];
        for s in &stories {
            index.upsert(s).unwrap();
        }
        index.commit().unwrap();
        stories
    }

    #[test]
    fn search_finds_words_in_headline_and_body() {
        let index = SearchIndex::in_memory().unwrap();
        corpus(&index);
        let hits = index.search("wickets", 10).unwrap();
        assert_eq!(hits[0].id, StoryId::for_uri("cricket"));
        assert!(index.search("nothingmatchesthis", 10).unwrap().is_empty());
        // An unbalanced quote is not an error for a reader's query.
        assert!(!index.search("\"monsoon", 10).unwrap().is_empty());
    }

    #[test]
    fn related_finds_the_same_subject_and_never_the_story_itself() {
        let index = SearchIndex::in_memory().unwrap();
        let stories = corpus(&index);
        let related = index.related(&stories[0], 5).unwrap();
        assert_eq!(related[0].id, StoryId::for_uri("rate2"));
        assert!(related.iter().all(|h| h.id != stories[0].id));
    }

    #[test]
    fn a_removed_story_is_no_longer_found() {
        let index = SearchIndex::in_memory().unwrap();
        corpus(&index);
        index.remove(&StoryId::for_uri("cricket")).unwrap();
        index.commit().unwrap();
        assert!(index.search("wickets", 10).unwrap().is_empty());
        assert_eq!(index.num_docs(), 3);
    }

    #[test]
    fn upsert_replaces_rather_than_duplicates() {
        let index = SearchIndex::in_memory().unwrap();
        let stories = corpus(&index);
        index.upsert(&stories[2]).unwrap();
        index.commit().unwrap();
        assert_eq!(index.num_docs(), 4);
        assert_eq!(index.search("wickets", 10).unwrap().len(), 1);
    }

    #[test]
    fn an_index_on_disk_reopens_with_its_documents() {
        let dir = tempfile::tempdir().unwrap();
        {
            let index = SearchIndex::open(dir.path()).unwrap();
            corpus(&index);
        }
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.num_docs(), 4);
    }
}
