//! The monitoring facts of the alert rules, read with the Monitoring screen's own readers
//! (`ops::drift`, `ops::quality`) and turned into the plain facts the evaluator judges: per
//! monitored table, each feature's statistics per window (named as the drift table names them)
//! and each model version's quality metrics per window.

use std::collections::BTreeMap;

use crate::ops::drift::{DriftMatrix, DriftStats};
use crate::ops::metric_tables::Window;
use crate::ops::quality::QualityReport;

use super::facts::{
    DriftTable, DriftWindow, FeatureDrift, QualityTable, QualityWindow, VersionQuality,
};

/// A window's start and end in Unix ms (`None` when the warehouse printed something else).
pub fn window_ms(w: &Window) -> Option<(i64, i64)> {
    Some((parse_ms(&w.start)?, parse_ms(&w.end)?))
}

fn parse_ms(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(d.timestamp_millis());
    }
    let naive = t.trim_end_matches('Z').replace('T', " ");
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(&naive, f).ok())
    .map(|d| d.and_utc().timestamp_millis())
}

/// The statistics of a cell under the drift table's column names.
fn statistics(s: &DriftStats) -> BTreeMap<String, f64> {
    let named = [
        ("population_stability_index", s.psi),
        ("js_distance", s.js),
        ("wasserstein_distance", s.wasserstein),
        ("ks_test.statistic", s.ks_statistic),
        ("ks_test.pvalue", s.ks_pvalue),
        ("chi_squared_test.statistic", s.chi2_statistic),
        ("chi_squared_test.pvalue", s.chi2_pvalue),
        ("tv_distance", s.tv),
        ("l_infinity_distance", s.l_inf),
    ];
    named
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_string(), v.filter(|v| v.is_finite())?)))
        .collect()
}

/// The drift facts of `table` (the monitored table) from its matrix; windows oldest first,
/// a window without a row for a feature left out of that feature.
pub fn drift_table(table: &str, m: &DriftMatrix) -> DriftTable {
    let windows: Vec<Option<(i64, i64)>> = m.windows.iter().map(window_ms).collect();
    let features = m
        .features
        .iter()
        .map(|f| FeatureDrift {
            feature: f.name.clone(),
            windows: f
                .cells
                .iter()
                .zip(&windows)
                .filter_map(|(cell, w)| {
                    let (start_ms, end_ms) = (*w)?;
                    Some(DriftWindow {
                        start_ms,
                        end_ms,
                        statistics: statistics(&cell.as_ref()?.stats),
                    })
                })
                .collect(),
        })
        .collect();
    DriftTable {
        table: table.to_string(),
        features,
    }
}

/// The quality facts of `table` from its report.
pub fn quality_table(table: &str, q: &QualityReport) -> QualityTable {
    let windows: Vec<Option<(i64, i64)>> = q.windows.iter().map(window_ms).collect();
    let versions = q
        .versions
        .iter()
        .map(|v| VersionQuality {
            version: v.version.clone(),
            windows: v
                .points
                .iter()
                .filter_map(|p| {
                    let (start_ms, end_ms) = (*windows.get(p.window)?)?;
                    let metrics = q
                        .metrics
                        .iter()
                        .zip(&p.values)
                        .filter_map(|(m, v)| Some((m.name.clone(), v.filter(|v| v.is_finite())?)))
                        .collect();
                    Some(QualityWindow {
                        start_ms,
                        end_ms,
                        metrics,
                    })
                })
                .collect(),
        })
        .collect();
    QualityTable {
        table: table.to_string(),
        model: q.model_column.clone(),
        versions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_as_warehouses_print_them() {
        let w = Window {
            start: "2026-11-01T00:00:00.000Z".into(),
            end: "2026-11-02 00:00:00".into(),
        };
        assert_eq!(
            window_ms(&w),
            Some((1_793_491_200_000, 1_793_491_200_000 + 86_400_000))
        );
        let bad = Window {
            start: "yesterday".into(),
            end: "today".into(),
        };
        assert_eq!(window_ms(&bad), None);
    }

    #[test]
    fn statistics_keep_the_drift_tables_names_and_drop_missing_values() {
        let s = DriftStats {
            psi: Some(0.3),
            ks_pvalue: Some(1e-9),
            js: Some(f64::NAN),
            ..DriftStats::default()
        };
        let m = statistics(&s);
        assert_eq!(m.get("population_stability_index"), Some(&0.3));
        assert_eq!(m.get("ks_test.pvalue"), Some(&1e-9));
        assert!(!m.contains_key("js_distance"));
        assert_eq!(m.len(), 2);
    }
}
