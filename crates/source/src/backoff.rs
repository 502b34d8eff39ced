//! How long a source waits before its next attempt: its interval while healthy, and an
//! exponential back-off with jitter after failures, so a failing agency server is not
//! hammered and sources that failed together do not retry in step.

use std::time::Duration;

/// The wait after `failures` consecutive failures (0 means healthy: the interval itself).
/// The back-off doubles per failure up to `cap`; `jitter` in `[0, 1]` picks a point in the
/// upper half of that wait ("equal jitter"), and the result is never shorter than `interval`.
pub fn next_delay(interval: Duration, failures: u32, cap: Duration, jitter: f64) -> Duration {
    if failures == 0 {
        return interval;
    }
    let factor = 2u32.saturating_pow(failures.min(30));
    let full = interval.saturating_mul(factor).min(cap.max(interval));
    let half = full / 2;
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    (half + half.mul_f64(jitter)).max(interval)
}

/// [`next_delay`] with a random jitter.
pub fn jittered(interval: Duration, failures: u32, cap: Duration) -> Duration {
    next_delay(interval, failures, cap, fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn a_healthy_source_waits_its_interval() {
        assert_eq!(next_delay(10 * S, 0, 3600 * S, 0.7), 10 * S);
    }

    #[test]
    fn each_failure_doubles_the_wait_within_the_jitter_band() {
        // Failure n: between 2^n/2 and 2^n intervals (never below one interval).
        assert_eq!(next_delay(10 * S, 1, 3600 * S, 0.0), 10 * S);
        assert_eq!(next_delay(10 * S, 1, 3600 * S, 1.0), 20 * S);
        assert_eq!(next_delay(10 * S, 2, 3600 * S, 0.0), 20 * S);
        assert_eq!(next_delay(10 * S, 2, 3600 * S, 1.0), 40 * S);
        assert_eq!(next_delay(10 * S, 3, 3600 * S, 0.5), 60 * S);
        for n in 1..8 {
            assert!(
                next_delay(10 * S, n + 1, 3600 * S, 0.0) >= next_delay(10 * S, n, 3600 * S, 0.0)
            );
        }
    }

    #[test]
    fn the_back_off_is_capped_and_never_overflows() {
        assert_eq!(next_delay(10 * S, 1000, 3600 * S, 1.0), 3600 * S);
        assert_eq!(next_delay(10 * S, u32::MAX, 3600 * S, 0.0), 1800 * S);
        // A cap below the interval never makes a failing source poll faster than a healthy one.
        assert_eq!(next_delay(10 * S, 5, S, 0.0), 10 * S);
        assert_eq!(next_delay(10 * S, 1, 3600 * S, f64::NAN), 10 * S);
    }

    #[test]
    fn random_jitter_stays_in_its_band() {
        for _ in 0..200 {
            let d = jittered(4 * S, 3, 3600 * S);
            assert!((16 * S..=32 * S).contains(&d), "{d:?}");
        }
    }
}
