//! Turns a compact run description into a full MLflow run with metric histories and the system
//! tags a Databricks notebook run carries.

use std::collections::BTreeMap;

use crate::api::models::mlflow::{
    KeyValue, LifecycleStage, Metric, Run, RunData, RunInfo, RunStatus,
};
use crate::sim::world::RunRecord;

pub(crate) struct RunSpec {
    pub experiment_id: String,
    pub name: String,
    pub user: String,
    /// Notebook path (`mlflow.source.name`).
    pub source: String,
    pub commit: String,
    pub start: i64,
    /// Wall time of the run (so far, for a running one).
    pub duration: i64,
    pub status: RunStatus,
    pub deleted: bool,
    pub params: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
    /// Per metric key, its value at steps 0, 1, 2, …
    pub metrics: Vec<(String, Vec<f64>)>,
}

impl RunSpec {
    pub fn new(experiment_id: &str, name: &str, user: &str, source: &str, commit: &str) -> Self {
        RunSpec {
            experiment_id: experiment_id.to_string(),
            name: name.to_string(),
            user: user.to_string(),
            source: source.to_string(),
            commit: commit.to_string(),
            start: 0,
            duration: 0,
            status: RunStatus::Finished,
            deleted: false,
            params: Vec::new(),
            tags: Vec::new(),
            metrics: Vec::new(),
        }
    }

    pub fn param(mut self, key: &str, value: impl ToString) -> Self {
        self.params.push((key.to_string(), value.to_string()));
        self
    }

    pub fn tag(mut self, key: &str, value: impl ToString) -> Self {
        self.tags.push((key.to_string(), value.to_string()));
        self
    }

    pub fn metric(mut self, key: &str, steps: Vec<f64>) -> Self {
        self.metrics.push((key.to_string(), steps));
        self
    }

    pub fn timing(mut self, start: i64, duration: i64) -> Self {
        self.start = start;
        self.duration = duration;
        self
    }

    pub fn status(mut self, status: RunStatus) -> Self {
        self.status = status;
        self
    }

    pub fn build(self, run_id: String) -> RunRecord {
        let running = matches!(self.status, RunStatus::Running);
        let mut history = BTreeMap::new();
        let mut latest = Vec::new();
        for (key, values) in &self.metrics {
            let n = values.len().max(1) as i64;
            let points: Vec<Metric> = values
                .iter()
                .enumerate()
                .map(|(step, &value)| Metric {
                    key: key.clone(),
                    value,
                    // Steps spread over the run; the last lands at its end (or "now").
                    timestamp: self.start + self.duration * (step as i64 + 1) / n,
                    step: step as i64,
                })
                .collect();
            if let Some(last) = points.last() {
                latest.push(last.clone());
            }
            history.insert(key.clone(), points);
        }
        let mut tags = vec![
            KeyValue::new("mlflow.user", &self.user),
            KeyValue::new("mlflow.source.name", &self.source),
            KeyValue::new("mlflow.source.type", "NOTEBOOK"),
            KeyValue::new("mlflow.source.git.commit", &self.commit),
            KeyValue::new("mlflow.databricks.notebookPath", &self.source),
            KeyValue::new("mlflow.runName", &self.name),
        ];
        tags.extend(self.tags.iter().map(|(k, v)| KeyValue::new(k, v)));
        let artifact_uri = format!(
            "dbfs:/databricks/mlflow-tracking/{}/{run_id}/artifacts",
            self.experiment_id
        );
        let run = Run {
            info: RunInfo {
                run_id: run_id.clone(),
                run_uuid: Some(run_id),
                run_name: Some(self.name.clone()),
                experiment_id: self.experiment_id.clone(),
                user_id: Some(self.user.clone()),
                status: Some(self.status),
                start_time: Some(self.start),
                end_time: (!running).then_some(self.start + self.duration),
                artifact_uri: Some(artifact_uri),
                lifecycle_stage: Some(if self.deleted {
                    LifecycleStage::Deleted
                } else {
                    LifecycleStage::Active
                }),
            },
            data: RunData {
                metrics: latest,
                params: self
                    .params
                    .iter()
                    .map(|(k, v)| KeyValue::new(k, v))
                    .collect(),
                tags,
            },
            // OSS and Databricks both send empty objects here (see the runs-get sample).
            inputs: Some(serde_json::json!({})),
            outputs: Some(serde_json::json!({})),
        };
        RunRecord { run, history }
    }
}

/// A training curve rising from `from` to exactly `to` at the last of `steps` epochs, with a
/// time constant `tau` (epochs) and per-epoch noise.
pub(crate) fn curve(
    g: &mut super::rng::Gen,
    from: f64,
    to: f64,
    steps: usize,
    tau: f64,
    sd: f64,
) -> Vec<f64> {
    (0..steps)
        .map(|t| {
            if t + 1 == steps {
                return to;
            }
            let v = to - (to - from) * (-(t as f64) / tau).exp() + g.noise(sd);
            super::rng::round(v, 4)
        })
        .collect()
}
