//! Command-line arguments of the MLflow tracking reads (`experiments`, `runs`, `run`,
//! `metrics`) and the `--json` switch the listings share.

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Machine-readable JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ExperimentsArgs {
    /// Experiment filter in MLflow syntax, e.g. "name LIKE '%churn%'".
    #[arg(long)]
    pub filter: Option<String>,
    /// Stop after this many experiments (all pages are read otherwise).
    #[arg(long)]
    pub max: Option<usize>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Which runs a search includes, by lifecycle stage (`run_view_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RunView {
    Active,
    Deleted,
    All,
}

#[derive(Debug, Clone, Args)]
pub struct RunsArgs {
    /// Experiment name (e.g. /Shared/churn/training) or numeric id.
    pub experiment: String,
    /// Run filter in MLflow syntax, e.g. "metrics.auc > 0.8 AND params.max_depth = '6'".
    #[arg(long)]
    pub filter: Option<String>,
    /// Server-side order, e.g. "metrics.auc DESC" (repeatable; earlier ones win).
    #[arg(long = "order-by", value_name = "ORDER")]
    pub order_by: Vec<String>,
    /// Stop after this many runs.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..), conflicts_with = "all")]
    pub max: u64,
    /// Read every page, however many runs match.
    #[arg(long)]
    pub all: bool,
    /// Runs by lifecycle stage: active, deleted, or all of them.
    #[arg(long, value_enum, default_value_t = RunView::Active)]
    pub view: RunView,
    /// Nested runs too (sweep trials, child runs), with their parent run id; without it only
    /// top-level runs are listed.
    #[arg(long)]
    pub nested: bool,
    /// Runs asked for per request (the server allows up to 50000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=50_000))]
    pub page_size: u64,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Run id, as `runs` lists it.
    pub run_id: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct MetricsArgs {
    /// Run id, as `runs` lists it.
    pub run_id: String,
    /// Metric key, e.g. loss.
    pub key: String,
    /// Stop after this many points (all are read otherwise).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub max: Option<u64>,
    /// Points asked for per request (the server allows up to 25000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=25_000))]
    pub page_size: u64,
    #[command(flatten)]
    pub output: OutputArgs,
}
