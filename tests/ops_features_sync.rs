//! Syncing online tables through the library against the simulator: the TRIGGERED
//! txn_agg_30d (nothing to do during its first snapshot, started, verified and followed after
//! it, a 409 read as "already running" and journaled as failed); a CONTINUOUS table's sync
//! refused; a missing table. Only 127.0.0.1 is contacted.

mod ops_support;

use std::time::Duration;

use mlops_console::api::models::synced_tables::SyncState;
use mlops_console::ops::feature_changes::{SyncPoll, follow_update, sync_online_table};
use mlops_console::ops::journal::Outcome;
use mlops_console::ops::{ChangeAction, Journal, ObjectState, OpError, Target};
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

use ops_support::{client_with, ctx};

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

/// A poll whose sleeps move the simulator's clock.
fn simulated(sim: &SimHandle) -> SyncPoll<'static> {
    let clock = sim.clock.clone();
    SyncPoll::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

fn updates(sim: &SimHandle) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/updates"))
        .count()
}

#[tokio::test]
async fn a_triggered_table_syncs_once_its_first_snapshot_is_done() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, j) = journal(&sim);
    // Published three minutes ago: its first snapshot is a sync already on its way.
    let e = sync_online_table(&c, &j, &ctx(), TXN_ONLINE)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, OpError::NothingToDo(why) if why.contains("already running")),
        "{e}"
    );
    assert_eq!(updates(&sim), 0);

    sim.clock.advance(Duration::from_secs(10 * 60));
    let before = c.read_online_table(TXN_ONLINE).await.unwrap();
    assert_eq!(before.sync_state, Some(SyncState::OnlineNoPendingUpdate));
    let started = sync_online_table(&c, &j, &ctx(), TXN_ONLINE).await.unwrap();
    assert_eq!(
        started.change.outcome,
        Outcome::Ok,
        "{}",
        started.change.message
    );
    assert!(started.update_id.is_some());
    assert_eq!(started.pipeline_id, before.pipeline_id);
    assert!(matches!(
        &started.change.verified,
        Some(ObjectState::OnlineSyncUpdate { updated: true, sync_state: Some(s), .. })
            if s == "ONLINE_TRIGGERED_UPDATE"
    ));
    let view = j.read().unwrap();
    let entry = view.entry(&started.change.id).unwrap();
    assert_eq!(entry.attempt.action, ChangeAction::SyncOnlineTable);
    assert!(
        matches!(&entry.attempt.target, Target::OnlineTableSync { name, .. } if name == TXN_ONLINE)
    );
    assert_eq!(entry.latest().unwrap().outcome, Outcome::Ok);

    let end = follow_update(
        &c,
        TXN_ONLINE,
        started.last_sync_before.as_deref(),
        &mut simulated(&sim),
    )
    .await
    .unwrap();
    assert_eq!(end.sync_state, Some(SyncState::OnlineNoPendingUpdate));
    assert!(end.last_sync_end_ms().unwrap() >= started.since_ms);
    assert_ne!(end.last_sync_end, before.last_sync_end);

    // The workspace answers 409 while an update runs that someone else started meanwhile
    // (played as the update applied, then a 409): "already running", journaled as refused —
    // the running update read back is not ours — and not sent again.
    let posts = updates(&sim);
    // The read before (the database API first, then the postgres one) passes.
    sim.script_faults(vec![
        ScriptedFault::Pass,
        ScriptedFault::Pass,
        ScriptedFault::AfterApply(Box::new(ScriptedFault::Status(409))),
    ]);
    let busy = sync_online_table(&c, &j, &ctx(), TXN_ONLINE).await.unwrap();
    assert!(busy.already_running(), "{:?}", busy.change);
    assert_eq!(busy.change.outcome, Outcome::Failed);
    assert!(!busy.change.answer_lost);
    assert!(
        busy.change.message.contains("already running"),
        "{}",
        busy.change.message
    );
    assert_eq!(updates(&sim), posts + 1);
    let view = j.read().unwrap();
    let entry = view.entry(&busy.change.id).unwrap();
    assert_eq!(entry.latest().unwrap().outcome, Outcome::Failed);
}

#[tokio::test]
async fn a_continuous_table_is_not_synced_by_hand() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, j) = journal(&sim);
    let e = sync_online_table(&c, &j, &ctx(), "main.features_online.customer_features")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, OpError::Refused(why) if why.contains("CONTINUOUS")
            && why.contains("on its own")),
        "{e}"
    );
    let e = sync_online_table(&c, &j, &ctx(), "main.features_online.nope")
        .await
        .unwrap_err();
    assert!(matches!(e, OpError::NotFound(_)), "{e}");
    assert_eq!(updates(&sim), 0);
    assert!(j.read().unwrap().entries.is_empty());
}
