//! Tags on Unity Catalog model versions, over either route of reference §5.3.
//!
//! Primary: the MLflow UC registry RPCs (`/api/2.0/mlflow/unity-catalog/model-versions/…`),
//! what stock MLflow uses against `databricks-uc` by default and the one with a read-back that
//! carries tags. Fallback, when the server says that route is not available: the native tag
//! assignment `PATCH /api/2.1/unity-catalog/subentity-tags/FUNCTION/{full_name}/{version}`,
//! read back through the UC REST version (whose `tags` MLflow's native store reads).

use super::client::Client;
use super::error::ApiResult;
use super::models::mlflow::KeyValue;
use super::models::uc_tags::*;

const RPC_SET: &str = "/api/2.0/mlflow/unity-catalog/model-versions/set-tag";
const RPC_DELETE: &str = "/api/2.0/mlflow/unity-catalog/model-versions/delete-tag";
const RPC_GET: &str = "/api/2.0/mlflow/unity-catalog/model-versions/get";

/// Which route carried a tag change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagRoute {
    MlflowRpc,
    Native,
}

impl Client {
    pub async fn set_uc_version_tag_rpc(
        &self,
        full_name: &str,
        version: &str,
        key: &str,
        value: &str,
    ) -> ApiResult<()> {
        let body = UcVersionTagRequest {
            name: full_name.to_string(),
            version: version.to_string(),
            key: key.to_string(),
            value: Some(value.to_string()),
        };
        let _: serde_json::Value = self.post_json(RPC_SET, &body).await?;
        Ok(())
    }

    /// MLflow sends this DELETE's arguments as a JSON body.
    pub async fn delete_uc_version_tag_rpc(
        &self,
        full_name: &str,
        version: &str,
        key: &str,
    ) -> ApiResult<()> {
        let body = UcVersionTagRequest {
            name: full_name.to_string(),
            version: version.to_string(),
            key: key.to_string(),
            value: None,
        };
        let _: serde_json::Value = self.delete_json_body(RPC_DELETE, &body).await?;
        Ok(())
    }

    pub async fn get_uc_version_rpc(
        &self,
        full_name: &str,
        version: &str,
    ) -> ApiResult<UcRegistryModelVersion> {
        let r: UcRegistryModelVersionResponse = self
            .get_json(
                RPC_GET,
                &[
                    ("name", full_name.to_string()),
                    ("version", version.to_string()),
                ],
            )
            .await?;
        Ok(r.model_version)
    }

    /// The native tag assignment: every addition and removal in one PATCH.
    pub async fn update_uc_version_tags_native(
        &self,
        full_name: &str,
        version: &str,
        changes: &TagChanges,
    ) -> ApiResult<()> {
        let body = UpdateTagAssignments {
            changes: changes.clone(),
        };
        let _: serde_json::Value = self
            .patch_json(
                &format!("/api/2.1/unity-catalog/subentity-tags/FUNCTION/{full_name}/{version}"),
                &body,
            )
            .await?;
        Ok(())
    }

    /// Applies `changes` through the RPCs (one call per tag), or natively when the server does
    /// not offer the RPCs. Says which route was used.
    pub async fn update_uc_version_tags(
        &self,
        full_name: &str,
        version: &str,
        changes: &TagChanges,
    ) -> ApiResult<TagRoute> {
        let mut first = true;
        for tag in &changes.add_tags {
            let sent = self
                .set_uc_version_tag_rpc(full_name, version, &tag.key, &tag.value)
                .await;
            match sent {
                Err(e) if first && e.is_not_available() => {
                    return self.native_fallback(full_name, version, changes).await;
                }
                other => other?,
            }
            first = false;
        }
        for key in &changes.remove {
            let sent = self
                .delete_uc_version_tag_rpc(full_name, version, key)
                .await;
            match sent {
                Err(e) if first && e.is_not_available() => {
                    return self.native_fallback(full_name, version, changes).await;
                }
                other => other?,
            }
            first = false;
        }
        Ok(TagRoute::MlflowRpc)
    }

    async fn native_fallback(
        &self,
        full_name: &str,
        version: &str,
        changes: &TagChanges,
    ) -> ApiResult<TagRoute> {
        self.update_uc_version_tags_native(full_name, version, changes)
            .await?;
        Ok(TagRoute::Native)
    }

    /// A version's tags: from the RPC read-back, or the UC REST version when the RPCs are not
    /// available.
    pub async fn get_uc_version_tags(
        &self,
        full_name: &str,
        version: &str,
    ) -> ApiResult<Vec<KeyValue>> {
        match self.get_uc_version_rpc(full_name, version).await {
            Ok(v) => Ok(v.tags),
            Err(e) if e.is_not_available() => {
                let number = version.trim().parse::<i64>().unwrap_or_default();
                Ok(self.get_uc_model_version(full_name, number).await?.tags)
            }
            Err(e) => Err(e),
        }
    }
}
