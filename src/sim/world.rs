//! The simulated workspace's data, kept in the shared wire model types so that answers are
//! built from exactly what the client parses. Later issues add mutations and background
//! dynamics on top of this (it lives behind a `Mutex` in [`super::state::Shared`]).

use std::collections::BTreeMap;

use crate::api::models::mlflow::{Experiment, Metric, Run};
use crate::api::models::registry::{ModelVersion, RegisteredModel};
use crate::api::models::serving::ServingEndpoint;
use crate::api::models::transition_requests::Activity;
use crate::api::models::uc_models::{Alias, ModelVersionInfo, RegisteredModelInfo};

/// Time units in milliseconds, for building timestamps relative to the anchor.
pub(crate) const SECOND: i64 = 1_000;
pub(crate) const MINUTE: i64 = 60 * SECOND;
pub(crate) const HOUR: i64 = 60 * MINUTE;
pub(crate) const DAY: i64 = 24 * HOUR;

#[derive(Debug, Clone, Default)]
pub(crate) struct World {
    /// The clock reading the story was built at; every seeded timestamp is relative to it.
    pub anchor_ms: i64,
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

impl World {
    pub fn experiment(&self, id: &str) -> Option<&Experiment> {
        self.experiments.iter().find(|e| e.experiment_id == id)
    }

    pub fn experiment_by_name(&self, name: &str) -> Option<&Experiment> {
        self.experiments.iter().find(|e| e.name == name)
    }

    pub fn run(&self, run_id: &str) -> Option<&RunRecord> {
        self.runs.iter().find(|r| r.run.info.run_id == run_id)
    }

    pub fn uc_model(&self, full_name: &str) -> Option<&UcModel> {
        self.uc_models
            .iter()
            .find(|m| m.info.full_name == full_name)
    }

    pub fn ws_model(&self, name: &str) -> Option<&WsModel> {
        self.ws_models.iter().find(|m| m.model.name == name)
    }

    pub fn endpoint(&self, name: &str) -> Option<&ServingEndpoint> {
        self.endpoints.iter().find(|e| e.name == name)
    }
}
