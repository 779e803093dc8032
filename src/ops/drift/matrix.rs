//! From the rows of the drift statement to the ranked matrix.

use std::collections::{BTreeMap, HashMap};

use crate::config::drift::Thresholds;
use crate::ops::metric_tables::{self as mt, WarehouseUsed};
use crate::ops::sql::SqlResult;

use super::{
    CountSource, DriftCell, DriftMatrix, DriftStats, DriftType, FeatureDrift, ModelFilter,
    RECENT_WINDOWS, Severity, SliceFilter, judge,
};

/// Profile counts by (window start, column name).
pub(crate) type Counts = HashMap<(String, String), i64>;

pub(crate) fn counts(r: &SqlResult) -> Counts {
    let (w, c, n) = (
        r.column("window_start"),
        r.column("column_name"),
        r.column("count"),
    );
    r.rows
        .iter()
        .filter_map(|row| Some(((mt::cell(row, w)?, mt::cell(row, c)?), mt::integer(row, n)?)))
        .collect()
}

/// The matrix of `r` (table, warehouse and filters left for the caller to fill in).
pub(crate) fn build(
    r: &SqlResult,
    counts: Option<&Counts>,
    thresholds: impl Fn(&str) -> Thresholds,
) -> DriftMatrix {
    let windows = mt::windows(r);
    let index: HashMap<&str, usize> = windows
        .iter()
        .enumerate()
        .map(|(i, w)| (w.start.as_str(), i))
        .collect();
    let col = |n: &str| r.column(n);
    let (ws, name) = (col("window_start"), col("column_name"));
    let (psi, js, wd) = (col("psi"), col("js"), col("wasserstein"));
    let (ks_s, ks_p) = (col("ks_statistic"), col("ks_pvalue"));
    let (chi_s, chi_p) = (col("chi2_statistic"), col("chi2_pvalue"));
    let (tv, linf, delta, dt) = (
        col("tv"),
        col("l_inf"),
        col("count_delta"),
        col("data_type"),
    );
    let mut features: BTreeMap<String, FeatureDrift> = BTreeMap::new();
    for row in &r.rows {
        let (Some(start), Some(feature)) = (mt::cell(row, ws), mt::cell(row, name)) else {
            continue;
        };
        let Some(&i) = index.get(start.as_str()) else {
            continue;
        };
        let stats = DriftStats {
            psi: mt::number(row, psi),
            js: mt::number(row, js),
            wasserstein: mt::number(row, wd),
            ks_statistic: mt::number(row, ks_s),
            ks_pvalue: mt::number(row, ks_p),
            chi2_statistic: mt::number(row, chi_s),
            chi2_pvalue: mt::number(row, chi_p),
            tv: mt::number(row, tv),
            l_inf: mt::number(row, linf),
            count_delta: mt::integer(row, delta),
            data_type: mt::cell(row, dt),
        };
        let f = features
            .entry(feature.clone())
            .or_insert_with(|| FeatureDrift {
                name: feature.clone(),
                data_type: None,
                cells: vec![None; windows.len()],
                thresholds: thresholds(&feature),
                recent: Severity::Ok,
            });
        if f.data_type.is_none() {
            f.data_type = stats.data_type.clone();
        }
        let count = counts.and_then(|c| c.get(&(start, feature)).copied());
        let judgement = judge(&stats, &f.thresholds);
        f.cells[i] = Some(DriftCell {
            stats,
            count,
            judgement,
        });
    }
    let from = windows.len().saturating_sub(RECENT_WINDOWS);
    let mut features: Vec<FeatureDrift> = features.into_values().collect();
    let mut worst_ratio: HashMap<String, f64> = HashMap::new();
    for f in &mut features {
        let recent = f.cells[from..].iter().flatten();
        f.recent = recent
            .clone()
            .map(|c| c.judgement.severity)
            .max()
            .unwrap_or(Severity::Ok);
        let ratio = recent
            .filter(|c| c.judgement.severity == f.recent)
            .map(|c| c.judgement.ratio)
            .fold(0.0, f64::max);
        worst_ratio.insert(f.name.clone(), ratio);
    }
    features.sort_by(|a, b| {
        let (ra, rb) = (worst_ratio[&a.name], worst_ratio[&b.name]);
        b.recent
            .cmp(&a.recent)
            .then(rb.total_cmp(&ra))
            .then(a.name.cmp(&b.name))
    });
    DriftMatrix {
        table: String::new(),
        warehouse: WarehouseUsed {
            id: String::new(),
            name: String::new(),
        },
        drift_type: DriftType::Consecutive,
        model: ModelFilter::All,
        slice: SliceFilter::Total,
        model_column: None,
        windows,
        features,
        counts: CountSource::CountDelta,
        missing: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::sql::Column;

    fn result(rows: &[[&str; 5]]) -> SqlResult {
        let names = [
            "window_start",
            "window_end",
            "column_name",
            "psi",
            "ks_pvalue",
        ];
        SqlResult {
            statement_id: "s".into(),
            columns: names
                .iter()
                .enumerate()
                .map(|(i, n)| Column {
                    name: n.to_string(),
                    type_name: String::new(),
                    position: i,
                })
                .collect(),
            rows: rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| (!c.is_empty()).then(|| c.to_string()))
                        .collect()
                })
                .collect(),
            truncated: false,
        }
    }

    #[test]
    fn windows_are_sorted_and_features_ranked_by_recent_severity() {
        let r = result(&[
            ["2026-01-02", "e", "b", "0.01", "0.5"],
            ["2026-01-01", "e", "b", "0.01", "0.5"],
            ["2026-01-02", "e", "a", "0.3", "0.0001"],
            ["2026-01-01", "e", "a", "0.01", "0.5"],
            ["2026-01-02", "e", "c", "0.02", "0.0001"],
        ]);
        let m = build(&r, None, |_| Thresholds::default());
        let starts: Vec<&str> = m.windows.iter().map(|w| w.start.as_str()).collect();
        assert_eq!(starts, ["2026-01-01", "2026-01-02"]);
        let names: Vec<&str> = m.features.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "c", "b"]);
        assert_eq!(m.features[0].recent, Severity::Critical);
        assert_eq!(m.features[1].recent, Severity::Notice);
        assert!(m.features[1].cell(0).is_none());
        let s = m.series("a", super::super::Statistic::Psi).unwrap();
        assert_eq!(s.values, [Some(0.01), Some(0.3)]);
        assert_eq!(s.threshold.unwrap().warning, 0.1);
        let ranked: Vec<&str> = m
            .ranked_at(0)
            .iter()
            .map(|(f, _)| f.name.as_str())
            .collect();
        assert_eq!(ranked, ["a", "b"]);
    }
}
