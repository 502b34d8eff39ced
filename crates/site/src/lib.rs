//! site: one Wiredesk site wired together from its data folder — the store, the search index
//! following its log, the pipeline, the desk's accounts and the delivery queue — and what the
//! `wiredesk` commands do with it.
//!
//! Owns: opening a site (`Site`, `open_store`: SQLite in the data folder unless PostgreSQL is
//! named), the config file (`config`), serving it by role (`serve`) with the writer's duties
//! (`writer`: drop folder, pollers, embargo clock, the delivery queue's consumer), the
//! remote sources' list and the pollers' sinks (`sources`,
//! `pollers`), backup and restore (`backup`), the demo and its corpus (`demo`,
//! `demo/corpus/`), ingesting files and folders (`ingest`), training the topic model
//! (`topics`), and desk accounts and tokens (`accounts`).
//! Must not: parse flags (the CLI does, and hands in plain settings such as `SiteLocation`),
//! or do a pipeline crate's work: it decides nothing about a story, knows no wire format and
//! writes no SQL; it only joins the crates that do.

pub mod accounts;
pub mod backup;
pub mod config;
pub mod demo;
pub mod ingest;
pub mod pollers;
pub mod serve;
mod site;
pub mod sources;
pub mod topics;
pub mod writer;

pub use config::Config;
pub use site::{
    Database, Site, SiteLocation, config_path, connect_queue, open_accounts, open_store, store_url,
};
