//! Model serving endpoints: list (summary items) and get (detailed), reference §6.1.

use axum::Json;
use axum::extract::{Extension, Path, State};

use crate::api::models::serving::{
    EndpointConfig, ListEndpointsResponse, ServedEntity, ServedModel, ServingEndpoint,
};

use super::errors::{ApiError, ApiResult};
use super::state::{AppState, Principal};

/// The list-item shape (`ServingEndpoint` in the SDK): a config summary naming the served
/// entities only, with no traffic, state per entity or workload.
fn summary(e: &ServingEndpoint) -> ServingEndpoint {
    let config = e.config.as_ref().map(|c| EndpointConfig {
        served_entities: c
            .served_entities
            .iter()
            .map(|s| ServedEntity {
                name: s.name.clone(),
                entity_name: s.entity_name.clone(),
                entity_version: s.entity_version.clone(),
                external_model: s.external_model.clone(),
                foundation_model: s.foundation_model.clone(),
                ..ServedEntity::default()
            })
            .collect(),
        served_models: c
            .served_models
            .iter()
            .map(|s| ServedModel {
                name: s.name.clone(),
                model_name: s.model_name.clone(),
                model_version: s.model_version.clone(),
                ..ServedModel::default()
            })
            .collect(),
        ..EndpointConfig::default()
    });
    ServingEndpoint {
        config,
        pending_config: None,
        permission_level: None,
        ..e.clone()
    }
}

pub(crate) async fn list(State(st): State<AppState>) -> Json<ListEndpointsResponse> {
    let world = st.world();
    Json(ListEndpointsResponse {
        endpoints: world.endpoints.iter().map(summary).collect(),
    })
}

pub(crate) async fn get(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(name): Path<String>,
) -> ApiResult<Json<ServingEndpoint>> {
    let world = st.world();
    let endpoint = world.endpoint(&name).ok_or_else(|| {
        ApiError::not_found(format!("Endpoint with name '{name}' does not exist."))
    })?;
    let mut detailed = endpoint.clone();
    // The seeded owner administers serving; the analyst may only query.
    detailed.permission_level = Some(
        match principal {
            Principal::Owner => "CAN_MANAGE",
            Principal::NonOwner => "CAN_QUERY",
        }
        .to_string(),
    );
    Ok(Json(detailed))
}
