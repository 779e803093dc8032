//! Fixtures of the Jobs screen tests: the demo-like jobs, runs and a failed run's tasks, and
//! the driver steps that open the list, a job's runs, a run and the run-now form.
#![allow(dead_code)]

use std::collections::BTreeMap;

use crossterm::event::KeyCode;

use mlops_console::api::models::jobs::{Job, JobParameterDefinition, JobSettings};
use mlops_console::app::screens::jobs::{self, Change, Fetch, Loaded};
use mlops_console::app::screens::{RoomChange, RoomFetch, RoomKey, RoomLoaded};
use mlops_console::app::{Effect, Msg, Overlay, Payload, ResourceKey, ScreenRoute, Session};
use mlops_console::ops::job_list::{JobRow, JobRuns, RunParameter, RunSummary};
use mlops_console::ops::job_run_view::{JobRunView, MlflowRunRef, TaskView};

use super::support::{Driver, MIN, NOW};

pub const SCORE: i64 = 832_316_329_639_304;
pub const REFRESH: i64 = 514_204_771_280_117;
pub const RUNNING: i64 = 1_002_459_219_138;
pub const FAILED: i64 = 1_002_459_219_030;

pub fn run(run_id: i64, state: &str, ended: bool, succeeded: bool, min_ago: i64) -> RunSummary {
    RunSummary {
        run_id,
        state: state.into(),
        ended,
        succeeded,
        start_time: Some(NOW - min_ago * MIN),
        duration_ms: ended.then_some(9 * MIN),
        trigger: Some(if min_ago > 60 { "PERIODIC" } else { "ONE_TIME" }.into()),
        parameters: vec![RunParameter {
            name: "output_table".into(),
            value: "main.ml.churn_scores".into(),
        }],
        run_by: Some("ml-eng@acme.com".into()),
        message: if succeeded || !ended {
            String::new()
        } else {
            "Task score failed with message: workload failed".into()
        },
        run_page_url: None,
    }
}

pub fn row(job_id: i64, name: &str, paused: bool, last: RunSummary, failing: bool) -> JobRow {
    JobRow {
        job_id,
        name: name.into(),
        schedule: Some("0 0 6 * * ? (UTC)".into()),
        paused: Some(paused),
        tags: BTreeMap::from([("team".to_string(), "churn".to_string())]),
        creator: Some("ml-eng@acme.com".into()),
        last_run: Some(last),
        failing,
    }
}

pub fn rows() -> Vec<JobRow> {
    vec![
        row(
            SCORE,
            "churn-batch-score",
            false,
            run(RUNNING, "RUNNING", false, false, 1),
            false,
        ),
        row(
            REFRESH,
            "feature-refresh",
            true,
            run(FAILED, "TERMINATED FAILED", true, false, 120),
            true,
        ),
    ]
}

pub fn runs(active_only: bool) -> JobRuns {
    let all = vec![
        run(RUNNING, "RUNNING", false, false, 1),
        run(1_002_459_219_072, "TERMINATED SUCCESS", true, true, 20 * 60),
        run(FAILED, "TERMINATED FAILED", true, false, 5 * 24 * 60),
    ];
    JobRuns {
        job_id: SCORE,
        name: "churn-batch-score".into(),
        active_only,
        runs: all
            .into_iter()
            .filter(|r| !active_only || !r.ended)
            .collect(),
    }
}

pub fn task(key: &str, state: &str, ended: bool, succeeded: bool) -> TaskView {
    TaskView {
        task_key: key.into(),
        run_id: 7_000 + key.len() as i64,
        state: state.into(),
        ended,
        succeeded,
        duration_ms: ended.then_some(2 * MIN),
        attempt: Some(0),
        message: String::new(),
        error: (ended && !succeeded).then(|| "ValueError: feature drift in 'tenure'".into()),
        error_trace: (ended && !succeeded)
            .then(|| "Traceback (most recent call last):\n  File \"score.py\", line 42".into()),
        result: None,
        reported: BTreeMap::new(),
    }
}

pub fn failed_run_view() -> JobRunView {
    JobRunView {
        job_id: SCORE,
        run: run(FAILED, "TERMINATED FAILED", true, false, 5 * 24 * 60),
        tasks: vec![
            task("load_features", "TERMINATED SUCCESS", true, true),
            task("score", "TERMINATED FAILED", true, false),
            task("write_predictions", "SKIPPED UPSTREAM_FAILED", true, false),
        ],
        wrote: BTreeMap::from([("rows_scored".to_string(), "48823".to_string())]),
        mlflow_run: Some(MlflowRunRef {
            experiment_id: "1".into(),
            experiment: "/Shared/churn".into(),
            run_id: "a1b2c3d4".into(),
            run_name: Some("batch-score".into()),
            status: Some("FAILED".into()),
        }),
    }
}

pub fn job() -> Job {
    let param = |name: &str, default: &str| JobParameterDefinition {
        name: name.into(),
        default: default.into(),
    };
    Job {
        job_id: SCORE,
        settings: JobSettings {
            name: "churn-batch-score".into(),
            parameters: vec![
                param("model_uri", "models:/main.ml.churn_model@champion"),
                param("output_table", "main.ml.churn_scores"),
            ],
            ..Default::default()
        },
        ..Default::default()
    }
}

pub fn loaded(l: Loaded) -> Payload {
    Payload::Room(RoomLoaded::Jobs(l))
}

pub fn key(k: RoomKey) -> ResourceKey {
    ResourceKey::Room(k)
}

/// Screen 8 with the fixture jobs.
pub fn list(s: Session) -> Driver {
    let mut d = Driver::new(s);
    d.char('8');
    let req = d.req(key(jobs::LIST));
    d.answer(req, loaded(Loaded::List(Ok(rows()))));
    d
}

/// The runs of churn-batch-score.
pub fn job_runs(s: Session) -> Driver {
    let mut d = list(s);
    d.key(KeyCode::Enter);
    assert_eq!(
        d.fetch_of(key(jobs::RUNS)),
        Some(mlops_console::app::Fetch::Room(RoomFetch::Jobs(
            Fetch::Runs {
                job_id: SCORE,
                active_only: false
            }
        )))
    );
    let req = d.req(key(jobs::RUNS));
    d.answer(req, loaded(Loaded::Runs(Ok(runs(false)))));
    d
}

/// The failed run of churn-batch-score.
pub fn failed_run(s: Session) -> Driver {
    let mut d = job_runs(s);
    d.char('G');
    d.key(KeyCode::Enter);
    assert_eq!(*d.state.route(), ScreenRoute::JobRun { run_id: FAILED });
    let req = d.req(key(jobs::RUN));
    d.answer(req, loaded(Loaded::Run(Ok(Box::new(failed_run_view())))));
    d
}

/// `n` on the list: the job is read, then its form opens.
pub fn form(s: Session) -> Driver {
    let mut d = list(s);
    d.char('n');
    assert_eq!(
        d.fetch_of(key(jobs::JOB)),
        Some(mlops_console::app::Fetch::Room(RoomFetch::Jobs(
            Fetch::Job { job_id: SCORE }
        )))
    );
    let req = d.req(key(jobs::JOB));
    d.answer(req, loaded(Loaded::Job(Ok(Box::new(job())))));
    assert!(matches!(d.state.overlay, Overlay::RoomForm(_)));
    d
}

pub fn room_changes(d: &Driver) -> Vec<(u64, Change)> {
    d.effects
        .iter()
        .filter_map(|e| match e {
            Effect::RoomChange {
                req,
                change: RoomChange::Jobs(c),
            } => Some((*req, c.clone())),
            _ => None,
        })
        .collect()
}

pub fn settle(d: &mut Driver) {
    d.send(Msg::Tick {
        now_ms: NOW + 5_000,
    });
}
