//! The churn monitor's metric tables, computed from the inference table as a refresh would
//! (reference wave 2 (a), "Metric tables"): `main.ml.churn_inference_profile_metrics` and
//! `main.ml.churn_inference_drift_metrics`, one row per (daily window, slice, model id, column),
//! `:table` rows for the whole table with the model-quality metrics, `model_id = '*'` for all
//! versions together, the un-sliced rows with `slice_key`/`slice_value` NULL and one slice on
//! `contract_type`. Drift is CONSECUTIVE (against the previous window) and BASELINE (against the
//! baseline table).

use std::collections::BTreeMap;

use rusqlite::types::Value as SqlValue;
use serde_json::json;

use super::catalog::{ColumnDef, TableDef};
use super::demo_data::{
    CATEGORICAL, CONTRACTS, COUNTS, DAY_MS, NUMERIC, Request, WINDOWS, first_window_ms, iso,
};
use super::drift_stats as st;

pub(crate) const PROFILE_TABLE: &str = "main.ml.churn_inference_profile_metrics";
pub(crate) const DRIFT_TABLE: &str = "main.ml.churn_inference_drift_metrics";
const WINDOW_TYPE: &str = "struct<start:timestamp,end:timestamp>";
const TEST_TYPE: &str = "struct<statistic:double,pvalue:double>";
const AVG_TYPE: &str = "struct<macro:double,weighted:double>";
const MONITOR_VERSION: i64 = 1;

pub(super) fn profile_columns() -> Vec<ColumnDef> {
    let c = ColumnDef::new;
    vec![
        c("window", WINDOW_TYPE),
        c("log_type", "string"),
        c("logging_table_commit_version", "int"),
        c("monitor_version", "bigint"),
        c("granularity", "string"),
        c("slice_key", "string"),
        c("slice_value", "string"),
        c("model_id", "string"),
        c("column_name", "string"),
        c("count", "bigint"),
        c("data_type", "string"),
        c("num_nulls", "bigint"),
        c("avg", "double"),
        c("quantiles", "array<double>"),
        c("min", "double"),
        c("max", "double"),
        c("stddev", "double"),
        c("num_zeros", "bigint"),
        c("num_nan", "bigint"),
        c("min_length", "double"),
        c("max_length", "double"),
        c("avg_length", "double"),
        c("non_null_columns", "array<string>"),
        c("frequent_items", "array<struct<item:string,count:bigint>>"),
        c("median", "double"),
        c("distinct_count", "bigint"),
        c("percent_nan", "double"),
        c("percent_null", "double"),
        c("percent_zeros", "double"),
        c("percent_distinct", "double"),
        c("accuracy_score", "double"),
        c("precision", AVG_TYPE),
        c("recall", AVG_TYPE),
        c("f1_score", AVG_TYPE),
    ]
}

pub(super) fn drift_columns() -> Vec<ColumnDef> {
    let c = ColumnDef::new;
    vec![
        c("window", WINDOW_TYPE),
        c("granularity", "string"),
        c("monitor_version", "bigint"),
        c("slice_key", "string"),
        c("slice_value", "string"),
        c("model_id", "string"),
        c("column_name", "string"),
        c("data_type", "string"),
        c("window_cmp", WINDOW_TYPE),
        c("drift_type", "string"),
        c("count_delta", "bigint"),
        c("avg_delta", "double"),
        c("percent_null_delta", "double"),
        c("percent_zeros_delta", "double"),
        c("percent_distinct_delta", "double"),
        c("js_distance", "double"),
        c("ks_test", TEST_TYPE),
        c("wasserstein_distance", "double"),
        c("population_stability_index", "double"),
        c("chi_squared_test", TEST_TYPE),
        c("tv_distance", "double"),
        c("l_infinity_distance", "double"),
    ]
}

/// Every analysed column with its Spark type.
pub(super) fn analysed() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = NUMERIC.iter().map(|c| (*c, "double")).collect();
    out.extend(COUNTS.iter().map(|c| (*c, "bigint")));
    out.push((CATEGORICAL[0], "string"));
    out.extend(CATEGORICAL[1..].iter().map(|c| (*c, "bigint")));
    out
}

/// (slice_key, slice_value) of every slice; `None` is the whole table.
pub(super) fn slices() -> Vec<Option<(&'static str, &'static str)>> {
    let mut out = vec![None];
    out.extend(CONTRACTS.iter().map(|c| Some(("contract_type", *c))));
    out
}

const MODELS: [&str; 3] = ["*", "4", "5"];

pub(super) fn select<'a>(
    rows: &'a [Request],
    slice: Option<(&str, &str)>,
    model: &str,
) -> Vec<&'a Request> {
    rows.iter()
        .filter(|r| model == "*" || r.model_id == model)
        .filter(|r| slice.is_none_or(|(_, v)| r.contract_type == v))
        .collect()
}

/// The rows of one (window, slice, model) with each analysed column read once: numbers
/// sorted, categories counted.
pub(super) struct Group<'a> {
    pub rows: Vec<&'a Request>,
    numbers: BTreeMap<&'static str, Vec<f64>>,
    categories: BTreeMap<&'static str, BTreeMap<String, f64>>,
}

impl<'a> Group<'a> {
    pub fn new(rows: Vec<&'a Request>) -> Self {
        let mut numbers = BTreeMap::new();
        let mut categories = BTreeMap::new();
        for (col, ty) in analysed() {
            if ty == "string" {
                let cats: Vec<String> = rows.iter().filter_map(|r| r.category(col)).collect();
                categories.insert(col, st::counts(cats.iter().map(String::as_str)));
            } else {
                let x: Vec<f64> = rows.iter().filter_map(|r| r.number(col)).collect();
                numbers.insert(col, st::sorted(&x));
            }
        }
        Group {
            rows,
            numbers,
            categories,
        }
    }
}

fn window_json(start: i64) -> SqlValue {
    SqlValue::Text(json!({"start": iso(start), "end": iso(start + DAY_MS)}).to_string())
}

fn real(x: Option<f64>) -> SqlValue {
    x.filter(|f| f.is_finite())
        .map_or(SqlValue::Null, SqlValue::Real)
}

fn text(s: &str) -> SqlValue {
    SqlValue::Text(s.to_string())
}

fn opt_text(s: Option<&str>) -> SqlValue {
    s.map_or(SqlValue::Null, text)
}

/// Both metric tables for the given inference and baseline rows.
pub(crate) fn build(
    inference: &[Request],
    baseline: &[Request],
    anchor_ms: i64,
) -> [(TableDef, Vec<Vec<SqlValue>>); 2] {
    let start = first_window_ms(anchor_ms);
    let days: Vec<Vec<Request>> = (0..WINDOWS as i64)
        .map(|d| {
            let (from, to) = (start + d * DAY_MS, start + (d + 1) * DAY_MS);
            inference
                .iter()
                .filter(|r| r.timestamp_ms >= from && r.timestamp_ms < to)
                .cloned()
                .collect()
        })
        .collect();
    let mut profile = Vec::new();
    let mut drift = Vec::new();
    let bases: Vec<Group> = slices()
        .into_iter()
        .map(|slice| Group::new(select(baseline, slice, "*")))
        .collect();
    let mut previous: Vec<Group> = Vec::new();
    for (d, day) in days.iter().enumerate() {
        let w = start + d as i64 * DAY_MS;
        let mut groups = Vec::new();
        for (si, slice) in slices().into_iter().enumerate() {
            for (mi, model) in MODELS.iter().enumerate() {
                let cur = Group::new(select(day, slice, model));
                if !cur.rows.is_empty() {
                    profile.push(table_profile(w, slice, model, &cur.rows));
                    for (col, ty) in analysed() {
                        profile.push(column_profile(w, slice, model, col, ty, &cur));
                    }
                    drift.extend(drift_rows(w, w, slice, model, &cur, &bases[si], "BASELINE"));
                    if let Some(prev) = previous.get(si * MODELS.len() + mi) {
                        let wc = w - DAY_MS;
                        drift.extend(drift_rows(w, wc, slice, model, &cur, prev, "CONSECUTIVE"));
                    }
                }
                groups.push(cur);
            }
        }
        previous = groups;
    }
    let mut p = TableDef::new(PROFILE_TABLE, profile_columns());
    p.comment = Some("Profile metrics of main.ml.churn_inference".into());
    let mut dr = TableDef::new(DRIFT_TABLE, drift_columns());
    dr.comment = Some("Drift metrics of main.ml.churn_inference".into());
    [(p, profile), (dr, drift)]
}

fn head(w: i64, slice: Option<(&str, &str)>, model: &str, column: &str) -> Vec<SqlValue> {
    vec![
        window_json(w),
        text("INPUT"),
        SqlValue::Integer(WINDOWS as i64),
        SqlValue::Integer(MONITOR_VERSION),
        text("1 day"),
        opt_text(slice.map(|s| s.0)),
        opt_text(slice.map(|s| s.1)),
        text(model),
        text(column),
    ]
}

/// The `:table` row: counts and the model-quality metrics of a binary classifier.
pub(super) fn table_profile(
    w: i64,
    slice: Option<(&str, &str)>,
    model: &str,
    rows: &[&Request],
) -> Vec<SqlValue> {
    let n = rows.len() as f64;
    let mut out = head(w, slice, model, ":table");
    out.push(SqlValue::Integer(rows.len() as i64));
    out.push(SqlValue::Null); // data_type
    out.push(SqlValue::Integer(0)); // num_nulls
    out.extend(std::iter::repeat_n(SqlValue::Null, 10)); // avg … avg_length
    let columns: Vec<String> = super::demo_data::inference_columns()
        .into_iter()
        .map(|c| c.name)
        .collect();
    out.push(SqlValue::Text(json!(columns).to_string())); // non_null_columns
    out.extend(std::iter::repeat_n(SqlValue::Null, 7)); // frequent_items … percent_distinct
    let correct = rows.iter().filter(|r| r.prediction == r.label).count() as f64;
    out.push(SqlValue::Real(correct / n));
    // Per class (0, 1): precision, recall, F1; macro = mean, weighted = by label support.
    let mut per = Vec::new();
    for class in [0, 1] {
        let tp = rows
            .iter()
            .filter(|r| r.prediction == class && r.label == class)
            .count() as f64;
        let pred = rows.iter().filter(|r| r.prediction == class).count() as f64;
        let actual = rows.iter().filter(|r| r.label == class).count() as f64;
        let p = if pred > 0.0 { tp / pred } else { 0.0 };
        let r = if actual > 0.0 { tp / actual } else { 0.0 };
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        per.push((p, r, f, actual / n));
    }
    let avg = |pick: fn(&(f64, f64, f64, f64)) -> f64| {
        let macro_ = per.iter().map(pick).sum::<f64>() / per.len() as f64;
        let weighted = per.iter().map(|x| pick(x) * x.3).sum::<f64>();
        SqlValue::Text(json!({"macro": macro_, "weighted": weighted}).to_string())
    };
    out.push(avg(|x| x.0));
    out.push(avg(|x| x.1));
    out.push(avg(|x| x.2));
    out
}

pub(super) fn column_profile(
    w: i64,
    slice: Option<(&str, &str)>,
    model: &str,
    col: &str,
    ty: &str,
    g: &Group,
) -> Vec<SqlValue> {
    let rows = &g.rows;
    let n = rows.len() as f64;
    let mut out = head(w, slice, model, col);
    out.push(SqlValue::Integer(rows.len() as i64));
    out.push(text(ty));
    out.push(SqlValue::Integer(0));
    let empty = Vec::new();
    let sorted = g.numbers.get(col).unwrap_or(&empty);
    let zeros = sorted.iter().filter(|v| **v == 0.0).count() as f64;
    let distinct = match g.categories.get(col) {
        Some(c) => c.len(),
        None => {
            let mut v = sorted.clone();
            v.dedup();
            v.len()
        }
    };
    if ty == "string" || sorted.is_empty() {
        out.extend(std::iter::repeat_n(SqlValue::Null, 5)); // avg, quantiles, min, max, stddev
        out.extend([SqlValue::Null, SqlValue::Integer(0)]); // num_zeros, num_nan
        let empty = BTreeMap::new();
        let cats = g.categories.get(col).unwrap_or(&empty);
        let lengths = || cats.keys().map(|k| k.chars().count() as f64);
        let total: f64 = cats.iter().map(|(k, c)| k.chars().count() as f64 * c).sum();
        out.push(real(lengths().reduce(f64::min)));
        out.push(real(lengths().reduce(f64::max)));
        out.push(real(Some(total / n)));
        out.push(SqlValue::Null); // non_null_columns: `:table` only
        let mut items: Vec<(&String, &f64)> = cats.iter().collect();
        items.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
        let items: Vec<serde_json::Value> = items
            .iter()
            .map(|(k, c)| json!({"item": k, "count": **c as i64}))
            .collect();
        out.push(SqlValue::Text(json!(items).to_string()));
        out.push(SqlValue::Null); // median
    } else {
        let x = sorted;
        let q = |p: f64| x[((x.len() - 1) as f64 * p).round() as usize];
        let quantiles: Vec<f64> = [0.0, 0.25, 0.5, 0.75, 1.0].iter().map(|p| q(*p)).collect();
        out.push(SqlValue::Real(x.iter().sum::<f64>() / n));
        out.push(SqlValue::Text(json!(quantiles).to_string()));
        out.push(SqlValue::Real(x[0]));
        out.push(SqlValue::Real(x[x.len() - 1]));
        out.push(real(st::stddev(x)));
        out.push(SqlValue::Integer(zeros as i64));
        out.push(SqlValue::Integer(0));
        // min_length … frequent_items: strings only.
        out.extend(std::iter::repeat_n(SqlValue::Null, 5));
        out.push(SqlValue::Real(q(0.5)));
    }
    out.push(SqlValue::Integer(distinct as i64));
    out.push(SqlValue::Real(0.0)); // percent_nan
    out.push(SqlValue::Real(0.0)); // percent_null
    out.push(if ty == "string" {
        SqlValue::Null
    } else {
        SqlValue::Real(100.0 * zeros / n)
    });
    out.push(SqlValue::Real(100.0 * distinct as f64 / n));
    out.extend(std::iter::repeat_n(SqlValue::Null, 4)); // quality metrics: `:table` only
    out
}

fn test_json(t: Option<(f64, f64)>) -> SqlValue {
    t.map_or(SqlValue::Null, |(s, p)| {
        SqlValue::Text(json!({"statistic": s, "pvalue": p}).to_string())
    })
}

#[allow(clippy::too_many_arguments)]
fn drift_rows(
    w: i64,
    w_cmp: i64,
    slice: Option<(&str, &str)>,
    model: &str,
    cur: &Group,
    cmp: &Group,
    drift_type: &str,
) -> Vec<Vec<SqlValue>> {
    if cmp.rows.is_empty() {
        return Vec::new();
    }
    let window_cmp = if drift_type == "BASELINE" {
        SqlValue::Null
    } else {
        window_json(w_cmp)
    };
    let head = |col: &str, ty: Option<&str>| {
        vec![
            window_json(w),
            text("1 day"),
            SqlValue::Integer(MONITOR_VERSION),
            opt_text(slice.map(|s| s.0)),
            opt_text(slice.map(|s| s.1)),
            text(model),
            text(col),
            opt_text(ty),
            window_cmp.clone(),
            text(drift_type),
        ]
    };
    let count_delta = SqlValue::Integer(cur.rows.len() as i64 - cmp.rows.len() as i64);
    let mut out = Vec::new();
    let mut table = head(":table", None);
    table.push(count_delta.clone());
    table.extend(std::iter::repeat_n(SqlValue::Null, 11));
    out.push(table);
    for (col, ty) in analysed() {
        let mut row = head(col, Some(ty));
        row.push(count_delta.clone());
        if ty == "string" {
            let empty = BTreeMap::new();
            let a = cmp.categories.get(col).unwrap_or(&empty);
            let b = cur.categories.get(col).unwrap_or(&empty);
            let cat = st::categorical(a, b);
            row.extend([
                SqlValue::Null,
                SqlValue::Real(0.0),
                SqlValue::Null,
                SqlValue::Null,
            ]);
            row.push(real(cat.map(|c| c.2)));
            row.extend([SqlValue::Null, SqlValue::Null, SqlValue::Null]);
            row.push(test_json(cat.map(|c| (c.0, c.1))));
            row.push(real(cat.map(|c| c.3)));
            row.push(real(cat.map(|c| c.4)));
        } else {
            let empty = Vec::new();
            let a = cmp.numbers.get(col).unwrap_or(&empty);
            let b = cur.numbers.get(col).unwrap_or(&empty);
            let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len().max(1) as f64;
            row.push(SqlValue::Real(mean(b) - mean(a)));
            row.extend([SqlValue::Real(0.0), SqlValue::Null, SqlValue::Null]);
            let binned = st::psi_js(a, b);
            row.push(real(binned.map(|b| b.1)));
            row.push(test_json(st::ks_test(a, b)));
            row.push(real(st::wasserstein(a, b)));
            row.push(real(binned.map(|b| b.0)));
            row.extend([SqlValue::Null, SqlValue::Null, SqlValue::Null]);
        }
        out.push(row);
    }
    out
}
