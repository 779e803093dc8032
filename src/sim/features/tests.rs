//! The sync state machine and the Delta history, without HTTP.

use crate::api::models::feature_store::PublishMode;
use crate::api::models::synced_tables::{ProvisioningState, SyncState};
use crate::sim::world::{DAY, HOUR, MINUTE, SECOND};

use super::delta::{DeltaVersion, JobWrite, history};
use super::seed;
use super::store::SimSynced;
use super::sync::*;

const T0: i64 = 1_767_225_600_000;

fn versions(times: &[i64]) -> Vec<DeltaVersion> {
    times
        .iter()
        .enumerate()
        .map(|(i, t)| DeltaVersion {
            version: i as i64,
            timestamp: *t,
            operation: "MERGE",
            user: "u".into(),
            job: None,
            rows: None,
        })
        .collect()
}

fn synced(mode: PublishMode) -> SimSynced {
    SimSynced::new("c.s.online", "c.s.t", "fs", mode, T0, &["id"], None)
}

#[test]
fn a_synced_table_is_provisioned_then_snapshotted_then_online() {
    let h = versions(&[T0 - DAY, T0 - HOUR]);
    let s = synced(PublishMode::Triggered);
    let at = |dt: i64| view(&s, 1000, &h, T0 + dt);

    let v = at(10 * SECOND);
    assert_eq!(v.state, SyncState::ProvisioningPipelineResources);
    assert_eq!(v.uc, ProvisioningState::Provisioning);
    // UC says ACTIVE before the first sync has finished.
    let v = at(PROVISION_MS - SECOND);
    assert_eq!(v.uc, ProvisioningState::Active);
    let v = at(PROVISION_MS + SNAPSHOT_MS / 2);
    assert_eq!(v.state, SyncState::ProvisioningInitialSnapshot);
    let p = v.progress.unwrap();
    assert_eq!(p.sync_progress_completion, Some(0.5));
    assert_eq!(
        (p.synced_row_count, p.total_row_count),
        (Some(500), Some(1000))
    );
    assert_eq!(p.latest_version_currently_processing, Some(1));
    assert!(v.last.is_none());

    let v = at(PROVISION_MS + SNAPSHOT_MS);
    assert_eq!(v.state, SyncState::OnlineNoPendingUpdate);
    assert_eq!(v.last.unwrap().version, 1);
}

#[test]
fn a_triggered_sync_reads_the_source_as_it_was_when_asked() {
    let online_at = T0 + PROVISION_MS + SNAPSHOT_MS;
    let h = versions(&[T0 - DAY, online_at + MINUTE, online_at + 3 * MINUTE]);
    let mut s = synced(PublishMode::Triggered);
    assert!(can_trigger(&s, online_at - SECOND).is_err());
    let asked = online_at + 2 * MINUTE;
    assert!(can_trigger(&s, asked).is_ok());
    s.triggers.push(asked);
    assert!(
        can_trigger(&s, asked + SECOND).is_err(),
        "one update at a time"
    );

    let v = view(&s, 10, &h, asked + UPDATE_MS / 3);
    assert_eq!(v.state, SyncState::OnlineTriggeredUpdate);
    assert_eq!(
        v.last.as_ref().unwrap().version,
        0,
        "the snapshot until it ends"
    );
    let v = view(&s, 10, &h, asked + UPDATE_MS + 10 * MINUTE);
    assert_eq!(v.state, SyncState::OnlineNoPendingUpdate);
    // Version 2 came after the sync was asked for: not in it.
    assert_eq!(v.last.unwrap().version, 1);
}

#[test]
fn a_continuous_table_follows_its_source_a_lag_behind() {
    let online_at = T0 + PROVISION_MS + SNAPSHOT_MS;
    let write = online_at + HOUR;
    let h = versions(&[T0 - DAY, write]);
    let s = synced(PublishMode::Continuous);
    assert!(can_trigger(&s, write).is_err());
    let before = view(&s, 10, &h, write + CONTINUOUS_LAG_MS - SECOND);
    assert_eq!(before.state, SyncState::OnlineContinuousUpdate);
    assert_eq!(before.last.unwrap().version, 0);
    let after = view(&s, 10, &h, write + CONTINUOUS_LAG_MS);
    assert_eq!(after.last.unwrap().version, 1);
}

#[test]
fn the_status_names_states_per_api_and_fills_the_matching_sub_status() {
    let h = versions(&[T0 - DAY]);
    let s = synced(PublishMode::Triggered);
    let v = view(&s, 10, &h, T0 + PROVISION_MS + SECOND);
    let db = status(&v, true, Some("p"));
    assert_eq!(
        db.detailed_state.as_deref(),
        Some("SYNCED_TABLE_PROVISIONING_INITIAL_SNAPSHOT")
    );
    assert!(db.provisioning_status.is_some() && db.triggered_update_status.is_none());
    let legacy = status(&v, false, Some("p"));
    assert_eq!(
        legacy.detailed_state.as_deref(),
        Some("PROVISIONING_INITIAL_SNAPSHOT")
    );
    assert!(legacy.pipeline_id.is_none() && legacy.last_sync.is_none());
    assert_eq!(
        SyncState::Offline.synced_wire(true),
        "SYNCED_TABLED_OFFLINE"
    );
    assert_eq!(
        SyncState::Offline.synced_wire(false),
        "SYNCED_TABLE_OFFLINE"
    );
}

#[test]
fn job_writes_become_versions_after_the_daily_loads() {
    let tables = seed::tables(T0);
    let customer = &tables[0];
    let write = |at: i64, table: &str| JobWrite {
        table: table.into(),
        at,
        rows: Some(7),
        job_id: 1,
        run_id: at,
        user: "ml-eng@acme.com".into(),
    };
    let writes = vec![
        write(T0 - 2 * HOUR, seed::CUSTOMER),
        write(T0 - HOUR, seed::TXN),
        // Before the daily loads end: already in them.
        write(T0 - 3 * DAY, seed::CUSTOMER),
        // Not yet happened.
        write(T0 + HOUR, seed::CUSTOMER),
    ];
    let h = history(customer, &writes, T0);
    let ops: Vec<&str> = h.iter().take(3).map(|v| v.operation).collect();
    assert_eq!(
        ops,
        vec!["CREATE TABLE", "ADD CONSTRAINT", "SET TBLPROPERTIES"]
    );
    let last = h.last().unwrap();
    assert_eq!(
        (last.timestamp, last.job),
        (T0 - 2 * HOUR, Some((1, T0 - 2 * HOUR)))
    );
    assert!(h.windows(2).all(|w| w[0].version + 1 == w[1].version));
    // 3 set-up versions, 30 daily loads kept, 1 job write.
    assert_eq!(h.len(), 3 + 31 + 1);
    // The stale table: no Change Data Feed, last written 52 hours ago.
    let support = &tables[2];
    let h = history(support, &[], T0);
    assert_eq!(h.last().unwrap().timestamp, T0 - 52 * HOUR);
    assert_eq!(h[2].operation, "MERGE");
}
