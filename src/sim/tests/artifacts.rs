//! `artifacts/list`: directories, nested paths, paging, and missing runs.

use super::*;

const LIST: &str = "/api/2.0/mlflow/artifacts/list";

async fn some_run(t: &TestSim) -> (String, String) {
    let exp = t.churn_experiment_id().await;
    let found = t
        .ok_post(
            "/api/2.0/mlflow/runs/search",
            serde_json::json!({"experiment_ids": [exp], "max_results": 1}),
        )
        .await;
    let info = &found["runs"][0]["info"];
    (
        info["run_id"].as_str().unwrap().to_string(),
        info["artifact_uri"].as_str().unwrap().to_string(),
    )
}

fn entries(body: &Value) -> Vec<(String, bool, Option<i64>)> {
    body["files"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .map(|f| {
                    (
                        f["path"].as_str().unwrap().to_string(),
                        f["is_dir"].as_bool().unwrap(),
                        f["file_size"].as_i64(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_root_holds_model_and_plots_directories() {
    let t = sim().await;
    let (run_id, artifact_uri) = some_run(&t).await;
    let root = t.ok_get(LIST, &[("run_id", &run_id)]).await;
    assert_eq!(root["root_uri"], artifact_uri.as_str());
    assert_eq!(
        entries(&root),
        [("model".into(), true, None), ("plots".into(), true, None)]
    );
    assert!(root.get("next_page_token").is_none());

    let model = t
        .ok_get(LIST, &[("run_id", &run_id), ("path", "model")])
        .await;
    let files = entries(&model);
    let paths: Vec<&str> = files.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "model/MLmodel",
            "model/conda.yaml",
            "model/model.pkl",
            "model/requirements.txt"
        ]
    );
    assert!(
        files
            .iter()
            .all(|(_, dir, size)| !dir && size.is_some_and(|s| s > 0))
    );
    // A trailing slash names the same directory; sizes are stable per run.
    let again = t
        .ok_get(LIST, &[("run_uuid", &run_id), ("path", "model/")])
        .await;
    assert_eq!(again, model);
}

#[tokio::test]
async fn long_directories_page_and_odd_paths_list_nothing() {
    let t = sim().await;
    let (run_id, _) = some_run(&t).await;
    let first = t
        .ok_get(LIST, &[("run_id", &run_id), ("path", "plots")])
        .await;
    assert_eq!(entries(&first).len(), 5);
    let token = first["next_page_token"].as_str().unwrap();
    let second = t
        .ok_get(
            LIST,
            &[
                ("run_id", &run_id),
                ("path", "plots"),
                ("page_token", token),
            ],
        )
        .await;
    let rest = entries(&second);
    assert_eq!(rest.len(), 1);
    assert!(second.get("next_page_token").is_none());
    assert!(rest[0].0.starts_with("plots/") && rest[0].0.ends_with(".png"));

    for odd in ["nope", "model/MLmodel"] {
        let body = t.ok_get(LIST, &[("run_id", &run_id), ("path", odd)]).await;
        assert!(entries(&body).is_empty(), "{odd}: {body}");
        assert!(body["root_uri"].is_string());
    }
    let (status, body) = t.get(LIST, &[("run_id", "0123")]).await;
    assert_eq!(status, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
}
