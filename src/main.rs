//! The binary: parse the command line, then run the TUI, a headless command, the simulator or
//! the demo; map failures to exit codes.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use mlops_console::app::AppContext;
use mlops_console::cli::{Cli, GlobalArgs, JobsAction, Subcommand};
use mlops_console::config::paths::Paths;
use mlops_console::config::resolve::{Overrides, Resolved, resolve};
use mlops_console::headless::{self, exit, output};
use mlops_console::ops::approvals::Decision;
use mlops_console::{api::Secret, config, connect, sim, tui};

#[path = "main/contexts.rs"]
mod contexts;
#[path = "main/features.rs"]
mod features;
#[path = "main/screenshot.rs"]
mod screenshot;

use contexts::{context, demo_context, monitoring_context, profile_label};
use screenshot::screenshot;

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

fn version_text(paths: &Paths) -> String {
    let cfg = config::databrickscfg::config_file_path(&env);
    format!(
        "mlops-console {}\nconfig dir:   {}\ndata dir:     {}\nprofiles:     {}",
        env!("CARGO_PKG_VERSION"),
        paths.config_dir.display(),
        paths.data_dir.display(),
        cfg.display()
    )
}

fn main() -> ExitCode {
    let paths = Paths::resolve(&env);
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    if cli.global.version {
        output::println(&version_text(&paths));
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            mlops_console::eprintln_escaped!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::FAILURE as u8);
        }
    };
    let code = runtime.block_on(dispatch(cli, paths));
    ExitCode::from(code.clamp(0, 255) as u8)
}

async fn dispatch(cli: Cli, paths: Paths) -> i32 {
    let g = cli.global;
    match cli.command {
        None => match connect(&g, &paths) {
            Ok((resolved, client)) => {
                connect::learn_workspace_id(&client).await;
                let ctx = context(&g, &paths, &resolved, client);
                run_tui(ctx).await
            }
            Err(code) => code,
        },
        Some(Subcommand::Demo(args)) => {
            let faults = args.faults.as_deref();
            let demo =
                match connect::start_demo(args.seed, faults, args.scale.into(), g.readonly).await {
                    Ok(d) => d,
                    Err(e) => {
                        mlops_console::eprintln_escaped!("error: {e}");
                        return exit::FAILURE;
                    }
                };
            connect::learn_workspace_id(&demo.client).await;
            let ctx = demo_context(&g, &paths, demo.client.clone());
            let code = run_tui(ctx).await;
            demo.sim.shutdown().await;
            code
        }
        Some(Subcommand::Sim(args)) => {
            let faults = match args
                .sim
                .faults
                .as_deref()
                .map(sim::FaultSpec::parse)
                .transpose()
            {
                Ok(f) => f.unwrap_or_else(sim::FaultSpec::none),
                Err(e) => {
                    mlops_console::eprintln_escaped!("error: --faults: {e}");
                    return exit::USAGE;
                }
            };
            let mut opts = sim::SimOptions {
                port: args.port,
                seed: args.sim.seed,
                faults,
                scale: args.sim.scale.into(),
                serving_update_delay: std::time::Duration::from_secs_f64(
                    args.sim.update_delay.clamp(0.0, 3600.0),
                ),
                traffic_rps: args.sim.traffic_rps.max(0.0),
                served_latency: args.served_latency.max(0.0),
                ..Default::default()
            };
            if let Some(t) = g.token.clone() {
                opts.token = t;
            }
            match sim::run_standalone(opts).await {
                Ok(()) => exit::OK,
                Err(e) => {
                    mlops_console::eprintln_escaped!("error: simulator: {e}");
                    exit::FAILURE
                }
            }
        }
        Some(Subcommand::Status(o)) => match connect(&g, &paths) {
            Ok((resolved, client)) => {
                headless::status::run(&client, &profile_label(&resolved), o.json).await
            }
            Err(code) => code,
        },
        Some(Subcommand::Experiments(a)) => match connect(&g, &paths) {
            Ok((_, client)) => {
                headless::experiments::run(&client, a.filter.as_deref(), a.max, a.output.json).await
            }
            Err(code) => code,
        },
        Some(Subcommand::Runs(a)) => match connect(&g, &paths) {
            Ok((_, client)) => headless::runs::run(&client, &a).await,
            Err(code) => code,
        },
        Some(Subcommand::Run(a)) => match connect(&g, &paths) {
            Ok((_, client)) => headless::run::run(&client, &a.run_id, a.output.json).await,
            Err(code) => code,
        },
        Some(Subcommand::Metrics(a)) => match connect(&g, &paths) {
            Ok((_, client)) => headless::metrics::run(&client, &a).await,
            Err(code) => code,
        },
        Some(Subcommand::Train(a)) => match connect(&g, &paths) {
            Ok((resolved, client)) => {
                let journal = mlops_console::ops::Journal::in_dir(&paths.data_dir);
                let ctx = mlops_console::ops::ChangeContext {
                    profile: profile_label(&resolved),
                    actor: client.me().await.ok().map(|m| m.user_name),
                    production: resolved.settings.production,
                };
                let req = headless::train::TrainRequest {
                    experiment: &a.experiment,
                    params: &a.params,
                    wait: a.wait,
                    json: a.output.json,
                    training_jobs: &resolved.training_jobs,
                    journal: &journal,
                    ctx: &ctx,
                };
                headless::train::run(&client, &req, mlops_console::ops::jobs::Poll::real()).await
            }
            Err(code) => code,
        },
        Some(Subcommand::Jobs(a)) => match a.action {
            None => match connect(&g, &paths) {
                Ok((_, client)) => headless::jobs::list(&client, a.json).await,
                Err(code) => code,
            },
            Some(JobsAction::Run(r)) => match change_session(&g, &paths) {
                Ok((s, client)) => headless::jobs_change::run_now(&client, &s, &r).await,
                Err(code) => code,
            },
            Some(JobsAction::Cancel(c)) => match change_session(&g, &paths) {
                Ok((s, client)) => headless::jobs_change::cancel(&client, &s, &c).await,
                Err(code) => code,
            },
        },
        Some(Subcommand::Job(a)) => match connect(&g, &paths) {
            Ok((_, client)) => headless::jobs::show(&client, &a).await,
            Err(code) => code,
        },
        Some(Subcommand::JobRun(a)) => match connect(&g, &paths) {
            Ok((resolved, client)) => {
                headless::job_run::show(&client, a.run_id, a.json, &resolved.training_jobs).await
            }
            Err(code) => code,
        },
        Some(Subcommand::Profiles(o)) => match config::profiles::list_profiles(&env, &paths) {
            Ok((file, profiles)) => {
                if o.json {
                    let doc = serde_json::json!({ "config_file": file, "profiles": profiles });
                    output::json(&doc);
                } else {
                    output::print(&config::profiles::render_profiles_table(&file, &profiles));
                }
                exit::OK
            }
            Err(e) => {
                mlops_console::eprintln_escaped!("error: {e}");
                exit::CONFIG
            }
        },
        Some(Subcommand::Screenshot(a)) => screenshot(&g, &paths, a).await,
        Some(Subcommand::Promote(a)) => match change_session(&g, &paths) {
            Ok((s, client)) => headless::promote::promote(&client, &s, &a).await,
            Err(code) => code,
        },
        Some(Subcommand::Rollback(a)) => match change_session(&g, &paths) {
            Ok((s, client)) if a.endpoint.is_some() => {
                headless::serving_change::rollback(&client, &s, &a).await
            }
            Ok((s, client)) => headless::promote::rollback(&client, &s, &a).await,
            Err(code) => code,
        },
        Some(Subcommand::Endpoints(a)) => match connect(&g, &paths) {
            Ok((_, client)) => headless::endpoints::list(&client, a.json).await,
            Err(code) => code,
        },
        Some(Subcommand::Endpoint(a)) => match connect(&g, &paths) {
            Ok((_, client)) => headless::endpoints::show(&client, &a.name, a.json).await,
            Err(code) => code,
        },
        Some(Subcommand::Traffic(a)) => match change_session(&g, &paths) {
            Ok((s, client)) => headless::serving_change::traffic(&client, &s, &a).await,
            Err(code) => code,
        },
        Some(Subcommand::Canary(a)) => match change_session(&g, &paths) {
            Ok((s, client)) => headless::canary::run(&client, &s, &a).await,
            Err(code) => code,
        },
        Some(Subcommand::Query(a)) => match connect(&g, &paths) {
            Ok((_, client)) => headless::query::run(&client, &a).await,
            Err(code) => code,
        },
        Some(Subcommand::Bench(a)) => match change_session(&g, &paths) {
            Ok((s, client)) => {
                // change_session has read config.toml already: a bad file stopped there.
                let caps = config::AppConfig::load(&paths.app_config_file())
                    .map(|c| c.bench)
                    .unwrap_or_default();
                headless::bench::run(&client, &s, &caps, &a).await
            }
            Err(code) => code,
        },
        Some(Subcommand::Retrain(a)) => match change_session(&g, &paths) {
            Ok((s, client)) => {
                // change_session has read config.toml already: a bad file stopped there.
                let retraining = config::AppConfig::load(&paths.app_config_file())
                    .map(|c| c.retraining)
                    .unwrap_or_default();
                headless::retrain::run(&client, &s, &retraining, &a).await
            }
            Err(code) => code,
        },
        Some(Subcommand::Approve(a)) => match change_session(&g, &paths) {
            Ok((s, client)) => headless::approve::decide(&client, &s, &a, Decision::Approve).await,
            Err(code) => code,
        },
        Some(Subcommand::Reject(a)) => match change_session(&g, &paths) {
            Ok((s, client)) => headless::approve::decide(&client, &s, &a, Decision::Reject).await,
            Err(code) => code,
        },
        Some(Subcommand::Approvals(a)) => match change_session(&g, &paths) {
            Ok((s, client)) => headless::approve::list(&client, &s, &a).await,
            Err(code) => code,
        },
        Some(Subcommand::Audit(a)) => {
            let journal = mlops_console::ops::Journal::in_dir(&paths.data_dir);
            if !a.verify {
                return headless::audit::run(&journal, None, &a).await;
            }
            match connect(&g, &paths) {
                Ok((_, client)) => headless::audit::run(&journal, Some(&client), &a).await,
                Err(code) => code,
            }
        }
        Some(Subcommand::Drift(a)) => match connect(&g, &paths) {
            Ok((resolved, client)) => {
                headless::drift::run(&client, &resolved, &paths.app_config_file(), &a).await
            }
            Err(code) => code,
        },
        Some(Subcommand::Quality(a)) => match connect(&g, &paths) {
            Ok((resolved, client)) => {
                headless::quality::run(&client, &resolved, &paths.app_config_file(), &a).await
            }
            Err(code) => code,
        },
        Some(Subcommand::Alerts(a)) => alerts(&g, &paths, a).await,
        Some(Subcommand::Monitors(a)) => match connect(&g, &paths) {
            Ok((_, client)) => match config::AppConfig::load(&paths.app_config_file()) {
                Ok(c) => {
                    headless::monitors::list(&client, &c.monitoring, &paths.data_dir, a.json).await
                }
                Err(e) => {
                    mlops_console::eprintln_escaped!("error: {e}");
                    exit::CONFIG
                }
            },
            Err(code) => code,
        },
        Some(Subcommand::Lineage(a)) => match connect(&g, &paths) {
            Ok((_, client)) => headless::lineage::run(&client, &a).await,
            Err(code) => code,
        },
        Some(Subcommand::Monitor(a)) => match (a.action, a.table) {
            (Some(mlops_console::cli::MonitorAction::Refresh(r)), _) => {
                match change_session(&g, &paths) {
                    Ok((s, client)) => {
                        let poll = mlops_console::ops::monitors::RefreshPoll::real();
                        headless::monitors_change::refresh(&client, &s, &r, poll).await
                    }
                    Err(code) => code,
                }
            }
            (None, Some(table)) => match connect(&g, &paths) {
                Ok((_, client)) => {
                    headless::monitors::show(&client, &paths.data_dir, &table, a.json).await
                }
                Err(code) => code,
            },
            (None, None) => exit::USAGE,
        },
        Some(Subcommand::Features(a)) => features::features(&g, &paths, a).await,
        Some(Subcommand::Feature(a)) => features::feature(&g, &paths, a).await,
        Some(Subcommand::Completions { shell }) => {
            let mut cmd = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "mlops-console", &mut script);
            output::print(&String::from_utf8_lossy(&script));
            exit::OK
        }
    }
}

/// `alerts`, `alerts --watch` and `alerts save`: the rules of alerts.toml (built-in without it).
async fn alerts(g: &GlobalArgs, paths: &Paths, a: mlops_console::cli::AlertsArgs) -> i32 {
    let rules = match config::alert_rules::AlertRules::load(&paths.alert_rules_file()) {
        Ok(r) => r,
        Err(e) => {
            mlops_console::eprintln_escaped!("error: {e}");
            return exit::CONFIG;
        }
    };
    let (session, client) = match change_session(g, paths) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match &a.action {
        Some(mlops_console::cli::AlertsAction::Save(s)) => {
            headless::alerts::save(&client, &session, &rules, s).await
        }
        None => {
            let monitoring = match monitoring_context(g, paths) {
                Ok(m) => m,
                Err(code) => return code,
            };
            let memory = headless::monitors::memory(&client, &paths.data_dir).await;
            let supply = headless::alerts::MonitoringFacts {
                inputs: monitoring.inputs(),
                memory: Some(&memory),
                every_ms: monitoring.alerts.monitoring_interval_ms,
                features: Some(&monitoring.features),
            };
            let clock = headless::alerts::wall_clock;
            let retraining = headless::alerts_retrain::AutoRetraining {
                session: &session,
                retraining: &monitoring.retraining,
            };
            headless::alerts::run(&client, &rules, supply, retraining, &a, &clock).await
        }
    }
}

/// Resolves the profile and builds its client; prints one clear error otherwise.
fn connect(g: &GlobalArgs, paths: &Paths) -> Result<(Resolved, mlops_console::api::Client), i32> {
    let overrides = Overrides {
        profile: g.profile.clone(),
        host: g.host.clone(),
        token: g.token.clone().map(Secret::new),
        readonly: g.readonly,
    };
    let resolved = resolve(&overrides, &env, paths).map_err(|e| {
        mlops_console::eprintln_escaped!("error: {e}");
        exit::CONFIG
    })?;
    let client = connect::client_for(&resolved, &env).map_err(|e| {
        mlops_console::eprintln_escaped!("error: {e}");
        exit::for_api_error(&e)
    })?;
    Ok((resolved, client))
}

/// A connection plus the profile's change rules (production, read-only, `[approvals]`).
fn change_session(
    g: &GlobalArgs,
    paths: &Paths,
) -> Result<(headless::change::ChangeProfile, mlops_console::api::Client), i32> {
    let (resolved, client) = connect(g, paths)?;
    let session = headless::change::ChangeProfile::for_profile(
        &resolved,
        &paths.app_config_file(),
        &paths.data_dir,
    )
    .map_err(|e| {
        mlops_console::eprintln_escaped!("error: {e}");
        exit::CONFIG
    })?;
    Ok((session, client))
}

async fn run_tui(ctx: AppContext) -> i32 {
    match tui::run(ctx).await {
        Ok(()) => exit::OK,
        Err(e) => {
            mlops_console::eprintln_escaped!("error: {e}");
            exit::FAILURE
        }
    }
}
