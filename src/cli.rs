//! Command-line interface: global connection flags and the headless twins of the TUI. The
//! arguments of each headless command live beside it in `headless` (`*_args`); this module
//! gathers them into the subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, ValueEnum};

pub use crate::headless::alerts_args::{AlertSaveArgs, AlertsAction, AlertsArgs};
pub use crate::headless::change_args::{
    ApprovalsArgs, AuditArgs, DecisionArgs, PromoteArgs, RollbackArgs,
};
pub use crate::headless::features_args::{
    FeatureArgs, FeaturesAction, FeaturesArgs, FeaturesListArgs,
};
pub use crate::headless::jobs_args::{
    JobArgs, JobCancelArgs, JobRunArgs, JobRunNowArgs, JobsAction, JobsArgs, parse_param,
};
pub use crate::headless::monitors_args::{
    MonitorAction, MonitorArgs, MonitorRefreshArgs, MonitorsArgs,
};
pub use crate::headless::serving_args::{
    CanaryArgs, EndpointArgs, EndpointsArgs, QueryArgs, TrafficArgs,
};
pub use crate::headless::tracking_args::{
    ExperimentsArgs, MetricsArgs, OutputArgs, RunArgs, RunView, RunsArgs,
};

/// Keyboard-driven terminal operations console for MLOps on Databricks and MLflow.
#[derive(Debug, Parser)]
#[command(name = "mlops-console", disable_version_flag = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Subcommand>,
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

#[derive(Debug, clap::Subcommand)]
pub enum Subcommand {
    /// Open the console against the embedded simulated workspace.
    Demo(SimArgs),
    /// Run the simulated workspace standalone (prints base_url= and token= first).
    Sim(SimServeArgs),
    /// Counts and health of the workspace (the Overview screen, headless).
    Status(OutputArgs),
    /// List experiments.
    Experiments(ExperimentsArgs),
    /// List the top-level runs of an experiment (by name or id), filtered and ordered by the
    /// server; --nested lists nested runs too.
    Runs(RunsArgs),
    /// One run: info, params, latest metrics, and tags with system tags shown readably.
    Run(RunArgs),
    /// The full history of one metric of a run (step, timestamp, value).
    Metrics(MetricsArgs),
    /// Start the training job linked to an experiment (Jobs run-now); --wait follows it to the
    /// MLflow run it produces.
    Train(TrainArgs),
    /// Jobs: schedule, tags, creator, the last run and a failing marker; `jobs run` starts a
    /// run, `jobs cancel` cancels one.
    Jobs(JobsArgs),
    /// One job's runs (JOB is its id or exact name): state, start, duration, trigger,
    /// parameters, who ran it.
    Job(JobArgs),
    /// One job run task by task: state, duration, attempt, the error and output of failed
    /// tasks, what it wrote, the MLflow run it logged.
    JobRun(JobRunArgs),
    /// List the profiles of the Databricks config file (never secrets).
    Profiles(OutputArgs),
    /// Render a screen of the demo workspace to a PNG.
    Screenshot(ScreenshotArgs),
    /// Promote a version (UC: move an alias; workspace: to Production).
    ///
    /// UC: point an alias (default champion) at the version. Workspace registry: move it to
    /// Production, archiving the version there. Prints the plan and blast radius; --yes applies.
    Promote(PromoteArgs),
    /// Put an alias or the stages (or, with --endpoint, a serving endpoint's whole config) back
    /// where they were before the last change.
    ///
    /// The previous state comes from the audit journal; without history the candidate versions
    /// are listed, and --to VERSION picks one.
    Rollback(RollbackArgs),
    /// Serving endpoints: state, traffic split, what they serve.
    Endpoints(EndpointsArgs),
    /// One serving endpoint: entities, routes, a pending update, numbers per entity.
    Endpoint(EndpointArgs),
    /// Set or shift an endpoint's traffic split (waits for the update and verifies it).
    ///
    /// --set a=90,b=10 sets it exactly; --shift b=+5 moves one entity by a step. Prints the
    /// change; --yes applies (production profiles also --confirm NAME).
    Traffic(TrafficArgs),
    /// Run a canary plan on an endpoint (PRODUCT §6 TOML): stepwise traffic, judged each
    /// interval, rolled back on its own when a guard fails.
    ///
    /// Exit 0 when promoted (or, without --wait, once the first step is live), 7 when the gate
    /// failed and traffic went back to stable, 4 when the plan paused.
    Canary(CanaryArgs),
    /// Send one scoring request to an endpoint and show the answer, the entity that answered
    /// and the latency.
    Query(QueryArgs),
    /// Load test an endpoint: fixed concurrency (closed loop) or a target rate (open loop,
    /// coordinated omission corrected), bounded by --duration and/or --requests.
    ///
    /// A change: prints the plan (profile, host, endpoint, rate × duration = requests); --yes
    /// runs it (production profiles also --confirm ENDPOINT); journaled. Exit 0 when the SLO is
    /// met, 7 when --slo-p99 or --max-error-rate was crossed (it stops early), 1 when it could
    /// not run.
    Bench(crate::headless::bench_args::BenchArgs),
    /// Run a model's retraining job now, with parameters that say why (journaled).
    ///
    /// The job is the one `[retraining]` in config.toml names for the model, else the one
    /// tagged `mlops.retrains = "MODEL"`. --wait follows the run and prints the version it
    /// registered.
    Retrain(crate::headless::retrain::RetrainArgs),
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
    /// Features of a monitored table ranked by drift in one window, judged against the
    /// `[drift]` thresholds.
    ///
    /// Exit 7 when a threshold (warning or critical) is crossed, 0 when none is, 1 when it could
    /// not run. The SQL warehouse is never started.
    Drift(crate::headless::drift::DriftArgs),
    /// Model quality metrics of a monitored table per model version (latest and change).
    Quality(crate::headless::quality::QualityArgs),
    /// Evaluate the console's alert rules (alerts.toml) once and list the firing alerts beside
    /// the workspace's SQL alerts; exit 7 when a critical alert fires.
    ///
    /// --watch evaluates every --interval seconds and prints changes only (fired, resolved,
    /// unknown) as JSON lines. `alerts save RULE --warehouse ID` saves a drift rule as a
    /// Databricks SQL alert.
    Alerts(AlertsArgs),
    /// Table monitors, found without a list call: the tables named in `[monitoring] tables`,
    /// the inference tables of serving endpoints, and tables with metric-table siblings.
    Monitors(MonitorsArgs),
    /// One table monitor: kind, status, schedule, metric tables, refresh history; `monitor
    /// refresh TABLE` starts a refresh (a journaled change).
    Monitor(MonitorArgs),
    /// Feature tables (UC tables with a primary key in `[features] schemas`): keys, freshness
    /// against the SLA, online tables, monitor, models using them. A subcommand group: the list
    /// when no subcommand is given.
    Features(FeaturesArgs),
    /// One feature table: keys, columns, freshness, Delta versions, online tables (UC state and
    /// sync state apart), the producing job.
    ///
    /// --max-age AGE makes it a pipeline gate: exit 7 when the last write is older, 1 when its
    /// age is unknown, 0 otherwise; 3 when the table is not a feature table.
    Feature(FeatureArgs),
    /// Feature lineage: a model version's or an endpoint's feature tables with their
    /// freshness, or a feature table's models and the endpoints serving them.
    Lineage(crate::headless::lineage_args::LineageArgs),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Args)]
pub struct TrainArgs {
    /// Experiment name (e.g. /Shared/churn/training) or id.
    pub experiment: String,
    /// A job parameter for this run (repeatable); the others keep the job's defaults.
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// Follow the run until it ends (progress on stderr), then show the MLflow run it logged.
    #[arg(long)]
    pub wait: bool,
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
    /// Workspace size: `large` adds ~2,000 experiments and one with 100,000 runs.
    #[arg(long, value_enum, default_value_t = ScaleArg::Small)]
    pub scale: ScaleArg,
    /// Seconds a serving config update stays IN_PROGRESS.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub update_delay: f64,
    /// Background requests per second to churn-prod (others get a fraction); 0 turns it off.
    #[arg(long, value_name = "RPS", default_value_t = 50.0)]
    pub traffic_rps: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScaleArg {
    Small,
    Large,
}

impl From<ScaleArg> for crate::sim::Scale {
    fn from(s: ScaleArg) -> Self {
        match s {
            ScaleArg::Small => crate::sim::Scale::Small,
            ScaleArg::Large => crate::sim::Scale::Large,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct SimServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one). The global `--token` sets the token it accepts.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Scale of the scoring answers' latency (1: each answer waits the latency its served
    /// entity draws, ~16 ms for the champion; 0: answers at once, for raw throughput).
    #[arg(long, value_name = "SCALE", default_value_t = 1.0)]
    pub served_latency: f64,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn train_takes_repeated_params_and_sim_takes_a_scale() {
        let cli = Cli::try_parse_from([
            "mlops-console",
            "train",
            "/Shared/churn/training",
            "--param",
            "max_depth=7",
            "--param",
            "note=a=b",
            "--wait",
            "--json",
        ])
        .unwrap();
        let Some(Subcommand::Train(t)) = cli.command else {
            panic!("not train");
        };
        assert_eq!(
            t.params,
            [
                ("max_depth".to_string(), "7".to_string()),
                ("note".to_string(), "a=b".to_string())
            ]
        );
        assert!(t.wait && t.output.json);
        assert!(Cli::try_parse_from(["mlops-console", "train", "x", "--param", "nokey"]).is_err());
        assert!(Cli::try_parse_from(["mlops-console", "train", "x", "--param", "=v"]).is_err());

        let cli = Cli::try_parse_from([
            "mlops-console",
            "jobs",
            "run",
            "churn-batch-score",
            "--param",
            "output_table=main.ml.x",
            "--wait",
            "--yes",
        ])
        .unwrap();
        let Some(Subcommand::Jobs(JobsArgs {
            action: Some(JobsAction::Run(r)),
            ..
        })) = cli.command
        else {
            panic!("not jobs run");
        };
        assert_eq!(r.job, "churn-batch-score");
        assert_eq!(r.params, [("output_table".into(), "main.ml.x".into())]);
        assert!(r.wait && r.confirm.yes && !r.confirm.json);
        let cli = Cli::try_parse_from(["mlops-console", "jobs", "--json"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Subcommand::Jobs(JobsArgs {
                action: None,
                json: true
            }))
        ));
        for bad in [
            &["jobs", "cancel", "not-a-number"][..],
            &["jobs", "run"],
            &["job-run", "abc"],
        ] {
            let argv = [&["mlops-console"][..], bad].concat();
            assert!(Cli::try_parse_from(argv).is_err(), "{bad:?}");
        }

        let cli = Cli::try_parse_from(["mlops-console", "sim", "--scale", "large"]).unwrap();
        let Some(Subcommand::Sim(s)) = cli.command else {
            panic!("not sim");
        };
        assert_eq!(s.sim.scale, ScaleArg::Large);
        let cli = Cli::try_parse_from(["mlops-console", "demo"]).unwrap();
        let Some(Subcommand::Demo(d)) = cli.command else {
            panic!("not demo");
        };
        assert_eq!(d.scale, ScaleArg::Small);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScreenArg {
    Overview,
    Experiments,
    /// The serving endpoints list.
    Serving,
    /// The churn-prod endpoint with live charts (waits for `--wait-secs` of metrics).
    Endpoint,
    /// The jobs list: schedules, last runs, failing markers.
    Jobs,
    /// The drift heatmap of the demo's monitored table, its worst feature charted.
    Monitoring,
    /// The feature tables: freshness against the SLA, online tables, models.
    Features,
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
    /// Seconds of live metrics to gather before rendering an endpoint.
    #[arg(long, default_value_t = 40)]
    pub wait_secs: u64,
}
