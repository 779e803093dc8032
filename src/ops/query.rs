//! One test query (`t` on an endpoint, `query` headless): where the payload comes from (a file,
//! or the example in the endpoint's OpenAPI schema), sending it, and what came back.

use std::path::PathBuf;

use serde_json::Value;

use crate::api::models::serving_config::INPUT_KEYS;
use crate::api::serving::QueryResult;
use crate::api::{ApiError, Client};

/// Where the request body comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadSource {
    File(PathBuf),
    /// The example request of the endpoint's query schema (`GET …/openapi`).
    EndpointExample,
}

impl PayloadSource {
    pub fn describe(&self) -> String {
        match self {
            PayloadSource::File(p) => p.display().to_string(),
            PayloadSource::EndpointExample => "the endpoint's example request".to_string(),
        }
    }
}

/// A sent query and its answer (or why there was none).
#[derive(Debug, Clone)]
pub struct QueryOutcome {
    pub endpoint: String,
    pub source: PayloadSource,
    pub request: Value,
    /// A note on the payload's shape (not exactly one of the MLflow input keys).
    pub warning: Option<String>,
    pub result: Result<QueryResult, String>,
}

/// The example request of an OpenAPI document: the routed `/invocations` path first, then any
/// path; `example`, else the first of `examples`.
pub fn example_from_openapi(doc: &Value) -> Option<Value> {
    let paths = doc.get("paths")?.as_object()?;
    let ordered = paths.get("/invocations").into_iter().chain(
        paths
            .iter()
            .filter(|(k, _)| *k != "/invocations")
            .map(|(_, v)| v),
    );
    ordered.into_iter().find_map(|p| {
        let media = p
            .pointer("/post/requestBody/content")?
            .as_object()?
            .iter()
            .find(|(k, _)| k.starts_with("application/json"))?
            .1;
        media.get("example").cloned().or_else(|| {
            media
                .get("examples")?
                .as_object()?
                .values()
                .find_map(|e| e.get("value").cloned())
        })
    })
}

/// Whether `body` has exactly one of the MLflow input keys; a warning otherwise (the request
/// is sent anyway: the server has the last word on its input shapes).
pub fn shape_warning(body: &Value) -> Option<String> {
    let keys = body
        .as_object()
        .map(|o| INPUT_KEYS.iter().filter(|k| o.contains_key(**k)).count())
        .unwrap_or(0);
    (keys != 1).then(|| {
        format!("the payload has {keys} of the input keys {INPUT_KEYS:?}; exactly one is expected")
    })
}

/// Why there is no payload to send.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PayloadError {
    /// The payload file cannot be read or is not JSON.
    #[error("{0}")]
    File(String),
    /// The endpoint's query schema could not be read (a missing endpoint, a wrong token, …).
    #[error("cannot read the endpoint's query schema: {0}")]
    Schema(ApiError),
    /// The schema holds no example request.
    #[error("{0}")]
    NoExample(String),
}

/// Reads the payload.
pub async fn load_payload(
    client: &Client,
    endpoint: &str,
    source: &PayloadSource,
) -> Result<Value, PayloadError> {
    match source {
        PayloadSource::File(path) => {
            // `~/x` as a shell would read it (the TUI's prompt is not a shell).
            let path = match path.to_str() {
                Some(p) => crate::config::paths::expand_tilde(p, &|k| std::env::var(k).ok()),
                None => path.clone(),
            };
            let path = &path;
            let text = tokio::fs::read_to_string(path)
                .await
                .map_err(|e| PayloadError::File(format!("{}: {e}", path.display())))?;
            serde_json::from_str(&text)
                .map_err(|e| PayloadError::File(format!("{}: not JSON: {e}", path.display())))
        }
        PayloadSource::EndpointExample => {
            let doc = client
                .endpoint_openapi(endpoint)
                .await
                .map_err(PayloadError::Schema)?;
            example_from_openapi(&doc).ok_or_else(|| {
                PayloadError::NoExample(format!(
                    "endpoint {endpoint} publishes no example request (its model was logged \
                     without one): give a payload file"
                ))
            })
        }
    }
}

/// Loads the payload and sends it; `Err` when there was nothing to send.
pub async fn test_query(
    client: &Client,
    endpoint: &str,
    source: PayloadSource,
) -> Result<QueryOutcome, String> {
    let request = load_payload(client, endpoint, &source)
        .await
        .map_err(|e| e.to_string())?;
    let warning = shape_warning(&request);
    let result = client
        .query_endpoint(endpoint, &request)
        .await
        .map_err(|e| e.to_string());
    Ok(QueryOutcome {
        endpoint: endpoint.to_string(),
        source,
        request,
        warning,
        result,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_routed_path_example_comes_first_then_examples() {
        let doc = json!({"paths": {
            "/served-models/a/invocations": {"post": {"requestBody": {"content": {
                "application/json": {"examples": {"one": {"value": {"instances": [[2]]}}}}}}}},
            "/invocations": {"post": {"requestBody": {"content": {
                "application/json; charset=utf-8": {"example": {"instances": [[1]]}}}}}}
        }});
        assert_eq!(
            example_from_openapi(&doc),
            Some(json!({"instances": [[1]]}))
        );
        let doc = json!({"paths": {"/served-models/a/invocations": {"post": {"requestBody":
            {"content": {"application/json": {"examples": {"one": {"value": {"inputs": [2]}}}}}}}}}});
        assert_eq!(example_from_openapi(&doc), Some(json!({"inputs": [2]})));
        assert_eq!(example_from_openapi(&json!({"paths": {}})), None);
        assert_eq!(example_from_openapi(&json!("not a doc")), None);
    }

    #[test]
    fn shape_warnings_name_the_count() {
        assert_eq!(shape_warning(&json!({"dataframe_split": {}})), None);
        assert!(shape_warning(&json!({"x": 1})).unwrap().contains("has 0"));
        assert!(
            shape_warning(&json!({"instances": [], "inputs": []}))
                .unwrap()
                .contains("has 2")
        );
    }
}
