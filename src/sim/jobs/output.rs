//! `runs/get-output` and reading task runs on their own (`runs/get` with a task run id).
//!
//! The output belongs to a task run. The parent of a multi-task run answers 400
//! `INVALID_PARAMETER_VALUE`, word for word as the real service; the parent of a single-task run
//! answers its only task's output.

use axum::Json;
use axum::extract::State;

use crate::api::models::jobs::{JobRun, NotebookOutput, RunOutput};
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::params::Params;
use crate::sim::state::AppState;
use crate::sim::world::World;

use super::JobsState;

const MULTI_TASK: &str = "Retrieving the output of runs with multiple tasks is not supported. \
                          Please retrieve the output of each individual task run instead.";

/// Task run `task_run_id` as a run of its own: the task's state and times, `job_run_id` naming
/// the job run it belongs to.
pub(crate) fn task_as_run(jobs: &JobsState, task_run_id: i64) -> Option<JobRun> {
    let (record, i) = jobs.task_run(task_run_id)?;
    let parent = &record.run;
    let task = &parent.tasks[i];
    Some(JobRun {
        run_id: task.run_id,
        job_id: parent.job_id,
        job_run_id: Some(parent.run_id),
        number_in_job: Some(task.run_id),
        original_attempt_run_id: Some(task.run_id),
        run_name: Some(task.task_key.clone()),
        run_type: parent.run_type.clone(),
        trigger: parent.trigger.clone(),
        attempt_number: task.attempt_number,
        creator_user_name: parent.creator_user_name.clone(),
        start_time: task.start_time,
        end_time: task.end_time,
        state: task.state.clone(),
        status: task.status.clone(),
        job_parameters: parent.job_parameters.clone(),
        run_page_url: task.run_page_url.clone(),
        ..Default::default()
    })
}

fn link(world: &World, job_id: i64, run_id: i64) -> String {
    format!(
        "{}/?o={}#job/{job_id}/run/{run_id}",
        world.base_url, world.workspace_id
    )
}

pub(crate) async fn get_output(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<RunOutput>> {
    let run_id = p
        .i64("run_id")?
        .ok_or_else(|| ApiError::missing("run_id"))?;
    let world = st.world();
    let jobs = &world.jobs;
    let task_run_id = match jobs.run(run_id) {
        Some(r) if r.run.tasks.len() > 1 => return Err(ApiError::invalid(MULTI_TASK)),
        Some(r) => r.run.tasks.first().map_or(run_id, |t| t.run_id),
        None => run_id,
    };
    let Some(mut metadata) = task_as_run(jobs, task_run_id) else {
        return Err(ApiError::invalid(format!("Run {run_id} does not exist.")));
    };
    metadata.run_page_url = Some(link(&world, metadata.job_id, metadata.run_id));
    let stored = jobs
        .task_run(task_run_id)
        .and_then(|(r, _)| r.outputs.get(&task_run_id))
        .cloned()
        .unwrap_or_default();
    Ok(Json(RunOutput {
        metadata: Some(metadata),
        notebook_output: stored.result.map(|result| NotebookOutput {
            result: Some(result),
            truncated: Some(false),
        }),
        error: stored.error,
        error_trace: stored.error_trace,
        ..Default::default()
    }))
}
