//! Command-line arguments of the Jobs commands: `jobs` (list, `run`, `cancel`), `job` and
//! `job-run`.

use clap::Args;

use super::change_args::ConfirmArgs;

/// `--param KEY=VALUE`: the key trimmed and not empty; the value as given (it may hold `=`).
pub fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct JobsArgs {
    #[command(subcommand)]
    pub action: Option<JobsAction>,
    /// Machine-readable JSON (an array of jobs).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum JobsAction {
    /// Start a run of a job (Jobs run-now) with these parameters; --wait follows it to its end.
    ///
    /// Prints what would start; --yes starts it (production profiles also --confirm JOB, the
    /// job's name). Journaled; a retried request carries the same idempotency token, so it
    /// never starts two runs.
    Run(JobRunNowArgs),
    /// Cancel a job run (Jobs runs/cancel) and follow it until it has ended.
    ///
    /// Prints what would be cancelled; --yes cancels (production profiles also --confirm
    /// RUN_ID). Journaled.
    Cancel(JobCancelArgs),
}

#[derive(Debug, Clone, Args)]
pub struct JobRunNowArgs {
    /// The job: its id, or its exact name.
    pub job: String,
    /// A job parameter for this run (repeatable); the others keep the job's defaults.
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// Follow the run until it ends (progress on stderr); exit 1 unless it ends in SUCCESS.
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Clone, Args)]
pub struct JobCancelArgs {
    /// The job run to cancel.
    pub run_id: i64,
    /// Show each state the run passes through on its way to the end (on stderr). The cancel
    /// is verified either way: by reading the run back until it has ended.
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Clone, Args)]
pub struct JobArgs {
    /// The job: its id, or its exact name.
    pub job: String,
    /// Only runs that have not ended (queued, pending, running, terminating).
    #[arg(long)]
    pub active_only: bool,
    /// At most this many runs, newest first.
    #[arg(long, default_value_t = 25, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct JobRunArgs {
    /// The job run (not a task run).
    pub run_id: i64,
    #[arg(long)]
    pub json: bool,
}
