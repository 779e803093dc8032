//! Extra drift metrics tables on request, for benches and tests that need more (or fewer) rows
//! than the demo's: `main.bench.wide_drift_metrics` with `features × windows` CONSECUTIVE
//! rows for all models on the whole table (the drift heatmap at scale), and
//! `main.bench.empty_drift_metrics` with none (a monitor before its second window). Same
//! columns as the demo's drift table; not listed in `information_schema` (they are not part of
//! the story a discovery should find).

use rusqlite::types::Value as SqlValue;
use serde_json::json;

use super::catalog::TableDef;
use super::demo_data::{DAY_MS, first_window_ms, iso};
use super::metric_tables::DRIFT_TABLE;
use crate::sim::SimHandle;

pub const WIDE_DRIFT_TABLE: &str = "main.bench.wide_drift_metrics";
pub const EMPTY_DRIFT_TABLE: &str = "main.bench.empty_drift_metrics";

impl SimHandle {
    /// Loads [`WIDE_DRIFT_TABLE`] (`features` numeric features × `windows` daily windows, the
    /// last feature drifting over the last tenth of the windows) and [`EMPTY_DRIFT_TABLE`].
    pub fn add_scaled_drift_tables(&self, features: usize, windows: usize) -> Result<(), String> {
        let sql = &self.shared.sql;
        sql.with_engine(|_| ()).map_err(|f| f.message.clone())?;
        let mut guard = super::lock(&sql.engine);
        let engine = guard.as_mut().ok_or("no SQL engine")?;
        let columns = engine
            .catalog
            .tables
            .iter()
            .find(|t| t.full_name() == DRIFT_TABLE)
            .map(|t| t.columns.clone())
            .ok_or("the demo drift table is missing")?;
        let start = first_window_ms(sql.anchor_ms) - (windows as i64 - 30).max(0) * DAY_MS;
        let mut rows = Vec::with_capacity(features * windows);
        for w in 0..windows {
            let ws = start + w as i64 * DAY_MS;
            let window = |s: i64| json!({"start": iso(s), "end": iso(s + DAY_MS)}).to_string();
            for f in 0..features {
                let drifting = f + 1 == features && w * 10 >= windows * 9;
                let x = if drifting {
                    0.4
                } else {
                    0.01 + (f % 7) as f64 * 0.004
                };
                rows.push(vec![
                    SqlValue::Text(window(ws)),
                    SqlValue::Text("1 day".into()),
                    SqlValue::Integer(1),
                    SqlValue::Null,
                    SqlValue::Null,
                    SqlValue::Text("*".into()),
                    SqlValue::Text(format!("feature_{f:02}")),
                    SqlValue::Text("double".into()),
                    SqlValue::Text(window(ws - DAY_MS)),
                    SqlValue::Text("CONSECUTIVE".into()),
                    SqlValue::Integer(0),
                    SqlValue::Real(x),
                    SqlValue::Real(0.0),
                    SqlValue::Null,
                    SqlValue::Null,
                    SqlValue::Real(x / 2.0),
                    SqlValue::Text(
                        json!({"statistic": x, "pvalue": 0.5 / (1.0 + 100.0 * x)}).to_string(),
                    ),
                    SqlValue::Real(x),
                    SqlValue::Real(x),
                    SqlValue::Null,
                    SqlValue::Null,
                    SqlValue::Null,
                ]);
            }
        }
        let e = |e: rusqlite::Error| e.to_string();
        engine
            .load(TableDef::new(WIDE_DRIFT_TABLE, columns.clone()), &rows)
            .map_err(e)?;
        engine
            .load(TableDef::new(EMPTY_DRIFT_TABLE, columns), &[])
            .map_err(e)
    }
}
