//! The stories row's upsert tail that both backends share, where their dialects agree: what a
//! new state of a row keeps of the old one (`taken_down_at`, the moment a usable story first
//! stopped being usable), written once for the single and the batch append.
//! Must not: hold a whole statement; each backend writes its own `INSERT … VALUES` before it.

/// `ON CONFLICT (id) DO UPDATE …` for `stories`: the SET expressions read the row as it was
/// before this update. A macro, so `concat!` can build each backend's statement at compile time.
macro_rules! story_row_upsert {
    () => {
        " ON CONFLICT (id) DO UPDATE SET uri = excluded.uri, version = excluded.version,
           pubstatus = excluded.pubstatus, agency = excluded.agency,
           live_from = excluded.live_from, went_live = excluded.went_live,
           taken_down_at = CASE
             WHEN excluded.pubstatus = 'usable' THEN NULL
             WHEN stories.pubstatus = 'usable' THEN excluded.taken_down_at
             ELSE COALESCE(stories.taken_down_at, excluded.taken_down_at)
           END,
           doc = excluded.doc, headline = excluded.headline,
           language = excluded.language, modified = excluded.modified,
           first_published = excluded.first_published,
           embargo_lift_at = excluded.embargo_lift_at, pinned_at = excluded.pinned_at"
    };
}

pub(crate) use story_row_upsert;
