//! The accounts' behaviour suite: every backend's `Accounts` must pass it. Called from the
//! SQLite tests (`accounts::tests`) and the PostgreSQL ones (`postgres::tests`), as
//! `conformance.rs` is for the story store.

use jiff::{SignedDuration, Timestamp};

use super::{Accounts, AuditEntry, Limit, Role, TokenScope};

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Limits the suite (and `accounts::tests`) throttle with: a pair's doubling waits, an
/// address's fixed window.
pub(super) const PAIR: Limit = Limit {
    per_window: i64::MAX,
    window: SignedDuration::from_hours(24),
    free: 2,
    first_wait: SignedDuration::from_secs(10),
    max_wait: SignedDuration::from_secs(40),
};
pub(super) const WIDE: Limit = Limit {
    per_window: 3,
    window: SignedDuration::from_mins(15),
    free: i64::MAX,
    first_wait: SignedDuration::ZERO,
    max_wait: SignedDuration::ZERO,
};

fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

/// Run `attempts` sign-in attempts at once on `buckets`, spread over `handles` (each its own
/// pool, as separate processes would be); how many were given a slot.
async fn granted_at_once(
    handles: &[Accounts],
    attempts: usize,
    buckets: Vec<(String, Limit)>,
    now: Timestamp,
) -> usize {
    let tasks: Vec<_> = (0..attempts)
        .map(|i| {
            let accounts = handles[i % handles.len()].clone();
            let buckets = buckets.clone();
            tokio::spawn(async move { accounts.take_sign_in_slot(&buckets, now).await.unwrap() })
        })
        .collect();
    let mut granted = 0;
    for task in tasks {
        granted += usize::from(task.await.unwrap().is_none());
    }
    granted
}

pub async fn parallel_attempts_get_no_more_slots_than_the_allowance(handles: &[Accounts]) {
    let now = t("2026-11-28T06:00:00Z");
    let buckets = vec![("pair".to_string(), PAIR), ("address".to_string(), WIDE)];
    assert_eq!(
        granted_at_once(handles, 30, buckets, now).await,
        PAIR.free as usize
    );
}

/// Every parallel failure is counted: a lost update would leave the window with room for
/// more guesses than it allows.
pub async fn parallel_failures_are_all_counted(handles: &[Accounts]) {
    let now = t("2026-11-28T06:00:00Z");
    let roomy = Limit {
        per_window: 40,
        window: SignedDuration::from_mins(15),
        free: i64::MAX,
        first_wait: SignedDuration::ZERO,
        max_wait: SignedDuration::ZERO,
    };
    let buckets = vec![("address".to_string(), roomy), ("other".to_string(), roomy)];
    assert_eq!(granted_at_once(handles, 30, buckets.clone(), now).await, 30);
    // Exactly ten slots left in both buckets, however the thirty interleaved.
    assert_eq!(granted_at_once(handles, 25, buckets.clone(), now).await, 10);
    let later = now + secs(60);
    assert_eq!(
        handles[0].take_sign_in_slot(&buckets, later).await.unwrap(),
        Some(SignedDuration::from_mins(14))
    );
}

/// Listed in byte order, whatever the database's locale.
pub async fn users_are_listed_by_name_and_removed_with_their_sessions(accounts: &Accounts) {
    for name in ["bea", "Zed", "asha"] {
        accounts.put_user(name, Role::Editor, "h").await.unwrap();
    }
    let names: Vec<String> = accounts
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Zed", "asha", "bea"]);
    let now = t("2026-11-28T06:00:00Z");
    accounts
        .create_session("tok", "bea", "csrf", now, now + secs(60))
        .await
        .unwrap();
    assert!(accounts.remove_user("bea").await.unwrap());
    assert!(!accounts.remove_user("bea").await.unwrap(), "already gone");
    assert!(accounts.session("tok", now).await.unwrap().is_none());
    assert_eq!(accounts.sweep_sessions(now).await.unwrap(), 0);
    accounts
        .create_session("old", "asha", "csrf", now, now + secs(1))
        .await
        .unwrap();
    assert_eq!(accounts.sweep_sessions(now + secs(1)).await.unwrap(), 1);
}

pub async fn failures_in_a_row_make_the_next_attempt_wait_longer(accounts: &Accounts) {
    let pair = vec![("pair".to_string(), PAIR)];
    let now = t("2026-11-28T06:00:00Z");
    assert_eq!(accounts.take_sign_in_slot(&pair, now).await.unwrap(), None);
    assert_eq!(accounts.take_sign_in_slot(&pair, now).await.unwrap(), None);
    // The second failure imposed the first wait; a refused attempt adds nothing to it.
    assert_eq!(
        accounts.take_sign_in_slot(&pair, now).await.unwrap(),
        Some(secs(10))
    );
    let later = now + secs(4);
    assert_eq!(
        accounts.take_sign_in_slot(&pair, later).await.unwrap(),
        Some(secs(6))
    );
    let after = now + secs(10);
    assert_eq!(
        accounts.take_sign_in_slot(&pair, after).await.unwrap(),
        None
    );
    assert_eq!(
        accounts.take_sign_in_slot(&pair, after).await.unwrap(),
        Some(secs(20))
    );
}

pub async fn a_full_bucket_refuses_without_counting_in_the_others_until_its_window_closes(
    accounts: &Accounts,
) {
    let now = t("2026-11-28T06:00:00Z");
    let wide = ("address".to_string(), WIDE);
    for i in 0..3 {
        let pair = vec![(format!("pair{i}"), PAIR), wide.clone()];
        assert_eq!(accounts.take_sign_in_slot(&pair, now).await.unwrap(), None);
    }
    let fresh = vec![("pair-fresh".to_string(), PAIR), wide.clone()];
    let later = now + SignedDuration::from_mins(5);
    assert_eq!(
        accounts.take_sign_in_slot(&fresh, later).await.unwrap(),
        Some(SignedDuration::from_mins(10))
    );
    // The refusal counted nothing in the fresh bucket: alone, it still has both free slots.
    let alone = vec![("pair-fresh".to_string(), PAIR)];
    assert_eq!(
        accounts.take_sign_in_slot(&alone, later).await.unwrap(),
        None
    );
    assert_eq!(
        accounts.take_sign_in_slot(&alone, later).await.unwrap(),
        None
    );
    let reopened = now + SignedDuration::from_mins(15);
    let other = vec![("pair-other".to_string(), PAIR), wide];
    assert_eq!(
        accounts.take_sign_in_slot(&other, reopened).await.unwrap(),
        None
    );
}

pub async fn a_success_clears_its_own_failures_and_refunds_the_wider_buckets(accounts: &Accounts) {
    let now = t("2026-11-28T06:00:00Z");
    let buckets = vec![("pair".to_string(), PAIR), ("address".to_string(), WIDE)];
    for _ in 0..2 {
        assert_eq!(
            accounts.take_sign_in_slot(&buckets, now).await.unwrap(),
            None
        );
    }
    assert!(
        accounts
            .take_sign_in_slot(&buckets, now)
            .await
            .unwrap()
            .is_some()
    );
    accounts
        .sign_in_succeeded("pair", &["address".to_string()])
        .await
        .unwrap();
    // One slot back in the address (2 of 3 used, then 1), none of the pair's failures left.
    assert_eq!(
        accounts.take_sign_in_slot(&buckets, now).await.unwrap(),
        None
    );
    assert_eq!(
        accounts.take_sign_in_slot(&buckets, now).await.unwrap(),
        None
    );
    assert!(
        accounts
            .take_sign_in_slot(&buckets, now)
            .await
            .unwrap()
            .is_some()
    );
}

pub async fn a_totp_step_is_accepted_once_and_enrolling_again_starts_over(accounts: &Accounts) {
    accounts
        .put_user("ravi", Role::Admin, "hash")
        .await
        .unwrap();
    assert!(!accounts.set_totp("nobody", Some("SECRET")).await.unwrap());
    assert!(accounts.set_totp("ravi", Some("SECRET")).await.unwrap());
    let user = accounts.user("ravi").await.unwrap().unwrap();
    assert_eq!(user.totp_secret.as_deref(), Some("SECRET"));
    assert!(accounts.use_totp_step("ravi", 100).await.unwrap());
    assert!(
        !accounts.use_totp_step("ravi", 100).await.unwrap(),
        "replayed"
    );
    assert!(!accounts.use_totp_step("ravi", 99).await.unwrap(), "older");
    assert!(accounts.use_totp_step("ravi", 101).await.unwrap());
    // A new password keeps the second factor.
    accounts.put_user("ravi", Role::Admin, "new").await.unwrap();
    assert!(
        accounts
            .user("ravi")
            .await
            .unwrap()
            .unwrap()
            .totp_secret
            .is_some()
    );
    assert!(accounts.set_totp("ravi", Some("OTHER")).await.unwrap());
    assert!(accounts.use_totp_step("ravi", 100).await.unwrap());
    assert!(accounts.set_totp("ravi", None).await.unwrap());
    assert!(
        accounts
            .user("ravi")
            .await
            .unwrap()
            .unwrap()
            .totp_secret
            .is_none()
    );
}

pub async fn sessions_expire_and_end_with_their_account(accounts: &Accounts) {
    accounts
        .put_user("ravi", Role::Admin, "hash")
        .await
        .unwrap();
    let now = t("2026-11-28T06:00:00Z");
    let expires = t("2026-11-28T18:00:00Z");
    accounts
        .create_session("tok", "ravi", "csrf", now, expires)
        .await
        .unwrap();
    let session = accounts.session("tok", now).await.unwrap().unwrap();
    assert_eq!((session.user.as_str(), session.role), ("ravi", Role::Admin));
    assert!(accounts.session("tok", expires).await.unwrap().is_none());
    assert!(accounts.session("other", now).await.unwrap().is_none());
    // A new password ends every session of the account.
    accounts
        .put_user("ravi", Role::Editor, "new")
        .await
        .unwrap();
    assert!(accounts.session("tok", now).await.unwrap().is_none());
    accounts
        .create_session("tok2", "ravi", "csrf", now, expires)
        .await
        .unwrap();
    assert!(accounts.remove_user("ravi").await.unwrap());
    assert!(accounts.session("tok2", now).await.unwrap().is_none());
}

pub async fn the_audit_log_reads_newest_first_and_push_tokens_name_their_source(
    accounts: &Accounts,
) {
    for (i, action) in ["kill", "pin"].iter().enumerate() {
        accounts
            .audit(&AuditEntry {
                at: t("2026-11-28T06:00:00Z") + jiff::SignedDuration::from_secs(i as i64),
                user: "asha".into(),
                action: action.to_string(),
                subject: "story:abc".into(),
                before: Some("a".into()),
                after: None,
            })
            .await
            .unwrap();
    }
    let log = accounts.audit_log(10).await.unwrap();
    assert_eq!(
        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["pin", "kill"]
    );
    let now = t("2026-11-28T06:00:00Z");
    let push = TokenScope::Push;
    accounts.put_token(push, "pti", "h1", now).await.unwrap();
    accounts.put_token(push, "pti", "h2", now).await.unwrap();
    assert_eq!(
        accounts.token_owner(push, "h1").await.unwrap(),
        None,
        "replaced"
    );
    assert_eq!(
        accounts.token_owner(push, "h2").await.unwrap().as_deref(),
        Some("pti")
    );
    // The same name in another scope is another token, and opens only its own scope.
    let metrics = TokenScope::Metrics;
    accounts.put_token(metrics, "pti", "m1", now).await.unwrap();
    assert_eq!(accounts.token_owner(metrics, "h2").await.unwrap(), None);
    assert_eq!(accounts.token_owner(push, "m1").await.unwrap(), None);
    assert_eq!(
        accounts
            .token_owner(metrics, "m1")
            .await
            .unwrap()
            .as_deref(),
        Some("pti")
    );
    assert_eq!(accounts.token_names(push).await.unwrap().len(), 1);
}
