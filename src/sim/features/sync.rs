//! The state machine of a synced table, on the simulator's clock: its pipeline is provisioned
//! ([`PROVISION_MS`]; UC says PROVISIONING for the first half, then ACTIVE while the sync has
//! not finished), the first snapshot copies the source ([`SNAPSHOT_MS`]), then the table is
//! online: a CONTINUOUS one follows its source [`CONTINUOUS_LAG_MS`] behind; a TRIGGERED or
//! SNAPSHOT one syncs when asked (a pipeline update, [`UPDATE_MS`]) and otherwise has no
//! pending update. The state is worked out from the times alone, so any clock reading gives
//! the same answer.

use crate::api::models::feature_store::PublishMode;
use crate::api::models::synced_tables::*;
use crate::sim::world::{MINUTE, SECOND};

use super::delta::{DeltaVersion, version_at};
use super::store::SimSynced;

pub(crate) const PROVISION_MS: i64 = 60 * SECOND;
pub(crate) const SNAPSHOT_MS: i64 = 10 * MINUTE;
pub(crate) const UPDATE_MS: i64 = 90 * SECOND;
pub(crate) const CONTINUOUS_LAG_MS: i64 = 60 * SECOND;

/// A finished sync: the source version it read and when it ran.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Synced {
    pub version: i64,
    pub version_at: i64,
    pub start: i64,
    pub end: i64,
}

/// A synced table at one instant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyncView {
    pub uc: ProvisioningState,
    pub state: SyncState,
    pub message: String,
    /// The sync on its way (first snapshot or a triggered update).
    pub progress: Option<PipelineProgress>,
    pub last: Option<Synced>,
}

pub(crate) fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

fn progress(frac: f64, rows: i64, version: Option<i64>, left_ms: i64) -> PipelineProgress {
    let frac = frac.clamp(0.0, 1.0);
    PipelineProgress {
        estimated_completion_time_seconds: Some((left_ms.max(0) / 1000) as f64),
        latest_version_currently_processing: version,
        sync_progress_completion: Some((frac * 1000.0).round() / 1000.0),
        synced_row_count: Some((rows as f64 * frac) as i64),
        total_row_count: Some(rows),
        provisioning_phase: None,
    }
}

fn synced(history: &[DeltaVersion], read_at: i64, start: i64, end: i64) -> Option<Synced> {
    version_at(history, read_at).map(|v| Synced {
        version: v.version,
        version_at: v.timestamp,
        start,
        end,
    })
}

/// Whether a sync may be started now (the table is online and no update is on its way); the
/// reason otherwise.
pub(crate) fn can_trigger(s: &SimSynced, now: i64) -> Result<(), String> {
    let online_at = s.created_at + PROVISION_MS + SNAPSHOT_MS;
    if s.mode == PublishMode::Continuous {
        return Err(format!(
            "The pipeline of '{}' runs continuously: it syncs every change on its own.",
            s.name
        ));
    }
    if now < online_at {
        return Err(format!(
            "An update of the pipeline of '{}' is already running (the initial snapshot).",
            s.name
        ));
    }
    if s.triggers.last().is_some_and(|t| now < t + UPDATE_MS) {
        return Err(format!(
            "An update of the pipeline of '{}' is already running.",
            s.name
        ));
    }
    Ok(())
}

/// The state of `s` at `now`, its source having `rows` rows and history `history`.
pub(crate) fn view(s: &SimSynced, rows: i64, history: &[DeltaVersion], now: i64) -> SyncView {
    let t = now - s.created_at;
    let snap_read = s.created_at + PROVISION_MS;
    let online_at = snap_read + SNAPSHOT_MS;
    if t < PROVISION_MS {
        return SyncView {
            uc: if t < PROVISION_MS / 2 {
                ProvisioningState::Provisioning
            } else {
                ProvisioningState::Active
            },
            state: SyncState::ProvisioningPipelineResources,
            message: "Provisioning the pipeline resources.".into(),
            progress: None,
            last: None,
        };
    }
    if now < online_at {
        let frac = (now - snap_read) as f64 / SNAPSHOT_MS as f64;
        let version = version_at(history, snap_read).map(|v| v.version);
        let mut p = progress(frac, rows, version, online_at - now);
        p.provisioning_phase = Some("PROVISIONING_PHASE_MAIN".into());
        return SyncView {
            uc: ProvisioningState::Active,
            state: SyncState::ProvisioningInitialSnapshot,
            message: "Copying the initial snapshot of the source table.".into(),
            progress: Some(p),
            last: None,
        };
    }
    let snapshot = synced(history, snap_read, snap_read, online_at);
    if s.mode == PublishMode::Continuous {
        let read = (now - CONTINUOUS_LAG_MS).max(snap_read);
        let last = version_at(history, read).map(|v| Synced {
            version: v.version,
            version_at: v.timestamp,
            start: v.timestamp.max(snap_read),
            end: (v.timestamp + CONTINUOUS_LAG_MS).max(online_at).min(now),
        });
        return SyncView {
            uc: ProvisioningState::Active,
            state: SyncState::OnlineContinuousUpdate,
            message: "Online: following the source's changes.".into(),
            progress: None,
            last: last.or(snapshot),
        };
    }
    let done: Vec<i64> = s
        .triggers
        .iter()
        .copied()
        .filter(|t| *t >= online_at && t + UPDATE_MS <= now)
        .collect();
    let last = done
        .last()
        .and_then(|t| synced(history, *t, *t, t + UPDATE_MS))
        .or(snapshot);
    if let Some(t) = s.triggers.last().filter(|t| now < *t + UPDATE_MS) {
        let frac = (now - t) as f64 / UPDATE_MS as f64;
        let version = version_at(history, *t).map(|v| v.version);
        return SyncView {
            uc: ProvisioningState::Active,
            state: SyncState::OnlineTriggeredUpdate,
            message: "Online: an update is running.".into(),
            progress: Some(progress(frac, rows, version, t + UPDATE_MS - now)),
            last,
        };
    }
    SyncView {
        uc: ProvisioningState::Active,
        state: SyncState::OnlineNoPendingUpdate,
        message: "Online: no pending update.".into(),
        progress: None,
        last,
    }
}

/// The database / legacy status object of a view.
pub(crate) fn status(v: &SyncView, database: bool, pipeline_id: Option<&str>) -> SyncStatus {
    let last_version = v.last.as_ref().map(|l| l.version);
    let last_ts = v.last.as_ref().map(|l| rfc3339(l.end));
    let mut s = SyncStatus {
        detailed_state: Some(if database {
            v.state.synced_wire(true)
        } else {
            v.state.as_str().to_string()
        }),
        message: Some(v.message.clone()),
        pipeline_id: if database {
            pipeline_id.map(str::to_string)
        } else {
            None
        },
        last_sync: if database {
            v.last.as_ref().map(|l| SyncPosition {
                delta_table_sync_info: Some(DeltaTableSyncInfo {
                    delta_commit_version: Some(l.version),
                    delta_commit_timestamp: Some(rfc3339(l.version_at)),
                }),
                sync_start_timestamp: Some(rfc3339(l.start)),
                sync_end_timestamp: Some(rfc3339(l.end)),
            })
        } else {
            None
        },
        ..SyncStatus::default()
    };
    match v.state {
        SyncState::ProvisioningPipelineResources | SyncState::ProvisioningInitialSnapshot => {
            s.provisioning_status = Some(ProvisioningStatus {
                initial_pipeline_sync_progress: v.progress.clone(),
            });
        }
        SyncState::OnlineContinuousUpdate => {
            s.continuous_update_status = Some(UpdateStatus {
                last_processed_commit_version: last_version,
                timestamp: last_ts,
                ..UpdateStatus::default()
            });
        }
        _ => {
            s.triggered_update_status = Some(UpdateStatus {
                last_processed_commit_version: last_version,
                timestamp: last_ts,
                triggered_update_progress: v.progress.clone(),
                ..UpdateStatus::default()
            });
        }
    }
    s
}
