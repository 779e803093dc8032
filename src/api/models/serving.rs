//! Model serving shapes (reference §6): endpoints, served entities, routes.

use serde::{Deserialize, Serialize};

use crate::api::wire::{int_or_numeric_string, null_as_empty, opt_i64, string_or_number};
use crate::lenient_enum;

lenient_enum! {
    pub enum EndpointReady { Ready => "READY", NotReady => "NOT_READY" }
}

lenient_enum! {
    pub enum ConfigUpdate {
        NotUpdating => "NOT_UPDATING",
        InProgress => "IN_PROGRESS",
        UpdateFailed => "UPDATE_FAILED",
        UpdateCanceled => "UPDATE_CANCELED",
    }
}

lenient_enum! {
    pub enum DeploymentState {
        Creating => "DEPLOYMENT_CREATING",
        Recovering => "DEPLOYMENT_RECOVERING",
        Ready => "DEPLOYMENT_READY",
        Failed => "DEPLOYMENT_FAILED",
        Aborted => "DEPLOYMENT_ABORTED",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EndpointState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<EndpointReady>,
    /// Some doc examples spell this `update_state`; accept both.
    #[serde(
        default,
        alias = "update_state",
        skip_serializing_if = "Option::is_none"
    )]
    pub config_update: Option<ConfigUpdate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ServedEntityState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<DeploymentState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_state_message: Option<String>,
}

/// `ServedEntityOutput` (also the summary shape in list answers, where most fields are absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ServedEntity {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub entity_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_to_zero_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_timestamp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ServedEntityState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_model: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foundation_model: Option<serde_json::Value>,
    /// Every other field as read (provisioned concurrency/throughput, `environment_vars`,
    /// `instance_profile_arn`, …), kept so that a `PUT …/config` built from this entity
    /// changes nothing but what it means to (see [`super::serving_config::ServedEntityInput`]).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Legacy `ServedModelOutput` mirror (`model_name` / `model_version`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ServedModel {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub model_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_to_zero_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ServedEntityState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Route {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_entity_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_model_name: Option<String>,
    #[serde(default, deserialize_with = "int_or_numeric_string")]
    pub traffic_percentage: i64,
}

impl Route {
    /// The entity this route points at, whichever field names it.
    pub fn target(&self) -> &str {
        self.served_entity_name
            .as_deref()
            .or(self.served_model_name.as_deref())
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TrafficConfig {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub routes: Vec<Route>,
}

/// `EndpointCoreConfigOutput`, and (with `start_time`) `EndpointPendingConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EndpointConfig {
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub config_version: Option<i64>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub served_entities: Vec<ServedEntity>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub served_models: Vec<ServedModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_config: Option<TrafficConfig>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<i64>,
    /// Where the endpoint logs its requests (legacy inference tables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_capture_config: Option<super::inference_tables::AutoCaptureConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EndpointTag {
    #[serde(default)]
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// `ServingEndpointDetailed` (GET one) and `ServingEndpoint` (list item) in one lenient type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ServingEndpoint {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_timestamp: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_updated_timestamp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<EndpointState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<EndpointConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_config: Option<EndpointConfig>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<EndpointTag>,
    /// AI Gateway settings: the inference table (the rest kept as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_gateway: Option<super::inference_tables::AiGatewayConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListEndpointsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub endpoints: Vec<ServingEndpoint>,
}

fn opt_string_or_number<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    let s = string_or_number(d)?;
    Ok(if s.is_empty() { None } else { Some(s) })
}
