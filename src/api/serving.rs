//! Model serving calls (reference §6).

use super::client::Client;
use super::error::ApiResult;
use super::models::serving::*;

impl Client {
    /// `GET /api/2.0/serving-endpoints` (not paginated).
    pub async fn list_serving_endpoints(&self) -> ApiResult<Vec<ServingEndpoint>> {
        let r: ListEndpointsResponse = self.get_json("/api/2.0/serving-endpoints", &[]).await?;
        Ok(r.endpoints)
    }

    pub async fn get_serving_endpoint(&self, name: &str) -> ApiResult<ServingEndpoint> {
        self.get_json(&format!("/api/2.0/serving-endpoints/{name}"), &[])
            .await
    }
}
