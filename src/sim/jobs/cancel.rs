//! Cancelling a run. Asynchronous, as on Databricks: `runs/cancel` only asks; the run shows
//! TERMINATING for [`CANCEL_MS`](super::lifecycle::CANCEL_MS) (nothing else moves meanwhile) and then ends
//! TERMINATED/CANCELED, its MLflow run KILLED and a registration in flight failed.

use crate::api::models::jobs::{
    RunLifeCycleState as Life, RunResultState, TerminationCode, TerminationType,
};
use crate::api::models::mlflow::RunStatus as MlflowStatus;
use crate::sim::world::World;

use super::lifecycle::{Ending, end_run, end_task, set_run_state, set_task_state};
use super::training;
use super::{CancelRequest, Plan, Progress};

/// Asks an active run to stop at `now`: it shows TERMINATING until [`CANCEL_MS`](super::lifecycle::CANCEL_MS) later, when
/// it ends CANCELED. A run that already ended, or is already stopping, is left alone, as the
/// service does.
pub(crate) fn cancel(world: &mut World, run_id: i64, user: &str, now: i64) {
    let Some(record) = world.jobs.run_mut(run_id) else {
        return;
    };
    if record.run.is_terminal() || record.cancel.is_some() {
        return;
    }
    record.cancel = Some(CancelRequest {
        at: now,
        user: user.to_string(),
    });
    let message = format!("Run cancellation requested by {user}.");
    set_run_state(&mut record.run, Life::Terminating, &message);
    for task in &mut record.run.tasks {
        if !task.is_terminal() {
            set_task_state(task, Life::Terminating, &message);
        }
    }
}

/// Ends a run whose cancellation was asked for, at `at` (its MLflow run is KILLED, a
/// registration in flight fails); tasks that had ended keep their result.
pub(crate) fn complete_cancel(world: &mut World, run_id: i64, user: &str, at: i64) {
    let now = at;
    let Some(record) = world.jobs.run(run_id) else {
        return;
    };
    let mlflow_run = record.mlflow_run_id.clone();
    if let Some(Progress {
        plan: Plan::Training(plan),
        version: Some(v),
        ..
    }) = record.progress.clone()
    {
        training::settle_version(world, &plan.model, v, false, now);
    }
    if let Some(id) = mlflow_run {
        let still_running = world
            .run(&id)
            .is_some_and(|r| r.run.info.status == Some(MlflowStatus::Running));
        if still_running {
            training::finish(world, &id, MlflowStatus::Killed, now);
        }
    }
    let message = format!("Run cancelled by {user}.");
    let ending = Ending {
        life: Life::Terminated,
        result: RunResultState::Canceled,
        code: TerminationCode::UserCanceled,
        kind: TerminationType::Success,
        message: &message,
    };
    if let Some(r) = world.jobs.run_mut(run_id) {
        for task in &mut r.run.tasks {
            if !task.is_terminal() {
                end_task(task, &ending, now);
            }
        }
        end_run(&mut r.run, &ending, now);
        r.progress = None;
        r.cancel = None;
    }
}
