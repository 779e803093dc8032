//! The feature store's commands: `features` (the list; `publish`, `sync`) and `feature TABLE`.

use mlops_console::cli::{FeatureArgs, FeaturesAction, FeaturesArgs, GlobalArgs};
use mlops_console::config::{self, paths::Paths};
use mlops_console::headless::{self, exit};

use super::{change_session, connect};

/// `features [list|publish|sync]`.
pub async fn features(g: &GlobalArgs, paths: &Paths, a: FeaturesArgs) -> i32 {
    match a.action {
        Some(FeaturesAction::Publish(p)) => match change_session(g, paths) {
            Ok((s, client)) => {
                let poll = mlops_console::ops::feature_changes::SyncPoll::real();
                headless::features_publish::publish(&client, &s, &p, poll).await
            }
            Err(code) => code,
        },
        Some(FeaturesAction::Sync(p)) => match change_session(g, paths) {
            Ok((s, client)) => {
                let poll = mlops_console::ops::feature_changes::SyncPoll::real();
                headless::features_sync::sync(&client, &s, &p, poll).await
            }
            Err(code) => code,
        },
        action @ (Some(FeaturesAction::List(_)) | None) => match connect(g, paths) {
            Ok((_, client)) => match config::AppConfig::load(&paths.app_config_file()) {
                Ok(c) => {
                    let json = match action {
                        Some(FeaturesAction::List(l)) => l.json || a.json,
                        _ => a.json,
                    };
                    let now = headless::alerts::wall_clock();
                    headless::features::list(&client, &c.features, json, now).await
                }
                Err(e) => {
                    mlops_console::eprintln_escaped!("error: {e}");
                    exit::CONFIG
                }
            },
            Err(code) => code,
        },
    }
}

/// `feature TABLE [--max-age AGE] [--json]`.
pub async fn feature(g: &GlobalArgs, paths: &Paths, a: FeatureArgs) -> i32 {
    match connect(g, paths) {
        Ok((resolved, client)) => match config::AppConfig::load(&paths.app_config_file()) {
            Ok(c) => {
                let warehouse = resolved
                    .profile_value("warehouse_id")
                    .or_else(|| c.monitoring.warehouse_id.clone());
                let now = headless::alerts::wall_clock();
                let w = warehouse.as_deref();
                headless::feature::show(&client, &c.features, w, &c.drift, &a, now).await
            }
            Err(e) => {
                mlops_console::eprintln_escaped!("error: {e}");
                exit::CONFIG
            }
        },
        Err(code) => code,
    }
}
