//! The warehouses and each statement's timeline. A statement is run by the engine when it is
//! submitted; what a client sees is then a pure function of the clock: PENDING until the
//! warehouse takes it (after a stopped warehouse has started), RUNNING until its latency has
//! passed, then its outcome — unless it was cancelled first. Results are cut into chunks of
//! [`super::CHUNK_ROWS`] rows.

use std::collections::BTreeMap;

use crate::api::models::sql::*;

use super::CHUNK_ROWS;
use super::engine::Answer;
use super::failure::Failure;

/// How long a stopped warehouse takes to start.
pub(crate) const STARTUP_MS: i64 = 20_000;
/// Finished statements kept (the oldest are forgotten, as Databricks forgets them after hours).
const KEEP: usize = 1000;

#[derive(Debug, Clone)]
pub(crate) struct SimWarehouse {
    pub info: Warehouse,
    /// Starting until then (started by a statement).
    pub starting_until: Option<i64>,
}

impl SimWarehouse {
    /// The warehouse as of `now`.
    pub fn at(&self, now: i64) -> Warehouse {
        let mut w = self.info.clone();
        if let Some(until) = self.starting_until {
            w.state = Some(if now < until {
                WarehouseState::Starting
            } else {
                WarehouseState::Running
            });
            w.num_clusters = Some(i64::from(now >= until));
        }
        w
    }
}

#[derive(Debug, Clone)]
pub(crate) struct StatementRecord {
    /// The warehouse takes it then (PENDING before).
    pub runs_at: i64,
    /// Its outcome is visible from then (RUNNING before).
    pub done_at: i64,
    pub canceled_at: Option<i64>,
    pub outcome: Result<Answer, Failure>,
}

impl StatementRecord {
    pub fn state(&self, now: i64) -> StatementState {
        if self.canceled_at.is_some_and(|c| c <= now) {
            StatementState::Canceled
        } else if now < self.runs_at {
            StatementState::Pending
        } else if now < self.done_at {
            StatementState::Running
        } else if self.outcome.is_ok() {
            StatementState::Succeeded
        } else {
            StatementState::Failed
        }
    }

    pub fn chunk_count(&self) -> usize {
        match &self.outcome {
            Ok(a) => a.rows.len().div_ceil(CHUNK_ROWS),
            Err(_) => 0,
        }
    }

    /// Chunk `index` of a succeeded result.
    pub fn chunk(&self, id: &str, index: usize) -> Option<ResultData> {
        let a = self.outcome.as_ref().ok()?;
        let count = self.chunk_count();
        if index >= count.max(1) {
            return None;
        }
        let from = index * CHUNK_ROWS;
        let rows =
            a.rows[from.min(a.rows.len())..((index + 1) * CHUNK_ROWS).min(a.rows.len())].to_vec();
        let next = (index + 1 < count).then_some(index as i64 + 1);
        Some(ResultData {
            chunk_index: Some(index as i64),
            row_offset: Some(from as i64),
            row_count: Some(rows.len() as i64),
            data_array: rows,
            next_chunk_index: next,
            next_chunk_internal_link: next
                .map(|n| format!("/api/2.0/sql/statements/{id}/result/chunks/{n}")),
        })
    }

    /// The answer of execute and get at `now`.
    pub fn response(&self, id: &str, now: i64) -> StatementResponse {
        let state = self.state(now);
        let mut r = StatementResponse {
            statement_id: id.to_string(),
            status: StatementStatus {
                state: state.clone(),
                error: None,
                sql_state: None,
            },
            manifest: None,
            result: None,
        };
        match (&state, &self.outcome) {
            (StatementState::Succeeded, Ok(a)) => {
                let chunks = (0..self.chunk_count())
                    .map(|i| ChunkInfo {
                        chunk_index: i as i64,
                        row_offset: (i * CHUNK_ROWS) as i64,
                        row_count: (a.rows.len() - i * CHUNK_ROWS).min(CHUNK_ROWS) as i64,
                    })
                    .collect();
                r.manifest = Some(ResultManifest {
                    format: Some("JSON_ARRAY".into()),
                    schema: ResultSchema {
                        column_count: Some(a.columns.len() as i64),
                        columns: a.columns.clone(),
                    },
                    total_chunk_count: Some(self.chunk_count() as i64),
                    total_row_count: Some(a.rows.len() as i64),
                    truncated: Some(a.truncated),
                    chunks,
                });
                r.result = self.chunk(id, 0);
            }
            (StatementState::Failed, Err(f)) => {
                r.status.error = Some(f.service_error());
                r.status.sql_state = Some(f.sql_state.to_string());
            }
            _ => {}
        }
        r
    }
}

/// Everything the SQL service remembers.
#[derive(Debug, Clone, Default)]
pub(crate) struct SqlState {
    pub warehouses: Vec<SimWarehouse>,
    pub statements: BTreeMap<String, StatementRecord>,
    order: Vec<String>,
    next: u64,
}

impl SqlState {
    /// The demo: a running serverless warehouse and a stopped classic one.
    pub fn demo(anchor_ms: i64) -> Self {
        let wh = |id: &str, name: &str, state: WarehouseState, size: &str, serverless: bool| {
            SimWarehouse {
                info: Warehouse {
                    id: id.into(),
                    name: name.into(),
                    num_clusters: Some(i64::from(state == WarehouseState::Running)),
                    state: Some(state),
                    cluster_size: Some(size.into()),
                    warehouse_type: Some("PRO".into()),
                    enable_serverless_compute: Some(serverless),
                    auto_stop_mins: Some(if serverless { 10 } else { 120 }),
                    creator_name: Some("ml-eng@acme.com".into()),
                },
                starting_until: None,
            }
        };
        SqlState {
            warehouses: vec![
                wh(
                    "4b9f0e1c2a3d5e6f",
                    "Shared serverless",
                    WarehouseState::Running,
                    "Small",
                    true,
                ),
                wh(
                    "8c7d6e5f4a3b2c1d",
                    "Reporting (classic)",
                    WarehouseState::Stopped,
                    "Medium",
                    false,
                ),
            ],
            statements: BTreeMap::new(),
            order: Vec::new(),
            next: anchor_ms.unsigned_abs() % 0xFFFF,
        }
    }

    pub fn warehouse_mut(&mut self, id: &str) -> Option<&mut SimWarehouse> {
        self.warehouses.iter_mut().find(|w| w.info.id == id)
    }

    /// A new statement id, UUID-shaped like Databricks' (`01f0…`).
    pub fn add(&mut self, record: StatementRecord) -> String {
        self.next += 1;
        let n = self.next;
        let id = format!(
            "01f0{:04x}-{:04x}-1{:03x}-a{:03x}-{:012x}",
            (n >> 16) & 0xFFFF,
            n & 0xFFFF,
            n % 0xFFF,
            (n * 7) % 0xFFF,
            n.wrapping_mul(0x9E37_79B9) & 0xFFFF_FFFF_FFFF
        );
        self.statements.insert(id.clone(), record);
        self.order.push(id.clone());
        if self.order.len() > KEEP {
            let old = self.order.remove(0);
            self.statements.remove(&old);
        }
        id
    }
}
