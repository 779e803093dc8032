//! The demo's inference table `main.ml.churn_inference` (PRODUCT §9): 30 daily windows of
//! requests to `churn-prod` (model version 4 serves ~90 %, 5 the rest) with their features,
//! prediction and (later joined) label, plus the monitor's baseline `main.ml.churn_baseline`.
//! Generated from the seed: `tenure_months` drifts upward over the last ten days while the other
//! features keep their distribution, and version 4 gets worse on the drifted traffic.

use rusqlite::types::Value as SqlValue;

use super::catalog::{ColumnDef, TableDef};
use crate::sim::story::rng::Gen;

pub(crate) const INFERENCE_TABLE: &str = "main.ml.churn_inference";
pub(crate) const BASELINE_TABLE: &str = "main.ml.churn_baseline";
/// Daily windows in the demo.
pub(crate) const WINDOWS: usize = 30;
/// The first drifted window (the last ten drift).
pub(crate) const DRIFT_FROM: usize = 20;
const ROWS_PER_DAY: usize = 600;
const BASELINE_ROWS: usize = 2000;
pub(crate) const DAY_MS: i64 = 86_400_000;
pub(crate) const CONTRACTS: [&str; 3] = ["month-to-month", "one-year", "two-year"];

/// One logged request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Request {
    pub customer_id: String,
    pub timestamp_ms: i64,
    pub model_id: String,
    pub tenure_months: f64,
    pub monthly_charges: f64,
    pub num_support_calls: i64,
    pub contract_type: String,
    pub prediction: i64,
    pub label: i64,
}

/// The numeric and categorical features, in column order.
pub(crate) const NUMERIC: [&str; 2] = ["tenure_months", "monthly_charges"];
pub(crate) const COUNTS: [&str; 1] = ["num_support_calls"];
pub(crate) const CATEGORICAL: [&str; 3] = ["contract_type", "prediction", "label"];

impl Request {
    pub fn number(&self, column: &str) -> Option<f64> {
        match column {
            "tenure_months" => Some(self.tenure_months),
            "monthly_charges" => Some(self.monthly_charges),
            "num_support_calls" => Some(self.num_support_calls as f64),
            "prediction" => Some(self.prediction as f64),
            "label" => Some(self.label as f64),
            _ => None,
        }
    }

    pub fn category(&self, column: &str) -> Option<String> {
        match column {
            "contract_type" => Some(self.contract_type.clone()),
            "prediction" => Some(self.prediction.to_string()),
            "label" => Some(self.label.to_string()),
            _ => None,
        }
    }
}

pub(crate) fn inference_columns() -> Vec<ColumnDef> {
    vec![
        ColumnDef::new("customer_id", "string"),
        ColumnDef::new("timestamp", "timestamp").with_comment("When the request was scored"),
        ColumnDef::new("model_id", "string").with_comment("Model version that answered"),
        ColumnDef::new("tenure_months", "double"),
        ColumnDef::new("monthly_charges", "double"),
        ColumnDef::new("num_support_calls", "bigint"),
        ColumnDef::new("contract_type", "string"),
        ColumnDef::new("prediction", "bigint"),
        ColumnDef::new("label", "bigint"),
    ]
}

pub(crate) fn table(name: &str, rows: &[Request]) -> (TableDef, Vec<Vec<SqlValue>>) {
    let mut def = TableDef::new(name, inference_columns());
    def.comment = Some(if name == INFERENCE_TABLE {
        "Inference table of churn-prod".to_string()
    } else {
        "Baseline of the churn monitor (training data)".to_string()
    });
    let rows = rows
        .iter()
        .map(|r| {
            vec![
                SqlValue::Text(r.customer_id.clone()),
                SqlValue::Text(iso(r.timestamp_ms)),
                SqlValue::Text(r.model_id.clone()),
                SqlValue::Real(r.tenure_months),
                SqlValue::Real(r.monthly_charges),
                SqlValue::Integer(r.num_support_calls),
                SqlValue::Text(r.contract_type.clone()),
                SqlValue::Integer(r.prediction),
                SqlValue::Integer(r.label),
            ]
        })
        .collect();
    (def, rows)
}

/// `2026-11-06T00:00:00.000Z`.
pub(crate) fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// The start of the first window: 30 days before the day the clock reads.
pub(crate) fn first_window_ms(anchor_ms: i64) -> i64 {
    anchor_ms.div_euclid(DAY_MS) * DAY_MS - WINDOWS as i64 * DAY_MS
}

/// Every request of the 30 windows, oldest first.
pub(crate) fn inference(seed: u64, anchor_ms: i64) -> Vec<Request> {
    let mut g = Gen::new(seed, 0x5C1);
    let start = first_window_ms(anchor_ms);
    let mut out = Vec::with_capacity(WINDOWS * ROWS_PER_DAY);
    for day in 0..WINDOWS {
        // Upward drift of tenure: 4.5 months (~0.4 sd) more each day from day 20.
        let shift = if day >= DRIFT_FROM {
            4.5 * (day + 1 - DRIFT_FROM) as f64
        } else {
            0.0
        };
        for i in 0..ROWS_PER_DAY {
            let ts = start + day as i64 * DAY_MS + (i as i64 * DAY_MS) / ROWS_PER_DAY as i64;
            let model = if g.uniform(0.0, 1.0) < 0.9 { "4" } else { "5" };
            let drifted = day >= DRIFT_FROM;
            // v4 learned the old tenure range and misjudges the new customers; v5 less so.
            let accuracy = match (model, drifted) {
                ("4", false) => 0.87,
                ("4", true) => 0.86 - 0.016 * (day + 1 - DRIFT_FROM) as f64,
                (_, false) => 0.85,
                (_, true) => 0.84 - 0.005 * (day + 1 - DRIFT_FROM) as f64,
            };
            out.push(request(&mut g, ts, model, shift, accuracy));
        }
    }
    out
}

/// The monitor's baseline: the training data, before any drift.
pub(crate) fn baseline(seed: u64, anchor_ms: i64) -> Vec<Request> {
    let mut g = Gen::new(seed, 0xBA5E);
    let start = first_window_ms(anchor_ms) - 60 * DAY_MS;
    (0..BASELINE_ROWS)
        .map(|i| {
            let ts = start + (i as i64 * 30 * DAY_MS) / BASELINE_ROWS as i64;
            request(&mut g, ts, "4", 0.0, 0.88)
        })
        .collect()
}

fn request(g: &mut Gen, ts: i64, model: &str, shift: f64, accuracy: f64) -> Request {
    let tenure = (30.0 + shift + g.noise(12.0)).max(0.0);
    let charges = (70.0 + g.noise(20.0)).clamp(18.0, 160.0);
    let calls = (0..6).filter(|_| g.uniform(0.0, 1.0) < 0.3).count() as i64;
    let c = g.uniform(0.0, 1.0);
    let contract = if c < 0.55 {
        CONTRACTS[0]
    } else if c < 0.8 {
        CONTRACTS[1]
    } else {
        CONTRACTS[2]
    };
    let z = -1.2 - 0.05 * (tenure - 30.0)
        + 0.02 * (charges - 70.0)
        + 0.35 * (calls as f64 - 1.8)
        + if contract == CONTRACTS[0] { 0.9 } else { 0.0 };
    let label = i64::from(g.uniform(0.0, 1.0) < 1.0 / (1.0 + (-z).exp()));
    let prediction = if g.uniform(0.0, 1.0) < accuracy {
        label
    } else {
        1 - label
    };
    Request {
        customer_id: format!("C{:06}", g.int(0, 999_999)),
        timestamp_ms: ts,
        model_id: model.to_string(),
        tenure_months: (tenure * 10.0).round() / 10.0,
        monthly_charges: (charges * 100.0).round() / 100.0,
        num_support_calls: calls,
        contract_type: contract.to_string(),
        prediction,
        label,
    }
}
