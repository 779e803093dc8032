//! The async side of the Features room's reads (runs in a runtime task).

use crate::api::models::feature_store::PublishMode;
use crate::ops::change::outcome::ChangeContext;
use crate::ops::feature_changes::publish::publish;
use crate::ops::feature_changes::{PublishRequest, plan_publish, sync_online_table};
use crate::ops::feature_lineage::LineageOptions;
use crate::ops::feature_lineage::table::of_table;
use crate::ops::features::{DetailInputs, read_detail};
use crate::ops::sql::Waiter;

use super::super::super::fetch::Env;
use super::super::super::remote::LoadError;
use super::{Change, ChangeDone, Fetch, Loaded};

/// Runs one confirmed change through the pipeline. An error before sending is "not sent".
pub(crate) async fn apply(env: &Env, change: Change) -> Loaded {
    let ctx = ChangeContext {
        profile: env.profile.clone(),
        actor: env.client.me().await.ok().map(|me| me.user_name),
        production: env.production,
    };
    let journal = env.journal();
    let (outcome, message, online_table) = match &change {
        Change::Publish { plan } => match publish(&env.client, &journal, &ctx, plan).await {
            Ok(p) => (
                Some(p.change.outcome),
                p.change.message,
                Some(p.online_table),
            ),
            Err(e) => (None, e.to_string(), None),
        },
        Change::Sync { name } => match sync_online_table(&env.client, &journal, &ctx, name).await {
            Ok(s) => (Some(s.change.outcome), s.change.message, Some(name.clone())),
            Err(e) => (None, e.to_string(), None),
        },
    };
    Loaded::Changed(Box::new(ChangeDone {
        change,
        outcome,
        message,
        online_table,
    }))
}

pub(crate) async fn run(env: &Env, fetch: Fetch) -> Loaded {
    match fetch {
        Fetch::List { now_ms } => Loaded::List(
            crate::ops::features::list(&env.client, &env.monitoring.features, now_ms)
                .await
                .map(Box::new)
                .map_err(Into::into),
        ),
        Fetch::Detail { table, now_ms } => {
            let inputs = DetailInputs {
                settings: &env.monitoring.features,
                monitoring_warehouse: env.monitoring.warehouse_id.as_deref(),
                now_ms,
            };
            Loaded::Detail(
                read_detail(&env.client, inputs, &table, &mut Waiter::real())
                    .await
                    .map(Box::new)
                    .map_err(|e| LoadError::Failed(e.to_string())),
            )
        }
        Fetch::PlanPublish {
            source,
            store,
            mode,
            name,
        } => {
            let request = PublishRequest {
                source,
                store,
                mode: super::change::mode_of(&mode).unwrap_or(PublishMode::Unspecified),
                name,
            };
            Loaded::Plan(
                plan_publish(&env.client, &request)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string()),
            )
        }
        Fetch::Lineage { table, now_ms } => {
            let opts = LineageOptions {
                sla_ms: env.monitoring.features.sla_of(&table),
                ..LineageOptions::at(now_ms)
            };
            Loaded::Lineage(
                of_table(&env.client, &table, &opts)
                    .await
                    .map(Box::new)
                    .map_err(Into::into),
            )
        }
    }
}
