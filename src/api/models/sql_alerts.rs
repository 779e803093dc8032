//! SQL alerts v2 (`/api/2.0/alerts`, wave-2 reference §(e)): an alert runs `query_text` on a
//! warehouse on its schedule and compares a column of the result with a threshold.
//! Times (`create_time`, `last_evaluated_at`) are RFC 3339 strings, as the SDK has them.

use serde::{Deserialize, Serialize};

use crate::lenient_enum;

lenient_enum! {
    /// The result of the alert's last evaluation.
    pub enum AlertEvaluationState {
        Ok => "OK",
        Triggered => "TRIGGERED",
        Error => "ERROR",
        Unknown => "UNKNOWN",
    }
}

lenient_enum! {
    pub enum ComparisonOperator {
        Equal => "EQUAL",
        NotEqual => "NOT_EQUAL",
        GreaterThan => "GREATER_THAN",
        GreaterThanOrEqual => "GREATER_THAN_OR_EQUAL",
        LessThan => "LESS_THAN",
        LessThanOrEqual => "LESS_THAN_OR_EQUAL",
        IsNull => "IS_NULL",
        IsNotNull => "IS_NOT_NULL",
    }
}

lenient_enum! {
    pub enum AlertLifecycleState { Active => "ACTIVE", Deleted => "DELETED" }
}

/// A column of the query's result (`source`, or a threshold column).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertOperandColumn {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertOperandValue {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub double_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bool_value: Option<bool>,
}

/// The right-hand side: a fixed value or a column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertOperand {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<AlertOperandValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<AlertOperandColumn>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertEvaluation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<AlertOperandColumn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison_operator: Option<ComparisonOperator>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<AlertOperand>,
    /// The state an empty result gives (`OK`, `TRIGGERED`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty_result_state: Option<AlertEvaluationState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<serde_json::Value>,
    /// Output only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<AlertEvaluationState>,
    /// Output only (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_evaluated_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CronSchedule {
    pub quartz_cron_schedule: String,
    pub timezone_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_status: Option<String>,
}

/// `AlertV2`. Fields this build does not know are kept in `extra`, so an update sends them back
/// unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertV2 {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub query_text: String,
    #[serde(default)]
    pub warehouse_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<AlertEvaluation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<CronSchedule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_state: Option<AlertLifecycleState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl AlertV2 {
    /// The last evaluation's state, `UNKNOWN` when the alert was never evaluated.
    pub fn state(&self) -> AlertEvaluationState {
        self.evaluation
            .as_ref()
            .and_then(|e| e.state.clone())
            .unwrap_or(AlertEvaluationState::Unknown)
    }

    pub fn last_evaluated_at(&self) -> Option<&str> {
        self.evaluation
            .as_ref()
            .and_then(|e| e.last_evaluated_at.as_deref())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListAlertsV2Response {
    #[serde(default)]
    pub alerts: Vec<AlertV2>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}
