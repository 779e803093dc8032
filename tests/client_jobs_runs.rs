//! The newer Jobs calls of the client: every job through the pages, `runs/get-output` of a task
//! run (and the 400 of a multi-task parent), repair, asynchronous cancel, the `runs/list` time
//! window — over real HTTP against the simulator on a manual clock — and the 2.2 array pages of
//! `jobs/get` / `runs/get` followed to the end, against a scripted server.

mod client_support;

use std::time::Duration;

use mlops_console::api::models::jobs::{
    ListJobsRequest, ListRunsRequest, RepairRunRequest, RunLifeCycleState, RunNowRequest,
    TerminationCode,
};
use mlops_console::api::{Client, ClientOptions, Credentials, ErrorKind, Secret};
use mlops_console::ops::jobs::{Poll, wait_for_job_run};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

use client_support::{Reply, Server, options};

const START_MS: i64 = 1_767_225_600_000;

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(START_MS),
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts")
}

fn client(sim: &SimHandle, readonly: bool) -> Client {
    let mut o = ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    );
    o.readonly = readonly;
    Client::new(o).unwrap()
}

/// A poll whose sleeps move the simulator's clock instead of waiting.
fn simulated(sim: &SimHandle) -> Poll<'static> {
    let clock = sim.clock.clone();
    Poll::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

async fn job_id(c: &Client, name: &str) -> i64 {
    let jobs = c
        .list_jobs(&ListJobsRequest {
            name: Some(name.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    jobs.jobs[0].job_id
}

#[tokio::test]
async fn every_job_through_the_pages() {
    let sim = sim().await;
    let c = client(&sim, false);
    for limit in [Some(1), None, Some(500)] {
        let jobs = c
            .list_all_jobs(&ListJobsRequest {
                limit,
                ..Default::default()
            })
            .await
            .unwrap();
        let names: Vec<String> = jobs.iter().map(|j| j.display_name()).collect();
        assert_eq!(
            names,
            ["churn-retrain", "churn-batch-score", "feature-refresh"],
            "{limit:?}"
        );
    }
    // The service's own limit is 100: more is its 400, not a silent cut.
    let err = c
        .list_jobs(&ListJobsRequest {
            limit: Some(101),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::BadRequest), "{err}");
}

#[tokio::test]
async fn a_batch_score_run_and_what_its_tasks_report() {
    let sim = sim().await;
    let c = client(&sim, false);
    let job = job_id(&c, "churn-batch-score").await;
    let req = RunNowRequest {
        job_id: job,
        job_parameters: [("output_table".to_string(), "main.ml.scores_b".to_string())].into(),
        idempotency_token: Some("batch-b-1".into()),
        ..Default::default()
    };
    let id = c.run_now(&req).await.unwrap().run_id;
    assert_eq!(
        c.run_now(&req).await.unwrap().run_id,
        id,
        "same token, same run"
    );
    let run = wait_for_job_run(&c, id, simulated(&sim)).await.unwrap();
    assert!(run.succeeded(), "{}", run.state_label());
    assert_eq!(run.duration_ms(), Some(15_000));
    assert_eq!(run.parameter("output_table"), Some("main.ml.scores_b"));
    let keys: Vec<&str> = run.tasks.iter().map(|t| t.task_key.as_str()).collect();
    assert_eq!(keys, ["load_features", "score", "write_predictions"]);
    assert!(run.tasks.iter().all(|t| t.succeeded()));

    let err = c.get_job_run_output(id).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::BadRequest), "{err}");
    assert!(err.to_string().contains("multiple tasks"), "{err}");
    let write = run.task("write_predictions").unwrap();
    let out = c.get_job_run_output(write.run_id).await.unwrap();
    let reported = out.reported();
    let get = |k: &str| {
        reported
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("output_table"), Some("main.ml.scores_b"));
    assert!(get("rows_scored").unwrap().parse::<i64>().unwrap() > 0);
    let meta = out.metadata.unwrap();
    assert_eq!((meta.run_id, meta.job_run_id), (write.run_id, Some(id)));
    assert!(meta.succeeded());
}

#[tokio::test]
async fn repair_the_failed_run_and_cancel_asynchronously() {
    let sim = sim().await;
    let c = client(&sim, false);
    let job = job_id(&c, "feature-refresh").await;
    let done = c
        .list_job_runs(&ListRunsRequest {
            job_id: Some(job),
            completed_only: true,
            limit: Some(25),
            ..Default::default()
        })
        .await
        .unwrap();
    let failed = done.runs.iter().find(|r| r.ended_badly()).unwrap();
    let run = c.get_job_run(failed.run_id).await.unwrap();
    let task = run.failed_tasks().next().unwrap();
    assert_eq!(task.task_key, "refresh_txn_agg");
    let out = c.get_job_run_output(task.run_id).await.unwrap();
    assert!(out.error.unwrap().starts_with("ConcurrentAppendException"));
    assert!(out.error_trace.unwrap().contains("Traceback"));

    let readonly = client(&sim, true);
    let refused = readonly
        .repair_job_run(&RepairRunRequest {
            run_id: run.run_id,
            rerun_all_failed_tasks: Some(true),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("read-only"), "{refused}");

    let repair = c
        .repair_job_run(&RepairRunRequest {
            run_id: run.run_id,
            rerun_all_failed_tasks: Some(true),
            ..Default::default()
        })
        .await
        .unwrap()
        .repair_id
        .unwrap();
    let repaired = wait_for_job_run(&c, run.run_id, simulated(&sim))
        .await
        .unwrap();
    assert!(repaired.succeeded(), "{}", repaired.state_label());
    assert_eq!(repaired.latest_repair_id(), Some(repair));
    assert_eq!(repaired.failed_tasks().count(), 0);
    let stale = c
        .repair_job_run(&RepairRunRequest {
            run_id: run.run_id,
            rerun_tasks: vec!["refresh_txn_agg".into()],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(stale.kind(), Some(ErrorKind::BadRequest), "{stale}");

    // Cancel only asks: the run shows TERMINATING, then ends cancelled.
    let id = c
        .run_now(&RunNowRequest {
            job_id: job,
            ..Default::default()
        })
        .await
        .unwrap()
        .run_id;
    c.cancel_job_run(id).await.unwrap();
    let stopping = c.get_job_run(id).await.unwrap();
    assert_eq!(
        stopping.life_cycle_state(),
        Some(RunLifeCycleState::Terminating)
    );
    let ended = wait_for_job_run(&c, id, simulated(&sim)).await.unwrap();
    assert_eq!(
        ended.termination().unwrap().code,
        Some(TerminationCode::UserCanceled)
    );

    // The time window: only the run just started.
    let now = sim.clock.now_ms();
    let recent = c
        .list_job_runs(&ListRunsRequest {
            job_id: Some(job),
            start_time_from: Some(now - 60_000),
            start_time_to: Some(now),
            ..Default::default()
        })
        .await
        .unwrap();
    let ids: Vec<i64> = recent.runs.iter().map(|r| r.run_id).collect();
    assert_eq!(ids, [id]);
}

/// Page `page` of a run with 130 tasks: 100, then 30 with no token.
fn run_page(page: usize) -> String {
    let (from, to) = if page == 0 { (0, 100) } else { (100, 130) };
    let tasks: Vec<String> = (from..to)
        .map(|i| format!(r#"{{"task_key": "t{i}", "run_id": {}}}"#, 1000 + i))
        .collect();
    let token = if page == 0 {
        r#", "next_page_token": "p2""#
    } else {
        ""
    };
    format!(
        r#"{{"run_id": 7, "job_id": 3, "tasks": [{}], "job_parameters": [{{"name": "p{page}"}}]{token}}}"#,
        tasks.join(",")
    )
}

#[tokio::test]
async fn run_and_job_arrays_are_read_to_the_last_page() {
    let server = Server::start(|seen, _| {
        let second = seen.uri.contains("page_token=p2");
        match seen.path() {
            "/api/2.2/jobs/runs/get" => Reply::json(200, run_page(usize::from(second))),
            "/api/2.2/jobs/get" if second => Reply::json(
                200,
                r#"{"job_id": 3, "settings": {"tasks": [{"task_key": "late"}],
                    "parameters": [{"name": "b", "default": "2"}]}}"#,
            ),
            "/api/2.2/jobs/get" => Reply::json(
                200,
                r#"{"job_id": 3, "has_more": true, "next_page_token": "p2",
                    "settings": {"name": "big", "tasks": [{"task_key": "early"}],
                    "parameters": [{"name": "a", "default": "1"}]}}"#,
            ),
            _ => Reply::json(404, r#"{"error_code": "NOT_FOUND", "message": "no"}"#),
        }
    })
    .await;
    let c = Client::new(options(
        &server.url(),
        Credentials::Pat(Secret::new("t".to_string())),
    ))
    .unwrap();
    let run = c.get_job_run(7).await.unwrap();
    assert_eq!(run.tasks.len(), 130);
    assert_eq!(run.tasks[129].task_key, "t129");
    let names: Vec<&str> = run.job_parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["p0", "p1"]);
    assert_eq!(run.next_page_token, None);
    let job = c.get_job(3).await.unwrap();
    let keys: Vec<&str> = job
        .settings
        .tasks
        .iter()
        .map(|t| t.task_key.as_str())
        .collect();
    assert_eq!(keys, ["early", "late"]);
    assert_eq!(job.settings.parameter_default("b"), Some("2"));
    assert_eq!((job.has_more, job.next_page_token), (None, None));
    let asked: Vec<String> = server.seen().iter().map(|s| s.uri.clone()).collect();
    assert!(
        asked.contains(&"/api/2.2/jobs/runs/get?run_id=7&page_token=p2".to_string()),
        "{asked:?}"
    );
}
