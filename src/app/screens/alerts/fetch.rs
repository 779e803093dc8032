//! The runtime side of the alerts: the monitoring facts (`ops::alerts::monitoring`) and the
//! workspace's SQL alerts read side by side, then the other facts gathered with the gatherer
//! the runtime keeps across evaluations (so an endpoint's 5xx share is that of the interval
//! between two refreshes), and every rule evaluated once. The monitoring facts (with the feature
//! tables' freshness) are read only when the evaluation asks (else the ones the gatherer kept are
//! judged again), and the automatic retrains of fired alerts run here, one at a time (`ops::alerts::auto`).

use crate::ops::Workspace;
use crate::ops::alerts::auto::{AutoInputs, on_each_fired};
use crate::ops::alerts::{Supplied, evaluate, monitoring};
use crate::ops::change::execute::ChangeContext;
use crate::ops::monitors::MonitorMemory;
use crate::ops::retrain::auto::AutoRetrainStore;

use super::super::super::fetch::Env;
use super::auto::Change;
use super::{AlertsRead, Fetch, Loaded, SqlAlertRow};

pub(crate) async fn run(env: &Env, fetch: Fetch) -> Loaded {
    match fetch {
        Fetch::Evaluate { monitoring } => {
            Loaded::Evaluated(Ok(Box::new(evaluate_once(env, monitoring).await)))
        }
    }
}

/// The monitoring facts: read anew when asked (or when none were kept), else the kept ones.
async fn monitoring_facts(env: &Env, anew: bool) -> (Supplied, i64) {
    if !anew && let Some(kept) = env.alerts.lock().await.kept_monitoring() {
        return kept;
    }
    let client = &env.client;
    let memory = MonitorMemory::for_workspace(&env.data_dir, &Workspace::of(client).await);
    let now_ms = chrono::Utc::now().timestamp_millis();
    let (mut supplied, features) = futures::join!(
        monitoring::supply(client, env.monitoring.inputs(), Some(&memory)),
        crate::ops::features::alert_facts::supply(client, &env.monitoring.features, now_ms),
    );
    supplied.features = features;
    env.alerts
        .lock()
        .await
        .keep_monitoring(supplied.clone(), now_ms);
    (supplied, now_ms)
}

async fn evaluate_once(env: &Env, anew: bool) -> AlertsRead {
    let client = &env.client;
    let ((supplied, monitoring_at_ms), sql) =
        futures::join!(monitoring_facts(env, anew), client.list_sql_alerts());
    let now_ms = chrono::Utc::now().timestamp_millis();
    let facts = env
        .alerts
        .lock()
        .await
        .gather(client, &env.approvals, supplied, now_ms)
        .await;
    let evaluation = evaluate(&env.monitoring.alert_rules.rules, &facts);
    let sql_alerts = sql
        .map(|list| list.iter().map(SqlAlertRow::of).collect())
        .map_err(|e| e.to_string());
    AlertsRead {
        evaluation,
        sql_alerts,
        monitoring_at_ms: Some(monitoring_at_ms),
    }
}

/// The automatic retrains of fired alerts, in turn, through the guard.
pub(crate) async fn apply(env: &Env, change: Change) -> Loaded {
    let Change::AutoRetrain { fired } = change;
    let client = &env.client;
    let store = AutoRetrainStore::for_workspace(&env.data_dir, &Workspace::of(client).await);
    let ctx = ChangeContext {
        profile: env.profile.clone(),
        actor: client.me().await.ok().map(|me| me.user_name),
        production: env.production,
    };
    let journal = env.journal();
    let inputs = AutoInputs {
        rules: &env.monitoring.alert_rules.rules,
        retraining: &env.monitoring.retraining,
        readonly: client.readonly(),
        store: &store,
        journal: &journal,
        ctx: &ctx,
    };
    Loaded::AutoRetrained(on_each_fired(client, inputs, &fired).await)
}
