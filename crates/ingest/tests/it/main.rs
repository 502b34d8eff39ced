//! The ingest pipeline end to end over a real store, as one test binary: each module is one
//! concern. Run one with `cargo test -p wiredesk-ingest --test it topics::`.

mod corpus_not_for_publication;
mod pipeline;
mod topics;
