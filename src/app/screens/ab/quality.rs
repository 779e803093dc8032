//! The A/B view's quality row: how well each side's model version predicts, once labels exist.
//!
//! The endpoint's linked tables (`ops::monitors::link::tables_of_endpoint`: its own inference
//! table, the tables `[monitoring] endpoints` links to it, and the known monitored tables whose
//! property `mlops.endpoint` names it) → the first whose monitor is an inference-log monitor
//! with labels and whose profile metrics hold either side's version → `ops::quality` on the
//! monitoring warehouse → the latest value of the first quality metric (`accuracy_score` when
//! the table has it) for each side, with its window and the table it came from. When no table
//! gives numbers the row says why for each one (no monitor, a time-series monitor, no label
//! column, metric tables not created yet, no rows for the versions), or that nothing is linked.

use crate::api::models::monitors::{Monitor, MonitorKind};
use crate::api::models::serving::ServingEndpoint;
use crate::ops::monitors::link::{parse_model_id, same_model};
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

/// One side of the comparison: its served entity and the model version it serves.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Side {
    pub entity: String,
    /// The registered model (`entity_name`); empty when the entity names none.
    pub model: String,
    pub version: String,
}

impl Side {
    /// `model_id` (a monitor's model id value) is this side's version: the entity's name, or
    /// a version (bare or `model/version`-like) of its model.
    pub fn is(&self, model_id: &str) -> bool {
        if model_id.trim() == self.entity {
            return true;
        }
        match parse_model_id(model_id) {
            Some((model, version)) => {
                version == self.version
                    && model.is_none_or(|m| self.model.is_empty() || same_model(&m, &self.model))
            }
            None => false,
        }
    }
}

/// What to read: one endpoint and the two sides compared (boxed: the answer travels in the
/// app's message, which stays small).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub endpoint: String,
    pub a: Box<Side>,
    pub b: Box<Side>,
}

impl Fetch {
    pub fn key(&self) -> RoomKey {
        QUALITY
    }
}

/// The latest value of one side and the window it is of.
#[derive(Debug, Clone, PartialEq)]
pub struct SideQuality {
    pub value: f64,
    /// `YYYY-MM-DD HH:MM` of the window's start.
    pub window: String,
}

/// The row.
#[derive(Debug, Clone, PartialEq)]
pub enum AbQuality {
    /// The latest value of `metric` per side; `None`: that version has no labeled window.
    Values {
        metric: String,
        /// The monitored table the values came from.
        monitored: String,
        /// Its profile metrics table.
        table: String,
        a: Option<SideQuality>,
        b: Option<SideQuality>,
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

/// A served entity of `ep` as a side.
fn side_of(ep: &ServingEndpoint, entity: &str) -> Side {
    let c = ep.config.as_ref();
    let e = c.and_then(|c| c.served_entities.iter().find(|e| e.name == entity));
    let m = c.and_then(|c| c.served_models.iter().find(|m| m.name == entity));
    Side {
        entity: entity.to_string(),
        model: e
            .and_then(|e| e.entity_name.clone())
            .or_else(|| m.and_then(|m| m.model_name.clone()))
            .unwrap_or_default(),
        version: e
            .and_then(|e| e.entity_version.clone())
            .or_else(|| m.and_then(|m| m.model_version.clone()))
            .unwrap_or_default(),
    }
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

/// The row from a quality report, when it holds either side's version: the preferred
/// metric, else the first one. `None`: the report has neither version (another table may).
pub fn row(report: &QualityReport, monitored: &str, a: &Side, b: &Side) -> Option<AbQuality> {
    let has = |s: &Side| report.versions.iter().any(|v| s.is(&v.version));
    if !(has(a) || has(b)) {
        return None;
    }
    let Some(i) = report
        .metric(PREFERRED_METRIC)
        .or((!report.metrics.is_empty()).then_some(0))
    else {
        return Some(AbQuality::Unavailable(format!(
            "no quality metrics in {}: no labels yet",
            report.table
        )));
    };
    let latest = |s: &Side| {
        let v = report.versions.iter().find(|v| s.is(&v.version))?;
        v.points.iter().rev().find_map(|p| {
            let value = p.values.get(i).copied().flatten()?;
            let window = report.windows.get(p.window)?.label();
            Some(SideQuality { value, window })
        })
    };
    Some(AbQuality::Values {
        metric: report.metrics[i].name.clone(),
        monitored: monitored.to_string(),
        table: report.table.clone(),
        a: latest(a),
        b: latest(b),
    })
}

/// What the row should answer now: the endpoint shown and the pair compared.
fn wanted(state: &State) -> Option<Fetch> {
    let ep = state.serving.current()?;
    let (a, b) = super::pair(state)?;
    Some(Fetch {
        endpoint: ep.name.clone(),
        a: Box::new(side_of(ep, &a)),
        b: Box::new(side_of(ep, &b)),
    })
}

/// Reads the row when the pair changed, when it is due, or when `force`.
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
    use crate::ops::metric_tables::Window;
    use crate::ops::metric_tables::{TableColumn, WarehouseUsed};
    use crate::ops::quality::{QualityPoint, QualityReport, VersionQuality, quality_metrics};

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
            windows: vec![
                Window {
                    start: "2026-12-05T00:00:00Z".into(),
                    end: "2026-12-06T00:00:00Z".into(),
                },
                Window {
                    start: "2026-12-06T00:00:00Z".into(),
                    end: "2026-12-07T00:00:00Z".into(),
                },
            ],
            versions: versions
                .iter()
                .map(|(v, latest)| VersionQuality {
                    version: v.to_string(),
                    // The values in the first window; the last window has only the first metric.
                    points: vec![
                        QualityPoint {
                            window: 0,
                            count: Some(10),
                            values: latest.clone(),
                        },
                        QualityPoint {
                            window: 1,
                            count: Some(10),
                            values: latest
                                .iter()
                                .enumerate()
                                .map(|(i, x)| if i == 0 { x.map(|x| x - 0.5) } else { None })
                                .collect(),
                        },
                    ],
                    latest: latest.clone(),
                    change: Vec::new(),
                })
                .collect(),
        }
    }

    fn side(entity: &str, version: &str) -> Side {
        Side {
            entity: entity.into(),
            model: "main.ml.churn_model".into(),
            version: version.into(),
        }
    }

    #[test]
    fn a_side_is_its_entity_or_a_version_of_its_model() {
        let s = side("churn_model-4", "4");
        for yes in [
            "4",
            "v4",
            "churn_model-4",
            "churn_model/4",
            "models:/main.ml.churn_model/4",
        ] {
            assert!(s.is(yes), "{yes}");
        }
        for no in ["5", "fraud_model/4", "*", "champion"] {
            assert!(!s.is(no), "{no}");
        }
    }

    #[test]
    fn the_row_prefers_accuracy_with_its_window_and_names_a_version_without_labels() {
        let r = report(
            &[
                ("f1_score", "struct<macro:double>"),
                ("accuracy_score", "double"),
            ],
            &[("4", vec![Some(0.71), Some(0.78)]), ("5", vec![None, None])],
        );
        assert_eq!(
            row(&r, "main.ml.t", &side("a", "4"), &side("b", "6")),
            Some(AbQuality::Values {
                metric: "accuracy_score".into(),
                monitored: "main.ml.t".into(),
                table: "main.ml.t_profile_metrics".into(),
                a: Some(SideQuality {
                    value: 0.78,
                    window: "2026-12-05 00:00".into()
                }),
                b: None,
            })
        );
        // Neither version in the table: another table may have them.
        assert_eq!(row(&r, "main.ml.t", &side("a", "7"), &side("b", "8")), None);
        let custom = report(&[("lift", "double")], &[("4", vec![Some(1.4)])]);
        match row(&custom, "main.ml.t", &side("a", "4"), &side("b", "5")) {
            Some(AbQuality::Values { metric, a, .. }) => {
                assert_eq!(metric, "lift");
                let a = a.unwrap();
                assert!((a.value - 0.9).abs() < 1e-9);
                assert_eq!(a.window, "2026-12-06 00:00");
            }
            other => panic!("{other:?}"),
        }
        let none = report(&[], &[("4", vec![])]);
        assert!(matches!(
            row(&none, "main.ml.t", &side("a", "4"), &side("b", "5")),
            Some(AbQuality::Unavailable(w)) if w.contains("no labels")
        ));
    }
}
