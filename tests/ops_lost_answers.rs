//! A change whose answer is lost after the server applied it: it is sent once, the read-back
//! decides, and the journal says "ok (answer lost)". A server that failed a change (500) and
//! shows it not applied gets it once more; one that gave no answer at all leaves it unknown.
//! A change of several requests cut short is undone. The simulator's `lost` fault applies a
//! change and then answers with a reset, a 500 or an HTML 504, as a proxy losing the answer.

mod ops_support;

use std::time::Duration;

use mlops_console::api::{Client, RetryPolicy};
use mlops_console::ops::approvals::Decision;
use mlops_console::ops::jobs::Backoff;
use mlops_console::ops::journal::{Outcome, Standing};
use mlops_console::ops::traffic::{Waiter, apply};
use mlops_console::ops::{Plan, execute};
use mlops_console::sim::{self, FaultSpec, ScriptedFault, SimClock, SimHandle, SimOptions};

use ops_support::{
    ACTOR, client_with, config_version, ctx, decision, decision_plan, plan_shift, temp_journal,
};

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        serving_update_delay: Duration::from_secs(2),
        traffic_rps: 0.0,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

/// A client whose retries wait milliseconds instead of seconds.
fn client(sim: &SimHandle) -> Client {
    client_with(sim, &sim.token, |o| {
        o.retry_policy = RetryPolicy::scaled(Duration::from_millis(1));
    })
}

fn writes(sim: &SimHandle, method: &str, path_end: &str) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == method && r.path.ends_with(path_end))
        .count()
}

/// The plan to approve `version` (with a comment, archiving the versions in the stage).
async fn approval(c: &Client, model: &str, version: &str, stage: Option<&str>) -> Plan {
    let mut req = decision(model, version, Decision::Approve, Some("looks good"));
    req.stage = stage.map(str::to_string);
    decision_plan(c, Some(ACTOR), &req).await
}

/// A waiter whose sleeps move the simulator's clock.
fn waiter(sim: &SimHandle) -> Waiter<'static> {
    let clock = sim.clock.clone();
    Waiter::real()
        .with_sleep(Box::new(move |d: Duration| {
            clock.advance(d);
            Box::pin(async {})
        }))
        .with_backoff(Backoff {
            step: Duration::from_secs(1),
            cap: Duration::from_secs(2),
            timeout: Duration::from_secs(60),
        })
}

#[tokio::test]
async fn an_approval_whose_answer_is_lost_is_sent_once_and_journaled_ok() {
    let sim = sim().await;
    let c = client(&sim);
    let (_dir, journal) = temp_journal();
    let plan = approval(&c, "fraud_model", "4", Some("Production")).await;
    // Every change from here on is applied and then loses its answer.
    sim.set_faults(FaultSpec::parse("lost=1").unwrap());
    let done = execute(&c, &journal, &ctx(), &plan).await.unwrap();
    sim.set_faults(FaultSpec::none());
    assert_eq!(done.outcome, Outcome::Ok, "{}", done.message);
    assert!(done.answer_lost, "{}", done.message);
    assert!(
        done.message.starts_with("answer lost (HTTP 504")
            || done.message.starts_with("answer lost ("),
        "{}",
        done.message
    );
    assert_eq!(
        writes(&sim, "POST", "/transition-requests/approve"),
        1,
        "the approval went out once"
    );
    let view = journal.read().unwrap();
    assert_eq!(view.entries[0].standing(), Standing::Ok);
    assert!(view.entries[0].latest().unwrap().answer_lost);
}

#[tokio::test]
async fn a_traffic_change_whose_answer_is_lost_moves_the_config_version_once() {
    let sim = sim().await;
    let c = client(&sim);
    let (_dir, journal) = temp_journal();
    let version = config_version(&c).await;
    let mut waiter = waiter(&sim);
    for lost in [
        ScriptedFault::Reset,
        ScriptedFault::Status(500),
        ScriptedFault::Html { status: 504 },
    ] {
        let plan = plan_shift(&c, 5).await;
        // The GET before the PUT passes; the PUT is applied and its answer lost.
        sim.script_faults(vec![
            ScriptedFault::Pass,
            ScriptedFault::AfterApply(Box::new(lost.clone())),
        ]);
        let done = apply(&c, &journal, &ctx(), &plan, &mut waiter)
            .await
            .unwrap();
        assert_eq!(done.outcome, Outcome::Ok, "{lost:?}: {}", done.message);
        assert!(done.answer_lost, "{lost:?}: {}", done.message);
    }
    assert_eq!(
        config_version(&c).await,
        version + 3,
        "three changes, three config versions: none was sent twice"
    );
    assert_eq!(writes(&sim, "PUT", "/config"), 3);
}

#[tokio::test]
async fn a_change_the_server_failed_is_sent_once_more_only_when_read_back_as_not_applied() {
    let sim = sim().await;
    let c = client(&sim);
    let (_dir, journal) = temp_journal();
    let version = config_version(&c).await;
    let plan = plan_shift(&c, 5).await;
    // The PUT is refused with a 500 before it is applied.
    sim.script_faults(vec![ScriptedFault::Pass, ScriptedFault::Status(500)]);
    let mut waiter = waiter(&sim);
    let done = apply(&c, &journal, &ctx(), &plan, &mut waiter)
        .await
        .unwrap();
    assert_eq!(done.outcome, Outcome::Ok, "{}", done.message);
    assert_eq!(writes(&sim, "PUT", "/config"), 2, "once more after the 500");
    assert_eq!(config_version(&c).await, version + 1);
    let view = journal.read().unwrap();
    let sent = &view.entries[0].latest().unwrap().sent;
    assert_eq!(sent.len(), 2, "the journal lists both requests: {sent:?}");
}

#[tokio::test]
async fn a_uc_approval_cut_short_is_undone_and_journaled_failed() {
    let sim = sim().await;
    let c = client(&sim);
    let (_dir, journal) = temp_journal();
    let plan = approval(&c, "main.ml.churn_model", "5", None).await;
    assert_eq!(plan.steps.len(), 3, "comment, approver, decision");
    let before = plan.before.clone();
    // The re-read before the change passes, the first two tags are set, the third (the
    // decision) is refused.
    sim.script_faults(vec![
        ScriptedFault::Pass,
        ScriptedFault::Pass,
        ScriptedFault::Pass,
        ScriptedFault::Status(403),
    ]);
    let done = execute(&c, &journal, &ctx(), &plan).await.unwrap();
    assert_eq!(done.outcome, Outcome::Failed, "{}", done.message);
    assert!(done.message.contains("undone"), "{}", done.message);
    assert_eq!(
        done.verified.as_ref(),
        Some(&before),
        "back to the state before"
    );
    let view = journal.read().unwrap();
    let sent = &view.entries[0].latest().unwrap().sent;
    assert!(
        sent.iter().filter(|s| s.ends_with("(undo)")).count() >= 2,
        "{sent:?}"
    );
    // The version does not read approved.
    let tags = c
        .get_uc_version_tags("main.ml.churn_model", "5")
        .await
        .unwrap();
    assert!(
        !tags
            .iter()
            .any(|t| t.key == "approval" && t.value == "approved"),
        "{tags:?}"
    );
}

/// A traffic change whose answer is lost, after which someone else changes the endpoint before
/// it can be read back: this change may have applied and been overwritten, or not applied at
/// all. The outcome is unknown, never "failed" (nor "not sent").
#[tokio::test]
async fn a_lost_traffic_answer_then_someone_elses_change_is_unknown() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let sim = sim().await;
    let c = client(&sim);
    let (_dir, journal) = temp_journal();
    let plan = plan_shift(&c, 5).await;
    let theirs = plan_shift(&c, 30).await.after.to_input();
    let (other, clock) = (client(&sim), sim.clock.clone());
    let changed = Arc::new(AtomicBool::new(false));
    let done = changed.clone();
    // Someone else's update goes in as soon as ours has finished (a 409 before that).
    let mut waiter = Waiter::real()
        .with_sleep(Box::new(move |d: Duration| {
            clock.advance(d);
            let (other, theirs, done) = (other.clone(), theirs.clone(), done.clone());
            Box::pin(async move {
                if !done.load(Ordering::SeqCst)
                    && other
                        .update_endpoint_config("churn-prod", &theirs)
                        .await
                        .is_ok()
                {
                    done.store(true, Ordering::SeqCst);
                }
            })
        }))
        .with_backoff(Backoff {
            step: Duration::from_secs(1),
            cap: Duration::from_secs(2),
            timeout: Duration::from_secs(60),
        });
    sim.script_faults(vec![
        ScriptedFault::Pass,
        ScriptedFault::AfterApply(Box::new(ScriptedFault::Reset)),
    ]);
    let out = apply(&c, &journal, &ctx(), &plan, &mut waiter)
        .await
        .unwrap();
    assert!(changed.load(Ordering::SeqCst), "the other update went in");
    assert_eq!(out.outcome, Outcome::Unknown, "{}", out.message);
    assert!(out.message.contains("unknown"), "{}", out.message);
    let view = journal.read().unwrap();
    assert_eq!(view.entries[0].standing(), Standing::Unknown);
}
