//! The `wiredesk` binary end to end, as one test binary: each module is one surface, and
//! `common` holds what they share (the server under test, the HTTP client, the helpers).
//! Run one surface with `cargo test -p wiredesk --test it feeds::`.

mod common;

mod advisories;
mod api;
mod backup;
mod browser;
mod cli;
mod clusters;
mod crash;
mod desk;
mod feeds;
mod http_api;
mod http_cache;
mod mail;
mod postgres;
mod roles;
mod search;
mod seo;
mod topics;
mod transports;
