//! Running a SQL query on a warehouse (reference §8) and reading its whole result: submit with a
//! `wait_timeout`, poll a statement still PENDING or RUNNING with the one waiter of
//! [`crate::ops::wait`], then follow `next_chunk_index` through the result up to a row cap.
//!
//! Values reach the warehouse only as bound parameters (`:name` markers in the statement, values
//! in `parameters`): the console never builds SQL text out of what a user typed.
//!
//! A statement the caller stops waiting for is cancelled: when the future is dropped (the user
//! left the screen) or the wait times out, a best-effort `cancel` is sent on the runtime.
//! Warehouses are never started: the configured one must be up, else the first RUNNING one is
//! used, and the answer says which.

use crate::api::models::sql::*;
use crate::api::sql_fixed::{FixedStatement, FixedStatementId};
use crate::api::{ApiError, Client};

pub use crate::ops::wait::{Backoff, Sleep, WaitError, Waiter};

/// The default row cap of [`SqlQuery`].
pub const DEFAULT_ROW_CAP: usize = 10_000;

/// A query and how to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlQuery {
    /// The SQL text, with `:name` markers for every value.
    pub statement: String,
    pub parameters: Vec<StatementParameter>,
    pub catalog: Option<String>,
    pub schema: Option<String>,
    /// How long the execute call may wait for the result (`"0s"`, `"5s"`–`"50s"`); past it the
    /// statement is polled.
    pub wait_timeout: String,
    /// Rows read at most; more makes the result `truncated`.
    pub row_cap: usize,
}

impl SqlQuery {
    pub fn new(statement: impl Into<String>) -> Self {
        SqlQuery {
            statement: statement.into(),
            parameters: Vec::new(),
            catalog: None,
            schema: None,
            wait_timeout: "10s".to_string(),
            row_cap: DEFAULT_ROW_CAP,
        }
    }

    /// Binds `:name` to `value` as a `type_` (`STRING`, `INT`, `DOUBLE`, `TIMESTAMP`, …).
    pub fn bind(mut self, name: &str, value: impl Into<String>, type_: &str) -> Self {
        self.parameters
            .push(StatementParameter::new(name, value, type_));
        self
    }
}

/// One column of a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// `ColumnInfoTypeName` (`DOUBLE`, `STRUCT`, …); empty when the answer gave none.
    pub type_name: String,
    pub position: usize,
}

/// A whole query result.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlResult {
    pub statement_id: String,
    pub columns: Vec<Column>,
    /// Every cell as the wire gives it: a string, or `None` for NULL.
    pub rows: Vec<Vec<Option<String>>>,
    /// Rows were left out: past the row cap, or cut by the warehouse.
    pub truncated: bool,
}

impl SqlResult {
    /// The position of the column named `name` (case-insensitive, as SQL names are).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }
}

/// Why a query gave no result.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SqlError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Wait(#[from] WaitError),
    /// No warehouse is RUNNING, and none is started without asking.
    #[error("no SQL warehouse is running{}", stopped_list(.stopped))]
    NoRunningWarehouse { stopped: Vec<String> },
    #[error("SQL warehouse {id} does not exist or is not visible to you")]
    WarehouseNotFound { id: String },
    /// The configured warehouse is not up; it is not started without asking.
    #[error("SQL warehouse {name} ({id}) is {state}, not running")]
    WarehouseNotRunning {
        id: String,
        name: String,
        state: String,
    },
    /// The statement ended FAILED, CANCELED or CLOSED (or in a state this build does not know).
    #[error("SQL statement {state}: {message}{}", sql_state_suffix(.sql_state))]
    Statement {
        state: String,
        error_code: Option<String>,
        message: String,
        sql_state: Option<String>,
    },
    /// The answer broke the protocol (chunks out of order, a succeeded statement with no id).
    #[error("unexpected SQL answer: {0}")]
    BadAnswer(String),
}

fn stopped_list(stopped: &[String]) -> String {
    if stopped.is_empty() {
        String::new()
    } else {
        format!(" (not running: {})", stopped.join(", "))
    }
}

fn sql_state_suffix(sql_state: &Option<String>) -> String {
    sql_state
        .as_deref()
        .map(|s| format!(" (SQLSTATE {s})"))
        .unwrap_or_default()
}

/// The warehouse to run on: `configured` when set (it must be RUNNING or STARTING), else the
/// first RUNNING one. Never starts a warehouse.
pub async fn choose_warehouse(
    client: &Client,
    configured: Option<&str>,
) -> Result<Warehouse, SqlError> {
    let all = client.list_warehouses().await?;
    pick_warehouse(all, configured)
}

/// [`choose_warehouse`] over a listing already read.
pub fn pick_warehouse(
    all: Vec<Warehouse>,
    configured: Option<&str>,
) -> Result<Warehouse, SqlError> {
    if let Some(id) = configured.map(str::trim).filter(|s| !s.is_empty()) {
        let w = all
            .into_iter()
            .find(|w| w.id == id)
            .ok_or_else(|| SqlError::WarehouseNotFound { id: id.to_string() })?;
        return match w.state {
            Some(WarehouseState::Running | WarehouseState::Starting) => Ok(w),
            ref state => Err(SqlError::WarehouseNotRunning {
                id: w.id.clone(),
                name: w.name.clone(),
                state: state
                    .as_ref()
                    .map_or("in an unknown state".into(), |s| s.to_string()),
            }),
        };
    }
    let stopped: Vec<String> = all
        .iter()
        .filter(|w| !w.is_running())
        .map(|w| w.name.clone())
        .collect();
    all.into_iter()
        .find(Warehouse::is_running)
        .ok_or(SqlError::NoRunningWarehouse { stopped })
}

/// Which cancel call stops a statement: the write path's, or the fixed path's (allowed on
/// read-only clients for the console's own statements).
enum Started {
    Free(String),
    Fixed(FixedStatementId),
}

/// Cancels the statement when dropped while armed: the caller stopped waiting.
struct CancelOnDrop {
    client: Client,
    statement: Option<Started>,
}

impl CancelOnDrop {
    fn disarm(&mut self) {
        self.statement = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(started) = self.statement.take() else {
            return;
        };
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let client = self.client.clone();
            rt.spawn(async move {
                // Best effort: the statement may have ended meanwhile.
                let _ = match started {
                    Started::Free(id) => client.cancel_statement(&id).await,
                    Started::Fixed(id) => client.cancel_fixed_statement(&id).await,
                };
            });
        }
    }
}

/// Runs `query` on `warehouse_id` and reads its result. The waiter polls a statement that is
/// still on its way (its progress hears every polled answer); a timeout or a dropped future
/// cancels the statement. Free text: refused on read-only clients (see [`run_fixed_query`]).
pub async fn run_query(
    client: &Client,
    warehouse_id: &str,
    query: &SqlQuery,
    waiter: &mut Waiter<'_, StatementResponse>,
) -> Result<SqlResult, SqlError> {
    let req = request(warehouse_id, query);
    let first = client.execute_statement(&req).await?;
    let started = Started::Free(first.statement_id.clone());
    follow(client, first, started, query.row_cap, waiter).await
}

/// [`run_query`] for one of the console's own statements (`api::sql_fixed`): allowed on
/// read-only clients. `query` gives the parameters and limits; its `statement` is not used.
pub async fn run_fixed_query(
    client: &Client,
    warehouse_id: &str,
    statement: &FixedStatement,
    query: &SqlQuery,
    waiter: &mut Waiter<'_, StatementResponse>,
) -> Result<SqlResult, SqlError> {
    let req = request(warehouse_id, query);
    let (first, id) = client.execute_fixed_statement(statement, req).await?;
    follow(client, first, Started::Fixed(id), query.row_cap, waiter).await
}

fn request(warehouse_id: &str, query: &SqlQuery) -> ExecuteStatementRequest {
    ExecuteStatementRequest {
        statement: query.statement.clone(),
        warehouse_id: warehouse_id.to_string(),
        catalog: query.catalog.clone(),
        schema: query.schema.clone(),
        parameters: query.parameters.clone(),
        wait_timeout: Some(query.wait_timeout.clone()),
        on_wait_timeout: Some("CONTINUE".to_string()),
        disposition: Some("INLINE".to_string()),
        format: Some("JSON_ARRAY".to_string()),
        row_limit: i64::try_from(query.row_cap.saturating_add(1)).ok(),
        byte_limit: None,
    }
}

/// Polls a submitted statement to its end (cancelling it if the caller stops waiting) and reads
/// its result.
async fn follow(
    client: &Client,
    first: StatementResponse,
    started: Started,
    row_cap: usize,
    waiter: &mut Waiter<'_, StatementResponse>,
) -> Result<SqlResult, SqlError> {
    let id = first.statement_id.clone();
    let mut guard = CancelOnDrop {
        client: client.clone(),
        statement: first.status.state.is_active().then_some(started),
    };
    let done = if first.status.state.is_active() {
        waiter.report(&first);
        waiter
            .until(
                || client.get_statement(&id),
                |r| !r.status.state.is_active(),
                |r, _, _| Some(r.clone()),
                |r, waited| WaitError::StatementRunning {
                    statement_id: id.clone(),
                    secs: waited.as_secs(),
                    last: r.status.state.to_string(),
                },
            )
            .await?
    } else {
        first
    };
    guard.disarm();
    if done.status.state != StatementState::Succeeded {
        let error = done.status.error.clone().unwrap_or_default();
        return Err(SqlError::Statement {
            state: done.status.state.to_string(),
            error_code: error.error_code,
            message: error
                .message
                .unwrap_or_else(|| "the warehouse gave no reason".to_string()),
            sql_state: done.status.sql_state,
        });
    }
    read_result(client, done, row_cap).await
}

/// The rows of a succeeded statement: the inline first chunk, then every next chunk until the
/// last or the row cap.
async fn read_result(
    client: &Client,
    done: StatementResponse,
    row_cap: usize,
) -> Result<SqlResult, SqlError> {
    let manifest = done.manifest.unwrap_or_default();
    let mut columns: Vec<Column> = manifest
        .schema
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| Column {
            name: c.name.clone(),
            type_name: c
                .type_name
                .as_ref()
                .map(|t| t.to_string())
                .unwrap_or_default(),
            position: usize::try_from(c.position).unwrap_or(i),
        })
        .collect();
    columns.sort_by_key(|c| c.position);
    let mut truncated = manifest.truncated.unwrap_or(false);
    let mut rows = Vec::new();
    let mut chunk = done.result;
    // A chunk index that does not move forward would loop forever.
    let mut last_index = -1;
    while let Some(data) = chunk.take() {
        rows.extend(data.data_array);
        if rows.len() > row_cap {
            rows.truncate(row_cap);
            truncated = true;
            break;
        }
        let Some(next) = data.next_chunk_index else {
            break;
        };
        let this = data.chunk_index.unwrap_or(last_index + 1);
        if next <= this.max(last_index) {
            return Err(SqlError::BadAnswer(format!(
                "statement {} points from chunk {this} back to chunk {next}",
                done.statement_id
            )));
        }
        last_index = this.max(last_index);
        chunk = Some(client.get_statement_chunk(&done.statement_id, next).await?);
    }
    Ok(SqlResult {
        statement_id: done.statement_id,
        columns,
        rows,
        truncated,
    })
}
