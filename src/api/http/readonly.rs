//! Read-only profiles: every call that could change the workspace is refused before it leaves
//! the machine. GET is always allowed; other methods only for POSTs known to be pure reads
//! (MLflow searches take their filters in a POST body), the OAuth token exchange, and scoring
//! requests to serving endpoints.

use crate::api::error::{ApiError, ApiResult};

/// POST endpoints that read and never write. Kept explicit: a new endpoint is refused until it
/// is proven harmless. `/api/2.0/sql/statements` is absent on purpose: a statement can write
/// (the console's own fixed statements pass through `api::sql_fixed`, whose text is constant).
pub const READ_ONLY_POSTS: &[&str] = &[
    "/api/2.0/mlflow/experiments/search",
    "/api/2.0/mlflow/runs/search",
    "/api/2.0/mlflow/registered-models/get-latest-versions",
    "/oidc/v1/token",
];

/// Whether `method path` cannot change the workspace. The UI can use this to grey out actions
/// in a read-only profile.
pub fn is_read_only_call(method: &str, path: &str) -> bool {
    if method.eq_ignore_ascii_case("GET") {
        return true;
    }
    // Compare the path alone, as the allow list is written: no query, no trailing slash.
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_end_matches('/');
    method.eq_ignore_ascii_case("POST") && (READ_ONLY_POSTS.contains(&path) || is_invocation(path))
}

/// `/serving-endpoints/{name}/invocations` (no `/api/2.0` prefix, reference §6.4).
///
/// Allowed on read-only profiles on purpose: scoring asks a model for an answer and changes
/// nothing about the endpoint, its config or the registry — the same as a search, which is also
/// a POST. (It does use capacity and may be logged to an inference table, as any production
/// request is; the test-query key sends one request at a time, and the load test has its own
/// safety rules.)
fn is_invocation(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("serving-endpoints"), Some(name), Some("invocations"), None) if !name.is_empty()
    )
}

/// `Err(ApiError::ReadOnly)` when `readonly` is set and the call could write.
pub(crate) fn check(readonly: bool, method: &str, path: &str) -> ApiResult<()> {
    if !readonly || is_read_only_call(method, path) {
        return Ok(());
    }
    Err(ApiError::ReadOnly {
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_is_always_allowed() {
        assert!(check(true, "GET", "/api/2.0/serving-endpoints").is_ok());
        assert!(check(true, "get", "/api/2.0/mlflow/runs/get").is_ok());
    }

    #[test]
    fn read_only_posts_are_allowed() {
        for path in READ_ONLY_POSTS {
            assert!(check(true, "POST", path).is_ok(), "{path}");
        }
        assert!(check(true, "POST", "/api/2.0/mlflow/runs/search/").is_ok());
        assert!(check(true, "POST", "/api/2.0/mlflow/runs/search?x=1").is_ok());
    }

    #[test]
    fn mutations_are_refused() {
        let refused = [
            ("POST", "/api/2.0/mlflow/model-versions/transition-stage"),
            ("POST", "/api/2.0/sql/statements"),
            ("POST", "/api/2.0/sql/statements/"),
            ("PUT", "/api/2.0/serving-endpoints/e/config"),
            ("PATCH", "/api/2.1/unity-catalog/models/a.b.c"),
            ("DELETE", "/api/2.0/mlflow/registered-models/alias"),
            // An allow-listed path under another verb is still a write.
            ("DELETE", "/api/2.0/mlflow/runs/search"),
            // Prefixes do not count.
            ("POST", "/api/2.0/mlflow/runs/search-and-delete"),
        ];
        for (method, path) in refused {
            match check(true, method, path) {
                Err(ApiError::ReadOnly { method: m, path: p }) => {
                    assert_eq!((m.as_str(), p.as_str()), (method, path));
                }
                other => panic!("{method} {path}: {other:?}"),
            }
        }
    }

    #[test]
    fn jobs_reads_pass_and_jobs_writes_are_refused() {
        for path in [
            "/api/2.2/jobs/list",
            "/api/2.2/jobs/get",
            "/api/2.2/jobs/runs/get",
            "/api/2.2/jobs/runs/list",
        ] {
            assert!(check(true, "GET", path).is_ok(), "{path}");
        }
        for path in ["/api/2.2/jobs/run-now", "/api/2.2/jobs/runs/cancel"] {
            assert!(
                matches!(check(true, "POST", path), Err(ApiError::ReadOnly { .. })),
                "{path}"
            );
        }
    }

    #[test]
    fn scoring_is_allowed_and_endpoint_changes_are_not() {
        assert!(check(true, "POST", "/serving-endpoints/churn-prod/invocations").is_ok());
        for (method, path) in [
            ("PUT", "/serving-endpoints/churn-prod/invocations"),
            ("POST", "/serving-endpoints//invocations"),
            ("POST", "/serving-endpoints/a/b/invocations"),
            ("POST", "/api/2.0/serving-endpoints"),
            ("DELETE", "/api/2.0/serving-endpoints/churn-prod"),
            ("PUT", "/api/2.0/serving-endpoints/churn-prod/config"),
        ] {
            assert!(
                matches!(check(true, method, path), Err(ApiError::ReadOnly { .. })),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn everything_is_allowed_when_not_read_only() {
        assert!(check(false, "DELETE", "/api/2.0/mlflow/registered-models/alias").is_ok());
        assert!(check(false, "POST", "/api/2.0/sql/statements").is_ok());
    }

    #[test]
    fn refusal_reads_well() {
        let e = check(true, "post", "/api/2.0/sql/statements").unwrap_err();
        assert_eq!(
            e.to_string(),
            "read-only profile: refused POST /api/2.0/sql/statements"
        );
    }
}
