//! `wiredesk bench decode`: decoding speed per wire format over a folder of real files (the
//! shared corpora, or an agency's own archive). Every file is sniffed and decoded `--rounds`
//! times; the figures are items/s and MB/s per format, decoding only (no store, no index).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;

#[derive(clap::Args)]
pub struct DecodeArgs {
    /// Folders (searched recursively) or files to decode.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Times each file is decoded; more rounds steady the figures of small corpora.
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
    /// Only files of this format (as named in the table, e.g. `newsml-g2`), for profiling one
    /// decoder at a time.
    #[arg(long)]
    pub format: Option<String>,
}

/// The row of files no decoder recognises (schemas, READMEs, e-mails).
const NOT_WIRE: &str = "not a wire format";

#[derive(Default)]
struct Tally {
    files: usize,
    items: usize,
    bytes: usize,
    refused: usize,
    spent: Duration,
}

fn files_under(path: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("reading {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            files_under(&entry, out)?;
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
    Ok(())
}

pub fn run(args: DecodeArgs) -> anyhow::Result<()> {
    let mut files = Vec::new();
    for path in &args.paths {
        files_under(path, &mut files)?;
    }
    let mut by_format: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for file in &files {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        if bytes.len() > wiredesk_decode::MAX_DELIVERY_BYTES {
            continue;
        }
        let format = match wiredesk_decode::sniff(&bytes) {
            Ok(f) => f.as_str(),
            Err(_) => NOT_WIRE,
        };
        if args.format.as_deref().is_some_and(|only| only != format) {
            continue;
        }
        let tally = by_format.entry(format).or_default();
        tally.files += 1;
        // One untimed decode first, so one-time costs (a regex compiled on first use, the
        // allocator's first pages) do not land on whichever file happens to come first.
        let _ = wiredesk_decode::decode(&bytes);
        let started = Instant::now();
        let mut items = 0;
        for _ in 0..args.rounds.max(1) {
            match wiredesk_decode::decode(&bytes) {
                Ok(d) => items = d.items.len(),
                Err(_) => items = 0,
            }
        }
        tally.spent += started.elapsed();
        tally.items += items * args.rounds.max(1);
        tally.bytes += bytes.len() * args.rounds.max(1);
        if items == 0 {
            tally.refused += 1;
        }
    }
    println!(
        "{:<20} {:>6} {:>8} {:>12} {:>10}",
        "format", "files", "refused", "items_per_s", "mb_per_s"
    );
    let (mut wire_files, mut items, mut bytes, mut spent) = (0, 0usize, 0usize, Duration::ZERO);
    for (format, t) in &by_format {
        let secs = t.spent.as_secs_f64().max(1e-9);
        println!(
            "{format:<20} {:>6} {:>8} {:>12.0} {:>10.1}",
            t.files,
            t.refused,
            t.items as f64 / secs,
            t.bytes as f64 / 1_048_576.0 / secs
        );
        // Files no decoder claims are listed but left out of the totals.
        if *format != NOT_WIRE {
            wire_files += t.files;
            items += t.items;
            bytes += t.bytes;
            spent += t.spent;
        }
    }
    let secs = spent.as_secs_f64().max(1e-9);
    println!(
        "bench decode: files={} wire_files={} rounds={} items_per_s={:.0} mb_per_s={:.1}",
        files.len(),
        wire_files,
        args.rounds.max(1),
        items as f64 / secs,
        bytes as f64 / 1_048_576.0 / secs
    );
    Ok(())
}
