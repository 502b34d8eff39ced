//! Crash points: places where a test may make the process die on the spot, as `kill -9` or a
//! power cut would, to prove that no instant loses an accepted story or strands a projection.
//!
//! `WIREDESK_CRASH_AT=<name>` makes the process abort the first time it reaches the point of
//! that name; unset (always, outside tests), a point costs one read of a static. Written here
//! rather than taken from `fail` (tikv's fail-rs): that crate can panic or return at a point
//! but not abort the process, and its points exist only in a build with a feature the
//! end-to-end tests' binary is not built with.

use std::sync::LazyLock;

/// The store's transaction has written its events but not committed them.
pub const IN_STORE_COMMIT: &str = "in-store-commit";
/// The store has committed a batch; the caller has not heard back.
pub const AFTER_STORE_COMMIT: &str = "after-store-commit";
/// The search index has its documents written but not committed.
pub const BEFORE_INDEX_COMMIT: &str = "before-index-commit";

static CRASH_AT: LazyLock<Option<String>> = LazyLock::new(|| {
    std::env::var("WIREDESK_CRASH_AT")
        .ok()
        .filter(|v| !v.is_empty())
});

/// Abort the process here if `WIREDESK_CRASH_AT` names this point.
pub fn point(name: &str) {
    if CRASH_AT.as_deref() == Some(name) {
        eprintln!("WIREDESK_CRASH_AT={name}: aborting here");
        std::process::abort();
    }
}
