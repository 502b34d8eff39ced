//! index: the embedded full-text search index (tantivy), a projection of the story log.
//!
//! Owns: the index schema, adding/replacing/removing a story's document, the reader's search
//! (relevance blended with recency, filters, phrases, typo tolerance, highlighted snippets,
//! "did you mean") and "more like this" (the Related Articles list).
//! Must not: decide what readers may see. It holds every usable published story, embargoed or
//! not, and answers with story ids; callers check each id against the store's current state,
//! so an embargo lifts and a kill lands without waiting for the index. It can always be thrown
//! away and rebuilt from the store (`wiredesk reindex`).
//!
//! # Ranking
//!
//! A hit's score is its BM25 relevance (headline terms count double, words matched only as a
//! typo variant count half) times a recency factor:
//!
//! ```text
//! score = bm25 × ((1 − R) + R × 2^(−age / H))      R = 0.5, H = 7 days
//! ```
//!
//! where `age` is the time since the story went live (its publication, or the end of its
//! embargo when that is later), never negative. A story that just went live keeps its full
//! relevance, a week-old one three quarters of it, an old one never less than half: recency
//! breaks ties and lifts fresh copy, but a much better match from the archive still wins.
//! Equal scores are ordered newest first, then by story id (highest first), so the order never
//! depends on where a document sits in the index.
//!
//! # Pages
//!
//! A request names a window of the ranking (`offset`, `limit`) and gets the total of matching
//! stories with it; nothing is answered past `MAX_DEPTH` (1,000) hits. A later page passes the
//! first page's `mode` back, so it is answered in the same stage (exact, typos, any word) and
//! the pages fit together even when the index changed in between.
//!
//! # Matching
//!
//! Every word must match (headline or body) unless joined to another by `OR`; `"quoted
//! phrases"` match as phrases; `-word` excludes. When that finds fewer than a few stories,
//! words of 5 letters or more also match index terms one edit away (typo tolerance; those
//! hits come after the exact ones). When nothing matches and the query has several words,
//! any one of them may match. When still nothing matches, `did_you_mean` suggests the query
//! with each unknown word replaced by the closest word in the index (at most 2 edits), if that
//! query finds something.

use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::schema::{Field, Value};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};
use wiredesk_model::{Story, StoryId};

mod document;
mod exclusion;
pub mod follower;
mod more_like_this;
mod query;
mod ranked;
mod schema;
mod search;
mod snippet;
mod spelling;
mod words;

pub use follower::IndexFollower;
pub use schema::SCHEMA_VERSION;
pub use search::{
    MAX_DEPTH, MatchMode, SearchFilters, SearchHit, SearchRequest, SearchResults, recency_factor,
};
pub use snippet::escape_html;

use schema::{Fields, VERSION_FILE, schema};

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index folder: {0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index folder: {0}")]
    OpenRead(#[from] tantivy::directory::error::OpenReadError),
}

impl IndexError {
    /// Another process holds the folder's writer lock (a running site follows the log).
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            IndexError::Tantivy(tantivy::TantivyError::LockFailure(..))
        )
    }
}

pub type Result<T> = std::result::Result<T, IndexError>;

/// A story matched by a query, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub id: StoryId,
    pub score: f32,
}

/// 50 MB of indexing buffer: enough for a bulk archive without holding it all in memory.
const WRITER_HEAP: usize = 50_000_000;

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// Opened on the first write, so a process that only searches (or finds another holding
    /// the folder's writer lock) can still open the index; dropped after a failed write, so
    /// the next write starts from the last commit with a fresh writer.
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    needs_reindex: bool,
}

impl SearchIndex {
    /// Open the index in `dir`, creating it when absent. A folder written with another schema
    /// version (or none) is emptied and recreated: then `needs_reindex()` is true, and its
    /// `watermark()` is 0, so following the log rebuilds it.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let version_path = dir.join(VERSION_FILE);
        let found_version = std::fs::read_to_string(&version_path)
            .ok()
            .and_then(|v| v.trim().parse::<u32>().ok());
        let exists = {
            let directory = tantivy::directory::MmapDirectory::open(dir)?;
            Index::exists(&directory)?
        };
        let outdated = exists
            && (found_version != Some(SCHEMA_VERSION)
                || Index::open_in_dir(dir).is_ok_and(|i| i.schema() != schema));
        if outdated {
            tracing::warn!(
                folder = %dir.display(),
                found = ?found_version,
                current = SCHEMA_VERSION,
                "the search index was written with an older schema; it is recreated empty and \
                 rebuilt from the event log"
            );
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                if entry.file_type()?.is_file() {
                    std::fs::remove_file(entry.path())?;
                }
            }
        }
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(directory, schema)?;
        if found_version != Some(SCHEMA_VERSION) {
            std::fs::write(&version_path, format!("{SCHEMA_VERSION}\n"))?;
        }
        let mut opened = Self::from_index(index, fields)?;
        opened.needs_reindex = outdated;
        Ok(opened)
    }

    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, fields) = schema();
        Self::from_index(Index::create_in_ram(schema), fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<SearchIndex> {
        // Headlines and bodies are cut into words by the site's analyzer, here and at query
        // time alike (`words`).
        index
            .tokenizers()
            .register(words::ANALYZER, words::analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(None),
            fields,
            needs_reindex: false,
        })
    }

    /// True when `open` found an index of an older schema and recreated it empty.
    pub fn needs_reindex(&self) -> bool {
        self.needs_reindex
    }

    /// The last event of the log the committed index reflects (0 for a new or recreated
    /// index). It is written with each commit (`commit_through`), so it moves exactly when the
    /// documents do, and a crash between the two cannot happen.
    pub fn watermark(&self) -> Result<i64> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or(0))
    }

    /// Run `write` with the writer, opening one if none is open. A failed write drops the
    /// writer and every change since the last commit: they are applied again from the log.
    fn write<T>(&self, write: impl FnOnce(&mut IndexWriter) -> Result<T>) -> Result<T> {
        let mut slot = self.writer.lock().unwrap_or_else(|poisoned| {
            // A write panicked with the writer in hand: start from the last commit.
            let mut slot = poisoned.into_inner();
            *slot = None;
            slot
        });
        if slot.is_none() {
            *slot = Some(self.index.writer(WRITER_HEAP)?);
        }
        let writer = slot.as_mut().expect("opened above");
        let outcome = write(writer);
        if outcome.is_err() {
            // A writer that failed to write a segment (a full disk) is dead for good:
            // tantivy answers every later call with "An index writer was killed".
            *slot = None;
        }
        outcome
    }

    /// Add or replace the story's document (not visible to searches until a commit).
    pub fn upsert(&self, story: &Story) -> Result<()> {
        let mut document = doc!(
            self.fields.id => story.id.as_str(),
            self.fields.headline => story.headline.as_str(),
            self.fields.body => Self::text_of(story),
            self.fields.agency => story.agency.slug.as_str(),
            self.fields.live => story.first_published().as_second(),
            self.fields.order => schema::id_order(story.id.as_str()),
        );
        for topic in &story.topics {
            document.add_text(self.fields.topic, &topic.slug);
        }
        let id = Term::from_field_text(self.fields.id, story.id.as_str());
        self.write(|writer| {
            writer.delete_term(id);
            writer.add_document(document)?;
            Ok(())
        })
    }

    pub fn remove(&self, id: &StoryId) -> Result<()> {
        let id = Term::from_field_text(self.fields.id, id.as_str());
        self.write(|writer| {
            writer.delete_term(id);
            Ok(())
        })
    }

    /// Drop every document (before a rebuild).
    pub fn clear(&self) -> Result<()> {
        self.write(|writer| {
            writer.delete_all_documents()?;
            Ok(())
        })
    }

    /// Make pending changes visible to searches, and record that they reflect the log up to
    /// event `seq`.
    pub fn commit_through(&self, seq: i64) -> Result<()> {
        self.write(|writer| {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&seq.to_string());
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// Open the writer now, so no other process writes this folder while this one follows the
    /// log. Fails with `is_busy()` while another process holds it.
    pub fn claim(&self) -> Result<()> {
        self.write(|_| Ok(()))
    }

    /// Make pending changes visible to searches, keeping the watermark where it was.
    pub fn commit(&self) -> Result<()> {
        self.commit_through(self.watermark()?)
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Segments the searcher currently reads (for benchmarks and diagnostics).
    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    fn stored_id(doc: &TantivyDocument, field: Field) -> Option<StoryId> {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(|id| StoryId(id.to_string()))
    }

    fn collect(&self, query: &dyn Query, limit: usize) -> Result<Vec<Hit>> {
        let searcher = self.reader.searcher();
        let top = searcher.search(query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if let Some(id) = Self::stored_id(&doc, self.fields.id) {
                hits.push(Hit { id, score });
            }
        }
        Ok(hits)
    }

    /// Search as a reader types it, best first (see the crate docs for matching and ranking).
    /// Nothing a reader types is an error: the query is read leniently.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>> {
        let results = self.search_with(&SearchRequest::new(query, limit))?;
        Ok(results
            .hits
            .into_iter()
            .map(|h| Hit {
                id: h.id,
                score: h.score,
            })
            .collect())
    }
}

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
    fn hindi_copy_is_found_by_whole_words_and_their_spelling_variants() {
        let index = SearchIndex::in_memory().unwrap();
        let hindi = story(
            "hindi",
            "दिल्ली में ज़रूरी सामान की कीमतें बढ़ीं",
            "नई दिल्ली, 5 दिसंबर (आईएएनएस)। राजधानी में २०२६ के बजट से पहले सब्ज़ियों के दाम बढ़ गए।",
        );
        index.upsert(&hindi).unwrap();
        index
            .upsert(&story("english", "Prices rise", "Prices rose in 2025."))
            .unwrap();
        index.commit().unwrap();
        let found = |q: &str| -> Vec<String> {
            index
                .search(q, 10)
                .unwrap()
                .into_iter()
                .map(|h| h.id.0)
                .collect()
        };
        let hindi_id = vec![hindi.id.0.clone()];
        // The word whole, not fragments cut at its vowel signs.
        assert_eq!(found("दिल्ली"), hindi_id);
        // Without the nukta, as often typed.
        assert_eq!(found("जरूरी"), hindi_id);
        assert_eq!(found("सब्जियों"), hindi_id);
        // Devanagari digits are digits.
        assert_eq!(found("2026"), hindi_id);
        // A fragment of a word is not the word.
        assert!(found("दि").is_empty());
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

/// Reopening a folder written with another schema (tests share the search tests' stories).
#[cfg(test)]
mod schema_tests {
    use super::*;
    use crate::search::search_tests::{days_ago, story};
    use tantivy::schema::{STORED, STRING, Schema, TEXT};

    #[test]
    fn an_index_of_an_older_schema_is_recreated_and_flagged() {
        let dir = tempfile::tempdir().unwrap();
        {
            // The first schema: no stored body, no topics, no live time, no version file.
            let mut b = Schema::builder();
            let id = b.add_text_field("id", STRING | STORED);
            let headline = b.add_text_field("headline", TEXT);
            b.add_text_field("body", TEXT);
            b.add_text_field("agency", STRING);
            let index = Index::create_in_dir(dir.path(), b.build()).unwrap();
            let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
            writer
                .add_document(doc!(id => "abc", headline => "Old"))
                .unwrap();
            writer.commit().unwrap();
        }
        let index = SearchIndex::open(dir.path()).unwrap();
        assert!(index.needs_reindex());
        assert_eq!(index.num_docs(), 0);
        index
            .upsert(&story("s", "Monsoon", "<p>Rain.</p>", days_ago(1)))
            .unwrap();
        index.commit().unwrap();
        drop(index);
        let index = SearchIndex::open(dir.path()).unwrap();
        assert!(!index.needs_reindex());
        assert_eq!(index.num_docs(), 1);
        assert!(dir.path().join(VERSION_FILE).exists());
    }

    #[test]
    fn a_fresh_folder_needs_no_reindex() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!SearchIndex::open(dir.path()).unwrap().needs_reindex());
        assert!(!SearchIndex::open(dir.path()).unwrap().needs_reindex());
    }
}
