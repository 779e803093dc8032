//! Runs side by side: one row per param (or metric) key, one value per run, and whether the
//! values differ. No UI.

use std::collections::BTreeSet;

use crate::api::models::mlflow::Run;

/// One key across the compared runs.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub key: String,
    /// One per run, in the runs' order; `None` where the run lacks the key.
    pub values: Vec<Option<String>>,
    /// Not every run has the same value (a missing value differs from any value).
    pub differs: bool,
}

fn rows(keys: BTreeSet<String>, value: impl Fn(&str) -> Vec<Option<String>>) -> Vec<CompareRow> {
    keys.into_iter()
        .map(|key| {
            let values = value(&key);
            let differs = values.windows(2).any(|w| w[0] != w[1]);
            CompareRow {
                key,
                values,
                differs,
            }
        })
        .collect()
}

/// Params of `runs`, every key once (sorted); `diff_only` keeps the rows that differ.
pub fn params(runs: &[Run], diff_only: bool) -> Vec<CompareRow> {
    let keys: BTreeSet<String> = runs
        .iter()
        .flat_map(|r| r.data.params.iter().map(|p| p.key.clone()))
        .collect();
    let out = rows(keys, |k| {
        runs.iter()
            .map(|r| {
                r.data
                    .params
                    .iter()
                    .find(|p| p.key == k)
                    .map(|p| p.value.clone())
            })
            .collect()
    });
    out.into_iter()
        .filter(|r| r.differs || !diff_only)
        .collect()
}

/// Latest metric values of `runs`, formatted by `fmt`; as for [`params`].
pub fn metrics(runs: &[Run], diff_only: bool, fmt: impl Fn(f64) -> String) -> Vec<CompareRow> {
    let keys: BTreeSet<String> = runs
        .iter()
        .flat_map(|r| r.data.metrics.iter().map(|m| m.key.clone()))
        .collect();
    let out = rows(keys, |k| {
        runs.iter()
            .map(|r| {
                r.data
                    .metrics
                    .iter()
                    .find(|m| m.key == k)
                    .map(|m| fmt(m.value))
            })
            .collect()
    });
    out.into_iter()
        .filter(|r| r.differs || !diff_only)
        .collect()
}

/// Metric keys logged by any of `runs`, `loss` first, then by name.
pub fn metric_keys(runs: &[Run]) -> Vec<String> {
    let keys: BTreeSet<&str> = runs
        .iter()
        .flat_map(|r| r.data.metrics.iter().map(|m| m.key.as_str()))
        .collect();
    let mut keys: Vec<String> = keys.into_iter().map(String::from).collect();
    keys.sort_by_key(|k| (k != "loss", k.clone()));
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::mlflow::{KeyValue, Metric};

    fn run(params: &[(&str, &str)], metrics: &[(&str, f64)]) -> Run {
        let mut r = Run::default();
        r.data.params = params.iter().map(|(k, v)| KeyValue::new(*k, *v)).collect();
        r.data.metrics = metrics
            .iter()
            .map(|(k, v)| Metric {
                key: k.to_string(),
                value: *v,
                timestamp: 0,
                step: 0,
            })
            .collect();
        r
    }

    #[test]
    fn differences_are_flagged_and_diff_only_keeps_them() {
        let runs = vec![
            run(
                &[("depth", "6"), ("lr", "0.1"), ("algo", "xgb")],
                &[("auc", 0.8)],
            ),
            run(
                &[("depth", "6"), ("lr", "0.05")],
                &[("auc", 0.8), ("loss", 0.3)],
            ),
        ];
        let all = params(&runs, false);
        let keys: Vec<&str> = all.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, vec!["algo", "depth", "lr"]);
        assert_eq!(all[0].values, vec![Some("xgb".into()), None]);
        assert!(all[0].differs, "missing differs");
        assert!(!all[1].differs);
        let diff = params(&runs, true);
        let keys: Vec<&str> = diff.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, vec!["algo", "lr"]);
        let m = metrics(&runs, true, |v| format!("{v}"));
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].key, "loss");
        assert_eq!(metric_keys(&runs), vec!["loss", "auc"]);
    }
}
