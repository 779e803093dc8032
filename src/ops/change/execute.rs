//! Executing a plan: journal the attempt (fsynced) → send → read back → journal the result.
//!
//! The rules of PRODUCT §4: a change is recorded before it is sent; a refusal by the server
//! (e.g. `403 PERMISSION_DENIED`) is recorded as failed with the server's message, never as
//! done; a timeout or lost connection after sending is "unknown" (it may have happened); an
//! accepted change whose read-back does not show it is "verify failed".

use serde::Serialize;

use crate::api::{ApiError, ApiResult, Client, ErrorKind};
use crate::ops::error::OpError;
use crate::ops::journal::{Attempt, Journal, Outcome, Record, ResultRecord, Via};

use super::judge::{Sent, Verdict, judge};
use super::plan::{Plan, Step};
use super::readback::read_state;
use super::target::ObjectState;

/// Who is changing what, for the journal and the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeContext {
    /// Profile label as shown to the user. (The host comes from the client.)
    pub profile: String,
    /// The workspace user, when known (SCIM `Me`).
    pub actor: Option<String>,
    /// Production profiles require typing the object's name to confirm.
    pub production: bool,
}

/// Why the server refused a change, for exit codes and dialogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    PermissionDenied,
    Conflict,
    NotFound,
    BadRequest,
    Auth,
    Other,
}

impl FailureKind {
    pub fn of(e: &ApiError) -> FailureKind {
        match e {
            ApiError::Api { kind, .. } => match kind {
                ErrorKind::PermissionDenied => FailureKind::PermissionDenied,
                ErrorKind::Conflict => FailureKind::Conflict,
                ErrorKind::NotFound => FailureKind::NotFound,
                ErrorKind::BadRequest => FailureKind::BadRequest,
                ErrorKind::Unauthenticated => FailureKind::Auth,
                _ => FailureKind::Other,
            },
            ApiError::Refused { source, .. } => FailureKind::of(source),
            ApiError::ReadOnly { .. } => FailureKind::PermissionDenied,
            ApiError::Auth { .. } => FailureKind::Auth,
            _ => FailureKind::Other,
        }
    }
}

/// How an executed change ended (also journaled as its `result` record).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeOutcome {
    /// The journal id of the change.
    pub id: String,
    pub outcome: Outcome,
    /// The server's or the transport's error, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureKind>,
    /// The object as read back after the requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<ObjectState>,
    /// One sentence for the user.
    pub message: String,
    /// In place although its answer was lost: "ok (answer lost)".
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub answer_lost: bool,
    /// Set when the result could not be journaled (the attempt was; it will read as unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal_warning: Option<String>,
}

/// How sending a plan's requests went.
struct Sending {
    /// How the last request sent ended (`Done` when every request was answered with success
    /// or, after a lost answer, read back as applied).
    last: Sent,
    /// Requests that went through (or were read back as applied), from the first.
    applied: usize,
    /// An answer lost on the way, though its request turned out to be applied.
    answer_lost: Option<String>,
    /// Every request sent, in order (resends and undos included).
    log: Vec<String>,
}

/// Sends the plan's requests in order. After a lost answer the object is read back: a request
/// that shows as applied counts as done; one that shows as not applied after the server said
/// it failed (500, 503) is sent once more; otherwise sending stops. A request is never
/// repeated blindly.
async fn send_all(client: &Client, plan: &Plan) -> Sending {
    let mut sending = Sending {
        last: Sent::Done,
        applied: 0,
        answer_lost: None,
        log: Vec::new(),
    };
    for step in &plan.steps {
        let mut resent = false;
        loop {
            sending.log.push(if resent {
                format!(
                    "{} (again: reading back showed it not applied)",
                    step.describe()
                )
            } else {
                step.describe()
            });
            let sent = Sent::of(&step.send(client).await);
            let Sent::Lost(lost) = &sent else {
                sending.last = sent;
                break;
            };
            let seen = read_state(client, &plan.target, &plan.after)
                .await
                .ok()
                .and_then(|now| step.applied_in(&now));
            match seen {
                Some(true) => {
                    sending.answer_lost = Some(lost.to_string());
                    sending.last = Sent::Done;
                    break;
                }
                // Sent once more only when the server finished with it (a 500 or 503): after
                // a timeout or a reset it may still be running, and a second one could apply
                // twice.
                Some(false) if !resent && lost.answered_by_server() => resent = true,
                _ => {
                    sending.last = sent;
                    break;
                }
            }
        }
        if !matches!(sending.last, Sent::Done) {
            break;
        }
        sending.applied += 1;
    }
    sending
}

/// Puts back the first `applied` requests of a plan that stopped half-way, newest first, in
/// up to two rounds: before each, the object is read and only requests whose effect still
/// shows are undone (undoing a tag is safe to repeat). Returns whether the last round's undo
/// requests were all answered with success.
async fn undo_applied(client: &Client, plan: &Plan, applied: usize, log: &mut Vec<String>) -> bool {
    let mut all = false;
    for _ in 0..2 {
        let now = read_state(client, &plan.target, &plan.after).await.ok();
        let pending: Vec<&Step> = plan.steps[..applied]
            .iter()
            .rev()
            .filter(|s| now.as_ref().and_then(|n| s.applied_in(n)) != Some(false))
            .collect();
        if pending.is_empty() {
            return true;
        }
        all = true;
        for step in pending {
            let Some(undo) = step.undo(&plan.before) else {
                return false;
            };
            log.push(format!("{} (undo)", undo.describe()));
            all &= matches!(Sent::of(&undo.send(client).await), Sent::Done);
        }
        if all {
            break;
        }
    }
    all
}

/// Writes the result record of change `id`; the warning to show when that failed.
pub async fn record_result(
    journal: &Journal,
    id: &str,
    verdict: &Verdict,
    verified: Option<ObjectState>,
    sent: Vec<String>,
) -> Option<String> {
    let (ts_ms, time) = journal.now();
    let result = ResultRecord {
        id: id.to_string(),
        time,
        ts_ms,
        outcome: verdict.outcome,
        error: verdict.error.clone(),
        verified,
        via: Via::Execute,
        answer_lost: verdict.answer_lost,
        sent,
    };
    journal
        .append_async(Record::Result(result))
        .await
        .err()
        .map(|e| {
            format!(
                "the result could not be written to {} ({e}); the change shows as unknown there",
                journal.path().display()
            )
        })
}

/// Runs `plan`: refuses on a read-only client, a no-op plan or an object that no longer is as
/// planned, then journals, sends, reads back and journals the result. Errors mean nothing was
/// sent.
pub async fn execute(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    plan: &Plan,
) -> Result<ChangeOutcome, OpError> {
    if client.readonly() {
        return Err(OpError::ReadOnly(plan.action.to_string()));
    }
    if plan.is_noop() {
        return Err(OpError::NothingToDo(format!(
            "{} is already {}",
            plan.target.describe(),
            plan.after.describe()
        )));
    }
    // A dialog may have stayed open while someone else changed the object: act only on the
    // state that was shown.
    let now = read_state(client, &plan.target, &plan.before).await?;
    if !plan.before.satisfied_by(&now) {
        return Err(OpError::Stale(format!(
            "{} is now {}, not {} as planned",
            plan.target.describe(),
            now.describe(),
            plan.before.describe()
        )));
    }
    let id = journal.new_id();
    let (ts_ms, time) = journal.now();
    let attempt = Attempt {
        id: id.clone(),
        time,
        ts_ms,
        profile: ctx.profile.clone(),
        host: client.host().to_string(),
        workspace_id: client.workspace_id().await,
        actor: ctx.actor.clone(),
        action: plan.action,
        target: plan.target.clone(),
        before: plan.before.identified_by(&now),
        after: plan.after.clone(),
        comment: plan.comment.clone(),
        reverts: plan.reverts.clone(),
        requests: plan.steps.iter().map(|s| s.describe()).collect(),
    };
    journal
        .append_async(Record::Attempt(Box::new(attempt)))
        .await
        .map_err(|e| OpError::Journal {
            path: journal.path().to_path_buf(),
            message: e.to_string(),
        })?;

    let mut sending = send_all(client, plan).await;
    let object = plan.target.describe();
    let mut read = read_state(client, &plan.target, &plan.after).await;
    let partial = sending.applied > 0
        && sending.applied < plan.steps.len()
        && !read.as_ref().is_ok_and(|now| plan.after.satisfied_by(now));
    let verdict = if partial {
        // Stopped half-way: put back what was applied, so the object is either as before or
        // as after, never something in between that nobody asked for.
        let undone = undo_applied(client, plan, sending.applied, &mut sending.log).await;
        read = read_state(client, &plan.target, &plan.after).await;
        partial_verdict(&object, plan, &sending.last, undone, &read)
    } else {
        judge(&object, &plan.before, &plan.after, &sending.last, &read)
    };
    let verdict = verdict.with_answer_lost(sending.answer_lost.as_deref());
    let verified = read.as_ref().ok().cloned();
    let planned: Vec<String> = plan.steps.iter().map(|s| s.describe()).collect();
    let sent_log = if sending.log == planned {
        Vec::new()
    } else {
        sending.log
    };
    let journal_warning = record_result(journal, &id, &verdict, verified.clone(), sent_log).await;
    let Verdict {
        outcome,
        error,
        failure,
        message,
        answer_lost,
    } = verdict;
    Ok(ChangeOutcome {
        id,
        outcome,
        error,
        failure,
        verified,
        message,
        answer_lost,
        journal_warning,
    })
}

/// The outcome of a change that stopped half-way and whose applied part was undone (or not).
fn partial_verdict(
    object: &str,
    plan: &Plan,
    stopped: &Sent,
    undone: bool,
    read: &ApiResult<ObjectState>,
) -> Verdict {
    let why = stopped
        .error()
        .map_or_else(|| "stopped".to_string(), ToString::to_string);
    let failure = match stopped {
        Sent::Refused(e) => Some(FailureKind::of(e)),
        _ => Some(FailureKind::Other),
    };
    match read {
        // The read-back decides: back to the state before is a clean failure, whatever the
        // undo requests answered.
        Ok(now) if plan.before.satisfied_by(now) => Verdict {
            outcome: Outcome::Failed,
            error: Some(format!(
                "{why}; the requests already applied were undone{}",
                if undone {
                    ""
                } else {
                    " (some undo answers were lost)"
                }
            )),
            failure,
            message: format!(
                "failed half-way ({why}); what was applied was undone: {object} is back to {}",
                now.describe()
            ),
            answer_lost: false,
        },
        Ok(now) if plan.after.satisfied_by(now) => {
            judge(object, &plan.before, &plan.after, &Sent::Done, read)
        }
        Ok(now) => Verdict {
            outcome: Outcome::Partial,
            error: Some(format!("{why}; stopped half-way")),
            failure,
            message: format!(
                "PARTIAL: {why}; {object} now reads {} (before {}, asked {}): finish or undo it",
                now.describe(),
                plan.before.describe(),
                plan.after.describe()
            ),
            answer_lost: false,
        },
        Err(e) => Verdict {
            outcome: Outcome::Unknown,
            error: Some(format!("{why}; stopped half-way; read-back failed: {e}")),
            failure: None,
            message: format!(
                "stopped half-way ({why}) and could not be read back ({e}); verify it"
            ),
            answer_lost: false,
        },
    }
}
