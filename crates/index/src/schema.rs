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
    pub(crate) order: Field,
}

/// Bump when the schema or what goes into a field changes: an index folder written with
/// another version is recreated empty and must be rebuilt (`wiredesk reindex`).
pub const SCHEMA_VERSION: u32 = 4;
pub(crate) const VERSION_FILE: &str = "wiredesk-schema-version";

pub(crate) const LIVE_FIELD: &str = "live";
pub(crate) const ORDER_FIELD: &str = "order";

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
        // The story id as a number that sorts as the id does (`id_order`): equal scores are
        // ordered by it, so pages of a search never depend on where a document sits.
        order: b.add_u64_field(ORDER_FIELD, FAST),
    };
    (b.build(), fields)
}

/// A story id as a number in the id's own order: a 16-hex-digit id (`StoryId::for_uri`) is
/// that number; any other id, its first 8 bytes, big-endian (ties among such ids are broken
/// by their first 8 bytes only).
pub(crate) fn id_order(id: &str) -> u64 {
    if id.len() == 16
        && let Ok(n) = u64::from_str_radix(id, 16)
        && id.bytes().all(|b| !b.is_ascii_uppercase())
    {
        return n;
    }
    let mut bytes = [0u8; 8];
    for (slot, b) in bytes.iter_mut().zip(id.bytes()) {
        *slot = b;
    }
    u64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::id_order;

    #[test]
    fn id_order_sorts_as_the_ids_do() {
        let mut ids = vec![
            "ffffffffffffffff",
            "0000000000000001",
            "00000000000000a0",
            "0123456789abcdef",
            "1000000000000000",
        ];
        let mut by_number = ids.clone();
        by_number.sort_by_key(|id| id_order(id));
        ids.sort();
        assert_eq!(by_number, ids);
        assert!(id_order("abc") < id_order("abd"));
        assert!(id_order("a") < id_order("ab"));
    }
}
