//! Hyperparameter sweeps (reference §3.4): a parent run and its child trials. Picks the
//! objective, ranks trials by it, finds the best, counts statuses and lays out the
//! param-versus-objective scatter. No UI.

use std::collections::BTreeMap;

use crate::api::models::mlflow::{Run, RunStatus};

/// What a sweep view needs of one trial.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    pub run_id: String,
    pub name: String,
    pub status: String,
    pub start_time: Option<i64>,
    pub metrics: Vec<(String, f64)>,
    pub params: Vec<(String, String)>,
}

impl Trial {
    pub fn from_run(run: &Run) -> Trial {
        Trial {
            run_id: run.info.run_id.clone(),
            name: run.info.run_name.clone().unwrap_or_default(),
            status: run
                .info
                .status
                .as_ref()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            start_time: run.info.start_time,
            metrics: run
                .data
                .metrics
                .iter()
                .map(|m| (m.key.clone(), m.value))
                .collect(),
            params: run
                .data
                .params
                .iter()
                .map(|p| (p.key.clone(), p.value.clone()))
                .collect(),
        }
    }

    pub fn metric(&self, key: &str) -> Option<f64> {
        self.metrics
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
            .filter(|v| !v.is_nan())
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn succeeded(&self) -> bool {
        self.status == RunStatus::Finished.as_str()
    }
}

/// Metric keys of the trials, in order of first appearance.
pub fn metric_keys(trials: &[Trial]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for t in trials {
        for (k, _) in &t.metrics {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys
}

/// Param keys of the trials, the ones with the most distinct values first (the searched
/// hyperparameters before the constants), then by name.
pub fn param_keys(trials: &[Trial]) -> Vec<String> {
    let mut distinct: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for t in trials {
        for (k, v) in &t.params {
            let vs = distinct.entry(k).or_default();
            if !vs.contains(&v.as_str()) {
                vs.push(v);
            }
        }
    }
    let mut keys: Vec<(&str, usize)> = distinct.iter().map(|(k, v)| (*k, v.len())).collect();
    keys.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    keys.into_iter().map(|(k, _)| k.to_string()).collect()
}

/// The objective Hyperopt users log: `loss` if any trial has it, else the first metric.
pub fn auto_objective(trials: &[Trial]) -> Option<String> {
    let keys = metric_keys(trials);
    if keys.iter().any(|k| k == "loss") {
        return Some("loss".to_string());
    }
    keys.into_iter().next()
}

/// Losses and errors are minimised; scores (auc, accuracy, f1…) maximised.
pub fn minimize_by_default(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["loss", "err", "rmse", "mse", "mae", "mape", "perplexity"]
        .iter()
        .any(|w| k.contains(w))
}

/// Trial indices, best first by `key`; trials without the metric last (by name).
pub fn rank(trials: &[Trial], key: &str, minimize: bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..trials.len()).collect();
    idx.sort_by(|&a, &b| {
        let (ta, tb) = (&trials[a], &trials[b]);
        match (ta.metric(key), tb.metric(key)) {
            (Some(x), Some(y)) => {
                let ord = x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal);
                if minimize { ord } else { ord.reverse() }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| ta.name.cmp(&tb.name))
        .then_with(|| ta.run_id.cmp(&tb.run_id))
    });
    idx
}

/// The best trial: the first ranked one that finished and has the objective.
pub fn best(trials: &[Trial], ranked: &[usize], key: &str) -> Option<usize> {
    ranked
        .iter()
        .copied()
        .find(|&i| trials[i].succeeded() && trials[i].metric(key).is_some())
}

/// Trials per status, most common first.
pub fn status_counts(trials: &[Trial]) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for t in trials {
        *counts.entry(t.status.as_str()).or_default() += 1;
    }
    let mut out: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(s, n)| (if s.is_empty() { "-" } else { s }.to_string(), n))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The param-versus-objective scatter.
#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    /// (x, objective, trial index), for trials that have both.
    pub points: Vec<(f64, f64, usize)>,
    /// For a categorical param: the category of each x index (x = 0, 1, 2…).
    pub categories: Option<Vec<String>>,
}

/// Numeric params are placed by value; anything else by the index of its (sorted) category.
pub fn scatter(trials: &[Trial], param: &str, key: &str) -> Scatter {
    let present: Vec<(usize, &str, f64)> = trials
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some((i, t.param(param)?, t.metric(key)?)))
        .collect();
    let numeric = present
        .iter()
        .all(|(_, v, _)| v.parse::<f64>().is_ok_and(f64::is_finite));
    if numeric {
        return Scatter {
            points: present
                .iter()
                .map(|(i, v, y)| (v.parse().unwrap_or(0.0), *y, *i))
                .collect(),
            categories: None,
        };
    }
    let mut cats: Vec<String> = present.iter().map(|(_, v, _)| v.to_string()).collect();
    cats.sort();
    cats.dedup();
    Scatter {
        points: present
            .iter()
            .map(|(i, v, y)| {
                let x = cats.iter().position(|c| c == v).unwrap_or(0);
                (x as f64, *y, *i)
            })
            .collect(),
        categories: Some(cats),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trial(name: &str, status: &str, loss: Option<f64>, depth: &str) -> Trial {
        Trial {
            run_id: format!("id-{name}"),
            name: name.into(),
            status: status.into(),
            start_time: None,
            metrics: loss
                .map(|l| vec![("loss".to_string(), l), ("auc".to_string(), 1.0 - l)])
                .unwrap_or_default(),
            params: vec![
                ("max_depth".into(), depth.into()),
                ("algo".into(), "tpe".into()),
            ],
        }
    }

    fn trials() -> Vec<Trial> {
        vec![
            trial("a", "FINISHED", Some(0.30), "3"),
            trial("b", "FAILED", Some(0.10), "9"),
            trial("c", "FINISHED", Some(0.20), "6"),
            trial("d", "RUNNING", None, "4"),
            trial("e", "FINISHED", Some(0.25), "6"),
        ]
    }

    #[test]
    fn ranks_by_objective_with_missing_last_and_marks_the_best_finished() {
        let t = trials();
        assert_eq!(auto_objective(&t).as_deref(), Some("loss"));
        assert!(minimize_by_default("val_loss"));
        assert!(!minimize_by_default("val_auc"));
        let r = rank(&t, "loss", true);
        assert_eq!(r, vec![1, 2, 4, 0, 3]);
        // b failed: the best is the best *finished* trial
        assert_eq!(best(&t, &r, "loss"), Some(2));
        let r = rank(&t, "loss", false);
        assert_eq!(r, vec![0, 4, 2, 1, 3], "flipped, missing still last");
        let r = rank(&t, "auc", false);
        assert_eq!(best(&t, &r, "auc"), Some(2));
    }

    #[test]
    fn objective_falls_back_to_the_first_metric() {
        let mut t = trials();
        for tr in &mut t {
            tr.metrics.retain(|(k, _)| k != "loss");
        }
        assert_eq!(auto_objective(&t).as_deref(), Some("auc"));
        assert_eq!(auto_objective(&[]), None);
    }

    #[test]
    fn counts_and_param_order() {
        let t = trials();
        assert_eq!(
            status_counts(&t),
            vec![
                ("FINISHED".to_string(), 3),
                ("FAILED".to_string(), 1),
                ("RUNNING".to_string(), 1)
            ]
        );
        assert_eq!(param_keys(&t), vec!["max_depth", "algo"]);
    }

    #[test]
    fn scatter_places_numbers_by_value_and_categories_by_index() {
        let t = trials();
        let s = scatter(&t, "max_depth", "loss");
        assert_eq!(s.categories, None);
        assert_eq!(s.points.len(), 4, "d has no loss");
        assert!(s.points.contains(&(9.0, 0.10, 1)));
        let mut t = t;
        t[0].params[0].1 = "deep".into();
        let s = scatter(&t, "max_depth", "loss");
        assert_eq!(
            s.categories,
            Some(vec!["6".into(), "9".into(), "deep".into()])
        );
        assert!(s.points.contains(&(2.0, 0.30, 0)));
        assert!(s.points.contains(&(0.0, 0.20, 2)));
    }
}
