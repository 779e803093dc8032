//! Workspace Model Registry calls (reference §4).

use super::client::Client;
use super::error::ApiResult;
use super::models::registry::*;

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
        let r: RegisteredModelResponse = self
            .get_json(
                "/api/2.0/mlflow/registered-models/get",
                &[("name", name.to_string())],
            )
            .await?;
        Ok(r.registered_model)
    }
}
