//! The Jobs commands as the binary against the simulator: `jobs`, `job JOB`, `job-run RUN_ID`
//! (tables and JSON shapes), `jobs run` and `jobs cancel` (plan without --yes, read-only and
//! production refusals, run --wait to SUCCESS, cancel --wait to CANCELED, the journal). The
//! same changes through the library on a manual clock: `headless_jobs_pipeline.rs`. Only
//! 127.0.0.1 is contacted.

mod headless_support;

use mlops_console::api::models::jobs::RunNowRequest;
use serde_json::Value;

use headless_support::{
    CONFLICT_OR_PERMISSION, Env, NOT_FOUND, OK, PRODUCTION, USAGE, job_id, posts, runs_of,
};

const SCORE: &str = "churn-batch-score";
const REFRESH: &str = "feature-refresh";
const RETRAIN: &str = "churn-retrain";
const RUN_NOW: &str = "/api/2.2/jobs/run-now";
const CANCEL: &str = "/api/2.2/jobs/runs/cancel";

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_lists_the_demo_jobs_with_schedule_tags_creator_and_last_run() {
    let env = Env::new("").await;
    let out = env.run_as("dev", &["jobs", "--json"]).await;
    let jobs = out.json();
    let jobs = jobs.as_array().expect("an array of jobs");
    let names: Vec<&str> = jobs.iter().map(|j| str_of(j, "name")).collect();
    assert_eq!(names, [RETRAIN, SCORE, REFRESH]);
    for j in jobs {
        assert!(j["job_id"].as_i64().unwrap() > 0, "{j}");
        assert!(str_of(j, "schedule").ends_with("(UTC)"), "{j}");
        assert_eq!(j["paused"], Value::Bool(false), "{j}");
        assert_eq!(j["tags"]["team"], "churn", "{j}");
        assert_eq!(str_of(j, "creator"), "ml-eng@acme.com");
        let last = &j["last_run"];
        assert!(last["run_id"].as_i64().is_some(), "{j}");
        assert!(last["state"].as_str().is_some(), "{j}");
        // The latest ended run of each demo job succeeded.
        assert_eq!(j["failing"], Value::Bool(false), "{j}");
    }
    // The nightly retrain is running; the others ended, with a duration.
    assert_eq!(str_of(&jobs[0]["last_run"], "state"), "RUNNING");
    assert_eq!(jobs[1]["last_run"]["state"], "TERMINATED SUCCESS");
    assert!(jobs[1]["last_run"]["duration_ms"].as_i64().unwrap() > 0);

    let table = env.run_as("dev", &["jobs"]).await;
    assert_eq!(table.code, OK, "{}", table.stderr);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("JOB_ID") && lines[0].contains("LAST RUN"));
    assert!(lines[2].contains(SCORE) && lines[2].contains("TERMINATED SUCCESS ("));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_lists_its_runs_by_name_or_id_and_active_only_keeps_the_running_one() {
    let env = Env::new("").await;
    let out = env.run_as("dev", &["job", SCORE, "--json"]).await;
    let doc = out.json();
    assert_eq!(doc["name"], SCORE);
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 10, "the demo's ten daily runs");
    let failed: Vec<&Value> = runs
        .iter()
        .filter(|r| r["state"] == "TERMINATED FAILED")
        .collect();
    assert_eq!(failed.len(), 1, "{runs:?}");
    assert!(str_of(failed[0], "message").contains("Registered model alias champion not found"));
    for r in runs {
        assert_eq!(r["trigger"], "PERIODIC");
        assert_eq!(r["run_by"], "ml-eng@acme.com");
        assert!(r["start_time"].as_i64().is_some());
        let params = r["parameters"].as_array().unwrap();
        assert!(
            params
                .iter()
                .any(|p| p["name"] == "output_table" && p["value"] == "main.ml.churn_scores"),
            "{r}"
        );
    }
    let starts: Vec<i64> = runs
        .iter()
        .map(|r| r["start_time"].as_i64().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first");

    // By id, and only the active ones: the nightly retrain in progress.
    let id = doc["job_id"].as_i64().unwrap().to_string();
    let by_id = env
        .run_as("dev", &["job", &id, "--max", "3", "--json"])
        .await;
    assert_eq!(by_id.json()["runs"].as_array().unwrap().len(), 3);
    let active = env
        .run_as("dev", &["job", RETRAIN, "--active-only", "--json"])
        .await
        .json();
    let active = active["runs"].as_array().unwrap();
    assert_eq!(active.len(), 1, "{active:?}");
    assert_eq!(active[0]["state"], "RUNNING");

    let table = env.run_as("dev", &["job", REFRESH]).await;
    assert_eq!(table.code, OK);
    assert!(table.stdout.starts_with("RUN_ID"), "{}", table.stdout);
    assert!(table.stdout.contains("lookback_days=30"));

    // A name is exact: another case, or a name that is not there, is not found.
    for missing in ["Churn-Batch-Score", "no-such-job", "12345"] {
        let out = env.run_as("dev", &["job", missing]).await;
        assert_eq!(out.code, NOT_FOUND, "{missing}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("job '{missing}' not found")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_run_shows_tasks_the_error_of_a_failed_task_and_what_a_run_wrote() {
    let env = Env::new("").await;
    let c = env.client();
    let runs = runs_of(&c, job_id(&c, SCORE).await).await;
    let failed = runs
        .iter()
        .find(|r| r.state_label() == "TERMINATED FAILED")
        .unwrap();
    let id = failed.run_id.to_string();
    let view = env.run_as("dev", &["job-run", &id, "--json"]).await.json();
    assert_eq!(view["run_id"].as_i64(), Some(failed.run_id));
    assert_eq!(view["state"], "TERMINATED FAILED");
    let tasks = view["tasks"].as_array().unwrap();
    let keys: Vec<&str> = tasks.iter().map(|t| str_of(t, "task_key")).collect();
    assert_eq!(keys, ["load_features", "score", "write_predictions"]);
    let score = &tasks[1];
    assert_eq!(score["state"], "TERMINATED FAILED");
    assert!(score["attempt"].as_i64().is_some());
    assert!(score["duration_ms"].as_i64().unwrap() > 0);
    // The error comes from runs/get-output of the task run, not of the parent.
    assert!(str_of(score, "error").starts_with("MlflowException: RESOURCE_DOES_NOT_EXIST"));
    assert!(str_of(score, "error_trace").contains("Traceback"));
    assert_eq!(tasks[2]["state"], "TERMINATED UPSTREAM_FAILED");
    // Asked of the task runs, never of the parent (which answers 400).
    let outputs: Vec<Option<u16>> = env
        .sim
        .request_log()
        .iter()
        .filter(|r| r.path.ends_with("/runs/get-output"))
        .map(|r| r.status)
        .collect();
    assert!(
        !outputs.is_empty() && outputs.iter().all(|s| *s == Some(200)),
        "{outputs:?}"
    );
    let table = env.run_as("dev", &["job-run", &id]).await;
    assert_eq!(table.code, OK);
    assert!(table.stdout.contains("score failed:\n"), "{}", table.stdout);
    assert!(
        table
            .stdout
            .contains("  MlflowException: RESOURCE_DOES_NOT_EXIST")
    );

    // A successful batch-scoring run: how many rows it scored, and where it wrote them.
    let ok = runs.iter().find(|r| r.succeeded()).unwrap();
    let ok_id = ok.run_id.to_string();
    let view = env
        .run_as("dev", &["job-run", &ok_id, "--json"])
        .await
        .json();
    assert_eq!(view["wrote"]["output_table"], "main.ml.churn_scores");
    let rows: i64 = str_of(&view["wrote"], "rows_scored").parse().unwrap();
    assert!(rows > 0);
    assert!(view["mlflow_run"].is_null());

    // The nightly retrain in progress: the MLflow run it is logging.
    let active = runs_of(&c, job_id(&c, RETRAIN).await).await;
    let nightly = active.iter().find(|r| !r.is_terminal()).unwrap();
    let nid = nightly.run_id.to_string();
    let view = env.run_as("dev", &["job-run", &nid, "--json"]).await.json();
    assert_eq!(view["mlflow_run"]["experiment"], "/Shared/churn/training");
    assert_eq!(view["mlflow_run"]["run_name"], "xgb-nightly-retrain");

    // The training job's history: a notebook failure and a platform failure.
    let retrain = runs_of(&c, job_id(&c, RETRAIN).await).await;
    let labels: Vec<String> = retrain.iter().map(|r| r.state_label()).collect();
    assert!(
        labels.iter().any(|l| l == "INTERNAL_ERROR FAILED"),
        "{labels:?}"
    );
    let spark = retrain
        .iter()
        .find(|r| r.state_label() == "TERMINATED FAILED")
        .unwrap();
    let sid = spark.run_id.to_string();
    let view = env.run_as("dev", &["job-run", &sid, "--json"]).await.json();
    let train = &view["tasks"][0];
    assert_eq!(train["task_key"], "train");
    assert!(str_of(train, "error").starts_with("org.apache.spark.SparkException"));

    let missing = env.run_as("dev", &["job-run", "42"]).await;
    assert_eq!(missing.code, NOT_FOUND, "{}", missing.stderr);
    assert!(missing.stderr.starts_with("error: job run 42 not found"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_run_prints_the_plan_without_yes_and_refuses_read_only_and_unconfirmed_production() {
    let env = Env::new(&format!(
        "{PRODUCTION}[profiles.analyst]\nreadonly = true\n"
    ))
    .await;
    let args = [
        "jobs",
        "run",
        SCORE,
        "--param",
        "output_table=main.ml.scratch",
    ];
    let plan = env.run_as("dev", &args).await;
    assert_eq!(plan.code, OK, "{}", plan.stderr);
    assert!(
        plan.stdout.starts_with(&format!("run job {SCORE} (")),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("output_table=main.ml.scratch\n"));
    assert!(
        plan.stdout
            .contains("model_uri=models:/main.ml.churn_model@champion (default)")
    );
    assert!(plan.stderr.contains("add --yes"));

    let json = env
        .run_as("dev", &[&args[..], &["--json"]].concat())
        .await
        .json();
    assert_eq!(json["executed"], Value::Bool(false));
    assert_eq!(json["plan"]["job"], SCORE);
    let params = json["plan"]["parameters"].as_array().unwrap();
    assert!(params.iter().any(|p| p["name"] == "output_table"
        && p["value"] == "main.ml.scratch"
        && p["default"] == Value::Bool(false)));

    // An unknown parameter is a usage error; nothing is sent.
    let bad = env
        .run_as("dev", &["jobs", "run", SCORE, "--param", "nope=1", "--yes"])
        .await;
    assert_eq!(bad.code, USAGE);
    assert!(
        bad.stderr
            .contains("no parameter nope; it takes: model_uri, output_table")
    );

    // Read-only: refused before anything is read or sent, by profile or by flag.
    let ro = env
        .run_as("analyst", &["jobs", "run", SCORE, "--yes"])
        .await;
    assert_eq!(ro.code, CONFLICT_OR_PERMISSION, "{}", ro.stderr);
    assert!(ro.stderr.contains("read-only"));
    let flag = env
        .run_as("dev", &["--readonly", "jobs", "run", SCORE, "--yes"])
        .await;
    assert_eq!(flag.code, CONFLICT_OR_PERMISSION);
    // Production: --yes alone is refused; --confirm must name the job.
    let prod = env.run_as("prod", &["jobs", "run", SCORE, "--yes"]).await;
    assert_eq!(prod.code, USAGE, "{}", prod.stderr);
    assert!(prod.stderr.contains(&format!("--confirm {SCORE}")));
    let other = ["jobs", "run", SCORE, "--yes", "--confirm", REFRESH];
    assert_eq!(env.run_as("prod", &other).await.code, USAGE);
    assert_eq!(posts(&env.sim, RUN_NOW), 0);
    assert_eq!(env.journal_lines(), 0, "{}", env.journal());

    let confirmed = ["jobs", "run", SCORE, "--yes", "--confirm", SCORE, "--json"];
    let out = env.run_as("prod", &confirmed).await.json();
    assert_eq!(out["executed"], Value::Bool(true));
    let run = &out["outcome"]["run"];
    assert_eq!(run["trigger"], "ONE_TIME");
    assert!(out["outcome"]["journal_id"].as_str().is_some());
    assert!(
        out["outcome"]["succeeded"].is_null(),
        "not followed without --wait"
    );
    assert_eq!(posts(&env.sim, RUN_NOW), 1);
    assert!(env.journal().contains("\"run_job\""), "{}", env.journal());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_cancel_wait_follows_the_run_to_canceled_and_journals_it() {
    let env = Env::new("[profiles.analyst]\nreadonly = true\n").await;
    let c = env.client();
    let id = c
        .run_now(&RunNowRequest {
            job_id: job_id(&c, SCORE).await,
            ..Default::default()
        })
        .await
        .unwrap()
        .run_id;
    let run_id = id.to_string();

    let plan = env.run_as("dev", &["jobs", "cancel", &run_id]).await;
    assert_eq!(plan.code, OK, "{}", plan.stderr);
    assert!(
        plan.stdout
            .starts_with(&format!("cancel run {run_id} of {SCORE} (now "))
    );
    let ro = env
        .run_as("analyst", &["jobs", "cancel", &run_id, "--yes"])
        .await;
    assert_eq!(ro.code, CONFLICT_OR_PERMISSION, "{}", ro.stderr);
    assert_eq!(posts(&env.sim, CANCEL), 0);
    assert_eq!(env.journal_lines(), 0);

    let args = ["jobs", "cancel", &run_id, "--yes", "--wait", "--json"];
    let out = env.run_as("dev", &args).await;
    let doc = out.json();
    assert_eq!(doc["executed"], Value::Bool(true));
    assert_eq!(doc["outcome"]["outcome"], "ok", "{doc}");
    let verified = &doc["outcome"]["verified"];
    assert_eq!(verified["state"], "TERMINATED CANCELED", "{doc}");
    assert!(
        out.stderr.contains(&format!("run {run_id}: TERMINATING")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&format!("run {run_id}: TERMINATED CANCELED"))
    );
    assert_eq!(posts(&env.sim, CANCEL), 1);
    assert!(
        env.journal().contains("\"cancel_run\""),
        "{}",
        env.journal()
    );
    let ended = c.get_job_run(id).await.unwrap();
    assert_eq!(ended.state_label(), "TERMINATED CANCELED");

    // Once it has ended there is nothing to cancel, and nothing is sent.
    let again = env
        .run_as("dev", &["jobs", "cancel", &run_id, "--yes"])
        .await;
    assert_eq!(again.code, OK);
    assert!(again.stderr.contains("nothing to do"), "{}", again.stderr);
    assert_eq!(posts(&env.sim, CANCEL), 1);
    let missing = env.run_as("dev", &["jobs", "cancel", "42", "--yes"]).await;
    assert_eq!(missing.code, NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_run_wait_as_the_binary_ends_in_success_with_progress_on_stderr() {
    let env = Env::new("").await;
    let args = [
        "jobs",
        "run",
        REFRESH,
        "--param",
        "lookback_days=7",
        "--yes",
        "--wait",
    ];
    let out = env.run_as("dev", &[&args[..], &["--json"]].concat()).await;
    let doc = out.json();
    let outcome = &doc["outcome"];
    assert_eq!(outcome["succeeded"], Value::Bool(true), "{doc}");
    assert_eq!(outcome["run"]["state"], "TERMINATED SUCCESS");
    let id = outcome["run"]["run_id"].as_i64().unwrap();
    for state in ["PENDING", "RUNNING", "TERMINATED SUCCESS"] {
        assert!(
            out.stderr.contains(&format!("run {id}: {state}")),
            "{state}: {}",
            out.stderr
        );
    }
    let run = env.client().get_job_run(id).await.unwrap();
    assert_eq!(run.parameter("lookback_days"), Some("7"));
    let tasks = outcome["ended"]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert!(
        tasks[1]["reported"]["rows_refreshed"].as_str().is_some(),
        "{tasks:?}"
    );
    assert_eq!(posts(&env.sim, RUN_NOW), 1);
}
