//! The one polling waiter, the way the Databricks SDK's waiters poll (reference §2.3): read,
//! and while the thing read is not settled, sleep with a linear backoff of 1 s, 2 s, … capped at
//! 10 s, until it settles or the timeout (20 min by default) passes. Following a job run to its
//! end (`ops::jobs`) and waiting for a serving endpoint to finish its update (`ops::traffic`)
//! are both this waiter, with one error type.
//!
//! How the waiter sleeps is injected: production sleeps on tokio's timer; tests pass a sleep
//! that advances the simulator's manual clock instead, so a 20-second run is followed in
//! milliseconds and every poll lands at a known simulated instant. The SDK adds up to a second
//! of jitter per poll to spread load across many waiters; one console following one thing does
//! not need it, and tests are deterministic without it.

use std::future::Future;
use std::time::Duration;

use futures::future::BoxFuture;

use crate::api::{ApiError, ApiResult};

/// The polling schedule: the n-th wait is `min(n × step, cap)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub step: Duration,
    pub cap: Duration,
    /// Give up once this much time has been spent waiting between polls.
    pub timeout: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            step: Duration::from_secs(1),
            cap: Duration::from_secs(10),
            timeout: Duration::from_secs(20 * 60),
        }
    }
}

impl Backoff {
    /// The wait before poll `attempt + 1` (`attempt` counts from 1).
    pub fn delay(&self, attempt: u32) -> Duration {
        self.step.saturating_mul(attempt).min(self.cap)
    }
}

/// How to wait between polls.
pub type Sleep<'a> = Box<dyn FnMut(Duration) -> BoxFuture<'static, ()> + Send + 'a>;

/// Why a wait ended before what it waited for settled.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WaitError {
    /// A read failed (the client has already retried what is retryable).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// A job run had not ended when the timeout passed.
    #[error("run {run_id} had not ended after {waited:?} (last state {last})")]
    TimedOut {
        run_id: i64,
        waited: Duration,
        last: String,
    },
    /// A serving endpoint was still updating when the timeout passed.
    #[error("endpoint {endpoint} was still updating after {secs} s")]
    StillUpdating { endpoint: String, secs: u64 },
    /// A SQL statement was still pending or running when the timeout passed.
    #[error("SQL statement {statement_id} was still {last} after {secs} s")]
    StatementRunning {
        statement_id: String,
        secs: u64,
        last: String,
    },
}

/// How something waits: the schedule, how to sleep, and who hears of its progress (`P`: a
/// job run's polled state, a serving change's progress line).
pub struct Waiter<'a, P> {
    pub backoff: Backoff,
    pub sleep: Sleep<'a>,
    pub on_progress: Box<dyn FnMut(&P) + Send + 'a>,
}

impl<P> Waiter<'static, P> {
    /// The SDK's schedule on the real timer, reporting nothing.
    pub fn real() -> Self {
        Waiter {
            backoff: Backoff::default(),
            sleep: Box::new(|d| Box::pin(tokio::time::sleep(d))),
            on_progress: Box::new(|_| {}),
        }
    }
}

impl<'a, P> Waiter<'a, P> {
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    pub fn with_sleep(mut self, sleep: Sleep<'a>) -> Self {
        self.sleep = sleep;
        self
    }

    pub fn on_progress(mut self, f: impl FnMut(&P) + Send + 'a) -> Self {
        self.on_progress = Box::new(f);
        self
    }

    /// Tells the progress callback.
    pub fn report(&mut self, progress: &P) {
        (self.on_progress)(progress);
    }

    /// Reads with `read` until `settled` says so and returns the last read. After every read,
    /// `progress` may name what to report (it is told whether the read settled and how long
    /// has been waited so far). Between reads it sleeps per the backoff, the last sleep cut to
    /// what is left of the timeout; a read at the timeout that has not settled ends the wait
    /// with `timed_out(last read, time waited)`. A failed read ends the wait.
    pub async fn until<T, Fut>(
        &mut self,
        mut read: impl FnMut() -> Fut,
        settled: impl Fn(&T) -> bool,
        mut progress: impl FnMut(&T, bool, Duration) -> Option<P>,
        timed_out: impl FnOnce(&T, Duration) -> WaitError,
    ) -> Result<T, WaitError>
    where
        Fut: Future<Output = ApiResult<T>>,
    {
        let mut waited = Duration::ZERO;
        let mut attempt = 0;
        loop {
            let item = read().await?;
            let done = settled(&item);
            if let Some(p) = progress(&item, done, waited) {
                self.report(&p);
            }
            if done {
                return Ok(item);
            }
            if waited >= self.backoff.timeout {
                return Err(timed_out(&item, waited));
            }
            attempt += 1;
            let delay = self
                .backoff
                .delay(attempt)
                .min(self.backoff.timeout - waited);
            (self.sleep)(delay).await;
            waited += delay;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn backoff_is_linear_then_capped() {
        let b = Backoff::default();
        let delays: Vec<u64> = (1..=12).map(|n| b.delay(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10]);
        let fast = Backoff {
            step: Duration::from_millis(5),
            cap: Duration::from_millis(12),
            timeout: Duration::from_secs(1),
        };
        assert_eq!(fast.delay(2), Duration::from_millis(10));
        assert_eq!(fast.delay(3), Duration::from_millis(12));
    }

    /// A waiter that records its sleeps and progress instead of sleeping.
    fn recording(
        timeout: u64,
        slept: Arc<Mutex<Vec<u64>>>,
        seen: Arc<Mutex<Vec<u32>>>,
    ) -> Waiter<'static, u32> {
        Waiter::real()
            .with_backoff(Backoff {
                timeout: Duration::from_secs(timeout),
                ..Backoff::default()
            })
            .with_sleep(Box::new(move |d| {
                slept.lock().unwrap().push(d.as_secs());
                Box::pin(async {})
            }))
            .on_progress(move |p| seen.lock().unwrap().push(*p))
    }

    #[tokio::test]
    async fn polls_until_settled_reporting_each_read() {
        let (slept, seen) = (Arc::default(), Arc::default());
        let mut w = recording(600, Arc::clone(&slept), Arc::clone(&seen));
        let mut reads = 0u32;
        let last = w
            .until(
                || {
                    reads += 1;
                    let n = reads;
                    async move { Ok(n) }
                },
                |n| *n == 4,
                |n, _, _| Some(*n),
                |_, _| unreachable!("settles before the timeout"),
            )
            .await
            .unwrap();
        assert_eq!(last, 4);
        assert_eq!(*slept.lock().unwrap(), [1, 2, 3]);
        assert_eq!(*seen.lock().unwrap(), [1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn the_last_sleep_is_cut_to_the_timeout_and_a_failed_read_ends_the_wait() {
        let (slept, seen) = (Arc::default(), Arc::default());
        let mut w = recording(5, Arc::clone(&slept), seen);
        let err = w
            .until(
                || async { Ok(0u32) },
                |_| false,
                |_, _, _| None,
                |_, waited| WaitError::StillUpdating {
                    endpoint: "e".into(),
                    secs: waited.as_secs(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "endpoint e was still updating after 5 s");
        assert_eq!(*slept.lock().unwrap(), [1, 2, 2]);

        let lost = ApiError::Transport {
            host: "h".into(),
            message: "reset".into(),
            sent: true,
        };
        let err = w
            .until(
                || {
                    let lost = lost.clone();
                    async move { Err::<u32, _>(lost) }
                },
                |_| true,
                |_, _, _| None,
                |_, _| unreachable!(),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, WaitError::Api(_)), "{err:?}");
    }
}
