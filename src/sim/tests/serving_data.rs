//! Serving's data plane over HTTP: invocations routed by share with the `served-model-name`
//! header, input validation, background traffic in the Prometheus metrics (parsed with the
//! console's own parser), and logs.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::{TestSim, assert_error, manual, sim, sim_with};
use crate::ops::prometheus::{MetricType, parse};
use crate::ops::serving_metrics::{Snapshot, windows};
use crate::sim::SimOptions;

const INVOKE: &str = "/serving-endpoints/churn-prod/invocations";

fn customers() -> Value {
    json!({"dataframe_split": {
        "columns": ["customer_id", "tenure_months", "monthly_charges", "support_tickets",
                    "contract_type", "num_products"],
        "data": [["C-1", 3, 89.5, 4, "month-to-month", 1], ["C-2", 60, 40.0, 0, "two_year", 3]]
    }})
}

async fn invoke(t: &TestSim, path: &str, body: Value) -> (u16, Option<String>, Value) {
    let (status, headers, text) = t.raw(Method::POST, path, Some(body), None).await;
    let served = headers
        .get("served-model-name")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (
        status,
        served,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn invocations_follow_the_routes_and_name_the_answering_entity() {
    let t = sim().await;
    let mut by_entity: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..300 {
        let (status, served, body) = invoke(&t, INVOKE, customers()).await;
        let served = served.expect("served-model-name header");
        if status == 200 {
            let p = body["predictions"].as_array().unwrap();
            assert_eq!(p.len(), 2);
            let (churner, loyal) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
            assert!(churner > 0.7 && loyal < 0.05, "{body}");
        } else {
            assert_eq!(status, 500, "{body}");
        }
        *by_entity.entry(served).or_default() += 1;
    }
    let v5 = by_entity.get("churn_model-5").copied().unwrap_or(0);
    assert_eq!(by_entity.len(), 2, "{by_entity:?}");
    assert!(
        (10..=60).contains(&v5),
        "about 10% to the challenger: {by_entity:?}"
    );

    // Move everything to v5: once the update is due, the very next request follows it.
    let (status, _) = t
        .json_call(
            Method::PUT,
            "/api/2.0/serving-endpoints/churn-prod/config",
            Some(json!({"traffic_config": {"routes": [
                {"served_entity_name": "churn_model-4", "traffic_percentage": 0},
                {"served_entity_name": "churn_model-5", "traffic_percentage": 100}]}})),
        )
        .await;
    assert_eq!(status, 200);
    t.sim.clock.advance(Duration::from_secs(5));
    for _ in 0..20 {
        let (_, served, _) = invoke(&t, INVOKE, customers()).await;
        assert_eq!(served.as_deref(), Some("churn_model-5"));
    }
}

#[tokio::test]
async fn every_input_shape_scores_and_bad_bodies_are_400() {
    let t = sim().await;
    let record = json!({"tenure_months": 12, "monthly_charges": 70.0, "support_tickets": 1,
                        "contract_type": "one_year", "num_products": 2});
    let shapes = [
        json!({"dataframe_records": [record.clone()]}),
        json!({"instances": [[12, 70.0, 1, 1, 2]]}),
        json!({"inputs": {"tenure_months": [12], "monthly_charges": [70.0],
                          "support_tickets": [1], "contract_type": [1], "num_products": [2]}}),
        json!({"instances": [record], "params": {"threshold": 0.5}}),
    ];
    for body in shapes {
        let (status, _, answer) = invoke(&t, INVOKE, body.clone()).await;
        if status == 500 {
            continue; // the rare simulated model failure
        }
        assert_eq!(status, 200, "{body}: {answer}");
        assert_eq!(answer["predictions"].as_array().unwrap().len(), 1);
    }
    let bad = [
        json!({}),
        json!({"instances": [[1, 2, 3, 4, 5]], "inputs": [[1, 2, 3, 4, 5]]}),
        json!({"dataframe_records": [{"tenure_months": 1}]}),
        json!([1, 2]),
    ];
    for body in bad {
        let (status, served, answer) = invoke(&t, INVOKE, body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(
            served.is_some(),
            "the answering entity is named on errors too"
        );
        assert_error(&answer, "BAD_REQUEST");
    }
    let (status, _, answer) = invoke(
        &t,
        "/serving-endpoints/recsys-staging/invocations",
        json!({"inputs": [1]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_error(&answer, "INVALID_STATE");
    let (status, _, _) = invoke(&t, "/serving-endpoints/nope/invocations", json!({})).await;
    assert_eq!(status, 404);
}

async fn scrape(t: &TestSim, endpoint: &str) -> String {
    let path = format!("/api/2.0/serving-endpoints/{endpoint}/metrics");
    let (status, headers, text) = t.raw(Method::GET, &path, None, None).await;
    assert_eq!(status, 200, "{text}");
    let ct = headers["content-type"].to_str().unwrap();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    text
}

#[tokio::test]
async fn background_traffic_shows_in_metrics_that_our_parser_reads() {
    let t = sim().await;
    let first = scrape(&t, "churn-prod").await;
    let e1 = parse(&first).expect("valid exposition");
    assert_eq!(e1.kind_of("request_count_total"), Some(MetricType::Counter));
    assert_eq!(
        e1.kind_of("request_latency_ms_bucket"),
        Some(MetricType::Histogram)
    );
    let s1 = Snapshot::from_exposition(&e1, t.sim.clock.now_ms());
    assert_eq!(s1.entities["churn_model-4"].requests, 0.0);

    t.sim.clock.advance(Duration::from_secs(60));
    let e2 = parse(&scrape(&t, "churn-prod").await).unwrap();
    let s2 = Snapshot::from_exposition(&e2, t.sim.clock.now_ms());
    let w = windows(&s1, &s2);
    let v4 = w.iter().find(|w| w.entity == "churn_model-4").unwrap();
    let v5 = w.iter().find(|w| w.entity == "churn_model-5").unwrap();
    let total = v4.requests_per_s + v5.requests_per_s;
    assert!((40.0..60.0).contains(&total), "about 50 req/s: {total}");
    assert!(v5.requests > 0.05 * total * 60.0 && v5.requests < 0.2 * total * 60.0);
    let (l4, l5) = (v4.latency.unwrap(), v5.latency.unwrap());
    assert!((12.0..22.0).contains(&l4.p50), "{l4:?}");
    assert!(
        l4.p50 <= l4.p90 && l4.p90 <= l4.p99 && l4.p99 < 60.0,
        "{l4:?}"
    );
    assert!(
        l5.p50 > l4.p50 * 0.95,
        "the challenger is not faster: {l4:?} {l5:?}"
    );
    let c = &s2.entities["churn_model-4"];
    assert_eq!(
        c.latency_count, c.requests,
        "every request is in the histogram"
    );
    assert!(c.cpu_percent.unwrap() > 0.0 && c.provisioned_concurrency == Some(4.0));

    // The same seed and clock readings give the same text.
    let twin = sim().await;
    twin.sim.clock.advance(Duration::from_secs(60));
    let a = scrape(&twin, "churn-prod").await;
    let b = scrape(&t, "churn-prod").await;
    assert_eq!(a, b);
    let (status, body) = t.get("/api/2.0/serving-endpoints/nope/metrics", &[]).await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn traffic_can_be_switched_off_and_invocations_still_count() {
    let t = sim_with(SimOptions {
        traffic_rps: 0.0,
        ..manual(42)
    })
    .await;
    t.sim.clock.advance(Duration::from_secs(120));
    for _ in 0..10 {
        invoke(&t, INVOKE, customers()).await;
    }
    let s = Snapshot::from_exposition(&parse(&scrape(&t, "churn-prod").await).unwrap(), 0);
    let total: f64 = s.entities.values().map(|e| e.requests).sum();
    assert_eq!(total, 10.0);
}

#[tokio::test]
async fn server_and_build_logs_read_like_the_real_ones() {
    let t = sim().await;
    t.sim.clock.advance(Duration::from_secs(90));
    let base = "/api/2.0/serving-endpoints";
    let logs = t
        .ok_get(
            &format!("{base}/churn-prod/served-models/churn_model-4/logs"),
            &[],
        )
        .await;
    let text = logs["logs"].as_str().unwrap();
    assert!(text.contains("Starting gunicorn"), "{text}");
    assert!(
        text.contains("\"POST /invocations HTTP/1.1\" 200"),
        "{text}"
    );
    let build = t
        .ok_get(
            &format!("{base}/recsys-staging/served-models/recsys_ranker-3/build-logs"),
            &[],
        )
        .await;
    assert!(
        build["logs"]
            .as_str()
            .unwrap()
            .contains("ResolutionImpossible")
    );
    let ok_build = t
        .ok_get(
            &format!("{base}/churn-prod/served-models/churn_model-5/build-logs"),
            &[],
        )
        .await;
    assert!(
        ok_build["logs"]
            .as_str()
            .unwrap()
            .ends_with("build succeeded.\n")
    );
    let (status, body) = t
        .get(&format!("{base}/churn-prod/served-models/nope/logs"), &[])
        .await;
    assert_eq!(status, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
}
