//! Experiments and runs over HTTP: paging, filters, ordering, errors, metric history.

use serde_json::{Value, json};

use super::*;

const SEARCH_EXPERIMENTS: &str = "/api/2.0/mlflow/experiments/search";
const SEARCH_RUNS: &str = "/api/2.0/mlflow/runs/search";

/// Follows `next_page_token` from `first`, returning every page.
async fn all_pages(t: &TestSim, path: &str, first: Value) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut body = first;
    loop {
        let page = t.ok_post(path, body.clone()).await;
        let token = page["next_page_token"].as_str().map(str::to_string);
        pages.push(page);
        match token {
            Some(tok) if !tok.is_empty() => body["page_token"] = json!(tok),
            _ => return pages,
        }
        assert!(pages.len() < 100, "paging does not end");
    }
}

fn experiment_names(pages: &[Value]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| strings(&p["experiments"], "name"))
        .collect()
}

#[tokio::test]
async fn experiments_page_with_opaque_tokens() {
    let t = sim().await;
    let pages = all_pages(&t, SEARCH_EXPERIMENTS, json!({"max_results": 2})).await;
    assert!(
        pages.len() >= 3,
        "several pages at max_results=2, got {}",
        pages.len()
    );
    let names = experiment_names(&pages);
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "no experiment twice");
    assert!(
        names.len() >= 27,
        "churn, fraud and 25 more: {}",
        names.len()
    );
    assert!(
        !names.iter().any(|n| n.ends_with("churn-scratch-old")),
        "deleted hidden by default"
    );
    // Default order: newest first.
    let created: Vec<i64> = pages
        .iter()
        .flat_map(|p| {
            p["experiments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["creation_time"].as_i64().unwrap())
        })
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));
    // Tokens decode like OSS ones: base64 of {"offset": N}.
    assert_eq!(pages[0]["next_page_token"], "eyJvZmZzZXQiOiAyfQ==");

    // The same search by GET with query arguments (OSS allows it) gives the same page.
    let by_get = t.ok_get(SEARCH_EXPERIMENTS, &[("max_results", "2")]).await;
    assert_eq!(by_get, pages[0]);
}

#[tokio::test]
async fn experiments_filter_order_and_views() {
    let t = sim().await;
    let shared = t
        .ok_post(
            SEARCH_EXPERIMENTS,
            json!({"filter": "name LIKE '/Shared/%'", "order_by": ["name ASC"]}),
        )
        .await;
    let names = strings(&shared["experiments"], "name");
    assert!(names.contains(&"/Shared/churn/training".to_string()));
    assert!(names.iter().all(|n| n.starts_with("/Shared/")));
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    let churn = t
        .ok_post(
            SEARCH_EXPERIMENTS,
            json!({"filter": "tags.team = 'churn' AND name ILIKE '%TRAINING'"}),
        )
        .await;
    assert_eq!(
        strings(&churn["experiments"], "name"),
        ["/Shared/churn/training"]
    );

    let deleted = t
        .ok_post(SEARCH_EXPERIMENTS, json!({"view_type": "DELETED_ONLY"}))
        .await;
    assert_eq!(
        strings(&deleted["experiments"], "name"),
        ["/Users/ml-eng@acme.com/churn-scratch-old"]
    );
    let all = t
        .ok_post(SEARCH_EXPERIMENTS, json!({"view_type": "ALL"}))
        .await;
    let active = t.ok_post(SEARCH_EXPERIMENTS, json!({})).await;
    assert_eq!(
        all["experiments"].as_array().unwrap().len(),
        active["experiments"].as_array().unwrap().len() + 1
    );

    for bad in [
        json!({"max_results": 0}),
        json!({"max_results": 5000}),
        json!({"max_results": "abc"}),
        json!({"filter": "metrics.a > 1"}),
        json!({"order_by": ["tags.team"]}),
        json!({"page_token": "not-a-token"}),
        json!({"view_type": "SOMETIMES"}),
    ] {
        let (status, body) = t.post(SEARCH_EXPERIMENTS, bad.clone()).await;
        assert_eq!(status, 400, "{bad}");
        assert_error(&body, "INVALID_PARAMETER_VALUE");
    }
}

#[tokio::test]
async fn experiment_get_and_get_by_name() {
    let t = sim().await;
    let id = t.churn_experiment_id().await;
    let got = t
        .ok_get("/api/2.0/mlflow/experiments/get", &[("experiment_id", &id)])
        .await;
    assert_eq!(got["experiment"]["name"], "/Shared/churn/training");
    assert_eq!(
        got["experiment"]["artifact_location"],
        format!("dbfs:/databricks/mlflow-tracking/{id}")
    );
    let (status, body) = t
        .get(
            "/api/2.0/mlflow/experiments/get-by-name",
            &[("experiment_name", "/nope")],
        )
        .await;
    assert_eq!(status, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
    let (status, body) = t
        .get(
            "/api/2.0/mlflow/experiments/get",
            &[("experiment_id", "999")],
        )
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (404, Some("No Experiment with id=999 exists"))
    );
    let (status, body) = t.get("/api/2.0/mlflow/experiments/get", &[]).await;
    assert_eq!(status, 400);
    assert_error(&body, "INVALID_PARAMETER_VALUE");
}

fn run_field(runs: &Value, f: impl Fn(&Value) -> Value) -> Vec<Value> {
    runs.as_array()
        .map(|r| r.iter().map(f).collect())
        .unwrap_or_default()
}

fn metric_of(run: &Value, key: &str) -> Option<f64> {
    run["data"]["metrics"]
        .as_array()?
        .iter()
        .find(|m| m["key"] == key)?["value"]
        .as_f64()
}

#[tokio::test]
async fn sweep_children_by_parent_tag_ordered_by_loss() {
    let t = sim().await;
    let exp = t.churn_experiment_id().await;
    let parent = t
        .ok_post(SEARCH_RUNS, json!({"experiment_ids": [exp], "filter": "attributes.run_name = 'xgb-hyperopt-sweep'"}))
        .await;
    let parent_id = parent["runs"][0]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_string();

    let filter = format!("tags.mlflow.parentRunId = '{parent_id}'");
    let pages = all_pages(
        &t,
        SEARCH_RUNS,
        json!({"experiment_ids": [exp], "filter": filter, "order_by": ["metrics.loss ASC"], "max_results": 15}),
    )
    .await;
    assert_eq!(pages.len(), 3);
    let runs: Vec<Value> = pages
        .iter()
        .flat_map(|p| p["runs"].as_array().unwrap().clone())
        .collect();
    assert_eq!(runs.len(), 40);
    let losses: Vec<f64> = runs.iter().map(|r| metric_of(r, "loss").unwrap()).collect();
    assert!(losses.windows(2).all(|w| w[0] <= w[1]), "{losses:?}");
    let first = &runs[0];
    for key in ["max_depth", "learning_rate", "n_estimators"] {
        assert!(
            first["data"]["params"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["key"] == key)
        );
    }
    assert_eq!(first["info"]["run_uuid"], first["info"]["run_id"]);

    // Top-level runs are the ones without the parent tag; default order is start_time DESC.
    let top = t
        .ok_post(
            SEARCH_RUNS,
            json!({"experiment_ids": [exp], "filter": "tags.mlflow.parentRunId IS NULL"}),
        )
        .await;
    let starts = run_field(&top["runs"], |r| r["info"]["start_time"].clone());
    assert!(starts.windows(2).all(|w| w[0].as_i64() >= w[1].as_i64()));
    let names: Vec<String> = top["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["info"]["run_name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        names.contains(&"xgb-hyperopt-sweep".to_string())
            && names.contains(&"logreg-baseline".to_string())
    );
    assert!(
        !names.contains(&"scratch-debug".to_string()),
        "deleted runs hidden by default"
    );
    let deleted = t
        .ok_post(
            SEARCH_RUNS,
            json!({"experiment_ids": [exp], "run_view_type": "DELETED_ONLY"}),
        )
        .await;
    assert_eq!(deleted["runs"][0]["info"]["run_name"], "scratch-debug");
}

#[tokio::test]
async fn a_server_without_is_null_refuses_it_and_nothing_else() {
    let t = sim().await;
    let exp = t.churn_experiment_id().await;
    let top = json!({"experiment_ids": [exp], "filter": "tags.mlflow.parentRunId IS NULL"});
    t.sim.refuse_is_null(true);
    let (status, body) = t.post(SEARCH_RUNS, top.clone()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error_code"], "INVALID_PARAMETER_VALUE");
    let (status, _) = t
        .post(
            SEARCH_RUNS,
            json!({"experiment_ids": [exp], "filter": "params.model = 'xgboost'"}),
        )
        .await;
    assert_eq!(status, 200, "other filters still work");
    t.sim.refuse_is_null(false);
    assert_eq!(t.post(SEARCH_RUNS, top).await.0, 200);
}

#[tokio::test]
async fn run_filters_across_types() {
    let t = sim().await;
    let exp = t.churn_experiment_id().await;
    let search = |filter: &str, order: &[&str]| json!({"experiment_ids": [exp.clone()], "filter": filter, "order_by": order});
    let good = t
        .ok_post(
            SEARCH_RUNS,
            search("metrics.val_auc > 0.85 AND params.max_depth = '6'", &[]),
        )
        .await;
    assert!(
        good["runs"]
            .as_array()
            .is_none_or(|r| r.iter().all(|r| metric_of(r, "val_auc").unwrap() > 0.85))
    );
    let failed = t
        .ok_post(SEARCH_RUNS, search("attributes.status = 'FAILED'", &[]))
        .await;
    assert!(!failed["runs"].as_array().unwrap().is_empty());
    let running = t
        .ok_post(SEARCH_RUNS, search("status = 'RUNNING'", &[]))
        .await;
    assert_eq!(
        running["runs"][0]["info"]["run_name"],
        "xgb-nightly-retrain"
    );
    assert!(running["runs"][0]["info"].get("end_time").is_none());
    let quoted = t
        .ok_post(
            SEARCH_RUNS,
            search(
                "tags.\"mlflow.runName\" LIKE 'xgb-%' AND tags.`mlflow.user` = 'ml-eng@acme.com'",
                &["attributes.run_name DESC"],
            ),
        )
        .await;
    let names = run_field(&quoted["runs"], |r| r["info"]["run_name"].clone());
    assert!(
        names.len() >= 4
            && names
                .iter()
                .all(|n| n.as_str().unwrap().starts_with("xgb-"))
    );
    assert!(names.windows(2).all(|w| w[0].as_str() >= w[1].as_str()));
    // No hits: OSS answers `{}`.
    let none = t
        .ok_post(SEARCH_RUNS, search("params.model_type = 'svm'", &[]))
        .await;
    assert_eq!(none, json!({}));
    // Also by GET with query arguments.
    let by_get = t
        .ok_get(
            SEARCH_RUNS,
            &[("experiment_ids", &exp), ("filter", "status = 'RUNNING'")],
        )
        .await;
    assert_eq!(by_get, running);
}

#[tokio::test]
async fn invalid_run_searches_are_400s_with_mlflow_messages() {
    let t = sim().await;
    let exp = t.churn_experiment_id().await;
    for (body, needle) in [
        (
            json!({"filter": "metrics.loss < 0.3 OR metrics.val_auc > 0.8"}),
            "Invalid clause(s) in filter string: 'OR'",
        ),
        (
            json!({"filter": "metrics.loss = 'low'"}),
            "Expected numeric value type for metric",
        ),
        (
            json!({"filter": "params.max_depth = 6"}),
            "Expected a quoted string value for parameter",
        ),
        (
            json!({"order_by": ["metrics.loss SIDEWAYS"]}),
            "Invalid ordering key",
        ),
        (json!({"max_results": 50_001}), "at most 50000"),
        (json!({"page_token": "%%%"}), "Invalid page token"),
    ] {
        let mut req = body.clone();
        req["experiment_ids"] = json!([exp]);
        let (status, answer) = t.post(SEARCH_RUNS, req).await;
        assert_eq!(status, 400, "{body}");
        assert_error(&answer, "INVALID_PARAMETER_VALUE");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(needle), "{body}: {message}");
    }
}

#[tokio::test]
async fn run_get_and_metric_history() {
    let t = sim().await;
    let exp = t.churn_experiment_id().await;
    let trials = t
        .ok_post(SEARCH_RUNS, json!({"experiment_ids": [exp], "filter": "tags.mlflow.parentRunId IS NOT NULL AND status = 'FINISHED'", "max_results": 1}))
        .await;
    let run_id = trials["runs"][0]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let by_uuid = t
        .ok_get("/api/2.0/mlflow/runs/get", &[("run_uuid", &run_id)])
        .await;
    assert_eq!(by_uuid["run"], trials["runs"][0]);
    assert_eq!(by_uuid["run"]["inputs"], json!({}));

    const HISTORY: &str = "/api/2.0/mlflow/metrics/get-history";
    let full = t
        .ok_get(HISTORY, &[("run_id", &run_id), ("metric_key", "val_auc")])
        .await;
    let points = full["metrics"].as_array().unwrap();
    assert_eq!(points.len(), 30);
    assert!(full.get("next_page_token").is_none());
    let steps: Vec<i64> = points.iter().map(|m| m["step"].as_i64().unwrap()).collect();
    assert_eq!(steps, (0..30).collect::<Vec<_>>());
    assert_eq!(
        points[29]["value"].as_f64(),
        metric_of(&by_uuid["run"], "val_auc")
    );

    let mut token: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let mut q = vec![
            ("run_id", run_id.as_str()),
            ("metric_key", "val_auc"),
            ("max_results", "7"),
        ];
        if let Some(tok) = token.as_deref() {
            q.push(("page_token", tok));
        }
        let page = t.ok_get(HISTORY, &q).await;
        seen.extend(page["metrics"].as_array().unwrap().iter().cloned());
        match page["next_page_token"].as_str() {
            Some(tok) => token = Some(tok.to_string()),
            None => break,
        }
    }
    assert_eq!(&seen, points);

    let missing = t
        .ok_get(HISTORY, &[("run_id", &run_id), ("metric_key", "nope")])
        .await;
    assert_eq!(missing, json!({}));
    let (status, body) = t
        .get(HISTORY, &[("run_id", "deadbeef"), ("metric_key", "loss")])
        .await;
    assert_eq!(status, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
    let (status, _) = t
        .get(
            HISTORY,
            &[
                ("run_id", &run_id),
                ("metric_key", "loss"),
                ("max_results", "0"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    let (status, body) = t
        .get("/api/2.0/mlflow/runs/get", &[("run_id", "deadbeef")])
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (404, Some("Run with id=deadbeef not found"))
    );
}
