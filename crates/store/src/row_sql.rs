//! The stories row's upsert tail that both backends share, where their dialects agree: what a
//! new state of a row keeps of the old one (`taken_down_at`, the moment a usable story first
//! stopped being usable), written once for the single and the batch append; and which of a
//! batch's states that rule lets a batch append leave out (`states_that_count`).
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

use std::collections::HashMap;

use jiff::Timestamp;
use wiredesk_model::{PubStatus, Story, StoryId};

/// Of a batch's states, each folded from an event at its time and in the log's order, those
/// a batch append must write for every row to end as writing each state in turn would leave
/// it (`rows_that_count`); the others are left out, the order kept. Most stories take two
/// states in a batch (ingested, published) and are written once.
pub(crate) fn states_that_count(states: Vec<(Story, Timestamp)>) -> Vec<(Story, Timestamp)> {
    let mut usable: HashMap<StoryId, Vec<bool>> = HashMap::new();
    for (story, _) in &states {
        usable
            .entry(story.id.clone())
            .or_default()
            .push(story.pubstatus == PubStatus::Usable);
    }
    let kept: HashMap<StoryId, Vec<usize>> = usable
        .into_iter()
        .map(|(id, usable)| (id, rows_that_count(&usable)))
        .collect();
    let mut seen: HashMap<StoryId, usize> = HashMap::new();
    states
        .into_iter()
        .filter(|(story, _)| {
            let i = seen.entry(story.id.clone()).or_insert(0);
            let keep = kept[&story.id].contains(i);
            *i += 1;
            keep
        })
        .collect()
}

/// Which of a story's states in one batch must be written, in order, for its row to end as
/// writing every one would leave it (`usable[i]`: whether state `i` is usable). Every column
/// but `taken_down_at` is the last state's; `taken_down_at` (`row_sql`) is cleared by a usable
/// state, set to the state's time by the first one after a usable one, and kept otherwise. So
/// a usable state followed by a usable one changes nothing the next does not set again, nor
/// does a state after the first that is, like the one before it, not usable (it keeps the
/// moment already set). Usually only the last state is written.
fn rows_that_count(usable: &[bool]) -> Vec<usize> {
    let n = usable.len();
    (0..n)
        .filter(|&i| {
            let last = i + 1 == n;
            let overwritten = !last && usable[i] && usable[i + 1];
            let kept_as_is = i > 0 && !last && !usable[i] && !usable[i - 1];
            !overwritten && !kept_as_is
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::rows_that_count;

    /// `taken_down_at` after states in order, from a row that was (`None`: no row) usable or
    /// not with a moment: the rule of `row_sql`, one state at a time. A state's time is its
    /// index plus one; the stored moment is 100.
    fn taken_down(before: Option<bool>, states: &[(bool, i64)]) -> Option<i64> {
        let mut row: Option<(bool, Option<i64>)> =
            before.map(|usable| (usable, (!usable).then_some(100)));
        for &(usable, at) in states {
            let t = match row {
                _ if usable => None,
                None => Some(at),
                Some((true, _)) => Some(at),
                Some((false, t)) => t.or(Some(at)),
            };
            row = Some((usable, t));
        }
        row.and_then(|(_, t)| t)
    }

    #[test]
    fn the_rows_written_leave_the_row_as_every_state_would() {
        for n in 1..=7usize {
            for bits in 0..(1u32 << n) {
                let usable: Vec<bool> = (0..n).map(|i| bits & (1 << i) != 0).collect();
                let all: Vec<(bool, i64)> = usable
                    .iter()
                    .enumerate()
                    .map(|(i, &u)| (u, i as i64 + 1))
                    .collect();
                let kept = rows_that_count(&usable);
                assert_eq!(kept.last(), Some(&(n - 1)), "the last state is written");
                let some: Vec<(bool, i64)> = kept.iter().map(|&i| all[i]).collect();
                for before in [None, Some(true), Some(false)] {
                    assert_eq!(
                        taken_down(before, &some),
                        taken_down(before, &all),
                        "{usable:?} from {before:?}: rows {kept:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_story_usable_throughout_is_written_once() {
        assert_eq!(rows_that_count(&[true, true, true]), [2]);
        assert_eq!(rows_that_count(&[true, true, false, false]), [1, 2, 3]);
    }
}
