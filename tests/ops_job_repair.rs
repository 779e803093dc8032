//! Repairing a job run (rerunning its failed tasks) through the change pipeline against the
//! simulator: refused read-only before anything is sent, journaled before and after, verified
//! by the repair the run read back carries, a lost answer settled by that read-back (never sent
//! twice), and runs with nothing to repair left alone.

mod ops_support;

use std::time::Duration;

use mlops_console::api::Client;
use mlops_console::api::models::jobs::{ListJobsRequest, ListRunsRequest, RunNowRequest};
use mlops_console::ops::job_repair::repair_run;
use mlops_console::ops::jobs::{Poll, wait_for_job_run};
use mlops_console::ops::journal::Outcome;
use mlops_console::ops::{ChangeAction, ObjectState, OpError, Target};
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

use ops_support::{client_with, ctx, temp_journal};

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

fn simulated(sim: &SimHandle) -> Poll<'static> {
    let clock = sim.clock.clone();
    Poll::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

async fn job_id(c: &Client, name: &str) -> i64 {
    let req = ListJobsRequest {
        name: Some(name.into()),
        ..Default::default()
    };
    c.list_jobs(&req).await.unwrap().jobs[0].job_id
}

/// The failed run in feature-refresh's history.
async fn failed_run(c: &Client) -> i64 {
    let req = ListRunsRequest {
        job_id: Some(job_id(c, "feature-refresh").await),
        completed_only: true,
        limit: Some(25),
        ..Default::default()
    };
    let runs = c.list_job_runs(&req).await.unwrap().runs;
    runs.iter().find(|r| r.ended_badly()).unwrap().run_id
}

fn repairs(sim: &SimHandle) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/runs/repair"))
        .count()
}

#[tokio::test]
async fn a_repair_is_journaled_and_verified_by_the_run_read_back() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = temp_journal();
    let id = failed_run(&c).await;
    let out = repair_run(&c, &journal, &ctx(), id).await.unwrap();
    assert_eq!(out.outcome, Outcome::Ok, "{}", out.message);
    assert!(
        matches!(
            out.verified,
            Some(ObjectState::RunRepairs { repairs: 1, .. })
        ),
        "{:?}",
        out.verified
    );
    assert_eq!(repairs(&sim), 1);
    let view = journal.read().unwrap();
    let entry = view.entry(&out.id).unwrap();
    assert_eq!(entry.attempt.action, ChangeAction::RepairRun);
    assert!(matches!(entry.attempt.target, Target::Run { run_id, .. } if run_id == id));
    assert!(
        entry
            .attempt
            .comment
            .as_deref()
            .is_some_and(|c| c.contains("refresh_txn_agg")),
        "{:?}",
        entry.attempt.comment
    );
    assert_eq!(entry.latest().unwrap().outcome, Outcome::Ok);

    // The rerun tasks succeed; then there is nothing left to repair, and nothing is sent.
    let run = wait_for_job_run(&c, id, simulated(&sim)).await.unwrap();
    assert!(run.succeeded(), "{}", run.state_label());
    let err = repair_run(&c, &journal, &ctx(), id).await.unwrap_err();
    assert!(matches!(err, OpError::NothingToDo(_)), "{err:?}");
    assert_eq!(repairs(&sim), 1);
    assert_eq!(journal.read().unwrap().entries.len(), 1);
}

#[tokio::test]
async fn a_running_run_is_not_repaired_and_read_only_refuses() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let ro = client_with(&sim, &sim.token, |o| o.readonly = true);
    let (_dir, journal) = temp_journal();
    let running = c
        .run_now(&RunNowRequest {
            job_id: job_id(&c, "feature-refresh").await,
            ..Default::default()
        })
        .await
        .unwrap()
        .run_id;
    let err = repair_run(&c, &journal, &ctx(), running).await.unwrap_err();
    assert!(matches!(err, OpError::NothingToDo(_)), "{err:?}");
    let err = repair_run(&ro, &journal, &ctx(), failed_run(&c).await)
        .await
        .unwrap_err();
    assert!(matches!(err, OpError::ReadOnly(_)), "{err:?}");
    assert_eq!(repairs(&sim), 0);
    assert!(journal.read().unwrap().entries.is_empty());
}

#[tokio::test]
async fn a_repair_whose_answer_is_lost_is_settled_by_the_read_back_not_sent_again() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = temp_journal();
    let id = failed_run(&c).await;
    c.workspace_id().await;
    // The read before the repair passes; the repair is applied and its answer lost.
    sim.script_faults(vec![
        ScriptedFault::Pass,
        ScriptedFault::AfterApply(Box::new(ScriptedFault::Reset)),
    ]);
    let out = repair_run(&c, &journal, &ctx(), id).await.unwrap();
    assert_eq!(out.outcome, Outcome::Ok, "{}", out.message);
    assert!(out.answer_lost, "{out:?}");
    assert_eq!(repairs(&sim), 1, "never sent twice");
}
