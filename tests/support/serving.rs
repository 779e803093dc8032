//! Serving fixtures: `churn-prod` in detail (v4 90% / v5 10%, optionally mid-update with a
//! pending config), the serving list, and deterministic metrics scrapes of both entities.

use mlops_console::api::models::serving::ServingEndpoint;
use mlops_console::app::{Effect, Fetch, Msg, Payload};
use mlops_console::ops::serving_metrics::{Bucket, EntityCounters, Snapshot};

use super::{Driver, MIN, NOW};

pub const CHURN_PROD: &str = "churn-prod";
/// Scrape interval of the fixtures (the console's poll).
pub const SCRAPE_MS: i64 = 2_000;

fn entity_json(name: &str, version: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "entity_name": "main.ml.churn_model",
        "entity_version": version,
        "workload_size": "Small",
        "scale_to_zero_enabled": false,
        "state": {"deployment": "DEPLOYMENT_READY"}
    })
}

/// `churn-prod` as `GET` returns it; `updating` adds a pending config moving 10 points.
pub fn churn_prod(stable: u32, updating: bool) -> ServingEndpoint {
    let canary = 100 - stable;
    let mut v = serde_json::json!({
        "name": CHURN_PROD,
        "id": "ep-0001",
        "creator": "ml-eng@acme.com",
        "creation_timestamp": NOW - 30 * 24 * 60 * MIN,
        "last_updated_timestamp": NOW - 90 * MIN,
        "state": {"ready": "READY", "config_update": if updating { "IN_PROGRESS" } else { "NOT_UPDATING" }},
        "config": {
            "config_version": 7,
            "served_entities": [entity_json("churn_model-4", "4"), entity_json("churn_model-5", "5")],
            "traffic_config": {"routes": [
                {"served_entity_name": "churn_model-4", "traffic_percentage": stable},
                {"served_entity_name": "churn_model-5", "traffic_percentage": canary}
            ]}
        }
    });
    if updating {
        v["pending_config"] = serde_json::json!({
            "config_version": 8,
            "start_time": NOW - 20_000,
            "served_entities": [entity_json("churn_model-4", "4"), entity_json("churn_model-5", "5")],
            "traffic_config": {"routes": [
                {"served_entity_name": "churn_model-4", "traffic_percentage": stable - 10},
                {"served_entity_name": "churn_model-5", "traffic_percentage": canary + 10}
            ]}
        });
    }
    serde_json::from_value(v).expect("fixture endpoint")
}

/// Cumulative counters after `secs` seconds at `rps` with `err` 5xx and `bad` 4xx ratios and a
/// latency shape scaled by `slow` (1.0 = the stable entity).
fn counters(secs: f64, rps: f64, jitter: f64, err: f64, bad: f64, slow: f64) -> EntityCounters {
    let n = (secs * rps + jitter).round();
    let bounds = [5.0, 10.0, 25.0, 50.0, 100.0, 250.0, f64::INFINITY];
    let shape = [0.05, 0.35, 0.80, 0.95, 0.99, 0.999, 1.0];
    let latency_buckets = bounds
        .iter()
        .zip(shape)
        .map(|(le, f)| Bucket {
            le: if le.is_finite() { le * slow } else { *le },
            count: (n * f).round(),
        })
        .collect();
    EntityCounters {
        requests: n,
        errors_4xx: (n * bad).round(),
        errors_5xx: (n * err).round(),
        latency_buckets,
        latency_sum: n * 18.0 * slow,
        latency_count: n,
        cpu_percent: Some(35.0),
        mem_percent: Some(52.0),
        provisioned_concurrency: None,
    }
}

/// The scrape `i` intervals after `NOW`: v4 at 45 req/s, v5 at 5 req/s and a little slower.
pub fn scrape(i: i64) -> Snapshot {
    let secs = 3_600.0 + (i * SCRAPE_MS) as f64 / 1000.0;
    // A bounded wobble on the cumulative counts: rates vary, counters still only grow.
    let wobble = ((i as f64) * 0.7).sin();
    Snapshot {
        at_ms: NOW + i * SCRAPE_MS,
        entities: [
            (
                "churn_model-4".to_string(),
                counters(secs, 45.0, 20.0 * wobble, 0.002, 0.01, 1.0),
            ),
            (
                "churn_model-5".to_string(),
                counters(secs, 5.0, 3.0 * wobble, 0.004, 0.01, 1.15),
            ),
        ]
        .into_iter()
        .collect(),
    }
}

impl Driver {
    /// Answers every fetch of the last effects that the serving screens make.
    pub fn answer_serving(&mut self, ep: &ServingEndpoint, scrape_index: i64) {
        let fx = self.effects.clone();
        for e in fx {
            let Effect::Fetch { req, fetch } = e else {
                continue;
            };
            let payload = match fetch {
                Fetch::ServingEndpoints => {
                    let mut all = super::endpoints();
                    all[0] = ep.clone();
                    Payload::ServingEndpoints(Ok(all))
                }
                Fetch::Endpoint { .. } => Payload::Endpoint(Ok(Box::new(ep.clone()))),
                Fetch::EndpointMetrics { name } => {
                    Payload::EndpointMetrics(name, Ok(Box::new(scrape(scrape_index))))
                }
                _ => continue,
            };
            self.answer(req, payload);
        }
    }

    /// Opens Serving (5), then `churn-prod`, and lets `scrapes` metrics polls arrive, one
    /// every [`SCRAPE_MS`] on the fixed clock.
    pub fn open_endpoint(&mut self, ep: ServingEndpoint, scrapes: i64) {
        // The Overview's first load already asked for the list.
        self.answer_serving(&ep, 0);
        self.char('5');
        self.answer_serving(&ep, 0);
        self.key(crossterm::event::KeyCode::Enter);
        self.answer_serving(&ep, 0);
        for i in 1..scrapes {
            self.send(Msg::Tick {
                now_ms: NOW + i * SCRAPE_MS,
            });
            self.answer_serving(&ep, i);
        }
    }
}

/// The traffic plan `+` on churn_model-5 makes from 90/10.
pub fn shift_plan() -> mlops_console::ops::traffic::TrafficPlan {
    use mlops_console::ops::ChangeAction;
    use mlops_console::ops::traffic::{Split, TrafficPlan};
    let ep = churn_prod(90, false);
    TrafficPlan::routes(
        &ep,
        &Split::new(&[("churn_model-4", 85), ("churn_model-5", 15)]),
        ChangeAction::Traffic,
    )
    .expect("a valid split")
}

/// A journal with one verified traffic change of churn-prod (90/10 → 85/15) on the fixture
/// workspace, 3 minutes ago.
pub fn endpoint_journal() -> mlops_console::ops::journal::JournalView {
    use mlops_console::ops::journal::{Attempt, Outcome, Record, ResultRecord, Via};
    use mlops_console::ops::{ChangeAction, ObjectState, Target};
    let plan = shift_plan();
    let ts = NOW - 3 * MIN;
    let records = [
        Record::Attempt(Box::new(Attempt {
            id: "t1".into(),
            time: "2024-06-01T11:57:00Z".into(),
            ts_ms: ts,
            profile: "acme-prod".into(),
            host: "https://dbc-1234.cloud.databricks.com".into(),
            workspace_id: None,
            actor: Some("ml-eng@acme.com".into()),
            action: ChangeAction::Traffic,
            target: Target::Endpoint {
                name: CHURN_PROD.into(),
            },
            before: ObjectState::Endpoint(plan.before.clone()),
            after: ObjectState::Endpoint(plan.after.clone()),
            comment: None,
            reverts: None,
            requests: vec![],
        })),
        Record::Result(ResultRecord {
            id: "t1".into(),
            time: "2024-06-01T11:57:05Z".into(),
            ts_ms: ts + 5_000,
            outcome: Outcome::Ok,
            error: None,
            verified: None,
            via: Via::Execute,
            answer_lost: false,
            sent: Vec::new(),
        }),
    ];
    let text: String = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    mlops_console::ops::journal::parse(text.as_bytes())
}
