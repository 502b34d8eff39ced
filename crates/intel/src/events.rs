//! Events: which stories report the same news event — from any agency, in any wording — so the
//! site shows an event once, headed by its best report, with its full coverage.
//!
//! Single-pass clustering as in Topic Detection and Tracking: a story is a tf-idf vector of its
//! headline and lead, with named entities and the dateline's place weighted up; it joins the
//! most similar event still running (a report within `window_s` of its own filing time) when
//! the cosine clears `threshold` and the two share a named entity, and starts an event of its
//! own otherwise. Copies (`clusters`, near-identical text) are the finer grouping inside: a
//! copy always joins its original's event. Why this method: ARCHITECTURE.md, "Events".
//!
//! A projection like `clusters`: whoever owns it feeds stories in log order and can build it
//! again from the log. Knows nothing of liveness; callers filter members through the store.

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};
use wiredesk_model::stop_words::{MORE_LIKE_THIS_STOP_WORDS, is_stop_word};
use wiredesk_model::text::{html_to_text, is_word_char};
use wiredesk_model::{CAPTION_IN_COPY, Story, StoryId};

use crate::clusters::{self, Clusters, cluster_text};
use crate::text::word_hash;

/// Tuning of the event clustering. `wiredesk eval events` measures it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventConfig {
    /// Cosine similarity a story needs with an event's reports to join it.
    pub threshold: f32,
    /// The same, over the words that are not distinctive names.
    pub words_threshold: f32,
    /// The same, over the distinctive names.
    pub names_threshold: f32,
    /// A story joins only an event with a report filed within this many seconds of its own.
    pub window_s: i64,
    /// An event takes no report filed this many seconds after its first: a daily routine
    /// item ("Fed adds reserves") is a new event each day, not one that runs for weeks.
    pub span_s: i64,
    /// Words of copy read after the dateline: the lead says who, what, where and when; the
    /// rest is background that unrelated stories share.
    pub lead_words: usize,
    /// Weight of a headline word against a word of the lead.
    pub headline_weight: f32,
    /// Weight of a named entity (a capitalised name, an acronym, the dateline's place).
    pub entity_weight: f32,
}

impl Default for EventConfig {
    fn default() -> Self {
        EventConfig {
            threshold: 0.3,
            words_threshold: 0.1,
            names_threshold: 0.2,
            window_s: 48 * 3600,
            span_s: 72 * 3600,
            lead_words: 120,
            headline_weight: 2.0,
            entity_weight: 2.0,
        }
    }
}

/// The site's settings: the ones `wiredesk eval events` measures.
pub fn site_config() -> EventConfig {
    EventConfig::default()
}

/// Words that never tell one event from another: calendar words every dated report carries.
const CALENDAR: &[&str] = &[
    "apr",
    "april",
    "aug",
    "august",
    "dec",
    "december",
    "feb",
    "february",
    "jan",
    "january",
    "jul",
    "july",
    "jun",
    "june",
    "mar",
    "march",
    "may",
    "nov",
    "november",
    "oct",
    "october",
    "sep",
    "sept",
    "september",
    "today",
    "tomorrow",
    "yesterday",
];

/// What a story is compared on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Features {
    /// Term (hash of a stem) and its weight, each term once.
    pub terms: Vec<(u64, f32)>,
    /// The terms that are named entities, sorted.
    pub entities: Vec<u64>,
    /// Words in the whole copy: how complete the report is.
    pub words: u32,
    /// Written in a script without capitals: its rare words stand for names.
    pub caseless: bool,
    /// The terms the lead writes in lower case, sorted.
    pub lowered: Vec<u64>,
}

/// The features of a story: its headline (as the agency sent it) and the lead of its copy,
/// without the dateline, anything in parentheses (agency credits, "(END)", picture notes) or
/// the agency's own name.
pub fn features(story: &Story, config: &EventConfig) -> Features {
    let copy = copy_text(story);
    let words = copy.split_whitespace().count() as u32;
    let own: FxHashSet<String> = [story.agency.name.as_str(), story.agency.slug.as_str()]
        .iter()
        .flat_map(|n| n.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let stemmer = Stemmer::create(Algorithm::English);
    let mut weights: FxHashMap<u64, f32> = FxHashMap::default();
    let mut entities: FxHashSet<u64> = FxHashSet::default();
    let lead: Vec<Token> = tokens(&copy)
        .take(config.lead_words)
        .filter_map(|t| keep(t, &own, &stemmer))
        .collect();
    // In copy written in capitals (market tables, "LONDON METAL INDICATIONS") every word
    // looks like an acronym: capitals tell no name there. In a script without capitals
    // (Devanagari, Bengali, Tamil, Urdu…) any word may be one: the rare ones, as the
    // comparison judges (`Events::is_distinctive`), are taken for names.
    let caseless = !has_case(&copy);
    if caseless {
        entities.extend(lead.iter().map(|t| t.key));
    } else if !shouted(&copy) {
        for t in &lead {
            if t.entity {
                entities.insert(t.key);
            }
        }
    }
    let place = story.dateline.as_ref().and_then(|d| d.place.as_deref());
    for t in tokens(place.unwrap_or_default()).filter_map(|t| keep(t, &own, &stemmer)) {
        entities.insert(t.key);
        *weights.entry(t.key).or_default() += 1.0;
    }
    let headline: Vec<Token> = tokens(&story.agency_headline)
        .filter_map(|t| keep(t, &own, &stemmer))
        .collect();
    if caseless {
        entities.extend(headline.iter().map(|t| t.key));
    }
    for (t, weight) in lead
        .iter()
        .map(|t| (t, 1.0))
        .chain(headline.iter().map(|t| (t, config.headline_weight)))
    {
        *weights.entry(t.key).or_default() += weight;
    }
    for (key, weight) in weights.iter_mut() {
        if entities.contains(key) {
            *weight *= config.entity_weight;
        }
    }
    let mut terms: Vec<(u64, f32)> = weights.into_iter().collect();
    terms.sort_unstable_by_key(|t| t.0);
    let mut entities: Vec<u64> = entities.into_iter().collect();
    entities.sort_unstable();
    let mut lowered: Vec<u64> = lead.iter().filter(|t| t.lower).map(|t| t.key).collect();
    lowered.sort_unstable();
    lowered.dedup();
    Features {
        terms,
        entities,
        words,
        caseless,
        lowered,
    }
}

/// Whether the text's opening is written in a script with capitals (Latin, Greek,
/// Cyrillic…) at all.
fn has_case(text: &str) -> bool {
    text.chars()
        .filter(|c| c.is_alphabetic())
        .take(400)
        .any(|c| c.is_uppercase() || c.is_lowercase())
}

/// Whether most letters of the text's opening are capitals.
fn shouted(text: &str) -> bool {
    let (upper, letters) = text
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(400)
        .fold((0, 0), |(u, n), c| {
            (u + usize::from(c.is_uppercase()), n + 1)
        });
    letters > 0 && upper * 2 > letters
}

/// The copy as plain text, as events read it: after a picture's caption the wire put ahead of
/// it (`normalize`) and after its dateline, with nothing in parentheses.
fn copy_text(story: &Story) -> String {
    let text = html_to_text(&story.body_html);
    let caption = story
        .associations
        .iter()
        .find(|a| a.name == CAPTION_IN_COPY)
        .and_then(|a| a.caption.as_deref());
    let text = caption
        .and_then(|c| text.trim_start().strip_prefix(c.trim()))
        .unwrap_or(&text);
    without_parentheses(without_dateline(
        text,
        story.dateline.as_ref().map(|d| d.text.as_str()),
    ))
}

/// The copy after its dateline, when it opens with it.
fn without_dateline<'a>(text: &'a str, dateline: Option<&str>) -> &'a str {
    let text = text.trim_start();
    match dateline {
        Some(d) if !d.is_empty() => text.strip_prefix(d.trim()).unwrap_or(text),
        _ => text,
    }
}

/// The text with every parenthesised or bracketed run taken out.
fn without_parentheses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A word of the text and whether it opens a sentence or a quote.
struct RawToken<'a> {
    word: &'a str,
    opens: bool,
}

fn tokens(text: &str) -> impl Iterator<Item = RawToken<'_>> {
    let mut opens = true;
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(is_word_char)?;
        // What stands between the last word and this one decides whether this one opens a
        // sentence: a full stop, a colon, a quote mark or a dash (a hyphen inside a word is
        // not one).
        let between = &rest[..start];
        if between.chars().any(|c| ".!?:;\"“”‘—–".contains(c)) || between.contains(" -") {
            opens = true;
        }
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
        let token = RawToken {
            word: &rest[..end],
            opens,
        };
        rest = &rest[end..];
        opens = false;
        Some(token)
    })
}

struct Token {
    key: u64,
    entity: bool,
    /// Written in lower case: a common word, whatever it is elsewhere.
    lower: bool,
}

/// A content word's term, or `None` for a function word, a number, a calendar word or the
/// agency's own name. A capitalised word inside a sentence, or an acronym anywhere, is a name.
fn keep(t: RawToken<'_>, own: &FxHashSet<String>, stemmer: &Stemmer) -> Option<Token> {
    let lower = t.word.to_lowercase();
    if lower.chars().count() < 2
        || lower.chars().any(char::is_numeric)
        || is_stop_word(&lower)
        || MORE_LIKE_THIS_STOP_WORDS
            .binary_search(&lower.as_str())
            .is_ok()
        || CALENDAR.binary_search(&lower.as_str()).is_ok()
        || own.contains(&lower)
    {
        return None;
    }
    let mut chars = t.word.chars();
    let capital = chars.next().is_some_and(char::is_uppercase);
    let acronym = t.word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && t.word
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit());
    let lower_case = t.word.chars().next().is_some_and(char::is_lowercase);
    Some(Token {
        key: word_hash(&stemmer.stem(&lower)),
        entity: acronym || capital && !t.opens,
        lower: lower_case,
    })
}

/// One report as the events know it.
struct Doc {
    id: StoryId,
    event: u32,
    filed_s: i64,
    words: u32,
}

/// One event: its reports and what they say together.
struct Event {
    /// Documents in arrival order; the first names the event.
    docs: Vec<u32>,
    first_s: i64,
    latest_s: i64,
    /// Sum of the members' unit-length term vectors (before idf).
    centroid: FxHashMap<u64, f32>,
    entities: FxHashSet<u64>,
}

/// Stories grouped into events as they arrive.
pub struct Events {
    config: EventConfig,
    copies: Clusters,
    docs: Vec<Doc>,
    by_id: FxHashMap<StoryId, u32>,
    events: Vec<Event>,
    /// Entity → the events that mention it, oldest first: the candidates a story is scored
    /// against, since joining needs a shared entity.
    postings: FxHashMap<u64, Vec<u32>>,
    /// Term → how many stories carry it, for the idf.
    df: FxHashMap<u64, u32>,
    /// Term → how many stories write it in lower case.
    lower_df: FxHashMap<u64, u32>,
    /// The latest filing time seen: the clock that closes events.
    newest_s: i64,
    /// Events before this one (in creation order) are closed (`close_finished`).
    open_from: usize,
    /// Reports before this one (in arrival order) are no longer compared as copies.
    copies_from: usize,
}

/// How long a report's text is kept to find copies of it: a wire re-runs a story weeks
/// later, hardly after a quarter; past that, keeping every report's shingles would make
/// memory follow the archive.
const COPIES_KEPT_S: i64 = 90 * 86_400;

/// How long after an event stops taking reports (its window and span past the newest report
/// the site has seen) its terms and names are kept, for copy that arrives late. After that it
/// is closed: what it says is dropped, so memory follows the window, not the archive.
const CLOSE_AFTER_S: i64 = 7 * 86_400;

/// Candidates scored in full per story, the best by their shared entities.
const CANDIDATES: usize = 24;

/// How alike a story is to an event (`Events::similarity`).
struct Similarity {
    all: f32,
    /// `None` for a story in a script without capitals when one side has no words beyond
    /// its names (among a few stories every rare word counts as a name): nothing to judge by.
    words: Option<f32>,
    names: f32,
}

/// Events read per name when gathering candidates.
const POSTINGS_READ: usize = 1000;
/// A name in at most this many stories, or one in `RARE_SHARE`, is distinctive.
const RARE_DF: usize = 5;
const RARE_SHARE: usize = 100;

impl Events {
    pub fn new(config: EventConfig) -> Events {
        Events {
            config,
            copies: Clusters::new(clusters::site_config()),
            docs: Vec::new(),
            by_id: FxHashMap::default(),
            events: Vec::new(),
            postings: FxHashMap::default(),
            df: FxHashMap::default(),
            lower_df: FxHashMap::default(),
            newest_s: i64::MIN,
            open_from: 0,
            copies_from: 0,
        }
    }

    /// Events whose terms are still kept: the ones a new report may join, and a week more.
    pub fn open_events(&self) -> usize {
        self.events.len() - self.open_from
    }

    /// Close the events, oldest first, that no report filed in the last `CLOSE_AFTER_S` could
    /// join: drop their terms and take their names out of the postings. A closed event keeps
    /// its reports; a late copy of one of them still finds it (`original_event`) for
    /// `COPIES_KEPT_S`, after which the report's text is dropped too.
    fn close_finished(&mut self) {
        let horizon = self.newest_s.saturating_sub(CLOSE_AFTER_S);
        while let Some(e) = self.events.get_mut(self.open_from) {
            let takes_until =
                (e.latest_s + self.config.window_s).min(e.first_s + self.config.span_s);
            if takes_until >= horizon {
                break;
            }
            let event = self.open_from as u32;
            e.centroid = FxHashMap::default();
            for entity in std::mem::take(&mut e.entities) {
                if let Some(list) = self.postings.get_mut(&entity) {
                    list.retain(|&x| x != event);
                    if list.is_empty() {
                        self.postings.remove(&entity);
                    }
                }
            }
            self.open_from += 1;
        }
        let horizon = self.newest_s.saturating_sub(COPIES_KEPT_S);
        while let Some(doc) = self.docs.get(self.copies_from) {
            if doc.filed_s >= horizon {
                break;
            }
            self.copies.forget(&doc.id);
            self.copies_from += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// How many events the stories form.
    pub fn events(&self) -> usize {
        self.events.len()
    }

    /// Add a story. A story already added keeps its event (a newer version of a report is
    /// still the same report); its length follows the latest version.
    pub fn add(&mut self, story: &Story) {
        if let Some(&doc) = self.by_id.get(&story.id) {
            // Only its length can change what the events say of it.
            self.docs[doc as usize].words = copy_text(story).split_whitespace().count() as u32;
            return;
        }
        let found = features(story, &self.config);
        self.copies.add(&story.id, &cluster_text(story));
        let filed_s = story.first_created.as_second();
        if filed_s > self.newest_s {
            self.newest_s = filed_s;
            self.close_finished();
        }
        for (term, _) in &found.terms {
            *self.df.entry(*term).or_default() += 1;
        }
        for term in &found.lowered {
            *self.lower_df.entry(*term).or_default() += 1;
        }
        let event = self
            .original_event(&story.id)
            .filter(|&e| self.is_running(e, filed_s))
            .or_else(|| self.closest(&found, filed_s));
        let doc = self.docs.len() as u32;
        let event = match event {
            Some(e) => e,
            None => {
                self.events.push(Event {
                    docs: Vec::new(),
                    first_s: filed_s,
                    latest_s: filed_s,
                    centroid: FxHashMap::default(),
                    entities: FxHashSet::default(),
                });
                (self.events.len() - 1) as u32
            }
        };
        self.docs.push(Doc {
            id: story.id.clone(),
            event,
            filed_s,
            words: found.words,
        });
        self.by_id.insert(story.id.clone(), doc);
        let e = &mut self.events[event as usize];
        e.docs.push(doc);
        e.first_s = e.first_s.min(filed_s);
        e.latest_s = e.latest_s.max(filed_s);
        if (event as usize) < self.open_from {
            // A late copy joined a closed event: its report counts, its terms are not kept.
            return;
        }
        let norm = found
            .terms
            .iter()
            .map(|t| t.1 * t.1)
            .sum::<f32>()
            .sqrt()
            .max(f32::MIN_POSITIVE);
        for &(term, weight) in &found.terms {
            *e.centroid.entry(term).or_default() += weight / norm;
        }
        for &entity in &found.entities {
            if e.entities.insert(entity) {
                self.postings.entry(entity).or_default().push(event);
            }
        }
    }

    /// The event of an earlier copy of this story's text, if any.
    fn original_event(&self, id: &StoryId) -> Option<u32> {
        self.copies
            .each_member(id)
            .find_map(|m| self.by_id.get(m))
            .map(|&doc| self.docs[doc as usize].event)
    }

    fn idf(&self, term: u64) -> f32 {
        let n = self.docs.len() as f32 + 1.0;
        let df = self.df.get(&term).copied().unwrap_or(0) as f32;
        (n / (df + 1.0)).ln() + 1.0
    }

    /// The running event most like `found`, when it is like enough.
    fn closest(&self, found: &Features, filed_s: i64) -> Option<u32> {
        let mut shared: FxHashMap<u32, f32> = FxHashMap::default();
        // Only names that set a story apart gather candidates: a name every story carries
        // ("India" on an Indian site, "Net" heading every results table) is no sign of one
        // event, and would cost a walk through the whole window per story.
        for entity in found.entities.iter().filter(|e| self.is_distinctive(**e)) {
            let idf = self.idf(*entity);
            for &event in self
                .postings
                .get(entity)
                .into_iter()
                .flat_map(|events| events.iter().rev().take(POSTINGS_READ))
            {
                if self.is_running(event, filed_s) {
                    *shared.entry(event).or_default() += idf;
                }
            }
        }
        let mut candidates: Vec<(u32, f32)> = shared.into_iter().collect();
        candidates.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        candidates.truncate(CANDIDATES);
        let weighted: FxHashMap<u64, f32> = found
            .terms
            .iter()
            .map(|&(t, w)| (t, w * self.idf(t)))
            .collect();
        candidates
            .into_iter()
            .map(|(event, _)| (event, self.similarity(&weighted, found, event)))
            .filter(|(_, sim)| {
                sim.all >= self.config.threshold
                    && sim.words.is_none_or(|w| w >= self.config.words_threshold)
                    && sim.names >= self.config.names_threshold
            })
            .max_by(|a, b| a.1.all.total_cmp(&b.1.all).then(b.0.cmp(&a.0)))
            .map(|(event, _)| event)
    }

    /// The cosine of a story's weighted terms with an event's: over every term, over the
    /// words, and over the names. A name is a distinctive one (`is_distinctive`); a name every
    /// story carries ("Net" heading every results table) counts as a word. Reports of one
    /// event share both what they say and who and where it is about: three items about one
    /// company in a day share the name but not the words, and a day's results tables share
    /// the words but not the names.
    fn similarity(&self, story: &FxHashMap<u64, f32>, found: &Features, event: u32) -> Similarity {
        let e = &self.events[event as usize];
        let is_name = |t: &u64| {
            (e.entities.contains(t) || found.entities.binary_search(t).is_ok())
                && self.is_distinctive(*t)
        };
        // [all, words, names] × [dot, story norm², event norm²]
        let mut sums = [[0.0f32; 3]; 3];
        for (term, &weight) in &e.centroid {
            let w = weight * self.idf(*term);
            let kind = if is_name(term) { 2 } else { 1 };
            let s = story.get(term).copied().unwrap_or(0.0);
            for k in [0, kind] {
                sums[k][0] += s * w;
                sums[k][2] += w * w;
            }
        }
        for (term, s) in story {
            let kind = if is_name(term) { 2 } else { 1 };
            for k in [0, kind] {
                sums[k][1] += s * s;
            }
        }
        let cosine =
            |[dot, a, b]: [f32; 3]| (a > 0.0 && b > 0.0).then(|| dot / (a.sqrt() * b.sqrt()));
        Similarity {
            all: cosine(sums[0]).unwrap_or(0.0),
            words: cosine(sums[1]).or((!found.caseless).then_some(0.0)),
            names: cosine(sums[2]).unwrap_or(0.0),
        }
    }

    /// Whether `event` still takes a report filed at `filed_s`: one of its reports is within
    /// the window of it, and its first is no more than the span before it.
    fn is_running(&self, event: u32, filed_s: i64) -> bool {
        let e = &self.events[event as usize];
        let window = self.config.window_s;
        filed_s >= e.first_s - window
            && filed_s <= (e.latest_s + window).min(e.first_s + self.config.span_s)
    }

    /// Whether a name tells events apart: rare among the stories, and a name wherever it
    /// is written (capitalised in most stories that carry it). "Net" heading a results
    /// table and "Pretax" in a report are capitals of words prose writes in lower case.
    fn is_distinctive(&self, term: u64) -> bool {
        let df = self.df.get(&term).copied().unwrap_or(0) as usize;
        let lower = self.lower_df.get(&term).copied().unwrap_or(0) as usize;
        df <= RARE_DF.max(self.docs.len() / RARE_SHARE) && lower * 2 <= df
    }

    /// The name of `id`'s event: the id of its first report. A story never added is its own.
    pub fn event_of(&self, id: &StoryId) -> StoryId {
        match self.by_id.get(id) {
            Some(&doc) => {
                let event = &self.events[self.docs[doc as usize].event as usize];
                self.docs[event.docs[0] as usize].id.clone()
            }
            None => id.clone(),
        }
    }

    /// The reports of `id`'s event, first arrival first, `id` included; just `id` when it was
    /// never added.
    pub fn members(&self, id: &StoryId) -> Vec<StoryId> {
        match self.by_id.get(id) {
            Some(&doc) => self.events[self.docs[doc as usize].event as usize]
                .docs
                .iter()
                .map(|&d| self.docs[d as usize].id.clone())
                .collect(),
            None => vec![id.clone()],
        }
    }

    /// The name of `id`'s copy: near-identical text (`clusters`), a finer grouping than the
    /// event.
    pub fn copy_of(&self, id: &StoryId) -> StoryId {
        self.copies.cluster_of(id)
    }

    /// Words in the copy of `id`'s latest version seen; 0 for a story never added.
    pub fn words(&self, id: &StoryId) -> u32 {
        self.by_id
            .get(id)
            .map_or(0, |&doc| self.docs[doc as usize].words)
    }

    /// The report readers are shown for an event: of `reports`, the one with the most words
    /// of copy; of equals, the first filed (the others add to it). `None` when none was
    /// added.
    pub fn most_complete(&self, reports: &[StoryId]) -> Option<StoryId> {
        reports
            .iter()
            .filter_map(|id| {
                self.by_id
                    .get(id)
                    .map(|&doc| (id, &self.docs[doc as usize]))
            })
            .max_by(|a, b| {
                a.1.words
                    .cmp(&b.1.words)
                    .then(b.1.filed_s.cmp(&a.1.filed_s))
                    .then(b.0.cmp(a.0))
            })
            .map(|(id, _)| id.clone())
    }
}

#[cfg(test)]
mod tests;
