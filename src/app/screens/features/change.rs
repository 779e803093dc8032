//! The changes of the Features room, on the update side: `P` publishes the table open to an
//! online store (a form: store, mode, online table name → the plan is read → the confirm
//! dialog), `S` starts a sync of its TRIGGERED or SNAPSHOT online table (the confirm dialog).
//! Confirming sends one `Effect::RoomChange`, run through the change pipeline
//! (`ops::feature_changes`: journaled, refused when it must be, read back); the outcome is a
//! toast, and the online table is then re-read every 2 s until its sync has ended.

use crate::api::models::feature_store::PublishMode;
use crate::ops::feature_changes::PublishPlan;
use crate::ops::journal::Outcome;

use super::super::super::effect::Effect;
use super::super::super::form::RoomForm;
use super::super::super::remote::{Accepted, LoadError, RequestId, replace};
use super::super::super::state::{Overlay, State, ToastLevel};
use super::super::{RoomChange, room_change};
use super::{Change, ChangeDone, Fetch, fetch};

/// The publish form's title (the room takes the form back by it).
pub const PUBLISH_FORM: &str = "Publish to an online store";

fn refused(state: &mut State) -> bool {
    let in_flight = state.features.applying.as_ref().map(|(_, c)| c.what());
    room_change::refused(state, in_flight)
}

/// `P`: the form (store, mode, online table name).
pub(crate) fn publish(state: &mut State, table: String) {
    if refused(state) {
        return;
    }
    let store = state
        .features
        .detail
        .data
        .as_ref()
        .and_then(|d| d.online.iter().find_map(|o| o.store.clone()))
        .unwrap_or_default();
    let rows = vec![
        ("table".to_string(), table),
        (
            "mode".to_string(),
            "CONTINUOUS, TRIGGERED or SNAPSHOT".to_string(),
        ),
        (
            "name".to_string(),
            "empty: catalog.schema_online.table".to_string(),
        ),
    ];
    let fields = vec![
        ("store".to_string(), store),
        ("mode".to_string(), "TRIGGERED".to_string()),
        ("name".to_string(), String::new()),
    ];
    let form = RoomForm::new(PUBLISH_FORM.to_string(), rows, &fields);
    state.overlay = Overlay::RoomForm(Box::new(form));
    state.dirty = true;
}

pub(super) fn mode_of(text: &str) -> Option<PublishMode> {
    match text.trim().to_ascii_uppercase().as_str() {
        "CONTINUOUS" => Some(PublishMode::Continuous),
        "TRIGGERED" => Some(PublishMode::Triggered),
        "SNAPSHOT" => Some(PublishMode::Snapshot),
        _ => None,
    }
}

/// Enter on the publish form: the plan is read (the store's state, Change Data Feed).
pub(crate) fn publish_submitted(
    state: &mut State,
    table: String,
    form: RoomForm,
    fx: &mut Vec<Effect>,
) {
    if refused(state) {
        return;
    }
    let value = |name: &str| {
        form.values()
            .into_iter()
            .find(|v| v.name == name)
            .map(|v| v.value.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let Some(store) = value("store") else {
        state.toast(ToastLevel::Error, "publish needs a store: nothing was sent");
        return;
    };
    let mode_text = value("mode").unwrap_or_default();
    let Some(mode) = mode_of(&mode_text) else {
        let text = format!(
            "unknown publish mode '{mode_text}': CONTINUOUS, TRIGGERED or SNAPSHOT; nothing was sent"
        );
        state.toast(ToastLevel::Error, text);
        return;
    };
    let f = Fetch::PlanPublish {
        source: table,
        store,
        mode: mode.as_str().to_string(),
        name: value("name"),
    };
    let req = fetch(state, f, fx);
    state.features.plan.start(req);
    state.toast(ToastLevel::Info, "reading the online store…");
}

/// The plan arrived: the confirm dialog.
pub(crate) fn on_plan(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: Result<Box<PublishPlan>, String>,
) -> Accepted {
    let accepted = state.features.plan.accept(
        req,
        at,
        result.map(|b| *b).map_err(LoadError::Failed),
        replace,
    );
    if accepted != Accepted::Ok || !matches!(state.overlay, Overlay::None) {
        return accepted;
    }
    let Some(plan) = state.features.plan.data.clone() else {
        return accepted;
    };
    let rows = Vec::from([
        ("table".to_string(), plan.source.clone()),
        (
            "store".to_string(),
            match &plan.store_state {
                Some(s) => format!("{} ({s})", plan.store),
                None => plan.store.clone(),
            },
        ),
        ("mode".to_string(), plan.mode.as_str().to_string()),
        ("online table".to_string(), plan.online_table.clone()),
        ("request".to_string(), plan.request_path()),
    ]);
    let mut warnings =
        vec!["the online table is followed until its first sync has ended".to_string()];
    if plan.change_data_feed == Some(false) {
        warnings.push("Change Data Feed is off on the source".to_string());
    }
    let change = Change::Publish {
        plan: Box::new(plan),
    };
    open_confirm(state, change, rows, warnings, "publish");
    accepted
}

/// `S`: the confirm dialog for a sync of the table's online table (the one not CONTINUOUS).
pub(crate) fn sync(state: &mut State, table: String) {
    if refused(state) {
        return;
    }
    let Some(d) = state.features.detail.data.as_ref() else {
        state.toast(ToastLevel::Info, "the table is not read yet");
        return;
    };
    let candidates: Vec<_> = d
        .online
        .iter()
        .filter(|o| o.mode.as_deref() != Some("CONTINUOUS"))
        .collect();
    let Some(online) = candidates.first() else {
        let why = if d.online.is_empty() {
            "no online table to sync: P publishes the table"
        } else {
            "its online tables are CONTINUOUS: they sync on their own"
        };
        state.toast(ToastLevel::Info, why);
        return;
    };
    let name = online.name.clone();
    let rows = Vec::from([
        ("table".to_string(), table),
        ("online table".to_string(), name.clone()),
        (
            "store".to_string(),
            online.store.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "mode".to_string(),
            online.mode.clone().unwrap_or_else(|| "-".into()),
        ),
        ("state".to_string(), online.state_text()),
    ]);
    let mut warnings = vec!["the sync is followed until it has ended".to_string()];
    if candidates.len() > 1 {
        warnings.push(format!(
            "{} online tables could sync: this one is the first",
            candidates.len()
        ));
    }
    open_confirm(state, Change::Sync { name }, rows, warnings, "sync");
}

fn open_confirm(
    state: &mut State,
    change: Change,
    rows: Vec<(String, String)>,
    warnings: Vec<String>,
    verb: &'static str,
) {
    let name = match &change {
        Change::Publish { plan } => plan.source.clone(),
        Change::Sync { name } => name.clone(),
    };
    let what = change.what();
    let change = RoomChange::Features(change);
    room_change::open_confirm(state, what, name, rows, warnings, verb, change);
}

/// The dialog was confirmed: one effect, run through the change pipeline.
pub(crate) fn confirmed(state: &mut State, change: Change, fx: &mut Vec<Effect>) {
    if refused(state) {
        return;
    }
    let req = state.next_request();
    state.features.applying = Some((req, change.clone()));
    state.toast(ToastLevel::Info, format!("{}: sending…", change.what()));
    fx.push(Effect::RoomChange {
        req,
        change: RoomChange::Features(change),
    });
}

/// The pipeline's verdict: a toast; the online table is then followed.
pub(crate) fn on_changed(
    state: &mut State,
    req: RequestId,
    done: ChangeDone,
    fx: &mut Vec<Effect>,
) -> Accepted {
    if state.features.applying.as_ref().map(|(r, _)| *r) != Some(req) {
        return Accepted::Stale;
    }
    state.features.applying = None;
    room_change::outcome_toast(state, &done.change.what(), done.outcome, &done.message);
    if matches!(done.outcome, Some(Outcome::Ok | Outcome::Unknown)) {
        state.features.follow(done.online_table.clone());
    }
    state.features.last = Some(done);
    super::super::audit::fetch_journal(state, fx);
    let route = state.route().clone();
    super::detail::load(state, &route, true, fx);
    Accepted::Ok
}

/// The change's task died: it may have been sent, so its outcome is unknown.
pub(crate) fn on_task_failed(state: &mut State, req: RequestId, message: &str) -> Accepted {
    let Some((r, change)) = state.features.applying.clone() else {
        return Accepted::Stale;
    };
    if r != req {
        return Accepted::Stale;
    }
    let done = ChangeDone {
        change,
        outcome: Some(Outcome::Unknown),
        message: room_change::unknown_after_crash(message),
        online_table: None,
    };
    on_changed(state, req, done, &mut Vec::new())
}
