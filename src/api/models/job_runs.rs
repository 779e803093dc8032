//! Job run shapes (reference §9): `BaseRun`/`Run` with the legacy `state` and the newer `status`,
//! run tasks, and `runs/list`. Named `JobRun` so it never meets MLflow's `Run` by accident.

use serde::{Deserialize, Serialize};

use crate::api::wire::{i64_or_zero, null_as_empty, opt_i64};
use crate::lenient_enum;

use super::jobs::{NotebookTask, TaskDependency};

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub depends_on: Vec<TaskDependency>,
    /// `ALL_SUCCESS`, `AT_LEAST_ONE_SUCCESS`, ...; kept as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_if: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notebook_task: Option<NotebookTask>,
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
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub run_duration: Option<i64>,
}

lenient_enum! {
    /// `repair_history[].type`.
    pub enum RepairType { Original => "ORIGINAL", Repair => "REPAIR" }
}

/// One entry of a run's `repair_history`: the original run, then each repair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RepairHistoryItem {
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<RepairType>,
    /// The repair id (absent on the `ORIGINAL` entry); what `latest_repair_id` names.
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<RunState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RunStatus>,
    /// The task runs this attempt ran.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub task_run_ids: Vec<i64>,
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
    /// The original attempt and every repair (2.2 pages it beyond 100 like `tasks`).
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub repair_history: Vec<RepairHistoryItem>,
    /// The job run this run belongs to: itself for a job run, the parent for a task run.
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub job_run_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
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
    /// Runs started at or after this time (epoch ms).
    pub start_time_from: Option<i64>,
    /// Runs started at or before this time (epoch ms).
    pub start_time_to: Option<i64>,
    /// Include each run's `tasks`.
    pub expand_tasks: bool,
}
