//! Models room: UC and workspace-registry models in one list, and a model's versions with the
//! change keys (promote, roll back, approve, reject) that start the change flow.

use crate::api::ApiResult;
use crate::ops::approvals::Decision;
use crate::ops::models::{ModelDetail, ModelRow, Source, VersionRow};
use crate::ops::promote::PromoteRequest;
use crate::ops::rollback::RollbackRequest;

use super::super::action::Action;
use super::super::effect::{ChangeRequest, Effect, Fetch};
use super::super::list::ListView;
use super::super::prompt::{Prompt, PromptPurpose};
use super::super::remote::{Accepted, Remote, RequestId, replace};
use super::super::screen::ScreenRoute;
use super::super::state::{Overlay, State};

/// The alias `p` offers first on a UC model.
pub const DEFAULT_ALIAS: &str = "champion";

#[derive(Debug, Clone, Default)]
pub struct ModelsState {
    pub list: Remote<Vec<ModelRow>>,
    pub view: ListView,
    /// The model the detail shows (`detail` may still hold the previous one while loading).
    pub name: String,
    pub source: Option<Source>,
    pub detail: Remote<ModelDetail>,
    /// The selected version in the detail.
    pub versions: ListView,
    /// A version to select once the detail is read (a jump from another screen).
    pub focus_version: Option<String>,
}

impl ModelsState {
    /// The rows the `/` filter lets through.
    pub fn visible(&self) -> Vec<&ModelRow> {
        let needle = self.view.needle();
        self.list
            .data
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|m| m.matches(&needle))
            .collect()
    }

    pub fn selected(&self) -> Option<&ModelRow> {
        self.visible().get(self.view.selected).copied()
    }

    /// The detail of the model the route names, once loaded.
    pub fn current_detail(&self) -> Option<&ModelDetail> {
        self.detail
            .data
            .as_ref()
            .filter(|d| d.row.name == self.name)
    }

    pub fn selected_version(&self) -> Option<&VersionRow> {
        self.current_detail()?.versions.get(self.versions.selected)
    }

    /// Selects the version a jump asked for, once the detail holds it.
    fn apply_focus(&mut self, page: usize) {
        let Some(want) = self.focus_version.as_deref() else {
            return;
        };
        let Some(d) = self.current_detail() else {
            return;
        };
        let len = d.versions.len();
        if let Some(i) = d.versions.iter().position(|v| v.version == want) {
            self.versions.selected = i;
            self.versions.keep_visible(len, page);
            self.focus_version = None;
        }
    }
}

/// Opens model `name`'s detail (pushed on the back-stack) with `version` selected once read.
pub(crate) fn open_version(
    state: &mut State,
    name: &str,
    source: Source,
    version: &str,
    fx: &mut Vec<Effect>,
) {
    state.push_route(ScreenRoute::ModelDetail {
        name: name.to_string(),
        source,
    });
    super::load(state, false, fx);
    state.models.focus_version = Some(version.to_string());
    let page = state.list_page_rows();
    state.models.apply_focus(page);
    state.dirty = true;
}

pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let every = super::refresh_every_ms(state);
    if force || state.models.list.is_due(state.now_ms, every) {
        let req = state.next_request();
        state.models.list.start(req);
        fx.push(Effect::Fetch {
            req,
            fetch: Fetch::Models,
        });
    }
}

/// Opens (or returns to) a model's detail and loads it when due.
pub(crate) fn open(
    state: &mut State,
    name: &str,
    source: Source,
    force: bool,
    fx: &mut Vec<Effect>,
) {
    let m = &mut state.models;
    if m.name != name {
        m.name = name.to_string();
        m.versions = ListView::default();
    }
    m.source = Some(source);
    // The version timeline shows the journal's changes of the model.
    super::audit::load(state, false, fx);
    let every = super::refresh_every_ms(state);
    let stale = state.models.current_detail().is_none();
    if force || stale || state.models.detail.is_due(state.now_ms, every) {
        let req = state.next_request();
        state.models.detail.start(req);
        fx.push(Effect::Fetch {
            req,
            fetch: Fetch::ModelDetail {
                name: name.to_string(),
                source,
            },
        });
    }
    super::feature_lineage::load_versions(state, force, fx);
}

pub(crate) fn on_list(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Vec<ModelRow>>,
) -> Accepted {
    let accepted = state.models.list.accept(req, at, result, replace);
    let len = state.models.visible().len();
    let page = state.list_page_rows();
    state.models.view.keep_visible(len, page);
    accepted
}

pub(crate) fn on_detail(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Box<ModelDetail>>,
) -> Accepted {
    let accepted = state
        .models
        .detail
        .accept(req, at, result.map(|d| *d), replace);
    let len = state
        .models
        .current_detail()
        .map_or(0, |d| d.versions.len());
    let page = state.list_page_rows();
    state.models.versions.keep_visible(len, page);
    state.models.apply_focus(page);
    accepted
}

pub(crate) fn on_list_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = state.list_page_rows();
    let len = state.models.visible().len();
    if state.models.view.navigate(action, len, page) {
        state.dirty = true;
        return true;
    }
    match action {
        Action::Filter => state.models.view.filtering = true,
        Action::Open => {
            let Some(m) = state.models.selected() else {
                return true;
            };
            let (name, source) = (m.name.clone(), m.source);
            state.push_route(ScreenRoute::ModelDetail {
                name: name.clone(),
                source,
            });
            open(state, &name, source, false, fx);
        }
        Action::CopyId => {
            if let Some(name) = state.models.selected().map(|m| m.name.clone()) {
                super::copy(state, name, fx);
            }
        }
        _ => return false,
    }
    state.dirty = true;
    true
}

pub(crate) fn on_detail_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = state.list_page_rows();
    let len = state
        .models
        .current_detail()
        .map_or(0, |d| d.versions.len());
    if state.models.versions.navigate(action, len, page) {
        state.dirty = true;
        return true;
    }
    let Some(v) = state.models.selected_version().cloned() else {
        return matches!(
            action,
            Action::OpenRun
                | Action::Promote
                | Action::Rollback
                | Action::Approve
                | Action::Reject
                | Action::FeatureTables
        );
    };
    let model = state.models.name.clone();
    let uc = state.models.source == Some(Source::UnityCatalog);
    match action {
        Action::OpenRun => match v.run_id {
            Some(run_id) => {
                state.push_route(ScreenRoute::RunDetail {
                    run_id: run_id.clone(),
                });
                super::run_detail::open(state, &run_id, fx);
            }
            None => state.toast(
                super::super::state::ToastLevel::Info,
                format!("version {} has no source run", v.version),
            ),
        },
        Action::CopyId => super::copy(state, format!("{model}/{}", v.version), fx),
        Action::FeatureTables => super::feature_lineage::jump::from_version(state, fx),
        Action::Promote if uc => {
            let prompt = Prompt::new(
                PromptPurpose::Promote {
                    model,
                    version: v.version,
                },
                DEFAULT_ALIAS,
            );
            state.overlay = Overlay::Prompt(Box::new(prompt));
        }
        Action::Promote => {
            let req = PromoteRequest {
                model,
                version: v.version,
                alias: None,
                comment: None,
            };
            super::change::prepare(state, ChangeRequest::Promote(req), fx);
        }
        Action::Rollback => {
            let req = RollbackRequest {
                model,
                alias: uc.then(|| alias_of(&v)),
                ..RollbackRequest::default()
            };
            super::change::prepare(state, ChangeRequest::Rollback(req), fx);
        }
        Action::Approve | Action::Reject => {
            let decision = if action == Action::Approve {
                Decision::Approve
            } else {
                Decision::Reject
            };
            let prompt = Prompt::decision(model, v.version, decision, !uc, None);
            state.overlay = Overlay::Prompt(Box::new(prompt));
        }
        _ => return false,
    }
    state.dirty = true;
    true
}

/// The alias `b` rolls back: `champion`, unless the selected version holds other aliases only.
fn alias_of(v: &VersionRow) -> String {
    if v.aliases.is_empty() || v.aliases.iter().any(|a| a == DEFAULT_ALIAS) {
        return DEFAULT_ALIAS.to_string();
    }
    v.aliases[0].clone()
}

impl ModelsState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        crate::app::remote::in_flight(&[self.list.is_loading(), self.detail.is_loading()])
    }
}

/// The rooms of screen 3 and of one model.
pub(crate) mod room {
    use super::*;
    use crate::app::action::Action;
    use crate::app::keymap::Context;
    use crate::app::room::{ListAccess, Offer, Plain, Room, list_offers};
    use crate::app::screen::ScreenRoute;

    /// Screen 3: UC and workspace-registry models.
    pub static ROOM: Plain = Plain {
        contexts: &[Context::List, Context::Global],
        load,
        open: None,
        settled: |s| s.models.list.is_settled(),
        data_at: |s| s.models.list.loaded_at,
        on_action: on_list_action,
        offers: list_offers,
        list: Some(ListAccess {
            get: |s| &s.models.view,
            get_mut: |s| &mut s.models.view,
        }),
        after_filter: None,
    };

    /// A model and its versions.
    pub struct ModelDetailRoom;

    impl Room for ModelDetailRoom {
        fn contexts(&self) -> &'static [Context] {
            &[Context::Versions, Context::Global]
        }
        fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
            if let ScreenRoute::ModelDetail { name, source } = route {
                open(state, name, *source, force, fx)
            }
        }
        fn is_settled(&self, state: &State) -> bool {
            state.models.detail.is_settled()
        }
        fn data_at(&self, state: &State) -> Option<i64> {
            state.models.detail.loaded_at
        }
        fn on_action(
            &self,
            state: &mut State,
            _: &ScreenRoute,
            action: Action,
            fx: &mut Vec<Effect>,
        ) -> bool {
            on_detail_action(state, action, fx)
        }
        fn offers(&self, state: &State, _: &ScreenRoute) -> Vec<Offer> {
            use Action::*;
            let mut offers = vec![
                (OpenRun, None),
                (Promote, None),
                (Rollback, None),
                (Approve, None),
                (Reject, None),
                (CopyId, None),
                (Back, None),
                (Help, None),
            ];
            if crate::app::screens::feature_lineage::jump::version_table(state).is_some() {
                offers.insert(offers.len() - 2, (FeatureTables, None));
            }
            offers
        }
    }
}
