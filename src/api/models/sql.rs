//! SQL warehouses and the SQL Statement Execution API (reference §8): the warehouse list, the
//! execute request, and the statement answer (status, manifest with the result schema, inline
//! `JSON_ARRAY` result chunks). Shared by the client and the simulator.
//!
//! Every enum keeps values this build does not know; every collection may be absent; a cell of
//! `data_array` is a string or null on the wire, and a number or boolean sent instead is kept as
//! its JSON text rather than failing the whole answer.

use serde::{Deserialize, Deserializer, Serialize};

use crate::api::wire::{null_as_empty, opt_i64};
use crate::lenient_enum;

lenient_enum! {
    /// A SQL warehouse's state (`EndpointInfo.state`).
    pub enum WarehouseState {
        Starting => "STARTING",
        Running => "RUNNING",
        Stopping => "STOPPING",
        Stopped => "STOPPED",
        Deleting => "DELETING",
        Deleted => "DELETED",
    }
}

/// One SQL warehouse (`EndpointInfo`, the fields the console reads).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Warehouse {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<WarehouseState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warehouse_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_serverless_compute: Option<bool>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub num_clusters: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_stop_mins: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_name: Option<String>,
}

impl Warehouse {
    pub fn is_running(&self) -> bool {
        self.state == Some(WarehouseState::Running)
    }
}

/// `GET /api/2.0/sql/warehouses`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListWarehousesResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub warehouses: Vec<Warehouse>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

lenient_enum! {
    /// Where a statement is: `PENDING` (waiting for the warehouse), `RUNNING`, or one of the
    /// terminal states (`CLOSED`: succeeded, result no longer available).
    pub enum StatementState {
        Pending => "PENDING",
        Running => "RUNNING",
        Succeeded => "SUCCEEDED",
        Failed => "FAILED",
        Canceled => "CANCELED",
        Closed => "CLOSED",
    }
}

impl StatementState {
    /// Still on its way: polling may change it. Unknown states count as settled, so a state
    /// this build does not know ends a wait instead of polling forever.
    pub fn is_active(&self) -> bool {
        matches!(self, StatementState::Pending | StatementState::Running)
    }
}

/// A named parameter, bound to `:name` in the statement. `value: None` binds NULL; `type` is a
/// SQL type name (`STRING` when absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StatementParameter {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

impl StatementParameter {
    pub fn new(name: &str, value: impl Into<String>, type_: &str) -> Self {
        StatementParameter {
            name: name.to_string(),
            value: Some(value.into()),
            type_: Some(type_.to_string()),
        }
    }
}

/// `POST /api/2.0/sql/statements`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ExecuteStatementRequest {
    #[serde(default)]
    pub statement: String,
    #[serde(default)]
    pub warehouse_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub parameters: Vec<StatementParameter>,
    /// `"0s"` (answer at once) or `"5s"`–`"50s"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_timeout: Option<String>,
    /// `CONTINUE` or `CANCEL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_wait_timeout: Option<String>,
    /// `INLINE` or `EXTERNAL_LINKS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
    /// `JSON_ARRAY`, `ARROW_STREAM` or `CSV`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub row_limit: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub byte_limit: Option<i64>,
}

/// The warehouse's error for a failed statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ServiceError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementStatus {
    pub state: StatementState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ServiceError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql_state: Option<String>,
}

impl Default for StatementStatus {
    fn default() -> Self {
        StatementStatus {
            state: StatementState::Other(String::new()),
            error: None,
            sql_state: None,
        }
    }
}

lenient_enum! {
    /// `ColumnInfoTypeName`.
    pub enum ColumnTypeName {
        Array => "ARRAY",
        Binary => "BINARY",
        Boolean => "BOOLEAN",
        Byte => "BYTE",
        Char => "CHAR",
        Date => "DATE",
        Decimal => "DECIMAL",
        Double => "DOUBLE",
        Float => "FLOAT",
        Int => "INT",
        Interval => "INTERVAL",
        Long => "LONG",
        Map => "MAP",
        Null => "NULL",
        Short => "SHORT",
        String => "STRING",
        Struct => "STRUCT",
        Timestamp => "TIMESTAMP",
        UserDefinedType => "USER_DEFINED_TYPE",
    }
}

/// One column of a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ColumnInfo {
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "crate::api::wire::i64_or_zero")]
    pub position: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<ColumnTypeName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ResultSchema {
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub column_count: Option<i64>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub columns: Vec<ColumnInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ChunkInfo {
    #[serde(default, deserialize_with = "crate::api::wire::i64_or_zero")]
    pub chunk_index: i64,
    #[serde(default, deserialize_with = "crate::api::wire::i64_or_zero")]
    pub row_offset: i64,
    #[serde(default, deserialize_with = "crate::api::wire::i64_or_zero")]
    pub row_count: i64,
}

/// What a succeeded statement's result holds: its schema and how it is chunked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ResultManifest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default)]
    pub schema: ResultSchema,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_chunk_count: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_row_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated: Option<bool>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub chunks: Vec<ChunkInfo>,
}

/// One chunk of rows (`result` of a statement answer, or a `result/chunks/{n}` answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ResultData {
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub chunk_index: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub row_offset: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub row_count: Option<i64>,
    #[serde(
        default,
        deserialize_with = "cells",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub data_array: Vec<Vec<Option<String>>>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_chunk_index: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_chunk_internal_link: Option<String>,
}

/// The answer of execute and of get (`StatementResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StatementResponse {
    #[serde(default)]
    pub statement_id: String,
    #[serde(default)]
    pub status: StatementStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<ResultManifest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ResultData>,
}

/// `data_array`: rows of cells; a cell is a string or null, and anything else (a number, a
/// boolean, an object) is kept as its JSON text. A row that is not an array is a bad answer.
fn cells<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<Option<String>>>, D::Error> {
    use serde_json::Value;
    let rows = Option::<Vec<Vec<Value>>>::deserialize(d)?.unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|cell| match cell {
                    Value::Null => None,
                    Value::String(s) => Some(s),
                    other => Some(other.to_string()),
                })
                .collect()
        })
        .collect())
}

#[cfg(test)]
#[path = "sql_tests.rs"]
mod tests;
