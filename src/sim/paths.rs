//! Path variants that real workspaces answer like the canonical path, rewritten before routing.
//!
//! - `/api/2.0/preview/mlflow/...`: MLflow's REST API before 1.0, still used by Databricks' own
//!   examples (transition requests) and by MLflow's R client for years.
//! - `/ajax-api/2.0/mlflow/...` and `/ajax-api/2.0/preview/mlflow/...`: the copies the MLflow
//!   server keeps for its web UI (reference §11), used by older R clients.
//! - A trailing slash: MLflow's Databricks deployments client lists endpoints with
//!   `GET /api/2.0/serving-endpoints/`.
//!
//! The request log keeps the path as the client sent it ([`SentUri`]).

use axum::extract::Request;
use axum::http::Uri;
use axum::http::uri::PathAndQuery;

/// Prefixes answered as `/api/2.0/mlflow/`, longest first.
const MLFLOW_ALIASES: &[&str] = &[
    "/ajax-api/2.0/preview/mlflow/",
    "/api/2.0/preview/mlflow/",
    "/ajax-api/2.0/mlflow/",
];

/// The canonical form of `path`, or `None` when it already is canonical.
pub(crate) fn canonical(path: &str) -> Option<String> {
    let trimmed = path.trim_end_matches('/');
    let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
    let mut out = trimmed.to_string();
    for alias in MLFLOW_ALIASES {
        if let Some(rest) = out.strip_prefix(alias) {
            out = format!("/api/2.0/mlflow/{rest}");
            break;
        }
    }
    (out != path).then_some(out)
}

/// The URI as the client sent it, kept in the request's extensions by [`normalize`].
#[derive(Debug, Clone)]
pub(crate) struct SentUri(pub Uri);

/// Middleware (before routing): rewrites the request's path to its canonical form.
pub(crate) async fn normalize(mut req: Request) -> Request {
    let sent = req.uri().clone();
    req.extensions_mut().insert(SentUri(sent));
    if let Some(path) = canonical(req.uri().path()) {
        let pq = match req.uri().query() {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        if let Ok(pq) = pq.parse::<PathAndQuery>() {
            let mut parts = req.uri().clone().into_parts();
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    req
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn variants_map_to_the_canonical_path_and_canonical_paths_stay() {
        let cases = [
            (
                "/api/2.0/preview/mlflow/runs/search",
                "/api/2.0/mlflow/runs/search",
            ),
            (
                "/ajax-api/2.0/mlflow/experiments/get",
                "/api/2.0/mlflow/experiments/get",
            ),
            (
                "/ajax-api/2.0/preview/mlflow/runs/get",
                "/api/2.0/mlflow/runs/get",
            ),
            ("/api/2.0/serving-endpoints/", "/api/2.0/serving-endpoints"),
            (
                "/api/2.0/preview/mlflow/registered-models/search/",
                "/api/2.0/mlflow/registered-models/search",
            ),
        ];
        for (variant, want) in cases {
            assert_eq!(canonical(variant).as_deref(), Some(want), "{variant}");
        }
        for path in [
            "/",
            "/api/2.0/mlflow/runs/get",
            "/api/2.0/preview/scim/v2/Me",
            "/serving-endpoints/churn-prod/invocations",
        ] {
            assert_eq!(canonical(path), None, "{path}");
        }
    }
}
