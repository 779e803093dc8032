//! The simulated Jobs service (reference §9): `churn-retrain`, `churn-batch-score` and
//! `feature-refresh` with a seeded history, `run-now` that really runs, and cancel.
//!
//! `handlers` answers the HTTP calls (`output` and `repair` the newer ones); `lifecycle` moves
//! runs through PENDING → RUNNING → (TERMINATING →) TERMINATED on the simulator's clock, and a
//! cancelled run through TERMINATING to CANCELED; `training` is what `churn-retrain`'s notebook
//! does meanwhile: an MLflow run in `/Shared/churn/training` that grows an epoch at a time, then a
//! new version of `main.ml.churn_model`; `tasks` runs the multi-task jobs task by task, each
//! reporting what it did in its output. Nothing here sleeps: runs are pure functions of (start,
//! clock), caught up whenever the world is looked at, and the driver task only looks at it when
//! the clock moves.

mod cancel;
mod handlers;
mod lifecycle;
mod output;
mod repair;
mod run_state;
pub(crate) mod tasks;
mod training;

use std::collections::BTreeMap;

use crate::api::models::jobs::{Job, JobRun};

use super::state::AppState;

pub(crate) use handlers::{cancel_run, get_job, get_run, list_jobs, list_runs, run_now};
pub(crate) use lifecycle::{Ending, advance, blank_run, failed, set_state, terminate};
pub(crate) use output::get_output;
pub(crate) use repair::repair_run;
pub(crate) use tasks::{Report, StepScript};

/// Everything the Jobs service knows.
#[derive(Debug, Clone, Default)]
pub(crate) struct JobsState {
    pub jobs: Vec<SimJob>,
    /// Oldest first; listings sort newest first.
    pub runs: Vec<JobRunRecord>,
    /// The next run id to hand out (task runs take the ids after their job run's).
    pub next_run_id: i64,
    /// `idempotency_token` → the run it started.
    pub idempotency: BTreeMap<String, i64>,
    /// Model versions training runs registered and that became READY, oldest first.
    pub registered: Vec<Registered>,
}

/// A model version a training run registered (READY).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Registered {
    /// UC model full name.
    pub model: String,
    pub version: i64,
    /// When it became READY, in Unix milliseconds.
    pub at: i64,
}

impl JobsState {
    pub fn job(&self, job_id: i64) -> Option<&SimJob> {
        self.jobs.iter().find(|j| j.job.job_id == job_id)
    }

    pub fn run(&self, run_id: i64) -> Option<&JobRunRecord> {
        self.runs.iter().find(|r| r.run.run_id == run_id)
    }

    pub fn run_mut(&mut self, run_id: i64) -> Option<&mut JobRunRecord> {
        self.runs.iter_mut().find(|r| r.run.run_id == run_id)
    }

    /// A fresh run id; the ids after it go to the run's `tasks` task runs.
    pub fn allocate_run_id(&mut self, tasks: usize) -> i64 {
        let id = self.next_run_id;
        self.next_run_id += 1 + tasks as i64;
        id
    }

    /// The job run holding task run `task_run_id`, and the task's index in it.
    pub fn task_run(&self, task_run_id: i64) -> Option<(&JobRunRecord, usize)> {
        self.runs.iter().find_map(|r| {
            let i = r.run.tasks.iter().position(|t| t.run_id == task_run_id)?;
            Some((r, i))
        })
    }
}

/// A job and what its runs do in the simulator.
#[derive(Debug, Clone)]
pub(crate) struct SimJob {
    pub job: Job,
    pub script: Script,
}

/// What a run of a job does while it runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Script {
    /// Trains in `experiment` and registers the result as a new version of `model`.
    Training { experiment: String, model: String },
    /// Runs the job's tasks one after the other (one step per task, in the settings' order),
    /// each reporting what it did as its notebook's exit value.
    Tasks(Vec<StepScript>),
}

/// A job run as stored: the wire shape plus, while it is active, how far it has got.
#[derive(Debug, Clone, Default)]
pub(crate) struct JobRunRecord {
    pub run: JobRun,
    /// `None` once terminal, and for seeded runs that only ever sit in their seeded state.
    pub progress: Option<Progress>,
    /// The MLflow run this job run logged, if any.
    pub mlflow_run_id: Option<String>,
    /// What each ended task run left for `runs/get-output`, by task run id.
    pub outputs: BTreeMap<i64, TaskOutput>,
    /// A cancellation asked for and not yet done: the run is TERMINATING meanwhile.
    pub cancel: Option<CancelRequest>,
}

/// The output of one task run, as `runs/get-output` answers it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TaskOutput {
    /// The notebook's exit value (`notebook_output.result`).
    pub result: Option<String>,
    pub error: Option<String>,
    pub error_trace: Option<String>,
}

/// Who asked to cancel a run, and when.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CancelRequest {
    pub at: i64,
    pub user: String,
}

/// How far an active run has got; every step of [`lifecycle::advance`] checks and moves these,
/// so catching up over any stretch of time applies each step exactly once.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Progress {
    pub plan: Plan,
    /// When this attempt began: the run's start, or the time of the repair that reran it.
    pub began: i64,
    pub epochs_logged: usize,
    /// The model version registered at the end of training, while it is still registering.
    pub version: Option<i64>,
}

/// Decided at `run-now` (or `runs/repair`) from the job and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Plan {
    Training(Box<training::TrainingPlan>),
    Tasks(tasks::TasksPlan),
}

/// Background dynamics: whenever the clock may have moved, look at the world (which brings
/// runs up to date, see [`super::state::Shared::world`]). Requests catch up the same way, so
/// this only matters when nobody asks — e.g. the demo's MLflow run keeps growing while the
/// console shows another screen.
pub(crate) async fn drive(st: AppState) {
    loop {
        st.clock().tick().await;
        drop(st.world());
    }
}
