//! A phrase a search excludes (`-"central bank"`), wrapped for tantivy's exclusion.
//!
//! Owns: answering tantivy's `seek_danger` for an excluded query below the bound it already
//! gave. tantivy 0.27's `Exclude` asks its exclusion about each candidate in turn, and may ask
//! about one below where the excluded scorer already stands (before a phrase's first match,
//! or inside a gap it reported); `PhraseScorer::seek_danger` asserts that never happens and
//! panics in debug builds. Release builds compile the assertion out and answer right through
//! the postings' default `seek_danger` (the search tests pass there without this wrapper);
//! this keeps the answer by the contract instead: below a reported bound there is no match.
//! Must not: change what matches; it only answers from what the scorer already said.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term};

/// `query`, safe to give tantivy as a `MustNot` clause.
#[derive(Debug)]
pub(crate) struct Excluded(Box<dyn Query>);

impl Excluded {
    pub(crate) fn new(query: Box<dyn Query>) -> Excluded {
        Excluded(query)
    }
}

impl Clone for Excluded {
    fn clone(&self) -> Self {
        Excluded(self.0.box_clone())
    }
}

impl Query for Excluded {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExcludedWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ExcludedWeight(Box<dyn Weight>);

impl Weight for ExcludedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.0.scorer(reader, boost)?;
        let floor = inner.doc();
        Ok(Box::new(ExcludedScorer { inner, floor }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.0.count(reader)
    }
}

struct ExcludedScorer {
    inner: Box<dyn Scorer>,
    /// No match lies below it that was not already asked about: the first match at the
    /// start, then each lower bound the scorer reported.
    floor: DocId,
}

impl DocSet for ExcludedScorer {
    fn advance(&mut self) -> DocId {
        self.floor = self.inner.advance();
        self.floor
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.floor = self.inner.seek(target.max(self.floor));
        self.floor
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target < self.floor {
            return SeekDangerResult::SeekLowerBound(self.floor);
        }
        let result = self.inner.seek_danger(target);
        self.floor = match result {
            SeekDangerResult::Found => target,
            SeekDangerResult::SeekLowerBound(bound) => bound,
        };
        result
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for ExcludedScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}
