//! Online copies of a feature table, in the three shapes that describe them (wave-2 reference
//! (b), reference §10.3): the Lakebase synced table of the `database` service
//! (`/api/2.0/database/synced_tables/{name}`), the same of the `postgres` service
//! (`/api/2.0/postgres/synced_tables/{name}`), and the legacy online table
//! (`/api/2.0/online-tables/{name}`, deprecated). The UC provisioning state and the sync state are
//! separate fields: a table is `ACTIVE` in UC before its first sync has finished.
//!
//! The detailed states of all three are the legacy `OnlineTableState` names, prefixed
//! `SYNCED_TABLE_` for synced tables (the `database` service spells offline
//! `SYNCED_TABLED_OFFLINE`); [`SyncState::from_wire`] reads any of them.

use serde::{Deserialize, Serialize};

use super::feature_store::{PublishMode, opt_text};
use crate::api::wire::{null_as_empty, opt_i64};
use crate::lenient_enum;

lenient_enum! {
    /// `ProvisioningInfoState`: the UC entity's state, not the sync's.
    pub enum ProvisioningState {
        Provisioning => "PROVISIONING",
        Active => "ACTIVE",
        Updating => "UPDATING",
        Degraded => "DEGRADED",
        Deleting => "DELETING",
        Failed => "FAILED",
    }
}

lenient_enum! {
    /// The sync state, as the legacy `OnlineTableState` names it.
    pub enum SyncState {
        Provisioning => "PROVISIONING",
        ProvisioningPipelineResources => "PROVISIONING_PIPELINE_RESOURCES",
        ProvisioningInitialSnapshot => "PROVISIONING_INITIAL_SNAPSHOT",
        Online => "ONLINE",
        OnlineContinuousUpdate => "ONLINE_CONTINUOUS_UPDATE",
        OnlineTriggeredUpdate => "ONLINE_TRIGGERED_UPDATE",
        OnlineNoPendingUpdate => "ONLINE_NO_PENDING_UPDATE",
        OnlineUpdatingPipelineResources => "ONLINE_UPDATING_PIPELINE_RESOURCES",
        OnlinePipelineFailed => "ONLINE_PIPELINE_FAILED",
        Offline => "OFFLINE",
        OfflineFailed => "OFFLINE_FAILED",
    }
}

impl SyncState {
    /// Reads a legacy or a synced-table state (`SYNCED_TABLE_…`, `SYNCED_TABLED_…`); anything
    /// else is kept verbatim in `Other`.
    pub fn from_any(raw: &str) -> SyncState {
        for prefix in ["SYNCED_TABLED_", "SYNCED_TABLE_"] {
            if let Some(rest) = raw.strip_prefix(prefix) {
                let v = SyncState::from_wire(rest);
                if !matches!(v, SyncState::Other(_)) {
                    return v;
                }
            }
        }
        SyncState::from_wire(raw)
    }

    /// The synced-table spelling (`SYNCED_TABLE_ONLINE`; offline as the `database` service
    /// spells it when `database` is set).
    pub fn synced_wire(&self, database: bool) -> String {
        match self {
            SyncState::Other(s) => s.clone(),
            SyncState::Offline if database => "SYNCED_TABLED_OFFLINE".to_string(),
            known => format!("SYNCED_TABLE_{}", known.as_str()),
        }
    }

    /// Before the first sync has finished.
    pub fn is_provisioning(&self) -> bool {
        matches!(
            self,
            SyncState::Provisioning
                | SyncState::ProvisioningPipelineResources
                | SyncState::ProvisioningInitialSnapshot
        )
    }

    /// Serving data (possibly while an update runs, or with its pipeline failed).
    pub fn is_online(&self) -> bool {
        self.as_str().starts_with("ONLINE")
    }

    /// A failed pipeline or a table offline after a failure.
    pub fn is_failed(&self) -> bool {
        matches!(
            self,
            SyncState::OnlinePipelineFailed | SyncState::OfflineFailed
        )
    }
}

/// `PipelineProgress` / `SyncedTablePipelineProgress`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PipelineProgress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_completion_time_seconds: Option<f64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub latest_version_currently_processing: Option<i64>,
    /// 0..1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_progress_completion: Option<f64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub synced_row_count: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_row_count: Option<i64>,
    /// Synced tables only (`PROVISIONING_PHASE_MAIN`, …), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_phase: Option<String>,
}

/// `ProvisioningStatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ProvisioningStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_pipeline_sync_progress: Option<PipelineProgress>,
}

/// `ContinuousUpdateStatus`, `TriggeredUpdateStatus` and `FailedStatus` in one shape: the
/// fields each has are a subset of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UpdateStatus {
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_processed_commit_version: Option<i64>,
    /// RFC 3339 text.
    #[serde(
        default,
        deserialize_with = "opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<String>,
    /// Continuous updates: the first sync's progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_pipeline_sync_progress: Option<PipelineProgress>,
    /// Triggered updates: this update's progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggered_update_progress: Option<PipelineProgress>,
}

/// `DeltaTableSyncInfo`: the source version a sync read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DeltaTableSyncInfo {
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub delta_commit_version: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub delta_commit_timestamp: Option<String>,
}

/// `SyncedTablePosition`: the last successful sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SyncPosition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta_table_sync_info: Option<DeltaTableSyncInfo>,
    #[serde(
        default,
        deserialize_with = "opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub sync_start_timestamp: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub sync_end_timestamp: Option<String>,
}

/// `SyncedTableStatus` (database service) and `OnlineTableStatus` (legacy; no `last_sync` nor
/// `pipeline_id` there). `detailed_state` is kept as sent: see [`SyncState::from_any`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SyncStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<SyncPosition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_status: Option<ProvisioningStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuous_update_status: Option<UpdateStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggered_update_status: Option<UpdateStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_status: Option<UpdateStatus>,
}

/// `SyncedTableSpec` (database) and `SyncedTableSyncedTableSpec` (postgres), the fields the
/// console reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SyncedTableSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_table_full_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub primary_key_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeseries_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduling_policy: Option<PublishMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_pipeline_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_pipeline_spec: Option<NewPipelineSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_database_objects_if_missing: Option<bool>,
    /// Postgres service only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres_database: Option<String>,
}

/// `NewPipelineSpec`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct NewPipelineSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_catalog: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_policy_id: Option<String>,
}

/// `SyncedDatabaseTable` (`database` service, Lakebase Provisioned).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SyncedDatabaseTable {
    /// `catalog.schema.table`.
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_instance_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_database_instance_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logical_database_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<SyncedTableSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_synchronization_status: Option<SyncStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unity_catalog_provisioning_state: Option<ProvisioningState>,
}

/// `ListSyncedDatabaseTablesResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListSyncedDatabaseTablesResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub synced_tables: Vec<SyncedDatabaseTable>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `SyncedTableSyncedTableStatus` (`postgres` service): flatter than the database one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PgSyncStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_processed_commit_version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<SyncPosition>,
    #[serde(
        default,
        deserialize_with = "opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_sync_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ongoing_sync_progress: Option<PipelineProgress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_phase: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unity_catalog_provisioning_state: Option<ProvisioningState>,
}

/// `SyncedTable` (`postgres` service, Lakebase Autoscaling). `name` is
/// `synced_tables/{catalog}.{schema}.{table}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PgSyncedTable {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced_table_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<SyncedTableSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PgSyncStatus>,
}

/// `OnlineTableSpec` (legacy). `run_triggered` / `run_continuously` are empty objects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct OnlineTableSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_table_full_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub primary_key_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeseries_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_triggered: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_continuously: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perform_full_copy: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<String>,
}

/// `OnlineTable` (legacy, deprecated: read-only in the console, with a migrate hint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct OnlineTable {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<OnlineTableSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SyncStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_serving_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unity_catalog_provisioning_state: Option<ProvisioningState>,
}
