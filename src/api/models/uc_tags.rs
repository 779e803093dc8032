//! Tags on Unity Catalog model versions (reference §5.3): the MLflow UC registry RPCs
//! (`/api/2.0/mlflow/unity-catalog/...`) and the native tag assignment PATCH.

use serde::{Deserialize, Serialize};

use super::mlflow::KeyValue;
use crate::api::wire::{null_as_empty, opt_i64, string_or_number};

/// `{alias, version}` as the MLflow UC RPCs list a version's aliases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UcAliasRef {
    #[serde(default)]
    pub alias: String,
    #[serde(default, deserialize_with = "string_or_number")]
    pub version: String,
}

/// A UC model version in the MLflow UC RPC shape (`unity-catalog/model-versions/get`):
/// versions are strings and aliases are `{alias, version}` objects, unlike the REST shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UcRegistryModelVersion {
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
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_location: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<UcAliasRef>,
}

/// `{model_version}` from `unity-catalog/model-versions/get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UcRegistryModelVersionResponse {
    #[serde(default)]
    pub model_version: UcRegistryModelVersion,
}

/// A UC registered model in the MLflow UC RPC shape (`unity-catalog/registered-models/get`,
/// `.../search`): the full name as `name`, `{alias, version}` aliases and model-level tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UcRegistryModel {
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
    pub aliases: Vec<UcAliasRef>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<KeyValue>,
}

/// `{registered_model}` from `unity-catalog/registered-models/get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UcRegistryModelResponse {
    #[serde(default)]
    pub registered_model: UcRegistryModel,
}

/// A page of `unity-catalog/registered-models/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UcSearchRegisteredModelsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub registered_models: Vec<UcRegistryModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// A page of `unity-catalog/model-versions/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UcSearchModelVersionsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub model_versions: Vec<UcRegistryModelVersion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// Body of `unity-catalog/model-versions/set-tag` (`value` absent) and `delete-tag`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UcVersionTagRequest {
    pub name: String,
    pub version: String,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// `TagAssignmentsChange`: tags to add (or overwrite) and keys to remove.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TagChanges {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub add_tags: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub remove: Vec<String>,
}

/// Body of `PATCH /api/2.1/unity-catalog/subentity-tags/FUNCTION/{full_name}/{version}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UpdateTagAssignments {
    #[serde(default)]
    pub changes: TagChanges,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpc_version_parses_tags_and_alias_objects() {
        let text = r#"{"model_version": {"name": "main.ml.m", "version": "5",
            "tags": [{"key": "approval", "value": "pending"}],
            "aliases": [{"alias": "challenger", "version": "5"}]}}"#;
        let r: UcRegistryModelVersionResponse = serde_json::from_str(text).unwrap();
        assert_eq!(r.model_version.version, "5");
        assert_eq!(r.model_version.aliases[0].alias, "challenger");
        assert_eq!(
            r.model_version.tags[0],
            KeyValue::new("approval", "pending")
        );
    }

    #[test]
    fn native_change_body_has_the_documented_shape() {
        let body = UpdateTagAssignments {
            changes: TagChanges {
                add_tags: vec![KeyValue::new("approval", "approved")],
                remove: vec!["stale".into()],
            },
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"changes": {"add_tags": [{"key": "approval", "value": "approved"}],
                                           "remove": ["stale"]}})
        );
    }
}
