//! `wiredesk bench memory`: what the in-memory projections cost per story, the figure behind a
//! site's memory at 100k or 1M stories: the events (with the copies inside them) or the
//! copies alone, built over the generated wire of `search` in filing order, with the
//! process's resident memory read before and after.

use std::time::Instant;

use crate::search::GeneratedWire;
use wiredesk_intel::clusters::{self, Clusters, cluster_text};
use wiredesk_intel::events::{self, Events};

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Projection {
    /// `intel::events`: events and the copies inside them, as the site keeps them.
    Events,
    /// `intel::clusters`: the copies alone.
    Copies,
}

#[derive(clap::Args)]
pub struct MemoryArgs {
    /// How many stories to generate and add.
    #[arg(long, default_value_t = 100_000)]
    pub stories: usize,
    /// Which projection to build. Run one per process: memory freed by one would be
    /// reused by the next and hide its cost.
    #[arg(long, value_enum, default_value_t = Projection::Events)]
    pub projection: Projection,
}

/// Resident memory of this process in bytes (Linux `/proc/self/status`), 0 where unknown.
pub fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb * 1024)
        })
        .unwrap_or(0)
}

pub fn run(args: MemoryArgs) -> anyhow::Result<()> {
    let wire = GeneratedWire::default();
    let n = args.stories;
    // The stories themselves are made and dropped one at a time: only the projection stays.
    let before = resident_bytes();
    let started = Instant::now();
    let kept: Box<dyn std::any::Any> = match args.projection {
        Projection::Events => {
            let mut built = Events::new(events::site_config());
            for i in 0..n {
                built.add(&wire.story(i, n));
            }
            println!("events: {}", built.events());
            Box::new(built)
        }
        Projection::Copies => {
            let mut built = Clusters::new(clusters::site_config());
            for i in 0..n {
                let story = wire.story(i, n);
                built.add(&story.id, &cluster_text(&story));
            }
            Box::new(built)
        }
    };
    let secs = started.elapsed().as_secs_f64();
    let after = resident_bytes();
    let grown = after.saturating_sub(before);
    println!(
        "projection={:?} stories={n} rss_before_mib={:.1} rss_after_mib={:.1} \
         bytes_per_story={:.0} stories_per_s={:.0}",
        args.projection,
        before as f64 / (1 << 20) as f64,
        after as f64 / (1 << 20) as f64,
        grown as f64 / n.max(1) as f64,
        n as f64 / secs.max(1e-9)
    );
    drop(kept);
    Ok(())
}
