//! The monitoring facts of the alert rules through the library against the simulator: the
//! demo's monitors discovered (also on a read-only client, whose discovery query is one of the
//! console's fixed statements), their drift and quality read, and the built-in drift rule
//! firing for the drifting feature; a warehouse that cannot be chosen makes the sources failed
//! and the rules on them unknown, never OK. Only 127.0.0.1 is contacted.

mod ops_support;

use std::time::Duration;

use mlops_console::config::alert_rules::AlertRules;
use mlops_console::config::drift::DriftSettings;
use mlops_console::config::monitoring::MonitoringSettings;
use mlops_console::ops::Workspace;
use mlops_console::ops::alerts::monitoring::{MonitoringInputs, supply};
use mlops_console::ops::alerts::{Facts, Source, evaluate};
use mlops_console::ops::monitors::{self, MonitorMemory};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

use ops_support::client_with;

const CHURN: &str = "main.ml.churn_inference";

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        sql_latency: Duration::ZERO,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

fn facts(s: mlops_console::ops::alerts::Supplied) -> Facts {
    Facts {
        now_ms: 1_767_225_600_000,
        drift: s.drift,
        quality: s.quality,
        monitors: s.monitors,
        ..Facts::default()
    }
}

#[tokio::test]
async fn discovery_searches_the_metric_tables_on_a_read_only_client() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |o| o.readonly = true);
    let found = monitors::discover(&c, &MonitoringSettings::default(), None).await;
    assert!(found.notes.is_empty(), "{:?}", found.notes);
    assert!(found.rows.iter().any(|r| r.table == CHURN));
}

#[tokio::test]
async fn the_demo_drift_is_read_and_the_built_in_drift_rule_fires_for_tenure_months() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |o| o.readonly = true);
    let dir = tempfile::tempdir().unwrap();
    let memory = MonitorMemory::for_workspace(dir.path(), &Workspace::of(&c).await);
    let (settings, drift) = (MonitoringSettings::default(), DriftSettings::default());
    let inputs = MonitoringInputs {
        warehouse_id: None,
        settings: &settings,
        drift: &drift,
    };
    let supplied = supply(&c, inputs, Some(&memory)).await;
    let tables = supplied.drift.facts().expect("drift read");
    let churn = tables.iter().find(|t| t.table == CHURN).expect("churn");
    assert!(churn.features.iter().any(|f| f.feature == "tenure_months"));
    assert!(supplied.quality.is_read(), "{:?}", supplied.quality);
    let refreshes = supplied.monitors.facts().expect("monitors read");
    assert!(refreshes.iter().any(|r| r.table == CHURN));
    // Remembered for the next start.
    assert!(memory.load().unwrap().tables.contains(&CHURN.to_string()));

    let eval = evaluate(&AlertRules::defaults().rules, &facts(supplied));
    let drift_alerts: Vec<&str> = eval
        .firing
        .iter()
        .filter(|a| a.rule == "feature-drift")
        .map(|a| a.object.name.as_str())
        .collect();
    assert!(
        drift_alerts.iter().any(|n| n.contains("tenure_months")),
        "{drift_alerts:?} {:?}",
        eval.unknown
    );
    // The stable features stay quiet; the feature table's spend feature drifts too.
    assert_eq!(
        drift_alerts,
        [
            "main.features.customer_features.avg_basket_value",
            "main.ml.churn_inference.tenure_months"
        ]
    );
    assert!(!eval.unknown.iter().any(|u| u.rule == "feature-drift"));
}

#[tokio::test]
async fn a_warehouse_that_cannot_be_chosen_fails_the_sources_and_the_rules_are_unknown() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (settings, drift) = (MonitoringSettings::default(), DriftSettings::default());
    let inputs = MonitoringInputs {
        warehouse_id: Some("no-such-warehouse"),
        settings: &settings,
        drift: &drift,
    };
    let supplied = supply(&c, inputs, None).await;
    match &supplied.drift {
        Source::Failed(why) => assert!(why.contains("no-such-warehouse"), "{why}"),
        other => panic!("not failed: {other:?}"),
    }
    assert!(supplied.quality.is_failed());
    let eval = evaluate(&AlertRules::defaults().rules, &facts(supplied));
    for rule in ["feature-drift", "model-quality", "monitor-refresh-failed"] {
        let u = eval.unknown.iter().find(|u| u.rule == rule);
        assert!(u.is_some(), "{rule} judged: {:?}", eval.firing);
    }
    assert!(!eval.firing.iter().any(|a| a.rule == "feature-drift"));
}
