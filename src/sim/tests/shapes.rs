//! Request shapes that official clients send: the rejection log that tells them apart from
//! well-formed requests about absent things, path variants, and arguments sent as text.

use reqwest::Method;
use serde_json::json;

use super::{assert_error, sim};

#[tokio::test]
async fn requests_of_a_wrong_shape_are_logged_as_rejected_and_others_are_not() {
    let t = sim().await;
    // Unknown path and known path with an unknown method.
    let (status, body) = t.get("/api/2.0/mlflow/no-such-call", &[]).await;
    assert_eq!(status, 404);
    assert_error(&body, "ENDPOINT_NOT_FOUND");
    let (status, _) = t
        .json_call(Method::DELETE, "/api/2.0/mlflow/runs/get", None)
        .await;
    assert_eq!(status, 404);
    // An argument of the wrong type and a body that is not a JSON object.
    let (status, _) = t
        .get(
            "/api/2.0/mlflow/experiments/search",
            &[("max_results", "ten")],
        )
        .await;
    assert_eq!(status, 400);
    let (status, _, _) = t
        .raw(
            Method::POST,
            "/api/2.0/mlflow/runs/search",
            Some(json!([1])),
            None,
        )
        .await;
    assert_eq!(status, 400);
    // A required argument left out.
    let (status, _) = t.get("/api/2.0/mlflow/runs/get", &[]).await;
    assert_eq!(status, 400);

    // Well-formed requests that fail for what they ask about are not rejections.
    let (status, _) = t
        .get("/api/2.0/mlflow/runs/get", &[("run_id", "0000")])
        .await;
    assert_eq!(status, 404);
    let (status, _) = t
        .post(
            "/api/2.0/mlflow/runs/search",
            json!({"experiment_ids": ["1"], "filter": "metrics.loss <"}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = t.get("/api/2.2/jobs/get", &[("job_id", "12345")]).await;
    assert_eq!(status, 400);

    let rejected = t.sim.rejected_requests();
    let seen: Vec<(&str, &str)> = rejected
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", "/api/2.0/mlflow/no-such-call"),
            ("DELETE", "/api/2.0/mlflow/runs/get"),
            ("GET", "/api/2.0/mlflow/experiments/search"),
            ("POST", "/api/2.0/mlflow/runs/search"),
            ("GET", "/api/2.0/mlflow/runs/get"),
        ]
    );
    let why = rejected[0].rejected.as_deref().unwrap();
    assert!(why.starts_with("ENDPOINT_NOT_FOUND: No API found"), "{why}");
    let why = rejected[2].rejected.as_deref().unwrap();
    assert!(why.contains("'max_results'"), "{why}");
    assert_eq!(t.sim.request_log().len(), 8);
}

#[tokio::test]
async fn preview_ajax_and_trailing_slash_paths_are_answered_like_the_canonical_ones() {
    let t = sim().await;
    let churn = t
        .ok_get(
            "/api/2.0/preview/mlflow/experiments/get-by-name",
            &[("experiment_name", "/Shared/churn/training")],
        )
        .await;
    let id = churn["experiment"]["experiment_id"].as_str().unwrap();
    let runs = t
        .ok_post(
            "/ajax-api/2.0/mlflow/runs/search",
            json!({"experiment_ids": [id], "max_results": 2}),
        )
        .await;
    assert_eq!(runs["runs"].as_array().unwrap().len(), 2);
    let run_id = runs["runs"][0]["info"]["run_id"].as_str().unwrap();
    let run = t
        .ok_get(
            "/ajax-api/2.0/preview/mlflow/runs/get",
            &[("run_id", run_id)],
        )
        .await;
    assert_eq!(run["run"]["info"]["run_id"], run_id);
    let endpoints = t.ok_get("/api/2.0/serving-endpoints/", &[]).await;
    assert!(endpoints["endpoints"].as_array().unwrap().len() >= 3);
    let one = t
        .ok_get("/api/2.0/serving-endpoints/churn-prod/", &[])
        .await;
    assert_eq!(one["name"], "churn-prod");

    assert!(t.sim.rejected_requests().is_empty());
    let paths: Vec<String> = t.sim.request_log().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/api/2.0/preview/mlflow/experiments/get-by-name",
            "/ajax-api/2.0/mlflow/runs/search",
            "/ajax-api/2.0/preview/mlflow/runs/get",
            "/api/2.0/serving-endpoints/",
            "/api/2.0/serving-endpoints/churn-prod/",
        ],
        "the log keeps the path as sent"
    );
    // An unknown path is still unknown under a variant, and named as sent.
    let (status, body) = t.get("/api/2.0/preview/mlflow/nope/", &[]).await;
    assert_eq!(status, 404);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("/api/2.0/preview/mlflow/nope/"),
        "{body}"
    );
}

#[tokio::test]
async fn run_artifacts_are_listed_through_the_files_api_directories() {
    let t = sim().await;
    let exp = t.churn_experiment_id().await;
    let runs = t
        .ok_post(
            "/api/2.0/mlflow/runs/search",
            json!({"experiment_ids": [exp], "max_results": 1}),
        )
        .await;
    let run = runs["runs"][0]["info"]["run_id"].as_str().unwrap();
    let root = format!(
        "/api/2.0/fs/directories/WorkspaceInternal/Mlflow/Artifacts/{exp}/Runs/{run}/artifacts"
    );
    let (status, _, body) = t.raw(Method::HEAD, &root, None, None).await;
    assert_eq!((status, body.as_str()), (200, ""));
    let top = t.ok_get(&root, &[]).await;
    let names: Vec<(&str, bool)> = top["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap(),
                e["is_directory"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(names, [("model", true), ("plots", true)]);
    assert_eq!(
        top["contents"][0]["path"],
        format!("/WorkspaceInternal/Mlflow/Artifacts/{exp}/Runs/{run}/artifacts/model")
    );
    // Pages of two, followed to the end, cover the directory once.
    let mut files = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut q = vec![("page_size", "2")];
        if let Some(tok) = &token {
            q.push(("page_token", tok));
        }
        let page = t.ok_get(&format!("{root}/plots"), &q).await;
        for e in page["contents"].as_array().unwrap() {
            assert!(e["file_size"].as_i64().unwrap() > 0);
            files.push(e["name"].as_str().unwrap().to_string());
        }
        match page["next_page_token"].as_str() {
            Some(tok) => token = Some(tok.to_string()),
            None => break,
        }
    }
    assert_eq!(files.len(), 6);
    assert!(files.contains(&"roc_curve.png".to_string()));

    // A file, a missing directory, another experiment's path: 404, a well-formed question.
    for missing in [
        format!("{root}/model/MLmodel"),
        format!("{root}/nope"),
        root.replace(&exp, "1"),
        "/api/2.0/fs/directories/Volumes/main/ml/x".to_string(),
    ] {
        let (status, _, _) = t.raw(Method::HEAD, &missing, None, None).await;
        assert_eq!(status, 404, "{missing}");
    }
    assert!(t.sim.rejected_requests().is_empty());
}

#[tokio::test]
async fn serving_configs_take_numbers_and_booleans_as_text_and_nulls_as_absent() {
    let t = sim().await;
    let config = |pct: &str| {
        json!({
            "served_entities": [{
                "name": "fraud_model-3", "entity_name": "fraud_model", "entity_version": "3",
                "workload_size": "Small", "scale_to_zero_enabled": "true",
            }],
            "traffic_config": {"routes": [
                {"served_entity_name": "fraud_model-3", "traffic_percentage": pct}
            ]},
            "auto_capture_config": null,
            "served_models": null,
        })
    };
    let (status, body) = t
        .json_call(
            Method::PUT,
            "/api/2.0/serving-endpoints/fraud-scoring/config",
            Some(config("lots")),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        t.sim.rejected_requests().len(),
        1,
        "a shape the server cannot read"
    );
    let (status, body) = t
        .json_call(
            Method::PUT,
            "/api/2.0/serving-endpoints/fraud-scoring/config",
            Some(config("100")),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let pending = &body["pending_config"];
    assert_eq!(
        pending["traffic_config"]["routes"][0]["traffic_percentage"],
        100
    );
    assert_eq!(pending["served_entities"][0]["scale_to_zero_enabled"], true);
    assert_eq!(t.sim.rejected_requests().len(), 1);
}

#[tokio::test]
async fn logged_model_searches_find_none_in_a_story_without_logged_models() {
    let t = sim().await;
    let exp = t.churn_experiment_id().await;
    // What MLflow's client sends when it lists `runs:/<run>/plots`.
    let found = t
        .ok_post(
            "/api/2.0/mlflow/logged-models/search",
            json!({"experiment_ids": [exp], "filter": "name = 'plots'"}),
        )
        .await;
    assert_eq!(found, json!({}));
    let (status, _) = t
        .post(
            "/api/2.0/mlflow/logged-models/search",
            json!({"experiment_ids": [exp], "max_results": 0}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(t.sim.rejected_requests().is_empty());
}

#[tokio::test]
async fn jobs_pages_read_with_offset_and_limit_until_has_more_is_false() {
    let t = sim().await;
    // Jobs API 2.1 clients (the legacy CLI among them) page with offset/limit and `has_more`.
    for (path, key, extra) in [
        ("/api/2.1/jobs/list", "jobs", vec![]),
        (
            "/api/2.1/jobs/runs/list",
            "runs",
            vec![("completed_only", "true")],
        ),
    ] {
        let mut seen = Vec::new();
        let mut offset = 0;
        loop {
            let offset_text = offset.to_string();
            let mut q = vec![("limit", "2"), ("offset", offset_text.as_str())];
            q.extend(extra.iter().copied());
            let page = t.ok_get(path, &q).await;
            let items = page[key].as_array().cloned().unwrap_or_default();
            seen.extend(items.iter().map(|i| i.to_string()));
            offset += items.len();
            if page["has_more"] != true {
                break;
            }
        }
        // The same listing read with page tokens.
        let mut by_token = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut q = vec![("limit", "25")];
            q.extend(extra.iter().copied());
            if let Some(tok) = &token {
                q.push(("page_token", tok.as_str()));
            }
            let page = t.ok_get(path, &q).await;
            let items = page[key].as_array().cloned().unwrap_or_default();
            by_token.extend(items.iter().map(|i| i.to_string()));
            match page["next_page_token"].as_str() {
                Some(tok) => token = Some(tok.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, by_token, "{path}");
        let unique: std::collections::HashSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{path}: each item once");
        assert!(seen.len() >= 3, "{path}");
    }
    assert!(t.sim.rejected_requests().is_empty());
}

#[tokio::test]
async fn mlflow_r_client_shapes_are_understood() {
    // MLflow's R client: `/api/2.0/preview/mlflow`, every scalar of a POST body as text (its
    // `rapply(data, as.character)`), one-element lists sent as a lone string, `run_uuid`.
    let t = sim().await;
    let exp = t.churn_experiment_id().await;
    let runs = t
        .ok_post(
            "/api/2.0/preview/mlflow/runs/search",
            json!({"experiment_ids": exp, "max_results": "3", "run_view_type": "ACTIVE_ONLY",
                   "order_by": "attributes.start_time DESC", "filter": "metrics.loss < 10"}),
        )
        .await;
    assert_eq!(runs["runs"].as_array().unwrap().len(), 3);
    let run_id = runs["runs"][0]["info"]["run_id"].as_str().unwrap();
    let history = t
        .ok_get(
            "/api/2.0/preview/mlflow/metrics/get-history",
            &[("run_uuid", run_id), ("metric_key", "loss")],
        )
        .await;
    assert!(!history["metrics"].as_array().unwrap().is_empty());
    let moved = t
        .ok_post(
            "/api/2.0/preview/mlflow/model-versions/transition-stage",
            json!({"name": "fraud_model", "version": "5", "stage": "staging",
                   "archive_existing_versions": "FALSE"}),
        )
        .await;
    assert_eq!(moved["model_version"]["current_stage"], "Staging");
    let latest = t
        .ok_get(
            "/api/2.0/preview/mlflow/registered-models/get-latest-versions",
            &[("name", "fraud_model"), ("stages", "Staging")],
        )
        .await;
    assert_eq!(latest["model_versions"][0]["version"], "5");
    assert!(t.sim.rejected_requests().is_empty());
}
