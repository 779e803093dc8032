//! A run's life on the simulator's clock. Every run waits [`PENDING_MS`] for its cluster; a
//! training run then logs [`EPOCHS`](super::training::EPOCHS) epochs of [`EPOCH_MS`] (RUNNING),
//! registers its model for [`REGISTER_MS`] (TERMINATING) and ends TERMINATED/SUCCESS about 20 s
//! after it started; a multi-task run goes task by task (see [`super::tasks`]). Each step happens
//! at its own due time, however late the clock is read.
//!
//! Cancelling is asynchronous, as on Databricks (see [`super::cancel`]).

use std::collections::BTreeMap;

use crate::api::models::jobs::{
    Job, JobRun, RunJobParameter, RunLifeCycleState as Life, RunTask, RunType, TriggerType,
};
use crate::api::models::mlflow::RunStatus as MlflowStatus;
use crate::sim::world::World;

pub(crate) use super::run_state::*;
use super::training::{self, EPOCHS, Origin};
use super::{JobRunRecord, Plan, Progress, Script, tasks};

/// Cluster start-up.
pub(crate) const PENDING_MS: i64 = 3_000;
pub(crate) const EPOCH_MS: i64 = 1_000;
/// Model registration after the last epoch.
pub(crate) const REGISTER_MS: i64 = 2_000;
/// A successful training run's whole length.
pub(crate) const TRAINING_MS: i64 = PENDING_MS + EPOCHS as i64 * EPOCH_MS + REGISTER_MS;
/// From `runs/cancel` to the run's end (TERMINATING meanwhile, see [`super::cancel`]).
pub(crate) const CANCEL_MS: i64 = 2_000;

/// A run of `job` in PENDING at `now`, with the job's parameters (overridden where given) and
/// one task run per task.
pub(crate) fn blank_run(
    job: &Job,
    run_id: i64,
    overrides: &BTreeMap<String, String>,
    user: &str,
    trigger: TriggerType,
    now: i64,
) -> JobRun {
    let settings = &job.settings;
    let mut job_parameters: Vec<RunJobParameter> = settings
        .parameters
        .iter()
        .map(|p| RunJobParameter {
            name: p.name.clone(),
            default: Some(p.default.clone()),
            value: overrides.get(&p.name).cloned(),
        })
        .collect();
    // Parameters the job does not define still reach the notebook (and show on the run).
    for (name, value) in overrides {
        if settings.parameter_default(name).is_none() {
            job_parameters.push(RunJobParameter {
                name: name.clone(),
                default: None,
                value: Some(value.clone()),
            });
        }
    }
    let tasks = settings
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| RunTask {
            task_key: t.task_key.clone(),
            run_id: run_id + 1 + i as i64,
            start_time: Some(now),
            end_time: Some(0),
            attempt_number: Some(0),
            ..Default::default()
        })
        .collect();
    let mut run = JobRun {
        run_id,
        job_id: job.job_id,
        number_in_job: Some(run_id),
        original_attempt_run_id: Some(run_id),
        run_name: Some(settings.name.clone()),
        run_type: Some(RunType::JobRun),
        trigger: Some(trigger),
        attempt_number: Some(0),
        creator_user_name: Some(user.to_string()),
        start_time: Some(now),
        // The service reports 0 until the run ends.
        end_time: Some(0),
        setup_duration: Some(0),
        execution_duration: Some(0),
        cleanup_duration: Some(0),
        queue_duration: Some(0),
        job_parameters,
        tasks,
        ..Default::default()
    };
    set_state(&mut run, Life::Pending, "Waiting for cluster");
    run
}

/// A new, active run record of `job_id`, as `run-now` creates it; `None` if no such job.
pub(crate) fn new_run(
    world: &mut World,
    job_id: i64,
    overrides: &BTreeMap<String, String>,
    user: &str,
    trigger: TriggerType,
    now: i64,
) -> Option<JobRunRecord> {
    let sim_job = world.jobs.job(job_id)?.clone();
    let run_id = world.jobs.allocate_run_id(sim_job.job.settings.tasks.len());
    let run = blank_run(&sim_job.job, run_id, overrides, user, trigger, now);
    let effective: Vec<(String, String)> = run
        .job_parameters
        .iter()
        .map(|p| (p.name.clone(), p.effective().unwrap_or("").to_string()))
        .collect();
    let all: Vec<usize> = (0..run.tasks.len()).collect();
    let job_id = sim_job.job.job_id;
    let plan = attempt_plan(
        world,
        &sim_job.script,
        job_id,
        run_id,
        &effective,
        &all,
        now,
    );
    let mut record = JobRunRecord {
        run,
        progress: Some(Progress {
            plan,
            began: now,
            epochs_logged: 0,
            version: None,
        }),
        ..Default::default()
    };
    if let Some(Progress {
        plan: Plan::Tasks(_),
        ..
    }) = &record.progress
    {
        tasks::wait_for_start(&mut record.run);
    }
    Some(record)
}

/// What one attempt of a run of `job_id` (the first, or a repair) will do: `salt` tells
/// attempts apart, `which` are the task indexes it runs.
pub(crate) fn attempt_plan(
    world: &World,
    script: &Script,
    job_id: i64,
    salt: i64,
    effective: &[(String, String)],
    which: &[usize],
    began: i64,
) -> Plan {
    match script {
        Script::Training { experiment, model } => Plan::Training(Box::new(training::plan(
            world.seed,
            salt,
            experiment,
            model,
            effective.to_vec(),
        ))),
        Script::Tasks(steps) => Plan::Tasks(tasks::plan(
            world, steps, job_id, salt, effective, which, began,
        )),
    }
}

/// Brings every active run up to `now`.
pub(crate) fn advance(world: &mut World, now: i64) {
    let active: Vec<i64> = world
        .jobs
        .runs
        .iter()
        .filter(|r| r.progress.is_some() || r.cancel.is_some())
        .map(|r| r.run.run_id)
        .collect();
    for run_id in active {
        advance_run(world, run_id, now);
    }
}

fn advance_run(world: &mut World, run_id: i64, now: i64) {
    let Some(record) = world.jobs.run(run_id) else {
        return;
    };
    if let Some(cancel) = record.cancel.clone() {
        // Nothing else moves while a cancellation is under way.
        if now >= cancel.at + CANCEL_MS {
            super::cancel::complete_cancel(world, run_id, &cancel.user, cancel.at + CANCEL_MS);
        }
        return;
    }
    let Some(progress) = record.progress.clone() else {
        return;
    };
    let start = progress.began;
    if now - start < PENDING_MS {
        return;
    }
    match &progress.plan {
        Plan::Tasks(plan) => {
            if let Some(r) = world.jobs.run_mut(run_id)
                && tasks::advance(r, plan, now)
            {
                r.progress = None;
            }
        }
        Plan::Training(plan) => advance_training(world, run_id, start, progress.clone(), plan, now),
    }
}

fn advance_training(
    world: &mut World,
    run_id: i64,
    start: i64,
    mut progress: Progress,
    plan: &training::TrainingPlan,
    now: i64,
) {
    let Some(record) = world.jobs.run(run_id) else {
        return;
    };
    let job_id = record.run.job_id;
    // The MLflow run is attributed to the job's run-as user and its first notebook.
    let (user, notebook) = world.jobs.job(job_id).map_or_else(Default::default, |j| {
        let settings = &j.job.settings;
        let notebook = settings
            .tasks
            .first()
            .and_then(|t| t.notebook_task.as_ref());
        (
            j.job.run_as_user_name.clone().unwrap_or_default(),
            notebook
                .map(|n| n.notebook_path.clone())
                .unwrap_or_default(),
        )
    });
    let origin = Origin {
        job_id,
        job_run_id: run_id,
        user: &user,
        notebook: &notebook,
    };
    let running_at = start + PENDING_MS;

    if world
        .jobs
        .run(run_id)
        .and_then(|r| r.mlflow_run_id.as_ref())
        .is_none()
    {
        if let Err(message) = training::begin(world, plan, &origin, running_at) {
            let ending = failed(&message);
            finish_record(world, run_id, &ending, running_at);
            return;
        }
        if let Some(r) = world.jobs.run_mut(run_id) {
            r.mlflow_run_id = Some(plan.mlflow_run_id.clone());
        }
        update_state(world, run_id, Life::Running, "");
    }

    let first_epoch_end = running_at + EPOCH_MS;
    if let Some(reason) = &plan.failure {
        if now >= first_epoch_end {
            training::finish(
                world,
                &plan.mlflow_run_id,
                MlflowStatus::Failed,
                first_epoch_end,
            );
            let message = format!(
                "Task train failed with message: {reason}. This caused all downstream tasks to \
                 get skipped."
            );
            let trace = tasks::trace(
                &notebook,
                "max_depth = int(dbutils.widgets.get(\"max_depth\"))",
                reason,
            );
            record_output(world, run_id, String::new(), Some((reason.clone(), trace)));
            finish_record(world, run_id, &failed(&message), first_epoch_end);
        }
        return;
    }

    let due = (((now - running_at) / EPOCH_MS) as usize).min(EPOCHS);
    let logged_before = progress.epochs_logged;
    for epoch in logged_before..due {
        let at = running_at + (epoch as i64 + 1) * EPOCH_MS;
        training::log_epoch(world, plan, epoch, at);
    }
    progress.epochs_logged = logged_before.max(due);

    let trained_at = running_at + EPOCHS as i64 * EPOCH_MS;
    if due == EPOCHS && logged_before < EPOCHS {
        training::finish(
            world,
            &plan.mlflow_run_id,
            MlflowStatus::Finished,
            trained_at,
        );
        progress.version = training::register(world, plan, &origin, trained_at);
        update_state(
            world,
            run_id,
            Life::Terminating,
            "Registering the model version",
        );
    }
    let done_at = start + TRAINING_MS;
    if now >= done_at {
        if let Some(version) = progress.version {
            training::settle_version(world, &plan.model, version, true, done_at);
        }
        let result = serde_json::json!({
            "mlflow_run_id": plan.mlflow_run_id,
            "model": plan.model,
            "model_version": progress.version,
        });
        record_output(world, run_id, result.to_string(), None);
        finish_record(world, run_id, &Ending::SUCCESS, done_at);
        return;
    }
    if let Some(r) = world.jobs.run_mut(run_id) {
        r.progress = Some(progress);
    }
}

/// Stores the output of a single-task run's task: its exit value, or its error and trace.
fn record_output(world: &mut World, run_id: i64, result: String, error: Option<(String, String)>) {
    let Some(r) = world.jobs.run_mut(run_id) else {
        return;
    };
    let Some(task_run_id) = r.run.tasks.first().map(|t| t.run_id) else {
        return;
    };
    let output = match error {
        Some((error, trace)) => super::TaskOutput {
            error: Some(error),
            error_trace: Some(trace),
            ..Default::default()
        },
        None => super::TaskOutput {
            result: Some(result),
            ..Default::default()
        },
    };
    r.outputs.insert(task_run_id, output);
}

fn update_state(world: &mut World, run_id: i64, life: Life, message: &str) {
    if let Some(r) = world.jobs.run_mut(run_id) {
        let unchanged = r.run.life_cycle_state().as_ref() == Some(&life)
            && r.run.state.as_ref().map(|s| s.state_message.as_str()) == Some(message);
        if !unchanged {
            set_state(&mut r.run, life, message);
        }
    }
}

fn finish_record(world: &mut World, run_id: i64, ending: &Ending<'_>, at: i64) {
    if let Some(r) = world.jobs.run_mut(run_id) {
        terminate(&mut r.run, ending, at);
        r.progress = None;
    }
}
