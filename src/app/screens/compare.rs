//! Compare room: marked runs side by side (params, latest metrics) and one metric's histories
//! overlaid, one series per run.

use crate::api::ApiResult;
use crate::api::models::mlflow::Run;
use crate::ops::compare;

use super::super::action::Action;
use super::super::chart::{self, ChartView, History};
use super::super::effect::{Effect, Fetch};
use super::super::msg::CompareHistories;
use super::super::picker::{PickItem, PickValue, Picker, PickerPurpose};
use super::super::remote::{Accepted, Remote, RequestId, replace};
use super::super::state::{Overlay, State};
use crate::export::chart_spec::ChartSpec;

#[derive(Debug, Clone, Default)]
pub struct CompareState {
    pub run_ids: Vec<String>,
    pub runs: Remote<Vec<Run>>,
    /// The overlaid metric; `None` until the runs arrive (then `loss`, or the first metric).
    pub metric: Option<String>,
    pub histories: Remote<CompareHistories>,
    pub diff_only: bool,
    pub chart: ChartView,
    pub scroll: u16,
}

impl CompareState {
    pub fn runs(&self) -> &[Run] {
        self.runs.data.as_deref().unwrap_or(&[])
    }

    /// An upper bound of the table's line count, so scrolling stops near the end.
    fn max_scroll(&self) -> u16 {
        let keys: usize = self
            .runs()
            .iter()
            .map(|r| r.data.params.len() + r.data.metrics.len())
            .sum();
        (keys + 8).min(u16::MAX as usize) as u16
    }

    /// The loaded histories if they are the chosen metric's.
    pub fn histories(&self) -> Option<&[History]> {
        let h = self.histories.data.as_ref()?;
        (Some(&h.key) == self.metric.as_ref()).then_some(h.histories.as_slice())
    }
}

/// A run's label in headers and the legend: its name, else its id's start.
pub fn run_label(run: &Run) -> String {
    run.info
        .run_name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| run.info.run_id.chars().take(8).collect())
}

pub(crate) fn open(state: &mut State, run_ids: &[String], fx: &mut Vec<Effect>) {
    if state.compare.run_ids != run_ids {
        state.compare = CompareState {
            run_ids: run_ids.to_vec(),
            ..CompareState::default()
        };
    }
    load(state, false, fx);
}

pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let c = &state.compare;
    if c.run_ids.is_empty() || !(force || c.runs.is_due(state.now_ms, None)) {
        return;
    }
    let req = state.next_request();
    state.compare.runs.start(req);
    let run_ids = state.compare.run_ids.clone();
    fx.push(Effect::Fetch {
        req,
        fetch: Fetch::CompareRuns { run_ids },
    });
    if force {
        load_histories(state, fx);
    }
}

fn load_histories(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(key) = state.compare.metric.clone() else {
        return;
    };
    let req = state.next_request();
    state.compare.histories.start(req);
    let run_ids = state.compare.run_ids.clone();
    fx.push(Effect::Fetch {
        req,
        fetch: Fetch::CompareHistories { run_ids, key },
    });
}

pub(crate) fn on_runs(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Vec<Run>>,
    fx: &mut Vec<Effect>,
) -> Accepted {
    let accepted = state.compare.runs.accept(req, at, result, replace);
    if accepted == Accepted::Ok && state.compare.metric.is_none() {
        let keys = compare::metric_keys(state.compare.runs());
        state.compare.metric = keys.into_iter().next();
        load_histories(state, fx);
    }
    accepted
}

pub(crate) fn on_histories(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<CompareHistories>,
) -> Accepted {
    state.compare.histories.accept(req, at, result, replace)
}

/// The overlay chart as shown: one series per run that logged the metric.
pub fn chart_spec(state: &State, buckets: usize) -> Option<ChartSpec> {
    let c = &state.compare;
    let key = c.metric.clone()?;
    let histories = c.histories()?;
    let series: Vec<(String, ratatui::style::Color, &History)> = c
        .runs()
        .iter()
        .zip(histories)
        .enumerate()
        .filter(|(_, (_, h))| !h.points.is_empty())
        .map(|(i, (run, h))| (run_label(run), state.theme.series(i), h))
        .collect();
    if series.is_empty() {
        return None;
    }
    let title = format!("{key}: {} runs", c.runs().len());
    Some(chart::lines(title, key, &series, &c.chart, buckets))
}

pub(crate) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = state.list_page_rows() as u16;
    let c = &mut state.compare;
    match action {
        Action::MoveDown => c.scroll = c.scroll.saturating_add(1).min(c.max_scroll()),
        Action::MoveUp => c.scroll = c.scroll.saturating_sub(1),
        Action::PageDown => c.scroll = c.scroll.saturating_add(page).min(c.max_scroll()),
        Action::PageUp => c.scroll = c.scroll.saturating_sub(page),
        Action::DiffOnly => {
            c.diff_only = !c.diff_only;
            c.scroll = 0;
        }
        Action::ChartMetrics => {
            let items = compare::metric_keys(c.runs())
                .into_iter()
                .map(|k| PickItem {
                    checked: c.metric.as_ref() == Some(&k),
                    value: PickValue::Metric(k),
                })
                .collect();
            let picker = Picker::new(
                "Overlaid metric",
                PickerPurpose::CompareMetric,
                items,
                false,
            );
            state.overlay = Overlay::Picker(picker);
        }
        Action::ExportChart => {
            let spec = chart_spec(state, super::EXPORT_BUCKETS);
            super::export_chart(state, spec, "compare", fx);
        }
        other => {
            if !super::chart_action(&mut c.chart, other) {
                return false;
            }
        }
    }
    state.dirty = true;
    true
}

/// The picker's answer: overlay another metric.
pub(crate) fn set_metric(state: &mut State, key: String, fx: &mut Vec<Effect>) {
    if state.compare.metric.as_ref() != Some(&key) {
        state.compare.metric = Some(key);
        state.compare.chart.reset();
        load_histories(state, fx);
    }
}

impl CompareState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        crate::app::remote::in_flight(&[self.runs.is_loading(), self.histories.is_loading()])
    }
}

/// The room of this drill-down.
pub(crate) mod room {
    use super::*;
    use crate::app::action::Action;
    use crate::app::keymap::Context;
    use crate::app::room::Plain;
    use crate::app::screen::ScreenRoute;

    /// Marked runs side by side.
    pub static ROOM: Plain = Plain {
        contexts: &[Context::Compare, Context::Chart, Context::Global],
        load,
        open: Some(|s, route, fx| {
            if let ScreenRoute::Compare { run_ids } = route {
                open(s, run_ids, fx)
            }
        }),
        settled: |s| s.compare.runs.is_settled(),
        data_at: |s| s.compare.runs.loaded_at,
        on_action,
        offers: |_| {
            use Action::*;
            vec![
                (DiffOnly, None),
                (ChartMetrics, Some("metric")),
                (XAxis, None),
                (ZoomIn, None),
                (ZoomOut, None),
                (ExportChart, None),
                (MoveDown, Some("scroll")),
                (Back, None),
                (Help, None),
            ]
        },
        list: None,
        after_filter: None,
    };
}
