//! The best hits of one query by blended score (BM25 × recency, crate docs), and how many
//! documents it matches, reading the index's segments side by side.
//!
//! A segment's documents can score no more than their BM25 times the recency factor of its
//! newest document (the factor never rises with age), so one whose bound is below the k-th
//! best blended score seen in any segment cannot enter the top k. The segments are read
//! newest first and share that bar, so the newest raise it before the archive's older ones,
//! whose bound is lower, are read. For one word (`Pass::Pruned`) the bound is handed to tantivy's
//! `for_each_pruning`, which skips whole blocks of postings (block-max WAND), and the count
//! is taken apart (`Weight::count`, a posting list's length). Anything else is read once,
//! counted and ranked in the same pass, the bound sparing the recency and id of the documents
//! below it. tantivy's own `TopDocs::tweak_score` worked out both for every match.
//! Must not: change the ranking: the hits and their order are those of scoring every match.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering as AtomicOrdering};

use rayon::prelude::*;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader};

use crate::schema::{LIVE_FIELD, ORDER_FIELD};
use crate::search::recency_factor;

/// One collected document: blended score, live seconds, id order (`schema::id_order`),
/// address. Sorted on the three, greatest first, so equal scores go newest first and then by
/// story id, whatever segment a document is in.
pub(crate) type Scored = ((Score, i64, u64), DocAddress);

/// `Scored` in its ranking order (address last, so the order is total).
struct Ranked(Scored);

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        let ((a_score, a_at, a_id), a_addr) = self.0;
        let ((b_score, b_at, b_id), b_addr) = other.0;
        a_score
            .total_cmp(&b_score)
            .then(a_at.cmp(&b_at))
            .then(a_id.cmp(&b_id))
            .then(b_addr.cmp(&a_addr))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

/// The `k` best documents seen so far (a min-heap: its top is the one to beat).
struct Best {
    k: usize,
    heap: BinaryHeap<Reverse<Ranked>>,
}

impl Best {
    fn new(k: usize) -> Best {
        Best {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    fn push(&mut self, scored: Scored) {
        if self.heap.len() < self.k {
            self.heap.push(Reverse(Ranked(scored)));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && Ranked(scored) > worst.0
        {
            *worst = Reverse(Ranked(scored));
        }
    }

    /// The k-th best blended score, once there are k.
    fn kth(&self) -> Option<Score> {
        match self.heap.peek() {
            Some(Reverse(Ranked(((worst, _, _), _)))) if self.heap.len() == self.k => Some(*worst),
            _ => None,
        }
    }

    fn into_sorted(self) -> Vec<Scored> {
        let mut all: Vec<Ranked> = self.heap.into_iter().map(|Reverse(r)| r).collect();
        all.sort_by(|a, b| b.cmp(a));
        all.into_iter().map(|Ranked(s)| s).collect()
    }
}

/// How `top` reads the matches.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Pass {
    /// Block-max pruning for the best, and the count taken apart: for a query that is one
    /// union of terms (one word and its typo variants), where tantivy
    /// skips whole blocks and counts a posting list without reading it.
    Pruned,
    /// Every match read once, counted and ranked in the same pass: for intersections,
    /// filters and phrases, which tantivy cannot prune, so counting apart would only
    /// read them twice.
    Single,
}

/// The `k` best documents for `query` (best first) and how many it matches in all. The
/// segments are read side by side on the search threads (`pool`), each keeping its own best.
pub(crate) fn top(
    searcher: &Searcher,
    query: &dyn Query,
    pass: Pass,
    k: usize,
    now: i64,
) -> tantivy::Result<(Vec<Scored>, usize)> {
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut segments: Vec<(u32, &SegmentReader, i64)> = searcher
        .segment_readers()
        .iter()
        .enumerate()
        .map(|(ord, segment)| (ord as u32, segment, newest(segment)))
        .collect();
    // Newest first: their best raise the shared bar before the archive's segments are read.
    segments.sort_by_key(|(_, _, newest)| Reverse(*newest));
    let bar = Bar::default();
    let per_segment: Vec<tantivy::Result<(Best, usize)>> = pool().install(|| {
        segments
            .par_iter()
            .map(|(ord, segment, newest)| {
                let ceiling = recency_factor(now.saturating_sub(*newest));
                segment_top(weight.as_ref(), *ord, segment, pass, k, now, ceiling, &bar)
            })
            .collect()
    });
    let mut total = 0usize;
    let mut best = Best::new(k);
    for found in per_segment {
        let (segment_best, count) = found?;
        total += count;
        for scored in segment_best.into_sorted() {
            best.push(scored);
        }
    }
    Ok((best.into_sorted(), total))
}

/// The threads searches read segments on: their own, so that a search never queues behind
/// the ingest's work on rayon's global pool.
fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("search-{i}"))
            .build()
            .expect("the search threads start")
    })
}

/// The live time of a segment's newest document (deleted ones too: a bound), or the far
/// future when the segment has no such column, so its bound is the factor's greatest.
fn newest(segment: &SegmentReader) -> i64 {
    segment
        .fast_fields()
        .i64(LIVE_FIELD)
        .map_or(i64::MAX, |live| live.max_value())
}

/// The k-th best blended score some segment has reached, shared by the segments read side by
/// side: the whole query's k-th best is no lower. Scores are never negative, so their bits
/// order as they do.
#[derive(Default)]
struct Bar(AtomicU32);

impl Bar {
    fn raise(&self, best: &Best) {
        if let Some(kth) = best.kth()
            && kth > 0.0
        {
            self.0.fetch_max(kth.to_bits(), AtomicOrdering::Relaxed);
        }
    }

    /// The blended score a document must reach: just below the k-th best here or anywhere
    /// (a document scoring exactly that may still win its tie on recency or id).
    fn threshold(&self, best: &Best) -> Score {
        let shared = f32::from_bits(self.0.load(AtomicOrdering::Relaxed));
        best.kth().unwrap_or(shared).max(shared).next_down()
    }
}

/// `segment`'s best `k` and its count. `ceiling` is the recency factor of its newest
/// document, the most any of its documents' BM25 is multiplied by.
#[allow(clippy::too_many_arguments)]
fn segment_top(
    weight: &dyn Weight,
    ord: u32,
    segment: &SegmentReader,
    pass: Pass,
    k: usize,
    now: i64,
    ceiling: Score,
    bar: &Bar,
) -> tantivy::Result<(Best, usize)> {
    let mut best = Best::new(k);
    if k == 0 {
        return Ok((best, weight.count(segment)? as usize));
    }
    let fast = segment.fast_fields();
    let live = fast.i64(LIVE_FIELD).ok();
    let order = fast.u64(ORDER_FIELD).ok();
    let alive = segment.alive_bitset();
    // A document whose bound is below the bar cannot make it with its recency, which is then
    // not worked out; the story's id is read only for one that does.
    let offer = |doc: DocId, bm25: Score, best: &mut Best| {
        let threshold = bar.threshold(best);
        if bm25 * ceiling < threshold {
            return;
        }
        let at = live.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
        let blended = bm25 * recency_factor(now - at);
        if blended >= threshold {
            let id = order.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
            best.push(((blended, at, id), DocAddress::new(ord, doc)));
            bar.raise(best);
        }
    };
    // The bar as a BM25 for tantivy's pruning, which passes on only documents above it:
    // rounded down twice, past the division's and the product's rounding.
    let bm25_bar = |best: &Best| {
        let threshold = bar.threshold(best);
        if threshold <= 0.0 {
            threshold
        } else {
            (threshold / ceiling).next_down().next_down()
        }
    };
    let mut total = 0usize;
    match pass {
        Pass::Pruned => {
            total = weight.count(segment)? as usize;
            let mut threshold = bm25_bar(&best);
            weight.for_each_pruning(threshold, segment, &mut |doc: DocId, bm25: Score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    offer(doc, bm25, &mut best);
                }
                threshold = bm25_bar(&best);
                threshold
            })?;
        }
        Pass::Single => {
            weight.for_each(segment, &mut |doc: DocId, bm25: Score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    total += 1;
                    offer(doc, bm25, &mut best);
                }
            })?;
        }
    }
    Ok((best, total))
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::{SegmentReader, Term};

    use super::*;
    use crate::SearchIndex;
    use crate::search::search_tests::story;

    const NOW: i64 = 1_780_000_000;
    const WORDS: &[&str] = &[
        "flood", "rain", "bank", "rates", "court", "match", "storm", "market", "relief", "camp",
    ];

    /// Stories of a few common words in three segments, some replaced (deleted documents),
    /// many of equal relevance and age so that ties are broken by recency and id. With
    /// `aged`, each segment is two months older than the next, as in an archive; without, all
    /// span the same 40 days.
    fn corpus(aged: bool) -> SearchIndex {
        let index = SearchIndex::in_memory().unwrap();
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        for batch in 0..3 {
            for i in 0..400 {
                let words: Vec<&str> = (0..3 + next(12))
                    .map(|_| WORDS[next(WORDS.len() as u64) as usize])
                    .collect();
                let age_days = match aged {
                    true => (2 - batch as i64) * 60 + next(20) as i64,
                    false => next(40) as i64,
                };
                let at = Timestamp::from_second(NOW - age_days * 86_400).unwrap();
                let uri = format!("s{}", (batch * 400 + i) % 1_000);
                let body = format!("<p>{}.</p>", words.join(" "));
                index.upsert(&story(&uri, WORDS[i % 3], &body, at)).unwrap();
            }
            index.commit().unwrap();
        }
        index
    }

    /// Every match scored and blended: tantivy's own collector, the ranking before pruning.
    fn every_match(searcher: &Searcher, query: &dyn Query, k: usize) -> Vec<(Score, i64, u64)> {
        let top = TopDocs::with_limit(k).tweak_score(move |segment: &SegmentReader| {
            let fast = segment.fast_fields();
            let live = fast.i64(LIVE_FIELD).unwrap();
            let order = fast.u64(ORDER_FIELD).unwrap();
            move |doc: DocId, score: Score| {
                let at = live.first(doc).unwrap();
                let id = order.first(doc).unwrap();
                (score * recency_factor(NOW - at), at, id)
            }
        });
        let mut found: Vec<_> = searcher
            .search(query, &top)
            .unwrap()
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
        found
    }

    #[test]
    fn pruning_ranks_exactly_as_scoring_every_match() {
        for aged in [false, true] {
            pruning_ranks_exactly_on(&corpus(aged));
        }
    }

    fn pruning_ranks_exactly_on(index: &SearchIndex) {
        let searcher = index.reader.searcher();
        let f = index.fields;
        let term = |field, w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        let word = |w: &str| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(term(f.headline, w), 2.0)) as Box<dyn Query>,
                ),
                (Occur::Should, term(f.body, w)),
            ]))
        };
        let queries: Vec<Box<dyn Query>> = vec![
            term(f.body, "flood"),
            word("rain"),
            Box::new(BooleanQuery::intersection(vec![
                word("bank"),
                word("rates"),
            ])),
            Box::new(PhraseQuery::new(vec![
                Term::from_field_text(f.body, "storm"),
                Term::from_field_text(f.body, "relief"),
            ])),
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, word("court")),
                (Occur::MustNot, term(f.body, "match")),
            ])),
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, word("bank")),
                (
                    Occur::MustNot,
                    Box::new(crate::exclusion::Excluded::new(Box::new(PhraseQuery::new(
                        vec![
                            Term::from_field_text(f.body, "rates"),
                            Term::from_field_text(f.body, "court"),
                        ],
                    )))),
                ),
            ])),
        ];
        for query in &queries {
            for k in [1, 7, 40, 5_000] {
                let all = every_match(&searcher, query.as_ref(), k);
                let everything = every_match(&searcher, query.as_ref(), 100_000).len();
                assert!(everything > 0, "{query:?} matches nothing: a weak test");
                for pass in [Pass::Pruned, Pass::Single] {
                    let (found, total) = top(&searcher, query.as_ref(), pass, k, NOW).unwrap();
                    let found: Vec<_> = found.into_iter().map(|(key, _)| key).collect();
                    assert_eq!(found, all, "{query:?} k={k} {pass:?}");
                    assert_eq!(total, everything, "{query:?} {pass:?}");
                }
            }
        }
        // Replaced stories are gone: 1,000 stories, not the 1,200 documents written.
        for pass in [Pass::Pruned, Pass::Single] {
            let (none, total) = top(&searcher, &*word("flood"), pass, 0, NOW).unwrap();
            assert!(none.is_empty() && total > 0);
        }
        assert_eq!(searcher.num_docs(), 1_000);
    }
}
