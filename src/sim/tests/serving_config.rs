//! Serving endpoints over HTTP: the config state machine on a manual clock, one update at a
//! time (409), route and entity validation, create and delete, permissions.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::{TestSim, assert_error, sim};

const EP: &str = "/api/2.0/serving-endpoints";

fn split(v4: i64, v5: i64) -> Value {
    json!({"traffic_config": {"routes": [
        {"served_entity_name": "churn_model-4", "traffic_percentage": v4},
        {"served_entity_name": "churn_model-5", "traffic_percentage": v5}
    ]}})
}

fn entity(version: &str) -> Value {
    json!({"entity_name": "main.ml.churn_model", "entity_version": version,
           "workload_size": "Small", "scale_to_zero_enabled": false})
}

fn routes(config: &Value) -> Vec<(String, i64)> {
    config["traffic_config"]["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["served_entity_name"].as_str().unwrap().to_string(),
                r["traffic_percentage"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn put(t: &TestSim, name: &str, body: Value) -> (u16, Value) {
    t.json_call(Method::PUT, &format!("{EP}/{name}/config"), Some(body))
        .await
}

async fn get(t: &TestSim, name: &str) -> Value {
    t.ok_get(&format!("{EP}/{name}"), &[]).await
}

fn update_state(ep: &Value) -> &str {
    ep["state"]["config_update"].as_str().unwrap()
}

#[tokio::test]
async fn a_config_update_is_in_progress_for_the_delay_then_goes_live() {
    let t = sim().await;
    let before = get(&t, "churn-prod").await;
    assert_eq!(before["config"]["config_version"], 7);
    let start = t.sim.clock.now_ms();

    let (status, answer) = put(&t, "churn-prod", split(80, 20)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(update_state(&answer), "IN_PROGRESS");
    assert_eq!(answer["pending_config"]["start_time"], start);
    assert_eq!(answer["pending_config"]["config_version"], 8);
    assert_eq!(answer["name"], "churn-prod");
    assert_eq!(
        routes(&answer["pending_config"]),
        [("churn_model-4".into(), 80), ("churn_model-5".into(), 20)]
    );
    // The live config is untouched meanwhile.
    assert_eq!(routes(&answer["config"])[0].1, 90);

    // A second update while the first runs is refused, and changes nothing.
    let (status, conflict) = put(&t, "churn-prod", split(50, 50)).await;
    assert_eq!(status, 409);
    assert_error(&conflict, "RESOURCE_CONFLICT");
    assert!(
        conflict["message"]
            .as_str()
            .unwrap()
            .starts_with("Endpoint is currently being updated")
    );

    t.sim.clock.advance(Duration::from_millis(4_999));
    let mid = get(&t, "churn-prod").await;
    assert_eq!(update_state(&mid), "IN_PROGRESS");
    assert_eq!(routes(&mid["pending_config"])[1].1, 20);

    t.sim.clock.advance(Duration::from_millis(1));
    let after = get(&t, "churn-prod").await;
    assert_eq!(update_state(&after), "NOT_UPDATING");
    assert_eq!(after["state"]["ready"], "READY");
    assert!(after.get("pending_config").is_none());
    assert_eq!(after["config"]["config_version"], 8);
    assert_eq!(
        routes(&after["config"]),
        [("churn_model-4".into(), 80), ("churn_model-5".into(), 20)]
    );
    assert_eq!(after["last_updated_timestamp"], start + 5_000);
    // Entities kept their creation and state; the legacy mirror follows.
    assert_eq!(
        after["config"]["served_entities"][0]["creation_timestamp"],
        before["config"]["served_entities"][0]["creation_timestamp"]
    );
    assert_eq!(after["config"]["served_models"][1]["name"], "churn_model-5");
    // Now another update is accepted.
    assert_eq!(put(&t, "churn-prod", split(90, 10)).await.0, 200);
}

#[tokio::test]
async fn new_entities_are_created_then_ready_and_unknown_versions_fail_the_update() {
    let t = sim().await;
    let body = json!({
        "served_entities": [entity("4"), entity("5"), entity("3")],
        "traffic_config": {"routes": [
            {"served_entity_name": "churn_model-4", "traffic_percentage": 90},
            {"served_entity_name": "churn_model-5", "traffic_percentage": 10},
            {"served_entity_name": "churn_model-3", "traffic_percentage": 0}
        ]}
    });
    let (status, answer) = put(&t, "churn-prod", body).await;
    assert_eq!(status, 200, "{answer}");
    let pending = &answer["pending_config"]["served_entities"];
    assert_eq!(pending[0]["state"]["deployment"], "DEPLOYMENT_READY");
    assert_eq!(pending[2]["name"], "churn_model-3");
    assert_eq!(pending[2]["state"]["deployment"], "DEPLOYMENT_CREATING");
    assert_eq!(pending[2]["creator"], "ml-eng@acme.com");
    t.sim.clock.advance(Duration::from_secs(5));
    let live = get(&t, "churn-prod").await;
    assert_eq!(
        live["config"]["served_entities"][2]["state"]["deployment"],
        "DEPLOYMENT_READY"
    );

    // Version 99 does not exist: the update fails and the config stays as it was.
    let body = json!({"served_entities": [entity("4"), entity("99")],
        "traffic_config": {"routes": [
            {"served_entity_name": "churn_model-4", "traffic_percentage": 100}]}});
    assert_eq!(put(&t, "churn-prod", body).await.0, 200);
    t.sim.clock.advance(Duration::from_secs(5));
    let failed = get(&t, "churn-prod").await;
    assert_eq!(update_state(&failed), "UPDATE_FAILED");
    assert_eq!(failed["config"]["config_version"], 8);
    assert!(failed.get("pending_config").is_none());
    // A failed update does not block the next one.
    assert_eq!(put(&t, "churn-prod", split(95, 5)).await.0, 200);
}

#[tokio::test]
async fn routes_and_entities_are_validated() {
    let t = sim().await;
    let cases = [
        json!({"traffic_config": {"routes": [
            {"served_entity_name": "churn_model-4", "traffic_percentage": 90},
            {"served_entity_name": "churn_model-9", "traffic_percentage": 10}]}}),
        split(80, 10),
        split(110, -10),
        json!({"traffic_config": {"routes": [
            {"served_entity_name": "churn_model-4", "traffic_percentage": 50},
            {"served_model_name": "churn_model-4", "traffic_percentage": 50}]}}),
        json!({"served_entities": (1..=11).map(|v| entity(&v.to_string())).collect::<Vec<_>>(),
               "traffic_config": {"routes": [
            {"served_entity_name": "churn_model-1", "traffic_percentage": 100}]}}),
        json!({"served_entities": [entity("4"), entity("4")]}),
        // Two entities and no traffic config, and the current routes name v5, not v3.
        json!({"served_entities": [entity("4"), entity("3")]}),
        json!({"served_entities": [{"entity_name": "main.ml.churn_model"}]}),
    ];
    for body in cases {
        let (status, answer) = put(&t, "churn-prod", body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_error(&answer, "INVALID_PARAMETER_VALUE");
    }
    let ep = get(&t, "churn-prod").await;
    assert_eq!(update_state(&ep), "NOT_UPDATING", "nothing was started");
    // Legacy route names are accepted.
    let legacy = json!({"traffic_config": {"routes": [
        {"served_model_name": "churn_model-4", "traffic_percentage": 70},
        {"served_model_name": "churn_model-5", "traffic_percentage": 30}]}});
    assert_eq!(put(&t, "churn-prod", legacy).await.0, 200);
}

#[tokio::test]
async fn changes_need_manage_permission_and_an_existing_endpoint() {
    let t = sim().await;
    let (status, _, text) = t
        .raw(
            Method::PUT,
            &format!("{EP}/churn-prod/config"),
            Some(split(50, 50)),
            Some(&t.sim.nonowner_token),
        )
        .await;
    assert_eq!(status, 403, "{text}");
    let (status, body) = put(&t, "nope", split(50, 50)).await;
    assert_eq!(status, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
    let (status, body) = t
        .json_call(Method::DELETE, &format!("{EP}/nope"), None)
        .await;
    assert_eq!(status, 404, "{body}");
    let (status, _, text) = t
        .raw(Method::PUT, &format!("{EP}/churn-prod/config"), None, None)
        .await;
    assert_eq!(status, 400, "an empty body names no entity: {text}");
}

#[tokio::test]
async fn endpoints_are_created_ready_after_the_delay_and_deleted() {
    let t = sim().await;
    let body = json!({"name": "churn-shadow", "config": {"served_entities": [entity("5")]},
        "tags": [{"key": "team", "value": "churn"}]});
    let (status, created) = t.json_call(Method::POST, EP, Some(body.clone())).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["state"]["ready"], "NOT_READY");
    assert_eq!(update_state(&created), "IN_PROGRESS");
    assert!(created.get("config").is_none());
    assert_eq!(created["pending_config"]["config_version"], 1);
    assert_eq!(
        routes(&created["pending_config"]),
        [("churn_model-5".into(), 100)]
    );
    let (status, dup) = t.json_call(Method::POST, EP, Some(body)).await;
    assert_eq!(status, 409);
    assert_error(&dup, "RESOURCE_ALREADY_EXISTS");
    let (status, _) = t
        .json_call(Method::POST, EP, Some(json!({"name": "bad name!"})))
        .await;
    assert_eq!(status, 400);

    t.sim.clock.advance(Duration::from_secs(5));
    let ready = get(&t, "churn-shadow").await;
    assert_eq!(ready["state"]["ready"], "READY");
    assert_eq!(ready["config"]["config_version"], 1);
    let list = t.ok_get(EP, &[]).await;
    assert_eq!(list["endpoints"].as_array().unwrap().len(), 4);

    let (status, body) = t
        .json_call(Method::DELETE, &format!("{EP}/churn-shadow"), None)
        .await;
    assert_eq!((status, body), (200, json!({})));
    let (status, _) = t.get(&format!("{EP}/churn-shadow"), &[]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_traffic_only_update_keeps_the_entities_and_their_settings() {
    let t = sim().await;
    let before = get(&t, "churn-prod").await;
    assert_eq!(put(&t, "churn-prod", split(0, 100)).await.0, 200);
    t.sim.clock.advance(Duration::from_secs(6));
    let after = get(&t, "churn-prod").await;
    for i in 0..2 {
        let (b, a) = (
            &before["config"]["served_entities"][i],
            &after["config"]["served_entities"][i],
        );
        for k in [
            "name",
            "entity_version",
            "workload_size",
            "scale_to_zero_enabled",
            "state",
        ] {
            assert_eq!(a[k], b[k], "{k}");
        }
    }
}
