//! `runs/get-output` and `runs/repair` shapes (reference §9).
//!
//! `runs/get-output` takes the id of a *task* run: on the parent of a multi-task run the service
//! answers 400 "Retrieving the output of runs with multiple tasks is not supported...".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::wire::{null_as_empty, null_as_map, opt_i64};

use super::job_runs::JobRun;

/// `GET /api/2.2/jobs/runs/get-output` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunOutput {
    /// The task run the output belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JobRun>,
    /// What the notebook passed to `dbutils.notebook.exit(...)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notebook_output: Option<NotebookOutput>,
    /// The error of a failed task ("ValueError: ...").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its stack trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_trace: Option<String>,
    /// Standard output of the task (Python, JAR and wheel tasks; not notebooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs_truncated: Option<bool>,
    /// A message about where the output went when it is not returned here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<String>,
}

/// `notebook_output` of a run output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct NotebookOutput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// True when `result` was cut at the service's 5 MB limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated: Option<bool>,
}

impl RunOutput {
    /// The notebook's exit value read as a flat JSON object (`{"rows_scored": 48213,
    /// "output_table": "main.ml.churn_scores"}`): its keys with their values as text.
    /// Empty when there is no result or it is not a JSON object.
    pub fn reported(&self) -> Vec<(String, String)> {
        let Some(text) = self
            .notebook_output
            .as_ref()
            .and_then(|n| n.result.as_deref())
        else {
            return Vec::new();
        };
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str(text) else {
            return Vec::new();
        };
        map.into_iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect()
    }
}

/// `POST /api/2.2/jobs/runs/repair` body. Name the tasks to rerun, or ask for every failed one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RepairRunRequest {
    #[serde(default, deserialize_with = "crate::api::wire::i64_or_zero")]
    pub run_id: i64,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub rerun_tasks: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rerun_all_failed_tasks: Option<bool>,
    /// Also rerun the tasks downstream of the ones named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rerun_dependent_tasks: Option<bool>,
    /// Required from the second repair on: the id of the latest one, so two repairs cannot race.
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub latest_repair_id: Option<i64>,
    #[serde(
        default,
        deserialize_with = "null_as_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub job_parameters: BTreeMap<String, String>,
}

/// `runs/repair` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RepairRunResponse {
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub repair_id: Option<i64>,
}

#[cfg(test)]
#[path = "job_output_tests.rs"]
mod tests;
