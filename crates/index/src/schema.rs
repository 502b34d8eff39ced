//! The index schema: which fields a story's document has, and the version that says when an
//! index folder on disk no longer matches them.
//! Must not: fill the fields (document.rs) or query them (search.rs); a change to either that
//! alters what a field holds must still bump `SCHEMA_VERSION` here.

use tantivy::schema::{FAST, Field, STORED, STRING, Schema, TEXT};

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) headline: Field,
    pub(crate) body: Field,
    pub(crate) agency: Field,
    pub(crate) topic: Field,
    pub(crate) live: Field,
}

/// Bump when the schema or what goes into a field changes: an index folder written with
/// another version is recreated empty and must be rebuilt (`wiredesk reindex`).
pub const SCHEMA_VERSION: u32 = 2;
pub(crate) const VERSION_FILE: &str = "wiredesk-schema-version";

pub(crate) const LIVE_FIELD: &str = "live";

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        headline: b.add_text_field("headline", TEXT),
        // Stored for snippets.
        body: b.add_text_field("body", TEXT | STORED),
        agency: b.add_text_field("agency", STRING),
        // One value per topic slug.
        topic: b.add_text_field("topic", STRING),
        // Seconds since the epoch; ranking (recency) and the date filters read it.
        live: b.add_i64_field(LIVE_FIELD, FAST),
    };
    (b.build(), fields)
}
