//! The part of an endpoint's config a traffic change (or its roll back) is about: the served
//! entities, as the `PUT …/config` inputs that recreate them, and the routes. Journaled as the
//! before/after of every serving change, so a roll back can restore the whole config.

use serde::{Deserialize, Serialize};

use crate::api::models::serving::{ServingEndpoint, TrafficConfig};
use crate::api::models::serving_config::{EndpointConfigInput, ServedEntityInput};

use super::split::Split;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointConfigState {
    /// Every served entity, as the input that keeps it as it is.
    pub served_entities: Vec<ServedEntityInput>,
    /// Every served entity's share (0% included), in entity order.
    pub routes: Split,
    /// The live `config_version` when read (informational; not compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_version: Option<i64>,
}

/// The fields that say what an entity is and how it runs, for comparisons: a read-back may add
/// server defaults (e.g. `workload_type`), so only what `want` states is checked.
fn entity_matches(want: &ServedEntityInput, got: &ServedEntityInput) -> bool {
    let same = |a: &Option<String>, b: &Option<String>| a.is_none() || a == b;
    want.effective_name() == got.effective_name()
        && same(&want.entity_name, &got.entity_name)
        && same(&want.entity_version, &got.entity_version)
        && same(&want.workload_size, &got.workload_size)
        && (want.scale_to_zero_enabled.is_none()
            || want.scale_to_zero_enabled == got.scale_to_zero_enabled)
}

impl EndpointConfigState {
    /// The live config of `ep` (its `config`, not a pending one).
    pub fn of(ep: &ServingEndpoint) -> EndpointConfigState {
        let config = ep.config.as_ref();
        EndpointConfigState {
            served_entities: config
                .map(|c| {
                    c.served_entities
                        .iter()
                        .map(ServedEntityInput::from_output)
                        .collect()
                })
                .unwrap_or_default(),
            routes: Split::of_endpoint(ep),
            config_version: config.and_then(|c| c.config_version),
        }
    }

    /// The same entities with other routes.
    pub fn with_routes(&self, routes: Split) -> EndpointConfigState {
        EndpointConfigState {
            routes,
            ..self.clone()
        }
    }

    /// The `PUT …/config` body that makes this config live.
    pub fn to_input(&self) -> EndpointConfigInput {
        EndpointConfigInput {
            served_entities: self.served_entities.clone(),
            traffic_config: Some(TrafficConfig {
                routes: self.routes.to_routes(),
            }),
            ..Default::default()
        }
    }

    pub fn entity_names(&self) -> Vec<String> {
        self.served_entities
            .iter()
            .map(ServedEntityInput::effective_name)
            .collect()
    }

    /// The input of the entity named `name`.
    pub fn entity(&self, name: &str) -> Option<&ServedEntityInput> {
        self.served_entities
            .iter()
            .find(|e| e.effective_name() == name)
    }

    /// Whether `actual` shows this config: the same served entities (each as stated here) and
    /// the same traffic per entity.
    pub fn satisfied_by(&self, actual: &EndpointConfigState) -> bool {
        self.served_entities.len() == actual.served_entities.len()
            && self.served_entities.iter().all(|want| {
                actual
                    .entity(&want.effective_name())
                    .is_some_and(|got| entity_matches(want, got))
            })
            && self.routes.same_as(&actual.routes)
    }

    /// `churn_model-4=90, churn_model-5=10` (every entity appears in the routes).
    pub fn describe(&self) -> String {
        self.routes.describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::serving::{EndpointConfig, ServedEntity};

    fn endpoint(routes: &[(&str, u32)]) -> ServingEndpoint {
        let entity = |n: &str| ServedEntity {
            name: n.to_string(),
            entity_name: Some("main.ml.churn_model".into()),
            entity_version: Some(n.rsplit('-').next().unwrap().to_string()),
            workload_size: Some("Small".into()),
            workload_type: Some("CPU".into()),
            scale_to_zero_enabled: Some(false),
            creator: Some("someone".into()),
            ..Default::default()
        };
        ServingEndpoint {
            config: Some(EndpointConfig {
                config_version: Some(3),
                served_entities: routes.iter().map(|(n, _)| entity(n)).collect(),
                traffic_config: Some(TrafficConfig {
                    routes: Split::new(routes).to_routes(),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn state_round_trips_through_a_put_body_and_compares_by_meaning() {
        let ep = endpoint(&[("m-4", 90), ("m-5", 10)]);
        let s = EndpointConfigState::of(&ep);
        assert_eq!(s.config_version, Some(3));
        assert_eq!(s.describe(), "m-4=90, m-5=10");
        let input = s.to_input();
        assert_eq!(input.served_entities.len(), 2);
        assert!(!input.served_entities[0].extra.contains_key("creator"));
        let shifted = s.with_routes(Split::new(&[("m-4", 80), ("m-5", 20)]));
        assert!(!shifted.satisfied_by(&s));
        assert!(shifted.satisfied_by(&EndpointConfigState::of(&endpoint(&[
            ("m-5", 20),
            ("m-4", 80)
        ]))));
        // A different entity set is a different config, whatever the routes.
        let three = EndpointConfigState::of(&endpoint(&[("m-4", 90), ("m-5", 10), ("m-6", 0)]));
        assert!(!s.satisfied_by(&three) && !three.satisfied_by(&s));
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            serde_json::from_str::<EndpointConfigState>(&json).unwrap(),
            s
        );
    }
}
