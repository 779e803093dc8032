//! Job run shapes (reference §9): `BaseRun`/`Run` with the legacy `state` and the newer `status`,
//! run tasks, and `runs/list`. Named `JobRun` so it never meets MLflow's `Run` by accident.

use serde::{Deserialize, Serialize};

use crate::api::wire::{i64_or_zero, null_as_empty, opt_i64};
use crate::lenient_enum;

lenient_enum! {
    /// `state.life_cycle_state`.
    pub enum RunLifeCycleState {
        Queued => "QUEUED",
        Pending => "PENDING",
        Running => "RUNNING",
        Terminating => "TERMINATING",
        Terminated => "TERMINATED",
        Skipped => "SKIPPED",
        InternalError => "INTERNAL_ERROR",
        Blocked => "BLOCKED",
        WaitingForRetry => "WAITING_FOR_RETRY",
    }
}

impl RunLifeCycleState {
    /// The states a run never leaves (the SDK waiter stops on these).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Terminated | Self::Skipped | Self::InternalError)
    }
}

lenient_enum! {
    /// `state.result_state`, set once the run is terminal.
    pub enum RunResultState {
        Success => "SUCCESS",
        Failed => "FAILED",
        Timedout => "TIMEDOUT",
        Canceled => "CANCELED",
        MaximumConcurrentRunsReached => "MAXIMUM_CONCURRENT_RUNS_REACHED",
        Excluded => "EXCLUDED",
        SuccessWithFailures => "SUCCESS_WITH_FAILURES",
        UpstreamFailed => "UPSTREAM_FAILED",
        UpstreamCanceled => "UPSTREAM_CANCELED",
        Disabled => "DISABLED",
    }
}

lenient_enum! {
    /// `status.state`, the newer summary of where a run is.
    pub enum RunStatusState {
        Queued => "QUEUED",
        Pending => "PENDING",
        Running => "RUNNING",
        Terminating => "TERMINATING",
        Terminated => "TERMINATED",
        Blocked => "BLOCKED",
        Waiting => "WAITING",
    }
}

lenient_enum! {
    /// `status.termination_details.type`.
    pub enum TerminationType {
        Success => "SUCCESS",
        InternalError => "INTERNAL_ERROR",
        ClientError => "CLIENT_ERROR",
        CloudFailure => "CLOUD_FAILURE",
    }
}

lenient_enum! {
    /// `status.termination_details.code` (the common ones; the rest arrive as `Other`).
    pub enum TerminationCode {
        Success => "SUCCESS",
        SuccessWithFailures => "SUCCESS_WITH_FAILURES",
        UserCanceled => "USER_CANCELED",
        Canceled => "CANCELED",
        Skipped => "SKIPPED",
        Disabled => "DISABLED",
        RunExecutionError => "RUN_EXECUTION_ERROR",
        DriverError => "DRIVER_ERROR",
        ClusterError => "CLUSTER_ERROR",
        CloudFailure => "CLOUD_FAILURE",
        InternalError => "INTERNAL_ERROR",
        InvalidRunConfiguration => "INVALID_RUN_CONFIGURATION",
        LibraryInstallationError => "LIBRARY_INSTALLATION_ERROR",
        MaxConcurrentRunsExceeded => "MAX_CONCURRENT_RUNS_EXCEEDED",
        ResourceNotFound => "RESOURCE_NOT_FOUND",
        StorageAccessError => "STORAGE_ACCESS_ERROR",
        UnauthorizedError => "UNAUTHORIZED_ERROR",
    }
}

lenient_enum! {
    /// What started a run.
    pub enum TriggerType {
        Periodic => "PERIODIC",
        OneTime => "ONE_TIME",
        Retry => "RETRY",
        RunJobTask => "RUN_JOB_TASK",
        FileArrival => "FILE_ARRIVAL",
        Table => "TABLE",
        Continuous => "CONTINUOUS",
        ContinuousRestart => "CONTINUOUS_RESTART",
        JobCompletion => "JOB_COMPLETION",
    }
}

lenient_enum! {
    pub enum RunType { JobRun => "JOB_RUN", WorkflowRun => "WORKFLOW_RUN", SubmitRun => "SUBMIT_RUN" }
}

/// The legacy `state` block (deprecated by Databricks but still sent, and what the SDK waiter
/// reads).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub life_cycle_state: Option<RunLifeCycleState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_state: Option<RunResultState>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub state_message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_cancelled_or_timedout: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_reason: Option<String>,
}

/// The newer `status` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<RunStatusState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_details: Option<TerminationDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_details: Option<QueueDetails>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TerminationDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<TerminationCode>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<TerminationType>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct QueueDetails {
    /// `ACTIVE_RUNS_LIMIT_REACHED`, `MAX_CONCURRENT_RUNS_REACHED`, ...; kept as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// `{name, default, value}` of a run's `job_parameters`: what the run actually used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunJobParameter {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl RunJobParameter {
    /// The value in effect: the override if given, else the default.
    pub fn effective(&self) -> Option<&str> {
        self.value.as_deref().or(self.default.as_deref())
    }
}

/// One task of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunTask {
    #[serde(default)]
    pub task_key: String,
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub run_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<RunState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RunStatus>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub attempt_number: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_page_url: Option<String>,
}

/// `BaseRun` (list items) and `Run` (`runs/get`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct JobRun {
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub run_id: i64,
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub job_id: i64,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub number_in_job: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub original_attempt_run_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_page_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_type: Option<RunType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<TriggerType>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub attempt_number: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_user_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<i64>,
    /// 0 while the run is active (as the service sends it).
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub setup_duration: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub execution_duration: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub cleanup_duration: Option<i64>,
    /// Multi-task runs report their whole duration here (ms).
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub run_duration: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub queue_duration: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<RunState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RunStatus>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub job_parameters: Vec<RunJobParameter>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tasks: Vec<RunTask>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl JobRun {
    /// Where the run is. Prefers the legacy `state` (what the SDK waiter reads) and falls back
    /// to the newer `status`, so an answer carrying only one of them still reads right.
    pub fn life_cycle_state(&self) -> Option<RunLifeCycleState> {
        if let Some(s) = self.state.as_ref().and_then(|s| s.life_cycle_state.clone()) {
            return Some(s);
        }
        let status = self.status.as_ref()?.state.as_ref()?;
        Some(match status {
            RunStatusState::Queued => RunLifeCycleState::Queued,
            RunStatusState::Pending => RunLifeCycleState::Pending,
            RunStatusState::Running => RunLifeCycleState::Running,
            RunStatusState::Terminating => RunLifeCycleState::Terminating,
            RunStatusState::Terminated => RunLifeCycleState::Terminated,
            RunStatusState::Blocked => RunLifeCycleState::Blocked,
            RunStatusState::Waiting => RunLifeCycleState::WaitingForRetry,
            RunStatusState::Other(s) => RunLifeCycleState::Other(s.clone()),
        })
    }

    pub fn result_state(&self) -> Option<&RunResultState> {
        self.state.as_ref()?.result_state.as_ref()
    }

    /// True once the run can no longer change.
    pub fn is_terminal(&self) -> bool {
        self.life_cycle_state().is_some_and(|s| s.is_terminal())
    }

    /// Terminated with `SUCCESS` (by the legacy result, or the newer termination code).
    pub fn succeeded(&self) -> bool {
        match self.result_state() {
            Some(r) => *r == RunResultState::Success,
            None => {
                let details = self
                    .status
                    .as_ref()
                    .and_then(|s| s.termination_details.as_ref());
                details.and_then(|d| d.code.as_ref()) == Some(&TerminationCode::Success)
            }
        }
    }

    /// The most useful human message: the state message, else the termination message.
    pub fn message(&self) -> &str {
        let state = self.state.as_ref().map_or("", |s| s.state_message.as_str());
        if !state.is_empty() {
            return state;
        }
        self.status
            .as_ref()
            .and_then(|s| s.termination_details.as_ref())
            .map_or("", |d| d.message.as_str())
    }

    /// `RUNNING`, `TERMINATED SUCCESS`, ... for tables and progress lines.
    pub fn state_label(&self) -> String {
        let life = self
            .life_cycle_state()
            .map_or_else(|| "UNKNOWN".to_string(), |s| s.to_string());
        match self.result_state() {
            Some(r) => format!("{life} {r}"),
            None => life,
        }
    }

    /// The value a job parameter had in this run.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.job_parameters
            .iter()
            .find(|p| p.name == name)
            .and_then(RunJobParameter::effective)
    }
}

/// `GET /api/2.2/jobs/runs/list` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListRunsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub runs: Vec<JobRun>,
    #[serde(default)]
    pub has_more: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_page_token: Option<String>,
}

/// Arguments of `runs/list` (sent as a query string). `active_only` and `completed_only`
/// exclude each other on the server.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListRunsRequest {
    pub job_id: Option<i64>,
    pub active_only: bool,
    pub completed_only: bool,
    /// 1–25 (0 means the maximum); the server's default is 20.
    pub limit: Option<i64>,
    pub page_token: Option<String>,
}
