//! Unity Catalog model calls (reference §5). Full names appear raw in the path.

use super::client::Client;
use super::error::ApiResult;
use super::models::uc_models::*;
use super::present::present;

impl Client {
    /// One page of `GET /api/2.1/unity-catalog/models` (catalog and schema go together).
    pub async fn list_uc_models(
        &self,
        catalog_schema: Option<(&str, &str)>,
        max_results: Option<i64>,
        page_token: Option<&str>,
    ) -> ApiResult<ListRegisteredModelsResponse> {
        let mut q = Vec::new();
        if let Some((c, s)) = catalog_schema {
            q.push(("catalog_name", c.to_string()));
            q.push(("schema_name", s.to_string()));
        }
        if let Some(m) = max_results {
            q.push(("max_results", m.to_string()));
        }
        if let Some(t) = page_token {
            q.push(("page_token", t.to_string()));
        }
        self.get_json("/api/2.1/unity-catalog/models", &q).await
    }

    pub async fn get_uc_model(&self, full_name: &str) -> ApiResult<RegisteredModelInfo> {
        let path = format!("/api/2.1/unity-catalog/models/{full_name}");
        let m: RegisteredModelInfo = self
            .get_json(&path, &[("include_aliases", "true".to_string())])
            .await?;
        let key = format!("{}{}", m.full_name, m.name);
        present(m, &key, &path, "model")
    }

    /// One page of a model's versions.
    pub async fn list_uc_model_versions(
        &self,
        full_name: &str,
        max_results: Option<i64>,
        page_token: Option<&str>,
    ) -> ApiResult<ListModelVersionsResponse> {
        let mut q = Vec::new();
        if let Some(m) = max_results {
            q.push(("max_results", m.to_string()));
        }
        if let Some(t) = page_token {
            q.push(("page_token", t.to_string()));
        }
        self.get_json(
            &format!("/api/2.1/unity-catalog/models/{full_name}/versions"),
            &q,
        )
        .await
    }

    pub async fn get_uc_model_version(
        &self,
        full_name: &str,
        version: i64,
    ) -> ApiResult<ModelVersionInfo> {
        let path = format!("/api/2.1/unity-catalog/models/{full_name}/versions/{version}");
        let v: ModelVersionInfo = self
            .get_json(&path, &[("include_aliases", "true".to_string())])
            .await?;
        let key = if v.version > 0 { "v" } else { "" };
        present(v, key, &path, "model version")
    }

    /// Points `alias` at `version` (one version per alias: an alias set elsewhere moves).
    pub async fn set_uc_alias(
        &self,
        full_name: &str,
        alias: &str,
        version: i64,
    ) -> ApiResult<Alias> {
        self.put_json(
            &format!("/api/2.1/unity-catalog/models/{full_name}/aliases/{alias}"),
            &SetAliasRequest {
                version_num: version,
            },
        )
        .await
    }

    pub async fn delete_uc_alias(&self, full_name: &str, alias: &str) -> ApiResult<()> {
        let _: serde_json::Value = self
            .delete_json(
                &format!("/api/2.1/unity-catalog/models/{full_name}/aliases/{alias}"),
                &[],
            )
            .await?;
        Ok(())
    }

    /// The version `alias` points at (with its aliases); a missing alias is not found.
    pub async fn get_uc_version_by_alias(
        &self,
        full_name: &str,
        alias: &str,
    ) -> ApiResult<ModelVersionInfo> {
        self.get_json(
            &format!("/api/2.1/unity-catalog/models/{full_name}/aliases/{alias}"),
            &[("include_aliases", "true".to_string())],
        )
        .await
    }
}
