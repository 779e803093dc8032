//! Following a job run to its end, the way the Databricks SDK's waiter does (reference §2.3):
//! poll `runs/get` with the one waiter of [`crate::ops::wait`] until the run is TERMINATED,
//! SKIPPED or INTERNAL_ERROR, or the timeout (20 min by default) passes. The progress callback
//! hears every polled state of the run.

use crate::api::Client;
use crate::api::models::jobs::JobRun;

pub use crate::ops::wait::{Backoff, Sleep, WaitError, Waiter};

/// How following a job run waits; its progress is every polled state of the run.
pub type Poll<'a> = Waiter<'a, JobRun>;

impl<'a> Waiter<'a, JobRun> {
    /// Called with every polled state of the run (for progress lines or a live view).
    pub fn on_update(self, on_update: impl FnMut(&JobRun) + Send + 'a) -> Self {
        self.on_progress(on_update)
    }
}

/// Polls run `run_id` until it is terminal and returns its final state. A run that ends badly
/// (FAILED, CANCELED, INTERNAL_ERROR) is still `Ok`: judging the outcome is the caller's.
/// Errors of a poll end the wait (the client has already retried what is retryable).
pub async fn wait_for_job_run(
    client: &Client,
    run_id: i64,
    mut poll: Poll<'_>,
) -> Result<JobRun, WaitError> {
    poll.until(
        || client.get_job_run(run_id),
        JobRun::is_terminal,
        |run, _, _| Some(run.clone()),
        |run, waited| WaitError::TimedOut {
            run_id,
            waited,
            last: run.state_label(),
        },
    )
    .await
}
