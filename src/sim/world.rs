//! The simulated workspace's data, kept in the shared wire model types so that answers are
//! built from exactly what the client parses. It lives behind a `Mutex` in
//! [`super::state::Shared`], which moves job runs on to the clock's reading ([`World::advance_to`])
//! whenever the world is looked at.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::api::models::mlflow::{Experiment, KeyValue, Metric, Run};
use crate::api::models::registry::{ModelVersion, RegisteredModel};
use crate::api::models::serving::ServingEndpoint;
use crate::api::models::transition_requests::Activity;
use crate::api::models::uc_models::{Alias, ModelVersionInfo, RegisteredModelInfo};

use super::jobs::JobsState;
use super::scale::ScaleRuns;
use super::serving::ServingSim;

/// Time units in milliseconds, for building timestamps relative to the anchor.
pub(crate) const SECOND: i64 = 1_000;
pub(crate) const MINUTE: i64 = 60 * SECOND;
pub(crate) const HOUR: i64 = 60 * MINUTE;
pub(crate) const DAY: i64 = 24 * HOUR;

#[derive(Debug, Clone, Default)]
pub(crate) struct World {
    /// The story's seed; dynamics (new job runs) draw their numbers from it too.
    pub seed: u64,
    /// The clock reading the story was built at; every seeded timestamp is relative to it.
    pub anchor_ms: i64,
    /// `http://127.0.0.1:PORT`, for links such as a job run's `run_page_url`.
    pub base_url: String,
    /// Numeric workspace id (as `/.well-known/databricks-config` reports it).
    pub workspace_id: String,
    pub experiments: Vec<Experiment>,
    pub runs: Vec<RunRecord>,
    /// UC `catalog.schema` partitions in listing order (see `uc.rs` for why order matters).
    pub uc_schemas: Vec<(String, String)>,
    pub uc_models: Vec<UcModel>,
    pub ws_models: Vec<WsModel>,
    /// Endpoints in their detailed shape; list answers are derived from it.
    pub endpoints: Vec<ServingEndpoint>,
    pub jobs: JobsState,
    /// The compact 100,000-run table of `--scale large`.
    pub scale: Option<ScaleRuns>,
    /// Serving's clock-driven state (config updates, background traffic).
    pub serving: ServingSim,
    /// SQL alerts v2.
    pub sql_alerts: super::sql_alerts::SqlAlerts,
}

/// A run plus its full metric histories (`run.data.metrics` holds only the latest values).
#[derive(Debug, Clone, Default)]
pub(crate) struct RunRecord {
    pub run: Run,
    pub history: BTreeMap<String, Vec<Metric>>,
}

/// A UC registered model with its versions. `info` and `versions` carry no aliases; aliases
/// live here once and are attached on answers that ask for them.
#[derive(Debug, Clone, Default)]
pub(crate) struct UcModel {
    pub info: RegisteredModelInfo,
    pub versions: Vec<ModelVersionInfo>,
    pub aliases: Vec<Alias>,
    /// The caller may only see metadata (listed only with `include_browse=true`).
    pub browse_only: bool,
    /// Model-level tags, set and read through the MLflow UC registry RPCs.
    pub tags: Vec<KeyValue>,
}

/// A workspace-registry model; `model.latest_versions` is derived from `versions` on answer.
#[derive(Debug, Clone, Default)]
pub(crate) struct WsModel {
    /// The id the permissions API uses (`ModelDatabricks.id`).
    pub id: String,
    pub model: RegisteredModel,
    pub versions: Vec<ModelVersion>,
    /// Every version's history, oldest first (see [`WsActivity`]).
    pub activities: Vec<WsActivity>,
}

/// One event of a workspace model version's history. A transition request is a
/// `REQUESTED_TRANSITION` entry that stays `open` until approved, rejected or cancelled.
#[derive(Debug, Clone, Default)]
pub(crate) struct WsActivity {
    pub version: String,
    pub activity: Activity,
    pub open: bool,
}

impl RunRecord {
    /// Appends a metric point to the history and makes it the latest value when it is (latest
    /// timestamp wins, as in MLflow).
    pub fn log_metric(&mut self, key: &str, value: f64, timestamp: i64, step: i64) {
        let point = Metric {
            key: key.to_string(),
            value,
            timestamp,
            step,
        };
        self.history
            .entry(key.to_string())
            .or_default()
            .push(point.clone());
        let metrics = &mut self.run.data.metrics;
        match metrics.iter_mut().find(|m| m.key == key) {
            Some(m) if m.timestamp > timestamp => {}
            Some(m) => *m = point,
            None => metrics.push(point),
        }
    }

    /// Sets a tag, replacing its value if present.
    pub fn set_tag(&mut self, key: &str, value: &str) {
        let tags = &mut self.run.data.tags;
        match tags.iter_mut().find(|t| t.key == key) {
            Some(t) => t.value = value.to_string(),
            None => tags.push(KeyValue::new(key, value)),
        }
    }
}

impl World {
    /// Moves every job run in progress (and what it writes to MLflow and the registry) on to
    /// `now_ms`. Cheap when nothing runs.
    pub fn advance_to(&mut self, now_ms: i64) {
        super::jobs::advance(self, now_ms);
        super::serving::advance(self, now_ms);
    }

    pub fn experiment(&self, id: &str) -> Option<&Experiment> {
        self.experiments.iter().find(|e| e.experiment_id == id)
    }

    pub fn experiment_by_name(&self, name: &str) -> Option<&Experiment> {
        self.experiments.iter().find(|e| e.name == name)
    }

    pub fn run(&self, run_id: &str) -> Option<&RunRecord> {
        self.runs.iter().find(|r| r.run.info.run_id == run_id)
    }

    /// Any run, including those of the compact scale table (built on demand).
    pub fn find_run(&self, run_id: &str) -> Option<Cow<'_, RunRecord>> {
        if let Some(r) = self.run(run_id) {
            return Some(Cow::Borrowed(r));
        }
        let table = self.scale.as_ref()?;
        let i = table.index_of(run_id)?;
        Some(Cow::Owned(table.materialize(i)))
    }

    pub fn run_mut(&mut self, run_id: &str) -> Option<&mut RunRecord> {
        self.runs.iter_mut().find(|r| r.run.info.run_id == run_id)
    }

    pub fn uc_model(&self, full_name: &str) -> Option<&UcModel> {
        self.uc_models
            .iter()
            .find(|m| m.info.full_name == full_name)
    }

    pub fn uc_model_mut(&mut self, full_name: &str) -> Option<&mut UcModel> {
        self.uc_models
            .iter_mut()
            .find(|m| m.info.full_name == full_name)
    }

    pub fn ws_model(&self, name: &str) -> Option<&WsModel> {
        self.ws_models.iter().find(|m| m.model.name == name)
    }

    pub fn endpoint(&self, name: &str) -> Option<&ServingEndpoint> {
        self.endpoints.iter().find(|e| e.name == name)
    }
}
