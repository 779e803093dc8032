//! Serving request shapes (reference §6.2, §6.4): served entities as inputs, the config of
//! create and `PUT …/config`, logs answers, and invocation bodies.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::serving::{EndpointTag, ServedEntity, TrafficConfig};
use crate::api::wire::{null_as_empty, opt_bool_or_string};

/// Output fields of `ServedEntityOutput` that are not part of `ServedEntityInput`.
pub const OUTPUT_ONLY_ENTITY_FIELDS: &[&str] =
    &["creator", "creation_timestamp", "state", "foundation_model"];

/// `ServedEntityInput`: what an entity serves and how it runs. Fields the console does not
/// name are kept in `extra` and sent back as they were read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ServedEntityInput {
    /// Unique in the endpoint; defaults to `<model>-<version>` on the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_bool_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub scale_to_zero_enabled: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ServedEntityInput {
    /// The input that recreates `entity` unchanged: every field read back except the
    /// output-only ones ([`OUTPUT_ONLY_ENTITY_FIELDS`]). A denylist rather than an allowlist,
    /// so that input fields newer than this build (as `extra`) are kept rather than reset.
    pub fn from_output(entity: &ServedEntity) -> ServedEntityInput {
        let mut extra = entity.extra.clone();
        for k in OUTPUT_ONLY_ENTITY_FIELDS {
            extra.remove(*k);
        }
        if let Some(m) = &entity.external_model {
            extra.insert("external_model".into(), m.clone());
        }
        ServedEntityInput {
            name: Some(entity.name.clone()),
            entity_name: entity.entity_name.clone(),
            entity_version: entity.entity_version.clone(),
            workload_size: entity.workload_size.clone(),
            workload_type: entity.workload_type.clone(),
            scale_to_zero_enabled: entity.scale_to_zero_enabled,
            extra,
        }
    }

    /// A new entity serving `entity_name` version `version` with the workload settings of
    /// `template` (size, type, scale-to-zero, provisioned concurrency, environment…): how a
    /// canary is added next to its stable entity.
    pub fn like(template: &ServedEntityInput, entity_name: &str, version: &str) -> Self {
        let short = entity_name.rsplit('.').next().unwrap_or(entity_name);
        ServedEntityInput {
            name: Some(format!("{short}-{version}")),
            entity_name: Some(entity_name.to_string()),
            entity_version: Some(version.to_string()),
            ..template.clone()
        }
    }

    /// The entity's name, or the server's default for it.
    pub fn effective_name(&self) -> String {
        if let Some(n) = self.name.as_deref().filter(|n| !n.is_empty()) {
            return n.to_string();
        }
        let entity = self.entity_name.as_deref().unwrap_or("");
        let short = entity.rsplit('.').next().unwrap_or(entity);
        format!("{short}-{}", self.entity_version.as_deref().unwrap_or(""))
    }
}

/// Legacy `ServedModelInput` (`model_name` / `model_version`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ServedModelInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub model_name: String,
    #[serde(default)]
    pub model_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_bool_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub scale_to_zero_enabled: Option<bool>,
}

impl From<&ServedModelInput> for ServedEntityInput {
    fn from(m: &ServedModelInput) -> Self {
        ServedEntityInput {
            name: m.name.clone(),
            entity_name: Some(m.model_name.clone()),
            entity_version: Some(m.model_version.clone()),
            workload_size: m.workload_size.clone(),
            workload_type: m.workload_type.clone(),
            scale_to_zero_enabled: m.scale_to_zero_enabled,
            extra: Map::new(),
        }
    }
}

/// `EndpointCoreConfigInput`: the body of `PUT …/config` (a full replacement of the entity
/// list) and the `config` of create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EndpointConfigInput {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub served_entities: Vec<ServedEntityInput>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub served_models: Vec<ServedModelInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_config: Option<TrafficConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_capture_config: Option<Value>,
}

impl EndpointConfigInput {
    /// Served entities, legacy `served_models` converted.
    pub fn entities(&self) -> Vec<ServedEntityInput> {
        let mut all = self.served_entities.clone();
        all.extend(self.served_models.iter().map(ServedEntityInput::from));
        all
    }
}

/// `POST /api/2.0/serving-endpoints`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CreateEndpointRequest {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<EndpointConfigInput>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<EndpointTag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_optimized: Option<bool>,
}

/// `…/served-models/{name}/logs` and `…/build-logs`: `{logs: str}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LogsResponse {
    #[serde(default)]
    pub logs: String,
}

/// The four MLflow scoring input keys (reference §6.4); exactly one must be present.
pub const INPUT_KEYS: &[&str] = &[
    "dataframe_split",
    "dataframe_records",
    "instances",
    "inputs",
];

/// A custom model's answer to an invocation: `{"predictions": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PredictionsResponse {
    #[serde(default)]
    pub predictions: Value,
}
