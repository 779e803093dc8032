//! Auth, the open well-known route, 404s, identity, determinism and the manual clock.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::sim::world::{DAY, HOUR};

const ME: &str = "/api/2.0/preview/scim/v2/Me";

#[tokio::test]
async fn every_api_route_requires_a_bearer_token() {
    let t = sim().await;
    let send = |auth: Option<&str>| {
        let mut req = t.http.get(t.url(ME));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        req.send()
    };
    let (status, body) = decode(send(None).await.unwrap()).await;
    assert_eq!(status, 401);
    assert_error(&body, "UNAUTHENTICATED");
    let (status, body) = decode(send(Some("Bearer nope")).await.unwrap()).await;
    assert_eq!(status, 401);
    assert_eq!(body["message"], "Invalid access token.");
    let (status, _) = decode(send(Some("Basic dXNlcjpwYXNz")).await.unwrap()).await;
    assert_eq!(status, 401);
    // Unknown paths are not revealed to unauthenticated callers either.
    let r = t.http.get(t.url("/api/2.0/nope")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // Searches by POST are protected too.
    let r = t
        .http
        .post(t.url("/api/2.0/mlflow/runs/search"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);

    let me = t.ok_get(ME, &[]).await;
    assert_eq!(me["userName"], "ml-eng@acme.com");
    assert_eq!(me["emails"][0]["value"], "ml-eng@acme.com");
    let other = send(Some(&format!("Bearer {}", t.sim.nonowner_token)))
        .await
        .unwrap();
    let (status, body) = decode(other).await;
    assert_eq!(
        (status, body["userName"].as_str()),
        (200, Some("analyst@acme.com"))
    );

    let log = t.sim.request_log();
    assert_eq!(log.iter().filter(|r| r.status == Some(401)).count(), 5);
    let principals: Vec<_> = log.iter().filter_map(|r| r.principal.as_deref()).collect();
    assert_eq!(principals, ["ml-eng@acme.com", "analyst@acme.com"]);
}

#[tokio::test]
async fn well_known_config_is_open_and_points_back_here() {
    let t = sim().await;
    let r = t
        .http
        .get(t.url("/.well-known/databricks-config"))
        .send()
        .await
        .unwrap();
    let (status, body) = decode(r).await;
    assert_eq!(status, 200);
    let host = t.sim.base_url.trim_start_matches("http://");
    assert_eq!(body["oidc_endpoint"], format!("http://{host}/oidc"));
    assert!(
        body["workspace_id"]
            .as_str()
            .is_some_and(|id| id.parse::<u64>().is_ok())
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_are_databricks_404s() {
    let t = sim().await;
    let (status, body) = t.get("/api/2.0/mlflow/nope", &[]).await;
    assert_eq!(status, 404);
    assert_error(&body, "ENDPOINT_NOT_FOUND");
    assert_eq!(
        body["message"],
        "No API found for 'GET /api/2.0/mlflow/nope'"
    );
    let (status, body) = t.post("/api/2.0/mlflow/runs/get", json!({})).await;
    assert_eq!(status, 404);
    assert_error(&body, "ENDPOINT_NOT_FOUND");
}

#[tokio::test]
async fn malformed_bodies_are_rejected() {
    let t = sim().await;
    let r = t
        .http
        .post(t.url("/api/2.0/mlflow/runs/search"))
        .bearer_auth(&t.sim.token)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = decode(r).await;
    assert_eq!(status, 400);
    assert_error(&body, "MALFORMED_REQUEST");
}

async fn snapshot(t: &TestSim) -> Vec<Value> {
    let exp = t.churn_experiment_id().await;
    vec![
        t.ok_post("/api/2.0/mlflow/experiments/search", json!({}))
            .await,
        t.ok_post(
            "/api/2.0/mlflow/runs/search",
            json!({"experiment_ids": [exp]}),
        )
        .await,
        t.ok_get(
            "/api/2.1/unity-catalog/models",
            &[("include_browse", "true")],
        )
        .await,
        t.ok_get(
            "/api/2.1/unity-catalog/models/main.ml.churn_model/versions",
            &[],
        )
        .await,
        t.ok_get("/api/2.0/mlflow/registered-models/search", &[])
            .await,
        t.ok_get("/api/2.0/serving-endpoints", &[]).await,
        t.ok_get("/api/2.0/serving-endpoints/churn-prod", &[]).await,
    ]
}

#[tokio::test]
async fn answers_parse_into_the_shared_client_models() {
    use crate::api::models::{mlflow, registry, serving, uc_models};
    fn parse<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) -> T {
        let parsed: T = serde_json::from_value(v.clone()).expect("parses as the client model");
        // And nothing is lost on the way back out.
        assert_eq!(&serde_json::to_value(&parsed).unwrap(), v);
        parsed
    }
    let t = sim().await;
    let s = snapshot(&t).await;
    assert!(
        parse::<mlflow::SearchExperimentsResponse>(&s[0])
            .experiments
            .len()
            > 20
    );
    assert!(parse::<mlflow::SearchRunsResponse>(&s[1]).runs.len() > 40);
    assert!(
        !parse::<uc_models::ListRegisteredModelsResponse>(&s[2])
            .registered_models
            .is_empty()
    );
    assert_eq!(
        parse::<uc_models::ListModelVersionsResponse>(&s[3])
            .model_versions
            .len(),
        5
    );
    assert_eq!(
        parse::<registry::SearchRegisteredModelsResponse>(&s[4])
            .registered_models
            .len(),
        5
    );
    assert_eq!(
        parse::<serving::ListEndpointsResponse>(&s[5])
            .endpoints
            .len(),
        3
    );
    assert_eq!(parse::<serving::ServingEndpoint>(&s[6]).name, "churn-prod");
    let dbx = t
        .ok_get(
            "/api/2.0/mlflow/databricks/registered-models/get",
            &[("name", "fraud_model")],
        )
        .await;
    let dbx: registry::RegisteredModelDatabricksResponse = parse(&dbx);
    assert_eq!(dbx.registered_model_databricks.model.name, "fraud_model");
    assert_eq!(
        dbx.registered_model_databricks.permission_level.as_deref(),
        Some("CAN_MANAGE")
    );
}

#[tokio::test]
async fn same_seed_and_start_give_identical_answers() {
    let a = sim_with(manual(42)).await;
    let b = sim_with(manual(42)).await;
    let c = sim_with(manual(43)).await;
    let (sa, sb, sc) = (snapshot(&a).await, snapshot(&b).await, snapshot(&c).await);
    assert_eq!(
        serde_json::to_string(&sa).unwrap(),
        serde_json::to_string(&sb).unwrap()
    );
    let run_ids = |s: &[Value]| -> Vec<String> {
        s[1]["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["info"]["run_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_ne!(
        run_ids(&sa),
        run_ids(&sc),
        "another seed tells the story with other ids"
    );
    assert_eq!(run_ids(&sa).len(), run_ids(&sc).len());
}

#[tokio::test]
async fn timestamps_follow_the_manual_clock() {
    let t = sim().await;
    assert_eq!(t.sim.anchor_ms(), START_MS);
    assert_eq!(t.sim.clock.now_ms(), START_MS);
    let ep = t.ok_get("/api/2.0/serving-endpoints/churn-prod", &[]).await;
    assert_eq!(
        ep["last_updated_timestamp"],
        START_MS - (2 * DAY - 3 * HOUR)
    );
    let exp = t
        .ok_get(
            "/api/2.0/mlflow/experiments/get-by-name",
            &[("experiment_name", "/Shared/churn/training")],
        )
        .await;
    assert_eq!(exp["experiment"]["creation_time"], START_MS - 60 * DAY);

    t.sim.clock.advance(Duration::from_secs(3600));
    assert_eq!(t.sim.clock.now_ms(), START_MS + HOUR);
    // The seeded story stays anchored where it was built.
    let again = t.ok_get("/api/2.0/serving-endpoints/churn-prod", &[]).await;
    assert_eq!(again, ep);
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let t = sim().await;
    let url = t.url(ME);
    t.sim.shutdown().await;
    assert!(t.http.get(url).send().await.is_err());
}
