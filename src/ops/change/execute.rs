//! Executing a plan: journal the attempt (fsynced) → send → read back → journal the result.
//!
//! The rules of PRODUCT §4: a change is recorded before it is sent; a refusal by the server
//! (e.g. `403 PERMISSION_DENIED`) is recorded as failed with the server's message, never as
//! done; a timeout or lost connection after sending is "unknown" (it may have happened); an
//! accepted change whose read-back does not show it is "verify failed".

use serde::Serialize;

use crate::api::{ApiError, Client, ErrorKind};
use crate::ops::error::OpError;
use crate::ops::journal::{Attempt, Journal, Outcome, Record, ResultRecord, Via};

use super::plan::Plan;
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
    /// Set when the result could not be journaled (the attempt was; it will read as unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal_warning: Option<String>,
}

/// What sending did.
enum Sent {
    /// Every request was answered with success.
    Done,
    /// The server refused (or the client did not send): nothing more was sent.
    Refused(ApiError),
    /// No answer came back: the request may or may not have been applied.
    Lost(ApiError),
}

async fn send_all(client: &Client, plan: &Plan) -> Sent {
    for step in &plan.steps {
        match step.send(client).await {
            Ok(()) => {}
            // A 2xx answer we could not decode still means the server did it.
            Err(ApiError::Decode { .. }) => {}
            Err(e @ (ApiError::Transport { .. } | ApiError::Timeout { .. })) => {
                return Sent::Lost(e);
            }
            Err(e) => return Sent::Refused(e),
        }
    }
    Sent::Done
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
        actor: ctx.actor.clone(),
        action: plan.action,
        target: plan.target.clone(),
        before: plan.before.clone(),
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

    let sent = send_all(client, plan).await;
    let read = read_state(client, &plan.target, &plan.after).await;
    let verified = read.as_ref().ok().cloned();
    let shows = |s: &ObjectState| verified.as_ref().is_some_and(|v| s.satisfied_by(v));
    let now = || verified.as_ref().map_or("?".to_string(), |v| v.describe());
    let (outcome, error, failure, message) = match (&sent, &read) {
        (Sent::Done, Ok(_)) if shows(&plan.after) => (
            Outcome::Ok,
            None,
            None,
            format!("done and verified: {} is {}", plan.target.describe(), now()),
        ),
        (Sent::Done, Ok(_)) => (
            Outcome::VerifyFailed,
            None,
            None,
            format!(
                "the server accepted the change but reading it back shows {}, not {}",
                now(),
                plan.after.describe()
            ),
        ),
        (Sent::Done, Err(e)) => (
            Outcome::Unknown,
            Some(format!("read-back failed: {e}")),
            None,
            format!("sent, but it could not be read back ({e}); verify it later"),
        ),
        (Sent::Refused(e), _) => {
            let state = if shows(&plan.before) {
                "nothing changed".to_string()
            } else {
                format!("it now reads {}", now())
            };
            (
                Outcome::Failed,
                Some(e.to_string()),
                Some(FailureKind::of(e)),
                format!("failed: {e} ({state})"),
            )
        }
        (Sent::Lost(e), _) => (
            Outcome::Unknown,
            Some(e.to_string()),
            None,
            format!("the outcome is unknown ({e}); verify it before acting again"),
        ),
    };

    let (ts_ms, time) = journal.now();
    let result = ResultRecord {
        id: id.clone(),
        time,
        ts_ms,
        outcome,
        error: error.clone(),
        verified: verified.clone(),
        via: Via::Execute,
    };
    let journal_warning = journal
        .append_async(Record::Result(result))
        .await
        .err()
        .map(|e| {
            format!(
                "the result could not be written to {} ({e}); the change shows as unknown there",
                journal.path().display()
            )
        });
    Ok(ChangeOutcome {
        id,
        outcome,
        error,
        failure,
        verified,
        message,
        journal_warning,
    })
}
