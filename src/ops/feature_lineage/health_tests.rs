use std::collections::BTreeMap;

use super::*;
use crate::ops::alerts::facts::{DriftWindow, FeatureDrift, OnlineTableFacts};
use crate::ops::feature_lineage::endpoint::assemble;
use crate::ops::feature_lineage::reads::VersionDeps;
use crate::ops::feature_lineage::{Freshness, TableState};

const H: i64 = 3_600_000;
const CUSTOMER: &str = "main.features.customer_features";
const TXN: &str = "main.features.txn_agg_30d";

fn window(day: i64, psi: f64, p: f64) -> DriftWindow {
    DriftWindow {
        start_ms: day * 24 * H,
        end_ms: (day + 1) * 24 * H,
        statistics: BTreeMap::from([
            ("population_stability_index".to_string(), psi),
            ("ks_test.pvalue".to_string(), p),
        ]),
    }
}

fn drift(table: &str, feature: &str, windows: Vec<DriftWindow>) -> DriftTable {
    DriftTable {
        table: table.into(),
        features: vec![FeatureDrift {
            feature: feature.into(),
            windows,
        }],
    }
}

fn online(name: &str, failed: bool, lag_h: Option<i64>) -> OnlineTableFacts {
    OnlineTableFacts {
        name: name.into(),
        sync_failed: failed,
        sync_state: failed.then(|| "SYNCED_TABLE_OFFLINE_FAILED".to_string()),
        message: None,
        lag_ms: lag_h.map(|h| h * H),
    }
}

fn facts(drift: Vec<DriftTable>, features: Vec<FeatureTableFacts>) -> Supplied {
    Supplied {
        drift: Source::Read(drift),
        quality: Source::NotWired,
        monitors: Source::NotWired,
        features: Source::Read(features),
    }
}

fn fresh(name: &str) -> TableState {
    TableState {
        table: name.into(),
        updated_at: Some(0),
        freshness: Freshness::Fresh { age_ms: H },
        online: Vec::new(),
        error: None,
    }
}

/// churn-prod: v4 (90 %) on customer_features, v5 (10 %) on txn_agg_30d, v6 (0 %) on both.
fn churn_prod() -> EndpointLineage {
    let dep = |v: &str, tables: &[&str]| VersionDeps {
        model: "main.ml.churn_model".into(),
        version: v.into(),
        tables: tables.iter().map(|t| t.to_string()).collect(),
        functions: Vec::new(),
        error: None,
        note: None,
    };
    let served = vec![
        ("a".into(), "main.ml.churn_model".into(), "4".into(), 90),
        ("b".into(), "main.ml.churn_model".into(), "5".into(), 10),
    ];
    let deps = vec![dep("4", &[CUSTOMER]), dep("5", &[TXN])];
    assemble("churn-prod", &served, &deps, &[fresh(CUSTOMER), fresh(TXN)])
}

#[test]
fn one_marker_names_the_problem_or_combines_them() {
    assert_eq!(marker_text(&[]), None);
    assert_eq!(
        marker_text(&[Problem::Drifting]).as_deref(),
        Some("drifting features")
    );
    assert_eq!(
        marker_text(&[Problem::OnlineStale]).as_deref(),
        Some("online features stale")
    );
    assert_eq!(
        marker_text(&[Problem::Drifting, Problem::Stale, Problem::Drifting]).as_deref(),
        Some("stale/drifting features")
    );
}

#[test]
fn only_the_newest_window_over_its_threshold_makes_a_table_drift() {
    let settings = DriftSettings::default();
    let now_drifting = drift(
        CUSTOMER,
        "avg_basket_value",
        vec![window(2, 0.45, 1e-9), window(1, 0.01, 0.9)],
    );
    let h = table_health(
        CUSTOMER,
        &facts(vec![now_drifting], Vec::new()),
        &settings,
        &FeaturesSettings::default(),
    );
    assert_eq!(h.drifting, ["avg_basket_value (psi 0.45, critical)"]);
    // Drifted once, calm in the newest window: not drifting.
    let calmed = drift(
        CUSTOMER,
        "avg_basket_value",
        vec![window(1, 0.45, 1e-9), window(2, 0.01, 0.9)],
    );
    let h = table_health(
        CUSTOMER,
        &facts(vec![calmed], Vec::new()),
        &settings,
        &FeaturesSettings::default(),
    );
    assert!(h.is_empty(), "{h:?}");
    // Facts not read: nothing is judged.
    let unread = Supplied {
        drift: Source::Failed("no warehouse".into()),
        ..facts(Vec::new(), Vec::new())
    };
    let h = table_health(CUSTOMER, &unread, &settings, &FeaturesSettings::default());
    assert!(h.is_empty());
}

#[test]
fn an_online_table_is_stale_when_its_sync_failed_or_lags_past_the_sla() {
    let t = FeatureTableFacts {
        table: CUSTOMER.into(),
        last_write_ms: Some(0),
        online: vec![
            online("main.features_online.a", true, None),
            online("main.features_online.b", false, Some(30)),
            online("main.features_online.c", false, Some(2)),
            online("main.features_online.d", false, None),
        ],
    };
    let h = table_health(
        CUSTOMER,
        &facts(Vec::new(), vec![t.clone()]),
        &DriftSettings::default(),
        &FeaturesSettings::default(),
    );
    assert_eq!(
        h.online_stale,
        [
            "main.features_online.a (sync SYNCED_TABLE_OFFLINE_FAILED)",
            "main.features_online.b (lag 30 h)"
        ]
    );
    // The table's own SLA decides the lag.
    let mut settings = FeaturesSettings::default();
    settings.sla_per_table.insert(CUSTOMER.into(), 48 * H);
    let h = table_health(
        CUSTOMER,
        &facts(Vec::new(), vec![t]),
        &DriftSettings::default(),
        &settings,
    );
    assert_eq!(h.online_stale.len(), 1, "{h:?}");
}

#[test]
fn a_drifting_table_marks_the_endpoint_a_calm_fresh_one_does_not() {
    let drifting = facts(
        vec![drift(
            CUSTOMER,
            "avg_basket_value",
            vec![window(3, 0.45, 1e-9)],
        )],
        Vec::new(),
    );
    let mut l = vec![churn_prod()];
    assert_eq!(l[0].marker(), None, "fresh tables, no facts: no marker");
    judge_health(
        &mut l,
        Some(&drifting),
        &DriftSettings::default(),
        &FeaturesSettings::default(),
    );
    assert_eq!(l[0].marker().as_deref(), Some("drifting features"));
    let reasons = l[0].reasons();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].starts_with(
            "main.features.customer_features drifting: avg_basket_value (psi 0.45, critical) \
             via churn_model v4, 90%"
        ),
        "{reasons:?}"
    );
    // Calm drift on the same tables: no marker.
    let calm = facts(
        vec![drift(
            CUSTOMER,
            "avg_basket_value",
            vec![window(3, 0.01, 0.9)],
        )],
        Vec::new(),
    );
    let mut l = vec![churn_prod()];
    judge_health(
        &mut l,
        Some(&calm),
        &DriftSettings::default(),
        &FeaturesSettings::default(),
    );
    assert_eq!(l[0].marker(), None);
    assert!(l[0].health.is_empty());
    // A table no version with traffic uses marks nothing.
    let elsewhere = facts(
        vec![drift(
            "main.features.other",
            "x",
            vec![window(3, 0.45, 1e-9)],
        )],
        Vec::new(),
    );
    let mut l = vec![churn_prod()];
    judge_health(
        &mut l,
        Some(&elsewhere),
        &DriftSettings::default(),
        &FeaturesSettings::default(),
    );
    assert_eq!(l[0].marker(), None);
}

#[test]
fn stale_offline_and_a_failed_online_sync_combine_in_one_marker() {
    let mut e = churn_prod();
    e.tables[1].freshness = Freshness::Stale { age_ms: 52 * H };
    let failed = facts(
        Vec::new(),
        vec![FeatureTableFacts {
            table: CUSTOMER.into(),
            last_write_ms: Some(0),
            online: vec![online("main.features_online.customer_features", true, None)],
        }],
    );
    let mut l = vec![e];
    judge_health(
        &mut l,
        Some(&failed),
        &DriftSettings::default(),
        &FeaturesSettings::default(),
    );
    assert_eq!(l[0].marker().as_deref(), Some("stale/online features"));
    let reasons = l[0].reasons();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[1].contains("online stale: main.features_online.customer_features (sync"));
}
