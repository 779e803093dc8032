//! Command-line arguments of `alerts` (evaluate, watch) and `alerts save`.

use clap::Args;

use super::change_args::ConfirmArgs;

#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AlertsArgs {
    #[command(subcommand)]
    pub action: Option<AlertsAction>,
    /// Evaluate every rule once and exit (the default): exit 7 when a critical alert fires.
    #[arg(long, conflicts_with = "watch")]
    pub once: bool,
    /// Evaluate every --interval seconds and print each change (fired, resolved, unknown) as a
    /// JSON line, until interrupted.
    #[arg(long)]
    pub watch: bool,
    /// Seconds between evaluations of --watch.
    #[arg(long, value_name = "SECS", default_value_t = 60, requires = "watch",
          value_parser = clap::builder::RangedU64ValueParser::<u64>::new().range(1..=86_400))]
    pub interval: u64,
    /// Stop --watch after this many evaluations (for tests and scripts).
    #[arg(long, hide = true, requires = "watch")]
    pub cycles: Option<u64>,
    /// With --once: run the retraining job of each alert that fires whose rule says
    /// `retrain = true` (at most once per window per rule; never on read-only profiles;
    /// journaled as automatic). --watch does so without it.
    #[arg(long, conflicts_with = "watch")]
    pub retrain: bool,
    /// Machine-readable JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum AlertsAction {
    /// Save a feature_drift rule as a Databricks SQL alert, so it runs server-side on its own
    /// schedule (hourly) when no console is open.
    ///
    /// Prints the alert (its SQL over the drift metrics table and its threshold); --yes saves
    /// it (production profiles also --confirm RULE). An alert of the same name is updated.
    /// Journaled and verified by reading it back.
    Save(AlertSaveArgs),
}

#[derive(Debug, Clone, Args)]
pub struct AlertSaveArgs {
    /// The rule's name in alerts.toml (or a built-in rule).
    pub rule: String,
    /// The SQL warehouse the alert runs on.
    #[arg(long, value_name = "ID")]
    pub warehouse: String,
    /// The monitored table (catalog.schema.table), when the rule names none as its target.
    #[arg(long)]
    pub table: Option<String>,
    /// The monitor's model id column (inference monitors): judge its all-models rows ('*').
    #[arg(long, value_name = "COLUMN")]
    pub model_id_col: Option<String>,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}
