//! xtask: the project's chores, as `cargo xtask <task>` (`cargo run -p xtask -- <task>`).
//!
//! Owns: tasks run by hand on a developer's machine, never by the product or its tests.
//!
//! - `vocab`: regenerates `crates/vocab/data/` from the IPTC originals (see `vocab.rs`).

mod vocab;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  vocab   regenerate crates/vocab/data/ from the IPTC originals in $IPTC_DIR
          (default ../shared/corpora/iptc beside the workspace)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["vocab"] => {
            vocab::generate();
            ExitCode::SUCCESS
        }
        ["help" | "-h" | "--help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
