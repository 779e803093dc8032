//! A run's life on the simulator's clock. Every run waits [`PENDING_MS`] for its cluster; a
//! training run then logs [`EPOCHS`](super::training::EPOCHS) epochs of [`EPOCH_MS`] (RUNNING),
//! registers its model for [`REGISTER_MS`] (TERMINATING) and ends TERMINATED/SUCCESS about 20 s
//! after it started. Each step happens at its own due time, however late the clock is read.

use std::collections::BTreeMap;

use crate::api::models::jobs::{
    Job, JobRun, RunJobParameter, RunLifeCycleState as Life, RunResultState, RunState, RunStatus,
    RunStatusState, RunTask, RunType, TerminationCode, TerminationDetails, TerminationType,
    TriggerType,
};
use crate::api::models::mlflow::RunStatus as MlflowStatus;
use crate::sim::world::World;

use super::training::{self, EPOCHS, Origin};
use super::{JobRunRecord, Plan, Progress, Script};

/// Cluster start-up.
pub(crate) const PENDING_MS: i64 = 3_000;
pub(crate) const EPOCH_MS: i64 = 1_000;
/// Model registration after the last epoch.
pub(crate) const REGISTER_MS: i64 = 2_000;
/// A successful training run's whole length.
pub(crate) const TRAINING_MS: i64 = PENDING_MS + EPOCHS as i64 * EPOCH_MS + REGISTER_MS;

/// How a run ended.
pub(crate) struct Ending<'a> {
    /// `TERMINATED`, or `INTERNAL_ERROR` when the platform (not the code) failed.
    pub life: Life,
    pub result: RunResultState,
    pub code: TerminationCode,
    pub kind: TerminationType,
    pub message: &'a str,
}

impl Ending<'_> {
    pub const SUCCESS: Ending<'static> = Ending {
        life: Life::Terminated,
        result: RunResultState::Success,
        code: TerminationCode::Success,
        kind: TerminationType::Success,
        message: "",
    };
}

/// Sets the legacy `state` and the newer `status` together (and the task's), as the service
/// keeps them in step.
pub(crate) fn set_state(run: &mut JobRun, life: Life, message: &str) {
    let status = match &life {
        Life::Queued => RunStatusState::Queued,
        Life::Pending => RunStatusState::Pending,
        Life::Running => RunStatusState::Running,
        Life::Terminating => RunStatusState::Terminating,
        _ => RunStatusState::Terminated,
    };
    let state = RunState {
        life_cycle_state: Some(life),
        state_message: message.to_string(),
        ..Default::default()
    };
    let status = RunStatus {
        state: Some(status),
        ..Default::default()
    };
    for task in &mut run.tasks {
        task.state = Some(state.clone());
        task.status = Some(status.clone());
    }
    run.state = Some(state);
    run.status = Some(status);
}

/// Ends `run` at `at` (durations filled in; setup is the pending time, when known).
pub(crate) fn terminate(run: &mut JobRun, ending: &Ending<'_>, at: i64) {
    let start = run.start_time.unwrap_or(at);
    let total = (at - start).max(0);
    let setup = PENDING_MS.min(total);
    let state = RunState {
        life_cycle_state: Some(ending.life.clone()),
        result_state: Some(ending.result.clone()),
        state_message: ending.message.to_string(),
        user_cancelled_or_timedout: Some(ending.code == TerminationCode::UserCanceled),
        queue_reason: None,
    };
    let status = RunStatus {
        state: Some(RunStatusState::Terminated),
        termination_details: Some(TerminationDetails {
            code: Some(ending.code.clone()),
            kind: Some(ending.kind.clone()),
            message: ending.message.to_string(),
        }),
        queue_details: None,
    };
    for task in &mut run.tasks {
        task.state = Some(state.clone());
        task.status = Some(status.clone());
        task.end_time = Some(at);
    }
    run.state = Some(state);
    run.status = Some(status);
    run.end_time = Some(at);
    run.setup_duration = Some(setup);
    run.execution_duration = Some(total - setup);
    run.cleanup_duration = Some(0);
    run.run_duration = Some(total);
}

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
    let plan = match &sim_job.script {
        Script::Training { experiment, model } => Plan::Training(Box::new(training::plan(
            world.seed, run_id, experiment, model, effective,
        ))),
        Script::Batch { running_ms } => Plan::Batch {
            running_ms: *running_ms,
        },
    };
    Some(JobRunRecord {
        run,
        progress: Some(Progress {
            plan,
            epochs_logged: 0,
            version: None,
        }),
        mlflow_run_id: None,
    })
}

/// Brings every active run up to `now`.
pub(crate) fn advance(world: &mut World, now: i64) {
    let active: Vec<i64> = world
        .jobs
        .runs
        .iter()
        .filter(|r| r.progress.is_some())
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
    let (Some(progress), Some(start)) = (record.progress.clone(), record.run.start_time) else {
        return;
    };
    let elapsed = now - start;
    if elapsed < PENDING_MS {
        return;
    }
    match &progress.plan {
        Plan::Batch { running_ms } => {
            if elapsed >= PENDING_MS + running_ms {
                finish_record(
                    world,
                    run_id,
                    &Ending::SUCCESS,
                    start + PENDING_MS + running_ms,
                );
            } else {
                update_state(world, run_id, Life::Running, "");
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
        finish_record(world, run_id, &Ending::SUCCESS, done_at);
        return;
    }
    if let Some(r) = world.jobs.run_mut(run_id) {
        r.progress = Some(progress);
    }
}

/// The notebook raised: TERMINATED/FAILED with a client error.
pub(crate) fn failed(message: &str) -> Ending<'_> {
    Ending {
        life: Life::Terminated,
        result: RunResultState::Failed,
        code: TerminationCode::RunExecutionError,
        kind: TerminationType::ClientError,
        message,
    }
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

/// Cancels an active run at `now` (its MLflow run is KILLED, a registration in flight fails);
/// a run that already ended is left alone, as the service does.
pub(crate) fn cancel(world: &mut World, run_id: i64, user: &str, now: i64) {
    let Some(record) = world.jobs.run(run_id) else {
        return;
    };
    if record.run.is_terminal() {
        return;
    }
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
    finish_record(world, run_id, &ending, now);
}
