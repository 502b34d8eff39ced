//! `wiredesk bench ingest`: the end-to-end ingest rate of a whole site (pipeline, store and
//! search index) with generated stories; the generated wire the other site benches load too.

use std::path::PathBuf;
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};
use wiredesk_model::Delivery;
use wiredesk_site::{Database, Site};

const PLACES: &[(&str, &str)] = &[
    ("Seoul", "Yonhap"),
    ("New Delhi", "IANS"),
    ("Mumbai", "PTI"),
    ("TOKYO", "Reuters"),
    ("WASHINGTON", "AP"),
    ("Paris", "AFP"),
    ("Chennai", "PTI"),
    ("LONDON", "Reuters"),
];
const SUBJECTS: &[&str] = &[
    "the central bank kept its key rate unchanged as inflation eased",
    "the cricket board named a new captain for the one-day series",
    "rescue teams reached villages cut off by the monsoon floods",
    "the space agency launched an earth observation satellite",
    "health officials began a dengue vaccine trial in three cities",
    "chip makers reported record exports for the quarter",
];

/// A deterministic plain-text story: number `i` always reads the same.
pub fn generated_story(i: usize) -> String {
    let (place, agency) = PLACES[i % PLACES.len()];
    let subject = SUBJECTS[(i / PLACES.len()) % SUBJECTS.len()];
    let sep = if agency == "Reuters" || agency == "AFP" {
        " -"
    } else {
        ""
    };
    format!(
        "Story {i}: officials say {subject}\n\n\
         {place}, Nov 27 ({agency}){sep} Officials said on Friday that {subject}, in a move watched closely by markets and residents alike. Item number {i} in the generated wire.\n\n\
         \u{201c}We are following the situation closely,\u{201d} a spokesperson said, adding that more details would follow later in the day.\n\n\
         The announcement came after weeks of speculation. Analysts said the decision was expected and would be reviewed at the next meeting in {m} weeks.\n",
        m = i % 9 + 2
    )
}

/// `stories` generated stories, delivered one a second up to `now`.
pub fn generated_deliveries(stories: usize, now: Timestamp) -> Vec<Delivery> {
    (0..stories)
        .map(|i| Delivery {
            path: format!("generated/{i}.txt").into(),
            bytes: generated_story(i).into_bytes(),
            received: now - SignedDuration::from_secs(stories as i64 - i as i64),
        })
        .collect()
}

/// Ingest deliveries in the batches `wiredesk ingest` uses.
pub async fn ingest_in_batches(
    site: &Site,
    deliveries: Vec<Delivery>,
) -> anyhow::Result<wiredesk_ingest::Tally> {
    let mut tally = wiredesk_ingest::Tally::default();
    let mut batches = wiredesk_ingest::Batches::new(site.pipeline.clone());
    let mut rest = deliveries;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(wiredesk_site::ingest::BATCH_FILES));
        for r in batches.push(rest).await? {
            tally.add(&r);
        }
        rest = tail;
    }
    for r in batches.finish().await? {
        tally.add(&r);
    }
    Ok(tally)
}

/// Ingest `stories` generated stories into a site at `data` (default: a fresh temporary
/// folder) on the embedded default (SQLite) or the PostgreSQL `db` names, and print the rate.
pub async fn run(stories: usize, data: Option<PathBuf>, db: &Database) -> anyhow::Result<()> {
    let (data, _tmp) = match data {
        Some(d) => (d, None),
        None => wiredesk_site::demo::default_data_dir()?,
    };
    let site = Site::open(&data, None, db).await?;
    let backend = match wiredesk_site::store_url(&site.config, db) {
        Some(_) => "postgres",
        None => "sqlite",
    };
    let deliveries = generated_deliveries(stories, Timestamp::now());
    let stage_copy = (backend == "sqlite").then(|| deliveries.clone());
    let bytes: usize = deliveries.iter().map(|d| d.bytes.len()).sum();
    let started = Instant::now();
    let tally = ingest_in_batches(&site, deliveries).await?;
    let logged = started.elapsed().as_secs_f64();
    // Searchable is part of ingested: the time includes the index catching up.
    site.catch_up_search().await?;
    let secs = started.elapsed().as_secs_f64();
    println!("{}", wiredesk_site::ingest::summary_line(&tally));
    println!(
        "bench ingest: backend={backend} stories={stories} seconds={secs:.2} stories_per_s={:.0} mb_per_s={:.1} index_docs={} (in the log after {logged:.2} s, then the index)",
        tally.stories as f64 / secs,
        bytes as f64 / 1_048_576.0 / secs,
        site.search.index().num_docs()
    );
    if let Some(deliveries) = stage_copy {
        stages(&site, deliveries).await?;
    }
    Ok(())
}

/// The ceiling each stage sets on its own, with the same stories: the stages that need no
/// store (decode, normalize, enrich, on every core), and the log's append of the events the
/// run above recorded into a fresh SQLite file, in the same batches.
async fn stages(site: &Site, deliveries: Vec<Delivery>) -> anyhow::Result<()> {
    let stories = deliveries.len();
    let started = Instant::now();
    let mut prepared = 0;
    let mut rest = deliveries;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(wiredesk_site::ingest::BATCH_FILES));
        prepared += site.pipeline.prepare(rest).len();
        rest = tail;
    }
    let prepare_s = started.elapsed().as_secs_f64();

    let store = site.pipeline.store();
    let events = store.events_after(0, usize::MAX >> 1).await?;
    let per_batch = events
        .len()
        .div_ceil(stories.div_ceil(wiredesk_site::ingest::BATCH_FILES));
    let dir = tempfile::tempdir()?;
    let fresh = wiredesk_store::SqliteStore::open(&dir.path().join("wiredesk.db")).await?;
    let started = Instant::now();
    for batch in events.chunks(per_batch.max(1)) {
        use wiredesk_store::EventLog;
        fresh
            .append(batch.iter().map(|e| (e.event.clone(), e.at)).collect())
            .await?;
    }
    let append_s = started.elapsed().as_secs_f64();
    println!(
        "bench ingest stages: prepare (decode, normalize, enrich) stories_per_s={:.0}; sqlite append of the {} events stories_per_s={:.0}",
        prepared as f64 / prepare_s,
        events.len(),
        stories as f64 / append_s,
    );
    Ok(())
}
