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
    /// Open-source MLflow only (the workspace registry has no aliases).
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<RegistryAlias>,
}

/// `{alias, version}` in an open-source MLflow registered model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RegistryAlias {
    #[serde(default)]
    pub alias: String,
    #[serde(default, deserialize_with = "string_or_number")]
    pub version: String,
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

impl Stage {
    /// Parses a stage the way the servers do: case-insensitively; `None` for anything else.
    pub fn parse(text: &str) -> Option<Stage> {
        [
            Stage::None,
            Stage::Staging,
            Stage::Production,
            Stage::Archived,
        ]
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// `ModelVersionDatabricks` (from `databricks/model-versions/transition-stage`): the version
/// plus the caller's permission level and the version's open transition requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ModelVersionDatabricks {
    #[serde(flatten)]
    pub version: ModelVersion,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_level: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub open_requests: Vec<super::transition_requests::Activity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_subscription_status: Option<String>,
}

/// Body of both transition-stage paths; `comment` only goes to the Databricks one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TransitionStageRequest {
    pub name: String,
    pub version: String,
    pub stage: String,
    pub archive_existing_versions: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `{model_version_databricks}` from `databricks/model-versions/transition-stage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TransitionStageDatabricksResponse {
    #[serde(default)]
    pub model_version_databricks: ModelVersionDatabricks,
}

/// `POST registered-models/get-latest-versions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GetLatestVersionsRequest {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GetLatestVersionsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub model_versions: Vec<ModelVersion>,
}

/// `registered-models/set-tag` (no version) and `model-versions/set-tag` (with one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SetTagRequest {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub key: String,
    pub value: String,
}

/// Open-source MLflow `registered-models/alias`: POST `{name, alias, version}`, DELETE
/// `{name, alias}` (as a JSON body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RegistryAliasRequest {
    pub name: String,
    pub alias: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_parse_case_insensitively() {
        assert_eq!(Stage::parse("production"), Some(Stage::Production));
        assert_eq!(Stage::parse(" STAGING "), Some(Stage::Staging));
        assert_eq!(Stage::parse("none"), Some(Stage::None));
        assert_eq!(Stage::parse("Bogus"), None);
    }

    #[test]
    fn oss_registered_model_aliases_parse() {
        let text = include_str!("../testdata/registered-models-get.json");
        let r: RegisteredModelResponse = serde_json::from_str(text).unwrap();
        assert_eq!(
            r.registered_model.aliases,
            vec![RegistryAlias {
                alias: "champion".into(),
                version: "2".into()
            }]
        );
    }

    #[test]
    fn databricks_transition_answer_keeps_version_fields() {
        let text = r#"{"model_version_databricks": {"name": "m", "version": "3",
            "current_stage": "Production", "permission_level": "CAN_MANAGE",
            "open_requests": [{"id": "a1", "activity_type": "REQUESTED_TRANSITION",
            "to_stage": "Staging", "user_id": "u@x", "creation_timestamp": 5}]}}"#;
        let r: TransitionStageDatabricksResponse = serde_json::from_str(text).unwrap();
        let mv = r.model_version_databricks;
        assert_eq!(mv.version.current_stage, Some(Stage::Production));
        assert_eq!(mv.version.version, "3");
        assert_eq!(mv.open_requests[0].to_stage.as_deref(), Some("Staging"));
    }
}
