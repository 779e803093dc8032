//! The shape every room's confirmed change shares on the update side (Jobs, Monitoring): the
//! refusals before a dialog opens (read-only profile, another change of the room in flight),
//! the confirm dialog, the toast that tells the pipeline's verdict, and the "outcome unknown"
//! a change whose task died is given (it may have been sent).

use crate::ops::journal::Outcome;

use super::super::form::{Confirm, ConfirmAction, RoomConfirm};
use super::super::state::{Overlay, State, ToastLevel};
use super::RoomChange;

const READ_ONLY: &str = "read-only profile: changes are disabled";

/// Refuses (with a toast saying why) on a read-only profile, and while `in_flight` (what the
/// room's change under way is) is set.
pub(crate) fn refused(state: &mut State, in_flight: Option<String>) -> bool {
    if state.session.readonly {
        state.toast(ToastLevel::Info, READ_ONLY);
        return true;
    }
    if let Some(what) = in_flight {
        let text = format!("{what} is still under way: wait for its outcome");
        state.toast(ToastLevel::Info, text);
        return true;
    }
    false
}

/// Opens the confirm dialog of `change` (typed `name` on production profiles).
pub(crate) fn open_confirm(
    state: &mut State,
    what: String,
    name: String,
    rows: Vec<(String, String)>,
    warnings: Vec<String>,
    verb: &'static str,
    change: RoomChange,
) {
    let confirm = RoomConfirm {
        what,
        rows,
        warnings,
        name,
        verb,
        change,
    };
    let action = ConfirmAction::Room(Box::new(confirm));
    state.overlay = Overlay::Confirm(Box::new(Confirm::new(action, state.session.production)));
    state.dirty = true;
}

/// The pipeline's verdict in a word; `None`: nothing was sent.
pub fn outcome_label(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        Some(Outcome::Ok) => "ok",
        Some(Outcome::Failed) => "failed",
        Some(Outcome::VerifyFailed) => "verify failed",
        Some(Outcome::Partial) => "partial",
        Some(Outcome::Unknown) => "unknown",
        None => "not sent",
    }
}

/// The toast of a change's verdict: `what: label — message`, an error unless it is ok, and a
/// pointer to the Audit screen when the outcome is not plainly ok or failed.
pub(crate) fn outcome_toast(
    state: &mut State,
    what: &str,
    outcome: Option<Outcome>,
    message: &str,
) {
    let level = match outcome {
        Some(Outcome::Ok) => ToastLevel::Info,
        _ => ToastLevel::Error,
    };
    let mut text = format!("{what}: {} — {message}", outcome_label(outcome));
    if outcome.is_some_and(|o| o != Outcome::Ok && o != Outcome::Failed) {
        text.push_str(" (see the Audit screen)");
    }
    state.toast(level, text);
}

/// The message of a change whose task died (`message`: why): it may have been sent.
pub(crate) fn unknown_after_crash(message: &str) -> String {
    format!(
        "outcome unknown after an internal error ({message}): check the Audit screen and verify"
    )
}
