//! Feature tables and online serving in the simulator (wave-2 reference (b), issue 14 §6): UC
//! tables with columns, primary keys and Delta history (`uc_handlers`; the table read itself is
//! answered through the monitors' route, which hands unknown names to [`table_info`]), online
//! stores, publishing and per-feature lineage (`online_handlers`), synced tables through the
//! `database` and `postgres` services and legacy online tables (`synced_handlers`), with a sync
//! state machine on the simulator's clock (`sync`). The seeded story is in `seed`.

mod delta;
mod online_handlers;
mod seed;
mod store;
mod sync;
mod synced_handlers;
mod tag_handlers;
#[cfg(test)]
mod tests;
mod training;
mod uc_handlers;

use std::sync::{Mutex, MutexGuard};

use axum::Router;
use axum::routing::{get, post};

use super::state::AppState;

pub(crate) use seed::dependencies_of;
pub(crate) use training::log_training_inputs;
pub(crate) use uc_handlers::table_info;

/// The feature store of one simulator, behind its own lock.
#[derive(Debug)]
pub(crate) struct FeatureService {
    store: Mutex<store::SimStore>,
}

impl FeatureService {
    pub fn new(anchor_ms: i64) -> FeatureService {
        FeatureService {
            store: Mutex::new(seed::store(anchor_ms)),
        }
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, store::SimStore> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What the handlers read from the world before taking the feature store's lock: the writes
/// jobs made to tables, and the clock's reading.
pub(crate) struct Now {
    pub writes: Vec<delta::JobWrite>,
    pub ms: i64,
}

pub(crate) fn now(st: &AppState) -> Now {
    let writes = delta::job_writes(&st.world());
    Now {
        writes,
        ms: st.clock().now_ms(),
    }
}

/// The Delta history of a feature table as of the clock, oldest first (`None`: not a table of
/// the feature store). `DESCRIBE HISTORY` over SQL reads this.
pub(crate) fn table_history(st: &AppState, full_name: &str) -> Option<Vec<delta::DeltaVersion>> {
    let now = now(st);
    let store = st.features.store();
    let t = store.table(full_name)?;
    Some(delta::history(t, &now.writes, now.ms))
}

/// A timestamp as a warehouse's JSON_ARRAY result writes it (`2026-01-01T00:00:00.000Z`).
pub(crate) fn sql_timestamp(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

pub(crate) fn routes() -> Router<AppState> {
    const FS: &str = "/api/2.0/feature-store";
    Router::new()
        .route(
            "/api/2.1/unity-catalog/tables",
            get(uc_handlers::list_tables),
        )
        .route(
            "/api/2.1/unity-catalog/catalogs",
            get(uc_handlers::list_catalogs),
        )
        .route(
            "/api/2.1/unity-catalog/schemas",
            get(uc_handlers::list_schemas),
        )
        .route(
            "/api/2.1/unity-catalog/entity-tag-assignments/{entity_type}/{entity_name}/tags",
            get(tag_handlers::list),
        )
        .route(
            &format!("{FS}/online-stores"),
            get(online_handlers::list_stores),
        )
        .route(
            &format!("{FS}/online-stores/{{name}}"),
            get(online_handlers::get_store),
        )
        .route(
            &format!("{FS}/tables/{{source}}/publish"),
            post(online_handlers::publish),
        )
        .route(
            &format!("{FS}/feature-tables/{{table}}/features/{{feature}}/lineage"),
            get(online_handlers::lineage),
        )
        .route(
            "/api/2.0/pipelines/{pipeline_id}/updates",
            post(online_handlers::start_update),
        )
        .route(
            "/api/2.0/database/synced_tables/{name}",
            get(synced_handlers::get_database),
        )
        .route(
            "/api/2.0/database/instances/{instance}/synced_tables",
            get(synced_handlers::list_database),
        )
        .route(
            "/api/2.0/postgres/synced_tables/{name}",
            get(synced_handlers::get_postgres),
        )
        .route(
            "/api/2.0/online-tables/{name}",
            get(synced_handlers::get_legacy),
        )
}
