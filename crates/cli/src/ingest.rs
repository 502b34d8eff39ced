//! `wiredesk ingest`: files and folders through the pipeline, with a progress bar on a
//! terminal, a closing summary line and, on request, one JSON report line per file.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use wiredesk_ingest::{DeliveryReport, Pipeline, Tally};
use wiredesk_source::{Delivery, collect_files, read_delivery};

/// Files per store transaction and index commit.
pub const BATCH_FILES: usize = 500;

pub struct IngestRun {
    pub tally: Tally,
    pub reports: Vec<DeliveryReport>,
}

/// Ingest `paths`; `received_for` gives each file's arrival time (now, except for the demo).
pub async fn ingest_paths(
    pipeline: &Pipeline,
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
    let mut batch: Vec<Delivery> = Vec::with_capacity(BATCH_FILES);
    for found in files {
        match found.and_then(|path| {
            let received = received_for(&path);
            read_delivery(&path, received)
        }) {
            Ok(delivery) => batch.push(delivery),
            Err(unreadable) => {
                let report = DeliveryReport::rejected(unreadable.path, unreadable.reason);
                run.tally.add(&report);
                run.reports.push(report);
                bar.inc(1);
            }
        }
        if batch.len() >= BATCH_FILES {
            flush(pipeline, &mut batch, &mut run, &bar).await?;
        }
    }
    flush(pipeline, &mut batch, &mut run, &bar).await?;
    bar.finish_and_clear();
    Ok(run)
}

async fn flush(
    pipeline: &Pipeline,
    batch: &mut Vec<Delivery>,
    run: &mut IngestRun,
    bar: &ProgressBar,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let n = batch.len() as u64;
    let reports = pipeline.ingest_batch(std::mem::take(batch)).await?;
    for report in reports {
        run.tally.add(&report);
        run.reports.push(report);
    }
    bar.inc(n);
    Ok(())
}

pub fn summary_line(tally: &Tally) -> String {
    let held = match tally.not_for_publication {
        0 => String::new(),
        n => format!("; {n} held on the desk as not for publication"),
    };
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
