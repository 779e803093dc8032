//! The Jobs service over HTTP: listings and paging, the seeded story, and the 400 answers the
//! real service gives for missing ids.

use serde_json::{Value, json};

use super::*;

pub(super) const LIST: &str = "/api/2.2/jobs/list";
pub(super) const GET: &str = "/api/2.2/jobs/get";
pub(super) const RUN_NOW: &str = "/api/2.2/jobs/run-now";
pub(super) const RUNS_GET: &str = "/api/2.2/jobs/runs/get";
pub(super) const RUNS_LIST: &str = "/api/2.2/jobs/runs/list";
pub(super) const CANCEL: &str = "/api/2.2/jobs/runs/cancel";
pub(super) const RETRAIN: i64 = 907_245_117_743_512;

pub(super) async fn job_id(t: &TestSim, name: &str) -> i64 {
    let body = t.ok_get(LIST, &[("name", name)]).await;
    body["jobs"][0]["job_id"].as_i64().expect(name)
}

fn life(run: &Value) -> (&str, Option<&str>) {
    (
        run["state"]["life_cycle_state"].as_str().unwrap_or(""),
        run["state"]["result_state"].as_str(),
    )
}

#[tokio::test]
async fn jobs_list_pages_filters_and_gets() {
    let t = sim().await;
    let all = t.ok_get(LIST, &[]).await;
    let names: Vec<&str> = all["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["settings"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["churn-retrain", "churn-batch-score", "feature-refresh"]
    );
    assert_eq!(all["has_more"], false);
    assert!(all.get("next_page_token").is_none());
    assert!(
        all["jobs"][0]["settings"].get("tasks").is_none(),
        "tasks only with expand_tasks"
    );

    let first = t.ok_get(LIST, &[("limit", "2")]).await;
    assert_eq!(first["jobs"].as_array().unwrap().len(), 2);
    assert_eq!(first["has_more"], true);
    let token = first["next_page_token"].as_str().unwrap();
    let second = t
        .ok_get(LIST, &[("limit", "2"), ("page_token", token)])
        .await;
    assert_eq!(second["jobs"][0]["settings"]["name"], "feature-refresh");
    assert_eq!(second["has_more"], false);
    assert!(second["prev_page_token"].is_string());

    let by_name = t.ok_get(LIST, &[("name", "CHURN-RETRAIN")]).await;
    assert_eq!(by_name["jobs"][0]["job_id"], RETRAIN);
    let expanded = t.ok_get(LIST, &[("expand_tasks", "true")]).await;
    assert_eq!(
        expanded["jobs"][2]["settings"]["tasks"][1]["depends_on"][0]["task_key"],
        "refresh_txn_agg"
    );
    let (status, body) = t.get(LIST, &[("limit", "101")]).await;
    assert_eq!(status, 400);
    assert_error(&body, "INVALID_PARAMETER_VALUE");

    let job = t.ok_get(GET, &[("job_id", &RETRAIN.to_string())]).await;
    let params: Vec<(&str, &str)> = job["settings"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["default"].as_str().unwrap()))
        .collect();
    assert!(params.contains(&("max_depth", "6")), "{params:?}");
    assert_eq!(
        job["settings"]["tasks"][0]["notebook_task"]["notebook_path"],
        "/Repos/ml-eng@acme.com/churn/notebooks/03_retrain"
    );
    // The 2.1 paths are the same API.
    let old = t
        .ok_get("/api/2.1/jobs/get", &[("job_id", &RETRAIN.to_string())])
        .await;
    assert_eq!(old, job);
}

#[tokio::test]
async fn missing_jobs_and_runs_answer_400_like_the_real_service() {
    let t = sim().await;
    let expect = |body: &Value, message: &str| {
        assert_error(body, "INVALID_PARAMETER_VALUE");
        assert_eq!(body["message"], message);
    };
    let (status, body) = t.get(GET, &[("job_id", "123")]).await;
    assert_eq!(status, 400);
    expect(&body, "Job 123 does not exist.");
    let (status, body) = t.get(RUNS_GET, &[("run_id", "456")]).await;
    assert_eq!(status, 400);
    expect(&body, "Run 456 does not exist.");
    let (status, body) = t.post(RUN_NOW, json!({"job_id": 123})).await;
    assert_eq!(status, 400);
    expect(&body, "Job 123 does not exist.");
    let (status, body) = t.post(CANCEL, json!({"run_id": 456})).await;
    assert_eq!(status, 400);
    expect(&body, "Run 456 does not exist.");
    let (status, body) = t.get(RUNS_LIST, &[("job_id", "123")]).await;
    assert_eq!(status, 400);
    expect(&body, "Job 123 does not exist.");
    // A missing argument is a different 400, and a non-number id too.
    let (status, body) = t.get(GET, &[]).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("'job_id'"));
    let (status, _) = t.get(RUNS_GET, &[("run_id", "abc")]).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn run_history_pages_newest_first_with_failures() {
    let t = sim().await;
    let refresh = job_id(&t, "feature-refresh").await;
    let id = refresh.to_string();
    let first = t.ok_get(RUNS_LIST, &[("job_id", &id)]).await;
    let page1 = first["runs"].as_array().unwrap();
    assert_eq!(page1.len(), 20, "the default limit");
    assert_eq!(first["has_more"], true);
    let token = first["next_page_token"].as_str().unwrap();
    let second = t
        .ok_get(RUNS_LIST, &[("job_id", &id), ("page_token", token)])
        .await;
    let page2 = second["runs"].as_array().unwrap();
    assert_eq!(page2.len(), 4);
    assert_eq!(second["has_more"], false);
    let runs: Vec<&Value> = page1.iter().chain(page2).collect();
    let starts: Vec<i64> = runs
        .iter()
        .map(|r| r["start_time"].as_i64().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] > w[1]), "newest first");
    let failed = runs.iter().filter(|r| life(r).1 == Some("FAILED")).count();
    assert_eq!(failed, 2);
    assert!(
        runs.iter()
            .all(|r| r["job_id"] == refresh && r.get("tasks").is_none())
    );
    for r in &runs {
        let url = r["run_page_url"].as_str().unwrap();
        assert!(url.starts_with(&t.sim.base_url), "{url}");
        assert!(
            url.ends_with(&format!("#job/{refresh}/run/{}", r["run_id"])),
            "{url}"
        );
    }

    // The nightly retrain is running; one run failed on the platform's side.
    let retrain = RETRAIN.to_string();
    let active = t
        .ok_get(RUNS_LIST, &[("job_id", &retrain), ("active_only", "true")])
        .await;
    assert_eq!(active["runs"].as_array().unwrap().len(), 1);
    assert_eq!(life(&active["runs"][0]), ("RUNNING", None));
    let done = t
        .ok_get(
            RUNS_LIST,
            &[
                ("job_id", &retrain),
                ("completed_only", "true"),
                ("limit", "0"),
            ],
        )
        .await;
    let done = done["runs"].as_array().unwrap();
    assert_eq!(done.len(), 12);
    assert!(
        done.iter()
            .any(|r| life(r) == ("INTERNAL_ERROR", Some("FAILED")))
    );
    assert!(
        done.iter()
            .any(|r| life(r) == ("TERMINATED", Some("FAILED")))
    );

    let everything = t.ok_get(RUNS_LIST, &[("limit", "25")]).await;
    assert_eq!(everything["runs"].as_array().unwrap().len(), 25);
    for bad in [
        vec![("active_only", "true"), ("completed_only", "true")],
        vec![("limit", "26")],
    ] {
        let (status, body) = t.get(RUNS_LIST, &bad).await;
        assert_eq!(status, 400, "{bad:?}");
        assert_error(&body, "INVALID_PARAMETER_VALUE");
    }
}

#[tokio::test]
async fn the_churn_experiment_and_nightly_run_point_at_churn_retrain() {
    let t = sim().await;
    let exp = t
        .ok_get(
            "/api/2.0/mlflow/experiments/get-by-name",
            &[("experiment_name", "/Shared/churn/training")],
        )
        .await;
    let tags = &exp["experiment"]["tags"];
    let linked = tags
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "mlops.training_job_id")
        .expect("training job tag");
    assert_eq!(linked["value"], RETRAIN.to_string());

    let active = t
        .ok_get(
            RUNS_LIST,
            &[("job_id", &RETRAIN.to_string()), ("active_only", "true")],
        )
        .await;
    let job_run_id = active["runs"][0]["run_id"].as_i64().unwrap();
    let found = t
        .ok_post(
            "/api/2.0/mlflow/runs/search",
            json!({
                "experiment_ids": [exp["experiment"]["experiment_id"]],
                "filter": format!("tags.mlflow.databricks.jobRunID = '{job_run_id}'"),
            }),
        )
        .await;
    assert_eq!(found["runs"][0]["info"]["run_name"], "xgb-nightly-retrain");
    assert_eq!(found["runs"][0]["info"]["status"], "RUNNING");
}
