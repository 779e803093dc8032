//! `jobs run` through the library on the simulator's manual clock (every poll at a known
//! instant): a run followed to SUCCESS and what it wrote; a lost run-now answer asked again with
//! the same idempotency token starts one run, not two; a run-now the workspace refuses (403) is
//! journaled as failed and exits 4. Only 127.0.0.1 is contacted.

mod headless_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mlops_console::headless::jobs_change::{JobsError, Log, plan_run, start};
use mlops_console::ops::jobs::Poll;
use mlops_console::ops::journal::Outcome;
use mlops_console::ops::{ChangeAction, ChangeContext, Journal};
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

use headless_support::{CONFLICT_OR_PERMISSION, client, posts, runs_of};

const SCORE: &str = "churn-batch-score";
const REFRESH: &str = "feature-refresh";
const RUN_NOW: &str = "/api/2.2/jobs/run-now";

async fn manual_sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

/// Sleeps that advance the simulator's manual clock.
fn simulated(sim: &SimHandle) -> Poll<'static> {
    let clock = sim.clock.clone();
    Poll::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

fn collecting() -> (Log, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let log: Log = Arc::new(move |l: &str| sink.lock().unwrap().push(l.to_string()));
    (log, lines)
}

fn ctx() -> ChangeContext {
    ChangeContext {
        profile: "test".into(),
        actor: None,
        production: false,
    }
}

#[tokio::test]
async fn a_started_run_is_followed_until_it_ends_in_success() {
    let sim = manual_sim().await;
    let c = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    let params = [("output_table".to_string(), "main.ml.scratch".to_string())];
    let plan = plan_run(&c, SCORE, &params).await.unwrap();
    let (log, lines) = collecting();
    let token = "test-token-1".to_string();
    let report = start(
        &c,
        &journal,
        &ctx(),
        &plan,
        token,
        true,
        simulated(&sim),
        log,
    )
    .await
    .unwrap();
    assert_eq!(report.succeeded, Some(true));
    assert_eq!(report.run.state, "TERMINATED SUCCESS");
    assert!(report.run.duration_ms.unwrap() > 0);
    let run = c.get_job_run(report.run.run_id).await.unwrap();
    assert_eq!(run.parameter("output_table"), Some("main.ml.scratch"));
    // What the batch scoring wrote, as its tasks reported it.
    let ended = report.ended.as_ref().expect("the run as it ended");
    assert_eq!(ended.wrote["output_table"], "main.ml.scratch");
    assert!(ended.tasks.iter().all(|t| t.succeeded), "{:?}", ended.tasks);
    let lines = lines.lock().unwrap().clone();
    assert!(!lines.iter().any(|l| l.starts_with("warning")), "{lines:?}");
    let states: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(": ").nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        states,
        ["PENDING", "RUNNING", "TERMINATED SUCCESS"],
        "{lines:?}"
    );

    let view = journal.read().unwrap();
    let entry = view.entry(&report.journal_id).expect("journaled");
    assert_eq!(entry.attempt.action, ChangeAction::RunJob);
    assert_eq!(entry.standing().label(), "ok");
}

#[tokio::test]
async fn a_lost_run_now_answer_asked_again_starts_one_run_not_two() {
    let sim = manual_sim().await;
    let c = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    let plan = plan_run(&c, REFRESH, &[]).await.unwrap();
    let before = runs_of(&c, plan.job_id).await.len();
    // The first run-now is applied and its answer lost on the way back.
    sim.script_faults(vec![ScriptedFault::AfterApply(Box::new(
        ScriptedFault::Reset,
    ))]);
    let (log, _) = collecting();
    let token = "test-token-lost".to_string();
    let report = start(
        &c,
        &journal,
        &ctx(),
        &plan,
        token,
        false,
        simulated(&sim),
        log,
    )
    .await
    .unwrap();
    assert!(posts(&sim, RUN_NOW) >= 2, "the run-now was asked again");
    let runs = runs_of(&c, plan.job_id).await;
    assert_eq!(runs.len(), before + 1, "one run started, not two");
    assert_eq!(runs[0].run_id, report.run.run_id);
}

#[tokio::test]
async fn a_run_now_the_workspace_refuses_is_journaled_failed_and_exits_4() {
    let sim = manual_sim().await;
    let c = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    let plan = plan_run(&c, REFRESH, &[]).await.unwrap();
    let before = runs_of(&c, plan.job_id).await.len();
    sim.script_faults(vec![ScriptedFault::Status(403)]);
    let (log, _) = collecting();
    let token = "test-token-refused".to_string();
    let err = start(
        &c,
        &journal,
        &ctx(),
        &plan,
        token,
        true,
        simulated(&sim),
        log,
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), CONFLICT_OR_PERMISSION, "{err}");
    let JobsError::Launch(launch) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(launch.outcome, Outcome::Failed);
    assert_eq!(posts(&sim, RUN_NOW), 1, "a refusal is not asked again");
    assert_eq!(runs_of(&c, plan.job_id).await.len(), before);
    let view = journal.read().unwrap();
    let entry = view.entry(&launch.id).expect("journaled");
    assert_eq!(entry.latest().unwrap().outcome, Outcome::Failed);
}

/// A run that was started but could not be followed to its end (the wait timed out) is still
/// reported as started, with its run id and journal entry: never as "not started", which would
/// invite a second run.
#[tokio::test]
async fn a_started_run_that_cannot_be_followed_is_reported_started() {
    let sim = manual_sim().await;
    let c = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    let plan = plan_run(&c, SCORE, &[]).await.unwrap();
    let (log, _lines) = collecting();
    let mut poll = simulated(&sim);
    poll.backoff.timeout = Duration::from_secs(2);
    let report = start(
        &c,
        &journal,
        &ctx(),
        &plan,
        "test-token-unfollowed".to_string(),
        true,
        poll,
        log,
    )
    .await
    .map_err(|e| e.to_string())
    .expect("started, even though the wait gave up");
    assert!(report.run.run_id > 0);
    assert_eq!(report.succeeded, None);
    let why = report
        .unfollowed
        .as_deref()
        .expect("why it was not followed");
    assert!(!why.is_empty());
    let view = journal.read().unwrap();
    let entry = view.entry(&report.journal_id).expect("journaled");
    assert_eq!(
        entry.standing().label(),
        "ok",
        "the start itself is verified"
    );
    assert_eq!(posts(&sim, RUN_NOW), 1);
}
