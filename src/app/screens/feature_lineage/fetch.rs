//! The async side of the lineage reads (runs in a runtime task).

use crate::ops::feature_lineage::{LineageOptions, endpoint, health, sla, version};

use super::super::super::fetch::Env;
use super::{Fetch, Loaded};

pub(crate) async fn run(env: &Env, fetch: Fetch) -> Loaded {
    match fetch {
        Fetch::Endpoints { served, now_ms } => {
            // The marker needs freshness only: online tables are left to the lineage views.
            let opts = LineageOptions {
                online: false,
                ..LineageOptions::at(now_ms)
            };
            let mut lineage = endpoint::of_served(&env.client, &served, &opts).await;
            // Each table against its own SLA (`[features] sla_per_table`, else `sla`).
            sla::judge_endpoints(&mut lineage, &env.monitoring.features, now_ms);
            // Drift and online staleness from the monitoring facts the alerts keep (no read).
            let kept = env.alerts.lock().await.kept_monitoring().map(|k| k.0);
            let m = &env.monitoring;
            health::judge_health(&mut lineage, kept.as_ref(), &m.drift, &m.features);
            Loaded::Endpoints(lineage)
        }
        Fetch::Versions {
            model,
            versions,
            now_ms,
        } => {
            let opts = LineageOptions {
                online: false,
                ..LineageOptions::at(now_ms)
            };
            let mut lineage = version::of_versions(&env.client, &model, &versions, &opts).await;
            sla::judge_versions(&mut lineage, &env.monitoring.features, now_ms);
            Loaded::Versions { model, lineage }
        }
    }
}
