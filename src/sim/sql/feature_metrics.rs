//! The metric tables of the feature-table monitor (a time-series monitor on
//! `main.features.customer_features`, keyed on `updated_at`, daily windows): one row per
//! (window, column) of the whole table — no slices, no model id, as a time-series monitor
//! writes them — and CONSECUTIVE drift against the previous window.
//!
//! Generated from the seed, as samples of each feature per window: `avg_basket_value` (the
//! spend feature) climbs by about one standard deviation a day over the last
//! [`SPEND_DRIFT_WINDOWS`] windows, so it drifts; `days_since_last_login` keeps its
//! distribution but loses ever more values (its null rate rises from 1 % to ~30 %); the other
//! features stay as they were.

use std::collections::BTreeMap;

use rusqlite::types::Value as SqlValue;
use serde_json::json;

use super::catalog::{ColumnDef, TableDef};
use super::demo_data::{DAY_MS, iso};
use super::drift_stats as st;
use crate::sim::story::rng::Gen;

/// The monitored feature table.
pub(crate) const FEATURE_TABLE: &str = "main.features.customer_features";
pub(crate) const FEATURE_PROFILE_TABLE: &str = "main.features.customer_features_profile_metrics";
pub(crate) const FEATURE_DRIFT_TABLE: &str = "main.features.customer_features_drift_metrics";
/// Daily windows in the feature monitor's tables.
pub(crate) const FEATURE_WINDOWS: usize = 14;
/// The last windows in which the spend feature moves.
pub(crate) const SPEND_DRIFT_WINDOWS: usize = 4;
/// The windows in which `days_since_last_login` loses values.
const NULL_RISE_WINDOWS: usize = 6;
const ROWS_PER_WINDOW: usize = 1500;
const PLANS: [&str; 3] = ["free", "plus", "pro"];

/// The profiled feature columns with their Spark types.
pub(crate) const FEATURES: [(&str, &str); 5] = [
    ("tenure_months", "int"),
    ("orders_90d", "int"),
    ("avg_basket_value", "double"),
    ("days_since_last_login", "int"),
    ("plan_tier", "string"),
];

/// Columns a time-series monitor's tables do not have (inference-log only).
const INFERENCE_ONLY: [&str; 5] = [
    "model_id",
    "accuracy_score",
    "precision",
    "recall",
    "f1_score",
];

fn columns(all: Vec<ColumnDef>) -> Vec<ColumnDef> {
    all.into_iter()
        .filter(|c| !INFERENCE_ONLY.contains(&c.name.as_str()))
        .collect()
}

/// The start of the first window: [`FEATURE_WINDOWS`] days before the day the clock reads.
pub(crate) fn first_feature_window_ms(anchor_ms: i64) -> i64 {
    anchor_ms.div_euclid(DAY_MS) * DAY_MS - FEATURE_WINDOWS as i64 * DAY_MS
}

/// One window's values of each feature (`None`: null).
type Sample = BTreeMap<&'static str, Vec<Option<Value>>>;

#[derive(Debug, Clone)]
enum Value {
    Number(f64),
    Text(String),
}

fn window_sample(g: &mut Gen, w: usize) -> Sample {
    let spend_from = FEATURE_WINDOWS - SPEND_DRIFT_WINDOWS;
    let spend_shift = if w >= spend_from {
        13.0 * (w + 1 - spend_from) as f64
    } else {
        0.0
    };
    let null_from = FEATURE_WINDOWS - NULL_RISE_WINDOWS;
    let null_share = if w >= null_from {
        0.01 + 0.05 * (w + 1 - null_from) as f64
    } else {
        0.01
    };
    let mut out: Sample = BTreeMap::new();
    for _ in 0..ROWS_PER_WINDOW {
        let tenure = (30.0 + g.noise(14.0)).max(0.0).round();
        let orders = (0..12).filter(|_| g.uniform(0.0, 1.0) < 0.35).count() as f64;
        let spend = ((42.0 + spend_shift + g.noise(12.0)).max(1.0) * 100.0).round() / 100.0;
        let login = (g.uniform(0.0, 1.0) >= null_share).then(|| Value::Number(g.int(0, 60) as f64));
        let plan = *g.pick(&PLANS);
        out.entry("tenure_months")
            .or_default()
            .push(Some(Value::Number(tenure)));
        out.entry("orders_90d")
            .or_default()
            .push(Some(Value::Number(orders)));
        out.entry("avg_basket_value")
            .or_default()
            .push(Some(Value::Number(spend)));
        out.entry("days_since_last_login").or_default().push(login);
        out.entry("plan_tier")
            .or_default()
            .push(Some(Value::Text(plan.to_string())));
    }
    out
}

/// The numbers of a column, sorted; its categories, counted.
fn numbers(values: &[Option<Value>]) -> Vec<f64> {
    let x: Vec<f64> = values
        .iter()
        .filter_map(|v| match v {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        })
        .collect();
    st::sorted(&x)
}

fn categories(values: &[Option<Value>]) -> BTreeMap<String, f64> {
    st::counts(values.iter().filter_map(|v| match v {
        Some(Value::Text(t)) => Some(t.as_str()),
        _ => None,
    }))
}

fn window_json(start: i64) -> SqlValue {
    SqlValue::Text(json!({"start": iso(start), "end": iso(start + DAY_MS)}).to_string())
}

fn text(s: &str) -> SqlValue {
    SqlValue::Text(s.to_string())
}

fn real(x: Option<f64>) -> SqlValue {
    x.filter(|f| f.is_finite())
        .map_or(SqlValue::Null, SqlValue::Real)
}

/// Both metric tables of the feature monitor.
pub(crate) fn build(seed: u64, anchor_ms: i64) -> [(TableDef, Vec<Vec<SqlValue>>); 2] {
    let mut g = Gen::new(seed, 0xFEA7);
    let start = first_feature_window_ms(anchor_ms);
    let samples: Vec<Sample> = (0..FEATURE_WINDOWS)
        .map(|w| window_sample(&mut g, w))
        .collect();
    let mut profile = Vec::new();
    let mut drift = Vec::new();
    for (w, sample) in samples.iter().enumerate() {
        let ws = start + w as i64 * DAY_MS;
        profile.push(table_profile(ws, w));
        for (col, ty) in FEATURES {
            profile.push(column_profile(ws, w, col, ty, &sample[col]));
            if w > 0 {
                drift.push(drift_row(ws, col, ty, &sample[col], &samples[w - 1][col]));
            }
        }
    }
    let mut p = TableDef::new(
        FEATURE_PROFILE_TABLE,
        columns(super::metric_tables::profile_columns()),
    );
    p.comment = Some(format!("Profile metrics of {FEATURE_TABLE}"));
    let mut d = TableDef::new(
        FEATURE_DRIFT_TABLE,
        columns(super::metric_tables::drift_columns()),
    );
    d.comment = Some(format!("Drift metrics of {FEATURE_TABLE}"));
    [(p, profile), (d, drift)]
}

fn head(ws: i64, w: usize, column: &str) -> Vec<SqlValue> {
    vec![
        window_json(ws),
        text("INPUT"),
        SqlValue::Integer(w as i64 + 1),
        SqlValue::Integer(1),
        text("1 day"),
        SqlValue::Null,
        SqlValue::Null,
        text(column),
    ]
}

fn table_profile(ws: i64, w: usize) -> Vec<SqlValue> {
    let mut out = head(ws, w, ":table");
    out.push(SqlValue::Integer(ROWS_PER_WINDOW as i64));
    out.push(SqlValue::Null); // data_type
    out.push(SqlValue::Integer(0)); // num_nulls
    out.extend(std::iter::repeat_n(SqlValue::Null, 10)); // avg … avg_length
    let names: Vec<&str> = FEATURES.iter().map(|f| f.0).collect();
    out.push(SqlValue::Text(json!(names).to_string()));
    out.extend(std::iter::repeat_n(SqlValue::Null, 7)); // frequent_items … percent_distinct
    out
}

fn column_profile(
    ws: i64,
    w: usize,
    col: &str,
    ty: &str,
    values: &[Option<Value>],
) -> Vec<SqlValue> {
    let n = values.len() as f64;
    let nulls = values.iter().filter(|v| v.is_none()).count();
    let mut out = head(ws, w, col);
    out.push(SqlValue::Integer(values.len() as i64));
    out.push(text(ty));
    out.push(SqlValue::Integer(nulls as i64));
    let distinct;
    let mut zeros = None;
    if ty == "string" {
        let cats = categories(values);
        distinct = cats.len();
        out.extend(std::iter::repeat_n(SqlValue::Null, 5)); // avg, quantiles, min, max, stddev
        out.extend([SqlValue::Null, SqlValue::Integer(0)]); // num_zeros, num_nan
        let lengths = || cats.keys().map(|k| k.chars().count() as f64);
        out.push(real(lengths().reduce(f64::min)));
        out.push(real(lengths().reduce(f64::max)));
        let total: f64 = cats.iter().map(|(k, c)| k.chars().count() as f64 * c).sum();
        out.push(real(Some(total / n)));
        out.push(SqlValue::Null); // non_null_columns
        let items: Vec<serde_json::Value> = cats
            .iter()
            .map(|(k, c)| json!({"item": k, "count": *c as i64}))
            .collect();
        out.push(SqlValue::Text(json!(items).to_string()));
        out.push(SqlValue::Null); // median
    } else {
        let x = numbers(values);
        let mut d = x.clone();
        d.dedup();
        distinct = d.len();
        let z = x.iter().filter(|v| **v == 0.0).count();
        zeros = Some(z);
        let q = |p: f64| {
            x.get(((x.len().max(1) - 1) as f64 * p).round() as usize)
                .copied()
        };
        let quantiles: Vec<f64> = [0.0, 0.25, 0.5, 0.75, 1.0]
            .iter()
            .filter_map(|p| q(*p))
            .collect();
        out.push(real(
            (!x.is_empty()).then(|| x.iter().sum::<f64>() / x.len() as f64),
        ));
        out.push(SqlValue::Text(json!(quantiles).to_string()));
        out.push(real(x.first().copied()));
        out.push(real(x.last().copied()));
        out.push(real(st::stddev(&x)));
        out.push(SqlValue::Integer(z as i64));
        out.push(SqlValue::Integer(0));
        out.extend(std::iter::repeat_n(SqlValue::Null, 5)); // min_length … frequent_items
        out.push(real(q(0.5)));
    }
    out.push(SqlValue::Integer(distinct as i64));
    out.push(SqlValue::Real(0.0)); // percent_nan
    out.push(SqlValue::Real(100.0 * nulls as f64 / n));
    out.push(real(zeros.map(|z| 100.0 * z as f64 / n)));
    out.push(SqlValue::Real(100.0 * distinct as f64 / n));
    out
}

fn test_json(t: Option<(f64, f64)>) -> SqlValue {
    t.map_or(SqlValue::Null, |(s, p)| {
        SqlValue::Text(json!({"statistic": s, "pvalue": p}).to_string())
    })
}

fn drift_row(
    ws: i64,
    col: &str,
    ty: &str,
    cur: &[Option<Value>],
    prev: &[Option<Value>],
) -> Vec<SqlValue> {
    let null_pct = |v: &[Option<Value>]| {
        100.0 * v.iter().filter(|x| x.is_none()).count() as f64 / v.len().max(1) as f64
    };
    let mut row = vec![
        window_json(ws),
        text("1 day"),
        SqlValue::Integer(1),
        SqlValue::Null,
        SqlValue::Null,
        text(col),
        text(ty),
        window_json(ws - DAY_MS),
        text("CONSECUTIVE"),
        SqlValue::Integer(cur.len() as i64 - prev.len() as i64),
    ];
    let null_delta = SqlValue::Real(null_pct(cur) - null_pct(prev));
    if ty == "string" {
        let cat = st::categorical(&categories(prev), &categories(cur));
        row.extend([SqlValue::Null, null_delta, SqlValue::Null, SqlValue::Null]);
        row.push(real(cat.map(|c| c.2))); // js
        row.extend([SqlValue::Null, SqlValue::Null, SqlValue::Null]); // ks, wasserstein, psi
        row.push(test_json(cat.map(|c| (c.0, c.1))));
        row.push(real(cat.map(|c| c.3)));
        row.push(real(cat.map(|c| c.4)));
    } else {
        let (a, b) = (numbers(prev), numbers(cur));
        let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len().max(1) as f64;
        row.push(SqlValue::Real(mean(&b) - mean(&a)));
        row.extend([null_delta, SqlValue::Null, SqlValue::Null]);
        let binned = st::psi_js(&a, &b);
        row.push(real(binned.map(|x| x.1)));
        row.push(test_json(st::ks_test(&a, &b)));
        row.push(real(st::wasserstein(&a, &b)));
        row.push(real(binned.map(|x| x.0)));
        row.extend([SqlValue::Null, SqlValue::Null, SqlValue::Null]);
    }
    row
}
