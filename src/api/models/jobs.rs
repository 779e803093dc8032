//! Jobs API 2.2 shapes (reference §9): jobs, their settings and parameters, `run-now`, and the
//! list answers. Job runs live in [`super::job_runs`], run outputs and repairs in
//! [`super::job_output`]; both are re-exported here, so
//! `models::jobs::*` is the whole Jobs vocabulary.
//!
//! Ids are 64-bit integers on the wire (tolerated as strings). Every collection may be absent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::wire::{i64_or_zero, null_as_empty, null_as_map, opt_i64};
use crate::lenient_enum;

pub use super::job_output::*;
pub use super::job_runs::*;

lenient_enum! {
    /// Whether a job's schedule or trigger is active.
    pub enum PauseStatus { Paused => "PAUSED", Unpaused => "UNPAUSED" }
}

/// `BaseJob` (list items) and `Job` (`jobs/get`) share this shape; list items simply carry less.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Job {
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub job_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_time: Option<i64>,
    #[serde(default)]
    pub settings: JobSettings,
    /// 2.2: more array elements (tasks, parameters) are on the next page of `jobs/get`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl Job {
    /// The job's name, or its id when the settings carry none.
    pub fn display_name(&self) -> String {
        if self.settings.name.is_empty() {
            self.job_id.to_string()
        } else {
            self.settings.name.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct JobSettings {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub tags: BTreeMap<String, String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tasks: Vec<JobTask>,
    /// Job-level parameters with their defaults (what `run-now` `job_parameters` override).
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub parameters: Vec<JobParameterDefinition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<CronSchedule>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_concurrent_runs: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub timeout_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueSettings>,
    /// `MULTI_TASK` for every job created through 2.1+; kept as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl JobSettings {
    /// The default of a job parameter, if the job defines it.
    pub fn parameter_default(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.default.as_str())
    }
}

/// A task of a job's settings. Tasks come in many kinds; the fields the console shows are typed,
/// the rest is not needed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct JobTask {
    #[serde(default)]
    pub task_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub depends_on: Vec<TaskDependency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notebook_task: Option<NotebookTask>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_cluster_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_cluster_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TaskDependency {
    #[serde(default)]
    pub task_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct NotebookTask {
    #[serde(default)]
    pub notebook_path: String,
    #[serde(
        default,
        deserialize_with = "null_as_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub base_parameters: BTreeMap<String, String>,
    /// `WORKSPACE` or `GIT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// `{name, default}` of `settings.parameters`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct JobParameterDefinition {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub default: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CronSchedule {
    #[serde(default)]
    pub quartz_cron_expression: String,
    #[serde(default)]
    pub timezone_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_status: Option<PauseStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct QueueSettings {
    #[serde(default)]
    pub enabled: bool,
}

/// `GET /api/2.2/jobs/list` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListJobsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub jobs: Vec<Job>,
    #[serde(default)]
    pub has_more: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_page_token: Option<String>,
}

/// Arguments of `jobs/list` (sent as a query string).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListJobsRequest {
    /// 1–100; the server's default is 20.
    pub limit: Option<i64>,
    pub page_token: Option<String>,
    /// Exact, case-insensitive name.
    pub name: Option<String>,
    pub expand_tasks: bool,
}

/// `POST /api/2.2/jobs/run-now` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunNowRequest {
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub job_id: i64,
    #[serde(
        default,
        deserialize_with = "null_as_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub job_parameters: BTreeMap<String, String>,
    /// At most 64 characters; reusing one returns the run it started instead of a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_token: Option<String>,
    /// Run only these task keys.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub only: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueSettings>,
}

/// `run-now` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunNowResponse {
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub run_id: i64,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub number_in_job: Option<i64>,
}

/// `POST /api/2.2/jobs/runs/cancel` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CancelRunRequest {
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub run_id: i64,
}

#[cfg(test)]
#[path = "jobs_tests.rs"]
mod tests;
