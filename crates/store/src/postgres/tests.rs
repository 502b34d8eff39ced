//! The conformance suite against a real PostgreSQL, each test in a schema of its own so they
//! run in parallel without seeing each other. The server is `WIREDESK_TEST_POSTGRES`
//! (`scripts/test` makes sure one answers); when none does the tests fail, they never skip.

use std::future::Future;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

use super::PgStore;
use crate::conformance;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

fn url() -> String {
    std::env::var("WIREDESK_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_URL.to_string())
}

async fn admin(url: &str) -> PgConnection {
    PgConnection::connect(url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL at {url} does not answer ({e}): start one (scripts/test does) or set \
             WIREDESK_TEST_POSTGRES to a server the tests may create schemas in"
        )
    })
}

/// Run `body` with connect options whose `search_path` is a new, empty schema; drop the
/// schema afterwards, whether `body` passed or panicked.
async fn in_fresh_schema<F, Fut>(body: F)
where
    F: FnOnce(PgConnectOptions) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let url = url();
    let mut admin = admin(&url).await;
    // Process id, clock and a counter: unique across parallel tests and test processes.
    let schema = format!(
        "wiredesk_test_{}_{}_{}",
        std::process::id(),
        jiff::Timestamp::now().as_microsecond(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut admin)
        .await
        .expect("create the test's schema");
    let options = PgConnectOptions::from_str(&url)
        .expect("WIREDESK_TEST_POSTGRES is a postgres:// URL")
        .options([("search_path", schema.as_str())]);
    // In a task of its own, so that a failed assertion still lets the schema be dropped.
    let outcome = tokio::spawn(body(options)).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&mut admin)
        .await
        .expect("drop the test's schema");
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

macro_rules! on_postgres {
    ($name:ident) => {
        in_fresh_schema(|options| async move {
            let store = PgStore::connect_with(options).await.unwrap();
            conformance::$name(&store).await;
        })
        .await;
    };
}

conformance::every_check!(on_postgres);

#[tokio::test]
async fn stories_survive_reconnecting() {
    in_fresh_schema(|options| async move {
        {
            let store = PgStore::connect_with(options.clone()).await.unwrap();
            conformance::a_published_story_is_listed_newest_first(&store).await;
        }
        let store = PgStore::connect_with(options).await.unwrap();
        let all = crate::Stories::all_stories(&store).await.unwrap();
        assert_eq!(
            all.len(),
            3,
            "stories committed before reconnecting are all there"
        );
    })
    .await;
}

/// Two desks' processes filing at once: a follower reading the log while they do must see
/// every event exactly once, in increasing order. Without the append lock a lower seq could
/// commit after the follower had passed it, and the follower would miss it for good.
#[tokio::test]
async fn concurrent_appenders_never_hide_an_event_from_a_follower() {
    use std::collections::HashSet;
    use std::sync::Arc;
    use std::time::Duration;

    use jiff::Timestamp;
    use wiredesk_model::StoryEvent;

    use crate::EventLog;

    const APPENDS: usize = 50;
    in_fresh_schema(|options| async move {
        let first = Arc::new(PgStore::connect_with(options.clone()).await.unwrap());
        let second = Arc::new(PgStore::connect_with(options).await.unwrap());
        let at: Timestamp = "2026-11-28T06:00:00Z".parse().unwrap();
        let desk = |store: Arc<PgStore>, desk: &'static str| {
            tokio::spawn(async move {
                for i in 0..APPENDS {
                    let story =
                        conformance::sample_story(&format!("{desk}-{i}"), "IANS", "india", at);
                    let id = story.id.clone();
                    let events = vec![
                        StoryEvent::Ingested {
                            story: Box::new(story),
                        },
                        StoryEvent::Published { id },
                    ];
                    store
                        .append(conformance::at_time(events, at))
                        .await
                        .unwrap();
                }
            })
        };
        let desks = [desk(first.clone(), "a"), desk(second.clone(), "b")];

        let expected = 2 * APPENDS * 2;
        let mut seen = Vec::new();
        let mut position = 0i64;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while seen.len() < expected && tokio::time::Instant::now() < deadline {
            let page = first.events_after(position, 7).await.unwrap();
            if page.is_empty() {
                if desks.iter().all(|d| d.is_finished()) {
                    break;
                }
                tokio::task::yield_now().await;
                continue;
            }
            for e in page {
                assert!(
                    e.seq > position,
                    "the log goes forward: {} after {position}",
                    e.seq
                );
                position = e.seq;
                seen.push((e.event.story_id().clone(), e.event.kind()));
            }
        }
        for d in desks {
            d.await.unwrap();
        }
        // Anything committed behind the follower's position is lost to it: read on to be sure
        // none came in late.
        let late = first.events_after(position, 1000).await.unwrap();
        seen.extend(
            late.iter()
                .map(|e| (e.event.story_id().clone(), e.event.kind())),
        );
        assert_eq!(seen.len(), expected, "every event seen once");
        let distinct: HashSet<_> = seen.iter().collect();
        assert_eq!(distinct.len(), expected, "no event seen twice");
        let log = second.events_after(0, 1000).await.unwrap();
        assert_eq!(log.len(), expected);
        assert_eq!(
            log.iter()
                .map(|e| (e.event.story_id().clone(), e.event.kind()))
                .collect::<Vec<_>>(),
            seen,
            "the follower saw the log in its order"
        );
    })
    .await;
}

macro_rules! pg_accounts_conformance {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            in_fresh_schema(|options| async move {
                let store = PgStore::connect_with(options).await.unwrap();
                crate::accounts::conformance::$name(&store.accounts()).await;
            })
            .await;
        }
    )*};
}

/// The accounts' suite on PostgreSQL, in a module of its own so its names cannot clash with
/// the story store's.
mod accounts {
    use super::*;

    pg_accounts_conformance!(
        failures_in_a_row_make_the_next_attempt_wait_longer,
        a_full_bucket_refuses_without_counting_in_the_others_until_its_window_closes,
        a_success_clears_its_own_failures_and_refunds_the_wider_buckets,
        a_totp_step_is_accepted_once_and_enrolling_again_starts_over,
        sessions_expire_and_end_with_their_account,
        the_audit_log_reads_newest_first_and_push_tokens_name_their_source,
        users_are_listed_by_name_and_removed_with_their_sessions,
    );

    /// Two stores (two pools of eight connections, as two web nodes would have) guessing at
    /// once: the row locks, not one process's pool, keep the count.
    async fn two_nodes(options: PgConnectOptions) -> Vec<crate::accounts::Accounts> {
        let first = PgStore::connect_with(options.clone()).await.unwrap();
        let second = PgStore::connect_with(options).await.unwrap();
        vec![first.accounts(), second.accounts()]
    }

    #[tokio::test]
    async fn parallel_attempts_get_no_more_slots_than_the_allowance() {
        in_fresh_schema(|options| async move {
            let handles = two_nodes(options).await;
            crate::accounts::conformance::parallel_attempts_get_no_more_slots_than_the_allowance(
                &handles,
            )
            .await;
        })
        .await;
    }

    #[tokio::test]
    async fn parallel_failures_are_all_counted() {
        in_fresh_schema(|options| async move {
            let handles = two_nodes(options).await;
            crate::accounts::conformance::parallel_failures_are_all_counted(&handles).await;
        })
        .await;
    }
}

#[tokio::test]
async fn two_processes_on_one_schema_share_one_writer_and_decide_in_turn() {
    use conformance::two_processes;
    in_fresh_schema(|options| async move {
        let first = PgStore::connect_with(options.clone()).await.unwrap();
        let second = PgStore::connect_with(options).await.unwrap();
        two_processes::one_writer_lease_at_a_time(&first, &second).await;
        two_processes::one_decision_at_a_time(&first, &second).await;
    })
    .await;
}

/// Schemas are separate sites: each has a writer of its own.
#[tokio::test]
async fn each_schema_has_its_own_writer() {
    in_fresh_schema(|one| async move {
        let first = PgStore::connect_with(one).await.unwrap();
        let _lease = crate::EventLog::try_writer_lease(&first)
            .await
            .unwrap()
            .expect("free");
        in_fresh_schema(|other| async move {
            let second = PgStore::connect_with(other).await.unwrap();
            assert!(
                crate::EventLog::try_writer_lease(&second)
                    .await
                    .unwrap()
                    .is_some(),
                "another schema's writer does not hold this one's lease"
            );
        })
        .await;
    })
    .await;
}

/// Another process's append wakes this one's followers at once (NOTIFY), rather than at
/// their next poll.
#[tokio::test]
async fn another_process_appending_wakes_the_followers() {
    use std::time::Duration;

    use jiff::Timestamp;

    use crate::EventLog;
    use crate::followers::Followers;

    in_fresh_schema(|options| async move {
        let appender = PgStore::connect_with(options.clone()).await.unwrap();
        let listener = PgStore::connect_with(options).await.unwrap();
        let followers = Followers::default();
        let mut wake = followers.wake();
        listener.announce_appends_to(&followers);
        let at: Timestamp = "2026-11-28T06:00:00Z".parse().unwrap();
        // The LISTEN starts in a task of its own: append until it is heard.
        let mut heard = None;
        for i in 0..50 {
            let story = conformance::sample_story(&format!("notify-{i}"), "PTI", "india", at);
            conformance::publish(&appender, story, at).await;
            if tokio::time::timeout(Duration::from_millis(200), wake.changed())
                .await
                .is_ok()
            {
                heard = Some(*wake.borrow_and_update());
                break;
            }
        }
        let latest = appender.latest_seq().await.unwrap();
        assert!(
            heard.is_some_and(|seq| seq > 0 && seq <= latest),
            "an append by another process wakes the followers: {heard:?}"
        );
    })
    .await;
}
