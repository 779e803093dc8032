//! Sweep room: a parent run's trials ranked by the objective, the best marked, and the
//! param-versus-objective scatter.

use crate::api::ApiResult;
use crate::ops::sweep::{self, Trial};

use super::super::action::Action;
use super::super::chart;
use super::super::effect::{Effect, Fetch};
use super::super::format;
use super::super::list::ListView;
use super::super::msg::SweepData;
use super::super::remote::{Accepted, Remote, RequestId};
use super::super::screen::ScreenRoute;
use super::super::state::State;
use crate::export::chart_spec::{ChartSpec, Series, SeriesKind};

#[derive(Debug, Clone, Default)]
pub struct SweepState {
    pub run_id: String,
    pub data: Remote<SweepData>,
    /// Chosen objective; `None` = auto (`loss`, else the first metric).
    pub objective: Option<String>,
    /// Chosen direction; `None` = by the objective's name.
    pub minimize: Option<bool>,
    /// Param on the scatter's x axis; `None` = the most varied one.
    pub param: Option<String>,
    pub view: ListView,
    /// Trial indices best first, after the `/` filter.
    pub ranked: Vec<usize>,
    pub best: Option<usize>,
}

impl SweepState {
    pub fn trials(&self) -> &[Trial] {
        self.data.data.as_ref().map_or(&[], |d| d.trials.as_slice())
    }

    pub fn objective(&self) -> Option<String> {
        self.objective
            .clone()
            .or_else(|| sweep::auto_objective(self.trials()))
    }

    pub fn minimize(&self) -> bool {
        self.minimize.unwrap_or_else(|| {
            self.objective()
                .is_some_and(|o| sweep::minimize_by_default(&o))
        })
    }

    pub fn param(&self) -> Option<String> {
        self.param
            .clone()
            .or_else(|| sweep::param_keys(self.trials()).into_iter().next())
    }

    pub fn selected(&self) -> Option<&Trial> {
        let i = *self.ranked.get(self.view.selected)?;
        self.trials().get(i)
    }

    /// Re-ranks after data, objective, direction or filter changed.
    pub(crate) fn rerank(&mut self) {
        let Some(obj) = self.objective() else {
            self.ranked = (0..self.trials().len()).collect();
            self.best = None;
            return;
        };
        let minimize = self.minimize();
        // The field, not `self.trials()`: `best` and `ranked` are assigned while it is borrowed.
        let trials = self
            .data
            .data
            .as_ref()
            .map_or(&[][..], |d| d.trials.as_slice());
        let ranked = sweep::rank(trials, &obj, minimize);
        self.best = sweep::best(trials, &ranked, &obj);
        let needle = self.view.needle();
        self.ranked = ranked
            .into_iter()
            .filter(|&i| {
                let t = &trials[i];
                let cells = [t.name.as_str(), t.run_id.as_str(), t.status.as_str()];
                format::matches_any(&needle, &cells)
                    || t.params
                        .iter()
                        .any(|(_, v)| v.to_lowercase().contains(&needle))
            })
            .collect();
    }
}

pub(crate) fn open(state: &mut State, run_id: &str, fx: &mut Vec<Effect>) {
    if state.sweep.run_id != run_id {
        state.sweep = SweepState {
            run_id: run_id.to_string(),
            ..SweepState::default()
        };
    }
    load(state, false, fx);
}

pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let every = super::refresh_every_ms(state);
    let s = &state.sweep;
    if s.run_id.is_empty() || !(force || s.data.is_due(state.now_ms, every)) {
        return;
    }
    let req = state.next_request();
    state.sweep.data.start(req);
    let run_id = state.sweep.run_id.clone();
    fx.push(Effect::Fetch {
        req,
        fetch: Fetch::Sweep { run_id },
    });
}

pub(crate) fn on_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Box<SweepData>>,
) -> Accepted {
    let keep = state.sweep.selected().map(|t| t.run_id.clone());
    let accepted = state
        .sweep
        .data
        .accept(req, at, result, |slot, data| *slot = Some(*data));
    if accepted == Accepted::Ok {
        let page = state.list_page_rows();
        let s = &mut state.sweep;
        s.rerank();
        let pos = keep.and_then(|id| {
            s.ranked
                .iter()
                .position(|&i| s.trials().get(i).is_some_and(|t| t.run_id == id))
        });
        let len = s.ranked.len();
        match pos {
            Some(p) => s.view.select(p, len, page),
            None => s.view.keep_visible(len, page),
        }
    }
    accepted
}

/// The next item of `items` after `current` (wrapping), or the first.
fn next_of(items: &[String], current: Option<&str>) -> Option<String> {
    let at = current.and_then(|c| items.iter().position(|i| i == c));
    match at {
        Some(i) => items.get((i + 1) % items.len()).cloned(),
        None => items.first().cloned(),
    }
}

pub(crate) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = state.list_page_rows();
    let s = &mut state.sweep;
    let len = s.ranked.len();
    match action {
        Action::MoveDown => s.view.move_by(1, len, page),
        Action::MoveUp => s.view.move_by(-1, len, page),
        Action::PageDown => s.view.move_by(page as isize, len, page),
        Action::PageUp => s.view.move_by(-(page as isize), len, page),
        Action::First => s.view.select(0, len, page),
        Action::Last => s.view.select(len.saturating_sub(1), len, page),
        Action::Filter => s.view.filtering = true,
        Action::Objective => {
            let keys = sweep::metric_keys(s.trials());
            s.objective = next_of(&keys, s.objective().as_deref());
            s.minimize = None;
            s.rerank();
        }
        Action::FlipDirection => {
            s.minimize = Some(!s.minimize());
            s.rerank();
        }
        Action::ScatterParam => {
            let keys = sweep::param_keys(s.trials());
            s.param = next_of(&keys, s.param().as_deref());
        }
        Action::Open => {
            let Some(run_id) = s.selected().map(|t| t.run_id.clone()) else {
                return true;
            };
            state.push_route(ScreenRoute::RunDetail { run_id });
            super::load(state, false, fx);
        }
        Action::CopyId => {
            if let Some(id) = s.selected().map(|t| t.run_id.clone()) {
                super::copy(state, id, fx);
            }
        }
        Action::ExportChart => {
            let spec = scatter_spec(state);
            let name = format!("sweep-{}", state.sweep.run_id.get(..8).unwrap_or("run"));
            super::export_chart(state, spec, &name, fx);
        }
        _ => return false,
    }
    state.dirty = true;
    true
}

/// The filter changed: re-rank with it and go to the top.
pub(crate) fn filter_changed(state: &mut State) {
    let s = &mut state.sweep;
    s.view.selected = 0;
    s.view.offset = 0;
    s.rerank();
}

/// The param-versus-objective scatter: every trial, and the best again in its own colour.
pub fn scatter_spec(state: &State) -> Option<ChartSpec> {
    let s = &state.sweep;
    let (obj, param) = (s.objective()?, s.param()?);
    let mut sc = sweep::scatter(s.trials(), &param, &obj);
    // A trial whose objective or param is NaN or infinite has no place on the axes.
    sc.points.retain(|p| p.0.is_finite() && p.1.is_finite());
    if sc.points.is_empty() {
        return None;
    }
    let best: Vec<(f64, f64)> = sc
        .points
        .iter()
        .filter(|p| Some(p.2) == s.best)
        .map(|p| (p.0, p.1))
        .collect();
    let mut series = vec![Series {
        name: "trials".into(),
        color: state.theme.series(0),
        kind: SeriesKind::Scatter,
        points: sc.points.iter().map(|p| (p.0, p.1)).collect(),
    }];
    if !best.is_empty() {
        series.push(Series {
            name: "best".into(),
            color: state.theme.series(1),
            kind: SeriesKind::Scatter,
            points: best,
        });
    }
    let (x_bounds, x_labels) = match &sc.categories {
        // Labels spread evenly over the axis: exact at each category up to five of them.
        Some(cats) if cats.len() > 5 => (
            [0.0, (cats.len() - 1) as f64],
            vec![
                cats[0].clone(),
                cats[(cats.len() - 1) / 2].clone(),
                cats[cats.len() - 1].clone(),
            ],
        ),
        Some(cats) if cats.len() > 1 => ([0.0, (cats.len() - 1) as f64], cats.clone()),
        Some(cats) => (
            [-0.5, 0.5],
            vec![String::new(), cats[0].clone(), String::new()],
        ),
        None => {
            let (lo, hi) = chart::extent(sc.points.iter().map(|p| p.0));
            let b = chart::padded_x(lo, hi);
            let labels = [b[0], (b[0] + b[1]) / 2.0, b[1]]
                .iter()
                .map(|v| format::metric(*v))
                .collect();
            (b, labels)
        }
    };
    let y_bounds = chart::padded_y(sc.points.iter().map(|p| p.1));
    let parent = s
        .data
        .data
        .as_ref()
        .and_then(|d| d.parent.info.run_name.clone())
        .unwrap_or_else(|| s.run_id.clone());
    Some(ChartSpec {
        title: format!("{parent}: {obj} by {param}"),
        x_title: param,
        y_title: obj,
        x_bounds,
        y_bounds,
        x_labels,
        y_labels: chart::y_labels(y_bounds),
        series,
    })
}

impl SweepState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        usize::from(self.data.is_loading())
    }
}

/// The room of this drill-down.
pub(crate) mod room {
    use super::*;
    use crate::app::action::Action;
    use crate::app::keymap::Context;
    use crate::app::room::{ListAccess, Plain, back_label};
    use crate::app::screen::ScreenRoute;

    /// A parent run's child trials ranked.
    pub static ROOM: Plain = Plain {
        contexts: &[Context::Sweep, Context::List, Context::Global],
        load,
        open: Some(|s, route, fx| {
            if let ScreenRoute::Sweep { run_id } = route {
                open(s, run_id, fx)
            }
        }),
        settled: |s| s.sweep.data.is_settled(),
        data_at: |s| s.sweep.data.loaded_at,
        on_action,
        offers: |s| {
            use Action::*;
            vec![
                (Open, None),
                (Objective, None),
                (FlipDirection, None),
                (ScatterParam, None),
                (Filter, None),
                (ExportChart, None),
                (Back, back_label(s)),
                (Help, None),
            ]
        },
        list: Some(ListAccess {
            get: |s| &s.sweep.view,
            get_mut: |s| &mut s.sweep.view,
        }),
        after_filter: Some(|s, _| filter_changed(s)),
    };
}
