//! The console's context from the resolved profile and config.toml, the demo's, and the
//! monitoring settings the headless monitoring commands share with the console.

use mlops_console::api::{Client, Secret};
use mlops_console::app::{AppContext, MonitoringContext};
use mlops_console::cli::GlobalArgs;
use mlops_console::config::resolve::{Overrides, Resolved, resolve};
use mlops_console::config::{self, AppConfig, paths::Paths};
use mlops_console::headless::exit;

use super::env;

/// The monitoring settings of the profile (its `warehouse_id`, else `[monitoring]`'s;
/// `[monitoring]`, `[drift]`, `[retraining]`, `[alerts]` and `[features]` of config.toml), a bad
/// config.toml reported.
pub fn monitoring_context(g: &GlobalArgs, paths: &Paths) -> Result<MonitoringContext, i32> {
    let overrides = Overrides {
        profile: g.profile.clone(),
        host: g.host.clone(),
        token: g.token.clone().map(Secret::new),
        readonly: g.readonly,
    };
    let report = |e: &dyn std::fmt::Display| {
        mlops_console::eprintln_escaped!("error: {e}");
        exit::CONFIG
    };
    let r = resolve(&overrides, &env, paths).map_err(|e| report(&e))?;
    let c = AppConfig::load(&paths.app_config_file()).map_err(|e| report(&e))?;
    Ok(monitoring_of(
        &r,
        c,
        config::alert_rules::AlertRules::defaults(),
    ))
}

/// The monitoring settings from the profile and config.toml, with `alert_rules`.
fn monitoring_of(
    r: &Resolved,
    c: AppConfig,
    alert_rules: config::alert_rules::AlertRules,
) -> MonitoringContext {
    MonitoringContext {
        warehouse_id: r
            .profile_value("warehouse_id")
            .or_else(|| c.monitoring.warehouse_id.clone()),
        settings: c.monitoring,
        drift: c.drift,
        retraining: c.retraining,
        alert_rules,
        alerts: c.alerts,
        features: c.features,
    }
}

pub fn profile_label(r: &Resolved) -> String {
    r.profile
        .clone()
        .unwrap_or_else(|| "(environment)".to_string())
}

pub fn context(g: &GlobalArgs, paths: &Paths, r: &Resolved, client: Client) -> AppContext {
    // A bad [approvals] or [drift] table is reported by the headless commands; the console keeps
    // the defaults.
    let app_config = AppConfig::load(&paths.app_config_file()).ok();
    AppContext {
        client,
        profile: profile_label(r),
        host: r.host.clone(),
        readonly: r.settings.readonly,
        production: r.settings.production,
        theme: g
            .theme
            .clone()
            .or_else(|| r.settings.theme.clone())
            .unwrap_or_else(|| "dark".into()),
        refresh_secs: r.settings.refresh_secs,
        traffic_step: r.settings.traffic_step,
        ascii: g.ascii,
        config_dir: paths.config_dir.clone(),
        data_dir: paths.data_dir.clone(),
        training_jobs: r.training_jobs.clone(),
        approvals: app_config
            .as_ref()
            .map(|c| c.approvals.clone())
            .unwrap_or_default(),
        bench: app_config
            .as_ref()
            .map(|c| c.bench.clone())
            .unwrap_or_default(),
        monitoring: monitoring_of(r, app_config.unwrap_or_default(), alert_rules(paths)),
    }
}

pub fn demo_context(g: &GlobalArgs, paths: &Paths, client: Client) -> AppContext {
    AppContext {
        host: client.host().to_string(),
        client,
        profile: "demo".into(),
        readonly: g.readonly,
        production: false,
        theme: g.theme.clone().unwrap_or_else(|| "dark".into()),
        refresh_secs: 10,
        traffic_step: config::app_config::DEFAULT_TRAFFIC_STEP,
        ascii: g.ascii,
        config_dir: paths.config_dir.clone(),
        data_dir: paths.data_dir.clone(),
        // The demo workspace links its experiments by tag.
        training_jobs: Default::default(),
        approvals: Default::default(),
        monitoring: MonitoringContext {
            alert_rules: alert_rules(paths),
            ..Default::default()
        },
        bench: Default::default(),
    }
}

/// The rules of alerts.toml for the console; a bad file is reported by `alerts` and the console
/// keeps the built-in rules.
fn alert_rules(paths: &Paths) -> config::alert_rules::AlertRules {
    config::alert_rules::AlertRules::load(&paths.alert_rules_file())
        .unwrap_or_else(|_| config::alert_rules::AlertRules::defaults())
}
