use std::collections::BTreeMap;

use super::*;
use crate::config::drift::Thresholds;
use crate::ops::drift::{
    CountSource, DriftCell, DriftStats, DriftType, FeatureDrift, ModelFilter, SliceFilter, judge,
};

fn window(day: u32) -> Window {
    Window {
        start: format!("2026-11-{day:02}T00:00:00.000Z"),
        end: format!("2026-11-{:02}T00:00:00.000Z", day + 1),
    }
}

fn cell(psi: f64, p: f64) -> Option<DriftCell> {
    let stats = DriftStats {
        psi: Some(psi),
        ks_pvalue: Some(p),
        ..DriftStats::default()
    };
    Some(DriftCell {
        judgement: judge(&stats, &Thresholds::default()),
        stats,
        count: None,
    })
}

fn feature(name: &str, cells: Vec<Option<DriftCell>>) -> FeatureDrift {
    FeatureDrift {
        name: name.into(),
        data_type: Some("double".into()),
        cells,
        thresholds: Thresholds::default(),
        recent: Severity::Ok,
    }
}

fn matrix(features: Vec<FeatureDrift>) -> DriftMatrix {
    DriftMatrix {
        table: "main.f.t_drift_metrics".into(),
        warehouse: WarehouseUsed {
            id: "w".into(),
            name: "w".into(),
        },
        drift_type: DriftType::Consecutive,
        model: ModelFilter::All,
        slice: SliceFilter::Total,
        model_column: None,
        windows: vec![window(1), window(2), window(3)],
        features,
        counts: CountSource::CountDelta,
        missing: Vec::new(),
    }
}

fn rates(series: &[(&str, &[f64])]) -> NullRates {
    series
        .iter()
        .map(|(f, r)| {
            let by_window: BTreeMap<Window, f64> = r
                .iter()
                .enumerate()
                .map(|(i, v)| (window(i as u32 + 1), *v))
                .collect();
            (f.to_string(), by_window)
        })
        .collect()
}

#[test]
fn the_latest_window_decides_and_the_worst_feature_comes_first() {
    let m = matrix(vec![
        // Drifted long ago, calm now: not drifting.
        feature(
            "calm",
            vec![cell(0.5, 1e-9), cell(0.01, 0.8), cell(0.02, 0.7)],
        ),
        // Calm, then drifting in the newest window.
        feature(
            "spend",
            vec![cell(0.01, 0.9), cell(0.02, 0.8), cell(0.6, 1e-12)],
        ),
        feature("customer_id", vec![cell(0.9, 1e-12), None, None]),
    ]);
    let r = rates(&[("calm", &[0.0, 0.0, 0.0]), ("login", &[1.0, 9.0, 26.0])]);
    let keys = vec!["CUSTOMER_ID".to_string()];
    let out = assemble(Some(&m), Some(&r), &keys);
    let names: Vec<&str> = out.iter().map(|f| f.feature.as_str()).collect();
    assert_eq!(
        names,
        ["spend", "login", "calm"],
        "keys left out, worst first"
    );
    let spend = &out[0];
    assert!(spend.is_drifting());
    let d = spend.drift.as_ref().unwrap();
    assert_eq!(d.severity, Severity::Critical);
    assert_eq!(d.statistic.as_deref(), Some("psi"));
    assert_eq!(d.window, window(3));
    assert!(!out[2].is_drifting(), "only the newest window counts");
    let login = &out[1];
    assert!(login.drift.is_none());
    assert_eq!(login.null_rate, Some(26.0));
    assert_eq!(login.null_rate_before, Some(1.0));
    assert!(login.nulls_rising() && !out[2].nulls_rising());
    assert_eq!(login.window, Some(window(3)));
}

#[test]
fn either_source_alone_still_gives_features() {
    let m = matrix(vec![feature("a", vec![None, cell(0.01, 0.9), None])]);
    let only_drift = assemble(Some(&m), None, &[]);
    assert_eq!(only_drift.len(), 1);
    assert_eq!(only_drift[0].drift.as_ref().unwrap().window, window(2));
    assert_eq!(only_drift[0].null_rate, None);
    let r = rates(&[("b", &[3.0])]);
    let only_nulls = assemble(None, Some(&r), &[]);
    assert_eq!(only_nulls[0].null_rate, Some(3.0));
    assert_eq!(only_nulls[0].null_rate_before, None, "one window: no trend");
    assert!(assemble(None, None, &[]).is_empty());
}
