//! One feature table (`ScreenRoute::FeatureTable`): its columns, keys, Delta versions, online
//! tables, producing job, and its lineage (model versions → endpoints). The cursor moves over
//! the lineage's model versions and endpoints: Enter opens the version on the Models screen or
//! the endpoint on Serving; `J` opens the producing job on Jobs, `n` runs it there (the Jobs
//! room's run-now: its parameters, a confirm, the change pipeline).

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::Context;
use crate::app::list::ListView;
use crate::app::room::{Offer, Room, Verb, back_label};
use crate::app::screen::{ScreenId, ScreenRoute};
use crate::app::state::{State, ToastLevel};
use crate::ops::models::Source;

use super::panels::{DetailPanel, PAGE};
use super::{FeaturesState, Fetch, fetch};
use crate::app::screens::refresh_every_ms;

pub static VERBS: [Verb; 6] = [
    Verb {
        name: "open_job",
        label: "producing job",
        description: "Feature table: open the job that writes it on the Jobs screen",
        keys: &["J"],
        mutating: false,
    },
    Verb {
        name: "publish",
        label: "publish",
        description: "Publish the feature table to an online store (asks first; journaled; followed \
                      until its first sync)",
        keys: &["P"],
        mutating: true,
    },
    Verb {
        name: "sync",
        label: "sync",
        description: "Start a sync of the table's TRIGGERED or SNAPSHOT online table (asks first; \
                      journaled; followed)",
        keys: &["S"],
        mutating: true,
    },
    Verb {
        name: "run_job",
        label: "run refresh job",
        description: "Feature table: run the job that writes it now, on the Jobs screen (its \
                      parameters, then a confirm; journaled; the run is followed)",
        keys: &["n"],
        mutating: true,
    },
    Verb {
        name: "next_panel",
        label: "next panel",
        description: "Feature table: focus the next panel (lineage, columns, Delta versions, online \
                      tables); j/k and pages scroll it",
        keys: &["tab"],
        mutating: false,
    },
    Verb {
        name: "open_monitor",
        label: "monitor",
        description: "Feature table: open its monitor on the Monitoring screen, the cursor on the \
                      worst feature",
        keys: &["M"],
        mutating: false,
    },
];

const OPEN_JOB: &Verb = &VERBS[0];
const PUBLISH: &Verb = &VERBS[1];
const SYNC: &Verb = &VERBS[2];
const RUN_JOB: &Verb = &VERBS[3];
const NEXT_PANEL: &Verb = &VERBS[4];
const OPEN_MONITOR: &Verb = &VERBS[5];

/// What Enter on a lineage row opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Version { model: String, version: String },
    Endpoint(String),
}

impl FeaturesState {
    /// The lineage rows the cursor moves over: model versions, then endpoints.
    pub fn targets(&self) -> Vec<Target> {
        let Some(l) = self.lineage.data.as_ref() else {
            return Vec::new();
        };
        let versions = l.models.iter().filter_map(|m| {
            Some(Target::Version {
                model: m.model.clone(),
                version: m.version.clone()?,
            })
        });
        let endpoints = l
            .endpoints
            .iter()
            .map(|e| Target::Endpoint(e.endpoint.clone()));
        versions.chain(endpoints).collect()
    }
}

/// A registered model's source: a three-part name is Unity Catalog's.
fn source_of(model: &str) -> Source {
    if model.split('.').count() == 3 {
        Source::UnityCatalog
    } else {
        Source::Workspace
    }
}

/// Opens `table` (pushed on the back-stack) and loads it.
pub(crate) fn open_table(state: &mut State, table: &str, fx: &mut Vec<Effect>) {
    let route = ScreenRoute::FeatureTable {
        name: table.trim().to_string(),
    };
    state.push_route(route.clone());
    load(state, &route, false, fx);
}

/// Loads the table `route` names: what is due, or everything when `force` or another table.
pub(crate) fn load(state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
    let ScreenRoute::FeatureTable { name } = route else {
        return;
    };
    let every = refresh_every_ms(state);
    let now_ms = state.now_ms;
    let f = &mut state.features;
    let other = f.table.as_deref() != Some(name);
    if other {
        f.table = Some(name.clone());
        f.detail = Default::default();
        f.lineage = Default::default();
        f.lineage_view = ListView::default();
        f.panels = Default::default();
        // A followed online table belongs to the table that was open: judging it against
        // another table's detail would give up on it wrongly.
        f.follow(None);
    }
    // While an online table's sync is followed, the table is re-read every 2 s.
    let detail_every = match f.following {
        Some(_) => Some(every.map_or(super::FOLLOW_MS, |e| e.min(super::FOLLOW_MS))),
        None => every,
    };
    if (force || other || f.detail.is_due(now_ms, detail_every)) && !f.detail.is_loading() {
        let table = name.clone();
        let req = fetch(state, Fetch::Detail { table, now_ms }, fx);
        state.features.detail.start(req);
    }
    let f = &state.features;
    if (force || other || f.lineage.is_due(now_ms, every)) && !f.lineage.is_loading() {
        let table = name.clone();
        let req = fetch(state, Fetch::Lineage { table, now_ms }, fx);
        state.features.lineage.start(req);
    }
    crate::app::screens::feature_monitoring::load(state, name, force, fx);
}

fn open_target(state: &mut State, fx: &mut Vec<Effect>) {
    let targets = state.features.targets();
    match targets.get(state.features.lineage_view.selected).cloned() {
        Some(Target::Version { model, version }) => {
            let source = source_of(&model);
            crate::app::screens::models::open_version(state, &model, source, &version, fx);
        }
        Some(Target::Endpoint(name)) => {
            state.push_route(ScreenRoute::Endpoint { name });
            crate::app::screens::load(state, false, fx);
        }
        None => {
            let why = match &state.features.lineage {
                l if l.is_loading() && l.data.is_none() => "the lineage is being read",
                l if l.data.is_none() => "the lineage could not be read",
                _ => "no model version or endpoint uses this table",
            };
            state.toast(ToastLevel::Info, why);
        }
    }
}

/// Opens the producing job on Jobs; with `run`, also starts the Jobs room's run-now there.
fn open_job(state: &mut State, run: bool, fx: &mut Vec<Effect>) {
    let job = state
        .features
        .detail
        .data
        .as_ref()
        .and_then(|d| d.producing_job.as_ref())
        .map(|j| j.job_id);
    match job {
        Some(job_id) => {
            let route = ScreenRoute::Job { job_id };
            state.push_route(route);
            crate::app::screens::load(state, false, fx);
            if run {
                crate::app::screens::jobs::change::run_now(state, job_id, fx);
            }
        }
        None => {
            let why = if state.features.detail.data.is_none() {
                "the table is not read yet"
            } else {
                "no producing job found for this table"
            };
            state.toast(ToastLevel::Info, why);
        }
    }
}

/// The movement keys on the focused panel: the lineage's cursor, or the panel's scroll.
fn scroll(state: &mut State, action: Action) -> bool {
    let f = &mut state.features;
    if f.panels.focus == DetailPanel::Lineage {
        let len = f.targets().len();
        return f.lineage_view.navigate(action, len, PAGE);
    }
    let lines = f
        .detail
        .data
        .as_ref()
        .map_or(0, |d| f.panels.focus.lines(d));
    f.panels.navigate(action, lines)
}

pub(super) const CONTEXTS: &[Context] = &[
    Context::Room(ScreenId::Features),
    Context::List,
    Context::Global,
];

/// One feature table.
pub struct FeatureTableRoom;

impl Room for FeatureTableRoom {
    fn contexts(&self) -> &'static [Context] {
        CONTEXTS
    }
    fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        load(state, route, force, fx)
    }
    fn is_settled(&self, state: &State) -> bool {
        state.features.detail.is_settled() && state.features.lineage.is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.features.detail.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        if scroll(state, action) {
            state.dirty = true;
            return true;
        }
        match action {
            Action::Open => open_target(state, fx),
            Action::Verb(v) if v == OPEN_JOB => open_job(state, false, fx),
            Action::Verb(v) if v == RUN_JOB => open_job(state, true, fx),
            Action::Verb(v) if v == NEXT_PANEL => {
                state.features.panels.focus_next();
                state.dirty = true;
            }
            Action::Verb(v) if v == OPEN_MONITOR => {
                if let Some(table) = state.features.table.clone() {
                    crate::app::screens::feature_monitoring::open_monitor(state, &table, fx);
                }
            }
            Action::Verb(v) if v == PUBLISH || v == SYNC => {
                let Some(table) = state.features.table.clone() else {
                    return false;
                };
                if v == PUBLISH {
                    super::change::publish(state, table);
                } else {
                    super::change::sync(state, table);
                }
            }
            Action::CopyId => {
                let Some(table) = state.features.table.clone() else {
                    return false;
                };
                crate::app::screens::copy(state, table, fx);
            }
            _ => return false,
        }
        true
    }
    fn form_submitted(
        &self,
        state: &mut State,
        route: &ScreenRoute,
        form: crate::app::form::RoomForm,
        fx: &mut Vec<Effect>,
    ) {
        match route {
            ScreenRoute::FeatureTable { name } if form.title == super::change::PUBLISH_FORM => {
                super::change::publish_submitted(state, name.clone(), form, fx)
            }
            _ => state.toast(
                ToastLevel::Error,
                format!("{}: nothing was sent", form.title),
            ),
        }
    }
    fn offers(&self, state: &State, _: &ScreenRoute) -> Vec<Offer> {
        use Action::*;
        vec![
            (Open, Some("open version/endpoint")),
            (Verb(OPEN_JOB), None),
            (Verb(RUN_JOB), None),
            (Verb(PUBLISH), None),
            (Verb(SYNC), None),
            (Verb(OPEN_MONITOR), None),
            (Verb(NEXT_PANEL), None),
            (MoveDown, Some("move/scroll")),
            (CopyId, None),
            (Refresh, None),
            (Back, back_label(state)),
            (Palette, None),
            (Help, None),
            (Quit, None),
        ]
    }
}
