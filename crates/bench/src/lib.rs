//! bench: the measurements behind `wiredesk bench` and `wiredesk eval`, printed as figures.
//!
//! Owns: search latency and index size over generated stories (`search`), decoding speed per
//! wire format over folders of real files (`decode`), the quality of near-duplicate
//! detection, topic classification and related stories against labelled corpora (`eval`);
//! and the benchmarks that drive a whole served site, opened through `wiredesk-site`: the
//! ingest rate (`site_ingest`), kill-to-gone latency (`kill`), what a page costs as the archive
//! grows (`pages`), a crowd of readers while the wire lands (`soak`), and two web and two
//! ingest nodes on one PostgreSQL (`cluster`); what the in-memory projections cost per story
//! (`memory`).
//! Must not: wire a site its own way (every site bench opens and serves one through
//! `wiredesk-site`, as `wiredesk serve` does), or run as a timed test: the figures depend on
//! the machine.

pub mod cluster;
pub mod decode;
pub mod eval;
pub mod kill;
pub mod memory;
pub mod pages;
pub mod search;
pub mod site_ingest;
pub mod soak;
