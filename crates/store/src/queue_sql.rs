//! The desk queue's SQL that both backends share, where their dialects agree: a story's desk
//! status (`DeskStatus::of`) as one expression, so the queue's filter and its counts are
//! the same rule as the desk's Rust.
//! Must not: hold a statement; each backend writes its own around this.

use wiredesk_model::PubStatus;

use crate::DeskStatus;

/// `DeskStatus::of` over the row `s` of `stories`, with `now` the placeholder (`?4`, `$4`)
/// holding the time in microseconds. The status names are the enums' own, fixed words.
pub(crate) fn desk_status(now: &str) -> String {
    format!(
        "CASE WHEN s.pubstatus = '{canceled}' THEN '{killed}' \
              WHEN s.pubstatus = '{withheld}' THEN '{withheld_status}' \
              WHEN s.went_live IS NULL THEN '{held}' \
              WHEN s.went_live > {now} THEN '{embargoed}' \
              ELSE '{live}' END",
        canceled = PubStatus::Canceled.as_str(),
        killed = DeskStatus::Killed.as_str(),
        withheld = PubStatus::Withheld.as_str(),
        withheld_status = DeskStatus::Withheld.as_str(),
        held = DeskStatus::Held.as_str(),
        embargoed = DeskStatus::Embargoed.as_str(),
        live = DeskStatus::Live.as_str(),
    )
}

/// Counts by status as the queries return them, in `DeskStatus::ALL`'s order with the
/// statuses no story has at zero.
pub(crate) fn counts(rows: Vec<(String, i64, i64)>) -> crate::QueueCounts {
    let mut counts = crate::QueueCounts {
        by_status: DeskStatus::ALL.iter().map(|s| (*s, 0)).collect(),
        advisories: 0,
    };
    for (status, n, advisories) in rows {
        if let Some(entry) = counts
            .by_status
            .iter_mut()
            .find(|(s, _)| s.as_str() == status)
        {
            entry.1 = n.max(0) as u64;
        }
        counts.advisories += advisories.max(0) as u64;
    }
    counts
}
