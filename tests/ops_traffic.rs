//! Traffic changes against the simulator on a manual clock (the waiter's sleeps move the
//! clock): the full path with journal, 409 → wait its turn → one more PUT, waiting for someone
//! else's update, stale plans, read-only refusal, and roll back from the journal.

mod ops_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mlops_console::api::Client;
use mlops_console::ops::journal::{Outcome, Standing};
use mlops_console::ops::traffic::{
    EndpointConfigState, Progress, Split, TrafficPlan, Waiter, apply, plan_rollback,
};
use mlops_console::ops::{ChangeAction, Journal, ObjectState, OpError};
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

use ops_support::{client_with, ctx, plan_shift, temp_journal};

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
    client_with(sim, &sim.token, |o| o.readonly = readonly)
}

/// A waiter whose sleeps advance the simulator's clock, recording progress.
fn waiter(sim: &SimHandle, seen: Arc<Mutex<Vec<Progress>>>) -> Waiter<'static> {
    let clock = sim.clock.clone();
    Waiter::real()
        .with_sleep(Box::new(move |d: Duration| {
            clock.advance(d);
            Box::pin(async {})
        }))
        .on_progress(move |p| seen.lock().unwrap().push(p.clone()))
}

fn puts(sim: &SimHandle) -> Vec<(Option<u16>, Option<String>)> {
    sim.request_log()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .map(|r| (r.status, r.fault))
        .collect()
}

#[tokio::test]
async fn a_shift_waits_for_the_update_verifies_and_journals() {
    let sim = sim().await;
    let c = client(&sim, false);
    let (_dir, journal) = temp_journal();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let plan = plan_shift(&c, 10).await;
    assert_eq!(
        plan.summary(),
        "traffic on endpoint churn-prod: churn_model-4=90, churn_model-5=10 → churn_model-4=80, churn_model-5=20"
    );
    let lines = plan.dialog_lines("demo", c.host(), true);
    assert!(lines.iter().any(|l| l == "Type 'churn-prod' to confirm."));

    let out = apply(&c, &journal, &ctx(), &plan, &mut waiter(&sim, seen.clone()))
        .await
        .unwrap();
    assert_eq!(out.outcome, Outcome::Ok, "{}", out.message);
    assert!(seen.lock().unwrap().contains(&Progress::Sent));
    // It waited out the 5-second update on the clock.
    assert!(sim.clock.now_ms() >= START_MS + 5_000);
    let live = c.get_serving_endpoint("churn-prod").await.unwrap();
    assert_eq!(Split::of_endpoint(&live).percent("churn_model-5"), 20);
    assert_eq!(puts(&sim).len(), 1);

    let view = journal.read().unwrap();
    assert_eq!(view.entries.len(), 1);
    let entry = &view.entries[0];
    assert_eq!(entry.standing(), Standing::Ok);
    assert_eq!(entry.attempt.action, ChangeAction::Traffic);
    let ObjectState::Endpoint(before) = &entry.attempt.before else {
        panic!("not an endpoint state");
    };
    assert_eq!(before.routes.percent("churn_model-5"), 10);
    assert_eq!(entry.attempt.requests.len(), 1);

    // Nothing to do the second time.
    let again =
        TrafficPlan::routes(&live, &Split::of_endpoint(&live), ChangeAction::Traffic).unwrap();
    assert!(again.is_noop());
    let e = apply(&c, &journal, &ctx(), &plan, &mut waiter(&sim, seen.clone()))
        .await
        .unwrap_err();
    assert!(matches!(e, OpError::NothingToDo(_)), "{e}");
}

#[tokio::test]
async fn a_409_waits_its_turn_and_sends_once_more() {
    let sim = sim().await;
    let c = client(&sim, false);
    let (_dir, journal) = temp_journal();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let plan = plan_shift(&c, 5).await;
    // The idle check passes; the PUT meets "another update".
    sim.script_faults(vec![ScriptedFault::Pass, ScriptedFault::Status(409)]);
    let out = apply(&c, &journal, &ctx(), &plan, &mut waiter(&sim, seen.clone()))
        .await
        .unwrap();
    assert_eq!(out.outcome, Outcome::Ok, "{}", out.message);
    assert!(
        seen.lock()
            .unwrap()
            .contains(&Progress::Conflict { attempt: 1 })
    );
    assert_eq!(
        puts(&sim),
        [(Some(409), Some("status 409".into())), (Some(200), None)]
    );
    assert_eq!(
        journal.read().unwrap().entries.len(),
        1,
        "one change, one attempt"
    );
}

#[tokio::test]
async fn someone_elses_update_is_waited_for_and_a_stale_plan_refused() {
    let sim = sim().await;
    let c = client(&sim, false);
    let (_dir, journal) = temp_journal();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let plan = plan_shift(&c, 10).await;
    // Another console moves v5 to 50% first.
    let other = plan_shift(&c, 40).await;
    c.update_endpoint_config("churn-prod", &other.after.to_input())
        .await
        .unwrap();
    let e = apply(&c, &journal, &ctx(), &plan, &mut waiter(&sim, seen.clone()))
        .await
        .unwrap_err();
    assert!(matches!(e, OpError::Stale(_)), "{e}");
    assert!(e.to_string().contains("churn_model-5=50"), "{e}");
    assert!(matches!(
        seen.lock().unwrap()[0],
        Progress::UpdateInProgress { .. }
    ));
    assert!(
        journal.read().unwrap().entries.is_empty(),
        "nothing journaled or sent"
    );
    assert_eq!(puts(&sim).len(), 1, "only the other console's PUT");
}

#[tokio::test]
async fn read_only_clients_refuse_before_anything_happens() {
    let sim = sim().await;
    let c = client(&sim, true);
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_shift(&c, 5).await;
    let e = apply(
        &c,
        &Journal::in_dir(dir.path()),
        &ctx(),
        &plan,
        &mut waiter(&sim, Arc::default()),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, OpError::ReadOnly(_)));
    assert!(!dir.path().join("audit.jsonl").exists());
}

#[tokio::test]
async fn a_refused_change_is_journaled_as_failed() {
    let sim = sim().await;
    let c = client(&sim, false);
    let (_dir, journal) = temp_journal();
    let plan = plan_shift(&c, 5).await;
    sim.script_faults(vec![ScriptedFault::Pass, ScriptedFault::Status(403)]);
    let out = apply(
        &c,
        &journal,
        &ctx(),
        &plan,
        &mut waiter(&sim, Arc::default()),
    )
    .await
    .unwrap();
    assert_eq!(out.outcome, Outcome::Failed);
    assert!(out.message.contains("nothing changed"), "{}", out.message);
    assert_eq!(
        journal.read().unwrap().entries[0].standing(),
        Standing::Failed
    );
}

#[tokio::test]
async fn roll_back_restores_the_whole_config_before_the_last_change() {
    let sim = sim().await;
    let c = client(&sim, false);
    let (_dir, journal) = temp_journal();
    let original = EndpointConfigState::of(&c.get_serving_endpoint("churn-prod").await.unwrap());
    // Add v3 at 0% (a config change with a new entity), then shift traffic to it.
    let ep = c.get_serving_endpoint("churn-prod").await.unwrap();
    let v3 = mlops_console::api::models::serving_config::ServedEntityInput::like(
        &original.served_entities[0],
        "main.ml.churn_model",
        "3",
    );
    let add = TrafficPlan::add_entity(&ep, v3, ChangeAction::Traffic);
    let out = apply(
        &c,
        &journal,
        &ctx(),
        &add,
        &mut waiter(&sim, Arc::default()),
    )
    .await
    .unwrap();
    assert_eq!(out.outcome, Outcome::Ok, "{}", out.message);
    let with_v3 = c.get_serving_endpoint("churn-prod").await.unwrap();
    let shift = TrafficPlan::routes(
        &with_v3,
        &Split::of_endpoint(&with_v3)
            .exact(&[("churn_model-4".into(), 50), ("churn_model-3".into(), 50)])
            .unwrap(),
        ChangeAction::Traffic,
    )
    .unwrap();
    apply(
        &c,
        &journal,
        &ctx(),
        &shift,
        &mut waiter(&sim, Arc::default()),
    )
    .await
    .unwrap();

    // Roll back once: the routes before the shift (v3 still served, at 0%).
    let plan = plan_rollback(&c, &journal.read().unwrap(), "churn-prod", None)
        .await
        .unwrap();
    assert_eq!(plan.action, ChangeAction::Rollback);
    assert_eq!(plan.after.routes.percent("churn_model-3"), 0);
    assert_eq!(plan.after.entity_names().len(), 3);
    let out = apply(
        &c,
        &journal,
        &ctx(),
        &plan,
        &mut waiter(&sim, Arc::default()),
    )
    .await
    .unwrap();
    assert_eq!(out.outcome, Outcome::Ok, "{}", out.message);

    // Roll back again: that undoes the roll back (the journal's last change).
    let plan = plan_rollback(&c, &journal.read().unwrap(), "churn-prod", None)
        .await
        .unwrap();
    assert_eq!(plan.after.routes.percent("churn_model-3"), 50);
    // With no journal, there is nothing to go back to.
    let empty = tempfile::tempdir().unwrap();
    let e = plan_rollback(
        &c,
        &Journal::in_dir(empty.path()).read().unwrap(),
        "churn-prod",
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, OpError::NotFound(_)), "{e}");
}
