//! `runs` lists top-level runs by default, as the Runs screen does; `--nested` lists every run
//! with its parent; JSON carries the parent run id either way. A server that refuses `IS NULL`
//! gets the same listing, the nested runs left out by the console. Everything is on 127.0.0.1.

mod client_support;
mod headless_support;

use serde_json::Value;

use mlops_console::api::models::mlflow::{Run, SearchRunsRequest, lookup};
use mlops_console::sim::SimHandle;

use client_support::{Reply, Server};
use headless_support::*;

const PARENT_TAG: &str = "mlflow.parentRunId";

/// Every active run of the churn experiment in the server's order, read with the library.
async fn every_run(sim: &SimHandle) -> Vec<Run> {
    let c = client(sim);
    let exp = c.get_experiment_by_name(CHURN).await.unwrap();
    let page = c
        .search_runs(&SearchRunsRequest {
            experiment_ids: vec![exp.experiment_id],
            max_results: Some(50_000),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(page.next_page_token.is_none(), "one page holds them all");
    page.runs
}

fn ids(runs: &[Run]) -> Vec<&str> {
    runs.iter().map(|r| r.info.run_id.as_str()).collect()
}

fn parent(r: &Run) -> Option<&str> {
    lookup(&r.data.tags, PARENT_TAG)
}

/// The runs without a parent, in the server's order.
fn top_level(all: &[Run]) -> Vec<Run> {
    all.iter()
        .filter(|r| parent(r).is_none())
        .cloned()
        .collect()
}

/// The sweep's parent run id and a filter for its trials (all of them nested).
fn trials_of(all: &[Run]) -> (String, String) {
    let sweep = all
        .iter()
        .find(|r| r.info.run_name.as_deref() == Some("xgb-hyperopt-sweep"))
        .expect("the sweep parent");
    let id = sweep.info.run_id.clone();
    let filter = format!("tags.mlflow.parentRunId = '{id}'");
    (id, filter)
}

fn runs_search_statuses(sim: &SimHandle) -> Vec<Option<u16>> {
    let log = sim.request_log();
    let searches = log.iter().filter(|r| r.path == RUNS_SEARCH);
    searches.map(|r| r.status).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_lists_top_level_runs_only_with_a_null_parent() {
    let sim = sim().await;
    let all = every_run(&sim).await;
    let top = top_level(&all);
    assert!(
        top.len() > 3 && all.len() > top.len() + 30,
        "the story has a sweep"
    );

    let out = on(&sim, &["runs", CHURN, "--json"]).await;
    assert_eq!(ids(&out.runs()), ids(&top));
    for element in out.json().as_array().unwrap() {
        assert_eq!(element["parent_run_id"], Value::Null, "{element}");
    }

    let table = on(&sim, &["runs", CHURN]).await;
    assert_eq!(table.code, OK, "{}", table.stderr);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), top.len() + 1, "{}", table.stdout);
    assert!(!lines[0].contains("PARENT"), "{}", lines[0]);
    for (line, run) in lines[1..].iter().zip(&top) {
        assert!(line.starts_with(&run.info.run_id), "{line}");
    }
    assert_eq!(table.stderr, "", "nothing to note");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_lists_every_run_with_its_parent() {
    let sim = sim().await;
    let all = every_run(&sim).await;
    let (sweep, _) = trials_of(&all);

    let out = on(&sim, &["runs", CHURN, "--nested", "--json"]).await;
    assert_eq!(ids(&out.runs()), ids(&all));
    let json = out.json();
    let elements = json.as_array().unwrap();
    for (element, run) in elements.iter().zip(&all) {
        let want = parent(run).map_or(Value::Null, Value::from);
        assert_eq!(element["parent_run_id"], want, "{}", run.info.run_id);
    }
    assert_eq!(
        elements
            .iter()
            .filter(|e| e["parent_run_id"] == sweep.as_str())
            .count(),
        40,
        "every trial names the sweep"
    );

    let table = on(&sim, &["runs", CHURN, "--nested"]).await;
    assert_eq!(table.code, OK, "{}", table.stderr);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), all.len() + 1);
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header[..5], ["RUN", "ID", "NAME", "PARENT", "STATUS"]);
    let cut = format!("{}…", &sweep[..8]);
    for (line, run) in lines[1..].iter().zip(&all) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        let want = if parent(run).is_some() { &cut } else { "-" };
        assert_eq!(cells[0], run.info.run_id);
        assert_eq!(cells[2], want, "{line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_only_nested_runs_match_the_listing_says_how_many_and_what_to_do() {
    let sim = sim().await;
    let all = every_run(&sim).await;
    let (_, trials) = trials_of(&all);

    let out = on(&sim, &["runs", CHURN, "--filter", &trials]).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert_eq!(out.stdout, "", "no empty table");
    assert_eq!(
        out.stderr.trim_end(),
        "no top-level runs found (40 nested runs: use --nested)"
    );
    let json = on(&sim, &["runs", CHURN, "--filter", &trials, "--json"]).await;
    assert_eq!(json.json(), Value::Array(vec![]));
    assert!(json.stderr.contains("40 nested runs"), "{}", json.stderr);

    let none = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--filter",
            "attributes.run_name = 'no-such-run'",
        ],
    )
    .await;
    assert_eq!(none.code, OK, "{}", none.stderr);
    assert_eq!(none.stderr.trim_end(), "no runs found");
    let nested = on(&sim, &["runs", CHURN, "--nested", "--filter", &trials]).await;
    assert_eq!(nested.stdout.lines().count(), 41);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_refuses_is_null_gets_the_same_listing_filtered_here() {
    let sim = sim().await;
    let all = every_run(&sim).await;
    let top = top_level(&all);
    let (_, trials) = trials_of(&all);
    let table_before = on(&sim, &["runs", CHURN]).await;
    sim.refuse_is_null(true);

    let before = runs_search_statuses(&sim).len();
    let out = on(&sim, &["runs", CHURN, "--json"]).await;
    assert_eq!(ids(&out.runs()), ids(&top));
    assert!(
        out.stderr
            .contains("cannot filter top-level runs (IS NULL)"),
        "{}",
        out.stderr
    );
    assert_eq!(
        runs_search_statuses(&sim)[before..],
        [Some(400), Some(200)],
        "refused once, then asked without IS NULL"
    );

    // The same rows (a running run's duration moves on, so by id).
    let first_cells = |text: &str| -> Vec<String> {
        let rows = text
            .lines()
            .map(|l| l.split(' ').next().unwrap_or_default());
        rows.map(str::to_string).collect()
    };
    let table = on(&sim, &["runs", CHURN]).await;
    assert_eq!(
        first_cells(&table.stdout),
        first_cells(&table_before.stdout)
    );

    // Small pages: the first top-level runs, whichever pages they came in.
    for (max, page) in [("2", "3"), ("5", "2"), ("9", "4")] {
        let out = on(
            &sim,
            &["runs", CHURN, "--max", max, "--page-size", page, "--json"],
        )
        .await;
        let want: usize = max.parse().unwrap();
        assert_eq!(
            ids(&out.runs()),
            ids(&top[..want.min(top.len())]),
            "--max {max}"
        );
    }
    let few = on(&sim, &["runs", CHURN, "--max", "2"]).await;
    assert!(few.stderr.contains("more match"), "{}", few.stderr);

    // Every trial read and left out: counted exactly.
    let nested = on(&sim, &["runs", CHURN, "--filter", &trials]).await;
    assert_eq!(nested.code, OK, "{}", nested.stderr);
    assert!(
        nested
            .stderr
            .contains("no top-level runs found (40 nested runs: use --nested)"),
        "{}",
        nested.stderr
    );

    // A filter the server refuses on its own is the user's to fix: its own message.
    let bad = on(&sim, &["runs", CHURN, "--filter", "metrics.loss <"]).await;
    assert_eq!(bad.code, USAGE, "{}", bad.stderr);
    assert!(!bad.stderr.contains("IS NULL"), "{}", bad.stderr);
}

/// The filters of the run searches `args` sent to `server`.
async fn filters(server: &Server, args: &[&str]) -> Vec<Value> {
    let before = server.seen().len();
    let out = cli(&server.url(), "dapi-test", args).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let seen = server.seen()[before..].to_vec();
    let searches = seen.iter().filter(|s| s.path() == RUNS_SEARCH);
    let bodies = searches.map(|s| serde_json::from_str::<Value>(&s.body).unwrap());
    bodies.map(|b| b["filter"].clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_top_level_clause_joins_the_users_filter() {
    let server = Server::one_experiment(|_, _| Reply::json(200, "{}")).await;
    let top = "tags.mlflow.parentRunId IS NULL";
    assert_eq!(filters(&server, &["runs", "e", "--json"]).await[0], top);
    let user = "params.model = 'xgb'";
    assert_eq!(
        filters(&server, &["runs", "e", "--filter", user, "--json"]).await[0],
        format!("{user} AND {top}")
    );
    assert_eq!(
        filters(
            &server,
            &["runs", "e", "--nested", "--filter", user, "--json"]
        )
        .await,
        [user]
    );
    assert_eq!(
        filters(&server, &["runs", "e", "--nested", "--json"]).await,
        [Value::Null]
    );
}
