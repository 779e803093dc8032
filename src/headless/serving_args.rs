//! Command-line arguments of the serving twins: `endpoints`, `endpoint`, `traffic`, `canary`,
//! `query` (`rollback --endpoint` lives with the other roll backs in `change_args`).

use std::path::PathBuf;

use clap::Args;

use super::change_args::ConfirmArgs;

#[derive(Debug, Clone, Args)]
pub struct EndpointsArgs {
    /// Machine-readable JSON (the detailed endpoints) instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct EndpointArgs {
    /// Endpoint name.
    pub name: String,
    /// Machine-readable JSON (the endpoint and its per-entity numbers).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct TrafficArgs {
    /// Endpoint name.
    pub endpoint: String,
    /// The exact split, e.g. churn_model-4=90,churn_model-5=10 (entities not named get 0).
    #[arg(
        long,
        value_name = "ENTITY=PCT,…",
        required_unless_present_any = ["shift", "remove"]
    )]
    pub set: Option<String>,
    /// Move one entity's share by a step, e.g. churn_model-5=+5 or churn_model-5=-5; the others
    /// give or take in proportion. At most 100 points, and only in full (never cut short at 0%
    /// or 100%).
    #[arg(
        long,
        value_name = "ENTITY=±STEP",
        conflicts_with = "set",
        allow_hyphen_values = true
    )]
    pub shift: Option<String>,
    /// Remove a served entity that takes 0% of the traffic (e.g. the stable entity a canary
    /// promotion left behind); its route goes with it.
    #[arg(long, value_name = "ENTITY", conflicts_with_all = ["set", "shift"])]
    pub remove: Option<String>,
    /// Recorded in the audit journal with the change.
    #[arg(long)]
    pub comment: Option<String>,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Clone, Args)]
pub struct CanaryArgs {
    /// Endpoint name (must match the plan's `endpoint`).
    pub endpoint: String,
    /// The plan file (TOML, PRODUCT §6). Without it, the plan saved for the endpoint resumes.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Follow the plan to its end (promoted, or gate failed and rolled back). Without it the
    /// first step is applied, the state saved, and the command returns.
    #[arg(long)]
    pub wait: bool,
    /// Abort the plan running on the endpoint: all traffic back to the stable entity.
    #[arg(long, conflicts_with_all = ["plan", "status"])]
    pub abort: bool,
    /// Show the saved state of the endpoint's plan and change nothing.
    #[arg(long)]
    pub status: bool,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Clone, Args)]
pub struct QueryArgs {
    /// Endpoint name.
    pub endpoint: String,
    /// A JSON file with one of dataframe_split, dataframe_records, instances or inputs
    /// (without it: the example request of the endpoint's OpenAPI schema).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Machine-readable JSON: predictions, answering entity, latency.
    #[arg(long)]
    pub json: bool,
}
