//! Blast radius of a model change: every serving endpoint whose served entities use the model
//! (by UC full name or workspace name), the version each entity serves now and its traffic
//! share. The list call names the entities; each matching endpoint's detail gives the routes.

use serde::Serialize;

use crate::api::Client;
use crate::api::models::serving::ServingEndpoint;

/// One served entity (or legacy served model) of the model on an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServedUse {
    /// The served entity's name on the endpoint (e.g. `churn_model-4`).
    pub served_entity: String,
    pub version: String,
    /// Share of the endpoint's traffic routed to it, 0–100.
    pub traffic_percent: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointUse {
    pub endpoint: String,
    /// `READY` / `NOT_READY`, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<String>,
    /// `NOT_UPDATING`, `IN_PROGRESS`, …, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_update: Option<String>,
    pub served: Vec<ServedUse>,
    /// Traffic that goes to other models on the same endpoint.
    pub other_traffic_percent: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct BlastRadius {
    pub model: String,
    pub endpoints: Vec<EndpointUse>,
    /// Why the list may be incomplete (serving not available, an endpoint unreadable).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl BlastRadius {
    /// One line per endpoint, for dialogs and the headless plan.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.endpoints.is_empty() && self.notes.is_empty() {
            out.push(format!("no serving endpoint serves {}", self.model));
        }
        for e in &self.endpoints {
            let served = e
                .served
                .iter()
                .map(|s| {
                    format!(
                        "v{} {}% ({})",
                        s.version, s.traffic_percent, s.served_entity
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let mut line = format!("{}: {served}", e.endpoint);
            if e.other_traffic_percent > 0 {
                line.push_str(&format!(", other models {}%", e.other_traffic_percent));
            }
            if let Some(u) = e.config_update.as_deref().filter(|u| *u != "NOT_UPDATING") {
                line.push_str(&format!(" [{u}]"));
            }
            out.push(line);
        }
        out.extend(self.notes.iter().cloned());
        out
    }
}

fn same_model(entity: Option<&str>, model: &str) -> bool {
    entity.is_some_and(|e| e == model || e.eq_ignore_ascii_case(model))
}

/// Whether an endpoint (list summary or detail) serves `model`.
pub fn uses_model(endpoint: &ServingEndpoint, model: &str) -> bool {
    endpoint.config.as_ref().is_some_and(|c| {
        c.served_entities
            .iter()
            .any(|s| same_model(s.entity_name.as_deref(), model))
            || c.served_models
                .iter()
                .any(|s| same_model(s.model_name.as_deref(), model))
    })
}

/// The use of `model` on one detailed endpoint, or `None` when it serves something else.
pub fn endpoint_use(endpoint: &ServingEndpoint, model: &str) -> Option<EndpointUse> {
    let config = endpoint.config.as_ref()?;
    // (served name, entity or model name, version) from both the new and the legacy lists.
    let mut entities: Vec<(String, Option<String>, String)> = config
        .served_entities
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.entity_name.clone(),
                s.entity_version.clone().unwrap_or_default(),
            )
        })
        .collect();
    for m in &config.served_models {
        if !entities.iter().any(|(n, _, _)| *n == m.name) {
            entities.push((
                m.name.clone(),
                m.model_name.clone(),
                m.model_version.clone().unwrap_or_default(),
            ));
        }
    }
    let routes = config
        .traffic_config
        .as_ref()
        .map(|t| t.routes.as_slice())
        .unwrap_or_default();
    let share = |name: &str| -> i64 {
        if routes.is_empty() {
            // No routes: a single entity takes everything.
            return if entities.len() == 1 { 100 } else { 0 };
        }
        routes
            .iter()
            .filter(|r| r.target() == name)
            .map(|r| r.traffic_percentage)
            .sum()
    };
    let served: Vec<ServedUse> = entities
        .iter()
        .filter(|(_, entity, _)| same_model(entity.as_deref(), model))
        .map(|(name, _, version)| ServedUse {
            served_entity: name.clone(),
            version: version.clone(),
            traffic_percent: share(name),
        })
        .collect();
    if served.is_empty() {
        return None;
    }
    let other_traffic_percent = entities
        .iter()
        .filter(|(_, entity, _)| !same_model(entity.as_deref(), model))
        .map(|(name, _, _)| share(name))
        .sum();
    let state = endpoint.state.as_ref();
    Some(EndpointUse {
        endpoint: endpoint.name.clone(),
        ready: state.and_then(|s| s.ready.as_ref()).map(|r| r.to_string()),
        config_update: state
            .and_then(|s| s.config_update.as_ref())
            .map(|u| u.to_string()),
        served,
        other_traffic_percent,
    })
}

/// The blast radius from detailed endpoints (pure; fixtures in tests).
pub fn from_endpoints(model: &str, detailed: &[ServingEndpoint]) -> BlastRadius {
    BlastRadius {
        model: model.to_string(),
        endpoints: detailed
            .iter()
            .filter_map(|e| endpoint_use(e, model))
            .collect(),
        notes: Vec::new(),
    }
}

/// Reads the endpoints that serve `model`. Never fails: what could not be read becomes a note.
pub async fn read(client: &Client, model: &str) -> BlastRadius {
    let mut radius = BlastRadius {
        model: model.to_string(),
        ..BlastRadius::default()
    };
    let listed = match client.list_serving_endpoints().await {
        Ok(l) => l,
        Err(e) if e.is_not_available() => {
            radius
                .notes
                .push("serving endpoints are not available on this server".to_string());
            return radius;
        }
        Err(e) => {
            radius
                .notes
                .push(format!("serving endpoints could not be listed: {e}"));
            return radius;
        }
    };
    let mut detailed = Vec::new();
    for e in listed.iter().filter(|e| uses_model(e, model)) {
        match client.get_serving_endpoint(&e.name).await {
            Ok(d) => detailed.push(d),
            Err(err) => radius
                .notes
                .push(format!("{}: could not be read ({err})", e.name)),
        }
    }
    radius.endpoints = from_endpoints(model, &detailed).endpoints;
    radius
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(json: serde_json::Value) -> ServingEndpoint {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn versions_and_traffic_from_fixture_endpoints() {
        let churn = endpoint(serde_json::json!({
            "name": "churn-prod",
            "state": {"ready": "READY", "config_update": "NOT_UPDATING"},
            "config": {
                "served_entities": [
                    {"name": "churn_model-4", "entity_name": "main.ml.churn_model", "entity_version": "4"},
                    {"name": "churn_model-5", "entity_name": "main.ml.churn_model", "entity_version": "5"}
                ],
                "traffic_config": {"routes": [
                    {"served_entity_name": "churn_model-4", "traffic_percentage": 90},
                    {"served_model_name": "churn_model-5", "traffic_percentage": 10}
                ]}
            }
        }));
        let mixed = endpoint(serde_json::json!({
            "name": "ab-test",
            "state": {"ready": "READY", "config_update": "IN_PROGRESS"},
            "config": {
                "served_models": [
                    {"name": "legacy", "model_name": "main.ml.churn_model", "model_version": 3},
                    {"name": "rival", "model_name": "main.ml.other", "model_version": "1"}
                ],
                "traffic_config": {"routes": [
                    {"served_model_name": "legacy", "traffic_percentage": 30},
                    {"served_model_name": "rival", "traffic_percentage": 70}
                ]}
            }
        }));
        let unrelated = endpoint(serde_json::json!({
            "name": "fraud-scoring",
            "config": {"served_entities": [
                {"name": "fraud_model-3", "entity_name": "fraud_model", "entity_version": "3"}
            ]}
        }));
        let r = from_endpoints("main.ml.churn_model", &[churn, mixed, unrelated.clone()]);
        assert_eq!(r.endpoints.len(), 2);
        let prod = &r.endpoints[0];
        assert_eq!(
            prod.served,
            vec![
                ServedUse {
                    served_entity: "churn_model-4".into(),
                    version: "4".into(),
                    traffic_percent: 90
                },
                ServedUse {
                    served_entity: "churn_model-5".into(),
                    version: "5".into(),
                    traffic_percent: 10
                },
            ]
        );
        assert_eq!(prod.other_traffic_percent, 0);
        let ab = &r.endpoints[1];
        assert_eq!(
            (ab.served[0].version.as_str(), ab.served[0].traffic_percent),
            ("3", 30)
        );
        assert_eq!(ab.other_traffic_percent, 70);
        assert_eq!(
            r.lines(),
            [
                "churn-prod: v4 90% (churn_model-4), v5 10% (churn_model-5)",
                "ab-test: v3 30% (legacy), other models 70% [IN_PROGRESS]"
            ]
        );
        // A single entity without routes takes all the traffic.
        let fraud = from_endpoints("fraud_model", &[unrelated]);
        assert_eq!(fraud.endpoints[0].served[0].traffic_percent, 100);
        let none = from_endpoints("nobody", &[]);
        assert_eq!(none.lines(), ["no serving endpoint serves nobody"]);
    }
}
