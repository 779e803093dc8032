//! Model serving calls (reference §6): endpoints, config updates, metrics, logs and scoring.
//!
//! Changes (create, `PUT …/config`, delete) are refused on a read-only client before they are
//! sent; scoring (`query_endpoint`) is allowed there (see `http::readonly`).

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use super::client::Client;
use super::error::ApiResult;
use super::models::serving::*;
use super::models::serving_config::{CreateEndpointRequest, EndpointConfigInput, LogsResponse};
use super::present::present;

const EP: &str = "/api/2.0/serving-endpoints";

/// A path segment with everything but unreserved characters percent-encoded (RFC 3986).
pub(crate) fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The answer to a scoring request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryResult {
    /// `predictions` of a custom model (or `outputs` of a feature-serving endpoint); `null`
    /// when the answer has neither.
    pub predictions: Value,
    /// The whole JSON answer.
    pub body: Value,
    /// The `served-model-name` header: the served entity that answered.
    pub served_model_name: Option<String>,
    /// Time from sending to the decoded answer (including any retries).
    #[serde(serialize_with = "millis")]
    pub latency: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

impl Client {
    /// `GET /api/2.0/serving-endpoints` (not paginated).
    pub async fn list_serving_endpoints(&self) -> ApiResult<Vec<ServingEndpoint>> {
        let r: ListEndpointsResponse = self.get_json(EP, &[]).await?;
        Ok(r.endpoints)
    }

    pub async fn get_serving_endpoint(&self, name: &str) -> ApiResult<ServingEndpoint> {
        let path = format!("{EP}/{}", seg(name));
        let e: ServingEndpoint = self.get_json(&path, &[]).await?;
        let key = e.name.clone();
        present(e, &key, &path, "serving endpoint")
    }

    /// `POST /api/2.0/serving-endpoints`: the endpoint starts `IN_PROGRESS` (or without config).
    pub async fn create_endpoint(&self, req: &CreateEndpointRequest) -> ApiResult<ServingEndpoint> {
        self.post_json(EP, req).await
    }

    /// `PUT …/{name}/config`: a full replacement of the served entities (send every entity to
    /// keep) and the routes. Answers `IN_PROGRESS` with `pending_config`; a second update while
    /// one runs is 409 `RESOURCE_CONFLICT`.
    pub async fn update_endpoint_config(
        &self,
        name: &str,
        config: &EndpointConfigInput,
    ) -> ApiResult<ServingEndpoint> {
        self.put_json(&format!("{EP}/{}/config", seg(name)), config)
            .await
    }

    pub async fn delete_endpoint(&self, name: &str) -> ApiResult<()> {
        let _: Value = self
            .delete_json(&format!("{EP}/{}", seg(name)), &[])
            .await?;
        Ok(())
    }

    /// `GET …/{name}/metrics`: Prometheus text (parse with [`crate::ops::prometheus`]).
    pub async fn endpoint_metrics(&self, name: &str) -> ApiResult<String> {
        self.get_text(&format!("{EP}/{}/metrics", seg(name)), &[])
            .await
    }

    /// Recent model-server log lines of one served entity.
    pub async fn served_model_logs(&self, name: &str, served: &str) -> ApiResult<String> {
        let path = format!("{EP}/{}/served-models/{}/logs", seg(name), seg(served));
        let r: LogsResponse = self.get_json(&path, &[]).await?;
        Ok(r.logs)
    }

    /// The container build log of one served entity.
    pub async fn build_logs(&self, name: &str, served: &str) -> ApiResult<String> {
        let path = format!(
            "{EP}/{}/served-models/{}/build-logs",
            seg(name),
            seg(served)
        );
        let r: LogsResponse = self.get_json(&path, &[]).await?;
        Ok(r.logs)
    }

    /// `GET …/openapi`: the endpoint's query schema (OpenAPI JSON, with example requests when
    /// the model was logged with one).
    pub async fn endpoint_openapi(&self, name: &str) -> ApiResult<Value> {
        self.get_json(&format!("{EP}/{}/openapi", seg(name)), &[])
            .await
    }

    /// `POST /serving-endpoints/{name}/invocations` with `body` as given (one of
    /// `dataframe_split`, `dataframe_records`, `instances`, `inputs`).
    pub async fn query_endpoint(&self, name: &str, body: &Value) -> ApiResult<QueryResult> {
        let started = Instant::now();
        let path = format!("/serving-endpoints/{}/invocations", seg(name));
        let (answer, headers): (Value, _) = self
            .post_json_with_headers(&path, body, &["served-model-name"])
            .await?;
        let latency = started.elapsed();
        let predictions = answer
            .get("predictions")
            .or_else(|| answer.get("outputs"))
            .cloned()
            .unwrap_or(Value::Null);
        Ok(QueryResult {
            predictions,
            served_model_name: headers.into_iter().map(|(_, v)| v).next(),
            body: answer,
            latency,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(super::seg("churn-prod"), "churn-prod");
        assert_eq!(super::seg("a b/c"), "a%20b%2Fc");
    }
}
