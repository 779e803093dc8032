//! The Jobs and artifacts calls of the client over real HTTP against the simulator: shapes,
//! paging, the not-found quirk, read-only refusal, and `wait_for_job_run` on a manual clock
//! (its sleeps advance the simulator's clock, so a 20-second run is followed in milliseconds).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mlops_console::api::models::jobs::{
    ListJobsRequest, ListRunsRequest, RunLifeCycleState, RunNowRequest, RunResultState,
};
use mlops_console::api::paging::{Page, collect_pages};
use mlops_console::api::{ApiError, Client, ClientOptions, Credentials, ErrorKind, Secret};
use mlops_console::ops::jobs::{Backoff, Poll, WaitError, wait_for_job_run};
use mlops_console::ops::training::mlflow_run_of;
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

const RETRAIN: i64 = 907_245_117_743_512;
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

/// A poll whose sleeps move the simulator's clock instead of waiting, recording each sleep.
fn simulated(sim: &SimHandle, slept: Arc<Mutex<Vec<u64>>>) -> Poll<'static> {
    let clock = sim.clock.clone();
    Poll::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        slept.lock().unwrap().push(d.as_secs());
        Box::pin(async {})
    }))
}

#[tokio::test]
async fn jobs_list_pages_and_gets() {
    let sim = sim().await;
    let c = client(&sim, false);
    let jobs = collect_pages(
        "jobs/list",
        |token| {
            let c = c.clone();
            async move {
                let r = c
                    .list_jobs(&ListJobsRequest {
                        limit: Some(1),
                        page_token: token,
                        ..Default::default()
                    })
                    .await?;
                assert_eq!(r.has_more, r.next_page_token.is_some());
                Ok(Page {
                    items: r.jobs,
                    next_page_token: r.next_page_token,
                })
            }
        },
        None,
    )
    .await
    .unwrap();
    let names: Vec<String> = jobs.iter().map(|j| j.display_name()).collect();
    assert_eq!(
        names,
        ["churn-retrain", "churn-batch-score", "feature-refresh"]
    );
    let job = c.get_job(RETRAIN).await.unwrap();
    assert_eq!(job.settings.parameter_default("n_estimators"), Some("350"));
    assert_eq!(job.settings.tasks[0].task_key, "train");
    let named = c
        .list_jobs(&ListJobsRequest {
            name: Some("Feature-Refresh".into()),
            expand_tasks: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(named.jobs.len(), 1);
    assert_eq!(named.jobs[0].settings.tasks.len(), 2);
}

#[tokio::test]
async fn missing_jobs_and_runs_are_not_found_for_every_call() {
    let sim = sim().await;
    let c = client(&sim, false);
    let errors: Vec<ApiError> = vec![
        c.get_job(123).await.unwrap_err(),
        c.get_job_run(456).await.unwrap_err(),
        c.cancel_job_run(456).await.unwrap_err(),
        c.run_now(&RunNowRequest {
            job_id: 123,
            ..Default::default()
        })
        .await
        .unwrap_err(),
        c.list_job_runs(&ListRunsRequest {
            job_id: Some(123),
            ..Default::default()
        })
        .await
        .unwrap_err(),
    ];
    for e in errors {
        assert_eq!(e.kind(), Some(ErrorKind::NotFound), "{e}");
        assert!(e.to_string().contains("does not exist"), "{e}");
    }
}

#[tokio::test]
async fn read_only_refuses_run_now_and_cancel_but_reads() {
    let sim = sim().await;
    let c = client(&sim, true);
    let refused = c
        .run_now(&RunNowRequest {
            job_id: RETRAIN,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(refused, ApiError::ReadOnly { .. }), "{refused}");
    let refused = c.cancel_job_run(1).await.unwrap_err();
    assert!(matches!(refused, ApiError::ReadOnly { .. }), "{refused}");
    // Nothing reached the server; reads did.
    c.get_job(RETRAIN).await.unwrap();
    c.list_job_runs(&ListRunsRequest::default()).await.unwrap();
    let posts = sim
        .request_log()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 0);
}

#[tokio::test]
async fn run_history_pages_newest_first() {
    let sim = sim().await;
    let c = client(&sim, false);
    let mut pages = 0;
    let runs = collect_pages(
        "jobs/runs/list",
        |token| {
            pages += 1;
            let c = c.clone();
            async move {
                let r = c
                    .list_job_runs(&ListRunsRequest {
                        limit: Some(10),
                        page_token: token,
                        ..Default::default()
                    })
                    .await?;
                Ok(Page {
                    items: r.runs,
                    next_page_token: r.next_page_token,
                })
            }
        },
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        runs.len(),
        47,
        "12 + 1 retrain, 10 scoring, 24 refresh runs"
    );
    assert_eq!(pages, 5);
    assert!(runs.windows(2).all(|w| w[0].start_time >= w[1].start_time));
    let active = c
        .list_job_runs(&ListRunsRequest {
            job_id: Some(RETRAIN),
            active_only: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(active.runs.len(), 1);
    assert_eq!(
        active.runs[0].life_cycle_state(),
        Some(RunLifeCycleState::Running)
    );
}

#[tokio::test]
async fn run_now_is_followed_to_its_end_with_the_sdk_backoff() {
    let sim = sim().await;
    let c = client(&sim, false);
    let started = c
        .run_now(&RunNowRequest {
            job_id: RETRAIN,
            job_parameters: [("max_depth".to_string(), "7".to_string())].into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let slept = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen_in = seen.clone();
    let poll = simulated(&sim, slept.clone()).on_update(move |run| {
        seen_in.lock().unwrap().push(run.state_label());
    });
    let run = wait_for_job_run(&c, started.run_id, poll).await.unwrap();
    assert_eq!(run.result_state(), Some(&RunResultState::Success));
    assert!(run.succeeded());
    assert_eq!(run.parameter("max_depth"), Some("7"));
    assert_eq!(run.end_time, Some(START_MS + 20_000));
    // Polls at 0, 1, 3, 6, 10, 15 and 21 simulated seconds.
    assert_eq!(*slept.lock().unwrap(), [1, 2, 3, 4, 5, 6]);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "PENDING",
            "PENDING",
            "RUNNING",
            "RUNNING",
            "RUNNING",
            "RUNNING",
            "TERMINATED SUCCESS"
        ]
    );
    let url = run.run_page_url.unwrap();
    assert!(url.starts_with(&sim.base_url) && url.ends_with(&started.run_id.to_string()));

    // The MLflow run it logged, found by its tag, and its registered model version.
    let exp = c
        .get_experiment_by_name("/Shared/churn/training")
        .await
        .unwrap();
    let mlflow = mlflow_run_of(&c, &exp.experiment_id, started.run_id)
        .await
        .unwrap()
        .expect("an MLflow run");
    let history = c
        .get_metric_history(&mlflow.info.run_id, "val_auc", None, None)
        .await
        .unwrap();
    assert_eq!(history.metrics.len(), 15);
    let versions = c
        .list_uc_model_versions("main.ml.churn_model", None, None)
        .await
        .unwrap();
    let newest = &versions.model_versions[0];
    assert_eq!(newest.version, 6);
    assert_eq!(newest.run_id.as_deref(), Some(mlflow.info.run_id.as_str()));
}

#[tokio::test]
async fn cancel_and_timeouts_end_the_wait() {
    let sim = sim().await;
    let c = client(&sim, false);
    let id = c
        .run_now(&RunNowRequest {
            job_id: RETRAIN,
            ..Default::default()
        })
        .await
        .unwrap()
        .run_id;
    let slept = Arc::new(Mutex::new(Vec::new()));
    let short = Backoff {
        timeout: Duration::from_secs(5),
        ..Backoff::default()
    };
    let err = wait_for_job_run(&c, id, simulated(&sim, slept.clone()).with_backoff(short))
        .await
        .unwrap_err();
    match err {
        WaitError::TimedOut {
            run_id,
            waited,
            last,
        } => {
            assert_eq!(
                (run_id, waited, last.as_str()),
                (id, Duration::from_secs(5), "RUNNING")
            );
        }
        other => panic!("{other}"),
    }
    assert_eq!(
        *slept.lock().unwrap(),
        [1, 2, 2],
        "the last wait is cut to the timeout"
    );

    c.cancel_job_run(id).await.unwrap();
    let run = wait_for_job_run(&c, id, simulated(&sim, slept))
        .await
        .unwrap();
    assert_eq!(run.result_state(), Some(&RunResultState::Canceled));
    assert!(!run.succeeded());
}

#[tokio::test]
async fn a_run_that_ended_in_internal_error_ends_the_wait_at_once() {
    let sim = sim().await;
    let c = client(&sim, false);
    let history = c
        .list_job_runs(&ListRunsRequest {
            job_id: Some(RETRAIN),
            completed_only: true,
            limit: Some(25),
            ..Default::default()
        })
        .await
        .unwrap();
    let broken = history
        .runs
        .iter()
        .find(|r| r.life_cycle_state() == Some(RunLifeCycleState::InternalError))
        .expect("a seeded INTERNAL_ERROR run");
    let slept = Arc::new(Mutex::new(Vec::new()));
    let run = wait_for_job_run(&c, broken.run_id, simulated(&sim, slept.clone()))
        .await
        .unwrap();
    assert_eq!(
        run.life_cycle_state(),
        Some(RunLifeCycleState::InternalError)
    );
    assert!(!run.succeeded() && !run.message().is_empty());
    assert!(
        slept.lock().unwrap().is_empty(),
        "no wait for a run that has ended"
    );
}

#[tokio::test]
async fn artifacts_list_directories_and_follow_pages() {
    let sim = sim().await;
    let c = client(&sim, false);
    let exp = c
        .get_experiment_by_name("/Shared/churn/training")
        .await
        .unwrap();
    let req = mlops_console::api::models::mlflow::SearchRunsRequest {
        experiment_ids: vec![exp.experiment_id],
        max_results: Some(1),
        ..Default::default()
    };
    let run = c.search_runs(&req).await.unwrap().runs.remove(0);
    let root = c
        .list_artifacts(&run.info.run_id, None, None)
        .await
        .unwrap();
    assert_eq!(root.root_uri, run.info.artifact_uri);
    let dirs: Vec<(&str, bool)> = root
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.is_dir))
        .collect();
    assert_eq!(dirs, [("model", true), ("plots", true)]);
    let first = c
        .list_artifacts(&run.info.run_id, Some("plots"), None)
        .await
        .unwrap();
    assert!(first.next_page_token.is_some(), "plots/ spans two pages");
    let plots = c
        .list_all_artifacts(&run.info.run_id, Some("plots"))
        .await
        .unwrap();
    assert_eq!(plots.len(), 6);
    assert!(
        plots
            .iter()
            .all(|f| f.path.ends_with(".png") && f.file_size.unwrap() > 0)
    );
    let model = c
        .list_all_artifacts(&run.info.run_id, Some("model"))
        .await
        .unwrap();
    assert!(model.iter().any(|f| f.path == "model/MLmodel"));
    let missing = c.list_artifacts("0000", None, None).await.unwrap_err();
    assert!(missing.is_not_found());
}
