//! Workspace Model Registry shapes (reference §4): registered models with stages.

use serde::{Deserialize, Serialize};

use super::mlflow::KeyValue;
use crate::api::wire::{null_as_empty, opt_i64, string_or_number};
use crate::lenient_enum;

lenient_enum! {
    /// Workspace registry stage (canonical spelling on output).
    pub enum Stage { None => "None", Staging => "Staging", Production => "Production", Archived => "Archived" }
}

lenient_enum! {
    pub enum ModelVersionStatus {
        PendingRegistration => "PENDING_REGISTRATION",
        FailedRegistration => "FAILED_REGISTRATION",
        Ready => "READY",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RegisteredModel {
    #[serde(default)]
    pub name: String,
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
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub latest_versions: Vec<ModelVersion>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<KeyValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ModelVersion {
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "string_or_number")]
    pub version: String,
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
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_stage: Option<Stage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ModelVersionStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<KeyValue>,
    /// OSS MLflow and the UC-via-MLflow path list alias names here.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SearchRegisteredModelsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub registered_models: Vec<RegisteredModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `{registered_model}` from registered-models/get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RegisteredModelResponse {
    #[serde(default)]
    pub registered_model: RegisteredModel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SearchModelVersionsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub model_versions: Vec<ModelVersion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `{model_version}` from model-versions/get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ModelVersionResponse {
    #[serde(default)]
    pub model_version: ModelVersion,
}

/// `ModelDatabricks`, from `GET /api/2.0/mlflow/databricks/registered-models/get`: the registered
/// model plus the id the permissions API uses and the caller's permission level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RegisteredModelDatabricks {
    #[serde(flatten)]
    pub model: RegisteredModel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_level: Option<String>,
}

/// `{registered_model_databricks}` from `databricks/registered-models/get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RegisteredModelDatabricksResponse {
    #[serde(default)]
    pub registered_model_databricks: RegisteredModelDatabricks,
}
