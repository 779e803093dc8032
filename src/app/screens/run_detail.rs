//! Run detail room: one run (info, params, latest metrics, tags) and the history chart of the
//! metrics chosen for it.

use std::collections::BTreeMap;

use crate::api::ApiResult;
use crate::api::models::mlflow::{FileInfo, Run, RunStatus};

use super::super::action::Action;
use super::super::chart::{self, ChartView, History};
use super::super::effect::{Effect, Fetch};
use super::super::picker::{PickItem, PickValue, Picker, PickerPurpose};
use super::super::remote::{Accepted, Remote, RequestId};
use super::super::screen::ScreenRoute;
use super::super::state::{Overlay, State, ToastLevel};
use crate::export::chart_spec::ChartSpec;

/// Metrics charted by default at most.
const DEFAULT_CHARTED: usize = 3;

#[derive(Debug, Clone, Default)]
pub struct RunDetailState {
    pub run_id: String,
    pub run: Remote<Run>,
    pub histories: Remote<BTreeMap<String, History>>,
    /// The artifact root, its directories one level down.
    pub artifacts: Remote<Vec<FileInfo>>,
    /// Charted metrics; `None` until the run arrives (then the defaults).
    pub charted: Option<Vec<String>>,
    pub chart: ChartView,
    /// First line shown of the details column.
    pub scroll: u16,
}

impl RunDetailState {
    pub fn charted(&self) -> &[String] {
        self.charted.as_deref().unwrap_or(&[])
    }

    pub fn history(&self, key: &str) -> Option<&History> {
        self.histories.data.as_ref()?.get(key)
    }

    /// An upper bound of the details' line count, so scrolling stops near the end.
    fn max_scroll(&self) -> u16 {
        let run = self.run.data.as_ref();
        let n = run.map_or(0, |r| {
            r.data.params.len() + r.data.metrics.len() + r.data.tags.len()
        }) + self.artifacts.data.as_ref().map_or(0, Vec::len);
        (n + 30).min(u16::MAX as usize) as u16
    }

    pub fn parent_id(&self) -> Option<&str> {
        self.run.data.as_ref()?.parent_run_id()
    }
}

/// Metrics with a history (latest step above 0), `loss`-like first, then the rest by name; at
/// least one metric when the run has any.
fn default_charted(run: &Run) -> Vec<String> {
    let mut with_history: Vec<&str> = run
        .data
        .metrics
        .iter()
        .filter(|m| m.step > 0)
        .map(|m| m.key.as_str())
        .collect();
    with_history.sort_by_key(|k| (!k.contains("loss"), *k));
    let mut out: Vec<String> = with_history
        .into_iter()
        .take(DEFAULT_CHARTED)
        .map(String::from)
        .collect();
    if out.is_empty() {
        let mut keys: Vec<&str> = run.data.metrics.iter().map(|m| m.key.as_str()).collect();
        keys.sort();
        out.extend(keys.first().map(|k| k.to_string()));
    }
    out
}

pub(crate) fn open(state: &mut State, run_id: &str, fx: &mut Vec<Effect>) {
    if state.run_detail.run_id != run_id {
        state.run_detail = RunDetailState {
            run_id: run_id.to_string(),
            ..RunDetailState::default()
        };
    }
    load(state, false, fx);
}

pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let every = super::refresh_every_ms(state);
    let d = &state.run_detail;
    if d.run_id.is_empty() {
        return;
    }
    // Finished runs do not change: refreshed on `r` only.
    let running = d
        .run
        .data
        .as_ref()
        .is_some_and(|r| r.info.status == Some(RunStatus::Running));
    let due = d
        .run
        .is_due(state.now_ms, if running { every } else { None });
    if force || due {
        let req = state.next_request();
        state.run_detail.run.start(req);
        let run_id = state.run_detail.run_id.clone();
        fx.push(Effect::Fetch {
            req,
            fetch: Fetch::Run { run_id },
        });
    }
    if force || state.run_detail.artifacts.is_due(state.now_ms, None) {
        let req = state.next_request();
        state.run_detail.artifacts.start(req);
        let run_id = state.run_detail.run_id.clone();
        fx.push(Effect::Fetch {
            req,
            fetch: Fetch::Artifacts { run_id },
        });
    }
    if force {
        load_histories(state, true, fx);
    }
}

pub(crate) fn on_artifacts(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Vec<FileInfo>>,
) -> Accepted {
    state
        .run_detail
        .artifacts
        .accept(req, at, result, |slot, files| *slot = Some(files))
}

/// Fetches the charted metrics' histories that are missing (or all of them).
fn load_histories(state: &mut State, all: bool, fx: &mut Vec<Effect>) {
    let d = &state.run_detail;
    let loaded = d.histories.data.as_ref();
    let keys: Vec<String> = d
        .charted()
        .iter()
        .filter(|k| all || loaded.is_none_or(|h| !h.contains_key(*k)))
        .cloned()
        .collect();
    // A request still in flight is superseded; its keys are still missing, so the new request
    // asks for them too and nothing is lost.
    if keys.is_empty() {
        return;
    }
    let req = state.next_request();
    state.run_detail.histories.start(req);
    let run_id = state.run_detail.run_id.clone();
    fx.push(Effect::Fetch {
        req,
        fetch: Fetch::MetricHistories { run_id, keys },
    });
}

pub(crate) fn on_run(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Box<Run>>,
    fx: &mut Vec<Effect>,
) -> Accepted {
    let accepted = state
        .run_detail
        .run
        .accept(req, at, result, |slot, run| *slot = Some(*run));
    if accepted == Accepted::Ok {
        let d = &mut state.run_detail;
        let running = d
            .run
            .data
            .as_ref()
            .is_some_and(|r| r.info.status == Some(RunStatus::Running));
        if d.charted.is_none() {
            d.charted = d.run.data.as_ref().map(default_charted);
        }
        load_histories(state, running, fx);
    }
    accepted
}

pub(crate) fn on_histories(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Vec<(String, History)>>,
) -> Accepted {
    state
        .run_detail
        .histories
        .accept(req, at, result, |slot, loaded| {
            let map = slot.get_or_insert_with(BTreeMap::new);
            map.extend(loaded);
        })
}

/// The chart as shown: charted metrics with a loaded history, downsampled to `buckets`.
pub fn chart_spec(state: &State, buckets: usize) -> Option<ChartSpec> {
    let d = &state.run_detail;
    let run = d.run.data.as_ref()?;
    let series: Vec<(String, ratatui::style::Color, &History)> = d
        .charted()
        .iter()
        .enumerate()
        .filter_map(|(i, k)| Some((k.clone(), state.theme.series(i), d.history(k)?)))
        .collect();
    if series.is_empty() {
        return None;
    }
    let name = run
        .info
        .run_name
        .clone()
        .unwrap_or_else(|| d.run_id.clone());
    let y_title = if series.len() == 1 {
        series[0].0.clone()
    } else {
        "value".to_string()
    };
    Some(chart::lines(name, y_title, &series, &d.chart, buckets))
}

pub(crate) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = state.list_page_rows() as u16;
    let d = &mut state.run_detail;
    match action {
        Action::MoveDown => d.scroll = d.scroll.saturating_add(1).min(d.max_scroll()),
        Action::MoveUp => d.scroll = d.scroll.saturating_sub(1),
        Action::PageDown => d.scroll = d.scroll.saturating_add(page).min(d.max_scroll()),
        Action::PageUp => d.scroll = d.scroll.saturating_sub(page),
        Action::OpenParent => match d.parent_id().map(String::from) {
            Some(run_id) => {
                state.push_route(ScreenRoute::RunDetail { run_id });
                super::load(state, false, fx);
            }
            None => state.toast(ToastLevel::Info, "this run has no parent run"),
        },
        Action::Sweep => {
            let run_id = d.run_id.clone();
            state.push_route(ScreenRoute::Sweep { run_id });
            super::load(state, false, fx);
        }
        Action::CopyId => {
            let id = d.run_id.clone();
            super::copy(state, id, fx);
        }
        Action::ChartMetrics => {
            let Some(run) = &d.run.data else { return true };
            let mut keys: Vec<&str> = run.data.metrics.iter().map(|m| m.key.as_str()).collect();
            keys.sort();
            let items = keys
                .into_iter()
                .map(|k| PickItem {
                    checked: d.charted().iter().any(|c| c == k),
                    value: PickValue::Metric(k.to_string()),
                })
                .collect();
            let picker = Picker::new("Chart metrics", PickerPurpose::ChartMetrics, items, true);
            state.overlay = Overlay::Picker(picker);
        }
        Action::ExportChart => {
            let spec = chart_spec(state, super::EXPORT_BUCKETS);
            let name = format!("run-{}", short(&state.run_detail.run_id));
            super::export_chart(state, spec, &name, fx);
        }
        other => {
            if !super::chart_action(&mut d.chart, other) {
                return false;
            }
        }
    }
    state.dirty = true;
    true
}

/// The picker's answer: the new charted metrics (histories loaded as needed).
pub(crate) fn set_charted(state: &mut State, keys: Vec<String>, fx: &mut Vec<Effect>) {
    state.run_detail.charted = Some(keys);
    load_histories(state, false, fx);
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

impl RunDetailState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        crate::app::remote::in_flight(&[
            self.run.is_loading(),
            self.histories.is_loading(),
            self.artifacts.is_loading(),
        ])
    }
}

/// The room of this drill-down.
pub(crate) mod room {
    use super::*;
    use crate::app::action::Action;
    use crate::app::keymap::Context;
    use crate::app::room::Plain;
    use crate::app::screen::ScreenRoute;

    /// One run: params, metrics, charts, artifacts.
    pub static ROOM: Plain = Plain {
        contexts: &[Context::Run, Context::Chart, Context::Global],
        load,
        open: Some(|s, route, fx| {
            if let ScreenRoute::RunDetail { run_id } = route {
                open(s, run_id, fx)
            }
        }),
        settled: |s| s.run_detail.run.is_settled(),
        data_at: |s| s.run_detail.run.loaded_at,
        on_action,
        offers: |_| {
            use Action::*;
            vec![
                (ChartMetrics, None),
                (XAxis, None),
                (ZoomIn, None),
                (ZoomOut, None),
                (ExportChart, None),
                (OpenParent, None),
                (Sweep, None),
                (MoveDown, Some("scroll")),
                (Back, None),
                (Help, None),
            ]
        },
        list: None,
        after_filter: None,
    };
}
