//! Command-line interface: global connection flags and the headless twins of the TUI.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::headless::change_args::{
    ApprovalsArgs, AuditArgs, DecisionArgs, PromoteArgs, RollbackArgs,
};

/// Keyboard-driven terminal operations console for MLOps on Databricks and MLflow.
#[derive(Debug, Parser)]
#[command(name = "mlops-console", disable_version_flag = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Profile in ~/.databrickscfg (or DATABRICKS_CONFIG_FILE).
    #[arg(long, global = true, env = "DATABRICKS_CONFIG_PROFILE")]
    pub profile: Option<String>,

    /// Workspace URL (overrides DATABRICKS_HOST and the profile).
    #[arg(long, global = true)]
    pub host: Option<String>,

    /// Personal access token (prefer DATABRICKS_TOKEN or a profile: flags show up in `ps`).
    #[arg(long, global = true, hide_env_values = true)]
    pub token: Option<String>,

    /// Refuse every mutating call, whatever the profile says.
    #[arg(long, global = true)]
    pub readonly: bool,

    /// Avoid braille and box-drawing glyphs (for poor terminal fonts).
    #[arg(long, global = true)]
    pub ascii: bool,

    /// Theme name (dark, light, high-contrast, mono, or a file in the config dir's themes/).
    #[arg(long, global = true)]
    pub theme: Option<String>,

    /// Print the version and the config and data paths.
    #[arg(short = 'V', long = "version")]
    pub version: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the console against the embedded simulated workspace.
    Demo(SimArgs),
    /// Run the simulated workspace standalone (prints base_url= and token= first).
    Sim(SimServeArgs),
    /// Counts and health of the workspace (the Overview screen, headless).
    Status(OutputArgs),
    /// List experiments.
    Experiments(ExperimentsArgs),
    /// List the profiles of the Databricks config file (never secrets).
    Profiles(OutputArgs),
    /// Render a screen of the demo workspace to a PNG.
    Screenshot(ScreenshotArgs),
    /// Promote a version (UC: move an alias; workspace: to Production).
    ///
    /// UC: point an alias (default champion) at the version. Workspace registry: move it to
    /// Production, archiving the version there. Prints the plan and blast radius; --yes applies.
    Promote(PromoteArgs),
    /// Put an alias or the stages back where they were before the last change.
    ///
    /// The previous state comes from the audit journal; without history the candidate versions
    /// are listed, and --to VERSION picks one.
    Rollback(RollbackArgs),
    /// Approve a version (workspace transition request or UC approval tag).
    Approve(DecisionArgs),
    /// Reject a version (workspace transition request or UC approval tag).
    Reject(DecisionArgs),
    /// Pending approvals: open transition requests and UC versions tagged pending.
    Approvals(ApprovalsArgs),
    /// The audit journal of changes made by this console.
    ///
    /// --verify re-reads every change whose outcome is unknown and records what is there.
    Audit(AuditArgs),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

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

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Seed of the simulated story (same seed, same workspace).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Fault injection, e.g. "500=0.1,429=0.05,reset=0.01,latency=20..300ms".
    #[arg(long)]
    pub faults: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct SimServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one). The global `--token` sets the token it accepts.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScreenArg {
    Overview,
    Experiments,
}

#[derive(Debug, Clone, Args)]
pub struct ScreenshotArgs {
    /// Screen to render.
    #[arg(value_enum)]
    pub screen: ScreenArg,
    /// Output PNG file.
    #[arg(long)]
    pub out: PathBuf,
    /// Width in terminal cells.
    #[arg(long, default_value_t = 120)]
    pub width: u16,
    /// Height in terminal cells.
    #[arg(long, default_value_t = 36)]
    pub height: u16,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}
