//! Starting a job run (training launched from an experiment), journaled like every change:
//! the attempt is written and fsynced, run-now is sent, the run is read back, the result is
//! written. A lost answer is "unknown" and can be settled later by the journal's verify, which
//! looks for a run of the job started since the attempt.

use crate::api::models::jobs::RunNowRequest;
use crate::api::{ApiError, Client};
use crate::ops::change::execute::{ChangeContext, FailureKind, record_result};
use crate::ops::change::judge::{Sent, judge};
use crate::ops::change::readback::read_state;
use crate::ops::change::target::{Action, ObjectState, Target};
use crate::ops::change::verify::launched_run;
use crate::ops::error::OpError;
use crate::ops::journal::{Attempt, Journal, Outcome, Record};

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
    // A little slack for clocks that differ between the console and the workspace.
    let since_ms = ts_ms - 60_000;
    let target = Target::JobRun {
        job_id: req.job_id,
        job: job.to_string(),
        since_ms,
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
        workspace_id: client.workspace_id().await,
        actor: ctx.actor.clone(),
        action: Action::RunJob,
        target: target.clone(),
        before: attempt_before(),
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

    let request = format!("POST /api/2.2/jobs/run-now (job_id {})", req.job_id);
    let mut log = vec![request.clone()];
    let mut answer = client.run_now(req).await;
    if matches!(Sent::of(&answer), Sent::Lost(_)) && req.idempotency_token.is_some() {
        // With the same idempotency token a repeat answers with the run the first request
        // started, or starts it if the first never arrived: never a second run.
        log.push(format!("{request} (again, same idempotency token)"));
        answer = client.run_now(req).await;
    }
    let sent = Sent::of(&answer);
    let run_id = answer.as_ref().ok().map(|started| started.run_id);
    let shape = ObjectState::JobRun {
        started: true,
        run_id,
        state: None,
    };
    let read = match run_id {
        Some(_) => read_state(client, &target, &shape).await,
        // No answer: look for the run this launch started among the job's runs, leaving out
        // the runs other launches in the journal account for.
        None => match journal.read() {
            Ok(view) => match view.entry(&id) {
                Some(entry) => launched_run(client, &view, entry, req.job_id, since_ms).await,
                None => read_state(client, &target, &shape).await,
            },
            Err(_) => read_state(client, &target, &shape).await,
        },
    };
    let mut verdict = judge(&target.describe(), &attempt_before(), &shape, &sent, &read);
    if verdict.outcome == Outcome::Ok && verdict.error.is_none() {
        if let Ok(r) = &read {
            verdict.message = format!("started and verified: {}", r.describe());
        }
    } else if verdict.outcome == Outcome::VerifyFailed
        && let Some(id) = run_id
    {
        verdict.message = format!("the server answered run {id} but it cannot be found");
    }
    let run_id = run_id.or(match &read {
        Ok(ObjectState::JobRun { run_id, .. }) if verdict.outcome == Outcome::Ok => *run_id,
        _ => None,
    });
    let verified = read.as_ref().ok().cloned();
    let sent_log = if log.len() == 1 { Vec::new() } else { log };
    let journal_warning = record_result(journal, &id, &verdict, verified.clone(), sent_log).await;
    let failure = verdict.failure;
    let outcome = verdict.outcome;
    let message = verdict.message;
    let error = sent.error().cloned().or_else(|| read.err());
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
