//! The changes of the Monitoring room, on the update side: `R` refreshes the table's monitor,
//! `X` cancels a refresh on its way, `T` retrains the model (a form saying why — prefilled with
//! the feature and window under the cursor — then the job is looked up, then the confirm
//! dialog). Confirming sends one `Effect::RoomChange` (the runtime runs it through the change
//! pipeline); a started retraining run opens on the Jobs screen and is followed to the version
//! it registered, which `o` then opens.

use crate::ops::journal::Outcome;
use crate::ops::retrain::{RetrainJob, RetrainRequest};

use super::super::super::effect::Effect;
use super::super::super::form::RoomForm;
use super::super::super::remote::{Accepted, LoadError, RequestId, replace};
use super::super::super::screen::ScreenRoute;
use super::super::super::state::{Overlay, State, ToastLevel};
use super::super::{RoomChange, room_change};
use super::{Change, ChangeDone, Fetch, RetrainEnded, fetch};

/// The form's title (the room takes the form back by it).
pub const RETRAIN_FORM: &str = "Retrain the model";

fn refused(state: &mut State) -> bool {
    let in_flight = state.monitoring.applying.as_ref().map(|(_, c)| c.what());
    room_change::refused(state, in_flight)
}

/// `R`: the confirm dialog for a refresh of `table`'s monitor.
pub(crate) fn refresh(state: &mut State, table: String) {
    if refused(state) {
        return;
    }
    let Some(detail) = state.monitoring.monitor() else {
        let text = match state.monitoring.detail.data {
            Some(None) => format!("{table} has no monitor"),
            _ => "the monitor has not been read yet".to_string(),
        };
        state.toast(ToastLevel::Info, text);
        return;
    };
    if let Some(id) = state.monitoring.active_refresh() {
        state.toast(
            ToastLevel::Info,
            format!("refresh {id} is still on its way: one at a time (X cancels it)"),
        );
        return;
    }
    let m = &detail.monitor;
    let rows = vec![
        (
            "monitor".to_string(),
            format!("{} ({})", m.table, m.kind.label()),
        ),
        ("api".to_string(), m.api.as_str().to_string()),
    ];
    let warnings = vec![
        "a refresh recomputes the metric tables on the monitor's warehouse: it takes minutes and costs compute"
            .to_string(),
    ];
    open_confirm(
        state,
        Change::Refresh { table },
        rows,
        warnings,
        "refresh it",
    );
}

/// `X`: the confirm dialog for cancelling the refresh on its way.
pub(crate) fn cancel(state: &mut State, table: String) {
    if refused(state) {
        return;
    }
    let Some(refresh_id) = state.monitoring.active_refresh() else {
        state.toast(ToastLevel::Info, "no refresh of this monitor is on its way");
        return;
    };
    let rows = vec![
        ("monitor".to_string(), table.clone()),
        ("refresh".to_string(), refresh_id.to_string()),
    ];
    let warnings =
        vec!["cancelling is asynchronous: the refresh is followed until it has ended".into()];
    let change = Change::CancelRefresh { table, refresh_id };
    open_confirm(state, change, rows, warnings, "cancel it");
}

/// `T`: the form saying why, prefilled from the cursor (feature and window).
pub(crate) fn retrain(state: &mut State, table: String) {
    if refused(state) {
        return;
    }
    let (feature, window) = state.monitoring.cursor_cell().unzip();
    let reason = match (&feature, &window) {
        (Some(f), Some(w)) => format!("drift of {f} in window {w}"),
        _ => format!("drift on {table}"),
    };
    let rows = vec![
        ("monitor".to_string(), table.clone()),
        (
            "model".to_string(),
            "empty: the one model with a retraining job ([retraining] or its tag)".to_string(),
        ),
    ];
    let fields = vec![
        ("model".to_string(), String::new()),
        ("reason".to_string(), reason),
        ("feature".to_string(), feature.unwrap_or_default()),
        ("window".to_string(), window.unwrap_or_default()),
    ];
    let form = RoomForm::new(RETRAIN_FORM.to_string(), rows, &fields);
    state.overlay = Overlay::RoomForm(Box::new(form));
    state.dirty = true;
}

/// Enter on the retrain form: look the job up (the confirm dialog names it).
pub(crate) fn retrain_submitted(
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
    let Some(reason) = value("reason") else {
        state.toast(
            ToastLevel::Error,
            "a retrain needs a reason: nothing was sent",
        );
        return;
    };
    let mut request = RetrainRequest::new(&value("model").unwrap_or_default(), &reason);
    request.monitor = Some(table);
    request.feature = value("feature");
    request.window = value("window");
    let req = fetch(
        state,
        Fetch::RetrainJob {
            request: Box::new(request),
        },
        fx,
    );
    state.monitoring.retrain_job.start(req);
    state.toast(ToastLevel::Info, "looking up the retraining job…");
}

/// The job arrived: the confirm dialog with the model, the job and the parameters.
pub(crate) fn on_retrain_job(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: Result<Box<(RetrainRequest, RetrainJob)>, String>,
) -> Accepted {
    let accepted = state.monitoring.retrain_job.accept(
        req,
        at,
        result.map(|b| *b).map_err(LoadError::Failed),
        replace,
    );
    if accepted != Accepted::Ok || !matches!(state.overlay, Overlay::None) {
        return accepted;
    }
    let Some((request, job)) = state.monitoring.retrain_job.data.clone() else {
        return accepted;
    };
    let how = match job.source {
        crate::ops::retrain::JobSource::Config => "[retraining] in config.toml",
        crate::ops::retrain::JobSource::Tag => "its mlops.retrains tag",
    };
    let mut rows = vec![
        ("model".to_string(), request.model.clone()),
        (
            "job".to_string(),
            format!("{} (id {}), from {how}", job.name, job.job_id),
        ),
    ];
    rows.extend(request.parameters());
    let undefined: Vec<String> = request
        .parameters()
        .into_keys()
        .filter(|k| !job.defined.contains(k))
        .collect();
    let mut warnings =
        vec!["the run is followed live; the version it registers can be opened with o".to_string()];
    if !undefined.is_empty() {
        warnings.push(format!(
            "the job does not define {}: they are sent as extra job parameters",
            undefined.join(", ")
        ));
    }
    let change = Change::Retrain {
        request: Box::new(request),
        job: Box::new(job),
    };
    open_confirm(state, change, rows, warnings, "retrain");
    accepted
}

fn open_confirm(
    state: &mut State,
    change: Change,
    rows: Vec<(String, String)>,
    warnings: Vec<String>,
    verb: &'static str,
) {
    let name = match &change {
        Change::Refresh { table } | Change::CancelRefresh { table, .. } => table.clone(),
        Change::Retrain { request, .. } => request.model.clone(),
    };
    let what = change.what();
    let change = RoomChange::Monitoring(change);
    room_change::open_confirm(state, what, name, rows, warnings, verb, change);
}

/// The dialog was confirmed: one effect, run through the change pipeline.
pub(crate) fn confirmed(state: &mut State, change: Change, fx: &mut Vec<Effect>) {
    if refused(state) {
        return;
    }
    let req = state.next_request();
    state.monitoring.applying = Some((req, change.clone()));
    state.toast(ToastLevel::Info, format!("{}: sending…", change.what()));
    fx.push(Effect::RoomChange {
        req,
        change: RoomChange::Monitoring(change),
    });
}

/// The pipeline's verdict: a toast, the note in the view; a started retraining run opens.
pub(crate) fn on_changed(
    state: &mut State,
    req: RequestId,
    done: ChangeDone,
    fx: &mut Vec<Effect>,
) -> Accepted {
    if state.monitoring.applying.as_ref().map(|(r, _)| *r) != Some(req) {
        return Accepted::Stale;
    }
    state.monitoring.applying = None;
    let ok = done.outcome == Some(Outcome::Ok);
    room_change::outcome_toast(state, &done.change.what(), done.outcome, &done.message);
    let started_run = match (&done.change, done.id, ok) {
        (Change::Retrain { request, .. }, Some(run_id), true) => {
            Some((run_id, request.model.clone()))
        }
        _ => None,
    };
    state.monitoring.last = Some(done);
    super::super::audit::fetch_journal(state, fx);
    match started_run {
        Some((run_id, model)) => {
            state.monitoring.retraining = Some((run_id, model.clone()));
            state.monitoring.new_version = None;
            let req = fetch(state, Fetch::RetrainEnd { run_id, model }, fx);
            state.monitoring.retrain_end.start(req);
            let route = ScreenRoute::JobRun { run_id };
            state.push_route(route.clone());
            super::super::jobs::load(state, &route, false, fx);
        }
        None => {
            let route = state.route().clone();
            super::load(state, &route, true, fx);
        }
    }
    Accepted::Ok
}

/// The followed retraining run ended: say how, and offer its version.
pub(crate) fn on_retrain_end(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: Result<Box<RetrainEnded>, String>,
) -> Accepted {
    let accepted = state.monitoring.retrain_end.accept(
        req,
        at,
        result.map(|e| *e).map_err(LoadError::Failed),
        replace,
    );
    if accepted != Accepted::Ok {
        return accepted;
    }
    state.monitoring.retraining = None;
    let Some(end) = state.monitoring.retrain_end.data.clone() else {
        return accepted;
    };
    match (&end.version, end.succeeded) {
        (Some(v), _) => {
            let back = if matches!(state.route(), ScreenRoute::Monitor { .. }) {
                ""
            } else {
                "back on Monitoring (Esc), "
            };
            state.toast(
                ToastLevel::Info,
                format!(
                    "{}: {back}o opens it (approve, canary and promote from there)",
                    v.describe()
                ),
            );
            state.monitoring.new_version = Some(v.clone());
        }
        (None, true) => state.toast(
            ToastLevel::Error,
            format!(
                "retraining run {} succeeded but registered no version: {}",
                end.run_id, end.message
            ),
        ),
        (None, false) => state.toast(
            ToastLevel::Error,
            format!("retraining run {} failed: {}", end.run_id, end.message),
        ),
    }
    accepted
}

/// The change's task died: it may have been sent, so its outcome is unknown.
pub(crate) fn on_task_failed(state: &mut State, req: RequestId, message: &str) -> Accepted {
    let Some((r, change)) = state.monitoring.applying.clone() else {
        return Accepted::Stale;
    };
    if r != req {
        return Accepted::Stale;
    }
    let done = ChangeDone {
        change,
        outcome: Some(Outcome::Unknown),
        message: room_change::unknown_after_crash(message),
        id: None,
    };
    on_changed(state, req, done, &mut Vec::new())
}
