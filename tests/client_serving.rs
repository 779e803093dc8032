//! The serving calls of the client over real HTTP against the simulator (manual clock): list,
//! get, config updates and the one-at-a-time rule, metrics through the Prometheus parser, logs,
//! scoring with the answering entity, create/delete, and the read-only rules.

use std::time::Duration;

use serde_json::json;

use mlops_console::api::models::serving::ConfigUpdate;
use mlops_console::api::models::serving_config::{
    CreateEndpointRequest, EndpointConfigInput, ServedEntityInput,
};
use mlops_console::api::{ApiError, Client, ClientOptions, Credentials, ErrorKind, Secret};
use mlops_console::ops::prometheus;
use mlops_console::ops::serving_metrics::Snapshot;
use mlops_console::ops::traffic::Split;
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

const START_MS: i64 = 1_767_225_600_000;

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(START_MS),
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts")
}

fn client(sim: &SimHandle, readonly: bool) -> Client {
    let mut o = ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    );
    o.readonly = readonly;
    Client::new(o).unwrap()
}

fn customer() -> serde_json::Value {
    json!({"dataframe_records": [{"tenure_months": 5, "monthly_charges": 80.0,
        "support_tickets": 3, "contract_type": "month-to-month", "num_products": 1}]})
}

#[tokio::test]
async fn list_get_and_update_keep_the_entities() {
    let sim = sim().await;
    let c = client(&sim, false);
    let names: Vec<String> = c
        .list_serving_endpoints()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["churn-prod", "fraud-scoring", "recsys-staging"]);
    let ep = c.get_serving_endpoint("churn-prod").await.unwrap();
    let config = ep.config.as_ref().unwrap();
    let entities: Vec<ServedEntityInput> = config
        .served_entities
        .iter()
        .map(ServedEntityInput::from_output)
        .collect();
    assert_eq!(entities[0].workload_size.as_deref(), Some("Small"));
    assert!(
        !entities[0].extra.contains_key("state"),
        "output-only fields are dropped"
    );
    let target = Split::of_endpoint(&ep).shift("churn_model-5", 10).unwrap();
    let input = EndpointConfigInput {
        served_entities: entities.clone(),
        traffic_config: Some(mlops_console::api::models::serving::TrafficConfig {
            routes: target.to_routes(),
        }),
        ..Default::default()
    };
    let answer = c
        .update_endpoint_config("churn-prod", &input)
        .await
        .unwrap();
    assert_eq!(
        answer.state.unwrap().config_update,
        Some(ConfigUpdate::InProgress)
    );
    let err = c
        .update_endpoint_config("churn-prod", &input)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::Conflict), "{err}");
    sim.clock.advance(Duration::from_secs(5));
    let after = c.get_serving_endpoint("churn-prod").await.unwrap();
    assert!(Split::of_endpoint(&after).same_as(&target));
    assert_eq!(after.config.unwrap().config_version, Some(8));
    let missing = c.get_serving_endpoint("nope").await.unwrap_err();
    assert!(missing.is_not_found() && !missing.is_not_available());
}

#[tokio::test]
async fn metrics_logs_and_scoring() {
    let sim = sim().await;
    let c = client(&sim, false);
    sim.clock.advance(Duration::from_secs(30));
    let text = c.endpoint_metrics("churn-prod").await.unwrap();
    let snap = Snapshot::from_exposition(&prometheus::parse(&text).unwrap(), 0);
    assert!(snap.entities["churn_model-4"].requests > 1000.0);
    let logs = c
        .served_model_logs("churn-prod", "churn_model-5")
        .await
        .unwrap();
    assert!(logs.contains("gunicorn"));
    let build = c
        .build_logs("recsys-staging", "recsys_ranker-3")
        .await
        .unwrap();
    assert!(build.contains("build failed"));

    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..60 {
        match c.query_endpoint("churn-prod", &customer()).await {
            Ok(q) => {
                let p = q.predictions.as_array().unwrap()[0].as_f64().unwrap();
                assert!(p > 0.5 && p < 1.0);
                assert!(q.latency > Duration::ZERO);
                seen.insert(q.served_model_name.unwrap());
            }
            Err(ApiError::Api { status: 500, .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert!(seen.contains("churn_model-4"), "{seen:?}");
    let bad = c
        .query_endpoint("churn-prod", &json!({"instances": [1], "inputs": [1]}))
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), Some(ErrorKind::BadRequest));
}

#[tokio::test]
async fn create_and_delete() {
    let sim = sim().await;
    let c = client(&sim, false);
    let req = CreateEndpointRequest {
        name: "churn-batch".into(),
        config: Some(EndpointConfigInput {
            served_entities: vec![ServedEntityInput {
                entity_name: Some("main.ml.churn_model".into()),
                entity_version: Some("4".into()),
                workload_size: Some("Small".into()),
                scale_to_zero_enabled: Some(true),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    let created = c.create_endpoint(&req).await.unwrap();
    assert_eq!(
        created.pending_config.unwrap().served_entities[0].name,
        "churn_model-4"
    );
    sim.clock.advance(Duration::from_secs(5));
    let q = c.query_endpoint("churn-batch", &customer()).await;
    assert!(q.is_ok() || matches!(q, Err(ApiError::Api { status: 500, .. })));
    c.delete_endpoint("churn-batch").await.unwrap();
    assert!(
        c.get_serving_endpoint("churn-batch")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn read_only_refuses_changes_but_scores() {
    let sim = sim().await;
    let c = client(&sim, true);
    let input = EndpointConfigInput::default();
    for e in [
        c.update_endpoint_config("churn-prod", &input)
            .await
            .unwrap_err(),
        c.delete_endpoint("churn-prod").await.unwrap_err(),
        c.create_endpoint(&CreateEndpointRequest::default())
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(e, ApiError::ReadOnly { .. }), "{e}");
    }
    let sent: Vec<_> = sim
        .request_log()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert!(sent.is_empty(), "nothing left the machine: {sent:?}");
    let mut answered = 0;
    for _ in 0..5 {
        if c.query_endpoint("churn-prod", &customer()).await.is_ok() {
            answered += 1;
        }
    }
    assert!(answered >= 4);
}
