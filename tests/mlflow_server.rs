//! Our client against a real open-source `mlflow server`, seeded by the contract tests
//! (`tests/contract/test_client_against_mlflow.py` sets MLOPS_MLFLOW_URL and MLOPS_MLFLOW_EXPECTED
//! and runs this with `--ignored`).

use mlops_console::api::models::mlflow::{SearchExperimentsRequest, SearchRunsRequest, lookup};
use mlops_console::api::{Client, ClientOptions, Credentials};
use serde_json::Value;

#[tokio::test]
#[ignore = "needs a seeded mlflow server; run by .ci/run through tests/contract"]
async fn client_reads_what_the_mlflow_client_logged() {
    let url = std::env::var("MLOPS_MLFLOW_URL").expect("MLOPS_MLFLOW_URL");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::env::var("MLOPS_MLFLOW_EXPECTED").expect("MLOPS_MLFLOW_EXPECTED"),
        )
        .expect("expected file"),
    )
    .expect("expected json");
    let client = Client::new(ClientOptions::new(url, Credentials::None)).expect("client");
    let exp_id = expected["experiment_id"].as_str().unwrap();

    // Experiments, with paging by one so every page token is followed.
    let mut names = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .search_experiments(&SearchExperimentsRequest {
                max_results: Some(1),
                page_token: token,
                ..Default::default()
            })
            .await
            .expect("search experiments");
        names.extend(page.experiments.into_iter().map(|e| e.name));
        token = page.next_page_token.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    assert!(names.contains(&"contract/churn".to_string()), "{names:?}");
    let exp = client
        .get_experiment_by_name("contract/churn")
        .await
        .expect("by name");
    assert_eq!(exp.experiment_id, exp_id);

    // Nested runs: children carry the parent tag.
    let parent = expected["parent_run_id"].as_str().unwrap();
    let children = client
        .search_runs(&SearchRunsRequest {
            experiment_ids: vec![exp_id.to_string()],
            filter: Some(format!("tags.mlflow.parentRunId = '{parent}'")),
            order_by: vec!["metrics.acc DESC".into()],
            ..Default::default()
        })
        .await
        .expect("children");
    assert_eq!(children.runs.len(), 3);
    let accs: Vec<f64> = children
        .runs
        .iter()
        .map(|r| {
            r.data
                .metrics
                .iter()
                .find(|m| m.key == "acc")
                .unwrap()
                .value
        })
        .collect();
    assert_eq!(accs, vec![0.83, 0.79, 0.71]);
    for r in &children.runs {
        let want = expected["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["run_id"] == r.info.run_id.as_str())
            .expect("known child");
        assert_eq!(
            lookup(&r.data.params, "max_depth"),
            want["max_depth"].as_str()
        );
    }

    // Filter.
    let filtered = client
        .search_runs(&SearchRunsRequest {
            experiment_ids: vec![exp_id.to_string()],
            filter: Some(expected["filter"].as_str().unwrap().to_string()),
            ..Default::default()
        })
        .await
        .expect("filtered");
    let mut ids: Vec<String> = filtered.runs.into_iter().map(|r| r.info.run_id).collect();
    ids.sort();
    let want: Vec<String> = serde_json::from_value(expected["filtered"].clone()).unwrap();
    assert_eq!(ids, want);

    // Metric history, paged by 10.
    let run_id = expected["history_run_id"].as_str().unwrap();
    let mut values = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_metric_history(run_id, "loss", Some(10), token.as_deref())
            .await
            .expect("history");
        let mut page_metrics = page.metrics;
        page_metrics.sort_by_key(|m| m.step);
        values.extend(page_metrics.into_iter().map(|m| m.value));
        token = page.next_page_token.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    let want: Vec<f64> = serde_json::from_value(expected["history"].clone()).unwrap();
    assert_eq!(values, want);
}
