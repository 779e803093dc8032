//! The simulated SQL warehouses and SQL Statement Execution API (reference §8) over a real SQL
//! engine: statements are parsed as Databricks SQL, rewritten onto an in-memory SQLite holding
//! the demo's tables (`engine`, `rewrite`, `catalog`), and answered as a warehouse answers —
//! PENDING → RUNNING → SUCCEEDED (or FAILED with the Databricks error, or CANCELED) on the
//! simulator's clock, `JSON_ARRAY` results in chunks of [`CHUNK_ROWS`] rows.
//!
//! The tables (`demo_data`, `metric_tables`) are generated from the seed on the first SQL call,
//! so simulators that never see SQL do not pay for them: the inference table
//! `main.ml.churn_inference`, its baseline, and the monitor's profile and drift metric tables
//! computed from it (`drift_stats`).
//!
//! `handlers` answers the HTTP calls; `statements` keeps each statement's timeline.

mod catalog;
mod demo_data;
mod describe_history;
mod drift_stats;
mod engine;
mod failure;
mod feature_metrics;
mod handlers;
mod metric_tables;
mod retrained;
mod rewrite;
mod scaled_tables;
mod statements;

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use super::state::AppState;

pub(crate) use demo_data::{BASELINE_TABLE, INFERENCE_TABLE};
pub(crate) use feature_metrics::{FEATURE_DRIFT_TABLE, FEATURE_PROFILE_TABLE, FEATURE_TABLE};
pub(crate) use metric_tables::{DRIFT_TABLE, PROFILE_TABLE};
pub(crate) use statements::SqlState;

/// Rows per result chunk.
pub(crate) const CHUNK_ROWS: usize = 1000;

/// The SQL service of one simulator.
pub(crate) struct SqlService {
    seed: u64,
    anchor_ms: i64,
    /// How long a statement takes on a running warehouse, from submission to its result.
    pub latency: Duration,
    engine: Mutex<Option<engine::Engine>>,
    state: Mutex<SqlState>,
    /// Registered versions whose quality rows the profile metrics table holds.
    retrained: Mutex<std::collections::BTreeSet<i64>>,
}

impl std::fmt::Debug for SqlService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlService")
            .field("latency", &self.latency)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SqlService {
    pub fn new(seed: u64, anchor_ms: i64, latency: Duration) -> Self {
        SqlService {
            seed,
            anchor_ms,
            latency,
            engine: Mutex::new(None),
            state: Mutex::new(SqlState::demo(anchor_ms)),
            retrained: Mutex::default(),
        }
    }

    pub fn state(&self) -> MutexGuard<'_, SqlState> {
        lock(&self.state)
    }

    /// Runs `f` on the engine, building the demo tables first if this is the first call.
    fn with_engine<R>(&self, f: impl FnOnce(&engine::Engine) -> R) -> Result<R, failure::Failure> {
        let mut guard = lock(&self.engine);
        if guard.is_none() {
            let e = build_demo(self.seed, self.anchor_ms).map_err(|e| {
                failure::Failure::from_engine(&format!("cannot build the demo tables: {e}"))
            })?;
            *guard = Some(e);
        }
        match guard.as_ref() {
            Some(e) => Ok(f(e)),
            None => Err(failure::Failure::unsupported("a warehouse without tables")),
        }
    }
}

impl SqlService {
    /// Adds the profile rows of `versions` of the monitored model (registered by training runs
    /// since the simulator started) that the table does not hold yet; see [`retrained`].
    pub(crate) fn add_registered(&self, versions: &[i64]) -> Result<(), failure::Failure> {
        let mut done = lock(&self.retrained);
        let new: Vec<i64> = versions
            .iter()
            .copied()
            .filter(|v| !done.contains(v))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        let inference = demo_data::inference(self.seed, self.anchor_ms);
        self.with_engine(|e| {
            for v in new {
                let rows = retrained::profile_rows(&inference, self.seed, self.anchor_ms, v);
                e.append(metric_tables::PROFILE_TABLE, &rows)?;
                done.insert(v);
            }
            Ok::<(), rusqlite::Error>(())
        })?
        .map_err(|e| failure::Failure::from_engine(&format!("cannot add quality rows: {e}")))
    }

    /// The versions of the monitored model that training runs registered, from `world`.
    pub(crate) fn registered_in(world: &crate::sim::world::World) -> Vec<i64> {
        world
            .jobs
            .registered
            .iter()
            .filter(|r| r.model == retrained::MODEL)
            .map(|r| r.version)
            .collect()
    }
}

/// The demo's tables in a fresh engine.
fn build_demo(seed: u64, anchor_ms: i64) -> rusqlite::Result<engine::Engine> {
    let mut e = engine::Engine::new()?;
    let inference = demo_data::inference(seed, anchor_ms);
    let baseline = demo_data::baseline(seed, anchor_ms);
    for (def, rows) in metric_tables::build(&inference, &baseline, anchor_ms) {
        e.load(def, &rows)?;
    }
    let (def, rows) = demo_data::table(demo_data::INFERENCE_TABLE, &inference);
    e.load(def, &rows)?;
    let (def, rows) = demo_data::table(demo_data::BASELINE_TABLE, &baseline);
    e.load(def, &rows)?;
    for (def, rows) in feature_metrics::build(seed, anchor_ms) {
        e.load(def, &rows)?;
    }
    e.load_information_schema()?;
    Ok(e)
}

pub(crate) fn routes() -> Router<AppState> {
    const WH: &str = "/api/2.0/sql/warehouses";
    const ST: &str = "/api/2.0/sql/statements";
    Router::new()
        .route(WH, get(handlers::list_warehouses))
        .route(&format!("{WH}/{{id}}"), get(handlers::get_warehouse))
        .route(ST, post(handlers::execute))
        .route(&format!("{ST}/{{id}}"), get(handlers::get_statement))
        .route(
            &format!("{ST}/{{id}}/result/chunks/{{index}}"),
            get(handlers::get_chunk),
        )
        .route(&format!("{ST}/{{id}}/cancel"), post(handlers::cancel))
}

#[cfg(test)]
mod tests;
