//! A `churn-retrain` run on a manual clock: PENDING → RUNNING → TERMINATING → TERMINATED, the
//! MLflow run it logs growing epoch by epoch, the model version it registers; cancel
//! (asynchronous), failure, idempotency, and the background driver.

use std::time::Duration;

use serde_json::{Value, json};

use super::jobs::{CANCEL, RETRAIN, RUN_NOW, RUNS_GET};
use super::*;

const VERSIONS: &str = "/api/2.1/unity-catalog/models/main.ml.churn_model/versions";

async fn run_now(t: &TestSim, body: Value) -> i64 {
    let answer = t.ok_post(RUN_NOW, body).await;
    assert_eq!(answer["number_in_job"], answer["run_id"]);
    answer["run_id"].as_i64().unwrap()
}

async fn job_run(t: &TestSim, run_id: i64) -> Value {
    t.ok_get(RUNS_GET, &[("run_id", &run_id.to_string())]).await
}

fn state(run: &Value) -> (String, Option<String>) {
    (
        run["state"]["life_cycle_state"]
            .as_str()
            .unwrap()
            .to_string(),
        run["state"]["result_state"].as_str().map(str::to_string),
    )
}

fn advance(t: &TestSim, secs: u64) {
    t.sim.clock.advance(Duration::from_secs(secs));
}

/// The MLflow runs tagged with this job run, via `runs/search` as any client would find them.
async fn mlflow_runs(t: &TestSim, job_run_id: i64) -> Vec<Value> {
    let exp = t.churn_experiment_id().await;
    let found = t
        .ok_post(
            "/api/2.0/mlflow/runs/search",
            json!({
                "experiment_ids": [exp],
                "filter": format!("tags.mlflow.databricks.jobRunID = '{job_run_id}'"),
            }),
        )
        .await;
    found["runs"].as_array().cloned().unwrap_or_default()
}

async fn history(t: &TestSim, run_id: &str, key: &str) -> Vec<Value> {
    let body = t
        .ok_get(
            "/api/2.0/mlflow/metrics/get-history",
            &[("run_id", run_id), ("metric_key", key)],
        )
        .await;
    body["metrics"].as_array().cloned().unwrap_or_default()
}

async fn versions(t: &TestSim) -> Vec<Value> {
    let body = t.ok_get(VERSIONS, &[]).await;
    body["model_versions"].as_array().cloned().unwrap()
}

fn tag<'a>(run: &'a Value, key: &str) -> Option<&'a str> {
    run["data"]["tags"]
        .as_array()?
        .iter()
        .find(|t| t["key"] == key)?["value"]
        .as_str()
}

#[tokio::test]
async fn a_retrain_runs_logs_an_mlflow_run_and_registers_a_version() {
    let t = sim().await;
    let started = t.sim.clock.now_ms();
    let id = run_now(
        &t,
        json!({"job_id": RETRAIN, "job_parameters": {"max_depth": "7"}}),
    )
    .await;
    let run = job_run(&t, id).await;
    assert_eq!(state(&run), ("PENDING".into(), None));
    assert_eq!(run["status"]["state"], "PENDING");
    assert_eq!(run["start_time"], started);
    assert_eq!(run["end_time"], 0);
    assert_eq!(run["trigger"], "ONE_TIME");
    assert_eq!(run["creator_user_name"], "ml-eng@acme.com");
    assert_eq!(run["tasks"][0]["task_key"], "train");
    let params = run["job_parameters"].as_array().unwrap();
    let depth = params.iter().find(|p| p["name"] == "max_depth").unwrap();
    assert_eq!(
        (depth["default"].as_str(), depth["value"].as_str()),
        (Some("6"), Some("7"))
    );
    assert!(
        mlflow_runs(&t, id).await.is_empty(),
        "nothing logged while pending"
    );

    advance(&t, 3);
    assert_eq!(state(&job_run(&t, id).await), ("RUNNING".into(), None));
    let logged = mlflow_runs(&t, id).await;
    assert_eq!(logged.len(), 1, "a new MLflow run");
    let mlflow = &logged[0];
    let mlflow_id = mlflow["info"]["run_id"].as_str().unwrap().to_string();
    assert_eq!(mlflow["info"]["status"], "RUNNING");
    assert_eq!(mlflow["info"]["start_time"], started + 3_000);
    assert_eq!(
        tag(mlflow, "mlflow.databricks.jobID"),
        Some(&*RETRAIN.to_string())
    );
    assert_eq!(tag(mlflow, "mlflow.source.type"), Some("JOB"));
    let logged_params = mlflow["data"]["params"].as_array().unwrap();
    assert!(logged_params.contains(&json!({"key": "max_depth", "value": "7"})));
    assert!(logged_params.contains(&json!({"key": "learning_rate", "value": "0.06"})));

    // The run grows an epoch a second.
    advance(&t, 5);
    let losses = history(&t, &mlflow_id, "loss").await;
    assert_eq!(losses.len(), 5);
    assert_eq!(history(&t, &mlflow_id, "val_auc").await.len(), 5);
    assert_eq!(losses[4]["step"], 4);
    assert_eq!(losses[4]["timestamp"], started + 8_000);
    let latest = t
        .ok_get("/api/2.0/mlflow/runs/get", &[("run_id", &mlflow_id)])
        .await;
    assert_eq!(latest["run"]["info"]["status"], "RUNNING");
    let latest_loss = latest["run"]["data"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "loss")
        .unwrap()
        .clone();
    assert_eq!(latest_loss, losses[4]);

    // Training ends at 18 s: the MLflow run is finished and the version is being registered.
    advance(&t, 10);
    let run = job_run(&t, id).await;
    assert_eq!(state(&run), ("TERMINATING".into(), None));
    assert_eq!(history(&t, &mlflow_id, "loss").await.len(), 15);
    let finished = &mlflow_runs(&t, id).await[0];
    assert_eq!(finished["info"]["status"], "FINISHED");
    assert_eq!(finished["info"]["end_time"], started + 18_000);
    let v6 = versions(&t).await[0].clone();
    assert_eq!(v6["version"], 6);
    assert_eq!(v6["status"], "PENDING_REGISTRATION");
    assert_eq!(v6["run_id"], mlflow_id.as_str());

    advance(&t, 2);
    let run = job_run(&t, id).await;
    assert_eq!(state(&run), ("TERMINATED".into(), Some("SUCCESS".into())));
    assert_eq!(run["status"]["termination_details"]["code"], "SUCCESS");
    assert_eq!(run["end_time"], started + 20_000);
    assert_eq!(run["run_duration"], 20_000);
    assert_eq!(run["setup_duration"], 3_000);
    assert_eq!(run["tasks"][0]["state"]["result_state"], "SUCCESS");
    let v6 = versions(&t).await[0].clone();
    assert_eq!(
        (v6["version"].as_i64(), v6["status"].as_str()),
        (Some(6), Some("READY"))
    );
    let source = v6["source"].as_str().unwrap();
    assert!(source.contains(&mlflow_id) && source.ends_with("/artifacts/model"));
}

#[tokio::test]
async fn a_late_clock_read_applies_every_step_once_at_its_own_time() {
    let t = sim().await;
    let started = t.sim.clock.now_ms();
    let id = run_now(&t, json!({"job_id": RETRAIN})).await;
    advance(&t, 600);
    let run = job_run(&t, id).await;
    assert_eq!(state(&run), ("TERMINATED".into(), Some("SUCCESS".into())));
    assert_eq!(run["end_time"], started + 20_000);
    let mlflow = &mlflow_runs(&t, id).await[0];
    let points = history(&t, mlflow["info"]["run_id"].as_str().unwrap(), "val_auc").await;
    let stamps: Vec<i64> = points
        .iter()
        .map(|p| p["timestamp"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = (1..=15).map(|k| started + 3_000 + k * 1_000).collect();
    assert_eq!(stamps, expected);

    // The next run registers the next version.
    let again = run_now(&t, json!({"job_id": RETRAIN})).await;
    advance(&t, 21);
    assert_eq!(
        state(&job_run(&t, again).await).1.as_deref(),
        Some("SUCCESS")
    );
    let numbers: Vec<i64> = versions(&t)
        .await
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [7, 6, 5, 4, 3, 2, 1]);
}

#[tokio::test]
async fn cancel_ends_the_run_and_kills_its_mlflow_run() {
    let t = sim().await;
    let id = run_now(&t, json!({"job_id": RETRAIN})).await;
    advance(&t, 6);
    t.ok_post(CANCEL, json!({"run_id": id})).await;
    // Cancelling is asynchronous: the run stops logging and shows TERMINATING, then ends.
    let stopping = job_run(&t, id).await;
    assert_eq!(state(&stopping), ("TERMINATING".into(), None));
    advance(&t, 2);
    let run = job_run(&t, id).await;
    assert_eq!(state(&run), ("TERMINATED".into(), Some("CANCELED".into())));
    assert_eq!(run["state"]["user_cancelled_or_timedout"], true);
    assert_eq!(
        run["status"]["termination_details"]["code"],
        "USER_CANCELED"
    );
    let mlflow = &mlflow_runs(&t, id).await[0];
    assert_eq!(mlflow["info"]["status"], "KILLED");
    let mlflow_id = mlflow["info"]["run_id"].as_str().unwrap();
    assert_eq!(history(&t, mlflow_id, "loss").await.len(), 3);

    // Nothing moves afterwards; cancelling again is a no-op; no version was registered.
    advance(&t, 60);
    assert_eq!(job_run(&t, id).await, run);
    t.ok_post(CANCEL, json!({"run_id": id})).await;
    assert_eq!(job_run(&t, id).await, run);
    assert_eq!(history(&t, mlflow_id, "loss").await.len(), 3);
    assert_eq!(versions(&t).await.len(), 5);
}

#[tokio::test]
async fn a_parameter_that_is_not_a_number_fails_the_run() {
    let t = sim().await;
    let id = run_now(
        &t,
        json!({"job_id": RETRAIN, "job_parameters": {"max_depth": "deep"}}),
    )
    .await;
    advance(&t, 30);
    let run = job_run(&t, id).await;
    assert_eq!(state(&run), ("TERMINATED".into(), Some("FAILED".into())));
    let message = run["state"]["state_message"].as_str().unwrap();
    assert!(
        message.contains("ValueError") && message.contains("'deep'"),
        "{message}"
    );
    assert_eq!(run["status"]["termination_details"]["type"], "CLIENT_ERROR");
    let mlflow = &mlflow_runs(&t, id).await[0];
    assert_eq!(mlflow["info"]["status"], "FAILED");
    assert_eq!(versions(&t).await.len(), 5);
}

#[tokio::test]
async fn an_idempotency_token_answers_the_run_it_started() {
    let t = sim().await;
    let body = json!({"job_id": RETRAIN, "idempotency_token": "retrain-2026-01-01"});
    let first = run_now(&t, body.clone()).await;
    let second = run_now(&t, body).await;
    assert_eq!(first, second);
    let other = run_now(&t, json!({"job_id": RETRAIN})).await;
    assert_ne!(first, other);
    let long = "x".repeat(65);
    let (status, answer) = t
        .post(
            RUN_NOW,
            json!({"job_id": RETRAIN, "idempotency_token": long}),
        )
        .await;
    assert_eq!(status, 400);
    assert_error(&answer, "INVALID_PARAMETER_VALUE");
}

#[tokio::test]
async fn the_driver_moves_runs_on_when_the_clock_moves_with_nobody_asking() {
    let t = sim().await;
    let id = run_now(&t, json!({"job_id": "907245117743512"})).await;
    advance(&t, 30);
    // No request from here on: only the background driver can finish the run.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let done = {
            let world = t.sim.shared.world_as_stored();
            world.jobs.run(id).is_some_and(|r| r.run.is_terminal())
        };
        if done {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the driver never ran");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn cancelling_the_seeded_nightly_run_ends_it_and_its_mlflow_run() {
    let t = sim().await;
    let active = t
        .ok_get(
            super::jobs::RUNS_LIST,
            &[("job_id", &RETRAIN.to_string()), ("active_only", "true")],
        )
        .await;
    let id = active["runs"][0]["run_id"].as_i64().unwrap();
    let mlflow_id = mlflow_runs(&t, id).await[0]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    t.ok_post(CANCEL, json!({"run_id": id})).await;
    assert_eq!(state(&job_run(&t, id).await), ("TERMINATING".into(), None));
    advance(&t, 2);
    let run = job_run(&t, id).await;
    assert_eq!(state(&run), ("TERMINATED".into(), Some("CANCELED".into())));
    assert_eq!(run["tasks"][0]["state"]["result_state"], "CANCELED");
    let mlflow = t
        .ok_get("/api/2.0/mlflow/runs/get", &[("run_id", &mlflow_id)])
        .await;
    assert_eq!(mlflow["run"]["info"]["status"], "KILLED");
}
