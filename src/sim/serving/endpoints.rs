//! Endpoint handlers: list (summary items), get (detailed), create, `PUT …/config`, delete.
//!
//! Only the owner principal manages endpoints (`CAN_MANAGE`); the analyst may view and query
//! (`CAN_QUERY`) and gets 403 on changes. One update at a time: a `PUT` while the endpoint is
//! `IN_PROGRESS` is 409 `RESOURCE_CONFLICT` (reference §12.1 recommends exactly this).

use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::api::models::serving::{
    ConfigUpdate, EndpointConfig, EndpointReady, EndpointState, ListEndpointsResponse,
    ServedEntity, ServedModel, ServingEndpoint,
};
use crate::api::models::serving_config::{CreateEndpointRequest, EndpointConfigInput};
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::state::{AppState, Principal};
use crate::sim::story::rng::Gen;

use super::config;

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

fn detailed(e: &ServingEndpoint, principal: Principal) -> ServingEndpoint {
    let mut d = e.clone();
    d.permission_level = Some(
        match principal {
            Principal::Owner => "CAN_MANAGE",
            Principal::NonOwner => "CAN_QUERY",
        }
        .to_string(),
    );
    d
}

fn missing(name: &str) -> ApiError {
    ApiError::not_found(format!("Endpoint with name '{name}' does not exist."))
}

fn require_manage(principal: Principal, name: &str) -> ApiResult<()> {
    match principal {
        Principal::Owner => Ok(()),
        Principal::NonOwner => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            format!(
                "User {} does not have permission to manage serving endpoint '{name}'.",
                principal.user_name()
            ),
        )),
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
    let endpoint = world.endpoint(&name).ok_or_else(|| missing(&name))?;
    Ok(Json(detailed(endpoint, principal)))
}

/// Reads a JSON body, answering malformed JSON the Databricks way.
fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    let text = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "MALFORMED_REQUEST",
            format!("Invalid JSON given in the body of the request: {e}"),
        )
        .shape()
    })
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub(crate) async fn create(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    bytes: axum::body::Bytes,
) -> ApiResult<Json<ServingEndpoint>> {
    let req: CreateEndpointRequest = body(&bytes)?;
    if !valid_name(&req.name) {
        return Err(ApiError::invalid(format!(
            "Invalid endpoint name '{}': use 1 to 63 letters, digits, '-' or '_'.",
            req.name
        )));
    }
    require_manage(principal, &req.name)?;
    let now = st.clock().now_ms();
    let mut world = st.world();
    if world.endpoint(&req.name).is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "RESOURCE_ALREADY_EXISTS",
            format!("Endpoint with name '{}' already exists.", req.name),
        ));
    }
    let validated = req
        .config
        .as_ref()
        .map(|c| config::validate(c, None))
        .transpose()?;
    let seed = world.seed;
    let mut ids = Gen::new(seed, 0xE9D0 ^ world.endpoints.len() as u64 ^ now as u64);
    let mut ep = ServingEndpoint {
        name: req.name.clone(),
        id: Some(ids.hex(32)),
        creator: Some(principal.user_name().to_string()),
        creation_timestamp: Some(now),
        last_updated_timestamp: Some(now),
        description: req.description.clone(),
        task: None,
        permission_level: None,
        ai_gateway: None,
        state: Some(EndpointState {
            ready: Some(EndpointReady::NotReady),
            config_update: Some(ConfigUpdate::NotUpdating),
        }),
        config: None,
        pending_config: None,
        tags: req.tags.clone(),
    };
    if let Some((entities, routes)) = validated {
        config::begin_update(&mut ep, &entities, &routes, principal.user_name(), now);
    }
    let answer = detailed(&ep, principal);
    let rps = world.serving.traffic_rps;
    let build_of = |name: &str, version: &str| super::build::Build::of(&world, name, version);
    world.serving.runtime.publish(&ep, rps, &build_of);
    world.endpoints.push(ep);
    super::refresh_next_due(&world);
    Ok(Json(answer))
}

pub(crate) async fn update_config(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(name): Path<String>,
    bytes: axum::body::Bytes,
) -> ApiResult<Json<ServingEndpoint>> {
    let now = st.clock().now_ms();
    let mut world = st.world();
    let index = world
        .endpoints
        .iter()
        .position(|e| e.name == name)
        .ok_or_else(|| missing(&name))?;
    require_manage(principal, &name)?;
    let ep = &world.endpoints[index];
    if ep.state.as_ref().and_then(|s| s.config_update.as_ref()) == Some(&ConfigUpdate::InProgress) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "RESOURCE_CONFLICT",
            format!(
                "Endpoint is currently being updated: the update to config version {} started \
                 at {} must complete or fail before '{name}' can be updated again.",
                ep.pending_config
                    .as_ref()
                    .and_then(|p| p.config_version)
                    .unwrap_or(0),
                ep.pending_config
                    .as_ref()
                    .and_then(|p| p.start_time)
                    .unwrap_or(0)
            ),
        ));
    }
    let input: EndpointConfigInput = body(&bytes)?;
    let (entities, routes) = config::validate(&input, ep.config.as_ref())?;
    let ep = &mut world.endpoints[index];
    config::begin_update(ep, &entities, &routes, principal.user_name(), now);
    let answer = detailed(ep, principal);
    super::refresh_next_due(&world);
    Ok(Json(answer))
}

pub(crate) async fn delete(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    let mut world = st.world();
    let index = world
        .endpoints
        .iter()
        .position(|e| e.name == name)
        .ok_or_else(|| missing(&name))?;
    require_manage(principal, &name)?;
    world.endpoints.remove(index);
    world.serving.runtime.remove(&name);
    super::refresh_next_due(&world);
    Ok(Json(json!({})))
}
