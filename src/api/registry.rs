//! Workspace Model Registry calls (reference §4): models, versions, stages and tags. The same
//! paths serve an open-source MLflow server, except the `databricks/` ones.

use super::client::Client;
use super::error::ApiResult;
use super::models::registry::*;
use super::present::present;

const TRANSITION_DATABRICKS: &str = "/api/2.0/mlflow/databricks/model-versions/transition-stage";
const TRANSITION_OSS: &str = "/api/2.0/mlflow/model-versions/transition-stage";

/// Which transition-stage path answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionPath {
    /// `databricks/model-versions/transition-stage` (keeps the comment).
    Databricks,
    /// The open-source path (no comment).
    Oss,
}

impl Client {
    /// One page of `registered-models/search`.
    pub async fn search_registered_models(
        &self,
        filter: Option<&str>,
        max_results: Option<i64>,
        page_token: Option<&str>,
    ) -> ApiResult<SearchRegisteredModelsResponse> {
        let mut q = Vec::new();
        if let Some(f) = filter {
            q.push(("filter", f.to_string()));
        }
        if let Some(m) = max_results {
            q.push(("max_results", m.to_string()));
        }
        if let Some(t) = page_token {
            q.push(("page_token", t.to_string()));
        }
        self.get_json("/api/2.0/mlflow/registered-models/search", &q)
            .await
    }

    pub async fn get_registered_model(&self, name: &str) -> ApiResult<RegisteredModel> {
        const PATH: &str = "/api/2.0/mlflow/registered-models/get";
        let r: RegisteredModelResponse = self.get_json(PATH, &[("name", name.to_string())]).await?;
        let key = r.registered_model.name.clone();
        present(r.registered_model, &key, PATH, "registered model")
    }

    /// `databricks/registered-models/get`: adds the permissions id and the caller's level.
    pub async fn get_registered_model_databricks(
        &self,
        name: &str,
    ) -> ApiResult<RegisteredModelDatabricks> {
        let r: RegisteredModelDatabricksResponse = self
            .get_json(
                "/api/2.0/mlflow/databricks/registered-models/get",
                &[("name", name.to_string())],
            )
            .await?;
        Ok(r.registered_model_databricks)
    }

    /// One page of `model-versions/search` (e.g. `filter = "name='fraud_model'"`).
    pub async fn search_model_versions(
        &self,
        filter: Option<&str>,
        max_results: Option<i64>,
        page_token: Option<&str>,
    ) -> ApiResult<SearchModelVersionsResponse> {
        let mut q = Vec::new();
        if let Some(f) = filter {
            q.push(("filter", f.to_string()));
        }
        if let Some(m) = max_results {
            q.push(("max_results", m.to_string()));
        }
        if let Some(t) = page_token {
            q.push(("page_token", t.to_string()));
        }
        self.get_json("/api/2.0/mlflow/model-versions/search", &q)
            .await
    }

    pub async fn get_model_version(&self, name: &str, version: &str) -> ApiResult<ModelVersion> {
        const PATH: &str = "/api/2.0/mlflow/model-versions/get";
        let r: ModelVersionResponse = self
            .get_json(
                PATH,
                &[("name", name.to_string()), ("version", version.to_string())],
            )
            .await?;
        let key = r.model_version.version.clone();
        present(r.model_version, &key, PATH, "model version")
    }

    /// The newest version per stage (all stages when `stages` is empty). A POST that only
    /// reads: allowed on read-only profiles.
    pub async fn get_latest_versions(
        &self,
        name: &str,
        stages: &[&str],
    ) -> ApiResult<Vec<ModelVersion>> {
        let body = GetLatestVersionsRequest {
            name: name.to_string(),
            stages: stages.iter().map(|s| s.to_string()).collect(),
        };
        let r: GetLatestVersionsResponse = self
            .post_json(
                "/api/2.0/mlflow/registered-models/get-latest-versions",
                &body,
            )
            .await?;
        Ok(r.model_versions)
    }

    /// Moves a version to `stage`: the Databricks path (which records `comment`) first, the
    /// open-source path when the server does not offer it. Answers the version as it now is.
    pub async fn transition_stage(
        &self,
        req: &TransitionStageRequest,
    ) -> ApiResult<(ModelVersion, TransitionPath)> {
        match self
            .post_json::<_, TransitionStageDatabricksResponse>(TRANSITION_DATABRICKS, req)
            .await
        {
            Ok(r) => Ok((
                r.model_version_databricks.version,
                TransitionPath::Databricks,
            )),
            Err(e) if e.is_not_available() => {
                let oss = self.transition_stage_oss(req).await?;
                Ok((oss, TransitionPath::Oss))
            }
            Err(e) => Err(e),
        }
    }

    /// The open-source `model-versions/transition-stage` (no comment field).
    pub async fn transition_stage_oss(
        &self,
        req: &TransitionStageRequest,
    ) -> ApiResult<ModelVersion> {
        let body = TransitionStageRequest {
            comment: None,
            ..req.clone()
        };
        let r: ModelVersionResponse = self.post_json(TRANSITION_OSS, &body).await?;
        Ok(r.model_version)
    }

    pub async fn set_registered_model_tag(
        &self,
        name: &str,
        key: &str,
        value: &str,
    ) -> ApiResult<()> {
        let body = SetTagRequest {
            name: name.to_string(),
            version: None,
            key: key.to_string(),
            value: value.to_string(),
        };
        let _: serde_json::Value = self
            .post_json("/api/2.0/mlflow/registered-models/set-tag", &body)
            .await?;
        Ok(())
    }

    pub async fn set_model_version_tag(
        &self,
        name: &str,
        version: &str,
        key: &str,
        value: &str,
    ) -> ApiResult<()> {
        let body = SetTagRequest {
            name: name.to_string(),
            version: Some(version.to_string()),
            key: key.to_string(),
            value: value.to_string(),
        };
        let _: serde_json::Value = self
            .post_json("/api/2.0/mlflow/model-versions/set-tag", &body)
            .await?;
        Ok(())
    }
}
