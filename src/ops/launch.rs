//! Starting a job run (training launched from an experiment), through the change pipeline like
//! every change: the attempt is written and fsynced, run-now is sent, the run is read back, the
//! result is written. A lost answer is "unknown" and can be settled later by the journal's
//! verify, which looks for a run of the job started since the attempt. With an idempotency
//! token a lost answer is asked once more with the same token: the server answers with the run
//! the first request started, never a second one.

use crate::api::models::jobs::RunNowRequest;
use crate::api::{ApiError, Client};
use crate::ops::change::execute::{ChangeContext, FailureKind};
use crate::ops::change::judge::{Sent, judge};
use crate::ops::change::pipeline::{self, Change, Entry, Sending, Settled, Stamp};
use crate::ops::change::readback::read_state;
use crate::ops::change::resend::{AfterLost, Resend};
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::change::verify::launched_run;
use crate::ops::error::OpError;
use crate::ops::journal::{Journal, Outcome};

/// How a launch ended.
#[derive(Debug, Clone)]
pub struct LaunchOutcome {
    /// The journal id of the launch.
    pub id: String,
    pub outcome: Outcome,
    /// The job run started, once the server answered.
    pub run_id: Option<i64>,
    /// The server's or the transport's error, when there was one.
    pub error: Option<ApiError>,
    pub failure: Option<FailureKind>,
    /// The run as read back.
    pub verified: Option<ObjectState>,
    /// One sentence for the user.
    pub message: String,
    /// Set when the result could not be journaled (the attempt was; it will read as unknown).
    pub journal_warning: Option<String>,
}

/// A launch's "before": no run started yet.
fn attempt_before() -> ObjectState {
    ObjectState::JobRun {
        started: false,
        run_id: None,
        state: None,
    }
}

/// Why a run is started, when the journal should say more than "run job": its kind of change
/// and a comment (e.g. a retrain: which model, why, and whether it was automatic).
#[derive(Debug, Clone, PartialEq)]
pub struct Purpose {
    pub action: ChangeAction,
    pub comment: String,
}

/// A `run-now` on its way through the pipeline.
struct JobLaunch<'r> {
    /// The job's display name, for the journal.
    job: &'r str,
    req: &'r RunNowRequest,
    purpose: Option<&'r Purpose>,
}

impl JobLaunch<'_> {
    fn request_line(&self) -> String {
        format!("POST /api/2.2/jobs/run-now (job_id {})", self.req.job_id)
    }

    /// The journaled target: runs of the job started since a little before the attempt.
    fn target(&self, stamp: &Stamp) -> Target {
        Target::JobRun {
            job_id: self.req.job_id,
            job: self.job.to_string(),
            // A little slack for clocks that differ between the console and the workspace.
            since_ms: stamp.ts_ms - 60_000,
        }
    }
}

impl Change for JobLaunch<'_> {
    /// The run id the server answered with.
    type Detail = Option<i64>;

    fn what(&self) -> String {
        format!("running job {}", self.job)
    }

    fn resend(&self) -> Resend {
        // As the client decides: an empty token is not sent as a key, so it cannot be resent.
        if self
            .req
            .idempotency_token
            .as_deref()
            .is_some_and(|t| !t.is_empty())
        {
            Resend::Idempotent
        } else {
            Resend::Never
        }
    }

    async fn prepare(&mut self, _: &Client) -> Result<(), OpError> {
        Ok(())
    }

    fn entry(&self, stamp: &Stamp) -> Entry {
        let params: Vec<String> = self
            .req
            .job_parameters
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let parameters = (!params.is_empty()).then(|| format!("parameters: {}", params.join(", ")));
        let comment = match (self.purpose, parameters) {
            (Some(p), Some(params)) => Some(format!("{}; {params}", p.comment)),
            (Some(p), None) => Some(p.comment.clone()),
            (None, params) => params,
        };
        Entry {
            action: self.purpose.map_or(ChangeAction::RunJob, |p| p.action),
            target: self.target(stamp),
            before: attempt_before(),
            after: ObjectState::JobRun {
                started: true,
                run_id: None,
                state: None,
            },
            comment,
            reverts: None,
            requests: vec![self.request_line()],
        }
    }

    async fn send(&mut self, client: &Client, _: &Stamp) -> Sending<Option<i64>> {
        let request = self.request_line();
        let mut sending = Sending::new(None);
        sending.log.push(request.clone());
        let mut answer = client.run_now(self.req).await;
        if let Sent::Lost(lost) = Sent::of(&answer)
            && self.resend().after_lost(&lost, None, false) == AfterLost::SendAgain
        {
            // With the same idempotency token a repeat answers with the run the first request
            // started, or starts it if the first never arrived: never a second run.
            sending
                .log
                .push(format!("{request} (again, same idempotency token)"));
            answer = client.run_now(self.req).await;
        }
        sending.last = Sent::of(&answer);
        sending.detail = answer.as_ref().ok().map(|started| started.run_id);
        sending
    }

    async fn settle(
        &mut self,
        client: &Client,
        journal: &Journal,
        stamp: &Stamp,
        sending: &mut Sending<Option<i64>>,
    ) -> Settled {
        let target = self.target(stamp);
        let run_id = sending.detail;
        let shape = ObjectState::JobRun {
            started: true,
            run_id,
            state: None,
        };
        let read = match run_id {
            Some(_) => read_state(client, &target, &shape).await,
            // No answer: look for the run this launch started among the job's runs, leaving
            // out the runs other launches in the journal account for.
            None => match journal.read() {
                Ok(view) => match view.entry(&stamp.id) {
                    Some(entry) => {
                        let since_ms = stamp.ts_ms - 60_000;
                        launched_run(client, &view, entry, self.req.job_id, since_ms).await
                    }
                    None => read_state(client, &target, &shape).await,
                },
                Err(_) => read_state(client, &target, &shape).await,
            },
        };
        let mut verdict = judge(
            &target.describe(),
            &attempt_before(),
            &shape,
            &sending.last,
            &read,
        );
        if verdict.outcome == Outcome::Ok && verdict.error.is_none() {
            if let Ok(r) = &read {
                verdict.message = format!("started and verified: {}", r.describe());
            }
        } else if verdict.outcome == Outcome::VerifyFailed
            && let Some(id) = run_id
        {
            verdict.message = format!("the server answered run {id} but it cannot be found");
        }
        Settled { read, verdict }
    }
}

/// A fresh idempotency token for one `run-now` (`kind` says which command starts it): the
/// client retries a POST that hit a 429, 503 or a dropped connection, and without a token such
/// a retry could start a second run. std's randomly keyed `RandomState` over the time and
/// process id is unique enough for that and spares an OS-seeded RNG dependency. At most 64
/// characters, as the service requires.
pub fn idempotency_token(kind: &str) -> String {
    use std::hash::BuildHasher;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = (now, std::process::id());
    let a = std::collections::hash_map::RandomState::new().hash_one(seed);
    let b = std::collections::hash_map::RandomState::new().hash_one(seed);
    let kind: String = kind
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect();
    format!("mlops-console-{kind}-{a:016x}{b:016x}")
}

/// Journals and sends `run-now` for `job` (its display name is used in the journal).
pub async fn launch_job(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    job: &str,
    req: &RunNowRequest,
) -> Result<LaunchOutcome, OpError> {
    launch(
        client,
        journal,
        ctx,
        JobLaunch {
            job,
            req,
            purpose: None,
        },
    )
    .await
}

/// [`launch_job`] journaled with `purpose`'s kind of change and comment.
pub async fn launch_job_for(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    job: &str,
    req: &RunNowRequest,
    purpose: &Purpose,
) -> Result<LaunchOutcome, OpError> {
    launch(
        client,
        journal,
        ctx,
        JobLaunch {
            job,
            req,
            purpose: Some(purpose),
        },
    )
    .await
}

async fn launch(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    mut launch: JobLaunch<'_>,
) -> Result<LaunchOutcome, OpError> {
    let done = pipeline::run(client, journal, ctx, &mut launch).await?;
    let verdict = done.verdict;
    let run_id = done.detail.or(match &done.read {
        Ok(ObjectState::JobRun { run_id, .. }) if verdict.outcome == Outcome::Ok => *run_id,
        _ => None,
    });
    let error = done
        .last
        .error()
        .cloned()
        .or_else(|| done.read.clone().err());
    Ok(LaunchOutcome {
        id: done.id,
        outcome: verdict.outcome,
        run_id,
        error,
        failure: verdict.failure,
        verified: done.read.ok(),
        message: verdict.message,
        journal_warning: done.journal_warning,
    })
}
