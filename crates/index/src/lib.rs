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
//! Equal scores are ordered newest first.
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

use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;

use jiff::Timestamp;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, MoreLikeThisQuery, Occur, PhraseQuery,
    Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, OwnedValue, STORED, STRING, Schema, TEXT, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, Searcher,
    SegmentReader, TantivyDocument, Term, doc,
};
use wiredesk_model::{Story, StoryId};

mod query;
mod snippet;
mod spelling;

pub use snippet::escape_html;

use query::{Clause, ParsedQuery};

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

pub type Result<T> = std::result::Result<T, IndexError>;

/// A story matched by a query, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub id: StoryId,
    pub score: f32,
}

/// What a reader asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchRequest {
    /// As typed: words, "phrases", `-excluded`, `OR`. May be empty when a filter is given:
    /// then every story passing the filters matches, newest first.
    pub query: String,
    pub limit: usize,
    pub filters: SearchFilters,
    /// The moment recency is measured from (default: now).
    pub now: Option<Timestamp>,
    /// Build a highlighted snippet of the body for each hit.
    pub snippets: bool,
}

impl SearchRequest {
    pub fn new(query: &str, limit: usize) -> SearchRequest {
        SearchRequest {
            query: query.to_string(),
            limit,
            filters: SearchFilters::default(),
            now: None,
            snippets: false,
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
    pub hits: Vec<SearchHit>,
    /// Stories matching (before the limit) in the mode used.
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

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    headline: Field,
    body: Field,
    agency: Field,
    topic: Field,
    live: Field,
}

/// Bump when the schema or what goes into a field changes: an index folder written with
/// another version is recreated empty and must be rebuilt (`wiredesk reindex`).
pub const SCHEMA_VERSION: u32 = 2;
const VERSION_FILE: &str = "wiredesk-schema-version";

const LIVE_FIELD: &str = "live";

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        headline: b.add_text_field("headline", TEXT),
        // Stored for snippets.
        body: b.add_text_field("body", TEXT | STORED),
        agency: b.add_text_field("agency", STRING),
        // One value per topic slug.
        topic: b.add_text_field("topic", STRING),
        // Seconds since the epoch; ranking (recency) and the date filters read it.
        live: b.add_i64_field(LIVE_FIELD, FAST),
    };
    (b.build(), fields)
}

/// 50 MB of indexing buffer: enough for a bulk archive without holding it all in memory.
const WRITER_HEAP: usize = 50_000_000;

/// Headline words count this much more than body words.
const HEADLINE_BOOST: Score = 2.0;
/// A word matched only through a typo variant counts this much of an exact match.
const TYPO_BOOST: Score = 0.5;
/// Words this long or longer may match one-edit variants.
const TYPO_MIN_CHARS: usize = 5;
/// At most this many variants per word (the most frequent ones).
const TYPO_MAX_VARIANTS: usize = 8;
/// Exact matching "finds little" below this many stories (or the limit, if smaller).
const FEW_HITS: usize = 3;
/// Recency share R and half-life H of the ranking formula (crate docs).
const RECENCY_SHARE: f64 = 0.5;
const RECENCY_HALF_LIFE_SECS: f64 = 7.0 * 86_400.0;
/// Snippet length, in characters.
const SNIPPET_CHARS: usize = 200;

/// The multiplier of the ranking formula for a story live `age_secs` ago.
pub fn recency_factor(age_secs: i64) -> f32 {
    let age = age_secs.max(0) as f64;
    ((1.0 - RECENCY_SHARE) + RECENCY_SHARE * (-age / RECENCY_HALF_LIFE_SECS).exp2()) as f32
}

/// When a story went live: its publication (or, unpublished, its version time), or the end
/// of its embargo when that is later.
fn live_time(story: &Story) -> Timestamp {
    let published = story.published.unwrap_or(story.version_created);
    story.embargoed.map_or(published, |e| e.max(published))
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    needs_reindex: bool,
}

/// One collected document: blended score, live seconds, address.
type Scored = ((Score, i64), DocAddress);

impl SearchIndex {
    /// Open the index in `dir`, creating it when absent. A folder written with another schema
    /// version (or none) is emptied and recreated: then `needs_reindex()` is true and the
    /// caller should rebuild it from the store (`Pipeline::reindex`, `wiredesk reindex`).
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
                 must be rebuilt from the store (`wiredesk reindex`)"
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
            needs_reindex: false,
        })
    }

    /// True when `open` found an index of an older schema and recreated it empty: the caller
    /// should rebuild it from the store.
    pub fn needs_reindex(&self) -> bool {
        self.needs_reindex
    }

    /// The body as plain text: tags dropped (block ends become spaces), the few entities
    /// the sanitizer emits decoded, whitespace collapsed.
    fn text_of(story: &Story) -> String {
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

    /// Add or replace the story's document (not visible to searches until `commit`).
    pub fn upsert(&self, story: &Story) -> Result<()> {
        let mut document = doc!(
            self.fields.id => story.id.as_str(),
            self.fields.headline => story.headline.as_str(),
            self.fields.body => Self::text_of(story),
            self.fields.agency => story.agency.slug.as_str(),
            self.fields.live => live_time(story).as_second(),
        );
        for topic in &story.topics {
            document.add_text(self.fields.topic, &topic.slug);
        }
        let writer = self.writer.lock().expect("index writer poisoned");
        writer.delete_term(Term::from_field_text(self.fields.id, story.id.as_str()));
        writer.add_document(document)?;
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

    /// Search with filters, snippets and "did you mean".
    pub fn search_with(&self, request: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let mut analyzer = self.index.tokenizer_for_field(self.fields.body)?;
        let parsed = query::parse(&request.query, &mut analyzer);
        let limit = request.limit.max(1);
        let now = request.now.unwrap_or_else(Timestamp::now).as_second();
        let filters = self.filter_queries(&request.filters);

        if parsed.groups.is_empty() {
            if filters.is_empty() {
                return Ok(SearchResults::empty());
            }
            let browse = self.assemble(
                Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0)),
                &filters,
                &parsed.excluded,
            );
            let (top, total) = self.run(&searcher, &browse, limit, now)?;
            let hits = self.materialize(&searcher, top, None)?;
            return Ok(SearchResults {
                hits,
                total,
                mode: MatchMode::Browse,
                did_you_mean: None,
            });
        }

        let (found, total, final_query, mode) =
            self.staged(&searcher, &parsed, &filters, limit, now)?;
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

    /// Exact, then typo-tolerant, then any-word matching, as far as each finds too little.
    #[allow(clippy::type_complexity)]
    fn staged(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        limit: usize,
        now: i64,
    ) -> Result<(Vec<Scored>, usize, Box<dyn Query>, MatchMode)> {
        let no_variants = HashMap::new();
        let exact = self.assemble(
            self.positive(parsed, &no_variants, true),
            filters,
            &parsed.excluded,
        );
        let (mut found, mut total) = self.run(searcher, &exact, limit, now)?;
        let mut final_query = exact;
        let mut mode = MatchMode::Exact;

        let variants = if total < FEW_HITS.min(limit) {
            self.typo_variants(searcher, parsed)
        } else {
            HashMap::new()
        };
        if !variants.is_empty() {
            let widened = self.assemble(
                self.positive(parsed, &variants, true),
                filters,
                &parsed.excluded,
            );
            let (more, widened_total) = self.run(searcher, &widened, limit + found.len(), now)?;
            let seen: HashSet<DocAddress> = found.iter().map(|(_, a)| *a).collect();
            let before = found.len();
            found.extend(
                more.into_iter()
                    .filter(|(_, a)| !seen.contains(a))
                    .take(limit - before),
            );
            if found.len() > before {
                mode = MatchMode::Typos;
            }
            total = widened_total.max(total);
            final_query = widened;
        }

        if total == 0 && parsed.groups.len() > 1 {
            let any = self.assemble(
                self.positive(parsed, &variants, false),
                filters,
                &parsed.excluded,
            );
            (found, total) = self.run(searcher, &any, limit, now)?;
            final_query = any;
            if total > 0 {
                mode = MatchMode::AnyWord;
            }
        }
        Ok((found, total, final_query, mode))
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
        let (_, total, _, mode) = self.staged(searcher, &reparsed, filters, 1, now)?;
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
    ) -> Box<dyn Query> {
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
        if all {
            Box::new(BooleanQuery::intersection(groups))
        } else {
            Box::new(BooleanQuery::union(groups))
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

    fn assemble(
        &self,
        positive: Box<dyn Query>,
        filters: &[Box<dyn Query>],
        excluded: &[Clause],
    ) -> Box<dyn Query> {
        let mut clauses = vec![(Occur::Must, positive)];
        clauses.extend(filters.iter().map(|f| (Occur::Must, f.box_clone())));
        let none = HashMap::new();
        clauses.extend(
            excluded
                .iter()
                .map(|c| (Occur::MustNot, self.clause_query(c, &none))),
        );
        Box::new(BooleanQuery::new(clauses))
    }

    /// The best `limit` documents by blended score (newest first among equals), and how many
    /// matched in all.
    fn run(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        limit: usize,
        now: i64,
    ) -> Result<(Vec<Scored>, usize)> {
        let top = TopDocs::with_limit(limit.max(1)).tweak_score(move |segment: &SegmentReader| {
            let live = segment.fast_fields().i64(LIVE_FIELD).ok();
            move |doc: DocId, score: Score| {
                let at = live.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                (score * recency_factor(now - at), at)
            }
        });
        Ok(searcher.search(query, &(top, Count))?)
    }

    fn materialize(
        &self,
        searcher: &Searcher,
        found: Vec<Scored>,
        snippets: Option<&SnippetGenerator>,
    ) -> Result<Vec<SearchHit>> {
        let mut hits = Vec::with_capacity(found.len());
        for ((score, live), addr) in found {
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

#[cfg(test)]
mod search_tests {
    use super::*;
    use jiff::{SignedDuration, Timestamp};
    use wiredesk_model::{Agency, Topic};

    const NOW: i64 = 1_780_000_000;

    fn now() -> Timestamp {
        Timestamp::from_second(NOW).unwrap()
    }

    fn days_ago(days: i64) -> Timestamp {
        now() - SignedDuration::from_hours(24 * days)
    }

    fn story(uri: &str, headline: &str, body_html: &str, at: Timestamp) -> Story {
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

    #[test]
    fn the_recency_factor_halves_towards_one_half() {
        assert_eq!(recency_factor(0), 1.0);
        assert_eq!(recency_factor(-100), 1.0);
        assert!((recency_factor(7 * 86_400) - 0.75).abs() < 1e-6);
        assert!((recency_factor(i64::MAX / 2) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn a_phrase_matches_only_the_phrase() {
        let index = index_of(&[
            story(
                "phrase",
                "Rates",
                "<p>The central bank raised rates.</p>",
                days_ago(3),
            ),
            story(
                "apart",
                "Branch closes",
                "<p>The bank branch in the central district closed.</p>",
                days_ago(1),
            ),
        ]);
        assert_eq!(
            ids(&index.search_with(&request("\"central bank\"")).unwrap()),
            [id("phrase")]
        );
        let loose = index.search_with(&request("central bank")).unwrap();
        assert_eq!(loose.hits.len(), 2);
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
