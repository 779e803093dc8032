//! The monitoring facts of the alert rules, read from the workspace: the monitors are
//! discovered (`ops::monitors::discover`, remembering what was found), and for each monitor
//! whose metric tables exist its drift matrix (consecutive windows, every model version
//! together, the whole table) and quality report are read with the console's fixed statements
//! on the monitoring warehouse, with its latest refresh. Both the headless `alerts` and the
//! console use it.
//!
//! Nothing unread passes for OK: a warehouse that cannot be chosen, a failed statement, a
//! monitor that could not be read or a discovery source that could not be searched makes the
//! sources it feeds `Failed` with the reason, so the rules on them are unknown.

use futures::StreamExt;

use crate::api::Client;
use crate::api::models::monitors::{Monitor, MonitorKind};
use crate::api::models::sql::Warehouse;
use crate::api::sql_fixed::TableName;
use crate::config::drift::DriftSettings;
use crate::config::monitoring::MonitoringSettings;
use crate::ops::drift::{DriftOutcome, DriftRequest, load_drift};
use crate::ops::monitors::{self, MonitorMemory};
use crate::ops::quality::{QualityRequest, load_quality};
use crate::ops::sql::{Waiter, choose_warehouse};

use super::facts::{DriftTable, MonitorRefresh, QualityTable, RefreshState, Source};
use super::gather::Supplied;
use super::supply::{drift_table, quality_table};

/// Monitors whose tables are read at once (each runs up to a handful of statements).
pub const CONCURRENCY: usize = 3;

/// Where the monitoring facts are read: the warehouse the statements run on (`None`: the first
/// running one; none is started), `[monitoring]` (tables always considered) and `[drift]`.
#[derive(Debug, Clone, Copy)]
pub struct MonitoringInputs<'a> {
    pub warehouse_id: Option<&'a str>,
    pub settings: &'a MonitoringSettings,
    pub drift: &'a DriftSettings,
}

/// What one monitor gave.
struct MonitorFacts {
    drift: Option<Result<DriftTable, String>>,
    quality: Option<Result<QualityTable, String>>,
    refresh: Result<MonitorRefresh, String>,
}

/// The drift, quality and monitor-refresh facts of the workspace `client` talks to.
pub async fn supply(
    client: &Client,
    ctx: MonitoringInputs<'_>,
    memory: Option<&MonitorMemory>,
) -> Supplied {
    // Discovery searches the metric tables on the same warehouse the reads run on.
    let mut settings = ctx.settings.clone();
    settings.warehouse_id = ctx
        .warehouse_id
        .map(str::to_string)
        .or(settings.warehouse_id);
    let found = monitors::discover(client, &settings, memory).await;
    // A source that could not be searched may hide a monitor: nothing is judged complete.
    let unsearched: Vec<&String> = found
        .notes
        .iter()
        .filter(|n| !n.starts_with("what was found"))
        .collect();
    if !unsearched.is_empty() {
        let why = join(unsearched.iter().map(|s| s.as_str()));
        return failed_all(&format!("monitors not all found: {why}"));
    }
    let mut unread: Vec<String> = found
        .rows
        .iter()
        .filter_map(|r| Some(format!("{}: {}", r.table, r.error.as_ref()?)))
        .collect();
    let list: Vec<Monitor> = found.rows.into_iter().filter_map(|r| r.monitor).collect();
    let warehouse = if list.iter().any(|m| m.drift_metrics_table.is_some()) {
        Some(
            choose_warehouse(client, ctx.warehouse_id)
                .await
                .map_err(|e| format!("no warehouse to read the metric tables on: {e}")),
        )
    } else {
        None
    };
    let wh = warehouse.as_ref().map(|w| w.as_ref());
    // The futures are made first: a closure in the stream trips the `Send` proof of the
    // console's runtime tasks.
    let reads: Vec<_> = list.iter().map(|m| one(client, ctx, m, wh)).collect();
    let read: Vec<MonitorFacts> = futures::stream::iter(reads)
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let (mut drift, mut quality, mut refreshes) = (Vec::new(), Vec::new(), Vec::new());
    let (mut drift_errors, mut quality_errors) = (Vec::new(), Vec::new());
    for f in read {
        match f.drift {
            Some(Ok(t)) => drift.push(t),
            Some(Err(e)) => drift_errors.push(e),
            None => {}
        }
        match f.quality {
            Some(Ok(t)) => quality.push(t),
            Some(Err(e)) => quality_errors.push(e),
            None => {}
        }
        match f.refresh {
            Ok(r) => refreshes.push(r),
            Err(e) => unread.push(e),
        }
    }
    let unread_monitors = |mut errors: Vec<String>| {
        errors.extend(unread.iter().cloned());
        errors
    };
    Supplied {
        drift: source(drift, unread_monitors(drift_errors)),
        quality: source(quality, unread_monitors(quality_errors)),
        monitors: source(refreshes, unread.clone()),
        features: Source::NotWired,
    }
}

/// Every monitoring source failed for `why`.
pub fn failed_all(why: &str) -> Supplied {
    Supplied {
        drift: Source::Failed(why.to_string()),
        quality: Source::Failed(why.to_string()),
        monitors: Source::Failed(why.to_string()),
        features: Source::NotWired,
    }
}

fn source<T>(read: Vec<T>, errors: Vec<String>) -> Source<Vec<T>> {
    if errors.is_empty() {
        Source::Read(read)
    } else {
        Source::Failed(join(errors.iter().map(String::as_str)))
    }
}

fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    parts.collect::<Vec<_>>().join("; ")
}

/// The model id column an inference-log monitor names.
fn model_id_column(m: &Monitor) -> Option<String> {
    match &m.kind {
        MonitorKind::InferenceLog {
            model_id_column, ..
        } => model_id_column.clone(),
        _ => None,
    }
}

async fn one(
    client: &Client,
    ctx: MonitoringInputs<'_>,
    m: &Monitor,
    warehouse: Option<Result<&Warehouse, &String>>,
) -> MonitorFacts {
    let drift = async {
        let t = m.drift_metrics_table.as_deref()?;
        Some(match warehouse? {
            Ok(w) => read_drift(client, ctx, m, t, w).await,
            Err(why) => Err(why.clone()),
        })
    };
    let quality = async {
        let t = m.profile_metrics_table.as_deref()?;
        if !matches!(m.kind, MonitorKind::InferenceLog { .. }) {
            return None;
        }
        Some(match warehouse? {
            Ok(w) => read_quality(client, m, t, w).await,
            Err(why) => Err(why.clone()),
        })
    };
    let refresh = async {
        match monitors::read_detail(client, &m.table, Some(m.api)).await {
            Ok(Some(d)) => match d.refreshes_error {
                Some(e) if d.refreshes.is_empty() => {
                    Err(format!("{}: refreshes not read: {e}", m.table))
                }
                _ => Ok(MonitorRefresh {
                    table: m.table.clone(),
                    latest: d.refreshes.first().map(|r| RefreshState {
                        refresh_id: r.refresh_id.to_string(),
                        state: r.state.to_string(),
                        start_ms: r.start_time_ms,
                        end_ms: r.end_time_ms,
                        message: r.message.clone(),
                    }),
                }),
            },
            Ok(None) => Err(format!("{}: the monitor is gone", m.table)),
            Err(e) => Err(format!("{}: {e}", m.table)),
        }
    };
    let (drift, quality, refresh) = futures::join!(drift, quality, refresh);
    MonitorFacts {
        drift,
        quality,
        refresh,
    }
}

async fn read_drift(
    client: &Client,
    ctx: MonitoringInputs<'_>,
    m: &Monitor,
    drift_table_name: &str,
    w: &Warehouse,
) -> Result<DriftTable, String> {
    let fail = |e: &dyn std::fmt::Display| format!("{}: drift not read: {e}", m.table);
    let mut req = DriftRequest::new(TableName::parse(drift_table_name).map_err(|e| fail(&e))?);
    req.monitored = TableName::parse(&m.table).ok();
    req.model_id_col = model_id_column(m);
    match load_drift(client, w, &req, ctx.drift, &mut Waiter::real()).await {
        Ok(DriftOutcome::Matrix(matrix)) => Ok(drift_table(&m.table, &matrix)),
        // Fewer than two windows: nothing has drifted yet.
        Ok(DriftOutcome::NoDriftYet { .. }) => Ok(DriftTable {
            table: m.table.clone(),
            features: Vec::new(),
        }),
        Err(e) => Err(fail(&e)),
    }
}

async fn read_quality(
    client: &Client,
    m: &Monitor,
    profile_table_name: &str,
    w: &Warehouse,
) -> Result<QualityTable, String> {
    let fail = |e: &dyn std::fmt::Display| format!("{}: quality not read: {e}", m.table);
    let mut req = QualityRequest::new(TableName::parse(profile_table_name).map_err(|e| fail(&e))?);
    req.model_id_col = model_id_column(m);
    load_quality(client, w, &req, &mut Waiter::real())
        .await
        .map(|q| quality_table(&m.table, &q))
        .map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::alert_rules::AlertRules;
    use crate::ops::alerts::{Facts, evaluate};

    #[test]
    fn one_failed_read_fails_the_source_with_every_reason() {
        assert_eq!(source(vec![1, 2], Vec::new()), Source::Read(vec![1, 2]));
        let failed = source(vec![1], vec!["a: drift not read".into(), "b: gone".into()]);
        assert_eq!(failed, Source::Failed("a: drift not read; b: gone".into()));
    }

    #[test]
    fn failed_sources_leave_the_monitoring_rules_unknown_never_ok() {
        let s = failed_all("no warehouse to read the metric tables on: none running");
        let facts = Facts {
            drift: s.drift,
            quality: s.quality,
            monitors: s.monitors,
            ..Facts::default()
        };
        let eval = evaluate(&AlertRules::defaults().rules, &facts);
        for rule in ["feature-drift", "model-quality", "monitor-refresh-failed"] {
            let u = eval.unknown.iter().find(|u| u.rule == rule);
            assert!(
                u.is_some_and(|u| u.reason.contains("none running")),
                "{rule}: {:?}",
                eval.unknown
            );
        }
        assert!(eval.firing.is_empty());
    }
}
