//! Multi-task jobs (`churn-batch-score`, `feature-refresh`): the tasks run one after the other
//! once the cluster is up, each for its own time; each reports what it did as its notebook's exit
//! value (rows loaded, scored, written, the output table), which `runs/get-output` answers for
//! its task run. A task that fails fails the run, and the tasks after it end UPSTREAM_FAILED.
//!
//! [`advance`] is a pure function of (plan, clock) on one run record: reading late applies every
//! step once, at its own time. The seeded history is built with it too.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::api::models::jobs::{
    JobRun, RunLifeCycleState as Life, RunResultState, TerminationCode, TerminationType,
};
use crate::sim::story::rng::Gen;
use crate::sim::world::World;

use super::lifecycle::{Ending, PENDING_MS, end_run, end_task, failed, set_task_state};
use super::{JobRunRecord, TaskOutput};

/// What one task of a multi-task job does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StepScript {
    /// How long it runs once started.
    pub running_ms: i64,
    /// What its notebook reports when it ends.
    pub report: Report,
}

/// The exit value a step reports (a JSON object, as notebooks pass to `dbutils.notebook.exit`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Report {
    /// Read the feature table: `{"rows_loaded", "feature_table"}`.
    Loaded { feature_table: String },
    /// Scored with the model of the job parameter `model_uri`: `{"rows_scored", "model_uri"}`.
    /// Fails, as the real notebook would, when the model alias it names does not exist.
    Scored,
    /// Wrote the predictions to the job parameter `output_table`:
    /// `{"rows_scored", "rows_written", "output_table"}`.
    Written,
    /// Refreshed a feature table: `{"rows_refreshed", "table"}`.
    Refreshed { table: String },
}

/// Why a step fails: the error and its trace, as `runs/get-output` answers them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub error: String,
    pub trace: String,
}

/// One attempt of a multi-task run (the first or a repair), decided when it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TasksPlan {
    pub began: i64,
    pub steps: Vec<PlannedStep>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlannedStep {
    /// Index of the task in the run's `tasks`.
    pub task_index: usize,
    pub running_ms: i64,
    /// The exit value, when the step succeeds.
    pub result: Option<String>,
    pub failure: Option<Failure>,
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// A Python traceback as a notebook task's `error_trace` shows it.
pub(crate) fn trace(notebook: &str, line: &str, error: &str) -> String {
    format!(
        "---------------------------------------------------------------------------\n\
         Traceback (most recent call last):\n  File \"/Workspace{notebook}\", cell 3, line 14\n    \
         {line}\n  File \"/databricks/python/lib/python3.11/site-packages/mlflow/utils/\
         rest_utils.py\", line 312, in verify_rest_response\n    raise RestException(json.loads(\
         response.text))\n{error}"
    )
}

/// Whether `models:/NAME@ALIAS` resolves in the simulated registry; the notebook's error if not.
fn resolve_model(world: &World, model_uri: &str) -> Result<(), String> {
    let Some(rest) = model_uri.strip_prefix("models:/") else {
        return Err(format!(
            "MlflowException: Not a valid model URI: '{model_uri}'. Expected models:/<name>@<alias>"
        ));
    };
    let Some((name, alias)) = rest.split_once('@') else {
        return Ok(());
    };
    let Some(model) = world.uc_model(name) else {
        return Err(format!(
            "MlflowException: RESOURCE_DOES_NOT_EXIST: Registered model '{name}' does not exist."
        ));
    };
    if model.aliases.iter().any(|a| a.alias_name == alias) {
        Ok(())
    } else {
        Err(format!(
            "MlflowException: RESOURCE_DOES_NOT_EXIST: Registered model alias {alias} not found."
        ))
    }
}

/// The cluster start-up of seeded runs (as of new ones).
pub(crate) const SEEDED_PENDING_MS: i64 = PENDING_MS;

/// The exit value of a step that succeeds.
pub(crate) fn report(report: &Report, rows: i64, params: &[(String, String)]) -> Value {
    match report {
        Report::Loaded { feature_table } => {
            json!({"rows_loaded": rows, "feature_table": feature_table})
        }
        Report::Scored => json!({"rows_scored": rows, "model_uri": param(params, "model_uri")}),
        Report::Written => json!({
            "rows_scored": rows,
            "rows_written": rows,
            "output_table": param(params, "output_table"),
        }),
        Report::Refreshed { table } => json!({"rows_refreshed": rows, "table": table}),
    }
}

/// Plans the steps `which` (task indexes, in order) of a run of `job_id` beginning at `began`; `salt`
/// tells attempts apart (the row counts differ a little between runs).
pub(crate) fn plan(
    world: &World,
    script: &[StepScript],
    job_id: i64,
    salt: i64,
    params: &[(String, String)],
    which: &[usize],
    began: i64,
) -> TasksPlan {
    let mut g = Gen::new(world.seed, 0x5C0E_0000 ^ salt as u64);
    let rows = g.int(46_000, 52_000);
    let notebook = |i: usize| {
        world
            .jobs
            .job(job_id)
            .and_then(|j| j.job.settings.tasks.get(i))
            .and_then(|t| t.notebook_task.as_ref())
            .map(|n| n.notebook_path.clone())
            .unwrap_or_default()
    };
    let steps = which
        .iter()
        .filter_map(|&i| {
            let step = script.get(i)?;
            let failure = match step.report {
                Report::Scored => {
                    resolve_model(world, param(params, "model_uri"))
                        .err()
                        .map(|error| Failure {
                            trace: trace(
                                &notebook(i),
                                "model = mlflow.pyfunc.spark_udf(spark, model_uri)",
                                &error,
                            ),
                            error,
                        })
                }
                _ => None,
            };
            Some(PlannedStep {
                task_index: i,
                running_ms: step.running_ms,
                result: Some(report(&step.report, rows, params).to_string()),
                failure,
            })
        })
        .collect();
    TasksPlan { began, steps }
}

/// A new attempt's tasks before they start: PENDING, not started.
pub(crate) fn wait_for_start(run: &mut JobRun) {
    for task in &mut run.tasks {
        set_task_state(task, Life::Pending, "Waiting for cluster");
        task.start_time = Some(0);
        task.end_time = Some(0);
    }
}

/// Downstream of a failed task: never ran.
fn upstream_failed() -> Ending<'static> {
    Ending {
        life: Life::Terminated,
        result: RunResultState::UpstreamFailed,
        code: TerminationCode::Skipped,
        kind: TerminationType::Success,
        message: "Upstream task(s) failed.",
    }
}

/// Moves the run's tasks on to `now`; true once the run has ended.
pub(crate) fn advance(record: &mut JobRunRecord, plan: &TasksPlan, now: i64) -> bool {
    let mut t = plan.began + PENDING_MS;
    if now < t {
        return false;
    }
    super::lifecycle::set_run_state(&mut record.run, Life::Running, "");
    for (k, step) in plan.steps.iter().enumerate() {
        let (from, to) = (t, t + step.running_ms);
        let Some(task) = record.run.tasks.get_mut(step.task_index) else {
            continue;
        };
        if now < from {
            set_task_state(task, Life::Pending, "Waiting for upstream tasks");
            return false;
        }
        task.start_time = Some(from);
        if now < to {
            set_task_state(task, Life::Running, "");
            return false;
        }
        if task.is_terminal() {
            t = to;
            continue;
        }
        match &step.failure {
            Some(f) => {
                end_task(task, &failed(&f.error), to);
                let key = task.task_key.clone();
                record.outputs.insert(
                    task.run_id,
                    TaskOutput {
                        error: Some(f.error.clone()),
                        error_trace: Some(f.trace.clone()),
                        ..Default::default()
                    },
                );
                for later in &plan.steps[k + 1..] {
                    if let Some(task) = record.run.tasks.get_mut(later.task_index) {
                        end_task(task, &upstream_failed(), to);
                    }
                }
                let message = format!(
                    "Task {key} failed with message: {}. This caused all downstream tasks to get \
                     skipped.",
                    f.error
                );
                end_run(&mut record.run, &failed(&message), to);
                return true;
            }
            None => {
                end_task(task, &Ending::SUCCESS, to);
                record.outputs.insert(
                    task.run_id,
                    TaskOutput {
                        result: step.result.clone(),
                        ..Default::default()
                    },
                );
            }
        }
        t = to;
    }
    // Every step of this attempt succeeded; tasks it did not rerun may still have failed.
    let failed_task = record
        .run
        .tasks
        .iter()
        .find(|t| t.is_terminal() && !t.succeeded())
        .map(|t| (t.task_key.clone(), t.message().to_string()));
    match failed_task {
        Some((key, error)) => {
            let message = format!("Task {key} failed with message: {error}.");
            end_run(&mut record.run, &failed(&message), t);
        }
        None => end_run(&mut record.run, &Ending::SUCCESS, t),
    }
    true
}

/// Task run ids of `run` by task key (what `repair` names tasks by).
pub(crate) fn task_indexes(run: &JobRun) -> BTreeMap<String, usize> {
    run.tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.task_key.clone(), i))
        .collect()
}
