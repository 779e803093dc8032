//! Where a serving endpoint logs its requests (reference §6.5): the legacy
//! `config.auto_capture_config` and the AI Gateway's `inference_table_config`. Both name a
//! catalog, a schema and a table prefix; the requests land in `{prefix}_payload`.

use serde::{Deserialize, Serialize};

/// `payload_table` of the auto-capture state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PayloadTable {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AutoCaptureState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_table: Option<PayloadTable>,
}

/// `AutoCaptureConfigOutput` (deprecated in favour of AI Gateway inference tables).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AutoCaptureConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_name_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<AutoCaptureState>,
}

/// `AiGatewayInferenceTableConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct InferenceTableConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_name_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// `AiGatewayConfig`, the part the console reads (the rest is kept as sent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AiGatewayConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_table_config: Option<InferenceTableConfig>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `catalog.schema.{prefix}_payload`, when all three parts are named and capture is not off.
fn payload(
    catalog: &Option<String>,
    schema: &Option<String>,
    prefix: &Option<String>,
    enabled: Option<bool>,
) -> Option<String> {
    let part = |p: &Option<String>| p.clone().filter(|s| !s.trim().is_empty());
    if enabled == Some(false) {
        return None;
    }
    Some(format!(
        "{}.{}.{}_payload",
        part(catalog)?,
        part(schema)?,
        part(prefix)?
    ))
}

impl AutoCaptureConfig {
    /// The payload table: as the endpoint's state names it, else built from the prefix.
    pub fn payload_table(&self) -> Option<String> {
        if self.enabled == Some(false) {
            return None;
        }
        self.state
            .as_ref()
            .and_then(|s| s.payload_table.as_ref())
            .and_then(|t| t.name.clone())
            .filter(|n| !n.trim().is_empty())
            .map(|n| {
                if n.contains('.') {
                    n
                } else {
                    format!(
                        "{}.{}.{n}",
                        self.catalog_name.clone().unwrap_or_default(),
                        self.schema_name.clone().unwrap_or_default()
                    )
                }
            })
            .or_else(|| {
                payload(
                    &self.catalog_name,
                    &self.schema_name,
                    &self.table_name_prefix,
                    self.enabled,
                )
            })
    }
}

impl InferenceTableConfig {
    pub fn payload_table(&self) -> Option<String> {
        payload(
            &self.catalog_name,
            &self.schema_name,
            &self.table_name_prefix,
            self.enabled,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_tables_come_from_the_prefix_or_the_state() {
        let ai: InferenceTableConfig = serde_json::from_value(serde_json::json!({
            "catalog_name": "main", "schema_name": "ml", "table_name_prefix": "churn_prod",
            "enabled": true
        }))
        .unwrap();
        assert_eq!(
            ai.payload_table().as_deref(),
            Some("main.ml.churn_prod_payload")
        );
        let off = InferenceTableConfig {
            enabled: Some(false),
            ..ai.clone()
        };
        assert_eq!(off.payload_table(), None);
        let partial = InferenceTableConfig {
            schema_name: None,
            ..ai
        };
        assert_eq!(partial.payload_table(), None);
        let ac: AutoCaptureConfig = serde_json::from_value(serde_json::json!({
            "catalog_name": "main", "schema_name": "ml", "table_name_prefix": "fraud",
            "state": {"payload_table": {"name": "fraud_payload_v2"}}
        }))
        .unwrap();
        assert_eq!(
            ac.payload_table().as_deref(),
            Some("main.ml.fraud_payload_v2")
        );
    }
}
