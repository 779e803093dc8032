//! The Data Quality API's table monitors (`/api/data-quality/v1/monitors/table/{table_id}`,
//! wave-2 reference (a)): `Monitor` with its `data_profiling_config`, and `Refresh`. Shared by
//! the client and the simulator. Every enum keeps values this build does not know; every field
//! may be absent.

use serde::{Deserialize, Serialize};

use crate::api::wire::{null_as_empty, opt_i64};
use crate::lenient_enum;

lenient_enum! {
    /// `DataProfilingStatus`.
    pub enum DataProfilingStatus {
        Pending => "DATA_PROFILING_STATUS_PENDING",
        Active => "DATA_PROFILING_STATUS_ACTIVE",
        Error => "DATA_PROFILING_STATUS_ERROR",
        Failed => "DATA_PROFILING_STATUS_FAILED",
        DeletePending => "DATA_PROFILING_STATUS_DELETE_PENDING",
    }
}

lenient_enum! {
    /// `InferenceProblemType`.
    pub enum InferenceProblemType {
        Classification => "INFERENCE_PROBLEM_TYPE_CLASSIFICATION",
        Regression => "INFERENCE_PROBLEM_TYPE_REGRESSION",
    }
}

lenient_enum! {
    /// `AggregationGranularity`.
    pub enum AggregationGranularity {
        FiveMinutes => "AGGREGATION_GRANULARITY_5_MINUTES",
        ThirtyMinutes => "AGGREGATION_GRANULARITY_30_MINUTES",
        OneHour => "AGGREGATION_GRANULARITY_1_HOUR",
        OneDay => "AGGREGATION_GRANULARITY_1_DAY",
        OneWeek => "AGGREGATION_GRANULARITY_1_WEEK",
        TwoWeeks => "AGGREGATION_GRANULARITY_2_WEEKS",
        ThreeWeeks => "AGGREGATION_GRANULARITY_3_WEEKS",
        FourWeeks => "AGGREGATION_GRANULARITY_4_WEEKS",
        OneMonth => "AGGREGATION_GRANULARITY_1_MONTH",
        OneYear => "AGGREGATION_GRANULARITY_1_YEAR",
    }
}

impl AggregationGranularity {
    /// The legacy API's spelling (`"1 day"`), which the metric tables' `granularity` column
    /// holds too; a value this build does not know stays as sent.
    pub fn text(&self) -> String {
        match self {
            Self::FiveMinutes => "5 minutes",
            Self::ThirtyMinutes => "30 minutes",
            Self::OneHour => "1 hour",
            Self::OneDay => "1 day",
            Self::OneWeek => "1 week",
            Self::TwoWeeks => "2 weeks",
            Self::ThreeWeeks => "3 weeks",
            Self::FourWeeks => "4 weeks",
            Self::OneMonth => "1 month",
            Self::OneYear => "1 year",
            Self::Other(raw) => raw,
        }
        .to_string()
    }
}

lenient_enum! {
    /// `CronSchedulePauseStatus` (read-only on the wire).
    pub enum CronPauseStatus {
        Paused => "CRON_SCHEDULE_PAUSE_STATUS_PAUSED",
        Unpaused => "CRON_SCHEDULE_PAUSE_STATUS_UNPAUSED",
    }
}

lenient_enum! {
    /// `RefreshState`.
    pub enum DqRefreshState {
        Pending => "MONITOR_REFRESH_STATE_PENDING",
        Running => "MONITOR_REFRESH_STATE_RUNNING",
        Success => "MONITOR_REFRESH_STATE_SUCCESS",
        Failed => "MONITOR_REFRESH_STATE_FAILED",
        Canceled => "MONITOR_REFRESH_STATE_CANCELED",
        Unknown => "MONITOR_REFRESH_STATE_UNKNOWN",
    }
}

lenient_enum! {
    /// `RefreshTrigger`.
    pub enum DqRefreshTrigger {
        Manual => "MONITOR_REFRESH_TRIGGER_MANUAL",
        Schedule => "MONITOR_REFRESH_TRIGGER_SCHEDULE",
        DataChange => "MONITOR_REFRESH_TRIGGER_DATA_CHANGE",
        Unknown => "MONITOR_REFRESH_TRIGGER_UNKNOWN",
    }
}

/// `CronSchedule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CronSchedule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quartz_cron_expression: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_status: Option<CronPauseStatus>,
}

/// `InferenceLogConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct InferenceLogConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem_type: Option<InferenceProblemType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction_column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_id_column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_column: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub granularities: Vec<AggregationGranularity>,
}

/// `TimeSeriesConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TimeSeriesConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_column: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub granularities: Vec<AggregationGranularity>,
}

/// `DataProfilingConfig`: a table monitor (exactly one of `snapshot`, `time_series`,
/// `inference_log` is set by the service).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DataProfilingConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets_dir: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_table_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift_metrics_table_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_metrics_table_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_warehouse_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warehouse_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_monitor_failure_message: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub monitor_version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitored_table_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<CronSchedule>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub slicing_exprs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_series: Option<TimeSeriesConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_log: Option<InferenceLogConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DataProfilingStatus>,
}

/// `Monitor` (only table monitors carry `data_profiling_config`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DqMonitor {
    #[serde(default)]
    pub object_type: String,
    #[serde(default)]
    pub object_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_profiling_config: Option<DataProfilingConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anomaly_detection_config: Option<serde_json::Value>,
}

/// `Refresh`: also the body of a run (`{"object_type","object_id"}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DqRefresh {
    #[serde(default)]
    pub object_type: String,
    #[serde(default)]
    pub object_id: String,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub refresh_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<DqRefreshState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<DqRefreshTrigger>,
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

/// `ListRefreshResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DqListRefreshResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub refreshes: Vec<DqRefresh>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `CancelRefreshResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DqCancelRefreshResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<DqRefresh>,
}
