//! `wiredesk`: the one binary. Sets up logging and the allocator, parses the flags
//! (`wiredesk_cli::Cli`) and runs the command.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

// glibc's allocator spent 40–50% of decode time in malloc/free (perf, `bench decode`); decoders
// make many small strings, which mimalloc's per-thread free lists serve far faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "wiredesk=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal; a log file or a pipe gets plain lines.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = wiredesk_cli::Cli::parse();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(wiredesk_cli::run(cli.command))
}
