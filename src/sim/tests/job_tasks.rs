//! The multi-task jobs on a manual clock: `churn-batch-score` task by task with what each task
//! reports, `runs/get-output` (and its 400 on a multi-task parent), a seeded failure with its
//! error and trace, repair, asynchronous cancel, the `runs/list` time window, and `runs/get` /
//! `jobs/get` paging arrays over 100.

use std::time::Duration;

use serde_json::{Value, json};

use super::jobs::{CANCEL, GET, RUN_NOW, RUNS_GET, RUNS_LIST, job_id};
use super::*;
use crate::api::models::jobs::{Job, JobSettings, JobTask};
use crate::sim::jobs::{Report, Script, SimJob, StepScript};

const OUTPUT: &str = "/api/2.2/jobs/runs/get-output";
const REPAIR: &str = "/api/2.2/jobs/runs/repair";
const MULTI_TASK: &str = "Retrieving the output of runs with multiple tasks is not supported. \
                          Please retrieve the output of each individual task run instead.";

fn advance_ms(t: &TestSim, ms: u64) {
    t.sim.clock.advance(Duration::from_millis(ms));
}

async fn get_run(t: &TestSim, run_id: i64) -> Value {
    t.ok_get(RUNS_GET, &[("run_id", &run_id.to_string())]).await
}

async fn output(t: &TestSim, run_id: i64) -> Value {
    t.ok_get(OUTPUT, &[("run_id", &run_id.to_string())]).await
}

fn life(v: &Value) -> (&str, Option<&str>) {
    (
        v["state"]["life_cycle_state"].as_str().unwrap_or(""),
        v["state"]["result_state"].as_str(),
    )
}

/// `(task_key, life cycle, result)` of each task.
fn tasks(run: &Value) -> Vec<(String, String, Option<String>)> {
    run["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let (l, r) = life(t);
            (
                t["task_key"].as_str().unwrap().to_string(),
                l.to_string(),
                r.map(str::to_string),
            )
        })
        .collect()
}

fn task_id(run: &Value, key: &str) -> i64 {
    run["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task_key"] == key)
        .unwrap()["run_id"]
        .as_i64()
        .unwrap()
}

fn t3(k: &str, l: &str, r: Option<&str>) -> (String, String, Option<String>) {
    (k.to_string(), l.to_string(), r.map(str::to_string))
}

#[tokio::test]
async fn a_batch_score_run_goes_task_by_task_and_reports_what_it_wrote() {
    let t = sim().await;
    let job = job_id(&t, "churn-batch-score").await;
    let started = t.sim.clock.now_ms();
    let body = json!({
        "job_id": job,
        "job_parameters": {"output_table": "main.ml.churn_scores_rerun"},
        "idempotency_token": "score-2026-01-01",
    });
    let first = t.ok_post(RUN_NOW, body.clone()).await["run_id"]
        .as_i64()
        .unwrap();
    let run = get_run(&t, first).await;
    assert_eq!(life(&run), ("PENDING", None));
    assert_eq!(run["status"]["state"], "PENDING");
    assert_eq!(
        tasks(&run),
        [
            t3("load_features", "PENDING", None),
            t3("score", "PENDING", None),
            t3("write_predictions", "PENDING", None),
        ]
    );
    // The same token answers the same run and starts nothing.
    let again = t.ok_post(RUN_NOW, body).await["run_id"].as_i64().unwrap();
    assert_eq!(again, first);
    let active = t
        .ok_get(
            RUNS_LIST,
            &[("job_id", &job.to_string()), ("active_only", "true")],
        )
        .await;
    assert_eq!(active["runs"].as_array().unwrap().len(), 1);

    advance_ms(&t, 3_000);
    let run = get_run(&t, first).await;
    assert_eq!(life(&run), ("RUNNING", None));
    assert_eq!(run["status"]["state"], "RUNNING");
    assert_eq!(tasks(&run)[0], t3("load_features", "RUNNING", None));
    assert_eq!(tasks(&run)[1], t3("score", "PENDING", None));
    assert_eq!(run["tasks"][0]["start_time"], started + 3_000);
    assert_eq!(run["tasks"][1]["start_time"], 0);

    advance_ms(&t, 4_000);
    let run = get_run(&t, first).await;
    assert_eq!(
        tasks(&run)[0],
        t3("load_features", "TERMINATED", Some("SUCCESS"))
    );
    assert_eq!(tasks(&run)[1], t3("score", "RUNNING", None));
    assert_eq!(run["tasks"][0]["end_time"], started + 7_000);
    let loaded = output(&t, task_id(&run, "load_features")).await;
    let result: Value =
        serde_json::from_str(loaded["notebook_output"]["result"].as_str().unwrap()).unwrap();
    assert_eq!(result["feature_table"], "main.features.customer_features");
    let rows = result["rows_loaded"].as_i64().unwrap();
    assert!(rows > 0);
    // A task still running has no output yet, only its metadata.
    let running = output(&t, task_id(&run, "score")).await;
    assert_eq!(running["metadata"]["state"]["life_cycle_state"], "RUNNING");
    assert!(running.get("notebook_output").is_none());

    advance_ms(&t, 8_000);
    let run = get_run(&t, first).await;
    assert_eq!(life(&run), ("TERMINATED", Some("SUCCESS")));
    assert_eq!(run["status"]["termination_details"]["code"], "SUCCESS");
    assert_eq!(run["end_time"], started + 15_000, "about 15 s");
    assert_eq!(run["run_duration"], 15_000);
    assert!(
        tasks(&run)
            .iter()
            .all(|t| t.2.as_deref() == Some("SUCCESS"))
    );

    // The parent of a multi-task run has no output of its own: 400, as the real service.
    let (status, body) = t.get(OUTPUT, &[("run_id", &first.to_string())]).await;
    assert_eq!(status, 400);
    assert_error(&body, "INVALID_PARAMETER_VALUE");
    assert_eq!(body["message"], MULTI_TASK);
    let write_id = task_id(&run, "write_predictions");
    let written = output(&t, write_id).await;
    assert_eq!(written["metadata"]["run_id"], write_id);
    assert_eq!(written["metadata"]["job_run_id"], first);
    assert_eq!(written["metadata"]["state"]["result_state"], "SUCCESS");
    let result: Value =
        serde_json::from_str(written["notebook_output"]["result"].as_str().unwrap()).unwrap();
    assert_eq!(result["output_table"], "main.ml.churn_scores_rerun");
    assert_eq!(result["rows_scored"], rows);
    assert_eq!(result["rows_written"], rows);
    // A task run reads on its own through runs/get too.
    let task = get_run(&t, write_id).await;
    assert_eq!(task["run_id"], write_id);
    assert_eq!(task["job_run_id"], first);
    let (status, _) = t.get(OUTPUT, &[("run_id", "456")]).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_seeded_failure_carries_its_error_and_trace_and_repairs() {
    let t = sim().await;
    let job = job_id(&t, "churn-batch-score").await;
    let history = t
        .ok_get(RUNS_LIST, &[("job_id", &job.to_string()), ("limit", "25")])
        .await;
    let runs = history["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 10);
    let failed: Vec<&Value> = runs
        .iter()
        .filter(|r| life(r).1 == Some("FAILED"))
        .collect();
    assert_eq!(failed.len(), 1);
    let failed_id = failed[0]["run_id"].as_i64().unwrap();
    let run = get_run(&t, failed_id).await;
    assert_eq!(
        tasks(&run),
        [
            t3("load_features", "TERMINATED", Some("SUCCESS")),
            t3("score", "TERMINATED", Some("FAILED")),
            t3("write_predictions", "TERMINATED", Some("UPSTREAM_FAILED")),
        ]
    );
    let details = &run["status"]["termination_details"];
    assert_eq!(details["code"], "RUN_EXECUTION_ERROR");
    assert!(
        details["message"]
            .as_str()
            .unwrap()
            .starts_with("Task score failed")
    );
    let out = output(&t, task_id(&run, "score")).await;
    let error = out["error"].as_str().unwrap();
    assert!(error.contains("alias champion not found"), "{error}");
    let trace = out["error_trace"].as_str().unwrap();
    assert!(
        trace.contains("Traceback") && trace.ends_with(error),
        "{trace}"
    );
    assert!(out.get("notebook_output").is_none());

    // Repair the failed tasks: new task runs, the next attempt, the history of attempts.
    let repaired_at = t.sim.clock.now_ms();
    let answer = t
        .ok_post(
            REPAIR,
            json!({"run_id": failed_id, "rerun_all_failed_tasks": true}),
        )
        .await;
    let repair_id = answer["repair_id"].as_i64().unwrap();
    let run = get_run(&t, failed_id).await;
    assert_eq!(life(&run), ("PENDING", None));
    assert_eq!(tasks(&run)[0].2.as_deref(), Some("SUCCESS"), "not rerun");
    assert_eq!(tasks(&run)[1], t3("score", "PENDING", None));
    assert_eq!(run["tasks"][1]["attempt_number"], 1);
    let history = run["repair_history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["type"], "ORIGINAL");
    assert_eq!(history[1]["type"], "REPAIR");
    assert_eq!(history[1]["id"], repair_id);
    let rerun: Vec<i64> = serde_json::from_value(history[1]["task_run_ids"].clone()).unwrap();
    assert_eq!(
        rerun,
        [task_id(&run, "score"), task_id(&run, "write_predictions")]
    );
    // An active run cannot be repaired.
    let (status, _) = t
        .post(
            REPAIR,
            json!({"run_id": failed_id, "rerun_tasks": ["score"], "latest_repair_id": repair_id}),
        )
        .await;
    assert_eq!(status, 400);

    advance_ms(&t, 20_000);
    let run = get_run(&t, failed_id).await;
    assert_eq!(life(&run), ("TERMINATED", Some("SUCCESS")));
    assert_eq!(run["repair_history"][1]["end_time"], repaired_at + 11_000);
    let out = output(&t, task_id(&run, "write_predictions")).await;
    assert!(
        out["notebook_output"]["result"]
            .as_str()
            .unwrap()
            .contains("rows_written")
    );

    // From the second repair on, the latest repair must be named.
    let (status, body) = t
        .post(
            REPAIR,
            json!({"run_id": failed_id, "rerun_tasks": ["score"]}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_error(&body, "INVALID_PARAMETER_VALUE");
    for bad in [
        json!({"run_id": failed_id, "rerun_tasks": ["nope"], "latest_repair_id": repair_id}),
        json!({"run_id": failed_id}),
        json!({"run_id": failed_id, "rerun_tasks": ["score"], "rerun_all_failed_tasks": true,
               "latest_repair_id": repair_id}),
        json!({"run_id": failed_id, "rerun_all_failed_tasks": true, "latest_repair_id": repair_id}),
    ] {
        let (status, body) = t.post(REPAIR, bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    t.ok_post(
        REPAIR,
        json!({"run_id": failed_id, "rerun_tasks": ["score"], "latest_repair_id": repair_id}),
    )
    .await;
}

#[tokio::test]
async fn a_score_with_a_missing_alias_fails_and_skips_the_write() {
    let t = sim().await;
    let job = job_id(&t, "churn-batch-score").await;
    let body = json!({"job_id": job,
                      "job_parameters": {"model_uri": "models:/main.ml.churn_model@nope"}});
    let id = t.ok_post(RUN_NOW, body).await["run_id"].as_i64().unwrap();
    advance_ms(&t, 30_000);
    let run = get_run(&t, id).await;
    assert_eq!(life(&run), ("TERMINATED", Some("FAILED")));
    assert_eq!(tasks(&run)[2].2.as_deref(), Some("UPSTREAM_FAILED"));
    assert_eq!(
        run["end_time"].as_i64(),
        run["tasks"][1]["end_time"].as_i64()
    );
    let out = output(&t, task_id(&run, "score")).await;
    assert!(
        out["error"]
            .as_str()
            .unwrap()
            .contains("alias nope not found")
    );
}

#[tokio::test]
async fn cancel_is_asynchronous_and_keeps_what_already_ended() {
    let t = sim().await;
    let job = job_id(&t, "churn-batch-score").await;
    let id = t.ok_post(RUN_NOW, json!({"job_id": job})).await["run_id"]
        .as_i64()
        .unwrap();
    advance_ms(&t, 8_000);
    let asked = t.sim.clock.now_ms();
    t.ok_post(CANCEL, json!({"run_id": id})).await;
    let run = get_run(&t, id).await;
    assert_eq!(life(&run), ("TERMINATING", None));
    assert_eq!(run["status"]["state"], "TERMINATING");
    assert_eq!(run["end_time"], 0);
    // Asking again changes nothing; nothing moves on meanwhile.
    t.ok_post(CANCEL, json!({"run_id": id})).await;
    advance_ms(&t, 1_999);
    assert_eq!(life(&get_run(&t, id).await), ("TERMINATING", None));
    advance_ms(&t, 1);
    let run = get_run(&t, id).await;
    assert_eq!(life(&run), ("TERMINATED", Some("CANCELED")));
    assert_eq!(
        run["status"]["termination_details"]["code"],
        "USER_CANCELED"
    );
    assert_eq!(run["end_time"], asked + 2_000);
    assert_eq!(tasks(&run)[0].2.as_deref(), Some("SUCCESS"));
    assert_eq!(tasks(&run)[1].2.as_deref(), Some("CANCELED"));
    assert_eq!(tasks(&run)[2].2.as_deref(), Some("CANCELED"));
    advance_ms(&t, 60_000);
    assert_eq!(get_run(&t, id).await, run);
}

#[tokio::test]
async fn runs_list_reads_a_time_window() {
    let t = sim().await;
    let job = job_id(&t, "feature-refresh").await.to_string();
    let all = t
        .ok_get(RUNS_LIST, &[("job_id", &job), ("limit", "25")])
        .await;
    let starts: Vec<i64> = all["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["start_time"].as_i64().unwrap())
        .collect();
    assert_eq!(starts.len(), 24);
    let (from, to) = (starts[5], starts[2]);
    let window = t
        .ok_get(
            RUNS_LIST,
            &[
                ("job_id", &job),
                ("start_time_from", &from.to_string()),
                ("start_time_to", &to.to_string()),
            ],
        )
        .await;
    let got: Vec<i64> = window["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["start_time"].as_i64().unwrap())
        .collect();
    assert_eq!(got, starts[2..=5]);
    let (status, _) = t
        .get(
            RUNS_LIST,
            &[
                ("start_time_from", &to.to_string()),
                ("start_time_to", &from.to_string()),
            ],
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn arrays_over_a_hundred_are_paged_on_get() {
    let t = sim().await;
    let job_id = 4242;
    {
        let mut world = t.sim.shared.world_as_stored();
        let tasks: Vec<JobTask> = (0..150)
            .map(|i| JobTask {
                task_key: format!("t{i:03}"),
                ..Default::default()
            })
            .collect();
        let steps = (0..150)
            .map(|_| StepScript {
                running_ms: 10,
                report: Report::Refreshed {
                    table: "main.x.y".into(),
                },
            })
            .collect();
        world.jobs.jobs.push(SimJob {
            job: Job {
                job_id,
                settings: JobSettings {
                    name: "fan-out".into(),
                    tasks,
                    ..Default::default()
                },
                ..Default::default()
            },
            script: Script::Tasks(steps),
        });
    }
    let job = t.ok_get(GET, &[("job_id", "4242")]).await;
    assert_eq!(job["settings"]["tasks"].as_array().unwrap().len(), 100);
    let token = job["next_page_token"].as_str().unwrap();
    let rest = t
        .ok_get(GET, &[("job_id", "4242"), ("page_token", token)])
        .await;
    assert_eq!(rest["settings"]["tasks"].as_array().unwrap().len(), 50);
    assert_eq!(rest["settings"]["tasks"][0]["task_key"], "t100");
    assert!(rest.get("next_page_token").is_none());

    let id = t.ok_post(RUN_NOW, json!({"job_id": job_id})).await["run_id"]
        .as_i64()
        .unwrap();
    let first = get_run(&t, id).await;
    assert_eq!(first["tasks"].as_array().unwrap().len(), 100);
    let token = first["next_page_token"].as_str().unwrap();
    let rest = t
        .ok_get(
            RUNS_GET,
            &[("run_id", &id.to_string()), ("page_token", token)],
        )
        .await;
    let keys = strings(&rest["tasks"], "task_key");
    assert_eq!(keys.len(), 50);
    assert_eq!(keys[0], "t100");
    assert!(rest.get("next_page_token").is_none());
    assert_eq!(rest["run_id"], id);
}
