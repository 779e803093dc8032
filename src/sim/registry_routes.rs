//! Routes of the registry mutations and their read-backs (merged into the main route table):
//! workspace versions, stages and tags, transition requests and comments, UC aliases and UC tags,
//! and the MLflow UC registry RPCs.

use axum::Router;
use axum::routing::{delete, get, patch, post, put};

use super::state::AppState;
use super::{stages, transition_requests as requests, uc_aliases, uc_rpc, uc_tags};

const MLFLOW: &str = "/api/2.0/mlflow";

pub(crate) fn routes() -> Router<AppState> {
    let m = |path: &str| format!("{MLFLOW}{path}");
    Router::new()
        .route(&m("/model-versions/get"), get(stages::get))
        .route(&m("/model-versions/search"), get(stages::search))
        .route(
            &m("/registered-models/get-latest-versions"),
            post(stages::latest_versions).get(stages::latest_versions),
        )
        .route(
            &m("/databricks/model-versions/transition-stage"),
            post(stages::transition_databricks),
        )
        .route(
            &m("/model-versions/transition-stage"),
            post(stages::transition_oss),
        )
        .route(
            &m("/registered-models/set-tag"),
            post(stages::set_model_tag),
        )
        .route(&m("/model-versions/set-tag"), post(stages::set_version_tag))
        .route(
            &m("/registered-models/delete-tag"),
            delete(stages::delete_model_tag),
        )
        .route(
            &m("/model-versions/delete-tag"),
            delete(stages::delete_version_tag),
        )
        .route(
            &m("/model-versions/get-download-uri"),
            get(stages::download_uri),
        )
        // The deprecated listing (the JavaScript SDK's `listModels`): a search without filter.
        .route(&m("/registered-models/list"), get(super::registry::search))
        .route(&m("/transition-requests/create"), post(requests::create))
        .route(&m("/transition-requests/list"), get(requests::list))
        .route(&m("/transition-requests/approve"), post(requests::approve))
        .route(&m("/transition-requests/reject"), post(requests::reject))
        .route(&m("/transition-requests/delete"), delete(requests::delete))
        .route(&m("/comments/create"), post(requests::comment))
        .route(
            &m("/unity-catalog/model-versions/set-tag"),
            post(uc_tags::rpc_set),
        )
        .route(
            &m("/unity-catalog/model-versions/delete-tag"),
            delete(uc_tags::rpc_delete),
        )
        .route(
            &m("/unity-catalog/model-versions/get"),
            get(uc_tags::rpc_get),
        )
        .route(
            &m("/unity-catalog/model-versions/search"),
            get(uc_rpc::search_versions),
        )
        .route(
            &m("/unity-catalog/model-versions/get-download-uri"),
            get(uc_rpc::download_uri),
        )
        .route(
            &m("/unity-catalog/registered-models/get"),
            get(uc_rpc::get_model),
        )
        .route(
            &m("/unity-catalog/registered-models/search"),
            get(uc_rpc::search_models),
        )
        .route(
            &m("/unity-catalog/registered-models/alias"),
            get(uc_rpc::get_alias)
                .post(uc_rpc::set_alias_rpc)
                .delete(uc_rpc::delete_alias_rpc),
        )
        .route(
            &m("/unity-catalog/registered-models/set-tag"),
            post(uc_rpc::set_model_tag),
        )
        .route(
            &m("/unity-catalog/registered-models/delete-tag"),
            delete(uc_rpc::delete_model_tag),
        )
        .route(
            "/api/2.1/unity-catalog/subentity-tags/{securable_type}/{full_name}/{version}",
            patch(uc_tags::native_patch),
        )
        .route(
            "/api/2.1/unity-catalog/models/{full_name}/aliases/{alias}",
            put(uc_aliases::set)
                .delete(uc_aliases::delete)
                .get(uc_aliases::get),
        )
}
