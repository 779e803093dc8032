//! One job run as the console shows it (the TUI's run view and the headless `job-run`): task
//! by task (state, duration, attempt, error), the output or error of each ended task
//! (`runs/get-output` takes the *task* run id: the parent of a multi-task run has none), what a
//! batch-inference run wrote where its tasks report it (rows scored, output table), and the
//! MLflow run it logged.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api::models::jobs::{JobRun, RunTask};
use crate::api::models::mlflow::{SearchExperimentsRequest, ViewType};
use crate::api::{ApiError, Client, ErrorKind};
use crate::ops::training::{TRAINING_JOB_TAG, mlflow_run_of};

use super::job_list::RunSummary;

/// How many outputs of successful tasks are read (every failed task's is).
const SUCCESS_OUTPUTS: usize = 25;
/// Keys of a task's reported output that say what a batch-inference run wrote.
const WROTE_KEYS: [&str; 3] = ["rows_scored", "rows_written", "output_table"];

/// One task run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskView {
    pub task_key: String,
    pub run_id: i64,
    pub state: String,
    pub ended: bool,
    pub succeeded: bool,
    pub duration_ms: Option<i64>,
    pub attempt: Option<i64>,
    pub message: String,
    /// From `runs/get-output`: the error of a failed task and its trace.
    pub error: Option<String>,
    pub error_trace: Option<String>,
    /// The notebook's exit value as sent.
    pub result: Option<String>,
    /// The exit value read as a flat JSON object (`rows_scored`, `output_table`…).
    pub reported: BTreeMap<String, String>,
}

/// The MLflow run a job run logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MlflowRunRef {
    pub experiment_id: String,
    pub experiment: String,
    pub run_id: String,
    pub run_name: Option<String>,
    pub status: Option<String>,
}

/// What `job-run --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct JobRunView {
    pub job_id: i64,
    #[serde(flatten)]
    pub run: RunSummary,
    pub tasks: Vec<TaskView>,
    /// What the run's tasks report having written (batch inference: `rows_scored`,
    /// `output_table`); empty when they report nothing of the kind.
    pub wrote: BTreeMap<String, String>,
    pub mlflow_run: Option<MlflowRunRef>,
}

fn task_view(t: &RunTask) -> TaskView {
    TaskView {
        task_key: t.task_key.clone(),
        run_id: t.run_id,
        state: t.state_label(),
        ended: t.is_terminal(),
        succeeded: t.succeeded(),
        duration_ms: t.duration_ms(),
        attempt: t.attempt_number,
        message: t.message().to_string(),
        error: None,
        error_trace: None,
        result: None,
        reported: BTreeMap::new(),
    }
}

/// Reads each ended task's output: every failed task's, and the first successful ones'.
async fn read_outputs(
    client: &Client,
    tasks: &mut [TaskView],
    known: &Known,
) -> Result<(), ApiError> {
    let mut successes = 0;
    for t in tasks.iter_mut().filter(|t| t.ended && t.run_id != 0) {
        if t.succeeded {
            successes += 1;
            if successes > SUCCESS_OUTPUTS {
                continue;
            }
        }
        // An ended task run's output never changes (a repair runs the task again under a new
        // task run id): what an earlier read found is kept.
        if let Some(k) = known.outputs.iter().find(|k| k.run_id == t.run_id) {
            t.error = k.error.clone();
            t.error_trace = k.error_trace.clone();
            t.result = k.result.clone();
            t.reported = k.reported.clone();
            continue;
        }
        let out = match client.get_job_run_output(t.run_id).await {
            Ok(o) => o,
            // A task that left no output (skipped, never started), or whose output the server
            // will not give (400), is not a failure to read the run.
            Err(e) if e.is_not_found() || e.kind() == Some(ErrorKind::BadRequest) => continue,
            Err(e) => return Err(e),
        };
        t.error = out.error.clone();
        t.error_trace = out.error_trace.clone();
        t.result = out.notebook_output.as_ref().and_then(|n| n.result.clone());
        t.reported = out.reported().into_iter().collect();
    }
    Ok(())
}

/// The experiments a job trains into: tagged with its id, or linked to it in config.toml.
async fn linked_experiments(
    client: &Client,
    job_id: i64,
    training_jobs: &BTreeMap<String, i64>,
) -> Result<Vec<(String, String)>, ApiError> {
    let req = SearchExperimentsRequest {
        filter: Some(format!("tags.`{TRAINING_JOB_TAG}` = '{job_id}'")),
        max_results: Some(10),
        view_type: Some(ViewType::All),
        ..Default::default()
    };
    let mut out: Vec<(String, String)> = match client.search_experiments(&req).await {
        Ok(r) => r
            .experiments
            .into_iter()
            .map(|e| (e.experiment_id, e.name))
            .collect(),
        Err(e) if e.is_not_available() => Vec::new(),
        Err(e) => return Err(e),
    };
    for (name, id) in training_jobs {
        if *id == job_id && !out.iter().any(|(_, n)| n == name) {
            match client.get_experiment_by_name(name).await {
                Ok(e) => out.push((e.experiment_id, e.name)),
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(out)
}

async fn mlflow_run(
    client: &Client,
    run: &JobRun,
    training_jobs: &BTreeMap<String, i64>,
) -> Result<Option<MlflowRunRef>, ApiError> {
    for (experiment_id, experiment) in linked_experiments(client, run.job_id, training_jobs).await?
    {
        if let Some(r) = mlflow_run_of(client, &experiment_id, run.run_id).await? {
            return Ok(Some(MlflowRunRef {
                experiment_id,
                experiment,
                run_id: r.info.run_id.clone(),
                run_name: r.info.run_name.clone(),
                status: r.info.status.as_ref().map(|s| s.to_string()),
            }));
        }
    }
    Ok(None)
}

/// What an earlier read of the same run found that cannot change: the outputs of its ended task
/// runs and the MLflow run it logged. A console following a run reads these once, not on every
/// poll.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    pub outputs: Vec<TaskView>,
    pub mlflow_run: Option<MlflowRunRef>,
}

impl Known {
    /// What `view` already holds that a later read of the same run may keep.
    pub fn from_view(view: &JobRunView) -> Known {
        Known {
            outputs: view.tasks.iter().filter(|t| t.ended).cloned().collect(),
            mlflow_run: view.mlflow_run.clone(),
        }
    }
}

/// Reads job run `run_id` with its tasks, their outputs and the MLflow run it logged.
pub async fn read(
    client: &Client,
    run_id: i64,
    training_jobs: &BTreeMap<String, i64>,
) -> Result<JobRunView, ApiError> {
    read_known(client, run_id, training_jobs, &Known::default()).await
}

/// [`read`], keeping what `known` (an earlier read of the same run) found.
pub async fn read_known(
    client: &Client,
    run_id: i64,
    training_jobs: &BTreeMap<String, i64>,
    known: &Known,
) -> Result<JobRunView, ApiError> {
    let run = client.get_job_run(run_id).await?;
    let mut tasks: Vec<TaskView> = run.tasks.iter().map(task_view).collect();
    read_outputs(client, &mut tasks, known).await?;
    let mut wrote = BTreeMap::new();
    for t in &tasks {
        for key in WROTE_KEYS {
            if let Some(v) = t.reported.get(key) {
                wrote.insert(key.to_string(), v.clone());
            }
        }
    }
    Ok(JobRunView {
        job_id: run.job_id,
        run: RunSummary::of(&run),
        tasks,
        wrote,
        mlflow_run: match &known.mlflow_run {
            Some(m) => Some(m.clone()),
            None => mlflow_run(client, &run, training_jobs).await?,
        },
    })
}
