//! `pending_config` against `config` while an update runs: one line per served entity (what it
//! serves, how, and its share), marked kept, removed, added or changed.

use crate::api::models::serving::{EndpointConfig, ServedEntity};

use super::split::Split;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Same,
    Removed,
    Added,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub mark: Mark,
    pub text: String,
}

fn routes_of(c: &EndpointConfig) -> Split {
    Split::from_routes(
        c.traffic_config
            .as_ref()
            .map(|t| t.routes.as_slice())
            .unwrap_or(&[]),
    )
}

/// "churn_model-5: main.ml.churn_model v5 Small scale-to-zero 10%".
fn describe(e: &ServedEntity, routes: &Split) -> String {
    let mut s = format!("{}:", e.name);
    if let Some(m) = &e.entity_name {
        s.push_str(&format!(" {m}"));
    }
    if let Some(v) = &e.entity_version {
        s.push_str(&format!(" v{v}"));
    }
    if let Some(w) = &e.workload_size {
        s.push_str(&format!(" {w}"));
    }
    if e.scale_to_zero_enabled == Some(true) {
        s.push_str(" scale-to-zero");
    }
    s.push_str(&format!(" {}%", routes.percent(&e.name)));
    s
}

/// The lines of the diff, live entities first (in their order), then the ones the pending
/// config adds.
pub fn config_diff(live: &EndpointConfig, pending: &EndpointConfig) -> Vec<DiffLine> {
    let (lr, pr) = (routes_of(live), routes_of(pending));
    let mut out = Vec::new();
    for e in &live.served_entities {
        let before = describe(e, &lr);
        match pending.served_entities.iter().find(|p| p.name == e.name) {
            Some(p) => {
                let after = describe(p, &pr);
                if after == before {
                    out.push(DiffLine {
                        mark: Mark::Same,
                        text: before,
                    });
                } else {
                    out.push(DiffLine {
                        mark: Mark::Removed,
                        text: before,
                    });
                    out.push(DiffLine {
                        mark: Mark::Added,
                        text: after,
                    });
                }
            }
            None => out.push(DiffLine {
                mark: Mark::Removed,
                text: before,
            }),
        }
    }
    for p in &pending.served_entities {
        if !live.served_entities.iter().any(|e| e.name == p.name) {
            out.push(DiffLine {
                mark: Mark::Added,
                text: describe(p, &pr),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::serving::{Route, TrafficConfig};

    fn entity(name: &str, version: &str) -> ServedEntity {
        serde_json::from_value(serde_json::json!({
            "name": name, "entity_name": "main.ml.m", "entity_version": version,
            "workload_size": "Small", "scale_to_zero_enabled": false
        }))
        .unwrap()
    }

    fn config(entities: Vec<ServedEntity>, routes: &[(&str, i64)]) -> EndpointConfig {
        EndpointConfig {
            served_entities: entities,
            traffic_config: Some(TrafficConfig {
                routes: routes
                    .iter()
                    .map(|(n, p)| Route {
                        served_entity_name: Some(n.to_string()),
                        served_model_name: None,
                        traffic_percentage: *p,
                    })
                    .collect(),
            }),
            ..EndpointConfig::default()
        }
    }

    #[test]
    fn a_route_change_shows_both_sides_and_a_new_entity_is_added() {
        let live = config(
            vec![entity("m-4", "4"), entity("m-5", "5")],
            &[("m-4", 90), ("m-5", 10)],
        );
        let pending = config(
            vec![entity("m-4", "4"), entity("m-5", "5"), entity("m-6", "6")],
            &[("m-4", 80), ("m-5", 20)],
        );
        let d = config_diff(&live, &pending);
        let marks: Vec<Mark> = d.iter().map(|l| l.mark).collect();
        assert_eq!(
            marks,
            vec![
                Mark::Removed,
                Mark::Added,
                Mark::Removed,
                Mark::Added,
                Mark::Added
            ]
        );
        assert_eq!(d[0].text, "m-4: main.ml.m v4 Small 90%");
        assert_eq!(d[1].text, "m-4: main.ml.m v4 Small 80%");
        assert_eq!(d[4].text, "m-6: main.ml.m v6 Small 0%");
    }

    #[test]
    fn an_unchanged_entity_is_kept_and_a_dropped_one_removed() {
        let live = config(
            vec![entity("m-4", "4"), entity("m-5", "5")],
            &[("m-4", 100)],
        );
        let pending = config(vec![entity("m-4", "4")], &[("m-4", 100)]);
        let d = config_diff(&live, &pending);
        assert_eq!(d[0].mark, Mark::Same);
        assert_eq!(
            d[1],
            DiffLine {
                mark: Mark::Removed,
                text: "m-5: main.ml.m v5 Small 0%".into()
            }
        );
    }
}
