//! `mlops-console jobs run JOB` and `jobs cancel RUN_ID`: the headless twins of Run now and
//! Cancel on the Jobs screen. Same rules as every change (PRODUCT §4, §8): read-only refuses
//! before anything is sent, the plan is printed, `--yes` applies, production profiles also need
//! `--confirm` (the job's name; for a cancel the run id). Both go through the one change
//! pipeline (`ops::launch::launch_job`, `ops::jobs::cancel_run`): journaled before and after,
//! read back. A run-now carries an idempotency token, so a retried request never starts a
//! second run. Progress goes to stderr; the result to stdout.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::json;

use crate::api::models::jobs::{JobRun, RunNowRequest};
use crate::api::{ApiError, Client};
use crate::ops::change::execute::ChangeContext;
use crate::ops::error::OpError;
use crate::ops::jobs::{Poll, WaitError, cancel_run, wait_for_job_run};
use crate::ops::journal::{Journal, Outcome};
use crate::ops::launch::{LaunchOutcome, idempotency_token, launch_job};
use crate::ops::training::{
    ParameterValue, UnknownParameters, check_parameters, effective_parameters,
};

use super::change::{self, ChangeProfile};
use super::job_run::{self, JobRunView};
use super::jobs::{JobLookupError, RunSummary, resolve};
use super::jobs_args::{JobCancelArgs, JobRunNowArgs};
use super::{exit, output};

/// Where progress and announcements go (stderr in the binary, a buffer in tests).
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

fn stderr_log() -> Log {
    Arc::new(|line: &str| crate::eprintln_escaped!("{line}"))
}

/// What `jobs run` would start.
#[derive(Debug, Clone, Serialize)]
pub struct RunNowPlan {
    pub job_id: i64,
    pub job: String,
    /// Every parameter of the run: the ones given, and the job's defaults for the rest.
    pub parameters: Vec<ParameterValue>,
    /// Only the ones given (what `run-now` sends as `job_parameters`).
    #[serde(skip)]
    pub overrides: BTreeMap<String, String>,
    /// `[training_jobs]` of config.toml, to find the MLflow run a followed run logged.
    #[serde(skip)]
    pub training_jobs: BTreeMap<String, i64>,
}

impl RunNowPlan {
    pub fn lines(&self, host: &str, session: &ChangeProfile) -> String {
        let shown: Vec<String> = self
            .parameters
            .iter()
            .map(|p| {
                let note = if p.default { " (default)" } else { "" };
                format!("{}={}{note}", p.name, p.value)
            })
            .collect();
        let mut text = format!(
            "run job {} ({}) on {host} (profile {})\n",
            self.job, self.job_id, session.profile
        );
        if !shown.is_empty() {
            text.push_str(&format!("  parameters: {}\n", shown.join(", ")));
        }
        if session.production {
            text.push_str("  production profile\n");
        }
        text
    }
}

/// Why `jobs run` did not start a run (or could not follow it).
#[derive(Debug, thiserror::Error)]
pub enum JobsError {
    #[error(transparent)]
    Lookup(#[from] JobLookupError),
    #[error(transparent)]
    UnknownParameters(#[from] UnknownParameters),
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Nothing was sent (read-only profile, journal not writable).
    #[error(transparent)]
    Op(#[from] OpError),
    /// Sent, but not started as intended (refused, lost or not read back); journaled.
    #[error("{} (journal {})", .0.message, .0.id)]
    Launch(Box<LaunchOutcome>),
}

impl JobsError {
    pub fn exit_code(&self) -> i32 {
        match self {
            JobsError::Lookup(e) => e.exit_code(),
            JobsError::UnknownParameters(_) => exit::USAGE,
            JobsError::Api(e) => exit::for_api_error(e),
            JobsError::Op(e) => change::code_for(e),
            JobsError::Launch(l) => match (l.outcome, &l.error) {
                (Outcome::Failed, Some(e)) => exit::for_api_error(e),
                _ => exit::VERIFY_FAILED,
            },
        }
    }
}

/// Resolves the job and checks the parameters against it; nothing is sent.
pub async fn plan_run(
    client: &Client,
    job: &str,
    params: &[(String, String)],
) -> Result<RunNowPlan, JobsError> {
    let job = resolve(client, job).await?;
    check_parameters(&job, params)?;
    Ok(RunNowPlan {
        job_id: job.job_id,
        job: job.display_name(),
        parameters: effective_parameters(&job, params),
        overrides: params.iter().cloned().collect(),
        training_jobs: BTreeMap::new(),
    })
}

/// A started run: as started, or as it ended with `--wait`.
#[derive(Debug, Clone, Serialize)]
pub struct RunNowReport {
    /// The journal id of the launch.
    pub journal_id: String,
    pub run: RunSummary,
    /// Whether the run ended in SUCCESS; `None` without `--wait`.
    pub succeeded: Option<bool>,
    /// With `--wait`, the run as it ended: its tasks with their errors, what it wrote, the
    /// MLflow run it logged (`None` when it could not be read; a warning says why).
    pub ended: Option<JobRunView>,
    /// Why the run could not be followed to its end (with `--wait`): it was started, but how
    /// it ends is not known here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unfollowed: Option<String>,
}

/// Follows `run_id` with `poll`, telling `log` each new state.
async fn follow(
    client: &Client,
    run_id: i64,
    poll: Poll<'_>,
    log: Log,
) -> Result<JobRun, WaitError> {
    let mut last = String::new();
    let poll = poll.on_update(move |run: &JobRun| {
        let label = run.state_label();
        if label != last {
            let message = run.message();
            let detail = if message.is_empty() {
                String::new()
            } else {
                format!(": {message}")
            };
            log(&format!("run {}: {label}{detail}", run.run_id));
            last = label;
        }
    });
    wait_for_job_run(client, run_id, poll).await
}

/// Starts the planned run through the change pipeline with idempotency token `token` (a
/// retried request answers the same run) and, with `wait`, follows it to its end.
#[allow(clippy::too_many_arguments)]
pub async fn start(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    plan: &RunNowPlan,
    token: String,
    wait: bool,
    poll: Poll<'_>,
    log: Log,
) -> Result<RunNowReport, JobsError> {
    let req = RunNowRequest {
        job_id: plan.job_id,
        job_parameters: plan.overrides.clone(),
        idempotency_token: Some(token),
        ..Default::default()
    };
    let launched = launch_job(client, journal, ctx, &plan.job, &req).await?;
    if let Some(w) = &launched.journal_warning {
        log(&format!("warning: {w}"));
    }
    let run_id = match (launched.outcome, launched.run_id) {
        (Outcome::Ok, Some(id)) => id,
        _ => return Err(JobsError::Launch(Box::new(launched))),
    };
    // The run is started and journaled: from here on a failed read is a warning, never an
    // error that would read as "not started" and invite a second run.
    let started = match client.get_job_run(run_id).await {
        Ok(run) => run,
        Err(e) => {
            log(&format!(
                "warning: run {run_id} was started, but reading it failed: {e}"
            ));
            JobRun {
                run_id,
                ..Default::default()
            }
        }
    };
    log(&format!(
        "Started run {run_id}: {}",
        started.run_page_url.as_deref().unwrap_or("(no link)")
    ));
    let mut report = RunNowReport {
        journal_id: launched.id,
        run: RunSummary::of(&started),
        succeeded: None,
        ended: None,
        unfollowed: None,
    };
    if wait {
        match follow(client, run_id, poll, log.clone()).await {
            Ok(ended) => {
                report.run = RunSummary::of(&ended);
                report.succeeded = Some(ended.succeeded());
                match job_run::read(client, run_id, &plan.training_jobs).await {
                    Ok(view) => report.ended = Some(view),
                    Err(e) => log(&format!(
                        "warning: cannot read the tasks of run {run_id}: {e}"
                    )),
                }
            }
            Err(e) => report.unfollowed = Some(e.to_string()),
        }
    }
    Ok(report)
}

fn render_started(r: &RunNowReport) -> String {
    let run = &r.run;
    let mut text = format!("run_id     {}\nstate      {}\n", run.run_id, run.state);
    if r.succeeded.is_some() && !run.message.is_empty() {
        text.push_str(&format!("message    {}\n", run.message));
    }
    if let Some(d) = run.duration_ms {
        text.push_str(&format!("duration   {}\n", super::runview::duration(d)));
    }
    if let Some(view) = &r.ended {
        if !view.wrote.is_empty() {
            let w: Vec<String> = view.wrote.iter().map(|(k, v)| format!("{k}={v}")).collect();
            text.push_str(&format!("wrote      {}\n", w.join(" ")));
        }
        if let Some(m) = &view.mlflow_run {
            let name = m.run_name.as_deref().unwrap_or("");
            let status = m.status.as_deref().unwrap_or("-");
            text.push_str(&format!("mlflow_run {} ({name}) {status}\n", m.run_id));
        }
        for t in view.tasks.iter().filter(|t| t.ended && !t.succeeded) {
            let why = t.error.as_deref().unwrap_or(&t.message);
            text.push_str(&format!("task       {} {}: {why}\n", t.task_key, t.state));
        }
    }
    text.push_str(&format!(
        "url        {}\njournal    {}\n",
        run.run_page_url.as_deref().unwrap_or("-"),
        r.journal_id
    ));
    text
}

fn report_error(e: &JobsError, json_out: bool, plan: Option<&RunNowPlan>) -> i32 {
    if json_out && let Some(plan) = plan {
        output::json(&json!({ "plan": plan, "executed": false, "error": e.to_string() }));
    }
    match e {
        JobsError::Op(OpError::ReadOnly(_)) | JobsError::Api(ApiError::ReadOnly { .. }) => {
            crate::eprintln_escaped!(
                "error: read-only profile: `jobs run` starts a job run (POST \
                 /api/2.2/jobs/run-now) and was refused before anything was sent"
            );
        }
        other => crate::eprintln_escaped!("error: {other}"),
    }
    e.exit_code()
}

/// `jobs run JOB [--param K=V]... [--wait] [--yes] [--confirm JOB] [--json]`.
pub async fn run_now(client: &Client, session: &ChangeProfile, args: &JobRunNowArgs) -> i32 {
    if let Some(code) = change::refuse_read_only(client, session, "jobs run") {
        return code;
    }
    let json_out = args.confirm.json;
    let plan = match plan_run(client, &args.job, &args.params).await {
        Ok(p) => RunNowPlan {
            training_jobs: session.training_jobs.clone(),
            ..p
        },
        Err(e) => return report_error(&e, false, None),
    };
    let held = change::confirmation(&plan.job, "job", session, &args.confirm);
    if json_out {
        if held.is_err() {
            output::json(&json!({ "plan": plan, "executed": false }));
        }
    } else {
        output::print(&plan.lines(client.host(), session));
    }
    if let Err(hold) = held {
        return hold.report();
    }
    let ctx = ChangeContext {
        profile: session.profile.clone(),
        actor: change::actor(client).await,
        production: session.production,
    };
    let token = idempotency_token("run");
    let result = start(
        client,
        &session.journal(),
        &ctx,
        &plan,
        token,
        args.wait,
        Poll::real(),
        stderr_log(),
    )
    .await;
    match result {
        Ok(report) => {
            if json_out {
                output::json(&json!({ "plan": plan, "executed": true, "outcome": report }));
            } else {
                output::print(&render_started(&report));
            }
            if let Some(why) = &report.unfollowed {
                crate::eprintln_escaped!(
                    "error: run {} was started, but it could not be followed to its end: \
                     {why}; see `mlops-console job-run {}`",
                    report.run.run_id,
                    report.run.run_id
                );
                return exit::FAILURE;
            }
            match report.succeeded {
                Some(false) => {
                    crate::eprintln_escaped!(
                        "error: run {} ended {}{}",
                        report.run.run_id,
                        report.run.state,
                        if report.run.message.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", report.run.message)
                        }
                    );
                    exit::FAILURE
                }
                _ => exit::OK,
            }
        }
        Err(e) => report_error(&e, json_out, Some(&plan)),
    }
}

/// What `jobs cancel` would cancel.
#[derive(Debug, Clone, Serialize)]
pub struct CancelPlan {
    pub run_id: i64,
    pub job_id: i64,
    pub run_name: String,
    /// Where the run is now.
    pub state: String,
}

/// `jobs cancel RUN_ID [--wait] [--yes] [--confirm RUN_ID] [--json]`.
pub async fn cancel(client: &Client, session: &ChangeProfile, args: &JobCancelArgs) -> i32 {
    if let Some(code) = change::refuse_read_only(client, session, "jobs cancel") {
        return code;
    }
    let run_id = args.run_id;
    let json_out = args.confirm.json;
    let run = match client.get_job_run(run_id).await {
        Ok(r) => r,
        Err(e) if e.is_not_found() => {
            crate::eprintln_escaped!("error: job run {run_id} not found ({e})");
            return exit::NOT_FOUND;
        }
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return exit::for_api_error(&e);
        }
    };
    let plan = CancelPlan {
        run_id,
        job_id: run.job_id,
        run_name: run
            .run_name
            .clone()
            .unwrap_or_else(|| format!("job {}", run.job_id)),
        state: run.state_label(),
    };
    if run.is_terminal() {
        if json_out {
            output::json(&json!({ "plan": plan, "executed": false }));
        }
        crate::eprintln_escaped!(
            "nothing to do: run {run_id} has already ended ({})",
            plan.state
        );
        return exit::OK;
    }
    let held = change::confirmation(&run_id.to_string(), "run", session, &args.confirm);
    if json_out {
        if held.is_err() {
            output::json(&json!({ "plan": plan, "executed": false }));
        }
    } else {
        output::print(&format!(
            "cancel run {run_id} of {} (now {}) on {} (profile {})\n",
            plan.run_name,
            plan.state,
            client.host(),
            session.profile
        ));
    }
    if let Err(hold) = held {
        return hold.report();
    }
    let ctx = ChangeContext {
        profile: session.profile.clone(),
        actor: change::actor(client).await,
        production: session.production,
    };
    let poll = if args.wait {
        let log = stderr_log();
        let mut last = String::new();
        Poll::real().on_update(move |r: &JobRun| {
            let label = r.state_label();
            if label != last {
                log(&format!("run {}: {label}", r.run_id));
                last = label;
            }
        })
    } else {
        Poll::real()
    };
    let outcome = match cancel_run(client, &session.journal(), &ctx, run_id, poll).await {
        Ok(o) => o,
        Err(OpError::NothingToDo(m)) => {
            if json_out {
                output::json(&json!({ "plan": plan, "executed": false }));
            }
            crate::eprintln_escaped!("nothing to do: {m}");
            return exit::OK;
        }
        Err(e) => {
            if json_out {
                output::json(&json!({ "plan": plan, "executed": false, "error": e.to_string() }));
            }
            crate::eprintln_escaped!("error: {e}");
            return change::code_for(&e);
        }
    };
    if json_out {
        output::json(&json!({ "plan": plan, "executed": true, "outcome": outcome }));
    } else if outcome.outcome == Outcome::Ok {
        output::println(&format!("ok: {} (journal {})", outcome.message, outcome.id));
    }
    if outcome.outcome != Outcome::Ok {
        crate::eprintln_escaped!("error: {} (journal {})", outcome.message, outcome.id);
    }
    if let Some(w) = &outcome.journal_warning {
        crate::eprintln_escaped!("warning: {w}");
    }
    change::code_for_outcome(&outcome)
}
