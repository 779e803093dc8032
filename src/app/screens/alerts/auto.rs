//! Automatic retraining in the console (`ops::alerts::auto`): when an evaluation makes alerts
//! of rules with `retrain = true` fire, one change asks the runtime to run the guard for them
//! in turn (never two at once, so one window never starts two runs). The only change the
//! console sends without a confirm dialog: the rule's `retrain = true` is the operator's
//! consent, and the guard refuses on read-only profiles (a read-only console does not even
//! ask). Each outcome raises a toast; started runs are journaled as automatic.

use crate::ops::alerts::Alert;
use crate::ops::alerts::auto::{AutoResult, AutoRetrain, read_only_skip};

use super::super::super::effect::Effect;
use super::super::super::remote::{Accepted, RequestId};
use super::super::super::screen::ScreenId;
use super::super::super::state::{State, ToastLevel};
use super::super::{RoomChange, RoomKey};

/// The change of the alerts: its resource.
pub const AUTO_RETRAIN: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "automatic retraining",
};

/// Outcomes kept for the Alerts list.
const KEPT: usize = 5;

/// The alerts' one change.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Run the guard for these fired alerts, in turn.
    AutoRetrain { fired: Vec<Alert> },
}

/// Asks for the automatic retrains of the fired alerts whose rule retrains (a read-only
/// console says why none runs, and asks nothing).
pub(crate) fn on_fired(state: &mut State, fired: Vec<Alert>, fx: &mut Vec<Effect>) {
    let fired: Vec<Alert> = fired.into_iter().filter(|a| a.retrain).collect();
    if fired.is_empty() {
        return;
    }
    if state.session.readonly {
        for a in &fired {
            state.toast(ToastLevel::Info, read_only_skip(a).text());
        }
        return;
    }
    let req = state.next_request();
    state.alerts.auto_pending.push(req);
    fx.push(Effect::RoomChange {
        req,
        change: RoomChange::Alerts(Change::AutoRetrain { fired }),
    });
}

/// The outcomes arrived: a toast each; the Audit screen's journal is read again.
pub(crate) fn on_done(
    state: &mut State,
    req: RequestId,
    done: Vec<AutoRetrain>,
    fx: &mut Vec<Effect>,
) -> Accepted {
    if !take_pending(state, req) {
        return Accepted::Stale;
    }
    for r in &done {
        let level = match r.result {
            AutoResult::Started { .. } | AutoResult::Skipped { .. } => ToastLevel::Info,
            AutoResult::Failed { .. } => ToastLevel::Error,
        };
        state.toast(level, r.text());
    }
    if done
        .iter()
        .any(|r| !matches!(r.result, AutoResult::Skipped { .. }))
    {
        super::super::audit::fetch_journal(state, fx);
    }
    let kept = &mut state.alerts.retrained;
    kept.extend(done);
    let extra = kept.len().saturating_sub(KEPT);
    kept.drain(..extra);
    Accepted::Ok
}

/// The task died: whatever it was doing may have been sent.
pub(crate) fn on_failed(state: &mut State, req: RequestId, message: &str) -> Accepted {
    if !take_pending(state, req) {
        return Accepted::Stale;
    }
    state.toast(
        ToastLevel::Error,
        format!(
            "automatic retraining: outcome unknown after an internal error ({message}): check \
             the Audit screen and verify"
        ),
    );
    Accepted::Ok
}

fn take_pending(state: &mut State, req: RequestId) -> bool {
    let before = state.alerts.auto_pending.len();
    state.alerts.auto_pending.retain(|r| *r != req);
    state.alerts.auto_pending.len() != before
}
