//! The legacy quality monitors API (`/api/2.1/unity-catalog/tables/{name}/monitor`, reference
//! §7.1; deprecated but live): `MonitorInfo` and `MonitorRefreshInfo`, and the UC table
//! (`/api/2.1/unity-catalog/tables/{full_name}`) whose `table_id` keys the new API. Shared by
//! the client and the simulator.

use serde::{Deserialize, Serialize};

use crate::api::wire::{null_as_empty, opt_i64};
use crate::lenient_enum;

lenient_enum! {
    /// `MonitorInfoStatus`.
    pub enum LegacyMonitorStatus {
        Pending => "MONITOR_STATUS_PENDING",
        Active => "MONITOR_STATUS_ACTIVE",
        Error => "MONITOR_STATUS_ERROR",
        Failed => "MONITOR_STATUS_FAILED",
        DeletePending => "MONITOR_STATUS_DELETE_PENDING",
    }
}

lenient_enum! {
    /// `MonitorInferenceLogProblemType`.
    pub enum LegacyProblemType {
        Classification => "PROBLEM_TYPE_CLASSIFICATION",
        Regression => "PROBLEM_TYPE_REGRESSION",
    }
}

lenient_enum! {
    /// `MonitorCronSchedulePauseStatus`.
    pub enum LegacyPauseStatus {
        Paused => "PAUSED",
        Unpaused => "UNPAUSED",
        Unspecified => "UNSPECIFIED",
    }
}

lenient_enum! {
    /// `MonitorRefreshInfoState`.
    pub enum LegacyRefreshState {
        Pending => "PENDING",
        Running => "RUNNING",
        Success => "SUCCESS",
        Failed => "FAILED",
        Canceled => "CANCELED",
        Unknown => "UNKNOWN",
    }
}

lenient_enum! {
    /// `MonitorRefreshInfoTrigger`.
    pub enum LegacyRefreshTrigger {
        Manual => "MANUAL",
        Schedule => "SCHEDULE",
        UnknownTrigger => "UNKNOWN_TRIGGER",
    }
}

/// `MonitorCronSchedule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LegacySchedule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quartz_cron_expression: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_status: Option<LegacyPauseStatus>,
}

/// `MonitorInferenceLog`: granularities are free strings (`"1 day"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LegacyInferenceLog {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem_type: Option<LegacyProblemType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction_col: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_col: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_id_col: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_col: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction_proba_col: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub granularities: Vec<String>,
}

/// `MonitorTimeSeries`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LegacyTimeSeries {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_col: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub granularities: Vec<String>,
}

/// `MonitorInfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MonitorInfo {
    #[serde(default)]
    pub table_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LegacyMonitorStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_metrics_table_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift_metrics_table_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub monitor_version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_monitor_failure_msg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets_dir: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_table_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<LegacySchedule>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub slicing_exprs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_log: Option<LegacyInferenceLog>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_series: Option<LegacyTimeSeries>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<serde_json::Value>,
}

/// `MonitorRefreshInfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MonitorRefreshInfo {
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub refresh_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<LegacyRefreshState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<LegacyRefreshTrigger>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time_ms: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `MonitorRefreshListResponse` (the latest refreshes, no paging).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MonitorRefreshListResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub refreshes: Vec<MonitorRefreshInfo>,
}

/// `TableInfo`, the fields the console reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UcTableInfo {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source_format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The table's properties (`mlops.endpoint` links it to a serving endpoint).
    #[serde(
        default,
        deserialize_with = "crate::api::wire::null_as_map",
        skip_serializing_if = "std::collections::BTreeMap::is_empty"
    )]
    pub properties: std::collections::BTreeMap<String, String>,
}
