//! `mlops-console train`: through the library on a manual clock (every step at a known instant),
//! and as the binary against a simulator on the real clock (exit codes, stdout JSON, stderr
//! progress, read-only refusal). Only 127.0.0.1 is contacted.

mod headless_support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mlops_console::api::models::mlflow::lookup;
use mlops_console::headless::train::{Log, TrainRequest, execute};
use mlops_console::ops::jobs::Poll;
use mlops_console::ops::training::LinkSource;
use mlops_console::ops::{ChangeAction, ChangeContext, Journal};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};
use serde_json::Value;

use headless_support::{CHURN, Out, Sandbox, client, job_id};

async fn sim_on(clock: SimClock) -> SimHandle {
    sim::start(SimOptions {
        clock,
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts")
}

fn collecting() -> (Log, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let log: Log = Arc::new(move |l: &str| sink.lock().unwrap().push(l.to_string()));
    (log, lines)
}

/// Sleeps that advance the simulator's manual clock.
fn simulated(sim: &SimHandle) -> Poll<'static> {
    let clock = sim.clock.clone();
    Poll::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

fn ctx() -> ChangeContext {
    ChangeContext {
        profile: "test".into(),
        actor: None,
        production: false,
    }
}

#[tokio::test]
async fn train_wait_reports_the_run_and_the_mlflow_run_it_logged() {
    let sim = sim_on(SimClock::manual(1_767_225_600_000)).await;
    let c = client(&sim);
    let params = vec![("max_depth".to_string(), "7".to_string())];
    let none = BTreeMap::new();
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    let req = TrainRequest {
        experiment: CHURN,
        params: &params,
        wait: true,
        json: true,
        training_jobs: &none,
        journal: &journal,
        ctx: &ctx(),
    };
    let (log, lines) = collecting();
    let report = execute(&c, &req, simulated(&sim), log).await.unwrap();
    assert_eq!(report.job.name, "churn-retrain");
    assert_eq!(report.job.linked_by, LinkSource::ExperimentTag);
    assert_eq!(report.succeeded, Some(true));
    assert_eq!(report.state.life_cycle_state, "TERMINATED");
    assert_eq!(report.state.result_state.as_deref(), Some("SUCCESS"));
    let mlflow = report.mlflow_run.as_ref().expect("the MLflow run");
    let tags = &mlflow.data.tags;
    assert_eq!(
        lookup(tags, "mlflow.databricks.jobRunID"),
        Some(report.run_id.to_string().as_str())
    );
    assert_eq!(lookup(&mlflow.data.params, "max_depth"), Some("7"));
    assert!(mlflow.data.metrics.iter().any(|m| m.key == "val_auc"));

    // The launch is in the journal: attempt and verified result, naming the run it started.
    let view = journal.read().unwrap();
    let entry = view.entries.last().expect("a journal entry");
    assert_eq!(entry.attempt.action, ChangeAction::RunJob);
    assert_eq!(entry.standing().label(), "ok");
    assert!(
        entry
            .latest()
            .and_then(|r| r.verified.as_ref())
            .is_some_and(|v| v.describe().contains(&report.run_id.to_string())),
        "{entry:?}"
    );

    let lines = lines.lock().unwrap().clone();
    assert!(
        lines[0].starts_with("run-now: job churn-retrain (907245117743512) on http://127.0.0.1:")
    );
    assert!(lines[1].contains("max_depth=7,") && lines[1].contains("learning_rate=0.06 (default)"));
    assert!(lines[2].starts_with(&format!("Started run {}: http://", report.run_id)));
    let states: Vec<&str> = lines[3..]
        .iter()
        .map(|l| l.split(": ").nth(1).unwrap_or(""))
        .collect();
    assert_eq!(states, ["PENDING", "RUNNING", "TERMINATED SUCCESS"]);

    let json = serde_json::to_value(&report).unwrap();
    for key in [
        "experiment",
        "job",
        "parameters",
        "run_id",
        "run_page_url",
        "state",
        "mlflow_run",
    ] {
        assert!(json.get(key).is_some(), "{key} in {json}");
    }
}

#[tokio::test]
async fn a_config_mapping_links_experiments_without_the_tag() {
    let sim = sim_on(SimClock::manual(1_767_225_600_000)).await;
    let c = client(&sim);
    let refresh = job_id(&c, "feature-refresh").await;
    let mapping = BTreeMap::from([("/Shared/fraud/training".to_string(), refresh)]);
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    let req = TrainRequest {
        experiment: "/Shared/fraud/training",
        params: &[],
        wait: true,
        json: false,
        training_jobs: &mapping,
        journal: &journal,
        ctx: &ctx(),
    };
    let (log, lines) = collecting();
    let report = execute(&c, &req, simulated(&sim), log).await.unwrap();
    assert_eq!(
        (report.job.job_id, report.job.linked_by),
        (refresh, LinkSource::Config)
    );
    assert_eq!(report.succeeded, Some(true));
    assert!(
        report.mlflow_run.is_none(),
        "feature-refresh logs no MLflow run"
    );
    assert!(
        lines
            .lock()
            .unwrap()
            .last()
            .unwrap()
            .contains("logged no MLflow run")
    );
}

// --- the binary, on the real clock --------------------------------------------------------

/// Runs the binary against `sim` (host and token in the environment) in a fresh sandbox, its
/// `config.toml` holding `config` if given.
async fn binary(sim: &SimHandle, args: &[&str], config: Option<&str>) -> Out {
    let sandbox = Sandbox::new();
    if let Some(text) = config {
        sandbox.write_config(text);
    }
    let env = [
        ("DATABRICKS_HOST", sim.base_url.as_str()),
        ("DATABRICKS_TOKEN", sim.token.as_str()),
    ];
    sandbox.run_with_env(&env, args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_train_wait_json_follows_the_run_to_its_mlflow_run() {
    let sim = sim_on(SimClock::real()).await;
    let out = binary(
        &sim,
        &[
            "train",
            CHURN,
            "--param",
            "n_estimators=300",
            "--wait",
            "--json",
        ],
        None,
    )
    .await;
    let stderr = &out.stderr;
    assert_eq!(out.code, 0, "stderr: {stderr}");
    let report: Value = serde_json::from_str(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(report["state"]["life_cycle_state"], "TERMINATED");
    assert_eq!(report["state"]["result_state"], "SUCCESS");
    assert_eq!(report["succeeded"], true);
    let run_id = report["run_id"].as_i64().unwrap();
    let mlflow = &report["mlflow_run"];
    assert_eq!(mlflow["info"]["status"], "FINISHED");
    let tags = mlflow["data"]["tags"].as_array().unwrap();
    assert!(tags.contains(&serde_json::json!({
        "key": "mlflow.databricks.jobRunID", "value": run_id.to_string()
    })));
    let pending = stderr.find(": PENDING").expect("PENDING progress");
    let running = stderr.find(": RUNNING").expect("RUNNING progress");
    let done = stderr.find(": TERMINATED SUCCESS").expect("final progress");
    assert!(pending < running && running < done, "{stderr}");
    assert!(
        stderr.contains("n_estimators=300,"),
        "what is started is printed: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_train_exit_codes() {
    let sim = sim_on(SimClock::real()).await;

    // Without --wait: the run id and its link, at once.
    let out = binary(&sim, &["train", CHURN, "--json"], None).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let url = report["run_page_url"].as_str().unwrap();
    assert!(url.starts_with(&sim.base_url) && url.ends_with(&report["run_id"].to_string()));
    assert_eq!(report["state"]["life_cycle_state"], "PENDING");
    assert_eq!(report["succeeded"], Value::Null);
    let human = binary(&sim, &["train", CHURN], None).await;
    assert!(human.stdout.starts_with("run_id "), "{}", human.stdout);

    // A run that fails is a failure.
    let out = binary(
        &sim,
        &["train", CHURN, "--param", "max_depth=deep", "--wait"],
        None,
    )
    .await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("TERMINATED FAILED"));

    // Read-only: refused before anything is sent.
    let posts_before = sim
        .request_log()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    let out = binary(&sim, &["--readonly", "train", CHURN], None).await;
    assert_eq!(out.code, 4);
    assert!(out.stderr.contains("read-only profile"), "{}", out.stderr);
    let posts_after = sim
        .request_log()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts_after, posts_before);

    // Not found: the experiment, the link, the linked job; a typo in a parameter is usage.
    let missing = binary(&sim, &["train", "/Shared/nope"], None).await;
    assert_eq!(missing.code, 3);
    let unlinked = binary(&sim, &["train", "/Shared/fraud/training"], None).await;
    assert_eq!(unlinked.code, 3);
    assert!(unlinked.stderr.contains("mlops.training_job_id"));
    let gone = binary(
        &sim,
        &["train", "/Shared/fraud/training"],
        Some("[training_jobs]\n\"/Shared/fraud/training\" = 123\n"),
    )
    .await;
    assert_eq!(gone.code, 3, "{}", gone.stderr);
    assert!(gone.stderr.contains("Job 123 does not exist"));
    let typo = binary(&sim, &["train", CHURN, "--param", "max_detph=3"], None).await;
    assert_eq!(typo.code, 2);
    assert!(typo.stderr.contains("max_detph"));
}
