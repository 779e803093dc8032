//! `retrain MODEL` as the binary against the simulator: the plan (the job found by its tag or
//! by `[retraining]`, the parameters that say why) without --yes; refusals on read-only and
//! production profiles before anything is sent; the error naming the config line when no job
//! retrains the model, or when config.toml names a job that does not exist or is malformed; a
//! started retrain journaled as `retrain`. Following a run to its version: `ops_retrain.rs`
//! and `headless_retrain_loop.rs`. Only 127.0.0.1 is contacted.

mod headless_support;

use headless_support::{
    CONFIG, CONFLICT_OR_PERMISSION, Env, NOT_FOUND, OK, PRODUCTION, USAGE, posts,
};

const MODEL: &str = "main.ml.churn_model";
const RUN_NOW: &str = "/api/2.2/jobs/run-now";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_yes_the_plan_names_the_job_and_the_reasons_and_nothing_is_sent() {
    let env = Env::new("").await;
    let args = [
        "retrain",
        MODEL,
        "--reason",
        "drift",
        "--monitor",
        "main.ml.churn_inference",
        "--feature",
        "tenure_months",
    ];
    let out = env.run_as("dev", &args).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "retrain main.ml.churn_model with job churn-retrain (907245117743512, found by its \
             mlops.retrains tag)"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "parameters: feature=tenure_months, monitor=main.ml.churn_inference, reason=drift"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("add --yes"), "{}", out.stderr);
    assert_eq!(posts(&env.sim, RUN_NOW), 0);
    assert_eq!(env.journal_lines(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_and_production_profiles_refuse_before_anything_is_sent() {
    let env = Env::new(PRODUCTION).await;
    let ro = env
        .run_as("dev", &["--readonly", "retrain", MODEL, "--yes"])
        .await;
    assert_eq!(ro.code, CONFLICT_OR_PERMISSION, "{}", ro.stderr);
    assert!(ro.stderr.contains("read-only"), "{}", ro.stderr);

    let prod = env.run_as("prod", &["retrain", MODEL, "--yes"]).await;
    assert_eq!(prod.code, USAGE, "{}", prod.stderr);
    assert!(
        prod.stderr.contains("--confirm main.ml.churn_model"),
        "{}",
        prod.stderr
    );
    let wrong = env
        .run_as("prod", &["retrain", MODEL, "--yes", "--confirm", "churn"])
        .await;
    assert_eq!(wrong.code, USAGE, "{}", wrong.stderr);
    assert_eq!(posts(&env.sim, RUN_NOW), 0);
    assert_eq!(env.journal_lines(), 0);

    let ok = env
        .run_as("prod", &["retrain", MODEL, "--yes", "--confirm", MODEL])
        .await;
    assert_eq!(ok.code, OK, "{}", ok.stderr);
    assert_eq!(posts(&env.sim, RUN_NOW), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_no_job_retrains_names_the_config_line_that_fixes_it() {
    let env = Env::new("").await;
    let out = env
        .run_as("dev", &["retrain", "main.ml.fraud_model", "--yes"])
        .await;
    assert_eq!(out.code, NOT_FOUND, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("add `[retraining] \"main.ml.fraud_model\" = JOB_ID`"),
        "{}",
        out.stderr
    );
    assert_eq!(posts(&env.sim, RUN_NOW), 0);

    env.write_config("[retraining]\n\"main.ml.churn_model\" = 42\n");
    let missing = env.run_as("dev", &["retrain", MODEL, "--yes"]).await;
    assert_eq!(missing.code, CONFIG, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("no such job exists"),
        "{}",
        missing.stderr
    );

    env.write_config("[retraining]\n\"main.ml.churn_model\" = \"churn-retrain\"\n");
    let bad = env.run_as("dev", &["retrain", MODEL, "--yes"]).await;
    assert_eq!(bad.code, CONFIG, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("config.toml:2") && bad.stderr.contains("job id"),
        "{}",
        bad.stderr
    );
    assert_eq!(posts(&env.sim, RUN_NOW), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_retrain_is_journaled_as_a_retrain_with_its_reason() {
    let env = Env::new("").await;
    let out = env
        .run_as(
            "dev",
            &[
                "retrain",
                MODEL,
                "--reason",
                "quality below floor",
                "--yes",
                "--json",
            ],
        )
        .await;
    let doc = out.json();
    assert_eq!(doc["executed"], true);
    assert_eq!(doc["plan"]["job"]["source"], "tag");
    let run_id = doc["run_id"].as_i64().unwrap();
    let journal = env.journal();
    let attempt: serde_json::Value = serde_json::from_str(journal.lines().next().unwrap()).unwrap();
    assert_eq!(attempt["action"], "retrain", "{journal}");
    assert!(
        attempt["comment"]
            .as_str()
            .unwrap()
            .starts_with("retrain main.ml.churn_model: quality below floor"),
        "{journal}"
    );
    let run = env.client().get_job_run(run_id).await.unwrap();
    assert_eq!(run.parameter("reason"), Some("quality below floor"));
    assert_eq!(posts(&env.sim, RUN_NOW), 1);
}
