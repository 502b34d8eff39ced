//! `wiredesk bench search`: query latency and index size of the embedded search index, over
//! generated stories and a fixed mix of queries. Everything is deterministic: story `i` and
//! query `j` read the same on every run and machine (a fixed-seed generator, a fixed clock).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use wiredesk_index::{MatchMode, SearchFilters, SearchIndex, SearchRequest};
use wiredesk_model::{Agency, Story, Topic};

#[derive(clap::Args)]
pub struct SearchArgs {
    /// How many stories to generate and index.
    #[arg(long, default_value_t = 100_000)]
    pub stories: usize,
    /// How many queries to time (the fixed mix, in order, repeated as needed).
    #[arg(long, default_value_t = 2_000)]
    pub queries: usize,
    /// Index folder (default: a fresh temporary folder, removed afterwards). Kept: a folder
    /// that already holds exactly `--stories` generated stories is searched again as it is, so
    /// a million is indexed once.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// The generated wire's "now": stories went live during the two years before it.
const CLOCK: i64 = 1_780_000_000; // 2026-05-28T20:26:40Z
const SPAN_SECS: i64 = 2 * 365 * 86_400;
const SEED: u64 = 0x005E_ED0F_D35C;
/// Stories per index commit while loading.
const COMMIT_EVERY: usize = 10_000;
/// What the search page asks the index for: twice its 20 results, with snippets.
const PAGE_LIMIT: usize = 40;
/// Distinct queries in the mix.
const MIX: usize = 500;

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "ri", "to", "men", "sa", "lo", "ve", "dra", "nu", "pol", "te", "mar", "shi", "an", "gu",
    "del", "ra", "ki", "son", "ba", "mi", "tra", "or", "zen", "pa", "lu", "can", "de", "hi", "sto",
    "ne", "val", "bo", "ar", "qui", "fe", "ran", "go", "li", "tur",
];

/// Words of news copy, most common first; the generated vocabulary follows them.
const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "said",
    "on",
    "for",
    "was",
    "that",
    "with",
    "by",
    "as",
    "at",
    "from",
    "is",
    "its",
    "government",
    "minister",
    "police",
    "officials",
    "people",
    "state",
    "year",
    "percent",
    "market",
    "bank",
    "million",
    "district",
    "court",
    "election",
    "party",
    "president",
    "company",
    "prices",
    "water",
    "villages",
    "report",
    "meeting",
    "india",
    "china",
    "united",
    "country",
    "national",
    "city",
    "health",
    "hospital",
    "budget",
    "growth",
    "inflation",
    "investors",
    "shares",
    "trade",
    "exports",
    "energy",
    "climate",
    "weather",
    "flood",
    "floods",
    "rain",
    "monsoon",
    "rescue",
    "teams",
    "army",
    "border",
    "talks",
    "agreement",
    "leaders",
    "summit",
    "cricket",
    "match",
    "series",
    "wickets",
    "captain",
    "team",
    "tournament",
    "football",
    "league",
    "season",
    "players",
    "coach",
    "satellite",
    "launch",
    "space",
    "rocket",
    "mission",
    "scientists",
    "research",
    "vaccine",
    "trial",
    "disease",
    "patients",
    "doctors",
    "schools",
    "students",
    "university",
    "film",
    "festival",
    "music",
    "director",
    "actor",
    "technology",
    "software",
    "startup",
    "funding",
    "chip",
    "factory",
    "workers",
    "union",
    "strike",
    "protest",
    "parliament",
    "bill",
    "law",
    "judge",
    "investigation",
    "accident",
    "fire",
    "earthquake",
    "storm",
    "cyclone",
    "drought",
    "farmers",
    "crop",
    "harvest",
    "railway",
    "airport",
    "airline",
    "flights",
    "passengers",
    "highway",
    "traffic",
    "pollution",
    "forest",
    "wildlife",
    "tigers",
    "river",
    "dam",
    "electricity",
    "power",
    "oil",
    "gas",
    "currency",
    "rupee",
    "dollar",
    "interest",
    "rates",
    "central",
    "repo",
    "policy",
    "economy",
    "quarter",
    "profit",
    "revenue",
    "earnings",
    "minister's",
    "spokesperson",
    "statement",
    "announcement",
    "decision",
    "committee",
];

const PHRASES: &[&str] = &[
    "central bank",
    "repo rate",
    "monsoon floods",
    "death toll",
    "prime minister",
    "stock market",
    "world cup",
    "supreme court",
    "heavy rain",
    "rescue operations",
    "interest rates",
    "climate change",
    "foreign minister",
    "opening match",
    "vaccine trial",
    "space agency",
    "oil prices",
    "trade deal",
    "relief camps",
    "chief minister",
];

const PLACES: &[&str] = &[
    "New Delhi",
    "Mumbai",
    "Guwahati",
    "Chennai",
    "Kolkata",
    "Bengaluru",
    "Seoul",
    "Tokyo",
    "London",
    "Paris",
    "Washington",
    "Geneva",
    "Dhaka",
    "Colombo",
    "Kathmandu",
    "Singapore",
    "Jakarta",
    "Nairobi",
    "Cairo",
    "Berlin",
    "Brussels",
    "Sydney",
    "Beijing",
    "Hyderabad",
];

const AGENCIES: &[&str] = &[
    "PTI", "IANS", "Reuters", "AP", "AFP", "Yonhap", "ANI", "UNI",
];

const TOPICS: &[&str] = &[
    "india",
    "world",
    "business",
    "sports",
    "technology",
    "science",
    "health",
    "entertainment",
];

/// The generated vocabulary: `COMMON`, then made-up words of 2–4 syllables.
struct Vocabulary {
    words: Vec<String>,
    ln_len: f64,
}

impl Vocabulary {
    fn new(size: usize) -> Vocabulary {
        let mut rng = Rng::new(SEED ^ 0xA11CE);
        let mut seen = std::collections::HashSet::new();
        let mut words: Vec<String> = COMMON.iter().map(|w| w.to_string()).collect();
        seen.extend(words.iter().cloned());
        while words.len() < size {
            let n = 2 + rng.below(3);
            let word: String = (0..n).map(|_| *rng.pick(SYLLABLES)).collect();
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        Vocabulary {
            ln_len: (size as f64).ln(),
            words,
        }
    }

    /// A word by Zipf's law (rank r with probability ∝ 1/r): log-uniform ranks.
    fn zipf(&self, rng: &mut Rng) -> &str {
        let rank = (rng.unit() * self.ln_len).exp() as usize - 1;
        &self.words[rank.min(self.words.len() - 1)]
    }

    /// A word of rank between `from` and `to`.
    fn ranked(&self, rng: &mut Rng, from: usize, to: usize) -> &str {
        let from = from.min(self.words.len() - 1);
        let to = to.clamp(from + 1, self.words.len());
        &self.words[from + rng.below(to - from)]
    }
}

fn sentence(vocab: &Vocabulary, rng: &mut Rng) -> String {
    let words = 10 + rng.below(12);
    let mut s = String::new();
    for k in 0..words {
        if k > 0 {
            s.push(' ');
        }
        if rng.below(25) == 0 {
            let phrase = PHRASES[rng.below(PHRASES.len())];
            s.push_str(phrase);
        } else {
            s.push_str(vocab.zipf(rng));
        }
    }
    if let Some(first) = s.get(..1) {
        let upper = first.to_uppercase();
        s.replace_range(..1, &upper);
    }
    s.push('.');
    s
}

/// The generated wire of `search`, for the other benches that want stories of real length.
pub struct GeneratedWire {
    vocab: Vocabulary,
}

impl Default for GeneratedWire {
    fn default() -> Self {
        GeneratedWire {
            vocab: Vocabulary::new(60_000),
        }
    }
}

impl GeneratedWire {
    /// Story `i` of `n`, filed over the two years before the wire's clock.
    pub fn story(&self, i: usize, n: usize) -> Story {
        generated(i, n, &self.vocab)
    }
}

/// Story `i` of the generated wire (independent of how many are generated).
fn generated(i: usize, n: usize, vocab: &Vocabulary) -> Story {
    let mut rng = Rng::new(SEED ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let place = *rng.pick(PLACES);
    let agency = *rng.pick(AGENCIES);
    let mut headline = String::from(place);
    for _ in 0..5 + rng.below(5) {
        headline.push(' ');
        headline.push_str(vocab.zipf(&mut rng));
    }
    let mut body = String::new();
    for p in 0..3 + rng.below(4) {
        body.push_str("<p>");
        if p == 0 {
            body.push_str(&format!("{place} ({agency}) "));
        }
        for s in 0..2 + rng.below(3) {
            if s > 0 {
                body.push(' ');
            }
            body.push_str(&sentence(vocab, &mut rng));
        }
        body.push_str("</p>\n");
    }
    // Live times spread over two years, older stories first, with some jitter.
    let at = CLOCK - SPAN_SECS + (i as i64 * SPAN_SECS) / n.max(1) as i64 - rng.below(3_600) as i64;
    let at = Timestamp::from_second(at).expect("a generated time is in range");
    let mut story =
        wiredesk_model::testing::story(&format!("urn:bench:search:{i}"), &headline, "", at);
    story.body_html = body;
    story.published = Some(at);
    story.agency = Agency::named(agency);
    let first = rng.below(TOPICS.len());
    let mut topics = vec![TOPICS[first]];
    if rng.below(3) == 0 {
        topics.push(TOPICS[(first + 1 + rng.below(TOPICS.len() - 1)) % TOPICS.len()]);
    }
    story.topics = topics
        .into_iter()
        .map(|t| Topic {
            slug: t.into(),
            name: t.into(),
            origin: wiredesk_model::TopicOrigin::Wire,
        })
        .collect();
    story
}

/// One edit (swap, drop, double or change a letter) somewhere inside `word`.
fn typo(word: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let at = 1 + rng.below(chars.len().saturating_sub(2).max(1));
    match rng.below(4) {
        0 if at + 1 < chars.len() => chars.swap(at, at + 1),
        1 => {
            chars.remove(at);
        }
        2 => chars.insert(at, chars[at]),
        _ => chars[at] = if chars[at] == 'x' { 'q' } else { 'x' },
    }
    chars.into_iter().collect()
}

/// The fixed query mix: (kind, request).
fn query_mix(vocab: &Vocabulary) -> Vec<(&'static str, SearchRequest)> {
    let mut rng = Rng::new(SEED ^ 0x0_9E_E5);
    let now = Timestamp::from_second(CLOCK).expect("the bench clock is in range");
    let request = |query: String, filters: SearchFilters| SearchRequest {
        query,
        limit: PAGE_LIMIT,
        offset: 0,
        filters,
        now: Some(now),
        snippets: true,
        mode: None,
    };
    let long_word = |rng: &mut Rng, from: usize, to: usize| loop {
        let w = vocab.ranked(rng, from, to);
        if w.len() >= 6 && w.chars().all(|c| c.is_ascii_alphabetic()) {
            return w.to_string();
        }
    };
    let mut mix = Vec::with_capacity(MIX);
    for j in 0..MIX {
        let entry = match j % 10 {
            0 => (
                "common word",
                request(
                    vocab.ranked(&mut rng, 20, 300).into(),
                    SearchFilters::default(),
                ),
            ),
            1 => (
                "rare word",
                request(
                    vocab.ranked(&mut rng, 5_000, 50_000).into(),
                    SearchFilters::default(),
                ),
            ),
            2 => (
                "two words",
                request(
                    format!(
                        "{} {}",
                        vocab.ranked(&mut rng, 20, 2_000),
                        vocab.ranked(&mut rng, 20, 2_000)
                    ),
                    SearchFilters::default(),
                ),
            ),
            3 => (
                "three words",
                request(
                    format!(
                        "{} {} {}",
                        vocab.ranked(&mut rng, 20, 500),
                        vocab.ranked(&mut rng, 20, 5_000),
                        vocab.ranked(&mut rng, 20, 5_000)
                    ),
                    SearchFilters::default(),
                ),
            ),
            4 => (
                "phrase",
                request(
                    format!("\"{}\"", rng.pick(PHRASES)),
                    SearchFilters::default(),
                ),
            ),
            5 => {
                let w = long_word(&mut rng, 20, 3_000);
                (
                    "typo",
                    request(typo(&w, &mut rng), SearchFilters::default()),
                )
            }
            6 => (
                "word + topic",
                request(
                    vocab.ranked(&mut rng, 20, 2_000).into(),
                    SearchFilters {
                        topic: Some(rng.pick(TOPICS).to_string()),
                        ..SearchFilters::default()
                    },
                ),
            ),
            7 => {
                let days = 7 + rng.below(180) as i64;
                (
                    "words + agency + dates",
                    request(
                        format!(
                            "{} {}",
                            vocab.ranked(&mut rng, 20, 300),
                            vocab.ranked(&mut rng, 20, 3_000)
                        ),
                        SearchFilters {
                            agency: Some(rng.pick(AGENCIES).to_lowercase()),
                            from: Some(now - SignedDuration::from_hours(24 * (days + 90))),
                            to: Some(now - SignedDuration::from_hours(24 * days)),
                            ..SearchFilters::default()
                        },
                    ),
                )
            }
            8 if j % 20 == 8 => {
                // A made-up word outside the vocabulary: nothing matches, "did you mean" looks
                // for a word up to 2 edits away and finds none.
                let w: String = (0..4).map(|_| *rng.pick(SYLLABLES)).collect::<String>() + "zq";
                ("no match", request(w, SearchFilters::default()))
            }
            8 => {
                // Two typos: nothing matches, "did you mean" suggests the word.
                let w = long_word(&mut rng, 20, 3_000);
                let twice = typo(&typo(&w, &mut rng), &mut rng);
                (
                    "two typos (did you mean)",
                    request(twice, SearchFilters::default()),
                )
            }
            _ => (
                "OR",
                request(
                    format!(
                        "{} OR {}",
                        vocab.ranked(&mut rng, 300, 5_000),
                        vocab.ranked(&mut rng, 300, 5_000)
                    ),
                    SearchFilters::default(),
                ),
            ),
        };
        mix.push(entry);
    }
    mix
}

fn folder_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => folder_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

/// Index `n` generated stories, committing every `COMMIT_EVERY`, and print what it took.
fn build(index: &SearchIndex, dir: &Path, n: usize, vocab: &Vocabulary) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut text_bytes = 0usize;
    for i in 0..n {
        let story = generated(i, n, vocab);
        text_bytes += story.body_html.len() + story.headline.len();
        index.upsert(&story)?;
        if (i + 1) % COMMIT_EVERY == 0 {
            index.commit()?;
        }
    }
    index.commit()?;
    let build = started.elapsed().as_secs_f64();
    let size = folder_size(dir);
    println!(
        "bench search: stories={n} copy_mb={:.0} index_seconds={build:.1} stories_per_s={:.0} index_docs={} segments={} index_mb={:.1} bytes_per_story={:.0}",
        text_bytes as f64 / 1_048_576.0,
        n as f64 / build,
        index.num_docs(),
        index.num_segments(),
        size as f64 / 1_048_576.0,
        size as f64 / n.max(1) as f64,
    );
    Ok(())
}

pub async fn run(args: SearchArgs) -> anyhow::Result<()> {
    let (dir, _tmp) = match args.dir {
        Some(d) => (d, None),
        None => {
            let tmp = tempfile::Builder::new()
                .prefix("wiredesk-bench-search-")
                .tempdir()?;
            (tmp.path().to_path_buf(), Some(tmp))
        }
    };
    let n = args.stories;
    let vocab = Vocabulary::new(60_000);
    let index = SearchIndex::open(&dir)?;
    if index.num_docs() == n as u64 {
        println!(
            "bench search: stories={n} reused the index in {} segments={}",
            dir.display(),
            index.num_segments()
        );
    } else {
        anyhow::ensure!(
            index.num_docs() == 0,
            "{} holds an index of {} stories, not {n}; give an empty folder",
            dir.display(),
            index.num_docs()
        );
        build(&index, &dir, n, &vocab)?;
    }

    let mix = query_mix(&vocab);
    // One untimed pass: page cache, automaton builders.
    for (_, request) in &mix {
        index.search_with(request)?;
    }
    let mut all = Vec::with_capacity(args.queries);
    let mut kinds: Vec<(&str, Vec<Duration>, usize, usize)> = Vec::new();
    for j in 0..args.queries {
        let (kind, request) = &mix[j % mix.len()];
        let started = Instant::now();
        let results = index.search_with(request)?;
        let took = started.elapsed();
        all.push(took);
        let slot = match kinds.iter().position(|(k, ..)| k == kind) {
            Some(p) => p,
            None => {
                kinds.push((kind, Vec::new(), 0, 0));
                kinds.len() - 1
            }
        };
        let entry = &mut kinds[slot];
        entry.1.push(took);
        entry.2 += results.hits.len();
        entry.3 +=
            usize::from(results.did_you_mean.is_some() || matches!(results.mode, MatchMode::Typos));
    }
    all.sort();
    println!(
        "bench search: queries={} p50_ms={:.2} p95_ms={:.2} p99_ms={:.2} max_ms={:.2} (limit {PAGE_LIMIT} with snippets, one query at a time, its segments read on every core)",
        all.len(),
        percentile(&all, 50.0),
        percentile(&all, 95.0),
        percentile(&all, 99.0),
        all.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
    );
    for (kind, mut times, hits, corrected) in kinds {
        times.sort();
        println!(
            "  {kind:<24} n={:<5} p50_ms={:>7.2} p95_ms={:>7.2} avg_hits={:>5.1} typo_or_suggestion={}",
            times.len(),
            percentile(&times, 50.0),
            percentile(&times, 95.0),
            hits as f64 / times.len().max(1) as f64,
            corrected,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic() {
        let vocab = Vocabulary::new(5_000);
        let a = generated(42, 1_000, &vocab);
        let b = generated(42, 1_000, &Vocabulary::new(5_000));
        assert_eq!(a.headline, b.headline);
        assert_eq!(a.body_html, b.body_html);
        assert_eq!(a.published, b.published);
        assert_ne!(a.body_html, generated(43, 1_000, &vocab).body_html);
        let q1: Vec<String> = query_mix(&vocab)
            .into_iter()
            .map(|(_, r)| r.query)
            .collect();
        let q2: Vec<String> = query_mix(&vocab)
            .into_iter()
            .map(|(_, r)| r.query)
            .collect();
        assert_eq!(q1, q2);
    }
}
