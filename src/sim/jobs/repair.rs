//! `runs/repair`: reruns tasks of an ended run inside the same run. The rerun tasks get new task
//! run ids and the next attempt number; the run goes back to PENDING, then through its tasks
//! again; `repair_history` records the original attempt and each repair, and from the second
//! repair on the request must name the latest one (`latest_repair_id`), as on Databricks.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::State;

use crate::api::models::jobs::{
    RepairHistoryItem, RepairRunResponse, RepairType, RunJobParameter, RunLifeCycleState as Life,
};
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::params::Params;
use crate::sim::state::AppState;

use super::lifecycle::{attempt_plan, set_run_state, set_task_state};
use super::{Plan, Progress, tasks};

pub(crate) async fn repair_run(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<RepairRunResponse>> {
    let run_id = p
        .i64("run_id")?
        .ok_or_else(|| ApiError::missing("run_id"))?;
    let rerun_tasks = p.list("rerun_tasks")?;
    let all_failed = p.bool("rerun_all_failed_tasks")?.unwrap_or(false);
    let dependents = p.bool("rerun_dependent_tasks")?.unwrap_or(false);
    let latest = p.i64("latest_repair_id")?;
    let overrides = p.string_map("job_parameters")?;
    if rerun_tasks.is_empty() != all_failed {
        return Err(ApiError::invalid(
            "Exactly one of rerun_tasks and rerun_all_failed_tasks must be given.",
        ));
    }
    let now = st.clock().now_ms();
    let mut world = st.world();
    let record = world
        .jobs
        .run(run_id)
        .ok_or_else(|| ApiError::invalid(format!("Run {run_id} does not exist.")))?;
    let run = &record.run;
    if !run.is_terminal() || record.cancel.is_some() {
        return Err(ApiError::invalid(format!(
            "Run {run_id} is still active; only a run that ended can be repaired."
        )));
    }
    let current = run.latest_repair_id();
    if current.is_some() && latest != current {
        return Err(ApiError::invalid(format!(
            "latest_repair_id {} does not match the latest repair of run {run_id} ({}).",
            latest.map_or("(none)".to_string(), |l| l.to_string()),
            current.unwrap_or_default()
        )));
    }
    let keys = tasks::task_indexes(run);
    let mut which: BTreeSet<usize> = if all_failed {
        run.tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_terminal() && !t.succeeded())
            .map(|(i, _)| i)
            .collect()
    } else {
        let mut out = BTreeSet::new();
        for key in &rerun_tasks {
            let i = keys.get(key).ok_or_else(|| {
                ApiError::invalid(format!("Task {key} does not exist in run {run_id}."))
            })?;
            out.insert(*i);
        }
        out
    };
    if which.is_empty() {
        return Err(ApiError::invalid(format!(
            "Run {run_id} has no failed tasks to repair."
        )));
    }
    let job_id = run.job_id;
    let sim_job = world
        .jobs
        .job(job_id)
        .cloned()
        .ok_or_else(|| ApiError::invalid(format!("Job {job_id} does not exist.")))?;
    if dependents {
        // Tasks run in the settings' order, so everything after the first rerun task is
        // downstream of it.
        let first = which.iter().next().copied().unwrap_or(0);
        which.extend(first..run.tasks.len());
    }
    let which: Vec<usize> = which.into_iter().collect();

    let repair_id = world.jobs.allocate_run_id(which.len());
    let mut record = world.jobs.run(run_id).cloned().unwrap_or_default();
    let run = &mut record.run;
    for p in &mut run.job_parameters {
        if let Some(v) = overrides.get(&p.name) {
            p.value = Some(v.clone());
        }
    }
    for (name, value) in &overrides {
        if !run.job_parameters.iter().any(|p| &p.name == name) {
            run.job_parameters.push(RunJobParameter {
                name: name.clone(),
                default: None,
                value: Some(value.clone()),
            });
        }
    }
    if run.repair_history.is_empty() {
        run.repair_history.push(RepairHistoryItem {
            kind: Some(RepairType::Original),
            id: None,
            start_time: run.start_time,
            end_time: run.end_time,
            state: run.state.clone(),
            status: run.status.clone(),
            task_run_ids: run.tasks.iter().map(|t| t.run_id).collect(),
        });
    }
    let mut new_ids = Vec::new();
    for (n, &i) in which.iter().enumerate() {
        let task = &mut run.tasks[i];
        task.run_id = repair_id + 1 + n as i64;
        task.attempt_number = Some(task.attempt_number.unwrap_or(0) + 1);
        task.start_time = Some(0);
        task.end_time = Some(0);
        set_task_state(task, Life::Pending, "Waiting for cluster");
        new_ids.push(task.run_id);
    }
    run.repair_history.push(RepairHistoryItem {
        kind: Some(RepairType::Repair),
        id: Some(repair_id),
        start_time: Some(now),
        end_time: Some(0),
        task_run_ids: new_ids,
        ..Default::default()
    });
    set_run_state(run, Life::Pending, "Waiting for cluster");
    run.end_time = Some(0);
    let effective: Vec<(String, String)> = run
        .job_parameters
        .iter()
        .map(|p| (p.name.clone(), p.effective().unwrap_or("").to_string()))
        .collect();
    let plan = attempt_plan(
        &world,
        &sim_job.script,
        job_id,
        repair_id,
        &effective,
        &which,
        now,
    );
    if let Plan::Training(_) = &plan {
        // The notebook runs again from the top: a new MLflow run.
        record.mlflow_run_id = None;
    }
    record.progress = Some(Progress {
        plan,
        began: now,
        epochs_logged: 0,
        version: None,
    });
    if let Some(slot) = world.jobs.run_mut(run_id) {
        *slot = record;
    }
    Ok(Json(RepairRunResponse {
        repair_id: Some(repair_id),
    }))
}
