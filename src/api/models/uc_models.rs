//! Unity Catalog model shapes (reference §5): three-level names, versions, aliases.

use serde::{Deserialize, Serialize};

use super::mlflow::KeyValue;
use crate::api::wire::{i64_or_zero, null_as_empty, opt_i64};
use crate::lenient_enum;

lenient_enum! {
    pub enum UcModelVersionStatus {
        PendingRegistration => "PENDING_REGISTRATION",
        Ready => "READY",
        FailedRegistration => "FAILED_REGISTRATION",
        Unknown => "MODEL_VERSION_STATUS_UNKNOWN",
    }
}

/// `RegisteredModelAlias`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Alias {
    #[serde(default)]
    pub alias_name: String,
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub version_num: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RegisteredModelInfo {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub catalog_name: String,
    #[serde(default)]
    pub schema_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metastore_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
    /// Set when the caller may only see metadata (listed with `include_browse=true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browse_only: Option<bool>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<Alias>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ModelVersionInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default)]
    pub model_name: String,
    #[serde(default)]
    pub catalog_name: String,
    #[serde(default)]
    pub schema_name: String,
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// Workspace the source run lives in (may differ from the caller's).
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub run_workspace_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UcModelVersionStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metastore_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<Alias>,
    /// Present in MLflow's native UC proto, absent from SDK dataclasses: optional.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<KeyValue>,
    /// The feature tables and functions the version was trained with (set when it was logged
    /// through the feature-engineering client).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_version_dependencies: Option<super::uc_tables::DependencyList>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListRegisteredModelsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub registered_models: Vec<RegisteredModelInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListModelVersionsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub model_versions: Vec<ModelVersionInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// Body of `PUT …/models/{full_name}/aliases/{alias}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SetAliasRequest {
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub version_num: i64,
}

impl RegisteredModelInfo {
    /// The version `alias` points at, if it is set (and aliases were asked for).
    pub fn alias_version(&self, alias: &str) -> Option<i64> {
        self.aliases
            .iter()
            .find(|a| a.alias_name == alias)
            .map(|a| a.version_num)
    }
}
