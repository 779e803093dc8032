//! Synced tables through the `database` service (stores of the Provisioned kind) and the
//! `postgres` service (Autoscaling), and legacy online tables; each answers only for the tables
//! it holds (404 for the others), so a client that asks both services finds each table once.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::models::synced_tables::*;
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::paging;
use crate::sim::params::Params;
use crate::sim::state::AppState;

use super::delta::{self, version_at};
use super::store::{Backend, SimStore, SimSynced, id_of};
use super::sync::{self, rfc3339};

fn no_table(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("Synced table '{name}' does not exist."),
    )
}

/// The sync view of `s` as of the clock.
fn view_of(store: &SimStore, s: &SimSynced, now: &super::Now) -> sync::SyncView {
    let (rows, history) = store.table(&s.source).map_or((0, Vec::new()), |t| {
        (t.rows, delta::history(t, &now.writes, now.ms))
    });
    sync::view(s, rows, &history, now.ms)
}

fn spec_of(s: &SimSynced) -> SyncedTableSpec {
    SyncedTableSpec {
        source_table_full_name: Some(s.source.clone()),
        primary_key_columns: s.primary_keys.clone(),
        timeseries_key: s.timeseries_key.clone(),
        scheduling_policy: Some(s.mode.clone()),
        ..SyncedTableSpec::default()
    }
}

fn database_table(store: &SimStore, s: &SimSynced, now: &super::Now) -> SyncedDatabaseTable {
    let v = view_of(store, s, now);
    SyncedDatabaseTable {
        name: s.name.clone(),
        database_instance_name: Some(s.store.clone()),
        effective_database_instance_name: Some(s.store.clone()),
        logical_database_name: Some("databricks_postgres".into()),
        spec: Some(spec_of(s)),
        data_synchronization_status: Some(sync::status(&v, true, Some(&s.pipeline_id))),
        unity_catalog_provisioning_state: Some(v.uc),
    }
}

/// `GET /api/2.0/database/synced_tables/{name}`.
pub(crate) async fn get_database(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<SyncedDatabaseTable>> {
    let now = super::now(&st);
    let store = st.features.store();
    let s = store
        .synced(&name)
        .filter(|s| store.backend_of(s) == Backend::Database)
        .ok_or_else(|| no_table(&name))?;
    Ok(Json(database_table(&store, s, &now)))
}

/// `GET /api/2.0/database/instances/{instance}/synced_tables`.
pub(crate) async fn list_database(
    State(st): State<AppState>,
    Path(instance): Path<String>,
    p: Params,
) -> ApiResult<Json<ListSyncedDatabaseTablesResponse>> {
    let size = p.i64("page_size")?.filter(|n| *n > 0).unwrap_or(50) as usize;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let now = super::now(&st);
    let store = st.features.store();
    let known = store
        .online_store(&instance)
        .is_some_and(|o| o.backend == Backend::Database);
    if !known {
        return Err(ApiError::not_found(format!(
            "Database instance '{instance}' does not exist."
        )));
    }
    let all: Vec<SyncedDatabaseTable> = store
        .synced
        .iter()
        .filter(|s| s.store == instance)
        .map(|s| database_table(&store, s, &now))
        .collect();
    let (synced_tables, next_page_token) = paging::page(&all, offset, size);
    Ok(Json(ListSyncedDatabaseTablesResponse {
        synced_tables,
        next_page_token,
    }))
}

/// `GET /api/2.0/postgres/synced_tables/{catalog.schema.table}`.
pub(crate) async fn get_postgres(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<PgSyncedTable>> {
    let now = super::now(&st);
    let store = st.features.store();
    let s = store
        .synced(&name)
        .filter(|s| store.backend_of(s) == Backend::Postgres)
        .ok_or_else(|| no_table(&name))?;
    let v = view_of(&store, s, &now);
    let last = v.last.as_ref();
    Ok(Json(PgSyncedTable {
        name: format!("synced_tables/{}", s.name),
        synced_table_id: Some(s.name.clone()),
        uid: Some(id_of("synced:", &s.name)),
        create_time: Some(rfc3339(s.created_at)),
        spec: Some(SyncedTableSpec {
            postgres_database: Some("databricks_postgres".into()),
            ..spec_of(s)
        }),
        status: Some(PgSyncStatus {
            detailed_state: Some(v.state.synced_wire(false)),
            message: Some(v.message.clone()),
            pipeline_id: Some(s.pipeline_id.clone()),
            last_processed_commit_version: last.map(|l| l.version),
            last_sync: last.map(|l| SyncPosition {
                delta_table_sync_info: Some(DeltaTableSyncInfo {
                    delta_commit_version: Some(l.version),
                    delta_commit_timestamp: Some(rfc3339(l.version_at)),
                }),
                sync_start_timestamp: Some(rfc3339(l.start)),
                sync_end_timestamp: Some(rfc3339(l.end)),
            }),
            last_sync_time: last.map(|l| rfc3339(l.end)),
            ongoing_sync_progress: v.progress.clone(),
            provisioning_phase: v
                .progress
                .as_ref()
                .and_then(|p| p.provisioning_phase.clone()),
            project: Some(format!("projects/{}", s.store)),
            unity_catalog_provisioning_state: Some(v.uc.clone()),
        }),
    }))
}

/// `GET /api/2.0/online-tables/{name}` (legacy): online, no pending update, its last sync read
/// the source as it was at `synced_as_of`.
pub(crate) async fn get_legacy(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<OnlineTable>> {
    let now = super::now(&st);
    let store = st.features.store();
    let l = store
        .legacy
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(&name))
        .ok_or_else(|| ApiError::not_found(format!("Online table '{name}' does not exist.")))?;
    let source = store.table(&l.source);
    let history = source.map_or_else(Vec::new, |t| delta::history(t, &now.writes, now.ms));
    let synced = version_at(&history, l.synced_as_of);
    let view = sync::SyncView {
        uc: ProvisioningState::Active,
        state: SyncState::OnlineNoPendingUpdate,
        message: "Online table is deprecated: migrate it to an online feature store.".into(),
        progress: None,
        last: synced.map(|v| sync::Synced {
            version: v.version,
            version_at: v.timestamp,
            start: l.synced_as_of,
            end: l.synced_as_of + 4 * 60_000,
        }),
    };
    Ok(Json(OnlineTable {
        name: l.name.clone(),
        spec: Some(OnlineTableSpec {
            source_table_full_name: Some(l.source.clone()),
            primary_key_columns: source
                .map(|t| t.primary_key.iter().map(|c| c.to_string()).collect())
                .unwrap_or_default(),
            run_triggered: Some(serde_json::json!({})),
            pipeline_id: Some(super::store::pipeline_id_of(&l.name)),
            ..OnlineTableSpec::default()
        }),
        status: Some(sync::status(&view, false, None)),
        table_serving_url: Some(format!(
            "https://dbc-online.cloud.databricks.com/online-tables/{}",
            id_of("online:", &l.name)
        )),
        unity_catalog_provisioning_state: Some(ProvisioningState::Active),
    }))
}
