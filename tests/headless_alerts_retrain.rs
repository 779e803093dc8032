//! Automatic retraining by an alert rule (`retrain = true` in alerts.toml), headless against the
//! simulator: `alerts --watch` starts exactly one run when the demo's drift rule fires, journaled
//! as automatic; a later evaluation in the same window (another process: `alerts --once
//! --retrain`) starts none and says so; `alerts --once` without `--retrain` starts nothing; a
//! read-only profile starts none and says why; a model that cannot be told is said, not guessed;
//! a misplaced `retrain` is a config error with its line. Only 127.0.0.1 is contacted.

mod headless_support;

use serde_json::Value;

use headless_support::{CONFIG, Env, posts};

const GATE: i32 = 7;
const RUN_NOW: &str = "/api/2.2/jobs/run-now";
const DRIFT_RETRAINS: &str = "defaults = false\n[[rule]]\nname = \"drift\"\nkind = \"feature_drift\"\ntarget = \"main.ml.churn_inference\"\nretrain = true\n";

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn retrains(lines: &[Value]) -> Vec<&Value> {
    lines
        .iter()
        .filter(|l| l["change"] == "auto_retrain")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_firing_drift_rule_retrains_once_per_window_journaled_as_automatic() {
    let env = Env::new("").await;
    env.file("config/alerts.toml", DRIFT_RETRAINS);

    // A cron gate retrains only when asked.
    let out = env.run_as("dev", &["alerts", "--once"]).await;
    assert_eq!(out.code, GATE, "{}", out.stderr);
    assert!(
        out.stderr.contains("retrains only with --retrain"),
        "{}",
        out.stderr
    );
    assert_eq!(posts(&env.sim, RUN_NOW), 0);

    let watch = ["alerts", "--watch", "--interval", "1", "--cycles", "2"];
    let out = env.run_as("dev", &watch).await;
    assert_eq!(out.code, GATE, "{}\n{}", out.stdout, out.stderr);
    let all = lines(&out.stdout);
    let fired: Vec<&Value> = all.iter().filter(|l| l["change"] == "fired").collect();
    assert_eq!(fired.len(), 1, "{}", out.stdout);
    assert_eq!(fired[0]["alert"]["retrain"], true);
    let done = retrains(&all);
    assert_eq!(done.len(), 1, "{}", out.stdout);
    let r = done[0];
    assert_eq!(r["outcome"], "started", "{r}");
    assert_eq!(r["rule"], "drift");
    assert_eq!(r["model"], "main.ml.churn_model");
    let window = r["window"].as_str().expect("the window").to_string();
    let run_id = r["run_id"].as_i64().unwrap();
    assert_eq!(posts(&env.sim, RUN_NOW), 1, "exactly one run started");
    let journal = env.journal();
    assert!(
        journal.contains("retrain main.ml.churn_model (automatic): alert drift"),
        "{journal}"
    );
    let run = env.client().get_job_run(run_id).await.unwrap();
    assert_eq!(run.parameter("window"), Some(window.as_str()));
    assert_eq!(run.parameter("monitor"), Some("main.ml.churn_inference"));
    assert_eq!(run.parameter("feature"), Some("tenure_months"));

    // The same window again, in another process: the guard remembers it.
    let out = env
        .run_as("dev", &["alerts", "--once", "--retrain", "--json"])
        .await;
    assert_eq!(out.code, GATE, "{}", out.stderr);
    let v = out.stdout_json();
    let done = v["automatic_retraining"].as_array().expect("the outcomes");
    assert_eq!(done.len(), 1, "{v}");
    assert_eq!(done[0]["outcome"], "skipped");
    assert!(
        done[0]["why"]
            .as_str()
            .unwrap()
            .contains(&format!("already retrained for window {window}")),
        "{}",
        done[0]
    );
    assert_eq!(posts(&env.sim, RUN_NOW), 1, "no second run in the window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_starts_none_and_says_why() {
    let env = Env::new("").await;
    env.file("config/alerts.toml", DRIFT_RETRAINS);
    let out = env
        .run_as("dev", &["--readonly", "alerts", "--once", "--retrain"])
        .await;
    assert_eq!(out.code, GATE, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("automatic retraining skipped (alert drift/main.ml.churn_inference.tenure_months): the profile is read-only"),
        "{}",
        out.stdout
    );
    let watch = ["--readonly", "alerts", "--watch", "--cycles", "1"];
    let out = env.run_as("dev", &watch).await;
    let all = lines(&out.stdout);
    let done = retrains(&all);
    assert_eq!(done.len(), 1, "{}", out.stdout);
    assert_eq!(done[0]["outcome"], "skipped");
    assert!(done[0]["why"].as_str().unwrap().contains("read-only"));
    assert_eq!(posts(&env.sim, RUN_NOW), 0);
    assert_eq!(env.journal_lines(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_that_cannot_be_told_is_said_and_misplaced_options_are_config_errors() {
    let env = Env::new("[retraining]\n\"main.ml.a\" = 1\n\"main.ml.b\" = 2\n").await;
    env.file("config/alerts.toml", DRIFT_RETRAINS);
    let out = env
        .run_as("dev", &["alerts", "--once", "--retrain", "--json"])
        .await;
    let v = out.stdout_json();
    let done = &v["automatic_retraining"][0];
    assert_eq!(done["outcome"], "skipped", "{v}");
    let why = done["why"].as_str().unwrap();
    assert!(
        why.contains("cannot tell which model to retrain")
            && why.contains("main.ml.a, main.ml.b")
            && why.contains("set model ="),
        "{why}"
    );
    assert_eq!(posts(&env.sim, RUN_NOW), 0);

    env.file(
        "config/alerts.toml",
        "[[rule]]\nname = \"jobs\"\nkind = \"job_run_failed\"\nretrain = true\n",
    );
    let out = env.run_as("dev", &["alerts"]).await;
    assert_eq!(out.code, CONFIG, "{}", out.stderr);
    assert!(
        out.stderr.contains("alerts.toml:1:")
            && out
                .stderr
                .contains("retrain is not a parameter of kind job_run_failed"),
        "{}",
        out.stderr
    );
    let out = env.run_as("dev", &["alerts", "--watch", "--retrain"]).await;
    assert_ne!(out.code, 0, "--retrain belongs to --once");
}
