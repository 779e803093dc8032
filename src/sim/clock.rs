//! The simulator's notion of "now": wall-clock time for demos, a hand-advanced clock for tests.
//!
//! The seeded story places every timestamp relative to the clock's reading at start, so a manual
//! clock started at the same instant gives byte-identical answers run after run.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::Notify;

/// How often a real clock wakes the simulator's background dynamics.
const REAL_TICK: Duration = Duration::from_millis(250);

/// A cheap-to-clone clock shared by the server and its handle.
#[derive(Clone, Debug)]
pub struct SimClock {
    inner: Arc<ClockKind>,
}

#[derive(Debug)]
enum ClockKind {
    Real,
    /// Milliseconds since the Unix epoch, moved only by [`SimClock::advance`], which also wakes
    /// whoever waits in [`SimClock::tick`].
    Manual {
        ms: AtomicI64,
        advanced: Notify,
    },
}

impl SimClock {
    /// Follows the system clock; [`SimClock::advance`] has no effect.
    pub fn real() -> Self {
        SimClock {
            inner: Arc::new(ClockKind::Real),
        }
    }

    /// Starts at `start_ms` (Unix epoch milliseconds) and moves only when advanced.
    pub fn manual(start_ms: i64) -> Self {
        SimClock {
            inner: Arc::new(ClockKind::Manual {
                ms: AtomicI64::new(start_ms),
                advanced: Notify::new(),
            }),
        }
    }

    /// Current time in Unix epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        match &*self.inner {
            ClockKind::Real => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(0),
            ClockKind::Manual { ms, .. } => ms.load(Ordering::SeqCst),
        }
    }

    /// Moves a manual clock forward; a real clock ignores this (time moves by itself).
    pub fn advance(&self, by: Duration) {
        if let ClockKind::Manual { ms, advanced } = &*self.inner {
            let delta = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
            ms.fetch_add(delta, Ordering::SeqCst);
            advanced.notify_waiters();
        }
    }

    /// Waits until time may have moved: a short real interval for a real clock, the next
    /// [`SimClock::advance`] for a manual one (which therefore never moves on its own).
    pub async fn tick(&self) {
        match &*self.inner {
            ClockKind::Real => tokio::time::sleep(REAL_TICK).await,
            ClockKind::Manual { advanced, .. } => advanced.notified().await,
        }
    }

    /// Whether this clock only moves when advanced.
    pub fn is_manual(&self) -> bool {
        matches!(&*self.inner, ClockKind::Manual { .. })
    }
}

impl Default for SimClock {
    fn default() -> Self {
        SimClock::real()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced_and_clones_share_time() {
        let c = SimClock::manual(1_000);
        let twin = c.clone();
        assert_eq!(c.now_ms(), 1_000);
        c.advance(Duration::from_secs(2));
        assert_eq!(twin.now_ms(), 3_000);
        assert!(c.is_manual());
    }

    #[tokio::test]
    async fn advancing_a_manual_clock_wakes_its_waiters() {
        let c = SimClock::manual(0);
        let waiter = tokio::spawn({
            let c = c.clone();
            async move {
                c.tick().await;
                c.now_ms()
            }
        });
        // Advance until the waiter, once registered, is woken (no timing assumptions).
        while !waiter.is_finished() {
            c.advance(Duration::from_millis(1));
            tokio::task::yield_now().await;
        }
        assert!(waiter.await.unwrap() >= 1);
    }

    #[test]
    fn real_clock_ignores_advance() {
        let c = SimClock::real();
        let before = c.now_ms();
        c.advance(Duration::from_secs(3600));
        assert!(c.now_ms() - before < 60_000);
        assert!(!c.is_manual());
    }
}
