//! `wiredesk ingest`: files and folders through the pipeline, with a progress bar on a
//! terminal, a closing summary line and, on request, one JSON report line per file.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use wiredesk_ingest::{Batches, DeliveryReport, Outcome, Pipeline, Tally};
use wiredesk_source::{Delivery, collect_files, read_delivery};

use crate::site::SiteLocation;

/// Files per store transaction and index commit.
pub const BATCH_FILES: usize = 500;
/// Bytes per batch, whatever the files: a file of a thousand stories (Reuters-21578's) is a
/// batch of its own, so the next is decoded while the store writes it, rather than a whole
/// archive in one batch where nothing overlaps.
pub const BATCH_BYTES: usize = 1 << 20;

pub struct IngestRun {
    pub tally: Tally,
    pub reports: Vec<DeliveryReport>,
}

/// `wiredesk ingest`: `paths` into the site, the search index brought up to the log, a copy of
/// each rejected file kept with its reason, the report written to `report` when asked for,
/// and the summary printed; the tally, which says whether every file was accepted.
pub async fn run(
    location: &SiteLocation,
    report: Option<&std::path::Path>,
    paths: &[PathBuf],
) -> anyhow::Result<Tally> {
    let site = location.open().await?;
    let data = &location.data;
    let following = follow_search(&site);
    let run = ingest_paths(&site.pipeline, paths, &|_| Timestamp::now(), true).await;
    following.stop().await;
    let run = run?;
    site.catch_up_search().await?;
    for r in run
        .reports
        .iter()
        .filter(|r| r.outcome == Outcome::Rejected)
    {
        let reason = r.reason.as_deref().unwrap_or("rejected");
        match wiredesk_source::keep_rejected_copy(data, &r.path, reason) {
            Ok(copy) => eprintln!(
                "rejected {}: {reason} (copy and reason in {})",
                r.path.display(),
                copy.display()
            ),
            Err(e) => eprintln!(
                "rejected {}: {reason} (no copy kept in the rejected folder: {e})",
                r.path.display()
            ),
        }
    }
    if let Some(path) = report {
        write_report(path, &run.reports)
            .with_context(|| format!("writing the report {}", path.display()))?;
    }
    println!("{}", summary_line(&run.tally));
    Ok(run.tally)
}

/// Ingest `paths`; `received_for` gives each file's arrival time (now, except for the demo).
pub async fn ingest_paths(
    pipeline: &Arc<Pipeline>,
    paths: &[PathBuf],
    received_for: &dyn Fn(&std::path::Path) -> Timestamp,
    show_progress: bool,
) -> anyhow::Result<IngestRun> {
    let files = collect_files(paths);
    let bar = if show_progress && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files, {per_sec} ({eta} left)")
                .expect("valid progress template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut run = IngestRun {
        tally: Tally::default(),
        reports: Vec::with_capacity(files.len()),
    };
    let mut batches = Batches::new(pipeline.clone());
    let mut batch: Vec<Delivery> = Vec::with_capacity(BATCH_FILES);
    let mut batch_bytes = 0;
    for found in files {
        match found.and_then(|path| {
            let received = received_for(&path);
            read_delivery(&path, received)
        }) {
            Ok(delivery) => {
                batch_bytes += delivery.bytes.len();
                batch.push(delivery);
            }
            Err(unreadable) => {
                let report = DeliveryReport::rejected(unreadable.path, unreadable.reason);
                run.tally.add(&report);
                run.reports.push(report);
                bar.inc(1);
            }
        }
        if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES {
            batch_bytes = 0;
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_FILES));
            record(batches.push(full).await?, &mut run, &bar);
        }
    }
    if !batch.is_empty() {
        record(batches.push(batch).await?, &mut run, &bar);
    }
    record(batches.finish().await?, &mut run, &bar);
    bar.finish_and_clear();
    Ok(run)
}

/// The search index following the log while `wiredesk ingest` appends to it, each batch
/// indexed as it commits (while the next is decoded and written) rather than all at the end.
/// Stopped before the closing catch-up, which finds little left to do. Does nothing when a
/// running site holds the index: that site follows the log itself.
struct FollowingSearch {
    stop: tokio::sync::watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

fn follow_search(site: &crate::Site) -> FollowingSearch {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = site.search.index().claim().is_ok().then(|| {
        // Woken by each batch this process appends; the interval only bounds a missed wake.
        tokio::spawn(site.search.clone().follow(Duration::from_secs(1), stopped))
    });
    FollowingSearch { stop, task }
}

impl FollowingSearch {
    async fn stop(self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task {
            let _ = task.await;
        }
    }
}

fn record(reports: Vec<DeliveryReport>, run: &mut IngestRun, bar: &ProgressBar) {
    bar.inc(reports.len() as u64);
    for report in reports {
        run.tally.add(&report);
        run.reports.push(report);
    }
}

pub fn summary_line(tally: &Tally) -> String {
    let mut held = String::new();
    if tally.not_for_publication > 0 {
        let n = tally.not_for_publication;
        held.push_str(&format!("; {n} held on the desk as not for publication"));
    }
    if tally.awaiting_headline > 0 {
        let n = tally.awaiting_headline;
        held.push_str(&format!("; {n} held on the desk for a headline"));
    }
    format!(
        "ingested {}, updated {}, unchanged {}, rejected {} ({} stories in {} files{held})",
        tally.ingested,
        tally.updated,
        tally.unchanged,
        tally.rejected,
        tally.stories,
        tally.ingested + tally.updated + tally.unchanged + tally.rejected
    )
}

pub fn write_report(path: &std::path::Path, reports: &[DeliveryReport]) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for report in reports {
        serde_json::to_writer(&mut out, report)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_story_sent_again_counts_once_in_the_summary() {
        // The demo's two versions of the Assam floods story: one story on the site.
        let report = |outcome, ids: &[&str]| DeliveryReport {
            outcome,
            stories: ids
                .iter()
                .map(|id| wiredesk_model::StoryId(id.to_string()))
                .collect(),
            reason: None,
            ..DeliveryReport::rejected("wire.json".into(), "")
        };
        let mut tally = Tally::default();
        tally.add(&report(Outcome::Ingested, &["floods", "quake"]));
        tally.add(&report(Outcome::Updated, &["floods"]));
        assert_eq!(
            summary_line(&tally),
            "ingested 1, updated 1, unchanged 0, rejected 0 (2 stories in 2 files)"
        );
    }

    #[test]
    fn the_summary_says_what_waits_on_the_desk_and_why() {
        let mut tally = Tally::default();
        tally.ingested = 3;
        tally.stories = 3;
        assert_eq!(
            summary_line(&tally),
            "ingested 3, updated 0, unchanged 0, rejected 0 (3 stories in 3 files)"
        );
        tally.not_for_publication = 1;
        tally.awaiting_headline = 2;
        let line = summary_line(&tally);
        assert!(
            line.contains("; 1 held on the desk as not for publication"),
            "{line}"
        );
        assert!(
            line.contains("; 2 held on the desk for a headline"),
            "{line}"
        );
    }
}
