//! The async side of the feature monitoring read (runs in a runtime task).

use crate::ops::feature_monitoring::{MonitoringInputs, read};
use crate::ops::sql::Waiter;

use super::super::super::fetch::Env;
use super::{Fetch, Loaded};

pub(crate) async fn run(env: &Env, fetch: Fetch) -> Loaded {
    let Fetch::Table { table } = fetch;
    // The keys are not features; a table that cannot be read leaves none out.
    let keys: Vec<String> = match env.client.get_table_info(&table).await {
        Ok(t) => t
            .entity_keys()
            .into_iter()
            .chain(t.timeseries_keys())
            .collect(),
        Err(_) => Vec::new(),
    };
    let inputs = MonitoringInputs {
        warehouse_id: env.monitoring.warehouse_id.as_deref(),
        drift: &env.monitoring.drift,
    };
    let monitoring = read(&env.client, inputs, &table, &keys, &Waiter::real).await;
    Loaded::Table {
        table,
        monitoring: Box::new(monitoring),
    }
}
