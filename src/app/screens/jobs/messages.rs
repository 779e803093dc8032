//! What the Jobs room asks the runtime (its reads and changes), what comes back, and the
//! resource keys they live under.

use std::collections::BTreeMap;

use crate::api::models::jobs::Job;
use crate::ops::job_attention::JobsAttention;
use crate::ops::job_list::{JobRow, JobRuns};
use crate::ops::job_run_view::{JobRunView, Known};
use crate::ops::journal::Outcome;

use super::super::super::remote::LoadError;
use super::super::super::screen::ScreenId;
use super::super::RoomKey;

pub const LIST: RoomKey = RoomKey {
    screen: ScreenId::Jobs,
    what: "jobs",
};
pub const RUNS: RoomKey = RoomKey {
    screen: ScreenId::Jobs,
    what: "job runs",
};
pub const RUN: RoomKey = RoomKey {
    screen: ScreenId::Jobs,
    what: "job run",
};
pub const JOB: RoomKey = RoomKey {
    screen: ScreenId::Jobs,
    what: "job",
};
/// Runs in progress and failing jobs, for the Overview.
pub const ATTENTION: RoomKey = RoomKey {
    screen: ScreenId::Jobs,
    what: "jobs needing attention",
};
pub const CHANGE: RoomKey = RoomKey {
    screen: ScreenId::Jobs,
    what: "job change",
};

/// The reads of the Jobs room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    List,
    Runs {
        job_id: i64,
        active_only: bool,
    },
    /// One run with its tasks; the config's training-job links find its MLflow run. What an
    /// earlier read of the run found and cannot change (`known`) is not read again.
    Run {
        run_id: i64,
        training_jobs: BTreeMap<String, i64>,
        known: Box<Known>,
    },
    /// The job's settings (its parameters and their defaults), for the run-now form.
    Job {
        job_id: i64,
    },
    /// Runs in progress and failing jobs, from the recent runs of every job (the Overview).
    Attention,
}

impl Fetch {
    pub fn key(&self) -> RoomKey {
        match self {
            Fetch::List => LIST,
            Fetch::Runs { .. } => RUNS,
            Fetch::Run { .. } => RUN,
            Fetch::Job { .. } => JOB,
            Fetch::Attention => ATTENTION,
        }
    }
}

/// Their answers, and the outcome of a change.
#[derive(Debug, Clone)]
pub enum Loaded {
    List(Result<Vec<JobRow>, LoadError>),
    Runs(Result<JobRuns, LoadError>),
    Run(Result<Box<JobRunView>, LoadError>),
    Job(Result<Box<Job>, String>),
    Attention(Result<Box<JobsAttention>, LoadError>),
    Changed(Box<ChangeDone>),
}

impl Loaded {
    pub fn key(&self) -> RoomKey {
        match self {
            Loaded::List(_) => LIST,
            Loaded::Runs(_) => RUNS,
            Loaded::Run(_) => RUN,
            Loaded::Job(_) => JOB,
            Loaded::Attention(_) => ATTENTION,
            Loaded::Changed(_) => CHANGE,
        }
    }
}

/// The changes of the Jobs room (sent only after their confirm dialog).
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// `run-now` with the parameters that differ from the job's defaults.
    RunNow {
        job_id: i64,
        job_name: String,
        overrides: BTreeMap<String, String>,
    },
    /// Cancel a run, then follow it until it has ended.
    Cancel { run_id: i64, job_name: String },
    /// Rerun the failed tasks of an ended run.
    Repair { run_id: i64, job_name: String },
}

impl Change {
    /// What the change does, for toasts and the view: "run churn-batch-score now".
    pub fn what(&self) -> String {
        match self {
            Change::RunNow { job_name, .. } => format!("run {job_name} now"),
            Change::Cancel { run_id, .. } => format!("cancel run {run_id}"),
            Change::Repair { run_id, .. } => format!("repair run {run_id}"),
        }
    }
}

/// How a change ended, as the pipeline judged it from the read-back.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeDone {
    pub change: Change,
    /// `None`: nothing was sent (refused before sending; `message` says why).
    pub outcome: Option<Outcome>,
    /// The run started (run-now) or changed.
    pub run_id: Option<i64>,
    pub message: String,
    /// The journal id, when it was journaled.
    pub journal_id: Option<String>,
}

impl ChangeDone {
    /// "ok", "failed", "unknown", "not sent".
    pub fn label(&self) -> &'static str {
        super::super::room_change::outcome_label(self.outcome)
    }
}
