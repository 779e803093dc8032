//! Following a job run to its end, the way the Databricks SDK's waiter does (reference §2.3):
//! poll `runs/get` with the one waiter of [`crate::ops::wait`] until the run is TERMINATED,
//! SKIPPED or INTERNAL_ERROR, or the timeout (20 min by default) passes. The progress callback
//! hears every polled state of the run. Cancelling a run ([`cancel_run`]) goes through the
//! change pipeline and follows the run the same way until it has ended.

use crate::api::models::jobs::JobRun;
use crate::api::{ApiError, Client};
use crate::ops::change::judge::{Sent, judge};
use crate::ops::change::outcome::{ChangeContext, ChangeOutcome};
use crate::ops::change::pipeline::{self, Change, Entry, Sending, Settled, Stamp};
use crate::ops::change::readback::run_life;
use crate::ops::change::resend::{AfterLost, Resend};
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::journal::Journal;

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
    wait_for_run(client, run_id, &mut poll).await
}

async fn wait_for_run(
    client: &Client,
    run_id: i64,
    poll: &mut Poll<'_>,
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

/// A cancel of one job run on its way through the change pipeline. Cancelling is asynchronous
/// (the run is still running when the server answers), so the read-back follows the run with
/// the waiter until it has ended.
struct RunCancel<'a> {
    run_id: i64,
    /// The run's name and state before the cancel, once read.
    name: String,
    state: String,
    poll: Poll<'a>,
}

impl RunCancel<'_> {
    fn request_line(&self) -> String {
        format!("POST /api/2.2/jobs/runs/cancel (run_id {})", self.run_id)
    }

    fn before(&self) -> ObjectState {
        ObjectState::RunLife {
            ended: false,
            state: Some(self.state.clone()),
            cancelled: None,
        }
    }
}

/// What a cancel wants: the run ended, cancelled (not ended on its own meanwhile).
fn ended() -> ObjectState {
    ObjectState::RunLife {
        ended: true,
        state: None,
        cancelled: Some(true),
    }
}

impl Change for RunCancel<'_> {
    type Detail = ();

    fn what(&self) -> String {
        format!("cancelling run {}", self.run_id)
    }

    /// Cancelling a run twice does nothing more than cancelling it once.
    fn resend(&self) -> Resend {
        Resend::Idempotent
    }

    /// Refuses a run that has already ended.
    async fn prepare(&mut self, client: &Client) -> Result<(), OpError> {
        let run_id = self.run_id;
        let run = client
            .get_job_run(run_id)
            .await
            .map_err(|e| OpError::from_read(e, "jobs", || format!("run {run_id} not found")))?;
        if run.is_terminal() {
            return Err(OpError::NothingToDo(format!(
                "run {run_id} has already ended ({})",
                run.state_label()
            )));
        }
        self.name = run
            .run_name
            .clone()
            .unwrap_or_else(|| format!("job {}", run.job_id));
        self.state = run.state_label();
        Ok(())
    }

    fn entry(&self, _: &Stamp) -> Entry {
        Entry {
            action: ChangeAction::CancelRun,
            target: Target::Run {
                run_id: self.run_id,
                job: self.name.clone(),
            },
            before: self.before(),
            after: ended(),
            comment: None,
            reverts: None,
            requests: vec![self.request_line()],
        }
    }

    async fn send(&mut self, client: &Client, _: &Stamp) -> Sending<()> {
        let mut sending = Sending::new(());
        sending.log.push(self.request_line());
        let mut answer = client.cancel_job_run(self.run_id).await;
        if let Sent::Lost(lost) = Sent::of(&answer)
            && self.resend().after_lost(&lost, None, false) == AfterLost::SendAgain
        {
            sending.log.push(format!(
                "{} (again: cancelling twice is harmless)",
                self.request_line()
            ));
            answer = client.cancel_job_run(self.run_id).await;
        }
        sending.last = Sent::of(&answer);
        sending
    }

    /// Follows the run until it has ended; a run still running when the wait times out is
    /// unknown (the cancel may still take effect), not failed.
    async fn settle(
        &mut self,
        client: &Client,
        _: &Journal,
        _: &Stamp,
        sending: &mut Sending<()>,
    ) -> Settled {
        let run_id = self.run_id;
        let read = match &sending.last {
            // Refused: nothing to wait for; one read shows where the run is.
            Sent::Refused(_) => client.get_job_run(run_id).await.map(|r| run_life(&r)),
            _ => match wait_for_run(client, run_id, &mut self.poll).await {
                Ok(run) => Ok(run_life(&run)),
                Err(WaitError::Api(e)) => Err(e),
                Err(e) => Err(ApiError::Timeout {
                    what: e.to_string(),
                    secs: self.poll.backoff.timeout.as_secs_f64(),
                    sent: true,
                }),
            },
        };
        let object = format!("run {run_id}");
        let verdict = judge(&object, &self.before(), &ended(), &sending.last, &read);
        Settled { read, verdict }
    }
}

/// Cancels job run `run_id` through the change pipeline (refused read-only; journaled before
/// and after) and follows it with `poll` until it has ended. Errors mean nothing was sent.
pub async fn cancel_run(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    run_id: i64,
    poll: Poll<'_>,
) -> Result<ChangeOutcome, OpError> {
    let mut change = RunCancel {
        run_id,
        name: String::new(),
        state: String::new(),
        poll,
    };
    Ok(pipeline::run(client, journal, ctx, &mut change)
        .await?
        .into())
}
