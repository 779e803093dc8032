//! How runs read in a table: which metric and param columns to show, and how names, users,
//! durations and metric values are written. Pure functions, no I/O.

use std::collections::HashMap;

use crate::api::models::mlflow::{Run, lookup};

/// Metric and param columns shown by default, each kind.
pub const COMMON_COLUMNS: usize = 3;

/// The metric and param keys to show as columns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Columns {
    pub metrics: Vec<String>,
    pub params: Vec<String>,
}

/// A metric or param named by an `order_by` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderKey {
    Metric(String),
    Param(String),
}

/// The metric or param an order-by sorts on (`metrics.auc DESC`, ``params.`max depth` ``),
/// `None` for attributes and tags.
pub fn order_key(order_by: &str) -> Option<OrderKey> {
    let mut s = order_by.trim();
    for dir in [" ASC", " DESC"] {
        let n = s.len();
        if n > dir.len() && s[n - dir.len()..].eq_ignore_ascii_case(dir) {
            s = s[..n - dir.len()].trim_end();
        }
    }
    let (entity, key) = s.split_once('.')?;
    let key = unquote(key.trim());
    if key.is_empty() {
        return None;
    }
    match entity.trim().to_ascii_lowercase().as_str() {
        "metrics" | "metric" => Some(OrderKey::Metric(key)),
        "params" | "param" | "parameters" => Some(OrderKey::Param(key)),
        _ => None,
    }
}

fn unquote(key: &str) -> String {
    for q in ['"', '`', '\''] {
        if key.len() >= 2 && key.starts_with(q) && key.ends_with(q) {
            return key[1..key.len() - 1].to_string();
        }
    }
    key.to_string()
}

/// The keys most runs have (most frequent first, ties by name), `per_kind` of each; keys the
/// runs are ordered by come first, so the sorted-on column is always visible.
pub fn common_columns(runs: &[Run], order_by: &[String], per_kind: usize) -> Columns {
    let mut metric_count: HashMap<&str, usize> = HashMap::new();
    let mut param_count: HashMap<&str, usize> = HashMap::new();
    for r in runs {
        for m in &r.data.metrics {
            *metric_count.entry(&m.key).or_default() += 1;
        }
        for p in &r.data.params {
            *param_count.entry(&p.key).or_default() += 1;
        }
    }
    let mut cols = Columns::default();
    for o in order_by {
        match order_key(o) {
            Some(OrderKey::Metric(k)) if !cols.metrics.contains(&k) => cols.metrics.push(k),
            Some(OrderKey::Param(k)) if !cols.params.contains(&k) => cols.params.push(k),
            _ => {}
        }
    }
    fill(&mut cols.metrics, metric_count, per_kind);
    fill(&mut cols.params, param_count, per_kind);
    cols
}

fn fill(chosen: &mut Vec<String>, counts: HashMap<&str, usize>, per_kind: usize) {
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (key, _) in ranked {
        if chosen.len() >= per_kind {
            break;
        }
        if !chosen.iter().any(|c| c == key) {
            chosen.push(key.to_string());
        }
    }
}

/// `run_name`, else the `mlflow.runName` tag, else `-`.
pub fn run_name(r: &Run) -> String {
    r.info
        .run_name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| lookup(&r.data.tags, "mlflow.runName").map(str::to_string))
        .unwrap_or_else(|| "-".into())
}

/// `mlflow.user` (what the UI shows), else the deprecated `user_id`, else `-`.
pub fn run_user(r: &Run) -> String {
    lookup(&r.data.tags, "mlflow.user")
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .or_else(|| r.info.user_id.clone().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "-".into())
}

pub fn run_status(r: &Run) -> String {
    r.info
        .status
        .as_ref()
        .map_or_else(|| "-".into(), |s| s.as_str().to_string())
}

/// Wall time of a run: to its end, or to `now_ms` while it has none.
pub fn run_duration(r: &Run, now_ms: i64) -> String {
    match r.info.start_time {
        Some(start) if start > 0 => duration(r.info.end_time.unwrap_or(now_ms) - start),
        _ => "-".into(),
    }
}

/// `42s`, `4m 32s`, `2h 05m`, `3d 4h`.
pub fn duration(ms: i64) -> String {
    if ms < 0 {
        return "-".into();
    }
    let s = ms / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// A metric value in few characters: up to 4 decimals without trailing zeros, scientific for
/// very large or small magnitudes.
pub fn value(v: f64) -> String {
    if !v.is_finite() {
        return crate::safe_text::NOT_A_NUMBER.into();
    }
    let a = v.abs();
    if a != 0.0 && !(1e-4..1e9).contains(&a) {
        return format!("{v:.3e}");
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A metric value with every digit it has (shortest form that reads back the same).
pub fn exact(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        value(v)
    }
}

/// Latest value of a metric of a run, formatted, or empty.
pub fn metric_cell(r: &Run, key: &str) -> String {
    r.data
        .metrics
        .iter()
        .find(|m| m.key == key)
        .map(|m| value(m.value))
        .unwrap_or_default()
}

pub fn param_cell(r: &Run, key: &str) -> String {
    lookup(&r.data.params, key)
        .map(one_line)
        .unwrap_or_default()
}

/// Text on one line: newlines and tabs would break a table.
pub fn one_line(s: &str) -> String {
    s.replace('\r', "").replace(['\n', '\t'], " ")
}

/// Characters of a run id shown where the whole id does not fit (a parent column).
pub const SHORT_ID: usize = 8;

/// The first [`SHORT_ID`] characters of `id` and `…`, so a cut id reads as cut; a short id whole.
pub fn short_id(id: &str) -> String {
    match id.char_indices().nth(SHORT_ID) {
        Some((end, _)) => format!("{}…", one_line(&id[..end])),
        None => one_line(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::mlflow::{KeyValue, Metric};

    #[test]
    fn long_ids_are_cut_with_a_mark() {
        assert_eq!(short_id("0123456789abcdef"), "01234567…");
        assert_eq!(short_id("01234567"), "01234567");
        assert_eq!(short_id("p1"), "p1");
    }

    #[test]
    fn values_that_are_not_numbers_show_as_n_a() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(value(v), "n/a");
        }
    }

    fn run(metrics: &[&str], params: &[&str]) -> Run {
        let mut r = Run::default();
        r.data.metrics = metrics
            .iter()
            .map(|k| Metric {
                key: k.to_string(),
                value: 1.0,
                timestamp: 0,
                step: 0,
            })
            .collect();
        r.data.params = params.iter().map(|k| KeyValue::new(*k, "v")).collect();
        r
    }

    #[test]
    fn order_keys_parse_with_quotes_and_directions() {
        assert_eq!(
            order_key("metrics.auc DESC"),
            Some(OrderKey::Metric("auc".into()))
        );
        assert_eq!(
            order_key("params.`max depth` asc"),
            Some(OrderKey::Param("max depth".into()))
        );
        assert_eq!(
            order_key("metric.\"f1 score\""),
            Some(OrderKey::Metric("f1 score".into()))
        );
        assert_eq!(order_key("attributes.start_time DESC"), None);
        assert_eq!(order_key("tags.team"), None);
        assert_eq!(order_key("start_time"), None);
    }

    #[test]
    fn common_columns_rank_by_frequency_and_put_the_order_first() {
        let runs = vec![
            run(&["loss", "auc", "f1"], &["depth", "rate"]),
            run(&["loss", "auc"], &["depth"]),
            run(&["loss", "recall"], &["depth", "rate", "seed"]),
        ];
        let c = common_columns(&runs, &[], 2);
        assert_eq!(c.metrics, vec!["loss", "auc"]);
        assert_eq!(c.params, vec!["depth", "rate"]);
        let c = common_columns(&runs, &["metrics.recall DESC".into()], 2);
        assert_eq!(c.metrics, vec!["recall", "loss"]);
    }

    #[test]
    fn durations_and_values_are_short() {
        assert_eq!(duration(42_000), "42s");
        assert_eq!(duration(272_000), "4m 32s");
        assert_eq!(duration(2 * 3_600_000 + 5 * 60_000), "2h 05m");
        assert_eq!(duration(3 * 86_400_000 + 4 * 3_600_000), "3d 4h");
        assert_eq!(value(0.87231), "0.8723");
        assert_eq!(value(0.5), "0.5");
        assert_eq!(value(350.0), "350");
        assert_eq!(value(-0.00001), "-1.000e-5");
        assert_eq!(value(0.0), "0");
        assert_eq!(value(f64::NAN), "n/a");
    }
}
