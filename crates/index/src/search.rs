//! The reader's search, staged: exact words first, then typo variants, then any word, then a
//! "did you mean"; ranked by BM25 blended with recency (see the crate docs).
//! Must not: write to the index or hide stories from readers; it answers with story ids and
//! callers check each against the store's current state.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;

use jiff::Timestamp;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};
use wiredesk_model::StoryId;

use crate::query::{self, Clause, ParsedQuery};
use crate::ranked::{self, Pass, Scored};
use crate::{Result, SearchIndex, snippet, spelling};

/// What a reader asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchRequest {
    /// As typed: words, "phrases", `-excluded`, `OR`. May be empty when a filter is given:
    /// then every story passing the filters matches, newest first.
    pub query: String,
    pub limit: usize,
    /// Hits to skip, best first: `offset` 20 with `limit` 20 is the second page. Nothing is
    /// answered from past `MAX_DEPTH`.
    pub offset: usize,
    pub filters: SearchFilters,
    /// The moment recency is measured from (default: now).
    pub now: Option<Timestamp>,
    /// Build a highlighted snippet of the body for each hit.
    pub snippets: bool,
    /// Answer in this stage, as the first page of the same search did (`SearchResults::mode`),
    /// so a later page ranks as the first one did even if the index has changed since. `None`
    /// chooses (the first page).
    pub mode: Option<MatchMode>,
}

impl SearchRequest {
    pub fn new(query: &str, limit: usize) -> SearchRequest {
        SearchRequest {
            query: query.to_string(),
            limit,
            offset: 0,
            filters: SearchFilters::default(),
            now: None,
            snippets: false,
            mode: None,
        }
    }
}

/// Restrictions on which stories may match (all must hold).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchFilters {
    /// A topic slug (`business`).
    pub topic: Option<String>,
    /// An agency slug (`pti`).
    pub agency: Option<String>,
    /// Live at or after (second precision).
    pub from: Option<Timestamp>,
    /// Live at or before (second precision).
    pub to: Option<Timestamp>,
}

impl SearchFilters {
    pub fn is_empty(&self) -> bool {
        self.topic.is_none() && self.agency.is_none() && self.from.is_none() && self.to.is_none()
    }
}

/// How the hits were found, from strictest to loosest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchMode {
    /// Every word (or phrase) as typed.
    Exact,
    /// Some hits matched a word only through a one-edit variant (they follow the exact hits).
    Typos,
    /// Not every word matched: stories with any of them.
    AnyWord,
    /// No words, only filters: newest first.
    Browse,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub id: StoryId,
    /// BM25 blended with recency (see the crate docs).
    pub score: f32,
    /// When the story went live, as indexed.
    pub live: Timestamp,
    /// The best fragment of the body, HTML: matched words in `<mark>`, the rest escaped.
    /// `None` when snippets were not asked for or the body has none of the words.
    pub snippet_html: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchResults {
    /// The hits from `offset` on, at most `limit`, never past `MAX_DEPTH`.
    pub hits: Vec<SearchHit>,
    /// Stories matching (before the offset and the limit) in the mode used.
    pub total: usize,
    pub mode: MatchMode,
    /// A corrected query, offered when nothing matched and the correction finds something.
    pub did_you_mean: Option<String>,
}

impl SearchResults {
    fn empty() -> SearchResults {
        SearchResults {
            hits: vec![],
            total: 0,
            mode: MatchMode::Exact,
            did_you_mean: None,
        }
    }
}

/// Headline words count this much more than body words.
const HEADLINE_BOOST: Score = 2.0;
/// A word matched only through a typo variant counts this much of an exact match.
const TYPO_BOOST: Score = 0.5;
/// Words this long or longer may match one-edit variants.
const TYPO_MIN_CHARS: usize = 5;
/// At most this many variants per word (the most frequent ones).
const TYPO_MAX_VARIANTS: usize = 8;
/// Exact matching "finds little" below this many stories.
const FEW_HITS: usize = 3;
/// Recency share R and half-life H of the ranking formula (crate docs).
const RECENCY_SHARE: f64 = 0.5;
const RECENCY_HALF_LIFE_SECS: f64 = 7.0 * 86_400.0;
/// Snippet length, in characters.
const SNIPPET_CHARS: usize = 200;
/// The deepest a search is answered: hits past this many (`offset + limit`) are never
/// collected. Readers refine a search long before; a bound keeps a page's cost bounded.
pub const MAX_DEPTH: usize = 1000;

/// The multiplier of the ranking formula for a story live `age_secs` ago.
pub fn recency_factor(age_secs: i64) -> f32 {
    let age = age_secs.max(0) as f64;
    ((1.0 - RECENCY_SHARE) + RECENCY_SHARE * (-age / RECENCY_HALF_LIFE_SECS).exp2()) as f32
}

/// A query as built for a stage, with how `ranked::top` reads it: the builder that shapes
/// the query knows whether it is still one union of terms.
struct Built {
    query: Box<dyn Query>,
    pass: Pass,
}

impl Built {
    fn single(query: Box<dyn Query>) -> Built {
        Built {
            query,
            pass: Pass::Single,
        }
    }
}

/// Which hits of a ranking a page takes.
#[derive(Clone, Copy, Debug)]
struct Window {
    offset: usize,
    limit: usize,
}

impl Window {
    /// How many of the best hits the window reaches (its end).
    fn end(self) -> usize {
        self.offset + self.limit
    }

    fn first(limit: usize) -> Window {
        Window { offset: 0, limit }
    }
}

impl SearchIndex {
    /// Search with filters, snippets and "did you mean".
    pub fn search_with(&self, request: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let mut analyzer = self.index.tokenizer_for_field(self.fields.body)?;
        let parsed = query::parse(&request.query, &mut analyzer);
        let window = Window {
            offset: request.offset.min(MAX_DEPTH),
            limit: request
                .limit
                .max(1)
                .min(MAX_DEPTH.saturating_sub(request.offset)),
        };
        let now = request.now.unwrap_or_else(Timestamp::now).as_second();
        let filters = self.filter_queries(&request.filters);

        if parsed.groups.is_empty() {
            if filters.is_empty() {
                return Ok(SearchResults::empty());
            }
            let browse = self.assemble(
                Built::single(Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0))),
                &filters,
                &parsed.excluded,
            );
            let (top, total) = self.run(&searcher, &browse, window, now)?;
            let hits = self.materialize(&searcher, top, None)?;
            return Ok(SearchResults {
                hits,
                total,
                mode: MatchMode::Browse,
                did_you_mean: None,
            });
        }

        let (found, total, final_query, mode) =
            self.staged(&searcher, &parsed, &filters, window, now, request.mode)?;
        let did_you_mean = if total == 0 || mode == MatchMode::AnyWord {
            self.suggestion(&searcher, &parsed, &filters, now, total == 0)?
        } else {
            None
        };
        let generator = if request.snippets && !found.is_empty() {
            let mut g =
                SnippetGenerator::create(&searcher, final_query.as_ref(), self.fields.body)?;
            g.set_max_num_chars(SNIPPET_CHARS);
            Some(g)
        } else {
            None
        };
        let hits = self.materialize(&searcher, found, generator.as_ref())?;
        Ok(SearchResults {
            hits,
            total,
            mode,
            did_you_mean,
        })
    }

    /// Exact, then typo-tolerant, then any-word matching, as far as each finds too little
    /// (or the stage `pinned` names). Each choice reads only totals, never the window, so
    /// every page of a search is answered in the stage its first page was.
    #[allow(clippy::type_complexity)]
    fn staged(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        window: Window,
        now: i64,
        pinned: Option<MatchMode>,
    ) -> Result<(Vec<Scored>, usize, Box<dyn Query>, MatchMode)> {
        let pinned = pinned.filter(|m| *m != MatchMode::Browse);
        let no_variants = HashMap::new();
        let exact = self.assemble(
            self.positive(parsed, &no_variants, true),
            filters,
            &parsed.excluded,
        );
        let (mut found, mut total) = self.run(searcher, &exact, window, now)?;
        let mut final_query = exact;
        let mut mode = MatchMode::Exact;

        let widen = match pinned {
            Some(MatchMode::Exact) => false,
            Some(_) => true,
            None => total < FEW_HITS,
        };
        let variants = if widen {
            self.typo_variants(searcher, parsed)
        } else {
            HashMap::new()
        };
        if !variants.is_empty() && pinned != Some(MatchMode::AnyWord) {
            let widened = self.assemble(
                self.positive(parsed, &variants, true),
                filters,
                &parsed.excluded,
            );
            // The exact hits come first, then the rest of the widened ranking: both from the
            // top, down to the window's end.
            let reach = if window.limit == 0 { 0 } else { window.end() };
            let (exact_top, _) = self.run(searcher, &final_query, Window::first(reach), now)?;
            let (more, widened_total) = self.run(
                searcher,
                &widened,
                Window::first(reach + exact_top.len()),
                now,
            )?;
            if widened_total > total || pinned == Some(MatchMode::Typos) {
                let seen: HashSet<DocAddress> = exact_top.iter().map(|(_, a)| *a).collect();
                found = exact_top
                    .into_iter()
                    .chain(more.into_iter().filter(|(_, a)| !seen.contains(a)))
                    .skip(window.offset)
                    .take(window.limit)
                    .collect();
                mode = MatchMode::Typos;
            }
            total = widened_total.max(total);
            final_query = widened;
        }

        let any_word = match pinned {
            Some(m) => m == MatchMode::AnyWord,
            None => total == 0 && parsed.groups.len() > 1,
        };
        if any_word {
            let any = self.assemble(
                self.positive(parsed, &variants, false),
                filters,
                &parsed.excluded,
            );
            (found, total) = self.run(searcher, &any, window, now)?;
            final_query = any;
            if total > 0 || pinned.is_some() {
                mode = MatchMode::AnyWord;
            }
        }
        Ok((found, total, final_query.query, mode))
    }

    /// For each word that may have a typo, its most frequent one-edit variants in the index
    /// that are more common than the word itself.
    fn typo_variants(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
    ) -> HashMap<String, Vec<String>> {
        let fields = [self.fields.headline, self.fields.body];
        let mut out = HashMap::new();
        for clause in parsed.clauses() {
            let Some(word) = clause.fuzzy_word(TYPO_MIN_CHARS) else {
                continue;
            };
            if out.contains_key(word) {
                continue;
            }
            // A variant must be more common than the word as typed: typos are rare, and a word
            // that is itself in the copy is not widened to rarer neighbours ("wickets" does
            // not bring "tickets").
            let typed = spelling::doc_freq(searcher, &fields, word);
            let mut near = spelling::neighbours(searcher, &fields, word, 1);
            near.retain(|(_, df)| *df > typed);
            near.sort_by(|(a, da), (b, db)| db.cmp(da).then(a.cmp(b)));
            near.truncate(TYPO_MAX_VARIANTS);
            if !near.is_empty() {
                out.insert(word.to_string(), near.into_iter().map(|(t, _)| t).collect());
            }
        }
        out
    }

    /// The query with every unknown word replaced by the closest known one, when that changes
    /// something and finds at least one story (with every word, unless the reader's query
    /// found nothing at all).
    fn suggestion(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        now: i64,
        found_nothing: bool,
    ) -> Result<Option<String>> {
        let fields = [self.fields.headline, self.fields.body];
        let mut replacements: HashMap<String, String> = HashMap::new();
        for clause in parsed.clauses() {
            for token in &clause.tokens {
                if replacements.contains_key(token)
                    || spelling::doc_freq(searcher, &fields, token) > 0
                {
                    continue;
                }
                if let Some(better) = spelling::closest(searcher, &fields, token) {
                    replacements.insert(token.clone(), better);
                }
            }
        }
        if replacements.is_empty() {
            return Ok(None);
        }
        let corrected = parsed.rewrite(&|t| replacements.get(t).cloned());
        let mut analyzer = self.index.tokenizer_for_field(self.fields.body)?;
        let reparsed = query::parse(&corrected, &mut analyzer);
        let (_, total, _, mode) =
            self.staged(searcher, &reparsed, filters, Window::first(1), now, None)?;
        let better = total > 0 && (found_nothing || mode != MatchMode::AnyWord);
        Ok(better.then_some(corrected))
    }

    fn term_query(&self, field: Field, word: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        ))
    }

    /// A word (with its typo variants) or a phrase, in the headline or the body.
    fn clause_query(
        &self,
        clause: &Clause,
        variants: &HashMap<String, Vec<String>>,
    ) -> Box<dyn Query> {
        let in_field = |field: Field| -> Box<dyn Query> {
            if clause.tokens.len() == 1 {
                self.term_query(field, &clause.tokens[0])
            } else {
                let terms = clause
                    .tokens
                    .iter()
                    .map(|t| Term::from_field_text(field, t))
                    .collect();
                Box::new(PhraseQuery::new(terms))
            }
        };
        let mut should: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(
                    in_field(self.fields.headline),
                    HEADLINE_BOOST,
                )),
            ),
            (Occur::Should, in_field(self.fields.body)),
        ];
        if let Some(near) = clause
            .fuzzy_word(TYPO_MIN_CHARS)
            .and_then(|w| variants.get(w))
        {
            for variant in near {
                should.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        self.term_query(self.fields.headline, variant),
                        HEADLINE_BOOST * TYPO_BOOST,
                    )),
                ));
                should.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        self.term_query(self.fields.body, variant),
                        TYPO_BOOST,
                    )),
                ));
            }
        }
        Box::new(BooleanQuery::new(should))
    }

    /// The words and phrases: every group required (`all`) or any one of them.
    fn positive(
        &self,
        parsed: &ParsedQuery,
        variants: &HashMap<String, Vec<String>>,
        all: bool,
    ) -> Built {
        let groups: Vec<Box<dyn Query>> = parsed
            .groups
            .iter()
            .map(|group| -> Box<dyn Query> {
                if group.len() == 1 {
                    self.clause_query(&group[0], variants)
                } else {
                    Box::new(BooleanQuery::union(
                        group
                            .iter()
                            .map(|c| self.clause_query(c, variants))
                            .collect(),
                    ))
                }
            })
            .collect();
        match (all, parsed.groups.as_slice()) {
            // One word (with its typo variants) is a union of terms, left unwrapped: tantivy's
            // block-max WAND runs only on a top-level union of terms.
            (true, [group]) => {
                let pass = match group.as_slice() {
                    [clause] if clause.tokens.len() == 1 => Pass::Pruned,
                    _ => Pass::Single,
                };
                let query = groups.into_iter().next().expect("one group");
                Built { query, pass }
            }
            (true, _) => Built::single(Box::new(BooleanQuery::intersection(groups))),
            (false, _) => Built::single(Box::new(BooleanQuery::union(groups))),
        }
    }

    /// Filters as required clauses that add nothing to the score.
    fn filter_queries(&self, filters: &SearchFilters) -> Vec<Box<dyn Query>> {
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let exact = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(field, value),
                    IndexRecordOption::Basic,
                )),
                0.0,
            ))
        };
        if let Some(topic) = &filters.topic {
            out.push(exact(self.fields.topic, topic));
        }
        if let Some(agency) = &filters.agency {
            out.push(exact(self.fields.agency, agency));
        }
        if filters.from.is_some() || filters.to.is_some() {
            let bound = |t: Option<Timestamp>| match t {
                Some(t) => Bound::Included(Term::from_field_i64(self.fields.live, t.as_second())),
                None => Bound::Unbounded,
            };
            out.push(Box::new(ConstScoreQuery::new(
                Box::new(RangeQuery::new(bound(filters.from), bound(filters.to))),
                0.0,
            )));
        }
        out
    }

    fn assemble(&self, positive: Built, filters: &[Box<dyn Query>], excluded: &[Clause]) -> Built {
        if filters.is_empty() && excluded.is_empty() {
            return positive;
        }
        let mut clauses = vec![(Occur::Must, positive.query)];
        clauses.extend(filters.iter().map(|f| (Occur::Must, f.box_clone())));
        let none = HashMap::new();
        clauses.extend(excluded.iter().map(|c| {
            let query = self.clause_query(c, &none);
            let query: Box<dyn Query> = match c.tokens.len() {
                1 => query,
                // A phrase's scorer must be asked in order (`exclusion`).
                _ => Box::new(crate::exclusion::Excluded::new(query)),
            };
            (Occur::MustNot, query)
        }));
        Built::single(Box::new(BooleanQuery::new(clauses)))
    }

    /// The window's documents of the ranking by blended score (newest first among equals,
    /// then by story id), and how many matched in all.
    fn run(
        &self,
        searcher: &Searcher,
        built: &Built,
        window: Window,
        now: i64,
    ) -> Result<(Vec<Scored>, usize)> {
        let k = if window.limit == 0 { 0 } else { window.end() };
        let (best, total) = ranked::top(searcher, built.query.as_ref(), built.pass, k, now)?;
        let found = best
            .into_iter()
            .skip(window.offset)
            .take(window.limit)
            .collect();
        Ok((found, total))
    }

    fn materialize(
        &self,
        searcher: &Searcher,
        found: Vec<Scored>,
        snippets: Option<&SnippetGenerator>,
    ) -> Result<Vec<SearchHit>> {
        let mut hits = Vec::with_capacity(found.len());
        for ((score, live, _), addr) in found {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let Some(id) = Self::stored_id(&doc, self.fields.id) else {
                continue;
            };
            let snippet_html = snippets.and_then(|generator| {
                let body = doc.get_first(self.fields.body).and_then(|v| v.as_str())?;
                snippet::to_html(&generator.snippet(body), body.len())
            });
            hits.push(SearchHit {
                id,
                score,
                live: Timestamp::from_second(live).unwrap_or(Timestamp::UNIX_EPOCH),
                snippet_html,
            });
        }
        Ok(hits)
    }
}

#[cfg(test)]
pub(crate) mod search_tests {
    use super::*;
    use jiff::{SignedDuration, Timestamp};
    use wiredesk_model::{Agency, Story, Topic};

    const NOW: i64 = 1_780_000_000;

    fn now() -> Timestamp {
        Timestamp::from_second(NOW).unwrap()
    }

    pub(crate) fn days_ago(days: i64) -> Timestamp {
        now() - SignedDuration::from_hours(24 * days)
    }

    pub(crate) fn story(uri: &str, headline: &str, body_html: &str, at: Timestamp) -> Story {
        let mut s = wiredesk_model::testing::story(uri, headline, "", at);
        s.body_html = body_html.to_string();
        s.published = Some(at);
        s
    }

    fn with(mut s: Story, agency: &str, topics: &[&str]) -> Story {
        s.agency = Agency::named(agency);
        s.topics = topics
            .iter()
            .map(|t| Topic {
                slug: t.to_string(),
                name: t.to_string(),
                origin: wiredesk_model::TopicOrigin::Wire,
            })
            .collect();
        s
    }

    /// Two stories two days old with nothing in common: a flood and a Test match.
    fn flood_and_cricket() -> SearchIndex {
        index_of(&[
            story(
                "flood",
                "Monsoon floods displace thousands",
                "<p>Heavy monsoon rain flooded villages in Assam.</p>",
                days_ago(2),
            ),
            story(
                "cricket",
                "India win the second Test",
                "<p>The spinners took eight wickets.</p>",
                days_ago(2),
            ),
        ])
    }

    fn index_of(stories: &[Story]) -> SearchIndex {
        let index = SearchIndex::in_memory().unwrap();
        for s in stories {
            index.upsert(s).unwrap();
        }
        index.commit().unwrap();
        index
    }

    fn request(q: &str) -> SearchRequest {
        SearchRequest {
            now: Some(now()),
            ..SearchRequest::new(q, 10)
        }
    }

    fn ids(results: &SearchResults) -> Vec<StoryId> {
        results.hits.iter().map(|h| h.id.clone()).collect()
    }

    fn id(uri: &str) -> StoryId {
        StoryId::for_uri(uri)
    }

    #[test]
    fn recency_breaks_ties_between_equally_relevant_stories() {
        let body = "<p>The monsoon flooded villages in Assam.</p>";
        let index = index_of(&[
            story("old", "Monsoon floods Assam", body, days_ago(30)),
            story("new", "Monsoon floods Assam", body, days_ago(1)),
            story("mid", "Monsoon floods Assam", body, days_ago(10)),
        ]);
        let results = index.search_with(&request("monsoon")).unwrap();
        assert_eq!(ids(&results), [id("new"), id("mid"), id("old")]);
        assert!(results.hits[0].score > results.hits[1].score);
        // Even when the clock would make the decay vanish, equal scores go newest first.
        let far_future = SearchRequest {
            now: Some(now() + SignedDuration::from_hours(24 * 365 * 200)),
            ..request("monsoon")
        };
        assert_eq!(
            ids(&index.search_with(&far_future).unwrap()),
            [id("new"), id("mid"), id("old")]
        );
    }

    #[test]
    fn a_much_better_match_beats_a_fresher_weak_one() {
        let index = index_of(&[
            story(
                "archive",
                "Repo rate held",
                "<p>The repo rate was held as the repo rate review ended.</p>",
                days_ago(20),
            ),
            story(
                "fresh",
                "Markets close higher",
                "<p>Shares rose; traders mentioned the repo rate once in a long session of buying, selling, waiting and more buying.</p>",
                days_ago(0),
            ),
        ]);
        let results = index.search_with(&request("repo rate")).unwrap();
        assert_eq!(ids(&results), [id("archive"), id("fresh")]);
    }

    /// Every page of `q`, `per_page` at a time, in the mode of the first.
    fn walk(index: &SearchIndex, q: &str, per_page: usize) -> (Vec<SearchResults>, Vec<StoryId>) {
        let mut pages: Vec<SearchResults> = Vec::new();
        let mut seen = Vec::new();
        loop {
            let page = index
                .search_with(&SearchRequest {
                    offset: pages.len() * per_page,
                    mode: pages.first().map(|p| p.mode),
                    ..SearchRequest {
                        limit: per_page,
                        ..request(q)
                    }
                })
                .unwrap();
            seen.extend(ids(&page));
            let done = page.hits.len() < per_page;
            pages.push(page);
            if done {
                break;
            }
        }
        (pages, seen)
    }

    #[test]
    fn pages_walk_the_ranking_once_with_ties_broken_by_id_across_segments() {
        let index = SearchIndex::in_memory().unwrap();
        // 45 stories that score alike (same words, same moment), committed in three batches
        // so they sit in several segments.
        let stories: Vec<Story> = (0..45)
            .map(|i| {
                story(
                    &format!("tie-{i}"),
                    "Monsoon floods Assam",
                    "<p>The monsoon flooded villages.</p>",
                    days_ago(1),
                )
            })
            .collect();
        for batch in stories.chunks(15) {
            for s in batch {
                index.upsert(s).unwrap();
            }
            index.commit().unwrap();
        }
        let (pages, seen) = walk(&index, "monsoon", 20);
        assert_eq!(pages.len(), 3);
        assert!(
            pages
                .iter()
                .all(|p| p.total == 45 && p.mode == MatchMode::Exact)
        );
        assert_eq!(pages[2].hits.len(), 5);
        let mut want: Vec<StoryId> = stories.iter().map(|s| s.id.clone()).collect();
        want.sort();
        want.reverse();
        assert_eq!(seen, want, "equal scores go by story id, highest first");
        // One request for everything agrees with the pages.
        let all = index
            .search_with(&SearchRequest {
                limit: 100,
                ..request("monsoon")
            })
            .unwrap();
        assert_eq!(ids(&all), want);
        // Past the last hit: nothing, and the total still said.
        let past = index
            .search_with(&SearchRequest {
                offset: 60,
                ..request("monsoon")
            })
            .unwrap();
        assert!(past.hits.is_empty());
        assert_eq!(past.total, 45);
    }

    #[test]
    fn nothing_is_answered_past_the_depth_bound() {
        let index = SearchIndex::in_memory().unwrap();
        for i in 0..MAX_DEPTH + 10 {
            index
                .upsert(&story(
                    &format!("s{i}"),
                    "Budget",
                    "<p>The budget.</p>",
                    days_ago((i % 30) as i64),
                ))
                .unwrap();
        }
        index.commit().unwrap();
        let at = |offset: usize| {
            index
                .search_with(&SearchRequest {
                    offset,
                    limit: 20,
                    ..request("budget")
                })
                .unwrap()
        };
        let last = at(MAX_DEPTH - 20);
        assert_eq!(last.hits.len(), 20);
        let straddling = at(MAX_DEPTH - 5);
        assert_eq!(straddling.hits.len(), 5, "cut at the bound");
        assert_eq!(straddling.total, MAX_DEPTH + 10);
        for offset in [MAX_DEPTH, MAX_DEPTH + 5, usize::MAX / 2] {
            let beyond = at(offset);
            assert!(beyond.hits.is_empty(), "{offset}");
            assert_eq!(beyond.total, MAX_DEPTH + 10);
        }
    }

    #[test]
    fn later_pages_keep_the_first_pages_stage() {
        // One story has the word as typed, 24 a more common one-edit variant.
        let mut stories = vec![story(
            "exact",
            "Wickets tumble",
            "<p>Eight wickets fell.</p>",
            days_ago(9),
        )];
        stories.extend((0..24).map(|i| {
            story(
                &format!("variant-{i}"),
                "Wicket keeper",
                "<p>A wicket fell.</p>",
                days_ago(i % 5),
            )
        }));
        let index = index_of(&stories);
        let (pages, seen) = walk(&index, "wickets", 10);
        assert_eq!(pages[0].mode, MatchMode::Typos);
        assert!(
            pages
                .iter()
                .all(|p| p.total == 25 && p.mode == MatchMode::Typos)
        );
        assert_eq!(seen[0], id("exact"), "the exact hit leads the first page");
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (25, 25));
        // Two more stories with the word as typed: a new search would answer exactly, but a
        // later page of the first search stays in its stage, and so in its order.
        for s in [
            story("exact2", "Wickets", "<p>Wickets.</p>", days_ago(2)),
            story("exact3", "Wickets", "<p>Wickets.</p>", days_ago(3)),
        ] {
            index.upsert(&s).unwrap();
        }
        index.commit().unwrap();
        assert_eq!(
            index.search_with(&request("wickets")).unwrap().mode,
            MatchMode::Exact
        );
        let second = index
            .search_with(&SearchRequest {
                offset: 10,
                mode: Some(MatchMode::Typos),
                ..request("wickets")
            })
            .unwrap();
        assert_eq!(second.mode, MatchMode::Typos);
        assert_eq!(second.total, 27);
        assert!(
            second
                .hits
                .iter()
                .all(|h| h.id.as_str() != id("exact").as_str())
        );
    }

    #[test]
    fn the_recency_factor_halves_towards_one_half() {
        assert_eq!(recency_factor(0), 1.0);
        assert_eq!(recency_factor(-100), 1.0);
        assert!((recency_factor(7 * 86_400) - 0.75).abs() < 1e-6);
        assert!((recency_factor(i64::MAX / 2) - 0.5).abs() < 1e-6);
    }

    /// A story with the phrase "central bank" ("phrase").
    fn central_bank() -> Story {
        story(
            "phrase",
            "Rates",
            "<p>The central bank raised rates.</p>",
            days_ago(3),
        )
    }

    /// A story with both words of "central bank", apart ("apart").
    fn bank_apart() -> Story {
        story(
            "apart",
            "Branch closes",
            "<p>The bank branch in the central district closed.</p>",
            days_ago(1),
        )
    }

    #[test]
    fn excluding_a_phrase_keeps_the_stories_without_it() {
        // The story without the phrase comes first in the index, so the exclusion is asked
        // about a document before the phrase's first match.
        let index = index_of(&[
            bank_apart(),
            central_bank(),
            story(
                "river",
                "Floods",
                "<p>The river burst its bank after the rain.</p>",
                days_ago(2),
            ),
        ]);
        let found = |q: &str| {
            let mut found = ids(&index.search_with(&request(q)).unwrap());
            found.sort();
            found
        };
        let mut both = vec![id("apart"), id("river")];
        both.sort();
        assert_eq!(found("bank -\"central bank\""), both);
        assert_eq!(found("rates -\"bank branch\""), [id("phrase")]);
        assert_eq!(found("raised -\"central bank\""), Vec::<StoryId>::new());
    }

    #[test]
    fn a_phrase_matches_only_the_phrase() {
        let index = index_of(&[central_bank(), bank_apart()]);
        assert_eq!(
            ids(&index.search_with(&request("\"central bank\"")).unwrap()),
            [id("phrase")]
        );
        let loose = index.search_with(&request("central bank")).unwrap();
        assert_eq!(loose.hits.len(), 2);
        // Longer phrases, in the body and the headline; the words' order matters.
        assert_eq!(
            ids(&index
                .search_with(&request("\"the central bank raised\""))
                .unwrap()),
            [id("phrase")]
        );
        assert!(
            index
                .search_with(&request("\"bank central\""))
                .unwrap()
                .hits
                .is_empty()
        );
        assert_eq!(
            ids(&index.search_with(&request("\"branch closes\"")).unwrap()),
            [id("apart")]
        );
        // The phrase's words are marked in the snippet.
        let marked = index
            .search_with(&SearchRequest {
                snippets: true,
                ..request("\"central bank\"")
            })
            .unwrap();
        let html = marked.hits[0].snippet_html.as_deref().unwrap_or_default();
        assert!(
            html.contains("<mark>central</mark> <mark>bank</mark>"),
            "{html}"
        );
        // A phrase is never widened to typo variants.
        assert!(
            index
                .search_with(&request("\"centrak bank\""))
                .unwrap()
                .hits
                .is_empty()
        );
    }

    #[test]
    fn every_word_must_match_unless_joined_by_or_and_excluded_words_exclude() {
        let index = index_of(&[
            story("a", "Floods in Assam", "<p>Monsoon rain.</p>", days_ago(1)),
            story("b", "Cricket in Assam", "<p>Sunny day.</p>", days_ago(1)),
            story("c", "Floods in Kerala", "<p>Monsoon rain.</p>", days_ago(1)),
        ]);
        assert_eq!(
            ids(&index.search_with(&request("assam floods")).unwrap()),
            [id("a")]
        );
        let either = index.search_with(&request("kerala OR cricket")).unwrap();
        assert_eq!(either.hits.len(), 2);
        assert_eq!(
            ids(&index.search_with(&request("floods -kerala")).unwrap()),
            [id("a")]
        );
        // No story has every word: any of them will do.
        let any = index.search_with(&request("kerala cricket")).unwrap();
        assert_eq!(any.mode, MatchMode::AnyWord);
        assert_eq!(any.hits.len(), 2);
    }

    #[test]
    fn a_one_letter_typo_still_finds_the_story() {
        let index = flood_and_cricket();
        for typo in ["monsoom", "mosnoon", "monsooon", "wickest", "Wikcets"] {
            let results = index.search_with(&request(typo)).unwrap();
            assert_eq!(results.hits.len(), 1, "{typo}");
            assert_eq!(results.mode, MatchMode::Typos, "{typo}");
        }
        assert_eq!(
            ids(&index.search_with(&request("monsoom floods")).unwrap()),
            [id("flood")]
        );
        // Short words are not widened: "test" does not find "tests" or "text".
        assert!(index.search_with(&request("tezt")).unwrap().hits.is_empty());
        // The old entry point tolerates typos too.
        assert_eq!(index.search("monsoom", 5).unwrap()[0].id, id("flood"));
    }

    #[test]
    fn exact_matches_come_before_typo_matches() {
        let index = index_of(&[
            story(
                "exact",
                "Wickets tumble",
                "<p>Eight wickets fell.</p>",
                days_ago(9),
            ),
            story(
                "variant",
                "Wicket keeper",
                "<p>A wicket fell.</p>",
                days_ago(0),
            ),
            story(
                "variant2",
                "Wicket keeper",
                "<p>A wicket fell.</p>",
                days_ago(1),
            ),
            story("rarer", "Tickets", "<p>Tickets sold out.</p>", days_ago(0)),
        ]);
        let results = index.search_with(&request("wickets")).unwrap();
        // The typed word's stories first; then the more common "wicket", never the rarer
        // "tickets".
        assert_eq!(ids(&results), [id("exact"), id("variant"), id("variant2")]);
        assert_eq!(results.mode, MatchMode::Typos);
    }

    fn filter_corpus() -> SearchIndex {
        index_of(&[
            with(
                story(
                    "biz-pti",
                    "Rupee falls",
                    "<p>The rupee fell against the dollar.</p>",
                    days_ago(1),
                ),
                "PTI",
                &["business", "india"],
            ),
            with(
                story(
                    "biz-ians",
                    "Rupee recovers",
                    "<p>The rupee rose on exports.</p>",
                    days_ago(5),
                ),
                "IANS",
                &["business"],
            ),
            with(
                story(
                    "sport-pti",
                    "Rupee prize for winners",
                    "<p>A rupee prize for the cricket winners.</p>",
                    days_ago(20),
                ),
                "PTI",
                &["sports"],
            ),
        ])
    }

    fn filtered(index: &SearchIndex, q: &str, filters: SearchFilters) -> Vec<StoryId> {
        let mut ids: Vec<StoryId> = index
            .search_with(&SearchRequest {
                filters,
                ..request(q)
            })
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect();
        ids.sort();
        ids
    }

    fn sorted(mut ids: Vec<StoryId>) -> Vec<StoryId> {
        ids.sort();
        ids
    }

    #[test]
    fn filters_restrict_by_topic_agency_and_date() {
        let index = filter_corpus();
        let topic = |t: &str| SearchFilters {
            topic: Some(t.into()),
            ..SearchFilters::default()
        };
        assert_eq!(
            filtered(&index, "rupee", topic("business")),
            sorted(vec![id("biz-pti"), id("biz-ians")])
        );
        assert_eq!(filtered(&index, "rupee", topic("india")), [id("biz-pti")]);
        assert!(filtered(&index, "rupee", topic("world")).is_empty());
        let agency = SearchFilters {
            agency: Some("pti".into()),
            ..SearchFilters::default()
        };
        assert_eq!(
            filtered(&index, "rupee", agency.clone()),
            sorted(vec![id("biz-pti"), id("sport-pti")])
        );
        let both = SearchFilters {
            topic: Some("business".into()),
            ..agency
        };
        assert_eq!(filtered(&index, "rupee", both), [id("biz-pti")]);
        let last_week = SearchFilters {
            from: Some(days_ago(7)),
            ..SearchFilters::default()
        };
        assert_eq!(
            filtered(&index, "rupee", last_week),
            sorted(vec![id("biz-pti"), id("biz-ians")])
        );
        let before = SearchFilters {
            to: Some(days_ago(2)),
            ..SearchFilters::default()
        };
        assert_eq!(
            filtered(&index, "rupee", before),
            sorted(vec![id("biz-ians"), id("sport-pti")])
        );
        let window = SearchFilters {
            from: Some(days_ago(6)),
            to: Some(days_ago(4)),
            ..SearchFilters::default()
        };
        assert_eq!(filtered(&index, "rupee", window), [id("biz-ians")]);
        // Typo tolerance stays inside the filters.
        assert_eq!(
            filtered(&index, "rupeee", topic("sports")),
            [id("sport-pti")]
        );
    }

    #[test]
    fn filters_alone_browse_newest_first() {
        let index = filter_corpus();
        let results = index
            .search_with(&SearchRequest {
                filters: SearchFilters {
                    agency: Some("pti".into()),
                    ..SearchFilters::default()
                },
                ..request("")
            })
            .unwrap();
        assert_eq!(results.mode, MatchMode::Browse);
        assert_eq!(ids(&results), [id("biz-pti"), id("sport-pti")]);
        // Without words or filters there is nothing to search for.
        assert!(index.search_with(&request("  ")).unwrap().hits.is_empty());
    }

    #[test]
    fn snippets_mark_the_words_and_escape_everything_else() {
        let index = index_of(&[story(
            "x",
            "Floods",
            "<p>Officials said &lt;script&gt;alert(1)&lt;/script&gt; was found as the monsoon hit A&amp;B Ltd, &quot;quoted&quot; and it&#39;s late.</p><p>Second paragraph about relief.</p>",
            days_ago(1),
        )]);
        let results = index
            .search_with(&SearchRequest {
                snippets: true,
                ..request("monsoon relief")
            })
            .unwrap();
        let html = results.hits[0].snippet_html.clone().expect("a snippet");
        assert!(html.contains("<mark>monsoon</mark>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("A&amp;B"), "{html}");
        assert!(
            html.contains("&quot;quoted&quot;") && html.contains("it&#39;s"),
            "{html}"
        );
        let without_marks = html.replace("<mark>", "").replace("</mark>", "");
        assert!(
            !without_marks.contains('<') && !without_marks.contains('>'),
            "{html}"
        );
        // A typo'd word is highlighted as the word the index has.
        let typo = index
            .search_with(&SearchRequest {
                snippets: true,
                ..request("monsoom")
            })
            .unwrap();
        assert!(
            typo.hits[0]
                .snippet_html
                .as_deref()
                .is_some_and(|h| h.contains("<mark>monsoon</mark>"))
        );
        // Without asking, no snippets are built.
        assert!(
            index.search_with(&request("monsoon")).unwrap().hits[0]
                .snippet_html
                .is_none()
        );
    }

    #[test]
    fn a_long_body_is_cut_with_an_ellipsis() {
        let long = format!(
            "<p>{} The monsoon arrived. {}</p>",
            "Words before the match. ".repeat(30),
            "Words after the match. ".repeat(30)
        );
        let index = index_of(&[story("long", "Weather", &long, days_ago(1))]);
        let html = index
            .search_with(&SearchRequest {
                snippets: true,
                ..request("monsoon")
            })
            .unwrap()
            .hits[0]
            .snippet_html
            .clone()
            .unwrap();
        assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
        assert!(html.chars().count() < SNIPPET_CHARS + 40, "{html}");
    }

    #[test]
    fn did_you_mean_suggests_the_closest_word_when_nothing_matches() {
        let index = flood_and_cricket();
        let results = index.search_with(&request("mansoan")).unwrap();
        assert!(results.hits.is_empty());
        assert_eq!(results.did_you_mean.as_deref(), Some("monsoon"));
        // When only some of the words matched (any-word results), the suggestion is offered
        // beside them; known words stay as typed.
        let results = index
            .search_with(&request("mansoan \"Assam\" -cricket"))
            .unwrap();
        assert_eq!(results.mode, MatchMode::AnyWord);
        assert_eq!(ids(&results), [id("flood")]);
        assert_eq!(
            results.did_you_mean.as_deref(),
            Some("monsoon \"Assam\" -cricket")
        );
        let results = index.search_with(&request("Spinners wikkkets")).unwrap();
        assert_eq!(results.did_you_mean.as_deref(), Some("Spinners wickets"));
        // Nothing close: no suggestion.
        let results = index.search_with(&request("zzxqjvbw")).unwrap();
        assert!(results.hits.is_empty());
        assert_eq!(results.did_you_mean, None);
        // A suggestion that would find nothing within the filters is not offered.
        let results = index
            .search_with(&SearchRequest {
                filters: SearchFilters {
                    topic: Some("sports".into()),
                    ..SearchFilters::default()
                },
                ..request("mansoan")
            })
            .unwrap();
        assert_eq!(results.did_you_mean, None);
        // Results, when there are any, come without a suggestion.
        assert_eq!(
            index.search_with(&request("monsoon")).unwrap().did_you_mean,
            None
        );
    }
}
