//! Serving endpoints: `churn-prod` (v4 90% / v5 10%, ready), `fraud-scoring` (scale-to-zero)
//! and `recsys-staging` (its first deployment failed).

use crate::api::models::serving::{
    ConfigUpdate, DeploymentState, EndpointConfig, EndpointReady, EndpointState, EndpointTag,
    Route, ServedEntity, ServedEntityState, ServedModel, ServingEndpoint, TrafficConfig,
};
use crate::sim::world::{DAY, HOUR, MINUTE};

use super::rng::Gen;
use super::tracking::OWNER;

struct EntityDef {
    entity_name: &'static str,
    version: &'static str,
    size: &'static str,
    scale_to_zero: bool,
    traffic: i64,
    deployment: DeploymentState,
    message: &'static str,
}

struct EndpointDef {
    name: &'static str,
    creator: &'static str,
    created_days_ago: i64,
    updated_ago: i64,
    config_version: i64,
    ready: EndpointReady,
    config_update: ConfigUpdate,
    team: &'static str,
    entities: Vec<EntityDef>,
}

const READY_MSG: &str = "Served entity creation completed successfully.";

pub(crate) fn build(seed: u64, anchor: i64) -> Vec<ServingEndpoint> {
    let mut g = Gen::new(seed, 0x5E4F);
    let defs = vec![
        EndpointDef {
            name: "churn-prod",
            creator: OWNER,
            created_days_ago: 28,
            updated_ago: 2 * DAY - 3 * HOUR,
            config_version: 7,
            ready: EndpointReady::Ready,
            config_update: ConfigUpdate::NotUpdating,
            team: "churn",
            entities: vec![
                EntityDef {
                    entity_name: "main.ml.churn_model",
                    version: "4",
                    size: "Small",
                    scale_to_zero: false,
                    traffic: 90,
                    deployment: DeploymentState::Ready,
                    message: READY_MSG,
                },
                EntityDef {
                    entity_name: "main.ml.churn_model",
                    version: "5",
                    size: "Small",
                    scale_to_zero: false,
                    traffic: 10,
                    deployment: DeploymentState::Ready,
                    message: READY_MSG,
                },
            ],
        },
        EndpointDef {
            name: "fraud-scoring",
            creator: "priya.natarajan@acme.com",
            created_days_ago: 90,
            updated_ago: 40 * DAY,
            config_version: 3,
            ready: EndpointReady::Ready,
            config_update: ConfigUpdate::NotUpdating,
            team: "fraud",
            entities: vec![EntityDef {
                entity_name: "fraud_model",
                version: "3",
                size: "Small",
                scale_to_zero: true,
                traffic: 100,
                deployment: DeploymentState::Ready,
                message: "Served entity is scaled to zero; it scales up on the next request.",
            }],
        },
        EndpointDef {
            name: "recsys-staging",
            creator: "tomas.berg@acme.com",
            created_days_ago: 1,
            updated_ago: 20 * MINUTE,
            config_version: 1,
            ready: EndpointReady::NotReady,
            config_update: ConfigUpdate::UpdateFailed,
            team: "recsys",
            entities: vec![EntityDef {
                entity_name: "main.ml.recsys_ranker",
                version: "3",
                size: "Medium",
                scale_to_zero: false,
                traffic: 100,
                deployment: DeploymentState::Failed,
                message: "Container image build failed: pip could not resolve \
                          lightgbm==4.9.0 (ResolutionImpossible). See the build logs.",
            }],
        },
    ];
    defs.into_iter()
        .map(|d| endpoint(&mut g, anchor, d))
        .collect()
}

fn endpoint(g: &mut Gen, anchor: i64, def: EndpointDef) -> ServingEndpoint {
    let created = anchor - def.created_days_ago * DAY;
    let updated = anchor - def.updated_ago;
    let mut served_entities = Vec::new();
    let mut served_models = Vec::new();
    let mut routes = Vec::new();
    for e in &def.entities {
        // Databricks names a served entity `<model>-<version>` by default.
        let short = e.entity_name.rsplit('.').next().unwrap_or(e.entity_name);
        let name = format!("{short}-{}", e.version);
        let state = ServedEntityState {
            deployment: Some(e.deployment.clone()),
            deployment_state_message: Some(e.message.to_string()),
        };
        served_entities.push(ServedEntity {
            name: name.clone(),
            entity_name: Some(e.entity_name.to_string()),
            entity_version: Some(e.version.to_string()),
            workload_size: Some(e.size.to_string()),
            workload_type: Some("CPU".to_string()),
            scale_to_zero_enabled: Some(e.scale_to_zero),
            creator: Some(def.creator.to_string()),
            creation_timestamp: Some(updated - 15 * MINUTE),
            state: Some(state.clone()),
            external_model: None,
            foundation_model: None,
            extra: Default::default(),
        });
        // The legacy mirror the API still returns next to `served_entities`.
        served_models.push(ServedModel {
            name: name.clone(),
            model_name: Some(e.entity_name.to_string()),
            model_version: Some(e.version.to_string()),
            workload_size: Some(e.size.to_string()),
            scale_to_zero_enabled: Some(e.scale_to_zero),
            state: Some(state),
        });
        routes.push(Route {
            served_entity_name: Some(name.clone()),
            served_model_name: Some(name),
            traffic_percentage: e.traffic,
        });
    }
    ServingEndpoint {
        name: def.name.to_string(),
        id: Some(g.hex(32)),
        creator: Some(def.creator.to_string()),
        creation_timestamp: Some(created),
        last_updated_timestamp: Some(updated),
        description: None,
        task: None,
        permission_level: None,
        state: Some(EndpointState {
            ready: Some(def.ready),
            config_update: Some(def.config_update),
        }),
        config: Some(EndpointConfig {
            config_version: Some(def.config_version),
            served_entities,
            served_models,
            traffic_config: Some(TrafficConfig { routes }),
            start_time: None,
            auto_capture_config: crate::sim::monitors::auto_capture_of(def.name),
        }),
        pending_config: None,
        ai_gateway: crate::sim::monitors::ai_gateway_of(def.name),
        tags: vec![EndpointTag {
            key: "team".to_string(),
            value: Some(def.team.to_string()),
        }],
    }
}
