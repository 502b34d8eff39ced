//! bench: the measurements behind `wiredesk bench search|decode` and `wiredesk eval`, each a
//! crate measured on its own and printed as figures (never run as timed tests).
//!
//! Owns: search latency and index size over generated stories (`search`), decoding speed per
//! wire format over folders of real files (`decode`), and the quality of near-duplicate
//! detection, topic classification and related stories against labelled corpora (`eval`).
//! Must not: open or serve a site — the benchmarks that drive the whole served site
//! (`bench ingest|kill|soak`) stay with the CLI, which wires it together.

pub mod decode;
pub mod eval;
pub mod search;
