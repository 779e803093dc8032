//! The quality of a version `churn-retrain` registers, as the monitor would show it once the
//! new version is scored on the recent traffic (PRODUCT §9, the loop closing): rows for
//! `model_id = <version>` in `main.ml.churn_inference_profile_metrics` on the drifted windows.
//!
//! They are computed exactly as the seeded rows are: the recent windows' requests of
//! `main.ml.churn_inference` (their features and joined labels) scored by the new version,
//! which was trained on the drifted tenure range and so misjudges fewer of them than v4 does
//! now; accuracy, precision, recall and F1 then follow from those rows by the same functions.

use rusqlite::types::Value as SqlValue;

use super::demo_data::{DAY_MS, DRIFT_FROM, Request, WINDOWS, first_window_ms};
use super::metric_tables::{Group, analysed, column_profile, select, slices, table_profile};
use crate::sim::story::rng::Gen;

/// The model whose inference table the demo's monitor watches.
pub(crate) const MODEL: &str = "main.ml.churn_model";
/// How often a retrained version is right on the drifted traffic: it learned the new range
/// (v4 falls from 0.86 towards 0.70 over the same windows).
const RETRAINED_ACCURACY: f64 = 0.88;

/// Profile rows (`:table` and one per analysed column, every slice) of `version` on the drifted
/// windows, from the inference rows `inference`.
pub(super) fn profile_rows(
    inference: &[Request],
    seed: u64,
    anchor_ms: i64,
    version: i64,
) -> Vec<Vec<SqlValue>> {
    let start = first_window_ms(anchor_ms);
    let model = version.to_string();
    let mut g = Gen::new(seed, 0x6E77_0000 ^ version as u64);
    let mut out = Vec::new();
    for d in DRIFT_FROM..WINDOWS {
        let w = start + d as i64 * DAY_MS;
        let scored: Vec<Request> = inference
            .iter()
            .filter(|r| r.timestamp_ms >= w && r.timestamp_ms < w + DAY_MS)
            .map(|r| {
                let right = g.uniform(0.0, 1.0) < RETRAINED_ACCURACY;
                Request {
                    model_id: model.clone(),
                    prediction: if right { r.label } else { 1 - r.label },
                    ..r.clone()
                }
            })
            .collect();
        for slice in slices() {
            let group = Group::new(select(&scored, slice, &model));
            if group.rows.is_empty() {
                continue;
            }
            out.push(table_profile(w, slice, &model, &group.rows));
            for (col, ty) in analysed() {
                out.push(column_profile(w, slice, &model, col, ty, &group));
            }
        }
    }
    out
}
