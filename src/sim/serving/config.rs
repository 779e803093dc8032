//! Endpoint configs: validating a requested config (create, `PUT …/config`), building the
//! `pending_config` it becomes, and completing it on the simulator's clock.
//!
//! Rules (reference §6.2): at most 10 served entities, unique names; routes name entities of
//! the new config and total 100, each 0–100; without a `traffic_config` one entity takes 100%,
//! otherwise the current routes must still fit. A config update stays `IN_PROGRESS` for the
//! configured delay, new entities `DEPLOYMENT_CREATING`; then the pending config becomes the
//! config with `config_version` + 1 and the entities `DEPLOYMENT_READY` — unless a new entity's
//! model version does not exist, which ends the update `UPDATE_FAILED` with the old config.

use crate::api::models::serving::{
    ConfigUpdate, DeploymentState, EndpointConfig, EndpointReady, EndpointState, Route,
    ServedEntity, ServedEntityState, ServedModel, ServingEndpoint, TrafficConfig,
};
use crate::api::models::serving_config::{
    EndpointConfigInput, OUTPUT_ONLY_ENTITY_FIELDS, ServedEntityInput,
};
use crate::ops::traffic::Split;
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::world::World;

/// The most served entities one endpoint may hold.
pub(crate) const MAX_ENTITIES: usize = 10;
const CREATING_MSG: &str = "Served entity creation is pending.";
const READY_MSG: &str = "Served entity creation completed successfully.";

fn invalid(message: String) -> ApiError {
    ApiError::invalid(message)
}

/// Checks `input` against `current` (the endpoint's live config, if any) and returns the
/// entities and routes of the new config.
pub(crate) fn validate(
    input: &EndpointConfigInput,
    current: Option<&EndpointConfig>,
) -> ApiResult<(Vec<ServedEntityInput>, Vec<Route>)> {
    let mut entities = input.entities();
    if entities.is_empty() && input.traffic_config.is_none() {
        return Err(invalid(
            "The config changes nothing: give served_entities, traffic_config or both.".into(),
        ));
    }
    if entities.is_empty() {
        // A traffic-only update keeps the served entities.
        let current = current
            .filter(|c| !c.served_entities.is_empty())
            .ok_or_else(|| invalid("The config must name at least one served entity.".into()))?;
        entities = current
            .served_entities
            .iter()
            .map(ServedEntityInput::from_output)
            .collect();
    }
    if entities.len() > MAX_ENTITIES {
        return Err(invalid(format!(
            "An endpoint can serve at most {MAX_ENTITIES} entities; the config has {}.",
            entities.len()
        )));
    }
    let mut names: Vec<String> = Vec::new();
    for e in &mut entities {
        let external = e.extra.contains_key("external_model");
        if !external && e.entity_name.as_deref().is_none_or(str::is_empty) {
            return Err(invalid("Every served entity needs an entity_name.".into()));
        }
        if !external && e.entity_version.as_deref().is_none_or(str::is_empty) {
            return Err(invalid(format!(
                "Served entity {} needs an entity_version.",
                e.entity_name.as_deref().unwrap_or("")
            )));
        }
        let name = e.effective_name();
        if names.contains(&name) {
            return Err(invalid(format!(
                "Served entity names must be unique in an endpoint; '{name}' appears twice."
            )));
        }
        e.name = Some(name.clone());
        names.push(name);
    }
    let routes = match &input.traffic_config {
        Some(t) => t.routes.clone(),
        None if names.len() == 1 => vec![Route {
            served_entity_name: Some(names[0].clone()),
            served_model_name: None,
            traffic_percentage: 100,
        }],
        None => {
            let kept: Vec<Route> = current
                .and_then(|c| c.traffic_config.as_ref())
                .map(|t| t.routes.clone())
                .unwrap_or_default();
            if kept.is_empty() || kept.iter().any(|r| !names.iter().any(|n| n == r.target())) {
                return Err(invalid(
                    "A traffic_config is required when the config serves more than one entity."
                        .into(),
                ));
            }
            kept
        }
    };
    check_routes(&routes, &names)?;
    Ok((entities, routes))
}

fn check_routes(routes: &[Route], names: &[String]) -> ApiResult<()> {
    let mut seen: Vec<&str> = Vec::new();
    let mut total = 0;
    for r in routes {
        let target = r.target();
        if !names.iter().any(|n| n == target) {
            return Err(invalid(format!(
                "The traffic config routes to served entity '{target}', which is not in the \
                 config (it serves {}).",
                names.join(", ")
            )));
        }
        if seen.contains(&target) {
            return Err(invalid(format!(
                "The traffic config has more than one route to '{target}'."
            )));
        }
        seen.push(target);
        if !(0..=100).contains(&r.traffic_percentage) {
            return Err(invalid(format!(
                "Traffic percentage {} for '{target}' must be between 0 and 100.",
                r.traffic_percentage
            )));
        }
        total += r.traffic_percentage;
    }
    if total != 100 {
        return Err(invalid(format!(
            "The traffic percentages of the routes must add up to 100; they add up to {total}."
        )));
    }
    Ok(())
}

/// The output form of an entity of a new config: entities the endpoint already serves (same
/// name and model version) keep their state and creation; new ones start `DEPLOYMENT_CREATING`.
fn entity_output(
    input: &ServedEntityInput,
    current: Option<&EndpointConfig>,
    user: &str,
    now: i64,
) -> ServedEntity {
    let name = input.effective_name();
    let existing = current.and_then(|c| {
        c.served_entities.iter().find(|e| {
            e.name == name
                && e.entity_name == input.entity_name
                && e.entity_version == input.entity_version
        })
    });
    let mut extra = input.extra.clone();
    for k in OUTPUT_ONLY_ENTITY_FIELDS {
        extra.remove(*k);
    }
    let external_model = extra.remove("external_model");
    let (creator, created, state) = match existing {
        Some(e) => (e.creator.clone(), e.creation_timestamp, e.state.clone()),
        None => (
            Some(user.to_string()),
            Some(now),
            Some(ServedEntityState {
                deployment: Some(DeploymentState::Creating),
                deployment_state_message: Some(CREATING_MSG.to_string()),
            }),
        ),
    };
    ServedEntity {
        name,
        entity_name: input.entity_name.clone(),
        entity_version: input.entity_version.clone(),
        workload_size: Some(
            input
                .workload_size
                .clone()
                .unwrap_or_else(|| "Small".into()),
        ),
        workload_type: Some(input.workload_type.clone().unwrap_or_else(|| "CPU".into())),
        scale_to_zero_enabled: Some(input.scale_to_zero_enabled.unwrap_or(false)),
        creator,
        creation_timestamp: created,
        state,
        external_model,
        foundation_model: None,
        extra,
    }
}

fn legacy_mirror(e: &ServedEntity) -> ServedModel {
    ServedModel {
        name: e.name.clone(),
        model_name: e.entity_name.clone(),
        model_version: e.entity_version.clone(),
        workload_size: e.workload_size.clone(),
        scale_to_zero_enabled: e.scale_to_zero_enabled,
        state: e.state.clone(),
    }
}

/// Routes as the service writes them back: both the new and the legacy name field.
fn both_names(routes: &[Route]) -> Vec<Route> {
    routes
        .iter()
        .map(|r| Route {
            served_entity_name: Some(r.target().to_string()),
            served_model_name: Some(r.target().to_string()),
            traffic_percentage: r.traffic_percentage,
        })
        .collect()
}

/// Starts an update of `ep` to the validated config: `IN_PROGRESS` with a `pending_config`.
pub(crate) fn begin_update(
    ep: &mut ServingEndpoint,
    entities: &[ServedEntityInput],
    routes: &[Route],
    user: &str,
    now: i64,
) {
    let current = ep.config.as_ref();
    let served_entities: Vec<ServedEntity> = entities
        .iter()
        .map(|e| entity_output(e, current, user, now))
        .collect();
    let version = current.and_then(|c| c.config_version).unwrap_or(0) + 1;
    ep.pending_config = Some(EndpointConfig {
        config_version: Some(version),
        served_models: served_entities.iter().map(legacy_mirror).collect(),
        served_entities,
        traffic_config: Some(TrafficConfig {
            routes: both_names(routes),
        }),
        start_time: Some(now),
        auto_capture_config: current.and_then(|c| c.auto_capture_config.clone()),
    });
    let ready = ep
        .state
        .as_ref()
        .and_then(|s| s.ready.clone())
        .unwrap_or(EndpointReady::NotReady);
    ep.state = Some(EndpointState {
        ready: Some(if ep.config.is_some() {
            ready
        } else {
            EndpointReady::NotReady
        }),
        config_update: Some(ConfigUpdate::InProgress),
    });
    ep.last_updated_timestamp = Some(now);
}

/// Whether `entity_name` version `version` exists in the world's registries.
fn model_version_exists(world: &World, entity_name: &str, version: &str) -> bool {
    let uc = world
        .uc_model(entity_name)
        .is_some_and(|m| m.versions.iter().any(|v| v.version.to_string() == version));
    let ws = world
        .ws_model(entity_name)
        .is_some_and(|m| m.versions.iter().any(|v| v.version == version));
    uc || ws
}

/// Ends the update of endpoint `index` at `at`: the pending config goes live (or, when a new
/// entity's model version does not exist, the update fails and the old config stays).
/// Returns whether the live config changed.
pub(crate) fn complete_update(world: &mut World, index: usize, at: i64) -> bool {
    let Some(pending) = world.endpoints[index].pending_config.clone() else {
        return false;
    };
    let missing = pending.served_entities.iter().find(|e| {
        let creating = e.state.as_ref().and_then(|s| s.deployment.as_ref())
            == Some(&DeploymentState::Creating);
        let external = e.external_model.is_some();
        creating
            && !external
            && !model_version_exists(
                world,
                e.entity_name.as_deref().unwrap_or(""),
                e.entity_version.as_deref().unwrap_or(""),
            )
    });
    let failed = missing.is_some();
    let ep = &mut world.endpoints[index];
    ep.pending_config = None;
    ep.last_updated_timestamp = Some(at);
    let had_config = ep.config.is_some();
    let state = ep.state.get_or_insert_with(EndpointState::default);
    if failed {
        state.config_update = Some(ConfigUpdate::UpdateFailed);
        if !had_config {
            state.ready = Some(EndpointReady::NotReady);
        }
        return false;
    }
    let mut config = pending;
    config.start_time = None;
    for e in &mut config.served_entities {
        let s = e.state.get_or_insert_with(ServedEntityState::default);
        if s.deployment == Some(DeploymentState::Creating) {
            s.deployment = Some(DeploymentState::Ready);
            s.deployment_state_message = Some(READY_MSG.to_string());
        }
    }
    config.served_models = config.served_entities.iter().map(legacy_mirror).collect();
    let split = Split::from_routes(&routes_of(&config));
    let routed_ready = config
        .served_entities
        .iter()
        .filter(|e| split.percent(&e.name) > 0)
        .all(|e| {
            e.state.as_ref().and_then(|s| s.deployment.as_ref()) == Some(&DeploymentState::Ready)
        });
    state.config_update = Some(ConfigUpdate::NotUpdating);
    state.ready = Some(if routed_ready {
        EndpointReady::Ready
    } else {
        EndpointReady::NotReady
    });
    ep.config = Some(config);
    true
}

fn routes_of(config: &EndpointConfig) -> Vec<Route> {
    config
        .traffic_config
        .as_ref()
        .map(|t| t.routes.clone())
        .unwrap_or_default()
}
