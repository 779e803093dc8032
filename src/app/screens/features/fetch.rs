//! The async side of the Features room's reads (runs in a runtime task).

use crate::ops::feature_lineage::LineageOptions;
use crate::ops::feature_lineage::table::of_table;
use crate::ops::features::{DetailInputs, read_detail};
use crate::ops::sql::Waiter;

use super::super::super::fetch::Env;
use super::super::super::remote::LoadError;
use super::{Fetch, Loaded};

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
