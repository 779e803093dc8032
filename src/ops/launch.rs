//! Starting a job run (training launched from an experiment), journaled like every change:
//! the attempt is written and fsynced, run-now is sent, the run is read back, the result is
//! written. A lost answer is "unknown" and can be settled later by the journal's verify, which
//! looks for a run of the job started since the attempt.

use crate::api::models::jobs::RunNowRequest;
use crate::api::{ApiError, Client};
use crate::ops::change::execute::{ChangeContext, FailureKind};
use crate::ops::change::readback::read_state;
use crate::ops::change::target::{Action, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::journal::{Attempt, Journal, Outcome, Record, ResultRecord, Via};

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

/// Journals and sends `run-now` for `job` (its display name is used in the journal).
pub async fn launch_job(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    job: &str,
    req: &RunNowRequest,
) -> Result<LaunchOutcome, OpError> {
    if client.readonly() {
        return Err(OpError::ReadOnly(format!("running job {job}")));
    }
    let id = journal.new_id();
    let (ts_ms, time) = journal.now();
    let target = Target::JobRun {
        job_id: req.job_id,
        job: job.to_string(),
        // A little slack for clocks that differ between the console and the workspace.
        since_ms: ts_ms - 60_000,
    };
    let params: Vec<String> = req
        .job_parameters
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let attempt = Attempt {
        id: id.clone(),
        time,
        ts_ms,
        profile: ctx.profile.clone(),
        host: client.host().to_string(),
        actor: ctx.actor.clone(),
        action: Action::RunJob,
        target: target.clone(),
        before: ObjectState::JobRun {
            started: false,
            run_id: None,
            state: None,
        },
        after: ObjectState::JobRun {
            started: true,
            run_id: None,
            state: None,
        },
        comment: (!params.is_empty()).then(|| format!("parameters: {}", params.join(", "))),
        reverts: None,
        requests: vec![format!(
            "POST /api/2.2/jobs/run-now (job_id {})",
            req.job_id
        )],
    };
    journal
        .append_async(Record::Attempt(Box::new(attempt)))
        .await
        .map_err(|e| OpError::Journal {
            path: journal.path().to_path_buf(),
            message: e.to_string(),
        })?;

    let (outcome, run_id, error, verified, message) = match client.run_now(req).await {
        Ok(started) => {
            let shape = ObjectState::JobRun {
                started: true,
                run_id: Some(started.run_id),
                state: None,
            };
            match read_state(client, &target, &shape).await {
                Ok(read @ ObjectState::JobRun { started: true, .. }) => {
                    let message = format!("started and verified: {}", read.describe());
                    (Outcome::Ok, Some(started.run_id), None, Some(read), message)
                }
                Ok(read) => (
                    Outcome::VerifyFailed,
                    Some(started.run_id),
                    None,
                    Some(read),
                    format!(
                        "the server answered run {} but it cannot be found",
                        started.run_id
                    ),
                ),
                Err(e) => (
                    Outcome::Unknown,
                    Some(started.run_id),
                    Some(e.clone()),
                    None,
                    format!(
                        "run {} was started but could not be read back ({e})",
                        started.run_id
                    ),
                ),
            }
        }
        Err(e @ (ApiError::Transport { .. } | ApiError::Timeout { .. })) => (
            Outcome::Unknown,
            None,
            Some(e.clone()),
            None,
            format!("the outcome is unknown ({e}); verify it before starting another run"),
        ),
        Err(e) => (
            Outcome::Failed,
            None,
            Some(e.clone()),
            None,
            format!("failed: {e}"),
        ),
    };
    let failure = match (&outcome, &error) {
        (Outcome::Failed, Some(e)) => Some(FailureKind::of(e)),
        _ => None,
    };
    let (ts_ms, time) = journal.now();
    let result = ResultRecord {
        id: id.clone(),
        time,
        ts_ms,
        outcome,
        error: error.as_ref().map(ToString::to_string),
        verified: verified.clone(),
        via: Via::Execute,
    };
    let journal_warning = journal
        .append_async(Record::Result(result))
        .await
        .err()
        .map(|e| {
            format!(
                "the result could not be written to {} ({e}); the launch shows as unknown there",
                journal.path().display()
            )
        });
    Ok(LaunchOutcome {
        id,
        outcome,
        run_id,
        error,
        failure,
        verified,
        message,
        journal_warning,
    })
}
