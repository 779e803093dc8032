//! `mlops-console train EXPERIMENT [--param k=v]... [--wait] [--json]`: starts the training job
//! linked to the experiment (experiment tag `mlops.training_job_id`, or `[training_jobs]` in
//! config.toml) and, with `--wait`, follows the run to its end and shows the MLflow run it
//! logged.
//!
//! What is started (job, workspace, parameters) is printed to stderr before the request is
//! sent, progress lines too; stdout carries only the result (a table, or one JSON document).
//! The launch is journaled like every change (`ops::launch`): attempt, run-now, read-back,
//! result.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::api::models::jobs::{JobRun, RunNowRequest};
use crate::api::models::mlflow::Run;
use crate::api::{ApiError, Client};
use crate::ops::change::execute::ChangeContext;
use crate::ops::error::OpError;
use crate::ops::jobs::{Poll, WaitError, wait_for_job_run};
use crate::ops::journal::{Journal, Outcome};
use crate::ops::launch::{LaunchOutcome, idempotency_token, launch_job};
use crate::ops::training::{
    LinkError, LinkSource, ParameterValue, UnknownParameters, check_parameters,
    effective_parameters, linked_job, mlflow_run_of,
};

use super::fetch::{self, Lookup};
use super::{exit, output};

/// What to start.
pub struct TrainRequest<'a> {
    pub experiment: &'a str,
    /// `--param` pairs in command-line order (a repeated key: the last wins).
    pub params: &'a [(String, String)],
    pub wait: bool,
    pub json: bool,
    /// `[training_jobs]` of config.toml.
    pub training_jobs: &'a BTreeMap<String, i64>,
    /// Where the launch is journaled, and by whom.
    pub journal: &'a Journal,
    pub ctx: &'a ChangeContext,
}

/// Where progress and announcements go (stderr in the binary, a buffer in tests).
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Debug, Clone, Serialize)]
pub struct ExperimentRef {
    pub experiment_id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct JobRef {
    pub job_id: i64,
    pub name: String,
    pub linked_by: LinkSource,
}

/// Where the run is (at start, or at its end with `--wait`).
#[derive(Debug, Clone, Serialize)]
pub struct StateRef {
    pub life_cycle_state: String,
    pub result_state: Option<String>,
    pub state_message: String,
}

impl StateRef {
    fn of(run: &JobRun) -> Self {
        StateRef {
            life_cycle_state: run
                .life_cycle_state()
                .map_or_else(|| "UNKNOWN".into(), |s| s.to_string()),
            result_state: run.result_state().map(|r| r.to_string()),
            state_message: run.message().to_string(),
        }
    }
}

/// The result, as `--json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub experiment: ExperimentRef,
    pub job: JobRef,
    pub parameters: Vec<ParameterValue>,
    pub run_id: i64,
    pub run_page_url: Option<String>,
    pub state: StateRef,
    /// Whether the run ended in SUCCESS; `None` without `--wait`.
    pub succeeded: Option<bool>,
    /// The MLflow run the job run logged (found by its `mlflow.databricks.jobRunID` tag).
    pub mlflow_run: Option<Run>,
}

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("experiment '{0}' not found")]
    ExperimentNotFound(String),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    UnknownParameters(#[from] UnknownParameters),
    #[error(transparent)]
    Wait(#[from] WaitError),
    /// The launch could not start (read-only profile, journal not writable): nothing was sent.
    #[error(transparent)]
    Op(#[from] OpError),
    /// Sent, but not started as intended (refused, lost or not read back); journaled.
    #[error("{} (journal {})", .0.message, .0.id)]
    Launch(Box<LaunchOutcome>),
}

impl TrainError {
    pub fn exit_code(&self) -> i32 {
        match self {
            TrainError::Api(e) | TrainError::Wait(WaitError::Api(e)) => exit::for_api_error(e),
            TrainError::ExperimentNotFound(_) | TrainError::Link(_) => exit::NOT_FOUND,
            TrainError::UnknownParameters(_) => exit::USAGE,
            TrainError::Wait(
                WaitError::TimedOut { .. }
                | WaitError::StillUpdating { .. }
                | WaitError::StatementRunning { .. },
            ) => exit::FAILURE,
            TrainError::Op(OpError::ReadOnly(_)) => exit::CONFLICT_OR_PERMISSION,
            TrainError::Op(_) => exit::FAILURE,
            TrainError::Launch(l) => match (l.outcome, &l.error) {
                (Outcome::Failed, Some(e)) => exit::for_api_error(e),
                _ => exit::VERIFY_FAILED,
            },
        }
    }
}

/// Starts the run (and follows it with `--wait`); announcements and progress go to `log`.
pub async fn execute(
    client: &Client,
    req: &TrainRequest<'_>,
    poll: Poll<'_>,
    log: Log,
) -> Result<TrainReport, TrainError> {
    let experiment = match fetch::experiment(client, req.experiment).await {
        Ok(e) => e,
        Err(Lookup::Missing) => {
            return Err(TrainError::ExperimentNotFound(req.experiment.to_string()));
        }
        Err(Lookup::Failed(e)) => return Err(e.into()),
    };
    let (job_id, linked_by) = linked_job(&experiment, req.training_jobs)?;
    let job = client.get_job(job_id).await?;
    check_parameters(&job, req.params)?;
    let parameters = effective_parameters(&job, req.params);
    let shown: Vec<String> = parameters
        .iter()
        .map(|p| {
            let note = if p.default { " (default)" } else { "" };
            format!("{}={}{note}", p.name, p.value)
        })
        .collect();
    log(&format!(
        "run-now: job {} ({job_id}) on {}, for experiment {} (linked by {linked_by})",
        job.display_name(),
        client.host(),
        experiment.name,
    ));
    log(&format!("  parameters: {}", shown.join(", ")));

    let run_now = RunNowRequest {
        job_id,
        job_parameters: req.params.iter().cloned().collect(),
        idempotency_token: Some(idempotency_token("train")),
        ..Default::default()
    };
    let launched = launch_job(client, req.journal, req.ctx, &job.display_name(), &run_now).await?;
    if let Some(w) = &launched.journal_warning {
        log(&format!("warning: {w}"));
    }
    let run_id = match (launched.outcome, launched.run_id) {
        (Outcome::Ok, Some(id)) => id,
        _ => return Err(TrainError::Launch(Box::new(launched))),
    };
    let started = client.get_job_run(run_id).await?;
    log(&format!(
        "Started run {run_id}: {}",
        started.run_page_url.as_deref().unwrap_or("(no link)")
    ));

    let mut report = TrainReport {
        experiment: ExperimentRef {
            experiment_id: experiment.experiment_id.clone(),
            name: experiment.name.clone(),
        },
        job: JobRef {
            job_id,
            name: job.display_name(),
            linked_by,
        },
        parameters,
        run_id,
        run_page_url: started.run_page_url.clone(),
        state: StateRef::of(&started),
        succeeded: None,
        mlflow_run: None,
    };
    if !req.wait {
        return Ok(report);
    }

    let progress = log.clone();
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
            progress(&format!("run {}: {label}{detail}", run.run_id));
            last = label;
        }
    });
    let finished = wait_for_job_run(client, run_id, poll).await?;
    report.state = StateRef::of(&finished);
    report.succeeded = Some(finished.succeeded());
    report.mlflow_run = mlflow_run_of(client, &experiment.experiment_id, run_id).await?;
    if report.mlflow_run.is_none() {
        log(&format!(
            "run {run_id} logged no MLflow run in {} (no run tagged mlflow.databricks.jobRunID = {run_id})",
            experiment.name
        ));
    }
    Ok(report)
}

/// The human form of a report.
pub fn render(report: &TrainReport) -> String {
    let mut rows = vec![
        ("run_id", report.run_id.to_string()),
        (
            "url",
            report.run_page_url.clone().unwrap_or_else(|| "-".into()),
        ),
    ];
    if report.succeeded.is_some() {
        let s = &report.state;
        let mut state = s.life_cycle_state.clone();
        if let Some(r) = &s.result_state {
            state = format!("{state} {r}");
        }
        if !s.state_message.is_empty() {
            state = format!("{state}: {}", s.state_message);
        }
        rows.push(("state", state));
    }
    if let Some(run) = &report.mlflow_run {
        let info = &run.info;
        let status = info.status.as_ref().map_or("-", |s| s.as_str());
        let name = info.run_name.as_deref().unwrap_or("");
        rows.push(("mlflow_run", format!("{} ({name}) {status}", info.run_id)));
        let mut metrics: Vec<String> = run
            .data
            .metrics
            .iter()
            .map(|m| format!("{}={}", m.key, m.value))
            .collect();
        metrics.sort();
        if !metrics.is_empty() {
            rows.push(("metrics", metrics.join(" ")));
        }
    }
    rows.iter().map(|(k, v)| format!("{k:<11} {v}\n")).collect()
}

/// Runs the command: result on stdout, everything else on stderr; the exit code.
pub async fn run(client: &Client, req: &TrainRequest<'_>, poll: Poll<'_>) -> i32 {
    let log: Log = Arc::new(|line: &str| crate::eprintln_escaped!("{line}"));
    match execute(client, req, poll, log).await {
        Ok(report) => {
            if req.json {
                output::json(&report);
            } else {
                output::print(&render(&report));
            }
            match report.succeeded {
                Some(false) => exit::FAILURE,
                _ => exit::OK,
            }
        }
        Err(TrainError::Api(ApiError::ReadOnly { .. }))
        | Err(TrainError::Op(OpError::ReadOnly(_))) => {
            crate::eprintln_escaped!(
                "error: read-only profile: `train` starts a job run (POST /api/2.2/jobs/run-now) \
                 and was refused before anything was sent; use a writable profile, or drop \
                 --readonly"
            );
            exit::CONFLICT_OR_PERMISSION
        }
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            e.exit_code()
        }
    }
}
