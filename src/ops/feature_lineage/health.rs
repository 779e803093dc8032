//! Drift and online staleness of the feature tables an endpoint depends on, for the "blast
//! radius" marker beside offline staleness (issue 14 §3). Judged from the monitoring facts the
//! alerts keep (`ops::alerts::Supplied`: each monitored table's drift per feature and window,
//! each feature table's online tables with their sync state and lag), so the marker costs no
//! read of its own: those facts are read at most every `[alerts] monitoring_interval`.
//!
//! - A table is **drifting** when a feature's newest drift window is judged warning or worse by
//!   the drift severity rules (`ops::drift::judge`, thresholds from `[drift]`).
//! - An online table is **stale** when its sync failed, or when the lag between the offline
//!   table's last write and the end of its last sync is past the table's SLA
//!   (`[features] sla_per_table`, else `sla`).
//!
//! Facts that were not read (never yet, or failed) mark nothing: the offline freshness still
//! does.

use serde::Serialize;

use crate::config::drift::DriftSettings;
use crate::config::features::FeaturesSettings;
use crate::ops::alerts::Supplied;
use crate::ops::alerts::facts::{DriftTable, FeatureTableFacts, Source};
use crate::ops::drift::{DriftStats, judge};

use super::EndpointLineage;
use super::stale::age_text;

/// What the monitoring facts say about one feature table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TableHealth {
    pub table: String,
    /// Drifting features: "avg_basket_value (psi 0.41, critical)".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drifting: Vec<String>,
    /// Stale online tables: "main.features_online.x (sync FAILED)", "… (lag 30 h)".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub online_stale: Vec<String>,
}

impl TableHealth {
    pub fn is_empty(&self) -> bool {
        self.drifting.is_empty() && self.online_stale.is_empty()
    }
}

/// A feature problem an endpoint is marked for, mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// The offline table is past its SLA.
    Stale,
    /// An online table is stale or its sync failed.
    OnlineStale,
    /// A feature drifts.
    Drifting,
}

impl Problem {
    fn word(self) -> &'static str {
        match self {
            Problem::Stale => "stale",
            Problem::OnlineStale => "online",
            Problem::Drifting => "drifting",
        }
    }
}

/// The marker's text for `problems` (any order, at least one): one problem by its own name,
/// several combined briefly ("stale/drifting features", "stale/online/drifting features").
pub fn marker_text(problems: &[Problem]) -> Option<String> {
    let mut p = problems.to_vec();
    p.sort();
    p.dedup();
    match p.as_slice() {
        [] => None,
        [Problem::Stale] => Some("stale features".into()),
        [Problem::Drifting] => Some("drifting features".into()),
        [Problem::OnlineStale] => Some("online features stale".into()),
        many => Some(format!(
            "{} features",
            many.iter().map(|x| x.word()).collect::<Vec<_>>().join("/")
        )),
    }
}

/// The health of `table` from the facts (`None` when neither source was read).
pub fn table_health(
    table: &str,
    facts: &Supplied,
    drift: &DriftSettings,
    features: &FeaturesSettings,
) -> TableHealth {
    let same = |t: &str| t.eq_ignore_ascii_case(table);
    let drifting = match &facts.drift {
        Source::Read(tables) => tables
            .iter()
            .filter(|t| same(&t.table))
            .flat_map(|t| drifting_features(t, drift))
            .collect(),
        _ => Vec::new(),
    };
    let sla = features.sla_of(table);
    let online_stale = match &facts.features {
        Source::Read(tables) => tables
            .iter()
            .filter(|t| same(&t.table))
            .flat_map(|t| stale_online(t, sla))
            .collect(),
        _ => Vec::new(),
    };
    TableHealth {
        table: table.to_string(),
        drifting,
        online_stale,
    }
}

/// The features of `t` whose newest window crosses a threshold.
fn drifting_features(t: &DriftTable, settings: &DriftSettings) -> Vec<String> {
    let mut out = Vec::new();
    for f in &t.features {
        let Some(w) = f.windows.iter().max_by_key(|w| (w.end_ms, w.start_ms)) else {
            continue;
        };
        let s = |k: &str| w.statistics.get(k).copied();
        let stats = DriftStats {
            psi: s("population_stability_index"),
            js: s("js_distance"),
            wasserstein: s("wasserstein_distance"),
            ks_statistic: s("ks_test.statistic"),
            ks_pvalue: s("ks_test.pvalue"),
            chi2_statistic: s("chi_squared_test.statistic"),
            chi2_pvalue: s("chi_squared_test.pvalue"),
            tv: s("tv_distance"),
            l_inf: s("l_infinity_distance"),
            count_delta: None,
            data_type: None,
        };
        let j = judge(&stats, &settings.thresholds(&[&t.table], &f.feature));
        if !j.severity.crossed() {
            continue;
        }
        let by = match (j.statistic, j.value) {
            (Some(st), Some(v)) => format!("{} {v:.2}, ", st.as_str()),
            _ => String::new(),
        };
        out.push(format!("{} ({by}{})", f.feature, j.severity.as_str()));
    }
    out
}

/// The online tables of `t` that failed or lag past `sla_ms`.
fn stale_online(t: &FeatureTableFacts, sla_ms: i64) -> Vec<String> {
    t.online
        .iter()
        .filter_map(|o| {
            if o.sync_failed {
                let state = o.sync_state.as_deref().unwrap_or("FAILED");
                Some(format!("{} (sync {state})", o.name))
            } else {
                let lag = o.lag_ms.filter(|l| *l > sla_ms)?;
                Some(format!("{} (lag {})", o.name, age_text(lag)))
            }
        })
        .collect()
}

/// Adds the health of every endpoint's tables from `facts` (the monitoring facts last kept;
/// `None`: never read, nothing added).
pub fn judge_health(
    lineage: &mut [EndpointLineage],
    facts: Option<&Supplied>,
    drift: &DriftSettings,
    features: &FeaturesSettings,
) {
    let Some(facts) = facts else {
        return;
    };
    for e in lineage {
        e.health = e
            .tables
            .iter()
            .filter(|t| t.error.is_none())
            .map(|t| table_health(&t.table, facts, drift, features))
            .filter(|h| !h.is_empty())
            .collect();
    }
}

#[cfg(test)]
#[path = "health_tests.rs"]
mod tests;
