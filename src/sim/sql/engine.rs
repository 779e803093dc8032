//! The simulator's SQL engine: an in-memory SQLite database holding every simulated table under
//! its full name, queried with statements rewritten from Databricks SQL (`rewrite`), `:name`
//! parameters bound as real bind parameters, and answers shaped as a warehouse's: a schema of
//! `ColumnInfo` and rows of strings and nulls. `DESCRIBE TABLE` and `information_schema` are
//! answered from the catalog.
//!
//! A statement gets a time budget (a progress handler interrupts it) and SQLite's string and
//! blob length limit is lowered, so no query can stall or swell the simulator.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, limits::Limit};

use crate::api::models::sql::{ColumnInfo, ColumnTypeName, StatementParameter};

use super::catalog::{
    Catalog, ColumnDef, TableDef, quote, type_name, type_name_of_decl, type_text,
};
use super::failure::Failure;
use super::rewrite::{self, Parsed, Rewritten};

/// How long one statement may run.
const TIME_BUDGET: Duration = Duration::from_secs(2);
/// The longest string or blob a statement may make.
const MAX_LENGTH: i32 = 8 * 1024 * 1024;

/// A query's answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Answer {
    pub columns: Vec<ColumnInfo>,
    pub rows: Vec<Vec<Option<String>>>,
    /// Rows past the row limit were left out.
    pub truncated: bool,
}

pub(crate) struct Engine {
    conn: Connection,
    pub catalog: Catalog,
    /// Set while a statement runs; the progress handler interrupts it past its budget.
    deadline: Arc<std::sync::Mutex<Option<Instant>>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("tables", &self.catalog.tables.len())
            .finish_non_exhaustive()
    }
}

impl Engine {
    pub fn new() -> rusqlite::Result<Engine> {
        let mut conn = Connection::open_in_memory()?;
        // `"x"` must never quietly become the string 'x' when no column x exists.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DQS_DML, false)?;
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DQS_DDL, false)?;
        conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, MAX_LENGTH)?;
        let deadline: Arc<std::sync::Mutex<Option<Instant>>> = Arc::default();
        let watch = Arc::clone(&deadline);
        conn.progress_handler(
            10_000,
            Some(move || {
                let due = watch.lock().map(|d| *d).unwrap_or(None);
                due.is_some_and(|d| Instant::now() > d)
            }),
        )?;
        Ok(Engine {
            conn,
            catalog: Catalog::default(),
            deadline,
        })
    }

    /// Creates `table` and fills it with `rows` (one value per column, in order).
    pub fn load(&mut self, table: TableDef, rows: &[Vec<SqlValue>]) -> rusqlite::Result<()> {
        self.conn.execute(&table.create_sql(), [])?;
        let marks = vec!["?"; table.columns.len()].join(", ");
        let insert = format!("INSERT INTO {} VALUES ({marks})", quote(&table.full_name()));
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(&insert)?;
            for row in rows {
                stmt.execute(rusqlite::params_from_iter(row.iter()))?;
            }
        }
        tx.commit()?;
        self.catalog.tables.push(table);
        Ok(())
    }

    /// Adds `rows` to the loaded table `full_name` (one value per column, in order).
    pub fn append(&self, full_name: &str, rows: &[Vec<SqlValue>]) -> rusqlite::Result<()> {
        let Some(table) = self
            .catalog
            .tables
            .iter()
            .find(|t| t.full_name() == full_name)
        else {
            return Err(rusqlite::Error::InvalidParameterName(full_name.to_string()));
        };
        let marks = vec!["?"; table.columns.len()].join(", ");
        let insert = format!("INSERT INTO {} VALUES ({marks})", quote(&table.full_name()));
        let mut stmt = self.conn.prepare(&insert)?;
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row.iter()))?;
        }
        Ok(())
    }

    /// Builds `information_schema.tables` and `.columns` (per catalog, and in `system` for
    /// all) over the tables loaded so far.
    pub fn load_information_schema(&mut self) -> rusqlite::Result<()> {
        let user: Vec<TableDef> = self.catalog.tables.clone();
        let mut catalogs: Vec<String> = user.iter().map(|t| t.catalog.clone()).collect();
        catalogs.sort();
        catalogs.dedup();
        catalogs.push("system".to_string());
        for cat in catalogs {
            let tables_def = TableDef::new(
                &format!("{cat}.information_schema.tables"),
                info_tables_columns(),
            );
            let columns_def = TableDef::new(
                &format!("{cat}.information_schema.columns"),
                info_columns_columns(),
            );
            let (mut t_rows, mut c_rows) = (Vec::new(), Vec::new());
            let listed: Vec<&TableDef> = user
                .iter()
                .filter(|t| cat == "system" || t.catalog == cat)
                .collect();
            let mut all = listed.clone();
            all.push(&tables_def);
            all.push(&columns_def);
            for t in all {
                t_rows.push(info_table_row(t));
                for (i, c) in t.columns.iter().enumerate() {
                    c_rows.push(info_column_row(t, c, i));
                }
            }
            let mut tables_def = tables_def;
            tables_def.table_type = "VIEW";
            let mut columns_def = columns_def;
            columns_def.table_type = "VIEW";
            self.load(tables_def, &t_rows)?;
            self.load(columns_def, &c_rows)?;
        }
        Ok(())
    }

    /// Runs one statement. `row_limit` caps the rows kept (more sets `truncated`).
    pub fn run(
        &self,
        sql: &str,
        params: &[StatementParameter],
        default_catalog: &str,
        default_schema: &str,
        row_limit: usize,
    ) -> Result<Answer, Failure> {
        match rewrite::parse(sql, &self.catalog, default_catalog, default_schema)? {
            Parsed::Describe(t) => Ok(describe(&t)),
            Parsed::Query(q) => {
                self.set_deadline(Some(Instant::now() + TIME_BUDGET));
                let out = self.query(&q, params, row_limit);
                self.set_deadline(None);
                out
            }
        }
    }

    fn set_deadline(&self, d: Option<Instant>) {
        if let Ok(mut g) = self.deadline.lock() {
            *g = d;
        }
    }

    fn query(
        &self,
        q: &Rewritten,
        params: &[StatementParameter],
        row_limit: usize,
    ) -> Result<Answer, Failure> {
        let engine_err = |e: rusqlite::Error| Failure::from_engine(&e.to_string());
        let mut stmt = self.conn.prepare(&q.sql).map_err(engine_err)?;
        for name in &q.parameters {
            let p = params
                .iter()
                .find(|p| p.name == *name)
                .or_else(|| params.iter().find(|p| p.name.eq_ignore_ascii_case(name)))
                .ok_or_else(|| Failure::unbound(name))?;
            let Some(index) = stmt
                .parameter_index(&format!(":{name}"))
                .map_err(engine_err)?
            else {
                continue;
            };
            stmt.raw_bind_parameter(index, bind_value(p)?)
                .map_err(engine_err)?;
        }
        let n = stmt.column_count();
        let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let decls: Vec<Option<String>> = stmt
            .columns()
            .map(|c| c.decl_type().map(str::to_string))
            .collect();
        let mut values: Vec<Vec<SqlValue>> = Vec::new();
        let mut truncated = false;
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next().map_err(engine_err)? {
            if values.len() >= row_limit {
                truncated = true;
                break;
            }
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(row.get::<_, SqlValue>(i).map_err(engine_err)?);
            }
            values.push(out);
        }
        let columns: Vec<ColumnInfo> = (0..n)
            .map(|i| column_info(i, &names[i], decls[i].as_deref(), q, &values))
            .collect();
        let rows = values
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .zip(&columns)
                    .map(|(v, c)| render(v, c.type_name.as_ref()))
                    .collect()
            })
            .collect();
        Ok(Answer {
            columns,
            rows,
            truncated,
        })
    }
}

/// The value a parameter binds, read as its declared type (`STRING` when none).
fn bind_value(p: &StatementParameter) -> Result<SqlValue, Failure> {
    let Some(v) = &p.value else {
        return Ok(SqlValue::Null);
    };
    let t = p
        .type_
        .as_deref()
        .unwrap_or("STRING")
        .trim()
        .to_ascii_uppercase();
    let outer = t.split(['(', '<', ' ']).next().unwrap_or("");
    let bad = || Failure::bad_parameter(&p.name, v, &t);
    Ok(match outer {
        "INT" | "INTEGER" | "BIGINT" | "SMALLINT" | "TINYINT" | "LONG" | "SHORT" | "BYTE" => {
            SqlValue::Integer(v.trim().parse().map_err(|_| bad())?)
        }
        "DOUBLE" | "FLOAT" | "REAL" | "DECIMAL" | "DEC" | "NUMERIC" => {
            SqlValue::Real(v.trim().parse().map_err(|_| bad())?)
        }
        "BOOLEAN" => match v.trim().to_ascii_lowercase().as_str() {
            "true" => SqlValue::Integer(1),
            "false" => SqlValue::Integer(0),
            _ => return Err(bad()),
        },
        "TIMESTAMP" | "TIMESTAMP_NTZ" => SqlValue::Text(timestamp_text(v).ok_or_else(bad)?),
        "DATE" => {
            let d = v.trim();
            if d.len() != 10 || chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                return Err(bad());
            }
            SqlValue::Text(d.to_string())
        }
        _ => SqlValue::Text(v.clone()),
    })
}

/// A timestamp as the tables store them (`2026-11-06T00:00:00.000Z`), from a date, a
/// `YYYY-MM-DD HH:MM:SS[.fff]` or an RFC 3339 text.
fn timestamp_text(v: &str) -> Option<String> {
    let v = v.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Some(format!("{}T00:00:00.000Z", d.format("%Y-%m-%d")));
    }
    let naive = chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f"))
        .ok()
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(v)
                .ok()
                .map(|d| d.naive_utc())
        })?;
    Some(naive.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

fn column_info(
    i: usize,
    name: &str,
    decl: Option<&str>,
    q: &Rewritten,
    values: &[Vec<SqlValue>],
) -> ColumnInfo {
    let (type_name, type_text_) = if let Some(spark) = q.field_types.get(&i) {
        (self::type_name(spark).to_string(), type_text(spark))
    } else if let Some(decl) = decl {
        let tn = type_name_of_decl(decl);
        // The full type of a complex column comes from the catalog.
        let full = q
            .tables
            .iter()
            .filter_map(|t| t.column(name))
            .find(|c| type_name(&c.spark) == tn)
            .map(|c| type_text(&c.spark));
        (tn.to_string(), full.unwrap_or_else(|| type_name_text(tn)))
    } else {
        let tn = inferred(values.iter().map(|r| &r[i]));
        (tn.to_string(), type_name_text(tn))
    };
    ColumnInfo {
        name: name.to_string(),
        position: i as i64,
        type_name: Some(ColumnTypeName::from_wire(&type_name)),
        type_text: Some(type_text_),
    }
}

/// `type_text` of a simple type name (`LONG` is written `BIGINT`).
fn type_name_text(tn: &str) -> String {
    match tn {
        "LONG" => "BIGINT".to_string(),
        "SHORT" => "SMALLINT".to_string(),
        "BYTE" => "TINYINT".to_string(),
        other => other.to_string(),
    }
}

/// The type of a computed column, from its values.
fn inferred<'a>(values: impl Iterator<Item = &'a SqlValue>) -> &'static str {
    let (mut int, mut real, mut text) = (false, false, false);
    for v in values {
        match v {
            SqlValue::Integer(_) => int = true,
            SqlValue::Real(_) => real = true,
            SqlValue::Text(_) | SqlValue::Blob(_) => text = true,
            SqlValue::Null => {}
        }
    }
    match (int, real, text) {
        (_, _, true) => "STRING",
        (_, true, false) => "DOUBLE",
        (true, false, false) => "LONG",
        _ => "STRING",
    }
}

/// A cell as `JSON_ARRAY` carries it: a string, or null.
fn render(v: SqlValue, type_name: Option<&ColumnTypeName>) -> Option<String> {
    match v {
        SqlValue::Null => None,
        SqlValue::Integer(n) if type_name == Some(&ColumnTypeName::Boolean) => {
            Some((n != 0).to_string())
        }
        SqlValue::Integer(n) => Some(n.to_string()),
        SqlValue::Real(f) if f.is_nan() => Some("NaN".into()),
        SqlValue::Real(f) if f.is_infinite() => {
            Some(if f > 0.0 { "Infinity" } else { "-Infinity" }.into())
        }
        SqlValue::Real(f) => Some(f.to_string()),
        SqlValue::Text(s) => Some(s),
        SqlValue::Blob(b) => Some(b.iter().map(|x| format!("{x:02x}")).collect()),
    }
}

/// `DESCRIBE TABLE`: one row per column (col_name, data_type, comment).
fn describe(t: &TableDef) -> Answer {
    let columns = ["col_name", "data_type", "comment"]
        .iter()
        .enumerate()
        .map(|(i, n)| ColumnInfo {
            name: n.to_string(),
            position: i as i64,
            type_name: Some(ColumnTypeName::String),
            type_text: Some("STRING".into()),
        })
        .collect();
    let rows = t
        .columns
        .iter()
        .map(|c| {
            vec![
                Some(c.name.clone()),
                Some(c.spark.clone()),
                c.comment.clone(),
            ]
        })
        .collect();
    Answer {
        columns,
        rows,
        truncated: false,
    }
}

fn info_tables_columns() -> Vec<ColumnDef> {
    [
        "table_catalog",
        "table_schema",
        "table_name",
        "table_type",
        "is_insertable_into",
        "table_owner",
        "comment",
        "data_source_format",
    ]
    .iter()
    .map(|n| ColumnDef::new(n, "string"))
    .collect()
}

fn info_table_row(t: &TableDef) -> Vec<SqlValue> {
    let text = |s: &str| SqlValue::Text(s.to_string());
    let view = t.schema == "information_schema";
    vec![
        text(&t.catalog),
        text(&t.schema),
        text(&t.name),
        text(if view { "VIEW" } else { t.table_type }),
        text(if view { "NO" } else { "YES" }),
        text(if view {
            "System user"
        } else {
            "ml-eng@acme.com"
        }),
        t.comment.clone().map_or(SqlValue::Null, SqlValue::Text),
        if view { SqlValue::Null } else { text("DELTA") },
    ]
}

fn info_columns_columns() -> Vec<ColumnDef> {
    let mut cols: Vec<ColumnDef> = ["table_catalog", "table_schema", "table_name", "column_name"]
        .iter()
        .map(|n| ColumnDef::new(n, "string"))
        .collect();
    cols.push(ColumnDef::new("ordinal_position", "int"));
    for n in ["is_nullable", "full_data_type", "data_type", "comment"] {
        cols.push(ColumnDef::new(n, "string"));
    }
    cols
}

fn info_column_row(t: &TableDef, c: &ColumnDef, i: usize) -> Vec<SqlValue> {
    let text = |s: &str| SqlValue::Text(s.to_string());
    vec![
        text(&t.catalog),
        text(&t.schema),
        text(&t.name),
        text(&c.name),
        SqlValue::Integer(i as i64),
        text("YES"),
        text(&c.spark),
        text(&type_name_text(type_name(&c.spark))),
        c.comment.clone().map_or(SqlValue::Null, SqlValue::Text),
    ]
}
