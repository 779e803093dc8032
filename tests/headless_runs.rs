//! The real binary's `runs`, `run` and `metrics` against the simulator (and, for what exactly is
//! sent, a scripted server): filter and order, paging, `--max`, quotes and backticks, exit codes.
//! Everything is on 127.0.0.1; the real home and Databricks config are never read.

mod client_support;
mod headless_support;

use serde_json::Value;

use mlops_console::api::models::mlflow::{Run, SearchRunsRequest, lookup};
use mlops_console::sim::SimHandle;

use client_support::{Reply, Server};
use headless_support::*;

/// The Hyperopt parent run of the churn experiment.
async fn sweep_parent(sim: &SimHandle) -> String {
    let out = on(
        sim,
        &[
            "runs",
            CHURN,
            "--filter",
            "attributes.run_name = 'xgb-hyperopt-sweep'",
            "--json",
        ],
    )
    .await;
    let runs = out.runs();
    assert_eq!(runs.len(), 1, "{}", out.stdout);
    runs[0].info.run_id.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_filter_and_order_by_come_back_in_order() {
    let sim = sim().await;
    let parent = sweep_parent(&sim).await;
    let filter = format!("tags.mlflow.parentRunId = '{parent}'");
    let trials = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--nested",
            "--filter",
            &filter,
            "--order-by",
            "metrics.loss ASC",
            "--order-by",
            "attributes.start_time DESC",
            "--json",
        ],
    )
    .await
    .runs();
    assert_eq!(trials.len(), 40, "every trial of the sweep");
    assert!(
        trials
            .iter()
            .all(|r| lookup(&r.data.tags, "mlflow.parentRunId") == Some(parent.as_str()))
    );
    let losses: Vec<f64> = trials.iter().map(|r| metric(r, "loss")).collect();
    assert!(losses.windows(2).all(|w| w[0] <= w[1]), "{losses:?}");

    // Params order as strings, like MLflow: "9" > "6" > "12" > "10".
    let by_depth = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--nested",
            "--filter",
            &filter,
            "--order-by",
            "params.max_depth DESC",
            "--json",
        ],
    )
    .await
    .runs();
    let depths: Vec<String> = by_depth
        .iter()
        .map(|r| lookup(&r.data.params, "max_depth").unwrap().to_string())
        .collect();
    let mut want = depths.clone();
    want.sort_by(|a, b| b.cmp(a));
    assert_eq!(depths, want);

    // The table puts the ordered-by metric first among the metric columns and says more match.
    let table = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--order-by",
            "metrics.val_auc DESC",
            "--max",
            "3",
        ],
    )
    .await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", table.stdout);
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header[..9],
        [
            "RUN", "ID", "NAME", "STATUS", "START", "DURATION", "USER", "val_auc", "loss"
        ]
    );
    assert!(header.contains(&"max_depth"), "{}", lines[0]);
    assert!(table.stderr.contains("more match"), "{}", table.stderr);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_stops_early_and_every_page_is_followed() {
    let sim = sim().await;
    let before = requests_to(&sim, RUNS_SEARCH);
    let five = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--nested",
            "--max",
            "5",
            "--page-size",
            "2",
            "--json",
        ],
    )
    .await
    .runs();
    assert_eq!(five.len(), 5);
    assert_eq!(
        requests_to(&sim, RUNS_SEARCH) - before,
        3,
        "pages of 2, 2, 1"
    );

    let everything = client(&sim)
        .search_runs(&SearchRunsRequest {
            experiment_ids: vec![five[0].info.experiment_id.clone()],
            ..Default::default()
        })
        .await
        .unwrap()
        .runs;
    assert!(everything.len() > 40);
    let before = requests_to(&sim, RUNS_SEARCH);
    let all = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--nested",
            "--all",
            "--page-size",
            "7",
            "--json",
        ],
    )
    .await
    .runs();
    assert_eq!(all, everything, "the same runs in the same order");
    assert_eq!(
        requests_to(&sim, RUNS_SEARCH) - before,
        everything.len().div_ceil(7)
    );
    assert_eq!(five[..], everything[..5]);

    let conflict = on(&sim, &["runs", CHURN, "--all", "--max", "3"]).await;
    assert_eq!(conflict.code, 2, "clap refuses --all with --max");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_and_backticks_in_filters_reach_the_server() {
    let sim = sim().await;
    let by_backticks = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--filter",
            "tags.`mlflow.runName` = 'xgb-default'",
            "--json",
        ],
    )
    .await
    .runs();
    assert_eq!(names(&by_backticks), ["xgb-default"]);

    let by_double_quotes = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--filter",
            "params.\"model_type\" = \"xgboost\" AND attributes.run_name LIKE 'xgb-%'",
            "--order-by",
            "attributes.`run_name` ASC",
            "--json",
        ],
    )
    .await
    .runs();
    assert_eq!(
        names(&by_double_quotes),
        ["xgb-default", "xgb-nightly-retrain", "xgb-tuned-v1"]
    );

    let escaped = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--filter",
            "attributes.run_name = 'it''s'",
            "--json",
        ],
    )
    .await;
    assert_eq!(escaped.json(), Value::Array(vec![]), "parsed, matched none");

    // Byte for byte: a scripted server records the search body.
    let server = Server::one_experiment(|_, _| Reply::json(200, "{}")).await;
    let filter = "params.`max depth` = 'x\"y' AND tags.\"a b\" LIKE '%''%' AND metrics.`f1` >= 0.5";
    let order = "tags.`my tag` DESC";
    let out = cli(
        &server.url(),
        "dapi-test",
        &[
            "runs",
            "e",
            "--nested",
            "--filter",
            filter,
            "--order-by",
            order,
            "--json",
        ],
    )
    .await;
    assert_eq!(out.json(), Value::Array(vec![]));
    let search = server
        .seen()
        .into_iter()
        .find(|s| s.path() == RUNS_SEARCH)
        .expect("a search");
    let body: Value = serde_json::from_str(&search.body).unwrap();
    assert_eq!(body["filter"], filter);
    assert_eq!(body["order_by"], serde_json::json!([order]));
    assert_eq!(body["experiment_ids"], serde_json::json!(["7"]));
    assert_eq!(body["run_view_type"], "ACTIVE_ONLY");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_filter_exits_2_with_the_servers_message() {
    let sim = sim().await;
    let exp = client(&sim).get_experiment_by_name(CHURN).await.unwrap();
    let bad = "metrics.loss < AND params.x = 'y'";
    let server_says = client(&sim)
        .search_runs(&SearchRunsRequest {
            experiment_ids: vec![exp.experiment_id],
            filter: Some(bad.into()),
            ..Default::default()
        })
        .await
        .expect_err("a bad filter is refused");
    let message = match &server_says {
        mlops_console::api::ApiError::Api { message, .. } => message.clone(),
        other => panic!("{other}"),
    };
    let out = on(&sim, &["runs", CHURN, "--filter", bad]).await;
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains(&message), "{}", out.stderr);
    assert!(out.stderr.contains("INVALID_PARAMETER_VALUE"));

    let bad_order = on(
        &sim,
        &["runs", CHURN, "--order-by", "metrics.loss SIDEWAYS"],
    )
    .await;
    assert_eq!(bad_order.code, 2, "{}", bad_order.stderr);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_detail_is_the_wire_run_and_reads_well() {
    let sim = sim().await;
    let parent = sweep_parent(&sim).await;
    let filter = format!("tags.mlflow.parentRunId = '{parent}'");
    let best = &on(
        &sim,
        &[
            "runs",
            CHURN,
            "--nested",
            "--filter",
            &filter,
            "--order-by",
            "metrics.loss ASC",
            "--max",
            "1",
            "--json",
        ],
    )
    .await
    .runs()[0];
    let id = best.info.run_id.as_str();

    let out = on(&sim, &["run", id, "--json"]).await;
    let json = out.json();
    assert_eq!(json["info"]["run_id"], id);
    let wire: Run = serde_json::from_value(json).unwrap();
    assert_eq!(wire, client(&sim).get_run(id).await.unwrap());

    let text = on(&sim, &["run", id]).await;
    assert_eq!(text.code, 0, "{}", text.stderr);
    for want in [
        format!("run         {id}\n"),
        format!("parent run  {parent}\n"),
        "source      /Users/ml-eng@acme.com/churn/02_hyperopt_sweep (notebook)\n".into(),
        "git commit  ".into(),
        "\nPARAMS\n".into(),
        "\nMETRICS (latest)\n".into(),
    ] {
        assert!(text.stdout.contains(&want), "{want:?} in\n{}", text.stdout);
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metric_history_follows_every_page() {
    let sim = sim().await;
    let runs = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--filter",
            "attributes.run_name = 'xgb-tuned-v1'",
            "--json",
        ],
    )
    .await
    .runs();
    let id = runs[0].info.run_id.clone();
    let whole = client(&sim)
        .get_metric_history(&id, "val_auc", None, None)
        .await
        .unwrap()
        .metrics;
    assert_eq!(whole.len(), 30);

    let before = requests_to(&sim, HISTORY);
    let out = on(
        &sim,
        &["metrics", &id, "val_auc", "--page-size", "7", "--json"],
    )
    .await;
    let points = out.json();
    let points = points.as_array().unwrap();
    assert_eq!(
        requests_to(&sim, HISTORY) - before,
        5,
        "30 points in pages of 7"
    );
    assert_eq!(points.len(), 30);
    for (i, (p, w)) in points.iter().zip(&whole).enumerate() {
        assert_eq!(p["step"], i as i64);
        assert_eq!(p["key"], "val_auc");
        assert_eq!(p["value"].as_f64().unwrap(), w.value);
        assert_eq!(p["timestamp"], w.timestamp);
    }

    let before = requests_to(&sim, HISTORY);
    let ten = on(
        &sim,
        &["metrics", &id, "val_auc", "--max", "10", "--page-size", "4"],
    )
    .await;
    assert_eq!(ten.code, 0, "{}", ten.stderr);
    assert_eq!(ten.stdout.lines().count(), 11, "header and 10 points");
    assert!(ten.stdout.starts_with("STEP  TIMESTAMP"));
    assert_eq!(requests_to(&sim, HISTORY) - before, 3, "4 + 4 + 2");
    assert!(ten.stderr.contains("has more"), "{}", ten.stderr);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_things_exit_3_with_one_line() {
    let sim = sim().await;
    let cases: [(&[&str], &str); 5] = [
        (
            &["run", "0123456789abcdef"],
            "run '0123456789abcdef' not found",
        ),
        (
            &["metrics", "0123456789abcdef", "loss"],
            "run '0123456789abcdef' not found",
        ),
        (
            &["runs", "/Shared/nope"],
            "experiment '/Shared/nope' not found",
        ),
        (&["runs", "424242"], "experiment '424242' not found"),
        (&["runs", "/Shared/nope", "--json"], "not found"),
    ];
    for (args, want) in cases {
        let out = on(&sim, args).await;
        assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(want), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    let runs = on(&sim, &["runs", CHURN, "--max", "1", "--json"])
        .await
        .runs();
    let unknown_key = on(&sim, &["metrics", &runs[0].info.run_id, "no_such_metric"]).await;
    assert_eq!(unknown_key.code, 3);
    assert!(
        unknown_key
            .stderr
            .contains("has no metric 'no_such_metric'"),
        "{}",
        unknown_key.stderr
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn experiment_by_id_and_view_types() {
    let sim = sim().await;
    let exp = client(&sim).get_experiment_by_name(CHURN).await.unwrap();
    let by_name = on(&sim, &["runs", CHURN, "--json"]).await.runs();
    let by_id = on(&sim, &["runs", &exp.experiment_id, "--json"])
        .await
        .runs();
    assert_eq!(by_name, by_id);

    let deleted = on(&sim, &["runs", CHURN, "--view", "deleted", "--json"])
        .await
        .runs();
    assert_eq!(names(&deleted), ["scratch-debug"]);
    assert!(!names(&by_name).contains(&"scratch-debug".to_string()));
    let all = on(&sim, &["runs", CHURN, "--view", "all", "--json"])
        .await
        .runs();
    assert_eq!(all.len(), by_name.len() + 1);
    sim.shutdown().await;
}
