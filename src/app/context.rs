//! What the binary hands the TUI: the client and the resolved settings of one profile.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::api::Client;
use crate::config::ApprovalSettings;
use crate::ops::Workspace;

/// Everything the console needs to run against one workspace. Built by `main.rs` from the
/// resolved profile (or by the demo command around the simulator).
#[derive(Debug, Clone)]
pub struct AppContext {
    pub client: Client,
    pub profile: String,
    pub host: String,
    pub readonly: bool,
    pub production: bool,
    /// Theme name (built-in or `<config_dir>/themes/<name>.toml`).
    pub theme: String,
    /// Periodic refresh of the visible screen; 0 turns it off.
    pub refresh_secs: u64,
    /// Points `+` / `-` move an endpoint's traffic by.
    pub traffic_step: u32,
    /// Avoid box-drawing and braille glyphs (`--ascii`).
    pub ascii: bool,
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    /// `[training_jobs]` of config.toml: experiment name → training job id.
    pub training_jobs: BTreeMap<String, i64>,
    /// `[approvals]` of config.toml: the UC approval tag names and values.
    pub approvals: ApprovalSettings,
    /// What the Monitoring screen, the alerts and retraining read from the profile and
    /// config.toml.
    pub monitoring: MonitoringContext,
    /// `[bench]` of config.toml: the caps a load test (`L`) is checked against.
    pub bench: crate::config::bench::BenchSettings,
}

/// The monitoring settings of one profile.
#[derive(Debug, Clone)]
pub struct MonitoringContext {
    /// The SQL warehouse monitoring reads run on: the profile's `warehouse_id`, else
    /// `[monitoring] warehouse_id` (else the first running one; none is started).
    pub warehouse_id: Option<String>,
    /// `[monitoring]`: tables always listed.
    pub settings: crate::config::monitoring::MonitoringSettings,
    /// `[drift]` thresholds.
    pub drift: crate::config::drift::DriftSettings,
    /// `[retraining]`: model → the job that retrains it.
    pub retraining: crate::config::retraining::RetrainingJobs,
    /// The alert rules of `alerts.toml` (the built-in ones without it).
    pub alert_rules: crate::config::alert_rules::AlertRules,
    /// `[alerts]`: how often the console reads the alerts' monitor-backed facts.
    pub alerts: crate::config::alerts_settings::AlertsSettings,
    /// `[features]`: where the feature tables the freshness rule judges are found.
    pub features: crate::config::features::FeaturesSettings,
}

impl Default for MonitoringContext {
    fn default() -> Self {
        MonitoringContext {
            warehouse_id: None,
            settings: Default::default(),
            drift: Default::default(),
            retraining: Default::default(),
            alert_rules: crate::config::alert_rules::AlertRules::defaults(),
            alerts: Default::default(),
            features: Default::default(),
        }
    }
}

impl MonitoringContext {
    /// Where the alerts' monitoring facts are read (`ops::alerts::monitoring`).
    pub fn inputs(&self) -> crate::ops::alerts::monitoring::MonitoringInputs<'_> {
        crate::ops::alerts::monitoring::MonitoringInputs {
            warehouse_id: self.warehouse_id.as_deref(),
            settings: &self.settings,
            drift: &self.drift,
        }
    }
}

/// The parts of [`AppContext`] that state and views need: plain data, no client, so tests build
/// it directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub profile: String,
    pub host: String,
    pub readonly: bool,
    pub production: bool,
    pub refresh_secs: u64,
    pub traffic_step: u32,
    pub ascii: bool,
    /// Experiment name → training job id, from config.toml (the experiment tag is the other
    /// way to link them).
    pub training_jobs: BTreeMap<String, i64>,
    /// The id the workspace reported at start, if it did (see `ops::workspace`).
    pub workspace_id: Option<String>,
}

impl Session {
    /// The workspace this console is connected to: journal entries and plans of any other are
    /// never shown as this one's.
    pub fn workspace(&self) -> Workspace {
        Workspace::new(&self.host, self.workspace_id.clone())
    }

    pub fn from_context(ctx: &AppContext) -> Session {
        Session {
            profile: ctx.profile.clone(),
            host: ctx.host.clone(),
            readonly: ctx.readonly,
            production: ctx.production,
            refresh_secs: ctx.refresh_secs,
            traffic_step: ctx.traffic_step,
            ascii: ctx.ascii,
            training_jobs: ctx.training_jobs.clone(),
            workspace_id: ctx.client.known_workspace_id(),
        }
    }
}
