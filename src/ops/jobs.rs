//! Following a job run to its end, the way the Databricks SDK's waiter does (reference §2.3):
//! poll `runs/get` with a linear backoff of 1 s, 2 s, … capped at 10 s, until the run is
//! TERMINATED, SKIPPED or INTERNAL_ERROR, or the timeout (20 min by default) passes.
//!
//! How the waiter sleeps is injected: production sleeps on tokio's timer; tests pass a sleep
//! that advances the simulator's manual clock instead, so a 20-second run is followed in
//! milliseconds and every poll lands at a known simulated instant. The SDK adds up to a second
//! of jitter per poll to spread load across many waiters; one console following one run does
//! not need it, and tests are deterministic without it.

use std::time::Duration;

use futures::future::BoxFuture;

use crate::api::models::jobs::JobRun;
use crate::api::{ApiError, Client};

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
/// Called with every polled state of the run (for progress lines or a live view).
pub type OnUpdate<'a> = Box<dyn FnMut(&JobRun) + Send + 'a>;

/// Everything [`wait_for_job_run`] needs besides the client and the run.
pub struct Poll<'a> {
    pub backoff: Backoff,
    pub sleep: Sleep<'a>,
    pub on_update: OnUpdate<'a>,
}

impl Poll<'static> {
    /// The SDK's schedule on the real timer, reporting nothing.
    pub fn real() -> Self {
        Poll {
            backoff: Backoff::default(),
            sleep: Box::new(|d| Box::pin(tokio::time::sleep(d))),
            on_update: Box::new(|_| {}),
        }
    }
}

impl<'a> Poll<'a> {
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    pub fn with_sleep(mut self, sleep: Sleep<'a>) -> Self {
        self.sleep = sleep;
        self
    }

    pub fn on_update(mut self, on_update: impl FnMut(&JobRun) + Send + 'a) -> Self {
        self.on_update = Box::new(on_update);
        self
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum WaitError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("run {run_id} had not ended after {waited:?} (last state {last})")]
    TimedOut {
        run_id: i64,
        waited: Duration,
        last: String,
    },
}

/// Polls run `run_id` until it is terminal and returns its final state. A run that ends badly
/// (FAILED, CANCELED, INTERNAL_ERROR) is still `Ok`: judging the outcome is the caller's.
/// Errors of a poll end the wait (the client has already retried what is retryable).
pub async fn wait_for_job_run(
    client: &Client,
    run_id: i64,
    mut poll: Poll<'_>,
) -> Result<JobRun, WaitError> {
    let mut waited = Duration::ZERO;
    let mut attempt = 0;
    loop {
        let run = client.get_job_run(run_id).await?;
        (poll.on_update)(&run);
        if run.is_terminal() {
            return Ok(run);
        }
        if waited >= poll.backoff.timeout {
            return Err(WaitError::TimedOut {
                run_id,
                waited,
                last: run.state_label(),
            });
        }
        attempt += 1;
        let delay = poll
            .backoff
            .delay(attempt)
            .min(poll.backoff.timeout - waited);
        (poll.sleep)(delay).await;
        waited += delay;
    }
}

#[cfg(test)]
mod tests {
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
}
