//! `--scale large`: ~2,000 more experiments and 100,000 runs served from the compact table,
//! searched, sorted, filtered and paged like any other runs.

use std::collections::HashSet;

use serde_json::json;

use super::*;
use crate::sim::{BIG_EXPERIMENT, Scale};

const SEARCH_RUNS: &str = "/api/2.0/mlflow/runs/search";

async fn large() -> TestSim {
    sim_with(SimOptions {
        scale: Scale::Large,
        ..manual(42)
    })
    .await
}

fn metric(run: &Value, key: &str) -> f64 {
    run["data"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap()["value"]
        .as_f64()
        .unwrap()
}

#[tokio::test]
async fn large_adds_two_thousand_experiments_and_keeps_the_story() {
    let t = large().await;
    let scaled = t
        .ok_post(
            "/api/2.0/mlflow/experiments/search",
            json!({"filter": "name LIKE '%/scale/%'", "max_results": 3000}),
        )
        .await;
    let names = strings(&scaled["experiments"], "name");
    assert_eq!(names.len(), 2_001, "2,000 extra plus the 100k-run one");
    assert!(names.iter().any(|n| n == BIG_EXPERIMENT));
    t.churn_experiment_id().await;
}

#[tokio::test]
async fn a_hundred_thousand_runs_page_sort_and_filter() {
    let t = large().await;
    let exp = t
        .ok_get(
            "/api/2.0/mlflow/experiments/get-by-name",
            &[("experiment_name", BIG_EXPERIMENT)],
        )
        .await["experiment"]["experiment_id"]
        .clone();

    // 100,000 runs: the last one is at offset 99,999 and nothing follows it.
    let at = |offset: i64| {
        json!({
            "experiment_ids": [exp],
            "max_results": 1,
            "page_token": crate::sim::paging::encode(&[("offset", offset)]),
        })
    };
    let last = t.ok_post(SEARCH_RUNS, at(99_999)).await;
    assert_eq!(last["runs"].as_array().unwrap().len(), 1);
    assert!(last.get("next_page_token").is_none());
    assert!(
        t.ok_post(SEARCH_RUNS, at(100_000))
            .await
            .get("runs")
            .is_none()
    );

    // A filtered subset pages through the cached order: every run once, newest first.
    let mut ids = HashSet::new();
    let mut last_start = i64::MAX;
    let mut body = json!({
        "experiment_ids": [exp],
        "filter": "params.optimizer = 'sgd' AND params.max_depth = '7'",
        "max_results": 1000,
    });
    let mut pages = 0;
    loop {
        let page = t.ok_post(SEARCH_RUNS, body.clone()).await;
        pages += 1;
        for run in page["runs"].as_array().unwrap() {
            let start = run["info"]["start_time"].as_i64().unwrap();
            assert!(start <= last_start);
            last_start = start;
            assert!(ids.insert(run["info"]["run_id"].as_str().unwrap().to_string()));
        }
        match page["next_page_token"].as_str() {
            Some(tok) => body["page_token"] = json!(tok),
            None => break,
        }
    }
    assert!(
        pages >= 2 && ids.len() > 1000,
        "{pages} pages, {} runs",
        ids.len()
    );

    // Server-side order on a metric, then a filter on params and metrics.
    let best = t
        .ok_post(
            SEARCH_RUNS,
            json!({"experiment_ids": [exp], "order_by": ["metrics.val_auc DESC"], "max_results": 100}),
        )
        .await;
    let aucs: Vec<f64> = best["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| metric(r, "val_auc"))
        .collect();
    assert!(aucs.windows(2).all(|w| w[0] >= w[1]), "{aucs:?}");
    let filtered = t
        .ok_post(
            SEARCH_RUNS,
            json!({
                "experiment_ids": [exp],
                "filter": "params.max_depth = '7' AND metrics.val_auc > 0.85",
                "order_by": ["metrics.loss ASC"],
                "max_results": 1000,
            }),
        )
        .await;
    let runs = filtered["runs"].as_array().unwrap();
    assert!(!runs.is_empty());
    for r in runs {
        assert!(metric(r, "val_auc") > 0.85);
        let params = r["data"]["params"].as_array().unwrap();
        assert!(params.contains(&json!({"key": "max_depth", "value": "7"})));
    }

    // A run from the table reads like any other: get, history, artifacts.
    let one = &best["runs"][0];
    let id = one["info"]["run_id"].as_str().unwrap();
    let got = t
        .ok_get("/api/2.0/mlflow/runs/get", &[("run_id", id)])
        .await;
    assert_eq!(&got["run"], one);
    let hist = t
        .ok_get(
            "/api/2.0/mlflow/metrics/get-history",
            &[("run_id", id), ("metric_key", "loss")],
        )
        .await;
    assert_eq!(hist["metrics"].as_array().unwrap().len(), 1);
    let art = t
        .ok_get("/api/2.0/mlflow/artifacts/list", &[("run_id", id)])
        .await;
    assert_eq!(art["root_uri"], one["info"]["artifact_uri"]);
    // An id that looks like the table's but is not one of its runs is not found.
    let forged = format!("{}00000001", &id[..24]);
    let (status, _) = t
        .get("/api/2.0/mlflow/runs/get", &[("run_id", &forged)])
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn small_has_no_scale_data() {
    let t = sim().await;
    let (status, _) = t
        .get(
            "/api/2.0/mlflow/experiments/get-by-name",
            &[("experiment_name", BIG_EXPERIMENT)],
        )
        .await;
    assert_eq!(status, 404);
}
