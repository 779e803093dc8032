//! One model of an online copy of a feature table, whichever API described it ([`OnlineSync`]):
//! a synced table of the `database` or the `postgres` service, or a legacy online table. The UC
//! state and the sync state stay apart (a table is `ACTIVE` before its first sync finishes).

use serde::{Deserialize, Serialize};

use super::feature_store::PublishMode;
use super::synced_tables::*;

/// Which API an online table was read through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncApi {
    /// `/api/2.0/database/synced_tables/{name}` (Lakebase Provisioned).
    Database,
    /// `/api/2.0/postgres/synced_tables/{name}` (Lakebase Autoscaling).
    Postgres,
    /// `/api/2.0/online-tables/{name}` (deprecated).
    LegacyOnlineTable,
}

/// An online table's state as the console shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnlineSync {
    /// `catalog.schema.table` of the online table.
    pub name: String,
    pub source_table: Option<String>,
    pub api: SyncApi,
    /// The UC entity's state (`None`: not given).
    pub uc_state: Option<ProvisioningState>,
    /// The sync pipeline's state (`None`: not given).
    pub sync_state: Option<SyncState>,
    pub message: Option<String>,
    pub pipeline_id: Option<String>,
    /// CONTINUOUS, TRIGGERED or SNAPSHOT.
    pub mode: Option<PublishMode>,
    pub primary_keys: Vec<String>,
    pub timeseries_key: Option<String>,
    /// The source's Delta version the last sync read.
    pub last_synced_version: Option<i64>,
    /// When the last sync ended (RFC 3339 text, as sent).
    pub last_sync_end: Option<String>,
    /// The sync on its way (first snapshot or a triggered update), if any.
    pub progress: Option<PipelineProgress>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.clone().filter(|s| !s.trim().is_empty())
}

/// The progress and last processed version found in a database / legacy status.
fn from_status(s: &SyncStatus) -> (Option<i64>, Option<String>, Option<PipelineProgress>) {
    let progress = s
        .provisioning_status
        .as_ref()
        .and_then(|p| p.initial_pipeline_sync_progress.clone())
        .or_else(|| {
            s.triggered_update_status
                .as_ref()
                .and_then(|t| t.triggered_update_progress.clone())
        })
        .or_else(|| {
            s.continuous_update_status
                .as_ref()
                .and_then(|c| c.initial_pipeline_sync_progress.clone())
        });
    let update = s
        .continuous_update_status
        .as_ref()
        .or(s.triggered_update_status.as_ref())
        .or(s.failed_status.as_ref());
    let last_sync = s.last_sync.as_ref();
    let version = last_sync
        .and_then(|l| l.delta_table_sync_info.as_ref())
        .and_then(|d| d.delta_commit_version)
        .or_else(|| update.and_then(|u| u.last_processed_commit_version));
    let ended = last_sync
        .and_then(|l| non_empty(&l.sync_end_timestamp))
        .or_else(|| update.and_then(|u| non_empty(&u.timestamp)));
    (version, ended, progress)
}

impl OnlineSync {
    pub fn from_database(t: &SyncedDatabaseTable) -> OnlineSync {
        let spec = t.spec.clone().unwrap_or_default();
        let status = t.data_synchronization_status.clone().unwrap_or_default();
        let (last_synced_version, last_sync_end, progress) = from_status(&status);
        OnlineSync {
            name: t.name.clone(),
            source_table: non_empty(&spec.source_table_full_name),
            api: SyncApi::Database,
            uc_state: t.unity_catalog_provisioning_state.clone(),
            sync_state: status.detailed_state.as_deref().map(SyncState::from_any),
            message: non_empty(&status.message),
            pipeline_id: non_empty(&status.pipeline_id),
            mode: spec.scheduling_policy.clone(),
            primary_keys: spec.primary_key_columns.clone(),
            timeseries_key: non_empty(&spec.timeseries_key),
            last_synced_version,
            last_sync_end,
            progress,
        }
    }

    pub fn from_postgres(t: &PgSyncedTable) -> OnlineSync {
        let spec = t.spec.clone().unwrap_or_default();
        let status = t.status.clone().unwrap_or_default();
        let last = status.last_sync.as_ref();
        OnlineSync {
            name: t
                .name
                .strip_prefix("synced_tables/")
                .unwrap_or(&t.name)
                .to_string(),
            source_table: non_empty(&spec.source_table_full_name),
            api: SyncApi::Postgres,
            uc_state: status.unity_catalog_provisioning_state.clone(),
            sync_state: status.detailed_state.as_deref().map(SyncState::from_any),
            message: non_empty(&status.message),
            pipeline_id: non_empty(&status.pipeline_id),
            mode: spec.scheduling_policy.clone(),
            primary_keys: spec.primary_key_columns.clone(),
            timeseries_key: non_empty(&spec.timeseries_key),
            last_synced_version: last
                .and_then(|l| l.delta_table_sync_info.as_ref())
                .and_then(|d| d.delta_commit_version)
                .or(status.last_processed_commit_version),
            last_sync_end: last
                .and_then(|l| non_empty(&l.sync_end_timestamp))
                .or_else(|| non_empty(&status.last_sync_time)),
            progress: status.ongoing_sync_progress.clone(),
        }
    }

    pub fn from_legacy(t: &OnlineTable) -> OnlineSync {
        let spec = t.spec.clone().unwrap_or_default();
        let status = t.status.clone().unwrap_or_default();
        let (last_synced_version, last_sync_end, progress) = from_status(&status);
        let mode = if spec.perform_full_copy == Some(true) {
            Some(PublishMode::Snapshot)
        } else if spec.run_continuously.is_some() {
            Some(PublishMode::Continuous)
        } else if spec.run_triggered.is_some() {
            Some(PublishMode::Triggered)
        } else {
            None
        };
        OnlineSync {
            name: t.name.clone(),
            source_table: non_empty(&spec.source_table_full_name),
            api: SyncApi::LegacyOnlineTable,
            uc_state: t.unity_catalog_provisioning_state.clone(),
            sync_state: status.detailed_state.as_deref().map(SyncState::from_any),
            message: non_empty(&status.message),
            pipeline_id: non_empty(&spec.pipeline_id),
            mode,
            primary_keys: spec.primary_key_columns.clone(),
            timeseries_key: non_empty(&spec.timeseries_key),
            last_synced_version,
            last_sync_end,
            progress,
        }
    }

    /// Whether the table is deprecated (a legacy online table: migrate it to an online store).
    pub fn is_legacy(&self) -> bool {
        self.api == SyncApi::LegacyOnlineTable
    }

    /// When the last sync ended, in epoch milliseconds (`None`: none, or a time that does not
    /// read as RFC 3339 or as epoch milliseconds).
    pub fn last_sync_end_ms(&self) -> Option<i64> {
        let text = self.last_sync_end.as_deref()?.trim();
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|d| d.timestamp_millis())
            .ok()
            .or_else(|| text.parse().ok())
    }

    /// Whether the first sync has finished: the UC state alone does not say so.
    pub fn first_sync_done(&self) -> bool {
        self.sync_state
            .as_ref()
            .is_some_and(|s| s.is_online() || self.last_synced_version.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::uc_tables::TableInfo;

    #[test]
    fn the_three_shapes_read_into_one_model() {
        let db: SyncedDatabaseTable = serde_json::from_str(
            r#"{"name":"c.s.o","unity_catalog_provisioning_state":"ACTIVE",
                "spec":{"source_table_full_name":"c.s.t","scheduling_policy":"TRIGGERED"},
                "data_synchronization_status":{"detailed_state":"SYNCED_TABLED_OFFLINE",
                  "pipeline_id":"p","last_sync":{"sync_end_timestamp":"2026-01-01T00:00:01Z",
                  "delta_table_sync_info":{"delta_commit_version":"7"}}}}"#,
        )
        .unwrap();
        let o = OnlineSync::from_database(&db);
        assert_eq!(o.sync_state, Some(SyncState::Offline));
        assert_eq!(o.last_synced_version, Some(7));
        assert_eq!(o.last_sync_end_ms(), Some(1_767_225_601_000));
        assert_eq!(o.mode, Some(PublishMode::Triggered));

        let pg: PgSyncedTable = serde_json::from_str(
            r#"{"name":"synced_tables/c.s.o","status":{"detailed_state":
                "SYNCED_TABLE_PROVISIONING_INITIAL_SNAPSHOT","last_sync_time":"bad",
                "ongoing_sync_progress":{"sync_progress_completion":0.25}}}"#,
        )
        .unwrap();
        let o = OnlineSync::from_postgres(&pg);
        assert_eq!(o.name, "c.s.o");
        assert!(o.sync_state.as_ref().unwrap().is_provisioning());
        assert!(!o.first_sync_done());
        assert_eq!(o.last_sync_end_ms(), None);
        assert_eq!(o.progress.unwrap().sync_progress_completion, Some(0.25));
    }

    #[test]
    fn a_table_round_trips_with_its_base_fields_flat() {
        let raw = r#"{"name":"t","catalog_name":"c","schema_name":"s","table_id":"id",
            "table_constraints":[{"primary_key_constraint":{"name":"pk",
              "child_columns":["k","ts"],"timeseries_columns":["ts"]}},
              {"some_future_constraint":{}}],
            "columns":[{"name":"k","type_text":"bigint","position":"0"}]}"#;
        let t: TableInfo = serde_json::from_str(raw).unwrap();
        assert_eq!(t.full_name(), "c.s.t");
        assert_eq!(
            (t.entity_keys(), t.timeseries_keys()),
            (vec!["k".to_string()], vec!["ts".to_string()])
        );
        assert_eq!(t.columns[0].position, Some(0));
        let back = serde_json::to_value(&t).unwrap();
        assert_eq!(back["name"], "t");
        assert_eq!(back["table_id"], "id");
        assert!(back.get("base").is_none());
    }
}
