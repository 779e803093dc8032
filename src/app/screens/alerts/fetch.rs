//! The runtime side of the alerts: the monitoring facts (`ops::alerts::monitoring`) and the
//! workspace's SQL alerts read side by side, then the other facts gathered with the gatherer
//! the runtime keeps across evaluations (so an endpoint's 5xx share is that of the interval
//! between two refreshes), and every rule evaluated once.

use crate::ops::Workspace;
use crate::ops::alerts::{evaluate, monitoring};
use crate::ops::monitors::MonitorMemory;

use super::super::super::fetch::Env;
use super::{AlertsRead, Fetch, Loaded, SqlAlertRow};

pub(crate) async fn run(env: &Env, fetch: Fetch) -> Loaded {
    match fetch {
        Fetch::Evaluate => Loaded::Evaluated(Ok(Box::new(evaluate_once(env).await))),
    }
}

async fn evaluate_once(env: &Env) -> AlertsRead {
    let client = &env.client;
    let memory = MonitorMemory::for_workspace(&env.data_dir, &Workspace::of(client).await);
    let now_ms = chrono::Utc::now().timestamp_millis();
    let (mut supplied, sql, features) = futures::join!(
        monitoring::supply(client, env.monitoring.inputs(), Some(&memory)),
        client.list_sql_alerts(),
        crate::ops::features::alert_facts::supply(client, &env.monitoring.features, now_ms),
    );
    supplied.features = features;
    let facts = env
        .alerts
        .lock()
        .await
        .gather(client, &env.approvals, supplied, now_ms)
        .await;
    let evaluation = evaluate(&env.monitoring.alert_rules.rules, &facts);
    let sql_alerts = sql
        .map(|list| {
            list.iter()
                .map(|a| SqlAlertRow {
                    name: a.display_name.clone(),
                    state: a.state().to_string(),
                    last_evaluated_at: a.last_evaluated_at().map(str::to_string),
                })
                .collect()
        })
        .map_err(|e| e.to_string());
    AlertsRead {
        evaluation,
        sql_alerts,
    }
}
