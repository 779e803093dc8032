//! Aliases of an open-source MLflow server (`/api/2.0/mlflow/registered-models/alias`, reference
//! §11). Its DELETE reads parameters only from a JSON body; a query string is answered with
//! "Missing value for required parameter 'name'". Databricks' workspace registry has no aliases:
//! Unity Catalog aliases live in `uc_models.rs`.

use super::client::Client;
use super::error::ApiResult;
use super::models::registry::{ModelVersion, ModelVersionResponse, RegistryAliasRequest};

const ALIAS: &str = "/api/2.0/mlflow/registered-models/alias";

impl Client {
    /// Points `alias` at `version` (moving it if it is set elsewhere).
    pub async fn set_registry_alias(
        &self,
        name: &str,
        alias: &str,
        version: &str,
    ) -> ApiResult<()> {
        let body = RegistryAliasRequest {
            name: name.to_string(),
            alias: alias.to_string(),
            version: Some(version.to_string()),
        };
        let _: serde_json::Value = self.post_json(ALIAS, &body).await?;
        Ok(())
    }

    pub async fn delete_registry_alias(&self, name: &str, alias: &str) -> ApiResult<()> {
        let body = RegistryAliasRequest {
            name: name.to_string(),
            alias: alias.to_string(),
            version: None,
        };
        let _: serde_json::Value = self.delete_json_body(ALIAS, &body).await?;
        Ok(())
    }

    /// The version `alias` points at; a missing alias is an error (`RESOURCE_DOES_NOT_EXIST`).
    pub async fn get_registry_version_by_alias(
        &self,
        name: &str,
        alias: &str,
    ) -> ApiResult<ModelVersion> {
        let r: ModelVersionResponse = self
            .get_json(
                ALIAS,
                &[("name", name.to_string()), ("alias", alias.to_string())],
            )
            .await?;
        Ok(r.model_version)
    }
}
