//! MLflow tracking shapes (reference §3): experiments, runs, metrics.

use serde::{Deserialize, Serialize};

use crate::api::wire::{i64_or_zero, lenient_f64, null_as_empty, opt_i64};
use crate::lenient_enum;

/// `{key, value}` pair used for tags and params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct KeyValue {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

impl KeyValue {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        KeyValue {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// The tag that makes a run a child of another (a sweep trial), naming its parent run id.
pub const PARENT_TAG: &str = "mlflow.parentRunId";

/// Looks up a key in a tag/param list.
pub fn lookup<'a>(items: &'a [KeyValue], key: &str) -> Option<&'a str> {
    items
        .iter()
        .find(|kv| kv.key == key)
        .map(|kv| kv.value.as_str())
}

lenient_enum! {
    /// `lifecycle_stage` of experiments and runs.
    pub enum LifecycleStage { Active => "active", Deleted => "deleted" }
}

lenient_enum! {
    /// Run status.
    pub enum RunStatus {
        Running => "RUNNING",
        Scheduled => "SCHEDULED",
        Finished => "FINISHED",
        Failed => "FAILED",
        Killed => "KILLED",
    }
}

lenient_enum! {
    /// `view_type` / `run_view_type` of searches.
    pub enum ViewType { ActiveOnly => "ACTIVE_ONLY", DeletedOnly => "DELETED_ONLY", All => "ALL" }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Experiment {
    #[serde(default)]
    pub experiment_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_stage: Option<LifecycleStage>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_update_time: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_time: Option<i64>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<KeyValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Run {
    #[serde(default)]
    pub info: RunInfo,
    #[serde(default)]
    pub data: RunData,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<serde_json::Value>,
    /// MLflow 3 `RunOutputs` (logged models); OSS sends `{}` when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<serde_json::Value>,
}

impl Run {
    /// The parent run id of a nested run (its `mlflow.parentRunId` tag).
    pub fn parent_run_id(&self) -> Option<&str> {
        lookup(&self.data.tags, PARENT_TAG)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunInfo {
    #[serde(default)]
    pub run_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_uuid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_name: Option<String>,
    #[serde(default)]
    pub experiment_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_stage: Option<LifecycleStage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunData {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub metrics: Vec<Metric>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub params: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<KeyValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    #[serde(default)]
    pub key: String,
    #[serde(default = "nan", deserialize_with = "lenient_f64")]
    pub value: f64,
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub timestamp: i64,
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub step: i64,
}

fn nan() -> f64 {
    f64::NAN
}

/// `POST /api/2.0/mlflow/experiments/search` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SearchExperimentsRequest {
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_results: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub order_by: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_type: Option<ViewType>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SearchExperimentsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub experiments: Vec<Experiment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `{experiment}` from get / get-by-name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ExperimentResponse {
    #[serde(default)]
    pub experiment: Experiment,
}

/// `POST /api/2.0/mlflow/runs/search` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SearchRunsRequest {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub experiment_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_view_type: Option<ViewType>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_results: Option<i64>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub order_by: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SearchRunsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub runs: Vec<Run>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `{run}` from runs/get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunResponse {
    #[serde(default)]
    pub run: Run,
}

/// `GET /api/2.0/mlflow/metrics/get-history` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MetricHistoryResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub metrics: Vec<Metric>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// One entry of `artifacts/list`: a file or a directory, its path relative to the run's root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FileInfo {
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub is_dir: bool,
    /// Bytes; absent for directories.
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub file_size: Option<i64>,
}

/// `GET /api/2.0/mlflow/artifacts/list` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListArtifactsResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_uri: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub files: Vec<FileInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_listings_parse_files_dirs_and_empty_answers() {
        // The shape of OSS `mlflow server` and Databricks answers: directories carry no size.
        let r: ListArtifactsResponse = serde_json::from_str(
            r#"{"root_uri": "dbfs:/databricks/mlflow-tracking/1/abc/artifacts",
                "files": [{"path": "model", "is_dir": true},
                          {"path": "model/model.pkl", "is_dir": false, "file_size": "20480"},
                          {"path": "plots/roc.png", "file_size": 512}],
                "next_page_token": "tok"}"#,
        )
        .unwrap();
        assert_eq!(r.files.len(), 3);
        assert!(r.files[0].is_dir && r.files[0].file_size.is_none());
        assert_eq!(r.files[1].file_size, Some(20_480));
        assert!(!r.files[2].is_dir, "a missing is_dir means a file");
        assert_eq!(r.next_page_token.as_deref(), Some("tok"));
        let empty: ListArtifactsResponse = serde_json::from_str(r#"{"root_uri": "x"}"#).unwrap();
        assert!(empty.files.is_empty());
    }
}
