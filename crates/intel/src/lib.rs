//! intel: what the desk learns from the copy itself — which stories are near-duplicates of
//! each other, which topics a story is about, and which stories are related.
//!
//! Owns: `dedupe` (MinHash + LSH clustering verified by exact Jaccard), `classify` (tf-idf
//! features and one-vs-rest linear SVMs with per-topic thresholds), `related` (tf-idf cosine
//! blended with topics, place and recency), `clusters` (the site's story clusters, by story id,
//! over `dedupe`), and the text features they share (`text`).
//! Must not: do I/O, know wire formats, or decide publication. Callers give it texts and labels.

pub mod classify;
pub mod clusters;
pub mod dedupe;
pub mod events;
pub mod related;
pub mod text;
