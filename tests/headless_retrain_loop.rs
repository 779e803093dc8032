//! The whole loop, headless, as a cron or CI script would drive it against the demo workspace:
//! `alerts` exits 7 → `retrain --wait` → `approve` the version it registered → retire the earlier
//! challenger (`traffic --set`) → `canary --wait` of the new version on churn-prod up to 100% →
//! exit 0, the endpoint serves the new version alone, and the journal holds every change.
//!
//! Runs on the simulator's real clock (the binary is a separate process): the retrain takes
//! ~20 s, as the demo's `churn-retrain` does, and the canary holds each step a second. The
//! retrain runs with the job's default parameters, so the version is a normal model that the
//! simulator serves healthily at every share (a heavy one fails its canary: `canary_sim.rs`).

mod headless_support;

use headless_support::{Env, OK};

/// The documented exit code of a failed gate (`alerts`, `drift`).
const GATE_FAILED: i32 = 7;
use mlops_console::api::models::mlflow::lookup;
use serde_json::Value;

const MODEL: &str = "main.ml.churn_model";

fn canary_of_v6() -> String {
    "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary_model = \
     \"main.ml.churn_model\"\ncanary_version = \"6\"\nsteps = [10, 50, 100]\nhold = \"1s\"\n\
     interval = \"1s\"\n[guards]\nmin_requests = 10\nmax_error_rate_delta = 0.2\n\
     confidence = 0.9\n"
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_to_retrain_to_approve_to_canary_closes_with_exit_0_and_every_change_journaled() {
    let env = Env::serving().await;

    // Step 1 — the gate: `alerts --once` exits 7 on the demo (a critical alert fires).
    let alerts = env.run_as("dev", &["alerts", "--once", "--json"]).await;
    assert_eq!(
        alerts.code, GATE_FAILED,
        "{}\n{}",
        alerts.stdout, alerts.stderr
    );
    let doc = alerts.stdout_json();
    let firing = doc["firing"].as_array().cloned().unwrap_or_default();
    assert!(
        firing.iter().any(|a| a["severity"] == "critical"),
        "a critical alert is what fails the gate: {doc}"
    );
    let drift: Vec<&Value> = firing
        .iter()
        .filter(|a| a["kind"] == "feature_drift")
        .collect();
    if drift.is_empty() {
        // This version of `alerts` does not gather drift facts yet: the gate fails on the
        // demo's other critical alert (recsys-staging's failed update), and the drift rule is
        // listed as not judged rather than silently passing. Once drift facts are wired in,
        // the other branch holds.
        let unknown = doc["unknown"].as_array().cloned().unwrap_or_default();
        assert!(
            unknown.iter().any(|u| u["kind"] == "feature_drift"),
            "the drift rule is either firing or reported as not judged: {doc}"
        );
        assert!(
            firing
                .iter()
                .any(|a| a["object"]["name"] == "recsys-staging"),
            "{doc}"
        );
    } else {
        assert!(
            drift.iter().any(|a| a["object"]["name"]
                .as_str()
                .is_some_and(|n| n.ends_with(".tenure_months"))),
            "the demo's drifting feature fires: {doc}"
        );
    }

    // Step 2 — retrain because of it, and wait for the version it registers.
    let retrain = env
        .run_as(
            "dev",
            &[
                "retrain",
                MODEL,
                "--reason",
                "drift",
                "--monitor",
                "main.ml.churn_inference",
                "--feature",
                "tenure_months",
                "--wait",
                "--yes",
                "--json",
            ],
        )
        .await;
    assert_eq!(retrain.code, OK, "{}\n{}", retrain.stdout, retrain.stderr);
    let doc = retrain.json();
    let version = &doc["outcome"]["version"];
    assert_eq!(version["version"], 6, "{doc}");
    assert_eq!(version["pending_approval"], true, "{doc}");
    assert!(
        retrain.stderr.contains("TERMINATED SUCCESS"),
        "progress on stderr: {}",
        retrain.stderr
    );
    let text = env
        .run_as("dev", &["approvals", "--json"])
        .await
        .stdout_json();
    assert!(text.to_string().contains("main.ml.churn_model"), "{text}");

    // Step 3 — approve it.
    let approve = env
        .run_as(
            "dev",
            &[
                "approve",
                MODEL,
                "6",
                "--comment",
                "better on the drifted windows",
                "--yes",
            ],
        )
        .await;
    assert_eq!(approve.code, OK, "{}\n{}", approve.stdout, approve.stderr);
    let v6 = env.client().get_uc_model_version(MODEL, 6).await.unwrap();
    assert_eq!(lookup(&v6.tags, "approval"), Some("approved"));

    // Step 4 — retire the earlier challenger (churn_model-5 takes 10% of churn-prod): ending
    // its trial is the operator's choice here; a canary beside it would scale it down with
    // stable (`canary_sim.rs`, `tui_retrain_loop.rs`).
    let retire = env
        .run_as(
            "dev",
            &[
                "traffic",
                "churn-prod",
                "--set",
                "churn_model-4=100,churn_model-5=0",
                "--comment",
                "end the v5 trial before the retrained version's canary",
                "--yes",
            ],
        )
        .await;
    assert_eq!(retire.code, OK, "{}\n{}", retire.stdout, retire.stderr);

    // Step 5 — canary it on churn-prod to 100%.
    let plan = env.file("v6.toml", &canary_of_v6());
    let canary = env
        .run_as(
            "dev",
            &["canary", "churn-prod", "--plan", &plan, "--wait", "--yes"],
        )
        .await;
    assert_eq!(canary.code, OK, "{}\n{}", canary.stdout, canary.stderr);
    // Promoted: the new version takes all the traffic.
    let split = env.split().await;
    assert_eq!(split.percent("churn_model-6"), 100, "{split:?}");
    assert_eq!(split.percent("churn_model-4"), 0, "{split:?}");

    // Every change is in the journal, each with a result that says ok.
    let mut actions: Vec<String> = Vec::new();
    let mut results = 0;
    for line in env.journal().lines() {
        let rec: Value = serde_json::from_str(line).unwrap();
        match rec["type"].as_str() {
            Some("attempt") => actions.push(rec["action"].as_str().unwrap().to_string()),
            Some("result") => {
                assert_eq!(rec["outcome"], "ok", "{line}");
                results += 1;
            }
            _ => {}
        }
    }
    assert_eq!(actions.first().map(String::as_str), Some("retrain"));
    assert!(actions.contains(&"approve".to_string()), "{actions:?}");
    assert!(actions.contains(&"traffic".to_string()), "{actions:?}");
    assert_eq!(
        actions.iter().filter(|a| *a == "canary").count(),
        4,
        "added at 0%, then 10%, 50% and 100%: {actions:?}"
    );
    assert_eq!(results, actions.len(), "a result for every attempt");
}
