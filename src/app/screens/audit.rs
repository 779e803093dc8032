//! Audit room: the journal of every change this console made, on every workspace, newest
//! first, with the host in a column, `/` filter, `w` for this workspace's changes only, and `v`
//! to re-read the objects of changes whose outcome is unknown.

use crate::ops::Workspace;
use crate::ops::journal::{Entry, JournalView};

use super::super::action::Action;
use super::super::effect::{Effect, Fetch};
use super::super::list::ListView;
use super::super::remote::{Accepted, LoadError, Remote, RequestId, replace};
use super::super::state::{State, ToastLevel};

#[derive(Debug, Clone, Default)]
pub struct AuditState {
    pub journal: Remote<JournalView>,
    pub view: ListView,
    pub verifying: Option<RequestId>,
    /// Set: only the changes made on this workspace are listed.
    pub only: Option<Workspace>,
}

impl AuditState {
    /// Entries the filter lets through, newest first.
    pub fn visible(&self) -> Vec<&Entry> {
        let needle = self.view.filter_text().to_string();
        let mut rows: Vec<&Entry> = self
            .journal
            .data
            .as_ref()
            .map(|j| {
                j.entries
                    .iter()
                    .filter(|e| self.only.as_ref().is_none_or(|ws| ws.made(&e.attempt)))
                    .filter(|e| needle.is_empty() || e.matches(&needle))
                    .collect()
            })
            .unwrap_or_default();
        rows.reverse();
        rows
    }

    pub fn selected(&self) -> Option<&Entry> {
        self.visible().get(self.view.selected).copied()
    }

    /// Entries still waiting for a verify.
    pub fn unknown_count(&self) -> usize {
        self.journal
            .data
            .as_ref()
            .map_or(0, |j| j.needing_verify().count())
    }
}

pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    // The journal only changes through this console: read on open, after changes, and on `r`.
    if force || state.audit.journal.is_due(state.now_ms, None) {
        fetch_journal(state, fx);
    }
}

/// Reads the journal now (the newest read wins).
pub(crate) fn fetch_journal(state: &mut State, fx: &mut Vec<Effect>) {
    let req = state.next_request();
    state.audit.journal.start(req);
    fx.push(Effect::Fetch {
        req,
        fetch: Fetch::Journal,
    });
}

pub(crate) fn on_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: Result<Box<JournalView>, String>,
) -> Accepted {
    let result = result.map(|j| *j).map_err(LoadError::Failed);
    let accepted = state.audit.journal.accept(req, at, result, replace);
    let len = state.audit.visible().len();
    let page = state.list_page_rows();
    state.audit.view.keep_visible(len, page);
    accepted
}

pub(crate) fn on_verified(
    state: &mut State,
    req: RequestId,
    result: Result<String, String>,
    fx: &mut Vec<Effect>,
) -> Accepted {
    if state.audit.verifying != Some(req) {
        return Accepted::Stale;
    }
    state.audit.verifying = None;
    match result {
        Ok(text) => state.toast(ToastLevel::Info, text),
        Err(e) => state.toast(ToastLevel::Error, format!("verify failed: {e}")),
    }
    load(state, true, fx);
    Accepted::Ok
}

pub(crate) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = state.list_page_rows();
    let len = state.audit.visible().len();
    if state.audit.view.navigate(action, len, page) {
        state.dirty = true;
        return true;
    }
    match action {
        Action::Filter => state.audit.view.filtering = true,
        Action::ThisWorkspace => {
            state.audit.only = match state.audit.only {
                Some(_) => None,
                None => Some(state.session.workspace()),
            };
            state.audit.view.selected = 0;
            let len = state.audit.visible().len();
            state.audit.view.keep_visible(len, page);
        }
        Action::Verify => {
            if state.audit.unknown_count() == 0 {
                state.toast(ToastLevel::Info, "nothing to verify: no change is unknown");
                return true;
            }
            let req = state.next_request();
            state.audit.verifying = Some(req);
            state.toast(ToastLevel::Info, "re-reading the unknown changes…");
            fx.push(Effect::VerifyUnknown { req });
        }
        Action::CopyId => {
            if let Some(id) = state.audit.selected().map(|e| e.attempt.id.clone()) {
                super::copy(state, id, fx);
            }
        }
        _ => return false,
    }
    state.dirty = true;
    true
}

impl AuditState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        crate::app::remote::in_flight(&[self.journal.is_loading(), self.verifying.is_some()])
    }
}

/// The room of this screen's route(s).
pub(crate) mod room {
    use super::*;
    use crate::app::action::Action;
    use crate::app::keymap::Context;
    use crate::app::room::{ListAccess, Plain, back_label};

    /// Screen 9: the audit journal.
    pub static ROOM: Plain = Plain {
        contexts: &[Context::Audit, Context::List, Context::Global],
        load,
        open: None,
        settled: |s| s.audit.journal.is_settled(),
        data_at: |s| s.audit.journal.loaded_at,
        on_action,
        offers: |s| {
            use Action::*;
            vec![
                (Verify, None),
                (ThisWorkspace, None),
                (Filter, None),
                (CopyId, None),
                (Refresh, None),
                (Back, back_label(s)),
                (Help, None),
                (Quit, None),
            ]
        },
        list: Some(ListAccess {
            get: |s| &s.audit.view,
            get_mut: |s| &mut s.audit.view,
        }),
        after_filter: None,
    };
}
