//! The quality view's jumps: a version row to its model version in the registry (enter / `o`),
//! and to the endpoint serving it (`e`), through the table's links (`ops::monitors::link`).
//! A row that links to nothing says why instead of jumping.

use crate::ops::models::Source;
use crate::ops::monitors::link::UNLINKED;

use super::super::super::effect::Effect;
use super::super::super::screen::ScreenRoute;
use super::super::super::state::{State, ToastLevel};

/// A registered model's source: a three-part name is Unity Catalog's.
fn source_of(model: &str) -> Source {
    if model.split('.').count() == 3 {
        Source::UnityCatalog
    } else {
        Source::Workspace
    }
}

/// Why the row under the cursor cannot jump, when it cannot.
fn unlinked_reason(state: &State) -> String {
    let m = &state.monitoring;
    if m.quality.data.is_none() {
        return "model quality not read yet".into();
    }
    match m.links.data.as_ref() {
        None if m.links.is_loading() => "the table's endpoint links are being read".into(),
        None => "the table's endpoint links could not be read".into(),
        Some(l) if !l.is_linked() => UNLINKED.into(),
        Some(_) => match m.selected_link() {
            Some(v) => format!(
                "model id {:?} names no model version the linked endpoints know",
                v.model_id
            ),
            None => "no version row selected".into(),
        },
    }
}

/// Enter / `o` on a quality row: its model version in the registry; without a link, the
/// version the last retraining registered, else why not.
pub(crate) fn open_version(state: &mut State, fx: &mut Vec<Effect>) {
    let link = state.monitoring.selected_link();
    let target = match link
        .as_ref()
        .and_then(|l| Some((l.model.clone()?, l.version.clone()?)))
    {
        Some(found) => Some(found),
        None => state
            .monitoring
            .new_version
            .as_ref()
            .map(|v| (v.model.clone(), v.version.to_string())),
    };
    let Some((model, version)) = target else {
        let why = unlinked_reason(state);
        state.toast(ToastLevel::Info, why);
        return;
    };
    let source = source_of(&model);
    super::super::models::open_version(state, &model, source, &version, fx);
}

/// `e` on a quality row: the endpoint serving its version.
pub(crate) fn open_endpoint(state: &mut State, fx: &mut Vec<Effect>) {
    let link = state.monitoring.selected_link();
    let Some(endpoint) = link.as_ref().and_then(|l| l.endpoint.clone()) else {
        let why = match link {
            Some(l) if l.model.is_some() => format!("{}: no linked endpoint serves it", l.label()),
            _ => unlinked_reason(state),
        };
        state.toast(ToastLevel::Info, why);
        return;
    };
    state.push_route(ScreenRoute::Endpoint { name: endpoint });
    super::super::load(state, false, fx);
}
