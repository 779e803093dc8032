//! Our client against a real open-source `mlflow server`, seeded by the contract tests
//! (`tests/contract/test_client_against_mlflow.py` sets MLOPS_MLFLOW_URL and MLOPS_MLFLOW_EXPECTED
//! and runs this with `--ignored`).

use mlops_console::api::models::mlflow::{
    LifecycleStage, SearchExperimentsRequest, SearchRunsRequest, ViewType, lookup,
};
use mlops_console::api::{Client, ClientOptions, Credentials, ErrorKind};
use mlops_console::headless::fetch::{self, Reading};
use mlops_console::headless::run_nesting::Nesting;
use mlops_console::headless::run_stream::{Gathered, stream_runs};
use serde_json::Value;

/// The client for the server and what the mlflow client logged there.
fn setup() -> (Client, Value) {
    let url = std::env::var("MLOPS_MLFLOW_URL").expect("MLOPS_MLFLOW_URL");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::env::var("MLOPS_MLFLOW_EXPECTED").expect("MLOPS_MLFLOW_EXPECTED"),
        )
        .expect("expected file"),
    )
    .expect("expected json");
    let client = Client::new(ClientOptions::new(url, Credentials::None)).expect("client");
    (client, expected)
}

fn strings(v: &Value) -> Vec<String> {
    serde_json::from_value(v.clone()).expect("a list of strings")
}

#[tokio::test]
#[ignore = "needs a seeded mlflow server; run by .ci/run through tests/contract"]
async fn client_reads_what_the_mlflow_client_logged() {
    let (client, expected) = setup();
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

fn search(exp_id: &str) -> SearchRunsRequest {
    SearchRunsRequest {
        experiment_ids: vec![exp_id.to_string()],
        ..Default::default()
    }
}

async fn run_ids(client: &Client, req: SearchRunsRequest) -> Vec<String> {
    let mut ids: Vec<String> = client
        .search_runs(&req)
        .await
        .expect("search runs")
        .runs
        .into_iter()
        .map(|r| r.info.run_id)
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
#[ignore = "needs a seeded mlflow server; run by .ci/run through tests/contract"]
async fn view_types_long_histories_quoted_keys_and_param_order() {
    let (client, expected) = setup();
    let exp_id = expected["experiment_id"].as_str().unwrap();
    let deleted = expected["deleted_run_id"].as_str().unwrap().to_string();
    let active = strings(&expected["active_run_ids"]);

    // Deleted runs: hidden by default and by ACTIVE_ONLY, found by DELETED_ONLY and ALL.
    assert_eq!(run_ids(&client, search(exp_id)).await, active);
    let view = |v| SearchRunsRequest {
        run_view_type: Some(v),
        ..search(exp_id)
    };
    assert_eq!(run_ids(&client, view(ViewType::ActiveOnly)).await, active);
    assert_eq!(
        run_ids(&client, view(ViewType::DeletedOnly)).await,
        vec![deleted.clone()]
    );
    let mut all = active.clone();
    all.push(deleted.clone());
    all.sort();
    assert_eq!(run_ids(&client, view(ViewType::All)).await, all);
    let gone = client
        .get_run(&deleted)
        .await
        .expect("a deleted run can be read");
    assert_eq!(gone.info.lifecycle_stage, Some(LifecycleStage::Deleted));

    // Nested runs through the paging helper, one run a page, ordered on a param (as strings).
    let parent = expected["parent_run_id"].as_str().unwrap();
    let req = SearchRunsRequest {
        filter: Some(format!("tags.mlflow.parentRunId = '{parent}'")),
        order_by: vec!["params.max_depth DESC".into()],
        ..search(exp_id)
    };
    let one_a_page = Reading {
        limit: None,
        page_size: 1,
    };
    let (children, done) =
        stream_runs(&client, &req, Nesting::All, one_a_page, Gathered::default())
            .await
            .map_err(|e| format!("{e:?}"))
            .expect("children");
    let children = children.into_runs();
    assert_eq!(
        done.pages, 3,
        "no token after the last run (OSS reads one row ahead)"
    );
    let depths: Vec<&str> = children
        .iter()
        .map(|r| lookup(&r.data.params, "max_depth").unwrap())
        .collect();
    assert_eq!(depths, ["9", "6", "3"]);

    // Keys with a space, quoted with double quotes and with backticks.
    for filter in strings(&expected["quoted_filters"]) {
        let found = run_ids(
            &client,
            SearchRunsRequest {
                filter: Some(filter.clone()),
                ..search(exp_id)
            },
        )
        .await;
        assert_eq!(
            found,
            [expected["quoted_match"].as_str().unwrap()],
            "{filter}"
        );
    }

    // A bad filter is a 400 with the server's words.
    let err = client
        .search_runs(&SearchRunsRequest {
            filter: Some("metrics.acc >".into()),
            ..search(exp_id)
        })
        .await
        .expect_err("bad filter");
    assert_eq!(err.kind(), Some(ErrorKind::BadRequest), "{err}");

    // A history longer than a page: 1000 points a page, every page followed.
    let long = expected["long_run_id"].as_str().unwrap();
    let want: Vec<(i64, i64, f64)> = serde_json::from_value(expected["long_history"].clone())
        .expect("[step, timestamp, value] triples");
    let pages = Reading {
        limit: None,
        page_size: 1000,
    };
    let history = fetch::metric_history(&client, long, "lr", pages)
        .await
        .expect("history");
    assert_eq!(history.pages, want.len().div_ceil(1000));
    let got: Vec<(i64, i64, f64)> = history
        .items
        .iter()
        .map(|m| (m.step, m.timestamp, m.value))
        .collect();
    assert_eq!(got, want);
    let first = client
        .get_metric_history(long, "lr", Some(1000), None)
        .await
        .expect("first page");
    assert_eq!(first.metrics.len(), 1000);
    assert!(first.next_page_token.is_some_and(|t| !t.is_empty()));
}
