//! Approvals room: open workspace transition requests and UC versions whose approval tag is
//! pending, with `a` / `x` opening the comment prompt of the change flow and `Enter` the
//! request in full.

use crate::ops::approvals::detail::ApprovalDetail;
use crate::ops::approvals::{ApprovalSource, Decision, PendingApproval, PendingList};

use super::super::action::Action;
use super::super::effect::{Effect, Fetch};
use super::super::list::ListView;
use super::super::prompt::Prompt;
use super::super::remote::{Accepted, Remote, RequestId, replace};
use super::super::state::{Overlay, State};

/// The detail popup of one request or version: read when opened.
#[derive(Debug, Clone)]
pub struct DetailView {
    pub item: PendingApproval,
    pub req: RequestId,
    /// `None` while it is read.
    pub detail: Option<Box<ApprovalDetail>>,
    pub scroll: u16,
}

#[derive(Debug, Clone, Default)]
pub struct ApprovalsState {
    pub list: Remote<PendingList>,
    pub view: ListView,
}

/// Whether `item` matches the `/` filter text (lowercase).
fn matches(item: &PendingApproval, needle: &str) -> bool {
    needle.is_empty()
        || [
            item.model.as_str(),
            item.version.as_str(),
            item.to_stage.as_deref().unwrap_or(""),
            item.requested_by.as_deref().unwrap_or(""),
            item.comment.as_deref().unwrap_or(""),
        ]
        .iter()
        .any(|t| t.to_lowercase().contains(needle))
}

impl ApprovalsState {
    pub fn visible(&self) -> Vec<&PendingApproval> {
        let needle = self.view.needle();
        self.list
            .data
            .as_ref()
            .map(|l| l.items.iter().filter(|i| matches(i, &needle)).collect())
            .unwrap_or_default()
    }

    pub fn selected(&self) -> Option<&PendingApproval> {
        self.visible().get(self.view.selected).copied()
    }
}

pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let every = super::refresh_every_ms(state);
    if force || state.approvals.list.is_due(state.now_ms, every) {
        let req = state.next_request();
        state.approvals.list.start(req);
        fx.push(Effect::Fetch {
            req,
            fetch: Fetch::Approvals,
        });
    }
}

pub(crate) fn on_loaded(state: &mut State, req: RequestId, at: i64, list: PendingList) -> Accepted {
    let accepted = state.approvals.list.accept(
        req,
        at,
        Ok::<_, super::super::remote::LoadError>(list),
        replace,
    );
    let len = state.approvals.visible().len();
    let page = state.list_page_rows();
    state.approvals.view.keep_visible(len, page);
    accepted
}

/// The detail answered: shown if its popup is still the one open.
pub(crate) fn on_detail(state: &mut State, req: RequestId, detail: ApprovalDetail) -> Accepted {
    match &mut state.overlay {
        Overlay::ApprovalDetail(view) if view.req == req => {
            view.detail = Some(Box::new(detail));
            state.dirty = true;
            Accepted::Ok
        }
        _ => Accepted::Stale,
    }
}

/// The detail read died (a panic in its task): the popup closes and says why.
pub(crate) fn on_detail_failed(state: &mut State, req: RequestId, message: &str) -> Accepted {
    match &state.overlay {
        Overlay::ApprovalDetail(view) if view.req == req => {
            state.overlay = Overlay::None;
            Accepted::NewError(format!("internal error: {message}"))
        }
        _ => Accepted::Stale,
    }
}

/// `Enter`: the selected request or version in full.
fn open_detail(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(item) = state.approvals.selected().cloned() else {
        return;
    };
    let req = state.next_request();
    fx.push(Effect::Fetch {
        req,
        fetch: Fetch::ApprovalDetail(Box::new(item.clone())),
    });
    state.overlay = Overlay::ApprovalDetail(Box::new(DetailView {
        item,
        req,
        detail: None,
        scroll: 0,
    }));
}

pub(crate) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = state.list_page_rows();
    let len = state.approvals.visible().len();
    if state.approvals.view.navigate(action, len, page) {
        state.dirty = true;
        return true;
    }
    match action {
        Action::Filter => state.approvals.view.filtering = true,
        Action::Open => open_detail(state, fx),
        Action::Approve | Action::Reject => {
            let Some(item) = state.approvals.selected().cloned() else {
                return true;
            };
            let decision = if action == Action::Approve {
                Decision::Approve
            } else {
                Decision::Reject
            };
            let prompt = Prompt::decision(
                item.model,
                item.version,
                decision,
                item.source == ApprovalSource::Workspace,
                item.to_stage,
            );
            state.overlay = Overlay::Prompt(Box::new(prompt));
        }
        Action::CopyId => {
            if let Some(i) = state.approvals.selected() {
                let id = format!("{}/{}", i.model, i.version);
                super::copy(state, id, fx);
            }
        }
        _ => return false,
    }
    state.dirty = true;
    true
}

impl ApprovalsState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        usize::from(self.list.is_loading())
    }
}

/// The room of this screen's route(s).
pub(crate) mod room {
    use super::*;
    use crate::app::action::Action;
    use crate::app::keymap::Context;
    use crate::app::room::{ListAccess, Plain, back_label};

    /// Screen 4: what awaits approval.
    pub static ROOM: Plain = Plain {
        contexts: &[Context::Approvals, Context::List, Context::Global],
        load,
        open: None,
        settled: |s| s.approvals.list.is_settled(),
        data_at: |s| s.approvals.list.loaded_at,
        on_action,
        offers: |s| {
            use Action::*;
            vec![
                (Open, Some("details")),
                (Approve, None),
                (Reject, None),
                (Filter, None),
                (Refresh, None),
                (Back, back_label(s)),
                (Help, None),
                (Quit, None),
            ]
        },
        list: Some(ListAccess {
            get: |s| &s.approvals.view,
            get_mut: |s| &mut s.approvals.view,
        }),
        after_filter: None,
    };
}
