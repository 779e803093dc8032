//! The changes of the Jobs room, on the update side: `n` reads the job and opens its parameter
//! form, Enter there opens the confirm dialog; `X` and `R` open theirs directly. Confirming
//! sends one `Effect::RoomChange` (the runtime runs it through the change pipeline, `fetch`);
//! its outcome comes back as a toast and in the view, and a started run is opened and followed.

use std::collections::BTreeMap;

use crate::api::models::jobs::Job;
use crate::ops::journal::Outcome;

use super::super::super::effect::Effect;
use super::super::super::form::RoomForm;
use super::super::super::remote::{Accepted, Remote, RequestId, replace};
use super::super::super::screen::ScreenRoute;
use super::super::super::state::{Overlay, State, ToastLevel};
use super::super::{RoomChange, room_change};
use super::{Change, ChangeDone, Fetch};

/// Refuses on a read-only profile, and while another change of the room is in flight.
fn refused(state: &mut State) -> bool {
    let in_flight = state.jobs.applying.as_ref().map(|(_, c)| c.what());
    room_change::refused(state, in_flight)
}

/// `n`: reads the job (its parameters and their defaults now), then opens the form.
pub(crate) fn run_now(state: &mut State, job_id: i64, fx: &mut Vec<Effect>) {
    if refused(state) {
        return;
    }
    state.jobs.job = Remote::default();
    let req = super::fetch(state, Fetch::Job { job_id }, fx);
    state.jobs.job.start(req);
    let name = state.jobs.job_name(job_id);
    state.toast(
        ToastLevel::Info,
        format!("reading the parameters of {name}…"),
    );
}

/// The job arrived: its run-now form, each parameter prefilled with its default.
pub(crate) fn on_job(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: Result<Box<Job>, String>,
) -> Accepted {
    let accepted = state.jobs.job.accept(
        req,
        at,
        result.map(|j| *j).map_err(super::LoadError::Failed),
        replace,
    );
    if accepted != Accepted::Ok || !matches!(state.overlay, Overlay::None) {
        return accepted;
    }
    let Some(job) = &state.jobs.job.data else {
        return accepted;
    };
    let fields: Vec<(String, String)> = job
        .settings
        .parameters
        .iter()
        .map(|p| (p.name.clone(), p.default.clone()))
        .collect();
    let mut rows = vec![(
        "job".to_string(),
        format!("{} (id {})", job.display_name(), job.job_id),
    )];
    if fields.is_empty() {
        rows.push(("parameters".into(), "none: the job runs as defined".into()));
    }
    let form = RoomForm::new(format!("Run {} now", job.display_name()), rows, &fields);
    state.overlay = Overlay::RoomForm(Box::new(form));
    accepted
}

/// Enter on the form: the confirm dialog with every parameter, the changed ones marked.
pub(crate) fn form_submitted(state: &mut State, form: RoomForm) {
    if refused(state) {
        return;
    }
    let Some(job) = &state.jobs.job.data else {
        return;
    };
    let job_name = job.display_name();
    let mut rows = vec![("job".to_string(), format!("{job_name} (id {})", job.job_id))];
    let values = form.values();
    for v in &values {
        let text = if v.default {
            format!("{} (default)", v.value)
        } else {
            let was = form
                .fields
                .iter()
                .find(|f| f.name == v.name)
                .map_or("", |f| f.default.as_str());
            format!("{}  (default {was})", v.value)
        };
        rows.push((v.name.clone(), text));
    }
    let overrides: BTreeMap<String, String> = form.overrides();
    let changed = overrides.len();
    let mut warnings = Vec::new();
    if changed > 0 {
        warnings.push(format!(
            "{changed} parameter(s) differ from the job's defaults"
        ));
    }
    let change = Change::RunNow {
        job_id: job.job_id,
        job_name: job_name.clone(),
        overrides,
    };
    open_confirm(state, change, rows, warnings, "run it");
}

/// `X`: the confirm dialog for cancelling `run_id` (a run that has not ended).
pub(crate) fn cancel(state: &mut State, run_id: i64, job_name: String, run_state: &str) {
    if refused(state) {
        return;
    }
    let rows = vec![
        ("run".to_string(), format!("{run_id} of {job_name}")),
        ("state".to_string(), run_state.to_string()),
    ];
    let warnings =
        vec!["cancelling is asynchronous: the run is followed until it has ended".into()];
    open_confirm(
        state,
        Change::Cancel { run_id, job_name },
        rows,
        warnings,
        "cancel it",
    );
}

/// `R`: the confirm dialog for rerunning the failed tasks of `run_id`.
pub(crate) fn repair(state: &mut State, run_id: i64, job_name: String, failed: Vec<String>) {
    if refused(state) {
        return;
    }
    let rows = vec![
        ("run".to_string(), format!("{run_id} of {job_name}")),
        (
            "rerun".to_string(),
            if failed.is_empty() {
                "every failed task".to_string()
            } else {
                failed.join(", ")
            },
        ),
    ];
    let change = Change::Repair { run_id, job_name };
    open_confirm(state, change, rows, Vec::new(), "repair it");
}

fn open_confirm(
    state: &mut State,
    change: Change,
    rows: Vec<(String, String)>,
    warnings: Vec<String>,
    verb: &'static str,
) {
    let name = match &change {
        Change::RunNow { job_name, .. } => job_name.clone(),
        Change::Cancel { run_id, .. } | Change::Repair { run_id, .. } => run_id.to_string(),
    };
    let what = change.what();
    let change = RoomChange::Jobs(change);
    room_change::open_confirm(state, what, name, rows, warnings, verb, change);
}

/// The dialog was confirmed: one effect, run by the runtime through the change pipeline.
pub(crate) fn confirmed(state: &mut State, change: Change, fx: &mut Vec<Effect>) {
    if refused(state) {
        return;
    }
    let req = state.next_request();
    state.jobs.applying = Some((req, change.clone()));
    let text = match &change {
        Change::RunNow { .. } => format!("{}: starting…", change.what()),
        Change::Cancel { .. } => format!("{}: asked, following it until it ends…", change.what()),
        Change::Repair { .. } => format!("{}: rerunning its failed tasks…", change.what()),
    };
    state.toast(ToastLevel::Info, text);
    fx.push(Effect::RoomChange {
        req,
        change: RoomChange::Jobs(change),
    });
}

/// The pipeline's verdict: a toast, the note in the view, then the run opened or re-read.
pub(crate) fn on_changed(
    state: &mut State,
    req: RequestId,
    done: ChangeDone,
    fx: &mut Vec<Effect>,
) -> Accepted {
    if state.jobs.applying.as_ref().map(|(r, _)| *r) != Some(req) {
        return Accepted::Stale;
    }
    state.jobs.applying = None;
    room_change::outcome_toast(state, &done.change.what(), done.outcome, &done.message);
    let open = match (&done.change, done.run_id) {
        (Change::RunNow { .. }, Some(run_id)) => Some(run_id),
        _ => None,
    };
    state.jobs.last = Some(done);
    // The journal has a new entry: the Audit screen shows it without an `r`.
    super::super::audit::fetch_journal(state, fx);
    match open {
        Some(run_id) => {
            state.push_route(ScreenRoute::JobRun { run_id });
            super::reload(state, fx);
        }
        None => super::reload(state, fx),
    }
    Accepted::Ok
}

/// The change's task died: it may have been sent, so its outcome is unknown.
pub(crate) fn on_task_failed(state: &mut State, req: RequestId, message: &str) -> Accepted {
    let Some((r, change)) = state.jobs.applying.clone() else {
        return Accepted::Stale;
    };
    if r != req {
        return Accepted::Stale;
    }
    let done = ChangeDone {
        change,
        outcome: Some(Outcome::Unknown),
        run_id: None,
        message: room_change::unknown_after_crash(message),
        journal_id: None,
    };
    on_changed(state, req, done, &mut Vec::new())
}
