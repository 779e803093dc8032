//! Publishing feature tables and syncing online tables through the library against the
//! simulator: a publish to fs-prod followed through provisioning, the first snapshot and
//! online (UC ACTIVE before the first sync is not "synced"); a publish to fs-realtime whose
//! answer names no pipeline, verified by reading the synced table; refusals before anything is
//! sent (a STOPPED store, no Change Data Feed, read-only, a name taken); a lost answer settled
//! by reading back, never sent twice; an outcome not read back left unknown until verified; the
//! workspace's refusal in its own words; journal entries (syncs: `ops_features_sync`). Only
//! 127.0.0.1 is contacted.

mod ops_support;

use std::time::Duration;

use mlops_console::api::Client;
use mlops_console::api::models::feature_store::PublishMode;
use mlops_console::api::models::online_sync::OnlineSync;
use mlops_console::api::models::synced_tables::{ProvisioningState, SyncState};
use mlops_console::ops::feature_changes::{
    self, PublishRequest, SyncPoll, follow_first_sync, plan_publish, sync_online_table,
};
use mlops_console::ops::journal::Outcome;
use mlops_console::ops::{ChangeAction, Journal, ObjectState, OpError, Target};
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

use ops_support::{client_with, ctx};

const TXN: &str = "main.features.txn_agg_30d";
const CUSTOMER: &str = "main.features.customer_features";
const SUPPORT: &str = "main.features.support_interactions";
const TXN_ONLINE: &str = "main.features_online.txn_agg_30d";

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        sql_latency: Duration::ZERO,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

/// A journal whose clock is the simulator's.
fn journal(sim: &SimHandle) -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let clock = sim.clock.clone();
    let j = Journal::in_dir(dir.path()).with_clock(move || clock.now_ms());
    (dir, j)
}

/// A poll whose sleeps move the simulator's clock and which keeps every state read.
fn simulated(
    sim: &SimHandle,
    seen: std::sync::Arc<std::sync::Mutex<Vec<OnlineSync>>>,
) -> SyncPoll<'static> {
    let clock = sim.clock.clone();
    SyncPoll::real()
        .with_sleep(Box::new(move |d: Duration| {
            clock.advance(d);
            Box::pin(async {})
        }))
        .on_progress(move |o: &OnlineSync| seen.lock().unwrap().push(o.clone()))
}

fn requests(sim: &SimHandle, method: &str, tail: &str) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == method && r.path.ends_with(tail))
        .count()
}

fn publishes(sim: &SimHandle) -> usize {
    requests(sim, "POST", "/publish")
}

fn req(source: &str, store: &str, mode: PublishMode, name: Option<&str>) -> PublishRequest {
    PublishRequest {
        source: source.into(),
        store: store.into(),
        mode,
        name: name.map(str::to_string),
    }
}

async fn publish(
    c: &Client,
    j: &Journal,
    r: &PublishRequest,
) -> Result<feature_changes::Published, OpError> {
    let plan = plan_publish(c, r).await?;
    feature_changes::publish::publish(c, j, &ctx(), &plan).await
}

#[tokio::test]
async fn a_publish_to_fs_prod_is_verified_and_followed_to_its_first_sync() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, j) = journal(&sim);
    let name = "main.features_online.txn_agg_30d_prod";
    let r = req(TXN, "fs-prod", PublishMode::Triggered, Some(name));
    let done = publish(&c, &j, &r).await.unwrap();
    assert_eq!(done.change.outcome, Outcome::Ok, "{}", done.change.message);
    assert!(
        done.answered_pipeline_id.is_some(),
        "fs-prod answers with it"
    );
    let online = done.online.clone().unwrap();
    assert_eq!(
        online.sync_state,
        Some(SyncState::ProvisioningPipelineResources)
    );
    assert!(!online.first_sync_done());
    assert!(
        done.change.message.contains("first sync not done"),
        "{}",
        done.change.message
    );
    assert_eq!(publishes(&sim), 1);

    let seen: std::sync::Arc<std::sync::Mutex<Vec<OnlineSync>>> = std::sync::Arc::default();
    let mut poll = simulated(&sim, std::sync::Arc::clone(&seen));
    let end = follow_first_sync(&c, name, &mut poll).await.unwrap();
    assert!(end.first_sync_done());
    assert_eq!(end.sync_state, Some(SyncState::OnlineNoPendingUpdate));
    assert!(end.last_synced_version.is_some());
    let seen: Vec<OnlineSync> = seen.lock().unwrap().clone();
    let states: Vec<SyncState> = seen.iter().filter_map(|o| o.sync_state.clone()).collect();
    assert!(
        states.contains(&SyncState::ProvisioningInitialSnapshot),
        "{states:?}"
    );
    // UC said ACTIVE while the first snapshot was still being copied: not synced yet.
    assert!(
        seen.iter()
            .any(|o| o.uc_state == Some(ProvisioningState::Active)
                && o.sync_state == Some(SyncState::ProvisioningInitialSnapshot)
                && !o.first_sync_done())
    );

    let view = j.read().unwrap();
    let entry = view.entry(&done.change.id).unwrap();
    assert_eq!(entry.attempt.action, ChangeAction::PublishFeatureTable);
    assert_eq!(
        entry.attempt.target,
        Target::OnlineTable {
            name: name.into(),
            source: TXN.into(),
            store: Some("fs-prod".into())
        }
    );
    assert_eq!(entry.latest().unwrap().outcome, Outcome::Ok);
    assert!(entry.attempt.requests[0].contains("/publish"));
    // Published again as asked: nothing to do, nothing sent.
    let again = publish(&c, &j, &r).await.unwrap_err();
    assert!(matches!(again, OpError::NothingToDo(_)), "{again}");
    assert_eq!(publishes(&sim), 1);
}

#[tokio::test]
async fn a_publish_answered_without_a_pipeline_id_is_verified_by_reading_the_table() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, j) = journal(&sim);
    let name = "main.features_online.customer_features_rt";
    let r = req(CUSTOMER, "fs-realtime", PublishMode::Continuous, Some(name));
    let done = publish(&c, &j, &r).await.unwrap();
    assert_eq!(done.change.outcome, Outcome::Ok, "{}", done.change.message);
    assert_eq!(
        done.answered_pipeline_id, None,
        "fs-realtime answers without it"
    );
    assert!(
        done.pipeline_id.is_some(),
        "read from the synced table's status"
    );
    assert!(matches!(
        &done.change.verified,
        Some(ObjectState::OnlineTable(t)) if t.exists && t.mode.as_deref() == Some("CONTINUOUS")
    ));
}

#[tokio::test]
async fn refusals_come_before_anything_is_journaled_or_sent() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, j) = journal(&sim);
    // The stopped store.
    let e = publish(&c, &j, &req(TXN, "fs-dev", PublishMode::Snapshot, None))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, OpError::Refused(why) if why.contains("fs-dev is STOPPED")),
        "{e}"
    );
    // No Change Data Feed on the source for CONTINUOUS.
    let e = publish(
        &c,
        &j,
        &req(
            SUPPORT,
            "fs-prod",
            PublishMode::Continuous,
            Some("main.features_online.s2"),
        ),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, OpError::Refused(why) if why.contains("Change Data Feed")
            && why.contains("--mode snapshot")),
        "{e}"
    );
    // The default name of txn_agg_30d is taken by its TRIGGERED copy: nothing to do; as a
    // snapshot it is another copy: refused.
    let e = publish(
        &c,
        &j,
        &req(TXN, "fs-realtime", PublishMode::Triggered, None),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, OpError::NothingToDo(why) if why.contains(TXN_ONLINE)),
        "{e}"
    );
    let e = publish(&c, &j, &req(TXN, "fs-prod", PublishMode::Snapshot, None))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, OpError::Refused(why) if why.contains("--name")),
        "{e}"
    );
    let e = publish(
        &c,
        &j,
        &req("features", "fs-prod", PublishMode::Snapshot, None),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, OpError::Invalid(_)), "{e}");
    // Read-only: refused below the UI.
    let ro = client_with(&sim, &sim.token, |o| o.readonly = true);
    let r = req(
        TXN,
        "fs-prod",
        PublishMode::Triggered,
        Some("main.features_online.t2"),
    );
    let plan = plan_publish(&c, &r).await.unwrap();
    let e = feature_changes::publish::publish(&ro, &j, &ctx(), &plan)
        .await
        .unwrap_err();
    assert!(matches!(e, OpError::ReadOnly(_)), "{e}");
    let e = sync_online_table(&ro, &j, &ctx(), TXN_ONLINE)
        .await
        .unwrap_err();
    assert!(matches!(e, OpError::ReadOnly(_)), "{e}");
    assert_eq!(publishes(&sim), 0);
    assert_eq!(requests(&sim, "POST", "/updates"), 0);
    assert!(j.read().unwrap().entries.is_empty());
}

#[tokio::test]
async fn a_publish_whose_answer_is_lost_is_settled_by_reading_back_never_sent_twice() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, j) = journal(&sim);
    c.workspace_id().await;
    let name = "main.features_online.txn_agg_30d_prod";
    let r = req(TXN, "fs-prod", PublishMode::Triggered, Some(name));
    for lost in [ScriptedFault::Reset, ScriptedFault::Html { status: 504 }] {
        let name = format!("{name}_{}", publishes(&sim));
        let r = PublishRequest {
            name: Some(name.clone()),
            ..r.clone()
        };
        // The reads before the POST pass (as many as planning makes); the POST is applied and
        // its answer lost.
        let before = sim.request_log().len();
        let plan = plan_publish(&c, &r).await.unwrap();
        let reads = sim.request_log().len() - before;
        let posts = publishes(&sim);
        let mut script = vec![ScriptedFault::Pass; reads];
        script.push(ScriptedFault::AfterApply(Box::new(lost.clone())));
        sim.script_faults(script);
        let done = feature_changes::publish::publish(&c, &j, &ctx(), &plan)
            .await
            .unwrap();
        assert_eq!(
            done.change.outcome,
            Outcome::Ok,
            "{lost:?}: {}",
            done.change.message
        );
        assert!(done.change.answer_lost, "{lost:?}");
        assert_eq!(publishes(&sim), posts + 1, "{lost:?}: sent once");
        assert!(c.read_online_table(&name).await.is_ok());
    }
}

#[tokio::test]
async fn a_publish_that_could_not_be_read_back_is_unknown_until_verified() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, j) = journal(&sim);
    c.workspace_id().await;
    let name = "main.features_online.customer_features_2";
    let r = req(CUSTOMER, "fs-prod", PublishMode::Snapshot, Some(name));
    let before = sim.request_log().len();
    let plan = plan_publish(&c, &r).await.unwrap();
    let reads = sim.request_log().len() - before;
    // The reads before pass; the POST is applied and its answer lost; reading the online
    // table back is refused.
    let mut script = vec![ScriptedFault::Pass; reads];
    script.push(ScriptedFault::AfterApply(Box::new(ScriptedFault::Reset)));
    script.push(ScriptedFault::Status(403));
    sim.script_faults(script);
    let done = feature_changes::publish::publish(&c, &j, &ctx(), &plan)
        .await
        .unwrap();
    assert_eq!(
        done.change.outcome,
        Outcome::Unknown,
        "{}",
        done.change.message
    );
    let settled = mlops_console::ops::change::verify::verify_unknown(&c, &j)
        .await
        .unwrap();
    assert_eq!(settled.len(), 1);
    let result = settled[0].1.as_ref().unwrap();
    assert_eq!(result.outcome, Outcome::Ok);
    assert!(matches!(&result.verified, Some(ObjectState::OnlineTable(t)) if t.exists));
    assert_eq!(publishes(&sim), 1, "verifying sends nothing");
}

#[tokio::test]
async fn the_workspace_refusing_a_publish_is_failed_in_its_own_words() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, j) = journal(&sim);
    c.workspace_id().await;
    let name = "main.features_online.customer_features_3";
    let r = req(CUSTOMER, "fs-prod", PublishMode::Continuous, Some(name));
    let before = sim.request_log().len();
    let plan = plan_publish(&c, &r).await.unwrap();
    let reads = sim.request_log().len() - before;
    let body = r#"{"error_code":"INVALID_PARAMETER_VALUE","message":"CONTINUOUS publishing needs Change Data Feed on 'main.features.customer_features'."}"#;
    let mut script = vec![ScriptedFault::Pass; reads];
    script.push(ScriptedFault::Json {
        status: 400,
        body: body.to_string(),
    });
    sim.script_faults(script);
    let done = feature_changes::publish::publish(&c, &j, &ctx(), &plan)
        .await
        .unwrap();
    assert_eq!(done.change.outcome, Outcome::Failed);
    assert_eq!(
        done.change.message,
        "the publish was refused: CONTINUOUS publishing needs Change Data Feed on \
         'main.features.customer_features'."
    );
    let view = j.read().unwrap();
    let entry = view.entry(&done.change.id).unwrap();
    assert_eq!(entry.latest().unwrap().outcome, Outcome::Failed);
    assert!(c.read_online_table(name).await.unwrap_err().is_not_found());
}
