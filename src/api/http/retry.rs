//! When to try a call again and how long to wait first.
//!
//! What may be repeated depends on the call ([`Replay`]): a read is repeated after throttling
//! (429), a server error (500, 502, 503, 504) or a connection reset; a change only after 429,
//! which says the server did not take the request. A change whose answer was lost is never
//! sent again here: the caller reads the object back and decides (the change pipeline).
//! Errors that more waiting will not fix — connection refused, DNS, TLS, a connect or request
//! timeout — are never repeated, so a wrong host fails in seconds. Everything stays inside one
//! overall budget per call.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{Duration, Instant};

/// How long retries wait. The overall budget per call is `ClientOptions::retry_budget`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The length of one "second" of the policy: `Retry-After` values and the linear backoff
    /// are counted in this unit. One second in production; tests shrink it so a retried call
    /// takes milliseconds without changing which calls are retried.
    pub unit: Duration,
    /// Upper bound of the random delay added to every wait, so clients throttled together do
    /// not come back in lockstep.
    pub max_jitter: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            unit: Duration::from_secs(1),
            max_jitter: Duration::from_secs(1),
        }
    }
}

/// Whether a call may be sent again without first asking the server what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads (GET, search POSTs, scoring requests, the token exchange): repeating changes
    /// nothing.
    Safe,
    /// A change carrying an idempotency key the server honours (jobs `idempotency_token`): a
    /// repeat answers with what the first one did.
    Keyed,
    /// A change: repeated only when the server said it did not take it (429).
    Never,
}

impl Replay {
    fn repeats_after_loss(self) -> bool {
        matches!(self, Replay::Safe | Replay::Keyed)
    }
}

/// At most this many attempts per call, whatever the budget still allows: a server that keeps
/// failing is reported, not hammered.
pub(crate) const MAX_ATTEMPTS: u32 = 6;

/// The linear backoff for connection errors stops growing after this many units.
const MAX_BACKOFF_UNITS: u32 = 10;

impl RetryPolicy {
    /// A policy for tests: one unit is `unit`, no jitter.
    pub fn scaled(unit: Duration) -> Self {
        RetryPolicy {
            unit,
            max_jitter: Duration::ZERO,
        }
    }

    /// The wait before retrying a response with this status, or `None` when it is final for
    /// this kind of call. 429 is retried for every call (the server did not take it); 503 after
    /// `Retry-After` and 500, 502, 504 after the backoff only for calls that may be repeated:
    /// a change may have been applied before the error.
    pub(crate) fn wait_for_status(
        &self,
        replay: Replay,
        status: u16,
        retry_after: Option<&str>,
        attempt: u32,
        jitter: Duration,
    ) -> Option<Duration> {
        let after_header = || {
            self.unit
                .saturating_mul(retry_after_units(retry_after))
                .saturating_add(jitter)
        };
        match status {
            429 => Some(after_header()),
            503 if replay.repeats_after_loss() => Some(after_header()),
            500 | 502 | 504 if replay.repeats_after_loss() => {
                Some(self.wait_for_transport(attempt, jitter))
            }
            _ => None,
        }
    }

    /// The wait before repeating a call whose connection broke after the request was sent (a
    /// reset, a truncated answer), or `None` when the call must not be repeated blindly.
    pub(crate) fn wait_after_loss(
        &self,
        replay: Replay,
        attempt: u32,
        jitter: Duration,
    ) -> Option<Duration> {
        replay
            .repeats_after_loss()
            .then(|| self.wait_for_transport(attempt, jitter))
    }

    /// The wait before attempt `attempt + 1` after a connection error or timeout on attempt
    /// `attempt` (1-based): min(attempt, 10) units.
    pub(crate) fn wait_for_transport(&self, attempt: u32, jitter: Duration) -> Duration {
        self.unit
            .saturating_mul(attempt.clamp(1, MAX_BACKOFF_UNITS))
            .saturating_add(jitter)
    }

    /// A random delay in `[0, max_jitter]`.
    pub(crate) fn jitter(&self) -> Duration {
        if self.max_jitter.is_zero() {
            return Duration::ZERO;
        }
        self.max_jitter.mul_f64(random_fraction())
    }
}

/// `Retry-After` in whole units. Only the integer form is honoured (as the SDK does); a missing
/// or unreadable value (including the HTTP-date form) means one unit.
pub(crate) fn retry_after_units(value: Option<&str>) -> u32 {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        .unwrap_or(1)
}

/// The end of a call's retry budget.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(Instant);

impl Deadline {
    pub(crate) fn after(budget: Duration, now: Instant) -> Self {
        Deadline(now.checked_add(budget).unwrap_or(now))
    }

    /// Whether sleeping `wait` from `now` still ends inside the budget. A wait that would
    /// overrun it is not started: the caller gets the last error instead of a late one.
    pub(crate) fn allows(&self, now: Instant, wait: Duration) -> bool {
        now.checked_add(wait).is_some_and(|end| end <= self.0)
    }
}

/// A uniform number in [0, 1). std's `RandomState` is seeded randomly per instance, which is
/// enough for jitter and spares a dependency on an OS-seeded RNG.
fn random_fraction() -> f64 {
    let bits = RandomState::new().hash_one(0u8) >> 11;
    bits as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn throttling_and_unavailable_are_retried_after_retry_after() {
        let p = RetryPolicy::default();
        let w =
            |replay, status, header| p.wait_for_status(replay, status, header, 1, Duration::ZERO);
        assert_eq!(w(Replay::Safe, 429, Some("3")), Some(3 * S));
        assert_eq!(w(Replay::Never, 429, Some("3")), Some(3 * S));
        assert_eq!(w(Replay::Safe, 503, Some(" 2 ")), Some(2 * S));
        assert_eq!(w(Replay::Keyed, 503, Some("2")), Some(2 * S));
        assert_eq!(w(Replay::Safe, 429, Some("0")), Some(Duration::ZERO));
        let j = Duration::from_millis(250);
        assert_eq!(
            p.wait_for_status(Replay::Safe, 429, Some("1"), 1, j),
            Some(S + j)
        );
    }

    #[test]
    fn a_change_is_not_repeated_after_an_error_that_may_follow_its_application() {
        let p = RetryPolicy::default();
        for status in [500, 502, 503, 504] {
            assert_eq!(
                p.wait_for_status(Replay::Never, status, Some("1"), 1, Duration::ZERO),
                None,
                "{status}"
            );
            assert!(
                p.wait_for_status(Replay::Safe, status, None, 1, Duration::ZERO)
                    .is_some(),
                "a read is repeated after {status}"
            );
        }
        assert_eq!(p.wait_after_loss(Replay::Never, 1, Duration::ZERO), None);
        assert_eq!(
            p.wait_after_loss(Replay::Safe, 2, Duration::ZERO),
            Some(2 * S)
        );
        assert_eq!(p.wait_after_loss(Replay::Keyed, 1, Duration::ZERO), Some(S));
    }

    #[test]
    fn missing_or_non_integer_retry_after_means_one_unit() {
        let p = RetryPolicy::default();
        let w = |header| p.wait_for_status(Replay::Safe, 429, header, 1, Duration::ZERO);
        assert_eq!(w(None), Some(S));
        assert_eq!(w(Some("soon")), Some(S));
        assert_eq!(w(Some("Wed, 21 Oct 2015 07:28:00 GMT")), Some(S));
        assert_eq!(w(Some("-5")), Some(S));
        assert_eq!(w(Some("1.5")), Some(S));
    }

    #[test]
    fn other_statuses_are_final() {
        let p = RetryPolicy::default();
        for status in [400, 401, 403, 404, 409, 499, 501] {
            for replay in [Replay::Safe, Replay::Keyed, Replay::Never] {
                assert_eq!(
                    p.wait_for_status(replay, status, Some("1"), 1, Duration::ZERO),
                    None,
                    "{status}"
                );
            }
        }
    }

    #[test]
    fn huge_retry_after_saturates_instead_of_overflowing() {
        let p = RetryPolicy::default();
        let w = p
            .wait_for_status(
                Replay::Safe,
                429,
                Some("99999999999999999"),
                1,
                Duration::ZERO,
            )
            .unwrap();
        assert!(w >= Duration::from_secs(u32::MAX as u64));
    }

    #[test]
    fn transport_backoff_is_linear_and_capped_at_ten_units() {
        let p = RetryPolicy::scaled(Duration::from_millis(10));
        let ms = |n| Duration::from_millis(n);
        assert_eq!(p.wait_for_transport(1, Duration::ZERO), ms(10));
        assert_eq!(p.wait_for_transport(2, Duration::ZERO), ms(20));
        assert_eq!(p.wait_for_transport(10, Duration::ZERO), ms(100));
        assert_eq!(p.wait_for_transport(57, Duration::ZERO), ms(100));
        assert_eq!(p.wait_for_transport(0, Duration::ZERO), ms(10));
    }

    #[test]
    fn jitter_stays_within_its_bound() {
        let p = RetryPolicy {
            unit: S,
            max_jitter: Duration::from_millis(5),
        };
        for _ in 0..200 {
            assert!(p.jitter() <= Duration::from_millis(5));
        }
        assert_eq!(RetryPolicy::scaled(S).jitter(), Duration::ZERO);
    }

    #[test]
    fn deadline_refuses_waits_that_would_overrun_the_budget() {
        let t0 = Instant::now();
        let d = Deadline::after(Duration::from_secs(10), t0);
        assert!(d.allows(t0, Duration::from_secs(10)));
        assert!(!d.allows(t0, Duration::from_secs(11)));
        assert!(d.allows(t0 + Duration::from_secs(9), Duration::from_secs(1)));
        assert!(!d.allows(t0 + Duration::from_secs(9), Duration::from_secs(2)));
        assert!(!d.allows(t0, Duration::MAX));
    }
}
