//! Overview room: counts and health from the API, one load state per panel. The pending
//! approvals and the audit journal are the Approvals and Audit screens' own resources: the
//! Overview asks for them when they are due, so whichever screen asked, the answer lands in the
//! one place both read.

use crate::api::models::scim::Me;

use super::super::effect::{Effect, Fetch};
use super::super::msg::{Count, ExperimentSummary, Payload, ResourceKey};
use super::super::remote::{Accepted, LoadError, Remote, RequestId, replace};
use super::super::state::State;
use super::canary::PlanView;
use crate::ops::journal::Entry;

/// Counting stops here ("1000+"): an overview must stay cheap on big workspaces.
pub const COUNT_CAP: usize = 1000;
/// Most recently updated experiments listed on the Overview.
pub const RECENT_EXPERIMENTS: usize = 8;
/// Journal entries listed under "Recent actions".
pub const RECENT_ACTIONS: usize = 5;
/// Finished canary plans stay on the Overview this long after their end.
pub const FINISHED_CANARY_MS: i64 = 60 * 60 * 1000;

#[derive(Debug, Clone, Default)]
pub struct OverviewState {
    pub me: Remote<Me>,
    pub experiments: Remote<ExperimentSummary>,
    pub uc_models: Remote<Count>,
    pub workspace_models: Remote<Count>,
}

pub use crate::ops::inventory::{Health, classify};

impl OverviewState {
    pub fn loading_count(&self) -> usize {
        [
            self.me.is_loading(),
            self.experiments.is_loading(),
            self.uc_models.is_loading(),
            self.workspace_models.is_loading(),
        ]
        .into_iter()
        .filter(|b| *b)
        .count()
    }

    pub fn is_settled(&self) -> bool {
        self.me.is_settled()
            && self.experiments.is_settled()
            && self.uc_models.is_settled()
            && self.workspace_models.is_settled()
    }

    /// When the oldest refreshed panel's data arrived (identity is not refreshed).
    pub fn data_at(&self) -> Option<i64> {
        [
            self.experiments.loaded_at,
            self.uc_models.loaded_at,
            self.workspace_models.loaded_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn pending_mut(&mut self, key: ResourceKey) -> Option<&mut Option<RequestId>> {
        Some(match key {
            ResourceKey::Me => &mut self.me.pending,
            ResourceKey::ExperimentCount => &mut self.experiments.pending,
            ResourceKey::UcModelCount => &mut self.uc_models.pending,
            ResourceKey::WorkspaceModelCount => &mut self.workspace_models.pending,
            _ => return None,
        })
    }
}

/// Starts the loads that are due (all of them when `force`).
pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let (now, every) = (state.now_ms, super::refresh_every_ms(state));
    let ov = &state.overview;
    let wanted = [
        // Who you are does not change while the console runs: asked once (and on `r`).
        (ov.me.is_due(now, None), Fetch::Me),
        (
            ov.experiments.is_due(now, every),
            Fetch::ExperimentCount {
                cap: COUNT_CAP,
                recent: RECENT_EXPERIMENTS,
            },
        ),
        (
            ov.uc_models.is_due(now, every),
            Fetch::UcModelCount { cap: COUNT_CAP },
        ),
        (
            ov.workspace_models.is_due(now, every),
            Fetch::WorkspaceModelCount { cap: COUNT_CAP },
        ),
    ];
    for (due, fetch) in wanted {
        if !(due || force) {
            continue;
        }
        let req = state.next_request();
        if let Some(slot) = state.overview.pending_mut(fetch.key()) {
            *slot = Some(req);
        }
        fx.push(Effect::Fetch { req, fetch });
    }
    // The endpoints panel reads the Serving screen's list.
    super::serving::load_list(state, force, fx);
    // The jobs panel: runs in progress and failing jobs, read by the Jobs room.
    super::jobs::load_attention(state, force, fx);
    // The alerts are evaluated whenever the Overview refreshes.
    super::alerts::load(state, force, fx);
    // Shared with the Approvals screen, on the same refresh interval.
    super::approvals::load(state, force, fx);
    // The Audit screen reads the journal once; the Overview keeps it fresh, since other consoles
    // and the headless commands may write to the same data dir.
    if force || state.audit.journal.is_due(now, every) {
        super::audit::fetch_journal(state, fx);
    }
}

/// Whether every Overview panel has answered at least once and nothing is in flight.
pub fn is_settled(state: &State) -> bool {
    state.overview.is_settled()
        && state.serving.endpoints.is_settled()
        && state.approvals.list.is_settled()
        && state.audit.journal.is_settled()
        && state.jobs.attention.is_settled()
        && state.alerts.read.is_settled()
}

/// When the oldest refreshed Overview panel's data arrived.
pub fn data_at(state: &State) -> Option<i64> {
    [
        state.overview.data_at(),
        state.serving.endpoints.loaded_at,
        state.approvals.list.loaded_at,
        state.audit.journal.loaded_at,
        state.jobs.attention.loaded_at,
        state.alerts.read.loaded_at,
    ]
    .into_iter()
    .flatten()
    .min()
}

/// Canary plans worth a line on the Overview: every unfinished one (by endpoint), then those
/// that finished within the last hour, most recent first.
pub fn canaries(state: &State) -> Vec<&PlanView> {
    let plans = state.canary.plans.values();
    let mut unfinished: Vec<&PlanView> = plans.clone().filter(|p| !p.state.is_finished()).collect();
    let mut finished: Vec<&PlanView> = plans
        .filter(|p| p.state.is_finished())
        .filter(|p| state.now_ms.saturating_sub(p.state.updated_ms) <= FINISHED_CANARY_MS)
        .collect();
    unfinished.sort_by(|a, b| a.state.plan.endpoint.cmp(&b.state.plan.endpoint));
    finished.sort_by_key(|p| std::cmp::Reverse(p.state.updated_ms));
    unfinished.extend(finished);
    unfinished
}

/// The last `RECENT_ACTIONS` journal entries made on this workspace, newest first (the
/// Audit screen shows those of every workspace).
pub fn recent_actions(state: &State) -> Vec<&Entry> {
    let here = state.session.workspace();
    state
        .audit
        .journal
        .data
        .as_ref()
        .map(|j| {
            j.entries
                .iter()
                .rev()
                .filter(|e| here.made(&e.attempt))
                .take(RECENT_ACTIONS)
                .collect()
        })
        .unwrap_or_default()
}

/// Applies an answer; `None` if the payload is not the overview's.
pub(crate) fn on_loaded(
    ov: &mut OverviewState,
    req: RequestId,
    at: i64,
    payload: Payload,
) -> Option<Accepted> {
    Some(match payload {
        Payload::Me(r) => ov.me.accept(req, at, r, replace),
        Payload::ExperimentCount(r) => ov.experiments.accept(req, at, r, replace),
        Payload::UcModelCount(r) => ov.uc_models.accept(req, at, r, replace),
        Payload::WorkspaceModelCount(r) => ov.workspace_models.accept(req, at, r, replace),
        _ => return None,
    })
}

/// Records a failure that did not come from the API (a panicked task).
pub(crate) fn fail(
    ov: &mut OverviewState,
    key: ResourceKey,
    req: RequestId,
    at: i64,
    e: LoadError,
) -> Option<Accepted> {
    Some(match key {
        ResourceKey::Me => ov.me.fail(req, at, e),
        ResourceKey::ExperimentCount => ov.experiments.fail(req, at, e),
        ResourceKey::UcModelCount => ov.uc_models.fail(req, at, e),
        ResourceKey::WorkspaceModelCount => ov.workspace_models.fail(req, at, e),
        _ => return None,
    })
}

/// `J`: the run of the job that needs a look first (the newest failure, else the newest run in
/// progress), as the jobs panel marks it.
fn open_attention(state: &mut State, fx: &mut Vec<Effect>) {
    let first = state.jobs.attention.data.as_ref().and_then(|a| a.first());
    match first.map(|r| r.run.run_id) {
        Some(run_id) => {
            state.push_route(super::super::screen::ScreenRoute::JobRun { run_id });
            super::load(state, false, fx);
        }
        None => {
            let read = state.jobs.attention.data.is_some();
            state.toast(
                super::super::state::ToastLevel::Info,
                if read {
                    "no job needs attention: nothing failing, nothing running"
                } else {
                    "the jobs panel has nothing to open: the jobs were not read (see the panel)"
                },
            )
        }
    }
}

/// The room of screen 1.
pub(crate) mod room {
    use super::*;
    use crate::app::action::Action;
    use crate::app::keymap::Context;
    use crate::app::room::{Plain, Verb};
    use crate::app::screen::ScreenId;

    /// The Overview's own verb, in `[overview]`.
    pub static VERBS: [Verb; 2] = [
        Verb {
            name: "open_job_attention",
            label: "job run",
            description: "Open the run the jobs panel marks: the newest failure, else a run in progress",
            keys: &["J"],
            mutating: false,
        },
        Verb {
            name: "open_alerts",
            label: "alerts",
            description: "Open the Alerts list: firing alerts, rules not judged, SQL alerts",
            keys: &["!"],
            mutating: false,
        },
    ];

    fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
        match action {
            Action::Verb(v) if std::ptr::eq(v, &VERBS[0]) => open_attention(state, fx),
            Action::Verb(v) if std::ptr::eq(v, &VERBS[1]) => {
                state.push_route(crate::app::screen::ScreenRoute::Alerts);
                super::super::load(state, false, fx);
            }
            _ => return false,
        }
        true
    }

    pub static ROOM: Plain = Plain {
        contexts: &[Context::Room(ScreenId::Overview), Context::Global],
        load,
        open: None,
        settled: is_settled,
        data_at,
        on_action,
        // The jumps to what the Overview summarises (`J` while a job needs a look); at 80
        // columns `:` and `2` are left to the help and the tab bar.
        offers: |s| {
            use Action::*;
            let attention = s.jobs.attention.data.as_ref().and_then(|a| a.first());
            let mut offers = vec![(GotoServing, None), (GotoApprovals, None), (GotoJobs, None)];
            if attention.is_some() {
                offers.push((Verb(&VERBS[0]), None));
            }
            // `!` works always; the hint names it while an alert fires.
            if !s.alerts.firing().is_empty() {
                offers.push((Verb(&VERBS[1]), None));
            }
            offers.extend([
                (GotoAudit, None),
                (Refresh, None),
                (Help, None),
                (Quit, None),
            ]);
            offers
        },
        list: None,
        after_filter: None,
    };
}
