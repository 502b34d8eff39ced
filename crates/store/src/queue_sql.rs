//! The desk queue's SQL that both backends share, where their dialects agree: a story's desk
//! status (`DeskStatus::of`) as one expression, so the queue's filter and its counts are
//! the same rule as the desk's Rust; and the queue's counts read from the `desk_counts`
//! summary.
//! Must not: hold a connection; each backend runs these on its own pool.

use wiredesk_model::PubStatus;

use crate::DeskStatus;
use crate::columns::DeskScope;

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

/// The queue's counts under the agency and topic filters (no text), as two statements that
/// read indexes, never the documents of the whole archive: stories by status (`stories_by_status`,
/// `stories_by_agency_status`, or a topic's rows in `story_topics`), and advisories by status
/// (the partial indexes that hold only advisories). Placeholder 1 is `now`; the filters that
/// are set follow, in the order of the returned values. `p` spells a placeholder, `advisory`
/// is the dialect's advisory test over `s`, `join` its way to make `story_topics` lead.
pub(crate) fn indexed_counts<'f>(
    filter: &'f crate::QueueFilter,
    p: fn(usize) -> String,
    advisory: &str,
    join: &str,
) -> (String, String, Vec<&'f str>) {
    let mut values: Vec<&str> = Vec::new();
    let mut agency = String::new();
    if let Some(a) = &filter.agency {
        values.push(a);
        agency = format!("AND s.agency = {}", p(values.len() + 1));
    }
    let topic = filter.topic.as_deref().map(|t| {
        values.push(t);
        p(values.len() + 1)
    });
    let status = desk_status(&p(1));
    let by_status = match &topic {
        Some(topic) => format!(
            "SELECT {status} AS desk_status, COUNT(*) FROM story_topics t {join} stories s
             ON s.id = t.story_id WHERE t.topic = {topic} {agency} GROUP BY desk_status"
        ),
        None => format!(
            "SELECT {status} AS desk_status, COUNT(*) FROM stories s WHERE true {agency}
             GROUP BY desk_status"
        ),
    };
    let in_topic = topic.map_or(String::new(), |topic| {
        format!(
            "AND EXISTS (SELECT 1 FROM story_topics t WHERE t.story_id = s.id AND t.topic = {topic})"
        )
    });
    let advisories = format!(
        "SELECT {status} AS desk_status, COUNT(*) FROM stories s
         WHERE {advisory} {agency} {in_topic} GROUP BY desk_status"
    );
    (by_status, advisories, values)
}

/// Counts by status and advisories by status, as `indexed_counts`' two statements return them,
/// in `counts`' form.
pub(crate) fn merged(
    all: Vec<(String, i64)>,
    advisories: Vec<(String, i64)>,
) -> Vec<(String, i64, i64)> {
    all.into_iter()
        .map(|(status, n)| {
            let held = advisories
                .iter()
                .find(|(s, _)| *s == status)
                .map_or(0, |h| h.1);
            (status, n, held)
        })
        .collect()
}

/// The statement that fills `desk_counts` from the stories of a database made before it,
/// once: it inserts nothing unless the summary is empty, which it is only when the store has
/// no story. The status is `desk_status` at the end of time, as `columns::stored_desk_status`
/// keeps it; `advisory` is the dialect's advisory test over `s`.
pub(crate) fn fill_desk_counts(advisory: &str) -> String {
    let status = desk_status(&i64::MAX.to_string());
    let (agency, topic) = (DeskScope::Agency.as_str(), DeskScope::Topic.as_str());
    format!(
        "INSERT INTO desk_counts (scope, key, status, advisory, stories)
         SELECT '{agency}', s.agency, {status}, CASE WHEN {advisory} THEN 1 ELSE 0 END, COUNT(*)
         FROM stories s WHERE NOT EXISTS (SELECT 1 FROM desk_counts) GROUP BY 2, 3, 4
         UNION ALL
         SELECT '{topic}', t.topic, {status}, CASE WHEN {advisory} THEN 1 ELSE 0 END, COUNT(*)
         FROM story_topics t JOIN stories s ON s.id = t.story_id
         WHERE NOT EXISTS (SELECT 1 FROM desk_counts) GROUP BY 2, 3, 4"
    )
}

/// The queue's counts under an agency filter or a topic filter (not both, and no text) from
/// the `desk_counts` summary, as two statements whose cost does not grow with the archive:
/// the stored rows (by status: stories, advisories), with the agency or topic as placeholder
/// 1; and the stories still embargoed at `now` (placeholder 1, the agency or topic 2), found
/// through the status index from `now` on. `None` when both filters are set.
pub(crate) fn summary_counts<'f>(
    filter: &'f crate::QueueFilter,
    p: fn(usize) -> String,
    advisory: &str,
) -> Option<(String, String, Option<&'f str>)> {
    let (scope, key) = match (filter.agency.as_deref(), filter.topic.as_deref()) {
        (Some(_), Some(_)) => return None,
        (Some(agency), None) => (DeskScope::Agency, Some(agency)),
        (None, Some(topic)) => (DeskScope::Topic, Some(topic)),
        // Every story is counted once under its agency.
        (None, None) => (DeskScope::Agency, None),
    };
    let stored = format!(
        "SELECT status, CAST(SUM(stories) AS BIGINT),
                CAST(SUM(CASE WHEN advisory = 1 THEN stories ELSE 0 END) AS BIGINT)
         FROM desk_counts WHERE scope = '{scope}' {key} GROUP BY status",
        scope = scope.as_str(),
        key = key.map_or(String::new(), |_| format!("AND key = {}", p(1))),
    );
    let narrowed = match (scope, key) {
        (_, None) => String::new(),
        (DeskScope::Agency, Some(_)) => format!("AND s.agency = {}", p(2)),
        (DeskScope::Topic, Some(_)) => format!(
            "AND EXISTS (SELECT 1 FROM story_topics t WHERE t.story_id = s.id AND t.topic = {})",
            p(2)
        ),
    };
    let embargoed = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN {advisory} THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM stories s WHERE s.pubstatus = '{usable}' AND s.went_live > {now} {narrowed}",
        usable = PubStatus::Usable.as_str(),
        now = p(1),
    );
    Some((stored, embargoed, key))
}

/// Run `summary_counts`' statements `(stored, embargoed, key)` on `$pool`, with `$now` in
/// microseconds, and give the counts (`from_summary`). A macro, as the backends' pools are
/// of different sqlx types and the binding is the same for both.
macro_rules! fetch_summary_counts {
    ($pool:expr, $statements:expr, $now:expr) => {{
        let (stored, embargoed, key) = $statements;
        // Built only from constants and the enums' fixed names; every value is bound.
        let mut stored = sqlx::query_as::<_, (String, i64, i64)>(sqlx::AssertSqlSafe(stored));
        let mut embargoed =
            sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(embargoed)).bind($now);
        if let Some(key) = key {
            stored = stored.bind(key);
            embargoed = embargoed.bind(key);
        }
        let stored = stored.fetch_all($pool).await?;
        let embargoed = embargoed.fetch_one($pool).await?;
        $crate::queue_sql::from_summary(stored, embargoed)
    }};
}
pub(crate) use fetch_summary_counts;

/// The counts from `summary_counts`' two statements: the stored rows (status, stories,
/// advisories) with the stories still embargoed (stories, advisories) moved from live, where
/// the summary keeps them, to embargoed.
pub(crate) fn from_summary(
    stored: Vec<(String, i64, i64)>,
    embargoed: (i64, i64),
) -> crate::QueueCounts {
    let live = DeskStatus::Live.as_str();
    let mut rows: Vec<(String, i64, i64)> = stored
        .into_iter()
        .map(|(status, n, advisories)| {
            if status == live {
                (status, n - embargoed.0, advisories - embargoed.1)
            } else {
                (status, n, advisories)
            }
        })
        .collect();
    rows.push((
        DeskStatus::Embargoed.as_str().to_string(),
        embargoed.0,
        embargoed.1,
    ));
    counts(rows)
}
