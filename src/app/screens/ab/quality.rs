//! The A/B view's quality row: how well each side's model version predicts, once labels exist.
//!
//! The endpoint's inference table (its AI Gateway inference table, else its legacy
//! auto-capture table) → that table's monitor → the monitor's profile metrics table →
//! `ops::quality::load_quality` on the monitoring warehouse → the latest value of the first
//! quality metric (`accuracy_score` when the table has it) for each side's version. Every link
//! that is missing says so in the row (no inference table, no monitor, no label column, metric
//! tables not created yet, no warehouse, no labeled window for a version) rather than leaving
//! it blank.

use crate::api::models::monitors::{Monitor, MonitorKind};
use crate::api::models::serving::ServingEndpoint;
use crate::ops::quality::QualityReport;

use super::super::super::remote::{Accepted, LoadError, RequestId, replace};
use super::super::super::screen::ScreenId;
use super::super::super::state::State;
use super::super::{RoomKey, refresh_every_ms};

pub const QUALITY: RoomKey = RoomKey {
    screen: ScreenId::Serving,
    what: "A/B quality",
};

/// The metric the row prefers when the profile table has it.
pub const PREFERRED_METRIC: &str = "accuracy_score";

/// What to read: one endpoint's inference table and the two versions compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub endpoint: String,
    /// `None`: the endpoint logs no inference table (answered without a request).
    pub table: Option<String>,
    pub a_version: String,
    pub b_version: String,
}

impl Fetch {
    pub fn key(&self) -> RoomKey {
        QUALITY
    }
}

/// The row.
#[derive(Debug, Clone, PartialEq)]
pub enum AbQuality {
    /// The latest value of `metric` per side; `None`: that version has no labeled window.
    Values {
        metric: String,
        /// The profile metrics table read.
        table: String,
        a: Option<f64>,
        b: Option<f64>,
    },
    /// Why there is no value to show.
    Unavailable(String),
}

/// The answer, with what it answers (a late one for another pair is not shown as this one's).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub fetch: Fetch,
    pub result: Result<AbQuality, LoadError>,
}

impl Loaded {
    pub fn key(&self) -> RoomKey {
        QUALITY
    }
}

/// The endpoint's inference table: the AI Gateway's, else the legacy auto-capture one.
pub fn inference_table(ep: &ServingEndpoint) -> Option<String> {
    let ai = ep
        .ai_gateway
        .as_ref()
        .and_then(|g| g.inference_table_config.as_ref())
        .and_then(|c| c.payload_table());
    ai.or_else(|| {
        ep.config
            .as_ref()
            .and_then(|c| c.auto_capture_config.as_ref())
            .and_then(|c| c.payload_table())
    })
}

/// The model version a served entity of `ep` serves.
fn version_of(ep: &ServingEndpoint, entity: &str) -> Option<String> {
    ep.config
        .as_ref()?
        .served_entities
        .iter()
        .find(|e| e.name == entity)?
        .entity_version
        .clone()
}

/// Where the quality of `table`'s rows is: (profile metrics table, model id column), or why
/// there is none.
pub fn source(table: &str, monitor: Option<&Monitor>) -> Result<(String, Option<String>), String> {
    let Some(m) = monitor else {
        return Err(format!("no monitor on {table}"));
    };
    let MonitorKind::InferenceLog {
        label_column,
        model_id_column,
        ..
    } = &m.kind
    else {
        return Err(format!(
            "{table}'s monitor is a {} monitor: no model quality",
            m.kind.label()
        ));
    };
    if label_column.as_deref().is_none_or(|c| c.trim().is_empty()) {
        return Err(format!("no labels: {table}'s monitor has no label column"));
    }
    match &m.profile_metrics_table {
        Some(p) => Ok((p.clone(), model_id_column.clone())),
        None => Err(format!("metric tables not created yet ({table})")),
    }
}

/// The row from a quality report: the preferred metric, else the first one.
pub fn row(report: &QualityReport, a_version: &str, b_version: &str) -> AbQuality {
    let Some(i) = report
        .metric(PREFERRED_METRIC)
        .or((!report.metrics.is_empty()).then_some(0))
    else {
        return AbQuality::Unavailable(format!(
            "no quality metrics in {}: no labels yet",
            report.table
        ));
    };
    let latest = |v: &str| {
        report
            .version(v)
            .and_then(|q| q.latest.get(i).copied().flatten())
    };
    AbQuality::Values {
        metric: report.metrics[i].name.clone(),
        table: report.table.clone(),
        a: latest(a_version),
        b: latest(b_version),
    }
}

/// What the row should answer now: the endpoint shown and the pair compared.
fn wanted(state: &State) -> Option<Fetch> {
    let ep = state.serving.current()?;
    let (a, b) = super::pair(state)?;
    Some(Fetch {
        endpoint: ep.name.clone(),
        table: inference_table(ep),
        a_version: version_of(ep, &a).unwrap_or_default(),
        b_version: version_of(ep, &b).unwrap_or_default(),
    })
}

/// Reads the row when the pair changed, when it is due, or when `force`; an endpoint without
/// an inference table is answered at once.
pub(crate) fn load(
    state: &mut State,
    force: bool,
    fx: &mut Vec<super::super::super::effect::Effect>,
) {
    let Some(want) = wanted(state) else {
        return;
    };
    let every = refresh_every_ms(state);
    let now = state.now_ms;
    let ab = &mut state.ab;
    let other = ab.quality_of.as_ref() != Some(&want);
    if !(force || other || ab.quality.is_due(now, every)) || (!other && ab.quality.is_loading()) {
        return;
    }
    if other {
        ab.quality = Default::default();
    }
    ab.quality_of = Some(want.clone());
    if want.table.is_none() {
        ab.quality.data = Some(AbQuality::Unavailable(format!(
            "no inference table on {}",
            want.endpoint
        )));
        ab.quality.loaded_at = Some(now);
        ab.quality.answered_at = Some(now);
        return;
    }
    let req = state.next_request();
    state.ab.quality.start(req);
    fx.push(super::super::super::effect::Effect::Fetch {
        req,
        fetch: super::super::super::effect::Fetch::Room(super::super::RoomFetch::Ab(want)),
    });
}

pub(crate) fn on_loaded(state: &mut State, req: RequestId, at: i64, loaded: Loaded) -> Accepted {
    let ab = &mut state.ab;
    if ab.quality_of.as_ref() != Some(&loaded.fetch) {
        return Accepted::Stale;
    }
    ab.quality.accept(req, at, loaded.result, replace)
}

pub(crate) fn on_failed(state: &mut State, req: RequestId, at: i64, message: &str) -> Accepted {
    let e = LoadError::Failed(format!("internal error: {message}"));
    state.ab.quality.fail(req, at, e)
}

pub(crate) fn loading(state: &State) -> usize {
    usize::from(state.ab.quality.is_loading())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::monitors::MonitorApi;
    use crate::ops::metric_tables::{TableColumn, WarehouseUsed};
    use crate::ops::quality::{QualityReport, VersionQuality, quality_metrics};

    fn monitor(kind: MonitorKind, profile: Option<&str>) -> Monitor {
        Monitor {
            table: "main.ml.t".into(),
            table_id: None,
            kind,
            status: None,
            failure_message: None,
            schedule: None,
            profile_metrics_table: profile.map(String::from),
            drift_metrics_table: profile.map(|_| "main.ml.t_drift_metrics".into()),
            baseline_table: None,
            slicing_exprs: Vec::new(),
            output_schema: None,
            dashboard_id: None,
            monitor_version: None,
            api: MonitorApi::Legacy,
        }
    }

    fn inference(label: Option<&str>) -> MonitorKind {
        MonitorKind::InferenceLog {
            problem_type: None,
            prediction_column: Some("prediction".into()),
            label_column: label.map(String::from),
            model_id_column: Some("model_id".into()),
            timestamp_column: Some("ts".into()),
            prediction_proba_column: None,
            granularities: vec!["1 day".into()],
        }
    }

    #[test]
    fn every_missing_link_says_why() {
        let t = "main.ml.t";
        assert_eq!(source(t, None), Err("no monitor on main.ml.t".into()));
        let snap = monitor(MonitorKind::Snapshot, Some("p"));
        assert!(
            source(t, Some(&snap))
                .unwrap_err()
                .contains("snapshot monitor")
        );
        let unlabeled = monitor(inference(None), Some("p"));
        assert!(
            source(t, Some(&unlabeled))
                .unwrap_err()
                .starts_with("no labels")
        );
        let creating = monitor(inference(Some("label")), None);
        assert_eq!(
            source(t, Some(&creating)),
            Err("metric tables not created yet (main.ml.t)".into())
        );
        let ready = monitor(inference(Some("label")), Some("main.ml.t_profile_metrics"));
        assert_eq!(
            source(t, Some(&ready)),
            Ok(("main.ml.t_profile_metrics".into(), Some("model_id".into())))
        );
    }

    fn report(columns: &[(&str, &str)], versions: &[(&str, Vec<Option<f64>>)]) -> QualityReport {
        let cols: Vec<TableColumn> = columns
            .iter()
            .map(|(n, t)| TableColumn {
                name: n.to_string(),
                data_type: t.to_string(),
            })
            .collect();
        QualityReport {
            table: "main.ml.t_profile_metrics".into(),
            warehouse: WarehouseUsed {
                id: "w".into(),
                name: "w".into(),
            },
            model_column: Some("model_id".into()),
            metrics: quality_metrics(&cols, None).unwrap(),
            windows: Vec::new(),
            versions: versions
                .iter()
                .map(|(v, latest)| VersionQuality {
                    version: v.to_string(),
                    points: Vec::new(),
                    latest: latest.clone(),
                    change: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_row_prefers_accuracy_and_names_a_version_without_labels() {
        let r = report(
            &[
                ("f1_score", "struct<macro:double>"),
                ("accuracy_score", "double"),
            ],
            &[("4", vec![Some(0.71), Some(0.78)]), ("5", vec![None, None])],
        );
        assert_eq!(
            row(&r, "4", "6"),
            AbQuality::Values {
                metric: "accuracy_score".into(),
                table: "main.ml.t_profile_metrics".into(),
                a: Some(0.78),
                b: None,
            }
        );
        let custom = report(&[("lift", "double")], &[("4", vec![Some(1.4)])]);
        assert!(
            matches!(row(&custom, "4", "5"), AbQuality::Values { metric, .. } if metric == "lift")
        );
        let none = report(&[], &[]);
        assert!(
            matches!(row(&none, "4", "5"), AbQuality::Unavailable(w) if w.contains("no labels"))
        );
    }
}
