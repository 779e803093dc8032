//! The route table, identity routes (`scim/v2/Me`, `/.well-known/databricks-config`) and the
//! Databricks-shaped 404 for everything else.

use axum::extract::{Extension, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post, put};
use axum::{Json, Router, middleware};
use serde_json::{Value, json};

use crate::api::models::scim::{Me, ScimEmail};

use super::errors::ApiError;
use super::gate::{WELL_KNOWN, gate};
use super::state::{AppState, Principal};
use super::{
    artifacts, experiments, files_api, jobs, logged_models, oauth, paths, registry,
    registry_routes, runs, serving, sql, uc,
};

pub(crate) fn router(state: AppState) -> Router {
    // Path variants are rewritten before the routes are matched, so the outer router has no
    // routes of its own: everything reaches the inner one through the rewrite.
    Router::new()
        .fallback_service(routes(state))
        .layer(middleware::map_request(paths::normalize))
}

fn routes(state: AppState) -> Router {
    Router::new()
        .route(WELL_KNOWN, get(well_known))
        .route("/api/2.0/preview/scim/v2/Me", get(me))
        // OSS also accepts experiment and run searches by GET with query arguments.
        .route(
            "/api/2.0/mlflow/experiments/search",
            get(experiments::search).post(experiments::search),
        )
        .route("/api/2.0/mlflow/experiments/get", get(experiments::get))
        .route(
            "/api/2.0/mlflow/experiments/get-by-name",
            get(experiments::get_by_name),
        )
        .route(
            "/api/2.0/mlflow/runs/search",
            get(runs::search).post(runs::search),
        )
        .route("/api/2.0/mlflow/runs/get", get(runs::get))
        .route(
            "/api/2.0/mlflow/metrics/get-history",
            get(runs::metric_history),
        )
        .route("/api/2.0/mlflow/artifacts/list", get(artifacts::list))
        .route(
            "/api/2.0/mlflow/logged-models/search",
            post(logged_models::search),
        )
        .route(
            "/api/2.0/fs/directories/{*path}",
            get(files_api::list_directory).head(files_api::directory_metadata),
        )
        .route(
            "/api/2.0/mlflow/registered-models/search",
            get(registry::search),
        )
        .route("/api/2.0/mlflow/registered-models/get", get(registry::get))
        .route(
            "/api/2.0/mlflow/databricks/registered-models/get",
            get(registry::get_databricks),
        )
        .route("/api/2.1/unity-catalog/models", get(uc::list_models))
        .route(
            "/api/2.1/unity-catalog/models/{full_name}",
            get(uc::get_model),
        )
        .route(
            "/api/2.1/unity-catalog/models/{full_name}/versions",
            get(uc::list_versions),
        )
        .route(
            "/api/2.1/unity-catalog/models/{full_name}/versions/{version}",
            get(uc::get_version),
        )
        .merge(jobs_routes("/api/2.2/jobs"))
        // 2.1 paths are the same API (reference §9); older clients still use them.
        .merge(jobs_routes("/api/2.1/jobs"))
        .merge(serving_routes())
        .merge(sql::routes())
        .merge(super::sql_alerts::routes())
        .merge(super::monitors::routes())
        .merge(super::features::routes())
        .merge(registry_routes::routes())
        .merge(oauth::routes())
        .fallback(not_found)
        // A known path with the wrong method is, to Databricks, just as unknown.
        .method_not_allowed_fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

fn serving_routes() -> Router<AppState> {
    const EP: &str = "/api/2.0/serving-endpoints";
    Router::new()
        .route(EP, get(serving::list).post(serving::create))
        .route(
            &format!("{EP}/{{name}}"),
            get(serving::get).delete(serving::delete),
        )
        .route(
            &format!("{EP}/{{name}}/config"),
            put(serving::update_config),
        )
        .route(&format!("{EP}/{{name}}/metrics"), get(serving::metrics))
        .route(&format!("{EP}/{{name}}/openapi"), get(serving::openapi))
        .route(
            &format!("{EP}/{{name}}/served-models/{{served}}/logs"),
            get(serving::server_logs),
        )
        .route(
            &format!("{EP}/{{name}}/served-models/{{served}}/build-logs"),
            get(serving::build_logs),
        )
        // Scoring has no `/api/2.0` prefix (reference §6.4).
        .route(
            "/serving-endpoints/{name}/invocations",
            post(serving::invoke),
        )
}

fn jobs_routes(base: &str) -> Router<AppState> {
    Router::new()
        .route(&format!("{base}/list"), get(jobs::list_jobs))
        .route(&format!("{base}/get"), get(jobs::get_job))
        .route(&format!("{base}/run-now"), post(jobs::run_now))
        .route(&format!("{base}/runs/get"), get(jobs::get_run))
        .route(&format!("{base}/runs/list"), get(jobs::list_runs))
        .route(&format!("{base}/runs/cancel"), post(jobs::cancel_run))
        .route(&format!("{base}/runs/get-output"), get(jobs::get_output))
        .route(&format!("{base}/runs/repair"), post(jobs::repair_run))
}

async fn not_found(req: Request) -> ApiError {
    let path = req
        .extensions()
        .get::<paths::SentUri>()
        .map_or_else(|| req.uri().path(), |s| s.0.path());
    ApiError::new(
        StatusCode::NOT_FOUND,
        "ENDPOINT_NOT_FOUND",
        format!("No API found for '{} {path}'", req.method()),
    )
    .shape()
}

/// Host metadata the Databricks SDK probes (without credentials) before anything else; see
/// `HostMetadata` in `databricks/sdk/oauth.py`. `oidc_endpoint` points back at this server.
async fn well_known(State(st): State<AppState>, headers: HeaderMap) -> Json<Value> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let workspace_id = st.world().workspace_id.clone();
    Json(json!({
        "oidc_endpoint": format!("http://{host}/oidc"),
        "workspace_id": workspace_id,
        "cloud": "AWS",
    }))
}

async fn me(Extension(principal): Extension<Principal>) -> Json<Me> {
    let (id, display) = match principal {
        Principal::Owner => ("7310486591732455", "Maya Lindqvist"),
        Principal::NonOwner => ("5208734419063318", "Arun Patel"),
    };
    Json(Me {
        id: id.to_string(),
        user_name: principal.user_name().to_string(),
        display_name: Some(display.to_string()),
        active: Some(true),
        emails: vec![ScimEmail {
            value: principal.user_name().to_string(),
            primary: Some(true),
        }],
    })
}
