//! The 100,000 runs of `/Shared/scale/100k-runs`, stored as a few bytes of columns per run and
//! turned into full MLflow runs only when a page of them is answered.
//!
//! A full `Run` costs a couple of kilobytes (a dozen strings, three lists); 100,000 of them
//! would make the simulator's footprint the benchmark. Here every field is either a column
//! (metrics as fixed-point u16, params as small integers) or a pure function of the run's index
//! (ids, names, times), about 16 bytes a run. Run ids end in the run's index in hex, so a
//! lookup by id is a parse and a check, not a search.

use std::collections::HashMap;
use std::sync::Arc;

use crate::api::models::mlflow::{
    KeyValue, LifecycleStage, Metric, Run, RunData, RunInfo, RunStatus,
};
use crate::sim::story::rng::{ADJECTIVES, ANIMALS};
use crate::sim::world::{DAY, RunRecord, SECOND};

/// Runs in the table.
pub(crate) const RUNS: usize = 100_000;
/// Sorted orders kept per (filter, order_by, view), so paging through 100,000 runs sorts once.
const CACHED_ORDERS: usize = 16;

const USERS: &[&str] = &[
    "ml-eng@acme.com",
    "priya.natarajan@acme.com",
    "tomas.berg@acme.com",
    "li.wei@acme.com",
    "sam.okafor@acme.com",
    "analyst@acme.com",
];
const OPTIMIZERS: &[&str] = &["adam", "sgd", "rmsprop", "adagrad"];
pub(crate) const METRICS: [&str; 3] = ["accuracy", "loss", "val_auc"];
pub(crate) const PARAMS: [&str; 4] = ["learning_rate", "max_depth", "n_estimators", "optimizer"];

/// SplitMix64: a fast, well-mixed hash of (seed, index) for per-run values.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The compact table.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScaleRuns {
    pub experiment_id: String,
    seed: u64,
    /// Start of run 0; run `i` starts `i * SPACING_MS` later.
    first_start: i64,
    /// Per run: duration in seconds, status (0 finished, 1 failed, 2 killed), user index.
    duration_s: Vec<u16>,
    status: Vec<u8>,
    user: Vec<u8>,
    /// Metrics in ten-thousandths (`0.8123` is 8123), in [`METRICS`] order.
    metrics: [Vec<u16>; 3],
    max_depth: Vec<u8>,
    /// Learning rate in ten-thousandths.
    learning_rate: Vec<u16>,
    n_estimators: Vec<u16>,
    optimizer: Vec<u8>,
    /// Sorted run indices by search key; see [`ScaleRuns::cached_order`].
    orders: HashMap<String, Arc<Vec<u32>>>,
}

/// Runs are spaced evenly over the last 30 days.
const SPACING_MS: i64 = 30 * DAY / RUNS as i64;

impl ScaleRuns {
    pub fn build(seed: u64, anchor: i64, experiment_id: &str) -> Self {
        let mut t = ScaleRuns {
            experiment_id: experiment_id.to_string(),
            seed,
            first_start: anchor - 30 * DAY - DAY,
            ..Default::default()
        };
        for i in 0..RUNS {
            let h = mix(seed ^ mix(i as u64));
            let depth = 3 + (h % 10) as u8;
            let rate = 10 + ((h >> 8) % 2990) as u16; // 0.001 .. 0.3
            let trees = 50 * (1 + ((h >> 20) % 16) as u16);
            // A smooth optimum (depth 7, rate 0.05) plus noise, like a real sweep.
            let d = f64::from(depth) - 7.0;
            let r = (f64::from(rate) / 500.0).ln();
            let noise = ((h >> 32) % 1000) as f64 / 1000.0 - 0.5;
            let auc = (0.86 - 0.002 * d * d - 0.01 * r * r + 0.01 * noise).clamp(0.55, 0.95);
            let loss = 0.18 + 1.1 * (1.0 - auc);
            let accuracy = (auc - 0.07 + 0.004 * noise).clamp(0.5, 0.99);
            t.metrics[0].push((accuracy * 10_000.0).round() as u16);
            t.metrics[1].push((loss * 10_000.0).round() as u16);
            t.metrics[2].push((auc * 10_000.0).round() as u16);
            t.max_depth.push(depth);
            t.learning_rate.push(rate);
            t.n_estimators.push(trees);
            t.optimizer
                .push(((h >> 40) % OPTIMIZERS.len() as u64) as u8);
            t.user.push(((h >> 44) % USERS.len() as u64) as u8);
            t.status.push(match (h >> 48) % 100 {
                0..=2 => 1,
                3 => 2,
                _ => 0,
            });
            t.duration_s.push(60 + ((h >> 52) % 3000) as u16);
        }
        t
    }

    pub fn len(&self) -> usize {
        self.status.len()
    }

    /// The index of a run id made by [`ScaleRuns::run_id`].
    pub fn index_of(&self, run_id: &str) -> Option<usize> {
        let i = usize::from_str_radix(run_id.get(24..)?, 16).ok()?;
        (i < self.len() && self.run_id(i) == run_id).then_some(i)
    }

    /// 32 hex digits: 24 from a hash, then the index.
    pub fn run_id(&self, i: usize) -> String {
        let h = mix(self.seed ^ 0x5CA1E ^ mix(i as u64));
        format!("{h:016x}{:08x}{i:08x}", mix(h) as u32)
    }

    pub fn run_name(&self, i: usize) -> String {
        let h = mix(self.seed ^ 0xA1A5 ^ mix(i as u64));
        let adjective = ADJECTIVES[(h % ADJECTIVES.len() as u64) as usize];
        let animal = ANIMALS[((h >> 16) % ANIMALS.len() as u64) as usize];
        format!("{adjective}-{animal}-{}", 100 + (h >> 32) % 900)
    }

    pub fn start_time(&self, i: usize) -> i64 {
        self.first_start + i as i64 * SPACING_MS
    }

    pub fn end_time(&self, i: usize) -> i64 {
        self.start_time(i) + i64::from(self.duration_s[i]) * SECOND
    }

    pub fn status(&self, i: usize) -> RunStatus {
        RunStatus::from_wire(self.status_name(i))
    }

    pub fn status_name(&self, i: usize) -> &'static str {
        match self.status[i] {
            1 => "FAILED",
            2 => "KILLED",
            _ => "FINISHED",
        }
    }

    pub fn user(&self, i: usize) -> &'static str {
        USERS[usize::from(self.user[i])]
    }

    pub fn artifact_uri(&self, i: usize) -> String {
        format!(
            "dbfs:/databricks/mlflow-tracking/{}/{}/artifacts",
            self.experiment_id,
            self.run_id(i)
        )
    }

    pub fn metric(&self, i: usize, key: &str) -> Option<f64> {
        let column = METRICS.iter().position(|m| *m == key)?;
        Some(f64::from(self.metrics[column][i]) / 10_000.0)
    }

    pub fn param(&self, i: usize, key: &str) -> Option<String> {
        Some(match key {
            "learning_rate" => (f64::from(self.learning_rate[i]) / 10_000.0).to_string(),
            "max_depth" => self.max_depth[i].to_string(),
            "n_estimators" => self.n_estimators[i].to_string(),
            "optimizer" => OPTIMIZERS[usize::from(self.optimizer[i])].to_string(),
            _ => return None,
        })
    }

    pub fn tag(&self, i: usize, key: &str) -> Option<String> {
        Some(match key {
            "mlflow.user" => self.user(i).to_string(),
            "mlflow.runName" => self.run_name(i),
            "mlflow.source.type" => "NOTEBOOK".to_string(),
            "mlflow.source.name" => "/Shared/scale/generate_runs".to_string(),
            _ => return None,
        })
    }

    /// Run `i` in full, with each metric's latest value as its whole history.
    pub fn materialize(&self, i: usize) -> RunRecord {
        let run_id = self.run_id(i);
        let end = self.end_time(i);
        let metrics: Vec<Metric> = METRICS
            .iter()
            .filter_map(|k| {
                Some(Metric {
                    key: k.to_string(),
                    value: self.metric(i, k)?,
                    timestamp: end,
                    step: 0,
                })
            })
            .collect();
        let history = metrics
            .iter()
            .map(|m| (m.key.clone(), vec![m.clone()]))
            .collect();
        let kv = |keys: &[&str], f: &dyn Fn(&str) -> Option<String>| -> Vec<KeyValue> {
            keys.iter()
                .filter_map(|k| Some(KeyValue::new(*k, f(k)?)))
                .collect()
        };
        let run = Run {
            info: RunInfo {
                run_id: run_id.clone(),
                run_uuid: Some(run_id),
                run_name: Some(self.run_name(i)),
                experiment_id: self.experiment_id.clone(),
                user_id: Some(self.user(i).to_string()),
                status: Some(self.status(i)),
                start_time: Some(self.start_time(i)),
                end_time: Some(end),
                artifact_uri: Some(self.artifact_uri(i)),
                lifecycle_stage: Some(LifecycleStage::Active),
            },
            data: RunData {
                metrics,
                params: kv(&PARAMS, &|k| self.param(i, k)),
                tags: kv(
                    &[
                        "mlflow.user",
                        "mlflow.runName",
                        "mlflow.source.type",
                        "mlflow.source.name",
                    ],
                    &|k| self.tag(i, k),
                ),
            },
            inputs: Some(serde_json::json!({})),
            outputs: Some(serde_json::json!({})),
        };
        RunRecord { run, history }
    }

    /// The cached order for `key`, computing (and keeping) it with `compute` on a miss.
    pub fn cached_order(
        &mut self,
        key: &str,
        compute: impl FnOnce(&ScaleRuns) -> Vec<u32>,
    ) -> Arc<Vec<u32>> {
        if let Some(order) = self.orders.get(key) {
            return order.clone();
        }
        let order = Arc::new(compute(self));
        if self.orders.len() >= CACHED_ORDERS {
            // Searches on this table are few and repetitive (a user paging, re-sorting);
            // starting over beats bookkeeping an LRU.
            self.orders.clear();
        }
        self.orders.insert(key.to_string(), order.clone());
        order
    }
}
