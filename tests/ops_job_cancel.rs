//! Cancelling a job run through the change pipeline against the simulator: refused read-only
//! before anything is sent, journaled before and after, followed until the run has ended (a
//! cancel is asynchronous), a lost answer asked once more (cancelling twice is harmless), and
//! a run that has already ended left alone.

mod ops_support;

use std::time::Duration;

use mlops_console::api::Client;
use mlops_console::api::models::jobs::RunNowRequest;
use mlops_console::ops::jobs::{Poll, cancel_run};
use mlops_console::ops::journal::Outcome;
use mlops_console::ops::{ChangeAction, ObjectState, OpError, Target};
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

use ops_support::{client_with, ctx, temp_journal};

const RETRAIN: i64 = 907_245_117_743_512;

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

/// A poll whose sleeps move the simulator's clock.
fn simulated(sim: &SimHandle) -> Poll<'static> {
    let clock = sim.clock.clone();
    Poll::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

async fn started(c: &Client) -> i64 {
    c.run_now(&RunNowRequest {
        job_id: RETRAIN,
        ..Default::default()
    })
    .await
    .unwrap()
    .run_id
}

fn cancels(sim: &SimHandle) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/runs/cancel"))
        .count()
}

#[tokio::test]
async fn a_cancel_is_journaled_and_followed_until_the_run_has_ended() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = temp_journal();
    let id = started(&c).await;
    let out = cancel_run(&c, &journal, &ctx(), id, simulated(&sim))
        .await
        .unwrap();
    assert_eq!(out.outcome, Outcome::Ok, "{}", out.message);
    match &out.verified {
        Some(ObjectState::RunLife {
            ended: true, state, ..
        }) => {
            assert_eq!(state.as_deref(), Some("TERMINATED CANCELED"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(cancels(&sim), 1);
    let view = journal.read().unwrap();
    let entry = view.entry(&out.id).unwrap();
    assert_eq!(entry.attempt.action, ChangeAction::CancelRun);
    assert!(matches!(entry.attempt.target, Target::Run { run_id, .. } if run_id == id));
    assert_eq!(entry.latest().unwrap().outcome, Outcome::Ok);

    // Now it has ended: nothing to cancel, nothing journaled or sent.
    let err = cancel_run(&c, &journal, &ctx(), id, simulated(&sim))
        .await
        .unwrap_err();
    assert!(matches!(err, OpError::NothingToDo(_)), "{err:?}");
    assert_eq!(journal.read().unwrap().entries.len(), 1);
    assert_eq!(cancels(&sim), 1);
}

#[tokio::test]
async fn read_only_refuses_a_cancel_before_anything_is_sent() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let ro = client_with(&sim, &sim.token, |o| o.readonly = true);
    let (_dir, journal) = temp_journal();
    let id = started(&c).await;
    let err = cancel_run(&ro, &journal, &ctx(), id, simulated(&sim))
        .await
        .unwrap_err();
    assert!(matches!(err, OpError::ReadOnly(_)), "{err:?}");
    assert_eq!(cancels(&sim), 0);
    assert!(journal.read().unwrap().entries.is_empty());
}

#[tokio::test]
async fn a_cancel_whose_answer_is_lost_is_asked_once_more() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = temp_journal();
    let id = started(&c).await;
    c.workspace_id().await;
    // The read before the cancel passes; the cancel is applied and its answer lost.
    sim.script_faults(vec![
        ScriptedFault::Pass,
        ScriptedFault::AfterApply(Box::new(ScriptedFault::Reset)),
    ]);
    let out = cancel_run(&c, &journal, &ctx(), id, simulated(&sim))
        .await
        .unwrap();
    assert_eq!(out.outcome, Outcome::Ok, "{}", out.message);
    assert_eq!(cancels(&sim), 2);
    let view = journal.read().unwrap();
    let sent = &view.entry(&out.id).unwrap().latest().unwrap().sent;
    assert_eq!(sent.len(), 2, "{sent:?}");
}
